/* filterexpr: zfilter's --where language. Comparisons of a field with a
 * value (= == != < <= > >=) joined by && || ! and parentheses, e.g.
 *   success = 1 && (sport = 80 || sport = 443) && ttl > 32
 * A value is an integer, true or false (1 and 0), a "quoted string" (in
 * which \" is a double quote and \\ a backslash, and a backslash before
 * anything else is refused), or a bare word (synack, 198.51.100.7).
 * Integers compare as numbers (a field's true/false count as 1/0), IPv4
 * addresses as addresses, anything else as bytes. A bare word whose
 * first letter or digit is a digit is meant as a number: it must be a
 * whole integer, -?(0|[1-9][0-9]*) within -2^63..2^64-1, or, when it
 * starts with a digit, an IPv4 address; anything else (1e3, 0x10, 080, a
 * 20-digit number) is refused, naming its position. A quoted value is
 * always text. A field whose text is not of the value's kind (for an
 * integer: not a whole integer by that same rule, nor true or false)
 * makes the comparison false (and != true).
 *
 * Three more tests of a field, each with its negation:
 *   saddr in 198.18.0.0/15        saddr not in 2001:2::/48
 *     membership of a prefix, a.b.c.d/len or x:y::/len (a bare address
 *     is its /32 or /128), read as zgen reads its arguments; bits set
 *     past the length, a prefix slice or a bad length are refused with
 *     the position. IPv4 prefixes hold IPv4 addresses (also written
 *     ::ffff:a.b.c.d), IPv6 prefixes IPv6 ones only: ::/0 holds no IPv4
 *     row. A field whose text is not an address is in no prefix.
 *   upnp_server ~ "MiniUPnP"      upnp_server !~ "MiniUPnP"
 *     the text holds the value's bytes (case counts)
 *   upnp_server like "Mini*"      upnp_server not like "*-rc?"
 *     the whole text matches a glob: * any run of bytes, ? one byte,
 *     every other byte itself (no classes, no escapes)
 * The value of ~ and like is text, quoted or a bare word (a pattern with
 * * or ? must be quoted). A row without the field matches none of the
 * three, so each negation is true on it, as != is; "not in" is
 * "!( ... in ... )". in, not and like are operators only after a field
 * name: fields may be called so. */
#ifndef ZSCAN_CORE_FILTEREXPR_H
#define ZSCAN_CORE_FILTEREXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/zerr.h"

/* A field's text inside a line. */
struct fspan {
	const char *p;
	size_t n;
};

struct filterexpr;

/* At most this many distinct fields in one expression. */
#define FILTEREXPR_MAX_FIELDS 32

/* Parses expr; syntax errors and bad numbers name the 1-based position. */
struct filterexpr *filterexpr_parse(const char *expr, struct zerr *e);
void filterexpr_free(struct filterexpr *x);

/* The distinct field names the expression uses, in order of appearance. */
size_t filterexpr_nfields(const struct filterexpr *x);
const char *filterexpr_field(const struct filterexpr *x, size_t i);

/* Whether a row passes; vals[i] is the text of filterexpr_field(x, i), or
 * p == NULL when the row lacks it. */
bool filterexpr_eval(const struct filterexpr *x, const struct fspan *vals);

#endif
