/* Unit tests: the constraint tree against brute force. Random sets live in
 * 10.0.0.0/12 (2^20 addresses) so a plain bitmap can check every address,
 * and mix prefix lengths 12-32 so the /16 array, the /20 array and the tree
 * walk are all exercised. */
#include <stdlib.h>
#include <string.h>

#include "core/addr/constraint.h"
#include "harness.h"
#include "core/addr/listfile.h"
#include "core/perm/rng.h"
#include "util/zerr.h"

void test_constraint_default_list_count(void);
void test_constraint_index_is_bijection_random_sets(void);
void test_constraint_allowed_matches_brute_force(void);
void test_constraint_cidrs_minimal_cover(void);
void test_constraint_later_paint_wins(void);
void test_constraint_singles_cases(void);
void test_listfile_errors_name_file_and_line(void);

#define REGION 0x0a000000u
#define REGION_BITS 20

struct model {
	struct constraint *c;
	uint8_t *bits; /* 1 = allowed, per address of the region */
};

/* Paints the same random prefixes into a tree and a bitmap; with odd
 * seeds, most of them single addresses (a hitlist, painted allowed and
 * blocked in any order, some twice). */
static struct model random_model(uint64_t seed, int npaint)
{
	struct rng r;
	rng_seed(&r, seed);
	struct model m = {constraint_new(false), calloc(1u << REGION_BITS, 1)};
	if (seed & 1)
		npaint *= 50;
	for (int i = 0; i < npaint; i++) {
		int len = 12 + (int)rng_below(&r, 21);
		if ((seed & 1) && rng_below(&r, 20) != 0)
			len = rng_below(&r, 4) ? 32 : 28 + (int)rng_below(&r, 4);
		uint32_t off = (uint32_t)rng_below(&r, 1u << REGION_BITS);
		uint32_t size = 1u << (32 - len);
		off &= ~(size - 1);
		int allowed = rng_below(&r, 3) != 0;
		constraint_paint(m.c, REGION + off, len, allowed);
		memset(m.bits + off, allowed, size);
	}
	constraint_finish(m.c);
	return m;
}

void test_constraint_index_is_bijection_random_sets(void)
{
	for (uint64_t seed = 1; seed <= 40; seed++) {
		struct model m = random_model(seed, 1 + (int)(seed % 13) * 5);
		uint64_t want = 0;
		for (uint32_t i = 0; i < 1u << REGION_BITS; i++)
			want += m.bits[i];
		CHECKF(constraint_count(m.c) == want, "seed %llu: count %llu want %llu",
		       (unsigned long long)seed, (unsigned long long)constraint_count(m.c),
		       (unsigned long long)want);
		uint8_t *seen = calloc(1u << REGION_BITS, 1);
		for (uint64_t i = 0; i < want; i++) {
			uint32_t a = constraint_lookup_index(m.c, i);
			uint32_t off = a - REGION;
			CHECKF(off < (1u << REGION_BITS) && m.bits[off] && !seen[off],
			       "seed %llu: index %llu -> %08x", (unsigned long long)seed,
			       (unsigned long long)i, a);
			seen[off] = 1;
		}
		free(seen);
		constraint_free(m.c);
		free(m.bits);
	}
}

void test_constraint_allowed_matches_brute_force(void)
{
	for (uint64_t seed = 100; seed < 110; seed++) {
		struct model m = random_model(seed, 60);
		for (uint32_t i = 0; i < 1u << REGION_BITS; i++)
			CHECKF(constraint_allowed(m.c, REGION + i) == m.bits[i], "%08x",
			       REGION + i);
		CHECK(!constraint_allowed(m.c, REGION - 1));
		CHECK(!constraint_allowed(m.c, REGION + (1u << REGION_BITS)));
		/* counts of prefixes in it */
		struct rng r;
		rng_seed(&r, seed);
		for (int q = 0; q < 200; q++) {
			int len = 12 + (int)rng_below(&r, 21);
			uint32_t size = 1u << (32 - len);
			uint32_t off = (uint32_t)rng_below(&r, 1u << REGION_BITS) & ~(size - 1);
			uint64_t want = 0;
			for (uint32_t k = 0; k < size; k++)
				want += m.bits[off + k];
			CHECKF(constraint_count_in(m.c, REGION + off, len) == want,
			       "seed %llu: count in %08x/%d", (unsigned long long)seed,
			       REGION + off, len);
		}
		constraint_free(m.c);
		free(m.bits);
	}
}

struct cover {
	uint8_t *bits;
	int ok;
	uint32_t prev_end;
	int have_prev;
	int prev_len;
	uint32_t prev_base;
};

static int check_block(void *ctx, uint32_t prefix, int len)
{
	struct cover *cv = ctx;
	uint32_t size = 1u << (32 - len), off = prefix - REGION;
	for (uint32_t k = 0; k < size; k++)
		if (!cv->bits[off + k])
			cv->ok = 0;
	for (uint32_t k = 0; k < size; k++)
		cv->bits[off + k] = 2; /* covered */
	/* minimal: a block and its buddy are never both emitted */
	if (cv->have_prev && cv->prev_len == len && (cv->prev_base ^ prefix) == size)
		cv->ok = 0;
	cv->have_prev = 1;
	cv->prev_len = len;
	cv->prev_base = prefix;
	return 0;
}

/* Every block of the cover wholly allowed, each allowed address covered,
 * no block beside its buddy; and the cover of a part of the set is the
 * part of the cover. */
void test_constraint_cidrs_minimal_cover(void)
{
	for (uint64_t seed = 200; seed < 220; seed++) {
		struct model m = random_model(seed, 40);
		uint8_t *orig = malloc(1u << REGION_BITS);
		memcpy(orig, m.bits, 1u << REGION_BITS);
		struct cover cv = {.bits = m.bits, .ok = 1};
		constraint_each_cidr(m.c, 0, -1, check_block, &cv);
		CHECK(cv.ok);
		for (uint32_t i = 0; i < 1u << REGION_BITS; i++)
			CHECKF(m.bits[i] != 1, "allowed %08x not covered", REGION + i);
		for (uint32_t part = 0; part < 16; part++) {
			memcpy(m.bits, orig, 1u << REGION_BITS);
			uint32_t off = part << 16;
			struct cover pc = {.bits = m.bits, .ok = 1};
			constraint_each_cidr(m.c, REGION + off, 16, check_block, &pc);
			CHECK(pc.ok);
			for (uint32_t i = 0; i < 1u << REGION_BITS; i++)
				CHECKF((i >> 16) == part ? m.bits[i] != 1 : m.bits[i] != 2,
				       "seed %llu part %u: %08x", (unsigned long long)seed, part,
				       REGION + i);
		}
		free(orig);
		constraint_free(m.c);
		free(m.bits);
	}
}

void test_constraint_later_paint_wins(void)
{
	struct constraint *c = constraint_new(true);
	constraint_paint(c, 0x0a000000u, 8, false);
	constraint_paint(c, 0x0a010000u, 16, true);
	constraint_paint(c, 0x0a010100u, 24, false);
	constraint_finish(c);
	CHECK(!constraint_allowed(c, 0x0a000001u));
	CHECK(constraint_allowed(c, 0x0a010001u));
	CHECK(!constraint_allowed(c, 0x0a010101u));
	CHECK(constraint_count(c) == (1ull << 32) - (1u << 24) + (1u << 16) - 256);
	CHECK(constraint_count_in(c, 0x0a000000u, 8) == (1u << 16) - 256);
	constraint_free(c);
}

static int cidr_text(void *ctx, uint32_t prefix, int len)
{
	char *out = ctx;
	sprintf(out + strlen(out), "%u.%u.%u.%u/%d ", prefix >> 24, (prefix >> 16) & 255,
	        (prefix >> 8) & 255, prefix & 255, len);
	return 0;
}

/* Singles kept apart from the tree behave as painted into it: later paints
 * win, the cover merges them with the tree's blocks, they come last in the
 * index order, each once. */
void test_constraint_singles_cases(void)
{
	char out[512] = "";
	struct constraint *c = constraint_new(false);
	constraint_paint(c, 0x0a000000u, 32, true); /* 10.0.0.0 */
	constraint_paint(c, 0x0a000001u, 32, true);
	constraint_paint(c, 0x0a000002u, 31, true); /* with them, 10.0.0.0/30 */
	constraint_paint(c, 0x0a000009u, 32, true);
	constraint_paint(c, 0x0a000009u, 32, true); /* twice: once */
	constraint_paint(c, 0x0a00000au, 31, true); /* 10.0.0.9, 10.0.0.10/31 */
	constraint_paint(c, 0x0a000014u, 32, true); /* blocked later */
	constraint_paint(c, 0x0a000010u, 28, false);
	constraint_paint(c, 0x0a000015u, 32, true); /* allowed after the block */
	constraint_paint(c, 0x0a000100u, 32, true); /* then held by a CIDR */
	constraint_paint(c, 0x0a000100u, 24, true);
	constraint_paint(c, 0x0a000180u, 25, false);
	constraint_paint(c, 0x0b000000u, 32, true);
	CHECK(constraint_finish(c) == 0);
	constraint_each_cidr(c, 0, -1, cidr_text, out);
	CHECKF(strcmp(out, "10.0.0.0/30 10.0.0.9/32 10.0.0.10/31 10.0.0.21/32 10.0.1.0/25 "
	                   "11.0.0.0/32 ") == 0,
	       "%s", out);
	CHECK(constraint_count(c) == 4 + 3 + 1 + 128 + 1);
	CHECK(constraint_count_in(c, 0x0a000000u, 24) == 8 && constraint_count_in(c, 0, 0) == 137);
	CHECK(constraint_allowed(c, 0x0a000015u) && !constraint_allowed(c, 0x0a000014u));
	CHECK(constraint_allowed(c, 0x0b000000u) && !constraint_allowed(c, 0x0b000001u));
	CHECK(constraint_allowed(c, 0x0a000009u) && !constraint_allowed(c, 0x0a000008u));
	/* the tree's targets first, then the singles that remain, ascending */
	CHECK(constraint_singles(c) == 5);
	CHECK(constraint_lookup_index(c, 132) == 0x0a000000u &&
	      constraint_lookup_index(c, 136) == 0x0b000000u);
	constraint_free(c);
	/* in an allowed tree, an allowed single is nothing new */
	c = constraint_new(true);
	constraint_paint(c, 0x01020304u, 32, true);
	CHECK(constraint_finish(c) == 0 && constraint_singles(c) == 0 &&
	      constraint_count(c) == 1ull << 32);
	constraint_free(c);
}

/* Counted by hand from conf/blocklist.conf, entry by entry (none overlap). */
void test_constraint_default_list_count(void)
{
	struct zerr e;
	struct constraint *c = constraint_new(true);
	struct listfile_target t = {c, NULL, {0, 0}};
	CHECK(listfile_paint_text(&t, "default", listfile_default_blocklist,
	                          listfile_default_blocklist_len, false, NULL, &e) == 0);
	constraint_finish(c);
	uint64_t blocked = 3 * (1ull << 24)    /* 0/8, 10/8, 127/8 */
	                   + (1ull << 22)      /* 100.64/10 */
	                   + (1ull << 16) * 2  /* 169.254/16, 192.168/16 */
	                   + (1ull << 20)      /* 172.16/12 */
	                   + 256 * 5           /* five /24s */
	                   + (1ull << 17)      /* 198.18/15 */
	                   + 2 * (1ull << 28); /* 224/4, 240/4 */
	/* 255.255.255.255 lies inside 240/4, so it adds nothing */
	CHECK(constraint_count(c) == (1ull << 32) - blocked);
	CHECK(constraint_count(c) == 3702258432ull);
	constraint_free(c);
}

void test_listfile_errors_name_file_and_line(void)
{
	struct zerr e;
	struct constraint *c = constraint_new(true);
	struct listfile_target t = {c, NULL, {0, 0}};
	const char *t1 = "# comment\n1.2.3.0/24\n\n  5.6.7.8  # trailing\n1.2.3.4/33\n";
	CHECK(listfile_paint_text(&t, "my.list", t1, strlen(t1), false, NULL, &e) < 0);
	CHECKF(strcmp(e.msg, "my.list:5: bad prefix length (0-32) in '1.2.3.4/33'") == 0, "%s",
	       e.msg);
	const char *t2 = "1.2.3.4\n300.1.1.1\n";
	CHECK(listfile_paint_text(&t, "x", t2, strlen(t2), false, NULL, &e) < 0);
	CHECKF(strcmp(e.msg, "x:2: not an IPv4 address or CIDR: '300.1.1.1'") == 0, "%s", e.msg);
	/* nothing of a bad list is applied */
	constraint_finish(c);
	CHECK(constraint_count(c) == 1ull << 32);
	/* with no IPv6 set, IPv6 entries are skipped and counted */
	struct listfile_stats st = {0};
	const char *t3 = "2001:db8::/32\n9.9.9.9\r\n";
	CHECK(listfile_paint_text(&t, "y", t3, strlen(t3), false, &st, &e) == 0);
	CHECK(st.entries == 1 && st.skipped_ipv6 == 1);
	CHECK(listfile_paint_file(&t, "/nonexistent/zscan.list", false, NULL, &e) < 0);
	CHECKF(strstr(e.msg, "/nonexistent/zscan.list") != NULL, "%s", e.msg);
	constraint_free(c);
	/* with one, they go there: blocks, prefixes and slices; errors name them */
	struct constraint *c4 = constraint_new(false);
	struct ip6set v6 = {0};
	struct listfile_target t6 = {c4, &v6, {0, 1}};
	const char *t4 = "2001:db8::/120\n2001:db8::/32-48\n10.0.0.0/30\n";
	const char *t5 = "2001:db8::80/121\n";
	st = (struct listfile_stats){0};
	CHECK(listfile_paint_text(&t6, "a", t4, strlen(t4), true, &st, &e) == 0 && st.entries == 3);
	CHECK(listfile_paint_text(&t6, "b", t5, strlen(t5), false, &st, &e) == 0);
	CHECK(constraint_finish(c4) == 0 && ip6set_finish(&v6, &e) == 0);
	/* the slice at 2001:db8::1 lies in the /120: one target, not two */
	CHECK(constraint_count(c4) == 4 && ip6set_count(&v6) == 128 + 65535);
	const char *t6bad = "2001:db8::/129\n";
	CHECK(listfile_paint_text(&t6, "c", t6bad, strlen(t6bad), true, NULL, &e) < 0);
	CHECKF(strcmp(e.msg, "c:1: bad prefix length (0-128, or LEN-SLICE) in '2001:db8::/129'") ==
	           0,
	       "%s", e.msg);
	const char *t7 = "2001:db8::zz\n";
	CHECK(listfile_paint_text(&t6, "d", t7, strlen(t7), true, NULL, &e) < 0);
	CHECKF(strcmp(e.msg, "d:1: not an IPv6 address or prefix: '2001:db8::zz'") == 0, "%s",
	       e.msg);
	/* a slice of IPv4-mapped addresses: IPv4 has none; nothing of the list
	 * is applied, allowed or blocked, and its line is named */
	const char *t8 = "10.9.0.0/16\n::ffff:10.1.2.0/120-124\n";
	for (int allowed = 0; allowed < 2; allowed++) {
		st = (struct listfile_stats){0};
		CHECK(listfile_paint_text(&t6, "m", t8, strlen(t8), allowed, &st, &e) < 0);
		CHECKF(strcmp(e.msg,
		              "m:2: IPv4 has no prefix slices (::ffff:0:0/96 is IPv4's; for all "
		              "of the prefix, write 10.1.2.0/24): '::ffff:10.1.2.0/120-124'") == 0,
		       "%s", e.msg);
		CHECK(st.entries == 0);
	}
	/* the slice's label, for an overlap: file:line and the text */
	const char *t9 = "2001:db8::/32-48\n";
	struct ip6set v6b = {0};
	struct listfile_target t6b = {c4, &v6b, {0, 1}};
	CHECK(listfile_paint_text(&t6b, "o", t9, strlen(t9), true, NULL, &e) == 0);
	CHECK(listfile_paint_text(&t6b, "p", t9, strlen(t9), true, NULL, &e) == 0);
	CHECK(ip6set_finish(&v6b, &e) < 0);
	CHECKF(strcmp(e.msg, "the prefix slices '2001:db8::/32-48' (o:1) and '2001:db8::/32-48' "
	                     "(p:1) overlap: scan them apart") == 0,
	       "%s", e.msg);
	ip6set_free(&v6b);
	constraint_free(c4);
	ip6set_free(&v6);
}
