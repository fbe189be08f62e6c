/*
 * text.c: making hostile strings safe for a terminal, and measuring them.
 *
 * Input is decoded as UTF-8 (one U+FFFD per maximal invalid subpart, as
 * the WHATWG decoder does) and run through a small state machine that
 * drops whole escape sequences in both their 7-bit (ESC [) and 8-bit
 * (U+009B) forms, every other C0 and C1 control, DEL, and the Unicode
 * format characters that can reorder or hide text (bidi overrides and
 * isolates, zero-width characters, variation selectors). A run of TAB,
 * CR, LF, U+2028 or U+2029 becomes one space.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "text.h"
#include "utf8.h"
#include "xmalloc.h"

enum text_state {
	TS_TEXT,
	TS_ESC,		/* after ESC */
	TS_ESC_INTER,	/* ESC then intermediates: wait for the final */
	TS_CSI,		/* control sequence: until a final byte */
	TS_STR,		/* OSC, DCS, SOS, PM, APC: until BEL or ST */
	TS_STR_ESC	/* ESC inside a string: ST if '\' follows */
};

#define TEXT_SCRUB	"***"
#define TEXT_SCRUB_TAIL	4	/* a cut tail this long that starts it */
#define TEXT_SECRET_MIN	8	/* shorter secrets are not looked for */

/* Non-ASCII becomes '?' (a locale that is not UTF-8). */
static int		 text_ascii;

/* The token to hide (not owned). */
static const char	*text_secret;
static size_t		 text_secretlen;

/* Output being built; dst NULL only counts. */
struct text_out {
	char		*dst;
	size_t		 cap;		/* bytes of dst, room for the NUL */
	size_t		 len;
	int		 full;
	int		 space;		/* the last output was a folded space */
	int		 strip;		/* remove invisibles, do not escape */
	size_t		 invisible;	/* invisibles seen */
};

/* Append n bytes (one character) unless they do not fit whole. */
static void
text_put(struct text_out *o, const char *s, size_t n)
{
	if (o->full)
		return;
	if (o->dst != NULL) {
		if (o->len + n + 1 > o->cap) {
			o->full = 1;
			return;
		}
		memcpy(o->dst + o->len, s, n);
	}
	o->len += n;
	o->space = 0;
}

/* Whether cp is a format character that could spoof what is shown. */
static int
text_is_format(uint32_t cp)
{
	if (cp < 0x61c)
		return (cp == 0xad);		/* soft hyphen */
	return (cp == 0x61c ||			/* arabic letter mark */
	    (cp >= 0x200b && cp <= 0x200f) ||	/* zero width, LRM, RLM */
	    (cp >= 0x202a && cp <= 0x202e) ||	/* bidi embeddings */
	    (cp >= 0x2060 && cp <= 0x206f) ||	/* word joiner, isolates */
	    cp == 0xfe0e || cp == 0xfe0f ||	/* variation selectors */
	    cp == 0xfeff ||			/* zero width no-break */
	    (cp >= 0xfff9 && cp <= 0xfffb) ||	/* annotations */
	    (cp >= 0xe0000 && cp <= 0xe007f));	/* tags */
}

/*
 * Whether cp is invisible but not a control or format character: the
 * Hangul fillers, the blank Braille pattern, and the zero-width space,
 * joiners, word joiner and BOM. A name made of them looks empty or like
 * another name; they are shown as escapes.
 */
static int
text_is_invisible(uint32_t cp)
{
	return (cp == 0x115f || cp == 0x1160 || cp == 0x3164 ||
	    cp == 0xffa0 || cp == 0x2800 || (cp >= 0x200b && cp <= 0x200d) ||
	    cp == 0x2060 || cp == 0xfeff);
}

/* Handle one character in the text state. */
static enum text_state
text_char(struct text_out *o, uint32_t cp, const char *s, size_t n)
{
	char	esc[8];

	switch (cp) {
	case 0x1b:
		return (TS_ESC);
	case 0x9b:
		return (TS_CSI);
	case 0x90: case 0x98: case 0x9d: case 0x9e: case 0x9f:
		return (TS_STR);
	case '\t': case '\n': case '\r': case 0x2028: case 0x2029:
		if (!o->space) {
			text_put(o, " ", 1);
			o->space = 1;
		}
		return (TS_TEXT);
	}
	if (text_is_invisible(cp)) {
		o->invisible++;
		if (o->strip)
			return (TS_TEXT);
		snprintf(esc, sizeof esc, "\\u%04X", cp);
		text_put(o, esc, strlen(esc));
		return (TS_TEXT);
	}
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || text_is_format(cp))
		return (TS_TEXT);
	if (text_ascii && cp >= 0x80)
		text_put(o, "?", 1);
	else if (cp == UTF8_INVALID)
		text_put(o, UTF8_REPL, UTF8_REPL_LEN);
	else
		text_put(o, s, n);
	return (TS_TEXT);
}

/* Advance the escape state machine by one character. */
static enum text_state
text_step(struct text_out *o, enum text_state st, uint32_t cp, const char *s,
    size_t n)
{
	switch (st) {
	case TS_TEXT:
		return (text_char(o, cp, s, n));
	case TS_ESC:
		if (cp == '[')
			return (TS_CSI);
		if (cp == ']' || cp == 'P' || cp == 'X' || cp == '^' ||
		    cp == '_')
			return (TS_STR);
		if (cp >= 0x20 && cp <= 0x2f)
			return (TS_ESC_INTER);
		if (cp == 0x1b)
			return (TS_ESC);
		if (cp >= 0x30 && cp <= 0x7e)
			return (TS_TEXT);
		return (text_char(o, cp, s, n));
	case TS_ESC_INTER:
		if (cp >= 0x20 && cp <= 0x2f)
			return (TS_ESC_INTER);
		if (cp >= 0x30 && cp <= 0x7e)
			return (TS_TEXT);
		return (text_char(o, cp, s, n));
	case TS_CSI:
		if (cp >= 0x20 && cp <= 0x3f)
			return (TS_CSI);
		if (cp >= 0x40 && cp <= 0x7e)
			return (TS_TEXT);
		if (cp < 0x20 && cp != 0x1b)
			return (TS_CSI);	/* terminals run these: drop */
		return (text_char(o, cp, s, n));
	case TS_STR:
		if (cp == 0x07 || cp == 0x9c)
			return (TS_TEXT);
		if (cp == 0x1b)
			return (TS_STR_ESC);
		return (TS_STR);
	case TS_STR_ESC:
		if (cp == '\\')
			return (TS_TEXT);
		return (text_step(o, TS_ESC, cp, s, n));
	}
	return (TS_TEXT);
}

/* Whether s is all printable ASCII, which needs no work. */
static int
text_plain(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e)
			return (0);
	}
	return (1);
}

/* Sanitize src into o, stopping when o is full. */
static void
text_run(struct text_out *o, const char *src, size_t len)
{
	enum text_state	st = TS_TEXT;
	uint32_t	cp;
	size_t		i, n;

	for (i = 0; i < len && !o->full; i += n) {
		n = utf8_decode(src + i, len - i, &cp);
		st = text_step(o, st, cp, src + i, n);
	}
}

void
text_set_ascii(int on)
{
	text_ascii = on;
}

void
text_set_secret(const char *s)
{
	text_secret = s != NULL && strlen(s) >= TEXT_SECRET_MIN ? s : NULL;
	text_secretlen = text_secret != NULL ? strlen(text_secret) : 0;
}

/* What replaces the secret: shorter than it, so scrubbing shrinks. */
static size_t
text_scrub_with(const char **with)
{
	*with = TEXT_SCRUB;
	if (text_secretlen < strlen(TEXT_SCRUB))
		return (text_secretlen);
	return (strlen(TEXT_SCRUB));
}

/* Hide every whole occurrence of the secret and maybe a cut tail. */
size_t
text_scrub(char *s, size_t len, int cut)
{
	const char	*with;
	char		*p, *q;
	size_t		 wl, n, t, i;

	if (text_secret == NULL || len == 0)
		return (len);
	wl = text_scrub_with(&with);
	p = s;
	while ((q = memmem(p, len - (p - s), text_secret,
	    text_secretlen)) != NULL) {
		memcpy(q, with, wl);
		memmove(q + wl, q + text_secretlen,
		    len - (q - s) - text_secretlen);
		len -= text_secretlen - wl;
		p = q + wl;
	}
	if (cut) {
		/* The longest tail that begins the secret. */
		n = len < text_secretlen ? len : text_secretlen - 1;
		for (t = n; t >= TEXT_SCRUB_TAIL && t > 0; t--) {
			if (memcmp(s + len - t, text_secret, t) == 0) {
				i = len - t;
				memcpy(s + i, with, wl < t ? wl : t);
				len = i + (wl < t ? wl : t);
				break;
			}
		}
	}
	return (len);
}

char *
text_scrub_dup(const char *s, size_t len, size_t *outlen)
{
	char	*d;

	if (text_secret == NULL || len < text_secretlen ||
	    memmem(s, len, text_secret, text_secretlen) == NULL)
		return (NULL);
	d = xmalloc(len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	*outlen = text_scrub(d, len, 0);
	d[*outlen] = '\0';
	return (d);
}

/* Sanitize into a new string (not scrubbed): measure first, then fill. */
static char *
text_sanitize_mode(const char *src, size_t len, int strip, size_t *invisible)
{
	struct text_out	o;
	char		*dst;

	memset(&o, 0, sizeof o);
	o.strip = strip;
	text_run(&o, src, len);
	dst = xmalloc(o.len + 1);
	memset(&o, 0, sizeof o);
	o.strip = strip;
	o.dst = dst;
	o.cap = SIZE_MAX;
	text_run(&o, src, len);
	dst[o.len] = '\0';
	*invisible = o.invisible;
	return (dst);
}

/* Sanitize into a new string. */
char *
text_sanitize(const char *src, size_t len)
{
	char	*dst, *s2;
	size_t	 invisible;

	if (text_plain(src, len)) {
		/* src need not be terminated: no strndup. */
		dst = xmalloc(len + 1);
		memcpy(dst, src, len);
		dst[text_scrub(dst, len, 0)] = '\0';
		return (dst);
	}
	dst = text_sanitize_mode(src, len, 0, &invisible);
	if (text_secret != NULL && invisible > 0) {
		/*
		 * The secret split by invisible characters is still the
		 * secret to a reader: look for it without them, and if it is
		 * there, show that form, scrubbed.
		 */
		s2 = text_sanitize_mode(src, len, 1, &invisible);
		if (memmem(s2, strlen(s2), text_secret,
		    text_secretlen) != NULL) {
			free(dst);
			dst = s2;
		} else
			free(s2);
	}
	dst[text_scrub(dst, strlen(dst), 0)] = '\0';
	return (dst);
}

/*
 * Sanitize into a fixed buffer, stopping before a character that does not
 * fit.
 */
size_t
text_sanitize_buf(char *dst, size_t dstsz, const char *src, size_t len)
{
	struct text_out	o;
	size_t		n, invisible;
	char		*s2;
	int		cut;

	if (dstsz == 0)
		return (0);
	if (text_plain(src, len < dstsz - 1 ? len : dstsz - 1)) {
		/* Only the bytes that fit matter; they map to themselves. */
		cut = len > dstsz - 1;
		if (cut)
			len = dstsz - 1;
		memcpy(dst, src, len);
		dst[len] = '\0';
		len = text_scrub(dst, len, cut);
		dst[len] = '\0';
		return (len);
	}
	memset(&o, 0, sizeof o);
	o.dst = dst;
	o.cap = dstsz;
	text_run(&o, src, len);
	if (text_secret != NULL && o.invisible > 0) {
		/* As in text_sanitize(): the secret split by invisibles. */
		s2 = text_sanitize_mode(src, len, 1, &invisible);
		if (memmem(s2, strlen(s2), text_secret,
		    text_secretlen) != NULL) {
			memset(&o, 0, sizeof o);
			o.strip = 1;
			o.dst = dst;
			o.cap = dstsz;
			text_run(&o, src, len);
		}
		free(s2);
	}
	dst[o.len] = '\0';
	n = text_scrub(dst, o.len, o.full);
	dst[n] = '\0';
	return (n);
}

int
text_is_clean(const char *s, size_t len)
{
	const char	*secret = text_secret;
	int		 ascii = text_ascii, clean;
	char		*t;

	text_ascii = 0;
	text_secret = NULL;
	t = text_sanitize(s, len);
	clean = strlen(t) == len && memcmp(t, s, len) == 0;
	free(t);
	text_ascii = ascii;
	text_secret = secret;
	return (clean);
}

/* Columns taken by code point cp; invalid bytes show as U+FFFD. */
static int
text_cp_width(uint32_t cp)
{
	int	w;

	if (cp == UTF8_INVALID)
		return (1);
	if (cp < 0x80)
		return (cp >= 0x20 && cp < 0x7f);
	if ((w = wcwidth((wchar_t)cp)) < 0)
		return (cp >= 0xa0 ? 1 : 0);
	return (w);
}

/* Return the display width in columns of a UTF-8 string. */
size_t
text_width(const char *s)
{
	size_t		len = strlen(s), i, n, w = 0;
	uint32_t	cp;

	for (i = 0; i < len; i += n) {
		if ((unsigned char)s[i] < 0x80) {
			n = 1;
			w += s[i] >= 0x20 && s[i] < 0x7f;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		w += text_cp_width(cp);
	}
	return (w);
}

/* Cut a string to a number of columns, optionally padded. */
char *
text_fit(char *dst, size_t dstsz, const char *s, size_t cols, int pad)
{
	size_t		len = strlen(s), i = 0, o = 0, w = 0, n;
	uint32_t	cp;
	int		cw;

	if (dstsz == 0)
		return (dst);
	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		cw = text_cp_width(cp);
		if (w + cw > cols || o + n + 1 > dstsz)
			break;
		memcpy(dst + o, s + i, n);
		o += n;
		w += cw;
		i += n;
	}
	while (pad && w < cols && o + 2 <= dstsz) {
		dst[o++] = ' ';
		w++;
	}
	dst[o] = '\0';
	return (dst);
}

/* Write v / div, rounded down to prec decimals, with suffix sfx. */
static void
text_count_as(char *dst, size_t dstsz, double v, double div, int prec,
    char sfx)
{
	double	q = v / div, m = prec > 0 ? 10.0 : 1.0;

	q = floor(q * m) / m;
	snprintf(dst, dstsz, "%.*f%c", prec, q, sfx);
}

char *
text_count_fit(char *dst, size_t dstsz, const char *s, size_t cols)
{
	static const struct { double div; int prec; char sfx; } f[] = {
		{ 1e3, 1, 'k' }, { 1e3, 0, 'k' }, { 1e6, 1, 'M' },
		{ 1e6, 0, 'M' }, { 1e9, 1, 'G' }, { 1e9, 0, 'G' }
	};
	const char	*p = s;
	char		 tmp[32], *end;
	double		 v, mult = 1;
	size_t		 i, len = strlen(s);

	if (len == 0 || len >= sizeof tmp)
		return (NULL);
	p += strspn(p, "0123456789");
	if (p == s)
		return (NULL);
	if (*p == '.')
		p += 1 + strspn(p + 1, "0123456789");
	if (*p == 'k' || *p == 'M' || *p == 'G') {
		mult = *p == 'k' ? 1e3 : *p == 'M' ? 1e6 : 1e9;
		p++;
	}
	if (*p != '\0')
		return (NULL);
	v = strtod(s, &end) * mult;
	if (len <= cols) {
		snprintf(dst, dstsz, "%s", s);
		return (dst);
	}
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		/* Not "0.9M" for 900k, nor "1234k" for 1.2M. */
		if (v < f[i].div || (f[i].sfx != 'G' && v >= f[i].div * 1e3))
			continue;
		text_count_as(tmp, sizeof tmp, v, f[i].div, f[i].prec,
		    f[i].sfx);
		if (strlen(tmp) <= cols && strlen(tmp) < len) {
			snprintf(dst, dstsz, "%s", tmp);
			return (dst);
		}
	}
	snprintf(dst, dstsz, "%s", cols > 0 ? "-" : "");
	return (dst);
}

uint64_t
text_hash(uint64_t h, const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < len; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return (h);
}
