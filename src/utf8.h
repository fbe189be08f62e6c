/*
 * utf8.h: a private, inline UTF-8 decoder shared by sse.c and text.c. It
 * follows the WHATWG UTF-8 decoder: each maximal subpart of an invalid
 * sequence counts as one error (one U+FFFD for the callers that replace).
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* Code point returned by utf8_decode() for an invalid sequence. */
#define UTF8_INVALID	0x110000U

/* U+FFFD REPLACEMENT CHARACTER, encoded. */
#define UTF8_REPL	"\xef\xbf\xbd"
#define UTF8_REPL_LEN	3

/*
 * Decode one character from s (n > 0 bytes) into *cp and return the bytes
 * used. An invalid sequence sets *cp to UTF8_INVALID and returns the length
 * of its maximal subpart (at least 1), as the WHATWG decoder consumes it.
 */
static inline size_t
utf8_decode(const char *src, size_t n, uint32_t *cp)
{
	const unsigned char	*s = (const unsigned char *)src;
	unsigned		 c = s[0], lo = 0x80, hi = 0xbf;
	size_t			 need, i;
	uint32_t		 v;

	if (c < 0x80) {
		*cp = c;
		return (1);
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		need = 2;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		need = 3;
		v = c & 0x07;
	} else {
		*cp = UTF8_INVALID;
		return (1);
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = UTF8_INVALID;
			return (i);
		}
		v = (v << 6) | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return (need + 1);
}

/* Encode code point cp (< 0x110000) into out (4 bytes); return the length. */
static inline size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char	*o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = cp;
		return (1);
	}
	if (cp < 0x800) {
		o[0] = 0xc0 | (cp >> 6);
		o[1] = 0x80 | (cp & 0x3f);
		return (2);
	}
	if (cp < 0x10000) {
		o[0] = 0xe0 | (cp >> 12);
		o[1] = 0x80 | ((cp >> 6) & 0x3f);
		o[2] = 0x80 | (cp & 0x3f);
		return (3);
	}
	o[0] = 0xf0 | (cp >> 18);
	o[1] = 0x80 | ((cp >> 12) & 0x3f);
	o[2] = 0x80 | ((cp >> 6) & 0x3f);
	o[3] = 0x80 | (cp & 0x3f);
	return (4);
}

/*
 * Length of the leading run of ASCII bytes of s: with SSE2 32 bytes at a
 * time (an event's data is usually all ASCII), then eight.
 */
static inline size_t
utf8_ascii_prefix(const char *s, size_t n)
{
	uint64_t	w;
	size_t		i = 0;

#if defined(__SSE2__) && defined(__GNUC__)
	while (i + 32 <= n && _mm_movemask_epi8(_mm_or_si128(
	    _mm_loadu_si128((const __m128i *)(const void *)(s + i)),
	    _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16)))) ==
	    0)
		i += 32;
#endif
	while (i + 8 <= n) {
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
		i += 8;
	}
	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	return (i);
}

/* Length of the longest valid UTF-8 prefix of s; n when all is valid. */
static inline size_t
utf8_valid_prefix(const char *s, size_t n)
{
	uint32_t	cp;
	size_t		i = 0, k;

	for (;;) {
		i += utf8_ascii_prefix(s + i, n - i);
		if (i == n)
			return (n);
		k = utf8_decode(s + i, n - i, &cp);
		if (cp == UTF8_INVALID)
			return (i);
		i += k;
	}
}

#endif
