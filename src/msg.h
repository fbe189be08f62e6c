/*
 * msg.h: a workflow message decoded from one SSE event's data, holding the
 * raw JSON as received plus sanitized display fields, in one allocation.
 * Fields that need no rewriting are kept inside the raw JSON itself.
 */
#ifndef MSG_H
#define MSG_H

#include <stddef.h>
#include <stdint.h>

enum msg_field {
	MF_TYPE,	/* msg_type, else the SSE event name */
	MF_AGENT,	/* the sender: first of sender, processed_by,
			   sender_agent that is not empty or "unknown" */
	MF_PROCESSED_BY,
	MF_SENDER_AGENT,
	MF_SENDER,
	MF_RUN,		/* run_id as text, whether number or string */
	MF_FILE,	/* filename */
	MF_TEXT,	/* first of message, summary, error, status; or
			   the raw data when not JSON */
	MF_NAMESPACE,
	MF_STATE,
	MF_SUBSTATE,
	MF_SENT_AT,	/* as received */
	MF_COUNT
};

/* Colour/type families for display. */
enum msg_family {
	FAM_LIFECYCLE,	/* run_imminent start_run pause_run resume_run end_run */
	FAM_DATA,	/* stf_gen stf_ready data_ready tf_file_registered */
	FAM_PROCESSING,	/* processing_complete and other processing_* */
	FAM_TEST,	/* sse_test */
	FAM_UNKNOWN,
	FAM_MARKER	/* not a message: the dashboard's marker row */
};

/*
 * The one colour table of the families (FAM_LIFECYCLE to FAM_UNKNOWN),
 * for the dashboard and --output plain alike: fg is an ANSI colour
 * number (0-7, the numbering of curses' COLOR_*), -1 for the terminal's
 * own; attr is MSG_BOLD, MSG_DIM or 0.
 */
#define MSG_BOLD	1
#define MSG_DIM		2
struct msg_colour {
	int	fg;
	int	attr;
};
extern const struct msg_colour msg_colours[FAM_MARKER];

struct msg {
	uint64_t	 seq;		/* set by the store; 0 before */
	int64_t		 recv_us;	/* receive time, unix microseconds */
	int64_t		 sent_us;	/* sent_at as unix us, 0 if absent/bad */
	uint32_t	 jsonlen;	/* bytes of raw data, without the NUL */
	uint32_t	 size;		/* bytes of this whole allocation */
	uint32_t	 off[MF_COUNT];	/* offsets of the fields in buf */
	uint8_t		 family;	/* enum msg_family */
	uint8_t		 is_json;	/* data parsed as a JSON object */
	uint16_t	 patched;	/* fields kept inside the raw data */
	char		 buf[];		/* raw data, NUL, then the fields */
};

/*
 * Decode one event. event is the SSE event type, data/len its data (not
 * trusted: any bytes, any length). Never fails: data that is not a JSON
 * object becomes a message whose MF_TEXT is the sanitized data. Every
 * field is sanitized (text_sanitize) and capped to a sane length. The
 * caller owns the result and frees it with free().
 */
struct msg	*msg_decode(const char *event, const char *data, size_t len,
		    int64_t recv_us);

/*
 * The same decoding done by jansson alone, the way msg_decode() handles
 * the shapes its scanner leaves to jansson. For tests and fuzzing, which
 * check that both give the same fields.
 */
struct msg	*msg_decode_jansson(const char *event, const char *data,
		    size_t len, int64_t recv_us);

/* A display field; never NULL ("" when missing). Valid while m lives. */
static inline const char *
msg_get(const struct msg *m, enum msg_field f)
{
	return (m->buf + m->off[f]);
}

/*
 * The raw data as received (m->jsonlen bytes), NUL-terminated. When some
 * fields are kept inside it, it is rebuilt into a buffer shared by all
 * messages: valid until the next msg_json() call, whatever the message.
 */
const char	*msg_json(const struct msg *m);

/* The family of a message type name. */
enum msg_family	 msg_family_of(const char *type);

/* Parse ISO 8601 (with optional fraction and Z/+hh:mm) to unix us; -1 bad. */
int64_t		 msg_parse_time(const char *);

/* Whether a message type is a run lifecycle type. */
int		 msg_is_lifecycle(const char *type);

/*
 * Whether type is one PROTOCOL.md's Messages table names (with its
 * patterns prodtask_* and *_ready; data_ready, renamed stf_ready, is not).
 */
int		 msg_type_known(const char *type);

#endif
