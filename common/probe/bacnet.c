/* probe_bacnet: a BACnet/IP ReadProperty (UDP, port 47808) of the Device
 * object of instance 4194303, which a device reads as its own
 * (probe/answer/bacnet.h). --probe-args names the properties, comma-
 * separated (default object-identifier, which every device answers, with
 * its instance number); each is a request of its own, spread across the
 * targets and across each target's -P probes: -P as many as properties
 * asks each target for all of them.
 *
 * The invoke id carries 8 bits of the target's MAC. An answer repeats it
 * after BVLC and NPDU headers whose length varies (a Forwarded-NPDU, a
 * router's source address), so it is found by reading them, not at a
 * fixed offset: with the source port's bits (-s), an answer is checked
 * against 8 bits more than a bare UDP probe's. */
#include <string.h>

#include "probe/answer/bacnet.h"
#include "probe/helpers.h"
#include "probe/udp.h"

#define BACNET_PROPERTIES 16

static int bacnet_setup(struct probe_params *pp, const char *args, struct zerr *e)
{
	uint8_t q[BACNET_PROPERTIES][BACNET_REQUEST_MAX];
	const uint8_t *payloads[BACNET_PROPERTIES];
	size_t lens[BACNET_PROPERTIES], n = 0;
	const char *s = args ? args : "object-identifier";
	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		long prop = bacnet_property_parse(s, len);
		if (prop < 0)
			return zerr_set(
			    e,
			    "--probe-args: '%.*s' is no BACnet property: give names "
			    "(object-identifier, object-name, vendor-name, model-name, ...) "
			    "or numbers up to %d, comma-separated",
			    (int)(len < 40 ? len : 40), s, BACNET_PROPERTY_MAX);
		if (n == BACNET_PROPERTIES)
			return zerr_set(e, "--probe-args: more than %d BACnet properties",
			                BACNET_PROPERTIES);
		lens[n] = bacnet_request((uint32_t)prop, q[n]);
		payloads[n] = q[n];
		n++;
		if (!comma)
			break;
		s = comma + 1;
	}
	return udp_app_setup(pp, payloads, lens, n, NULL, e);
}

/* The invoke id of a probe to target:port from source. */
static uint8_t invoke_id(const struct probe_params *pp, struct ipaddr target, uint16_t port,
                         struct ipaddr source)
{
	uint8_t m;
	udp_echo_value(pp, target, port, source, &m, 1);
	return m;
}

static size_t bacnet_fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr,
                          uint32_t daddr, uint16_t dport, unsigned probe_num)
{
	size_t len = udp_fill(pp, frame, saddr, daddr, dport, probe_num);
	uint8_t id = invoke_id(pp, ipaddr_from_v4(daddr), dport, ipaddr_from_v4(saddr));
	udp_patch(frame + ETH_LEN + IP4_LEN, 8 + BACNET_INVOKE_OFF, &id, 1);
	return len;
}

static size_t bacnet_fill6(const struct probe_params *pp, uint8_t *frame,
                           const struct ipaddr *saddr, const struct ipaddr *daddr, uint16_t dport,
                           unsigned probe_num)
{
	size_t len = udp_fill6(pp, frame, saddr, daddr, dport, probe_num);
	uint8_t id = invoke_id(pp, *daddr, dport, *saddr);
	udp_patch(frame + ETH_LEN + IP6_LEN, 8 + BACNET_INVOKE_OFF, &id, 1);
	return len;
}

static enum probe_verdict bacnet_validate(const struct probe_params *pp, const uint8_t *ip,
                                          size_t len, struct probe_result *r)
{
	enum probe_verdict v = udp_validate(pp, ip, len, r);
	size_t n;
	const uint8_t *p = udp_answer(r, &n);
	if (v != PROBE_VALID || !p)
		return v; /* an ICMP error: checked there */
	long at = bacnet_invoke_id_at(p, n);
	if (at < 0 || p[at] != invoke_id(pp, r->saddr, r->sport, r->daddr))
		return PROBE_BAD_MAC;
	return PROBE_VALID;
}

static double bacnet_answer_bits(const struct probe_params *pp)
{
	return udp_answer_bits(pp) + 8;
}

static void bacnet_decode_answer(const struct probe_params *pp, const struct probe_result *r,
                                 struct fieldw *w)
{
	(void)pp;
	size_t n;
	const uint8_t *p = udp_answer(r, &n);
	if (p)
		bacnet_decode(p, n, w);
}

/* UDP_APP_MODULE's entries, but for sending and validation, which place
 * and check the invoke id around udp's */
const struct probe_module probe_bacnet = {
    .name = "bacnet",
    .description = "BACnet/IP ReadProperty of the device (UDP, usually port 47808; "
                   "--probe-args PROPERTY[,PROPERTY...], default object-identifier); the value, "
                   "the device's instance, names and error decoded",
    .args_example = "object-identifier,object-name,vendor-name,model-name",
    UDP_APP_BASE,
    .setup = bacnet_setup,
    .answer_bits = bacnet_answer_bits,
    .fill = bacnet_fill,
    .fill6 = bacnet_fill6,
    .validate = bacnet_validate,
    .default_fields = "saddr,daddr,sport,dport,ttl,classification,success,app_success,"
                      "bacnet_pdu_type,bacnet_property,bacnet_value,bacnet_instance,"
                      "bacnet_vendor_id,bacnet_vendor_name,bacnet_model_name,bacnet_object_name,"
                      "bacnet_error_class,bacnet_error_code,bacnet_reason,bacnet_parse_error,"
                      "icmp_responder,icmp_type,icmp_code,repeat,cooldown,timestamp_str",
    .app_fields = bacnet_fields,
    .n_app_fields = BACNET_NFIELDS,
    .decode = bacnet_decode_answer,
};
