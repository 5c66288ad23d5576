/* snmp: an SNMP v1 or v2c message (RFC 1157, RFC 3416) read from an
 * answer with the bounded BER reader (probe/answer/ber.h), its fields for
 * the snmp module's output, and the GetRequest the module sends.
 *
 * The request asks for the system group's six scalars: sysDescr.0,
 * sysObjectID.0, sysUpTime.0, sysContact.0, sysName.0 and sysLocation.0
 * (1.3.6.1.2.1.1.N.0 for N = 1 .. 6); its request-id is an INTEGER of
 * SNMP_REQUEST_ID_LEN bytes whose value the module writes per probe.
 *
 * The answer is decoded as far as it is whole: version, community, PDU
 * type, request-id, error status and index, then every varbind (up to
 * SNMP_VARBINDS_MAX of them) as {oid, type, value}: the OID dotted, the
 * value as text by its type: INTEGER, Counter32, Gauge32, TimeTicks,
 * Counter64 in decimal, OCTET STRING as its bytes (the writer escapes what
 * is not printable), OBJECT IDENTIFIER dotted, IpAddress as a dotted quad,
 * NULL and the v2 exceptions (noSuchObject, noSuchInstance, endOfMibView)
 * empty; any other type, or a value that does not read as its type, as
 * hex (the latter named in the parse error). The six scalars asked for
 * also get fields of their own, from the first varbind of their OID whose
 * type fits. app_success is 1 for a response PDU (GetResponse) with
 * error-status 0, however much of its varbinds came. A message of
 * version 3 gives its version and a parse error. */
#ifndef ZSCAN_PROBE_ANSWER_SNMP_H
#define ZSCAN_PROBE_ANSWER_SNMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/fieldw.h"

#define SNMP_V1 0
#define SNMP_V2C 1
#define SNMP_COMMUNITY_MAX 255
#define SNMP_VARBINDS_MAX 64
#define SNMP_REQUEST_ID_LEN 4
/* the longest request: a community of SNMP_COMMUNITY_MAX bytes */
#define SNMP_REQUEST_MAX 400

/* The fields, as a constant a module's table entry can hold. */
#define SNMP_NFIELDS 16
extern const struct app_field snmp_fields[SNMP_NFIELDS];
extern const int snmp_nfields;

/* The GetRequest of version (SNMP_V1 or SNMP_V2C) with community[0..clen)
 * (at most SNMP_COMMUNITY_MAX bytes) into out, request-id 0x40000000;
 * returns its length, 0 if it does not fit size or the arguments are
 * out of range. */
size_t snmp_request(int version, const char *community, size_t clen, uint8_t *out, size_t size);

/* The request-id of a v1 or v2c message p[0..n) of any PDU that has one:
 * true, its value in *id and where its contents are in *off and *len;
 * false for anything else, or a message cut before its request-id. */
bool snmp_request_id(const uint8_t *p, size_t n, int64_t *id, size_t *off, size_t *len);

/* Decodes the UDP payload p[0..n) into w (reset for snmp_fields). */
void snmp_decode(const uint8_t *p, size_t n, struct fieldw *w);

#endif
