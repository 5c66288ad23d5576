/* Unit tests: the BER reader and the SNMP, NetBIOS and BACnet answer
 * decoders, their requests, and their modules' validation. Answers built
 * by hand as agents and devices send them (net-snmp, Samba's nmbd, a
 * Windows host, BACnet controllers), every field checked in both formats;
 * then hostile ones (cut at every length, lengths that lie, deep nesting,
 * arcs and numbers too big, zero lengths, random bytes), each decoded from
 * a heap copy of exactly its bytes, so that ASan sees any read past it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_testutil.h"
#include "harness.h"
#include "probe/answer/bacnet.h"
#include "probe/answer/ber.h"
#include "probe/answer/netbios.h"
#include "probe/answer/snmp.h"
#include "probe/fieldw.h"
#include "probe_testutil.h"

void test_ber_reader(void);
void test_ber_values(void);
void test_snmp_answer_fields(void);
void test_snmp_value_types(void);
void test_snmp_hostile_answers(void);
void test_snmp_request_round_trip(void);
void test_snmp_module_validation(void);
void test_netbios_answer_fields(void);
void test_netbios_hostile_answers(void);
void test_netbios_module_validation(void);
void test_bacnet_answer_fields(void);
void test_bacnet_value_types(void);
void test_bacnet_hostile_answers(void);
void test_bacnet_request_and_validation(void);

static const struct decoder snmp = {snmp_decode, snmp_fields, &snmp_nfields};
static const struct decoder netbios = {netbios_decode, netbios_fields, &netbios_nfields};
static const struct decoder bacnet = {bacnet_decode, bacnet_fields, &bacnet_nfields};

/* times needle occurs in the field's rendering */
static int count_in(const char *name, const char *needle)
{
	int k = 0;
	for (const char *v = val(name); (v = strstr(v, needle)); v++)
		k++;
	return k;
}

/* A list's JSON text as its CSV cell: quoted, quotes doubled. */
static const char *csv_cell(char *out, const char *json)
{
	char *p = out;
	*p++ = '"';
	for (; *json; json++) {
		if (*json == '"')
			*p++ = '"';
		*p++ = *json;
	}
	*p++ = '"';
	*p = 0;
	return out;
}

static uint64_t rng = 0x2545f4914f6cdd1du;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* ---- a BER writer of the tests' own ---- */

struct buf {
	uint8_t b[4096];
	size_t n;
};

/* Appends a triple, its length in the short form, or in the long form of
 * lb bytes when lb > 0. */
static void add_lb(struct buf *o, uint8_t id, const void *v, size_t len, int lb)
{
	o->b[o->n++] = id;
	if (lb == 0 && len < 0x80) {
		o->b[o->n++] = (uint8_t)len;
	} else {
		if (lb == 0)
			lb = len < 0x100 ? 1 : 2;
		o->b[o->n++] = (uint8_t)(0x80 | lb);
		for (int k = lb - 1; k >= 0; k--)
			o->b[o->n++] = (uint8_t)(k < 8 ? len >> (8 * k) : 0);
	}
	memcpy(o->b + o->n, v, len);
	o->n += len;
}

static void add(struct buf *o, uint8_t id, const void *v, size_t len)
{
	add_lb(o, id, v, len, 0);
}

static void add_buf(struct buf *o, uint8_t id, const struct buf *in)
{
	add(o, id, in->b, in->n);
}

/* An INTEGER in the fewest bytes. */
static void add_int(struct buf *o, int64_t v)
{
	uint8_t b[8];
	int n = 8;
	for (int k = 0; k < 8; k++)
		b[k] = (uint8_t)((uint64_t)v >> (56 - 8 * k));
	int s = 0;
	while (n - s > 1 &&
	       ((b[s] == 0 && !(b[s + 1] & 0x80)) || (b[s] == 0xff && (b[s + 1] & 0x80))))
		s++;
	add(o, 0x02, b + s, (size_t)(n - s));
}

/* An OID's contents from its arcs. */
static size_t oid_bytes(uint8_t *out, const uint64_t *arcs, int n)
{
	size_t k = 0;
	for (int i = 1; i < n; i++) {
		uint64_t x = i == 1 ? arcs[0] * 40 + arcs[1] : arcs[i];
		uint8_t t[10];
		int m = 0;
		do {
			t[m++] = (uint8_t)(x & 0x7f);
			x >>= 7;
		} while (x);
		while (m--)
			out[k++] = (uint8_t)(t[m] | (m ? 0x80 : 0));
	}
	return k;
}

static const uint64_t sys_arcs[9] = {1, 3, 6, 1, 2, 1, 1, 0, 0};

/* A varbind of 1.3.6.1.2.1.1.N.0 with a value. */
static void add_varbind(struct buf *list, int scalar, uint8_t type, const void *v, size_t len)
{
	uint64_t arcs[9];
	uint8_t o[16];
	memcpy(arcs, sys_arcs, sizeof arcs);
	arcs[7] = (uint64_t)scalar;
	struct buf vb = {.n = 0};
	add(&vb, 0x06, o, oid_bytes(o, arcs, 9));
	add(&vb, type, v, len);
	add_buf(list, 0x30, &vb);
}

static const char sysdescr[] = "Linux gw 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 "
                               "(2024-02-01) x86_64";

/* net-snmp's snmpd answering the module's request for the system group,
 * in SNMPv2c, community public. */
static size_t netsnmp_answer(uint8_t *out, int64_t reqid)
{
	static const uint8_t objectid[] = {0x2b, 6, 1, 4, 1, 0xbf, 0x08, 3, 2, 10};
	static const uint8_t ticks[] = {0x07, 0x5b, 0xcd, 0x15}; /* 123456789 */
	struct buf list = {.n = 0}, pdu = {.n = 0}, msg = {.n = 0}, whole = {.n = 0};
	add_varbind(&list, 1, 0x04, sysdescr, strlen(sysdescr));
	add_varbind(&list, 2, 0x06, objectid, sizeof objectid);
	add_varbind(&list, 3, 0x43, ticks, sizeof ticks);
	add_varbind(&list, 4, 0x04, "Me <me@example.org>", 19);
	add_varbind(&list, 5, 0x04, "gw", 2);
	add_varbind(&list, 6, 0x04, "Sitting on the Dock of the Bay", 30);
	add_int(&pdu, reqid);
	add_int(&pdu, 0);
	add_int(&pdu, 0);
	add_buf(&pdu, 0x30, &list);
	add_int(&msg, 1);
	add(&msg, 0x04, "public", 6);
	add_buf(&msg, 0xa2, &pdu);
	add_buf(&whole, 0x30, &msg);
	memcpy(out, whole.b, whole.n);
	return whole.n;
}

/* ---- BER ---- */

void test_ber_reader(void)
{
	struct ber b;
	struct ber_tlv t;
	/* a SEQUENCE of an INTEGER and a long-form OCTET STRING, then a
	 * high tag number (application 128) and a constructed context [1] */
	static const uint8_t m[] = {0x30, 0x09, 0x02, 0x01, 0x05, 0x04, 0x82, 0x00, 0x02,
	                            'h',  'i',  0x5f, 0x81, 0x00, 0x00, 0xa1, 0x00};
	ber_init(&b, m, sizeof m);
	CHECK(ber_next(&b, &t) && t.id == 0x30 && t.constructed && t.tag == 16 && t.off == 2 &&
	      t.len == 9 && !t.cut);
	CHECK(ber_enter(&b, &t) && b.depth == 1);
	CHECK(ber_next(&b, &t) && t.id == 0x02 && t.cls == BER_UNIVERSAL && t.len == 1 &&
	      m[t.off] == 5);
	CHECK(ber_next(&b, &t) && t.id == 0x04 && t.len == 2 && memcmp(m + t.off, "hi", 2) == 0);
	CHECK(!ber_next(&b, &t) && b.err == BER_OK);
	ber_leave(&b);
	CHECK(ber_next(&b, &t) && t.cls == BER_APPLICATION && t.tag == 128 && !t.constructed &&
	      t.len == 0);
	CHECK(ber_next(&b, &t) && t.cls == BER_CONTEXT && t.tag == 1 && t.constructed);
	CHECK(!ber_next(&b, &t) && b.err == BER_OK);

	/* the header errors, each named */
	static const struct {
		uint8_t p[8];
		size_t n;
		enum ber_error e;
	} bad[] = {
	    {{0x04, 0x80}, 2, BER_INDEFINITE},
	    {{0x04, 0x85, 0, 0, 0, 0, 1}, 7, BER_LENGTH_TOO_LONG},
	    {{0x04, 0xff}, 2, BER_LENGTH_TOO_LONG},
	    {{0x04, 0x82, 0x01}, 3, BER_TRUNCATED},
	    {{0x04}, 1, BER_TRUNCATED},
	    {{0x1f, 0x81, 0x82, 0x83, 0x04, 0x00}, 6, BER_TAG_TOO_BIG},
	    {{0x1f, 0x81}, 2, BER_TRUNCATED},
	    /* an inner length past its whole container */
	    {{0x30, 0x03, 0x04, 0x05, 'x'}, 5, BER_PAST_CONTAINER},
	    {{0x30, 0x01, 0x04}, 3, BER_PAST_CONTAINER},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint8_t *p = malloc(bad[i].n);
		memcpy(p, bad[i].p, bad[i].n);
		ber_init(&b, p, bad[i].n);
		bool got = ber_next(&b, &t);
		if (got && t.constructed && ber_enter(&b, &t))
			got = ber_next(&b, &t);
		free(p);
		CHECKF(!got && b.err == bad[i].e, "case %zu: err %d", i, (int)b.err);
		CHECK(!ber_next(&b, &t)); /* nothing more after an error */
		CHECK(*ber_strerror(b.err));
	}
	/* 3 bytes of tag number are fine: 21 bits */
	static const uint8_t big_tag[] = {0x9f, 0xff, 0xff, 0x7f, 0x00};
	ber_init(&b, big_tag, sizeof big_tag);
	CHECK(ber_next(&b, &t) && t.tag == 0x1fffff && t.cls == BER_CONTEXT);

	/* a length that lies: a value running past the data is cut there,
	 * and a constructed one read as far as its members are whole */
	static const uint8_t lie[] = {0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02,
	                              0x01, 0x07, 0x04, 0x05, 'a',  'b'};
	ber_init(&b, lie, sizeof lie);
	CHECK(ber_next(&b, &t) && t.cut && t.len == sizeof lie - 6 && ber_enter(&b, &t));
	CHECK(ber_next(&b, &t) && !t.cut && lie[t.off] == 7);
	CHECK(ber_next(&b, &t) && t.cut && t.len == 2);
	CHECK(!ber_next(&b, &t) && b.err == BER_OK);
	/* a primitive cannot be stepped into */
	ber_init(&b, lie + 6, 3);
	CHECK(ber_next(&b, &t) && !ber_enter(&b, &t) && b.err == BER_NOT_CONSTRUCTED);

	/* nesting: 40 SEQUENCEs, entered as deep as the bound allows */
	uint8_t deep[80];
	for (int i = 0; i < 40; i++) {
		deep[2 * i] = 0x30;
		deep[2 * i + 1] = (uint8_t)(78 - 2 * i);
	}
	ber_init(&b, deep, sizeof deep);
	int depth = 0;
	while (ber_next(&b, &t) && ber_enter(&b, &t))
		depth++;
	CHECK(depth == BER_DEPTH_MAX && b.err == BER_TOO_DEEP);
	/* and left again, level by level */
	ber_init(&b, deep, sizeof deep);
	for (int i = 0; i < 3; i++)
		CHECK(ber_next(&b, &t) && ber_enter(&b, &t));
	for (int i = 0; i < 3; i++)
		ber_leave(&b);
	ber_leave(&b);
	CHECK(b.depth == 0 && !ber_next(&b, &t) && b.err == BER_OK);

	/* zero-length everything: empty data, an empty SEQUENCE */
	ber_init(&b, m, 0);
	CHECK(!ber_next(&b, &t) && b.err == BER_OK);
	static const uint8_t empty[] = {0x30, 0x00};
	ber_init(&b, empty, 2);
	CHECK(ber_next(&b, &t) && t.len == 0 && ber_enter(&b, &t) && !ber_next(&b, &t) &&
	      b.err == BER_OK);
}

void test_ber_values(void)
{
	int64_t i;
	uint64_t u;
	static const struct {
		uint8_t v[9];
		size_t n;
		int64_t want;
	} ints[] = {
	    {{0x00}, 1, 0},
	    {{0x7f}, 1, 127},
	    {{0x80}, 1, -128},
	    {{0xff}, 1, -1},
	    {{0x00, 0x80}, 2, 128},
	    {{0xff, 0x7f}, 2, -129},
	    {{0x00, 0x00, 0x00, 0x05}, 4, 5}, /* not minimal, still read */
	    {{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 8, INT64_MAX},
	    {{0x80, 0, 0, 0, 0, 0, 0, 0}, 8, INT64_MIN},
	};
	for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++)
		CHECKF(ber_int(ints[k].v, ints[k].n, &i) == BER_OK && i == ints[k].want, "%zu", k);
	static const uint8_t nine[9] = {0};
	CHECK(ber_int(nine, 9, &i) == BER_BAD_INTEGER && ber_int(nine, 0, &i) == BER_BAD_INTEGER);
	/* unsigned: 9 bytes with a leading 0; the top bit read as unsigned */
	static const uint8_t c64[9] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	CHECK(ber_uint(c64, 9, &u) == BER_OK && u == UINT64_MAX);
	CHECK(ber_uint(c64 + 5, 4, &u) == BER_OK && u == 0xffffffffu);
	static const uint8_t nine1[9] = {1};
	CHECK(ber_uint(nine1, 9, &u) == BER_BAD_INTEGER && ber_uint(c64, 0, &u) == BER_BAD_INTEGER);

	/* OIDs: the first two arcs, big arcs, the bounds */
	char text[BER_OID_TEXT_MAX];
	static const uint8_t sysdescr_oid[] = {0x2b, 6, 1, 2, 1, 1, 1, 0};
	CHECK(ber_oid_text(sysdescr_oid, sizeof sysdescr_oid, text) == BER_OK &&
	      strcmp(text, "1.3.6.1.2.1.1.1.0") == 0);
	static const uint8_t zero[] = {0x00};
	CHECK(ber_oid_text(zero, 1, text) == BER_OK && strcmp(text, "0.0") == 0);
	static const uint8_t joint[] = {0x88, 0x37, 0x01}; /* 2.999.1 */
	CHECK(ber_oid_text(joint, 3, text) == BER_OK && strcmp(text, "2.999.1") == 0);
	static const uint8_t max64[] = {0x2b, 0x81, 0xff, 0xff, 0xff, 0xff,
	                                0xff, 0xff, 0xff, 0xff, 0x7f};
	CHECK(ber_oid_text(max64, sizeof max64, text) == BER_OK &&
	      strcmp(text, "1.3.18446744073709551615") == 0);
	static const uint8_t over64[] = {0x2b, 0x82, 0x80, 0x80, 0x80, 0x80,
	                                 0x80, 0x80, 0x80, 0x80, 0x00};
	CHECK(ber_oid_text(over64, sizeof over64, text) == BER_OID_ARC_TOO_BIG && !*text);
	/* an arc of many 0x80s is still the number it spells: bounded only
	 * by its bits */
	static const uint8_t pad[] = {0x2b, 0x80, 0x80, 0x80, 0x80, 0x80,
	                              0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
	CHECK(ber_oid_text(pad, sizeof pad, text) == BER_OK && strcmp(text, "1.3.1") == 0);
	static const uint8_t first_big[] = {0x81, 0x80, 0x80, 0x80, 0x80,
	                                    0x80, 0x80, 0x80, 0x80, 0x00};
	CHECK(ber_oid_text(first_big, sizeof first_big, text) == BER_OK &&
	      strcmp(text, "2.9223372036854775728") == 0);
	static const uint8_t unfinished[] = {0x2b, 0x06, 0x81};
	CHECK(ber_oid_text(unfinished, 3, text) == BER_BAD_OID && !*text);
	CHECK(ber_oid_text(unfinished, 0, text) == BER_BAD_OID);
	/* 128 arcs fit, 129 do not; the longest text fits its buffer */
	uint8_t many[2 + 127 * 10];
	size_t n = 0;
	many[n++] = 0x81; /* 2.48 and 0x7f ... */
	many[n++] = 0x00;
	for (int k = 0; k < 126; k++) {
		memcpy(many + n, max64 + 1, 10);
		n += 10;
	}
	CHECK(ber_oid_text(many, n, text) == BER_OK && strlen(text) < BER_OID_TEXT_MAX &&
	      strlen(text) == 4 + 126 * 21);
	memcpy(many + n, max64 + 1, 10);
	CHECK(ber_oid_text(many, n + 10, text) == BER_OID_TOO_MANY_ARCS && !*text);
}

/* ---- SNMP ---- */

static char list_csv[8192];

#define NETSNMP_VARBINDS                                                                           \
	"[{\"oid\":\"1.3.6.1.2.1.1.1.0\",\"type\":\"octet-string\",\"value\":\"Linux gw "          \
	"6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64\"},"            \
	"{\"oid\":\"1.3.6.1.2.1.1.2.0\",\"type\":\"oid\",\"value\":\"1.3.6.1.4.1.8072.3.2.10\"},"  \
	"{\"oid\":\"1.3.6.1.2.1.1.3.0\",\"type\":\"timeticks\",\"value\":\"123456789\"},"          \
	"{\"oid\":\"1.3.6.1.2.1.1.4.0\",\"type\":\"octet-string\",\"value\":\"Me "                 \
	"<me@example.org>\"},"                                                                     \
	"{\"oid\":\"1.3.6.1.2.1.1.5.0\",\"type\":\"octet-string\",\"value\":\"gw\"},"              \
	"{\"oid\":\"1.3.6.1.2.1.1.6.0\",\"type\":\"octet-string\",\"value\":\"Sitting on the "     \
	"Dock of the Bay\"}]"

void test_snmp_answer_fields(void)
{
	uint8_t a[1024];
	size_t n = netsnmp_answer(a, 0x4abc1234);
	CHECK(a[1] == 0x82); /* a message over 255 bytes: its length's long form */
	EXPECT(&snmp, a, n, B("app_success", 1), S("snmp_version", "v2c"),
	       S("snmp_community", "public"), S("snmp_pdu_type", "get-response"),
	       N("snmp_request_id", "1253839412"), N("snmp_error_status", "0"),
	       S("snmp_error_name", "noError"), N("snmp_error_index", "0"),
	       S("snmp_sysdescr", "Linux gw 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 "
	                          "(2024-02-01) x86_64"),
	       S("snmp_sysobjectid", "1.3.6.1.4.1.8072.3.2.10"), N("snmp_sysuptime", "123456789"),
	       S("snmp_syscontact", "Me <me@example.org>"), S("snmp_sysname", "gw"),
	       S("snmp_syslocation", "Sitting on the Dock of the Bay"),
	       {"snmp_varbinds", csv_cell(list_csv, NETSNMP_VARBINDS), NETSNMP_VARBINDS});

	/* an SNMPv1 agent whose view lacks a variable: noSuchName at 2, the
	 * request's varbinds (NULL values) sent back; a negative request-id;
	 * every length in the long form (BER allows it) */
	struct buf list = {.n = 0}, pdu = {.n = 0}, msg = {.n = 0}, whole = {.n = 0};
	for (int k = 1; k <= 2; k++)
		add_varbind(&list, k, 0x05, "", 0);
	add_int(&pdu, -5);
	add_int(&pdu, 2);
	add_int(&pdu, 2);
	add_lb(&pdu, 0x30, list.b, list.n, 2);
	add_lb(&msg, 0x02, "\0", 1, 1);
	add_lb(&msg, 0x04, "private", 7, 4);
	add_lb(&msg, 0xa2, pdu.b, pdu.n, 3);
	add_lb(&whole, 0x30, msg.b, msg.n, 4);
#define V1_VARBINDS                                                                                \
	"[{\"oid\":\"1.3.6.1.2.1.1.1.0\",\"type\":\"null\",\"value\":\"\"},"                       \
	"{\"oid\":\"1.3.6.1.2.1.1.2.0\",\"type\":\"null\",\"value\":\"\"}]"
	EXPECT(&snmp, whole.b, whole.n, B("app_success", 0), S("snmp_version", "v1"),
	       S("snmp_community", "private"), S("snmp_pdu_type", "get-response"),
	       N("snmp_request_id", "-5"), N("snmp_error_status", "2"),
	       S("snmp_error_name", "noSuchName"), N("snmp_error_index", "2"),
	       {"snmp_varbinds", csv_cell(list_csv, V1_VARBINDS), V1_VARBINDS});

	/* a community of odd bytes, escaped by the writer; an error-status
	 * past the names; a Report PDU */
	msg.n = whole.n = 0;
	pdu.n = 0;
	add_int(&pdu, 7);
	add_int(&pdu, 99);
	add_int(&pdu, 0);
	add(&pdu, 0x30, "", 0);
	add_int(&msg, 1);
	add(&msg, 0x04, "a,\"\\\xff", 5);
	add_buf(&msg, 0xa8, &pdu);
	add_buf(&whole, 0x30, &msg);
	EXPECT(&snmp, whole.b, whole.n, B("app_success", 0), S("snmp_version", "v2c"),
	       {"snmp_community", "\"a,\"\"\\x5c\\xff\"", "\"a,\\\"\\\\\\u00ff\""},
	       S("snmp_pdu_type", "report"), N("snmp_request_id", "7"),
	       N("snmp_error_status", "99"), N("snmp_error_index", "0"),
	       {"snmp_varbinds", "\"[]\"", "[]"});
}

/* A GetResponse of one varbind of 1.3.6.1.2.1.1.N.0 (N = scalar) and a
 * value into out; returns its length. */
static size_t one_varbind(uint8_t *out, int scalar, uint8_t type, const void *v, size_t len)
{
	struct buf list = {.n = 0}, pdu = {.n = 0}, msg = {.n = 0}, whole = {.n = 0};
	add_varbind(&list, scalar, type, v, len);
	add_int(&pdu, 1);
	add_int(&pdu, 0);
	add_int(&pdu, 0);
	add_buf(&pdu, 0x30, &list);
	add_int(&msg, 1);
	add(&msg, 0x04, "public", 6);
	add_buf(&msg, 0xa2, &pdu);
	add_buf(&whole, 0x30, &msg);
	memcpy(out, whole.b, whole.n);
	return whole.n;
}

/* The one varbind's type and value as JSON shows them. */
static bool varbind_is(const char *type, const char *value)
{
	char want[512];
	snprintf(want, sizeof want,
	         "[{\"oid\":\"1.3.6.1.2.1.1.7.0\",\"type\":\"%s\",\"value\":%s}]", type, value);
	return is("snmp_varbinds", want);
}

void test_snmp_value_types(void)
{
	static const struct {
		uint8_t type;
		uint8_t v[12];
		size_t n;
		const char *tname, *value, *error;
	} cases[] = {
	    {0x02, {0x80}, 1, "integer", "\"-128\"", NULL},
	    {0x02, {0x01, 0x00}, 2, "integer", "\"256\"", NULL},
	    {0x02, {0}, 0, "integer", "\"\"", "varbind 1: integer of a bad length"},
	    {0x02,
	     {1, 2, 3, 4, 5, 6, 7, 8, 9},
	     9,
	     "integer",
	     "\"010203040506070809\"",
	     "varbind 1: integer of a bad length"},
	    {0x04, {0}, 0, "octet-string", "\"\"", NULL},
	    {0x04, {0x00, 0x1b, 0x21}, 3, "octet-string", "\"\\u0000\\u001b!\"", NULL},
	    {0x05, {0}, 0, "null", "\"\"", NULL},
	    {0x06, {0x2b, 6, 1, 4, 1, 9, 1, 1}, 8, "oid", "\"1.3.6.1.4.1.9.1.1\"", NULL},
	    {0x06, {0}, 0, "oid", "\"\"", "varbind 1: OID empty or unfinished"},
	    {0x40, {192, 0, 2, 1}, 4, "ipaddress", "\"192.0.2.1\"", NULL},
	    {0x40, {192, 0, 2}, 3, "ipaddress", "\"c00002\"", "varbind 1: IpAddress of 3 bytes"},
	    {0x41, {0xff, 0xff, 0xff, 0xff}, 4, "counter32", "\"4294967295\"", NULL},
	    {0x42, {0x00, 0x80, 0x00, 0x00, 0x00}, 5, "gauge32", "\"2147483648\"", NULL},
	    {0x43, {0}, 1, "timeticks", "\"0\"", NULL},
	    {0x44, {0x9f, 0x78, 0x04, 0x3f, 0x80, 0, 0}, 7, "opaque", "\"9f78043f800000\"", NULL},
	    {0x46,
	     {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
	     9,
	     "counter64",
	     "\"18446744073709551615\"",
	     NULL},
	    {0x46, {0}, 0, "counter64", "\"\"", "varbind 1: integer of a bad length"},
	    {0x47, {0x05}, 1, "uinteger32", "\"5\"", NULL},
	    {0x80, {0}, 0, "nosuchobject", "\"\"", NULL},
	    {0x81, {0}, 0, "nosuchinstance", "\"\"", NULL},
	    {0x82, {0}, 0, "endofmibview", "\"\"", NULL},
	    {0x45, {1, 2}, 2, "tag-0x45", "\"0102\"", NULL},
	    {0x30, {0x02, 0x01, 0x00}, 3, "tag-0x30", "\"020100\"", NULL},
	};
	uint8_t a[128];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = one_varbind(a, 7, cases[i].type, cases[i].v, cases[i].n);
		run(&snmp, a, n, FIELDW_JSON);
		CHECKF(varbind_is(cases[i].tname, cases[i].value), "case %zu", i);
		char err[128] = "\"\"";
		if (cases[i].error)
			snprintf(err, sizeof err, "\"%s\"", cases[i].error);
		CHECKF(is("snmp_parse_error", err) && is("app_success", "true"), "case %zu", i);
	}
	/* the named fields take their type only: a sysName that is an
	 * INTEGER, a sysUpTime that is a Counter32, a sysObjectID that does
	 * not read */
	size_t n = one_varbind(a, 5, 0x02, "\x01", 1);
	run(&snmp, a, n, FIELDW_CSV);
	CHECK(unset("snmp_sysname") && is("snmp_parse_error", ""));
	n = one_varbind(a, 3, 0x41, "\x01", 1);
	run(&snmp, a, n, FIELDW_CSV);
	CHECK(unset("snmp_sysuptime"));
	n = one_varbind(a, 2, 0x06, "\x2b\x86", 2);
	run(&snmp, a, n, FIELDW_CSV);
	CHECK(unset("snmp_sysobjectid") &&
	      is("snmp_parse_error", "varbind 1: OID empty or unfinished"));
	/* a second varbind of a scalar: the first one's value counts */
	struct buf list = {.n = 0}, pdu = {.n = 0}, msg = {.n = 0}, whole = {.n = 0};
	add_varbind(&list, 5, 0x04, "first", 5);
	add_varbind(&list, 5, 0x04, "second", 6);
	add_int(&pdu, 1);
	add_int(&pdu, 0);
	add_int(&pdu, 0);
	add_buf(&pdu, 0x30, &list);
	add_int(&msg, 1);
	add(&msg, 0x04, "public", 6);
	add_buf(&msg, 0xa2, &pdu);
	add_buf(&whole, 0x30, &msg);
	run(&snmp, whole.b, whole.n, FIELDW_CSV);
	CHECK(is("snmp_sysname", "first") && count_in("snmp_varbinds", "{") == 2);
	/* a varbind name that does not read is shown in hex; the next read */
	list.n = pdu.n = msg.n = whole.n = 0;
	struct buf vb = {.n = 0};
	add(&vb, 0x06, "\x2b\x82\x80\x80\x80\x80\x80\x80\x80\x80\x00", 11);
	add(&vb, 0x05, "", 0);
	add_buf(&list, 0x30, &vb);
	add_varbind(&list, 5, 0x04, "after", 5);
	add_int(&pdu, 1);
	add_int(&pdu, 0);
	add_int(&pdu, 0);
	add_buf(&pdu, 0x30, &list);
	add_int(&msg, 1);
	add(&msg, 0x04, "public", 6);
	add_buf(&msg, 0xa2, &pdu);
	add_buf(&whole, 0x30, &msg);
	run(&snmp, whole.b, whole.n, FIELDW_JSON);
	CHECK(is("snmp_parse_error", "\"varbind 1: OID arc over 64 bits\"") &&
	      is("snmp_sysname", "\"after\"") && count_in("snmp_varbinds", "2b8280808080") == 1);
}

/* Decodes in both formats and checks the parse error. */
static bool snmp_fails(const void *a, size_t n, const char *why)
{
	for (int json = 0; json < 2; json++) {
		run(&snmp, a, n, json ? FIELDW_JSON : FIELDW_CSV);
		char want[256];
		snprintf(want, sizeof want, json ? "\"%s\"" : "%s", why);
		if (!is("snmp_parse_error", want) || fw_truncated(&fw) || unset("app_success"))
			return false;
	}
	return true;
}

#define SNMP_FAILS(bytes, why) CHECK(snmp_fails(bytes, sizeof bytes - 1, why))

void test_snmp_hostile_answers(void)
{
	uint8_t a[1024];
	size_t n = netsnmp_answer(a, 0x4abc1234);
	CHECK(snmp_fails(a, 0, "empty answer") && is("app_success", "false"));
	/* cut at every length: never a field past the cut, only whole
	 * varbinds listed, always an error */
	size_t whole_at[6], k = 0;
	{
		struct ber b;
		struct ber_tlv t;
		ber_init(&b, a, n);
		for (int d = 0; d < 3; d++) {
			ber_next(&b, &t);
			if (d == 1) { /* the PDU: past version and community */
				ber_next(&b, &t);
				ber_next(&b, &t);
			}
			if (d == 2) { /* the list: past three INTEGERs */
				ber_next(&b, &t);
				ber_next(&b, &t);
				ber_next(&b, &t);
			}
			ber_enter(&b, &t);
		}
		while (ber_next(&b, &t))
			whole_at[k++] = t.off + t.len;
	}
	CHECK(k == 6 && whole_at[5] == n);
	for (size_t cut = 1; cut < n; cut++) {
		run(&snmp, a, cut, cut & 1 ? FIELDW_JSON : FIELDW_CSV);
		CHECKF(!unset("snmp_parse_error"), "cut at %zu", cut);
		int whole = 0;
		for (size_t v = 0; v < 6; v++)
			whole += whole_at[v] <= cut;
		CHECKF(count_in("snmp_varbinds", "{") == whole, "cut at %zu: %d", cut, whole);
		CHECKF(unset("snmp_community") == (cut < 15), "cut at %zu", cut);
		CHECK(!fw_truncated(&fw) && !unset("app_success"));
	}
	run(&snmp, a, n, FIELDW_CSV);
	CHECK(unset("snmp_parse_error"));

	/* lengths that lie: the message's (0x84 ff ff ff ff) is cut at the
	 * datagram's end; an inner one past its whole container is refused */
	uint8_t lie[1100];
	size_t hl = 2 + (a[1] & 0x7f);
	lie[0] = 0x30;
	memcpy(lie + 1, "\x84\xff\xff\xff\xff", 5);
	memcpy(lie + 6, a + hl, n - hl);
	run(&snmp, lie, 6 + n - hl, FIELDW_CSV);
	CHECK(is("snmp_parse_error", "truncated") && is("snmp_sysname", "gw") &&
	      is("app_success", "1"));
	SNMP_FAILS("\x30\x0b\x02\x01\x01\x04\x84\xff\xff\xff\xff\x41\x42",
	           "community: length past its container");
	SNMP_FAILS("\x30\x0d\x02\x01\x01\x04\x85\x00\x00\x00\x00\x01\x41\x42",
	           "community: length of more than 4 bytes");
	SNMP_FAILS("\x30\x80\x02\x01\x01\x00\x00", "not an SNMP message");
	SNMP_FAILS("\x30\x05\x02\x01\x01\x04\x80", "community: indefinite length");
	SNMP_FAILS("\x30\x05\x02\x01\x01\x04\xff", "community: length of more than 4 bytes");
	/* not SNMP, or not what is read */
	SNMP_FAILS("\x31\x00", "not an SNMP message");
	SNMP_FAILS("\x30\x00", "version: missing");
	SNMP_FAILS("\x30\x02\x02\x00", "version: integer of a bad length");
	SNMP_FAILS("\x30\x03\x04\x01\x01", "version: unexpected tag 0x04");
	SNMP_FAILS("\x30\x03\x02\x01\x03", "SNMPv3: not decoded");
	CHECK(is("snmp_version", "\"v3\""));
	SNMP_FAILS("\x30\x03\x02\x01\x02", "community: missing");
	CHECK(is("snmp_version", "\"2\""));
	SNMP_FAILS("\x30\x05\x02\x01\x01\x04\x00", "PDU: missing");
	CHECK(is("snmp_community", "\"\""));
	SNMP_FAILS("\x30\x07\x02\x01\x01\x04\x00\x30\x00", "PDU: unexpected tag 0x30");
	SNMP_FAILS("\x30\x07\x02\x01\x00\x04\x00\xa4\x00", "SNMPv1 trap: not decoded");
	SNMP_FAILS("\x30\x07\x02\x01\x01\x04\x00\xa2\x00", "request-id: missing");
	SNMP_FAILS("\x30\x09\x02\x01\x01\x04\x00\xa2\x02\x02\x00",
	           "request-id: integer of a bad length");
	SNMP_FAILS("\x30\x0a\x02\x01\x01\x04\x00\xa2\x03\x02\x01\x01", "error-status: missing");
	SNMP_FAILS("\x30\x10\x02\x01\x01\x04\x00\xa2\x09\x02\x01\x01\x02\x01\x00\x02\x01\x00",
	           "varbind list: missing");
	CHECK(is("app_success", "true"));
	/* an empty varbind list is fine; a varbind without a value, a name
	 * that is not an OID, a varbind that is not a SEQUENCE */
	static const char head[] = "\x30\x00\x02\x01\x01\x04\x00\xa2\x00\x02\x01\x01\x02\x01\x00"
	                           "\x02\x01\x00\x30\x00";
	uint8_t m[64];
	memcpy(m, head, 20);
	m[1] = 18;
	m[8] = 11;
	CHECK(snmp_fails(m, 20, "") && is("app_success", "true") && is("snmp_varbinds", "[]"));
	memcpy(m + 20, "\x30\x03\x06\x01\x00", 5);
	m[1] += 5, m[8] += 5, m[19] = 5;
	CHECK(snmp_fails(m, 25, "varbind 1: no value"));
	memcpy(m + 20, "\x30\x03\x04\x01\x00", 5);
	CHECK(snmp_fails(m, 25, "varbind 1: unexpected tag 0x04"));
	memcpy(m + 20, "\x31\x03\x06\x01\x00", 5);
	CHECK(snmp_fails(m, 25, "varbind 1: unexpected tag 0x31"));
	memcpy(m + 20, "\x30\x03\x06\x05\x00", 5);
	CHECK(snmp_fails(m, 25, "varbind 1: length past its container"));
	/* a varbind list cut after a whole varbind; a message claiming more
	 * after its whole list */
	memcpy(m + 20, "\x30\x05\x06\x01\x00\x05\x00", 7);
	m[19] = 7;
	m[1] = 25, m[8] = 18;
	CHECK(snmp_fails(m, 27, ""));
	m[19] = 9, m[1] = 27, m[8] = 20;
	CHECK(snmp_fails(m, 27, "varbind list: truncated") && count_in("snmp_varbinds", "{") == 1);
	m[19] = 7, m[1] = 40, m[8] = 18;
	CHECK(snmp_fails(m, 27, "truncated") && count_in("snmp_varbinds", "{") == 1);

	/* deep nesting inside a value: shown in hex, nothing entered */
	uint8_t deep[150];
	size_t dn = 0;
	for (int i = 0; i < 50; i++) { /* each level holds the rest */
		size_t rest = (size_t)(49 - i) * 3;
		deep[dn++] = 0x30;
		deep[dn++] = 0x81;
		deep[dn++] = (uint8_t)rest;
	}
	n = one_varbind(a, 7, 0x30, deep + 3, dn - 3);
	run(&snmp, a, n, FIELDW_JSON);
	CHECK(is("snmp_parse_error", "\"\"") && count_in("snmp_varbinds", "tag-0x30") == 1);

	/* more varbinds than are kept */
	struct buf list = {.n = 0}, pdu = {.n = 0}, msg = {.n = 0}, whole = {.n = 0};
	for (int i = 0; i < SNMP_VARBINDS_MAX + 3; i++)
		add_varbind(&list, i % 9, 0x05, "", 0);
	add_int(&pdu, 1);
	add_int(&pdu, 0);
	add_int(&pdu, 0);
	add_buf(&pdu, 0x30, &list);
	add_int(&msg, 1);
	add(&msg, 0x04, "public", 6);
	add_buf(&msg, 0xa2, &pdu);
	add_buf(&whole, 0x30, &msg);
	run(&snmp, whole.b, whole.n, FIELDW_CSV);
	CHECK(is("snmp_parse_error", "more than 64 varbinds: the rest not read") &&
	      count_in("snmp_varbinds", "{") == SNMP_VARBINDS_MAX && is("app_success", "1"));

	/* random bytes, and random mutations of the answer */
	uint8_t r[300];
	for (int i = 0; i < 20000; i++) {
		size_t rn;
		if (i & 1) {
			rn = rnd() % sizeof r;
			for (size_t j = 0; j < rn; j++)
				r[j] = (uint8_t)rnd();
		} else {
			rn = netsnmp_answer(r, (int32_t)rnd());
			for (int j = rnd() % 4; j >= 0; j--)
				r[rnd() % rn] = (uint8_t)rnd();
			rn -= rnd() % 8;
		}
		run(&snmp, r, rn, i & 2 ? FIELDW_JSON : FIELDW_CSV);
		CHECK(!fw_truncated(&fw) && !unset("app_success"));
		/* a success has read its error-status */
		CHECK(strcmp(val("app_success"), i & 2 ? "true" : "1") != 0 ||
		      !unset("snmp_error_status"));
	}
}

void test_snmp_request_round_trip(void)
{
	static char community[SNMP_COMMUNITY_MAX + 2];
	memset(community, 'c', sizeof community - 1);
	static const size_t lens[] = {1, 6, 21, 22, 127, 128, 255};
	uint8_t q[SNMP_REQUEST_MAX];
	for (int v = 0; v < 2; v++) {
		for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
			size_t n = snmp_request(v, community, lens[k], q, sizeof q);
			CHECKF(n > 0 && n <= SNMP_REQUEST_MAX, "v%d %zu", v, lens[k]);
			run(&snmp, q, n, FIELDW_CSV);
			char c[SNMP_COMMUNITY_MAX + 1];
			memcpy(c, community, lens[k]);
			c[lens[k]] = 0;
			CHECK(is("snmp_version", v ? "v2c" : "v1") && is("snmp_community", c) &&
			      is("snmp_pdu_type", "get-request") && is("app_success", "0") &&
			      is("snmp_request_id", "1073741824") && is("snmp_parse_error", ""));
			CHECK(count_in("snmp_varbinds", "\"\"type\"\":\"\"null\"\"") == 6);
			for (int s = 1; s <= 6; s++) {
				char o[32];
				snprintf(o, sizeof o, "1.3.6.1.2.1.1.%d.0", s);
				CHECK(count_in("snmp_varbinds", o) == 1);
			}
			int64_t id;
			size_t off, len;
			CHECK(snmp_request_id(q, n, &id, &off, &len) && id == 0x40000000 &&
			      len == SNMP_REQUEST_ID_LEN && memcmp(q + off, "\x40\0\0\0", 4) == 0);
			/* one byte short of room: nothing */
			CHECK(snmp_request(v, community, lens[k], q, n - 1) == 0);
		}
	}
	CHECK(snmp_request(2, "x", 1, q, sizeof q) == 0);
	CHECK(snmp_request(0, community, SNMP_COMMUNITY_MAX + 1, q, sizeof q) == 0);
	/* the request-id is found in every message that has one, and in
	 * none cut before it */
	size_t n = snmp_request(SNMP_V2C, "public", 6, q, sizeof q);
	int64_t id;
	size_t off, len;
	for (size_t cut = 0; cut < n; cut++)
		CHECK(snmp_request_id(q, cut, &id, &off, &len) == (cut >= 21));
	q[13] = 0xa4; /* a v1 trap has none */
	CHECK(!snmp_request_id(q, n, &id, &off, &len));
}

/* An answer to the probe in frame (IPv4): from its target and port to
 * its source and port, carrying pay[0..n). Returns its IP length. */
static size_t answer_to(const uint8_t *frame, const void *pay, size_t n, uint8_t *ip)
{
	const uint8_t *pip = frame + 14, *pudp = pip + 20;
	uint8_t *udp = ip + 20;
	wr16(udp, rd16(pudp + 2));
	wr16(udp + 2, rd16(pudp));
	wr16(udp + 4, (uint16_t)(8 + n));
	wr16(udp + 6, 0);
	memcpy(udp + 8, pay, n);
	return make_ip(ip, rd32(pip + 16), rd32(pip + 12), 17, 8 + n);
}

/* The module's verdict on an answer to frame of pay[0..n), decoded into
 * fw when valid. */
static enum probe_verdict answer_verdict(const struct probe_module *m,
                                         const struct probe_params *pp, const uint8_t *frame,
                                         const void *pay, size_t n)
{
	uint8_t ip[1600];
	size_t len = answer_to(frame, pay, n, ip);
	struct probe_result r = {0};
	enum probe_verdict v = m->validate(pp, ip, len, &r);
	if (v == PROBE_VALID) {
		fw_reset(&fw, m->app_fields, m->n_app_fields, FIELDW_CSV);
		m->decode(pp, &r, &fw);
	}
	return v;
}

void test_snmp_module_validation(void)
{
	const struct probe_module *m = probe_find("snmp");
	struct secret s = test_secret(41), other = test_secret(42);
	struct probe_params pp = params(&s), pp_other = params(&other);
	struct zerr e;
	uint8_t frame[PROBE_MAX_FRAME];
	CHECK(m && !m->args_help && m->args_example);
	/* the arguments */
	static const struct {
		const char *args;
		bool ok;
	} args[] = {
	    {NULL, true},         {"v1", true},       {"v2c", true},       {"v1:private", true},
	    {"v2c:a:b", true},    {"v2c:", false},    {"v3", false},       {"v2", false},
	    {"V1:public", false}, {":public", false}, {"v1public", false},
	};
	for (size_t i = 0; i < sizeof args / sizeof args[0]; i++) {
		int rc = probe_setup(m, &pp, args[i].args, &e);
		CHECKF((rc == 0) == args[i].ok, "%s", args[i].args ? args[i].args : "(none)");
		if (rc == 0)
			probe_teardown(m, &pp);
		else
			CHECK(strstr(e.msg, "--probe-args"));
	}
	char longc[300] = "v1:";
	memset(longc + 3, 'x', 255);
	CHECK(probe_setup(m, &pp, longc, &e) == 0);
	probe_teardown(m, &pp);
	longc[3 + 255] = 'x';
	CHECK(probe_setup(m, &pp, longc, &e) < 0);

	CHECK(probe_setup(m, &pp, "v2c:public", &e) == 0);
	CHECK(fabs(m->answer_bits(&pp) - (log2(28233) + 30)) < 1e-9);
	uint32_t src = 0xc6120001u, dst = 0xc6121007u;
	CHECK(m->make_template(&pp, src, frame, &e) == 0);
	size_t flen = m->fill(&pp, frame, src, dst, 161, 0);
	CHECK(l4_csum_ok(frame + 14, 17));
	const uint8_t *q = frame + 14 + 28;
	int64_t id, id2;
	size_t off, len;
	CHECK(snmp_request_id(q, flen - 42, &id, &off, &len) && len == 4 && (id >> 30) == 1);
	/* another target, another id; the checksum still right */
	uint8_t f2[PROBE_MAX_FRAME];
	CHECK(m->make_template(&pp, src, f2, &e) == 0);
	m->fill(&pp, f2, src, dst + 1, 161, 0);
	CHECK(l4_csum_ok(f2 + 14, 17) && snmp_request_id(f2 + 42, flen - 42, &id2, &off, &len) &&
	      id2 != id);

	/* net-snmp's answer with the probe's id: valid, and decoded */
	uint8_t a[1024];
	size_t n = netsnmp_answer(a, id);
	CHECK(answer_verdict(m, &pp, frame, a, n) == PROBE_VALID && is("snmp_sysname", "gw") &&
	      is("app_success", "1"));
	/* the same id encoded otherwise (a long-form message length, a
	 * 5-byte INTEGER): the value counts, not its bytes */
	struct buf list = {.n = 0}, pdu = {.n = 0}, msg = {.n = 0}, whole = {.n = 0};
	add_varbind(&list, 5, 0x04, "gw", 2);
	uint8_t idb[5] = {0, (uint8_t)(id >> 24), (uint8_t)(id >> 16), (uint8_t)(id >> 8),
	                  (uint8_t)id};
	add(&pdu, 0x02, idb, 5);
	add_int(&pdu, 0);
	add_int(&pdu, 0);
	add_buf(&pdu, 0x30, &list);
	add_int(&msg, 1);
	add(&msg, 0x04, "public", 6);
	add_buf(&msg, 0xa2, &pdu);
	add_lb(&whole, 0x30, msg.b, msg.n, 4);
	CHECK(answer_verdict(m, &pp, frame, whole.b, whole.n) == PROBE_VALID);
	/* any other id, another key, no id, not SNMP at all */
	for (int d = -2; d <= 2; d++) {
		n = netsnmp_answer(a, id + d);
		CHECK((answer_verdict(m, &pp, frame, a, n) == PROBE_VALID) == (d == 0));
	}
	n = netsnmp_answer(a, id ^ 0x40000000);
	CHECK(answer_verdict(m, &pp, frame, a, n) == PROBE_BAD_MAC);
	n = netsnmp_answer(a, id);
	CHECK(answer_verdict(m, &pp_other, frame, a, n) != PROBE_VALID);
	CHECK(answer_verdict(m, &pp, frame, a, 19) == PROBE_BAD_MAC);
	CHECK(answer_verdict(m, &pp, frame, "hello", 5) == PROBE_BAD_MAC);
	CHECK(answer_verdict(m, &pp, frame, "", 0) == PROBE_BAD_MAC);
	/* the request echoed back carries the id: valid, not a success */
	CHECK(answer_verdict(m, &pp, frame, q, flen - 42) == PROBE_VALID &&
	      is("app_success", "0") && is("snmp_pdu_type", "get-request"));
	probe_teardown(m, &pp);
	/* zrecv's side, set up without arguments, validates the same */
	CHECK(probe_setup(m, &pp, NULL, &e) == 0);
	CHECK(answer_verdict(m, &pp, frame, a, n) == PROBE_VALID);
	probe_teardown(m, &pp);
}

/* ---- NetBIOS ---- */

struct nbname {
	const char *name;
	uint8_t suffix;
	uint16_t flags;
};

/* A node status answer of the names, the unit id and stats bytes of
 * statistics (46 in RFC 1002) into out; returns its length. */
static size_t nbstat_answer(uint8_t *out, uint16_t id, const struct nbname *names, int k,
                            const uint8_t *mac, size_t stats)
{
	uint8_t *p = out;
	wr16(p, id);
	wr16(p + 2, 0x8400); /* response, authoritative */
	wr16(p + 4, 0);
	wr16(p + 6, 1);
	wr16(p + 8, 0);
	wr16(p + 10, 0);
	p += 12;
	*p++ = 32;
	*p++ = 'C';
	*p++ = 'K';
	memset(p, 'A', 30);
	p += 30;
	*p++ = 0;
	wr16(p, 0x21);
	wr16(p + 2, 1);
	wr32(p + 4, 0);
	wr16(p + 8, (uint16_t)(1 + 18 * k + stats));
	p += 10;
	*p++ = (uint8_t)k;
	for (int i = 0; i < k; i++) {
		size_t l = strlen(names[i].name);
		memset(p, ' ', 15);
		memcpy(p, names[i].name, l);
		p[15] = names[i].suffix;
		wr16(p + 16, names[i].flags);
		p += 18;
	}
	memset(p, 0, stats);
	if (mac)
		memcpy(p, mac, stats < 6 ? stats : 6);
	return (size_t)(p + stats - out);
}

/* what nmbd (Samba 4.17) answers for a file server in WORKGROUP that is
 * its local master browser */
static const struct nbname samba[] = {
    {"FILESRV", 0x00, 0x0400},   {"FILESRV", 0x03, 0x0400},
    {"FILESRV", 0x20, 0x0400},   {"\x01\x02__MSBROWSE__\x02", 0x01, 0x8400},
    {"WORKGROUP", 0x00, 0x8400}, {"WORKGROUP", 0x1d, 0x0400},
    {"WORKGROUP", 0x1e, 0x8400},
};

#define SAMBA_NAMES                                                                                \
	"[{\"name\":\"FILESRV\",\"suffix\":\"00\",\"type\":\"unique\",\"flags\":1024},"            \
	"{\"name\":\"FILESRV\",\"suffix\":\"03\",\"type\":\"unique\",\"flags\":1024},"             \
	"{\"name\":\"FILESRV\",\"suffix\":\"20\",\"type\":\"unique\",\"flags\":1024},"             \
	"{\"name\":\"\\u0001\\u0002__MSBROWSE__\\u0002\",\"suffix\":\"01\",\"type\":\"group\","    \
	"\"flags\":33792},"                                                                        \
	"{\"name\":\"WORKGROUP\",\"suffix\":\"00\",\"type\":\"group\",\"flags\":33792},"           \
	"{\"name\":\"WORKGROUP\",\"suffix\":\"1d\",\"type\":\"unique\",\"flags\":1024},"           \
	"{\"name\":\"WORKGROUP\",\"suffix\":\"1e\",\"type\":\"group\",\"flags\":33792}]"

void test_netbios_answer_fields(void)
{
	uint8_t a[1024];
	size_t n = nbstat_answer(a, 0x1234, samba, 7, NULL, 46);
	EXPECT(&netbios, a, n, B("app_success", 1), N("netbios_rcode", "0"),
	       N("netbios_name_count", "7"),
	       {"netbios_names", csv_cell(list_csv, SAMBA_NAMES), SAMBA_NAMES},
	       S("netbios_name", "FILESRV"), S("netbios_workgroup", "WORKGROUP"),
	       S("netbios_mac", "00:00:00:00:00:00"));

	/* a Windows host: its MAC, a domain, a user's name (suffix 03)
	 * first, names padded with NULs, a name with a space inside */
	static const struct nbname win[] = {
	    {"ALICE", 0x03, 0x0400},
	    {"DESKTOP-7Q2", 0x00, 0x0400},
	    {"CORP", 0x00, 0x8400},
	    {"MY PC", 0x20, 0x0400},
	};
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	n = nbstat_answer(a, 0x1234, win, 4, mac, 46);
	memset(a + 57 + 18 + 11, 0, 4); /* DESKTOP-7Q2 padded with NULs */
#define WIN_NAMES                                                                                  \
	"[{\"name\":\"ALICE\",\"suffix\":\"03\",\"type\":\"unique\",\"flags\":1024},"              \
	"{\"name\":\"DESKTOP-7Q2\",\"suffix\":\"00\",\"type\":\"unique\",\"flags\":1024},"         \
	"{\"name\":\"CORP\",\"suffix\":\"00\",\"type\":\"group\",\"flags\":33792},"                \
	"{\"name\":\"MY PC\",\"suffix\":\"20\",\"type\":\"unique\",\"flags\":1024}]"
	EXPECT(&netbios, a, n, B("app_success", 1), N("netbios_rcode", "0"),
	       N("netbios_name_count", "4"),
	       {"netbios_names", csv_cell(list_csv, WIN_NAMES), WIN_NAMES},
	       S("netbios_name", "DESKTOP-7Q2"), S("netbios_workgroup", "CORP"),
	       S("netbios_mac", "52:54:00:12:34:56"));

	/* an empty name table; statistics of the unit id alone, or of less */
	n = nbstat_answer(a, 1, NULL, 0, mac, 6);
	EXPECT(&netbios, a, n, B("app_success", 1), N("netbios_rcode", "0"),
	       N("netbios_name_count", "0"), {"netbios_names", "\"[]\"", "[]"},
	       S("netbios_mac", "52:54:00:12:34:56"));
	n = nbstat_answer(a, 1, win, 1, mac, 5);
	run(&netbios, a, n, FIELDW_CSV);
	CHECK(unset("netbios_mac") && is("app_success", "1") && is("netbios_parse_error", ""));
	/* a question sent back before the answer is passed over; the answer's
	 * name as a pointer to it */
	uint8_t b[1024];
	n = nbstat_answer(a, 7, samba, 2, NULL, 46);
	memcpy(b, a, 12);
	wr16(b + 4, 1);
	memcpy(b + 12, a + 12, 34);
	wr16(b + 46, 0x21);
	wr16(b + 48, 1);
	wr16(b + 50, 0xc00c);
	memcpy(b + 52, a + 46, n - 46);
	run(&netbios, b, n + 6, FIELDW_CSV);
	CHECK(is("netbios_name", "FILESRV") && is("app_success", "1") &&
	      is("netbios_parse_error", ""));
	/* an error rcode */
	wr16(a + 2, 0x8403);
	run(&netbios, a, n, FIELDW_CSV);
	CHECK(is("netbios_rcode", "3") && is("app_success", "0") && is("netbios_name", "FILESRV"));
}

static bool netbios_fails(const void *a, size_t n, const char *why)
{
	for (int json = 0; json < 2; json++) {
		run(&netbios, a, n, json ? FIELDW_JSON : FIELDW_CSV);
		char want[256];
		snprintf(want, sizeof want, json ? "\"%s\"" : "%s", why);
		if (!is("netbios_parse_error", want) || fw_truncated(&fw) || unset("app_success"))
			return false;
	}
	return true;
}

void test_netbios_hostile_answers(void)
{
	uint8_t a[1024];
	size_t n = nbstat_answer(a, 0x1234, samba, 7, NULL, 46);
	CHECK(netbios_fails(a, 0, "empty answer"));
	/* every cut: what came, and the error of its place */
	size_t table = 12 + 34 + 10 + 1, stats = table + 7 * 18;
	for (size_t cut = 1; cut < n; cut++) {
		run(&netbios, a, cut, FIELDW_JSON);
		const char *why = cut < 12      ? "truncated header"
		                  : cut < 46    ? "answer record: bad or truncated name"
		                  : cut < 56    ? "truncated answer record"
		                  : cut < 57    ? "truncated answer record"
		                  : cut < stats ? "truncated name table"
		                                : "truncated statistics";
		char want[64];
		snprintf(want, sizeof want, "\"%s\"", why);
		CHECKF(is("netbios_parse_error", want), "cut at %zu", cut);
		CHECKF(count_in("netbios_names", "suffix") == (int)(cut < table ? 0
		                                                    : (cut - table) / 18 > 7
		                                                        ? 7
		                                                        : (cut - table) / 18),
		       "cut at %zu", cut);
		CHECK(is("app_success", cut >= stats ? "true" : "false"));
		CHECK(unset("netbios_mac") == (cut < stats + 6));
		CHECK(!fw_truncated(&fw));
	}
	/* counts and lengths that lie */
	a[56] = 10; /* more names than the record holds, even read from its statistics */
	CHECK(netbios_fails(a, n, "name table longer than its record"));
	a[56] = 255;
	CHECK(netbios_fails(a, n, "name table longer than its record"));
	a[56] = 7;
	wr16(a + 54, 0xffff); /* rdlength */
	CHECK(netbios_fails(a, n, "truncated statistics") && is("app_success", "true"));
	wr16(a + 54, 1 + 18 * 3);
	CHECK(netbios_fails(a, n, "name table longer than its record") &&
	      count_in("netbios_names", "suffix") == 3);
	wr16(a + 54, 0);
	CHECK(netbios_fails(a, n, "empty node status"));
	wr16(a + 54, 1 + 18 * 7 + 46);
	/* not an answer to the request */
	wr16(a + 2, 0x0000);
	CHECK(netbios_fails(a, n, "not a response"));
	wr16(a + 2, 0xa800); /* a registration's response */
	CHECK(netbios_fails(a, n, "not a query's response (opcode)"));
	wr16(a + 2, 0x8400);
	wr16(a + 6, 0);
	CHECK(netbios_fails(a, n, "no answer record"));
	wr16(a + 6, 1);
	wr16(a + 46, 0x20); /* NB, a name query's answer */
	CHECK(netbios_fails(a, n, "answer record not of type NBSTAT"));
	wr16(a + 46, 0x21);
	/* names that do not end, or run too long, or use a reserved label
	 * type; a question that is cut */
	a[12] = 0x40;
	CHECK(netbios_fails(a, n, "answer record: bad or truncated name"));
	a[12] = 32;
	uint8_t lbl[400];
	memcpy(lbl, a, 12);
	for (int i = 0; i < 5; i++) {
		lbl[12 + 64 * i] = 63;
		memset(lbl + 13 + 64 * i, 'A', 63);
	}
	lbl[12 + 320] = 0;
	CHECK(netbios_fails(lbl, 12 + 321, "answer record: bad or truncated name"));
	wr16(a + 4, 1); /* a question first, cut */
	CHECK(netbios_fails(a, 30, "question: bad or truncated name"));
	CHECK(netbios_fails(a, 48, "truncated question"));
	wr16(a + 4, 0);
	/* the request itself: a query */
	uint8_t q[NETBIOS_REQUEST_LEN];
	CHECK(netbios_fails(q, netbios_request(q), "not a response") && unset("netbios_names"));
	/* random bytes, and random mutations of the answer */
	uint8_t r[400];
	for (int i = 0; i < 20000; i++) {
		size_t rn;
		if (i & 1) {
			rn = rnd() % sizeof r;
			for (size_t j = 0; j < rn; j++)
				r[j] = (uint8_t)rnd();
		} else {
			rn = nbstat_answer(r, 1, samba, (int)(rnd() % 8), NULL, rnd() % 50);
			for (int j = rnd() % 3; j >= 0; j--)
				r[rnd() % rn] = (uint8_t)rnd();
			rn -= rnd() % 4;
		}
		run(&netbios, r, rn, i & 2 ? FIELDW_JSON : FIELDW_CSV);
		CHECK(!fw_truncated(&fw) && !unset("app_success"));
	}
}

void test_netbios_module_validation(void)
{
	const struct probe_module *m = probe_find("netbios");
	struct secret s = test_secret(43);
	struct probe_params pp = params(&s);
	struct zerr e;
	uint8_t frame[PROBE_MAX_FRAME], q[NETBIOS_REQUEST_LEN];
	/* the request, byte for byte (RFC 1002 4.2.17) */
	static const uint8_t want[NETBIOS_REQUEST_LEN] =
	    "\0\0\0\0\0\x01\0\0\0\0\0\0\x20"
	    "CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\0\0\x21\0\x01";
	CHECK(netbios_request(q) == NETBIOS_REQUEST_LEN && memcmp(q, want, sizeof q) == 0);
	CHECK(m && probe_setup(m, &pp, "x", &e) < 0);
	CHECK(probe_setup(m, &pp, NULL, &e) == 0);
	CHECK(fabs(m->answer_bits(&pp) - (log2(28233) + 16)) < 1e-9);
	uint32_t src = 0xc6120001u, dst = 0xc6121009u;
	CHECK(m->make_template(&pp, src, frame, &e) == 0);
	m->fill(&pp, frame, src, dst, 137, 0);
	const uint8_t *p = frame + 42;
	CHECK(l4_csum_ok(frame + 14, 17) && memcmp(p + 2, want + 2, sizeof want - 2) == 0);
	uint8_t a[1024];
	size_t n = nbstat_answer(a, rd16(p), samba, 7, NULL, 46);
	CHECK(answer_verdict(m, &pp, frame, a, n) == PROBE_VALID && is("netbios_name", "FILESRV"));
	wr16(a, (uint16_t)(rd16(p) + 1));
	CHECK(answer_verdict(m, &pp, frame, a, n) == PROBE_BAD_MAC);
	probe_teardown(m, &pp);
}

/* ---- BACnet ---- */

/* A ReadProperty ComplexACK for property of Device instance, with the
 * value's tagged bytes, into out; returns its length. */
static size_t rp_ack(uint8_t *out, uint8_t invoke, uint32_t instance, uint8_t property,
                     const void *value, size_t vlen)
{
	uint8_t *p = out;
	static const uint8_t head[] = {0x81, 0x0a, 0, 0, 0x01, 0x00, 0x30};
	memcpy(p, head, sizeof head);
	p += sizeof head;
	*p++ = invoke;
	*p++ = 0x0c;
	*p++ = 0x0c;
	wr32(p, 8u << 22 | instance);
	p += 4;
	*p++ = 0x19;
	*p++ = property;
	*p++ = 0x3e;
	memcpy(p, value, vlen);
	p += vlen;
	*p++ = 0x3f;
	wr16(out + 2, (uint16_t)(p - out));
	return (size_t)(p - out);
}

void test_bacnet_answer_fields(void)
{
	uint8_t a[1600];
	/* object-identifier, asked of the wildcard and answered as asked:
	 * the instance comes from the value */
	size_t n = rp_ack(a, 0x5a, 4194303, 75, "\xc4\x02\x00\x04\xd2", 5);
	EXPECT(&bacnet, a, n, B("app_success", 1), S("bacnet_pdu_type", "complex-ack"),
	       S("bacnet_service", "read-property"), S("bacnet_object_type", "device"),
	       N("bacnet_object_instance", "4194303"), S("bacnet_property", "object-identifier"),
	       S("bacnet_value", "device:1234"),
	       {"bacnet_values",
	        "\"[{\"\"type\"\":\"\"object-identifier\"\",\"\"value\"\":\"\"device:1234\"\"}]\"",
	        "[{\"type\":\"object-identifier\",\"value\":\"device:1234\"}]"},
	       N("bacnet_instance", "1234"));
	/* vendor-name from a controller that names itself in the ack */
	static const char vn[] = "\x75\x16\x00Johnson Controls\x2c Inc";
	n = rp_ack(a, 1, 260001, 121, vn, sizeof vn - 1);
	EXPECT(&bacnet, a, n, B("app_success", 1), S("bacnet_pdu_type", "complex-ack"),
	       S("bacnet_service", "read-property"), S("bacnet_object_type", "device"),
	       N("bacnet_object_instance", "260001"), S("bacnet_property", "vendor-name"),
	       {"bacnet_value", "\"Johnson Controls, Inc\"", "\"Johnson Controls, Inc\""},
	       {"bacnet_values",
	        "\"[{\"\"type\"\":\"\"character-string\"\",\"\"value\"\":\"\"Johnson Controls, "
	        "Inc\"\"}]\"",
	        "[{\"type\":\"character-string\",\"value\":\"Johnson Controls, Inc\"}]"},
	       N("bacnet_instance", "260001"),
	       {"bacnet_vendor_name", "\"Johnson Controls, Inc\"", "\"Johnson Controls, Inc\""});
	/* the other named properties */
	static const struct {
		uint8_t property;
		const char *field;
	} named[] = {{77, "bacnet_object_name"},       {70, "bacnet_model_name"},
	             {44, "bacnet_firmware_revision"}, {12, "bacnet_application_software_version"},
	             {28, "bacnet_description"},       {58, "bacnet_location"}};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		n = rp_ack(a, 1, 4194303, named[i].property, "\x75\x05\x00RTU1", 7);
		run(&bacnet, a, n, FIELDW_CSV);
		CHECKF(is(named[i].field, "RTU1") && is("bacnet_value", "RTU1") &&
		           unset("bacnet_instance") && is("app_success", "1"),
		       "%s", named[i].field);
	}
	n = rp_ack(a, 1, 17, 120, "\x22\x01\x04", 3);
	run(&bacnet, a, n, FIELDW_JSON);
	CHECK(is("bacnet_vendor_id", "260") && is("bacnet_value", "\"260\"") &&
	      is("bacnet_instance", "17") && is("bacnet_property", "\"vendor-identifier\""));
	/* a named property of the wrong type gets no field */
	n = rp_ack(a, 1, 17, 121, "\x21\x05", 2);
	run(&bacnet, a, n, FIELDW_CSV);
	CHECK(unset("bacnet_vendor_name") && is("bacnet_value", "5"));
	/* a property without a name here, with an array index */
	uint8_t b[64];
	n = rp_ack(a, 1, 17, 200, "\x21\x05", 2);
	memcpy(b, a, 16);
	b[16] = 0x29; /* [2] index 3 */
	b[17] = 3;
	memcpy(b + 18, a + 16, n - 16);
	wr16(b + 2, (uint16_t)(n + 2));
	run(&bacnet, b, n + 2, FIELDW_CSV);
	CHECK(is("bacnet_property", "200") && is("bacnet_value", "5") && is("app_success", "1"));

	/* an Error: unknown-property */
	static const uint8_t err[] = {0x81, 0x0a, 0x00, 0x0d, 0x01, 0x00, 0x50,
	                              0x07, 0x0c, 0x91, 0x02, 0x91, 0x20};
	EXPECT(&bacnet, err, sizeof err, B("app_success", 0), S("bacnet_pdu_type", "error"),
	       S("bacnet_service", "read-property"), S("bacnet_error_class", "property"),
	       S("bacnet_error_code", "unknown-property"));
	static const uint8_t err2[] = {0x81, 0x0a, 0x00, 0x0e, 0x01, 0x00, 0x50,
	                               0x07, 0x0f, 0x91, 0x09, 0x92, 0x01, 0x2c};
	EXPECT(&bacnet, err2, sizeof err2, B("app_success", 0), S("bacnet_pdu_type", "error"),
	       S("bacnet_service", "write-property"), S("bacnet_error_class", "9"),
	       S("bacnet_error_code", "300"));
	/* a Reject, an Abort, a SimpleACK */
	static const uint8_t rej[] = {0x81, 0x0a, 0x00, 0x09, 0x01, 0x00, 0x60, 0x07, 0x09};
	EXPECT(&bacnet, rej, sizeof rej, B("app_success", 0), S("bacnet_pdu_type", "reject"),
	       S("bacnet_reason", "unrecognized-service"));
	static const uint8_t abt[] = {0x81, 0x0a, 0x00, 0x09, 0x01, 0x00, 0x71, 0x07, 0x04};
	EXPECT(&bacnet, abt, sizeof abt, B("app_success", 0), S("bacnet_pdu_type", "abort"),
	       S("bacnet_reason", "segmentation-not-supported"));
	static const uint8_t abt2[] = {0x81, 0x0a, 0x00, 0x09, 0x01, 0x00, 0x70, 0x07, 0x40};
	EXPECT(&bacnet, abt2, sizeof abt2, B("app_success", 0), S("bacnet_pdu_type", "abort"),
	       S("bacnet_reason", "64"));
	static const uint8_t sack[] = {0x81, 0x0a, 0x00, 0x09, 0x01, 0x00, 0x20, 0x07, 0x0f};
	EXPECT(&bacnet, sack, sizeof sack, B("app_success", 0), S("bacnet_pdu_type", "simple-ack"),
	       S("bacnet_service", "write-property"));
	/* an I-Am, unasked (a device announcing itself) */
	static const uint8_t iam[] = {0x81, 0x0b, 0x00, 0x14, 0x01, 0x20, 0xff, 0xff, 0x00, 0xff,
	                              0x10, 0x00, 0xc4, 0x02, 0x00, 0x04, 0xd2, 0x22, 0x05, 0xc4};
	EXPECT(&bacnet, iam, sizeof iam, B("app_success", 0),
	       S("bacnet_pdu_type", "unconfirmed-request"), S("bacnet_service", "i-am"));

	/* through a router (the source's network and address in the NPDU),
	 * and forwarded by a BBMD */
	n = rp_ack(a, 9, 4194303, 77,
	           "\x75\x06\x00"
	           "AHU-2",
	           8);
	memcpy(b, a, 4);
	b[4] = 0x01;
	b[5] = 0x08;
	memcpy(b + 6, "\x00\x05\x01\x07", 4);
	memcpy(b + 10, a + 6, n - 6);
	wr16(b + 2, (uint16_t)(n + 4));
	run(&bacnet, b, n + 4, FIELDW_CSV);
	CHECK(is("bacnet_object_name", "AHU-2") && is("app_success", "1") &&
	      is("bacnet_parse_error", ""));
	CHECK(bacnet_invoke_id_at(b, n + 4) == 11 && b[11] == 9);
	memcpy(b, a, 4);
	b[1] = 0x04;
	memcpy(b + 4, "\xc0\x00\x02\x07\xba\xc0", 6);
	memcpy(b + 10, a + 4, n - 4);
	wr16(b + 2, (uint16_t)(n + 6));
	run(&bacnet, b, n + 6, FIELDW_CSV);
	CHECK(is("bacnet_object_name", "AHU-2") && is("app_success", "1"));
	CHECK(bacnet_invoke_id_at(b, n + 6) == 13 && b[13] == 9);
	/* bytes after the BVLC's length are not the message's */
	n = rp_ack(a, 9, 4194303, 77,
	           "\x75\x06\x00"
	           "AHU-2",
	           8);
	memset(a + n, 0xee, 8);
	run(&bacnet, a, n + 8, FIELDW_CSV);
	CHECK(is("bacnet_object_name", "AHU-2") && is("bacnet_parse_error", ""));
}

void test_bacnet_value_types(void)
{
	static const struct {
		const char *bytes;
		size_t n;
		const char *type, *value;
		bool bad;
	} cases[] = {
	    {"\x00", 1, "null", "", false},
	    {"\x10", 1, "boolean", "false", false},
	    {"\x11", 1, "boolean", "true", false},
	    {"\x12", 1, "boolean", "", true},
	    {"\x21\x00", 2, "unsigned", "0", false},
	    {"\x25\x08\xff\xff\xff\xff\xff\xff\xff\xff", 10, "unsigned", "18446744073709551615",
	     false},
	    {"\x20", 1, "unsigned", "", true},
	    {"\x31\xff", 2, "signed", "-1", false},
	    {"\x32\x80\x00", 3, "signed", "-32768", false},
	    {"\x34\x00\x01\x00\x00", 5, "signed", "65536", false},
	    {"\x44\x41\xac\x00\x00", 5, "real", "21.5", false},
	    {"\x43\x41\xac\x00", 4, "real", "41ac00", true},
	    {"\x55\x08\x40\x09\x21\xfb\x54\x44\x2d\x18", 10, "double", "3.14159265358979", false},
	    {"\x63\x01\x02\xff", 4, "octet-string", "0102ff", false},
	    {"\x60", 1, "octet-string", "", false},
	    {"\x74\x00"
	     "ab\xc3",
	     5, "character-string", "ab\\u00c3", false},
	    {"\x71\x00", 2, "character-string", "", false},
	    {"\x70", 1, "character-string", "", true},
	    {"\x82\x03\xa0", 3, "bit-string", "10100", false},
	    {"\x81\x00", 2, "bit-string", "", false},
	    {"\x82\x08\xff", 3, "bit-string", "08ff", true},
	    {"\x91\x03", 2, "enumerated", "3", false},
	    {"\xa4\x7c\x03\x0f\xff", 5, "date", "2024-03-15", false},
	    {"\xa4\xff\xff\x1f\x02", 5, "date", "*-*-31", false},
	    {"\xb4\x0d\x05\x00\x32", 5, "time", "13:05:00.50", false},
	    {"\xb4\xff\xff\xff\xff", 5, "time", "*:*:*.*", false},
	    {"\xc4\x00\x00\x40\x07", 5, "object-identifier", "analog-input:16391", false},
	    {"\xc4\xff\xc0\x00\x01", 5, "object-identifier", "1023:1", false},
	    {"\xc4\x0e\x00\x00\x01", 5, "object-identifier", "56:1", false},
	    {"\xd1\x01", 2, "tag-13", "01", false},
	    {"\x09\x07", 2, "context-0", "07", false},
	    {"\xf1\x20\x07", 3, "tag-32", "07", false},
	    {"\x75\x04\x00xyz", 6, "character-string", "xyz", false},
	    {"\x65\xfe\x00\x02\xab\xcd", 6, "octet-string", "abcd", false},
	    {"\x65\xff\x00\x00\x00\x01\xab", 7, "octet-string", "ab", false},
	};
	uint8_t a[200], want[300];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = rp_ack(a, 1, 4194303, 200, cases[i].bytes, cases[i].n);
		run(&bacnet, a, n, FIELDW_JSON);
		snprintf((char *)want, sizeof want, "[{\"type\":\"%s\",\"value\":\"%s\"}]",
		         cases[i].type, cases[i].value);
		/* a bad value is shown as its bytes in hex */
		if (cases[i].bad)
			CHECKF(count_in("bacnet_values", cases[i].type) == 1 &&
			           is("bacnet_parse_error",
			              "\"property value: a value not of its type's form\""),
			       "case %zu", i);
		else
			CHECKF(is("bacnet_values", (char *)want) &&
			           is("bacnet_parse_error", "\"\""),
			       "case %zu", i);
		CHECKF(is("app_success", "true"), "case %zu", i);
	}
	/* several values, and structures: context tags inside opening and
	 * closing ones, flattened */
	static const char list[] = "\xc4\x02\x00\x00\x01\xc4\x00\x00\x00\x02"
	                           "\x0e\x09\x01\x1e\x21\x05\x1f\x0f\x21\x06";
	size_t n = rp_ack(a, 1, 4194303, 76, list, sizeof list - 1);
	run(&bacnet, a, n, FIELDW_JSON);
	CHECK(is("bacnet_values", "[{\"type\":\"object-identifier\",\"value\":\"device:1\"},"
	                          "{\"type\":\"object-identifier\",\"value\":\"analog-input:2\"},"
	                          "{\"type\":\"context-0\",\"value\":\"01\"},"
	                          "{\"type\":\"unsigned\",\"value\":\"5\"},"
	                          "{\"type\":\"unsigned\",\"value\":\"6\"}]") &&
	      is("bacnet_value", "\"device:1\"") && is("bacnet_property", "\"object-list\"") &&
	      is("app_success", "true"));
	/* an empty value */
	n = rp_ack(a, 1, 4194303, 76, "", 0);
	run(&bacnet, a, n, FIELDW_CSV);
	CHECK(is("bacnet_values", "\"[]\"") && unset("bacnet_value") && is("app_success", "1"));
}

static bool bacnet_fails(const void *a, size_t n, const char *why)
{
	for (int json = 0; json < 2; json++) {
		run(&bacnet, a, n, json ? FIELDW_JSON : FIELDW_CSV);
		char want[256];
		snprintf(want, sizeof want, json ? "\"%s\"" : "%s", why);
		if (!is("bacnet_parse_error", want) || fw_truncated(&fw) || unset("app_success"))
			return false;
	}
	return true;
}

void test_bacnet_hostile_answers(void)
{
	uint8_t a[4000];
	static const char vn[] = "\x75\x16\x00Johnson Controls\x2c Inc";
	size_t n = rp_ack(a, 1, 260001, 121, vn, sizeof vn - 1);
	CHECK(bacnet_fails(a, 0, "empty answer"));
	/* every cut, the BVLC's length left as it was */
	for (size_t cut = 1; cut < n; cut++) {
		run(&bacnet, a, cut, FIELDW_JSON);
		const char *why = cut < 4    ? "truncated BVLC header"
		                  : cut < 6  ? "truncated NPDU"
		                  : cut < 7  ? "no APDU"
		                  : cut < 9  ? "truncated APDU"
		                  : cut < 14 ? "ack: no object identifier"
		                  : cut < 16 ? "ack: no property identifier"
		                  : cut < 17 ? "ack: no property value"
		                             : "truncated property value";
		char want[64];
		snprintf(want, sizeof want, "\"%s\"", why);
		CHECKF(is("bacnet_parse_error", want), "cut at %zu", cut);
		/* the value is shown once it is whole, though the list is not */
		CHECK(is("app_success", "false") && unset("bacnet_vendor_name") == (cut < 41) &&
		      !fw_truncated(&fw));
	}
	/* the BVLC's length: past the datagram, or under its header */
	wr16(a + 2, (uint16_t)(n + 1));
	CHECK(bacnet_fails(a, n, "BVLC length past the datagram") && is("app_success", "true"));
	wr16(a + 2, 3);
	CHECK(bacnet_fails(a, n, "BVLC length under 4"));
	wr16(a + 2, (uint16_t)(n - 1)); /* the closing tag left out */
	CHECK(bacnet_fails(a, n, "truncated property value"));
	wr16(a + 2, (uint16_t)n);
	/* lengths that lie: an extended length of 4 bytes, of 2 */
	static const char lie4[] = "\x75\xff\xff\xff\xff\xff\x00xyz";
	size_t ln = rp_ack(a, 1, 1, 121, lie4, sizeof lie4 - 1);
	CHECK(bacnet_fails(a, ln, "truncated property value"));
	static const char lie2[] = "\x65\xfe\xff\xff\x00";
	ln = rp_ack(a, 1, 1, 121, lie2, sizeof lie2 - 1);
	CHECK(bacnet_fails(a, ln, "truncated property value"));
	ln = rp_ack(a, 1, 1, 121, "\x65", 1); /* its closing tag read as a length */
	CHECK(bacnet_fails(a, ln, "truncated property value"));
	/* nesting: as deep as allowed, then deeper */
	uint8_t deep[64];
	for (int i = 0; i < BACNET_DEPTH_MAX; i++) {
		deep[i] = 0x0e;
		deep[2 * BACNET_DEPTH_MAX - 1 - i] = 0x0f;
	}
	ln = rp_ack(a, 1, 1, 200, deep, 2 * BACNET_DEPTH_MAX);
	CHECK(bacnet_fails(a, ln, "") && is("app_success", "true"));
	for (int i = 0; i <= BACNET_DEPTH_MAX; i++) {
		deep[i] = 0x0e;
		deep[2 * BACNET_DEPTH_MAX + 1 - i] = 0x0f;
	}
	ln = rp_ack(a, 1, 1, 200, deep, 2 * BACNET_DEPTH_MAX + 2);
	CHECK(bacnet_fails(a, ln, "property value: nested too deep") && is("app_success", "false"));
	/* closing tags that do not match */
	ln = rp_ack(a, 1, 1, 200, "\x4f", 1);
	CHECK(bacnet_fails(a, ln, "property value: unbalanced closing tag"));
	/* more values than are shown */
	uint8_t many[2 * (BACNET_VALUES_MAX + 2)];
	for (int i = 0; i < BACNET_VALUES_MAX + 2; i++) {
		many[2 * i] = 0x21;
		many[2 * i + 1] = (uint8_t)i;
	}
	ln = rp_ack(a, 1, 1, 200, many, sizeof many);
	CHECK(bacnet_fails(a, ln, "more values than are shown") && is("app_success", "true") &&
	      count_in("bacnet_values", "unsigned") == BACNET_VALUES_MAX);
	/* zero lengths and wrong tags in the ack's head */
	ln = rp_ack(a, 1, 1, 200, "", 0);
	a[9] = 0x08; /* [0] of no bytes */
	CHECK(bacnet_fails(a, ln, "ack: no object identifier"));
	a[9] = 0x0c;
	a[14] = 0x18; /* [1] of no bytes */
	CHECK(bacnet_fails(a, ln, "ack: no property identifier"));
	a[14] = 0x19;
	a[16] = 0x2e; /* opening tag 2, not 3 */
	CHECK(bacnet_fails(a, ln, "ack: no property value"));
	/* headers: not BACnet/IP, no NPDU, a network message, a bad version */
	static const uint8_t nope[][12] = {
	    {0x82, 0x0a, 0x00, 0x08, 0x01, 0x00, 0x30, 0x01},
	    {0x81, 0x05, 0x00, 0x08, 0x01, 0x00, 0x30, 0x01},
	    {0x81, 0x0a, 0x00, 0x08, 0x02, 0x00, 0x30, 0x01},
	    {0x81, 0x0a, 0x00, 0x08, 0x01, 0x80, 0x01, 0x00},
	    {0x81, 0x0a, 0x00, 0x08, 0x01, 0x20, 0x00, 0x05},
	    {0x81, 0x0a, 0x00, 0x0a, 0x01, 0x08, 0x00, 0x05, 0x09, 0x07},
	    {0x81, 0x0a, 0x00, 0x06, 0x01, 0x00},
	    {0x81, 0x0a, 0x00, 0x08, 0x01, 0x00, 0x80, 0x01},
	    {0x81, 0x0a, 0x00, 0x07, 0x01, 0x00, 0x50},
	    {0x81, 0x0a, 0x00, 0x09, 0x01, 0x00, 0x50, 0x01, 0x0c},
	    {0x81, 0x0a, 0x00, 0x0b, 0x01, 0x00, 0x50, 0x01, 0x0c, 0x91, 0x00},
	};
	static const char *const why[] = {
	    "not BACnet/IP",
	    "a BVLC function without an NPDU",
	    "not NPDU version 1",
	    "a network layer message",
	    "truncated NPDU",
	    "truncated NPDU",
	    "no APDU",
	    "unknown APDU type",
	    "truncated APDU",
	    "error: no error class and code",
	    "error: no error class and code",
	};
	for (size_t i = 0; i < sizeof nope / sizeof nope[0]; i++)
		CHECKF(bacnet_fails(nope[i], rd16(nope[i] + 2), why[i]), "case %zu", i);
	/* a segmented ack: its first segment only */
	n = rp_ack(a, 1, 260001, 121, vn, sizeof vn - 1);
	uint8_t seg[200];
	memcpy(seg, a, 6);
	seg[6] = 0x3c; /* segmented, more follow */
	seg[7] = 1;
	seg[8] = 0; /* sequence number */
	seg[9] = 4; /* window */
	memcpy(seg + 10, a + 8, n - 8 - 4);
	wr16(seg + 2, (uint16_t)(n + 2 - 4));
	CHECK(bacnet_fails(seg, n + 2 - 4, "truncated property value") &&
	      is("app_success", "false"));
	memcpy(seg + 10, a + 8, n - 8);
	wr16(seg + 2, (uint16_t)(n + 2));
	CHECK(bacnet_fails(seg, n + 2, "segmented ack: only the first segment") &&
	      is("bacnet_vendor_name", "\"Johnson Controls, Inc\""));
	/* random bytes, and random mutations of answers */
	uint8_t r[300];
	for (int i = 0; i < 30000; i++) {
		size_t rn;
		if (i % 3 == 0) {
			rn = rnd() % 64;
			for (size_t j = 0; j < rn; j++)
				r[j] = (uint8_t)rnd();
			if (rn >= 4 && (i & 4)) {
				r[0] = 0x81;
				r[1] = 0x0a;
				wr16(r + 2, (uint16_t)rn);
				r[4] = 1;
			}
		} else {
			rn = rp_ack(r, 1, rnd() & 0x3fffff, (uint8_t)rnd(), vn, sizeof vn - 1);
			for (int j = rnd() % 3; j >= 0; j--)
				r[rnd() % rn] = (uint8_t)rnd();
			rn -= rnd() % 4;
		}
		run(&bacnet, r, rn, i & 8 ? FIELDW_JSON : FIELDW_CSV);
		CHECK(!fw_truncated(&fw) && !unset("app_success"));
	}
}

void test_bacnet_request_and_validation(void)
{
	uint8_t q[BACNET_REQUEST_MAX];
	/* object-identifier of Device 4194303 */
	static const uint8_t oid[] = {0x81, 0x0a, 0x00, 0x11, 0x01, 0x04, 0x00, 0x05, 0x00,
	                              0x0c, 0x0c, 0x02, 0x3f, 0xff, 0xff, 0x19, 0x4b};
	CHECK(bacnet_request(75, q) == sizeof oid && memcmp(q, oid, sizeof oid) == 0);
	CHECK(bacnet_request(372, q) == 18 && q[15] == 0x1a && rd16(q + 16) == 372 &&
	      rd16(q + 2) == 18);
	CHECK(bacnet_request(BACNET_PROPERTY_MAX, q) == 19 && q[15] == 0x1b && q[16] == 0x3f &&
	      q[18] == 0xff);
	CHECK(bacnet_invoke_id_at(q, 19) == BACNET_INVOKE_OFF);
	for (size_t cut = 0; cut < 19; cut++)
		CHECK(bacnet_invoke_id_at(q, cut) == (cut > BACNET_INVOKE_OFF ? 8 : -1));
	/* names and numbers */
	static const struct {
		const char *s;
		long v;
	} props[] = {
	    {"object-identifier", 75},
	    {"object-name", 77},
	    {"vendor-name", 121},
	    {"vendor-identifier", 120},
	    {"model-name", 70},
	    {"serial-number", 372},
	    {"0", 0},
	    {"4194303", 4194303},
	    {"4194304", -1},
	    {"01", -1},
	    {"", -1},
	    {"object-name ", -1},
	    {"Object-Name", -1},
	    {"-1", -1},
	    {"12345678", -1},
	};
	for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
		CHECKF(bacnet_property_parse(props[i].s, strlen(props[i].s)) == props[i].v, "%s",
		       props[i].s);
	CHECK(strcmp(bacnet_property_name(75), "object-identifier") == 0 &&
	      !bacnet_property_name(5000));
	/* the decoder reads the request as one */
	run(&bacnet, oid, sizeof oid, FIELDW_CSV);
	CHECK(is("bacnet_pdu_type", "confirmed-request") && is("bacnet_service", "read-property") &&
	      is("app_success", "0"));

	const struct probe_module *m = probe_find("bacnet");
	struct secret s = test_secret(44);
	struct probe_params pp = params(&s);
	struct zerr e;
	pp.probes = 4;
	CHECK(m && probe_setup(m, &pp, "object-name,nonsense", &e) < 0 &&
	      strstr(e.msg, "nonsense"));
	CHECK(probe_setup(m, &pp, "object-name,", &e) < 0);
	CHECK(probe_setup(m, &pp, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", &e) < 0);
	CHECK(probe_setup(m, &pp, "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", &e) == 0);
	probe_teardown(m, &pp);
	CHECK(probe_setup(m, &pp, m->args_example, &e) == 0);
	CHECK(fabs(m->answer_bits(&pp) - (log2(28233) + 8)) < 1e-9);
	uint8_t frame[PROBE_MAX_FRAME];
	uint32_t src = 0xc6120001u, dst = 0xc6121011u;
	CHECK(m->make_template(&pp, src, frame, &e) == 0);
	/* -P 4: the four properties, one each, the same invoke id */
	bool seen[4] = {false};
	uint8_t invoke = 0;
	for (unsigned k = 0; k < 4; k++) {
		m->fill(&pp, frame, src, dst, 47808, k);
		const uint8_t *p = frame + 42;
		CHECK(l4_csum_ok(frame + 14, 17) && p[0] == 0x81 && p[15] == 0x19);
		int which = p[16] == 75    ? 0
		            : p[16] == 77  ? 1
		            : p[16] == 121 ? 2
		            : p[16] == 70  ? 3
		                           : -1;
		CHECK(which >= 0 && !seen[which]);
		seen[which] = true;
		CHECK(k == 0 || p[BACNET_INVOKE_OFF] == invoke);
		invoke = p[BACNET_INVOKE_OFF];
	}
	uint8_t a[200], b[200];
	size_t n = rp_ack(a, invoke, 4194303, 77,
	                  "\x75\x06\x00"
	                  "AHU-2",
	                  8);
	CHECK(answer_verdict(m, &pp, frame, a, n) == PROBE_VALID &&
	      is("bacnet_object_name", "AHU-2"));
	a[7] ^= 1;
	CHECK(answer_verdict(m, &pp, frame, a, n) == PROBE_BAD_MAC);
	a[7] ^= 1;
	/* routed: the id later in the answer, still found */
	memcpy(b, a, 4);
	b[4] = 0x01;
	b[5] = 0x08;
	memcpy(b + 6, "\x00\x05\x01\x07", 4);
	memcpy(b + 10, a + 6, n - 6);
	wr16(b + 2, (uint16_t)(n + 4));
	CHECK(answer_verdict(m, &pp, frame, b, n + 4) == PROBE_VALID);
	/* an Error and a Reject carry it too; an I-Am, a cut header none */
	static uint8_t rej[] = {0x81, 0x0a, 0x00, 0x09, 0x01, 0x00, 0x60, 0x00, 0x09};
	rej[7] = invoke;
	CHECK(answer_verdict(m, &pp, frame, rej, sizeof rej) == PROBE_VALID &&
	      is("bacnet_reason", "unrecognized-service"));
	static const uint8_t iam[] = {0x81, 0x0a, 0x00, 0x0a, 0x01, 0x00, 0x10, 0x00, 0xc4, 0x02};
	CHECK(answer_verdict(m, &pp, frame, iam, sizeof iam) == PROBE_BAD_MAC);
	CHECK(answer_verdict(m, &pp, frame, rej, 7) == PROBE_BAD_MAC);
	probe_teardown(m, &pp);
	/* zrecv's side (no arguments) validates the same */
	CHECK(probe_setup(m, &pp, NULL, &e) == 0);
	CHECK(answer_verdict(m, &pp, frame, a, n) == PROBE_VALID);
	probe_teardown(m, &pp);
}
