/* readfile: a whole file into memory (list and key files are small). */
#ifndef ZSCAN_UTIL_READFILE_H
#define ZSCAN_UTIL_READFILE_H

#include <stddef.h>

/* Returns 0 and a malloc'd, NUL-terminated buffer, or -1 with errno set. */
int readfile(const char *path, char **buf, size_t *len);

#endif
