/* zerr: an error message a library call hands back to the tool that called it.
 * Library code never prints or exits; the tool prints "tool: msg" and picks
 * the exit status (see EXIT STATUS in every man page). */
#ifndef ZSCAN_UTIL_ZERR_H
#define ZSCAN_UTIL_ZERR_H

#include <stdarg.h>

/* Exit statuses shared by every tool. */
enum {
	ZS_EXIT_OK = 0,
	ZS_EXIT_FAIL = 1,  /* runtime failure, or bad input records were skipped */
	ZS_EXIT_USAGE = 2, /* bad option, option value or configuration file */
	/* stopped early (a signal, -t, or input cut short) with what was done
	 * an exact prefix that a resume continues: retry, not a failure */
	ZS_EXIT_INCOMPLETE = 3,
};

struct zerr {
	char msg[512];
};

/* Formats into e->msg and returns -1, so callers can write `return zerr_set(...)`. */
int zerr_set(struct zerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
