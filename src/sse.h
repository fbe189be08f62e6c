/*
 * sse.h: a pure, incremental parser for the WHATWG event-stream format
 * ("interpreting an event stream"). Bytes in, events out; no I/O.
 */
#ifndef SSE_H
#define SSE_H

#include <stddef.h>
#include <stdint.h>

#define SSE_DEFAULT_MAX_EVENT	(1024 * 1024)

/*
 * The longest last event ID kept, in bytes once decoded. A longer "id"
 * field is ignored (the last event ID stays as it was) and counted: it
 * would be repeated with every event and sent back as Last-Event-ID.
 */
#define SSE_ID_MAX		1024

/*
 * One dispatched event. All strings are NUL-terminated UTF-8 (invalid
 * input bytes replaced by U+FFFD) and are owned by the parser: they are
 * valid only during the callback. type is "message" when the stream gave
 * no event field; a U+0000 in it becomes U+FFFD, so that it is a whole C
 * string. data may contain NUL bytes (U+0000 is legal in the stream), so
 * datalen is authoritative. id is the last event ID buffer (possibly ""),
 * which persists across events and across sse_reset().
 */
struct sse_event {
	const char	*type;
	const char	*data;
	size_t		 datalen;
	const char	*id;
};

typedef void (*sse_event_fn)(const struct sse_event *, void *);

struct sse_parser;

/*
 * Create a parser calling fn for every dispatched event. max_event bounds
 * the bytes of one event (line plus accumulated data); 0 means the default.
 * An event over the cap is dropped and counted, and the parser resyncs at
 * the next blank line. Never returns NULL; free with sse_free(). The
 * callback must not call sse_feed() or sse_free() on the same parser.
 */
struct sse_parser *sse_create(size_t max_event, sse_event_fn fn, void *arg);
void	sse_free(struct sse_parser *);

/* Feed len bytes. Every split of the same bytes yields the same events. */
void	sse_feed(struct sse_parser *, const char *buf, size_t len);

/*
 * Start a new stream (a new connection): discard any unfinished line and
 * event (an unfinished event at end of stream is never dispatched) and
 * expect an optional BOM again. The last event ID and retry are kept.
 */
void	sse_reset(struct sse_parser *);

/* Last event ID buffer ("" if none). Owned by the parser. */
const char *sse_last_id(const struct sse_parser *);

/* Last valid retry: value in milliseconds, or -1 if the stream gave none. */
long long sse_retry(const struct sse_parser *);

/* Events dropped for exceeding the size cap since creation. */
uint64_t sse_dropped(const struct sse_parser *);

/* "id" fields ignored for exceeding SSE_ID_MAX since creation. */
uint64_t sse_ids_dropped(const struct sse_parser *);

#endif
