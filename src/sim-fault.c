/* sim-fault.c: fault injection for tests, queued by POST /sim/fault. */
#include "config.h"

#include <sys/queue.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "xmalloc.h"

/* One queued fault: what to do, where, and how many more times. */
struct fault_entry {
	TAILQ_ENTRY(fault_entry)	 entry;
	struct sim_fault		 f;
	enum fault_endpoint		 ep;
	long long			 count;	/* -1: until replaced */
	json_t				*spec;	/* as posted, for GET */
};
TAILQ_HEAD(fault_list, fault_entry);

static struct fault_list	 faults = TAILQ_HEAD_INITIALIZER(faults);
static pthread_mutex_t		 fault_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const kind_names[] = {
	"none", "close_after", "stall", "status", "redirect",
	"content_type", "raw", "drip"
};
static const char *const ep_names[] = {
	"stream", "status", "heartbeat", "agents", "history"
};

/* The name of a fault kind, as POST /sim/fault spells it. */
const char *
sim_fault_name(enum fault_kind kind)
{
	return (kind_names[kind]);
}

/* Prepare the fault queue. */
void
sim_fault_init(void)
{
	TAILQ_INIT(&faults);
}

/* Free one entry. */
static void
fault_entry_free(struct fault_entry *fe)
{
	sim_fault_clear(&fe->f);
	json_decref(fe->spec);
	free(fe);
}

/* Drop every queued fault; the caller holds the lock. */
static void
fault_drop_locked(void)
{
	struct fault_entry	*fe;

	while ((fe = TAILQ_FIRST(&faults)) != NULL) {
		TAILQ_REMOVE(&faults, fe, entry);
		fault_entry_free(fe);
	}
}

/* Free everything at exit. */
void
sim_fault_free_all(void)
{
	pthread_mutex_lock(&fault_lock);
	fault_drop_locked();
	pthread_mutex_unlock(&fault_lock);
}

/* Free the strings a taken fault owns. */
void
sim_fault_clear(struct sim_fault *f)
{
	free(f->content_type);
	free(f->location);
	free(f->body);
	memset(f, 0, sizeof *f);
}

/* Decode base64 (standard alphabet, padding optional); -1 if invalid. */
static int
fault_b64(const char *in, unsigned char **out, size_t *outlen)
{
	static const char	 alpha[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;
	unsigned long		 acc = 0;
	size_t			 n = 0;
	int			 bits = 0;

	*out = xmalloc(strlen(in) * 3 / 4 + 4);
	for (; *in != '\0' && *in != '='; in++) {
		if (*in == '\n' || *in == '\r' || *in == ' ')
			continue;
		if ((p = strchr(alpha, *in)) == NULL) {
			free(*out);
			*out = NULL;
			return (-1);
		}
		acc = (acc << 6) | (unsigned long)(p - alpha);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			(*out)[n++] = (acc >> bits) & 0xff;
		}
	}
	*outlen = n;
	return (0);
}

/* An optional non-negative integer member; -1 and *cause if malformed. */
static int
fault_uint(json_t *o, const char *key, long long def, long long max,
    long long *out, char **cause)
{
	json_t	*v;

	*out = def;
	if ((v = json_object_get(o, key)) == NULL || json_is_null(v))
		return (0);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > max) {
		xasprintf(cause, "%s must be an integer from 0 to %lld", key,
		    max);
		return (-1);
	}
	*out = json_integer_value(v);
	return (0);
}

/* An optional string member copied; -1 and *cause if not a string. */
static int
fault_str(json_t *o, const char *key, char **out, char **cause)
{
	json_t	*v;

	*out = NULL;
	if ((v = json_object_get(o, key)) == NULL || json_is_null(v))
		return (0);
	if (!json_is_string(v)) {
		xasprintf(cause, "%s must be a string", key);
		return (-1);
	}
	*out = xstrdup(json_string_value(v));
	return (0);
}

/* Look a name up in a table; -1 if absent. */
static int
fault_lookup(const char *const *names, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Parse the kind-specific members; -1 and *cause on error. */
static int
fault_parse_kind(json_t *o, struct fault_entry *fe, char **cause)
{
	struct sim_fault	*f = &fe->f;
	long long		 v;
	const char		*s;
	json_t			*j;

	if (fault_uint(o, "events", 0, 1LL << 40, &v, cause) != 0)
		return (-1);
	f->events = v;
	if (fault_uint(o, "code", 0, 599, &v, cause) != 0)
		return (-1);
	f->code = (int)v;
	if (f->code != 0 && f->code < 200) {
		xasprintf(cause, "code must be from 200 to 599");
		return (-1);
	}
	if (fault_uint(o, "interval_ms", 100, 60000, &v, cause) != 0)
		return (-1);
	f->interval_ms = v == 0 ? 1 : (unsigned int)v;
	if (fault_uint(o, "delay_ms", 0, 600000, &v, cause) != 0)
		return (-1);
	f->delay_ms = (unsigned int)v;
	if (fault_uint(o, "size", 0, 1LL << 32, &v, cause) != 0)
		return (-1);
	f->size = (uint64_t)v;
	if (fault_str(o, "content_type", &f->content_type, cause) != 0 ||
	    fault_str(o, "location", &f->location, cause) != 0)
		return (-1);
	if ((j = json_object_get(o, "close")) != NULL)
		f->close = json_is_true(j);
	if ((s = json_string_value(json_object_get(o, "mode"))) != NULL) {
		if (strcmp(s, "reset") != 0 && strcmp(s, "eof") != 0) {
			xasprintf(cause, "mode must be \"eof\" or \"reset\"");
			return (-1);
		}
		f->reset = strcmp(s, "reset") == 0;
	}
	if ((j = json_object_get(o, "bytes_b64")) != NULL) {
		if (!json_is_string(j) || fault_b64(json_string_value(j),
		    &f->body, &f->bodylen) != 0) {
			xasprintf(cause, "bytes_b64 is not valid base64");
			return (-1);
		}
		f->has_body = 1;
	} else if ((j = json_object_get(o, "body")) != NULL) {
		if (!json_is_string(j)) {
			xasprintf(cause, "body must be a string");
			return (-1);
		}
		f->bodylen = json_string_length(j);
		f->body = xmalloc(f->bodylen + 1);
		memcpy(f->body, json_string_value(j), f->bodylen + 1);
		f->has_body = 1;
	}
	return (0);
}

/* Check the combination of kind, endpoint and members. */
static int
fault_check(struct fault_entry *fe, char **cause)
{
	struct sim_fault	*f = &fe->f;

	switch (f->kind) {
	case FAULT_STATUS:
		if (f->code == 0) {
			xasprintf(cause, "status needs a code");
			return (-1);
		}
		break;
	case FAULT_REDIRECT:
		if (f->code == 0)
			f->code = 302;
		if (f->code < 300 || f->code > 399) {
			xasprintf(cause, "redirect needs a 3xx code");
			return (-1);
		}
		if (f->location == NULL)
			f->location = xstrdup("/login/");
		break;
	case FAULT_CONTENT_TYPE:
		if (f->content_type == NULL)
			f->content_type = xstrdup("text/html; charset=utf-8");
		break;
	case FAULT_RAW:
		if (!f->has_body) {
			xasprintf(cause, "raw needs bytes_b64 or body");
			return (-1);
		}
		break;
	case FAULT_CLOSE_AFTER:
	case FAULT_STALL:
	case FAULT_DRIP:
		if (fe->ep != EP_STREAM) {
			xasprintf(cause, "%s applies to the stream only",
			    kind_names[f->kind]);
			return (-1);
		}
		break;
	case FAULT_NONE:
		break;
	}
	return (0);
}

/* Parse one fault object into a new entry; NULL and *cause on error. */
static struct fault_entry *
fault_parse(json_t *o, char **cause)
{
	struct fault_entry	*fe;
	const char		*s;
	long long		 count;
	int			 k;

	if (!json_is_object(o)) {
		xasprintf(cause, "a fault must be a JSON object");
		return (NULL);
	}
	if ((s = json_string_value(json_object_get(o, "fault"))) == NULL ||
	    (k = fault_lookup(kind_names, FAULT_DRIP + 1, s)) < 0) {
		xasprintf(cause, "unknown or missing \"fault\"");
		return (NULL);
	}
	fe = xcalloc(1, sizeof *fe);
	fe->f.kind = k;
	fe->ep = EP_STREAM;
	if ((s = json_string_value(json_object_get(o, "endpoint"))) != NULL) {
		if ((k = fault_lookup(ep_names, EP_COUNT, s)) < 0) {
			xasprintf(cause, "unknown endpoint \"%s\"", s);
			goto fail;
		}
		fe->ep = k;
	}
	if (fault_uint(o, "count", 0, 1LL << 40, &count, cause) != 0)
		goto fail;
	fe->count = count == 0 ? -1 : count;
	if (fault_parse_kind(o, fe, cause) != 0 || fault_check(fe, cause) != 0)
		goto fail;
	fe->spec = json_incref(o);
	return (fe);
fail:
	fault_entry_free(fe);
	return (NULL);
}

/* The faults that act at once on the simulation instead of being queued. */
static const char *const action_names[] = {
	"channel_drop", "stall_run", "agent_silent"
};
#define NACTIONS	(sizeof action_names / sizeof action_names[0])

/* The action index of a fault object, or -1 for a queued fault. */
static int
fault_action(json_t *o)
{
	const char	*s;

	if (!json_is_object(o) ||
	    (s = json_string_value(json_object_get(o, "fault"))) == NULL)
		return (-1);
	return (fault_lookup(action_names, NACTIONS, s));
}

/* Check an action's members; -1 and *cause if malformed. */
static int
fault_action_check(json_t *o, char **cause)
{
	long long	 n;
	char		*s = NULL;
	int		 rc = 0;

	switch (fault_action(o)) {
	case 0:
		if (fault_uint(o, "count", 1, 1LL << 40, &n, cause) != 0 ||
		    fault_str(o, "client_id", &s, cause) != 0)
			rc = -1;
		break;
	case 1:
		rc = fault_str(o, "namespace", &s, cause);
		break;
	default:
		if ((rc = fault_str(o, "agent", &s, cause)) == 0 && s == NULL) {
			xasprintf(cause, "agent_silent needs an agent");
			rc = -1;
		}
		break;
	}
	free(s);
	return (rc);
}

/* Apply an action (checked); -1 and *cause when it cannot. */
static int
fault_action_apply(json_t *o, char **cause)
{
	json_t		*v;
	const char	*s;

	switch (fault_action(o)) {
	case 0:
		v = json_object_get(o, "count");
		s = json_string_value(json_object_get(o, "client_id"));
		return (sim_stream_channel_drop(s, v == NULL || json_is_null(v) ?
		    1 : (uint64_t)json_integer_value(v), cause));
	case 1:
		return (sim_workflow_stall_run(json_string_value(json_object_get(o,
		    "namespace")), cause));
	default:
		return (sim_workflow_agent_silent(json_string_value(
		    json_object_get(o, "agent")), cause));
	}
}

/*
 * Queue faults from a posted object or array of objects. The actions
 * (channel_drop, stall_run, agent_silent) are not queued: they act at
 * once, in order, and leave the queue alone. They replace
 * the queue unless append is set (or the object says "append": true);
 * "none" with nothing else clears it. -1 and *cause on a bad spec, and
 * then nothing changes.
 */
int
sim_fault_post(json_t *body, int append, char **cause)
{
	struct fault_list	 add = TAILQ_HEAD_INITIALIZER(add);
	struct fault_entry	*fe;
	json_t			*o;
	size_t			 i, n, nactions = 0;

	TAILQ_INIT(&add);
	n = json_is_array(body) ? json_array_size(body) : 1;
	if (json_is_object(body) && json_is_true(json_object_get(body,
	    "append")))
		append = 1;
	for (i = 0; i < n; i++) {
		o = json_is_array(body) ? json_array_get(body, i) : body;
		if (fault_action(o) >= 0) {
			if (fault_action_check(o, cause) != 0)
				goto fail;
			nactions++;
			continue;
		}
		if ((fe = fault_parse(o, cause)) == NULL)
			goto fail;
		if (fe->f.kind == FAULT_NONE)
			fault_entry_free(fe);
		else
			TAILQ_INSERT_TAIL(&add, fe, entry);
	}
	for (i = 0; i < n && nactions > 0; i++) {
		o = json_is_array(body) ? json_array_get(body, i) : body;
		if (fault_action(o) >= 0 && fault_action_apply(o, cause) != 0)
			goto fail;
	}
	if (nactions == n)
		return (0);
	pthread_mutex_lock(&fault_lock);
	if (!append)
		fault_drop_locked();
	while ((fe = TAILQ_FIRST(&add)) != NULL) {
		TAILQ_REMOVE(&add, fe, entry);
		TAILQ_INSERT_TAIL(&faults, fe, entry);
	}
	pthread_mutex_unlock(&fault_lock);
	return (0);
fail:
	while ((fe = TAILQ_FIRST(&add)) != NULL) {
		TAILQ_REMOVE(&add, fe, entry);
		fault_entry_free(fe);
	}
	return (-1);
}

/* Copy a fault, duplicating its strings. */
static void
fault_copy(struct sim_fault *dst, const struct sim_fault *src)
{
	*dst = *src;
	if (src->content_type != NULL)
		dst->content_type = xstrdup(src->content_type);
	if (src->location != NULL)
		dst->location = xstrdup(src->location);
	if (src->body != NULL) {
		dst->body = xmalloc(src->bodylen + 1);
		memcpy(dst->body, src->body, src->bodylen + 1);
	}
}

/*
 * Take the first queued fault for an endpoint into *out (the caller
 * clears it with sim_fault_clear()), spending one of its count. Returns 1
 * when there was one, else 0 and *out is FAULT_NONE.
 */
int
sim_fault_take(enum fault_endpoint ep, struct sim_fault *out)
{
	struct fault_entry	*fe;

	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&fault_lock);
	TAILQ_FOREACH(fe, &faults, entry) {
		if (fe->ep == ep)
			break;
	}
	if (fe == NULL) {
		pthread_mutex_unlock(&fault_lock);
		return (0);
	}
	fault_copy(out, &fe->f);
	if (fe->count > 0 && --fe->count == 0) {
		TAILQ_REMOVE(&faults, fe, entry);
		fault_entry_free(fe);
	}
	pthread_mutex_unlock(&fault_lock);
	return (1);
}

/* The queue as a JSON array of the posted specs with remaining counts. */
json_t *
sim_fault_list(void)
{
	struct fault_entry	*fe;
	json_t			*a, *o;

	a = json_array();
	pthread_mutex_lock(&fault_lock);
	TAILQ_FOREACH(fe, &faults, entry) {
		o = json_deep_copy(fe->spec);
		json_object_set_new(o, "remaining", fe->count < 0 ?
		    json_null() : json_integer(fe->count));
		json_array_append_new(a, o);
	}
	pthread_mutex_unlock(&fault_lock);
	return (a);
}
