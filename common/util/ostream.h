/* ostream: a stdio stream whose every write to its file descriptor is
 * checked. The first failure is kept with its errno and nothing more is
 * written after it: when a write fails, glibc drops what the buffer held,
 * so a later flush "succeeds" and the loss would go unseen. A tool checks
 * ostream_failed in its loop and at the end, and stops with one line,
 * "FILE: write error: why". */
#ifndef ZSCAN_UTIL_OSTREAM_H
#define ZSCAN_UTIL_OSTREAM_H

#include <stdbool.h>
#include <stdio.h>

#include "util/zerr.h"

struct ostream {
	FILE *f;          /* write with stdio */
	int fd;           /* closed by ostream_close */
	const char *name; /* in messages: the path, or "stdout" */
	/* errno of the first failed write or close; 0 none. Read and set
	 * atomically: one thread may write while another checks. */
	int err;
};

/* A stream over fd with a buffer of bufsize bytes (0: stdio's). -1 with
 * errno set if it cannot be made. */
int ostream_open(struct ostream *o, int fd, const char *name, size_t bufsize);

/* Writes out what is buffered. -1 once any write has failed. */
int ostream_flush(struct ostream *o);

/* Flushes and closes the stream and its descriptor. -1 if any write, the
 * flush or the close failed. */
int ostream_close(struct ostream *o);

static inline bool ostream_failed(const struct ostream *o)
{
	return __atomic_load_n(&o->err, __ATOMIC_ACQUIRE) != 0;
}

/* The first failure's errno, or 0. */
int ostream_errno(const struct ostream *o);

/* "NAME: write error: why" into e; returns -1. */
int ostream_error(const struct ostream *o, struct zerr *e);

#endif
