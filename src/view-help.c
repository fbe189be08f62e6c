/* view-help.c: the key reference, from the table in tui-keys.c. */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "tui-int.h"
#include "xmalloc.h"

#define HELP_KEYS_W	28	/* the widest keys, and two spaces */

struct help {
	int		top;
	int		h;
	int		lines;
};

static void *
help_create(struct tui *t, const void *arg)
{
	return (xcalloc(1, sizeof (struct help)));
}

static void
help_destroy(struct tui *t, void *arg)
{
	free(arg);
}

static void
help_draw(struct tui *t, void *arg, int y, int h)
{
	struct help			*hp = arg;
	const struct tui_keyhelp	*k;
	const char			*s;
	size_t				 n, skip;
	int				 line = 0, r, kw = HELP_KEYS_W, dw;
	char				 buf[512];

	hp->h = h;
	dw = t->cols - 2 - kw;
	for (k = tui_keys_help; k->keys != NULL; k++) {
		if (k->section != NULL) {
			if (line > 0)
				line++;
			r = line - hp->top;
			if (r >= 0 && r < h)
				tui_util_put(y + r, 0, t->cols, k->section,
				    tui_attr(COL_HEADER));
			line++;
		}
		r = line - hp->top;
		if (r >= 0 && r < h)
			tui_util_put(y + r, 2, kw, k->keys, A_BOLD);
		/* The description, wrapped under itself. */
		for (s = k->what; *s != '\0'; s += n + skip) {
			n = tui_util_wrap_next(s, dw, &skip);
			snprintf(buf, sizeof buf, "%.*s", (int)n, s);
			r = line - hp->top;
			if (r >= 0 && r < h)
				tui_util_put(y + r, 2 + kw, dw, buf, A_NORMAL);
			line++;
			if (n + skip == 0)
				break;
		}
	}
	hp->lines = line;
}

static int
help_key(struct tui *t, void *arg, int key)
{
	struct help	*hp = arg;
	int		 last = hp->lines > hp->h ? hp->lines - hp->h : 0;

	switch (key) {
	case 'j':
	case TK(KEY_DOWN):
		hp->top++;
		break;
	case 'k':
	case TK(KEY_UP):
		hp->top--;
		break;
	case ' ':
	case TK(KEY_NPAGE):
		hp->top += hp->h - 1;
		break;
	case 'b':
	case TK(KEY_PPAGE):
		hp->top -= hp->h - 1;
		break;
	case 'g':
	case TK(KEY_HOME):
		hp->top = 0;
		break;
	case 'G':
	case TK(KEY_END):
		hp->top = last;
		break;
	case '?':
		return (V_HANDLED);
	default:
		return (0);
	}
	if (hp->top > last)
		hp->top = last;
	if (hp->top < 0)
		hp->top = 0;
	return (V_HANDLED | V_REDRAW);
}

static void
help_info(struct tui *t, void *arg, char *buf, size_t size)
{
	snprintf(buf, size, "swf-dash " PACKAGE_VERSION " keys");
}

const struct view view_help = {
	.name = "Help",
	.hints = "j/k scroll  q back",
	.create = help_create,
	.destroy = help_destroy,
	.draw = help_draw,
	.key = help_key,
	.info = help_info
};
