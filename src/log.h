/* log.h: diagnostics with the calling function's name. */
#ifndef LOG_H
#define LOG_H

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/*
 * Where log lines go: by default stderr. The dashboard installs a sink that
 * keeps the last line for its status bar instead of writing to the
 * terminal. The string passed to the sink is valid only during the call.
 */
typedef void (*log_sink_fn)(enum log_level, const char *, void *);
void	log_set_sink(log_sink_fn, void *);
void	log_set_level(enum log_level);
int	log_enabled(enum log_level);
void	log_emit(enum log_level, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#define log_error(...) log_emit(LOG_ERROR, __func__, __VA_ARGS__)
#define log_warn(...) log_emit(LOG_WARN, __func__, __VA_ARGS__)
#define log_info(...) log_emit(LOG_INFO, __func__, __VA_ARGS__)
#define log_debug(...) do {						\
	if (log_enabled(LOG_DEBUG))					\
		log_emit(LOG_DEBUG, __func__, __VA_ARGS__);		\
} while (0)

#endif
