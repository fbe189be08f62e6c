/* sim-http.c: the HTTP server, its routes and the monitor's auth rules. */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"
#include "sim.h"
#include "xmalloc.h"

#define HTTP_BODY_MAX	(8 * 1024 * 1024)

/* The routes the server knows. */
enum route {
	R_NONE,
	R_STREAM,
	R_STATUS,
	R_HEARTBEAT,
	R_AGENTS,
	R_SUBSCRIBERS,
	R_EXECUTIONS,
	R_MESSAGES,
	R_RUN_STATES,
	R_STF_FILES,
	R_AGENT,		/* the DRF detail routes: <list>/<pk>/ */
	R_SUBSCRIBER,
	R_EXECUTION,
	R_MESSAGE,
	R_RUN_STATE,
	R_STF_FILE,
	R_PUBLISH,		/* the /sim/ endpoints from here on */
	R_FAULT,
	R_STATS
};

static const struct {
	const char	*path;
	enum route	 route;
} routes[] = {
	{ "/api/messages/stream/", R_STREAM },
	{ "/api/messages/stream/status/", R_STATUS },
	{ "/api/systemagents/heartbeat/", R_HEARTBEAT },
	{ "/api/systemagents/", R_AGENTS },
	{ "/api/subscribers/", R_SUBSCRIBERS },
	{ "/api/workflow-executions/", R_EXECUTIONS },
	{ "/api/workflow-messages/", R_MESSAGES },
	{ "/api/run-states/", R_RUN_STATES },
	{ "/api/stf-files/", R_STF_FILES },
	{ "/sim/publish", R_PUBLISH },
	{ "/sim/fault", R_FAULT },
	{ "/sim/stats", R_STATS },
};

/* The DRF router's detail routes: a list's path, then a key and "/". */
static const struct {
	const char	*path;
	enum route	 route;
} details[] = {
	{ "/api/systemagents/", R_AGENT },
	{ "/api/subscribers/", R_SUBSCRIBER },
	{ "/api/workflow-executions/", R_EXECUTION },
	{ "/api/workflow-messages/", R_MESSAGE },
	{ "/api/run-states/", R_RUN_STATE },
	{ "/api/stf-files/", R_STF_FILE },
};

/* Per-request state: the route and the body read so far. */
struct http_req {
	char		*uri;		/* as requested, with the query */
	int		 routed;
	enum route	 route;
	int		 slash;		/* known path but for the last "/" */
	char		*pk;		/* a detail route's key */
	char		*body;
	size_t		 len;
	int		 too_big;
};

static struct MHD_Daemon	*daemon_;
static int			 listen_fd = -1;

static const char not_found_html[] = "\n<!doctype html>\n<html lang=\"en\">\n"
    "<head>\n  <title>Not Found</title>\n</head>\n<body>\n"
    "  <h1>Not Found</h1><p>The requested resource was not found on this "
    "server.</p>\n</body>\n</html>\n";
static const char login_html[] = "<!DOCTYPE html>\n<html><head><title>"
    "Log in | SWF Monitor</title></head>\n<body><form method=\"post\" "
    "action=\"/login/\"><input name=\"username\"><input type=\"password\" "
    "name=\"password\"><button>Log in</button></form></body></html>\n";

/* Queue a response built from a copy of bytes. */
static enum MHD_Result
http_send(struct MHD_Connection *conn, int code, const char *ctype,
    const void *body, size_t len)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(len, (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return (MHD_NO);
	if (ctype != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		    "GET, POST, HEAD, OPTIONS");
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return (ret);
}

/* Queue a JSON response (the value is stolen), Python-rendered. */
static enum MHD_Result
http_json(struct MHD_Connection *conn, int code, json_t *v, int flags)
{
	enum MHD_Result	 ret;
	char		*text;

	text = sim_msg_pyjson_dump(v, flags);
	json_decref(v);
	ret = http_send(conn, code, "application/json", text, strlen(text));
	free(text);
	return (ret);
}

/* A DRF error body: {"detail":"..."} in DRF's compact rendering. */
static enum MHD_Result
http_drf_detail(struct MHD_Connection *conn, int code, const char *detail)
{
	return (http_json(conn, code, json_pack("{s:s}", "detail", detail),
	    PYJSON_COMPACT));
}

/* The stream view's own 401, as json.dumps() writes it. */
static enum MHD_Result
http_unauthorized(struct MHD_Connection *conn)
{
	return (http_json(conn, MHD_HTTP_UNAUTHORIZED, json_pack("{s:s}",
	    "detail", "Authentication credentials were not provided."),
	    PYJSON_ASCII));
}

/* Whether a token is accepted (with none configured, any non-empty). */
static int
http_token_ok(const char *key, size_t len)
{
	size_t	i;

	if (sim_main_cfg.ntokens == 0)
		return (len > 0);
	for (i = 0; i < sim_main_cfg.ntokens; i++) {
		if (strlen(sim_main_cfg.tokens[i]) == len &&
		    memcmp(sim_main_cfg.tokens[i], key, len) == 0)
			return (1);
	}
	return (0);
}

/* The stream view's check: "Token " then exactly a known key. */
static int
http_auth_stream(struct MHD_Connection *conn)
{
	const char	*h;

	h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL || strncmp(h, "Token ", 6) != 0)
		return (0);
	return (http_token_ok(h + 6, strlen(h + 6)));
}

/*
 * DRF's TokenAuthentication: NULL when a valid token came, else the
 * error detail. *attempted is 0 when no "Token" header was given at all
 * (DRF then treats the request as anonymous).
 */
static const char *
http_auth_drf(struct MHD_Connection *conn, int *attempted)
{
	const char	*h, *w[3];
	size_t		 wl[3], n = 0;

	*attempted = 0;
	h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL)
		return ("Authentication credentials were not provided.");
	while (*h != '\0') {
		while (*h == ' ' || (*h >= '\t' && *h <= '\r'))
			h++;
		if (*h == '\0')
			break;
		if (n < 3)
			w[n] = h;
		while (*h != '\0' && *h != ' ' && !(*h >= '\t' && *h <= '\r'))
			h++;
		if (n < 3)
			wl[n] = h - w[n];
		n++;
	}
	if (n == 0 || wl[0] != 5 || strncasecmp(w[0], "token", 5) != 0)
		return ("Authentication credentials were not provided.");
	*attempted = 1;
	if (n == 1)
		return ("Invalid token header. No credentials provided.");
	if (n > 2)
		return ("Invalid token header. Token string should not "
		    "contain spaces.");
	if (!http_token_ok(w[1], wl[1]))
		return ("Invalid token.");
	return (NULL);
}

/* Sleep for a fault's delay. */
static void
http_delay(unsigned int ms)
{
	struct timespec	ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR &&
	    !atomic_load(&sim_main_quit))
		;
}

/* The default body of a simulated status, by code. */
static void
http_fault_default(int code, const char **ctype, const char **body)
{
	*ctype = "application/json";
	switch (code) {
	case 401:
		*body = "{\"detail\": \"Authentication credentials were not "
		    "provided.\"}";
		break;
	case 403:
		*body = "{\"detail\":\"You do not have permission to perform "
		    "this action.\"}";
		break;
	case 404:
		*ctype = "text/html; charset=utf-8";
		*body = not_found_html;
		break;
	case 500:
		*ctype = "text/html; charset=utf-8";
		*body = "\n<!doctype html>\n<html lang=\"en\">\n<head>\n  "
		    "<title>Server Error (500)</title>\n</head>\n<body>\n  "
		    "<h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n";
		break;
	case 502:
	case 504:
		*ctype = "text/html; charset=iso-8859-1";
		*body = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n"
		    "<html><head>\n<title>Proxy Error</title>\n</head><body>\n"
		    "<h1>Proxy Error</h1>\n</body></html>\n";
		break;
	case 503:
		*body = "{\"detail\": \"No channel layer configured.\"}";
		break;
	default:
		*body = code == 204 ? "" : "{\"detail\": \"Simulated error.\"}";
		break;
	}
}

/* Answer a request with a status, redirect, content-type or raw fault. */
static enum MHD_Result
http_fault(struct MHD_Connection *conn, struct sim_fault *f)
{
	struct MHD_Response	*r;
	const char		*ctype, *body;
	size_t			 len;
	int			 code;
	enum MHD_Result		 ret;

	code = f->code;
	switch (f->kind) {
	case FAULT_REDIRECT:
		ctype = "text/html; charset=utf-8";
		body = "";
		break;
	case FAULT_CONTENT_TYPE:
		code = code == 0 ? 200 : code;
		ctype = f->content_type;
		body = login_html;
		break;
	case FAULT_RAW:
		code = code == 0 ? 200 : code;
		ctype = "text/event-stream";
		body = "";
		break;
	default:
		http_fault_default(code, &ctype, &body);
		break;
	}
	if (f->content_type != NULL)
		ctype = f->content_type;
	len = strlen(body);
	if (f->has_body) {
		body = (const char *)f->body;
		len = f->bodylen;
	}
	r = MHD_create_response_from_buffer(len, (void *)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return (MHD_NO);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (f->kind == FAULT_REDIRECT)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION,
		    f->location);
	if (f->kind == FAULT_CONTENT_TYPE || f->kind == FAULT_RAW)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return (ret);
}

/* Parse a request body as JSON; an empty body is an empty object. */
static json_t *
http_body_json(struct http_req *req, char **cause)
{
	json_error_t	 err;
	json_t		*v;

	if (req->len == 0)
		return (json_object());
	v = json_loadb(req->body, req->len, JSON_DECODE_ANY, &err);
	if (v == NULL)
		xasprintf(cause, "JSON parse error - %s: line %d column %d",
		    err.text, err.line, err.column);
	return (v);
}

/* GET /api/messages/stream/. */
static enum MHD_Result
http_stream(struct MHD_Connection *conn, struct sim_fault *f)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;
	int			 code;

	if (f->kind == FAULT_NONE && !http_auth_stream(conn)) {
		log_info("stream request without a valid token: 401");
		return (http_unauthorized(conn));
	}
	if ((r = sim_stream_open(conn, f, &code)) == NULL)
		return (http_json(conn, code, json_pack("{s:s}", "detail",
		    "Too many clients."), PYJSON_ASCII));
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return (ret);
}

/* POST /api/systemagents/heartbeat/. */
static enum MHD_Result
http_heartbeat(struct MHD_Connection *conn, struct http_req *req)
{
	json_t		*body, *out;
	char		*cause = NULL;
	enum MHD_Result	 ret;
	int		 code;

	if ((body = http_body_json(req, &cause)) == NULL) {
		ret = http_drf_detail(conn, 400, cause);
		free(cause);
		return (ret);
	}
	code = sim_registry_heartbeat(body, &out);
	json_decref(body);
	return (http_json(conn, code, out, PYJSON_COMPACT));
}

/* POST /sim/publish: one message object or an array of them. */
static enum MHD_Result
http_publish(struct MHD_Connection *conn, struct http_req *req)
{
	json_t		*body, *m;
	char		*cause = NULL;
	enum MHD_Result	 ret;
	size_t		 i, n;

	if ((body = http_body_json(req, &cause)) == NULL) {
		ret = http_drf_detail(conn, 400, cause);
		free(cause);
		return (ret);
	}
	n = json_is_array(body) ? json_array_size(body) : 1;
	for (i = 0; i < n; i++) {
		m = json_is_array(body) ? json_array_get(body, i) : body;
		if (!json_is_object(m)) {
			json_decref(body);
			return (http_drf_detail(conn, 400,
			    "Each message must be a JSON object."));
		}
	}
	for (i = 0; i < n; i++)
		sim_stream_publish(json_is_array(body) ? json_array_get(body, i) :
		    body);
	json_decref(body);
	return (http_json(conn, 202, json_pack("{s:I}", "published",
	    (json_int_t)n), PYJSON_ASCII));
}

/* POST or GET /sim/fault. */
static enum MHD_Result
http_fault_post(struct MHD_Connection *conn, const char *method,
    struct http_req *req)
{
	json_t		*body;
	char		*cause = NULL;
	const char	*append;
	enum MHD_Result	 ret;

	if (strcmp(method, "POST") == 0) {
		if ((body = http_body_json(req, &cause)) == NULL ||
		    sim_fault_post(body, (append = MHD_lookup_connection_value(conn,
		    MHD_GET_ARGUMENT_KIND, "append")) != NULL &&
		    strcmp(append, "0") != 0, &cause) != 0) {
			json_decref(body);
			ret = http_drf_detail(conn, 400, cause);
			free(cause);
			return (ret);
		}
		json_decref(body);
	}
	return (http_json(conn, 200, json_pack("{s:o}", "faults",
	    sim_fault_list()), PYJSON_ASCII));
}

/* GET /sim/stats. */
static enum MHD_Result
http_stats(struct MHD_Connection *conn)
{
	json_t	*o;

	o = sim_stream_stats();
	json_object_set_new(o, "faults", sim_fault_list());
	json_object_set_new(o, "history", sim_history_stats());
	return (http_json(conn, 200, o, PYJSON_ASCII));
}

/* The /sim/ endpoints: token as for the stream. */
static enum MHD_Result
http_sim(struct MHD_Connection *conn, const char *method,
    struct http_req *req)
{
	int	post = strcmp(method, "POST") == 0;

	if (!http_auth_stream(conn))
		return (http_unauthorized(conn));
	switch (req->route) {
	case R_PUBLISH:
		if (post)
			return (http_publish(conn, req));
		break;
	case R_FAULT:
		if (post || strcmp(method, "GET") == 0)
			return (http_fault_post(conn, method, req));
		break;
	case R_STATS:
		if (!post)
			return (http_stats(conn));
		break;
	default:
		break;
	}
	return (http_drf_detail(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
	    "Method not allowed."));
}

/* A DRF 405 for a method. */
static enum MHD_Result
http_method(struct MHD_Connection *conn, const char *method)
{
	char		*detail;
	enum MHD_Result	 ret;

	xasprintf(&detail, "Method \"%s\" not allowed.", method);
	ret = http_drf_detail(conn, MHD_HTTP_METHOD_NOT_ALLOWED, detail);
	free(detail);
	return (ret);
}

/* Whether a route is a DRF open read (IsAuthenticatedOrReadOnly). */
static int
http_open_read(enum route route)
{
	switch (route) {
	case R_AGENTS:
	case R_SUBSCRIBERS:
	case R_EXECUTIONS:
	case R_MESSAGES:
	case R_RUN_STATES:
	case R_STF_FILES:
	case R_AGENT:
	case R_SUBSCRIBER:
	case R_EXECUTION:
	case R_MESSAGE:
	case R_RUN_STATE:
	case R_STF_FILE:
		return (1);
	default:
		return (0);
	}
}

/*
 * GET /api/messages/stream/status/: the monitor answers from a process
 * that holds no stream, so its counts are always nothing; the live
 * connections are in /api/subscribers/.
 */
static json_t *
http_status_body(void)
{
	return (json_pack("{s:i,s:[],s:{}}", "connected_clients", 0,
	    "client_ids", "client_filters"));
}

/* Queue a JSON response whose body (malloc'd) MHD frees when sent. */
static enum MHD_Result
http_send_owned(struct MHD_Connection *conn, int code, char *body,
    size_t len)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return (MHD_NO);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "application/json");
	ret = MHD_queue_response(conn, code, r);
	MHD_destroy_response(r);
	return (ret);
}

/* The REST history views and the subscriber list. */
static enum MHD_Result
http_reads(struct MHD_Connection *conn, const char *url,
    struct http_req *req)
{
	json_t		*out = NULL;
	char		*text;
	size_t		 len;
	int		 code = 200;

	switch (req->route) {
	case R_SUBSCRIBERS:
		out = sim_registry_subscriber_list();
		break;
	case R_EXECUTIONS:
		code = sim_history_executions(conn, &out);
		break;
	case R_MESSAGES:
		code = sim_history_messages(conn, &text, &len);
		return (http_send_owned(conn, code, text, len));
	case R_RUN_STATES:
		code = sim_history_run_states(&out);
		break;
	case R_STF_FILES:
		code = sim_history_stf_files(conn, url, &out);
		break;
	case R_AGENT:
		out = sim_registry_get(req->pk);
		break;
	case R_SUBSCRIBER:
		out = sim_registry_subscriber_get(req->pk);
		break;
	case R_EXECUTION:
		out = sim_history_execution(req->pk);
		break;
	case R_MESSAGE:
		out = sim_history_message(req->pk);
		break;
	case R_RUN_STATE:
		code = sim_history_run_state(req->pk, &out);
		break;
	case R_STF_FILE:
		out = sim_history_stf_file(req->pk);
		break;
	default:
		out = sim_registry_list();
		break;
	}
	if (out == NULL) {
		code = 404;
		out = json_pack("{s:s}", "detail", "Not found.");
	}
	return (http_json(conn, code, out, PYJSON_COMPACT));
}

/*
 * The DRF endpoints: status, heartbeat, the agent and subscriber lists
 * and the history. DRF authenticates before it checks permissions: a
 * wrong token fails even an open read with 403.
 */
static enum MHD_Result
http_api(struct MHD_Connection *conn, const char *url, const char *method,
    struct http_req *req)
{
	const char	*err;
	int		 attempted, get, post;

	get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	post = strcmp(method, "POST") == 0;
	err = http_auth_drf(conn, &attempted);
	if (http_open_read(req->route) && get && err != NULL && !attempted)
		err = NULL;
	if (err != NULL)
		return (http_drf_detail(conn, MHD_HTTP_FORBIDDEN, err));
	switch (req->route) {
	case R_STATUS:
		if (!get)
			return (http_method(conn, method));
		return (http_json(conn, 200, http_status_body(),
		    PYJSON_ASCII));
	case R_HEARTBEAT:
		if (!post)
			return (http_method(conn, method));
		return (http_heartbeat(conn, req));
	default:
		if (!get)
			return (http_method(conn, method));
		return (http_reads(conn, url, req));
	}
}

/*
 * A history fault with a size: a JSON array of one string that fills
 * the answer to exactly that many bytes, made as it is sent.
 */
static ssize_t
http_big_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	uint64_t	size = *(uint64_t *)cls, i;

	if (pos >= size)
		return (MHD_CONTENT_READER_END_OF_STREAM);
	if (max > size - pos)
		max = size - pos;
	memset(buf, 'x', max);
	for (i = pos; i < pos + max; i++) {
		if (i == 0)
			buf[0] = '[';
		else if (i == 1 || i == size - 2)
			buf[i - pos] = '"';
		else if (i == size - 1)
			buf[i - pos] = ']';
	}
	return ((ssize_t)max);
}

/* Answer a history request with a body of f->size bytes. */
static enum MHD_Result
http_big(struct MHD_Connection *conn, struct sim_fault *f)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;
	uint64_t		*size;

	size = xmalloc(sizeof *size);
	*size = f->size < 4 ? 4 : f->size;
	r = MHD_create_response_from_callback(*size, 64 * 1024, http_big_read,
	    size, free);
	if (r == NULL) {
		free(size);
		return (MHD_NO);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    f->content_type != NULL ? f->content_type : "application/json");
	ret = MHD_queue_response(conn, f->code != 0 ? f->code : 200, r);
	MHD_destroy_response(r);
	return (ret);
}

/*
 * Django's APPEND_SLASH: a known path minus its "/" moves there, with its
 * query, by a 301 for any method (CommonMiddleware).
 */
static enum MHD_Result
http_append_slash(struct MHD_Connection *conn, const char *url,
    struct http_req *req)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;
	const char		*q = NULL;
	char			*loc;

	if (req->uri != NULL)
		q = strchr(req->uri, '?');
	xasprintf(&loc, "%s/%s", url, q != NULL && q[1] != '\0' ? q : "");
	r = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		free(loc);
		return (MHD_NO);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    "text/html; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, loc);
	ret = MHD_queue_response(conn, MHD_HTTP_MOVED_PERMANENTLY, r);
	MHD_destroy_response(r);
	free(loc);
	return (ret);
}

/* The fault endpoint of a route; EP_COUNT for none. */
static enum fault_endpoint
http_endpoint(enum route route)
{
	switch (route) {
	case R_STREAM:
		return (EP_STREAM);
	case R_STATUS:
		return (EP_STATUS);
	case R_HEARTBEAT:
		return (EP_HEARTBEAT);
	case R_AGENTS:
	case R_AGENT:
		return (EP_AGENTS);
	case R_EXECUTIONS:
	case R_MESSAGES:
	case R_RUN_STATES:
	case R_STF_FILES:
	case R_EXECUTION:
	case R_MESSAGE:
	case R_RUN_STATE:
	case R_STF_FILE:
		return (EP_HISTORY);
	default:
		return (EP_COUNT);
	}
}

/* Dispatch a complete request. */
static enum MHD_Result
http_dispatch(struct MHD_Connection *conn, const char *url,
    const char *method, struct http_req *req)
{
	struct sim_fault	 f;
	enum fault_endpoint	 ep;
	enum MHD_Result		 ret;

	if (req->route == R_NONE) {
		if (req->slash)
			return (http_append_slash(conn, url, req));
		return (http_send(conn, MHD_HTTP_NOT_FOUND,
		    "text/html; charset=utf-8", not_found_html,
		    strlen(not_found_html)));
	}
	if (req->too_big)
		return (http_drf_detail(conn, 413, "Request body too large."));
	if (req->route >= R_PUBLISH)
		return (http_sim(conn, method, req));
	memset(&f, 0, sizeof f);
	if ((ep = http_endpoint(req->route)) != EP_COUNT &&
	    sim_fault_take(ep, &f)) {
		log_info("%s %s: fault %s", method, url, sim_fault_name(f.kind));
		if (f.delay_ms != 0)
			http_delay(f.delay_ms);
		if (req->route == R_STREAM && (f.kind == FAULT_CLOSE_AFTER ||
		    f.kind == FAULT_STALL || f.kind == FAULT_DRIP ||
		    f.kind == FAULT_RAW))
			return (http_stream(conn, &f));
		if (ep == EP_HISTORY && f.size != 0)
			ret = http_big(conn, &f);
		else
			ret = http_fault(conn, &f);
		sim_fault_clear(&f);
		return (ret);
	}
	if (req->route == R_STREAM)
		return (http_stream(conn, &f));
	return (http_api(conn, url, method, req));
}

/* Whether s is a DRF router key ([^/.]+) ending in "/" (or not). */
static int
http_pk(const char *s, int slash)
{
	size_t	n;

	n = strcspn(s, "/.");
	if (n == 0)
		return (0);
	return (slash ? strcmp(s + n, "/") == 0 : s[n] == '\0');
}

/* Find the route of a path. */
static void
http_route(const char *url, struct http_req *req)
{
	const char	*rest;
	size_t		 i, n;

	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp(routes[i].path, url) == 0) {
			req->route = routes[i].route;
			return;
		}
		n = strlen(routes[i].path);
		if (routes[i].path[n - 1] == '/' && strlen(url) == n - 1 &&
		    strncmp(routes[i].path, url, n - 1) == 0)
			req->slash = 1;
	}
	for (i = 0; i < sizeof details / sizeof details[0]; i++) {
		n = strlen(details[i].path);
		if (strncmp(url, details[i].path, n) != 0)
			continue;
		rest = url + n;
		if (http_pk(rest, 1)) {
			req->route = details[i].route;
			req->pk = xstrndup(rest, strlen(rest) - 1);
		} else if (http_pk(rest, 0))
			req->slash = 1;
		return;
	}
}

/* MHD's URI log: the request's state starts here, with the raw URI. */
static void *
http_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_req	*req;

	req = xcalloc(1, sizeof *req);
	req->uri = xstrdup(uri != NULL ? uri : "");
	return (req);
}

/* MHD access handler: collect the body, then dispatch. */
static enum MHD_Result
http_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_req	*req = *con_cls;

	/*
	 * Answer only once the whole request is in (the second call at the
	 * least): a response queued earlier makes MHD close the connection.
	 */
	if (req == NULL) {
		req = xcalloc(1, sizeof *req);
		*con_cls = req;
	}
	if (!req->routed) {
		req->routed = 1;
		http_route(url, req);
		return (MHD_YES);
	}
	if (*upload_data_size != 0) {
		if (req->len + *upload_data_size > HTTP_BODY_MAX)
			req->too_big = 1;
		else {
			req->body = xreallocarray(req->body, 1,
			    req->len + *upload_data_size);
			memcpy(req->body + req->len, upload_data,
			    *upload_data_size);
			req->len += *upload_data_size;
		}
		*upload_data_size = 0;
		return (MHD_YES);
	}
	return (http_dispatch(conn, url, method, req));
}

/* MHD completion: free the request state. */
static void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req	*req = *con_cls;

	if (req == NULL)
		return;
	free(req->body);
	free(req->uri);
	free(req->pk);
	free(req);
	*con_cls = NULL;
}

/* Query decoding as Django does it: "+" is a space, then %XX. */
static size_t
http_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	char	*p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '+')
			*p = ' ';
	}
	return (MHD_http_unescape(s));
}

/* MHD's own diagnostics go to our log. */
static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	buf[512];
	size_t	n;

	vsnprintf(buf, sizeof buf, fmt, ap);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_debug("libmicrohttpd: %s", buf);
}

/* Bind the listening socket; -1 and *cause on error. */
static int
http_listen(char **url, int *v6, char **cause)
{
	struct addrinfo		 hints, *res = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof ss;
	char			*host, *port, *p;
	int			 fd = -1, one = 1, error;
	unsigned int		 portnum;

	host = xstrdup(sim_main_cfg.listen);
	if (host[0] == '[') {
		if ((p = strchr(host, ']')) == NULL || p[1] != ':') {
			xasprintf(cause, "bad listen address %s", sim_main_cfg.listen);
			goto out;
		}
		*p = '\0';
		port = p + 2;
		memmove(host, host + 1, strlen(host + 1) + 1);
	} else {
		if ((p = strrchr(host, ':')) == NULL) {
			xasprintf(cause, "bad listen address %s", sim_main_cfg.listen);
			goto out;
		}
		*p = '\0';
		port = p + 1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	if ((error = getaddrinfo(host, port, &hints, &res)) != 0) {
		xasprintf(cause, "%s: %s", sim_main_cfg.listen, gai_strerror(error));
		goto out;
	}
	if ((fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
	    res->ai_protocol)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, 128) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		xasprintf(cause, "%s: %s", sim_main_cfg.listen, strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
		goto out;
	}
	*v6 = ss.ss_family == AF_INET6;
	portnum = ntohs(*v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	xasprintf(url, "%s://%s%s%s:%u", sim_main_cfg.tls_cert != NULL ? "https" :
	    "http", *v6 ? "[" : "", host, *v6 ? "]" : "", portnum);
out:
	if (res != NULL)
		freeaddrinfo(res);
	free(host);
	return (fd);
}

/* See sim.h. */
int
sim_http_start(char **url, char **cause)
{
	struct MHD_OptionItem	tls[3];
	unsigned int		flags;
	int			v6 = 0;

	if ((listen_fd = http_listen(url, &v6, cause)) == -1)
		return (-1);
	flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_POLL | MHD_USE_ERROR_LOG;
	if (v6)
		flags |= MHD_USE_IPv6;
	if (sim_main_cfg.tls_cert != NULL) {
		if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
			xasprintf(cause, "libmicrohttpd was built without TLS");
			goto fail;
		}
		flags |= MHD_USE_TLS;
	}
	memset(tls, 0, sizeof tls);
	tls[0].option = MHD_OPTION_END;
	if (sim_main_cfg.tls_cert != NULL) {
		tls[0].option = MHD_OPTION_HTTPS_MEM_CERT;
		tls[0].ptr_value = sim_main_cfg.tls_cert;
		tls[1].option = MHD_OPTION_HTTPS_MEM_KEY;
		tls[1].ptr_value = sim_main_cfg.tls_key;
		tls[2].option = MHD_OPTION_END;
	}
	daemon_ = MHD_start_daemon(flags, 0, NULL, NULL, http_access, NULL,
	    MHD_OPTION_LISTEN_SOCKET, listen_fd,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    MHD_OPTION_CONNECTION_LIMIT, sim_main_cfg.max_clients + 64,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)512 * 1024,
	    MHD_OPTION_CONNECTION_TIMEOUT, 300U,
	    MHD_OPTION_UNESCAPE_CALLBACK, http_unescape, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, http_uri, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, NULL,
	    MHD_OPTION_ARRAY, tls,
	    MHD_OPTION_END);
	if (daemon_ == NULL) {
		xasprintf(cause, "cannot start the HTTP server%s",
		    sim_main_cfg.tls_cert != NULL ? " (check the TLS certificate "
		    "and key)" : "");
		goto fail;
	}
	listen_fd = -1;		/* the daemon closes it */
	return (0);
fail:
	free(*url);
	*url = NULL;
	close(listen_fd);
	listen_fd = -1;
	return (-1);
}

/* Stop the daemon: closes every connection and joins their threads. */
void
sim_http_stop(void)
{
	if (daemon_ != NULL)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	if (listen_fd != -1)
		close(listen_fd);
	listen_fd = -1;
}
