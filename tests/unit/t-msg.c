/* t-msg.c: unit tests for decoding events into messages. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "xmalloc.h"
#include "t.h"

#define REPL	"\xef\xbf\xbd"

static struct msg *
dec(const char *event, const char *json)
{
	return (msg_decode(event, json, strlen(json), 42));
}

static const char example[] =
    "{\"msg_type\": \"stf_gen\", \"processed_by\": \"daq-simulator-agent\", "
    "\"run_id\": \"run-2025-001\", \"filename\": \"stf_001.dat\", "
    "\"message\": \"STF file generated\", "
    "\"sender_agent\": \"daq-simulator-agent\", "
    "\"recipient_agent\": \"data-agent\", \"queue_name\": \"epictopic\", "
    "\"sent_at\": \"2025-01-15T14:30:25.123Z\"}";

static void
test_example(void)
{
	struct msg	*m = dec("stf_gen", example);
	size_t		 used;
	int		 i;

	CHECK_STR(msg_get(m, MF_TYPE), "stf_gen");
	CHECK_STR(msg_get(m, MF_AGENT), "daq-simulator-agent");
	CHECK_STR(msg_get(m, MF_PROCESSED_BY), "daq-simulator-agent");
	CHECK_STR(msg_get(m, MF_SENDER_AGENT), "daq-simulator-agent");
	CHECK_STR(msg_get(m, MF_SENDER), "");
	CHECK_STR(msg_get(m, MF_RUN), "run-2025-001");
	CHECK_STR(msg_get(m, MF_FILE), "stf_001.dat");
	CHECK_STR(msg_get(m, MF_TEXT), "STF file generated");
	CHECK_STR(msg_get(m, MF_NAMESPACE), "");
	CHECK_STR(msg_get(m, MF_SENT_AT), "2025-01-15T14:30:25.123Z");
	CHECK_INT(m->sent_us, 1736951425123000LL);
	CHECK_INT(m->recv_us, 42);
	CHECK_INT(m->seq, 0);
	CHECK_INT(m->family, FAM_DATA);
	CHECK_INT(m->is_json, 1);
	CHECK_INT(m->jsonlen, strlen(example));
	CHECK_STR(msg_json(m), example);
	/* Equal fields share bytes; empty ones point at the raw data's NUL. */
	CHECK_INT(m->off[MF_AGENT], m->off[MF_PROCESSED_BY]);
	CHECK_INT(m->off[MF_SENDER_AGENT], m->off[MF_PROCESSED_BY]);
	CHECK_INT(m->off[MF_SENDER], m->jsonlen);
	/*
	 * The allocation is tight: header, raw data and NUL; every field
	 * is printable ASCII without escapes, so it is used in place.
	 */
	used = offsetof(struct msg, buf) + m->jsonlen + 1;
	CHECK_INT(m->size, used);
	CHECK_INT(m->off[MF_TYPE], strstr(example, "stf_gen\"") - example);
	for (i = 0; i < MF_COUNT; i++)
		CHECK(m->off[i] < m->size - offsetof(struct msg, buf));
	free(m);
}

/* Fields that need rewriting are copied after the raw data. */
static void
test_layout(void)
{
	static const char	 json[] = "{\"msg_type\": \"a\\u0062\", "
	    "\"sender\": \"\xc3\xa9t\xc3\xa9\", \"run_id\": 7, "
	    "\"state\": \"ab\", \"substate\": \"ab\", \"filename\": \"f\"}";
	struct msg		*m = dec("x", json);
	char			*copy, big[400];

	CHECK_STR(msg_get(m, MF_TYPE), "ab");
	CHECK_STR(msg_get(m, MF_AGENT), "\xc3\xa9t\xc3\xa9");
	CHECK_STR(msg_get(m, MF_RUN), "7");
	CHECK_STR(msg_get(m, MF_STATE), "ab");
	CHECK_STR(msg_get(m, MF_FILE), "f");
	/* Copies: "ab" (state and substate share it), the agent, "7". */
	CHECK_INT(m->size, offsetof(struct msg, buf) + sizeof json +
	    3 + 6 + 2);
	CHECK_INT(m->off[MF_STATE], m->off[MF_TYPE]);
	CHECK_INT(m->off[MF_SUBSTATE], m->off[MF_TYPE]);
	CHECK_INT(m->off[MF_FILE], strstr(json, "f\"}") - json);
	CHECK_INT(m->patched, 1U << MF_FILE);
	CHECK_STR(msg_json(m), json);
	copy = xstrdup(msg_json(m));
	CHECK_STR(msg_json(m), copy);
	free(copy);
	free(m);
	/* Longer than a field may be: cut, so copied. */
	memset(big, 'a', sizeof big);
	memcpy(big, "{\"state\": \"", 11);
	snprintf(big + 11 + 300, sizeof big - 311, "\", \"namespace\": \"n\"}");
	m = dec("x", big);
	CHECK_INT(strlen(msg_get(m, MF_STATE)), 256);
	CHECK_INT(m->patched, 1U << MF_NAMESPACE);
	free(m);
}

/* The fast decoder and jansson's agree. */
static void
same(const char *event, const char *data, size_t len, int line)
{
	struct msg	*a, *b;
	int		 i, ok;

	a = msg_decode(event, data, len, 7);
	b = msg_decode_jansson(event, data, len, 7);
	ok = a->is_json == b->is_json && a->sent_us == b->sent_us &&
	    a->family == b->family && a->jsonlen == b->jsonlen &&
	    a->recv_us == b->recv_us;
	for (i = 0; i < MF_COUNT; i++)
		ok = ok && strcmp(msg_get(a, i), msg_get(b, i)) == 0;
	ok = ok && memcmp(msg_json(a), b->buf, b->jsonlen + 1) == 0;
	if (ok)
		t_passed++;
	else {
		t_failed++;
		fprintf(stderr, "t-msg.c:%d: decoders differ on %.60s\n", line,
		    data);
	}
	free(a);
	free(b);
}
#define SAME(d)	same("ev", d, sizeof(d) - 1, __LINE__)

static void
test_same(void)
{
	SAME("{\"msg_type\": \"stf_gen\", \"run_id\": -0, \"sent_at\": "
	    "\"2025-01-15T14:30:25Z\\u0000junk\"}");
	SAME("{\"timestamp\": 1736951425, \"sent_at\": null}");
	SAME("{\"timestamp\": -5}");
	SAME("{\"timestamp\": 99999999999}");
	SAME("{\"timestamp\": 100000000000}");
	SAME("{\"timestamp\": 1736951425.25, \"run_id\": 2.5}");
	SAME("{\"timestamp\": \"2025-01-15T14:30:25.5+01:00\"}");
	SAME("{\"sent_at\": \"2025-01-15T14:30:25.\\u0031Z\"}");
	SAME("{\"msg_type\": \"\\u001b\", \"sender\": false}");
	SAME("{\"msg_type\": true, \"processed_by\": 12}");
	SAME("{\"message\": [1, {\"a\": \"\\u00e9\"}], \"state\": {}}");
	SAME("{\"message\": \"tab\\there\\u2028\", \"substate\": \"\x7f\"}");
	SAME("{\"filename\": \"\\ud83d\\ude00\", \"namespace\": \"\\/\"}");
	SAME("{\"sender_agent\": \"x\", \"processed_by\": \"x\", "
	    "\"sender\": \"x\"}");
	SAME("{\"msg_type\": \"a\", \"msg_type\": \"b\"}");
	SAME("{\"run_id\": 1e400}");
	SAME("{\"run_id\": 99999999999999999999}");
	SAME("not json");
	SAME("[1]");
	SAME("");
	SAME("{\"a\":\n1,\r\n\"state\": \"s\"}");
	same(NULL, "{}", 2, __LINE__);
	same("", "{\"msg_type\": 5}", 15, __LINE__);
}

static void
test_run_agent(void)
{
	struct msg	*m;

	m = dec("x", "{\"run_id\": 100042}");
	CHECK_STR(msg_get(m, MF_RUN), "100042");
	free(m);
	m = dec("x", "{\"run_id\": -9223372036854775808}");
	CHECK_STR(msg_get(m, MF_RUN), "-9223372036854775808");
	free(m);
	m = dec("x", "{\"run_id\": 100042.0}");
	CHECK_STR(msg_get(m, MF_RUN), "100042");
	free(m);
	m = dec("x", "{\"run_id\": 1.5}");
	CHECK_STR(msg_get(m, MF_RUN), "1.5");
	free(m);
	m = dec("x", "{\"run_id\": 1e300}");
	CHECK_STR(msg_get(m, MF_RUN), "1e+300");
	free(m);
	m = dec("x", "{\"run_id\": \"100042\"}");
	CHECK_STR(msg_get(m, MF_RUN), "100042");
	free(m);
	m = dec("x", "{\"run_id\": null, \"state\": true}");
	CHECK_STR(msg_get(m, MF_RUN), "");
	CHECK_STR(msg_get(m, MF_STATE), "true");
	free(m);
	/* Past 64 bits jansson refuses the number: shown as text. */
	m = dec("x", "{\"run_id\": 99999999999999999999}");
	CHECK_INT(m->is_json, 0);
	free(m);

	m = dec("x", "{\"sender\": \"s\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "s");
	free(m);
	/* The sender's own name comes first... */
	m = dec("x", "{\"sender\": \"s\", \"sender_agent\": \"sa\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "s");
	free(m);
	m = dec("x", "{\"sender\": \"s\", \"sender_agent\": \"sa\", "
	    "\"processed_by\": \"pb\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "s");
	CHECK_STR(msg_get(m, MF_PROCESSED_BY), "pb");
	CHECK_STR(msg_get(m, MF_SENDER), "s");
	CHECK_STR(msg_get(m, MF_SENDER_AGENT), "sa");
	free(m);
	/* ...then processed_by, then the monitor's sender_agent. */
	m = dec("x", "{\"sender_agent\": \"sa\", \"processed_by\": \"pb\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "pb");
	free(m);
	m = dec("x", "{\"sender\": \"\", \"processed_by\": \"\", "
	    "\"sender_agent\": \"sa\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "sa");
	free(m);
	m = dec("x", "{\"sender\": null, \"processed_by\": \"pb\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "pb");
	free(m);
	/* Controls are sanitized away first: nothing left is no name. */
	m = dec("x", "{\"sender\": \"\\u001b[2J\", \"processed_by\": \"pb\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "pb");
	free(m);
	/* The monitor's "unknown" is a placeholder, never an agent... */
	m = dec("x", "{\"sender_agent\": \"unknown\", \"processed_by\": "
	    "\"pb\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "pb");
	CHECK_STR(msg_get(m, MF_SENDER_AGENT), "unknown");
	free(m);
	m = dec("x", "{\"sender\": \"unk\\u006eown\", \"sender_agent\": "
	    "\"sa\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "sa");
	free(m);
	/* ...even when nothing else is there: the message has no agent. */
	m = dec("x", "{\"sender_agent\": \"unknown\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "");
	free(m);
	/* A name that only looks like the placeholder is a name. */
	m = dec("x", "{\"sender\": \"Unknown\", \"processed_by\": \"pb\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "Unknown");
	free(m);
	m = dec("x", "{\"sender\": \"unknown \", \"processed_by\": \"pb\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "unknown ");
	free(m);
}

/*
 * Every combination of the three agent fields, each absent, null, empty,
 * blank, "unknown" or a name: the agent is the first name in the order
 * sender, processed_by, sender_agent, or none; both decoders agree.
 */
static void
test_agent_order(void)
{
	static const char *const keys[3] = { "sender", "processed_by",
	    "sender_agent" };
	static const char *const names[3] = { "s-agent", "pb-agent",
	    "sa-agent" };
	static const char *const vals[] = { NULL, "null", "\"\"", "\"  \"",
	    "\"unknown\"", "\"\\t\"", "NAME" };
	enum { NV = sizeof vals / sizeof vals[0] };
	char		 json[512], *p;
	const char	*want;
	struct msg	*m;
	int		 c, k, v[3], first, n = 0;

	for (c = 0; c < NV * NV * NV; c++) {
		v[0] = c % NV;
		v[1] = c / NV % NV;
		v[2] = c / (NV * NV);
		p = json;
		p += snprintf(p, sizeof json, "{\"msg_type\": \"t\"");
		for (k = 0; k < 3; k++) {
			if (vals[v[k]] == NULL)
				continue;
			if (strcmp(vals[v[k]], "NAME") == 0)
				p += snprintf(p, sizeof json - (p - json),
				    ", \"%s\": \"%s\"", keys[k], names[k]);
			else
				p += snprintf(p, sizeof json - (p - json),
				    ", \"%s\": %s", keys[k], vals[v[k]]);
		}
		snprintf(p, sizeof json - (p - json), "}");
		want = "";
		for (first = 0; first < 3; first++) {
			if (vals[v[first]] != NULL &&
			    strcmp(vals[v[first]], "NAME") == 0) {
				want = names[first];
				break;
			}
		}
		m = dec("x", json);
		if (strcmp(msg_get(m, MF_AGENT), want) != 0) {
			fprintf(stderr, "%s: agent \"%s\", want \"%s\"\n",
			    json, msg_get(m, MF_AGENT), want);
			t_failed++;
		} else
			t_passed++;
		free(m);
		same("x", json, strlen(json), __LINE__);
		n++;
	}
	CHECK_INT(n, 343);
}

/* The message types of PROTOCOL.md's catalogue, as the monitor relays them. */
static void
test_catalogue(void)
{
	struct msg	*m;

	m = dec("stf_gen", "{\"msg_type\": \"stf_gen\", \"sender\": "
	    "\"daq-agent-wenauseic-1\", \"namespace\": \"wenauseic\", "
	    "\"execution_id\": \"stf_datataking-wenauseic-0044\", "
	    "\"run_id\": \"102363\", \"filename\": "
	    "\"swf.102363.000001.stf\", \"sequence\": 1, \"state\": "
	    "\"run\", \"substate\": \"physics\", \"sender_agent\": "
	    "\"daq-agent-wenauseic-1\", \"recipient_agent\": \"all\", "
	    "\"queue_name\": \"epictopic\", \"sent_at\": "
	    "\"2026-06-01T12:00:00.5+00:00\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "daq-agent-wenauseic-1");
	CHECK_INT(m->off[MF_AGENT], m->off[MF_SENDER]);
	CHECK_STR(msg_get(m, MF_RUN), "102363");
	CHECK_STR(msg_get(m, MF_NAMESPACE), "wenauseic");
	CHECK_STR(msg_get(m, MF_FILE), "swf.102363.000001.stf");
	CHECK_STR(msg_get(m, MF_TEXT), "");
	CHECK_INT(m->family, FAM_DATA);
	free(m);
	/* A data agent names itself twice; sender still comes first. */
	m = dec("stf_ready", "{\"msg_type\": \"stf_ready\", \"sender\": "
	    "\"data-agent-wenauseic-2\", \"processed_by\": "
	    "\"data-agent-wenauseic-2\", \"run_id\": \"102363\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "data-agent-wenauseic-2");
	CHECK_INT(m->family, FAM_DATA);
	free(m);
	m = dec("tf_file_registered", "{\"msg_type\": "
	    "\"tf_file_registered\", \"processed_by\": "
	    "\"fastmon-agent-wenauseic-1\", \"status\": \"registered\"}");
	CHECK_STR(msg_get(m, MF_AGENT), "fastmon-agent-wenauseic-1");
	CHECK_STR(msg_get(m, MF_TEXT), "registered");
	free(m);
	/* Types a client does not know show their text. */
	m = dec("announcement", "{\"msg_type\": \"announcement\", "
	    "\"sender\": \"wenauseic\", \"message\": \"beam back at 14:00\", "
	    "\"source\": \"mcp_send_message\"}");
	CHECK_STR(msg_get(m, MF_TEXT), "beam back at 14:00");
	CHECK_INT(m->family, FAM_UNKNOWN);
	free(m);
	m = dec("payload_log_ready", "{\"msg_type\": \"payload_log_ready\", "
	    "\"namespace\": \"prodops\", \"ok\": true, \"status\": "
	    "\"done\", \"summary\": \"3 logs ready\", \"task_name\": \"t\"}");
	CHECK_STR(msg_get(m, MF_TEXT), "3 logs ready");
	CHECK_STR(msg_get(m, MF_NAMESPACE), "prodops");
	free(m);
	m = dec("prodtask_failed", "{\"ok\": false, \"status\": \"failed\", "
	    "\"error\": \"quota exceeded\"}");
	CHECK_STR(msg_get(m, MF_TEXT), "quota exceeded");
	free(m);
	m = dec("canary_assess_complete", "{\"status\": \"green\", "
	    "\"summary\": \"\", \"message\": null}");
	CHECK_STR(msg_get(m, MF_TEXT), "green");
	free(m);
	/* message beats summary beats error beats status. */
	m = dec("x", "{\"status\": \"st\", \"error\": \"er\", "
	    "\"summary\": \"su\", \"message\": \"me\"}");
	CHECK_STR(msg_get(m, MF_TEXT), "me");
	free(m);
	m = dec("x", "{\"status\": \"st\", \"error\": \"er\", "
	    "\"summary\": \"su\"}");
	CHECK_STR(msg_get(m, MF_TEXT), "su");
	free(m);
	m = dec("x", "{\"status\": \"st\", \"error\": \"e\\u0072\"}");
	CHECK_STR(msg_get(m, MF_TEXT), "er");
	free(m);
	/* A structured summary is shown as compact JSON. */
	m = dec("x", "{\"message\": \"\", \"summary\": {\"n\": 3}}");
	CHECK_STR(msg_get(m, MF_TEXT), "{\"n\":3}");
	free(m);
	SAME("{\"message\": \"\", \"summary\": {\"n\": 3}, \"status\": 1}");
	SAME("{\"message\": \"\", \"summary\": 2.5}");
	SAME("{\"summary\": \"\", \"error\": \"\\u00e9\", \"status\": \"s\"}");
	SAME("{\"status\": true}");
	SAME("{\"message\": \"m\", \"status\": 1.5}");
}

static void
test_types(void)
{
	struct msg	*m;
	int		 i;

	m = dec("start_run", "{}");
	CHECK_STR(msg_get(m, MF_TYPE), "start_run");
	CHECK_INT(m->family, FAM_LIFECYCLE);
	CHECK_INT(m->is_json, 1);
	CHECK_INT(m->sent_us, 0);
	for (i = MF_AGENT; i < MF_COUNT; i++)
		CHECK_STR(msg_get(m, i), "");
	CHECK_INT(m->size, offsetof(struct msg, buf) + 3 +
	    strlen("start_run") + 1);
	free(m);
	m = dec("message", "{\"msg_type\": 5}");
	CHECK_STR(msg_get(m, MF_TYPE), "message");
	free(m);
	m = dec("ev", "{\"msg_type\": \"\"}");
	CHECK_STR(msg_get(m, MF_TYPE), "ev");
	free(m);
	m = dec(NULL, "{}");
	CHECK_STR(msg_get(m, MF_TYPE), "message");
	free(m);
	m = dec("heartbeat", "{\"timestamp\": 1736951425.5}");
	CHECK_STR(msg_get(m, MF_TYPE), "heartbeat");
	CHECK_INT(m->family, FAM_UNKNOWN);
	CHECK_INT(m->sent_us, 1736951425500000LL);
	free(m);
	m = dec("x", "{\"timestamp\": \"2025-01-15T14:30:25+02:00\"}");
	CHECK_INT(m->sent_us, 1736944225000000LL);
	free(m);
	m = dec("x", "{\"timestamp\": 1736951425, \"sent_at\": 7}");
	CHECK_INT(m->sent_us, 1736951425000000LL);
	free(m);
	m = dec("x", "{\"sent_at\": \"garbage\", \"timestamp\": 1}");
	CHECK_INT(m->sent_us, 0);
	CHECK_STR(msg_get(m, MF_SENT_AT), "garbage");
	free(m);
	/* Non-JSON data, arrays and bare numbers become text. */
	m = dec("connected", "hello\x1b[31m world\n");
	CHECK_INT(m->is_json, 0);
	CHECK_STR(msg_get(m, MF_TYPE), "connected");
	CHECK_STR(msg_get(m, MF_TEXT), "hello world ");
	CHECK_STR(msg_get(m, MF_RUN), "");
	CHECK_STR(msg_json(m), "hello\x1b[31m world\n");
	free(m);
	m = dec("x", "[1, 2]");
	CHECK_INT(m->is_json, 0);
	CHECK_STR(msg_get(m, MF_TEXT), "[1, 2]");
	free(m);
	m = dec("x", "42");
	CHECK_INT(m->is_json, 0);
	CHECK_STR(msg_get(m, MF_TEXT), "42");
	free(m);
	m = dec("x", "");
	CHECK_INT(m->is_json, 0);
	CHECK_STR(msg_get(m, MF_TEXT), "");
	CHECK_INT(m->jsonlen, 0);
	free(m);
	m = msg_decode("x", "{\"a\":1}\0junk", 12, 0);
	CHECK_INT(m->is_json, 0);
	CHECK_STR(msg_get(m, MF_TEXT), "{\"a\":1}junk");
	CHECK_INT(m->jsonlen, 12);
	free(m);
	/* A message that is an object is shown as compact JSON. */
	m = dec("x", "{\"message\": {\"k\": [1, \"v\"]}}");
	CHECK_STR(msg_get(m, MF_TEXT), "{\"k\":[1,\"v\"]}");
	free(m);
}

static void
test_hostile(void)
{
	static const char *keys[] = { "msg_type", "processed_by",
	    "sender_agent", "sender", "run_id", "filename", "message",
	    "namespace", "state", "substate", "sent_at", "summary", "error",
	    "status" };
	char		 json[4096], *p = json;
	struct msg	*m;
	size_t		 i;
	int		 f;

	p += snprintf(p, sizeof json, "{");
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		p += snprintf(p, sizeof json - (p - json), "%s\"%s\": "
		    "\"\\u001b[31m\\u001b]52;c;aGk=\\u0007\\u009b2J"
		    "\\u202ea\\tb\\u0000c\\u001bP$q\\u001b\\\\\\r\\n\"",
		    i == 0 ? "" : ", ", keys[i]);
	}
	snprintf(p, sizeof json - (p - json), "}");
	m = dec("\x1b[31mev", json);
	CHECK_INT(m->is_json, 1);
	for (f = 0; f < MF_COUNT; f++)
		CHECK_STR(msg_get(m, f), "a bc ");
	free(m);
	m = dec("\x1b]0;title\x07" "ev\x9b", "not json \x1b[6n");
	CHECK_STR(msg_get(m, MF_TYPE), "ev" REPL);
	CHECK_STR(msg_get(m, MF_TEXT), "not json ");
	free(m);
	/* Invalid UTF-8 inside a JSON string: jansson refuses, shown raw. */
	m = dec("x", "{\"message\": \"a\xff\"}");
	CHECK_INT(m->is_json, 0);
	CHECK_STR(msg_get(m, MF_TEXT), "{\"message\": \"a" REPL "\"}");
	free(m);
	/* Duplicate keys: the last one wins. */
	m = dec("x", "{\"msg_type\": \"a\", \"msg_type\": \"b\"}");
	CHECK_STR(msg_get(m, MF_TYPE), "b");
	free(m);
}

static void
test_huge(void)
{
	size_t		 n = 1024 * 1024, i;
	char		*big = xmalloc(n + 64);
	struct msg	*m;

	memcpy(big, "{\"message\": \"", 13);
	memset(big + 13, 'x', n);
	memcpy(big + 13 + n, "\", \"filename\": \"", 16);
	memset(big + 29 + n, '\0', 35);
	m = msg_decode("x", big, 13 + n, 0);	/* unterminated: text */
	CHECK_INT(m->is_json, 0);
	CHECK_INT(strlen(msg_get(m, MF_TEXT)), 1024);
	free(m);
	memcpy(big + 13 + n, "\"}", 2);
	m = msg_decode("x", big, 15 + n, 0);
	CHECK_INT(m->is_json, 1);
	CHECK_INT(strlen(msg_get(m, MF_TEXT)), 1024);
	CHECK_INT(m->jsonlen, 15 + n);
	CHECK(m->size < 15 + n + 2048);
	free(m);
	memcpy(big, "{\"filename\": \"", 14);
	memset(big + 14, 'y', n);
	memcpy(big + 14 + n, "\"}", 2);
	m = msg_decode("x", big, 16 + n, 0);
	CHECK_INT(strlen(msg_get(m, MF_FILE)), 256);
	free(m);
	/* Multi-byte characters are never cut in half at the cap. */
	memcpy(big, "{\"filename\": \"", 14);
	for (i = 0; i < 300; i++)
		memcpy(big + 14 + 3 * i, "\xe2\x82\xac", 3);
	memcpy(big + 14 + 900, "\"}", 2);
	m = msg_decode("x", big, 916, 0);
	CHECK_INT(strlen(msg_get(m, MF_FILE)), 255);
	free(m);
	/* Nesting 10 000 deep fails cleanly in jansson. */
	for (i = 0; i < 10000; i++) {
		big[i] = '[';
		big[20000 - 1 - i] = ']';
	}
	m = msg_decode("x", big, 20000, 0);
	CHECK_INT(m->is_json, 0);
	CHECK_INT(strlen(msg_get(m, MF_TEXT)), 1024);
	free(m);
	memcpy(big, "{\"message\":", 11);
	for (i = 11; i < 10011; i++)
		big[i] = '[';
	for (; i < 20011; i++)
		big[i] = ']';
	big[i++] = '}';
	m = msg_decode("x", big, i, 0);
	CHECK_INT(m->is_json, 0);
	free(m);
	free(big);
}

static void
test_time(void)
{
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25.123Z"),
	    1736951425123000LL);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25Z"), 1736951425000000LL);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25"), 1736951425000000LL);
	CHECK_INT(msg_parse_time("2025-01-15 14:30:25+00:00"),
	    1736951425000000LL);
	CHECK_INT(msg_parse_time("2025-01-15t14:30:25z"), 1736951425000000LL);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25+02:00"),
	    1736944225000000LL);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25+0200"),
	    1736944225000000LL);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25+02"),
	    1736944225000000LL);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25-05:30"),
	    1736971225000000LL);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25.123456789Z"),
	    1736951425123456LL);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25.1+00:00"),
	    1736951425100000LL);
	CHECK_INT(msg_parse_time("2000-03-01T12:00:00.5Z"),
	    951912000500000LL);
	CHECK_INT(msg_parse_time("2024-02-29T00:00:00Z"), 1709164800000000LL);
	CHECK_INT(msg_parse_time("1970-01-01T00:00:00Z"), 0);
	CHECK_INT(msg_parse_time(""), -1);
	CHECK_INT(msg_parse_time(NULL), -1);
	CHECK_INT(msg_parse_time("garbage"), -1);
	CHECK_INT(msg_parse_time("2025-01-15"), -1);
	CHECK_INT(msg_parse_time("2025-01-15T14:30"), -1);
	CHECK_INT(msg_parse_time("2025-13-01T00:00:00Z"), -1);
	CHECK_INT(msg_parse_time("2025-02-29T00:00:00Z"), -1);
	CHECK_INT(msg_parse_time("2025-04-31T00:00:00Z"), -1);
	CHECK_INT(msg_parse_time("2025-01-15T24:00:00Z"), -1);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25Zjunk"), -1);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25.Z"), -1);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25+2:00"), -1);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25+02:0"), -1);
	CHECK_INT(msg_parse_time("2025-01-15T14:30:25 "), -1);
	CHECK_INT(msg_parse_time("+2025-01-15T14:30:25Z"), -1);
}

static void
test_family(void)
{
	CHECK_INT(msg_family_of("run_imminent"), FAM_LIFECYCLE);
	CHECK_INT(msg_family_of("end_run"), FAM_LIFECYCLE);
	CHECK_INT(msg_family_of("stf_gen"), FAM_DATA);
	CHECK_INT(msg_family_of("stf_ready"), FAM_DATA);
	CHECK_INT(msg_family_of("data_ready"), FAM_DATA);
	CHECK_INT(msg_family_of("tf_file_registered"), FAM_DATA);
	CHECK_INT(msg_family_of("processing_complete"), FAM_PROCESSING);
	CHECK_INT(msg_family_of("processing_started"), FAM_PROCESSING);
	CHECK_INT(msg_family_of("sse_test"), FAM_TEST);
	CHECK_INT(msg_family_of("heartbeat"), FAM_UNKNOWN);
	CHECK_INT(msg_family_of(""), FAM_UNKNOWN);
	CHECK_INT(msg_is_lifecycle("pause_run"), 1);
	CHECK_INT(msg_is_lifecycle("resume_run"), 1);
	CHECK_INT(msg_is_lifecycle("start_run"), 1);
	CHECK_INT(msg_is_lifecycle("stf_gen"), 0);
	CHECK_INT(msg_is_lifecycle("End_run"), 0);
}

/* The catalogue of PROTOCOL.md's Messages table, for the -m warning. */
static void
test_known_types(void)
{
	const char	*known[] = { "run_imminent", "start_run", "resume_run",
	    "pause_run", "end_run", "stf_gen", "stf_ready",
	    "tf_file_registered", "sse_test", "processing_complete",
	    "announcement", "payload_log_ready", "prodtask_created",
	    "panda_task_operation_done", "canary_assess_complete",
	    "tf_ready" };
	const char	*unknown[] = { "data_ready", "stf_gen2", "Stf_gen",
	    "", "_ready", "prodtask_", "heartbeat", "connected", "endrun" };
	size_t		 i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		CHECK_INT(msg_type_known(known[i]), 1);
	for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
		CHECK_INT(msg_type_known(unknown[i]), 0);
}

int
main(void)
{
	test_example();
	test_layout();
	test_same();
	test_run_agent();
	test_agent_order();
	test_catalogue();
	test_types();
	test_hostile();
	test_huge();
	test_time();
	test_family();
	test_known_types();
	return (t_done("t-msg"));
}
