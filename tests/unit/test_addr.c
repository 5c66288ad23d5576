/* Unit tests: address and CIDR text. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/addr/addr.h"
#include "harness.h"
#include "util/escape.h"

void test_addr_parse_accepts_and_rejects(void);
void test_addr_format_roundtrip_all_octets(void);
void test_addr_scan_matches_addr_parse(void);
void test_cidr_parse_cases(void);

static int parses(const char *s, uint32_t *a)
{
	return addr_parse(s, strlen(s), a) == ADDR_OK;
}

void test_addr_parse_accepts_and_rejects(void)
{
	uint32_t a;
	CHECK(parses("0.0.0.0", &a) && a == 0);
	CHECK(parses("255.255.255.255", &a) && a == 0xffffffffu);
	CHECK(parses("198.18.0.1", &a) && a == 0xc6120001u);
	const char *bad[] = {"",         "1.2.3",    "1.2.3.4.5", "256.1.1.1", "300.1.1.1",
	                     "1.2.3.04", "01.2.3.4", "1..2.3",    "1.2.3.",    "a.b.c.d",
	                     " 1.2.3.4", "1.2.3.4 ", "1.2.3.4/",  "-1.2.3.4",  "1.2.3.1000"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECKF(!parses(bad[i], &a), "accepted '%s'", bad[i]);
}

void test_addr_format_roundtrip_all_octets(void)
{
	for (uint32_t o = 0; o < 256; o++) {
		uint32_t a = (o << 24) | ((255 - o) << 16) | (o * 7 % 256) << 8 | (o ^ 0x5a);
		char buf[ADDR_STRLEN], ref[32];
		snprintf(ref, sizeof ref, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		         a & 255);
		CHECKF(strcmp(addr_str(a, buf), ref) == 0, "%s != %s", buf, ref);
		uint32_t back;
		CHECK(parses(buf, &back) && back == a);
	}
}

void test_addr_scan_matches_addr_parse(void)
{
	const char *cases[] = {
	    "1.2.3.4\n",    "255.255.255.255,80\n", "256.1.1.1\n", "01.1.1.1\n",     "1.2.3\n",
	    "10.0.0.0/8\n", "1.2.3.4567\n",         "9.9.9.9 x\n", "100.200.30.4\n", "1.2.3.04\n"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *s = cases[i];
		size_t tok = strcspn(s, "\n,/ ");
		uint32_t a1 = 0, a2 = 0;
		int ok1 = addr_parse(s, tok, &a1) == ADDR_OK;
		size_t n = addr_scan(s, &a2);
		CHECKF(ok1 == (n == tok) && (!ok1 || a1 == a2), "case '%.*s'", (int)tok, s);
	}
}

void test_cidr_parse_cases(void)
{
	uint32_t a;
	int len;
	CHECK(cidr_parse("10.1.2.3/8", 10, &a, &len) == ADDR_HOST_BITS && a == 0x0a000000u &&
	      len == 8);
	CHECK(cidr_parse("10.0.0.0/8", 10, &a, &len) == ADDR_OK && a == 0x0a000000u);
	CHECK(cidr_parse("1.2.3.4/0", 9, &a, &len) == ADDR_HOST_BITS && a == 0 && len == 0);
	CHECK(cidr_parse("0.0.0.0/0", 9, &a, &len) == ADDR_OK && a == 0 && len == 0);
	CHECK(cidr_parse("1.2.3.4", 7, &a, &len) == ADDR_OK && len == 32);
	CHECK(cidr_parse("1.2.3.4/32", 10, &a, &len) == ADDR_OK && a == 0x01020304u);
	CHECK(cidr_parse("1.2.3.4/33", 10, &a, &len) == ADDR_BAD_LEN);
	CHECK(cidr_parse("1.2.3.4/", 8, &a, &len) == ADDR_BAD_LEN);
	CHECK(cidr_parse("1.2.3.4/08", 10, &a, &len) == ADDR_BAD_LEN);
	CHECK(cidr_parse("1.2.3.4/x", 9, &a, &len) == ADDR_BAD_LEN);
	CHECK(cidr_parse("1.2.3/8", 7, &a, &len) == ADDR_BAD);
}

void test_escape_shows_every_byte(void);

void test_escape_shows_every_byte(void)
{
	char out[64];
	CHECK(strcmp(escape_bytes(out, sizeof out, "198.51.100.1\0", 13), "198.51.100.1\\x00") ==
	      0);
	CHECK(strcmp(escape_bytes(out, sizeof out, "a'b\\c\n\xff", 7), "a\\'b\\\\c\\x0a\\xff") ==
	      0);
	char small[8];
	CHECK(strcmp(escape_bytes(small, sizeof small, "abcdefghij", 10), "abcd...") == 0);
	CHECK(strcmp(escape_bytes(small, sizeof small, "abc", 3), "abc") == 0);
	CHECK(strcmp(escape_bytes(small, sizeof small, "\x01\x02", 2), "\\x01...") == 0 ||
	      strcmp(escape_bytes(small, sizeof small, "\x01\x02", 2), "...") == 0);
	/* the message form: readable UTF-8 stays, controls, C1, bidi
	 * overrides and broken UTF-8 do not */
	CHECK(strcmp(escape_controls(out, sizeof out, "caf\xc3\xa9 \xce\xb1"),
	             "caf\xc3\xa9 \xce\xb1") == 0);
	CHECK(strcmp(escape_controls(out, sizeof out, "a\x1b[31m"), "a\\x1b[31m") == 0);
	CHECK(strcmp(escape_controls(out, sizeof out,
	                             "80\xc2\x9b"
	                             "31m"),
	             "80\\xc2\\x9b31m") == 0);
	CHECK(strcmp(escape_controls(out, sizeof out,
	                             "x\xe2\x80\xae"
	                             "y"),
	             "x\\xe2\\x80\\xaey") == 0);
	CHECK(strcmp(escape_controls(out, sizeof out, "\xe2\x81\xa6"), "\\xe2\\x81\\xa6") == 0);
	CHECK(strcmp(escape_controls(out, sizeof out, "\xff\xc3"), "\\xff\\xc3") == 0);
	CHECK(strcmp(escape_controls(out, sizeof out, "\xc0\xaf"), "\\xc0\\xaf") ==
	      0); /* overlong '/' */
	CHECK(strcmp(escape_controls(out, sizeof out, "\xed\xa0\x80"), "\\xed\\xa0\\x80") ==
	      0); /* surrogate */
	CHECK(strcmp(escape_controls(out, sizeof out, "\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80") ==
	      0);
}
