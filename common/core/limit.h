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

#endif
