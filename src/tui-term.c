/*
 * tui-term.c: whether $TERM can show the dashboard at all. Alone in its
 * file because <term.h> defines macros (lines, columns, ...) that would
 * clash with the dashboard's names.
 */
#include "config.h"

#include <curses.h>
#include <term.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* Whether the terminal can show the dashboard; else why not in *why. */
int
tui_term_usable(const char **why)
{
	const char	*term = getenv("TERM");
	int		 err = 0;

	if (term == NULL || *term == '\0') {
		*why = "TERM is not set";
		return (0);
	}
	if (strcmp(term, "dumb") == 0) {
		*why = "TERM=dumb cannot position the cursor";
		return (0);
	}
	if (setupterm(NULL, 1, &err) != OK) {
		*why = "TERM names a terminal this system does not know";
		return (0);
	}
	if (tigetstr("cup") == NULL || tigetstr("cup") == (char *)-1) {
		del_curterm(cur_term);
		*why = "the terminal cannot position the cursor";
		return (0);
	}
	del_curterm(cur_term);
	return (1);
}
