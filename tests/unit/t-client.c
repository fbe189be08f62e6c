/*
 * t-client.c: drives the engine against a running swf-sim for
 * tests/client-switch.sh. It subscribes to seq_a, publishes N numbered
 * messages (seq_a and seq_b alternating) as fast as the sim takes them,
 * switches the subscription to seq_a,seq_b after the SWITCH-th and to
 * seq_b after the SWITCH2-th, and prints "TYPE N" for every message
 * delivered, then "dup D" and "registry K" (the agents the registry poll
 * saw). Usage: t-client URL N SWITCH SWITCH2
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cfg.h"
#include "client.h"
#include "filter.h"
#include "log.h"
#include "loop.h"
#include "msg.h"
#include "net.h"
#include "xmalloc.h"

struct t_state {
	struct loop		*loop;
	struct cfg		 cfg;
	struct client		*client;
	int			 n, sw1, sw2;
	int			 next;		/* next number to publish */
	int			 publishing;
	CURL			*easy;
	struct curl_slist	*hdrs;
	char			*body;
	long			 registry;
	struct timer		 t_end;
};

static void	t_publish(struct t_state *);
static void	t_registry(void *);

static void
t_end(void *arg)
{
	struct t_state	*t = arg;

	loop_exit(t->loop, 0);
}

static void
t_switch(struct t_state *t, const char *types)
{
	struct filter	*f = filter_create();

	filter_add_list(f, FK_TYPE, types);
	client_set_subscription(t->client, f);
	filter_free(f);
}

static void
t_published(CURL *easy, CURLcode rc, void *arg)
{
	struct t_state	*t = arg;
	long		 code = 0;

	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK || code != 202)
		fatalx("publish %d: %s, HTTP %ld", t->next,
		    curl_easy_strerror(rc), code);
	curl_easy_cleanup(easy);
	curl_slist_free_all(t->hdrs);
	free(t->body);
	t->easy = NULL;
	t->hdrs = NULL;
	t->body = NULL;
	if (t->next == t->sw1) {
		t_switch(t, "seq_a,seq_b");
		client_poll_registry(t->client, 1);
	}
	if (t->next == t->sw2)
		t_switch(t, "seq_b");
	if (t->next == t->n) {
		loop_timer_arm(t->loop, &t->t_end, 1.0);
		return;
	}
	t->next++;
	t_publish(t);
}

static size_t
t_discard(char *p, size_t size, size_t nmemb, void *arg)
{
	return (size * nmemb);
}

static void
t_publish(struct t_state *t)
{
	char	*url;

	xasprintf(&t->body, "{\"msg_type\": \"%s\", \"n\": %d}",
	    t->next % 2 ? "seq_a" : "seq_b", t->next);
	xasprintf(&url, "%s/sim/publish", t->cfg.url);
	t->easy = curl_easy_init();
	t->hdrs = curl_slist_append(NULL, "Authorization: Token t");
	t->hdrs = curl_slist_append(t->hdrs, "Content-Type: application/json");
	curl_easy_setopt(t->easy, CURLOPT_URL, url);
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->hdrs);
	curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->body);
	curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, t_discard);
	free(url);
	loop_transfer(t->loop, t->easy, t_published, t);
}

static void
t_message(struct msg *m, void *arg)
{
	json_t		*j;
	json_error_t	 err;

	if ((j = json_loads(msg_json(m), 0, &err)) != NULL) {
		printf("%s %lld\n", msg_get(m, MF_TYPE), (long long)
		    json_integer_value(json_object_get(j, "n")));
		json_decref(j);
	}
	free(m);
}

static void
t_status(const struct client_status *st, void *arg)
{
	struct t_state	*t = arg;

	if (st->state == CONN_CONNECTED && !t->publishing) {
		t->publishing = 1;
		t->next = 1;
		t_publish(t);
	}
	if (st->state == CONN_AUTH || st->state == CONN_FAILED)
		fatalx("client failed: %s", st->reason);
}

/* The client read the registry: count its records. */
static void
t_registry(void *arg)
{
	struct t_state	*t = arg;
	const char	*why;
	size_t		 n;

	client_registry(t->client, &n, &why, NULL);
	if (why[0] == '\0')
		t->registry = (long)n;
	else
		fprintf(stderr, "registry: %s\n", why);
}

int
main(int argc, char **argv)
{
	struct client_sink	 sink;
	struct t_state		 t;
	char			*cause;

	if (argc != 5) {
		fprintf(stderr, "usage: t-client URL N SWITCH SWITCH2\n");
		return (2);
	}
	memset(&t, 0, sizeof t);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	cfg_init(&t.cfg);
	if (cfg_set(&t.cfg, "url", argv[1], SRC_FLAG, &cause) != 0 ||
	    cfg_set(&t.cfg, "name", "switch-recv", SRC_FLAG, &cause) != 0 ||
	    cfg_set(&t.cfg, "message", "seq_a", SRC_FLAG, &cause) != 0 ||
	    cfg_set(&t.cfg, "output", "json", SRC_FLAG, &cause) != 0 ||
	    cfg_load(&t.cfg, &cause) != 0 || cfg_check(&t.cfg, &cause) != 0 ||
	    net_url_check(&t.cfg, &cause) != 0)
		fatalx("%s", cause);
	t.n = atoi(argv[2]);
	t.sw1 = atoi(argv[3]);
	t.sw2 = atoi(argv[4]);
	t.loop = loop_create();
	loop_timer_init(&t.t_end, t_end, &t);
	memset(&sink, 0, sizeof sink);
	sink.on_message = t_message;
	sink.on_status = t_status;
	sink.on_registry = t_registry;
	t.client = client_create(t.loop, &t.cfg, &sink, &t);
	client_start(t.client);
	loop_run(t.loop);
	printf("dup %llu\n", (unsigned long long)client_status(t.client)->dup);
	printf("registry %ld\n", t.registry);
	client_stop(t.client);
	client_free(t.client);
	loop_free(t.loop);
	cfg_free(&t.cfg);
	curl_global_cleanup();
	return (0);
}
