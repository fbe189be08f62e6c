/*
 * sim-tz.c: date-times as the monitor's REST views render them, in
 * America/New_York with an explicit offset. The process keeps its own TZ
 * (agents' naive timestamps use it): the offset is computed from the US
 * daylight-saving rule in force since 2007 (from the second Sunday of
 * March, 2:00 local standard time, to the first Sunday of November, 2:00
 * local daylight time), not from the C library's zone.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "sim.h"

/* Days from 1970-01-01 to a proleptic Gregorian date (Hinnant's). */
static int64_t
tz_days(int64_t y, unsigned int m, unsigned int d)
{
	int64_t		era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* The day (since the epoch) of the n-th Sunday of a month. */
static int64_t
tz_sunday(int64_t y, unsigned int m, int n)
{
	int64_t	first, wd;

	first = tz_days(y, m, 1);
	wd = ((first % 7) + 7 + 4) % 7;		/* 0 is Sunday; 1970-01-01 Thu */
	return (first + (7 - wd) % 7 + 7 * (n - 1));
}

/* See sim.h. */
int
sim_tz_ny_offset(time_t t)
{
	struct tm	tm;
	int64_t		y, start, end;

	if (gmtime_r(&t, &tm) == NULL)
		return (-5 * 3600);
	y = (int64_t)tm.tm_year + 1900;
	start = tz_sunday(y, 3, 2) * 86400 + 7 * 3600;	/* 2:00 EST */
	end = tz_sunday(y, 11, 1) * 86400 + 6 * 3600;	/* 2:00 EDT */
	if ((int64_t)t >= start && (int64_t)t < end)
		return (-4 * 3600);
	return (-5 * 3600);
}

/* See sim.h. */
int64_t
sim_tz_usec_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* See sim.h. */
void
sim_tz_iso_ny(int64_t usec, char *buf, size_t len)
{
	struct tm	tm;
	time_t		sec, local;
	long		frac;
	int		off;
	char		date[32], fbuf[16];

	sec = (time_t)(usec / 1000000);
	frac = (long)(usec % 1000000);
	if (frac < 0) {
		frac += 1000000;
		sec--;
	}
	off = sim_tz_ny_offset(sec);
	local = sec + off;
	gmtime_r(&local, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac != 0)
		snprintf(fbuf, sizeof fbuf, ".%06ld", frac);
	else
		fbuf[0] = '\0';
	snprintf(buf, len, "%s%s-%02d:%02d", date, fbuf, -off / 3600,
	    (-off % 3600) / 60);
}
