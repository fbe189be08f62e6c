/*
 * filter.h: sets of message types, agents, run ids and namespaces. AND
 * across the kinds, OR within one; an empty kind matches everything. The
 * server filters by the first three at most; namespaces only ever here.
 */
#ifndef FILTER_H
#define FILTER_H

#include <stddef.h>

struct msg;

enum filter_kind { FK_TYPE, FK_AGENT, FK_RUN, FK_NS, FK_COUNT };

struct filter;

/* Create an empty filter. Never NULL; free with filter_free(). */
struct filter	*filter_create(void);
struct filter	*filter_dup(const struct filter *);
void		 filter_free(struct filter *);

/*
 * Add each value of a comma-separated list, trimmed of spaces; empty
 * items are skipped. Values are capped at 256 bytes and the filter at 1024
 * values per kind: returns -1 (adding nothing more) past that, else 0.
 */
int		 filter_add_list(struct filter *, enum filter_kind,
		    const char *);
int		 filter_add(struct filter *, enum filter_kind, const char *);
void		 filter_remove(struct filter *, enum filter_kind, const char *);
/* Add if absent, remove if present. Returns 1 if now present. */
int		 filter_toggle(struct filter *, enum filter_kind, const char *);
int		 filter_has(const struct filter *, enum filter_kind,
		    const char *);
void		 filter_clear(struct filter *, enum filter_kind);
void		 filter_clear_all(struct filter *);
int		 filter_is_empty(const struct filter *);
int		 filter_equal(const struct filter *, const struct filter *);
size_t		 filter_count(const struct filter *, enum filter_kind);
/* The i-th value of a kind in sorted order; owned by the filter. */
const char	*filter_value(const struct filter *, enum filter_kind, size_t);

/*
 * Client-side match: a message matches an agent when the agent it is
 * shown under (MF_AGENT: the first of sender, processed_by, sender_agent
 * that is a name) equals it, so a filter keeps exactly the messages shown
 * and counted under that name; runs compare by their text, namespaces
 * with the message's "namespace" (a filter on namespaces drops messages
 * without one).
 */
int		 filter_match(const struct filter *, const struct msg *);

/* Same as filter_match() with only the given kinds considered. */
int		 filter_match_kinds(const struct filter *, const struct msg *,
		    unsigned kinds_mask);

/*
 * Human description such as "type=stf_gen,stf_ready agent=x
 * namespace=prodops" or "all".
 * The caller frees.
 */
char		*filter_describe(const struct filter *);

#endif
