/* Unit tests: IPv6 target sets (singles, ranges, slices, minus blocks)
 * against a brute-force set over a small universe, and their limits. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "core/addr/ip6set.h"

void test_ip6set_cases(void);
void test_ip6set_matches_brute_force(void);
void test_ip6set_overlap_names_both_entries(void);

struct cover_check {
	const uint8_t *want; /* 65536 flags */
	unsigned next;       /* blocks come ascending and disjoint from here */
	unsigned long blocks;
	int bad;
};

/* Checks each block of a cover: inside the /112, ascending, wholly
 * allowed, and its address range marked off. */
static int check_block(void *ctx, struct ipaddr prefix, int len)
{
	struct cover_check *c = ctx;
	if (prefix.hi != 0x20010db800000000ull || len < 112 || prefix.lo < c->next) {
		c->bad = 1;
		return 0;
	}
	unsigned size = 1u << (128 - len);
	for (unsigned a = (unsigned)prefix.lo; a < prefix.lo + size; a++)
		c->bad |= !c->want[a];
	c->next = (unsigned)prefix.lo + size;
	c->blocks++;
	return 0;
}

/* The fewest CIDR blocks of what is flagged in [lo, lo + size), and the
 * count flagged: greedily, as the largest aligned block each time. */
static unsigned long min_blocks(const uint8_t *want, unsigned lo, unsigned size,
                                unsigned long *count)
{
	unsigned long blocks = 0;
	*count = 0;
	for (unsigned a = lo; a < lo + size;) {
		if (!want[a]) {
			a++;
			continue;
		}
		unsigned b = a ? (unsigned)__builtin_ctz(a) : 16;
		unsigned bs = 1u << (b < 16 ? b : 16);
		for (;; bs >>= 1) {
			int whole = a + bs <= lo + size;
			for (unsigned x = a; whole && x < a + bs; x++)
				whole = want[x];
			if (whole)
				break;
		}
		blocks++;
		*count += bs;
		a += bs;
	}
	return blocks;
}

static struct ipaddr A(const char *s) {
	struct ipaddr a = {0, 0};
	ipaddr_parse(s, strlen(s), &a);
	return a;
}

void test_ip6set_cases(void)
{
	struct ip6set s = {0};
	struct zerr e;
	char t[IPADDR_STRLEN];
	CHECK(ip6set_allow(&s, A("2001:db8::"), 120, &e) == 0);
	CHECK(ip6set_block(&s, A("2001:db8::80"), 121, &e) == 0);
	CHECK(ip6set_finish(&s, &e) == 0 && ip6set_count(&s) == 128);
	CHECK(strcmp(ipaddr_str(ip6set_at(&s, 0), t), "2001:db8::") == 0);
	CHECK(strcmp(ipaddr_str(ip6set_at(&s, 127), t), "2001:db8::7f") == 0);
	CHECK(ip6set_contains(&s, A("2001:db8::7f")) && !ip6set_contains(&s, A("2001:db8::80")));
	CHECK(ip6set_blocked(&s, A("2001:db8::ff")) && !ip6set_blocked(&s, A("2001:db8::7f")));
	ip6set_free(&s);
	/* every /48 of a /32, at ::1, less a blocked half */
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 32, 48, A("::1"), NULL, &e) == 0);
	CHECK(ip6set_block(&s, A("2001:db8:8000::"), 33, &e) == 0);
	CHECK(ip6set_finish(&s, &e) == 0 && ip6set_count(&s) == 32768);
	CHECK(strcmp(ipaddr_str(ip6set_at(&s, 0), t), "2001:db8::1") == 0);
	CHECK(strcmp(ipaddr_str(ip6set_at(&s, 1), t), "2001:db8:1::1") == 0);
	CHECK(strcmp(ipaddr_str(ip6set_at(&s, 32767), t), "2001:db8:7fff::1") == 0);
	CHECK(ip6set_contains(&s, A("2001:db8:5::1")) && !ip6set_contains(&s, A("2001:db8:5::2")));
	CHECK(!ip6set_contains(&s, A("2001:db8:8005::1")));
	ip6set_free(&s);
	/* a hitlist: repeats, blocked ones and ones a range holds count once */
	const char *hits[] = {"2001:db8:1::5", "2001:db8:1::5", "2001:db8:2::1",
	                      "2001:db8::3",   "3fff::1",       "2001:db8:1::9"};
	for (size_t i = 0; i < sizeof hits / sizeof hits[0]; i++)
		CHECK(ip6set_allow(&s, A(hits[i]), 128, &e) == 0);
	CHECK(ip6set_allow(&s, A("2001:db8::"), 124, &e) == 0);
	CHECK(ip6set_block(&s, A("3fff::"), 20, &e) == 0);
	CHECK(ip6set_finish(&s, &e) == 0 && ip6set_count(&s) == 3 + 16);
	CHECK(strcmp(ipaddr_str(ip6set_at(&s, 0), t), "2001:db8:1::5") == 0);
	ip6set_free(&s);
	/* a single that is a slice's point: once */
	CHECK(ip6set_allow(&s, A("2001:db8:3::1"), 128, &e) == 0);
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 32, 48, A("::1"), NULL, &e) == 0);
	CHECK(ip6set_finish(&s, &e) == 0 && ip6set_count(&s) == 65536);
	ip6set_free(&s);
	/* all of IPv6, which no 128-bit count holds: 2^128 for a filter */
	unsigned __int128 n = 1;
	CHECK(ip6set_allow(&s, A("::"), 0, &e) == 0 && ip6set_finish(&s, &e) == 0);
	CHECK(ip6set_contains(&s, A("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")) &&
	      ip6set_contains(&s, A("::")));
	CHECK(ip6set_count_in(&s, false, A("::"), 0, &n) && n == 0);
	CHECK(ip6set_count_in(&s, false, A("8000::"), 1, &n) && n == (unsigned __int128)1 << 127);
	ip6set_free(&s);
	CHECK(ip6set_allow_slice(&s, A("::"), 0, 128, A("::1"), NULL, &e) == 0 &&
	      ip6set_block(&s, A("::1"), 128, &e) == 0 && ip6set_finish(&s, &e) == 0);
	CHECK(!ip6set_count_in(&s, false, A("::"), 0, &n) && n == ~(unsigned __int128)0);
	CHECK(!ip6set_count_in(&s, true, A("::"), 0, &n) && n == ~(unsigned __int128)0);
	CHECK(ip6set_count_in(&s, true, A("::2"), 127, &n) && n == 2);
	ip6set_free(&s);
	/* a slice whose first point a range holds: that point once */
	CHECK(ip6set_allow(&s, A("2001:db8::"), 120, &e) == 0);
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 112, 120, A("::5"), NULL, &e) == 0);
	CHECK(ip6set_finish(&s, &e) == 0 && ip6set_count(&s) == 256 + 255);
	ip6set_free(&s);
	/* the limits: a huge set works for membership, names its entry for zgen */
	CHECK(ip6set_allow(&s, A("2001:db8::"), 64, &e) == 0 && ip6set_finish(&s, &e) == 0);
	CHECK(ip6set_huge(&s) && ip6set_count(&s) == 0 && strstr(s.huge_why, "2^64 addresses") &&
	      strstr(s.huge_why, "2001:db8::/64-112"));
	CHECK(ip6set_contains(&s, A("2001:db8::1234:5678")) &&
	      !ip6set_contains(&s, A("2001:db9::")));
	ip6set_free(&s);
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 32, 96, A("::1"), NULL, &e) == 0 &&
	      ip6set_finish(&s, &e) == 0 && ip6set_huge(&s) && strstr(s.huge_why, "2^64 slices"));
	CHECK(ip6set_contains(&s, A("2001:db8:1:2:3:4::1")));
	ip6set_free(&s);
	CHECK(ip6set_allow(&s, A("::"), 0, &e) == 0 &&
	      ip6set_block(&s, A("2001:db8::"), 32, &e) == 0 && ip6set_finish(&s, &e) == 0 &&
	      ip6set_huge(&s));
	CHECK(ip6set_contains(&s, A("2002::1")) && !ip6set_contains(&s, A("2001:db8::1")));
	ip6set_free(&s);
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 48, 48, A("::1"), NULL, &e) < 0);
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 32, 48, A("::1"), NULL, &e) == 0 &&
	      ip6set_allow_slice(&s, A("2001:db8:ff::"), 48, 64, A("::1"), NULL, &e) == 0);
	CHECK(ip6set_finish(&s, &e) < 0 && strstr(e.msg, "overlap"));
	ip6set_free(&s);
}

/* Random sets in 2001:db8::/112 (65536 addresses), checked address by
 * address: the count, each index once, and membership. */
void test_ip6set_matches_brute_force(void)
{
	static uint8_t want[65536], got[65536];
	srand(11);
	for (int round = 0; round < 40; round++) {
		struct ip6set s = {0};
		struct zerr e;
		memset(want, 0, sizeof want);
		uint8_t blocked[65536] = {0};
		int n = 1 + rand() % 6;
		for (int k = 0; k < n; k++) {
			unsigned base = (unsigned)rand() & 0xffff, kind = (unsigned)rand() % 3;
			if (kind == 0) { /* a single */
				CHECK(ip6set_allow(&s, (struct ipaddr){0x20010db800000000ull, base},
				                   128, &e) == 0);
				want[base] = 1;
			} else if (kind == 1) { /* a prefix */
				int len = 112 + 4 + rand() % 12;
				unsigned size = 1u << (128 - len), lo = base & ~(size - 1);
				CHECK(ip6set_allow(&s, (struct ipaddr){0x20010db800000000ull, lo},
				                   len, &e) == 0);
				for (unsigned a = lo; a < lo + size; a++)
					want[a] = 1;
			} else if (k == 0) { /* one slice: /112 in /116s at an offset */
				unsigned iid = base & 0xfff;
				CHECK(ip6set_allow_slice(
				          &s, (struct ipaddr){0x20010db800000000ull, 0}, 112, 116,
				          (struct ipaddr){0, iid}, NULL, &e) == 0);
				for (unsigned i = 0; i < 16; i++)
					want[i << 12 | iid] = 1;
			}
		}
		int nb = rand() % 4;
		for (int k = 0; k < nb; k++) {
			int len = 114 + rand() % 15;
			unsigned size = 1u << (128 - len),
			         lo = ((unsigned)rand() & 0xffff) & ~(size - 1);
			CHECK(ip6set_block(&s, (struct ipaddr){0x20010db800000000ull, lo}, len,
			                   &e) == 0);
			for (unsigned a = lo; a < lo + size; a++)
				blocked[a] = 1;
		}
		uint64_t count = 0;
		for (unsigned a = 0; a < 65536; a++) {
			want[a] &= !blocked[a];
			count += want[a];
		}
		CHECKF(ip6set_finish(&s, &e) == 0, "%s", e.msg);
		CHECKF(ip6set_count(&s) == count, "round %d: count %llu, want %llu", round,
		       (unsigned long long)ip6set_count(&s), (unsigned long long)count);
		memset(got, 0, sizeof got);
		for (uint64_t i = 0; i < count; i++) {
			struct ipaddr a = ip6set_at(&s, i);
			CHECK(a.hi == 0x20010db800000000ull && a.lo < 65536 && want[a.lo] &&
			      !got[a.lo]);
			got[a.lo] = 1;
		}
		for (unsigned a = 0; a < 65536; a += 7)
			CHECK(ip6set_contains(&s, (struct ipaddr){0x20010db800000000ull, a}) ==
			      want[a]);
		/* counts and covers of prefixes in it, of the set and of all
		 * that is not blocked (a filter with no allow entries) */
		static uint8_t notblocked[65536];
		for (unsigned a = 0; a < 65536; a++)
			notblocked[a] = !blocked[a];
		for (int q = 0; q < 8; q++) {
			int len = q == 0 ? 112 : 112 + rand() % 17;
			unsigned size = 1u << (128 - len);
			unsigned lo = ((unsigned)rand() & 0xffff) & ~(size - 1);
			struct ipaddr p = {0x20010db800000000ull, lo};
			for (int all = 0; all < 2; all++) {
				const uint8_t *w = all ? notblocked : want;
				unsigned long wcount, wblocks = min_blocks(w, lo, size, &wcount);
				unsigned __int128 got_n;
				bool whole = ip6set_count_in(&s, all, p, len, &got_n);
				CHECKF(got_n == wcount && whole == (wcount == size),
				       "round %d /%d all=%d: count %llu, want %lu", round, len, all,
				       (unsigned long long)got_n, wcount);
				struct cover_check c = {w, lo, 0, 0};
				CHECK(ip6set_each_cidr(&s, all, p, len, check_block, &c, 1u << 20,
				                       &e) == 0);
				CHECKF(!c.bad && c.blocks == wblocks,
				       "round %d /%d all=%d: %lu blocks, want %lu", round, len, all,
				       c.blocks, wblocks);
			}
		}
		ip6set_free(&s);
	}
}

/* Two slices that overlap are named as they were given, in the order they
 * were given, whatever their addresses' order; unnamed ones by their
 * prefix. (The message named each by its first address, which the two
 * share when their prefixes start alike: "2600::1 and 2600::1".) */
void test_ip6set_overlap_names_both_entries(void)
{
	struct ip6set s = {0};
	struct zerr e;
	CHECK(ip6set_allow_slice(&s, A("2a00::"), 120, 124, A("::1"), "'2a00::/120-124'", &e) == 0);
	CHECK(ip6set_allow_slice(&s, A("2600::"), 40, 56, A("::1"), "'2600::/40-56' (f:3)", &e) ==
	      0);
	CHECK(ip6set_allow_slice(&s, A("2600::"), 32, 48, A("::1"), "'2600::/32-48' (g:1)", &e) ==
	      0);
	CHECK(ip6set_finish(&s, &e) < 0);
	CHECKF(strcmp(e.msg, "the prefix slices '2600::/40-56' (f:3) and '2600::/32-48' (g:1) "
	                     "overlap: scan them apart") == 0,
	       "%s", e.msg);
	ip6set_free(&s);
	CHECK(ip6set_allow_slice(&s, A("2600:0:1::"), 48, 64, A("::1"), NULL, &e) == 0);
	CHECK(ip6set_allow_slice(&s, A("2600::"), 32, 48, A("::1"), NULL, &e) == 0);
	CHECK(ip6set_finish(&s, &e) < 0);
	CHECKF(strcmp(e.msg, "the prefix slices '2600:0:1::/48-64' and '2600::/32-48' overlap: "
	                     "scan them apart") == 0,
	       "%s", e.msg);
	ip6set_free(&s);
	/* apart, they are taken */
	CHECK(ip6set_allow_slice(&s, A("2600::"), 32, 48, A("::1"), "a", &e) == 0);
	CHECK(ip6set_allow_slice(&s, A("2601::"), 32, 48, A("::1"), "b", &e) == 0);
	CHECK(ip6set_finish(&s, &e) == 0 && ip6set_count(&s) == 131072);
	ip6set_free(&s);
}
