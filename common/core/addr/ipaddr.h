/* ipaddr: an address of either family as one value. An IPv4 address is
 * kept as its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so that one 128-bit
 * value, one order and one set of operations serve both families, and a
 * stream may mix them line by line; it is still printed as a dotted quad.
 * (A real IPv6 target in ::ffff:0:0/96 would be taken for IPv4; that range
 * is not routed, and the default IPv6 blocklist holds it.)
 * Text follows the RFCs: IPv6 as RFC 4291 writes it (hex groups, one
 * "::", an IPv4 tail), with no zone and no brackets; printed as RFC 5952
 * says (lower case, no leading zeros, the longest run of two or more zero
 * groups as "::"). IPv4 as addr.h parses it. */
#ifndef ZSCAN_CORE_IPADDR_H
#define ZSCAN_CORE_IPADDR_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/addr/addr.h"

struct ipaddr {
	uint64_t hi, lo; /* the 128 bits, most significant first */
};

/* Room for any address as text: an IPv6 address with an IPv4 tail, and a
 * NUL. */
#define IPADDR_STRLEN 46

static inline struct ipaddr ipaddr_from_v4(uint32_t v4)
{
	return (struct ipaddr){0, 0xffff00000000ull | v4};
}

static inline bool ipaddr_is_v4(struct ipaddr a)
{
	return a.hi == 0 && (a.lo >> 32) == 0xffff;
}

static inline uint32_t ipaddr_v4(struct ipaddr a)
{
	return (uint32_t)a.lo;
}

static inline bool ipaddr_eq(struct ipaddr a, struct ipaddr b)
{
	return a.hi == b.hi && a.lo == b.lo;
}

/* -1, 0 or 1 as a is below, equal to or above b. */
static inline int ipaddr_cmp(struct ipaddr a, struct ipaddr b)
{
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	return a.lo < b.lo ? -1 : a.lo > b.lo;
}

/* The 16 bytes in network order, and back: two 64-bit moves each, since
 * every probe and every answer goes through them. */
static inline void ipaddr_to_bytes(struct ipaddr a, uint8_t out[16])
{
	uint64_t hi = htobe64(a.hi), lo = htobe64(a.lo);
	memcpy(out, &hi, 8);
	memcpy(out + 8, &lo, 8);
}

static inline struct ipaddr ipaddr_from_bytes(const uint8_t in[16])
{
	uint64_t hi, lo;
	memcpy(&hi, in, 8);
	memcpy(&lo, in + 8, 8);
	return (struct ipaddr){be64toh(hi), be64toh(lo)};
}

/* Parses exactly s[0..len): a dotted quad or an IPv6 address. 0, or -1. */
int ipaddr_parse(const char *s, size_t len, struct ipaddr *out);

/* Writes the address (no terminator) and returns the end: a dotted quad
 * for IPv4, RFC 5952 text for IPv6. */
char *ipaddr_format(char *out, struct ipaddr a);

/* The same, NUL terminated, for messages. */
const char *ipaddr_str(struct ipaddr a, char buf[IPADDR_STRLEN]);

/* A prefix of either family: "a.b.c.d[/len]" (len 0-32) as cidr_parse
 * reads it (in addr.h), or "x:y::z[/len]" (len 0-128); for IPv6 also
 * "x:y::/len-slice", every /slice of the prefix (slice above len, at most
 * 128), with *slice set (0 otherwise). *len and *slice are in the
 * family's own bits.
 * An IPv6 prefix of /96 or longer inside ::ffff:0:0/96 is the IPv4 prefix
 * it maps (ipaddr_is_v4(*a), *len in IPv4's bits): one address is one
 * target whichever way it is written. (A wider IPv6 prefix leaves the
 * mapped range to IPv4: ip6set never holds it.) So is a prefix slice
 * there, an IPv4 slice (*slice in IPv4's bits too), which no list or
 * argument takes: see ipprefix_v4_slice.
 * Returns addr.h's statuses: ADDR_HOST_BITS gives the network in *a. */
enum addr_status ipprefix_parse(const char *s, size_t n, struct ipaddr *a, int *len, int *slice);

/* Whether ipprefix_parse read a prefix slice of IPv4-mapped addresses.
 * IPv4 has no prefix slices: --iid is an IPv6 interface identifier, and
 * the constraint tree holds blocks, not strides. Painted as IPv4, such an
 * entry became a /96../128 IPv4 CIDR with its slice dropped (all of IPv4
 * allowed, a blocklist entry applied as nothing), so every caller refuses
 * it, with ipprefix_v4_slice_why. */
static inline bool ipprefix_v4_slice(struct ipaddr a, int slice)
{
	return slice > 0 && ipaddr_is_v4(a);
}

/* Why such an entry is refused, naming the IPv4 CIDR of its whole prefix
 * (a and len as ipprefix_parse gave them), into buf; returns buf. */
char *ipprefix_v4_slice_why(char *buf, size_t size, struct ipaddr a, int len);

/* The address with every bit from bit `keep` on (counted from the top,
 * 0-128) cleared: the network of a /keep. */
struct ipaddr ipaddr_mask(struct ipaddr a, int keep);

#endif
