/*
 * fuzz-jscan.c: differential libFuzzer target. jscan_object()'s verdict
 * must equal jansson's (json_loadb() with flags 0, then json_is_object())
 * on every input, and again with JSCAN_ALLOW_NUL / JSON_ALLOW_NUL; the
 * wanted keys' values must be the ones jansson keeps (the last duplicate),
 * with equal types and, for strings and integers, equal contents; the
 * result bits must say whether CR or LF, NUL and bytes of 0x7f or above
 * occur; and the one-line form the json output writes must be strict
 * JSON.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "jscan.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const names[] = { "msg_type", "run_id", "message", "a",
    "", "k\xc3\xa9" };
#define NKEYS	(sizeof names / sizeof names[0])
static struct jscan_keys keys;

/* The jscan type jansson's value has. */
static int
fuzz_type(json_t *v)
{
	if (v == NULL)
		return (JT_NONE);
	switch (json_typeof(v)) {
	case JSON_OBJECT:	return (JT_OBJECT);
	case JSON_ARRAY:	return (JT_ARRAY);
	case JSON_STRING:	return (JT_STRING);
	case JSON_INTEGER:	return (JT_INTEGER);
	case JSON_REAL:		return (JT_REAL);
	case JSON_TRUE:		return (JT_TRUE);
	case JSON_FALSE:	return (JT_FALSE);
	case JSON_NULL:		return (JT_NULL);
	}
	return (-1);
}

/* Compare the scanned values with jansson's object. */
static void
fuzz_values(json_t *root, const struct jscan_val *vals)
{
	const struct jscan_val	*v;
	json_t			*j;
	char			*s, lit[32];
	size_t			 i, n;

	for (i = 0; i < NKEYS; i++) {
		v = &vals[i];
		j = json_object_get(root, names[i]);
		if (fuzz_type(j) != v->type)
			abort();
		if (v->type == JT_STRING) {
			s = xmalloc(v->len + 1);
			n = v->esc ? jscan_unescape(v->p, v->len, s) : v->len;
			if (!v->esc)
				memcpy(s, v->p, n);
			if (n != json_string_length(j) ||
			    memcmp(s, json_string_value(j), n) != 0)
				abort();
			free(s);
		} else if (v->type == JT_INTEGER) {
			snprintf(lit, sizeof lit, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(j));
			if (strlen(lit) != v->len ||
			    memcmp(lit, v->p, v->len) != 0) {
				/* Only "-0" is written differently. */
				if (v->len != 2 || memcmp(v->p, "-0", 2) != 0)
					abort();
			}
		}
	}
}

/*
 * What the json output writes for accepted data: CR and LF as spaces, NUL
 * bytes dropped. It must be one strict JSON object on one line.
 */
static void
fuzz_line(const char *p, size_t size)
{
	char	*line = xmalloc(size + 1);
	size_t	 i, n = 0;
	json_t	*j;

	for (i = 0; i < size; i++) {
		if (p[i] == '\0')
			continue;
		line[n++] = p[i] == '\n' || p[i] == '\r' ? ' ' : p[i];
	}
	if ((jscan_object(line, n, JSCAN_ALLOW_NUL, NULL, NULL) &
	    ~JSCAN_HIGH) != 0)
		abort();
	j = json_loadb(line, n, JSON_ALLOW_NUL, NULL);
	if (j == NULL || !json_is_object(j))
		abort();
	json_decref(j);
	free(line);
}

/* Whether a byte of 0x7f or above occurs. */
static int
fuzz_high(const uint8_t *p, size_t size)
{
	size_t	i;

	for (i = 0; i < size; i++) {
		if (p[i] >= 0x7f)
			return (1);
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jscan_val	 vals[NKEYS];
	const char		*p = (const char *)data;
	json_t			*j;
	int			 flags, ok, r;

	if (keys.n == 0)
		jscan_keys_init(&keys, names, NKEYS);
	for (flags = 0; flags <= 1; flags++) {
		j = json_loadb(p, size, flags ? JSON_ALLOW_NUL : 0, NULL);
		ok = j != NULL && json_is_object(j);
		r = jscan_object(p, size, flags ? JSCAN_ALLOW_NUL : 0, &keys,
		    vals);
		if (ok != (r >= 0))
			abort();
		if (ok) {
			fuzz_values(j, vals);
			if (((memchr(p, '\n', size) != NULL ||
			    memchr(p, '\r', size) != NULL) ? JSCAN_NEWLINE :
			    0) + (memchr(p, '\0', size) != NULL ?
			    JSCAN_NULBYTE : 0) + (fuzz_high(data, size) ?
			    JSCAN_HIGH : 0) != r)
				abort();
			if ((r & ~JSCAN_HIGH) != 0)
				fuzz_line(p, size);
		}
		json_decref(j);
	}
	return (0);
}
