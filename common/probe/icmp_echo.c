/* probe_icmp_echo: ICMP echo requests. The MAC of (target, 0, source) gives
 * the identifier (16 bits) and sequence number (16 bits) the reply echoes.
 *   icmp_echo       no payload;
 *   icmp_echo_time  a 16-byte payload the reply echoes too: the send time
 *                   (seconds, 8 bytes; microseconds, 4) and the target's
 *                   address, so zrecv gets the round-trip time statelessly. */
#include <libnet.h>
#include <time.h>

#include "probe/helpers.h"

#define IP_OFF ETH_LEN
#define ICMP_OFF (ETH_LEN + 20)
#define ICMP_LEN 8
#define TIME_LEN 16

static int make_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
                         size_t payload, struct zerr *e)
{
	uint8_t zeros[TIME_LEN] = {0};
	libnet_t *l = probe_libnet_init(e);
	if (!l)
		return -1;
	bool built = libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, 0, 0, payload ? zeros : NULL,
	                                      (uint32_t)payload, l, 0) != -1;
	return probe_libnet_frame(l, built, pp, saddr, IPPROTO_ICMP, ICMP_LEN + payload, frame, e);
}

static int echo_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
                         struct zerr *e)
{
	return make_template(pp, saddr, frame, 0, e);
}

static int time_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame,
                         struct zerr *e)
{
	return make_template(pp, saddr, frame, TIME_LEN, e);
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

static size_t time_fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr,
                        uint32_t daddr, uint16_t dport, unsigned probe_num)
{
	(void)dport;
	(void)probe_num;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now); /* the clock pcap stamps answers with */
	uint8_t *data = frame + ICMP_OFF + ICMP_LEN;
	wr32(data, (uint32_t)((uint64_t)now.tv_sec >> 32));
	wr32(data + 4, (uint32_t)now.tv_sec);
	wr32(data + 8, (uint32_t)(now.tv_nsec / 1000));
	wr32(data + 12, daddr);
	fill_echo(pp, frame, saddr, daddr, ICMP_LEN + TIME_LEN);
	return ICMP_OFF + ICMP_LEN + TIME_LEN;
}

/* An echo reply, or an ICMP error quoting an echo request: fills r and
 * returns the echoed ICMP header (reply) or NULL (error, or not ours). */
static enum probe_verdict validate_echo(const struct probe_params *pp, const uint8_t *ip,
                                        size_t len, struct probe_result *r, const uint8_t **reply,
                                        size_t *reply_len)
{
	size_t pl, ihl = ipv4_header(ip, len, &pl);
	*reply = NULL;
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
		*reply = icmp;
		*reply_len = pl;
	} else {
		const uint8_t *q;
		if (!probe_icmp_quote(ip, len, IPPROTO_ICMP_, &q, r) || q[0] != ICMP_ECHO)
			return PROBE_NOT_OURS;
		r->echo_id = rd16(q + 4);
		r->echo_seq = rd16(q + 6);
	}
	uint64_t mac = secret_mac(pp->secret, r->saddr, 0, r->daddr);
	if (r->echo_id != (uint16_t)mac || r->echo_seq != (uint16_t)(mac >> 16))
		return PROBE_BAD_MAC;
	return PROBE_VALID;
}

static enum probe_verdict echo_validate(const struct probe_params *pp, const uint8_t *ip,
                                        size_t len, struct probe_result *r)
{
	const uint8_t *reply;
	size_t reply_len;
	return validate_echo(pp, ip, len, r, &reply, &reply_len);
}

static enum probe_verdict time_validate(const struct probe_params *pp, const uint8_t *ip,
                                        size_t len, struct probe_result *r)
{
	const uint8_t *reply;
	size_t reply_len = 0;
	enum probe_verdict v = validate_echo(pp, ip, len, r, &reply, &reply_len);
	if (v != PROBE_VALID || !reply)
		return v; /* errors quote only 8 bytes: no time */
	if (reply_len < ICMP_LEN + TIME_LEN)
		return PROBE_NOT_OURS; /* an answer to icmp_echo */
	const uint8_t *data = reply + ICMP_LEN;
	if (rd32(data + 12) != r->saddr)
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
    .fields = ECHO_FIELD_SET,
    .default_fields = ECHO_FIELDS "," STAMP_FIELDS,
    .bpf = ECHO_BPF,
    .make_template = echo_template,
    .fill = echo_fill,
    .validate = echo_validate,
    .answer_bits = echo_answer_bits,
};

const struct probe_module probe_icmp_echo_time = {
    .name = "icmp_echo_time",
    .description = "ICMP echo request carrying its send time; adds the round-trip time",
    .needs_port = false,
    .frame_len = ICMP_OFF + ICMP_LEN + TIME_LEN,
    .fields = ECHO_FIELD_SET | FIELD_BIT(F_SENT_TS) | FIELD_BIT(F_SENT_US) | FIELD_BIT(F_RTT_US),
    .default_fields = ECHO_FIELDS ",sent_timestamp_ts,sent_timestamp_us,rtt_us," STAMP_FIELDS,
    .bpf = ECHO_BPF,
    .make_template = time_template,
    .fill = time_fill,
    .validate = time_validate,
    .answer_bits = echo_answer_bits,
};
