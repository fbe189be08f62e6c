/*
 * sim-history.c: the monitor's REST history. Every message swf-sim emits
 * is stored as the monitor's ActiveMQ processor stores it (WorkflowMessage
 * rows, whatever a client's channel later drops), bounded by
 * --history-max with the oldest evicted; the run lifecycle messages also
 * drive the RunState rows and the workflow executions, and stf_gen and
 * stf_ready the STF file rows. The views answer as DRF does: open reads,
 * no default paging, date-times in America/New_York.
 *
 * One mutex guards everything here. A message is kept as its item's JSON
 * text, rendered once as DRF renders it: a few hundred bytes each instead
 * of a tree of dozens of allocations, and an answer is a concatenation.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/tree.h>

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"
#include "sim.h"
#include "xmalloc.h"

/*
 * The stored messages' text is also bounded in bytes (a test may publish
 * 8 MiB messages), evicting the oldest beyond; executions and runs are
 * kept up to their own counts, each evicting its oldest beyond.
 */
#define HISTORY_BYTES_MAX	((size_t)1 << 30)
#define HISTORY_EXEC_MAX	10000
#define HISTORY_RUN_MAX		10000

struct hist_exec;

/* One stored message: its WorkflowMessage item. */
struct hist_msg {
	TAILQ_ENTRY(hist_msg)	 all;		/* oldest first */
	TAILQ_ENTRY(hist_msg)	 same;		/* in its execution */
	struct hist_exec	*exec;		/* NULL without execution_id */
	char			*text;		/* the item as DRF renders it */
	size_t			 len;
};
TAILQ_HEAD(hist_msgs, hist_msg);

/*
 * An execution id seen on a message: its messages in order and, once a
 * run lifecycle message named it, its WorkflowExecution record.
 */
struct hist_exec {
	RB_ENTRY(hist_exec)	 entry;
	TAILQ_ENTRY(hist_exec)	 order;		/* records, oldest first */
	char			*id;
	json_t			*rec;		/* NULL: no record */
	struct hist_msgs	 msgs;
	size_t			 nmsgs;
};
RB_HEAD(sim_history_execs, hist_exec);
TAILQ_HEAD(hist_exec_order, hist_exec);

/* One STF file row, kept small: rendered when asked for. */
struct hist_file {
	TAILQ_ENTRY(hist_file)	 all;		/* oldest first */
	TAILQ_ENTRY(hist_file)	 same;		/* in its run */
	struct hist_run		*run;
	char			 file_id[37];
	char			 created[40];
	char			*name;
	char			*checksum;	/* NULL: null */
	char			*state;		/* daq_state, NULL: null */
	char			*substate;
	json_int_t		 size;		/* -1: null */
	json_int_t		 sequence;	/* metadata; -1: null */
	json_int_t		 tick;
	int			 processed;
};
TAILQ_HEAD(hist_files, hist_file);

/* One run: its RunState row and its STF files. */
struct hist_run {
	RB_ENTRY(hist_run)	 entry;
	TAILQ_ENTRY(hist_run)	 order;		/* oldest first */
	long long		 number;
	json_int_t		 pk;		/* Run.run_id */
	json_t			*state;		/* NULL: no RunState row */
	struct hist_files	 files;
};
RB_HEAD(sim_history_runs, hist_run);
TAILQ_HEAD(hist_run_order, hist_run);

static int	hist_exec_cmp(struct hist_exec *, struct hist_exec *);
static int	hist_run_cmp(struct hist_run *, struct hist_run *);
RB_PROTOTYPE(sim_history_execs, hist_exec, entry, hist_exec_cmp);
RB_PROTOTYPE(sim_history_runs, hist_run, entry, hist_run_cmp);
RB_GENERATE(sim_history_execs, hist_exec, entry, hist_exec_cmp);
RB_GENERATE(sim_history_runs, hist_run, entry, hist_run_cmp);

static pthread_mutex_t		 history_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hist_msgs		 msgs = TAILQ_HEAD_INITIALIZER(msgs);
static size_t			 nmsgs;
static size_t			 nbytes;
static uint64_t			 nrecorded, nevicted;
static struct sim_history_execs	 execs = RB_INITIALIZER(&execs);
static struct hist_exec_order	 exec_order =
				    TAILQ_HEAD_INITIALIZER(exec_order);
static size_t			 nexecs;
static struct sim_history_runs		 runs = RB_INITIALIZER(&runs);
static struct hist_run_order	 run_order = TAILQ_HEAD_INITIALIZER(run_order);
static size_t			 nruns;
static json_int_t		 next_run_pk = 1;
static char			 created_by[64];
static struct hist_files	 files = TAILQ_HEAD_INITIALIZER(files);
static size_t			 nfiles;

static int
hist_exec_cmp(struct hist_exec *a, struct hist_exec *b)
{
	return (strcmp(a->id, b->id));
}

static int
hist_run_cmp(struct hist_run *a, struct hist_run *b)
{
	return (a->number < b->number ? -1 : a->number > b->number);
}

/* Prepare the history. */
void
sim_history_init(void)
{
	TAILQ_INIT(&msgs);
	TAILQ_INIT(&exec_order);
	TAILQ_INIT(&run_order);
	TAILQ_INIT(&files);
	snprintf(created_by, sizeof created_by, "swf-sim:%ld", (long)getpid());
}

/* Free an execution node once it has neither record nor messages. */
static void
hist_exec_gc(struct hist_exec *e)
{
	if (e->rec != NULL || e->nmsgs != 0)
		return;
	RB_REMOVE(sim_history_execs, &execs, e);
	free(e->id);
	free(e);
}

/* Drop an execution's record (the oldest beyond the bound). */
static void
hist_exec_unrecord(struct hist_exec *e)
{
	TAILQ_REMOVE(&exec_order, e, order);
	nexecs--;
	json_decref(e->rec);
	e->rec = NULL;
	hist_exec_gc(e);
}

/* Remove the oldest message. */
static void
hist_evict_msg(void)
{
	struct hist_msg	*m;

	if ((m = TAILQ_FIRST(&msgs)) == NULL)
		return;
	TAILQ_REMOVE(&msgs, m, all);
	nmsgs--;
	nbytes -= m->len;
	nevicted++;
	if (m->exec != NULL) {
		TAILQ_REMOVE(&m->exec->msgs, m, same);
		m->exec->nmsgs--;
		hist_exec_gc(m->exec);
	}
	free(m->text);
	free(m);
}

/* Remove a file row. */
static void
hist_file_remove(struct hist_file *f)
{
	TAILQ_REMOVE(&files, f, all);
	TAILQ_REMOVE(&f->run->files, f, same);
	nfiles--;
	free(f->name);
	free(f->checksum);
	free(f->state);
	free(f->substate);
	free(f);
}

/* Remove a run with its files. */
static void
hist_run_remove(struct hist_run *r)
{
	while (!TAILQ_EMPTY(&r->files))
		hist_file_remove(TAILQ_FIRST(&r->files));
	RB_REMOVE(sim_history_runs, &runs, r);
	TAILQ_REMOVE(&run_order, r, order);
	nruns--;
	json_decref(r->state);
	free(r);
}

/* Free everything at exit. */
void
sim_history_free(void)
{
	struct hist_exec	*e;

	pthread_mutex_lock(&history_lock);
	while (!TAILQ_EMPTY(&msgs))
		hist_evict_msg();
	while ((e = TAILQ_FIRST(&exec_order)) != NULL)
		hist_exec_unrecord(e);
	while (!TAILQ_EMPTY(&run_order))
		hist_run_remove(TAILQ_FIRST(&run_order));
	pthread_mutex_unlock(&history_lock);
}

/*
 * A value as a Django CharField stores it: str() of the Python value,
 * NULL for a missing or null one. The caller frees.
 */
static char *
hist_str(const json_t *v)
{
	char	*s;

	if (v == NULL || json_is_null(v))
		return (NULL);
	if (json_is_string(v))
		return (xstrdup(json_string_value(v)));
	if (json_is_true(v))
		return (xstrdup("True"));
	if (json_is_false(v))
		return (xstrdup("False"));
	s = sim_msg_pyjson_dump(v, 0);
	return (s);
}

/* A CharField as JSON: the string, or null. */
static json_t *
hist_str_json(const json_t *v)
{
	char	*s;
	json_t	*j;

	if ((s = hist_str(v)) == NULL)
		return (json_null());
	j = json_string(s);
	free(s);
	return (j != NULL ? j : json_null());
}

/* The run number of a message (Python int(str(run_id))), or -1. */
static long long
hist_run_number(const json_t *msg)
{
	const char	*err;
	char		*s, *p, *e;
	long long	 n;

	if ((s = hist_str(json_object_get(msg, "run_id"))) == NULL)
		return (-1);
	for (p = s; isspace((unsigned char)*p); p++)
		;
	for (e = p + strlen(p); e > p && isspace((unsigned char)e[-1]); e--)
		;
	*e = '\0';
	if (*p == '+')
		p++;
	n = strtonum(p, 0, 1LL << 53, &err);
	free(s);
	return (err != NULL ? -1 : n);
}

/* Find or add the node of an execution id. */
static struct hist_exec *
hist_exec_get(const char *id)
{
	struct hist_exec	 key, *e;

	key.id = (char *)id;
	if ((e = RB_FIND(sim_history_execs, &execs, &key)) != NULL)
		return (e);
	e = xcalloc(1, sizeof *e);
	e->id = xstrdup(id);
	TAILQ_INIT(&e->msgs);
	RB_INSERT(sim_history_execs, &execs, e);
	return (e);
}

/* Find or add a run. */
static struct hist_run *
hist_run_get(long long number)
{
	struct hist_run	 key, *r;

	key.number = number;
	if ((r = RB_FIND(sim_history_runs, &runs, &key)) != NULL)
		return (r);
	r = xcalloc(1, sizeof *r);
	r->number = number;
	r->pk = next_run_pk++;
	TAILQ_INIT(&r->files);
	RB_INSERT(sim_history_runs, &runs, r);
	TAILQ_INSERT_TAIL(&run_order, r, order);
	if (++nruns > HISTORY_RUN_MAX)
		hist_run_remove(TAILQ_FIRST(&run_order));
	return (r);
}

/* The user part of "<workflow>-<user>-<NNNN>", for executed_by. */
static char *
hist_exec_user(const char *id)
{
	const char	*last, *prev;

	if ((last = strrchr(id, '-')) == NULL || last == id)
		return (xstrdup("swf-sim"));
	for (prev = last - 1; prev > id && *prev != '-'; prev--)
		;
	if (*prev != '-' || last - prev <= 1)
		return (xstrdup("swf-sim"));
	return (xstrndup(prev + 1, last - prev - 1));
}

/* A new WorkflowExecution record, running since now. */
static json_t *
hist_exec_new(const char *id, const json_t *msg, const char *now)
{
	json_t	*params, *rec;
	char	*user;

	params = json_pack("{s:o,s:o,s:o}",
	    "namespace", hist_str_json(json_object_get(msg, "namespace")),
	    "daq_agent", hist_str_json(json_object_get(msg, "sender")),
	    "first_run_id", hist_str_json(json_object_get(msg, "run_id")));
	user = hist_exec_user(id);
	rec = json_pack("{s:s,s:I,s:o,s:o,s:n,s:s,s:s,s:n,s:s%}",
	    "execution_id", id,
	    "workflow_definition", (json_int_t)1,
	    "namespace", hist_str_json(json_object_get(msg, "namespace")),
	    "parameter_values", params,
	    "performance_metrics",
	    "status", "running",
	    "start_time", now,
	    "end_time",
	    "executed_by", user, strlen(user));
	free(user);
	if (rec == NULL)
		fatalx("history: cannot build an execution record");
	return (rec);
}

/*
 * The run lifecycle as the monitor applies it (run_state_transitions.py):
 * a RunState row per run, created on the first lifecycle message, its
 * state and substate copied from the stamps, end_run ending it; and the
 * execution named by the message, running until end_run.
 */
static void
hist_lifecycle(const json_t *msg, const char *type, const char *now)
{
	struct hist_run		*r;
	struct hist_exec	*e;
	json_t			*st, *md, *v;
	const char		*exec;
	long long		 n;
	int			 end;

	if (strcmp(type, "run_imminent") != 0 && strcmp(type, "start_run") &&
	    strcmp(type, "pause_run") && strcmp(type, "resume_run") &&
	    strcmp(type, "end_run"))
		return;
	end = strcmp(type, "end_run") == 0;
	exec = json_string_value(json_object_get(msg, "execution_id"));
	if (exec != NULL && *exec != '\0') {
		e = hist_exec_get(exec);
		if (e->rec == NULL) {
			e->rec = hist_exec_new(exec, msg, now);
			TAILQ_INSERT_TAIL(&exec_order, e, order);
			if (++nexecs > HISTORY_EXEC_MAX)
				hist_exec_unrecord(TAILQ_FIRST(&exec_order));
		}
		if (end && e->rec != NULL) {
			json_object_set_new(e->rec, "status",
			    json_string("completed"));
			json_object_set_new(e->rec, "end_time", json_string(now));
		}
	}
	if ((n = hist_run_number(msg)) < 0)
		return;
	r = hist_run_get(n);
	if (r->state == NULL)
		r->state = json_pack("{s:I,s:s,s:s,s:s,s:i,s:i,s:i,s:i,s:i,"
		    "s:i,s:i,s:i,s:s,s:s,s:{}}",
		    "run_number", (json_int_t)n, "phase", "initializing",
		    "state", "imminent", "substate", "preparing",
		    "target_worker_count", 0, "active_worker_count", 0,
		    "stf_samples_received", 0, "slices_created", 0,
		    "slices_queued", 0, "slices_processing", 0,
		    "slices_completed", 0, "slices_failed", 0,
		    "state_changed_at", now, "updated_at", now, "metadata");
	st = r->state;
	if (end) {
		json_object_set_new(st, "state", json_string("ended"));
		json_object_set_new(st, "substate", json_null());
		json_object_set_new(st, "phase", json_string("completed"));
	} else {
		v = json_object_get(msg, "state");
		if (v != NULL && !json_is_null(v) && !(json_is_string(v) &&
		    json_string_length(v) == 0))
			json_object_set_new(st, "state", hist_str_json(v));
		v = json_object_get(msg, "substate");
		if (v != NULL && !json_is_null(v) && !(json_is_string(v) &&
		    json_string_length(v) == 0))
			json_object_set_new(st, "substate", hist_str_json(v));
		if (strcmp(type, "run_imminent") != 0)
			json_object_set_new(st, "phase", json_string("physics"));
	}
	json_object_set_new(st, "state_changed_at", json_string(now));
	json_object_set_new(st, "updated_at", json_string(now));
	md = json_object_get(st, "metadata");
	if (exec != NULL && *exec != '\0' && json_is_object(md) &&
	    json_object_get(md, "execution_id") == NULL)
		json_object_set_new(md, "execution_id", json_string(exec));
}

/* Find a run's file by name, newest first. */
static struct hist_file *
hist_file_find(struct hist_run *r, const char *name)
{
	struct hist_file	*f;

	TAILQ_FOREACH_REVERSE(f, &r->files, hist_files, same) {
		if (strcmp(f->name, name) == 0)
			return (f);
	}
	return (NULL);
}

/* STF file rows: registered by stf_gen, processed by stf_ready. */
static void
hist_stf(const json_t *msg, const char *type, const char *now)
{
	struct hist_run		*r;
	struct hist_file	*f;
	const json_t		*v;
	const char		*name;
	long long		 n;
	int			 gen;

	gen = strcmp(type, "stf_gen") == 0;
	if (!gen && strcmp(type, "stf_ready") != 0)
		return;
	name = json_string_value(json_object_get(msg, "filename"));
	if (name == NULL || *name == '\0' || (n = hist_run_number(msg)) < 0)
		return;
	r = hist_run_get(n);
	if ((f = hist_file_find(r, name)) == NULL) {
		f = xcalloc(1, sizeof *f);
		f->run = r;
		sim_msg_uuid4(f->file_id);
		strlcpy(f->created, now, sizeof f->created);
		f->name = xstrdup(name);
		f->state = hist_str(json_object_get(msg, "state"));
		f->substate = hist_str(json_object_get(msg, "substate"));
		f->size = -1;
		v = json_object_get(msg, "sequence");
		f->sequence = json_is_integer(v) ? json_integer_value(v) : -1;
		v = json_object_get(msg, "simulation_tick");
		f->tick = json_is_integer(v) ? json_integer_value(v) : -1;
		TAILQ_INSERT_TAIL(&r->files, f, same);
		TAILQ_INSERT_TAIL(&files, f, all);
		if (++nfiles > sim_main_cfg.history_max)
			hist_file_remove(TAILQ_FIRST(&files));
	}
	if (!gen) {
		f->processed = 1;
		v = json_object_get(msg, "size_bytes");
		if (json_is_integer(v))
			f->size = json_integer_value(v);
		v = json_object_get(msg, "checksum");
		if (json_is_string(v)) {
			free(f->checksum);
			f->checksum = xstrdup(json_string_value(v));
		}
	}
}

/* An integer or null. */
static json_t *
hist_int(json_int_t v)
{
	return (v < 0 ? json_null() : json_integer(v));
}

/* A string or null. */
static json_t *
hist_strn(const char *s)
{
	json_t	*v;

	if (s == NULL || (v = json_string(s)) == NULL)
		return (json_null());
	return (v);
}

/* An STF file row as the StfFile serializer renders it. */
static json_t *
hist_file_json(const struct hist_file *f)
{
	json_t	*o;

	o = json_pack("{s:s,s:I,s:s,s:s,s:o,s:o,s:s,s:s,s:{s:o,s:o},s:n,"
	    "s:o,s:o,s:n,s:n}",
	    "file_id", f->file_id,
	    "run", f->run->pk,
	    "machine_state", "physics",
	    "stf_filename", f->name,
	    "file_size_bytes", hist_int(f->size),
	    "checksum", hist_strn(f->checksum),
	    "created_at", f->created,
	    "status", f->processed ? "processed" : "registered",
	    "metadata", "sequence", hist_int(f->sequence), "simulation_tick",
	    hist_int(f->tick),
	    "workflow_id",
	    "daq_state", hist_strn(f->state),
	    "daq_substate", hist_strn(f->substate),
	    "workflow_status",
	    "tf_count");
	if (o == NULL)
		fatalx("history: cannot render an STF file");
	return (o);
}

/* Whether a file passes the stf_filename and status filters. */
static int
hist_file_match(const struct hist_file *f, const char *name,
    const char *status)
{
	if (name != NULL && strcmp(f->name, name) != 0)
		return (0);
	if (status != NULL && strcmp(status, f->processed ? "processed" :
	    "registered") != 0)
		return (0);
	return (1);
}

/* The WorkflowMessage item of a message, in the model's field order. */
static json_t *
hist_item(const json_t *msg, const char *type, const char *now)
{
	char	uuid[37], utc[64];

	sim_msg_uuid4(uuid);
	sim_msg_iso_now(utc, sizeof utc, ISO_DJANGO);	/* isoformat(), UTC */
	return (json_pack("{s:s,s:n,s:n,s:s,s:n,s:o,s:n,s:o,s:n,s:o,s:o,"
	    "s:o,s:o,s:{s:s,s:I,s:s,s:s},s:s,s:n,s:n,s:b,s:n,s:s,s:n}",
	    "message_id", uuid,
	    "workflow",
	    "stage",
	    "message_type", type,
	    "request_id",
	    "sender_agent", hist_str_json(json_object_get(msg, "sender")),
	    "sender_type",
	    "recipient_agent", hist_str_json(json_object_get(msg, "recipient")),
	    "recipient_type",
	    "namespace", hist_str_json(json_object_get(msg, "namespace")),
	    "execution_id", hist_str_json(json_object_get(msg, "execution_id")),
	    "run_id", hist_str_json(json_object_get(msg, "run_id")),
	    "message_content", json_deep_copy(msg),
	    "message_metadata",
	    "created_by", created_by,
	    "process_pid", (json_int_t)getpid(),
	    "processed_at", utc,
	    "django_instance", "swf_monitor_project.settings",
	    "sent_at", now,
	    "delivered_at",
	    "acknowledged_at",
	    "is_successful", 1,
	    "error_message",
	    "queue_name", "epictopic",
	    "correlation_id"));
}

/* See sim.h. */
void
sim_history_record(const json_t *msg)
{
	struct hist_msg	*m;
	json_t		*item;
	const char	*exec;
	char		*type, now[64];

	if (!json_is_object(msg) || (json_object_get(msg, "agent_name") !=
	    NULL && json_object_get(msg, "status") != NULL))
		return;
	if ((type = hist_str(json_object_get(msg, "msg_type"))) == NULL)
		return;
	sim_tz_iso_ny(sim_tz_usec_now(), now, sizeof now);
	if ((item = hist_item(msg, type, now)) == NULL)
		fatalx("history: cannot build a message item");
	m = xcalloc(1, sizeof *m);
	m->text = sim_msg_pyjson_dump(item, PYJSON_COMPACT);
	m->len = strlen(m->text);
	exec = json_string_value(json_object_get(item, "execution_id"));

	pthread_mutex_lock(&history_lock);
	TAILQ_INSERT_TAIL(&msgs, m, all);
	nmsgs++;
	nbytes += m->len;
	nrecorded++;
	if (exec != NULL && *exec != '\0') {
		m->exec = hist_exec_get(exec);
		TAILQ_INSERT_TAIL(&m->exec->msgs, m, same);
		m->exec->nmsgs++;
	}
	hist_lifecycle(msg, type, now);
	hist_stf(msg, type, now);
	while (nmsgs > sim_main_cfg.history_max ||
	    (nbytes > HISTORY_BYTES_MAX && nmsgs > 1))
		hist_evict_msg();
	pthread_mutex_unlock(&history_lock);
	json_decref(item);
	free(type);
}

/* A query parameter, NULL when missing or empty (django-filter's rule). */
static const char *
hist_arg(struct MHD_Connection *conn, const char *key)
{
	const char	*v;

	v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
	return (v != NULL && *v != '\0' ? v : NULL);
}

/* Whether a record's string field equals a filter (NULL: no filter). */
static int
hist_match(const json_t *rec, const char *key, const char *want)
{
	const char	*v;

	if (want == NULL)
		return (1);
	v = json_string_value(json_object_get(rec, key));
	return (v != NULL && strcmp(v, want) == 0);
}

/* See sim.h: GET /api/workflow-executions/, newest first. */
int
sim_history_executions(struct MHD_Connection *conn, json_t **out)
{
	struct hist_exec	*e;
	const char		*status, *ns, *by;
	json_t			*a;

	status = hist_arg(conn, "status");
	ns = hist_arg(conn, "namespace");
	by = hist_arg(conn, "executed_by");
	a = json_array();
	pthread_mutex_lock(&history_lock);
	TAILQ_FOREACH_REVERSE(e, &exec_order, hist_exec_order, order) {
		if (hist_match(e->rec, "status", status) &&
		    hist_match(e->rec, "namespace", ns) &&
		    hist_match(e->rec, "executed_by", by))
			json_array_append_new(a, json_deep_copy(e->rec));
	}
	pthread_mutex_unlock(&history_lock);
	*out = a;
	return (200);
}

/* See sim.h: GET /api/run-states/<n>/; 404 unless a known run number. */
int
sim_history_run_state(const char *pk, json_t **out)
{
	struct hist_run	 key, *r;
	const char	*err;

	*out = NULL;
	key.number = strtonum(pk, 0, 1LL << 53, &err);
	if (err == NULL) {
		pthread_mutex_lock(&history_lock);
		r = RB_FIND(sim_history_runs, &runs, &key);
		if (r != NULL && r->state != NULL)
			*out = json_deep_copy(r->state);
		pthread_mutex_unlock(&history_lock);
	}
	if (*out != NULL)
		return (200);
	*out = json_pack("{s:s}", "detail", "Not found.");
	return (404);
}

/* See sim.h: GET /api/run-states/, every row by run number. */
int
sim_history_run_states(json_t **out)
{
	struct hist_run	*r;

	*out = json_array();
	pthread_mutex_lock(&history_lock);
	RB_FOREACH(r, sim_history_runs, &runs) {
		if (r->state != NULL)
			json_array_append_new(*out, json_deep_copy(r->state));
	}
	pthread_mutex_unlock(&history_lock);
	return (200);
}

/* Append a message's text to an answer being built. */
static void
hist_append(char *buf, size_t *off, const struct hist_msg *m)
{
	if (*off > 1)
		buf[(*off)++] = ',';
	memcpy(buf + *off, m->text, m->len);
	*off += m->len;
}

/*
 * See sim.h: GET /api/workflow-messages/. With ?execution_id= that
 * execution's messages oldest first; without, the whole table newest
 * first. The answer is the stored texts joined into a JSON array, made
 * under the lock (a copy: eviction may free them right after).
 */
int
sim_history_messages(struct MHD_Connection *conn, char **out, size_t *outlen)
{
	struct hist_exec	 key, *e = NULL;
	struct hist_msg		*m;
	const char		*exec;
	size_t			 size = 2, off = 0;

	exec = hist_arg(conn, "execution_id");
	pthread_mutex_lock(&history_lock);
	if (exec != NULL) {
		key.id = (char *)exec;
		if ((e = RB_FIND(sim_history_execs, &execs, &key)) != NULL) {
			TAILQ_FOREACH(m, &e->msgs, same)
				size += m->len + 1;
		}
	} else {
		TAILQ_FOREACH(m, &msgs, all)
			size += m->len + 1;
	}
	*out = xmalloc(size + 1);
	(*out)[off++] = '[';
	if (exec != NULL && e != NULL) {
		TAILQ_FOREACH(m, &e->msgs, same)
			hist_append(*out, &off, m);
	} else if (exec == NULL) {
		TAILQ_FOREACH_REVERSE(m, &msgs, hist_msgs, all)
			hist_append(*out, &off, m);
	}
	pthread_mutex_unlock(&history_lock);
	(*out)[off++] = ']';
	(*out)[off] = '\0';
	*outlen = off;
	return (200);
}

/* DRF's _positive_int(strict=True): a number above 0, else -1. */
static long long
hist_positive(const char *s, int strict)
{
	const char	*err;
	long long	 v;

	if (s == NULL)
		return (-1);
	v = strtonum(s, 0, 1LL << 53, &err);
	if (err != NULL || (strict && v == 0))
		return (-1);
	return (v);
}

/* One query argument, kept for the page links. */
struct hist_qarg {
	char	*key;
	char	*value;
};
struct hist_query {
	struct hist_qarg	*v;
	size_t			 n;
};

static enum MHD_Result
hist_qarg_add(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct hist_query	*q = cls;

	q->v = xreallocarray(q->v, q->n + 1, sizeof *q->v);
	q->v[q->n].key = xstrdup(key);
	q->v[q->n].value = xstrdup(value != NULL ? value : "");
	q->n++;
	return (MHD_YES);
}

/* Python's urllib.parse.quote_plus into a growing string. */
static void
hist_quote(char **buf, size_t *len, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	unsigned char		 c;
	size_t			 n = strlen(s);

	*buf = xreallocarray(*buf, 1, *len + 3 * n + 1);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (isalnum(c) || strchr("_.-~", c) != NULL)
			(*buf)[(*len)++] = c;
		else if (c == ' ')
			(*buf)[(*len)++] = '+';
		else {
			(*buf)[(*len)++] = '%';
			(*buf)[(*len)++] = hex[c >> 4];
			(*buf)[(*len)++] = hex[c & 15];
		}
	}
	(*buf)[*len] = '\0';
}

/* Sort query arguments by key, keeping the order of a repeated one. */
static void
hist_qsort(struct hist_query *q)
{
	struct hist_qarg	tmp;
	size_t			i, j;

	for (i = 1; i < q->n; i++) {
		tmp = q->v[i];
		for (j = i; j > 0 && strcmp(q->v[j - 1].key, tmp.key) > 0; j--)
			q->v[j] = q->v[j - 1];
		q->v[j] = tmp;
	}
}

/*
 * A page link as DRF's replace_query_param builds it: this URL with the
 * key set to a value (or removed when value < 0), keys sorted.
 */
static json_t *
hist_page_url(struct MHD_Connection *conn, const char *path,
    const struct hist_query *q0, long long limit, long long offset)
{
	struct hist_query	 q;
	const char		*host;
	char			*url = NULL, num[32];
	size_t			 len = 0, i, j;
	json_t			*v;

	host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	q.v = xreallocarray(NULL, q0->n + 2, sizeof *q.v);
	q.n = 0;
	for (i = 0; i < q0->n; i++) {
		if (strcmp(q0->v[i].key, "limit") != 0 &&
		    strcmp(q0->v[i].key, "offset") != 0)
			q.v[q.n++] = q0->v[i];
	}
	snprintf(num, sizeof num, "%lld", limit);
	q.v[q.n].key = (char *)"limit";
	q.v[q.n++].value = xstrdup(num);
	if (offset >= 0) {
		snprintf(num, sizeof num, "%lld", offset);
		q.v[q.n].key = (char *)"offset";
		q.v[q.n++].value = xstrdup(num);
	}
	hist_qsort(&q);
	xasprintf(&url, "%s://%s%s", sim_main_cfg.tls_cert != NULL ? "https" :
	    "http", host != NULL ? host : "localhost", path);
	len = strlen(url);
	for (i = 0; i < q.n; i++) {
		url = xreallocarray(url, 1, len + 2);
		url[len++] = i == 0 ? '?' : '&';
		url[len] = '\0';
		hist_quote(&url, &len, q.v[i].key);
		url = xreallocarray(url, 1, len + 2);
		url[len++] = '=';
		url[len] = '\0';
		hist_quote(&url, &len, q.v[i].value);
	}
	for (j = 0; j < q.n; j++) {
		if (strcmp(q.v[j].key, "limit") == 0 ||
		    strcmp(q.v[j].key, "offset") == 0)
			free(q.v[j].value);
	}
	free(q.v);
	v = json_string(url);	/* NULL for a Host that is not UTF-8 */
	free(url);
	return (v != NULL ? v : json_null());
}

/* See sim.h: GET /api/stf-files/, paged only when ?limit= is given. */
int
sim_history_stf_files(struct MHD_Connection *conn, const char *path,
    json_t **out)
{
	struct hist_query	 q = { NULL, 0 };
	struct hist_run		 key, *r;
	struct hist_file	*f;
	const char		*name, *run, *status, *err;
	json_t			*all, *page, *next, *prev;
	long long		 limit, offset, count, i;

	name = hist_arg(conn, "stf_filename");
	run = hist_arg(conn, "run_number");
	status = hist_arg(conn, "status");
	key.number = 0;
	if (run != NULL) {
		key.number = strtonum(run, 0, 1LL << 53, &err);
		if (err != NULL || strspn(run, "0123456789") != strlen(run)) {
			*out = json_pack("{s:s}", "run_number",
			    "must be an integer run number");
			return (400);
		}
	}
	all = json_array();
	pthread_mutex_lock(&history_lock);
	if (run != NULL) {
		if ((r = RB_FIND(sim_history_runs, &runs, &key)) != NULL) {
			TAILQ_FOREACH(f, &r->files, same) {
				if (hist_file_match(f, name, status))
					json_array_append_new(all,
					    hist_file_json(f));
			}
		}
	} else {
		TAILQ_FOREACH(f, &files, all) {
			if (hist_file_match(f, name, status))
				json_array_append_new(all, hist_file_json(f));
		}
	}
	pthread_mutex_unlock(&history_lock);

	if ((limit = hist_positive(hist_arg(conn, "limit"), 1)) < 0) {
		*out = all;
		return (200);
	}
	if ((offset = hist_positive(MHD_lookup_connection_value(conn,
	    MHD_GET_ARGUMENT_KIND, "offset"), 0)) < 0)
		offset = 0;
	count = (long long)json_array_size(all);
	page = json_array();
	for (i = offset; i < count && i < offset + limit; i++)
		json_array_append(page, json_array_get(all, i));
	json_decref(all);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, hist_qarg_add,
	    &q);
	next = offset + limit < count ? hist_page_url(conn, path, &q, limit,
	    offset + limit) : json_null();
	if (offset <= 0)
		prev = json_null();
	else
		prev = hist_page_url(conn, path, &q, limit,
		    offset - limit <= 0 ? -1 : offset - limit);
	for (i = 0; i < (long long)q.n; i++) {
		free(q.v[i].key);
		free(q.v[i].value);
	}
	free(q.v);
	*out = json_pack("{s:I,s:o,s:o,s:o}", "count", (json_int_t)count,
	    "next", next, "previous", prev, "results", page);
	return (200);
}

/* See sim.h: counters for GET /sim/stats. */
json_t *
sim_history_stats(void)
{
	json_t	*o;

	pthread_mutex_lock(&history_lock);
	o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	    "messages", (json_int_t)nmsgs,
	    "bytes", (json_int_t)nbytes,
	    "recorded", (json_int_t)nrecorded,
	    "evicted", (json_int_t)nevicted,
	    "max", (json_int_t)sim_main_cfg.history_max,
	    "executions", (json_int_t)nexecs,
	    "runs", (json_int_t)nruns,
	    "stf_files", (json_int_t)nfiles);
	pthread_mutex_unlock(&history_lock);
	return (o);
}

/* See sim.h: GET /api/workflow-executions/<execution_id>/. */
json_t *
sim_history_execution(const char *pk)
{
	struct hist_exec	 key, *e;
	json_t			*out = NULL;

	key.id = (char *)pk;
	pthread_mutex_lock(&history_lock);
	if ((e = RB_FIND(sim_history_execs, &execs, &key)) != NULL && e->rec != NULL)
		out = json_deep_copy(e->rec);
	pthread_mutex_unlock(&history_lock);
	return (out);
}

/*
 * See sim.h: GET /api/workflow-messages/<message_id>/. Every stored text
 * starts with its message_id, so a scan compares a prefix of each.
 */
json_t *
sim_history_message(const char *pk)
{
	static const char	 head[] = "{\"message_id\":\"";
	struct hist_msg		*m;
	json_t			*out = NULL;
	size_t			 n = strlen(pk), h = sizeof head - 1;

	if (n != 36)
		return (NULL);
	pthread_mutex_lock(&history_lock);
	TAILQ_FOREACH_REVERSE(m, &msgs, hist_msgs, all) {
		if (m->len > h + n && memcmp(m->text + h, pk, n) == 0 &&
		    m->text[h + n] == '"') {
			out = json_loadb(m->text, m->len, 0, NULL);
			break;
		}
	}
	pthread_mutex_unlock(&history_lock);
	return (out);
}

/* See sim.h: GET /api/stf-files/<file_id>/. */
json_t *
sim_history_stf_file(const char *pk)
{
	struct hist_file	*f;
	json_t			*out = NULL;

	pthread_mutex_lock(&history_lock);
	TAILQ_FOREACH(f, &files, all) {
		if (strcmp(f->file_id, pk) == 0) {
			out = hist_file_json(f);
			break;
		}
	}
	pthread_mutex_unlock(&history_lock);
	return (out);
}
