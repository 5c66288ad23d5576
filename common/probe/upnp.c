/* probe_upnp: an SSDP M-SEARCH (UPnP discovery) to UDP port 1900, asking
 * for every device and service (ST: ssdp:all). An answer echoes nothing
 * of the probe, so it is checked by its ports alone (the source port's
 * bits, -s); its status line and headers are decoded into fields
 * (probe/answer/ssdp.h). */
#include <string.h>

#include "probe/answer/ssdp.h"
#include "probe/helpers.h"
#include "probe/udp.h"

static const char msearch[] = "M-SEARCH * HTTP/1.1\r\n"
                              "HOST: 239.255.255.250:1900\r\n"
                              "MAN: \"ssdp:discover\"\r\n"
                              "MX: 1\r\n"
                              "ST: ssdp:all\r\n"
                              "\r\n";

static int upnp_setup(struct probe_params *pp, const char *args, struct zerr *e)
{
	if (args)
		return zerr_set(e, "--probe-args: module upnp takes no arguments");
	const uint8_t *payloads[] = {(const uint8_t *)msearch};
	size_t lens[] = {sizeof msearch - 1};
	return udp_app_setup(pp, payloads, lens, 1, NULL, e);
}

static void upnp_decode_answer(const struct probe_params *pp, const struct probe_result *r,
                               struct fieldw *w)
{
	(void)pp;
	size_t n;
	const uint8_t *p = udp_answer(r, &n);
	if (p)
		ssdp_decode(p, n, w);
}

const struct probe_module probe_upnp = {
    .name = "upnp",
    .description = "SSDP M-SEARCH (UDP, usually port 1900); the answer's status line and "
                   "headers (SERVER, LOCATION, USN, ST) decoded",
    UDP_APP_MODULE,
    .setup = upnp_setup,
    .default_fields = "saddr,daddr,sport,dport,ttl,classification,success,app_success,"
                      "upnp_status_code,upnp_server,upnp_location,upnp_usn,upnp_st,"
                      "upnp_parse_error,icmp_responder,icmp_type,icmp_code,repeat,cooldown,"
                      "timestamp_str",
    .app_fields = ssdp_fields,
    .n_app_fields = SSDP_NFIELDS,
    .decode = upnp_decode_answer,
};
