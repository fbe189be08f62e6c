/* text.h: making hostile strings safe and measuring them for display. */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>

/*
 * Copy len bytes of src into a new NUL-terminated string that is safe to
 * put on a terminal: invalid UTF-8 becomes U+FFFD; C0 and C1 controls, DEL
 * and whole escape sequences (CSI, OSC, DCS, ...) are removed; TAB and
 * newlines become one space. NUL bytes are removed. The caller frees.
 */
char	*text_sanitize(const char *src, size_t len);

/*
 * As text_sanitize(), but writes into dst (size dstsz, always terminated,
 * never splitting a UTF-8 sequence) and returns the bytes written.
 */
size_t	 text_sanitize_buf(char *dst, size_t dstsz, const char *src,
	    size_t len);

/* Display width in terminal columns of a sanitized UTF-8 string. */
size_t	 text_width(const char *);

/*
 * Copy of a sanitized string cut to at most cols columns, padded with
 * spaces to exactly cols when pad is set; wide characters are never split.
 * Writes into dst (dstsz bytes) and returns dst.
 */
char	*text_fit(char *dst, size_t dstsz, const char *s, size_t cols,
	    int pad);

#endif
