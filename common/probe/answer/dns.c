/* dns: a DNS answer parsed in place (offsets into the message, nothing
 * copied) and rendered as dig-like text on demand. */
#include "probe/answer/dns.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- bounded text: writes what fits, counts all of it (as snprintf) ---- */

struct text {
	char *out; /* NULL with size 0: only counted, e.g. to validate */
	size_t size, len;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->len + 1 < t->size) {
		size_t room = t->size - 1 - t->len;
		memcpy(t->out + t->len, s, n < room ? n : room);
	}
	t->len += n;
}

static void putch(struct text *t, char c)
{
	put(t, &c, 1);
}

static void putf(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct text *t, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (k > 0)
		put(t, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

static size_t finish(struct text *t)
{
	if (t->size > 0)
		t->out[t->len < t->size ? t->len : t->size - 1] = '\0';
	return t->len;
}

/* A byte as \DDD, dig's form for what is not printable. */
static void put_ddd(struct text *t, uint8_t c)
{
	putf(t, "\\%03u", c);
}

/* ---- names ---- */

enum name_err {
	NAME_OK,
	NAME_TRUNC,
	NAME_LOOP,
	NAME_FORWARD,
	NAME_HOPS,
	NAME_LABEL,
	NAME_LONG,
};

static const char *const name_errs[] = {
    [NAME_OK] = "",
    [NAME_TRUNC] = "truncated",
    [NAME_LOOP] = "pointer loop",
    [NAME_FORWARD] = "forward pointer",
    [NAME_HOPS] = "too many compression pointers",
    [NAME_LABEL] = "label over 63 bytes",
    [NAME_LONG] = "name over 255 bytes",
};

/* A legitimate name never needs more pointers than it has labels; this
 * bounds the work a hostile chain of pointers to pointers can cause. */
#define NAME_MAX_HOPS 127

/* Bytes that dig escapes with a backslash inside a label: the separator
 * and what zone files give meaning to. */
static bool label_special(uint8_t c)
{
	return c == '.' || c == '"' || c == '(' || c == ')' || c == ';' || c == '\\' || c == '@' ||
	       c == '$';
}

static void put_label(struct text *t, const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (label_special(s[i])) {
			putch(t, '\\');
			putch(t, (char)s[i]);
		} else if (s[i] > 0x20 && s[i] < 0x7f) {
			putch(t, (char)s[i]);
		} else {
			put_ddd(t, s[i]);
		}
	}
}

/* Checks a pointer at pos to `to`, while reading a run of labels that
 * began at run (the name's start or the last pointer's target). Requiring
 * each target to lie before the run it is found in makes the runs start
 * ever earlier, so no name can loop, and every real compressor points
 * back to a suffix written before the name. */
static enum name_err check_pointer(size_t pos, size_t to, size_t run)
{
	if (to > pos)
		return NAME_FORWARD;
	if (to >= run)
		return NAME_LOOP;
	return NAME_OK;
}

/* Walks the name at off in p[0..n): *used gets the bytes it takes where
 * it is (up to its end or its first pointer). Its text goes to t, if any. */
static enum name_err name_walk(const uint8_t *p, size_t n, size_t off, size_t *used, struct text *t)
{
	size_t pos = off, run = off, wire = 1; /* the root's length byte */
	bool jumped = false, first = true;
	int hops = 0;
	for (;;) {
		if (pos >= n)
			return NAME_TRUNC;
		uint8_t c = p[pos];
		if (c == 0)
			break;
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= n)
				return NAME_TRUNC;
			size_t to = (size_t)(c & 0x3f) << 8 | p[pos + 1];
			enum name_err err = check_pointer(pos, to, run);
			if (err != NAME_OK)
				return err;
			if (++hops > NAME_MAX_HOPS)
				return NAME_HOPS;
			if (!jumped)
				*used = pos + 2 - off;
			jumped = true;
			pos = run = to;
			continue;
		}
		if (c > 63) /* the 01 and 10 label types: none is defined for use */
			return NAME_LABEL;
		wire += 1 + (size_t)c;
		if (wire > DNS_NAME_WIRE_MAX)
			return NAME_LONG;
		if (pos + 1 + c > n)
			return NAME_TRUNC;
		if (t) {
			if (!first)
				putch(t, '.');
			put_label(t, p + pos + 1, c);
		}
		first = false;
		pos += 1 + (size_t)c;
	}
	if (!jumped)
		*used = pos + 1 - off;
	if (t && first)
		putch(t, '.');
	return NAME_OK;
}

size_t dns_name_text(const struct dns_msg *m, size_t off, char *out, size_t size)
{
	struct text t = {out, size, 0};
	size_t used;
	if (name_walk(m->p, m->n, off, &used, &t) != NAME_OK) {
		t.len = 0;
		finish(&t);
		return 0;
	}
	return finish(&t);
}

/* ---- rdata ---- */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A name inside rdata[off..end): it must end there; pointers may reach
 * back anywhere before it. Moves *off past it. */
static bool rd_name(const struct dns_msg *m, size_t *off, size_t end, struct text *t)
{
	size_t used;
	if (*off >= end || name_walk(m->p, m->n, *off, &used, t) != NAME_OK || used > end - *off)
		return false;
	*off += used;
	return true;
}

/* A character-string quoted as dig shows TXT: " and \ escaped, bytes
 * outside printable ASCII as \DDD. */
static void put_quoted(struct text *t, const uint8_t *s, size_t n)
{
	putch(t, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			putch(t, '\\');
			putch(t, (char)s[i]);
		} else if (s[i] >= 0x20 && s[i] < 0x7f) {
			putch(t, (char)s[i]);
		} else {
			put_ddd(t, s[i]);
		}
	}
	putch(t, '"');
}

static bool rd_txt(const uint8_t *r, size_t n, struct text *t)
{
	for (size_t i = 0; i < n;) {
		size_t len = r[i];
		if (len > n - i - 1)
			return false;
		if (i > 0)
			putch(t, ' ');
		put_quoted(t, r + i + 1, len);
		i += 1 + len;
	}
	return true;
}

static bool rd_caa(const uint8_t *r, size_t n, struct text *t)
{
	if (n < 2 || r[1] == 0 || r[1] > n - 2)
		return false;
	putf(t, "%u ", r[0]);
	put_label(t, r + 2, r[1]);
	putch(t, ' ');
	put_quoted(t, r + 2 + r[1], n - 2 - r[1]);
	return true;
}

static bool rd_addr(int af, const uint8_t *r, size_t n, struct text *t)
{
	char buf[INET6_ADDRSTRLEN];
	if (n != (af == AF_INET ? 4u : 16u) || !inet_ntop(af, r, buf, sizeof buf))
		return false;
	put(t, buf, strlen(buf));
	return true;
}

static bool rd_soa(const struct dns_msg *m, size_t off, size_t end, struct text *t)
{
	if (!rd_name(m, &off, end, t))
		return false;
	putch(t, ' ');
	if (!rd_name(m, &off, end, t) || end - off != 20)
		return false;
	const uint8_t *r = m->p + off;
	putf(t, " %u %u %u %u %u", rd32(r), rd32(r + 4), rd32(r + 8), rd32(r + 12), rd32(r + 16));
	return true;
}

/* Numbers of `count` 16-bit fields, then a name that ends the rdata (MX,
 * SRV). */
static bool rd_nums_name(const struct dns_msg *m, size_t off, size_t end, int count, struct text *t)
{
	if (end - off < (size_t)count * 2 + 1)
		return false;
	for (int i = 0; i < count; i++, off += 2)
		putf(t, "%u ", rd16(m->p + off));
	return rd_name(m, &off, end, t) && off == end;
}

static void put_hex(struct text *t, const uint8_t *r, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		putch(t, hex[r[i] >> 4]);
		putch(t, hex[r[i] & 15]);
	}
}

/* The rdata's text by its type; false when it does not fit the type. */
static bool rdata_render(const struct dns_msg *m, const struct dns_rr *rr, struct text *t)
{
	size_t off = rr->rdata, end = off + rr->rdlength;
	const uint8_t *r = m->p + off;
	switch (rr->type) {
	case DNS_TYPE_A:
		return rd_addr(AF_INET, r, rr->rdlength, t);
	case DNS_TYPE_AAAA:
		return rd_addr(AF_INET6, r, rr->rdlength, t);
	case DNS_TYPE_NS:
	case DNS_TYPE_CNAME:
	case DNS_TYPE_PTR:
		return rd_name(m, &off, end, t) && off == end;
	case DNS_TYPE_MX:
		return rd_nums_name(m, off, end, 1, t);
	case DNS_TYPE_SRV:
		return rd_nums_name(m, off, end, 3, t);
	case DNS_TYPE_SOA:
		return rd_soa(m, off, end, t);
	case DNS_TYPE_TXT:
		return rd_txt(r, rr->rdlength, t);
	case DNS_TYPE_CAA:
		return rd_caa(r, rr->rdlength, t);
	default:
		put_hex(t, r, rr->rdlength);
		return true;
	}
}

size_t dns_rdata_text(const struct dns_msg *m, const struct dns_rr *rr, char *out, size_t size)
{
	struct text t = {out, size, 0};
	if (rr->rdata_bad || !rdata_render(m, rr, &t)) {
		t.len = 0;
		put_hex(&t, m->p + rr->rdata, rr->rdlength);
	}
	return finish(&t);
}

/* ---- parsing ---- */

static int fail(struct dns_msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct dns_msg *m, const char *fmt, ...)
{
	if (m->error[0] == '\0') {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(m->error, sizeof m->error, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* A part of the message: section -1 for the questions; i from 0. */
struct part {
	int section;
	unsigned i;
};

static const char *const section_words[] = {"answer", "authority", "additional"};

/* The first fault, as "<before>question 2<after>" or "<before>answer
 * record 3<after>"; the text is made only when there is a fault. */
static int fail_part(struct dns_msg *m, struct part pt, const char *before, const char *after)
{
	if (pt.section < 0)
		return fail(m, "%squestion %u%s", before, pt.i + 1, after);
	return fail(m, "%s%s record %u%s", before, section_words[pt.section], pt.i + 1, after);
}

/* Nothing at all where the header's count promised a part. */
static int fail_missing(struct dns_msg *m, struct part pt, unsigned count)
{
	char after[24];
	snprintf(after, sizeof after, " of %u", count);
	return fail_part(m, pt, "message ends before ", after);
}

/* The name starting a question or record at *pos; moves *pos past it. */
static int read_owner(struct dns_msg *m, size_t *pos, struct part pt)
{
	size_t used;
	enum name_err err = name_walk(m->p, m->n, *pos, &used, NULL);
	if (err == NAME_TRUNC)
		return fail_part(m, pt, "truncated ", "");
	if (err != NAME_OK) {
		char before[48];
		snprintf(before, sizeof before, "%s in ", name_errs[err]);
		return fail_part(m, pt, before, " name");
	}
	*pos += used;
	return 0;
}

static int read_question(struct dns_msg *m, size_t *pos, unsigned i)
{
	struct part pt = {-1, i};
	if (*pos >= m->n)
		return fail_missing(m, pt, m->qdcount);
	size_t start = *pos;
	if (read_owner(m, pos, pt) < 0)
		return -1;
	if (m->n - *pos < 4)
		return fail_part(m, pt, "truncated ", "");
	if (m->nq < DNS_MAX_QUESTIONS) {
		struct dns_question *q = &m->q[m->nq++];
		q->name = (uint16_t)start;
		q->type = rd16(m->p + *pos);
		q->cls = rd16(m->p + *pos + 2);
	} else {
		m->q_dropped++;
	}
	*pos += 4;
	return 0;
}

/* A kept record's rdata is checked against its type now, so that the
 * error names the first bad one; the record stays, its rdata in hex. */
static void check_rdata(struct dns_msg *m, struct dns_rr *rr, struct part pt)
{
	struct text count = {NULL, 0, 0};
	if (rdata_render(m, rr, &count))
		return;
	char tbuf[12], before[32];
	rr->rdata_bad = true;
	snprintf(before, sizeof before, "bad %s rdata in ", dns_type_text(rr->type, tbuf));
	fail_part(m, pt, before, "");
}

static int read_record(struct dns_msg *m, size_t *pos, int section, unsigned i, unsigned count)
{
	struct part pt = {section, i};
	if (*pos >= m->n)
		return fail_missing(m, pt, count);
	size_t start = *pos;
	if (read_owner(m, pos, pt) < 0)
		return -1;
	if (m->n - *pos < 10)
		return fail_part(m, pt, "truncated ", "");
	const uint8_t *f = m->p + *pos;
	uint16_t rdlength = rd16(f + 8);
	if (m->n - *pos - 10 < rdlength) {
		char after[64];
		snprintf(after, sizeof after, ": rdata of %u bytes, %zu there", rdlength,
		         m->n - *pos - 10);
		return fail_part(m, pt, "truncated ", after);
	}
	if (m->nrr < DNS_MAX_RECORDS) {
		struct dns_rr *rr = &m->rr[m->nrr++];
		*rr = (struct dns_rr){.name = (uint16_t)start,
		                      .type = rd16(f),
		                      .cls = rd16(f + 2),
		                      .ttl = rd32(f + 4),
		                      .rdata = (uint16_t)(*pos + 10),
		                      .rdlength = rdlength,
		                      .section = (uint8_t)section};
		m->kept[section]++;
		check_rdata(m, rr, pt);
	} else {
		m->rr_dropped++;
	}
	*pos += 10 + (size_t)rdlength;
	return 0;
}

static void read_header(struct dns_msg *m)
{
	const uint8_t *p = m->p;
	m->header = true;
	m->id = rd16(p);
	m->qr = p[2] >> 7;
	m->opcode = (p[2] >> 3) & 15;
	m->aa = (p[2] >> 2) & 1;
	m->tc = (p[2] >> 1) & 1;
	m->rd = p[2] & 1;
	m->ra = p[3] >> 7;
	m->z = (p[3] >> 6) & 1;
	m->ad = (p[3] >> 5) & 1;
	m->cd = (p[3] >> 4) & 1;
	m->rcode = p[3] & 15;
	m->qdcount = rd16(p + 4);
	m->ancount = rd16(p + 6);
	m->nscount = rd16(p + 8);
	m->arcount = rd16(p + 10);
}

/* The records of one section; stops at the first that cannot be read. */
static int read_section(struct dns_msg *m, size_t *pos, int section, unsigned count)
{
	m->first[section] = m->nrr;
	for (unsigned i = 0; i < count; i++) {
		if (read_record(m, pos, section, i, count) < 0)
			return -1;
		m->end = *pos;
	}
	return 0;
}

int dns_parse(const uint8_t *p, size_t n, struct dns_msg *m)
{
	memset(m, 0, sizeof *m);
	m->p = p;
	m->n = n > 65535 ? 65535 : n;
	if (m->n < DNS_HEADER_LEN)
		return fail(m, "truncated header: %zu of %d bytes", m->n, DNS_HEADER_LEN);
	read_header(m);
	size_t pos = DNS_HEADER_LEN;
	m->end = pos;
	for (unsigned i = 0; i < m->qdcount; i++) {
		if (read_question(m, &pos, i) < 0)
			return -1;
		m->end = pos;
	}
	const unsigned counts[3] = {m->ancount, m->nscount, m->arcount};
	for (int s = DNS_ANSWER; s <= DNS_ADDITIONAL; s++)
		if (read_section(m, &pos, s, counts[s]) < 0)
			return -1;
	return m->error[0] ? -1 : 0;
}

/* ---- names of numbers ---- */

struct num_name {
	uint16_t num;
	const char *name;
};

/* The types of IANA's registry that are in use or still seen. */
static const struct num_name types[] = {
    {1, "A"},         {2, "NS"},          {3, "MD"},          {4, "MF"},      {5, "CNAME"},
    {6, "SOA"},       {7, "MB"},          {8, "MG"},          {9, "MR"},      {10, "NULL"},
    {11, "WKS"},      {12, "PTR"},        {13, "HINFO"},      {14, "MINFO"},  {15, "MX"},
    {16, "TXT"},      {17, "RP"},         {18, "AFSDB"},      {19, "X25"},    {20, "ISDN"},
    {21, "RT"},       {22, "NSAP"},       {23, "NSAP-PTR"},   {24, "SIG"},    {25, "KEY"},
    {26, "PX"},       {27, "GPOS"},       {28, "AAAA"},       {29, "LOC"},    {30, "NXT"},
    {33, "SRV"},      {35, "NAPTR"},      {36, "KX"},         {37, "CERT"},   {38, "A6"},
    {39, "DNAME"},    {41, "OPT"},        {42, "APL"},        {43, "DS"},     {44, "SSHFP"},
    {45, "IPSECKEY"}, {46, "RRSIG"},      {47, "NSEC"},       {48, "DNSKEY"}, {49, "DHCID"},
    {50, "NSEC3"},    {51, "NSEC3PARAM"}, {52, "TLSA"},       {53, "SMIMEA"}, {55, "HIP"},
    {59, "CDS"},      {60, "CDNSKEY"},    {61, "OPENPGPKEY"}, {62, "CSYNC"},  {63, "ZONEMD"},
    {64, "SVCB"},     {65, "HTTPS"},      {99, "SPF"},        {104, "NID"},   {105, "L32"},
    {106, "L64"},     {107, "LP"},        {108, "EUI48"},     {109, "EUI64"}, {249, "TKEY"},
    {250, "TSIG"},    {251, "IXFR"},      {252, "AXFR"},      {253, "MAILB"}, {254, "MAILA"},
    {255, "ANY"},     {256, "URI"},       {257, "CAA"},       {32768, "TA"},  {32769, "DLV"},
};

static const struct num_name classes[] = {
    {1, "IN"}, {3, "CH"}, {4, "HS"}, {254, "NONE"}, {255, "ANY"},
};

static const char *const rcodes[] = {
    "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
    "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE", "DSOTYPENI",
};

static const char *find_name(const struct num_name *t, size_t n, uint16_t num)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].num == num)
			return t[i].name;
	return NULL;
}

const char *dns_type_name(uint16_t type)
{
	return find_name(types, sizeof types / sizeof types[0], type);
}

const char *dns_class_name(uint16_t cls)
{
	return find_name(classes, sizeof classes / sizeof classes[0], cls);
}

const char *dns_rcode_name(unsigned rcode)
{
	return rcode < sizeof rcodes / sizeof rcodes[0] ? rcodes[rcode] : NULL;
}

const char *dns_type_text(uint16_t type, char buf[12])
{
	const char *s = dns_type_name(type);
	if (s)
		return s;
	snprintf(buf, 12, "TYPE%u", type);
	return buf;
}

const char *dns_class_text(uint16_t cls, char buf[12])
{
	const char *s = dns_class_name(cls);
	if (s)
		return s;
	snprintf(buf, 12, "%u", cls);
	return buf;
}

const char *dns_rcode_text(unsigned rcode, char buf[12])
{
	const char *s = dns_rcode_name(rcode);
	if (s)
		return s;
	snprintf(buf, 12, "RCODE%u", rcode & 0xffffu);
	return buf;
}

/* "TYPE" and 1 to 5 digits, no leading zero, up to 65535. */
static int type_number(const char *s, size_t n)
{
	if (n < 5 || n > 9 || strncasecmp(s, "TYPE", 4) != 0 || (s[4] == '0' && n > 5))
		return -1;
	unsigned v = 0;
	for (size_t i = 4; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 65535 ? (int)v : -1;
}

int dns_type_parse(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strlen(types[i].name) == n && strncasecmp(types[i].name, s, n) == 0)
			return types[i].num;
	if (n == 3 && strncasecmp(s, "ALL", 3) == 0)
		return DNS_TYPE_ANY;
	return type_number(s, n);
}

/* ---- the module's fields ---- */

enum {
	I_NAME,
	I_TYPE,
	I_CLASS,
	I_TTL,
	I_RDATA,
	I_N,
};

enum {
	Q_NAME,
	Q_TYPE,
	Q_CLASS,
	Q_N,
};

static const struct app_field question_items[Q_N] = {
    [Q_NAME] = {"name", AF_STR, "the name asked for", NULL, 0},
    [Q_TYPE] = {"qtype", AF_STR, "the type asked for: A, MX, ... or TYPE65280", NULL, 0},
    [Q_CLASS] = {"qclass", AF_STR, "IN, CH, HS, or the number", NULL, 0},
};

static const struct app_field record_items[I_N] = {
    [I_NAME] = {"name", AF_STR, "the owner name", NULL, 0},
    [I_TYPE] = {"type", AF_STR, "A, NS, MX, ... or TYPE65280", NULL, 0},
    [I_CLASS] = {"class", AF_STR, "IN, CH, HS, or the number (OPT: the UDP size)", NULL, 0},
    [I_TTL] = {"ttl", AF_UINT, "seconds", NULL, 0},
    [I_RDATA] = {"rdata", AF_STR, "as dig shows it; hex for other types", NULL, 0},
};

enum {
	F_SUCCESS,
	F_ID,
	F_QR,
	F_OPCODE,
	F_AA,
	F_TC,
	F_RD,
	F_RA,
	F_Z,
	F_AD,
	F_CD,
	F_RCODE,
	F_RCODE_NAME,
	F_QDCOUNT,
	F_ANCOUNT,
	F_NSCOUNT,
	F_ARCOUNT,
	F_QUESTIONS,
	F_ANSWERS,
	F_AUTHORITIES,
	F_ADDITIONALS,
	F_UNCONSUMED,
	F_ERROR,
	F_N,
};

const struct app_field dns_fields[DNS_NFIELDS] = {
    [F_SUCCESS] = {"app_success", AF_BOOL, "1: a response (QR) with rcode 0 (NOERROR)", NULL, 0},
    [F_ID] = {"dns_id", AF_UINT, "transaction id", NULL, 0},
    [F_QR] = {"dns_qr", AF_BOOL, "1: a response, 0: a query", NULL, 0},
    [F_OPCODE] = {"dns_opcode", AF_UINT, "0 query, 1 inverse query, 2 status, ...", NULL, 0},
    [F_AA] = {"dns_aa", AF_BOOL, "authoritative answer", NULL, 0},
    [F_TC] = {"dns_tc", AF_BOOL, "truncated (the answer wants TCP)", NULL, 0},
    [F_RD] = {"dns_rd", AF_BOOL, "recursion desired (echoed)", NULL, 0},
    [F_RA] = {"dns_ra", AF_BOOL, "recursion available", NULL, 0},
    [F_Z] = {"dns_z", AF_BOOL, "the reserved bit", NULL, 0},
    [F_AD] = {"dns_ad", AF_BOOL, "authenticated data (DNSSEC)", NULL, 0},
    [F_CD] = {"dns_cd", AF_BOOL, "checking disabled (DNSSEC)", NULL, 0},
    [F_RCODE] = {"dns_rcode", AF_UINT, "response code: 0 no error, 3 no such name, ...", NULL, 0},
    [F_RCODE_NAME] = {"dns_rcode_name", AF_STR, "NOERROR, SERVFAIL, NXDOMAIN, REFUSED, ...", NULL,
                      0},
    [F_QDCOUNT] = {"dns_qdcount", AF_UINT, "questions, as the header says", NULL, 0},
    [F_ANCOUNT] = {"dns_ancount", AF_UINT, "answer records, as the header says", NULL, 0},
    [F_NSCOUNT] = {"dns_nscount", AF_UINT, "authority records, as the header says", NULL, 0},
    [F_ARCOUNT] = {"dns_arcount", AF_UINT, "additional records, as the header says", NULL, 0},
    [F_QUESTIONS] = {"dns_questions", AF_LIST, "the questions read", question_items, Q_N},
    [F_ANSWERS] = {"dns_answers", AF_LIST, "the answer records read", record_items, I_N},
    [F_AUTHORITIES] = {"dns_authorities", AF_LIST, "the authority records read", record_items, I_N},
    [F_ADDITIONALS] = {"dns_additionals", AF_LIST, "the additional records read", record_items,
                       I_N},
    [F_UNCONSUMED] = {"dns_unconsumed_bytes", AF_UINT, "bytes after the last part read", NULL, 0},
    [F_ERROR] = {"dns_parse_error", AF_STR, "empty, or what could not be read", NULL, 0},
};

const int dns_nfields = F_N;
_Static_assert(F_N == DNS_NFIELDS, "DNS_NFIELDS counts the table");

static void write_header(const struct dns_msg *m, struct fieldw *w)
{
	char buf[12];
	fw_uint(w, F_ID, m->id);
	fw_bool(w, F_QR, m->qr);
	fw_uint(w, F_OPCODE, m->opcode);
	fw_bool(w, F_AA, m->aa);
	fw_bool(w, F_TC, m->tc);
	fw_bool(w, F_RD, m->rd);
	fw_bool(w, F_RA, m->ra);
	fw_bool(w, F_Z, m->z);
	fw_bool(w, F_AD, m->ad);
	fw_bool(w, F_CD, m->cd);
	fw_uint(w, F_RCODE, m->rcode);
	fw_cstr(w, F_RCODE_NAME, dns_rcode_text(m->rcode, buf));
	fw_uint(w, F_QDCOUNT, m->qdcount);
	fw_uint(w, F_ANCOUNT, m->ancount);
	fw_uint(w, F_NSCOUNT, m->nscount);
	fw_uint(w, F_ARCOUNT, m->arcount);
}

/* A value longer than the scratch is passed at the scratch's length: the
 * writer cannot fit that in a record and marks the record cut. */
static size_t clamp(size_t len)
{
	return len < DNS_TEXT_MAX ? len : DNS_TEXT_MAX - 1;
}

/* The text scratch is shared by every value: one at a time. */
static void write_questions(const struct dns_msg *m, struct fieldw *w, char *text)
{
	char buf[12];
	fw_list_begin(w, F_QUESTIONS);
	for (int i = 0; i < m->nq; i++) {
		const struct dns_question *q = &m->q[i];
		fw_item_begin(w);
		fw_str(w, Q_NAME, text, clamp(dns_name_text(m, q->name, text, DNS_TEXT_MAX)));
		fw_cstr(w, Q_TYPE, dns_type_text(q->type, buf));
		fw_cstr(w, Q_CLASS, dns_class_text(q->cls, buf));
		fw_item_end(w);
	}
	fw_list_end(w);
}

static void write_record(const struct dns_msg *m, const struct dns_rr *rr, struct fieldw *w,
                         char *text)
{
	char tbuf[12], cbuf[12];
	fw_item_begin(w);
	fw_str(w, I_NAME, text, clamp(dns_name_text(m, rr->name, text, DNS_TEXT_MAX)));
	fw_cstr(w, I_TYPE, dns_type_text(rr->type, tbuf));
	/* an OPT record's class is the sender's UDP payload size, no class */
	if (rr->type == DNS_TYPE_OPT)
		snprintf(cbuf, sizeof cbuf, "%u", rr->cls);
	fw_cstr(w, I_CLASS, rr->type == DNS_TYPE_OPT ? cbuf : dns_class_text(rr->cls, cbuf));
	fw_uint(w, I_TTL, rr->ttl);
	fw_str(w, I_RDATA, text, clamp(dns_rdata_text(m, rr, text, DNS_TEXT_MAX)));
	fw_item_end(w);
}

static void write_section(const struct dns_msg *m, int s, int field, struct fieldw *w, char *text)
{
	fw_list_begin(w, field);
	for (int i = 0; i < m->kept[s]; i++)
		write_record(m, &m->rr[m->first[s] + i], w, text);
	fw_list_end(w);
}

static void write_error(const struct dns_msg *m, struct fieldw *w)
{
	char note[160];
	if (m->error[0] || (m->q_dropped == 0 && m->rr_dropped == 0)) {
		fw_cstr(w, F_ERROR, m->error);
		return;
	}
	snprintf(note, sizeof note, "not kept: %u questions past %d, %u records past %d",
	         m->q_dropped, DNS_MAX_QUESTIONS, m->rr_dropped, DNS_MAX_RECORDS);
	fw_cstr(w, F_ERROR, note);
}

void dns_decode(const uint8_t *p, size_t n, struct fieldw *w)
{
	static const int lists[3] = {F_ANSWERS, F_AUTHORITIES, F_ADDITIONALS};
	struct dns_msg m;
	char text[DNS_TEXT_MAX];
	dns_parse(p, n, &m);
	fw_bool(w, F_SUCCESS, m.header && m.qr && m.rcode == 0);
	if (!m.header) {
		fw_cstr(w, F_ERROR, m.error);
		return;
	}
	write_header(&m, w);
	write_questions(&m, w, text);
	for (int s = DNS_ANSWER; s <= DNS_ADDITIONAL; s++)
		write_section(&m, s, lists[s], w, text);
	fw_uint(w, F_UNCONSUMED, n - m.end);
	write_error(&m, w);
}
