/* limit: "-n N" or "-n P%" (P with up to 6 decimals), a cap on how many
 * targets a scan emits. A percentage is of the targets actually allowed
 * (addresses x ports), not of 2^32, and rounds down. */
#ifndef ZSCAN_CORE_LIMIT_H
#define ZSCAN_CORE_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "util/zerr.h"

struct limit {
	bool set;
	bool percent;
	uint64_t count;     /* when !percent */
	uint64_t micro_pct; /* when percent: P * 10^6 */
};

int limit_parse(const char *s, struct limit *l, struct zerr *e);

/* The number of targets to emit out of `total`. */
uint64_t limit_resolve(const struct limit *l, uint64_t total);

/* The same into *n, refusing a percentage that comes to less than one
 * target of `total` (as -n 0 is refused), with e naming `text` (the
 * value as given) and what it comes to. A sample of nothing is no scan:
 * it wrote nothing and exited 0, while ZMap, whose percentage is of all
 * of IPv4, reads a 0 there as no limit at all. */
int limit_apply(const struct limit *l, const char *text, uint64_t total, uint64_t *n,
                struct zerr *e);

#endif
