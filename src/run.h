/*
 * run.h: aggregates of everything received, per run, per agent and per
 * message type. They outlive the messages (store evictions leave them
 * intact) and are bounded: past its cap each table evicts the entry seen
 * least recently. Pure: no curses, no curl.
 */
#ifndef RUN_H
#define RUN_H

#include <stddef.h>
#include <stdint.h>

#include <sys/queue.h>
#include <sys/tree.h>

#include "history.h"
#include "spark.h"

struct msg;

#define RUNS_DEFAULT_MAX_RUNS	4096
#define RUNS_DEFAULT_MAX_AGENTS	1024
#define RUNS_DEFAULT_MAX_TYPES	256
#define RUN_HIST_MAX		32	/* state changes kept per run */
#define RUN_TALLY_MAX		16	/* distinct names counted per entry */
#define RUN_RECENT_SLOT		10000000LL /* us per stf_recent slot */

/*
 * A small bounded count of names, kept sorted by count (highest first);
 * names past RUN_TALLY_MAX are counted in other.
 */
struct tally {
	struct tally_ent {
		char		*name;
		uint64_t	 n;
	}		*v;
	size_t		 len;
	uint64_t	 other;
};

/* One lifecycle message of a run. */
struct run_change {
	int64_t		 at;		/* receive time, unix us */
	char		*type;
	char		*state;
	char		*substate;
};

struct run {
	RB_ENTRY(run)	 entry;
	TAILQ_ENTRY(run) lru;		/* most recently seen last */
	uint64_t	 serial;	/* unique, never reused */
	char		*id;		/* run_id as text */
	char		*ns;		/* latest namespace, "" if none */
	char		*state;		/* from the latest lifecycle message */
	char		*substate;
	char		*last_file;
	int		 ended;		/* end_run seen */
	int64_t		 first_us;	/* receive times */
	int64_t		 last_us;
	int64_t		 end_us;
	uint64_t	 total;
	uint64_t	 stf_gen;
	uint64_t	 stf_ready;
	uint64_t	 tf_files;	/* tf_file_registered */
	uint64_t	 other;		/* none of the workflow's types */
	/* Lifecycle history: the latest RUN_HIST_MAX changes (a ring). */
	struct run_change *hist;
	size_t		 hist_cap;
	uint64_t	 nhist;		/* changes seen in all */
	struct tally	 types;
	struct tally	 agents;
	/* stf_gen sequences seen (and end_run's total_stf_files). */
	struct hist_seqs seqs;
	int		 midway;	/* first seen after its start */
	int		 merged;	/* its history was read since */
	/*
	 * Pictures, in fixed-size rings: stf_gen of the last 10 minutes, and
	 * stf_gen and files processed (stf_ready, tf_file_registered) over
	 * the run's whole life.
	 */
	struct spark_ring stf_recent;
	struct spark_life stf_life;
	struct spark_life proc_life;
};

struct agent {
	RB_ENTRY(agent)	 entry;
	TAILQ_ENTRY(agent) lru;
	uint64_t	 serial;
	char		*name;
	uint64_t	 count;
	int64_t		 first_us;
	int64_t		 last_us;
	char		*last_run;
	struct tally	 types;
};

/* A message type (or a namespace) seen in the stream. */
struct mtype {
	RB_ENTRY(mtype)	 entry;
	TAILQ_ENTRY(mtype) lru;
	char		*name;
	uint64_t	 count;
};

RB_HEAD(run_tree, run);
RB_HEAD(run_agent_tree, agent);
RB_HEAD(run_mtype_tree, mtype);
RB_PROTOTYPE(run_tree, run, entry, run_cmp);
RB_PROTOTYPE(run_agent_tree, agent, entry, agent_cmp);
RB_PROTOTYPE(run_mtype_tree, mtype, entry, mtype_cmp);
TAILQ_HEAD(run_lru, run);
TAILQ_HEAD(agent_lru, agent);
TAILQ_HEAD(mtype_lru, mtype);

/*
 * The tables. Read-only to others: iterate with RB_FOREACH(r, run_tree,
 * &runs->runs) (ordered by run id, numbers numerically) or
 * TAILQ_FOREACH_REVERSE(r, &runs->run_lru, run_lru, lru) (most recently
 * seen first). Entries are owned by the table and live until evicted by a
 * later run_add(); hold a serial or a name across calls, not a pointer.
 */
struct runs {
	struct run_tree	  runs;
	struct run_lru	  run_lru;
	struct run_agent_tree agents;
	struct agent_lru  agent_lru;
	struct run_mtype_tree types;
	struct mtype_lru  type_lru;
	struct run_mtype_tree nss;		/* namespaces, bounded as types */
	struct mtype_lru  ns_lru;
	size_t		  nns;
	size_t		  nruns, max_runs;
	size_t		  nagents, max_agents;
	size_t		  ntypes, max_types;
	uint64_t	  serial;
	uint64_t	  evicted_runs;
	uint64_t	  evicted_agents;
	uint64_t	  evicted_types;
	struct run	 *last_run;	/* cache of the last lookup */
	struct agent	 *last_agent;
};

/* Create tables with these caps (0: the defaults). Never NULL. */
struct runs	*run_create(size_t max_runs, size_t max_agents,
		    size_t max_types);
void		 run_free(struct runs *);

/* Account one message (borrowed) in every table. */
void		 run_add(struct runs *, const struct msg *);

/* Lookups; NULL if not (or no longer) known. Owned by the table. */
struct run	*run_find(struct runs *, const char *id);
struct run	*runs_find_serial(struct runs *, uint64_t serial);
struct agent	*run_find_agent(struct runs *, const char *name);

/* The i-th change of a run's retained history, oldest first. */
size_t		 run_hist_len(const struct run *);
const struct run_change *run_hist_at(const struct run *, size_t);

/*
 * The run's stf_gen sequences from 1 to the last one expected (the
 * highest seen, or end_run's total_stf_files if larger) that were not
 * seen. Until run_merged() these include holes that the history may still
 * fill; after it they are known to be missing.
 */
uint32_t	 run_missing(const struct run *);

/* Up to n missing sequences from from upwards into out; how many. */
size_t		 run_missing_list(const struct run *, uint32_t from,
		    uint32_t *out, size_t n);

/* The missing sequences as text ranges ("16–18, 21") into buf. */
char		*run_missing_text(const struct run *, char *buf, size_t size);

/* STF files the sequence numbers say there are (or end_run's total). */
uint32_t	 run_stf_expected(const struct run *);

/* Whether the run was first seen after its start (joined mid-way). */
int		 run_midway(const struct run *);

/*
 * Whether a history read of the run's execution finished after the run
 * was seen mid-way or a hole opened: its gaps are then known.
 */
int		 run_merged(const struct run *);

/*
 * Messages known to be missing across every run: run_missing() of the
 * runs whose history is merged (the holes the history could not fill).
 */
uint64_t	 run_missing_known(const struct runs *);

/* Mark a run's history merged (by the front end, when the engine says). */
void		 run_set_merged(struct runs *, const char *id);

/* Order of run ids: all-digit ids numerically and first, then bytes. */
int		 run_id_cmp(const char *, const char *);

#endif
