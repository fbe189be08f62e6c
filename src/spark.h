/*
 * spark.h: counters over time in fixed-size rings, and sparklines drawn
 * from them. Pure: no curses, no clock of its own (times are passed in,
 * unix or monotonic microseconds, as long as one ring sees one clock).
 *
 * A spark_ring counts the latest SPARK_SLOTS slots of a fixed width (the
 * last 10 minutes in 10 s slots, the last minute in 1 s slots). A
 * spark_life counts a whole lifetime in SPARK_LIFE_SLOTS slots whose
 * width doubles (neighbours merged) whenever time runs past the last.
 * Neither ever allocates.
 */
#ifndef SPARK_H
#define SPARK_H

#include <stddef.h>
#include <stdint.h>

#define SPARK_SLOTS		60
#define SPARK_LIFE_SLOTS	128
#define SPARK_LIFE_FIRST	1000000LL	/* first slot width, us */

struct spark_ring {
	int64_t		 width;		/* us per slot */
	int64_t		 at;		/* start of the newest slot; 0 empty */
	uint32_t	 head;		/* index of the newest slot */
	uint32_t	 n[SPARK_SLOTS];
};

struct spark_life {
	int64_t		 start;		/* 0: empty */
	int64_t		 width;		/* us per slot */
	uint32_t	 n[SPARK_LIFE_SLOTS];
};

/* An empty ring of slots width_us wide. */
void	 spark_ring_init(struct spark_ring *, int64_t width_us);
/* Count n at time t (older than the ring: ignored). */
void	 spark_ring_add(struct spark_ring *, int64_t t, uint32_t n);
/*
 * The last nslots slots up to now, oldest first, into out (zeros where
 * nothing was counted). nslots is at most SPARK_SLOTS.
 */
void	 spark_ring_get(const struct spark_ring *, int64_t now,
	     uint32_t *out, size_t nslots);

/* Count n at time t in a lifetime series (before its start: slot 0). */
void	 spark_life_add(struct spark_life *, int64_t t, uint32_t n);
/*
 * The counts of the series between from and to, resampled into ncells
 * cells (each the sum of the slots it covers, pro rata), into out.
 */
void	 spark_life_get(const struct spark_life *, int64_t from, int64_t to,
	     uint32_t *out, size_t ncells);

/*
 * Draw values as a sparkline of ncells characters into buf (NUL ended):
 * the blocks U+2581..U+2588 scaled to the largest value (or to max if
 * it is larger), a space for zero; with ascii, "_.-:=+*#" instead.
 * Returns buf.
 */
char	*spark_draw(char *buf, size_t size, const uint32_t *v, size_t ncells,
	     uint32_t max, int ascii);

/* The largest of n values. */
uint32_t spark_max(const uint32_t *, size_t);

#endif
