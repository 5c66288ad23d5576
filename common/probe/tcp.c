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
 * IPv6 addresses.
 * tcp_syn's options follow a profile (--probe-args), as ZMap 4's do:
 *   smallest-probes  MSS alone (the default: 24 bytes of TCP, and an MSS,
 *                    whose absence some networks drop SYNs for)
 *   windows          MSS, NOP, window scale, NOP, NOP, SACK permitted
 *   linux            MSS, SACK permitted, timestamps, NOP, window scale
 *   bsd              MSS, NOP, window scale, SACK permitted, timestamps
 * With timestamps, the SYN's TSval is the send time in microseconds (its
 * low 32 bits); a host that echoes it in TSecr gives the round-trip time
 * without taking a bit from the sequence number: every profile validates
 * the same 32 bits of seq and the source port's. The answer's options are
 * decoded into fields (probe/answer/tcpopt.h). */
#include <libnet.h>
#include <math.h>
#include <string.h>
#include <time.h>

#include "probe/answer/tcpopt.h"
#include "probe/helpers.h"

#define IP_OFF ETH_LEN
#define TCP_OFF (ETH_LEN + IP4_LEN)
#define TCP_OFF6 (ETH_LEN + IP6_LEN)
#define TCP_HDR 20
#define TCP_LEN 24 /* header + MSS option: smallest-probes, and tcp_ack's */

struct tcp_profile {
	const char *name;
	uint8_t opts[20]; /* MSS first: its value is set per family */
	size_t len;
	int ts_at; /* where TSval is in opts, or -1 */
};

static const struct tcp_profile profiles[] = {
    {"smallest-probes", {2, 4, 0, 0}, 4, -1},
    {"windows", {2, 4, 0, 0, 1, 3, 3, 8, 1, 1, 4, 2}, 12, -1},
    {"linux", {2, 4, 0, 0, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7}, 20, 8},
    {"bsd", {2, 4, 0, 0, 1, 3, 3, 6, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0}, 20, 12},
};

static const struct tcp_profile *profile_of(const struct probe_params *pp)
{
	return pp->mod_state ? pp->mod_state : &profiles[0];
}

static int syn_setup(struct probe_params *pp, const char *args, struct zerr *e)
{
	const struct tcp_profile *p = &profiles[0];
	if (args) {
		p = NULL;
		for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
			if (strcmp(args, profiles[i].name) == 0)
				p = &profiles[i];
		if (!p)
			return zerr_set(e,
			                "--probe-args: '%.40s': no option profile of that name "
			                "(smallest-probes, windows, linux, bsd)",
			                args);
	}
	pp->mod_state = p;
	pp->template_len = TCP_OFF + TCP_HDR + p->len;
	pp->template_len6 = TCP_OFF6 + TCP_HDR + p->len;
	return 0;
}

static int make_template(const struct probe_params *pp, uint32_t saddr4,
                         const struct ipaddr *saddr6, uint8_t *frame, uint8_t flags, struct zerr *e)
{
	libnet_t *l = probe_libnet_init(e);
	if (!l)
		return -1;
	/* tcp_ack carries MSS alone, whatever the profile */
	const struct tcp_profile *p = flags == TH_SYN ? profile_of(pp) : &profiles[0];
	uint8_t opts[20];
	memcpy(opts, p->opts, p->len);
	uint16_t mss = saddr6 ? 1440 : 1460;
	opts[2] = (uint8_t)(mss >> 8);
	opts[3] = (uint8_t)mss;
	uint32_t tcplen = (uint32_t)(TCP_HDR + p->len);
	bool built = libnet_build_tcp_options(opts, (uint32_t)p->len, l, 0) != -1 &&
	             libnet_build_tcp(0, 0, 0, 0, flags, 65535, 0, 0, tcplen, NULL, 0, l, 0) != -1;
	return probe_libnet_frame(l, built, pp, saddr4, saddr6, IPPROTO_TCP, tcplen, frame, e);
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

static int synack_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
                           struct zerr *e)
{
	return make_template(pp, saddr, NULL, frame, TH_SYN | TH_ACK, e);
}

static int synack_template6(const struct probe_params *pp, const struct ipaddr *saddr,
                            uint8_t *frame, struct zerr *e)
{
	return make_template(pp, 0, saddr, frame, TH_SYN | TH_ACK, e);
}

/* The TCP header of a probe, but for its checksum. Both probes carry the
 * MAC in seq and ack: a SYN's ack is ignored, an ACK's seq is what the RST
 * would acknowledge if it did. */
/* The TCP header of a probe, but for its checksum; returns its length.
 * Both probes carry the MAC in seq and ack: a SYN's ack is ignored, an
 * ACK's seq is what the RST would acknowledge if it did. */
static size_t fill_tcp(const struct probe_params *pp, uint8_t *tcp, uint64_t mac, uint16_t dport,
                       unsigned probe_num)
{
	wr16(tcp, probe_sport(pp, mac, probe_num));
	wr16(tcp + 2, dport);
	wr32(tcp + 4, (uint32_t)mac);
	tcp[16] = tcp[17] = 0;
	if (tcp[13] & TH_ACK) {
		wr32(tcp + 8, (uint32_t)mac);
		return TCP_LEN;
	}
	const struct tcp_profile *p = profile_of(pp);
	if (p->ts_at >= 0) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		uint64_t us = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
		wr32(tcp + TCP_HDR + p->ts_at, (uint32_t)us);
	}
	return TCP_HDR + p->len;
}

static size_t fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr, uint32_t daddr,
                   uint16_t dport, unsigned probe_num)
{
	uint64_t mac = secret_mac(pp->secret, daddr, dport, saddr);
	uint8_t *tcp = frame + TCP_OFF;
	probe_ip_fill(frame + IP_OFF, saddr, daddr, (uint16_t)(mac >> 48));
	size_t len = fill_tcp(pp, tcp, mac, dport, probe_num);
	uint32_t sum = csum_add(0, frame + IP_OFF + 12, 8) + IPPROTO_TCP_ + (uint32_t)len;
	wr16(tcp + 16, csum_fold(csum_add(sum, tcp, len)));
	return TCP_OFF + len;
}

static size_t fill6(const struct probe_params *pp, uint8_t *frame, const struct ipaddr *saddr,
                    const struct ipaddr *daddr, uint16_t dport, unsigned probe_num)
{
	uint64_t mac = secret_mac6(pp->secret, *daddr, dport, *saddr);
	uint8_t *ip6 = frame + IP_OFF, *tcp = frame + TCP_OFF6;
	size_t len = fill_tcp(pp, tcp, mac, dport, probe_num);
	probe_ip6_fill(ip6, saddr, daddr, (uint32_t)(mac >> 44) & 0xfffff, (uint16_t)len);
	uint32_t sum = probe_pseudo6(ip6, (uint32_t)len, IPPROTO_TCP_);
	wr16(tcp + 16, csum_fold(csum_add(sum, tcp, len)));
	return TCP_OFF6 + len;
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
	r->tcp_opts = tcp + TCP_HDR;
	r->tcp_opts_len = (uint8_t)(doff - TCP_HDR);
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
	 FIELD_BIT(F_WINDOW) | FIELD_BIT(F_RTT_US) | ICMP_ERROR_FIELDS)

static void tcp_decode(const struct probe_params *pp, const struct probe_result *r,
                       struct fieldw *w)
{
	(void)pp;
	if (r->tcp_opts)
		tcpopt_decode(r->tcp_opts, r->tcp_opts_len, w);
}
#define ICMP_ERRORS "icmp and (icmp[0] == 3 or icmp[0] == 4 or icmp[0] == 5 or icmp[0] == 11)"

/* The source port (log2 of the -s range) and the 32 bits of seq or ack. */
static double tcp_answer_bits(const struct probe_params *pp)
{
	return log2((double)pp->sport_count) + 32;
}

const struct probe_module probe_tcp_syn = {
    .name = "tcp_syn",
    .description = "TCP SYN; SYN-ACK is success, RST and ICMP errors are not; the answer's "
                   "options decoded",
    .args_help = NULL,
    .needs_port = true,
    .frame_len = TCP_OFF + TCP_LEN,
    .frame_len6 = TCP_OFF6 + TCP_LEN,
    .fields = TCP_FIELD_SET,
    .default_fields = TCP_FIELDS,
    .bpf = "(tcp and (tcp[13] & 4 != 0 or tcp[13] & 18 == 18)) or (" ICMP_ERRORS ")",
    .bpf6 = "(ip6[6] == 6 and (ip6[53] & 4 != 0 or ip6[53] & 18 == 18)) or " BPF6_ICMP_ERRORS,
    .setup = syn_setup,
    .make_template = syn_template,
    .fill = fill,
    .make_template6 = syn_template6,
    .fill6 = fill6,
    .validate = syn_validate,
    .answer_bits = tcp_answer_bits,
    .app_fields = tcpopt_fields,
    .n_app_fields = TCPOPT_NFIELDS,
    .decode = tcp_decode,
};

/* What tcp_ack and tcp_synack share: a probe with the MAC as its
 * acknowledgement number, answered by a RST that carries it back. */
#define TCP_RST_MODULE                                                                             \
	.needs_port = true, .frame_len = TCP_OFF + TCP_LEN, .frame_len6 = TCP_OFF6 + TCP_LEN,      \
	.fields = TCP_FIELD_SET, .default_fields = TCP_FIELDS,                                     \
	.bpf = "(tcp and tcp[13] & 4 != 0) or (" ICMP_ERRORS ")",                                  \
	.bpf6 = "(ip6[6] == 6 and ip6[53] & 4 != 0) or " BPF6_ICMP_ERRORS, .fill = fill,           \
	.fill6 = fill6, .validate = ack_validate, .answer_bits = tcp_answer_bits,                  \
	.app_fields = tcpopt_fields, .n_app_fields = TCPOPT_NFIELDS, .decode = tcp_decode

const struct probe_module probe_tcp_ack = {
    .name = "tcp_ack",
    .description = "TCP ACK; a RST is success (the probe got through), ICMP errors are not",
    TCP_RST_MODULE,
    .make_template = ack_template,
    .make_template6 = ack_template6,
};

/* ZMap's synackscan: a SYN-ACK no connection asked for is answered with a
 * RST whose sequence number is the SYN-ACK's acknowledgement (RFC 9293),
 * open port or not, so the probe carries the MAC there as tcp_ack does:
 * a host that answers is up (and its path lets a SYN-ACK through, as
 * stateless firewalls that drop a lone SYN may). */
const struct probe_module probe_tcp_synack = {
    .name = "tcp_synack",
    .description = "TCP SYN-ACK (ZMap's synackscan); the RST a host sends back is success, ICMP "
                   "errors are not",
    TCP_RST_MODULE,
    .make_template = synack_template,
    .make_template6 = synack_template6,
};
