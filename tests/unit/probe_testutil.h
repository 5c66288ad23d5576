/* probe_testutil: keys, parameters, checksums and crafted answers shared
 * by the probe module tests. */
#ifndef ZSCAN_PROBE_TESTUTIL_H
#define ZSCAN_PROBE_TESTUTIL_H

#include <stdlib.h>
#include <string.h>

#include "net/checksum.h"
#include "net/packet.h"
#include "probe/probe.h"

static inline struct secret test_secret(uint8_t b)
{
	struct secret s = {0};
	memset(s.siphash_key, b, sizeof s.siphash_key);
	return s;
}

static inline struct probe_params params(const struct secret *s)
{
	struct probe_params pp = {.secret = s,
	                          .src_mac = {2, 0, 0, 0, 0, 1},
	                          .dst_mac = {2, 0, 0, 0, 0, 2},
	                          .sport_first = 32768,
	                          .sport_count = 28233,
	                          .probes = 1,
	                          .ttl = 64};
	return pp;
}

static inline int ip_csum_ok(const uint8_t *ip)
{
	return csum_fold(csum_add(0, ip, (size_t)(ip[0] & 15) * 4)) == 0;
}

static inline int l4_csum_ok(const uint8_t *ip, uint8_t proto)
{
	if (proto == 4) /* IP in IP (ipip): the inner packet's checksums */
		return ip_csum_ok(ip + 20) && l4_csum_ok(ip + 20, ip[20 + 9]);
	size_t len = rd16(ip + 2) - 20;
	uint32_t sum =
	    proto == 6 || proto == 17 ? csum_add(0, ip + 12, 8) + proto + (uint32_t)len : 0;
	return csum_fold(csum_add(sum, ip + 20, len)) == 0;
}

/* Validates every truncation of a response, in a heap buffer of exactly that
 * size so ASan catches any read past it. Only the whole frame may pass. */
static inline int truncations_safe(const struct probe_module *m, const struct probe_params *pp,
                                   const uint8_t *ip, size_t len)
{
	for (size_t n = 0; n < len; n++) {
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, ip, n);
		struct probe_result r = {0};
		enum probe_verdict v = m->validate(pp, b, n, &r);
		free(b);
		if (v == PROBE_VALID)
			return 0;
	}
	return 1;
}

static inline size_t make_ip(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto, size_t l4len)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	wr16(ip + 2, (uint16_t)(20 + l4len));
	ip[8] = 57;
	ip[9] = proto;
	wr32(ip + 12, src);
	wr32(ip + 16, dst);
	wr16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	return 20 + l4len;
}

/* 16 bytes at p as an address. */
static inline struct ipaddr rd_ip6_test(const uint8_t *p)
{
	struct ipaddr a = {0, 0};
	for (int k = 0; k < 8; k++) {
		a.hi = a.hi << 8 | p[k];
		a.lo = a.lo << 8 | p[8 + k];
	}
	return a;
}

/* The transport checksum of an IPv6 packet with no extension headers,
 * computed afresh from RFC 8200's pseudo-header: 0 when it is right. */
static inline int l4_csum6_ok(const uint8_t *ip6)
{
	if (ip6[6] == 41) /* IPv6 in IPv6 (ipip): the inner packet's */
		return l4_csum6_ok(ip6 + 40);
	uint32_t len = rd16(ip6 + 4);
	uint32_t sum = csum_add(0, ip6 + 8, 32) + (len >> 16) + (len & 0xffff) + ip6[6];
	return csum_fold(csum_add(sum, ip6 + 40, len)) == 0;
}

/* An IPv6 header, hop limit 57, in front of l4len bytes at ip6 + 40. */
static inline size_t make_ip6(uint8_t *ip6, struct ipaddr src, struct ipaddr dst, uint8_t proto,
                              size_t l4len)
{
	memset(ip6, 0, 40);
	ip6[0] = 0x60;
	wr16(ip6 + 4, (uint16_t)l4len);
	ip6[6] = proto;
	ip6[7] = 57;
	for (int k = 0; k < 8; k++) {
		ip6[8 + k] = (uint8_t)(src.hi >> (56 - 8 * k));
		ip6[16 + k] = (uint8_t)(src.lo >> (56 - 8 * k));
		ip6[24 + k] = (uint8_t)(dst.hi >> (56 - 8 * k));
		ip6[32 + k] = (uint8_t)(dst.lo >> (56 - 8 * k));
	}
	return 40 + l4len;
}

/* Fills the transport checksum of a packet make_ip6 made (at off in the
 * transport header). */
static inline void set_csum6(uint8_t *ip6, size_t off)
{
	uint32_t len = rd16(ip6 + 4);
	ip6[40 + off] = ip6[41 + off] = 0;
	uint32_t sum = csum_add(0, ip6 + 8, 32) + (len >> 16) + (len & 0xffff) + ip6[6];
	wr16(ip6 + 40 + off, csum_fold(csum_add(sum, ip6 + 40, len)));
}

#endif
