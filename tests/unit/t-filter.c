/* t-filter.c: unit tests for message filters. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "msg.h"
#include "xmalloc.h"
#include "t.h"

static struct msg *
dec(const char *event, const char *json)
{
	return (msg_decode(event, json, strlen(json), 0));
}

static void
test_sets(void)
{
	struct filter	*f = filter_create(), *g;
	char		*s, big[300];
	int		 i;

	CHECK(filter_is_empty(f));
	s = filter_describe(f);
	CHECK_STR(s, "all");
	free(s);
	CHECK_INT(filter_add_list(f, FK_TYPE, " stf_gen, data_ready ,,  ,"
	    "\tend_run\t"), 0);
	CHECK_INT(filter_count(f, FK_TYPE), 3);
	CHECK_STR(filter_value(f, FK_TYPE, 0), "data_ready");
	CHECK_STR(filter_value(f, FK_TYPE, 1), "end_run");
	CHECK_STR(filter_value(f, FK_TYPE, 2), "stf_gen");
	CHECK(filter_value(f, FK_TYPE, 3) == NULL);
	CHECK(filter_has(f, FK_TYPE, "stf_gen"));
	CHECK(!filter_has(f, FK_TYPE, " stf_gen"));
	CHECK(!filter_has(f, FK_AGENT, "stf_gen"));
	CHECK_INT(filter_add(f, FK_TYPE, "stf_gen"), 0);
	CHECK_INT(filter_count(f, FK_TYPE), 3);
	CHECK_INT(filter_add(f, FK_TYPE, ""), 0);
	CHECK_INT(filter_count(f, FK_TYPE), 3);
	CHECK_INT(filter_add_list(f, FK_AGENT, ""), 0);
	CHECK_INT(filter_add_list(f, FK_AGENT, " , "), 0);
	CHECK_INT(filter_count(f, FK_AGENT), 0);
	CHECK(!filter_is_empty(f));
	CHECK_INT(filter_add_list(f, FK_RUN, "100042"), 0);
	CHECK_INT(filter_add(f, FK_AGENT, "x"), 0);
	s = filter_describe(f);
	CHECK_STR(s, "type=data_ready,end_run,stf_gen agent=x run=100042");
	free(s);

	g = filter_dup(f);
	CHECK(filter_equal(f, g));
	filter_remove(g, FK_TYPE, "end_run");
	filter_remove(g, FK_TYPE, "absent");
	CHECK(!filter_equal(f, g));
	CHECK_INT(filter_count(g, FK_TYPE), 2);
	CHECK_STR(filter_value(g, FK_TYPE, 1), "stf_gen");
	CHECK_INT(filter_toggle(g, FK_TYPE, "end_run"), 1);
	CHECK(filter_equal(f, g));
	CHECK_INT(filter_toggle(g, FK_TYPE, "end_run"), 0);
	CHECK(!filter_has(g, FK_TYPE, "end_run"));
	filter_clear(g, FK_TYPE);
	CHECK_INT(filter_count(g, FK_TYPE), 0);
	s = filter_describe(g);
	CHECK_STR(s, "agent=x run=100042");
	free(s);
	filter_clear_all(g);
	CHECK(filter_is_empty(g));
	CHECK(!filter_equal(f, g));
	filter_free(g);

	/* Caps: 256 bytes per value, 1024 values per kind. */
	memset(big, 'v', sizeof big);
	big[256] = '\0';
	CHECK_INT(filter_add(f, FK_AGENT, big), 0);
	big[256] = 'v';
	big[257] = '\0';
	CHECK_INT(filter_add(f, FK_AGENT, big), -1);
	CHECK_INT(filter_count(f, FK_AGENT), 2);
	filter_clear(f, FK_RUN);
	for (i = 0; i < 1024; i++) {
		snprintf(big, sizeof big, "%d", i);
		if (filter_add(f, FK_RUN, big) != 0)
			break;
	}
	CHECK_INT(i, 1024);
	CHECK_INT(filter_add(f, FK_RUN, "more"), -1);
	CHECK_INT(filter_add(f, FK_RUN, "5"), 0);
	CHECK_INT(filter_toggle(f, FK_RUN, "more"), 0);
	CHECK_INT(filter_add_list(f, FK_RUN, "1,2,zz,3"), -1);
	CHECK_INT(filter_count(f, FK_RUN), 1024);
	for (i = 1; i < 1024; i++) {
		if (strcmp(filter_value(f, FK_RUN, i - 1),
		    filter_value(f, FK_RUN, i)) >= 0)
			break;
	}
	CHECK_INT(i, 1024);
	filter_free(f);
	filter_free(NULL);
}

static void
test_match(void)
{
	struct filter	*f = filter_create();
	struct msg	*sender, *num, *pb, *sa, *str, *hid, *unk;

	/* PROTOCOL.md quirks: only `sender`, and a numeric run_id. */
	sender = dec("stf_gen", "{\"msg_type\": \"stf_gen\", "
	    "\"sender\": \"daq-agent\", \"run_id\": 100042}");
	num = dec("data_ready", "{\"run_id\": 100042, "
	    "\"sender_agent\": \"data-agent\"}");
	pb = dec("x", "{\"msg_type\": \"end_run\", \"processed_by\": \"p\", "
	    "\"sender\": \"daq-agent\"}");
	sa = dec("x", "{\"msg_type\": \"start_run\", \"sender_agent\": \"s\"}");
	str = dec("x", "{\"msg_type\": \"stf_gen\", \"run_id\": \"100042\"}");
	hid = dec("x", "{\"sender\": \"real\", \"sender_agent\": "
	    "\"data-agent\"}");
	unk = dec("x", "{\"sender\": \"unknown\", \"processed_by\": \"real\", "
	    "\"sender_agent\": \"unknown\"}");

	CHECK(filter_match(f, sender));
	CHECK(filter_match(f, num));

	filter_add(f, FK_AGENT, "daq-agent");
	CHECK(filter_match(f, sender));
	CHECK(filter_match(f, pb));	/* sender, though processed_by is p */
	CHECK(!filter_match(f, num));
	CHECK(!filter_match(f, sa));
	filter_add(f, FK_AGENT, "s");
	CHECK(filter_match(f, sa));
	filter_clear_all(f);
	/*
	 * Only the agent a message is shown under matches: not a
	 * processed_by or sender_agent that its sender hides, nor the
	 * monitor's placeholder "unknown".
	 */
	filter_add(f, FK_AGENT, "p");
	CHECK(!filter_match(f, pb));
	filter_add(f, FK_AGENT, "data-agent");
	CHECK(filter_match(f, num));
	CHECK(!filter_match(f, hid));
	filter_add(f, FK_AGENT, "unknown");
	CHECK(!filter_match(f, unk));
	filter_add(f, FK_AGENT, "real");
	CHECK(filter_match(f, unk));
	CHECK(filter_match(f, hid));
	filter_clear_all(f);

	filter_add_list(f, FK_RUN, "100042");
	CHECK(filter_match(f, sender));
	CHECK(filter_match(f, num));
	CHECK(filter_match(f, str));
	CHECK(!filter_match(f, pb));

	/* AND across kinds, OR within one. */
	filter_add_list(f, FK_TYPE, "stf_gen,end_run");
	CHECK(filter_match(f, sender));
	CHECK(filter_match(f, str));
	CHECK(!filter_match(f, num));
	CHECK(!filter_match(f, pb));
	filter_add(f, FK_AGENT, "daq-agent");
	CHECK(filter_match(f, sender));
	CHECK(!filter_match(f, str));

	/* Only the kinds in the mask count. */
	CHECK(filter_match_kinds(f, str, 1u << FK_TYPE));
	CHECK(filter_match_kinds(f, str, (1u << FK_TYPE) | (1u << FK_RUN)));
	CHECK(!filter_match_kinds(f, str, 1u << FK_AGENT));
	CHECK(filter_match_kinds(f, pb, 1u << FK_AGENT | 1u << FK_TYPE));
	CHECK(!filter_match_kinds(f, pb, 1u << FK_RUN));
	CHECK(filter_match_kinds(f, num, 0));
	CHECK(filter_match_kinds(f, num, 1u << FK_RUN));

	free(sender);
	free(num);
	free(pb);
	free(sa);
	free(str);
	free(hid);
	free(unk);
	filter_free(f);
}

/* Namespaces: matched here only, AND with the other kinds. */
static void
test_namespace(void)
{
	struct filter	*f = filter_create(), *g;
	struct msg	*a, *b, *p, *none, *empty, *num;
	char		*s;

	a = dec("stf_gen", "{\"msg_type\": \"stf_gen\", \"namespace\": "
	    "\"alpha\", \"sender\": \"daq-agent-alpha-1\", \"run_id\": \"1\"}");
	b = dec("stf_gen", "{\"msg_type\": \"stf_gen\", \"namespace\": "
	    "\"beta\", \"sender\": \"daq-agent-beta-1\", \"run_id\": \"1\"}");
	p = dec("payload_log_ready", "{\"namespace\": \"prodops\", "
	    "\"summary\": \"s\"}");
	none = dec("sse_test", "{\"msg_type\": \"sse_test\"}");
	empty = dec("x", "{\"namespace\": \"\"}");
	num = dec("x", "{\"namespace\": 7}");

	CHECK_INT(filter_add_list(f, FK_NS, " alpha , prodops,"), 0);
	CHECK_INT(filter_count(f, FK_NS), 2);
	CHECK_INT(filter_count(f, FK_TYPE) + filter_count(f, FK_AGENT) +
	    filter_count(f, FK_RUN), 0);
	s = filter_describe(f);
	CHECK_STR(s, "namespace=alpha,prodops");
	free(s);
	CHECK(filter_match(f, a));
	CHECK(!filter_match(f, b));
	CHECK(filter_match(f, p));
	/* No namespace never matches a namespace filter. */
	CHECK(!filter_match(f, none));
	CHECK(!filter_match(f, empty));
	filter_add(f, FK_NS, "7");
	CHECK(filter_match(f, num));
	/* AND with the other kinds, OR within. */
	filter_add(f, FK_TYPE, "stf_gen");
	CHECK(filter_match(f, a));
	CHECK(!filter_match(f, p));
	filter_add(f, FK_AGENT, "daq-agent-beta-1");
	CHECK(!filter_match(f, a));
	CHECK(!filter_match(f, b));
	filter_add(f, FK_NS, "beta");
	CHECK(filter_match(f, b));
	s = filter_describe(f);
	CHECK_STR(s, "type=stf_gen agent=daq-agent-beta-1 "
	    "namespace=7,alpha,beta,prodops");
	free(s);
	/* The mask leaves namespaces out like any kind. */
	CHECK(filter_match_kinds(f, p, 1u << FK_NS));
	CHECK(!filter_match_kinds(f, none, 1u << FK_NS));
	CHECK(filter_match_kinds(f, none, 0));
	/* Toggle, copy, compare, clear. */
	CHECK_INT(filter_toggle(f, FK_NS, "beta"), 0);
	CHECK(!filter_match(f, b));
	g = filter_dup(f);
	CHECK(filter_equal(f, g));
	filter_clear(g, FK_NS);
	CHECK(!filter_equal(f, g));
	CHECK_INT(filter_count(g, FK_NS), 0);
	CHECK_INT(filter_count(g, FK_TYPE), 1);
	filter_free(g);
	free(a);
	free(b);
	free(p);
	free(none);
	free(empty);
	free(num);
	filter_free(f);
}

int
main(void)
{
	test_sets();
	test_match();
	test_namespace();
	return (t_done("t-filter"));
}
