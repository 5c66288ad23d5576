/* pairset: a growing set of 64-bit keys (open addressing, linear probing),
 * for (address, port) pairs where one bit per address is not enough.
 * Memory: 16 to 32 bytes per key. */
#ifndef ZSCAN_UTIL_PAIRSET_H
#define ZSCAN_UTIL_PAIRSET_H

#include <stdint.h>
#include <stdlib.h>

struct pairset {
	uint64_t *slots; /* key + 1; 0 = empty */
	size_t cap, n;
};

static inline size_t pairset_slot(uint64_t k, size_t cap)
{
	k *= 0x9e3779b97f4a7c15ull; /* Fibonacci hashing: spreads sequential keys */
	return (size_t)(k >> 32) & (cap - 1);
}

/* Adds key; returns whether it was there already, or -1 out of memory. */
static inline int pairset_test_and_set(struct pairset *s, uint64_t key)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t ncap = s->cap ? 2 * s->cap : 1024;
		uint64_t *ns = calloc(ncap, sizeof *ns);
		if (!ns)
			return -1;
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slots[i])
				continue;
			size_t j = pairset_slot(s->slots[i] - 1, ncap);
			while (ns[j])
				j = (j + 1) & (ncap - 1);
			ns[j] = s->slots[i];
		}
		free(s->slots);
		s->slots = ns;
		s->cap = ncap;
	}
	size_t j = pairset_slot(key, s->cap);
	for (; s->slots[j]; j = (j + 1) & (s->cap - 1))
		if (s->slots[j] == key + 1)
			return 1;
	s->slots[j] = key + 1;
	s->n++;
	return 0;
}

/* Whether key is in the set. */
static inline int pairset_test(const struct pairset *s, uint64_t key)
{
	if (!s->cap)
		return 0;
	for (size_t j = pairset_slot(key, s->cap); s->slots[j]; j = (j + 1) & (s->cap - 1))
		if (s->slots[j] == key + 1)
			return 1;
	return 0;
}

static inline void pairset_free(struct pairset *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->n = 0;
}

#endif
