/* rowsplit: splitting CSV and JSON result lines. */
#include "core/rowsplit.h"

#include <stdint.h>
#include <string.h>

/* Splits a flat JSON object line into names and values (strings without
 * their quotes). False if it is not one. */
bool json_split(const char *line, size_t len, struct row *r)
{
	size_t i = 0;
	r->n = 0;
	while (i < len && line[i] != '{')
		i++;
	for (i++; i < len;) {
		while (i < len && (line[i] == ' ' || line[i] == ','))
			i++;
		if (i < len && line[i] == '}')
			return true;
		if (i >= len || line[i] != '"' || r->n == MAX_COLS)
			return false;
		const char *ne = memchr(line + i + 1, '"', len - i - 1);
		if (!ne)
			return false;
		r->name[r->n] = (struct fspan){line + i + 1, (size_t)(ne - line - i - 1)};
		i = (size_t)(ne - line) + 1;
		while (i < len && (line[i] == ' ' || line[i] == ':'))
			i++;
		if (i < len && line[i] == '"') {
			size_t j = i + 1;
			while (j < len && line[j] != '"')
				j += line[j] == '\\' ? 2 : 1;
			if (j >= len)
				return false;
			r->v[r->n] = (struct fspan){line + i + 1, j - i - 1};
			r->quoted[r->n] = true;
			i = j + 1;
		} else {
			size_t k = i;
			while (k < len && line[k] != ',' && line[k] != '}')
				k++;
			size_t e = k;
			while (e > i && line[e - 1] == ' ')
				e--;
			r->v[r->n] = (struct fspan){line + i, e - i};
			r->quoted[r->n] = false;
			i = k;
		}
		r->n++;
	}
	return false;
}

/* Splits a CSV line (zrecv never quotes) into its fields. Fields are a few
 * bytes long, so rather than a call per field this marks the commas of
 * eight bytes at once (an exact zero-byte test of the word xor ',') and
 * walks the marks. */
int csv_split(const char *line, size_t len, struct row *r)
{
	const uint64_t commas = 0x2c2c2c2c2c2c2c2cull, low7 = 0x7f7f7f7f7f7f7f7full;
	int n = 0;
	size_t start = 0, i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, line + i, 8);
		w ^= commas;
		uint64_t m = ~(((w & low7) + low7) | w | low7); /* 0x80 where a comma is */
		while (m) {
			size_t at = i + (size_t)__builtin_ctzll(m) / 8;
			m &= m - 1;
			if (n == MAX_COLS - 1)
				return -1;
			r->v[n] = (struct fspan){line + start, at - start};
			r->quoted[n++] = false;
			start = at + 1;
		}
	}
	for (; i < len; i++) {
		if (line[i] != ',')
			continue;
		if (n == MAX_COLS - 1)
			return -1;
		r->v[n] = (struct fspan){line + start, i - start};
		r->quoted[n++] = false;
		start = i + 1;
	}
	r->v[n] = (struct fspan){line + start, len - start};
	r->quoted[n++] = false;
	r->n = n;
	return n;
}
