/* probe_ipip: finds hosts that decapsulate IP-in-IP, as ZMap's ipip
 * module does. The probe is an IPv4 packet of protocol 4 (IPv6: next
 * header 41) to the target whose payload is a whole inner packet from the
 * target to the scanner: a UDP datagram from the target port to a source
 * port the MAC picks, carrying 8 more bytes of a MAC. A host that
 * decapsulates forwards the inner packet, which arrives as a UDP datagram
 * from the target: success, checked on the port's bits and the 64 of the
 * payload. A host that does not may answer ICMP protocol unreachable
 * quoting the probe; that quote shows the outer packet and the inner
 * header's first 8 bytes, whose identifications (16 + 16 bits; for IPv6
 * the outer flow label, 20 bits) carry a MAC of the target alone, since
 * the quote shows no port. */
#include <libnet.h>
#include <math.h>
#include <string.h>

#include "probe/helpers.h"

#define IPPROTO_IPIP_ 4
#define IPPROTO_IPV6_ 41
#define IP_OFF ETH_LEN
#define INNER_OFF (ETH_LEN + IP4_LEN)
#define INNER_OFF6 (ETH_LEN + IP6_LEN)
#define UDP_HDR 8
#define MAC_BYTES 8
#define INNER_LEN (IP4_LEN + UDP_HDR + MAC_BYTES)
#define INNER_LEN6 (IP6_LEN + UDP_HDR + MAC_BYTES)

/* The 8 payload bytes: a MAC under another source than the port's, so
 * that they say nothing of it. */
static uint64_t payload_mac(const struct probe_params *pp, struct ipaddr target, uint16_t port,
                            struct ipaddr source)
{
	if (ipaddr_is_v4(source))
		source = ipaddr_from_v4(ipaddr_v4(source) ^ 0x1b1b1b1bu);
	else
		source.lo ^= 0x1b1b1b1bu;
	return probe_mac(pp, target, port, source);
}

static int make_template(const struct probe_params *pp, uint32_t saddr4,
                         const struct ipaddr *saddr6, uint8_t *frame, struct zerr *e)
{
	uint8_t inner[INNER_LEN6] = {0};
	size_t n = saddr6 ? INNER_LEN6 : INNER_LEN;
	if (saddr6) {
		inner[0] = 0x60;
		wr16(inner + 4, UDP_HDR + MAC_BYTES);
		inner[6] = IPPROTO_UDP_;
		inner[7] = 64;
	} else {
		inner[0] = 0x45;
		wr16(inner + 2, INNER_LEN);
		inner[8] = 64;
		inner[9] = IPPROTO_UDP_;
	}
	wr16(inner + (saddr6 ? IP6_LEN : IP4_LEN) + 4, UDP_HDR + MAC_BYTES);
	libnet_t *l = probe_libnet_init(e);
	if (!l)
		return -1;
	bool built = libnet_build_data(inner, (uint32_t)n, l, 0) != -1;
	return probe_libnet_frame(l, built, pp, saddr4, saddr6,
	                          saddr6 ? IPPROTO_IPV6_ : IPPROTO_IPIP_, n, frame, e);
}

static int ipip_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
                         struct zerr *e)
{
	return make_template(pp, saddr, NULL, frame, e);
}

static int ipip_template6(const struct probe_params *pp, const struct ipaddr *saddr, uint8_t *frame,
                          struct zerr *e)
{
	return make_template(pp, 0, saddr, frame, e);
}

/* The inner datagram at udp, from the target's port to ours, its
 * checksum over the pseudo-header's sum `pseudo`. */
static void fill_udp(const struct probe_params *pp, uint8_t *udp, struct ipaddr target,
                     struct ipaddr source, uint16_t port, unsigned probe_num, uint32_t pseudo)
{
	uint64_t mac = probe_mac(pp, target, port, source);
	wr16(udp, port);
	wr16(udp + 2, probe_sport(pp, mac, probe_num));
	wr16(udp + 4, UDP_HDR + MAC_BYTES);
	udp[6] = udp[7] = 0;
	uint64_t m = payload_mac(pp, target, port, source);
	for (int i = 0; i < MAC_BYTES; i++)
		udp[UDP_HDR + i] = (uint8_t)(m >> (56 - 8 * i));
	uint16_t c = csum_fold(csum_add(pseudo, udp, UDP_HDR + MAC_BYTES));
	wr16(udp + 6, c ? c : 0xffff);
}

static size_t ipip_fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr,
                        uint32_t daddr, uint16_t dport, unsigned probe_num)
{
	uint64_t m0 = secret_mac(pp->secret, daddr, 0, saddr); /* the target's alone */
	uint8_t *inner = frame + INNER_OFF;
	probe_ip_fill(frame + IP_OFF, saddr, daddr, (uint16_t)(m0 >> 48));
	/* the inner packet goes from the target to us */
	probe_ip_fill(inner, daddr, saddr, (uint16_t)(m0 >> 32));
	uint32_t pseudo = csum_add(0, inner + 12, 8) + IPPROTO_UDP_ + UDP_HDR + MAC_BYTES;
	fill_udp(pp, inner + IP4_LEN, ipaddr_from_v4(daddr), ipaddr_from_v4(saddr), dport,
	         probe_num, pseudo);
	return INNER_OFF + INNER_LEN;
}

static size_t ipip_fill6(const struct probe_params *pp, uint8_t *frame, const struct ipaddr *saddr,
                         const struct ipaddr *daddr, uint16_t dport, unsigned probe_num)
{
	uint64_t m0 = secret_mac6(pp->secret, *daddr, 0, *saddr);
	uint8_t *inner = frame + INNER_OFF6;
	probe_ip6_fill(frame + IP_OFF, saddr, daddr, (uint32_t)m0 & 0xfffff, INNER_LEN6);
	probe_ip6_fill(inner, daddr, saddr, 0, UDP_HDR + MAC_BYTES);
	fill_udp(pp, inner + IP6_LEN, *daddr, *saddr, dport, probe_num,
	         probe_pseudo6(inner, UDP_HDR + MAC_BYTES, IPPROTO_UDP_));
	return INNER_OFF6 + INNER_LEN6;
}

/* An ICMP error quoting a probe: the outer identification and the inner
 * one (IPv4), or the outer flow label (IPv6), are the target's MAC. */
static enum probe_verdict validate_icmp(const struct probe_params *pp, const struct probe_ip *p,
                                        struct probe_result *r)
{
	struct probe_ip q;
	if (!probe_icmp_quote(p, p->v6 ? IPPROTO_IPV6_ : IPPROTO_IPIP_, &q, r))
		return PROBE_NOT_OURS;
	uint64_t m0 = probe_mac(pp, r->saddr, 0, r->daddr);
	bool ok = q.v6 ? q.flow == ((uint32_t)m0 & 0xfffff)
	               : q.ipid == (uint16_t)(m0 >> 48) && rd16(q.l4 + 4) == (uint16_t)(m0 >> 32);
	return ok ? PROBE_VALID : PROBE_BAD_MAC;
}

static enum probe_verdict ipip_validate(const struct probe_params *pp, const uint8_t *ip,
                                        size_t len, struct probe_result *r)
{
	struct probe_ip p;
	if (!probe_ip_parse(ip, len, &p))
		return PROBE_NOT_OURS;
	if (probe_is_icmp(&p))
		return validate_icmp(pp, &p, r);
	if (p.proto != IPPROTO_UDP_ || p.l4_len < UDP_HDR + MAC_BYTES)
		return PROBE_NOT_OURS;
	probe_ip_result(&p, r);
	r->sport = rd16(p.l4);
	r->dport = rd16(p.l4 + 2);
	r->udp_len = rd16(p.l4 + 4);
	uint64_t mac = probe_mac(pp, r->saddr, r->sport, r->daddr);
	if (!probe_sport_ok(pp, mac, r->dport))
		return PROBE_BAD_MAC;
	uint64_t m = payload_mac(pp, r->saddr, r->sport, r->daddr);
	for (int i = 0; i < MAC_BYTES; i++)
		if (p.l4[UDP_HDR + i] != (uint8_t)(m >> (56 - 8 * i)))
			return PROBE_BAD_MAC;
	r->classification = "ipip";
	r->success = true;
	return PROBE_VALID;
}

static double ipip_answer_bits(const struct probe_params *pp)
{
	return log2((double)pp->sport_count) + 8.0 * MAC_BYTES;
}

const struct probe_module probe_ipip = {
    .name = "ipip",
    .description = "UDP inside IP-in-IP (IPv6: IPv6-in-IPv6) addressed back to the scanner; a "
                   "host that decapsulates forwards it: success",
    .needs_port = true,
    .frame_len = INNER_OFF + INNER_LEN,
    .frame_len6 = INNER_OFF6 + INNER_LEN6,
    .fields =
        FIELD_BIT(F_SPORT) | FIELD_BIT(F_DPORT) | FIELD_BIT(F_UDP_PKT_SIZE) | ICMP_ERROR_FIELDS,
    .default_fields = "saddr,daddr,sport,dport,ttl,ipid,icmp_responder,icmp_type,icmp_code,"
                      "classification,success,repeat,cooldown,timestamp_ts,timestamp_us",
    .bpf = "udp or (icmp and (icmp[0] == 3 or icmp[0] == 11))",
    .bpf6 = "(ip6 and udp) or " BPF6_ICMP_ERRORS,
    .make_template = ipip_template,
    .fill = ipip_fill,
    .make_template6 = ipip_template6,
    .fill6 = ipip_fill6,
    .validate = ipip_validate,
    .answer_bits = ipip_answer_bits,
};
