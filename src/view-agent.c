/*
 * view-agent.c: one agent, pushed by Enter in the Agents view: what the
 * stream and the registry say of it, and its retained messages through
 * the same message list as the Messages view (the view filter applies
 * too). q or Esc goes back.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "msg.h"
#include "run.h"
#include "text.h"
#include "tui-int.h"
#include "xmalloc.h"

struct agentview {
	struct tui	*t;
	char		*name;
	struct msglist	 ml;
};

static void *
agentview_create(struct tui *t, const void *arg)
{
	struct agentview	*v = xcalloc(1, sizeof *v);

	v->t = t;
	v->name = xstrdup(arg);
	view_messages_init(&v->ml, t, NULL);
	view_messages_only_agent(&v->ml, v->name);
	return (v);
}

static void
agentview_destroy(struct tui *t, void *arg)
{
	struct agentview	*v = arg;

	view_messages_free(&v->ml);
	free(v->name);
	free(v);
}

/* The registry's record of the agent, or NULL. */
static const struct reg_entry *
agentview_reg(struct tui *t, const char *name)
{
	const struct reg_entry	*reg;
	size_t			 i, n;

	if (t->client == NULL)
		return (NULL);
	reg = client_registry(t->client, &n, NULL, NULL);
	for (i = 0; i < n; i++) {
		if (strcmp(reg[i].name, name) == 0)
			return (&reg[i]);
	}
	return (NULL);
}

/* The summary above the list; returns the rows it used. */
static int
agentview_summary(struct agentview *v, int y)
{
	struct tui		*t = v->t;
	struct agent		*a = run_find_agent(t->runs, v->name);
	const struct reg_entry	*r = agentview_reg(t, v->name);
	char			 buf[1024], d[32];
	size_t			 i, len;
	int			 used = 0, w = t->cols;

	if (a == NULL)
		snprintf(buf, sizeof buf, "agent %s  no message seen", v->name);
	else
		snprintf(buf, sizeof buf, "agent %s  %llu messages  last %s "
		    "ago  last run %s", v->name, (unsigned long long)a->count,
		    tui_util_fmt_dur(d, sizeof d, (loop_now_wall_us() - a->last_us) /
		    1000000 * 1000000), a->last_run != NULL &&
		    *a->last_run != '\0' ? a->last_run : "-");
	used += tui_util_put_wrap(y + used, 0, w, 2, buf, tui_attr(COL_HEADER));
	if (a != NULL) {
		len = strlcpy(buf, "types:", sizeof buf);
		for (i = 0; i < a->types.len && len < sizeof buf; i++)
			len += snprintf(buf + len, sizeof buf - len,
			    "  %s=%llu", a->types.v[i].name,
			    (unsigned long long)a->types.v[i].n);
		if (a->types.other > 0 && len < sizeof buf)
			snprintf(buf + len, sizeof buf - len, "  other=%llu",
			    (unsigned long long)a->types.other);
		used += tui_util_put_wrap(y + used, 0, w, 2, buf, A_NORMAL);
	}
	if (r != NULL) {
		snprintf(buf, sizeof buf, "registry: %s  %s  %s  host %s",
		    *r->status != '\0' ? r->status : "-",
		    *r->opstate != '\0' ? r->opstate : "-",
		    *r->type != '\0' ? r->type : "-",
		    *r->host != '\0' ? r->host : "-");
		used += tui_util_put_wrap(y + used, 0, w, 1, buf,
		    strcasecmp(r->status, "EXITED") == 0 ?
		    tui_attr(COL_ERROR) : A_NORMAL);
	}
	return (used);
}

static void
agentview_draw(struct tui *t, void *arg, int y, int h)
{
	struct agentview	*v = arg;
	int			 used;

	used = agentview_summary(v, y);
	if (h - used > 2)
		view_messages_draw(&v->ml, y + used, h - used);
}

static int
agentview_key(struct tui *t, void *arg, int key)
{
	struct agentview	*v = arg;

	return (view_messages_key(&v->ml, key));
}

static void
agentview_ingest(struct tui *t, void *arg, const struct msg *m)
{
	struct agentview	*v = arg;

	view_messages_ingest(&v->ml, m);
}

static void
agentview_refilter(struct tui *t, void *arg)
{
	struct agentview	*v = arg;

	view_messages_rebuild(&v->ml);
}

static const struct msg *
agentview_selected(struct tui *t, void *arg)
{
	struct agentview	*v = arg;

	return (view_messages_selected(&v->ml));
}

static void
agentview_info(struct tui *t, void *arg, char *buf, size_t size)
{
	struct agentview	*v = arg;
	size_t			 len;

	tui_list_info(&v->ml.list, buf, size);
	len = strlen(buf);
	if (len < size)
		snprintf(buf + len, size - len, "  agent %s: %zu retained",
		    v->name, v->ml.list.n);
}

static struct msglist *
agentview_msglist(struct tui *t, void *arg)
{
	struct agentview	*v = arg;

	return (&v->ml);
}

const struct view view_agent = {
	.name = "Agent",
	.hints = "Enter detail  / search  t/R filter  q/Esc back  ? help",
	.create = agentview_create,
	.destroy = agentview_destroy,
	.draw = agentview_draw,
	.key = agentview_key,
	.ingest = agentview_ingest,
	.refilter = agentview_refilter,
	.selected = agentview_selected,
	.info = agentview_info,
	.msglist = agentview_msglist
};
