/* sim.h: swf-sim, the simulated SWF monitor: shared types and entry points. */
#ifndef SIM_H
#define SIM_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

struct MHD_Connection;
struct MHD_Response;

/* Configuration from the command line; read-only once threads run. */
struct sim_config {
	char		 *listen;	/* ADDR:PORT or [ADDR]:PORT */
	char		**tokens;	/* accepted API tokens */
	size_t		  ntokens;
	char		 *tls_cert;	/* PEM text, NULL without TLS */
	char		 *tls_key;
	double		  heartbeat;	/* seconds between heartbeat events */
	size_t		  client_queue;	/* per-client queue bound */
	unsigned int	  max_clients;	/* concurrent stream clients */
	double		  agent_stale;	/* seconds of silence before EXITED */
	char		 *registry_dump;	/* file rewritten on change, or NULL */
	int		  workflow;	/* run the simulated DAQ workflow */
	double		  speed;	/* workflow time scale */
	uint64_t	  seed;
	char		**namespaces;	/* workflow namespaces */
	size_t		  nnamespaces;
	int		  flood;	/* --rate given */
	double		  rate;		/* flood messages/s, 0 = pull */
	uint64_t	  count;	/* flood messages, 0 = unlimited */
	int		  prodops;	/* add the production namespace */
	int		  numeric_run_ids; /* the runner sends numbers */
	double		  channel_expiry; /* seconds a queued message lives */
	size_t		  history_max;	/* messages kept for the REST history */
};
extern struct sim_config sim_main_cfg;

/* Set once on SIGINT/SIGTERM; every thread polls it. */
extern atomic_int sim_main_quit;

/*
 * A rendered SSE event ("event: ...\ndata: ...\n\n"), shared by reference
 * between client queues. The filter keys follow the server's semantics:
 * msg_type and run_id are NULL unless the message holds a string there;
 * processed_by is "" when missing and NULL when present but not a string.
 */
struct sim_event {
	atomic_uint	 refs;
	char		*buf;
	size_t		 len;
	char		*msg_type;
	char		*processed_by;
	char		*run_id;
};

/* sim-msg.c */
double		 sim_msg_wall(void);
double		 sim_msg_mono(void);
#define ISO_DJANGO	0
#define ISO_DRF		1
#define ISO_NAIVE	2
#define ISO_LOCAL	3
void		 sim_msg_iso_now(char *, size_t, int);
void		 sim_msg_uuid4(char [37]);
/* Whether the monitor relays a message (not a heartbeat, has msg_type). */
int		 sim_msg_relayable(const json_t *);
void		 sim_msg_enrich(json_t *);
/* New event from a message (borrowed); the caller owns one reference. */
struct sim_event *sim_msg_event_from_msg(json_t *);
/* New event with a literal name and data line; one reference. */
struct sim_event *sim_msg_event_new(const char *, const char *);
/* New event holding raw bytes as they are; one reference. */
struct sim_event *sim_msg_event_raw(const void *, size_t);
void		 sim_msg_event_ref(struct sim_event *);
void		 sim_msg_event_unref(struct sim_event *);
/* Python-compatible JSON text; flags are PYJSON_*; the caller frees. */
#define PYJSON_COMPACT	0x1	/* "," and ":" separators (DRF) */
#define PYJSON_ASCII	0x2	/* escape non-ASCII (json.dumps default) */
char		*sim_msg_pyjson_dump(const json_t *, int);

/* sim-fault.c */
enum fault_kind {
	FAULT_NONE,
	FAULT_CLOSE_AFTER,
	FAULT_STALL,
	FAULT_STATUS,
	FAULT_REDIRECT,
	FAULT_CONTENT_TYPE,
	FAULT_RAW,
	FAULT_DRIP
};
enum fault_endpoint {
	EP_STREAM,
	EP_STATUS,
	EP_HEARTBEAT,
	EP_AGENTS,
	EP_HISTORY,	/* the REST history views (sim-history.c) */
	EP_COUNT
};
/* One fault as taken for a request; strings owned by the struct. */
struct sim_fault {
	enum fault_kind	 kind;
	int		 code;		/* status code for STATUS/REDIRECT/RAW... */
	char		*content_type;
	char		*location;
	unsigned char	*body;		/* raw bytes or body override */
	size_t		 bodylen;
	int		 has_body;
	uint64_t	 events;	/* CLOSE_AFTER / STALL: events first */
	int		 reset;		/* CLOSE_AFTER: close without chunk end */
	int		 close;		/* RAW: close after the bytes */
	unsigned int	 interval_ms;	/* DRIP */
	unsigned int	 delay_ms;	/* any: wait before answering */
	uint64_t	 size;		/* history: pad the answer to bytes */
};
void		 sim_fault_init(void);
void		 sim_fault_free_all(void);
/* Add faults from a JSON object or array; -1 and *cause on error. */
int		 sim_fault_post(json_t *, int, char **);
/* Take the fault for a new request to an endpoint; 0 if none. */
int		 sim_fault_take(enum fault_endpoint, struct sim_fault *);
void		 sim_fault_clear(struct sim_fault *);
const char	*sim_fault_name(enum fault_kind);
json_t		*sim_fault_list(void);

/* sim-stream.c */
void		 sim_stream_init(void);
void		 sim_stream_wake_all(void);
void		 sim_stream_free(void);
/* Enrich and broadcast a message (borrowed). */
void		 sim_stream_publish(json_t *);
/* Broadcast an event to every matching client (borrowed reference). */
void		 sim_stream_broadcast(struct sim_event *);
/*
 * The streaming response for a new client, with the connection's query
 * filters and an optional fault (whose strings it takes). NULL and *code
 * set when no stream can be opened.
 */
struct MHD_Response *sim_stream_open(struct MHD_Connection *, struct sim_fault *,
		    int *);
json_t		*sim_stream_status(void);
json_t		*sim_stream_stats(void);
uint64_t	 sim_stream_dropped_total(void);
/* Fault channel_drop: the next N messages of one client (id or NULL). */
int		 sim_stream_channel_drop(const char *, uint64_t, char **);

/* sim-flood.c */
void		 sim_flood_init(void);
void		 sim_flood_free(void);
/* Render whole flood messages for sequences [*next, end) into buf. */
size_t		 sim_flood_fill(char *, size_t, uint64_t *, uint64_t);
/* The template's filter keys, for one check per client. */
const struct sim_event *sim_flood_keys(void);
size_t		 sim_flood_max_len(void);
void		 sim_flood_start(void);
void		 sim_flood_stop(void);

/* sim-registry.c */
void		 sim_registry_init(void);
void		 sim_registry_free(void);
/* Register or refresh; 201/200 with *out, or 400 with *out the error. */
int		 sim_registry_heartbeat(json_t *, json_t **);
json_t		*sim_registry_list(void);
void		 sim_registry_tick(void);
/*
 * The SSE subscriber rows of GET /api/subscribers/. sim_registry_subscriber_open()
 * adds an active row for a new stream (client_id and filters borrowed);
 * the row stays valid until sim_registry_subscriber_close(), after which the registry
 * may evict it. sim_registry_subscriber_sent() counts messages delivered (lock-free).
 */
struct sim_subscriber;
struct sim_subscriber *sim_registry_subscriber_open(struct MHD_Connection *, const char *,
		    const json_t *);
void		 sim_registry_subscriber_sent(struct sim_subscriber *, uint64_t);
void		 sim_registry_subscriber_close(struct sim_subscriber *);
json_t		*sim_registry_subscriber_list(void);
/* Detail views: a copy of the record with that key, or NULL. */
json_t		*sim_registry_get(const char *);
json_t		*sim_registry_subscriber_get(const char *);
void		 sim_registry_subscriber_free(void);

/* sim-workflow.c */
void		 sim_workflow_start(void);
void		 sim_workflow_stop(void);
/* Faults: 0, or -1 and *cause (the caller frees) when they cannot apply. */
int		 sim_workflow_stall_run(const char *, char **);
int		 sim_workflow_agent_silent(const char *, char **);

/* sim-tz.c */
/* UTC offset of America/New_York at a time, in seconds (US rule). */
int		 sim_tz_ny_offset(time_t);
int64_t		 sim_tz_usec_now(void);
/* A time (microseconds since the epoch) as DRF renders it in New York. */
void		 sim_tz_iso_ny(int64_t, char *, size_t);

/* sim-history.c */
void		 sim_history_init(void);
void		 sim_history_free(void);
/*
 * Record a message (borrowed, copied) as the monitor stores it, before
 * enrichment; messages without msg_type and agent heartbeats are not.
 */
void		 sim_history_record(const json_t *);
/* GET views; each returns the status code and the body in *out. */
int		 sim_history_executions(struct MHD_Connection *, json_t **);
int		 sim_history_run_state(const char *, json_t **);
int		 sim_history_run_states(json_t **);
/* GET /api/workflow-messages/: the JSON text in *out, which the caller frees. */
int		 sim_history_messages(struct MHD_Connection *, char **, size_t *);
int		 sim_history_stf_files(struct MHD_Connection *, const char *,
		    json_t **);
json_t		*sim_history_stats(void);
/* Detail views: a copy of the row with that key, or NULL. */
json_t		*sim_history_execution(const char *);
json_t		*sim_history_message(const char *);
json_t		*sim_history_stf_file(const char *);

/* sim-http.c */
/* Start the daemon; -1 and *cause on error. *url gets the base URL. */
int		 sim_http_start(char **, char **);
void		 sim_http_stop(void);

#endif
