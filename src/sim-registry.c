/* sim-registry.c: the system agent registry behind /api/systemagents/. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
registry_init(void)
{
}

/* Free every record. */
void
registry_free(void)
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

	if (sim_cfg.registry_dump == NULL)
		return;
	a = registry_array();
	text = json_dumps(a, JSON_INDENT(2));
	json_decref(a);
	xasprintf(&tmp, "%s.tmp.%ld", sim_cfg.registry_dump, (long)getpid());
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
	if (rename(tmp, sim_cfg.registry_dump) != 0) {
		log_warn("%s: %s", sim_cfg.registry_dump, strerror(errno));
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
	return (json_pack("{s:I,s:s,s:s,s:s,s:s,s:n,s:n,s:b,s:s,s:s,s:n,"
	    "s:n,s:n,s:n,s:b}",
	    "id", next_id++,
	    "instance_name", name,
	    "agent_type", "other",
	    "description", "",
	    "status", "OK",
	    "last_heartbeat",
	    "agent_url",
	    "workflow_enabled", 0,
	    "created_at", now,
	    "updated_at", now,
	    "operational_state",
	    "pid",
	    "hostname",
	    "namespace",
	    "mq_connected", 0));
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
	    pyjson_dump(v, 0);
	if (registry_chars(name) > 100) {
		free(name);
		*err = registry_error("instance_name",
		    "Ensure this field has no more than 100 characters.");
		return (NULL);
	}
	return (name);
}

/*
 * POST /api/systemagents/heartbeat/: register or refresh an agent. The
 * monitor's update_or_create resets agent_type, description and status
 * to their defaults when a heartbeat leaves them out; the other fields
 * keep their last value. Returns 201 (created) or 200 with the record in
 * *out, or 400 with the error body in *out.
 */
int
registry_heartbeat(json_t *body, json_t **out)
{
	struct agent	*a;
	json_t		*rec;
	char		*name, now[64];
	int		 created = 0;

	if ((name = registry_name(body, out)) == NULL)
		return (400);
	sim_iso_now(now, sizeof now, ISO_DRF);
	pthread_mutex_lock(&registry_lock);
	if ((a = registry_find(name)) == NULL) {
		agents = xreallocarray(agents, nagents + 1, sizeof *agents);
		a = &agents[nagents++];
		a->rec = registry_new(name, now);
		created = 1;
	}
	rec = a->rec;
	a->seen = sim_mono();
	registry_field(rec, body, "agent_type", json_string("other"));
	registry_field(rec, body, "description", json_string(""));
	registry_field(rec, body, "status", json_string("OK"));
	json_object_set_new(rec, "last_heartbeat", json_string(now));
	registry_field(rec, body, "agent_url", NULL);
	registry_field(rec, body, "workflow_enabled", NULL);
	json_object_set_new(rec, "updated_at", json_string(now));
	registry_field(rec, body, "operational_state", NULL);
	registry_field(rec, body, "pid", NULL);
	registry_field(rec, body, "hostname", NULL);
	registry_field(rec, body, "namespace", NULL);
	registry_field(rec, body, "mq_connected", NULL);
	*out = json_deep_copy(rec);
	registry_dump();
	pthread_mutex_unlock(&registry_lock);
	free(name);
	return (created ? 201 : 200);
}

/* GET /api/systemagents/: every record. */
json_t *
registry_list(void)
{
	json_t	*a;

	registry_tick();
	pthread_mutex_lock(&registry_lock);
	a = registry_array();
	pthread_mutex_unlock(&registry_lock);
	return (a);
}

/* Mark agents silent for longer than --agent-stale as EXITED. */
void
registry_tick(void)
{
	const char	*status;
	double		 now;
	size_t		 i;
	int		 changed = 0;

	now = sim_mono();
	pthread_mutex_lock(&registry_lock);
	for (i = 0; i < nagents; i++) {
		status = json_string_value(json_object_get(agents[i].rec,
		    "status"));
		if (status != NULL && strcmp(status, "EXITED") == 0)
			continue;
		if (now - agents[i].seen < sim_cfg.agent_stale)
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
