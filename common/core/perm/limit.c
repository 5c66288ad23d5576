/* limit: parsing and resolving -n. */
#include "core/perm/limit.h"

#include <string.h>

#include "util/numparse.h"

int limit_parse(const char *s, struct limit *l, struct zerr *e)
{
	size_t len = strlen(s);
	*l = (struct limit){.set = true};
	if (len > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9' && strspn(s, "0.%") < len) {
		/* as numparse says for a count: 080 is octal to some readers */
		size_t z = strspn(s, "0");
		if (s[z] < '0' || s[z] > '9')
			z--;
		if (strspn(s + z, "0123456789.") + z + (s[len - 1] == '%') == len)
			return zerr_set(e, "-n: '%s' has a leading zero (write %s)", s, s + z);
	}
	if (len > 0 && s[len - 1] == '%') {
		uint64_t whole = 0, frac = 0;
		int ndig = 0, nfrac = -1;
		for (size_t i = 0; i + 1 < len; i++) {
			char ch = s[i];
			if (ch == '.' && nfrac < 0 && ndig > 0) {
				nfrac = 0;
			} else if (ch >= '0' && ch <= '9' && nfrac < 6 && whole <= 100) {
				if (nfrac < 0) {
					whole = whole * 10 + (uint64_t)(ch - '0');
					ndig++;
				} else {
					frac = frac * 10 + (uint64_t)(ch - '0');
					nfrac++;
				}
			} else {
				return zerr_set(e, "-n: '%s' is not a percentage like 1%% or 0.5%%",
				                s);
			}
		}
		if (ndig == 0 || nfrac == 0)
			return zerr_set(e, "-n: '%s' is not a percentage like 1%% or 0.5%%", s);
		for (int i = nfrac < 0 ? 0 : nfrac; i < 6; i++)
			frac *= 10;
		l->percent = true;
		l->micro_pct = whole * 1000000 + frac;
		if (l->micro_pct == 0 || l->micro_pct > 100000000)
			return zerr_set(e, "-n: '%s' must be above 0%% and at most 100%%", s);
		return 0;
	}
	if (parse_u64(s, 1, UINT64_MAX, "-n", &l->count, e) < 0)
		return zerr_set(e, "-n: '%s' is not a positive count or a percentage like 1%%", s);
	return 0;
}

uint64_t limit_resolve(const struct limit *l, uint64_t total)
{
	if (!l->set)
		return total;
	if (l->percent)
		return (uint64_t)((unsigned __int128)total * l->micro_pct / 100000000u);
	return l->count < total ? l->count : total;
}

int limit_apply(const struct limit *l, const char *text, uint64_t total, uint64_t *n,
                struct zerr *e)
{
	*n = limit_resolve(l, total);
	if (*n > 0 || total == 0)
		return 0;
	/* total * P% is total * micro_pct / 10^8 exactly: below one, its
	 * eight decimals, trailing zeros dropped */
	unsigned __int128 x = (unsigned __int128)total * l->micro_pct;
	char frac[9];
	for (int i = 7; i >= 0; i--, x /= 10)
		frac[i] = (char)('0' + (int)(x % 10));
	int k = 8;
	while (k > 1 && frac[k - 1] == '0')
		k--;
	frac[k] = '\0';
	return zerr_set(e,
	                "-n: '%s' of %llu targets is 0.%s targets, less than one: give a larger "
	                "percentage, or a count",
	                text, (unsigned long long)total, frac);
}
