/*
 * sim-workflow.c: the testbed's workflow in the image of the real one.
 *
 * In each namespace (one per user) a workflow runner plays the DAQ: every
 * run is one execution of stf_datataking, announced with run_imminent,
 * start_run, stf_gen per STF file, pause_run/resume_run now and then, and
 * end_run. A data agent answers each STF with stf_ready (and once per run
 * with the dataset request's stf_ready), a fast-monitoring agent with
 * tf_file_registered. With --prodops a production namespace adds the
 * production operations' messages. Every sender is a real agent that
 * heartbeats the registry; faults can stall a run or silence an agent.
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sim.h"
#include "xmalloc.h"

/* Where a namespace's DAQ is in its run cycle. */
enum wf_phase { PH_IDLE, PH_IMMINENT, PH_RUNNING, PH_PAUSED, PH_STALLED };

/* What a scheduled item does. */
enum wf_what { W_STEP, W_STF_READY, W_TF_FILE, W_DATASET, W_PROD };

/* The agents of a namespace, in registration order. */
enum { A_RUNNER, A_DATA, A_FASTMON, A_COUNT };
static const char *const agent_types[A_COUNT] = {
	"workflow_runner", "data", "fastmon"
};

/* One namespace: its user, its agents and the DAQ's run. */
struct wf_ns {
	const char	*name;
	char		 user[64];
	char		 agent[A_COUNT][128];
	int		 prod;		/* the production namespace */
	enum wf_phase	 phase;
	long		 run;
	char		 exec[96];
	double		 t_exec;	/* simulated time the execution began */
	int		 nstf, stf, pauses;
	double		 interval;	/* simulated seconds between STFs */
};

/* A scheduled item, ordered by simulated time then insertion. */
struct wf_item {
	double		 t;
	uint64_t	 order;
	enum wf_what	 what;
	struct wf_ns	*ns;
	long		 run;
	int		 seq;
	char		 exec[96];
};

static struct wf_ns	*nss;
static size_t		 nns;
static struct wf_item	*heap;
static size_t		 nheap, heapsize;
static uint64_t		 order;
static uint64_t		 rng;
static double		 now_sim;
static long		 next_run;
static int		 next_exec;
static pthread_t	 wf_thread;
static int		 wf_running;

/* Faults from other threads, guarded by wf_lock. */
static pthread_mutex_t	 wf_lock = PTHREAD_MUTEX_INITIALIZER;
static int		 stall_pending;
static char		*stall_ns;		/* NULL: any namespace */
static char		**silent;		/* agents that stopped heartbeating */
static size_t		 nsilent;
static int		 wf_ready;		/* nss set up: names are known */

/* splitmix64: a small, good, seedable generator. */
static uint64_t
wf_rand(void)
{
	uint64_t	z;

	z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* A uniform double in [lo, hi). */
static double
wf_uniform(double lo, double hi)
{
	return (lo + (hi - lo) * ((wf_rand() >> 11) * 0x1.0p-53));
}

/* Whether a is due before b. */
static int
wf_before(const struct wf_item *a, const struct wf_item *b)
{
	if (a->t != b->t)
		return (a->t < b->t);
	return (a->order < b->order);
}

/* Schedule an item dt simulated seconds from now. */
static void
wf_schedule(double dt, enum wf_what what, struct wf_ns *ns, int seq)
{
	struct wf_item	 it, tmp;
	size_t		 i, p;

	memset(&it, 0, sizeof it);
	it.t = now_sim + dt;
	it.order = order++;
	it.what = what;
	it.ns = ns;
	it.run = ns->run;
	it.seq = seq;
	strlcpy(it.exec, ns->exec, sizeof it.exec);
	if (nheap == heapsize) {
		heapsize = heapsize == 0 ? 64 : heapsize * 2;
		heap = xreallocarray(heap, heapsize, sizeof *heap);
	}
	i = nheap++;
	heap[i] = it;
	while (i > 0 && wf_before(&heap[i], &heap[p = (i - 1) / 2])) {
		tmp = heap[p];
		heap[p] = heap[i];
		heap[i] = tmp;
		i = p;
	}
}

/* Remove the earliest item into *out. */
static void
wf_pop(struct wf_item *out)
{
	struct wf_item	tmp;
	size_t		i = 0, l, m;

	*out = heap[0];
	heap[0] = heap[--nheap];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < nheap && wf_before(&heap[l], &heap[m]))
			m = l;
		if (l + 1 < nheap && wf_before(&heap[l + 1], &heap[m]))
			m = l + 1;
		if (m == i)
			break;
		tmp = heap[m];
		heap[m] = heap[i];
		heap[i] = tmp;
		i = m;
	}
}

/* The agent's own clock: naive local time, as datetime.now().isoformat(). */
static json_t *
wf_timestamp(void)
{
	char	now[64];

	sim_msg_iso_now(now, sizeof now, ISO_LOCAL);
	return (json_string(now));
}

/* A run id as the runner sends it: a string, or a number if asked. */
static json_t *
wf_run_id(long run)
{
	if (sim_main_cfg.numeric_run_ids)
		return (json_integer(run));
	return (json_sprintf("%ld", run));
}

/*
 * Send a message as the agent base class does (it injects sender and,
 * where missing, namespace) through the monitor: sim_stream_publish().
 */
static void
wf_send(json_t *msg, const char *sender, struct wf_ns *ns)
{
	json_object_set_new(msg, "sender", json_string(sender));
	if (json_object_get(msg, "namespace") == NULL)
		json_object_set_new(msg, "namespace", json_string(ns->name));
	sim_stream_publish(msg);
	json_decref(msg);
}

/* The fields every runner message starts with, in the runner's order. */
static json_t *
wf_runner_msg(struct wf_ns *ns, const char *type)
{
	double	tick;

	tick = floor((now_sim - ns->t_exec) * 1000 + 0.5) / 1000;
	return (json_pack("{s:s,s:s,s:s,s:o,s:o,s:f}", "msg_type", type,
	    "namespace", ns->name, "execution_id", ns->exec, "run_id",
	    wf_run_id(ns->run), "timestamp", wf_timestamp(),
	    "simulation_tick", tick));
}

/* A run lifecycle message; state NULL for end_run, which has no stamp. */
static void
wf_lifecycle(struct wf_ns *ns, const char *type, const char *state,
    const char *substate)
{
	json_t	*m;

	m = wf_runner_msg(ns, type);
	if (state != NULL) {
		json_object_set_new(m, "state", json_string(state));
		json_object_set_new(m, "substate", json_string(substate));
	}
	if (strcmp(type, "pause_run") == 0)
		json_object_set_new(m, "reason",
		    json_string("Brief standby period"));
	if (strcmp(type, "end_run") == 0)
		json_object_set_new(m, "total_stf_files", json_integer(ns->stf));
	wf_send(m, ns->agent[A_RUNNER], ns);
}

/* The file name of a run's STF: swf.<run>.<seq:06d>.stf. */
static void
wf_filename(char *buf, size_t len, long run, int seq, const char *suffix)
{
	snprintf(buf, len, "swf.%ld.%06d.%s", run, seq, suffix);
}

/* The runner writes an STF: stf_gen, and the agents' answers later. */
static void
wf_stf(struct wf_ns *ns)
{
	json_t	*m;
	char	 file[96];

	ns->stf++;
	wf_filename(file, sizeof file, ns->run, ns->stf, "stf");
	/* The runner's order: run_id, filename, sequence, timestamp... */
	m = json_pack("{s:s,s:s,s:s,s:o,s:s,s:i,s:o,s:f,s:s,s:s}",
	    "msg_type", "stf_gen", "namespace", ns->name,
	    "execution_id", ns->exec, "run_id", wf_run_id(ns->run),
	    "filename", file, "sequence", ns->stf,
	    "timestamp", wf_timestamp(), "simulation_tick",
	    floor((now_sim - ns->t_exec) * 1000 + 0.5) / 1000,
	    "state", "run", "substate", "physics");
	wf_send(m, ns->agent[A_RUNNER], ns);
	wf_schedule(wf_uniform(0.2, 0.6), W_STF_READY, ns, ns->stf);
	wf_schedule(wf_uniform(0.7, 1.5), W_TF_FILE, ns, ns->stf);
}

/* The data and fast-monitoring agents' answers. */
static void
wf_followup(const struct wf_item *it)
{
	struct wf_ns	*ns = it->ns;
	json_t		*m;
	char		 file[96], tf[128], url[256];
	int		 first, count;

	wf_filename(file, sizeof file, it->run, it->seq, "stf");
	switch (it->what) {
	case W_STF_READY:
		snprintf(url, sizeof url, "root://xrootd.example.org:1094/"
		    "pnfs/example.org/eic/epic/disk/swfdaq/run%ld/%s",
		    it->run, file);
		m = json_pack("{s:s,s:s,s:o,s:s,s:o,s:I,s:i,s:s,s:s,s:s}",
		    "msg_type", "stf_ready", "filename", file,
		    "run_id", wf_run_id(it->run), "file_url", url,
		    "checksum", json_sprintf("ad:%08llx", (unsigned long long)
		    (wf_rand() & 0xffffffffULL)), "size_bytes",
		    (json_int_t)(wf_rand() % 50000000 + 80000000),
		    "sequence", it->seq, "state", "run", "substate", "physics",
		    "processed_by", ns->agent[A_DATA]);
		wf_send(m, ns->agent[A_DATA], ns);
		break;
	case W_DATASET:
		/* The second shape: the run's dataset request answered. */
		m = json_pack("{s:s,s:I,s:o,s:s,s:s}", "msg_type",
		    "stf_ready", "req_id", (json_int_t)(wf_rand() % 900000 +
		    100000), "run_id", wf_run_id(it->run), "execution_id",
		    it->exec, "processed_by", ns->agent[A_DATA]);
		wf_send(m, ns->agent[A_DATA], ns);
		break;
	default:
		count = 7;
		first = (it->seq - 1) * count + 1;
		snprintf(tf, sizeof tf, "swf.%ld.%06d.tf", it->run, it->seq);
		m = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:I,s:s,"
		    "s:o}", "msg_type", "tf_file_registered",
		    "run_id", wf_run_id(it->run), "execution_id", it->exec,
		    "processed_by", ns->agent[A_FASTMON], "tf_filename", tf,
		    "stf_filename", file, "tf_first", first, "tf_last",
		    first + count - 1, "tf_count", count, "file_size_bytes",
		    (json_int_t)(wf_rand() % 8000000 + 12000000),
		    "status", "registered", "timestamp", wf_timestamp());
		wf_send(m, ns->agent[A_FASTMON], ns);
		break;
	}
}

/* The production operations: one message of the catalogue. */
static void
wf_prod(struct wf_ns *ns)
{
	static const char *const types[] = {
		"prodtask_created", "prodtask_status_changed",
		"panda_task_operation_done", "payload_log_ready",
		"canary_assess_complete"
	};
	static const char *const states[] = {
		"submitted", "running", "finished", "done", "assessed"
	};
	json_t		*m;
	char		 name[128];
	size_t		 k;
	long		 task;
	int		 ok;

	k = wf_rand() % (sizeof types / sizeof types[0]);
	ok = wf_rand() % 6 != 0;
	task = 40000000 + (long)(wf_rand() % 1000000);
	snprintf(name, sizeof name, "epic.26.%s.%ld", ok ? "DIS_NC_18x275" :
	    "SIDIS_10x100", task % 1000);
	m = json_pack("{s:s,s:b,s:s,s:s,s:I,s:o}", "msg_type", types[k],
	    "ok", ok, "status", ok ? states[k] : "failed", "task_name", name,
	    "jedi_task_id", (json_int_t)task, "timestamp", wf_timestamp());
	if (ok)
		json_object_set_new(m, "summary", json_sprintf("task %ld %s",
		    task, states[k]));
	else
		json_object_set_new(m, "error", json_sprintf("task %ld: "
		    "%s failed, see the payload log", task, types[k]));
	wf_send(m, ns->agent[A_RUNNER], ns);
	wf_schedule(wf_uniform(2.0, 8.0), W_PROD, ns, 0);
}

/* The DAQ's next step in its run cycle. */
static void
wf_step(struct wf_ns *ns)
{
	switch (ns->phase) {
	case PH_IDLE:
		ns->run = next_run++;
		snprintf(ns->exec, sizeof ns->exec, "stf_datataking-%s-%04d",
		    ns->user, next_exec++);
		ns->t_exec = now_sim;
		ns->nstf = 8 + (int)(wf_rand() % 23);
		ns->stf = ns->pauses = 0;
		ns->interval = wf_uniform(1.5, 2.5);
		ns->phase = PH_IMMINENT;
		wf_lifecycle(ns, "run_imminent", "beam", "not_ready");
		wf_schedule(wf_uniform(2.0, 4.0), W_STEP, ns, 0);
		break;
	case PH_IMMINENT:
		ns->phase = PH_RUNNING;
		wf_lifecycle(ns, "start_run", "run", "physics");
		wf_schedule(wf_uniform(0.3, 0.8), W_DATASET, ns, 0);
		wf_schedule(ns->interval, W_STEP, ns, 0);
		break;
	case PH_RUNNING:
		if (ns->stf >= ns->nstf) {
			ns->phase = PH_IDLE;
			wf_lifecycle(ns, "end_run", NULL, NULL);
			wf_schedule(wf_uniform(4.0, 10.0), W_STEP, ns, 0);
		} else if (ns->stf > 1 && ns->pauses < 2 &&
		    wf_uniform(0, 1) < 0.12) {
			ns->phase = PH_PAUSED;
			ns->pauses++;
			wf_lifecycle(ns, "pause_run", "run", "standby");
			wf_schedule(wf_uniform(3.0, 8.0), W_STEP, ns, 0);
		} else {
			wf_stf(ns);
			wf_schedule(ns->interval * wf_uniform(0.8, 1.2),
			    W_STEP, ns, 0);
		}
		break;
	case PH_PAUSED:
		ns->phase = PH_RUNNING;
		wf_lifecycle(ns, "resume_run", "run", "physics");
		wf_schedule(ns->interval, W_STEP, ns, 0);
		break;
	case PH_STALLED:
		break;
	}
}

/* Whether a namespace has an agent of that name. */
static int
wf_has_agent(const struct wf_ns *ns, const char *name)
{
	size_t	k;

	for (k = 0; k < A_COUNT; k++) {
		if (ns->agent[k][0] != '\0' && strcmp(ns->agent[k], name) == 0)
			return (1);
	}
	return (0);
}

/* Whether an agent was silenced; the caller holds wf_lock. */
static int
wf_is_silent(const char *name)
{
	size_t	i;

	for (i = 0; i < nsilent; i++) {
		if (strcmp(silent[i], name) == 0)
			return (1);
	}
	return (0);
}

/* Heartbeat the agents into the registry, all but the silenced ones. */
static void
wf_register(const char *status)
{
	json_t	*hb, *out;
	size_t	 i, k;
	int	 quiet;

	for (i = 0; i < nns; i++) {
		for (k = 0; k < A_COUNT; k++) {
			if (nss[i].agent[k][0] == '\0')
				continue;
			pthread_mutex_lock(&wf_lock);
			quiet = wf_is_silent(nss[i].agent[k]);
			pthread_mutex_unlock(&wf_lock);
			if (quiet)
				continue;
			hb = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s}",
			    "instance_name", nss[i].agent[k], "agent_type",
			    nss[i].prod ? "prodops" : agent_types[k],
			    "status", status, "description",
			    "swf-sim agent", "operational_state",
			    strcmp(status, "OK") == 0 ? "PROCESSING" : status,
			    "pid", (int)getpid(), "hostname", "swf-sim",
			    "namespace", nss[i].name);
			sim_registry_heartbeat(hb, &out);
			json_decref(hb);
			json_decref(out);
		}
	}
}

/*
 * A pending stall_run takes the namespace's run that is under way (or the
 * next one, once it has been announced): from then on nothing more of it.
 */
static int
wf_stall_check(struct wf_ns *ns)
{
	int	stall = 0;

	if (ns->prod || ns->phase == PH_IDLE || ns->phase == PH_STALLED)
		return (ns->phase == PH_STALLED);
	pthread_mutex_lock(&wf_lock);
	if (stall_pending && (stall_ns == NULL ||
	    strcmp(stall_ns, ns->name) == 0)) {
		stall_pending = 0;
		free(stall_ns);
		stall_ns = NULL;
		stall = 1;
	}
	pthread_mutex_unlock(&wf_lock);
	if (stall) {
		ns->phase = PH_STALLED;
		log_info("stall_run: run %ld (%s) in %s goes silent", ns->run,
		    ns->exec, ns->name);
	}
	return (stall);
}

/* Sleep up to 50 ms. */
static void
wf_nap(double seconds)
{
	struct timespec	ts;

	if (seconds > 0.05)
		seconds = 0.05;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(seconds * 1e9);
	nanosleep(&ts, NULL);
}

/* The workflow thread: run items as their scaled time comes. */
static void *
wf_main(void *arg)
{
	struct wf_item	it;
	double		t0, now, due, next_reg, reg_every;

	reg_every = sim_main_cfg.agent_stale / 3;
	if (reg_every > 60)
		reg_every = 60;
	t0 = sim_msg_mono();
	next_reg = t0 + reg_every;
	while (!atomic_load(&sim_main_quit)) {
		now = sim_msg_mono();
		if (now >= next_reg) {
			wf_register("OK");
			next_reg = now + reg_every;
		}
		if (nheap == 0) {
			wf_nap(0.05);
			continue;
		}
		due = t0 + heap[0].t / sim_main_cfg.speed;
		if (now < due) {
			wf_nap(due - now);
			continue;
		}
		wf_pop(&it);
		now_sim = it.t;
		if (wf_stall_check(it.ns))
			continue;
		if (it.what == W_STEP)
			wf_step(it.ns);
		else if (it.what == W_PROD)
			wf_prod(it.ns);
		else
			wf_followup(&it);
	}
	return (NULL);
}

/* A namespace entry "NAME[:USER]"; the user defaults to NAME less "swf-". */
static void
wf_ns_init(struct wf_ns *ns, const char *spec, size_t *nagent)
{
	const char	*colon, *user;
	size_t		 k;

	if ((colon = strchr(spec, ':')) != NULL) {
		ns->name = xstrndup(spec, colon - spec);
		user = colon + 1;
	} else {
		ns->name = xstrdup(spec);
		user = strncmp(spec, "swf-", 4) == 0 && spec[4] != '\0' ?
		    spec + 4 : spec;
	}
	strlcpy(ns->user, user, sizeof ns->user);
	for (k = 0; k < A_COUNT; k++)
		snprintf(ns->agent[k], sizeof ns->agent[k], "%s-agent-%s-%zu",
		    agent_types[k], ns->user, ++*nagent);
}

/* Set up the namespaces and start the workflow thread. */
void
sim_workflow_start(void)
{
	size_t	i, k, nagent = 0;
	int	found;

	if (!sim_main_cfg.workflow)
		return;
	rng = sim_main_cfg.seed;
	next_run = 100001 + (long)(wf_rand() % 900) * 100;
	next_exec = 1 + (int)(wf_rand() % 50);
	nns = sim_main_cfg.nnamespaces + (sim_main_cfg.prodops ? 1 : 0);
	nss = xcalloc(nns, sizeof *nss);
	now_sim = 0;
	for (i = 0; i < sim_main_cfg.nnamespaces; i++) {
		wf_ns_init(&nss[i], sim_main_cfg.namespaces[i], &nagent);
		wf_schedule(i == 0 ? 0.5 : wf_uniform(5.0, 12.0) * (double)i,
		    W_STEP, &nss[i], 0);
	}
	if (sim_main_cfg.prodops) {
		nss[i].name = xstrdup("prodops");
		nss[i].prod = 1;
		strlcpy(nss[i].user, "prodops", sizeof nss[i].user);
		snprintf(nss[i].agent[A_RUNNER], sizeof nss[i].agent[A_RUNNER],
		    "prodops-agent-prodops-%zu", ++nagent);
		wf_schedule(wf_uniform(1.0, 3.0), W_PROD, &nss[i], 0);
	}
	pthread_mutex_lock(&wf_lock);
	for (k = 0; k < nsilent; k++) {
		found = 0;
		for (i = 0; i < nns; i++)
			found |= wf_has_agent(&nss[i], silent[k]);
		if (!found)
			log_warn("agent_silent: no workflow agent %s",
			    silent[k]);
	}
	wf_ready = 1;
	pthread_mutex_unlock(&wf_lock);
	wf_register("OK");
	if (pthread_create(&wf_thread, NULL, wf_main, NULL) != 0)
		fatalx("pthread_create failed");
	wf_running = 1;
}

/* Join the workflow thread (sim_main_quit must be set) and free it. */
void
sim_workflow_stop(void)
{
	size_t	i;

	if (wf_running) {
		pthread_join(wf_thread, NULL);
		wf_running = 0;
		wf_register("EXITED");
	}
	free(heap);
	heap = NULL;
	nheap = heapsize = 0;
	for (i = 0; i < nns; i++)
		free((char *)nss[i].name);
	free(nss);
	nss = NULL;
	nns = 0;
	pthread_mutex_lock(&wf_lock);
	wf_ready = 0;
	for (i = 0; i < nsilent; i++)
		free(silent[i]);
	free(silent);
	silent = NULL;
	nsilent = 0;
	free(stall_ns);
	stall_ns = NULL;
	pthread_mutex_unlock(&wf_lock);
}

/*
 * See sim.h: the fault stall_run. The run under way in the namespace (any
 * when NULL), or the next one once announced, goes silent for good: no
 * more messages of it and no end_run; heartbeats go on.
 */
int
sim_workflow_stall_run(const char *ns, char **cause)
{
	size_t	i;
	int	found = ns == NULL;

	if (!sim_main_cfg.workflow) {
		xasprintf(cause, "stall_run needs the workflow");
		return (-1);
	}
	pthread_mutex_lock(&wf_lock);
	if (ns != NULL && wf_ready) {
		for (i = 0; i < nns; i++)
			found |= !nss[i].prod && strcmp(nss[i].name, ns) == 0;
	}
	if (ns != NULL && !wf_ready) {
		for (i = 0; i < sim_main_cfg.nnamespaces; i++) {
			found |= strncmp(sim_main_cfg.namespaces[i], ns,
			    strlen(ns)) == 0 &&
			    (sim_main_cfg.namespaces[i][strlen(ns)] == '\0' ||
			    sim_main_cfg.namespaces[i][strlen(ns)] == ':');
		}
	}
	if (!found) {
		pthread_mutex_unlock(&wf_lock);
		xasprintf(cause, "no workflow namespace \"%s\"", ns);
		return (-1);
	}
	stall_pending = 1;
	free(stall_ns);
	stall_ns = ns == NULL ? NULL : xstrdup(ns);
	pthread_mutex_unlock(&wf_lock);
	return (0);
}

/*
 * See sim.h: the fault agent_silent. The workflow agent stops heartbeating
 * the registry (its messages go on), so the registry ages it to EXITED.
 */
int
sim_workflow_agent_silent(const char *name, char **cause)
{
	size_t	i;
	int	found = 0;

	if (!sim_main_cfg.workflow) {
		xasprintf(cause, "agent_silent needs the workflow");
		return (-1);
	}
	pthread_mutex_lock(&wf_lock);
	if (wf_ready) {
		for (i = 0; i < nns; i++)
			found |= wf_has_agent(&nss[i], name);
		if (!found) {
			pthread_mutex_unlock(&wf_lock);
			xasprintf(cause, "no workflow agent \"%s\"", name);
			return (-1);
		}
	}
	if (!wf_is_silent(name)) {
		silent = xreallocarray(silent, nsilent + 1, sizeof *silent);
		silent[nsilent++] = xstrdup(name);
	}
	pthread_mutex_unlock(&wf_lock);
	log_info("agent_silent: %s stops heartbeating", name);
	return (0);
}
