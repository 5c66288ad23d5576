/* outfile: an output file named on the command line, opened early (before
 * privileges are dropped) but emptied only once every check has passed, so
 * that a usage error leaves an existing file as it was and a file it
 * created is removed again. */
#ifndef ZSCAN_UTIL_OUTFILE_H
#define ZSCAN_UTIL_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

#include "util/ostream.h"
#include "util/zerr.h"

struct outfile {
	const char *path;
	int fd;       /* -1: not open */
	bool created; /* this open made the file */
	bool committed;
	FILE *f; /* after outfile_commit: os.f */
	struct ostream os;
};

/* Opens path for writing without emptying it (creating it if need be).
 * It waits on no FIFO: one that nobody reads is refused ("PATH: a FIFO
 * that nobody reads"), where open(2) would block for ever. In a shared
 * directory (one that group or others may write: /tmp, or mode 0777 or
 * 0775) it also follows no
 * link and refuses another user's file, so nothing planted there can be
 * written through. Errors name the path. */
int outfile_open(struct outfile *o, const char *path, struct zerr *e);

/* Every check passed: empties a regular file and gives o->f to write,
 * every write checked (util/ostream.h). */
int outfile_commit(struct outfile *o, struct zerr *e);

/* Flushes and closes a committed file; -1 with "PATH: write error: why"
 * in e if any write to it failed. */
int outfile_close(struct outfile *o, struct zerr *e);

/* A check failed: closes, and removes the file if this open created it. */
void outfile_abandon(struct outfile *o);

#endif
