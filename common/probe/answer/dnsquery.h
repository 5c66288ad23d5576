/* dnsquery: the questions of the dns module, from ZMap's --probe-args
 * syntax, and the query each one is sent as.
 *
 *   TYPE,NAME            one question, e.g. "A,example.com"
 *   Q1;Q2;...            several (up to DNSQUERY_MAX), e.g.
 *                        "A,example.com;MX,example.org"; one ';' at either
 *                        end is ignored, as ZMap does
 *   TYPE:nr,NAME         recursion not desired (RD clear) for that question,
 *                        ZMap's form; "TYPE,NAME:nr" is taken the same way
 *
 * TYPE is a type name in any case (A, NS, CNAME, SOA, PTR, MX, TXT, AAAA,
 * SRV, CAA, RRSIG, ANY, and every other name dns_type_name knows; ALL is
 * ZMap's word for ANY) or TYPEnnn. NAME is labels of 1 to 63 bytes joined
 * by dots, at most 253 bytes in all, a trailing dot allowed, or "." for the
 * root; its bytes are printable ASCII other than , ; : \ (no escapes). The
 * class is always IN. */
#ifndef ZSCAN_PROBE_ANSWER_DNSQUERY_H
#define ZSCAN_PROBE_ANSWER_DNSQUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/zerr.h"

#define DNSQUERY_MAX 32
#define DNSQUERY_NAME_MAX 253
/* The longest query built: header, a 255-byte name, type and class. */
#define DNSQUERY_LEN_MAX (12 + 255 + 4)

struct dnsquery {
	uint16_t qtype;
	bool rd;                          /* false for ":nr" */
	char name[DNSQUERY_NAME_MAX + 1]; /* as given, without a trailing dot; "." */
	uint8_t wire[255];                /* the name in wire form */
	uint16_t wirelen;
};

struct dnsquery_set {
	struct dnsquery q[DNSQUERY_MAX];
	int n;
};

/* Reads --probe-args into qs. On error (nothing given, an unknown type, a
 * bad name, too many questions) returns -1 with e naming the question, its
 * bytes escaped. */
int dnsquery_parse(const char *args, struct dnsquery_set *qs, struct zerr *e);

/* Writes q as a standard query (opcode 0, one question of class IN, RD as
 * rd says, no EDNS) with transaction id `id` in its first two bytes into
 * buf; returns its length, or 0 when size is too small (DNSQUERY_LEN_MAX
 * always does). */
size_t dnsquery_build(const struct dnsquery *q, bool rd, uint16_t id, uint8_t *buf, size_t size);

/* The question a probe carries: qs->q[(mac + probe_num) mod n]. With one
 * probe per target (-P 1) the targets, whose MACs are uniform, share the
 * questions evenly; with -P a multiple of n each target is asked every
 * question P/n times, as ZMap does (it wants -P a multiple of n). The
 * answer does not tell probe_num, so a receiver checks it against every
 * question (dnsquery_find). NULL for an empty set. */
const struct dnsquery *dnsquery_pick(const struct dnsquery_set *qs, uint64_t mac,
                                     unsigned probe_num);

/* Whether the DNS message p[0..n) echoes q as its first question (name in
 * any case, type, class IN), as an answer to it does. The id is not
 * looked at. */
bool dnsquery_matches(const struct dnsquery *q, const uint8_t *p, size_t n);

/* The index of the first question of qs that p[0..n) echoes, or -1. */
int dnsquery_find(const struct dnsquery_set *qs, const uint8_t *p, size_t n);

#endif
