/* closeout: standard output checked at exit, for every tool. Output that
 * goes through stdio (--help, --version, listings, counts) is written when
 * the tool exits; a full disk or a closed pipe there must still give one
 * line, "tool: stdout: write error: why", and exit 1. Installed first in
 * main, so that it runs last. For tools' main.c. */
#ifndef ZSCAN_TOOL_CLOSEOUT_H
#define ZSCAN_TOOL_CLOSEOUT_H

#include <err.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/zerr.h"

static void closeout_stdout(void)
{
	/* a stream error from an earlier write whose buffer glibc dropped
	 * has no errno left to tell: EIO stands for it */
	int err = fflush(stdout) == EOF ? errno : ferror(stdout) ? EIO : 0;
	if (!err && fclose(stdout) == EOF && errno != EBADF)
		err = errno;
	if (err) {
		warnx("stdout: write error: %s", strerror(err));
		_exit(ZS_EXIT_FAIL);
	}
}

/* Also ignores SIGPIPE, from the first instant: a reader that left is a
 * write error said in one line, not a death without a word. */
static inline void closeout_install(void)
{
	signal(SIGPIPE, SIG_IGN);
	atexit(closeout_stdout);
}

#endif
