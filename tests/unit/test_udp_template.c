/* Unit tests: the udp module's template fields from ZMap (RAND_BYTE,
 * RAND_DIGIT, RAND_ALPHA, RAND_ALPHANUM, UNIXTIME_SEC, UNIXTIME_USEC,
 * NTP_TIMESTAMP): how parse_template reads them and refuses bad ones, and
 * what render writes: lengths, character classes, the same bytes for one
 * target and key, others for another target or key, times of now. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "probe_testutil.h"

void test_udp_template_field_syntax(void);
void test_udp_template_random_fields(void);
void test_udp_template_time_fields(void);
void test_udp_template_lengths_and_ipv6(void);

/* Sets pp up with a template of the given text; 0 or -1 as probe_setup. */
static int setup_template(struct probe_params *pp, const char *text, struct zerr *e)
{
	char path[64], arg[80];
	snprintf(path, sizeof path, "/tmp/zscan-unit-udptmpl.%d", (int)getpid());
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	snprintf(arg, sizeof arg, "template:%s", path);
	int rc = probe_setup(&probe_udp, pp, arg, e);
	unlink(path);
	return rc;
}

/* The payload of one probe from src to dst:port, at out; its length, or
 * 0 when the frame is wrong (lengths, checksums). */
static size_t payload_of(struct probe_params *pp, uint32_t src, uint32_t dst, uint16_t port,
                         uint8_t *out)
{
	uint8_t frame[PROBE_MAX_FRAME];
	struct zerr e;
	if (probe_udp.make_template(pp, src, frame, &e) != 0)
		return 0;
	size_t n = probe_udp.fill(pp, frame, src, dst, port, 0);
	const uint8_t *ip = frame + 14;
	if (n < 42 || rd16(ip + 2) != n - 14 || rd16(ip + 24) != n - 34 || !ip_csum_ok(ip) ||
	    !l4_csum_ok(ip, 17))
		return 0;
	memcpy(out, frame + 42, n - 42);
	return n - 42;
}

static int all_in(const uint8_t *p, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!p[i] || !strchr(set, p[i]))
			return 0;
	return 1;
}

#define DIGITS "0123456789"
#define ALPHA "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

void test_udp_template_field_syntax(void)
{
	struct secret s = test_secret(21);
	struct probe_params pp = params(&s);
	struct zerr e;
	static const struct {
		const char *text, *want; /* want NULL: accepted */
	} cases[] = {
	    {"${RAND_BYTE=1}${RAND_DIGIT=2}${RAND_ALPHA=3}${RAND_ALPHANUM=1466}", NULL},
	    {"${UNIXTIME_SEC}${UNIXTIME_USEC}${NTP_TIMESTAMP}", NULL},
	    {"ab${RAND_BYTE}", "byte 3: '${RAND_BYTE}' wants a length: ${RAND_BYTE=N}"},
	    {"${RAND_ALPHA=}", "byte 1: '${RAND_ALPHA=}': a length after '='"},
	    {"${RAND_DIGIT=0}", "'${RAND_DIGIT=0}': the length is 1 to 1472"},
	    {"${RAND_DIGIT=1473}", "'${RAND_DIGIT=1473}': the length is 1 to 1472"},
	    {"${RAND_DIGIT=99999999999999999999999}", "the length is 1 to 1472"},
	    {"${RAND_DIGIT=-1}", "'${RAND_DIGIT=-1}': the length is not a number"},
	    {"${RAND_DIGIT= 4}", "the length is not a number"},
	    {"${RAND_DIGIT=4x}", "the length is not a number"},
	    {"${UNIXTIME_SEC=4}", "byte 1: '${UNIXTIME_SEC=4}' takes no length"},
	    {"${saddr=15}", "'${saddr=15}' takes no length"},
	    /* ZMap's names are upper case, ours lower: neither is folded */
	    {"${rand_byte=4}", "unknown field '${rand_byte=4}' (saddr, daddr, sport, dport, nonce, "
	                       "RAND_BYTE=N, RAND_DIGIT=N, RAND_ALPHA=N, RAND_ALPHANUM=N, "
	                       "UNIXTIME_SEC, UNIXTIME_USEC, NTP_TIMESTAMP)"},
	    {"${SADDR}", "unknown field '${SADDR}'"},
	    {"${RAND_BYTES=4}", "unknown field"},
	    {"${=4}", "unknown field '${=4}'"},
	    {"x ${RAND_BYTE=4", "byte 3: '${' without '}'"},
	    /* the rendering's bound: N counts, the field's text does not */
	    {"${RAND_BYTE=1472}x", "a payload of up to 1473 bytes is more than 1472"},
	    {"${RAND_BYTE=1000}${RAND_ALPHA=469}${UNIXTIME_SEC}", "up to 1473 bytes"},
	    {"${RAND_BYTE=1000}${RAND_ALPHA=464}${NTP_TIMESTAMP}", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = setup_template(&pp, cases[i].text, &e);
		if (!cases[i].want) {
			CHECKF(rc == 0, "'%s' refused: %s", cases[i].text, e.msg);
			probe_teardown(&probe_udp, &pp);
		} else {
			CHECKF(rc < 0 && strstr(e.msg, cases[i].want), "'%s': got '%s', want '%s'",
			       cases[i].text, rc < 0 ? e.msg : "(accepted)", cases[i].want);
		}
	}
	/* "=" and "}" only mean something inside ${...}; "$" and "{" alone
	 * are text */
	CHECK(setup_template(&pp, "a=b} $ {c} $x ${RAND_DIGIT=3}", &e) == 0);
	uint8_t out[PROBE_MAX_PAYLOAD];
	size_t n = payload_of(&pp, 0xc6120001u, 0xc6121001u, 9, out);
	CHECK(n == 17 && memcmp(out, "a=b} $ {c} $x ", 14) == 0 && all_in(out + 14, 3, DIGITS));
	probe_teardown(&probe_udp, &pp);
}

void test_udp_template_random_fields(void)
{
	struct secret s = test_secret(22), same = test_secret(22), other = test_secret(23);
	struct probe_params pp = params(&s), pp_same = params(&same), pp_other = params(&other);
	struct zerr e;
	const char *text = "${RAND_BYTE=40}|${RAND_DIGIT=40}|${RAND_ALPHA=40}|${RAND_ALPHANUM=40}|"
	                   "${RAND_BYTE=40}";
	CHECK(setup_template(&pp, text, &e) == 0 && setup_template(&pp_same, text, &e) == 0 &&
	      setup_template(&pp_other, text, &e) == 0);
	uint32_t src = 0xc6120001u, dst = 0xc6121001u;
	uint8_t a[PROBE_MAX_PAYLOAD], b[PROBE_MAX_PAYLOAD];
	size_t n = payload_of(&pp, src, dst, 53, a);
	CHECK(n == 5 * 40 + 4);
	for (int k = 0; k < 4; k++)
		CHECK(a[40 + 41 * k] == '|');
	CHECK(all_in(a + 41, 40, DIGITS) && all_in(a + 82, 40, ALPHA) &&
	      all_in(a + 123, 40, ALPHA DIGITS));
	/* 40 random characters of 10, 52, 62 kinds use most of them */
	int seen[256] = {0}, digits = 0, letters = 0;
	for (size_t i = 41; i < 164; i++)
		if (a[i] != '|' && !seen[a[i]]++) {
			if (strchr(DIGITS, a[i]))
				digits++;
			else
				letters++;
		}
	CHECKF(digits == 10 && letters >= 30, "%d digits, %d letters", digits, letters);
	/* two fields of one kind get different bytes */
	CHECK(memcmp(a, a + 164, 40) != 0);
	/* the same target under the same key: the same bytes, from any
	 * module state (nothing is kept between probes) */
	CHECK(payload_of(&pp_same, src, dst, 53, b) == n && memcmp(a, b, n) == 0);
	CHECK(payload_of(&pp, src, dst, 53, b) == n && memcmp(a, b, n) == 0);
	/* another target, port, source or key: other bytes in every field */
	const struct {
		struct probe_params *pp;
		uint32_t src, dst;
		uint16_t port;
	} others[] = {{&pp, src, dst + 1, 53},
	              {&pp, src, dst, 54},
	              {&pp, src + 1, dst, 53},
	              {&pp_other, src, dst, 53}};
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		CHECK(payload_of(others[i].pp, others[i].src, others[i].dst, others[i].port, b) ==
		      n);
		for (size_t f = 0; f < 5; f++)
			CHECKF(memcmp(a + 41 * f, b + 41 * f, 40) != 0, "case %zu, field %zu", i,
			       f);
	}
	/* the bytes are none of the MACs that validate answers: not the
	 * nonce's, nor the port's */
	uint64_t port_mac = secret_mac(&s, dst, 53, src), nonce_mac = secret_mac(&s, dst, 53, ~src);
	uint8_t mb[8];
	for (int i = 0; i < 8; i++)
		mb[i] = (uint8_t)(port_mac >> (56 - 8 * i));
	CHECK(memcmp(a, mb, 8) != 0);
	for (int i = 0; i < 8; i++)
		mb[i] = (uint8_t)(nonce_mac >> (56 - 8 * i));
	CHECK(memcmp(a, mb, 8) != 0);
	probe_teardown(&probe_udp, &pp);
	probe_teardown(&probe_udp, &pp_same);
	probe_teardown(&probe_udp, &pp_other);
}

void test_udp_template_time_fields(void)
{
	struct secret s = test_secret(24);
	struct probe_params pp = params(&s);
	struct zerr e;
	CHECK(setup_template(&pp, "${UNIXTIME_SEC}${UNIXTIME_USEC}${NTP_TIMESTAMP}.", &e) == 0);
	uint8_t out[PROBE_MAX_PAYLOAD];
	struct timespec before, after;
	clock_gettime(CLOCK_REALTIME, &before);
	size_t n = payload_of(&pp, 0xc6120001u, 0xc6121001u, 123, out);
	clock_gettime(CLOCK_REALTIME, &after);
	CHECK(n == 4 + 4 + 8 + 1 && out[16] == '.');
	uint32_t sec = rd32(out), usec = rd32(out + 4), ntp_sec = rd32(out + 8),
	         ntp_frac = rd32(out + 12);
	CHECK(sec >= (uint32_t)before.tv_sec && sec <= (uint32_t)after.tv_sec && usec < 1000000);
	/* one reading of the clock: NTP's seconds are 2208988800 more (era 0
	 * until 2036, then wrapping), its fraction the same microseconds */
	CHECK(ntp_sec == (uint32_t)(sec + 2208988800u));
	uint32_t frac_usec = (uint32_t)(((uint64_t)ntp_frac * 1000000u) >> 32);
	CHECKF(frac_usec == usec || frac_usec + 1 == usec, "fraction %u, usec %u", frac_usec, usec);
	probe_teardown(&probe_udp, &pp);
}

void test_udp_template_lengths_and_ipv6(void)
{
	struct secret s = test_secret(25);
	struct probe_params pp = params(&s);
	struct zerr e;
	/* 1453 bytes at most: an IPv4 form only */
	CHECK(setup_template(&pp, "${RAND_ALPHANUM=1453}", &e) == 0);
	CHECK(pp.template_len == 42 && pp.template_len6 == 0);
	uint8_t out[PROBE_MAX_PAYLOAD];
	CHECK(payload_of(&pp, 0xc6120001u, 0xc6121001u, 9, out) == 1453);
	CHECK(all_in(out, 1453, ALPHA DIGITS));
	probe_teardown(&probe_udp, &pp);
	/* the longest rendering, every byte of it random */
	CHECK(setup_template(&pp, "${RAND_BYTE=1472}", &e) == 0);
	CHECK(payload_of(&pp, 0xc6120001u, 0xc6121001u, 9, out) == 1472);
	int zeros = 0;
	for (int i = 0; i < 1472; i++)
		zeros += out[i] == 0;
	CHECKF(zeros < 30, "%d zero bytes of 1472", zeros);
	probe_teardown(&probe_udp, &pp);

	/* IPv6: the same fields, keyed by the IPv6 addresses */
	CHECK(setup_template(&pp, "${RAND_DIGIT=20} ${RAND_BYTE=9} ${NTP_TIMESTAMP}", &e) == 0);
	CHECK(pp.template_len6 != 0);
	struct ipaddr src = {0x20010002000000ffull, 1}, dst = {0x2001000200000010ull, 5},
	              dst2 = {0x2001000200000010ull, 6};
	uint8_t frame[PROBE_MAX_FRAME], first[64];
	CHECK(probe_udp.make_template6(&pp, &src, frame, &e) == 0);
	size_t n = probe_udp.fill6(&pp, frame, &src, &dst, 53, 0);
	const uint8_t *ip6 = frame + 14;
	CHECK(n == 14 + 40 + 8 + 20 + 1 + 9 + 1 + 8 && rd16(ip6 + 4) == n - 54 && l4_csum6_ok(ip6));
	CHECK(all_in(ip6 + 48, 20, DIGITS) && ip6[68] == ' ' && ip6[78] == ' ');
	memcpy(first, ip6 + 48, 30);
	CHECK(probe_udp.fill6(&pp, frame, &src, &dst, 53, 0) == n &&
	      memcmp(first, ip6 + 48, 30) == 0);
	CHECK(probe_udp.fill6(&pp, frame, &src, &dst2, 53, 0) == n && l4_csum6_ok(ip6) &&
	      memcmp(first, ip6 + 48, 20) != 0 && memcmp(first + 21, ip6 + 69, 9) != 0);
	probe_teardown(&probe_udp, &pp);
}
