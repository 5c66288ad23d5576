/* addr: IPv4 addresses and CIDR prefixes as text.
 * Addresses are host-order uint32_t everywhere in zscan. Parsing follows
 * inet_pton: exactly four decimal octets, no leading zeros (so "010" can't be
 * read as octal by one tool and decimal by another). Formatting is table
 * driven because zgen prints billions of addresses. */
#ifndef ZSCAN_CORE_ADDR_H
#define ZSCAN_CORE_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum addr_status {
	ADDR_OK = 0,
	ADDR_HOST_BITS = 1, /* a CIDR with bits set below its prefix: *addr is its network */
	ADDR_BAD = -1,      /* not a dotted quad */
	ADDR_BAD_LEN = -2,  /* a dotted quad, but the prefix length is not 0-32 */
};

/* Parses exactly s[0..len) as a dotted quad. */
enum addr_status addr_parse(const char *s, size_t len, uint32_t *out);

/* Reads a dotted quad at the start of s and returns its length, or 0 if s
 * does not start with one. What follows is not checked. s must contain a
 * non-digit after the address (a line's '\n' will do): no bounds are passed,
 * so this is one pass with no separate search for the token's end. */
static inline size_t addr_scan(const char *s, uint32_t *out);

/* Parses "a.b.c.d" (length 32) or "a.b.c.d/len". With bits set below the
 * prefix ("10.1.2.3/8") it returns ADDR_HOST_BITS and the network
 * (10.0.0.0): each caller decides whether that is a mistake to refuse (an
 * argument) or a ZMap list to take with a warning (list files). */
enum addr_status cidr_parse(const char *s, size_t len, uint32_t *addr, int *plen);

/* Longest text addr_format can write: "255.255.255.255" plus a NUL. */
#define ADDR_STRLEN 16

/* Writes a dotted quad (no terminator) and returns the end. */
static inline char *addr_format(char *out, uint32_t a);

/* Same, NUL terminated, for messages. */
const char *addr_str(uint32_t a, char buf[ADDR_STRLEN]);

/* "ddd." for each octet value, packed little-endian, and the used length. */
extern const uint32_t addr_octet_dot[256];
extern const uint8_t addr_octet_len[256];

static inline size_t addr_scan_octet(const unsigned char *s, uint32_t *v)
{
	uint32_t d0 = (uint32_t)s[0] - '0', d1, d2;
	if (d0 > 9)
		return 0;
	if ((d1 = (uint32_t)s[1] - '0') > 9) {
		*v = d0;
		return 1;
	}
	if (d0 == 0)
		return 0; /* leading zero */
	if ((d2 = (uint32_t)s[2] - '0') > 9) {
		*v = d0 * 10 + d1;
		return 2;
	}
	*v = d0 * 100 + d1 * 10 + d2;
	return *v <= 255 && (uint32_t)s[3] - '0' > 9 ? 3 : 0;
}

static inline size_t addr_scan(const char *str, uint32_t *out)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t a = 0, v;
	size_t i = 0;
	for (int oct = 0; oct < 4; oct++) {
		size_t n = addr_scan_octet(s + i, &v);
		if (n == 0)
			return 0;
		i += n;
		a = (a << 8) | v;
		if (oct < 3) {
			if (s[i] != '.')
				return 0;
			i++;
		}
	}
	*out = a;
	return i;
}

static inline char *addr_format(char *out, uint32_t a)
{
	for (int shift = 24; shift > 0; shift -= 8) {
		uint32_t o = (a >> shift) & 0xff;
		memcpy(out, &addr_octet_dot[o], 4);
		out += addr_octet_len[o] + 1;
	}
	uint32_t o = a & 0xff;
	memcpy(out, &addr_octet_dot[o], 4);
	return out + addr_octet_len[o];
}

#endif
