/* resultfilter: zfilter's run. Rows are taken and filtered, deduplicated
 * in batches (by a second thread with -T 2) and printed in input order. */
#include "resultfilter.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "core/filterexpr.h"
#include "util/bitmap.h"
#include "util/linereader.h"
#include "util/outbuf.h"
#include "util/quietthread.h"
#include "core/rowsplit.h"
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

/* The keys seen, and the output. With a worker thread, it alone writes
 * here (unless rows must be split again to be printed), so this has cache
 * lines of its own: with the bitmap's count beside the parsing thread's
 * counters, the two threads took the line from each other on every row. */
struct seen {
	_Alignas(64) struct bitmap bm; /* an address key's set, */
	struct strset set;             /* or any other key's */
	uint64_t unique;               /* rows printed */
	struct outbuf out;
};

/* The state of one run: the options resolved against the input's columns. */
struct run {
	/* set before the first row, then only read */
	const struct resultfilter_config *cfg;
	struct filterexpr *where;
	char keybuf[256], outbuf_names[256];
	char *key[RESULTFILTER_MAX_KEYS], *outn[MAX_COLS];
	int nkey, nout;
	bool out_all; /* -f '*': every column of the input */
	enum { UNKNOWN, CSV, JSON } fmt;
	struct row header; /* CSV: the column names */
	char *header_copy;
	int ncols;
	resultfilter_bad_fn bad;
	struct resultfilter_stats *st;
	bool addr_set;      /* deduplicating a key of one address field, in bm */
	struct batch *ring; /* RING batches with a worker thread, else one */
	unsigned nring;
	char *keys; /* their keys' bytes */
	/* with a worker thread: it deduplicates the published batches, in
	 * order, and prints them, while this one parses the next */
	bool threaded;
	pthread_t worker;

	/* written by the parsing thread as it goes */
	/* per needed name: its column (CSV), or its last position (JSON) */
	_Alignas(64) int kcol[RESULTFILTER_MAX_KEYS], ocol[MAX_COLS], wcol[FILTEREXPR_MAX_FIELDS];
	struct batch *batch;              /* deduplicating: the one being filled */
	unsigned long published, written; /* batches handed to dedup, and printed */
	struct row again;                 /* a row split again to be printed */
	uint64_t *touched;                /* pages of the bitmap this thread has faulted in */

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
	_Alignas(64) uint32_t addr[BATCH];      /* an address key, */
	uint64_t hash[BATCH];                   /* or a joined key's hash, */
	uint32_t key_at[BATCH], key_len[BATCH]; /* and where it is in keys */
	char *keys; /* BATCH_KEY_BYTES, for keys other than an address */
	size_t keys_used;
	bool fresh[BATCH];
	struct fspan out[BATCH][BATCH_OUT]; /* the output values, */
	bool quoted[BATCH][BATCH_OUT];
	struct fspan line[BATCH]; /* or the line, to split again */
	unsigned n;
	bool whole; /* lines: more output values than BATCH_OUT */
	bool oom;   /* the key set could not grow */
	int werr;   /* the output's errno, if writing failed */
	bool quit;  /* no rows: the worker thread ends here */
};

_Static_assert(KEY_MAX <= BATCH_KEY_BYTES, "any key fits an empty batch");

/* Column of name in r's names, trying hint first (JSON lines of one
 * writer list their names in the same order). */
static int find_col(const struct row *names, const char *name, int hint)
{
	if (hint >= 0 && hint < names->n && span_is(names->name[hint], name))
		return hint;
	for (int c = 0; c < names->n; c++)
		if (span_is(names->name[c], name))
			return c;
	return -1;
}

/* Checks that the input has every field the options name; for CSV the
 * header row, for JSON the first line. */
static int bind_columns(struct run *ru, const struct row *names, struct zerr *e)
{
	size_t nw = ru->where ? filterexpr_nfields(ru->where) : 0;
	for (int k = 0; k < ru->nkey; k++)
		if ((ru->kcol[k] = find_col(names, ru->key[k], -1)) < 0)
			return zerr_set(e, "-u: no column '%s' in the input", ru->key[k]);
	for (int k = 0; k < ru->nout; k++)
		if ((ru->ocol[k] = find_col(names, ru->outn[k], -1)) < 0)
			return zerr_set(e, "-f: no column '%s' in the input", ru->outn[k]);
	for (size_t k = 0; k < nw; k++)
		if ((ru->wcol[k] = find_col(names, filterexpr_field(ru->where, k), -1)) < 0)
			return zerr_set(
			    e, "%sno column '%s' in the input%s", ru->cfg->where ? "--where: " : "",
			    filterexpr_field(ru->where, k),
			    ru->cfg->where ? ""
			                   : " (rows with success = 1 are kept; -a keeps "
			                     "every row)");
	return 0;
}

/* Writes a value as JSON: strings quoted (escaping what needs it). */
static int put_json_value(struct outbuf *out, struct fspan v, bool quoted)
{
	size_t digits = 0;
	while (digits < v.n && v.p[digits] >= '0' && v.p[digits] <= '9')
		digits++;
	bool number = v.n > 0 && digits == v.n;
	bool literal = !quoted && (number || span_is(v, "true") || span_is(v, "false"));
	if (literal)
		return outbuf_put(out, v.p, v.n);
	if (outbuf_put(out, "\"", 1) < 0)
		return -1;
	for (size_t i = 0; i < v.n; i++) {
		char c = v.p[i];
		if ((c == '"' || c == '\\') && !quoted && outbuf_put(out, "\\", 1) < 0)
			return -1;
		if (outbuf_put(out, &c, 1) < 0)
			return -1;
	}
	return outbuf_put(out, "\"", 1);
}

/* Writes the output values v[0..n) (q: each was a JSON string); r gives
 * the names when every column is printed. */
static int write_row(struct run *ru, struct outbuf *out, const struct row *r, const struct fspan *v,
                     const bool *q, int n)
{
	bool json = ru->cfg->format == RESULTFILTER_JSON;
	if (json && outbuf_put(out, "{", 1) < 0)
		return -1;
	for (int k = 0; k < n; k++) {
		if (k && outbuf_put(out, ",", 1) < 0)
			return -1;
		if (json) {
			struct fspan name = ru->out_all
			                        ? (ru->fmt == CSV ? ru->header.v[k] : r->name[k])
			                        : (struct fspan){ru->outn[k], strlen(ru->outn[k])};
			if (outbuf_put(out, "\"", 1) < 0 || outbuf_put(out, name.p, name.n) < 0 ||
			    outbuf_put(out, "\":", 2) < 0 || put_json_value(out, v[k], q[k]) < 0)
				return -1;
		} else if (outbuf_put(out, v[k].p, v[k].n) < 0) {
			return -1;
		}
	}
	return outbuf_put(out, json ? "}\n" : "\n", json ? 2 : 1);
}

/* Writes the output fields of a split row. */
static int write_split_row(struct run *ru, struct outbuf *out, const struct row *r)
{
	if (ru->out_all)
		return write_row(ru, out, r, r->v, r->quoted, r->n);
	struct fspan v[MAX_COLS];
	bool q[MAX_COLS];
	for (int k = 0; k < ru->nout; k++) {
		v[k] = r->v[ru->ocol[k]];
		q[k] = r->quoted[ru->ocol[k]];
	}
	return write_row(ru, out, r, v, q, ru->nout);
}

static int write_header(struct run *ru, struct outbuf *out, const struct row *names)
{
	int n = ru->out_all ? names->n : ru->nout;
	for (int k = 0; k < n; k++) {
		struct fspan s = ru->out_all ? (ru->fmt == CSV ? names->v[k] : names->name[k])
		                             : (struct fspan){ru->outn[k], strlen(ru->outn[k])};
		if ((k && outbuf_put(out, ",", 1) < 0) || outbuf_put(out, s.p, s.n) < 0)
			return -1;
	}
	return outbuf_put(out, "\n", 1);
}

static int setup(struct run *ru, const struct resultfilter_config *cfg, struct zerr *e)
{
	ru->cfg = cfg;
	const char *outl = cfg->fields ? cfg->fields : cfg->key ? cfg->key : "saddr";
	ru->out_all = strcmp(outl, "*") == 0;
	if (!ru->out_all && (ru->nout = split_names(outl, ru->outbuf_names, sizeof ru->outbuf_names,
	                                            ru->outn, MAX_COLS, "-f", e)) < 0)
		return RESULTFILTER_USAGE;
	if (cfg->key || !ru->out_all) {
		const char *keyl = cfg->key ? cfg->key : outl;
		if ((ru->nkey = split_names(keyl, ru->keybuf, sizeof ru->keybuf, ru->key,
		                            RESULTFILTER_MAX_KEYS, "-u", e)) < 0)
			return RESULTFILTER_USAGE;
	}
	ru->addr_set = !cfg->no_dedup && ru->nkey == 1 &&
	               (!strcmp(ru->key[0], "saddr") || !strcmp(ru->key[0], "daddr"));
	const char *where = cfg->where ? cfg->where : cfg->all ? NULL : "success = 1";
	if (where && !(ru->where = filterexpr_parse(where, e)))
		return RESULTFILTER_USAGE;
	return 0;
}

/* The CSV header row: names the columns, checks the options against them. */
static int read_header(struct run *ru, const char *line, size_t ll, struct zerr *e)
{
	/* all ll bytes: strndup would stop at a NUL in the line */
	if (!(ru->header_copy = malloc(ll + 1)))
		return zerr_set(e, "out of memory");
	memcpy(ru->header_copy, line, ll);
	ru->header_copy[ll] = '\0';
	if (csv_split(ru->header_copy, ll, &ru->header) < 0)
		return zerr_set(e, "more than %d columns", MAX_COLS);
	for (int c = 0; c < ru->header.n; c++)
		ru->header.name[c] = ru->header.v[c];
	ru->ncols = ru->header.n;
	if (bind_columns(ru, &ru->header, e) < 0)
		return RESULTFILTER_USAGE;
	if (ru->cfg->format == RESULTFILTER_CSV && write_header(ru, &ru->seen.out, &ru->header) < 0)
		return zerr_set(e, "write error: %s", strerror(errno));
	return 0;
}

/* Splits a line into r; for JSON also finds the named columns in it, since
 * names may move or be missing from line to line. False if it does not fit
 * the input's columns. */
static bool split_row(struct run *ru, const char *line, size_t ll, struct row *r)
{
	if (ru->fmt == CSV)
		return csv_split(line, ll, r) == ru->ncols;
	if (!json_split(line, ll, r))
		return false;
	bool ok = true;
	for (int k = 0; k < ru->nkey && ok; k++)
		ok = (ru->kcol[k] = find_col(r, ru->key[k], ru->kcol[k])) >= 0;
	for (int k = 0; k < ru->nout && ok; k++)
		ok = (ru->ocol[k] = find_col(r, ru->outn[k], ru->ocol[k])) >= 0;
	size_t nw = ru->where ? filterexpr_nfields(ru->where) : 0;
	for (size_t k = 0; k < nw; k++)
		ru->wcol[k] = find_col(r, filterexpr_field(ru->where, k), ru->wcol[k]);
	return ok;
}

/* A row's key is its key fields (the whole row's when there is no key),
 * each as its length (one byte below 128, else two) and its bytes: keys
 * compare whole, and no two different keys encode alike, whatever bytes
 * the values hold. key_size is the length key_encode writes. */
static size_t key_size(const struct run *ru, const struct row *r)
{
	size_t n = 0;
	int nk = ru->nkey ? ru->nkey : r->n;
	for (int k = 0; k < nk; k++) {
		size_t vn = r->v[ru->nkey ? ru->kcol[k] : k].n;
		n += (vn < 0x80 ? 1 : 2) + vn;
	}
	return n;
}

/* For a key of at most KEY_MAX bytes. */
static size_t key_encode(const struct run *ru, const struct row *r, char *out)
{
	size_t n = 0;
	int nk = ru->nkey ? ru->nkey : r->n;
	for (int k = 0; k < nk; k++) {
		struct fspan v = r->v[ru->nkey ? ru->kcol[k] : k];
		if (v.n < 0x80) {
			out[n++] = (char)v.n;
		} else {
			out[n++] = (char)(0x80 | v.n >> 8);
			out[n++] = (char)(v.n & 0xff);
		}
		memcpy(out + n, v.p, v.n);
		n += v.n;
	}
	return n;
}

/* Splits a data line into r and applies the filter; for an address key
 * also parses the address into *addr. Returns 1 if the row passes, 0 if
 * not (a bad line is reported and counted), or an error. */
static int take_row(struct run *ru, const char *line, size_t ll, unsigned long lineno,
                    struct row *r, uint32_t *addr, size_t *keylen, struct zerr *e)
{
	size_t nw = ru->where ? filterexpr_nfields(ru->where) : 0;
	ru->st->rows++;
	if (ru->fmt == JSON && ru->st->rows == 1 && json_split(line, ll, r)) {
		/* the first JSON line names the columns */
		if (bind_columns(ru, r, e) < 0)
			return RESULTFILTER_USAGE;
		if (ru->cfg->format == RESULTFILTER_CSV && write_header(ru, &ru->seen.out, r) < 0)
			return zerr_set(e, "write error: %s", strerror(errno));
	}
	bool ok = split_row(ru, line, ll, r);
	if (!ok) {
		ru->st->bad++;
		ru->bad(lineno,
		        ru->fmt == CSV ? "wrong number of fields:" : "missing a field:", line, ll);
		return 0;
	}
	if (ru->where) {
		struct fspan wv[FILTEREXPR_MAX_FIELDS];
		for (size_t k = 0; k < nw; k++)
			wv[k] = ru->wcol[k] >= 0 ? r->v[ru->wcol[k]] : (struct fspan){NULL, 0};
		if (!filterexpr_eval(ru->where, wv))
			return 0;
	}
	ru->st->passed++;
	if (ru->addr_set) {
		/* a field is always followed by a delimiter in the block (',',
		 * '"', '}', ' ', or the line's '\r' or '\n'), which is what lets
		 * addr_scan parse in one pass without bounds */
		struct fspan k = r->v[ru->kcol[0]];
		if (k.n == 0 || addr_scan(k.p, addr) != k.n) {
			char why[64];
			snprintf(why, sizeof why, "%s is not an IPv4 address:", ru->key[0]);
			ru->st->passed--;
			ru->st->bad++;
			ru->bad(lineno, why, line, ll);
			return 0;
		}
	} else if (!ru->cfg->no_dedup && (*keylen = key_size(ru, r)) > KEY_MAX) {
		char why[96];
		snprintf(why, sizeof why, "a key of %zu bytes is over the limit of %d:", *keylen,
		         KEY_MAX);
		ru->st->passed--;
		ru->st->bad++;
		ru->bad(lineno, why, line, ll);
		return 0;
	}
	return 1;
}

/* Marks the rows of b whose key is new, in input order: it writes nothing
 * but b and the key sets. */
static int dedup_batch(struct seen *s, bool addr_set, struct batch *b)
{
	for (unsigned i = 0; i < b->n; i++) {
		if (addr_set) {
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

/* Prints the fresh rows of a deduplicated batch; -1 with errno set if the
 * output fails. r is for rows split again. */
static int write_batch(struct run *ru, struct batch *b, struct row *r)
{
	struct outbuf *out = &ru->seen.out;
	for (unsigned i = 0; i < b->n; i++) {
		if (!b->fresh[i])
			continue;
		ru->seen.unique++;
		int rc;
		if (b->whole) { /* the line split when it was taken */
			(void)split_row(ru, b->line[i].p, b->line[i].n, r);
			rc = write_split_row(ru, out, r);
		} else {
			rc = write_row(ru, out, r, b->out[i], b->quoted[i], ru->nout);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Deduplicates a batch and, unless its rows must be split again (which
 * uses the parser's state), prints it: all the worker thread does. */
static void settle(struct run *ru, struct batch *b)
{
	b->oom = dedup_batch(&ru->seen, ru->addr_set, b) < 0;
	if (!b->oom && !b->whole && write_batch(ru, b, NULL) < 0)
		b->werr = errno;
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
			b->werr = errno;
		if (b->werr)
			return zerr_set(e, "write error: %s", strerror(b->werr));
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

static void *dedup_worker(void *arg)
{
	struct run *ru = arg;
	for (unsigned long k = 0;; k++) {
		seqwait_until(&ru->pub, k + 1);
		struct batch *b = &ru->ring[k % ru->nring];
		if (b->quit)
			return NULL;
		settle(ru, b);
		seqwait_advance(&ru->done);
	}
}

/* Puts a row that passed into the batch. */
static void batch_add(struct run *ru, const struct row *r, const char *line, size_t ll,
                      uint32_t addr)
{
	struct batch *b = ru->batch;
	if (ru->addr_set) {
		b->addr[b->n] = addr;
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
	} else {
		for (int k = 0; k < ru->nout; k++) {
			b->out[b->n][k] = r->v[ru->ocol[k]];
			b->quoted[b->n][k] = r->quoted[ru->ocol[k]];
		}
	}
	b->n++;
}

/* One block of whole lines from the reader. Waiting rows point into the
 * block: the caller prints them before the reader reuses it. */
static int run_block(struct run *ru, const char *p, size_t len, unsigned long first,
                     unsigned long *lines, struct zerr *e)
{
	const char *end = p + len, *next = p;
	unsigned long n = 0;
	struct row r;
	int rc = 0;
	for (; p < end && rc >= 0; n++, p = next) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *line = p;
		size_t ll = (size_t)(nl - p);
		next = nl + 1;
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			continue;
		if (ru->fmt == UNKNOWN) {
			ru->fmt = line[0] == '{' ? JSON : CSV;
			if (ru->fmt == CSV) { /* the header row names the columns */
				rc = read_header(ru, line, ll, e);
				continue;
			}
		}
		uint32_t addr = 0;
		size_t keylen = 0;
		if ((rc = take_row(ru, line, ll, first + n, &r, &addr, &keylen, e)) <= 0)
			continue;
		if (ru->batch && ru->batch->keys_used + keylen > BATCH_KEY_BYTES &&
		    (rc = publish(ru, e)) < 0)
			continue;
		struct batch *b = ru->batch;
		if (!b) { /* --no-dedup */
			ru->seen.unique++;
			if (write_split_row(ru, &ru->seen.out, &r) < 0)
				rc = zerr_set(e, "write error: %s", strerror(errno));
			continue;
		}
		batch_add(ru, &r, line, ll, addr);
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
	if (!ru->addr_set && !(ru->keys = malloc((size_t)ru->nring * BATCH_KEY_BYTES))) {
		free(ru->ring);
		ru->ring = NULL;
		return -1;
	}
	for (unsigned i = 0; i < ru->nring; i++) {
		ru->ring[i].whole = ru->out_all || ru->nout > BATCH_OUT;
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
	int got = 0;
	const char *p;
	size_t len;
	unsigned long first, n;
	/* the batches that hold rows of the chunk before the last, and of the
	 * last: the next read may reuse the first one's buffer */
	unsigned long marks[2] = {0, 0};
	lr.stop = cfg->stop;
	while (rc == 0 && !(cfg->stop && *cfg->stop)) {
		if (linereader_would_wait(&lr)) {
			/* behind a live source: print what there is */
			if ((ru.ring && (rc = drain(&ru, e)) < 0))
				break;
			if (ru.seen.out.len && outbuf_flush(&ru.seen.out) < 0) {
				rc = zerr_set(e, "write error: %s", strerror(errno));
				break;
			}
		}
		if (ru.ring && (rc = finish_upto(&ru, marks[0], e)) < 0)
			break;
		if ((got = linereader_chunk(&lr, &p, &len, &first)) <= 0)
			break;
		rc = run_block(&ru, p, len, first, &n, e);
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
	st->interrupted = cfg->stop && *cfg->stop;
	if (rc == 0 && got < 0 && !st->interrupted)
		rc = zerr_set(e, "read error: %s", strerror(errno));
	if (outbuf_flush(&ru.seen.out) < 0 && rc == 0)
		rc = zerr_set(e, "write error: %s", strerror(errno));
	bitmap_free(&ru.seen.bm);
	free(ru.header_copy);
	filterexpr_free(ru.where);
	strset_free(&ru.seen.set);
	linereader_free(&lr);
	outbuf_free(&ru.seen.out);
	return rc;
}
