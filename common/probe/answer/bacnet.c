/* bacnet: BVLC, NPDU and APDU read field by field, bounded; the request. */
#include "probe/answer/bacnet.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DEVICE 8
#define WILDCARD 4194303 /* the Device instance any device takes as its own */
#define READ_PROPERTY 12

enum { I_TYPE, I_VALUE, I_N };

static const struct app_field value_items[I_N] = {
    [I_TYPE] = {"type", AF_STR,
                "null, boolean, unsigned, signed, real, double, octet-string, character-string, "
                "bit-string, enumerated, date, time, object-identifier, or context-N",
                NULL, 0},
    [I_VALUE] = {"value", AF_STR, "as text by its type (hex for octet strings and context tags)",
                 NULL, 0},
};

enum {
	F_SUCCESS,
	F_PDU_TYPE,
	F_SERVICE,
	F_OBJECT_TYPE,
	F_OBJECT_INSTANCE,
	F_PROPERTY,
	F_VALUE,
	F_VALUES,
	F_INSTANCE,
	F_VENDOR_ID,
	F_VENDOR_NAME,
	F_MODEL_NAME,
	F_OBJECT_NAME,
	F_FIRMWARE,
	F_SOFTWARE,
	F_DESCRIPTION,
	F_LOCATION,
	F_ERROR_CLASS,
	F_ERROR_CODE,
	F_REASON,
	F_PARSE_ERROR,
	F_COUNT
};

const struct app_field bacnet_fields[BACNET_NFIELDS] = {
    [F_SUCCESS] = {"app_success", AF_BOOL,
                   "1: a ReadProperty ComplexACK whose property value came whole", NULL, 0},
    [F_PDU_TYPE] = {"bacnet_pdu_type", AF_STR,
                    "complex-ack, error, reject, abort, simple-ack, segment-ack, "
                    "confirmed-request, unconfirmed-request",
                    NULL, 0},
    [F_SERVICE] = {"bacnet_service", AF_STR, "the service: read-property, ... or its number", NULL,
                   0},
    [F_OBJECT_TYPE] = {"bacnet_object_type", AF_STR, "the object read: device, ... or a number",
                       NULL, 0},
    [F_OBJECT_INSTANCE] = {"bacnet_object_instance", AF_UINT,
                           "its instance, as the ack names it (4194303: as asked)", NULL, 0},
    [F_PROPERTY] = {"bacnet_property", AF_STR, "the property read: object-name, ... or a number",
                    NULL, 0},
    [F_VALUE] = {"bacnet_value", AF_STR, "its (first) value, as text", NULL, 0},
    [F_VALUES] = {"bacnet_values", AF_LIST, "every value of the property", value_items, I_N},
    [F_INSTANCE] = {"bacnet_instance", AF_UINT,
                    "the device's instance number: its object-identifier, or the ack's", NULL, 0},
    [F_VENDOR_ID] = {"bacnet_vendor_id", AF_UINT, "vendor-identifier, when read (ASHRAE's list)",
                     NULL, 0},
    [F_VENDOR_NAME] = {"bacnet_vendor_name", AF_STR, "vendor-name, when read", NULL, 0},
    [F_MODEL_NAME] = {"bacnet_model_name", AF_STR, "model-name, when read", NULL, 0},
    [F_OBJECT_NAME] = {"bacnet_object_name", AF_STR, "object-name (the device's), when read", NULL,
                       0},
    [F_FIRMWARE] = {"bacnet_firmware_revision", AF_STR, "firmware-revision, when read", NULL, 0},
    [F_SOFTWARE] = {"bacnet_application_software_version", AF_STR,
                    "application-software-version, when read", NULL, 0},
    [F_DESCRIPTION] = {"bacnet_description", AF_STR, "description, when read", NULL, 0},
    [F_LOCATION] = {"bacnet_location", AF_STR, "location, when read", NULL, 0},
    [F_ERROR_CLASS] = {"bacnet_error_class", AF_STR,
                       "an Error's class: device, object, property, ... or its number", NULL, 0},
    [F_ERROR_CODE] = {"bacnet_error_code", AF_STR,
                      "an Error's code: unknown-object, unknown-property, ... or its number", NULL,
                      0},
    [F_REASON] = {"bacnet_reason", AF_STR,
                  "a Reject's or Abort's reason: unrecognized-service, ... or its number", NULL, 0},
    [F_PARSE_ERROR] = {"bacnet_parse_error", AF_STR, "empty, or what could not be read", NULL, 0},
};
const int bacnet_nfields = F_COUNT;
_Static_assert(F_COUNT == BACNET_NFIELDS, "BACNET_NFIELDS counts the table");

/* Properties by name; those that say what a device is have a field, and
 * the application tag of the value it takes. */
static const struct {
	uint32_t num;
	const char *name;
	int field;
	uint8_t tag;
} properties[] = {
    {12, "application-software-version", F_SOFTWARE, 7},
    {28, "description", F_DESCRIPTION, 7},
    {44, "firmware-revision", F_FIRMWARE, 7},
    {56, "local-date", -1, 0},
    {57, "local-time", -1, 0},
    {58, "location", F_LOCATION, 7},
    {62, "max-apdu-length-accepted", -1, 0},
    {70, "model-name", F_MODEL_NAME, 7},
    {75, "object-identifier", F_INSTANCE, 12},
    {76, "object-list", -1, 0},
    {77, "object-name", F_OBJECT_NAME, 7},
    {79, "object-type", -1, 0},
    {96, "protocol-object-types-supported", -1, 0},
    {97, "protocol-services-supported", -1, 0},
    {98, "protocol-version", -1, 0},
    {107, "segmentation-supported", -1, 0},
    {112, "system-status", -1, 0},
    {119, "utc-offset", -1, 0},
    {120, "vendor-identifier", F_VENDOR_ID, 2},
    {121, "vendor-name", F_VENDOR_NAME, 7},
    {139, "protocol-revision", -1, 0},
    {155, "database-revision", -1, 0},
    {371, "property-list", -1, 0},
    {372, "serial-number", -1, 0},
};
#define NPROPERTIES (sizeof properties / sizeof properties[0])

static const char *const object_types[] = {
    "analog-input",
    "analog-output",
    "analog-value",
    "binary-input",
    "binary-output",
    "binary-value",
    "calendar",
    "command",
    "device",
    "event-enrollment",
    "file",
    "group",
    "loop",
    "multi-state-input",
    "multi-state-output",
    "notification-class",
    "program",
    "schedule",
    "averaging",
    "multi-state-value",
    "trend-log",
    "life-safety-point",
    "life-safety-zone",
    "accumulator",
    "pulse-converter",
    "event-log",
    "global-group",
    "trend-log-multiple",
    "load-control",
    "structured-view",
    "access-door",
};

static const char *const pdu_types[8] = {
    "confirmed-request",
    "unconfirmed-request",
    "simple-ack",
    "complex-ack",
    "segment-ack",
    "error",
    "reject",
    "abort",
};

static const char *const error_classes[8] = {
    "device", "object", "property", "resources", "security", "services", "vt", "communication",
};

static const struct {
	unsigned code;
	const char *name;
} error_codes[] = {
    {0, "other"},
    {2, "configuration-in-progress"},
    {3, "device-busy"},
    {9, "invalid-data-type"},
    {25, "operational-problem"},
    {27, "read-access-denied"},
    {29, "service-request-denied"},
    {30, "timeout"},
    {31, "unknown-object"},
    {32, "unknown-property"},
    {36, "unsupported-object-type"},
    {42, "invalid-array-index"},
    {50, "property-is-not-an-array"},
};

static const char *const reject_reasons[10] = {
    "other",
    "buffer-overflow",
    "inconsistent-parameters",
    "invalid-parameter-data-type",
    "invalid-tag",
    "missing-required-parameter",
    "parameter-out-of-range",
    "too-many-arguments",
    "undefined-enumeration",
    "unrecognized-service",
};

static const char *const abort_reasons[12] = {
    "other",
    "buffer-overflow",
    "invalid-apdu-in-this-state",
    "preempted-by-higher-priority-task",
    "segmentation-not-supported",
    "security-error",
    "insufficient-security",
    "window-size-out-of-range",
    "application-exceeded-reply-time",
    "out-of-resources",
    "tsm-timeout",
    "apdu-too-long",
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- the request ---- */

size_t bacnet_request(uint32_t property, uint8_t *out)
{
	uint8_t *p = out;
	/* BVLC: BACnet/IP, Original-Unicast-NPDU, the length (last) */
	*p++ = 0x81;
	*p++ = 0x0a;
	p += 2;
	/* NPDU: version 1, no network addresses, a reply expected */
	*p++ = 0x01;
	*p++ = 0x04;
	/* APDU: a confirmed request, unsegmented, an answer of up to 1476
	 * bytes; the invoke id; ReadProperty */
	*p++ = 0x00;
	*p++ = 0x05;
	*p++ = 0;
	*p++ = READ_PROPERTY;
	/* context tag 0: the object, Device 4194303 */
	*p++ = 0x0c;
	uint32_t object = (uint32_t)DEVICE << 22 | WILDCARD;
	for (int i = 3; i >= 0; i--)
		*p++ = (uint8_t)(object >> (8 * i));
	/* context tag 1: the property, in as few bytes as it takes */
	int k = property < 0x100 ? 1 : property < 0x10000 ? 2 : 3;
	*p++ = (uint8_t)(0x18 | k);
	for (int i = k - 1; i >= 0; i--)
		*p++ = (uint8_t)(property >> (8 * i));
	size_t len = (size_t)(p - out);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	return len;
}

long bacnet_property_parse(const char *s, size_t n)
{
	for (size_t i = 0; i < NPROPERTIES; i++)
		if (strlen(properties[i].name) == n && memcmp(properties[i].name, s, n) == 0)
			return (long)properties[i].num;
	if (n == 0 || n > 7 || (n > 1 && s[0] == '0'))
		return -1;
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= BACNET_PROPERTY_MAX ? v : -1;
}

const char *bacnet_property_name(uint32_t property)
{
	for (size_t i = 0; i < NPROPERTIES; i++)
		if (properties[i].num == property)
			return properties[i].name;
	return NULL;
}

/* ---- the headers ---- */

struct headers {
	size_t end; /* of the message: the BVLC's length, or the data's if less */
	bool cut;   /* the BVLC's length is more than came */
	size_t apdu;
};

/* Reads BVLC and NPDU; NULL, or why there is no APDU. */
static const char *read_headers(const uint8_t *p, size_t n, struct headers *h)
{
	if (n < 4)
		return "truncated BVLC header";
	if (p[0] != 0x81)
		return "not BACnet/IP";
	size_t blen = rd16(p + 2), i = 4;
	if (blen < 4)
		return "BVLC length under 4";
	h->cut = blen > n;
	h->end = h->cut ? n : blen;
	if (p[1] == 0x04) /* Forwarded-NPDU: the first sender's address first */
		i += 6;
	else if (p[1] != 0x0a && p[1] != 0x0b)
		return "a BVLC function without an NPDU";
	if (h->end < i + 2)
		return "truncated NPDU";
	if (p[i] != 0x01)
		return "not NPDU version 1";
	uint8_t control = p[i + 1];
	i += 2;
	/* the destination's network and address, then the source's */
	static const uint8_t present[2] = {0x20, 0x08};
	for (int k = 0; k < 2; k++) {
		if (!(control & present[k]))
			continue;
		if (h->end - i < 3 || h->end - i - 3 < p[i + 2])
			return "truncated NPDU";
		i += 3 + (size_t)p[i + 2];
	}
	if (control & 0x20) { /* the hop count */
		if (h->end - i < 1)
			return "truncated NPDU";
		i++;
	}
	if (control & 0x80)
		return "a network layer message";
	if (i >= h->end)
		return "no APDU";
	h->apdu = i;
	return NULL;
}

long bacnet_invoke_id_at(const uint8_t *p, size_t n)
{
	struct headers h;
	if (read_headers(p, n, &h))
		return -1;
	unsigned type = p[h.apdu] >> 4;
	if (type == 1 || type > 7)
		return -1;
	size_t at = h.apdu + (type == 0 ? 2 : 1);
	return at < h.end ? (long)at : -1;
}

/* ---- tags and values ---- */

struct tag {
	unsigned number;
	bool context, opening, closing;
	unsigned lvt; /* an application boolean's value */
	size_t off, len;
};

/* The tag at p[*i..end) and its contents; false if they do not fit. */
static bool read_tag(const uint8_t *p, size_t end, size_t *i, struct tag *t)
{
	if (*i >= end)
		return false;
	uint8_t b = p[(*i)++];
	t->number = b >> 4;
	t->context = b & 0x08;
	t->lvt = b & 7;
	if (t->number == 15) {
		if (*i >= end)
			return false;
		t->number = p[(*i)++];
	}
	t->opening = t->context && t->lvt == 6;
	t->closing = t->context && t->lvt == 7;
	size_t len = t->lvt;
	if (t->opening || t->closing || (!t->context && t->number == 1)) {
		len = 0;
	} else if (t->lvt == 5) {
		if (*i >= end)
			return false;
		len = p[(*i)++];
		size_t k = len == 254 ? 2 : len == 255 ? 4 : 0;
		if (k) {
			if (end - *i < k)
				return false;
			len = 0;
			while (k--)
				len = len << 8 | p[(*i)++];
		}
	}
	if (len > end - *i)
		return false;
	t->off = *i;
	t->len = len;
	*i += len;
	return true;
}

/* An unsigned number of 1 to 8 bytes. */
static bool tag_uint(const uint8_t *p, const struct tag *t, uint64_t *v)
{
	if (t->len < 1 || t->len > 8)
		return false;
	*v = 0;
	for (size_t k = 0; k < t->len; k++)
		*v = *v << 8 | p[t->off + k];
	return true;
}

/* The same of 1 to 4 bytes (enumerations, identifiers). */
static bool small_uint(const uint8_t *p, const struct tag *t, uint32_t *v)
{
	uint64_t u;
	if (t->len > 4 || !tag_uint(p, t, &u))
		return false;
	*v = (uint32_t)u;
	return true;
}

#define SHOW_MAX 1100

/* A value as shown: its type, and its text (in buf, or the data's own
 * bytes for a character string) or bytes to show in hex. */
struct shown {
	char type[24];
	const void *text;
	size_t len;
	bool hex;
	bool bad; /* not of its type's form: shown in hex */
	char buf[SHOW_MAX];
};

static void object_text(uint32_t id, char *buf, size_t size)
{
	unsigned type = id >> 22;
	if (type < sizeof object_types / sizeof object_types[0])
		snprintf(buf, size, "%s:%u", object_types[type], (unsigned)(id & 0x3fffff));
	else
		snprintf(buf, size, "%u:%u", type, (unsigned)(id & 0x3fffff));
}

/* a date's or time's part: its number, or "*" for 255 (unspecified) */
static int part(char *out, size_t size, unsigned v, unsigned add, int width)
{
	return v == 255 ? snprintf(out, size, "*") : snprintf(out, size, "%0*u", width, v + add);
}

static void show(const uint8_t *p, const struct tag *t, struct shown *s)
{
	static const char *const names[13] = {
	    "null",   "boolean",      "unsigned",          "signed",     "real",
	    "double", "octet-string", "character-string",  "bit-string", "enumerated",
	    "date",   "time",         "object-identifier",
	};
	const uint8_t *c = p + t->off;
	size_t n = t->len;
	s->text = s->buf;
	s->hex = s->bad = false;
	s->buf[0] = '\0';
	if (t->context)
		snprintf(s->type, sizeof s->type, "context-%u", t->number);
	else if (t->number < 13)
		snprintf(s->type, sizeof s->type, "%s", names[t->number]);
	else
		snprintf(s->type, sizeof s->type, "tag-%u", t->number);
	if (t->context || t->number >= 13 || t->number == 6) {
		s->hex = true;
	} else if (t->number == 1) {
		snprintf(s->buf, SHOW_MAX, "%s",
		         t->lvt == 0   ? "false"
		         : t->lvt == 1 ? "true"
		                       : "?");
		s->bad = t->lvt > 1;
	} else if (t->number == 2 || t->number == 3 || t->number == 9) {
		if (n < 1 || n > 8) {
			s->bad = true;
		} else {
			uint64_t u = t->number == 3 && (c[0] & 0x80) ? ~(uint64_t)0 : 0;
			for (size_t k = 0; k < n; k++)
				u = u << 8 | c[k];
			if (t->number == 3 && u >> 63)
				snprintf(s->buf, SHOW_MAX, "-%" PRIu64, ~u + 1);
			else
				snprintf(s->buf, SHOW_MAX, "%" PRIu64, u);
		}
	} else if (t->number == 4 || t->number == 5) {
		if (n != (t->number == 4 ? 4u : 8u)) {
			s->bad = true;
		} else if (n == 4) {
			uint32_t u = rd32(c);
			float f;
			memcpy(&f, &u, sizeof f);
			snprintf(s->buf, SHOW_MAX, "%g", (double)f);
		} else {
			uint64_t u = (uint64_t)rd32(c) << 32 | rd32(c + 4);
			double d;
			memcpy(&d, &u, sizeof d);
			snprintf(s->buf, SHOW_MAX, "%.15g", d);
		}
	} else if (t->number == 7) {
		/* the character set's byte, then the text as sent */
		if (n < 1) {
			s->bad = true;
		} else {
			s->text = c + 1;
			s->len = n - 1;
			return;
		}
	} else if (t->number == 8) {
		/* the unused bits of the last byte, then the bits */
		if (n < 1 || c[0] > 7 || (n == 1 && c[0] != 0)) {
			s->bad = true;
		} else if ((n - 1) * 8 - c[0] >= SHOW_MAX) {
			s->hex = true;
		} else {
			size_t bits = (n - 1) * 8 - c[0];
			for (size_t k = 0; k < bits; k++)
				s->buf[k] = (char)('0' + (c[1 + k / 8] >> (7 - k % 8) & 1));
			s->buf[bits] = '\0';
		}
	} else if (t->number == 10 || t->number == 11) {
		if (n != 4) {
			s->bad = true;
		} else {
			/* year - 1900, month, day (weekday not shown); or hour,
			 * minute, second, hundredths */
			bool date = t->number == 10;
			char *o = s->buf;
			size_t room = SHOW_MAX;
			for (int k = 0; k < 4 - date; k++) {
				if (k) {
					*o++ = date ? '-' : k == 3 ? '.' : ':';
					room--;
				}
				int w = part(o, room, c[k], date && k == 0 ? 1900 : 0, 2);
				o += w;
				room -= (size_t)w;
			}
		}
	} else if (t->number == 12) {
		if (n != 4)
			s->bad = true;
		else
			object_text(rd32(c), s->buf, SHOW_MAX);
	}
	if (s->bad)
		s->hex = true;
	if (s->hex) {
		s->text = c;
		s->len = n;
	} else {
		s->len = strlen(s->buf);
	}
}

static void put_shown(struct fieldw *w, int field, const struct shown *s)
{
	if (s->hex)
		fw_hex(w, field, s->text, s->len);
	else
		fw_str(w, field, s->text, s->len);
}

static void enum_text(struct fieldw *w, int field, uint32_t v, const char *const *names, size_t n)
{
	char text[12];
	snprintf(text, sizeof text, "%" PRIu32, v);
	fw_cstr(w, field, v < n ? names[v] : text);
}

static void service_text(struct fieldw *w, unsigned type, uint8_t service)
{
	char text[8];
	const char *name = NULL;
	if (type != 1 && service == READ_PROPERTY)
		name = "read-property";
	else if (type != 1 && service == 14)
		name = "read-property-multiple";
	else if (type != 1 && service == 15)
		name = "write-property";
	else if (type == 1 && service == 0)
		name = "i-am";
	else if (type == 1 && service == 8)
		name = "who-is";
	snprintf(text, sizeof text, "%u", service);
	fw_cstr(w, F_SERVICE, name ? name : text);
}

/* The property value of a ReadProperty ack, from its opening tag's end:
 * the values up to the closing tag, which *closed says came. NULL, or
 * the first thing that went wrong. */
static const char *read_values(const uint8_t *p, size_t end, size_t *i, uint32_t property,
                               uint32_t *instance, bool *closed, struct fieldw *w)
{
	struct shown s;
	struct tag t, first = {0};
	const char *err = NULL;
	unsigned depth = 0, count = 0;
	bool stop = false;
	fw_list_begin(w, F_VALUES);
	while (!stop && !*closed) {
		if (!read_tag(p, end, i, &t)) {
			err = "truncated property value";
			stop = true;
		} else if (t.closing) {
			if (depth == 0 && t.number != 3) {
				err = "property value: unbalanced closing tag";
				stop = true;
			} else if (depth == 0) {
				*closed = true;
			} else {
				depth--;
			}
		} else if (t.opening) {
			if (++depth > BACNET_DEPTH_MAX) {
				err = "property value: nested too deep";
				stop = true;
			}
		} else if (count++ < BACNET_VALUES_MAX) {
			if (count == 1)
				first = t;
			show(p, &t, &s);
			fw_item_begin(w);
			fw_cstr(w, I_TYPE, s.type);
			put_shown(w, I_VALUE, &s);
			fw_item_end(w);
			if (s.bad && !err)
				err = "property value: a value not of its type's form";
		}
	}
	fw_list_end(w);
	if (!err && count > BACNET_VALUES_MAX)
		err = "more values than are shown";
	if (count == 0)
		return err;
	show(p, &first, &s);
	put_shown(w, F_VALUE, &s);
	for (size_t k = 0; k < NPROPERTIES; k++) {
		uint64_t u;
		if (properties[k].num != property || properties[k].field < 0 || first.context ||
		    first.number != properties[k].tag || s.bad)
			continue;
		if (first.number == 7)
			put_shown(w, properties[k].field, &s);
		else if (first.number == 2 && tag_uint(p, &first, &u))
			fw_uint(w, properties[k].field, u);
		else if (first.number == 12 && rd32(p + first.off) >> 22 == DEVICE)
			*instance = rd32(p + first.off) & 0x3fffff;
	}
	return err;
}

/* A ReadProperty ComplexACK after its service choice. */
static const char *read_ack(const uint8_t *p, size_t end, size_t i, bool *success, struct fieldw *w)
{
	struct tag t;
	uint32_t object, property;
	uint32_t instance = WILDCARD;
	char text[16];
	if (!read_tag(p, end, &i, &t) || !t.context || t.number != 0 || t.len != 4)
		return "ack: no object identifier";
	object = rd32(p + t.off);
	if (object >> 22 < sizeof object_types / sizeof object_types[0])
		fw_cstr(w, F_OBJECT_TYPE, object_types[object >> 22]);
	else
		enum_text(w, F_OBJECT_TYPE, object >> 22, NULL, 0);
	fw_uint(w, F_OBJECT_INSTANCE, object & 0x3fffff);
	if (!read_tag(p, end, &i, &t) || !t.context || t.number != 1 ||
	    !small_uint(p, &t, &property))
		return "ack: no property identifier";
	const char *name = bacnet_property_name(property);
	snprintf(text, sizeof text, "%" PRIu32, property);
	fw_cstr(w, F_PROPERTY, name ? name : text);
	if (!read_tag(p, end, &i, &t))
		return "ack: no property value";
	if (t.context && t.number == 2 && !t.opening && !t.closing) /* an array index */
		if (!read_tag(p, end, &i, &t))
			return "ack: no property value";
	if (!t.opening || t.number != 3)
		return "ack: no property value";
	/* the ack's own object, if it names the device (not as asked) */
	if (object >> 22 == DEVICE && (object & 0x3fffff) != WILDCARD)
		instance = object & 0x3fffff;
	const char *err = read_values(p, end, &i, property, &instance, success, w);
	if (instance != WILDCARD)
		fw_uint(w, F_INSTANCE, instance);
	return err;
}

/* The APDU at p[a..end): its type and what its type carries. */
static const char *read_apdu(const uint8_t *p, size_t a, size_t end, bool *success,
                             struct fieldw *w)
{
	static const char trunc[] = "truncated APDU";
	unsigned type = p[a] >> 4;
	struct tag t;
	uint32_t v;
	if (type > 7) {
		enum_text(w, F_PDU_TYPE, type, NULL, 0);
		return "unknown APDU type";
	}
	fw_cstr(w, F_PDU_TYPE, pdu_types[type]);
	/* where each type has its service choice, or reason */
	size_t at = a + (type == 0 ? 3 : type == 1 ? 1 : 2);
	if (type == 0 && (p[a] & 0x08))
		at += 2; /* a segment's sequence number and window */
	if (type == 3)
		at = a + 2 + (p[a] & 0x08 ? 2 : 0);
	if (type == 4)
		return NULL;
	if (at >= end)
		return trunc;
	if (type == 6 || type == 7) {
		enum_text(w, F_REASON, p[at], type == 6 ? reject_reasons : abort_reasons,
		          type == 6 ? 10 : 12);
		return NULL;
	}
	service_text(w, type, p[at]);
	size_t i = at + 1;
	if (type == 5) {
		/* error class and code, each an application enumerated */
		for (int k = 0; k < 2; k++) {
			if (!read_tag(p, end, &i, &t) || t.context || t.number != 9 ||
			    !small_uint(p, &t, &v))
				return "error: no error class and code";
			if (k == 0) {
				enum_text(w, F_ERROR_CLASS, v, error_classes, 8);
				continue;
			}
			const char *name = NULL;
			for (size_t e = 0; e < sizeof error_codes / sizeof error_codes[0]; e++)
				if (error_codes[e].code == v)
					name = error_codes[e].name;
			if (name)
				fw_cstr(w, F_ERROR_CODE, name);
			else
				enum_text(w, F_ERROR_CODE, v, NULL, 0);
		}
		return NULL;
	}
	if (type != 3 || p[at] != READ_PROPERTY)
		return NULL;
	if (p[a] & 0x08) {
		const char *err = read_ack(p, end, i, success, w);
		*success = false;
		return err ? err : "segmented ack: only the first segment";
	}
	return read_ack(p, end, i, success, w);
}

void bacnet_decode(const uint8_t *p, size_t n, struct fieldw *w)
{
	struct headers h = {0};
	bool success = false;
	const char *err = n == 0 ? "empty answer" : read_headers(p, n, &h);
	if (!err)
		err = read_apdu(p, h.apdu, h.end, &success, w);
	if (!err && h.cut)
		err = "BVLC length past the datagram";
	fw_bool(w, F_SUCCESS, success);
	if (err)
		fw_cstr(w, F_PARSE_ERROR, err);
}
