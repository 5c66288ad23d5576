/* cyclic: the multiplicative group (Z/pZ)* a scan permutes with.
 * p is the smallest prime above the target count n (never 2^32 elements to
 * emit 256 addresses), r its smallest primitive root, and each scan draws a
 * random generator g = r^k with gcd(k, p-1) = 1, which is uniform over all
 * generators. GMP does the number theory; the hot loop never touches it. */
#ifndef ZSCAN_CORE_CYCLIC_H
#define ZSCAN_CORE_CYCLIC_H

#include <stdint.h>

#include "core/perm/factor.h"
#include "core/perm/rng.h"

/* The largest target count supported: 2^32 addresses x 65536 ports. */
#define CYCLIC_MAX_N ((uint64_t)1 << 48)

struct cyclic_group {
	uint64_t p;    /* prime, > n, odd */
	uint64_t root; /* smallest primitive root of p */
	uint64_t factors[FACTOR_MAX];
	int nfactors; /* distinct primes dividing p-1 */
};

/* The group for n targets (1 <= n <= CYCLIC_MAX_N). */
void cyclic_group_for(uint64_t n, struct cyclic_group *g);

/* A random generator of the group drawn from r. */
uint64_t cyclic_random_generator(const struct cyclic_group *g, struct rng *r);

/* Whether x generates the whole group (used by tests and sanity checks). */
int cyclic_is_generator(const struct cyclic_group *g, uint64_t x);

#endif
