/*
 * filter.c: sets of message types, agents, run ids and namespaces, each
 * kept as a sorted array of strings (at most FILTER_MAX_VALUES of
 * FILTER_MAX_LEN bytes), searched with bsearch().
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "msg.h"
#include "xmalloc.h"

#define FILTER_MAX_LEN		256
#define FILTER_MAX_VALUES	1024

struct filter_set {
	char	**v;		/* sorted, each owned */
	size_t	  n;
	size_t	  cap;
};

struct filter {
	struct filter_set	set[FK_COUNT];
};

static const char *filter_names[FK_COUNT] = { "type", "agent", "run",
    "namespace" };

/* The set of kind k, checking k. */
static struct filter_set *
filter_set(const struct filter *f, enum filter_kind k)
{
	if ((unsigned)k >= FK_COUNT)
		fatalx("%s: bad filter kind %d", __func__, (int)k);
	return ((struct filter_set *)&f->set[k]);
}

/* Index of value s in set, or where it would go with *found 0. */
static size_t
filter_find(const struct filter_set *set, const char *s, int *found)
{
	size_t	lo = 0, hi = set->n, mid;
	int	c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(s, set->v[mid])) == 0) {
			*found = 1;
			return (mid);
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = 0;
	return (lo);
}

/* Create an empty filter. */
struct filter *
filter_create(void)
{
	return (xcalloc(1, sizeof(struct filter)));
}

/* Return a deep copy of a filter. */
struct filter *
filter_dup(const struct filter *f)
{
	struct filter	*d = filter_create();
	size_t		 i;
	int		 k;

	for (k = 0; k < FK_COUNT; k++) {
		if (f->set[k].n == 0)
			continue;
		d->set[k].v = xreallocarray(NULL, f->set[k].n, sizeof(char *));
		d->set[k].cap = d->set[k].n = f->set[k].n;
		for (i = 0; i < f->set[k].n; i++)
			d->set[k].v[i] = xstrdup(f->set[k].v[i]);
	}
	return (d);
}

/* Remove every value of one kind. */
void
filter_clear(struct filter *f, enum filter_kind k)
{
	struct filter_set	*set = filter_set(f, k);
	size_t			 i;

	for (i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
	memset(set, 0, sizeof *set);
}

/* Remove every value of every kind. */
void
filter_clear_all(struct filter *f)
{
	int	k;

	for (k = 0; k < FK_COUNT; k++)
		filter_clear(f, k);
}

/* Free a filter and its values. */
void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	filter_clear_all(f);
	free(f);
}

/* Add one value in sorted place; -1 if too long or the kind is full. */
int
filter_add(struct filter *f, enum filter_kind k, const char *s)
{
	struct filter_set	*set = filter_set(f, k);
	size_t			 at;
	int			 found;

	if (*s == '\0')
		return (0);
	if (strlen(s) > FILTER_MAX_LEN)
		return (-1);
	at = filter_find(set, s, &found);
	if (found)
		return (0);
	if (set->n == FILTER_MAX_VALUES)
		return (-1);
	set->v = xgrow(set->v, &set->cap, set->n + 1, 8, sizeof(char *));
	memmove(set->v + at + 1, set->v + at, (set->n - at) * sizeof(char *));
	set->v[at] = xstrdup(s);
	set->n++;
	return (0);
}

/* Add each trimmed item of a comma-separated list. */
int
filter_add_list(struct filter *f, enum filter_kind k, const char *list)
{
	const char	*p = list, *e, *end;
	char		*item;
	int		 rc;

	for (;;) {
		end = strchr(p, ',');
		e = end != NULL ? end : p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > p) {
			item = xstrndup(p, e - p);
			rc = filter_add(f, k, item);
			free(item);
			if (rc != 0)
				return (-1);
		}
		if (end == NULL)
			return (0);
		p = end + 1;
	}
}

/* Remove one value if present. */
void
filter_remove(struct filter *f, enum filter_kind k, const char *s)
{
	struct filter_set	*set = filter_set(f, k);
	size_t			 at;
	int			 found;

	at = filter_find(set, s, &found);
	if (!found)
		return;
	free(set->v[at]);
	memmove(set->v + at, set->v + at + 1,
	    (set->n - at - 1) * sizeof(char *));
	set->n--;
}

/* Add a value if absent, else remove it. */
int
filter_toggle(struct filter *f, enum filter_kind k, const char *s)
{
	if (filter_has(f, k, s)) {
		filter_remove(f, k, s);
		return (0);
	}
	filter_add(f, k, s);
	return (filter_has(f, k, s));
}

/* Return whether a kind holds a value. */
int
filter_has(const struct filter *f, enum filter_kind k, const char *s)
{
	int	found;

	filter_find(filter_set(f, k), s, &found);
	return (found);
}

/* Return whether no kind holds any value. */
int
filter_is_empty(const struct filter *f)
{
	int	k;

	for (k = 0; k < FK_COUNT; k++) {
		if (f->set[k].n != 0)
			return (0);
	}
	return (1);
}

/* Return whether two filters hold the same values. */
int
filter_equal(const struct filter *a, const struct filter *b)
{
	size_t	i;
	int	k;

	for (k = 0; k < FK_COUNT; k++) {
		if (a->set[k].n != b->set[k].n)
			return (0);
		for (i = 0; i < a->set[k].n; i++) {
			if (strcmp(a->set[k].v[i], b->set[k].v[i]) != 0)
				return (0);
		}
	}
	return (1);
}

/* Return the number of values of a kind. */
size_t
filter_count(const struct filter *f, enum filter_kind k)
{
	return (filter_set(f, k)->n);
}

/* Return the i-th value of a kind, or NULL past the end. */
const char *
filter_value(const struct filter *f, enum filter_kind k, size_t i)
{
	const struct filter_set	*set = filter_set(f, k);

	return (i < set->n ? set->v[i] : NULL);
}

/* Whether the message matches kind k (which is not empty). */
static int
filter_match_one(const struct filter *f, const struct msg *m,
    enum filter_kind k)
{
	switch (k) {
	case FK_TYPE:
		return (filter_has(f, k, msg_get(m, MF_TYPE)));
	case FK_AGENT:
		return (filter_has(f, k, msg_get(m, MF_AGENT)));
	case FK_RUN:
		return (filter_has(f, k, msg_get(m, MF_RUN)));
	case FK_NS:
		return (filter_has(f, k, msg_get(m, MF_NAMESPACE)));
	case FK_COUNT:
		break;
	}
	return (0);
}

/* Match a message against the kinds in a mask. */
int
filter_match_kinds(const struct filter *f, const struct msg *m,
    unsigned kinds_mask)
{
	int	k;

	for (k = 0; k < FK_COUNT; k++) {
		if ((kinds_mask & (1u << k)) == 0 || f->set[k].n == 0)
			continue;
		if (!filter_match_one(f, m, k))
			return (0);
	}
	return (1);
}

/* Match a message against every kind. */
int
filter_match(const struct filter *f, const struct msg *m)
{
	return (filter_match_kinds(f, m, (1u << FK_COUNT) - 1));
}

/* Describe a filter as "type=a,b agent=c run=d namespace=e" or "all". */
char *
filter_describe(const struct filter *f)
{
	char	*s, *p;
	size_t	 len = 1, i;
	int	 k;

	if (filter_is_empty(f))
		return (xstrdup("all"));
	for (k = 0; k < FK_COUNT; k++) {
		for (i = 0; i < f->set[k].n; i++)
			len += strlen(f->set[k].v[i]) + 1;
		len += strlen(filter_names[k]) + 2;
	}
	p = s = xmalloc(len);
	for (k = 0; k < FK_COUNT; k++) {
		if (f->set[k].n == 0)
			continue;
		if (p != s)
			*p++ = ' ';
		p = stpcpy(p, filter_names[k]);
		*p++ = '=';
		for (i = 0; i < f->set[k].n; i++) {
			if (i != 0)
				*p++ = ',';
			p = stpcpy(p, f->set[k].v[i]);
		}
	}
	*p = '\0';
	return (s);
}
