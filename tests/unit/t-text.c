/* t-text.c: unit tests for sanitizing and measuring hostile strings. */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "xmalloc.h"
#include "t.h"

#define REPL	"\xef\xbf\xbd"
#define NIHONGO	"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"	/* 3 wide */

/* Sanitize a literal (NULs included) and compare. */
#define SAN(in, want) do {						\
	char *t_s_ = text_sanitize(in, sizeof(in) - 1);			\
	CHECK_STR(t_s_, want);						\
	free(t_s_);							\
} while (0)

static void
test_escapes(void)
{
	SAN("plain text", "plain text");
	SAN("", "");
	SAN("\x1b[31mred\x1b[0m", "red");
	SAN("\x1b[38;5;196mx\x1b[48;2;1;2;3my\x1b[m", "xy");
	SAN("\x1b]52;c;SGVsbG8=\x07" "after", "after");
	SAN("\x1b]0;pwned\x1b\\ok", "ok");
	SAN("\x1b]2;title\xc2\x9cok", "ok");
	SAN("\x1b[2J\x1b[H\x1b[10;20Hx\x1b[?1049h\x1b[6n", "x");
	SAN("\x1b[1;31r\x1b[3Aup", "up");
	SAN("\xc2\x9b" "31mred", "red");
	SAN("\xc2\x9d" "0;t\xc2\x9cok", "ok");
	SAN("\xc2\x9d" "0;t\x07ok", "ok");
	SAN("\xc2\x90" "dcs\xc2\x9cok", "ok");
	SAN("\x1bP1;2|xyz\x1b\\ok", "ok");
	SAN("\x1bXsos\x1b\\a\x1b^pm\x1b\\b\x1b_apc\x1b\\c", "abc");
	SAN("\x1b" "cok", "ok");
	SAN("\x1b(Bok\x1b)0", "ok");
	SAN("\x1b" "7ok\x1b" "8", "ok");
	SAN("\x1b#8ok", "ok");
	SAN("ab\x1b[", "ab");
	SAN("ab\x1b", "ab");
	SAN("ab\x1b]unterminated title", "ab");
	SAN("\x1b[1\xc3\xa9", "\xc3\xa9");
	SAN("\x1b[1\n2m!", "!");
	SAN("\x1b\x1b[0mx", "x");
	SAN("\x1b]0;a\x1b[31mb", "b");
	/* A raw 0x9b byte is not UTF-8: it is shown, not obeyed. */
	SAN("\x9b" "31m", REPL "31m");
}

static void
test_controls(void)
{
	SAN("a\x07" "b\x08" "c\x7f" "d\0e\x01\x1f", "abcde");
	SAN("a\tb\r\nc\n\nd", "a b c d");
	SAN("\n", " ");
	SAN("a\xe2\x80\xa8" "b", "a b");
	SAN("x\xc2\x80\xc2\x85\xc2\x8fy", "xy");
	SAN("x\xc2\x9f" "apc\xc2\x9cy", "xy");
	SAN("abc\xe2\x80\xae" "def", "abcdef");
	SAN("\xe2\x81\xa6x\xe2\x81\xa9", "x");
	SAN("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad" "x", "x");
	/* Zero-width characters are shown, as escapes (issue #15). */
	SAN("a\xe2\x80\x8b" "b\xe2\x80\x8d" "c\xef\xbb\xbf" "d",
	    "a\\u200Bb\\u200Dc\\uFEFFd");
	SAN("\xe2\x9d\xa4\xef\xb8\x8f", "\xe2\x9d\xa4");
	SAN("a\xffz", "a" REPL "z");
	SAN("\xe2\x82", REPL);
	SAN("\xed\xa0\x80", REPL REPL REPL);
	SAN("\xf0\x9f\x98\x80 \xe6\x97\xa5", "\xf0\x9f\x98\x80 \xe6\x97\xa5");
	SAN("caf\xc3\xa9", "caf\xc3\xa9");
}

static void
test_buf(void)
{
	char	buf[64];

	CHECK_INT(text_sanitize_buf(buf, 5, "ab\xe2\x82\xac", 5), 2);
	CHECK_STR(buf, "ab");
	CHECK_INT(text_sanitize_buf(buf, 6, "ab\xe2\x82\xac", 5), 5);
	CHECK_STR(buf, "ab\xe2\x82\xac");
	CHECK_INT(text_sanitize_buf(buf, 4, "abcdef", 6), 3);
	CHECK_STR(buf, "abc");
	CHECK_INT(text_sanitize_buf(buf, 1, "abcdef", 6), 0);
	CHECK_STR(buf, "");
	CHECK_INT(text_sanitize_buf(buf, 0, "abcdef", 6), 0);
	CHECK_INT(text_sanitize_buf(buf, 4, "\x1b[31mabcdef", 11), 3);
	CHECK_STR(buf, "abc");
	CHECK_INT(text_sanitize_buf(buf, 6, "a\xff\xff", 3), 4);
	CHECK_STR(buf, "a" REPL);
	CHECK_INT(text_sanitize_buf(buf, sizeof buf, "a\n\x1b[0m\nb", 8), 3);
	CHECK_STR(buf, "a b");
}

static void
test_big(void)
{
	size_t	 n = 1024 * 1024, i;
	char	*in = xmalloc(n), *s;

	/* A 1 MiB OSC payload disappears whole. */
	memset(in, 'A', n);
	memcpy(in, "\x1b]52;c;", 8);
	memcpy(in + n - 3, "\x07ok", 3);
	s = text_sanitize(in, n);
	CHECK_STR(s, "ok");
	free(s);
	/* Every invalid byte becomes three. */
	for (i = 0; i < n; i++)
		in[i] = '\xff';
	s = text_sanitize(in, n);
	CHECK_INT(strlen(s), 3 * n);
	free(s);
	free(in);
}

static void
test_width(void)
{
	char	buf[64];

	CHECK_INT(text_width(""), 0);
	CHECK_INT(text_width("abc"), 3);
	CHECK_INT(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
	CHECK_INT(text_width("e\xcc\x81"), 1);
	CHECK_INT(text_width("\xf0\x9f\x98\x80"), 2);
	CHECK_INT(text_width(REPL), 1);
	CHECK_INT(text_width("\xff"), 1);
	CHECK_INT(text_width("caf\xc3\xa9"), 4);

	CHECK_STR(text_fit(buf, sizeof buf, "abc", 5, 1), "abc  ");
	CHECK_STR(text_fit(buf, sizeof buf, "abc", 5, 0), "abc");
	CHECK_STR(text_fit(buf, sizeof buf, "abcdef", 3, 1), "abc");
	CHECK_STR(text_fit(buf, sizeof buf, "abc", 0, 1), "");
	/* A wide character straddling the edge becomes a space pad. */
	CHECK_STR(text_fit(buf, sizeof buf, NIHONGO, 5, 1),
	    "\xe6\x97\xa5\xe6\x9c\xac ");
	CHECK_INT(text_width(buf), 5);
	CHECK_STR(text_fit(buf, sizeof buf, NIHONGO, 5, 0),
	    "\xe6\x97\xa5\xe6\x9c\xac");
	CHECK_STR(text_fit(buf, sizeof buf, "\xf0\x9f\x98\x80x", 2, 1),
	    "\xf0\x9f\x98\x80");
	CHECK_STR(text_fit(buf, sizeof buf, "\xf0\x9f\x98\x80x", 1, 1), " ");
	CHECK_STR(text_fit(buf, sizeof buf, "e\xcc\x81z", 1, 1), "e\xcc\x81");
	/* Alignment: two cells of mixed widths pad to the same width. */
	CHECK_INT(text_width(text_fit(buf, sizeof buf, "a\xf0\x9f\x98\x80", 6,
	    1)), 6);
	CHECK_INT(text_width(text_fit(buf, sizeof buf, "\xe6\x97\xa5x", 6, 1)),
	    6);
	/* A small buffer never splits a character. */
	CHECK_STR(text_fit(buf, 5, "ab\xe6\x97\xa5", 10, 0), "ab");
	CHECK_STR(text_fit(buf, 4, "ab", 10, 1), "ab ");
	CHECK_STR(text_fit(buf, 1, "ab", 10, 1), "");
}

/* Invisible look-alikes are escapes; a non-UTF-8 locale gets ASCII. */
static void
test_lookalikes(void)
{
	char	buf[16];

	SAN("\xe3\x85\xa4", "\\u3164");			/* Hangul filler */
	SAN("ad\xe1\x85\x9fmin", "ad\\u115Fmin");
	SAN("\xe2\xa0\x80x\xef\xbe\xa0", "\\u2800x\\uFFA0");
	SAN("a\xe2\x81\xa0" "b", "a\\u2060b");
	/* An escape is never split by a cut. */
	text_sanitize_buf(buf, 8, "ab\xe3\x85\xa4", 5);
	CHECK_STR(buf, "ab");
	text_set_ascii(1);
	/* What is clean does not depend on the locale. */
	CHECK(text_is_clean("caf\xc3\xa9", 5));
	CHECK(!text_is_clean("a\x1b[1m", 6));
	SAN("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80!", "caf? ? ?!");
	SAN("a\xffz\xc2\x85\xc2\xa0", "a?z?");
	SAN("\xe3\x85\xa4", "\\u3164");
	text_sanitize_buf(buf, sizeof buf, "\xc3\xa9\xc3\xa9", 4);
	CHECK_STR(buf, "??");
	text_set_ascii(0);
	SAN("caf\xc3\xa9", "caf\xc3\xa9");
}

/* The token is hidden from every sanitized string, even when cut. */
static void
test_secret(void)
{
	char	 buf[32], *d;
	size_t	 n;
	char	 tok[] = "s3cretT0ken-abcdef";

	text_set_secret(tok);
	SAN("Authorization: Token s3cretT0ken-abcdef", "Authorization: "
	    "Token ***");
	SAN("a s3cretT0ken-abcdef b s3cretT0ken-abcdef", "a *** b ***");
	/* The sanitizer must not rebuild it from hidden pieces. */
	SAN("x s3cret\xe2\x80\x8bT0ken-\x1b[1mabcdef\x1b[0m y", "x *** y");
	SAN("{\"detail\": \"s3cretT0ken-abcdef\x07\"}",
	    "{\"detail\": \"***\"}");
	SAN("s3cretT0ken", "s3cretT0ken");	/* part: not cut, kept */
	/* Cut at the end of a buffer: a tail that begins it goes. */
	text_sanitize_buf(buf, 20, "Token s3cretT0ken-abcdef", 24);
	CHECK_STR(buf, "Token ***");
	text_sanitize_buf(buf, 20, "Token \x1b[ms3cretT0ken-abcdef", 27);
	CHECK_STR(buf, "Token ***");
	text_sanitize_buf(buf, sizeof buf, "Token s3cretT0ken-abcdef!", 25);
	CHECK_STR(buf, "Token ***!");
	d = text_scrub_dup("{\"m\": \"s3cretT0ken-abcdef\"}", 27, &n);
	CHECK(d != NULL);
	if (d != NULL) {
		CHECK_STR(d, "{\"m\": \"***\"}");
		CHECK_INT(n, strlen("{\"m\": \"***\"}"));
	}
	free(d);
	CHECK(text_scrub_dup("nothing here", 12, &n) == NULL);
	text_set_secret("ab");		/* too short to look for */
	SAN("cab", "cab");
	text_set_secret("abcdefgh");
	SAN("xabcdefghy", "x***y");
	text_set_secret(NULL);
	SAN("Token s3cretT0ken-abcdef", "Token s3cretT0ken-abcdef");
}

/* Counts that do not fit a column: shortened, rounded down, never cut. */
/* Every occurrence of sec in s, left to right, replaced by "***". */
static size_t
ref_scrub(const char *s, size_t len, const char *sec, char *out)
{
	const char	*p = s, *q;
	size_t		 n = strlen(sec), o = 0;

	while ((q = memmem(p, len - (p - s), sec, n)) != NULL) {
		memcpy(out + o, p, q - p);
		o += q - p;
		memcpy(out + o, "***", 3);
		o += 3;
		p = q + n;
	}
	memcpy(out + o, p, len - (p - s));
	return (o + len - (p - s));
}

/*
 * Scrubbing against a plain reference: random texts over the secret's own
 * bytes (so that near misses, overlaps and neighbours abound), with the
 * secret put in at random places, for secrets that repeat themselves.
 */
static void
test_secret_search(void)
{
	static const char *const secrets[] = { "abcdefgh", "aaaaaaab",
	    "abababab", "baaaaaaa", "s3cretT0ken-abcdef",
	    "9f3c2a7e41d05b8c6e2f1a9d4c7b0e3f5a8d2c61" };
	char		 s[200], want[400], *d;
	size_t		 k, i, len, n, wn, got, sl;
	unsigned	 r = 12345;
	int		 bad = 0;

	for (k = 0; k < sizeof secrets / sizeof secrets[0]; k++) {
		text_set_secret(secrets[k]);
		sl = strlen(secrets[k]);
		for (i = 0; i < 20000; i++) {
			r = r * 1103515245 + 12345;
			len = (r >> 8) % 120;
			for (n = 0; n < len; n++) {
				r = r * 1103515245 + 12345;
				s[n] = (r >> 16) % 5 == 0 ? 'x' :
				    secrets[k][(r >> 8) % sl];
			}
			r = r * 1103515245 + 12345;
			if ((r >> 8) % 3 == 0 && len >= sl) {
				n = (r >> 12) % (len - sl + 1);
				memcpy(s + n, secrets[k], sl);
			}
			wn = ref_scrub(s, len, secrets[k], want);
			d = text_scrub_dup(s, len, &got);
			if (d == NULL ? wn != len || memcmp(want, s, len) != 0 :
			    got != wn || memcmp(d, want, wn) != 0) {
				if (bad++ == 0)
					fprintf(stderr, "t-text.c: secret %s: "
					    "%.*s\n", secrets[k], (int)len, s);
			}
			free(d);
		}
	}
	text_set_secret(NULL);
	CHECK_INT(bad, 0);
}

static void
test_count_fit(void)
{
	char	b[32];

	CHECK_STR(text_count_fit(b, sizeof b, "12345", 5), "12345");
	CHECK_STR(text_count_fit(b, sizeof b, "12345", 4), "12k");
	CHECK_STR(text_count_fit(b, sizeof b, "300123", 5), "300k");
	CHECK_STR(text_count_fit(b, sizeof b, "300999", 4), "300k");
	CHECK_STR(text_count_fit(b, sizeof b, "1234567", 6), "1.2M");
	CHECK_STR(text_count_fit(b, sizeof b, "1299999", 4), "1.2M");
	CHECK_STR(text_count_fit(b, sizeof b, "1999999", 3), "1M");
	CHECK_STR(text_count_fit(b, sizeof b, "1.23M", 4), "1.2M");
	CHECK_STR(text_count_fit(b, sizeof b, "1.23M", 5), "1.23M");
	CHECK_STR(text_count_fit(b, sizeof b, "12.3G", 3), "12G");
	CHECK_STR(text_count_fit(b, sizeof b, "999999", 5), "999k");
	CHECK_STR(text_count_fit(b, sizeof b, "999999", 2), "-");
	CHECK_STR(text_count_fit(b, sizeof b, "45678", 3), "45k");
	CHECK_INT(text_count_fit(b, sizeof b, "12 runs", 3) == NULL, 1);
	CHECK_INT(text_count_fit(b, sizeof b, "abc", 2) == NULL, 1);
	CHECK_INT(text_count_fit(b, sizeof b, "", 2) == NULL, 1);
	CHECK_INT(text_count_fit(b, sizeof b, "-", 2) == NULL, 1);
}

/* The one hash is 64-bit FNV-1a: its published test vectors. */
static void
test_hash(void)
{
	CHECK(text_hash(TEXT_HASH_INIT, "", 0) == 0xcbf29ce484222325ULL);
	CHECK(text_hash(TEXT_HASH_INIT, "a", 1) == 0xaf63dc4c8601ec8cULL);
	CHECK(text_hash(TEXT_HASH_INIT, "foobar", 6) == 0x85944171f73967e8ULL);
	/* Folding in pieces is hashing the whole. */
	CHECK(text_hash(text_hash(TEXT_HASH_INIT, "foo", 3), "bar", 3) ==
	    0x85944171f73967e8ULL);
}

int
main(void)
{
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		fprintf(stderr, "t-text: no C.UTF-8 locale\n");
	test_escapes();
	test_controls();
	test_buf();
	test_big();
	test_width();
	test_secret();
	test_secret_search();
	test_lookalikes();
	test_count_fit();
	test_hash();
	return (t_done("t-text"));
}
