/*
 * jscan.c: a strict validating scanner for one JSON object.
 *
 * Why not just jansson? jansson remains the JSON library of swf-dash (the
 * detail view, the registry, recordings, the rare message shapes below),
 * but building a full tree with one allocation per value caps decoding at
 * about 130 000 messages/s, while a message needs only its validity and a
 * dozen top-level fields. This is not a parser: it builds nothing and
 * allocates nothing; it validates in one pass and reports where those
 * fields are. Its verdict must be jansson's (json_loadb() then
 * json_is_object()), so it copies jansson's rules: whitespace is SP, TAB,
 * CR and LF; strings are valid UTF-8 without control characters; a
 * "\uD800"-"\uDBFF" escape must be followed by a "\uDC00"-"\uDFFF" one and
 * a low surrogate never stands alone; "\u0000" is refused in keys always
 * and in values without JSCAN_ALLOW_NUL; integers (no fraction and no
 * exponent) must fit in a long long; reals must not overflow a double
 * (underflow is fine); every value, scalars included, counts one level of
 * depth, at most JSON_PARSER_MAX_DEPTH. One quirk too: jansson drops a
 * NUL byte that directly follows a number or true/false/null (it ungets
 * the byte that ends the token, and an ungot NUL reads as "buffer empty"),
 * so "{\"a\":1<NUL>}" is an object. tests/unit/t-jscan.c checks the
 * RFC 8259 cases and tests/fuzz/fuzz-jscan.c compares every verdict with
 * jansson's.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jscan.h"
#include "utf8.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define JSCAN_SSE2	1
#endif
#ifdef __GNUC__
#define JSCAN_INLINE	__attribute__((always_inline))
#else
#define JSCAN_INLINE
#endif

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* The smallest decimal that strtod() rounds to infinity: 2^1024 - 2^970. */
static const char jscan_huge[] =
    "1797693134862315807937289714053034150799341327100378269361737789804"
    "4496829276475094664901797758720709633028641669288791094655554785194"
    "0402630657488671505820681908902000708383676273854845817711531764475"
    "7302700698555713669596228429148198608349364752927190741684443655107"
    "04342711559699508093042880177904174497792";
#define JSCAN_HUGE_DIGITS	309

/* What a string contained, besides plain characters. */
struct jscan_str {
	int	esc;		/* a backslash escape */
	int	nul;		/* a "\u0000" escape */
	int	high;		/* a byte of 0x7f or above */
};

static inline int
jscan_digit(int c)
{
	return (c >= '0' && c <= '9');
}

static int
jscan_hex(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* The four hex digits after "\u" at p (p + 4 <= end), or -1. */
static long
jscan_u4(const unsigned char *p, const unsigned char *end)
{
	long	v = 0;
	int	i, d;

	if (end - p < 4)
		return (-1);
	for (i = 0; i < 4; i++) {
		if ((d = jscan_hex(p[i])) < 0)
			return (-1);
		v = (v << 4) | d;
	}
	return (v);
}

/*
 * Skip whitespace, noting CR and LF in *nl. Most calls find none (the
 * byte after a key's quote is its colon), so one compare decides those.
 */
static inline const unsigned char *
jscan_ws(const unsigned char *p, const unsigned char *end, int *nl)
{
	for (; p < end && *p <= ' '; p++) {
		if (*p == '\n' || *p == '\r')
			*nl = 1;
		else if (*p != ' ' && *p != '\t')
			break;
	}
	return (p);
}

/*
 * Whether any of the 8 bytes in w needs a look: '"', '\\', < 0x20 or
 * >= 0x7f. A flag may also be set in a byte above (at a higher address
 * than) a flagged one, by a borrow or a carry, never below it: the lowest
 * flag is exact.
 */
static inline uint64_t
jscan_special(uint64_t w)
{
	uint64_t	q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	return (((w - ONES * 0x20) & ~w) | ((q - ONES) & ~q) |
	    ((b - ONES) & ~b) | w | (w + ONES)) & HIGHS;
}

#ifdef JSCAN_SSE2
/*
 * Bit i: byte p[i] of the 16 needs a look (as jscan_special()). A signed
 * compare of each byte plus one with 0x21 is true for 0x00-0x1f and for
 * 0x7f-0xff at once.
 */
static inline unsigned
jscan_mask16(const unsigned char *p)
{
	const __m128i	v = _mm_loadu_si128((const __m128i *)(const void *)p);

	return ((unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
	    _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(1)),
	    _mm_set1_epi8(0x21)))));
}
#endif

/*
 * The first byte at or after p that needs a look (as jscan_special()), or
 * a byte less than 8 from the end, from which the caller looks at each
 * one. With SSE2, 16 bytes at a time, and then 8.
 */
static inline JSCAN_INLINE const unsigned char *
jscan_plain(const unsigned char *p, const unsigned char *end)
{
	uint64_t	w, m;
#ifdef JSCAN_SSE2
	unsigned	mask;

	for (; end - p >= 16; p += 16) {
		if ((mask = jscan_mask16(p)) != 0)
			return (p + __builtin_ctz(mask));
	}
#endif
	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if ((m = jscan_special(w)) != 0) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			p += __builtin_ctzll(m) / 8;
#endif
			break;
		}
		p += 8;
	}
	return (p);
}

/* An escape after the backslash at p; returns its end or NULL. */
static const unsigned char *
jscan_escape(const unsigned char *p, const unsigned char *end,
    struct jscan_str *st)
{
	long	hi, lo;

	st->esc = 1;
	if (++p == end)
		return (NULL);
	switch (*p) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r':
	case 't':
		return (p + 1);
	case 'u':
		break;
	default:
		return (NULL);
	}
	if ((hi = jscan_u4(p + 1, end)) < 0)
		return (NULL);
	p += 5;
	if (hi == 0)
		st->nul = 1;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return (NULL);
	if (hi < 0xd800 || hi > 0xdbff)
		return (p);
	if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
	    (lo = jscan_u4(p + 2, end)) < 0 || lo < 0xdc00 || lo > 0xdfff)
		return (NULL);
	return (p + 6);
}

/* The rest of a string from p, a byte that needs a look; see below. */
static const unsigned char *
jscan_string_rest(const unsigned char *p, const unsigned char *end,
    struct jscan_str *st)
{
	uint32_t	cp;

	for (;;) {
		if (p == end)
			return (NULL);
		if (*p == '"')
			return (p + 1);
		if (*p == '\\') {
			if ((p = jscan_escape(p, end, st)) == NULL)
				return (NULL);
		} else if (*p < 0x20)
			return (NULL);
		else if (*p < 0x7f)
			p++;
		else if (*p == 0x7f) {
			st->high = 1;
			p++;
		} else {
			st->high = 1;
			p += utf8_decode((const char *)p, end - p, &cp);
			if (cp == UTF8_INVALID)
				return (NULL);
		}
		p = jscan_plain(p, end);
	}
}

/*
 * Scan a string from just after its opening quote; returns past the end.
 * Most strings are plain up to their closing quote: that case is inline,
 * the rest (escapes, UTF-8, errors) a call.
 */
static inline const unsigned char *
jscan_string(const unsigned char *p, const unsigned char *end,
    struct jscan_str *st)
{
	st->esc = st->nul = st->high = 0;
	p = jscan_plain(p, end);
	if (p < end && *p == '"')
		return (p + 1);
	return (jscan_string_rest(p, end, st));
}

/* Whether an integer of n digits at s (no leading zero) fits 64 bits. */
static int
jscan_int_fits(const unsigned char *s, size_t n, int neg)
{
	if (n != 19)
		return (n < 19);
	return (memcmp(s, neg ? "9223372036854775808" :
	    "9223372036854775807", 19) <= 0);
}

/* The i-th significant digit of the digits in [a, ae) then [b, be). */
static int
jscan_nth(const unsigned char *a, const unsigned char *ae,
    const unsigned char *b, const unsigned char *be, size_t i)
{
	if (i < (size_t)(ae - a))
		return (a[i]);
	i -= ae - a;
	if (b != NULL && i < (size_t)(be - b))
		return (b[i]);
	return ('0');
}

/*
 * Whether a real overflows a double: the integer digits [ip, ie), the
 * fraction [fp, fe) (fp NULL if none) and the decimal exponent exp.
 */
static int
jscan_real_huge(const unsigned char *ip, const unsigned char *ie,
    const unsigned char *fp, const unsigned char *fe, int64_t exp)
{
	const unsigned char	*a = ip, *ae = ie;
	int64_t			 mag;
	size_t			 i;
	int			 c;

	/* Value = 0.S * 10^mag with S starting at its first non-zero. */
	if (ie - ip == 1 && *ip == '0') {
		if (fp == NULL)
			return (0);
		a = fp;
		while (a < fe && *a == '0')
			a++;
		if (a == fe)
			return (0);
		mag = -(int64_t)(a - fp);
		ae = fe;
		fp = NULL;
	} else
		mag = ie - ip;
	mag += exp;
	if (mag != JSCAN_HUGE_DIGITS)
		return (mag > JSCAN_HUGE_DIGITS);
	for (i = 0; i < JSCAN_HUGE_DIGITS; i++) {
		c = jscan_nth(a, ae, fp, fe, i);
		if (c != jscan_huge[i])
			return (c > jscan_huge[i]);
	}
	return (1);	/* exactly halfway: rounds to even, which is inf */
}

/* Scan a number; returns its end or NULL, and its type in *type. */
static const unsigned char *
jscan_number(const unsigned char *p, const unsigned char *end, uint8_t *type)
{
	const unsigned char	*ip, *ie, *fp = NULL, *fe = NULL;
	int64_t			 exp = 0;
	int			 neg = 0, eneg = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	ip = p;
	if (p == end || !jscan_digit(*p))
		return (NULL);
	if (*p == '0') {
		if (++p < end && jscan_digit(*p))
			return (NULL);
	} else {
		while (p < end && jscan_digit(*p))
			p++;
	}
	ie = p;
	if (p == end || (*p != '.' && *p != 'e' && *p != 'E')) {
		*type = JT_INTEGER;
		return (jscan_int_fits(ip, ie - ip, neg) ? p : NULL);
	}
	if (*p == '.') {
		fp = ++p;
		if (p == end || !jscan_digit(*p))
			return (NULL);
		while (p < end && jscan_digit(*p))
			p++;
		fe = p;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == end || !jscan_digit(*p))
			return (NULL);
		for (; p < end && jscan_digit(*p); p++) {
			if (exp < 1000000000)
				exp = exp * 10 + (*p - '0');
		}
	}
	*type = JT_REAL;
	if (jscan_real_huge(ip, ie, fp, fe, eneg ? -exp : exp))
		return (NULL);
	return (p);
}

/* See jscan.h. */
void
jscan_keys_init(struct jscan_keys *k, const char *const *names, size_t n)
{
	size_t	i, l;

	memset(k, 0, sizeof *k);
	k->name = names;
	k->n = n < JSCAN_KEYS_MAX ? n : JSCAN_KEYS_MAX;
	for (i = 0; i < k->n; i++) {
		l = strlen(names[i]);
		k->len[i] = l < JSCAN_KEY_MAX ? l : JSCAN_KEY_MAX;
		k->lens |= 1ULL << k->len[i];
	}
}

/* Whether the n bytes at a and b are equal (n is small: no call). */
static inline int
jscan_same(const char *a, const unsigned char *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if ((unsigned char)a[i] != b[i])
			return (0);
	}
	return (1);
}

/* Index of the wanted key equal to the key at s (n raw bytes), or -1. */
static int
jscan_key(const unsigned char *s, size_t n, int esc,
    const struct jscan_keys *k)
{
	char	tmp[6 * JSCAN_KEY_MAX];
	size_t	i;

	if (esc) {
		if (n > sizeof tmp)
			return (-1);
		n = jscan_unescape((const char *)s, n, tmp);
		s = (const unsigned char *)tmp;
	}
	if (n > JSCAN_KEY_MAX || !(k->lens & (1ULL << n)))
		return (-1);
	for (i = 0; i < k->n; i++) {
		if (k->len[i] == n && (n == 0 || ((unsigned char)
		    k->name[i][0] == s[0] && (unsigned char)k->name[i][n - 1] ==
		    s[n - 1])) && jscan_same(k->name[i], s, n))
			return ((int)i);
	}
	return (-1);
}

/* Match a literal word at p; returns its end or NULL. */
static const unsigned char *
jscan_word(const unsigned char *p, const unsigned char *end, const char *w,
    size_t n)
{
	if ((size_t)(end - p) < n || memcmp(p, w, n) != 0)
		return (NULL);
	return (p + n);
}

/*
 * Scan a scalar at p into *v; returns its end or NULL. A string's byte of
 * 0x7f or above sets *high.
 */
static const unsigned char *
jscan_scalar(const unsigned char *p, const unsigned char *end, int flags,
    struct jscan_val *v, int *high)
{
	struct jscan_str	 st;
	const unsigned char	*s = p;

	switch (*p) {
	case '"':
		if ((p = jscan_string(p + 1, end, &st)) == NULL ||
		    (st.nul && !(flags & JSCAN_ALLOW_NUL)))
			return (NULL);
		*high |= st.high;
		v->type = JT_STRING;
		v->esc = st.esc;
		v->p = (const char *)s + 1;
		v->len = p - s - 2;
		return (p);
	case 't':
		v->type = JT_TRUE;
		p = jscan_word(p, end, "true", 4);
		break;
	case 'f':
		v->type = JT_FALSE;
		p = jscan_word(p, end, "false", 5);
		break;
	case 'n':
		v->type = JT_NULL;
		p = jscan_word(p, end, "null", 4);
		break;
	default:
		p = jscan_number(p, end, &v->type);
		break;
	}
	if (p != NULL) {
		v->esc = 0;
		v->p = (const char *)s;
		v->len = p - s;
	}
	return (p);
}

/*
 * See jscan.h. A loop of gotos, one label per state: value (one is due),
 * first_key and key (a member is due), after (a value ended: ',' or the
 * closing bracket is due) and close (a container ended). arr[] has a bit
 * per open container: set for an array.
 */
int
jscan_object(const char *buf, size_t len, int flags,
    const struct jscan_keys *keys, struct jscan_val *vals)
{
	const unsigned char	*p = (const unsigned char *)buf, *end = p + len;
	const unsigned char	*s, *open = NULL;
	unsigned char		 arr[JSCAN_MAX_DEPTH / 8];	/* bit: array */
	struct jscan_val	 tmp, *v;
	struct jscan_str	 st;
	size_t			 depth;	/* open containers */
	int			 nl = 0, nul = 0, high = 0, want = -1;
	int			 pend = -1;

	if (keys != NULL && keys->n == 0)
		keys = NULL;
	if (keys != NULL)
		memset(vals, 0, keys->n * sizeof *vals);
	p = jscan_ws(p, end, &nl);
	if (p == end || *p != '{')
		return (-1);
	p++;
	depth = 1;
	arr[0] = 0;
	goto first_key;

value:
	/* Every value counts one level; the top-level object is level 1. */
	if (p == end || depth + 1 > JSCAN_MAX_DEPTH)
		return (-1);
	if (*p == '{' || *p == '[') {
		if (want >= 0) {
			pend = want;
			open = p;
			vals[pend].type = *p == '{' ? JT_OBJECT : JT_ARRAY;
			vals[pend].esc = 0;
			vals[pend].p = (const char *)p;
			want = -1;
		}
		if (*p == '[')
			arr[depth / 8] |= 1U << (depth % 8);
		else
			arr[depth / 8] &= ~(1U << (depth % 8));
		depth++;
		if (*p++ == '{')
			goto first_key;
		p = jscan_ws(p, end, &nl);
		if (p < end && *p == ']') {
			p++;
			goto close;
		}
		goto value;
	}
	v = want >= 0 ? &vals[want] : &tmp;
	if ((p = jscan_scalar(p, end, flags, v, &high)) == NULL)
		return (-1);
	want = -1;
	if (p < end && *p == '\0' && v->type != JT_STRING) {
		/* jansson loses a NUL it ungets after a number or word. */
		nul = 1;
		p++;
	}
	goto after;

first_key:
	p = jscan_ws(p, end, &nl);
	if (p < end && *p == '}') {
		p++;
		goto close;
	}
	/* FALLTHROUGH */
key:
	if (p == end || *p != '"')
		return (-1);
	s = ++p;
	if ((p = jscan_string(p, end, &st)) == NULL || st.nul)
		return (-1);
	high |= st.high;
	if (depth == 1 && keys != NULL)
		want = jscan_key(s, p - s - 1, st.esc, keys);
	p = jscan_ws(p, end, &nl);
	if (p == end || *p != ':')
		return (-1);
	p = jscan_ws(p + 1, end, &nl);
	goto value;

after:
	p = jscan_ws(p, end, &nl);
	if (p == end)
		return (-1);
	if (*p == ',') {
		p = jscan_ws(p + 1, end, &nl);
		if (arr[(depth - 1) / 8] & (1U << ((depth - 1) % 8)))
			goto value;
		goto key;
	}
	if (*p != (arr[(depth - 1) / 8] & (1U << ((depth - 1) % 8)) ?
	    ']' : '}'))
		return (-1);
	p++;
	/* FALLTHROUGH */
close:
	if (--depth == 1 && pend >= 0) {
		vals[pend].len = p - open;
		pend = -1;
	}
	if (depth > 0)
		goto after;
	p = jscan_ws(p, end, &nl);
	if (p != end)
		return (-1);
	return ((nl ? JSCAN_NEWLINE : 0) | (nul ? JSCAN_NULBYTE : 0) |
	    (high ? JSCAN_HIGH : 0));
}

/* See jscan.h. */
size_t
jscan_unescape(const char *src, size_t len, char *dst)
{
	const unsigned char	*p = (const unsigned char *)src;
	const unsigned char	*end = p + len;
	const char		*bs;
	char			*o = dst;
	long			 cp, lo;

	while (p < end) {
		if ((bs = memchr(p, '\\', end - p)) == NULL)
			bs = (const char *)end;
		memmove(o, p, (const unsigned char *)bs - p);
		o += (const unsigned char *)bs - p;
		if ((p = (const unsigned char *)bs) == end)
			break;
		switch (p[1]) {
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			cp = jscan_u4(p + 2, end);
			if (cp >= 0xd800 && cp <= 0xdbff) {
				lo = jscan_u4(p + 8, end);
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			}
			o += utf8_encode((uint32_t)cp, o);
			p += 4;
			break;
		default:	/* '"', '\\' or '/' */
			*o++ = p[1];
			break;
		}
		p += 2;
	}
	return (o - dst);
}
