/* helpers: what the probe modules share: the IP layer of both families,
 * ICMP errors quoting a probe, and frames assembled by libnet. */
#include "probe/helpers.h"

#include <libnet.h>
#include <string.h>

bool probe_ip_parse(const uint8_t *ip, size_t len, struct probe_ip *p)
{
	size_t pl, hl;
	if (len >= 1 && (ip[0] >> 4) == 6) {
		uint8_t proto;
		if (!(hl = ipv6_header(ip, len, &proto, &pl)))
			return false;
		*p = (struct probe_ip){ipaddr_from_bytes(ip + 8),
		                       ipaddr_from_bytes(ip + 24),
		                       proto,
		                       ip[7],
		                       0,
		                       (uint32_t)(ip[1] & 15) << 16 | rd16(ip + 2),
		                       ip + hl,
		                       pl,
		                       true};
		/* zsend sends IPv4 to ::ffff:a.b.c.d, never IPv6: an IPv6
		 * packet with a mapped address answers nothing of ours (and its
		 * MAC would be IPv4's, of other addresses) */
		return !ipaddr_is_v4(p->src) && !ipaddr_is_v4(p->dst);
	}
	if (!(hl = ipv4_header(ip, len, &pl)))
		return false;
	*p = (struct probe_ip){ipaddr_from_v4(rd32(ip + 12)),
	                       ipaddr_from_v4(rd32(ip + 16)),
	                       ip[9],
	                       ip[8],
	                       rd16(ip + 4),
	                       0,
	                       ip + hl,
	                       pl,
	                       false};
	return true;
}

/* The classification of an ICMP error of p's family, or NULL if it is
 * none. */
static const char *icmp_error_name(bool v6, uint8_t type, uint8_t code)
{
	if (v6) {
		switch (type) {
		case 1:
			return code == 4 ? "port-unreachable" : "unreach";
		case 2:
			return "toobig";
		case 3:
			return "timxceed";
		case 4:
			return "paramprob";
		}
		return NULL;
	}
	switch (type) {
	case 3:
		return code == 3 ? "port-unreachable" : "unreach";
	case 4:
		return "sourcequench";
	case 5:
		return "redirect";
	case 11:
		return "timxceed";
	}
	return NULL;
}

bool probe_icmp_quote(const struct probe_ip *outer, uint8_t proto, struct probe_ip *quoted,
                      struct probe_result *r)
{
	if (!probe_is_icmp(outer) || outer->l4_len < 8)
		return false;
	const uint8_t *icmp = outer->l4;
	const char *name = icmp_error_name(outer->v6, icmp[0], icmp[1]);
	/* the quoted packet is of the error's family, with 8 bytes past it */
	if (!name || !probe_ip_parse(icmp + 8, outer->l4_len - 8, quoted) ||
	    quoted->v6 != outer->v6 || quoted->proto != proto || quoted->l4_len < 8)
		return false;
	r->classification = name;
	r->icmp_type = icmp[0];
	r->icmp_code = icmp[1];
	r->icmp_responder = outer->src;
	r->ttl = outer->ttl;
	r->ipid = outer->ipid;
	r->saddr = quoted->dst; /* the target the quoted probe went to */
	r->daddr = quoted->src;
	r->success = false;
	if (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_) {
		r->sport = rd16(quoted->l4 + 2);
		r->dport = rd16(quoted->l4);
	}
	return true;
}

void probe_ip_fill(uint8_t *ip, uint32_t saddr, uint32_t daddr, uint16_t id)
{
	wr16(ip + 4, id);
	wr32(ip + 12, saddr);
	wr32(ip + 16, daddr);
	ip[10] = ip[11] = 0;
	wr16(ip + 10, csum_fold(csum_add(0, ip, 20)));
}

void probe_ip6_fill(uint8_t *ip6, const struct ipaddr *saddr, const struct ipaddr *daddr,
                    uint32_t flow, uint16_t payload_len)
{
	ip6[1] = (uint8_t)((ip6[1] & 0xf0) | ((flow >> 16) & 15));
	wr16(ip6 + 2, (uint16_t)flow);
	wr16(ip6 + 4, payload_len);
	ipaddr_to_bytes(*saddr, ip6 + 8);
	ipaddr_to_bytes(*daddr, ip6 + 24);
}

libnet_t *probe_libnet_init(struct zerr *e)
{
	char errbuf[LIBNET_ERRBUF_SIZE];
	libnet_t *l = libnet_init(LIBNET_NONE, NULL, errbuf);
	if (!l)
		zerr_set(e, "libnet: %s", errbuf);
	return l;
}

int probe_libnet_frame(libnet_t *l, bool built, const struct probe_params *pp, uint32_t saddr4,
                       const struct ipaddr *saddr6, uint8_t proto, size_t l4len, uint8_t *frame,
                       struct zerr *e)
{
	uint8_t *pkt = NULL;
	uint32_t n = 0, len = (uint32_t)(ETH_LEN + (saddr6 ? IP6_LEN : IP4_LEN) + l4len);
	bool ip_built;
	if (saddr6) {
		/* the destination is patched in per probe; libnet's checksum
		 * over the template is redone by fill6 */
		struct libnet_in6_addr src, dst = {{{0}}};
		ipaddr_to_bytes(*saddr6, (uint8_t *)&src);
		ip_built = built && libnet_build_ipv6(0, 0, (uint16_t)l4len, proto, pp->ttl, src,
		                                      dst, NULL, 0, l, 0) != -1;
	} else {
		ip_built =
		    built && libnet_build_ipv4((uint16_t)(IP4_LEN + l4len), 0, 0, 0, pp->ttl, proto,
		                               0, htonl(saddr4), 0, NULL, 0, l, 0) != -1;
	}
	/* libnet_adv_cull_packet wants a link-layer handle; under LIBNET_NONE
	 * libnet_pblock_coalesce assembles the frame and fills the checksums */
	int ok =
	    ip_built &&
	    libnet_build_ethernet(pp->dst_mac, pp->src_mac, saddr6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP,
	                          NULL, 0, l, 0) != -1 &&
	    libnet_pblock_coalesce(l, &pkt, &n) != -1 && n == len;
	if (ok)
		memcpy(frame, pkt, n);
	else
		zerr_set(e, "libnet: %s", libnet_geterror(l));
	if (pkt)
		libnet_adv_free_packet(l, pkt);
	libnet_destroy(l);
	return ok ? 0 : -1;
}
