/*
 * net-registry.c: the monitor's agent registry, read with GET
 * /api/systemagents/ at once and then every --registry-interval seconds
 * (never faster than 1 s) while wanted. The answer (at most NET_REGISTRY_MAX bytes) is parsed
 * here into sanitized records sorted by name, which this module owns
 * until the next good answer; a failed read keeps the last good records
 * and says why. The owner hears of each read from the loop (the done
 * callback of the transfer), never inside libcurl.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cfg.h"
#include "jscan.h"
#include "client.h"
#include "log.h"
#include "loop.h"
#include "msg.h"
#include "net.h"
#include "text.h"
#include "xmalloc.h"

#define NET_REGISTRY_MAX	(16 * 1024 * 1024)	/* bytes of an answer */
#define NET_REGISTRY_RECORDS	4096			/* records kept */
#define NET_REGISTRY_TIMEOUT	20L
#define NET_REGISTRY_FIELD	256	/* bytes kept of each member */

struct net_registry {
	struct loop		*loop;
	const struct cfg	*cfg;
	void			(*done)(void *);
	void			*arg;

	int			 on;
	int			 busy;
	struct net_req		 req;
	struct net_body		 body;
	struct timer		 t_poll;

	struct reg_entry	*ents;
	size_t			 nents;
	char			 reason[256];
	int64_t			 at;		/* wall us of the last good read */
};

static void
net_registry_clear(struct reg_entry *ents, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(ents[i].name);
		free(ents[i].type);
		free(ents[i].status);
		free(ents[i].opstate);
		free(ents[i].host);
		free(ents[i].ns);
	}
	free(ents);
}

/* The members of a record that are kept. */
enum {
	RK_NAME, RK_TYPE, RK_STATUS, RK_OPSTATE, RK_HOST, RK_NS, RK_PID,
	RK_HEARTBEAT, RK_COUNT
};
static const char *const net_registry_keys[RK_COUNT] = {
	"instance_name", "agent_type", "status", "operational_state",
	"hostname", "namespace", "pid", "last_heartbeat"
};

/*
 * A member of a record, decoded and sanitized, at most
 * NET_REGISTRY_FIELD bytes of it ("" if absent). The caller frees.
 */
static char *
net_registry_str(const struct jscan_val *v)
{
	char	 tmp[NET_REGISTRY_FIELD * 6 + 16], *s;	/* slack: see below */
	size_t	 n = v->len;

	if (v->type == JT_INTEGER) {
		/* Not terminated in the answer: no strndup. */
		n = n < 24 ? n : 24;
		s = xmalloc(n + 1);
		memcpy(s, v->p, n);
		s[n] = '\0';
		return (s);
	}
	if (v->type != JT_STRING)
		return (xstrdup(""));
	/*
	 * Escaped, a byte may take six: cut the source first. An escape cut
	 * at the end decodes to at most four bytes more than it had.
	 */
	if (n > sizeof tmp - 16)
		n = sizeof tmp - 16;
	if (v->esc)
		n = jscan_unescape(v->p, n, tmp);
	else
		memcpy(tmp, v->p, n);
	if (n > NET_REGISTRY_FIELD)
		n = NET_REGISTRY_FIELD;
	s = xmalloc(NET_REGISTRY_FIELD + 1);
	text_sanitize_buf(s, NET_REGISTRY_FIELD + 1, tmp, n);
	return (s);
}

static int
net_registry_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct reg_entry *)a)->name,
	    ((const struct reg_entry *)b)->name));
}

/*
 * The next element of a JSON array whose '[' is behind *pp: its bytes in
 * [*s, *e), *pp moved past it. Only strings and nesting are followed
 * (each element is validated on its own); returns 0 at the array's end
 * or at a syntax the walk cannot follow.
 */
static int
net_registry_next(const char **pp, const char *end, const char **s,
    const char **e)
{
	const char	*p = *pp;
	size_t		 depth = 0;
	int		 str = 0;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	if (p == end || *p == ']')
		return (0);
	*s = p;
	for (; p < end; p++) {
		if (str) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				str = 0;
			continue;
		}
		if (*p == '"')
			str = 1;
		else if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && depth > 0)
			depth--;
		else if (depth == 0 && (*p == ',' || *p == ']'))
			break;
	}
	if (p == end)
		return (0);
	*e = p;
	*pp = *p == ',' ? p + 1 : p;
	return (1);
}

/* One record from an element; 0 if it is no object with a name. */
static int
net_registry_record(struct reg_entry *e, const char *s, const char *end,
    const struct jscan_keys *keys)
{
	struct jscan_val	v[RK_COUNT];
	char			*hb;

	/* Most junk has no name at all: skip it before validating. */
	if (memmem(s, end - s, "instance_name", 13) == NULL ||
	    jscan_object(s, end - s, 0, keys, v) < 0)
		return (0);
	e->name = net_registry_str(&v[RK_NAME]);
	if (*e->name == '\0') {
		free(e->name);
		e->name = NULL;
		return (0);
	}
	e->type = net_registry_str(&v[RK_TYPE]);
	e->status = net_registry_str(&v[RK_STATUS]);
	e->opstate = net_registry_str(&v[RK_OPSTATE]);
	e->host = net_registry_str(&v[RK_HOST]);
	e->ns = net_registry_str(&v[RK_NS]);
	e->pid = 0;
	if (v[RK_PID].type == JT_INTEGER) {
		hb = net_registry_str(&v[RK_PID]);	/* terminated */
		e->pid = strtoll(hb, NULL, 10);
		free(hb);
	}
	hb = net_registry_str(&v[RK_HEARTBEAT]);
	e->heartbeat = *hb != '\0' ? msg_parse_time(hb) : 0;
	if (e->heartbeat < 0)
		e->heartbeat = 0;
	free(hb);
	return (1);
}

/*
 * Replace the records with those of the answer (an array, or an object
 * whose "results" is one); 0 if it is neither. Nothing is built for the
 * whole answer: its elements are walked, counted, and only the first
 * NET_REGISTRY_RECORDS objects are decoded (each member capped), so
 * that "[{},{},...]" costs what its records cost, not a tree per byte.
 */
static int
net_registry_parse(struct net_registry *r, const char *buf, size_t len)
{
	static const char *const results[] = { "results" };
	struct jscan_keys	 keys, rkey;
	struct jscan_val	 rv;
	struct reg_entry	*ents;
	const char		*p = buf, *end = buf + len, *s, *e;
	size_t			 n = 0, total = 0;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	if (p < end && *p == '{') {
		jscan_keys_init(&rkey, results, 1);
		if (jscan_object(p, end - p, 0, &rkey, &rv) < 0 ||
		    rv.type != JT_ARRAY)
			return (0);
		p = rv.p;
		end = rv.p + rv.len;
	}
	if (p == end || *p != '[')
		return (0);
	p++;
	jscan_keys_init(&keys, net_registry_keys, RK_COUNT);
	ents = xcalloc(NET_REGISTRY_RECORDS + 1, sizeof *ents);
	while (net_registry_next(&p, end, &s, &e)) {
		total++;
		if (n < NET_REGISTRY_RECORDS &&
		    net_registry_record(&ents[n], s, e, &keys))
			n++;
	}
	if (total > NET_REGISTRY_RECORDS)
		log_debug("registry: %zu records, the first %d kept", total,
		    NET_REGISTRY_RECORDS);
	if (n > 1)
		qsort(ents, n, sizeof *ents, net_registry_cmp);
	net_registry_clear(r->ents, r->nents);
	r->ents = ents;
	r->nents = n;
	return (1);
}

static size_t
net_registry_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct net_registry	*r = arg;
	size_t			 len = size * nmemb;

	return (net_body_add(&r->body, p, len) ? len : 0);
}

/* End the request in flight, if any, without a done callback. */
static void
net_registry_abort(struct net_registry *r)
{
	if (r->busy)
		loop_cancel(r->loop, r->req.easy);
	net_req_free(&r->req);
	net_body_reset(&r->body);
	r->busy = 0;
}

static void
net_registry_done(CURL *easy, CURLcode rc, void *arg)
{
	struct net_registry	*r = arg;
	long			 code = 0;
	char			 why[256];

	r->busy = 0;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK && code == 200) {
		if (!net_registry_parse(r, r->body.p != NULL ? r->body.p : "",
		    r->body.len))
			snprintf(why, sizeof why, "registry: not a JSON array");
		else
			why[0] = '\0';
	} else if (rc == CURLE_WRITE_ERROR)
		snprintf(why, sizeof why, "registry: response too large");
	else
		net_call_reason(why, sizeof why, r->cfg, code, r->body.p,
		    r->body.len, rc, r->req.errbuf);
	net_req_free(&r->req);
	/* An answer may be 16 MiB: it does not stay between reads. */
	net_body_free(&r->body);
	net_body_init(&r->body, NET_REGISTRY_MAX);
	text_sanitize_buf(r->reason, sizeof r->reason, why, strlen(why));
	if (why[0] == '\0')
		r->at = loop_now_wall_us();
	else
		log_debug("%s", r->reason);
	if (r->on && r->done != NULL)
		r->done(r->arg);
}

static void
net_registry_tick(void *arg)
{
	struct net_registry	*r = arg;
	char			*url;

	if (!r->on || r->cfg->url == NULL)
		return;
	loop_timer_arm(r->loop, &r->t_poll, r->cfg->registry_interval >= 1 ?
	    r->cfg->registry_interval : 1);
	if (r->busy)
		return;
	url = net_url(r->cfg->url, "api/systemagents/");
	net_req_init(&r->req, r->cfg, url, "application/json");
	free(url);
	curl_easy_setopt(r->req.easy, CURLOPT_TIMEOUT, NET_REGISTRY_TIMEOUT);
	curl_easy_setopt(r->req.easy, CURLOPT_WRITEFUNCTION,
	    net_registry_write);
	curl_easy_setopt(r->req.easy, CURLOPT_WRITEDATA, r);
	r->busy = 1;
	loop_transfer(r->loop, r->req.easy, net_registry_done, r);
}

struct net_registry *
net_registry_create(struct loop *l, const struct cfg *cfg,
    void (*done)(void *), void *arg)
{
	struct net_registry	*r;

	r = xcalloc(1, sizeof *r);
	r->loop = l;
	r->cfg = cfg;
	r->done = done;
	r->arg = arg;
	net_body_init(&r->body, NET_REGISTRY_MAX);
	loop_timer_init(&r->t_poll, net_registry_tick, r);
	return (r);
}

void
net_registry_poll(struct net_registry *r, int on)
{
	on = on != 0;
	if (on == r->on)
		return;
	r->on = on;
	if (on)
		loop_timer_arm(r->loop, &r->t_poll, 0);
	else {
		loop_timer_cancel(r->loop, &r->t_poll);
		net_registry_abort(r);
	}
}

void
net_registry_refresh(struct net_registry *r)
{
	if (!r->on)
		return;
	net_registry_abort(r);
	loop_timer_arm(r->loop, &r->t_poll, 0);
}

const struct reg_entry *
net_registry_entries(const struct net_registry *r, size_t *n)
{
	*n = r->nents;
	return (r->ents);
}

const char *
net_registry_reason(const struct net_registry *r)
{
	return (r->reason);
}

int64_t
net_registry_at(const struct net_registry *r)
{
	return (r->at);
}

void
net_registry_free(struct net_registry *r)
{
	if (r == NULL)
		return;
	net_registry_poll(r, 0);
	net_registry_clear(r->ents, r->nents);
	net_body_free(&r->body);
	free(r);
}
