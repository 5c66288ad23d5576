/* ssdp: the fields of an SSDP answer (UPnP Device Architecture 1.1, 1.3.3)
 * to an M-SEARCH sent to UDP port 1900: an HTTP/1.1 status line and
 * headers, one datagram.
 *
 * app_success is 1 when the status line says 200. Header names match in
 * any case; values have the spaces and tabs around them dropped, and the
 * first of a name counts. Lines end in CRLF or a bare LF; the header
 * block ends at an empty line or at the datagram's end. A line that
 * begins with a space or tab (an obsolete continuation) is passed over; a
 * line without a colon, with a bad name, longer than SSDP_LINE_MAX bytes
 * or cut by the datagram's end is a parse error (the first one is told)
 * and skipped. upnp_headers holds the header lines as they came, their
 * line ends too, up to SSDP_HEADERS_MAX bytes. */
#ifndef ZSCAN_PROBE_ANSWER_SSDP_H
#define ZSCAN_PROBE_ANSWER_SSDP_H

#include <stddef.h>
#include <stdint.h>

#include "probe/fieldw.h"

#define SSDP_LINE_MAX 2048
#define SSDP_HEADERS_MAX 4096

/* The fields, as a constant a module's table entry can hold. */
#define SSDP_NFIELDS 12
extern const struct app_field ssdp_fields[SSDP_NFIELDS];
extern const int ssdp_nfields;

/* Decodes the UDP payload p[0..n) into w (reset for ssdp_fields). */
void ssdp_decode(const uint8_t *p, size_t n, struct fieldw *w);

#endif
