/* strset: a set of byte strings, for zfilter's keys other than an address.
 * Open addressing on a 64-bit FNV-1a hash. The keys sit end to end in one
 * arena, so adding one costs no allocation and freeing the set is one
 * call; a slot holds the hash and where its key is, so growing the table
 * never reads the keys. */
#ifndef ZSCAN_UTIL_STRSET_H
#define ZSCAN_UTIL_STRSET_H

#include <stddef.h>
#include <stdint.h>

struct strslot {
	uint64_t hash; /* 0 = empty */
	uint64_t at;   /* offset in the arena << STRSET_LEN_BITS | length */
};

struct strset {
	struct strslot *slots;
	size_t cap, n;
	char *arena;
	size_t used, size;
};

#define STRSET_LEN_BITS 12
#define STRSET_MAX_KEY ((1u << STRSET_LEN_BITS) - 1) /* the longest length at holds */

/* The hash strset_add takes: FNV-1a, never 0 (0 marks an empty slot). */
static inline uint64_t strset_hash(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 0x100000001b3ull;
	return h ? h : 1;
}

/* Starts loading the slot a key of hash h probes first: a caller with
 * keys to add in a batch asks some keys ahead, so that the cache and TLB
 * misses of a large table overlap. */
static inline void strset_prefetch(const struct strset *s, uint64_t h)
{
	if (s->cap)
		__builtin_prefetch(&s->slots[h & (s->cap - 1)]);
}

/* Adds key p (n bytes, at most STRSET_MAX_KEY, hash h = strset_hash(p, n)).
 * Returns 1 if added, 0 if present, -1 out of memory. An empty set needs
 * no set-up: zero it. */
int strset_add(struct strset *s, uint64_t h, const char *p, size_t n);

void strset_free(struct strset *s);

#endif
