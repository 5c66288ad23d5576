/* bacnet: a BACnet/IP answer (ASHRAE 135, Annex J's BVLC, clause 6's
 * NPDU, clause 20's APDU) read from a datagram, bounded, its fields for
 * the bacnet module's output, and the ReadProperty request it sends.
 *
 * The request is a confirmed ReadProperty of one property of the Device
 * object of instance 4194303, which a device reads as its own whatever
 * its instance, in an Original-Unicast-NPDU that expects a reply. Its
 * invoke id is at BACNET_INVOKE_OFF (the module writes it per probe).
 *
 * The answer: the BVLC header (Original-Unicast or -Broadcast, or a
 * Forwarded-NPDU), the NPDU with any network addresses it names, then the
 * APDU, whose type is shown. A ComplexACK to ReadProperty gives the
 * object and property read and the property's value: every
 * application-tagged value in it (up to BACNET_VALUES_MAX) as {type,
 * value} and the first as bacnet_value. Null is empty, a boolean
 * true/false; unsigned, signed and enumerated values are decimal, a real
 * as %g shows it, a double as %.15g does; octet strings are hex,
 * character strings their bytes whatever their character set (UTF-8 or
 * Latin-1 as sent: the writer escapes what is not printable ASCII), bit
 * strings 0/1 digits, dates YYYY-MM-DD and times hh:mm:ss.cc ("*" for an
 * unspecified part), object identifiers TYPE:INSTANCE; values under
 * context tags (of structures, whose nesting is flattened) are hex, as
 * context-N. The device properties that say what a device is also get
 * fields of their own when they are the one read. An Error gives its
 * class and code, a Reject or an Abort its reason. Of a segmented ack the
 * first segment is read. app_success is 1 for a ComplexACK to
 * ReadProperty whose value came whole, up to its closing tag. */
#ifndef ZSCAN_PROBE_ANSWER_BACNET_H
#define ZSCAN_PROBE_ANSWER_BACNET_H

#include <stddef.h>
#include <stdint.h>

#include "probe/fieldw.h"

#define BACNET_REQUEST_MAX 20
#define BACNET_INVOKE_OFF 8
#define BACNET_PROPERTY_MAX 4194303 /* 22 bits */
#define BACNET_VALUES_MAX 256
#define BACNET_DEPTH_MAX 8 /* opening tags inside a value */

/* The fields, as a constant a module's table entry can hold. */
#define BACNET_NFIELDS 21
extern const struct app_field bacnet_fields[BACNET_NFIELDS];
extern const int bacnet_nfields;

/* The ReadProperty request of property (0 .. BACNET_PROPERTY_MAX) into
 * out[BACNET_REQUEST_MAX], invoke id 0; returns its length. */
size_t bacnet_request(uint32_t property, uint8_t *out);

/* The property s[0..n) names: a name ("object-name", "vendor-name", ...
 * as bacnet_property_name gives them) or a number up to
 * BACNET_PROPERTY_MAX; -1 for neither. */
long bacnet_property_parse(const char *s, size_t n);

/* A property's name, or NULL for one without a name here. */
const char *bacnet_property_name(uint32_t property);

/* Where the invoke id of the BACnet/IP message p[0..n) is, for an APDU
 * that has one (every type but an unconfirmed request); -1 for anything
 * else, or one cut before it. */
long bacnet_invoke_id_at(const uint8_t *p, size_t n);

/* Decodes the UDP payload p[0..n) into w (reset for bacnet_fields). */
void bacnet_decode(const uint8_t *p, size_t n, struct fieldw *w);

#endif
