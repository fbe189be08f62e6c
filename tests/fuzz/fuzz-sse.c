/*
 * fuzz-sse.c: libFuzzer target for the event-stream parser. The first two
 * bytes choose a small size cap and a split point; the rest is fed whole,
 * split in two and one byte at a time, and the three runs must give the
 * same events, each valid UTF-8.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sse.h"
#include "utf8.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct out {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static void
out_add(struct out *o, const void *s, size_t n)
{
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2;
		o->p = xreallocarray(o->p, 1, o->cap);
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void
on_event(const struct sse_event *ev, void *arg)
{
	struct out	*o = arg;
	size_t		 n;

	if (utf8_valid_prefix(ev->data, ev->datalen) != ev->datalen ||
	    ev->data[ev->datalen] != '\0')
		abort();
	n = strlen(ev->type);
	if (n == 0 || utf8_valid_prefix(ev->type, n) != n)
		abort();
	out_add(o, &n, sizeof n);
	out_add(o, ev->type, n);
	n = strlen(ev->id);
	out_add(o, &n, sizeof n);
	out_add(o, ev->id, n);
	out_add(o, &ev->datalen, sizeof ev->datalen);
	out_add(o, ev->data, ev->datalen);
}

/* Feed buf cut at the given points; return the serialized events. */
static struct out
run(const char *buf, size_t len, size_t cap, size_t step, size_t cut)
{
	struct out		 o = { NULL, 0, 0 };
	struct sse_parser	*sp = sse_create(cap, on_event, &o);
	size_t			 i, n;
	char			 tail[64];
	int			 k;

	if (step != 0) {
		for (i = 0; i < len; i += n) {
			n = len - i < step ? len - i : step;
			sse_feed(sp, buf + i, n);
		}
	} else {
		sse_feed(sp, buf, cut);
		sse_feed(sp, buf + cut, len - cut);
	}
	k = snprintf(tail, sizeof tail, "|%lld|%llu|", sse_retry(sp),
	    (unsigned long long)sse_dropped(sp));
	out_add(&o, tail, k > 0 ? (size_t)k : 0);
	out_add(&o, sse_last_id(sp), strlen(sse_last_id(sp)));
	sse_free(sp);
	return (o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out	 a, b, c;
	const char	*buf = (const char *)data + 2;
	size_t		 len, cap, cut;

	if (size < 2)
		return (0);
	len = size - 2;
	cap = 16 + (size_t)data[0] * 4;
	cut = data[1] % (len + 1);
	a = run(buf, len, cap, len + 1, 0);
	b = run(buf, len, cap, 0, cut);
	c = run(buf, len, cap, 1, 0);
	if (a.len != b.len || a.len != c.len ||
	    memcmp(a.p, b.p, a.len) != 0 || memcmp(a.p, c.p, a.len) != 0)
		abort();
	free(a.p);
	free(b.p);
	free(c.p);
	return (0);
}
