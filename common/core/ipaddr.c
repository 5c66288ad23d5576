/* ipaddr: addresses of either family, as text and as 128-bit values. */
#include "core/ipaddr.h"

#include <string.h>

#include "core/addr.h"

void ipaddr_to_bytes(struct ipaddr a, uint8_t out[16])
{
	for (int i = 0; i < 8; i++) {
		out[i] = (uint8_t)(a.hi >> (56 - 8 * i));
		out[8 + i] = (uint8_t)(a.lo >> (56 - 8 * i));
	}
}

struct ipaddr ipaddr_from_bytes(const uint8_t in[16])
{
	struct ipaddr a = {0, 0};
	for (int i = 0; i < 8; i++) {
		a.hi = a.hi << 8 | in[i];
		a.lo = a.lo << 8 | in[8 + i];
	}
	return a;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 4291 text: up to eight groups of 1-4 hex digits, at most one "::"
 * standing for one or more zero groups, and optionally a dotted quad as
 * the last two groups. */
static int parse_v6(const char *s, size_t len, struct ipaddr *out)
{
	uint16_t g[8];
	int n = 0, gap = -1; /* groups read; where "::" stands */
	size_t i = 0;
	if (len >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	} else if (len >= 1 && s[0] == ':') {
		return -1;
	}
	while (i < len) {
		/* a dotted quad ends the address */
		size_t j = i;
		while (j < len && s[j] != ':' && s[j] != '.')
			j++;
		if (j < len && s[j] == '.') {
			uint32_t v4;
			if (n > 6 || addr_parse(s + i, len - i, &v4) != ADDR_OK)
				return -1;
			g[n++] = (uint16_t)(v4 >> 16);
			g[n++] = (uint16_t)v4;
			i = len;
			break;
		}
		if (j == i || j - i > 4 || n == 8)
			return -1;
		unsigned v = 0;
		for (size_t k = i; k < j; k++) {
			int h = hexval(s[k]);
			if (h < 0)
				return -1;
			v = v << 4 | (unsigned)h;
		}
		g[n++] = (uint16_t)v;
		i = j;
		if (i == len)
			break;
		i++; /* the ':' */
		if (i < len && s[i] == ':') {
			if (gap >= 0)
				return -1; /* a second "::" */
			gap = n;
			i++;
		} else if (i == len) {
			return -1; /* a trailing single ':' */
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return -1;
	uint16_t full[8] = {0};
	int tail = gap < 0 ? 0 : n - gap;
	for (int k = 0; k < n - tail; k++)
		full[k] = g[k];
	for (int k = 0; k < tail; k++)
		full[8 - tail + k] = g[gap + k];
	out->hi =
	    (uint64_t)full[0] << 48 | (uint64_t)full[1] << 32 | (uint64_t)full[2] << 16 | full[3];
	out->lo =
	    (uint64_t)full[4] << 48 | (uint64_t)full[5] << 32 | (uint64_t)full[6] << 16 | full[7];
	return 0;
}

int ipaddr_parse(const char *s, size_t len, struct ipaddr *out)
{
	if (memchr(s, ':', len))
		return parse_v6(s, len, out);
	uint32_t v4;
	if (addr_parse(s, len, &v4) != ADDR_OK)
		return -1;
	*out = ipaddr_from_v4(v4);
	return 0;
}

char *ipaddr_format(char *out, struct ipaddr a)
{
	static const char hex[] = "0123456789abcdef";
	if (ipaddr_is_v4(a))
		return addr_format(out, ipaddr_v4(a));
	uint16_t g[8];
	for (int k = 0; k < 4; k++) {
		g[k] = (uint16_t)(a.hi >> (48 - 16 * k));
		g[4 + k] = (uint16_t)(a.lo >> (48 - 16 * k));
	}
	/* the first longest run of two or more zero groups */
	int best = -1, best_len = 1;
	for (int k = 0; k < 8;) {
		int r = k;
		while (r < 8 && g[r] == 0)
			r++;
		if (r - k > best_len) {
			best = k;
			best_len = r - k;
		}
		k = r > k ? r : k + 1;
	}
	for (int k = 0; k < 8; k++) {
		if (k == best) {
			*out++ = ':';
			*out++ = ':';
			k += best_len - 1;
			continue;
		}
		if (k && k != best + best_len)
			*out++ = ':';
		bool lead = true;
		for (int sh = 12; sh >= 0; sh -= 4) {
			unsigned d = (g[k] >> sh) & 15;
			if (lead && d == 0 && sh)
				continue;
			lead = false;
			*out++ = hex[d];
		}
	}
	return out;
}

const char *ipaddr_str(struct ipaddr a, char buf[IPADDR_STRLEN])
{
	*ipaddr_format(buf, a) = '\0';
	return buf;
}

/* A prefix length: 1-3 digits, no leading zero, at most max. */
static int parse_len(const char *d, size_t n, int max)
{
	if (n == 0 || n > 3 || (n > 1 && d[0] == '0'))
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (d[i] < '0' || d[i] > '9')
			return -1;
		v = v * 10 + (d[i] - '0');
	}
	return v <= max ? v : -1;
}

enum addr_status ipprefix_parse(const char *s, size_t n, struct ipaddr *a, int *len, int *slice)
{
	*slice = 0;
	if (!memchr(s, ':', n)) {
		uint32_t v4;
		enum addr_status rc = cidr_parse(s, n, &v4, len);
		if (rc >= 0)
			*a = ipaddr_from_v4(v4);
		return rc;
	}
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	struct ipaddr x;
	if (parse_v6(s, alen, &x) < 0)
		return ADDR_BAD;
	*len = 128;
	if (slash) {
		const char *d = slash + 1, *end = s + n;
		const char *dash = memchr(d, '-', (size_t)(end - d));
		*len = parse_len(d, (size_t)((dash ? dash : end) - d), 128);
		if (*len < 0)
			return ADDR_BAD_LEN;
		if (dash) {
			*slice = parse_len(dash + 1, (size_t)(end - dash - 1), 128);
			if (*slice <= *len)
				return ADDR_BAD_LEN;
		}
	}
	*a = ipaddr_mask(x, *len);
	return ipaddr_eq(*a, x) ? ADDR_OK : ADDR_HOST_BITS;
}

struct ipaddr ipaddr_mask(struct ipaddr a, int keep)
{
	if (keep <= 0)
		return (struct ipaddr){0, 0};
	if (keep < 64)
		return (struct ipaddr){a.hi & ~(~0ull >> keep), 0};
	if (keep < 128)
		return (struct ipaddr){a.hi, a.lo & ~(~0ull >> (keep - 64))};
	return a;
}
