/*
 * history.c: message identity, the seen-set, the item reader of history
 * answers and per-run hole tracking (see history.h).
 *
 * The seen-set is an open-addressing table (linear probing, deletion by
 * backward shift) of 64-bit identities beside a FIFO of the same
 * identities in arrival order; past its bound the oldest is forgotten.
 * Both grow by doubling up to the bound, so a quiet client stays small.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "history.h"
#include "jscan.h"
#include "text.h"
#include "xmalloc.h"

#define HIST_STACK	1024	/* unescaping on the stack up to this */

static const char *const hist_mode_names[] = { "off", "gaps", "all" };

int
history_mode_parse(const char *s)
{
	int	i;

	for (i = 0; i < 3; i++) {
		if (s != NULL && strcmp(s, hist_mode_names[i]) == 0)
			return (i);
	}
	return (-1);
}

const char *
history_mode_name(enum hist_mode m)
{
	if (m < HIST_OFF || m > HIST_ALL)
		return ("default");
	return (hist_mode_names[m]);
}

/* ---- identity ---- */

enum hist_kkey {
	KK_TYPE, KK_RUN, KK_EXEC, KK_SEQ, KK_FILE, KK_TIME, KK_SENDER,
	KK_CREATED, KK_TOTAL, KK_COUNT
};
#define KK_IDENTITY	KK_TOTAL	/* the fields hashed: those before */
/* created_at: the agent's time where an agent says so instead. */
static const char *const hist_key_names[KK_COUNT] = {
	"msg_type", "run_id", "execution_id", "sequence", "filename",
	"timestamp", "sender", "created_at", "total_stf_files"
};
static struct jscan_keys hist_kkeys;
static int hist_kkeys_ready;

/*
 * Call fn with a value's text: a string unescaped, anything else as
 * written.
 */
static void
hist_val_bytes(const struct jscan_val *v,
    void (*fn)(const char *, size_t, void *), void *arg)
{
	char	 stack[HIST_STACK], *p;
	size_t	 n;

	if (v->type != JT_STRING || !v->esc) {
		fn(v->p, v->len, arg);
		return;
	}
	p = v->len <= sizeof stack ? stack : xmalloc(v->len);
	n = jscan_unescape(v->p, v->len, p);
	fn(p, n, arg);
	if (p != stack)
		free(p);
}

static void
hist_hash_cb(const char *p, size_t len, void *arg)
{
	uint64_t	*h = arg;

	*h = text_hash(*h, p, len);
}

struct hist_textbuf {
	char	*buf;
	size_t	 size;
};

static void
hist_text_cb(const char *p, size_t len, void *arg)
{
	struct hist_textbuf	*tb = arg;

	text_sanitize_buf(tb->buf, tb->size, p, len);
}

char *
history_val_text(const struct jscan_val *v, char *buf, size_t size)
{
	struct hist_textbuf	tb = { buf, size };

	if (size > 0)
		*buf = '\0';
	if (v->type == JT_STRING || v->type == JT_INTEGER ||
	    v->type == JT_REAL)
		hist_val_bytes(v, hist_text_cb, &tb);
	return (buf);
}

/* An integer from a number or a string of digits; -1 if neither. */
static int64_t
hist_val_int(const struct jscan_val *v)
{
	char		buf[32];
	const char	*errstr;
	long long	n;

	if ((v->type != JT_INTEGER && v->type != JT_STRING) ||
	    v->len == 0 || v->len >= sizeof buf)
		return (-1);
	memcpy(buf, v->p, v->len);
	buf[v->len] = '\0';
	n = strtonum(buf, 0, INT64_MAX, &errstr);
	return (errstr != NULL ? -1 : n);
}

int
history_key_of(const char *data, size_t len, struct hist_key *k)
{
	struct jscan_val	v[KK_COUNT];
	uint64_t		h = TEXT_HASH_INIT;
	unsigned char		sep;
	int			i;

	if (!hist_kkeys_ready) {
		jscan_keys_init(&hist_kkeys, hist_key_names, KK_COUNT);
		hist_kkeys_ready = 1;
	}
	memset(k, 0, sizeof *k);
	k->seq = k->total = -1;
	if (jscan_object(data, len, JSCAN_ALLOW_NUL, &hist_kkeys, v) < 0) {
		h = text_hash(h, "\1raw", 4);
		h = text_hash(h, data, len);
		k->id = h != 0 ? h : 1;
		return (-1);
	}
	k->weak = 1;
	for (i = 0; i < KK_IDENTITY; i++) {
		sep = (unsigned char)i;
		h = text_hash(h, &sep, 1);
		if (v[i].type == JT_NONE || v[i].type == JT_NULL) {
			h = text_hash(h, "\376", 1);
			continue;
		}
		if (i != KK_TYPE)
			k->weak = 0;
		hist_val_bytes(&v[i], hist_hash_cb, &h);
		h = text_hash(h, "\377", 1);
	}
	k->id = h != 0 ? h : 1;
	history_val_text(&v[KK_TYPE], k->type, sizeof k->type);
	history_val_text(&v[KK_RUN], k->run, sizeof k->run);
	history_val_text(&v[KK_EXEC], k->exec, sizeof k->exec);
	k->seq = hist_val_int(&v[KK_SEQ]);
	k->total = hist_val_int(&v[KK_TOTAL]);
	return (0);
}

/*
 * Whether data holds "execution_id" (quotes included) anywhere, as
 * memmem() would say: found with memchr() on its 'x', a byte rare in
 * JSON text, so that a message without one (most of a flood) costs one
 * memchr() pass rather than memmem()'s.
 */
int
history_has_execution(const char *data, size_t len)
{
	static const char	 key[] = "\"execution_id\"";
	const char		*p = data, *end = data + len;

	while (p < end && (p = memchr(p, 'x', end - p)) != NULL) {
		/* Most 'x's (xrootd, example) fail on the two bytes before. */
		if (p - data >= 2 && p[-1] == 'e' && p[-2] == '"' &&
		    (size_t)(end - p) >= sizeof key - 3 &&
		    memcmp(p - 2, key, sizeof key - 1) == 0)
			return (1);
		p++;
	}
	return (0);
}

/*
 * Where key (n bytes, the first a quote) first is in data, as memmem()
 * says, looking at quotes only: a key near the start, as msg_type
 * usually is, costs a few bytes rather than memmem()'s set-up.
 */
const char *
history_find_quoted(const char *data, size_t len, const char *key, size_t n)
{
	const char	*p = data, *end = data + len;

	while ((size_t)(end - p) >= n &&
	    (p = memchr(p, '"', end - p)) != NULL) {
		if ((size_t)(end - p) >= n && memcmp(p, key, n) == 0)
			return (p);
		p++;
	}
	return (NULL);
}

/* ---- the seen-set ---- */

#define HS_LIVE		0x1
#define HS_HIST		0x2

struct hist_slot {
	uint64_t	id;		/* 0: empty */
	uint8_t		flags;
};

struct hist_seen {
	struct hist_slot *tab;
	size_t		  size;		/* power of two */
	uint64_t	 *fifo;		/* ids, oldest at head */
	size_t		  fcap, head, n;
	size_t		  max;
	uint64_t	  forgotten;
};

struct hist_seen *
history_seen_create(size_t max)
{
	struct hist_seen	*s;

	s = xcalloc(1, sizeof *s);
	s->max = max > 0 ? max : 1;
	s->size = 64;
	s->tab = xcalloc(s->size, sizeof *s->tab);
	s->fcap = 32;
	s->fifo = xcalloc(s->fcap, sizeof *s->fifo);
	return (s);
}

void
history_seen_free(struct hist_seen *s)
{
	if (s == NULL)
		return;
	free(s->tab);
	free(s->fifo);
	free(s);
}

size_t
history_seen_count(const struct hist_seen *s)
{
	return (s->n);
}

uint64_t
history_seen_forgotten(const struct hist_seen *s)
{
	return (s->forgotten);
}

static struct hist_slot *
hist_seen_slot(const struct hist_seen *s, uint64_t id)
{
	size_t	mask = s->size - 1, i;

	for (i = id & mask; s->tab[i].id != 0 && s->tab[i].id != id;
	    i = (i + 1) & mask)
		;
	return (&s->tab[i]);
}

static void
hist_seen_grow(struct hist_seen *s)
{
	struct hist_slot	*old = s->tab, *e;
	size_t			 oldsize = s->size, i;
	uint64_t		*f;

	s->size *= 2;
	s->tab = xcalloc(s->size, sizeof *s->tab);
	for (i = 0; i < oldsize; i++) {
		if (old[i].id == 0)
			continue;
		e = hist_seen_slot(s, old[i].id);
		*e = old[i];
	}
	free(old);
	/* Unroll the FIFO into a larger array. */
	f = xcalloc(s->fcap * 2, sizeof *f);
	for (i = 0; i < s->n; i++)
		f[i] = s->fifo[(s->head + i) % s->fcap];
	free(s->fifo);
	s->fifo = f;
	s->fcap *= 2;
	s->head = 0;
}

/* Remove id from the table, shifting back the entries probed past it. */
static void
hist_seen_remove(struct hist_seen *s, uint64_t id)
{
	size_t	mask = s->size - 1, i, j, home;

	i = hist_seen_slot(s, id) - s->tab;
	if (s->tab[i].id == 0)
		return;
	s->tab[i].id = 0;
	for (j = (i + 1) & mask; s->tab[j].id != 0; j = (j + 1) & mask) {
		home = s->tab[j].id & mask;
		/* Move j back to i if its home is not in (i, j]. */
		if ((j > i && (home <= i || home > j)) ||
		    (j < i && (home <= i && home > j))) {
			s->tab[i] = s->tab[j];
			s->tab[j].id = 0;
			i = j;
		}
	}
}

void
history_seen_forget(struct hist_seen *s, uint64_t id)
{
	hist_seen_remove(s, id != 0 ? id : 1);
}

static void
hist_seen_insert(struct hist_seen *s, uint64_t id, uint8_t flags)
{
	struct hist_slot	*e;

	if (s->n >= s->max) {
		hist_seen_remove(s, s->fifo[s->head]);
		s->head = (s->head + 1) % s->fcap;
		s->n--;
		s->forgotten++;
	} else if (s->n + 1 > s->fcap || (s->n + 1) * 2 > s->size)
		hist_seen_grow(s);
	e = hist_seen_slot(s, id);
	e->id = id;
	e->flags = flags;
	s->fifo[(s->head + s->n) % s->fcap] = id;
	s->n++;
}

int
history_seen_check(struct hist_seen *s, uint64_t id, enum hist_source src)
{
	struct hist_slot	*e;

	if (id == 0)
		id = 1;
	e = hist_seen_slot(s, id);
	if (e->id == 0) {
		hist_seen_insert(s, id, src == HSRC_LIVE ? HS_LIVE : HS_HIST);
		return (1);
	}
	if (src == HSRC_HISTORY) {
		e->flags |= HS_HIST;
		return (0);
	}
	if ((e->flags & HS_HIST) && !(e->flags & HS_LIVE)) {
		/* History gave it first: this is its live copy. */
		e->flags |= HS_LIVE;
		return (0);
	}
	e->flags |= HS_LIVE;
	return (1);
}

/* ---- reading an array of objects ---- */

static size_t
hist_ws(const char *p, size_t off, size_t len)
{
	while (off < len && (p[off] == ' ' || p[off] == '\t' ||
	    p[off] == '\n' || p[off] == '\r'))
		off++;
	return (off);
}

int
history_items_begin(struct hist_items *it, const char *buf, size_t len)
{
	memset(it, 0, sizeof *it);
	it->buf = buf;
	it->len = len;
	it->off = hist_ws(buf, 0, len);
	if (it->off >= len || buf[it->off] != '[') {
		it->state = 2;
		return (-1);
	}
	it->off++;
	return (0);
}

/* One past the '}' closing the object at off, or 0 if unterminated. */
static size_t
hist_object_end(const char *p, size_t off, size_t len)
{
	size_t	depth = 0;
	int	instr = 0;

	for (; off < len; off++) {
		if (instr) {
			if (p[off] == '\\')
				off++;
			else if (p[off] == '"')
				instr = 0;
			continue;
		}
		switch (p[off]) {
		case '"':
			instr = 1;
			break;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (depth == 0)
				return (0);
			if (--depth == 0)
				return (off + 1);
			break;
		}
	}
	return (0);
}

int
history_items_next(struct hist_items *it, const struct jscan_keys *keys,
    struct jscan_val *vals, const char **item, size_t *itemlen)
{
	size_t	end;

	if (it->state == 2)
		return (0);
	it->off = hist_ws(it->buf, it->off, it->len);
	if (it->off < it->len && it->buf[it->off] == ']') {
		it->state = 2;
		return (0);
	}
	if (it->state == 1) {
		if (it->off >= it->len || it->buf[it->off] != ',')
			goto bad;
		it->off = hist_ws(it->buf, it->off + 1, it->len);
	}
	if (it->off >= it->len || it->buf[it->off] != '{')
		goto bad;
	if ((end = hist_object_end(it->buf, it->off, it->len)) == 0)
		goto bad;
	if (jscan_object(it->buf + it->off, end - it->off, JSCAN_ALLOW_NUL,
	    keys, vals) < 0)
		goto bad;
	if (item != NULL)
		*item = it->buf + it->off;
	if (itemlen != NULL)
		*itemlen = end - it->off;
	it->off = end;
	it->state = 1;
	return (1);
bad:
	it->state = 2;
	return (-1);
}

static const char *const hist_item_names[HK_COUNT] = {
	"message_content", "message_type", "sent_at", "namespace",
	"sender_agent", "recipient_agent", "execution_id", "run_id"
};
static struct jscan_keys hist_ikeys;
static int hist_ikeys_ready;

const struct jscan_keys *
history_item_keys(void)
{
	if (!hist_ikeys_ready) {
		jscan_keys_init(&hist_ikeys, hist_item_names, HK_COUNT);
		hist_ikeys_ready = 1;
	}
	return (&hist_ikeys);
}

/* Set key in o to the item's value v where o lacks it. */
static void
hist_fill(json_t *o, const char *key, const struct jscan_val *v)
{
	json_t		*j;
	json_error_t	 err;

	if (json_object_get(o, key) != NULL || v->type == JT_NONE ||
	    v->type == JT_NULL)
		return;
	/* A value jscan accepted, alone: jansson takes it as it is. */
	if ((j = json_loadb(v->type == JT_STRING ? v->p - 1 : v->p,
	    v->type == JT_STRING ? v->len + 2 : v->len, JSON_DECODE_ANY |
	    JSON_ALLOW_NUL, &err)) != NULL)
		json_object_set_new(o, key, j);
}

/* The members of message_content that decide what is added to it. */
enum hist_ckey {
	HC_TYPE, HC_SENDER, HC_SENDER_AGENT, HC_RECIPIENT, HC_RECIPIENT_AGENT,
	HC_NAMESPACE, HC_SENT_AT, HC_COUNT
};
static const char *const hist_content_names[HC_COUNT] = {
	"msg_type", "sender", "sender_agent", "recipient", "recipient_agent",
	"namespace", "sent_at"
};
static struct jscan_keys hist_ckeys;
static int hist_ckeys_ready;

/* Append ,"key":value (the value's JSON text) to the buffer at *o. */
static void
hist_splice(char *buf, size_t *o, int *first, const char *key,
    const struct jscan_val *v)
{
	size_t	n = strlen(key);

	if (!*first)
		buf[(*o)++] = ',';
	*first = 0;
	buf[(*o)++] = '"';
	memcpy(buf + *o, key, n);
	*o += n;
	buf[(*o)++] = '"';
	buf[(*o)++] = ':';
	if (v->type == JT_STRING) {
		buf[(*o)++] = '"';
		memcpy(buf + *o, v->p, v->len);
		*o += v->len;
		buf[(*o)++] = '"';
	} else {
		memcpy(buf + *o, v->p, v->len);
		*o += v->len;
	}
}

/* Whether an item's value can be added (present, not null). */
static int
hist_addable(const struct jscan_val *v)
{
	return (v->type != JT_NONE && v->type != JT_NULL);
}

/*
 * The usual case, without a tree: message_content's own text with the
 * missing members appended before its closing brace.
 */
static char *
hist_item_splice(const struct jscan_val *v, size_t *len)
{
	const struct jscan_val	*c = &v[HK_CONTENT];
	struct jscan_val	 m[HC_COUNT];
	const struct jscan_val	*add[5];
	const char		*names[5];
	size_t			 n = 0, i, need, o, end;
	char			*out;
	int			 first;

	if (!hist_ckeys_ready) {
		jscan_keys_init(&hist_ckeys, hist_content_names, HC_COUNT);
		hist_ckeys_ready = 1;
	}
	if (jscan_object(c->p, c->len, JSCAN_ALLOW_NUL, &hist_ckeys, m) < 0)
		return (NULL);
#define HIST_ADD(k, val) do {						\
	names[n] = (k);							\
	add[n++] = (val);						\
} while (0)
	if (m[HC_TYPE].type == JT_NONE && hist_addable(&v[HK_TYPE]))
		HIST_ADD("msg_type", &v[HK_TYPE]);
	if (m[HC_SENDER_AGENT].type == JT_NONE) {
		if (m[HC_SENDER].type == JT_STRING)
			HIST_ADD("sender_agent", &m[HC_SENDER]);
		else if (hist_addable(&v[HK_SENDER_AGENT]))
			HIST_ADD("sender_agent", &v[HK_SENDER_AGENT]);
	}
	if (m[HC_RECIPIENT_AGENT].type == JT_NONE) {
		if (m[HC_RECIPIENT].type == JT_STRING)
			HIST_ADD("recipient_agent", &m[HC_RECIPIENT]);
		else if (hist_addable(&v[HK_RECIPIENT_AGENT]))
			HIST_ADD("recipient_agent", &v[HK_RECIPIENT_AGENT]);
	}
	if (m[HC_NAMESPACE].type == JT_NONE && hist_addable(&v[HK_NAMESPACE]))
		HIST_ADD("namespace", &v[HK_NAMESPACE]);
	if (m[HC_SENT_AT].type == JT_NONE && hist_addable(&v[HK_SENT_AT]))
		HIST_ADD("sent_at", &v[HK_SENT_AT]);
#undef HIST_ADD
	/* The closing brace, and whether the object has members. */
	for (end = c->len; end > 0 && c->p[end - 1] != '}'; end--)
		;
	if (end == 0)
		return (NULL);
	end--;
	for (i = 1; i < end && strchr(" \t\r\n", c->p[i]) != NULL; i++)
		;
	first = i == end;
	need = end + 2;
	for (i = 0; i < n; i++)
		need += strlen(names[i]) + add[i]->len + 6;
	out = xmalloc(need);
	memcpy(out, c->p, end);
	o = end;
	for (i = 0; i < n; i++)
		hist_splice(out, &o, &first, names[i], add[i]);
	out[o++] = '}';
	out[o] = '\0';
	*len = o;
	return (out);
}

char *
history_item_message(const struct jscan_val *v, size_t *len)
{
	const struct jscan_val	*c = &v[HK_CONTENT];
	json_t			*o = NULL, *s;
	json_error_t		 err;
	char			*out;

	*len = 0;
	if (c->type == JT_OBJECT)
		return (hist_item_splice(v, len));
	if (c->type == JT_STRING) {
		/* Some stores keep the message as a JSON string. */
		s = json_loadb(c->p - 1, c->len + 2, JSON_DECODE_ANY |
		    JSON_ALLOW_NUL, &err);
		if (json_is_string(s))
			o = json_loadb(json_string_value(s),
			    json_string_length(s), JSON_ALLOW_NUL, &err);
		json_decref(s);
	}
	if (!json_is_object(o)) {
		json_decref(o);
		return (NULL);
	}
	hist_fill(o, "msg_type", &v[HK_TYPE]);
	if (json_object_get(o, "sender_agent") == NULL &&
	    json_is_string(json_object_get(o, "sender")))
		json_object_set(o, "sender_agent",
		    json_object_get(o, "sender"));
	hist_fill(o, "sender_agent", &v[HK_SENDER_AGENT]);
	if (json_object_get(o, "recipient_agent") == NULL &&
	    json_is_string(json_object_get(o, "recipient")))
		json_object_set(o, "recipient_agent",
		    json_object_get(o, "recipient"));
	hist_fill(o, "recipient_agent", &v[HK_RECIPIENT_AGENT]);
	hist_fill(o, "namespace", &v[HK_NAMESPACE]);
	hist_fill(o, "sent_at", &v[HK_SENT_AT]);
	out = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	if (out == NULL)
		return (NULL);
	*len = strlen(out);
	return (out);
}

/* ---- sequences ---- */

int
history_seqs_has(const struct hist_seqs *s, uint32_t seq)
{
	if (seq == 0 || seq >= s->cap)
		return (0);
	return ((s->bits[seq / 8] >> (seq % 8)) & 1);
}

int
history_seqs_add(struct hist_seqs *s, int64_t seq)
{
	uint32_t	ncap;

	if (seq < 1 || seq > HIST_SEQ_MAX)
		return (0);
	if ((uint32_t)seq >= s->cap) {
		for (ncap = s->cap ? s->cap : 64; ncap <= (uint32_t)seq;)
			ncap *= 2;
		s->bits = xreallocarray(s->bits, ncap / 8, 1);
		memset(s->bits + s->cap / 8, 0, (ncap - s->cap) / 8);
		s->cap = ncap;
	}
	if (history_seqs_has(s, seq))
		return (0);
	s->bits[seq / 8] |= 1U << (seq % 8);
	s->seen++;
	if ((uint32_t)seq > s->max)
		s->max = seq;
	return (1);
}

uint32_t
history_seqs_last(const struct hist_seqs *s)
{
	uint32_t	last = s->max;

	if (s->expect > last)
		last = s->expect > HIST_SEQ_MAX ? HIST_SEQ_MAX : s->expect;
	return (last);
}

uint32_t
history_seqs_missing(const struct hist_seqs *s)
{
	return (history_seqs_last(s) - s->seen);
}

uint32_t
history_seqs_missing_from(const struct hist_seqs *s, uint32_t from)
{
	uint32_t	n = history_seqs_missing(s), q;

	for (q = 1; q < from && q <= history_seqs_last(s); q++) {
		if (!history_seqs_has(s, q))
			n--;
	}
	return (n);
}

size_t
history_seqs_list(const struct hist_seqs *s, uint32_t from, uint32_t *out,
    size_t n)
{
	uint32_t	last = history_seqs_last(s), q;
	size_t		k = 0;

	for (q = from < 1 ? 1 : from; q <= last && k < n; q++) {
		if (!history_seqs_has(s, q))
			out[k++] = q;
	}
	return (k);
}

char *
history_seqs_ranges(const struct hist_seqs *s, uint32_t from, char *buf,
    size_t size)
{
	uint32_t	last = history_seqs_last(s), q, a;
	size_t		used = 0;
	int		n;

	*buf = '\0';
	for (q = from < 1 ? 1 : from; q <= last; q++) {
		if (history_seqs_has(s, q))
			continue;
		for (a = q; q < last && !history_seqs_has(s, q + 1); q++)
			;
		if (a == q)
			n = snprintf(buf + used, size - used, "%s%u",
			    used ? ", " : "", a);
		else
			n = snprintf(buf + used, size - used,
			    "%s%u\xe2\x80\x93%u", used ? ", " : "", a, q);
		if (n < 0 || (size_t)n >= size - used) {
			/* Out of room: end with an ellipsis if it fits. */
			if (used + 4 < size)
				strlcpy(buf + used, ", \xe2\x80\xa6",
				    size - used);
			break;
		}
		used += n;
	}
	return (buf);
}

void
history_seqs_free(struct hist_seqs *s)
{
	free(s->bits);
	memset(s, 0, sizeof *s);
}

/* ---- runs ---- */

static int
hist_run_cmp(struct hist_run *a, struct hist_run *b)
{
	return (strcmp(a->id, b->id));
}
RB_GENERATE(history_run_tree, hist_run, entry, hist_run_cmp);

void
history_runs_init(struct hist_runs *rs, size_t max)
{
	RB_INIT(&rs->tree);
	TAILQ_INIT(&rs->lru);
	rs->n = 0;
	rs->max = max > 0 ? max : 1;
}

static void
hist_run_remove(struct hist_runs *rs, struct hist_run *r)
{
	RB_REMOVE(history_run_tree, &rs->tree, r);
	TAILQ_REMOVE(&rs->lru, r, lru);
	rs->n--;
	history_seqs_free(&r->seqs);
	free(r->id);
	free(r->exec);
	free(r);
}

void
history_runs_clear(struct hist_runs *rs)
{
	struct hist_run	*r;

	while ((r = TAILQ_FIRST(&rs->lru)) != NULL)
		hist_run_remove(rs, r);
}

struct hist_run *
history_runs_find(struct hist_runs *rs, const char *id)
{
	struct hist_run	key;

	key.id = (char *)id;
	return (RB_FIND(history_run_tree, &rs->tree, &key));
}

static struct hist_run *
hist_runs_get(struct hist_runs *rs, const char *id, int *isnew)
{
	struct hist_run	*r;

	*isnew = 0;
	if ((r = history_runs_find(rs, id)) != NULL) {
		TAILQ_REMOVE(&rs->lru, r, lru);
		TAILQ_INSERT_TAIL(&rs->lru, r, lru);
		return (r);
	}
	*isnew = 1;
	r = xcalloc(1, sizeof *r);
	r->id = xstrdup(id);
	r->exec = xstrdup("");
	RB_INSERT(history_run_tree, &rs->tree, r);
	TAILQ_INSERT_TAIL(&rs->lru, r, lru);
	if (++rs->n > rs->max)
		hist_run_remove(rs, TAILQ_FIRST(&rs->lru));
	return (r);
}

int
history_runs_add(struct hist_runs *rs, const struct hist_key *k,
    enum hist_source src, int midway_is_hole, struct hist_run **rp)
{
	struct hist_run	*r;
	const char	*t = k->type;
	int		 isnew, hole = 0, midway = 0;

	*rp = NULL;
	if (k->run[0] == '\0')
		return (0);
	*rp = r = hist_runs_get(rs, k->run, &isnew);
	if (k->exec[0] != '\0' && strcmp(r->exec, k->exec) != 0) {
		free(r->exec);
		r->exec = xstrdup(k->exec);
	}
	if (strcmp(t, "run_imminent") == 0) {
		r->steps |= HRUN_IMMINENT;
		return (0);
	}
	if (isnew && src == HSRC_LIVE)
		midway = 1;	/* its run_imminent came before us */
	if (strcmp(t, "start_run") == 0) {
		if (!isnew && !(r->steps & HRUN_IMMINENT) && !r->midway)
			hole = 1;
		r->steps |= HRUN_START;
	} else if (strcmp(t, "pause_run") == 0 ||
	    strcmp(t, "resume_run") == 0 || strcmp(t, "end_run") == 0 ||
	    strcmp(t, "stf_gen") == 0) {
		if (!isnew && !(r->steps & HRUN_START) && !r->midway)
			hole = 1;	/* start_run skipped */
	}
	if (strcmp(t, "stf_gen") == 0 && k->seq >= 1) {
		if (r->first == 0 && src == HSRC_LIVE && k->seq <= HIST_SEQ_MAX)
			r->first = k->seq;
		if (!isnew && (uint64_t)k->seq > (uint64_t)r->seqs.max + 1)
			hole = 1;
		history_seqs_add(&r->seqs, k->seq);
	} else if (strcmp(t, "end_run") == 0) {
		r->steps |= HRUN_END;
		if (k->total > 0) {
			r->seqs.expect = k->total > HIST_SEQ_MAX ?
			    HIST_SEQ_MAX : k->total;
			if (history_seqs_missing(&r->seqs) > 0 && !isnew)
				hole = 1;
		}
	}
	if (midway) {
		r->midway = 1;
		hole = midway_is_hole;
	}
	if (src != HSRC_LIVE)
		return (0);
	if (hole) {
		r->hole = 1;
		r->merged = 0;
	}
	return (hole);
}
