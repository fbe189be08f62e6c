/*
 * t-jscan.c: unit tests for the validating JSON object scanner. Every
 * verdict is checked against the expected one and against jansson's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jscan.h"
#include "xmalloc.h"
#include "t.h"

/* jansson's verdict: the data is one JSON object. */
static int
jansson_ok(const char *s, size_t n, int flags)
{
	json_t	*j;
	int	 ok;

	j = json_loadb(s, n, flags & JSCAN_ALLOW_NUL ? JSON_ALLOW_NUL : 0,
	    NULL);
	ok = j != NULL && json_is_object(j);
	json_decref(j);
	return (ok);
}

static int
scan(const char *s, size_t n, int flags)
{
	return (jscan_object(s, n, flags, NULL, NULL));
}

/* Check one text (NULs allowed) under both flag settings. */
static void
verdict_n(const char *s, size_t n, int want, int want_nul, int line)
{
	int	got, gotn;

	got = scan(s, n, 0) >= 0;
	gotn = scan(s, n, JSCAN_ALLOW_NUL) >= 0;
	if (got != want || got != jansson_ok(s, n, 0) ||
	    gotn != want_nul || gotn != jansson_ok(s, n, JSCAN_ALLOW_NUL)) {
		t_failed++;
		fprintf(stderr, "t-jscan.c:%d: verdict %d/%d, want %d/%d, "
		    "jansson %d/%d: %.80s\n", line, got, gotn, want, want_nul,
		    jansson_ok(s, n, 0), jansson_ok(s, n, JSCAN_ALLOW_NUL), s);
	} else
		t_passed++;
}
#define OK(s)		verdict_n(s, sizeof(s) - 1, 1, 1, __LINE__)
#define BAD(s)		verdict_n(s, sizeof(s) - 1, 0, 0, __LINE__)
#define NULOK(s)	verdict_n(s, sizeof(s) - 1, 0, 1, __LINE__)

static void
test_syntax(void)
{
	/* RFC 8259 section 13's example and friends. */
	OK("{\"Image\": {\"Width\": 800, \"Height\": 600, \"Title\": "
	    "\"View from 15th Floor\", \"Thumbnail\": {\"Url\": "
	    "\"http://www.example.com/image/481989943\", \"Height\": 125, "
	    "\"Width\": 100}, \"Animated\" : false, \"IDs\": [116, 943, 234, "
	    "38793]}}");
	OK("{}");
	OK(" \t\r\n{ \t\r\n} \t\r\n");
	OK("{\"a\":[],\"b\":{},\"c\":[[]],\"d\":[{}],\"e\":null,\"f\":true,"
	    "\"g\":false,\"h\":\"\",\"i\":0,\"j\":-0,\"k\":[1,\"2\",[3]]}");
	OK("{\"a\":1,\"a\":2}");
	OK("{\"\":\"\"}");
	BAD("");
	BAD(" ");
	BAD("[]");
	BAD("[{}]");
	BAD("\"x\"");
	BAD("1");
	BAD("null");
	BAD("{");
	BAD("}");
	BAD("{\"a\"}");
	BAD("{\"a\":}");
	BAD("{\"a\" 1}");
	BAD("{\"a\":1,}");
	BAD("{,}");
	BAD("{\"a\":1 \"b\":2}");
	BAD("{\"a\":[1,]}");
	BAD("{\"a\":[,1]}");
	BAD("{\"a\":[1 2]}");
	BAD("{\"a\":[1}");
	BAD("{\"a\":{]}");
	BAD("{a:1}");
	BAD("{'a':1}");
	BAD("{\"a\":'x'}");
	BAD("{\"a\":tru}");
	BAD("{\"a\":truex}");
	BAD("{\"a\":True}");
	BAD("{\"a\":nul}");
	BAD("{\"a\":NaN}");
	BAD("{\"a\":Infinity}");
	BAD("{\"a\":undefined}");
	BAD("{} x");
	BAD("{}{}");
	BAD("{},");
	BAD("\xef\xbb\xbf{}");		/* no BOM */
	BAD("{\f}");			/* form feed is not whitespace */
	BAD("{\v}");
	BAD("{}\0");
	BAD("\0{}");
	BAD("{\"a\":1}/*c*/");
	/* jansson skips one NUL byte after a number or a word, no other. */
	OK("{\"a\":1\0}");
	OK("{\"a\":-1.5e3\0 ,\"b\":true\0}");
	OK("{\"a\":[null\0,false\0]}");
	BAD("{\"a\":1\0\0}");
	BAD("{\"a\":\"x\"\0}");
	BAD("{\"a\":{}\0}");
	BAD("{\"a\":1 \0}");
	BAD("{\"a\":tr\0ue}");
	BAD("{\"a\"\0:1}");
	BAD("{\"a\":\"b\"\0}");
}

static void
test_numbers(void)
{
	OK("{\"a\":0}");
	OK("{\"a\":-0}");
	OK("{\"a\":-0.0}");
	OK("{\"a\":123456789}");
	OK("{\"a\":1.5}");
	OK("{\"a\":1e5}");
	OK("{\"a\":1E+5}");
	OK("{\"a\":1e-5}");
	OK("{\"a\":0.000}");
	OK("{\"a\":0e0}");
	OK("{\"a\":-1.25e-3}");
	OK("{\"a\":9223372036854775807}");
	OK("{\"a\":-9223372036854775808}");
	OK("{\"a\":9223372036854775808.0}");	/* a real: fine */
	OK("{\"a\":1e308}");
	OK("{\"a\":1.7976931348623157e308}");
	OK("{\"a\":-1.7976931348623157e308}");
	OK("{\"a\":1e-400}");			/* underflow is no error */
	OK("{\"a\":0.0000000000000000001e-999999999999999999999}");
	OK("{\"a\":0e999999999999999999999}");
	OK("{\"a\":0.00000e999999999}");
	OK("{\"a\":0.001e311}");
	OK("{\"a\":1e000000000000000000000000000308}");
	BAD("{\"a\":0.001e312}");
	BAD("{\"a\":01}");
	BAD("{\"a\":-01}");
	BAD("{\"a\":00}");
	BAD("{\"a\":1.}");
	BAD("{\"a\":.5}");
	BAD("{\"a\":1.e5}");
	BAD("{\"a\":1e}");
	BAD("{\"a\":1e+}");
	BAD("{\"a\":+1}");
	BAD("{\"a\":-}");
	BAD("{\"a\":-x}");
	BAD("{\"a\":0x10}");
	BAD("{\"a\":1.5.5}");
	BAD("{\"a\":1-2}");
	BAD("{\"a\":9223372036854775808}");
	BAD("{\"a\":-9223372036854775809}");
	BAD("{\"a\":99999999999999999999}");
	BAD("{\"a\":10000000000000000000}");
	BAD("{\"a\":1e309}");
	BAD("{\"a\":-1e309}");
	BAD("{\"a\":1.8e308}");
	BAD("{\"a\":1e999999999999999999999}");
	BAD("{\"a\":1.7976931348623159e308}");
}

/* The overflow boundary of doubles, 2^1024 - 2^970: exactly halfway. */
static const char huge[] =
    "17976931348623158079372897140530341507993413271003782693617377898044"
    "49682927647509466490179775872070963302864166928879109465555478519404"
    "02630657488671505820681908902000708383676273854845817711531764475730"
    "27006985557136695962284291481986083493647529271907416844436551070434"
    "2711559699508093042880177904174497792";
/* The same less one: rounds down to the largest double. */
static const char below[] =
    "17976931348623158079372897140530341507993413271003782693617377898044"
    "49682927647509466490179775872070963302864166928879109465555478519404"
    "02630657488671505820681908902000708383676273854845817711531764475730"
    "27006985557136695962284291481986083493647529271907416844436551070434"
    "2711559699508093042880177904174497791";

/* Check {"a":<pre><digits><post>} against want. */
static void
real_n(const char *pre, const char *digits, const char *post, int want,
    int line)
{
	char	buf[1024];
	int	n;

	n = snprintf(buf, sizeof buf, "{\"a\":%s%s%s}", pre, digits, post);
	verdict_n(buf, n, want, want, line);
}
#define REAL(pre, d, post, want) real_n(pre, d, post, want, __LINE__)

static void
test_huge_real(void)
{
	char	frac[400];

	CHECK_INT(strlen(huge), 309);
	REAL("", huge, "", 0);			/* an integer: too big */
	REAL("", huge, ".0", 0);		/* halfway rounds to inf */
	REAL("-", huge, ".0", 0);
	REAL("", huge, "e0", 0);
	REAL("", below, ".0", 1);
	REAL("-", below, ".0", 1);
	REAL("", below, "e-0", 1);
	REAL("", huge, "0.0", 0);		/* ten times more */
	REAL("", below, ".9999999999999999", 1);
	REAL("", below, ".9999999999999999e0", 1);
	REAL("", huge, ".0000000000000000001", 0);
	REAL("", huge, "e-1", 1);
	REAL("", below, "e1", 0);
	REAL("0.000", below, "e312", 1);
	REAL("0.000", huge, "e312", 0);
	REAL("0.000", huge, "E+312", 0);
	REAL("0.000", huge, "e313", 0);
	REAL("0.000", huge, "e311", 1);
	/* As 1.79...e308, the fraction carrying the digits. */
	snprintf(frac, sizeof frac, "%c.%se308", huge[0], huge + 1);
	REAL("", frac, "", 0);
	snprintf(frac, sizeof frac, "%c.%se308", below[0], below + 1);
	REAL("", frac, "", 1);
	snprintf(frac, sizeof frac, "%c.%s1e308", below[0], below + 1);
	REAL("", frac, "", 1);
}

static void
test_strings(void)
{
	OK("{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}");
	OK("{\"a\":\"\\u0041\\u00e9\\u20AC\\uFFFF\"}");
	OK("{\"a\":\"\\uD834\\uDD1E\"}");
	OK("{\"a\":\"\\udbff\\udfff\"}");
	OK("{\"a\":\"\x7f\"}");			/* DEL is not a control */
	OK("{\"a\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}");
	OK("{\"\xc3\xa9\":\"\xf4\x8f\xbf\xbf\"}");
	OK("{\"a\":\"\xef\xbf\xbf\xee\x80\x80\"}");
	OK("{\"a\":\"0123456789abcdef0123456789abcdef\\n0123456789abcdef\"}");
	NULOK("{\"a\":\"\\u0000\"}");
	NULOK("{\"a\":[\"x\\u0000y\"]}");
	NULOK("{\"a\":{\"b\":\"\\u0000\"}}");
	BAD("{\"\\u0000\":1}");
	BAD("{\"a\":{\"\\u0000\":1}}");
	BAD("{\"a\":\"\x01\"}");
	BAD("{\"a\":\"\x1f\"}");
	BAD("{\"a\":\"\n\"}");
	BAD("{\"a\":\"\t\"}");
	BAD("{\"a\":\"\0\"}");
	BAD("{\"a\":\"\\x\"}");
	BAD("{\"a\":\"\\a\"}");
	BAD("{\"a\":\"\\U0041\"}");
	BAD("{\"a\":\"\\u00\"}");
	BAD("{\"a\":\"\\u00g0\"}");
	BAD("{\"a\":\"\\u\"}");
	BAD("{\"a\":\"\\\"}");
	BAD("{\"a\":\"abc}");
	BAD("{\"a\":\"\\uD800\"}");
	BAD("{\"a\":\"\\uDBFFx\"}");
	BAD("{\"a\":\"\\uDC00\"}");
	BAD("{\"a\":\"\\uDFFF\\uD800\"}");
	BAD("{\"a\":\"\\uD800\\u0041\"}");
	BAD("{\"a\":\"\\uD800\\uD800\"}");
	BAD("{\"a\":\"\\uD800\\n\"}");
	BAD("{\"a\":\"\\uD800\\uDC0\"}");
	/* Invalid UTF-8: stray, overlong, surrogate, past U+10FFFF, cut. */
	BAD("{\"a\":\"\x80\"}");
	BAD("{\"a\":\"\xbf\"}");
	BAD("{\"a\":\"\xc0\x80\"}");
	BAD("{\"a\":\"\xc1\xbf\"}");
	BAD("{\"a\":\"\xe0\x80\x80\"}");
	BAD("{\"a\":\"\xe0\x9f\xbf\"}");
	BAD("{\"a\":\"\xed\xa0\x80\"}");
	BAD("{\"a\":\"\xed\xbf\xbf\"}");
	BAD("{\"a\":\"\xf0\x80\x80\x80\"}");
	BAD("{\"a\":\"\xf0\x8f\xbf\xbf\"}");
	BAD("{\"a\":\"\xf4\x90\x80\x80\"}");
	BAD("{\"a\":\"\xf5\x80\x80\x80\"}");
	BAD("{\"a\":\"\xff\"}");
	BAD("{\"a\":\"\xfe\"}");
	BAD("{\"a\":\"\xc3\"}");
	BAD("{\"a\":\"\xe2\x82\"}");
	BAD("{\"a\":\"\xf0\x9f\x98\"}");
	BAD("{\"a\":\"\xc3\xc3\"}");
	BAD("{\"a\":\"x\"}\xc3\xa9");
	BAD("{\"a\":\"x\"");
	BAD("{\"a\":\"x\xc3");
}

/*
 * Each kind of byte at each place of a string, in a value and in a key,
 * with plain bytes before and after it: long enough for the 16- and the
 * 8-byte passes to meet it at every offset and to end at every distance
 * from the end of the data. Each text sits in a buffer of its exact size,
 * so that AddressSanitizer sees a read past it. JSCAN_HIGH must tell
 * exactly whether a byte of 0x7f or above occurs.
 */
static void
test_string_places(void)
{
	static const struct {
		const char	*s;
		int		 ok;
		int		 high;
	} kinds[] = {
		{ "", 1, 0 },			/* the closing quote itself */
		{ "\\n", 1, 0 },
		{ "\\\\", 1, 0 },
		{ "\\\"", 1, 0 },
		{ "\\u00e9", 1, 0 },
		{ "~", 1, 0 },
		{ "\x7f", 1, 1 },
		{ "\xc3\xa9", 1, 1 },
		{ "\xe2\x80\xa8", 1, 1 },
		{ "\xf0\x9f\x98\x80", 1, 1 },
		{ "\x01", 0, 0 },
		{ "\x1f", 0, 0 },
		{ "\n", 0, 0 },
		{ "\x80", 0, 0 },
		{ "\xff", 0, 0 },
		{ "\xc3", 0, 0 },		/* cut short */
		{ "\\x", 0, 0 },
	};
	static const char fill[] = "0123456789abcdef0123456789ABCDEF0123456789";
	char		 txt[160], *buf;
	size_t		 k;
	int		 pre, post, key, n, r, ok;

	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
	for (pre = 0; pre <= 40; pre++)
	for (post = 0; post <= 20; post++)
	for (key = 0; key <= 1; key++) {
		n = snprintf(txt, sizeof txt, key ? "{\"%.*s%s%.*s\":1}" :
		    "{\"a\":\"%.*s%s%.*s\"}", pre, fill, kinds[k].s, post,
		    fill);
		buf = xmalloc(n);
		memcpy(buf, txt, n);
		r = jscan_object(buf, n, 0, NULL, NULL);
		ok = kinds[k].ok;
		if ((r >= 0) != ok || jansson_ok(buf, n, 0) != ok ||
		    (ok && r != (kinds[k].high ? JSCAN_HIGH : 0))) {
			t_failed++;
			fprintf(stderr, "t-jscan.c: kind %zu at %d (+%d, %s): "
			    "%d\n", k, pre, post, key ? "key" : "value", r);
		} else
			t_passed++;
		/* Cut before the closing quote: never valid, never read past. */
		r = jscan_object(buf, key ? n - 4 : n - 2, 0, NULL, NULL);
		CHECK(r < 0);
		free(buf);
	}
}

static void
test_depth(void)
{
	size_t	max = JSCAN_MAX_DEPTH, n, i;
	char	*b = xmalloc(7 * max + 64);

	/* Object at level 1, arrays down to level max: fine. */
	n = 0;
	n += snprintf(b, 8, "{\"a\":");
	for (i = 1; i < max; i++)
		b[n++] = '[';
	for (i = 1; i < max; i++)
		b[n++] = ']';
	b[n++] = '}';
	verdict_n(b, n, 1, 1, __LINE__);
	/* A scalar inside the deepest array is one level too many. */
	n = 5;
	for (i = 1; i < max; i++)
		b[n++] = '[';
	b[n++] = '1';
	for (i = 1; i < max; i++)
		b[n++] = ']';
	b[n++] = '}';
	verdict_n(b, n, 0, 0, __LINE__);
	/* One level less: the scalar fits. */
	n = 5;
	for (i = 2; i < max; i++)
		b[n++] = '[';
	b[n++] = '1';
	for (i = 2; i < max; i++)
		b[n++] = ']';
	b[n++] = '}';
	verdict_n(b, n, 1, 1, __LINE__);
	/* Too deep an empty array. */
	n = 5;
	for (i = 0; i < max; i++)
		b[n++] = '[';
	for (i = 0; i < max; i++)
		b[n++] = ']';
	b[n++] = '}';
	verdict_n(b, n, 0, 0, __LINE__);
	/* Objects count the same way. */
	n = 0;
	for (i = 1; i < max; i++) {
		memcpy(b + n, "{\"k\":", 5);
		n += 5;
	}
	b[n++] = '{';
	b[n++] = '}';
	for (i = 1; i < max; i++)
		b[n++] = '}';
	verdict_n(b, n, 1, 1, __LINE__);
	n = 0;
	for (i = 0; i < max; i++) {
		memcpy(b + n, "{\"k\":", 5);
		n += 5;
	}
	b[n++] = '1';
	for (i = 0; i < max; i++)
		b[n++] = '}';
	verdict_n(b, n, 0, 0, __LINE__);
	free(b);
}

static const char *const names[] = { "msg_type", "run_id", "message",
    "sent_at", "x" };
static struct jscan_keys keys;

static void
test_keys(void)
{
	struct jscan_val	 v[5];
	char			 dec[64];
	const char		*s;
	size_t			 n;

	jscan_keys_init(&keys, names, 5);
	s = "{\"msg_type\": \"data_ready\", \"run_id\": 100001, \"nested\": "
	    "{\"msg_type\": \"no\", \"x\": 1}, \"message\": {\"a\": [1, 2]},"
	    "\"list\": [{\"run_id\": 2}], \"sent_at\": \"t\\u00e9\"}";
	CHECK_INT(jscan_object(s, strlen(s), 0, &keys, v), 0);
	CHECK_INT(v[0].type, JT_STRING);
	CHECK_INT(v[0].len, 10);
	CHECK(memcmp(v[0].p, "data_ready", 10) == 0);
	CHECK_INT(v[0].esc, 0);
	CHECK_INT(v[1].type, JT_INTEGER);
	CHECK_INT(v[1].len, 6);
	CHECK(memcmp(v[1].p, "100001", 6) == 0);
	CHECK_INT(v[2].type, JT_OBJECT);
	CHECK_INT(v[2].len, strlen("{\"a\": [1, 2]}"));
	CHECK(memcmp(v[2].p, "{\"a\": [1, 2]}", v[2].len) == 0);
	CHECK_INT(v[3].type, JT_STRING);
	CHECK_INT(v[3].esc, 1);
	n = jscan_unescape(v[3].p, v[3].len, dec);
	CHECK_INT(n, 3);
	CHECK(memcmp(dec, "t\xc3\xa9", 3) == 0);
	CHECK_INT(v[4].type, JT_NONE);

	/* The last duplicate wins, also when spelt with escapes. */
	s = "{\"msg_type\": \"a\", \"msg\\u005ftype\": \"b\", \"x\": [],"
	    "\"run_id\": 1.5e3, \"message\": null, \"\\u0078\": true}";
	CHECK_INT(jscan_object(s, strlen(s), 0, &keys, v), 0);
	CHECK_INT(v[0].type, JT_STRING);
	CHECK(v[0].len == 1 && v[0].p[0] == 'b');
	CHECK_INT(v[1].type, JT_REAL);
	CHECK(v[1].len == 5 && memcmp(v[1].p, "1.5e3", 5) == 0);
	CHECK_INT(v[2].type, JT_NULL);
	CHECK_INT(v[4].type, JT_TRUE);
	CHECK_INT(v[4].len, 4);
	s = "{\"x\": false, \"x\": [1, {\"x\": 2}], \"run_id\": -0}";
	CHECK_INT(jscan_object(s, strlen(s), 0, &keys, v), 0);
	CHECK_INT(v[4].type, JT_ARRAY);
	CHECK_INT(v[4].len, strlen("[1, {\"x\": 2}]"));
	CHECK_INT(v[1].type, JT_INTEGER);
	CHECK_INT(v[1].len, 2);
	s = "{\"x\": false}";
	CHECK_INT(jscan_object(s, strlen(s), 0, &keys, v), 0);
	CHECK_INT(v[4].type, JT_FALSE);

	/* Newlines (whitespace) are reported for one-line output. */
	s = "{\"a\":\n1}";
	CHECK_INT(jscan_object(s, strlen(s), 0, NULL, NULL),
	    JSCAN_NEWLINE);
	s = "{\"a\":\r1}";
	CHECK_INT(jscan_object(s, strlen(s), 0, NULL, NULL),
	    JSCAN_NEWLINE);
	s = "{\"a\":\"\\n\"}";
	CHECK_INT(jscan_object(s, strlen(s), 0, NULL, NULL), 0);
	CHECK_INT(jscan_object("{\"a\":1\0}\n", 9, 0, NULL, NULL),
	    JSCAN_NULBYTE | JSCAN_NEWLINE);
}

static void
test_unescape(void)
{
	static const char	 in[] = "a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t"
	    "\\u0000\\u00e9\\u20ac\\ud83d\\ude00z";
	static const char	 want[] = "a\"b\\c/d\b\f\n\r\t\0"
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z";
	char			 out[sizeof in];
	size_t			 n;

	n = jscan_unescape(in, sizeof in - 1, out);
	CHECK_INT(n, sizeof want - 1);
	CHECK(memcmp(out, want, sizeof want - 1) == 0);
	CHECK_INT(jscan_unescape("plain", 5, out), 5);
	CHECK(memcmp(out, "plain", 5) == 0);
	CHECK_INT(jscan_unescape("", 0, out), 0);
}

int
main(void)
{
	test_syntax();
	test_numbers();
	test_huge_real();
	test_strings();
	test_string_places();
	test_depth();
	test_keys();
	test_unescape();
	return (t_done("t-jscan"));
}
