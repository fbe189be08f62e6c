/*
 * view-run.c: one run: its aggregate (state, times, counts per type,
 * agents involved), its lifecycle history with times, and its retained
 * messages through the same message list as the Messages view.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "run.h"
#include "spark.h"
#include "text.h"
#include "tui-int.h"
#include "xmalloc.h"

struct runview {
	struct tui	*t;
	char		*id;
	struct msglist	 ml;
};

static void *
runview_create(struct tui *t, const void *arg)
{
	struct runview	*v = xcalloc(1, sizeof *v);

	v->t = t;
	v->id = xstrdup(arg);
	view_messages_init(&v->ml, t, v->id);
	return (v);
}

static void
runview_destroy(struct tui *t, void *arg)
{
	struct runview	*v = arg;

	view_messages_free(&v->ml);
	free(v->id);
	free(v);
}

/* "label: a 12  b 3  (+4 more)" from a tally. */
static void
runview_tally(char *buf, size_t size, const char *label,
    const struct tally *tl)
{
	size_t	i, len;

	len = snprintf(buf, size, "%s:", label);
	for (i = 0; i < tl->len && len < size; i++)
		len += snprintf(buf + len, size - len, "  %s=%llu",
		    tl->v[i].name, (unsigned long long)tl->v[i].n);
	if (tl->other > 0 && len < size)
		snprintf(buf + len, size - len, "  other=%llu",
		    (unsigned long long)tl->other);
	if (tl->len == 0 && len < size)
		snprintf(buf + len, size - len, "  -");
}

/* The bands of the timeline strip. */
enum band {
	B_NONE,		/* before any state known */
	B_BEAM,		/* beam / not_ready (imminent) */
	B_PHYSICS,	/* run / physics */
	B_STANDBY,	/* run / standby: paused */
	B_OTHER,	/* any other state */
	B_ENDED,
	B_COUNT
};

static const struct {
	const char	*utf8, *ascii;
	enum tui_colour	 colour;
	const char	*name;
} runview_bands[B_COUNT] = {
	{ " ", " ", COL_HINT, NULL },
	{ "\xe2\x96\x91", "-", COL_TEST, "beam/not_ready" },
	{ "\xe2\x96\x88", "#", COL_DATA, "run/physics" },
	{ "\xe2\x96\x92", "=", COL_PROCESSING, "run/standby" },
	{ "\xe2\x96\x93", "+", COL_LIFECYCLE, "other" },
	{ "\xc2\xb7", ".", COL_HINT, "ended" }
};

#define RUNVIEW_LABEL	10	/* columns of the labels left of the strip */
#define RUNVIEW_MAXW	1024	/* columns of the strip at most */

/* The band a lifecycle change starts. */
static enum band
runview_band_of(const struct run_change *c)
{
	if (strcmp(c->type, "end_run") == 0)
		return (B_ENDED);
	if (strcmp(c->type, "pause_run") == 0 ||
	    strcmp(c->substate, "standby") == 0)
		return (B_STANDBY);
	if (strcmp(c->type, "run_imminent") == 0 ||
	    strcmp(c->state, "beam") == 0)
		return (B_BEAM);
	if (strcmp(c->type, "start_run") == 0 ||
	    strcmp(c->type, "resume_run") == 0 ||
	    strcmp(c->substate, "physics") == 0)
		return (B_PHYSICS);
	return (B_OTHER);
}

/* The time span the strip covers: the run's life (and a little after). */
static void
runview_span(struct tui *t, const struct run *r, int64_t *from, int64_t *to)
{
	int64_t	end;

	*from = r->first_us;
	end = r->ended ? (r->end_us > r->last_us ? r->end_us : r->last_us) :
	    loop_now_wall_us() - t->alert_skew;
	if (end - *from < 1000000)
		end = *from + 1000000;
	/* An ended run shows a sliver of "ended" at the right. */
	if (r->ended)
		end += (end - *from) / 40 + 1;
	*to = end;
}

/* Draw the state bands (and the gaps) on row y, w columns from x. */
static void
runview_bands_draw(struct tui *t, const struct run *r, int y, int x, int w,
    int64_t from, int64_t to)
{
	enum band	 b[RUNVIEW_MAXW];
	char		 seg[RUNVIEW_MAXW * 4];
	const struct run_change *c;
	size_t		 n = run_hist_len(r), k = 0, len;
	uint32_t	 miss[64], last;
	size_t		 nm, i;
	int		 col, start, bi;
	double		 span = (double)(to - from) / w, tc, pos;
	enum band	 cur = r->nhist > n ? B_OTHER : B_NONE;
	int64_t		 sf, sl;

	if (w > (int)(sizeof b / sizeof b[0]))
		w = sizeof b / sizeof b[0];
	for (col = 0; col < w; col++) {
		tc = from + (col + 0.5) * span;
		while (k < n && (c = run_hist_at(r, k))->at <= tc) {
			cur = runview_band_of(c);
			k++;
		}
		b[col] = cur;
	}
	for (col = 0; col < w; col = start) {
		start = col;
		bi = b[col];
		len = 0;
		while (start < w && (int)b[start] == bi && len + 4 < sizeof seg) {
			len += strlcpy(seg + len, t->utf8 ? runview_bands[bi].utf8 :
			    runview_bands[bi].ascii, sizeof seg - len);
			start++;
		}
		tui_util_put(y, x + col, start - col, seg,
		    tui_attr(runview_bands[bi].colour));
	}
	/*
	 * Gaps: where each missing sequence would have been generated, from
	 * the run's STF counts over time. Red once the history could not fill
	 * it, yellow while it still may.
	 */
	if (run_missing(r) == 0 || r->stf_life.start == 0)
		return;
	sf = r->stf_life.start;
	for (i = SPARK_LIFE_SLOTS; i > 0 && r->stf_life.n[i - 1] == 0; i--)
		;
	sl = sf + (int64_t)i * r->stf_life.width;
	last = run_stf_expected(r);
	nm = run_missing_list(r, 1, miss, sizeof miss / sizeof miss[0]);
	for (i = 0; i < nm && last > 0; i++) {
		pos = sf + (miss[i] - 0.5) / last * (sl - sf);
		col = (int)((pos - from) / span);
		if (col < 0 || col >= w)
			continue;
		tui_util_put(y, x + col, 1, "x", tui_attr(run_merged(r) ?
		    COL_ERROR : COL_NOTICE) | A_BOLD);
	}
}

/* Time ticks under the strip: "|15:30:08" every so often. */
static void
runview_ticks(int y, int x, int w, int64_t from, int64_t to)
{
	char	lab[32], buf[40];
	int	col, step = 20;

	for (col = 0; col + 9 <= w; col += step) {
		tui_util_fmt_clock(lab, sizeof lab, from + (int64_t)((double)(to -
		    from) * col / w), 0);
		snprintf(buf, sizeof buf, "|%s", lab);
		tui_util_put(y, x + col, 9, buf, tui_attr(COL_HINT));
	}
}

/* The timeline: bands, ticks, and the STF and processed rates below. */
static int
runview_timeline(struct runview *v, const struct run *r, int y)
{
	struct tui	*t = v->t;
	uint32_t	 stf[RUNVIEW_MAXW], proc[RUNVIEW_MAXW], max;
	char		 buf[RUNVIEW_MAXW * 4], d[32];
	int64_t		 from, to;
	int		 x = RUNVIEW_LABEL, w = t->cols - RUNVIEW_LABEL;
	unsigned	 hint = tui_attr(COL_HINT);

	if (w < 10)
		return (0);
	if (w > (int)(sizeof stf / sizeof stf[0]))
		w = sizeof stf / sizeof stf[0];
	runview_span(t, r, &from, &to);
	tui_util_put(y, 0, x, "states", hint);
	runview_bands_draw(t, r, y, x, w, from, to);
	tui_util_put(y + 1, 0, x, tui_util_fmt_dur(d, sizeof d, to - from), hint);
	runview_ticks(y + 1, x, w, from, to);
	spark_life_get(&r->stf_life, from, to, stf, w);
	spark_life_get(&r->proc_life, from, to, proc, w);
	max = spark_max(stf, w);
	if (spark_max(proc, w) > max)
		max = spark_max(proc, w);
	tui_util_put(y + 2, 0, x, "STF", hint);
	tui_util_put(y + 2, x, w, spark_draw(buf, sizeof buf, stf, w, max,
	    !t->utf8), tui_attr(COL_DATA));
	tui_util_put(y + 3, 0, x, "processed", hint);
	tui_util_put(y + 3, x, w, spark_draw(buf, sizeof buf, proc, w, max,
	    !t->utf8), tui_attr(COL_PROCESSING));
	return (4);
}

/* The summary above the list; returns the rows it used. */
static int
runview_summary(struct runview *v, struct run *r, int y, int h)
{
	const struct run_change	*c;
	char			 buf[2048], a[32], b[32], d[32];
	size_t			 n, i, first, shown;
	int			 w = v->t->cols, used = 0;

	if (r == NULL) {
		snprintf(buf, sizeof buf, "run %s: no longer tracked (the "
		    "least recently seen runs are evicted past %zu)", v->id,
		    v->t->runs->max_runs);
		tui_util_put(y, 0, w, buf, tui_attr(COL_NOTICE));
		return (1);
	}
	snprintf(buf, sizeof buf, "run %s  ns %s  %s%s%s  %s-%s (%s)  "
	    "%llu messages", r->id, *r->ns != '\0' ? r->ns : "-",
	    r->ended ? "ended" : *r->state != '\0' ? r->state : "no state",
	    !r->ended && *r->substate != '\0' ? "/" : "",
	    !r->ended ? r->substate : "",
	    tui_util_fmt_clock(a, sizeof a, r->first_us, 0),
	    tui_util_fmt_clock(b, sizeof b, r->ended ? r->end_us : r->last_us, 0),
	    tui_util_fmt_dur(d, sizeof d, (r->ended ? r->end_us : r->last_us) -
	    r->first_us), (unsigned long long)r->total);
	used += tui_util_put_wrap(y + used, 0, w, 2, buf, tui_attr(COL_HEADER));
	runview_tally(buf, sizeof buf, "types", &r->types);
	used += tui_util_put_wrap(y + used, 0, w, 2, buf, A_NORMAL);
	runview_tally(buf, sizeof buf, "agents", &r->agents);
	used += tui_util_put_wrap(y + used, 0, w, 2, buf, A_NORMAL);
	if (h >= 16)
		used += runview_timeline(v, r, y + used);

	/* The latest lifecycle changes, oldest first. */
	n = run_hist_len(r);
	shown = h / 5 > 2 ? (size_t)h / 5 : 2;
	if (shown > n)
		shown = n;
	first = n - shown;
	snprintf(buf, sizeof buf, "history: %llu lifecycle message%s%s",
	    (unsigned long long)r->nhist, r->nhist == 1 ? "" : "s",
	    first > 0 || r->nhist > n ? ", latest shown" : "");
	tui_util_put(y + used++, 0, w, buf, A_NORMAL);
	for (i = first; i < n; i++) {
		c = run_hist_at(r, i);
		snprintf(buf, sizeof buf, "  %s  %-13s %s%s%s",
		    tui_util_fmt_clock(a, sizeof a, c->at, 1), c->type,
		    *c->state != '\0' ? c->state : "-",
		    *c->substate != '\0' ? "/" : "", c->substate);
		tui_util_put(y + used++, 0, w, buf, tui_attr(COL_LIFECYCLE));
	}
	return (used);
}

static void
runview_draw(struct tui *t, void *arg, int y, int h)
{
	struct runview	*v = arg;
	int		 used;

	used = runview_summary(v, run_find(t->runs, v->id), y, h);
	if (h - used > 2)
		view_messages_draw(&v->ml, y + used, h - used);
}

static int
runview_key(struct tui *t, void *arg, int key)
{
	struct runview	*v = arg;

	return (view_messages_key(&v->ml, key));
}

static void
runview_ingest(struct tui *t, void *arg, const struct msg *m)
{
	struct runview	*v = arg;

	view_messages_ingest(&v->ml, m);
}

static void
runview_refilter(struct tui *t, void *arg)
{
	struct runview	*v = arg;

	view_messages_rebuild(&v->ml);
}

static const struct msg *
runview_selected(struct tui *t, void *arg)
{
	struct runview	*v = arg;

	return (view_messages_selected(&v->ml));
}

static void
runview_info(struct tui *t, void *arg, char *buf, size_t size)
{
	struct runview	*v = arg;
	size_t		 len;

	tui_list_info(&v->ml.list, buf, size);
	len = strlen(buf);
	if (len < size)
		snprintf(buf + len, size - len, "  run %s: %zu retained",
		    v->id, v->ml.list.n);
}

static struct msglist *
runview_msglist(struct tui *t, void *arg)
{
	struct runview	*v = arg;

	return (&v->ml);
}

const struct view view_run = {
	.name = "Run",
	.hints = "Enter detail  / search  t/A filter  q back  ? help",
	.create = runview_create,
	.destroy = runview_destroy,
	.draw = runview_draw,
	.key = runview_key,
	.ingest = runview_ingest,
	.refilter = runview_refilter,
	.selected = runview_selected,
	.info = runview_info,
	.msglist = runview_msglist
};
