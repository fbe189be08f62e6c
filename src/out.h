/* out.h: the headless front end: plain, json and events lines on stdout. */
#ifndef OUT_H
#define OUT_H

struct cfg;
struct loop;

/*
 * Run the client on loop with cfg, writing cfg->output lines to stdout
 * and status to stderr, until a signal, the end of stdout (EPIPE), the
 * end of a replay or a permanent failure. Sends the EXITED heartbeat.
 * Returns the process exit status (SWF_EXIT_* in client.h).
 */
int	out_run(struct loop *, struct cfg *);

#endif
