/* Unit tests: the NTP, SSDP and memcached answer decoders. Answers built
 * by hand as servers send them, every field checked in both formats;
 * then hostile ones (empty, cut at every length, overlong lines, NUL and
 * non-ASCII bytes, random bytes), each decoded from a heap copy of
 * exactly its bytes, so that ASan sees any read past it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode_testutil.h"
#include "harness.h"
#include "probe/answer/memcached.h"
#include "probe/answer/ntp.h"
#include "probe/answer/ssdp.h"
#include "probe/fieldw.h"

void test_ntp_answer_fields(void);
void test_ntp_timestamps_against_gmtime(void);
void test_ntp_hostile_answers(void);
void test_ssdp_answer_fields(void);
void test_ssdp_hostile_answers(void);
void test_memcached_answer_fields(void);
void test_memcached_split_datagrams(void);
void test_memcached_hostile_answers(void);

static const struct decoder ntp = {ntp_decode, ntp_fields, &ntp_nfields};
static const struct decoder ssdp = {ssdp_decode, ssdp_fields, &ssdp_nfields};
static const struct decoder mc = {memcached_decode, memcached_fields, &memcached_nfields};

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- NTP ---- */

/* A server's answer as chrony sends it: version 4, mode 4, stratum 2,
 * synchronized to 192.0.2.1; the times of 2026-12-06 around 09:00 UTC. */
static void ntp_answer(uint8_t a[48])
{
	memset(a, 0, 48);
	a[0] = 0x24; /* LI 0, VN 4, mode 4 */
	a[1] = 2;
	a[2] = 6;
	a[3] = 0xe7;              /* -25: about 30 ns */
	put32(a + 4, 0x00000400); /* 1/64 s */
	put32(a + 8, 0x00000a3d); /* 2621/65536 s */
	a[12] = 192;
	a[14] = 2;
	a[15] = 1;
	put32(a + 16, 0xeebf948b); /* 2026-12-06T08:00:11Z */
	put32(a + 24, 0xeebfa28e); /* the client's 08:59:58.999999 echoed */
	put32(a + 28, 0xffffef3a);
	put32(a + 32, 0xeebfa290); /* 09:00:00.123456 */
	put32(a + 36, 0x1f9acffb);
	put32(a + 40, 0xeebfa290); /* 09:00:00.123999 */
	put32(a + 44, 0x1fbe6602);
}

void test_ntp_answer_fields(void)
{
	uint8_t a[68];
	ntp_answer(a);
	EXPECT(&ntp, a, 48, B("app_success", 1), N("ntp_leap", "0"), N("ntp_version", "4"),
	       N("ntp_mode", "4"), N("ntp_stratum", "2"), N("ntp_poll", "6"),
	       N("ntp_precision", "-25"), N("ntp_root_delay", "15625"),
	       N("ntp_root_dispersion", "39993"), S("ntp_reference_id", "192.0.2.1"),
	       S("ntp_reference_time", "2026-12-06T08:00:11.000000Z"),
	       S("ntp_origin_time", "2026-12-06T08:59:58.999999Z"),
	       S("ntp_receive_time", "2026-12-06T09:00:00.123456Z"),
	       S("ntp_transmit_time", "2026-12-06T09:00:00.123999Z"));
	/* a MAC after the header (key id and digest) changes nothing */
	memset(a + 48, 0xab, 20);
	run(&ntp, a, 68, FIELDW_CSV);
	CHECK(is("app_success", "1") && is("ntp_parse_error", ""));

	/* a primary server on GPS, leap second announced, negative poll,
	 * the origin time zero (unknown) */
	ntp_answer(a);
	a[0] = 0x5c; /* LI 1, VN 3, mode 4 */
	a[1] = 1;
	a[2] = 0xfa;
	memcpy(a + 12, "GPS\0", 4);
	memset(a + 24, 0, 8);
	EXPECT(&ntp, a, 48, B("app_success", 1), N("ntp_leap", "1"), N("ntp_version", "3"),
	       N("ntp_mode", "4"), N("ntp_stratum", "1"), N("ntp_poll", "-6"),
	       N("ntp_precision", "-25"), N("ntp_root_delay", "15625"),
	       N("ntp_root_dispersion", "39993"), S("ntp_reference_id", "GPS"),
	       S("ntp_reference_time", "2026-12-06T08:00:11.000000Z"),
	       S("ntp_receive_time", "2026-12-06T09:00:00.123456Z"),
	       S("ntp_transmit_time", "2026-12-06T09:00:00.123999Z"));

	/* a kiss-o'-death: stratum 0, "RATE", unsynchronized, times zero but
	 * the origin (echoed), delay and dispersion all ones */
	memset(a, 0, 48);
	a[0] = 0xe4; /* LI 3, VN 4, mode 4 */
	memcpy(a + 12, "RATE", 4);
	put32(a + 4, 0xffffffff);
	put32(a + 8, 0x00010000);
	put32(a + 24, 0x80000000); /* era 0's last half begins */
	a[3] = 0x80;
	EXPECT(&ntp, a, 48, B("app_success", 1), N("ntp_leap", "3"), N("ntp_version", "4"),
	       N("ntp_mode", "4"), N("ntp_stratum", "0"), N("ntp_poll", "0"),
	       N("ntp_precision", "-128"), N("ntp_root_delay", "65535999984"),
	       N("ntp_root_dispersion", "1000000"), S("ntp_reference_id", "RATE"),
	       S("ntp_origin_time", "1968-01-20T03:14:08.000000Z"));

	/* a reference id of odd bytes at stratum 1, escaped by the writer; an
	 * all-zero one at stratum 0 is empty; at stratum 3 it is an address */
	a[1] = 1;
	memcpy(a + 12,
	       "\x01\xff"
	       "A,",
	       4);
	EXPECT(&ntp, a, 48, B("app_success", 1), N("ntp_leap", "3"), N("ntp_version", "4"),
	       N("ntp_mode", "4"), N("ntp_stratum", "1"), N("ntp_poll", "0"),
	       N("ntp_precision", "-128"), N("ntp_root_delay", "65535999984"),
	       N("ntp_root_dispersion", "1000000"),
	       {"ntp_reference_id", "\"\\x01\\xffA,\"", "\"\\u0001\\u00ffA,\""},
	       S("ntp_origin_time", "1968-01-20T03:14:08.000000Z"));
	memset(a + 12, 0, 4);
	a[1] = 0;
	run(&ntp, a, 48, FIELDW_JSON);
	CHECK(is("ntp_reference_id", "\"\"") && is("app_success", "true"));
	a[1] = 3;
	run(&ntp, a, 48, FIELDW_JSON);
	CHECK(is("ntp_reference_id", "\"0.0.0.0\""));
	memcpy(a + 12, "\xff\xfe\0\x0a", 4);
	run(&ntp, a, 48, FIELDW_CSV);
	CHECK(is("ntp_reference_id", "255.254.0.10"));

	/* not a server's answer: a client request, a symmetric peer, a
	 * version 0 or 5 answer, a broadcast */
	static const uint8_t first[] = {0x23, 0x21, 0x04, 0x2c, 0x05, 0x25};
	for (size_t i = 0; i < sizeof first; i++) {
		ntp_answer(a);
		a[0] = first[i];
		run(&ntp, a, 48, FIELDW_CSV);
		CHECK(is("app_success", "0") && is("ntp_parse_error", "") &&
		      is("ntp_stratum", "2"));
	}
	/* an ntpq answer (mode 6): only the first byte's fields */
	uint8_t rv[] = {0x16, 0x82, 0x00, 0x01, 0x06, 0x15, 0x00, 0x00, 0x00, 0x00,
	                0x00, 0x08, 'v',  'e',  'r',  's',  'i',  'o',  'n',  '='};
	EXPECT(&ntp, rv, sizeof rv, B("app_success", 0), N("ntp_leap", "0"), N("ntp_version", "2"),
	       N("ntp_mode", "6"), S("ntp_parse_error", "mode 6 (control): no time header"));
	rv[0] = 0x17;
	run(&ntp, rv, sizeof rv, FIELDW_CSV);
	CHECK(is("ntp_mode", "7") && is("ntp_parse_error", "mode 7 (private): no time header") &&
	      unset("ntp_stratum"));
}

/* The era rule of ntp.h and libc's calendar agree on random timestamps
 * and on the edges of the eras. */
void test_ntp_timestamps_against_gmtime(void)
{
	static const struct {
		uint32_t sec, frac;
		const char *text;
	} table[] = {
	    {0x80000000, 0, "1968-01-20T03:14:08.000000Z"},
	    {0xffffffff, 0xffffffff, "2036-02-07T06:28:15.999999Z"},
	    {0x00000000, 0x00000001, "2036-02-07T06:28:16.000000Z"},
	    {0x7fffffff, 0x80000000, "2104-02-26T09:42:23.500000Z"},
	    {0x83aa7e80, 0x00000000, "1970-01-01T00:00:00.000000Z"},
	    {0x83aa7e7f, 0x20000000, "1969-12-31T23:59:59.125000Z"},
	    {0xbc17c200, 0, "2000-01-01T00:00:00.000000Z"},
	    {0xbc66dbff, 0, "2000-02-29T23:59:59.000000Z"},
	    {0x787e9dff, 0, "2100-02-28T23:59:59.000000Z"},
	    {0x787e9e00, 0, "2100-03-01T00:00:00.000000Z"},
	    {0x01b0b9c0, 0xfffff000, "2036-12-31T12:00:00.999999Z"},
	    {0xeebfa290, 0x20000000, "2026-12-06T09:00:00.125000Z"},
	};
	uint8_t a[48];
	ntp_answer(a);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		put32(a + 40, table[i].sec);
		put32(a + 44, table[i].frac);
		run(&ntp, a, 48, FIELDW_CSV);
		CHECK(is("ntp_transmit_time", table[i].text));
	}
	for (int i = 0; i < 20000; i++) {
		uint32_t sec = rnd(), frac = rnd();
		if (i < 4000)
			sec = 0x80000000u - 2000 + (uint32_t)i; /* about the era's edge */
		if (sec == 0 && frac == 0)
			continue;
		long long s = (long long)sec + ((sec & 0x80000000u) ? 0 : 1LL << 32);
		time_t t = (time_t)(s - 2208988800LL);
		struct tm tm;
		char want[64];
		CHECK(gmtime_r(&t, &tm));
		size_t k = strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(want + k, sizeof want - k, ".%06uZ",
		         (unsigned)(((unsigned long long)frac * 1000000u) >> 32));
		put32(a + 16, sec);
		put32(a + 20, frac);
		run(&ntp, a, 48, FIELDW_JSON);
		char quoted[80];
		snprintf(quoted, sizeof quoted, "\"%s\"", want);
		CHECK(is("ntp_reference_time", quoted));
	}
	/* zero seconds with a fraction is a time (era 1), all zero is none */
	put32(a + 16, 0);
	put32(a + 20, 0);
	run(&ntp, a, 48, FIELDW_CSV);
	CHECK(unset("ntp_reference_time") && is("app_success", "1"));
}

void test_ntp_hostile_answers(void)
{
	uint8_t a[48];
	ntp_answer(a);
	EXPECT(&ntp, a, 0, B("app_success", 0), S("ntp_parse_error", "empty answer"));
	/* each field comes once its bytes have */
	static const struct {
		const char *name;
		size_t from;
	} first_at[] = {
	    {"ntp_mode", 1},          {"ntp_stratum", 2},         {"ntp_poll", 3},
	    {"ntp_precision", 4},     {"ntp_root_delay", 8},      {"ntp_root_dispersion", 12},
	    {"ntp_reference_id", 16}, {"ntp_reference_time", 24}, {"ntp_origin_time", 32},
	    {"ntp_receive_time", 40}, {"ntp_transmit_time", 48},
	};
	for (size_t n = 1; n <= 48; n++) {
		for (int json = 0; json < 2; json++) {
			run(&ntp, a, n, json ? FIELDW_JSON : FIELDW_CSV);
			const char *no = json ? "false" : "0", *yes = json ? "true" : "1";
			CHECK(is("app_success", n < 48 ? no : yes));
			CHECK(n < 48 ? is("ntp_parse_error",
			                  json ? "\"truncated header\"" : "truncated header")
			             : unset("ntp_parse_error"));
			for (size_t k = 0; k < sizeof first_at / sizeof first_at[0]; k++)
				CHECKF(unset(first_at[k].name) == (n < first_at[k].from),
				       "%s at %zu bytes", first_at[k].name, n);
		}
	}
	/* random bytes of random lengths, and every prefix of random headers */
	uint8_t r[200];
	for (int i = 0; i < 20000; i++) {
		size_t n = rnd() % sizeof r;
		for (size_t k = 0; k < n; k++)
			r[k] = (uint8_t)rnd();
		bool json = i & 1;
		run(&ntp, r, n, json ? FIELDW_JSON : FIELDW_CSV);
		bool success = strcmp(val("app_success"), json ? "true" : "1") == 0;
		CHECK(!fw_truncated(&fw) && !unset("app_success"));
		CHECK(n >= 48 || !unset("ntp_parse_error"));
		CHECK(!success || (n >= 48 && (r[0] & 7) == 4));
	}
}

/* ---- SSDP ---- */

/* What the writer makes of text s[0..n) in JSON and in CSV (the test's own
 * reference), into out. */
static const char *json_of(char *out, const char *s, size_t n)
{
	char *p = out;
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			p += sprintf(p, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			*p++ = (char)c;
		else
			p += sprintf(p, "\\u%04x", c);
	}
	*p++ = '"';
	*p = 0;
	return out;
}

static const char *csv_of(char *out, const char *s, size_t n)
{
	bool quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
	for (size_t i = 0; i < n; i++)
		quote |= s[i] == ',' || s[i] == '"';
	char *p = out;
	if (quote)
		*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"')
			p += sprintf(p, "\"\"");
		else if (c >= 0x20 && c < 0x7f && c != '\\')
			*p++ = (char)c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	if (quote)
		*p++ = '"';
	*p = 0;
	return out;
}

/* An answer as MiniUPnPd on a home router sends it to an M-SEARCH for
 * upnp:rootdevice. */
static const char miniupnp[] = "HTTP/1.1 200 OK\r\n"
                               "CACHE-CONTROL: max-age=120\r\n"
                               "ST: upnp:rootdevice\r\n"
                               "USN: uuid:5d1f7a3c-8e2b-4c61-a0f4-3b9e2d7c1a58::upnp:rootdevice\r\n"
                               "EXT:\r\n"
                               "SERVER: OpenWRT/23.05 UPnP/1.1 MiniUPnPd/2.3.3\r\n"
                               "LOCATION: http://192.168.1.1:5000/rootDesc.xml\r\n"
                               "OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
                               "01-NLS: 1765011600\r\n"
                               "BOOTID.UPNP.ORG: 1765011600\r\n"
                               "CONFIGID.UPNP.ORG: 1337\r\n"
                               "\r\n";

static char ref_csv[6 * 8192], ref_json[6 * 8192];

void test_ssdp_answer_fields(void)
{
	size_t n = sizeof miniupnp - 1, status = strlen("HTTP/1.1 200 OK\r\n");
	const char *block = miniupnp + status;
	size_t blen = n - status - 2;
	EXPECT(&ssdp, miniupnp, n, B("app_success", 1), S("upnp_version", "HTTP/1.1"),
	       N("upnp_status_code", "200"), S("upnp_status_text", "OK"),
	       S("upnp_server", "OpenWRT/23.05 UPnP/1.1 MiniUPnPd/2.3.3"),
	       S("upnp_location", "http://192.168.1.1:5000/rootDesc.xml"),
	       S("upnp_usn", "uuid:5d1f7a3c-8e2b-4c61-a0f4-3b9e2d7c1a58::upnp:rootdevice"),
	       S("upnp_st", "upnp:rootdevice"), B("upnp_ext", 1),
	       S("upnp_cache_control", "max-age=120"),
	       {"upnp_headers", csv_of(ref_csv, block, blen), json_of(ref_json, block, blen)});
	/* the block in CSV by hand once: quoted for its quotes, CRLF escaped */
	run(&ssdp, miniupnp, n, FIELDW_CSV);
	CHECK(strncmp(val("upnp_headers"),
	              "\"CACHE-CONTROL: max-age=120\\x0d\\x0aST: upnp:rootdevice\\x0d\\x0a",
	              62) == 0);
	CHECK(strstr(val("upnp_headers"), "OPT: \"\"http://schemas.upnp.org/upnp/1/0/\"\"; ns=01"));

	/* names in any case, bare LF line ends, spaces and tabs around values
	 * and names, no EXT, the first of two SERVER lines, a continuation
	 * passed over, an empty LOCATION, a body after the empty line */
	static const char hue[] = "HTTP/1.0 200 OK\n"
	                          "Cache-Control: max-age=100\n"
	                          "Server: \tLinux/3.14.0 UPnP/1.0 IpBridge/1.56.0 \n"
	                          "server: second\n"
	                          " folded\n"
	                          "location:\n"
	                          "hue-bridgeid: 001788FFFE2A4B6C\n"
	                          "st : upnp:rootdevice\n"
	                          "usn:uuid:2f402f80-da50-11e1-9b23-001788255acc\n"
	                          "\n"
	                          "SERVER: not a header\n";
	const char *hb = strchr(hue, '\n') + 1, *he = strstr(hue, "\n\n") + 1;
	EXPECT(&ssdp, hue, sizeof hue - 1, B("app_success", 1), S("upnp_version", "HTTP/1.0"),
	       N("upnp_status_code", "200"), S("upnp_status_text", "OK"),
	       S("upnp_server", "Linux/3.14.0 UPnP/1.0 IpBridge/1.56.0"),
	       S("upnp_usn", "uuid:2f402f80-da50-11e1-9b23-001788255acc"),
	       S("upnp_st", "upnp:rootdevice"), B("upnp_ext", 0),
	       S("upnp_cache_control", "max-age=100"),
	       {"upnp_headers", csv_of(ref_csv, hb, (size_t)(he - hb)),
	        json_of(ref_json, hb, (size_t)(he - hb))});

	/* another status; no reason; headers ended by the datagram's end
	 * after a whole line; an EXT with a value */
	static const char nf[] = "HTTP/1.1 404 Not Found\r\nEXT: 1\r\n";
	EXPECT(&ssdp, nf, sizeof nf - 1, B("app_success", 0), S("upnp_version", "HTTP/1.1"),
	       N("upnp_status_code", "404"), S("upnp_status_text", "Not Found"), B("upnp_ext", 1),
	       {"upnp_headers", "EXT: 1\\x0d\\x0a", "\"EXT: 1\\u000d\\u000a\""});
	static const char bare[] = "HTTP/1.1 200\r\n\r\n";
	EXPECT(&ssdp, bare, sizeof bare - 1, B("app_success", 1), S("upnp_version", "HTTP/1.1"),
	       N("upnp_status_code", "200"), B("upnp_ext", 0));
}

/* Decodes in both formats and checks the parse error. */
static bool ssdp_fails(const char *a, size_t n, const char *why)
{
	for (int json = 0; json < 2; json++) {
		run(&ssdp, a, n, json ? FIELDW_JSON : FIELDW_CSV);
		if (!is("upnp_parse_error", json ? json_of(ref_json, why, strlen(why)) : why))
			return false;
		if (fw_truncated(&fw) || unset("app_success"))
			return false;
	}
	return true;
}

#define SSDP_FAILS(text, why) CHECK(ssdp_fails(text, sizeof text - 1, why))

void test_ssdp_hostile_answers(void)
{
	CHECK(ssdp_fails("", 0, "empty answer") && is("app_success", "false"));
	/* cut at every length: an error unless it ends just after a whole
	 * header line */
	size_t n = sizeof miniupnp - 1, status = strlen("HTTP/1.1 200 OK\r\n");
	for (size_t k = 1; k <= n; k++) {
		run(&ssdp, miniupnp, k, k & 1 ? FIELDW_JSON : FIELDW_CSV);
		bool fine = k >= status && miniupnp[k - 1] == '\n';
		CHECKF(unset("upnp_parse_error") == fine, "cut at %zu: [%s]", k,
		       val("upnp_parse_error"));
		const char *why = k < 5 || k < strlen("HTTP/1.1 200") ? "not an HTTP status line"
		                  : k < status                        ? "status line not ended"
		                                                      : "header line not ended";
		if (!fine)
			CHECK(strstr(val("upnp_parse_error"), why));
		CHECK(!fw_truncated(&fw));
	}
	/* not an answer at all */
	SSDP_FAILS("SSH-2.0-OpenSSH_9.6\r\n", "not an HTTP status line");
	SSDP_FAILS("M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n", "not an HTTP status line");
	SSDP_FAILS("HTTP/1.1 20 OK\r\n\r\n", "not an HTTP status line");
	SSDP_FAILS("HTTP/1.1 2000 OK\r\n\r\n", "not an HTTP status line");
	SSDP_FAILS("HTTP/1.1 200OK\r\n\r\n", "not an HTTP status line");
	SSDP_FAILS("HTTP/x.1 200 OK\r\n\r\n", "not an HTTP status line");
	SSDP_FAILS("HTTP/1. 200 OK\r\n\r\n", "not an HTTP status line");
	SSDP_FAILS("HTTP/1.1\r\n\r\n", "not an HTTP status line");
	SSDP_FAILS("http/1.1 200 OK\r\n\r\n", "not an HTTP status line");
	SSDP_FAILS("\r\n", "not an HTTP status line");
	SSDP_FAILS("\0HTTP/1.1 200 OK\r\n", "not an HTTP status line");
	CHECK(unset("upnp_status_code") && is("app_success", "false"));
	/* no line end anywhere (CR alone is none) */
	SSDP_FAILS("HTTP/1.1 200 OK", "status line not ended");
	CHECK(is("upnp_status_code", "200") && is("app_success", "true"));
	SSDP_FAILS("HTTP/1.1 200 OK\rST: x\r\r", "status line not ended");
	SSDP_FAILS("HTTP/1.1 200 OK\r\nST: x", "header line not ended");
	CHECK(unset("upnp_st"));
	/* bad header lines are skipped, the rest read */
	SSDP_FAILS("HTTP/1.1 200 OK\r\nno colon here\r\nST: x\r\n\r\n",
	           "header line without a colon");
	CHECK(is("upnp_st", "\"x\""));
	SSDP_FAILS("HTTP/1.1 200 OK\r\n: x\r\nST: y\r\n\r\n", "header line without a name");
	CHECK(is("upnp_st", "\"y\""));
	SSDP_FAILS("HTTP/1.1 200 OK\r\nS\0T: x\r\nSERVER: y\r\n\r\n", "bad header name");
	CHECK(unset("upnp_st") && is("upnp_server", "\"y\""));
	SSDP_FAILS("HTTP/1.1 200 OK\r\nS\xc3\x9c: x\r\n\r\n", "bad header name");
	SSDP_FAILS("HTTP/1.1 200 OK\r\nS T: x\r\n\r\n", "bad header name");
	/* NUL and non-ASCII bytes in values and the reason, escaped */
	static const char odd[] = "HTTP/1.1 200 O\0K\xff\r\n"
	                          "SERVER: caf\xc3\xa9 \\ \"x\"\r\n"
	                          "LOCATION: http://a\0b/\r\n"
	                          "\r\n";
	EXPECT(&ssdp, odd, sizeof odd - 1, B("app_success", 1), S("upnp_version", "HTTP/1.1"),
	       N("upnp_status_code", "200"),
	       {"upnp_status_text", "O\\x00K\\xff", "\"O\\u0000K\\u00ff\""},
	       {"upnp_server", "\"caf\\xc3\\xa9 \\x5c \"\"x\"\"\"",
	        "\"caf\\u00c3\\u00a9 \\\\ \\\"x\\\"\""},
	       {"upnp_location", "http://a\\x00b/", "\"http://a\\u0000b/\""}, B("upnp_ext", 0),
	       {"upnp_headers", csv_of(ref_csv, odd + 19, sizeof odd - 1 - 21),
	        json_of(ref_json, odd + 19, sizeof odd - 1 - 21)});

	/* a huge header line is skipped; a huge status line refused; a
	 * huge block cut at SSDP_HEADERS_MAX bytes */
	static char big[60000];
	int k = snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\nSERVER: ");
	memset(big + k, 'a', 3000);
	k += 3000;
	k += snprintf(big + k, sizeof big - (size_t)k, "\r\nST: after\r\n\r\n");
	CHECK(ssdp_fails(big, (size_t)k, "header line too long"));
	CHECK(unset("upnp_server") && is("upnp_st", "\"after\""));
	k = snprintf(big, sizeof big, "HTTP/1.1 200 ");
	memset(big + k, 'b', 3000);
	k += 3000;
	k += snprintf(big + k, sizeof big - (size_t)k, "\r\n\r\n");
	CHECK(ssdp_fails(big, (size_t)k, "status line too long"));
	CHECK(unset("upnp_status_text") && is("app_success", "false"));
	k = snprintf(big, sizeof big, "HTTP/1.1 200 OK\r\n");
	while (k < 50000)
		k += snprintf(big + k, sizeof big - (size_t)k, "X-%05d: %d\r\n", k, k);
	k += snprintf(big + k, sizeof big - (size_t)k, "ST: last\r\n\r\n");
	run(&ssdp, big, (size_t)k, FIELDW_JSON);
	CHECK(unset("upnp_parse_error") && is("upnp_st", "\"last\"") &&
	      is("upnp_headers", json_of(ref_json, big + 17, SSDP_HEADERS_MAX)));

	/* random mixes of answer pieces and bytes: nothing read past the
	 * datagram, every field bounded */
	static const char *pieces[] = {
	    "HTTP/1.1 200 OK",
	    "\r\n",
	    "\n",
	    "\r",
	    ":",
	    " ",
	    "\t",
	    "SERVER",
	    "ext",
	    "St",
	    "LOCATION: http://x/",
	    "\0",
	    "\xff",
	    "HTTP/",
	    "1.1",
	    "200",
	    "",
	};
	for (int i = 0; i < 20000; i++) {
		size_t len = 0;
		int parts = (int)(rnd() % 24);
		for (int j = 0; j < parts; j++) {
			if (rnd() % 4 == 0) {
				big[len++] = (char)rnd();
				continue;
			}
			const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
			size_t pl = *p ? strlen(p) : 1;
			memcpy(big + len, p, pl);
			len += pl;
		}
		run(&ssdp, big, len, i & 1 ? FIELDW_JSON : FIELDW_CSV);
		CHECK(!fw_truncated(&fw) && !unset("app_success"));
		CHECK(len > 0 || !unset("upnp_parse_error"));
	}
}

/* ---- memcached ---- */

/* memcached 1.6's answer to "stats" (fewer lines): a statistic's name and
 * value each */
static const char *const mc_stats[][2] = {
    {"pid", "1187"},
    {"uptime", "86461"},
    {"time", "1796547600"},
    {"version", "1.6.21"},
    {"libevent", "2.1.12-stable"},
    {"pointer_size", "64"},
    {"rusage_user", "12.345678"},
    {"rusage_system", "6.543210"},
    {"max_connections", "1024"},
    {"curr_connections", "2"},
    {"total_connections", "57"},
    {"rejected_connections", "0"},
    {"connection_structures", "3"},
    {"cmd_get", "10"},
    {"get_hits", "7"},
    {"curr_items", "5"},
    {"total_items", "9"},
    {"bytes", "512"},
    {"limit_maxbytes", "67108864"},
    {"threads", "4"},
};
#define MC_STATS (sizeof mc_stats / sizeof mc_stats[0])

static uint8_t mc_buf[70000];

/* The frame header and text into mc_buf; its length. */
static size_t mc_frame(unsigned id, unsigned seq, unsigned total, const char *text, size_t n)
{
	const uint8_t h[8] = {(uint8_t)(id >> 8),
	                      (uint8_t)id,
	                      (uint8_t)(seq >> 8),
	                      (uint8_t)seq,
	                      (uint8_t)(total >> 8),
	                      (uint8_t)total,
	                      0,
	                      0};
	memcpy(mc_buf, h, 8);
	memcpy(mc_buf + 8, text, n);
	return 8 + n;
}

/* The stats text, lines from..to of mc_stats, and END if end. */
static size_t mc_text(char *out, size_t from, size_t to, bool end)
{
	size_t n = 0;
	for (size_t i = from; i < to; i++)
		n += (size_t)sprintf(out + n, "STAT %s %s\r\n", mc_stats[i][0], mc_stats[i][1]);
	if (end)
		n += (size_t)sprintf(out + n, "END\r\n");
	return n;
}

/* The list mc_stats[from..to) renders as, in JSON and as a CSV cell. */
static void mc_list(size_t from, size_t to, char *json, char *csv)
{
	char *p = json;
	*p++ = '[';
	for (size_t i = from; i < to; i++)
		p += sprintf(p, "%s{\"name\":\"%s\",\"value\":\"%s\"}", i > from ? "," : "",
		             mc_stats[i][0], mc_stats[i][1]);
	*p++ = ']';
	*p = 0;
	p = csv;
	*p++ = '"';
	for (const char *s = json; *s; s++) {
		if (*s == '"')
			*p++ = '"';
		*p++ = *s;
	}
	*p++ = '"';
	*p = 0;
}

/* How many items a rendered list holds. */
static size_t items(const char *list)
{
	size_t k = 0;
	for (const char *s = list; (s = strstr(s, "{\"")) != NULL; s++)
		k++;
	return k;
}

static char text[70000];

void test_memcached_answer_fields(void)
{
	size_t tn = mc_text(text, 0, MC_STATS, true);
	size_t n = mc_frame(0x5a53, 0, 1, text, tn);
	mc_list(0, MC_STATS, ref_json, ref_csv);
	EXPECT(&mc, mc_buf, n, B("app_success", 1), N("memcached_request_id", "23123"),
	       N("memcached_seq", "0"), N("memcached_datagrams", "1"),
	       S("memcached_version", "1.6.21"), N("memcached_pid", "1187"),
	       N("memcached_uptime", "86461"), N("memcached_time", "1796547600"),
	       N("memcached_pointer_size", "64"), N("memcached_threads", "4"),
	       N("memcached_curr_connections", "2"), N("memcached_total_connections", "57"),
	       N("memcached_curr_items", "5"), N("memcached_total_items", "9"),
	       N("memcached_bytes", "512"), N("memcached_limit_maxbytes", "67108864"),
	       B("memcached_end", 1), {"memcached_stats", ref_csv, ref_json});

	/* the answer to "version" */
	n = mc_frame(7, 0, 1, "VERSION 1.6.21\r\n", 16);
	EXPECT(&mc, mc_buf, n, B("app_success", 1), N("memcached_request_id", "7"),
	       N("memcached_seq", "0"), N("memcached_datagrams", "1"),
	       S("memcached_version", "1.6.21"), B("memcached_end", 0));
	/* a refusal is an answer, but not a success */
	n = mc_frame(7, 0, 1, "SERVER_ERROR out of memory\r\n", 28);
	EXPECT(&mc, mc_buf, n, B("app_success", 0), N("memcached_request_id", "7"),
	       N("memcached_seq", "0"), N("memcached_datagrams", "1"), B("memcached_end", 0),
	       S("memcached_error", "SERVER_ERROR out of memory"));
	n = mc_frame(7, 0, 1, "ERROR\nERROR\n", 12);
	run(&mc, mc_buf, n, FIELDW_CSV);
	CHECK(is("memcached_error", "ERROR") && is("memcached_parse_error", ""));
	/* bare LF line ends; a STAT with an empty value; the first of two */
	static const char lf[] = "STAT pid 1\nSTAT pid 2\nSTAT empty \nEND\n";
	n = mc_frame(0xffff, 0, 1, lf, sizeof lf - 1);
	EXPECT(&mc, mc_buf, n, B("app_success", 1), N("memcached_request_id", "65535"),
	       N("memcached_seq", "0"), N("memcached_datagrams", "1"), N("memcached_pid", "1"),
	       B("memcached_end", 1),
	       {"memcached_stats",
	        "\"[{\"\"name\"\":\"\"pid\"\",\"\"value\"\":\"\"1\"\"},"
	        "{\"\"name\"\":\"\"pid\"\",\"\"value\"\":\"\"2\"\"},"
	        "{\"\"name\"\":\"\"empty\"\",\"\"value\"\":\"\"\"\"}]\"",
	        "[{\"name\":\"pid\",\"value\":\"1\"},{\"name\":\"pid\",\"value\":\"2\"},"
	        "{\"name\":\"empty\",\"value\":\"\"}]"});
}

/* The stats answer cut in two at every byte, as memcached cuts a long
 * one: each datagram decodes alone, without error, and the two hold
 * every STAT line between them but the one cut. */
void test_memcached_split_datagrams(void)
{
	size_t tn = mc_text(text, 0, MC_STATS, true);
	for (size_t k = 1; k < tn; k++) {
		bool boundary = text[k - 1] == '\n';
		size_t got = 0;
		bool end = false;
		for (unsigned seq = 0; seq < 2; seq++) {
			size_t n =
			    seq ? mc_frame(9, 1, 2, text + k, tn - k) : mc_frame(9, 0, 2, text, k);
			run(&mc, mc_buf, n, FIELDW_JSON);
			CHECKF(unset("memcached_parse_error"), "cut at %zu, datagram %u: %s", k,
			       seq, val("memcached_parse_error"));
			CHECK(is("memcached_seq", seq ? "1" : "0") &&
			      is("memcached_datagrams", "2"));
			end |= strcmp(val("memcached_end"), "true") == 0;
			size_t in = items(val("memcached_stats"));
			got += in;
			CHECK(strcmp(val("app_success"), in ? "true" : "false") == 0 ||
			      (in == 0 && is("memcached_version", "\"1.6.21\"")));
		}
		CHECKF(got == MC_STATS - (!boundary && k < tn - 5), "cut at %zu: %zu lines", k,
		       got);
		CHECK(end == (k <= tn - 5 || k == tn));
	}
	/* the middle of three, cut inside lines at both ends */
	char *a = strstr(text, "TAT time"), *b = strstr(text, "connections 57");
	size_t n = mc_frame(9, 1, 3, a, (size_t)(b - a));
	mc_list(3, 10, ref_json, ref_csv);
	EXPECT(&mc, mc_buf, n, B("app_success", 1), N("memcached_request_id", "9"),
	       N("memcached_seq", "1"), N("memcached_datagrams", "3"),
	       S("memcached_version", "1.6.21"), N("memcached_pointer_size", "64"),
	       N("memcached_curr_connections", "2"), B("memcached_end", 0),
	       {"memcached_stats", ref_csv, ref_json});
}

static bool mc_fails(const char *t, size_t tn, const char *why)
{
	size_t n = mc_frame(1, 0, 1, t, tn);
	for (int json = 0; json < 2; json++) {
		run(&mc, mc_buf, n, json ? FIELDW_JSON : FIELDW_CSV);
		if (!is("memcached_parse_error", json ? json_of(ref_json, why, strlen(why)) : why))
			return false;
		if (fw_truncated(&fw) || unset("app_success"))
			return false;
	}
	return true;
}

#define MC_FAILS(t, why) CHECK(mc_fails(t, sizeof t - 1, why))

void test_memcached_hostile_answers(void)
{
	/* the frame header cut */
	size_t tn = mc_text(text, 0, MC_STATS, true);
	size_t n = mc_frame(0x5a53, 0, 1, text, tn);
	EXPECT(&mc, mc_buf, 0, B("app_success", 0), S("memcached_parse_error", "empty answer"));
	for (size_t k = 1; k <= 8; k++) {
		run(&mc, mc_buf, k, FIELDW_CSV);
		CHECK(is("memcached_parse_error", k < 8 ? "truncated frame header" : "no text"));
		CHECK(unset("memcached_request_id") == (k < 2) &&
		      unset("memcached_seq") == (k < 4) &&
		      unset("memcached_datagrams") == (k < 6) && is("app_success", "0"));
	}
	/* the text cut at every length, in the last datagram */
	for (size_t k = 9; k <= n; k++) {
		run(&mc, mc_buf, k, k & 1 ? FIELDW_JSON : FIELDW_CSV);
		bool fine = mc_buf[k - 1] == '\n';
		CHECKF(unset("memcached_parse_error") == fine, "cut at %zu: %s", k,
		       val("memcached_parse_error"));
		CHECK(fine || strstr(val("memcached_parse_error"), "line not ended"));
		CHECK(!fw_truncated(&fw));
	}
	/* the frame header's counts */
	n = mc_frame(1, 3, 1, "END\r\n", 5);
	run(&mc, mc_buf, n, FIELDW_CSV);
	CHECK(is("memcached_parse_error", "sequence number not below the datagram count"));
	n = mc_frame(1, 0, 0, "END\r\n", 5);
	run(&mc, mc_buf, n, FIELDW_CSV);
	CHECK(is("memcached_parse_error", "sequence number not below the datagram count"));
	/* bad lines: each skipped, the first told */
	MC_FAILS("STAT pid\r\nSTAT uptime 5\r\nEND\r\n", "STAT line without a value");
	CHECK(unset("memcached_pid") && is("memcached_uptime", "5") && is("app_success", "true") &&
	      items(val("memcached_stats")) == 1);
	MC_FAILS("STAT \r\nEND\r\n", "STAT line without a name");
	CHECK(is("app_success", "false") && unset("memcached_stats"));
	MC_FAILS("STAT  1\r\n", "STAT line without a name");
	MC_FAILS("STAT\r\n", "unexpected line");
	MC_FAILS("STAT pid abc\r\nSTAT pid 12\r\nEND\r\n",
	         "a STAT value that should be a number is not");
	CHECK(unset("memcached_pid") && items(val("memcached_stats")) == 2);
	MC_FAILS("STAT bytes 18446744073709551616\r\n",
	         "a STAT value that should be a number is not");
	MC_FAILS("STAT bytes -1\r\n", "a STAT value that should be a number is not");
	MC_FAILS("STAT bytes 18446744073709551615\r\nX\r\n", "unexpected line");
	CHECK(is("memcached_bytes", "18446744073709551615"));
	MC_FAILS("HELLO\r\nSTAT pid 1\r\n", "unexpected line");
	CHECK(is("memcached_pid", "1"));
	MC_FAILS("\r\n", "unexpected line");
	MC_FAILS("END\r\nSTAT pid 1\r\n", "data after END");
	CHECK(unset("memcached_pid") && is("memcached_end", "true"));
	MC_FAILS("STAT pid 1", "line not ended");
	CHECK(unset("memcached_pid") && is("app_success", "false"));
	MC_FAILS("VERSION 1.6.21\r", "line not ended");
	/* NUL and non-ASCII bytes: kept, escaped */
	static const char odd[] = "STAT ver\0sion 1\r\nSTAT version 1.6\xff\r\nEND\r\n";
	n = mc_frame(1, 0, 1, odd, sizeof odd - 1);
	EXPECT(&mc, mc_buf, n, B("app_success", 1), N("memcached_request_id", "1"),
	       N("memcached_seq", "0"), N("memcached_datagrams", "1"),
	       {"memcached_version", "1.6\\xff", "\"1.6\\u00ff\""}, B("memcached_end", 1),
	       {"memcached_stats",
	        "\"[{\"\"name\"\":\"\"ver\\u0000sion\"\",\"\"value\"\":\"\"1\"\"},"
	        "{\"\"name\"\":\"\"version\"\",\"\"value\"\":\"\"1.6\\u00ff\"\"}]\"",
	        "[{\"name\":\"ver\\u0000sion\",\"value\":\"1\"},"
	        "{\"name\":\"version\",\"value\":\"1.6\\u00ff\"}]"});
	/* a huge line; more STAT lines than the list keeps */
	size_t k = (size_t)sprintf(text, "STAT version ");
	memset(text + k, 'v', 5000);
	k += 5000;
	k += (size_t)sprintf(text + k, "\r\nSTAT pid 3\r\n");
	CHECK(mc_fails(text, k, "line too long") && unset("memcached_version") &&
	      is("memcached_pid", "3") && items(val("memcached_stats")) == 1);
	k = 0;
	for (int i = 0; k < 60000; i++)
		k += (size_t)sprintf(text + k, "STAT s%d %d\r\n", i, i);
	k += (size_t)sprintf(text + k, "END\r\n");
	n = mc_frame(1, 0, 1, text, k);
	for (int json = 0; json < 2; json++) {
		run(&mc, mc_buf, n, json ? FIELDW_JSON : FIELDW_CSV);
		CHECK(unset("memcached_parse_error") && !fw_truncated(&fw));
		CHECK(items(val("memcached_stats")) == MEMCACHED_STATS_MAX);
	}
	/* random mixes of answer pieces and bytes */
	static const char *pieces[] = {
	    "STAT ",    "pid",   " ",  "1",    "\r\n",    "\n",           "\r", "END",
	    "VERSION ", "ERROR", "\0", "\xff", "version", "CLIENT_ERROR", "",
	};
	for (int i = 0; i < 20000; i++) {
		size_t len = 0;
		int parts = (int)(rnd() % 24);
		for (int j = 0; j < parts; j++) {
			if (rnd() % 4 == 0) {
				text[len++] = (char)rnd();
				continue;
			}
			const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
			size_t pl = *p ? strlen(p) : 1;
			memcpy(text + len, p, pl);
			len += pl;
		}
		uint32_t h = rnd();
		n = i % 3 ? mc_frame(h & 0xffff, h >> 16 & 3, h >> 18 & 3, text, len) : len % 12;
		if (i % 3 == 0)
			memcpy(mc_buf, text, n);
		run(&mc, mc_buf, n, i & 1 ? FIELDW_JSON : FIELDW_CSV);
		CHECK(!fw_truncated(&fw) && !unset("app_success"));
	}
}
