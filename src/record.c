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
	int		 fd;
	int		 failed;	/* the last write failed */
	int		 cut;		/* a line in the file lacks its end */
	char		 error[128];	/* why the last write failed */
};

int
record_open_fd(const char *path, char **cause)
{
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
	    O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd == -1 && errno == ELOOP) {
		xasprintf(cause, "%s is a symbolic link: refusing to follow "
		    "it (give the file it points to)", path);
		return (-1);
	}
	if (fd == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	/*
	 * Not blocking only for the open (a FIFO without a reader fails at
	 * once); a pipe is then written as before, waiting for its reader.
	 */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return (fd);
}

struct record *
record_open(struct loop *l, const char *path, char **cause)
{
	struct record	*r;
	int		 fd;

	if ((fd = record_open_fd(path, cause)) == -1)
		return (NULL);
	r = xcalloc(1, sizeof *r);
	r->path = xstrdup(path);
	r->fd = fd;
	return (r);
}

void
record_reopen(struct record *r)
{
	char	*cause;
	int	 fd;

	if ((fd = record_open_fd(r->path, &cause)) == -1) {
		log_error("reopening the recording: %s", cause);
		free(cause);
		return;
	}
	if (r->fd != -1)
		close(r->fd);
	r->fd = fd;
	r->failed = 0;
	r->cut = 0;
	r->error[0] = '\0';
	log_info("recording reopened: %s", r->path);
}

void
record_close(struct record *r)
{
	if (r == NULL)
		return;
	if (r->fd != -1)
		close(r->fd);
	free(r->path);
	free(r);
}

/*
 * Write all of s; on a failure (ENOSPC, EIO, a FIFO without room) part of
 * it may be in the file: remember that the line there lacks its end.
 */
static int
record_write(struct record *r, const char *s, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(r->fd, s, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		r->cut = 1;
		s += n;
		len -= n;
	}
	return (0);
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
	char		 t[64], *s, *line;
	size_t		 len;
	int		 rc = 0;

	if (r == NULL)
		return (0);
	if (r->fd == -1)
		return (-1);
	record_time(t, sizeof t, recv_us);
	data = json_loadb(ev->data, ev->datalen, JSON_ALLOW_NUL, &err);
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
	if ((line = json_dumps(j, JSON_COMPACT)) == NULL)
		fatalx("json_dumps failed");
	len = strlen(line);
	line[len++] = '\n';		/* json_dumps left room for its NUL */
	/*
	 * A line cut by an earlier failure is ended first, so that it stays
	 * one malformed line that a replay skips, not a part of this one.
	 */
	if ((r->cut && record_write(r, "\n", 1) != 0) ||
	    (r->cut = 0, record_write(r, line, len) != 0)) {
		snprintf(r->error, sizeof r->error, "%s", strerror(errno));
		if (!r->failed)
			log_error("writing the recording %s: %s (trying again "
			    "with each event)", r->path, r->error);
		r->failed = 1;
		rc = -1;
	} else {
		r->cut = 0;
		if (r->failed)
			log_info("recording %s again", r->path);
		r->failed = 0;
	}
	free(line);
	json_decref(j);
	return (rc);
}

const char *
record_error(const struct record *r)
{
	return (r->failed ? r->error : "");
}
