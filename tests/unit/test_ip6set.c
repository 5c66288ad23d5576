/* Unit tests: IPv6 target sets (singles, ranges, slices, minus blocks)
 * against a brute-force set over a small universe, and their limits. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "core/ip6set.h"

void test_ip6set_cases(void);
void test_ip6set_matches_brute_force(void);

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
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 32, 48, A("::1"), &e) == 0);
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
	/* a slice whose first point a range holds: that point once */
	CHECK(ip6set_allow(&s, A("2001:db8::"), 120, &e) == 0);
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 112, 120, A("::5"), &e) == 0);
	CHECK(ip6set_finish(&s, &e) == 0 && ip6set_count(&s) == 256 + 255);
	ip6set_free(&s);
	/* the limits: a huge set works for membership, names its entry for zgen */
	CHECK(ip6set_allow(&s, A("2001:db8::"), 64, &e) == 0 && ip6set_finish(&s, &e) == 0);
	CHECK(ip6set_huge(&s) && ip6set_count(&s) == 0 && strstr(s.huge_why, "2^64 addresses") &&
	      strstr(s.huge_why, "2001:db8::/64-112"));
	CHECK(ip6set_contains(&s, A("2001:db8::1234:5678")) &&
	      !ip6set_contains(&s, A("2001:db9::")));
	ip6set_free(&s);
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 32, 96, A("::1"), &e) == 0 &&
	      ip6set_finish(&s, &e) == 0 && ip6set_huge(&s) && strstr(s.huge_why, "2^64 slices"));
	CHECK(ip6set_contains(&s, A("2001:db8:1:2:3:4::1")));
	ip6set_free(&s);
	CHECK(ip6set_allow(&s, A("::"), 0, &e) == 0 &&
	      ip6set_block(&s, A("2001:db8::"), 32, &e) == 0 && ip6set_finish(&s, &e) == 0 &&
	      ip6set_huge(&s));
	CHECK(ip6set_contains(&s, A("2002::1")) && !ip6set_contains(&s, A("2001:db8::1")));
	ip6set_free(&s);
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 48, 48, A("::1"), &e) < 0);
	CHECK(ip6set_allow_slice(&s, A("2001:db8::"), 32, 48, A("::1"), &e) == 0 &&
	      ip6set_allow_slice(&s, A("2001:db8:ff::"), 48, 64, A("::1"), &e) == 0);
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
				          (struct ipaddr){0, iid}, &e) == 0);
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
		ip6set_free(&s);
	}
}
