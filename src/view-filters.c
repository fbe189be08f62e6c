/*
 * view-filters.c: the filter editor. It lists the message types (the
 * protocol's vocabulary plus every type seen), the agents, the runs and
 * the namespaces seen, and edits two levels side by side:
 *   - the view filter, client side, applied at once to everything
 *     retained (and to what arrives);
 *   - the subscription, server side, edited here and applied with Enter
 *     (the client reconnects make-before-break).
 * Within a kind an empty set means no restriction. The server is asked
 * for the subscription's types; its agents, runs and namespaces the
 * client checks itself (the server's own checks drop most real messages,
 * and it has no namespace filter), also when --server-filters=all sends
 * agents and runs to the server. "/" narrows the list as you type; text that
 * matches no item offers an "add" row per kind.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "client.h"
#include "filter.h"
#include "run.h"
#include "text.h"
#include "tui-int.h"
#include "xmalloc.h"

enum { COLUMN_VIEW, COLUMN_SUB };

struct frow {
	int		 kind;		/* enum filter_kind */
	int		 hdr;		/* a section header */
	int		 add;		/* "add <narrow text>" */
	const char	*name;		/* borrowed until the next sync */
	uint64_t	 seen;		/* messages seen, 0 if none */
	uint64_t	 key;
};

struct filtersview {
	struct tui	 *t;
	struct tui_list	  list;
	struct frow	 *rows;
	size_t		  nrows, cap;
	const char	**names;	/* scratch for one kind */
	size_t		  nnames, ncap;
	char		  narrow[256];
	int		  column;
};

/* The message types of the protocol (PROTOCOL.md). */
static const char *const filters_vocabulary[] = {
	"run_imminent", "start_run", "pause_run", "resume_run", "end_run",
	"stf_gen", "stf_ready", "tf_file_registered", "sse_test",
	"processing_complete", "announcement"
};

static const char *const filters_kind_names[FK_COUNT] = {
	"TYPES", "AGENTS", "RUNS", "NAMESPACES"
};

static struct filter *
filters_pending(struct tui *t)
{
	const struct filter	*sub;

	if (t->sub_pending == NULL) {
		sub = client_subscription(t->client);
		t->sub_pending = sub != NULL ? filter_dup(sub) :
		    filter_create();
	}
	return (t->sub_pending);
}

static void
filters_name(struct filtersview *fv, const char *name)
{
	fv->names = xgrow(fv->names, &fv->ncap, fv->nnames + 1, 64,
	    sizeof *fv->names);
	fv->names[fv->nnames++] = name;
}

static int
filters_strcmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

static int
filters_runcmp(const void *a, const void *b)
{
	return (run_id_cmp(*(const char *const *)a,
	    *(const char *const *)b));
}

static void
filters_add_row(struct filtersview *fv, int kind, int hdr, int add,
    const char *name, uint64_t seen)
{
	struct frow	*r;

	fv->rows = xgrow(fv->rows, &fv->cap, fv->nrows + 1, 64,
	    sizeof *fv->rows);
	r = &fv->rows[fv->nrows++];
	r->kind = kind;
	r->hdr = hdr;
	r->add = add;
	r->name = name;
	r->seen = seen;
	r->key = tui_util_hash(kind * 3 + hdr * 2 + add, name);
}

/* Messages seen of a name of a kind. */
static uint64_t
filters_seen(struct tui *t, int kind, const char *name)
{
	struct mtype	 key, *mt;
	struct agent	*a;
	struct run	*r;

	switch (kind) {
	case FK_TYPE:
		key.name = (char *)name;
		mt = RB_FIND(run_mtype_tree, &t->runs->types, &key);
		return (mt != NULL ? mt->count : 0);
	case FK_AGENT:
		a = run_find_agent(t->runs, name);
		return (a != NULL ? a->count : 0);
	case FK_NS:
		key.name = (char *)name;
		mt = RB_FIND(run_mtype_tree, &t->runs->nss, &key);
		return (mt != NULL ? mt->count : 0);
	default:
		r = run_find(t->runs, name);
		return (r != NULL ? r->total : 0);
	}
}

/* Every name of a kind: known, seen, or in one of the filters. */
static void
filters_collect(struct filtersview *fv, int kind)
{
	struct tui		*t = fv->t;
	const struct filter	*f[3];
	struct mtype		*mt;
	struct agent		*a;
	struct run		*r;
	size_t			 i, j, n;

	fv->nnames = 0;
	if (kind == FK_TYPE) {
		for (i = 0; i < sizeof filters_vocabulary /
		    sizeof filters_vocabulary[0]; i++)
			filters_name(fv, filters_vocabulary[i]);
		RB_FOREACH(mt, run_mtype_tree, &t->runs->types)
			filters_name(fv, mt->name);
	} else if (kind == FK_AGENT) {
		RB_FOREACH(a, run_agent_tree, &t->runs->agents)
			filters_name(fv, a->name);
	} else if (kind == FK_NS) {
		RB_FOREACH(mt, run_mtype_tree, &t->runs->nss)
			filters_name(fv, mt->name);
	} else {
		RB_FOREACH(r, run_tree, &t->runs->runs)
			filters_name(fv, r->id);
	}
	f[0] = t->vf;
	f[1] = filters_pending(t);
	f[2] = client_subscription(t->client);
	for (j = 0; j < 3; j++) {
		if (f[j] == NULL)
			continue;
		for (i = 0; i < filter_count(f[j], kind); i++)
			filters_name(fv, filter_value(f[j], kind, i));
	}
	if (fv->nnames > 1)	/* names is NULL when empty */
		qsort(fv->names, fv->nnames, sizeof *fv->names,
		    kind == FK_RUN ? filters_runcmp : filters_strcmp);
	for (i = n = 0; i < fv->nnames; i++) {
		if (n == 0 || strcmp(fv->names[n - 1], fv->names[i]) != 0)
			fv->names[n++] = fv->names[i];
	}
	fv->nnames = n;
}

static size_t
filters_count(void *arg)
{
	struct filtersview	*fv = arg;
	size_t			 i;
	int			 kind, exact;

	fv->nrows = 0;
	for (kind = 0; kind < FK_COUNT; kind++) {
		filters_add_row(fv, kind, 1, 0, filters_kind_names[kind], 0);
		filters_collect(fv, kind);
		exact = 0;
		for (i = 0; i < fv->nnames; i++) {
			if (fv->narrow[0] != '\0' &&
			    tui_util_strcasestr(fv->names[i], fv->narrow) == NULL)
				continue;
			if (strcmp(fv->names[i], fv->narrow) == 0)
				exact = 1;
			filters_add_row(fv, kind, 0, 0, fv->names[i],
			    filters_seen(fv->t, kind, fv->names[i]));
		}
		if (fv->narrow[0] != '\0' && !exact)
			filters_add_row(fv, kind, 0, 1, fv->narrow, 0);
	}
	return (fv->nrows);
}

static uint64_t
filters_key(void *arg, size_t i)
{
	struct filtersview	*fv = arg;

	return (fv->rows[i].key);
}

static size_t
filters_find(void *arg, uint64_t key)
{
	struct filtersview	*fv = arg;
	size_t			 i;

	for (i = 0; i < fv->nrows; i++) {
		if (fv->rows[i].key == key)
			return (i);
	}
	return (0);
}

/* "[x]" in the set, "[ ]" not, "[-]" the kind is unrestricted. */
static const char *
filters_box(const struct filter *f, int kind, const char *name)
{
	if (filter_count(f, kind) == 0)
		return ("[-]");
	return (filter_has(f, kind, name) ? "[x]" : "[ ]");
}

static void
filters_draw_row(void *arg, size_t i, int y, int w, int flags,
    const char *pat)
{
	struct filtersview	*fv = arg;
	struct tui		*t = fv->t;
	const struct frow	*r = &fv->rows[i];
	const struct filter	*pend = filters_pending(t);
	char			 buf[512];
	unsigned		 a;
	int			 sel = flags & LIST_SEL;

	a = sel ? tui_attr(COL_SELECT) : A_NORMAL;
	tui_util_fill(y, 0, w, a);
	if (r->hdr) {
		snprintf(buf, sizeof buf, "%s   view: %s   subscription: %s%s",
		    r->name, filter_count(t->vf, r->kind) == 0 ? "any" :
		    "selected", filter_count(pend, r->kind) == 0 ? "any" :
		    "selected", r->kind != FK_TYPE ? " (checked here)" : "");
		tui_util_put(y, 0, w, buf, sel ? a : tui_attr(COL_HEADER));
		return;
	}
	tui_util_put(y, 2, 3, filters_box(t->vf, r->kind, r->name),
	    fv->column == COLUMN_VIEW && sel ? a | A_BOLD : a);
	tui_util_put(y, 8, 3, filters_box(pend, r->kind, r->name),
	    fv->column == COLUMN_SUB && sel ? a | A_BOLD : a);
	if (r->add)
		snprintf(buf, sizeof buf, "add \"%s\" (not seen yet)",
		    r->name);
	else
		snprintf(buf, sizeof buf, "%s", r->name);
	tui_util_put_hl(y, 14, w > 24 ? w - 24 : 1, buf, r->add && !sel ?
	    tui_attr(COL_NOTICE) : a, fv->narrow[0] != '\0' ? fv->narrow :
	    NULL, tui_attr(COL_MATCH));
	if (r->seen > 0) {
		tui_util_fmt_count(buf, sizeof buf, r->seen);
		tui_util_put(y, w - 1 - (int)strlen(buf), (int)strlen(buf), buf, a);
	}
}

static const struct tui_list_ops filters_ops = {
	filters_count, filters_key, filters_find, filters_draw_row, NULL
};

static void *
filtersview_create(struct tui *t, const void *arg)
{
	struct filtersview	*fv = xcalloc(1, sizeof *fv);

	fv->t = t;
	tui_list_init(&fv->list, &filters_ops, fv, 0, 0);
	return (fv);
}

static void
filtersview_destroy(struct tui *t, void *arg)
{
	struct filtersview	*fv = arg;

	free(fv->rows);
	free(fv->names);
	free(fv);
}

static void
filtersview_draw(struct tui *t, void *arg, int y, int h)
{
	struct filtersview	*fv = arg;
	const struct filter	*sub = client_subscription(t->client);
	const struct filter	*pend = filters_pending(t);
	char			 buf[1024], *d, *p;
	int			 w = t->cols;

	if (h < 5)
		return;
	/* No restriction is "any" here, where it is chosen per kind. */
	d = filter_is_empty(t->vf) ? xstrdup("any") : filter_describe(t->vf);
	snprintf(buf, sizeof buf, "view filter (client side, applies at "
	    "once): %s", d);
	free(d);
	tui_util_put(y, 0, w, buf, filter_is_empty(t->vf) ? A_NORMAL :
	    tui_attr(COL_NOTICE));
	d = sub != NULL && !filter_is_empty(sub) ? filter_describe(sub) :
	    xstrdup("any");
	if (sub != NULL && !filter_equal(sub, pend)) {
		p = filter_is_empty(pend) ? xstrdup("any") :
		    filter_describe(pend);
		snprintf(buf, sizeof buf, "subscription (what is received): %s"
		    "  ->  edited: %s  (Enter applies, u undoes)", d, p);
		free(p);
		tui_util_put(y + 1, 0, w, buf, tui_attr(COL_NOTICE));
	} else {
		snprintf(buf, sizeof buf, "subscription (what is received): "
		    "%s%s", d, t->cfg->server_filters_all ? "" :
		    "   (the server gets the types)");
		tui_util_put(y + 1, 0, w, buf, A_NORMAL);
	}
	free(d);
	tui_util_fill(y + 2, 0, w, tui_attr(COL_HEADER) | A_REVERSE);
	tui_util_put(y + 2, 1, 6, "VIEW", tui_attr(COL_HEADER) |
	    (fv->column == COLUMN_VIEW ? A_BOLD | A_UNDERLINE : A_REVERSE));
	tui_util_put(y + 2, 7, 6, "SUB", tui_attr(COL_HEADER) |
	    (fv->column == COLUMN_SUB ? A_BOLD | A_UNDERLINE : A_REVERSE));
	tui_util_put(y + 2, 14, w - 24, fv->narrow[0] != '\0' ?
	    "NAME (narrowed; Esc shows all)" : "NAME", tui_attr(COL_HEADER) |
	    A_REVERSE);
	tui_util_put(y + 2, w - 9, 8, "    SEEN", tui_attr(COL_HEADER) |
	    A_REVERSE);
	tui_list_draw(&fv->list, y + 3, h - 3, w);
}

/* Toggle a row's name in the view filter or the edited subscription. */
static void
filters_toggle(struct filtersview *fv, const struct frow *r, int column)
{
	struct tui	*t = fv->t;
	char		 name[300];
	int		 on;

	if (r->hdr)
		return;
	strlcpy(name, r->name, sizeof name);
	if (column == COLUMN_SUB) {
		on = filter_toggle(filters_pending(t), r->kind, name);
		tui_notice(t, 0, "subscription edit: %s %s (Enter applies)",
		    on ? "added" : "removed", name);
		return;
	}
	filter_toggle(t->vf, r->kind, name);
	tui_refilter(t);
}

/* a: every listed item of the section in the column; n: no restriction. */
static void
filters_all_none(struct filtersview *fv, int kind, int all)
{
	struct tui	*t = fv->t;
	struct filter	*f;
	char		 name[300];
	size_t		 i;

	f = fv->column == COLUMN_SUB ? filters_pending(t) : t->vf;
	filter_clear(f, kind);
	for (i = 0; all && i < fv->nrows; i++) {
		if (fv->rows[i].kind != kind || fv->rows[i].hdr ||
		    fv->rows[i].add)
			continue;
		strlcpy(name, fv->rows[i].name, sizeof name);
		filter_add(f, kind, name);
	}
	if (fv->column == COLUMN_VIEW)
		tui_refilter(t);
}

static void
filters_narrow_change(struct tui *t, void *arg, const char *text)
{
	struct filtersview	*fv = arg;

	strlcpy(fv->narrow, text, sizeof fv->narrow);
	fv->list.have_sel = 0;
}

static void
filters_narrow_done(struct tui *t, void *arg, const char *text)
{
	struct filtersview	*fv = arg;
	size_t			 i;

	strlcpy(fv->narrow, text != NULL ? text : "", sizeof fv->narrow);
	/* Land on the first item, not a section header. */
	filters_count(fv);
	for (i = 0; i < fv->nrows && fv->rows[i].hdr; i++)
		;
	tui_list_sync(&fv->list);
	if (i < fv->nrows)
		tui_list_select(&fv->list, i);
}

static void
filters_apply(struct filtersview *fv)
{
	struct tui		*t = fv->t;
	const struct filter	*sub = client_subscription(t->client);
	struct filter		*pend = filters_pending(t);
	char			*d;

	if (sub != NULL && filter_equal(sub, pend)) {
		tui_notice(t, 0, "the subscription is unchanged");
		return;
	}
	client_set_subscription(t->client, pend);
	d = filter_describe(pend);
	tui_notice(t, 0, "subscribing to %s (make-before-break)", d);
	free(d);
}

static int
filtersview_key(struct tui *t, void *arg, int key)
{
	struct filtersview	*fv = arg;
	const struct filter	*sub;
	long			 i;

	i = tui_list_selected(&fv->list);
	switch (key) {
	case ' ':
	case 'v':
	case 's':
		if (i >= 0)
			filters_toggle(fv, &fv->rows[i], key == 'v' ?
			    COLUMN_VIEW : key == 's' ? COLUMN_SUB : fv->column);
		break;
	case 'h':
	case 'l':
	case TK(KEY_LEFT):
	case TK(KEY_RIGHT):
		fv->column = key == 'h' || key == TK(KEY_LEFT) ?
		    COLUMN_VIEW : COLUMN_SUB;
		break;
	case 'a':
	case 'n':
		if (i >= 0)
			filters_all_none(fv, fv->rows[i].kind, key == 'a');
		break;
	case '/':
		tui_prompt_start(t, "narrow: ", fv->narrow,
		    filters_narrow_change, filters_narrow_done, fv);
		break;
	case TK_ESC:
		if (fv->narrow[0] == '\0')
			return (0);
		fv->narrow[0] = '\0';
		break;
	case TK_ENTER:
	case '\n':
	case TK(KEY_ENTER):
		filters_apply(fv);
		break;
	case 'u':
		sub = client_subscription(t->client);
		filter_free(t->sub_pending);
		t->sub_pending = sub != NULL ? filter_dup(sub) :
		    filter_create();
		tui_notice(t, 0, "subscription edits undone");
		break;
	default:
		return (tui_list_key(&fv->list, key));
	}
	return (V_HANDLED | V_REDRAW);
}

static void
filtersview_info(struct tui *t, void *arg, char *buf, size_t size)
{
	struct filtersview	*fv = arg;

	snprintf(buf, size, "editing the %s", fv->column == COLUMN_VIEW ?
	    "VIEW filter" : "SUBscription");
}

const struct view view_filters = {
	.name = "Filters",
	.hints = "Space toggle  <-/-> column  a/n all/none  / narrow  "
	    "Enter apply sub  u undo",
	.create = filtersview_create,
	.destroy = filtersview_destroy,
	.draw = filtersview_draw,
	.key = filtersview_key,
	.info = filtersview_info
};
