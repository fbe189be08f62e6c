/*
 * tui-t.h: a tiny unit-test harness for the dashboard's pure modules
 * (store, run). Each check prints its location on failure; main() returns
 * t_result().
 */
#ifndef TUI_T_H
#define TUI_T_H

#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "xmalloc.h"

static int	t_failed;
static int	t_checks;

#define T_OK(cond) do {							\
	t_checks++;							\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: failed: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
		t_failed++;						\
	}								\
} while (0)

#define T_EQ_U(a, b) do {						\
	unsigned long long t_a_ = (a), t_b_ = (b);			\
	t_checks++;							\
	if (t_a_ != t_b_) {						\
		fprintf(stderr, "%s:%d: %s == %llu, expected %llu\n",	\
		    __FILE__, __LINE__, #a, t_a_, t_b_);		\
		t_failed++;						\
	}								\
} while (0)

#define T_EQ_S(a, b) do {						\
	const char *t_a_ = (a), *t_b_ = (b);				\
	t_checks++;							\
	if (t_a_ == NULL || strcmp(t_a_, t_b_) != 0) {			\
		fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", \
		    __FILE__, __LINE__, #a, t_a_ ? t_a_ : "(null)", t_b_); \
		t_failed++;						\
	}								\
} while (0)

/*
 * A message built by hand (no JSON decoding): raw is its data, f[] its
 * display fields by enum msg_field (NULL for ""). The caller owns it.
 */
static inline struct msg *
t_msg(const char *raw, const char *const f[MF_COUNT], int64_t recv_us)
{
	struct msg	*m;
	size_t		 size, at, i, n;

	size = sizeof *m + strlen(raw) + 1;
	for (i = 0; i < MF_COUNT; i++)
		size += (f[i] != NULL ? strlen(f[i]) : 0) + 1;
	m = xcalloc(1, size);
	m->size = size;
	m->recv_us = recv_us;
	m->jsonlen = strlen(raw);
	memcpy(m->buf, raw, m->jsonlen + 1);
	at = m->jsonlen + 1;
	for (i = 0; i < MF_COUNT; i++) {
		n = f[i] != NULL ? strlen(f[i]) : 0;
		m->off[i] = at;
		if (n > 0)
			memcpy(m->buf + at, f[i], n);
		m->buf[at + n] = '\0';
		at += n + 1;
	}
	m->family = FAM_UNKNOWN;
	return (m);
}

static inline int
t_result(const char *name)
{
	if (t_failed != 0) {
		fprintf(stderr, "%s: %d of %d checks failed\n", name,
		    t_failed, t_checks);
		return (1);
	}
	printf("%s: %d checks passed\n", name, t_checks);
	return (0);
}

#endif
