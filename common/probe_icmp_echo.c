/* probe_icmp_echo: ICMP echo request. The MAC of (target, 0, source) gives
 * the identifier (16 bits) and sequence number (16 bits) the reply echoes. */
#include <libnet.h>

#include "probe_util.h"

#define IP_OFF ETH_LEN
#define ICMP_OFF (ETH_LEN + 20)
#define ICMP_LEN 8

static int make_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
                         struct zerr *e)
{
	char errbuf[LIBNET_ERRBUF_SIZE];
	/* LIBNET_NONE: build only, no interface */
	libnet_t *l = libnet_init(LIBNET_NONE, NULL, errbuf);
	if (!l)
		return zerr_set(e, "libnet: %s", errbuf);
	if (!(libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, 0, 0, NULL, 0, l, 0) != -1 &&
	      libnet_build_ipv4(20 + ICMP_LEN, 0, 0, 0, pp->ttl, IPPROTO_ICMP, 0, htonl(saddr), 0,
	                        NULL, 0, l, 0) != -1 &&
	      libnet_build_ethernet(pp->dst_mac, pp->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1)) {
		zerr_set(e, "libnet: %s", libnet_geterror(l));
		libnet_destroy(l);
		return -1;
	}
	return probe_libnet_finish(l, frame, ICMP_OFF + ICMP_LEN, e);
}

static void fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr, uint32_t daddr,
                 uint16_t dport, unsigned probe_num)
{
	(void)dport;
	(void)probe_num;
	uint64_t mac = secret_mac(pp->secret, daddr, 0, saddr);
	uint8_t *icmp = frame + ICMP_OFF;
	probe_ip_fill(frame + IP_OFF, saddr, daddr, (uint16_t)(mac >> 48));
	wr16(icmp + 4, (uint16_t)mac);
	wr16(icmp + 6, (uint16_t)(mac >> 16));
	icmp[2] = icmp[3] = 0;
	wr16(icmp + 2, csum_fold(csum_add(0, icmp, ICMP_LEN)));
}

static enum probe_verdict validate(const struct probe_params *pp, const uint8_t *ip, size_t len,
                                   struct probe_result *r)
{
	size_t pl, ihl = ipv4_header(ip, len, &pl);
	if (!ihl || ip[9] != IPPROTO_ICMP_ || pl < 8)
		return PROBE_NOT_OURS;
	const uint8_t *icmp = ip + ihl;
	if (icmp[0] == ICMP_ECHOREPLY) {
		r->saddr = rd32(ip + 12);
		r->daddr = rd32(ip + 16);
		r->ttl = ip[8];
		r->ipid = rd16(ip + 4);
		r->icmp_type = icmp[0];
		r->icmp_code = icmp[1];
		r->echo_id = rd16(icmp + 4);
		r->echo_seq = rd16(icmp + 6);
		r->classification = "echoreply";
		r->success = true;
	} else {
		size_t il;
		const uint8_t *inner = probe_icmp_error(ip, len, &il, r);
		if (!inner || inner[9] != IPPROTO_ICMP_)
			return PROBE_NOT_OURS;
		const uint8_t *q = inner + (inner[0] & 15) * 4;
		if (q[0] != ICMP_ECHO)
			return PROBE_NOT_OURS;
		r->echo_id = rd16(q + 4);
		r->echo_seq = rd16(q + 6);
	}
	uint64_t mac = secret_mac(pp->secret, r->saddr, 0, r->daddr);
	if (r->echo_id != (uint16_t)mac || r->echo_seq != (uint16_t)(mac >> 16))
		return PROBE_BAD_MAC;
	return PROBE_VALID;
}

const struct probe_module probe_icmp_echo = {
    .name = "icmp_echo",
    .description = "ICMP echo request; an echo reply is success, ICMP errors are not",
    .needs_port = false,
    .frame_len = ICMP_OFF + ICMP_LEN,
    .bpf = "icmp and (icmp[0] == 0 or icmp[0] == 3 or icmp[0] == 4 or icmp[0] == 5 or "
           "icmp[0] == 11)",
    .make_template = make_template,
    .fill = fill,
    .validate = validate,
};
