/*
 * tui-int.h: what the dashboard's files share: the dashboard state, the
 * view vtable, the list engine and drawing helpers. Private to tui*.c,
 * status.c and view-*.c.
 */
#ifndef TUI_INT_H
#define TUI_INT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "filter.h"
#include "loop.h"
#include "spark.h"
#include "store.h"

struct alerts;
struct cfg;
struct client;
struct msg;
struct runs;

/* Keys: characters are code points, curses function keys are flagged. */
#define TK_FN		0x1000000
#define TK(k)		((k) | TK_FN)
#define TK_CTRL(c)	((c) & 0x1f)
#define TK_ESC		0x1b
#define TK_ENTER	'\r'

/* What a view's key handler did. */
#define V_HANDLED	0x1
#define V_REDRAW	0x2
#define V_QUIT		0x4

/* Colours, by role; one table in tui.c. */
#define TUI_COLOURS							\
	C(COL_NORMAL,	 -1,		 -1,		 0)		\
	C(COL_BAR,	 COLOR_BLACK,	 COLOR_CYAN,	 A_REVERSE)	\
	C(COL_BAR_OK,	 COLOR_BLACK,	 COLOR_GREEN,	 A_REVERSE)	\
	C(COL_BAR_WARN,	 COLOR_BLACK,	 COLOR_YELLOW,	 A_REVERSE|A_BOLD) \
	C(COL_BAR_BAD,	 COLOR_WHITE,	 COLOR_RED,	 A_REVERSE|A_BOLD) \
	C(COL_HEADER,	 COLOR_CYAN,	 -1,		 A_BOLD)	\
	C(COL_HINT,	 -1,		 -1,		 A_DIM)		\
	C(COL_NOTICE,	 COLOR_YELLOW,	 -1,		 A_BOLD)	\
	C(COL_SELECT,	 COLOR_BLACK,	 COLOR_WHITE,	 A_REVERSE)	\
	C(COL_MATCH,	 COLOR_BLACK,	 COLOR_YELLOW,	 A_UNDERLINE|A_BOLD) \
	/* The families: colour and attribute from msg_colours. */	\
	C(COL_LIFECYCLE, -1,		 -1,		 0)		\
	C(COL_DATA,	 -1,		 -1,		 0)		\
	C(COL_PROCESSING, -1,		 -1,		 0)		\
	C(COL_TEST,	 -1,		 -1,		 0)		\
	C(COL_UNKNOWN,	 -1,		 -1,		 0)		\
	C(COL_MARK,	 COLOR_GREEN,	 -1,		 A_BOLD)	\
	C(COL_ERROR,	 COLOR_RED,	 -1,		 A_BOLD)

enum tui_colour {
#define C(name, fg, bg, mono) name,
	TUI_COLOURS
#undef C
	COL_COUNT
};

/* The attribute to draw a colour role with (mono attributes if no colour). */
unsigned	tui_attr(enum tui_colour);
/* The colour role of a message family. */
enum tui_colour tui_family_colour(int family);

struct tui;
struct tui_list;

/*
 * One view: a vtable as tmux's window modes. create() returns the view's
 * state (owned by the dashboard until destroy()); draw() paints rows
 * [y, y + h) of the screen; key() returns V_* flags, 0 if not handled.
 * Optional: enter()/leave() when it becomes or stops being the visible
 * view; ingest() for each stored message (valid during the call);
 * refilter() when the view filter changed; selected() the message under
 * the cursor (for the quick filter keys; NULL if none); info() a short
 * status for the hint line.
 */
struct view {
	const char	 *name;
	const char	 *hints;
	void		*(*create)(struct tui *, const void *arg);
	void		 (*destroy)(struct tui *, void *);
	void		 (*enter)(struct tui *, void *);
	void		 (*leave)(struct tui *, void *);
	void		 (*draw)(struct tui *, void *, int y, int h);
	int		 (*key)(struct tui *, void *, int key);
	void		 (*ingest)(struct tui *, void *, const struct msg *);
	void		 (*refilter)(struct tui *, void *);
	const struct msg *(*selected)(struct tui *, void *);
	void		 (*info)(struct tui *, void *, char *, size_t);
	/* The message list it shows (for w), NULL if none. */
	struct msglist	*(*msglist)(struct tui *, void *);
};

extern const struct view view_messages;
extern const struct view view_detail;
extern const struct view view_runs;
extern const struct view view_run;
extern const struct view view_agents;
extern const struct view view_agent;
extern const struct view view_filters;
extern const struct view view_help;
extern const struct view view_alerts;

enum {
	TOP_MESSAGES, TOP_RUNS, TOP_AGENTS, TOP_FILTERS, TOP_ALERTS, TOP_COUNT
};

struct view_inst {
	const struct view	*view;
	void			*state;
};

#define TUI_STACK_MAX	8

/* The bottom-line prompt; text is UTF-8. */
struct tui_prompt {
	int		  active;
	char		  label[32];
	char		  buf[256];
	size_t		  len;
	void		(*change)(struct tui *, void *, const char *);
	void		(*done)(struct tui *, void *, const char *);
	void		 *arg;
	/* Tab: complete buf in place (NULL: Tab is not taken). */
	void		(*complete)(struct tui *, void *, char *, size_t);
	int		  comp_cycling;	/* Tabs in a row show each match */
	size_t		  comp_i;
	char		  comp_base[256]; /* the text before the first Tab */
	char		  aside[128];	/* drawn dim after the text */
};

#define TUI_RATE_SLOTS	4

struct tui {
	struct loop	*loop;
	struct cfg	*cfg;
	struct client	*client;
	struct store	*store;
	struct runs	*runs;
	struct alerts	*alerts;
	int64_t		 alert_skew;	/* replay: wall time minus its own; the
					   clock of the alerts and pictures */

	struct filter	*vf;		/* the view filter */
	struct filter	*quick_saved[FK_COUNT]; /* undo of t/A/R/S */
	struct filter	*sub_pending;	/* subscription being edited */

	struct view_inst tops[TOP_COUNT];
	int		 top;		/* TOP_* shown at the bottom */
	struct view_inst stack[TUI_STACK_MAX]; /* sub-views above it */
	int		 depth;

	struct tui_prompt prompt;

	/* Screen. */
	int		 active;	/* curses is initialised */
	int		 colour;
	int		 utf8;		/* the user's locale is UTF-8 */
	int		 bell;		/* ring on a new alert (b) */
	int		 rows, cols;
	int		 dirty;
	int64_t		 last_draw;
	struct timer	 redraw;
	struct timer	 tick;

	/* Counters for the status bar. */
	uint64_t	 received;
	int64_t		 last_sent;	/* sent_us of the newest message */
	int64_t		 lag_us;	/* its recv_us - sent_us, INT64_MIN: - */
	int64_t		 last_recv;
	uint64_t	 rate_n[TUI_RATE_SLOTS];
	int64_t		 rate_at[TUI_RATE_SLOTS];
	size_t		 rate_i;
	double		 rate;
	struct spark_ring msg_rate;	/* messages a second, last minute */

	/* History: the marker row of the outage, the line until a key. */
	uint64_t	 lost_seq;
	char		 away[320];

	/* A transient line shown on the hint line. */
	char		 notice[256];
	int64_t		 notice_until;
	int		 notice_bad;

	/* The agents registry is polled (the client owns what it read). */
	int		 reg_polling;

	int		 quit;
	int		 quit_ask;	/* q on a live top view: asking */
	int64_t		 click_at;	/* the last click (mono us), 0 none */
	int		 click_y;
	int		 exit_code;
};

/* tui.c */
void		 tui_dirty(struct tui *);
void		 tui_notice(struct tui *, int bad, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 tui_push(struct tui *, const struct view *, const void *);
void		 tui_show_top(struct tui *, int);
void		 tui_quit(struct tui *, int);
/* tui-cmd.c: the ':' command line. */
void		 tui_cmd_start(struct tui *);
/* tui-report.c: ":report RUN" asks for a file and writes the report. */
void		 tui_report_start(struct tui *, const char *run);
/* w: prompt for a file and write the view-filtered messages to it. */
void		 tui_export_start(struct tui *);

void		 tui_prompt_start(struct tui *, const char *label,
		    const char *init,
		    void (*change)(struct tui *, void *, const char *),
		    void (*done)(struct tui *, void *, const char *), void *);
/* The view filter changed: every view refilters. */
void		 tui_refilter(struct tui *);
/* Show the Agents view with this agent selected. */
void		 view_agents_select(struct tui *, const char *);

/* status.c */
void		 status_draw(struct tui *);
void		 status_hint(struct tui *, const char *hints, const char *info);
void		 status_tick(struct tui *);
const char	*status_conn_words(struct tui *, char *, size_t);

/* tui-util.c: formatting and drawing helpers. */
void		 tui_util_put(int y, int x, int w, const char *, unsigned attr);
int		 tui_util_put_hl(int y, int x, int w, const char *, unsigned attr,
		    const char *pat, unsigned hlattr);
void		 tui_util_fill(int y, int x, int w, unsigned attr);
size_t		 tui_util_wrap_next(const char *, int w, size_t *skip);
int		 tui_util_put_wrap(int y, int x, int w, int rows, const char *,
		    unsigned attr);
char		*tui_util_fit_mid(char *, size_t, const char *, int cols);
char		*tui_util_fmt_clock(char *, size_t, int64_t us, int ms);
char		*tui_util_fmt_stamp(char *, size_t, int64_t us);
char		*tui_util_fmt_dur(char *, size_t, int64_t us);
char		*tui_util_fmt_count(char *, size_t, uint64_t);
const char	*tui_util_strcasestr(const char *, const char *);
uint64_t	 tui_util_hash(int kind, const char *);
size_t		 tui_util_utf8_back(const char *, size_t);

/* A table column; tui_util_cols_layout() places them in a width. */
struct tui_col {
	const char	*title;
	int		 w;		/* width, or minimum when flex */
	int		 drop;		/* 0: always; higher dropped first */
	int		 flex;		/* takes the remaining width */
	int		 right;		/* right-aligned */
	int		 mid;		/* cut in the middle when too wide */
	int		 x;		/* placed by layout; -1 hidden */
	int		 cw;		/* width given by layout */
};
void		 tui_util_cols_layout(struct tui_col *, size_t, int width);
void		 tui_util_cols_header(const struct tui_col *, size_t, int y,
		    int width, unsigned attr);
void		 tui_util_cols_put(const struct tui_col *, size_t i, int y,
		    const char *, unsigned attr);

/* tui-list.c: the one list engine (scroll, select, follow, search). */
#define LIST_SEL	0x1
#define LIST_MATCH	0x2

struct tui_list_ops {
	size_t	 (*count)(void *);
	uint64_t (*key)(void *, size_t);
	/* Row of key, or of the first row after it; count if none. */
	size_t	 (*find)(void *, uint64_t);
	void	 (*draw)(void *, size_t, int y, int w, int flags,
		     const char *search);
	int	 (*match)(void *, size_t, const char *);
};

struct tui_list {
	const struct tui_list_ops *ops;
	void		*arg;
	int		 can_follow;	/* a live list with follow mode */
	int		 follow;
	int		 stable_top;	/* keep the top row by key */
	uint64_t	 sel_key;
	uint64_t	 top_key;
	int		 have_sel;
	size_t		 n, sel, top;
	int		 h;
	int		 y;		/* screen row of its first row */
	uint64_t	 newcount;	/* arrived while paused */
	char		 search[256];
	size_t		 m_at, m_total;	/* the selected match, of how many */
	const char	*wrapped;	/* the last search went round */
};

void		 tui_list_init(struct tui_list *, const struct tui_list_ops *,
		    void *, int can_follow, int stable_top);
void		 tui_list_sync(struct tui_list *);
void		 tui_list_draw(struct tui_list *, int y, int h, int w);
int		 tui_list_key(struct tui_list *, int key);
/* Selected row index, or -1 when the list is empty. */
long		 tui_list_selected(struct tui_list *);
void		 tui_list_select(struct tui_list *, size_t row);
/* A row was appended (for the "new" count while paused). */
void		 tui_list_appended(struct tui_list *, uint64_t);
void		 tui_list_set_follow(struct tui_list *, int);
/* Search from the selection (dir 1 down, -1 up), wrapping. */
int		 tui_list_search(struct tui_list *, int dir, int include);
void		 tui_list_info(struct tui_list *, char *, size_t);
/*
 * The list drawn last and the row at screen line y (for the mouse): NULL
 * if none or after tui_list_forget(), called when views change.
 */
struct tui_list	*tui_list_at(int y, size_t *row);
void		 tui_list_forget(void);

/* view-messages.c: message lists, also used by the run view. */
struct msglist {
	struct tui	*t;
	char		*run;		/* only this run, or NULL */
	struct filter	*only;		/* and only these (an agent), or NULL */
	int		 indexed;	/* idx holds the rows */
	struct seqidx	 idx;
	struct tui_list	 list;
};
void		 view_messages_init(struct msglist *, struct tui *, const char *);
void		 view_messages_only_agent(struct msglist *, const char *);
void		 view_messages_free(struct msglist *);
void		 view_messages_rebuild(struct msglist *);
void		 view_messages_ingest(struct msglist *, const struct msg *);
void		 view_messages_draw(struct msglist *, int y, int h);
int		 view_messages_key(struct msglist *, int key);
const struct msg *view_messages_selected(struct msglist *);
/* Whether the list shows the message (markers aside). */
int		 view_messages_wants(struct msglist *, const struct msg *);
/* The message list of the visible view, or NULL. */
struct msglist	*tui_current_msglist(struct tui *);

/* tui-keys.c: the key reference shown by help (and in the man page). */
struct tui_keyhelp {
	const char	*section;	/* NULL: same as the previous */
	const char	*keys;
	const char	*what;
};
extern const struct tui_keyhelp tui_keys_help[];

#endif
