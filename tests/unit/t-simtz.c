/* t-simtz.c: swf-sim's America/New_York date-times (sim-tz.c). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "t.h"

/* Seconds since the epoch of a UTC date and time. */
static time_t
utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (timegm(&tm));
}

/* The rendering of a UTC instant with microseconds. */
static const char *
ny(time_t t, long usec)
{
	static char	buf[64];

	sim_tz_iso_ny((int64_t)t * 1000000 + usec, buf, sizeof buf);
	return (buf);
}

int
main(void)
{
	const char	*zone = "/usr/share/zoneinfo/America/New_York";
	struct tm	 tm;
	time_t		 t, end;
	int		 bad = 0;

	/* Winter, summer, microseconds shown only when not zero. */
	CHECK_STR(ny(utc(2026, 12, 1, 15, 11, 12), 123456),
	    "2026-12-01T10:11:12.123456-05:00");
	CHECK_STR(ny(utc(2026, 12, 1, 15, 11, 12), 0),
	    "2026-12-01T10:11:12-05:00");
	CHECK_STR(ny(utc(2026, 7, 4, 0, 30, 0), 5),
	    "2026-07-03T20:30:00.000005-04:00");
	/* 2026: DST from 8 March 07:00 UTC to 1 November 06:00 UTC. */
	CHECK_INT(sim_tz_ny_offset(utc(2026, 3, 8, 6, 59, 59)), -18000);
	CHECK_INT(sim_tz_ny_offset(utc(2026, 3, 8, 7, 0, 0)), -14400);
	CHECK_INT(sim_tz_ny_offset(utc(2026, 11, 1, 5, 59, 59)), -14400);
	CHECK_INT(sim_tz_ny_offset(utc(2026, 11, 1, 6, 0, 0)), -18000);
	CHECK_STR(ny(utc(2026, 3, 8, 7, 0, 0), 0), "2026-03-08T03:00:00-04:00");
	CHECK_STR(ny(utc(2026, 11, 1, 6, 0, 0), 0), "2026-11-01T01:00:00-05:00");
	/* 2027: 14 March and 7 November; a year starting on a Friday. */
	CHECK_INT(sim_tz_ny_offset(utc(2027, 3, 14, 7, 0, 0)), -14400);
	CHECK_INT(sim_tz_ny_offset(utc(2027, 3, 14, 6, 0, 0)), -18000);
	CHECK_INT(sim_tz_ny_offset(utc(2027, 11, 7, 5, 0, 0)), -14400);
	CHECK_INT(sim_tz_ny_offset(utc(2027, 11, 7, 6, 0, 0)), -18000);
	/* New Year in New York is still the old year in UTC's morning. */
	CHECK_STR(ny(utc(2027, 1, 1, 4, 59, 59), 999999),
	    "2026-12-31T23:59:59.999999-05:00");

	/* Every hour of 2020-2035 against the system's zone, if it has it. */
	if (access(zone, R_OK) == 0) {
		setenv("TZ", "America/New_York", 1);
		tzset();
		end = utc(2036, 1, 1, 0, 0, 0);
		for (t = utc(2020, 1, 1, 0, 0, 0); t < end; t += 1800) {
			localtime_r(&t, &tm);
			if (tm.tm_gmtoff != sim_tz_ny_offset(t) && bad++ < 5)
				fprintf(stderr, "offset differs at %lld\n",
				    (long long)t);
		}
		CHECK_INT(bad, 0);
	} else
		fprintf(stderr, "t-simtz: no %s, zone comparison skipped\n",
		    zone);
	return (t_done("t-simtz"));
}
