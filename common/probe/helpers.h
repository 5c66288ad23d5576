/* helpers: what the probe modules share (not for tools). */
#ifndef ZSCAN_PROBE_HELPERS_H
#define ZSCAN_PROBE_HELPERS_H

#include <libnet.h>

#include "net/checksum.h"
#include "net/packet.h"
#include "probe/probe.h"

#define ETH_LEN 14

/* The fields an ICMP error quoting a probe fills (see probe_icmp_quote). */
#define ICMP_ERROR_FIELDS                                                                          \
	(FIELD_BIT(F_ICMP_RESPONDER) | FIELD_BIT(F_ICMP_TYPE) | FIELD_BIT(F_ICMP_CODE))

/* For an ICMP error (unreachable, source quench, redirect, time exceeded)
 * quoting an IPv4 header of protocol proto and at least 8 bytes of what
 * followed it: fills the ICMP fields of r, sets *l4 to those 8 bytes (the
 * quoted transport header) and returns the quoted IPv4 header; NULL for
 * anything else. For TCP and UDP, r->sport and r->dport are the quoted
 * destination (target) and source ports. */
const uint8_t *probe_icmp_quote(const uint8_t *ip, size_t len, uint8_t proto, const uint8_t **l4,
                                struct probe_result *r);

/* A libnet context that only builds frames (no interface), or NULL. */
libnet_t *probe_libnet_init(struct zerr *e);

/* Completes a template: built says whether the transport header (l4len
 * bytes with its payload) went onto l. Adds the IPv4 and Ethernet headers,
 * assembles the frame into frame (libnet fills the checksums), checks its
 * length, and destroys l whatever happened. */
int probe_libnet_frame(libnet_t *l, bool built, const struct probe_params *pp, uint32_t saddr,
                       uint8_t proto, size_t l4len, uint8_t *frame, struct zerr *e);

/* Writes addresses and id into a 20-byte IPv4 header and its checksum. */
void probe_ip_fill(uint8_t *ip, uint32_t saddr, uint32_t daddr, uint16_t id);

#endif
