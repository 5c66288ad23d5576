/* resultfilter: zfilter's work. Reads result lines (CSV with a header row,
 * or JSON lines; told apart by the first line), keeps the rows that pass
 * (--where, or success = 1 unless told otherwise), and prints the first row
 * of each distinct key: its output fields as plain comma-separated values
 * (no header), CSV with a header, JSON lines, or the input of the next
 * stage (ZGrab2's CSV, LZR's JSON). A key that is one IPv4
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

/* ZGRAB2: ZGrab2's CSV input, ip,domain,tag,port (no header); LZR: JSON
 * lines of the seven fields LZR reads from ZMap, numbers bare. A row whose
 * values these cannot hold is a bad line. */
enum resultfilter_format {
	RESULTFILTER_TEXT,
	RESULTFILTER_CSV,
	RESULTFILTER_JSON,
	RESULTFILTER_ZGRAB2,
	RESULTFILTER_LZR
};

struct resultfilter_config {
	const char *key; /* -u: the dedup key's fields; NULL: the output fields */
	const char
	    *fields; /* -f: output fields, "*" all, blank an empty one; NULL: the key, or saddr */
	const char *where; /* --where expression; NULL: success = 1 */
	bool all;          /* no --where: keep every row, not only success = 1 */
	bool no_dedup;     /* print every passing row */
	enum resultfilter_format format;
	int in_fd, out_fd;
	int threads;                 /* 2: deduplicate in a second thread; 0: if there are 2 CPUs */
	volatile sig_atomic_t *stop; /* non-zero: end after the current block of lines */
	/* the same, but by a change while an overlong line is being skipped
	 * (see util/linereader.h): a first stop request while zfilter reads
	 * its pipe to the end */
	volatile sig_atomic_t *skip_stop;
	/* the bounds below; 0: those (a fuzzer sets small ones, to reach them) */
	size_t max_line;
	unsigned long max_record_lines;
};

/* Input is bounded: a line (its newline not counted) may be this long, a
 * CSV record in double quotes as long and at most RESULTFILTER_MAX_RECORD_LINES
 * lines. Longer ones are bad lines, never held whole: zrecv's rows with hex
 * payloads are a few KB, and /dev/zero must not take all memory. */
#define RESULTFILTER_MAX_LINE (1u << 20)
#define RESULTFILTER_MAX_RECORD_LINES 100

struct resultfilter_stats {
	uint64_t rows, passed, unique, bad;
	bool interrupted;
	int write_errno; /* the output's write error, if one ended the run */
	/* JSON: a field --where names was in no row, so each of its
	 * comparisons was false (resultfilter_run's e says which) */
	bool where_unseen;
};

/* A bad line, or a CSV record over lines first..last, and why. */
typedef void (*resultfilter_bad_fn)(unsigned long first, unsigned long last, const char *why,
                                    const char *line, size_t len);

/* Returns 0, -1 on a read/write failure, or RESULTFILTER_USAGE when the
 * input lacks a column the options name (e is set for both, and when 0
 * comes with st->where_unseen). */
#define RESULTFILTER_USAGE (-2)

int resultfilter_run(const struct resultfilter_config *cfg, resultfilter_bad_fn bad,
                     struct resultfilter_stats *st, struct zerr *e);

#endif
