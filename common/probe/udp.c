/* probe_udp: a UDP datagram to (address, port) with a payload given by
 * --probe-args:
 *   file:PATH      the bytes of a file (conf/udp-probes/ has ready ones)
 *   hex:HEX        bytes as hex digits
 *   text:STRING    the string as is
 *   template:PATH  a text file where ${saddr} ${daddr} ${sport} ${dport}
 *                  (the probe's source and destination, as sent) and
 *                  ${nonce} (8 hex digits, keyed per target) are filled in,
 *                  and ZMap's ${RAND_BYTE=N} ${RAND_DIGIT=N} ${RAND_ALPHA=N}
 *                  ${RAND_ALPHANUM=N} (N bytes, keyed per target: the same
 *                  target and key give the same bytes) ${UNIXTIME_SEC}
 *                  ${UNIXTIME_USEC} (4 bytes each) ${NTP_TIMESTAMP} (8)
 * and, after any of the first three, ";echo=OFF:LEN[@AT]": LEN bytes (1-8)
 * of the payload at OFF carry more of the MAC, and an answer must echo
 * them at AT (default OFF): a DNS transaction id is echo=0:2, an NTP
 * transmit time echo=40:8@24.
 * The MAC of (target, port, source) picks the source port and the IP
 * identification. An answer must come from the target port to that source
 * port (the log2 of the -s range in bits) and echo the payload's bytes;
 * an ICMP error must quote both ports and the identification (16 bits
 * more). zrecv gets the echo rule from zsend's start record.
 * For IPv6 the same datagram goes in an IPv6 packet, its MAC over the
 * IPv6 addresses; an ICMPv6 error must quote the flow label (20 bits)
 * where an ICMP one quotes the identification. A payload over 1452 bytes
 * has no IPv6 form (1500 bytes less the two headers). */
#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <libnet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/addr/addr.h"
#include "core/addr/ipaddr.h"
#include "probe/helpers.h"
#include "probe/udp.h"
#include "util/readfile.h"

#define IP_OFF ETH_LEN
#define UDP_OFF (ETH_LEN + IP4_LEN)
#define UDP_OFF6 (ETH_LEN + IP6_LEN)
#define UDP_HDR 8
#define PAYLOAD_OFF (UDP_OFF + UDP_HDR)
#define PAYLOAD_OFF6 (UDP_OFF6 + UDP_HDR)
#define MAX_PAYLOAD6 (PROBE_MAX_PAYLOAD - (IP6_LEN - IP4_LEN))

enum seg_kind {
	SEG_TEXT,
	SEG_SADDR,
	SEG_DADDR,
	SEG_SPORT,
	SEG_DPORT,
	SEG_NONCE,
	SEG_RAND_BYTE,     /* N bytes 0-255 */
	SEG_RAND_DIGIT,    /* N of 0-9 */
	SEG_RAND_ALPHA,    /* N of a-z A-Z */
	SEG_RAND_ALPHANUM, /* N of a-z A-Z 0-9 */
	SEG_UNIXTIME_SEC,  /* (the time fields last) the send time's seconds, 32 bits */
	SEG_UNIXTIME_USEC, /* and its microseconds */
	SEG_NTP_TIMESTAMP, /* RFC 5905 6: seconds since 1900 (mod 2^32), 2^-32 fraction */
};

/* A field is ${name}, or ${name=N} for one with a length (ZMap's syntax:
 * its upper-case names, its lengths). */
static const struct {
	const char *name;
	enum seg_kind kind;
	size_t max_len;  /* of its rendering, for IPv4 (0: the N given) */
	size_t max_len6; /* and for IPv6 */
} template_fields[] = {
    {"saddr", SEG_SADDR, 15, 39},
    {"daddr", SEG_DADDR, 15, 39},
    {"sport", SEG_SPORT, 5, 5},
    {"dport", SEG_DPORT, 5, 5},
    {"nonce", SEG_NONCE, 8, 8},
    {"RAND_BYTE", SEG_RAND_BYTE, 0, 0},
    {"RAND_DIGIT", SEG_RAND_DIGIT, 0, 0},
    {"RAND_ALPHA", SEG_RAND_ALPHA, 0, 0},
    {"RAND_ALPHANUM", SEG_RAND_ALPHANUM, 0, 0},
    {"UNIXTIME_SEC", SEG_UNIXTIME_SEC, 4, 4},
    {"UNIXTIME_USEC", SEG_UNIXTIME_USEC, 4, 4},
    {"NTP_TIMESTAMP", SEG_NTP_TIMESTAMP, 8, 8},
};

#define TEMPLATE_FIELD_NAMES                                                                       \
	"saddr, daddr, sport, dport, nonce, RAND_BYTE=N, RAND_DIGIT=N, RAND_ALPHA=N, "             \
	"RAND_ALPHANUM=N, UNIXTIME_SEC, UNIXTIME_USEC, NTP_TIMESTAMP"

struct segment {
	enum seg_kind kind;
	size_t off, len; /* SEG_TEXT: bytes of udp_payload.bytes; SEG_RAND_*: N */
};

/* Payload bytes that carry MAC bits and that answers echo. */
struct echo {
	bool on;
	size_t off, len, at;
	size_t w0, w1; /* the checksum words they touch: payload bytes [w0, w1) */
};

/* One of a module's payloads (a DNS question of several). */
struct variant {
	uint8_t *bytes;
	size_t len;
	uint32_t sum; /* its checksum words, echo window as 0 */
};

struct udp_payload {
	uint8_t *bytes;
	size_t len;
	uint32_t sum;         /* checksum words of a fixed payload (echo window as 0) */
	struct segment *segs; /* a template: rendered per probe */
	size_t nsegs;
	struct variant *variants; /* a module's payloads, one picked per probe */
	size_t nvariants;
	struct echo echo;
};

/* "OFF:LEN[@AT]" */
static int parse_echo(const char *s, struct echo *ec, struct zerr *e)
{
	unsigned long v[3];
	char *end;
	const char *p = s;
	for (int i = 0; i < 3; i++) {
		if (i == 2 && *p != '@')
			break;
		if (i > 0)
			p++;
		if (*p < '0' || *p > '9')
			return zerr_set(e, "--probe-args: echo=%s: want OFF:LEN or OFF:LEN@AT", s);
		errno = 0;
		v[i] = strtoul(p, &end, 10);
		if (errno || v[i] > PROBE_MAX_PAYLOAD)
			return zerr_set(e, "--probe-args: echo=%s: a number out of range", s);
		p = end;
		if (i == 0 && *p != ':')
			return zerr_set(e, "--probe-args: echo=%s: want OFF:LEN or OFF:LEN@AT", s);
		if (i == 1)
			v[2] = v[0];
	}
	if (*p)
		return zerr_set(e, "--probe-args: echo=%s: want OFF:LEN or OFF:LEN@AT", s);
	if (v[1] < 1 || v[1] > 8)
		return zerr_set(e, "--probe-args: echo=%s: LEN is 1 to 8 bytes", s);
	*ec = (struct echo){
	    true, v[0], v[1], v[2], v[0] & ~(size_t)1, (v[0] + v[1] + 1) & ~(size_t)1};
	return 0;
}

static int parse_hex(const char *hex, struct udp_payload *p, struct zerr *e)
{
	size_t n = strlen(hex);
	if (n % 2)
		return zerr_set(e, "--probe-args hex: odd number of hex digits (%zu)", n);
	if (!(p->bytes = malloc(n / 2 + 1)))
		return zerr_set(e, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int c = tolower((unsigned char)hex[i]);
		int v = isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
		if (v < 0)
			return zerr_set(e,
			                "--probe-args hex: '%c' at column %zu is not a hex digit",
			                hex[i], i + 1);
		if (i % 2 == 0)
			p->bytes[i / 2] = (uint8_t)(v << 4);
		else
			p->bytes[i / 2] |= (uint8_t)v;
	}
	p->len = n / 2;
	return 0;
}

static int add_seg(struct udp_payload *p, enum seg_kind kind, size_t off, size_t len,
                   struct zerr *e)
{
	struct segment *s = realloc(p->segs, (p->nsegs + 1) * sizeof *s);
	if (!s)
		return zerr_set(e, "out of memory");
	p->segs = s;
	s[p->nsegs++] = (struct segment){kind, off, len};
	return 0;
}

/* Splits a template into text and ${field} segments; returns the longest
 * payload it can render to. */
static int parse_template(const char *path, struct udp_payload *p, size_t *max_len,
                          size_t *max_len6, struct zerr *e)
{
	const char *t = (const char *)p->bytes;
	size_t start = 0, i = 0;
	*max_len = *max_len6 = 0;
	while (i < p->len) {
		if (!(t[i] == '$' && i + 1 < p->len && t[i + 1] == '{')) {
			i++;
			continue;
		}
		const char *close = memchr(t + i, '}', p->len - i);
		if (!close)
			return zerr_set(e, "%s: byte %zu: '${' without '}'", path, i + 1);
		/* "name" or "name=N" */
		const char *name = t + i + 2;
		size_t flen = (size_t)(close - name);
		const char *eq = memchr(name, '=', flen);
		size_t nlen = eq ? (size_t)(eq - name) : flen;
		int shown = (int)(flen > 32 ? 32 : flen);
		int found = -1;
		for (size_t k = 0; k < sizeof template_fields / sizeof template_fields[0]; k++)
			if (strlen(template_fields[k].name) == nlen &&
			    memcmp(template_fields[k].name, name, nlen) == 0)
				found = (int)k;
		if (found < 0)
			return zerr_set(
			    e, "%s: byte %zu: unknown field '${%.*s}' (" TEMPLATE_FIELD_NAMES ")",
			    path, i + 1, shown, name);
		bool sized = template_fields[found].max_len == 0;
		size_t n = 0;
		if (sized && !eq)
			return zerr_set(e, "%s: byte %zu: '${%.*s}' wants a length: ${%.*s=N}",
			                path, i + 1, shown, name, shown, name);
		if (!sized && eq)
			return zerr_set(e, "%s: byte %zu: '${%.*s}' takes no length", path, i + 1,
			                shown, name);
		if (sized) {
			const char *d = eq + 1;
			if (d == close)
				return zerr_set(e, "%s: byte %zu: '${%.*s}': a length after '='",
				                path, i + 1, shown, name);
			for (; d < close; d++) {
				if (*d < '0' || *d > '9')
					return zerr_set(
					    e,
					    "%s: byte %zu: '${%.*s}': the length is not a number",
					    path, i + 1, shown, name);
				n = n * 10 + (size_t)(*d - '0');
				if (n > PROBE_MAX_PAYLOAD)
					break;
			}
			if (n < 1 || n > PROBE_MAX_PAYLOAD)
				return zerr_set(e, "%s: byte %zu: '${%.*s}': the length is 1 to %d",
				                path, i + 1, shown, name, PROBE_MAX_PAYLOAD);
		}
		if (i > start && add_seg(p, SEG_TEXT, start, i - start, e) < 0)
			return -1;
		if (add_seg(p, template_fields[found].kind, 0, n, e) < 0)
			return -1;
		*max_len += (i - start) + (sized ? n : template_fields[found].max_len);
		*max_len6 += (i - start) + (sized ? n : template_fields[found].max_len6);
		i = start = (size_t)(close - t) + 1;
	}
	if (i > start && add_seg(p, SEG_TEXT, start, i - start, e) < 0)
		return -1;
	*max_len += i - start;
	*max_len6 += i - start;
	return 0;
}

void udp_teardown(struct probe_params *pp)
{
	struct udp_payload *p = (struct udp_payload *)pp->mod_state;
	if (p) {
		free(p->bytes);
		free(p->segs);
		for (size_t i = 0; i < p->nvariants; i++)
			free(p->variants[i].bytes);
		free(p->variants);
		free(p);
	}
}

int udp_app_setup(struct probe_params *pp, const uint8_t *const *payloads, const size_t *lens,
                  size_t n, const struct udp_echo_rule *echo, struct zerr *e)
{
	struct udp_payload *p = calloc(1, sizeof *p);
	if (!p)
		return zerr_set(e, "out of memory");
	pp->mod_state = p;
	if (echo)
		p->echo = (struct echo){true,
		                        echo->off,
		                        echo->len,
		                        echo->at,
		                        echo->off & ~(size_t)1,
		                        (echo->off + echo->len + 1) & ~(size_t)1};
	if (n && !(p->variants = calloc(n, sizeof *p->variants))) {
		udp_teardown(pp);
		return zerr_set(e, "out of memory");
	}
	size_t most = 0;
	for (size_t i = 0; i < n; i++) {
		struct variant *v = &p->variants[p->nvariants];
		if (lens[i] > PROBE_MAX_PAYLOAD || (echo && echo->off + echo->len > lens[i])) {
			udp_teardown(pp);
			return zerr_set(
			    e, "a payload of %zu bytes: too long, or too short for its echo",
			    lens[i]);
		}
		if (!(v->bytes = malloc(lens[i] ? lens[i] : 1))) {
			udp_teardown(pp);
			return zerr_set(e, "out of memory");
		}
		memcpy(v->bytes, payloads[i], lens[i]);
		v->len = lens[i];
		if (echo)
			memset(v->bytes + echo->off, 0, echo->len);
		v->sum = csum_add(0, v->bytes, v->len);
		p->nvariants++;
		most = lens[i] > most ? lens[i] : most;
	}
	/* the payload is written per probe */
	pp->template_len = PAYLOAD_OFF;
	pp->template_len6 = most > MAX_PAYLOAD6 ? 0 : PAYLOAD_OFF6;
	return 0;
}

static int udp_setup(struct probe_params *pp, const char *args, struct zerr *e)
{
	struct udp_payload *p = calloc(1, sizeof *p);
	if (!p)
		return zerr_set(e, "out of memory");
	pp->mod_state = p;
	size_t max_len = 0, max_len6 = 0;
	int rc = 0;
	/* ";echo=" ends the payload's part; zrecv gets "echo=" alone */
	char *copy = NULL;
	const char *echo = NULL;
	if (args && strncmp(args, "echo=", 5) == 0) {
		echo = args + 5;
		args = NULL;
	} else if (args && (echo = strstr(args, ";echo="))) {
		if (!(copy = strndup(args, (size_t)(echo - args)))) {
			udp_teardown(pp);
			return zerr_set(e, "out of memory");
		}
		args = copy;
		echo += 6;
	}
	if (echo)
		rc = parse_echo(echo, &p->echo, e);
	if (rc < 0) {
		/* reported below */
	} else if (!args) {
		/* zrecv needs no payload to validate */
	} else if (strncmp(args, "hex:", 4) == 0) {
		rc = parse_hex(args + 4, p, e);
	} else if (strncmp(args, "text:", 5) == 0) {
		p->len = strlen(args + 5);
		if (!(p->bytes = (uint8_t *)strdup(args + 5)))
			rc = zerr_set(e, "out of memory");
	} else if (strncmp(args, "file:", 5) == 0 || strncmp(args, "template:", 9) == 0) {
		bool tmpl = args[0] == 't';
		const char *path = args + (tmpl ? 9 : 5);
		char *buf;
		struct zerr fe;
		/* a template's text holds ${...} names longer or shorter than
		 * what they render to: its rendering is checked below */
		if (readfile(path, tmpl ? 4 * PROBE_MAX_PAYLOAD : PROBE_MAX_PAYLOAD, &buf, &p->len,
		             &fe) < 0)
			rc = zerr_set(e, "--probe-args: %s", fe.msg);
		else
			p->bytes = (uint8_t *)buf;
		if (rc == 0 && tmpl)
			rc = parse_template(path, p, &max_len, &max_len6, e);
	} else {
		rc = zerr_set(e,
		              "--probe-args '%.40s': give file:PATH, hex:HEX, text:STRING or "
		              "template:PATH",
		              args);
	}
	if (rc == 0 && (p->nsegs ? max_len : p->len) > PROBE_MAX_PAYLOAD)
		rc = zerr_set(e, "--probe-args: a payload of up to %zu bytes is more than %d",
		              p->nsegs ? max_len : p->len, PROBE_MAX_PAYLOAD);
	if (rc == 0 && p->echo.on && args && p->nsegs)
		rc = zerr_set(e, "--probe-args: echo= takes a fixed payload (file:, hex:, text:), "
		                 "not a template");
	if (rc == 0 && p->echo.on && args && p->echo.off + p->echo.len > p->len)
		rc = zerr_set(e, "--probe-args: echo=%zu:%zu is past the payload's %zu bytes",
		              p->echo.off, p->echo.len, p->len);
	free(copy);
	if (rc < 0) {
		udp_teardown(pp);
		return -1;
	}
	if (p->echo.on && p->bytes) /* the echo window counts per probe */
		memset(p->bytes + p->echo.off, 0, p->echo.len);
	p->sum = csum_add(0, p->bytes, p->len);
	/* a fixed payload is part of the template; a template's is rendered;
	 * past 1452 bytes there is no IPv6 form */
	size_t most = p->nsegs ? max_len6 : p->len;
	pp->template_len = PAYLOAD_OFF + (p->nsegs ? 0 : p->len);
	pp->template_len6 = most > MAX_PAYLOAD6 ? 0 : PAYLOAD_OFF6 + (p->nsegs ? 0 : p->len);
	return 0;
}

static int template_any(const struct probe_params *pp, uint32_t saddr4, const struct ipaddr *saddr6,
                        uint8_t *frame, struct zerr *e)
{
	const struct udp_payload *p = pp->mod_state;
	size_t plen = p->nsegs || p->nvariants ? 0 : p->len;
	libnet_t *l = probe_libnet_init(e);
	if (!l)
		return -1;
	bool built = libnet_build_udp(0, 0, (uint16_t)(UDP_HDR + plen), 0, plen ? p->bytes : NULL,
	                              (uint32_t)plen, l, 0) != -1;
	return probe_libnet_frame(l, built, pp, saddr4, saddr6, IPPROTO_UDP, UDP_HDR + plen, frame,
	                          e);
}

int udp_template(const struct probe_params *pp, uint32_t saddr, uint8_t *frame, struct zerr *e)
{
	return template_any(pp, saddr, NULL, frame, e);
}

int udp_template6(const struct probe_params *pp, const struct ipaddr *saddr, uint8_t *frame,
                  struct zerr *e)
{
	if (pp->template_len6 == 0)
		return zerr_set(e, "a UDP payload over %d bytes has no IPv6 form", MAX_PAYLOAD6);
	return template_any(pp, 0, saddr, frame, e);
}

static struct ipaddr other_source(struct ipaddr saddr, uint32_t x);

/* The ${RAND_*} fields' bytes: a stream of MACs of the target, each under
 * a source changed by another block number (none the port's, the echo's or
 * the nonce's), so that they are the same for one target and key, say
 * nothing about the MACs that validate, and need no state. */
#define RAND_BLOCK0 0x52414e00u

struct rand_stream {
	const struct probe_params *pp;
	struct ipaddr daddr, saddr;
	uint16_t dport;
	uint32_t block;
	uint64_t word;
	unsigned left; /* bytes of word not yet used */
};

static uint8_t rand_byte(struct rand_stream *r)
{
	if (r->left == 0) {
		r->word = probe_mac(r->pp, r->daddr, r->dport,
		                    other_source(r->saddr, RAND_BLOCK0 + r->block++));
		r->left = 8;
	}
	r->left--;
	return (uint8_t)(r->word >> (8 * r->left));
}

/* n characters of set (k of them), each from 16 bits of the stream. */
static void rand_chars(struct rand_stream *r, uint8_t *out, size_t n, const char *set, unsigned k)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t v = (uint32_t)rand_byte(r) << 8 | rand_byte(r);
		out[i] = (uint8_t)set[(v * k) >> 16];
	}
}

static const char DIGITS[] = "0123456789";
static const char ALPHA[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char ALNUM[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/* Seconds from 1900 (NTP's era 0) to 1970. */
#define NTP_UNIX_OFFSET 2208988800u

/* Renders the template for one probe at out; returns its length. The time
 * fields share one reading of the clock. */
static size_t render(const struct probe_params *pp, const struct udp_payload *p, uint8_t *out,
                     struct ipaddr saddr, struct ipaddr daddr, uint16_t sport, uint16_t dport,
                     uint32_t nonce)
{
	size_t n = 0;
	struct rand_stream rs = {pp, daddr, saddr, dport, 0, 0, 0};
	struct timespec now = {0, 0};
	bool have_time = false;
	for (size_t i = 0; i < p->nsegs; i++) {
		const struct segment *s = &p->segs[i];
		char buf[IPADDR_STRLEN];
		if (s->kind >= SEG_UNIXTIME_SEC && !have_time) {
			clock_gettime(CLOCK_REALTIME, &now);
			have_time = true;
		}
		switch (s->kind) {
		case SEG_TEXT:
			memcpy(out + n, p->bytes + s->off, s->len);
			n += s->len;
			break;
		case SEG_SADDR:
		case SEG_DADDR: {
			const char *a = ipaddr_str(s->kind == SEG_SADDR ? saddr : daddr, buf);
			size_t l = strlen(a);
			memcpy(out + n, a, l);
			n += l;
			break;
		}
		case SEG_SPORT:
		case SEG_DPORT:
			n += (size_t)snprintf((char *)out + n, 6, "%u",
			                      s->kind == SEG_SPORT ? sport : dport);
			break;
		case SEG_NONCE:
			n += (size_t)snprintf((char *)out + n, 9, "%08x", nonce);
			break;
		case SEG_RAND_BYTE:
			for (size_t k = 0; k < s->len; k++)
				out[n + k] = rand_byte(&rs);
			n += s->len;
			break;
		case SEG_RAND_DIGIT:
			rand_chars(&rs, out + n, s->len, DIGITS, sizeof DIGITS - 1);
			n += s->len;
			break;
		case SEG_RAND_ALPHA:
			rand_chars(&rs, out + n, s->len, ALPHA, sizeof ALPHA - 1);
			n += s->len;
			break;
		case SEG_RAND_ALPHANUM:
			rand_chars(&rs, out + n, s->len, ALNUM, sizeof ALNUM - 1);
			n += s->len;
			break;
		case SEG_UNIXTIME_SEC:
			wr32(out + n, (uint32_t)now.tv_sec);
			n += 4;
			break;
		case SEG_UNIXTIME_USEC:
			wr32(out + n, (uint32_t)(now.tv_nsec / 1000));
			n += 4;
			break;
		case SEG_NTP_TIMESTAMP:
			/* era 1 (from 2036) wraps the seconds, as RFC 5905 6 says */
			wr32(out + n, (uint32_t)((uint64_t)now.tv_sec + NTP_UNIX_OFFSET));
			wr32(out + n + 4, (uint32_t)(((uint64_t)now.tv_nsec << 32) / 1000000000u));
			n += 8;
			break;
		}
	}
	return n;
}

/* A source address changed so that a MAC under it is another MAC: for
 * the echo bytes and the nonce, which must say nothing about the port's. */
static struct ipaddr other_source(struct ipaddr saddr, uint32_t x)
{
	if (ipaddr_is_v4(saddr))
		return ipaddr_from_v4(ipaddr_v4(saddr) ^ x);
	saddr.lo ^= x;
	return saddr;
}

/* The echoed bytes of a probe: a MAC under another input than the one
 * that picks the port, so they say nothing about it. */
static void echo_bytes(const struct probe_params *pp, struct ipaddr daddr, uint16_t dport,
                       struct ipaddr saddr, uint8_t *out, size_t len)
{
	uint64_t m = probe_mac(pp, daddr, dport, other_source(saddr, 0x5a5aa5a5u));
	for (size_t i = 0; i < len; i++)
		out[i] = (uint8_t)(m >> (56 - 8 * i));
}

void udp_echo_value(const struct probe_params *pp, struct ipaddr daddr, uint16_t dport,
                    struct ipaddr saddr, uint8_t *out, size_t len)
{
	echo_bytes(pp, daddr, dport, saddr, out, len < 8 ? len : 8);
}

void udp_patch(uint8_t *udp, size_t at, const uint8_t *b, size_t n)
{
	size_t w0 = at & ~(size_t)1, w1 = (at + n + 1) & ~(size_t)1;
	uint32_t sum = (uint16_t)~rd16(udp + 6);
	for (size_t k = w0; k < w1; k += 2)
		sum += (uint16_t)~rd16(udp + k);
	memcpy(udp + at, b, n);
	for (size_t k = w0; k < w1; k += 2)
		sum += rd16(udp + k);
	uint16_t c = csum_fold(sum);
	wr16(udp + 6, c ? c : 0xffff);
}

/* The checksum words of the echo bytes alone, placed in the payload at
 * pay: the words they share with the payload's other bytes (an odd
 * offset or end) count those bytes in the payload's own sum already. */
static uint32_t echo_sum(const struct echo *ec, const uint8_t *pay)
{
	uint8_t words[10] = {0}; /* 8 bytes at an odd offset span 10 */
	memcpy(words + (ec->off - ec->w0), pay + ec->off, ec->len);
	return csum_add(0, words, ec->w1 - ec->w0);
}

/* The datagram at udp, for either family, but for its checksum: payload
 * (rendered, or echo bytes placed) and header. Returns the payload's
 * length; *psum is the payload's checksum words. */
static size_t fill_udp(const struct probe_params *pp, uint8_t *udp, struct ipaddr saddr,
                       struct ipaddr daddr, uint16_t dport, uint16_t sport, uint64_t mac,
                       unsigned probe_num, uint32_t *psump)
{
	const struct udp_payload *p = pp->mod_state;
	uint8_t *pay = udp + UDP_HDR;
	size_t plen = p->len;
	uint32_t psum = p->sum;
	if (p->nvariants) {
		/* spread over targets (the MAC's bits that pick no port) and,
		 * for one target, over its probes */
		const struct variant *v =
		    &p->variants[((mac >> 8) % p->nvariants + probe_num) % p->nvariants];
		memcpy(pay, v->bytes, v->len);
		plen = v->len;
		psum = v->sum;
		if (p->echo.on) {
			echo_bytes(pp, daddr, dport, saddr, pay + p->echo.off, p->echo.len);
			psum += echo_sum(&p->echo, pay);
		}
	} else if (p->nsegs) {
		/* a second MAC, under another input, so the nonce says nothing
		 * about the first */
		uint32_t nonce = (uint32_t)probe_mac(pp, daddr, dport, other_source(saddr, ~0u));
		plen = render(pp, p, pay, saddr, daddr, sport, dport, nonce);
		psum = csum_add(0, pay, plen);
	} else if (p->echo.on && p->echo.off + p->echo.len <= p->len) {
		/* (a module set up for zrecv has no payload to place them in) */
		echo_bytes(pp, daddr, dport, saddr, pay + p->echo.off, p->echo.len);
		psum += echo_sum(&p->echo, pay);
	}
	wr16(udp, sport);
	wr16(udp + 2, dport);
	wr16(udp + 4, (uint16_t)(UDP_HDR + plen));
	udp[6] = udp[7] = 0;
	*psump = psum;
	return plen;
}

/* The UDP checksum: the pseudo-header's sum, the header's, the payload's. */
static void udp_checksum(uint8_t *udp, uint32_t pseudo, uint32_t psum)
{
	uint16_t c = csum_fold(csum_add(pseudo, udp, UDP_HDR) + psum);
	wr16(udp + 6, c ? c : 0xffff); /* 0 would mean "no checksum" */
}

size_t udp_fill(const struct probe_params *pp, uint8_t *frame, uint32_t saddr, uint32_t daddr,
                uint16_t dport, unsigned probe_num)
{
	uint64_t mac = secret_mac(pp->secret, daddr, dport, saddr);
	uint8_t *ip = frame + IP_OFF, *udp = frame + UDP_OFF;
	uint32_t psum;
	size_t plen = fill_udp(pp, udp, ipaddr_from_v4(saddr), ipaddr_from_v4(daddr), dport,
	                       probe_sport(pp, mac, probe_num), mac, probe_num, &psum);
	wr16(ip + 2, (uint16_t)(IP4_LEN + UDP_HDR + plen));
	probe_ip_fill(ip, saddr, daddr, (uint16_t)(mac >> 48));
	udp_checksum(udp, csum_add(0, ip + 12, 8) + IPPROTO_UDP_ + (uint32_t)(UDP_HDR + plen),
	             psum);
	return PAYLOAD_OFF + plen;
}

/* A UDP probe's IPv6 flow label: the MAC's low 20 bits, which the source
 * port (from bits 32-63) does not use, so that an ICMPv6 error's quote
 * shows 20 bits beside the port's. */
static inline uint32_t udp_flow(uint64_t mac)
{
	return (uint32_t)mac & 0xfffff;
}

size_t udp_fill6(const struct probe_params *pp, uint8_t *frame, const struct ipaddr *saddr,
                 const struct ipaddr *daddr, uint16_t dport, unsigned probe_num)
{
	uint64_t mac = secret_mac6(pp->secret, *daddr, dport, *saddr);
	uint8_t *ip6 = frame + IP_OFF, *udp = frame + UDP_OFF6;
	uint32_t psum;
	size_t plen = fill_udp(pp, udp, *saddr, *daddr, dport, probe_sport(pp, mac, probe_num), mac,
	                       probe_num, &psum);
	probe_ip6_fill(ip6, saddr, daddr, udp_flow(mac), (uint16_t)(UDP_HDR + plen));
	udp_checksum(udp, probe_pseudo6(ip6, (uint32_t)(UDP_HDR + plen), IPPROTO_UDP_), psum);
	return PAYLOAD_OFF6 + plen;
}

/* The bits of the MAC an ICMP error's quote of a UDP probe must show: the
 * IP identification (16) or the IPv6 flow label (20). */
static bool quote_ok(const struct probe_ip *q, uint64_t mac)
{
	return q->v6 ? q->flow == udp_flow(mac) : q->ipid == (uint16_t)(mac >> 48);
}

enum probe_verdict udp_validate(const struct probe_params *pp, const uint8_t *ip, size_t len,
                                struct probe_result *r)
{
	struct probe_ip pk;
	if (!probe_ip_parse(ip, len, &pk))
		return PROBE_NOT_OURS;
	if (probe_is_icmp(&pk)) {
		struct probe_ip q;
		if (!probe_icmp_quote(&pk, IPPROTO_UDP_, &q, r))
			return PROBE_NOT_OURS;
		uint64_t mac = probe_mac(pp, r->saddr, r->sport, r->daddr);
		if (!probe_sport_ok(pp, mac, r->dport) || !quote_ok(&q, mac))
			return PROBE_BAD_MAC;
		return PROBE_VALID;
	}
	size_t pl = pk.l4_len;
	if (pk.proto != IPPROTO_UDP_ || pl < UDP_HDR)
		return PROBE_NOT_OURS;
	const uint8_t *udp = pk.l4;
	probe_ip_result(&pk, r);
	r->sport = rd16(udp);
	r->dport = rd16(udp + 2);
	r->udp_len = rd16(udp + 4);
	if (r->udp_len < UDP_HDR)
		return PROBE_NOT_OURS;
	size_t dl = r->udp_len - UDP_HDR;
	r->data = udp + UDP_HDR;
	r->data_len = (uint16_t)(dl < pl - UDP_HDR ? dl : pl - UDP_HDR);
	uint64_t mac = probe_mac(pp, r->saddr, r->sport, r->daddr);
	if (!probe_sport_ok(pp, mac, r->dport))
		return PROBE_BAD_MAC;
	const struct udp_payload *p = pp->mod_state;
	if (p && p->echo.on) {
		uint8_t want[8];
		echo_bytes(pp, r->saddr, r->sport, r->daddr, want, p->echo.len);
		if (r->data_len < p->echo.at + p->echo.len ||
		    memcmp(r->data + p->echo.at, want, p->echo.len) != 0)
			return PROBE_BAD_MAC;
	}
	r->classification = "udp";
	r->success = true;
	return PROBE_VALID;
}

/* What zrecv needs to validate what this zsend sends: the echo rule. */
static size_t udp_receiver_args(const struct probe_params *pp, char *buf, size_t size)
{
	const struct udp_payload *p = pp->mod_state;
	if (!p || !p->echo.on)
		return 0;
	int n = snprintf(buf, size, "echo=%zu:%zu@%zu", p->echo.off, p->echo.len, p->echo.at);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

double udp_answer_bits(const struct probe_params *pp)
{
	const struct udp_payload *p = pp->mod_state;
	return log2((double)pp->sport_count) + (p && p->echo.on ? 8.0 * (double)p->echo.len : 0);
}

const struct probe_module probe_udp = {
    .name = "udp",
    .description = "UDP datagram (payload from --probe-args); an answer is success, ICMP port "
                   "unreachable and other errors are not",
    .args_help = "file:PATH | hex:HEX | text:STRING | template:PATH",
    .args_example = "text:hello",
    .needs_port = true,
    .frame_len = PAYLOAD_OFF,
    .frame_len6 = PAYLOAD_OFF6,
    .fields = FIELD_BIT(F_SPORT) | FIELD_BIT(F_DPORT) | FIELD_BIT(F_UDP_PKT_SIZE) |
              FIELD_BIT(F_DATA) | ICMP_ERROR_FIELDS,
    .default_fields = "saddr,daddr,sport,dport,ttl,ipid,udp_pkt_size,data,icmp_responder,"
                      "icmp_type,icmp_code,classification,success,repeat,cooldown,timestamp_ts,"
                      "timestamp_us",
    .bpf = "udp or (icmp and (icmp[0] == 3 or icmp[0] == 4 or icmp[0] == 5 or icmp[0] == 11))",
    .bpf6 = "(ip6 and udp) or " BPF6_ICMP_ERRORS,
    .setup = udp_setup,
    .teardown = udp_teardown,
    .receiver_args = udp_receiver_args,
    .answer_bits = udp_answer_bits,
    .make_template = udp_template,
    .fill = udp_fill,
    .make_template6 = udp_template6,
    .fill6 = udp_fill6,
    .validate = udp_validate,
};
