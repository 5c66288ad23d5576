/* escape: bytes shown in messages. */
#include "util/escape.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

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
		size_t tn = 0;
		if (all && (c == '\\' || c == '\'')) {
			tmp[tn++] = '\\';
			tmp[tn++] = (char)c;
		} else if ((c >= 0x20 && c < 0x7f) || (!all && c >= 0x80)) {
			tmp[tn++] = (char)c;
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
