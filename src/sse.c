/*
 * sse.c: the WHATWG "interpreting an event stream" algorithm over bytes.
 *
 * Lines are found with memchr() and handled in place when they lie whole
 * in the fed buffer; only a line split across feeds is copied into the
 * line buffer. Values are UTF-8 decoded (U+FFFD for each maximal invalid
 * subpart) only when they are kept, and a line that is all ASCII or valid
 * UTF-8 is copied with memcpy(). Decoding per line is the same as decoding
 * the whole stream because CR and LF can never continue a sequence.
 *
 * The bytes of one event (the line being read, the data buffer and the
 * event type buffer) are capped. An event over the cap is dropped: its
 * lines are skipped without being stored until the next blank line.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sse.h"
#include "utf8.h"
#include "xmalloc.h"

/* A growable byte buffer; cap never exceeds what the event cap allows. */
struct sse_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

struct sse_parser {
	sse_event_fn	 fn;
	void		*arg;
	size_t		 max;		/* cap on line + data + type bytes */

	struct sse_buf	 line;		/* a line split across feeds */
	struct sse_buf	 data;		/* data buffer, decoded */
	struct sse_buf	 type;		/* event type buffer, decoded */
	struct sse_buf	 id;		/* last event ID buffer, decoded */

	long long	 retry;
	uint64_t	 dropped;
	uint64_t	 ids_dropped;

	int		 at_start;	/* a BOM may come */
	int		 skip_lf;	/* last byte was a CR ending a line */
	int		 dropping;	/* skipping an oversized event */
	int		 drop_line;	/* dropping: this line has bytes */
};

/*
 * Make room for need more bytes plus a NUL in b, doubling but not past
 * limit unless the bytes need it.
 */
static void
sse_buf_reserve(struct sse_buf *b, size_t need, size_t limit)
{
	size_t	cap, want = b->len + need + 1;

	if (want <= b->cap)
		return;
	cap = b->cap != 0 ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	if (cap > limit)
		cap = limit > want ? limit : want;
	b->p = xreallocarray(b->p, 1, cap);
	b->cap = cap;
}

/* Bytes that s (n bytes) takes once decoded, U+FFFD for invalid parts. */
static size_t
sse_decoded_len(const char *s, size_t n, size_t valid)
{
	uint32_t	cp;
	size_t		i = valid, out = valid, k;

	while (i < n) {
		k = utf8_decode(s + i, n - i, &cp);
		out += cp == UTF8_INVALID ? UTF8_REPL_LEN : k;
		i += k;
	}
	return (out);
}

/* Append s (n bytes, valid for its first valid bytes) decoded to b. */
static void
sse_buf_decode(struct sse_buf *b, const char *s, size_t n, size_t valid)
{
	uint32_t	cp;
	size_t		i, k;

	memcpy(b->p + b->len, s, valid);
	b->len += valid;
	for (i = valid; i < n; i += k) {
		k = utf8_decode(s + i, n - i, &cp);
		if (cp == UTF8_INVALID) {
			memcpy(b->p + b->len, UTF8_REPL, UTF8_REPL_LEN);
			b->len += UTF8_REPL_LEN;
		} else {
			memcpy(b->p + b->len, s + i, k);
			b->len += k;
		}
	}
	b->p[b->len] = '\0';
}

/* Start dropping the current event: forget it and count it. */
static void
sse_drop(struct sse_parser *sp)
{
	sp->dropped++;
	sp->dropping = 1;
	sp->drop_line = 0;
	sp->data.len = 0;
	sp->type.len = 0;
	sp->line.len = 0;
}

/* Bytes the event holds besides the current line. */
static size_t
sse_held(const struct sse_parser *sp)
{
	return (sp->data.len + sp->type.len);
}

/* Replace the nuls NUL bytes of b (from start) with U+FFFD, in place. */
static void
sse_buf_nul(struct sse_buf *b, size_t start, size_t nuls)
{
	size_t	i = b->len, j = b->len + nuls * (UTF8_REPL_LEN - 1);

	b->len = j;
	b->p[b->len] = '\0';
	while (i > start) {
		if (b->p[--i] != '\0')
			b->p[--j] = b->p[i];
		else {
			j -= UTF8_REPL_LEN;
			memcpy(b->p + j, UTF8_REPL, UTF8_REPL_LEN);
		}
	}
}

/*
 * Set (or with append, extend) b to the decoded value, keeping the event
 * under the cap when capped is set. With nonul, U+0000 becomes U+FFFD.
 * Returns -1 if the event went over the cap.
 */
static int
sse_store(struct sse_parser *sp, struct sse_buf *b, const char *v, size_t n,
    int append, int capped, int nonul)
{
	const char	*z;
	size_t		 valid, out, nuls = 0;

	for (z = v; nonul && (z = memchr(z, '\0', n - (z - v))) != NULL; z++)
		nuls++;
	valid = utf8_valid_prefix(v, n);
	out = valid == n ? n : sse_decoded_len(v, n, valid);
	out += nuls * (UTF8_REPL_LEN - 1);
	if (!append)
		b->len = 0;
	if (capped && sse_held(sp) + out + append > sp->max)
		return (-1);
	sse_buf_reserve(b, out + 1, sp->max + 2);
	sse_buf_decode(b, v, n, valid);
	if (nuls != 0)
		sse_buf_nul(b, 0, nuls);
	if (append) {
		b->p[b->len++] = '\n';
		b->p[b->len] = '\0';
	}
	return (0);
}

/* Dispatch the event at a blank line, then clear the event buffers. */
static void
sse_dispatch(struct sse_parser *sp)
{
	struct sse_event	ev;

	if (sp->data.len == 0) {
		sp->type.len = 0;
		return;
	}
	sp->data.len--;			/* the final LF */
	sp->data.p[sp->data.len] = '\0';
	ev.type = sp->type.len != 0 ? sp->type.p : "message";
	ev.data = sp->data.p;
	ev.datalen = sp->data.len;
	ev.id = sp->id.len != 0 ? sp->id.p : "";
	sp->data.len = 0;
	sp->type.len = 0;
	sp->fn(&ev, sp->arg);
}

/* Whether v (n bytes) is a nonempty run of ASCII digits. */
static int
sse_digits(const char *v, size_t n)
{
	size_t	i;

	if (n == 0)
		return (0);
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return (0);
	}
	return (1);
}

/* Set the reconnection time from a digits-only value, saturating. */
static void
sse_set_retry(struct sse_parser *sp, const char *v, size_t n)
{
	long long	r = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (r > (LLONG_MAX - 9) / 10) {
			r = LLONG_MAX;
			break;
		}
		r = r * 10 + (v[i] - '0');
	}
	sp->retry = r;
}

/* Process one field of the current event. */
static void
sse_field(struct sse_parser *sp, const char *name, size_t nlen,
    const char *v, size_t vlen)
{
	int	rc = 0;

	switch (nlen) {
	case 2:
		if (memcmp(name, "id", 2) != 0 || memchr(v, '\0', vlen) != NULL)
			break;
		if (vlen > SSE_ID_MAX || sse_decoded_len(v, vlen,
		    utf8_valid_prefix(v, vlen)) > SSE_ID_MAX)
			sp->ids_dropped++;
		else
			sse_store(sp, &sp->id, v, vlen, 0, 0, 0);
		break;
	case 4:
		if (memcmp(name, "data", 4) == 0)
			rc = sse_store(sp, &sp->data, v, vlen, 1, 1, 0);
		break;
	case 5:
		if (memcmp(name, "event", 5) == 0)
			rc = sse_store(sp, &sp->type, v, vlen, 0, 1, 1);
		else if (memcmp(name, "retry", 5) == 0 && sse_digits(v, vlen))
			sse_set_retry(sp, v, vlen);
		break;
	}
	if (rc != 0)
		sse_drop(sp);
}

/* Process one whole line (without its end) of an event being kept. */
static void
sse_line(struct sse_parser *sp, const char *s, size_t n)
{
	const char	*colon, *v;
	size_t		 vlen;

	if (sp->at_start) {
		sp->at_start = 0;
		if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			n -= 3;
		}
	}
	if (n == 0) {
		sse_dispatch(sp);
		return;
	}
	if (s[0] == ':')
		return;
	if ((colon = memchr(s, ':', n)) == NULL) {
		sse_field(sp, s, n, "", 0);
		return;
	}
	v = colon + 1;
	vlen = n - (v - s);
	if (vlen != 0 && *v == ' ') {
		v++;
		vlen--;
	}
	sse_field(sp, s, colon - s, v, vlen);
}

/* A line end was reached; the line's last bytes are s (n bytes). */
static void
sse_eol(struct sse_parser *sp, const char *s, size_t n)
{
	if (sp->dropping) {
		sp->at_start = 0;
		if (n == 0 && !sp->drop_line)
			sp->dropping = 0;	/* blank line: resync */
		sp->drop_line = 0;
		return;
	}
	if (sp->line.len != 0) {
		if (sp->line.len + n + sse_held(sp) > sp->max) {
			sse_drop(sp);
			sp->at_start = 0;
			return;
		}
		sse_buf_reserve(&sp->line, n, sp->max + 1);
		memcpy(sp->line.p + sp->line.len, s, n);
		sp->line.len += n;
		n = sp->line.len;
		sp->line.len = 0;
		sse_line(sp, sp->line.p, n);
		return;
	}
	if (n + sse_held(sp) > sp->max) {
		sse_drop(sp);
		sp->at_start = 0;
		return;
	}
	sse_line(sp, s, n);
}

/* Keep the start of a line that the fed bytes do not finish. */
static void
sse_partial(struct sse_parser *sp, const char *s, size_t n)
{
	if (sp->dropping) {
		sp->drop_line = 1;
		return;
	}
	if (sp->line.len + n + sse_held(sp) > sp->max) {
		sse_drop(sp);
		sp->drop_line = 1;
		sp->at_start = 0;
		return;
	}
	sse_buf_reserve(&sp->line, n, sp->max + 1);
	memcpy(sp->line.p + sp->line.len, s, n);
	sp->line.len += n;
}

/* Create a parser with an empty stream state. */
struct sse_parser *
sse_create(size_t max_event, sse_event_fn fn, void *arg)
{
	struct sse_parser	*sp;

	sp = xcalloc(1, sizeof *sp);
	sp->fn = fn;
	sp->arg = arg;
	sp->max = max_event != 0 ? max_event : SSE_DEFAULT_MAX_EVENT;
	sp->retry = -1;
	sp->at_start = 1;
	sse_buf_reserve(&sp->id, 0, 256);
	sp->id.p[0] = '\0';
	return (sp);
}

/* Free a parser and its buffers. */
void
sse_free(struct sse_parser *sp)
{
	if (sp == NULL)
		return;
	free(sp->line.p);
	free(sp->data.p);
	free(sp->type.p);
	free(sp->id.p);
	free(sp);
}

/* Feed bytes: find each line end and handle whole lines in place. */
void
sse_feed(struct sse_parser *sp, const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len, *nl = NULL, *cr = NULL;
	const char	*eol;

	if (len == 0)
		return;
	if (sp->skip_lf) {
		sp->skip_lf = 0;
		if (*p == '\n')
			p++;
	}
	while (p < end) {
		if (nl == NULL || nl < p) {
			if ((nl = memchr(p, '\n', end - p)) == NULL)
				nl = end;
		}
		if (cr == NULL || cr < p) {
			if ((cr = memchr(p, '\r', end - p)) == NULL)
				cr = end;
		}
		eol = nl < cr ? nl : cr;
		if (eol == end) {
			sse_partial(sp, p, end - p);
			break;
		}
		sse_eol(sp, p, eol - p);
		p = eol + 1;
		if (*eol == '\r') {
			if (p == end)
				sp->skip_lf = 1;
			else if (*p == '\n')
				p++;
		}
	}
}

/* Start a new stream, keeping the last event ID and retry. */
void
sse_reset(struct sse_parser *sp)
{
	sp->line.len = 0;
	sp->data.len = 0;
	sp->type.len = 0;
	sp->at_start = 1;
	sp->skip_lf = 0;
	sp->dropping = 0;
	sp->drop_line = 0;
}

/* Return the last event ID buffer. */
const char *
sse_last_id(const struct sse_parser *sp)
{
	return (sp->id.len != 0 ? sp->id.p : "");
}

/* Return the last valid retry in milliseconds, or -1. */
long long
sse_retry(const struct sse_parser *sp)
{
	return (sp->retry);
}

/* Return how many "id" fields were ignored for size. */
uint64_t
sse_ids_dropped(const struct sse_parser *sp)
{
	return (sp->ids_dropped);
}

/* Return how many events were dropped for size. */
uint64_t
sse_dropped(const struct sse_parser *sp)
{
	return (sp->dropped);
}
