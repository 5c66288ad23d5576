/* probe_ntp: an NTP client request (mode 3, version 4) to UDP port 123.
 * Its transmit time is eight bytes of the target's MAC, which a server
 * copies into its answer's origin time (RFC 5905): with the source port's
 * bits, an answer is checked against 64 bits more than a bare UDP probe's.
 * The answer's header is decoded into fields (probe/answer/ntp.h). */
#include <string.h>

#include "probe/answer/ntp.h"
#include "probe/helpers.h"
#include "probe/udp.h"

#define NTP_LEN 48

static int ntp_setup(struct probe_params *pp, const char *args, struct zerr *e)
{
	if (args)
		return zerr_set(e, "--probe-args: module ntp takes no arguments");
	uint8_t q[NTP_LEN] = {0};
	q[0] = 0 << 6 | 4 << 3 | 3; /* no leap warning, version 4, client */
	const uint8_t *payloads[] = {q};
	size_t lens[] = {NTP_LEN};
	return udp_app_setup(pp, payloads, lens, 1, &(struct udp_echo_rule){40, 8, 24}, e);
}

static void ntp_decode_answer(const struct probe_params *pp, const struct probe_result *r,
                              struct fieldw *w)
{
	(void)pp;
	size_t n;
	const uint8_t *p = udp_answer(r, &n);
	if (p)
		ntp_decode(p, n, w);
}

const struct probe_module probe_ntp = {
    .name = "ntp",
    .description = "NTP client request (UDP, usually port 123); the server's answer "
                   "decoded: stratum, reference, times",
    UDP_APP_MODULE,
    .setup = ntp_setup,
    .default_fields = "saddr,daddr,sport,dport,ttl,classification,success,app_success,"
                      "ntp_version,ntp_mode,ntp_stratum,ntp_reference_id,ntp_transmit_time,"
                      "ntp_parse_error,icmp_responder,icmp_type,icmp_code,repeat,cooldown,"
                      "timestamp_str",
    .app_fields = ntp_fields,
    .n_app_fields = NTP_NFIELDS,
    .decode = ntp_decode_answer,
};
