/* sim-main.c: swf-sim entry point (placeholder). */
#include "config.h"

#include <stdio.h>

int
main(void)
{
	puts("swf-sim " PACKAGE_VERSION);
	return (0);
}
