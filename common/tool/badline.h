/* badline: how a tool names the bad input lines it skips. The first
 * BADLINE_NAMED go to stderr as "stdin:LINE: why 'text'" (the text cut to
 * `show` bytes, invisible bytes escaped: util/escape.h); the rest are only
 * counted, and the tool sums them up at the end. For tools' main.c: it
 * prints. */
#ifndef ZSCAN_TOOL_BADLINE_H
#define ZSCAN_TOOL_BADLINE_H

#include <err.h>
#include <stddef.h>

#include "util/escape.h"

#define BADLINE_NAMED 100

struct badline {
	unsigned long named;
};

static inline void badline_report(struct badline *b, unsigned long lineno, const char *why,
                                  const char *text, size_t len, size_t show)
{
	if (b->named++ < BADLINE_NAMED) {
		char shown[4 * 128 + 4];
		escape_bytes(shown, sizeof shown, text, len > show ? show : len);
		warnx("stdin:%lu: %s '%s'", lineno, why, shown);
	}
}

#endif
