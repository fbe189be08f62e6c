/*
 * check.c: swf-dash --check, a doctor. It runs each step of a connection
 * once, in order, and prints a checklist: the configuration and where each
 * value came from, the token file's permissions, DNS, TCP, TLS (protocol,
 * certificate subject, issuer and days until expiry, read with OpenSSL
 * from the connection), the status pre-check, the stream (content type,
 * time to "connected", then whether anything follows), the registration
 * heartbeat and a narrow REST history read. A failed step says what to do.
 * Steps that cannot work after a failure are skipped. The token is never
 * printed, not even in part.
 *
 * The steps use blocking easy handles, one at a time: a doctor runs once
 * and has nothing else to do meanwhile.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "cfg.h"
#include "check.h"
#include "client.h"
#include "loop.h"
#include "net.h"
#include "sse.h"
#include "text.h"
#include "xmalloc.h"

#define CHECK_TCP_MS		5000	/* connect timeout */
#define CHECK_HTTP_S		15L	/* one request */
#define CHECK_CONNECTED_S	5.0	/* headers to "connected" */
#define CHECK_QUIET_MAX		40.0	/* wait for a heartbeat (30-35 s) */
#define CHECK_EXPIRY_DAYS	14	/* warn below this */
#define CHECK_BODY_MAX		(16 * 1024 * 1024)

enum check_mark { CM_OK, CM_WARN, CM_FAIL, CM_SKIP };

struct check {
	struct cfg	*cfg;
	int		 utf8;
	int		 fails;
	int		 token_fails;
	int		 warns;
	char		 host[256];
	char		 port[8];
	int		 https;
};

/* One response, collected. */
struct check_resp {
	long		 code;
	char		*ct;
	struct net_body	 body;		/* at most the request's max */
	CURLcode	 rc;
	char		 errbuf[CURL_ERROR_SIZE];
};

/* The stream step's progress. */
struct check_stream {
	struct sse_parser	*sse;
	CURL			*easy;
	long			 code;
	struct net_body		 body;		/* of an error */
	char			 ct[128];
	int			 headers;	/* response headers complete */
	int64_t			 t0;		/* request start, mono us */
	int64_t			 t_headers;
	int64_t			 t_connected;
	int64_t			 t_next;	/* first event after connected */
	char			 next_type[64];
	char			 client_id[64];
	double			 quiet;		/* seconds to wait after it */
	int			 buffering;	/* no "connected" in time */
};

static void
check_mark(struct check *c, enum check_mark m, const char *step,
    const char *fmt, ...)
{
	static const char *const u[] = { "\342\234\223", "!", "\342\234\227",
	    "-" };
	static const char *const a[] = { "+", "!", "x", "-" };
	va_list	 ap;
	char	 buf[1024], *s;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	s = text_sanitize(buf, strlen(buf));
	printf("%s %-13s %s\n", c->utf8 ? u[m] : a[m], step, s);
	free(s);
	if (m == CM_FAIL)
		c->fails++;
	else if (m == CM_WARN)
		c->warns++;
}

/* The remedy under a failed or warned step. */
static void
check_fix(struct check *c, const char *fmt, ...)
{
	va_list	ap;
	char	buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	printf("  %s %s\n", c->utf8 ? "\342\206\222" : "->", buf);
}

/* --- configuration ------------------------------------------------- */

static int
check_config(struct check *c, const char *load_cause)
{
	struct cfg	*cfg = c->cfg;
	char		*cause;

	if (load_cause != NULL) {
		check_mark(c, CM_FAIL, "config", "%s", load_cause);
		check_fix(c, "correct that file or value, then run --check "
		    "again");
		return (-1);
	}
	if (cfg->file_read != NULL)
		check_mark(c, CM_OK, "config file", "%s read", cfg->file_read);
	else
		check_mark(c, CM_OK, "config file", "none (optional)");
	if (cfg_check(cfg, &cause) != 0 || net_url_check(cfg, &cause) != 0) {
		check_mark(c, CM_FAIL, "config", "%s", cause);
		free(cause);
		check_fix(c, "see ENVIRONMENT and FILES in swf-dash(1)");
		return (-1);
	}
	check_mark(c, CM_OK, "url", "%s (from %s)", cfg->url,
	    cfg_where(cfg, "url"));
	check_mark(c, CM_OK, "name", "%s (from %s)", cfg->name,
	    cfg_where(cfg, "name"));
	if (cfg->token == NULL || *cfg->token == '\0') {
		check_mark(c, CM_FAIL, "token", "not set");
		check_fix(c, "set SWF_API_TOKEN (environment or ~/.env) or "
		    "use --token-file FILE");
		c->token_fails++;
	} else if (cfg->token_file != NULL &&
	    strcmp(cfg_where(cfg, "SWF_API_TOKEN"),
	    cfg_where(cfg, "token-file")) == 0)
		check_mark(c, CM_OK, "token", "set (%zu characters), from the "
		    "file %s (named in %s)", strlen(cfg->token),
		    cfg->token_file, cfg_where(cfg, "token-file"));
	else
		check_mark(c, CM_OK, "token", "set (%zu characters), from %s",
		    strlen(cfg->token), cfg_where(cfg, "SWF_API_TOKEN"));
	if (cfg->cacert != NULL)
		check_mark(c, CM_OK, "CA bundle", "%s (from %s)", cfg->cacert,
		    cfg_where(cfg, "cacert"));
	if (cfg->namespace != NULL)
		check_mark(c, CM_OK, "namespace", "%s (from %s)",
		    cfg->namespace, cfg_where(cfg, "namespace"));
	if (cfg->insecure) {
		check_mark(c, CM_WARN, "insecure", "--insecure: certificates "
		    "are not verified");
		check_fix(c, "give the site's CA with --cacert instead");
	}
	return (0);
}

static void
check_token_file(struct check *c)
{
	struct stat	 sb;
	const char	*path = c->cfg->token_file;

	if (path == NULL)
		return;
	if (stat(path, &sb) == -1) {
		check_mark(c, CM_FAIL, "token file", "%s: %s", path,
		    strerror(errno));
		c->token_fails++;
		return;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		check_mark(c, CM_WARN, "token file", "%s: mode %04o, others "
		    "may read it", path, (unsigned)(sb.st_mode & 07777));
		check_fix(c, "chmod 600 %s", path);
	} else if (sb.st_uid != geteuid()) {
		check_mark(c, CM_WARN, "token file", "%s: mode %04o, owned by "
		    "uid %u, not you", path, (unsigned)(sb.st_mode & 07777),
		    (unsigned)sb.st_uid);
		check_fix(c, "keep the token in a file of your own");
	} else
		check_mark(c, CM_OK, "token file", "%s: mode %04o, yours",
		    path, (unsigned)(sb.st_mode & 07777));
}

/* --- DNS, TCP, TLS ------------------------------------------------- */

static int
check_url_parts(struct check *c)
{
	CURLU	*u;
	char	*host = NULL, *port = NULL, *scheme = NULL;
	int	 rc = -1;

	if ((u = curl_url()) == NULL)
		fatalx("curl_url failed");
	if (curl_url_set(u, CURLUPART_URL, c->cfg->url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK) {
		/* An IPv6 literal comes back in brackets. */
		if (host[0] == '[')
			snprintf(c->host, sizeof c->host, "%.*s",
			    (int)strlen(host) - 2, host + 1);
		else
			snprintf(c->host, sizeof c->host, "%s", host);
		snprintf(c->port, sizeof c->port, "%s", port);
		c->https = strcasecmp(scheme, "https") == 0;
		rc = 0;
	}
	curl_free(host);
	curl_free(port);
	curl_free(scheme);
	curl_url_cleanup(u);
	return (rc);
}

static const char *
check_addr(const struct addrinfo *ai, char *buf, size_t size)
{
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, size, NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(buf, size, "?");
	return (buf);
}

/* Connect to one address within CHECK_TCP_MS; 0 or an errno. */
static int
check_connect(const struct addrinfo *ai, double *ms)
{
	struct pollfd	 pfd;
	socklen_t	 len = sizeof(int);
	int64_t		 t0 = loop_now_mono_us();
	int		 fd, err = 0;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1)
		return (errno);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		if (errno != EINPROGRESS)
			err = errno;
		else {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, CHECK_TCP_MS) != 1)
				err = ETIMEDOUT;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
			    &len) == -1)
				err = errno;
		}
	}
	close(fd);
	*ms = (loop_now_mono_us() - t0) / 1000.0;
	return (err);
}

static int
check_net(struct check *c)
{
	struct addrinfo	 hints, *res, *ai;
	char		 list[512] = "", a[INET6_ADDRSTRLEN + 8];
	double		 ms = 0;
	int		 r, n = 0, err = 0;

	if (check_url_parts(c) != 0) {
		check_mark(c, CM_FAIL, "DNS", "cannot read the URL's host");
		return (-1);
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	if ((r = getaddrinfo(c->host, c->port, &hints, &res)) != 0) {
		check_mark(c, CM_FAIL, "DNS", "%s: %s", c->host,
		    gai_strerror(r));
		check_fix(c, "check the host name in the URL, and the "
		    "resolver (/etc/resolv.conf)");
		return (-1);
	}
	for (ai = res; ai != NULL && n < 4; ai = ai->ai_next, n++) {
		if (n > 0)
			strlcat(list, ", ", sizeof list);
		strlcat(list, check_addr(ai, a, sizeof a), sizeof list);
	}
	check_mark(c, CM_OK, "DNS", "%s is %s", c->host, list);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((err = check_connect(ai, &ms)) == 0)
			break;
	}
	if (ai == NULL) {
		check_mark(c, CM_FAIL, "TCP", "%s port %s: %s", c->host,
		    c->port, strerror(err));
		check_fix(c, "is the monitor up, the port right, and no "
		    "firewall in between?");
		freeaddrinfo(res);
		return (-1);
	}
	check_mark(c, CM_OK, "TCP", "connected to %s port %s in %.1f ms",
	    check_addr(ai, a, sizeof a), c->port, ms);
	freeaddrinfo(res);
	return (0);
}

/* An X509 name as one line ("CN=x,O=y"). */
static void
check_x509_name(X509_NAME *name, char *buf, size_t size)
{
	BIO	*b;
	int	 n;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		fatalx("BIO_new failed");
	X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253);
	n = BIO_read(b, buf, (int)size - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/* What the handshake showed. */
struct check_tls {
	CURL	*easy;
	char	 proto[32];
	char	 subj[256];
	char	 iss[256];
	int	 days;
	int	 read;		/* the certificate was read */
};

/*
 * Read the TLS session from the connection while the transfer is under
 * way: protocol, subject, issuer, days until the end of validity.
 */
static void
check_tls_read(struct check_tls *t)
{
	struct curl_tlssessioninfo	*info = NULL;
	X509				*x;
	SSL				*ssl;
	int				 d = 0, s = 0;

	if (curl_easy_getinfo(t->easy, CURLINFO_TLS_SSL_PTR, &info) !=
	    CURLE_OK || info == NULL || info->backend !=
	    CURLSSLBACKEND_OPENSSL || (ssl = info->internals) == NULL)
		return;
	snprintf(t->proto, sizeof t->proto, "%s", SSL_get_version(ssl));
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	x = SSL_get1_peer_certificate(ssl);
#else
	x = SSL_get_peer_certificate(ssl);
#endif
	if (x == NULL)
		return;
	check_x509_name(X509_get_subject_name(x), t->subj, sizeof t->subj);
	check_x509_name(X509_get_issuer_name(x), t->iss, sizeof t->iss);
	if (ASN1_TIME_diff(&d, &s, NULL, X509_get0_notAfter(x)) == 1) {
		t->days = d;
		t->read = 1;
	}
	X509_free(x);
}

#if LIBCURL_VERSION_NUM >= 0x075000
/* Connected, TLS done, nothing sent yet: read the session and stop, so
 * the request (and its token) never goes out. */
static int
check_tls_prereq(void *arg, char *ip, char *lip, int port, int lport)
{
	check_tls_read(arg);
	return (CURL_PREREQFUNC_ABORT);
}
#endif

/*
 * Handshake only: the transfer is stopped before its request is sent.
 * verify 0 is used only to describe a certificate that failed
 * verification. Returns the handshake's result.
 */
static CURLcode
check_handshake(struct check *c, int verify, struct check_tls *t,
    char *err, size_t esize)
{
	struct net_req	r;
	CURLcode	rc;

	memset(t, 0, sizeof *t);
	net_req_init(&r, c->cfg, c->cfg->url, NULL);
	t->easy = r.easy;
	curl_easy_setopt(r.easy, CURLOPT_CONNECTTIMEOUT, CHECK_HTTP_S);
	if (!verify) {
		curl_easy_setopt(r.easy, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(r.easy, CURLOPT_SSL_VERIFYHOST, 0L);
	}
#if LIBCURL_VERSION_NUM >= 0x075000
	curl_easy_setopt(r.easy, CURLOPT_PREREQFUNCTION, check_tls_prereq);
	curl_easy_setopt(r.easy, CURLOPT_PREREQDATA, t);
#else
	curl_easy_setopt(r.easy, CURLOPT_CONNECT_ONLY, 1L);
#endif
	rc = curl_easy_perform(r.easy);
#if LIBCURL_VERSION_NUM >= 0x075000
	if (rc == CURLE_ABORTED_BY_CALLBACK)
		rc = CURLE_OK;
#endif
	net_reason(err, esize, 0, NULL, 0, rc, r.errbuf);
	net_req_free(&r);
	return (rc);
}

static int
check_tls(struct check *c)
{
	struct check_tls	t, t2;
	char			err[256], e2[256];
	CURLcode		rc;

	if (!c->https) {
		check_mark(c, CM_SKIP, "TLS", "not used: the URL is http://");
		return (0);
	}
	rc = check_handshake(c, !c->cfg->insecure, &t, err, sizeof err);
	if (rc != CURLE_OK) {
		check_mark(c, CM_FAIL, "TLS", "%s", err);
		/* Describe the certificate that was refused. */
		if (check_handshake(c, 0, &t2, e2, sizeof e2) == CURLE_OK &&
		    t2.read)
			printf("  %s; issuer %s; %s %d days%s\n", t2.subj,
			    t2.iss, t2.days < 0 ? "expired" : "expires in",
			    t2.days < 0 ? -t2.days : t2.days,
			    t2.days < 0 ? " ago" : "");
		check_fix(c, "give the site's CA with --cacert FILE (or "
		    "REQUESTS_CA_BUNDLE), check the host name in the URL, or "
		    "have the certificate renewed");
		return (-1);
	}
	if (!t.read) {
		check_mark(c, CM_OK, "TLS", "%s (the certificate could not "
		    "be read)", *t.proto != '\0' ? t.proto : "handshake done");
		return (0);
	}
	check_mark(c, t.days < CHECK_EXPIRY_DAYS ? CM_WARN : CM_OK, "TLS",
	    "%s, subject %s, issuer %s, expires in %d days", t.proto, t.subj,
	    t.iss, t.days);
	if (t.days < CHECK_EXPIRY_DAYS)
		check_fix(c, "the certificate expires in under %d days: have "
		    "it renewed", CHECK_EXPIRY_DAYS);
	return (0);
}

/* --- HTTP steps ---------------------------------------------------- */

static size_t
check_resp_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct check_resp	*r = arg;
	size_t			 len = size * nmemb;

	/* An answer cut is no answer: abort. */
	return (net_body_add(&r->body, p, len) ? len : 0);
}

/* GET (or POST body) url; the answer in *resp. */
static void
check_request(struct check *c, const char *path, const char *post,
    size_t max, struct check_resp *resp)
{
	struct net_req	 r;
	char		*url, *ct = NULL;

	memset(resp, 0, sizeof *resp);
	net_body_init(&resp->body, max);
	url = net_url(c->cfg->url, path);
	net_req_init(&r, c->cfg, url, "application/json");
	free(url);
	curl_easy_setopt(r.easy, CURLOPT_TIMEOUT, CHECK_HTTP_S);
	curl_easy_setopt(r.easy, CURLOPT_WRITEFUNCTION, check_resp_write);
	curl_easy_setopt(r.easy, CURLOPT_WRITEDATA, resp);
	if (post != NULL) {
		net_req_header(&r, "Content-Type: application/json");
		curl_easy_setopt(r.easy, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(post));
		curl_easy_setopt(r.easy, CURLOPT_COPYPOSTFIELDS, post);
	}
	resp->rc = curl_easy_perform(r.easy);
	curl_easy_getinfo(r.easy, CURLINFO_RESPONSE_CODE, &resp->code);
	curl_easy_getinfo(r.easy, CURLINFO_CONTENT_TYPE, &ct);
	resp->ct = xstrdup(ct != NULL ? ct : "");
	memcpy(resp->errbuf, r.errbuf, sizeof resp->errbuf);
	net_req_free(&r);
}

static void
check_resp_free(struct check_resp *r)
{
	net_body_free(&r->body);
	free(r->ct);
}

/*
 * Say what a response that is not a success means; returns 1 if it was
 * the token's fault.
 */
static int
check_http_fail(struct check *c, const char *step, struct check_resp *r)
{
	char	why[300];

	if (r->code == 401 || r->code == 403) {
		check_mark(c, CM_FAIL, step, "HTTP %ld: the token is %s",
		    r->code, c->cfg->token == NULL ? "missing" :
		    "not accepted");
		check_fix(c, "check SWF_API_TOKEN or --token-file: a token "
		    "for this monitor, whole and current");
		c->token_fails++;
		return (1);
	}
	net_reason(why, sizeof why, r->code, r->body.p, r->body.len, r->rc,
	    r->errbuf);
	check_mark(c, CM_FAIL, step, "%s", why);
	if (r->code >= 300 && r->code < 400)
		check_fix(c, "the web server in front of the monitor drops "
		    "the Authorization header: see contrib/apache");
	else if (r->code == 404)
		check_fix(c, "is the URL the monitor's base URL (without "
		    "/api/...)?");
	else if (r->code >= 500 || r->code == 0)
		check_fix(c, "the monitor or its proxy is in trouble: try "
		    "again later, or ask its operators");
	else
		check_fix(c, "see the monitor's answer above");
	return (0);
}

static int
check_status(struct check *c)
{
	struct check_resp	r;
	int			rc = 0;

	check_request(c, "api/messages/stream/status/", NULL, NET_BODY_MAX,
	    &r);
	if (r.rc == CURLE_OK && r.code == 200)
		check_mark(c, CM_OK, "status", "HTTP 200: the token is "
		    "accepted");
	else {
		check_http_fail(c, "status", &r);
		rc = -1;
	}
	check_resp_free(&r);
	return (rc);
}

static void
check_sse_event(const struct sse_event *ev, void *arg)
{
	struct check_stream	*s = arg;
	json_t			*j, *id;
	json_error_t		 err;

	if (s->t_connected == 0) {
		if (strcmp(ev->type, "connected") != 0)
			return;
		s->t_connected = loop_now_mono_us();
		if ((j = json_loadb(ev->data, ev->datalen, 0, &err)) != NULL) {
			id = json_object_get(j, "client_id");
			if (json_is_string(id))
				text_sanitize_buf(s->client_id,
				    sizeof s->client_id, json_string_value(id),
				    json_string_length(id));
			json_decref(j);
		}
		return;
	}
	if (s->t_next == 0) {
		s->t_next = loop_now_mono_us();
		text_sanitize_buf(s->next_type, sizeof s->next_type, ev->type,
		    strlen(ev->type));
	}
}

static size_t
check_stream_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct check_stream	*s = arg;
	size_t			 len = size * nmemb;

	char			*ct = NULL;

	if (len > 5 && strncmp(p, "HTTP/", 5) == 0)
		s->headers = 0;
	else if (len <= 2 && (len == 0 || p[0] == '\r' || p[0] == '\n')) {
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->code);
		if (s->code >= 200) {
			s->headers = 1;
			curl_easy_getinfo(s->easy, CURLINFO_CONTENT_TYPE, &ct);
			snprintf(s->ct, sizeof s->ct, "%s", ct != NULL ? ct :
			    "");
		}
	}
	return (len);
}

static size_t
check_stream_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct check_stream	*s = arg;
	size_t			 len = size * nmemb;

	if (s->code != 200 || strncasecmp(s->ct, "text/event-stream", 17)) {
		/* Its start says enough: stop once full. */
		return (net_body_add(&s->body, p, len) ? len : 0);
	}
	sse_feed(s->sse, p, len);
	return (len);
}

/* Stop the stream once there is enough to say. */
static int
check_stream_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct check_stream	*s = arg;
	int64_t			 now = loop_now_mono_us();

	if (!s->headers)
		return (0);
	if (s->t_headers == 0)
		s->t_headers = now;
	if (s->t_connected == 0) {
		if (now - s->t_headers > CHECK_CONNECTED_S * 1e6) {
			s->buffering = 1;
			return (1);
		}
		return (0);
	}
	if (s->t_next != 0)
		return (1);
	return (now - s->t_connected > s->quiet * 1e6);
}

static void
check_stream_result(struct check *c, struct check_stream *s, CURLcode rc,
    const char *errbuf)
{
	struct check_resp	r;
	double			ms;

	if (s->code != 200 || !s->headers) {
		memset(&r, 0, sizeof r);
		r.code = s->headers ? s->code : 0;
		r.body = s->body;
		r.rc = rc;
		snprintf(r.errbuf, sizeof r.errbuf, "%s", errbuf);
		check_http_fail(c, "stream", &r);
		return;
	}
	if (strncasecmp(s->ct, "text/event-stream", 17) != 0) {
		check_mark(c, CM_FAIL, "stream", "HTTP 200 with Content-Type "
		    "%s, not text/event-stream", *s->ct != '\0' ? s->ct :
		    "(none)");
		check_fix(c, "the URL reaches something other than the "
		    "monitor's stream (a login page, a proxy)");
		return;
	}
	if (s->buffering) {
		check_mark(c, CM_FAIL, "stream", "HTTP 200 and "
		    "text/event-stream, but no \"connected\" event within "
		    "%.0f s: a proxy buffers the stream", CHECK_CONNECTED_S);
		check_fix(c, "turn buffering off for api/messages/stream/ "
		    "(nginx: proxy_buffering off; see contrib/nginx)");
		return;
	}
	if (s->t_connected == 0) {
		check_mark(c, CM_FAIL, "stream", "the stream ended before its "
		    "\"connected\" event");
		check_fix(c, "the monitor's relay (Redis) may be down: ask "
		    "its operators");
		return;
	}
	ms = (s->t_connected - s->t0) / 1000.0;
	check_mark(c, CM_OK, "stream", "text/event-stream, \"connected\" "
	    "in %.0f ms (client id %s)", ms, *s->client_id != '\0' ?
	    s->client_id : "none");
	if (s->t_next != 0)
		check_mark(c, CM_OK, "traffic", "%s after %.1f s", s->next_type,
		    (s->t_next - s->t_connected) / 1e6);
	else if (rc == CURLE_OK) {
		check_mark(c, CM_FAIL, "traffic", "the server ended the "
		    "stream right after \"connected\"");
		check_fix(c, "the monitor's relay (Redis) may be down: ask "
		    "its operators");
	} else {
		check_mark(c, CM_WARN, "traffic", "the stream stays open but "
		    "quiet: no heartbeat or message in %.0f s", s->quiet);
		check_fix(c, "the monitor heartbeats every 30-35 s: a proxy "
		    "may hold them back, or the wait (--idle-timeout) is "
		    "shorter than that");
	}
}

static void
check_stream(struct check *c)
{
	struct check_stream	 s;
	struct net_req		 r;
	char			*url;
	CURLcode		 rc;

	memset(&s, 0, sizeof s);
	net_body_init(&s.body, NET_BODY_MAX);
	s.sse = sse_create(c->cfg->max_event, check_sse_event, &s);
	s.quiet = c->cfg->idle_timeout < CHECK_QUIET_MAX ?
	    c->cfg->idle_timeout : CHECK_QUIET_MAX;
	url = net_stream_url(c->cfg->url, c->cfg->filter,
	    c->cfg->server_filters_all);
	net_req_init(&r, c->cfg, url, "text/event-stream");
	free(url);
	net_req_header(&r, "Cache-Control: no-cache");
	s.easy = r.easy;
	curl_easy_setopt(r.easy, CURLOPT_HEADERFUNCTION, check_stream_header);
	curl_easy_setopt(r.easy, CURLOPT_HEADERDATA, &s);
	curl_easy_setopt(r.easy, CURLOPT_WRITEFUNCTION, check_stream_write);
	curl_easy_setopt(r.easy, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(r.easy, CURLOPT_XFERINFOFUNCTION,
	    check_stream_progress);
	curl_easy_setopt(r.easy, CURLOPT_XFERINFODATA, &s);
	curl_easy_setopt(r.easy, CURLOPT_NOPROGRESS, 0L);
	/* Nothing at all (not even headers): give up as a request would. */
	curl_easy_setopt(r.easy, CURLOPT_TIMEOUT, (long)(CHECK_HTTP_S +
	    CHECK_CONNECTED_S + s.quiet + 1));
	s.t0 = loop_now_mono_us();
	rc = curl_easy_perform(r.easy);
	check_stream_result(c, &s, rc, r.errbuf);
	net_req_free(&r);
	net_body_free(&s.body);
	sse_free(s.sse);
}

static void
check_register(struct check *c)
{
	struct check_resp	 r;
	json_t			*j;
	char			*body, host[256];

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s}",
	    "instance_name", c->cfg->name, "agent_type", "sse_receiver",
	    "status", "EXITED", "operational_state", "EXITED",
	    "description", "swf-dash " PACKAGE_VERSION " --check",
	    "pid", (json_int_t)getpid(), "hostname", host);
	if (j == NULL)
		fatalx("json_pack failed");
	if (c->cfg->namespace != NULL)
		json_object_set_new(j, "namespace",
		    json_string(c->cfg->namespace));
	if ((body = json_dumps(j, JSON_COMPACT)) == NULL)
		fatalx("json_dumps failed");
	json_decref(j);
	check_request(c, "api/systemagents/heartbeat/", body, NET_BODY_MAX,
	    &r);
	free(body);
	if (r.rc == CURLE_OK && (r.code == 200 || r.code == 201))
		check_mark(c, CM_OK, "registration", "HTTP %ld: heartbeat "
		    "accepted for %s (left EXITED)", r.code, c->cfg->name);
	else
		check_http_fail(c, "registration", &r);
	check_resp_free(&r);
}

static void
check_history(struct check *c)
{
	struct check_resp	 r;
	const char		*path = "api/workflow-executions/?status=running";
	json_t			*j, *a;
	json_error_t		 err;

	check_request(c, path, NULL, CHECK_BODY_MAX, &r);
	if (r.rc != CURLE_OK || r.code != 200) {
		check_http_fail(c, "history", &r);
		check_resp_free(&r);
		return;
	}
	j = json_loadb(r.body.p, r.body.len, 0, &err);
	a = json_is_object(j) ? json_object_get(j, "results") : j;
	if (json_is_array(a))
		check_mark(c, CM_OK, "history", "HTTP 200: %zu running "
		    "executions (workflow-executions/?status=running)",
		    json_array_size(a));
	else {
		check_mark(c, CM_FAIL, "history", "HTTP 200, but not a JSON "
		    "list (%s)", *r.ct != '\0' ? r.ct : "no Content-Type");
		check_fix(c, "the REST history is not where the monitor "
		    "keeps it: is this the monitor's base URL?");
	}
	json_decref(j);
	check_resp_free(&r);
}

static void
check_skip(struct check *c, const char *step, const char *why)
{
	check_mark(c, CM_SKIP, step, "skipped: %s", why);
}

int
check_run(struct cfg *cfg, const char *load_cause)
{
	struct check	 c;
	const char	*cs;

	memset(&c, 0, sizeof c);
	c.cfg = cfg;
	/* Whatever a server echoes back, the token is never shown. */
	text_set_secret(cfg->token);
	cs = nl_langinfo(CODESET);
	c.utf8 = cs != NULL && strcasecmp(cs, "UTF-8") == 0;

	printf("swf-dash %s --check\n", PACKAGE_VERSION);
	if (check_config(&c, load_cause) != 0)
		goto done;
	check_token_file(&c);
	if (check_net(&c) != 0 || check_tls(&c) != 0) {
		check_skip(&c, "HTTP", "no connection");
		goto done;
	}
	if (check_status(&c) != 0 && c.token_fails > 0) {
		check_skip(&c, "stream", "the token is not accepted");
		check_skip(&c, "registration", "the token is not accepted");
		check_skip(&c, "history", "the token is not accepted");
	} else {
		check_stream(&c);
		check_register(&c);
		check_history(&c);
	}
done:
	if (c.fails == 0)
		printf("all checks passed%s\n", c.warns > 0 ? ", with "
		    "warnings" : "");
	else
		printf("%d check%s failed\n", c.fails, c.fails > 1 ? "s" : "");
	fflush(stdout);
	text_set_secret(NULL);
	if (c.token_fails > 0)
		return (SWF_EXIT_AUTH);
	return (c.fails > 0 ? SWF_EXIT_PROTOCOL : SWF_EXIT_OK);
}
