/*
 * net-history.c: back-fill from the monitor's REST history, on the loop.
 *
 * Reads are narrow and rare (PROTOCOL.md, "REST history for back-fill"):
 * always one execution's messages (workflow-messages/?execution_id=X),
 * the running executions (workflow-executions/?status=running) and a
 * run's state (run-states/N/, for its metadata.execution_id); never
 * logs/, never a whole table, never on a timer of their own. They happen
 * on start (--history all, after "connected"), after every reconnect
 * (the runs that were active and the running executions) and on a hole
 * (at most once per execution per 10 s). One read at a time; an answer
 * is capped at --history-max-bytes, kept as it came (one copy) and read
 * item by item in time-bounded slices, so the live stream, keys and
 * timers keep flowing while a large history is merged.
 *
 * The engine (client.c) passes every message through net_history_pass(),
 * which keeps the seen-set (each message delivered once, whichever of
 * history and stream brings it first) and the per-run hole tracking.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "cfg.h"
#include "history.h"
#include "log.h"
#include "msg.h"
#include "loop.h"
#include "net.h"
#include "text.h"
#include "xmalloc.h"

#define HISTORY_HOLE_EVERY	10.0	/* seconds between reads of one exec */
#define HISTORY_TIMEOUT		60L	/* seconds for one read */
#define HISTORY_EXECS_TOLD	256	/* running executions told the alerts */
#define HISTORY_SLICE_US	4000	/* merging work per loop turn */
#define HISTORY_MAX_RUNS	4096	/* runs tracked */
#define HISTORY_LIMITS		256	/* executions rate-limited */
#define HISTORY_QUEUE_MAX	1024	/* reads waiting */
#define HISTORY_SKEW_US		5000000	/* clock slack for --history gaps */

enum hreq_kind { HQ_EXECS, HQ_RUNSTATE, HQ_MESSAGES };
enum hbatch { HB_NONE, HB_START, HB_RECONNECT };

/* A read waiting or under way. */
struct hreq {
	TAILQ_ENTRY(hreq)	 entry;
	enum hreq_kind		 kind;
	char			*key;		/* execution id or run id */
	int			 batch;		/* part of the start/reconnect */
};
TAILQ_HEAD(hreq_list, hreq);

/* When an execution (or a run's state) was last read. */
struct hlimit {
	char		*key;
	int64_t		 at;		/* monotonic us, 0 never */
	int		 pending;	/* a hole waits for the next slot */
};

/* The kinds of problems reported once each. */
enum hprob { HP_HTTP, HP_NOTLIST, HP_GARBAGE, HP_BIG, HP_NET, HP_COUNT };

struct history {
	struct loop		*loop;
	const struct cfg	*cfg;
	struct history_cb	 cb;
	void			*arg;
	enum hist_mode		 mode;

	struct hist_seen	*seen;
	struct hist_runs	 runs;
	int			 connects;	/* "connected" events */
	int64_t			 first_at;	/* wall us of the first */
	int			 up;
	int64_t			 lost_at;	/* wall us the stream dropped */
	int64_t			 back_at;	/* wall us it came back */

	struct hreq_list	 queue;
	size_t			 nqueue;
	struct hreq		*cur;
	struct net_req		 req;
	int			 busy;		/* transfer under way */
	struct net_body		 body;		/* the answer, one copy */
	int			 big;		/* over the cap */
	struct hist_items	 items;
	int			 merging;
	struct timer		 t_merge;
	struct timer		 t_next;
	struct timer		 t_holes;

	struct hlimit		 lim[HISTORY_LIMITS];
	size_t			 nlim;

	/* The batch under way (start or reconnect). */
	int			 batch;		/* HB_* */
	uint64_t		 batch_msgs;	/* delivered from history */
	uint64_t		 batch_bytes;	/* st.bytes when it began */
	int64_t			 batch_t0;	/* monotonic us it began */
	int64_t			 batch_from, batch_to;

	int			 reported[3][HP_COUNT];
	struct history_stats	 st;
};

static void	history_kick(struct history *);

/* ---- rate limits ---- */

static struct hlimit *
history_limit(struct history *h, const char *key)
{
	struct hlimit	*l, *old = NULL;
	size_t		 i;

	for (i = 0; i < h->nlim; i++) {
		l = &h->lim[i];
		if (strcmp(l->key, key) == 0)
			return (l);
		if (old == NULL || l->at < old->at)
			old = l;
	}
	if (h->nlim < HISTORY_LIMITS)
		l = &h->lim[h->nlim++];
	else {
		l = old;
		free(l->key);
	}
	l->key = xstrdup(key);
	l->at = 0;
	l->pending = 0;
	return (l);
}

/* ---- the queue ---- */

static int
history_queued(struct history *h, enum hreq_kind kind, const char *key)
{
	struct hreq	*q;

	if (h->cur != NULL && h->cur->kind == kind &&
	    strcmp(h->cur->key, key) == 0 && !h->merging && h->busy)
		return (1);
	TAILQ_FOREACH(q, &h->queue, entry) {
		if (q->kind == kind && strcmp(q->key, key) == 0)
			return (1);
	}
	return (0);
}

static void
history_enqueue(struct history *h, enum hreq_kind kind, const char *key,
    int batch)
{
	struct hreq	*q;

	if (history_queued(h, kind, key) || h->nqueue >= HISTORY_QUEUE_MAX)
		return;
	q = xcalloc(1, sizeof *q);
	q->kind = kind;
	q->key = xstrdup(key);
	q->batch = batch;
	TAILQ_INSERT_TAIL(&h->queue, q, entry);
	h->nqueue++;
	history_kick(h);
}

static void
hreq_free(struct hreq *q)
{
	if (q == NULL)
		return;
	free(q->key);
	free(q);
}

/* Read a run's execution: its messages if known, else its run state. */
static void
history_want_run(struct history *h, struct hist_run *r, int batch)
{
	if (r->exec[0] != '\0')
		history_enqueue(h, HQ_MESSAGES, r->exec, batch);
	else
		history_enqueue(h, HQ_RUNSTATE, r->id, batch);
}

/* A hole in run r: read its execution now, or when 10 s have passed. */
static void
history_hole(struct history *h, struct hist_run *r)
{
	struct hlimit	*l;
	int64_t		 now = loop_now_mono_us(), next;
	const char	*key = r->exec[0] != '\0' ? r->exec : r->id;

	l = history_limit(h, key);
	next = l->at + (int64_t)(HISTORY_HOLE_EVERY * 1e6);
	if (l->at != 0 && now < next) {
		if (!l->pending) {
			l->pending = 1;
			if (!h->t_holes.armed)
				loop_timer_arm(h->loop, &h->t_holes,
				    (next - now) / 1e6);
		}
		return;
	}
	history_want_run(h, r, 0);
}

/* The deferred holes whose 10 s have passed. */
static void
history_holes(void *arg)
{
	struct history	*h = arg;
	struct hist_run	*r;
	struct hlimit	*l;
	int64_t		 now = loop_now_mono_us(), wait = 0, next;
	size_t		 i;

	for (i = 0; i < h->nlim; i++) {
		l = &h->lim[i];
		if (!l->pending)
			continue;
		next = l->at + (int64_t)(HISTORY_HOLE_EVERY * 1e6);
		if (now < next) {
			if (wait == 0 || next - now < wait)
				wait = next - now;
			continue;
		}
		l->pending = 0;
		/* Only if a hole is still open: a read since may have filled it. */
		TAILQ_FOREACH(r, &h->runs.lru, lru) {
			if (r->hole && (strcmp(r->exec, l->key) == 0 ||
			    (r->exec[0] == '\0' && strcmp(r->id, l->key) == 0))) {
				history_want_run(h, r, 0);
				break;
			}
		}
	}
	if (wait > 0)
		loop_timer_arm(h->loop, &h->t_holes, wait / 1e6 + 0.01);
}

/* ---- reports ---- */

static void
history_report(struct history *h, enum hreq_kind kind, enum hprob p,
    const char *what, const char *why)
{
	char	text[320];

	h->st.errors++;
	if (p == HP_BIG)
		h->st.refused++;
	snprintf(text, sizeof text, "history: %s: %s", what, why);
	text_sanitize_buf(h->st.reason, sizeof h->st.reason, text,
	    strlen(text));
	if (h->reported[kind][p]++ == 0) {
		log_warn("%s; the live view goes on", h->st.reason);
		if (h->cb.event != NULL)
			h->cb.event(HE_ERROR, h->st.reason, NULL, h->arg);
	} else
		log_debug("%s", h->st.reason);
}

static void
history_hms(char *buf, size_t size, int64_t us)
{
	struct tm	tm;
	time_t		t = us / 1000000;

	localtime_r(&t, &tm);
	strftime(buf, size, "%H:%M:%S", &tm);
}

/* The reconnect's back-fill begins: say where the stream was down. */
static void
history_lost(struct history *h)
{
	char	text[256], a[16], b[16];
	int64_t	secs;

	history_hms(a, sizeof a, h->batch_from);
	history_hms(b, sizeof b, h->batch_to);
	secs = (h->batch_to - h->batch_from + 500000) / 1000000;
	snprintf(text, sizeof text, "stream lost %s\xe2\x80\x93%s (%lld s), "
	    "back-filling\xe2\x80\xa6", a, b, (long long)secs);
	log_info("%s", text);
	if (h->cb.event != NULL)
		h->cb.event(HE_LOST, text, NULL, h->arg);
}

/* The batch is over: say what it brought. */
static void
history_batch_done(struct history *h)
{
	char	text[256], a[16], b[16];
	int64_t	secs;

	if (h->batch == HB_NONE)
		return;
	if (h->batch == HB_RECONNECT) {
		history_hms(a, sizeof a, h->batch_from);
		history_hms(b, sizeof b, h->batch_to);
		secs = (h->batch_to - h->batch_from + 500000) / 1000000;
		snprintf(text, sizeof text, "stream lost %s\xe2\x80\x93%s "
		    "(%lld s), %llu message%s back-filled", a, b,
		    (long long)secs, (unsigned long long)h->batch_msgs,
		    h->batch_msgs == 1 ? "" : "s");
	} else
		snprintf(text, sizeof text, "history of the running "
		    "executions merged: %llu message%s back-filled (%llu "
		    "bytes read in %.2f s)", (unsigned long long)h->batch_msgs,
		    h->batch_msgs == 1 ? "" : "s",
		    (unsigned long long)(h->st.bytes - h->batch_bytes),
		    (loop_now_mono_us() - h->batch_t0) / 1e6);
	log_info("%s", text);
	if (h->cb.event != NULL)
		h->cb.event(h->batch == HB_RECONNECT ? HE_RECONNECT :
		    HE_START, text, NULL, h->arg);
	h->batch = HB_NONE;
}

/* A read of execution exec is merged: its runs' holes are now known. */
static void
history_exec_done(struct history *h, const char *exec)
{
	struct hist_run	*r;
	uint32_t	 missing, from;
	char		 text[320], ranges[160];

	TAILQ_FOREACH(r, &h->runs.lru, lru) {
		if (strcmp(r->exec, exec) != 0)
			continue;
		r->merged = 1;
		r->hole = 0;
		/* gaps: what came before a run was first seen is not ours. */
		from = h->mode == HIST_GAPS && r->midway ? r->first : 1;
		missing = history_seqs_missing_from(&r->seqs, from);
		if (h->cb.event != NULL)
			h->cb.event(HE_MERGED, "", r->id, h->arg);
		if (missing == 0 || missing == r->reported)
			continue;
		r->reported = missing;
		h->st.missing += missing;
		history_seqs_ranges(&r->seqs, from, ranges, sizeof ranges);
		snprintf(text, sizeof text, "%u message%s missing from run "
		    "%s: sequence%s %s", missing, missing == 1 ? "" : "s",
		    r->id, missing == 1 ? "" : "s", ranges);
		log_warn("%s", text);
		if (h->cb.event != NULL)
			h->cb.event(HE_GAP, text, r->id, h->arg);
	}
}

/* ---- one read ---- */

static size_t
history_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct history	*h = arg;
	size_t		 len = size * nmemb;

	if (!net_body_add(&h->body, p, len)) {
		h->big = 1;
		return (0);
	}
	return (len);
}

/* Drop the answer (up to --history-max-bytes: its memory too). */
static void
history_reset_buf(struct history *h)
{
	net_body_free(&h->body);
	net_body_init(&h->body, h->cfg->history_max_bytes);
	h->big = 0;
}

static const char *
history_what(const struct hreq *q)
{
	switch (q->kind) {
	case HQ_EXECS:
		return ("workflow-executions/?status=running");
	case HQ_RUNSTATE:
		return ("run-states/");
	default:
		return ("workflow-messages/");
	}
}

/* The running executions: queue each one's messages (newest first). */
static void
history_got_execs(struct history *h)
{
	static const char *const names[] = {
		"execution_id", "status", "start_time"
	};
	struct jscan_keys	 k;
	struct jscan_val	 v[3];
	struct hist_items	 it;
	char			 id[HIST_ID_MAX + 1], start[64];
	size_t			 n = 0, told = 0;
	int			 r = 0;

	jscan_keys_init(&k, names, 3);
	if (history_items_begin(&it, h->body.p, h->body.len) != 0) {
		history_report(h, HQ_EXECS, HP_NOTLIST, history_what(h->cur),
		    "the answer is not a JSON list (HTML or an error page?)");
		return;
	}
	/* Every running execution (to HISTORY_EXECS_TOLD) for the alerts. */
	while ((n < h->cfg->history_runs || told < HISTORY_EXECS_TOLD) &&
	    (r = history_items_next(&it, &k, v, NULL, NULL)) == 1) {
		history_val_text(&v[0], id, sizeof id);
		if (*id == '\0')
			continue;
		if (told < HISTORY_EXECS_TOLD && h->cb.event != NULL) {
			history_val_text(&v[2], start, sizeof start);
			h->cb.event(HE_EXEC, start, id, h->arg);
			told++;
		}
		if (n < h->cfg->history_runs) {
			history_enqueue(h, HQ_MESSAGES, id, h->cur->batch);
			n++;
		}
	}
	/* Only a list read to its end says which executions stopped. */
	if (r == 0 && h->cb.event != NULL)
		h->cb.event(HE_EXECS_END, NULL, NULL, h->arg);
	if (n < h->cfg->history_runs && r == -1)
		history_report(h, HQ_EXECS, HP_GARBAGE, history_what(h->cur),
		    "the answer is not valid JSON");
	log_debug("history: %zu running executions", n);
}

/* A run's state: its execution, then that execution's messages. */
static void
history_got_runstate(struct history *h)
{
	static const char *const top[] = { "metadata" };
	static const char *const meta[] = { "execution_id" };
	struct jscan_keys	 k1, k2;
	struct jscan_val	 v1, v2;
	struct hist_run		*r;
	char			 id[HIST_ID_MAX + 1];

	jscan_keys_init(&k1, top, 1);
	jscan_keys_init(&k2, meta, 1);
	if (jscan_object(h->body.p, h->body.len, 0, &k1, &v1) < 0) {
		history_report(h, HQ_RUNSTATE, HP_GARBAGE,
		    history_what(h->cur), "the answer is not a JSON object");
		return;
	}
	*id = '\0';
	if (v1.type == JT_OBJECT &&
	    jscan_object(v1.p, v1.len, 0, &k2, &v2) >= 0)
		history_val_text(&v2, id, sizeof id);
	if (*id == '\0') {
		log_info("history: run %s has no execution: its messages "
		    "cannot be read back", h->cur->key);
		return;
	}
	if ((r = history_runs_find(&h->runs, h->cur->key)) != NULL &&
	    r->exec[0] == '\0') {
		free(r->exec);
		r->exec = xstrdup(id);
	}
	history_enqueue(h, HQ_MESSAGES, id, h->cur->batch);
}

/* The read is over (merged, failed or refused): start the next. */
static void
history_finish(struct history *h)
{
	struct hreq	*q = h->cur;

	h->cur = NULL;
	h->merging = 0;
	loop_timer_cancel(h->loop, &h->t_merge);
	history_reset_buf(h);
	if (q != NULL && q->kind == HQ_MESSAGES)
		history_exec_done(h, q->key);
	hreq_free(q);
	h->st.busy = 0;
	if (TAILQ_EMPTY(&h->queue)) {
		history_batch_done(h);
		if (h->cb.idle != NULL)
			h->cb.idle(h->arg);
	}
	history_kick(h);
}

/*
 * With --history gaps, whether an item was stored before our first
 * connection (allowing for the clocks' skew): not ours to back-fill.
 */
static int
history_before(struct history *h, const struct jscan_val *v)
{
	char	buf[64];
	int64_t	us;

	if (h->mode != HIST_GAPS || v[HK_SENT_AT].type != JT_STRING)
		return (0);
	history_val_text(&v[HK_SENT_AT], buf, sizeof buf);
	if ((us = msg_parse_time(buf)) <= 0)
		return (0);
	if (us >= h->first_at - HISTORY_SKEW_US)
		return (0);
	h->st.before++;
	return (1);
}

/* Merge items of the answer for a few milliseconds, then yield. */
static void
history_merge(void *arg)
{
	struct history		*h = arg;
	const struct jscan_keys	*k = history_item_keys();
	struct jscan_val	 v[HK_COUNT];
	char			*data, type[64];
	size_t			 len;
	int64_t			 start = loop_now_mono_us();
	int			 r, n = 0;

	while ((r = history_items_next(&h->items, k, v, NULL, NULL)) == 1) {
		h->st.items++;
		if (history_before(h, v))
			continue;
		if ((data = history_item_message(v, &len)) != NULL) {
			history_val_text(&v[HK_TYPE], type, sizeof type);
			if (h->cb.deliver(*type != '\0' ? type : "message",
			    data, len, h->arg)) {
				h->st.backfilled++;
				if (h->cur->batch)
					h->batch_msgs++;
			}
			free(data);
		}
		if ((++n & 15) == 0 && loop_now_mono_us() - start >=
		    HISTORY_SLICE_US) {
			loop_timer_arm(h->loop, &h->t_merge, 0);
			return;
		}
	}
	if (r == -1)
		history_report(h, HQ_MESSAGES, HP_GARBAGE,
		    history_what(h->cur), "the answer is not valid JSON "
		    "(the items before the fault were merged)");
	history_finish(h);
}

static void
history_done(CURL *easy, CURLcode rc, void *arg)
{
	struct history	*h = arg;
	struct hreq	*q = h->cur;
	long		 code = 0;
	char		 why[256];

	h->busy = 0;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	h->st.bytes += h->body.len;
	if (h->big) {
		snprintf(why, sizeof why, "the answer is larger than "
		    "--history-max-bytes (%zu bytes): refused",
		    h->cfg->history_max_bytes);
		history_report(h, q->kind, HP_BIG, history_what(q), why);
	} else if (rc != CURLE_OK || code != 200) {
		net_reason(why, sizeof why, code, h->body.p, h->body.len, rc,
		    h->req.errbuf);
		history_report(h, q->kind, rc != CURLE_OK ? HP_NET : HP_HTTP,
		    history_what(q), why);
	} else {
		h->st.reads++;
		net_req_free(&h->req);
		switch (q->kind) {
		case HQ_EXECS:
			history_got_execs(h);
			break;
		case HQ_RUNSTATE:
			history_got_runstate(h);
			break;
		case HQ_MESSAGES:
			if (history_items_begin(&h->items, h->body.p, h->body.len) != 0) {
				history_report(h, HQ_MESSAGES, HP_NOTLIST,
				    history_what(q), "the answer is not a "
				    "JSON list (HTML or an error page?)");
				break;
			}
			h->merging = 1;
			loop_timer_arm(h->loop, &h->t_merge, 0);
			return;
		}
		history_finish(h);
		return;
	}
	net_req_free(&h->req);
	history_finish(h);
}

/* Start the next read if none is under way. */
static void
history_next(void *arg)
{
	struct history	*h = arg;
	struct hreq	*q;
	char		*path, *esc, *url;
	CURL		*tmp;

	if (h->cur != NULL || (q = TAILQ_FIRST(&h->queue)) == NULL)
		return;
	TAILQ_REMOVE(&h->queue, q, entry);
	h->nqueue--;
	h->cur = q;
	if ((tmp = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	esc = curl_easy_escape(tmp, q->key, 0);
	curl_easy_cleanup(tmp);
	if (esc == NULL)
		fatalx("curl_easy_escape failed");
	switch (q->kind) {
	case HQ_EXECS:
		path = xstrdup("api/workflow-executions/?status=running");
		break;
	case HQ_RUNSTATE:
		xasprintf(&path, "api/run-states/%s/", esc);
		break;
	default:
		/* Never without execution_id: that is the whole table. */
		xasprintf(&path, "api/workflow-messages/?execution_id=%s",
		    esc);
		break;
	}
	curl_free(esc);
	if (q->kind != HQ_EXECS)
		history_limit(h, q->key)->at = loop_now_mono_us();
	url = net_url(h->cfg->url, path);
	log_debug("history: GET %s", path);
	free(path);
	net_req_init(&h->req, h->cfg, url, "application/json");
	free(url);
	curl_easy_setopt(h->req.easy, CURLOPT_TIMEOUT, HISTORY_TIMEOUT);
	curl_easy_setopt(h->req.easy, CURLOPT_WRITEFUNCTION, history_write);
	curl_easy_setopt(h->req.easy, CURLOPT_WRITEDATA, h);
	h->busy = 1;
	h->st.busy = 1;
	loop_transfer(h->loop, h->req.easy, history_done, h);
}

static void
history_kick(struct history *h)
{
	if (h->cur == NULL && !TAILQ_EMPTY(&h->queue))
		loop_timer_arm(h->loop, &h->t_next, 0);
}

/* ---- the engine's side ---- */

struct history *
net_history_create(struct loop *l, const struct cfg *cfg,
    const struct history_cb *cb, void *arg)
{
	struct history	*h;
	size_t		 max;

	h = xcalloc(1, sizeof *h);
	h->loop = l;
	h->cfg = cfg;
	h->cb = *cb;
	h->arg = arg;
	net_body_init(&h->body, cfg->history_max_bytes);
	h->mode = cfg->history;
	if (h->mode == HIST_DEFAULT)
		h->mode = cfg->output == OUT_TUI ? HIST_ALL : HIST_GAPS;
	/* Bounded by --keep: four times the messages the dashboard keeps. */
	max = cfg->keep > SIZE_MAX / 4 ? SIZE_MAX : cfg->keep * 4;
	h->seen = history_seen_create(max < HIST_SEEN_MIN ? HIST_SEEN_MIN : max);
	history_runs_init(&h->runs, HISTORY_MAX_RUNS);
	TAILQ_INIT(&h->queue);
	loop_timer_init(&h->t_merge, history_merge, h);
	loop_timer_name(&h->t_merge, "history_merge");
	loop_timer_init(&h->t_next, history_next, h);
	loop_timer_init(&h->t_holes, history_holes, h);
	log_debug("history: %s", history_mode_name(h->mode));
	return (h);
}

void
net_history_free(struct history *h)
{
	struct hreq	*q;
	size_t		 i;

	if (h == NULL)
		return;
	loop_timer_cancel(h->loop, &h->t_merge);
	loop_timer_cancel(h->loop, &h->t_next);
	loop_timer_cancel(h->loop, &h->t_holes);
	if (h->busy)
		loop_cancel(h->loop, h->req.easy);
	net_req_free(&h->req);
	hreq_free(h->cur);
	while ((q = TAILQ_FIRST(&h->queue)) != NULL) {
		TAILQ_REMOVE(&h->queue, q, entry);
		hreq_free(q);
	}
	net_body_free(&h->body);
	for (i = 0; i < h->nlim; i++)
		free(h->lim[i].key);
	history_runs_clear(&h->runs);
	history_seen_free(h->seen);
	free(h);
}

enum hist_mode
net_history_mode(const struct history *h)
{
	return (h->mode);
}

const struct history_stats *
net_history_stats(const struct history *h)
{
	return (&h->st);
}

void
net_history_stream(struct history *h, int up)
{
	if (h->up && !up)
		h->lost_at = loop_now_wall_us();
	h->up = up;
}

void
net_history_connected(struct history *h)
{
	struct hist_run	*r;

	if (h->mode == HIST_OFF)
		return;
	if (h->connects++ == 0) {
		h->first_at = loop_now_wall_us();
		if (h->mode != HIST_ALL)
			return;
		h->batch = HB_START;
		h->batch_msgs = 0;
		h->batch_bytes = h->st.bytes;
		h->batch_t0 = loop_now_mono_us();
		history_enqueue(h, HQ_EXECS, "running", 1);
		return;
	}
	/* A reconnect: every run that was active, and what runs now. */
	h->batch = HB_RECONNECT;
	h->batch_msgs = 0;
	h->batch_from = h->lost_at != 0 ? h->lost_at : loop_now_wall_us();
	h->batch_to = loop_now_wall_us();
	h->st.lost_from = h->batch_from;
	h->st.lost_to = h->batch_to;
	history_lost(h);
	TAILQ_FOREACH(r, &h->runs.lru, lru) {
		if (!(r->steps & HRUN_END))
			history_want_run(h, r, 1);
	}
	history_enqueue(h, HQ_EXECS, "running", 1);
}

/* Whether a message's msg_type (found without a full scan) makes holes. */
static int
history_steps(const char *data, size_t len)
{
	static const struct {
		const char	*s;
		size_t		 n;
	} types[] = {
#define HT(s)	{ s, sizeof s - 1 }
		HT("stf_gen"), HT("run_imminent"), HT("start_run"),
		HT("pause_run"), HT("resume_run"), HT("end_run")
#undef HT
	};
	const char	*p, *q, *end = data + len;
	size_t		 i, n;

	if ((p = history_find_quoted(data, len, "\"msg_type\"", 10)) == NULL)
		return (0);
	for (p += 10; p < end && (*p == ' ' || *p == ':' || *p == '\t' ||
	    *p == '\r' || *p == '\n'); p++)
		;
	if (p >= end || *p++ != '"' || (q = memchr(p, '"', end - p)) == NULL)
		return (0);
	n = q - p;
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (n == types[i].n && memcmp(p, types[i].s, n) == 0)
			return (1);
	}
	return (0);
}

int
net_history_pass(struct history *h, const char *data, size_t len,
    enum hist_source src)
{
	struct hist_key	 k;
	struct hist_run	*r;
	int		 hole;

	/*
	 * Only a message with an execution can come back from the history,
	 * and only stf_gen and the lifecycle make holes: anything else (most
	 * of a flood: stf_ready, tf_file_registered) passes unscanned.
	 */
	if (!history_has_execution(data, len) &&
	    !history_steps(data, len)) {
		h->st.unscanned++;
		return (1);
	}
	/* Without an identity, nothing can be matched: deliver it. */
	if (history_key_of(data, len, &k) != 0 || k.weak)
		return (1);
	if (!history_seen_check(h->seen, k.id, src)) {
		h->st.dup++;
		return (0);
	}
	hole = history_runs_add(&h->runs, &k, src,
	    h->mode == HIST_ALL || h->connects > 1, &r);
	if (hole && r != NULL && h->mode != HIST_OFF) {
		h->st.holes++;
		history_hole(h, r);
		return (net_history_busy(h) ? 2 : 1);
	}
	return (1);
}

void
net_history_forget(struct history *h, const char *data, size_t len)
{
	struct hist_key	k;

	if (history_key_of(data, len, &k) == 0 && !k.weak)
		history_seen_forget(h->seen, k.id);
}

int
net_history_busy(const struct history *h)
{
	return (h->cur != NULL || !TAILQ_EMPTY(&h->queue));
}
