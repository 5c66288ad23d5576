/* resultfilter: zfilter's work. Reads result lines (CSV with a header row,
 * or JSON lines; told apart by the first line), keeps the rows that pass
 * (success = 1 unless told otherwise), and prints each distinct key once:
 * the key's fields, comma-separated, no header. A key that is one IPv4
 * field is deduplicated in a lazily allocated bitmap (at most 512 MiB);
 * other keys in a hash set that grows with the number of distinct keys. */
#ifndef ZSCAN_RESULTFILTER_H
#define ZSCAN_RESULTFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zerr.h"

#define RESULTFILTER_MAX_KEYS 8

struct resultfilter_config {
	const char *key; /* comma-separated field names */
	bool all;        /* keep every row, not only success = 1 */
	bool no_dedup;   /* print every passing row's key */
	int in_fd, out_fd;
};

struct resultfilter_stats {
	uint64_t rows, passed, unique, bad;
};

typedef void (*resultfilter_bad_fn)(unsigned long lineno, const char *why, const char *line,
                                    size_t len);

/* Returns 0, -1 on a read/write failure, or RESULTFILTER_USAGE when the
 * input lacks a column the options name (e is set for both). */
#define RESULTFILTER_USAGE (-2)

int resultfilter_run(const struct resultfilter_config *cfg, resultfilter_bad_fn bad,
                     struct resultfilter_stats *st, struct zerr *e);

#endif
