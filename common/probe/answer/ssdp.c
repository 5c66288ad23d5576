/* ssdp: an HTTP-style answer read line by line, nothing held beyond the
 * datagram itself. */
#include "probe/answer/ssdp.h"

#include <stdbool.h>
#include <string.h>

enum {
	F_SUCCESS,
	F_VERSION,
	F_STATUS_CODE,
	F_STATUS_TEXT,
	F_SERVER,
	F_LOCATION,
	F_USN,
	F_ST,
	F_EXT,
	F_CACHE_CONTROL,
	F_HEADERS,
	F_PARSE_ERROR,
	F_COUNT
};

const struct app_field ssdp_fields[SSDP_NFIELDS] = {
    [F_SUCCESS] = {"app_success", AF_BOOL, "1: the status line says 200", NULL, 0},
    [F_VERSION] = {"upnp_version", AF_STR, "the status line's protocol, e.g. HTTP/1.1", NULL, 0},
    [F_STATUS_CODE] = {"upnp_status_code", AF_UINT, "the status code, e.g. 200", NULL, 0},
    [F_STATUS_TEXT] = {"upnp_status_text", AF_STR, "the status line's reason, e.g. OK", NULL, 0},
    [F_SERVER] = {"upnp_server", AF_STR, "SERVER: the OS, UPnP version and product", NULL, 0},
    [F_LOCATION] = {"upnp_location", AF_STR, "LOCATION: the URL of the device description", NULL,
                    0},
    [F_USN] = {"upnp_usn", AF_STR, "USN: the unique service name", NULL, 0},
    [F_ST] = {"upnp_st", AF_STR, "ST: the search target answered", NULL, 0},
    [F_EXT] = {"upnp_ext", AF_BOOL, "1: an EXT header came", NULL, 0},
    [F_CACHE_CONTROL] = {"upnp_cache_control", AF_STR, "CACHE-CONTROL, e.g. max-age=1800", NULL, 0},
    [F_HEADERS] = {"upnp_headers", AF_STR, "the header lines as they came (first 4096 bytes)", NULL,
                   0},
    [F_PARSE_ERROR] = {"upnp_parse_error", AF_STR,
                       "the first thing wrong with the answer (empty: fine)", NULL, 0},
};
const int ssdp_nfields = F_COUNT;
_Static_assert(F_COUNT == SSDP_NFIELDS, "SSDP_NFIELDS counts the table");

/* The headers with a field of their own, by name in upper case. */
static const struct {
	const char *name;
	int field;
} named[] = {
    {"SERVER", F_SERVER}, {"LOCATION", F_LOCATION}, {"USN", F_USN},
    {"ST", F_ST},         {"EXT", F_EXT},           {"CACHE-CONTROL", F_CACHE_CONTROL},
};

struct line {
	const uint8_t *s;
	size_t len;  /* without its line end */
	size_t next; /* the offset after its line end */
	bool ended;  /* false: the datagram ends inside it */
};

static struct line line_at(const uint8_t *p, size_t n, size_t pos)
{
	struct line l = {p + pos, n - pos, n, false};
	const uint8_t *lf = memchr(p + pos, '\n', n - pos);
	if (lf) {
		l.len = (size_t)(lf - (p + pos));
		l.next = l.len + pos + 1;
		l.ended = true;
		if (l.len > 0 && l.s[l.len - 1] == '\r')
			l.len--;
	}
	return l;
}

static bool is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* "HTTP/D.D NNN[ reason]" with one or more digits on each side of the dot;
 * false when the line is something else. */
static bool status_line(const struct line *l, struct fieldw *w, unsigned *code)
{
	const uint8_t *s = l->s;
	size_t n = l->len, i = 5;
	if (n < 5 || memcmp(s, "HTTP/", 5) != 0)
		return false;
	size_t d = i;
	while (i < n && i - d < 3 && is_digit(s[i]))
		i++;
	if (i == d || i >= n || s[i] != '.')
		return false;
	d = ++i;
	while (i < n && i - d < 3 && is_digit(s[i]))
		i++;
	if (i == d)
		return false;
	size_t vlen = i;
	if (i >= n || s[i] != ' ')
		return false;
	while (i < n && s[i] == ' ')
		i++;
	if (n - i < 3 || !is_digit(s[i]) || !is_digit(s[i + 1]) || !is_digit(s[i + 2]))
		return false;
	*code = (unsigned)(s[i] - '0') * 100 + (unsigned)(s[i + 1] - '0') * 10 +
	        (unsigned)(s[i + 2] - '0');
	i += 3;
	if (i < n && s[i] != ' ')
		return false;
	while (i < n && s[i] == ' ')
		i++;
	fw_str(w, F_VERSION, s, vlen);
	fw_uint(w, F_STATUS_CODE, *code);
	if (i < n)
		fw_str(w, F_STATUS_TEXT, s + i, n - i);
	return true;
}

static bool name_is(const uint8_t *s, size_t n, const char *upper)
{
	size_t k = strlen(upper);
	if (n != k)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 'a' + 'A');
		if (c != (uint8_t)upper[i])
			return false;
	}
	return true;
}

/* One header line; the reason it is bad, or NULL. */
static const char *header(const struct line *l, struct fieldw *w, bool *seen)
{
	if (l->len > SSDP_LINE_MAX)
		return "header line too long";
	if (l->len == 0 || is_blank(l->s[0]))
		return NULL; /* a continuation: passed over */
	const uint8_t *colon = memchr(l->s, ':', l->len);
	if (!colon)
		return "header line without a colon";
	size_t nlen = (size_t)(colon - l->s);
	while (nlen > 0 && is_blank(l->s[nlen - 1]))
		nlen--;
	if (nlen == 0)
		return "header line without a name";
	for (size_t i = 0; i < nlen; i++)
		if (l->s[i] <= 0x20 || l->s[i] >= 0x7f)
			return "bad header name";
	const uint8_t *v = colon + 1, *end = l->s + l->len;
	while (v < end && is_blank(*v))
		v++;
	while (end > v && is_blank(end[-1]))
		end--;
	for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
		int f = named[k].field;
		if (seen[f] || !name_is(l->s, nlen, named[k].name))
			continue;
		seen[f] = true;
		if (f == F_EXT)
			fw_bool(w, F_EXT, true);
		else if (end > v)
			fw_str(w, f, v, (size_t)(end - v));
		break;
	}
	return NULL;
}

/* The header lines after the status line, from start; the first reason
 * one is bad, or NULL. */
static const char *headers(const uint8_t *p, size_t n, size_t start, struct fieldw *w)
{
	const char *err = NULL;
	bool seen[F_COUNT] = {false};
	size_t pos = start, end = n;
	while (pos < n) {
		struct line l = line_at(p, n, pos);
		if (l.len == 0 && l.ended) {
			end = pos; /* the empty line: what follows is a body */
			break;
		}
		if (!l.ended) {
			if (!err)
				err = "header line not ended";
			break;
		}
		const char *bad = header(&l, w, seen);
		if (bad && !err)
			err = bad;
		pos = l.next;
	}
	fw_bool(w, F_EXT, seen[F_EXT]);
	if (end > start) {
		size_t len = end - start;
		fw_str(w, F_HEADERS, p + start, len < SSDP_HEADERS_MAX ? len : SSDP_HEADERS_MAX);
	}
	return err;
}

void ssdp_decode(const uint8_t *p, size_t n, struct fieldw *w)
{
	unsigned code = 0;
	const char *err = NULL;
	struct line l = {NULL, 0, 0, false};
	if (n > 0)
		l = line_at(p, n, 0);
	if (n == 0)
		err = "empty answer";
	else if (l.len > SSDP_LINE_MAX)
		err = "status line too long";
	else if (!status_line(&l, w, &code))
		err = "not an HTTP status line";
	else if (!l.ended)
		err = "status line not ended";
	else
		err = headers(p, n, l.next, w);
	fw_bool(w, F_SUCCESS, code == 200);
	if (err)
		fw_cstr(w, F_PARSE_ERROR, err);
}
