/* sim-msg.c: messages as the monitor enriches and renders them. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "xmalloc.h"

/* A growable byte buffer for the JSON writer. */
struct pybuf {
	char	*p;
	size_t	 len;
	size_t	 size;
};

static void	pyjson_value(struct pybuf *, const json_t *, int);

/* Seconds since the epoch, as a float. */
double
sim_msg_wall(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* Seconds on the monotonic clock. */
double
sim_msg_mono(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/*
 * The current UTC time as Python's isoformat() writes it: microseconds
 * unless they are zero, then "+00:00" (ISO_DJANGO, timezone.now()), "Z"
 * (ISO_DRF, as DRF serializes date-times) or nothing (ISO_NAIVE, as
 * datetime.utcnow()); ISO_LOCAL is the local time without an offset, as
 * the agents' datetime.now().isoformat().
 */
void
sim_msg_iso_now(char *buf, size_t len, int style)
{
	struct timespec	ts;
	struct tm	tm;
	char		date[32], frac[32];
	long		usec;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (style == ISO_LOCAL)
		localtime_r(&ts.tv_sec, &tm);
	else
		gmtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
	usec = ts.tv_nsec / 1000;
	if (usec != 0)
		snprintf(frac, sizeof frac, ".%06ld", usec);
	else
		frac[0] = '\0';
	snprintf(buf, len, "%s%s%s", date, frac, style == ISO_DRF ? "Z" :
	    style == ISO_NAIVE || style == ISO_LOCAL ? "" : "+00:00");
}

/* A random (version 4) UUID in canonical lower-case form. */
void
sim_msg_uuid4(char out[37])
{
	unsigned char	b[16];

	arc4random_buf(b, sizeof b);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/*
 * Whether the monitor relays a message that an agent sent: one with both
 * agent_name and status is taken for an agent heartbeat and one without
 * msg_type (the key, whatever its value) is not a workflow message.
 */
int
sim_msg_relayable(const json_t *msg)
{
	if (!json_is_object(msg))
		return (0);
	if (json_object_get(msg, "agent_name") != NULL &&
	    json_object_get(msg, "status") != NULL)
		return (0);
	return (json_object_get(msg, "msg_type") != NULL);
}

/* Set key to a copy of the message's own field (null if absent). */
static void
msg_default(json_t *msg, const char *key, const char *from)
{
	json_t	*v;

	if (json_object_get(msg, key) != NULL)
		return;
	v = from == NULL ? NULL : json_object_get(msg, from);
	json_object_set_new(msg, key, v == NULL ? json_null() :
	    json_deep_copy(v));
}

/*
 * Enrich a message as the monitor's ActiveMQ processor does before the
 * broadcast, each only where the key is missing (setdefault): sender_agent
 * from sender, recipient_agent from recipient, namespace (from itself, so
 * null when missing), queue_name "epictopic" and sent_at, the monitor's
 * UTC time. Nothing is guessed from the message type any more.
 */
void
sim_msg_enrich(json_t *msg)
{
	char	now[64];

	if (!json_is_object(msg))
		return;
	msg_default(msg, "sender_agent", "sender");
	msg_default(msg, "recipient_agent", "recipient");
	msg_default(msg, "namespace", NULL);
	if (json_object_get(msg, "queue_name") == NULL)
		json_object_set_new(msg, "queue_name", json_string("epictopic"));
	if (json_object_get(msg, "sent_at") == NULL) {
		sim_msg_iso_now(now, sizeof now, ISO_DJANGO);
		json_object_set_new(msg, "sent_at", json_string(now));
	}
}

/* Append bytes to a buffer. */
static void
pybuf_add(struct pybuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->size) {
		while (b->len + n + 1 > b->size)
			b->size = b->size == 0 ? 256 : b->size * 2;
		b->p = xreallocarray(b->p, 1, b->size);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Append a string. */
static void
pybuf_str(struct pybuf *b, const char *s)
{
	pybuf_add(b, s, strlen(s));
}

/* Python's repr() of a float: the shortest text that reads back. */
static void
pyjson_real(struct pybuf *b, double v)
{
	char	 sci[64], digits[32], out[64], *e;
	int	 prec, exp, nd, i, o;

	if (!isfinite(v)) {
		pybuf_str(b, isnan(v) ? "NaN" : v < 0 ? "-Infinity" :
		    "Infinity");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(sci, sizeof sci, "%.*e", prec - 1, v);
		if (strtod(sci, NULL) == v)
			break;
	}
	o = 0;
	if (sci[0] == '-')
		out[o++] = '-';
	/* Mantissa digits without the point, then the exponent. */
	nd = 0;
	for (i = (sci[0] == '-'); sci[i] != 'e'; i++) {
		if (sci[i] != '.')
			digits[nd++] = sci[i];
	}
	e = sci + i + 1;
	exp = atoi(e);
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	digits[nd] = '\0';
	if (exp < -4 || exp >= 16) {
		out[o++] = digits[0];
		if (nd > 1) {
			out[o++] = '.';
			memcpy(out + o, digits + 1, nd - 1);
			o += nd - 1;
		}
		o += snprintf(out + o, sizeof out - o, "e%c%02d",
		    exp < 0 ? '-' : '+', abs(exp));
	} else if (exp < 0) {
		o += snprintf(out + o, sizeof out - o, "0.");
		for (i = 0; i < -exp - 1; i++)
			out[o++] = '0';
		memcpy(out + o, digits, nd);
		o += nd;
	} else {
		for (i = 0; i <= exp || i < nd; i++) {
			if (i == exp + 1)
				out[o++] = '.';
			out[o++] = i < nd ? digits[i] : '0';
		}
		if (nd <= exp + 1) {
			out[o++] = '.';
			out[o++] = '0';
		}
	}
	pybuf_add(b, out, o);
}

/* Decode one UTF-8 sequence (jansson strings are valid UTF-8). */
static unsigned long
pyjson_utf8(const unsigned char *s, size_t *used)
{
	if (s[0] < 0xe0) {
		*used = 2;
		return (((s[0] & 0x1f) << 6) | (s[1] & 0x3f));
	}
	if (s[0] < 0xf0) {
		*used = 3;
		return (((s[0] & 0x0f) << 12) | ((s[1] & 0x3f) << 6) |
		    (s[2] & 0x3f));
	}
	*used = 4;
	return (((unsigned long)(s[0] & 0x07) << 18) | ((s[1] & 0x3f) << 12) |
	    ((s[2] & 0x3f) << 6) | (s[3] & 0x3f));
}

/* A JSON string as Python's json module escapes it. */
static void
pyjson_string(struct pybuf *b, const char *s, size_t len, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 esc[16];
	unsigned long		 cp;
	size_t			 i, start, used;

	pybuf_add(b, "\"", 1);
	for (i = start = 0; i < len; i++) {
		if (p[i] >= 0x20 && p[i] != '"' && p[i] != '\\' &&
		    (p[i] < 0x7f || !(flags & PYJSON_ASCII)))
			continue;
		pybuf_add(b, s + start, i - start);
		switch (p[i]) {
		case '"':  pybuf_str(b, "\\\""); break;
		case '\\': pybuf_str(b, "\\\\"); break;
		case '\n': pybuf_str(b, "\\n"); break;
		case '\r': pybuf_str(b, "\\r"); break;
		case '\t': pybuf_str(b, "\\t"); break;
		case '\b': pybuf_str(b, "\\b"); break;
		case '\f': pybuf_str(b, "\\f"); break;
		default:
			used = 1;
			cp = p[i] < 0x80 ? p[i] : pyjson_utf8(p + i, &used);
			if (cp >= 0x10000) {
				cp -= 0x10000;
				snprintf(esc, sizeof esc, "\\u%04lx\\u%04lx",
				    0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
			} else
				snprintf(esc, sizeof esc, "\\u%04lx", cp);
			pybuf_str(b, esc);
			i += used - 1;
			break;
		}
		start = i + 1;
	}
	pybuf_add(b, s + start, len - start);
	pybuf_add(b, "\"", 1);
}

/* An object or array, with Python's separators. */
static void
pyjson_container(struct pybuf *b, const json_t *v, int flags)
{
	const char	*sep = (flags & PYJSON_COMPACT) ? "," : ", ";
	const char	*key;
	json_t		*item;
	size_t		 i;
	int		 first = 1;

	if (json_is_array(v)) {
		pybuf_add(b, "[", 1);
		json_array_foreach(v, i, item) {
			if (!first)
				pybuf_str(b, sep);
			first = 0;
			pyjson_value(b, item, flags);
		}
		pybuf_add(b, "]", 1);
		return;
	}
	pybuf_add(b, "{", 1);
	json_object_foreach((json_t *)v, key, item) {
		if (!first)
			pybuf_str(b, sep);
		first = 0;
		pyjson_string(b, key, strlen(key), flags);
		pybuf_str(b, (flags & PYJSON_COMPACT) ? ":" : ": ");
		pyjson_value(b, item, flags);
	}
	pybuf_add(b, "}", 1);
}

/* Any JSON value. */
static void
pyjson_value(struct pybuf *b, const json_t *v, int flags)
{
	char	num[32];

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		pyjson_container(b, v, flags);
		break;
	case JSON_STRING:
		pyjson_string(b, json_string_value(v), json_string_length(v),
		    flags);
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		pybuf_str(b, num);
		break;
	case JSON_REAL:
		pyjson_real(b, json_real_value(v));
		break;
	case JSON_TRUE:
		pybuf_str(b, "true");
		break;
	case JSON_FALSE:
		pybuf_str(b, "false");
		break;
	case JSON_NULL:
		pybuf_str(b, "null");
		break;
	}
}

/*
 * JSON text as Python writes it: json.dumps() (", " and ": ", with
 * PYJSON_ASCII the default ensure_ascii) or DRF's compact renderer.
 */
char *
sim_msg_pyjson_dump(const json_t *v, int flags)
{
	struct pybuf	b = { NULL, 0, 0 };

	pyjson_value(&b, v, flags);
	return (b.p);
}

/* What Python's f-string makes of the msg_type value for "event:". */
static char *
event_name(const json_t *msg)
{
	json_t	*t;

	t = json_object_get(msg, "msg_type");
	if (t == NULL)
		return (xstrdup("message"));
	switch (json_typeof(t)) {
	case JSON_STRING:
		return (xstrdup(json_string_value(t)));
	case JSON_NULL:
		return (xstrdup("None"));
	case JSON_TRUE:
		return (xstrdup("True"));
	case JSON_FALSE:
		return (xstrdup("False"));
	default:
		return (sim_msg_pyjson_dump(t, 0));
	}
}

/* Build an event from its parts; the strings are copied. */
static struct sim_event *
event_build(const char *name, const char *data)
{
	struct sim_event	*ev;

	ev = xcalloc(1, sizeof *ev);
	atomic_init(&ev->refs, 1);
	ev->len = xasprintf(&ev->buf, "event: %s\ndata: %s\n\n", name, data);
	return (ev);
}

/* See sim.h. */
struct sim_event *
sim_msg_event_new(const char *name, const char *data)
{
	struct sim_event	*ev;

	ev = event_build(name, data);
	ev->processed_by = xstrdup("");
	return (ev);
}

/* See sim.h. */
struct sim_event *
sim_msg_event_raw(const void *bytes, size_t len)
{
	struct sim_event	*ev;

	ev = xcalloc(1, sizeof *ev);
	atomic_init(&ev->refs, 1);
	ev->buf = xmalloc(len + 1);
	memcpy(ev->buf, bytes, len);
	ev->buf[len] = '\0';
	ev->len = len;
	return (ev);
}

/* See sim.h. */
struct sim_event *
sim_msg_event_from_msg(json_t *msg)
{
	struct sim_event	*ev;
	char			*name, *data;
	json_t			*v;

	name = event_name(msg);
	data = sim_msg_pyjson_dump(msg, PYJSON_ASCII);
	ev = event_build(name, data);
	free(name);
	free(data);
	if ((v = json_object_get(msg, "msg_type")) != NULL &&
	    json_is_string(v))
		ev->msg_type = xstrdup(json_string_value(v));
	if ((v = json_object_get(msg, "processed_by")) == NULL)
		ev->processed_by = xstrdup("");
	else if (json_is_string(v))
		ev->processed_by = xstrdup(json_string_value(v));
	if ((v = json_object_get(msg, "run_id")) != NULL && json_is_string(v))
		ev->run_id = xstrdup(json_string_value(v));
	return (ev);
}

/* Take another reference. */
void
sim_msg_event_ref(struct sim_event *ev)
{
	atomic_fetch_add(&ev->refs, 1);
}

/* Drop a reference, freeing the event with the last one. */
void
sim_msg_event_unref(struct sim_event *ev)
{
	if (ev == NULL || atomic_fetch_sub(&ev->refs, 1) != 1)
		return;
	free(ev->buf);
	free(ev->msg_type);
	free(ev->processed_by);
	free(ev->run_id);
	free(ev);
}
