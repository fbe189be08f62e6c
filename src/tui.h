/* tui.h: the terminal dashboard front end. */
#ifndef TUI_H
#define TUI_H

struct cfg;
struct loop;

/*
 * Run the dashboard on loop with cfg until the user quits or a signal
 * ends it: creates its own client, restores the terminal on every exit
 * path and sends the EXITED heartbeat. Returns the process exit status.
 */
int	tui_run(struct loop *, struct cfg *);

/*
 * Whether $TERM names a terminal that can show the dashboard (known to
 * terminfo, not "dumb", with cursor addressing); if not, *why says why
 * (static).
 */
int	tui_term_usable(const char **why);

#endif
