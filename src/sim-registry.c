/* sim-registry.c: the system agent registry behind /api/systemagents/. */
#include "config.h"

#include <sys/param.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"
#include "sim.h"
#include "xmalloc.h"

/* One agent: its record as the API shows it and when it was last heard. */
struct agent {
	json_t	*rec;
	double	 seen;	/* monotonic */
};

static struct agent	*agents;
static size_t		 nagents;
static json_int_t	 next_id = 1;
static pthread_mutex_t	 registry_lock = PTHREAD_MUTEX_INITIALIZER;

/* Prepare the registry. */
void
sim_registry_init(void)
{
}

/* Free every record. */
void
sim_registry_free(void)
{
	size_t	i;

	for (i = 0; i < nagents; i++)
		json_decref(agents[i].rec);
	free(agents);
	agents = NULL;
	nagents = 0;
}

/* The records as a JSON array; the caller holds the lock. */
static json_t *
registry_array(void)
{
	json_t	*a;
	size_t	 i;

	a = json_array();
	for (i = 0; i < nagents; i++)
		json_array_append_new(a, json_deep_copy(agents[i].rec));
	return (a);
}

/*
 * Rewrite the dump file: write a temporary file beside it, then rename,
 * so readers never see half a file. The caller holds the lock.
 */
static void
registry_dump(void)
{
	json_t	*a;
	char	*tmp, *text;
	FILE	*f;
	int	 ok;

	if (sim_main_cfg.registry_dump == NULL)
		return;
	a = registry_array();
	text = json_dumps(a, JSON_INDENT(2));
	json_decref(a);
	xasprintf(&tmp, "%s.tmp.%ld", sim_main_cfg.registry_dump, (long)getpid());
	if ((f = fopen(tmp, "w")) == NULL) {
		log_warn("%s: %s", tmp, strerror(errno));
		goto out;
	}
	ok = fputs(text, f) != EOF && fputc('\n', f) != EOF;
	if (fclose(f) != 0 || !ok) {
		log_warn("%s: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, sim_main_cfg.registry_dump) != 0) {
		log_warn("%s: %s", sim_main_cfg.registry_dump, strerror(errno));
		unlink(tmp);
	}
out:
	free(text);
	free(tmp);
}

/* A DRF validation error for one field. */
static json_t *
registry_error(const char *field, const char *text)
{
	return (json_pack("{s:[s]}", field, text));
}

/* DRF's name for the type of a non-object body. */
static const char *
registry_typename(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_ARRAY:
		return ("list");
	case JSON_STRING:
		return ("str");
	case JSON_INTEGER:
		return ("int");
	case JSON_REAL:
		return ("float");
	case JSON_TRUE:
	case JSON_FALSE:
		return ("bool");
	default:
		return ("NoneType");
	}
}

/* Characters (not bytes) in a UTF-8 string. */
static size_t
registry_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if ((*s & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

/* Set key from the body, or to a default (NULL: keep what is there). */
static void
registry_field(json_t *rec, json_t *body, const char *key, json_t *def)
{
	json_t	*v;

	if ((v = json_object_get(body, key)) != NULL && !json_is_null(v)) {
		json_object_set(rec, key, v);
		json_decref(def);
	} else if (def != NULL)
		json_object_set_new(rec, key, def);
}

/* A new record with every field in the serializer's order. */
static json_t *
registry_new(const char *name, const char *now)
{
	return (json_pack("{s:I,s:s,s:s,s:s,s:s,s:n,s:n,s:b,s:i,s:i,s:n,"
	    "s:n,s:n,s:s,s:n,s:n,s:s,s:s}",
	    "id", next_id++,
	    "instance_name", name,
	    "agent_type", "other",
	    "description", "",
	    "status", "OK",
	    "last_heartbeat",
	    "agent_url",
	    "workflow_enabled", 1,
	    "current_stf_count", 0,
	    "total_stf_processed", 0,
	    "last_stf_processed",
	    "pid",
	    "hostname",
	    "operational_state", "STARTING",
	    "namespace",
	    "metadata",
	    "created_at", now,
	    "updated_at", now));
}

/* Find an agent by name; the caller holds the lock. */
static struct agent *
registry_find(const char *name)
{
	size_t	i;

	for (i = 0; i < nagents; i++) {
		if (strcmp(json_string_value(json_object_get(agents[i].rec,
		    "instance_name")), name) == 0)
			return (&agents[i]);
	}
	return (NULL);
}

/* The instance name of a body, or an error body in *err. */
static char *
registry_name(json_t *body, json_t **err)
{
	json_t	*v;
	char	*name;

	*err = NULL;
	if (!json_is_object(body)) {
		name = NULL;
		xasprintf(&name, "Invalid data. Expected a dictionary, but got "
		    "%s.", registry_typename(body));
		*err = registry_error("non_field_errors", name);
		free(name);
		return (NULL);
	}
	v = json_object_get(body, "instance_name");
	if (v == NULL || json_is_null(v) || json_is_false(v) ||
	    (json_is_string(v) && json_string_length(v) == 0) ||
	    (json_is_integer(v) && json_integer_value(v) == 0)) {
		*err = registry_error("instance_name",
		    "This field is required.");
		return (NULL);
	}
	name = json_is_string(v) ? xstrdup(json_string_value(v)) :
	    sim_msg_pyjson_dump(v, 0);
	if (registry_chars(name) > 100) {
		free(name);
		*err = registry_error("instance_name",
		    "Ensure this field has no more than 100 characters.");
		return (NULL);
	}
	return (name);
}

/*
 * The model's length limits on the other fields, as DRF-shaped errors
 * added to *err (created when needed); 0 when all fit.
 */
static int
registry_limits(json_t *body, json_t **err)
{
	static const struct {
		const char	*key;
		size_t		 max;
	} limits[] = {
		{ "agent_type", 20 },
		{ "status", 10 },
		{ "operational_state", 20 },
		{ "hostname", 100 },
	};
	json_t	*v;
	char	*text;
	size_t	 i;
	int	 bad = 0;

	for (i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		v = json_object_get(body, limits[i].key);
		if (!json_is_string(v) ||
		    registry_chars(json_string_value(v)) <= limits[i].max)
			continue;
		if (*err == NULL)
			*err = json_object();
		xasprintf(&text, "Ensure this field has no more than %zu "
		    "characters.", limits[i].max);
		json_object_set_new(*err, limits[i].key, json_pack("[s]",
		    text));
		free(text);
		bad = 1;
	}
	return (bad);
}

/*
 * POST /api/systemagents/heartbeat/: register or refresh an agent. The
 * monitor's update_or_create overwrites agent_type ("other"),
 * description (""), status ("OK"), agent_url and namespace (null) with
 * the body's value or the default on every call; the other fields keep
 * their last value when left out. Fields over the model's lengths are
 * refused. Returns 201 (created) or 200 with the record in *out, or 400
 * with the error body in *out.
 */
int
sim_registry_heartbeat(json_t *body, json_t **out)
{
	struct agent	*a;
	json_t		*rec;
	char		*name, now[64];
	int		 created = 0;

	name = registry_name(body, out);
	if (json_is_object(body) && registry_limits(body, out)) {
		free(name);
		return (400);
	}
	if (name == NULL)
		return (400);
	sim_tz_iso_ny(sim_tz_usec_now(), now, sizeof now);	/* TIME_ZONE */
	pthread_mutex_lock(&registry_lock);
	if ((a = registry_find(name)) == NULL) {
		agents = xreallocarray(agents, nagents + 1, sizeof *agents);
		a = &agents[nagents++];
		a->rec = registry_new(name, now);
		created = 1;
	}
	rec = a->rec;
	a->seen = sim_msg_mono();
	registry_field(rec, body, "agent_type", json_string("other"));
	registry_field(rec, body, "description", json_string(""));
	registry_field(rec, body, "status", json_string("OK"));
	json_object_set_new(rec, "last_heartbeat", json_string(now));
	registry_field(rec, body, "agent_url", json_null());
	registry_field(rec, body, "workflow_enabled", NULL);
	json_object_set_new(rec, "updated_at", json_string(now));
	registry_field(rec, body, "operational_state", NULL);
	registry_field(rec, body, "pid", NULL);
	registry_field(rec, body, "hostname", NULL);
	registry_field(rec, body, "namespace", json_null());
	*out = json_deep_copy(rec);
	registry_dump();
	pthread_mutex_unlock(&registry_lock);
	free(name);
	return (created ? 201 : 200);
}

/* GET /api/systemagents/: every record. */
json_t *
sim_registry_list(void)
{
	json_t	*a;

	sim_registry_tick();
	pthread_mutex_lock(&registry_lock);
	a = registry_array();
	pthread_mutex_unlock(&registry_lock);
	return (a);
}

/* Mark agents silent for longer than --agent-stale as EXITED. */
void
sim_registry_tick(void)
{
	const char	*status;
	double		 now;
	size_t		 i;
	int		 changed = 0;

	now = sim_msg_mono();
	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < nagents; i++) {
		status = json_string_value(json_object_get(agents[i].rec,
		    "status"));
		if (status != NULL && strcmp(status, "EXITED") == 0)
			continue;
		if (now - agents[i].seen < sim_main_cfg.agent_stale)
			continue;
		json_object_set_new(agents[i].rec, "status",
		    json_string("EXITED"));
		json_object_set_new(agents[i].rec, "operational_state",
		    json_string("EXITED"));
		log_info("agent %s silent for %.0f s: EXITED",
		    json_string_value(json_object_get(agents[i].rec,
		    "instance_name")), now - agents[i].seen);
		changed = 1;
	}
	if (changed)
		registry_dump();
	pthread_mutex_unlock(&registry_lock);
}

/*
 * The SSE subscribers of GET /api/subscribers/: a row per stream ever
 * opened (the monitor's Subscriber model), active while it lasts. Rows
 * of closed streams are kept up to SUBSCRIBER_MAX, the oldest closed
 * evicted first; an open row is never evicted, so its stream's pointer
 * stays valid until sim_registry_subscriber_close().
 */
#define SUBSCRIBER_MAX	1000
#define SUBSCRIBER_LOCATION_MAX	255	/* client_location's max_length */

struct sim_subscriber {
	TAILQ_ENTRY(sim_subscriber) entry;
	json_int_t		 id;
	char			 name[16];	/* sse_ and 8 of the uuid */
	char			*ip;
	char			*location;
	json_t			*filters;
	int64_t			 created, connected, disconnected;
	int			 active;
	atomic_uint_fast64_t	 sent;
	_Atomic int64_t		 last_activity;
};
TAILQ_HEAD(sim_subscribers, sim_subscriber);

static struct sim_subscribers	 subscribers =
				    TAILQ_HEAD_INITIALIZER(subscribers);
static size_t			 nsubscribers;
static json_int_t		 next_subscriber = 1;
static pthread_mutex_t		 subscriber_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * A header value as Django reads it: bytes decoded as ISO-8859-1 (so any
 * byte is a character and the result valid UTF-8), at most max characters
 * (the column's length).
 */
static char *
subscriber_latin1(const char *s, size_t max)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			*out;
	size_t			 n, o = 0;

	n = strlen(s);
	if (n > max)
		n = max;
	out = xmalloc(2 * n + 1);
	for (; n > 0; n--, p++) {
		if (*p < 0x80)
			out[o++] = *p;
		else {
			out[o++] = 0xc0 | (*p >> 6);
			out[o++] = 0x80 | (*p & 0x3f);
		}
	}
	out[o] = '\0';
	return (out);
}

/* The client's address as the monitor takes it: X-Forwarded-For first. */
static char *
subscriber_ip(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo	*ci;
	const char			*xff;
	char				 host[NI_MAXHOST];

	xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Forwarded-For");
	if (xff != NULL && *xff != '\0')	/* an address is <= 45 chars */
		return (subscriber_latin1(xff, MIN(strcspn(xff, ","), 45)));
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL ||
	    getnameinfo(ci->client_addr, ci->client_addr->sa_family ==
	    AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in), host, sizeof host, NULL, 0,
	    NI_NUMERICHOST) != 0)
		return (NULL);
	return (xstrdup(host));
}

/* X-Client-Location, or the monitor's guess from the address. */
static char *
subscriber_location(struct MHD_Connection *conn, const char *ip)
{
	const char	*h;

	h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    "X-Client-Location");
	if (h != NULL && *h != '\0')
		return (subscriber_latin1(h, SUBSCRIBER_LOCATION_MAX));
	if (ip != NULL && strncmp(ip, "192.168.", 8) == 0)
		return (xstrdup("Local"));
	if (ip != NULL && strncmp(ip, "10.", 3) == 0)
		return (xstrdup("Internal"));
	return (xstrdup("Remote"));
}

/* Free a row. */
static void
subscriber_destroy(struct sim_subscriber *s)
{
	free(s->ip);
	free(s->location);
	json_decref(s->filters);
	free(s);
}

/* See sim.h. */
struct sim_subscriber *
sim_registry_subscriber_open(struct MHD_Connection *conn, const char *client_id,
    const json_t *filters)
{
	struct sim_subscriber	*s, *old;

	s = xcalloc(1, sizeof *s);
	snprintf(s->name, sizeof s->name, "sse_%.8s", client_id);
	s->ip = subscriber_ip(conn);
	s->location = subscriber_location(conn, s->ip);
	s->filters = filters != NULL ? json_deep_copy(filters) :
	    json_object();
	s->created = s->connected = sim_tz_usec_now();
	atomic_store(&s->last_activity, s->connected);
	s->active = 1;
	pthread_mutex_lock(&subscriber_lock);
	s->id = next_subscriber++;
	TAILQ_INSERT_TAIL(&subscribers, s, entry);
	nsubscribers++;
	if (nsubscribers > SUBSCRIBER_MAX) {
		TAILQ_FOREACH(old, &subscribers, entry) {
			if (!old->active)
				break;
		}
		if (old != NULL) {
			TAILQ_REMOVE(&subscribers, old, entry);
			nsubscribers--;
			subscriber_destroy(old);
		}
	}
	pthread_mutex_unlock(&subscriber_lock);
	return (s);
}

/* See sim.h. */
void
sim_registry_subscriber_sent(struct sim_subscriber *s, uint64_t n)
{
	if (s == NULL || n == 0)
		return;
	atomic_fetch_add(&s->sent, n);
	atomic_store(&s->last_activity, sim_tz_usec_now());
}

/* See sim.h. */
void
sim_registry_subscriber_close(struct sim_subscriber *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&subscriber_lock);
	s->active = 0;
	s->disconnected = sim_tz_usec_now();
	pthread_mutex_unlock(&subscriber_lock);
}

/* A time as the API shows it, or null. */
static json_t *
subscriber_time(int64_t usec)
{
	char	buf[64];

	if (usec == 0)
		return (json_null());
	sim_tz_iso_ny(usec, buf, sizeof buf);
	return (json_string(buf));
}

/* One row in the model's field order. */
static json_t *
subscriber_row(struct sim_subscriber *s)
{
	char	*desc;
	json_t	*o;

	xasprintf(&desc, "SSE client from %s", s->ip != NULL ? s->ip : "None");
	o = json_pack("{s:I,s:s,s:n,s:s,s:b,s:o,s:o,s:s,s:s?,s:s,s:o,s:o,"
	    "s:o,s:O,s:i,s:I,s:i}",
	    "subscriber_id", s->id,
	    "subscriber_name", s->name,
	    "fraction",
	    "description", desc,
	    "is_active", s->active,
	    "created_at", subscriber_time(s->created),
	    "updated_at", subscriber_time(s->connected),
	    "delivery_type", "sse",
	    "client_ip", s->ip,
	    "client_location", s->location,
	    "connected_at", subscriber_time(s->connected),
	    "disconnected_at", subscriber_time(s->disconnected),
	    "last_activity", subscriber_time(atomic_load(&s->last_activity)),
	    "message_filters", s->filters,
	    "messages_received", 0,
	    "messages_sent", (json_int_t)atomic_load(&s->sent),
	    "messages_dropped", 0);
	free(desc);
	if (o == NULL)
		fatalx("subscriber row");
	return (o);
}

/* See sim.h: GET /api/subscribers/, in creation order. */
json_t *
sim_registry_subscriber_list(void)
{
	struct sim_subscriber	*s;
	json_t			*a;

	a = json_array();
	pthread_mutex_lock(&subscriber_lock);
	TAILQ_FOREACH(s, &subscribers, entry)
		json_array_append_new(a, subscriber_row(s));
	pthread_mutex_unlock(&subscriber_lock);
	return (a);
}

/* See sim.h: free every row at exit (the streams are gone). */
void
sim_registry_subscriber_free(void)
{
	struct sim_subscriber	*s;

	pthread_mutex_lock(&subscriber_lock);
	while ((s = TAILQ_FIRST(&subscribers)) != NULL) {
		TAILQ_REMOVE(&subscribers, s, entry);
		subscriber_destroy(s);
	}
	nsubscribers = 0;
	pthread_mutex_unlock(&subscriber_lock);
}

/* See sim.h: GET /api/systemagents/<id>/. */
json_t *
sim_registry_get(const char *pk)
{
	const char	*err;
	json_t		*out = NULL;
	long long	 id;
	size_t		 i;

	id = strtonum(pk, 1, 1LL << 53, &err);
	if (err != NULL)
		return (NULL);
	sim_registry_tick();
	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < nagents; i++) {
		if (json_integer_value(json_object_get(agents[i].rec, "id")) ==
		    id) {
			out = json_deep_copy(agents[i].rec);
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	return (out);
}

/* See sim.h: GET /api/subscribers/<subscriber_id>/. */
json_t *
sim_registry_subscriber_get(const char *pk)
{
	struct sim_subscriber	*s;
	const char		*err;
	json_t			*out = NULL;
	long long		 id;

	id = strtonum(pk, 1, 1LL << 53, &err);
	if (err != NULL)
		return (NULL);
	pthread_mutex_lock(&subscriber_lock);
	TAILQ_FOREACH(s, &subscribers, entry) {
		if (s->id == id) {
			out = subscriber_row(s);
			break;
		}
	}
	pthread_mutex_unlock(&subscriber_lock);
	return (out);
}
