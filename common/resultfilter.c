/* resultfilter: parsing result lines, the success filter and key dedup. */
#include "resultfilter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "bitmap.h"
#include "linereader.h"
#include "outbuf.h"

struct span {
	const char *p;
	size_t n;
};

/* A set of byte strings: open addressing on a 64-bit FNV-1a hash. */
struct strset {
	uint64_t *hashes; /* 0 = empty */
	char **keys;
	size_t cap, n;
};

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 0x100000001b3ull;
	return h ? h : 1;
}

/* Returns 1 if added, 0 if present, -1 out of memory. */
static int strset_add(struct strset *s, const char *p, size_t n)
{
	if (s->n * 2 >= s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 1024;
		struct strset ns = {calloc(ncap, sizeof(uint64_t)), calloc(ncap, sizeof(char *)),
		                    ncap, 0};
		if (!ns.hashes || !ns.keys) {
			free(ns.hashes);
			free(ns.keys);
			return -1;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->hashes[i])
				continue;
			size_t j = s->hashes[i] & (ncap - 1);
			while (ns.hashes[j])
				j = (j + 1) & (ncap - 1);
			ns.hashes[j] = s->hashes[i];
			ns.keys[j] = s->keys[i];
		}
		ns.n = s->n;
		free(s->hashes);
		free(s->keys);
		*s = ns;
	}
	uint64_t h = fnv1a(p, n);
	size_t j = h & (s->cap - 1);
	for (; s->hashes[j]; j = (j + 1) & (s->cap - 1))
		if (s->hashes[j] == h && strlen(s->keys[j]) == n && memcmp(s->keys[j], p, n) == 0)
			return 0;
	if (!(s->keys[j] = strndup(p, n)))
		return -1;
	s->hashes[j] = h;
	s->n++;
	return 1;
}

static void strset_free(struct strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->keys[i]);
	free(s->hashes);
	free(s->keys);
}

/* The value of "name" in a flat JSON object line: strings without their
 * quotes, other values as written. */
static bool json_field(const char *line, size_t len, const char *name, struct span *out)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i + nl + 3 <= len; i++) {
		if (line[i] != '"' || memcmp(line + i + 1, name, nl) != 0 ||
		    line[i + 1 + nl] != '"')
			continue;
		size_t j = i + nl + 2;
		while (j < len && (line[j] == ' ' || line[j] == ':'))
			j++;
		if (j < len && line[j] == '"') {
			const char *end = memchr(line + j + 1, '"', len - j - 1);
			if (!end)
				return false;
			*out = (struct span){line + j + 1, (size_t)(end - line - j - 1)};
		} else {
			size_t k = j;
			while (k < len && line[k] != ',' && line[k] != '}')
				k++;
			*out = (struct span){line + j, k - j};
		}
		return true;
	}
	return false;
}

/* Splits a CSV line into at most max fields (no quoting: zrecv never quotes). */
static int csv_split(const char *line, size_t len, struct span *f, int max)
{
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len && n < max; i++) {
		if (i == len || line[i] == ',') {
			f[n++] = (struct span){line + start, i - start};
			start = i + 1;
		}
	}
	return n;
}

static bool is_true(struct span s)
{
	return (s.n == 1 && s.p[0] == '1') || (s.n == 4 && memcmp(s.p, "true", 4) == 0);
}

#define MAX_COLS 64

int resultfilter_run(const struct resultfilter_config *cfg, resultfilter_bad_fn bad,
                     struct resultfilter_stats *st, struct zerr *e)
{
	char keybuf[256], *names[RESULTFILTER_MAX_KEYS];
	int nkeys = 0;
	snprintf(keybuf, sizeof keybuf, "%s", cfg->key);
	for (char *tok = strtok(keybuf, ","); tok; tok = strtok(NULL, ",")) {
		if (nkeys == RESULTFILTER_MAX_KEYS)
			return zerr_set(e, "-u: at most %d fields", RESULTFILTER_MAX_KEYS);
		names[nkeys++] = tok;
	}
	if (nkeys == 0)
		return zerr_set(e, "-u: empty field list");
	bool addr_key = nkeys == 1 && strcmp(names[0], "saddr") == 0;
	struct bitmap *bm = addr_key ? calloc(1, sizeof *bm) : NULL;
	struct strset set = {0};
	struct linereader lr;
	struct outbuf out;
	if ((addr_key && !bm) || linereader_init(&lr, cfg->in_fd) < 0) {
		free(bm);
		return zerr_set(e, "out of memory");
	}
	if (outbuf_init(&out, cfg->out_fd) < 0) {
		free(bm);
		linereader_free(&lr);
		return zerr_set(e, "out of memory");
	}
	int col[RESULTFILTER_MAX_KEYS], success_col = -1, ncols = 0;
	enum { UNKNOWN, CSV, JSON } fmt = UNKNOWN;
	int rc = 0, got;
	const char *p;
	size_t len;
	unsigned long first;
	while (rc == 0 && (got = linereader_chunk(&lr, &p, &len, &first)) > 0) {
		const char *end = p + len, *next = p;
		unsigned long n = 0;
		for (; p < end && rc == 0; n++, p = next) {
			const char *nl = memchr(p, '\n', (size_t)(end - p)), *line = p;
			size_t ll = (size_t)(nl - p);
			next = nl + 1;
			if (ll > 0 && line[ll - 1] == '\r')
				ll--;
			if (ll == 0)
				continue;
			if (fmt == UNKNOWN) {
				fmt = line[0] == '{' ? JSON : CSV;
				if (fmt == CSV) { /* the header row names the columns */
					struct span h[MAX_COLS];
					ncols = csv_split(line, ll, h, MAX_COLS);
					for (int k = 0; k < nkeys; k++) {
						col[k] = -1;
						for (int c = 0; c < ncols; c++)
							if (h[c].n == strlen(names[k]) &&
							    !memcmp(h[c].p, names[k], h[c].n))
								col[k] = c;
						if (col[k] < 0) {
							zerr_set(e, "no column '%s' in the header",
							         names[k]);
							rc = RESULTFILTER_USAGE;
						}
					}
					for (int c = 0; c < ncols; c++)
						if (h[c].n == 7 && !memcmp(h[c].p, "success", 7))
							success_col = c;
					if (rc == 0 && success_col < 0 && !cfg->all) {
						zerr_set(e, "no column 'success' in the header (-a "
						            "keeps every row)");
						rc = RESULTFILTER_USAGE;
					}
					continue;
				}
			}
			st->rows++;
			struct span key[RESULTFILTER_MAX_KEYS], succ = {0};
			bool ok = true;
			if (fmt == CSV) {
				struct span f[MAX_COLS];
				if (csv_split(line, ll, f, MAX_COLS) != ncols) {
					ok = false;
				} else {
					for (int k = 0; k < nkeys; k++)
						key[k] = f[col[k]];
					if (success_col >= 0)
						succ = f[success_col];
				}
			} else {
				for (int k = 0; k < nkeys && ok; k++)
					ok = json_field(line, ll, names[k], &key[k]);
				if (ok && !cfg->all)
					ok = json_field(line, ll, "success", &succ);
			}
			if (!ok) {
				st->bad++;
				bad(first + n,
				    fmt == CSV ? "wrong number of fields:" : "missing a field:",
				    line, ll);
				continue;
			}
			if (!cfg->all && !is_true(succ))
				continue;
			st->passed++;
			int fresh = 1;
			if (cfg->no_dedup) {
				fresh = 1;
			} else if (addr_key) {
				uint32_t a;
				if (addr_parse(key[0].p, key[0].n, &a) != ADDR_OK) {
					st->bad++;
					bad(first + n, "saddr is not an IPv4 address:", line, ll);
					continue;
				}
				fresh = !bitmap_test_and_set(bm, a);
			} else {
				char joined[512];
				size_t jl = 0;
				for (int k = 0; k < nkeys; k++) {
					size_t kn = key[k].n < 128 ? key[k].n : 128;
					if (k)
						joined[jl++] = ',';
					memcpy(joined + jl, key[k].p, kn);
					jl += kn;
				}
				fresh = strset_add(&set, joined, jl);
				if (fresh < 0) {
					rc = zerr_set(e, "out of memory");
					break;
				}
			}
			if (!fresh)
				continue;
			st->unique++;
			for (int k = 0; k < nkeys; k++)
				if ((k && outbuf_put(&out, ",", 1) < 0) ||
				    outbuf_put(&out, key[k].p, key[k].n) < 0)
					rc = zerr_set(e, "write error: %s", strerror(errno));
			if (outbuf_put(&out, "\n", 1) < 0)
				rc = zerr_set(e, "write error: %s", strerror(errno));
		}
		linereader_count(&lr, n);
	}
	if (rc == 0 && got < 0)
		rc = zerr_set(e, "read error: %s", strerror(errno));
	if (outbuf_flush(&out) < 0 && rc == 0)
		rc = zerr_set(e, "write error: %s", strerror(errno));
	if (bm)
		bitmap_free(bm);
	free(bm);
	strset_free(&set);
	linereader_free(&lr);
	outbuf_free(&out);
	return rc;
}
