/* sim-workflow.c: a simulated DAQ workflow in the testbed's image. */
#include "config.h"

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
enum wf_phase { PH_IDLE, PH_IMMINENT, PH_RUNNING, PH_PAUSED };

/* What a scheduled item does. */
enum wf_what { W_STEP, W_STF_READY, W_DATA_READY, W_PROC_DONE };

/* One namespace: its DAQ simulator and its data and processing agents. */
struct wf_ns {
	const char	*name;
	char		 daq[64], data[64], proc[64];
	enum wf_phase	 phase;
	long		 run;
	char		 exec[64];
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
	char		 exec[64];
};

static struct wf_ns	*nss;
static size_t		 nns;
static struct wf_item	*heap;
static size_t		 nheap, heapsize;
static uint64_t		 order;
static uint64_t		 rng;
static double		 now_sim;
static long		 next_run;
static int		 next_exec = 1;
static pthread_t	 wf_thread;
static int		 wf_running;

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

/* Finish a message as the agent base class sends it, and publish it. */
static void
wf_send(json_t *msg, const char *sender, struct wf_ns *ns)
{
	char	now[64];

	sim_iso_now(now, sizeof now, ISO_NAIVE);
	json_object_set_new(msg, "created_at", json_string(now));
	json_object_set_new(msg, "sender", json_string(sender));
	json_object_set_new(msg, "namespace", json_string(ns->name));
	stream_publish(msg);
	json_decref(msg);
}

/* A run lifecycle message stamped with the DAQ state in effect. */
static void
wf_lifecycle(struct wf_ns *ns, const char *type, const char *state,
    const char *substate, const char *text)
{
	json_t	*m;

	m = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s}", "msg_type", type,
	    "run_id", (json_int_t)ns->run, "execution_id", ns->exec,
	    "state", state, "substate", substate, "message", text);
	if (strcmp(type, "run_imminent") == 0)
		json_object_set_new(m, "run_conditions", json_pack(
		    "{s:s,s:i,s:i}", "beam_energy", "10x100", "target_stfs",
		    ns->nstf, "stf_interval_ms", (int)(ns->interval * 1000)));
	if (strcmp(type, "end_run") == 0)
		json_object_set_new(m, "total_stfs", json_integer(ns->stf));
	wf_send(m, ns->daq, ns);
}

/* A file name of the run's STF. */
static void
wf_filename(char *buf, size_t len, long run, int seq, const char *suffix)
{
	snprintf(buf, len, "swf.%06ld.%06d.%s", run, seq, suffix);
}

/* The DAQ writes an STF: stf_gen, and the agents' follow-ups later. */
static void
wf_stf(struct wf_ns *ns)
{
	json_t	*m;
	char	 file[64];

	ns->stf++;
	wf_filename(file, sizeof file, ns->run, ns->stf, "stf");
	m = json_pack("{s:s,s:s,s:I,s:s,s:i,s:s,s:s,s:I,s:s}",
	    "msg_type", "stf_gen", "filename", file,
	    "run_id", (json_int_t)ns->run, "execution_id", ns->exec,
	    "sequence", ns->stf, "state", "run", "substate", "physics",
	    "size_bytes", (json_int_t)(wf_rand() % 50000000 + 80000000),
	    "message", "STF file generated");
	json_object_set_new(m, "checksum", json_sprintf("ad:%08llx",
	    (unsigned long long)(wf_rand() & 0xffffffffULL)));
	wf_send(m, ns->daq, ns);
	wf_schedule(wf_uniform(0.2, 0.6), W_STF_READY, ns, ns->stf);
	wf_schedule(wf_uniform(0.7, 1.5), W_DATA_READY, ns, ns->stf);
	wf_schedule(wf_uniform(2.0, 5.0), W_PROC_DONE, ns, ns->stf);
}

/* The data and processing agents' answers to one STF. */
static void
wf_followup(const struct wf_item *it)
{
	struct wf_ns	*ns = it->ns;
	json_t		*m;
	char		 file[64], out[64], url[256], run[16];

	wf_filename(file, sizeof file, it->run, it->seq, "stf");
	switch (it->what) {
	case W_STF_READY:
		m = json_pack("{s:s,s:s,s:I,s:s,s:i,s:s}", "msg_type",
		    "stf_ready", "filename", file, "run_id",
		    (json_int_t)it->run, "execution_id", it->exec,
		    "sequence", it->seq, "message", "STF registered");
		wf_send(m, ns->data, ns);
		break;
	case W_DATA_READY:
		snprintf(url, sizeof url, "root://dcintdoor.sdcc.bnl.gov:1094/"
		    "pnfs/sdcc.bnl.gov/eic/epic/disk/swfdaq/run%ld/%s",
		    it->run, file);
		m = json_pack("{s:s,s:s,s:I,s:s,s:i,s:s,s:s,s:s}", "msg_type",
		    "data_ready", "filename", file, "run_id",
		    (json_int_t)it->run, "execution_id", it->exec,
		    "sequence", it->seq, "file_url", url, "processed_by",
		    ns->data, "message", "Data ready for processing");
		wf_send(m, ns->data, ns);
		break;
	default:
		/* The processing agent carries run ids as strings. */
		wf_filename(out, sizeof out, it->run, it->seq, "reco.root");
		snprintf(run, sizeof run, "%ld", it->run);
		m = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:i,s:s,s:s}",
		    "msg_type", "processing_complete", "filename", file,
		    "run_id", run, "execution_id", it->exec, "sequence",
		    it->seq, "output_file", out, "n_events",
		    (int)(wf_rand() % 4000 + 1000), "processed_by", ns->proc,
		    "message", "Processing finished");
		wf_send(m, ns->proc, ns);
		break;
	}
}

/* The DAQ's next step in its run cycle. */
static void
wf_step(struct wf_ns *ns)
{
	switch (ns->phase) {
	case PH_IDLE:
		ns->run = next_run++;
		snprintf(ns->exec, sizeof ns->exec, "stf_datataking-swfsim-%04d",
		    next_exec++);
		ns->nstf = 8 + (int)(wf_rand() % 23);
		ns->stf = ns->pauses = 0;
		ns->interval = wf_uniform(1.5, 2.5);
		ns->phase = PH_IMMINENT;
		wf_lifecycle(ns, "run_imminent", "beam", "not_ready",
		    "Run imminent");
		wf_schedule(wf_uniform(2.0, 4.0), W_STEP, ns, 0);
		break;
	case PH_IMMINENT:
		ns->phase = PH_RUNNING;
		wf_lifecycle(ns, "start_run", "run", "physics", "Run started");
		wf_schedule(ns->interval, W_STEP, ns, 0);
		break;
	case PH_RUNNING:
		if (ns->stf >= ns->nstf) {
			ns->phase = PH_IDLE;
			wf_lifecycle(ns, "end_run", "beam", "not_ready",
			    "Run ended");
			wf_schedule(wf_uniform(4.0, 10.0), W_STEP, ns, 0);
		} else if (ns->stf > 1 && ns->pauses < 2 &&
		    wf_uniform(0, 1) < 0.12) {
			ns->phase = PH_PAUSED;
			ns->pauses++;
			wf_lifecycle(ns, "pause_run", "run", "standby",
			    "Run paused");
			wf_schedule(wf_uniform(3.0, 8.0), W_STEP, ns, 0);
		} else {
			wf_stf(ns);
			wf_schedule(ns->interval * wf_uniform(0.8, 1.2),
			    W_STEP, ns, 0);
		}
		break;
	case PH_PAUSED:
		ns->phase = PH_RUNNING;
		wf_lifecycle(ns, "resume_run", "run", "physics",
		    "Run resumed");
		wf_schedule(ns->interval, W_STEP, ns, 0);
		break;
	}
}

/* Heartbeat the simulated agents into the registry. */
static void
wf_register(const char *status)
{
	static const char *const types[] = { "DAQ_Simulator", "Data",
	    "Processing" };
	json_t	*hb, *out;
	size_t	 i, k;
	char	*names[3];

	for (i = 0; i < nns; i++) {
		names[0] = nss[i].daq;
		names[1] = nss[i].data;
		names[2] = nss[i].proc;
		for (k = 0; k < 3; k++) {
			hb = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:b}",
			    "instance_name", names[k], "agent_type", types[k],
			    "status", status, "description", "swf-sim agent",
			    "operational_state", strcmp(status, "OK") == 0 ?
			    "PROCESSING" : status, "pid",
			    (int)getpid(), "hostname", "swf-sim",
			    "namespace", nss[i].name, "mq_connected",
			    strcmp(status, "OK") == 0);
			registry_heartbeat(hb, &out);
			json_decref(hb);
			json_decref(out);
		}
	}
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

	reg_every = sim_cfg.agent_stale / 3;
	if (reg_every > 60)
		reg_every = 60;
	t0 = sim_mono();
	next_reg = t0 + reg_every;
	while (!atomic_load(&sim_quit) && nheap > 0) {
		now = sim_mono();
		if (now >= next_reg) {
			wf_register("OK");
			next_reg = now + reg_every;
		}
		due = t0 + heap[0].t / sim_cfg.speed;
		if (now < due) {
			wf_nap(due - now);
			continue;
		}
		wf_pop(&it);
		now_sim = it.t;
		if (it.what == W_STEP)
			wf_step(it.ns);
		else
			wf_followup(&it);
	}
	return (NULL);
}

/* Set up the namespaces and start the workflow thread. */
void
workflow_start(void)
{
	size_t	i;

	if (!sim_cfg.workflow)
		return;
	rng = sim_cfg.seed;
	next_run = 100001 + (long)(wf_rand() % 900) * 100;
	nns = sim_cfg.nnamespaces;
	nss = xcalloc(nns, sizeof *nss);
	for (i = 0; i < nns; i++) {
		nss[i].name = sim_cfg.namespaces[i];
		snprintf(nss[i].daq, sizeof nss[i].daq,
		    "daqsim-agent-swfsim-%zu", 3 * i + 1);
		snprintf(nss[i].data, sizeof nss[i].data,
		    "data-agent-swfsim-%zu", 3 * i + 2);
		snprintf(nss[i].proc, sizeof nss[i].proc,
		    "processing-agent-swfsim-%zu", 3 * i + 3);
		now_sim = 0;
		wf_schedule(i == 0 ? 0.5 : wf_uniform(5.0, 12.0) * (double)i,
		    W_STEP, &nss[i], 0);
	}
	wf_register("OK");
	if (pthread_create(&wf_thread, NULL, wf_main, NULL) != 0)
		fatalx("pthread_create failed");
	wf_running = 1;
}

/* Join the workflow thread (sim_quit must be set) and free it. */
void
workflow_stop(void)
{
	if (!wf_running)
		return;
	pthread_join(wf_thread, NULL);
	wf_running = 0;
	wf_register("EXITED");
	free(heap);
	heap = NULL;
	nheap = heapsize = 0;
	free(nss);
	nss = NULL;
	nns = 0;
}
