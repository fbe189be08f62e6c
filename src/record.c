/*
 * record.c: recording every received event as a JSON line, and replaying
 * such a file through the client's pipeline at the original pace times
 * --speed. A line is {"t": ISO time with microseconds, "event": type,
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
#define REPLAY_BATCH		2000	/* events per turn at full speed */

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

struct replay {
	struct client		*c;
	struct loop		*loop;
	const struct cfg	*cfg;
	struct client_status	*st;
	FILE			*f;
	char			*line;
	size_t			 linesz;
	double			 speed;
	int			 paused;
	int			 done;
	int64_t			 t0;		/* recorded time of the first */
	int64_t			 start;		/* monotonic us of t0 */
	int64_t			 pause_at;
	uint64_t		 bad;
	uint64_t		 lineno;

	int			 have;		/* the next event, read ahead */
	int64_t			 t;
	char			*type;
	char			*data;
	size_t			 datalen;
	int			 src;		/* enum hist_source */

	struct timer		 timer;
};

static void
replay_forget(struct replay *rp)
{
	free(rp->type);
	free(rp->data);
	rp->type = rp->data = NULL;
	rp->have = 0;
}

/* Decode one line into the read-ahead slot; 0 if malformed. */
static int
replay_parse(struct replay *rp, const char *line, size_t len)
{
	json_t		*j, *t, *ev, *data, *raw, *src;
	json_error_t	 err;
	int64_t		 us;
	char		*s;

	if ((j = json_loadb(line, len, 0, &err)) == NULL)
		return (0);
	t = json_object_get(j, "t");
	ev = json_object_get(j, "event");
	data = json_object_get(j, "data");
	raw = json_object_get(j, "raw");
	if (!json_is_string(t) || !json_is_string(ev) || data == NULL ||
	    (us = msg_parse_time(json_string_value(t))) < 0) {
		json_decref(j);
		return (0);
	}
	rp->t = us;
	src = json_object_get(j, "source");
	rp->src = json_is_string(src) &&
	    strcmp(json_string_value(src), "history") == 0 ? HSRC_HISTORY :
	    HSRC_LIVE;
	rp->type = xstrdup(json_string_value(ev));
	if (json_is_string(raw)) {
		rp->datalen = json_string_length(raw);
		rp->data = xmalloc(rp->datalen + 1);
		memcpy(rp->data, json_string_value(raw), rp->datalen + 1);
	} else if (json_is_string(data)) {
		rp->datalen = json_string_length(data);
		rp->data = xmalloc(rp->datalen + 1);
		memcpy(rp->data, json_string_value(data), rp->datalen + 1);
	} else {
		if ((s = json_dumps(data, RECORD_DUMP_FLAGS |
		    JSON_ENCODE_ANY)) == NULL)
			fatalx("json_dumps failed");
		rp->data = s;
		rp->datalen = strlen(s);
	}
	rp->have = 1;
	json_decref(j);
	return (1);
}

/*
 * Read one line into rp->line, at most cap bytes: a longer line is read to
 * its end without being kept and returns -2. Returns the length, or -1 at
 * the end of the file.
 */
static ssize_t
replay_getline(struct replay *rp, size_t cap)
{
	size_t	len = 0, n;
	int	over = 0;

	for (;;) {
		if (rp->linesz - len < 2) {
			if (rp->linesz >= cap) {
				over = 1;
				len = 0;
			} else {
				rp->linesz = rp->linesz == 0 ? 4096 :
				    rp->linesz * 2;
				if (rp->linesz > cap)
					rp->linesz = cap;
				rp->line = xreallocarray(rp->line, 1,
				    rp->linesz);
			}
		}
		if (fgets(rp->line + len, rp->linesz - len, rp->f) == NULL)
			break;
		n = strlen(rp->line + len);
		len += n;
		if (len > 0 && rp->line[len - 1] == '\n')
			break;
	}
	if (len == 0 && !over)
		return (-1);
	return (over ? -2 : (ssize_t)len);
}

/* Read ahead to the next good line; 0 at the end of the file. */
static int
replay_read(struct replay *rp)
{
	ssize_t	n;
	size_t	cap;

	/* A recorded event is escaped JSON: allow for that over --max-event. */
	cap = rp->cfg->max_event * 6 + 4096;
	while (!rp->have) {
		if ((n = replay_getline(rp, cap)) == -1)
			return (0);
		rp->lineno++;
		if (n == -2) {
			if (rp->bad++ == 0)
				log_warn("%s:%llu: line over %zu bytes skipped",
				    rp->cfg->replay,
				    (unsigned long long)rp->lineno, cap);
			continue;
		}
		while (n > 0 && (rp->line[n - 1] == '\n' ||
		    rp->line[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		if (!replay_parse(rp, rp->line, n)) {
			if (rp->bad++ == 0)
				log_warn("%s:%llu: malformed line skipped",
				    rp->cfg->replay,
				    (unsigned long long)rp->lineno);
		}
	}
	return (1);
}

static void
replay_finish(struct replay *rp)
{
	rp->done = 1;
	if (rp->bad > 0)
		snprintf(rp->st->reason, sizeof rp->st->reason,
		    "%llu malformed lines skipped",
		    (unsigned long long)rp->bad);
	if (rp->bad > 1)
		log_warn("%s: %s", rp->cfg->replay, rp->st->reason);
	rp->st->state = CONN_REPLAY_DONE;
	rp->st->since = now_wall_us();
	client_status_changed(rp->c);
}

/* Deliver what is due, then sleep until the next event is. */
static void
replay_tick(void *arg)
{
	struct replay		*rp = arg;
	struct sse_event	 ev;
	int64_t			 pos;
	int			 n = 0;

	if (rp->paused || rp->done)
		return;
	while (replay_read(rp)) {
		if (rp->speed > 0) {
			pos = rp->t0 + (int64_t)((now_mono_us() - rp->start) *
			    rp->speed);
			if (rp->t > pos) {
				timer_arm(rp->loop, &rp->timer,
				    (rp->t - pos) / 1e6 / rp->speed);
				return;
			}
		} else if (n++ == REPLAY_BATCH) {
			timer_arm(rp->loop, &rp->timer, 0);
			return;
		}
		ev.type = rp->type;
		ev.data = rp->data;
		ev.datalen = rp->datalen;
		ev.id = "";
		rp->st->bytes += rp->datalen;
		rp->st->last_byte = rp->t;
		client_deliver(rp->c, &ev, rp->t, NULL, -1, rp->src);
		replay_forget(rp);
	}
	replay_finish(rp);
}

struct replay *
replay_open(struct client *c, struct loop *l, const struct cfg *cfg,
    struct client_status *st)
{
	struct replay	*rp;

	rp = xcalloc(1, sizeof *rp);
	rp->c = c;
	rp->loop = l;
	rp->cfg = cfg;
	rp->st = st;
	rp->speed = cfg->speed;
	timer_init(&rp->timer, replay_tick, rp);
	snprintf(st->host, sizeof st->host, "replay");
	st->state = CONN_REPLAY;
	st->since = now_wall_us();
	if ((rp->f = fopen(cfg->replay, "re")) == NULL) {
		snprintf(st->reason, sizeof st->reason, "%s: %s", cfg->replay,
		    strerror(errno));
		log_error("%s", st->reason);
		st->state = CONN_FAILED;
		rp->done = 1;
		client_status_changed(c);
		return (rp);
	}
	if (replay_read(rp))
		rp->t0 = rp->t;
	rp->start = now_mono_us();
	client_status_changed(c);
	timer_arm(l, &rp->timer, 0);
	return (rp);
}

void
replay_pause(struct replay *rp, int paused)
{
	paused = paused != 0;
	if (rp->done || paused == rp->paused)
		return;
	rp->paused = paused;
	if (paused) {
		rp->pause_at = now_mono_us();
		timer_cancel(rp->loop, &rp->timer);
		rp->st->state = CONN_REPLAY_PAUSED;
	} else {
		rp->start += now_mono_us() - rp->pause_at;
		rp->st->state = CONN_REPLAY;
		timer_arm(rp->loop, &rp->timer, 0);
	}
	rp->st->since = now_wall_us();
	client_status_changed(rp->c);
}

void
replay_skip(struct replay *rp, double seconds)
{
	if (rp->done || seconds <= 0 || rp->speed <= 0)
		return;
	/* Move the start back: the recording's clock jumps ahead. */
	rp->start -= (int64_t)(seconds * 1e6 / rp->speed);
	if (!rp->paused)
		timer_arm(rp->loop, &rp->timer, 0);
}

void
replay_close(struct replay *rp)
{
	if (rp == NULL)
		return;
	timer_cancel(rp->loop, &rp->timer);
	replay_forget(rp);
	if (rp->f != NULL)
		fclose(rp->f);
	free(rp->line);
	free(rp);
}
