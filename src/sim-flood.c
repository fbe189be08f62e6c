/* sim-flood.c: a flood of realistic messages, rendered from a template. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "sim.h"
#include "xmalloc.h"

/* What a template segment is followed by. */
enum seg_kind { SEG_END, SEG_SEQ, SEG_SEQ6, SEG_TIME };

/* A literal piece of the rendered event and the field after it. */
struct flood_seg {
	char		*text;
	size_t		 len;
	enum seg_kind	 next;
};

static struct flood_seg	*segs;
static size_t		 nsegs;
static size_t		 fixed_len;	/* literal bytes per message */
static int		 nseq, nseq6, ntime;
static struct sim_event	 keys;
static pthread_t	 flood_thread;
static int		 flood_running;

/*
 * The message with placeholders where the varying fields go: a data
 * agent's stf_ready as the monitor relays it (string run id, sender
 * copied into sender_agent, no recipient).
 */
static json_t *
flood_message(void)
{
	const char	*agent = "data-agent-flood-9";

	return (json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s,"
	    "s:s,s:s,s:n,s:s,s:s}",
	    "msg_type", "stf_ready",
	    "filename", "swf.100001.@@SEQ6@@.stf",
	    "run_id", "100001",
	    "file_url", "root://xrootd.example.org:1094/pnfs/example.org/"
	    "eic/epic/disk/swfdaq/run100001/swf.100001.@@SEQ6@@.stf",
	    "checksum", "ad:8fe2d4c1",
	    "size_bytes", (json_int_t)104857600,
	    "sequence", "@@SEQ@@",
	    "state", "run",
	    "substate", "physics",
	    "processed_by", agent,
	    "sender", agent,
	    "namespace", "flood",
	    "sender_agent", agent,
	    "recipient_agent",
	    "queue_name", "epictopic",
	    "sent_at", "@@TIME@@"));
}

/* Find the earliest placeholder in s; NULL if none. */
static const char *
flood_next_mark(const char *s, enum seg_kind *kind, size_t *marklen)
{
	static const struct {
		const char	*mark;
		enum seg_kind	 kind;
	} marks[] = {
		{ "\"@@SEQ@@\"", SEG_SEQ },
		{ "@@SEQ6@@", SEG_SEQ6 },
		{ "@@TIME@@", SEG_TIME },
	};
	const char	*best = NULL, *p;
	size_t		 i;

	for (i = 0; i < sizeof marks / sizeof marks[0]; i++) {
		if ((p = strstr(s, marks[i].mark)) != NULL &&
		    (best == NULL || p < best)) {
			best = p;
			*kind = marks[i].kind;
			*marklen = strlen(marks[i].mark);
		}
	}
	return (best);
}

/* Render the template once and cut it at the placeholders. */
void
sim_flood_init(void)
{
	json_t		*msg;
	char		*data, *ev;
	const char	*p, *m;
	enum seg_kind	 kind;
	size_t		 marklen;

	msg = flood_message();
	data = sim_msg_pyjson_dump(msg, PYJSON_ASCII);
	xasprintf(&ev, "event: stf_ready\ndata: %s\n\n", data);
	keys.msg_type = xstrdup("stf_ready");
	keys.run_id = xstrdup("100001");
	keys.processed_by = xstrdup(json_string_value(json_object_get(msg,
	    "processed_by")));
	free(data);
	json_decref(msg);

	for (p = ev;; p = m + marklen) {
		segs = xreallocarray(segs, nsegs + 1, sizeof *segs);
		if ((m = flood_next_mark(p, &kind, &marklen)) == NULL) {
			segs[nsegs].text = xstrdup(p);
			segs[nsegs].len = strlen(p);
			segs[nsegs++].next = SEG_END;
			fixed_len += strlen(p);
			break;
		}
		segs[nsegs].text = xstrndup(p, m - p);
		segs[nsegs].len = m - p;
		segs[nsegs++].next = kind;
		fixed_len += m - p;
		nseq += kind == SEG_SEQ;
		nseq6 += kind == SEG_SEQ6;
		ntime += kind == SEG_TIME;
	}
	free(ev);
}

/* Free the template. */
void
sim_flood_free(void)
{
	size_t	i;

	for (i = 0; i < nsegs; i++)
		free(segs[i].text);
	free(segs);
	segs = NULL;
	nsegs = 0;
	free(keys.msg_type);
	free(keys.processed_by);
	free(keys.run_id);
}

/* See sim.h. */
const struct sim_event *
sim_flood_keys(void)
{
	return (&keys);
}

/* The longest a rendered flood event can be. */
size_t
sim_flood_max_len(void)
{
	return (fixed_len + (nseq + nseq6) * 20 + ntime * 40);
}

/* Decimal digits of v, at least width wide with leading zeros. */
static size_t
flood_digits(char *out, uint64_t v, int width)
{
	char	tmp[24];
	size_t	n = 0, i;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v != 0);
	while ((int)n < width)
		tmp[n++] = '0';
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return (n);
}

/* See sim.h: whole messages only, with one timestamp per call. */
size_t
sim_flood_fill(char *buf, size_t max, uint64_t *next, uint64_t end)
{
	char	 now[64], *p = buf;
	size_t	 nowlen, i, need;

	sim_msg_iso_now(now, sizeof now, ISO_DJANGO);
	nowlen = strlen(now);
	for (; *next < end; (*next)++) {
		need = fixed_len + (nseq + nseq6) * 20 + ntime * nowlen;
		if (need > max - (size_t)(p - buf))
			break;
		for (i = 0; i < nsegs; i++) {
			memcpy(p, segs[i].text, segs[i].len);
			p += segs[i].len;
			switch (segs[i].next) {
			case SEG_SEQ:
				p += flood_digits(p, *next, 1);
				break;
			case SEG_SEQ6:
				p += flood_digits(p, *next, 6);
				break;
			case SEG_TIME:
				memcpy(p, now, nowlen);
				p += nowlen;
				break;
			case SEG_END:
				break;
			}
		}
	}
	return (p - buf);
}

/* Sleep a little, or not at all when quitting. */
static void
flood_nap(double seconds)
{
	struct timespec	ts;

	if (seconds > 0.05)
		seconds = 0.05;
	if (seconds < 0.0005)
		seconds = 0.0005;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(seconds * 1e9);
	nanosleep(&ts, NULL);
}

/* The paced flood: broadcast on the clock through the client queues. */
static void *
flood_main(void *arg)
{
	struct sim_event	*ev;
	char			*tmp;
	uint64_t		 sent = 0, target, seq;
	double			 t0, now;
	size_t			 n;

	tmp = xmalloc(sim_flood_max_len());
	t0 = sim_msg_mono();
	while (!atomic_load(&sim_main_quit)) {
		if (sim_main_cfg.count != 0 && sent >= sim_main_cfg.count)
			break;
		now = sim_msg_mono();
		target = (uint64_t)((now - t0) * sim_main_cfg.rate) + 1;
		if (sim_main_cfg.count != 0 && target > sim_main_cfg.count)
			target = sim_main_cfg.count;
		while (sent < target && !atomic_load(&sim_main_quit)) {
			seq = sent + 1;
			n = sim_flood_fill(tmp, sim_flood_max_len(), &seq, seq + 1);
			ev = sim_msg_event_raw(tmp, n);
			ev->msg_type = xstrdup(keys.msg_type);
			ev->processed_by = xstrdup(keys.processed_by);
			ev->run_id = xstrdup(keys.run_id);
			sim_stream_broadcast(ev);
			sim_msg_event_unref(ev);
			sent++;
		}
		flood_nap(t0 + (sent + 1) / sim_main_cfg.rate - sim_msg_mono());
	}
	free(tmp);
	if (sim_main_cfg.count != 0 && sent >= sim_main_cfg.count)
		log_info("flood done: %llu messages", (unsigned long long)sent);
	return (NULL);
}

/* Start the paced flood thread (a rate of 0 floods per client instead). */
void
sim_flood_start(void)
{
	if (!sim_main_cfg.flood || sim_main_cfg.rate == 0)
		return;
	if (pthread_create(&flood_thread, NULL, flood_main, NULL) != 0)
		fatalx("pthread_create failed");
	flood_running = 1;
}

/* Join the flood thread; sim_main_quit must be set. */
void
sim_flood_stop(void)
{
	if (flood_running)
		pthread_join(flood_thread, NULL);
	flood_running = 0;
}
