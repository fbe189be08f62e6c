/*
 * client.h: the engine under both front ends. It reads the configuration,
 * holds the SSE stream (pre-check, reconnect with backoff, idle watchdog,
 * make-before-break subscription changes), registers as an agent, and
 * hands every event and decoded message to a sink: the dashboard or a
 * headless writer. It can also replay a recording instead of the network.
 */
#ifndef CLIENT_H
#define CLIENT_H

#include <stdint.h>
#include <string.h>

/* Exit statuses of swf-dash (EXIT_FATAL, 70, is in xmalloc.h). */
#define SWF_EXIT_OK		0	/* normal end, or a signal */
#define SWF_EXIT_USAGE		1	/* bad options or configuration */
#define SWF_EXIT_AUTH		2	/* token missing or rejected */
#define SWF_EXIT_PROTOCOL	3	/* 3xx, 204, wrong type, other 4xx */
#define SWF_EXIT_OUTPUT		4	/* stdout failed (not EPIPE) */

struct cfg;
struct filter;
struct loop;
struct msg;
struct sse_event;

/*
 * The stream's own events, "connected" and "heartbeat", are not messages.
 * Asked of every event, so the first byte decides most.
 */
static inline int
client_is_connected(const char *type)
{
	return (type[0] == 'c' && strcmp(type, "connected") == 0);
}

static inline int
client_is_control(const char *type)
{
	return (client_is_connected(type) ||
	    (type[0] == 'h' && strcmp(type, "heartbeat") == 0));
}

enum conn_state {
	CONN_IDLE,		/* not started */
	CONN_CONNECTING,	/* pre-check or stream request under way */
	CONN_CONNECTED,		/* stream open and "connected" seen */
	CONN_STALLED,		/* connected, but quiet past 2 heartbeats */
	CONN_BACKOFF,		/* waiting to reconnect, see retry_at */
	CONN_AUTH,		/* 401/403: token rejected, not retrying */
	CONN_FAILED,		/* permanent failure, see reason */
	CONN_REPLAY,		/* replaying a recording */
	CONN_REPLAY_DONE,	/* recording finished */
	CONN_REPLAY_PAUSED,
	CONN_CLOSED		/* server ended the stream (--exit-on-close) */
};

enum reg_state {
	REG_NONE,		/* no registration attempted yet */
	REG_STARTING,		/* sent STARTING */
	REG_OK,			/* last heartbeat accepted (READY) */
	REG_WARNING,		/* accepted, but sent WARNING (stream down) */
	REG_FAILED,		/* last heartbeat failed, see reg_reason */
	REG_EXITED		/* sent EXITED */
};

/* What the history back-fill tells the front ends (client_sink). */
enum history_event {
	HE_START,	/* the start-up history is merged; text says how much */
	HE_RECONNECT,	/* the back-fill after a reconnect is merged */
	HE_GAP,		/* a hole history could not fill (run, text) */
	HE_MERGED,	/* a run's execution was read and merged (run) */
	HE_ERROR,	/* a history read failed (text), said once per kind */
	HE_LOST,	/* back-filling after a reconnect begins (text) */
	HE_EXEC,	/* a running execution (run: its id, text: start_time) */
	HE_EXECS_END	/* the running executions are all told (alerts) */
};

struct alerts;
struct runs;

/*
 * The part of a history event that every front end takes alike: a merged
 * run is marked in rs, the running executions go to the alerts (now:
 * wall us on the alerts' clock). Other events are the caller's.
 */
void		 client_history_facts(enum history_event, const char *text,
		    const char *run, struct runs *, struct alerts *,
		    int64_t now);

/* What the front ends show. Owned by the client; read-only for others. */
struct client_status {
	enum conn_state	 state;
	char		 reason[256];	/* last failure or reconnect cause */
	int64_t		 since;		/* wall us the state began */
	int64_t		 retry_at;	/* wall us of the next attempt */
	int		 http_code;	/* of the last response, 0 if none */
	char		 client_id[64];	/* from the "connected" event */
	char		 host[256];	/* monitor host for display */
	enum reg_state	 reg;
	char		 reg_reason[128];
	uint64_t	 events;	/* SSE events received */
	uint64_t	 messages;	/* workflow messages received */
	uint64_t	 filtered;	/* dropped by the client-side filter */
	uint64_t	 dup;		/* duplicates dropped in a switch */
	uint64_t	 oversize;	/* events over the size cap */
	uint64_t	 reconnects;
	uint64_t	 bytes;
	int64_t		 last_byte;	/* wall us */
	int64_t		 last_sent;	/* sent_at (wall us) of the newest msg */
	int		 recording;	/* --record file open */
	uint64_t	 rec_lost;	/* events not written to it */
	char		 rec_error[128]; /* why, "" while writing works */
	/* A replay's progress (zero when not replaying). */
	int64_t		 replay_at;	/* recorded time of the newest event */
	uint64_t	 replay_events;	/* events read from the recording */
	int		 replay_pct;	/* of the file read, -1 unknown */
	double		 replay_speed;	/* --speed, 0 as fast as read */
};

/*
 * What the client produces. All callbacks are optional. on_event sees
 * every SSE event as parsed (connected, heartbeat, messages), valid only
 * during the call. on_message receives each decoded workflow message that
 * passed the client-side filter and takes ownership of it (free()). For
 * the pass-through headless path the client may skip decoding when
 * on_message is NULL. on_status runs whenever the state, reason or
 * registration changes (counters change without it: read them with
 * client_status()). All three run from the loop, never inside a libcurl
 * callback: on_event and on_message from the client's worker, in slices
 * of at most LOOP_SLICE_US with keys, signals and timers served between
 * them. They must not stop or free the client (call loop_exit()).
 */
struct client_sink {
	void	(*on_event)(const struct sse_event *, int64_t recv_us, void *);
	void	(*on_message)(struct msg *, void *);
	void	(*on_status)(const struct client_status *, void *);
	/*
	 * The history back-fill (enum history_event in net.h): a batch
	 * merged, a known gap, a run merged, a failed read. text (a line
	 * for the user) and run ("" or NULL if none) are valid during the
	 * call.
	 */
	void	(*on_history)(int, const char *text, const char *run, void *);
	/*
	 * The registry was read (or failed to be) while polled: read it
	 * with client_registry().
	 */
	void	(*on_registry)(void *);
};

/* A record of the monitor's agent registry, sanitized. */
struct reg_entry {
	char		*name;
	char		*type;
	char		*status;
	char		*opstate;
	char		*host;
	char		*ns;
	long long	 pid;
	int64_t		 heartbeat;	/* unix us, 0 if unknown */
};

/*
 * Create a client on loop with cfg (both must outlive it). The initial
 * subscription is built from cfg->filter (types always, agents and runs
 * only with server_filters_all); the initial client-side filter is the
 * agents and runs of cfg->filter. Never NULL.
 */
struct client	*client_create(struct loop *, struct cfg *,
		    const struct client_sink *, void *);

/* Start: pre-check then stream (or replay). */
void		 client_start(struct client *);

/*
 * Stop everything and send the EXITED heartbeat, waiting at most a short
 * time (about 2 s) so exit never hangs. Safe to call twice. Call it after
 * loop_run() has returned.
 */
void		 client_stop(struct client *);
void		 client_free(struct client *);

const struct client_status *client_status(const struct client *);

/*
 * Change what the server is asked to send (f is copied; NULL: all).
 * Make-before-break: a new stream opens; once its "connected" event has
 * arrived and the old stream has caught up (a message came on both, or
 * none can match both, or 3 s passed) the old one closes; a message
 * received on both during the overlap is delivered once. Applied at
 * once; not from inside a sink callback. client_subscription() returns
 * the new one.
 */
void		 client_set_subscription(struct client *,
		    const struct filter *);
const struct filter *client_subscription(const struct client *);

/*
 * Replace the client-side filter (NULL: deliver everything). It applies
 * on top of the subscription's own agents and runs, which the client
 * checks itself unless cfg->server_filters_all.
 */
void		 client_set_local_filter(struct client *,
		    const struct filter *);

/*
 * Connect again now, re-reading a --token-file: a stream that is down (in
 * backoff, after a 401 the user has fixed) is restarted, a live or stalled
 * one is replaced make-before-break (see client_set_subscription). Returns
 * a static sentence saying what was done, for the user.
 */
const char	*client_retry_now(struct client *);

/*
 * Poll GET /api/systemagents/ every --registry-interval seconds (never
 * faster than 1 s) while on, and once at once; the sink's on_registry
 * hears of each read.
 */
void		 client_poll_registry(struct client *, int on);

/*
 * The registry as last read: *n records sorted by name, owned by the
 * client and valid until the next on_registry; *why (may be NULL) says
 * why the last read failed ("" if it did not), *at (may be NULL) when the
 * last good read was (wall us, 0: none yet). NULL and 0 records when
 * polling never started.
 */
const struct reg_entry *client_registry(const struct client *, size_t *n,
		    const char **why, int64_t *at);

/* Replay control (no-ops when not replaying). */
void		 client_replay_pause(struct client *, int paused);
void		 client_replay_skip(struct client *, double seconds);

/*
 * Where the event or message being delivered comes from (enum
 * hist_source: live or history); meaningful inside the sink's callbacks.
 */
int		 client_source(const struct client *);

/* The history back-fill's counters; NULL when --history off. */
struct history_stats;
const struct history_stats *client_history_stats(const struct client *);

/*
 * Keep the order of the agents (on: the dashboard): while a back-fill is
 * read, live messages wait (at most 2 s) so that what the history brings
 * back is shown before them. Off (headless), each is delivered when it
 * arrives.
 */
void		 client_set_ordered(struct client *, int);

/* The exit status the state calls for: SWF_EXIT_AUTH, _PROTOCOL or _OK. */
int		 client_exit_status(const struct client *);

/* Reopen the --record file (on SIGUSR1, after logrotate). */
void		 client_record_reopen(struct client *);

#endif
