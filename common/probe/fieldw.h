/* fieldw: the fields a module decodes from an answer (DNS records, an NTP
 * header, SSDP headers), declared by the module as a table and handed to
 * a writer that renders them as CSV or JSON. A decoder calls fw_* with
 * the index of a field in its own table, in any order, each field at most
 * once; a field it never sets is empty ("" in both formats). Nothing here
 * prints: the writer fills a buffer the output reads back.
 *
 * Values are typed:
 *   AF_UINT, AF_INT  decimal numbers
 *   AF_BOOL          1/0 in CSV, true/false in JSON
 *   AF_STR           text from the answer, any bytes: in JSON the printable
 *                    ASCII bytes as they are (" and \ escaped) and every
 *                    other byte as \u00XX; in CSV every other byte (and \)
 *                    as \xHH (\x5c), and the cell quoted as RFC 4180 says
 *                    when it holds a comma, a quote or a space at its ends
 *   AF_HEX           bytes as lower-case hex digits
 *   AF_LIST          a list of items, each an object whose fields are the
 *                    field's own `items` table: a JSON array of objects; in
 *                    CSV the same JSON text in one quoted cell (a list has
 *                    no column of its own per item: rows keep one header)
 * A list item's fields are set with the same calls between fw_item_begin
 * and fw_item_end, with indices into the list field's `items` table;
 * lists do not nest further. Output that would pass the writer's bound
 * (FIELDW_MAX bytes in all) is cut at a whole value and the record says so
 * in fw_truncated. */
#ifndef ZSCAN_PROBE_FIELDW_H
#define ZSCAN_PROBE_FIELDW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum app_kind { AF_UINT, AF_INT, AF_BOOL, AF_STR, AF_HEX, AF_LIST };

struct app_field {
	const char *name; /* as in the header row: lower case, the module's prefix */
	enum app_kind kind;
	const char *help;              /* one line, for --list-fields */
	const struct app_field *items; /* AF_LIST: the fields of each item */
	int nitems;
};

/* The most fields a module declares, and the most bytes of a record's
 * decoded fields. */
#define FIELDW_FIELDS 48
#define FIELDW_MAX 65536

enum fieldw_format { FIELDW_CSV, FIELDW_JSON };

struct fieldw {
	const struct app_field *fields;
	int nfields;
	enum fieldw_format format;
	/* where each top-level field's rendering is in buf (len 0: unset) */
	uint32_t off[FIELDW_FIELDS], len[FIELDW_FIELDS];
	bool set[FIELDW_FIELDS];
	/* the list being written, its items table, and the item's state */
	int list;
	const struct app_field *items;
	int nitems;
	bool in_item, item_has_fields;
	bool list_dropped; /* a list that did not begin: its items go nowhere */
	uint32_t list_items;
	bool truncated;
	size_t used;
	char buf[FIELDW_MAX];
};

/* Ready for one record's fields of table fields[0..n) (n <= FIELDW_FIELDS). */
void fw_reset(struct fieldw *w, const struct app_field *fields, int n, enum fieldw_format f);

void fw_uint(struct fieldw *w, int field, uint64_t v);
void fw_int(struct fieldw *w, int field, int64_t v);
void fw_bool(struct fieldw *w, int field, bool v);
void fw_str(struct fieldw *w, int field, const void *s, size_t n);
void fw_cstr(struct fieldw *w, int field, const char *s);
void fw_hex(struct fieldw *w, int field, const void *p, size_t n);

/* A list field: begin, then items, then end. */
void fw_list_begin(struct fieldw *w, int field);
void fw_item_begin(struct fieldw *w);
void fw_item_end(struct fieldw *w);
void fw_list_end(struct fieldw *w);

/* What field i holds, rendered for the format (CSV: quoted as needed);
 * "" when it was never set. */
const char *fw_value(const struct fieldw *w, int i, size_t *len);

/* Whether anything was cut for the bound. */
static inline bool fw_truncated(const struct fieldw *w)
{
	return w->truncated;
}

/* The index of the field called name[0..len) in fields[0..n), or -1. */
int fw_find(const struct app_field *fields, int n, const char *name, size_t len);

#endif
