/*
 * dedup.h: the duplicate check of a make-before-break subscription change
 * (pure: no I/O). While an old and a new stream overlap, each delivery is
 * noted per stream slot (0 or 1) by a hash of its type and data; a
 * message the other slot has delivered as often already is a duplicate.
 */
#ifndef DEDUP_H
#define DEDUP_H

#include <stddef.h>

/* Entries kept at most; past that a message not known is delivered. */
#define DEDUP_MAX	(1U << 18)

struct dedup;

/* An empty check. Never NULL; free with dedup_free(). */
struct dedup	*dedup_create(void);
void		 dedup_free(struct dedup *);

/*
 * A new switch begins: what each slot delivered before still counts as
 * delivered, but no longer as "seen on both" (see dedup_check).
 */
void		 dedup_generation(struct dedup *);

/*
 * Note that slot delivers (type, data): returns 1 if it is to be
 * delivered, 0 if it is a duplicate of what the other slot delivered.
 * *both (may be NULL) is set to 1 when both slots have now delivered it
 * in this generation, else 0.
 */
int		 dedup_check(struct dedup *, int slot, const char *type,
		    const char *data, size_t len, int *both);

#endif
