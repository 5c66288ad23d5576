/* dns: a DNS message (RFC 1035) read from an answer, bounded and without
 * allocation, and its fields for the dns module's output.
 *
 * dns_parse walks the header, the questions and the three record sections,
 * following compression pointers, and keeps up to DNS_MAX_QUESTIONS
 * questions and DNS_MAX_RECORDS records (the rest are walked and counted).
 * It never reads outside p[0..n). A message that breaks the format (a
 * name that loops or points forward, a label over 63 bytes, a name over
 * 255, a record cut short, counts that promise more than is there) keeps
 * what was read before the fault and an error text naming it, e.g.
 * "truncated answer record 3". A record whose rdata does not fit its type
 * (an A record of 5 bytes, an MX name running past its rdata) is kept,
 * shows its rdata as hex, and is named in the error too.
 *
 * Text forms follow dig's presentation format, without the trailing dot:
 * "www.example.com", the root "."; inside a label a dot and the bytes
 * " ( ) ; @ $ \ are escaped with a backslash (\.) and bytes outside
 * 0x21..0x7e as \DDD in decimal (a space is \032). Rdata: A, AAAA as
 * addresses; NS, CNAME, PTR as a name; MX "pref name"; TXT each string
 * quoted and joined by spaces ("a" "b c"), an empty rdata as ""; SOA
 * "mname rname serial refresh retry expire minimum"; SRV "prio weight port
 * target"; CAA `flags tag "value"`; any other type lower-case hex. */
#ifndef ZSCAN_PROBE_ANSWER_DNS_H
#define ZSCAN_PROBE_ANSWER_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/fieldw.h"

#define DNS_HEADER_LEN 12
#define DNS_MAX_QUESTIONS 8
#define DNS_MAX_RECORDS 64 /* of the three record sections together */
#define DNS_NAME_WIRE_MAX 255
/* A name's text: 255 wire bytes, each at most 4 characters (\DDD), + NUL */
#define DNS_NAME_TEXT_MAX 1024
/* The most bytes of text one value is rendered to by dns_decode: a longer
 * one cannot fit the field writer's record (FIELDW_MAX) anyway. */
#define DNS_TEXT_MAX FIELDW_MAX

enum dns_section { DNS_ANSWER, DNS_AUTHORITY, DNS_ADDITIONAL };

enum {
	DNS_TYPE_A = 1,
	DNS_TYPE_NS = 2,
	DNS_TYPE_CNAME = 5,
	DNS_TYPE_SOA = 6,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28,
	DNS_TYPE_SRV = 33,
	DNS_TYPE_OPT = 41,
	DNS_TYPE_ANY = 255,
	DNS_TYPE_CAA = 257,
	DNS_CLASS_IN = 1,
};

/* Offsets are into the message the dns_msg was parsed from. */
struct dns_question {
	uint16_t name; /* where its name starts */
	uint16_t type, cls;
};

struct dns_rr {
	uint16_t name;
	uint16_t type, cls;
	uint32_t ttl;
	uint16_t rdata, rdlength;
	uint8_t section; /* enum dns_section */
	bool rdata_bad;  /* the rdata does not fit its type: shown as hex */
};

struct dns_msg {
	const uint8_t *p; /* the message, not copied: it must outlive the dns_msg */
	size_t n;
	bool header; /* the 12 bytes of the header were there */
	uint16_t id;
	bool qr, aa, tc, rd, ra, z, ad, cd;
	uint8_t opcode, rcode;
	uint16_t qdcount, ancount, nscount, arcount;
	struct dns_question q[DNS_MAX_QUESTIONS];
	int nq;
	struct dns_rr rr[DNS_MAX_RECORDS];
	int nrr;
	/* the kept records of each section: rr[first[s] .. first[s] + kept[s]) */
	int first[3], kept[3];
	/* walked but not kept, for the bounds above */
	unsigned q_dropped, rr_dropped;
	size_t end;      /* bytes read: n - end were left over after the last part read */
	char error[112]; /* "" when the whole message was read */
};

/* Reads the message p[0..n) into m. Returns 0 when all of it parsed, -1
 * when m->error names a fault (what was read before it is kept). Only the
 * first 65535 bytes are read: no UDP payload is longer. */
int dns_parse(const uint8_t *p, size_t n, struct dns_msg *m);

/* The text of the name at off in m's message into out (at most size - 1
 * bytes and a NUL, cut short when it does not fit); returns the length of
 * the whole text, as snprintf does, or 0 with out "" for a bad name. */
size_t dns_name_text(const struct dns_msg *m, size_t off, char *out, size_t size);

/* The text of a record's rdata, as dns_name_text writes and counts; for
 * an unnamed type or a record with rdata_bad, the rdata in hex. */
size_t dns_rdata_text(const struct dns_msg *m, const struct dns_rr *rr, char *out, size_t size);

/* Names: the mnemonic of a type ("A", "TXT"), a class ("IN", "CH", "HS",
 * "NONE", "ANY") and an rcode ("NOERROR", "NXDOMAIN"), or NULL for a
 * number without one. */
const char *dns_type_name(uint16_t type);
const char *dns_class_name(uint16_t cls);
const char *dns_rcode_name(unsigned rcode);

/* The text of a type, class or rcode: its name, or else "TYPE65280",
 * "3000" and "RCODE12"; buf has room for 12 bytes. Returns buf or the name. */
const char *dns_type_text(uint16_t type, char buf[12]);
const char *dns_class_text(uint16_t cls, char buf[12]);
const char *dns_rcode_text(unsigned rcode, char buf[12]);

/* The type named s[0..n) in any case ("a", "AAAA", "TYPE257"; "ALL" is
 * ZMap's word for ANY), or -1. */
int dns_type_parse(const char *s, size_t n);

/* The dns module's answer fields:
 *   app_success  QR is set (a response) and rcode is 0 (NOERROR), as ZMap
 *                has it; a fault later in the message does not clear it,
 *                dns_parse_error says so. Whether the answer is to our
 *                question (id and question echoed) is the module's
 *                `success`, not this.
 *   dns_id .. dns_arcount  the header; flags as booleans, numbers as such
 *   dns_rcode_name  NOERROR, FORMERR, SERVFAIL, NXDOMAIN ... or RCODE12
 *   dns_questions  a list of {name, qtype, qclass}
 *   dns_answers, dns_authorities, dns_additionals  lists of {name, type,
 *                class, ttl, rdata}; type and class as text ("A", "IN", or
 *                "TYPE65280" and a number for those without a name)
 *   dns_unconsumed_bytes  bytes after the last part read
 *   dns_parse_error  "" or the first fault (see dns_parse); also set when
 *                questions or records past the bounds above were left out
 * A message shorter than its header gives app_success 0 and the error
 * only. */
/* The fields, as a constant a module's table entry can hold. */
#define DNS_NFIELDS 23
extern const struct app_field dns_fields[DNS_NFIELDS];
extern const int dns_nfields;

/* Decodes the UDP payload p[0..n) into w (reset for dns_fields). Uses
 * about DNS_TEXT_MAX bytes of stack for the text of one value. */
void dns_decode(const uint8_t *p, size_t n, struct fieldw *w);

#endif
