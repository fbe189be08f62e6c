/*
 * net.c: libcurl plumbing shared by every API call: one policy for easy
 * handles, URL building and the words for failed responses.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cfg.h"
#include "log.h"
#include "net.h"
#include "text.h"
#include "xmalloc.h"

/*
 * Whether url is plain http:// to loopback (an ssh tunnel, say): such a
 * request must never go through a proxy, which would see the token in
 * clear text.
 */
static int
net_plain_loopback(const char *url)
{
	CURLU	*u;
	char	*scheme = NULL, *host = NULL;
	size_t	 n;
	int	 yes = 0;

	if ((u = curl_url()) == NULL)
		fatalx("curl_url failed");
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    strcasecmp(scheme, "https") != 0) {
		n = strlen(host);
		if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
			memmove(host, host + 1, n - 2);
			host[n - 2] = '\0';
		}
		yes = cfg_is_loopback(host);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return (yes);
}

void
net_req_init(struct net_req *r, const struct cfg *cfg, const char *url,
    const char *accept)
{
	char	*h;
	CURL	*e;

	memset(r, 0, sizeof *r);
	if ((e = r->easy = curl_easy_init()) == NULL)
		fatalx("curl_easy_init failed");
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 15L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 20L);
	curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, cfg->insecure ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, cfg->insecure ? 0L : 2L);
	/* Plain http to loopback: never through http_proxy or ALL_PROXY. */
	if (net_plain_loopback(url))
		curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	if (cfg->cacert != NULL && *cfg->cacert != '\0')
		curl_easy_setopt(e, CURLOPT_CAINFO, cfg->cacert);

	if (cfg->token != NULL && *cfg->token != '\0') {
		xasprintf(&h, "Authorization: Token %s", cfg->token);
		net_req_header(r, h);
		explicit_bzero(h, strlen(h));
		free(h);
	}
	if (accept != NULL) {
		xasprintf(&h, "Accept: %s", accept);
		net_req_header(r, h);
		free(h);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
}

void
net_req_header(struct net_req *r, const char *line)
{
	struct curl_slist	*n;

	if ((n = curl_slist_append(r->hdrs, line)) == NULL)
		fatalx("curl_slist_append failed");
	r->hdrs = n;
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
}

void
net_req_free(struct net_req *r)
{
	struct curl_slist	*n;

	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	r->easy = NULL;
	for (n = r->hdrs; n != NULL; n = n->next)
		explicit_bzero(n->data, strlen(n->data));
	curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
}

/*
 * Parse url with libcurl's CURLU: scheme http or https only, a host (an
 * IPv6 literal in brackets, checked by libcurl), a port in 1-65535 if
 * any; no credentials, query or fragment, no spaces, control or
 * non-ASCII bytes. Returns 0 with *https and *host (brackets removed,
 * free it), or -1 with *why.
 */
static int
net_url_parse(const char *url, int *https, char **host, const char **why)
{
	CURLU		*u;
	CURLUcode	 uc;
	char		*scheme = NULL, *h = NULL, *port = NULL, *user = NULL;
	const char	*p, *a, *errstr = NULL;
	size_t		 n, alen;
	int		 rc = -1;

	*host = NULL;
	*why = "is not a valid URL";
	for (p = url; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
			*why = "must not contain spaces or control characters";
			return (-1);
		}
	}
	if (strpbrk(url, "?#") != NULL) {
		*why = "must not contain a query or fragment";
		return (-1);
	}
	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0) {
		/* "https://" is stored without its trailing slashes. */
		if (strcasecmp(url, "http:") == 0 ||
		    strcasecmp(url, "https:") == 0)
			*why = "has no host";
		else
			*why = "must start with http:// or https://";
		return (-1);
	}
	if ((u = curl_url()) == NULL)
		fatalx("curl_url failed");
	uc = curl_url_set(u, CURLUPART_URL, url, 0);
	if (uc == CURLUE_OK)
		uc = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	if (uc == CURLUE_OK && strcmp(scheme, "https") != 0 &&
	    strcmp(scheme, "http") != 0)
		uc = CURLUE_BAD_SCHEME;
	n = scheme != NULL ? strlen(scheme) : 0;
	switch (uc) {
	case CURLUE_OK:
		break;
	case CURLUE_BAD_SCHEME:
	case CURLUE_UNSUPPORTED_SCHEME:
		*why = "must start with http:// or https://";
		goto out;
	case CURLUE_NO_HOST:
		*why = "has no host";
		goto out;
	case CURLUE_BAD_PORT_NUMBER:
		*why = "has a bad port";
		goto out;
	case CURLUE_BAD_IPV6:
		*why = "has a bad IPv6 address";
		goto out;
	case CURLUE_BAD_HOSTNAME:
		*why = "has a bad host";
		goto out;
	default:
		goto out;
	}
	/* The authority as written: libcurl forgives "h:", "///h", "h%41". */
	a = url + n + 3;
	alen = strcspn(a, "/");
	if (alen == 0) {
		*why = "has no host";
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) != CURLUE_NO_USER ||
	    memchr(a, '@', alen) != NULL) {
		*why = "must not contain credentials";
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK || *h == '\0') {
		*why = "has no host";
		goto out;
	}
	if (*h != '[' && (h[strspn(h, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")] != '\0' ||
	    memchr(a, '%', alen) != NULL)) {
		*why = "has a bad host";
		goto out;
	}
	uc = curl_url_get(u, CURLUPART_PORT, &port, 0);
	if (uc == CURLUE_OK)
		strtonum(port, 1, 65535, &errstr);
	if ((uc == CURLUE_OK && errstr != NULL) ||
	    (uc == CURLUE_NO_PORT && a[alen - 1] == ':')) {
		*why = "has a bad port";
		goto out;
	}
	n = strlen(h);
	if (n > 2 && h[0] == '[' && h[n - 1] == ']')
		*host = xstrndup(h + 1, n - 2);
	else
		*host = xstrdup(h);
	*https = strcmp(scheme, "https") == 0;
	rc = 0;
out:
	curl_free(scheme);
	curl_free(h);
	curl_free(port);
	curl_free(user);
	curl_url_cleanup(u);
	return (rc);
}

int
net_url_check(const struct cfg *cfg, char **cause)
{
	const char	*why;
	char		*host, q[80];
	int		 https, rc = 0;

	*cause = NULL;
	if (cfg->url == NULL)
		return (0);
	if (net_url_parse(cfg->url, &https, &host, &why) != 0) {
		text_sanitize_buf(q, sizeof q, cfg->url, strlen(cfg->url));
		if (cfg->url_key == NULL)
			xasprintf(cause, "monitor URL '%s' %s", q, why);
		else if (cfg->url_where != NULL)
			xasprintf(cause, "%s: %s: '%s' %s", cfg->url_where,
			    cfg->url_key, q, why);
		else
			xasprintf(cause, "%s: '%s' %s", cfg->url_key, q, why);
		return (-1);
	}
	if (!https && !cfg->allow_http && !cfg_is_loopback(host)) {
		text_sanitize_buf(q, sizeof q, host, strlen(host));
		xasprintf(cause, "refusing http:// to %s, which is not a "
		    "loopback address: the token would cross the network in "
		    "clear text; use https:// or --allow-http", q);
		rc = -1;
	}
	free(host);
	return (rc);
}

char *
net_url(const char *base, const char *path)
{
	char	*s;
	size_t	 n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	xasprintf(&s, "%.*s/%s", (int)n, base, path);
	return (s);
}

void
net_host(const char *url, char *buf, size_t size)
{
	CURLU	*u;
	char	*host = NULL, *port = NULL;

	snprintf(buf, size, "%s", "?");
	if ((u = curl_url()) == NULL)
		fatalx("curl_url failed");
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
			snprintf(buf, size, "%s:%s", host, port);
		else
			snprintf(buf, size, "%s", host);
	}
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

/*
 * An HTML page (a proxy's or the framework's error page) summarised as
 * its <title>, spaces folded; NULL if body is not HTML with a title.
 */
static char *
net_html_title(const char *body, size_t len)
{
	const char	*p = body, *end = body + len, *t, *e;
	char		 buf[200];
	size_t		 n = 0;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	if (p == end || *p != '<')
		return (NULL);
	for (t = p; t + 7 <= end; t++) {
		if (strncasecmp(t, "<title", 6) == 0 &&
		    (t[6] == '>' || t[6] == ' '))
			break;
	}
	if (t + 7 > end || (t = memchr(t, '>', end - t)) == NULL)
		return (NULL);
	for (t++, e = t; e < end && *e != '<'; e++)
		;
	for (; t < e && n < sizeof buf - 1; t++) {
		if (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n') {
			if (n > 0 && buf[n - 1] != ' ')
				buf[n++] = ' ';
		} else
			buf[n++] = *t;
	}
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	if (n == 0)
		return (NULL);
	buf[n] = '\0';
	return (text_sanitize(buf, n));
}

char *
net_detail(const char *body, size_t len)
{
	json_t		*j, *d;
	json_error_t	 err;
	const char	*nl;
	char		*s;

	if (body == NULL || len == 0)
		return (xstrdup(""));
	if ((j = json_loadb(body, len, 0, &err)) != NULL) {
		d = json_is_object(j) ? json_object_get(j, "detail") : NULL;
		if (json_is_string(d)) {
			s = text_sanitize(json_string_value(d),
			    json_string_length(d));
			json_decref(j);
			return (s);
		}
		json_decref(j);
	}
	if ((s = net_html_title(body, len)) != NULL)
		return (s);
	if ((nl = memchr(body, '\n', len)) != NULL)
		len = nl - body;
	if (len > 200)
		len = 200;
	return (text_sanitize(body, len));
}

void
net_reason(char *buf, size_t size, long code, const char *body,
    size_t bodylen, CURLcode rc, const char *errbuf)
{
	const char	*e;
	char		*d;

	if (code == 0 || (rc != CURLE_OK && code < 200)) {
		e = errbuf;
		if (e == NULL || *e == '\0')
			e = curl_easy_strerror(rc);
		d = text_sanitize(e, strlen(e));
		/* libcurl's words for these would mislead. */
		if (rc == CURLE_OK)
			snprintf(buf, size, "the connection closed before the "
			    "response headers were complete");
		else if (rc == CURLE_OUT_OF_MEMORY)
			snprintf(buf, size, "the response headers are too "
			    "large to read (libcurl: %s)", d);
		else
			snprintf(buf, size, "%s", d);
		free(d);
		return;
	}
	if (code >= 300 && code < 400) {
		snprintf(buf, size, "HTTP %ld redirect: %s", code,
		    NET_REDIRECT_TEXT);
		return;
	}
	d = net_detail(body, bodylen);
	if (*d != '\0')
		snprintf(buf, size, "HTTP %ld: %s", code, d);
	else
		snprintf(buf, size, "HTTP %ld", code);
	free(d);
}

void
net_auth_reason(char *buf, size_t size, const struct cfg *cfg, long code,
    const char *body, size_t bodylen)
{
	char	*d, *hint;

	d = net_detail(body, bodylen);
	if (cfg->token == NULL || *cfg->token == '\0')
		snprintf(buf, size, "token missing (HTTP %ld%s%s): set "
		    "SWF_API_TOKEN or use --token-file", code,
		    *d != '\0' ? ": " : "", d);
	else {
		hint = cfg_token_hint(cfg->token);
		snprintf(buf, size, "token %s rejected (HTTP %ld%s%s): check "
		    "SWF_API_TOKEN or --token-file", hint, code,
		    *d != '\0' ? ": " : "", d);
		free(hint);
	}
	free(d);
}

void
net_call_reason(char *buf, size_t size, const struct cfg *cfg, long code,
    const char *body, size_t bodylen, CURLcode rc, const char *errbuf)
{
	if (code == 401 || code == 403)
		net_auth_reason(buf, size, cfg, code, body, bodylen);
	else
		net_reason(buf, size, code, body, bodylen, rc, errbuf);
}

void
net_body_init(struct net_body *b, size_t max)
{
	b->cap = 1;
	b->p = xcalloc(1, 1);
	b->len = 0;
	b->max = max;
}

int
net_body_add(struct net_body *b, const char *p, size_t len)
{
	size_t	n = len, cap;

	if (n > b->max - b->len)
		n = b->max - b->len;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap;
		while (cap < b->len + n + 1)
			cap = cap < 4096 ? 4096 : cap * 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		b->p = xreallocarray(b->p, 1, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return (n == len);
}

void
net_body_reset(struct net_body *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

void
net_body_free(struct net_body *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}
