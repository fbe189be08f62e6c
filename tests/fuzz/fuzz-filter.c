/*
 * fuzz-filter.c: libFuzzer target for filters. The input's first four
 * lines are lists of types, agents, runs and namespaces, the rest a
 * message; a
 * filter must equal its copy, stay sorted and match consistently.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "msg.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p = (const char *)data, *end = p + size, *nl;
	struct filter	*f = filter_create(), *g;
	struct msg	*m;
	char		*line, *d;
	size_t		 i;
	int		 k, all;

	for (k = 0; k < FK_COUNT && p < end; k++) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		line = xstrndup(p, nl - p);
		filter_add_list(f, k, line);
		filter_toggle(f, k, line);
		free(line);
		p = nl < end ? nl + 1 : end;
	}
	g = filter_dup(f);
	if (!filter_equal(f, g))
		abort();
	for (k = 0; k < FK_COUNT; k++) {
		for (i = 1; i < filter_count(f, k); i++) {
			if (strcmp(filter_value(f, k, i - 1),
			    filter_value(f, k, i)) >= 0)
				abort();
		}
	}
	d = filter_describe(f);
	free(d);
	m = msg_decode("x", p, end - p, 0);
	all = filter_match(f, m);
	for (k = 0; k < FK_COUNT; k++) {
		if (all && !filter_match_kinds(f, m, 1u << k))
			abort();
	}
	if (all != filter_match_kinds(f, m, (1u << FK_COUNT) - 1))
		abort();
	free(m);
	filter_clear_all(g);
	if (!filter_is_empty(g))
		abort();
	filter_free(g);
	filter_free(f);
	return (0);
}
