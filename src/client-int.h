/*
 * client-int.h: the engine's private seams between client.c, record.c
 * (recording) and replay.c (replay). Not for the front ends.
 */
#ifndef CLIENT_INT_H
#define CLIENT_INT_H

#include <stdint.h>

#include "client.h"

struct cfg;
struct client;
struct client_status;
struct filter;
struct loop;
struct sse_event;

struct record;

/*
 * Open (create 0600, append) a recording file. Returns NULL with an
 * allocated *cause on failure. The file never holds the token.
 */
struct record	*record_open(struct loop *, const char *path, char **cause);

/*
 * Open path as record_open() does (0600, append, never
 * through a symbolic link: that is refused in words). Returns the
 * descriptor, or -1 with an allocated *cause.
 */
int		 record_open_fd(const char *path, char **cause);

/*
 * Append one event as a JSON line and flush it; a message read from the
 * history (src HSRC_HISTORY) is marked "source": "history". Returns 0,
 * or -1 when it was not written (this write or an earlier one failed;
 * see record_error). NULL records nothing and returns 0.
 */
int		 record_event(struct record *, const struct sse_event *,
		    int64_t recv_us, int src);

/* Why writing failed ("" while it works). Valid until the next call. */
const char	*record_error(const struct record *);

/* Reopen the file (after logrotate moved it). */
void		 record_reopen(struct record *);
void		 record_close(struct record *);

/*
 * A recording as a source beside the stream (replay.c): the client's
 * worker calls replay_drain(), which reports each event that is due
 * through cb->event (src: enum hist_source of the recorded line) and
 * each change of state through cb->state, both from the loop.
 */
struct replay;

struct replay_cb {
	void	(*event)(struct replay *, const struct sse_event *,
		    int64_t recv_us, int src, void *);
	void	(*state)(struct replay *, void *);
};

/*
 * Open cfg->replay, paced by cfg->speed. A file that cannot be opened
 * leaves the replay in CONN_FAILED with a reason (no callback). cfg and
 * cb must outlive it. Never NULL; free with replay_free().
 */
struct replay	*replay_create(struct loop *, const struct cfg *,
		    const struct replay_cb *, void *);

/*
 * Deliver what is due until the monotonic clock passes until (us); at
 * least one event. Returns 1 if more is due now. The event callback must
 * not free the replay.
 */
int		 replay_drain(struct replay *, int64_t until);
void		 replay_pause(struct replay *, int);
void		 replay_skip(struct replay *, double seconds);
void		 replay_free(struct replay *);

/* CONN_REPLAY, CONN_REPLAY_PAUSED, CONN_REPLAY_DONE or CONN_FAILED. */
enum conn_state	 replay_state(const struct replay *);
const char	*replay_reason(const struct replay *);
int64_t		 replay_since(const struct replay *);	/* wall us */
uint64_t	 replay_bytes(const struct replay *);

/*
 * How much of the recording has been delivered, in percent of the file's
 * size (-1 when it has no size: a FIFO or a pipe), and --speed.
 */
int		 replay_percent(const struct replay *);
double		 replay_speed(const struct replay *);

#endif
