/* resultfilter: zfilter's run. Rows are taken and filtered, deduplicated
 * in batches (by a second thread with -T 2) and printed in input order.
 * Converting between CSV and JSON goes by name and by the result schema's
 * kinds (see write_value_json); rows the output cannot hold are bad lines. */
#include "resultfilter.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr/addr.h"
#include "core/addr/ipaddr.h"
#include "core/schema/fields.h"
#include "core/schema/filterexpr.h"
#include "core/schema/rowsplit.h"
#include "probe/fieldw.h"
#include "probe/probe.h"
#include "util/bitmap.h"
#include "util/escape.h"
#include "util/linereader.h"
#include "util/outbuf.h"
#include "util/quietthread.h"
#include "util/seqwait.h"
#include "util/strset.h"

/* A list of field names ("a,b,c") into names[]; returns the count or -1. */
static int split_names(const char *list, char *buf, size_t size, char **names, int max,
                       const char *opt, struct zerr *e)
{
	int n = 0;
	snprintf(buf, size, "%s", list);
	for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
		if (n == max)
			return zerr_set(e, "%s: at most %d fields", opt, max);
		names[n++] = tok;
	}
	if (n == 0)
		return zerr_set(e, "%s: empty field list", opt);
	return n;
}

static bool span_is(struct fspan s, const char *name)
{
	return s.n == strlen(name) && memcmp(s.p, name, s.n) == 0;
}

static bool span_eq(struct fspan a, struct fspan b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

/* An output column with no field: ZMap 4's blank (-f saddr,blank,blank,
 * sport), or ZGrab2's port when the rows have no sport. */
#define BLANK_COL (-2)
static char blank_name[] = "blank";

static struct fspan col_value(const struct row *r, int c)
{
	return c >= 0 ? r->v[c] : (struct fspan){"", 0};
}

static bool col_quoted(const struct row *r, int c)
{
	return c >= 0 && r->quoted[c];
}

/* What an output column holds, for converting it: from the result
 * schema (core/schema/fields.h), or a module's table of decoded fields
 * (probe/fieldw.h), which zrecv writes beside the schema's. A module's
 * names carry its prefix (dns_, upnp_), so the first module that has a
 * name is the one; app_success, which every decoding module has, is a
 * boolean in each. */
enum out_kind {
	OK_UNKNOWN, /* a name neither has */
	OK_NUM,     /* a whole number, not negative */
	OK_INT,     /* a whole number */
	OK_BOOL,    /* 1/0 in CSV, true/false in JSON */
	OK_TEXT,    /* a string */
	OK_MODTEXT, /* a module's text: in CSV quoted when a space is at an end */
	OK_LIST,    /* a module's list: a JSON array, in CSV always quoted */
	OK_BLANK,   /* -f blank: empty, and not written in JSON (as ZMap does) */
};

static enum out_kind kind_of(struct fspan name)
{
	int id = fields_find(name.p, name.n);
	if (id >= 0)
		return fields_table[id].kind == FIELD_UINT   ? OK_NUM
		       : fields_table[id].kind == FIELD_BOOL ? OK_BOOL
		                                             : OK_TEXT;
	for (int m = 0; probe_modules[m]; m++) {
		const struct probe_module *pm = probe_modules[m];
		int i = fw_find(pm->app_fields, pm->n_app_fields, name.p, name.n);
		if (i < 0)
			continue;
		switch (pm->app_fields[i].kind) {
		case AF_UINT:
			return OK_NUM;
		case AF_INT:
			return OK_INT;
		case AF_BOOL:
			return OK_BOOL;
		case AF_STR:
			return OK_MODTEXT;
		case AF_LIST:
			return OK_LIST;
		default:
			return OK_TEXT;
		}
	}
	return OK_UNKNOWN;
}

/* What the next stage needs of an output column (-O zgrab2, -O lzr): a
 * row whose value is not so is a bad line, rather than a line that stops
 * ZGrab2's parse or LZR (which exits on a JSON type it did not expect). */
enum out_check { CHK_NONE, CHK_IP, CHK_PORT_OR_EMPTY, CHK_U32 };

/* The fields LZR reads from ZMap's JSON (its packet_metadata). */
#define LZR_FIELDS "saddr,daddr,sport,dport,seqnum,acknum,window"

/* The keys seen, and the output. With a worker thread, it alone writes
 * here (unless rows must be split again to be printed), so this has cache
 * lines of its own: with the bitmap's count beside the parsing thread's
 * counters, the two threads took the line from each other on every row. */
struct seen {
	_Alignas(64) struct bitmap bm; /* an address key's set, */
	struct strset set;             /* or any other key's */
	uint64_t unique;               /* rows printed */
	struct outbuf out;
	/* the errno of the output's first failure: nothing is written after
	 * it, since a later write that succeeds (space freed on a full disk)
	 * would leave a hole in the output */
	int werr;
};

/* Per needed name: its column (CSV), or its last position (JSON, where
 * names may move from line to line). */
struct colmap {
	int k[RESULTFILTER_MAX_KEYS], o[MAX_COLS], w[FILTEREXPR_MAX_FIELDS];
};

/* Room for unescaped values, as long as the longest line that needed it. */
struct scratch {
	char *p;
	size_t cap;
};

/* The state of one run: the options resolved against the input's columns. */
struct run {
	/* set before the first row, then only read */
	const struct resultfilter_config *cfg;
	struct filterexpr *where;
	char keybuf[256], outbuf_names[256];
	char *key[RESULTFILTER_MAX_KEYS], *outn[MAX_COLS];
	int nkey, nout;
	/* the same names, and --where's, with their lengths */
	struct fspan keys_s[RESULTFILTER_MAX_KEYS], outn_s[MAX_COLS],
	    where_s[FILTEREXPR_MAX_FIELDS];
	uint64_t keys_bit[RESULTFILTER_MAX_KEYS], outn_bit[MAX_COLS], /* their rowsplit_name_bit */
	    where_bit[FILTEREXPR_MAX_FIELDS];
	bool out_all; /* -f '*': every column of the input */
	/* per output column: -f blank; a field that may be missing (then
	 * empty); what the next stage needs of it */
	bool blank[MAX_COLS], optional[MAX_COLS];
	unsigned char ocheck[MAX_COLS];
	bool checked;    /* some column has an ocheck */
	bool json_out;   /* JSON lines go out: -O json or lzr */
	const char *who; /* the next stage, for a row it could not take */
	enum { UNKNOWN, CSV, JSON } fmt;
	/* JSON lines to CSV or text with -f '*': the columns are the first
	 * good line's names, and each row's values are placed by name */
	bool map;
	bool bound;        /* the columns are known: the CSV header, or the first good JSON line */
	struct row header; /* CSV, or JSON with map: the column names (in name[]) */
	char *header_copy;
	size_t header_len;           /* CSV: the header row's bytes, at header_copy */
	unsigned long header_lineno; /* CSV: its line */
	int ncols;
	/* the output's columns, when they are fixed (all but JSON to JSON
	 * with -f '*'): their kind (enum out_kind), and for JSON output their
	 * '{"name":' or ',"name":' */
	unsigned char okind[MAX_COLS];
	struct fspan oprefix[MAX_COLS];
	char *oprefix_buf;
	resultfilter_bad_fn bad;
	struct resultfilter_stats *st;
	bool addr_set;                        /* deduplicating a key of one address field, in bm */
	bool key_addr[RESULTFILTER_MAX_KEYS]; /* a key field that is an address */
	bool key_optional[RESULTFILTER_MAX_KEYS]; /* one a row may lack (then empty) */
	bool any_key_addr;
	struct batch *ring; /* RING batches with a worker thread, else one */
	unsigned nring;
	char *keys; /* their keys' bytes */
	/* with a worker thread: it deduplicates the published batches, in
	 * order, and prints them, while this one parses the next */
	bool threaded;
	pthread_t worker;

	/* written by the parsing thread as it goes */
	_Alignas(64) struct colmap cm;    /* of the row being taken */
	struct colmap cm_again;           /* of a row split again to be printed */
	struct batch *batch;              /* deduplicating: the one being filled */
	unsigned long published, written; /* batches handed to dedup, and printed */
	struct row again;                 /* a row split again to be printed */
	struct scratch scr, scr_again;    /* their unescaped values */
	/* the row's key values, an IPv6 address in an address field as RFC
	 * 5952 writes it, so that one address written two ways is one key */
	struct fspan keyv[RESULTFILTER_MAX_KEYS];
	char canon[RESULTFILTER_MAX_KEYS][IPADDR_STRLEN];
	bool whole;              /* every batch keeps its lines (see go_whole) */
	bool have_header;        /* CSV: the header row is read */
	struct csv_scan pending; /* CSV: a record given back to the reader */
	size_t max_line;         /* the bounds of a line and a quoted record */
	unsigned long max_record_lines;
	char bound_note[96]; /* why such a record ends: its bounds */
	/* of that record: its bytes searched for newlines, and the newlines */
	size_t rec_counted;
	unsigned long rec_newlines;
	/* JSON: the --where fields some row had (bit k: field k), and whether
	 * any row fitted */
	uint64_t where_seen, where_all;
	bool fitted;
	uint64_t *touched; /* pages of the bitmap this thread has faulted in */

	struct seen seen;
	struct seqwait pub, done;
};

/* Rows that passed wait here, parsed down to their key (an address, or
 * the key's fields joined, with its hash) and output values (or their line,
 * when there are more than BATCH_OUT values), until BATCH have passed.
 * Settling a batch is a tight loop over the keys with a prefetch some rows
 * ahead. A lookup in a 512 MiB bitmap or a large hash table misses the
 * TLB; with one prefetch between each row's parsing, perf put 70% of the
 * time on the prefetch (the page walks did not overlap), and in a tight
 * loop they do. */
#define BATCH 256
#define AHEAD 16
#define BATCH_OUT 4
#define KEY_MAX STRSET_MAX_KEY        /* bytes of an encoded key (see key_encode) */
#define BATCH_KEY_BYTES (BATCH * 256) /* a batch's key bytes; a fuller one goes early */
#define RING 64                       /* batches in flight between the two threads */

struct batch {
	_Alignas(64) uint32_t addr[BATCH];      /* an IPv4 address key, */
	bool v6[BATCH];                         /* or an IPv6 one, as 16 key bytes */
	uint64_t hash[BATCH];                   /* or a joined key's hash, */
	uint32_t key_at[BATCH], key_len[BATCH]; /* and where it is in keys */
	char *keys; /* BATCH_KEY_BYTES, for keys other than an address */
	size_t keys_used;
	bool fresh[BATCH];
	struct fspan out[BATCH][BATCH_OUT]; /* the output values, */
	bool quoted[BATCH][BATCH_OUT];
	struct fspan line[BATCH]; /* or the line, to split again */
	bool line_quoted[BATCH];  /* CSV: it holds a double quote */
	unsigned n;
	bool whole; /* lines: more output values than BATCH_OUT, or unescaped ones */
	bool oom;   /* the key set could not grow */
	int werr;   /* the output's errno, if writing failed */
	bool quit;  /* no rows: the worker thread ends here */
};

_Static_assert(KEY_MAX <= BATCH_KEY_BYTES, "any key fits an empty batch");

/* Column of name in r's names: the last, when a name appears twice (as
 * Python's json and jq read an object); trying hint first when the name
 * (whose rowsplit_name_bit is bit) appears at most once: JSON lines of one
 * writer list their names in the same order. */
static int find_col(const struct row *names, struct fspan name, uint64_t bit, int hint)
{
	if (!(names->names_twice & bit) && hint >= 0 && hint < names->n &&
	    span_eq(names->name[hint], name))
		return hint;
	for (int c = names->n - 1; c >= 0; c--)
		if (span_eq(names->name[c], name))
			return c;
	return -1;
}

/* Whether the CSV header row looks like a row of results (a field that is
 * an address or a number): then the input probably has no header. */
static bool header_looks_like_data(const struct run *ru)
{
	for (int c = 0; c < ru->header.n; c++) {
		struct fspan v = ru->header.v[c];
		uint32_t a;
		struct ipaddr a6;
		bool digits = v.n > 0;
		for (size_t i = 0; i < v.n; i++)
			digits &= v.p[i] >= '0' && v.p[i] <= '9';
		if (digits || addr_parse(v.p, v.n, &a) == ADDR_OK ||
		    (memchr(v.p, ':', v.n) && ipaddr_parse(v.p, v.n, &a6) == 0))
			return true;
	}
	return false;
}

/* A column the options need is not in the CSV header row. When an option
 * named it, the option is to blame (-f's when the key is -f's); when none
 * did (the key saddr, the filter success = 1), the header row is shown,
 * since the likely fault is that there is none. */
static int no_column(struct run *ru, const char *opt, const char *name, const char *dflt_hint,
                     struct zerr *e)
{
	char shown[4 * 60 + 8];
	escape_bytes(shown, sizeof shown, ru->header_copy,
	             ru->header_len < 60 ? ru->header_len : 60);
	if (ru->header_len > 60)
		strcat(shown, "...");
	bool data = header_looks_like_data(ru);
	if (opt)
		return zerr_set(e, "%s: no column '%s' in the input%s%s%s", opt, name,
		                data ? " (is there a header? its first line, '" : "",
		                data ? shown : "", data ? "', looks like a row)" : "");
	return zerr_set(e, "stdin:%lu: no column '%s' in the header row '%s' (%s)",
	                ru->header_lineno, name, shown,
	                data ? "is there a header? that line looks like a row" : dflt_hint);
}

/* Checks that the CSV header row, or the first good JSON line with map,
 * has every field the options need. A JSON line's --where fields are found
 * line by line (a line without one compares false), and never refused
 * here. */
static int bind_columns(struct run *ru, const struct row *names, struct zerr *e)
{
	size_t nw = ru->where ? filterexpr_nfields(ru->where) : 0;
	const char *key_opt = ru->cfg->key ? "-u" : ru->cfg->fields ? "-f" : NULL;
	/* the output first: without -u the key is -f's, and -f is to blame */
	for (int k = 0; k < ru->nout; k++) {
		ru->cm.o[k] = ru->blank[k] ? BLANK_COL : find_col(names, ru->outn_s[k], 0, -1);
		if (ru->cm.o[k] == -1 && ru->optional[k])
			ru->cm.o[k] = BLANK_COL;
		if (ru->cm.o[k] == -1)
			return no_column(ru,
			                 ru->cfg->format == RESULTFILTER_LZR ? "-O lzr"
			                 : ru->cfg->fields                   ? "-f"
			                                                     : key_opt,
			                 ru->outn[k],
			                 "is there a header? -u or -f names other fields", e);
	}
	for (int k = 0; k < ru->nkey; k++) {
		ru->cm.k[k] = find_col(names, ru->keys_s[k], 0, -1);
		if (ru->cm.k[k] < 0 && ru->key_optional[k])
			ru->cm.k[k] = BLANK_COL;
		if (ru->cm.k[k] == -1)
			return no_column(ru, key_opt, ru->key[k],
			                 "is there a header? -u or -f names other fields", e);
	}
	for (size_t k = 0; k < nw; k++)
		if ((ru->cm.w[k] = find_col(names, ru->where_s[k], 0, -1)) < 0 && ru->fmt == CSV)
			return no_column(ru, ru->cfg->where ? "--where" : NULL,
			                 filterexpr_field(ru->where, k),
			                 "rows with success = 1 are kept; -a keeps every row", e);
	ru->cm_again = ru->cm;
	return 0;
}

/* The name of output column k, when the columns are fixed. */
static struct fspan out_name(const struct run *ru, int k)
{
	return ru->out_all ? ru->header.name[k] : ru->outn_s[k];
}

/* Once the columns are known: each output column's kind, and its JSON
 * name, escaped once here rather than on every row. */
static int describe_output(struct run *ru, struct zerr *e)
{
	int n = ru->out_all ? ru->header.n : ru->nout;
	if (ru->out_all && ru->fmt == JSON && !ru->map)
		return 0; /* JSON to JSON: each line's own names */
	size_t size = 0;
	for (int k = 0; k < n; k++) {
		struct fspan s = out_name(ru, k);
		ru->okind[k] =
		    (unsigned char)(!ru->out_all && ru->blank[k] ? OK_BLANK : kind_of(s));
		size += 6 * s.n + 4;
	}
	if (!ru->json_out)
		return 0;
	if (!(ru->oprefix_buf = malloc(size + 1)))
		return zerr_set(e, "out of memory");
	/* an outbuf over the buffer, never flushed: it is large enough */
	struct outbuf mem = {.fd = -1, .buf = ru->oprefix_buf, .cap = size + 1};
	bool first = true;
	for (int k = 0; k < n; k++) {
		size_t at = mem.len;
		if (ru->okind[k] == OK_BLANK)
			continue;
		if (outbuf_put(&mem, first ? "{" : ",", 1) < 0 ||
		    json_put_string(&mem, out_name(ru, k)) < 0 || outbuf_put(&mem, ":", 1) < 0)
			return zerr_set(e, "out of memory");
		ru->oprefix[k] = (struct fspan){ru->oprefix_buf + at, mem.len - at};
		first = false;
	}
	return 0;
}

/* Whether v is a whole number as JSON writes it: digits, no leading 0. */
static bool is_uint(struct fspan v)
{
	if (v.n == 0 || (v.p[0] == '0' && v.n > 1))
		return false;
	for (size_t i = 0; i < v.n; i++)
		if (v.p[i] < '0' || v.p[i] > '9')
			return false;
	return true;
}

/* Whether v is a whole number, maybe negative, as JSON writes it. */
static bool is_int(struct fspan v)
{
	return v.n > 1 && v.p[0] == '-' && v.p[1] != '0' ? is_uint((struct fspan){v.p + 1, v.n - 1})
	                                                 : is_uint(v);
}

/* Writes a value as JSON. From JSON it keeps its type (a string stays a
 * string, a literal, array or object stays as it was). From CSV its kind
 * says the type (see kind_of): a number (OK_NUM, OK_INT) when the text is
 * one, a boolean (1/0 as zrecv writes them in CSV, or true/false), a list
 * as its JSON text when that is one whole array or object, every other
 * kind a string (so hex "1234" stays a string); a name neither the schema
 * nor a module has takes a number for digits alone and a boolean for
 * true/false. Text that does not fit its kind is a string: written, never
 * lost. For LZR, a number goes bare whatever it came as (checked by
 * fits_next_stage). */
static int write_value_json(const struct run *ru, struct outbuf *out, struct fspan v, bool quoted,
                            int kind)
{
	if (ru->cfg->format == RESULTFILTER_LZR)
		return kind == OK_NUM ? outbuf_put(out, v.p, v.n) : json_put_string(out, v);
	if (ru->fmt == JSON)
		return quoted ? json_put_string(out, v) : outbuf_put(out, v.p, v.n);
	bool truth = span_is(v, "true") || span_is(v, "false");
	size_t end;
	switch (kind) {
	case OK_NUM:
		if (is_uint(v))
			return outbuf_put(out, v.p, v.n);
		break;
	case OK_INT:
		if (is_int(v))
			return outbuf_put(out, v.p, v.n);
		break;
	case OK_BOOL:
		if (span_is(v, "1") || span_is(v, "0"))
			return v.p[0] == '1' ? outbuf_put(out, "true", 4)
			                     : outbuf_put(out, "false", 5);
		if (truth)
			return outbuf_put(out, v.p, v.n);
		break;
	case OK_LIST:
		if (v.n && json_nested(v.p, v.n, &end) == SPLIT_OK && end == v.n)
			return outbuf_put(out, v.p, v.n);
		break;
	case OK_UNKNOWN:
		if (is_uint(v) || truth)
			return outbuf_put(out, v.p, v.n);
		break;
	default:
		break;
	}
	return json_put_string(out, v);
}

/* v in double quotes, its double quotes doubled. */
static int csv_put_in_quotes(struct outbuf *out, struct fspan v)
{
	if (outbuf_put(out, "\"", 1) < 0)
		return -1;
	for (size_t s = 0;;) {
		const char *q = memchr(v.p + s, '"', v.n - s);
		size_t e = q ? (size_t)(q - v.p) + 1 : v.n;
		if (outbuf_put(out, v.p + s, e - s) < 0 || (q && outbuf_put(out, "\"", 1) < 0))
			return -1;
		if (!q)
			return outbuf_put(out, "\"", 1);
		s = e;
	}
}

/* Writes a value as a CSV field, as zrecv writes its kind: a JSON
 * true/false of a boolean as 1/0, a list always in quotes, a module's
 * text in quotes when a space is at an end. (A null never gets here: see
 * fit_row.) */
static int write_value_csv(const struct run *ru, struct outbuf *out, struct fspan v, bool quoted,
                           int kind, bool alone)
{
	if (ru->fmt == JSON && !quoted && kind == OK_BOOL) {
		if (span_is(v, "true"))
			v = (struct fspan){"1", 1};
		else if (span_is(v, "false"))
			v = (struct fspan){"0", 1};
	}
	if (v.n &&
	    (kind == OK_LIST || (kind == OK_MODTEXT && (v.p[0] == ' ' || v.p[v.n - 1] == ' '))))
		return csv_put_in_quotes(out, v);
	return csv_put_field(out, v, alone);
}

/* Writes the output values v[0..n) (q: each was a JSON string); r gives
 * the names when a JSON line's columns go out as they came. */
static int write_row(struct run *ru, struct outbuf *out, const struct row *r, const struct fspan *v,
                     const bool *q, int n)
{
	if (!ru->json_out) {
		for (int k = 0; k < n; k++)
			if ((k && outbuf_put(out, ",", 1) < 0) ||
			    write_value_csv(ru, out, v[k], q[k], ru->okind[k], n == 1) < 0)
				return -1;
		return outbuf_put(out, "\n", 1);
	}
	bool own_names = ru->out_all && ru->fmt == JSON;
	int written = 0;
	for (int k = 0; k < n; k++) {
		if (!own_names && ru->okind[k] == OK_BLANK)
			continue;
		written++;
		if (own_names) {
			if (outbuf_put(out, k ? "," : "{", 1) < 0 ||
			    json_put_string(out, r->name[k]) < 0 || outbuf_put(out, ":", 1) < 0)
				return -1;
		} else if (outbuf_put(out, ru->oprefix[k].p, ru->oprefix[k].n) < 0) {
			return -1;
		}
		if (write_value_json(ru, out, v[k], q[k], ru->okind[k]) < 0)
			return -1;
	}
	return outbuf_put(out, written ? "}\n" : "{}\n", written ? 2 : 3);
}

/* Writes the output fields of a split row, whose columns cm found. */
static int write_split_row(struct run *ru, struct outbuf *out, const struct row *r,
                           const struct colmap *cm)
{
	if (ru->out_all)
		return write_row(ru, out, r, r->v, r->quoted, r->n);
	struct fspan v[MAX_COLS];
	bool q[MAX_COLS];
	for (int k = 0; k < ru->nout; k++) {
		v[k] = col_value(r, cm->o[k]);
		q[k] = col_quoted(r, cm->o[k]);
	}
	return write_row(ru, out, r, v, q, ru->nout);
}

/* The CSV output's header row, once the columns are known. */
static int write_header(struct run *ru, struct outbuf *out)
{
	int n = ru->out_all ? ru->header.n : ru->nout;
	for (int k = 0; k < n; k++)
		if ((k && outbuf_put(out, ",", 1) < 0) ||
		    csv_put_field(out, out_name(ru, k), n == 1) < 0)
			return -1;
	return outbuf_put(out, "\n", 1);
}

/* -O zgrab2: the output fields into ZGrab2's four columns, IP, domain,
 * tag, port (its CSV input: a port must be the fourth field, ip,port is
 * read as a domain): one field is the IP, two the IP and the port, four
 * the four, blank for an empty one. dflt: saddr,sport by default, the
 * port then empty when the rows have no sport. */
static int zgrab2_columns(struct run *ru, bool dflt, struct zerr *e)
{
	int n = ru->nout;
	if (n == 3 || n > 4) {
		zerr_set(e,
		         "-f: -O zgrab2 takes 1, 2 or 4 fields (the address; the address and the "
		         "port; or ZGrab2's ip,domain,tag,port, blank for an empty one), not %d",
		         n);
		return RESULTFILTER_USAGE;
	}
	if (ru->blank[0]) {
		zerr_set(e, "-f: ZGrab2's first column is the IP address, not blank");
		return RESULTFILTER_USAGE;
	}
	if (n < 4) {
		bool port_blank = n == 1 || ru->blank[1];
		ru->outn[3] = n == 2 ? ru->outn[1] : blank_name;
		ru->outn[1] = ru->outn[2] = blank_name;
		ru->blank[1] = ru->blank[2] = true;
		ru->blank[3] = port_blank;
		ru->nout = 4;
	}
	ru->optional[3] = dflt;
	ru->ocheck[0] = CHK_IP;
	ru->ocheck[3] = CHK_PORT_OR_EMPTY;
	return 0;
}

static int setup(struct run *ru, const struct resultfilter_config *cfg, struct zerr *e)
{
	ru->cfg = cfg;
	ru->max_line = cfg->max_line ? cfg->max_line : RESULTFILTER_MAX_LINE;
	ru->max_record_lines =
	    cfg->max_record_lines ? cfg->max_record_lines : RESULTFILTER_MAX_RECORD_LINES;
	if (ru->max_line == 1u << 20)
		snprintf(ru->bound_note, sizeof ru->bound_note,
		         " within %lu lines or 1 MiB (read on from the next line)",
		         ru->max_record_lines);
	else
		snprintf(ru->bound_note, sizeof ru->bound_note,
		         " within %lu lines or %zu bytes (read on from the next line)",
		         ru->max_record_lines, ru->max_line);
	bool zgrab2 = cfg->format == RESULTFILTER_ZGRAB2, lzr = cfg->format == RESULTFILTER_LZR;
	/* ZGrab2's default: saddr and sport, the port empty when the rows
	 * have no sport (an ICMP scan's) */
	bool zgrab2_dflt = zgrab2 && !cfg->fields && !cfg->key;
	ru->json_out = cfg->format == RESULTFILTER_JSON || lzr;
	if (lzr && cfg->fields) {
		zerr_set(e, "-f: -O lzr writes the fields LZR reads (%s)", LZR_FIELDS);
		return RESULTFILTER_USAGE;
	}
	const char *outl = lzr           ? LZR_FIELDS
	                   : cfg->fields ? cfg->fields
	                   : cfg->key    ? cfg->key
	                   : zgrab2      ? "saddr,sport"
	                                 : "saddr";
	ru->out_all = strcmp(outl, "*") == 0;
	if (ru->out_all && zgrab2) {
		zerr_set(e, "-f: -O zgrab2 writes its four columns from named fields, not '*'");
		return RESULTFILTER_USAGE;
	}
	if (!ru->out_all && (ru->nout = split_names(outl, ru->outbuf_names, sizeof ru->outbuf_names,
	                                            ru->outn, MAX_COLS, "-f", e)) < 0)
		return RESULTFILTER_USAGE;
	if (cfg->key || lzr) {
		const char *keyl = cfg->key ? cfg->key : "saddr,sport"; /* a handshake each */
		if ((ru->nkey = split_names(keyl, ru->keybuf, sizeof ru->keybuf, ru->key,
		                            RESULTFILTER_MAX_KEYS, "-u", e)) < 0)
			return RESULTFILTER_USAGE;
		for (int k = 0; k < ru->nkey; k++)
			if (!strcmp(ru->key[k], "blank")) {
				zerr_set(e, "-u: blank is an empty column for -f, not a field");
				return RESULTFILTER_USAGE;
			}
	}
	int fields = 0;
	for (int k = 0; k < ru->nout; k++)
		fields += !(ru->blank[k] = strcmp(ru->outn[k], "blank") == 0);
	if (!ru->out_all && !fields) {
		zerr_set(e, "-f: every field is blank");
		return RESULTFILTER_USAGE;
	}
	for (int k = 0; !cfg->key && !lzr && k < ru->nout; k++) { /* the key: -f's fields */
		if (ru->blank[k])
			continue;
		if (ru->nkey == RESULTFILTER_MAX_KEYS) {
			zerr_set(e, "-u: at most %d fields", RESULTFILTER_MAX_KEYS);
			return RESULTFILTER_USAGE;
		}
		ru->key_optional[ru->nkey] = zgrab2_dflt && k == 1;
		ru->key[ru->nkey++] = ru->outn[k];
	}
	int rc = zgrab2 ? zgrab2_columns(ru, zgrab2_dflt, e) : 0;
	if (rc < 0)
		return rc;
	for (int k = 0; lzr && k < ru->nout; k++)
		ru->ocheck[k] = k < 2 ? CHK_IP : CHK_U32; /* saddr, daddr; numbers */
	ru->checked = zgrab2 || lzr;
	ru->who = lzr ? "LZR" : "ZGrab2";
	ru->addr_set = !cfg->no_dedup && ru->nkey == 1 &&
	               (!strcmp(ru->key[0], "saddr") || !strcmp(ru->key[0], "daddr"));
	const char *where = cfg->where ? cfg->where : cfg->all ? NULL : "success = 1";
	if (where && !(ru->where = filterexpr_parse(where, e)))
		return RESULTFILTER_USAGE;
	for (int k = 0; k < ru->nkey; k++) {
		ru->keys_s[k] = (struct fspan){ru->key[k], strlen(ru->key[k])};
		int id = fields_find(ru->key[k], ru->keys_s[k].n);
		ru->key_addr[k] = id >= 0 && (fields_table[id].kind == FIELD_ADDR ||
		                              fields_table[id].kind == FIELD_ADDR_OR_EMPTY);
		ru->any_key_addr |= ru->key_addr[k];
	}
	for (int k = 0; k < ru->nout; k++)
		ru->outn_s[k] = (struct fspan){ru->outn[k], strlen(ru->outn[k])};
	for (size_t k = 0; ru->where && k < filterexpr_nfields(ru->where); k++)
		ru->where_s[k] = (struct fspan){filterexpr_field(ru->where, k),
		                                strlen(filterexpr_field(ru->where, k))};
	for (int k = 0; k < ru->nkey; k++)
		ru->keys_bit[k] = rowsplit_name_bit(ru->keys_s[k]);
	for (int k = 0; k < ru->nout; k++)
		ru->outn_bit[k] = rowsplit_name_bit(ru->outn_s[k]);
	for (size_t k = 0; ru->where && k < filterexpr_nfields(ru->where); k++) {
		ru->where_bit[k] = rowsplit_name_bit(ru->where_s[k]);
		ru->where_all |= (uint64_t)1 << k;
	}
	return 0;
}

/* The output failed (errno says why): nothing more is written. */
static int write_failed(struct seen *s, struct zerr *e)
{
	if (!s->werr)
		s->werr = errno ? errno : EIO;
	return zerr_set(e, "stdout: write error: %s", strerror(s->werr));
}

/* The columns are known (names: the CSV header row, or the first good JSON
 * line's names with map; NULL for other JSON, whose lines are taken by
 * name one by one): checks the options against them, and starts the CSV
 * output with its header. */
static int columns_known(struct run *ru, const struct row *names, struct zerr *e)
{
	ru->bound = true;
	if (names && bind_columns(ru, names, e) < 0)
		return RESULTFILTER_USAGE;
	if (describe_output(ru, e) < 0)
		return -1;
	if (ru->cfg->format == RESULTFILTER_CSV && write_header(ru, &ru->seen.out) < 0)
		return write_failed(&ru->seen, e);
	return 0;
}

/* The CSV header row (a record, quoted says if it holds a double quote):
 * names the columns. It is kept, with room for its unescaped names. */
static int read_header(struct run *ru, const char *line, size_t ll, bool quoted,
                       unsigned long lineno, struct zerr *e)
{
	/* all ll bytes: strndup would stop at a NUL in the line */
	if (!(ru->header_copy = malloc(2 * ll + 1)))
		return zerr_set(e, "out of memory");
	memcpy(ru->header_copy, line, ll);
	ru->header_copy[ll] = '\0';
	ru->header_len = ll;
	ru->header_lineno = lineno;
	ru->header.scratch = ru->header_copy + ll + 1;
	enum split_status s = quoted ? csv_split_quoted(ru->header_copy, ll, &ru->header)
	                             : csv_split(ru->header_copy, ll, &ru->header);
	if (s == SPLIT_TOO_MANY)
		return zerr_set(e, "stdin:%lu: the header row has more than %d columns", lineno,
		                MAX_COLS);
	if (s != SPLIT_OK)
		return zerr_set(
		    e, "stdin:%lu: the header row is not CSV: its field %d is quoted wrongly",
		    lineno, ru->header.at + 1);
	for (int c = 0; c < ru->header.n; c++)
		ru->header.name[c] = ru->header.v[c];
	ru->ncols = ru->header.n;
	ru->have_header = true;
	return columns_known(ru, &ru->header, e);
}

/* JSON with map: the first good line's names become the columns, each
 * once, where it first appears (a name twice is one column, as in a
 * Python dict). */
static int take_json_header(struct run *ru, const struct row *r, struct zerr *e)
{
	size_t size = 1;
	for (int c = 0; c < r->n; c++)
		size += r->name[c].n;
	if (!(ru->header_copy = malloc(size)))
		return zerr_set(e, "out of memory");
	char *p = ru->header_copy;
	int n = 0;
	for (int c = 0; c < r->n; c++) {
		ru->header.n = n;
		if ((r->names_twice & rowsplit_name_bit(r->name[c])) &&
		    find_col(&ru->header, r->name[c], 0, -1) >= 0)
			continue;
		memcpy(p, r->name[c].p, r->name[c].n);
		ru->header.name[n++] = (struct fspan){p, r->name[c].n};
		p += r->name[c].n;
	}
	ru->header.n = ru->ncols = n;
	return columns_known(ru, &ru->header, e);
}

/* A field's name, escaped and cut, for a message. */
static const char *shown_name(char *buf, size_t size, struct fspan name)
{
	return escape_bytes(buf, size, name.p, name.n);
}

/* Why a split of a line of ll bytes failed, for the bad-line report;
 * open_note says why a quote that does not close ended where it did. */
static void split_why(const struct row *r, enum split_status s, size_t ll, const char *open_note,
                      char *why, size_t size)
{
	char nm[160];
	const char *name = s == SPLIT_TOO_DEEP ? shown_name(nm, sizeof nm, r->name[r->at]) : "";
	switch (s) {
	case SPLIT_TOO_MANY:
		snprintf(why, size, "more than %d fields:", MAX_COLS);
		break;
	case SPLIT_STRAY_QUOTE:
		snprintf(why, size, "a double quote in field %d, which is not quoted:", r->at + 1);
		break;
	case SPLIT_AFTER_QUOTE:
		snprintf(why, size, "text after the closing quote of field %d:", r->at + 1);
		break;
	case SPLIT_OPEN_QUOTE:
		snprintf(why, size, "field %d opens a quote that does not close%s:", r->at + 1,
		         open_note ? open_note : "");
		break;
	case SPLIT_TOO_DEEP:
		snprintf(why, size,
		         "field '%s' nests arrays or objects deeper than %d levels:", name,
		         ROWSPLIT_MAX_DEPTH);
		break;
	case SPLIT_SURROGATE:
		snprintf(why, size, "a \\u escape of half a UTF-16 surrogate pair at byte %zu:",
		         r->at_byte + 1);
		break;
	default:
		if (r->at_byte >= ll)
			snprintf(why, size, "not a JSON object (it ends too soon):");
		else
			snprintf(why, size, "not a JSON object (at byte %zu):", r->at_byte + 1);
		break;
	}
}

/* JSON with map: puts r's values in the columns' order, by name (of a
 * name twice, the last). False, with why, if its names are not the
 * columns': one more, or one missing. */
static bool place_by_name(const struct run *ru, struct row *r, char *why, size_t size)
{
	const struct row *h = &ru->header;
	char nm[160];
	uint64_t used = 0;
	int from[MAX_COLS]; /* from[c]: r's field for column c */
	bool same = r->n == h->n;
	for (int j = 0; j < r->n; j++) {
		int c = j < h->n && span_eq(h->name[j], r->name[j])
		            ? j
		            : find_col(h, r->name[j], 0, -1);
		if (c < 0) {
			snprintf(why, size,
			         "field '%s' is not among the columns, which the first line named:",
			         shown_name(nm, sizeof nm, r->name[j]));
			return false;
		}
		used |= (uint64_t)1 << c;
		from[c] = j; /* a later one of the same name wins */
		same &= c == j;
	}
	for (int c = 0; c < h->n; c++) {
		if (used >> c & 1)
			continue;
		snprintf(why, size, "missing field '%s', a column the first line named:",
		         shown_name(nm, sizeof nm, h->name[c]));
		return false;
	}
	r->names_twice = 0; /* each column once */
	if (same)
		return true;
	struct row was = *r;
	r->unescaped = 0;
	for (int c = 0; c < h->n; c++) {
		r->v[c] = was.v[from[c]];
		r->quoted[c] = was.quoted[from[c]];
		r->name[c] = was.name[from[c]];
		r->unescaped |= (was.unescaped >> from[c] & 1) << c;
	}
	r->n = h->n;
	return true;
}

/* Fits a split row to the columns, finding the named ones in it (for
 * JSON, where names may move or be missing from line to line). False,
 * with why (if not NULL), if it does not fit, or holds a value the output
 * cannot write. */
static bool fit_row(const struct run *ru, struct row *r, struct colmap *cm, char *why, size_t size)
{
	char nm[160];
	if (ru->fmt == CSV) {
		if (r->n == ru->ncols)
			return true;
		if (why)
			snprintf(why, size, "wrong number of fields:");
		return false;
	}
	char ignored[8];
	if (!why)
		why = ignored, size = sizeof ignored;
	if (ru->map && r->n == 0) {
		snprintf(why, size, "an object with no fields, which a CSV row cannot hold:");
		return false;
	}
	if (ru->map && !place_by_name(ru, r, why, size))
		return false;
	for (int k = 0; k < ru->nkey; k++) {
		cm->k[k] = find_col(r, ru->keys_s[k], ru->keys_bit[k], cm->k[k]);
		if (cm->k[k] < 0 && ru->key_optional[k]) {
			cm->k[k] = BLANK_COL;
		} else if (cm->k[k] < 0) {
			snprintf(why, size, "missing field '%s':", ru->key[k]);
			return false;
		}
	}
	for (int k = 0; k < ru->nout; k++) {
		if (ru->blank[k]) {
			cm->o[k] = BLANK_COL;
			continue;
		}
		cm->o[k] = find_col(r, ru->outn_s[k], ru->outn_bit[k], cm->o[k]);
		if (cm->o[k] < 0 && ru->optional[k]) {
			cm->o[k] = BLANK_COL;
		} else if (cm->o[k] < 0) {
			snprintf(why, size, "missing field '%s':", ru->outn[k]);
			return false;
		}
	}
	size_t nw = ru->where ? filterexpr_nfields(ru->where) : 0;
	for (size_t k = 0; k < nw; k++)
		cm->w[k] = find_col(r, ru->where_s[k], ru->where_bit[k], cm->w[k]);
	if (ru->json_out)
		return true;
	/* CSV has no null: an empty field reads back as an empty string */
	int n = ru->out_all ? r->n : ru->nout;
	for (int k = 0; k < n; k++) {
		int c = ru->out_all ? k : cm->o[k];
		if (c < 0 || r->quoted[c] || !span_is(r->v[c], "null"))
			continue;
		snprintf(why, size,
		         "field '%s' is null, which CSV cannot tell from an empty value:",
		         shown_name(nm, sizeof nm, r->name[c]));
		return false;
	}
	return true;
}

/* Grows s to hold n bytes. */
static int scratch_room(struct scratch *s, size_t n)
{
	if (s->cap >= n)
		return 0;
	size_t cap = s->cap ? s->cap : 4096;
	while (cap < n)
		cap *= 2;
	char *p = realloc(s->p, cap);
	if (!p)
		return -1;
	s->p = p;
	s->cap = cap;
	return 0;
}

/* Splits a record into r (CSV: quoted says it holds a double quote). */
static enum split_status split_record(const struct run *ru, const char *line, size_t ll,
                                      bool quoted, struct row *r)
{
	if (ru->fmt == JSON)
		return json_split(line, ll, r);
	return quoted ? csv_split_quoted(line, ll, r) : csv_split(line, ll, r);
}

/* A row's key is its key fields (the whole row's when there is no key),
 * each as its length (one byte below 128, else two) and its bytes: keys
 * compare whole, and no two different keys encode alike, whatever bytes
 * the values hold. A whole JSON row that goes out with its own names has
 * them in its key too. key_size is the length key_encode writes. */
static struct fspan key_value(const struct run *ru, const struct row *r, int k)
{
	if (!ru->nkey)
		return r->v[k];
	return ru->any_key_addr ? ru->keyv[k] : col_value(r, ru->cm.k[k]);
}

/* IPv6 text has a ':' in its first five bytes (groups are at most four
 * digits); IPv4 text has none. A word test, since it runs on every row. */
static inline bool maybe_ip6(struct fspan v)
{
	if (v.n < 5) {
		for (size_t i = 0; i < v.n; i++)
			if (v.p[i] == ':')
				return true;
		return false;
	}
	uint32_t w;
	memcpy(&w, v.p, 4);
	w ^= 0x3a3a3a3au; /* a ':' byte becomes zero */
	return ((w - 0x01010101u) & ~w & 0x80808080u) != 0 || v.p[4] == ':';
}

/* The key values of r into keyv: an IPv6 address in an address field in
 * its RFC 5952 text (an IPv4-mapped one as IPv4's), anything else as it
 * is. */
static void canon_keys(struct run *ru, const struct row *r)
{
	for (int k = 0; k < ru->nkey; k++) {
		struct fspan v = col_value(r, ru->cm.k[k]);
		struct ipaddr a;
		ru->keyv[k] = v;
		if (ru->key_addr[k] && maybe_ip6(v) && ipaddr_parse(v.p, v.n, &a) == 0)
			ru->keyv[k] = (struct fspan){
			    ru->canon[k], (size_t)(ipaddr_format(ru->canon[k], a) - ru->canon[k])};
	}
}

static size_t key_size(const struct run *ru, const struct row *r)
{
	size_t n = 0;
	int nk = ru->nkey ? ru->nkey : r->n;
	bool names = !ru->nkey && ru->fmt == JSON && !ru->map;
	for (int k = 0; k < nk; k++) {
		size_t vn = key_value(ru, r, k).n;
		n += (vn < 0x80 ? 1 : 2) + vn;
		if (names)
			n += (r->name[k].n < 0x80 ? 1 : 2) + r->name[k].n;
	}
	return n;
}

static size_t key_put(char *out, struct fspan v)
{
	size_t n = 0;
	if (v.n < 0x80) {
		out[n++] = (char)v.n;
	} else {
		out[n++] = (char)(0x80 | v.n >> 8);
		out[n++] = (char)(v.n & 0xff);
	}
	memcpy(out + n, v.p, v.n);
	return n + v.n;
}

/* For a key of at most KEY_MAX bytes. */
static size_t key_encode(const struct run *ru, const struct row *r, char *out)
{
	size_t n = 0;
	int nk = ru->nkey ? ru->nkey : r->n;
	bool names = !ru->nkey && ru->fmt == JSON && !ru->map;
	for (int k = 0; k < nk; k++) {
		if (names)
			n += key_put(out + n, r->name[k]);
		n += key_put(out + n, key_value(ru, r, k));
	}
	return n;
}

/* Where a record is in the input, for its report. */
struct rec_at {
	unsigned long first, last; /* its lines */
	const char *open_note;     /* a quote that does not close: why it ends there */
};

static int bad_row(struct run *ru, struct rec_at at, const char *why, const char *line, size_t ll)
{
	ru->st->bad++;
	ru->bad(at.first, at.last, why, line, ll);
	return 0;
}

/* JSON: before the first good line, the output's description and its CSV
 * header; with map, that line's names are the columns, and it must have
 * the key's fields, like every line after it. 1 if r is not such a line
 * (a bad line, reported), else 0 or an error. */
static int first_json_row(struct run *ru, const struct row *r, struct rec_at at, const char *line,
                          size_t ll, struct zerr *e)
{
	char why[320];
	if (!ru->map)
		return columns_known(ru, NULL, e);
	if (r->n == 0)
		return 0; /* not the first good line: fit_row refuses it */
	for (int k = 0; k < ru->nkey; k++)
		if (find_col(r, ru->keys_s[k], 0, -1) < 0 && !ru->key_optional[k]) {
			snprintf(why, sizeof why, "missing field '%s':", ru->key[k]);
			bad_row(ru, at, why, line, ll);
			return 1;
		}
	return take_json_header(ru, r, e);
}

/* -O zgrab2 and lzr: whether r's output values are what the next stage
 * needs (ocheck); false, with why, if not. */
static bool fits_next_stage(const struct run *ru, const struct row *r, char *why, size_t size)
{
	for (int k = 0; k < ru->nout; k++) {
		struct fspan v = col_value(r, ru->cm.o[k]);
		struct ipaddr a;
		const char *need = NULL;
		switch (ru->ocheck[k]) {
		case CHK_IP:
			if (ipaddr_parse(v.p, v.n, &a) < 0)
				need = "an IP address";
			break;
		case CHK_PORT_OR_EMPTY:
			if (v.n &&
			    (!is_uint(v) || v.n > 5 || (v.n == 5 && memcmp(v.p, "65535", 5) > 0)))
				need = "a port number (or empty)";
			break;
		case CHK_U32:
			if (!is_uint(v) || v.n > 10 ||
			    (v.n == 10 && memcmp(v.p, "4294967295", 10) > 0))
				need = "a number of 0 to 4294967295";
			break;
		default:
			break;
		}
		if (need) {
			snprintf(why, size, "field '%s' is not %s, which %s needs:", ru->outn[k],
			         need, ru->who);
			return false;
		}
	}
	return true;
}

/* Splits a data record into r (CSV: quoted if it holds a double quote)
 * and applies the filter; for an address key also parses the address
 * into *addr, or an IPv6 one into *a6 (*keylen is then 16). Returns 1 if
 * the row passes, 0 if not (a bad line is
 * reported and counted), or an error. */
static int take_row(struct run *ru, const char *line, size_t ll, bool quoted, struct rec_at at,
                    struct row *r, uint32_t *addr, struct ipaddr *a6, size_t *keylen,
                    struct zerr *e)
{
	size_t nw = ru->where ? filterexpr_nfields(ru->where) : 0;
	char why[320];
	if (ru->fmt == JSON || quoted) {
		/* a row split again later unescapes as much */
		if (scratch_room(&ru->scr, ll + 1) < 0 || scratch_room(&ru->scr_again, ll + 1) < 0)
			return zerr_set(e, "out of memory");
		r->scratch = ru->scr.p;
	}
	enum split_status s = split_record(ru, line, ll, quoted, r);
	ru->st->rows++;
	if (s != SPLIT_OK) {
		split_why(r, s, ll, at.open_note, why, sizeof why);
		return bad_row(ru, at, why, line, ll);
	}
	if (ru->fmt == JSON && !ru->bound) {
		int rc = first_json_row(ru, r, at, line, ll, e);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
	if (ru->fmt == CSV ? r->n != ru->ncols : !fit_row(ru, r, &ru->cm, why, sizeof why))
		return bad_row(ru, at, ru->fmt == CSV ? "wrong number of fields:" : why, line, ll);
	if (ru->fmt == JSON && ru->where_seen != ru->where_all) {
		/* which --where fields the rows have had (until all have) */
		ru->fitted = true;
		for (size_t k = 0; k < nw; k++)
			ru->where_seen |= (uint64_t)(ru->cm.w[k] >= 0) << k;
	}
	if (ru->where) {
		struct fspan wv[FILTEREXPR_MAX_FIELDS];
		for (size_t k = 0; k < nw; k++)
			wv[k] = ru->cm.w[k] >= 0 ? r->v[ru->cm.w[k]] : (struct fspan){NULL, 0};
		if (!filterexpr_eval(ru->where, wv))
			return 0;
	}
	ru->st->passed++;
	if (ru->checked && !fits_next_stage(ru, r, why, sizeof why)) {
		ru->st->passed--;
		return bad_row(ru, at, why, line, ll);
	}
	if (ru->addr_set) {
		/* a field is always followed by a delimiter (in the block: ',',
		 * '"', '}', ' ', or the line's '\r' or '\n'; unescaped: a NUL),
		 * which is what lets addr_scan parse in one pass without bounds;
		 * an IPv6 address is a key of its 16 bytes, so that one address
		 * written two ways is one key */
		struct fspan k = r->v[ru->cm.k[0]];
		if (k.n == 0 || addr_scan(k.p, addr) != k.n) {
			if (k.n && memchr(k.p, ':', k.n) && ipaddr_parse(k.p, k.n, a6) == 0) {
				if (ipaddr_is_v4(*a6)) { /* ::ffff:a.b.c.d is IPv4's a.b.c.d */
					*addr = ipaddr_v4(*a6);
					return 1;
				}
				*keylen = 16;
				return 1;
			}
			snprintf(why, sizeof why, "%s is not an IP address:", ru->key[0]);
			ru->st->passed--;
			return bad_row(ru, at, why, line, ll);
		}
	} else if (!ru->cfg->no_dedup) {
		if (ru->any_key_addr)
			canon_keys(ru, r);
		if ((*keylen = key_size(ru, r)) > KEY_MAX) {
			snprintf(why, sizeof why,
			         "a key of %zu bytes is over the limit of %d:", *keylen, KEY_MAX);
			ru->st->passed--;
			return bad_row(ru, at, why, line, ll);
		}
	}
	return 1;
}

/* Splits a row taken before again, to print it. */
static void split_again(struct run *ru, const char *line, size_t ll, bool quoted, struct row *r)
{
	r->scratch = ru->scr_again.p;
	(void)split_record(ru, line, ll, quoted, r);
	(void)fit_row(ru, r, &ru->cm_again, NULL, 0);
}
/* Marks the rows of b whose key is new, in input order: it writes nothing
 * but b and the key sets. */
static int dedup_batch(struct seen *s, bool addr_set, struct batch *b)
{
	for (unsigned i = 0; i < b->n; i++) {
		if (addr_set && !b->v6[i]) {
			if (i + AHEAD < b->n)
				bitmap_prefetch(&s->bm, b->addr[i + AHEAD]);
			b->fresh[i] = !bitmap_test_and_set(&s->bm, b->addr[i]);
			continue;
		}
		if (i + AHEAD < b->n)
			strset_prefetch(&s->set, b->hash[i + AHEAD]);
		int fresh = strset_add(&s->set, b->hash[i], b->keys + b->key_at[i], b->key_len[i]);
		if (fresh < 0)
			return -1;
		b->fresh[i] = fresh;
	}
	return 0;
}

/* Prints the fresh rows of a deduplicated batch; -1 with seen.werr set
 * if the output fails (or failed before). r is for rows split again. */
static int write_batch(struct run *ru, struct batch *b, struct row *r)
{
	struct outbuf *out = &ru->seen.out;
	if (ru->seen.werr)
		return -1;
	for (unsigned i = 0; i < b->n; i++) {
		if (!b->fresh[i])
			continue;
		ru->seen.unique++;
		int rc;
		if (b->whole) { /* the line split when it was taken */
			split_again(ru, b->line[i].p, b->line[i].n, b->line_quoted[i], r);
			rc = write_split_row(ru, out, r, &ru->cm_again);
		} else {
			rc = write_row(ru, out, r, b->out[i], b->quoted[i], ru->nout);
		}
		if (rc < 0) {
			ru->seen.werr = errno ? errno : EIO;
			return -1;
		}
	}
	return 0;
}

/* Deduplicates a batch and, unless its rows must be split again (which
 * uses the parser's state), prints it: all the worker thread does. */
static void settle(struct run *ru, struct batch *b)
{
	b->oom = dedup_batch(&ru->seen, ru->addr_set, b) < 0;
	if (!b->oom && !b->whole && write_batch(ru, b, NULL) < 0)
		b->werr = ru->seen.werr;
}

/* While this thread waits for the worker, it takes page faults for it.
 * Once the worker is behind, it is busy taking its page faults: the
 * first 500,000 random addresses touch nearly all of the bitmap's 131,072
 * pages, and that is 0.3 s in one thread. So this one touches the pages of
 * the newest batches, which the worker gets to last, each page once, until
 * the oldest batch is done. */
static void fault_ahead(struct run *ru)
{
	if (!ru->touched)
		return;
	for (unsigned long k = ru->published; k > ru->written + 1; k--) {
		const struct batch *b = &ru->ring[(k - 1) % ru->nring];
		for (unsigned i = 0; i < b->n; i++) {
			uint32_t page = b->addr[i] >> BITMAP_PAGE_SHIFT;
			uint64_t bit = 1ull << (page & 63);
			if (ru->touched[page >> 6] & bit)
				continue;
			ru->touched[page >> 6] |= bit;
			bitmap_touch(&ru->seen.bm, b->addr[i]);
		}
		if (seqwait_value(&ru->done) > ru->written)
			return;
	}
}

/* Takes the batches settled so far, in order, printing those left to
 * print, and waits for those up to number upto. */
static int collect(struct run *ru, unsigned long upto, struct zerr *e)
{
	unsigned long done = ru->threaded ? seqwait_value(&ru->done) : ru->published;
	while (ru->written < upto || ru->written < done) {
		if (ru->written >= done) {
			fault_ahead(ru);
			done = seqwait_until(&ru->done, ru->written + 1);
		}
		struct batch *b = &ru->ring[ru->written % ru->nring];
		if (b->oom)
			return zerr_set(e, "out of memory");
		if (!b->werr && b->whole && write_batch(ru, b, &ru->again) < 0)
			b->werr = ru->seen.werr;
		if (b->werr)
			return zerr_set(e, "stdout: write error: %s", strerror(b->werr));
		b->n = 0; /* only this thread writes n, so fault_ahead may read it */
		b->keys_used = 0;
		ru->written++;
	}
	return 0;
}

/* Hands the filled batch to be settled (by the worker, or here), and
 * takes the next free one. */
static int publish(struct run *ru, struct zerr *e)
{
	if (ru->threaded)
		seqwait_advance(&ru->pub);
	else
		settle(ru, ru->batch);
	ru->published++;
	unsigned long free_slot = ru->published >= ru->nring ? ru->published - ru->nring + 1 : 0;
	int rc = collect(ru, free_slot, e);
	ru->batch = &ru->ring[ru->published % ru->nring];
	return rc;
}

/* Settles and prints batches up to number upto, the one being filled too
 * if it is among them. */
static int finish_upto(struct run *ru, unsigned long upto, struct zerr *e)
{
	int rc = upto > ru->published && ru->batch->n ? publish(ru, e) : 0;
	return rc < 0 ? rc : collect(ru, upto, e);
}

/* The batches that hold every row taken so far, the one being filled
 * included. */
static unsigned long batches_taken(const struct run *ru)
{
	return ru->published + (ru->batch->n > 0);
}

/* Everything taken so far printed. */
static int drain(struct run *ru, struct zerr *e)
{
	return finish_upto(ru, batches_taken(ru), e);
}

/* It prints, so a stop that gives up a write its reader does not take
 * (util/outbuf.h) must reach its write too. */
static void *dedup_worker(void *arg)
{
	struct run *ru = arg;
	int wake = write_full_wakeable();
	for (unsigned long k = 0;; k++) {
		seqwait_until(&ru->pub, k + 1);
		struct batch *b = &ru->ring[k % ru->nring];
		if (b->quit)
			break;
		settle(ru, b);
		seqwait_advance(&ru->done);
	}
	write_full_unwakeable(wake);
	return NULL;
}

/* Puts a row that passed into the batch. */
static void batch_add(struct run *ru, const struct row *r, const char *line, size_t ll, bool quoted,
                      uint32_t addr, const struct ipaddr *a6)
{
	struct batch *b = ru->batch;
	b->v6[b->n] = a6 != NULL;
	if (ru->addr_set && !a6) {
		b->addr[b->n] = addr;
	} else if (a6) {
		char *key = b->keys + b->keys_used;
		ipaddr_to_bytes(*a6, (uint8_t *)key);
		b->addr[b->n] = 0; /* fault_ahead reads it */
		b->hash[b->n] = strset_hash(key, 16);
		b->key_at[b->n] = (uint32_t)b->keys_used;
		b->key_len[b->n] = 16;
		b->keys_used += 16;
	} else {
		char *key = b->keys + b->keys_used;
		size_t kl = key_encode(ru, r, key);
		b->hash[b->n] = strset_hash(key, kl);
		b->key_at[b->n] = (uint32_t)b->keys_used;
		b->key_len[b->n] = (uint32_t)kl;
		b->keys_used += kl;
	}
	if (b->whole) {
		b->line[b->n] = (struct fspan){line, ll};
		b->line_quoted[b->n] = quoted;
	} else {
		for (int k = 0; k < ru->nout; k++) {
			b->out[b->n][k] = col_value(r, ru->cm.o[k]);
			b->quoted[b->n][k] = col_quoted(r, ru->cm.o[k]);
		}
	}
	b->n++;
}

/* Whether an output value of r was unescaped (is in the scratch space,
 * which the next row reuses). */
static bool out_unescaped(const struct run *ru, const struct row *r)
{
	if (!r->unescaped)
		return false;
	for (int k = 0; k < ru->nout; k++)
		if (ru->cm.o[k] >= 0 && r->unescaped >> ru->cm.o[k] & 1)
			return true;
	return false;
}

/* From the first row whose output values had to be unescaped on, every
 * batch keeps its lines, split again to be printed, like the rows of
 * -f '*': the values are not in the line as they are to be printed. The
 * batches so far are printed first, so none of the other kind is in
 * flight. zrecv's output never comes here. */
static int go_whole(struct run *ru, struct zerr *e)
{
	int rc = drain(ru, e);
	if (rc < 0)
		return rc;
	ru->whole = true;
	for (unsigned i = 0; i < ru->nring; i++)
		ru->ring[i].whole = true;
	return 0;
}

/* A line over the limit, whole in the block or the start of one the
 * reader cut off: a bad line. */
static void long_line(struct run *ru, unsigned long lineno, const char *line, size_t n)
{
	struct rec_at at = {lineno, lineno, NULL};
	char why[96];
	snprintf(why, sizeof why, "a line over the limit of %zu bytes:", ru->max_line);
	ru->st->rows++;
	bad_row(ru, at, why, line, n);
}

/* Counts the newlines of the record at line up to byte upto, going on
 * from where the last count of it stopped. */
static void count_newlines(struct run *ru, const char *line, size_t upto)
{
	for (const char *q = line + ru->rec_counted;
	     (q = memchr(q, '\n', upto - (size_t)(q - line))); q++)
		ru->rec_newlines++;
	ru->rec_counted = upto;
}

enum { REC_WHOLE, REC_MORE, REC_OPEN };

/* The CSV record whose first line is at line (it holds a double quote)
 * as far as its end: REC_WHOLE, with *ll its length, *next what follows,
 * *extra the lines after its first. REC_MORE if it goes on past the block
 * and more input is to come: the reader then has it back, to hand out
 * again with more. REC_OPEN if it does not end within max_line bytes and
 * max_record_lines lines, or before the input does (*note says which):
 * its quote is taken for a stray one, and only its first line is lost.
 * The bounds are checked alike whether the record comes whole or in
 * pieces, so where the reads end never changes the answer, and a quote
 * that never closes holds at most a bound's worth of input. */
static int quoted_record(struct run *ru, struct linereader *lr, const char *line, const char *end,
                         size_t *ll, const char **next, unsigned long *extra, const char **note)
{
	size_t avail = (size_t)(end - line), rl;
	bool whole = csv_record_end(line, avail, &ru->pending, &rl);
	count_newlines(ru, line, whole ? rl : avail);
	/* open at the block's end, it has at least one byte and line more */
	size_t bytes = whole ? rl : avail + 1;
	unsigned long lines = ru->rec_newlines + 1;
	bool over = bytes > ru->max_line || lines > ru->max_record_lines;
	if (!whole && !over && linereader_unread(lr, avail))
		return REC_MORE;
	ru->pending = (struct csv_scan){0, 0};
	ru->rec_counted = 0;
	ru->rec_newlines = 0;
	if (whole && !over) {
		*extra = lines - 1;
		*next = line + rl + 1;
		*ll = rl > 0 && line[rl - 1] == '\r' ? rl - 1 : rl;
		return REC_WHOLE;
	}
	/* over, or the input ends (or a line over the limit comes next, which
	 * would take the record over it too) */
	*note = over || lr->long_pending ? ru->bound_note : " (read on from the next line)";
	return REC_OPEN;
}

/* The first double quote from next on, or end; quote, if it is still
 * ahead. */
static const char *quote_from(const char *quote, const char *next, const char *end)
{
	if (quote >= next)
		return quote;
	const char *q = memchr(next, '"', (size_t)(end - next));
	return q ? q : end;
}

/* One block of whole lines from the reader. Waiting rows point into the
 * block: the caller prints them before the reader reuses it. CSV lines
 * before the block's next double quote (found a block at a time, not a
 * line at a time: zrecv writes none) are split on their commas alone; a
 * line that holds one starts a record in RFC 4180's quoting, and one that
 * goes on past the block's end goes back to the reader. */
static int run_block(struct run *ru, struct linereader *lr, const char *p, size_t len,
                     unsigned long first, unsigned long *lines, struct zerr *e)
{
	const char *end = p + len, *next = p;
	const char *quote = ru->fmt == JSON ? end : memchr(p, '"', len);
	unsigned long n = 0;
	struct row r;
	int rc = 0;
	if (!quote)
		quote = end;
	for (; p < end && rc >= 0; p = next) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *line = p;
		size_t ll = (size_t)(nl - p);
		struct rec_at at = {first + n, first + n, NULL};
		n++;
		next = nl + 1;
		if (ll > ru->max_line) { /* arrived whole: as if cut off */
			long_line(ru, at.first, line, ll);
			quote = quote_from(quote, next, end);
			continue;
		}
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			continue;
		if (ru->fmt == UNKNOWN) {
			ru->fmt = line[0] == '{' ? JSON : CSV;
			ru->map = ru->fmt == JSON && ru->out_all && !ru->json_out;
		}
		bool quoted = ru->fmt == CSV && quote < nl;
		if (quoted) {
			unsigned long extra;
			const char *note;
			int got = quoted_record(ru, lr, line, end, &ll, &next, &extra, &note);
			if (got == REC_MORE) {
				*lines = n - 1;
				return 0;
			}
			n += got == REC_WHOLE ? extra : 0;
			at.last += got == REC_WHOLE ? extra : 0;
			at.open_note = got == REC_OPEN ? note : NULL;
			quote = quote_from(quote, next, end);
		}
		if (ru->fmt == CSV && !ru->have_header) { /* the header row names the columns */
			rc = read_header(ru, line, ll, quoted, at.first, e);
			continue;
		}
		/* the same header row again: the next of several result files
		 * given as one stream (cat recv-*.csv), not a row */
		if (ru->fmt == CSV && ll == ru->header_len &&
		    memcmp(line, ru->header_copy, ll) == 0)
			continue;
		uint32_t addr = 0;
		struct ipaddr a6 = {0, 0};
		size_t keylen = 0;
		if ((rc = take_row(ru, line, ll, quoted, at, &r, &addr, &a6, &keylen, e)) <= 0)
			continue;
		bool is6 = ru->addr_set && keylen == 16;
		if (ru->batch && ru->batch->keys_used + keylen > BATCH_KEY_BYTES &&
		    (rc = publish(ru, e)) < 0)
			continue;
		if (!ru->batch) { /* --no-dedup */
			ru->seen.unique++;
			if (write_split_row(ru, &ru->seen.out, &r, &ru->cm) < 0)
				rc = write_failed(&ru->seen, e);
			continue;
		}
		if (!ru->whole && out_unescaped(ru, &r) && (rc = go_whole(ru, e)) < 0)
			continue;
		struct batch *b = ru->batch;
		batch_add(ru, &r, line, ll, quoted, addr, is6 ? &a6 : NULL);
		if (b->n == BATCH)
			rc = publish(ru, e);
	}
	*lines = n;
	return rc < 0 ? rc : 0;
}

/* A second thread pays when there is a second CPU to run it. */
static bool want_worker(const struct resultfilter_config *cfg)
{
	if (cfg->threads)
		return cfg->threads > 1;
	cpu_set_t cpus;
	return sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) > 1;
}

/* The batches, and the worker thread if there is to be one. 0, or -1
 * with nothing left allocated. */
static int start_dedup(struct run *ru, const struct resultfilter_config *cfg)
{
	ru->threaded = want_worker(cfg);
	ru->nring = ru->threaded ? RING : 1;
	if (!(ru->ring = calloc(ru->nring, sizeof *ru->ring)))
		return -1;
	/* an address set keeps IPv6 keys there too */
	if (!(ru->keys = malloc((size_t)ru->nring * BATCH_KEY_BYTES))) {
		free(ru->ring);
		ru->ring = NULL;
		return -1;
	}
	ru->whole = ru->out_all || ru->nout > BATCH_OUT;
	for (unsigned i = 0; i < ru->nring; i++) {
		ru->ring[i].whole = ru->whole;
		ru->ring[i].keys = ru->keys ? ru->keys + (size_t)i * BATCH_KEY_BYTES : NULL;
	}
	ru->batch = &ru->ring[0];
	if (!ru->threaded)
		return 0;
	if (ru->addr_set && !(ru->touched = calloc(BITMAP_BYTES / 4096 / 64, sizeof *ru->touched)))
		goto fail;
	if (seqwait_init(&ru->pub) < 0)
		goto fail;
	if (seqwait_init(&ru->done) < 0)
		goto fail_pub;
	if (quietthread_start(&ru->worker, dedup_worker, ru) != 0)
		goto fail_done;
	return 0;
fail_done:
	seqwait_destroy(&ru->done);
fail_pub:
	seqwait_destroy(&ru->pub);
fail:
	free(ru->touched);
	free(ru->ring);
	free(ru->keys);
	ru->touched = NULL;
	ru->keys = NULL;
	ru->ring = ru->batch = NULL;
	return -1;
}

/* Ends the worker once it has done every batch handed to it (after an
 * error some may not be printed), in the slot it reads next. */
static void stop_dedup(struct run *ru)
{
	if (ru->threaded) {
		seqwait_until(&ru->done, ru->published);
		ru->batch->quit = true;
		seqwait_advance(&ru->pub);
		pthread_join(ru->worker, NULL);
		seqwait_destroy(&ru->pub);
		seqwait_destroy(&ru->done);
	}
	free(ru->ring);
	free(ru->keys);
	free(ru->touched);
}

/* JSON: a field --where names that no row had made every comparison
 * with it false, which is most likely a name written wrong (CSV refuses
 * one its header lacks before the first row). Said once the input is
 * read. */
static void where_unseen(struct run *ru, struct zerr *e)
{
	size_t nw = ru->where ? filterexpr_nfields(ru->where) : 0;
	if (ru->fmt != JSON || !ru->fitted || ru->where_seen == ru->where_all)
		return;
	for (size_t k = 0; k < nw; k++) {
		if (ru->where_seen >> k & 1)
			continue;
		ru->st->where_unseen = true;
		if (ru->cfg->where)
			zerr_set(e,
			         "--where: no row had a field '%s', so each comparison with it was "
			         "false",
			         filterexpr_field(ru->where, k));
		else
			zerr_set(
			    e,
			    "no row had a field '%s' (rows with success = 1 are kept; -a keeps "
			    "every row)",
			    filterexpr_field(ru->where, k));
		return;
	}
}

int resultfilter_run(const struct resultfilter_config *cfg, resultfilter_bad_fn bad,
                     struct resultfilter_stats *st, struct zerr *e)
{
	struct run ru = {.bad = bad, .st = st};
	int rc = setup(&ru, cfg, e);
	struct linereader lr;
	if (rc < 0) {
		filterexpr_free(ru.where);
		return rc;
	}
	if ((ru.addr_set && bitmap_reserve(&ru.seen.bm) < 0) ||
	    linereader_init(&lr, cfg->in_fd) < 0) {
		bitmap_free(&ru.seen.bm);
		filterexpr_free(ru.where);
		return zerr_set(e, "out of memory");
	}
	if (outbuf_init(&ru.seen.out, cfg->out_fd) < 0 ||
	    (!cfg->no_dedup && start_dedup(&ru, cfg) < 0)) {
		bitmap_free(&ru.seen.bm);
		filterexpr_free(ru.where);
		linereader_free(&lr);
		outbuf_free(&ru.seen.out);
		return zerr_set(e, "out of memory");
	}
	int got = 0, read_errno = 0;
	const char *p;
	size_t len;
	unsigned long first, n;
	/* the batches that hold rows of the chunk before the last, and of the
	 * last: the next read may reuse the first one's buffer */
	unsigned long marks[2] = {0, 0};
	/* a signal that ends the run ends a read, also one in a line that
	 * keeps growing (cat /dev/zero) */
	lr.stop = cfg->stop;
	lr.skip_stop = cfg->skip_stop;
	lr.max_line = ru.max_line;
	lr.skip_long = true;
	while (rc == 0 && !(cfg->stop && *cfg->stop)) {
		if (linereader_would_wait(&lr)) {
			/* behind a live source: print what there is */
			if ((ru.ring && (rc = drain(&ru, e)) < 0))
				break;
			if (ru.seen.out.len && outbuf_flush(&ru.seen.out) < 0) {
				rc = write_failed(&ru.seen, e);
				break;
			}
		}
		if (ru.ring && (rc = finish_upto(&ru, marks[0], e)) < 0)
			break;
		if ((got = linereader_chunk(&lr, &p, &len, &first)) <= 0) {
			read_errno = errno; /* the worker's end may set errno */
			break;
		}
		if (got == LINEREADER_LONG) {
			long_line(&ru, first, p, len);
			n = 1;
		} else {
			rc = run_block(&ru, &lr, p, len, first, &n, e);
		}
		linereader_count(&lr, n);
		marks[0] = marks[1];
		marks[1] = ru.ring ? batches_taken(&ru) : 0;
	}
	if (ru.ring) {
		if (rc == 0)
			rc = drain(&ru, e);
		stop_dedup(&ru);
	}
	st->unique = ru.seen.unique;
	st->interrupted = (cfg->stop && *cfg->stop) ||
	                  (got < 0 && read_errno == EINTR && cfg->skip_stop && *cfg->skip_stop);
	if (rc == 0 && got < 0 && !st->interrupted)
		rc = zerr_set(e, "read error: %s", strerror(read_errno));
	if (!ru.seen.werr && outbuf_flush(&ru.seen.out) < 0 && rc == 0)
		rc = write_failed(&ru.seen, e);
	st->write_errno = ru.seen.werr;
	if (rc == 0 && !st->interrupted)
		where_unseen(&ru, e);
	bitmap_free(&ru.seen.bm);
	free(ru.header_copy);
	free(ru.oprefix_buf);
	free(ru.scr.p);
	free(ru.scr_again.p);
	filterexpr_free(ru.where);
	strset_free(&ru.seen.set);
	linereader_free(&lr);
	outbuf_free(&ru.seen.out);
	return rc;
}
