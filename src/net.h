/*
 * net.h: the engine's network parts. net.c holds the libcurl plumbing that
 * every API call shares; net-stream.c one SSE subscription with its
 * reconnects; net-agent.c the registration heartbeats.
 */
#ifndef NET_H
#define NET_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "client.h"
#include "history.h"

struct cfg;
struct filter;
struct loop;
struct sse_event;

/*
 * Run an easy handle on the loop's CURLM (in loop.c, declared here so that
 * only the network parts see libcurl); done(easy, result, arg) is
 * called once when it finishes (the handle is removed from the multi
 * first; the caller still owns and cleans it up). loop_cancel removes a
 * running transfer without calling done. Neither may be called from inside
 * a libcurl callback (libcurl refuses; that is fatal): nothing but storing
 * bytes happens there. The loop uses CURLOPT_PRIVATE.
 */
void	 loop_transfer(struct loop *, CURL *,
	     void (*)(CURL *, CURLcode, void *), void *);
void	 loop_cancel(struct loop *, CURL *);

/* Bytes kept of an error response body, for its "detail". */
#define NET_BODY_MAX	4096

/* The text shown for a 3xx on any API call. */
#define NET_REDIRECT_TEXT "the Authorization header is not reaching the " \
	"monitor (Apache: WSGIPassAuthorization On)"

/*
 * The one bounded response body: at most max bytes are kept, always
 * NUL-terminated (p is "" until something comes), growing as they come.
 * net_body_add() keeps what fits and returns 0 once something had to be
 * left out (the start is kept); callers either go on (an error body's
 * start says enough) or abort the transfer (an answer cut is no answer).
 */
struct net_body {
	char	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

void	 net_body_init(struct net_body *, size_t max);
int	 net_body_add(struct net_body *, const char *, size_t);
/* Empty it for the next response, keeping the memory. */
void	 net_body_reset(struct net_body *);
void	 net_body_free(struct net_body *);

/* Per-request state that must outlive the easy handle's transfer. */
struct net_req {
	CURL			*easy;
	struct curl_slist	*hdrs;		/* holds the token: wiped */
	char			 errbuf[CURL_ERROR_SIZE];
};

/*
 * Make an easy handle for GET url (base URL plus path, built by the
 * caller) with our policy: no redirects, no signals, http and https
 * only, TLS verified unless cfg->insecure, CA bundle, TCP keepalive,
 * User-Agent, the Authorization header in memory, the given Accept
 * header. Fills r; free with net_req_free().
 */
void	 net_req_init(struct net_req *, const struct cfg *, const char *url,
	    const char *accept);

/* Add a header line ("Name: value") to r before the transfer starts. */
void	 net_req_header(struct net_req *, const char *);

/* Clean up the handle and wipe the headers. Safe on a zeroed r. */
void	 net_req_free(struct net_req *);

/* "base" + "/" + path. The caller frees. */
char	*net_url(const char *base, const char *path);

/*
 * Check cfg->url (if set) with libcurl's parser: http or https with a
 * host and no credentials, query or fragment; plain http only to
 * loopback or with --allow-http. Returns 0 or -1 with *cause naming the
 * key (and file:line) that set the URL.
 */
int	 net_url_check(const struct cfg *, char **cause);

/*
 * The stream URL for a subscription: msg_types always, agents and run_ids
 * only with all; every value escaped. The caller frees.
 */
char	*net_stream_url(const char *base, const struct filter *, int all);

/* "host" or "host:port" of url into buf. */
void	 net_host(const char *url, char *buf, size_t size);

/*
 * A sanitized one-line description of an error response: its JSON
 * "detail" if any, else its first line; "" when empty. The caller frees.
 */
char	*net_detail(const char *body, size_t len);

/*
 * A reason for a failed response (code, body) or transfer (rc, errbuf),
 * such as "HTTP 503: No channel layer configured." into buf.
 */
void	 net_reason(char *buf, size_t size, long code, const char *body,
	    size_t bodylen, CURLcode rc, const char *errbuf);

/* The reason for a 401/403, naming at most a hint of the token. */
void	 net_auth_reason(char *buf, size_t size, const struct cfg *,
	    long code, const char *body, size_t bodylen);

/*
 * The reason for a failed REST call: a 401 or 403 in words, as a missing
 * or rejected token (net_auth_reason()), anything else as net_reason().
 */
void	 net_call_reason(char *buf, size_t size, const struct cfg *,
	    long code, const char *body, size_t bodylen, CURLcode rc,
	    const char *errbuf);

/*
 * One SSE subscription: the status pre-check, the stream request and its
 * classification, reconnects with backoff, the idle watchdog. Received
 * bytes wait in a bounded queue until the owner's loop worker calls
 * net_stream_drain(); events are reported from there, changes of state
 * from a zero timer. Neither callback ever runs inside a libcurl callback.
 */
struct stream;

struct stream_cb {
	void	(*event)(struct stream *, const struct sse_event *,
		    int64_t recv_us, void *);
	void	(*state)(struct stream *, void *);
};

/* Backoff knobs (seconds); the defaults are CFG_DEFAULT_BACKOFF_* (cfg.h). */
struct stream_backoff {
	double	first;
	double	cap;
	double	stable;		/* connected this long resets the backoff */
};

/*
 * Create a stream on loop for url (owned copy); precheck_url may be NULL
 * to skip the pre-check. last_id (may be NULL) is sent as Last-Event-ID
 * until the stream gives one. cfg and cb must outlive the stream.
 */
struct stream	*net_stream_create(struct loop *, const struct cfg *,
		    const char *url, const char *precheck_url,
		    const char *last_id, const struct stream_backoff *,
		    const struct stream_cb *, void *);

/* Connect (again) now. */
void		 net_stream_start(struct stream *);

/*
 * Parse queued bytes, calling cb->event for each event, until the queue
 * is empty or the monotonic clock passes until (us); at least one piece
 * is parsed. Unpauses the transfer when there is room again and acts on
 * its end once its bytes are parsed. Returns 1 if bytes are left. The
 * event callback must not stop or free this stream.
 */
int		 net_stream_drain(struct stream *, int64_t until);

/*
 * Close the connection, drop the queued bytes and cancel every timer; the
 * state becomes CONN_IDLE. Not from inside the stream's own callbacks.
 */
void		 net_stream_stop(struct stream *);

/* Stop and free. Not from inside the stream's own callbacks. */
void		 net_stream_free(struct stream *);

enum conn_state	 net_stream_state(const struct stream *);
const char	*net_stream_reason(const struct stream *);
int64_t		 net_stream_since(const struct stream *);	/* wall */
int64_t		 net_stream_retry_at(const struct stream *);	/* wall */
int		 net_stream_http_code(const struct stream *);
uint64_t	 net_stream_bytes(const struct stream *);
uint64_t	 net_stream_oversize(const struct stream *);
uint64_t	 net_stream_reconnects(const struct stream *);
/* Last event ID seen (or given at creation); "" if none. */
const char	*net_stream_last_id(const struct stream *);

/*
 * The monitor's agent registry (net-registry.c): read at once and every
 * --registry-interval seconds while polling is on; done(arg) runs from
 * the loop after each read, good or bad. The records (sorted by name,
 * sanitized) belong to the registry and stay valid until the next done
 * call or net_registry_free().
 */
struct net_registry;

struct net_registry *net_registry_create(struct loop *, const struct cfg *,
		    void (*done)(void *), void *);
void		 net_registry_poll(struct net_registry *, int on);
/* While polling, read again now (a read under way starts over). */
void		 net_registry_refresh(struct net_registry *);
const struct reg_entry *net_registry_entries(const struct net_registry *,
		    size_t *);
/* Why the last read failed; "" if it did not. */
const char	*net_registry_reason(const struct net_registry *);
/* Wall us of the last good read; 0 if none yet. */
int64_t		 net_registry_at(const struct net_registry *);
void		 net_registry_free(struct net_registry *);

/*
 * Registration with the monitor's agent registry: periodic heartbeats
 * and the last EXITED one.
 */
struct agent;

/* Create; changed(arg) runs whenever the registration state changes. */
struct agent	*net_agent_create(struct loop *, const struct cfg *,
		    void (*changed)(void *), void *);
void		 net_agent_free(struct agent *);

/* Send STARTING now and start the periodic heartbeat. */
void		 net_agent_start(struct agent *);

/*
 * Tell the agent whether the stream is up; a change is sent soon (not
 * more than once every few seconds), else at the next period.
 */
void		 net_agent_set_up(struct agent *, int up);

/* The description sent with each heartbeat (copied). */
void		 net_agent_set_description(struct agent *, const char *);

/*
 * Cancel whatever is in flight and send EXITED with a short timeout. The
 * caller runs loop_drain() to let it finish.
 */
void		 net_agent_exit(struct agent *);

enum reg_state	 net_agent_state(const struct agent *);
const char	*net_agent_reason(const struct agent *);

/*
 * Back-fill from the monitor's REST history (net-history.c): the reads,
 * the seen-set and the per-run hole tracking of one client.
 */
struct history;


struct history_cb {
	/*
	 * Deliver one message of type (data, len: JSON, borrowed) from the
	 * history through net_history_pass() and the filters; return 1 if it
	 * reached the sink.
	 */
	int	(*deliver)(const char *type, const char *data, size_t len,
		    void *);
	/* Something to show; text and run valid during the call. */
	void	(*event)(enum history_event, const char *text,
		    const char *run, void *);
	/* Nothing is left to read or merge (may be NULL). */
	void	(*idle)(void *);
};

struct history_stats {
	uint64_t	 reads;		/* answers read */
	uint64_t	 bytes;		/* of all answers */
	uint64_t	 items;		/* history items read */
	uint64_t	 backfilled;	/* messages delivered from history */
	uint64_t	 dup;		/* dropped: already delivered */
	uint64_t	 before;	/* gaps: items older than our start */
	uint64_t	 unscanned;	/* live, no execution, no run step */
	uint64_t	 holes;		/* holes seen in the stream */
	uint64_t	 missing;	/* known-missing messages reported */
	uint64_t	 errors;	/* failed reads */
	uint64_t	 refused;	/* answers over --history-max-bytes */
	int		 busy;		/* a read or merge under way */
	int64_t		 lost_from;	/* wall us: the last outage */
	int64_t		 lost_to;
	char		 reason[256];	/* the last failure, in words */
};

/*
 * Create for cfg (its history mode resolved: all for the dashboard, gaps
 * headless). cfg and cb must outlive it. Never NULL.
 */
struct history	*net_history_create(struct loop *, const struct cfg *,
		    const struct history_cb *, void *);
void		 net_history_free(struct history *);
enum hist_mode	 net_history_mode(const struct history *);
const struct history_stats *net_history_stats(const struct history *);

/* The stream went up or down (for the outage's start). */
void		 net_history_stream(struct history *, int up);

/* The stream's "connected": the start-up read, or a reconnect's. */
void		 net_history_connected(struct history *);

/* Whether a read or merge is under way or waiting. */
int		 net_history_busy(const struct history *);

/* Forget that a message (JSON data) was delivered: it is held back. */
void		 net_history_forget(struct history *, const char *data,
		    size_t len);

/*
 * Pass one message (JSON data from src): 0 if it was delivered already
 * (drop it), 2 if it is new and shows a hole (a read is queued), else 1;
 * tracks its run.
 */
int		 net_history_pass(struct history *, const char *data, size_t len,
		    enum hist_source);

#endif
