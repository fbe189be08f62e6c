/*
 * net-stream.c: one SSE subscription. Each attempt is a status pre-check
 * then the stream request; the response is classified from its headers
 * before any body byte reaches the parser. A dropped stream reconnects
 * with exponential backoff and equal jitter; an idle watchdog drops a
 * connection that has gone quiet.
 *
 * libcurl's write callback only appends the body to a bounded queue (and
 * pauses the transfer when it is full); the owner's worker calls
 * net_stream_drain(), which parses the queue in slices bounded by time and
 * reports the events, unpausing the transfer as room comes back. The end
 * of a transfer is acted on once its queued bytes have been parsed. State
 * changes are reported through a zero timer, as some are found in the
 * header callback, where the owner must not run.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "cfg.h"
#include "filter.h"
#include "log.h"
#include "loop.h"
#include "net.h"
#include "sse.h"
#include "text.h"
#include "xmalloc.h"

/*
 * CURLOPT_BUFFERSIZE, libcurl's receive buffer (the most one recv() and
 * one write callback hand over), and the queue of received bytes not
 * parsed yet. Measured on the shared 2-core machine (load 8-14) with
 * headless --output json of 1M messages from swf-sim --rate 0 (-O2), CPU
 * seconds per million messages, against the same code with the ingest
 * inside the callback (0.38-0.44): what counts first is how much one loop
 * round takes in, i.e. the queue: with the queue at 4 buffers, 16 KiB
 * 0.51, 64 KiB 0.48; with a 1 MiB queue, 64 KiB 0.42-0.51, 128 KiB
 * 0.40-0.49, 256 KiB 0.40-0.42. The buffer also sets the copy libcurl
 * keeps of a piece the write callback paused on, which AddressSanitizer
 * keeps resident for a while: with 256 KiB (queue 1 MiB or 768 KiB) the
 * high-water mark of tests/fault-input.sh came within 0.2 MiB of its
 * bound or past it; 128 KiB leaves 1.2 MiB.
 */
#define STREAM_BUFFER		(128 * 1024)
#define STREAM_QUEUE		(1024 * 1024)
/* Bytes parsed between two looks at the clock. */
#define STREAM_PIECE		(16 * 1024)
#define STREAM_CHECK_TIMEOUT	15L
#define STREAM_STALL_FRACTION	0.8
#define STREAM_RETRY_MAX	3600.0

enum stream_phase { PH_NONE, PH_CHECK, PH_STREAM };
enum stream_fail { SF_NONE, SF_AUTH, SF_PERM, SF_TEMP };

struct stream {
	struct loop		*loop;
	const struct cfg	*cfg;
	const struct stream_cb	*cb;
	void			*arg;
	struct stream_backoff	 bo;
	char			*url;
	char			*check_url;
	char			*last_id;	/* given at creation */

	struct net_req		 req;
	enum stream_phase	 phase;
	int			 accepted;	/* body is the event stream */
	int			 classified;	/* headers of this response seen */
	enum stream_fail	 fail;
	long			 code;
	struct net_body		 body;		/* an error body's start */
	struct sse_parser	*sse;
	int64_t			 recv_us;	/* of the newest queued bytes */

	char			*q;		/* received: parsed up to qoff */
	size_t			 qlen;		/* 0 when all is parsed */
	size_t			 qoff;		/* < qlen, or 0 */
	size_t			 qsize;
	int			 paused;	/* the transfer waits for room */
	int			 ended;		/* done once the queue is parsed */
	CURLcode		 end_rc;

	enum conn_state		 state;
	char			 reason[256];
	int64_t			 since;
	int64_t			 retry_at;
	int			 http_code;
	int			 attempts;	/* since the last stable period */
	int			 ever_open;
	int			 started;
	uint64_t		 bytes;
	uint64_t		 reconnects;
	int64_t			 last_mono;	/* last byte, monotonic */
	int64_t			 last_wall;

	struct timer		 t_retry;
	struct timer		 t_watch;
	struct timer		 t_stable;
	struct timer		 t_notify;
};

static void	stream_begin(struct stream *, enum stream_phase);

/* Set the state; the owner hears of it from the loop, not from here. */
static void
stream_set(struct stream *s, enum conn_state state, const char *reason)
{
	if (state != s->state) {
		s->state = state;
		s->since = loop_now_wall_us();
	}
	if (reason != NULL)
		snprintf(s->reason, sizeof s->reason, "%s", reason);
	loop_timer_arm(s->loop, &s->t_notify, 0);
}

static void
stream_notify(void *arg)
{
	struct stream	*s = arg;

	if (s->cb->state != NULL)
		s->cb->state(s, s->arg);
}

/* End the current transfer, if any, without a done callback. */
static void
stream_close(struct stream *s)
{
	if (s->phase != PH_NONE && s->req.easy != NULL && !s->ended)
		loop_cancel(s->loop, s->req.easy);
	net_req_free(&s->req);
	s->phase = PH_NONE;
	s->accepted = 0;
	s->qlen = s->qoff = 0;
	s->paused = 0;
	s->ended = 0;
	loop_timer_cancel(s->loop, &s->t_watch);
	loop_timer_cancel(s->loop, &s->t_stable);
}

/* Wait and connect again, logging the delay and why. */
static void
stream_backoff(struct stream *s, const char *why)
{
	double		 d, delay;
	long long	 r;
	int		 i;

	d = s->bo.first;
	for (i = 0; i < s->attempts && d < s->bo.cap; i++)
		d *= 2;
	if (d > s->bo.cap)
		d = s->bo.cap;
	delay = d / 2 + (d / 2) * (arc4random() / (double)UINT32_MAX);
	if ((r = sse_retry(s->sse)) >= 0 && delay < r / 1000.0)
		delay = r / 1000.0;
	if (delay > STREAM_RETRY_MAX)
		delay = STREAM_RETRY_MAX;
	s->attempts++;
	s->retry_at = loop_now_wall_us() + (int64_t)(delay * 1e6);
	log_warn("reconnecting in %.1fs (%s)", delay, why);
	loop_timer_arm(s->loop, &s->t_retry, delay);
	stream_set(s, CONN_BACKOFF, why);
}

static void
stream_retry(void *arg)
{
	struct stream	*s = arg;

	s->reconnects++;
	net_stream_start(s);
}

static void
stream_stable(void *arg)
{
	struct stream	*s = arg;

	s->attempts = 0;
}

/* The idle watchdog: stalled, then dead. */
static void
stream_watch(void *arg)
{
	struct stream	*s = arg;
	double		 idle, stall, limit = s->cfg->idle_timeout;
	char		 why[128];

	if (s->phase == PH_NONE)
		return;
	/* Bytes waiting to be parsed are no silence of the server's. */
	if (s->qlen > 0 || s->paused)
		s->last_mono = loop_now_mono_us();
	idle = (loop_now_mono_us() - s->last_mono) / 1e6;
	stall = limit * STREAM_STALL_FRACTION;
	if (idle >= limit && s->phase == PH_CHECK) {
		/* A pre-check that never answers must not keep the stream
		 * from being tried. */
		log_info("status pre-check: no answer for %.0f s; trying the "
		    "stream", limit);
		stream_close(s);
		stream_begin(s, PH_STREAM);
		return;
	}
	if (idle >= limit) {
		if (s->accepted)
			snprintf(why, sizeof why, "stalled: no data for %.0f s",
			    limit);
		else
			snprintf(why, sizeof why, "no response for %.0f s",
			    limit);
		stream_close(s);
		stream_backoff(s, why);
		return;
	}
	if (s->accepted && s->state == CONN_CONNECTED && idle >= stall) {
		snprintf(why, sizeof why, "no data for %.0f s", idle);
		stream_set(s, CONN_STALLED, why);
	}
	if (s->accepted && s->state == CONN_CONNECTED)
		loop_timer_arm(s->loop, &s->t_watch, stall - idle);
	else
		loop_timer_arm(s->loop, &s->t_watch, limit - idle);
}

static void
stream_sse_event(const struct sse_event *ev, void *arg)
{
	struct stream	*s = arg;

	if (s->cb->event != NULL)
		s->cb->event(s, ev, s->recv_us, s->arg);
}

/*
 * libcurl's write callback: keep the bytes, nothing else. When the queue
 * has no room, pause the transfer (libcurl keeps the bytes and hands them
 * over again once net_stream_drain() unpauses it). An empty queue takes any
 * piece, so that a piece larger than the queue cannot wedge it.
 */
static size_t
stream_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct stream	*s = arg;
	size_t		 len = size * nmemb, want;

	/*
	 * Progress is a line end: a trickle of bytes that never ends a line
	 * does not keep a connection alive.
	 */
	if (memchr(p, '\n', len) != NULL || memchr(p, '\r', len) != NULL)
		s->last_mono = loop_now_mono_us();
	if (!s->accepted) {
		/* An error body: keep its start; a pre-check's may be long. */
		if (!net_body_add(&s->body, p, len) && s->phase == PH_STREAM)
			return (0);
		return (len);
	}
	if (s->qlen > 0 && len > STREAM_QUEUE - (s->qlen - s->qoff)) {
		s->paused = 1;
		return (CURL_WRITEFUNC_PAUSE);
	}
	if (s->qoff > 0 && s->qlen + len > s->qsize) {
		/* No room after the unparsed bytes: move them first. */
		memmove(s->q, s->q + s->qoff, s->qlen - s->qoff);
		s->qlen -= s->qoff;
		s->qoff = 0;
	}
	if ((want = s->qlen + len) > s->qsize) {
		want = want > STREAM_QUEUE ? want : STREAM_QUEUE;
		s->q = xreallocarray(s->q, 1, want);
		s->qsize = want;
	}
	memcpy(s->q + s->qlen, p, len);
	s->qlen += len;
	s->bytes += len;
	s->recv_us = s->last_wall = loop_now_wall_us();
	if (s->state == CONN_STALLED)
		stream_set(s, CONN_CONNECTED, "");
	loop_wake(s->loop);
	return (len);
}

static void	stream_ended(struct stream *, CURLcode);

int
net_stream_drain(struct stream *s, int64_t until)
{
	size_t		 off = s->qoff, n;
	uint64_t	 dropped, ids;

	if (s->qlen == 0 && !s->ended)
		return (0);
	dropped = sse_dropped(s->sse);
	ids = sse_ids_dropped(s->sse);
	while (off < s->qlen) {
		/* A line cut between pieces costs the parser one copy. */
		n = s->qlen - off;
		if (n > STREAM_PIECE)
			n = STREAM_PIECE;
		sse_feed(s->sse, s->q + off, n);
		off += n;
		if (loop_now_mono_us() >= until)
			break;
	}
	if (sse_ids_dropped(s->sse) != ids)
		log_warn("ignored an event id longer than %d bytes; %llu so "
		    "far", SSE_ID_MAX,
		    (unsigned long long)sse_ids_dropped(s->sse));
	if (sse_dropped(s->sse) != dropped)
		log_warn("dropped an event larger than --max-event (%zu "
		    "bytes); %llu so far", s->cfg->max_event,
		    (unsigned long long)sse_dropped(s->sse));
	/*
	 * What a slice left is moved to the front only once it is no longer
	 * than what was parsed before it (under load a slice may end after
	 * one piece, and moving the rest of a full queue for it each time
	 * cost more than the parsing), or when stream_write() needs the room:
	 * each byte is moved about once, and the bytes stay near the front
	 * (the queue's pages not touched are not resident).
	 */
	if (off >= s->qlen)
		s->qlen = s->qoff = 0;
	else if (off >= s->qlen - off) {
		memmove(s->q, s->q + off, s->qlen - off);
		s->qlen -= off;
		s->qoff = 0;
	} else
		s->qoff = off;
	if (s->paused && s->qlen - s->qoff <= STREAM_QUEUE / 2) {
		/* libcurl may hand the held bytes over at once, here. */
		s->paused = 0;
		curl_easy_pause(s->req.easy, CURLPAUSE_CONT);
	}
	if (s->qlen == 0 && s->ended) {
		s->ended = 0;
		stream_ended(s, s->end_rc);
	}
	return (s->qlen > 0);
}

static int
stream_is_sse(const char *ct)
{
	size_t	n = strlen("text/event-stream");

	if (ct == NULL || strncasecmp(ct, "text/event-stream", n) != 0)
		return (0);
	return (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/*
 * The headers are complete: decide what the response is. Returns 0 to
 * abort the transfer at once (nothing more to learn from it).
 */
static int
stream_classify(struct stream *s)
{
	char	*ct = NULL, *d;
	long	 code = s->code;

	curl_easy_getinfo(s->req.easy, CURLINFO_CONTENT_TYPE, &ct);
	if (code >= 300 && code < 400) {
		s->fail = SF_PERM;
		snprintf(s->reason, sizeof s->reason, "HTTP %ld redirect: %s",
		    code, NET_REDIRECT_TEXT);
		return (0);
	}
	if (code == 401 || code == 403) {
		s->fail = SF_AUTH;
		return (1);
	}
	if (s->phase == PH_CHECK)
		return (1);
	if (code == 200 && stream_is_sse(ct)) {
		s->accepted = 1;
		s->ever_open = 1;
		s->http_code = code;
		sse_reset(s->sse);
		loop_timer_arm(s->loop, &s->t_stable, s->bo.stable);
		stream_set(s, CONN_CONNECTED, "");
		return (1);
	}
	if (code == 200) {
		s->fail = SF_PERM;
		d = net_detail(ct, ct == NULL ? 0 : strlen(ct));
		snprintf(s->reason, sizeof s->reason, "unexpected Content-Type "
		    "%s (expected text/event-stream)", *d != '\0' ? d :
		    "(none)");
		free(d);
		return (0);
	}
	if (code == 204) {
		s->fail = SF_PERM;
		snprintf(s->reason, sizeof s->reason, "HTTP 204 No Content: "
		    "the server offers no event stream here");
		return (0);
	}
	if (code >= 500 || code == 408 || code == 429)
		s->fail = SF_TEMP;
	else
		s->fail = SF_PERM;
	return (1);
}

static size_t
stream_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct stream	*s = arg;
	size_t		 len = size * nmemb;
	long		 code = 0;

	/*
	 * No header line counts as progress: the watchdog's deadline for
	 * the final headers runs from the request, however many interim
	 * (1xx) responses or header lines come before them.
	 */
	if (len > 5 && strncmp(p, "HTTP/", 5) == 0 && !s->accepted) {
		s->code = 0;
		s->classified = 0;
		return (len);
	}
	/* Trailers after a body are no new response. */
	if (s->classified ||
	    len > 2 || (len > 0 && p[0] != '\r' && p[0] != '\n'))
		return (len);
	curl_easy_getinfo(s->req.easy, CURLINFO_RESPONSE_CODE, &code);
	if (code < 200)
		return (len);
	s->code = code;
	s->classified = 1;
	return (stream_classify(s) ? len : 0);
}

/*
 * A certificate that fails verification will fail the same way on every
 * retry: a permanent failure, said in words. Returns 1 if rc was one.
 */
static int
stream_tls_failed(struct stream *s, CURLcode rc)
{
	char	err[120];

	if (rc != CURLE_PEER_FAILED_VERIFICATION &&
	    rc != CURLE_SSL_CACERT_BADFILE && rc != CURLE_SSL_ISSUER_ERROR)
		return (0);
	net_reason(err, sizeof err, 0, NULL, 0, rc, s->req.errbuf);
	snprintf(s->reason, sizeof s->reason, "TLS certificate verification "
	    "failed, not retrying: %s (check the host name and --cacert or "
	    "REQUESTS_CA_BUNDLE)", err);
	s->http_code = 0;
	net_req_free(&s->req);
	s->phase = PH_NONE;
	log_error("%s", s->reason);
	stream_set(s, CONN_FAILED, NULL);
	return (1);
}

/* The pre-check finished: fail for good, or go on to the stream. */
static void
stream_check_done(struct stream *s, CURLcode rc)
{
	char	why[256];

	if (s->fail == SF_AUTH) {
		net_auth_reason(why, sizeof why, s->cfg, s->code, s->body.p,
		    s->body.len);
		s->http_code = s->code;
		net_req_free(&s->req);
		log_error("%s", why);
		stream_set(s, CONN_AUTH, why);
		return;
	}
	if (s->fail == SF_PERM) {
		s->http_code = s->code;
		net_req_free(&s->req);
		log_error("%s", s->reason);
		stream_set(s, CONN_FAILED, NULL);
		return;
	}
	if (rc != CURLE_OK && s->code == 0 && stream_tls_failed(s, rc))
		return;
	if (rc == CURLE_OPERATION_TIMEDOUT && s->code == 0) {
		log_info("status pre-check: no answer in time; trying the "
		    "stream");
		net_req_free(&s->req);
		stream_begin(s, PH_STREAM);
		return;
	}
	if (rc != CURLE_OK && s->code == 0) {
		/* No answer at all: the stream would fare no better. */
		net_reason(why, sizeof why, 0, NULL, 0, rc, s->req.errbuf);
		net_req_free(&s->req);
		s->phase = PH_NONE;
		stream_backoff(s, why);
		return;
	}
	if (rc != CURLE_OK || s->code != 200) {
		net_reason(why, sizeof why, s->code, s->body.p, s->body.len, rc,
		    s->req.errbuf);
		log_info("status pre-check failed (%s); trying the stream", why);
	} else
		log_debug("status pre-check: token accepted");
	net_req_free(&s->req);
	stream_begin(s, PH_STREAM);
}

/* The transfer is over: wait for its queued bytes to be parsed first. */
static void
stream_done(CURL *easy, CURLcode rc, void *arg)
{
	struct stream	*s = arg;

	loop_timer_cancel(s->loop, &s->t_watch);
	loop_timer_cancel(s->loop, &s->t_stable);
	if (s->qlen > 0) {
		s->ended = 1;
		s->end_rc = rc;
		s->paused = 0;
		return;
	}
	stream_ended(s, rc);
}

static void
stream_ended(struct stream *s, CURLcode rc)
{
	char		 why[256], err[200];
	int		 was_open = s->accepted;

	if (s->phase == PH_CHECK) {
		stream_check_done(s, rc);
		return;
	}
	s->phase = PH_NONE;
	s->accepted = 0;
	if (s->code != 0)
		s->http_code = s->code;
	if (s->fail == SF_AUTH) {
		net_auth_reason(why, sizeof why, s->cfg, s->code, s->body.p,
		    s->body.len);
		net_req_free(&s->req);
		log_error("%s", why);
		stream_set(s, CONN_AUTH, why);
		return;
	}
	if (s->fail == SF_PERM) {
		if (s->code != 200 && s->code != 204 &&
		    (s->code < 300 || s->code >= 400)) {
			net_reason(err, sizeof err, s->code, s->body.p,
			    s->body.len, CURLE_OK, NULL);
			snprintf(s->reason, sizeof s->reason, "%s%s", err,
			    s->code == 404 ? " (is the URL the monitor's base "
			    "URL?)" : "");
		}
		net_req_free(&s->req);
		log_error("%s", s->reason);
		stream_set(s, CONN_FAILED, NULL);
		return;
	}
	if (!was_open && s->code == 0 && stream_tls_failed(s, rc))
		return;
	if (was_open && rc == CURLE_OK && s->cfg->exit_on_close) {
		net_req_free(&s->req);
		stream_set(s, CONN_CLOSED, "server closed the stream");
		return;
	}
	if (was_open && rc == CURLE_OK)
		snprintf(why, sizeof why, "server closed the stream");
	else if (was_open) {
		net_reason(err, sizeof err, 0, NULL, 0, rc, s->req.errbuf);
		snprintf(why, sizeof why, "connection lost: %s", err);
	} else
		net_reason(why, sizeof why, s->code, s->body.p, s->body.len, rc,
		    s->req.errbuf);
	net_req_free(&s->req);
	stream_backoff(s, why);
}

/* Start one request of the attempt. */
static void
stream_begin(struct stream *s, enum stream_phase phase)
{
	struct net_req	*r = &s->req;
	const char	*id;
	char		*h, loc[128];

	s->phase = phase;
	s->accepted = 0;
	s->classified = 0;
	s->fail = SF_NONE;
	s->code = 0;
	net_body_reset(&s->body);
	s->qlen = s->qoff = 0;
	s->paused = 0;
	s->ended = 0;
	if (phase == PH_CHECK) {
		net_req_init(r, s->cfg, s->check_url, "application/json");
		curl_easy_setopt(r->easy, CURLOPT_TIMEOUT,
		    s->cfg->idle_timeout < STREAM_CHECK_TIMEOUT ?
		    (long)(s->cfg->idle_timeout + 0.999) : STREAM_CHECK_TIMEOUT);
	} else {
		net_req_init(r, s->cfg, s->url, "text/event-stream");
		net_req_header(r, "Cache-Control: no-cache");
		cfg_location(s->cfg, loc, sizeof loc);
		xasprintf(&h, "X-Client-Location: %s", loc);
		net_req_header(r, h);
		free(h);
		id = net_stream_last_id(s);
		if (*id != '\0') {
			xasprintf(&h, "Last-Event-ID: %s", id);
			net_req_header(r, h);
			free(h);
		}
		curl_easy_setopt(r->easy, CURLOPT_BUFFERSIZE,
		    (long)STREAM_BUFFER);
	}
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, stream_write);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, stream_header);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, s);
	s->last_mono = loop_now_mono_us();
	/* First look at the stall point, so that "stalled" is seen before
	 * the drop even when the stream goes silent at once. */
	loop_timer_arm(s->loop, &s->t_watch,
	    s->cfg->idle_timeout * STREAM_STALL_FRACTION);
	loop_transfer(s->loop, r->easy, stream_done, s);
}

/* Append "&name=v1,v2" (escaped) for one kind of the filter. */
static void
net_stream_query(char **q, const struct filter *f, enum filter_kind k,
    const char *name)
{
	size_t	 i, n = filter_count(f, k);
	char	*esc, *s;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		esc = curl_easy_escape(NULL, filter_value(f, k, i), 0);
		if (esc == NULL)
			fatalx("curl_easy_escape failed");
		if (i == 0)
			xasprintf(&s, "%s%s%s=%s", *q, **q == '\0' ? "?" : "&",
			    name, esc);
		else
			xasprintf(&s, "%s,%s", *q, esc);
		curl_free(esc);
		free(*q);
		*q = s;
	}
}

char *
net_stream_url(const char *base, const struct filter *f, int all)
{
	char	*q, *url, *s;

	q = xstrdup("");
	if (f != NULL) {
		net_stream_query(&q, f, FK_TYPE, "msg_types");
		if (all) {
			net_stream_query(&q, f, FK_AGENT, "agents");
			net_stream_query(&q, f, FK_RUN, "run_ids");
		}
	}
	url = net_url(base, "api/messages/stream/");
	xasprintf(&s, "%s%s", url, q);
	free(url);
	free(q);
	return (s);
}

struct stream *
net_stream_create(struct loop *l, const struct cfg *cfg, const char *url,
    const char *check_url, const char *last_id,
    const struct stream_backoff *bo, const struct stream_cb *cb, void *arg)
{
	struct stream	*s;

	s = xcalloc(1, sizeof *s);
	s->loop = l;
	s->cfg = cfg;
	s->cb = cb;
	s->arg = arg;
	s->bo = *bo;
	s->url = xstrdup(url);
	if (check_url != NULL)
		s->check_url = xstrdup(check_url);
	s->last_id = xstrdup(last_id != NULL ? last_id : "");
	s->sse = sse_create(cfg->max_event, stream_sse_event, s);
	net_body_init(&s->body, NET_BODY_MAX);
	s->state = CONN_IDLE;
	s->since = loop_now_wall_us();
	loop_timer_init(&s->t_retry, stream_retry, s);
	loop_timer_init(&s->t_watch, stream_watch, s);
	loop_timer_init(&s->t_stable, stream_stable, s);
	loop_timer_init(&s->t_notify, stream_notify, s);
	return (s);
}

void
net_stream_start(struct stream *s)
{
	loop_timer_cancel(s->loop, &s->t_retry);
	if (s->phase != PH_NONE)
		return;
	s->started = 1;
	s->retry_at = 0;
	stream_set(s, CONN_CONNECTING, NULL);
	stream_begin(s, s->check_url != NULL ? PH_CHECK : PH_STREAM);
}

void
net_stream_stop(struct stream *s)
{
	loop_timer_cancel(s->loop, &s->t_retry);
	stream_close(s);
	if (s->state != CONN_IDLE)
		stream_set(s, CONN_IDLE, NULL);
	loop_timer_cancel(s->loop, &s->t_notify);
}

void
net_stream_free(struct stream *s)
{
	if (s == NULL)
		return;
	net_stream_stop(s);
	loop_timer_cancel(s->loop, &s->t_notify);
	sse_free(s->sse);
	net_body_free(&s->body);
	free(s->q);
	free(s->url);
	free(s->check_url);
	free(s->last_id);
	free(s);
}

enum conn_state
net_stream_state(const struct stream *s)
{
	return (s->state);
}

const char *
net_stream_reason(const struct stream *s)
{
	return (s->reason);
}

int64_t
net_stream_since(const struct stream *s)
{
	return (s->since);
}

int64_t
net_stream_retry_at(const struct stream *s)
{
	return (s->state == CONN_BACKOFF ? s->retry_at : 0);
}

int
net_stream_http_code(const struct stream *s)
{
	return (s->http_code);
}

uint64_t
net_stream_bytes(const struct stream *s)
{
	return (s->bytes);
}

uint64_t
net_stream_oversize(const struct stream *s)
{
	return (sse_dropped(s->sse));
}

uint64_t
net_stream_reconnects(const struct stream *s)
{
	return (s->reconnects);
}

const char *
net_stream_last_id(const struct stream *s)
{
	const char	*id = sse_last_id(s->sse);

	return (*id != '\0' ? id : s->last_id);
}

