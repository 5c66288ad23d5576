/* listfile: allow/block list files painted into a target space: IPv4
 * entries into its constraint tree, IPv6 ones into its ip6set.
 * Format: one entry per line, "a.b.c.d", "a.b.c.d/len", "x:y::z",
 * "x:y::/len", or "x:y::/len-slice" (every /slice of the prefix, each at
 * the target's interface id); '#' starts a comment; blank lines and
 * surrounding white space are ignored. With no ip6set, IPv6 entries are
 * skipped (counted). An
 * entry with host bits set ("10.1.2.3/8", which ZMap's lists hold) is taken
 * as its network and counted, so the tool can warn. Any other bad line,
 * and a line over LISTFILE_MAX_LINE bytes, is an error naming file:line
 * and the text. A file is read as a stream (a pipe will do), a block at a
 * time: its memory is its entries, 8 bytes each, then the tree. */
#ifndef ZSCAN_CORE_LISTFILE_H
#define ZSCAN_CORE_LISTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr/constraint.h"
#include "core/addr/ip6set.h"
#include "util/zerr.h"

#define LISTFILE_MAX_LINE 4096

struct listfile_stats {
	unsigned long entries;
	unsigned long skipped_ipv6;
	unsigned long host_bits;
	/* the first such entry, as a message: room for a long path, as the
	 * 160 bytes it had cut "taken as 10.0.0.0/8" short in a deep
	 * directory */
	char first_host_bits[4096 + 256];
};

/* Where a list's entries go. */
struct listfile_target {
	struct constraint *v4;
	struct ip6set *v6; /* NULL: IPv6 entries are skipped */
	struct ipaddr iid; /* for slices: the bits below the slice */
};

/* Paints every entry of text[0..len) with `allowed`. `name` labels errors. */
int listfile_paint_text(const struct listfile_target *t, const char *name, const char *text,
                        size_t len, bool allowed, struct listfile_stats *st, struct zerr *e);

/* Reads and paints a whole file; nothing is painted if any line is bad. */
int listfile_paint_file(const struct listfile_target *t, const char *path, bool allowed,
                        struct listfile_stats *st, struct zerr *e);

/* The text of conf/blocklist.conf, built into every tool. */
extern const char listfile_default_blocklist[];
extern const size_t listfile_default_blocklist_len;
/* And of conf/blocklist6.conf. */
extern const char listfile_default_blocklist6[];
extern const size_t listfile_default_blocklist6_len;

#endif
