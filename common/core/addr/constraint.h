/* constraint: which IPv4 addresses may be scanned.
 * A binary tree over the address space whose leaves are painted allowed or
 * blocked (later paints win). After constraint_finish() the tree is pruned
 * to its canonical form and can answer, fast:
 *   - is this address allowed?          (a /20 table, then a short walk)
 *   - how many addresses are allowed?
 *   - which is the i-th allowed address? Whole allowed /16 blocks come first,
 *     then whole allowed /20 blocks (the Zippier ZMap paper's array), each one
 *     array read; the rest is a walk using per-node counts. The /16 array is
 *     256 KiB and stays in cache where the /20 one (4 MiB) does not: under a
 *     random permutation that is the difference between a cache miss per
 *     target and none.
 *   - the allowed set as the minimal list of CIDR blocks.
 * Single addresses painted allowed where the tree blocks them (a hitlist of
 * /32s) are kept apart, sorted, 4 bytes each: in the tree each would cost a
 * path of its own, some 700 bytes. They come last in the index order.
 * The index order is a fixed bijection [0, count) -> allowed set; it is not
 * address order. */
#ifndef ZSCAN_CORE_CONSTRAINT_H
#define ZSCAN_CORE_CONSTRAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct constraint_node {
	uint32_t child[2]; /* 0 in both: a leaf (node 0 is the root, never a child) */
	uint32_t allowed;  /* leaves only */
	uint64_t total;    /* allowed addresses below */
	uint64_t tail;     /* allowed addresses below that are in neither array */
};

/* Per-/20 fast lookup: whole block allowed, whole block blocked, blocked but
 * for singles, or the index of the depth-20 node to walk from. */
#define CONSTRAINT_S20_BLOCKED 0u
#define CONSTRAINT_S20_ALLOWED 1u
#define CONSTRAINT_S20_SINGLES 2u
#define CONSTRAINT_S16_MIXED 2u

struct constraint {
	struct constraint_node *nodes;
	uint32_t nnodes, cap;
	uint32_t *free_list; /* reusable node slots freed by painting over subtrees */
	uint32_t nfree, free_cap;
	uint64_t count;    /* allowed addresses in total */
	uint32_t *radix16; /* base addresses of whole allowed /16 blocks, ascending */
	uint32_t nradix16;
	uint64_t span16;   /* nradix16 * 65536 */
	uint32_t *radix20; /* whole allowed /20 blocks not inside a whole /16 */
	uint32_t nradix20;
	uint64_t span20;   /* nradix20 * 4096 */
	uint32_t *slash20; /* 2^20 entries, see CONSTRAINT_S20_* */
	uint8_t *slash16;  /* 2^16 entries: CONSTRAINT_S20_* or CONSTRAINT_S16_MIXED; 64 KiB,
	                      so a random lookup rarely misses the cache */
	/* singles: [0, nsorted) sorted and distinct, dead[] marking those a
	 * later block painted over; [nsorted, nsingles) appended since */
	uint32_t *singles;
	size_t nsingles, nsorted, singles_cap;
	uint64_t *dead;
	uint64_t tree_count; /* allowed addresses in the tree (count less singles) */
};

/* All addresses start allowed or blocked. Returns NULL when out of memory. */
struct constraint *constraint_new(bool allowed);
void constraint_free(struct constraint *c);

/* Paints prefix/len (host bits must be clear). Returns -1 when out of memory. */
int constraint_paint(struct constraint *c, uint32_t prefix, int len, bool allowed);

/* Prunes, counts and builds the lookup tables. Call once, after painting and
 * before any query. Returns -1 when out of memory. */
int constraint_finish(struct constraint *c);

static inline uint64_t constraint_count(const struct constraint *c)
{
	return c->count;
}

bool constraint_allowed_slow(const struct constraint *c, uint32_t addr, uint32_t node);

static inline bool constraint_allowed(const struct constraint *c, uint32_t addr)
{
	uint32_t s = c->slash16[addr >> 16];
	if (s != CONSTRAINT_S16_MIXED)
		return s == CONSTRAINT_S20_ALLOWED;
	s = c->slash20[addr >> 12];
	if (s <= CONSTRAINT_S20_ALLOWED)
		return s == CONSTRAINT_S20_ALLOWED;
	return constraint_allowed_slow(c, addr, s);
}

uint32_t constraint_lookup_index_slow(const struct constraint *c, uint64_t i);

/* The i-th allowed address, for i < constraint_count(c). */
static inline uint32_t constraint_lookup_index(const struct constraint *c, uint64_t i)
{
	if (i < c->span16)
		return c->radix16[i >> 16] | (uint32_t)(i & 0xffff);
	i -= c->span16;
	if (i < c->span20)
		return c->radix20[i >> 12] | (uint32_t)(i & 0xfff);
	return constraint_lookup_index_slow(c, i - c->span20);
}

/* How many singles the set holds (they are counted in constraint_count). */
static inline size_t constraint_singles(const struct constraint *c)
{
	return c->nsingles;
}

/* Calls fn for each block of the minimal CIDR cover of the allowed set, in
 * address order, or of the allowed part of prefix/len when len >= 0. Stops
 * early and returns fn's value when fn returns non-zero. */
int constraint_each_cidr(const struct constraint *c, uint32_t prefix, int len,
                         int (*fn)(void *ctx, uint32_t prefix, int len), void *ctx);

/* How many addresses of prefix/len are allowed. */
uint64_t constraint_count_in(const struct constraint *c, uint32_t prefix, int len);

#endif
