/*
 * dedup.c: the duplicate check of a make-before-break switch: an open
 * addressing table of 64-bit hashes (text_hash()), doubled when half
 * full, up to DEDUP_MAX entries.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "text.h"
#include "xmalloc.h"

struct dedup_ent {
	uint64_t	h;		/* 0: free */
	uint32_t	cnt[2];		/* deliveries per slot */
	uint32_t	gen[2];		/* generation of the last delivery */
};

struct dedup {
	struct dedup_ent	*ents;
	size_t			 size;	/* a power of two, or 0 */
	size_t			 used;
	uint32_t		 gen;
};

struct dedup *
dedup_create(void)
{
	return (xcalloc(1, sizeof (struct dedup)));
}

void
dedup_free(struct dedup *d)
{
	if (d == NULL)
		return;
	free(d->ents);
	free(d);
}

void
dedup_generation(struct dedup *d)
{
	d->gen++;
}

/* The entry of h: its own, or the free one where it goes. */
static struct dedup_ent *
dedup_slot(struct dedup_ent *ents, size_t size, uint64_t h)
{
	size_t	i, mask = size - 1;

	for (i = h & mask; ents[i].h != 0 && ents[i].h != h;
	    i = (i + 1) & mask)
		;
	return (&ents[i]);
}

/* Double the table; 0 if it may not grow. */
static int
dedup_grow(struct dedup *d)
{
	struct dedup_ent	*old = d->ents;
	size_t			 i, n = d->size;

	if (n >= DEDUP_MAX)
		return (0);
	d->size = n == 0 ? 1024 : n * 2;
	d->ents = xcalloc(d->size, sizeof *d->ents);
	for (i = 0; i < n; i++) {
		if (old[i].h != 0)
			*dedup_slot(d->ents, d->size, old[i].h) = old[i];
	}
	free(old);
	return (1);
}

int
dedup_check(struct dedup *d, int slot, const char *type, const char *data,
    size_t len, int *both)
{
	struct dedup_ent	*e;
	uint64_t		 h;

	if (both != NULL)
		*both = 0;
	slot = slot != 0;
	h = text_hash(TEXT_HASH_INIT, type, strlen(type));
	h = text_hash(h, "\377", 1);
	h = text_hash(h, data, len);
	if (h == 0)
		h = 1;
	if (d->used * 2 >= d->size && !dedup_grow(d)) {
		/* Full: what is known is still checked, nothing is added. */
		e = dedup_slot(d->ents, d->size, h);
		if (e->h == 0)
			return (1);
	} else {
		e = dedup_slot(d->ents, d->size, h);
		if (e->h == 0) {
			e->h = h;
			d->used++;
		}
	}
	e->cnt[slot]++;
	e->gen[slot] = d->gen;
	if (both != NULL)
		*both = e->gen[!slot] == d->gen && e->cnt[!slot] > 0;
	return (e->cnt[slot] > e->cnt[!slot]);
}
