/* t-store.c: unit tests for the message ring and sequence indexes. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "msg.h"
#include "store.h"
#include "t.h"

static struct msg *
mk(const char *text)
{
	const char	*f[MF_COUNT] = { 0 };

	f[MF_TYPE] = "sse_test";
	f[MF_TEXT] = text;
	return (t_msg("{}", f, 1));
}

/* The count cap evicts the oldest; seqs stay valid or become NULL. */
static void
test_count_cap(void)
{
	struct store	*st = store_create(3, 0);
	struct msg	*m;
	uint64_t	 s;
	char		 buf[16];
	int		 i;

	CHECK_INT(store_first(st), 1);
	CHECK_INT(store_end(st), 1);
	CHECK_INT(store_count(st), 0);
	CHECK(store_get(st, 0) == NULL);
	CHECK(store_get(st, 1) == NULL);
	for (i = 1; i <= 10; i++) {
		snprintf(buf, sizeof buf, "m%d", i);
		s = store_add(st, mk(buf));
		CHECK_INT(s, (unsigned)i);
	}
	CHECK_INT(store_count(st), 3);
	CHECK_INT(store_first(st), 8);
	CHECK_INT(store_end(st), 11);
	CHECK_INT(store_evicted(st), 7);
	CHECK(store_get(st, 7) == NULL);
	CHECK(store_get(st, 11) == NULL);
	CHECK((m = store_get(st, 8)) != NULL && m->seq == 8);
	CHECK_STR(msg_get(store_get(st, 10), MF_TEXT), "m10");
	CHECK_STR(msg_get(store_get(st, 8), MF_TEXT), "m8");
	store_free(st);
}

/* The byte cap evicts until the new message fits, keeping the newest. */
static void
test_byte_cap(void)
{
	struct store	*st;
	size_t		 one;
	struct msg	*m;
	char		 big[2048];
	int		 i;

	m = mk("x");
	one = m->size;
	free(m);
	st = store_create(100, one * 4);
	for (i = 0; i < 10; i++)
		store_add(st, mk("x"));
	CHECK_INT(store_count(st), 4);
	CHECK_INT(store_bytes(st), one * 4);
	CHECK_INT(store_first(st), 7);
	/* A message bigger than the whole cap is still kept, alone. */
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	m = mk(big);
	store_add(st, m);
	CHECK(m->size > one * 4);
	CHECK_INT(store_count(st), 1);
	CHECK(store_get(st, 11) == m);
	store_add(st, mk("x"));
	CHECK_INT(store_count(st), 1);
	CHECK_INT(store_first(st), 12);
	store_free(st);
}

/* keep 0 behaves as 1. */
static void
test_keep_one(void)
{
	struct store	*st = store_create(0, 0);

	store_add(st, mk("a"));
	store_add(st, mk("b"));
	CHECK_INT(store_count(st), 1);
	CHECK_STR(msg_get(store_get(st, 2), MF_TEXT), "b");
	CHECK(store_get(st, 1) == NULL);
	store_free(st);
}

static void
test_seqidx(void)
{
	struct seqidx	x;
	uint64_t	s;

	store_seqidx_init(&x);
	CHECK_INT(seqidx_len(&x), 0);
	CHECK_INT(store_seqidx_lower(&x, 5), 0);
	store_seqidx_trim(&x, 100);
	for (s = 2; s <= 2000; s += 2)
		store_seqidx_push(&x, s);
	CHECK_INT(seqidx_len(&x), 1000);
	CHECK_INT(seqidx_at(&x, 0), 2);
	CHECK_INT(store_seqidx_lower(&x, 1), 0);
	CHECK_INT(store_seqidx_lower(&x, 2), 0);
	CHECK_INT(store_seqidx_lower(&x, 3), 1);
	CHECK_INT(store_seqidx_lower(&x, 2000), 999);
	CHECK_INT(store_seqidx_lower(&x, 2001), 1000);
	store_seqidx_trim(&x, 1001);
	CHECK_INT(seqidx_len(&x), 500);
	CHECK_INT(seqidx_at(&x, 0), 1002);
	/* Pushing after trims reuses the dead front instead of growing. */
	for (s = 2002; s < 200000; s += 2) {
		store_seqidx_push(&x, s);
		store_seqidx_trim(&x, s - 1000);
	}
	CHECK_INT(seqidx_len(&x), 501);
	CHECK(x.cap <= 2048);
	CHECK_INT(seqidx_at(&x, seqidx_len(&x) - 1), 199998);
	store_seqidx_trim(&x, 1000000);
	CHECK_INT(seqidx_len(&x), 0);
	store_seqidx_clear(&x);
	store_seqidx_push(&x, 7);
	CHECK_INT(seqidx_at(&x, 0), 7);
	store_seqidx_free(&x);
}

/* A marker row is replaced in place; evicted ones cannot be. */
static void
test_replace(void)
{
	struct store	*st = store_create(3, 0);
	struct msg	*m;
	size_t		 bytes;

	store_add(st, mk("a"));
	store_add(st, mk("b"));
	m = mk("b, longer now");
	CHECK_INT(store_replace(st, 2, m), 0);
	CHECK(store_get(st, 2) == m && m->seq == 2);
	CHECK_STR(msg_get(store_get(st, 2), MF_TEXT), "b, longer now");
	bytes = store_get(st, 1)->size + m->size;
	CHECK_INT(store_bytes(st), bytes);
	CHECK_INT(store_end(st), 3);
	store_add(st, mk("c"));
	store_add(st, mk("d"));
	m = mk("x");
	CHECK(store_replace(st, 1, m) == -1);
	CHECK(store_replace(st, 9, m) == -1);
	free(m);
	store_free(st);
}

int
main(void)
{
	test_replace();
	test_count_cap();
	test_byte_cap();
	test_keep_one();
	test_seqidx();
	return (t_done("t-store"));
}
