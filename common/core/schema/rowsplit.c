/* rowsplit: splitting CSV and JSON result lines, and writing fields. */
#include "core/schema/rowsplit.h"

#include <string.h>

/* 0x80 in each byte of w that is zero, and nothing else (exact, unlike
 * the shorter test that may mark a byte above a zero one). */
static inline uint64_t zero_bytes(uint64_t w)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
	return ~(((w & low7) + low7) | w | low7);
}

/* Fields are a few bytes long, so rather than a call per field this marks
 * the commas of eight bytes at once (an exact zero-byte test of the word
 * xor ',') and walks the marks. */
enum split_status csv_split(const char *line, size_t len, struct row *r)
{
	const uint64_t commas = 0x2c2c2c2c2c2c2c2cull;
	int n = 0;
	size_t start = 0, i = 0;
	r->unescaped = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, line + i, 8);
		uint64_t m = zero_bytes(w ^ commas);
		while (m) {
			size_t at = i + (size_t)__builtin_ctzll(m) / 8;
			m &= m - 1;
			if (n == MAX_COLS - 1)
				return SPLIT_TOO_MANY;
			r->v[n] = (struct fspan){line + start, at - start};
			r->quoted[n++] = false;
			start = at + 1;
		}
	}
	for (; i < len; i++) {
		if (line[i] != ',')
			continue;
		if (n == MAX_COLS - 1)
			return SPLIT_TOO_MANY;
		r->v[n] = (struct fspan){line + start, i - start};
		r->quoted[n++] = false;
		start = i + 1;
	}
	r->v[n] = (struct fspan){line + start, len - start};
	r->quoted[n++] = false;
	r->n = n;
	return SPLIT_OK;
}

/* A state machine over the record's bytes: a double quote opens a quoted
 * field only at the start of a field, and inside one only a double quote
 * that is not doubled closes it. A stray quote elsewhere does not open
 * anything (csv_split_quoted refuses the record). */
bool csv_record_end(const char *p, size_t len, struct csv_scan *sc, size_t *rl)
{
	enum { START, PLAIN, CLOSED, QUOTED };
	size_t i = sc->at;
	int st = sc->state;
	while (i < len) {
		if (st == QUOTED) {
			const char *q = memchr(p + i, '"', len - i);
			if (!q) {
				i = len;
				break;
			}
			i = (size_t)(q - p) + 1;
			st = CLOSED; /* or, with a '"' next, the first of a doubled one */
			continue;
		}
		char c = p[i++];
		if (c == '\n') {
			*rl = i - 1;
			*sc = (struct csv_scan){0, START};
			return true;
		}
		st = c == ',' ? START : c == '"' && st != PLAIN ? QUOTED : PLAIN;
	}
	sc->at = i;
	sc->state = st;
	return false;
}

enum split_status csv_split_quoted(const char *rec, size_t len, struct row *r)
{
	size_t i = 0;
	int n = 0;
	char *out = r->scratch;
	r->unescaped = 0;
	for (;;) {
		if (n == MAX_COLS)
			return SPLIT_TOO_MANY;
		r->at = n;
		r->quoted[n] = false;
		if (i < len && rec[i] == '"') {
			size_t s = ++i;
			bool doubled = false;
			for (;;) {
				const char *q = memchr(rec + i, '"', len - i);
				if (!q)
					return SPLIT_OPEN_QUOTE;
				i = (size_t)(q - rec) + 1;
				if (i < len && rec[i] == '"') {
					doubled = true;
					i++;
					continue;
				}
				break;
			}
			size_t e = i - 1; /* the closing quote */
			if (!doubled) {
				r->v[n] = (struct fspan){rec + s, e - s};
			} else {
				/* at least one pair becomes one quote: the value and its
				 * NUL fit in the bytes between the quotes */
				size_t m = 0;
				for (size_t j = s; j < e; j++) {
					out[m++] = rec[j];
					j += rec[j] == '"';
				}
				out[m] = '\0';
				r->v[n] = (struct fspan){out, m};
				r->unescaped |= (uint64_t)1 << n;
				out += m + 1;
			}
			if (i < len && rec[i] != ',')
				return SPLIT_AFTER_QUOTE;
		} else {
			size_t s = i;
			for (; i < len && rec[i] != ','; i++)
				if (rec[i] == '"')
					return SPLIT_STRAY_QUOTE;
			r->v[n] = (struct fspan){rec + s, i - s};
		}
		n++;
		if (i >= len)
			break;
		i++; /* the comma */
	}
	r->n = n;
	return SPLIT_OK;
}

static inline size_t skip_ws(const char *p, size_t len, size_t i)
{
	while (i < len && (unsigned char)p[i] <= ' ' &&
	       (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

/* The first byte from j on that ends a JSON string's plain run (a quote,
 * a backslash or a control character), or len: eight bytes at a time
 * while eight are left. */
static inline size_t plain_run(const char *p, size_t len, size_t j)
{
	const uint64_t quotes = 0x2222222222222222ull, bslashes = 0x5c5c5c5c5c5c5c5cull,
	               spaces = 0x2020202020202020ull, highs = 0x8080808080808080ull;
	for (; j + 8 <= len; j += 8) {
		uint64_t w;
		memcpy(&w, p + j, 8);
		uint64_t m = zero_bytes(w ^ quotes) | zero_bytes(w ^ bslashes) |
		             ((w - spaces) & ~w & highs); /* the last: any byte below ' ' */
		if (m) {
			/* the below-' ' test may mark a byte after the first one it
			 * finds: the first mark is exact */
			return j + (size_t)__builtin_ctzll(m) / 8;
		}
	}
	while (j < len && p[j] != '"' && p[j] != '\\' && (unsigned char)p[j] >= 0x20)
		j++;
	return j;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int k = 0; k < 4; k++) {
		char c = p[k];
		int d = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

static char *put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
		*o++ = (char)(0xc0 | cp >> 6);
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (char)(0xe0 | cp >> 12);
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (char)(0xf0 | cp >> 18);
		*o++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (char)(0x80 | (cp & 0x3f));
	}
	return o;
}

/* The string whose opening quote is at p[*i], whose plain run ends at j
 * with a backslash or a wrong byte, unescaped into *s at *out (which moves
 * past it and its NUL; an escape is never shorter than what it stands
 * for, so the string's bytes between its quotes hold both). */
static enum split_status json_escaped(const char *p, size_t len, size_t *i, size_t j,
                                      struct fspan *s, char **out, size_t *at_byte)
{
	size_t st = *i + 1;
	if (j >= len || p[j] != '\\')
		goto bad;
	char *o = *out, *o0 = o;
	memcpy(o, p + st, j - st);
	o += j - st;
	while (j < len && p[j] != '"') {
		unsigned char c = (unsigned char)p[j];
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			*o++ = (char)c;
			j++;
			continue;
		}
		if (j + 1 >= len)
			goto bad;
		char e = p[j + 1];
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e && simple) {
			*o++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
			j += 2;
			continue;
		}
		int cp = e == 'u' && j + 6 <= len ? hex4(p + j + 2) : -1;
		if (cp < 0)
			goto bad;
		if (cp >= 0xdc00 && cp <= 0xdfff) {
			*at_byte = j;
			return SPLIT_SURROGATE;
		}
		if (cp >= 0xd800 && cp <= 0xdbff) {
			int lo = j + 12 <= len && p[j + 6] == '\\' && p[j + 7] == 'u'
			             ? hex4(p + j + 8)
			             : -1;
			if (lo < 0xdc00 || lo > 0xdfff) {
				*at_byte = j;
				return SPLIT_SURROGATE;
			}
			o = put_utf8(o, 0x10000 + (((unsigned)cp - 0xd800) << 10) +
			                    ((unsigned)lo - 0xdc00));
			j += 12;
		} else {
			o = put_utf8(o, (unsigned)cp);
			j += 6;
		}
	}
	if (j >= len)
		goto bad;
	*o = '\0';
	*s = (struct fspan){o0, (size_t)(o - o0)};
	*out = o + 1;
	*i = j + 1;
	return SPLIT_OK;
bad:
	*at_byte = j < len ? j : len;
	return SPLIT_NOT_JSON;
}

/* The length of the number at p, or 0: -? (0 | [1-9][0-9]*) (. [0-9]+)?
 * ([eE] [+-]? [0-9]+)? */
static inline size_t number_len(const char *p, size_t len)
{
	size_t i = 0, d;
	if (i < len && p[i] == '-')
		i++;
	if (i < len && p[i] == '0') {
		i++;
	} else {
		for (d = i; i < len && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < len && p[i] == '.') {
		for (d = ++i; i < len && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < len && (p[i] == '+' || p[i] == '-'))
			i++;
		for (d = i; i < len && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

bool json_is_number(struct fspan v)
{
	return v.n > 0 && number_len(v.p, v.n) == v.n;
}

static size_t literal_len(const char *p, size_t len)
{
	switch (p[0]) {
	case 't':
		return len >= 4 && memcmp(p, "true", 4) == 0 ? 4 : 0;
	case 'f':
		return len >= 5 && memcmp(p, "false", 5) == 0 ? 5 : 0;
	case 'n':
		return len >= 4 && memcmp(p, "null", 4) == 0 ? 4 : 0;
	default:
		return number_len(p, len);
	}
}

/* Moves *i from the opening quote of a JSON string past its closing one,
 * checking it but not unescaping it; false with *i at the first wrong
 * byte (or len). */
static bool skip_string(const char *p, size_t len, size_t *i)
{
	size_t j = *i + 1;
	for (;;) {
		j = plain_run(p, len, j);
		if (j >= len || (unsigned char)p[j] < 0x20)
			break;
		if (p[j] == '"') {
			*i = j + 1;
			return true;
		}
		/* a backslash */
		if (j + 1 < len && p[j + 1] == 'u' && j + 6 <= len && hex4(p + j + 2) >= 0)
			j += 6;
		else if (j + 1 < len && p[j + 1] && strchr("\"\\/bfnrt", p[j + 1]))
			j += 2;
		else
			break;
	}
	*i = j;
	return false;
}

enum split_status json_nested(const char *p, size_t len, size_t *end)
{
	/* one bit per open level: 1 an object, 0 an array */
	uint64_t objs = 0;
	int depth = 0;
	size_t i = 0;
	_Static_assert(ROWSPLIT_MAX_DEPTH <= 64, "a bit per level");
	for (;;) {
		/* a value at i */
		if (i >= len)
			goto bad;
		if (p[i] == '{' || p[i] == '[') {
			if (depth == ROWSPLIT_MAX_DEPTH) {
				*end = i;
				return SPLIT_TOO_DEEP;
			}
			bool obj = p[i] == '{';
			objs = objs << 1 | obj;
			depth++;
			i = skip_ws(p, len, i + 1);
			if (i < len && p[i] == (obj ? '}' : ']')) {
				objs >>= 1;
				depth--;
				i++;
			} else if (obj) {
				goto name;
			} else {
				continue;
			}
		} else if (p[i] == '"') {
			if (!skip_string(p, len, &i))
				goto bad;
		} else {
			size_t k = literal_len(p + i, len - i);
			if (k == 0)
				goto bad;
			i += k;
		}
		/* after a value: more of its container, or its end */
		for (;;) {
			if (depth == 0) {
				*end = i;
				return SPLIT_OK;
			}
			i = skip_ws(p, len, i);
			if (i >= len)
				goto bad;
			if (p[i] == ',') {
				i = skip_ws(p, len, i + 1);
				break;
			}
			if (p[i] != ((objs & 1) ? '}' : ']'))
				goto bad;
			objs >>= 1;
			depth--;
			i++;
		}
		if (!(objs & 1))
			continue;
	name:
		if (i >= len || p[i] != '"' || !skip_string(p, len, &i))
			goto bad;
		i = skip_ws(p, len, i);
		if (i >= len || p[i] != ':')
			goto bad;
		i = skip_ws(p, len, i + 1);
	}
bad:
	*end = i < len ? i : len;
	return SPLIT_NOT_JSON;
}

/* The string whose opening quote is at p[*i] into *s: in place when it
 * has no escape (the common way, inline), else see json_escaped. */
static inline enum split_status json_string(const char *p, size_t len, size_t *i, struct fspan *s,
                                            char **out, bool *unescaped, size_t *at_byte)
{
	size_t j = plain_run(p, len, *i + 1);
	*unescaped = !(j < len && p[j] == '"');
	if (*unescaped)
		return json_escaped(p, len, i, j, s, out, at_byte);
	*s = (struct fspan){p + *i + 1, j - *i - 1};
	*i = j + 1;
	return SPLIT_OK;
}

enum split_status json_split(const char *line, size_t len, struct row *r)
{
	char *out = r->scratch;
	size_t i = skip_ws(line, len, 0);
	enum split_status s;
	uint64_t seen = 0, twice = 0;
	r->n = 0;
	r->unescaped = 0;
	r->names_twice = 0;
	if (i >= len || line[i] != '{')
		goto bad;
	i = skip_ws(line, len, i + 1);
	if (i < len && line[i] == '}')
		goto end;
	for (;;) {
		int n = r->n;
		bool esc;
		if (n == MAX_COLS)
			return SPLIT_TOO_MANY;
		r->at = n;
		if (i >= len || line[i] != '"')
			goto bad;
		struct fspan name; /* a local: its bit is taken from registers */
		if ((s = json_string(line, len, &i, &name, &out, &esc, &r->at_byte)) != SPLIT_OK)
			return s;
		r->name[n] = name;
		uint64_t bit = rowsplit_name_bit(name);
		twice |= seen & bit;
		seen |= bit;
		i = skip_ws(line, len, i);
		if (i >= len || line[i] != ':')
			goto bad;
		i = skip_ws(line, len, i + 1);
		if (i >= len)
			goto bad;
		if (line[i] == '"') {
			if ((s = json_string(line, len, &i, &r->v[n], &out, &esc, &r->at_byte)) !=
			    SPLIT_OK)
				return s;
			r->quoted[n] = true;
			r->unescaped |= (uint64_t)esc << n;
		} else if (line[i] == '{' || line[i] == '[') {
			/* kept as its JSON text, as a literal is */
			size_t k;
			if ((s = json_nested(line + i, len - i, &k)) != SPLIT_OK) {
				r->at_byte = i + k;
				return s;
			}
			r->v[n] = (struct fspan){line + i, k};
			r->quoted[n] = false;
			i += k;
		} else {
			size_t k = literal_len(line + i, len - i);
			if (k == 0)
				goto bad;
			r->v[n] = (struct fspan){line + i, k};
			r->quoted[n] = false;
			i += k;
		}
		r->n++;
		i = skip_ws(line, len, i);
		if (i < len && line[i] == ',') {
			i = skip_ws(line, len, i + 1);
			continue;
		}
		if (i < len && line[i] == '}')
			break;
		goto bad;
	}
end:
	r->names_twice = twice;
	if (skip_ws(line, len, i + 1) == len)
		return SPLIT_OK;
	i = skip_ws(line, len, i + 1);
bad:
	r->at_byte = i;
	return SPLIT_NOT_JSON;
}

int csv_put_quoted(struct outbuf *o, struct fspan v, bool alone)
{
	size_t i = 0;
	/* ',' is the greatest of the four: digits and dots pass one compare */
	for (; i < v.n; i++) {
		char c = v.p[i];
		if (c <= ',' && (c == ',' || c == '"' || c == '\n' || c == '\r'))
			break;
	}
	if (i == v.n && v.n)
		return outbuf_put(o, v.p, v.n);
	if (v.n == 0)
		return alone ? outbuf_put(o, "\"\"", 2) : 0;
	if (outbuf_put(o, "\"", 1) < 0)
		return -1;
	for (size_t s = 0;;) {
		const char *q = memchr(v.p + s, '"', v.n - s);
		size_t e = q ? (size_t)(q - v.p) + 1 : v.n;
		if (outbuf_put(o, v.p + s, e - s) < 0)
			return -1;
		if (!q)
			break;
		if (outbuf_put(o, "\"", 1) < 0)
			return -1;
		s = e;
	}
	return outbuf_put(o, "\"", 1);
}

int json_put_string(struct outbuf *o, struct fspan v)
{
	if (outbuf_put(o, "\"", 1) < 0)
		return -1;
	size_t s = 0;
	for (size_t i = 0; i < v.n; i++) {
		unsigned char c = (unsigned char)v.p[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		char esc[7] = {'\\', (char)c};
		size_t en = 2;
		const char *shorts = c ? strchr("\b\f\n\r\t", c) : NULL;
		if (shorts) {
			esc[1] = "bfnrt"[shorts - "\b\f\n\r\t"];
		} else if (c < 0x20) {
			memcpy(esc + 1, "u00", 3);
			esc[4] = "0123456789abcdef"[c >> 4];
			esc[5] = "0123456789abcdef"[c & 15];
			en = 6;
		}
		if (outbuf_put(o, v.p + s, i - s) < 0 || outbuf_put(o, esc, en) < 0)
			return -1;
		s = i + 1;
	}
	if (outbuf_put(o, v.p + s, v.n - s) < 0)
		return -1;
	return outbuf_put(o, "\"", 1);
}
