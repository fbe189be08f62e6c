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

/* A field of a record, sanitized ("" if absent). */
static char *
net_registry_str(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);
	char	*s;

	if (json_is_string(v))
		return (text_sanitize(json_string_value(v),
		    json_string_length(v)));
	if (json_is_integer(v)) {
		xasprintf(&s, "%lld", (long long)json_integer_value(v));
		return (s);
	}
	return (xstrdup(""));
}

static int
net_registry_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct reg_entry *)a)->name,
	    ((const struct reg_entry *)b)->name));
}

/* Replace the records with those of arr (an array); 0 if it is none. */
static int
net_registry_parse(struct net_registry *r, json_t *arr)
{
	struct reg_entry	*ents, *e;
	json_t			*o, *v;
	size_t			 i, n = 0;
	char			*hb;

	if (arr != NULL && json_is_object(arr))
		arr = json_object_get(arr, "results");
	if (arr == NULL || !json_is_array(arr))
		return (0);
	ents = xcalloc(json_array_size(arr) + 1, sizeof *ents);
	json_array_foreach(arr, i, o) {
		if (n == NET_REGISTRY_RECORDS)
			break;
		if (!json_is_object(o))
			continue;
		e = &ents[n];
		e->name = net_registry_str(o, "instance_name");
		if (*e->name == '\0') {
			free(e->name);
			e->name = NULL;
			continue;
		}
		e->type = net_registry_str(o, "agent_type");
		e->status = net_registry_str(o, "status");
		e->opstate = net_registry_str(o, "operational_state");
		e->host = net_registry_str(o, "hostname");
		e->ns = net_registry_str(o, "namespace");
		v = json_object_get(o, "pid");
		e->pid = json_is_integer(v) ? json_integer_value(v) : 0;
		hb = net_registry_str(o, "last_heartbeat");
		e->heartbeat = *hb != '\0' ? msg_parse_time(hb) : 0;
		if (e->heartbeat < 0)
			e->heartbeat = 0;
		free(hb);
		n++;
	}
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
	json_t			*j = NULL;
	json_error_t		 err;
	long			 code = 0;
	char			 why[256];

	r->busy = 0;
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK && code == 200) {
		j = json_loadb(r->body.p, r->body.len, 0, &err);
		if (!net_registry_parse(r, j))
			snprintf(why, sizeof why, "registry: not a JSON array");
		else
			why[0] = '\0';
		json_decref(j);
	} else if (rc == CURLE_WRITE_ERROR)
		snprintf(why, sizeof why, "registry: response too large");
	else
		net_call_reason(why, sizeof why, r->cfg, code, r->body.p,
		    r->body.len, rc, r->req.errbuf);
	net_req_free(&r->req);
	net_body_reset(&r->body);
	text_sanitize_buf(r->reason, sizeof r->reason, why, strlen(why));
	if (why[0] == '\0')
		r->at = now_wall_us();
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
	timer_arm(r->loop, &r->t_poll, r->cfg->registry_interval >= 1 ?
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
	timer_init(&r->t_poll, net_registry_tick, r);
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
		timer_arm(r->loop, &r->t_poll, 0);
	else {
		timer_cancel(r->loop, &r->t_poll);
		net_registry_abort(r);
	}
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
