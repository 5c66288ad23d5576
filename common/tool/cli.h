/* cli: the one-line answer to a bad option, for every tool. getopt's own
 * messages name the program by its full path and are followed by a usage
 * block; a user's mistake gets one line, "tool: what", instead. */
#ifndef ZSCAN_TOOL_CLI_H
#define ZSCAN_TOOL_CLI_H

#include <err.h>
#include <getopt.h>
#include <string.h>

#include "core/addr/ipaddr.h"
#include "util/escape.h"
#include "util/zerr.h"

/* An option's value as a message may show it: control bytes escaped, so
 * the message stays one line. Four at a time can be in use. */
static inline const char *cli_shown(const char *arg)
{
	static char bufs[4][256];
	static unsigned next;
	return escape_controls(bufs[next++ % 4], sizeof bufs[0], arg);
}

/* Call with the value getopt_long returned ('?' or ':') when the optstring
 * starts with ':' (so a missing value is told apart) and opterr is 0. */
__attribute__((noreturn)) static inline void cli_bad_option(int ch, char *const *argv)
{
	const char *arg = argv[optind - 1];
	char shortopt[3] = {'-', (char)optopt, '\0'};
	const char *name = optopt ? shortopt : cli_shown(arg);
	if (ch == ':')
		errx(ZS_EXIT_USAGE, "option '%s' needs a value (see --help)", name);
	errx(ZS_EXIT_USAGE, "unknown option '%s' (see --help)", name);
}

/* --iid: the interface identifier of prefix slices' addresses, as zgen
 * and zblacklist take it (an IPv6 address; only its low bits count). */
static inline struct ipaddr cli_iid(const char *arg)
{
	struct ipaddr a;
	if (ipaddr_parse(arg, strlen(arg), &a) < 0 || ipaddr_is_v4(a))
		errx(ZS_EXIT_USAGE, "--iid: '%s' is not an IPv6 address like ::1", cli_shown(arg));
	return a;
}

#endif
