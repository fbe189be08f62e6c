/*
 * run.c: per-run, per-agent and per-type aggregates of the stream, each
 * table bounded by evicting the entry seen least recently.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "run.h"
#include "xmalloc.h"

static int	run_cmp(struct run *, struct run *);
static int	agent_cmp(struct agent *, struct agent *);
static int	mtype_cmp(struct mtype *, struct mtype *);

RB_GENERATE(run_tree, run, entry, run_cmp);
RB_GENERATE(run_agent_tree, agent, entry, agent_cmp);
RB_GENERATE(run_mtype_tree, mtype, entry, mtype_cmp);

/* Whether s is a non-empty string of ASCII digits. */
static int
run_id_numeric(const char *s)
{
	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (0);
	}
	return (1);
}

int
run_id_cmp(const char *a, const char *b)
{
	const char	*x = a, *y = b;
	int		 na = run_id_numeric(a), nb = run_id_numeric(b);
	size_t		 lx, ly;
	int		 c;

	if (na != nb)
		return (na ? -1 : 1);
	if (na) {
		/* By value; "007" and "7" then by their bytes. */
		while (x[0] == '0' && x[1] != '\0')
			x++;
		while (y[0] == '0' && y[1] != '\0')
			y++;
		lx = strlen(x);
		ly = strlen(y);
		if (lx != ly)
			return (lx < ly ? -1 : 1);
		if ((c = strcmp(x, y)) != 0)
			return (c);
	}
	return (strcmp(a, b));
}

static int
run_cmp(struct run *a, struct run *b)
{
	return (run_id_cmp(a->id, b->id));
}

static int
agent_cmp(struct agent *a, struct agent *b)
{
	return (strcmp(a->name, b->name));
}

static int
mtype_cmp(struct mtype *a, struct mtype *b)
{
	return (strcmp(a->name, b->name));
}

/* Replace *dst by a copy of src unless equal. */
static void
set_str(char **dst, const char *src)
{
	if (*dst != NULL && strcmp(*dst, src) == 0)
		return;
	free(*dst);
	*dst = xstrdup(src);
}

/* Count one name, keeping the tally sorted by count. */
static void
tally_add(struct tally *t, const char *name)
{
	struct tally_ent	tmp;
	size_t			i;

	if (*name == '\0')
		return;
	for (i = 0; i < t->len; i++) {
		if (strcmp(t->v[i].name, name) == 0)
			break;
	}
	if (i == t->len) {
		if (t->len == RUN_TALLY_MAX) {
			t->other++;
			return;
		}
		if (t->v == NULL)
			t->v = xcalloc(RUN_TALLY_MAX, sizeof *t->v);
		t->v[i].name = xstrdup(name);
		t->v[i].n = 0;
		t->len++;
	}
	t->v[i].n++;
	while (i > 0 && t->v[i - 1].n < t->v[i].n) {
		tmp = t->v[i - 1];
		t->v[i - 1] = t->v[i];
		t->v[i] = tmp;
		i--;
	}
}

static void
tally_free(struct tally *t)
{
	size_t	i;

	for (i = 0; i < t->len; i++)
		free(t->v[i].name);
	free(t->v);
	memset(t, 0, sizeof *t);
}

struct runs *
run_create(size_t max_runs, size_t max_agents, size_t max_types)
{
	struct runs	*rs;

	rs = xcalloc(1, sizeof *rs);
	RB_INIT(&rs->runs);
	RB_INIT(&rs->agents);
	RB_INIT(&rs->types);
	RB_INIT(&rs->nss);
	TAILQ_INIT(&rs->run_lru);
	TAILQ_INIT(&rs->agent_lru);
	TAILQ_INIT(&rs->type_lru);
	TAILQ_INIT(&rs->ns_lru);
	rs->max_runs = max_runs ? max_runs : RUNS_DEFAULT_MAX_RUNS;
	rs->max_agents = max_agents ? max_agents : RUNS_DEFAULT_MAX_AGENTS;
	rs->max_types = max_types ? max_types : RUNS_DEFAULT_MAX_TYPES;
	return (rs);
}

static void
run_free_one(struct run *r)
{
	size_t	i, n;

	n = r->nhist < RUN_HIST_MAX ? r->nhist : RUN_HIST_MAX;
	for (i = 0; i < n; i++) {
		free(r->hist[i].type);
		free(r->hist[i].state);
		free(r->hist[i].substate);
	}
	free(r->hist);
	tally_free(&r->types);
	tally_free(&r->agents);
	history_seqs_free(&r->seqs);
	free(r->id);
	free(r->ns);
	free(r->state);
	free(r->substate);
	free(r->last_file);
	free(r);
}

static void
net_agent_free(struct agent *a)
{
	tally_free(&a->types);
	free(a->name);
	free(a->last_run);
	free(a);
}

static void
runs_remove_run(struct runs *rs, struct run *r)
{
	RB_REMOVE(run_tree, &rs->runs, r);
	TAILQ_REMOVE(&rs->run_lru, r, lru);
	rs->nruns--;
	if (rs->last_run == r)
		rs->last_run = NULL;
	run_free_one(r);
}

static void
runs_remove_agent(struct runs *rs, struct agent *a)
{
	RB_REMOVE(run_agent_tree, &rs->agents, a);
	TAILQ_REMOVE(&rs->agent_lru, a, lru);
	rs->nagents--;
	if (rs->last_agent == a)
		rs->last_agent = NULL;
	net_agent_free(a);
}

static void
runs_remove_name(struct run_mtype_tree *tree, struct mtype_lru *lru, size_t *n,
    struct mtype *t)
{
	RB_REMOVE(run_mtype_tree, tree, t);
	TAILQ_REMOVE(lru, t, lru);
	(*n)--;
	free(t->name);
	free(t);
}

static void
runs_remove_type(struct runs *rs, struct mtype *t)
{
	runs_remove_name(&rs->types, &rs->type_lru, &rs->ntypes, t);
}

void
run_free(struct runs *rs)
{
	struct run	*r;
	struct agent	*a;
	struct mtype	*t;

	if (rs == NULL)
		return;
	while ((r = TAILQ_FIRST(&rs->run_lru)) != NULL)
		runs_remove_run(rs, r);
	while ((a = TAILQ_FIRST(&rs->agent_lru)) != NULL)
		runs_remove_agent(rs, a);
	while ((t = TAILQ_FIRST(&rs->type_lru)) != NULL)
		runs_remove_type(rs, t);
	while ((t = TAILQ_FIRST(&rs->ns_lru)) != NULL)
		runs_remove_name(&rs->nss, &rs->ns_lru, &rs->nns, t);
	free(rs);
}

struct run *
run_find(struct runs *rs, const char *id)
{
	struct run	key;

	if (rs->last_run != NULL && strcmp(rs->last_run->id, id) == 0)
		return (rs->last_run);
	key.id = (char *)id;
	return (RB_FIND(run_tree, &rs->runs, &key));
}

struct agent *
run_find_agent(struct runs *rs, const char *name)
{
	struct agent	key;

	if (rs->last_agent != NULL && strcmp(rs->last_agent->name, name) == 0)
		return (rs->last_agent);
	key.name = (char *)name;
	return (RB_FIND(run_agent_tree, &rs->agents, &key));
}

/* Find or create a run and make it the most recently seen. */
static struct run *
runs_get_run(struct runs *rs, const char *id, int64_t now)
{
	struct run	*r;

	if ((r = run_find(rs, id)) == NULL) {
		r = xcalloc(1, sizeof *r);
		r->serial = ++rs->serial;
		r->id = xstrdup(id);
		r->ns = xstrdup("");
		r->state = xstrdup("");
		r->substate = xstrdup("");
		r->last_file = xstrdup("");
		r->first_us = now;
		spark_ring_init(&r->stf_recent, RUN_RECENT_SLOT);
		RB_INSERT(run_tree, &rs->runs, r);
		TAILQ_INSERT_TAIL(&rs->run_lru, r, lru);
		rs->nruns++;
		while (rs->nruns > rs->max_runs) {
			runs_remove_run(rs, TAILQ_FIRST(&rs->run_lru));
			rs->evicted_runs++;
		}
	} else if (r != TAILQ_LAST(&rs->run_lru, run_lru)) {
		TAILQ_REMOVE(&rs->run_lru, r, lru);
		TAILQ_INSERT_TAIL(&rs->run_lru, r, lru);
	}
	rs->last_run = r;
	return (r);
}

static struct agent *
runs_get_agent(struct runs *rs, const char *name, int64_t now)
{
	struct agent	*a;

	if ((a = run_find_agent(rs, name)) == NULL) {
		a = xcalloc(1, sizeof *a);
		a->serial = ++rs->serial;
		a->name = xstrdup(name);
		a->last_run = xstrdup("");
		a->first_us = now;
		RB_INSERT(run_agent_tree, &rs->agents, a);
		TAILQ_INSERT_TAIL(&rs->agent_lru, a, lru);
		rs->nagents++;
		while (rs->nagents > rs->max_agents) {
			runs_remove_agent(rs, TAILQ_FIRST(&rs->agent_lru));
			rs->evicted_agents++;
		}
	} else if (a != TAILQ_LAST(&rs->agent_lru, agent_lru)) {
		TAILQ_REMOVE(&rs->agent_lru, a, lru);
		TAILQ_INSERT_TAIL(&rs->agent_lru, a, lru);
	}
	rs->last_agent = a;
	return (a);
}

/* Count a name in a bounded table of names (types or namespaces). */
static void
runs_count_name(struct run_mtype_tree *tree, struct mtype_lru *lru, size_t *n,
    size_t max, uint64_t *evicted, const char *name)
{
	struct mtype	*t, key;

	key.name = (char *)name;
	if ((t = RB_FIND(run_mtype_tree, tree, &key)) == NULL) {
		t = xcalloc(1, sizeof *t);
		t->name = xstrdup(name);
		RB_INSERT(run_mtype_tree, tree, t);
		TAILQ_INSERT_TAIL(lru, t, lru);
		(*n)++;
		while (*n > max) {
			runs_remove_name(tree, lru, n, TAILQ_FIRST(lru));
			if (evicted != NULL)
				(*evicted)++;
		}
	} else if (t != TAILQ_LAST(lru, mtype_lru)) {
		TAILQ_REMOVE(lru, t, lru);
		TAILQ_INSERT_TAIL(lru, t, lru);
	}
	t->count++;
}

static void
runs_count_type(struct runs *rs, const char *name)
{
	runs_count_name(&rs->types, &rs->type_lru, &rs->ntypes,
	    rs->max_types, &rs->evicted_types, name);
}

/* Append a lifecycle change to a run's bounded history. */
static void
run_hist_add(struct run *r, const struct msg *m, const char *type)
{
	struct run_change	*c;
	size_t			 slot;

	if (r->nhist < RUN_HIST_MAX) {
		slot = r->nhist;
		if (slot == r->hist_cap) {
			r->hist_cap = r->hist_cap == 0 ? 2 : r->hist_cap * 2;
			if (r->hist_cap > RUN_HIST_MAX)
				r->hist_cap = RUN_HIST_MAX;
			r->hist = xreallocarray(r->hist, r->hist_cap,
			    sizeof *r->hist);
		}
	} else {
		slot = r->nhist % RUN_HIST_MAX;
		c = &r->hist[slot];
		free(c->type);
		free(c->state);
		free(c->substate);
	}
	c = &r->hist[slot];
	c->at = m->recv_us;
	c->type = xstrdup(type);
	c->state = xstrdup(msg_get(m, MF_STATE));
	c->substate = xstrdup(msg_get(m, MF_SUBSTATE));
	r->nhist++;
}

size_t
run_hist_len(const struct run *r)
{
	return (r->nhist < RUN_HIST_MAX ? r->nhist : RUN_HIST_MAX);
}

const struct run_change *
run_hist_at(const struct run *r, size_t i)
{
	if (r->nhist <= RUN_HIST_MAX)
		return (&r->hist[i]);
	return (&r->hist[(r->nhist + i) % RUN_HIST_MAX]);
}

/* Sequences, end_run's total and joining mid-way. */
static void
run_account_seq(struct run *r, const struct msg *m, const char *type)
{
	struct hist_key	k;
	int		stf = strcmp(type, "stf_gen") == 0;

	/* A workflow run first seen after its run_imminent. */
	if (r->total == 0 && strcmp(type, "run_imminent") != 0 &&
	    (stf || msg_is_lifecycle(type) || strcmp(type, "stf_ready") == 0))
		r->midway = 1;
	if (!stf && strcmp(type, "end_run") != 0)
		return;
	if (!m->is_json || history_key_of(msg_json(m), m->jsonlen, &k) != 0)
		return;
	if (stf && k.seq >= 1) {
		if ((uint64_t)k.seq > (uint64_t)r->seqs.max + 1 && r->merged)
			r->merged = 0;	/* a new hole */
		history_seqs_add(&r->seqs, k.seq);
	} else if (!stf && k.total > 0)
		r->seqs.expect = k.total > HIST_SEQ_MAX ? HIST_SEQ_MAX :
		    (uint32_t)k.total;
}

static void
run_account(struct run *r, const struct msg *m, const char *type)
{
	const char	*s;

	run_account_seq(r, m, type);
	r->total++;
	r->last_us = m->recv_us;
	if (strcmp(type, "stf_gen") == 0) {
		r->stf_gen++;
		spark_ring_add(&r->stf_recent, m->recv_us, 1);
		spark_life_add(&r->stf_life, m->recv_us, 1);
	} else if (strcmp(type, "stf_ready") == 0) {
		/* Files only: the one-per-run shape (req_id, no filename)
		 * made a finished run read "20/21". */
		if (*msg_get(m, MF_FILE) != '\0') {
			r->stf_ready++;
			spark_life_add(&r->proc_life, m->recv_us, 1);
		}
	} else if (strcmp(type, "tf_file_registered") == 0) {
		r->tf_files++;
		spark_life_add(&r->proc_life, m->recv_us, 1);
	} else if (!msg_is_lifecycle(type))
		r->other++;	/* sse_test, announcement, unknown types */
	if (*(s = msg_get(m, MF_NAMESPACE)) != '\0')
		set_str(&r->ns, s);
	if (*(s = msg_get(m, MF_FILE)) != '\0')
		set_str(&r->last_file, s);
	if (msg_is_lifecycle(type)) {
		run_hist_add(r, m, type);
		if (*(s = msg_get(m, MF_STATE)) != '\0') {
			set_str(&r->state, s);
			set_str(&r->substate, msg_get(m, MF_SUBSTATE));
		}
		if (strcmp(type, "end_run") == 0) {
			r->ended = 1;
			r->end_us = m->recv_us;
		} else if (strcmp(type, "run_imminent") == 0 ||
		    strcmp(type, "start_run") == 0) {
			/* A run id reused for a new run. */
			r->ended = 0;
		}
	}
	tally_add(&r->types, type);
	tally_add(&r->agents, msg_get(m, MF_AGENT));
}

uint32_t
run_missing(const struct run *r)
{
	return (history_seqs_missing(&r->seqs));
}

size_t
run_missing_list(const struct run *r, uint32_t from, uint32_t *out, size_t n)
{
	return (history_seqs_list(&r->seqs, from, out, n));
}

char *
run_missing_text(const struct run *r, char *buf, size_t size)
{
	return (history_seqs_ranges(&r->seqs, 1, buf, size));
}

uint32_t
run_stf_expected(const struct run *r)
{
	return (history_seqs_last(&r->seqs));
}

int
run_midway(const struct run *r)
{
	return (r->midway);
}

int
run_merged(const struct run *r)
{
	return (r->merged);
}

uint64_t
run_missing_known(const struct runs *rs)
{
	const struct run	*r;
	uint64_t		 n = 0;

	TAILQ_FOREACH(r, &rs->run_lru, lru) {
		if (run_merged(r))
			n += run_missing(r);
	}
	return (n);
}

void
run_set_merged(struct runs *rs, const char *id)
{
	struct run	*r;

	if ((r = run_find(rs, id)) != NULL)
		r->merged = 1;
}

void
run_add(struct runs *rs, const struct msg *m)
{
	const char	*type = msg_get(m, MF_TYPE);
	const char	*id = msg_get(m, MF_RUN);
	const char	*name = msg_get(m, MF_AGENT), *ns;
	struct agent	*a;

	if (*type != '\0')
		runs_count_type(rs, type);
	if (*(ns = msg_get(m, MF_NAMESPACE)) != '\0')
		runs_count_name(&rs->nss, &rs->ns_lru, &rs->nns,
		    rs->max_types, NULL, ns);
	if (*id != '\0')
		run_account(runs_get_run(rs, id, m->recv_us), m, type);
	if (*name != '\0') {
		a = runs_get_agent(rs, name, m->recv_us);
		a->count++;
		a->last_us = m->recv_us;
		if (*id != '\0')
			set_str(&a->last_run, id);
		tally_add(&a->types, type);
	}
}
