/* rng: the deterministic stream a scan seed expands into (SplitMix64), and
 * fresh seeds from the kernel. The permutation needs reproducibility across
 * machines (same --seed, same order), not secrecy; scan keys use libsodium. */
#ifndef ZSCAN_CORE_RNG_H
#define ZSCAN_CORE_RNG_H

#include <stdint.h>

struct rng {
	uint64_t state;
};

static inline void rng_seed(struct rng *r, uint64_t seed)
{
	r->state = seed;
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, bound), bound > 0, without modulo bias. */
uint64_t rng_below(struct rng *r, uint64_t bound);

/* 64 random bits from getrandom(2). Returns -1 if the kernel cannot supply them. */
int rng_fresh_seed(uint64_t *seed);

#endif
