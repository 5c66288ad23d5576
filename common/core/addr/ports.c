/* ports: parsing port lists into a sorted set. */
#include "core/addr/ports.h"

#include <stdlib.h>
#include <string.h>

#define LEADING_ZERO (-2)

/* Reads a decimal port at *s, advancing it. Returns -1 if none or > 65535,
 * LEADING_ZERO (*s at the number) for one written with a leading zero,
 * which --where and numparse refuse too: 080 is 80 to some readers and
 * octal to others. */
static long read_port(const char **s)
{
	const char *p = *s;
	long v = 0;
	if (*p < '0' || *p > '9')
		return -1;
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return LEADING_ZERO;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		if (v > 65535)
			return -1;
	}
	*s = p;
	return v;
}

/* The error for the number at p, whose first digit is a leading zero. */
static int leading_zero(const char *p, struct zerr *e)
{
	size_t n = strspn(p, "0123456789"), z = strspn(p, "0");
	if (z == n)
		z = n - 1; /* "00" is 0 */
	return zerr_set(e, "'%.*s' has a leading zero (write %.*s)", (int)n, p, (int)(n - z),
	                p + z);
}

int ports_parse(const char *s, struct ports *out, struct zerr *e)
{
	uint8_t *seen = calloc(65536, 1);
	if (!seen)
		return zerr_set(e, "out of memory");
	const char *p = s;
	if (*p == '\0') {
		free(seen);
		return zerr_set(e, "empty port list");
	}
	while (*p) {
		const char *item = p;
		size_t ilen = strcspn(item, ",");
		long lo, hi;
		if (ilen == 1 && *item == '*') {
			lo = 0, hi = 65535, p++;
		} else {
			lo = read_port(&p);
			hi = lo;
			if (lo >= 0 && *p == '-') {
				p++;
				hi = read_port(&p);
			}
			if (lo == LEADING_ZERO || hi == LEADING_ZERO) {
				free(seen);
				return leading_zero(p, e);
			}
			if (lo < 0 || hi < 0 || (*p != ',' && *p != '\0')) {
				free(seen);
				return zerr_set(e, "'%.*s' is not a port (0-65535) or range",
				                (int)ilen, item);
			}
			if (hi < lo) {
				free(seen);
				return zerr_set(e, "'%.*s': range runs backwards", (int)ilen, item);
			}
		}
		for (long v = lo; v <= hi; v++)
			seen[v] = 1;
		if (*p == ',') {
			p++;
			if (*p == '\0') {
				free(seen);
				return zerr_set(e, "'%s': empty item after ','", s);
			}
		}
	}
	uint32_t n = 0;
	for (int v = 0; v < 65536; v++)
		n += seen[v];
	out->ports = malloc(n * sizeof *out->ports);
	if (!out->ports) {
		free(seen);
		return zerr_set(e, "out of memory");
	}
	out->n = 0;
	for (int v = 0; v < 65536; v++)
		if (seen[v])
			out->ports[out->n++] = (uint16_t)v;
	free(seen);
	return 0;
}

void ports_free(struct ports *p)
{
	free(p->ports);
	p->ports = NULL;
	p->n = 0;
}
