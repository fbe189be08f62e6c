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
	msglist_init(&v->ml, t, v->id);
	return (v);
}

static void
runview_destroy(struct tui *t, void *arg)
{
	struct runview	*v = arg;

	msglist_free(&v->ml);
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
		tui_put(y, 0, w, buf, tui_attr(COL_NOTICE));
		return (1);
	}
	snprintf(buf, sizeof buf, "run %s  ns %s  %s%s%s  %s-%s (%s)  "
	    "%llu messages", r->id, *r->ns != '\0' ? r->ns : "-",
	    r->ended ? "ended" : *r->state != '\0' ? r->state : "no state",
	    !r->ended && *r->substate != '\0' ? "/" : "",
	    !r->ended ? r->substate : "",
	    tui_fmt_clock(a, sizeof a, r->first_us, 0),
	    tui_fmt_clock(b, sizeof b, r->ended ? r->end_us : r->last_us, 0),
	    tui_fmt_dur(d, sizeof d, (r->ended ? r->end_us : r->last_us) -
	    r->first_us), (unsigned long long)r->total);
	used += tui_put_wrap(y + used, 0, w, 2, buf, tui_attr(COL_HEADER));
	runview_tally(buf, sizeof buf, "types", &r->types);
	used += tui_put_wrap(y + used, 0, w, 2, buf, A_NORMAL);
	runview_tally(buf, sizeof buf, "agents", &r->agents);
	used += tui_put_wrap(y + used, 0, w, 2, buf, A_NORMAL);

	/* The latest lifecycle changes, oldest first. */
	n = run_hist_len(r);
	shown = h / 5 > 2 ? (size_t)h / 5 : 2;
	if (shown > n)
		shown = n;
	first = n - shown;
	snprintf(buf, sizeof buf, "history: %llu lifecycle message%s%s",
	    (unsigned long long)r->nhist, r->nhist == 1 ? "" : "s",
	    first > 0 || r->nhist > n ? ", latest shown" : "");
	tui_put(y + used++, 0, w, buf, A_NORMAL);
	for (i = first; i < n; i++) {
		c = run_hist_at(r, i);
		snprintf(buf, sizeof buf, "  %s  %-13s %s%s%s",
		    tui_fmt_clock(a, sizeof a, c->at, 1), c->type,
		    *c->state != '\0' ? c->state : "-",
		    *c->substate != '\0' ? "/" : "", c->substate);
		tui_put(y + used++, 0, w, buf, tui_attr(COL_LIFECYCLE));
	}
	return (used);
}

static void
runview_draw(struct tui *t, void *arg, int y, int h)
{
	struct runview	*v = arg;
	int		 used;

	used = runview_summary(v, runs_find(t->runs, v->id), y, h);
	if (h - used > 2)
		msglist_draw(&v->ml, y + used, h - used);
}

static int
runview_key(struct tui *t, void *arg, int key)
{
	struct runview	*v = arg;

	return (msglist_key(&v->ml, key));
}

static void
runview_ingest(struct tui *t, void *arg, const struct msg *m)
{
	struct runview	*v = arg;

	msglist_ingest(&v->ml, m);
}

static void
runview_refilter(struct tui *t, void *arg)
{
	struct runview	*v = arg;

	msglist_rebuild(&v->ml);
}

static const struct msg *
runview_selected(struct tui *t, void *arg)
{
	struct runview	*v = arg;

	return (msglist_selected(&v->ml));
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
	.info = runview_info
};
