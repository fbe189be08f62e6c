/*
 * t-net.c: unit tests for the engine's URL check, net_url_check() (libcurl's
 * CURLU parser): the monitor URL's form, the key and file line named in
 * its message, and plain http only to loopback unless --allow-http.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "net.h"
#include "xmalloc.h"
#include "t.h"

/* Set key to url and check it; the cause (or NULL) into *cause. */
static int
check_url(struct cfg *cfg, const char *key, const char *url, char **cause)
{
	char	*c = NULL;

	if (cfg_set(cfg, key, url, SRC_FLAG, &c) != 0) {
		fprintf(stderr, "cfg_set %s: %s\n", key, c);
		free(c);
		return (-2);
	}
	return (net_url_check(cfg, cause));
}

static void
test_form(void)
{
	static const char *bad[][2] = {
	    { "ftp://x", "must start with http:// or https://" },
	    { "monitor.org", "must start with http:// or https://" },
	    { "https:x", "must start with http:// or https://" },
	    { "https://", "has no host" },
	    { "https:///x", "has no host" },
	    { "https://user:pw@h", "must not contain credentials" },
	    { "https://@h", "must not contain credentials" },
	    { "https://h:0", "has a bad port" },
	    { "https://h:99999", "has a bad port" },
	    { "https://h:abc", "has a bad port" },
	    { "https://h:", "has a bad port" },
	    { "https://h:+80", "has a bad port" },
	    { "https://h x", "must not contain spaces or control characters" },
	    { "https://h?x=1", "must not contain a query or fragment" },
	    { "https://h/#f", "must not contain a query or fragment" },
	    { "https://[::1", "has a bad IPv6 address" },
	    { "https://[zz]", "has a bad IPv6 address" },
	    { "https://h%41/x", "has a bad host" },
	    { "https://h\x1b[31m",
	      "must not contain spaces or control characters" },
	    { "https://h\xc3\xa9",
	      "must not contain spaces or control characters" } };
	static const char *ok[] = { "https://h/x///", "https://h",
	    "HTTPS://Mon.Example.org:8443/swf-monitor",
	    "https://[2001:db8::1]:443/a", "http://127.0.0.1:8000",
	    "https://h_x.example:1/a/b", "https://h:65535" };
	struct cfg	 cfg;
	char		*cause, want[200];
	size_t		 i;

	cfg_init(&cfg);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		CHECK_INT(check_url(&cfg, "url", bad[i][0], &cause), -1);
		if (cause == NULL || strstr(cause, bad[i][1]) == NULL ||
		    strncmp(cause, "url: '", 6) != 0 ||
		    strchr(cause, '\x1b') != NULL) {
			fprintf(stderr, "%s: cause %s, want %s\n", bad[i][0],
			    cause, bad[i][1]);
			CHECK(0);
		}
		free(cause);
	}
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		cause = NULL;
		CHECK_INT(check_url(&cfg, "url", ok[i], &cause), 0);
		if (cause != NULL)
			fprintf(stderr, "%s: %s\n", ok[i], cause);
		free(cause);
	}

	/* The message names the key that set the URL, exactly. */
	CHECK_INT(check_url(&cfg, "SWF_MONITOR_PROD_URL", "gopher://x",
	    &cause), -1);
	CHECK_STR(cause, "SWF_MONITOR_PROD_URL: 'gopher://x' must start "
	    "with http:// or https://");
	free(cause);
	/* And the file and line when a file set it. */
	cfg_free(&cfg);
	cfg_init(&cfg);
	CHECK_INT(cfg_parse_buf(&cfg, "a=b\nurl=https://h:0/\n", 21,
	    "/x/swf-dash.conf", SRC_FILE, &cause), 0);
	CHECK_INT(net_url_check(&cfg, &cause), -1);
	snprintf(want, sizeof want, "%s", "/x/swf-dash.conf:2: url: "
	    "'https://h:0' has a bad port");
	CHECK_STR(cause, want);
	free(cause);
	/* No URL is not this check's business (cfg_check says how). */
	cfg_set(&cfg, "url", "", SRC_FLAG, &cause);
	CHECK_INT(net_url_check(&cfg, &cause), 0);
	CHECK(cause == NULL);
	cfg_free(&cfg);
}

static void
test_http(void)
{
	static const char *lo[] = { "http://localhost",
	    "http://LOCALHOST:8080/x", "http://127.0.0.1",
	    "http://127.5.6.7:1", "http://[::1]:8080/x",
	    "http://[::ffff:127.0.0.1]", "https://example.org",
	    "https://[2001:db8::1]" };
	static const char *far[][2] = {
	    { "http://example.org", "example.org" },
	    { "http://128.0.0.1", "128.0.0.1" },
	    { "http://[::2]", "::2" },
	    { "http://localhost.evil", "localhost.evil" },
	    { "HTTP://10.0.0.1:8000/swf-monitor", "10.0.0.1" } };
	struct cfg	 cfg;
	char		*cause, want[300];
	size_t		 i;

	cfg_init(&cfg);
	for (i = 0; i < sizeof lo / sizeof lo[0]; i++) {
		cause = NULL;
		CHECK_INT(check_url(&cfg, "url", lo[i], &cause), 0);
		if (cause != NULL)
			fprintf(stderr, "%s: %s\n", lo[i], cause);
		free(cause);
	}
	for (i = 0; i < sizeof far / sizeof far[0]; i++) {
		cause = NULL;
		CHECK_INT(check_url(&cfg, "url", far[i][0], &cause), -1);
		snprintf(want, sizeof want, "refusing http:// to %s, which is "
		    "not a loopback address: the token would cross the "
		    "network in clear text; use https:// or --allow-http",
		    far[i][1]);
		CHECK_STR(cause, want);
		free(cause);
	}
	cfg_set(&cfg, "allow-http", NULL, SRC_FLAG, &cause);
	CHECK_INT(net_url_check(&cfg, &cause), 0);
	cfg_free(&cfg);
}

int
main(void)
{
	test_form();
	test_http();
	return (t_done("t-net"));
}
