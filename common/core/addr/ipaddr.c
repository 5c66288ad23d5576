/* ipaddr: addresses of either family, as text and as 128-bit values. */
#include "core/addr/ipaddr.h"

#include <stdio.h>
#include <string.h>

#include "core/addr/addr.h"

/* A hex digit's value plus one, 0 for any other byte: one lookup per
 * character, since target lines are parsed at the send rate. */
static const uint8_t hex1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* RFC 4291 text: up to eight groups of 1-4 hex digits, at most one "::"
 * standing for one or more zero groups, and optionally a dotted quad as
 * the last two groups. One pass over the text. */
static int parse_v6(const char *s, size_t len, struct ipaddr *out)
{
	uint16_t g[8];
	int n = 0, gap = -1; /* groups read; where "::" stands */
	size_t i = 0;
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len >= 1 && s[0] == ':') {
		return -1;
	}
	while (i < len) {
		size_t start = i;
		unsigned v = 0, h;
		while (i < len && (h = hex1[(unsigned char)s[i]]) != 0) {
			v = v << 4 | (h - 1);
			i++;
		}
		if (i < len && s[i] == '.') {
			/* a dotted quad ends the address */
			uint32_t v4;
			if (n > 6 || addr_parse(s + start, len - start, &v4) != ADDR_OK)
				return -1;
			g[n++] = (uint16_t)(v4 >> 16);
			g[n++] = (uint16_t)v4;
			break;
		}
		if (i == start || i - start > 4 || n == 8)
			return -1;
		g[n++] = (uint16_t)v;
		if (i == len)
			break;
		if (s[i] != ':')
			return -1;
		i++;
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return -1; /* a second "::" */
			gap = n;
			i++;
		} else if (i == len) {
			return -1; /* a trailing single ':' */
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return -1;
	uint16_t full[8] = {0};
	int tail = gap < 0 ? 0 : n - gap;
	for (int k = 0; k < n - tail; k++)
		full[k] = g[k];
	for (int k = 0; k < tail; k++)
		full[8 - tail + k] = g[gap + k];
	out->hi =
	    (uint64_t)full[0] << 48 | (uint64_t)full[1] << 32 | (uint64_t)full[2] << 16 | full[3];
	out->lo =
	    (uint64_t)full[4] << 48 | (uint64_t)full[5] << 32 | (uint64_t)full[6] << 16 | full[7];
	return 0;
}

int ipaddr_parse(const char *s, size_t len, struct ipaddr *out)
{
	if (memchr(s, ':', len))
		return parse_v6(s, len, out);
	uint32_t v4;
	if (addr_parse(s, len, &v4) != ADDR_OK)
		return -1;
	*out = ipaddr_from_v4(v4);
	return 0;
}

/* Each byte as two hex digits: hex2 + 2 * b. */
static const char hex2[513] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                              "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
                              "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
                              "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
                              "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
                              "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
                              "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
                              "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

/* Bit k set where the k-th 16-bit group of x, from the top, is zero. */
static unsigned zero_groups(uint64_t x)
{
	const uint64_t low15 = 0x7fff7fff7fff7fffull;
	uint64_t top = ~(((x & low15) + low15) | x) & ~low15; /* a group's top bit: it is zero */
	return (unsigned)(top >> 63 | (top >> 46 & 2) | (top >> 29 & 4) | (top >> 12 & 8));
}

/* RFC 5952 without loops over digits: zgen prints an address per line at
 * tens of millions of lines a second. */
char *ipaddr_format(char *out, struct ipaddr a)
{
	if (ipaddr_is_v4(a))
		return addr_format(out, ipaddr_v4(a));
	unsigned g[8], zero; /* bit k: group k is zero */
	for (int k = 0; k < 4; k++) {
		g[k] = (uint16_t)(a.hi >> (48 - 16 * k));
		g[4 + k] = (uint16_t)(a.lo >> (48 - 16 * k));
	}
	zero = zero_groups(a.hi) | zero_groups(a.lo) << 4;
	/* the first longest run of two or more zero groups: after t rounds of
	 * run &= run >> 1, bit k says groups k..k+t are all zero */
	int best = -1, best_len = 0;
	unsigned run = zero & (zero >> 1);
	if (run) {
		best_len = 2;
		while (run & (run >> 1)) {
			run &= run >> 1;
			best_len++;
		}
		best = __builtin_ctz(run);
	}
	for (int k = 0; k < 8; k++) {
		if (k == best) {
			*out++ = ':';
			*out++ = ':';
			k += best_len - 1;
			continue;
		}
		if (k && k != best + best_len)
			*out++ = ':';
		unsigned v = g[k];
		if (v >= 0x100) {
			const char *h = hex2 + 2 * (v >> 8);
			if (v >= 0x1000)
				*out++ = h[0];
			*out++ = h[1];
			memcpy(out, hex2 + 2 * (v & 255), 2);
			out += 2;
		} else if (v >= 0x10) {
			memcpy(out, hex2 + 2 * v, 2);
			out += 2;
		} else {
			*out++ = hex2[2 * v + 1];
		}
	}
	return out;
}

const char *ipaddr_str(struct ipaddr a, char buf[IPADDR_STRLEN])
{
	*ipaddr_format(buf, a) = '\0';
	return buf;
}

/* A prefix length: 1-3 digits, no leading zero, at most max. */
static int parse_len(const char *d, size_t n, int max)
{
	if (n == 0 || n > 3 || (n > 1 && d[0] == '0'))
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i] < '0' || d[i] > '9')
			return -1;
		v = v * 10 + (d[i] - '0');
	}
	return v <= max ? v : -1;
}

enum addr_status ipprefix_parse(const char *s, size_t n, struct ipaddr *a, int *len, int *slice)
{
	*slice = 0;
	if (!memchr(s, ':', n)) {
		uint32_t v4;
		enum addr_status rc = cidr_parse(s, n, &v4, len);
		if (rc >= 0)
			*a = ipaddr_from_v4(v4);
		return rc;
	}
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	struct ipaddr x;
	if (parse_v6(s, alen, &x) < 0)
		return ADDR_BAD;
	*len = 128;
	if (slash) {
		const char *d = slash + 1, *end = s + n;
		const char *dash = memchr(d, '-', (size_t)(end - d));
		*len = parse_len(d, (size_t)((dash ? dash : end) - d), 128);
		if (*len < 0)
			return ADDR_BAD_LEN;
		if (dash) {
			*slice = parse_len(dash + 1, (size_t)(end - dash - 1), 128);
			if (*slice <= *len)
				return ADDR_BAD_LEN;
		}
	}
	*a = ipaddr_mask(x, *len);
	enum addr_status rc = ipaddr_eq(*a, x) ? ADDR_OK : ADDR_HOST_BITS;
	if (*len >= 96 && ipaddr_is_v4(*a)) { /* ::ffff:a.b.c.d/96+n is IPv4's a.b.c.d/n */
		*len -= 96;
		if (*slice)
			*slice -= 96;
	}
	return rc;
}

char *ipprefix_v4_slice_why(char *buf, size_t size, struct ipaddr a, int len)
{
	char net[ADDR_STRLEN];
	snprintf(buf, size,
	         "IPv4 has no prefix slices (::ffff:0:0/96 is IPv4's; for all of the prefix, "
	         "write %s/%d)",
	         addr_str(ipaddr_v4(a), net), len);
	return buf;
}

struct ipaddr ipaddr_mask(struct ipaddr a, int keep)
{
	if (keep <= 0)
		return (struct ipaddr){0, 0};
	if (keep < 64)
		return (struct ipaddr){a.hi & ~(~0ull >> keep), 0};
	if (keep < 128)
		return (struct ipaddr){a.hi, a.lo & ~(~0ull >> (keep - 64))};
	return a;
}
