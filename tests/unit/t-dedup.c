/*
 * t-dedup.c: unit tests of the switch's duplicate check: a message
 * delivered on one stream is a duplicate on the other, as often as it
 * came there; "seen on both" counts this generation only; the table
 * grows, and past its bound every message is delivered.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "dedup.h"
#include "t.h"

static int
chk(struct dedup *d, int slot, const char *data, int *both)
{
	return (dedup_check(d, slot, "data_ready", data, strlen(data), both));
}

static void
test_pair(void)
{
	struct dedup	*d = dedup_create();
	int		 both;

	CHECK(chk(d, 0, "{\"n\": 1}", &both) == 1 && both == 0);
	CHECK(chk(d, 1, "{\"n\": 1}", &both) == 0 && both == 1);
	CHECK(chk(d, 1, "{\"n\": 2}", &both) == 1 && both == 0);
	CHECK(chk(d, 0, "{\"n\": 2}", &both) == 0 && both == 1);
	/* The type is part of what is compared. */
	CHECK(dedup_check(d, 1, "stf_gen", "{\"n\": 1}", 8, NULL) == 1);
	dedup_free(d);
}

/* The same message twice on one stream is two messages. */
static void
test_repeats(void)
{
	struct dedup	*d = dedup_create();

	CHECK(chk(d, 0, "same", NULL) == 1);
	CHECK(chk(d, 0, "same", NULL) == 1);
	CHECK(chk(d, 1, "same", NULL) == 0);
	CHECK(chk(d, 1, "same", NULL) == 0);
	CHECK(chk(d, 1, "same", NULL) == 1);
	dedup_free(d);
}

/* After a new switch, the old delivery still counts, not as common. */
static void
test_generation(void)
{
	struct dedup	*d = dedup_create();
	int		 both;

	dedup_generation(d);
	CHECK(chk(d, 0, "old", &both) == 1 && both == 0);
	dedup_generation(d);
	CHECK(chk(d, 1, "old", &both) == 0 && both == 0);
	CHECK(chk(d, 0, "new", &both) == 1 && both == 0);
	CHECK(chk(d, 1, "new", &both) == 0 && both == 1);
	dedup_free(d);
}

/* Growing keeps every entry; past the bound everything is delivered. */
static void
test_bound(void)
{
	struct dedup	*d = dedup_create();
	char		 buf[32];
	unsigned	 i, dup = 0, fresh = 0;

	for (i = 0; i < DEDUP_MAX / 2; i++) {
		snprintf(buf, sizeof buf, "%u", i);
		chk(d, 0, buf, NULL);
	}
	for (i = 0; i < DEDUP_MAX / 2; i++) {
		snprintf(buf, sizeof buf, "%u", i);
		dup += chk(d, 1, buf, NULL) == 0;
	}
	CHECK(dup == DEDUP_MAX / 2);
	/* Full: a message on both is delivered both times. */
	for (i = 0; i < 64; i++) {
		snprintf(buf, sizeof buf, "x%u", i);
		fresh += chk(d, 0, buf, NULL);
		fresh += chk(d, 1, buf, NULL);
	}
	CHECK(fresh == 128);
	dedup_free(d);
}

int
main(void)
{
	test_pair();
	test_repeats();
	test_generation();
	test_bound();
	return (t_done("t-dedup"));
}
