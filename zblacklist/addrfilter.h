/* addrfilter: the zblacklist filter. Reads lines whose first token (up to
 * ',', white space or '#') is an address or CIDR of either family (an IPv6
 * token ends at ',', white space or '#' too) and writes those the target
 * space allows:
 *   - an allowed address, or a wholly allowed CIDR: the line, unchanged;
 *   - a partly allowed CIDR: one line per block of the minimal CIDR cover of
 *     its allowed part, each followed by the rest of the original line;
 *   - with dedup, a line that passed whole before (the same address,
 *     written in any form, prefix length and rest of the line) is dropped
 *     as a repeat, as ZMap's zblocklist drops repeated addresses; memory
 *     grows with the distinct lines (a bit per IPv4 address, in 4 KiB
 *     pages as they appear, for bare addresses);
 *   - blank and comment lines are dropped; other lines are bad: reported
 *     through the callback, skipped and counted. So is a line longer than
 *     LISTFILE_MAX_LINE bytes, as in list files: it is never held whole
 *     (/dev/zero is one endless line), and the lines after it still count. */
#ifndef ZSCAN_ZBLACKLIST_ADDRFILTER_H
#define ZSCAN_ZBLACKLIST_ADDRFILTER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/addr/targetspace.h"
#include "util/zerr.h"

struct addrfilter_stats {
	unsigned long long lines, passed, split, dropped, bad;
	unsigned long long repeated; /* lines dropped as repeats (dedup) */
	bool interrupted; /* *stop ended the input: the output is that of the lines before */
	int write_errno;  /* the write error's errno, if one ended the run */
};

typedef void (*addrfilter_bad_fn)(void *ctx, unsigned long lineno, const char *why, const char *tok,
                                  size_t toklen);

/* Filters in_fd to out_fd. A non-zero *stop (if stop is set; a signal)
 * ends the input before its next read, with what was read filtered and
 * written; a change of *skip_stop does so only while an overlong line is
 * being skipped (see util/linereader.h). Returns -1 with e set on a read
 * or write error ("stdin: read error: why", "stdout: write error: why",
 * st->write_errno then set): the first one ends the run. */
int addrfilter_run(const struct targetspace *t, int in_fd, int out_fd, bool dedup,
                   volatile sig_atomic_t *stop, volatile sig_atomic_t *skip_stop,
                   addrfilter_bad_fn bad, void *ctx, struct addrfilter_stats *st, struct zerr *e);

#endif
