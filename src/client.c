/*
 * client.c: the engine under both front ends. It owns the current stream
 * (and, while the subscription changes, the next one), the client-side
 * filters, the duplicate check of a make-before-break switch, the agent
 * registration, the registry poll (net-registry.c), recording and replay
 * (replay.c), and turns all of it into events, messages and one status
 * for the sink.
 *
 * Its loop worker, client_work(), drains the streams' queues in turns
 * (each slice bounded by time) and so delivers every event; a change of
 * subscription decided during delivery is made after the slice, as the
 * stream being drained cannot be freed under it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cfg.h"
#include "client.h"
#include "client-int.h"
#include "alert.h"
#include "dedup.h"
#include "filter.h"
#include "history.h"
#include "log.h"
#include "loop.h"
#include "msg.h"
#include "net.h"
#include "run.h"
#include "sse.h"
#include "text.h"
#include "xmalloc.h"

#define CLIENT_SWITCH_FALLBACK	2.0	/* open but no "connected" yet */
#define CLIENT_SWITCH_LINGER	3.0	/* no common message seen yet */
#define CLIENT_DEDUP_LINGER	10.0	/* keep hashes after a switch */
#define CLIENT_STOP_WAIT	2.0
#define CLIENT_HOLD_MAX		2.0	/* seconds live waits for a back-fill */
#define CLIENT_HOLD_COUNT	20000	/* live messages held at most */
#define CLIENT_HOLD_BYTES	(64U * 1024 * 1024) /* and their bytes */

/*
 * A live message held while the history is read, so that what it
 * brings back is shown first, in the agent's order (client_set_ordered).
 */
struct held {
	TAILQ_ENTRY(held)	 entry;
	int64_t			 recv_us;
	int			 slot;
	size_t			 datalen;
	char			*type;
	char			*id;
	char			 data[];
};
TAILQ_HEAD(held_list, held);

/* One subscription and its stream. */
struct csub {
	struct stream	*s;
	struct filter	*sub;	/* what the server is asked for */
	struct filter	*loc;	/* its agents and runs, checked here */
	int		 slot;	/* 0 or 1, for the duplicate check */
};


struct client {
	struct loop		*loop;
	struct cfg		*cfg;
	struct client_sink	 sink;
	void			*arg;
	struct client_status	 st;
	struct stream_backoff	 bo;
	struct stream_cb	 scb;
	char			*check_url;
	int			 started;
	int			 stopped;

	struct csub		 cur;
	struct csub		 next;
	struct filter		*want;		/* subscription asked for */
	struct filter		*local;		/* NULL: everything */
	struct timer		 t_switch;
	int			 switch_now;	/* promote after this slice */
	int			 turn;		/* which stream drains first */
	int			 working;	/* a loop worker */
	int			 was_up;
	int			 reg_ready;	/* a READY was accepted */

	/* Totals of streams already freed. */
	uint64_t		 base_bytes;
	uint64_t		 base_oversize;
	uint64_t		 base_reconnects;

	struct dedup		*dd;		/* NULL: no switch lately */
	int			 next_ready;	/* next had "connected" */
	int			 common;	/* a message came on both */
	struct timer		 t_dd_end;

	struct agent		*agent;

	struct net_registry	*reg;		/* NULL until polled */

	struct record		*rec;
	struct replay		*rep;
	struct replay_cb	 rcb;
	struct filter		*rep_loc;	/* the subscription, for replay */

	struct history		*hist;		/* NULL: --history off */
	struct history_cb	 hcb;
	int			 src;		/* of the event being delivered */
	int			 ordered;	/* hold live during a back-fill */
	int			 releasing;
	int			 hold_off;	/* timed out: not until idle */
	struct held_list	 held;
	size_t			 nheld;
	size_t			 heldbytes;
	struct timer		 t_hold;
};

static void	client_update(struct client *);

int
client_exit_status(const struct client *c)
{
	if (c->st.state == CONN_AUTH)
		return (SWF_EXIT_AUTH);
	if (c->st.state == CONN_FAILED)
		return (SWF_EXIT_PROTOCOL);
	return (SWF_EXIT_OK);
}

/*
 * What of a subscription the client checks itself: everything but the
 * types. Namespaces the server cannot filter by; agents and runs it
 * matches differently (processed_by only, run ids as strings), so even
 * with --server-filters=all a message is kept only when the agent it is
 * shown under matches.
 */
static struct filter *
client_loc_of(const struct client *c, const struct filter *sub)
{
	struct filter	*f;

	f = filter_dup(sub);
	filter_clear(f, FK_TYPE);
	if (filter_is_empty(f)) {
		filter_free(f);
		return (NULL);
	}
	return (f);
}

static void
client_describe(struct client *c)
{
	char	*d, *s;

	if (c->agent == NULL)
		return;
	d = filter_describe(c->want);
	xasprintf(&s, "swf-dash %s SSE receiver; filters: %s",
	    PACKAGE_VERSION, d);
	net_agent_set_description(c->agent, s);
	free(s);
	free(d);
}

/* Stop and free a subscription's stream, keeping its totals. */
static void
client_drop(struct client *c, struct csub *cs)
{
	if (cs->s != NULL) {
		c->base_bytes += net_stream_bytes(cs->s);
		c->base_oversize += net_stream_oversize(cs->s);
		c->base_reconnects += net_stream_reconnects(cs->s);
		net_stream_free(cs->s);
	}
	filter_free(cs->sub);
	filter_free(cs->loc);
	memset(cs, 0, sizeof *cs);
}

static void
client_open(struct client *c, struct csub *cs, const struct filter *f,
    int slot, int precheck, const char *last_id)
{
	char	*url;

	cs->sub = filter_dup(f);
	cs->loc = client_loc_of(c, f);
	cs->slot = slot;
	url = net_stream_url(c->cfg->url, f, c->cfg->server_filters_all);
	log_debug("stream %s", url);
	cs->s = net_stream_create(c->loop, c->cfg, url,
	    precheck ? c->check_url : NULL, last_id, &c->bo, &c->scb, c);
	free(url);
	net_stream_start(cs->s);
}

/* Duplicate check: 1 to deliver, 0 if the other stream gave it already. */
static int
client_dedup(struct client *c, int slot, const struct sse_event *ev)
{
	int	r, both;

	r = dedup_check(c->dd, slot, ev->type, ev->data, ev->datalen, &both);
	if (both && c->next.s != NULL) {
		/*
		 * Both streams are past this message: the old one has
		 * delivered everything sent before the new one started.
		 */
		c->common = 1;
		if (c->next_ready)
			c->switch_now = 1;
	}
	return (r);
}

/* Whether a message could match both subscriptions. */
static int
client_overlap(const struct client *c, const struct filter *a,
    const struct filter *b)
{
	enum filter_kind	 k;
	size_t			 i, n;
	int			 any;

	for (k = 0; k < FK_COUNT; k++) {
		if (k == FK_NS || (k != FK_TYPE &&
		    !c->cfg->server_filters_all))
			continue;
		n = filter_count(a, k);
		if (n == 0 || filter_count(b, k) == 0)
			continue;
		for (i = 0, any = 0; i < n && !any; i++)
			any = filter_has(b, k, filter_value(a, k, i));
		if (!any)
			return (0);
	}
	return (1);
}

static void
client_dedup_end(void *arg)
{
	struct client	*c = arg;

	if (c->next.s != NULL)
		return;
	dedup_free(c->dd);
	c->dd = NULL;
}

/* The next stream takes over: close the old one. */
static void
client_promote(struct client *c)
{
	char	*d;

	if (c->next.s == NULL)
		return;
	client_drop(c, &c->cur);
	c->cur = c->next;
	memset(&c->next, 0, sizeof c->next);
	c->next_ready = c->common = 0;
	loop_timer_arm(c->loop, &c->t_dd_end, CLIENT_DEDUP_LINGER);
	d = filter_describe(c->cur.sub);
	log_info("subscription changed: %s", d);
	free(d);
	client_update(c);
}

/* The switch timer: promote the next stream if it is still live. */
static void
client_switch(void *arg)
{
	struct client	*c = arg;
	enum conn_state	 state;

	if (c->next.s == NULL)
		return;
	state = net_stream_state(c->next.s);
	if (state == CONN_CONNECTED || state == CONN_STALLED)
		client_promote(c);
}

static void
client_connected(struct client *c, struct csub *cs,
    const struct sse_event *ev)
{
	json_t		*j, *id;
	json_error_t	 err;

	if ((j = json_loadb(ev->data, ev->datalen, 0, &err)) != NULL) {
		id = json_is_object(j) ? json_object_get(j, "client_id") :
		    NULL;
		if (json_is_string(id))
			text_sanitize_buf(c->st.client_id,
			    sizeof c->st.client_id, json_string_value(id),
			    json_string_length(id));
		json_decref(j);
	}
	if (cs == &c->next) {
		/*
		 * Close the old stream once it has caught up: when a message
		 * has come on both, at once if none can, else after a while.
		 */
		c->next_ready = 1;
		if (c->common || !client_overlap(c, c->cur.sub, c->next.sub))
			c->switch_now = 1;
		else
			loop_timer_arm(c->loop, &c->t_switch, CLIENT_SWITCH_LINGER);
	} else
		log_info("stream open at %s (client id %s)", c->st.host,
		    c->st.client_id[0] != '\0' ? c->st.client_id : "none");
}

/* Write an event to the recording, counting those it misses. */
static void
client_record(struct client *c, const struct sse_event *ev, int64_t recv_us,
    int src)
{
	if (c->rec == NULL)
		return;
	if (record_event(c->rec, ev, recv_us, src) == 0) {
		c->st.rec_error[0] = '\0';	/* writing again: "REC N lost" */
		return;
	}
	c->st.rec_lost++;
	snprintf(c->st.rec_error, sizeof c->st.rec_error, "%s",
	    record_error(c->rec));
}

static int	client_dispatch(struct client *, const struct sse_event *,
		    int64_t, const struct filter *, int, int);

/*
 * Deliver one event (from a stream, the history or a replay) to the
 * sink, with the token hidden wherever a server echoed it: no sink,
 * recording or view ever sees it. Returns 1 if a message reached it.
 */
static int
client_deliver(struct client *c, const struct sse_event *ev,
    int64_t recv_us, const struct filter *loc, int slot, int src)
{
	struct sse_event	 sev = *ev;
	char			*d, *t, *i;
	size_t			 n;
	int			 r;

	if ((d = text_scrub_dup(ev->data, ev->datalen, &n)) != NULL) {
		sev.data = d;
		sev.datalen = n;
	}
	if ((t = text_scrub_dup(ev->type, strlen(ev->type), &n)) != NULL)
		sev.type = t;
	if ((i = text_scrub_dup(ev->id, strlen(ev->id), &n)) != NULL)
		sev.id = i;
	r = client_dispatch(c, &sev, recv_us, loc, slot, src);
	free(d);
	free(t);
	free(i);
	return (r);
}

/* Keep a live event until the back-fill under way is merged. */
static void
client_hold(struct client *c, const struct sse_event *ev, int64_t recv_us,
    int slot)
{
	struct held	*h;

	h = xmalloc(sizeof *h + ev->datalen + 1);
	h->recv_us = recv_us;
	h->slot = slot;
	h->datalen = ev->datalen;
	memcpy(h->data, ev->data, ev->datalen);
	h->data[ev->datalen] = '\0';
	h->type = xstrdup(ev->type);
	h->id = xstrdup(ev->id != NULL ? ev->id : "");
	TAILQ_INSERT_TAIL(&c->held, h, entry);
	c->heldbytes += ev->datalen;
	if (c->nheld++ == 0)
		loop_timer_arm(c->loop, &c->t_hold, CLIENT_HOLD_MAX);
}

static void	client_finish(struct client *, const struct sse_event *,
		    int64_t, const struct filter *, int);

/* Whether a live message is to be held now. */
static int
client_holding(struct client *c)
{
	if (!c->ordered || c->releasing || c->hold_off || c->hist == NULL ||
	    c->rep != NULL)
		return (0);
	if (c->nheld >= CLIENT_HOLD_COUNT || c->heldbytes >= CLIENT_HOLD_BYTES)
		return (0);
	return (c->nheld > 0 || net_history_busy(c->hist));
}

/* Deliver what was held, in the order it came. */
static void
client_release(struct client *c)
{
	struct held		*h;
	struct sse_event	 ev;

	loop_timer_cancel(c->loop, &c->t_hold);
	c->releasing = 1;
	while ((h = TAILQ_FIRST(&c->held)) != NULL) {
		TAILQ_REMOVE(&c->held, h, entry);
		c->nheld--;
		c->heldbytes -= h->datalen;
		memset(&ev, 0, sizeof ev);
		ev.type = h->type;
		ev.data = h->data;
		ev.datalen = h->datalen;
		ev.id = h->id;
		client_deliver(c, &ev, h->recv_us, c->cur.loc, h->slot,
		    HSRC_LIVE);
		free(h->type);
		free(h->id);
		free(h);
	}
	c->releasing = 0;
}

/* The history is slow: show what waited, and wait no more this time. */
static void
client_hold_timeout(void *arg)
{
	struct client	*c = arg;

	c->hold_off = 1;
	client_release(c);
}

/* The history has nothing left to read: release what waited for it. */
static void
client_hist_idle(void *arg)
{
	struct client	*c = arg;

	c->hold_off = 0;
	if (c->nheld > 0)
		client_release(c);
}

static int
client_dispatch(struct client *c, const struct sse_event *ev,
    int64_t recv_us, const struct filter *loc, int slot, int src)
{
	int	r;

	c->src = src;
	if (src == HSRC_LIVE)
		c->st.events++;
	if (!client_is_control(ev->type)) {
		if (c->dd != NULL && slot >= 0 && !client_dedup(c, slot, ev)) {
			c->st.dup++;
			return (0);
		}
		if (c->hist != NULL &&
		    (r = net_history_pass(c->hist, ev->data, ev->datalen,
		    src)) != 1) {
			/* Counted by the history, not as a switch's dup. */
			if (r == 0)
				return (0);
			/*
			 * It shows a hole: let what fills it come first, and
			 * then itself (from the history if it is there).
			 */
			if (src == HSRC_LIVE && client_holding(c)) {
				net_history_forget(c->hist, ev->data, ev->datalen);
				client_hold(c, ev, recv_us, slot);
				return (0);
			}
		}
		return (client_finish(c, ev, recv_us, loc, src), 1);
	}
	client_record(c, ev, recv_us, src);
	if (c->sink.on_event != NULL)
		c->sink.on_event(ev, recv_us, c->arg);
	return (0);
}

/* Record a message and hand it to the sink through the filters. */
static void
client_finish(struct client *c, const struct sse_event *ev, int64_t recv_us,
    const struct filter *loc, int src)
{
	struct msg	*m;

	{
		client_record(c, ev, recv_us, src);
		if (c->sink.on_event != NULL)
			c->sink.on_event(ev, recv_us, c->arg);
		if (c->sink.on_message == NULL)
			return;
		m = msg_decode(ev->type, ev->data, ev->datalen, recv_us);
		if ((loc != NULL && !filter_match(loc, m)) ||
		    (c->local != NULL && !filter_match(c->local, m))) {
			c->st.filtered++;
			free(m);
			return;
		}
		if (m->sent_us != 0 && src == HSRC_LIVE)
			c->st.last_sent = m->sent_us;
		c->sink.on_message(m, c->arg);
	}
}

void
client_set_ordered(struct client *c, int on)
{
	c->ordered = on;
}

static void
client_held_free(struct client *c)
{
	struct held	*h;

	while ((h = TAILQ_FIRST(&c->held)) != NULL) {
		TAILQ_REMOVE(&c->held, h, entry);
		free(h->type);
		free(h->id);
		free(h);
	}
	c->nheld = 0;
	c->heldbytes = 0;
}

int
client_source(const struct client *c)
{
	return (c->src);
}

/* One message read back from the history. */
static int
client_hist_deliver(const char *type, const char *data, size_t len,
    void *arg)
{
	struct client		*c = arg;
	struct sse_event	 ev;
	const struct filter	*sub = c->cur.sub;

	/* The server filters the stream by type; do it here for history. */
	if (sub != NULL && filter_count(sub, FK_TYPE) > 0 &&
	    !filter_has(sub, FK_TYPE, type))
		return (0);
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.data = data;
	ev.datalen = len;
	ev.id = "";
	return (client_deliver(c, &ev, loop_now_wall_us(), c->cur.loc, -1,
	    HSRC_HISTORY));
}

static void
client_hist_event(enum history_event e, const char *text, const char *run,
    void *arg)
{
	struct client	*c = arg;

	if (c->sink.on_history != NULL)
		c->sink.on_history(e, text, run, c->arg);
}

const struct history_stats *
client_history_stats(const struct client *c)
{
	return (c->hist != NULL ? net_history_stats(c->hist) : NULL);
}

static void
client_stream_event(struct stream *s, const struct sse_event *ev,
    int64_t recv_us, void *arg)
{
	struct client	*c = arg;
	struct csub	*cs;

	if (s == c->cur.s)
		cs = &c->cur;
	else if (s == c->next.s)
		cs = &c->next;
	else
		return;
	c->st.bytes = c->base_bytes + net_stream_bytes(c->cur.s) +
	    (c->next.s != NULL ? net_stream_bytes(c->next.s) : 0);
	c->st.last_byte = recv_us;
	c->st.oversize = c->base_oversize + net_stream_oversize(s);
	if (client_is_connected(ev->type))
		client_connected(c, cs, ev);
	else if (cs == &c->cur && !client_is_control(ev->type) &&
	    client_holding(c)) {
		client_hold(c, ev, recv_us, cs->slot);
		return;
	}
	client_deliver(c, ev, recv_us, cs->loc, cs->slot, HSRC_LIVE);
	/* After "connected" everything relayed reaches us: back-fill now. */
	if (cs == &c->cur && c->hist != NULL && client_is_connected(ev->type))
		net_history_connected(c->hist);
}

/*
 * An event from the replay: the same path as a stream's, but with every
 * kind of the subscription checked here, the types on the event type
 * before anything (as the server does for a stream).
 */
static void
client_replay_event(struct replay *rp, const struct sse_event *ev,
    int64_t recv_us, int src, void *arg)
{
	struct client	*c = arg;
	const char	*type = ev->type;

	c->st.bytes = replay_bytes(rp);
	c->st.last_byte = recv_us;
	c->st.replay_at = recv_us;
	c->st.replay_events++;
	c->st.replay_pct = replay_percent(rp);
	if (c->rep_loc != NULL && !client_is_control(type) &&
	    filter_count(c->rep_loc, FK_TYPE) > 0 &&
	    !filter_has(c->rep_loc, FK_TYPE, type)) {
		c->st.filtered++;
		return;
	}
	client_deliver(c, ev, recv_us, c->rep_loc, -1, src);
}

static void
client_replay_state(struct replay *rp, void *arg)
{
	client_update(arg);
}

static void
client_stream_state(struct stream *s, void *arg)
{
	struct client	*c = arg;
	enum conn_state	 state = net_stream_state(s);

	if (s == c->next.s) {
		if (state == CONN_AUTH || state == CONN_FAILED) {
			log_warn("subscription change failed: %s",
			    net_stream_reason(s));
			client_drop(c, &c->next);
			filter_free(c->want);
			c->want = filter_dup(c->cur.sub);
			client_describe(c);
			loop_timer_arm(c->loop, &c->t_dd_end, CLIENT_DEDUP_LINGER);
		} else if (state == CONN_CONNECTED && !c->t_switch.armed)
			loop_timer_arm(c->loop, &c->t_switch,
			    CLIENT_SWITCH_FALLBACK);
		else if (state != CONN_CONNECTED && state != CONN_STALLED) {
			/* It dropped before taking over: wait for it again. */
			loop_timer_cancel(c->loop, &c->t_switch);
			c->next_ready = 0;
		}
		client_update(c);
		return;
	}
	if (s != c->cur.s)
		return;
	if (c->next.s != NULL && state != CONN_CONNECTED &&
	    state != CONN_STALLED && state != CONN_CONNECTING) {
		/* The old stream died during a switch: the new one takes over. */
		client_promote(c);
		return;
	}
	client_update(c);
}

/* Copy the current stream's state into the status and tell the sink. */
static void
client_update(struct client *c)
{
	struct client_status	*st = &c->st;
	struct stream		*s = c->cur.s;
	int			 up;

	if (c->rep != NULL) {
		st->state = replay_state(c->rep);
		snprintf(st->reason, sizeof st->reason, "%s",
		    replay_reason(c->rep));
		st->since = replay_since(c->rep);
		st->retry_at = 0;
		st->replay_pct = replay_percent(c->rep);
		st->replay_speed = replay_speed(c->rep);
	} else if (s != NULL) {
		st->state = net_stream_state(s);
		snprintf(st->reason, sizeof st->reason, "%s",
		    net_stream_reason(s));
		st->since = net_stream_since(s);
		st->retry_at = net_stream_retry_at(s);
		st->http_code = net_stream_http_code(s);
		st->reconnects = c->base_reconnects + net_stream_reconnects(s);
		st->oversize = c->base_oversize + net_stream_oversize(s);
	}
	if (c->agent != NULL) {
		st->reg = net_agent_state(c->agent);
		snprintf(st->reg_reason, sizeof st->reg_reason, "%s",
		    net_agent_reason(c->agent));
		/*
		 * The first read of the registry raced our first heartbeat:
		 * read it once more when the monitor has our READY, so our
		 * own row is right before the next --registry-interval.
		 */
		if (st->reg == REG_OK && !c->reg_ready) {
			c->reg_ready = 1;
			if (c->reg != NULL)
				net_registry_refresh(c->reg);
		}
		up = st->state == CONN_CONNECTED;
		if (c->hist != NULL)
			net_history_stream(c->hist, up ||
			    st->state == CONN_STALLED);
		if (up != c->was_up) {
			c->was_up = up;
			net_agent_set_up(c->agent, up);
		}
	}
	if (c->sink.on_status != NULL)
		c->sink.on_status(st, c->arg);
}

static void
client_agent_changed(void *arg)
{
	client_update(arg);
}

/*
 * The loop worker: drain the replay, or the streams (the old one and the
 * new one take turns starting, so neither starves), then switch if it
 * was decided.
 */
static int
client_work(void *arg, int64_t until)
{
	struct client	*c = arg;
	struct stream	*s[2];
	int		 i, more = 0;

	if (c->rep != NULL)
		return (replay_drain(c->rep, until));
	s[c->turn] = c->cur.s;
	s[!c->turn] = c->next.s;
	c->turn = !c->turn;
	for (i = 0; i < 2; i++) {
		if (s[i] != NULL)
			more |= net_stream_drain(s[i], until);
	}
	if (c->switch_now) {
		c->switch_now = 0;
		client_switch(c);
		more = 1;
	}
	return (more);
}

/*
 * Open the wanted subscription beside the live stream (make-before-break):
 * the switch closes the old one once the new one has caught up.
 */
static void
client_open_next(struct client *c)
{
	if (c->dd == NULL)
		c->dd = dedup_create();
	loop_timer_cancel(c->loop, &c->t_dd_end);
	dedup_generation(c->dd);
	c->next_ready = c->common = 0;
	client_open(c, &c->next, c->want, !c->cur.slot, 0,
	    net_stream_last_id(c->cur.s));
	client_update(c);
}

/* Apply the wanted subscription. */
static void
client_apply(struct client *c)
{
	enum conn_state	 state;
	const char	*id;

	if (c->stopped)
		return;
	if (c->rep != NULL) {
		/* No server to ask: the replay checks every kind here. */
		filter_free(c->rep_loc);
		c->rep_loc = filter_is_empty(c->want) ? NULL :
		    filter_dup(c->want);
		return;
	}
	if (c->next.s != NULL) {
		if (filter_equal(c->next.sub, c->want))
			return;
		client_drop(c, &c->next);
		loop_timer_cancel(c->loop, &c->t_switch);
	}
	if (c->cur.s != NULL && filter_equal(c->cur.sub, c->want)) {
		loop_timer_arm(c->loop, &c->t_dd_end, CLIENT_DEDUP_LINGER);
		client_update(c);
		return;
	}
	state = c->cur.s != NULL ? net_stream_state(c->cur.s) : CONN_IDLE;
	if (state != CONN_CONNECTED && state != CONN_STALLED) {
		/* Nothing live to keep: just reconnect with the new query. */
		id = c->cur.s != NULL ? net_stream_last_id(c->cur.s) : "";
		id = xstrdup(id);
		client_drop(c, &c->cur);
		client_open(c, &c->cur, c->want, 0, 1, id);
		free((char *)id);
		client_update(c);
		return;
	}
	client_open_next(c);
}

/*
 * Reconnect now, and say what was done. A live (or stalled) stream is
 * replaced make-before-break, like a subscription change to the same
 * subscription: the new stream opens and the old one closes once the new
 * one has caught up, so nothing is lost; one that is down is restarted.
 */
static const char *
client_retry(struct client *c)
{
	if (c->stopped || c->cur.s == NULL)
		return ("not connected: nothing to reconnect");
	switch (net_stream_state(c->cur.s)) {
	case CONN_CONNECTED:
	case CONN_STALLED:
		if (c->next.s != NULL)
			return ("a new stream is already opening");
		client_open_next(c);
		return ("opening a new stream; the old one closes once the "
		    "new one has caught up");
	case CONN_CONNECTING:
		return ("already connecting");
	default:
		break;
	}
	net_stream_stop(c->cur.s);
	net_stream_start(c->cur.s);
	return ("connecting again now");
}

struct client *
client_create(struct loop *l, struct cfg *cfg, const struct client_sink *sink,
    void *arg)
{
	struct client	*c;
	const char	*e;

	c = xcalloc(1, sizeof *c);
	c->loop = l;
	c->cfg = cfg;
	if (sink != NULL)
		c->sink = *sink;
	c->arg = arg;
	c->bo.first = CFG_DEFAULT_BACKOFF_FIRST;
	c->bo.cap = CFG_DEFAULT_BACKOFF_CAP;
	c->bo.stable = CFG_DEFAULT_BACKOFF_STABLE;
	/* For the tests: "first,cap,stable" in seconds. */
	if ((e = getenv("SWF_DASH_BACKOFF")) != NULL)
		sscanf(e, "%lf,%lf,%lf", &c->bo.first, &c->bo.cap,
		    &c->bo.stable);
	c->scb.event = client_stream_event;
	c->scb.state = client_stream_state;
	c->rcb.event = client_replay_event;
	c->rcb.state = client_replay_state;
	c->want = filter_dup(cfg->filter);
	c->st.state = CONN_IDLE;
	c->st.since = loop_now_wall_us();
	if (cfg->url != NULL) {
		c->check_url = net_url(cfg->url, "api/messages/stream/status/");
		net_host(cfg->url, c->st.host, sizeof c->st.host);
	}
	loop_timer_init(&c->t_switch, client_switch, c);
	loop_timer_init(&c->t_hold, client_hold_timeout, c);
	TAILQ_INIT(&c->held);
	loop_timer_init(&c->t_dd_end, client_dedup_end, c);
	return (c);
}

void
client_start(struct client *c)
{
	char		*cause;
	const char	*name;

	if (c->started)
		return;
	c->started = 1;
	if (c->cfg->record != NULL) {
		if ((c->rec = record_open(c->loop, c->cfg->record, &cause)) ==
		    NULL) {
			log_error("--record %s", cause);
			free(cause);
		} else
			c->st.recording = 1;
	}
	if (c->cfg->replay != NULL) {
		/* The file's name where a live view shows the host. */
		name = strrchr(c->cfg->replay, '/');
		name = name != NULL && name[1] != '\0' ? name + 1 :
		    c->cfg->replay;
		text_sanitize_buf(c->st.host, sizeof c->st.host, name,
		    strlen(name));
		c->rep_loc = filter_is_empty(c->want) ? NULL :
		    filter_dup(c->want);
		c->rep = replay_create(c->loop, c->cfg, &c->rcb, c);
		loop_work(c->loop, client_work, c);
		c->working = 1;
		client_update(c);
		return;
	}
	if (c->cfg->insecure)
		log_warn("--insecure: TLS certificates are NOT "
		    "verified; the token can be stolen by anyone in between");
	if (c->cfg->history != HIST_OFF && c->cfg->url != NULL) {
		c->hcb.deliver = client_hist_deliver;
		c->hcb.event = client_hist_event;
		c->hcb.idle = client_hist_idle;
		c->hist = net_history_create(c->loop, c->cfg, &c->hcb, c);
	}
	c->agent = net_agent_create(c->loop, c->cfg, client_agent_changed, c);
	client_describe(c);
	net_agent_start(c->agent);
	loop_work(c->loop, client_work, c);
	c->working = 1;
	client_open(c, &c->cur, c->want, 0, 1, NULL);
	client_update(c);
}

void
client_stop(struct client *c)
{
	if (c == NULL || c->stopped)
		return;
	c->stopped = 1;
	if (c->working) {
		loop_unwork(c->loop, client_work, c);
		c->working = 0;
	}
	loop_timer_cancel(c->loop, &c->t_switch);
	loop_timer_cancel(c->loop, &c->t_dd_end);
	client_poll_registry(c, 0);
	client_drop(c, &c->next);
	client_drop(c, &c->cur);
	loop_timer_cancel(c->loop, &c->t_hold);
	client_held_free(c);
	net_history_free(c->hist);
	c->hist = NULL;
	replay_free(c->rep);
	c->rep = NULL;
	if (c->agent != NULL) {
		net_agent_exit(c->agent);
		if (loop_drain(c->loop, CLIENT_STOP_WAIT) != 0)
			log_warn("the last heartbeat (EXITED) timed out");
		c->st.reg = net_agent_state(c->agent);
		net_agent_free(c->agent);
		c->agent = NULL;
	}
	record_close(c->rec);
	c->rec = NULL;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	client_stop(c);
	net_registry_free(c->reg);
	dedup_free(c->dd);
	filter_free(c->want);
	filter_free(c->local);
	filter_free(c->rep_loc);
	free(c->check_url);
	free(c);
}

const struct client_status *
client_status(const struct client *c)
{
	return (&c->st);
}

void
client_set_subscription(struct client *c, const struct filter *f)
{
	struct filter	*empty = NULL;

	if (f == NULL)
		f = empty = filter_create();
	if (!filter_equal(f, c->want)) {
		filter_free(c->want);
		c->want = filter_dup(f);
		client_describe(c);
		if (c->started)
			client_apply(c);
	}
	filter_free(empty);
}

const struct filter *
client_subscription(const struct client *c)
{
	return (c->want);
}

void
client_set_local_filter(struct client *c, const struct filter *f)
{
	filter_free(c->local);
	c->local = f != NULL && !filter_is_empty(f) ? filter_dup(f) : NULL;
}

const char *
client_retry_now(struct client *c)
{
	char	*cause;

	if (c->rep != NULL)
		return ("a replay has no stream to reconnect");
	if (!c->started || c->stopped)
		return ("not connected: nothing to reconnect");
	/* The user may have fixed the token file: read it again. */
	if (cfg_reload_token(c->cfg, &cause) != 0) {
		log_warn("%s", cause);
		free(cause);
	}
	/* The scrubber holds the token itself, which may be a new one. */
	text_set_secret(c->cfg->token);
	return (client_retry(c));
}

static void
client_registry_done(void *arg)
{
	struct client	*c = arg;

	if (c->sink.on_registry != NULL)
		c->sink.on_registry(c->arg);
}

void
client_poll_registry(struct client *c, int on)
{
	if (on && (c->rep != NULL || c->stopped))
		return;
	if (c->reg == NULL) {
		if (!on)
			return;
		c->reg = net_registry_create(c->loop, c->cfg,
		    client_registry_done, c);
	}
	net_registry_poll(c->reg, on);
}

const struct reg_entry *
client_registry(const struct client *c, size_t *n, const char **why,
    int64_t *at)
{
	*n = 0;
	if (why != NULL)
		*why = c->reg != NULL ? net_registry_reason(c->reg) : "";
	if (at != NULL)
		*at = c->reg != NULL ? net_registry_at(c->reg) : 0;
	return (c->reg != NULL ? net_registry_entries(c->reg, n) : NULL);
}

void
client_replay_pause(struct client *c, int paused)
{
	if (c->rep != NULL)
		replay_pause(c->rep, paused);
}

void
client_replay_skip(struct client *c, double seconds)
{
	if (c->rep != NULL)
		replay_skip(c->rep, seconds);
}

void
client_record_reopen(struct client *c)
{
	if (c->rec != NULL) {
		record_reopen(c->rec);
		snprintf(c->st.rec_error, sizeof c->st.rec_error, "%s",
		    record_error(c->rec));
	}
}

void
client_history_facts(enum history_event e, const char *text,
    const char *run, struct runs *rs, struct alerts *a, int64_t now)
{
	switch (e) {
	case HE_MERGED:
		run_set_merged(rs, run);
		break;
	case HE_EXEC:
		alert_exec_told(a, run, text);
		break;
	case HE_EXECS_END:
		alert_exec_end(a, now);
		break;
	default:
		break;
	}
}
