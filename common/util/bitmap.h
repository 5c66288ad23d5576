/* bitmap: one bit per IPv4 address in one 512 MiB mapping reserved up front
 * (MAP_NORESERVE), which the kernel fills with zeroed 4 KiB pages as they
 * are first touched: a set of few addresses costs 4 KiB per /17 that holds
 * any, at most 512 MiB, and a lookup is one load with no table of pages in
 * front. Once the set is dense, random lookups miss the
 * TLB on every row; from BITMAP_DENSE addresses on, the mapping is marked
 * for transparent huge pages, which makes that a 2 MiB page walk. */
#ifndef ZSCAN_UTIL_BITMAP_H
#define ZSCAN_UTIL_BITMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>

#define BITMAP_BYTES (1ull << 29)
#define BITMAP_DENSE (1u << 22) /* addresses; then 2 MiB pages pay off */

struct bitmap {
	uint64_t *bits; /* NULL until the first address */
	uint64_t n;     /* addresses set */
};

/* Reserves the mapping (no memory yet); 0, or -1 if the address space is
 * not there. */
static inline int bitmap_reserve(struct bitmap *b)
{
	if (!b->bits) {
		void *m = mmap(NULL, BITMAP_BYTES, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m == MAP_FAILED)
			return -1;
		b->bits = m;
	}
	return 0;
}

/* Starts loading a's word into the cache (reserved bitmaps only): a lookup
 * of a random address misses the cache and the TLB, and a caller that asks
 * some rows ahead finds the word there when it gets to it. */
static inline void bitmap_prefetch(const struct bitmap *b, uint32_t a)
{
	__builtin_prefetch(&b->bits[a >> 6], 1);
}

/* Sets the bit; returns whether it was already set, or -1 out of memory. */
static inline int bitmap_test_and_set(struct bitmap *b, uint32_t a)
{
	if (bitmap_reserve(b) < 0)
		return -1;
	uint64_t mask = 1ull << (a & 63), *w = &b->bits[a >> 6];
	/* one read-modify-write instruction: a load first would map the zero
	 * page into a fresh page and the store would fault a second time */
	if (__atomic_fetch_or(w, mask, __ATOMIC_RELAXED) & mask)
		return 1;
	if (++b->n == BITMAP_DENSE)
		(void)madvise(b->bits, BITMAP_BYTES, MADV_HUGEPAGE); /* a hint; may fail */
	return 0;
}

/* Makes sure a's page is there, changing nothing (reserved bitmaps
 * only): another thread can take the page fault, 2-3 us each, before the
 * thread that sets bits gets to a. An atomic OR of 0, so that it is safe
 * beside that thread's writes. */
static inline void bitmap_touch(const struct bitmap *b, uint32_t a)
{
	(void)__atomic_fetch_or(&b->bits[a >> 6], 0, __ATOMIC_RELAXED);
}

#define BITMAP_PAGE_SHIFT 15 /* addresses per 4 KiB page: 2^15 */

static inline void bitmap_free(struct bitmap *b)
{
	if (b->bits)
		munmap(b->bits, BITMAP_BYTES);
	b->bits = NULL;
	b->n = 0;
}

#endif
