/* numparse: strict, bounded decimal parsing for option values. */
#include "util/numparse.h"

#include <string.h>

int parse_u64(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
              struct zerr *e)
{
	uint64_t v = 0;
	const char *p = s;
	if (*p == '\0')
		return zerr_set(e, "%s: empty value", what);
	/* 080 is 80 to some readers and octal to others: --where, -p lists
	 * and addresses refuse it too */
	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9') {
		size_t z = strspn(p, "0");
		if (p[z] < '0' || p[z] > '9')
			z--; /* "00" is 0 */
		if (strspn(p, "0123456789") == strlen(p))
			return zerr_set(e, "%s: '%s' has a leading zero (write %s)", what, s,
			                p + z);
	}
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return zerr_set(e, "%s: '%s' is not a non-negative integer", what, s);
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return zerr_set(e, "%s: '%s' is too large (at most %llu)", what, s,
			                (unsigned long long)max);
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return zerr_set(e, "%s: '%s' is out of range %llu-%llu", what, s,
		                (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int parse_port_range(const char *s, const char *what, uint16_t *first, uint16_t *last,
                     struct zerr *e)
{
	const char *dash = strchr(s, '-');
	char lo[8] = "";
	uint64_t a, b;
	if (!dash) { /* one port, as ZMap takes -s 40000 */
		if (parse_u64(s, 1, 65535, what, &a, e) < 0)
			return zerr_set(
			    e, "%s: '%s' is not a port or a port range like 40000-40999", what, s);
		*first = *last = (uint16_t)a;
		return 0;
	}
	if ((size_t)(dash - s) < sizeof lo)
		memcpy(lo, s, (size_t)(dash - s));
	if (parse_u64(lo, 1, 65535, what, &a, e) < 0 ||
	    parse_u64(dash + 1, 1, 65535, what, &b, e) < 0 || b < a)
		return zerr_set(e, "%s: '%s' is not a port or a port range like 40000-40999", what,
		                s);
	*first = (uint16_t)a;
	*last = (uint16_t)b;
	return 0;
}
