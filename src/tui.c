/*
 * tui.c: the terminal dashboard: curses set-up and teardown, colours, the
 * view stack, key dispatch, redraw throttling, signals, and the sink that
 * takes messages from the client into the store and the aggregates.
 *
 * Everything runs on the one loop: stdin is a watched descriptor read
 * until ERR (a key is answered with a frame at once), signals arrive
 * through the loop's self-pipe, and a redraw timer draws at most every
 * TUI_FRAME_US when something is dirty. Messages come from the client's
 * worker in slices of at most LOOP_SLICE_US, so a flood is ingested
 * between keys and frames and never delays them; nothing here runs
 * inside a libcurl callback.
 */
#include "config.h"

#include <sys/ioctl.h>

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "alert.h"
#include "cfg.h"
#include "client.h"
#include "history.h"
#include "log.h"
#include "msg.h"
#include "run.h"
#include "text.h"
#include "tui.h"
#include "tui-int.h"
#include "utf8.h"
#include "xmalloc.h"

#define TUI_FRAME_US	33333		/* at most ~30 frames a second */
#define TUI_NOTICE_US	5000000
#define TUI_DOUBLE_US	400000		/* two clicks this close: double */
#define TUI_TABS_Y	2		/* the screen line of the tabs */
#define TUI_OSC52_MAX	(100 * 1024)	/* bytes copied with y */
#define TUI_MIN_COLS	40		/* smaller: "terminal too small" */
#define TUI_MIN_ROWS	8

static struct {
	short		fg, bg;
	unsigned	mono;
} tui_colours[] = {
#define C(name, fg, bg, mono) { fg, bg, mono },
	TUI_COLOURS
#undef C
};

static unsigned		 tui_attrs[COL_COUNT];
static struct tui	*tui_global;	/* for the fatal hook only */

static const struct view *const tui_top_views[TOP_COUNT] = {
	&view_messages, &view_runs, &view_agents, &view_filters, &view_alerts
};

static void	tui_draw(struct tui *);

unsigned
tui_attr(enum tui_colour c)
{
	return (tui_attrs[c]);
}

enum tui_colour
tui_family_colour(int family)
{
	switch (family) {
	case FAM_LIFECYCLE:
		return (COL_LIFECYCLE);
	case FAM_DATA:
		return (COL_DATA);
	case FAM_PROCESSING:
		return (COL_PROCESSING);
	case FAM_TEST:
		return (COL_TEST);
	case FAM_MARKER:
		return (COL_NOTICE);
	default:
		return (COL_UNKNOWN);
	}
}

/*
 * Colour pairs from the table, or its mono attributes; the families'
 * come from msg_colours, the table --output plain uses too.
 */
static void
tui_colour_init(struct tui *t)
{
	const char	*nc = getenv("NO_COLOR");
	int		 i, defaults, f;
	short		 fg, bg;

	for (f = 0; f < FAM_MARKER; f++) {
		i = tui_family_colour(f);
		tui_colours[i].fg = msg_colours[f].fg;
		tui_colours[i].mono = msg_colours[f].attr == MSG_BOLD ?
		    A_BOLD : msg_colours[f].attr == MSG_DIM ? A_DIM : 0;
	}

	t->colour = has_colors() && !t->cfg->no_color &&
	    (nc == NULL || *nc == '\0');
	if (t->colour && start_color() == ERR)
		t->colour = 0;
	defaults = t->colour && use_default_colors() == OK;
	for (i = 0; i < COL_COUNT; i++) {
		if (!t->colour) {
			tui_attrs[i] = tui_colours[i].mono;
			continue;
		}
		fg = tui_colours[i].fg;
		bg = tui_colours[i].bg;
		if (!defaults) {
			fg = fg == -1 ? COLOR_WHITE : fg;
			bg = bg == -1 ? COLOR_BLACK : bg;
		}
		if (i == COL_NORMAL) {
			tui_attrs[i] = A_NORMAL;
			continue;
		}
		init_pair(i, fg, bg);
		tui_attrs[i] = COLOR_PAIR(i) |
		    (tui_colours[i].mono & (A_BOLD | A_DIM));
	}
}

/*
 * The environment's locale, never another: a terminal set up for a
 * locale that is not UTF-8 would take the bytes of UTF-8 text for other
 * characters, 0x80-0x9F among them for C1 controls, so main() has told
 * the sanitizer to write ASCII then (text_set_ascii()). Returns whether
 * the locale is UTF-8 (else the pictures stay ASCII too).
 */
static int
tui_locale(void)
{
	const char	*cs;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	return (cs != NULL && strcmp(cs, "UTF-8") == 0);
}

static void
tui_fatal_hook(void)
{
	if (tui_global != NULL && tui_global->active) {
		tui_global->active = 0;
		endwin();
	}
}

static SCREEN		*tui_screen;

/*
 * A crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) gives the terminal
 * back before the process dies. A handler may only call what is
 * async-signal-safe, so what it needs is prepared when curses starts: the
 * terminal's modes from before, and the terminfo strings that leave the
 * alternate screen, show the cursor and reset the attributes.
 */
static const int	 tui_crash_signals[] = {
	SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT
};
#define TUI_CRASH_N	(sizeof tui_crash_signals / sizeof tui_crash_signals[0])
static struct sigaction	 tui_crash_old[TUI_CRASH_N];
static struct termios	 tui_crash_tio;
static int		 tui_crash_have_tio;
static char		 tui_crash_seq[256];
static size_t		 tui_crash_len;

static void
tui_crash(int sig, siginfo_t *si, void *ctx)
{
	size_t	i;
	int	saved = errno;

	if (tui_crash_have_tio)
		(void)tcsetattr(STDIN_FILENO, TCSANOW, &tui_crash_tio);
	if (tui_crash_len > 0)
		(void)write(STDOUT_FILENO, tui_crash_seq, tui_crash_len);
	for (i = 0; i < TUI_CRASH_N; i++) {
		if (tui_crash_signals[i] == sig)
			(void)sigaction(sig, &tui_crash_old[i], NULL);
	}
	errno = saved;
	/*
	 * Sent (kill, raise, abort): send it again, to the old handler. A
	 * fault: returning runs the instruction again, into the old handler.
	 */
	if (si == NULL || si->si_code <= 0)
		(void)raise(sig);
}

/* Add a terminfo string to what a crash writes. */
static void
tui_crash_cap(const char *name)
{
	char	*v = tigetstr(name);
	size_t	 n;

	if (v == NULL || v == (char *)-1)
		return;
	n = strlen(v);
	if (tui_crash_len + n < sizeof tui_crash_seq) {
		memcpy(tui_crash_seq + tui_crash_len, v, n);
		tui_crash_len += n;
	}
}

/* After newterm(): install the crash handlers. */
static void
tui_crash_arm(void)
{
	struct sigaction	sa;
	size_t			i;

	tui_crash_len = 0;
	tui_crash_cap("sgr0");
	tui_crash_cap("cnorm");
	tui_crash_cap("rmkx");
	tui_crash_cap("rmcup");
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = tui_crash;
	sa.sa_flags = SA_SIGINFO;
	for (i = 0; i < TUI_CRASH_N; i++)
		(void)sigaction(tui_crash_signals[i], &sa, &tui_crash_old[i]);
}

static void
tui_crash_disarm(void)
{
	size_t	i;

	for (i = 0; i < TUI_CRASH_N; i++)
		(void)sigaction(tui_crash_signals[i], &tui_crash_old[i], NULL);
}

static void
tui_screen_start(struct tui *t)
{
	tui_crash_have_tio = tcgetattr(STDIN_FILENO, &tui_crash_tio) == 0;
	if ((tui_screen = newterm(NULL, stdout, stdin)) == NULL)
		fatalx("cannot use the terminal (TERM=%s)",
		    getenv("TERM") != NULL ? getenv("TERM") : "unset");
	tui_crash_arm();
	t->active = 1;
	tui_global = t;
	fatal_set_hook(tui_fatal_hook);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	/* The wheel, a click and a double-click, unless --no-mouse. */
	/* Presses only, at once: tui_mouse tells a double-click itself. */
	mouseinterval(0);
	if (!t->cfg->no_mouse && mousemask(BUTTON1_PRESSED |
	    BUTTON4_PRESSED | BUTTON5_PRESSED, NULL) != 0) {
		/* A crash turns the terminal's mouse reporting off too. */
		static const char off[] = "\033[?1006l\033[?1002l\033[?1000l";

		if (tui_crash_len + sizeof off - 1 < sizeof tui_crash_seq) {
			memcpy(tui_crash_seq + tui_crash_len, off,
			    sizeof off - 1);
			tui_crash_len += sizeof off - 1;
		}
	}
	curs_set(0);
	leaveok(stdscr, TRUE);
	tui_colour_init(t);
	getmaxyx(stdscr, t->rows, t->cols);
}

static void
tui_screen_end(struct tui *t)
{
	if (!t->active)
		return;
	t->active = 0;
	tui_crash_disarm();
	curs_set(1);
	endwin();
	delscreen(tui_screen);
	tui_screen = NULL;
	fatal_set_hook(NULL);
	tui_global = NULL;
}

/* Schedule a redraw no sooner than a frame after the last one. */
void
tui_dirty(struct tui *t)
{
	int64_t	wait;

	t->dirty = 1;
	if (t->redraw.armed || t->quit)
		return;
	wait = t->last_draw + TUI_FRAME_US - loop_now_mono_us();
	loop_timer_arm(t->loop, &t->redraw, wait > 0 ? wait / 1e6 : 0);
}

void
tui_notice(struct tui *t, int bad, const char *fmt, ...)
{
	char	buf[sizeof t->notice];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	text_sanitize_buf(t->notice, sizeof t->notice, buf, strlen(buf));
	t->notice_until = loop_now_mono_us() + TUI_NOTICE_US;
	t->notice_bad = bad;
	tui_dirty(t);
}

/* The engine's log lines go to the hint line while curses owns the tty. */
static void
tui_log(enum log_level level, const char *line, void *arg)
{
	struct tui	*t = arg;

	if (level == LOG_DEBUG)
		return;
	tui_notice(t, level <= LOG_WARN, "%s", line);
}

/* The visible view: the top of the stack. */
static struct view_inst *
tui_current(struct tui *t)
{
	return (t->depth > 0 ? &t->stack[t->depth - 1] : &t->tops[t->top]);
}

struct msglist *
tui_current_msglist(struct tui *t)
{
	struct view_inst	*vi = tui_current(t);

	if (vi->view->msglist == NULL)
		return (NULL);
	return (vi->view->msglist(t, vi->state));
}

static void
tui_enter(struct tui *t, struct view_inst *vi)
{
	if (vi->view->enter != NULL)
		vi->view->enter(t, vi->state);
}

static void
tui_leave(struct tui *t, struct view_inst *vi)
{
	if (vi->view->leave != NULL)
		vi->view->leave(t, vi->state);
}

void
tui_push(struct tui *t, const struct view *v, const void *arg)
{
	struct view_inst	*vi;

	if (t->depth == TUI_STACK_MAX) {
		tui_notice(t, 1, "too many views open: press q to close one");
		return;
	}
	tui_leave(t, tui_current(t));
	tui_list_forget();
	t->notice[0] = '\0';
	vi = &t->stack[t->depth];
	vi->view = v;
	vi->state = v->create(t, arg);
	t->depth++;
	tui_enter(t, vi);
	tui_dirty(t);
}

static void
tui_pop(struct tui *t)
{
	struct view_inst	*vi;

	if (t->depth == 0)
		return;
	vi = &t->stack[--t->depth];
	tui_leave(t, vi);
	tui_list_forget();
	t->notice[0] = '\0';
	vi->view->destroy(t, vi->state);
	vi->state = NULL;
	tui_enter(t, tui_current(t));
	tui_dirty(t);
}

void
tui_show_top(struct tui *t, int top)
{
	struct view_inst	*vi;

	tui_leave(t, tui_current(t));
	tui_list_forget();
	while (t->depth > 0) {
		vi = &t->stack[--t->depth];
		vi->view->destroy(t, vi->state);
		vi->state = NULL;
	}
	t->notice[0] = '\0';
	t->top = top;
	tui_enter(t, tui_current(t));
	tui_dirty(t);
}

void
tui_refilter(struct tui *t)
{
	int	i;

	for (i = 0; i < TOP_COUNT; i++) {
		if (t->tops[i].view->refilter != NULL)
			t->tops[i].view->refilter(t, t->tops[i].state);
	}
	for (i = 0; i < t->depth; i++) {
		if (t->stack[i].view->refilter != NULL)
			t->stack[i].view->refilter(t, t->stack[i].state);
	}
	tui_dirty(t);
}

void
tui_prompt_start(struct tui *t, const char *label, const char *init,
    void (*change)(struct tui *, void *, const char *),
    void (*done)(struct tui *, void *, const char *), void *arg)
{
	struct tui_prompt	*p = &t->prompt;

	p->active = 1;
	strlcpy(p->label, label, sizeof p->label);
	p->len = strlcpy(p->buf, init != NULL ? init : "", sizeof p->buf);
	if (p->len >= sizeof p->buf)
		p->len = strlen(p->buf);
	p->change = change;
	p->done = done;
	p->arg = arg;
	p->complete = NULL;
	p->comp_cycling = 0;
	p->aside[0] = '\0';
	tui_dirty(t);
}

/* A key while the prompt is open: edit, accept or cancel. */
static void
tui_prompt_key(struct tui *t, int key)
{
	struct tui_prompt	*p = &t->prompt;
	char			 enc[4];
	size_t			 n;

	if (key == '\t' && p->complete != NULL) {
		p->complete(t, p->arg, p->buf, sizeof p->buf);
		p->len = strlen(p->buf);
		if (p->change != NULL)
			p->change(t, p->arg, p->buf);
		return;
	}
	p->comp_cycling = 0;
	p->aside[0] = '\0';
	switch (key) {
	case TK_ENTER:
	case '\n':
	case TK(KEY_ENTER):
		p->active = 0;
		if (p->done != NULL)
			p->done(t, p->arg, p->buf);
		return;
	case TK_ESC:
	case TK_CTRL('g'):
	case TK_CTRL('c'):
		p->active = 0;
		if (p->done != NULL)
			p->done(t, p->arg, NULL);
		return;
	case TK(KEY_BACKSPACE):
	case 0x7f:
	case TK_CTRL('h'):
		if (p->len == 0) {
			p->active = 0;
			if (p->done != NULL)
				p->done(t, p->arg, NULL);
			return;
		}
		p->len = tui_util_utf8_back(p->buf, p->len);
		break;
	case TK_CTRL('u'):
		p->len = 0;
		break;
	default:
		if ((key & TK_FN) || key < 0x20 || key > 0x10ffff ||
		    (key >= 0x7f && key < 0xa0) ||
		    (key >= 0xd800 && key < 0xe000))
			return;
		n = utf8_encode((uint32_t)key, enc);
		if (p->len + n + 1 > sizeof p->buf)
			return;
		memcpy(p->buf + p->len, enc, n);
		p->len += n;
		break;
	}
	p->buf[p->len] = '\0';
	if (p->change != NULL)
		p->change(t, p->arg, p->buf);
}

/*
 * t, A, R, S: narrow the view filter to the selected message's type,
 * agent, run or namespace; the same key again restores what that kind
 * held before.
 */
static void
tui_quick(struct tui *t, enum filter_kind k)
{
	static const enum msg_field	 fields[FK_COUNT] = {
		MF_TYPE, MF_AGENT, MF_RUN, MF_NAMESPACE
	};
	static const char *const	 names[FK_COUNT] = {
		"type", "agent", "run", "namespace"
	};
	struct view_inst		*vi = tui_current(t);
	const struct msg		*m = NULL;
	const char			*v;
	struct filter			*saved;
	char				*desc;
	size_t				 i;

	if (vi->view->selected != NULL)
		m = vi->view->selected(t, vi->state);
	if (m == NULL) {
		tui_notice(t, 1, "no message selected");
		return;
	}
	v = msg_get(m, fields[k]);
	if (filter_count(t->vf, k) == 1 && filter_has(t->vf, k, v)) {
		filter_clear(t->vf, k);
		if ((saved = t->quick_saved[k]) != NULL) {
			for (i = 0; i < filter_count(saved, k); i++)
				filter_add(t->vf, k, filter_value(saved, k, i));
			filter_free(saved);
			t->quick_saved[k] = NULL;
		}
	} else if (*v == '\0') {
		tui_notice(t, 1, "this message has no %s", names[k]);
		return;
	} else {
		filter_free(t->quick_saved[k]);
		t->quick_saved[k] = filter_dup(t->vf);
		filter_clear(t->vf, k);
		filter_add(t->vf, k, v);
	}
	tui_refilter(t);
	desc = filter_describe(t->vf);
	tui_notice(t, 0, "view filter: %s", desc);
	free(desc);
}

static void
tui_clear_filter(struct tui *t)
{
	int	k;

	filter_clear_all(t->vf);
	for (k = 0; k < FK_COUNT; k++) {
		filter_free(t->quick_saved[k]);
		t->quick_saved[k] = NULL;
	}
	tui_refilter(t);
	tui_notice(t, 0, "view filter cleared: showing everything retained");
}

static void
tui_want_registry(struct tui *t, int on)
{
	on = on != 0;
	if (t->client == NULL || on == t->reg_polling)
		return;
	t->reg_polling = on;
	client_poll_registry(t->client, on);
}

/* The client read the registry: the alerts and the Agents view use it. */
static void
tui_on_registry(void *arg)
{
	struct tui		*t = arg;
	const struct reg_entry	*reg;
	struct alert_reg	*v;
	int64_t			 at;
	size_t			 i, n;
	const char		*why;

	reg = client_registry(t->client, &n, &why, &at);
	if (why[0] == '\0' && t->alerts != NULL) {
		v = xcalloc(n + 1, sizeof *v);
		for (i = 0; i < n; i++) {
			v[i].name = reg[i].name;
			v[i].status = reg[i].status;
			v[i].heartbeat = reg[i].heartbeat;
		}
		alert_registry(t->alerts, v, n, at);
		free(v);
	}
	tui_dirty(t);
}

/* p, ], }: pause, resume or skip a replay. */
static void
tui_replay_key(struct tui *t, int key)
{
	const struct client_status	*st = client_status(t->client);

	if (st->state != CONN_REPLAY && st->state != CONN_REPLAY_PAUSED) {
		tui_notice(t, 1, "not replaying (--replay FILE)");
		return;
	}
	if (key == 'p')
		client_replay_pause(t->client, st->state == CONN_REPLAY);
	else
		client_replay_skip(t->client, key == ']' ? 10.0 : 60.0);
}

/*
 * y: the selected message's JSON to the clipboard, as an OSC 52 escape
 * (base64, so nothing in it reaches the terminal as text). Off unless
 * --osc52: some terminals refuse it, or ask, or show it.
 */
static void
tui_copy(struct tui *t)
{
	struct view_inst	*vi = tui_current(t);
	const struct msg	*m = NULL;
	const char		*json;
	unsigned char		*b64;
	size_t			 len;
	int			 n;

	if (!t->cfg->osc52) {
		tui_notice(t, 1, "y copies with OSC 52, which some terminals "
		    "refuse: start swf-dash with --osc52");
		return;
	}
	if (vi->view->selected != NULL)
		m = vi->view->selected(t, vi->state);
	if (m == NULL) {
		tui_notice(t, 1, "no message selected");
		return;
	}
	json = msg_json(m);
	len = m->jsonlen;
	if (len > TUI_OSC52_MAX) {
		tui_notice(t, 1, "not copied: the message has %zu bytes, more "
		    "than a terminal takes (%d KiB)", len, TUI_OSC52_MAX / 1024);
		return;
	}
	b64 = xmalloc(4 * ((len + 2) / 3) + 1);
	n = EVP_EncodeBlock(b64, (const unsigned char *)json, (int)len);
	fflush(stdout);
	if (write(STDOUT_FILENO, "\033]52;c;", 7) != 7 ||
	    write(STDOUT_FILENO, b64, n) != n ||
	    write(STDOUT_FILENO, "\a", 1) != 1)
		tui_notice(t, 1, "not copied: writing to the terminal failed");
	else
		tui_notice(t, 0, "copied the message's JSON (%zu bytes) with "
		    "OSC 52", len);
	free(b64);
}

void
tui_quit(struct tui *t, int code)
{
	if (t->quit)
		return;
	t->quit = 1;
	t->exit_code = code;
	loop_exit(t->loop, code);
}

/* Whether the stream is open: quitting then asks first. */
static int
tui_live(struct tui *t)
{
	const struct client_status	*st;

	if (t->client == NULL)
		return (0);
	st = client_status(t->client);
	return (st->state == CONN_CONNECTED || st->state == CONN_STALLED);
}

/* Keys the visible view did not take; V_* flags as a view's key(). */
static int
tui_key_global(struct tui *t, int key)
{
	switch (key) {
	case 'q':
		if (t->depth > 0)
			tui_pop(t);
		else if (tui_live(t))
			t->quit_ask = 1;	/* status_hint asks */
		else
			tui_quit(t, 0);
		break;
	case TK_ESC:
		tui_pop(t);
		break;
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
		tui_show_top(t, key - '1');
		break;
	case ':':
		tui_cmd_start(t);
		break;
	case 'b':
		t->bell = !t->bell;
		tui_notice(t, 0, "bell on a new alert: %s", t->bell ? "on" :
		    "off");
		break;
	case '\t':
		tui_show_top(t, (t->top + 1) % TOP_COUNT);
		break;
	case TK(KEY_BTAB):
		tui_show_top(t, (t->top + TOP_COUNT - 1) % TOP_COUNT);
		break;
	case '?':
	case TK(KEY_F(1)):
		if (tui_current(t)->view != &view_help)
			tui_push(t, &view_help, NULL);
		break;
	case TK_CTRL('l'):
		clearok(curscr, TRUE);
		break;
	case 'r':
		tui_notice(t, 0, "%s", client_retry_now(t->client));
		break;
	case 'y':
		tui_copy(t);
		return (V_HANDLED | V_REDRAW);
	case 'w':
		tui_export_start(t);
		return (V_HANDLED | V_REDRAW);
	case 'x':
		tui_clear_filter(t);
		break;
	case 'p':
	case ']':
	case '}':
		tui_replay_key(t, key);
		break;
	case 't':
		tui_quick(t, FK_TYPE);
		break;
	case 'A':
		tui_quick(t, FK_AGENT);
		break;
	case 'R':
		tui_quick(t, FK_RUN);
		break;
	case 'S':
		tui_quick(t, FK_NS);
		break;
	default:
		return (0);
	}
	return (V_HANDLED | V_REDRAW);
}

/* The top views on the tabs line (TUI_TABS_Y), as " 1 Messages ". */
static const char *const tui_tab_names[TOP_COUNT] = {
	"1 Messages", "2 Runs", "3 Agents", "4 Filters", "5 Alerts"
};

/* The top view whose tab is at column x, or -1. */
static int
tui_tab_at(int x)
{
	int	i, at = 0, w;

	for (i = 0; i < TOP_COUNT; i++) {
		w = (int)text_width(tui_tab_names[i]) + 2;
		if (x >= at && x < at + w)
			return (i);
		at += w + 1;
	}
	return (-1);
}

/*
 * A mouse event: the wheel moves the selection three rows, a click
 * selects the row under it, a double-click opens it (as Enter); a click
 * on a tab shows that view.
 */
static int
tui_mouse(struct tui *t, struct view_inst *vi)
{
	MEVENT		 ev;
	struct tui_list	*l;
	size_t		 row;
	int64_t		 now;
	int		 i, r = 0, key = 0;

	if (getmouse(&ev) != OK || vi->view->key == NULL)
		return (0);
	if (ev.bstate & BUTTON4_PRESSED)
		key = 'k';
	else if (ev.bstate & BUTTON5_PRESSED)
		key = 'j';
	if (key != 0) {
		for (i = 0; i < 3; i++)
			r |= vi->view->key(t, vi->state, key);
		return (r | V_REDRAW);
	}
	if ((ev.bstate & BUTTON1_PRESSED) && ev.y == TUI_TABS_Y &&
	    (i = tui_tab_at(ev.x)) >= 0) {
		tui_show_top(t, i);
		t->click_at = 0;
		return (V_REDRAW);
	}
	if (!(ev.bstate & BUTTON1_PRESSED) ||
	    (l = tui_list_at(ev.y, &row)) == NULL) {
		t->click_at = 0;
		return (0);
	}
	if (l->can_follow && row + 1 < l->n)
		tui_list_set_follow(l, 0);	/* as moving up does */
	tui_list_select(l, row);
	now = loop_now_mono_us();
	if (t->click_at != 0 && now - t->click_at < TUI_DOUBLE_US &&
	    ev.y == t->click_y) {
		t->click_at = 0;
		r = vi->view->key(t, vi->state, TK_ENTER);
	} else {
		t->click_at = now;
		t->click_y = ev.y;
	}
	return (r | V_REDRAW);
}

static void
tui_key(struct tui *t, int key)
{
	struct view_inst	*vi;
	int			 r = 0;

	if (key == TK(KEY_RESIZE))
		return;
	if (t->away[0] != '\0') {
		t->away[0] = '\0';	/* seen: "while you were away" goes */
		tui_dirty(t);
	}
	if (t->quit_ask) {
		/* q on a live top view asked: q or y quits, else stay. */
		t->quit_ask = 0;
		tui_dirty(t);
		if (key == 'q' || key == 'y' || key == 'Y')
			tui_quit(t, 0);
		else
			tui_notice(t, 0, "not quitting");
		return;
	}
	if (t->prompt.active) {
		tui_prompt_key(t, key);
		tui_dirty(t);
		return;
	}
	vi = tui_current(t);
	if (key == TK(KEY_MOUSE)) {
		if (tui_mouse(t, vi) & V_REDRAW)
			tui_dirty(t);
		return;
	}
	if (vi->view->key != NULL)
		r = vi->view->key(t, vi->state, key);
	if (r & V_QUIT)
		tui_quit(t, 0);
	else if (!(r & V_HANDLED))
		r = tui_key_global(t, key);
	/* Draw only when asked: a key that changed nothing costs no frame. */
	if (r & V_REDRAW)
		tui_dirty(t);
}

/* Whether stdin has gone away (the terminal hung up). */
static int
tui_stdin_gone(void)
{
	struct pollfd	pfd = { .fd = STDIN_FILENO, .events = POLLIN };

	if (poll(&pfd, 1, 0) != 1)
		return (0);
	return ((pfd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0);
}

/*
 * Whether stdin is at its end (</dev/null, a pipe whose writer left):
 * readable, yet get_wch() found nothing. A byte that came meanwhile goes
 * back to curses.
 */
static int
tui_stdin_eof(void)
{
	struct pollfd	pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	unsigned char	c;
	ssize_t		n;

	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLIN))
		return (0);
	if ((n = read(STDIN_FILENO, &c, 1)) == 1)
		ungetch(c);
	return (n == 0);
}

/* Take every key there is; returns how many. */
static int
tui_read_keys(struct tui *t)
{
	wint_t	ch;
	int	r, n = 0;

	while (!t->quit && (r = get_wch(&ch)) != ERR) {
		n++;
		tui_key(t, r == KEY_CODE_YES ? (int)TK(ch) : (int)ch);
	}
	return (n);
}

/* stdin is readable. */
static void
tui_stdin(int fd, void *arg)
{
	struct tui	*t = arg;

	if (tui_read_keys(t) > 0) {
		/* A key is answered at once, not at the next frame. */
		if (!t->quit && t->dirty)
			tui_draw(t);
	} else if (tui_stdin_gone()) {
		loop_unwatch(t->loop, fd);
		tui_quit(t, 0);
	} else if (tui_stdin_eof()) {
		/* Watching it would wake the loop for ever. */
		loop_unwatch(t->loop, fd);
		tui_notice(t, 1, "standard input is at its end: keys are not "
		    "read (Ctrl-C quits)");
	}
}

/*
 * Follow the terminal's size. Every frame asks (a SIGWINCH may wait
 * behind a flood in the loop; the ioctl is cheap).
 */
static void
tui_size(struct tui *t)
{
	struct winsize	ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS)) {
		resizeterm(ws.ws_row, ws.ws_col);
		clearok(curscr, TRUE);
	}
	getmaxyx(stdscr, t->rows, t->cols);
}

/* After SIGWINCH or SIGCONT: repaint everything. */
static void
tui_resize(struct tui *t)
{
	tui_size(t);
	clearok(curscr, TRUE);
	tui_dirty(t);
}

static void	tui_signal(int, void *);

/* Ctrl-Z: give the terminal back, stop, and take it again on fg. */
static void
tui_suspend(struct tui *t)
{
	endwin();
	loop_signal(t->loop, SIGTSTP, NULL, NULL);
	raise(SIGTSTP);
	loop_signal(t->loop, SIGTSTP, tui_signal, t);
	tui_resize(t);
}

static void
tui_signal(int sig, void *arg)
{
	struct tui	*t = arg;

	switch (sig) {
	case SIGWINCH:
	case SIGCONT:
		tui_resize(t);
		break;
	case SIGTSTP:
		tui_suspend(t);
		break;
	case SIGUSR1:
		client_record_reopen(t->client);
		break;
	default:
		/* SIGINT, SIGTERM, SIGHUP: a clean exit (EXITED sent). */
		tui_quit(t, SWF_EXIT_OK);
		break;
	}
}

static const int tui_signals[] = {
	SIGWINCH, SIGTSTP, SIGCONT, SIGUSR1, SIGINT, SIGTERM, SIGHUP
};

/* Store a message (or marker row) and show it in every open view. */
static void
tui_ingest(struct tui *t, struct msg *m)
{
	int	i;

	store_add(t->store, m);
	for (i = 0; i < TOP_COUNT; i++) {
		if (t->tops[i].view->ingest != NULL)
			t->tops[i].view->ingest(t, t->tops[i].state, m);
	}
	for (i = 0; i < t->depth; i++) {
		if (t->stack[i].view->ingest != NULL)
			t->stack[i].view->ingest(t, t->stack[i].state, m);
	}
}

/*
 * A marker row in the message lists (not a message: never counted): the
 * stream lost and back-filled, or a hole history could not fill.
 */
static struct msg *
tui_marker(const char *text, const char *run)
{
	struct msg	*m;
	json_t		*j;
	char		*s;

	j = json_pack("{s:s, s:s, s:s}", "msg_type", "history", "message",
	    text, "run_id", run != NULL ? run : "");
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL)
		fatalx("%s: json", __func__);
	json_decref(j);
	m = msg_decode("history", s, strlen(s), loop_now_wall_us());
	free(s);
	m->family = FAM_MARKER;
	return (m);
}

/* The client's history back-fill: markers, the away line, merged runs. */
static void
tui_on_history(int e, const char *text, const char *run, void *arg)
{
	struct tui	*t = arg;
	struct msg	*m, *old;

	client_history_facts(e, text, run, t->runs, t->alerts,
	    loop_now_wall_us() - t->alert_skew);
	switch (e) {
	case HE_LOST:
		m = tui_marker(text, NULL);
		tui_ingest(t, m);
		t->lost_seq = m->seq;
		break;
	case HE_RECONNECT:
		m = tui_marker(text, NULL);
		/* In place of the "back-filling" row, with its time. */
		if (t->lost_seq != 0 && (old = store_get(t->store,
		    t->lost_seq)) != NULL)
			m->recv_us = old->recv_us;
		if (t->lost_seq == 0 ||
		    store_replace(t->store, t->lost_seq, m) != 0)
			tui_ingest(t, m);
		t->lost_seq = 0;
		snprintf(t->away, sizeof t->away, "while you were away: %s",
		    text);
		break;
	case HE_GAP:
		tui_ingest(t, tui_marker(text, run));
		break;
	case HE_START:
		tui_notice(t, 0, "%s", text);
		break;
	default:
		break;
	}
	tui_dirty(t);
}

/* The client's sink: a message, taken over by the store. */
static void
tui_on_message(struct msg *m, void *arg)
{
	struct tui	*t = arg;

	t->received++;
	t->last_recv = m->recv_us;
	if (m->sent_us > 0 && client_source(t->client) == HSRC_LIVE) {
		t->last_sent = m->sent_us;
		t->lag_us = m->recv_us - m->sent_us;
	} else if (client_source(t->client) == HSRC_LIVE)
		t->lag_us = INT64_MIN;
	spark_ring_add(&t->msg_rate, m->recv_us, 1);
	run_add(t->runs, m);
	if (t->cfg->replay != NULL)
		t->alert_skew = loop_now_wall_us() - m->recv_us;
	alert_message(t->alerts, m);
	tui_ingest(t, m);
	tui_dirty(t);
}

static void
tui_on_status(const struct client_status *st, void *arg)
{
	struct tui	*t = arg;
	int		 open;

	switch (st->state) {
	case CONN_CONNECTED:
	case CONN_STALLED:
	case CONN_REPLAY:
	case CONN_REPLAY_DONE:
	case CONN_REPLAY_PAUSED:
		open = 1;
		break;
	default:
		open = 0;
		break;
	}
	if (t->alerts != NULL)
		alert_stream(t->alerts, open, st->reason,
		    loop_now_wall_us() - t->alert_skew);
	tui_dirty(t);
}

/* An alert raised or cleared: the screen, and the bell if wanted. */
static void
tui_on_alert(const struct alert *a, int raised, void *arg)
{
	struct tui	*t = arg;

	if (raised) {
		tui_notice(t, 1, "%s: %s", alert_kind_name(a->kind), a->text);
		if (t->bell && t->active)
			beep();
	}
	tui_dirty(t);
}

static void
tui_redraw_timer(void *arg)
{
	struct tui	*t = arg;

	if (t->dirty && !t->quit)
		tui_draw(t);
}

/* Once a second: the message rate, ages and clocks on screen. */
static void
tui_tick_timer(void *arg)
{
	struct tui	*t = arg;
	int64_t		 now = loop_now_wall_us() - t->alert_skew;

	status_tick(t);
	alert_gaps_runs(t->alerts, t->runs, now);
	alert_tick(t->alerts, now);
	loop_timer_arm(t->loop, &t->tick, 1.0);
	tui_dirty(t);
}

/* The tab line: the four views, then where the user is below them. */
static void
tui_draw_tabs(struct tui *t, int y)
{
	const char *const *names = tui_tab_names;
	char	buf[512];
	int	i, x = 0, w;

	tui_util_fill(y, 0, t->cols, tui_attr(COL_NORMAL));
	for (i = 0; i < TOP_COUNT && x < t->cols; i++) {
		snprintf(buf, sizeof buf, " %s ", names[i]);
		w = (int)text_width(buf);
		tui_util_put(y, x, w < t->cols - x ? w : t->cols - x, buf,
		    i == t->top ? tui_attr(COL_BAR) | A_BOLD :
		    tui_attr(COL_HEADER));
		x += w + 1;
	}
	buf[0] = '\0';
	for (i = 0; i < t->depth; i++) {
		strlcat(buf, " > ", sizeof buf);
		strlcat(buf, t->stack[i].view->name, sizeof buf);
	}
	if (x < t->cols)
		tui_util_put(y, x, t->cols - x, buf,
		    tui_attr(COL_BAR) | A_BOLD);
}

/* What to fix, over the view, when the stream cannot work. */
/* How net-stream.c starts a certificate failure's reason. */
#define TUI_TLS_FAILED "TLS certificate verification failed, not retrying: "

static void
tui_draw_trouble(struct tui *t, int y, int h)
{
	const struct client_status	*st = client_status(t->client);
	const char			*l[4];
	char				 reason[300];
	int				 i, w, x, top;

	if (st->state != CONN_AUTH && st->state != CONN_FAILED)
		return;
	snprintf(reason, sizeof reason, "%s", st->reason[0] != '\0' ?
	    st->reason : "no reason given");
	if (st->state == CONN_AUTH) {
		l[0] = "The monitor rejected the token.";
		l[2] = "Set SWF_API_TOKEN (environment or ~/.env) or "
		    "--token-file FILE,";
		l[3] = "then restart swf-dash; r retries now, q quits.";
	} else if (strncmp(reason, TUI_TLS_FAILED, strlen(TUI_TLS_FAILED))
	    == 0) {
		l[0] = "The monitor's TLS certificate failed verification "
		    "(not retried):";
		memmove(reason, reason + strlen(TUI_TLS_FAILED),
		    strlen(reason + strlen(TUI_TLS_FAILED)) + 1);
		l[2] = "Give the site's CA with --cacert FILE or "
		    "REQUESTS_CA_BUNDLE,";
		l[3] = "then restart swf-dash; r retries now, q quits.";
	} else {
		l[0] = "The stream cannot be opened.";
		l[2] = "Check --url / SWF_MONITOR_PROD_URL and the monitor;";
		l[3] = "r retries now, q quits.";
	}
	l[1] = reason;
	w = t->cols - 4;
	x = 2;
	top = y + (h > 8 ? h / 2 - 3 : 0);
	tui_util_fill(top, x, w, tui_attr(COL_BAR_BAD));
	for (i = 0; i < 4 && top + 1 + i < y + h; i++) {
		tui_util_fill(top + 1 + i, x, w, tui_attr(COL_BAR_BAD));
		tui_util_put(top + 1 + i, x + 2, w - 4, l[i],
		    tui_attr(COL_BAR_BAD));
	}
	if (top + 5 < y + h)
		tui_util_fill(top + 5, x, w, tui_attr(COL_BAR_BAD));
}

static void
tui_draw_prompt(struct tui *t, int y)
{
	struct tui_prompt	*p = &t->prompt;
	int			 lw, bw;

	tui_util_fill(y, 0, t->cols, tui_attr(COL_NORMAL));
	lw = (int)text_width(p->label);
	tui_util_put(y, 0, lw, p->label, tui_attr(COL_NOTICE));
	bw = (int)text_width(p->buf);
	/* Keep the end of a long entry in view. */
	if (bw > t->cols - lw - 1) {
		const char	*s = p->buf;
		while (*s != '\0' && (int)text_width(s) > t->cols - lw - 1)
			s++;
		while (((unsigned char)*s & 0xc0) == 0x80)
			s++;
		tui_util_put(y, lw, t->cols - lw, s, A_NORMAL);
		bw = (int)text_width(s);
	} else
		tui_util_put(y, lw, t->cols - lw, p->buf, A_NORMAL);
	if (p->aside[0] != '\0' && lw + bw + 2 < t->cols)
		tui_util_put(y, lw + bw + 2, t->cols - lw - bw - 2, p->aside,
		    tui_attr(COL_HINT));
	move(y, lw + bw);
}

static void
tui_draw(struct tui *t)
{
	struct view_inst	*vi = tui_current(t);
	char			 info[512];
	int			 body;

	t->dirty = 0;
	t->last_draw = loop_now_mono_us();
	tui_size(t);
	erase();
	tui_list_forget();	/* the view's draw names its list again */
	if (t->rows < TUI_MIN_ROWS || t->cols < TUI_MIN_COLS) {
		tui_util_put(0, 0, t->cols, "terminal too small",
		    tui_attr(COL_NOTICE));
		snprintf(info, sizeof info, "%dx%d, need %dx%d", t->cols,
		    t->rows, TUI_MIN_COLS, TUI_MIN_ROWS);
		if (t->rows > 1)
			tui_util_put(1, 0, t->cols, info, tui_attr(COL_NOTICE));
		refresh();
		return;
	}
	status_draw(t);
	tui_draw_tabs(t, TUI_TABS_Y);
	body = t->rows - 4;
	vi->view->draw(t, vi->state, 3, body);
	tui_draw_trouble(t, 3, body);
	if (t->prompt.active) {
		leaveok(stdscr, FALSE);
		curs_set(1);
		tui_draw_prompt(t, t->rows - 1);
	} else {
		leaveok(stdscr, TRUE);
		curs_set(0);
		info[0] = '\0';
		if (vi->view->info != NULL)
			vi->view->info(t, vi->state, info, sizeof info);
		status_hint(t, vi->view->hints, info);
	}
	refresh();
}

static void
tui_free(struct tui *t)
{
	int	i;

	while (t->depth > 0) {
		t->depth--;
		t->stack[t->depth].view->destroy(t, t->stack[t->depth].state);
	}
	for (i = 0; i < TOP_COUNT; i++)
		t->tops[i].view->destroy(t, t->tops[i].state);
	for (i = 0; i < FK_COUNT; i++)
		filter_free(t->quick_saved[i]);
	filter_free(t->sub_pending);
	filter_free(t->vf);
	alert_free(t->alerts);
	run_free(t->runs);
	store_free(t->store);
	free(t);
}

int
tui_run(struct loop *loop, struct cfg *cfg)
{
	static const struct client_sink sink = {
		.on_message = tui_on_message,
		.on_status = tui_on_status,
		.on_history = tui_on_history,
		.on_registry = tui_on_registry
	};
	struct alert_cfg acfg;
	struct tui	*t;
	size_t		 i;
	int		 code;

	t = xcalloc(1, sizeof *t);
	t->loop = loop;
	t->cfg = cfg;
	t->utf8 = tui_locale();
	t->bell = cfg->bell;
	t->store = store_create(cfg->keep, cfg->keep_bytes);
	t->runs = run_create(0, 0, 0);
	alert_cfg_init(&acfg, cfg);
	t->alerts = alert_create(&acfg, tui_on_alert, t);
	spark_ring_init(&t->msg_rate, 1000000);
	t->vf = filter_create();
	loop_timer_init(&t->redraw, tui_redraw_timer, t);
	loop_timer_name(&t->redraw, "redraw");
	loop_timer_init(&t->tick, tui_tick_timer, t);

	/*
	 * What the client delivers is the subscription (-m/-a/-r, then the
	 * filter editor): its agents and runs the client checks itself
	 * unless the server is trusted with them. No further client-side
	 * filter: the view filter applies to what is retained.
	 */
	t->client = client_create(loop, cfg, &sink, t);
	client_set_local_filter(t->client, NULL);
	/* Back-filled messages before the live ones that waited for them. */
	client_set_ordered(t->client, 1);
	for (i = 0; i < TOP_COUNT; i++) {
		t->tops[i].view = tui_top_views[i];
		t->tops[i].state = tui_top_views[i]->create(t, NULL);
	}

	tui_screen_start(t);
	log_set_sink(tui_log, t);
	loop_watch(loop, STDIN_FILENO, tui_stdin, t);
	for (i = 0; i < sizeof tui_signals / sizeof tui_signals[0]; i++)
		loop_signal(loop, tui_signals[i], tui_signal, t);
	tui_enter(t, tui_current(t));
	status_tick(t);
	loop_timer_arm(loop, &t->tick, 1.0);
	client_start(t->client);
	/* The alerts want the registry all the time. */
	tui_want_registry(t, 1);
	tui_draw(t);

	code = loop_run(loop);

	/* Give the terminal back first, then say goodbye to the monitor. */
	loop_timer_cancel(loop, &t->redraw);
	loop_timer_cancel(loop, &t->tick);
	tui_leave(t, tui_current(t));
	tui_want_registry(t, 0);
	loop_unwatch(loop, STDIN_FILENO);
	tui_screen_end(t);
	log_set_sink(NULL, NULL);
	for (i = 0; i < sizeof tui_signals / sizeof tui_signals[0]; i++) {
		if (tui_signals[i] != SIGINT && tui_signals[i] != SIGTERM &&
		    tui_signals[i] != SIGHUP)
			loop_signal(loop, tui_signals[i], NULL, NULL);
	}
	client_stop(t->client);
	/* A rejected token or a protocol failure is worth its own status. */
	if ((code = client_exit_status(t->client)) == SWF_EXIT_OK)
		code = t->exit_code;
	client_free(t->client);
	t->client = NULL;
	for (i = 0; i < sizeof tui_signals / sizeof tui_signals[0]; i++)
		loop_signal(loop, tui_signals[i], NULL, NULL);
	tui_free(t);
	return (code);
}
