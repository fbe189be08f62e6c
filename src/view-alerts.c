/*
 * view-alerts.c: the alerts, active ones first (newest first), then the
 * last cleared ones (most recently cleared first), with their times.
 * Enter opens the alert's run, or shows its agent in the Agents view.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "text.h"
#include "tui-int.h"
#include "xmalloc.h"

enum {
	LC_STATE, LC_KIND, LC_ON, LC_RAISED, LC_CLEARED, LC_TEXT, LC_COUNT
};

struct alertsview {
	struct tui		 *t;
	struct tui_list		  list;
	const struct alert	**rows;		/* rebuilt at each sync */
	size_t			  nrows, cap;
};

static size_t
alertsv_count(void *arg)
{
	struct alertsview	*av = arg;
	struct alerts		*as = av->t->alerts;
	const struct alert	*a;
	size_t			 n;

	n = alert_nactive(as) + alert_ncleared(as);
	if (av->cap < n) {
		av->cap = n;
		av->rows = xreallocarray(av->rows, av->cap, sizeof *av->rows);
	}
	av->nrows = 0;
	TAILQ_FOREACH(a, alert_active(as), entry)
		av->rows[av->nrows++] = a;
	TAILQ_FOREACH(a, alert_cleared(as), entry)
		av->rows[av->nrows++] = a;
	return (av->nrows);
}

static uint64_t
alertsv_rowkey(void *arg, size_t i)
{
	struct alertsview	*av = arg;

	return (av->rows[i]->serial);
}

static size_t
alertsv_find(void *arg, uint64_t key)
{
	struct alertsview	*av = arg;
	size_t			 i;

	for (i = 0; i < av->nrows; i++) {
		if (av->rows[i]->serial == key)
			return (i);
	}
	return (0);
}

static int
alertsv_match(void *arg, size_t i, const char *pat)
{
	struct alertsview	*av = arg;
	const struct alert	*a = av->rows[i];

	return (tui_util_strcasestr(a->subject, pat) != NULL ||
	    tui_util_strcasestr(a->text, pat) != NULL);
}

static void
alertsv_layout(struct tui_col *c, int w)
{
	c[LC_STATE] = (struct tui_col){ .title = "STATE", .w = 7 };
	c[LC_KIND] = (struct tui_col){ .title = "ALERT", .w = 15 };
	c[LC_ON] = (struct tui_col){ .title = "RUN / AGENT", .w = 20, .drop = 1,
	    .mid = 1 };
	c[LC_RAISED] = (struct tui_col){ .title = "RAISED", .w = 8 };
	c[LC_CLEARED] = (struct tui_col){ .title = "CLEARED", .w = 8,
	    .drop = 2 };
	c[LC_TEXT] = (struct tui_col){ .title = "WHAT", .w = 10, .flex = 1 };
	tui_util_cols_layout(c, LC_COUNT, w);
}

static void
alertsv_draw_row(void *arg, size_t i, int y, int w, int flags,
    const char *pat)
{
	struct alertsview	*av = arg;
	const struct alert	*a = av->rows[i];
	struct tui_col		 c[LC_COUNT];
	char			 buf[512];
	unsigned		 attr;

	alertsv_layout(c, w);
	if (flags & LIST_SEL)
		attr = tui_attr(COL_SELECT);
	else
		attr = a->cleared == 0 ? tui_attr(COL_ERROR) : A_NORMAL;
	tui_util_fill(y, 0, w, attr);
	tui_util_cols_put(c, LC_STATE, y, a->cleared == 0 ? "RAISED" : "cleared",
	    attr | (a->cleared == 0 ? A_BOLD : 0));
	tui_util_cols_put(c, LC_KIND, y, alert_kind_name(a->kind), attr);
	snprintf(buf, sizeof buf, "%s%s%s", a->run, *a->run != '\0' &&
	    *a->agent != '\0' ? " " : "", a->agent);
	tui_util_cols_put(c, LC_ON, y, *buf != '\0' ? buf : "-", attr);
	tui_util_cols_put(c, LC_RAISED, y, tui_util_fmt_clock(buf, sizeof buf,
	    a->raised, 0), attr);
	tui_util_cols_put(c, LC_CLEARED, y, a->cleared != 0 ?
	    tui_util_fmt_clock(buf, sizeof buf, a->cleared, 0) : "-", attr);
	tui_util_cols_put(c, LC_TEXT, y, a->text, attr);
	if (pat != NULL && (flags & LIST_MATCH) && c[LC_TEXT].x >= 0)
		tui_util_put_hl(y, c[LC_TEXT].x, c[LC_TEXT].cw, a->text, attr, pat,
		    tui_attr(COL_MATCH));
}

static const struct tui_list_ops alertsv_ops = {
	alertsv_count, alertsv_rowkey, alertsv_find, alertsv_draw_row,
	alertsv_match
};

static void *
alertsv_create(struct tui *t, const void *arg)
{
	struct alertsview	*av = xcalloc(1, sizeof *av);

	av->t = t;
	tui_list_init(&av->list, &alertsv_ops, av, 0, 0);
	return (av);
}

static void
alertsv_destroy(struct tui *t, void *arg)
{
	struct alertsview	*av = arg;

	free(av->rows);
	free(av);
}

static void
alertsv_draw(struct tui *t, void *arg, int y, int h)
{
	struct alertsview	*av = arg;
	struct tui_col		 c[LC_COUNT];

	if (h < 2)
		return;
	alertsv_layout(c, t->cols);
	tui_util_cols_header(c, LC_COUNT, y, t->cols,
	    tui_attr(COL_HEADER) | A_REVERSE);
	tui_list_draw(&av->list, y + 1, h - 1, t->cols);
	if (av->nrows == 0 && h > 3)
		tui_util_put(y + 2, 2, t->cols - 4, "no alert raised yet",
		    tui_attr(COL_HINT));
}

static void
alertsv_search_done(struct tui *t, void *arg, const char *text)
{
	struct alertsview	*av = arg;

	strlcpy(av->list.search, text != NULL ? text : "",
	    sizeof av->list.search);
	if (text != NULL && *text != '\0' && !tui_list_search(&av->list, 1, 1))
		tui_notice(t, 1, "no alert shows \"%s\"", text);
}

static void
alertsv_search_change(struct tui *t, void *arg, const char *text)
{
	struct alertsview	*av = arg;

	strlcpy(av->list.search, text, sizeof av->list.search);
}

/* Enter: the alert's run, else its agent. */
static void
alertsv_open(struct tui *t, struct alertsview *av)
{
	const struct alert	*a;
	size_t			 i;
	char			*name;

	if (alertsv_count(av) == 0 || !av->list.have_sel)
		return;
	i = alertsv_find(av, av->list.sel_key);
	a = av->rows[i];
	if (*a->run != '\0')
		tui_push(t, &view_run, a->run);
	else if (*a->agent != '\0') {
		/* The alert may go while the agents view is built. */
		name = xstrdup(a->agent);
		view_agents_select(t, name);
		free(name);
	} else
		tui_notice(t, 0, "%s concerns no run or agent",
		    alert_kind_name(a->kind));
}

static int
alertsv_key(struct tui *t, void *arg, int key)
{
	struct alertsview	*av = arg;

	switch (key) {
	case '/':
		tui_prompt_start(t, "/", "", alertsv_search_change,
		    alertsv_search_done, av);
		return (V_HANDLED | V_REDRAW);
	case TK_ENTER:
	case '\n':
	case TK(KEY_ENTER):
		alertsv_open(t, av);
		return (V_HANDLED | V_REDRAW);
	}
	return (tui_list_key(&av->list, key));
}

static void
alertsv_info(struct tui *t, void *arg, char *buf, size_t size)
{
	struct alerts	*as = t->alerts;

	snprintf(buf, size, "%zu active, %zu cleared%s", alert_nactive(as),
	    alert_ncleared(as), alert_suppressed(as) > 0 ?
	    " (some held back: too many active)" : "");
}

const struct view view_alerts = {
	.name = "Alerts",
	.hints = "Enter run/agent  / search  b bell  ? help",
	.create = alertsv_create,
	.destroy = alertsv_destroy,
	.draw = alertsv_draw,
	.key = alertsv_key,
	.info = alertsv_info
};
