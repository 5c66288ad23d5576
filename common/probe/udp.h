/* udp: the UDP probe's machinery, for the modules built on it (dns, ntp,
 * upnp, ...): each is a file that makes its payloads and decodes its
 * answers, and takes sending and validation from here. A module's
 * payloads are written per probe, one of them picked by the target's MAC
 * and the probe's number, so that several (DNS questions) spread across
 * the targets and across the -P probes of one target. An answer must come
 * from the target port to the probe's source port and, when the module
 * names an echo rule, repeat the payload's MAC bytes (a DNS transaction
 * id, an NTP transmit time) where the rule says. */
#ifndef ZSCAN_PROBE_UDP_H
#define ZSCAN_PROBE_UDP_H

#include "net/packet.h"
#include "probe/probe.h"

/* LEN bytes (1-8) at OFF of each payload carry MAC bits; an answer echoes
 * them at AT. */
struct udp_echo_rule {
	size_t off, len, at;
};

/* Sets pp up with n payloads (copied; at most PROBE_MAX_PAYLOAD bytes
 * each) and an echo rule (NULL: none). zrecv's side may give n = 0: it
 * validates with the rule alone. */
int udp_app_setup(struct probe_params *pp, const uint8_t *const *payloads, const size_t *lens,
                  size_t n, const struct udp_echo_rule *echo, struct zerr *e);

void udp_teardown(struct probe_params *pp);
int udp_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame, struct zerr *e);
int udp_template6(const struct probe_params *pp, const struct ipaddr *saddr, uint8_t *frame,
                  struct zerr *e);
size_t udp_fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr, uint32_t daddr,
                uint16_t dport, unsigned probe_num);
size_t udp_fill6(const struct probe_params *pp, uint8_t *frame, const struct ipaddr *saddr,
                 const struct ipaddr *daddr, uint16_t dport, unsigned probe_num);
enum probe_verdict udp_validate(const struct probe_params *pp, const uint8_t *ip, size_t len,
                                struct probe_result *r);
double udp_answer_bits(const struct probe_params *pp);

/* The len bytes (1-8) of MAC an echo rule places in a probe to
 * daddr:dport from saddr, for a module that places them itself and finds
 * them in its answers where they are (an SNMP request-id after a
 * community of any length): they say nothing about the source port. */
void udp_echo_value(const struct probe_params *pp, struct ipaddr daddr, uint16_t dport,
                    struct ipaddr saddr, uint8_t *out, size_t len);

/* The payload of a direct answer for a module's decoder, or NULL for an
 * ICMP error (which carries none of the protocol's answer). */
static inline const uint8_t *udp_answer(const struct probe_result *r, size_t *n)
{
	*n = r->data_len;
	return r->icmp_responder.hi || r->icmp_responder.lo ? NULL : r->data;
}

/* Writes n bytes b at offset `at` of the filled datagram at udp (after
 * its header: at >= 8) and mends its checksum by the words they change
 * (RFC 1624), for a module that places MAC bits where no echo rule can
 * say (an SNMP request-id inside BER). */
void udp_patch(uint8_t *udp, size_t at, const uint8_t *b, size_t n);

/* What every module built on UDP shares in its probe_module: the frame,
 * the schema's UDP fields, capture filters and templates (UDP_APP_BASE),
 * and sending and validation from here (UDP_APP_MODULE: a module that
 * places or checks more of the MAC itself takes the base alone, with its
 * own fill, fill6, validate and answer_bits). The module adds its name,
 * help, setup, fields and decoder. */
#define UDP_APP_FRAME (ETH_LEN + IP4_LEN + 8)
#define UDP_APP_FRAME6 (ETH_LEN + IP6_LEN + 8)
#define UDP_APP_BASE                                                                               \
	.needs_port = true, .frame_len = UDP_APP_FRAME, .frame_len6 = UDP_APP_FRAME6,              \
	.fields = FIELD_BIT(F_SPORT) | FIELD_BIT(F_DPORT) | FIELD_BIT(F_UDP_PKT_SIZE) |            \
	          FIELD_BIT(F_DATA) | ICMP_ERROR_FIELDS,                                           \
	.bpf = "udp or (icmp and (icmp[0] == 3 or icmp[0] == 4 or icmp[0] == 5 or icmp[0] == "     \
	       "11))",                                                                             \
	.bpf6 = "(ip6 and udp) or " BPF6_ICMP_ERRORS, .teardown = udp_teardown,                    \
	.make_template = udp_template, .make_template6 = udp_template6
#define UDP_APP_MODULE                                                                             \
	UDP_APP_BASE, .answer_bits = udp_answer_bits, .fill = udp_fill, .fill6 = udp_fill6,        \
	              .validate = udp_validate

#endif
