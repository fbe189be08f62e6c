/*
 * store.c: the bounded ring of retained messages. The ring is an array of
 * pointers indexed by seq % capacity; calloc() leaves the untouched part of
 * a large ring unbacked, so a big --keep costs memory only once used.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "store.h"
#include "xmalloc.h"

struct store {
	struct msg	**ring;		/* owns the messages */
	size_t		  cap;		/* slots in ring, >= 1 */
	size_t		  max_bytes;	/* 0: no byte cap */
	size_t		  bytes;
	uint64_t	  first;	/* oldest retained seq */
	uint64_t	  end;		/* next seq */
	uint64_t	  evicted;
};

struct store *
store_create(size_t keep, size_t keep_bytes)
{
	struct store	*st;

	st = xcalloc(1, sizeof *st);
	st->cap = keep > 0 ? keep : 1;
	st->ring = xcalloc(st->cap, sizeof *st->ring);
	st->max_bytes = keep_bytes;
	st->first = st->end = 1;
	return (st);
}

void
store_free(struct store *st)
{
	uint64_t	seq;

	if (st == NULL)
		return;
	for (seq = st->first; seq < st->end; seq++)
		free(st->ring[seq % st->cap]);
	free(st->ring);
	free(st);
}

/* Evict the oldest message. */
static void
store_evict(struct store *st)
{
	struct msg	**slot = &st->ring[st->first % st->cap];

	st->bytes -= (*slot)->size;
	free(*slot);
	*slot = NULL;
	st->first++;
	st->evicted++;
}

uint64_t
store_add(struct store *st, struct msg *m)
{
	while (st->end - st->first >= st->cap)
		store_evict(st);
	while (st->max_bytes != 0 && st->end > st->first &&
	    st->bytes + m->size > st->max_bytes)
		store_evict(st);
	m->seq = st->end++;
	st->ring[m->seq % st->cap] = m;
	st->bytes += m->size;
	return (m->seq);
}

int
store_replace(struct store *st, uint64_t seq, struct msg *m)
{
	struct msg	**slot;

	if (seq < st->first || seq >= st->end)
		return (-1);
	slot = &st->ring[seq % st->cap];
	st->bytes -= (*slot)->size;
	free(*slot);
	m->seq = seq;
	*slot = m;
	st->bytes += m->size;
	return (0);
}

struct msg *
store_get(const struct store *st, uint64_t seq)
{
	if (seq < st->first || seq >= st->end)
		return (NULL);
	return (st->ring[seq % st->cap]);
}

uint64_t
store_first(const struct store *st)
{
	return (st->first);
}

uint64_t
store_end(const struct store *st)
{
	return (st->end);
}

size_t
store_count(const struct store *st)
{
	return (st->end - st->first);
}

size_t
store_capacity(const struct store *st)
{
	return (st->cap);
}

size_t
store_bytes(const struct store *st)
{
	return (st->bytes);
}

uint64_t
store_evicted(const struct store *st)
{
	return (st->evicted);
}

void
store_seqidx_init(struct seqidx *x)
{
	memset(x, 0, sizeof *x);
}

void
store_seqidx_free(struct seqidx *x)
{
	free(x->v);
	store_seqidx_init(x);
}

void
store_seqidx_clear(struct seqidx *x)
{
	x->off = x->len = 0;
}

void
store_seqidx_push(struct seqidx *x, uint64_t seq)
{
	if (x->off + x->len == x->cap) {
		if (x->off > 0 && x->off >= x->len) {
			/* Mostly dead space at the front: slide down. */
			memmove(x->v, x->v + x->off, x->len * sizeof *x->v);
			x->off = 0;
		} else {
			x->cap = x->cap == 0 ? 256 : x->cap * 2;
			x->v = xreallocarray(x->v, x->cap, sizeof *x->v);
		}
	}
	x->v[x->off + x->len++] = seq;
}

size_t
store_seqidx_lower(const struct seqidx *x, uint64_t seq)
{
	size_t	lo = 0, hi = x->len, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (seqidx_at(x, mid) < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

void
store_seqidx_trim(struct seqidx *x, uint64_t first)
{
	size_t	n;

	if (x->len == 0 || seqidx_at(x, 0) >= first)
		return;
	n = store_seqidx_lower(x, first);
	x->off += n;
	x->len -= n;
	if (x->len == 0)
		x->off = 0;
}
