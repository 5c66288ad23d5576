/* escape: bytes shown in messages. */
#include "util/escape.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The length of the UTF-8 character at p (n bytes left) when a message
 * may show it as it is, else 0: an invalid or overlong sequence, a C1
 * control (U+0080..U+009F: 0x9b is a terminal's CSI), or a character that
 * turns or hides text (bidi embeddings, overrides and isolates, the line
 * and paragraph separators, LRM and RLM), each shown as \xNN instead. */
static size_t shown_utf8(const unsigned char *p, size_t n)
{
	size_t len = p[0] >= 0xf0 && p[0] < 0xf5 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 ? 2 : 0;
	if (!len || len > n)
		return 0;
	unsigned cp = p[0] & (0x7f >> len);
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	static const unsigned min[] = {0, 0, 0x80, 0x800, 0x10000};
	if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
		return 0;
	if (cp < 0xa0 || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return len;
}

/* Both escapes, as `all` says. */
static char *escape(char *out, size_t size, const char *p, size_t n, bool all);

char *escape_bytes(char *out, size_t size, const char *p, size_t n)
{
	return escape(out, size, p, n, true);
}

char *escape_controls(char *out, size_t size, const char *s)
{
	return escape(out, size, s, strlen(s), false);
}

static char *escape(char *out, size_t size, const char *p, size_t n, bool all)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	if (size == 0)
		return out;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		char tmp[4];
		size_t tn = 0,
		       u = !all && c >= 0x80 ? shown_utf8((const unsigned char *)p + i, n - i) : 0;
		if (all && (c == '\\' || c == '\'')) {
			tmp[tn++] = '\\';
			tmp[tn++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			tmp[tn++] = (char)c;
		} else if (u) {
			memcpy(tmp, p + i, u);
			tn = u;
			i += u - 1;
		} else {
			tmp[tn++] = '\\';
			tmp[tn++] = 'x';
			tmp[tn++] = hex[c >> 4];
			tmp[tn++] = hex[c & 15];
		}
		if (o + tn + 4 > size) { /* room for "..." and the NUL */
			if (size >= 4) {
				memcpy(out + (o + 3 < size ? o : size - 4), "...", 3);
				o = (o + 3 < size ? o : size - 4) + 3;
			}
			break;
		}
		memcpy(out + o, tmp, tn);
		o += tn;
	}
	out[o < size ? o : size - 1] = '\0';
	return out;
}
