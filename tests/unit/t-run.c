/* t-run.c: unit tests for the per-run, per-agent and per-type tables. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "run.h"
#include "t.h"

/* Account one message of type/agent/run (file, state, substate, ns). */
static void
feed(struct runs *rs, const char *type, const char *agent, const char *run,
    const char *file, const char *state, const char *substate,
    const char *ns, int64_t at)
{
	const char	*f[MF_COUNT] = { 0 };
	struct msg	*m;

	f[MF_TYPE] = type;
	f[MF_AGENT] = agent;
	f[MF_SENDER] = agent;
	f[MF_RUN] = run;
	f[MF_FILE] = file;
	f[MF_STATE] = state;
	f[MF_SUBSTATE] = substate;
	f[MF_NAMESPACE] = ns;
	m = t_msg("{}", f, at);
	run_add(rs, m);
	free(m);
}

static void
test_run_id_cmp(void)
{
	CHECK(run_id_cmp("9", "10") < 0);
	CHECK(run_id_cmp("10", "9") > 0);
	CHECK(run_id_cmp("100042", "100042") == 0);
	CHECK(run_id_cmp("99999", "100000") < 0);
	CHECK(run_id_cmp("100", "abc") < 0);
	CHECK(run_id_cmp("abc", "100") > 0);
	CHECK(run_id_cmp("run-2", "run-10") > 0);	/* bytes */
	CHECK(run_id_cmp("007", "7") != 0);		/* distinct ids */
	CHECK(run_id_cmp("007", "7") == -run_id_cmp("7", "007"));
	CHECK(run_id_cmp("007", "8") < 0);
	CHECK(run_id_cmp("", "1") > 0);
}

/* A whole run: counts, state stamps, end, history, tallies. */
static void
test_run_lifecycle(void)
{
	struct runs		*rs = run_create(0, 0, 0);
	struct run		*r;
	struct agent		*a;
	const struct run_change	*c;
	char			 file[32];
	int			 i;

	feed(rs, "run_imminent", "daq", "100042", NULL, "no_beam",
	    "not_ready", "epic", 1000);
	feed(rs, "start_run", "daq", "100042", NULL, "run", "physics",
	    NULL, 2000);
	for (i = 0; i < 5; i++) {
		snprintf(file, sizeof file, "stf_%03d.dat", i);
		feed(rs, "stf_gen", "daq", "100042", file, NULL, NULL, NULL,
		    3000 + i);
		feed(rs, "stf_ready", "daq", "100042", file, NULL, NULL,
		    NULL, 3000 + i);
		feed(rs, "tf_file_registered", "data-agent", "100042", file,
		    NULL, NULL, NULL, 3000 + i);
		feed(rs, "processing_complete", "proc-agent", "100042", file,
		    NULL, NULL, NULL, 3000 + i);
	}
	/* The data agent's one-per-run stf_ready (req_id, no filename). */
	feed(rs, "stf_ready", "data-agent", "100042", NULL, NULL, NULL, NULL,
	    3004);
	CHECK((r = run_find(rs, "100042")) != NULL);
	CHECK_STR(r->ns, "epic");
	CHECK_STR(r->state, "run");
	CHECK_STR(r->substate, "physics");
	CHECK(!r->ended);
	CHECK_INT(r->stf_gen, 5);
	CHECK_INT(r->stf_ready, 5);
	CHECK_INT(r->tf_files, 5);
	CHECK_INT(r->other, 5);	/* processing_complete: not the workflow's */
	CHECK_INT(r->total, 23);
	CHECK_STR(r->last_file, "stf_004.dat");
	CHECK_INT(r->first_us, 1000);
	CHECK_INT(r->last_us, 3004);

	feed(rs, "pause_run", "daq", "100042", NULL, "beam", "standby", NULL,
	    4000);
	CHECK_STR(r->state, "beam");
	CHECK_STR(r->substate, "standby");
	feed(rs, "end_run", "daq", "100042", NULL, NULL, NULL, NULL, 5000);
	CHECK(r->ended);
	CHECK_INT(r->end_us, 5000);
	/* A lifecycle message without a stamp keeps the last one. */
	CHECK_STR(r->state, "beam");

	CHECK_INT(run_hist_len(r), 4);
	c = run_hist_at(r, 0);
	CHECK_STR(c->type, "run_imminent");
	CHECK_STR(c->state, "no_beam");
	CHECK_INT(c->at, 1000);
	c = run_hist_at(r, 3);
	CHECK_STR(c->type, "end_run");
	CHECK_INT(c->at, 5000);

	/* Tallies sorted by count: daq sent 2 + 10 + 2 = 14. */
	CHECK_STR(r->agents.v[0].name, "daq");
	CHECK_INT(r->agents.v[0].n, 14);
	CHECK_INT(r->agents.len, 3);
	CHECK_INT(r->types.len, 8);
	CHECK_STR(r->types.v[0].name, "stf_ready");	/* 5 files, 1 per run */
	CHECK_INT(r->types.v[0].n, 6);
	CHECK_INT(r->types.v[7].n, 1);

	CHECK((a = run_find_agent(rs, "data-agent")) != NULL);
	CHECK_INT(a->count, 6);
	CHECK_STR(a->last_run, "100042");
	CHECK_STR(a->types.v[0].name, "tf_file_registered");
	CHECK(run_find_agent(rs, "nobody") == NULL);
	CHECK(run_find(rs, "100043") == NULL);
	CHECK_INT(rs->ntypes, 8);
	run_free(rs);
}

/* Messages without a run or agent touch only the type table. */
static void
test_no_run(void)
{
	struct runs	*rs = run_create(0, 0, 0);

	feed(rs, "sse_test", NULL, NULL, NULL, NULL, NULL, NULL, 1);
	CHECK_INT(rs->nruns, 0);
	CHECK_INT(rs->nagents, 0);
	CHECK_INT(rs->ntypes, 1);
	run_free(rs);
}

/* The caps evict the least recently seen entries. */
static void
test_caps(void)
{
	struct runs	*rs = run_create(3, 2, 2);
	struct run	*r;
	char		 id[16], name[16];
	int		 i;

	for (i = 1; i <= 3; i++) {
		snprintf(id, sizeof id, "%d", i);
		feed(rs, "stf_gen", "a1", id, NULL, NULL, NULL, NULL, i);
	}
	feed(rs, "stf_gen", "a1", "1", NULL, NULL, NULL, NULL, 10);
	feed(rs, "stf_gen", "a1", "4", NULL, NULL, NULL, NULL, 11);
	CHECK_INT(rs->nruns, 3);
	CHECK(run_find(rs, "2") == NULL);	/* least recently seen */
	CHECK(run_find(rs, "1") != NULL);
	CHECK(run_find(rs, "3") != NULL);
	CHECK(run_find(rs, "4") != NULL);
	CHECK_INT(rs->evicted_runs, 1);
	/* A run seen again after eviction starts over. */
	feed(rs, "stf_gen", "a1", "2", NULL, NULL, NULL, NULL, 12);
	CHECK((r = run_find(rs, "2")) != NULL && r->total == 1);
	CHECK(run_find(rs, "3") == NULL);

	/* Order by id: 1 2 4; most recent first: 2 4 1. */
	i = 0;
	RB_FOREACH(r, run_tree, &rs->runs) {
		CHECK_STR(r->id, i == 0 ? "1" : i == 1 ? "2" : "4");
		i++;
	}
	i = 0;
	TAILQ_FOREACH_REVERSE(r, &rs->run_lru, run_lru, lru) {
		CHECK_STR(r->id, i == 0 ? "2" : i == 1 ? "4" : "1");
		i++;
	}

	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof name, "agent%d", i);
		feed(rs, "t", name, NULL, NULL, NULL, NULL, NULL, 20 + i);
	}
	CHECK_INT(rs->nagents, 2);
	CHECK(run_find_agent(rs, "agent4") != NULL);
	CHECK(run_find_agent(rs, "agent0") == NULL);
	CHECK_INT(rs->ntypes, 2);
	run_free(rs);
}

/* The history ring and the tally cap. */
static void
test_bounds(void)
{
	struct runs		*rs = run_create(0, 0, 0);
	struct run		*r;
	char			 t[16];
	int			 i;

	for (i = 0; i < 100; i++)
		feed(rs, i % 2 ? "pause_run" : "resume_run", "daq", "r",
		    NULL, "run", i % 2 ? "standby" : "physics", NULL, i);
	r = run_find(rs, "r");
	CHECK_INT(r->nhist, 100);
	CHECK_INT(run_hist_len(r), RUN_HIST_MAX);
	CHECK_INT(run_hist_at(r, 0)->at, 100 - RUN_HIST_MAX);
	CHECK_INT(run_hist_at(r, RUN_HIST_MAX - 1)->at, 99);
	for (i = 0; i < 40; i++) {
		snprintf(t, sizeof t, "type%d", i);
		feed(rs, t, "daq", "r", NULL, NULL, NULL, NULL, 200 + i);
	}
	CHECK_INT(r->types.len, RUN_TALLY_MAX);
	CHECK_INT(r->types.other, 40 + 2 - RUN_TALLY_MAX);
	CHECK_INT(r->total, 140);
	run_free(rs);
}

/* Decode and account one message given as JSON. */
static void
feed_json(struct runs *rs, const char *json)
{
	struct msg	*m;

	m = msg_decode("message", json, strlen(json), 1000);
	run_add(rs, m);
	free(m);
}

static void
test_gaps(void)
{
	struct runs	*rs = run_create(0, 0, 0);
	struct run	*r;
	uint32_t	 out[4];
	char		 buf[64], json[160];
	int		 i;

	/* Joined mid-way at sequence 5; 8 and 9 lost; end_run says 12. */
	for (i = 5; i <= 10; i++) {
		if (i == 8 || i == 9)
			continue;
		snprintf(json, sizeof json, "{\"msg_type\":\"stf_gen\","
		    "\"run_id\":\"102317\",\"sequence\":%d,\"filename\":"
		    "\"swf.102317.%06d.stf\"}", i, i);
		feed_json(rs, json);
	}
	CHECK((r = run_find(rs, "102317")) != NULL);
	CHECK(run_midway(r));
	CHECK(!run_merged(r));
	CHECK_INT(run_missing_known(rs), 0);	/* the history may fill */
	CHECK_INT(r->stf_gen, 4);
	CHECK_INT(run_stf_expected(r), 10);
	CHECK_INT(run_missing(r), 6);
	CHECK_INT(run_missing_list(r, 1, out, 4), 4);
	CHECK_INT(out[3], 4);
	CHECK_INT(run_missing_list(r, 5, out, 4), 2);
	CHECK_INT(out[0], 8);
	CHECK_INT(out[1], 9);
	feed_json(rs, "{\"msg_type\":\"end_run\",\"run_id\":102317,"
	    "\"total_stf_files\":12}");
	CHECK_INT(run_stf_expected(r), 12);
	CHECK_INT(run_missing(r), 8);
	/* History brings 1-4 (numbers as strings too). */
	for (i = 1; i <= 4; i++) {
		snprintf(json, sizeof json, "{\"msg_type\":\"stf_gen\","
		    "\"run_id\":\"102317\",\"sequence\":\"%d\"}", i);
		feed_json(rs, json);
	}
	run_set_merged(rs, "102317");
	CHECK(run_merged(r));
	CHECK_INT(run_missing(r), 4);
	CHECK_INT(run_missing_known(rs), 4);
	CHECK_STR(run_missing_text(r, buf, sizeof buf),
	    "8\xe2\x80\x93" "9, 11\xe2\x80\x93" "12");
	/* A new hole after the merge clears it. */
	feed_json(rs, "{\"msg_type\":\"stf_gen\",\"run_id\":\"102317\","
	    "\"sequence\":20}");
	CHECK(!run_merged(r));
	CHECK_INT(run_missing_known(rs), 0);
	/* A run seen from run_imminent is not mid-way. */
	feed_json(rs, "{\"msg_type\":\"run_imminent\",\"run_id\":\"7\"}");
	CHECK((r = run_find(rs, "7")) != NULL);
	CHECK(!run_midway(r));
	CHECK_INT(run_missing(r), 0);
	run_free(rs);
}

int
main(void)
{
	test_gaps();
	test_run_id_cmp();
	test_run_lifecycle();
	test_no_run();
	test_caps();
	test_bounds();
	return (t_done("t-run"));
}
