/* filterexpr: zfilter's --where language. Comparisons of a field with a
 * value (= == != < <= > >=) joined by && || ! and parentheses, e.g.
 *   success = 1 && (sport = 80 || sport = 443) && ttl > 32
 * A value is an integer, a "quoted string", or a bare word (synack,
 * 198.51.100.7). Integers compare as numbers (true/false count as 1/0),
 * IPv4 addresses as addresses, anything else as bytes. A field whose text
 * is not of the value's kind makes the comparison false (and != true). */
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

/* Parses expr; syntax errors name the 1-based position. */
struct filterexpr *filterexpr_parse(const char *expr, struct zerr *e);
void filterexpr_free(struct filterexpr *x);

/* The distinct field names the expression uses, in order of appearance. */
size_t filterexpr_nfields(const struct filterexpr *x);
const char *filterexpr_field(const struct filterexpr *x, size_t i);

/* Whether a row passes; vals[i] is the text of filterexpr_field(x, i), or
 * p == NULL when the row lacks it. */
bool filterexpr_eval(const struct filterexpr *x, const struct fspan *vals);

#endif
