/* t-cfg.c: unit tests for configuration sources, parsing and checks. */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "filter.h"
#include "log.h"
#include "xmalloc.h"
#include "t.h"

#define SECRET	"S3cr3tT0kenValue42"

static char	tmpdir[] = "/tmp/t-cfg.XXXXXX";

static const char *env_names[] = { "SWF_MONITOR_PROD_URL", "SWF_MONITOR_URL",
    "SWF_API_TOKEN", "SWF_SSE_RECEIVER_NAME", "REQUESTS_CA_BUNDLE",
    "NO_COLOR" };

/* Count log lines instead of printing them. */
static int	warnings;

static void
log_count(enum log_level level, const char *line, void *arg)
{
	if (level <= LOG_WARN)
		warnings++;
}

static void
clear_env(void)
{
	size_t	i;

	for (i = 0; i < sizeof env_names / sizeof env_names[0]; i++)
		unsetenv(env_names[i]);
}

/* Write a file under tmpdir with a mode; returns its path (static). */
static const char *
put(const char *name, const char *text, mode_t mode)
{
	static char	 path[4][512];
	static int	 slot;
	char		*p = path[slot++ % 4];
	FILE		*fp;

	snprintf(p, 512, "%s/%s", tmpdir, name);
	if ((fp = fopen(p, "w")) == NULL)
		fatal("fopen %s", p);
	fputs(text, fp);
	fclose(fp);
	chmod(p, mode);
	return (p);
}

/* Set and expect success. */
static int
set_ok(struct cfg *cfg, const char *k, const char *v, enum cfg_source src)
{
	char	*cause = NULL;
	int	 rc = cfg_set(cfg, k, v, src, &cause);

	if (rc != 0)
		fprintf(stderr, "cfg_set %s: %s\n", k, cause);
	free(cause);
	return (rc);
}

/* Set and expect failure; the cause must name the key. */
static int
set_bad(struct cfg *cfg, const char *k, const char *v, enum cfg_source src)
{
	char	*cause = NULL;
	int	 rc = cfg_set(cfg, k, v, src, &cause);

	if (rc == 0)
		return (0);
	rc = cause != NULL && strstr(cause, k) != NULL;
	if (!rc)
		fprintf(stderr, "cause without key %s: %s\n", k, cause);
	if (cause != NULL && strstr(cause, SECRET) != NULL) {
		fprintf(stderr, "token in cause: %s\n", cause);
		rc = 0;
	}
	free(cause);
	return (rc);
}

static void
test_defaults(void)
{
	struct cfg	cfg;
	char		*s;

	cfg_init(&cfg);
	CHECK(cfg.filter != NULL && filter_is_empty(cfg.filter));
	CHECK(cfg.idle_timeout == CFG_DEFAULT_IDLE);
	CHECK(cfg.agent_interval == CFG_DEFAULT_AGENT);
	CHECK_INT(cfg.keep, CFG_DEFAULT_KEEP);
	CHECK_INT(cfg.keep_bytes, CFG_DEFAULT_KEEP_BYTES);
	CHECK_INT(cfg.max_event, 1024 * 1024);
	CHECK(cfg.speed == 1.0);
	CHECK_INT(cfg.output, isatty(STDOUT_FILENO) ? OUT_TUI : OUT_PLAIN);
	CHECK(cfg.token == NULL && cfg.name == NULL);
	CHECK_INT(cfg.insecure + cfg.allow_http + cfg.no_color + cfg.demo +
	    cfg.server_filters_all + cfg.verbose, 0);
	if (*SWF_DEFAULT_URL == '\0')
		CHECK(cfg.url == NULL);
	cfg_free(&cfg);

	s = cfg_token_hint("abcdefghijklmnop");
	CHECK_STR(s, "abcd...");
	free(s);
	s = cfg_token_hint("abc");
	CHECK_STR(s, "...");
	free(s);
	s = cfg_token_hint(NULL);
	CHECK_STR(s, "(none)");
	free(s);
}

static void
test_set(void)
{
	struct cfg	 cfg;
	char		*cause, *d;

	cfg_init(&cfg);
	CHECK_INT(cfg_set(&cfg, "nonsense", "1", SRC_FLAG, &cause), -1);
	CHECK_STR(cause, "unknown option: nonsense");
	free(cause);

	/* Precedence: a lower source never replaces a higher one. */
	CHECK_INT(set_ok(&cfg, "name", "flag-name", SRC_FLAG), 0);
	CHECK_INT(set_ok(&cfg, "SWF_SSE_RECEIVER_NAME", "env", SRC_ENV), 0);
	CHECK_STR(cfg.name, "flag-name");
	CHECK_INT(set_ok(&cfg, "name", "flag2", SRC_FLAG), 0);
	CHECK_STR(cfg.name, "flag2");
	CHECK_INT(set_ok(&cfg, "cacert", "/f", SRC_FILE), 0);
	CHECK_INT(set_ok(&cfg, "REQUESTS_CA_BUNDLE", "/d", SRC_DOTENV), 0);
	CHECK_STR(cfg.cacert, "/d");
	CHECK_INT(set_ok(&cfg, "cacert", "/f2", SRC_FILE), 0);
	CHECK_STR(cfg.cacert, "/d");

	/* SWF_MONITOR_PROD_URL wins over SWF_MONITOR_URL in one source. */
	CHECK_INT(set_ok(&cfg, "SWF_MONITOR_PROD_URL", "https://prod/x/",
	    SRC_ENV), 0);
	CHECK_INT(set_ok(&cfg, "SWF_MONITOR_URL", "https://alt", SRC_ENV), 0);
	CHECK_STR(cfg.url, "https://prod/x");
	CHECK_INT(set_ok(&cfg, "url", "https://flag", SRC_FLAG), 0);
	CHECK_STR(cfg.url, "https://flag");
	cfg_free(&cfg);
	cfg_init(&cfg);
	CHECK_INT(set_ok(&cfg, "SWF_MONITOR_URL", "https://alt", SRC_DOTENV),
	    0);
	CHECK_INT(set_ok(&cfg, "SWF_MONITOR_PROD_URL", "https://prod",
	    SRC_DOTENV), 0);
	CHECK_STR(cfg.url, "https://prod");
	CHECK_INT(set_ok(&cfg, "SWF_MONITOR_URL", "https://env", SRC_ENV), 0);
	CHECK_STR(cfg.url, "https://env");

	/* Lists accumulate in one source and are replaced by a higher one. */
	CHECK_INT(set_ok(&cfg, "message", "a, b", SRC_FILE), 0);
	CHECK_INT(set_ok(&cfg, "message", "c", SRC_FILE), 0);
	CHECK_INT(set_ok(&cfg, "run", "100042", SRC_FILE), 0);
	d = filter_describe(cfg.filter);
	CHECK_STR(d, "type=a,b,c run=100042");
	free(d);
	CHECK_INT(set_ok(&cfg, "message", "x", SRC_FLAG), 0);
	CHECK_INT(set_ok(&cfg, "message", "y", SRC_FLAG), 0);
	CHECK_INT(set_ok(&cfg, "message", "z", SRC_FILE), 0);
	CHECK_INT(set_ok(&cfg, "agent", "p,q", SRC_FLAG), 0);
	d = filter_describe(cfg.filter);
	CHECK_STR(d, "type=x,y agent=p,q run=100042");
	free(d);
	/* namespace-filter is a list like the others. */
	CHECK_INT(set_ok(&cfg, "namespace-filter", "prodops, u1", SRC_FILE),
	    0);
	CHECK_INT(set_ok(&cfg, "namespace_filter", "u2", SRC_FILE), 0);
	d = filter_describe(cfg.filter);
	CHECK_STR(d, "type=x,y agent=p,q run=100042 namespace=prodops,u1,u2");
	free(d);
	CHECK_INT(set_ok(&cfg, "namespace-filter", "u3", SRC_FLAG), 0);
	CHECK_INT(filter_count(cfg.filter, FK_NS), 1);
	CHECK(filter_has(cfg.filter, FK_NS, "u3"));

	/* Numbers, with ranges. */
	CHECK_INT(set_ok(&cfg, "idle-timeout", "30.5", SRC_FLAG), 0);
	CHECK(cfg.idle_timeout == 30.5);
	CHECK_INT(set_ok(&cfg, "idle_timeout", "31", SRC_FLAG), 0);
	CHECK(cfg.idle_timeout == 31);
	CHECK(set_bad(&cfg, "idle-timeout", "abc", SRC_FLAG));
	CHECK(set_bad(&cfg, "idle-timeout", "-1", SRC_FLAG));
	CHECK(set_bad(&cfg, "idle-timeout", "1e400", SRC_FLAG));
	CHECK(set_bad(&cfg, "idle-timeout", "nan", SRC_FLAG));
	CHECK(set_bad(&cfg, "idle-timeout", "", SRC_FLAG));
	CHECK(set_bad(&cfg, "idle-timeout", "5s", SRC_FLAG));
	CHECK(cfg.idle_timeout == 31);
	CHECK_INT(set_ok(&cfg, "agent-interval", "20", SRC_FLAG), 0);
	CHECK(cfg.agent_interval == 20);
	CHECK(set_bad(&cfg, "agent-interval", "0", SRC_FLAG));
	CHECK_INT(set_ok(&cfg, "keep", "100", SRC_FLAG), 0);
	CHECK_INT(cfg.keep, 100);
	CHECK(set_bad(&cfg, "keep", "10K", SRC_FLAG));
	CHECK(set_bad(&cfg, "keep", "0", SRC_FLAG));
	CHECK(set_bad(&cfg, "keep", "1.5", SRC_FLAG));
	CHECK(set_bad(&cfg, "keep", "99999999999999999999", SRC_FLAG));
	CHECK_INT(set_ok(&cfg, "keep-bytes", "512M", SRC_FLAG), 0);
	CHECK_INT(cfg.keep_bytes, 512UL * 1024 * 1024);
	CHECK_INT(set_ok(&cfg, "keep-bytes", "2097152", SRC_FLAG), 0);
	CHECK_INT(cfg.keep_bytes, 2097152);
	CHECK(set_bad(&cfg, "keep-bytes", "1K", SRC_FLAG));
	CHECK(set_bad(&cfg, "keep-bytes", "M", SRC_FLAG));
	CHECK_INT(set_ok(&cfg, "max-event", "2m", SRC_FLAG), 0);
	CHECK_INT(cfg.max_event, 2 * 1024 * 1024);
	CHECK(set_bad(&cfg, "max-event", "100", SRC_FLAG));
	CHECK(set_bad(&cfg, "max-event", "1G", SRC_FLAG));
	CHECK_INT(set_ok(&cfg, "speed", "0", SRC_FLAG), 0);
	CHECK(cfg.speed == 0);
	CHECK(set_bad(&cfg, "speed", "-2", SRC_FLAG));
	CHECK_INT(set_ok(&cfg, "verbose", NULL, SRC_FLAG), 0);
	CHECK_INT(set_ok(&cfg, "verbose", NULL, SRC_FLAG), 0);
	CHECK_INT(cfg.verbose, 2);
	CHECK_INT(set_ok(&cfg, "verbose", "0", SRC_FLAG), 0);
	CHECK_INT(cfg.verbose, 0);
	CHECK(set_bad(&cfg, "verbose", "10", SRC_FLAG));

	/* Enumerations and booleans. */
	CHECK_INT(set_ok(&cfg, "output", "json", SRC_FLAG), 0);
	CHECK_INT(cfg.output, OUT_JSON);
	CHECK_INT(set_ok(&cfg, "output", "events", SRC_FLAG), 0);
	CHECK_INT(cfg.output, OUT_EVENTS);
	CHECK(set_bad(&cfg, "output", "JSON", SRC_FLAG));
	CHECK_INT(set_ok(&cfg, "server-filters", "all", SRC_FLAG), 0);
	CHECK_INT(cfg.server_filters_all, 1);
	CHECK_INT(set_ok(&cfg, "server-filters", "types", SRC_FLAG), 0);
	CHECK_INT(cfg.server_filters_all, 0);
	CHECK(set_bad(&cfg, "server-filters", "some", SRC_FLAG));
	CHECK_INT(set_ok(&cfg, "insecure", NULL, SRC_FLAG), 0);
	CHECK_INT(cfg.insecure, 1);
	CHECK_INT(set_ok(&cfg, "insecure", "no", SRC_FLAG), 0);
	CHECK_INT(cfg.insecure, 0);
	CHECK(set_bad(&cfg, "insecure", "maybe", SRC_FLAG));
	CHECK_INT(set_ok(&cfg, "demo", "yes", SRC_FLAG), 0);
	CHECK_INT(cfg.demo, 1);
	CHECK_INT(set_ok(&cfg, "NO_COLOR", "", SRC_ENV), 0);
	CHECK_INT(cfg.no_color, 0);
	CHECK_INT(set_ok(&cfg, "NO_COLOR", "0", SRC_ENV), 0);
	CHECK_INT(cfg.no_color, 1);
	CHECK_INT(set_ok(&cfg, "no-color", "false", SRC_FILE), 0);
	CHECK_INT(cfg.no_color, 1);
	CHECK_INT(set_ok(&cfg, "no-color", "false", SRC_FLAG), 0);
	CHECK_INT(cfg.no_color, 0);

	/* Paths: "~/" is the home directory; "" unsets. */
	setenv("HOME", "/home/u", 1);
	CHECK_INT(set_ok(&cfg, "token-file", "~/tok", SRC_FLAG), 0);
	CHECK_STR(cfg.token_file, "/home/u/tok");
	CHECK_INT(set_ok(&cfg, "record", "rec.jsonl", SRC_FLAG), 0);
	CHECK_STR(cfg.record, "rec.jsonl");
	CHECK_INT(set_ok(&cfg, "record", "", SRC_FLAG), 0);
	CHECK(cfg.record == NULL);
	CHECK(set_bad(&cfg, "namespace", NULL, SRC_FLAG));
	cfg_free(&cfg);
}

/* X-Client-Location: checked when set, sanitized and bounded when sent. */
static void
test_location(void)
{
	struct cfg	 cfg;
	char		 buf[256], want[300], host[256], big[300];

	cfg_init(&cfg);
	cfg_location(&cfg, buf, sizeof buf);
	CHECK(gethostname(host, sizeof host) == 0);
	host[sizeof host - 1] = '\0';
	snprintf(want, sizeof want, "swf-dash@%s", host);
	want[100] = '\0';
	CHECK_STR(buf, want);
	CHECK_INT(set_ok(&cfg, "location", "control room 2", SRC_FLAG), 0);
	cfg_location(&cfg, buf, sizeof buf);
	CHECK_STR(buf, "control room 2");
	/* Header injection and controls are refused outright. */
	CHECK(set_bad(&cfg, "location", "a\r\nX-Evil: 1", SRC_FLAG));
	CHECK(set_bad(&cfg, "location", "a\tb", SRC_FLAG));
	CHECK(set_bad(&cfg, "location", "a\xc2\x9b", SRC_FLAG));
	CHECK_STR(cfg.location, "control room 2");
	memset(big, 'x', 101);
	big[101] = '\0';
	CHECK(set_bad(&cfg, "location", big, SRC_FLAG));
	big[100] = '\0';
	CHECK_INT(set_ok(&cfg, "location", big, SRC_FLAG), 0);
	cfg_location(&cfg, buf, sizeof buf);
	CHECK_INT(strlen(buf), 100);
	/* Non-ASCII becomes '?', one per character; ends are trimmed. */
	CHECK_INT(set_ok(&cfg, "location", "  Z\xc3\xbcrich \xe2\x82\xac ",
	    SRC_FLAG), 0);
	cfg_location(&cfg, buf, sizeof buf);
	CHECK_STR(buf, "Z?rich ?");
	/* A short buffer cuts; blank means the default. */
	cfg_location(&cfg, buf, 4);
	CHECK_STR(buf, "Z?r");
	CHECK_INT(set_ok(&cfg, "location", "   ", SRC_FLAG), 0);
	cfg_location(&cfg, buf, sizeof buf);
	CHECK_STR(buf, want);
	/* Empty unsets: the default again. */
	CHECK_INT(set_ok(&cfg, "location", "", SRC_FLAG), 0);
	CHECK(cfg.location == NULL);
	cfg_free(&cfg);
}

/*
 * The URL as stored: trailing '/'s go, the key that set it is kept; its
 * form and the http rule are the engine's (tests/unit/t-net.c).
 */
static void
test_urls(void)
{
	static const char *ok[][2] = {
	    { "https://h/x///", "https://h/x" },
	    { "https://h/", "https://h" },
	    { "HTTPS://Mon.Example.org:8443/swf-monitor",
	      "HTTPS://Mon.Example.org:8443/swf-monitor" },
	    { "https://[2001:db8::1]:443/a", "https://[2001:db8::1]:443/a" },
	    { "http://127.0.0.1:8000", "http://127.0.0.1:8000" } };
	struct cfg	 cfg, f;
	const char	*buf;
	char		*cause;
	size_t		 i;

	cfg_init(&cfg);
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		CHECK_INT(set_ok(&cfg, "url", ok[i][0], SRC_FLAG), 0);
		CHECK_STR(cfg.url, ok[i][1]);
		CHECK_STR(cfg.url_key, "url");
		CHECK(cfg.url_where == NULL);
	}
	CHECK_INT(set_ok(&cfg, "SWF_MONITOR_PROD_URL", "https://p//",
	    SRC_FLAG), 0);
	CHECK_STR(cfg.url, "https://p");
	CHECK_STR(cfg.url_key, "SWF_MONITOR_PROD_URL");
	/* From a file: file and line are kept for the engine's message. */
	cfg_init(&f);
	cause = NULL;
	buf = "# c\n\nurl=https://f/\n";
	CHECK_INT(cfg_parse_buf(&f, buf, strlen(buf), "conf", SRC_FILE,
	    &cause), 0);
	free(cause);
	CHECK_STR(f.url, "https://f");
	CHECK_STR(f.url_key, "url");
	CHECK_STR(f.url_where, "conf:3");
	/* A later flag: no file line any more. */
	CHECK_INT(set_ok(&f, "url", "https://g", SRC_FLAG), 0);
	CHECK(f.url_where == NULL);
	cfg_free(&f);

	/* cfg_check: the name first, with the exact message. */
	CHECK_INT(cfg_check(&cfg, &cause), -1);
	CHECK_STR(cause, "SWF_SSE_RECEIVER_NAME must be set to a descriptive "
	    "agent name");
	free(cause);
	set_ok(&cfg, "name", "\x1b[31mevil", SRC_FLAG);
	CHECK_INT(cfg_check(&cfg, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "printable") != NULL);
	free(cause);
	set_ok(&cfg, "name", "dash-test", SRC_FLAG);
	CHECK_INT(cfg_check(&cfg, &cause), 0);

	/* No URL: say how to set one, unless replaying or in demo mode. */
	set_ok(&cfg, "url", "", SRC_FLAG);
	CHECK(cfg.url == NULL);
	CHECK_INT(cfg_check(&cfg, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "SWF_MONITOR_PROD_URL") != NULL &&
	    strstr(cause, "--url") != NULL);
	free(cause);
	set_ok(&cfg, "replay", "/tmp/x", SRC_FLAG);
	CHECK_INT(cfg_check(&cfg, &cause), 0);
	set_ok(&cfg, "replay", "", SRC_FLAG);
	set_ok(&cfg, "demo", NULL, SRC_FLAG);
	CHECK_INT(cfg_check(&cfg, &cause), 0);
	cfg_free(&cfg);
}

/* Parse a buffer and return the cause (or NULL); checks no token leaks. */
static char *
parse(struct cfg *cfg, const char *text, enum cfg_source src)
{
	char	*cause = NULL;
	int	 rc;

	rc = cfg_parse_buf(cfg, text, strlen(text), "f", src, &cause);
	CHECK((rc == 0) == (cause == NULL));
	if (cause != NULL && strstr(cause, SECRET) != NULL) {
		fprintf(stderr, "token in cause: %s\n", cause);
		CHECK(0);
	}
	return (cause);
}

static void
test_parse(void)
{
	struct cfg	 cfg;
	char		*cause, *big;

	cfg_init(&cfg);
	cause = parse(&cfg,
	    "# a comment\n"
	    "\n"
	    "export SWF_MONITOR_PROD_URL=\"https://a.example/x/\"\r\n"
	    "SWF_SSE_RECEIVER_NAME='my name'   # trailing comment\n"
	    "  SWF_API_TOKEN = " SECRET "  # c\n"
	    "REQUESTS_CA_BUNDLE=/etc/ca#1.pem\n"
	    "OTHER_TOOL_SETTING=whatever\n"
	    "idle-timeout=5\n"
	    "exported=1\n"
	    "\texport\tNO_COLOR=\"a \\\"b\\\" \\\\ c\"", SRC_DOTENV);
	CHECK(cause == NULL);
	CHECK_STR(cfg.url, "https://a.example/x");
	CHECK_STR(cfg.name, "my name");
	CHECK_STR(cfg.token, SECRET);
	CHECK_STR(cfg.cacert, "/etc/ca#1.pem");
	CHECK(cfg.idle_timeout == CFG_DEFAULT_IDLE);	/* not in ~/.env */
	CHECK_INT(cfg.no_color, 1);
	cause = parse(&cfg, "namespace=\"a \\\"b\\\" \\\\ c\"\n"
	    "keep = 7\nidle_timeout=5\n", SRC_FILE);
	CHECK(cause == NULL);
	CHECK_STR(cfg.namespace, "a \"b\" \\ c");
	CHECK_INT(cfg.keep, 7);
	CHECK(cfg.idle_timeout == 5);
	cause = parse(&cfg, "a=''\nb=\"\"\nc=\nd='#x'\n", SRC_FILE);
	CHECK(cause == NULL);

	/* ~/.env tolerates lines that are not ours; the config file not. */
	warnings = 0;
	cause = parse(&cfg, "set -a\nSWF_SSE_RECEIVER_NAME=n2\n", SRC_DOTENV);
	CHECK(cause == NULL);
	CHECK_INT(warnings, 1);
	CHECK_STR(cfg.name, "n2");
	cause = parse(&cfg, "keep=1\nnovalue\n", SRC_FILE);
	CHECK_STR(cause, "f:2: expected KEY=value");
	free(cause);
	cause = parse(&cfg, "=1\n", SRC_FILE);
	CHECK_STR(cause, "f:1: no key before '='");
	free(cause);
	warnings = 0;
	cause = parse(&cfg, "typo-key=1\n", SRC_FILE);
	CHECK(cause == NULL);
	CHECK_INT(warnings, 1);
	cause = parse(&cfg, "\n\nidle-timeout=abc\n", SRC_FILE);
	CHECK(cause != NULL && strncmp(cause, "f:3: idle-timeout: 'abc'",
	    24) == 0);
	free(cause);
	cause = parse(&cfg, "SWF_API_TOKEN=\"" SECRET "\n", SRC_FILE);
	CHECK_STR(cause, "f:1: unterminated quote");
	free(cause);
	cause = parse(&cfg, "SWF_API_TOKEN='" SECRET "'x\n", SRC_DOTENV);
	CHECK(cause == NULL);
	cause = parse(&cfg, "SWF_API_TOKEN='" SECRET "'x\n", SRC_FILE);
	CHECK_STR(cause, "f:1: text after the closing quote");
	free(cause);
	cause = parse(&cfg, "SWF_API_TOKEN=" SECRET " more\n", SRC_DOTENV);
	CHECK(cause != NULL && strstr(cause, "f:1: SWF_API_TOKEN") != NULL);
	free(cause);
	cause = parse(&cfg, "SWF_API_TOKEN=" SECRET "\x1b[2J\n", SRC_ENV);
	CHECK(cause != NULL);
	free(cause);
	CHECK_STR(cfg.token, SECRET);
	CHECK(set_bad(&cfg, "SWF_API_TOKEN", SECRET "\r\nX-Evil: 1", SRC_ENV));
	CHECK_STR(cfg.token, SECRET);

	/* Bounded lines, and no NUL bytes. */
	big = xmalloc(20000);
	memset(big, 'x', 19999);
	big[19999] = '\0';
	memcpy(big, "namespace=", 10);
	cause = parse(&cfg, big, SRC_FILE);
	CHECK_STR(cause, "f:1: line too long");
	free(cause);
	free(big);
	CHECK_INT(cfg_parse_buf(&cfg, "keep=3\0\n", 8, "g", SRC_FILE,
	    &cause), -1);
	CHECK_STR(cause, "g:1: NUL byte in line");
	free(cause);
	cfg_free(&cfg);
}

/* preset.NAME = options: named view filters of the config file only. */
static void
test_presets(void)
{
	struct cfg		 cfg;
	const struct filter	*f;
	char			*cause, name[40];
	const char		*why;
	int			 i;

	cfg_init(&cfg);
	cause = parse(&cfg, "preset.night = -m stf_gen -r 102317\n"
	    "preset.b='--agent data-a,data-b --namespace-filter=ns1 "
	    "--message x'\n"
	    "preset.night = -m end_run\n", SRC_FILE);
	CHECK(cause == NULL);
	CHECK_INT(cfg.npresets, 2);
	CHECK((f = cfg_preset(&cfg, "night")) != NULL);	/* the last wins */
	CHECK_INT(filter_count(f, FK_TYPE), 1);
	CHECK_STR(filter_value(f, FK_TYPE, 0), "end_run");
	CHECK_INT(filter_count(f, FK_RUN), 0);
	CHECK((f = cfg_preset(&cfg, "b")) != NULL);
	CHECK_INT(filter_count(f, FK_AGENT), 2);
	CHECK_STR(filter_value(f, FK_AGENT, 1), "data-b");
	CHECK_STR(filter_value(f, FK_NS, 0), "ns1");
	CHECK_STR(filter_value(f, FK_TYPE, 0), "x");
	CHECK(cfg_preset(&cfg, "none") == NULL);
	CHECK(cfg.filter != NULL && filter_is_empty(cfg.filter));

	/* Mistakes name the line and say what is wrong. */
	cause = parse(&cfg, "preset.x = -m\n", SRC_FILE);
	CHECK_STR(cause, "f:1: an option of the preset has no value");
	free(cause);
	cause = parse(&cfg, "\npreset.x = --url http://x\n", SRC_FILE);
	CHECK_STR(cause, "f:2: a preset takes -m, -a, -r and "
	    "--namespace-filter");
	free(cause);
	cause = parse(&cfg, "preset.x =\n", SRC_FILE);
	CHECK_STR(cause, "f:1: the preset is empty");
	free(cause);
	cause = parse(&cfg, "preset.a b = -m x\n", SRC_FILE);
	CHECK(cause != NULL && strstr(cause, "a preset's name") != NULL);
	free(cause);
	cause = parse(&cfg, "preset. = -m x\n", SRC_FILE);
	CHECK(cause != NULL && strstr(cause, "a preset's name") != NULL);
	free(cause);
	/* ~/.env and the environment have no presets. */
	cause = parse(&cfg, "preset.env = -m x\n", SRC_DOTENV);
	CHECK(cause == NULL);
	CHECK(cfg_preset(&cfg, "env") == NULL);
	/* Bounded in number. */
	for (i = (int)cfg.npresets; i < CFG_PRESETS_MAX; i++) {
		snprintf(name, sizeof name, "preset.p%d = -r %d\n", i, i);
		CHECK((cause = parse(&cfg, name, SRC_FILE)) == NULL);
	}
	cause = parse(&cfg, "preset.one-more = -r 1\n", SRC_FILE);
	CHECK_STR(cause, "f:1: too many presets (64 at most)");
	free(cause);
	CHECK(cfg_preset_parse("-r", &why) == NULL && why != NULL);
	cfg_free(&cfg);
}

/* The alert thresholds: flags, config file keys, bounds, defaults. */
static void
test_alerts(void)
{
	struct cfg	 cfg;
	char		*cause;

	cfg_init(&cfg);
	CHECK(cfg.stall_after == 60 && cfg.behind_files == 10 &&
	    cfg.behind_after == 120 && cfg.stale_after == 43200 &&
	    cfg.registry_interval == 60 && !cfg.bell);
	CHECK_INT(set_ok(&cfg, "stall-after", "5", SRC_FLAG), 0);
	CHECK(cfg.stall_after == 5);
	CHECK(set_bad(&cfg, "stall-after", "0", SRC_FLAG));
	CHECK(set_bad(&cfg, "behind-files", "1k", SRC_FLAG));
	CHECK(set_bad(&cfg, "registry-interval", "0.5", SRC_FLAG));
	CHECK_INT(set_ok(&cfg, "output", "alerts", SRC_FLAG), 0);
	CHECK_INT(cfg.output, OUT_ALERTS);
	CHECK_INT(set_ok(&cfg, "bell", NULL, SRC_FLAG), 0);
	CHECK_INT(cfg.bell, 1);
	/* The config file knows the same keys; a flag wins over it. */
	cause = parse(&cfg, "stall_after=7\nbehind-files=3\nbehind-after=30\n"
	    "stale-after=3600\nregistry-interval=2\n", SRC_FILE);
	CHECK(cause == NULL);
	free(cause);
	CHECK(cfg.stall_after == 5 && cfg.behind_files == 3 &&
	    cfg.behind_after == 30 && cfg.stale_after == 3600 &&
	    cfg.registry_interval == 2);
	cfg_free(&cfg);
}

static void
test_load(void)
{
	struct cfg	 cfg;
	char		 path[600], *cause, *d;
	const char	*tok, *p;
	FILE		*fp;
	size_t		 i;

	clear_env();
	setenv("HOME", tmpdir, 1);
	snprintf(path, sizeof path, "%s/xdg", tmpdir);
	setenv("XDG_CONFIG_HOME", path, 1);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/xdg/swf-dash", tmpdir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/xdg", tmpdir);

	/* Nothing anywhere: fine, and nothing set. */
	cfg_init(&cfg);
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK(cfg.name == NULL && cause == NULL);
	cfg_free(&cfg);

	/* All four sources: flag > env > ~/.env > config file. */
	put("xdg/swf-dash/config",
	    "url=https://file.example\n"
	    "SWF_SSE_RECEIVER_NAME=file-name\n"
	    "namespace=file-ns\n"
	    "idle-timeout=10\n"
	    "keep=100\n"
	    "message=a,b\n"
	    "REQUESTS_CA_BUNDLE=/file/ca\n", 0644);
	put(".env",
	    "export SWF_MONITOR_URL=https://dotenv.example\n"
	    "SWF_SSE_RECEIVER_NAME=dotenv-name\n"
	    "REQUESTS_CA_BUNDLE=/dotenv/ca\n"
	    "keep=5\n", 0600);
	setenv("SWF_SSE_RECEIVER_NAME", "env-name", 1);
	setenv("REQUESTS_CA_BUNDLE", "", 1);
	setenv("NO_COLOR", "1", 1);
	cfg_init(&cfg);
	set_ok(&cfg, "keep", "200", SRC_FLAG);
	set_ok(&cfg, "namespace", "flag-ns", SRC_FLAG);
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK_STR(cfg.url, "https://dotenv.example");
	CHECK_STR(cfg.name, "env-name");
	CHECK_STR(cfg.namespace, "flag-ns");
	CHECK_STR(cfg.cacert, "/dotenv/ca");
	CHECK(cfg.idle_timeout == 10);
	CHECK_INT(cfg.keep, 200);
	CHECK_INT(cfg.no_color, 1);
	d = filter_describe(cfg.filter);
	CHECK_STR(d, "type=a,b");
	free(d);
	cfg_free(&cfg);

	/* PROD beats SWF_MONITOR_URL in the environment too. */
	setenv("SWF_MONITOR_URL", "https://alt.example", 1);
	setenv("SWF_MONITOR_PROD_URL", "https://prod.example/", 1);
	cfg_init(&cfg);
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK_STR(cfg.url, "https://prod.example");
	cfg_free(&cfg);
	unsetenv("SWF_MONITOR_PROD_URL");
	cfg_init(&cfg);
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK_STR(cfg.url, "https://alt.example");
	cfg_free(&cfg);
	/* Unless a flag says otherwise. */
	cfg_init(&cfg);
	set_ok(&cfg, "url", "https://flag.example", SRC_FLAG);
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK_STR(cfg.url, "https://flag.example");
	cfg_free(&cfg);

	/* Errors in the config file name the file and line. */
	p = put("xdg/swf-dash/config", "keep=1\nkeep=lots\n", 0644);
	cfg_init(&cfg);
	CHECK_INT(cfg_load(&cfg, &cause), -1);
	snprintf(path, sizeof path, "%s:2: keep: 'lots'", p);
	CHECK(cause != NULL && strncmp(cause, path, strlen(path)) == 0);
	free(cause);
	cfg_free(&cfg);
	unlink(p);

	/* An explicit config file must exist; the default one need not. */
	cfg_init(&cfg);
	snprintf(path, sizeof path, "%s/nonexistent", tmpdir);
	set_ok(&cfg, "config", path, SRC_FLAG);
	CHECK_INT(cfg_load(&cfg, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "nonexistent") != NULL);
	free(cause);
	cfg_free(&cfg);
	p = put("explicit.conf", "namespace=explicit\n", 0644);
	cfg_init(&cfg);
	set_ok(&cfg, "config", p, SRC_FLAG);
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK_STR(cfg.namespace, "explicit");
	cfg_free(&cfg);

	/* Files over 1 MiB are refused. */
	snprintf(path, sizeof path, "%s/big.conf", tmpdir);
	fp = fopen(path, "w");
	for (i = 0; i < 1024 * 1024 / 16 + 1; i++)
		fputs("# padding......\n", fp);
	fclose(fp);
	cfg_init(&cfg);
	set_ok(&cfg, "config", path, SRC_FLAG);
	CHECK_INT(cfg_load(&cfg, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "larger than") != NULL);
	free(cause);
	cfg_free(&cfg);

	/* The token file: first line, trimmed; below a higher token. */
	tok = put("token", "  " SECRET "  \r\nsecond line\n", 0600);
	setenv("SWF_API_TOKEN", "envtoken", 1);
	cfg_init(&cfg);
	set_ok(&cfg, "token-file", tok, SRC_FLAG);
	warnings = 0;
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK_STR(cfg.token, SECRET);
	CHECK_INT(warnings, 0);
	cfg_free(&cfg);
	put(".env", "SWF_API_TOKEN=dotenvtoken\n", 0600);
	snprintf(path, sizeof path, "token-file=%s\n", tok);
	put("xdg/swf-dash/config", path, 0644);
	cfg_init(&cfg);
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK_STR(cfg.token, "envtoken");	/* env beats the config file */
	cfg_free(&cfg);
	unsetenv("SWF_API_TOKEN");
	cfg_init(&cfg);
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK_STR(cfg.token, "dotenvtoken");
	cfg_free(&cfg);
	snprintf(path, sizeof path, "%s/.env", tmpdir);
	unlink(path);
	cfg_init(&cfg);
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK_STR(cfg.token, SECRET);
	cfg_free(&cfg);
	/* Readable by others: a warning. */
	chmod(tok, 0644);
	cfg_init(&cfg);
	warnings = 0;
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	CHECK_INT(warnings, 1);
	cfg_free(&cfg);
	/* Empty, missing or bad token files are errors without the token. */
	put("token", "\n" SECRET "\n", 0600);
	cfg_init(&cfg);
	CHECK_INT(cfg_load(&cfg, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "empty") != NULL &&
	    strstr(cause, SECRET) == NULL);
	free(cause);
	cfg_free(&cfg);
	put("token", SECRET " " SECRET "\n", 0600);
	cfg_init(&cfg);
	CHECK_INT(cfg_load(&cfg, &cause), -1);
	CHECK(cause != NULL && strstr(cause, SECRET) == NULL);
	free(cause);
	cfg_free(&cfg);
	unlink(tok);
	cfg_init(&cfg);
	CHECK_INT(cfg_load(&cfg, &cause), -1);
	CHECK(cause != NULL && strstr(cause, "token") != NULL);
	free(cause);
	cfg_free(&cfg);
	snprintf(path, sizeof path, "%s/xdg/swf-dash/config", tmpdir);
	unlink(path);
	clear_env();
}

/*
 * Spaces around '=' and a BOM parse as the reference receiver's reader
 * (swf-testbed's remote_sse_receiver.py: strip the line, split at the
 * first '=', strip the key, strip the quotes off the value) means them.
 */
static void
test_parse_reference(void)
{
	struct cfg	 cfg;
	char		*cause;

	cfg_init(&cfg);
	cause = parse(&cfg, "SWF_SSE_RECEIVER_NAME = 'a # b'\n"
	    "SWF_API_TOKEN = \"" SECRET "\"\n", SRC_DOTENV);
	CHECK(cause == NULL);
	CHECK_STR(cfg.name, "a # b");
	CHECK_STR(cfg.token, SECRET);
	cause = parse(&cfg, "namespace =\t\"x # y\"  # c\n", SRC_FILE);
	CHECK(cause == NULL);
	CHECK_STR(cfg.namespace, "x # y");
	/* A UTF-8 BOM before the first key. */
	cause = parse(&cfg, "\xef\xbb\xbfSWF_SSE_RECEIVER_NAME=bom\n",
	    SRC_DOTENV);
	CHECK(cause == NULL);
	CHECK_STR(cfg.name, "bom");
	cause = parse(&cfg, "\xef\xbb\xbfnamespace=bom2\n", SRC_FILE);
	CHECK(cause == NULL);
	CHECK_STR(cfg.namespace, "bom2");
	cfg_free(&cfg);
}

/* A FIFO as ~/.env or token file never blocks; a pipe is read once. */
static void
test_fifo(void)
{
	struct cfg	 cfg;
	char		 path[600], *cause;
	int		 fd[2];

	clear_env();
	setenv("HOME", tmpdir, 1);
	snprintf(path, sizeof path, "%s/.env", tmpdir);
	unlink(path);
	CHECK_INT(mkfifo(path, 0600), 0);
	cfg_init(&cfg);
	alarm(5);
	CHECK_INT(cfg_load(&cfg, &cause), -1);
	alarm(0);
	CHECK(cause != NULL && strstr(cause, "FIFO") != NULL);
	free(cause);
	cfg_free(&cfg);
	unlink(path);

	snprintf(path, sizeof path, "%s/tokfifo", tmpdir);
	CHECK_INT(mkfifo(path, 0600), 0);
	cfg_init(&cfg);
	set_ok(&cfg, "token-file", path, SRC_FLAG);
	alarm(15);
	CHECK_INT(cfg_load(&cfg, &cause), -1);
	alarm(0);
	CHECK(cause != NULL && strstr(cause, "no token") != NULL);
	free(cause);
	cfg_free(&cfg);
	unlink(path);

	/* --token-file <(cmd): a pipe with the token in it. */
	CHECK_INT(pipe(fd), 0);
	CHECK(write(fd[1], SECRET "\nmore\n", strlen(SECRET) + 6) > 0);
	close(fd[1]);
	snprintf(path, sizeof path, "/dev/fd/%d", fd[0]);
	cfg_init(&cfg);
	set_ok(&cfg, "token-file", path, SRC_FLAG);
	alarm(5);
	CHECK_INT(cfg_load(&cfg, &cause), 0);
	alarm(0);
	CHECK_STR(cfg.token, SECRET);
	cfg_free(&cfg);
	close(fd[0]);
	clear_env();
}

int
main(void)
{
	char	cmd[64];
	int	rc;

	if (mkdtemp(tmpdir) == NULL)
		fatal("mkdtemp");
	log_set_sink(log_count, NULL);
	clear_env();
	test_defaults();
	test_set();
	test_location();
	test_urls();
	test_parse();
	test_parse_reference();
	test_presets();
	test_alerts();
	test_load();
	test_fifo();
	rc = t_done("t-cfg");
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return (rc);
}
