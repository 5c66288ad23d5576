/* addr: IPv4 addresses and CIDR prefixes as text.
 * Addresses are host-order uint32_t everywhere in zscan. Parsing follows
 * inet_pton: exactly four decimal octets, no leading zeros (so "010" can't be
 * read as octal by one tool and decimal by another). Formatting is table
 * driven because zgen prints billions of addresses. */
#ifndef ZSCAN_ADDR_H
#define ZSCAN_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum addr_status {
	ADDR_OK = 0,
	ADDR_BAD = -1,     /* not a dotted quad */
	ADDR_BAD_LEN = -2, /* a dotted quad, but the prefix length is not 0-32 */
};

/* Parses exactly s[0..len) as a dotted quad. */
enum addr_status addr_parse(const char *s, size_t len, uint32_t *out);

/* Parses "a.b.c.d" (length 32) or "a.b.c.d/len". Host bits below the prefix are
 * cleared, as ZMap does, so existing block lists keep working. */
enum addr_status cidr_parse(const char *s, size_t len, uint32_t *addr, int *plen);

/* Longest text addr_format can write: "255.255.255.255" plus a NUL. */
#define ADDR_STRLEN 16

/* Writes a dotted quad (no terminator) and returns the end. */
static inline char *addr_format(char *out, uint32_t a);

/* Same, NUL terminated, for messages. */
const char *addr_str(uint32_t a, char buf[ADDR_STRLEN]);

/* "ddd." for each octet value, packed little-endian, and the used length. */
extern const uint32_t addr_octet_dot[256];
extern const uint8_t addr_octet_len[256];

static inline char *addr_format(char *out, uint32_t a)
{
	for (int shift = 24; shift > 0; shift -= 8) {
		uint32_t o = (a >> shift) & 0xff;
		memcpy(out, &addr_octet_dot[o], 4);
		out += addr_octet_len[o] + 1;
	}
	uint32_t o = a & 0xff;
	memcpy(out, &addr_octet_dot[o], 4);
	return out + addr_octet_len[o];
}

#endif
