/*
 * tui-util.c: drawing and formatting helpers for the dashboard: fitted
 * strings (never breaking alignment with wide characters), highlights,
 * table columns, times and durations.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "text.h"
#include "tui-int.h"
#include "utf8.h"

#define TUI_LINE_MAX	8192

void
tui_util_put(int y, int x, int w, const char *s, unsigned attr)
{
	char	buf[TUI_LINE_MAX];

	if (w <= 0 || x < 0)
		return;
	text_fit(buf, sizeof buf, s, w, 1);
	attrset(attr);
	mvaddstr(y, x, buf);
	attrset(A_NORMAL);
}

void
tui_util_fill(int y, int x, int w, unsigned attr)
{
	if (w <= 0 || x < 0)
		return;
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

/* Columns taken by the first n bytes of s. */
static int
tui_width_n(const char *s, size_t n)
{
	char	buf[TUI_LINE_MAX];

	if (n >= sizeof buf)
		n = sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return ((int)text_width(buf));
}

/*
 * Draw s fitted to w columns, then redraw every case-insensitive
 * occurrence of pat visible in it with hlattr. Returns the occurrences
 * drawn.
 */
int
tui_util_put_hl(int y, int x, int w, const char *s, unsigned attr,
    const char *pat, unsigned hlattr)
{
	char		 buf[TUI_LINE_MAX], part[TUI_LINE_MAX];
	const char	*p, *at;
	size_t		 plen;
	int		 n = 0;

	if (w <= 0 || x < 0)
		return (0);
	text_fit(buf, sizeof buf, s, w, 1);
	attrset(attr);
	mvaddstr(y, x, buf);
	if (pat != NULL && (plen = strlen(pat)) > 0) {
		attrset(hlattr);
		for (p = buf; (at = tui_util_strcasestr(p, pat)) != NULL;
		    p = at + plen) {
			memcpy(part, at, plen);
			part[plen] = '\0';
			mvaddstr(y, x + tui_width_n(buf, at - buf), part);
			n++;
		}
	}
	attrset(A_NORMAL);
	return (n);
}

/*
 * Fit s into exactly cols columns; when too wide, cut in the middle with
 * an ellipsis, keeping both ends (names that differ only at the end stay
 * distinct). Returns dst.
 */
char *
tui_util_fit_mid(char *dst, size_t dstsz, const char *s, int cols)
{
	char		 one[8], head[TUI_LINE_MAX];
	const char	*p, *end;
	size_t		 n;
	int		 total, left, right, w;
	uint32_t	 cp;

	total = (int)text_width(s);
	if (total <= cols || cols < 5)
		return (text_fit(dst, dstsz, s, cols, 1));
	left = (cols - 1) / 2;
	right = cols - 1 - left;
	text_fit(head, sizeof head, s, left, 1);
	/* The shortest suffix of s at most right columns wide. */
	end = s + strlen(s);
	for (p = s, w = total; p < end && w > right; p += n) {
		n = utf8_decode(p, end - p, &cp);
		memcpy(one, p, n < sizeof one ? n : sizeof one - 1);
		one[n < sizeof one ? n : sizeof one - 1] = '\0';
		w -= (int)text_width(one);
	}
	snprintf(dst, dstsz, "%s\xe2\x80\xa6%s", head, p);
	/* Pad if a wide character left a column over. */
	text_fit(head, sizeof head, dst, cols, 1);
	strlcpy(dst, head, dstsz);
	return (dst);
}

/*
 * Bytes of s that make its next line when wrapped at w columns: up to the
 * last space that fits, or as many characters as fit when no space does.
 * *skip is set to the bytes to skip after it (the spaces at the break).
 */
size_t
tui_util_wrap_next(const char *s, int w, size_t *skip)
{
	char	buf[TUI_LINE_MAX];
	size_t	n, i;

	*skip = 0;
	text_fit(buf, sizeof buf, s, w > 0 ? w : 1, 0);
	n = strlen(buf);
	if (n == 0 && *s != '\0') {
		uint32_t	cp;

		return (utf8_decode(s, strlen(s), &cp));
	}
	if (s[n] != '\0' && s[n] != ' ') {
		for (i = n; i > 0 && s[i - 1] != ' '; i--)
			;
		if (i > 0)
			n = i - 1;
	}
	while (s[n + *skip] == ' ')
		(*skip)++;
	while (n > 0 && s[n - 1] == ' ') {
		n--;
		(*skip)++;
	}
	return (n);
}

/* Draw s word-wrapped over at most rows lines; returns the lines used. */
int
tui_util_put_wrap(int y, int x, int w, int rows, const char *s, unsigned attr)
{
	char	line[TUI_LINE_MAX];
	size_t	n, skip;
	int	used = 0;

	while (used < rows && (used == 0 || *s != '\0')) {
		n = tui_util_wrap_next(s, w, &skip);
		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, s, n);
		line[n] = '\0';
		tui_util_put(y + used, x, w, line, attr);
		used++;
		s += n + skip;
		if (n + skip == 0)
			break;
	}
	return (used);
}

/* Case-insensitive (ASCII) substring search. */
const char *
tui_util_strcasestr(const char *s, const char *pat)
{
	size_t	n = strlen(pat);

	if (n == 0)
		return (s);
	for (; *s != '\0'; s++) {
		if (strncasecmp(s, pat, n) == 0)
			return (s);
	}
	return (NULL);
}

/* Local HH:MM:SS, with .mmm if ms. */
char *
tui_util_fmt_clock(char *buf, size_t size, int64_t us, int ms)
{
	struct tm	tm;
	time_t		t;

	if (us <= 0) {
		snprintf(buf, size, "-");
		return (buf);
	}
	t = us / 1000000;
	localtime_r(&t, &tm);
	if (ms)
		snprintf(buf, size, "%02d:%02d:%02d.%03d", tm.tm_hour,
		    tm.tm_min, tm.tm_sec, (int)(us % 1000000 / 1000));
	else
		snprintf(buf, size, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
	return (buf);
}

/* Local date and time with microseconds and the zone. */
char *
tui_util_fmt_stamp(char *buf, size_t size, int64_t us)
{
	struct tm	tm;
	time_t		t;
	char		zone[16];

	if (us <= 0) {
		snprintf(buf, size, "-");
		return (buf);
	}
	t = us / 1000000;
	localtime_r(&t, &tm);
	strftime(zone, sizeof zone, "%z", &tm);
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d.%06d %s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(us % 1000000), zone);
	return (buf);
}

/* A short duration: 850ms, 12s, 4m05s, 3h12m, 2d04h. */
char *
tui_util_fmt_dur(char *buf, size_t size, int64_t us)
{
	int64_t	s;

	if (us < 0) {
		snprintf(buf, size, "-");
		return (buf);
	}
	s = us / 1000000;
	if (us == 0)
		snprintf(buf, size, "0s");
	else if (us < 1000000)
		snprintf(buf, size, "%dms", (int)(us / 1000));
	else if (s < 60)
		snprintf(buf, size, "%ds", (int)s);
	else if (s < 3600)
		snprintf(buf, size, "%dm%02ds", (int)(s / 60), (int)(s % 60));
	else if (s < 86400)
		snprintf(buf, size, "%dh%02dm", (int)(s / 3600),
		    (int)(s / 60 % 60));
	else
		snprintf(buf, size, "%dd%02dh", (int)(s / 86400),
		    (int)(s / 3600 % 24));
	return (buf);
}

/* A count in at most 6 characters: 123456, 1.23M, 12.3G. */
char *
tui_util_fmt_count(char *buf, size_t size, uint64_t n)
{
	if (n < 1000000)
		snprintf(buf, size, "%llu", (unsigned long long)n);
	else if (n < 100000000ULL)
		snprintf(buf, size, "%.2fM", n / 1e6);
	else if (n < 1000000000ULL)
		snprintf(buf, size, "%.0fM", n / 1e6);
	else
		snprintf(buf, size, "%.1fG", n / 1e9);
	return (buf);
}

/* FNV-1a of a kind and a name: a stable row key. */
uint64_t
tui_util_hash(int kind, const char *s)
{
	unsigned char	k = (unsigned char)kind;

	return (text_hash(text_hash(TEXT_HASH_INIT, &k, 1), s, strlen(s)));
}

/* Offset of the UTF-8 character before offset len of s. */
size_t
tui_util_utf8_back(const char *s, size_t len)
{
	if (len == 0)
		return (0);
	len--;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	return (len);
}

void
tui_util_cols_layout(struct tui_col *c, size_t n, int width)
{
	size_t	i, worst;
	int	sum, flex = -1;

	for (i = 0; i < n; i++)
		c[i].x = 0;
	for (;;) {
		sum = -1;
		for (i = 0; i < n; i++) {
			if (c[i].x >= 0)
				sum += c[i].w + 1;
		}
		if (sum <= width)
			break;
		worst = n;
		for (i = 0; i < n; i++) {
			if (c[i].x >= 0 && c[i].drop > 0 &&
			    (worst == n || c[i].drop > c[worst].drop))
				worst = i;
		}
		if (worst == n)
			break;
		c[worst].x = -1;
	}
	sum = 0;
	for (i = 0; i < n; i++) {
		if (c[i].x < 0)
			continue;
		c[i].x = sum;
		c[i].cw = c[i].w;
		sum += c[i].w + 1;
		if (c[i].flex && flex == -1)
			flex = i;
	}
	if (flex != -1 && sum - 1 < width) {
		c[flex].cw += width - (sum - 1);
		for (i = flex + 1; i < n; i++) {
			if (c[i].x >= 0)
				c[i].x += width - (sum - 1);
		}
	}
	for (i = 0; i < n; i++) {
		if (c[i].x >= 0 && c[i].x + c[i].cw > width)
			c[i].cw = width - c[i].x;
		if (c[i].x >= width)
			c[i].x = -1;
	}
}

void
tui_util_cols_put(const struct tui_col *c, size_t i, int y, const char *s,
    unsigned attr)
{
	char	buf[TUI_LINE_MAX];
	int	w;

	if (c[i].x < 0 || c[i].cw <= 0)
		return;
	/* A count too wide for its column is shortened, never cut. */
	if (c[i].right && (int)text_width(s) > c[i].cw &&
	    text_count_fit(buf, sizeof buf, s, c[i].cw) != NULL)
		s = buf;
	if (c[i].right && (w = (int)text_width(s)) <= c[i].cw) {
		tui_util_fill(y, c[i].x, c[i].cw - w, attr);
		tui_util_put(y, c[i].x + c[i].cw - w, w, s, attr);
		return;
	}
	if (c[i].mid)
		tui_util_fit_mid(buf, sizeof buf, s, c[i].cw);
	else
		text_fit(buf, sizeof buf, s, c[i].cw, 1);
	tui_util_put(y, c[i].x, c[i].cw, buf, attr);
}

void
tui_util_cols_header(const struct tui_col *c, size_t n, int y, int width,
    unsigned attr)
{
	size_t	i;

	tui_util_fill(y, 0, width, attr);
	for (i = 0; i < n; i++)
		tui_util_cols_put(c, i, y, c[i].title, attr);
}

