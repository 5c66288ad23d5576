/* fieldw: a record's decoded fields, rendered as they are set. */
#include "probe/fieldw.h"

#include <string.h>

void fw_reset(struct fieldw *w, const struct app_field *fields, int n, enum fieldw_format f)
{
	w->fields = fields;
	w->nfields = n < FIELDW_FIELDS ? n : FIELDW_FIELDS;
	w->format = f;
	memset(w->set, 0, sizeof w->set);
	w->list = -1;
	w->items = NULL;
	w->nitems = 0;
	w->in_item = w->item_has_fields = w->list_dropped = false;
	w->list_items = 0;
	w->truncated = false;
	w->used = 0;
}

/* Room for n more bytes, or the record is marked cut. While a list is
 * open, the bytes that close it ("}]") are kept free. */
static bool room(struct fieldw *w, size_t n)
{
	size_t keep = w->list >= 0 ? 2 : 0;
	if (w->used + n + keep <= sizeof w->buf)
		return true;
	w->truncated = true;
	return false;
}

static void put(struct fieldw *w, const void *p, size_t n)
{
	memcpy(w->buf + w->used, p, n);
	w->used += n;
}

/* The worst case of a value's rendering: each byte of text as \u00XX
 * (six), and the quotes a CSV cell may need around it, doubled inside. */
#define WORST(n) (12 * (n) + 8)

/* Text as JSON wants it: printable ASCII as is, " and \ escaped, every
 * other byte \u00XX. */
static size_t json_text(char *out, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *p = out;
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			*p++ = (char)c;
		} else {
			memcpy(p, "\\u00", 4);
			p[4] = hex[c >> 4];
			p[5] = hex[c & 15];
			p += 6;
		}
	}
	*p++ = '"';
	return (size_t)(p - out);
}

/* Text for a CSV cell: printable ASCII as is, \ and every other byte as
 * \xHH; then quoted (inner quotes doubled) when it holds a comma, a quote,
 * or a space at either end. */
static size_t csv_text(char *out, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	bool quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"';
	char *p = out;
	if (quote)
		*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"') {
			*p++ = '"';
			*p++ = '"';
		} else if (c >= 0x20 && c < 0x7f && c != '\\') {
			*p++ = (char)c;
		} else {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	if (quote)
		*p++ = '"';
	return (size_t)(p - out);
}

/* The field a call names: a top-level one (its rendering starts here), or
 * one of the current list item's. NULL for a bad index or a field set
 * twice (the first value stays). */
static const struct app_field *begin_value(struct fieldw *w, int field, size_t worst)
{
	const struct app_field *f;
	if (w->list_dropped)
		return NULL;
	if (w->in_item) {
		if (field < 0 || field >= w->nitems)
			return NULL;
		f = &w->items[field];
		size_t name = strlen(f->name);
		if (!room(w, name + 4 + worst))
			return NULL;
		if (w->item_has_fields)
			put(w, ",", 1);
		put(w, "\"", 1);
		put(w, f->name, name);
		put(w, "\":", 2);
		w->item_has_fields = true;
		return f;
	}
	if (w->list >= 0 || field < 0 || field >= w->nfields || w->set[field] || !room(w, worst))
		return NULL;
	w->off[field] = (uint32_t)w->used;
	return &w->fields[field];
}

static void end_value(struct fieldw *w, int field)
{
	if (w->in_item)
		return;
	w->len[field] = (uint32_t)(w->used - w->off[field]);
	w->set[field] = true;
}

/* Inside a list item everything is JSON, whatever the format. */
static bool json(const struct fieldw *w)
{
	return w->format == FIELDW_JSON || w->in_item;
}

static void number(struct fieldw *w, int field, const char *text, size_t n)
{
	if (!begin_value(w, field, n))
		return;
	put(w, text, n);
	end_value(w, field);
}

/* v's decimal digits, with a minus before them if neg, ending at end;
 * returns where they start (snprintf costs ten times as much, and a DNS
 * answer has a dozen numbers). */
static char *digits(char *end, uint64_t v, bool neg)
{
	char *p = end;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		*--p = '-';
	return p;
}

void fw_uint(struct fieldw *w, int field, uint64_t v)
{
	char t[24], *p = digits(t + sizeof t, v, false);
	number(w, field, p, (size_t)(t + sizeof t - p));
}

void fw_int(struct fieldw *w, int field, int64_t v)
{
	char t[24];
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char *p = digits(t + sizeof t, mag, v < 0);
	number(w, field, p, (size_t)(t + sizeof t - p));
}

void fw_bool(struct fieldw *w, int field, bool v)
{
	if (json(w))
		number(w, field, v ? "true" : "false", v ? 4 : 5);
	else
		number(w, field, v ? "1" : "0", 1);
}

void fw_str(struct fieldw *w, int field, const void *s, size_t n)
{
	if (!begin_value(w, field, WORST(n)))
		return;
	char *out = w->buf + w->used;
	w->used += json(w) ? json_text(out, s, n) : csv_text(out, s, n);
	end_value(w, field);
}

void fw_cstr(struct fieldw *w, int field, const char *s)
{
	fw_str(w, field, s, strlen(s));
}

void fw_hex(struct fieldw *w, int field, const void *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	if (!begin_value(w, field, 2 * n + 2))
		return;
	const unsigned char *b = p;
	if (json(w))
		put(w, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		w->buf[w->used++] = hex[b[i] >> 4];
		w->buf[w->used++] = hex[b[i] & 15];
	}
	if (json(w))
		put(w, "\"", 1);
	end_value(w, field);
}

/* A list is written as JSON text into the field's place; in CSV the cell
 * is that text quoted, which fw_list_end does once the list is whole. */
void fw_list_begin(struct fieldw *w, int field)
{
	if (w->in_item || w->list >= 0 || w->list_dropped)
		return;
	if (field < 0 || field >= w->nfields || w->fields[field].kind != AF_LIST || w->set[field] ||
	    !room(w, 2)) {
		w->list_dropped = true;
		return;
	}
	w->list = field;
	w->items = w->fields[field].items;
	w->nitems = w->fields[field].nitems;
	w->list_items = 0;
	w->off[field] = (uint32_t)w->used;
	put(w, "[", 1);
}

void fw_item_begin(struct fieldw *w)
{
	if (w->list < 0 || w->in_item || !room(w, 2))
		return;
	if (w->list_items)
		put(w, ",", 1);
	put(w, "{", 1);
	w->in_item = true;
	w->item_has_fields = false;
}

void fw_item_end(struct fieldw *w)
{
	if (!w->in_item)
		return;
	w->in_item = false;
	put(w, "}", 1); /* its room was kept (room()) */
	w->list_items++;
}

/* In CSV the list's JSON text becomes a quoted cell: quotes doubled. */
static void csv_quote_in_place(struct fieldw *w, int field)
{
	size_t off = w->off[field], n = w->used - off, quotes = 0;
	for (size_t i = 0; i < n; i++)
		quotes += w->buf[off + i] == '"';
	if (w->used + quotes + 2 > sizeof w->buf) {
		w->truncated = true;
		w->used = off;
		put(w, "\"[]\"", 4);
		return;
	}
	char *b = w->buf + off;
	size_t end = n + quotes + 2;
	b[end - 1] = '"';
	for (size_t i = n, j = end - 1; i-- > 0;) {
		b[--j] = b[i];
		if (b[i] == '"')
			b[--j] = '"';
	}
	b[0] = '"';
	w->used = off + end;
}

void fw_list_end(struct fieldw *w)
{
	w->list_dropped = false;
	if (w->list < 0)
		return;
	if (w->in_item)
		fw_item_end(w);
	int field = w->list;
	put(w, "]", 1); /* its room was kept (room()) */
	w->list = -1;
	if (w->format == FIELDW_CSV)
		csv_quote_in_place(w, field);
	end_value(w, field);
}

const char *fw_value(const struct fieldw *w, int i, size_t *len)
{
	if (i < 0 || i >= w->nfields || !w->set[i]) {
		*len = w->format == FIELDW_JSON ? 2 : 0;
		return w->format == FIELDW_JSON ? "\"\"" : "";
	}
	*len = w->len[i];
	return w->buf + w->off[i];
}

int fw_find(const struct app_field *fields, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0)
			return i;
	return -1;
}
