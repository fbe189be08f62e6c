/*
 * t-history.c: unit tests of the history core, from PROTOCOL.md ("REST
 * history for back-fill", "Messages"): identity across enrichment, the
 * seen-set's exactly-once rule and its bound, the item reader, sequence
 * holes and lifecycle steps.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "xmalloc.h"
#include "t.h"

static uint64_t
id_of(const char *json)
{
	struct hist_key	k;

	history_key_of(json, strlen(json), &k);
	return (k.id);
}

static void
t_identity(void)
{
	struct hist_key	k;
	/* The agent's message, as history keeps it in message_content. */
	const char *orig = "{\"msg_type\": \"stf_gen\", \"run_id\": \"102317\", "
	    "\"execution_id\": \"stf_datataking-wenauseic-0044\", "
	    "\"sequence\": 16, \"filename\": \"swf.102317.000016.stf\", "
	    "\"timestamp\": \"2026-12-01 13:47:07.123\", "
	    "\"sender\": \"daq-agent-wenaus-1\", \"state\": \"run\"}";
	/* The same, enriched by the monitor and re-serialized. */
	const char *live = "{\"msg_type\":\"stf_gen\",\"run_id\":\"102317\","
	    "\"execution_id\":\"stf_datataking-wenauseic-0044\","
	    "\"sequence\":16,\"filename\":\"swf.102317.000016.stf\","
	    "\"timestamp\":\"2026-12-01 13:47:07.123\","
	    "\"sender\":\"daq-agent-wenaus-1\",\"state\":\"run\","
	    "\"sender_agent\":\"daq-agent-wenaus-1\",\"namespace\":\"wenaus\","
	    "\"queue_name\":\"epictopic\","
	    "\"sent_at\":\"2026-12-01T18:47:07.200000+00:00\"}";

	CHECK(id_of(orig) == id_of(live));
	CHECK(id_of(orig) != 0);
	/* run_id as a number is the same run as the string. */
	CHECK(id_of("{\"msg_type\":\"x\",\"run_id\":7}") ==
	    id_of("{\"msg_type\":\"x\",\"run_id\":\"7\"}"));
	/* Escapes do not change the identity (ensure_ascii on the wire). */
	CHECK(id_of("{\"msg_type\":\"x\",\"sender\":\"caf\\u00e9\"}") ==
	    id_of("{\"msg_type\":\"x\",\"sender\":\"caf\xc3\xa9\"}"));
	/* sent_at and sender_agent never count. */
	CHECK(id_of("{\"msg_type\":\"x\",\"sent_at\":\"a\"}") ==
	    id_of("{\"msg_type\":\"x\",\"sent_at\":\"b\"}"));
	CHECK(id_of("{\"msg_type\":\"x\",\"sender_agent\":\"a\"}") ==
	    id_of("{\"msg_type\":\"x\"}"));
	/* Each identity field does. */
	CHECK(id_of("{\"msg_type\":\"x\",\"sequence\":1}") !=
	    id_of("{\"msg_type\":\"x\",\"sequence\":2}"));
	CHECK(id_of("{\"msg_type\":\"x\",\"timestamp\":\"1\"}") !=
	    id_of("{\"msg_type\":\"x\",\"timestamp\":\"2\"}"));
	CHECK(id_of("{\"msg_type\":\"x\",\"created_at\":\"1\"}") !=
	    id_of("{\"msg_type\":\"x\",\"created_at\":\"2\"}"));
	CHECK(id_of("{\"msg_type\":\"x\",\"sender\":\"a\"}") !=
	    id_of("{\"msg_type\":\"x\",\"sender\":\"b\"}"));
	CHECK(id_of("{\"msg_type\":\"x\",\"filename\":\"a\"}") !=
	    id_of("{\"msg_type\":\"x\",\"filename\":\"b\"}"));
	CHECK(id_of("{\"msg_type\":\"x\",\"execution_id\":\"a\"}") !=
	    id_of("{\"msg_type\":\"x\",\"execution_id\":\"b\"}"));
	CHECK(id_of("{\"msg_type\":\"x\"}") != id_of("{\"msg_type\":\"y\"}"));
	/* Absent differs from empty; fields do not run into each other. */
	CHECK(id_of("{\"msg_type\":\"x\"}") !=
	    id_of("{\"msg_type\":\"x\",\"sender\":\"\"}"));
	CHECK(id_of("{\"msg_type\":\"ab\",\"run_id\":\"c\"}") !=
	    id_of("{\"msg_type\":\"a\",\"run_id\":\"bc\"}"));

	CHECK_INT(history_key_of(orig, strlen(orig), &k), 0);
	CHECK(!k.weak);
	{
		const char *w = "{\"msg_type\":\"sse_test\",\"n\":1}";
		const char *s = "{\"msg_type\":\"a\",\"sender\":\"s\"}";

		history_key_of(w, strlen(w), &k);
		CHECK(k.weak);
		history_key_of(s, strlen(s), &k);
		CHECK(!k.weak);
	}
	CHECK_INT(history_key_of(orig, strlen(orig), &k), 0);
	CHECK_STR(k.type, "stf_gen");
	CHECK_STR(k.run, "102317");
	CHECK_STR(k.exec, "stf_datataking-wenauseic-0044");
	CHECK_INT(k.seq, 16);
	CHECK_INT(k.total, -1);
	{
		const char *j = "{\"run_id\":\"5\",\"sequence\":\"12\","
		    "\"total_stf_files\":30}";
		history_key_of(j, strlen(j), &k);
	}
	CHECK_INT(k.seq, 12);
	CHECK_INT(k.total, 30);
	/* Not an object: still an identity, and -1. */
	CHECK_INT(history_key_of("not json", 8, &k), -1);
	CHECK(k.id != 0);
	CHECK_STR(k.run, "");
	/* Terminal controls never reach the run id. */
	{
		const char *j = "{\"run_id\":\"a\\u001b[2Jb\"}";
		CHECK_INT(history_key_of(j, strlen(j), &k), 0);
	}
	CHECK(strchr(k.run, 0x1b) == NULL);
}

static void
t_seen(void)
{
	struct hist_seen	*s;
	uint64_t		 i;
	int			 n;

	s = history_seen_create(100);
	/* History first: delivered, its live copy dropped, once. */
	CHECK_INT(history_seen_check(s, 11, HSRC_HISTORY), 1);
	CHECK_INT(history_seen_check(s, 11, HSRC_LIVE), 0);
	CHECK_INT(history_seen_check(s, 11, HSRC_LIVE), 1);
	/* Live first: the history copy dropped, however often read. */
	CHECK_INT(history_seen_check(s, 12, HSRC_LIVE), 1);
	CHECK_INT(history_seen_check(s, 12, HSRC_HISTORY), 0);
	CHECK_INT(history_seen_check(s, 12, HSRC_HISTORY), 0);
	/* A second history read of the same item: dropped. */
	CHECK_INT(history_seen_check(s, 13, HSRC_HISTORY), 1);
	CHECK_INT(history_seen_check(s, 13, HSRC_HISTORY), 0);
	CHECK_INT(history_seen_check(s, 13, HSRC_LIVE), 0);
	/* Identical live messages are real ones. */
	CHECK_INT(history_seen_check(s, 14, HSRC_LIVE), 1);
	CHECK_INT(history_seen_check(s, 14, HSRC_LIVE), 1);
	CHECK_INT(history_seen_count(s), 4);
	/* A forgotten live message: history delivers it, then the copy. */
	history_seen_forget(s, 14);
	CHECK_INT(history_seen_check(s, 14, HSRC_HISTORY), 1);
	CHECK_INT(history_seen_check(s, 14, HSRC_LIVE), 0);
	history_seen_free(s);

	/* Bounded: the oldest are forgotten, the newest kept. */
	s = history_seen_create(1000);
	for (i = 1; i <= 5000; i++)
		CHECK_INT(history_seen_check(s, i * 0x9e3779b97f4a7c15ULL,
		    HSRC_LIVE), 1);
	CHECK_INT(history_seen_count(s), 1000);
	CHECK_INT(history_seen_forgotten(s), 4000);
	for (i = 4001, n = 0; i <= 5000; i++)
		n += history_seen_check(s, i * 0x9e3779b97f4a7c15ULL,
		    HSRC_HISTORY);
	CHECK_INT(n, 0);
	CHECK_INT(history_seen_check(s, 1 * 0x9e3779b97f4a7c15ULL,
	    HSRC_HISTORY), 1);
	/* Colliding home slots survive removals (backward shift). */
	history_seen_free(s);
	s = history_seen_create(8);
	for (i = 1; i <= 64; i++)
		history_seen_check(s, i << 20, HSRC_LIVE);
	for (i = 57, n = 0; i <= 64; i++)
		n += history_seen_check(s, i << 20, HSRC_HISTORY);
	CHECK_INT(n, 0);
	CHECK_INT(history_seen_count(s), 8);
	history_seen_free(s);
}

static void
t_items(void)
{
	struct hist_items	 it;
	struct jscan_val	 v[HK_COUNT];
	const struct jscan_keys	*k = history_item_keys();
	char			 buf[64], *m;
	size_t			 len;
	const char *ans = " [ {\"message_id\": \"u1\", \"message_type\": "
	    "\"stf_gen\", \"sender_agent\": \"daq\", \"namespace\": \"ns1\", "
	    "\"execution_id\": \"e-1\", \"run_id\": \"7\", "
	    "\"sent_at\": \"2026-12-01T13:47:07-05:00\", "
	    "\"message_content\": {\"msg_type\": \"stf_gen\", \"run_id\": \"7\","
	    " \"sequence\": 1, \"sender\": \"daq\", \"text\": \"}]{\\\"\"}},"
	    "{\"message_type\": \"end_run\", \"message_content\": "
	    "{\"run_id\": 7, \"total_stf_files\": 1}} ]\n";

	CHECK_INT(history_items_begin(&it, ans, strlen(ans)), 0);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 1);
	CHECK_INT(v[HK_CONTENT].type, JT_OBJECT);
	CHECK_STR(history_val_text(&v[HK_EXEC], buf, sizeof buf), "e-1");
	CHECK_STR(history_val_text(&v[HK_RUN], buf, sizeof buf), "7");
	m = history_item_message(v, &len);
	CHECK(m != NULL);
	if (m != NULL) {
		CHECK_INT(strlen(m), len);
		CHECK(strstr(m, "\"namespace\":\"ns1\"") != NULL);
		CHECK(strstr(m, "\"sent_at\":\"2026-12-01T13:47:07-05:00\"") !=
		    NULL);
		CHECK(strstr(m, "\"sender_agent\":\"daq\"") != NULL);
		CHECK(strstr(m, "\"message_id\"") == NULL);
		/* Its identity is the one the stream's copy has. */
		CHECK(id_of(m) == id_of("{\"msg_type\":\"stf_gen\","
		    "\"run_id\":\"7\",\"sequence\":1,\"sender\":\"daq\"}"));
		free(m);
	}
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 1);
	m = history_item_message(v, &len);
	CHECK(m != NULL && strstr(m, "\"msg_type\":\"end_run\"") != NULL);
	free(m);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 0);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 0);

	/* Not a list (HTML, an object, nothing). */
	CHECK_INT(history_items_begin(&it, "<html>", 6), -1);
	CHECK_INT(history_items_begin(&it, "{\"detail\":1}", 12), -1);
	CHECK_INT(history_items_begin(&it, "", 0), -1);
	CHECK_INT(history_items_begin(&it, "[]", 2), 0);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 0);
	/* Truncated or garbled: the items before stay good. */
	CHECK_INT(history_items_begin(&it, "[{\"a\":1},{\"a\":", 14), 0);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 1);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), -1);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 0);
	CHECK_INT(history_items_begin(&it, "[{\"a\":1} {\"a\":2}]", 17), 0);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 1);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), -1);
	CHECK_INT(history_items_begin(&it, "[1,2]", 5), 0);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), -1);
	CHECK_INT(history_items_begin(&it, "[{\"a\":tru}]", 11), 0);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), -1);
	/* An item without a usable message_content. */
	CHECK_INT(history_items_begin(&it, "[{\"message_content\":3}]", 23), 0);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 1);
	CHECK(history_item_message(v, &len) == NULL);
	/* Splicing: an empty object, spaces, a present null, escapes. */
	{
		static const struct {
			const char *ans, *want;
		} sp[] = {
			{ "[{\"message_type\":\"x\",\"message_content\":{}}]",
			  "{\"msg_type\":\"x\"}" },
			{ "[{\"namespace\":\"n\",\"message_content\": { \"a\" :"
			  " 1 } }]", "{ \"a\" : 1 ,\"namespace\":\"n\"}" },
			{ "[{\"sender_agent\":\"s\",\"message_content\":"
			  "{\"sender_agent\":null}}]", "{\"sender_agent\":null}" },
			{ "[{\"sent_at\":\"t\\u00e9\",\"message_content\":"
			  "{\"sender\":\"a\\\"b\",\"recipient\":\"r\"}}]",
			  "{\"sender\":\"a\\\"b\",\"recipient\":\"r\","
			  "\"sender_agent\":\"a\\\"b\",\"recipient_agent\":"
			  "\"r\",\"sent_at\":\"t\\u00e9\"}" },
		};
		size_t	i;

		for (i = 0; i < sizeof sp / sizeof sp[0]; i++) {
			CHECK_INT(history_items_begin(&it, sp[i].ans,
			    strlen(sp[i].ans)), 0);
			CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 1);
			m = history_item_message(v, &len);
			CHECK_STR(m, sp[i].want);
			CHECK(m != NULL && jscan_object(m, len, 0, NULL,
			    NULL) >= 0);
			free(m);
		}
	}
	/* message_content kept as a JSON string. */
	ans = "[{\"message_content\":\"{\\\"msg_type\\\":\\\"a\\\"}\"}]";
	CHECK_INT(history_items_begin(&it, ans, strlen(ans)), 0);
	CHECK_INT(history_items_next(&it, k, v, NULL, NULL), 1);
	m = history_item_message(v, &len);
	CHECK(m != NULL && strcmp(m, "{\"msg_type\":\"a\"}") == 0);
	free(m);
}

static void
t_seqs(void)
{
	struct hist_seqs	s;
	uint32_t		out[8];
	char			buf[64];

	memset(&s, 0, sizeof s);
	CHECK_INT(history_seqs_add(&s, 1), 1);
	CHECK_INT(history_seqs_add(&s, 1), 0);
	CHECK_INT(history_seqs_add(&s, 0), 0);
	CHECK_INT(history_seqs_add(&s, -3), 0);
	CHECK_INT(history_seqs_add(&s, 2), 1);
	CHECK_INT(history_seqs_add(&s, 5), 1);
	CHECK_INT(history_seqs_add(&s, 300), 1);
	CHECK_INT(history_seqs_missing(&s), 300 - 4);
	CHECK_INT(history_seqs_list(&s, 1, out, 8), 8);
	CHECK_INT(out[0], 3);
	CHECK_INT(out[1], 4);
	CHECK_INT(out[2], 6);
	history_seqs_free(&s);

	memset(&s, 0, sizeof s);
	for (int i = 1; i <= 20; i++)
		if (i < 16 || i > 18)
			history_seqs_add(&s, i);
	CHECK_INT(history_seqs_missing(&s), 3);
	CHECK_STR(history_seqs_ranges(&s, 1, buf, sizeof buf),
	    "16\xe2\x80\x93" "18");
	CHECK_STR(history_seqs_ranges(&s, 17, buf, sizeof buf),
	    "17\xe2\x80\x93" "18");
	CHECK_INT(history_seqs_missing_from(&s, 17), 2);
	CHECK_INT(history_seqs_missing_from(&s, 1), 3);
	s.expect = 22;
	CHECK_INT(history_seqs_missing(&s), 5);
	CHECK_STR(history_seqs_ranges(&s, 1, buf, sizeof buf),
	    "16\xe2\x80\x93" "18, 21\xe2\x80\x93" "22");
	history_seqs_add(&s, 17);
	CHECK_STR(history_seqs_ranges(&s, 1, buf, sizeof buf),
	    "16, 18, 21\xe2\x80\x93" "22");
	CHECK_INT(history_seqs_add(&s, HIST_SEQ_MAX + 1), 0);
	history_seqs_free(&s);
}

static int
add(struct hist_runs *rs, const char *json, enum hist_source src, int mh)
{
	struct hist_key	 k;
	struct hist_run	*r;

	history_key_of(json, strlen(json), &k);
	return (history_runs_add(rs, &k, src, mh, &r));
}

static void
t_runs(void)
{
	struct hist_runs	 rs;
	struct hist_run		*r;

	history_runs_init(&rs, 2);
	/* A run seen from its start: no hole. */
	CHECK_INT(add(&rs, "{\"msg_type\":\"run_imminent\",\"run_id\":\"1\","
	    "\"execution_id\":\"e1\"}", HSRC_LIVE, 1), 0);
	CHECK_INT(add(&rs, "{\"msg_type\":\"start_run\",\"run_id\":\"1\"}",
	    HSRC_LIVE, 1), 0);
	CHECK_INT(add(&rs, "{\"msg_type\":\"stf_gen\",\"run_id\":\"1\","
	    "\"sequence\":1}", HSRC_LIVE, 1), 0);
	CHECK_INT(add(&rs, "{\"msg_type\":\"stf_gen\",\"run_id\":\"1\","
	    "\"sequence\":2}", HSRC_LIVE, 1), 0);
	/* A jump in the sequence is a hole. */
	CHECK_INT(add(&rs, "{\"msg_type\":\"stf_gen\",\"run_id\":\"1\","
	    "\"sequence\":6}", HSRC_LIVE, 1), 1);
	r = history_runs_find(&rs, "1");
	CHECK(r != NULL && r->hole && strcmp(r->exec, "e1") == 0);
	CHECK_INT(history_seqs_missing(&r->seqs), 3);
	/* History fills it without opening another. */
	CHECK_INT(add(&rs, "{\"msg_type\":\"stf_gen\",\"run_id\":\"1\","
	    "\"sequence\":4}", HSRC_HISTORY, 1), 0);
	CHECK_INT(history_seqs_missing(&r->seqs), 2);
	/* end_run's total beyond what was seen is a hole. */
	CHECK_INT(add(&rs, "{\"msg_type\":\"end_run\",\"run_id\":\"1\","
	    "\"total_stf_files\":9}", HSRC_LIVE, 1), 1);
	CHECK_INT(history_seqs_missing(&r->seqs), 5);

	/* Joined mid-way: a hole only when asked (all, or after a drop). */
	CHECK_INT(add(&rs, "{\"msg_type\":\"stf_gen\",\"run_id\":\"2\","
	    "\"sequence\":7}", HSRC_LIVE, 0), 0);
	r = history_runs_find(&rs, "2");
	CHECK(r != NULL && r->midway && !r->hole);
	CHECK_INT(add(&rs, "{\"msg_type\":\"stf_gen\",\"run_id\":\"2\","
	    "\"sequence\":8}", HSRC_LIVE, 0), 0);
	CHECK_INT(add(&rs, "{\"msg_type\":\"stf_gen\",\"run_id\":\"3\","
	    "\"sequence\":3}", HSRC_LIVE, 1), 1);
	/* Bounded: run 1 (least recently seen) was evicted. */
	CHECK(history_runs_find(&rs, "1") == NULL);
	CHECK_INT(rs.n, 2);

	/* A lifecycle step skipped: start_run never came. */
	history_runs_clear(&rs);
	CHECK_INT(add(&rs, "{\"msg_type\":\"run_imminent\",\"run_id\":\"9\"}",
	    HSRC_LIVE, 1), 0);
	CHECK_INT(add(&rs, "{\"msg_type\":\"stf_gen\",\"run_id\":\"9\","
	    "\"sequence\":1}", HSRC_LIVE, 1), 1);
	/* Messages without a run are not tracked. */
	CHECK_INT(add(&rs, "{\"msg_type\":\"sse_test\"}", HSRC_LIVE, 1), 0);
	history_runs_clear(&rs);
	CHECK_INT(rs.n, 0);
}

/* history_has_execution() says what memmem() would, at every place. */
static void
t_has_execution(void)
{
	static const char	*key = "\"execution_id\"";
	char			 buf[64];
	size_t			 at, cut;

	CHECK_INT(history_has_execution("", 0), 0);
	CHECK_INT(history_has_execution("xxxx", 4), 0);
	CHECK_INT(history_has_execution("{\"execution_id\":1}", 18), 1);
	/* Without its quotes, or cut short, it is not there. */
	CHECK_INT(history_has_execution("{execution_id:1}", 16), 0);
	CHECK_INT(history_has_execution("\"execution_id\"", 13), 0);
	CHECK_INT(history_has_execution("x\"execution_id", 15), 0);
	for (at = 0; at + 14 <= 40; at++) {
		memset(buf, 'x', sizeof buf);
		memcpy(buf + at, key, 14);
		for (cut = 0; cut <= 40; cut++)
			CHECK_INT(history_has_execution(buf, cut),
			    memmem(buf, cut, key, 14) != NULL);
	}
	/*
	 * Past the 16-byte pass too, among near misses ("exe, "execution_),
	 * in buffers of their exact size (ASan sees a read past the end).
	 */
	for (cut = 0; cut <= 100; cut++) {
		for (at = 0; at <= cut; at++) {
			char	*b = xmalloc(cut > 0 ? cut : 1);
			size_t	 i;

			for (i = 0; i < cut; i++)
				b[i] = "\"execution_x"[i % 12];
			if (at + 14 <= cut)
				memcpy(b + at, key, 14);
			CHECK_INT(history_has_execution(b, cut),
			    memmem(b, cut, key, 14) != NULL);
			free(b);
		}
	}
	/* history_find_quoted() finds the first, as memmem() does. */
	for (at = 0; at + 14 <= 40; at++) {
		memset(buf, '"', sizeof buf);
		memcpy(buf + at, key, 14);
		memcpy(buf + 40, key, 14);
		for (cut = 0; cut <= 54; cut++)
			CHECK(history_find_quoted(buf, cut, key, 14) ==
			    memmem(buf, cut, key, 14));
	}
	CHECK(history_find_quoted("{\"a\":1}", 7, "\"msg_type\"", 10) == NULL);
}

int
main(void)
{
	CHECK_INT(history_mode_parse("off"), HIST_OFF);
	CHECK_INT(history_mode_parse("gaps"), HIST_GAPS);
	CHECK_INT(history_mode_parse("all"), HIST_ALL);
	CHECK_INT(history_mode_parse("some"), -1);
	CHECK_STR(history_mode_name(HIST_GAPS), "gaps");
	t_identity();
	t_has_execution();
	t_seen();
	t_items();
	t_seqs();
	t_runs();
	return (t_done("t-history"));
}
