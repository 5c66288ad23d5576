/* resultfilter: zfilter's work. Reads result lines (CSV with a header row,
 * or JSON lines; told apart by the first line), keeps the rows that pass
 * (--where, or success = 1 unless told otherwise), and prints the first row
 * of each distinct key: its output fields as plain comma-separated values
 * (no header), CSV with a header, or JSON lines. A key that is one IPv4
 * field is deduplicated in a lazily allocated bitmap (at most 512 MiB);
 * other keys in a hash set that grows with the number of distinct keys. */
#ifndef ZSCAN_ZFILTER_RESULTFILTER_H
#define ZSCAN_ZFILTER_RESULTFILTER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/zerr.h"

#define RESULTFILTER_MAX_KEYS 8

enum resultfilter_format { RESULTFILTER_TEXT, RESULTFILTER_CSV, RESULTFILTER_JSON };

struct resultfilter_config {
	const char *key;    /* -u: the dedup key's fields; NULL: the output fields */
	const char *fields; /* -f: output fields, "*" all; NULL: the key, or saddr */
	const char *where;  /* --where expression; NULL: success = 1 */
	bool all;           /* no --where: keep every row, not only success = 1 */
	bool no_dedup;      /* print every passing row */
	enum resultfilter_format format;
	int in_fd, out_fd;
	int threads;                 /* 2: deduplicate in a second thread; 0: if there are 2 CPUs */
	volatile sig_atomic_t *stop; /* non-zero: end after the current block of lines */
};

struct resultfilter_stats {
	uint64_t rows, passed, unique, bad;
	bool interrupted;
};

typedef void (*resultfilter_bad_fn)(unsigned long lineno, const char *why, const char *line,
                                    size_t len);

/* Returns 0, -1 on a read/write failure, or RESULTFILTER_USAGE when the
 * input lacks a column the options name (e is set for both). */
#define RESULTFILTER_USAGE (-2)

int resultfilter_run(const struct resultfilter_config *cfg, resultfilter_bad_fn bad,
                     struct resultfilter_stats *st, struct zerr *e);

#endif
