/* constraint: the painted binary tree over IPv4 and its lookup tables. */
#include "core/addr/constraint.h"

#include <stdlib.h>
#include <string.h>

#include "core/addr/addrsort.h"

#define NO_NODE 0u
/* Slots 1 and 2 are never used, so that no node index can collide with
 * the CONSTRAINT_S20_* sentinels stored in the /20 table. */
#define FIRST_FREE_SLOT 3u
#define S20_BITS 20
#define S16_BITS 16

static int is_leaf(const struct constraint_node *n)
{
	return n->child[0] == NO_NODE;
}

static int64_t node_alloc(struct constraint *c, uint32_t allowed)
{
	uint32_t i;
	if (c->nfree > 0) {
		i = c->free_list[--c->nfree];
	} else {
		if (c->nnodes == c->cap) {
			uint32_t ncap = c->cap * 2;
			struct constraint_node *nn = realloc(c->nodes, (size_t)ncap * sizeof *nn);
			if (!nn)
				return -1;
			c->nodes = nn;
			c->cap = ncap;
		}
		i = c->nnodes++;
	}
	c->nodes[i] = (struct constraint_node){.allowed = allowed};
	return i;
}

/* Returns the subtree below n (not n itself) to the free list. */
static int free_below(struct constraint *c, uint32_t n)
{
	if (is_leaf(&c->nodes[n]))
		return 0;
	for (int k = 0; k < 2; k++) {
		uint32_t ch = c->nodes[n].child[k];
		if (free_below(c, ch) < 0)
			return -1;
		if (c->nfree == c->free_cap) {
			uint32_t ncap = c->free_cap ? c->free_cap * 2 : 64;
			uint32_t *nf = realloc(c->free_list, (size_t)ncap * sizeof *nf);
			if (!nf)
				return -1;
			c->free_list = nf;
			c->free_cap = ncap;
		}
		c->free_list[c->nfree++] = ch;
	}
	c->nodes[n].child[0] = c->nodes[n].child[1] = NO_NODE;
	return 0;
}

struct constraint *constraint_new(bool allowed)
{
	struct constraint *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->cap = 1024;
	c->nodes = calloc(c->cap, sizeof *c->nodes);
	if (!c->nodes) {
		free(c);
		return NULL;
	}
	c->nodes[0].allowed = allowed;
	c->nnodes = FIRST_FREE_SLOT;
	return c;
}

void constraint_free(struct constraint *c)
{
	if (!c)
		return;
	free(c->nodes);
	free(c->free_list);
	free(c->radix16);
	free(c->radix20);
	free(c->slash20);
	free(c->slash16);
	free(c->singles);
	free(c->dead);
	free(c);
}

/* The colour of addr in the tree as painted so far (no tables needed). */
static bool tree_allowed(const struct constraint *c, uint32_t addr)
{
	const struct constraint_node *nd = &c->nodes[0];
	for (int bit = 31; !is_leaf(nd); bit--)
		nd = &c->nodes[nd->child[(addr >> bit) & 1]];
	return nd->allowed;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The first sorted single >= v. */
static size_t singles_lower(const struct constraint *c, uint64_t v)
{
	size_t lo = 0, hi = c->nsorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->singles[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool is_dead(const struct constraint *c, size_t i)
{
	return c->dead && (c->dead[i / 64] >> (i % 64) & 1);
}

/* Drops the dead, sorts and dedups all singles; a fresh dead[] for them. */
static int singles_settle(struct constraint *c)
{
	size_t m = 0;
	for (size_t i = 0; i < c->nsingles; i++)
		if (i >= c->nsorted || !is_dead(c, i))
			c->singles[m++] = c->singles[i];
	if (m > 1 && addrsort_v4(c->singles, m) < 0)
		qsort(c->singles, m, sizeof *c->singles,
		      cmp_u32); /* no room for the radix sort's copy */
	size_t k = 0;
	for (size_t i = 0; i < m; i++)
		if (k == 0 || c->singles[k - 1] != c->singles[i])
			c->singles[k++] = c->singles[i];
	c->nsingles = c->nsorted = k;
	free(c->dead);
	c->dead = calloc(k / 64 + 1, sizeof *c->dead);
	return c->dead ? 0 : -1;
}

/* A single address painted allowed: kept apart unless the tree holds it. */
static int add_single(struct constraint *c, uint32_t addr)
{
	if (tree_allowed(c, addr))
		return 0;
	if (c->nsingles == c->singles_cap) {
		size_t ncap = c->singles_cap ? c->singles_cap * 2 : 1024;
		uint32_t *ns = realloc(c->singles, ncap * sizeof *ns);
		if (!ns)
			return -1;
		c->singles = ns;
		c->singles_cap = ncap;
	}
	c->singles[c->nsingles++] = addr;
	return 0;
}

/* A block painted over [lo, hi]: the singles there die (later paints win). */
static int kill_singles(struct constraint *c, uint32_t lo, uint64_t hi)
{
	if (c->nsingles > c->nsorted && singles_settle(c) < 0)
		return -1;
	for (size_t i = singles_lower(c, lo); i < c->nsorted && c->singles[i] <= hi; i++)
		c->dead[i / 64] |= (uint64_t)1 << (i % 64);
	return 0;
}

int constraint_paint(struct constraint *c, uint32_t prefix, int len, bool allowed)
{
	if (allowed && len == 32)
		return add_single(c, prefix);
	if (!allowed && c->nsingles &&
	    kill_singles(c, prefix, (uint64_t)prefix + ((uint64_t)1 << (32 - len)) - 1) < 0)
		return -1;
	uint32_t n = 0;
	for (int depth = 0; depth < len; depth++) {
		if (is_leaf(&c->nodes[n])) {
			if (c->nodes[n].allowed == allowed)
				return 0; /* already inside a leaf of this colour */
			uint32_t colour = c->nodes[n].allowed;
			int64_t l = node_alloc(c, colour), r = node_alloc(c, colour);
			if (l < 0 || r < 0)
				return -1;
			c->nodes[n].child[0] = (uint32_t)l;
			c->nodes[n].child[1] = (uint32_t)r;
		}
		n = c->nodes[n].child[(prefix >> (31 - depth)) & 1];
	}
	if (free_below(c, n) < 0)
		return -1;
	c->nodes[n].allowed = allowed;
	return 0;
}

/* Merges sibling leaves of one colour, bottom up: afterwards every allowed
 * leaf is a maximal CIDR block, which the /20 array and --cidrs rely on. */
static int prune(struct constraint *c, uint32_t n)
{
	struct constraint_node *nd = &c->nodes[n];
	if (is_leaf(nd))
		return 0;
	uint32_t l = nd->child[0], r = nd->child[1];
	if (prune(c, l) < 0 || prune(c, r) < 0)
		return -1;
	const struct constraint_node *ln = &c->nodes[l], *rn = &c->nodes[r];
	if (is_leaf(ln) && is_leaf(rn) && ln->allowed == rn->allowed) {
		uint32_t colour = ln->allowed;
		if (free_below(c, n) < 0)
			return -1;
		c->nodes[n].allowed = colour;
	}
	return 0;
}

/* Fills the /20 table, the /16 and /20 arrays and the per-node counts in one pass.
 * Runs in address order, so the array comes out ascending. */
static void index_tree(struct constraint *c, uint32_t n, int depth, uint32_t base)
{
	struct constraint_node *nd = &c->nodes[n];
	if (is_leaf(nd)) {
		nd->total = nd->allowed ? (uint64_t)1 << (32 - depth) : 0;
		nd->tail = 0;
		if (depth <= S20_BITS) {
			uint32_t first = base >> 12, nblk = 1u << (S20_BITS - depth);
			for (uint32_t b = 0; b < nblk; b++)
				c->slash20[first + b] =
				    nd->allowed ? CONSTRAINT_S20_ALLOWED : CONSTRAINT_S20_BLOCKED;
			if (nd->allowed && depth <= S16_BITS) {
				for (uint32_t b = 0; b < 1u << (S16_BITS - depth); b++)
					c->radix16[c->nradix16++] = base + (b << 16);
			} else if (nd->allowed) {
				for (uint32_t b = 0; b < nblk; b++)
					c->radix20[c->nradix20++] = base + (b << 12);
			}
		} else {
			nd->tail = nd->total;
		}
		return;
	}
	if (depth == S20_BITS)
		c->slash20[base >> 12] = n;
	uint32_t l = nd->child[0], r = nd->child[1];
	index_tree(c, l, depth + 1, base);
	index_tree(c, r, depth + 1, base | (1u << (31 - depth)));
	nd = &c->nodes[n];
	nd->total = c->nodes[l].total + c->nodes[r].total;
	nd->tail = c->nodes[l].tail + c->nodes[r].tail;
}

int constraint_finish(struct constraint *c)
{
	if (prune(c, 0) < 0 || singles_settle(c) < 0)
		return -1;
	/* a single a CIDR painted later holds is the tree's */
	size_t m = 0;
	for (size_t i = 0; i < c->nsingles; i++)
		if (!tree_allowed(c, c->singles[i]))
			c->singles[m++] = c->singles[i];
	c->nsingles = c->nsorted = m;
	if (!c->slash20)
		c->slash20 = malloc(sizeof(uint32_t) << S20_BITS);
	if (!c->radix16)
		c->radix16 = malloc(sizeof(uint32_t) << S16_BITS);
	if (!c->radix20)
		c->radix20 = malloc(sizeof(uint32_t) << S20_BITS);
	if (!c->slash20 || !c->radix16 || !c->radix20)
		return -1;
	if (!c->slash16)
		c->slash16 = malloc((size_t)1 << S16_BITS);
	if (!c->slash16)
		return -1;
	c->nradix16 = c->nradix20 = 0;
	index_tree(c, 0, 0, 0);
	for (uint32_t b16 = 0; b16 < 1u << S16_BITS; b16++) {
		const uint32_t *s20 = &c->slash20[b16 << (S20_BITS - S16_BITS)];
		uint8_t st =
		    s20[0] <= CONSTRAINT_S20_ALLOWED ? (uint8_t)s20[0] : CONSTRAINT_S16_MIXED;
		for (uint32_t k = 1; k < 1u << (S20_BITS - S16_BITS); k++)
			if (s20[k] != s20[0])
				st = CONSTRAINT_S16_MIXED;
		c->slash16[b16] = st;
	}
	/* the lookup tables send every address near a single to the slow path */
	for (size_t i = 0; i < c->nsingles; i++) {
		uint32_t a = c->singles[i];
		if (c->slash20[a >> 12] == CONSTRAINT_S20_BLOCKED)
			c->slash20[a >> 12] = CONSTRAINT_S20_SINGLES;
		c->slash16[a >> 16] = CONSTRAINT_S16_MIXED;
	}
	c->span16 = (uint64_t)c->nradix16 << 16;
	c->span20 = (uint64_t)c->nradix20 << 12;
	c->tree_count = c->span16 + c->span20 + c->nodes[0].tail;
	c->count = c->tree_count + c->nsingles;
	return 0;
}

static bool is_single(const struct constraint *c, uint32_t addr)
{
	size_t i = singles_lower(c, addr);
	return i < c->nsingles && c->singles[i] == addr;
}

bool constraint_allowed_slow(const struct constraint *c, uint32_t addr, uint32_t node)
{
	if (node == CONSTRAINT_S20_SINGLES)
		return is_single(c, addr);
	const struct constraint_node *nd = &c->nodes[node];
	for (int bit = 31 - S20_BITS; !is_leaf(nd); bit--)
		nd = &c->nodes[nd->child[(addr >> bit) & 1]];
	return nd->allowed || (c->nsingles && is_single(c, addr));
}

uint32_t constraint_lookup_index_slow(const struct constraint *c, uint64_t i)
{
	if (i >= c->nodes[0].tail)
		return c->singles[i - c->nodes[0].tail];
	const struct constraint_node *nd = &c->nodes[0];
	uint32_t base = 0;
	for (int depth = 0; !is_leaf(nd); depth++) {
		const struct constraint_node *l = &c->nodes[nd->child[0]];
		if (i < l->tail) {
			nd = l;
		} else {
			i -= l->tail;
			base |= 1u << (31 - depth);
			nd = &c->nodes[nd->child[1]];
		}
	}
	return base + (uint32_t)i;
}

/* Finds the node whose block contains prefix/len, stopping early at a leaf.
 * Returns its depth. */
static int descend(const struct constraint *c, uint32_t prefix, int len, uint32_t *node)
{
	uint32_t n = 0;
	int depth = 0;
	while (depth < len && !is_leaf(&c->nodes[n])) {
		n = c->nodes[n].child[(prefix >> (31 - depth)) & 1];
		depth++;
	}
	*node = n;
	return depth;
}

/* The allowed blocks in address order, tree leaves and singles merged
 * into maximal runs, each run given out as its minimal CIDR cover (for
 * the tree alone that is its leaves: pruned, each is a maximal block). */
struct cidr_walk {
	int (*fn)(void *ctx, uint32_t prefix, int len);
	void *ctx;
	uint64_t lo, hi; /* the run so far, when have */
	bool have;
	size_t next, end; /* singles still to place: [next, end) */
};

static int run_flush(struct cidr_walk *w)
{
	if (!w->have)
		return 0;
	w->have = false;
	for (uint64_t lo = w->lo; lo <= w->hi;) {
		int bits = lo ? __builtin_ctzll(lo) : 32;
		if (bits > 32)
			bits = 32;
		while (lo + ((uint64_t)1 << bits) - 1 > w->hi)
			bits--;
		int rc = w->fn(w->ctx, (uint32_t)lo, 32 - bits);
		if (rc)
			return rc;
		lo += (uint64_t)1 << bits;
	}
	return 0;
}

static int run_add(struct cidr_walk *w, uint64_t lo, uint64_t hi)
{
	if (w->have && lo == w->hi + 1) {
		w->hi = hi;
		return 0;
	}
	int rc = run_flush(w);
	w->lo = lo;
	w->hi = hi;
	w->have = true;
	return rc;
}

/* Places the singles below v. */
static int singles_before(const struct constraint *c, struct cidr_walk *w, uint64_t v)
{
	int rc = 0;
	while (rc == 0 && w->next < w->end && c->singles[w->next] < v) {
		uint32_t a = c->singles[w->next++];
		rc = run_add(w, a, a);
	}
	return rc;
}

static int each_leaf(const struct constraint *c, uint32_t n, int depth, uint32_t base,
                     struct cidr_walk *w)
{
	const struct constraint_node *nd = &c->nodes[n];
	if (is_leaf(nd)) {
		int rc = singles_before(c, w, base);
		if (rc || !nd->allowed)
			return rc;
		return run_add(w, base, base + ((uint64_t)1 << (32 - depth)) - 1);
	}
	int rc = each_leaf(c, nd->child[0], depth + 1, base, w);
	if (rc)
		return rc;
	return each_leaf(c, nd->child[1], depth + 1, base | (1u << (31 - depth)), w);
}

int constraint_each_cidr(const struct constraint *c, uint32_t prefix, int len,
                         int (*fn)(void *ctx, uint32_t prefix, int len), void *ctx)
{
	if (len < 0)
		prefix = 0, len = 0;
	uint64_t lo = prefix, hi = lo + ((uint64_t)1 << (32 - len)) - 1;
	struct cidr_walk w = {fn, ctx, 0, 0, false, singles_lower(c, lo), singles_lower(c, hi + 1)};
	uint32_t n;
	int depth = descend(c, prefix, len, &n), rc;
	if (depth < len) /* inside one leaf */
		rc = c->nodes[n].allowed ? run_add(&w, lo, hi) : 0;
	else
		rc = each_leaf(c, n, depth, prefix, &w);
	if (rc == 0)
		rc = singles_before(c, &w, hi + 1);
	return rc ? rc : run_flush(&w);
}

uint64_t constraint_count_in(const struct constraint *c, uint32_t prefix, int len)
{
	uint64_t lo = prefix, hi = lo + ((uint64_t)1 << (32 - len)) - 1;
	uint64_t singles = singles_lower(c, hi + 1) - singles_lower(c, lo);
	uint32_t n;
	int depth = descend(c, prefix, len, &n);
	if (depth < len)
		return c->nodes[n].allowed ? (uint64_t)1 << (32 - len) : singles;
	return c->nodes[n].total + singles;
}
