/*
 * view-runs.c: one row per run seen, from the aggregates (which outlive
 * the retained messages), sorted by last activity or by run id.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "run.h"
#include "text.h"
#include "tui-int.h"
#include "xmalloc.h"

enum {
	RC_RUN, RC_NS, RC_STATE, RC_FIRST, RC_DUR, RC_STF, RC_MISS, RC_SPARK,
	RC_TF, RC_OTHER, RC_TOTAL, RC_LAST, RC_FILE, RC_COUNT
};

#define RUNS_SPARK_CELLS	10	/* a minute each */

struct runsview {
	struct tui	 *t;
	struct tui_list	  list;
	struct run	**rows;		/* rebuilt at each sync */
	size_t		  nrows;
	size_t		  cap;
	int		  sort;		/* RC_*: the column sorted by */
	struct tui_col	  cols[RC_COUNT]; /* this frame's layout */
	int		  cols_w;	/* its width; 0: none yet */
};

/* The column being sorted by, for runs_cmp (qsort has no argument). */
static int	runs_sort_col;

static const char *runs_state(const struct run *, char *, size_t);

#define RUNS_DESC(a, b)	((a) == (b) ? 0 : (a) > (b) ? -1 : 1)

/*
 * Active runs (not ended) first, then by the chosen column: names and
 * times in ascending order, counts and the last activity descending;
 * ties by run id, so the order is stable from frame to frame.
 */
static int
runs_cmp(const void *pa, const void *pb)
{
	const struct run	*a = *(struct run *const *)pa;
	const struct run	*b = *(struct run *const *)pb;
	char			 sa[64], sb[64];
	int			 c = 0;

	if (a->ended != b->ended)
		return (a->ended ? 1 : -1);
	switch (runs_sort_col) {
	case RC_NS:
		c = strcmp(a->ns, b->ns);
		break;
	case RC_STATE:
		c = strcmp(runs_state(a, sa, sizeof sa),
		    runs_state(b, sb, sizeof sb));
		break;
	case RC_FIRST:
		c = -RUNS_DESC(a->first_us, b->first_us);
		break;
	case RC_DUR:
		c = RUNS_DESC((a->ended ? a->end_us : a->last_us) - a->first_us,
		    (b->ended ? b->end_us : b->last_us) - b->first_us);
		break;
	case RC_STF:
		c = RUNS_DESC(a->stf_gen, b->stf_gen);
		break;
	case RC_MISS:
		c = RUNS_DESC(run_missing(a), run_missing(b));
		break;
	case RC_TF:
		c = RUNS_DESC(a->tf_files, b->tf_files);
		break;
	case RC_OTHER:
		c = RUNS_DESC(a->other, b->other);
		break;
	case RC_TOTAL:
		c = RUNS_DESC(a->total, b->total);
		break;
	case RC_LAST:
		c = RUNS_DESC(a->last_us, b->last_us);
		break;
	case RC_FILE:
		c = strcmp(a->last_file, b->last_file);
		break;
	}
	return (c != 0 ? c : run_id_cmp(a->id, b->id));
}

/* What the sort is called: the column's title. */
static const char *
runs_sort_name(int col)
{
	switch (col) {
	case RC_RUN:
		return ("run id");
	case RC_LAST:
		return ("last activity");
	}
	return (NULL);
}

static size_t
runs_count(void *arg)
{
	struct runsview	*rv = arg;
	struct runs	*rs = rv->t->runs;
	struct run	*r;

	if (rv->cap < rs->nruns) {
		rv->cap = rs->nruns;
		rv->rows = xreallocarray(rv->rows, rv->cap, sizeof *rv->rows);
	}
	rv->nrows = 0;
	if (rv->sort == RC_LAST) {
		/*
		 * Most recently seen first, as the tables keep them (times
		 * can tie within a read): the active runs, then the ended.
		 */
		TAILQ_FOREACH_REVERSE(r, &rs->run_lru, run_lru, lru) {
			if (!r->ended)
				rv->rows[rv->nrows++] = r;
		}
		TAILQ_FOREACH_REVERSE(r, &rs->run_lru, run_lru, lru) {
			if (r->ended)
				rv->rows[rv->nrows++] = r;
		}
		return (rv->nrows);
	}
	RB_FOREACH(r, run_tree, &rs->runs)
		rv->rows[rv->nrows++] = r;
	runs_sort_col = rv->sort;
	if (rv->nrows > 1)	/* rows is NULL when there is none */
		qsort(rv->rows, rv->nrows, sizeof *rv->rows, runs_cmp);
	return (rv->nrows);
}

static uint64_t
runs_key(void *arg, size_t i)
{
	struct runsview	*rv = arg;

	return (rv->rows[i]->serial);
}

static size_t
runs_find_key(void *arg, uint64_t key)
{
	struct runsview	*rv = arg;
	size_t		 i;

	for (i = 0; i < rv->nrows; i++) {
		if (rv->rows[i]->serial == key)
			return (i);
	}
	return (0);
}

static int
runs_match(void *arg, size_t i, const char *pat)
{
	struct runsview	*rv = arg;
	struct run	*r = rv->rows[i];
	char		 st[64];

	/* The text columns as shown ("ended", "run/physics"). */
	return (tui_util_strcasestr(r->id, pat) != NULL ||
	    tui_util_strcasestr(r->ns, pat) != NULL ||
	    tui_util_strcasestr(runs_state(r, st, sizeof st), pat) != NULL ||
	    tui_util_strcasestr(r->last_file, pat) != NULL);
}

/* Columns; the run column is as wide as the widest id shown. */
static void
runs_layout(struct runsview *rv, struct tui_col *c, int w)
{
	size_t	i, iw, idw = 3;

	for (i = 0; i < rv->nrows; i++) {
		if ((iw = text_width(rv->rows[i]->id)) > idw)
			idw = iw;
	}
	if (idw > 24)
		idw = 24;
	c[RC_RUN] = (struct tui_col){ .title = "RUN", .w = (int)idw, .mid = 1 };
	c[RC_NS] = (struct tui_col){ .title = "NAMESPACE", .w = 10, .drop = 3,
	    .mid = 1 };
	c[RC_STATE] = (struct tui_col){ .title = "STATE", .w = 15 };
	c[RC_FIRST] = (struct tui_col){ .title = "FIRST", .w = 8, .drop = 2 };
	c[RC_DUR] = (struct tui_col){ .title = "DUR", .w = 7, .right = 1 };
	c[RC_STF] = (struct tui_col){ .title = "STF g/r", .w = 9, .right = 1 };
	c[RC_MISS] = (struct tui_col){ .title = "MISSING", .w = 8, .right = 1 };
	c[RC_SPARK] = (struct tui_col){ .title = "STF 10m",
	    .w = RUNS_SPARK_CELLS, .drop = 2 };
	c[RC_TF] = (struct tui_col){ .title = "TF", .w = 5, .right = 1 };
	c[RC_OTHER] = (struct tui_col){ .title = "OTHER", .w = 5, .right = 1 };
	c[RC_TOTAL] = (struct tui_col){ .title = "TOTAL", .w = 6, .right = 1 };
	c[RC_LAST] = (struct tui_col){ .title = "LAST", .w = 6, .right = 1 };
	c[RC_FILE] = (struct tui_col){ .title = "LAST FILE", .w = 9, .drop = 1,
	    .flex = 1, .mid = 1 };
	tui_util_cols_layout(c, RC_COUNT, w);
}

/* "ended", "run/physics", or "-". */
static const char *
runs_state(const struct run *r, char *buf, size_t size)
{
	if (r->ended)
		snprintf(buf, size, "ended");
	else if (*r->state == '\0')
		snprintf(buf, size, "-");
	else if (*r->substate == '\0')
		snprintf(buf, size, "%s", r->state);
	else
		snprintf(buf, size, "%s/%s", r->state, r->substate);
	return (buf);
}

/*
 * STF files generated/ready as seen, and "of N" when the sequence numbers
 * (or end_run's total) say there are more: "7/7 of 12".
 */
static const char *
runs_stf(const struct run *r, char *buf, size_t size)
{
	uint32_t	expect = run_stf_expected(r);

	if (expect > r->stf_gen)
		snprintf(buf, size, "%llu/%llu of %u",
		    (unsigned long long)r->stf_gen,
		    (unsigned long long)r->stf_ready, expect);
	else
		snprintf(buf, size, "%llu/%llu",
		    (unsigned long long)r->stf_gen,
		    (unsigned long long)r->stf_ready);
	return (buf);
}

/*
 * Known-missing messages: "mid-way" while a run joined after its start
 * waits for its history, "N?" for a hole not yet read back, "N" for one
 * the history could not fill, "-" for none.
 */
static void
runs_missing(const struct run *r, char *buf, size_t size, unsigned a,
    int flags, unsigned *attr)
{
	uint32_t	n = run_missing(r);

	*attr = a;
	if (run_midway(r) && !run_merged(r)) {
		snprintf(buf, size, "mid-way");
		if (!(flags & LIST_SEL))
			*attr = tui_attr(COL_HINT);
	} else if (n == 0)
		snprintf(buf, size, "-");
	else {
		snprintf(buf, size, "%u%s", n, run_merged(r) ? "" : "?");
		if (!(flags & LIST_SEL))
			*attr = tui_attr(run_merged(r) ? COL_ERROR :
			    COL_NOTICE);
	}
}

/* The run's stf_gen of the last 10 minutes, a cell a minute. */
static char *
runs_spark(struct tui *t, struct run *r, char *buf, size_t size)
{
	uint32_t	v[SPARK_SLOTS], cell[RUNS_SPARK_CELLS];
	size_t		i, per = SPARK_SLOTS / RUNS_SPARK_CELLS;

	spark_ring_get(&r->stf_recent, loop_now_wall_us() - t->alert_skew, v,
	    SPARK_SLOTS);
	memset(cell, 0, sizeof cell);
	for (i = 0; i < SPARK_SLOTS; i++)
		cell[i / per] += v[i];
	return (spark_draw(buf, size, cell, RUNS_SPARK_CELLS, 0, !t->utf8));
}

static void
runs_draw_row(void *arg, size_t i, int y, int w, int flags, const char *pat)
{
	struct runsview	*rv = arg;
	struct run	*r = rv->rows[i];
	struct tui_col	*c = rv->cols;
	char		 buf[128];
	int64_t		 now = loop_now_wall_us();
	int		 bad = alert_on_run(rv->t->alerts, r->id);
	unsigned	 a = (flags & LIST_SEL) ? tui_attr(COL_SELECT) :
		    bad ? tui_attr(COL_ERROR) : A_NORMAL;
	unsigned	 ma;

	/* Laid out once a frame (runsview_draw), not once a row: the
	 * layout measures every run id. */
	if (rv->cols_w != w) {
		runs_layout(rv, rv->cols, w);
		rv->cols_w = w;
	}
	tui_util_fill(y, 0, w, a);
	tui_util_cols_put(c, RC_RUN, y, r->id, a | A_BOLD);
	tui_util_cols_put(c, RC_NS, y, *r->ns != '\0' ? r->ns : "-", a);
	tui_util_cols_put(c, RC_STATE, y, runs_state(r, buf, sizeof buf),
	    (flags & LIST_SEL) || bad ? a : r->ended ? tui_attr(COL_HINT) :
	    tui_attr(COL_LIFECYCLE));
	tui_util_cols_put(c, RC_FIRST, y, tui_util_fmt_clock(buf, sizeof buf,
	    r->first_us, 0), a);
	tui_util_cols_put(c, RC_DUR, y, tui_util_fmt_dur(buf, sizeof buf,
	    (r->ended ? r->end_us : r->last_us) - r->first_us), a);
	tui_util_cols_put(c, RC_STF, y, runs_stf(r, buf, sizeof buf), a);
	runs_missing(r, buf, sizeof buf, a, flags, &ma);
	tui_util_cols_put(c, RC_MISS, y, buf, ma);
	tui_util_cols_put(c, RC_SPARK, y, runs_spark(rv->t, r, buf, sizeof buf),
	    (flags & LIST_SEL) || bad ? a : tui_attr(COL_DATA));
	tui_util_cols_put(c, RC_TF, y, tui_util_fmt_count(buf, sizeof buf,
	    r->tf_files), a);
	tui_util_cols_put(c, RC_OTHER, y, tui_util_fmt_count(buf, sizeof buf,
	    r->other), a);
	tui_util_cols_put(c, RC_TOTAL, y, tui_util_fmt_count(buf, sizeof buf,
	    r->total), a);
	tui_util_cols_put(c, RC_LAST, y, tui_util_fmt_dur(buf, sizeof buf,
	    (now - r->last_us) / 1000000 * 1000000), a);
	tui_util_cols_put(c, RC_FILE, y, r->last_file, a);
	if (pat != NULL && (flags & LIST_MATCH) && c[RC_RUN].x >= 0) {
		tui_util_fit_mid(buf, sizeof buf, r->id, c[RC_RUN].cw);
		tui_util_put_hl(y, c[RC_RUN].x, c[RC_RUN].cw, buf, a | A_BOLD,
		    pat, tui_attr(COL_MATCH));
	}
}

static const struct tui_list_ops runs_ops = {
	runs_count, runs_key, runs_find_key, runs_draw_row, runs_match
};

static void *
runsview_create(struct tui *t, const void *arg)
{
	struct runsview	*rv = xcalloc(1, sizeof *rv);

	rv->t = t;
	rv->sort = RC_LAST;
	tui_list_init(&rv->list, &runs_ops, rv, 0, 0);
	return (rv);
}

static void
runsview_destroy(struct tui *t, void *arg)
{
	struct runsview	*rv = arg;

	free(rv->rows);
	free(rv);
}

static void
runsview_draw(struct tui *t, void *arg, int y, int h)
{
	struct runsview	*rv = arg;
	struct tui_col	 c[RC_COUNT];

	if (h < 2)
		return;
	runs_count(rv);
	runs_layout(rv, c, t->cols);
	memcpy(rv->cols, c, sizeof rv->cols);
	rv->cols_w = t->cols;
	tui_util_cols_header(c, RC_COUNT, y, t->cols,
	    tui_attr(COL_HEADER) | A_REVERSE);
	tui_list_draw(&rv->list, y + 1, h - 1, t->cols);
	if (rv->nrows == 0 && h > 3)
		tui_util_put(y + 2, 2, t->cols - 4, "no run seen yet",
		    tui_attr(COL_HINT));
}

/* The sort's name: "run id", "last activity" or the column's title. */
static const char *
runs_sort_title(struct runsview *rv, char *buf, size_t size)
{
	struct tui_col	c[RC_COUNT];

	if (runs_sort_name(rv->sort) != NULL)
		return (runs_sort_name(rv->sort));
	runs_layout(rv, c, rv->t->cols);
	snprintf(buf, size, "%s", c[rv->sort].title);
	return (buf);
}

/* < and >: the previous or next column shown (not the picture). */
static void
runs_sort_move(struct runsview *rv, int dir)
{
	struct tui_col	c[RC_COUNT];
	int		i, col = rv->sort;

	runs_layout(rv, c, rv->t->cols);
	for (i = 0; i < RC_COUNT; i++) {
		col = (col + dir + RC_COUNT) % RC_COUNT;
		if (col != RC_SPARK && c[col].x >= 0)
			break;
	}
	rv->sort = col;
}

static void
runsview_search_done(struct tui *t, void *arg, const char *text)
{
	struct runsview	*rv = arg;

	strlcpy(rv->list.search, text != NULL ? text : "",
	    sizeof rv->list.search);
	if (text != NULL && *text != '\0' && !tui_list_search(&rv->list, 1, 1))
		tui_notice(t, 1, "no run shows \"%s\"", text);
}

static void
runsview_search_change(struct tui *t, void *arg, const char *text)
{
	struct runsview	*rv = arg;

	strlcpy(rv->list.search, text, sizeof rv->list.search);
}

static int
runsview_key(struct tui *t, void *arg, int key)
{
	struct runsview	*rv = arg;
	char		 buf[32];
	long		 i;

	switch (key) {
	case 's':
		rv->sort = rv->sort == RC_RUN ? RC_LAST : RC_RUN;
		tui_notice(t, 0, "runs sorted by %s", runs_sort_name(rv->sort));
		return (V_HANDLED | V_REDRAW);
	case '<':
	case '>':
		runs_sort_move(rv, key == '<' ? -1 : 1);
		tui_notice(t, 0, "runs sorted by %s (active runs first)",
		    runs_sort_title(rv, buf, sizeof buf));
		return (V_HANDLED | V_REDRAW);
	case '/':
		tui_prompt_start(t, "/", "", runsview_search_change,
		    runsview_search_done, rv);
		return (V_HANDLED | V_REDRAW);
	case TK_ENTER:
	case '\n':
	case TK(KEY_ENTER):
		if ((i = tui_list_selected(&rv->list)) >= 0)
			tui_push(t, &view_run, rv->rows[i]->id);
		return (V_HANDLED | V_REDRAW);
	}
	return (tui_list_key(&rv->list, key));
}

static void
runsview_info(struct tui *t, void *arg, char *buf, size_t size)
{
	struct runsview	*rv = arg;
	struct runs	*rs = t->runs;

	char		 name[32], search[320];

	tui_list_info(&rv->list, search, sizeof search);
	snprintf(buf, size, "%zu runs, by %s%s%s%s", rs->nruns,
	    runs_sort_title(rv, name, sizeof name),
	    rs->evicted_runs > 0 ? " (oldest evicted)" : "",
	    search[0] != '\0' ? "  " : "", search);
}

const struct view view_runs = {
	.name = "Runs",
	.hints = "Enter run  s </> sort  / search  g/r=stf_gen/stf_ready  "
	    "TF=tf_file_registered  OTHER=other types",
	.create = runsview_create,
	.destroy = runsview_destroy,
	.draw = runsview_draw,
	.key = runsview_key,
	.info = runsview_info
};
