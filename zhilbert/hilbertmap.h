/* hilbertmap: zhilbert's map. The addresses of a prefix are cut into
 * units (the /24s of IPv4, the /48s of an IPv6 /32, ...), 4^k of them,
 * laid out along the Hilbert curve of order k (util/hilbert.h) as a
 * 2^k x 2^k square of pixels, one per unit, each coloured by the number of
 * addresses read in it (colour.h). Under the square a legend shows the
 * colour of each bin with a tick and the bin's least count.
 * Lines are read as zblacklist reads them: the first field (up to ',',
 * white space or '#') is an address of either family; zrecv's CSV and
 * zfilter's output as they are. A first line that is a header (its first
 * field a name of letters and '_', like saddr) is skipped, as are blank
 * lines and comments; other lines without an address are bad: reported
 * through the callback, skipped and counted. Every line counts once: feed
 * distinct hosts (zfilter) for hosts per unit. */
#ifndef ZSCAN_ZHILBERT_HILBERTMAP_H
#define ZSCAN_ZHILBERT_HILBERTMAP_H

#include <signal.h>
#include <stdint.h>

#include "core/addr/ipaddr.h"
#include "util/zerr.h"

/* the largest square: 4096 x 4096 pixels (order 12) */
#define HILBERTMAP_MAX_ORDER 12

struct hilbertmap {
	struct ipaddr prefix; /* its network, IPv4 as ::ffff:a.b.c.d */
	int len, unit;        /* in 128-bit terms: an IPv4 /24 unit is 120 */
	unsigned order;       /* (unit - len) / 2 */
	uint32_t side;        /* 2^order */
	uint32_t *cells;      /* side x side counts, row by row */
	uint32_t max;         /* the largest count */
};

struct hilbertmap_stats {
	unsigned long long lines, counted, outside, bad;
	bool interrupted; /* a stop ended the input: the map is that of the lines before */
	int write_errno;  /* the write error's errno, if one ended the run */
};

typedef void (*hilbertmap_bad_fn)(void *ctx, unsigned long lineno, const char *why,
                                  const char *line, size_t len);

/* A map of units of /unit (in the prefix's family's bits) under
 * prefix/len: unit - len even, 2 to 2 * HILBERTMAP_MAX_ORDER. -1 with e
 * set when it is not (a usage error) or on no memory (errno ENOMEM). */
int hilbertmap_init(struct hilbertmap *m, struct ipaddr prefix, int len, int unit, struct zerr *e);
void hilbertmap_free(struct hilbertmap *m);

/* Counts one address: 0, or -1 when it is outside the prefix. */
int hilbertmap_add(struct hilbertmap *m, struct ipaddr a);

/* The pixel of unit number d under the prefix (d below side^2). */
void hilbertmap_xy(const struct hilbertmap *m, uint32_t d, uint32_t *x, uint32_t *y);

/* Counts the addresses of the lines of in_fd. A non-zero *stop (if stop
 * is set) ends the input before its next read. -1 with e set on a read
 * error ("stdin: read error: why") or no memory. */
int hilbertmap_read(struct hilbertmap *m, int in_fd, volatile sig_atomic_t *stop,
                    hilbertmap_bad_fn bad, void *ctx, struct hilbertmap_stats *st, struct zerr *e);

/* Writes the picture to out_fd as a PNG. -1 with e set on a write error
 * ("stdout: write error: why", st->write_errno set) or another failure. */
int hilbertmap_write_png(const struct hilbertmap *m, int out_fd, struct hilbertmap_stats *st,
                         struct zerr *e);

#endif
