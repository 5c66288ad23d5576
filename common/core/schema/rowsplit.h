/* rowsplit: a result line split into its fields, and fields written back.
 * CSV is RFC 4180's: a field may be in double quotes, with a double quote
 * inside doubled, and a quoted field may hold commas, CR and LF (so one
 * record can span lines). JSON lines are RFC 8259 objects: names and
 * values that are strings, numbers, true, false or null, or arrays and
 * objects (a module's lists and records), each kept whole as its JSON
 * text, checked but not unescaped, nested at most ROWSPLIT_MAX_DEPTH
 * levels.
 * Fields point into the line; a value or name that had to be unescaped
 * (a doubled quote, a backslash escape) points into the row's scratch
 * space instead, followed there by a NUL. */
#ifndef ZSCAN_CORE_ROWSPLIT_H
#define ZSCAN_CORE_ROWSPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/schema/filterexpr.h" /* struct fspan */
#include "util/outbuf.h"

#define MAX_COLS 64

struct row {
	struct fspan v[MAX_COLS];    /* values of the columns of this line */
	bool quoted[MAX_COLS];       /* JSON: was a string (else a literal, array or object) */
	struct fspan name[MAX_COLS]; /* JSON: the names */
	int n;
	uint64_t unescaped; /* bit c: v[c] is in scratch */
	/* JSON: the rowsplit_name_bit of every name that may appear more than
	 * once; a name whose bit is clear appears at most once */
	uint64_t names_twice;
	/* set by the caller before a split that may unescape: room for as
	 * many bytes as the line has (nothing unescapes to more bytes than
	 * its escaped form, NUL included) */
	char *scratch;
	/* on an error: the field it is in (0-based), and for JSON the byte */
	int at;
	size_t at_byte;
};

enum split_status {
	SPLIT_OK,
	SPLIT_TOO_MANY,    /* more than MAX_COLS fields */
	SPLIT_STRAY_QUOTE, /* CSV: a double quote inside a field not quoted */
	SPLIT_AFTER_QUOTE, /* CSV: text after a quoted field's closing quote */
	SPLIT_OPEN_QUOTE,  /* CSV: a quoted field without its closing quote */
	SPLIT_NOT_JSON,    /* not a JSON object (the first wrong byte: at_byte) */
	SPLIT_TOO_DEEP,    /* JSON: field `at` nests deeper than ROWSPLIT_MAX_DEPTH (at at_byte) */
	SPLIT_SURROGATE,   /* JSON: a \u escape of half a surrogate pair, at at_byte */
};

/* A name's bit in names_twice: from its length and its first and middle
 * bytes, which set the names of the result schema apart (but icmp_type and
 * icmp_code, and the four *timestamp_ts and *timestamp_us, which share one
 * a pair), so that finding one in a zrecv row never costs a search past
 * it. Only the name's own bytes count: it is the same bit in a line,
 * unescaped, or in a C string. */
static inline uint64_t rowsplit_name_bit(struct fspan name)
{
	unsigned h = (unsigned)name.n * 2;
	if (name.n)
		h += (unsigned char)name.p[0] + (unsigned char)name.p[name.n >> 1] * 12;
	return (uint64_t)1 << (h & 63);
}

/* The hot path: splits a CSV line that holds no double quote on its
 * commas. (A line with one is a record for csv_record_end and
 * csv_split_quoted; the caller looks for quotes a block at a time.) */
enum split_status csv_split(const char *line, size_t len, struct row *r);

/* How far a search for a CSV record's end got: zero for a new record. */
struct csv_scan {
	size_t at; /* bytes of the record looked at */
	int state;
};

/* Finds the end of the CSV record that starts at p: true, with *rl its
 * length up to the '\n' that ends it (the first one outside double quotes,
 * not counted), and sc zeroed again; false when it does not end within len
 * bytes, with sc holding how far it got, to go on from when the same
 * record has more bytes after it. */
bool csv_record_end(const char *p, size_t len, struct csv_scan *sc, size_t *rl);

/* Splits a CSV record, quoted fields unquoted (a '\r' before the record's
 * final '\n' is the caller's to drop). Needs r->scratch. */
enum split_status csv_split_quoted(const char *rec, size_t len, struct row *r);

/* Splits a JSON object line into names and values: strings unescaped
 * (UTF-8 for \uXXXX, bytes outside ASCII kept as they are), other values
 * (arrays and objects too) as their text, and sets names_twice. Needs
 * r->scratch. */
enum split_status json_split(const char *line, size_t len, struct row *r);

/* Levels of arrays and objects a value may open, itself counted. */
#define ROWSPLIT_MAX_DEPTH 32

/* The array or object at p[0..len), up to the end of the JSON value it
 * starts: SPLIT_OK with *end its length; SPLIT_NOT_JSON with *end at the
 * first wrong byte, or SPLIT_TOO_DEEP at the bracket one level too deep. */
enum split_status json_nested(const char *p, size_t len, size_t *end);

/* Whether v is a JSON number as RFC 8259 writes them. */
bool json_is_number(struct fspan v);

/* csv_put_field's way for a value that is not 8 to 16 bytes long, or may
 * need quotes. */
int csv_put_quoted(struct outbuf *o, struct fspan v, bool alone);

/* Writes v as a CSV field: as it is, or when it holds a comma, a double
 * quote, CR or LF, in double quotes with its double quotes doubled. An
 * empty value alone on its line is written "" (an empty line is no
 * record). -1 if the output fails. Inline for the length of an address:
 * no byte of one is below ',', the greatest of the four, so its two words
 * (overlapping) pass one test each. */
static inline int csv_put_field(struct outbuf *o, struct fspan v, bool alone)
{
	const uint64_t below = 0x2d2d2d2d2d2d2d2dull, highs = 0x8080808080808080ull;
	if (v.n < 8 || v.n > 16)
		return csv_put_quoted(o, v, alone);
	uint64_t a, b;
	memcpy(&a, v.p, 8);
	memcpy(&b, v.p + v.n - 8, 8);
	if (((a - below) & ~a & highs) | ((b - below) & ~b & highs)) /* a byte below ',' + 1 */
		return csv_put_quoted(o, v, alone);
	return outbuf_put(o, v.p, v.n);
}

/* Writes v as a JSON string: in double quotes, '"' and '\' escaped,
 * control characters as \b \f \n \r \t or \u00XX, every other byte as it
 * is. -1 if the output fails. */
int json_put_string(struct outbuf *o, struct fspan v);

#endif
