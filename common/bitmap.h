/* bitmap: one bit per IPv4 address, allocated lazily in 64 KiB pages (one
 * page per /19), so a scan that sees few addresses uses little memory and a
 * full one at most 512 MiB. */
#ifndef ZSCAN_BITMAP_H
#define ZSCAN_BITMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define BITMAP_PAGE_BITS 19 /* addresses per page: 2^19 bits = 64 KiB */

struct bitmap {
	uint64_t *pages[1u << (32 - BITMAP_PAGE_BITS)];
};

/* Sets the bit; returns whether it was already set, or -1 out of memory. */
static inline int bitmap_test_and_set(struct bitmap *b, uint32_t a)
{
	uint64_t **pg = &b->pages[a >> BITMAP_PAGE_BITS];
	if (!*pg && !(*pg = calloc(1, (1u << BITMAP_PAGE_BITS) / 8)))
		return -1;
	uint32_t off = a & ((1u << BITMAP_PAGE_BITS) - 1);
	uint64_t mask = 1ull << (off & 63), *w = &(*pg)[off >> 6];
	int was = (*w & mask) != 0;
	*w |= mask;
	return was;
}

static inline void bitmap_free(struct bitmap *b)
{
	for (size_t i = 0; i < sizeof b->pages / sizeof b->pages[0]; i++)
		free(b->pages[i]);
}

#endif
