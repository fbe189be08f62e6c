/*
 * fuzz-msg.c: libFuzzer target for msg_decode() and the text functions.
 * Every field must be sanitized (sanitizing it again changes nothing),
 * capped, and inside the allocation; the raw data must be kept as is; and
 * msg_decode() must give what msg_decode_jansson() gives.
 */
#include "config.h"

#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 init;
	struct msg	*m, *r;
	const char	*s;
	char		*t, fit[64];
	size_t		 n;
	int		 i;

	if (!init) {
		setlocale(LC_CTYPE, "C.UTF-8");
		init = 1;
	}
	m = msg_decode("ev\x1b[0m", (const char *)data, size, 0);
	r = msg_decode_jansson("ev\x1b[0m", (const char *)data, size, 0);
	if (m->is_json != r->is_json || m->sent_us != r->sent_us ||
	    m->family != r->family || m->jsonlen != r->jsonlen)
		abort();
	for (i = 0; i < MF_COUNT; i++) {
		if (strcmp(msg_get(m, i), msg_get(r, i)) != 0)
			abort();
	}
	free(r);
	if (m->jsonlen != size || memcmp(msg_json(m), data, size) != 0 ||
	    msg_json(m)[size] != '\0')
		abort();
	for (i = 0; i < MF_COUNT; i++) {
		if (m->off[i] >= m->size)
			abort();
		s = msg_get(m, i);
		n = strlen(s);
		if (n > 1024 || (i != MF_TEXT && n > 256))
			abort();
		t = text_sanitize(s, n);
		if (strcmp(s, t) != 0)
			abort();
		free(t);
		text_fit(fit, sizeof fit, s, size % 40, size & 1);
		if (text_width(fit) > size % 40)
			abort();
	}
	free(m);
	n = text_sanitize_buf(fit, sizeof fit, (const char *)data, size);
	if (n >= sizeof fit || strlen(fit) != n)
		abort();
	return (0);
}
