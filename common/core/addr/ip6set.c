/* ip6set: singles, ranges and slices of IPv6, minus blocked prefixes. */
#include "core/addr/ip6set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr/addrsort.h"

typedef unsigned __int128 u128;

static u128 u(struct ipaddr a)
{
	return (u128)a.hi << 64 | a.lo;
}

static struct ipaddr ip(u128 v)
{
	return (struct ipaddr){(uint64_t)(v >> 64), (uint64_t)v};
}

/* The last address of a run. */
static u128 run_last(const struct ip6run *r)
{
	return u(r->start) + ((u128)(r->count - 1) << r->shift);
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	size_t nc = *cap ? *cap * 2 : 64;
	void *np = realloc(*p, nc * size);
	if (!np)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

static int add_run(struct ip6set *s, struct ip6run r, struct zerr *e)
{
	if (grow((void **)&s->runs, &s->runs_cap, s->nruns, sizeof r) < 0)
		return zerr_set(e, "out of memory");
	s->runs[s->nruns++] = r;
	return 0;
}

int ip6set_allow(struct ip6set *s, struct ipaddr prefix, int len, struct zerr *e)
{
	char t[IPADDR_STRLEN];
	prefix = ipaddr_mask(prefix, len);
	if (len == 128) {
		if (grow((void **)&s->singles, &s->singles_cap, s->nsingles, sizeof prefix) < 0)
			return zerr_set(e, "out of memory");
		s->singles[s->nsingles++] = prefix;
		return 0;
	}
	if (128 - len > 48 && !s->huge_why[0]) {
		s->huge_prefix = prefix;
		s->huge_len = len;
		snprintf(s->huge_why, sizeof s->huge_why,
		         "%s/%d: 2^%d addresses, more than zgen can permute (2^48); scan a slice "
		         "of it, such as %s/%d-%d",
		         ipaddr_str(prefix, t), len, 128 - len, t, len, len + 48);
	}
	if (len == 0) /* 2^128 is no count: all of IPv6 is its two halves */
		return add_run(s, (struct ip6run){ip(0), (u128)1 << 127, 0, 0, 0}, e) < 0
		           ? -1
		           : add_run(s,
		                     (struct ip6run){ip((u128)1 << 127), (u128)1 << 127, 0, 0, 0},
		                     e);
	return add_run(s, (struct ip6run){prefix, (u128)1 << (128 - len), 0, 0, 0}, e);
}

/* Keeps a copy of what names a slice; returns its label, or 0 when out of
 * memory. */
static uint32_t add_label(struct ip6set *s, const char *what)
{
	if (s->nlabels >= UINT32_MAX - 1 ||
	    grow((void **)&s->labels, &s->labels_cap, s->nlabels, sizeof *s->labels) < 0)
		return 0;
	char *copy = strdup(what);
	if (!copy)
		return 0;
	s->labels[s->nlabels++] = copy;
	return (uint32_t)s->nlabels;
}

static void free_labels(struct ip6set *s)
{
	for (size_t i = 0; i < s->nlabels; i++)
		free(s->labels[i]);
	free(s->labels);
	s->labels = NULL;
	s->nlabels = s->labels_cap = 0;
}

int ip6set_allow_slice(struct ip6set *s, struct ipaddr prefix, int len, int slice,
                       struct ipaddr iid, const char *what, struct zerr *e)
{
	char t[IPADDR_STRLEN];
	if (slice <= len || slice > 128)
		return zerr_set(e,
		                "%s/%d-%d: the slice must be longer than the prefix, at most /128",
		                ipaddr_str(prefix, t), len, slice);
	if (slice - len > 48 && !s->huge_why[0]) {
		s->huge_prefix = ipaddr_mask(prefix, len);
		s->huge_len = len;
		snprintf(s->huge_why, sizeof s->huge_why,
		         "%s/%d-%d: 2^%d slices, more than zgen can permute (2^48); scan it in "
		         "parts, such as %s/%d-%d",
		         ipaddr_str(prefix, t), len, slice, slice - len, t, slice - 48, slice);
	}
	if (slice - len == 128) /* ::/0-128: every address, a range */
		return ip6set_allow(s, prefix, 0, e);
	u128 low = slice == 128 ? 0 : ((u128)1 << (128 - slice)) - 1;
	struct ipaddr start = ip(u(ipaddr_mask(prefix, len)) | (u(iid) & low));
	char parsed[IPADDR_STRLEN + 12];
	if (!what) {
		snprintf(parsed, sizeof parsed, "'%s/%d-%d'",
		         ipaddr_str(ipaddr_mask(prefix, len), t), len, slice);
		what = parsed;
	}
	uint32_t label = add_label(s, what);
	if (!label)
		return zerr_set(e, "out of memory");
	return add_run(s,
	               (struct ip6run){.start = start,
	                               .count = (u128)1 << (slice - len),
	                               .shift = (uint8_t)(128 - slice),
	                               .label = label},
	               e);
}

int ip6set_block(struct ip6set *s, struct ipaddr prefix, int len, struct zerr *e)
{
	u128 lo = u(ipaddr_mask(prefix, len));
	u128 hi = len == 0 ? ~(u128)0 : lo | (((u128)1 << (128 - len)) - 1);
	if (len == 128)
		hi = lo;
	if (grow((void **)&s->blocked, &s->blocked_cap, s->nblocked, sizeof(struct ip6span)) < 0)
		return zerr_set(e, "out of memory");
	s->blocked[s->nblocked++] = (struct ip6span){ip(lo), ip(hi)};
	return 0;
}

static int cmp_addr(const void *a, const void *b)
{
	return ipaddr_cmp(*(const struct ipaddr *)a, *(const struct ipaddr *)b);
}

static int cmp_span(const void *a, const void *b)
{
	return ipaddr_cmp(((const struct ip6span *)a)->lo, ((const struct ip6span *)b)->lo);
}

/* Ranges first, then slices, each ascending: the index order. */
static int cmp_run(const void *a, const void *b)
{
	const struct ip6run *x = a, *y = b;
	if ((x->shift == 0) != (y->shift == 0))
		return x->shift == 0 ? -1 : 1;
	return ipaddr_cmp(x->start, y->start);
}

/* Sorts spans and merges those that overlap or touch; returns how many. */
static size_t merge_spans(struct ip6span *sp, size_t n)
{
	if (n == 0)
		return 0;
	qsort(sp, n, sizeof *sp, cmp_span);
	size_t m = 0;
	for (size_t i = 1; i < n; i++) {
		u128 hi = u(sp[m].hi);
		if (hi != ~(u128)0 && u(sp[i].lo) > hi + 1)
			sp[++m] = sp[i];
		else if (u(sp[i].hi) > hi)
			sp[m].hi = sp[i].hi;
	}
	return m + 1;
}

/* The span of sp[0..n) holding a, or -1 (sp sorted, disjoint). */
static long find_span(const struct ip6span *sp, size_t n, u128 a)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (u(sp[mid].hi) < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && u(sp[lo].lo) <= a ? (long)lo : -1;
}

/* Takes spans rm[0..n) (sorted, disjoint) out of run r: the pieces left,
 * appended to out. */
static int subtract(const struct ip6run *r, const struct ip6span *rm, size_t n, struct ip6run **out,
                    size_t *nout, size_t *cap)
{
	u128 start = u(r->start), last = run_last(r);
	u128 from = 0; /* the first index not yet placed */
	for (size_t k = 0; k < n && from < r->count; k++) {
		u128 lo = u(rm[k].lo), hi = u(rm[k].hi);
		if (hi < start || lo > last)
			continue;
		/* indices i with lo <= start + (i << shift) <= hi */
		u128 step = (u128)1 << r->shift;
		u128 ilo = lo <= start ? 0 : (lo - start + step - 1) >> r->shift;
		u128 ihi = (hi - start) >> r->shift;
		if (ihi >= r->count)
			ihi = r->count - 1;
		if (ilo > ihi || ihi < from)
			continue;
		if (ilo > from) {
			if (grow((void **)out, cap, *nout, sizeof **out) < 0)
				return -1;
			(*out)[(*nout)++] = (struct ip6run){ip(start + ((u128)from << r->shift)),
			                                    ilo - from, r->shift, 0, 0};
		}
		from = ihi + 1;
	}
	if (from < r->count) {
		if (grow((void **)out, cap, *nout, sizeof **out) < 0)
			return -1;
		(*out)[(*nout)++] = (struct ip6run){ip(start + ((u128)from << r->shift)),
		                                    r->count - from, r->shift, 0, 0};
	}
	return 0;
}

/* Whether v is in one of the runs (ranges and slices) of a finished set.
 * Ranges are disjoint, and so are the slices' hulls: in each group, only
 * the last run that starts at or below v can hold it. */
static bool in_runs(const struct ip6set *s, u128 v)
{
	size_t groups[3] = {0, s->nranges, s->nruns};
	for (int g = 0; g < 2; g++) {
		size_t lo = groups[g], hi = groups[g + 1];
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (u(s->runs[mid].start) <= v)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == groups[g])
			continue;
		const struct ip6run *r = &s->runs[lo - 1];
		u128 st = u(r->start);
		if (v <= run_last(r) && ((v - st) & (((u128)1 << r->shift) - 1)) == 0)
			return true;
	}
	return false;
}

/* A set past the limit with no one entry to blame: the largest part left
 * of it names where to cut. */
static void huge_message(struct ip6set *s)
{
	size_t big = 0;
	for (size_t i = 1; i < s->nruns; i++)
		if (s->runs[i].count > s->runs[big].count)
			big = i;
	int bits = 0;
	for (u128 c = s->count; c > 1; c >>= 1)
		bits++;
	char t[IPADDR_STRLEN];
	snprintf(s->huge_why, sizeof s->huge_why,
	         "about 2^%d IPv6 targets past the blocklist, more than zgen can permute (2^48); "
	         "its largest part starts at %s; scan a part or a slice of it",
	         bits, s->nruns ? ipaddr_str(s->runs[big].start, t) : "?");
}

int ip6set_finish(struct ip6set *s, struct zerr *e)
{
	s->nblocked = merge_spans(s->blocked, s->nblocked);
	/* ranges: merged with each other, as spans */
	size_t nr = 0, nsl = 0;
	for (size_t i = 0; i < s->nruns; i++)
		nr += s->runs[i].shift == 0;
	size_t nr0 = nr; /* the ranges, before merging: first in cmp_run's order */
	struct ip6span *ranges = malloc((nr ? nr : 1) * sizeof *ranges);
	if (!ranges)
		return zerr_set(e, "out of memory");
	nr = 0;
	for (size_t i = 0; i < s->nruns; i++)
		if (s->runs[i].shift == 0)
			ranges[nr++] =
			    (struct ip6span){s->runs[i].start, ip(run_last(&s->runs[i]))};
	nr = merge_spans(ranges, nr);
	/* slices: refused when two of them overlap */
	if (s->nruns)
		qsort(s->runs, s->nruns, sizeof *s->runs, cmp_run);
	size_t first_slice = nr0;
	struct ip6run *slices = s->runs ? s->runs + first_slice : NULL;
	nsl = s->nruns - first_slice;
	for (size_t i = 1; i < nsl; i++)
		if (u(slices[i].start) <= run_last(&slices[i - 1])) {
			/* named in the order given, as given: their addresses may
			 * be the same (2600::/32-48 and 2600::/40-56 start at
			 * 2600::1 both) */
			uint32_t a = slices[i - 1].label, b = slices[i].label;
			free(ranges);
			return zerr_set(e, "the prefix slices %s and %s overlap: scan them apart",
			                s->labels[(a < b ? a : b) - 1],
			                s->labels[(a < b ? b : a) - 1]);
		}
	free_labels(s);
	/* what is left of each, the blocked prefixes out, and slices also
	 * without what the ranges hold (no target twice) */
	struct ip6run *runs = NULL;
	size_t nruns = 0, cap = 0;
	int rc = 0;
	for (size_t i = 0; i < nr && rc == 0; i++) {
		u128 lo = u(ranges[i].lo), hi = u(ranges[i].hi);
		if (hi - lo == ~(u128)0) { /* all of IPv6: two halves, as in allow */
			struct ip6run h[2] = {{ip(0), (u128)1 << 127, 0, 0, 0},
			                      {ip((u128)1 << 127), (u128)1 << 127, 0, 0, 0}};
			rc = subtract(&h[0], s->blocked, s->nblocked, &runs, &nruns, &cap);
			if (rc == 0)
				rc = subtract(&h[1], s->blocked, s->nblocked, &runs, &nruns, &cap);
			continue;
		}
		struct ip6run r = {ranges[i].lo, hi - lo + 1, 0, 0, 0};
		rc = subtract(&r, s->blocked, s->nblocked, &runs, &nruns, &cap);
	}
	size_t nleft_ranges = nruns;
	for (size_t i = 0; i < nsl && rc == 0; i++) {
		struct ip6run *tmp = NULL;
		size_t nt = 0, tcap = 0;
		rc = subtract(&slices[i], ranges, nr, &tmp, &nt, &tcap);
		for (size_t k = 0; k < nt && rc == 0; k++)
			rc = subtract(&tmp[k], s->blocked, s->nblocked, &runs, &nruns, &cap);
		free(tmp);
	}
	if (rc < 0) {
		free(ranges);
		free(runs);
		return zerr_set(e, "out of memory");
	}
	free(ranges);
	free(s->runs);
	s->runs = runs;
	s->nruns = nruns;
	s->runs_cap = cap;
	s->nranges = nleft_ranges;
	/* singles: sorted, each once, none blocked or in a range or slice */
	if (s->nsingles && addrsort_v6(s->singles, s->nsingles) < 0)
		qsort(s->singles, s->nsingles, sizeof *s->singles,
		      cmp_addr); /* no room for a copy */
	size_t m = 0;
	for (size_t i = 0; i < s->nsingles; i++) {
		u128 a = u(s->singles[i]);
		if ((m && ipaddr_eq(s->singles[m - 1], s->singles[i])) ||
		    find_span(s->blocked, s->nblocked, a) >= 0 || in_runs(s, a))
			continue;
		s->singles[m++] = s->singles[i];
	}
	s->nsingles = m;
	u128 total = s->nsingles;
	for (size_t i = 0; i < s->nruns; i++) {
		s->runs[i].before = total;
		/* all of IPv6 is 2^128: a count that wraps saturates */
		total = s->runs[i].count > ~(u128)0 - total ? ~(u128)0 : total + s->runs[i].count;
	}
	s->count = total;
	/* the entry named at its adding is to blame only if the blocklist
	 * left more than the limit of it */
	u128 left = 0;
	if (s->huge_why[0])
		ip6set_count_in(s, false, s->huge_prefix, s->huge_len, &left);
	if (s->huge_why[0] && left <= IP6SET_MAX)
		s->huge_why[0] = '\0';
	if (ip6set_huge(s) && !s->huge_why[0])
		huge_message(s);
	s->finished = true;
	return 0;
}

struct ipaddr ip6set_at(const struct ip6set *s, uint64_t i)
{
	if (i < s->nsingles)
		return s->singles[i];
	size_t lo = 0, hi = s->nruns;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->runs[mid].before <= i)
			lo = mid;
		else
			hi = mid;
	}
	const struct ip6run *r = &s->runs[lo];
	return ip(u(r->start) + ((((u128)i - r->before)) << r->shift));
}

bool ip6set_blocked(const struct ip6set *s, struct ipaddr a)
{
	return find_span(s->blocked, s->nblocked, u(a)) >= 0;
}

bool ip6set_contains(const struct ip6set *s, struct ipaddr a)
{
	if (s->nsingles && bsearch(&a, s->singles, s->nsingles, sizeof a, cmp_addr))
		return true;
	return in_runs(s, u(a));
}

/* Trailing zero bits of v (128 for 0). */
static int ctz128(u128 v)
{
	uint64_t lo = (uint64_t)v, hi = (uint64_t)(v >> 64);
	return lo ? __builtin_ctzll(lo) : hi ? 64 + __builtin_ctzll(hi) : 128;
}

/* The minimal CIDRs of [lo, hi], ascending: from lo, each time the largest
 * block aligned there that stays inside. */
static int cover(u128 lo, u128 hi, int (*fn)(void *ctx, struct ipaddr prefix, int len), void *ctx)
{
	for (;;) {
		int bits = ctz128(lo);
		while (bits > 0 && (bits == 128 ? hi != ~(u128)0 : hi - lo < ((u128)1 << bits) - 1))
			bits--;
		int rc = fn(ctx, ip(lo), 128 - bits);
		if (rc || bits == 128)
			return rc;
		u128 last = lo + (((u128)1 << bits) - 1);
		if (last == hi)
			return 0;
		lo = last + 1;
	}
}

/* The allowed intervals within [plo, phi], ascending and disjoint, into
 * out (grown); the points of slices count against max_points. */
static int allowed_in(const struct ip6set *s, bool all, u128 plo, u128 phi, struct ip6span **out,
                      size_t *n, uint64_t max_points, struct zerr *e)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
#define PUSH(L, H)                                                                                 \
	do {                                                                                       \
		if (grow((void **)out, &cap, *n, sizeof **out) < 0)                                \
			return zerr_set(e, "out of memory");                                       \
		(*out)[(*n)++] = (struct ip6span){ip(L), ip(H)};                                   \
	} while (0)
	if (all) { /* everything but the blocked spans */
		u128 at = plo;
		bool done = false;
		for (size_t i = 0; i < s->nblocked && !done; i++) {
			u128 lo = u(s->blocked[i].lo), hi = u(s->blocked[i].hi);
			if (hi < at || lo > phi)
				continue;
			if (lo > at)
				PUSH(at, lo - 1);
			if (hi >= phi)
				done = true;
			else
				at = hi + 1;
		}
		if (!done)
			PUSH(at, phi);
		return 0;
	}
	uint64_t points = 0;
	for (size_t i = 0; i < s->nsingles; i++) {
		u128 a = u(s->singles[i]);
		if (a >= plo && a <= phi)
			PUSH(a, a);
	}
	for (size_t i = 0; i < s->nruns; i++) {
		const struct ip6run *r = &s->runs[i];
		u128 st = u(r->start), last = run_last(r);
		if (last < plo || st > phi)
			continue;
		if (r->shift == 0) {
			PUSH(st > plo ? st : plo, last < phi ? last : phi);
			continue;
		}
		u128 step = (u128)1 << r->shift;
		u128 k0 = st >= plo ? 0 : (plo - st + step - 1) >> r->shift;
		for (u128 k = k0; k < r->count && st + (k << r->shift) <= phi; k++) {
			if (++points > max_points)
				return zerr_set(e,
				                "more than %llu addresses of prefix slices to list",
				                (unsigned long long)max_points);
			PUSH(st + (k << r->shift), st + (k << r->shift));
		}
	}
#undef PUSH
	if (*n > 1)
		qsort(*out, *n, sizeof **out, cmp_span);
	*n = merge_spans(*out, *n);
	return 0;
}

int ip6set_each_cidr(const struct ip6set *s, bool all, struct ipaddr prefix, int len,
                     int (*fn)(void *ctx, struct ipaddr prefix, int len), void *ctx,
                     uint64_t max_points, struct zerr *e)
{
	u128 lo = u(ipaddr_mask(prefix, len));
	u128 hi = len == 0 ? ~(u128)0 : lo | (len == 128 ? 0 : ((u128)1 << (128 - len)) - 1);
	struct ip6span *sp;
	size_t n;
	if (allowed_in(s, all, lo, hi, &sp, &n, max_points, e) < 0) {
		free(sp);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = cover(u(sp[i].lo), u(sp[i].hi), fn, ctx);
	free(sp);
	return rc;
}

/* Counted, not listed: the parts of a finished set are disjoint, so the
 * targets in a prefix are a sum over them (a slice's in closed form), and
 * no part holds more than 2^127, so a carry is all the sum needs. */
bool ip6set_count_in(const struct ip6set *s, bool all, struct ipaddr prefix, int len,
                     unsigned __int128 *n)
{
	u128 lo = u(ipaddr_mask(prefix, len));
	u128 hi = len == 0 ? ~(u128)0 : lo | (len == 128 ? 0 : ((u128)1 << (128 - len)) - 1);
	u128 size = hi - lo + 1; /* 0 for ::/0: 2^128 */
	if (all) {               /* the prefix minus the blocked spans in it: less than 2^128 */
		u128 blocked = 0;
		for (size_t i = 0; i < s->nblocked; i++) {
			u128 bl = u(s->blocked[i].lo), bh = u(s->blocked[i].hi);
			if (bh < lo || bl > hi)
				continue;
			if (bl <= lo && bh >= hi) { /* all of it blocked */
				*n = 0;
				return false;
			}
			blocked += (bh < hi ? bh : hi) - (bl > lo ? bl : lo) + 1;
		}
		*n = size - blocked;
		return blocked == 0;
	}
	u128 total = 0;
	bool carry = false;
	for (size_t i = 0; i < s->nsingles; i++) {
		u128 a = u(s->singles[i]);
		total += a >= lo && a <= hi;
	}
	for (size_t i = 0; i < s->nruns; i++) {
		const struct ip6run *r = &s->runs[i];
		u128 st = u(r->start), last = run_last(r);
		if (last < lo || st > hi)
			continue;
		u128 from = st >= lo ? 0 : (lo - st + ((u128)1 << r->shift) - 1) >> r->shift;
		u128 to = last <= hi ? r->count - 1 : (hi - st) >> r->shift;
		if (from <= to) {
			u128 k = to - from + 1;
			carry |= total + k < total;
			total += k;
		}
	}
	*n = total;
	return len == 0 ? carry : total == size;
}

void ip6set_free(struct ip6set *s)
{
	free_labels(s);
	free(s->singles);
	free(s->runs);
	free(s->blocked);
	*s = (struct ip6set){0};
}
