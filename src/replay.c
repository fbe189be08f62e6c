/*
 * replay.c: a recording (see record.c) as a source beside the stream. The
 * client's loop worker calls replay_drain(), which delivers the events
 * that are due at the original pace times --speed (all of them, in slices
 * bounded by time, at --speed 0) through the same callback path as the
 * network's events, so the subscription's filters apply alike. The
 * replay keeps its own state; the client reads it with the getters.
 *
 * The file is read with read(2) on a non-blocking descriptor, byte-exact
 * (a NUL is a byte like any other, never the end of a line), at most
 * REPLAY_READ_SLICE bytes per turn: /dev/zero or a line that never ends
 * cannot hold the loop, and a FIFO or pipe that has nothing yet is
 * watched by the loop instead of read in a blocking call.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

#define REPLAY_DUMP_FLAGS	0	/* ", " and ": ", as record.c writes */
#define REPLAY_READ_SLICE	(1024 * 1024)	/* bytes read per turn */
#define REPLAY_AGAIN		(-3)	/* replay_getline: not now */

struct replay {
	struct loop		*loop;
	const struct cfg	*cfg;
	const struct replay_cb	*cb;
	void			*arg;
	int			 fd;
	int			 fifo;		/* a FIFO or pipe */
	int			 watched;	/* the loop watches fd */
	int			 eof;
	int			 got;		/* any byte read yet */
	char			 rbuf[65536];
	size_t			 roff;
	size_t			 rlen;
	char			*line;
	size_t			 linesz;
	size_t			 len;		/* of the line being read */
	int			 over;		/* it went over the cap */
	size_t			 slice;		/* bytes read this turn */
	uint64_t		 oversize;	/* events over --max-event */
	double			 speed;
	int			 paused;
	int			 done;
	int			 timed;		/* t0 and start are set */
	int64_t			 t0;		/* recorded time of the first */
	int64_t			 start;		/* monotonic us of t0 */
	int64_t			 pause_at;
	uint64_t		 bad;
	uint64_t		 lineno;
	int64_t			 fsize;		/* a regular file's size, or -1 */
	int64_t			 foff;		/* bytes read from the file */
	size_t			 havelen;	/* bytes of the read-ahead line */
	int			 delivering;	/* it is being delivered */

	enum conn_state		 state;
	char			 reason[256];
	int64_t			 since;		/* wall us */
	uint64_t		 bytes;

	int			 have;		/* the next event, read ahead */
	int64_t			 t;
	char			*type;
	char			*data;
	size_t			 datalen;
	int			 src;		/* enum hist_source */

	struct timer		 timer;		/* the next event is due */
};

static void
replay_set(struct replay *rp, enum conn_state state)
{
	rp->state = state;
	rp->since = loop_now_wall_us();
	if (rp->cb->state != NULL)
		rp->cb->state(rp, rp->arg);
}

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

	if ((j = json_loadb(line, len, JSON_ALLOW_NUL, &err)) == NULL)
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
		if ((s = json_dumps(data, REPLAY_DUMP_FLAGS |
		    JSON_ENCODE_ANY)) == NULL)
			fatalx("json_dumps failed");
		rp->data = s;
		rp->datalen = strlen(s);
	}
	rp->have = 1;
	json_decref(j);
	return (1);
}

/* The FIFO or pipe is readable (or closed): read on. */
static void
replay_readable(int fd, void *arg)
{
	struct replay	*rp = arg;

	loop_unwatch(rp->loop, fd);
	rp->watched = 0;
	loop_wake(rp->loop);
}

/* Nothing to read now: let the loop say when there is. */
static ssize_t
replay_wait(struct replay *rp)
{
	if (!rp->watched) {
		loop_watch(rp->loop, rp->fd, replay_readable, rp);
		rp->watched = 1;
	}
	return (REPLAY_AGAIN);
}

/*
 * Fill the read buffer. Returns 1, 0 at the end of the file, or
 * REPLAY_AGAIN when there is nothing yet or this turn has read enough.
 */
static int
replay_fill(struct replay *rp)
{
	struct pollfd	pfd;
	ssize_t		n;

	if (rp->slice >= REPLAY_READ_SLICE)
		return (REPLAY_AGAIN);
	for (;;) {
		n = read(rp->fd, rp->rbuf, sizeof rp->rbuf);
		if (n > 0) {
			rp->foff += n;
			rp->roff = 0;
			rp->rlen = n;
			rp->slice += n;
			rp->got = 1;
			return (1);
		}
		if (n == 0 && rp->fifo && !rp->got) {
			/* No writer yet (no hang-up seen), or one that left. */
			pfd.fd = rp->fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, 0) == 0)
				return (replay_wait(rp));
		}
		if (n == 0)
			return (0);
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return (replay_wait(rp));
		log_error("reading %s: %s", rp->cfg->replay, strerror(errno));
		return (0);
	}
}

/*
 * Read one line into rp->line (its length returned, without the newline),
 * at most cap bytes: a longer line is read to its end without being kept
 * and returns -2. Returns -1 at the end of the file, REPLAY_AGAIN when the
 * rest must wait for a later turn.
 */
static ssize_t
replay_getline(struct replay *rp, size_t cap)
{
	const char	*p, *nl;
	size_t		 k, n;
	int		 rc;

	for (;;) {
		if (rp->roff == rp->rlen && !rp->eof) {
			if ((rc = replay_fill(rp)) == REPLAY_AGAIN)
				return (REPLAY_AGAIN);
			if (rc == 0)
				rp->eof = 1;
		}
		if (rp->roff == rp->rlen) {
			/* The end of the file ends the last line. */
			if (rp->over) {
				rp->over = 0;
				return (-2);
			}
			if (rp->len == 0)
				return (-1);
			n = rp->len;
			rp->len = 0;
			return ((ssize_t)n);
		}
		p = rp->rbuf + rp->roff;
		nl = memchr(p, '\n', rp->rlen - rp->roff);
		k = nl != NULL ? (size_t)(nl - p) : rp->rlen - rp->roff;
		if (!rp->over && rp->len + k > cap) {
			rp->over = 1;
			rp->len = 0;
		}
		if (!rp->over) {
			if (rp->len + k + 1 > rp->linesz) {
				/* Doubling, but never past the cap. */
				n = rp->linesz < 2048 ? 4096 : rp->linesz * 2;
				while (n < rp->len + k + 1)
					n *= 2;
				if (n > cap + 1)
					n = cap + 1;
				rp->line = xreallocarray(rp->line, 1, n);
				rp->linesz = n;
			}
			memcpy(rp->line + rp->len, p, k);
			rp->len += k;
		}
		rp->roff += k;
		if (nl == NULL)
			continue;
		rp->roff++;
		if (rp->over) {
			rp->over = 0;
			return (-2);
		}
		n = rp->len;
		rp->len = 0;
		return ((ssize_t)n);
	}
}

/*
 * Read ahead to the next good line: 1 when there is one, 0 at the end of
 * the file, REPLAY_AGAIN when it must wait.
 */
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
		if (n == REPLAY_AGAIN)
			return (REPLAY_AGAIN);
		rp->lineno++;
		if (n == -2) {
			if (rp->bad++ == 0)
				log_warn("%s:%llu: line over %zu bytes skipped",
				    rp->cfg->replay,
				    (unsigned long long)rp->lineno, cap);
			continue;
		}
		if (n > 0 && rp->line[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		/* The line and its newline, for replay_percent(). */
		rp->havelen = (size_t)n + 1;
		if (!replay_parse(rp, rp->line, n)) {
			if (rp->bad++ == 0)
				log_warn("%s:%llu: malformed line skipped",
				    rp->cfg->replay,
				    (unsigned long long)rp->lineno);
			continue;
		}
		/* Like a live event: one over --max-event is dropped. */
		if (rp->datalen + strlen(rp->type) > rp->cfg->max_event) {
			if (rp->oversize++ == 0)
				log_warn("%s:%llu: event of %zu bytes over "
				    "--max-event skipped", rp->cfg->replay,
				    (unsigned long long)rp->lineno,
				    rp->datalen);
			replay_forget(rp);
		}
	}
	return (1);
}

static void
replay_finish(struct replay *rp)
{
	rp->done = 1;
	if (rp->bad > 0 && rp->oversize > 0)
		snprintf(rp->reason, sizeof rp->reason,
		    "%llu malformed lines and %llu events over --max-event "
		    "skipped", (unsigned long long)rp->bad,
		    (unsigned long long)rp->oversize);
	else if (rp->bad > 0)
		snprintf(rp->reason, sizeof rp->reason,
		    "%llu malformed lines skipped",
		    (unsigned long long)rp->bad);
	else if (rp->oversize > 0)
		snprintf(rp->reason, sizeof rp->reason,
		    "%llu events over --max-event skipped",
		    (unsigned long long)rp->oversize);
	if (rp->bad > 1 || rp->oversize > 1)
		log_warn("%s: %s", rp->cfg->replay, rp->reason);
	replay_set(rp, CONN_REPLAY_DONE);
}

/* The next event is due: the loop's next round drains it. */
static void
replay_due(void *arg)
{
	struct replay	*rp = arg;

	loop_wake(rp->loop);
}

int
replay_drain(struct replay *rp, int64_t until)
{
	struct sse_event	 ev;
	int64_t			 pos;
	int			 r;

	if (rp->paused || rp->done)
		return (0);
	rp->slice = 0;
	while ((r = replay_read(rp)) == 1) {
		if (!rp->timed) {
			rp->timed = 1;
			rp->t0 = rp->t;
			rp->start = loop_now_mono_us();
		}
		if (rp->speed > 0) {
			pos = rp->t0 + (int64_t)((loop_now_mono_us() - rp->start) *
			    rp->speed);
			if (rp->t > pos) {
				loop_timer_arm(rp->loop, &rp->timer,
				    (rp->t - pos) / 1e6 / rp->speed);
				return (0);
			}
		}
		memset(&ev, 0, sizeof ev);
		ev.type = rp->type;
		ev.data = rp->data;
		ev.datalen = rp->datalen;
		ev.id = "";
		rp->bytes += rp->datalen;
		rp->delivering = 1;
		if (rp->cb->event != NULL)
			rp->cb->event(rp, &ev, rp->t, rp->src, rp->arg);
		rp->delivering = 0;
		replay_forget(rp);
		if (loop_now_mono_us() >= until)
			return (1);
	}
	if (r == REPLAY_AGAIN)
		return (!rp->watched);	/* a full slice: more at once */
	replay_finish(rp);
	return (0);
}

struct replay *
replay_create(struct loop *l, const struct cfg *cfg,
    const struct replay_cb *cb, void *arg)
{
	struct replay	*rp;
	struct stat	 sb;

	rp = xcalloc(1, sizeof *rp);
	rp->fd = -1;
	rp->loop = l;
	rp->cfg = cfg;
	rp->cb = cb;
	rp->arg = arg;
	rp->speed = cfg->speed;
	loop_timer_init(&rp->timer, replay_due, rp);
	rp->state = CONN_REPLAY;
	rp->since = loop_now_wall_us();
	if ((rp->fd = open(cfg->replay, O_RDONLY | O_CLOEXEC |
	    O_NONBLOCK)) == -1 || fstat(rp->fd, &sb) == -1) {
		snprintf(rp->reason, sizeof rp->reason, "%s: %s",
		    cfg->replay, strerror(errno));
		log_error("%s", rp->reason);
		rp->state = CONN_FAILED;
		rp->done = 1;
		return (rp);
	}
	rp->fifo = S_ISFIFO(sb.st_mode);
	rp->fsize = S_ISREG(sb.st_mode) ? (int64_t)sb.st_size : -1;
	loop_wake(l);
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
		rp->pause_at = loop_now_mono_us();
		loop_timer_cancel(rp->loop, &rp->timer);
		replay_set(rp, CONN_REPLAY_PAUSED);
	} else {
		rp->start += loop_now_mono_us() - rp->pause_at;
		loop_wake(rp->loop);
		replay_set(rp, CONN_REPLAY);
	}
}

void
replay_skip(struct replay *rp, double seconds)
{
	if (rp->done || seconds <= 0 || rp->speed <= 0)
		return;
	/* Move the start back: the recording's clock jumps ahead. */
	rp->start -= (int64_t)(seconds * 1e6 / rp->speed);
	loop_timer_cancel(rp->loop, &rp->timer);
	loop_wake(rp->loop);
}

void
replay_free(struct replay *rp)
{
	if (rp == NULL)
		return;
	loop_timer_cancel(rp->loop, &rp->timer);
	replay_forget(rp);
	if (rp->watched)
		loop_unwatch(rp->loop, rp->fd);
	if (rp->fd != -1)
		close(rp->fd);
	free(rp->line);
	free(rp);
}

enum conn_state
replay_state(const struct replay *rp)
{
	return (rp->state);
}

const char *
replay_reason(const struct replay *rp)
{
	return (rp->reason);
}

int64_t
replay_since(const struct replay *rp)
{
	return (rp->since);
}

uint64_t
replay_bytes(const struct replay *rp)
{
	return (rp->bytes);
}

int
replay_percent(const struct replay *rp)
{
	int64_t	done;

	if (rp->fsize < 0)
		return (-1);
	if (rp->done || rp->fsize == 0)
		return (100);
	/* Read, less what is buffered and a line read ahead, not yet out. */
	done = rp->foff - (int64_t)(rp->rlen - rp->roff) - (int64_t)rp->len -
	    (rp->have && !rp->delivering ? (int64_t)rp->havelen : 0);
	if (done < 0)
		done = 0;
	if (done > rp->fsize)
		done = rp->fsize;
	return ((int)(done * 100 / rp->fsize));
}

double
replay_speed(const struct replay *rp)
{
	return (rp->speed);
}
