/* check.h: swf-dash --check, a doctor for the connection. */
#ifndef CHECK_H
#define CHECK_H

struct cfg;

/*
 * Run every step once and print a checklist with remedies on stdout.
 * load_cause is cfg_load()'s error, or NULL. Never prints the token.
 * Returns the exit status: 0 all passed (warnings allowed), 2 the token
 * (missing, unreadable or rejected), 3 any other failure.
 */
int	check_run(struct cfg *, const char *load_cause);

#endif
