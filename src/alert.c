/*
 * alert.c: the alert engine. It keeps, per run, whether the run is
 * running, when it last said anything, how many STFs it generated and
 * when (the latest ALERT_GEN_RING of them), and per processing agent how
 * many it has processed; per agent, what the registry last said. Each
 * rule keeps a pointer to the alert it raised on its subject, so a
 * condition that stays true raises nothing more and a transition needs
 * no search.
 *
 * No flapping: run_stalled needs a full --stall-after of silence each
 * time; agent_behind clears only at half its thresholds; stream_down
 * clears only after the stream stayed open a while; the others follow
 * facts that change rarely (a heartbeat, a list read from the monitor).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/tree.h>

#include "alert.h"
#include "cfg.h"
#include "msg.h"
#include "run.h"
#include "text.h"
#include "xmalloc.h"

#define US		1000000LL
#define ALERT_GAP_LIST	16		/* sequence numbers named in a text */
#define ALERT_EXEC_MAX	256		/* running executions followed */
#define ALERT_OPEN_HOLD	(10 * US)	/* stream_down clears after this */

/* An agent as one run sees it. */
struct arun_agent {
	char		*name;
	int		 processor;	/* sent stf_ready or tf_file_registered */
	uint64_t	 n_ready;
	uint64_t	 n_tf;
	struct alert	*behind;
};

struct arun {
	RB_ENTRY(arun)	 entry;
	TAILQ_ENTRY(arun) lru;		/* most recently seen last */
	char		*id;
	int		 lifecycle;	/* a lifecycle message seen */
	int		 active;	/* started or resumed, not paused */
	int		 ended;
	int64_t		 last;		/* the latest message, unix us */
	uint64_t	 ngen;		/* stf_gen seen */
	int64_t		 gen_at[ALERT_GEN_RING];
	struct arun_agent ag[ALERT_RUN_AGENTS];
	size_t		 nag;
	size_t		 last_ag;	/* the agent seen last, a cache */
	struct alert	*stalled;
	struct alert	*gap;
};

struct aagent {
	RB_ENTRY(aagent) entry;
	TAILQ_ENTRY(aagent) lru;
	char		*name;
	int		 in_reg;
	char		 status[16];
	int64_t		 heartbeat;
	int64_t		 idle_since;	/* raised, serving no running run */
	struct alert	*silent;
};

struct aexec {
	char		*id;
	int64_t		 start;
	struct alert	*stale;
};

RB_HEAD(alert_run_tree, arun);
RB_HEAD(alert_agent_tree, aagent);
TAILQ_HEAD(arun_lru, arun);
TAILQ_HEAD(aagent_lru, aagent);

struct alerts {
	struct alert_cfg	 cfg;
	int64_t			 stall, behind_after, silent, stale, hold;
	alert_fn		*fn;
	void			*arg;

	struct alert_list	 active;
	struct alert_list	 cleared;
	size_t			 nactive, ncleared;
	uint64_t		 serial;
	uint64_t		 suppressed;
	uint64_t		 generation;

	struct alert_run_tree	 runs;
	struct arun_lru		 run_lru;
	size_t			 nruns;
	struct arun		*last_run;
	struct alert_agent_tree	 agents;
	struct aagent_lru	 agent_lru;
	size_t			 nagents;
	struct aagent		*last_agent;

	int			 open;
	int64_t			 since;
	char			 why[128];
	struct alert		*down;

	struct aexec		*execs;
	size_t			 nexecs;
	struct aexec		*told;		/* being told, not yet applied */
	size_t			 ntold;
};

static int	arun_cmp(struct arun *, struct arun *);
static int	aagent_cmp(struct aagent *, struct aagent *);

static int
arun_cmp(struct arun *a, struct arun *b)
{
	return (strcmp(a->id, b->id));
}

static int
aagent_cmp(struct aagent *a, struct aagent *b)
{
	return (strcmp(a->name, b->name));
}

RB_PROTOTYPE(alert_run_tree, arun, entry, arun_cmp);
RB_PROTOTYPE(alert_agent_tree, aagent, entry, aagent_cmp);
RB_GENERATE(alert_run_tree, arun, entry, arun_cmp);
RB_GENERATE(alert_agent_tree, aagent, entry, aagent_cmp);

static const char *const alert_names[ALERT_NKINDS] = {
	"run_stalled", "stf_gap", "agent_behind", "agent_silent",
	"stream_down", "execution_stale"
};

const char *
alert_kind_name(enum alert_kind k)
{
	if ((unsigned)k >= ALERT_NKINDS)
		return (NULL);
	return (alert_names[k]);
}

/* A duration for a text: 45s, 2m10s, 13h05m. */
static char *
alert_dur(char *buf, size_t size, int64_t us)
{
	long long	s = us / US;

	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, size, "%llds", s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm%02llds", s / 60, s % 60);
	else
		snprintf(buf, size, "%lldh%02lldm", s / 3600, (s / 60) % 60);
	return (buf);
}

/*
 * Raise an alert of kind k on run and agent (either may be NULL) with a
 * text. Returns NULL when max_active are active: the caller's rule is
 * evaluated again later.
 */
static struct alert *
alert_raise(struct alerts *as, enum alert_kind k, const char *run,
    const char *agent, int64_t now, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static struct alert *
alert_raise(struct alerts *as, enum alert_kind k, const char *run,
    const char *agent, int64_t now, const char *fmt, ...)
{
	struct alert	*a;
	va_list		 ap;

	if (as->nactive >= as->cfg.max_active) {
		as->suppressed++;
		return (NULL);
	}
	a = xcalloc(1, sizeof *a);
	a->serial = ++as->serial;
	a->kind = k;
	a->run = xstrdup(run != NULL ? run : "");
	a->agent = xstrdup(agent != NULL ? agent : "");
	xasprintf(&a->subject, "%s%s%s%s%s", alert_names[k],
	    *a->run != '\0' ? " run=" : "", a->run,
	    *a->agent != '\0' ? " agent=" : "", a->agent);
	va_start(ap, fmt);
	if (vasprintf(&a->text, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
	a->raised = now;
	TAILQ_INSERT_HEAD(&as->active, a, entry);
	as->nactive++;
	as->generation++;
	if (as->fn != NULL)
		as->fn(a, 1, as->arg);
	return (a);
}

static void
alert_free_one(struct alert *a)
{
	free(a->subject);
	free(a->run);
	free(a->agent);
	free(a->text);
	free(a);
}

/* Clear *ap (if raised) at now and keep it on the cleared list. */
static void
alert_clear(struct alerts *as, struct alert **ap, int64_t now)
{
	struct alert	*a = *ap, *old;

	if (a == NULL)
		return;
	*ap = NULL;
	TAILQ_REMOVE(&as->active, a, entry);
	as->nactive--;
	a->cleared = now;
	TAILQ_INSERT_HEAD(&as->cleared, a, entry);
	as->ncleared++;
	as->generation++;
	if (as->fn != NULL)
		as->fn(a, 0, as->arg);
	while (as->ncleared > as->cfg.max_cleared) {
		old = TAILQ_LAST(&as->cleared, alert_list);
		TAILQ_REMOVE(&as->cleared, old, entry);
		as->ncleared--;
		alert_free_one(old);
	}
}

/* Replace an active alert's text (a gap that grew). */
static void
alert_retext(struct alerts *as, struct alert *a, const char *text)
{
	if (strcmp(a->text, text) == 0)
		return;
	free(a->text);
	a->text = xstrdup(text);
	as->generation++;
}

struct alerts *
alert_create(const struct alert_cfg *cfg, alert_fn *fn, void *arg)
{
	struct alerts	*as;

	as = xcalloc(1, sizeof *as);
	if (cfg != NULL)
		as->cfg = *cfg;
	if (as->cfg.stall_after <= 0)
		as->cfg.stall_after = ALERT_DEFAULT_STALL;
	if (as->cfg.behind_files == 0)
		as->cfg.behind_files = ALERT_DEFAULT_BEHIND_N;
	if (as->cfg.behind_after <= 0)
		as->cfg.behind_after = ALERT_DEFAULT_BEHIND;
	if (as->cfg.silent_after <= 0)
		as->cfg.silent_after = ALERT_DEFAULT_SILENT;
	if (as->cfg.stale_after <= 0)
		as->cfg.stale_after = ALERT_DEFAULT_STALE;
	if (as->cfg.max_active == 0)
		as->cfg.max_active = ALERT_DEFAULT_ACTIVE;
	if (as->cfg.max_cleared == 0)
		as->cfg.max_cleared = ALERT_DEFAULT_CLEARED;
	as->stall = as->cfg.stall_after * US;
	as->behind_after = as->cfg.behind_after * US;
	as->silent = as->cfg.silent_after * US;
	as->stale = as->cfg.stale_after * US;
	as->hold = as->stall / 4 < ALERT_OPEN_HOLD ? as->stall / 4 :
	    ALERT_OPEN_HOLD;
	as->fn = fn;
	as->arg = arg;
	TAILQ_INIT(&as->active);
	TAILQ_INIT(&as->cleared);
	RB_INIT(&as->runs);
	TAILQ_INIT(&as->run_lru);
	RB_INIT(&as->agents);
	TAILQ_INIT(&as->agent_lru);
	return (as);
}

static void
arun_free(struct arun *r)
{
	size_t	i;

	for (i = 0; i < r->nag; i++)
		free(r->ag[i].name);
	free(r->id);
	free(r);
}

/* Forget a run; its alerts clear (nothing more can be known of it). */
static void
arun_remove(struct alerts *as, struct arun *r, int64_t now)
{
	size_t	i;

	alert_clear(as, &r->stalled, now);
	alert_clear(as, &r->gap, now);
	for (i = 0; i < r->nag; i++)
		alert_clear(as, &r->ag[i].behind, now);
	RB_REMOVE(alert_run_tree, &as->runs, r);
	TAILQ_REMOVE(&as->run_lru, r, lru);
	as->nruns--;
	if (as->last_run == r)
		as->last_run = NULL;
	arun_free(r);
}

static void
aagent_remove(struct alerts *as, struct aagent *g, int64_t now)
{
	alert_clear(as, &g->silent, now);
	RB_REMOVE(alert_agent_tree, &as->agents, g);
	TAILQ_REMOVE(&as->agent_lru, g, lru);
	as->nagents--;
	if (as->last_agent == g)
		as->last_agent = NULL;
	free(g->name);
	free(g);
}

void
alert_free(struct alerts *as)
{
	struct alert	*a;
	struct arun	*r;
	struct aagent	*g;
	size_t		 i;

	if (as == NULL)
		return;
	as->fn = NULL;
	while ((r = TAILQ_FIRST(&as->run_lru)) != NULL)
		arun_remove(as, r, 0);
	while ((g = TAILQ_FIRST(&as->agent_lru)) != NULL)
		aagent_remove(as, g, 0);
	for (i = 0; i < as->nexecs; i++)
		free(as->execs[i].id);
	free(as->execs);
	for (i = 0; i < as->ntold; i++)
		free(as->told[i].id);
	free(as->told);
	while ((a = TAILQ_FIRST(&as->active)) != NULL) {
		TAILQ_REMOVE(&as->active, a, entry);
		alert_free_one(a);
	}
	while ((a = TAILQ_FIRST(&as->cleared)) != NULL) {
		TAILQ_REMOVE(&as->cleared, a, entry);
		alert_free_one(a);
	}
	free(as);
}

static struct arun *
arun_find(struct alerts *as, const char *id)
{
	struct arun	key;

	if (as->last_run != NULL && strcmp(as->last_run->id, id) == 0)
		return (as->last_run);
	key.id = (char *)id;
	return (RB_FIND(alert_run_tree, &as->runs, &key));
}

/* Find or create a run, most recently seen. */
static struct arun *
arun_get(struct alerts *as, const char *id, int64_t now)
{
	struct arun	*r;

	if ((r = arun_find(as, id)) == NULL) {
		while (as->nruns >= ALERT_MAX_RUNS)
			arun_remove(as, TAILQ_FIRST(&as->run_lru), now);
		r = xcalloc(1, sizeof *r);
		r->id = xstrdup(id);
		r->last = now;
		RB_INSERT(alert_run_tree, &as->runs, r);
		TAILQ_INSERT_TAIL(&as->run_lru, r, lru);
		as->nruns++;
	} else if (r != TAILQ_LAST(&as->run_lru, arun_lru)) {
		TAILQ_REMOVE(&as->run_lru, r, lru);
		TAILQ_INSERT_TAIL(&as->run_lru, r, lru);
	}
	as->last_run = r;
	return (r);
}

static struct aagent *
aagent_find(struct alerts *as, const char *name)
{
	struct aagent	key;

	if (as->last_agent != NULL && strcmp(as->last_agent->name, name) == 0)
		return (as->last_agent);
	key.name = (char *)name;
	return (RB_FIND(alert_agent_tree, &as->agents, &key));
}

static struct aagent *
aagent_get(struct alerts *as, const char *name, int64_t now)
{
	struct aagent	*g;

	if ((g = aagent_find(as, name)) == NULL) {
		while (as->nagents >= ALERT_MAX_AGENTS)
			aagent_remove(as, TAILQ_FIRST(&as->agent_lru), now);
		g = xcalloc(1, sizeof *g);
		g->name = xstrdup(name);
		RB_INSERT(alert_agent_tree, &as->agents, g);
		TAILQ_INSERT_TAIL(&as->agent_lru, g, lru);
		as->nagents++;
	} else if (g != TAILQ_LAST(&as->agent_lru, aagent_lru)) {
		TAILQ_REMOVE(&as->agent_lru, g, lru);
		TAILQ_INSERT_TAIL(&as->agent_lru, g, lru);
	}
	as->last_agent = g;
	return (g);
}

/* An agent's entry in a run; NULL when ALERT_RUN_AGENTS are taken. */
static struct arun_agent *
arun_agent(struct arun *r, const char *name)
{
	struct arun_agent	*ag;
	size_t			 i;

	if (r->last_ag < r->nag && strcmp(r->ag[r->last_ag].name, name) == 0)
		return (&r->ag[r->last_ag]);
	for (i = 0; i < r->nag; i++) {
		if (strcmp(r->ag[i].name, name) == 0) {
			r->last_ag = i;
			return (&r->ag[i]);
		}
	}
	if (r->nag == ALERT_RUN_AGENTS)
		return (NULL);
	r->last_ag = r->nag;
	ag = &r->ag[r->nag++];
	memset(ag, 0, sizeof *ag);
	ag->name = xstrdup(name);
	return (ag);
}

/* A run id used again for a new run: forget the old counts. */
static void
arun_restart(struct alerts *as, struct arun *r, int64_t now)
{
	size_t	i;

	for (i = 0; i < r->nag; i++) {
		alert_clear(as, &r->ag[i].behind, now);
		free(r->ag[i].name);
	}
	r->nag = 0;
	r->ngen = 0;
	r->ended = 0;
}

/* A lifecycle message of run r. */
static void
arun_lifecycle(struct alerts *as, struct arun *r, const char *type,
    int64_t now)
{
	if (strcmp(type, "run_imminent") == 0 ||
	    strcmp(type, "start_run") == 0) {
		if (r->ended)
			arun_restart(as, r, now);
		r->active = strcmp(type, "start_run") == 0;
	} else if (strcmp(type, "resume_run") == 0)
		r->active = !r->ended;
	else if (strcmp(type, "pause_run") == 0)
		r->active = 0;
	else if (strcmp(type, "end_run") == 0) {
		r->active = 0;
		r->ended = 1;
	}
	r->lifecycle = 1;
}

void
alert_message(struct alerts *as, const struct msg *m)
{
	const char		*type = msg_get(m, MF_TYPE);
	const char		*id = msg_get(m, MF_RUN);
	const char		*name = msg_get(m, MF_AGENT);
	struct arun		*r;
	struct arun_agent	*ag = NULL;
	int64_t			 now = m->recv_us;

	if (*name != '\0')
		aagent_get(as, name, now);
	if (*id == '\0')
		return;
	r = arun_get(as, id, now);
	r->last = now;
	alert_clear(as, &r->stalled, now);
	if (msg_is_lifecycle(type))
		arun_lifecycle(as, r, type, now);
	else if (!r->lifecycle && !r->ended &&
	    strcmp(msg_get(m, MF_STATE), "run") == 0 &&
	    strcmp(msg_get(m, MF_SUBSTATE), "physics") == 0)
		r->active = 1;	/* joined a running run in the middle */
	if (*name != '\0')
		ag = arun_agent(r, name);
	if (strcmp(type, "stf_gen") == 0) {
		r->ngen++;
		r->gen_at[r->ngen % ALERT_GEN_RING] = now;
	} else if (ag != NULL && strcmp(type, "stf_ready") == 0 &&
	    *msg_get(m, MF_FILE) != '\0') {
		/* The second shape (one per run, no filename) is no file. */
		ag->processor = 1;
		ag->n_ready++;
	} else if (ag != NULL && strcmp(type, "tf_file_registered") == 0) {
		ag->processor = 1;
		ag->n_tf++;
	}
}

void
alert_stream(struct alerts *as, int open, const char *why, int64_t now)
{
	open = open != 0;
	if (why != NULL && !open)
		snprintf(as->why, sizeof as->why, "%s", why);
	if (open == as->open && as->since != 0)
		return;
	as->open = open;
	as->since = now;
	alert_tick(as, now);
}

/* Whether an agent appears in a run that is running now. */
static int
alerts_serves_active(struct alerts *as, const char *name, const char **run)
{
	struct arun	*r;
	size_t		 i;

	TAILQ_FOREACH_REVERSE(r, &as->run_lru, arun_lru, lru) {
		if (!r->active || r->ended)
			continue;
		for (i = 0; i < r->nag; i++) {
			if (strcmp(r->ag[i].name, name) == 0) {
				*run = r->id;
				return (1);
			}
		}
	}
	return (0);
}

/*
 * agent_silent. Raised when the heartbeat is too old, or the registry says
 * ERROR or EXITED while the agent serves a running run. Cleared when the
 * registry is healthy again, or once the agent has served no running run
 * for --stall-after: not between two runs, which would flap.
 */
static void
alerts_eval_agent(struct alerts *as, struct aagent *g, int64_t now)
{
	const char	*run = NULL;
	char		 d[32];
	int		 old, badstat, serving;

	if (!g->in_reg) {
		alert_clear(as, &g->silent, now);
		return;
	}
	old = g->heartbeat > 0 && now - g->heartbeat > as->silent;
	badstat = strcmp(g->status, "ERROR") == 0 ||
	    strcmp(g->status, "EXITED") == 0;
	serving = badstat && alerts_serves_active(as, g->name, &run);
	if (g->silent == NULL) {
		g->idle_since = 0;
		if (old)
			g->silent = alert_raise(as, ALERT_AGENT_SILENT, NULL,
			    g->name, now, "agent %s: no registry heartbeat for "
			    "%s", g->name, alert_dur(d, sizeof d,
			    now - g->heartbeat));
		else if (serving)
			g->silent = alert_raise(as, ALERT_AGENT_SILENT, NULL,
			    g->name, now, "agent %s: registry status %s while "
			    "run %s it served is active", g->name, g->status,
			    run);
		return;
	}
	if (!old && !badstat)
		alert_clear(as, &g->silent, now);
	else if (old || serving)
		g->idle_since = 0;
	else if (g->idle_since == 0)
		g->idle_since = now;
	else if (now - g->idle_since >= as->stall)
		alert_clear(as, &g->silent, now);
}

void
alert_registry(struct alerts *as, const struct alert_reg *v, size_t n,
    int64_t now)
{
	struct aagent	*g;
	size_t		 i;

	RB_FOREACH(g, alert_agent_tree, &as->agents)
		g->in_reg = 0;
	for (i = 0; i < n; i++) {
		/* Only agents that worked in the stream. */
		if (v[i].name == NULL || (g = aagent_find(as, v[i].name)) ==
		    NULL)
			continue;
		g->in_reg = 1;
		snprintf(g->status, sizeof g->status, "%s",
		    v[i].status != NULL ? v[i].status : "");
		g->heartbeat = v[i].heartbeat;
	}
	RB_FOREACH(g, alert_agent_tree, &as->agents)
		alerts_eval_agent(as, g, now);
}

void
alert_gaps(struct alerts *as, const char *run, size_t total,
    const uint64_t *seq, size_t nseq, int64_t now)
{
	struct arun	*r;
	char		 text[512];
	size_t		 i, len;

	if ((r = arun_find(as, run)) == NULL) {
		if (total == 0)
			return;
		r = arun_get(as, run, now);
	}
	if (total == 0) {
		alert_clear(as, &r->gap, now);
		return;
	}
	if (nseq > total)
		nseq = total;
	len = snprintf(text, sizeof text, "run %s: %zu STF missing:", run,
	    total);
	for (i = 0; i < nseq && i < ALERT_GAP_LIST && len < sizeof text; i++)
		len += snprintf(text + len, sizeof text - len, "%s %llu",
		    i > 0 ? "," : "", (unsigned long long)seq[i]);
	if (i < total && len < sizeof text)
		snprintf(text + len, sizeof text - len, "%s and %zu more",
		    i > 0 ? "" : " ...", total - i);
	if (r->gap != NULL)
		alert_retext(as, r->gap, text);
	else
		r->gap = alert_raise(as, ALERT_STF_GAP, run, NULL, now, "%s",
		    text);
}

void
alert_gaps_runs(struct alerts *as, struct runs *rs, int64_t now)
{
	struct run	*r;
	struct alert	*a, *next;
	uint32_t	 miss[ALERT_GAP_LIST];
	uint64_t	 seq[ALERT_GAP_LIST];
	size_t		 i, n, total;

	TAILQ_FOREACH(r, &rs->run_lru, lru) {
		if (!run_merged(r) || (total = run_missing(r)) == 0)
			continue;
		n = run_missing_list(r, 1, miss, ALERT_GAP_LIST);
		for (i = 0; i < n; i++)
			seq[i] = miss[i];
		alert_gaps(as, r->id, total, seq, n, now);
	}
	/* Holes filled since, or runs no longer tracked. */
	for (a = TAILQ_FIRST(&as->active); a != NULL; a = next) {
		next = TAILQ_NEXT(a, entry);
		if (a->kind != ALERT_STF_GAP)
			continue;
		if ((r = run_find(rs, a->run)) == NULL || !run_merged(r) ||
		    run_missing(r) == 0)
			alert_gaps(as, a->run, 0, NULL, 0, now);
	}
}

static void
alerts_eval_exec(struct alerts *as, struct aexec *e, int64_t now)
{
	char	d[32];

	if (e->start > 0 && now - e->start > as->stale) {
		if (e->stale == NULL)
			e->stale = alert_raise(as, ALERT_EXECUTION_STALE, NULL,
			    NULL, now, "execution %s still running after %s",
			    e->id, alert_dur(d, sizeof d, now - e->start));
	} else
		alert_clear(as, &e->stale, now);
}

void
alert_executions(struct alerts *as, const struct alert_exec *v, size_t n,
    int64_t now)
{
	struct aexec	*ne;
	size_t		 i, j, nn = 0;

	if (n > ALERT_EXEC_MAX)
		n = ALERT_EXEC_MAX;
	ne = xcalloc(n + 1, sizeof *ne);
	for (i = 0; i < n; i++) {
		if (v[i].id == NULL || *v[i].id == '\0')
			continue;
		ne[nn].id = xstrdup(v[i].id);
		ne[nn].start = v[i].start;
		for (j = 0; j < as->nexecs; j++) {
			if (as->execs[j].id != NULL &&
			    strcmp(as->execs[j].id, v[i].id) == 0) {
				ne[nn].stale = as->execs[j].stale;
				as->execs[j].stale = NULL;
				free(as->execs[j].id);
				as->execs[j].id = NULL;
				break;
			}
		}
		nn++;
	}
	/* Executions no longer running clear. */
	for (j = 0; j < as->nexecs; j++) {
		alert_clear(as, &as->execs[j].stale, now);
		free(as->execs[j].id);
	}
	free(as->execs);
	as->execs = ne;
	as->nexecs = nn;
	for (i = 0; i < nn; i++)
		alerts_eval_exec(as, &ne[i], now);
}

void
alert_exec_told(struct alerts *as, const char *id, const char *start)
{
	struct aexec	*e;
	int64_t		 t;

	if (id == NULL || *id == '\0' || as->ntold >= ALERT_EXEC_MAX)
		return;
	if (as->told == NULL)
		as->told = xcalloc(ALERT_EXEC_MAX, sizeof *as->told);
	e = &as->told[as->ntold++];
	e->id = xstrdup(id);
	t = start != NULL && *start != '\0' ? msg_parse_time(start) : 0;
	e->start = t > 0 ? t : 0;
}

void
alert_exec_end(struct alerts *as, int64_t now)
{
	struct alert_exec	*v;
	size_t			 i;

	v = xcalloc(as->ntold + 1, sizeof *v);
	for (i = 0; i < as->ntold; i++) {
		v[i].id = as->told[i].id;
		v[i].start = as->told[i].start;
	}
	alert_executions(as, v, as->ntold, now);
	for (i = 0; i < as->ntold; i++)
		free(as->told[i].id);
	as->ntold = 0;
	free(v);
}

/* Whether an agent is behind on run r; *why gets the text. */
static int
arun_behind(struct alerts *as, struct arun *r, struct arun_agent *ag,
    int64_t now, int clear, char *why, size_t size)
{
	uint64_t	done, backlog, k, limit = as->cfg.behind_files;
	int64_t		age = 0, after = as->behind_after;
	char		d[32];

	done = ag->n_ready > ag->n_tf ? ag->n_ready : ag->n_tf;
	backlog = r->ngen > done ? r->ngen - done : 0;
	if (backlog > 0) {
		k = done + 1;
		if (r->ngen - k >= ALERT_GEN_RING)
			k = r->ngen - ALERT_GEN_RING + 1;
		age = now - r->gen_at[k % ALERT_GEN_RING];
	}
	if (clear) {
		/* Hysteresis: stay raised until well under both limits. */
		limit /= 2;
		after /= 2;
	}
	if (backlog <= limit && age <= after)
		return (0);
	snprintf(why, size, "agent %s is %llu STF behind on run %s "
	    "(oldest unprocessed %s)", ag->name, (unsigned long long)backlog,
	    r->id, alert_dur(d, sizeof d, age));
	return (1);
}

static void
alerts_eval_run(struct alerts *as, struct arun *r, int64_t now)
{
	struct arun_agent	*ag;
	char			 text[512], d[32];
	size_t			 i;

	if (r->active && !r->ended && now - r->last >= as->stall) {
		if (r->stalled == NULL)
			r->stalled = alert_raise(as, ALERT_RUN_STALLED, r->id,
			    NULL, now, "run %s: no message for %s, not "
			    "ended or paused", r->id, alert_dur(d, sizeof d,
			    now - r->last));
	} else
		alert_clear(as, &r->stalled, now);
	for (i = 0; i < r->nag; i++) {
		ag = &r->ag[i];
		if (!ag->processor)
			continue;
		if (ag->behind != NULL) {
			if (!arun_behind(as, r, ag, now, 1, text, sizeof text))
				alert_clear(as, &ag->behind, now);
		} else if (!r->ended &&
		    arun_behind(as, r, ag, now, 0, text, sizeof text))
			ag->behind = alert_raise(as, ALERT_AGENT_BEHIND, r->id,
			    ag->name, now, "%s", text);
	}
}

void
alert_tick(struct alerts *as, int64_t now)
{
	struct arun	*r;
	struct aagent	*g;
	size_t		 i;
	char		 d[32];

	if (as->since == 0)
		as->since = now;
	if (!as->open && as->down == NULL && now - as->since >= as->stall)
		as->down = alert_raise(as, ALERT_STREAM_DOWN, NULL, NULL, now,
		    "no open stream for %s%s%s%s", alert_dur(d, sizeof d,
		    now - as->since), as->why[0] != '\0' ? " (" : "",
		    as->why, as->why[0] != '\0' ? ")" : "");
	else if (as->open && now - as->since >= as->hold)
		alert_clear(as, &as->down, now);
	TAILQ_FOREACH(r, &as->run_lru, lru)
		alerts_eval_run(as, r, now);
	TAILQ_FOREACH(g, &as->agent_lru, lru) {
		if (g->in_reg)
			alerts_eval_agent(as, g, now);
	}
	for (i = 0; i < as->nexecs; i++)
		alerts_eval_exec(as, &as->execs[i], now);
}

const struct alert_list *
alert_active(const struct alerts *as)
{
	return (&as->active);
}

const struct alert_list *
alert_cleared(const struct alerts *as)
{
	return (&as->cleared);
}

size_t
alert_nactive(const struct alerts *as)
{
	return (as->nactive);
}

size_t
alert_ncleared(const struct alerts *as)
{
	return (as->ncleared);
}

uint64_t
alert_suppressed(const struct alerts *as)
{
	return (as->suppressed);
}

uint64_t
alert_generation(const struct alerts *as)
{
	return (as->generation);
}

int
alert_on_run(const struct alerts *as, const char *run)
{
	const struct alert	*a;

	if (*run == '\0')
		return (0);
	TAILQ_FOREACH(a, &as->active, entry) {
		if (strcmp(a->run, run) == 0)
			return (1);
	}
	return (0);
}

int
alert_on_agent(const struct alerts *as, const char *agent)
{
	const struct alert	*a;

	if (*agent == '\0')
		return (0);
	TAILQ_FOREACH(a, &as->active, entry) {
		if (strcmp(a->agent, agent) == 0)
			return (1);
	}
	return (0);
}

void
alert_cfg_init(struct alert_cfg *ac, const struct cfg *cfg)
{
	memset(ac, 0, sizeof *ac);
	ac->stall_after = cfg->stall_after;
	ac->behind_files = cfg->behind_files;
	ac->behind_after = cfg->behind_after;
	ac->stale_after = cfg->stale_after;
}

/* A record's string field, sanitized into buf ("" if absent). */
static const char *
alert_json_str(json_t *o, const char *key, char *buf, size_t size)
{
	json_t	*v = json_object_get(o, key);

	buf[0] = '\0';
	if (json_is_string(v))
		text_sanitize_buf(buf, size, json_string_value(v),
		    json_string_length(v));
	return (buf);
}

void
alert_registry_json(struct alerts *as, json_t *arr, int64_t now)
{
	struct alert_reg	*v;
	json_t			*o;
	size_t			 i, n = 0;
	char			(*names)[128], (*st)[16], hb[64];

	if (arr != NULL && json_is_object(arr))
		arr = json_object_get(arr, "results");
	if (arr == NULL || !json_is_array(arr))
		return;
	v = xcalloc(json_array_size(arr) + 1, sizeof *v);
	names = xcalloc(json_array_size(arr) + 1, sizeof *names);
	st = xcalloc(json_array_size(arr) + 1, sizeof *st);
	json_array_foreach(arr, i, o) {
		if (!json_is_object(o))
			continue;
		v[n].name = alert_json_str(o, "instance_name", names[n],
		    sizeof names[n]);
		if (*v[n].name == '\0')
			continue;
		v[n].status = alert_json_str(o, "status", st[n], sizeof st[n]);
		alert_json_str(o, "last_heartbeat", hb, sizeof hb);
		v[n].heartbeat = *hb != '\0' ? msg_parse_time(hb) : 0;
		if (v[n].heartbeat < 0)
			v[n].heartbeat = 0;
		n++;
	}
	alert_registry(as, v, n, now);
	free(st);
	free(names);
	free(v);
}

char *
alert_json(const struct alert *a, int raised)
{
	json_t		*j;
	struct tm	 tm;
	time_t		 t;
	int64_t		 us = raised ? a->raised : a->cleared;
	char		 when[64], *s;

	t = us / US;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + strlen(when), sizeof when - strlen(when), ".%03dZ",
	    (int)((us % US) / 1000));
	j = json_pack("{s:s, s:s, s:s}", "time", when, "alert",
	    alert_names[a->kind], "state", raised ? "raised" : "cleared");
	if (j == NULL)
		fatalx("%s: json_pack", __func__);
	if (*a->run != '\0')
		json_object_set_new(j, "run_id", json_string(a->run));
	if (*a->agent != '\0')
		json_object_set_new(j, "agent", json_string(a->agent));
	json_object_set_new(j, "text", json_string(a->text));
	if ((s = json_dumps(j, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	json_decref(j);
	return (s);
}
