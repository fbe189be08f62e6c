/*
 * spark.c: fixed-size rings of counters over time, and the sparklines
 * drawn from them.
 */
#include "config.h"

#include <string.h>

#include "spark.h"

void
spark_ring_init(struct spark_ring *r, int64_t width)
{
	memset(r, 0, sizeof *r);
	r->width = width > 0 ? width : 1;
}

/* Move the newest slot forward to the one holding t, zeroing those passed. */
static void
spark_ring_advance(struct spark_ring *r, int64_t t)
{
	int64_t	steps;

	steps = (t - r->at) / r->width;
	if (steps >= SPARK_SLOTS) {
		memset(r->n, 0, sizeof r->n);
		r->at += steps * r->width;
		return;
	}
	while (steps-- > 0) {
		r->head = (r->head + 1) % SPARK_SLOTS;
		r->n[r->head] = 0;
		r->at += r->width;
	}
}

void
spark_ring_add(struct spark_ring *r, int64_t t, uint32_t n)
{
	int64_t		back;
	uint32_t	i;

	if (r->at == 0)
		r->at = t - t % r->width;
	if (t >= r->at + r->width)
		spark_ring_advance(r, t);
	if (t >= r->at)
		i = r->head;
	else {
		back = (r->at - t + r->width - 1) / r->width;
		if (back >= SPARK_SLOTS)
			return;
		i = (r->head + SPARK_SLOTS - back) % SPARK_SLOTS;
	}
	r->n[i] = r->n[i] > UINT32_MAX - n ? UINT32_MAX : r->n[i] + n;
}

void
spark_ring_get(const struct spark_ring *r, int64_t now, uint32_t *out,
    size_t nslots)
{
	int64_t	ahead = 0;
	size_t	k;
	long	back;

	if (nslots > SPARK_SLOTS)
		nslots = SPARK_SLOTS;
	memset(out, 0, nslots * sizeof *out);
	if (r->at == 0)
		return;
	/* Slots after the newest counted one are empty. */
	if (now >= r->at + r->width)
		ahead = (now - r->at) / r->width;
	for (k = 0; k < nslots; k++) {
		/* out[nslots - 1] is the slot holding now. */
		back = (long)(nslots - 1 - k) - (long)ahead;
		if (back < 0 || back >= SPARK_SLOTS)
			continue;
		out[k] = r->n[(r->head + SPARK_SLOTS - back) % SPARK_SLOTS];
	}
}

void
spark_life_add(struct spark_life *l, int64_t t, uint32_t n)
{
	int64_t	idx;
	size_t	i;

	if (l->start == 0) {
		l->start = t;
		l->width = SPARK_LIFE_FIRST;
	}
	idx = t < l->start ? 0 : (t - l->start) / l->width;
	while (idx >= SPARK_LIFE_SLOTS) {
		/* Halve the resolution: merge neighbours. */
		for (i = 0; i < SPARK_LIFE_SLOTS / 2; i++)
			l->n[i] = l->n[2 * i] > UINT32_MAX - l->n[2 * i + 1] ?
			    UINT32_MAX : l->n[2 * i] + l->n[2 * i + 1];
		memset(&l->n[SPARK_LIFE_SLOTS / 2], 0,
		    SPARK_LIFE_SLOTS / 2 * sizeof l->n[0]);
		l->width *= 2;
		idx = (t - l->start) / l->width;
	}
	l->n[idx] = l->n[idx] > UINT32_MAX - n ? UINT32_MAX : l->n[idx] + n;
}

void
spark_life_get(const struct spark_life *l, int64_t from, int64_t to,
    uint32_t *out, size_t ncells)
{
	double	 span, a, b, s0, s1, lo, hi, sum;
	size_t	 c;
	int64_t	 j, j0, j1;

	memset(out, 0, ncells * sizeof *out);
	if (l->start == 0 || ncells == 0 || to <= from)
		return;
	span = (double)(to - from) / ncells;
	for (c = 0; c < ncells; c++) {
		a = from + c * span;
		b = a + span;
		j0 = a <= l->start ? 0 : (int64_t)((a - l->start) / l->width);
		j1 = b <= l->start ? -1 : (int64_t)((b - l->start) / l->width);
		if (j1 >= SPARK_LIFE_SLOTS)
			j1 = SPARK_LIFE_SLOTS - 1;
		sum = 0;
		for (j = j0; j <= j1; j++) {
			s0 = l->start + (double)j * l->width;
			s1 = s0 + l->width;
			lo = a > s0 ? a : s0;
			hi = b < s1 ? b : s1;
			if (hi > lo)
				sum += l->n[j] * (hi - lo) / l->width;
		}
		out[c] = sum > UINT32_MAX ? UINT32_MAX : (uint32_t)(sum + 0.5);
		if (out[c] == 0 && sum > 0)
			out[c] = 1;	/* something happened here */
	}
}

uint32_t
spark_max(const uint32_t *v, size_t n)
{
	uint32_t	m = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (v[i] > m)
			m = v[i];
	}
	return (m);
}

char *
spark_draw(char *buf, size_t size, const uint32_t *v, size_t ncells,
    uint32_t max, int ascii)
{
	static const char	*const blocks[8] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	static const char	 levels[] = "_.-:=+*#";
	size_t			 i, len = 0, need = ascii ? 1 : 3;
	uint32_t		 m = spark_max(v, ncells);
	int			 k;

	if (max > m)
		m = max;
	for (i = 0; i < ncells && len + need < size; i++) {
		if (v[i] == 0) {
			buf[len++] = ' ';
			continue;
		}
		/* 1..8: any count shows, the largest is a full block. */
		k = (int)(((uint64_t)v[i] * 8 + m - 1) / m) - 1;
		if (k < 0)
			k = 0;
		if (k > 7)
			k = 7;
		if (ascii)
			buf[len++] = levels[k];
		else {
			memcpy(buf + len, blocks[k], 3);
			len += 3;
		}
	}
	if (size > 0)
		buf[len < size ? len : size - 1] = '\0';
	return (buf);
}
