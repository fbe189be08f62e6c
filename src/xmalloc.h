/* xmalloc.h: allocation that never returns NULL, and fatal exits. */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

/* Allocate, or call fatalx() on exhaustion. The caller frees with free(). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
/*
 * The one growable array: room for at least n elements of size bytes in
 * p, whose capacity *cap (elements) at least doubles from first; returns
 * the array (p itself when it is big enough).
 */
void	*xgrow(void *p, size_t *cap, size_t n, size_t first, size_t size);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Print a message (with strerror(errno) for fatal) and exit 70. The hook
 * set with fatal_set_hook() runs first, so the terminal is restored.
 */
void	 fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	 fatal_set_hook(void (*)(void));

#define EXIT_FATAL 70

#endif
