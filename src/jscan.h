/*
 * jscan.h: a strict validating scanner for one JSON object. It accepts
 * exactly what jansson's json_loadb() accepts as an object, and on the
 * way records where the top-level values of a few wanted keys are. It
 * builds nothing and allocates nothing.
 */
#ifndef JSCAN_H
#define JSCAN_H

#include <stddef.h>
#include <stdint.h>

#define JSCAN_MAX_DEPTH	2048	/* jansson's JSON_PARSER_MAX_DEPTH */
#define JSCAN_KEY_MAX	32	/* longest wanted key, bytes */
#define JSCAN_KEYS_MAX	32	/* wanted keys */

/* Flags of jscan_object(). */
#define JSCAN_ALLOW_NUL	0x01	/* as JSON_ALLOW_NUL: "\u0000" in values */

/* Bits of a successful jscan_object() result. */
#define JSCAN_NEWLINE	0x01	/* CR or LF occur (whitespace, necessarily) */
#define JSCAN_NULBYTE	0x02	/* NUL bytes occur (that jansson skips) */
#define JSCAN_HIGH	0x04	/* bytes of 0x7f or above occur (in strings) */

enum jscan_type {
	JT_NONE,		/* key absent */
	JT_STRING,
	JT_INTEGER,		/* fits in 64 bits, as jansson requires */
	JT_REAL,
	JT_TRUE,
	JT_FALSE,
	JT_NULL,
	JT_OBJECT,
	JT_ARRAY
};

/*
 * Where a wanted key's value is. For a string, p and len are the bytes
 * between the quotes, still escaped when esc is set; for anything else,
 * the value's text as written (a number's literal, a whole object).
 */
struct jscan_val {
	const char	*p;
	size_t		 len;
	uint8_t		 type;		/* enum jscan_type */
	uint8_t		 esc;		/* string contains backslash escapes */
};

/* A set of wanted keys, prepared once by jscan_keys_init(). */
struct jscan_keys {
	const char	*const *name;
	size_t		 n;
	uint64_t	 lens;		/* bit l: a key is l bytes long */
	uint8_t		 len[JSCAN_KEYS_MAX];
};

/*
 * Prepare n keys (n at most JSCAN_KEYS_MAX, each at most JSCAN_KEY_MAX
 * bytes; names must outlive k) for jscan_object().
 */
void	jscan_keys_init(struct jscan_keys *k, const char *const *names,
	    size_t n);

/*
 * Validate that buf (len bytes, any content) is exactly one JSON object,
 * optionally surrounded by whitespace, accepting and rejecting what
 * json_loadb(buf, len, flags, ...) does followed by json_is_object():
 * RFC 8259 syntax, UTF-8 validity (no overlong forms, surrogates or code
 * points past U+10FFFF), paired surrogate escapes, integers within 64
 * bits, reals that do not overflow a double, nesting at most
 * JSCAN_MAX_DEPTH deep, no "\u0000" in keys (nor in values without
 * JSCAN_ALLOW_NUL), and jansson's one leniency: a NUL byte right after a
 * number, true, false or null is skipped (JSCAN_NULBYTE tells; dropping
 * every NUL byte then gives strict RFC 8259). For each of the keys (NULL
 * for none), vals[i] receives the value of the last top-level member
 * named keys->name[i] (type JT_NONE if absent); pointers point into buf.
 * Returns -1 if invalid (vals then undefined), else JSCAN_* result bits.
 */
int	jscan_object(const char *buf, size_t len, int flags,
	    const struct jscan_keys *keys, struct jscan_val *vals);

/*
 * Decode the escaped contents of a string that jscan_object() accepted
 * (len bytes at p) into dst, which must hold len bytes. Returns the
 * decoded length; the result may contain NUL bytes and is not terminated.
 */
size_t	jscan_unescape(const char *p, size_t len, char *dst);

#endif
