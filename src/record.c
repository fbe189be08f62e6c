/*
 * record.c: recording every received event as a JSON line (replay.c reads
 * such a file back). A line is {"t": ISO time with microseconds, "event": type,
 * "data": the data parsed when it is a JSON object or array, else the
 * string}; when the parsed form would not print back to the exact bytes
 * received, "raw" keeps them too, so a replay is byte-identical.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cfg.h"
#include "client.h"
#include "client-int.h"
#include "history.h"
#include "log.h"
#include "loop.h"
#include "msg.h"
#include "sse.h"
#include "xmalloc.h"

#define RECORD_DUMP_FLAGS	0	/* ", " and ": ", as Python writes */

struct record {
	char		*path;
	FILE		*f;
	int		 failed;
	char		 error[128];	/* why the last write failed */
};

static FILE *
record_fopen(const char *path, char **cause)
{
	FILE	*f;
	int	 fd;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if ((f = fdopen(fd, "a")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return (NULL);
	}
	return (f);
}

struct record *
record_open(struct loop *l, const char *path, char **cause)
{
	struct record	*r;
	FILE		*f;

	if ((f = record_fopen(path, cause)) == NULL)
		return (NULL);
	r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	r->f = f;
	return (r);
}

void
record_reopen(struct record *r)
{
	FILE	*f;
	char	*cause;

	if ((f = record_fopen(r->path, &cause)) == NULL) {
		log_error("reopening the recording: %s", cause);
		free(cause);
		return;
	}
	if (r->f != NULL)
		fclose(r->f);
	r->f = f;
	r->failed = 0;
	r->error[0] = '\0';
	log_info("recording reopened: %s", r->path);
}

void
record_close(struct record *r)
{
	if (r == NULL)
		return;
	if (r->f != NULL)
		fclose(r->f);
	free(r->path);
	free(r);
}

/* "2025-01-15T14:30:25.123456Z" */
static void
record_time(char *buf, size_t size, int64_t us)
{
	struct tm	tm;
	time_t		t = us / 1000000;
	char		tmp[24];

	gmtime_r(&t, &tm);
	strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06dZ", tmp, (int)(us % 1000000));
}

int
record_event(struct record *r, const struct sse_event *ev, int64_t recv_us,
    int src)
{
	json_t		*j, *data;
	json_error_t	 err;
	char		 t[64], *s;
	int		 rc = 0;

	if (r == NULL)
		return (0);
	if (r->f == NULL || r->failed)
		return (-1);
	record_time(t, sizeof t, recv_us);
	data = json_loadb(ev->data, ev->datalen, 0, &err);
	j = json_pack("{s:s, s:s}", "t", t, "event", ev->type);
	if (j == NULL)
		fatalx("json_pack failed");
	if (src == HSRC_HISTORY)
		json_object_set_new(j, "source", json_string("history"));
	if (data != NULL) {
		s = json_dumps(data, RECORD_DUMP_FLAGS);
		if (s == NULL || strlen(s) != ev->datalen ||
		    memcmp(s, ev->data, ev->datalen) != 0)
			json_object_set_new(j, "raw",
			    json_stringn(ev->data, ev->datalen));
		free(s);
		json_object_set_new(j, "data", data);
	} else
		json_object_set_new(j, "data", json_stringn(ev->data,
		    ev->datalen));
	if (json_dumpf(j, r->f, JSON_COMPACT) != 0 ||
	    fputc('\n', r->f) == EOF || fflush(r->f) != 0) {
		snprintf(r->error, sizeof r->error, "%s", strerror(errno));
		log_error("writing the recording %s: %s (not recording "
		    "until SIGUSR1 reopens it)", r->path, r->error);
		r->failed = 1;
		rc = -1;
	}
	json_decref(j);
	return (rc);
}

const char *
record_error(const struct record *r)
{
	return (r->failed ? r->error : "");
}
