/* probe_icmp_echo: ICMP echo requests. The MAC of (target, 0, source) gives
 * the identifier (16 bits) and sequence number (16 bits) the reply echoes.
 *   icmp_echo       no payload;
 *   icmp_echo_time  a 16-byte payload the reply echoes too: the send time
 *                   (seconds, 8 bytes; microseconds, 4) and the target's
 *                   address, so zrecv gets the round-trip time statelessly.
 * For IPv6 they are ICMPv6 echo requests (type 128; the reply is 129), the
 * checksum over the IPv6 pseudo-header too, and icmp_echo_time's last 4
 * bytes are 32 more bits of the MAC instead of the address. */
#include <libnet.h>
#include <time.h>

#include "probe/helpers.h"

#define IP_OFF ETH_LEN
#define ICMP_OFF (ETH_LEN + IP4_LEN)
#define ICMP_OFF6 (ETH_LEN + IP6_LEN)
#define ICMP_LEN 8
#define TIME_LEN 16
#define ICMP6_ECHO_REQUEST_ 128
#define ICMP6_ECHO_REPLY_ 129

static int make_template(const struct probe_params *pp, uint32_t saddr4,
                         const struct ipaddr *saddr6, uint8_t *frame, size_t payload,
                         struct zerr *e)
{
	uint8_t zeros[TIME_LEN] = {0};
	libnet_t *l = probe_libnet_init(e);
	if (!l)
		return -1;
	bool built =
	    saddr6 ? libnet_build_icmpv6_echo(ICMP6_ECHO_REQUEST_, 0, 0, 0, 0,
	                                      payload ? zeros : NULL, (uint32_t)payload, l, 0) != -1
	           : libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, 0, 0, payload ? zeros : NULL,
	                                      (uint32_t)payload, l, 0) != -1;
	return probe_libnet_frame(l, built, pp, saddr4, saddr6,
	                          saddr6 ? IPPROTO_ICMPV6_ : IPPROTO_ICMP, ICMP_LEN + payload,
	                          frame, e);
}

static int echo_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
                         struct zerr *e)
{
	return make_template(pp, saddr, NULL, frame, 0, e);
}

static int time_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
                         struct zerr *e)
{
	return make_template(pp, saddr, NULL, frame, TIME_LEN, e);
}

static int echo_template6(const struct probe_params *pp, const struct ipaddr *saddr, uint8_t *frame,
                          struct zerr *e)
{
	return make_template(pp, 0, saddr, frame, 0, e);
}

static int time_template6(const struct probe_params *pp, const struct ipaddr *saddr, uint8_t *frame,
                          struct zerr *e)
{
	return make_template(pp, 0, saddr, frame, TIME_LEN, e);
}

/* Identifier and sequence number from the MAC, then the ICMP checksum over
 * icmp_len bytes. */
static void fill_echo(const struct probe_params *pp, uint8_t *frame, uint32_t saddr, uint32_t daddr,
                      size_t icmp_len)
{
	uint64_t mac = secret_mac(pp->secret, daddr, 0, saddr);
	uint8_t *icmp = frame + ICMP_OFF;
	probe_ip_fill(frame + IP_OFF, saddr, daddr, (uint16_t)(mac >> 48));
	wr16(icmp + 4, (uint16_t)mac);
	wr16(icmp + 6, (uint16_t)(mac >> 16));
	icmp[2] = icmp[3] = 0;
	wr16(icmp + 2, csum_fold(csum_add(0, icmp, icmp_len)));
}

static size_t echo_fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr,
                        uint32_t daddr, uint16_t dport, unsigned probe_num)
{
	(void)dport;
	(void)probe_num;
	fill_echo(pp, frame, saddr, daddr, ICMP_LEN);
	return ICMP_OFF + ICMP_LEN;
}

/* The send time, the clock pcap stamps answers with, and a last word. */
static void put_time(uint8_t *data, uint32_t last)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	wr32(data, (uint32_t)((uint64_t)now.tv_sec >> 32));
	wr32(data + 4, (uint32_t)now.tv_sec);
	wr32(data + 8, (uint32_t)(now.tv_nsec / 1000));
	wr32(data + 12, last);
}

static size_t time_fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr,
                        uint32_t daddr, uint16_t dport, unsigned probe_num)
{
	(void)dport;
	(void)probe_num;
	put_time(frame + ICMP_OFF + ICMP_LEN, daddr);
	fill_echo(pp, frame, saddr, daddr, ICMP_LEN + TIME_LEN);
	return ICMP_OFF + ICMP_LEN + TIME_LEN;
}

/* ICMPv6: identifier, sequence number (and for icmp_echo_time the last
 * word) from the MAC; the checksum over the pseudo-header and icmp_len. */
static size_t fill6_echo(const struct probe_params *pp, uint8_t *frame, const struct ipaddr *saddr,
                         const struct ipaddr *daddr, size_t payload)
{
	uint64_t mac = secret_mac6(pp->secret, *daddr, 0, *saddr);
	uint8_t *ip6 = frame + IP_OFF, *icmp = frame + ICMP_OFF6;
	size_t icmp_len = ICMP_LEN + payload;
	probe_ip6_fill(ip6, saddr, daddr, (uint32_t)(mac >> 44) & 0xfffff, (uint16_t)icmp_len);
	wr16(icmp + 4, (uint16_t)mac);
	wr16(icmp + 6, (uint16_t)(mac >> 16));
	if (payload)
		put_time(icmp + ICMP_LEN, (uint32_t)(mac >> 32));
	icmp[2] = icmp[3] = 0;
	uint32_t sum = probe_pseudo6(ip6, (uint32_t)icmp_len, IPPROTO_ICMPV6_);
	wr16(icmp + 2, csum_fold(csum_add(sum, icmp, icmp_len)));
	return ICMP_OFF6 + icmp_len;
}

static size_t echo_fill6(const struct probe_params *pp, uint8_t *frame, const struct ipaddr *saddr,
                         const struct ipaddr *daddr, uint16_t dport, unsigned probe_num)
{
	(void)dport;
	(void)probe_num;
	return fill6_echo(pp, frame, saddr, daddr, 0);
}

static size_t time_fill6(const struct probe_params *pp, uint8_t *frame, const struct ipaddr *saddr,
                         const struct ipaddr *daddr, uint16_t dport, unsigned probe_num)
{
	(void)dport;
	(void)probe_num;
	return fill6_echo(pp, frame, saddr, daddr, TIME_LEN);
}

/* An echo reply, or an ICMP error quoting an echo request: fills r and
 * returns the echoed ICMP header (reply) or NULL (error, or not ours). */
static enum probe_verdict validate_echo(const struct probe_params *pp, const uint8_t *ip,
                                        size_t len, struct probe_result *r, const uint8_t **reply,
                                        size_t *reply_len, uint64_t *macp)
{
	struct probe_ip p;
	*reply = NULL;
	if (!probe_ip_parse(ip, len, &p) || !probe_is_icmp(&p) || p.l4_len < 8)
		return PROBE_NOT_OURS;
	const uint8_t *icmp = p.l4;
	if (icmp[0] == (p.v6 ? ICMP6_ECHO_REPLY_ : ICMP_ECHOREPLY)) {
		probe_ip_result(&p, r);
		r->icmp_type = icmp[0];
		r->icmp_code = icmp[1];
		r->echo_id = rd16(icmp + 4);
		r->echo_seq = rd16(icmp + 6);
		r->classification = "echoreply";
		r->success = true;
		*reply = icmp;
		*reply_len = p.l4_len;
	} else {
		struct probe_ip q;
		if (!probe_icmp_quote(&p, p.proto, &q, r) ||
		    q.l4[0] != (p.v6 ? ICMP6_ECHO_REQUEST_ : ICMP_ECHO))
			return PROBE_NOT_OURS;
		r->echo_id = rd16(q.l4 + 4);
		r->echo_seq = rd16(q.l4 + 6);
	}
	uint64_t mac = *macp = probe_mac(pp, r->saddr, 0, r->daddr);
	if (r->echo_id != (uint16_t)mac || r->echo_seq != (uint16_t)(mac >> 16))
		return PROBE_BAD_MAC;
	return PROBE_VALID;
}

static enum probe_verdict echo_validate(const struct probe_params *pp, const uint8_t *ip,
                                        size_t len, struct probe_result *r)
{
	const uint8_t *reply;
	size_t reply_len;
	uint64_t mac;
	return validate_echo(pp, ip, len, r, &reply, &reply_len, &mac);
}

static enum probe_verdict time_validate(const struct probe_params *pp, const uint8_t *ip,
                                        size_t len, struct probe_result *r)
{
	const uint8_t *reply;
	size_t reply_len = 0;
	uint64_t mac = 0;
	enum probe_verdict v = validate_echo(pp, ip, len, r, &reply, &reply_len, &mac);
	if (v != PROBE_VALID || !reply)
		return v; /* errors quote only 8 bytes: no time */
	if (reply_len < ICMP_LEN + TIME_LEN)
		return PROBE_NOT_OURS; /* an answer to icmp_echo */
	const uint8_t *data = reply + ICMP_LEN;
	uint32_t last = ipaddr_is_v4(r->saddr) ? ipaddr_v4(r->saddr) : (uint32_t)(mac >> 32);
	if (rd32(data + 12) != last)
		return PROBE_BAD_MAC;
	r->sent_sec = (uint64_t)rd32(data) << 32 | rd32(data + 4);
	r->sent_usec = rd32(data + 8);
	if (r->sent_usec >= 1000000)
		return PROBE_BAD_MAC;
	return PROBE_VALID;
}

#define ECHO_FIELDS "saddr,daddr,type,code,icmp_id,seq,ttl,ipid,classification,success"
#define STAMP_FIELDS "repeat,cooldown,timestamp_ts,timestamp_us"
#define ECHO_FIELD_SET                                                                             \
	(FIELD_BIT(F_TYPE) | FIELD_BIT(F_CODE) | FIELD_BIT(F_ICMP_ID) | FIELD_BIT(F_SEQ) |         \
	 ICMP_ERROR_FIELDS)
#define ECHO_BPF                                                                                   \
	"icmp and (icmp[0] == 0 or icmp[0] == 3 or icmp[0] == 4 or icmp[0] == 5 or icmp[0] == 11)"
#define ECHO_BPF6 "icmp6 and (ip6[40] == 129 or ip6[40] < 128)"

/* The identifier and sequence number: 32 bits. */
static double echo_answer_bits(const struct probe_params *pp)
{
	(void)pp;
	return 32;
}

const struct probe_module probe_icmp_echo = {
    .name = "icmp_echo",
    .description = "ICMP echo request; an echo reply is success, ICMP errors are not",
    .needs_port = false,
    .frame_len = ICMP_OFF + ICMP_LEN,
    .frame_len6 = ICMP_OFF6 + ICMP_LEN,
    .fields = ECHO_FIELD_SET,
    .default_fields = ECHO_FIELDS "," STAMP_FIELDS,
    .bpf = ECHO_BPF,
    .bpf6 = ECHO_BPF6,
    .make_template = echo_template,
    .fill = echo_fill,
    .make_template6 = echo_template6,
    .fill6 = echo_fill6,
    .validate = echo_validate,
    .answer_bits = echo_answer_bits,
};

const struct probe_module probe_icmp_echo_time = {
    .name = "icmp_echo_time",
    .description = "ICMP echo request carrying its send time; adds the round-trip time",
    .needs_port = false,
    .frame_len = ICMP_OFF + ICMP_LEN + TIME_LEN,
    .frame_len6 = ICMP_OFF6 + ICMP_LEN + TIME_LEN,
    .fields = ECHO_FIELD_SET | FIELD_BIT(F_SENT_TS) | FIELD_BIT(F_SENT_US) | FIELD_BIT(F_RTT_US),
    .default_fields = ECHO_FIELDS ",sent_timestamp_ts,sent_timestamp_us,rtt_us," STAMP_FIELDS,
    .bpf = ECHO_BPF,
    .bpf6 = ECHO_BPF6,
    .make_template = time_template,
    .fill = time_fill,
    .make_template6 = time_template6,
    .fill6 = time_fill6,
    .validate = time_validate,
    .answer_bits = echo_answer_bits,
};
