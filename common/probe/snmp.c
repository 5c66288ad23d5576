/* probe_snmp: an SNMP GetRequest (UDP, port 161) for the system group's
 * scalars: sysDescr, sysObjectID, sysUpTime, sysContact, sysName and
 * sysLocation (probe/answer/snmp.h). --probe-args: v1 or v2c, then
 * :COMMUNITY (default v2c:public); zrecv needs none of it.
 *
 * The request-id carries the MAC: 30 bits of it under the top bits 01,
 * a positive INTEGER of 4 bytes however minimally an agent encodes it.
 * An agent repeats the value, not always its bytes, and the community
 * before it is of any length and any agent's length encoding: so an
 * answer's request-id is found by reading the message's BER, not at a
 * fixed offset, and compared by value. With the source port's bits (-s),
 * an answer is checked against 30 bits more than a bare UDP probe's; an
 * ICMP error is checked as the UDP probe's are (ports and the IP id). */
#include <string.h>

#include "probe/answer/snmp.h"
#include "probe/helpers.h"
#include "probe/udp.h"

static int snmp_setup(struct probe_params *pp, const char *args, struct zerr *e)
{
	int version = SNMP_V2C;
	const char *community = "public";
	if (args) {
		const char *colon = strchr(args, ':');
		size_t vlen = colon ? (size_t)(colon - args) : strlen(args);
		if (vlen == 2 && memcmp(args, "v1", 2) == 0)
			version = SNMP_V1;
		else if (vlen != 3 || memcmp(args, "v2c", 3) != 0)
			return zerr_set(e, "--probe-args: module snmp takes v1 or v2c, then "
			                   ":COMMUNITY (default v2c:public)");
		if (colon)
			community = colon + 1;
	}
	size_t clen = strlen(community);
	if (clen == 0 || clen > SNMP_COMMUNITY_MAX)
		return zerr_set(e, "--probe-args: an SNMP community of 1 to %d bytes",
		                SNMP_COMMUNITY_MAX);
	uint8_t q[SNMP_REQUEST_MAX];
	size_t len = snmp_request(version, community, clen, q, sizeof q);
	const uint8_t *payloads[] = {q};
	return udp_app_setup(pp, payloads, &len, 1, NULL, e);
}

/* The request-id of a probe to target:port from source. */
static int64_t request_id(const struct probe_params *pp, struct ipaddr target, uint16_t port,
                          struct ipaddr source)
{
	uint8_t m[SNMP_REQUEST_ID_LEN];
	udp_echo_value(pp, target, port, source, m, sizeof m);
	return (int64_t)((uint32_t)(0x40 | (m[0] & 0x3f)) << 24 | (uint32_t)m[1] << 16 |
	                 (uint32_t)m[2] << 8 | m[3]);
}

/* The request-id placed into the filled datagram at udp. */
static void place_id(const struct probe_params *pp, uint8_t *udp, struct ipaddr saddr,
                     struct ipaddr daddr, uint16_t dport)
{
	int64_t id;
	size_t off, len;
	if (!snmp_request_id(udp + 8, rd16(udp + 4) - 8u, &id, &off, &len) ||
	    len != SNMP_REQUEST_ID_LEN)
		return; /* not a request of snmp_request's */
	uint8_t b[SNMP_REQUEST_ID_LEN];
	wr32(b, (uint32_t)request_id(pp, daddr, dport, saddr));
	udp_patch(udp, 8 + off, b, sizeof b);
}

static size_t snmp_fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr,
                        uint32_t daddr, uint16_t dport, unsigned probe_num)
{
	size_t len = udp_fill(pp, frame, saddr, daddr, dport, probe_num);
	place_id(pp, frame + ETH_LEN + IP4_LEN, ipaddr_from_v4(saddr), ipaddr_from_v4(daddr),
	         dport);
	return len;
}

static size_t snmp_fill6(const struct probe_params *pp, uint8_t *frame, const struct ipaddr *saddr,
                         const struct ipaddr *daddr, uint16_t dport, unsigned probe_num)
{
	size_t len = udp_fill6(pp, frame, saddr, daddr, dport, probe_num);
	place_id(pp, frame + ETH_LEN + IP6_LEN, *saddr, *daddr, dport);
	return len;
}

static enum probe_verdict snmp_validate(const struct probe_params *pp, const uint8_t *ip,
                                        size_t len, struct probe_result *r)
{
	enum probe_verdict v = udp_validate(pp, ip, len, r);
	size_t n;
	const uint8_t *p = udp_answer(r, &n);
	if (v != PROBE_VALID || !p)
		return v; /* an ICMP error: checked there */
	int64_t id;
	size_t off, idlen;
	if (!snmp_request_id(p, n, &id, &off, &idlen) ||
	    id != request_id(pp, r->saddr, r->sport, r->daddr))
		return PROBE_BAD_MAC;
	return PROBE_VALID;
}

static double snmp_answer_bits(const struct probe_params *pp)
{
	return udp_answer_bits(pp) + 30;
}

static void snmp_decode_answer(const struct probe_params *pp, const struct probe_result *r,
                               struct fieldw *w)
{
	(void)pp;
	size_t n;
	const uint8_t *p = udp_answer(r, &n);
	if (p)
		snmp_decode(p, n, w);
}

/* UDP_APP_MODULE's entries, but for sending and validation, which place
 * and check the request-id around udp's */
const struct probe_module probe_snmp = {
    .name = "snmp",
    .description = "SNMP GetRequest of the system group (UDP, usually port 161; --probe-args "
                   "v1|v2c[:COMMUNITY], default v2c:public); sysDescr, sysObjectID, sysName "
                   "and every varbind decoded",
    .args_example = "v2c:public",
    UDP_APP_BASE,
    .setup = snmp_setup,
    .answer_bits = snmp_answer_bits,
    .fill = snmp_fill,
    .fill6 = snmp_fill6,
    .validate = snmp_validate,
    .default_fields = "saddr,daddr,sport,dport,ttl,classification,success,app_success,"
                      "snmp_version,snmp_community,snmp_pdu_type,snmp_error_status,"
                      "snmp_sysdescr,snmp_sysobjectid,snmp_sysuptime,snmp_sysname,"
                      "snmp_parse_error,icmp_responder,icmp_type,icmp_code,repeat,cooldown,"
                      "timestamp_str",
    .app_fields = snmp_fields,
    .n_app_fields = SNMP_NFIELDS,
    .decode = snmp_decode_answer,
};
