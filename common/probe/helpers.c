/* helpers: what the probe modules share: ICMP errors quoting a probe, the
 * IPv4 header of a filled probe, and frames assembled by libnet. */
#include "probe/helpers.h"

#include <libnet.h>
#include <string.h>

const uint8_t *probe_icmp_quote(const uint8_t *ip, size_t len, uint8_t proto, const uint8_t **l4,
                                struct probe_result *r)
{
	size_t pl, ihl = ipv4_header(ip, len, &pl);
	if (!ihl || ip[9] != IPPROTO_ICMP_ || pl < 8 + 20 + 8)
		return NULL;
	const uint8_t *icmp = ip + ihl;
	switch (icmp[0]) {
	case 3:
		r->classification = icmp[1] == 3 ? "port-unreachable" : "unreach";
		break;
	case 4:
		r->classification = "sourcequench";
		break;
	case 5:
		r->classification = "redirect";
		break;
	case 11:
		r->classification = "timxceed";
		break;
	default:
		return NULL;
	}
	const uint8_t *inner = icmp + 8;
	size_t ipl, iihl = ipv4_header(inner, pl - 8, &ipl);
	if (!iihl || ipl < 8 || inner[9] != proto)
		return NULL;
	r->icmp_type = icmp[0];
	r->icmp_code = icmp[1];
	r->icmp_responder = rd32(ip + 12);
	r->ttl = ip[8];
	r->ipid = rd16(ip + 4);
	r->saddr = rd32(inner + 16); /* the target the quoted probe went to */
	r->daddr = rd32(inner + 12);
	r->success = false;
	*l4 = inner + iihl;
	if (proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_) {
		r->sport = rd16(*l4 + 2);
		r->dport = rd16(*l4);
	}
	return inner;
}

void probe_ip_fill(uint8_t *ip, uint32_t saddr, uint32_t daddr, uint16_t id)
{
	wr16(ip + 4, id);
	wr32(ip + 12, saddr);
	wr32(ip + 16, daddr);
	ip[10] = ip[11] = 0;
	wr16(ip + 10, csum_fold(csum_add(0, ip, 20)));
}

libnet_t *probe_libnet_init(struct zerr *e)
{
	char errbuf[LIBNET_ERRBUF_SIZE];
	libnet_t *l = libnet_init(LIBNET_NONE, NULL, errbuf);
	if (!l)
		zerr_set(e, "libnet: %s", errbuf);
	return l;
}

int probe_libnet_frame(libnet_t *l, bool built, const struct probe_params *pp, uint32_t saddr,
                       uint8_t proto, size_t l4len, uint8_t *frame, struct zerr *e)
{
	uint8_t *pkt = NULL;
	uint32_t n = 0, len = (uint32_t)(ETH_LEN + 20 + l4len);
	/* libnet_adv_cull_packet wants a link-layer handle; under LIBNET_NONE
	 * libnet_pblock_coalesce assembles the frame and fills the checksums */
	int ok =
	    built &&
	    libnet_build_ipv4((uint16_t)(20 + l4len), 0, 0, 0, pp->ttl, proto, 0, htonl(saddr), 0,
	                      NULL, 0, l, 0) != -1 &&
	    libnet_build_ethernet(pp->dst_mac, pp->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1 &&
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
