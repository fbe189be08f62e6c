/*
 * client-int.h: the engine's private seams between client.c and
 * record.c (recording and replay). Not for the front ends.
 */
#ifndef CLIENT_INT_H
#define CLIENT_INT_H

#include <stdint.h>

struct cfg;
struct client;
struct client_status;
struct filter;
struct loop;
struct sse_event;

/*
 * Hand one event to the sink as if it came from a stream: loc is the
 * subscription's client-side filter (may be NULL), slot the stream's
 * duplicate-check slot (-1: no check) and src its enum hist_source.
 * Returns 1 if a message reached the sink.
 */
int	client_deliver(struct client *, const struct sse_event *,
	    int64_t recv_us, const struct filter *loc, int slot, int src);

/* The status for the replay to change; tell the sink with _changed. */
struct client_status *client_status_rw(struct client *);
void	client_status_changed(struct client *);

struct record;

/*
 * Open (create 0600, append) a recording file. Returns NULL with an
 * allocated *cause on failure. The file never holds the token.
 */
struct record	*record_open(struct loop *, const char *path, char **cause);

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

struct replay;

/*
 * Start replaying cfg->replay through c, paced by cfg->speed. Problems
 * are reported through the status (CONN_FAILED). Never NULL.
 */
struct replay	*replay_open(struct client *, struct loop *,
		    const struct cfg *, struct client_status *);
void		 replay_pause(struct replay *, int);
void		 replay_skip(struct replay *, double seconds);
void		 replay_close(struct replay *);

#endif
