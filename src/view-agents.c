/*
 * view-agents.c: every agent seen in the stream (messages, last seen,
 * types) merged with the monitor's registry (GET /api/systemagents/,
 * polled only while this view is shown): status, operational state,
 * heartbeat age, host. Our own registration is marked.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert.h"
#include "cfg.h"
#include "client.h"
#include "filter.h"
#include "msg.h"
#include "run.h"
#include "text.h"
#include "tui-int.h"
#include "xmalloc.h"


enum {
	AC_MARK, AC_NAME, AC_MSGS, AC_LAST, AC_TYPES, AC_STATUS, AC_STATE,
	AC_HB, AC_HOST, AC_KIND, AC_COUNT
};

struct arow {
	const char		*name;
	struct agent		*a;	/* NULL if only in the registry */
	const struct reg_entry	*r;	/* NULL if not in the registry */
	uint64_t		 key;
	int64_t			 seen;	/* latest of both, for sorting */
};

struct agentsview {
	struct tui	*t;
	struct tui_list	 list;
	struct arow	*rows;
	size_t		 nrows, cap;
	int		 sort;		/* AC_*: the column sorted by */
	struct tui_col	 cols[AC_COUNT]; /* this frame's layout */
	int		 cols_w;	/* its width; -1: none yet */
};

/* The column being sorted by, for agents_cmp (qsort has no argument). */
static int	agents_sort_col;

/* Show the Agents view with this agent selected (if listed). */
void
view_agents_select(struct tui *t, const char *name)
{
	struct agentsview	*av;

	tui_show_top(t, TOP_AGENTS);
	av = t->tops[TOP_AGENTS].state;
	av->list.sel_key = tui_util_hash(0, name);
	av->list.have_sel = 1;
	tui_list_set_follow(&av->list, 0);
	tui_dirty(t);
}

#define AGENTS_DESC(a, b)	((a) == (b) ? 0 : (a) > (b) ? -1 : 1)

/* A registry field, "" if the agent is not in the registry. */
#define AGENTS_REG(x, f)	((x)->r != NULL ? (x)->r->f : "")

/*
 * By the chosen column: names ascending, counts and times descending
 * (the latest first), those with nothing to show last; ties by name.
 */
static int
agents_cmp(const void *a, const void *b)
{
	const struct arow	*x = a, *y = b;
	int			 c = 0;

	switch (agents_sort_col) {
	case AC_MSGS:
		c = AGENTS_DESC(x->a != NULL ? x->a->count : 0,
		    y->a != NULL ? y->a->count : 0);
		break;
	case AC_LAST:
		c = AGENTS_DESC(x->seen, y->seen);
		break;
	case AC_TYPES:
		c = AGENTS_DESC(x->a != NULL ? x->a->types.len : 0,
		    y->a != NULL ? y->a->types.len : 0);
		break;
	case AC_STATUS:
		c = strcmp(AGENTS_REG(x, status), AGENTS_REG(y, status));
		break;
	case AC_STATE:
		c = strcmp(AGENTS_REG(x, opstate), AGENTS_REG(y, opstate));
		break;
	case AC_HB:
		c = AGENTS_DESC(x->r != NULL ? x->r->heartbeat : 0,
		    y->r != NULL ? y->r->heartbeat : 0);
		break;
	case AC_HOST:
		c = strcmp(AGENTS_REG(x, host), AGENTS_REG(y, host));
		break;
	case AC_KIND:
		c = strcmp(AGENTS_REG(x, type), AGENTS_REG(y, type));
		break;
	}
	return (c != 0 ? c : strcmp(x->name, y->name));
}

static void
agents_add_row(struct agentsview *av, const char *name, struct agent *a,
    const struct reg_entry *r)
{
	struct arow	*w;

	av->rows = xgrow(av->rows, &av->cap, av->nrows + 1, 64,
	    sizeof *av->rows);
	w = &av->rows[av->nrows++];
	w->name = name;
	w->a = a;
	w->r = r;
	w->key = tui_util_hash(0, name);
	w->seen = a != NULL ? a->last_us : 0;
	if (r != NULL && r->heartbeat > w->seen)
		w->seen = r->heartbeat;
}

/* Merge the stream's agents and the registry, both sorted by name. */
static size_t
agents_count(void *arg)
{
	struct agentsview	*av = arg;
	struct tui		*t = av->t;
	struct agent		*a;
	const struct reg_entry	*reg;
	size_t			 i = 0, nreg;
	int			 c;

	reg = client_registry(t->client, &nreg, NULL, NULL);
	av->nrows = 0;
	a = RB_MIN(run_agent_tree, &t->runs->agents);
	while (a != NULL || i < nreg) {
		if (a == NULL)
			c = 1;
		else if (i == nreg)
			c = -1;
		else
			c = strcmp(a->name, reg[i].name);
		if (c < 0) {
			agents_add_row(av, a->name, a, NULL);
			a = RB_NEXT(run_agent_tree, &t->runs->agents, a);
		} else if (c > 0) {
			agents_add_row(av, reg[i].name, NULL, &reg[i]);
			i++;
		} else {
			agents_add_row(av, a->name, a, &reg[i]);
			a = RB_NEXT(run_agent_tree, &t->runs->agents, a);
			i++;
		}
	}
	if (av->sort != AC_NAME && av->nrows > 1) {	/* rows NULL if empty */
		agents_sort_col = av->sort;
		qsort(av->rows, av->nrows, sizeof *av->rows, agents_cmp);
	}
	return (av->nrows);
}

static uint64_t
agents_key(void *arg, size_t i)
{
	struct agentsview	*av = arg;

	return (av->rows[i].key);
}

static size_t
agents_find(void *arg, uint64_t key)
{
	struct agentsview	*av = arg;
	size_t			 i;

	for (i = 0; i < av->nrows; i++) {
		if (av->rows[i].key == key)
			return (i);
	}
	return (0);
}

static int
agents_match(void *arg, size_t i, const char *pat)
{
	struct agentsview	*av = arg;
	const struct arow	*w = &av->rows[i];

	size_t			 k;

	/* Every text column: name, types, status, state, host, kind. */
	if (tui_util_strcasestr(w->name, pat) != NULL)
		return (1);
	for (k = 0; w->a != NULL && k < w->a->types.len; k++) {
		if (tui_util_strcasestr(w->a->types.v[k].name, pat) != NULL)
			return (1);
	}
	return (w->r != NULL && (tui_util_strcasestr(w->r->host, pat) != NULL ||
	    tui_util_strcasestr(w->r->status, pat) != NULL ||
	    tui_util_strcasestr(w->r->opstate, pat) != NULL ||
	    tui_util_strcasestr(w->r->type, pat) != NULL));
}

/*
 * Columns; the name column fits the longest name within reason: at 80
 * columns a whole "<type>-agent-<user>-<n>" name of 30 characters, the
 * types column giving way first.
 */
static void
agents_layout(struct agentsview *av, struct tui_col *c, int w)
{
	size_t	i, nw, maxw = 12, cap = w >= 120 ? 40 : w >= 80 ? 30 : 22;

	for (i = 0; i < av->nrows; i++) {
		if ((nw = text_width(av->rows[i].name)) > maxw)
			maxw = nw;
	}
	if (maxw > cap)
		maxw = cap;
	c[AC_MARK] = (struct tui_col){ .title = "", .w = 1 };
	c[AC_NAME] = (struct tui_col){ .title = "AGENT", .w = (int)maxw,
	    .mid = 1 };
	c[AC_MSGS] = (struct tui_col){ .title = "MSGS", .w = 7, .right = 1 };
	c[AC_LAST] = (struct tui_col){ .title = "LAST", .w = 6, .right = 1 };
	c[AC_TYPES] = (struct tui_col){ .title = "TYPES", .w = 5, .drop = 1,
	    .flex = 1 };
	c[AC_STATUS] = (struct tui_col){ .title = "STATUS", .w = 8 };
	c[AC_STATE] = (struct tui_col){ .title = "OP STATE", .w = 10 };
	c[AC_HB] = (struct tui_col){ .title = "HB AGE", .w = 6, .right = 1 };
	c[AC_HOST] = (struct tui_col){ .title = "HOST", .w = 16, .drop = 2,
	    .mid = 1 };
	c[AC_KIND] = (struct tui_col){ .title = "AGENT TYPE", .w = 14,
	    .drop = 3 };
	tui_util_cols_layout(c, AC_COUNT, w);
}

static enum tui_colour
agents_status_colour(const char *s)
{
	if (strcmp(s, "OK") == 0)
		return (COL_DATA);
	if (strcmp(s, "WARNING") == 0)
		return (COL_NOTICE);
	/* An agent that has exited is news, not background. */
	if (strcmp(s, "ERROR") == 0 || strcmp(s, "EXITED") == 0)
		return (COL_ERROR);
	return (COL_HINT);
}

static void
agents_draw_row(void *arg, size_t i, int y, int w, int flags,
    const char *pat)
{
	struct agentsview	*av = arg;
	const struct arow	*ar = &av->rows[i];
	const char		*own = av->t->cfg->name;
	struct tui_col		*c = av->cols;
	char			 buf[1024];
	size_t			 k, len;
	int64_t			 now = loop_now_wall_us();
	unsigned		 a;
	int			 mine;

	a = (flags & LIST_SEL) ? tui_attr(COL_SELECT) :
	    alert_on_agent(av->t->alerts, ar->name) ? tui_attr(COL_ERROR) :
	    A_NORMAL;
	mine = own != NULL && strcmp(ar->name, own) == 0;
	/* Laid out once a frame (agentsview_draw), not once a row: the
	 * layout measures every name. */
	if (av->cols_w != w) {
		agents_layout(av, av->cols, w);
		av->cols_w = w;
	}
	tui_util_fill(y, 0, w, a);
	tui_util_cols_put(c, AC_MARK, y, mine ? "*" : "", a |
	    tui_attr(COL_MARK));
	tui_util_cols_put(c, AC_NAME, y, ar->name, mine && !(flags & LIST_SEL) ?
	    tui_attr(COL_MARK) : a | A_BOLD);
	if (ar->a != NULL) {
		tui_util_cols_put(c, AC_MSGS, y, tui_util_fmt_count(buf, sizeof buf,
		    ar->a->count), a);
		tui_util_cols_put(c, AC_LAST, y, tui_util_fmt_dur(buf, sizeof buf,
		    (now - ar->a->last_us) / 1000000 * 1000000), a);
		buf[0] = '\0';
		for (k = 0, len = 0; k < ar->a->types.len &&
		    len < sizeof buf; k++)
			len += snprintf(buf + len, sizeof buf - len, "%s%s",
			    k > 0 ? "," : "", ar->a->types.v[k].name);
		tui_util_cols_put(c, AC_TYPES, y, buf, a);
	} else {
		tui_util_cols_put(c, AC_MSGS, y, "-", a);
		tui_util_cols_put(c, AC_LAST, y, "-", a);
		tui_util_cols_put(c, AC_TYPES, y, mine ? "(this dashboard)" :
		    "(no message seen)", (flags & LIST_SEL) ? a :
		    tui_attr(COL_HINT));
	}
	if (ar->r != NULL) {
		tui_util_cols_put(c, AC_STATUS, y, ar->r->status, (flags &
		    LIST_SEL) ? a : tui_attr(agents_status_colour(
		    ar->r->status)));
		tui_util_cols_put(c, AC_STATE, y, ar->r->opstate, a);
		tui_util_cols_put(c, AC_HB, y, ar->r->heartbeat > 0 ?
		    tui_util_fmt_dur(buf, sizeof buf, (now - ar->r->heartbeat) /
		    1000000 * 1000000) : "-", a);
		tui_util_cols_put(c, AC_HOST, y, ar->r->host, a);
		tui_util_cols_put(c, AC_KIND, y, ar->r->type, a);
	} else {
		tui_util_cols_put(c, AC_STATUS, y, "-", a);
		tui_util_cols_put(c, AC_STATE, y, "-", a);
		tui_util_cols_put(c, AC_HB, y, "-", a);
	}
	if (pat != NULL && (flags & LIST_MATCH)) {
		tui_util_fit_mid(buf, sizeof buf, ar->name, c[AC_NAME].cw);
		tui_util_put_hl(y, c[AC_NAME].x, c[AC_NAME].cw, buf, a | A_BOLD,
		    pat, tui_attr(COL_MATCH));
	}
}

static const struct tui_list_ops agents_ops = {
	agents_count, agents_key, agents_find, agents_draw_row, agents_match
};

static void *
agentsview_create(struct tui *t, const void *arg)
{
	struct agentsview	*av = xcalloc(1, sizeof *av);

	av->t = t;
	av->sort = AC_NAME;
	tui_list_init(&av->list, &agents_ops, av, 0, 0);
	return (av);
}

static void
agentsview_destroy(struct tui *t, void *arg)
{
	struct agentsview	*av = arg;

	free(av->rows);
	free(av);
}


static void
agentsview_draw(struct tui *t, void *arg, int y, int h)
{
	struct agentsview	*av = arg;
	struct tui_col		 c[AC_COUNT];

	if (h < 2)
		return;
	/* Rebuild the rows first: agents evicted since the last frame are
	 * freed, and the layout reads every row's name. */
	agents_count(av);
	agents_layout(av, c, t->cols);
	memcpy(av->cols, c, sizeof av->cols);
	av->cols_w = t->cols;
	tui_util_cols_header(c, AC_COUNT, y, t->cols,
	    tui_attr(COL_HEADER) | A_REVERSE);
	tui_list_draw(&av->list, y + 1, h - 1, t->cols);
	if (av->nrows == 0 && h > 3)
		tui_util_put(y + 2, 2, t->cols - 4, "no agent seen yet",
		    tui_attr(COL_HINT));
}

static void
agentsview_search_change(struct tui *t, void *arg, const char *text)
{
	struct agentsview	*av = arg;

	strlcpy(av->list.search, text, sizeof av->list.search);
}

static void
agentsview_search_done(struct tui *t, void *arg, const char *text)
{
	struct agentsview	*av = arg;

	strlcpy(av->list.search, text != NULL ? text : "",
	    sizeof av->list.search);
	if (text != NULL && *text != '\0' && !tui_list_search(&av->list, 1, 1))
		tui_notice(t, 1, "no agent shows \"%s\"", text);
}

/* The sort's name: "name", "last seen" or the column's title. */
static const char *
agents_sort_title(struct agentsview *av)
{
	struct tui_col	c[AC_COUNT];

	if (av->sort == AC_NAME)
		return ("name");
	if (av->sort == AC_LAST)
		return ("last seen");
	agents_layout(av, c, av->t->cols);
	return (c[av->sort].title);	/* static strings */
}

/* < and >: the previous or next column shown. */
static void
agents_sort_move(struct agentsview *av, int dir)
{
	struct tui_col	c[AC_COUNT];
	int		i, col = av->sort;

	agents_layout(av, c, av->t->cols);
	for (i = 0; i < AC_COUNT; i++) {
		col = (col + dir + AC_COUNT) % AC_COUNT;
		if (col != AC_MARK && c[col].x >= 0)
			break;
	}
	av->sort = col;
}

static int
agentsview_key(struct tui *t, void *arg, int key)
{
	struct agentsview	*av = arg;
	long			 i;

	switch (key) {
	case 's':
		av->sort = av->sort == AC_NAME ? AC_LAST : AC_NAME;
		tui_notice(t, 0, "agents sorted by %s",
		    agents_sort_title(av));
		return (V_HANDLED | V_REDRAW);
	case '<':
	case '>':
		agents_sort_move(av, key == '<' ? -1 : 1);
		tui_notice(t, 0, "agents sorted by %s",
		    agents_sort_title(av));
		return (V_HANDLED | V_REDRAW);
	case '/':
		tui_prompt_start(t, "/", "", agentsview_search_change,
		    agentsview_search_done, av);
		return (V_HANDLED | V_REDRAW);
	case TK(KEY_F(5)):
	case TK_CTRL('r'):
		/* Read the registry now: the poll starts over. */
		if (t->client == NULL)
			return (V_HANDLED);
		client_poll_registry(t->client, 0);
		client_poll_registry(t->client, 1);
		tui_notice(t, 0, "reading the registry now");
		return (V_HANDLED | V_REDRAW);
	case TK_ENTER:
	case '\n':
	case TK(KEY_ENTER):
		/* The agent's sub-view: its messages; q or Esc comes back. */
		if ((i = tui_list_selected(&av->list)) < 0)
			return (V_HANDLED);
		tui_push(t, &view_agent, av->rows[i].name);
		return (V_HANDLED | V_REDRAW);
	}
	return (tui_list_key(&av->list, key));
}

static void
agentsview_info(struct tui *t, void *arg, char *buf, size_t size)
{
	const char	*why;
	int64_t		 at;
	struct agentsview	*av = arg;
	size_t		 nreg, len;
	char		 age[32], search[320];

	client_registry(t->client, &nreg, &why, &at);
	if (why[0] != '\0')
		snprintf(buf, size, "%zu agents seen; registry: %s",
		    t->runs->nagents, why);
	else if (at == 0)
		snprintf(buf, size, "%zu agents seen; registry: asking",
		    t->runs->nagents);
	else
		snprintf(buf, size, "%zu agents seen; registry: %zu, "
		    "fetched %s ago (every %.0fs; F5 now)", t->runs->nagents,
		    nreg, tui_util_fmt_dur(age, sizeof age, (loop_now_wall_us() - at) /
		    1000000 * 1000000), t->cfg->registry_interval);
	len = strlen(buf);
	if (len < size)
		snprintf(buf + len, size - len, "; by %s",
		    agents_sort_title(av));
	tui_list_info(&av->list, search, sizeof search);
	len = strlen(buf);
	if (search[0] != '\0' && len < size)
		snprintf(buf + len, size - len, "  %s", search);
}

const struct view view_agents = {
	.name = "Agents",
	.hints = "Enter its view  s sort  / search  F5 registry now  "
	    "* this dashboard  ? help",
	.create = agentsview_create,
	.destroy = agentsview_destroy,
	.draw = agentsview_draw,
	.key = agentsview_key,
	.info = agentsview_info
};
