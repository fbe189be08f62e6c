/* text.h: making hostile strings safe and measuring them for display. */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Copy len bytes of src into a new NUL-terminated string that is safe to
 * put on a terminal: invalid UTF-8 becomes U+FFFD; C0 and C1 controls, DEL
 * and whole escape sequences (CSI, OSC, DCS, ...) are removed; TAB and
 * newlines become one space. NUL bytes are removed. Invisible characters
 * that could pass for a letter or nothing (Hangul fillers, U+2800,
 * zero-width space and joiners, U+FEFF) become the six characters of
 * their escape ("\u3164"). The secret (text_set_secret()) becomes "***".
 * The caller frees.
 */
char	*text_sanitize(const char *src, size_t len);

/*
 * As text_sanitize(), but writes into dst (size dstsz, always terminated,
 * never splitting a UTF-8 sequence) and returns the bytes written.
 */
size_t	 text_sanitize_buf(char *dst, size_t dstsz, const char *src,
	    size_t len);

/*
 * With on set, every non-ASCII character comes out as '?': for a locale
 * that is not UTF-8, where the bytes of UTF-8 text would be other
 * characters, some of them 8-bit C1 controls (0x80-0x9F).
 */
void	 text_set_ascii(int on);

/*
 * The secret (the API token) that text_sanitize(), text_sanitize_buf()
 * and text_scrub() hide: every occurrence becomes "***". A secret under
 * 8 bytes is not looked for (it would garble ordinary text, and is no
 * secret). The string is not copied: it must stay valid until
 * text_set_secret(NULL).
 */
void	 text_set_secret(const char *);

/*
 * Hide the secret in s (len bytes, not necessarily terminated) in place;
 * with cut set, s was cut short, and a tail that begins the secret (four
 * bytes or more) is hidden too. Returns the new length (the bytes after
 * it are left as they were: the caller terminates).
 */
size_t	 text_scrub(char *s, size_t len, int cut);

/*
 * A copy of s (len bytes) with the secret hidden, its length in *outlen;
 * NULL if s does not hold the secret. The caller frees.
 */
char	*text_scrub_dup(const char *s, size_t len, size_t *outlen);

/*
 * Whether s (len bytes) is valid UTF-8 without anything the sanitizer
 * would change, whatever text_set_ascii() and text_set_secret() say.
 */
int	 text_is_clean(const char *s, size_t len);

/* Display width in terminal columns of a sanitized UTF-8 string. */
size_t	 text_width(const char *);

/*
 * Copy of a sanitized string cut to at most cols columns, padded with
 * spaces to exactly cols when pad is set; wide characters are never split.
 * Writes into dst (dstsz bytes) and returns dst.
 */
char	*text_fit(char *dst, size_t dstsz, const char *s, size_t cols,
	    int pad);

/*
 * A count written as s ("1234567", or already shortened: "1.23M") that
 * fits cols columns: the exact number if it fits, else the longest of
 * "12.3k", "300k", "1.2M", "12M", "1.2G", "12G" that fits, always rounded
 * down (never more than the count). "-" if nothing fits. Returns dst, or
 * NULL (dst untouched) if s is not a count.
 */
char	*text_count_fit(char *dst, size_t dstsz, const char *s, size_t cols);

/*
 * The one hash (64-bit FNV-1a): fold len bytes of p into h; start from
 * TEXT_HASH_INIT. Not for anything an attacker could exploit to collide
 * with more than a lost duplicate check.
 */
#define TEXT_HASH_INIT	0xcbf29ce484222325ULL
uint64_t text_hash(uint64_t h, const void *p, size_t len);

#endif
