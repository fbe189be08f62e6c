/*
 * main.c: swf-dash's entry point. Reads the options into the
 * configuration, starts swf-sim for --demo, and hands the loop to the
 * dashboard or the headless writer.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sys/resource.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <curl/curl.h>

#include "alert.h"
#include "cfg.h"
#include "check.h"
#include "client.h"
#include "client-int.h"
#include "filter.h"
#include "log.h"
#include "loop.h"
#include "msg.h"
#include "net.h"
#include "out.h"
#include "sse.h"
#include "text.h"
#include "tui.h"
#include "xmalloc.h"

#define DEMO_WAIT_MS	10000

enum {
	OPT_ALLOW_HTTP = 256, OPT_AGENT_INTERVAL, OPT_CACERT, OPT_CHECK,
	OPT_COUNT, OPT_DEMO, OPT_EXIT_ON_CLOSE, OPT_HISTORY,
	OPT_HISTORY_MAX_BYTES, OPT_HISTORY_RUNS, OPT_IDLE, OPT_KEEP,
	OPT_KEEP_BYTES, OPT_MAX_EVENT, OPT_NAMESPACE,
	OPT_NO_COLOR, OPT_RECORD, OPT_REPLAY, OPT_SERVER_FILTERS, OPT_SPEED,
	OPT_STALL_AFTER, OPT_BEHIND_FILES, OPT_BEHIND_AFTER, OPT_STALE_AFTER,
	OPT_BELL, OPT_LOCATION, OPT_NAMESPACE_FILTER, OPT_REGISTRY_INTERVAL,
	OPT_OSC52, OPT_NO_MOUSE
};

static const struct option main_options[] = {
	{ "agent", required_argument, NULL, 'a' },
	{ "agent-interval", required_argument, NULL, OPT_AGENT_INTERVAL },
	{ "allow-http", no_argument, NULL, OPT_ALLOW_HTTP },
	{ "behind-after", required_argument, NULL, OPT_BEHIND_AFTER },
	{ "behind-files", required_argument, NULL, OPT_BEHIND_FILES },
	{ "bell", no_argument, NULL, OPT_BELL },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "config", required_argument, NULL, 'c' },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "demo", no_argument, NULL, OPT_DEMO },
	{ "exit-on-close", no_argument, NULL, OPT_EXIT_ON_CLOSE },
	{ "help", no_argument, NULL, 'h' },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "history-max-bytes", required_argument, NULL, OPT_HISTORY_MAX_BYTES },
	{ "history-runs", required_argument, NULL, OPT_HISTORY_RUNS },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE },
	{ "insecure", no_argument, NULL, 'k' },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "keep-bytes", required_argument, NULL, OPT_KEEP_BYTES },
	{ "location", required_argument, NULL, OPT_LOCATION },
	{ "max-event", required_argument, NULL, OPT_MAX_EVENT },
	{ "message", required_argument, NULL, 'm' },
	{ "name", required_argument, NULL, 'n' },
	{ "namespace", required_argument, NULL, OPT_NAMESPACE },
	{ "namespace-filter", required_argument, NULL, OPT_NAMESPACE_FILTER },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "osc52", no_argument, NULL, OPT_OSC52 },
	{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
	{ "output", required_argument, NULL, 'o' },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "registry-interval", required_argument, NULL,
	    OPT_REGISTRY_INTERVAL },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "run", required_argument, NULL, 'r' },
	{ "server-filters", required_argument, NULL, OPT_SERVER_FILTERS },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "stale-after", required_argument, NULL, OPT_STALE_AFTER },
	{ "stall-after", required_argument, NULL, OPT_STALL_AFTER },
	{ "token-file", required_argument, NULL, 't' },
	{ "url", required_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* The swf-sim started by --demo. */
static pid_t	 demo_pid = -1;
static char	*demo_token_path;

/* A size as the options take it: 256M, 64K, 1000. */
static const char *
main_size(char *buf, size_t size, unsigned long long n)
{
	if (n != 0 && n % (1024 * 1024 * 1024) == 0)
		snprintf(buf, size, "%lluG", n / (1024 * 1024 * 1024));
	else if (n != 0 && n % (1024 * 1024) == 0)
		snprintf(buf, size, "%lluM", n / (1024 * 1024));
	else if (n != 0 && n % 1024 == 0)
		snprintf(buf, size, "%lluK", n / 1024);
	else
		snprintf(buf, size, "%llu", n);
	return (buf);
}

/* The defaults in the text come from cfg.h (and alert.h, sse.h). */
static void __attribute__((noreturn))
main_usage(int status)
{
	FILE	*f = status == 0 ? stdout : stderr;
	char	 keep_bytes[32], max_event[32], history_max[32];

	fprintf(f,
"usage: swf-dash [options]\n"
"Watch the SWF monitor's live message stream: a dashboard on a terminal,\n"
"lines on stdout otherwise.\n"
"\n"
"Connection:\n"
"  -u, --url URL             monitor base URL (SWF_MONITOR_PROD_URL,\n"
"                            SWF_MONITOR_URL)\n"
"  -t, --token-file FILE     read the API token from FILE (else SWF_API_TOKEN)\n"
"  -n, --name NAME           agent name to register (SWF_SSE_RECEIVER_NAME)\n"
"      --namespace NS        namespace to register under (sent with every\n"
"                            heartbeat; without it the registry shows none)\n"
"      --location TEXT       X-Client-Location sent with the stream request\n"
"                            (default swf-dash@HOSTNAME)\n"
"      --cacert FILE         CA bundle (REQUESTS_CA_BUNDLE)\n"
"  -k, --insecure            do not verify TLS certificates (dangerous)\n"
"      --allow-http          allow plain http to a host other than loopback\n"
"      --idle-timeout SEC    drop a stream silent this long (default %g)\n"
"      --agent-interval SEC  registration heartbeat period (default %g)\n"
"  -c, --config FILE         config file (default\n"
"                            $XDG_CONFIG_HOME/swf-dash/config)\n"
"\n"
"Filters (comma lists, repeatable):\n"
"  -m, --message TYPES       message types (sent to the server)\n"
"  -a, --agent NAMES         agents, as shown: the first of sender,\n"
"                            processed_by, sender_agent\n"
"  -r, --run IDS             run ids\n"
"      --namespace-filter NAMES  namespaces (always matched here: the\n"
"                            server cannot filter by namespace)\n"
"      --server-filters WHICH  types (default) or all: also send agents\n"
"                            and runs to the server\n"
"\n"
"Output:\n"
"  -o, --output MODE         tui (default on a terminal), plain (default\n"
"                            otherwise), json, events or alerts\n"
"      --no-color            no colour (also NO_COLOR)\n"
"      --keep N              messages the dashboard keeps (default %zu)\n"
"      --keep-bytes SIZE     bytes the dashboard keeps (default %s)\n"
"      --max-event SIZE      largest SSE event accepted (default %s)\n"
"      --history MODE        back-fill from the monitor's history: all\n"
"                            (dashboard default: running executions at\n"
"                            start, then holes and reconnects), gaps\n"
"                            (headless default: holes and reconnects\n"
"                            only) or off\n"
"      --history-runs N      running executions read at start (default %zu)\n"
"      --history-max-bytes SIZE  largest history answer read (default %s)\n"
"      --record FILE         append every event to FILE as JSON lines\n"
"      --replay FILE         replay a recording instead of connecting\n"
"      --speed X             replay pace (default %g; 0: as fast as possible)\n"
"      --count N             exit after printing N messages (headless)\n"
"      --exit-on-close       exit when the server closes the stream\n"
"                            instead of reconnecting (headless)\n"
"      --demo                run against a private swf-sim\n"
"      --check               check the configuration and the connection\n"
"                            step by step, print a checklist and exit\n"
"  -v, --verbose             more diagnostics on stderr\n"
"  -h, --help                this help\n"
"  -V, --version             the version\n"
"\n"
"Alerts (the dashboard, and --output alerts):\n"
"      --stall-after SEC     a running run, or no open stream, this long\n"
"                            without a message (default %g)\n"
"      --behind-files N      an agent this many files behind (default %zu)\n"
"      --behind-after SEC    or its oldest unprocessed file this old\n"
"                            (default %g)\n"
"      --stale-after SEC     an execution running this long (default %g)\n"
"      --bell                ring the terminal bell on a new alert\n"
"      --osc52               let y copy a message to the clipboard with\n"
"                            OSC 52 (some terminals refuse it)\n"
"      --no-mouse            leave the mouse to the terminal (no wheel,\n"
"                            click or double-click in the dashboard)\n"
"      --registry-interval SEC  read the agents registry this often\n"
"                            (default %g, at least 1)\n"
"\n"
"Exit status: 0 normal end or signal, 1 bad options or configuration,\n"
"2 token missing or rejected (HTTP 401/403), 3 permanent failure (a\n"
"redirect, 204, not an event stream, a 4xx other than 408 and 429, a\n"
"certificate that fails verification), 4 stdout failed, 70 internal\n"
"error.\n",
	    (double)CFG_DEFAULT_IDLE, (double)CFG_DEFAULT_AGENT,
	    (size_t)CFG_DEFAULT_KEEP,
	    main_size(keep_bytes, sizeof keep_bytes, CFG_DEFAULT_KEEP_BYTES),
	    main_size(max_event, sizeof max_event, SSE_DEFAULT_MAX_EVENT),
	    (size_t)CFG_DEFAULT_HISTORY_RUNS,
	    main_size(history_max, sizeof history_max,
	    CFG_DEFAULT_HISTORY_MAX_BYTES),
	    (double)CFG_DEFAULT_SPEED, (double)ALERT_DEFAULT_STALL,
	    (size_t)ALERT_DEFAULT_BEHIND_N, (double)ALERT_DEFAULT_BEHIND,
	    (double)ALERT_DEFAULT_STALE, (double)CFG_DEFAULT_REGISTRY);
	exit(status);
}

static void
main_demo_stop(void)
{
	int	status;

	if (demo_token_path != NULL) {
		unlink(demo_token_path);
		free(demo_token_path);
		demo_token_path = NULL;
	}
	if (demo_pid > 0) {
		kill(demo_pid, SIGTERM);
		waitpid(demo_pid, &status, 0);
		demo_pid = -1;
	}
}

/* Where swf-sim is: next to our executable, else on the PATH. */
static char *
main_demo_sim(void)
{
	char	 self[PATH_MAX], *path;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[n] = '\0';
		xasprintf(&path, "%s/swf-sim", dirname(self));
		if (access(path, X_OK) == 0)
			return (path);
		free(path);
	}
	return (xstrdup("swf-sim"));
}

/* Read swf-sim's first line (its URL) within DEMO_WAIT_MS. */
static int
main_demo_url(int fd, char *buf, size_t size)
{
	struct pollfd	 pfd;
	size_t		 len = 0;
	ssize_t		 n;
	char		*nl;

	pfd.fd = fd;
	pfd.events = POLLIN;
	while (len < size - 1) {
		if (poll(&pfd, 1, DEMO_WAIT_MS) <= 0)
			return (-1);
		if ((n = read(fd, buf + len, size - 1 - len)) <= 0)
			return (-1);
		len += n;
		buf[len] = '\0';
		if ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			return (0);
		}
	}
	return (-1);
}

static void
main_demo_drain(int fd, void *arg)
{
	char	buf[4096];

	if (read(fd, buf, sizeof buf) <= 0)
		loop_unwatch(arg, fd);
}

/*
 * Start swf-sim on a free loopback port with a random token (in a 0600
 * file, never on a command line) and a lively workflow, and point cfg at
 * it.
 */
static void
main_demo_start(struct loop *l, struct cfg *cfg)
{
	unsigned char	 rnd[16];
	char		 token[40], url[512], *sim, *cause;
	const char	*tmp;
	int		 fd, out[2], devnull;
	size_t		 i;

	arc4random_buf(rnd, sizeof rnd);
	for (i = 0; i < sizeof rnd; i++)
		snprintf(token + 2 * i, 3, "%02x", rnd[i]);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	xasprintf(&demo_token_path, "%s/swf-dash-demo.XXXXXX", tmp);
	if ((fd = mkstemp(demo_token_path)) == -1)
		fatal("mkstemp %s", demo_token_path);
	if (write(fd, token, strlen(token)) != (ssize_t)strlen(token) ||
	    write(fd, "\n", 1) != 1)
		fatal("writing %s", demo_token_path);
	close(fd);
	explicit_bzero(token, sizeof token);

	sim = main_demo_sim();
	if (pipe(out) == -1)
		fatal("pipe");
	atexit(main_demo_stop);
	if ((demo_pid = fork()) == -1)
		fatal("fork");
	if (demo_pid == 0) {
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
		devnull = open("/dev/null", O_RDWR);
		dup2(devnull, STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		close(out[0]);
		close(out[1]);
		execlp(sim, sim, "--listen", "127.0.0.1:0", "--token-file",
		    demo_token_path, "--speed", "5", "--heartbeat-interval", "5",
		    "-q", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	if (main_demo_url(out[0], url, sizeof url) != 0) {
		fprintf(stderr, "swf-dash: --demo: %s did not start (is "
		    "swf-sim installed?)\n", sim);
		free(sim);
		exit(SWF_EXIT_USAGE);
	}
	free(sim);
	/* Keep reading whatever else it prints, so it never blocks. */
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	loop_watch(l, out[0], main_demo_drain, l);
	if (cfg_set(cfg, "url", url, SRC_FLAG, &cause) != 0 ||
	    cfg_set(cfg, "token-file", demo_token_path, SRC_FLAG,
	    &cause) != 0 || net_url_check(cfg, &cause) != 0) {
		fprintf(stderr, "swf-dash: --demo: %s\n", cause);
		exit(SWF_EXIT_USAGE);
	}
	/* Plain http to loopback needs no --allow-http. */
}

/*
 * Descriptors 0, 1 and 2 are open before anything else is: started with
 * one closed, the first file we open (a recording, a socket) would take
 * its number and receive what is meant for stdout or stderr.
 */
static void
main_reserve_fds(void)
{
	int	fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(70);
	}
}

/*
 * The token is in memory from here on: no core file (it would hold
 * copies), and no ptrace or /proc/PID/mem, environ or fd access by other
 * processes of the same user (the process is not dumpable).
 */
static void
main_no_core(void)
{
	struct rlimit	rl;

	rl.rlim_cur = rl.rlim_max = 0;
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		log_warn("setrlimit(RLIMIT_CORE): %s", strerror(errno));
#ifdef __linux__
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		log_warn("prctl(PR_SET_DUMPABLE): %s", strerror(errno));
#endif
}

/*
 * A --record file that cannot be written is an error at start: a unit
 * that records nothing must not look healthy.
 */
static void
main_record_check(const char *path)
{
	char	*cause;
	int	 fd;

	if ((fd = record_open_fd(path, &cause)) == -1) {
		fprintf(stderr, "swf-dash: --record %s\n", cause);
		exit(SWF_EXIT_USAGE);
	}
	close(fd);
}

/* A bad command line: one line, then where to look. */
static void __attribute__((noreturn))
main_bad(const char *what, const char *arg)
{
	fprintf(stderr, "swf-dash: %s %s; try --help\n", what, arg);
	exit(SWF_EXIT_USAGE);
}

/* The option getopt_long() just refused, as the user wrote it. */
static const char *
main_bad_opt(char **argv, char *buf, size_t size)
{
	const char	*a = argv[optind - 1];

	if (strncmp(a, "--", 2) == 0 || optopt == 0)
		return (a);
	snprintf(buf, size, "-%c", optopt);
	return (buf);
}

/* The CA bundle must be readable before anything connects. */
static void
main_cacert_check(const struct cfg *cfg)
{
	struct stat	sb;
	int		fd;

	if (cfg->cacert == NULL || cfg->replay != NULL)
		return;
	if ((fd = open(cfg->cacert, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		fprintf(stderr, "swf-dash: CA bundle %s (--cacert, from %s): "
		    "%s\n", cfg->cacert, cfg_where(cfg, "cacert"),
		    fd == -1 ? strerror(errno) : "not a regular file");
		exit(SWF_EXIT_USAGE);
	}
	close(fd);
	if (cfg->url != NULL && strncasecmp(cfg->url, "http://", 7) == 0 &&
	    strcmp(cfg_where(cfg, "cacert"), "the environment") != 0 &&
	    strcmp(cfg_where(cfg, "cacert"), "~/.env") != 0)
		log_warn("--cacert %s has no effect: the URL is http://, "
		    "not https://", cfg->cacert);
}

/* Warn, once, about -m types the monitor is not known to send. */
static void
main_types_check(const struct cfg *cfg)
{
	const char	*v;
	char		 list[512] = "", t[80];
	size_t		 i, n = filter_count(cfg->filter, FK_TYPE), bad = 0;

	for (i = 0; i < n; i++) {
		v = filter_value(cfg->filter, FK_TYPE, i);
		if (msg_type_known(v))
			continue;
		text_sanitize_buf(t, sizeof t, v, strlen(v));
		if (bad++ > 0)
			strlcat(list, ", ", sizeof list);
		strlcat(list, t, sizeof list);
		if (strcmp(v, "data_ready") == 0)
			strlcat(list, " (renamed stf_ready)", sizeof list);
	}
	if (bad > 0)
		log_warn("-m: %s: not a known message type; asked for anyway",
		    list);
}

static const char *
main_key(int ch)
{
	const struct option	*o;

	for (o = main_options; o->name != NULL; o++) {
		if (o->val == ch)
			return (o->name);
	}
	return (NULL);
}

int
main(int argc, char **argv)
{
	struct cfg	 cfg;
	struct loop	*l;
	const char	*key, *why;
	char		*cause, optbuf[8];
	int		 ch, code, check = 0;

	main_reserve_fds();
	setlocale(LC_ALL, "");
	/* Not UTF-8: non-ASCII from the network is shown as '?'. */
	text_set_ascii(strcmp(nl_langinfo(CODESET), "UTF-8") != 0);
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init failed");
	cfg_init(&cfg);

	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":a:c:hkm:n:o:r:t:u:vV",
	    main_options, NULL)) != -1) {
		switch (ch) {
		case 'h':
			main_usage(0);
		case 'V':
			printf("swf-dash %s\n", PACKAGE_VERSION);
			exit(0);
		case '?':
			main_bad("unknown option", main_bad_opt(argv, optbuf,
			    sizeof optbuf));
		case ':':
			main_bad("a value is needed after", main_bad_opt(argv,
			    optbuf, sizeof optbuf));
		case OPT_CHECK:
			check = 1;
			continue;
		default:
			break;
		}
		if ((key = main_key(ch)) == NULL)
			main_usage(SWF_EXIT_USAGE);
		if (cfg_set(&cfg, key, optarg, SRC_FLAG, &cause) != 0) {
			fprintf(stderr, "swf-dash: --%s\n", cause);
			exit(SWF_EXIT_USAGE);
		}
	}
	if (optind != argc)
		main_bad("unexpected argument", argv[optind]);

	l = loop_create();
	if (cfg.demo && cfg.replay == NULL)
		main_demo_start(l, &cfg);
	if (check) {
		code = cfg_load(&cfg, &cause);
		if (code == 0 && cfg.demo && cfg_set(&cfg, "name",
		    "swf-dash-demo", SRC_DEFAULT, &cause) != 0)
			fatalx("%s", cause);
		code = check_run(&cfg, code != 0 ? cause : NULL);
		main_demo_stop();
		exit(code);
	}
	if (cfg_load(&cfg, &cause) != 0) {
		fprintf(stderr, "swf-dash: %s\n", cause);
		exit(SWF_EXIT_USAGE);
	}
	if (cfg.token != NULL && *cfg.token != '\0') {
		main_no_core();
		text_set_secret(cfg.token);
	}
	if (cfg.demo) {
		if (demo_token_path != NULL) {
			unlink(demo_token_path);
			free(demo_token_path);
			demo_token_path = NULL;
		}
		if (cfg_set(&cfg, "name", "swf-dash-demo", SRC_DEFAULT,
		    &cause) != 0)
			fatalx("%s", cause);
	}
	if (cfg.replay != NULL && access(cfg.replay, R_OK) != 0) {
		fprintf(stderr, "swf-dash: --replay %s: %s\n", cfg.replay,
		    strerror(errno));
		exit(SWF_EXIT_USAGE);
	}
	if (cfg.replay == NULL && (cfg_check(&cfg, &cause) != 0 ||
	    net_url_check(&cfg, &cause) != 0)) {
		fprintf(stderr, "swf-dash: %s\n", cause);
		exit(SWF_EXIT_USAGE);
	}
	if (cfg.record != NULL)
		main_record_check(cfg.record);
	main_cacert_check(&cfg);
	main_types_check(&cfg);
	if (cfg.verbose > 0)
		log_set_level(LOG_DEBUG);
	if (cfg.output == OUT_TUI && (cfg.count != 0 || cfg.exit_on_close)) {
		fprintf(stderr, "swf-dash: --%s: only with headless output "
		    "(-o plain, json or events)\n", cfg.count != 0 ? "count" :
		    "exit-on-close");
		exit(SWF_EXIT_USAGE);
	}

	if (cfg.output == OUT_TUI && !tui_term_usable(&why)) {
		log_warn("%s: writing plain output instead of the dashboard",
		    why);
		cfg.output = OUT_PLAIN;
	}
	if (cfg.output == OUT_TUI)
		code = tui_run(l, &cfg);
	else
		code = out_run(l, &cfg);

	main_demo_stop();
	loop_free(l);
	text_set_secret(NULL);
	cfg_free(&cfg);
	curl_global_cleanup();
	return (code);
}
