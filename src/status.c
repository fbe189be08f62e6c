/*
 * status.c: the dashboard's status bar (two lines: the connection, then
 * the traffic and the filters) and its hint line.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert.h"
#include "cfg.h"
#include "client.h"
#include "filter.h"
#include "run.h"
#include "store.h"
#include "text.h"
#include "tui-int.h"
#include "xmalloc.h"

/* No message for this long: say how long, not the old lag. */
#define STATUS_QUIET_US	10000000

/* Segments drawn left to right, two spaces apart. */
struct seg {
	int	y, x, w;
};

static void
seg_put(struct seg *s, const char *text, unsigned attr)
{
	int	w = (int)text_width(text);

	if (s->x >= s->w || *text == '\0')
		return;
	if (w > s->w - s->x)
		w = s->w - s->x;
	tui_util_put(s->y, s->x, w, text, attr);
	s->x += w + 2;
}

void
status_tick(struct tui *t)
{
	size_t	i = t->rate_i, old;
	int64_t	now = loop_now_mono_us(), dt;

	t->rate_n[i] = t->received;
	t->rate_at[i] = now;
	old = (i + 1) % TUI_RATE_SLOTS;
	t->rate_i = old;
	if (t->rate_at[old] == 0)
		old = 0;
	dt = now - t->rate_at[old];
	t->rate = dt > 0 ? (t->received - t->rate_n[old]) * 1e6 / dt : 0;
}

/* A coarse age for the status bar: 45s, 12m, 3h05m, 2d04h. */
static char *
status_age(char *buf, size_t size, int64_t us)
{
	int64_t	s = us / 1000000;

	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, size, "%ds", (int)s);
	else if (s < 3600)
		snprintf(buf, size, "%dm", (int)(s / 60));
	else
		tui_util_fmt_dur(buf, size, us);
	return (buf);
}

/*
 * A replay in words, said once: "replay 13:47:07 117 events 43% 10x",
 * with the recorded time of the newest event instead of a lag, how far
 * into the file, and the speed ("max" for --speed 0).
 */
static void
status_replay_words(const struct client_status *st, char *buf, size_t size)
{
	const char	*what = st->state == CONN_REPLAY_DONE ? "replay finished" :
			    st->state == CONN_REPLAY_PAUSED ? "replay paused" :
			    "replay";
	char		 at[16] = "", pct[16] = "", speed[32];
	struct tm	 tm;
	time_t		 t;

	if (st->replay_events > 0) {
		t = (time_t)(st->replay_at / 1000000);
		if (localtime_r(&t, &tm) != NULL)
			strftime(at, sizeof at, " %H:%M:%S", &tm);
	}
	if (st->replay_pct >= 0)
		snprintf(pct, sizeof pct, " %d%%", st->replay_pct);
	if (st->replay_speed > 0)
		snprintf(speed, sizeof speed, "%gx", st->replay_speed);
	else
		snprintf(speed, sizeof speed, "max");
	snprintf(buf, size, "%s%s %llu events%s %s", what, at,
	    (unsigned long long)st->replay_events, pct, speed);
}

/* The connection state in words: "connected 12m", "stalled", ... */
const char *
status_conn_words(struct tui *t, char *buf, size_t size)
{
	const struct client_status	*st = client_status(t->client);
	int64_t				 now = loop_now_wall_us();
	char				 d[32];

	switch (st->state) {
	case CONN_IDLE:
		snprintf(buf, size, "starting");
		break;
	case CONN_CONNECTING:
		snprintf(buf, size, "%s", st->reconnects > 0 ?
		    "reconnecting" : "connecting");
		break;
	case CONN_CONNECTED:
		snprintf(buf, size, "connected %s",
		    status_age(d, sizeof d, now - st->since));
		break;
	case CONN_STALLED:
		snprintf(buf, size, "stalled (silent %s)", status_age(d,
		    sizeof d, now - st->last_byte));
		break;
	case CONN_BACKOFF:
		snprintf(buf, size, "reconnecting in %llds%s%s%s",
		    (long long)(st->retry_at > now ?
		    (st->retry_at - now + 999999) / 1000000 : 0),
		    st->reason[0] != '\0' ? " (" : "", st->reason,
		    st->reason[0] != '\0' ? ")" : "");
		break;
	case CONN_AUTH:
		snprintf(buf, size, "token rejected");
		break;
	case CONN_FAILED:
		snprintf(buf, size, "failed: %s", st->reason);
		break;
	case CONN_REPLAY:
	case CONN_REPLAY_DONE:
	case CONN_REPLAY_PAUSED:
		status_replay_words(st, buf, size);
		break;
	default:
		snprintf(buf, size, "?");
		break;
	}
	return (buf);
}

static enum tui_colour
status_conn_colour(const struct client_status *st)
{
	switch (st->state) {
	case CONN_CONNECTED:
	case CONN_REPLAY:
	case CONN_REPLAY_DONE:
	case CONN_REPLAY_PAUSED:
		return (COL_BAR_OK);
	case CONN_AUTH:
	case CONN_FAILED:
		return (COL_BAR_BAD);
	default:
		return (COL_BAR_WARN);
	}
}

static const char *
status_reg_words(const struct client_status *st, char *buf, size_t size,
    int wide)
{
	switch (st->reg) {
	case REG_NONE:
		snprintf(buf, size, "not registered");
		break;
	case REG_STARTING:
		snprintf(buf, size, "registering");
		break;
	case REG_OK:
		snprintf(buf, size, "registered");
		break;
	case REG_WARNING:
		snprintf(buf, size, "registered (WARNING)");
		break;
	case REG_FAILED:
		snprintf(buf, size, "registration failed%s%s",
		    wide && st->reg_reason[0] != '\0' ? ": " : "",
		    wide ? st->reg_reason : "");
		break;
	case REG_EXITED:
		snprintf(buf, size, "exited");
		break;
	default:
		snprintf(buf, size, "?");
		break;
	}
	return (buf);
}

/* The problem count: "⚠ 3" (or "! 3"), coloured, when alerts are active. */
static void
status_problems(struct tui *t, struct seg *s)
{
	size_t	n = alert_nactive(t->alerts);
	char	buf[64];

	if (n == 0)
		return;
	snprintf(buf, sizeof buf, " %s %zu ", t->utf8 ? "\xe2\x9a\xa0" : "!",
	    n);
	s->x--;
	seg_put(s, buf, tui_attr(COL_BAR_BAD) | A_BOLD);
	s->x--;
}

/* A sparkline of the messages a second over the last minute. */
static void
status_spark(struct tui *t, struct seg *s)
{
	uint32_t	v[SPARK_SLOTS], cell[SPARK_SLOTS];
	size_t		i, ncells = t->cols >= 100 ? 20 : 10;
	size_t		per = SPARK_SLOTS / ncells;
	char		buf[SPARK_SLOTS * 3 + 1];

	spark_ring_get(&t->msg_rate, loop_now_wall_us() - t->alert_skew, v,
	    SPARK_SLOTS);
	memset(cell, 0, sizeof cell);
	for (i = 0; i < SPARK_SLOTS; i++)
		cell[i / per] += v[i];
	spark_draw(buf, sizeof buf, cell, ncells, 0, !t->utf8);
	seg_put(s, buf, tui_attr(COL_DATA));
}

/*
 * The lag: when the newest message arrived minus its sent_at. When
 * nothing has come for a while, how long ago the last message came.
 */
static const char *
status_lag(struct tui *t, char *buf, size_t size)
{
	int64_t	lag = t->lag_us, quiet;
	char	d[32];

	if (t->last_recv <= 0) {
		snprintf(buf, size, "lag -");
		return (buf);
	}
	quiet = loop_now_wall_us() - t->last_recv;
	if (quiet >= STATUS_QUIET_US) {
		snprintf(buf, size, "last msg %s ago", status_age(d, sizeof d,
		    quiet));
		return (buf);
	}
	if (lag == INT64_MIN)
		snprintf(buf, size, "lag -");
	else if (lag < 0)
		snprintf(buf, size, "lag 0ms");
	else if (lag < 1000000)
		snprintf(buf, size, "lag %dms", (int)(lag / 1000));
	else if (lag < 10000000)
		snprintf(buf, size, "lag %.1fs", lag / 1e6);
	else {
		snprintf(buf, size, "lag ");
		tui_util_fmt_dur(buf + 4, size - 4, lag);
	}
	return (buf);
}

void
status_draw(struct tui *t)
{
	const struct client_status	*st = client_status(t->client);
	const struct filter		*sub = client_subscription(t->client);
	struct seg			 s = { 0, 0, t->cols };
	char				 buf[512], conn[300], a[32], b[32];
	char				*d;
	unsigned			 bar = tui_attr(COL_BAR);
	int				 wide = t->cols >= 120, replay;
	uint64_t			 missing;

	tui_util_fill(0, 0, t->cols, bar);
	s.x = 1;
	seg_put(&s, "swf-dash", bar | A_BOLD);
	status_problems(t, &s);
	seg_put(&s, st->host[0] != '\0' ? st->host : "-", bar);
	snprintf(buf, sizeof buf, " %s ", status_conn_words(t, conn,
	    sizeof conn));
	s.x--;
	seg_put(&s, buf, tui_attr(status_conn_colour(st)));
	s.x--;
	/* The recording, right after the state: a failure must be seen. */
	if (st->recording && st->rec_error[0] == '\0' && st->rec_lost == 0)
		seg_put(&s, "REC", bar | A_BOLD);
	else if (st->recording) {
		if (st->rec_error[0] != '\0')
			snprintf(buf, sizeof buf, " REC failed, %llu lost: %s ",
			    (unsigned long long)st->rec_lost, st->rec_error);
		else
			snprintf(buf, sizeof buf, " REC %llu lost ",
			    (unsigned long long)st->rec_lost);
		seg_put(&s, buf, tui_attr(COL_BAR_BAD));
	}
	if (st->client_id[0] != '\0') {
		snprintf(buf, sizeof buf, "id %.*s", wide ? 64 : 8,
		    st->client_id);
		seg_put(&s, buf, bar);
	}
	/* A replay neither registers nor lags: its words say where it is. */
	replay = st->state == CONN_REPLAY || st->state == CONN_REPLAY_DONE ||
	    st->state == CONN_REPLAY_PAUSED;
	if (!replay)
		seg_put(&s, status_reg_words(st, buf, sizeof buf, wide),
		    st->reg == REG_FAILED ? tui_attr(COL_BAR_WARN) : bar);

	s.y = 1;
	s.x = 1;
	tui_util_fill(1, 0, t->cols, A_NORMAL);
	snprintf(buf, sizeof buf, "%.0f msg/s", t->rate);
	seg_put(&s, buf, A_BOLD);
	/* Beside the rate when there is room, else last (cut first). */
	if (t->cols >= 100)
		status_spark(t, &s);
	snprintf(buf, sizeof buf, "total %s", tui_util_fmt_count(a, sizeof a,
	    t->received));
	seg_put(&s, buf, A_NORMAL);
	/* What the size cap dropped: always when wide, else once it did. */
	if (wide || st->oversize > 0) {
		snprintf(buf, sizeof buf, "dropped %s oversize",
		    tui_util_fmt_count(a, sizeof a, st->oversize));
		seg_put(&s, buf, st->oversize > 0 ? tui_attr(COL_ERROR) :
		    A_NORMAL);
	}
	/* What the monitor lost and its history could not give back. */
	if ((missing = run_missing_known(t->runs)) > 0) {
		snprintf(buf, sizeof buf, "missing %s",
		    tui_util_fmt_count(a, sizeof a, missing));
		seg_put(&s, buf, tui_attr(COL_ERROR));
	}
	if (!replay)
		seg_put(&s, status_lag(t, buf, sizeof buf), A_NORMAL);
	if (wide) {
		snprintf(buf, sizeof buf, "kept %s/%s",
		    tui_util_fmt_count(a, sizeof a, store_count(t->store)),
		    tui_util_fmt_count(b, sizeof b, store_capacity(t->store)));
		seg_put(&s, buf, A_NORMAL);
		if (st->dup > 0) {
			snprintf(buf, sizeof buf, "dup %llu",
			    (unsigned long long)st->dup);
			seg_put(&s, buf, A_NORMAL);
		}
	}
	d = filter_describe(t->vf);
	snprintf(buf, sizeof buf, "view: %s", d);
	free(d);
	seg_put(&s, buf, filter_is_empty(t->vf) ? A_NORMAL :
	    tui_attr(COL_NOTICE));
	d = sub != NULL ? filter_describe(sub) : xstrdup("all");
	snprintf(buf, sizeof buf, "sub: %s%s", d, t->sub_pending != NULL &&
	    sub != NULL && !filter_equal(sub, t->sub_pending) ?
	    " (edited)" : "");
	free(d);
	seg_put(&s, buf, A_NORMAL);
	if (t->cols < 100)
		status_spark(t, &s);
}

/* The bottom line: the view's state, then a notice or the key hints. */
void
status_hint(struct tui *t, const char *hints, const char *info)
{
	struct seg	s = { t->rows - 1, 0, t->cols };
	unsigned	attr;

	tui_util_fill(s.y, 0, t->cols, A_NORMAL);
	if (t->quit_ask) {
		/* The question alone, whatever the width. */
		seg_put(&s, "quit swf-dash? the stream is live: q or y quits, "
		    "any other key stays", tui_attr(COL_NOTICE) | A_REVERSE);
		return;
	}
	if (info != NULL && *info != '\0') {
		attr = strncmp(info, "PAUSED", 6) == 0 ?
		    tui_attr(COL_NOTICE) | A_REVERSE : tui_attr(COL_MARK);
		seg_put(&s, info, attr);
	}
	if (t->away[0] != '\0')
		seg_put(&s, t->away, tui_attr(COL_NOTICE) | A_REVERSE);
	else if (t->notice[0] != '\0' && loop_now_mono_us() < t->notice_until)
		seg_put(&s, t->notice, tui_attr(t->notice_bad ? COL_ERROR :
		    COL_NOTICE));
	else
		seg_put(&s, hints, tui_attr(COL_HINT));
}
