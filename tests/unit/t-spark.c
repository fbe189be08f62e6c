/* t-spark.c: the counter rings and the sparklines drawn from them. */
#include "config.h"

#include <string.h>

#include "spark.h"
#include "t.h"

#define S	1000000LL
#define T0	(1767225600LL * S)

static void
test_ring(void)
{
	struct spark_ring	r;
	uint32_t		v[SPARK_SLOTS];

	spark_ring_init(&r, 10 * S);
	spark_ring_get(&r, T0, v, 6);
	CHECK_INT(spark_max(v, 6), 0);
	spark_ring_add(&r, T0, 3);
	spark_ring_add(&r, T0 + 5 * S, 1);
	spark_ring_add(&r, T0 + 12 * S, 2);
	spark_ring_add(&r, T0 + 35 * S, 7);
	spark_ring_get(&r, T0 + 39 * S, v, 4);
	CHECK_INT(v[0], 4);
	CHECK_INT(v[1], 2);
	CHECK_INT(v[2], 0);
	CHECK_INT(v[3], 7);
	/* Later, with nothing new: the window slides, zeros come in. */
	spark_ring_get(&r, T0 + 55 * S, v, 4);
	CHECK_INT(v[0], 0);
	CHECK_INT(v[1], 7);
	CHECK_INT(v[2], 0);
	CHECK_INT(v[3], 0);
	/* A late count lands in its own (older) slot. */
	spark_ring_add(&r, T0 + 15 * S, 1);
	spark_ring_get(&r, T0 + 39 * S, v, 4);
	CHECK_INT(v[1], 3);
	/* Older than the ring: ignored; 10 minutes of silence: all zero. */
	spark_ring_add(&r, T0 - 3600 * S, 100);
	spark_ring_get(&r, T0 + 39 * S, v, SPARK_SLOTS);
	CHECK_INT(spark_max(v, SPARK_SLOTS), 7);
	spark_ring_add(&r, T0 + 700 * S, 1);
	spark_ring_get(&r, T0 + 700 * S, v, SPARK_SLOTS);
	CHECK_INT(spark_max(v, SPARK_SLOTS - 1), 0);
	CHECK_INT(v[SPARK_SLOTS - 1], 1);
	/* Bounded by its fixed size whatever the count. */
	spark_ring_add(&r, T0 + 700 * S, UINT32_MAX);
	spark_ring_get(&r, T0 + 700 * S, v, 1);
	CHECK(v[0] == UINT32_MAX);
}

static void
test_life(void)
{
	struct spark_life	l;
	uint32_t		v[8], total;
	size_t			i;
	int			k;

	memset(&l, 0, sizeof l);
	spark_life_get(&l, T0, T0 + 10 * S, v, 8);
	CHECK_INT(spark_max(v, 8), 0);
	/* One a second for 1000 s: the slots widen, nothing is lost. */
	for (k = 0; k < 1000; k++)
		spark_life_add(&l, T0 + k * S, 1);
	CHECK(l.width == 8 * S);
	for (total = 0, i = 0; i < SPARK_LIFE_SLOTS; i++)
		total += l.n[i];
	CHECK_INT(total, 1000);
	spark_life_get(&l, T0, T0 + 1000 * S, v, 8);
	for (total = 0, i = 0; i < 8; i++) {
		total += v[i];
		CHECK(v[i] >= 120 && v[i] <= 130);
	}
	CHECK(total >= 995 && total <= 1005);
	/* Before the series and after its end: nothing. */
	spark_life_get(&l, T0 - 100 * S, T0, v, 4);
	CHECK_INT(spark_max(v, 4), 0);
	spark_life_get(&l, T0 + 2000 * S, T0 + 2100 * S, v, 4);
	CHECK_INT(spark_max(v, 4), 0);
}

static void
test_draw(void)
{
	uint32_t	v[] = { 0, 1, 4, 8 };
	char		buf[64];

	CHECK_STR(spark_draw(buf, sizeof buf, v, 4, 0, 1), " _:#");
	CHECK_STR(spark_draw(buf, sizeof buf, v, 4, 0, 0),
	    " \xe2\x96\x81\xe2\x96\x84\xe2\x96\x88");
	/* A larger scale keeps small values low. */
	CHECK_STR(spark_draw(buf, sizeof buf, v, 4, 80, 1), " ___");
	/* Never past the buffer. */
	CHECK_STR(spark_draw(buf, 5, v, 4, 0, 0), " \xe2\x96\x81");
	CHECK_STR(spark_draw(buf, 3, v, 4, 0, 1), " _");
}

int
main(void)
{
	test_ring();
	test_life();
	test_draw();
	return (t_done("t-spark"));
}
