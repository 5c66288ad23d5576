/* memcached: the fields of a memcached answer over UDP (protocol.txt, "UDP
 * protocol") to "stats\r\n" or "version\r\n": the 8-byte frame header
 * (request id, sequence number, datagrams in all, reserved), then text
 * lines: "STAT name value" ... "END", or "VERSION v", or an error line.
 *
 * One datagram is decoded alone. A response over several datagrams is
 * cut anywhere: a datagram after the first (sequence above 0) that does
 * not begin with a whole line passes over the piece before its first line
 * end, and one that is not the last passes over the piece after its last.
 * app_success is 1 when a STAT or VERSION line came. Lines end in CRLF or
 * a bare LF. memcached_stats lists every STAT line's name and value, the
 * first MEMCACHED_STATS_MAX of them; the named fields take the first line
 * of their name. Lines other than STAT, END, VERSION, ERROR, CLIENT_ERROR
 * and SERVER_ERROR, a STAT line without a name and value, a number that
 * is not one, lines after END, or a line longer than MEMCACHED_LINE_MAX
 * bytes are parse errors (the first is told) and passed over. */
#ifndef ZSCAN_PROBE_ANSWER_MEMCACHED_H
#define ZSCAN_PROBE_ANSWER_MEMCACHED_H

#include <stddef.h>
#include <stdint.h>

#include "probe/fieldw.h"

#define MEMCACHED_FRAME 8
#define MEMCACHED_STATS_MAX 256
#define MEMCACHED_LINE_MAX 1024

/* The fields, as a constant a module's table entry can hold. */
#define MEMCACHED_NFIELDS 20
extern const struct app_field memcached_fields[MEMCACHED_NFIELDS];
extern const int memcached_nfields;

/* Decodes the UDP payload p[0..n) into w (reset for memcached_fields). */
void memcached_decode(const uint8_t *p, size_t n, struct fieldw *w);

#endif
