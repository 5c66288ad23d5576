/* packet: bounds-checked reads of IPv4, IPv6, TCP and ICMP headers in
 * captured frames. Every accessor takes the captured length; nothing reads
 * past it. */
#ifndef ZSCAN_NET_PACKET_H
#define ZSCAN_NET_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest Ethernet frame a probe takes (no FCS), and a NUL of slack. */
#define ETH_FRAME_MAX 1516

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

enum { IPPROTO_ICMP_ = 1, IPPROTO_TCP_ = 6, IPPROTO_UDP_ = 17, IPPROTO_ICMPV6_ = 58 };

/* An IPv4 header at ip: returns its length (IHL * 4), or 0 if the captured
 * bytes cannot hold it, it is not IPv4, or it is a fragment other than the
 * first. *payload_len is what follows it, clipped to both the captured
 * length and the header's total length: the packet an ICMP error quotes is
 * cut short by design (a captured packet's lengths are frame_ip's to check). */
static inline size_t ipv4_header(const uint8_t *ip, size_t len, size_t *payload_len)
{
	if (len < 20 || (ip[0] >> 4) != 4)
		return 0;
	if (((ip[6] & 0x1f) << 8 | ip[7]) != 0)
		return 0; /* a later fragment: what follows is no transport header */
	size_t ihl = (size_t)(ip[0] & 15) * 4, total = rd16(ip + 2);
	if (ihl < 20 || ihl > len || total < ihl)
		return 0;
	if (total > len)
		total = len;
	*payload_len = total - ihl;
	return ihl;
}

/* An IPv6 header at ip, and the extension headers a probe's answer may
 * carry before its transport header (hop-by-hop options, routing,
 * destination options, and a first fragment's header): returns the offset
 * of the transport header and sets *proto, or 0 if the captured bytes
 * cannot hold them, it is not IPv6, or it is a fragment other than the
 * first. *payload_len is what follows, clipped to the captured length and
 * the header's payload length (as ipv4_header's). */
static inline size_t ipv6_header(const uint8_t *ip, size_t len, uint8_t *proto, size_t *payload_len)
{
	if (len < 40 || (ip[0] >> 4) != 6)
		return 0;
	size_t total = 40 + (size_t)rd16(ip + 4), off = 40;
	if (total > len)
		total = len;
	uint8_t nh = ip[6];
	for (int k = 0; k < 8; k++) { /* a bound: a chain of options is no answer */
		if (nh == 0 || nh == 43 || nh == 60) {
			if (off + 8 > total)
				return 0;
			size_t l = ((size_t)ip[off + 1] + 1) * 8;
			nh = ip[off];
			off += l;
		} else if (nh == 44) {
			if (off + 8 > total || (rd16(ip + off + 2) & 0xfff8) != 0)
				return 0; /* a later fragment: no transport header */
			nh = ip[off];
			off += 8;
		} else {
			break;
		}
	}
	if (off > total)
		return 0;
	*proto = nh;
	*payload_len = total - off;
	return off;
}

/* Whether an IPv6 packet is a fragment other than the first. */
static inline bool ipv6_later_fragment(const uint8_t *ip, size_t len)
{
	if (len < 40)
		return false;
	size_t off = 40;
	uint8_t nh = ip[6];
	for (int k = 0; k < 8 && off + 8 <= len; k++) {
		if (nh == 44)
			return (rd16(ip + off + 2) & 0xfff8) != 0;
		if (nh != 0 && nh != 43 && nh != 60)
			return false;
		nh = ip[off];
		off += ((size_t)ip[off + 1] + 1) * 8;
	}
	return false;
}

#endif
