/*
 * store.h: the bounded ring of retained messages, and sorted indexes of
 * sequence numbers over it. Views hold sequence numbers, never pointers:
 * a message may be evicted at any store_add().
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

struct msg;
struct store;

/*
 * Create a store keeping at most keep messages (at least 1) and at most
 * keep_bytes bytes of them (0: no byte cap; the newest message is always
 * kept). Never NULL; free with store_free(), which frees every message.
 */
struct store	*store_create(size_t keep, size_t keep_bytes);
void		 store_free(struct store *);

/*
 * Add a message, taking ownership of it: it gets the next sequence number
 * (m->seq, from 1) and the oldest messages are evicted (freed) to respect
 * both caps. Returns the sequence number.
 */
uint64_t	 store_add(struct store *, struct msg *);

/*
 * Put m (taken over) in place of the retained message seq, which is
 * freed; m gets seq. Returns 0, or -1 (m untouched) if seq is not
 * retained.
 */
int		 store_replace(struct store *, uint64_t seq, struct msg *m);

/*
 * The message with sequence number seq, or NULL if it was evicted or
 * never added. Owned by the store; valid until the next store_add().
 */
struct msg	*store_get(const struct store *, uint64_t seq);

/* The oldest retained sequence number; equal to store_end() if empty. */
uint64_t	 store_first(const struct store *);
/* One past the newest sequence number (the number the next add gets). */
uint64_t	 store_end(const struct store *);
size_t		 store_count(const struct store *);
size_t		 store_capacity(const struct store *);
/* Bytes retained: the sum of the messages' allocation sizes. */
size_t		 store_bytes(const struct store *);
/* Messages evicted by either cap since creation. */
uint64_t	 store_evicted(const struct store *);

/*
 * A growing, ascending array of sequence numbers: a filtered view of the
 * store. Embedded by its owner; zero-initialised or store_seqidx_init().
 */
struct seqidx {
	uint64_t	*v;
	size_t		 off;		/* first live element */
	size_t		 len;		/* live elements from off */
	size_t		 cap;
};

void		 store_seqidx_init(struct seqidx *);
void		 store_seqidx_free(struct seqidx *);
void		 store_seqidx_clear(struct seqidx *);
/* Append seq, which must be greater than the last one. */
void		 store_seqidx_push(struct seqidx *, uint64_t seq);
/* Drop the leading numbers below first (evicted messages). */
void		 store_seqidx_trim(struct seqidx *, uint64_t first);
static inline size_t
seqidx_len(const struct seqidx *x)
{
	return (x->len);
}
static inline uint64_t
seqidx_at(const struct seqidx *x, size_t i)
{
	return (x->v[x->off + i]);
}
/* Index of the first number >= seq (seqidx_len() if none). */
size_t		 store_seqidx_lower(const struct seqidx *, uint64_t seq);

#endif
