/*
 * cfg.c: configuration from flags, the environment, ~/.env and the config
 * file, merged by source: a value set from one source is only replaced
 * from the same or a higher one, so the sources may be read in any order.
 *
 * Keys are long option names ("idle-timeout"; '_' may stand for '-') or
 * environment names (SWF_MONITOR_PROD_URL, ...). ~/.env and the
 * environment know only the environment names; the config file knows
 * both. Booleans take 1/0, yes/no, true/false, on/off (no value: 1).
 * NO_COLOR is set by any non-empty value. "verbose" with no value adds
 * one. An empty value unsets a string or path at that source.
 *
 * Causes name the key and may quote the value, except for the token,
 * which is never put in any string this file makes.
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "cfg.h"
#include "filter.h"
#include "history.h"
#include "log.h"
#include "sse.h"
#include "text.h"
#include "xmalloc.h"

#define CFG_FILE_MAX	(1024 * 1024)	/* bytes of any file read */
#define CFG_LINE_MAX	16384		/* bytes of one KEY=value line */
#define CFG_NAME_MAX	100		/* characters of an agent name */
#define CFG_LOCATION_MAX 100		/* characters of --location */
#define CFG_LOCATION_MAX_S "100"

enum cfg_key {
	K_URL, K_TOKEN, K_TOKEN_FILE, K_NAME, K_CACERT, K_NAMESPACE,
	K_CONFIG, K_RECORD, K_REPLAY, K_INSECURE, K_ALLOW_HTTP,
	K_SERVER_FILTERS, K_NO_COLOR, K_OUTPUT, K_MESSAGE, K_AGENT, K_RUN,
	K_IDLE, K_HEARTBEAT, K_MAX_EVENT, K_KEEP, K_KEEP_BYTES, K_SPEED,
	K_VERBOSE, K_DEMO, K_NCOUNT, K_EXIT_ON_CLOSE, K_STALL_AFTER,
	K_BEHIND_FILES, K_BEHIND_AFTER, K_STALE_AFTER, K_BELL, K_HISTORY,
	K_HISTORY_RUNS, K_HISTORY_MAX_BYTES, K_NSFILTER, K_LOCATION, K_REGISTRY,
	K_OSC52, K_NO_MOUSE,
	K_URL_PROD,	/* source at which SWF_MONITOR_PROD_URL set url */
	K_COUNT
};

enum cfg_type {
	T_STR, T_PATH, T_URL, T_TOKEN, T_BOOL, T_NOCOLOR, T_LIST, T_DOUBLE,
	T_SIZE, T_COUNT, T_OUTPUT, T_SFILTERS, T_VERBOSE, T_HISTORY
};

#define CF_ENV	0x1	/* an environment name */
#define CF_PROD	0x2	/* SWF_MONITOR_PROD_URL: wins over SWF_MONITOR_URL */
#define CF_ALT	0x4	/* SWF_MONITOR_URL */

struct cfg_entry {
	const char	*name;
	enum cfg_key	 key;
	enum cfg_type	 type;
	int		 flags;
	double		 min;
	double		 max;
};

static const struct cfg_entry cfg_table[] = {
	{ "url", K_URL, T_URL, 0, 0, 0 },
	{ "SWF_MONITOR_PROD_URL", K_URL, T_URL, CF_ENV|CF_PROD, 0, 0 },
	{ "SWF_MONITOR_URL", K_URL, T_URL, CF_ENV|CF_ALT, 0, 0 },
	{ "SWF_API_TOKEN", K_TOKEN, T_TOKEN, CF_ENV, 0, 0 },
	{ "token-file", K_TOKEN_FILE, T_PATH, 0, 0, 0 },
	{ "name", K_NAME, T_STR, 0, 0, 0 },
	{ "SWF_SSE_RECEIVER_NAME", K_NAME, T_STR, CF_ENV, 0, 0 },
	{ "cacert", K_CACERT, T_PATH, 0, 0, 0 },
	{ "REQUESTS_CA_BUNDLE", K_CACERT, T_PATH, CF_ENV, 0, 0 },
	{ "namespace", K_NAMESPACE, T_STR, 0, 0, 0 },
	{ "config", K_CONFIG, T_PATH, 0, 0, 0 },
	{ "record", K_RECORD, T_PATH, 0, 0, 0 },
	{ "replay", K_REPLAY, T_PATH, 0, 0, 0 },
	{ "insecure", K_INSECURE, T_BOOL, 0, 0, 0 },
	{ "allow-http", K_ALLOW_HTTP, T_BOOL, 0, 0, 0 },
	{ "server-filters", K_SERVER_FILTERS, T_SFILTERS, 0, 0, 0 },
	{ "no-color", K_NO_COLOR, T_BOOL, 0, 0, 0 },
	{ "NO_COLOR", K_NO_COLOR, T_NOCOLOR, CF_ENV, 0, 0 },
	{ "output", K_OUTPUT, T_OUTPUT, 0, 0, 0 },
	{ "message", K_MESSAGE, T_LIST, 0, 0, 0 },
	{ "agent", K_AGENT, T_LIST, 0, 0, 0 },
	{ "run", K_RUN, T_LIST, 0, 0, 0 },
	{ "namespace-filter", K_NSFILTER, T_LIST, 0, 0, 0 },
	{ "location", K_LOCATION, T_STR, 0, 0, 0 },
	{ "idle-timeout", K_IDLE, T_DOUBLE, 0, 0, 86400 },
	{ "agent-interval", K_HEARTBEAT, T_DOUBLE, 0, 1, 3600 },
	{ "max-event", K_MAX_EVENT, T_SIZE, 0, 1024, 64.0 * 1024 * 1024 },
	{ "keep", K_KEEP, T_COUNT, 0, 1, 100000000 },
	{ "keep-bytes", K_KEEP_BYTES, T_SIZE, 0, 1024.0 * 1024,
	    1024.0 * 1024 * 1024 * 1024 },
	{ "speed", K_SPEED, T_DOUBLE, 0, 0, 1000 },
	{ "verbose", K_VERBOSE, T_VERBOSE, 0, 0, 9 },
	{ "demo", K_DEMO, T_BOOL, 0, 0, 0 },
	{ "count", K_NCOUNT, T_COUNT, 0, 1, 1e12 },
	{ "history", K_HISTORY, T_HISTORY, 0, 0, 0 },
	{ "history-runs", K_HISTORY_RUNS, T_COUNT, 0, 1, 256 },
	{ "history-max-bytes", K_HISTORY_MAX_BYTES, T_SIZE, 0, 1024,
	    4.0 * 1024 * 1024 * 1024 },
	{ "exit-on-close", K_EXIT_ON_CLOSE, T_BOOL, 0, 0, 0 },
	{ "stall-after", K_STALL_AFTER, T_DOUBLE, 0, 1, 86400 },
	{ "behind-files", K_BEHIND_FILES, T_COUNT, 0, 1, 1000000 },
	{ "behind-after", K_BEHIND_AFTER, T_DOUBLE, 0, 1, 86400 },
	{ "stale-after", K_STALE_AFTER, T_DOUBLE, 0, 60, 30 * 86400 },
	{ "bell", K_BELL, T_BOOL, 0, 0, 0 },
	{ "osc52", K_OSC52, T_BOOL, 0, 0, 0 },
	{ "no-mouse", K_NO_MOUSE, T_BOOL, 0, 0, 0 },
	{ "registry-interval", K_REGISTRY, T_DOUBLE, 0, 1, 86400 },
};

static const char *cfg_outputs[] = {
	"tui", "plain", "json", "events", "alerts"
};

static int	cfg_has_controls(const char *);
static size_t	cfg_chars(const char *);

/* Whether two key names are equal, '-' and '_' alike in long names. */
static int
cfg_name_eq(const char *a, const char *b, int env)
{
	if (env)
		return (strcmp(a, b) == 0);
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		if (*a == *b || (*a == '_' && *b == '-'))
			continue;
		return (0);
	}
	return (*a == *b);
}

/* The table entry for a key name, or NULL. */
static const struct cfg_entry *
cfg_lookup(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof cfg_table / sizeof cfg_table[0]; i++) {
		if (cfg_name_eq(name, cfg_table[i].name,
		    cfg_table[i].flags & CF_ENV))
			return (&cfg_table[i]);
	}
	return (NULL);
}

/* A value made safe to quote in a cause: sanitized and shortened. */
static char *
cfg_quote(const char *value)
{
	char	buf[80];

	text_sanitize_buf(buf, sizeof buf, value, strlen(value));
	return (xstrdup(buf));
}

/* Set *cause to "KEY: 'VALUE' WHY" (the value omitted for the token). */
static int
cfg_bad(const struct cfg_entry *e, const char *value, const char *why,
    char **cause)
{
	char	*q;

	if (e->type == T_TOKEN || value == NULL) {
		xasprintf(cause, "%s: %s", e->name, why);
		return (-1);
	}
	q = cfg_quote(value);
	xasprintf(cause, "%s: '%s' %s", e->name, q, why);
	free(q);
	return (-1);
}

/* Free a string that may hold a secret. */
static void
cfg_free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* Replace a string field; an empty or missing value unsets it. */
static void
cfg_set_str(char **field, const char *value, int secret)
{
	if (secret)
		cfg_free_secret(*field);
	else
		free(*field);
	*field = value != NULL && *value != '\0' ? xstrdup(value) : NULL;
}

/* Parse a boolean; -1 if it is not one. */
static int
cfg_bool(const char *v)
{
	static const char *yes[] = { "1", "yes", "true", "on", "" };
	static const char *no[] = { "0", "no", "false", "off" };
	size_t	i;

	if (v == NULL)
		return (1);
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return (1);
	}
	for (i = 0; i < sizeof no / sizeof no[0]; i++) {
		if (strcasecmp(v, no[i]) == 0)
			return (0);
	}
	return (-1);
}

/* Parse a finite decimal number in [min, max]; -1 if not. */
static int
cfg_double(const char *v, double min, double max, double *out)
{
	char	*end;
	double	 d;

	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || errno != 0 || !isfinite(d) ||
	    d < min || d > max)
		return (-1);
	*out = d;
	return (0);
}

/* Parse a byte count with an optional K, M or G suffix (powers of 1024). */
static int
cfg_size(const char *v, double min, double max, size_t *out)
{
	char		 num[32];
	const char	*errstr;
	long long	 n;
	size_t		 len = strlen(v), shift = 0;

	if (len > 0 && strchr("kKmMgG", v[len - 1]) != NULL) {
		shift = strchr("kK", v[len - 1]) != NULL ? 10 :
		    strchr("mM", v[len - 1]) != NULL ? 20 : 30;
		len--;
	}
	if (len == 0 || len >= sizeof num)
		return (-1);
	memcpy(num, v, len);
	num[len] = '\0';
	n = strtonum(num, 0, LLONG_MAX >> shift, &errstr);
	if (errstr != NULL)
		return (-1);
	n <<= shift;
	if ((double)n < min || (double)n > max || (unsigned long long)n >
	    SIZE_MAX)
		return (-1);
	*out = n;
	return (0);
}

/* Whether host names the loopback interface. */
int
cfg_is_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (strcasecmp(host, "localhost") == 0)
		return (1);
	if (inet_pton(AF_INET, host, &a4) == 1)
		return ((ntohl(a4.s_addr) >> 24) == 127);
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return (1);
		return (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
	}
	return (0);
}

/*
 * Set the URL; trailing '/'s are removed. Its form is checked by the
 * engine (net_url_check(), with libcurl's parser, which the core may not
 * link): here only which key set it is kept, for that message.
 */
static int
cfg_set_url(struct cfg *cfg, const struct cfg_entry *e, const char *value)
{
	char	*url;
	size_t	 len;

	free(cfg->url_where);
	cfg->url_where = NULL;
	cfg->url_key = NULL;
	if (value == NULL || *value == '\0') {
		cfg_set_str(&cfg->url, NULL, 0);
		return (0);
	}
	url = xstrdup(value);
	len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		url[--len] = '\0';
	free(cfg->url);
	cfg->url = url;
	cfg->url_key = e->name;
	return (0);
}

/* Set the token, which must be printable ASCII without spaces. */
static int
cfg_set_token(struct cfg *cfg, const struct cfg_entry *e, const char *value,
    char **cause)
{
	const char	*p;

	for (p = value != NULL ? value : ""; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return (cfg_bad(e, NULL, "contains characters not "
			    "allowed in a token (spaces, controls or "
			    "non-ASCII)", cause));
	}
	cfg_set_str(&cfg->token, value, 1);
	return (0);
}

/* Set a list key: a higher source replaces, the same one accumulates. */
static int
cfg_set_list(struct cfg *cfg, const struct cfg_entry *e, const char *value,
    enum cfg_source src, char **cause)
{
	enum filter_kind	k;

	k = e->key == K_MESSAGE ? FK_TYPE : e->key == K_AGENT ? FK_AGENT :
	    e->key == K_NSFILTER ? FK_NS : FK_RUN;
	if (cfg->src[e->key] < src)
		filter_clear(cfg->filter, k);
	if (value != NULL && filter_add_list(cfg->filter, k, value) != 0)
		return (cfg_bad(e, NULL, "too many values, or one longer than "
		    "256 bytes", cause));
	return (0);
}

/* Set a value of a numeric, boolean or enumerated key. */
static int
cfg_set_number(struct cfg *cfg, const struct cfg_entry *e, const char *value,
    char **cause)
{
	const char	*errstr;
	double		 d;
	size_t		 z, i;
	char		 why[96];
	int		 b;

	switch (e->type) {
	case T_BOOL:
		if ((b = cfg_bool(value)) == -1)
			return (cfg_bad(e, value, "is not yes or no", cause));
		if (e->key == K_INSECURE)
			cfg->insecure = b;
		else if (e->key == K_ALLOW_HTTP)
			cfg->allow_http = b;
		else if (e->key == K_NO_COLOR)
			cfg->no_color = b;
		else if (e->key == K_EXIT_ON_CLOSE)
			cfg->exit_on_close = b;
		else if (e->key == K_BELL)
			cfg->bell = b;
		else if (e->key == K_OSC52)
			cfg->osc52 = b;
		else if (e->key == K_NO_MOUSE)
			cfg->no_mouse = b;
		else
			cfg->demo = b;
		return (0);
	case T_NOCOLOR:
		cfg->no_color = 1;
		return (0);
	case T_DOUBLE:
		snprintf(why, sizeof why, "is not a number from %g to %g",
		    e->min, e->max);
		if (value == NULL || cfg_double(value, e->min, e->max, &d) != 0)
			return (cfg_bad(e, value, why, cause));
		if (e->key == K_IDLE)
			cfg->idle_timeout = d;
		else if (e->key == K_HEARTBEAT)
			cfg->agent_interval = d;
		else if (e->key == K_STALL_AFTER)
			cfg->stall_after = d;
		else if (e->key == K_BEHIND_AFTER)
			cfg->behind_after = d;
		else if (e->key == K_STALE_AFTER)
			cfg->stale_after = d;
		else if (e->key == K_REGISTRY)
			cfg->registry_interval = d;
		else
			cfg->speed = d;
		return (0);
	case T_SIZE:
	case T_COUNT:
		snprintf(why, sizeof why, "is not a%s from %.0f to %.0f",
		    e->type == T_SIZE ? " size (K, M, G suffixes)" :
		    "n integer",
		    e->min, e->max);
		if (value == NULL || (e->type == T_COUNT &&
		    strpbrk(value, "kKmMgG") != NULL) ||
		    cfg_size(value, e->min, e->max, &z) != 0)
			return (cfg_bad(e, value, why, cause));
		if (e->key == K_MAX_EVENT)
			cfg->max_event = z;
		else if (e->key == K_KEEP)
			cfg->keep = z;
		else if (e->key == K_NCOUNT)
			cfg->count = z;
		else if (e->key == K_HISTORY_RUNS)
			cfg->history_runs = z;
		else if (e->key == K_HISTORY_MAX_BYTES)
			cfg->history_max_bytes = z;
		else if (e->key == K_BEHIND_FILES)
			cfg->behind_files = z;
		else
			cfg->keep_bytes = z;
		return (0);
	case T_OUTPUT:
		for (i = 0; value != NULL && i < sizeof cfg_outputs /
		    sizeof cfg_outputs[0]; i++) {
			if (strcmp(value, cfg_outputs[i]) == 0) {
				cfg->output = i;
				return (0);
			}
		}
		return (cfg_bad(e, value, "is not tui, plain, json, events or "
		    "alerts", cause));
	case T_HISTORY:
		if ((b = history_mode_parse(value)) == -1)
			return (cfg_bad(e, value, "is not off, gaps or all",
			    cause));
		cfg->history = b;
		return (0);
	case T_SFILTERS:
		if (value != NULL && strcmp(value, "types") == 0)
			cfg->server_filters_all = 0;
		else if (value != NULL && strcmp(value, "all") == 0)
			cfg->server_filters_all = 1;
		else
			return (cfg_bad(e, value, "is not types or all",
			    cause));
		return (0);
	case T_VERBOSE:
		if (value == NULL) {
			if (cfg->verbose < (int)e->max)
				cfg->verbose++;
			return (0);
		}
		cfg->verbose = strtonum(value, e->min, e->max, &errstr);
		if (errstr != NULL)
			return (cfg_bad(e, value, "is not a level from 0 to 9",
			    cause));
		return (0);
	default:
		break;
	}
	fatalx("%s: bad type %d", __func__, (int)e->type);
}

/* The string field of a string or path key. */
static char **
cfg_field(struct cfg *cfg, enum cfg_key k)
{
	switch (k) {
	case K_TOKEN_FILE:
		return (&cfg->token_file);
	case K_NAME:
		return (&cfg->name);
	case K_CACERT:
		return (&cfg->cacert);
	case K_NAMESPACE:
		return (&cfg->namespace);
	case K_CONFIG:
		return (&cfg->config_file);
	case K_RECORD:
		return (&cfg->record);
	case K_REPLAY:
		return (&cfg->replay);
	case K_LOCATION:
		return (&cfg->location);
	default:
		fatalx("%s: bad key %d", __func__, (int)k);
	}
}

/* Set a string; a path starting with "~/" is taken from $HOME. */
static void
cfg_set_path(char **field, const char *value, int path)
{
	const char	*home = getenv("HOME");
	char		*p;

	if (path && strncmp(value, "~/", 2) == 0 && home != NULL &&
	    *home != '\0') {
		xasprintf(&p, "%s/%s", home, value + 2);
		cfg_set_str(field, p, 0);
		free(p);
	} else
		cfg_set_str(field, value, 0);
}

/* Set a key from its table entry, below a higher source's value. */
static int
cfg_set_entry(struct cfg *cfg, const struct cfg_entry *e, const char *value,
    enum cfg_source src, char **cause)
{
	int	rc = 0;

	if (cfg->src[e->key] > src)
		return (0);
	if ((e->flags & CF_ALT) && cfg->src[K_URL] == src &&
	    cfg->src[K_URL_PROD] == src)
		return (0);
	if (e->type == T_NOCOLOR && (value == NULL || *value == '\0'))
		return (0);
	switch (e->type) {
	case T_URL:
		rc = cfg_set_url(cfg, e, value);
		break;
	case T_TOKEN:
		rc = cfg_set_token(cfg, e, value, cause);
		break;
	case T_STR:
	case T_PATH:
		if (value == NULL)
			return (cfg_bad(e, NULL, "needs a value", cause));
		if (e->key == K_LOCATION && (cfg_has_controls(value) ||
		    cfg_chars(value) > CFG_LOCATION_MAX))
			return (cfg_bad(e, value, "must be at most "
			    CFG_LOCATION_MAX_S " printable characters", cause));
		cfg_set_path(cfg_field(cfg, e->key), value,
		    e->type == T_PATH);
		break;
	case T_LIST:
		rc = cfg_set_list(cfg, e, value, src, cause);
		break;
	default:
		rc = cfg_set_number(cfg, e, value, cause);
		break;
	}
	if (rc != 0)
		return (rc);
	cfg->src[e->key] = src;
	if (e->flags & CF_PROD)
		cfg->src[K_URL_PROD] = src;
	return (0);
}

/* Fill a configuration with defaults. */
void
cfg_init(struct cfg *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	if (*SWF_DEFAULT_URL != '\0')
		cfg->url = xstrdup(SWF_DEFAULT_URL);
	cfg->filter = filter_create();
	cfg->output = isatty(STDOUT_FILENO) ? OUT_TUI : OUT_PLAIN;
	cfg->idle_timeout = CFG_DEFAULT_IDLE;
	cfg->agent_interval = CFG_DEFAULT_AGENT;
	cfg->speed = CFG_DEFAULT_SPEED;
	cfg->max_event = SSE_DEFAULT_MAX_EVENT;
	cfg->keep = CFG_DEFAULT_KEEP;
	cfg->keep_bytes = CFG_DEFAULT_KEEP_BYTES;
	cfg->registry_interval = CFG_DEFAULT_REGISTRY;
	cfg->history = HIST_DEFAULT;
	cfg->history_runs = CFG_DEFAULT_HISTORY_RUNS;
	cfg->history_max_bytes = CFG_DEFAULT_HISTORY_MAX_BYTES;
	cfg->stall_after = ALERT_DEFAULT_STALL;
	cfg->behind_files = ALERT_DEFAULT_BEHIND_N;
	cfg->behind_after = ALERT_DEFAULT_BEHIND;
	cfg->stale_after = ALERT_DEFAULT_STALE;
}

/* Free a configuration's strings and filter, wiping the token. */
void
cfg_free(struct cfg *cfg)
{
	size_t	i;

	free(cfg->url);
	free(cfg->url_where);
	cfg_free_secret(cfg->token);
	free(cfg->token_file);
	free(cfg->name);
	free(cfg->cacert);
	free(cfg->namespace);
	free(cfg->config_file);
	free(cfg->record);
	free(cfg->replay);
	free(cfg->location);
	free(cfg->file_read);
	filter_free(cfg->filter);
	for (i = 0; i < cfg->npresets; i++) {
		free(cfg->presets[i].name);
		filter_free(cfg->presets[i].filter);
	}
	free(cfg->presets);
	memset(cfg, 0, sizeof *cfg);
}

const struct filter *
cfg_preset(const struct cfg *cfg, const char *name)
{
	size_t	i;

	for (i = 0; i < cfg->npresets; i++) {
		if (strcmp(cfg->presets[i].name, name) == 0)
			return (cfg->presets[i].filter);
	}
	return (NULL);
}

struct filter *
cfg_preset_parse(const char *value, const char **why)
{
	static const struct {
		const char		*opt;
		enum filter_kind	 kind;
	} opts[] = {
		{ "-m", FK_TYPE }, { "--message", FK_TYPE },
		{ "-a", FK_AGENT }, { "--agent", FK_AGENT },
		{ "-r", FK_RUN }, { "--run", FK_RUN },
		{ "--namespace-filter", FK_NS }
	};
	struct filter	*f = filter_create();
	char		*copy = xstrdup(value), *p = copy, *opt, *arg, *eq;
	size_t		 i;

	*why = NULL;
	while ((opt = strsep(&p, " \t")) != NULL) {
		if (*opt == '\0')
			continue;
		/* "--run=7" as well as "--run 7". */
		arg = NULL;
		if (strncmp(opt, "--", 2) == 0 && (eq = strchr(opt, '=')) != NULL) {
			*eq = '\0';
			arg = eq + 1;
		}
		for (i = 0; i < sizeof opts / sizeof opts[0]; i++) {
			if (strcmp(opt, opts[i].opt) == 0)
				break;
		}
		if (i == sizeof opts / sizeof opts[0]) {
			*why = "a preset takes -m, -a, -r and --namespace-filter";
			break;
		}
		while (arg == NULL && (arg = strsep(&p, " \t")) != NULL &&
		    *arg == '\0')
			arg = NULL;
		if (arg == NULL || *arg == '\0') {
			*why = "an option of the preset has no value";
			break;
		}
		if (filter_add_list(f, opts[i].kind, arg) != 0) {
			*why = "a value of the preset is not valid";
			break;
		}
	}
	free(copy);
	if (*why == NULL && filter_is_empty(f))
		*why = "the preset is empty";
	if (*why != NULL) {
		filter_free(f);
		return (NULL);
	}
	return (f);
}

/* "preset.NAME = options" of the config file. */
static int
cfg_add_preset(struct cfg *cfg, const char *name, const char *value,
    const char **why)
{
	struct filter	*f;
	size_t		 i, len = strlen(name);

	if (len == 0 || len > CFG_PRESET_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-") != len) {
		*why = "a preset's name is 1 to 32 letters, digits, '_' or '-'";
		return (-1);
	}
	if ((f = cfg_preset_parse(value, why)) == NULL)
		return (-1);
	for (i = 0; i < cfg->npresets; i++) {
		if (strcmp(cfg->presets[i].name, name) == 0) {
			filter_free(cfg->presets[i].filter);	/* the last wins */
			cfg->presets[i].filter = f;
			return (0);
		}
	}
	if (cfg->npresets == CFG_PRESETS_MAX) {
		filter_free(f);
		*why = "too many presets (64 at most)";
		return (-1);
	}
	cfg->presets = xreallocarray(cfg->presets, cfg->npresets + 1,
	    sizeof *cfg->presets);
	cfg->presets[cfg->npresets].name = xstrdup(name);
	cfg->presets[cfg->npresets++].filter = f;
	return (0);
}

/* Set a key by long option or environment name at a source. */
int
cfg_set(struct cfg *cfg, const char *key, const char *value,
    enum cfg_source src, char **cause)
{
	const struct cfg_entry	*e;
	char			*q;

	*cause = NULL;
	if ((e = cfg_lookup(key)) == NULL) {
		q = cfg_quote(key);
		xasprintf(cause, "unknown option: %s", q);
		free(q);
		return (-1);
	}
	return (cfg_set_entry(cfg, e, value, src, cause));
}

/* Strip spaces and tabs at both ends of [*s, *e). */
static void
cfg_trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/*
 * Unquote the value [s, e) into out (at least e - s + 1 bytes): 'single'
 * is literal, "double" knows \" and \\, unquoted ends at " #". Spaces
 * before the value do not matter: KEY = 'v # w' is "v # w", as the
 * reference receiver's reader (which strips the quotes) has it. Returns
 * -1 with *why if a quote is not closed or text follows it.
 */
static int
cfg_unquote(const char *s, const char *e, char *out, const char **why)
{
	const char	*p;
	char		 q;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	if (s < e && (*s == '\'' || *s == '"')) {
		q = *s++;
		for (; s < e && *s != q; s++) {
			if (q == '"' && *s == '\\' && s + 1 < e &&
			    (s[1] == '"' || s[1] == '\\'))
				s++;
			*out++ = *s;
		}
		*out = '\0';
		if (s == e) {
			*why = "unterminated quote";
			return (-1);
		}
		for (s++; s < e && (*s == ' ' || *s == '\t'); s++)
			;
		if (s < e && *s != '#') {
			*why = "text after the closing quote";
			return (-1);
		}
		return (0);
	}
	for (p = s; p < e; p++) {
		if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			e = p;
			break;
		}
	}
	cfg_trim(&s, &e);
	memcpy(out, s, e - s);
	out[e - s] = '\0';
	return (0);
}

/* Parse one line; -1 with *why (static) or *cause (allocated). */
static int
cfg_parse_line(struct cfg *cfg, const char *s, const char *e,
    enum cfg_source src, const char **why, char **cause)
{
	const struct cfg_entry	*ent;
	const char		*eq, *ks, *ke;
	char			*key, *val;
	int			 rc;

	cfg_trim(&s, &e);
	if (s == e || *s == '#')
		return (0);
	if (e - s > 7 && strncmp(s, "export", 6) == 0 &&
	    (s[6] == ' ' || s[6] == '\t')) {
		s += 7;
		cfg_trim(&s, &e);
	}
	if ((eq = memchr(s, '=', e - s)) == NULL) {
		*why = "expected KEY=value";
		return (-1);
	}
	ks = s;
	ke = eq;
	cfg_trim(&ks, &ke);
	if (ks == ke) {
		*why = "no key before '='";
		return (-1);
	}
	key = xstrndup(ks, ke - ks);
	if (src == SRC_FILE && strncmp(key, "preset.", 7) == 0) {
		val = xmalloc(e - eq);
		rc = cfg_unquote(eq + 1, e, val, why);
		if (rc == 0)
			rc = cfg_add_preset(cfg, key + 7, val, why);
		free(val);
		free(key);
		return (rc);
	}
	ent = cfg_lookup(key);
	if (ent == NULL || (src == SRC_DOTENV && !(ent->flags & CF_ENV))) {
		if (src == SRC_FILE)
			log_warn("unknown key ignored: %.64s", key);
		free(key);
		return (0);
	}
	free(key);
	val = xmalloc(e - eq);
	if (cfg_unquote(eq + 1, e, val, why) != 0) {
		cfg_free_secret(val);
		return (-1);
	}
	rc = cfg_set_entry(cfg, ent, val, src, cause);
	cfg_free_secret(val);
	return (rc);
}

/* Parse KEY=value lines, naming file and line in any error. */
int
cfg_parse_buf(struct cfg *cfg, const char *buf, size_t len, const char *what,
    enum cfg_source src, char **cause)
{
	const char	*p = buf, *end = buf + len, *nl, *e, *why;
	char		*c2, *url;
	unsigned	 line;

	*cause = NULL;
	/* A UTF-8 byte order mark (Windows editors write one). */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (line = 1; p < end; line++, p = nl + 1) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		e = nl;
		if (e > p && e[-1] == '\r')
			e--;
		why = NULL;
		c2 = NULL;
		if (e - p > CFG_LINE_MAX)
			why = "line too long";
		else if (memchr(p, '\0', e - p) != NULL)
			why = "NUL byte in line";
		url = cfg->url;
		if (why == NULL && cfg_parse_line(cfg, p, e, src, &why,
		    &c2) == 0) {
			if (cfg->url != url && cfg->url != NULL) {
				free(cfg->url_where);
				xasprintf(&cfg->url_where, "%s:%u", what, line);
			}
			continue;
		}
		if (src == SRC_DOTENV && c2 == NULL) {
			/* Not ours: tolerate what other tools accept. */
			log_warn("%s:%u: %s (line ignored)", what, line, why);
			continue;
		}
		xasprintf(cause, "%s:%u: %s", what, line, c2 != NULL ? c2 :
		    why);
		free(c2);
		return (-1);
	}
	return (0);
}

#define CFG_PIPE_MAX	4096	/* bytes read from a token pipe */
#define CFG_PIPE_WAIT	5000	/* ms a token pipe may take */

/* Monotonic milliseconds (cfg.c stays free of the loop). */
static int64_t
cfg_mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * Read the first line of a pipe (--token-file <(cmd)) into *buf: at most
 * CFG_PIPE_MAX bytes, within CFG_PIPE_WAIT ms, never blocking. Returns 1
 * or -1 with *cause.
 */
static int
cfg_read_pipe(int fd, const char *path, char **buf, size_t *len,
    char **cause)
{
	struct pollfd	pfd;
	int64_t		end = cfg_mono_ms() + CFG_PIPE_WAIT, left;
	ssize_t		n;

	*buf = xmalloc(CFG_PIPE_MAX + 1);
	*len = 0;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (*len < CFG_PIPE_MAX && memchr(*buf, '\n', *len) == NULL) {
		if ((left = end - cfg_mono_ms()) <= 0)
			break;
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR)
			break;
		n = read(fd, *buf + *len, CFG_PIPE_MAX - *len);
		if (n == 0)
			break;
		if (n > 0)
			*len += n;
		else if (errno != EAGAIN && errno != EINTR)
			break;
	}
	if (*len == 0) {
		xasprintf(cause, "%s: a pipe that gave no token within %d s",
		    path, CFG_PIPE_WAIT / 1000);
		free(*buf);
		*buf = NULL;
		return (-1);
	}
	return (1);
}

/*
 * Read a whole file of at most CFG_FILE_MAX bytes into *buf. Returns 1,
 * 0 if it does not exist and need is not set, or -1 with *cause. With
 * pipe_ok a pipe or FIFO is read once, bounded (cfg_read_pipe()); else
 * it is refused. Nothing here blocks on a FIFO without a writer.
 */
static int
cfg_read_file(const char *path, int need, int pipe_ok, char **buf,
    size_t *len, struct stat *sb, char **cause)
{
	ssize_t	n;
	int	fd, rc;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		if (errno == ENOENT && !need)
			return (0);
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, sb) == -1) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	if (S_ISFIFO(sb->st_mode) && pipe_ok) {
		rc = cfg_read_pipe(fd, path, buf, len, cause);
		close(fd);
		return (rc);
	}
	if (!S_ISREG(sb->st_mode)) {
		xasprintf(cause, "%s: %s, not a regular file; not read", path,
		    S_ISFIFO(sb->st_mode) ? "a FIFO" : S_ISDIR(sb->st_mode) ?
		    "a directory" : "a device or socket");
		close(fd);
		return (-1);
	}
	*buf = xmalloc(CFG_FILE_MAX + 1);
	*len = 0;
	do {
		n = read(fd, *buf + *len, CFG_FILE_MAX + 1 - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			xasprintf(cause, "%s: %s", path, strerror(errno));
			goto fail;
		}
		*len += n;
	} while (n != 0 && *len <= CFG_FILE_MAX);
	if (*len > CFG_FILE_MAX) {
		xasprintf(cause, "%s: larger than %d bytes", path,
		    CFG_FILE_MAX);
		goto fail;
	}
	close(fd);
	return (1);
fail:
	close(fd);
	free(*buf);
	*buf = NULL;
	return (-1);
}

/* Read a KEY=value file at a source, if it exists (or must). */
static int
cfg_load_file(struct cfg *cfg, const char *path, int need,
    enum cfg_source src, char **cause)
{
	struct stat	 sb;
	char		*buf;
	size_t		 len;
	int		 rc;

	if ((rc = cfg_read_file(path, need, 0, &buf, &len, &sb,
	    cause)) <= 0)
		return (rc);
	rc = cfg_parse_buf(cfg, buf, len, path, src, cause);
	explicit_bzero(buf, len);
	free(buf);
	return (rc == 0 ? 1 : rc);
}

/* Read the token from the first line of the token file. */
static int
cfg_load_token(struct cfg *cfg, char **cause)
{
	static const struct cfg_entry	 tok = { "token-file", K_TOKEN,
					     T_TOKEN, 0, 0, 0 };
	struct stat			 sb;
	const char			*s, *e;
	char				*buf, *line, *c2 = NULL;
	size_t				 len;
	int				 rc;

	if (cfg->src[K_TOKEN] > cfg->src[K_TOKEN_FILE])
		return (0);
	if (cfg_read_file(cfg->token_file, 1, 1, &buf, &len, &sb,
	    cause) < 0)
		return (-1);
	if (S_ISREG(sb.st_mode) && (sb.st_mode & (S_IRGRP | S_IROTH)))
		log_warn("token file %s is readable by others; chmod 600 it",
		    cfg->token_file);
	s = buf;
	if ((e = memchr(buf, '\n', len)) == NULL)
		e = buf + len;
	while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	line = xstrndup(s, e - s);
	explicit_bzero(buf, len);
	free(buf);
	if (*line == '\0') {
		free(line);
		xasprintf(cause, "token file %s: first line is empty",
		    cfg->token_file);
		return (-1);
	}
	rc = cfg_set_token(cfg, &tok, line, &c2);
	cfg_free_secret(line);
	if (rc != 0) {
		xasprintf(cause, "%s: %s", cfg->token_file, c2);
		free(c2);
		return (-1);
	}
	cfg->src[K_TOKEN] = cfg->src[K_TOKEN_FILE];
	return (0);
}

/* Read the config file, ~/.env, the environment and the token file. */
int
cfg_load(struct cfg *cfg, char **cause)
{
	const char	*home = getenv("HOME");
	const char	*xdg = getenv("XDG_CONFIG_HOME"), *v;
	char		*path = NULL;
	size_t		 i;
	int		 rc = 0;

	*cause = NULL;
	if (home != NULL && *home == '\0')
		home = NULL;
	if (cfg->config_file != NULL)
		path = xstrdup(cfg->config_file);
	else if (xdg != NULL && *xdg == '/')
		xasprintf(&path, "%s/swf-dash/config", xdg);
	else if (home != NULL)
		xasprintf(&path, "%s/.config/swf-dash/config", home);
	if (path != NULL)
		rc = cfg_load_file(cfg, path, cfg->config_file != NULL,
		    SRC_FILE, cause);
	free(cfg->file_read);
	cfg->file_read = rc > 0 ? path : NULL;
	if (rc <= 0)
		free(path);
	if (rc < 0)
		return (-1);
	if (home != NULL) {
		xasprintf(&path, "%s/.env", home);
		rc = cfg_load_file(cfg, path, 0, SRC_DOTENV, cause);
		free(path);
		if (rc < 0)
			return (-1);
	}
	for (i = 0; i < sizeof cfg_table / sizeof cfg_table[0]; i++) {
		if (!(cfg_table[i].flags & CF_ENV))
			continue;
		if ((v = getenv(cfg_table[i].name)) == NULL || *v == '\0')
			continue;
		if (cfg_set_entry(cfg, &cfg_table[i], v, SRC_ENV, cause) != 0)
			return (-1);
	}
	if (cfg->token_file != NULL && cfg_load_token(cfg, cause) != 0)
		return (-1);
	return (0);
}

/* Whether s has C0 or C1 controls or DEL, or is invalid UTF-8. */
static int
cfg_has_controls(const char *s)
{
	return (!text_is_clean(s, strlen(s)));
}

/* Characters (code points) in a valid UTF-8 string. */
static size_t
cfg_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return (n);
}

/* Check that the configuration is complete and safe to use. */
int
cfg_check(const struct cfg *cfg, char **cause)
{
	*cause = NULL;
	if (cfg->name == NULL || *cfg->name == '\0') {
		*cause = xstrdup("SWF_SSE_RECEIVER_NAME must be set to a "
		    "descriptive agent name");
		return (-1);
	}
	if (cfg_has_controls(cfg->name) || cfg_chars(cfg->name) >
	    CFG_NAME_MAX) {
		xasprintf(cause, "SWF_SSE_RECEIVER_NAME must be at most %d "
		    "printable characters", CFG_NAME_MAX);
		return (-1);
	}
	if (cfg->url == NULL) {
		if (cfg->replay != NULL || cfg->demo)
			return (0);
		*cause = xstrdup("no monitor URL: set SWF_MONITOR_PROD_URL or "
		    "SWF_MONITOR_URL (in the environment, ~/.env or the "
		    "config file), or use --url");
		return (-1);
	}
	return (0);
}

/*
 * The X-Client-Location header value: --location (checked when set), else
 * "swf-dash@" and the host name. Whatever the source, only printable
 * ASCII goes into a header: other characters become '?' (one for each
 * UTF-8 sequence), spaces at the ends are dropped, and the value is cut
 * at CFG_LOCATION_MAX bytes.
 */
void
cfg_location(const struct cfg *cfg, char *buf, size_t size)
{
	char		 host[256], raw[512];
	const char	*s = cfg->location;
	size_t		 n, max = size - 1;
	int		 dflt = 0;

	if (max > CFG_LOCATION_MAX)
		max = CFG_LOCATION_MAX;
	for (;;) {
		if (s == NULL) {
			if (gethostname(host, sizeof host) != 0)
				strlcpy(host, "unknown", sizeof host);
			host[sizeof host - 1] = '\0';
			snprintf(raw, sizeof raw, "swf-dash@%s", host);
			s = raw;
			dflt = 1;
		}
		for (; *s == ' '; s++)
			;
		for (n = 0; *s != '\0' && n < max; s++) {
			if ((unsigned char)*s >= 0x20 &&
			    (unsigned char)*s < 0x7f)
				buf[n++] = *s;
			else if (((unsigned char)*s & 0xc0) != 0x80)
				buf[n++] = '?';
		}
		while (n > 0 && buf[n - 1] == ' ')
			n--;
		buf[n] = '\0';
		if (n > 0 || dflt || max == 0)
			return;
		s = NULL;	/* blank: the default instead */
	}
}

/* Where a key's value came from, in words. */
const char *
cfg_where(const struct cfg *cfg, const char *key)
{
	const struct cfg_entry	*e;

	if ((e = cfg_lookup(key)) == NULL)
		return ("?");
	switch (cfg->src[e->key]) {
	case SRC_FLAG:
		return ("the command line");
	case SRC_ENV:
		return ("the environment");
	case SRC_DOTENV:
		return ("~/.env");
	case SRC_FILE:
		return (cfg->file_read != NULL ? cfg->file_read :
		    "the config file");
	default:
		return ("the default");
	}
}

/*
 * Read the token file again, if the token comes from one. The old token
 * is freed: the secret that text_scrub() hides follows the new one (it
 * points at the token, so it must never outlive it).
 */
int
cfg_reload_token(struct cfg *cfg, char **cause)
{
	int	rc;

	*cause = NULL;
	if (cfg->token_file == NULL ||
	    cfg->src[K_TOKEN] > cfg->src[K_TOKEN_FILE])
		return (0);
	text_set_secret(NULL);
	rc = cfg_load_token(cfg, cause);
	if (cfg->token != NULL && *cfg->token != '\0')
		text_set_secret(cfg->token);
	return (rc);
}

/* Return a token shortened so that it is safe to show. */
char *
cfg_token_hint(const char *token)
{
	char	*s;

	if (token == NULL || *token == '\0')
		return (xstrdup("(none)"));
	if (strlen(token) < 12)
		return (xstrdup("..."));
	xasprintf(&s, "%.4s...", token);
	return (s);
}
