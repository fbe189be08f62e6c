/*
 * tui-export.c: w writes the messages the visible view lists (the view
 * filter applied; in a run's or an agent's view, only theirs; elsewhere
 * what the Messages view lists) to a file named at a prompt: JSON lines (each
 * message's data as received, one per line) or, for a name ending in
 * ".csv", CSV with a header (RFC 4180 quoting). An existing file is never
 * overwritten. Message text is written as received: the file is data,
 * not the screen.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "filter.h"
#include "msg.h"
#include "store.h"
#include "tui-int.h"
#include "xmalloc.h"

/* One CSV field: quoted when it holds a comma, a quote or a line end. */
static void
export_csv_field(FILE *f, const char *s, int last)
{
	const char	*p;

	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, f);
	else {
		fputc('"', f);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	}
	fputs(last ? "\r\n" : ",", f);
}

static void
export_csv(FILE *f, const struct msg *m)
{
	static const enum msg_field	 fields[] = {
		MF_TYPE, MF_AGENT, MF_RUN, MF_NAMESPACE, MF_FILE, MF_TEXT
	};
	struct tm			 tm;
	time_t				 t;
	int64_t				 us = m->sent_us != 0 ? m->sent_us :
					     m->recv_us;
	char				 ts[40], d[24];
	size_t				 i, n = sizeof fields / sizeof fields[0];

	t = us / 1000000;
	gmtime_r(&t, &tm);
	strftime(d, sizeof d, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts, sizeof ts, "%s.%03dZ", d, (int)(us % 1000000 / 1000));
	export_csv_field(f, ts, 0);
	for (i = 0; i < n; i++)
		export_csv_field(f, msg_get(m, fields[i]), i == n - 1);
}

/* The data as one JSON line: as received, or compacted if it spans lines. */
static void
export_json(FILE *f, const struct msg *m)
{
	const char	*raw = msg_json(m);
	json_t		*j;
	json_error_t	 err;

	if (m->is_json && memchr(raw, '\n', m->jsonlen) == NULL &&
	    memchr(raw, '\r', m->jsonlen) == NULL) {
		fwrite(raw, 1, m->jsonlen, f);
		fputc('\n', f);
		return;
	}
	if (m->is_json && (j = json_loadb(raw, m->jsonlen, JSON_ALLOW_NUL,
	    &err)) != NULL) {
		json_dumpf(j, f, JSON_COMPACT);
		json_decref(j);
	} else {
		/* Not JSON: the text, as a JSON string. */
		j = json_stringn(raw, m->jsonlen);
		json_dumpf(j != NULL ? j : json_null(), f,
		    JSON_ENCODE_ANY | JSON_COMPACT);
		json_decref(j);
	}
	fputc('\n', f);
}

/* Open path for writing, never over an existing file; NULL with errno. */
static FILE *
export_open(const char *path)
{
	FILE	*f;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1)
		return (NULL);
	if ((f = fdopen(fd, "w")) == NULL)
		close(fd);
	return (f);
}

static void
export_done(struct tui *t, void *arg, const char *name)
{
	struct msg	*m;
	struct msglist	*ml;
	const char	*home = getenv("HOME");
	char		*path, *desc, *what;
	size_t		 len, n = 0;
	uint64_t	 seq;
	FILE		*f;
	int		 csv, rc;

	if (name == NULL || *name == '\0') {
		tui_notice(t, 0, "nothing written");
		return;
	}
	if (strncmp(name, "~/", 2) == 0 && home != NULL)
		xasprintf(&path, "%s/%s", home, name + 2);
	else
		path = xstrdup(name);
	len = strlen(path);
	csv = len > 4 && strcasecmp(path + len - 4, ".csv") == 0;
	if ((f = export_open(path)) == NULL) {
		tui_notice(t, 1, "not written: %s: %s%s", path,
		    strerror(errno), errno == EEXIST ? " (choose another "
		    "name)" : "");
		free(path);
		return;
	}
	if (csv)
		fputs("time,type,agent,run,namespace,file,text\r\n", f);
	/* What the visible view lists: a run's, an agent's, or all. */
	ml = tui_current_msglist(t);
	for (seq = store_first(t->store); seq < store_end(t->store); seq++) {
		if ((m = store_get(t->store, seq)) == NULL ||
		    m->family == FAM_MARKER || (ml != NULL ?
		    !view_messages_wants(ml, m) : !filter_match(t->vf, m)))
			continue;
		if (csv)
			export_csv(f, m);
		else
			export_json(f, m);
		n++;
	}
	rc = ferror(f);
	if (fclose(f) != 0 || rc != 0)
		tui_notice(t, 1, "writing %s failed: %s", path,
		    strerror(errno));
	else {
		desc = filter_describe(t->vf);
		what = ml != NULL && ml->only != NULL ?
		    filter_describe(ml->only) : NULL;
		tui_notice(t, 0, "wrote %zu messages (%s%s%s%sview filter: %s) "
		    "to %s as %s", n, ml != NULL && ml->run != NULL ? "run " :
		    "", ml != NULL && ml->run != NULL ? ml->run : "",
		    what != NULL ? what : "", (ml != NULL && ml->run != NULL) ||
		    what != NULL ? ", " : "", desc, path, csv ? "CSV" :
		    "JSON lines");
		free(what);
		free(desc);
	}
	free(path);
}

void
tui_export_start(struct tui *t)
{
	tui_prompt_start(t, "write to (.csv: CSV): ", "", NULL, export_done,
	    NULL);
}
