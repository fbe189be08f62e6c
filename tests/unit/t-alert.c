/*
 * t-alert.c: the alert engine's rules on a fake clock: each raises once,
 * clears when its condition ends, does not flap, and run rules stay
 * quiet after end_run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "msg.h"
#include "run.h"
#include "t.h"

#define S	1000000LL
#define T0	(1767225600LL * S)	/* 2026-01-01 */

/* Transitions seen by the callback. */
static int	 n_raised, n_cleared;
static char	 last_subject[256], last_text[512];
static int	 last_raised;

static void
on_alert(const struct alert *a, int raised, void *arg)
{
	(void)arg;
	if (raised)
		n_raised++;
	else
		n_cleared++;
	last_raised = raised;
	snprintf(last_subject, sizeof last_subject, "%s", a->subject);
	snprintf(last_text, sizeof last_text, "%s", a->text);
}

static void
reset(void)
{
	n_raised = n_cleared = 0;
	last_subject[0] = last_text[0] = '\0';
}

/* Feed one message (JSON text) at time t. */
static void
feed(struct alerts *as, int64_t t, const char *json)
{
	struct msg	*m;

	m = msg_decode("message", json, strlen(json), t);
	alert_message(as, m);
	free(m);
}

static void
feed_type(struct alerts *as, int64_t t, const char *type, const char *run)
{
	char	buf[256];

	snprintf(buf, sizeof buf, "{\"msg_type\": \"%s\", \"run_id\": \"%s\", "
	    "\"sender\": \"daq-agent-u-1\"}", type, run);
	feed(as, t, buf);
}

static struct alert_cfg
cfg_default(void)
{
	struct alert_cfg	c;

	memset(&c, 0, sizeof c);
	return (c);
}

static void
test_run_stalled(void)
{
	struct alert_cfg	 c = cfg_default();
	struct alerts		*as = alert_create(&c, on_alert, NULL);
	const struct alert	*a;
	int64_t			 t;

	reset();
	alert_stream(as, 1, NULL, T0);
	feed_type(as, T0, "start_run", "100");
	alert_tick(as, T0 + 59 * S);
	CHECK_INT(n_raised, 0);
	alert_tick(as, T0 + 61 * S);
	CHECK_INT(n_raised, 1);
	CHECK_STR(last_subject, "run_stalled run=100");
	CHECK(strstr(last_text, "run 100") != NULL);
	CHECK_INT(alert_nactive(as), 1);
	CHECK(alert_on_run(as, "100"));
	CHECK(!alert_on_run(as, "101"));
	a = TAILQ_FIRST(alert_active(as));
	CHECK(a != NULL && a->kind == ALERT_RUN_STALLED);
	CHECK(a != NULL && strcmp(a->run, "100") == 0 && *a->agent == '\0');
	CHECK(a != NULL && a->raised == T0 + 61 * S && a->cleared == 0);
	/* Raised once, however long it lasts. */
	for (t = T0 + 62 * S; t < T0 + 300 * S; t += S)
		alert_tick(as, t);
	CHECK_INT(n_raised, 1);
	CHECK_INT(n_cleared, 0);
	/* Its next message clears it at once. */
	feed(as, T0 + 300 * S, "{\"msg_type\": \"stf_gen\", \"run_id\": "
	    "\"100\", \"sequence\": 1, \"filename\": \"swf.100.000001.stf\"}");
	CHECK_INT(n_cleared, 1);
	CHECK_INT(last_raised, 0);
	CHECK_INT(alert_nactive(as), 0);
	CHECK_INT(alert_ncleared(as), 1);
	a = TAILQ_FIRST(alert_cleared(as));
	CHECK(a != NULL && a->cleared == T0 + 300 * S);
	/* A new silence needs the whole --stall-after again. */
	alert_tick(as, T0 + 330 * S);
	alert_tick(as, T0 + 359 * S);
	CHECK_INT(n_raised, 1);
	alert_tick(as, T0 + 361 * S);
	CHECK_INT(n_raised, 2);

	/* Paused: not running, so never stalled; resumed: it is again. */
	feed_type(as, T0 + 400 * S, "pause_run", "100");
	CHECK_INT(n_cleared, 2);
	alert_tick(as, T0 + 1000 * S);
	CHECK_INT(n_raised, 2);
	feed_type(as, T0 + 1000 * S, "resume_run", "100");
	alert_tick(as, T0 + 1061 * S);
	CHECK_INT(n_raised, 3);

	/* Ended: never after end_run, however long the silence. */
	feed_type(as, T0 + 1100 * S, "end_run", "100");
	CHECK_INT(alert_nactive(as), 0);
	alert_tick(as, T0 + 5000 * S);
	CHECK_INT(n_raised, 3);
	/* A late stf_gen of the ended run does not make it running. */
	feed(as, T0 + 5001 * S, "{\"msg_type\": \"stf_gen\", \"run_id\": "
	    "\"100\", \"state\": \"run\", \"substate\": \"physics\"}");
	alert_tick(as, T0 + 6000 * S);
	CHECK_INT(n_raised, 3);

	/* Only imminent: not started, no alert. */
	feed_type(as, T0 + 6000 * S, "run_imminent", "200");
	alert_tick(as, T0 + 7000 * S);
	CHECK_INT(n_raised, 3);
	/* Joined in the middle: a run/physics stamp counts as running. */
	feed(as, T0 + 7000 * S, "{\"msg_type\": \"stf_gen\", \"run_id\": "
	    "\"300\", \"state\": \"run\", \"substate\": \"physics\"}");
	alert_tick(as, T0 + 7061 * S);
	CHECK_INT(n_raised, 4);
	CHECK_STR(last_subject, "run_stalled run=300");
	alert_free(as);

	/* --stall-after is honoured. */
	c.stall_after = 5;
	as = alert_create(&c, on_alert, NULL);
	reset();
	alert_stream(as, 1, NULL, T0);
	feed_type(as, T0, "start_run", "7");
	alert_tick(as, T0 + 4 * S);
	CHECK_INT(n_raised, 0);
	alert_tick(as, T0 + 5 * S);
	CHECK_INT(n_raised, 1);
	alert_free(as);
}

static void
test_stf_gap(void)
{
	struct alerts	*as = alert_create(NULL, on_alert, NULL);
	uint64_t	 miss[] = { 5, 6, 9 }, many[40];
	size_t		 i;

	reset();
	alert_stream(as, 1, NULL, T0);
	feed_type(as, T0, "start_run", "42");
	alert_gaps(as, "42", 0, NULL, 0, T0);
	CHECK_INT(n_raised, 0);
	alert_gaps(as, "42", 3, miss, 3, T0 + S);
	CHECK_INT(n_raised, 1);
	CHECK_STR(last_subject, "stf_gap run=42");
	CHECK(strstr(last_text, "5, 6, 9") != NULL);
	CHECK(strstr(last_text, "3 STF missing") != NULL);
	/* The same facts again: nothing new. */
	alert_gaps(as, "42", 3, miss, 3, T0 + 2 * S);
	alert_tick(as, T0 + 3 * S);
	CHECK_INT(n_raised, 1);
	/* A longer list: the text follows, still one alert. */
	for (i = 0; i < 40; i++)
		many[i] = 100 + i;
	alert_gaps(as, "42", 40, many, 40, T0 + 4 * S);
	CHECK_INT(n_raised, 1);
	CHECK_STR(TAILQ_FIRST(alert_active(as))->subject, "stf_gap run=42");
	CHECK(strstr(TAILQ_FIRST(alert_active(as))->text,
	    "40 STF missing: 100, 101") != NULL);
	CHECK(strstr(TAILQ_FIRST(alert_active(as))->text, "and 24 more") !=
	    NULL);
	/* Filled (by the history, say): cleared. */
	alert_gaps(as, "42", 0, NULL, 0, T0 + 5 * S);
	CHECK_INT(n_cleared, 1);
	CHECK_INT(alert_nactive(as), 0);
	/* A hole of a run never seen still names it. */
	alert_gaps(as, "77", 1, miss, 1, T0 + 6 * S);
	CHECK_STR(last_subject, "stf_gap run=77");
	alert_free(as);
}

/* The holes come from the run aggregates once their history merged. */
static void
test_stf_gap_runs(void)
{
	struct alerts	*as = alert_create(NULL, on_alert, NULL);
	struct runs	*rs = run_create(0, 0, 0);
	struct msg	*m;
	char		 buf[256];
	int		 seqs[] = { 1, 2, 5, 7 };
	size_t		 i;

	reset();
	alert_stream(as, 1, NULL, T0);
	for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		snprintf(buf, sizeof buf, "{\"msg_type\": \"stf_gen\", "
		    "\"run_id\": \"8\", \"sequence\": %d, \"filename\": "
		    "\"swf.8.%06d.stf\"}", seqs[i], seqs[i]);
		m = msg_decode("stf_gen", buf, strlen(buf), T0);
		run_add(rs, m);
		free(m);
	}
	/* Holes the history may still fill: no alert yet. */
	alert_gaps_runs(as, rs, T0 + S);
	CHECK_INT(n_raised, 0);
	run_set_merged(rs, "8");
	alert_gaps_runs(as, rs, T0 + 2 * S);
	CHECK_INT(n_raised, 1);
	CHECK_STR(last_subject, "stf_gap run=8");
	CHECK_STR(last_text, "run 8: 3 STF missing: 3, 4, 6");
	alert_gaps_runs(as, rs, T0 + 3 * S);
	CHECK_INT(n_raised, 1);
	/* The run forgotten: nothing left to say about it. */
	run_free(rs);
	rs = run_create(0, 0, 0);
	alert_gaps_runs(as, rs, T0 + 4 * S);
	CHECK_INT(n_cleared, 1);
	run_free(rs);
	alert_free(as);
}

/* stf_gen number seq of run at t. */
static void
gen(struct alerts *as, int64_t t, const char *run, int seq)
{
	char	buf[256];

	snprintf(buf, sizeof buf, "{\"msg_type\": \"stf_gen\", \"run_id\": "
	    "\"%s\", \"sequence\": %d, \"filename\": \"swf.%s.%06d.stf\", "
	    "\"sender\": \"daq\", \"state\": \"run\", \"substate\": "
	    "\"physics\"}", run, seq, run, seq);
	feed(as, t, buf);
}

static void
ready(struct alerts *as, int64_t t, const char *run, int seq,
    const char *agent)
{
	char	buf[256];

	snprintf(buf, sizeof buf, "{\"msg_type\": \"stf_ready\", \"run_id\": "
	    "\"%s\", \"sequence\": %d, \"filename\": \"swf.%s.%06d.stf\", "
	    "\"processed_by\": \"%s\"}", run, seq, run, seq, agent);
	feed(as, t, buf);
}

static void
test_agent_behind(void)
{
	struct alert_cfg c = cfg_default();
	struct alerts	*as;
	int64_t		 t = T0;
	int		 i;

	c.stall_after = 1e6;	/* not this test's business */
	as = alert_create(&c, on_alert, NULL);

	reset();
	alert_stream(as, 1, NULL, T0);
	feed_type(as, t, "start_run", "5");
	gen(as, t, "5", 1);
	ready(as, t, "5", 1, "data-agent-u-1");
	/* 10 behind is not more than --behind-files 10. */
	for (i = 2; i <= 11; i++)
		gen(as, t += S, "5", i);
	alert_tick(as, t);
	CHECK_INT(n_raised, 0);
	gen(as, t += S, "5", 12);
	alert_tick(as, t);
	CHECK_INT(n_raised, 1);
	CHECK_STR(last_subject, "agent_behind run=5 agent=data-agent-u-1");
	CHECK(strstr(last_text, "11 STF behind") != NULL);
	CHECK(alert_on_agent(as, "data-agent-u-1"));
	CHECK(alert_on_run(as, "5"));
	/* The DAQ that generates is no processor: never behind. */
	CHECK(!alert_on_agent(as, "daq"));
	/* Catching up a little does not clear it (no flapping at 10). */
	for (i = 2; i <= 4; i++)
		ready(as, t += S / 10, "5", i, "data-agent-u-1");
	alert_tick(as, t);
	CHECK_INT(n_cleared, 0);
	gen(as, t += S, "5", 13);
	alert_tick(as, t);
	CHECK_INT(n_raised, 1);
	/* Well under the limit: cleared. */
	for (i = 5; i <= 9; i++)
		ready(as, t += S / 10, "5", i, "data-agent-u-1");
	alert_tick(as, t);
	CHECK_INT(n_cleared, 1);
	CHECK(!alert_on_agent(as, "data-agent-u-1"));

	/* Few files, but the oldest waits past --behind-after. */
	for (i = 10; i <= 13; i++)
		ready(as, t, "5", i, "data-agent-u-1");
	gen(as, t, "5", 14);
	alert_tick(as, t + 120 * S);
	CHECK_INT(n_raised, 1);
	alert_tick(as, t + 121 * S);
	CHECK_INT(n_raised, 2);
	CHECK(strstr(last_text, "1 STF behind") != NULL);
	CHECK(strstr(last_text, "2m01s") != NULL);
	ready(as, t + 122 * S, "5", 14, "data-agent-u-1");
	alert_tick(as, t + 122 * S);
	CHECK_INT(n_cleared, 2);

	/* After end_run, no new agent_behind for the run. */
	t += 200 * S;
	for (i = 15; i <= 40; i++)
		gen(as, t, "5", i);
	feed_type(as, t, "end_run", "5");
	alert_tick(as, t + 500 * S);
	CHECK_INT(n_raised, 2);

	/* tf_file_registered counts as processing too. */
	feed_type(as, t, "start_run", "6");
	feed(as, t, "{\"msg_type\": \"tf_file_registered\", \"run_id\": \"6\", "
	    "\"processed_by\": \"fastmon-agent-u-1\", \"stf_filename\": "
	    "\"swf.6.000001.stf\"}");
	for (i = 1; i <= 20; i++)
		gen(as, t, "6", i);
	alert_tick(as, t + S);
	CHECK_INT(n_raised, 3);
	CHECK_STR(last_subject, "agent_behind run=6 agent=fastmon-agent-u-1");
	alert_free(as);
}

static void
test_agent_silent(void)
{
	struct alert_cfg	 c = cfg_default();
	struct alerts		*as;
	struct alert_reg	 reg[2];
	int64_t			 t = T0;

	c.stall_after = 1e6;
	as = alert_create(&c, on_alert, NULL);

	reset();
	alert_stream(as, 1, NULL, T0);
	feed_type(as, t, "start_run", "9");
	ready(as, t, "9", 1, "data-agent-u-1");
	reg[0].name = "data-agent-u-1";
	reg[0].status = "OK";
	reg[0].heartbeat = t - 10 * S;
	/* Registered but never in the stream: not ours to judge. */
	reg[1].name = "other-agent";
	reg[1].status = "EXITED";
	reg[1].heartbeat = t - 3600 * S;
	alert_registry(as, reg, 2, t);
	CHECK_INT(n_raised, 0);
	/* The heartbeat ages on the clock: more than 5 minutes is silent. */
	ready(as, t + 280 * S, "9", 2, "data-agent-u-1");
	alert_tick(as, t + 290 * S);
	CHECK_INT(n_raised, 0);
	alert_tick(as, t + 291 * S);
	CHECK_INT(n_raised, 1);
	CHECK_STR(last_subject, "agent_silent agent=data-agent-u-1");
	CHECK(strstr(last_text, "no registry heartbeat for 5m01s") != NULL);
	alert_tick(as, t + 400 * S);
	CHECK_INT(n_raised, 1);
	/* A fresh heartbeat clears it. */
	reg[0].heartbeat = t + 400 * S;
	alert_registry(as, reg, 1, t + 401 * S);
	CHECK_INT(n_cleared, 1);

	/* EXITED while a run it served is active. */
	reg[0].status = "EXITED";
	alert_registry(as, reg, 1, t + 402 * S);
	CHECK_INT(n_raised, 2);
	CHECK(strstr(last_text, "EXITED while run 9") != NULL);
	alert_registry(as, reg, 1, t + 403 * S);
	CHECK_INT(n_raised, 2);
	/* Between two runs it stays raised: no flapping. */
	feed_type(as, t + 404 * S, "end_run", "9");
	alert_tick(as, t + 405 * S);
	feed_type(as, t + 406 * S, "start_run", "10");
	ready(as, t + 407 * S, "10", 1, "data-agent-u-1");
	alert_tick(as, t + 408 * S);
	CHECK_INT(n_cleared, 1);
	CHECK_INT(n_raised, 2);
	/* Healthy in the registry again: cleared at once. */
	reg[0].status = "OK";
	alert_registry(as, reg, 1, t + 409 * S);
	CHECK_INT(n_cleared, 2);
	/* ERROR too, but only while a run is active. */
	reg[0].status = "ERROR";
	feed_type(as, t + 410 * S, "end_run", "10");
	alert_registry(as, reg, 1, t + 411 * S);
	CHECK_INT(n_raised, 2);
	feed_type(as, t + 412 * S, "start_run", "11");
	ready(as, t + 412 * S, "11", 1, "data-agent-u-1");
	alert_tick(as, t + 413 * S);
	CHECK_INT(n_raised, 3);
	/* Gone from the registry: nothing to judge, cleared. */
	alert_registry(as, NULL, 0, t + 414 * S);
	CHECK_INT(n_cleared, 3);
	alert_free(as);

	/* Serving no running run for --stall-after: the agent may rest. */
	c.stall_after = 10;
	as = alert_create(&c, on_alert, NULL);
	reset();
	alert_stream(as, 1, NULL, t);
	feed_type(as, t, "start_run", "12");
	ready(as, t, "12", 1, "data-agent-u-1");
	reg[0].status = "EXITED";
	reg[0].heartbeat = t;
	alert_registry(as, reg, 1, t + S);
	CHECK_INT(n_raised, 1);
	feed_type(as, t + 2 * S, "end_run", "12");
	alert_tick(as, t + 3 * S);
	alert_tick(as, t + 12 * S);
	CHECK_INT(n_cleared, 0);
	alert_tick(as, t + 13 * S);
	CHECK_INT(n_cleared, 1);
	CHECK_INT(n_raised, 1);
	alert_free(as);
}

static void
test_stream_down(void)
{
	struct alert_cfg	 c = cfg_default();
	struct alerts		*as;
	int64_t			 t;

	c.stall_after = 60;
	as = alert_create(&c, on_alert, NULL);
	reset();
	alert_stream(as, 0, "connecting", T0);
	alert_tick(as, T0 + 59 * S);
	CHECK_INT(n_raised, 0);
	alert_stream(as, 0, "HTTP 503", T0 + 59 * S);
	alert_tick(as, T0 + 60 * S);
	CHECK_INT(n_raised, 1);
	CHECK_STR(last_subject, "stream_down");
	CHECK(strstr(last_text, "HTTP 503") != NULL);
	/* Open, but not yet for long: still raised. */
	alert_stream(as, 1, NULL, T0 + 70 * S);
	alert_tick(as, T0 + 75 * S);
	CHECK_INT(n_cleared, 0);
	/* A blip down and up again does not clear and raise again. */
	alert_stream(as, 0, "reset", T0 + 76 * S);
	alert_stream(as, 1, NULL, T0 + 77 * S);
	alert_tick(as, T0 + 86 * S);
	CHECK_INT(n_cleared, 0);
	alert_tick(as, T0 + 87 * S);
	CHECK_INT(n_cleared, 1);
	CHECK_INT(n_raised, 1);
	/* Short outages never raise. */
	for (t = T0 + 100 * S; t < T0 + 1000 * S; t += 30 * S) {
		alert_stream(as, 0, "reset", t);
		alert_tick(as, t + 20 * S);
		alert_stream(as, 1, NULL, t + 25 * S);
		alert_tick(as, t + 26 * S);
	}
	CHECK_INT(n_raised, 1);
	alert_free(as);
}

static void
test_execution_stale(void)
{
	struct alerts		*as = alert_create(NULL, on_alert, NULL);
	struct alert_exec	 ex[2];

	reset();
	alert_stream(as, 1, NULL, T0);
	ex[0].id = "stf_datataking-u-0001";
	ex[0].start = T0 - 13 * 3600 * S;
	ex[1].id = "stf_datataking-u-0002";
	ex[1].start = T0 - 3600 * S;
	alert_executions(as, ex, 2, T0);
	CHECK_INT(n_raised, 1);
	CHECK_STR(last_subject, "execution_stale");
	CHECK(strstr(last_text, "stf_datataking-u-0001") != NULL);
	CHECK(strstr(last_text, "13h00m") != NULL);
	alert_executions(as, ex, 2, T0 + S);
	CHECK_INT(n_raised, 1);
	/* The other one grows old on the clock. */
	alert_tick(as, T0 + 11 * 3600 * S + S);
	CHECK_INT(n_raised, 2);
	CHECK(strstr(last_text, "stf_datataking-u-0002") != NULL);
	/* No longer running: cleared. */
	alert_executions(as, &ex[1], 1, T0 + 11 * 3600 * S + 2 * S);
	CHECK_INT(n_cleared, 1);
	CHECK(strstr(last_text, "stf_datataking-u-0001") != NULL);
	CHECK_INT(alert_nactive(as), 1);
	alert_executions(as, NULL, 0, T0 + 11 * 3600 * S + 3 * S);
	CHECK_INT(n_cleared, 2);
	/* Told one by one as the history reads them, applied at the end. */
	alert_exec_told(as, "wf-u-0003", "2025-12-31T06:00:00-05:00");
	alert_exec_told(as, "wf-u-0004", "");
	alert_exec_told(as, "", "2025-12-31T06:00:00-05:00");
	CHECK_INT(n_raised, 2);
	alert_exec_end(as, T0);
	CHECK_INT(n_raised, 3);
	CHECK(strstr(last_text, "wf-u-0003 still running after 13h00m") !=
	    NULL);
	alert_exec_end(as, T0 + S);
	CHECK_INT(n_cleared, 3);
	alert_free(as);
}

static void
test_bounds(void)
{
	struct alert_cfg	 c = cfg_default();
	struct alerts		*as;
	uint64_t		 one = 1;
	char			 run[32];
	int			 i;

	as = alert_create(&c, on_alert, NULL);
	reset();
	alert_stream(as, 1, NULL, T0);
	/* Only the last 200 cleared alerts are kept. */
	for (i = 0; i < 250; i++) {
		snprintf(run, sizeof run, "r%d", i);
		alert_gaps(as, run, 1, &one, 1, T0 + i * S);
		alert_gaps(as, run, 0, NULL, 0, T0 + i * S);
	}
	CHECK_INT(n_raised, 250);
	CHECK_INT(alert_ncleared(as), 200);
	CHECK_STR(TAILQ_FIRST(alert_cleared(as))->run, "r249");
	CHECK_STR(TAILQ_LAST(alert_cleared(as), alert_list)->run, "r50");
	alert_free(as);

	/* At most max_active; the rest counted, raised once there is room. */
	c.max_active = 2;
	c.stall_after = 10;
	as = alert_create(&c, on_alert, NULL);
	reset();
	alert_stream(as, 1, NULL, T0);
	for (i = 0; i < 3; i++) {
		snprintf(run, sizeof run, "%d", i);
		feed_type(as, T0, "start_run", run);
	}
	alert_tick(as, T0 + 11 * S);
	CHECK_INT(alert_nactive(as), 2);
	CHECK(alert_suppressed(as) == 1);
	feed_type(as, T0 + 12 * S, "end_run", "0");
	alert_tick(as, T0 + 13 * S);
	CHECK_INT(alert_nactive(as), 2);
	CHECK_INT(n_raised, 3);
	alert_free(as);

	/* Runs are bounded: the least recently seen go, with their alerts. */
	as = alert_create(NULL, on_alert, NULL);
	reset();
	alert_gaps(as, "first", 1, &one, 1, T0);
	for (i = 0; i < ALERT_MAX_RUNS; i++) {
		snprintf(run, sizeof run, "%d", i);
		feed_type(as, T0 + S, "stf_gen", run);
	}
	CHECK_INT(n_cleared, 1);
	CHECK_STR(last_subject, "stf_gap run=first");
	CHECK_INT(alert_nactive(as), 0);
	alert_free(as);

	CHECK_STR(alert_kind_name(ALERT_EXECUTION_STALE), "execution_stale");
	CHECK(alert_kind_name(ALERT_NKINDS) == NULL);
}

static void
test_json(void)
{
	struct alert_cfg	 c = cfg_default();
	struct alerts		*as;
	const struct alert	*a;
	json_t			*reg;
	json_error_t		 err;
	char			*line;

	c.stall_after = 1e6;
	as = alert_create(&c, on_alert, NULL);
	reset();
	alert_stream(as, 1, NULL, T0);
	feed_type(as, T0, "start_run", "102363");
	ready(as, T0, "102363", 1, "data-agent-u-1");
	alert_tick(as, T0 + 123456);
	/* The registry's own answer: EXITED while run 102363 runs. */
	reg = json_loads("[{\"instance_name\": \"data-agent-u-1\", "
	    "\"status\": \"EXITED\", \"last_heartbeat\": "
	    "\"2025-12-31T19:00:00-05:00\"}, {\"status\": \"OK\"}, 7]", 0,
	    &err);
	CHECK(reg != NULL);
	alert_registry_json(as, reg, T0 + 2 * S);
	json_decref(reg);
	CHECK_INT(n_raised, 1);
	a = TAILQ_FIRST(alert_active(as));
	line = alert_json(a, 1);
	CHECK_STR(line, "{\"time\":\"2026-01-01T00:00:02.000Z\","
	    "\"alert\":\"agent_silent\",\"state\":\"raised\","
	    "\"agent\":\"data-agent-u-1\",\"text\":\"agent "
	    "data-agent-u-1: registry status EXITED while run 102363 it "
	    "served is active\"}");
	free(line);
	/* A heartbeat of 5 hours ago in New York time is stale too. */
	CHECK(strstr(a->text, "EXITED") != NULL);
	/* Not an array: the last read stands. */
	reg = json_loads("{\"detail\": \"x\"}", 0, &err);
	alert_registry_json(as, reg, T0 + 3 * S);
	json_decref(reg);
	CHECK_INT(alert_nactive(as), 1);
	/* A run alert names run_id as a string; cleared has its own time. */
	alert_gaps(as, "102363", 1, (uint64_t[]){ 4 }, 1,
	    T0 + 4 * S + 7000);
	alert_gaps(as, "102363", 0, NULL, 0, T0 + 5 * S);
	a = TAILQ_FIRST(alert_cleared(as));
	line = alert_json(a, 0);
	CHECK_STR(line, "{\"time\":\"2026-01-01T00:00:05.000Z\","
	    "\"alert\":\"stf_gap\",\"state\":\"cleared\","
	    "\"run_id\":\"102363\",\"text\":\"run 102363: 1 STF missing: "
	    "4\"}");
	free(line);
	line = alert_json(a, 1);
	CHECK(strncmp(line, "{\"time\":\"2026-01-01T00:00:04.007Z\"", 34)
	    == 0);
	free(line);
	alert_free(as);
}

int
main(void)
{
	test_run_stalled();
	test_stf_gap();
	test_stf_gap_runs();
	test_agent_behind();
	test_agent_silent();
	test_stream_down();
	test_execution_stale();
	test_bounds();
	test_json();
	return (t_done("t-alert"));
}
