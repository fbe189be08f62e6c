/*
 * tui-report.c: ":report RUN" writes a plain-text report of one run to a
 * file named at a prompt: its state and times, its counts, its gaps (the
 * stf_gen sequences known to be missing), its lifecycle history and the
 * alerts about it, active and cleared. Text from the network is written
 * sanitized (no terminal controls): the report is meant to be read with
 * cat or mailed. The file is created 0600, never over an existing file
 * or through a symbolic link.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "run.h"
#include "text.h"
#include "tui-int.h"
#include "xmalloc.h"

/* The run the prompt is for (one prompt at a time). */
static char	report_run[256];

/* Network text, sanitized, into one of a few rotating buffers. */
static const char *
report_s(const char *s)
{
	static char	bufs[4][512];
	static int	i;

	i = (i + 1) % 4;
	text_sanitize_buf(bufs[i], sizeof bufs[i], s, strlen(s));
	return (*bufs[i] != '\0' ? bufs[i] : "-");
}

static void
report_tally(FILE *f, const char *label, const struct tally *tl)
{
	size_t	i;

	fprintf(f, "%-16s", label);
	for (i = 0; i < tl->len; i++)
		fprintf(f, "%s%s=%llu", i > 0 ? "  " : "",
		    report_s(tl->v[i].name), (unsigned long long)tl->v[i].n);
	if (tl->other > 0)
		fprintf(f, "  (others)=%llu", (unsigned long long)tl->other);
	if (tl->len == 0)
		fputs("-", f);
	fputc('\n', f);
}

/* The alerts of the run in one list; how many. */
static size_t
report_alerts(FILE *f, const struct alert_list *al, const char *run)
{
	const struct alert	*a;
	char			 r[64], c[64];
	size_t			 n = 0;

	TAILQ_FOREACH(a, al, entry) {
		if (strcmp(a->run, run) != 0)
			continue;
		tui_util_fmt_stamp(r, sizeof r, a->raised);
		if (a->cleared != 0)
			tui_util_fmt_stamp(c, sizeof c, a->cleared);
		fprintf(f, "  %-8s %-16s raised %s%s%s\n    %s\n",
		    a->cleared != 0 ? "cleared" : "ACTIVE",
		    alert_kind_name(a->kind), r,
		    a->cleared != 0 ? ", cleared " : "",
		    a->cleared != 0 ? c : "", report_s(a->text));
		n++;
	}
	return (n);
}

static void
report_write(struct tui *t, FILE *f, const struct run *r)
{
	const struct run_change	*c;
	char			 a[64], b[64], gaps[512];
	size_t			 i, n;
	uint32_t		 miss = run_missing(r);

	fprintf(f, "swf-dash %s: report of run %s\n", PACKAGE_VERSION,
	    report_s(r->id));
	fprintf(f, "written         %s\n\n", tui_util_fmt_stamp(a, sizeof a,
	    loop_now_wall_us()));
	fprintf(f, "namespace       %s\n", report_s(r->ns));
	if (r->ended)
		fprintf(f, "state           ended (last stamp %s%s%s)\n",
		    report_s(r->state), *r->substate != '\0' ? "/" : "",
		    *r->substate != '\0' ? report_s(r->substate) : "");
	else
		fprintf(f, "state           %s%s%s\n", report_s(r->state),
		    *r->substate != '\0' ? "/" : "",
		    *r->substate != '\0' ? report_s(r->substate) : "");
	fprintf(f, "first seen      %s%s\n", tui_util_fmt_stamp(a, sizeof a,
	    r->first_us), run_midway(r) ? " (joined after its start)" : "");
	fprintf(f, "last message    %s\n", tui_util_fmt_stamp(a, sizeof a,
	    r->last_us));
	if (r->ended)
		fprintf(f, "ended           %s\n", tui_util_fmt_stamp(a, sizeof a,
		    r->end_us));
	fprintf(f, "duration        %s\n", tui_util_fmt_dur(b, sizeof b,
	    (r->ended ? r->end_us : r->last_us) - r->first_us));

	fprintf(f, "\nmessages        %llu\n", (unsigned long long)r->total);
	fprintf(f, "stf_gen         %llu", (unsigned long long)r->stf_gen);
	if (run_stf_expected(r) > r->stf_gen)
		fprintf(f, " of %u expected", run_stf_expected(r));
	fprintf(f, "\nstf_ready       %llu\n", (unsigned long long)r->stf_ready);
	fprintf(f, "tf registered   %llu\n", (unsigned long long)r->tf_files);
	fprintf(f, "other types     %llu\n", (unsigned long long)r->other);
	report_tally(f, "by type", &r->types);
	report_tally(f, "by agent", &r->agents);

	fputs("\ngaps            ", f);
	if (miss == 0)
		fputs(run_midway(r) && !run_merged(r) ? "none known (joined "
		    "after its start; its history was not read)\n" : "none\n",
		    f);
	else
		fprintf(f, "%u stf_gen missing: sequences %s%s\n", miss,
		    run_missing_text(r, gaps, sizeof gaps), run_merged(r) ?
		    " (the history could not fill them)" : " (the history "
		    "may still fill them)");

	n = run_hist_len(r);
	fprintf(f, "\nlifecycle       %llu message%s%s\n",
	    (unsigned long long)r->nhist, r->nhist == 1 ? "" : "s",
	    r->nhist > n ? " (the latest below)" : "");
	for (i = 0; i < n; i++) {
		c = run_hist_at(r, i);
		fprintf(f, "  %s  %-13s %s%s%s\n", tui_util_fmt_stamp(a, sizeof a,
		    c->at), report_s(c->type), report_s(c->state),
		    *c->substate != '\0' ? "/" : "", *c->substate != '\0' ?
		    report_s(c->substate) : "");
	}

	fputs("\nalerts\n", f);
	n = 0;
	if (t->alerts != NULL) {
		n += report_alerts(f, alert_active(t->alerts), r->id);
		n += report_alerts(f, alert_cleared(t->alerts), r->id);
	}
	if (n == 0)
		fputs("  none\n", f);
}

static void
report_done(struct tui *t, void *arg, const char *name)
{
	const struct run	*r;
	const char		*home = getenv("HOME");
	char			*path;
	FILE			*f;
	int			 fd, rc;

	if (name == NULL || *name == '\0') {
		tui_notice(t, 0, "no report written");
		return;
	}
	if ((r = run_find(t->runs, report_run)) == NULL) {
		tui_notice(t, 1, "run %s is no longer tracked: no report",
		    report_s(report_run));
		return;
	}
	if (strncmp(name, "~/", 2) == 0 && home != NULL)
		xasprintf(&path, "%s/%s", home, name + 2);
	else
		path = xstrdup(name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		tui_notice(t, 1, "no report written: %s: %s%s",
		    report_s(path), strerror(errno), errno == EEXIST ?
		    " (it exists: choose another name)" : "");
		if (fd != -1)
			close(fd);
		free(path);
		return;
	}
	report_write(t, f, r);
	rc = ferror(f);
	if (fclose(f) != 0 || rc != 0)
		tui_notice(t, 1, "writing %s failed: %s", report_s(path),
		    strerror(errno));
	else
		tui_notice(t, 0, "wrote the report of run %s to %s",
		    report_s(report_run), report_s(path));
	free(path);
}

/* ":report RUN": ask where, offering run-RUN.txt (a safe name). */
void
tui_report_start(struct tui *t, const char *run)
{
	char	init[128];
	size_t	i, n;

	if (run_find(t->runs, run) == NULL) {
		tui_notice(t, 1, ":report %s: no such run seen",
		    report_s(run));
		return;
	}
	strlcpy(report_run, run, sizeof report_run);
	n = strlcpy(init, "run-", sizeof init);
	for (i = 0; run[i] != '\0' && n + 5 < sizeof init; i++)
		init[n++] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"
		    "QRSTUVWXYZ0123456789-_", run[i]) != NULL ? run[i] : '_';
	init[n] = '\0';
	strlcat(init, ".txt", sizeof init);
	tui_prompt_start(t, "report to: ", init, NULL, report_done, NULL);
}
