/*
 * view-messages.c: the retained messages, newest at the bottom, through
 * the view filter. The list of rows is the store itself when no filter
 * applies, else an index of sequence numbers built once when the filter
 * changes and appended on ingest, so no frame scans the store. The same
 * message list (struct msglist) shows one run's messages in the run view.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "msg.h"
#include "store.h"
#include "text.h"
#include "tui-int.h"
#include "xmalloc.h"

enum { MC_TIME, MC_TYPE, MC_AGENT, MC_RUN, MC_NS, MC_TEXT, MC_COUNT };

static int
msglist_match(struct msglist *ml, const struct msg *m)
{
	/* Marker rows show whatever the filter; in a run's list, its own. */
	if (m->family == FAM_MARKER)
		return (ml->run == NULL || *msg_get(m, MF_RUN) == '\0' ||
		    strcmp(msg_get(m, MF_RUN), ml->run) == 0);
	if (ml->run != NULL && strcmp(msg_get(m, MF_RUN), ml->run) != 0)
		return (0);
	if (ml->only != NULL && !filter_match(ml->only, m))
		return (0);
	return (filter_match(ml->t->vf, m));
}

int
view_messages_wants(struct msglist *ml, const struct msg *m)
{
	return (m->family != FAM_MARKER && msglist_match(ml, m));
}

static size_t
msglist_count(void *arg)
{
	struct msglist	*ml = arg;

	if (!ml->indexed)
		return (store_count(ml->t->store));
	store_seqidx_trim(&ml->idx, store_first(ml->t->store));
	return (seqidx_len(&ml->idx));
}

static uint64_t
msglist_rowkey(void *arg, size_t i)
{
	struct msglist	*ml = arg;

	if (!ml->indexed)
		return (store_first(ml->t->store) + i);
	return (seqidx_at(&ml->idx, i));
}

static size_t
msglist_find(void *arg, uint64_t seq)
{
	struct msglist	*ml = arg;
	uint64_t	 first = store_first(ml->t->store);

	if (ml->indexed)
		return (store_seqidx_lower(&ml->idx, seq));
	return (seq < first ? 0 : seq - first);
}

static const struct msg *
msglist_row(struct msglist *ml, size_t i)
{
	return (store_get(ml->t->store, msglist_rowkey(ml, i)));
}

/* Whether a message shows pat in one of its columns. */
static int
msglist_has(const struct msg *m, const char *pat)
{
	static const enum msg_field fields[] = {
		MF_TYPE, MF_AGENT, MF_RUN, MF_NAMESPACE, MF_FILE, MF_TEXT
	};
	size_t	i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (tui_util_strcasestr(msg_get(m, fields[i]), pat) != NULL)
			return (1);
	}
	return (0);
}

static int
msglist_match_row(void *arg, size_t i, const char *pat)
{
	const struct msg	*m = msglist_row(arg, i);

	return (m != NULL && msglist_has(m, pat));
}

/* Column widths for a screen width. */
static void
msglist_layout(struct tui_col *c, int w)
{
	c[MC_TIME] = (struct tui_col){ .title = "TIME",
	    .w = w >= 120 ? 12 : 8 };
	c[MC_TYPE] = (struct tui_col){ .title = "TYPE", .w = 19 };
	c[MC_AGENT] = (struct tui_col){ .title = "AGENT",
	    .w = w >= 120 ? 26 : w >= 100 ? 20 : 14, .mid = 1 };
	c[MC_RUN] = (struct tui_col){ .title = "RUN", .w = w >= 100 ? 10 : 8,
	    .mid = 1 };
	c[MC_NS] = (struct tui_col){ .title = "NAMESPACE",
	    .w = w >= 120 ? 14 : 9, .drop = 1, .mid = 1 };
	c[MC_TEXT] = (struct tui_col){ .title = "FILE / TEXT", .w = 10,
	    .flex = 1 };
	tui_util_cols_layout(c, MC_COUNT, w);
}

/* A marker row: its time, then its text across the row. */
static void
msglist_draw_marker(const struct msg *m, const char *tm,
    const struct tui_col *c, int y, int w, int flags, const char *pat)
{
	unsigned	a = (flags & LIST_SEL) ? tui_attr(COL_SELECT) :
		    tui_attr(COL_NOTICE);
	char		line[1200];
	int		x = c[MC_TYPE].x;

	if (c[MC_TIME].x >= 0)
		tui_util_put(y, c[MC_TIME].x, c[MC_TIME].cw, tm, a);
	if (x < 0 || x >= w)
		return;
	snprintf(line, sizeof line, "\xe2\x94\x80\xe2\x94\x80 %s "
	    "\xe2\x94\x80\xe2\x94\x80", msg_get(m, MF_TEXT));
	tui_util_put_hl(y, x, w - x, line, a | A_BOLD, pat, tui_attr(COL_MATCH));
}

static void
msglist_draw_row(void *arg, size_t i, int y, int w, int flags,
    const char *pat)
{
	struct msglist		*ml = arg;
	const struct msg	*m = msglist_row(ml, i);
	struct tui_col		 c[MC_COUNT];
	const char		*file, *text;
	char			 tm[32], ft[1024], mid[512];
	unsigned		 base, hl, k;
	int			 n = 0;

	msglist_layout(c, w);
	base = (flags & LIST_SEL) ? tui_attr(COL_SELECT) : A_NORMAL;
	hl = tui_attr(COL_MATCH);
	tui_util_fill(y, 0, w, base);
	if (m == NULL)
		return;
	tui_util_fmt_clock(tm, sizeof tm, m->recv_us, c[MC_TIME].cw >= 12);
	if (m->family == FAM_MARKER) {
		msglist_draw_marker(m, tm, c, y, w, flags, pat);
		return;
	}
	file = msg_get(m, MF_FILE);
	text = msg_get(m, MF_TEXT);
	if (*file != '\0' && *text != '\0')
		snprintf(ft, sizeof ft, "%s  %s", file, text);
	else
		snprintf(ft, sizeof ft, "%s", *file != '\0' ? file : text);
	k = (flags & LIST_SEL) ? base :
	    tui_attr(tui_family_colour(m->family));
	if (c[MC_TIME].x >= 0)
		tui_util_put(y, c[MC_TIME].x, c[MC_TIME].cw, tm, base);
	n += tui_util_put_hl(y, c[MC_TYPE].x, c[MC_TYPE].cw, msg_get(m, MF_TYPE),
	    k, pat, hl);
	tui_util_fit_mid(mid, sizeof mid, msg_get(m, MF_AGENT), c[MC_AGENT].cw);
	n += tui_util_put_hl(y, c[MC_AGENT].x, c[MC_AGENT].cw, mid, base, pat, hl);
	tui_util_fit_mid(mid, sizeof mid, msg_get(m, MF_RUN), c[MC_RUN].cw);
	n += tui_util_put_hl(y, c[MC_RUN].x, c[MC_RUN].cw, mid, base, pat, hl);
	if (c[MC_NS].x >= 0) {
		tui_util_fit_mid(mid, sizeof mid, msg_get(m, MF_NAMESPACE),
		    c[MC_NS].cw);
		n += tui_util_put_hl(y, c[MC_NS].x, c[MC_NS].cw, mid, base, pat,
		    hl);
	}
	if (c[MC_TEXT].x >= 0)
		n += tui_util_put_hl(y, c[MC_TEXT].x, c[MC_TEXT].cw, ft, base,
		    pat, hl);
	/* A match hidden by truncation still marks its row. */
	if ((flags & LIST_MATCH) && n == 0)
		tui_util_put(y, c[MC_TIME].x, c[MC_TIME].cw, tm, hl);
}

static const struct tui_list_ops msglist_ops = {
	msglist_count, msglist_rowkey, msglist_find, msglist_draw_row,
	msglist_match_row
};

/* A list of the retained messages of run (NULL: of all runs). */
void
view_messages_init(struct msglist *ml, struct tui *t, const char *run)
{
	memset(ml, 0, sizeof *ml);
	ml->t = t;
	ml->run = run != NULL ? xstrdup(run) : NULL;
	store_seqidx_init(&ml->idx);
	tui_list_init(&ml->list, &msglist_ops, ml, 1, 1);
	view_messages_rebuild(ml);
}

/* Only the messages of this agent (as the agent filter matches them). */
void
view_messages_only_agent(struct msglist *ml, const char *name)
{
	filter_free(ml->only);
	ml->only = filter_create();
	filter_add(ml->only, FK_AGENT, name);
	view_messages_rebuild(ml);
}

void
view_messages_free(struct msglist *ml)
{
	store_seqidx_free(&ml->idx);
	free(ml->run);
	ml->run = NULL;
	filter_free(ml->only);
	ml->only = NULL;
}

/* The filter changed: index the retained messages that match it. */
void
view_messages_rebuild(struct msglist *ml)
{
	struct store		*st = ml->t->store;
	const struct msg	*m;
	uint64_t		 seq;

	store_seqidx_clear(&ml->idx);
	ml->indexed = ml->run != NULL || ml->only != NULL ||
	    !filter_is_empty(ml->t->vf);
	if (!ml->indexed)
		return;
	for (seq = store_first(st); seq < store_end(st); seq++) {
		if ((m = store_get(st, seq)) != NULL && msglist_match(ml, m))
			store_seqidx_push(&ml->idx, seq);
	}
}

void
view_messages_ingest(struct msglist *ml, const struct msg *m)
{
	if (ml->indexed) {
		/* Drop what the store evicted, even while not drawn. */
		store_seqidx_trim(&ml->idx, store_first(ml->t->store));
		if (!msglist_match(ml, m))
			return;
		store_seqidx_push(&ml->idx, m->seq);
	}
	tui_list_appended(&ml->list, 1);
}

void
view_messages_draw(struct msglist *ml, int y, int h)
{
	struct tui_col	c[MC_COUNT];
	int		w = ml->t->cols;

	if (h < 2)
		return;
	msglist_layout(c, w);
	tui_util_cols_header(c, MC_COUNT, y, w, tui_attr(COL_HEADER) | A_REVERSE);
	tui_list_draw(&ml->list, y + 1, h - 1, w);
}

const struct msg *
view_messages_selected(struct msglist *ml)
{
	long	i = tui_list_selected(&ml->list);

	return (i < 0 ? NULL : msglist_row(ml, i));
}

static void
msglist_search_change(struct tui *t, void *arg, const char *text)
{
	struct msglist	*ml = arg;

	strlcpy(ml->list.search, text, sizeof ml->list.search);
}

static void
msglist_search_done(struct tui *t, void *arg, const char *text)
{
	struct msglist	*ml = arg;

	if (text == NULL) {
		ml->list.search[0] = '\0';
		return;
	}
	strlcpy(ml->list.search, text, sizeof ml->list.search);
	if (*text != '\0' && !tui_list_search(&ml->list, -1, 1))
		tui_notice(t, 1, "no retained message shows \"%s\"", text);
}

/* Keys of a message list: the list engine's, search, Enter. */
int
view_messages_key(struct msglist *ml, int key)
{
	struct tui	*t = ml->t;
	long		 i;
	uint64_t	 seq;

	switch (key) {
	case '/':
		tui_prompt_start(t, "/", "", msglist_search_change,
		    msglist_search_done, ml);
		return (V_HANDLED | V_REDRAW);
	case TK_ENTER:
	case '\n':
	case TK(KEY_ENTER):
		if ((i = tui_list_selected(&ml->list)) < 0)
			return (V_HANDLED);
		seq = msglist_rowkey(ml, i);
		tui_push(t, &view_detail, &seq);
		return (V_HANDLED | V_REDRAW);
	}
	return (tui_list_key(&ml->list, key));
}

/* The Messages view: one message list over everything retained. */
static void *
messages_create(struct tui *t, const void *arg)
{
	struct msglist	*ml = xcalloc(1, sizeof *ml);

	view_messages_init(ml, t, NULL);
	return (ml);
}

static void
messages_destroy(struct tui *t, void *arg)
{
	view_messages_free(arg);
	free(arg);
}

static void
messages_draw(struct tui *t, void *arg, int y, int h)
{
	struct msglist	*ml = arg;
	char		 buf[512], conn[300];

	view_messages_draw(ml, y, h);
	if (msglist_count(ml) == 0 && h > 4) {
		if (store_count(t->store) == 0)
			snprintf(buf, sizeof buf, "waiting for messages (%s)",
			    status_conn_words(t, conn, sizeof conn));
		else
			snprintf(buf, sizeof buf, "none of the %zu retained "
			    "messages match the view filter (x clears it)",
			    store_count(t->store));
		tui_util_put(y + 2, 2, t->cols - 4, buf, tui_attr(COL_HINT));
	}
}

static int
messages_key(struct tui *t, void *arg, int key)
{
	return (view_messages_key(arg, key));
}

static void
messages_ingest(struct tui *t, void *arg, const struct msg *m)
{
	view_messages_ingest(arg, m);
}

static void
messages_refilter(struct tui *t, void *arg)
{
	view_messages_rebuild(arg);
}

static const struct msg *
messages_selected(struct tui *t, void *arg)
{
	return (view_messages_selected(arg));
}

static void
messages_info(struct tui *t, void *arg, char *buf, size_t size)
{
	struct msglist	*ml = arg;
	size_t		 len;

	tui_list_info(&ml->list, buf, size);
	len = strlen(buf);
	if (ml->indexed && len < size)
		snprintf(buf + len, size - len, "  %zu of %zu shown",
		    msglist_count(ml), store_count(t->store));
}

static struct msglist *
messages_msglist(struct tui *t, void *arg)
{
	return (arg);
}

const struct view view_messages = {
	.name = "Messages",
	.hints = "Enter detail  / search  t/A/R/S filter  x clear  "
	    "1-5 views  ? help  q quit",
	.create = messages_create,
	.destroy = messages_destroy,
	.draw = messages_draw,
	.key = messages_key,
	.ingest = messages_ingest,
	.refilter = messages_refilter,
	.selected = messages_selected,
	.info = messages_info,
	.msglist = messages_msglist
};
