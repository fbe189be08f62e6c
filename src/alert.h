/*
 * alert.h: the alert engine. Pure: no curses, no curl, no clock of its
 * own. The front ends feed it what they learn (messages, the stream's
 * state, the agents registry, known-missing STF sequences, running
 * executions) with the time it happened, and call alert_tick() on the
 * loop's clock; it raises and clears alerts, each once per condition,
 * and tells a callback about every transition.
 *
 * Every table is bounded: runs and agents are evicted least recently
 * seen first, at most max_active alerts are active (further raises are
 * counted and retried at the next tick) and the last max_cleared cleared
 * ones are kept.
 */
#ifndef ALERT_H
#define ALERT_H

#include <stddef.h>
#include <stdint.h>

#include <sys/queue.h>

#include <jansson.h>

struct cfg;
struct msg;
struct runs;

enum alert_kind {
	ALERT_RUN_STALLED,	/* a running run gone silent */
	ALERT_STF_GAP,		/* STF sequence numbers nobody could fill */
	ALERT_AGENT_BEHIND,	/* an agent's backlog on a run */
	ALERT_AGENT_SILENT,	/* an agent's registry heartbeat or status */
	ALERT_STREAM_DOWN,	/* no open stream */
	ALERT_EXECUTION_STALE,	/* an execution running for too long */
	ALERT_NKINDS
};

#define ALERT_DEFAULT_STALL	60.0		/* --stall-after */
#define ALERT_DEFAULT_BEHIND_N	10		/* --behind-files */
#define ALERT_DEFAULT_BEHIND	120.0		/* --behind-after */
#define ALERT_DEFAULT_SILENT	300.0		/* the monitor's healthy rule */
#define ALERT_DEFAULT_STALE	(12 * 3600.0)	/* --stale-after */
#define ALERT_DEFAULT_ACTIVE	1024
#define ALERT_DEFAULT_CLEARED	200
#define ALERT_MAX_RUNS		4096
#define ALERT_MAX_AGENTS	1024
#define ALERT_RUN_AGENTS	16	/* agents followed per run */
#define ALERT_GEN_RING		64	/* stf_gen times kept per run */

/* Thresholds in seconds; zero fields take the defaults. */
struct alert_cfg {
	double		 stall_after;
	unsigned	 behind_files;
	double		 behind_after;
	double		 silent_after;
	double		 stale_after;
	size_t		 max_active;
	size_t		 max_cleared;
};

/*
 * One alert. Owned by the engine: an active one lives until it clears,
 * a cleared one until it falls off the cleared list. Hold the serial,
 * not the pointer, across calls that feed the engine.
 */
struct alert {
	TAILQ_ENTRY(alert) entry;
	uint64_t	 serial;
	enum alert_kind	 kind;
	char		*subject;	/* stable: kind, run and agent */
	char		*run;		/* "" when none */
	char		*agent;		/* "" when none */
	char		*text;		/* sanitized by the caller's input */
	int64_t		 raised;	/* unix us */
	int64_t		 cleared;	/* unix us, 0 while active */
};
TAILQ_HEAD(alert_list, alert);

/* A registry record as the engine needs it (strings borrowed). */
struct alert_reg {
	const char	*name;
	const char	*status;	/* OK, WARNING, ERROR, EXITED */
	int64_t		 heartbeat;	/* unix us; 0 unknown */
};

/* A running workflow execution (strings borrowed). */
struct alert_exec {
	const char	*id;
	int64_t		 start;		/* unix us */
};

/* A transition: raised 1 (a new alert) or 0 (it just cleared). */
typedef void	alert_fn(const struct alert *, int raised, void *);

/* Create an engine with cfg (copied; NULL for defaults). Never NULL. */
struct alerts	*alert_create(const struct alert_cfg *, alert_fn *, void *);
void		 alert_free(struct alerts *);

/* Account one message (borrowed), at its m->recv_us. */
void		 alert_message(struct alerts *, const struct msg *);

/*
 * The stream is open (1) or not (0) since now; why says why not (may be
 * NULL; copied). Call it on every change; repeating a state is harmless.
 */
void		 alert_stream(struct alerts *, int open, const char *why,
		    int64_t now);

/* The registry as read at now: n records (borrowed for the call). */
void		 alert_registry(struct alerts *, const struct alert_reg *,
		    size_t n, int64_t now);

/*
 * The STF sequence numbers of run that are known missing (the history
 * could not fill them): total of them (0: none, which clears the alert),
 * the first nseq listed in seq.
 */
void		 alert_gaps(struct alerts *, const char *run, size_t total,
		    const uint64_t *seq, size_t nseq, int64_t now);

/*
 * The same facts from the run aggregates (run.h): the holes of every run
 * whose history has been merged (run_merged(), run_missing()).
 */
void		 alert_gaps_runs(struct alerts *, struct runs *, int64_t now);

/* The running executions, as last read (borrowed for the call). */
void		 alert_executions(struct alerts *, const struct alert_exec *,
		    size_t n, int64_t now);

/*
 * The same list told one execution at a time, as the history reads it:
 * its id and start_time (ISO 8601 text, as the monitor sends it; "" if
 * none), then alert_exec_end() once the list is complete.
 */
void		 alert_exec_told(struct alerts *, const char *id,
		    const char *start);
void		 alert_exec_end(struct alerts *, int64_t now);

/* Evaluate the time rules at now. Cheap: call it every second. */
void		 alert_tick(struct alerts *, int64_t now);

/*
 * The active alerts (newest first) and the cleared ones (most recently
 * cleared first). Read-only; valid until the next call that feeds the
 * engine.
 */
const struct alert_list *alert_active(const struct alerts *);
const struct alert_list *alert_cleared(const struct alerts *);
size_t		 alert_nactive(const struct alerts *);
size_t		 alert_ncleared(const struct alerts *);
/* Raises refused because max_active were active. */
uint64_t	 alert_suppressed(const struct alerts *);
/* A counter that changes whenever an alert is raised or cleared. */
uint64_t	 alert_generation(const struct alerts *);

/* Whether an alert is active on this run, on this agent. */
int		 alert_on_run(const struct alerts *, const char *run);
int		 alert_on_agent(const struct alerts *, const char *agent);

/* Thresholds from the configuration (--stall-after and the others). */
void		 alert_cfg_init(struct alert_cfg *, const struct cfg *);

/*
 * Feed the registry from GET /api/systemagents/'s answer (borrowed): an
 * array of records, or an object with "results". Anything else is
 * ignored (the last good read stands).
 */
void		 alert_registry_json(struct alerts *, json_t *, int64_t now);

/*
 * The --output alerts line of a transition, without a newline: {"time",
 * "alert", "state": "raised"|"cleared", "run_id", "agent", "text"}, run_id
 * and agent only where they apply. The caller frees it.
 */
char		*alert_json(const struct alert *, int raised);

/* "run_stalled", ...; NULL for a bad kind. */
const char	*alert_kind_name(enum alert_kind);

#endif
