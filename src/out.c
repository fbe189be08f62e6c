/*
 * out.c: the headless front end. Three sinks share one runner: plain
 * (a human line per message), json (each message's data object, one per
 * line, for jq) and events (every SSE event as parsed). stdout is block
 * buffered and flushed whenever the loop goes idle, so a pipe sees each
 * message at once without a write per line under a flood. Status and
 * errors go to stderr only.
 *
 * json without a client-side filter (no agents or runs checked here) is
 * a pass-through: nothing is decoded; each event's data is validated by
 * jscan (what jansson accepts as an object) and written as received.
 * With a filter, messages are decoded to be matched, then written the
 * same way.
 *
 * alerts feeds every decoded message, the stream's state and the agents
 * registry to the alert engine, ticks it every second, and writes one
 * JSON line per raised or cleared alert, flushed at once.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <jansson.h>

#include "alert.h"
#include "cfg.h"
#include "client.h"
#include "filter.h"
#include "history.h"
#include "jscan.h"
#include "log.h"
#include "loop.h"
#include "msg.h"
#include "out.h"
#include "run.h"
#include "sse.h"
#include "text.h"
#include "xmalloc.h"

#define OUT_BUFFER	(256 * 1024)
#define OUT_HUP_EVERY	0.5	/* seconds between looks at stdout */

struct out {
	struct loop	*loop;
	struct cfg	*cfg;
	struct client	*client;
	int		 color;
	int		 dead;		/* stdout is gone */
	int		 done;		/* --count reached */
	uint64_t	 printed;	/* messages written */
	int		 code;
	uint64_t	 skipped;	/* json: data not an object */
	char		 lastwhy[256];
	enum conn_state	 laststate;
	struct timer	 t_hup;
	struct alerts	*alerts;
	struct runs	*runs;		/* alerts: the gap facts */
	int64_t		 skew;		/* replay: wall time minus its time */
	struct timer	 t_alerts;
};

/* stdout's buffer: static, as it must outlive every write and exit(). */
static char	out_buffer[OUT_BUFFER];

/* SGR colour of each message family, from msg_colours (out_run). */
static char	out_colors[FAM_MARKER][32];

/* The SGR sequences of msg_colours, the dashboard's table. */
static void
out_colors_init(void)
{
	const struct msg_colour	*c;
	const char		*a;
	int			 f;

	for (f = 0; f < FAM_MARKER; f++) {
		c = &msg_colours[f];
		a = c->attr == MSG_BOLD ? "1" : c->attr == MSG_DIM ? "2" : "";
		if (c->fg < 0 && *a == '\0')
			out_colors[f][0] = '\0';
		else if (c->fg < 0)
			snprintf(out_colors[f], sizeof out_colors[f],
			    "\033[%sm", a);
		else
			snprintf(out_colors[f], sizeof out_colors[f],
			    "\033[%s%s3%dm", a, *a != '\0' ? ";" : "", c->fg);
	}
}

static void
out_failed(struct out *o)
{
	if (o->dead)
		return;
	o->dead = 1;
	if (errno == EPIPE) {
		log_debug("stdout closed");
		loop_exit(o->loop, SWF_EXIT_OK);
	} else {
		log_error("writing to stdout: %s", strerror(errno));
		o->code = SWF_EXIT_OUTPUT;
		loop_exit(o->loop, SWF_EXIT_OUTPUT);
	}
}

/*
 * Whether the reader of stdout has gone, seen without writing: a pipe or
 * socket whose other end closed polls as POLLERR or POLLHUP. libcurl's
 * poll reports only POLLIN/POLLOUT/POLLPRI for extra descriptors, so
 * this is a short timer rather than a watched descriptor.
 */
static void
out_hup(void *arg)
{
	struct out	*o = arg;
	struct pollfd	 pfd;

	pfd.fd = STDOUT_FILENO;
	pfd.events = 0;
	pfd.revents = 0;
	if (!o->dead && poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))) {
		log_debug("stdout closed");
		o->dead = 1;
		loop_exit(o->loop, SWF_EXIT_OK);
		return;
	}
	loop_timer_arm(o->loop, &o->t_hup, OUT_HUP_EVERY);
}

static void
out_flush(void *arg)
{
	struct out	*o = arg;

	if (!o->dead && fflush(stdout) == EOF)
		out_failed(o);
}

static void
out_check(struct out *o)
{
	if (ferror(stdout))
		out_failed(o);
}

/* One message written: stop after --count of them. */
static void
out_counted(struct out *o)
{
	if (o->cfg->count == 0 || ++o->printed < o->cfg->count)
		return;
	o->done = 1;
	log_debug("--count %zu reached", o->cfg->count);
	loop_exit(o->loop, SWF_EXIT_OK);
}

/* "-" for an empty field, fitted to cols columns. */
static void
out_col(char *dst, size_t size, const char *s, size_t cols)
{
	text_fit(dst, size, *s != '\0' ? s : "-", cols, 1);
}

static void
out_plain(struct msg *m, void *arg)
{
	struct out	*o = arg;
	struct tm	 tm;
	time_t		 t;
	int64_t		 us = m->sent_us != 0 ? m->sent_us : m->recv_us;
	char		 hms[16], type[128], agent[512], run[96];
	size_t		 aw;
	const char	*file = msg_get(m, MF_FILE), *text = msg_get(m, MF_TEXT);
	const char	*on = "", *off = "";

	if (o->dead || o->done) {
		free(m);
		return;
	}
	t = us / 1000000;
	localtime_r(&t, &tm);
	strftime(hms, sizeof hms, "%H:%M:%S", &tm);
	out_col(type, sizeof type, msg_get(m, MF_TYPE), 20);
	/*
	 * The agent whole (a registered name has at most 100 characters):
	 * names differ at their end ("...-alpha-1", "...-alpha-2").
	 */
	aw = text_width(msg_get(m, MF_AGENT));
	out_col(agent, sizeof agent, msg_get(m, MF_AGENT), aw < 26 ? 26 :
	    aw > 100 ? 100 : aw);
	out_col(run, sizeof run, msg_get(m, MF_RUN), 10);
	if (o->color && m->family < FAM_MARKER) {
		on = out_colors[m->family];
		off = *on != '\0' ? "\033[0m" : "";
	}
	printf("%s.%03d %s%s%s %s %s %s%s%s\n", hms,
	    (int)((us % 1000000) / 1000), on, type, off, agent, run,
	    *file != '\0' ? file : "-", *text != '\0' ? "  " : "", text);
	free(m);
	out_check(o);
	out_counted(o);
}

/*
 * Write JSON text, escaping what is valid JSON but unsafe to print raw or
 * to split lines on: DEL, the C1 controls U+0080-U+009F (8-bit CSI among
 * them) and U+2028, U+2029. They can only be inside strings, where the
 * \u form means the same.
 *
 * Each of them starts with a byte of 0x7f or above, so out_json_skip()
 * passes over runs of bytes all below 0x7f (most of a message) 16 at a
 * time with SSE2 (a byte's top bit, or its equality with 0x7f), then 8 at
 * a time in a word: adding 1 to each byte sets its top bit exactly when
 * it is 0x7f, and a carry out of a byte only comes from 0xff, whose own
 * top bit is set. Only what is left is looked at byte by byte.
 */
#define OUT_ONES	0x0101010101010101ULL
#define OUT_HIGHS	0x8080808080808080ULL

/* The first place from i on that may start a sequence to escape. */
static size_t
out_json_skip(const unsigned char *p, size_t i, size_t n)
{
	uint64_t	w;
#ifdef __SSE2__
	const __m128i	del = _mm_set1_epi8(0x7f);
	__m128i		v;

	while (n - i >= 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		if (_mm_movemask_epi8(_mm_or_si128(v,
		    _mm_cmpeq_epi8(v, del))) != 0)
			break;
		i += 16;
	}
#endif
	while (n - i >= sizeof w) {
		memcpy(&w, p + i, sizeof w);
		if (((w + OUT_ONES) | w) & OUT_HIGHS)
			break;
		i += sizeof w;
	}
	return (i);
}

static void
out_json_write(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, from = 0, k;
	unsigned		 cp;

	while ((i = out_json_skip(p, i, n)) < n) {
		k = 1;
		if (p[i] == 0x7f)
			cp = 0x7f;
		else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f) {
			cp = p[i + 1];
			k = 2;
		} else if (p[i] == 0xe2 && i + 2 < n && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			cp = 0x2028 + (p[i + 2] - 0xa8);
			k = 3;
		} else {
			i++;
			continue;
		}
		fwrite(s + from, 1, i - from, stdout);
		printf("\\u%04x", cp);
		i += k;
		from = i;
	}
	fwrite(s + from, 1, n - from, stdout);
}

static int
out_json_cb(const char *s, size_t n, void *arg)
{
	out_json_write(s, n);
	return (0);
}

/*
 * Write one event's data as a JSON line. r is jscan_object()'s verdict on
 * it: -1 (not an object: skipped and counted), or its result bits: none
 * (written as it is), JSCAN_HIGH alone (written by out_json_write(), which
 * escapes what a JavaScript reader or a terminal could trip on), or CR,
 * LF or NUL bytes, when jansson writes it again on one line (the rare
 * data sent as several "data:" lines).
 */
static void
out_json_data(struct out *o, const char *type, const char *data, size_t len,
    int r)
{
	json_t		*j;
	json_error_t	 err;
	char		 t[64];

	if (r < 0) {
		if (o->skipped++ == 0) {
			text_sanitize_buf(t, sizeof t, type, strlen(type));
			log_warn("skipping a %s message whose data is not a "
			    "JSON object", t);
		}
		return;
	}
	if ((r & (JSCAN_NEWLINE | JSCAN_NULBYTE)) == 0) {
		if (r & JSCAN_HIGH)
			out_json_write(data, len);
		else
			fwrite(data, 1, len, stdout);
		putchar('\n');
	} else {
		if ((j = json_loadb(data, len, JSON_ALLOW_NUL, &err)) ==
		    NULL) {
			o->skipped++;
			return;
		}
		json_dump_callback(j, out_json_cb, NULL, JSON_COMPACT);
		putchar('\n');
		json_decref(j);
	}
	out_check(o);
	out_counted(o);
}

/* json with a client-side filter: a decoded message that passed it. */
static void
out_json(struct msg *m, void *arg)
{
	struct out	*o = arg;
	const char	*raw;
	int		 r = -1;

	if (!o->dead && !o->done) {
		raw = msg_json(m);
		if (m->is_json)
			r = memchr(raw, '\n', m->jsonlen) != NULL ||
			    memchr(raw, '\r', m->jsonlen) != NULL ||
			    memchr(raw, '\0', m->jsonlen) != NULL ?
			    JSCAN_NEWLINE : JSCAN_HIGH;
		out_json_data(o, msg_get(m, MF_TYPE), raw, m->jsonlen, r);
	}
	free(m);
}

/* json without one: every message event's data, validated, as it came. */
static void
out_pass(const struct sse_event *ev, int64_t recv_us, void *arg)
{
	struct out	*o = arg;

	if (o->dead || o->done || client_is_control(ev->type))
		return;
	out_json_data(o, ev->type, ev->data, ev->datalen,
	    jscan_object(ev->data, ev->datalen, JSCAN_ALLOW_NUL, NULL, NULL));
}

static void
out_event(const struct sse_event *ev, int64_t recv_us, void *arg)
{
	struct out	*o = arg;
	json_t		*j;

	if (o->dead || o->done)
		return;
	j = json_pack("{s:s, s:s, s:s%, s:s}", "event", ev->type, "id", ev->id,
	    "data", ev->data, ev->datalen, "source",
	    client_source(o->client) == HSRC_HISTORY ? "history" : "live");
	if (j == NULL) {
		/* Only invalid UTF-8 can fail, and the parser rules it out. */
		log_warn("event not representable as JSON");
		return;
	}
	json_dump_callback(j, out_json_cb, NULL, JSON_COMPACT);
	putchar('\n');
	json_decref(j);
	out_check(o);
	/* Only messages count, not connected or heartbeat. */
	if (!client_is_control(ev->type))
		out_counted(o);
}

/* alerts: a transition, written and flushed at once. */
static void
out_alert(const struct alert *a, int raised, void *arg)
{
	struct out	*o = arg;
	char		*line;

	if (o->dead || o->done)
		return;
	line = alert_json(a, raised);
	out_json_write(line, strlen(line));
	putchar('\n');
	free(line);
	out_check(o);
	out_flush(o);
	out_counted(o);
}

static void
out_alert_msg(struct msg *m, void *arg)
{
	struct out	*o = arg;

	run_add(o->runs, m);
	if (o->cfg->replay != NULL)
		o->skew = loop_now_wall_us() - m->recv_us;
	alert_message(o->alerts, m);
	free(m);
}

static void
out_alert_tick(void *arg)
{
	struct out	*o = arg;
	int64_t		 now = loop_now_wall_us() - o->skew;

	alert_gaps_runs(o->alerts, o->runs, now);
	alert_tick(o->alerts, now);
	loop_timer_arm(o->loop, &o->t_alerts, 1.0);
}

/* The client read the registry (a failed read is logged by it). */
static void
out_alert_registry(void *arg)
{
	struct out		*o = arg;
	const struct reg_entry	*reg;
	struct alert_reg	*v;
	const char		*why;
	int64_t			 at;
	size_t			 i, n;

	reg = client_registry(o->client, &n, &why, &at);
	if (why[0] != '\0' || o->alerts == NULL)
		return;
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		v[i].name = reg[i].name;
		v[i].status = reg[i].status;
		v[i].heartbeat = reg[i].heartbeat;
	}
	alert_registry(o->alerts, v, n, at);
	free(v);
}

/* alerts: the history's facts (merged runs, running executions). */
static void
out_alert_history(int e, const char *text, const char *run, void *arg)
{
	struct out	*o = arg;

	if (o->alerts == NULL)
		return;
	client_history_facts(e, text, run, o->runs, o->alerts,
	    loop_now_wall_us() - o->skew);
}

/* Whether the client has a stream open (or replays one). */
static int
out_stream_open(const struct client_status *st)
{
	switch (st->state) {
	case CONN_CONNECTED:
	case CONN_STALLED:
	case CONN_REPLAY:
	case CONN_REPLAY_DONE:
	case CONN_REPLAY_PAUSED:
		return (1);
	default:
		return (0);
	}
}

static void
out_status(const struct client_status *st, void *arg)
{
	struct out	*o = arg;

	if (o->alerts != NULL)
		alert_stream(o->alerts, out_stream_open(st), st->reason,
		    loop_now_wall_us() - o->skew);
	if (st->state == o->laststate && strcmp(st->reason, o->lastwhy) == 0)
		return;
	o->laststate = st->state;
	snprintf(o->lastwhy, sizeof o->lastwhy, "%s", st->reason);
	switch (st->state) {
	case CONN_AUTH:
		o->code = SWF_EXIT_AUTH;
		loop_exit(o->loop, SWF_EXIT_AUTH);
		break;
	case CONN_FAILED:
		o->code = SWF_EXIT_PROTOCOL;
		loop_exit(o->loop, SWF_EXIT_PROTOCOL);
		break;
	case CONN_STALLED:
		log_warn("stream stalled: %s", st->reason);
		break;
	case CONN_REPLAY_DONE:
		loop_exit(o->loop, SWF_EXIT_OK);
		break;
	case CONN_CLOSED:
		log_info("%s; exiting (--exit-on-close)", st->reason);
		loop_exit(o->loop, SWF_EXIT_OK);
		break;
	default:
		break;
	}
}

static void
out_signal(int sig, void *arg)
{
	struct out	*o = arg;

	log_info("%s: exiting", strsignal(sig));
	loop_exit(o->loop, SWF_EXIT_OK);
}

static void
out_usr1(int sig, void *arg)
{
	struct out	*o = arg;

	client_record_reopen(o->client);
}

int
out_run(struct loop *l, struct cfg *cfg)
{
	struct client_sink	 sink;
	struct stat		 sb;
	struct alert_cfg	 acfg;
	struct out		 o;
	const char		*term;
	int			 code;

	memset(&o, 0, sizeof o);
	o.loop = l;
	o.cfg = cfg;
	o.laststate = CONN_IDLE;
	term = getenv("TERM");
	out_colors_init();
	o.color = cfg->output == OUT_PLAIN && !cfg->no_color &&
	    isatty(STDOUT_FILENO) && (term == NULL || strcmp(term, "dumb"));
	/* glibc ignores the size unless it is given the buffer too. */
	setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
	/*
	 * Only this thread writes stdout, but once libcurl's resolver has
	 * run a thread glibc locks the stream in every call (two atomic
	 * operations a message): held here, those are a counter.
	 */
	flockfile(stdout);

	memset(&sink, 0, sizeof sink);
	sink.on_status = out_status;
	switch (cfg->output) {
	case OUT_JSON:
		/*
		 * The client checks agents, runs and namespaces: only
		 * without those is it a pass-through.
		 */
		if (filter_count(cfg->filter, FK_AGENT) == 0 &&
		    filter_count(cfg->filter, FK_RUN) == 0 &&
		    filter_count(cfg->filter, FK_NS) == 0)
			sink.on_event = out_pass;
		else
			sink.on_message = out_json;
		break;
	case OUT_EVENTS:
		sink.on_event = out_event;
		break;
	case OUT_ALERTS:
		sink.on_message = out_alert_msg;
		sink.on_history = out_alert_history;
		sink.on_registry = out_alert_registry;
		alert_cfg_init(&acfg, cfg);
		o.alerts = alert_create(&acfg, out_alert, &o);
		o.runs = run_create(0, 0, 0);
		loop_timer_init(&o.t_alerts, out_alert_tick, &o);
		loop_timer_arm(l, &o.t_alerts, 1.0);
		break;
	default:
		sink.on_message = out_plain;
		break;
	}
	o.client = client_create(l, cfg, &sink, &o);
	loop_signal(l, SIGINT, out_signal, &o);
	loop_signal(l, SIGTERM, out_signal, &o);
	loop_signal(l, SIGHUP, out_signal, &o);
	loop_signal(l, SIGUSR1, out_usr1, &o);
	loop_idle(l, out_flush, &o);
	loop_timer_init(&o.t_hup, out_hup, &o);
	if (fstat(STDOUT_FILENO, &sb) == 0 && (S_ISFIFO(sb.st_mode) ||
	    S_ISSOCK(sb.st_mode)))
		loop_timer_arm(l, &o.t_hup, OUT_HUP_EVERY);

	client_start(o.client);
	if (o.alerts != NULL)
		client_poll_registry(o.client, 1);
	code = loop_run(l);
	loop_timer_cancel(l, &o.t_hup);
	if (o.alerts != NULL) {
		/* No transitions from the shutdown itself. */
		loop_timer_cancel(l, &o.t_alerts);
		alert_free(o.alerts);
		o.alerts = NULL;
		run_free(o.runs);
		o.runs = NULL;
	}
	if (o.code != 0)
		code = o.code;
	client_stop(o.client);
	out_flush(&o);
	funlockfile(stdout);
	loop_unidle(l, out_flush, &o);
	if (client_status(o.client)->rec_lost > 0)
		log_error("%llu events not recorded to %s",
		    (unsigned long long)client_status(o.client)->rec_lost,
		    cfg->record);
	if (o.skipped > 0)
		log_warn("%llu messages skipped: data not a JSON object",
		    (unsigned long long)o.skipped);
	client_free(o.client);
	return (code);
}
