/* ntp: the fields of an NTP answer (RFC 5905's 48-byte packet header), for
 * a module that sends a client request (mode 3) to UDP port 123.
 *
 * app_success is 1 for a whole header from a server (mode 4) of version 1
 * to 4. Root delay and dispersion are in microseconds (truncated);
 * timestamps are UTC text with microseconds (truncated), e.g.
 * 2026-12-06T09:00:00.123456Z, a timestamp of all zero bits ("unknown")
 * left empty. A timestamp names a time from 1968-01-20T03:14:08Z to
 * 2104-02-26T09:42:23Z: with its top bit set it is in era 0 (from 1900),
 * clear in era 1 (from 2036-02-07T06:28:16Z), as RFC 4330 section 3
 * suggests. A reference id at stratum 0 (a kiss code) or 1 (a reference
 * clock) is its 4 ASCII bytes, trailing NULs dropped; above, it reads as
 * an IPv4 address in dotted quad (a hash of the server's upstream for
 * IPv6). An answer in mode 6 or 7 (control and private messages) gives
 * leap, version and mode only and a parse error. */
#ifndef ZSCAN_PROBE_ANSWER_NTP_H
#define ZSCAN_PROBE_ANSWER_NTP_H

#include <stddef.h>
#include <stdint.h>

#include "probe/fieldw.h"

/* The fields, as a constant a module's table entry can hold. */
#define NTP_NFIELDS 15
extern const struct app_field ntp_fields[NTP_NFIELDS];
extern const int ntp_nfields;

/* Decodes the UDP payload p[0..n) into w (reset for ntp_fields). */
void ntp_decode(const uint8_t *p, size_t n, struct fieldw *w);

#endif
