/*
 * tui-list.c: the one list engine of the dashboard, shared by every list
 * view (as tmux's mode-tree): scrolling, the selection, follow mode and
 * search. Rows are reached through the owner's ops; the selection and the
 * top row are remembered by stable keys (sequence numbers, serials), so
 * rows arriving or being evicted never move what the user looks at.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui-int.h"

void
tui_list_init(struct tui_list *l, const struct tui_list_ops *ops, void *arg,
    int can_follow, int stable_top)
{
	memset(l, 0, sizeof *l);
	l->ops = ops;
	l->arg = arg;
	l->can_follow = can_follow;
	l->follow = can_follow;
	l->stable_top = stable_top;
	l->h = 1;
}

/* Keep top so that sel is visible and the window is full if it can be. */
static void
tui_list_clamp(struct tui_list *l)
{
	size_t	h = l->h > 0 ? (size_t)l->h : 1;

	if (l->n == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + h)
		l->top = l->sel - h + 1;
	if (l->top + h > l->n)
		l->top = l->n > h ? l->n - h : 0;
	l->sel_key = l->ops->key(l->arg, l->sel);
	l->top_key = l->ops->key(l->arg, l->top);
	l->have_sel = 1;
}

/* Recompute the row count and the selection's row from the keys. */
void
tui_list_sync(struct tui_list *l)
{
	l->n = l->ops->count(l->arg);
	if (l->n == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->follow || !l->have_sel) {
		l->sel = l->can_follow ? l->n - 1 : 0;
		l->top = l->sel;
	} else {
		l->sel = l->ops->find(l->arg, l->sel_key);
		if (l->stable_top)
			l->top = l->ops->find(l->arg, l->top_key);
	}
	tui_list_clamp(l);
}

/* The list on screen, for the mouse (reset whenever views change). */
static struct tui_list	*tui_list_shown;

void
tui_list_forget(void)
{
	tui_list_shown = NULL;
}

struct tui_list *
tui_list_at(int y, size_t *row)
{
	struct tui_list	*l = tui_list_shown;

	if (l == NULL || y < l->y || y >= l->y + l->h ||
	    l->top + (size_t)(y - l->y) >= l->n)
		return (NULL);
	*row = l->top + (size_t)(y - l->y);
	return (l);
}

void
tui_list_draw(struct tui_list *l, int y, int h, int w)
{
	const char	*pat = l->search[0] != '\0' ? l->search : NULL;
	size_t		 i;
	int		 r, flags;

	l->h = h > 0 ? h : 1;
	l->y = y;
	tui_list_shown = l;
	tui_list_sync(l);
	for (r = 0; r < h; r++) {
		i = l->top + r;
		if (i >= l->n) {
			tui_util_fill(y + r, 0, w, tui_attr(COL_NORMAL));
			continue;
		}
		flags = i == l->sel ? LIST_SEL : 0;
		if (pat != NULL && l->ops->match != NULL &&
		    l->ops->match(l->arg, i, pat))
			flags |= LIST_MATCH;
		l->ops->draw(l->arg, i, y + r, w, flags, pat);
	}
}

void
tui_list_set_follow(struct tui_list *l, int on)
{
	if (!l->can_follow)
		return;
	if (on && !l->follow)
		l->newcount = 0;
	if (!on && l->follow)
		l->newcount = 0;
	l->follow = on;
}

void
tui_list_select(struct tui_list *l, size_t row)
{
	if (l->n == 0)
		return;
	l->sel = row < l->n ? row : l->n - 1;
	tui_list_clamp(l);
}

/* Move the selection by d rows; up pauses follow, the last row resumes. */
static void
tui_list_move(struct tui_list *l, long d)
{
	long	row;

	if (l->n == 0)
		return;
	row = (long)l->sel + d;
	if (row < 0)
		row = 0;
	if (row >= (long)l->n)
		row = l->n - 1;
	tui_list_set_follow(l, d > 0 && row == (long)l->n - 1);
	tui_list_select(l, row);
}

long
tui_list_selected(struct tui_list *l)
{
	tui_list_sync(l);
	return (l->n == 0 ? -1 : (long)l->sel);
}

void
tui_list_appended(struct tui_list *l, uint64_t n)
{
	if (l->can_follow && !l->follow)
		l->newcount += n;
}

/* How many rows match, and which of them the selection is (from 1). */
static void
tui_list_count_matches(struct tui_list *l)
{
	size_t	i;

	l->m_at = l->m_total = 0;
	for (i = 0; i < l->n; i++) {
		if (!l->ops->match(l->arg, i, l->search))
			continue;
		l->m_total++;
		if (i == l->sel)
			l->m_at = l->m_total;
	}
}

int
tui_list_search(struct tui_list *l, int dir, int include)
{
	size_t	i, row;

	tui_list_sync(l);
	l->wrapped = NULL;
	l->m_at = l->m_total = 0;
	if (l->search[0] == '\0' || l->ops->match == NULL || l->n == 0)
		return (0);
	row = l->sel;
	for (i = include ? 0 : 1; i <= l->n; i++) {
		if (dir > 0)
			row = (l->sel + i) % l->n;
		else
			row = (l->sel + l->n - i % l->n) % l->n;
		if (l->ops->match(l->arg, row, l->search)) {
			if (dir > 0 && row < l->sel)
				l->wrapped = "search hit BOTTOM, continuing "
				    "at TOP";
			else if (dir < 0 && row > l->sel)
				l->wrapped = "search hit TOP, continuing at "
				    "BOTTOM";
			tui_list_set_follow(l, 0);
			tui_list_select(l, row);
			tui_list_count_matches(l);
			return (1);
		}
	}
	l->wrapped = "no match";
	return (0);
}

int
tui_list_key(struct tui_list *l, int key)
{
	long	page = l->h > 1 ? l->h - 1 : 1;

	tui_list_sync(l);
	l->wrapped = NULL;
	switch (key) {
	case 'j':
	case TK(KEY_DOWN):
		tui_list_move(l, 1);
		break;
	case 'k':
	case TK(KEY_UP):
		tui_list_move(l, -1);
		break;
	case TK(KEY_NPAGE):
	case TK_CTRL('f'):
		tui_list_move(l, page);
		break;
	case TK(KEY_PPAGE):
	case TK_CTRL('b'):
		tui_list_move(l, -page);
		break;
	case TK_CTRL('d'):
		tui_list_move(l, page / 2 > 0 ? page / 2 : 1);
		break;
	case TK_CTRL('u'):
		tui_list_move(l, -(page / 2 > 0 ? page / 2 : 1));
		break;
	case 'g':
	case TK(KEY_HOME):
		tui_list_set_follow(l, 0);
		tui_list_select(l, 0);
		break;
	case 'G':
	case TK(KEY_END):
		if (l->n > 0)
			tui_list_select(l, l->n - 1);
		tui_list_set_follow(l, 1);
		break;
	case 'f':
		if (!l->can_follow)
			return (0);
		tui_list_set_follow(l, !l->follow);
		break;
	case 'n':
	case 'N':
		if (l->search[0] == '\0')
			return (0);
		tui_list_search(l, key == 'n' ? 1 : -1, 0);
		break;
	default:
		return (0);
	}
	return (V_HANDLED | V_REDRAW);
}

/* Follow state and search for the hint line. */
void
tui_list_info(struct tui_list *l, char *buf, size_t size)
{
	char	search[300];

	search[0] = '\0';
	if (l->search[0] != '\0' && l->m_total > 0)
		snprintf(search, sizeof search, "  /%s %zu/%zu%s%s", l->search,
		    l->m_at, l->m_total, l->wrapped != NULL ? "  " : "",
		    l->wrapped != NULL ? l->wrapped : "");
	else if (l->search[0] != '\0')
		snprintf(search, sizeof search, "  /%s%s%s", l->search,
		    l->wrapped != NULL ? "  " : "",
		    l->wrapped != NULL ? l->wrapped : "");
	if (!l->can_follow)
		snprintf(buf, size, "%s", search + (search[0] ? 2 : 0));
	else if (l->follow)
		snprintf(buf, size, "FOLLOW%s", search);
	else
		snprintf(buf, size, "PAUSED %llu new (G follows)%s",
		    (unsigned long long)l->newcount, search);
}
