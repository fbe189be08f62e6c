/* log.c: diagnostics with the calling function's name. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "text.h"

static enum log_level	 log_level = LOG_INFO;
static log_sink_fn	 log_sink;
static void		*log_sink_arg;

void
log_set_sink(log_sink_fn fn, void *arg)
{
	log_sink = fn;
	log_sink_arg = arg;
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

int
log_enabled(enum log_level level)
{
	return (level <= log_level);
}

void
log_emit(enum log_level level, const char *func, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "", "debug" };
	char	 buf[1024];
	va_list	 ap;
	int	 n;

	if (!log_enabled(level))
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* Whatever a line quotes, the token never leaves in it. */
	buf[text_scrub(buf, strlen(buf), n >= (int)sizeof buf)] = '\0';
	if (log_sink != NULL) {
		log_sink(level, buf, log_sink_arg);
		return;
	}
	if (level == LOG_DEBUG)
		fprintf(stderr, "%s: %s: %s\n", getprogname(), func, buf);
	else if (level == LOG_INFO)
		fprintf(stderr, "%s: %s\n", getprogname(), buf);
	else
		fprintf(stderr, "%s: %s: %s\n", getprogname(), names[level], buf);
}
