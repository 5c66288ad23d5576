/* closeout: standard output checked at exit, for every tool. Output that
 * goes through stdio (--help, --version, listings, counts) is written when
 * the tool exits; a full disk or a closed pipe there must still give one
 * line, "tool: stdout: write error: why", and exit 1. Installed first in
 * main, so that it runs last. It also makes the first instant safe: the
 * standard descriptors are held open and the signals whose default would
 * end the tool without a word are ignored. For tools' main.c. */
#ifndef ZSCAN_TOOL_CLOSEOUT_H
#define ZSCAN_TOOL_CLOSEOUT_H

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool/signals.h"
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

/* Standard input, output and error, if closed (2>&-), are /dev/null
 * opened the other way: a file the tool opens then never takes their
 * number, where messages or output meant for them would land, and reading
 * or writing them still fails as on a closed descriptor (EBADF), as
 * gnulib's stdopen does. When even that fails, nothing is safe to open:
 * exit 1. */
static inline void closeout_stdfds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int got = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
		if (got != fd) { /* the lower ones are open: got is fd, or -1 */
			warn("/dev/null for the closed descriptor %d", fd);
			_exit(ZS_EXIT_FAIL);
		}
	}
}

/* Also, from the first instant: holds the standard descriptors open
 * (closeout_stdfds); ignores SIGPIPE (a reader that left is a write error
 * said in one line, not a death without a word) and SIGUSR1 unless a
 * handler was installed for it (tool/signals.h). */
static inline void closeout_install(void)
{
	closeout_stdfds();
	signal(SIGPIPE, SIG_IGN);
	signals_ignore_if_default(SIGUSR1);
	atexit(closeout_stdout);
}

#endif
