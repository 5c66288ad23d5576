/* probe_util: helpers the probe modules share (not for tools). */
#ifndef ZSCAN_PROBE_UTIL_H
#define ZSCAN_PROBE_UTIL_H

#include <libnet.h>

#include "checksum.h"
#include "packet.h"
#include "probe.h"

#define ETH_LEN 14

/* For an ICMP error (unreachable, source quench, redirect, time exceeded)
 * quoting an IPv4 header and 8 bytes: fills the ICMP fields of r and returns
 * the quoted header (*inner_len bytes), or NULL for anything else. */
const uint8_t *probe_icmp_error(const uint8_t *ip, size_t len, size_t *inner_len,
                                struct probe_result *r);

/* Assembles what was built on l (libnet fills the checksums), checks it is
 * len bytes, copies it to frame, and destroys l. */
int probe_libnet_finish(libnet_t *l, uint8_t *frame, uint32_t len, struct zerr *e);

/* Writes addresses and id into a 20-byte IPv4 header and its checksum. */
void probe_ip_fill(uint8_t *ip, uint32_t saddr, uint32_t daddr, uint16_t id);

#endif
