/* readfile: a small file (a probe payload, a template) into memory, with a
 * bound: only a regular file is read (a FIFO, device or directory is one
 * clear error, never waited on), and never more than `max` bytes. Large
 * inputs (lists, targets, results) are streamed instead (linereader). */
#ifndef ZSCAN_UTIL_READFILE_H
#define ZSCAN_UTIL_READFILE_H

#include <stddef.h>

#include "util/zerr.h"

/* Returns 0 and a malloc'd, NUL-terminated buffer of *len bytes, or -1 with
 * e naming the file and what is wrong. */
int readfile(const char *path, size_t max, char **buf, size_t *len, struct zerr *e);

/* What a file of this mode is, for messages: "a directory", "a FIFO"... */
const char *readfile_kind(unsigned mode);

#endif
