/* addr: IPv4 address and CIDR text parsing and formatting. */
#include "core/addr/addr.h"

/* Builds "d.", "dd." or "ddd." little-endian in a uint32 at compile time. */
#define D1(v) ((uint32_t)('0' + (v)) | ((uint32_t)'.' << 8))
#define D2(v)                                                                                      \
	((uint32_t)('0' + (v) / 10) | ((uint32_t)('0' + (v) % 10) << 8) | ((uint32_t)'.' << 16))
#define D3(v)                                                                                      \
	((uint32_t)('0' + (v) / 100) | ((uint32_t)('0' + (v) / 10 % 10) << 8) |                    \
	 ((uint32_t)('0' + (v) % 10) << 16) | ((uint32_t)'.' << 24))
#define OCT(v) ((v) < 10 ? D1(v) : (v) < 100 ? D2(v) : D3(v))
#define R4(b) OCT(b), OCT(b + 1), OCT(b + 2), OCT(b + 3)
#define R16(b) R4(b), R4(b + 4), R4(b + 8), R4(b + 12)
#define R64(b) R16(b), R16(b + 16), R16(b + 32), R16(b + 48)

const uint32_t addr_octet_dot[256] = {R64(0), R64(64), R64(128), R64(192)};

#define L(v) ((v) < 10 ? 1 : (v) < 100 ? 2 : 3)
#define L4(b) L(b), L(b + 1), L(b + 2), L(b + 3)
#define L16(b) L4(b), L4(b + 4), L4(b + 8), L4(b + 12)
#define L64(b) L16(b), L16(b + 16), L16(b + 32), L16(b + 48)

const uint8_t addr_octet_len[256] = {L64(0), L64(64), L64(128), L64(192)};

enum addr_status addr_parse(const char *s, size_t len, uint32_t *out)
{
	uint32_t a = 0;
	size_t i = 0;
	for (int oct = 0; oct < 4; oct++) {
		if (oct > 0) {
			if (i >= len || s[i] != '.')
				return ADDR_BAD;
			i++;
		}
		size_t start = i;
		uint32_t v = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (uint32_t)(s[i++] - '0');
		size_t nd = i - start;
		if (nd == 0 || v > 255 || (nd > 1 && s[start] == '0'))
			return ADDR_BAD;
		a = (a << 8) | v;
	}
	if (i != len)
		return ADDR_BAD;
	*out = a;
	return ADDR_OK;
}

enum addr_status cidr_parse(const char *s, size_t len, uint32_t *addr, int *plen)
{
	const char *slash = memchr(s, '/', len);
	size_t alen = slash ? (size_t)(slash - s) : len;
	uint32_t a;
	if (addr_parse(s, alen, &a) != ADDR_OK)
		return ADDR_BAD;
	int pl = 32;
	if (slash) {
		size_t n = len - alen - 1;
		const char *d = slash + 1;
		if (n == 0 || n > 2)
			return ADDR_BAD_LEN;
		pl = 0;
		for (size_t i = 0; i < n; i++) {
			if (d[i] < '0' || d[i] > '9')
				return ADDR_BAD_LEN;
			pl = pl * 10 + (d[i] - '0');
		}
		if (pl > 32 || (n == 2 && d[0] == '0'))
			return ADDR_BAD_LEN;
	}
	*addr = pl == 0 ? 0 : a & (0xffffffffu << (32 - pl));
	*plen = pl;
	return *addr == a ? ADDR_OK : ADDR_HOST_BITS;
}

const char *addr_str(uint32_t a, char buf[ADDR_STRLEN])
{
	*addr_format(buf, a) = '\0';
	return buf;
}
