/*
 * net-agent.c: registration with the monitor's agent registry. A
 * heartbeat goes out at start (STARTING), soon after the stream goes up
 * (READY) or down (WARNING), every agent_interval seconds, and once more
 * on exit (EXITED). One request is in flight at a time; a failure is
 * reported and never touches the stream.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cfg.h"
#include "log.h"
#include "loop.h"
#include "net.h"
#include "xmalloc.h"

#define AGENT_TIMEOUT		10L
#define AGENT_EXIT_TIMEOUT_MS	2000L
#define AGENT_MIN_GAP		1.0

struct agent {
	struct loop		*loop;
	const struct cfg	*cfg;
	void			(*changed)(void *);
	void			*arg;
	char			*url;
	char			 hostname[256];
	char			*description;

	int			 started;
	int			 up;
	int			 ever_up;
	int			 exiting;

	struct net_req		 req;
	int			 busy;
	int			 pending;
	enum reg_state		 sending;	/* what the request says */
	struct net_body		 body;		/* the answer's start */
	int64_t			 last_mono;

	enum reg_state		 state;
	char			 reason[128];

	struct timer		 t_beat;
	struct timer		 t_soon;
};

static void	agent_send(struct agent *);

static void
agent_set_state(struct agent *a, enum reg_state state, const char *reason)
{
	if (state == a->state && strcmp(reason, a->reason) == 0)
		return;
	a->state = state;
	snprintf(a->reason, sizeof a->reason, "%s", reason);
	if (a->changed != NULL)
		a->changed(a->arg);
}

static size_t
agent_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct agent	*a = arg;
	size_t		 len = size * nmemb;

	net_body_add(&a->body, p, len);
	return (len);
}

static void
agent_done(CURL *easy, CURLcode rc, void *arg)
{
	struct agent	*a = arg;
	long		 code = 0;
	char		 why[256], *reason = NULL;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK || (code != 200 && code != 201)) {
		net_call_reason(why, sizeof why, a->cfg, code, a->body.p,
		    a->body.len, rc, a->req.errbuf);
		reason = xstrdup(why);
	}
	/*
	 * Done with the request before anyone hears of the result: the
	 * owner's callback may send the next heartbeat at once, into a->req.
	 */
	net_req_free(&a->req);
	a->busy = 0;
	if (reason == NULL) {
		if (a->state == REG_FAILED || a->state == REG_NONE)
			log_info("registered with the monitor as %s",
			    a->cfg->name);
		agent_set_state(a, a->sending, "");
	} else {
		if (strcmp(reason, a->reason) != 0)
			log_warn("registration failed: %s", reason);
		agent_set_state(a, REG_FAILED, reason);
		free(reason);
	}
	if (a->pending && !a->exiting && !a->busy) {
		a->pending = 0;
		agent_send(a);
	}
}

/*
 * The heartbeat body for the current state. The caller frees. The monitor
 * resets agent_type, description, status and namespace to defaults when a
 * heartbeat leaves them out, so every one carries all four: namespace is
 * --namespace, or null (no namespace) when none is configured.
 */
static char *
agent_body(struct agent *a, const char **status)
{
	const char	*op;
	json_t		*j, *ns = NULL;
	char		*s;

	/* json_string() refuses invalid UTF-8: then no namespace. */
	if (a->cfg->namespace != NULL && *a->cfg->namespace != '\0')
		ns = json_string(a->cfg->namespace);
	if (a->exiting) {
		*status = op = "EXITED";
		a->sending = REG_EXITED;
	} else if (a->up) {
		*status = "OK";
		op = "READY";
		a->sending = REG_OK;
	} else if (a->ever_up) {
		*status = "WARNING";
		op = "READY";
		a->sending = REG_WARNING;
	} else {
		*status = a->started > 1 ? "WARNING" : "OK";
		op = "STARTING";
		a->sending = a->started > 1 ? REG_WARNING : REG_STARTING;
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:b, s:o}",
	    "instance_name", a->cfg->name != NULL ? a->cfg->name : "",
	    "agent_type", "sse_receiver",
	    "status", *status,
	    "operational_state", op,
	    "description", a->description != NULL ? a->description : "",
	    "pid", (json_int_t)getpid(),
	    "hostname", a->hostname,
	    "mq_connected", a->up && !a->exiting,
	    "namespace", ns != NULL ? ns : json_null());
	if (j == NULL)
		fatalx("json_pack failed");
	if ((s = json_dumps(j, JSON_COMPACT)) == NULL)
		fatalx("json_dumps failed");
	json_decref(j);
	return (s);
}

static void
agent_send(struct agent *a)
{
	const char	*status;
	char		*body;

	if (a->busy) {
		a->pending = 1;
		return;
	}
	loop_timer_cancel(a->loop, &a->t_soon);
	body = agent_body(a, &status);
	log_debug("heartbeat %s", status);
	net_req_init(&a->req, a->cfg, a->url, "application/json");
	net_req_header(&a->req, "Content-Type: application/json");
	curl_easy_setopt(a->req.easy, CURLOPT_POSTFIELDSIZE,
	    (long)strlen(body));
	curl_easy_setopt(a->req.easy, CURLOPT_COPYPOSTFIELDS, body);
	if (a->exiting)
		curl_easy_setopt(a->req.easy, CURLOPT_TIMEOUT_MS,
		    AGENT_EXIT_TIMEOUT_MS);
	else
		curl_easy_setopt(a->req.easy, CURLOPT_TIMEOUT, AGENT_TIMEOUT);
	curl_easy_setopt(a->req.easy, CURLOPT_WRITEFUNCTION, agent_write);
	curl_easy_setopt(a->req.easy, CURLOPT_WRITEDATA, a);
	free(body);
	net_body_reset(&a->body);
	a->busy = 1;
	a->last_mono = loop_now_mono_us();
	loop_transfer(a->loop, a->req.easy, agent_done, a);
}

static void
agent_beat(void *arg)
{
	struct agent	*a = arg;

	if (a->exiting)
		return;
	agent_send(a);
	loop_timer_arm(a->loop, &a->t_beat, a->cfg->agent_interval);
}

static void
agent_soon(void *arg)
{
	struct agent	*a = arg;

	if (!a->exiting)
		agent_send(a);
}

struct agent *
net_agent_create(struct loop *l, const struct cfg *cfg, void (*changed)(void *),
    void *arg)
{
	struct agent	*a;

	a = xcalloc(1, sizeof *a);
	a->loop = l;
	a->cfg = cfg;
	a->changed = changed;
	a->arg = arg;
	a->url = net_url(cfg->url, "api/systemagents/heartbeat/");
	if (gethostname(a->hostname, sizeof a->hostname) != 0)
		snprintf(a->hostname, sizeof a->hostname, "unknown");
	a->hostname[sizeof a->hostname - 1] = '\0';
	net_body_init(&a->body, NET_BODY_MAX);
	loop_timer_init(&a->t_beat, agent_beat, a);
	loop_timer_name(&a->t_beat, "heartbeat");
	loop_timer_init(&a->t_soon, agent_soon, a);
	return (a);
}

void
net_agent_free(struct agent *a)
{
	if (a == NULL)
		return;
	loop_timer_cancel(a->loop, &a->t_beat);
	loop_timer_cancel(a->loop, &a->t_soon);
	if (a->busy)
		loop_cancel(a->loop, a->req.easy);
	net_req_free(&a->req);
	net_body_free(&a->body);
	free(a->description);
	free(a->url);
	free(a);
}

void
net_agent_start(struct agent *a)
{
	if (a->started)
		return;
	a->started = 1;
	agent_send(a);
	a->started = 2;
	loop_timer_arm(a->loop, &a->t_beat, a->cfg->agent_interval);
}

void
net_agent_set_up(struct agent *a, int up)
{
	double	gap;

	up = up != 0;
	if (a->exiting || up == a->up)
		return;
	a->up = up;
	if (up)
		a->ever_up = 1;
	if (!a->started)
		return;
	gap = AGENT_MIN_GAP;
	if (gap > a->cfg->agent_interval)
		gap = a->cfg->agent_interval;
	gap -= (loop_now_mono_us() - a->last_mono) / 1e6;
	if (gap <= 0)
		agent_send(a);
	else
		loop_timer_arm(a->loop, &a->t_soon, gap);
}

void
net_agent_set_description(struct agent *a, const char *d)
{
	free(a->description);
	a->description = xstrdup(d);
}

void
net_agent_exit(struct agent *a)
{
	if (a->exiting || !a->started)
		return;
	a->exiting = 1;
	loop_timer_cancel(a->loop, &a->t_beat);
	loop_timer_cancel(a->loop, &a->t_soon);
	if (a->busy) {
		loop_cancel(a->loop, a->req.easy);
		net_req_free(&a->req);
		a->busy = 0;
	}
	a->pending = 0;
	agent_send(a);
}

enum reg_state
net_agent_state(const struct agent *a)
{
	return (a->state);
}

const char *
net_agent_reason(const struct agent *a)
{
	return (a->reason);
}
