/*
 * view-detail.c: one message as pretty-printed JSON (jansson, indent 2,
 * in the order received), each line sanitized, long lines wrapped, with
 * its receive time and lag. The text is copied when the view opens, so
 * the message may be evicted meanwhile.
 *
 * The pretty-printed text is bounded: jansson streams it to a callback
 * that cuts each line's indentation to DETAIL_INDENT_MAX columns, makes
 * each line as it ends (there is never a whole copy of the text), and
 * stops past twice --max-event bytes with a "(truncated)" line. A message
 * nested 2000 deep thus costs what its content costs, not depth times
 * its size.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cfg.h"
#include "msg.h"
#include "store.h"
#include "text.h"
#include "tui-int.h"
#include "utf8.h"
#include "xmalloc.h"

#define DETAIL_HEAD		3
#define DETAIL_INDENT_MAX	64	/* columns of indentation shown */
#define DETAIL_MIN		(64 * 1024)
#define DETAIL_TRUNCATED	"(truncated)"

struct drow {
	size_t		 line;
	size_t		 off;
};

struct detail {
	struct tui	*t;
	uint64_t	 seq;
	char		*head[DETAIL_HEAD];
	char		**lines;	/* sanitized, owned */
	size_t		 nlines;
	size_t		 linecap;
	struct drow	*rows;		/* lines wrapped to wrap_w */
	size_t		 nrows;
	int		 wrap_w;
	size_t		 top;
	int		 h;
};

static void
detail_add_line(struct detail *d, const char *s, size_t len)
{
	d->lines = xgrow(d->lines, &d->linecap, d->nlines + 1, 64,
	    sizeof *d->lines);
	d->lines[d->nlines++] = text_sanitize(s, len);
}

/* Split text into sanitized lines. */
static void
detail_add_text(struct detail *d, const char *s, size_t len)
{
	const char	*nl, *end = s + len;

	while (s < end) {
		if ((nl = memchr(s, '\n', end - s)) == NULL)
			nl = end;
		detail_add_line(d, s, nl - s);
		s = nl + 1;
	}
}

/* The pretty-printed text being cut into lines. */
struct detail_out {
	struct detail	*d;
	char		*line;		/* the line being built */
	size_t		 len;
	size_t		 cap;
	size_t		 indent;	/* leading spaces seen on this line */
	int		 bol;		/* still in the indentation */
	size_t		 total;		/* bytes kept so far */
	size_t		 max;
	int		 cut;
};

/* Append n bytes to the line being built. */
static void
detail_out_put(struct detail_out *o, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (o->len + n > o->cap) {
		o->cap = o->cap == 0 ? 256 : o->cap;
		while (o->len + n > o->cap)
			o->cap *= 2;
		o->line = xreallocarray(o->line, o->cap, 1);
	}
	memcpy(o->line + o->len, s, n);
	o->len += n;
	o->total += n;
}

/* End the line being built. */
static void
detail_out_eol(struct detail_out *o)
{
	detail_add_line(o->d, o->line != NULL ? o->line : "", o->len);
	o->len = 0;
	o->indent = 0;
	o->bol = 1;
	o->total++;
}

/* jansson's dump callback: indentation capped, lines made as they end. */
static int
detail_out_cb(const char *s, size_t n, void *arg)
{
	struct detail_out	*o = arg;
	const char		*nl;
	size_t			 k, room;

	while (n > 0) {
		if (o->total >= o->max) {
			o->cut = 1;
			return (-1);
		}
		if (*s == '\n') {
			detail_out_eol(o);
			s++;
			n--;
			continue;
		}
		if (o->bol && *s == ' ') {
			for (k = 0; k < n && s[k] == ' '; k++)
				;
			room = o->indent < DETAIL_INDENT_MAX ?
			    DETAIL_INDENT_MAX - o->indent : 0;
			if (room > k)
				room = k;
			if (room > o->max - o->total)
				room = o->max - o->total;
			detail_out_put(o, s, room);
			o->indent += k;
			s += k;
			n -= k;
			continue;
		}
		o->bol = 0;
		if ((nl = memchr(s, '\n', n)) == NULL)
			k = n;
		else
			k = nl - s;
		if (k > o->max - o->total)
			k = o->max - o->total;
		detail_out_put(o, s, k);
		s += k;
		n -= k;
	}
	return (0);
}

/* Pretty-print root into lines, bounded; 0 if jansson failed. */
static int
detail_pretty(struct detail *d, json_t *root)
{
	struct detail_out	o;
	int			rc;

	memset(&o, 0, sizeof o);
	o.d = d;
	o.bol = 1;
	o.max = d->t->cfg->max_event * 2;
	if (o.max < DETAIL_MIN)
		o.max = DETAIL_MIN;
	rc = json_dump_callback(root, detail_out_cb, &o, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	if (rc != 0 && !o.cut) {
		free(o.line);
		return (0);
	}
	if (o.len > 0)
		detail_out_eol(&o);
	if (o.cut)
		detail_add_line(d, DETAIL_TRUNCATED,
		    strlen(DETAIL_TRUNCATED));
	free(o.line);
	return (1);
}

static void
detail_load(struct detail *d, const struct msg *m)
{
	json_error_t	 err;
	json_t		*root;
	char		 tm[64], sent[64], lag[32];
	size_t		 i;

	memset(&err, 0, sizeof err);
	tui_util_fmt_stamp(tm, sizeof tm, m->recv_us);
	xasprintf(&d->head[0], "message #%llu  %s  from %s  run %s",
	    (unsigned long long)m->seq, msg_get(m, MF_TYPE),
	    *msg_get(m, MF_AGENT) != '\0' ? msg_get(m, MF_AGENT) : "-",
	    *msg_get(m, MF_RUN) != '\0' ? msg_get(m, MF_RUN) : "-");
	if (m->sent_us > 0) {
		tui_util_fmt_dur(lag, sizeof lag, m->recv_us - m->sent_us);
		snprintf(sent, sizeof sent, "%s", msg_get(m, MF_SENT_AT));
	} else {
		snprintf(lag, sizeof lag, "-");
		snprintf(sent, sizeof sent, "-");
	}
	xasprintf(&d->head[1], "received %s  lag %s  %u bytes", tm, lag,
	    m->jsonlen);
	xasprintf(&d->head[2], "sent_at %s", sent);
	root = json_loadb(msg_json(m), m->jsonlen, JSON_DECODE_ANY |
	    JSON_ALLOW_NUL, &err);
	if (root != NULL) {
		if (detail_pretty(d, root)) {
			json_decref(root);
			return;
		}
		json_decref(root);
		for (i = 0; i < d->nlines; i++)
			free(d->lines[i]);
		d->nlines = 0;
	}
	free(d->head[2]);
	xasprintf(&d->head[2], "sent_at %s  (data is not JSON: %s)", sent,
	    err.text);
	detail_add_text(d, msg_json(m), m->jsonlen);
}

static void *
detail_create(struct tui *t, const void *arg)
{
	struct detail		*d = xcalloc(1, sizeof *d);
	const struct msg	*m;

	d->t = t;
	d->seq = *(const uint64_t *)arg;
	if ((m = store_get(t->store, d->seq)) != NULL)
		detail_load(d, m);
	else
		xasprintf(&d->head[0], "message #%llu was evicted",
		    (unsigned long long)d->seq);
	return (d);
}

static void
detail_destroy(struct tui *t, void *arg)
{
	struct detail	*d = arg;
	size_t		 i;

	for (i = 0; i < DETAIL_HEAD; i++)
		free(d->head[i]);
	for (i = 0; i < d->nlines; i++)
		free(d->lines[i]);
	free(d->lines);
	free(d->rows);
	free(d);
}

/* Wrap every line to w columns, never splitting a character. */
static void
detail_wrap(struct detail *d, int w)
{
	char		buf[4096];
	size_t		i, off, len, n, cap = 0;
	uint32_t	cp;

	d->nrows = 0;
	d->wrap_w = w;
	for (i = 0; i < d->nlines; i++) {
		len = strlen(d->lines[i]);
		off = 0;
		do {
			d->rows = xgrow(d->rows, &cap, d->nrows + 1, 64,
			    sizeof *d->rows);
			d->rows[d->nrows].line = i;
			d->rows[d->nrows].off = off;
			d->nrows++;
			text_fit(buf, sizeof buf, d->lines[i] + off, w, 0);
			if ((n = strlen(buf)) == 0 && off < len)
				n = utf8_decode(d->lines[i] + off, len - off,
				    &cp);
			off += n;
		} while (off < len);
	}
}

/* One wrapped row; the key of a "key": value line stands out. */
static void
detail_draw_row(struct detail *d, const struct drow *r, int y, int w)
{
	const char	*s = d->lines[r->line], *p, *q;
	char		 key[1024];
	size_t		 n;
	int		 kw;

	tui_util_put(y, 0, w, s + r->off, A_NORMAL);
	if (r->off != 0)
		return;
	for (p = s; *p == ' '; p++)
		;
	if (*p != '"' || (q = strstr(p, "\": ")) == NULL)
		return;
	n = q - s + 1;
	if (n >= sizeof key)
		return;
	memcpy(key, s, n);
	key[n] = '\0';
	kw = (int)text_width(key);
	tui_util_put(y, 0, kw < w ? kw : w, key, tui_attr(COL_HEADER));
}

static void
detail_draw(struct tui *t, void *arg, int y, int h)
{
	struct detail	*d = arg;
	int		 i, w = t->cols, body;
	size_t		 r;

	for (i = 0; i < DETAIL_HEAD && i < h; i++)
		tui_util_put(y + i, 0, w, d->head[i] != NULL ? d->head[i] : "",
		    i == 0 ? tui_attr(COL_HEADER) : A_NORMAL);
	if (h <= DETAIL_HEAD + 1)
		return;
	tui_util_fill(y + DETAIL_HEAD, 0, w, A_NORMAL);
	mvhline(y + DETAIL_HEAD, 0, ACS_HLINE, w);
	body = h - DETAIL_HEAD - 1;
	d->h = body;
	if (d->wrap_w != w)
		detail_wrap(d, w);
	if (d->top + body > d->nrows)
		d->top = d->nrows > (size_t)body ? d->nrows - body : 0;
	for (i = 0; i < body; i++) {
		r = d->top + i;
		if (r >= d->nrows)
			break;
		detail_draw_row(d, &d->rows[r], y + DETAIL_HEAD + 1 + i, w);
	}
}

static int
detail_key(struct tui *t, void *arg, int key)
{
	struct detail	*d = arg;
	size_t		 page = d->h > 1 ? d->h - 1 : 1;
	size_t		 last = d->nrows > (size_t)d->h ? d->nrows - d->h : 0;

	switch (key) {
	case 'j':
	case TK(KEY_DOWN):
		d->top = d->top < last ? d->top + 1 : last;
		break;
	case 'k':
	case TK(KEY_UP):
		d->top = d->top > 0 ? d->top - 1 : 0;
		break;
	case ' ':
	case TK(KEY_NPAGE):
	case TK_CTRL('f'):
		d->top = d->top + page < last ? d->top + page : last;
		break;
	case 'b':
	case TK(KEY_PPAGE):
	case TK_CTRL('b'):
		d->top = d->top > page ? d->top - page : 0;
		break;
	case 'g':
	case TK(KEY_HOME):
		d->top = 0;
		break;
	case 'G':
	case TK(KEY_END):
		d->top = last;
		break;
	default:
		return (0);
	}
	return (V_HANDLED | V_REDRAW);
}

static const struct msg *
detail_selected(struct tui *t, void *arg)
{
	struct detail	*d = arg;

	return (store_get(t->store, d->seq));
}

static void
detail_info(struct tui *t, void *arg, char *buf, size_t size)
{
	struct detail	*d = arg;
	size_t		 end = d->top + d->h;

	snprintf(buf, size, "lines %zu-%zu of %zu", d->nrows ? d->top + 1 : 0,
	    end < d->nrows ? end : d->nrows, d->nrows);
}

const struct view view_detail = {
	.name = "Detail",
	.hints = "j/k scroll  Space/b page  g/G top/end  t/A/R/S filter  "
	    "q back",
	.create = detail_create,
	.destroy = detail_destroy,
	.draw = detail_draw,
	.key = detail_key,
	.selected = detail_selected,
	.info = detail_info
};
