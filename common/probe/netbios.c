/* probe_netbios: a NetBIOS node status request (NBSTAT, RFC 1002 4.2.17)
 * for the wildcard name "*" to UDP port 137. Its transaction id carries 16
 * bits of the target's MAC, which the answer repeats at the same place;
 * with the source port's bits (-s), an answer is checked against 16 bits
 * more than a bare UDP probe's. The answer's name table, unit id (MAC
 * address) and the computer's and workgroup's names are decoded into
 * fields (probe/answer/netbios.h). */
#include "probe/answer/netbios.h"
#include "probe/helpers.h"
#include "probe/udp.h"

static int netbios_setup(struct probe_params *pp, const char *args, struct zerr *e)
{
	if (args)
		return zerr_set(e, "--probe-args: module netbios takes no arguments");
	uint8_t q[NETBIOS_REQUEST_LEN];
	size_t len = netbios_request(q);
	const uint8_t *payloads[] = {q};
	return udp_app_setup(pp, payloads, &len, 1, &(struct udp_echo_rule){0, 2, 0}, e);
}

static void netbios_decode_answer(const struct probe_params *pp, const struct probe_result *r,
                                  struct fieldw *w)
{
	(void)pp;
	size_t n;
	const uint8_t *p = udp_answer(r, &n);
	if (p)
		netbios_decode(p, n, w);
}

const struct probe_module probe_netbios = {
    .name = "netbios",
    .description = "NetBIOS node status request (UDP, usually port 137); the name table, the "
                   "computer's and workgroup's names and the MAC address decoded",
    UDP_APP_MODULE,
    .setup = netbios_setup,
    .default_fields = "saddr,daddr,sport,dport,ttl,classification,success,app_success,"
                      "netbios_name,netbios_workgroup,netbios_mac,netbios_names,"
                      "netbios_parse_error,icmp_responder,icmp_type,icmp_code,repeat,cooldown,"
                      "timestamp_str",
    .app_fields = netbios_fields,
    .n_app_fields = NETBIOS_NFIELDS,
    .decode = netbios_decode_answer,
};
