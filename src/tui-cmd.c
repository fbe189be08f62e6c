/*
 * tui-cmd.c: the dashboard's command line (':' as in vi, less and k9s):
 * ":run ID", ":agent NAME", ":ns NAME", ":type T", ":preset NAME", ":q",
 * with Tab completing the command and its argument from what has been
 * seen (runs, agents of the stream and the registry, namespaces, types)
 * or configured (presets).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "client.h"
#include "filter.h"
#include "run.h"
#include "tui-int.h"
#include "xmalloc.h"

/* What a command's argument is completed from. */
enum cmd_arg {
	CA_NONE, CA_RUN, CA_AGENT, CA_NS, CA_TYPE, CA_PRESET, CA_REPORT
};

static const struct {
	const char	*name;
	enum cmd_arg	 arg;
	const char	*usage;
} tui_cmds[] = {
	{ "run", CA_RUN, "run ID: open the run's view" },
	{ "agent", CA_AGENT, "agent NAME: open the agent's view" },
	{ "ns", CA_NS, "ns NAME: view only this namespace (no NAME: any)" },
	{ "type", CA_TYPE, "type T: view only this type (no NAME: any)" },
	{ "preset", CA_PRESET, "preset NAME: the view filter of the config "
	    "file's preset.NAME" },
	{ "report", CA_REPORT, "report RUN: write a plain-text report of the "
	    "run to a file" },
	{ "q", CA_NONE, "q: quit" },
};
#define NCMDS	(sizeof tui_cmds / sizeof tui_cmds[0])

/* A growing list of candidate words (borrowed strings). */
struct cands {
	const char	**v;
	size_t		  n, cap;
};

static void
cands_add(struct cands *c, const char *s, const char *prefix)
{
	if (strncmp(s, prefix, strlen(prefix)) != 0)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 32 : c->cap * 2;
		c->v = xreallocarray(c->v, c->cap, sizeof *c->v);
	}
	c->v[c->n++] = s;
}

static int
cands_cmp(const void *a, const void *b)
{
	return (strcmp(*(const char *const *)a, *(const char *const *)b));
}

/* Sort and drop repeats (agents can be in the stream and the registry). */
static void
cands_uniq(struct cands *c)
{
	size_t	i, j;

	if (c->n < 2)
		return;
	qsort(c->v, c->n, sizeof *c->v, cands_cmp);
	for (i = 1, j = 1; i < c->n; i++) {
		if (strcmp(c->v[i], c->v[j - 1]) != 0)
			c->v[j++] = c->v[i];
	}
	c->n = j;
}

/* The candidates for an argument of kind a starting with prefix. */
static void
cmd_candidates(struct tui *t, enum cmd_arg a, const char *prefix,
    struct cands *c)
{
	struct runs		*rs = t->runs;
	struct run		*r;
	struct agent		*ag;
	struct mtype		*m;
	const struct reg_entry	*reg;
	size_t			 i, n;

	switch (a) {
	case CA_RUN:	/* in run id order already */
	case CA_REPORT:
		RB_FOREACH(r, run_tree, &rs->runs)
			cands_add(c, r->id, prefix);
		return;
	case CA_AGENT:
		RB_FOREACH(ag, run_agent_tree, &rs->agents)
			cands_add(c, ag->name, prefix);
		if (t->client != NULL) {
			reg = client_registry(t->client, &n, NULL, NULL);
			for (i = 0; i < n; i++)
				cands_add(c, reg[i].name, prefix);
		}
		break;
	case CA_NS:
		RB_FOREACH(m, run_mtype_tree, &rs->nss)
			cands_add(c, m->name, prefix);
		break;
	case CA_TYPE:
		RB_FOREACH(m, run_mtype_tree, &rs->types)
			cands_add(c, m->name, prefix);
		break;
	case CA_PRESET:
		for (i = 0; i < t->cfg->npresets; i++)
			cands_add(c, t->cfg->presets[i].name, prefix);
		break;
	case CA_NONE:
		return;
	}
	cands_uniq(c);
}

/* The command named by the first n bytes of s, or -1. */
static int
cmd_find(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < NCMDS; i++) {
		if (strlen(tui_cmds[i].name) == n &&
		    strncmp(tui_cmds[i].name, s, n) == 0)
			return ((int)i);
	}
	if (n == 4 && strncmp(s, "quit", 4) == 0)
		return ((int)NCMDS - 1);
	return (-1);
}

/*
 * Tab: the first press completes the word under the cursor (the command,
 * or its argument) to the longest common prefix of what matches; when
 * that adds nothing, it and each press after it show the next match.
 */
static void
cmd_complete(struct tui *t, void *arg, char *buf, size_t size)
{
	struct tui_prompt	*p = &t->prompt;
	struct cands		 c = { NULL, 0, 0 };
	char			*sp, *word;
	size_t			 i, lcp, base;
	int			 k;

	if (!p->comp_cycling)
		strlcpy(p->comp_base, buf, sizeof p->comp_base);
	if ((sp = strchr(p->comp_base, ' ')) == NULL) {
		word = p->comp_base;
		for (i = 0; i < NCMDS; i++)
			cands_add(&c, tui_cmds[i].name, word);
	} else {
		if ((k = cmd_find(p->comp_base, sp - p->comp_base)) < 0)
			goto out;
		word = sp + 1;
		while (*word == ' ')
			word++;
		cmd_candidates(t, tui_cmds[k].arg, word, &c);
	}
	base = word - p->comp_base;
	if (c.n == 0) {
		snprintf(p->aside, sizeof p->aside, "(nothing seen matches)");
		p->comp_cycling = 0;
		goto out;
	}
	if (!p->comp_cycling) {
		lcp = strlen(c.v[0]);
		for (i = 1; i < c.n; i++) {
			while (lcp > 0 && strncmp(c.v[0], c.v[i], lcp) != 0)
				lcp--;
		}
		if (c.n == 1 || lcp > strlen(word)) {
			snprintf(buf, size, "%.*s%.*s%s", (int)base,
			    p->comp_base, (int)lcp, c.v[0],
			    c.n == 1 && sp == NULL ? " " : "");
			if (c.n == 1)
				p->aside[0] = '\0';
			else
				snprintf(p->aside, sizeof p->aside,
				    "(%zu match)", c.n);
			goto out;
		}
		p->comp_cycling = 1;
		p->comp_i = 0;
	} else
		p->comp_i = (p->comp_i + 1) % c.n;
	snprintf(buf, size, "%.*s%s", (int)base, p->comp_base,
	    c.v[p->comp_i]);
	snprintf(p->aside, sizeof p->aside, "(%zu/%zu, Tab: next)",
	    p->comp_i + 1, c.n);
out:
	free(c.v);
}

/* Say the view filter (after preset NAME, if any). */
static void
cmd_filter_said(struct tui *t, const char *preset)
{
	char	*d = filter_describe(t->vf);

	if (preset != NULL)
		tui_notice(t, 0, "preset %s: view filter: %s", preset, d);
	else
		tui_notice(t, 0, "view filter: %s", d);
	free(d);
}

/* Set the view filter's kind k to v alone (NULL or "": any). */
static void
cmd_filter(struct tui *t, enum filter_kind k, const char *v)
{
	filter_clear(t->vf, k);
	if (v != NULL && *v != '\0')
		filter_add(t->vf, k, v);
	tui_refilter(t);
	cmd_filter_said(t, NULL);
}

/* The view filter becomes the preset's (and the t/A/R/S undo is gone). */
static void
cmd_preset(struct tui *t, const char *name)
{
	const struct filter	*p;
	char			 list[200] = "";
	size_t			 i;
	int			 k;

	if (*name == '\0' || (p = cfg_preset(t->cfg, name)) == NULL) {
		for (i = 0; i < t->cfg->npresets; i++) {
			if (i > 0)
				strlcat(list, ", ", sizeof list);
			strlcat(list, t->cfg->presets[i].name, sizeof list);
		}
		if (t->cfg->npresets == 0)
			tui_notice(t, 1, "no preset: the config file names them "
			    "(preset.night = -m stf_gen -r 102317)");
		else if (*name == '\0')
			tui_notice(t, 0, "presets: %s", list);
		else
			tui_notice(t, 1, ":preset %s: no such preset (%s)", name,
			    list);
		return;
	}
	filter_clear_all(t->vf);
	for (k = 0; k < FK_COUNT; k++) {
		for (i = 0; i < filter_count(p, k); i++)
			filter_add(t->vf, k, filter_value(p, k, i));
	}
	for (k = 0; k < FK_COUNT; k++) {
		filter_free(t->quick_saved[k]);
		t->quick_saved[k] = NULL;
	}
	tui_refilter(t);
	cmd_filter_said(t, name);
}

/* Enter on the command line. */
static void
cmd_done(struct tui *t, void *arg, const char *text)
{
	struct cands	 c = { NULL, 0, 0 };
	char		 line[256], *cmd, *v, *end;
	int		 k;

	if (text == NULL)
		return;
	strlcpy(line, text, sizeof line);
	cmd = line + strspn(line, " ");
	if (*cmd == '\0')
		return;
	v = cmd + strcspn(cmd, " ");
	if (*v != '\0')
		*v++ = '\0';
	v += strspn(v, " ");
	for (end = v + strlen(v); end > v && end[-1] == ' '; end--)
		end[-1] = '\0';
	if ((k = cmd_find(cmd, strlen(cmd))) < 0) {
		tui_notice(t, 1, ":%s: no such command (run, agent, ns, type, "
		    "preset, report, q; Tab completes)", cmd);
		return;
	}
	switch (tui_cmds[k].arg) {
	case CA_RUN:
		if (*v == '\0')
			tui_notice(t, 1, "usage: :%s", tui_cmds[k].usage);
		else if (run_find(t->runs, v) == NULL)
			tui_notice(t, 1, ":run %s: no such run seen", v);
		else
			tui_push(t, &view_run, v);
		break;
	case CA_AGENT:
		c.n = 0;
		if (*v != '\0')
			cmd_candidates(t, CA_AGENT, v, &c);
		if (*v == '\0')
			tui_notice(t, 1, "usage: :%s", tui_cmds[k].usage);
		else if (c.n == 0 || strcmp(c.v[0], v) != 0)
			tui_notice(t, 1, ":agent %s: no such agent seen", v);
		else
			tui_push(t, &view_agent, v);
		free(c.v);
		break;
	case CA_NS:
		cmd_filter(t, FK_NS, v);
		break;
	case CA_TYPE:
		cmd_filter(t, FK_TYPE, v);
		break;
	case CA_PRESET:
		cmd_preset(t, v);
		break;
	case CA_REPORT:
		if (*v == '\0')
			tui_notice(t, 1, "usage: :%s", tui_cmds[k].usage);
		else
			tui_report_start(t, v);
		break;
	case CA_NONE:
		tui_quit(t, 0);
		break;
	}
}

/* ':' opens the command line. */
void
tui_cmd_start(struct tui *t)
{
	tui_prompt_start(t, ":", "", NULL, cmd_done, NULL);
	t->prompt.complete = cmd_complete;
}
