/*
 * t-sse.c: unit tests for the event-stream parser. Every case is fed
 * whole, one byte at a time, at every 2-way split and (for short inputs)
 * at every 3-way split, and each run must give the same events.
 *
 * The parser's source is included so that the tests can look at its
 * buffers and prove that memory stays bounded.
 */
#include "sse.c"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "t.h"

/* Events serialized as "type|id|data;" with data escaped. */
struct coll {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 bad;	/* an event was not NUL-terminated at datalen */
};

static void
coll_add(struct coll *c, const char *s, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->s = xreallocarray(c->s, 1, c->cap);
	}
	memcpy(c->s + c->len, s, n);
	c->len += n;
	c->s[c->len] = '\0';
}

static void
coll_esc(struct coll *c, const char *s, size_t n)
{
	char	tmp[8];
	size_t	i;

	for (i = 0; i < n; i++) {
		unsigned char	ch = s[i];

		if (ch == '\n')
			coll_add(c, "\\n", 2);
		else if (ch == '\r')
			coll_add(c, "\\r", 2);
		else if (ch == '\\' || ch == '|' || ch == ';' || ch < 0x20 ||
		    ch >= 0x7f) {
			snprintf(tmp, sizeof tmp, "\\x%02x", ch);
			coll_add(c, tmp, 4);
		} else
			coll_add(c, s + i, 1);
	}
}

static void
on_event(const struct sse_event *ev, void *arg)
{
	struct coll	*c = arg;

	if (ev->data[ev->datalen] != '\0')
		c->bad = 1;
	coll_esc(c, ev->type, strlen(ev->type));
	coll_add(c, "|", 1);
	coll_esc(c, ev->id, strlen(ev->id));
	coll_add(c, "|", 1);
	coll_esc(c, ev->data, ev->datalen);
	coll_add(c, ";", 1);
}

/* Finish a run: append the parser's state and free it. */
static char *
run_end(struct sse_parser *sp, struct coll *c)
{
	char	*s;

	sse_reset(sp);
	xasprintf(&s, "%s#dropped=%" PRIu64 "#retry=%lld#id=%s%s",
	    c->s != NULL ? c->s : "", sse_dropped(sp), sse_retry(sp),
	    sse_last_id(sp), c->bad ? "#BADNUL" : "");
	sse_free(sp);
	free(c->s);
	return (s);
}

/* Feed in cut at the ncut offsets given (sorted). */
static char *
run_cuts(const char *in, size_t len, size_t max, const size_t *cuts,
    size_t ncut)
{
	struct coll		 c = { NULL, 0, 0, 0 };
	struct sse_parser	*sp;
	size_t			 i, at = 0;

	sp = sse_create(max, on_event, &c);
	for (i = 0; i <= ncut; i++) {
		size_t	to = i < ncut ? cuts[i] : len;

		sse_feed(sp, in + at, to - at);
		at = to;
	}
	return (run_end(sp, &c));
}

/* Feed in one byte at a time. */
static char *
run_bytes(const char *in, size_t len, size_t max)
{
	struct coll		 c = { NULL, 0, 0, 0 };
	struct sse_parser	*sp;
	size_t			 i;

	sp = sse_create(max, on_event, &c);
	for (i = 0; i < len; i++)
		sse_feed(sp, in + i, 1);
	return (run_end(sp, &c));
}

/* Compare one run with the expectation; report the first mismatch. */
static int
same(const char *file, int line, char *got, const char *want,
    const char *how, size_t a, size_t b, int *reported)
{
	int	ok = strcmp(got, want) == 0;

	if (!ok && !*reported) {
		fprintf(stderr, "%s:%d: %s (%zu,%zu)\n  got:  %s\n  want: %s\n",
		    file, line, how, a, b, got, want);
		*reported = 1;
	}
	free(got);
	return (ok);
}

/* Run in whole, bytewise and at every 2-way and 3-way split. */
static void
check_splits(const char *file, int line, const char *in, size_t len,
    size_t max, const char *events, uint64_t dropped, long long retry,
    const char *id)
{
	char	*want;
	size_t	 cuts[2], a, b;
	int	 ok = 1, rep = 0;

	xasprintf(&want, "%s#dropped=%" PRIu64 "#retry=%lld#id=%s", events,
	    dropped, retry, id);
	ok &= same(file, line, run_cuts(in, len, max, NULL, 0), want,
	    "whole", 0, 0, &rep);
	ok &= same(file, line, run_bytes(in, len, max), want, "bytewise",
	    0, 0, &rep);
	for (a = 0; a <= len; a++) {
		cuts[0] = a;
		ok &= same(file, line, run_cuts(in, len, max, cuts, 1), want,
		    "split", a, 0, &rep);
		if (len > 64)
			continue;
		for (b = a; b <= len; b++) {
			cuts[1] = b;
			ok &= same(file, line, run_cuts(in, len, max, cuts, 2),
			    want, "split3", a, b, &rep);
		}
	}
	if (ok)
		t_passed++;
	else
		t_failed++;
	free(want);
}

#define EXPECT(in, max, events, dropped, retry, id)			\
	check_splits(__FILE__, __LINE__, in, sizeof(in) - 1, max,	\
	    events, dropped, retry, id)
#define SIMPLE(in, events)	EXPECT(in, 0, events, 0, -1, "")

#define R	"\\xef\\xbf\\xbd"	/* U+FFFD as the collector prints it */
#define AS80	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV" \
		"WXYZ0123456789abcdefghij"

static void
test_spec(void)
{
	/* The spec's examples. */
	SIMPLE("data: This is the first message.\n\n"
	    "data: This is the second message, it\n"
	    "data: has two lines.\n\n"
	    "data: This is the third message.\n\n",
	    "message||This is the first message.;"
	    "message||This is the second message, it\\nhas two lines.;"
	    "message||This is the third message.;");
	SIMPLE("event: add\ndata: 73857293\n\n"
	    "event: remove\ndata: 2153\n\n"
	    "event: add\ndata: 113411\n\n",
	    "add||73857293;remove||2153;add||113411;");
	SIMPLE("data: YHOO\ndata: +2\ndata: 10\n\n",
	    "message||YHOO\\n+2\\n10;");
	EXPECT(": test stream\n\ndata: first event\nid: 1\n\n"
	    "data:second event\nid\n\ndata:  third event\n", 0,
	    "message|1|first event;message||second event;", 0, -1, "");
	EXPECT(": test stream\n\ndata: first event\nid: 1\n\n"
	    "data:second event\nid\n\ndata:  third event\n\n", 0,
	    "message|1|first event;message||second event;"
	    "message|| third event;", 0, -1, "");
	/* Two events with "" and "\n"; the last block is never ended. */
	SIMPLE("data\n\ndata\ndata\n\ndata:", "message||;message||\\n;");
	SIMPLE("data\n\ndata\ndata\n\ndata:\n", "message||;message||\\n;");
	SIMPLE("data:test\n\ndata: test\n\n", "message||test;message||test;");
}

static void
test_fields(void)
{
	SIMPLE("data: test\n\n", "message||test;");
	SIMPLE("data:  two spaces\n\n", "message|| two spaces;");
	SIMPLE("data:\tx\n\n", "message||\\x09x;");
	SIMPLE("data:\n\n", "message||;");
	SIMPLE("data: \n\n", "message||;");
	SIMPLE("data: a: b\n\n", "message||a: b;");
	SIMPLE("data::x\n\n", "message||:x;");
	SIMPLE("data : x\n\n", "");
	SIMPLE("Data: x\n\nDATA: y\n\n", "");
	SIMPLE("data: x\nEvent: foo\n\n", "message||x;");
	SIMPLE("data: x\nfoo: bar\nfoo\n\n", "message||x;");
	SIMPLE("event: a\ndata: 1\n\ndata: 2\n\n", "a||1;message||2;");
	SIMPLE("event: a\n\ndata: 2\n\n", "message||2;");
	SIMPLE("event: a\nevent: b\ndata: 2\n\n", "b||2;");
	SIMPLE("event\ndata: x\n\n", "message||x;");
	SIMPLE("event:\ndata: x\n\n", "message||x;");
	SIMPLE("event: a\0b\0\ndata: x\n\n", "a" R "b" R "||x;");
	SIMPLE("event: \0\ndata: x\n\n", R "||x;");
	SIMPLE("data: a\0b\n\n", "message||a\\x00b;");
	SIMPLE("\n\n\ndata: x\n\n\n\n", "message||x;");
	/* Comments. */
	SIMPLE(":comment\ndata: x\n:another\n\n", "message||x;");
	SIMPLE(":hi\n\n:\n\n", "");
	SIMPLE(": data: x\n\n", "");
	/* An unfinished event at the end is discarded. */
	SIMPLE("data: x\n", "");
	SIMPLE("data: x", "");
	SIMPLE("data: x\r", "");
}

static void
test_id_retry(void)
{
	EXPECT("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n", 0,
	    "message|1|a;message|1|b;", 0, -1, "1");
	EXPECT("id: 7\ndata: a\n\ndata: b\n\n", 0,
	    "message|7|a;message|7|b;", 0, -1, "7");
	EXPECT("id: 7\ndata: a\n\nid\ndata: b\n\n", 0,
	    "message|7|a;message||b;", 0, -1, "");
	EXPECT("id: 7\n\n", 0, "", 0, -1, "7");
	EXPECT("id: 7\n", 0, "", 0, -1, "7");
	EXPECT("id:  x y\ndata: a\n\n", 0, "message| x y|a;", 0, -1, " x y");
	EXPECT("ID: 7\ndata: a\n\n", 0, "message||a;", 0, -1, "");
	EXPECT("retry: 1500\n\n", 0, "", 0, 1500, "");
	EXPECT("retry: 1500\nretry: 12a\n\n", 0, "", 0, 1500, "");
	EXPECT("retry: 12a\n\n", 0, "", 0, -1, "");
	EXPECT("retry:\n\nretry\n", 0, "", 0, -1, "");
	EXPECT("retry: -5\nretry: +5\nretry: 5.0\n", 0, "", 0, -1, "");
	EXPECT("retry:  15\n", 0, "", 0, -1, "");
	EXPECT("retry:0\n", 0, "", 0, 0, "");
	EXPECT("retry: 99999999999999999999999999\n", 0, "", 0, LLONG_MAX,
	    "");
	EXPECT("Retry: 5\n", 0, "", 0, -1, "");
}

static void
test_bom(void)
{
	SIMPLE("\xef\xbb\xbf" "data: a\n\n", "message||a;");
	SIMPLE("\xef\xbb\xbf\n" "data: a\n\n", "message||a;");
	SIMPLE("\xef\xbb\xbf\xef\xbb\xbf" "data: a\n\n", "");
	SIMPLE("data: \xef\xbb\xbfx\n\n", "message||\\xef\\xbb\\xbfx;");
	SIMPLE("\xef\xbb\xbf" "data: \xef\xbb\xbfx\n\n",
	    "message||\\xef\\xbb\\xbfx;");
	SIMPLE("data: a\n\n\xef\xbb\xbf" "data: b\n\n", "message||a;");
	SIMPLE("\xef\xbb" "data: a\n\n", "");
	SIMPLE("\xef\xbb\n" "data: a\n\n", "message||a;");
}

static void
test_newlines(void)
{
	SIMPLE("data: a\r\ndata: b\rdata: c\n\r\n", "message||a\\nb\\nc;");
	SIMPLE("data: a\r\rdata: b\r\n\r\n", "message||a;message||b;");
	SIMPLE("data: a\r\r\ndata: b\r\n\r\n", "message||a;message||b;");
	SIMPLE("data: a\n\rdata: b\r\r", "message||a;message||b;");
	SIMPLE("data: a\r\n\r\ndata: b\r\n\r\n", "message||a;message||b;");
	SIMPLE("data: a\r\n\n", "message||a;");
	SIMPLE("data: a\n\r\n", "message||a;");
	SIMPLE("data: a\r\n\r", "message||a;");
	SIMPLE("\r\n\r\r\n\ndata: a\r\r", "message||a;");
	SIMPLE("data: a\n\r\r\ndata: b\r\n\n", "message||a;message||b;");
	SIMPLE("data\r\ndata\r\n\r\n", "message||\\n;");
}

static void
test_utf8(void)
{
	SIMPLE("data: \xe2\x82\xac \xc3\xa9 \xf0\x9f\x98\x80\n\n",
	    "message||\\xe2\\x82\\xac \\xc3\\xa9 \\xf0\\x9f\\x98\\x80;");
	SIMPLE("data: \xff\xfe\n\n", "message||" R R ";");
	SIMPLE("data: \xe2\x82\n\n", "message||" R ";");
	SIMPLE("data: a\xe2\x82z\n\n", "message||a" R "z;");
	SIMPLE("data: \xed\xa0\x80\n\n", "message||" R R R ";");
	SIMPLE("data: \xf0\x9f\x98\n\n", "message||" R ";");
	SIMPLE("data: \xf0\x9f\x98z\n\n", "message||" R "z;");
	SIMPLE("data: \xc0\xaf\n\n", "message||" R R ";");
	SIMPLE("data: \xf4\x90\x80\x80\n\n", "message||" R R R R ";");
	SIMPLE("data: \xe0\x80\x80\n\n", "message||" R R R ";");
	SIMPLE("data: \x80\xbf\n\n", "message||" R R ";");
	SIMPLE("data: \xf8\x88\x80\x80\x80\n\n", "message||" R R R R R ";");
	SIMPLE("data: \xef\xbf\xbd\n\n", "message||" R ";");
	SIMPLE("data: a\xe2\r\n\n", "message||a" R ";");
	SIMPLE("data: \xe2\ndata: \x82\xac\n\n", "message||" R "\\n" R R ";");
	SIMPLE("event: \xff\ndata: x\n\n", R "||x;");
	EXPECT("id: \xe2\ndata: x\n\n", 0, "message|" R "|x;", 0, -1,
	    "\xef\xbf\xbd");
	SIMPLE("\xe2" "data: x\n\n", "");
	SIMPLE("data\xff: x\n\n", "");
	SIMPLE("data:\xe2\x82\xac\n\n", "message||\\xe2\\x82\\xac;");
}

/*
 * An invalid byte and a valid two-byte character at every offset of a
 * line of ASCII longer than the 32- and 8-byte passes over ASCII: each is
 * found where it is, whichever pass meets it.
 */
static void
test_utf8_places(void)
{
	char	in[128], want[256];
	int	at, len = 80, n, m;

	for (at = 0; at < len; at++) {
		n = snprintf(in, sizeof in, "data: %.*s\xff%.*s\n\n", at,
		    AS80, len - at, AS80);
		m = snprintf(want, sizeof want, "message||%.*s" R "%.*s;", at,
		    AS80, len - at, AS80);
		if (n < (int)sizeof in && m < (int)sizeof want)
			check_splits(__FILE__, __LINE__, in, n, 0, want, 0, -1,
			    "");
		n = snprintf(in, sizeof in, "data: %.*s\xc3\xa9%.*s\n\n",
		    at, AS80, len - at, AS80);
		m = snprintf(want, sizeof want, "message||%.*s\\xc3\\xa9%.*s;",
		    at, AS80, len - at, AS80);
		if (n < (int)sizeof in && m < (int)sizeof want)
			check_splits(__FILE__, __LINE__, in, n, 0, want, 0, -1,
			    "");
	}
}

static void
test_reset(void)
{
	struct coll		 c = { NULL, 0, 0, 0 };
	struct sse_parser	*sp;
	char			*got;

	sp = sse_create(0, on_event, &c);
	sse_feed(sp, "\xef\xbb\xbf" "data: a\n\n", 12);
	sse_feed(sp, "id: 9\nretry: 10\ndata: lost\n", 27);
	sse_reset(sp);
	sse_feed(sp, "\n\xef\xbb\xbf" "data: x\n\n", 13);
	sse_reset(sp);
	sse_feed(sp, "\xef\xbb\xbf" "data: b\n\n", 12);
	sse_feed(sp, "data: part", 10);
	sse_reset(sp);
	sse_feed(sp, "ial\n\n", 5);
	sse_feed(sp, "data: c\r", 8);
	sse_reset(sp);
	sse_feed(sp, "\ndata: d\n\n", 10);
	got = run_end(sp, &c);
	CHECK_STR(got, "message||a;message|9|b;message|9|d;"
	    "#dropped=0#retry=10#id=9");
	free(got);
}

/* A long string of n bytes of ch. */
static char *
fill(size_t n, int ch)
{
	char	*s = xmalloc(n + 1);

	memset(s, ch, n);
	s[n] = '\0';
	return (s);
}

static void
test_caps(void)
{
	char			*big, *in, *want;
	struct coll		 c = { NULL, 0, 0, 0 };
	struct sse_parser	*sp;
	size_t			 i;

	/* With a cap of 32: a 26-byte value fits, 27 do not. */
	EXPECT("data: aaaaaaaaaaaaaaaaaaaaaaaaaa\n\ndata: ok\n\n", 32,
	    "message||aaaaaaaaaaaaaaaaaaaaaaaaaa;message||ok;", 0, -1, "");
	EXPECT("data: aaaaaaaaaaaaaaaaaaaaaaaaaaa\n\ndata: ok\n\n", 32,
	    "message||ok;", 1, -1, "");
	/* An event growing past the cap over several lines. */
	EXPECT("data: aaaaaaaaaa\ndata: bbbbbbbbbb\ndata: cccccccccc\n"
	    "data: ddd\nid: 5\n\ndata: ok\n\n", 32, "message||ok;", 1, -1, "");
	EXPECT("event: eeeeeeeeeeeeeeee\ndata: aaaaaaaaaaaa\n\n"
	    "event: x\ndata: ok\n\n", 32, "x||ok;", 1, -1, "");
	/* Invalid bytes count decoded: 11 bytes become 33. */
	EXPECT("data: \xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\n\n"
	    "data: ok\n\n", 32, "message||ok;", 1, -1, "");
	/* Two oversized events, and blank lines in between resync. */
	EXPECT("data: 0123456789012345678901234567890123456789\n\n"
	    ":0123456789012345678901234567890123456789\n\n"
	    "data: ok\n\n", 32, "message||ok;", 2, -1, "");
	/* Lines over the cap keep being skipped until a blank line. */
	EXPECT("data: 0123456789012345678901234567890123456789\n"
	    "data: x\ndata: 0123456789012345678901234567890123456789\n"
	    "\r\ndata: ok\r\n\r\n", 32, "message||ok;", 1, -1, "");

	/* An endless line with the default cap: memory stays bounded. */
	sp = sse_create(0, on_event, &c);
	big = fill(4096, 'a');
	sse_feed(sp, "data: ", 6);
	for (i = 0; i < 3 * 1024 / 4; i++)	/* 3 MiB */
		sse_feed(sp, big, 4096);
	CHECK(sp->line.cap <= SSE_DEFAULT_MAX_EVENT + 1);
	CHECK(sp->data.cap <= SSE_DEFAULT_MAX_EVENT + 2);
	CHECK_INT(sse_dropped(sp), 1);
	sse_feed(sp, "\n\ndata: ok\n\n", 12);
	CHECK_STR(c.s, "message||ok;");
	/* 2000 lines of 1000 bytes: one event of 2 MB, dropped. */
	memcpy(big, "data: ", 6);
	big[999] = '\n';
	for (i = 0; i < 2000; i++)
		sse_feed(sp, big, 1000);
	CHECK(sp->data.cap <= SSE_DEFAULT_MAX_EVENT + 2);
	CHECK(sp->line.cap <= SSE_DEFAULT_MAX_EVENT + 1);
	sse_feed(sp, "\ndata: ok2\n\n", 12);
	CHECK_INT(sse_dropped(sp), 2);
	CHECK_STR(c.s, "message||ok;message||ok2;");
	/* 1000 such lines fit under 1 MiB and are delivered. */
	for (i = 0; i < 1000; i++)
		sse_feed(sp, big, 1000);
	sse_feed(sp, "\n", 1);
	CHECK_INT(sse_dropped(sp), 2);
	CHECK_INT(c.len, strlen("message||ok;message||ok2;") +
	    strlen("message||;") + 1000 * 993 + 999 * 2);
	sse_free(sp);
	free(c.s);
	free(big);

	/* Endless line with a small cap, split at every point. */
	in = fill(300, 'x');
	memcpy(in, "data: ", 6);
	memcpy(in + 280, "\n\ndata: ok\n\n", 12);
	in[292] = '\0';
	xasprintf(&want, "message||ok;");
	check_splits(__FILE__, __LINE__, in, 292, 64, want, 1, -1, "");
	free(want);
	free(in);
}

/* The last event ID is capped at SSE_ID_MAX bytes; longer ones are
 * ignored (the previous ID stays) and counted. */
static void
test_id_cap(void)
{
	struct coll		 c = { NULL, 0, 0, 0 };
	struct sse_parser	*sp;
	char			*big, *in, *want;
	size_t			 n;

	CHECK_INT(SSE_ID_MAX, 1024);
	sp = sse_create(0, on_event, &c);
	/* 1024 bytes: kept. */
	big = fill(1024 + 16, 'i');
	sse_feed(sp, "id: ", 4);
	sse_feed(sp, big, 1024);
	sse_feed(sp, "\ndata: a\n\n", 10);
	CHECK_INT(strlen(sse_last_id(sp)), 1024);
	CHECK_INT(sse_ids_dropped(sp), 0);
	/* 1025 bytes: ignored, counted; the 1024-byte ID stays. */
	sse_feed(sp, "id: 7\n\nid: ", 11);
	CHECK_STR(sse_last_id(sp), "7");
	sse_feed(sp, big, 1025);
	sse_feed(sp, "\ndata: b\n\n", 10);
	CHECK_STR(sse_last_id(sp), "7");
	CHECK_INT(sse_ids_dropped(sp), 1);
	n = strlen(c.s);
	CHECK(n >= 12 && strcmp(c.s + n - 12, "message|7|b;") == 0);
	/* Invalid bytes count decoded: 400 become 1200 bytes. */
	memset(big, 0xff, 400);
	sse_feed(sp, "id: ", 4);
	sse_feed(sp, big, 400);
	sse_feed(sp, "\n\n", 2);
	CHECK_STR(sse_last_id(sp), "7");
	CHECK_INT(sse_ids_dropped(sp), 2);
	free(big);
	/* A 1 MB ID (under the event cap) never takes 1 MB. */
	big = fill(1000000, 'j');
	sse_feed(sp, "id: ", 4);
	sse_feed(sp, big, 1000000);
	sse_feed(sp, "\ndata: c\n\n", 10);
	CHECK(sp->id.cap <= 2 * SSE_ID_MAX);
	CHECK_STR(sse_last_id(sp), "7");
	CHECK_INT(sse_ids_dropped(sp), 3);
	CHECK(strstr(c.s, "message|7|c;") != NULL);
	sse_free(sp);
	free(c.s);
	free(big);

	/* At every split: the long ID is dropped, the short one kept. */
	in = fill(1100, 'k');
	memcpy(in, "id: 5\ndata: a\n\nid: ", 19);
	memcpy(in + 1080, "\ndata: b\n\n", 10);
	xasprintf(&want, "message|5|a;message|5|b;");
	check_splits(__FILE__, __LINE__, in, 1090, 0, want, 0, -1, "5");
	free(want);
	free(in);
}

int
main(void)
{
	test_spec();
	test_fields();
	test_id_retry();
	test_bom();
	test_newlines();
	test_utf8();
	test_utf8_places();
	test_reset();
	test_caps();
	test_id_cap();
	return (t_done("t-sse"));
}
