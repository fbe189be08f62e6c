/*
 * cfg.h: configuration from, in order of precedence, command-line flags,
 * the environment, ~/.env and $XDG_CONFIG_HOME/swf-dash/config.
 */
#ifndef CFG_H
#define CFG_H

#include <stddef.h>

struct filter;

enum out_mode { OUT_TUI, OUT_PLAIN, OUT_JSON, OUT_EVENTS, OUT_ALERTS };

/* Where a value came from; a value is only replaced from a source >= its own. */
enum cfg_source { SRC_DEFAULT, SRC_FILE, SRC_DOTENV, SRC_ENV, SRC_FLAG };

#define CFG_DEFAULT_IDLE	75.0
/* Reconnect backoff (s): the first wait, its cap, and how long a stream
 * stays up before the next drop starts from the first wait again. */
#define CFG_DEFAULT_BACKOFF_FIRST	1.0
#define CFG_DEFAULT_BACKOFF_CAP		60.0
#define CFG_DEFAULT_BACKOFF_STABLE	60.0
#define CFG_DEFAULT_AGENT	60.0
#define CFG_DEFAULT_REGISTRY	60.0
#define CFG_DEFAULT_SPEED	1.0	/* --replay pace factor */
#define CFG_DEFAULT_KEEP	50000
#define CFG_DEFAULT_HISTORY_RUNS	16
#define CFG_DEFAULT_HISTORY_MAX_BYTES	(64UL * 1024 * 1024)
#define CFG_DEFAULT_KEEP_BYTES	(256UL * 1024 * 1024)

struct cfg {
	char		*url;		/* monitor base URL, no trailing '/' */
	const char	*url_key;	/* the key that set url; NULL: default */
	char		*url_where;	/* "file:line" that set url, or NULL */
	char		*token;		/* never printed or logged */
	char		*token_file;
	char		*name;		/* SWF_SSE_RECEIVER_NAME */
	char		*cacert;	/* CA bundle, REQUESTS_CA_BUNDLE */
	char		*namespace;
	char		*config_file;	/* explicit --config, else NULL */
	char		*file_read;	/* the config file read, or NULL */
	char		*record;	/* --record FILE */
	char		*replay;	/* --replay FILE */
	char		*location;	/* X-Client-Location; NULL: default */
	int		 insecure;
	int		 allow_http;
	int		 server_filters_all;
	int		 no_color;	/* --no-color or NO_COLOR */
	int		 demo;
	int		 exit_on_close;	/* headless: end when the server does */
	size_t		 count;		/* headless: exit after N, 0 = never */
	int		 history;	/* enum hist_mode; -1: by output */
	size_t		 history_runs;	/* executions read at start */
	size_t		 history_max_bytes; /* cap of one history answer */
	enum out_mode	 output;
	struct filter	*filter;	/* -m/-a/-r/--namespace-filter, never NULL */
	double		 idle_timeout;	/* seconds without bytes: dead */
	double		 agent_interval; /* seconds between heartbeats */
	double		 speed;		/* replay pace factor, 0 = max */
	size_t		 max_event;	/* SSE event cap in bytes */
	size_t		 keep;		/* retained messages */
	size_t		 keep_bytes;	/* retained bytes */
	int		 verbose;
	/* Alerts (alert.h has the defaults). */
	double		 stall_after;	/* a running run silent this long */
	double		 behind_after;	/* oldest unprocessed file this old */
	double		 stale_after;	/* a running execution this old */
	unsigned	 behind_files;	/* files generated, not processed */
	int		 bell;		/* ring on a new alert */
	int		 osc52;		/* y copies through OSC 52 */
	double		 registry_interval; /* seconds between registry reads */
	int		 no_mouse;	/* --no-mouse: the terminal keeps it */
	/* Named view filters of the config file ("preset.NAME = -m X"). */
	struct cfg_preset {
		char		*name;
		struct filter	*filter;
	}		*presets;
	size_t		 npresets;

	unsigned char	 src[64];	/* per key: enum cfg_source */
};

#define CFG_PRESETS_MAX	64	/* presets in a config file */
#define CFG_PRESET_NAME_MAX 32	/* characters of a preset's name */

/* A preset by name, or NULL. */
const struct filter *cfg_preset(const struct cfg *, const char *name);

/*
 * Parse a preset's value, options as on the command line: -m/--message,
 * -a/--agent, -r/--run, --namespace-filter, each with a value (lists with
 * commas). Returns a filter, or NULL with *why (static).
 */
struct filter	*cfg_preset_parse(const char *value, const char **why);

/* Fill with defaults (output: tui on a tty, else plain). Free with cfg_free. */
void	cfg_init(struct cfg *);
void	cfg_free(struct cfg *);

/*
 * Set a key, by long option name ("url", "token-file", "message", "keep",
 * ...) or by environment name (SWF_MONITOR_PROD_URL, SWF_MONITOR_URL,
 * SWF_API_TOKEN, SWF_SSE_RECEIVER_NAME, REQUESTS_CA_BUNDLE, NO_COLOR). A
 * value already set from a higher source is kept. List keys ("message",
 * "agent", "run", "namespace-filter") accumulate within one source. Returns 0, or -1 with an
 * allocated *cause naming the key (never the value of a token).
 */
int	cfg_set(struct cfg *, const char *key, const char *value,
	    enum cfg_source, char **cause);

/*
 * Parse KEY=value lines ("export KEY=value", quotes stripped, '#'
 * comments) from a buffer, setting each known key at the given source;
 * unknown keys are ignored. Returns 0 or -1 with *cause (file and line).
 */
int	cfg_parse_buf(struct cfg *, const char *buf, size_t len,
	    const char *what, enum cfg_source, char **cause);

/*
 * Load the config file, ~/.env and the environment below whatever flags
 * were set; read the token file. Returns 0 or -1 with *cause.
 */
int	cfg_load(struct cfg *, char **cause);

/*
 * Check the result: a receiver name (else the message from PROTOCOL.md),
 * a URL (else how to set it). The URL's form and the http-only-to-loopback
 * rule are the engine's net_url_check() (libcurl's parser).
 * Returns 0 or -1 with *cause.
 */
int	cfg_check(const struct cfg *, char **cause);

/*
 * The X-Client-Location header value into buf (never empty when size >
 * 1): --location, else "swf-dash@<hostname>"; printable ASCII only, at
 * most 100 bytes.
 */
void	cfg_location(const struct cfg *, char *buf, size_t size);

/*
 * Where key's value came from: "the command line", "the environment",
 * "~/.env", the config file's path or "the default". Static or owned by
 * cfg.
 */
const char *cfg_where(const struct cfg *, const char *key);

/*
 * Read the token file again (after the user fixed it), when the token
 * comes from one. Returns 0 (also when there is none) or -1 with *cause.
 */
int	cfg_reload_token(struct cfg *, char **cause);

/* A token safe to show: its first 4 characters then "...". Caller frees. */
char	*cfg_token_hint(const char *token);

/*
 * Whether host (a name or an address, IPv6 without brackets) is the
 * loopback interface: localhost, 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104.
 */
int	 cfg_is_loopback(const char *host);

#endif
