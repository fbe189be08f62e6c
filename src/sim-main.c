/* sim-main.c: swf-sim, the simulated SWF monitor: options, setup, teardown. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "sim.h"
#include "xmalloc.h"

struct sim_config	sim_main_cfg;
atomic_int		sim_main_quit;

static json_t		*initial_faults;

enum {
	OPT_AGENT_STALE = 256,
	OPT_CHANNEL_EXPIRY,
	OPT_CLIENT_QUEUE,
	OPT_COUNT,
	OPT_FAULT,
	OPT_HEARTBEAT,
	OPT_HISTORY_MAX,
	OPT_LISTEN,
	OPT_MAX_CLIENTS,
	OPT_NAMESPACES,
	OPT_NO_WORKFLOW,
	OPT_NUMERIC_RUN_IDS,
	OPT_PRODOPS,
	OPT_RATE,
	OPT_REGISTRY_DUMP,
	OPT_SEED,
	OPT_SPEED,
	OPT_TLS_CERT,
	OPT_TLS_KEY,
	OPT_TOKEN,
	OPT_TOKEN_FILE
};

static const struct option longopts[] = {
	{ "agent-stale", required_argument, NULL, OPT_AGENT_STALE },
	{ "channel-expiry", required_argument, NULL, OPT_CHANNEL_EXPIRY },
	{ "client-queue", required_argument, NULL, OPT_CLIENT_QUEUE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "heartbeat-interval", required_argument, NULL, OPT_HEARTBEAT },
	{ "help", no_argument, NULL, 'h' },
	{ "history-max", required_argument, NULL, OPT_HISTORY_MAX },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
	{ "namespaces", required_argument, NULL, OPT_NAMESPACES },
	{ "no-workflow", no_argument, NULL, OPT_NO_WORKFLOW },
	{ "numeric-run-ids", no_argument, NULL, OPT_NUMERIC_RUN_IDS },
	{ "prodops", no_argument, NULL, OPT_PRODOPS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "registry-dump", required_argument, NULL, OPT_REGISTRY_DUMP },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "tls-cert", required_argument, NULL, OPT_TLS_CERT },
	{ "tls-key", required_argument, NULL, OPT_TLS_KEY },
	{ "token", required_argument, NULL, OPT_TOKEN },
	{ "token-file", required_argument, NULL, OPT_TOKEN_FILE },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Print the usage, to stdout for --help and stderr for mistakes. */
static void __attribute__((noreturn))
sim_usage(int status)
{
	FILE	*f = status == 0 ? stdout : stderr;

	fprintf(f,
"usage: swf-sim [options]\n"
"A simulated SWF monitor: the SSE message stream, its status, the agent\n"
"registry, a simulated DAQ workflow, floods and fault injection.\n"
"\n"
"  --listen ADDR:PORT        listen here (default 127.0.0.1:8080; [::1]:PORT\n"
"                            for IPv6; port 0 picks a free port); the base\n"
"                            URL is the first line on stdout\n"
"  --token T                 accept API token T (repeatable)\n"
"  --token-file FILE         accept the tokens in FILE, one per line\n"
"                            (with no token given, any non-empty one passes)\n"
"  --tls-cert FILE           serve HTTPS with this PEM certificate ...\n"
"  --tls-key FILE            ... and this PEM key\n"
"  --heartbeat-interval SEC  seconds between heartbeat events, each gap\n"
"                            up to a sixth longer (default 30)\n"
"  --client-queue N          per-client channel capacity; when full the\n"
"                            newest message is dropped (default 100)\n"
"  --channel-expiry SEC      a queued message not read within SEC expires\n"
"                            (default 60)\n"
"  --history-max N           messages kept for the REST history (default\n"
"                            200000, the oldest evicted)\n"
"  --max-clients N           concurrent stream clients (default 256)\n"
"  --agent-stale SEC         silence before an agent is EXITED (default 180)\n"
"  --registry-dump FILE      rewrite the agent registry as JSON on change\n"
"  --no-workflow             no simulated DAQ workflow\n"
"  --speed X                 workflow time scale (default 1)\n"
"  --seed N                  make the workflow deterministic\n"
"  --namespaces NS[:USER],...  workflow namespaces, one user each (default\n"
"                            swf-alpha,swf-beta: users alpha and beta)\n"
"  --prodops                 add the production namespace prodops\n"
"  --numeric-run-ids         the runner sends run ids as JSON numbers\n"
"  --rate N                  flood N messages/s (0: each client as fast as\n"
"                            it reads)\n"
"  --count N                 stop the flood after N messages\n"
"  --fault JSON              queue a fault as POST /sim/fault does\n"
"  -v, --verbose             log more\n"
"  -q, --quiet               log errors only\n"
"  -h, --help                this help\n"
"  -V, --version             the version\n");
	exit(status);
}

/* A number option in [lo, hi]; exits on a bad one. */
static double
sim_number(const char *opt, const char *s, double lo, double hi)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < lo || v > hi) {
		fprintf(stderr, "swf-sim: --%s: bad value \"%s\" (%g to %g)\n",
		    opt, s, lo, hi);
		exit(2);
	}
	return (v);
}

/* An integer option in [lo, hi]; exits on a bad one. */
static long long
sim_integer(const char *opt, const char *s, long long lo, long long hi)
{
	const char	*err;
	long long	 v;

	v = strtonum(s, lo, hi, &err);
	if (err != NULL) {
		fprintf(stderr, "swf-sim: --%s: \"%s\" is %s (%lld to %lld)\n",
		    opt, s, err, lo, hi);
		exit(2);
	}
	return (v);
}

/* Accept one more token. */
static void
sim_add_token(const char *t)
{
	sim_main_cfg.tokens = xreallocarray(sim_main_cfg.tokens, sim_main_cfg.ntokens + 1,
	    sizeof *sim_main_cfg.tokens);
	sim_main_cfg.tokens[sim_main_cfg.ntokens++] = xstrdup(t);
}

/* Read a whole file into a string; NULL and *cause on error. */
static char *
sim_read_file(const char *path, char **cause)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0, n;
	char	 chunk[4096];

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf = xreallocarray(buf, 1, len + n + 1);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	if (ferror(f)) {
		xasprintf(cause, "%s: read error", path);
		fclose(f);
		free(buf);
		return (NULL);
	}
	fclose(f);
	if (buf == NULL)
		buf = xstrdup("");
	else
		buf[len] = '\0';
	return (buf);
}

/* Tokens from a file: one a line, blank lines and # comments skipped. */
static void
sim_token_file(const char *path)
{
	char	*text, *line, *next, *cause = NULL, *s, *e;

	if ((text = sim_read_file(path, &cause)) == NULL) {
		fprintf(stderr, "swf-sim: %s\n", cause);
		exit(2);
	}
	for (line = text; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (s = line; *s == ' ' || *s == '\t' || *s == '\r'; s++)
			;
		e = s + strlen(s);
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' ||
		    e[-1] == '\r'))
			*--e = '\0';
		if (*s != '\0' && *s != '#')
			sim_add_token(s);
	}
	free(text);
}

/* Split the namespace list. */
static void
sim_namespaces(const char *list)
{
	char	*copy, *p, *tok;
	size_t	 i;

	for (i = 0; i < sim_main_cfg.nnamespaces; i++)
		free(sim_main_cfg.namespaces[i]);
	sim_main_cfg.nnamespaces = 0;
	copy = xstrdup(list);
	for (p = copy; (tok = strsep(&p, ",")) != NULL;) {
		if (*tok == '\0')
			continue;
		sim_main_cfg.namespaces = xreallocarray(sim_main_cfg.namespaces,
		    sim_main_cfg.nnamespaces + 1, sizeof *sim_main_cfg.namespaces);
		sim_main_cfg.namespaces[sim_main_cfg.nnamespaces++] = xstrdup(tok);
	}
	free(copy);
	if (sim_main_cfg.nnamespaces == 0) {
		fprintf(stderr, "swf-sim: --namespaces: empty list\n");
		exit(2);
	}
}

/* Queue a --fault for when the server starts. */
static void
sim_fault_opt(const char *text)
{
	json_error_t	 err;
	json_t		*v;

	if ((v = json_loads(text, 0, &err)) == NULL) {
		fprintf(stderr, "swf-sim: --fault: %s\n", err.text);
		exit(2);
	}
	if (initial_faults == NULL)
		initial_faults = json_array();
	if (json_is_array(v))
		json_array_extend(initial_faults, v);
	else
		json_array_append(initial_faults, v);
	json_decref(v);
}

/* One option of the command line. */
static void
sim_option(int ch, const char *arg, char **cert, char **key)
{
	switch (ch) {
	case OPT_AGENT_STALE:
		sim_main_cfg.agent_stale = sim_number("agent-stale", arg, 0.01, 1e7);
		break;
	case OPT_CHANNEL_EXPIRY:
		sim_main_cfg.channel_expiry = sim_number("channel-expiry", arg, 0.01,
		    1e7);
		break;
	case OPT_CLIENT_QUEUE:
		sim_main_cfg.client_queue = sim_integer("client-queue", arg, 1,
		    10000000);
		break;
	case OPT_COUNT:
		sim_main_cfg.count = sim_integer("count", arg, 0, LLONG_MAX - 1);
		break;
	case OPT_FAULT:
		sim_fault_opt(arg);
		break;
	case OPT_HEARTBEAT:
		sim_main_cfg.heartbeat = sim_number("heartbeat-interval", arg, 0.01,
		    86400);
		break;
	case OPT_HISTORY_MAX:
		sim_main_cfg.history_max = sim_integer("history-max", arg, 1,
		    100000000);
		break;
	case OPT_LISTEN:
		free(sim_main_cfg.listen);
		sim_main_cfg.listen = xstrdup(arg);
		break;
	case OPT_MAX_CLIENTS:
		sim_main_cfg.max_clients = sim_integer("max-clients", arg, 1, 10000);
		break;
	case OPT_NAMESPACES:
		sim_namespaces(arg);
		break;
	case OPT_NO_WORKFLOW:
		sim_main_cfg.workflow = 0;
		break;
	case OPT_NUMERIC_RUN_IDS:
		sim_main_cfg.numeric_run_ids = 1;
		break;
	case OPT_PRODOPS:
		sim_main_cfg.prodops = 1;
		break;
	case OPT_RATE:
		sim_main_cfg.flood = 1;
		sim_main_cfg.rate = sim_number("rate", arg, 0, 1e9);
		break;
	case OPT_REGISTRY_DUMP:
		free(sim_main_cfg.registry_dump);
		sim_main_cfg.registry_dump = xstrdup(arg);
		break;
	case OPT_SEED:
		sim_main_cfg.seed = (uint64_t)sim_integer("seed", arg, 0, LLONG_MAX);
		break;
	case OPT_SPEED:
		sim_main_cfg.speed = sim_number("speed", arg, 0.001, 1e6);
		break;
	case OPT_TLS_CERT:
		free(*cert);
		*cert = xstrdup(arg);
		break;
	case OPT_TLS_KEY:
		free(*key);
		*key = xstrdup(arg);
		break;
	case OPT_TOKEN:
		if (*arg == '\0') {
			fprintf(stderr, "swf-sim: --token: empty token\n");
			exit(2);
		}
		sim_add_token(arg);
		break;
	case OPT_TOKEN_FILE:
		sim_token_file(arg);
		break;
	case 'q':
		log_set_level(LOG_ERROR);
		break;
	case 'v':
		log_set_level(LOG_DEBUG);
		break;
	case 'V':
		printf("swf-sim %s\n", PACKAGE_VERSION);
		exit(0);
	case 'h':
		sim_usage(0);
	default:
		sim_usage(2);
	}
}

/* Defaults, then the command line. */
static void
sim_configure(int argc, char **argv)
{
	char	*cert = NULL, *key = NULL, *cause = NULL;
	int	 ch;

	sim_main_cfg.listen = xstrdup("127.0.0.1:8080");
	sim_main_cfg.heartbeat = 30;
	sim_main_cfg.client_queue = 100;
	sim_main_cfg.channel_expiry = 60;
	sim_main_cfg.history_max = 200000;
	sim_main_cfg.max_clients = 256;
	sim_main_cfg.agent_stale = 180;
	sim_main_cfg.workflow = 1;
	sim_main_cfg.speed = 1;
	arc4random_buf(&sim_main_cfg.seed, sizeof sim_main_cfg.seed);
	sim_namespaces("swf-alpha,swf-beta");
	while ((ch = getopt_long(argc, argv, "hqvV", longopts, NULL)) != -1)
		sim_option(ch, optarg, &cert, &key);
	if (optind != argc)
		sim_usage(2);
	if ((cert == NULL) != (key == NULL)) {
		fprintf(stderr, "swf-sim: --tls-cert and --tls-key go "
		    "together\n");
		exit(2);
	}
	if (cert != NULL) {
		if ((sim_main_cfg.tls_cert = sim_read_file(cert, &cause)) == NULL ||
		    (sim_main_cfg.tls_key = sim_read_file(key, &cause)) == NULL) {
			fprintf(stderr, "swf-sim: %s\n", cause);
			exit(2);
		}
	}
	free(cert);
	free(key);
}

/* Free the configuration. */
static void
sim_unconfigure(void)
{
	size_t	i;

	for (i = 0; i < sim_main_cfg.ntokens; i++)
		free(sim_main_cfg.tokens[i]);
	free(sim_main_cfg.tokens);
	for (i = 0; i < sim_main_cfg.nnamespaces; i++)
		free(sim_main_cfg.namespaces[i]);
	free(sim_main_cfg.namespaces);
	free(sim_main_cfg.listen);
	free(sim_main_cfg.registry_dump);
	if (sim_main_cfg.tls_key != NULL)
		explicit_bzero(sim_main_cfg.tls_key, strlen(sim_main_cfg.tls_key));
	free(sim_main_cfg.tls_key);
	free(sim_main_cfg.tls_cert);
	memset(&sim_main_cfg, 0, sizeof sim_main_cfg);
}

/* Wait for SIGINT or SIGTERM, ageing the registry meanwhile. */
static void
sim_wait(const sigset_t *set)
{
	struct timespec	ts = { 0, 250 * 1000 * 1000 };
	int		sig;

	for (;;) {
		sig = sigtimedwait(set, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM) {
			log_info("signal %d: shutting down", sig);
			return;
		}
		sim_registry_tick();
	}
}

/* Start the server and its generators, serve until a signal, then clean up. */
int
main(int argc, char **argv)
{
	sigset_t	 set;
	char		*url, *cause = NULL;

	sim_configure(argc, argv);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	sim_fault_init();
	sim_stream_init();
	sim_registry_init();
	sim_history_init();
	sim_flood_init();
	if (initial_faults != NULL) {
		if (sim_fault_post(initial_faults, 1, &cause) != 0) {
			fprintf(stderr, "swf-sim: --fault: %s\n", cause);
			exit(2);
		}
		json_decref(initial_faults);
	}
	if (sim_main_cfg.ntokens == 0)
		log_warn("no --token given: any non-empty token is accepted");
	if (sim_http_start(&url, &cause) != 0) {
		fprintf(stderr, "swf-sim: %s\n", cause);
		exit(1);
	}
	printf("%s\n", url);
	fflush(stdout);
	log_info("listening on %s", url);
	free(url);
	sim_workflow_start();
	sim_flood_start();

	sim_wait(&set);

	atomic_store(&sim_main_quit, 1);
	sim_stream_wake_all();
	sim_workflow_stop();
	sim_flood_stop();
	sim_http_stop();
	log_info("%llu messages dropped from full client queues",
	    (unsigned long long)sim_stream_dropped_total());
	sim_stream_free();
	sim_flood_free();
	sim_registry_free();
	sim_registry_subscriber_free();
	sim_history_free();
	sim_fault_free_all();
	sim_unconfigure();
	return (0);
}
