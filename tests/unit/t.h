/*
 * t.h: the one unit-test harness. Each CHECK counts a pass or prints the
 * file, line and failing expression and counts a failure; t_done() prints
 * "NAME: P passed, F failed" and returns the exit status for main().
 * With msg.h included first, t_msg() builds a message by hand.
 */
#ifndef T_H
#define T_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int	t_passed;
static int	t_failed;

#define CHECK(e) do {							\
	if (e)								\
		t_passed++;						\
	else {								\
		t_failed++;						\
		fprintf(stderr, "%s:%d: CHECK failed: %s\n",		\
		    __FILE__, __LINE__, #e);				\
	}								\
} while (0)

/* Compare two C strings (NULL-safe), printing both on failure. */
#define CHECK_STR(a, b) do {						\
	const char *t_a_ = (a), *t_b_ = (b);				\
	if (t_a_ != NULL && t_b_ != NULL && strcmp(t_a_, t_b_) == 0)	\
		t_passed++;						\
	else {								\
		t_failed++;						\
		fprintf(stderr, "%s:%d: CHECK_STR failed: %s == %s\n"	\
		    "  got:  \"%s\"\n  want: \"%s\"\n", __FILE__,	\
		    __LINE__, #a, #b, t_a_ ? t_a_ : "(null)",		\
		    t_b_ ? t_b_ : "(null)");				\
	}								\
} while (0)

/* Compare two integers, printing both on failure. */
#define CHECK_INT(a, b) do {						\
	intmax_t t_a_ = (intmax_t)(a), t_b_ = (intmax_t)(b);		\
	if (t_a_ == t_b_)						\
		t_passed++;						\
	else {								\
		t_failed++;						\
		fprintf(stderr, "%s:%d: CHECK_INT failed: %s == %s\n"	\
		    "  got:  %jd\n  want: %jd\n", __FILE__, __LINE__,	\
		    #a, #b, t_a_, t_b_);				\
	}								\
} while (0)

/* Print the summary line and return main()'s exit status. */
static inline int
t_done(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, t_passed, t_failed);
	return (t_failed != 0);
}

#ifdef MSG_H
#include "xmalloc.h"

/*
 * A message built by hand (no JSON decoding): raw is its data, f[] its
 * display fields by enum msg_field (NULL for ""). The caller owns it. (With msg.h included first.)
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

#endif

#endif
