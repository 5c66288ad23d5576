/* addrfilter: constraint filtering of address lines. */
#include "addrfilter.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/addr/addr.h"
#include "core/addr/ipaddr.h"
#include "core/addr/listfile.h"
#include "util/bitmap.h"
#include "util/linereader.h"
#include "util/outbuf.h"
#include "util/strset.h"

/* What passed whole before, when repeats are dropped: bare IPv4 addresses
 * in a bitmap, any other line by its address (canonical: 2001:2::1 and
 * 2001:2:0::1 are one) and prefix length and the rest of the line. */
struct seen {
	struct bitmap v4;
	struct strset keys;
};

/* Whether a line that passes whole was seen before (and marks it seen):
 * a bare address a (plen 32, nothing after it but white space), or the
 * key of a, plen and rest. -1 out of memory. */
static int seen_before(struct seen *sn, struct ipaddr a, int plen, const char *rest, size_t restlen)
{
	if (!sn)
		return 0;
	size_t r = restlen;
	while (r > 0 && (rest[r - 1] == ' ' || rest[r - 1] == '\t'))
		r--;
	if (ipaddr_is_v4(a) && plen == 32 && r == 0)
		return bitmap_test_and_set(&sn->v4, ipaddr_v4(a));
	char key[17 + LISTFILE_MAX_LINE];
	if (r > LISTFILE_MAX_LINE || 17 + r > STRSET_MAX_KEY)
		return 0; /* longer than any key the set holds: kept */
	memcpy(key, &a.hi, 8);
	memcpy(key + 8, &a.lo, 8);
	key[16] = (char)plen;
	memcpy(key + 17, rest, r);
	int added = strset_add(&sn->keys, strset_hash(key, 17 + r), key, 17 + r);
	return added < 0 ? -1 : !added;
}

struct split_ctx {
	struct outbuf *out;
	const char *rest;
	size_t restlen;
	unsigned long long n;
};

static int emit_block6(void *arg, struct ipaddr prefix, int len)
{
	struct split_ctx *sc = arg;
	char buf[IPADDR_STRLEN + 8];
	char *p = ipaddr_format(buf, prefix);
	p += sprintf(p, "/%d", len);
	sc->n++;
	if (outbuf_put(sc->out, buf, (size_t)(p - buf)) < 0 ||
	    outbuf_put(sc->out, sc->rest, sc->restlen) < 0 || outbuf_put(sc->out, "\n", 1) < 0)
		return -1;
	return 0;
}

static int emit_block(void *arg, uint32_t prefix, int len)
{
	return emit_block6(arg, ipaddr_from_v4(prefix), len); /* printed as a dotted quad */
}

/* An IPv4 address or CIDR a/plen, the first token of line: the line goes
 * out whole, is dropped, or becomes the allowed part's CIDRs. */
static int judge4(const struct constraint *c, struct outbuf *out, struct seen *sn, const char *line,
                  size_t len, const char *tok, size_t tl, uint32_t a, int plen,
                  struct addrfilter_stats *st)
{
	uint64_t allowed = plen == 32 ? constraint_allowed(c, a) : constraint_count_in(c, a, plen);
	if (allowed == ((uint64_t)1 << (32 - plen))) {
		int was = seen_before(sn, ipaddr_from_v4(a), plen, tok + tl,
		                      (size_t)(line + len - tok - tl));
		if (was < 0)
			return -1;
		if (was) {
			st->repeated++;
			return 0;
		}
		st->passed++;
		if (outbuf_put(out, line, len) < 0 || outbuf_put(out, "\n", 1) < 0)
			return -1;
	} else if (allowed == 0) {
		st->dropped++;
	} else {
		struct split_ctx sc = {
		    .out = out, .rest = tok + tl, .restlen = (size_t)(line + len - tok - tl)};
		if (constraint_each_cidr(c, a, plen, emit_block, &sc) < 0)
			return -1;
		st->split++;
	}
	return 0;
}

/* An IPv6 first token (as filter_line, which has checked the rest). The
 * cover of a partly allowed prefix lists at most this many single
 * addresses of slices; more is a bad line. */
#define COVER_POINTS (1u << 16)

static int filter_line6(const struct targetspace *t, struct outbuf *out, struct seen *sn,
                        const char *line, size_t len, const char *tok, size_t tl,
                        unsigned long lineno, addrfilter_bad_fn bad, void *ctx,
                        struct addrfilter_stats *st)
{
	struct ipaddr a;
	int plen, slice;
	enum addr_status as = ipprefix_parse(tok, tl, &a, &plen, &slice);
	char why[96], net[IPADDR_STRLEN];
	if (as == ADDR_HOST_BITS)
		snprintf(why, sizeof why,
		         "host bits set (the network is %s/%d):", ipaddr_str(a, net), plen);
	if (as != ADDR_OK || slice) {
		st->bad++;
		bad(ctx, lineno,
		    slice                  ? "a prefix slice is no address or prefix to filter:"
		    : as == ADDR_HOST_BITS ? why
		    : as == ADDR_BAD_LEN   ? "bad prefix length (0-128) in"
		                           : "not an IPv6 address or prefix:",
		    tok, tl);
		return 0;
	}
	if (ipaddr_is_v4(a)) /* ::ffff:a.b.c.d/96+n: IPv4's, its parts written as IPv4's */
		return judge4(t->v4, out, sn, line, len, tok, tl, ipaddr_v4(a), plen, st);
	unsigned __int128 allowed = 0;
	bool whole = plen == 128 ? targetspace_allowed(t, a)
	                         : ip6set_count_in(&t->v6, t->v6_all, a, plen, &allowed);
	if (whole) {
		int was = seen_before(sn, a, plen, tok + tl, (size_t)(line + len - tok - tl));
		if (was) {
			st->repeated += was > 0;
			return was < 0 ? -1 : 0;
		}
		st->passed++;
		return outbuf_put(out, line, len) < 0 || outbuf_put(out, "\n", 1) < 0 ? -1 : 0;
	}
	if (allowed == 0) {
		st->dropped++;
		return 0;
	}
	struct split_ctx sc = {
	    .out = out, .rest = tok + tl, .restlen = (size_t)(line + len - tok - tl)};
	struct zerr e = {{0}};
	int rc = ip6set_each_cidr(&t->v6, t->v6_all, a, plen, emit_block6, &sc, COVER_POINTS, &e);
	if (rc < 0 && e.msg[0]) { /* refused before listing any block */
		st->bad++;
		bad(ctx, lineno,
		    "its allowed part holds too many prefix-slice addresses to list:", tok, tl);
		return 0;
	}
	if (rc < 0)
		return -1;
	st->split++;
	return 0;
}

static size_t token_len(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] != ',' && s[i] != ' ' && s[i] != '\t' && s[i] != '#')
		i++;
	return i;
}

/* The general path: any line, any first token. Returns -1 on write error. */
static int filter_line(const struct targetspace *t, struct outbuf *out, struct seen *sn,
                       const char *line, size_t len, unsigned long lineno, addrfilter_bad_fn bad,
                       void *ctx, struct addrfilter_stats *st)
{
	const struct constraint *c = t->v4;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	size_t lead = 0;
	while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
		lead++;
	const char *tok = line + lead;
	size_t tl = token_len(tok, len - lead);
	if (tl == 0) {
		if (lead < len && tok[0] != '#') { /* e.g. ",80" */
			st->bad++;
			bad(ctx, lineno, "no address before", tok, len - lead);
		}
		return 0;
	}
	if (memchr(tok, ':', tl))
		return filter_line6(t, out, sn, line, len, tok, tl, lineno, bad, ctx, st);
	uint32_t a;
	int plen = 32;
	enum addr_status as =
	    memchr(tok, '/', tl) ? cidr_parse(tok, tl, &a, &plen) : addr_parse(tok, tl, &a);
	if (as != ADDR_OK) {
		st->bad++;
		char why[64], net[ADDR_STRLEN];
		if (as == ADDR_HOST_BITS)
			snprintf(why, sizeof why,
			         "host bits set (the network is %s/%d):", addr_str(a, net), plen);
		bad(ctx, lineno,
		    as == ADDR_HOST_BITS ? why
		    : as == ADDR_BAD_LEN ? "bad prefix length (0-32) in"
		                         : "not an IPv4 address or CIDR:",
		    tok, tl);
		return 0;
	}
	return judge4(c, out, sn, line, len, tok, tl, a, plen, st);
}

#define TOO_LONG_WHY "a line longer than 4096 bytes:"

int addrfilter_run(const struct targetspace *t, int in_fd, int out_fd, bool dedup,
                   volatile sig_atomic_t *stop, volatile sig_atomic_t *skip_stop,
                   addrfilter_bad_fn bad, void *ctx, struct addrfilter_stats *st, struct zerr *e)
{
	struct seen seen = {.v4 = {0}, .keys = {0}}, *sn = dedup ? &seen : NULL;
	_Static_assert(LISTFILE_MAX_LINE == 4096, "TOO_LONG_WHY names the limit");
	const struct constraint *c = t->v4;
	struct linereader lr;
	struct outbuf out;
	int rc = 0;
	if (linereader_init(&lr, in_fd) < 0)
		return zerr_set(e, "out of memory");
	if (outbuf_init(&out, out_fd) < 0) {
		linereader_free(&lr);
		return zerr_set(e, "out of memory");
	}
	lr.max_line = LISTFILE_MAX_LINE;
	lr.skip_long = true;
	lr.stop = stop;
	lr.skip_stop = skip_stop;
	const char *p;
	size_t len;
	unsigned long lineno;
	int got;
	for (;;) {
		if (out.len && linereader_would_wait(&lr) && outbuf_flush(&out) < 0)
			goto write_error;
		if ((got = linereader_chunk(&lr, &p, &len, &lineno)) <= 0)
			break;
		if (got == LINEREADER_LONG) { /* its start; the rest is dropped as it comes */
			st->bad++;
			bad(ctx, lineno, TOO_LONG_WHY, p, len);
			st->lines++;
			linereader_count(&lr, 1);
			continue;
		}
		const char *end = p + len;
		unsigned long n = 0;
		for (; p < end; n++) {
			uint32_t a;
			size_t al = addr_scan(p, &a);
			if (al && p[al] == '\n') { /* the common case: a bare address */
				int was = 0;
				if (!constraint_allowed(c, a)) {
					st->dropped++;
				} else if (sn && (was = bitmap_test_and_set(&sn->v4, a)) != 0) {
					if (was < 0)
						goto no_memory;
					st->repeated++;
				} else {
					st->passed++;
					if (outbuf_put(&out, p, al + 1) < 0)
						goto write_error;
				}
				p += al + 1;
				continue;
			}
			const char *nl = memchr(p + al, '\n', (size_t)(end - p - al));
			/* an overlong line that came whole in one read: bad alike */
			if ((size_t)(nl - p) > LISTFILE_MAX_LINE) {
				st->bad++;
				bad(ctx, lineno + n, TOO_LONG_WHY, p, (size_t)(nl - p));
			} else if (filter_line(t, &out, sn, p, (size_t)(nl - p), lineno + n, bad,
			                       ctx, st) < 0) {
				if (errno == ENOMEM)
					goto no_memory;
				goto write_error;
			}
			p = nl + 1;
		}
		st->lines += n;
		linereader_count(&lr, n);
	}
	if (got < 0 && errno == EINTR && ((stop && *stop) || (skip_stop && *skip_stop)))
		st->interrupted = true;
	else if (got < 0)
		rc = zerr_set(e, "stdin: read error: %s", strerror(errno));
	if (outbuf_flush(&out) < 0)
		goto write_error;
	goto done;
write_error:
	st->write_errno = errno;
	rc = zerr_set(e, "stdout: write error: %s", strerror(errno));
	goto done;
no_memory:
	rc = zerr_set(e, "out of memory for the lines seen (--no-duplicate-checking keeps none)");
done:
	linereader_free(&lr);
	outbuf_free(&out);
	bitmap_free(&seen.v4);
	strset_free(&seen.keys);
	return rc;
}
