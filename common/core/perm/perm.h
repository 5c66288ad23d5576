/* perm: a seeded random permutation sigma of [0, n), from a cyclic group.
 * With p the smallest prime > n, a0 a random start and g a random generator,
 *   pi(k) = (a0 * g^k mod p) - 1
 * permutes [0, p-1). sigma is pi cycle-walked onto [0, n): when pi(k) >= n,
 * apply pi again until the value is below n. As only p-1-n values (a prime
 * gap, tens to hundreds) are out of range, a walk is rare and short, and in
 * exchange every position 0..n-1 yields exactly one target. So shard j of s
 * (positions k = j mod s), -n N (positions k < N) and resuming at a position
 * are exact by construction, with no rejected positions to account for. */
#ifndef ZSCAN_CORE_PERM_H
#define ZSCAN_CORE_PERM_H

#include <stdint.h>

#include "core/perm/cyclic.h"
#include "core/perm/mont.h"

struct perm {
	struct cyclic_group group;
	struct mont m;
	uint64_t n;   /* size of the permuted set */
	uint64_t a0;  /* start element, in [1, p-1] */
	uint64_t g;   /* generator */
	uint64_t a0m; /* a0 in Montgomery form */
};

/* The permutation of [0, n) for this seed (1 <= n <= CYCLIC_MAX_N). */
void perm_init(struct perm *pm, uint64_t n, uint64_t seed);

/* The group element at position k: a0 * g^k mod p. */
static inline uint64_t perm_element(const struct perm *pm, uint64_t k)
{
	return mont_mul(&pm->m, mont_pow(&pm->m, pm->g, k), pm->a0m);
}

/* Follows pi from an out-of-range value y >= n back into [0, n). */
static inline uint64_t perm_walk(const struct perm *pm, uint64_t y)
{
	while (y >= pm->n)
		y = perm_element(pm, y) - 1;
	return y;
}

/* sigma(k) for k < n. Costs a modular power: iterate for sequences. */
static inline uint64_t perm_at(const struct perm *pm, uint64_t k)
{
	return perm_walk(pm, perm_element(pm, k) - 1);
}

/* How many of the positions [0, limit) fall in shard j of s (k = j mod s). */
static inline uint64_t perm_shard_size(uint64_t limit, uint64_t s, uint64_t j)
{
	return limit > j ? (limit - 1 - j) / s + 1 : 0;
}

#endif
