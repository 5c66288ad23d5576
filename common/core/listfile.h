/* listfile: allow/block list files painted into a constraint tree.
 * Format: one entry per line, "a.b.c.d" or "a.b.c.d/len"; '#' starts a
 * comment; blank lines and surrounding white space are ignored. IPv6 entries
 * are skipped (counted) so a list shared with IPv6 tools still loads. An
 * entry with host bits set ("10.1.2.3/8", which ZMap's lists hold) is taken
 * as its network and counted, so the tool can warn. Any other bad line,
 * and a line over LISTFILE_MAX_LINE bytes, is an error naming file:line
 * and the text. A file is read as a stream (a pipe will do), a block at a
 * time: its memory is its entries, 8 bytes each, then the tree. */
#ifndef ZSCAN_CORE_LISTFILE_H
#define ZSCAN_CORE_LISTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/constraint.h"
#include "util/zerr.h"

#define LISTFILE_MAX_LINE 4096

struct listfile_stats {
	unsigned long entries;
	unsigned long skipped_ipv6;
	unsigned long host_bits;
	char first_host_bits[160]; /* the first such entry, as a message */
};

/* Paints every entry of text[0..len) with `allowed`. `name` labels errors. */
int listfile_paint_text(struct constraint *c, const char *name, const char *text, size_t len,
                        bool allowed, struct listfile_stats *st, struct zerr *e);

/* Reads and paints a whole file; nothing is painted if any line is bad. */
int listfile_paint_file(struct constraint *c, const char *path, bool allowed,
                        struct listfile_stats *st, struct zerr *e);

/* The text of conf/blocklist.conf, built into every tool. */
extern const char listfile_default_blocklist[];
extern const size_t listfile_default_blocklist_len;

#endif
