/* main.c: swf-dash entry point (placeholder until the client lands). */
#include "config.h"

#include <stdio.h>

int
main(void)
{
	puts("swf-dash " PACKAGE_VERSION);
	return (0);
}
