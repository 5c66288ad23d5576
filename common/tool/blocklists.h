/* blocklists: the line a tool's --help ends with, saying which default
 * blocklists a run without -b reads: the installed files, or the copies
 * built in where they are absent (core/addr/targetspace.h). For tools'
 * main.c. */
#ifndef ZSCAN_TOOL_BLOCKLISTS_H
#define ZSCAN_TOOL_BLOCKLISTS_H

#include <limits.h>
#include <stdio.h>

#include "core/addr/targetspace.h"

static inline void blocklists_help(FILE *f)
{
	char path[PATH_MAX];
	fputs("\nWithout -b, the blocklists are", f);
	for (int which = 0; which < 2; which++) {
		bool there = targetspace_default_list(which, path, sizeof path);
		fprintf(f, "%s %s (%s)", which ? " and" : "", path,
		        there ? "installed: read" : "absent: the built-in copy instead");
	}
	fputs(".\n", f);
}

#endif
