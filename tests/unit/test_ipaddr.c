/* Unit tests: addresses of both families as one value, as text (RFC 4291
 * in, RFC 5952 out), against inet_pton/inet_ntop over random addresses. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "core/addr/ipaddr.h"

void test_ipaddr_text_both_ways(void);
void test_ipaddr_random_against_libc(void);
void test_ipaddr_parse_against_libc(void);
void test_ipprefix_mapped_slices_are_ipv4s(void);

static const char *fmt(const char *in)
{
	static char buf[IPADDR_STRLEN];
	struct ipaddr a;
	if (ipaddr_parse(in, strlen(in), &a) < 0)
		return "(bad)";
	return ipaddr_str(a, buf);
}

void test_ipaddr_text_both_ways(void)
{
	static const char *const cases[][2] = {
	    {"2001:db8::1", "2001:db8::1"},
	    {"2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
	    {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},    /* the first of two runs */
	    {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, /* one zero group stays */
	    {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},          /* the longer run */
	    {"::", "::"},
	    {"::1", "::1"},
	    {"1::", "1::"},
	    {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
	    {"::ffff:198.51.100.7", "198.51.100.7"}, /* IPv4, mapped */
	    {"198.51.100.7", "198.51.100.7"},
	    {"64:ff9b::198.51.100.7", "64:ff9b::c633:6407"},
	    {"2001:2::a:0:0:0", "2001:2:0:0:a::"}, /* the longest run, not the first */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECKF(strcmp(fmt(cases[i][0]), cases[i][1]) == 0, "%s -> %s, want %s", cases[i][0],
		       fmt(cases[i][0]), cases[i][1]);
	static const char *const bad[] = {"1:2:3:4:5:6:7:8:9",
	                                  "1::2::3",
	                                  "12345::",
	                                  "g::",
	                                  ":1::",
	                                  "1:",
	                                  "[::1]",
	                                  "fe80::1%eth0",
	                                  "1.2.3.4:80",
	                                  ":::",
	                                  "",
	                                  "1:2:3:4:5:6:7:8::",
	                                  "::1.2.3",
	                                  "::1.2.3.4.5",
	                                  "1.2.3.4::",
	                                  "::256.1.1.1",
	                                  "1:2:3:4:5:6:7:1.2.3.4"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECKF(strcmp(fmt(bad[i]), "(bad)") == 0, "'%s' was taken as %s", bad[i],
		       fmt(bad[i]));
	struct ipaddr a;
	CHECK(ipaddr_parse("10.1.2.3", 8, &a) == 0 && ipaddr_is_v4(a) &&
	      ipaddr_v4(a) == 0x0a010203u);
	CHECK(ipaddr_parse("2001:db8::1", 11, &a) == 0 && !ipaddr_is_v4(a));
	struct ipaddr m = ipaddr_mask(a, 32);
	CHECK(m.hi == 0x20010db800000000ull && m.lo == 0);
	CHECK(ipaddr_eq(ipaddr_mask(a, 128), a) && ipaddr_mask(a, 0).hi == 0);
	m = ipaddr_mask(a, 127);
	CHECK(m.lo == 0);
}

void test_ipaddr_random_against_libc(void)
{
	srand(7);
	for (int i = 0; i < 20000; i++) {
		uint8_t b[16];
		for (int k = 0; k < 16; k++)
			b[k] = (uint8_t)(rand() % 4 == 0 ? 0 : rand()); /* runs of zeros */
		if (i % 3 == 0)
			memset(b + 2 + i % 9, 0, 4 + i % 5);
		if (b[0] == 0)
			b[0] = 0x20; /* not ::/8, where libc prints IPv4 tails */
		struct ipaddr a = ipaddr_from_bytes(b), back;
		uint8_t again[16];
		ipaddr_to_bytes(a, again);
		CHECK(memcmp(again, b, 16) == 0);
		char ours[IPADDR_STRLEN], libc[INET6_ADDRSTRLEN];
		ipaddr_str(a, ours);
		CHECK(inet_ntop(AF_INET6, b, libc, sizeof libc));
		CHECKF(strcmp(ours, libc) == 0, "ours %s, libc %s", ours, libc);
		CHECK(ipaddr_parse(ours, strlen(ours), &back) == 0 && ipaddr_eq(back, a));
		uint8_t pt[16];
		CHECK(inet_pton(AF_INET6, ours, pt) == 1 && memcmp(pt, b, 16) == 0);
	}
}

/* Text built from address-like pieces (hex runs of 0-5 digits, ':', "::",
 * a dotted-quad tail, a stray byte), taken or refused exactly as
 * inet_pton takes or refuses it, and read to the same value. */
void test_ipaddr_parse_against_libc(void)
{
	static const char *const pieces[] = {
	    "0",       "1",         "ab",       "FFFF",  "0db8", "12345", ":", ":",    ":",  "::",
	    "1.2.3.4", "255.0.0.1", "01.2.3.4", "1.2.3", ".",    "g",     "f", "0000", "10",
	};
	const size_t np = sizeof pieces / sizeof pieces[0];
	srand(11);
	int taken = 0;
	for (int i = 0; i < 200000; i++) {
		char s[64] = "";
		size_t len = 0;
		int k = 1 + rand() % 16;
		while (k-- > 0) {
			const char *p = pieces[(size_t)rand() % np];
			size_t pl = strlen(p);
			if (len + pl >= sizeof s)
				break;
			memcpy(s + len, p, pl + 1);
			len += pl;
		}
		if (!memchr(s, ':', len))
			continue; /* a dotted quad alone is IPv4 here, not for inet_pton's AF_INET6
			           */
		struct ipaddr a;
		uint8_t libc[16], ours[16];
		int ok = ipaddr_parse(s, len, &a) == 0, lok = inet_pton(AF_INET6, s, libc) == 1;
		CHECKF(ok == lok, "'%s': ours %s, inet_pton %s", s, ok ? "takes" : "refuses",
		       lok ? "takes" : "refuses");
		if (ok && lok) {
			ipaddr_to_bytes(a, ours);
			CHECKF(memcmp(ours, libc, 16) == 0, "'%s' read differently", s);
			taken++;
		}
	}
	CHECKF(taken > 1000, "only %d strings were addresses", taken);
}

/* Inside ::ffff:0:0/96 a prefix is IPv4's, in IPv4's bits; a prefix slice
 * there comes back as IPv4 with its slice, in IPv4's bits too, for every
 * caller to refuse (IPv4 has no slices) with the same words. Its length
 * lost 96 only without a slice, so it was painted as an IPv4 /96../128. */
void test_ipprefix_mapped_slices_are_ipv4s(void)
{
	static const struct {
		const char *text;
		enum addr_status rc;
		bool v4;
		uint64_t lo; /* the network's low 64 bits */
		int len, slice;
	} cases[] = {
	    {"::ffff:10.1.2.0/120", ADDR_OK, true, 0xffff0a010200ull, 24, 0},
	    {"::ffff:10.1.2.0/120-124", ADDR_OK, true, 0xffff0a010200ull, 24, 28},
	    {"::FFFF:a01:200/120-124", ADDR_OK, true, 0xffff0a010200ull, 24, 28},
	    {"0:0:0:0:0:ffff:a01:209/120-124", ADDR_HOST_BITS, true, 0xffff0a010200ull, 24, 28},
	    {"::ffff:0:0/96-104", ADDR_OK, true, 0xffff00000000ull, 0, 8},
	    {"::ffff:0:0/96-128", ADDR_OK, true, 0xffff00000000ull, 0, 32},
	    {"::ffff:1.2.3.4/127-128", ADDR_OK, true, 0xffff01020304ull, 31, 32},
	    {"::ffff:1.2.3.4", ADDR_OK, true, 0xffff01020304ull, 32, 0},
	    {"::ffff:0:0/95-104", ADDR_HOST_BITS, false, 0xfffe00000000ull, 95, 104},
	    {"::fffe:0:0/96-104", ADDR_OK, false, 0xfffe00000000ull, 96, 104},
	    {"::ffff:0:0/80-112", ADDR_HOST_BITS, false, 0, 80, 112},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ipaddr a;
		int len, slice;
		enum addr_status rc =
		    ipprefix_parse(cases[i].text, strlen(cases[i].text), &a, &len, &slice);
		CHECKF(rc == cases[i].rc && ipaddr_is_v4(a) == cases[i].v4 && a.hi == 0 &&
		           a.lo == cases[i].lo && len == cases[i].len && slice == cases[i].slice,
		       "%s: status %d, v4 %d, lo %llx, /%d-%d", cases[i].text, rc, ipaddr_is_v4(a),
		       (unsigned long long)a.lo, len, slice);
		CHECKF(ipprefix_v4_slice(a, slice) == (cases[i].v4 && cases[i].slice > 0), "%s",
		       cases[i].text);
	}
	char why[160];
	struct ipaddr a;
	int len, slice;
	CHECK(ipprefix_parse("::ffff:10.1.2.0/120-124", 23, &a, &len, &slice) == ADDR_OK);
	ipprefix_v4_slice_why(why, sizeof why, a, len);
	CHECKF(strcmp(why, "IPv4 has no prefix slices (::ffff:0:0/96 is IPv4's; for all of the "
	                   "prefix, write 10.1.2.0/24)") == 0,
	       "%s", why);
}
