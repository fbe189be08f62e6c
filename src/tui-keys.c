/*
 * tui-keys.c: the dashboard's keys, as the help view shows them. The KEYS
 * section of man/swf-dash.1 lists the same keys in the same order; change
 * both together.
 */
#include "config.h"

#include <stddef.h>

#include "tui-int.h"

const struct tui_keyhelp tui_keys_help[] = {
	{ "Everywhere", "1 2 3 4 5", "show Messages, Runs, Agents, Filters, "
	    "Alerts" },
	{ NULL, "Tab, Shift-Tab", "next, previous of those views" },
	{ NULL, "?, F1", "this help" },
	{ NULL, ":", "command line: :run ID, :agent NAME, :ns NAME, :type T "
	    "(none: any), :preset NAME, :report RUN, :q; Tab completes" },
	{ NULL, "q", "leave a sub-view; quit from a top view (while the "
	    "stream is live it asks: q or y quits)" },
	{ NULL, "Esc", "leave a sub-view, cancel a prompt" },
	{ NULL, "Ctrl-C", "quit at once, without asking" },
	{ NULL, "Ctrl-Z", "suspend (fg resumes)" },
	{ NULL, "Ctrl-L", "redraw the screen" },
	{ NULL, "r", "reconnect now (a live stream: make-before-break)" },
	{ NULL, "t, A, R, S", "narrow the view filter to the selected "
	    "message's type, agent, run, namespace; again: undo" },
	{ NULL, "x", "clear the view filter" },
	{ NULL, "y", "copy the selected message's JSON to the clipboard "
	    "(OSC 52; only with --osc52)" },
	{ NULL, "w", "write the messages the view lists (a run's, an "
	    "agent's, or all; the view filter applied) to a file: JSON lines, "
	    "or CSV for a name ending in .csv" },
	{ NULL, "p", "pause or resume a replay" },
	{ NULL, "], }", "skip 10 or 60 seconds of a replay" },
	{ NULL, "b", "toggle the terminal bell on a new alert (not in Detail)" },

	{ "Lists", "j, k, Down, Up", "move the selection" },
	{ NULL, "PgDn, PgUp, Ctrl-F, Ctrl-B", "move a page" },
	{ NULL, "Ctrl-D, Ctrl-U", "move half a page" },
	{ NULL, "g, Home", "first row (pauses follow)" },
	{ NULL, "G, End", "last row, and follow new messages" },
	{ NULL, "f", "toggle follow; moving up pauses it and counts new "
	    "messages" },
	{ NULL, "/", "search (matches highlighted); Enter jumps to the "
	    "nearest match above" },
	{ NULL, "n, N", "next, previous match" },
	{ NULL, "Enter", "open: the message's detail, the run's view, "
	    "the agent's view (q or Esc back)" },
	{ NULL, "mouse", "wheel: move three rows; click: select (on a "
	    "view's name: show it); double-click: open (not with --no-mouse)" },

	{ "Detail", "j, k, Space, b, g, G", "scroll the pretty-printed JSON" },

	{ "Alerts", "Enter", "open the alert's run, or its agent in Agents" },

	{ "Runs, Agents", "s", "sort: last activity or run id (Runs); "
	    "name or last seen (Agents)" },
	{ NULL, "<, >", "sort by the column to the left, to the right "
	    "(active runs stay on top)" },

	{ "Agents", "F5, Ctrl-R", "read the monitor's registry now (the "
	    "hint line says how long ago it was fetched)" },

	{ "Filters", "Left, Right, h, l", "choose the column: view filter "
	    "or subscription" },
	{ NULL, "Space", "toggle the item in the chosen column" },
	{ NULL, "v, s", "toggle the item in the view filter, in the "
	    "subscription" },
	{ NULL, "a, n", "all, none: every listed item of this section, or "
	    "no restriction" },
	{ NULL, "/", "narrow the list by typing; text not seen yet can be "
	    "added" },
	{ NULL, "Enter", "apply the edited subscription (reconnects "
	    "make-before-break)" },
	{ NULL, "u", "undo the subscription edits" },

	{ "Status bar (not keys: what it counts)", "lag", "receive time "
	    "minus sent_at of the newest message; after 10 s of quiet: "
	    "last msg 11s ago" },
	{ NULL, "dropped N oversize", "events over --max-event, not shown" },
	{ NULL, "missing N", "messages the monitor lost for us that its "
	    "history could not give back (see the Runs view's MISSING)" },
	{ NULL, "dup N", "messages received twice while a new subscription "
	    "opened before the old one closed, shown once" },
	{ NULL, NULL, NULL }
};
