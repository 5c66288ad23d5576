/* netbios: a NetBIOS node status answer (RFC 1002 4.2.18) read from a
 * datagram, bounded, its fields for the netbios module's output, and the
 * node status request (4.2.17) the module sends.
 *
 * The request asks for the names of the node under the wildcard name "*"
 * (NBSTAT, class IN), its transaction id at 0 (the module writes it per
 * probe). The answer's header, a question section if there is one (it is
 * passed over), then the first resource record, which must be an NBSTAT
 * one: its name table (up to 255 entries of a 15-byte name, a suffix
 * byte and 16 bits of flags) and the statistics after it, of which the
 * unit id (the adapter's MAC, 6 bytes) is shown. Names lose their
 * padding (trailing spaces and NULs); other bytes are kept and escaped by
 * the writer. netbios_name is the first unique name of suffix 0x00 (the
 * workstation service), netbios_workgroup the first group name of suffix
 * 0x00 (the domain or workgroup). app_success is 1 for a response with
 * rcode 0 whose name table came whole. */
#ifndef ZSCAN_PROBE_ANSWER_NETBIOS_H
#define ZSCAN_PROBE_ANSWER_NETBIOS_H

#include <stddef.h>
#include <stdint.h>

#include "probe/fieldw.h"

#define NETBIOS_REQUEST_LEN 50

/* The fields, as a constant a module's table entry can hold. */
#define NETBIOS_NFIELDS 8
extern const struct app_field netbios_fields[NETBIOS_NFIELDS];
extern const int netbios_nfields;

/* The node status request for "*" into out[NETBIOS_REQUEST_LEN],
 * transaction id 0; returns its length. */
size_t netbios_request(uint8_t *out);

/* Decodes the UDP payload p[0..n) into w (reset for netbios_fields). */
void netbios_decode(const uint8_t *p, size_t n, struct fieldw *w);

#endif
