/* Unit tests: DNS answers built by hand, parsed (every rdata type, every
 * kind of hostile name and cut) and decoded into fields; --probe-args for
 * the dns module, and its queries read back by the parser. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "probe/answer/dns.h"
#include "probe/answer/dnsquery.h"
#include "probe/fieldw.h"

void test_dns_parse_header_and_compression(void);
void test_dns_rdata_every_type(void);
void test_dns_rdata_that_does_not_fit(void);
void test_dns_names_escaped_as_dig(void);
void test_dns_hostile_names(void);
void test_dns_truncations_and_lying_counts(void);
void test_dns_record_bounds(void);
void test_dns_decode_fields(void);
void test_dns_random_bytes_stay_in_bounds(void);
void test_dnsquery_parse_forms(void);
void test_dnsquery_parse_errors(void);
void test_dnsquery_build_round_trip(void);
void test_dnsquery_matches_and_pick(void);

/* ---- building messages ---- */

struct msg {
	uint8_t b[70000];
	size_t n;
};

static void b8(struct msg *m, unsigned v)
{
	m->b[m->n++] = (uint8_t)v;
}

static void b16(struct msg *m, unsigned v)
{
	b8(m, v >> 8);
	b8(m, v & 255);
}

static void b32(struct msg *m, uint32_t v)
{
	b16(m, v >> 16);
	b16(m, v & 0xffff);
}

static void bbytes(struct msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

/* Labels from a dotted text, then the root (no root: end with a pointer). */
static void blabels(struct msg *m, const char *dotted, bool root)
{
	while (*dotted) {
		size_t len = strcspn(dotted, ".");
		b8(m, (unsigned)len);
		bbytes(m, dotted, len);
		dotted += len;
		if (*dotted == '.')
			dotted++;
	}
	if (root)
		b8(m, 0);
}

static void bname(struct msg *m, const char *dotted)
{
	blabels(m, dotted, true);
}

static void bptr(struct msg *m, unsigned off)
{
	b16(m, 0xc000 | off);
}

static void bheader(struct msg *m, unsigned id, unsigned flags, unsigned qd, unsigned an,
                    unsigned ns, unsigned ar)
{
	m->n = 0;
	b16(m, id);
	b16(m, flags);
	b16(m, qd);
	b16(m, an);
	b16(m, ns);
	b16(m, ar);
}

/* A record's fixed part, after its name. */
static void bfixed(struct msg *m, unsigned type, unsigned cls, uint32_t ttl, unsigned rdlen)
{
	b16(m, type);
	b16(m, cls);
	b32(m, ttl);
	b16(m, rdlen);
}

/* A record whose rdata follows; returns where its rdlength is, to patch. */
static size_t brr(struct msg *m, unsigned owner_ptr, unsigned type)
{
	bptr(m, owner_ptr);
	bfixed(m, type, 1, 3600, 0);
	return m->n - 2;
}

static void patch_rdlen(struct msg *m, size_t at)
{
	size_t len = m->n - at - 2;
	m->b[at] = (uint8_t)(len >> 8);
	m->b[at + 1] = (uint8_t)len;
}

/* The answer used throughout, with compression in owners and rdata:
 * www.example.com CNAME web.example.com, web A 93.184.216.34, example.com
 * NS ns.example.com, ns AAAA 2001:db8::53 and an OPT of 1232 bytes. */
static const uint8_t answer[] = {
    0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 1, 0, 2,
    /* 12: question www.example.com A IN */
    3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
    /* 33: answer: @12 CNAME, rdata at 45: web + @16 */
    0xc0, 12, 0, 5, 0, 1, 0, 0, 1, 44, 0, 6, 3, 'w', 'e', 'b', 0xc0, 16,
    /* 51: answer: @45 A 93.184.216.34 */
    0xc0, 45, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34,
    /* 67: authority: @16 NS, rdata at 79: ns + @16 */
    0xc0, 16, 0, 2, 0, 1, 0, 0, 14, 16, 0, 5, 2, 'n', 's', 0xc0, 16,
    /* 84: additional: @79 AAAA 2001:db8::53 */
    0xc0, 79, 0, 28, 0, 1, 0, 0, 14, 16, 0, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0x53,
    /* 112: additional: OPT, root owner, UDP size 1232 */
    0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};

static char text[DNS_TEXT_MAX];

static const char *name_at(const struct dns_msg *m, size_t off)
{
	dns_name_text(m, off, text, sizeof text);
	return text;
}

static const char *rdata_of(const struct dns_msg *m, int i)
{
	dns_rdata_text(m, &m->rr[i], text, sizeof text);
	return text;
}

void test_dns_parse_header_and_compression(void)
{
	static struct dns_msg m;
	CHECK(sizeof answer == 123);
	CHECKF(dns_parse(answer, sizeof answer, &m) == 0, "%s", m.error);
	CHECK(m.header && m.id == 0x1234 && m.qr && m.opcode == 0 && !m.aa && !m.tc && m.rd &&
	      m.ra && !m.z && !m.ad && !m.cd && m.rcode == 0);
	CHECK(m.qdcount == 1 && m.ancount == 2 && m.nscount == 1 && m.arcount == 2);
	CHECK(m.nq == 1 && m.q[0].name == 12 && m.q[0].type == 1 && m.q[0].cls == 1);
	CHECK(strcmp(name_at(&m, 12), "www.example.com") == 0);
	CHECK(m.nrr == 5 && m.end == sizeof answer && m.error[0] == '\0');
	CHECK(m.first[DNS_ANSWER] == 0 && m.kept[DNS_ANSWER] == 2);
	CHECK(m.first[DNS_AUTHORITY] == 2 && m.kept[DNS_AUTHORITY] == 1);
	CHECK(m.first[DNS_ADDITIONAL] == 3 && m.kept[DNS_ADDITIONAL] == 2);
	const struct dns_rr *r = m.rr;
	CHECK(r[0].type == 5 && r[0].cls == 1 && r[0].ttl == 300 && r[0].rdata == 45 &&
	      r[0].rdlength == 6 && r[0].section == DNS_ANSWER && !r[0].rdata_bad);
	CHECK(strcmp(name_at(&m, r[0].name), "www.example.com") == 0);
	CHECK(strcmp(rdata_of(&m, 0), "web.example.com") == 0);
	CHECK(strcmp(name_at(&m, r[1].name), "web.example.com") == 0 && r[1].ttl == 60);
	CHECK(strcmp(rdata_of(&m, 1), "93.184.216.34") == 0);
	CHECK(strcmp(name_at(&m, r[2].name), "example.com") == 0 && r[2].type == 2 &&
	      r[2].section == DNS_AUTHORITY && r[2].ttl == 3600);
	CHECK(strcmp(rdata_of(&m, 2), "ns.example.com") == 0);
	CHECK(strcmp(name_at(&m, r[3].name), "ns.example.com") == 0 && r[3].type == 28);
	CHECK(strcmp(rdata_of(&m, 3), "2001:db8::53") == 0);
	CHECK(strcmp(name_at(&m, r[4].name), ".") == 0 && r[4].type == 41 && r[4].cls == 1232 &&
	      r[4].rdlength == 0 && r[4].section == DNS_ADDITIONAL);
	CHECK(strcmp(rdata_of(&m, 4), "") == 0);
	/* every header bit on its own */
	uint8_t h[12] = {0xff, 0xfe, 0x7f, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0};
	CHECK(dns_parse(h, 12, &m) == 0 && m.id == 0xfffe && !m.qr && m.opcode == 15 && m.aa &&
	      m.tc && m.rd && !m.ra && m.z && m.ad && m.cd && m.rcode == 15);
	h[2] = 0x80;
	h[3] = 0x80;
	CHECK(dns_parse(h, 12, &m) == 0 && m.qr && m.opcode == 0 && !m.aa && !m.tc && !m.rd &&
	      m.ra && !m.z && !m.ad && !m.cd && m.rcode == 0);
	/* a buffer cut short of its text still gets a NUL, and the length */
	char small[8];
	CHECK(dns_name_text(&m, 0, small, sizeof small) == 0); /* no name there: 0xff */
	CHECK(dns_parse(answer, sizeof answer, &m) == 0);
	CHECK(dns_name_text(&m, 12, small, sizeof small) == 15 && strcmp(small, "www.exa") == 0);
	CHECK(dns_rdata_text(&m, &m.rr[3], small, 1) == 12 && small[0] == '\0');
}

/* A message of the question example.com and the records build() adds,
 * each owned by the question's name (@12). */
static void start(struct msg *m, unsigned an)
{
	bheader(m, 7, 0x8400, 1, an, 0, 0);
	bname(m, "example.com");
	b16(m, 255);
	b16(m, 1);
}

struct rd_case {
	unsigned type;
	const char *want;
};

void test_dns_rdata_every_type(void)
{
	static struct msg m;
	static struct dns_msg d;
	start(&m, 15);
	size_t at = brr(&m, 12, 1);
	bbytes(&m, "\xc0\x00\x02\x01", 4);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 28);
	bbytes(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 2); /* NS: a label and a pointer to the question */
	size_t ns1 = m.n;
	blabels(&m, "ns1", false);
	bptr(&m, 12);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 5); /* CNAME: uncompressed */
	bname(&m, "alias.example.net");
	patch_rdlen(&m, at);
	at = brr(&m, 12, 12); /* PTR: wholly a pointer to ns1.example.com */
	bptr(&m, (unsigned)ns1);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 15);
	b16(&m, 10);
	blabels(&m, "mail", false);
	bptr(&m, 12);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 16);
	const char txt[] = "\x0bv=spf1 -all\x00\x05"
	                   "a\"b\\c\x02\x01\xff";
	bbytes(&m, txt, sizeof txt - 1);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 16); /* TXT with rdlength 0 */
	patch_rdlen(&m, at);
	at = brr(&m, 12, 6);
	bptr(&m, (unsigned)ns1);
	blabels(&m, "hostmaster", false);
	bptr(&m, 12);
	b32(&m, 2026120601);
	b32(&m, 7200);
	b32(&m, 3600);
	b32(&m, 1209600);
	b32(&m, 4294967295u);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 33);
	b16(&m, 0);
	b16(&m, 5);
	b16(&m, 5060);
	bname(&m, "_sip._udp.example.com");
	patch_rdlen(&m, at);
	at = brr(&m, 12, 257);
	bbytes(&m, "\x00\x05issueletsencrypt.org", 22);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 257);
	bbytes(&m, "\x80\x05iodefmailto:a@b \"x\"", 21);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 65280);
	bbytes(&m, "\x01\x02\xab", 3);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 46); /* RRSIG: named, shown in hex */
	bbytes(&m, "\x00\x01\xff", 3);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 99); /* SPF: named, empty */
	patch_rdlen(&m, at);
	static const struct rd_case want[] = {
	    {1, "192.0.2.1"},
	    {28, "2001:db8::1"},
	    {2, "ns1.example.com"},
	    {5, "alias.example.net"},
	    {12, "ns1.example.com"},
	    {15, "10 mail.example.com"},
	    {16, "\"v=spf1 -all\" \"\" \"a\\\"b\\\\c\" \"\\001\\255\""},
	    {16, ""},
	    {6, "ns1.example.com hostmaster.example.com 2026120601 7200 3600 1209600 4294967295"},
	    {33, "0 5 5060 _sip._udp.example.com"},
	    {257, "0 issue \"letsencrypt.org\""},
	    {257, "128 iodef \"mailto:a@b \\\"x\\\"\""},
	    {65280, "0102ab"},
	    {46, "0001ff"},
	    {99, ""},
	};
	CHECKF(dns_parse(m.b, m.n, &d) == 0, "%s", d.error);
	CHECK(d.nrr == 15 && d.end == m.n);
	for (int i = 0; i < 15; i++) {
		CHECK(d.rr[i].type == want[i].type && !d.rr[i].rdata_bad);
		CHECKF(strcmp(rdata_of(&d, i), want[i].want) == 0, "record %d: %s", i, text);
		CHECK(strcmp(name_at(&d, d.rr[i].name), "example.com") == 0);
	}
	char buf[12];
	CHECK(strcmp(dns_type_text(65280, buf), "TYPE65280") == 0);
	CHECK(strcmp(dns_type_text(46, buf), "RRSIG") == 0);
	CHECK(strcmp(dns_type_text(257, buf), "CAA") == 0);
	CHECK(strcmp(dns_class_text(3, buf), "CH") == 0 &&
	      strcmp(dns_class_text(9, buf), "9") == 0);
	CHECK(strcmp(dns_rcode_text(3, buf), "NXDOMAIN") == 0 &&
	      strcmp(dns_rcode_text(12, buf), "RCODE12") == 0);
	CHECK(dns_type_name(0) == NULL && dns_type_name(255) &&
	      strcmp(dns_type_name(255), "ANY") == 0);
}

/* One record of type `type` with rdata r[0..n), appended after the
 * question; a second good record follows, to show the parse goes on. */
static const char *bad_rdata(unsigned type, const void *r, size_t n, bool *bad)
{
	static struct msg m;
	static struct dns_msg d;
	start(&m, 2);
	size_t at = brr(&m, 12, type);
	bbytes(&m, r, n);
	patch_rdlen(&m, at);
	at = brr(&m, 12, 1);
	bbytes(&m, "\x7f\0\0\x01", 4);
	patch_rdlen(&m, at);
	int rc = dns_parse(m.b, m.n, &d);
	*bad = rc == -1 && d.nrr == 2 && d.rr[0].rdata_bad && !d.rr[1].rdata_bad && d.end == m.n &&
	       strcmp(rdata_of(&d, 1), "127.0.0.1") == 0;
	static char out[256];
	dns_rdata_text(&d, &d.rr[0], out, sizeof out);
	snprintf(out + strlen(out), sizeof out - strlen(out), "|%s", d.error);
	return out;
}

void test_dns_rdata_that_does_not_fit(void)
{
	bool bad;
	CHECK(strcmp(bad_rdata(1, "\xc0\0\2\1\1", 5, &bad),
	             "c000020101|bad A rdata in answer record 1") == 0 &&
	      bad);
	CHECK(strcmp(bad_rdata(28, "\0\1", 2, &bad), "0001|bad AAAA rdata in answer record 1") ==
	          0 &&
	      bad);
	CHECK(strcmp(bad_rdata(15, "\0\1", 2, &bad), "0001|bad MX rdata in answer record 1") == 0 &&
	      bad);
	/* a name running past its rdata into the next record */
	CHECK(strcmp(bad_rdata(2, "\3abc", 4, &bad), "03616263|bad NS rdata in answer record 1") ==
	          0 &&
	      bad);
	/* a name that ends before its rdata does */
	CHECK(strcmp(bad_rdata(5, "\1a\0\0", 4, &bad),
	             "01610000|bad CNAME rdata in answer record 1") == 0 &&
	      bad);
	CHECK(strcmp(bad_rdata(12, "", 0, &bad), "|bad PTR rdata in answer record 1") == 0 && bad);
	/* a pointer forward, inside rdata */
	CHECK(strcmp(bad_rdata(2, "\xc0\xff", 2, &bad), "c0ff|bad NS rdata in answer record 1") ==
	          0 &&
	      bad);
	CHECK(strcmp(bad_rdata(16, "\5abc", 4, &bad),
	             "05616263|bad TXT rdata in answer record 1") == 0 &&
	      bad);
	CHECK(strcmp(bad_rdata(257, "\0\0x", 3, &bad), "000078|bad CAA rdata in answer record 1") ==
	          0 &&
	      bad);
	CHECK(strcmp(bad_rdata(257, "\0\5iss", 5, &bad),
	             "0005697373|bad CAA rdata in answer record 1") == 0 &&
	      bad);
	CHECK(strcmp(bad_rdata(6, "\0\0\0\0\0\0\1", 7, &bad),
	             "00000000000001|bad SOA rdata in answer record 1") == 0 &&
	      bad);
	CHECK(strcmp(bad_rdata(33, "\0\0\0\0\0\0", 6, &bad),
	             "000000000000|bad SRV rdata in answer record 1") == 0 &&
	      bad);
}

void test_dns_names_escaped_as_dig(void)
{
	static struct msg m;
	static struct dns_msg d;
	bheader(&m, 1, 0x8000, 1, 0, 0, 0);
	b8(&m, 3);
	bbytes(&m, "a.b", 3);
	b8(&m, 6);
	bbytes(&m, "sp ace", 6);
	b8(&m, 2);
	bbytes(&m, "\xff\x00", 2);
	b8(&m, 6);
	bbytes(&m, "q\"(x);", 6);
	b8(&m, 4);
	bbytes(&m, "@$\\*", 4);
	b8(&m, 0);
	b16(&m, 1);
	b16(&m, 1);
	CHECKF(dns_parse(m.b, m.n, &d) == 0, "%s", d.error);
	CHECKF(strcmp(name_at(&d, 12), "a\\.b.sp\\032ace.\\255\\000.q\\\"\\(x\\)\\;.\\@\\$\\\\*") ==
	           0,
	       "%s", text);
	/* the longest name there is: 255 bytes, every byte escaped */
	bheader(&m, 1, 0x8000, 1, 0, 0, 0);
	for (int i = 0; i < 4; i++) {
		b8(&m, i < 3 ? 63 : 61);
		for (int j = 0; j < (i < 3 ? 63 : 61); j++)
			b8(&m, 0x01);
	}
	b8(&m, 0);
	b16(&m, 1);
	b16(&m, 1);
	CHECKF(dns_parse(m.b, m.n, &d) == 0, "%s", d.error);
	size_t len = dns_name_text(&d, 12, text, sizeof text);
	CHECK(len == 250 * 4 + 3 && len < DNS_NAME_TEXT_MAX && strlen(text) == len);
	CHECK(strncmp(text, "\\001\\001", 8) == 0);
}

/* The error dns_parse gives for a question whose name is `name`. */
static const char *question_error(const void *name, size_t n)
{
	static struct msg m;
	static struct dns_msg d;
	bheader(&m, 1, 0x8000, 1, 0, 0, 0);
	bbytes(&m, name, n);
	b16(&m, 1);
	b16(&m, 1);
	if (dns_parse(m.b, m.n, &d) == 0)
		return "";
	return d.error;
}

void test_dns_hostile_names(void)
{
	static struct msg m;
	static struct dns_msg d;
	/* a pointer to itself, and one forward */
	CHECK(strcmp(question_error("\xc0\x0c", 2), "pointer loop in question 1 name") == 0);
	CHECK(strcmp(question_error("\xc0\x0e\x00", 3), "forward pointer in question 1 name") == 0);
	CHECK(strcmp(question_error("\xc0\xff", 2), "forward pointer in question 1 name") == 0);
	/* back to the start of its own run of labels: a loop */
	CHECK(strcmp(question_error("\1a\xc0\x0c", 4), "pointer loop in question 1 name") == 0);
	/* labels over 63 bytes: the reserved label types */
	CHECK(strcmp(question_error("\x40", 1), "label over 63 bytes in question 1 name") == 0);
	CHECK(strcmp(question_error("\1a\x80\0", 4), "label over 63 bytes in question 1 name") ==
	      0);
	/* 256 bytes in wire form, and over 255 by way of a pointer */
	static uint8_t big[400];
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		big[n++] = 63;
		memset(big + n, 'x', 63);
		n += 63;
	}
	big[n++] = 0;
	CHECK(strcmp(question_error(big, n), "name over 255 bytes in question 1 name") == 0);
	big[3 * 64] = 61;
	big[254] = 0; /* 3 * 64 + 62 + 1: 255 bytes */
	CHECK(strcmp(question_error(big, 255), "") == 0);
	bheader(&m, 1, 0x8000, 1, 1, 0, 0);
	bbytes(&m, big, 255); /* the longest name */
	b16(&m, 1);
	b16(&m, 1);
	b8(&m, 1);
	b8(&m, 'y');
	bptr(&m, 12);
	bfixed(&m, 1, 1, 0, 0);
	CHECK(dns_parse(m.b, m.n, &d) == -1 &&
	      strcmp(d.error, "name over 255 bytes in answer record 1 name") == 0 && d.nq == 1);
	/* a loop no single pointer shows: record 2's owner points to 33, a
	 * label and a pointer back to 23, whose label of 11 bytes runs over 33
	 * to the pointer at 35 once more. Each pointer points back, but the
	 * second time into the run it was found in. */
	bheader(&m, 1, 0x8000, 0, 2, 0, 0);
	b8(&m, 0);
	bfixed(&m, 65280, 1, 0, 14);
	CHECK(m.n == 23);
	b8(&m, 11);
	bbytes(&m, "abcdefghi", 9);
	b8(&m, 1); /* 33 */
	b8(&m, 'x');
	bptr(&m, 23); /* 35 */
	bptr(&m, 33); /* 37: record 2 */
	bfixed(&m, 1, 1, 0, 0);
	CHECK(dns_parse(m.b, m.n, &d) == -1 &&
	      strcmp(d.error, "pointer loop in answer record 2 name") == 0 && d.nrr == 1);
	/* a chain of pointers, each to the one before it, in the rdata of
	 * record 1; record 2's owner is its last: 201 hops to the root */
	for (int links = 200; links >= 100; links -= 100) {
		bheader(&m, 1, 0x8000, 0, 2, 0, 0);
		b8(&m, 0);
		bfixed(&m, 65280, 1, 0, 2 * (unsigned)links);
		for (int i = 0; i < links; i++)
			bptr(&m, i == 0 ? 12u : 23u + 2u * (unsigned)(i - 1));
		bptr(&m, 23u + 2u * (unsigned)(links - 1));
		bfixed(&m, 65280, 1, 0, 0);
		int rc = dns_parse(m.b, m.n, &d);
		if (links == 200)
			CHECKF(rc == -1 &&
			           strcmp(d.error, "too many compression pointers in answer "
			                           "record 2 name") == 0,
			       "%s", d.error);
		else
			CHECKF(rc == 0 && strcmp(name_at(&d, d.rr[1].name), ".") == 0, "%s",
			       d.error);
	}
}

static int parse_prefix(size_t n, struct dns_msg *d)
{
	/* at the end of a buffer, so that ASan sees any read past n */
	static uint8_t copy[sizeof answer];
	uint8_t *p = copy + sizeof copy - n;
	memcpy(p, answer, n);
	return dns_parse(p, n, d);
}

void test_dns_truncations_and_lying_counts(void)
{
	static struct dns_msg d;
	for (size_t n = 0; n < sizeof answer; n++)
		CHECKF(parse_prefix(n, &d) == -1 && d.error[0], "prefix %zu", n);
	CHECK(parse_prefix(sizeof answer, &d) == 0);
	struct {
		size_t n;
		const char *error;
		int nrr;
	} cases[] = {
	    {0, "truncated header: 0 of 12 bytes", 0},
	    {11, "truncated header: 11 of 12 bytes", 0},
	    {12, "message ends before question 1 of 1", 0},
	    {20, "truncated question 1", 0},
	    {30, "truncated question 1", 0},
	    {33, "message ends before answer record 1 of 2", 0},
	    {34, "truncated answer record 1", 0},
	    {44, "truncated answer record 1", 0},
	    {47, "truncated answer record 1: rdata of 6 bytes, 2 there", 0},
	    {51, "message ends before answer record 2 of 2", 1},
	    {67, "message ends before authority record 1 of 1", 2},
	    {80, "truncated authority record 1: rdata of 5 bytes, 1 there", 2},
	    {84, "message ends before additional record 1 of 2", 3},
	    {112, "message ends before additional record 2 of 2", 4},
	    {113, "truncated additional record 2", 4},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK(parse_prefix(cases[i].n, &d) == -1);
		CHECKF(strcmp(d.error, cases[i].error) == 0 && d.nrr == cases[i].nrr,
		       "%zu: %s, %d records", cases[i].n, d.error, d.nrr);
	}
	CHECK(parse_prefix(51, &d) == -1 && d.end == 51 && d.nq == 1 &&
	      strcmp(rdata_of(&d, 0), "web.example.com") == 0);
	CHECK(parse_prefix(5, &d) == -1 && !d.header && d.end == 0);
	/* counts far above what is there */
	static uint8_t lie[sizeof answer];
	memcpy(lie, answer, sizeof answer);
	lie[10] = lie[11] = 0xff;
	CHECK(dns_parse(lie, sizeof lie, &d) == -1 && d.nrr == 5 &&
	      strcmp(d.error, "message ends before additional record 3 of 65535") == 0);
	static struct msg m;
	bheader(&m, 1, 0x8180, 3, 0, 0, 0);
	bname(&m, "example.com");
	b16(&m, 1);
	b16(&m, 1);
	CHECK(dns_parse(m.b, m.n, &d) == -1 && d.nq == 1 && d.end == m.n &&
	      strcmp(d.error, "message ends before question 2 of 3") == 0);
	/* a bare header that promises everything */
	static const uint8_t h[12] = {0,    1,    0x81, 0x80, 0xff, 0xff,
	                              0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	CHECK(dns_parse(h, 12, &d) == -1 &&
	      strcmp(d.error, "message ends before question 1 of 65535") == 0 && d.header);
	/* bytes left after the last record are no fault */
	static uint8_t more[sizeof answer + 3];
	memcpy(more, answer, sizeof answer);
	CHECK(dns_parse(more, sizeof more, &d) == 0 && d.end == sizeof answer);
}

void test_dns_record_bounds(void)
{
	static struct msg m;
	static struct dns_msg d;
	bheader(&m, 9, 0x8180, 10, 60, 10, 0);
	for (int i = 0; i < 10; i++) {
		bptr(&m, 12);
		if (i == 0)
			m.n -= 2, bname(&m, "example.com");
		b16(&m, 1);
		b16(&m, 1);
	}
	for (int i = 0; i < 70; i++) {
		size_t at = brr(&m, 12, 1);
		b32(&m, 0x0a000000u + (uint32_t)i);
		patch_rdlen(&m, at);
	}
	CHECKF(dns_parse(m.b, m.n, &d) == 0, "%s", d.error);
	CHECK(d.nq == DNS_MAX_QUESTIONS && d.q_dropped == 2 && d.nrr == 64 && d.rr_dropped == 6);
	CHECK(d.kept[DNS_ANSWER] == 60 && d.first[DNS_AUTHORITY] == 60 &&
	      d.kept[DNS_AUTHORITY] == 4 && d.end == m.n);
	CHECK(strcmp(rdata_of(&d, 63), "10.0.0.63") == 0 && d.rr[63].section == DNS_AUTHORITY);
	CHECK(strcmp(name_at(&d, d.q[7].name), "example.com") == 0);
}

/* ---- the decoded fields ---- */

static struct fieldw fw;

static const char *field(const char *name)
{
	static char buf[4096];
	int i = fw_find(dns_fields, dns_nfields, name, strlen(name));
	if (i < 0)
		return "(no such field)";
	size_t len;
	const char *v = fw_value(&fw, i, &len);
	snprintf(buf, sizeof buf, "%.*s", (int)len, v);
	return buf;
}

static void decode(const uint8_t *p, size_t n, enum fieldw_format f)
{
	fw_reset(&fw, dns_fields, dns_nfields, f);
	dns_decode(p, n, &fw);
}

#define FIELD_IS(name, want) CHECKF(strcmp(field(name), want) == 0, "%s: %s", name, field(name))

void test_dns_decode_fields(void)
{
	CHECK(dns_nfields <= FIELDW_FIELDS);
	decode(answer, sizeof answer, FIELDW_JSON);
	FIELD_IS("app_success", "true");
	FIELD_IS("dns_id", "4660");
	FIELD_IS("dns_qr", "true");
	FIELD_IS("dns_opcode", "0");
	FIELD_IS("dns_aa", "false");
	FIELD_IS("dns_tc", "false");
	FIELD_IS("dns_rd", "true");
	FIELD_IS("dns_ra", "true");
	FIELD_IS("dns_z", "false");
	FIELD_IS("dns_ad", "false");
	FIELD_IS("dns_cd", "false");
	FIELD_IS("dns_rcode", "0");
	FIELD_IS("dns_rcode_name", "\"NOERROR\"");
	FIELD_IS("dns_qdcount", "1");
	FIELD_IS("dns_ancount", "2");
	FIELD_IS("dns_nscount", "1");
	FIELD_IS("dns_arcount", "2");
	FIELD_IS("dns_questions",
	         "[{\"name\":\"www.example.com\",\"qtype\":\"A\",\"qclass\":\"IN\"}]");
	FIELD_IS("dns_answers",
	         "[{\"name\":\"www.example.com\",\"type\":\"CNAME\",\"class\":\"IN\",\"ttl\":300,"
	         "\"rdata\":\"web.example.com\"},{\"name\":\"web.example.com\",\"type\":\"A\","
	         "\"class\":\"IN\",\"ttl\":60,\"rdata\":\"93.184.216.34\"}]");
	FIELD_IS("dns_authorities", "[{\"name\":\"example.com\",\"type\":\"NS\",\"class\":\"IN\","
	                            "\"ttl\":3600,\"rdata\":\"ns.example.com\"}]");
	FIELD_IS("dns_additionals",
	         "[{\"name\":\"ns.example.com\",\"type\":\"AAAA\",\"class\":\"IN\",\"ttl\":3600,"
	         "\"rdata\":\"2001:db8::53\"},{\"name\":\".\",\"type\":\"OPT\",\"class\":\"1232\","
	         "\"ttl\":0,\"rdata\":\"\"}]");
	FIELD_IS("dns_unconsumed_bytes", "0");
	FIELD_IS("dns_parse_error", "\"\"");
	CHECK(!fw_truncated(&fw));
	/* CSV: flags 1/0, a list as its JSON in one quoted cell */
	decode(answer, sizeof answer, FIELDW_CSV);
	FIELD_IS("app_success", "1");
	FIELD_IS("dns_aa", "0");
	FIELD_IS("dns_rcode_name", "NOERROR");
	FIELD_IS("dns_questions",
	         "\"[{\"\"name\"\":\"\"www.example.com\"\",\"\"qtype\"\":\"\"A\"\",\"\"qclass\"\":"
	         "\"\"IN\"\"}]\"");
	FIELD_IS("dns_parse_error", "");
	/* NXDOMAIN, a query, an unnamed rcode: no app_success */
	static uint8_t a[sizeof answer + 2];
	memcpy(a, answer, sizeof answer);
	a[3] = 0x83;
	decode(a, sizeof answer, FIELDW_JSON);
	FIELD_IS("app_success", "false");
	FIELD_IS("dns_rcode", "3");
	FIELD_IS("dns_rcode_name", "\"NXDOMAIN\"");
	a[3] = 0x8c;
	decode(a, sizeof answer, FIELDW_JSON);
	FIELD_IS("dns_rcode_name", "\"RCODE12\"");
	a[3] = 0x80;
	a[2] = 0x01;
	decode(a, sizeof answer, FIELDW_JSON);
	FIELD_IS("app_success", "false");
	FIELD_IS("dns_qr", "false");
	/* two bytes more than the records: unconsumed, still no error */
	a[2] = 0x81;
	decode(a, sizeof a, FIELDW_JSON);
	FIELD_IS("app_success", "true");
	FIELD_IS("dns_unconsumed_bytes", "2");
	FIELD_IS("dns_parse_error", "\"\"");
	/* cut in the authority section: what was read, and the fault */
	decode(answer, 80, FIELDW_JSON);
	FIELD_IS("app_success", "true");
	FIELD_IS("dns_nscount", "1");
	CHECK(strstr(field("dns_answers"), "93.184.216.34"));
	FIELD_IS("dns_authorities", "[]");
	FIELD_IS("dns_additionals", "[]");
	FIELD_IS("dns_unconsumed_bytes", "13");
	FIELD_IS("dns_parse_error", "\"truncated authority record 1: rdata of 5 bytes, 1 there\"");
	/* shorter than a header: only the verdict and the fault */
	decode(answer, 5, FIELDW_JSON);
	FIELD_IS("app_success", "false");
	FIELD_IS("dns_parse_error", "\"truncated header: 5 of 12 bytes\"");
	FIELD_IS("dns_id", "\"\"");
	FIELD_IS("dns_questions", "\"\"");
	decode(NULL, 0, FIELDW_CSV);
	FIELD_IS("app_success", "0");
	FIELD_IS("dns_parse_error", "truncated header: 0 of 12 bytes");
	/* a bad rdata: hex, and named */
	static struct msg m;
	start(&m, 1);
	size_t at = brr(&m, 12, 15);
	b16(&m, 1);
	patch_rdlen(&m, at);
	decode(m.b, m.n, FIELDW_JSON);
	FIELD_IS("dns_answers", "[{\"name\":\"example.com\",\"type\":\"MX\",\"class\":\"IN\","
	                        "\"ttl\":3600,\"rdata\":\"0001\"}]");
	FIELD_IS("dns_parse_error", "\"bad MX rdata in answer record 1\"");
	FIELD_IS("app_success", "true");
	/* records past the bound: said so */
	bheader(&m, 9, 0x8180, 0, 66, 0, 0);
	b8(&m, 0);
	bfixed(&m, 1, 1, 1, 4);
	b32(&m, 0x01020304);
	for (int i = 1; i < 66; i++) {
		size_t r = brr(&m, 12, 1);
		b32(&m, 0x01020304);
		patch_rdlen(&m, r);
	}
	decode(m.b, m.n, FIELDW_JSON);
	FIELD_IS("dns_parse_error", "\"not kept: 0 questions past 8, 2 records past 64\"");
	FIELD_IS("dns_ancount", "66");
	/* a TXT too long for a record's fields: the writer says it cut */
	bheader(&m, 9, 0x8180, 0, 1, 0, 0);
	b8(&m, 0);
	bfixed(&m, 16, 1, 1, 256 * 200);
	for (int i = 0; i < 200; i++) {
		b8(&m, 255);
		memset(m.b + m.n, 1, 255);
		m.n += 255;
	}
	decode(m.b, m.n, FIELDW_JSON);
	CHECK(fw_truncated(&fw));
	FIELD_IS("dns_parse_error", "\"\"");
}

/* A small, fixed generator: the same bytes on every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint32_t next_rand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

void test_dns_random_bytes_stay_in_bounds(void)
{
	static uint8_t buf[600];
	static struct dns_msg d;
	for (int round = 0; round < 20000; round++) {
		size_t n;
		if (round % 2) { /* the answer, a few bytes changed, cut anywhere */
			memcpy(buf, answer, sizeof answer);
			for (int k = 0; k < 3; k++)
				buf[next_rand() % sizeof answer] = (uint8_t)next_rand();
			n = next_rand() % (sizeof answer + 1);
		} else { /* small counts, then bytes rich in pointers and labels */
			n = next_rand() % sizeof buf;
			for (size_t i = 0; i < n; i++) {
				uint32_t r = next_rand();
				buf[i] = (uint8_t)(r % 4 == 0   ? 0xc0 | (r >> 8 & 1)
				                   : r % 4 == 1 ? r % 8
				                                : r >> 8);
			}
			if (n >= 12)
				for (int k = 4; k < 12; k += 2)
					buf[k] = 0, buf[k + 1] = (uint8_t)(next_rand() % 4);
		}
		/* the message alone in a buffer of its size, for ASan */
		static uint8_t exact[600];
		uint8_t *p = exact + sizeof exact - n;
		memmove(p, buf, n);
		int rc = dns_parse(p, n, &d);
		CHECK((rc == 0) == (d.error[0] == '\0') && d.end <= n);
		for (int i = 0; i < d.nrr; i++) {
			CHECK(d.rr[i].rdata + d.rr[i].rdlength <= n);
			dns_rdata_text(&d, &d.rr[i], text, sizeof text);
			dns_name_text(&d, d.rr[i].name, text, sizeof text);
		}
		decode(p, n, round % 4 < 2 ? FIELDW_JSON : FIELDW_CSV);
	}
}

/* ---- the query side ---- */

static struct dnsquery_set qs;
static struct zerr err;

void test_dnsquery_parse_forms(void)
{
	CHECK(dnsquery_parse("A,example.com", &qs, &err) == 0 && qs.n == 1);
	const struct dnsquery *q = &qs.q[0];
	CHECK(q->qtype == 1 && q->rd && strcmp(q->name, "example.com") == 0 && q->wirelen == 13 &&
	      memcmp(q->wire, "\7example\3com\0", 13) == 0);
	CHECK(dnsquery_parse("a,Example.COM.", &qs, &err) == 0 && qs.n == 1 && qs.q[0].qtype == 1 &&
	      strcmp(qs.q[0].name, "Example.COM") == 0 && qs.q[0].wirelen == 13);
	CHECK(dnsquery_parse("A,example.com;MX,example.org", &qs, &err) == 0 && qs.n == 2 &&
	      qs.q[1].qtype == 15 && strcmp(qs.q[1].name, "example.org") == 0);
	CHECK(dnsquery_parse(";A,x.org;", &qs, &err) == 0 && qs.n == 1);
	/* :nr, after the type (ZMap's) or after the name, per question */
	CHECK(dnsquery_parse("A:nr,example.com;AAAA,example.com:NR;TXT,x.org", &qs, &err) == 0 &&
	      qs.n == 3 && !qs.q[0].rd && !qs.q[1].rd && qs.q[2].rd && qs.q[1].qtype == 28 &&
	      strcmp(qs.q[1].name, "example.com") == 0);
	struct {
		const char *args;
		uint16_t type;
	} types[] = {
	    {"NS,x", 2},      {"cname,x", 5},   {"SOA,x", 6},   {"PTR,x", 12},
	    {"MX,x", 15},     {"TXT,x", 16},    {"AAAA,x", 28}, {"SRV,x", 33},
	    {"CAA,x", 257},   {"RRSIG,x", 46},  {"ANY,x", 255}, {"ALL,x", 255},
	    {"DNSKEY,x", 48}, {"TYPE65,x", 65}, {"type1,x", 1}, {"TYPE65535,x", 65535},
	    {"TYPE0,x", 0},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		CHECKF(dnsquery_parse(types[i].args, &qs, &err) == 0 &&
		           qs.q[0].qtype == types[i].type,
		       "%s", types[i].args);
	CHECK(dnsquery_parse("NS,.", &qs, &err) == 0 && strcmp(qs.q[0].name, ".") == 0 &&
	      qs.q[0].wirelen == 1 && qs.q[0].wire[0] == 0);
	CHECK(dnsquery_parse("SRV,_sip._udp.example.com", &qs, &err) == 0);
	CHECK(dnsquery_parse("PTR,1.2.0.192.in-addr.arpa.", &qs, &err) == 0 &&
	      strcmp(qs.q[0].name, "1.2.0.192.in-addr.arpa") == 0);
	/* the limits exactly: a label of 63, a name of 253 */
	static char args[600];
	char l63[64];
	memset(l63, 'a', 63);
	l63[63] = '\0';
	snprintf(args, sizeof args, "A,%s.com", l63);
	CHECK(dnsquery_parse(args, &qs, &err) == 0 && qs.q[0].wirelen == 1 + 63 + 4 + 1);
	snprintf(args, sizeof args, "A,%s.%s.%s.%.61s", l63, l63, l63, l63);
	CHECK(strlen(args) == 2 + 253);
	CHECKF(dnsquery_parse(args, &qs, &err) == 0 && qs.q[0].wirelen == 255, "%s", err.msg);
	strcat(args, ".");
	CHECK(dnsquery_parse(args, &qs, &err) == 0 && qs.q[0].wirelen == 255);
	/* 32 questions */
	args[0] = '\0';
	for (int i = 0; i < DNSQUERY_MAX; i++)
		snprintf(args + strlen(args), sizeof args - strlen(args), "%sA,h%d.org",
		         i ? ";" : "", i);
	CHECK(dnsquery_parse(args, &qs, &err) == 0 && qs.n == DNSQUERY_MAX &&
	      strcmp(qs.q[31].name, "h31.org") == 0);
}

void test_dnsquery_parse_errors(void)
{
	struct {
		const char *args, *msg;
	} cases[] = {
	    {"", "--probe-args: want TYPE,NAME, e.g. A,example.com"},
	    {";", "--probe-args: want TYPE,NAME, e.g. A,example.com"},
	    {"A", "--probe-args: question 1 'A': want TYPE,NAME, e.g. A,example.com"},
	    {"A,", "--probe-args: question 1 'A,': no name after the comma"},
	    {",x.org", "--probe-args: question 1 ',x.org': unknown query type (A, NS, MX, TXT, "
	               "... or TYPEnnn)"},
	    {"A,x;BOGUS,y", "--probe-args: question 2 'BOGUS,y': unknown query type (A, NS, MX, "
	                    "TXT, ... or TYPEnnn)"},
	    {"A,x;MX,exa..mple.org", "--probe-args: question 2 'MX,exa..mple.org': an empty label "
	                             "in the name"},
	    {"A,.x", "--probe-args: question 1 'A,.x': an empty label in the name"},
	    {"A,..", "--probe-args: question 1 'A,..': an empty label in the name"},
	    {"A,x,y", "--probe-args: question 1 'A,x,y': more than one comma"},
	    {"A:rn,x", "--probe-args: question 1 'A:rn,x': after the type only :nr may follow"},
	    {"A,x:y", "--probe-args: question 1 'A,x:y': the name has a byte other than "
	              "printable ASCII (or , ; : \\)"},
	    {"A,ex ample", "--probe-args: question 1 'A,ex ample': the name has a byte other "
	                   "than printable ASCII (or , ; : \\)"},
	    {"A,exa\x01mple\xff", "--probe-args: question 1 'A,exa\\x01mple\\xff': the name has a "
	                          "byte other than printable ASCII (or , ; : \\)"},
	    {"A,x;;A,y", "--probe-args: question 2 '': an empty question between two ';'"},
	    {"TYPE65536,x", "--probe-args: question 1 'TYPE65536,x': unknown query type (A, NS, "
	                    "MX, TXT, ... or TYPEnnn)"},
	    {"TYPE007,x", "--probe-args: question 1 'TYPE007,x': unknown query type (A, NS, MX, "
	                  "TXT, ... or TYPEnnn)"},
	    {"TYPE,x", "--probe-args: question 1 'TYPE,x': unknown query type (A, NS, MX, TXT, "
	               "... or TYPEnnn)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECKF(dnsquery_parse(cases[i].args, &qs, &err) == -1, "%s", cases[i].args);
		CHECKF(strcmp(err.msg, cases[i].msg) == 0, "%s", err.msg);
	}
	CHECK(dnsquery_parse(NULL, &qs, &err) == -1);
	static char args[700];
	char l64[65];
	memset(l64, 'b', 64);
	l64[64] = '\0';
	snprintf(args, sizeof args, "A,%s.com", l64);
	CHECK(dnsquery_parse(args, &qs, &err) == -1 &&
	      strstr(err.msg, "a label of the name is over 63 bytes"));
	snprintf(args, sizeof args, "A,%.63s.%.63s.%.63s.%.62s", l64, l64, l64, l64);
	CHECK(dnsquery_parse(args, &qs, &err) == -1 &&
	      strstr(err.msg, "the name is over 253 bytes"));
	args[0] = '\0';
	for (int i = 0; i <= DNSQUERY_MAX; i++)
		snprintf(args + strlen(args), sizeof args - strlen(args), "A,h%d.org;", i);
	CHECK(dnsquery_parse(args, &qs, &err) == -1 &&
	      strcmp(err.msg, "--probe-args: more than 32 questions") == 0);
}

void test_dnsquery_build_round_trip(void)
{
	static uint8_t buf[DNSQUERY_LEN_MAX];
	static struct dns_msg d;
	CHECK(dnsquery_parse("A,example.com", &qs, &err) == 0);
	static const uint8_t want[] = {0xbe, 0xef, 1,   0,   0,   1,   0,   0,   0,   0,
	                               0,    0,    7,   'e', 'x', 'a', 'm', 'p', 'l', 'e',
	                               3,    'c',  'o', 'm', 0,   0,   1,   0,   1};
	CHECK(dnsquery_build(&qs.q[0], true, 0xbeef, buf, sizeof buf) == sizeof want &&
	      memcmp(buf, want, sizeof want) == 0);
	CHECK(dnsquery_build(&qs.q[0], true, 0xbeef, buf, sizeof want - 1) == 0);
	CHECK(dnsquery_parse("A,Example.com.;MX:nr,example.org;TXT,x.org:nr;NS,.;TYPE65280,a-b.c_d;"
	                     "CAA,example.net",
	                     &qs, &err) == 0 &&
	      qs.n == 6);
	for (int i = 0; i < qs.n; i++) {
		const struct dnsquery *q = &qs.q[i];
		uint16_t id = (uint16_t)(0x1111 * (unsigned)(i + 1));
		size_t len = dnsquery_build(q, q->rd, id, buf, sizeof buf);
		CHECK(len == 12u + q->wirelen + 4 && len <= DNSQUERY_LEN_MAX);
		CHECKF(dns_parse(buf, len, &d) == 0, "%s", d.error);
		CHECK(d.id == id && !d.qr && d.opcode == 0 && d.rd == q->rd && !d.aa && !d.tc &&
		      !d.ra && !d.z && !d.ad && !d.cd && d.rcode == 0);
		CHECK(d.qdcount == 1 && d.ancount == 0 && d.nscount == 0 && d.arcount == 0);
		CHECK(d.nq == 1 && d.q[0].type == q->qtype && d.q[0].cls == DNS_CLASS_IN &&
		      d.end == len);
		CHECKF(strcmp(name_at(&d, d.q[0].name), q->name) == 0, "%s", text);
		CHECK(dnsquery_matches(q, buf, len));
	}
	CHECK(!qs.q[1].rd && !qs.q[2].rd && qs.q[0].rd && qs.q[3].rd);
}

void test_dnsquery_matches_and_pick(void)
{
	static struct msg m;
	static uint8_t buf[DNSQUERY_LEN_MAX];
	CHECK(dnsquery_parse("A,example.com;AAAA,example.com;MX,Example.org", &qs, &err) == 0);
	/* an answer to the AAAA question: the server changed the case */
	size_t len = dnsquery_build(&qs.q[1], true, 77, buf, sizeof buf);
	memcpy(m.b, buf, len);
	m.n = len;
	m.b[2] |= 0x80;
	m.b[7] = 1;
	m.b[13] = 'E';
	m.b[21] = 'C';
	size_t at = brr(&m, 12, 28);
	bbytes(&m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	patch_rdlen(&m, at);
	CHECK(!dnsquery_matches(&qs.q[0], m.b, m.n) && dnsquery_matches(&qs.q[1], m.b, m.n) &&
	      !dnsquery_matches(&qs.q[2], m.b, m.n));
	CHECK(dnsquery_find(&qs, m.b, m.n) == 1);
	CHECK(!dnsquery_matches(&qs.q[1], m.b, len - 1));
	m.b[13] = 'F';
	CHECK(dnsquery_find(&qs, m.b, m.n) == -1);
	m.b[13] = 'e';
	m.b[5] = 0; /* no question echoed */
	CHECK(dnsquery_find(&qs, m.b, m.n) == -1);
	len = dnsquery_build(&qs.q[2], false, 1, buf, sizeof buf);
	buf[13] = 'e';
	CHECK(dnsquery_find(&qs, buf, len) == 2);
	buf[len - 1] = 3; /* class CH */
	CHECK(dnsquery_find(&qs, buf, len) == -1);
	/* pick: targets share the questions evenly; -P n asks each all of them */
	unsigned seen[3] = {0, 0, 0};
	for (uint64_t mac = 0; mac < 300; mac++)
		seen[dnsquery_pick(&qs, mac * 0x9e3779b97f4a7c15u, 0) - qs.q]++;
	CHECK(seen[0] > 70 && seen[1] > 70 && seen[2] > 70);
	for (uint64_t mac = 0; mac < 300; mac++) {
		unsigned got = 0;
		for (unsigned p = 0; p < 6; p++)
			got |= 1u << (dnsquery_pick(&qs, mac, p) - qs.q);
		CHECK(got == 7);
		CHECK(dnsquery_pick(&qs, mac, 4) == dnsquery_pick(&qs, mac, 1));
	}
	CHECK(dnsquery_pick(&qs, UINT64_MAX, UINT32_MAX) >= qs.q &&
	      dnsquery_pick(&qs, UINT64_MAX, UINT32_MAX) < qs.q + 3);
	CHECK(dnsquery_parse("A,x", &qs, &err) == 0 && dnsquery_pick(&qs, 12345, 7) == &qs.q[0]);
	qs.n = 0;
	CHECK(dnsquery_pick(&qs, 1, 1) == NULL);
}
