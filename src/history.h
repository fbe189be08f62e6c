/*
 * history.h: the pure core of back-filling from the monitor's REST
 * history (PROTOCOL.md, "REST history for back-fill"): the identity of a
 * message that survives the monitor's enrichment, a bounded seen-set that
 * delivers each message once whether history or the stream brings it
 * first, an item-at-a-time reader of a history answer (one item in
 * memory, never a tree of the whole answer), and per-run tracking of
 * stf_gen sequences and lifecycle steps that finds holes. No curl, no
 * curses.
 */
#ifndef HISTORY_H
#define HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include <sys/queue.h>
#include <sys/tree.h>

#include "jscan.h"

/* Where a message came from. */
enum hist_source {
	HSRC_LIVE,		/* the SSE stream */
	HSRC_HISTORY		/* a workflow-messages answer */
};

/* --history: what is read. */
enum hist_mode {
	HIST_DEFAULT = -1,	/* all for the dashboard, gaps headless */
	HIST_OFF,		/* nothing */
	HIST_GAPS,		/* holes and reconnects only */
	HIST_ALL		/* also the running executions at start */
};

#define HIST_ID_MAX	256	/* bytes kept of a run or execution id */
#define HIST_SEQ_MAX	(1U << 20) /* sequences tracked per run */
#define HIST_SEEN_MIN	65536	/* smallest seen-set */

/* The words of a mode ("off", "gaps", "all"); -1 for other words. */
int		 history_mode_parse(const char *);
const char	*history_mode_name(enum hist_mode);

/*
 * What one message says about itself. id is the identity: a 64-bit hash
 * of msg_type, run_id (as text, whether number or string), execution_id,
 * sequence, filename, the agent's timestamp (and created_at) and sender
 * (strings unescaped, numbers as written); never sent_at or sender_agent,
 * which the monitor adds. Never 0. run and exec are sanitized text ("" when
 * absent), as msg.c shows the run id. A message with none of these
 * fields but msg_type is weak: it cannot be told from another like it.
 */
struct hist_key {
	uint64_t	 id;
	int64_t		 seq;		/* sequence, -1 if none */
	int64_t		 total;		/* total_stf_files, -1 if none */
	int		 weak;		/* no field but msg_type: no identity */
	char		 type[64];	/* msg_type, "" if none */
	char		 run[HIST_ID_MAX + 1];
	char		 exec[HIST_ID_MAX + 1];
};

/*
 * Fill k from a message's JSON data (len bytes, untrusted). Returns 0, or
 * -1 when the data is not a JSON object (k->id then hashes the bytes).
 */
int		 history_key_of(const char *data, size_t len, struct hist_key *k);
/* Whether data has the text "execution_id" (quoted): as memmem() says. */
int		 history_has_execution(const char *data, size_t len);
/* Where key (n bytes, starting with '"') first is: as memmem() says. */
const char	*history_find_quoted(const char *data, size_t len, const char *key,
		    size_t n);

/*
 * The seen-set: identities delivered recently, at most max of them (the
 * oldest forgotten first). history_seen_check() says whether to deliver a
 * message from src: a history item is delivered unless its identity was
 * seen at all; a live message is dropped only when history delivered it
 * first (once: a second identical live message is a real one).
 */
struct hist_seen;

struct hist_seen *history_seen_create(size_t max);
void		 history_seen_free(struct hist_seen *);
int		 history_seen_check(struct hist_seen *, uint64_t id,
		    enum hist_source);
/* Forget an identity (its slot in the FIFO ages out as usual). */
void		 history_seen_forget(struct hist_seen *, uint64_t id);
size_t		 history_seen_count(const struct hist_seen *);
uint64_t	 history_seen_forgotten(const struct hist_seen *);

/*
 * Reading a JSON array of objects item by item: history_items_begin() on
 * the whole answer (len bytes, untrusted), then history_items_next() until
 * it returns 0 (end) or -1 (malformed: the items before stay good).
 * Each item is validated by jscan and the wanted keys found in it; vals
 * (keys->n of them) point into buf. Nothing is copied.
 */
struct hist_items {
	const char	*buf;
	size_t		 len;
	size_t		 off;
	int		 state;		/* 0 first, 1 after an item, 2 done */
};

int		 history_items_begin(struct hist_items *, const char *buf,
		    size_t len);
int		 history_items_next(struct hist_items *,
		    const struct jscan_keys *, struct jscan_val *,
		    const char **item, size_t *itemlen);

/* The keys of a workflow-messages item. */
enum hist_item_key {
	HK_CONTENT, HK_TYPE, HK_SENT_AT, HK_NAMESPACE, HK_SENDER_AGENT,
	HK_RECIPIENT_AGENT, HK_EXEC, HK_RUN, HK_COUNT
};
const struct jscan_keys *history_item_keys(void);

/*
 * The message of one workflow-messages item as the stream would carry
 * it: message_content (the agent's original message) with what the
 * monitor adds where missing (sender_agent, recipient_agent, namespace,
 * sent_at, msg_type from message_type). Returns the compact JSON (the
 * caller frees) and its length in *len, or NULL when the item has no
 * usable message_content.
 */
char		*history_item_message(const struct jscan_val *vals, size_t *len);

/*
 * A string value (JT_STRING or a number) as sanitized text into buf;
 * "" for anything else. Returns buf.
 */
char		*history_val_text(const struct jscan_val *, char *buf,
		    size_t size);

/*
 * The sequence numbers seen of one run: a growing bitmap (at most
 * HIST_SEQ_MAX numbers; larger ones are counted as seen and not kept).
 */
struct hist_seqs {
	uint8_t		*bits;
	uint32_t	 cap;		/* bits allocated */
	uint32_t	 max;		/* highest sequence seen */
	uint32_t	 seen;		/* distinct sequences from 1 to max */
	uint32_t	 expect;	/* total_stf_files of end_run, 0 none */
};

/* Mark seq seen: 1 if new, 0 if seen before or out of range. */
int		 history_seqs_add(struct hist_seqs *, int64_t seq);
int		 history_seqs_has(const struct hist_seqs *, uint32_t seq);
/* The last sequence expected: max seen or end_run's total. */
uint32_t	 history_seqs_last(const struct hist_seqs *);
/* Sequences from 1 to history_seqs_last() not seen. */
uint32_t	 history_seqs_missing(const struct hist_seqs *);
/* Those from from (at least 1) to history_seqs_last() not seen. */
uint32_t	 history_seqs_missing_from(const struct hist_seqs *, uint32_t from);
/*
 * Up to n missing sequences from from upwards into out; returns how many.
 */
size_t		 history_seqs_list(const struct hist_seqs *, uint32_t from,
		    uint32_t *out, size_t n);
/*
 * The missing ones from from upwards as ranges, "16-18, 21" (en dashes)
 * into buf.
 */
char		*history_seqs_ranges(const struct hist_seqs *, uint32_t from,
		    char *buf, size_t size);
void		 history_seqs_free(struct hist_seqs *);

/*
 * Per-run tracking for the engine: which execution a run belongs to,
 * its sequences and lifecycle steps, and whether a hole is open. At most
 * max runs (least recently seen evicted).
 */
#define HRUN_IMMINENT	0x01
#define HRUN_START	0x02
#define HRUN_END	0x04

struct hist_run {
	RB_ENTRY(hist_run)	 entry;
	TAILQ_ENTRY(hist_run)	 lru;
	char			*id;
	char			*exec;		/* "" until known */
	struct hist_seqs	 seqs;
	int			 steps;		/* HRUN_* seen */
	int			 hole;		/* a hole is open */
	int			 midway;	/* first seen after its start */
	int			 merged;	/* history read since the hole */
	uint32_t		 first;		/* first sequence seen live */
	uint64_t		 reported;	/* missing last reported */
};
RB_HEAD(history_run_tree, hist_run);
TAILQ_HEAD(hist_run_lru, hist_run);
RB_PROTOTYPE(history_run_tree, hist_run, entry, hist_run_cmp);

struct hist_runs {
	struct history_run_tree	 tree;
	struct hist_run_lru	 lru;
	size_t			 n, max;
};

void		 history_runs_init(struct hist_runs *, size_t max);
void		 history_runs_clear(struct hist_runs *);
struct hist_run	*history_runs_find(struct hist_runs *, const char *id);

/*
 * Account one message. Returns 1 when, from a live message, a hole
 * opened: a jump in stf_gen sequence, a lifecycle step skipped, fewer
 * files than end_run's total, or (when midway_is_hole) a run first seen
 * after its start. *rp gets the run (NULL if the message has none).
 */
int		 history_runs_add(struct hist_runs *, const struct hist_key *,
		    enum hist_source, int midway_is_hole,
		    struct hist_run **rp);

#endif
