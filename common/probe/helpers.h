/* helpers: what the probe modules share (not for tools): the IP layer of
 * both families, so that a module writes its transport header once. */
#ifndef ZSCAN_PROBE_HELPERS_H
#define ZSCAN_PROBE_HELPERS_H

#include <libnet.h>

#include "net/checksum.h"
#include "net/packet.h"
#include "probe/probe.h"

#define ETH_LEN 14
#define IP4_LEN 20
#define IP6_LEN 40

/* The fields an ICMP error quoting a probe fills (see probe_icmp_quote). */
#define ICMP_ERROR_FIELDS                                                                          \
	(FIELD_BIT(F_ICMP_RESPONDER) | FIELD_BIT(F_ICMP_TYPE) | FIELD_BIT(F_ICMP_CODE))

/* ICMPv6 errors (types below 128) and the echo reply, as BPF on IPv6
 * without extension headers (what zrecv's kernel filter lets through;
 * validation reads the headers whatever they are). */
#define BPF6_ICMP_ERRORS "(icmp6 and ip6[40] < 128)"

/* An IP packet of either family, its transport header found. */
struct probe_ip {
	struct ipaddr src, dst;
	uint8_t proto; /* the transport's: after IPv6's extension headers */
	uint8_t ttl;   /* TTL, or hop limit */
	uint16_t ipid; /* IPv4's identification; 0 for IPv6 */
	uint32_t flow; /* IPv6's flow label; 0 for IPv4 */
	const uint8_t *l4;
	size_t l4_len; /* clipped to what was captured */
	bool v6;
};

/* Parses an IPv4 or IPv6 header (false: neither, truncated, a later
 * fragment, or IPv6 with an IPv4-mapped address, which no probe has). */
bool probe_ip_parse(const uint8_t *ip, size_t len, struct probe_ip *p);

/* Copies addresses, TTL and identification into r. */
static inline void probe_ip_result(const struct probe_ip *p, struct probe_result *r)
{
	r->saddr = p->src;
	r->daddr = p->dst;
	r->ttl = p->ttl;
	r->ipid = p->ipid;
}

/* The MAC of a probe to target:port from source, either family. */
static inline uint64_t probe_mac(const struct probe_params *pp, struct ipaddr target, uint16_t port,
                                 struct ipaddr source)
{
	if (ipaddr_is_v4(target))
		return secret_mac(pp->secret, ipaddr_v4(target), port, ipaddr_v4(source));
	return secret_mac6(pp->secret, target, port, source);
}

/* For an ICMP or ICMPv6 error (unreachable, source quench, redirect,
 * time exceeded; ICMPv6's unreachable, too big, time exceeded, parameter
 * problem) quoting a packet of protocol proto of the same family, with at
 * least 8 bytes of what followed its header: fills the ICMP fields of r
 * and *quoted (its l4 the quoted transport header, the target in dst) and
 * returns true; false for anything else. For TCP and UDP, r->sport and
 * r->dport are the quoted destination (target) and source ports. */
bool probe_icmp_quote(const struct probe_ip *outer, uint8_t proto, struct probe_ip *quoted,
                      struct probe_result *r);

/* Whether p is an ICMP or ICMPv6 packet. */
static inline bool probe_is_icmp(const struct probe_ip *p)
{
	return p->proto == (p->v6 ? IPPROTO_ICMPV6_ : IPPROTO_ICMP_);
}

/* A libnet context that only builds frames (no interface), or NULL. */
libnet_t *probe_libnet_init(struct zerr *e);

/* Completes a template: built says whether the transport header (l4len
 * bytes with its payload) went onto l. Adds the IPv4 (saddr4) or, with
 * saddr6, IPv6 header and the Ethernet header, assembles the frame into
 * frame, checks its length, and destroys l whatever happened. */
int probe_libnet_frame(libnet_t *l, bool built, const struct probe_params *pp, uint32_t saddr4,
                       const struct ipaddr *saddr6, uint8_t proto, size_t l4len, uint8_t *frame,
                       struct zerr *e);

/* Writes addresses and id into a 20-byte IPv4 header and its checksum. */
void probe_ip_fill(uint8_t *ip, uint32_t saddr, uint32_t daddr, uint16_t id);

/* Writes addresses, flow label and payload length into an IPv6 header. */
void probe_ip6_fill(uint8_t *ip6, const struct ipaddr *saddr, const struct ipaddr *daddr,
                    uint32_t flow, uint16_t payload_len);

/* The sum of the IPv6 pseudo-header of a filled header, for a transport
 * checksum over l4len bytes of protocol proto. */
static inline uint32_t probe_pseudo6(const uint8_t *ip6, uint32_t l4len, uint8_t proto)
{
	return csum_add(0, ip6 + 8, 32) + (l4len >> 16) + (l4len & 0xffff) + proto;
}

#endif
