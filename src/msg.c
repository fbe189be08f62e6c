/*
 * msg.c: one SSE event's data decoded into a struct msg.
 *
 * The data is validated and its fields found by jscan (src/jscan.c), which
 * accepts exactly what jansson does with JSON_ALLOW_NUL, so "\u0000" in a
 * string does not reject the message while invalid UTF-8, integers past
 * 64 bits and nesting deeper than JSON_PARSER_MAX_DEPTH make the data
 * text. Duplicate keys: the last one wins, as jansson keeps it. The rare
 * shapes jscan leaves to jansson (a real number in a field, an object or
 * array as the message text) go through the original jansson decoder,
 * msg_decode_jansson(), which is also the reference the fuzz target
 * compares with.
 *
 * Layout: one allocation holds the header, the raw data, a NUL, then the
 * fields that had to be rewritten (escaped, non-printable or too long
 * values, numbers, the event name). A field whose JSON string is printable
 * ASCII without escapes is used in place: its closing quote in the stored
 * data is replaced by a NUL (bit f of m->patched), and msg_json() puts the
 * quotes back. Equal fields (an agent and the field it came from, every
 * empty field) share their bytes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jscan.h"
#include "msg.h"
#include "text.h"
#include "xmalloc.h"

#define MSG_FIELD_MAX	256		/* bytes of a display field */
#define MSG_TEXT_MAX	1024		/* bytes of MF_TEXT */
#define MSG_RAW_MAX	(256U * 1024 * 1024) /* raw data kept, bytes */
#define MSG_NOT_RAW	SIZE_MAX	/* a field not in the raw data */
#define MSG_STACK	2048		/* unescaping on the stack up to this */

/* The keys jscan looks for: the fields read from the object, and one more. */
enum msg_key {
	MK_TYPE, MK_PROCESSED_BY, MK_SENDER_AGENT, MK_SENDER, MK_RUN, MK_FILE,
	MK_TEXT, MK_NAMESPACE, MK_STATE, MK_SUBSTATE, MK_SENT_AT, MK_TIMESTAMP,
	MK_SUMMARY, MK_ERROR, MK_STATUS, MK_COUNT
};
static const char *const msg_scan_keys[MK_COUNT] = {
	"msg_type", "processed_by", "sender_agent", "sender", "run_id",
	"filename", "message", "namespace", "state", "substate", "sent_at",
	"timestamp", "summary", "error", "status"
};
static struct jscan_keys msg_jkeys;	/* msg_scan_keys, prepared */

/* The key of each field read straight from the object; -1 for none. */
static const int msg_field_key[MF_COUNT] = {
	[MF_TYPE] = MK_TYPE,
	[MF_AGENT] = -1,
	[MF_PROCESSED_BY] = MK_PROCESSED_BY,
	[MF_SENDER_AGENT] = MK_SENDER_AGENT,
	[MF_SENDER] = MK_SENDER,
	[MF_RUN] = MK_RUN,
	[MF_FILE] = MK_FILE,
	[MF_TEXT] = MK_TEXT,
	[MF_NAMESPACE] = MK_NAMESPACE,
	[MF_STATE] = MK_STATE,
	[MF_SUBSTATE] = MK_SUBSTATE,
	[MF_SENT_AT] = MK_SENT_AT,
};

/*
 * MF_TEXT: the first non-empty of these. Workflow messages say "message";
 * production ones (prodops) carry "summary" or "error" and a "status".
 */
static const int msg_text_keys[] = { MK_TEXT, MK_SUMMARY, MK_ERROR,
    MK_STATUS };
#define MSG_NTEXT	(sizeof msg_text_keys / sizeof msg_text_keys[0])

/* MF_AGENT: the first of these that is a name (see msg_agent()). */
static const int msg_agent_fields[] = { MF_SENDER, MF_PROCESSED_BY,
    MF_SENDER_AGENT };
#define MSG_NAGENT	(sizeof msg_agent_fields / sizeof msg_agent_fields[0])

static const char *msg_lifecycle[] = {
	"run_imminent", "start_run", "pause_run", "resume_run", "end_run"
};
static const char *msg_data[] = {
	"stf_gen", "stf_ready", "data_ready", "tf_file_registered"
};

/* The fields of a message being decoded, before packing. */
struct msg_fields {
	char		 buf[MF_COUNT * (MSG_FIELD_MAX + 1) + MSG_TEXT_MAX + 1];
	const char	*v[MF_COUNT];
	char		*slot[MF_COUNT];	/* each field's own space in buf */
	size_t		 len[MF_COUNT];
	size_t		 raw[MF_COUNT];	/* offset in the data if in place */
};

/* The capacity of field i's slot in msg_fields.buf, NUL included. */
static size_t
msg_cap(int i)
{
	return ((i == MF_TEXT ? MSG_TEXT_MAX : MSG_FIELD_MAX) + 1);
}

/* Point every field at its empty slot. */
static void
msg_fields_init(struct msg_fields *f)
{
	char	*p = f->buf;
	int	 i;

	for (i = 0; i < MF_COUNT; i++) {
		f->v[i] = f->slot[i] = p;
		f->len[i] = 0;
		f->raw[i] = MSG_NOT_RAW;
		*p = '\0';
		p += msg_cap(i);
	}
}

/* The event name as MF_TYPE, in MF_TYPE's slot. */
static void
msg_type_event(struct msg_fields *f, const char *event)
{
	f->v[MF_TYPE] = f->buf;
	f->raw[MF_TYPE] = MSG_NOT_RAW;
	f->len[MF_TYPE] = text_sanitize_buf(f->buf, msg_cap(MF_TYPE), event,
	    strlen(event));
}

/* Whether a field names an agent: not empty, blank or "unknown". */
static int
msg_is_name(const char *s, size_t len)
{
	size_t	i;

	if (len == 7 && memcmp(s, "unknown", 7) == 0)
		return (0);
	for (i = 0; i < len; i++) {
		if (s[i] != ' ')
			return (1);
	}
	return (0);
}

/*
 * MF_AGENT: the agent that sent the message. sender is the sender's own
 * name; processed_by is set by data and test agents; sender_agent is the
 * monitor's copy of sender (older monitors guessed it from the type, or
 * wrote the placeholder "unknown"). Empty, blank and "unknown" values are
 * passed over; with none left the message has no agent.
 */
static void
msg_agent(struct msg_fields *f)
{
	size_t	i;
	int	k;

	for (i = 0; i < MSG_NAGENT; i++) {
		k = msg_agent_fields[i];
		if (msg_is_name(f->v[k], f->len[k])) {
			f->v[MF_AGENT] = f->v[k];
			f->len[MF_AGENT] = f->len[k];
			f->raw[MF_AGENT] = f->raw[k];
			return;
		}
	}
}

/* A JSON real as short text: integral values without a fraction. */
static size_t
msg_real_text(double d, char *dst, size_t dstsz)
{
	int	n;

	n = snprintf(dst, dstsz, "%.15g", d);
	if (n < 0)
		n = 0;
	return ((size_t)n < dstsz ? (size_t)n : dstsz - 1);
}

/*
 * A JSON value as display text into dst: strings sanitized, numbers and
 * booleans printed; objects and arrays as compact JSON when dump is set,
 * else "". Returns the bytes written.
 */
static size_t
msg_value_text(json_t *v, char *dst, size_t dstsz, int dump)
{
	char	*s;
	size_t	 n;
	int	 r;

	dst[0] = '\0';
	if (v == NULL)
		return (0);
	switch (json_typeof(v)) {
	case JSON_STRING:
		return (text_sanitize_buf(dst, dstsz, json_string_value(v),
		    json_string_length(v)));
	case JSON_INTEGER:
		r = snprintf(dst, dstsz, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return (r < 0 ? 0 : (size_t)r < dstsz ? (size_t)r : dstsz - 1);
	case JSON_REAL:
		return (msg_real_text(json_real_value(v), dst, dstsz));
	case JSON_TRUE:
	case JSON_FALSE:
		return (strlcpy(dst, json_is_true(v) ? "true" : "false",
		    dstsz));
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (!dump || (s = json_dumps(v, JSON_COMPACT)) == NULL)
			return (0);
		n = text_sanitize_buf(dst, dstsz, s, strlen(s));
		free(s);
		return (n);
	case JSON_NULL:
		break;
	}
	return (0);
}

/* Sent time from sent_at, else timestamp (ISO text or unix seconds). */
static int64_t
msg_sent_us(json_t *root)
{
	json_t	*v;
	double	 d;
	int64_t	 t;

	if ((v = json_object_get(root, "sent_at")) == NULL ||
	    !json_is_string(v))
		v = json_object_get(root, "timestamp");
	if (v == NULL)
		return (0);
	if (json_is_string(v)) {
		t = msg_parse_time(json_string_value(v));
		return (t == -1 ? 0 : t);
	}
	if (!json_is_number(v))
		return (0);
	d = json_number_value(v);
	if (!(d > 0 && d < 1e11))	/* past year 5000: not seconds */
		return (0);
	return ((int64_t)(d * 1e6 + 0.5));
}

/* Fill f from a JSON object parsed by jansson. */
static void
msg_from_json(struct msg_fields *f, json_t *root, const char *event)
{
	char	*p;
	int	 i, k;

	size_t	 t;

	msg_fields_init(f);
	for (i = 0; i < MF_COUNT; i++) {
		if ((k = msg_field_key[i]) < 0 || i == MF_TEXT)
			continue;
		p = f->slot[i];
		f->len[i] = msg_value_text(json_object_get(root,
		    msg_scan_keys[k]), p, msg_cap(i), 0);
	}
	for (t = 0; t < MSG_NTEXT && f->len[MF_TEXT] == 0; t++)
		f->len[MF_TEXT] = msg_value_text(json_object_get(root,
		    msg_scan_keys[msg_text_keys[t]]), f->slot[MF_TEXT],
		    msg_cap(MF_TEXT), 1);
	if (f->len[MF_TYPE] == 0 || !json_is_string(json_object_get(root,
	    "msg_type")))
		msg_type_event(f, event);
	msg_agent(f);
}

/* Fill f for data that is not a JSON object. */
static void
msg_from_text(struct msg_fields *f, const char *event, const char *data,
    size_t len)
{
	int	i;

	msg_fields_init(f);
	for (i = 0; i < MF_COUNT; i++)
		f->v[i] = "";
	msg_type_event(f, event);
	f->v[MF_TEXT] = f->buf + msg_cap(MF_TYPE);
	f->len[MF_TEXT] = text_sanitize_buf((char *)f->v[MF_TEXT],
	    MSG_TEXT_MAX + 1, data, len);
}

/* Whether s is all printable ASCII, which sanitizing leaves as it is. */
static int
msg_plain(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (u[i] < 0x20 || u[i] > 0x7e)
			return (0);
	}
	return (1);
}

/* A scanned string's value unescaped into tmp, or a new buffer if long. */
static char *
msg_unescape(const struct jscan_val *v, char *tmp, size_t *len)
{
	char	*s = v->len < MSG_STACK ? tmp : xmalloc(v->len + 1);

	*len = jscan_unescape(v->p, v->len, s);
	return (s);
}

/* A scanned integer literal's value (jscan checked that it fits). */
static int64_t
msg_int(const struct jscan_val *v)
{
	uint64_t	u = 0;
	size_t		i = v->p[0] == '-';

	for (; i < v->len; i++)
		u = u * 10 + (uint64_t)(v->p[i] - '0');
	return (v->p[0] == '-' ? (int64_t)(0 - u) : (int64_t)u);
}

/*
 * Field i from a scanned value: in place when the data's bytes are what
 * would be shown, else rewritten into its slot. Returns -1 for a shape
 * left to jansson.
 */
static int
msg_scan_field(struct msg_fields *f, int i, const struct jscan_val *v,
    const char *data, size_t keep)
{
	char	*dst = f->slot[i], tmp[MSG_STACK], *s;
	size_t	 cap = msg_cap(i), n;

	switch (v->type) {
	case JT_STRING:
		if (!v->esc && v->len < cap && (size_t)(v->p - data) +
		    v->len < keep && msg_plain(v->p, v->len)) {
			f->v[i] = v->p;
			f->len[i] = v->len;
			f->raw[i] = v->p - data;
		} else if (!v->esc)
			f->len[i] = text_sanitize_buf(dst, cap, v->p, v->len);
		else {
			s = msg_unescape(v, tmp, &n);
			f->len[i] = text_sanitize_buf(dst, cap, s, n);
			if (s != tmp)
				free(s);
		}
		return (0);
	case JT_INTEGER:
		/* Its literal, which is how jansson prints it, but "-0". */
		n = v->len == 2 && v->p[0] == '-' && v->p[1] == '0' ? 1 : 0;
		memcpy(dst, v->p + n, v->len - n);
		dst[v->len - n] = '\0';
		f->len[i] = v->len - n;
		return (0);
	case JT_TRUE:
	case JT_FALSE:
		f->len[i] = strlcpy(dst, v->type == JT_TRUE ? "true" : "false",
		    cap);
		return (0);
	case JT_REAL:
		return (-1);
	case JT_OBJECT:
	case JT_ARRAY:
		return (i == MF_TEXT ? -1 : 0);
	}
	return (0);
}

/* Fill f from a scanned object; -1 for a shape left to jansson. */
static int
msg_from_scan(struct msg_fields *f, const struct jscan_val *vals,
    const char *event, const char *data, size_t keep)
{
	int	i, k;

	size_t	t;

	msg_fields_init(f);
	for (i = 0; i < MF_COUNT; i++) {
		if ((k = msg_field_key[i]) >= 0 && i != MF_TEXT &&
		    msg_scan_field(f, i, &vals[k], data, keep) != 0)
			return (-1);
	}
	for (t = 0; t < MSG_NTEXT && f->len[MF_TEXT] == 0; t++) {
		f->v[MF_TEXT] = f->slot[MF_TEXT];
		f->raw[MF_TEXT] = MSG_NOT_RAW;
		if (msg_scan_field(f, MF_TEXT, &vals[msg_text_keys[t]], data,
		    keep) != 0)
			return (-1);
	}
	if (f->len[MF_TYPE] == 0 || vals[MK_TYPE].type != JT_STRING)
		msg_type_event(f, event);
	msg_agent(f);
	return (0);
}

/* Sent time as msg_sent_us() finds it; -1 for a shape left to jansson. */
static int
msg_scan_sent(const struct jscan_val *vals, int64_t *sent_us)
{
	const struct jscan_val	*v = &vals[MK_SENT_AT];
	char			 tmp[MSG_STACK], *s;
	size_t			 n;
	double			 d;

	*sent_us = 0;
	if (v->type != JT_STRING)
		v = &vals[MK_TIMESTAMP];
	switch (v->type) {
	case JT_STRING:
		/* As a C string: up to the first "\u0000", if any. */
		s = msg_unescape(v, tmp, &n);
		s[n] = '\0';
		if ((*sent_us = msg_parse_time(s)) == -1)
			*sent_us = 0;
		if (s != tmp)
			free(s);
		return (0);
	case JT_INTEGER:
		d = (double)msg_int(v);
		if (d > 0 && d < 1e11)
			*sent_us = (int64_t)(d * 1e6 + 0.5);
		return (0);
	case JT_REAL:
		return (-1);
	}
	return (0);
}

/* Whether field i equals an earlier one; its index if so, else -1. */
static int
msg_dup(const struct msg_fields *f, int i)
{
	int	j;

	for (j = 0; j < i; j++) {
		if (f->len[j] == f->len[i] &&
		    memcmp(f->v[j], f->v[i], f->len[i]) == 0)
			return (j);
	}
	return (-1);
}

/* Pack raw data and fields into one allocation. */
static struct msg *
msg_pack(const struct msg_fields *f, const char *data, size_t len)
{
	struct msg	*m;
	size_t		 size, at;
	int		 i, dup[MF_COUNT];

	size = offsetof(struct msg, buf) + len + 1;
	for (i = 0; i < MF_COUNT; i++) {
		dup[i] = f->len[i] == 0 ? -1 : msg_dup(f, i);
		if (f->len[i] != 0 && dup[i] == -1 && f->raw[i] == MSG_NOT_RAW)
			size += f->len[i] + 1;
	}
	m = xmalloc(size);
	memset(m, 0, offsetof(struct msg, buf));
	m->size = size;
	m->jsonlen = len;
	memcpy(m->buf, data, len);
	m->buf[len] = '\0';
	at = len + 1;
	for (i = 0; i < MF_COUNT; i++) {
		if (f->len[i] == 0)
			m->off[i] = len;
		else if (dup[i] != -1)
			m->off[i] = m->off[dup[i]];
		else if (f->raw[i] != MSG_NOT_RAW) {
			m->off[i] = f->raw[i];
			m->buf[f->raw[i] + f->len[i]] = '\0';
			m->patched |= 1U << i;
		} else {
			m->off[i] = at;
			memcpy(m->buf + at, f->v[i], f->len[i]);
			m->buf[at + f->len[i]] = '\0';
			at += f->len[i] + 1;
		}
	}
	return (m);
}

/* Finish a packed message. */
static struct msg *
msg_finish(struct msg *m, int64_t recv_us, int64_t sent_us, int is_json)
{
	m->recv_us = recv_us;
	m->sent_us = sent_us;
	m->is_json = is_json;
	m->family = msg_family_of(msg_get(m, MF_TYPE));
	return (m);
}

/* Decode one event's data with jansson alone. */
struct msg *
msg_decode_jansson(const char *event, const char *data, size_t len,
    int64_t recv_us)
{
	struct msg_fields	 f;
	struct msg		*m;
	json_t			*root;
	json_error_t		 err;
	int			 is_json;
	int64_t			 sent_us = 0;

	if (event == NULL || *event == '\0')
		event = "message";
	if (data == NULL)
		data = "";
	root = json_loadb(data, len, JSON_ALLOW_NUL, &err);
	is_json = root != NULL && json_is_object(root);
	if (is_json) {
		msg_from_json(&f, root, event);
		sent_us = msg_sent_us(root);
	} else
		msg_from_text(&f, event, data, len);
	json_decref(root);
	m = msg_pack(&f, data, len < MSG_RAW_MAX ? len : MSG_RAW_MAX);
	return (msg_finish(m, recv_us, sent_us, is_json));
}

/* Decode one event's data into a new message. */
struct msg *
msg_decode(const char *event, const char *data, size_t len, int64_t recv_us)
{
	struct jscan_val	 vals[MK_COUNT];
	struct msg_fields	 f;
	size_t			 keep = len < MSG_RAW_MAX ? len : MSG_RAW_MAX;
	int64_t			 sent_us = 0;
	int			 is_json;

	if (event == NULL || *event == '\0')
		event = "message";
	if (data == NULL)
		data = "";
	if (msg_jkeys.n == 0)
		jscan_keys_init(&msg_jkeys, msg_scan_keys, MK_COUNT);
	is_json = jscan_object(data, len, JSCAN_ALLOW_NUL, &msg_jkeys,
	    vals) >= 0;
	if (!is_json)
		msg_from_text(&f, event, data, len);
	else if (msg_from_scan(&f, vals, event, data, keep) != 0 ||
	    msg_scan_sent(vals, &sent_us) != 0)
		return (msg_decode_jansson(event, data, len, recv_us));
	return (msg_finish(msg_pack(&f, data, keep), recv_us, sent_us,
	    is_json));
}

/* The raw data with the quotes of in-place fields put back. */
const char *
msg_json(const struct msg *m)
{
	static char	*scratch;
	static size_t	 cap;
	const char	*field;
	int		 i;

	if (m->patched == 0)
		return (m->buf);
	if (cap < m->jsonlen + 1 || (cap > 1024 * 1024 &&
	    cap / 4 > m->jsonlen)) {
		free(scratch);
		cap = m->jsonlen + 1 > 4096 ? m->jsonlen + 1 : 4096;
		scratch = xmalloc(cap);
	}
	memcpy(scratch, m->buf, m->jsonlen + 1);
	for (i = 0; i < MF_COUNT; i++) {
		if (m->patched & (1U << i)) {
			field = m->buf + m->off[i];
			scratch[m->off[i] + strlen(field)] = '"';
		}
	}
	return (scratch);
}

/* Whether s is one of the n names in list. */
static int
msg_in(const char *s, const char **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (*s == *list[i] && strcmp(s, list[i]) == 0)
			return (1);
	}
	return (0);
}

/* Return whether type is a run lifecycle type. */
int
msg_is_lifecycle(const char *type)
{
	return (msg_in(type, msg_lifecycle, 5));
}

/* The message types of PROTOCOL.md's Messages table. */
static const char *msg_catalogue[] = {
	"run_imminent", "start_run", "resume_run", "pause_run", "end_run",
	"stf_gen", "stf_ready", "tf_file_registered", "sse_test",
	"processing_complete", "announcement", "payload_log_ready",
	"panda_task_operation_done", "canary_assess_complete"
};

/* Return whether type is in the known catalogue (or its patterns). */
int
msg_type_known(const char *type)
{
	size_t	len = strlen(type);

	if (msg_in(type, msg_catalogue,
	    sizeof msg_catalogue / sizeof msg_catalogue[0]))
		return (1);
	if (strncmp(type, "prodtask_", 9) == 0 && len > 9)
		return (1);
	/* "*_ready" (production), but not the renamed data_ready. */
	return (len > 6 && strcmp(type + len - 6, "_ready") == 0 &&
	    strcmp(type, "data_ready") != 0);
}

/* Return the display family of a message type. */
const struct msg_colour msg_colours[FAM_MARKER] = {
	[FAM_LIFECYCLE] = { .fg = 5, .attr = MSG_BOLD },	/* magenta */
	[FAM_DATA] = { .fg = 2, .attr = 0 },			/* green */
	[FAM_PROCESSING] = { .fg = 4, .attr = MSG_BOLD },	/* blue */
	[FAM_TEST] = { .fg = 3, .attr = 0 },			/* yellow */
	[FAM_UNKNOWN] = { .fg = -1, .attr = MSG_DIM }
};

enum msg_family
msg_family_of(const char *type)
{
	if (msg_is_lifecycle(type))
		return (FAM_LIFECYCLE);
	if (msg_in(type, msg_data, 4))
		return (FAM_DATA);
	if (strncmp(type, "processing_", 11) == 0)
		return (FAM_PROCESSING);
	if (strcmp(type, "sse_test") == 0)
		return (FAM_TEST);
	return (FAM_UNKNOWN);
}

/* Read exactly n digits at *sp into *v; advance. Returns -1 if not. */
static int
msg_digits(const char **sp, int n, int *v)
{
	const char	*s = *sp;
	int		 i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		*v = *v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	return (0);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
msg_days(int y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* Parse the zone suffix: "", "Z", "+hh:mm", "+hhmm" or "+hh" to seconds. */
static int
msg_zone(const char *s, int64_t *off)
{
	int	h, m = 0, sign;

	*off = 0;
	if (*s == '\0')
		return (0);
	if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0')
		return (0);
	if (*s != '+' && *s != '-')
		return (-1);
	sign = *s++ == '-' ? -1 : 1;
	if (msg_digits(&s, 2, &h) != 0 || h > 23)
		return (-1);
	if (*s == ':')
		s++;
	if (*s != '\0' && (msg_digits(&s, 2, &m) != 0 || m > 59))
		return (-1);
	if (*s != '\0')
		return (-1);
	*off = sign * (h * 3600 + m * 60);
	return (0);
}

/* Parse an ISO 8601 time (UTC when no zone is given) to unix microseconds. */
int64_t
msg_parse_time(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int		 y, mo, d, h, mi, sec, leap;
	int64_t		 us = 0, scale = 100000, off;

	if (s == NULL || msg_digits(&s, 4, &y) != 0 || *s++ != '-' ||
	    msg_digits(&s, 2, &mo) != 0 || *s++ != '-' ||
	    msg_digits(&s, 2, &d) != 0 || (*s != 'T' && *s != 't' &&
	    *s != ' '))
		return (-1);
	s++;
	if (msg_digits(&s, 2, &h) != 0 || *s++ != ':' ||
	    msg_digits(&s, 2, &mi) != 0 || *s++ != ':' ||
	    msg_digits(&s, 2, &sec) != 0)
		return (-1);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || sec > 60)
		return (-1);
	if (*s == '.' || *s == ',') {
		s++;
		if (*s < '0' || *s > '9')
			return (-1);
		for (; *s >= '0' && *s <= '9'; s++) {
			us += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (msg_zone(s, &off) != 0)
		return (-1);
	return (((msg_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) -
	    off) * 1000000 + us);
}
