/* sim-stream.c: SSE clients, their filters and bounded queues. */
#include "config.h"

#include <sys/eventfd.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"
#include "sim.h"
#include "xmalloc.h"

/* The three filter kinds, in the server's order. */
enum { F_MSG_TYPES, F_AGENTS, F_RUN_IDS, F_COUNT };
static const char *const filter_names[F_COUNT] = {
	"msg_types", "agents", "run_ids"
};

/* A client's filters: per kind, absent or a list of strings. */
struct sim_filter {
	int	  has[F_COUNT];
	char	**v[F_COUNT];
	size_t	  n[F_COUNT];
};

/* A queued message and when it was queued (monotonic). */
struct sim_slot {
	struct sim_event	*ev;
	double			 t;
};

/* One streaming connection. */
struct sim_client {
	TAILQ_ENTRY(sim_client)	 entry;
	int			 registered;	/* in the client list */
	char			 id[37];
	char			 addr[NI_MAXHOST + NI_MAXSERV + 8];
	struct sim_filter	 filter;
	json_t			*filter_json;	/* as the status shows it */
	struct sim_subscriber	*sub;		/* its /api/subscribers/ row */

	pthread_mutex_t		 lock;		/* guards the ring */
	struct sim_slot		*ring;		/* the client's channel */
	size_t			 cap, head, len;
	uint64_t		 dropped;	/* newest, channel full */
	uint64_t		 expired;	/* not read in time */
	uint64_t		 fault_drop;	/* channel_drop still to do */
	uint64_t		 fault_dropped;	/* channel_drop done */
	int			 wakefd;
	int			 connfd;

	/* Owned by the connection's thread. */
	struct sim_fault	 fault;
	struct sim_event	*cur;		/* being written */
	size_t			 off;
	int			 greeted;	/* connected event queued */
	double			 next_hb;
	uint64_t		 events;	/* events started */
	uint64_t		 limit;		/* events before end/stall */
	int			 has_limit;
	int			 ending;
	int			 stalled;
	int			 flood;		/* pull-mode flood active */
	uint64_t		 flood_next, flood_end;
};
TAILQ_HEAD(sim_clients, sim_client);

static struct sim_clients	 clients = TAILQ_HEAD_INITIALIZER(clients);
static pthread_mutex_t		 clients_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int		 nclients;
static atomic_uint_fast64_t	 dropped_total;
static uint64_t			 drop_next;	/* channel_drop, no client */

/* Prepare the client list. */
void
sim_stream_init(void)
{
	TAILQ_INIT(&clients);
}

/* Nothing is left at exit: the daemon freed every client. */
void
sim_stream_free(void)
{
	if (!TAILQ_EMPTY(&clients))
		log_warn("%u clients left at exit", nclients);
}

/* Messages dropped from full queues, over all clients so far. */
uint64_t
sim_stream_dropped_total(void)
{
	uint64_t	 n;
	struct sim_client *c;

	n = atomic_load(&dropped_total);
	pthread_mutex_lock(&clients_lock);
	TAILQ_FOREACH(c, &clients, entry) {
		pthread_mutex_lock(&c->lock);
		n += c->dropped;
		pthread_mutex_unlock(&c->lock);
	}
	pthread_mutex_unlock(&clients_lock);
	return (n);
}

/* Wake a client's thread. */
static void
client_wake(struct sim_client *c)
{
	uint64_t	one = 1;

	if (write(c->wakefd, &one, sizeof one) == -1 && errno != EAGAIN)
		log_warn("eventfd: %s", strerror(errno));
}

/* Wake every client (at shutdown). */
void
sim_stream_wake_all(void)
{
	struct sim_client	*c;

	pthread_mutex_lock(&clients_lock);
	TAILQ_FOREACH(c, &clients, entry)
		client_wake(c);
	pthread_mutex_unlock(&clients_lock);
}

/* Whether a value is in a filter list (a NULL value never is). */
static int
filter_has(char **list, size_t n, const char *v)
{
	size_t	i;

	if (v == NULL)
		return (0);
	for (i = 0; i < n; i++) {
		if (strcmp(list[i], v) == 0)
			return (1);
	}
	return (0);
}

/* The server's filter: AND across kinds, OR within one. */
static int
filter_match(const struct sim_filter *f, const struct sim_event *ev)
{
	if (f->has[F_MSG_TYPES] &&
	    !filter_has(f->v[F_MSG_TYPES], f->n[F_MSG_TYPES], ev->msg_type))
		return (0);
	if (f->has[F_AGENTS] &&
	    !filter_has(f->v[F_AGENTS], f->n[F_AGENTS], ev->processed_by))
		return (0);
	if (f->has[F_RUN_IDS] &&
	    !filter_has(f->v[F_RUN_IDS], f->n[F_RUN_IDS], ev->run_id))
		return (0);
	return (1);
}

/* Forget queued messages older than the expiry; the caller holds c->lock. */
static void
client_expire(struct sim_client *c, double now)
{
	while (c->len > 0 &&
	    now - c->ring[c->head].t >= sim_main_cfg.channel_expiry) {
		sim_msg_event_unref(c->ring[c->head].ev);
		c->head = (c->head + 1) % c->cap;
		c->len--;
		c->expired++;
	}
}

/*
 * Queue an event in a client's channel, as the monitor's per-client Redis
 * channel does: expired messages go first; when the channel is still full
 * the new (newest) message is dropped for this client; a channel_drop
 * fault drops it too.
 */
static void
client_push(struct sim_client *c, struct sim_event *ev)
{
	int	was_empty;

	pthread_mutex_lock(&c->lock);
	client_expire(c, sim_msg_mono());
	if (c->fault_drop > 0) {
		c->fault_drop--;
		c->fault_dropped++;
		pthread_mutex_unlock(&c->lock);
		return;
	}
	if (c->len == c->cap) {
		c->dropped++;
		pthread_mutex_unlock(&c->lock);
		return;
	}
	was_empty = c->len == 0;
	sim_msg_event_ref(ev);
	c->ring[(c->head + c->len) % c->cap].ev = ev;
	c->ring[(c->head + c->len) % c->cap].t = sim_msg_mono();
	c->len++;
	pthread_mutex_unlock(&c->lock);
	if (was_empty)
		client_wake(c);
}

/* Take the oldest queued event that has not expired, or NULL. */
static struct sim_event *
client_pop(struct sim_client *c)
{
	struct sim_event	*ev = NULL;

	pthread_mutex_lock(&c->lock);
	client_expire(c, sim_msg_mono());
	if (c->len > 0) {
		ev = c->ring[c->head].ev;
		c->head = (c->head + 1) % c->cap;
		c->len--;
	}
	pthread_mutex_unlock(&c->lock);
	return (ev);
}

/* Drop everything queued at exit, expired or not. */
static void
client_drain(struct sim_client *c)
{
	pthread_mutex_lock(&c->lock);
	while (c->len > 0) {
		sim_msg_event_unref(c->ring[c->head].ev);
		c->head = (c->head + 1) % c->cap;
		c->len--;
	}
	pthread_mutex_unlock(&c->lock);
}

/*
 * See sim.h: the fault channel_drop. The next n messages for one client
 * are dropped from its channel only: the client with that id, or the one
 * that connected last, or with none connected the next to connect.
 */
int
sim_stream_channel_drop(const char *id, uint64_t n, char **cause)
{
	struct sim_client	*c;

	pthread_mutex_lock(&clients_lock);
	if (id != NULL) {
		TAILQ_FOREACH(c, &clients, entry) {
			if (strcmp(c->id, id) == 0)
				break;
		}
		if (c == NULL) {
			pthread_mutex_unlock(&clients_lock);
			xasprintf(cause, "no client \"%s\"", id);
			return (-1);
		}
	} else
		c = TAILQ_LAST(&clients, sim_clients);
	if (c == NULL)
		drop_next += n;
	else {
		pthread_mutex_lock(&c->lock);
		c->fault_drop += n;
		pthread_mutex_unlock(&c->lock);
		log_info("channel_drop: the next %llu messages for client %s",
		    (unsigned long long)n, c->id);
	}
	pthread_mutex_unlock(&clients_lock);
	return (0);
}

/* See sim.h. */
void
sim_stream_broadcast(struct sim_event *ev)
{
	struct sim_client	*c;

	pthread_mutex_lock(&clients_lock);
	TAILQ_FOREACH(c, &clients, entry) {
		if (filter_match(&c->filter, ev))
			client_push(c, ev);
	}
	pthread_mutex_unlock(&clients_lock);
}

/*
 * See sim.h: the single way every message an agent "sends" (workflow,
 * production, POST /sim/publish) reaches the monitor. What the monitor
 * would not relay (an agent heartbeat, no msg_type) stops here; the rest
 * is enriched and broadcast.
 */
void
sim_stream_publish(json_t *msg)
{
	struct sim_event	*ev;

	if (!sim_msg_relayable(msg))
		return;
	sim_history_record(msg);
	sim_msg_enrich(msg);
	ev = sim_msg_event_from_msg(msg);
	sim_stream_broadcast(ev);
	sim_msg_event_unref(ev);
}

/* Python's str.strip() for ASCII whitespace. */
static char *
filter_strip(const char *s, size_t len)
{
	while (len > 0 && (*s == ' ' || (*s >= '\t' && *s <= '\r') ||
	    (*s >= 0x1c && *s <= 0x1f))) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' ||
	    (s[len - 1] >= '\t' && s[len - 1] <= '\r') ||
	    (s[len - 1] >= 0x1c && s[len - 1] <= 0x1f)))
		len--;
	return (xstrndup(s, len));
}

/* Split "a, b" into a trimmed list, as the server does. */
static void
filter_set(struct sim_filter *f, int kind, const char *value)
{
	const char	*p, *comma;
	size_t		 i;

	for (i = 0; i < f->n[kind]; i++)
		free(f->v[kind][i]);
	free(f->v[kind]);
	f->v[kind] = NULL;
	f->n[kind] = 0;
	f->has[kind] = 0;
	if (value == NULL || *value == '\0')
		return;
	f->has[kind] = 1;
	for (p = value;; p = comma + 1) {
		comma = strchr(p, ',');
		f->v[kind] = xreallocarray(f->v[kind], f->n[kind] + 1,
		    sizeof *f->v[kind]);
		f->v[kind][f->n[kind]++] = filter_strip(p, comma == NULL ?
		    strlen(p) : (size_t)(comma - p));
		if (comma == NULL)
			break;
	}
}

/* Free a filter's lists. */
static void
filter_free(struct sim_filter *f)
{
	int	k;

	for (k = 0; k < F_COUNT; k++)
		filter_set(f, k, NULL);
}

/* Query iterator: the last value of each filter wins, as in Django. */
static enum MHD_Result
filter_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct sim_filter	*f = cls;
	int			 k;

	for (k = 0; k < F_COUNT; k++) {
		if (strcmp(key, filter_names[k]) == 0)
			filter_set(f, k, value);
	}
	return (MHD_YES);
}

/* The filters as the status endpoint shows them. */
static json_t *
filter_json(const struct sim_filter *f)
{
	json_t	*o, *a;
	size_t	 i;
	int	 k;

	o = json_object();
	for (k = 0; k < F_COUNT; k++) {
		if (!f->has[k])
			continue;
		a = json_array();
		for (i = 0; i < f->n[k]; i++)
			json_array_append_new(a, json_string(f->v[k][i]));
		json_object_set_new(o, filter_names[k], a);
	}
	return (o);
}

/* Wait for news, the deadline or a hang-up; -1 if the peer is gone. */
static int
client_wait(struct sim_client *c, int ms)
{
	struct pollfd	pfd[2];
	uint64_t	v;

	pfd[0].fd = c->wakefd;
	pfd[0].events = POLLIN;
	pfd[1].fd = c->connfd;
	pfd[1].events = POLLRDHUP;
	pfd[0].revents = pfd[1].revents = 0;
	if (poll(pfd, c->connfd >= 0 ? 2 : 1, ms) == -1 && errno != EINTR)
		return (-1);
	if (pfd[0].revents & POLLIN) {
		if (read(c->wakefd, &v, sizeof v) == -1 && errno != EAGAIN)
			return (-1);
	}
	if (pfd[1].revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
		return (-1);
	return (0);
}

/* The heartbeat event: the server's clock as a float. */
static struct sim_event *
client_heartbeat(void)
{
	struct sim_event	*ev;
	json_t			*o;
	char			*data;

	o = json_pack("{s:f}", "timestamp", sim_msg_wall());
	data = sim_msg_pyjson_dump(o, PYJSON_ASCII);
	ev = sim_msg_event_new("heartbeat", data);
	free(data);
	json_decref(o);
	return (ev);
}

/* When the next heartbeat is due: the interval, up to a sixth longer. */
static double
client_next_hb(double now)
{
	return (now + sim_main_cfg.heartbeat * (1.0 + arc4random_uniform(1000001) /
	    6e6));
}

/* The next event to send: connected, a due heartbeat, then the queue. */
static struct sim_event *
client_next(struct sim_client *c)
{
	struct sim_event	*ev;
	json_t			*o;
	char			*data;
	double			 now;

	if (!c->greeted) {
		c->greeted = 1;
		o = json_pack("{s:s,s:s}", "client_id", c->id, "status",
		    "connected");
		data = sim_msg_pyjson_dump(o, PYJSON_ASCII);
		ev = sim_msg_event_new("connected", data);
		free(data);
		json_decref(o);
		return (ev);
	}
	now = sim_msg_mono();
	if (now >= c->next_hb) {
		c->next_hb = client_next_hb(now);
		return (client_heartbeat());
	}
	if ((ev = client_pop(c)) != NULL)
		sim_registry_subscriber_sent(c->sub, 1);
	return (ev);
}

/* Events still allowed before the fault's limit. */
static uint64_t
client_room(struct sim_client *c)
{
	if (!c->has_limit)
		return (UINT64_MAX);
	return (c->limit > c->events ? c->limit - c->events : 0);
}

/* Pull-mode flood straight into the buffer; bytes written. */
static size_t
client_flood(struct sim_client *c, char *buf, size_t max)
{
	struct sim_event	*ev;
	uint64_t		 end, before;
	size_t			 n;
	char			*tmp;

	end = c->flood_end == 0 ? UINT64_MAX : c->flood_end;
	if (client_room(c) < end - c->flood_next)
		end = c->flood_next + client_room(c);
	before = c->flood_next;
	n = sim_flood_fill(buf, max, &c->flood_next, end);
	if (n == 0 && c->flood_next < end) {
		/* Too little room for a whole message: go through cur. */
		tmp = xmalloc(sim_flood_max_len());
		n = sim_flood_fill(tmp, sim_flood_max_len(), &c->flood_next,
		    c->flood_next + 1);
		ev = sim_msg_event_raw(tmp, n);
		free(tmp);
		c->cur = ev;
		c->off = 0;
		n = 0;
	}
	c->events += c->flood_next - before;
	sim_registry_subscriber_sent(c->sub, c->flood_next - before);
	if (c->flood_end != 0 && c->flood_next >= c->flood_end)
		c->flood = 0;
	return (n);
}

/* Fill the buffer with whatever is ready; bytes written. */
static size_t
client_fill(struct sim_client *c, char *buf, size_t max)
{
	size_t	n = 0, k;

	while (n < max) {
		if (c->cur != NULL) {
			k = c->cur->len - c->off;
			if (k > max - n)
				k = max - n;
			memcpy(buf + n, c->cur->buf + c->off, k);
			n += k;
			c->off += k;
			if (c->off == c->cur->len) {
				sim_msg_event_unref(c->cur);
				c->cur = NULL;
				c->off = 0;
			}
			continue;
		}
		if (c->ending || c->stalled)
			break;
		if (client_room(c) == 0) {
			if (c->fault.kind == FAULT_STALL)
				c->stalled = 1;
			else
				c->ending = 1;
			continue;
		}
		if ((c->cur = client_next(c)) != NULL) {
			c->events++;
			continue;
		}
		if (!c->flood)
			break;
		k = client_flood(c, buf + n, max - n);
		if (k == 0 && c->cur == NULL)
			break;
		n += k;
	}
	return (n);
}

/* Milliseconds until the next heartbeat, for the wait. */
static int
client_timeout(struct sim_client *c)
{
	double	ms;

	if (c->stalled || c->ending || !c->greeted)
		return (1000);
	ms = (c->next_hb - sim_msg_mono()) * 1000.0 + 1;
	if (ms < 0)
		return (0);
	return (ms > 1000 ? 1000 : (int)ms);
}

/* MHD content reader: block until there is something to send. */
static ssize_t
client_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sim_client	*c = cls;
	size_t			 n;

	for (;;) {
		if (atomic_load(&sim_main_quit))
			return (MHD_CONTENT_READER_END_OF_STREAM);
		if (c->fault.kind == FAULT_DRIP) {
			if (client_wait(c, c->fault.interval_ms) == -1)
				return (MHD_CONTENT_READER_END_WITH_ERROR);
			max = 1;
		}
		if ((n = client_fill(c, buf, max)) > 0)
			return ((ssize_t)n);
		if (c->ending)
			return (c->fault.reset ?
			    MHD_CONTENT_READER_END_WITH_ERROR :
			    MHD_CONTENT_READER_END_OF_STREAM);
		if (client_wait(c, client_timeout(c)) == -1)
			return (MHD_CONTENT_READER_END_WITH_ERROR);
	}
}

/* MHD frees the response: the client is gone. */
static void
client_free(void *cls)
{
	struct sim_client	*c = cls;

	if (c->registered) {
		pthread_mutex_lock(&clients_lock);
		TAILQ_REMOVE(&clients, c, entry);
		nclients--;
		pthread_mutex_unlock(&clients_lock);
		log_info("client %s disconnected: %llu events sent, %llu "
		    "dropped, %llu expired, %llu dropped by channel_drop",
		    c->id, (unsigned long long)c->events,
		    (unsigned long long)c->dropped,
		    (unsigned long long)c->expired,
		    (unsigned long long)c->fault_dropped);
		atomic_fetch_add(&dropped_total, c->dropped);
		sim_registry_subscriber_close(c->sub);
	}
	client_drain(c);
	sim_msg_event_unref(c->cur);
	free(c->ring);
	filter_free(&c->filter);
	json_decref(c->filter_json);
	sim_fault_clear(&c->fault);
	close(c->wakefd);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* The peer's address as text. */
static void
client_addr(struct MHD_Connection *conn, char *buf, size_t len)
{
	const union MHD_ConnectionInfo	*ci;
	char				 host[NI_MAXHOST], serv[NI_MAXSERV];

	strlcpy(buf, "?", len);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	if (getnameinfo(ci->client_addr, ci->client_addr->sa_family ==
	    AF_INET6 ? sizeof(struct sockaddr_in6) :
	    sizeof(struct sockaddr_in), host, sizeof host, serv, sizeof serv,
	    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(buf, len, "%s port %s", host, serv);
}

/* Log a new client with its filters. */
static void
client_log(struct sim_client *c)
{
	char	*f;

	f = sim_msg_pyjson_dump(c->filter_json, 0);
	log_info("client %s connected from %s, filters %s%s", c->id,
	    c->addr, f, c->flood ? ", flood" : "");
	free(f);
}

/* Set the client up for its fault. */
static void
client_fault(struct sim_client *c)
{
	switch (c->fault.kind) {
	case FAULT_CLOSE_AFTER:
	case FAULT_STALL:
		c->has_limit = 1;
		c->limit = c->fault.events;
		break;
	case FAULT_RAW:
		c->cur = sim_msg_event_raw(c->fault.body, c->fault.bodylen);
		c->greeted = 1;
		if (c->fault.close)
			c->ending = 1;
		else
			c->stalled = 1;
		break;
	default:
		break;
	}
}

/* See sim.h. */
struct MHD_Response *
sim_stream_open(struct MHD_Connection *conn, struct sim_fault *fault, int *code)
{
	struct sim_client		*c;
	struct MHD_Response		*r;
	const union MHD_ConnectionInfo	*ci;
	const char			*ctype = "text/event-stream";

	c = xcalloc(1, sizeof *c);
	c->fault = *fault;
	memset(fault, 0, sizeof *fault);
	if ((c->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		fatal("eventfd");
	pthread_mutex_init(&c->lock, NULL);
	c->cap = sim_main_cfg.client_queue;
	c->ring = xreallocarray(NULL, c->cap, sizeof *c->ring);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	c->connfd = ci != NULL ? ci->connect_fd : -1;
	client_addr(conn, c->addr, sizeof c->addr);
	sim_msg_uuid4(c->id);
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, filter_arg,
	    &c->filter);
	c->filter_json = filter_json(&c->filter);
	c->next_hb = client_next_hb(sim_msg_mono());
	if (sim_main_cfg.flood && sim_main_cfg.rate == 0 &&
	    filter_match(&c->filter, sim_flood_keys())) {
		c->flood = 1;
		c->flood_next = 1;
		c->flood_end = sim_main_cfg.count == 0 ? 0 : sim_main_cfg.count + 1;
	}
	client_fault(c);
	if (c->fault.kind == FAULT_RAW && c->fault.content_type != NULL)
		ctype = c->fault.content_type;

	if (c->fault.kind != FAULT_RAW) {
		pthread_mutex_lock(&clients_lock);
		if (nclients >= sim_main_cfg.max_clients) {
			pthread_mutex_unlock(&clients_lock);
			log_warn("refusing a client: %u connected", nclients);
			client_free(c);
			*code = MHD_HTTP_SERVICE_UNAVAILABLE;
			return (NULL);
		}
		c->registered = 1;
		c->fault_drop = drop_next;
		drop_next = 0;
		TAILQ_INSERT_TAIL(&clients, c, entry);
		nclients++;
		pthread_mutex_unlock(&clients_lock);
		c->sub = sim_registry_subscriber_open(conn, c->id, c->filter_json);
		client_log(c);
	}
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024,
	    client_read, c, client_free);
	if (r == NULL)
		fatalx("MHD_create_response_from_callback failed");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
	*code = c->fault.kind == FAULT_RAW && c->fault.code != 0 ?
	    c->fault.code : MHD_HTTP_OK;
	return (r);
}

/* See sim.h: the body of GET /api/messages/stream/status/. */
json_t *
sim_stream_status(void)
{
	struct sim_client	*c;
	json_t			*o, *ids, *filters;

	o = json_object();
	ids = json_array();
	filters = json_object();
	pthread_mutex_lock(&clients_lock);
	json_object_set_new(o, "connected_clients", json_integer(nclients));
	TAILQ_FOREACH(c, &clients, entry) {
		json_array_append_new(ids, json_string(c->id));
		json_object_set(filters, c->id, c->filter_json);
	}
	pthread_mutex_unlock(&clients_lock);
	json_object_set_new(o, "client_ids", ids);
	json_object_set_new(o, "client_filters", filters);
	return (o);
}

/* See sim.h: per-client counters for GET /sim/stats. */
json_t *
sim_stream_stats(void)
{
	struct sim_client	*c;
	json_t			*o, *a;
	uint64_t		 total;

	a = json_array();
	total = atomic_load(&dropped_total);
	pthread_mutex_lock(&clients_lock);
	TAILQ_FOREACH(c, &clients, entry) {
		pthread_mutex_lock(&c->lock);
		json_array_append_new(a, json_pack("{s:s,s:s,s:O,s:I,s:I,s:I,"
		    "s:I,s:I}", "client_id", c->id, "address", c->addr,
		    "filters", c->filter_json, "queued", (json_int_t)c->len,
		    "dropped", (json_int_t)c->dropped, "expired",
		    (json_int_t)c->expired, "channel_dropped",
		    (json_int_t)c->fault_dropped, "channel_drop_pending",
		    (json_int_t)c->fault_drop));
		total += c->dropped;
		pthread_mutex_unlock(&c->lock);
	}
	pthread_mutex_unlock(&clients_lock);
	o = json_pack("{s:o,s:I}", "clients", a, "dropped_total",
	    (json_int_t)total);
	return (o);
}
