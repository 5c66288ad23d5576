/* probe_tcp: TCP probes to (address, port). The MAC of (target, port,
 * source) gives the source port (within the range) and 32 bits the answer
 * must echo:
 *   tcp_syn  SYN with seq = MAC; a SYN-ACK (success) or RST acknowledges
 *            seq + 1 (or seq, for some RSTs);
 *   tcp_ack  ACK with ack = MAC; a host that gets it answers RST with that
 *            sequence number (RFC 793), whether the port is open or not, so
 *            an answer means the probe got through (firewall mapping).
 * ICMP errors quoting the probe are checked on the quoted header. Both
 * families: the IPv6 probe carries the same TCP header, its MAC over the
 * IPv6 addresses. */
#include <libnet.h>
#include <math.h>

#include "probe/helpers.h"

#define IP_OFF ETH_LEN
#define TCP_OFF (ETH_LEN + IP4_LEN)
#define TCP_OFF6 (ETH_LEN + IP6_LEN)
#define TCP_LEN 24 /* header + MSS option */

static int make_template(const struct probe_params *pp, uint32_t saddr4,
                         const struct ipaddr *saddr6, uint8_t *frame, uint8_t flags, struct zerr *e)
{
	libnet_t *l = probe_libnet_init(e);
	if (!l)
		return -1;
	const uint8_t mss[4] = {2, 4, (saddr6 ? 1440 : 1460) >> 8, (saddr6 ? 1440 : 1460) & 0xff};
	bool built = libnet_build_tcp_options(mss, sizeof mss, l, 0) != -1 &&
	             libnet_build_tcp(0, 0, 0, 0, flags, 65535, 0, 0, TCP_LEN, NULL, 0, l, 0) != -1;
	return probe_libnet_frame(l, built, pp, saddr4, saddr6, IPPROTO_TCP, TCP_LEN, frame, e);
}

static int syn_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
                        struct zerr *e)
{
	return make_template(pp, saddr, NULL, frame, TH_SYN, e);
}

static int ack_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
                        struct zerr *e)
{
	return make_template(pp, saddr, NULL, frame, TH_ACK, e);
}

static int syn_template6(const struct probe_params *pp, const struct ipaddr *saddr, uint8_t *frame,
                         struct zerr *e)
{
	return make_template(pp, 0, saddr, frame, TH_SYN, e);
}

static int ack_template6(const struct probe_params *pp, const struct ipaddr *saddr, uint8_t *frame,
                         struct zerr *e)
{
	return make_template(pp, 0, saddr, frame, TH_ACK, e);
}

/* The TCP header of a probe, but for its checksum. Both probes carry the
 * MAC in seq and ack: a SYN's ack is ignored, an ACK's seq is what the RST
 * would acknowledge if it did. */
static void fill_tcp(const struct probe_params *pp, uint8_t *tcp, uint64_t mac, uint16_t dport,
                     unsigned probe_num)
{
	wr16(tcp, probe_sport(pp, mac, probe_num));
	wr16(tcp + 2, dport);
	wr32(tcp + 4, (uint32_t)mac);
	if (tcp[13] & TH_ACK)
		wr32(tcp + 8, (uint32_t)mac);
	tcp[16] = tcp[17] = 0;
}

static size_t fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr, uint32_t daddr,
                   uint16_t dport, unsigned probe_num)
{
	uint64_t mac = secret_mac(pp->secret, daddr, dport, saddr);
	uint8_t *tcp = frame + TCP_OFF;
	probe_ip_fill(frame + IP_OFF, saddr, daddr, (uint16_t)(mac >> 48));
	fill_tcp(pp, tcp, mac, dport, probe_num);
	uint32_t sum = csum_add(0, frame + IP_OFF + 12, 8) + IPPROTO_TCP_ + TCP_LEN;
	wr16(tcp + 16, csum_fold(csum_add(sum, tcp, TCP_LEN)));
	return TCP_OFF + TCP_LEN;
}

static size_t fill6(const struct probe_params *pp, uint8_t *frame, const struct ipaddr *saddr,
                    const struct ipaddr *daddr, uint16_t dport, unsigned probe_num)
{
	uint64_t mac = secret_mac6(pp->secret, *daddr, dport, *saddr);
	uint8_t *ip6 = frame + IP_OFF, *tcp = frame + TCP_OFF6;
	probe_ip6_fill(ip6, saddr, daddr, (uint32_t)(mac >> 44) & 0xfffff, TCP_LEN);
	fill_tcp(pp, tcp, mac, dport, probe_num);
	uint32_t sum = probe_pseudo6(ip6, TCP_LEN, IPPROTO_TCP_);
	wr16(tcp + 16, csum_fold(csum_add(sum, tcp, TCP_LEN)));
	return TCP_OFF6 + TCP_LEN;
}

/* An ICMP error quoting one of our TCP probes (either kind). */
static enum probe_verdict validate_icmp(const struct probe_params *pp, const struct probe_ip *p,
                                        struct probe_result *r)
{
	struct probe_ip q;
	if (!probe_icmp_quote(p, IPPROTO_TCP_, &q, r))
		return PROBE_NOT_OURS;
	r->seqnum = rd32(q.l4 + 4);
	uint64_t mac = probe_mac(pp, r->saddr, r->sport, r->daddr);
	if (!probe_sport_ok(pp, mac, r->dport) || r->seqnum != (uint32_t)mac)
		return PROBE_BAD_MAC;
	return PROBE_VALID;
}

/* The TCP header of an answer, its fields copied into r, or NULL. */
static const uint8_t *tcp_answer(const struct probe_ip *p, struct probe_result *r)
{
	if (p->proto != IPPROTO_TCP_ || p->l4_len < 20)
		return NULL;
	const uint8_t *tcp = p->l4;
	size_t doff = (size_t)(tcp[12] >> 4) * 4;
	if (doff < 20 || doff > p->l4_len)
		return NULL;
	probe_ip_result(p, r);
	r->sport = rd16(tcp);
	r->dport = rd16(tcp + 2);
	r->seqnum = rd32(tcp + 4);
	r->acknum = rd32(tcp + 8);
	r->tcp_flags = tcp[13];
	r->window = rd16(tcp + 14);
	return tcp;
}

static enum probe_verdict syn_validate(const struct probe_params *pp, const uint8_t *ip, size_t len,
                                       struct probe_result *r)
{
	struct probe_ip p;
	if (!probe_ip_parse(ip, len, &p))
		return PROBE_NOT_OURS;
	if (probe_is_icmp(&p))
		return validate_icmp(pp, &p, r);
	if (!tcp_answer(&p, r))
		return PROBE_NOT_OURS;
	uint64_t mac = probe_mac(pp, r->saddr, r->sport, r->daddr);
	uint32_t seq = (uint32_t)mac;
	bool rst = r->tcp_flags & TH_RST;
	if (!probe_sport_ok(pp, mac, r->dport) ||
	    !(r->acknum == seq + 1 || (rst && r->acknum == seq)))
		return PROBE_BAD_MAC;
	if (rst) {
		r->classification = "rst";
		r->success = false;
	} else if ((r->tcp_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) {
		r->classification = "synack";
		r->success = true;
	} else {
		return PROBE_NOT_OURS;
	}
	return PROBE_VALID;
}

static enum probe_verdict ack_validate(const struct probe_params *pp, const uint8_t *ip, size_t len,
                                       struct probe_result *r)
{
	struct probe_ip p;
	if (!probe_ip_parse(ip, len, &p))
		return PROBE_NOT_OURS;
	if (probe_is_icmp(&p))
		return validate_icmp(pp, &p, r);
	if (!tcp_answer(&p, r) || !(r->tcp_flags & TH_RST))
		return PROBE_NOT_OURS;
	uint64_t mac = probe_mac(pp, r->saddr, r->sport, r->daddr);
	if (!probe_sport_ok(pp, mac, r->dport) || r->seqnum != (uint32_t)mac)
		return PROBE_BAD_MAC;
	r->classification = "rst";
	r->success = true;
	return PROBE_VALID;
}

#define TCP_FIELDS                                                                                 \
	"saddr,daddr,sport,dport,seqnum,acknum,window,ttl,ipid,classification,success,repeat,"     \
	"cooldown,timestamp_ts,timestamp_us"
#define TCP_FIELD_SET                                                                              \
	(FIELD_BIT(F_SPORT) | FIELD_BIT(F_DPORT) | FIELD_BIT(F_SEQNUM) | FIELD_BIT(F_ACKNUM) |     \
	 FIELD_BIT(F_WINDOW) | ICMP_ERROR_FIELDS)
#define ICMP_ERRORS "icmp and (icmp[0] == 3 or icmp[0] == 4 or icmp[0] == 5 or icmp[0] == 11)"

/* The source port (log2 of the -s range) and the 32 bits of seq or ack. */
static double tcp_answer_bits(const struct probe_params *pp)
{
	return log2((double)pp->sport_count) + 32;
}

const struct probe_module probe_tcp_syn = {
    .name = "tcp_syn",
    .description = "TCP SYN; SYN-ACK is success, RST and ICMP errors are not",
    .needs_port = true,
    .frame_len = TCP_OFF + TCP_LEN,
    .frame_len6 = TCP_OFF6 + TCP_LEN,
    .fields = TCP_FIELD_SET,
    .default_fields = TCP_FIELDS,
    .bpf = "(tcp and (tcp[13] & 4 != 0 or tcp[13] & 18 == 18)) or (" ICMP_ERRORS ")",
    .bpf6 = "(ip6[6] == 6 and (ip6[53] & 4 != 0 or ip6[53] & 18 == 18)) or " BPF6_ICMP_ERRORS,
    .make_template = syn_template,
    .fill = fill,
    .make_template6 = syn_template6,
    .fill6 = fill6,
    .validate = syn_validate,
    .answer_bits = tcp_answer_bits,
};

const struct probe_module probe_tcp_ack = {
    .name = "tcp_ack",
    .description = "TCP ACK; a RST is success (the probe got through), ICMP errors are not",
    .needs_port = true,
    .frame_len = TCP_OFF + TCP_LEN,
    .frame_len6 = TCP_OFF6 + TCP_LEN,
    .fields = TCP_FIELD_SET,
    .default_fields = TCP_FIELDS,
    .bpf = "(tcp and tcp[13] & 4 != 0) or (" ICMP_ERRORS ")",
    .bpf6 = "(ip6[6] == 6 and ip6[53] & 4 != 0) or " BPF6_ICMP_ERRORS,
    .make_template = ack_template,
    .fill = fill,
    .make_template6 = ack_template6,
    .fill6 = fill6,
    .validate = ack_validate,
    .answer_bits = tcp_answer_bits,
};
