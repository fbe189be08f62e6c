/*
 * fuzz-cfg.c: libFuzzer target for cfg_parse_buf() and cfg_check(), as a
 * config file and as ~/.env. The input is parsed twice, under two
 * different tokens set from a flag: the causes must be identical, so no
 * cause can carry the token (the unit tests cover tokens from files).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
quiet(enum log_level level, const char *line, void *arg)
{
}

/* Parse and check; return both causes joined (never NULL). */
static char *
parse(const uint8_t *data, size_t size, int src, const char *token)
{
	struct cfg	 cfg;
	char		*c1 = NULL, *c2 = NULL, *s;

	cfg_init(&cfg);
	if (cfg_set(&cfg, "SWF_API_TOKEN", token, SRC_FLAG, &c1) != 0)
		abort();
	cfg_parse_buf(&cfg, (const char *)data, size, "fuzz", src, &c1);
	cfg_check(&cfg, &c2);
	if (asprintf(&s, "%s|%s", c1 != NULL ? c1 : "",
	    c2 != NULL ? c2 : "") == -1)
		abort();
	free(c1);
	free(c2);
	cfg_free(&cfg);
	return (s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*a, *b;
	int	 src;

	log_set_sink(quiet, NULL);
	for (src = SRC_FILE; src <= SRC_DOTENV; src++) {
		a = parse(data, size, src, "TokenAAAA1111");
		b = parse(data, size, src, "TokenBBBB2222");
		if (strcmp(a, b) != 0)
			abort();
		free(a);
		free(b);
	}
	return (0);
}
