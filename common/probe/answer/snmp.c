/* snmp: a v1/v2c message walked with the BER reader, and the GetRequest
 * the module sends. */
#include "probe/answer/snmp.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "probe/answer/ber.h"

enum { I_OID, I_TYPE, I_VALUE, I_N };

static const struct app_field varbind_items[I_N] = {
    [I_OID] = {"oid", AF_STR, "the variable's OID, dotted (hex if it does not read)", NULL, 0},
    [I_TYPE] = {"type", AF_STR,
                "integer, octet-string, null, oid, ipaddress, counter32, gauge32, timeticks, "
                "opaque, counter64, nosuchobject, nosuchinstance, endofmibview, or tag-0xNN",
                NULL, 0},
    [I_VALUE] = {"value", AF_STR, "as text by its type; hex for other types", NULL, 0},
};

enum {
	F_SUCCESS,
	F_VERSION,
	F_COMMUNITY,
	F_PDU_TYPE,
	F_REQUEST_ID,
	F_ERROR_STATUS,
	F_ERROR_NAME,
	F_ERROR_INDEX,
	F_SYSDESCR,
	F_SYSOBJECTID,
	F_SYSUPTIME,
	F_SYSCONTACT,
	F_SYSNAME,
	F_SYSLOCATION,
	F_VARBINDS,
	F_PARSE_ERROR,
	F_COUNT
};

const struct app_field snmp_fields[SNMP_NFIELDS] = {
    [F_SUCCESS] = {"app_success", AF_BOOL, "1: a response PDU with error-status 0 (noError)", NULL,
                   0},
    [F_VERSION] = {"snmp_version", AF_STR, "v1, v2c, v3 (not decoded further) or the number", NULL,
                   0},
    [F_COMMUNITY] = {"snmp_community", AF_STR, "the community, as the agent sent it back", NULL, 0},
    [F_PDU_TYPE] = {"snmp_pdu_type", AF_STR,
                    "get-response; get-request, get-next-request, set-request, trap, "
                    "get-bulk-request, inform-request, snmpv2-trap, report",
                    NULL, 0},
    [F_REQUEST_ID] = {"snmp_request_id", AF_INT, "the request-id (the probe's, echoed)", NULL, 0},
    [F_ERROR_STATUS] = {"snmp_error_status", AF_INT, "error-status: 0 none, 2 noSuchName, ...",
                        NULL, 0},
    [F_ERROR_NAME] = {"snmp_error_name", AF_STR,
                      "error-status by name: noError, tooBig, noSuchName, genErr, ...", NULL, 0},
    [F_ERROR_INDEX] = {"snmp_error_index", AF_INT, "error-index: the varbind at fault (from 1)",
                       NULL, 0},
    [F_SYSDESCR] = {"snmp_sysdescr", AF_STR, "sysDescr.0: what the system is", NULL, 0},
    [F_SYSOBJECTID] = {"snmp_sysobjectid", AF_STR,
                       "sysObjectID.0: the vendor's OID for the system, dotted", NULL, 0},
    [F_SYSUPTIME] = {"snmp_sysuptime", AF_UINT,
                     "sysUpTime.0: hundredths of a second since the agent started", NULL, 0},
    [F_SYSCONTACT] = {"snmp_syscontact", AF_STR, "sysContact.0: who runs it", NULL, 0},
    [F_SYSNAME] = {"snmp_sysname", AF_STR, "sysName.0: its name", NULL, 0},
    [F_SYSLOCATION] = {"snmp_syslocation", AF_STR, "sysLocation.0: where it is", NULL, 0},
    [F_VARBINDS] = {"snmp_varbinds", AF_LIST, "every variable binding read", varbind_items, I_N},
    [F_PARSE_ERROR] = {"snmp_parse_error", AF_STR, "empty, or the first thing that did not read",
                       NULL, 0},
};
const int snmp_nfields = F_COUNT;
_Static_assert(F_COUNT == SNMP_NFIELDS, "SNMP_NFIELDS counts the table");

/* the system group's scalars asked for, 1.3.6.1.2.1.1.N.0, and the type
 * each field takes */
#define SYSTEM_SCALARS 6
static const struct {
	const char *oid;
	int field;
	uint8_t type;
} scalars[SYSTEM_SCALARS] = {
    {"1.3.6.1.2.1.1.1.0", F_SYSDESCR, 0x04},  {"1.3.6.1.2.1.1.2.0", F_SYSOBJECTID, 0x06},
    {"1.3.6.1.2.1.1.3.0", F_SYSUPTIME, 0x43}, {"1.3.6.1.2.1.1.4.0", F_SYSCONTACT, 0x04},
    {"1.3.6.1.2.1.1.5.0", F_SYSNAME, 0x04},   {"1.3.6.1.2.1.1.6.0", F_SYSLOCATION, 0x04},
};

/* ---- the request ---- */

static size_t len_size(size_t len)
{
	return len < 0x80 ? 1 : len < 0x100 ? 2 : 3;
}

static size_t put_len(uint8_t *p, size_t len)
{
	if (len < 0x80) {
		p[0] = (uint8_t)len;
		return 1;
	}
	if (len < 0x100) {
		p[0] = 0x81;
		p[1] = (uint8_t)len;
		return 2;
	}
	p[0] = 0x82;
	p[1] = (uint8_t)(len >> 8);
	p[2] = (uint8_t)len;
	return 3;
}

size_t snmp_request(int version, const char *community, size_t clen, uint8_t *out, size_t size)
{
	if ((version != SNMP_V1 && version != SNMP_V2C) || clen > SNMP_COMMUNITY_MAX)
		return 0;
	/* the PDU: request-id 0x40000000 in 4 bytes, error-status and
	 * -index 0, then the six varbinds of a NULL value each */
	enum { VARBIND = 14 };
	uint8_t pdu[14 + SYSTEM_SCALARS * VARBIND];
	static const uint8_t head[14] = {0x02, 4, 0x40, 0, 0, 0,    0x02,
	                                 1,    0, 0x02, 1, 0, 0x30, SYSTEM_SCALARS * VARBIND};
	memcpy(pdu, head, sizeof head);
	for (int i = 0; i < SYSTEM_SCALARS; i++) {
		uint8_t *v = pdu + sizeof head + i * VARBIND;
		static const uint8_t vb[VARBIND] = {0x30, 12, 0x06, 8, 0x2b, 6,    1,
		                                    2,    1,  1,    0, 0,    0x05, 0};
		memcpy(v, vb, VARBIND);
		v[10] = (uint8_t)(i + 1);
	}
	size_t body = 3 + 1 + len_size(clen) + clen + 2 + sizeof pdu;
	if (1 + len_size(body) + body > size)
		return 0;
	size_t o = 0;
	out[o++] = 0x30;
	o += put_len(out + o, body);
	out[o++] = 0x02;
	out[o++] = 1;
	out[o++] = (uint8_t)version;
	out[o++] = 0x04;
	o += put_len(out + o, clen);
	memcpy(out + o, community, clen);
	o += clen;
	out[o++] = 0xa0;
	out[o++] = sizeof pdu;
	memcpy(out + o, pdu, sizeof pdu);
	return o + sizeof pdu;
}

/* ---- reading ---- */

/* a PDU's tag: context-specific, constructed, 0 to 8 */
static bool pdu_tag(uint8_t id)
{
	return id >= 0xa0 && id <= 0xa8;
}

bool snmp_request_id(const uint8_t *p, size_t n, int64_t *id, size_t *off, size_t *len)
{
	struct ber b;
	struct ber_tlv t;
	ber_init(&b, p, n);
	if (!ber_next(&b, &t) || t.id != 0x30 || !ber_enter(&b, &t))
		return false;
	if (!ber_next(&b, &t) || t.id != 0x02 || t.cut) /* version */
		return false;
	if (!ber_next(&b, &t) || t.id != 0x04 || t.cut) /* community */
		return false;
	if (!ber_next(&b, &t) || !pdu_tag(t.id) || t.id == 0xa4 || !ber_enter(&b, &t))
		return false; /* (a v1 trap has no request-id) */
	if (!ber_next(&b, &t) || t.id != 0x02 || t.cut || ber_int(p + t.off, t.len, id) != BER_OK)
		return false;
	*off = t.off;
	*len = t.len;
	return true;
}

struct dec {
	struct ber b;
	struct fieldw *w;
	char err[128];
};

/* Keeps the first error; false, to return at once. */
__attribute__((format(printf, 2, 3))) static bool error(struct dec *d, const char *fmt, ...)
{
	if (d->err[0])
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->err, sizeof d->err, fmt, ap);
	va_end(ap);
	return false;
}

/* The next triple, of tag id, whole unless constructed. */
static bool expect(struct dec *d, struct ber_tlv *t, uint8_t id, const char *what)
{
	if (!ber_next(&d->b, t))
		return error(d, "%s: %s", what, d->b.err ? ber_strerror(d->b.err) : "missing");
	if (t->id != id)
		return error(d, "%s: unexpected tag 0x%02x", what, t->id);
	if (t->cut && !t->constructed)
		return error(d, "%s: truncated", what);
	return true;
}

static bool integer(struct dec *d, const struct ber_tlv *t, int64_t *v, const char *what)
{
	enum ber_error e = ber_int(d->b.p + t->off, t->len, v);
	return e == BER_OK || error(d, "%s: %s", what, ber_strerror(e));
}

static const char *const pdu_names[9] = {
    "get-request",      "get-next-request", "get-response", "set-request", "trap",
    "get-bulk-request", "inform-request",   "snmpv2-trap",  "report",
};

static const char *const error_names[19] = {
    "noError",
    "tooBig",
    "noSuchName",
    "badValue",
    "readOnly",
    "genErr",
    "noAccess",
    "wrongType",
    "wrongLength",
    "wrongEncoding",
    "wrongValue",
    "noCreation",
    "inconsistentValue",
    "resourceUnavailable",
    "commitFailed",
    "undoFailed",
    "authorizationError",
    "notWritable",
    "inconsistentName",
};

/* A varbind's value into the current list item: its type and its text. */
static void write_value(struct dec *d, const struct ber_tlv *v, const char *what)
{
	struct fieldw *w = d->w;
	const uint8_t *c = d->b.p + v->off;
	char text[BER_OID_TEXT_MAX], type[16];
	enum ber_error e = BER_OK;
	int64_t i;
	uint64_t u;
	switch (v->id) {
	case 0x02:
		fw_cstr(w, I_TYPE, "integer");
		if ((e = ber_int(c, v->len, &i)) == BER_OK)
			snprintf(text, sizeof text, "%" PRId64, i);
		break;
	case 0x04:
		fw_cstr(w, I_TYPE, "octet-string");
		fw_str(w, I_VALUE, c, v->len);
		return;
	case 0x06:
		fw_cstr(w, I_TYPE, "oid");
		e = ber_oid_text(c, v->len, text);
		break;
	case 0x40:
		fw_cstr(w, I_TYPE, "ipaddress");
		if (v->len != 4) {
			error(d, "%s: IpAddress of %zu bytes", what, v->len);
			fw_hex(w, I_VALUE, c, v->len);
			return;
		}
		snprintf(text, sizeof text, "%u.%u.%u.%u", c[0], c[1], c[2], c[3]);
		break;
	case 0x41:
	case 0x42:
	case 0x43:
	case 0x46:
	case 0x47: {
		static const char *const names[] = {"counter32", "gauge32",   "timeticks", "",
		                                    "",          "counter64", "uinteger32"};
		fw_cstr(w, I_TYPE, names[v->id - 0x41]);
		if ((e = ber_uint(c, v->len, &u)) == BER_OK)
			snprintf(text, sizeof text, "%" PRIu64, u);
		break;
	}
	case 0x05:
	case 0x80:
	case 0x81:
	case 0x82: {
		static const char *const names[] = {"nosuchobject", "nosuchinstance",
		                                    "endofmibview"};
		fw_cstr(w, I_TYPE, v->id == 0x05 ? "null" : names[v->id - 0x80]);
		text[0] = '\0';
		break;
	}
	default:
		if (v->id == 0x44)
			snprintf(type, sizeof type, "opaque");
		else
			snprintf(type, sizeof type, "tag-0x%02x", v->id);
		fw_cstr(w, I_TYPE, type);
		fw_hex(w, I_VALUE, c, v->len);
		return;
	}
	if (e != BER_OK) {
		error(d, "%s: %s", what, ber_strerror(e));
		fw_hex(w, I_VALUE, c, v->len);
		return;
	}
	fw_cstr(w, I_VALUE, text);
}

/* Keeps the value of a system scalar asked for: the first varbind of its
 * OID and type. */
static void find_scalar(const char *oid, const struct ber_tlv *v, struct ber_tlv *found)
{
	for (int k = 0; k < SYSTEM_SCALARS; k++)
		if (!found[k].id && v->id == scalars[k].type && strcmp(oid, scalars[k].oid) == 0)
			found[k] = *v;
}

/* The system scalars' fields, once the varbinds' list is written. */
static void write_scalars(struct dec *d, const struct ber_tlv *found)
{
	for (int k = 0; k < SYSTEM_SCALARS; k++) {
		const struct ber_tlv *v = &found[k];
		const uint8_t *c = d->b.p + v->off;
		char text[BER_OID_TEXT_MAX];
		uint64_t u;
		if (v->id == 0x04)
			fw_str(d->w, scalars[k].field, c, v->len);
		else if (v->id == 0x06 && ber_oid_text(c, v->len, text) == BER_OK)
			fw_cstr(d->w, scalars[k].field, text);
		else if (v->id == 0x43 && ber_uint(c, v->len, &u) == BER_OK)
			fw_uint(d->w, scalars[k].field, u);
	}
}

/* The members of the varbind list, entered. false at an error that ends
 * the walk. */
static bool read_varbinds(struct dec *d, const struct ber_tlv *list)
{
	struct ber_tlv t, name, value;
	char oid[BER_OID_TEXT_MAX], what[32];
	struct ber_tlv found[SYSTEM_SCALARS] = {{0}};
	bool ok = true;
	int i = 0;
	fw_list_begin(d->w, F_VARBINDS);
	while (ok) {
		snprintf(what, sizeof what, "varbind %d", i + 1);
		if (!ber_next(&d->b, &t)) {
			if (d->b.err)
				ok = error(d, "%s: %s", what, ber_strerror(d->b.err));
			break;
		}
		if (++i > SNMP_VARBINDS_MAX) {
			ok =
			    error(d, "more than %d varbinds: the rest not read", SNMP_VARBINDS_MAX);
			break;
		}
		if (t.id != 0x30) {
			ok = error(d, "%s: unexpected tag 0x%02x", what, t.id);
			break;
		}
		ber_enter(&d->b, &t);
		if (!expect(d, &name, 0x06, what)) {
			ok = false;
			break;
		}
		if (!ber_next(&d->b, &value)) {
			ok = error(d, "%s: %s", what,
			           d->b.err ? ber_strerror(d->b.err) : "no value");
			break;
		}
		if (value.cut) {
			ok = error(d, "%s: truncated", what);
			break;
		}
		enum ber_error e = ber_oid_text(d->b.p + name.off, name.len, oid);
		fw_item_begin(d->w);
		if (e == BER_OK)
			fw_cstr(d->w, I_OID, oid);
		else
			fw_hex(d->w, I_OID, d->b.p + name.off, name.len);
		write_value(d, &value, what);
		fw_item_end(d->w);
		if (e == BER_OK)
			find_scalar(oid, &value, found);
		else
			error(d, "%s: %s", what, ber_strerror(e));
		ber_leave(&d->b);
	}
	fw_list_end(d->w);
	write_scalars(d, found);
	return ok && (!list->cut || error(d, "varbind list: truncated"));
}

static bool read_message(struct dec *d, bool *success)
{
	struct ber_tlv msg, pdu, t;
	int64_t v;
	char text[24];
	if (!ber_next(&d->b, &msg) || msg.id != 0x30)
		return error(d, "not an SNMP message");
	ber_enter(&d->b, &msg);
	if (!expect(d, &t, 0x02, "version") || !integer(d, &t, &v, "version"))
		return false;
	snprintf(text, sizeof text, "%" PRId64, v);
	fw_cstr(d->w, F_VERSION, v == 0 ? "v1" : v == 1 ? "v2c" : v == 3 ? "v3" : text);
	if (v == 3)
		return error(d, "SNMPv3: not decoded");
	if (!expect(d, &t, 0x04, "community"))
		return false;
	fw_str(d->w, F_COMMUNITY, d->b.p + t.off, t.len);
	if (!ber_next(&d->b, &pdu))
		return error(d, "PDU: %s", d->b.err ? ber_strerror(d->b.err) : "missing");
	if (!pdu_tag(pdu.id))
		return error(d, "PDU: unexpected tag 0x%02x", pdu.id);
	fw_cstr(d->w, F_PDU_TYPE, pdu_names[pdu.id - 0xa0]);
	if (pdu.id == 0xa4)
		return error(d, "SNMPv1 trap: not decoded");
	ber_enter(&d->b, &pdu);
	if (!expect(d, &t, 0x02, "request-id") || !integer(d, &t, &v, "request-id"))
		return false;
	fw_int(d->w, F_REQUEST_ID, v);
	if (!expect(d, &t, 0x02, "error-status") || !integer(d, &t, &v, "error-status"))
		return false;
	fw_int(d->w, F_ERROR_STATUS, v);
	if (v >= 0 && v < (int64_t)(sizeof error_names / sizeof error_names[0]))
		fw_cstr(d->w, F_ERROR_NAME, error_names[v]);
	*success = pdu.id == 0xa2 && v == 0;
	if (!expect(d, &t, 0x02, "error-index") || !integer(d, &t, &v, "error-index"))
		return false;
	fw_int(d->w, F_ERROR_INDEX, v);
	if (!expect(d, &t, 0x30, "varbind list"))
		return false;
	ber_enter(&d->b, &t);
	if (!read_varbinds(d, &t))
		return false;
	/* the message claimed more than came, after its last varbind */
	return !(msg.cut || pdu.cut) || error(d, "truncated");
}

void snmp_decode(const uint8_t *p, size_t n, struct fieldw *w)
{
	struct dec d = {.w = w};
	bool success = false;
	ber_init(&d.b, p, n);
	if (n == 0)
		error(&d, "empty answer");
	else
		read_message(&d, &success);
	fw_bool(w, F_SUCCESS, success);
	if (d.err[0])
		fw_cstr(w, F_PARSE_ERROR, d.err);
}
