/* fuzz_parse: libFuzzer harness for everything zscan parses from outside.
 * The first byte picks the parser; the rest is the input, copied into a
 * heap buffer of exactly its size so ASan catches any read past it:
 *   0x80 + k: validation by module k of the table (probe_modules, so a new
 *             module is fuzzed by being listed there) of an IPv4 packet
 *             from the wire, and its decoder (if it has one) of the same
 *             bytes as an answer's payload, its output checked as JSON
 *             and as CSV;
 *   below 0x80, modulo the parsers below: a target line (zsend's stdin),
 *             an entry of a list or an argument (a CIDR, an IPv6 prefix or
 *             slice, IPv4-mapped ones; some built into a target space), a
 *             port list (-p), a -n limit,
 *             result lines (zfilter's stdin) under one of several option
 *             sets, picked by the next byte, zblacklist's stdin (and the
 *             line reader under it, in reads and lines of a few bytes), a captured
 *             frame of the link type the next byte picks (modulo 6:
 *             Ethernet, SLL, raw IP, SLL2, raw IPv4, raw IPv6) through
 *             every module, a key file, a list file (an allowlist, or a
 *             blocklist for inputs of odd length), a
 *             udp payload spec and file, a --where expression
 *             evaluated over fields taken from the rest, and a
 *             configuration file (-C) with each of its lines judged.
 * A crash, a sanitizer report or a broken invariant aborts. */
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pcap/dlt.h>
#include <sys/stat.h>

#include "core/addr/addr.h"
#include "core/schema/filterexpr.h"
#include "core/addr/listfile.h"
#include "core/stage/secret.h"
#include "tool/config.h"
#include "net/frame.h"
#include "zblacklist/addrfilter.h"
#include "core/perm/limit.h"
#include "core/addr/ports.h"
#include "probe/probe.h"
#include "zfilter/resultfilter.h"
#include "core/addr/targetline.h"
#include "core/addr/targetspace.h"
#include "core/addr/ipaddr.h"
#include "util/linereader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A bad line or record: its lines are a range in order. */
static void ignore_bad(unsigned long first, unsigned long last, const char *why, const char *line,
                       size_t len)
{
	(void)why, (void)line, (void)len;
	if (first == 0 || last < first)
		abort();
}

/* The input in a memfd, ready to be read from its start. */
static int memfd_of(const char *in, size_t n)
{
	int fd = memfd_create("fuzz", 0);
	if (fd < 0 || write(fd, in, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

static void ignore_bad_token(void *ctx, unsigned long lineno, const char *why, const char *tok,
                             size_t toklen)
{
	(void)ctx, (void)lineno, (void)why, (void)tok, (void)toklen;
}

/* The line reader over the input in reads of 1 to 13 bytes, with lines
 * of at most 1 to 61 bytes (both picked by the input's length): the lines
 * it hands out, an overlong one as one mark whether it came whole or in
 * pieces, are the input's lines, a leading byte-order mark skipped. */
static void check_linereader(const char *in, size_t n)
{
	size_t read_max = 1 + n % 13, max_line = 1 + n % 61;
	int fd = memfd_of(in, n);
	struct linereader lr;
	if (linereader_init(&lr, fd) < 0)
		abort();
	lr.read_max = read_max;
	lr.max_line = max_line;
	lr.skip_long = true;
	/* the reference: the lines of the input */
	size_t at = n >= 3 && memcmp(in, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
	const char *p;
	size_t len;
	unsigned long first, lineno = 0;
	int got;
	while ((got = linereader_chunk(&lr, &p, &len, &first)) > 0) {
		if (first != lineno + 1)
			abort();
		size_t k = 0;
		for (const char *q = p; got == 1 && q < p + len; k++) {
			const char *nl = memchr(q, '\n', (size_t)(p + len - q));
			if (!nl)
				abort(); /* a chunk is whole lines */
			size_t ll = (size_t)(nl - q);
			const char *want = in + at, *wend = memchr(want, '\n', n - at);
			size_t wl = wend ? (size_t)(wend - want) : n - at;
			if (at > n || (ll <= max_line && (wl != ll || memcmp(q, want, ll) != 0)) ||
			    (ll > max_line && wl <= max_line))
				abort();
			at += wl + (wend != NULL);
			q = nl + 1;
		}
		if (got == LINEREADER_LONG) {
			const char *want = in + at, *wend = memchr(want, '\n', n - at);
			size_t wl = wend ? (size_t)(wend - want) : n - at;
			if (wl <= max_line || len <= max_line || memcmp(p, want, len) != 0)
				abort();
			at += wl + (wend != NULL);
			k = 1;
		}
		lineno = first - 1 + k;
		linereader_count(&lr, k);
	}
	if (got < 0 || at != n)
		abort();
	linereader_free(&lr);
	close(fd);
}

/* Runs zblacklist's filter over the input with 10.0.0.0/8 and
 * 192.0.2.0/25 blocked, so that CIDRs can be allowed, blocked or split.
 * The constraint is built once: building it takes longer than a run. */
/* Two target spaces: everything but a few blocks (IPv6 as a filter takes
 * it with no allow entries), and one of allowed IPv6 parts of each kind
 * (a range, a slice, a single) with a block across them. */
static void fuzz_addrfilter(const char *in, size_t n)
{
	check_linereader(in, n);
	static struct targetspace t[2];
	if (!t[0].v4) {
		struct zerr e0;
		struct ipaddr a, iid = {0, 1};
		int len, slice;
		for (int k = 0; k < 2; k++) {
			if (!(t[k].v4 = constraint_new(true)) ||
			    constraint_paint(t[k].v4, 0x0a000000, 8, false) < 0 ||
			    constraint_paint(t[k].v4, 0xc0000200, 25, false) < 0 ||
			    constraint_finish(t[k].v4) < 0)
				abort();
			t[k].v6_all = k == 0;
		}
		static const char *const allow[] = {"2001:db8::/120", "2001:db9::/32-48",
		                                    "2001:dba::5"};
		for (size_t i = 0; i < 3; i++)
			if (ipprefix_parse(allow[i], strlen(allow[i]), &a, &len, &slice) !=
			        ADDR_OK ||
			    (slice ? ip6set_allow_slice(&t[1].v6, a, len, slice, iid, NULL, &e0)
			           : ip6set_allow(&t[1].v6, a, len, &e0)) < 0)
				abort();
		for (int k = 0; k < 2; k++)
			if (ipprefix_parse("2001:db9:8000::/33", 18, &a, &len, &slice) != ADDR_OK ||
			    ip6set_block(&t[k].v6, a, len, &e0) < 0 ||
			    ip6set_finish(&t[k].v6, &e0) < 0)
				abort();
	}
	int fd = memfd_of(in, n), out = open("/dev/null", O_WRONLY);
	struct addrfilter_stats st = {0};
	struct zerr e;
	if (out < 0 ||
	    addrfilter_run(&t[n & 1], fd, out, n & 2, NULL, NULL, ignore_bad_token, NULL, &st, &e) <
	        0 ||
	    st.passed + st.dropped + st.split + st.bad + st.repeated > st.lines)
		abort();
	close(fd);
	close(out);
}

/* Runs zfilter's work over the input, read from a memfd, with the option
 * set that the first byte picks: the address bitmap, the hash set, every
 * column, JSON output, a --where expression, no dedup, a key of values
 * that may be unescaped (CSV quoting, JSON escapes); in one thread, and
 * the first two with a second thread too (fewer of those: starting a
 * thread costs more than most runs); and, after them (the bytes that
 * picked the others pick them still), bounds of a few bytes and lines, so
 * that overlong lines and quotes that do not close within them are
 * reached, with a --where string holding escapes and true. */
static void fuzz_resultfilter(const char *in, size_t n)
{
	static const struct resultfilter_config sets[] = {
	    {.threads = 1},
	    {.threads = 1, .all = true, .key = "saddr,sport"},
	    {.threads = 1, .all = true, .key = "saddr", .fields = "*", .format = RESULTFILTER_JSON},
	    {.threads = 1,
	     .where = "sport = 80 || ttl > 3",
	     .fields = "saddr,ttl",
	     .format = RESULTFILTER_CSV},
	    {.threads = 1,
	     .all = true,
	     .no_dedup = true,
	     .fields = "*",
	     .format = RESULTFILTER_CSV},
	    {.threads = 1, .all = true, .fields = "*"},
	    {.threads = 1,
	     .all = true,
	     .key = "note",
	     .fields = "saddr,note",
	     .format = RESULTFILTER_JSON},
	    {.threads = 2},
	    {.threads = 2, .all = true, .key = "saddr,sport"},
	    {.threads = 1,
	     .all = true,
	     .fields = "*",
	     .format = RESULTFILTER_CSV,
	     .max_line = 64,
	     .max_record_lines = 3},
	    {.threads = 1,
	     .where = "note = \"a\\\"b\\\\\" || success = true || ttl = false",
	     .fields = "saddr,note",
	     .max_line = 40,
	     .max_record_lines = 2},
	    {.threads = 2,
	     .all = true,
	     .key = "saddr,sport",
	     .max_line = 48,
	     .max_record_lines = 4},
	    /* the hand-off to the next stage: ZGrab2's lines, LZR's JSON,
	     * ZMap's blank column, prefixes and text matches */
	    {.threads = 1,
	     .where = "saddr in 198.18.0.0/15 || saddr not in 2001:2::/48",
	     .format = RESULTFILTER_ZGRAB2},
	    {.threads = 1, .all = true, .format = RESULTFILTER_LZR},
	    {.threads = 1,
	     .where = "note ~ \"a\" || note like \"*b?\"",
	     .fields = "saddr,blank,blank,sport",
	     .format = RESULTFILTER_CSV},
	};
	if (n < 1)
		return;
	struct resultfilter_config cfg = sets[(uint8_t)in[0] % (sizeof sets / sizeof sets[0])];
	int fd = memfd_of(in + 1, n - 1), out = open("/dev/null", O_WRONLY);
	if (out < 0)
		abort();
	cfg.in_fd = fd;
	cfg.out_fd = out;
	struct resultfilter_stats st = {0};
	struct zerr e;
	int rc = resultfilter_run(&cfg, ignore_bad, &st, &e);
	/* -1: a header it cannot take (more than 64 columns); reads and writes
	 * cannot fail here */
	if ((rc != 0 && rc != -1 && rc != RESULTFILTER_USAGE) || st.unique > st.passed ||
	    st.passed > st.rows || st.bad > st.rows || (st.where_unseen && rc != 0))
		abort();
	close(fd);
	close(out);
}

static void check_valid(const struct probe_result *r)
{
	if (!r->classification)
		abort(); /* every valid answer is classified */
}

/* A target line of either family: what it gives prints and parses back. */
static void fuzz_targetline(const char *in, size_t n)
{
	struct ipaddr a, b;
	int port;
	const char *why;
	if (targetline_parse(in, n, &a, &port, &why) != TL_OK)
		return;
	char t[IPADDR_STRLEN];
	ipaddr_str(a, t);
	if (port > 65535 || ipaddr_parse(t, strlen(t), &b) < 0 || !ipaddr_eq(a, b))
		abort();
}

/* An entry of a list or an argument, of either family: IPv4 CIDRs,
 * IPv6 prefixes and slices, and those inside ::ffff:0:0/96, which are
 * IPv4's; a mapped prefix slice (an IPv4 slice) is one of them. A quarter
 * of the inputs that parse (a target space costs 8 MB of tables to build)
 * are also given to targetspace_build as an argument: taken exactly when
 * clean and no IPv4 slice, and then every target it lists is in the
 * entry. */
static void fuzz_prefix_arg(const char *in, size_t n, struct ipaddr a, int len, int slice,
                            enum addr_status rc)
{
	char *arg = malloc(n + 1);
	memcpy(arg, in, n);
	arg[n] = '\0';
	if (strlen(arg) != n) { /* a NUL: no argument holds one */
		free(arg);
		return;
	}
	struct targetspace_opts o = {
	    .blocklist = "/dev/null", .cidrs = &arg, .ncidrs = 1, .iid = {0, 1}};
	struct zerr e;
	struct targetspace *t = targetspace_build(&o, NULL, &e);
	if (!t != (rc != ADDR_OK || ipprefix_v4_slice(a, slice)) || (!t && strchr(e.msg, '\n')))
		abort();
	if (t) {
		bool v4 = ipaddr_is_v4(a);
		uint64_t n4 = constraint_count(t->v4), n6 = ip6set_count(&t->v6);
		if (v4 && (n4 != (uint64_t)1 << (32 - len) || n6 != 0))
			abort();
		for (uint64_t i = 0; i < n4 && i < 16; i++)
			if (!ipaddr_eq(
			        ipaddr_mask(ipaddr_from_v4(constraint_lookup_index(t->v4, i)),
			                    96 + len),
			        a))
				abort();
		for (uint64_t i = 0; !v4 && i < n6 && i < 16; i++) {
			struct ipaddr x = ip6set_at(&t->v6, i);
			if (ipaddr_is_v4(x) || !ipaddr_eq(ipaddr_mask(x, len), a) ||
			    !targetspace_allowed(t, x))
				abort();
		}
		targetspace_free(t);
	}
	free(arg);
}

static void fuzz_cidr(const char *in, size_t n)
{
	uint32_t a4;
	int len, slice;
	if (cidr_parse(in, n, &a4, &len) == ADDR_OK && (len < 0 || len > 32))
		abort();
	struct ipaddr a;
	enum addr_status rc = ipprefix_parse(in, n, &a, &len, &slice);
	if (rc < 0)
		return;
	/* in the family's own bits, the network of its prefix; a slice is
	 * longer than its prefix, and an IPv4 one (mapped) no longer than 32 */
	int bits = ipaddr_is_v4(a) ? 32 : 128;
	if (len < 0 || len > bits || (slice && (slice <= len || slice > bits)) ||
	    !ipaddr_eq(ipaddr_mask(a, ipaddr_is_v4(a) ? 96 + len : len), a) ||
	    ipprefix_v4_slice(a, slice) != (ipaddr_is_v4(a) && slice > 0))
		abort();
	if (ipprefix_v4_slice(a, slice)) {
		char why[160];
		if (!strstr(ipprefix_v4_slice_why(why, sizeof why, a, len), "/"))
			abort();
	}
	if (n % 4 == 0)
		fuzz_prefix_arg(in, n, a, len, slice, rc);
}

/* The parsers of C strings get a NUL-terminated copy. */
static void fuzz_ports(const char *s)
{
	struct ports p = {0};
	struct zerr e;
	if (ports_parse(s, &p, &e) == 0 && (p.n == 0 || p.n > 65536))
		abort();
	ports_free(&p);
}

static void fuzz_limit(const char *s)
{
	struct limit l;
	struct zerr e;
	if (limit_parse(s, &l, &e) == 0 && limit_resolve(&l, 1000) > 1000)
		abort();
}

static void fuzz_module(const struct probe_module *m, const char *in, size_t n);

/* A frame as zrecv gets it: the link layer the first byte picks, then
 * every module's validation of what is inside. */
static void fuzz_frame(const char *in, size_t n)
{
	/* the first three keep the bytes that picked them before the others
	 * came */
	static const int links[] = {DLT_EN10MB,     DLT_LINUX_SLL, DLT_RAW,
	                            DLT_LINUX_SLL2, DLT_IPV4,      DLT_IPV6};
	if (n < 1)
		return;
	struct frame fr;
	int link = links[(uint8_t)in[0] % (sizeof links / sizeof links[0])];
	char *f = malloc(n - 1 ? n - 1 : 1); /* exactly the frame: ASan sees past it */
	memcpy(f, in + 1, n - 1);
	enum frame_kind k = frame_ip(link, (const uint8_t *)f, n - 1, &fr);
	if (k == FRAME_IPV4 || k == FRAME_IPV6) {
		/* the packet is in the frame; what follows its length is padding */
		if (fr.ip < (const uint8_t *)f || fr.ip + fr.len > (const uint8_t *)f + n - 1)
			abort();
		bool later = k == FRAME_IPV4 ? ipv4_later_fragment(fr.ip, fr.len)
		                             : ipv6_later_fragment(fr.ip, fr.len);
		for (int i = 0; probe_modules[i]; i++)
			if (!later)
				fuzz_module(probe_modules[i], (const char *)fr.ip, fr.len);
	}
	free(f);
}

/* The input as a file (a memfd, named through /proc), mode 0600. */
static const char *file_of(const char *in, size_t n, int *fd)
{
	static char path[64];
	*fd = memfd_of(in, n);
	if (fchmod(*fd, 0600) < 0)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", *fd);
	return path;
}

static void fuzz_keyfile(const char *in, size_t n)
{
	int fd;
	const char *path = file_of(in, n, &fd);
	struct secret s;
	struct zerr e;
	if (secret_load(path, &s, &e) == 0 && strlen(s.fingerprint) != 16)
		abort();
	close(fd);
}

/* A list file, as an allowlist or (inputs of odd length) a blocklist
 * over all of IPv4: a bad line, such as a mapped prefix slice, is one
 * line of error and leaves nothing painted. */
static void fuzz_listfile(const char *in, size_t n)
{
	int fd;
	const char *path = file_of(in, n, &fd);
	bool allow = (n & 1) == 0;
	struct constraint *c = constraint_new(!allow);
	struct ip6set v6 = {0};
	struct listfile_target t = {c, &v6, {0, 1}};
	struct listfile_stats st = {0};
	struct zerr e;
	if (!c)
		abort();
	if (listfile_paint_file(&t, path, allow, &st, &e) < 0) {
		if (strchr(e.msg, '\n') || constraint_finish(c) < 0 ||
		    constraint_count(c) != (allow ? 0 : (uint64_t)1 << 32) || v6.nruns ||
		    v6.nblocked || v6.nsingles)
			abort();
	} else if (!allow) {
		if (constraint_finish(c) < 0 ||
		    (st.entries == 0 && constraint_count(c) != (uint64_t)1 << 32))
			abort();
	} else {
		if (constraint_finish(c) < 0 || (st.entries == 0 && constraint_count(c) != 0))
			abort();
		if (ip6set_finish(&v6, &e) == 0) {
			uint64_t n6 = ip6set_count(&v6);
			for (uint64_t i = 0; i < n6 && i < 64; i++)
				if (!ip6set_contains(&v6, ip6set_at(&v6, i)))
					abort(); /* the i-th target is one */
		}
	}
	constraint_free(c);
	ip6set_free(&v6);
	close(fd);
}

/* --probe-args for udp: the input as the spec, and as the file a file:
 * spec names (the first byte picks which). */
static void fuzz_payload(const char *in, size_t n)
{
	if (n < 1)
		return;
	char spec[96];
	int fd = -1;
	if (in[0] & 1) {
		const char *path = file_of(in + 1, n - 1, &fd);
		snprintf(spec, sizeof spec, "%s:%s%s", in[0] & 2 ? "template" : "file", path,
		         in[0] & 4 ? ";echo=0:2" : "");
	} else {
		size_t k = n - 1 < sizeof spec - 1 ? n - 1 : sizeof spec - 1;
		memcpy(spec, in + 1, k);
		spec[k] = '\0';
	}
	const struct probe_module *m = probe_find("udp");
	static struct secret secret;
	struct probe_params pp = {
	    .secret = &secret, .sport_first = 40000, .sport_count = 100, .probes = 1};
	struct zerr e;
	if (probe_setup(m, &pp, spec, &e) == 0) {
		uint8_t frame[PROBE_MAX_FRAME];
		if (pp.template_len > PROBE_MAX_FRAME ||
		    m->make_template(&pp, 0xc6120001u, frame, &e) < 0)
			abort();
		size_t len = m->fill(&pp, frame, 0xc6120001u, 0xc6121005u, 53, 0);
		if (len > PROBE_MAX_FRAME)
			abort();
		probe_teardown(m, &pp);
	}
	if (fd >= 0)
		close(fd);
}

/* A --where expression (up to the first NUL) and, after it, field values
 * separated by NULs for each field the expression names. */
static void fuzz_where(const char *in, size_t n)
{
	size_t el = strnlen(in, n);
	char *expr = malloc(el + 1);
	memcpy(expr, in, el);
	expr[el] = '\0';
	struct zerr e;
	struct filterexpr *x = filterexpr_parse(expr, &e);
	if (x) {
		struct fspan vals[FILTEREXPR_MAX_FIELDS];
		const char *p = in + el + (el < n), *end = in + n;
		for (size_t i = 0; i < filterexpr_nfields(x); i++) {
			size_t vl = p < end ? strnlen(p, (size_t)(end - p)) : 0;
			vals[i] = p < end ? (struct fspan){p, vl} : (struct fspan){NULL, 0};
			p += vl + 1;
		}
		(void)filterexpr_eval(x, vals);
		filterexpr_free(x);
	} else if (!strchr(e.msg, ':') || strchr(e.msg, '\n')) {
		abort(); /* an error is one line that says where */
	}
	free(expr);
}

/* A minimal JSON reader: whether text[*i..] starts with one whole value
 * (string, number, true, false, array, object); moves *i past it. */
static bool json_value(const char *t, size_t n, size_t *i, int depth)
{
	if (*i >= n || depth > 8)
		return false;
	char c = t[*i];
	if (c == '"') {
		for ((*i)++; *i < n; (*i)++) {
			unsigned char b = (unsigned char)t[*i];
			if (b == '"') {
				(*i)++;
				return true;
			}
			if (b < 0x20 || b >= 0x7f)
				return false; /* the writer escapes every such byte */
			if (b == '\\') {
				if (++*i >= n)
					return false;
				if (t[*i] == 'u') {
					if (*i + 4 >= n)
						return false;
					*i += 4;
				} else if (!strchr("\"\\/bfnrt", t[*i])) {
					return false;
				}
			}
		}
		return false;
	}
	if (c == '[' || c == '{') {
		char close = c == '[' ? ']' : '}';
		(*i)++;
		if (*i < n && t[*i] == close) {
			(*i)++;
			return true;
		}
		for (;;) {
			if (c == '{') {
				if (*i >= n || t[*i] != '"' || !json_value(t, n, i, depth + 1) ||
				    *i >= n || t[(*i)++] != ':')
					return false;
			}
			if (!json_value(t, n, i, depth + 1) || *i >= n)
				return false;
			if (t[*i] == close) {
				(*i)++;
				return true;
			}
			if (t[(*i)++] != ',')
				return false;
		}
	}
	if (n - *i >= 4 && memcmp(t + *i, "true", 4) == 0) {
		*i += 4;
		return true;
	}
	if (n - *i >= 5 && memcmp(t + *i, "false", 5) == 0) {
		*i += 5;
		return true;
	}
	size_t start = *i;
	if (t[*i] == '-')
		(*i)++;
	while (*i < n && t[*i] >= '0' && t[*i] <= '9')
		(*i)++;
	return *i > start && t[*i - 1] != '-';
}

/* A module's decoder over any payload, in both formats: every value is
 * one whole JSON value, or a CSV cell that is bare (no comma, quote or
 * newline) or wholly quoted; the writer stays in its bound. */
static void fuzz_decode(const struct probe_module *m, const struct probe_params *pp, const char *in,
                        size_t n)
{
	static struct fieldw w;
	struct probe_result r = {.data = (const uint8_t *)in,
	                         .data_len = (uint16_t)n,
	                         .tcp_opts = (const uint8_t *)in,
	                         .tcp_opts_len = (uint8_t)(n < 40 ? n : 40)};
	if (!m->decode || n > 65535)
		return;
	for (int f = 0; f < 2; f++) {
		fw_reset(&w, m->app_fields, m->n_app_fields, f ? FIELDW_JSON : FIELDW_CSV);
		m->decode(pp, &r, &w);
		if (w.used > FIELDW_MAX)
			abort();
		for (int i = 0; i < m->n_app_fields; i++) {
			size_t len, at = 0;
			const char *v = fw_value(&w, i, &len);
			if (f) {
				if (!json_value(v, len, &at, 0) || at != len)
					abort();
				continue;
			}
			bool quoted = len >= 2 && v[0] == '"' && v[len - 1] == '"';
			for (size_t k = quoted; k < len - quoted; k++) {
				if (v[k] == '\n' || v[k] == '\r' ||
				    (!quoted && (v[k] == ',' || v[k] == '"')))
					abort();
				if (quoted && v[k] == '"' && (++k >= len - 1 || v[k] != '"'))
					abort();
			}
		}
	}
}

static void fuzz_module(const struct probe_module *m, const char *in, size_t n)
{
	static struct secret secret; /* a fixed key: validation paths get exercised */
	struct probe_params pp = {
	    .secret = &secret, .sport_first = 32768, .sport_count = 28233, .probes = 2, .ttl = 64};
	struct probe_result r = {0};
	if (m->validate(&pp, (const uint8_t *)in, n, &r) == PROBE_VALID)
		check_valid(&r);
	/* the input as an answer's payload, for the module's own decoder */
	fuzz_decode(m, &pp, in, n);
}

/* A configuration file: what it gives is one entry a line, in order, a
 * name of option characters and a value free of control bytes (tab
 * aside); a fault names the file and line. Each entry is judged for a
 * tool, and an entry it applies is one of its options. */
static void fuzz_config(const char *in, size_t n)
{
	static const struct option opts[] = {{"ports", required_argument, NULL, 'p'},
	                                     {"count", no_argument, NULL, 256},
	                                     {"config", required_argument, NULL, 'C'},
	                                     {NULL, 0, NULL, 0}};
	struct config c = {.n = 0};
	struct zerr e;
	char *text = malloc(n + 1);
	memcpy(text, in, n);
	text[n] = '\0';
	strcpy(c.shown, "fuzz.conf");
	unsigned long lines = 1;
	for (size_t i = 0; i < n; i++)
		lines += in[i] == '\n';
	if (config_parse(&c, text, n, &e) < 0) {
		if (strncmp(e.msg, "fuzz.conf:", 10) != 0)
			abort();
		free(text);
		return;
	}
	unsigned long last = 0;
	for (size_t i = 0; i < c.n; i++) {
		const struct config_entry *en = &c.entries[i];
		if (en->line <= last || en->line > lines || !en->name[0] ||
		    strspn(en->name,
		           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._") !=
		        strlen(en->name))
			abort();
		for (const char *v = en->value; v && *v; v++)
			if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
				abort();
		last = en->line;
		const struct option *opt = NULL;
		int use = config_resolve(&c, en, "zgen", opts, &opt, &e);
		if ((use == CONFIG_APPLY && (opt < opts || opt > opts + 1)) ||
		    (use < 0 && strncmp(e.msg, "fuzz.conf:", 10) != 0))
			abort();
	}
	config_free(&c);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		void (*bytes)(const char *in, size_t n);
		void (*string)(const char *s);
	} parsers[] = {{fuzz_targetline, NULL}, {fuzz_cidr, NULL},         {NULL, fuzz_ports},
	               {NULL, fuzz_limit},      {fuzz_resultfilter, NULL}, {fuzz_addrfilter, NULL},
	               {fuzz_frame, NULL},      {fuzz_keyfile, NULL},      {fuzz_listfile, NULL},
	               {fuzz_payload, NULL},    {fuzz_where, NULL},        {fuzz_config, NULL}};
	static size_t nmodules;
	if (!nmodules)
		while (probe_modules[nmodules])
			nmodules++;
	if (size < 1)
		return 0;
	size_t n = size - 1;
	char *buf = malloc(n ? n : 1);
	memcpy(buf, data + 1, n);
	if (data[0] & 0x80) {
		fuzz_module(probe_modules[(data[0] & 0x7f) % nmodules], buf, n);
	} else {
		size_t k = data[0] % (sizeof parsers / sizeof parsers[0]);
		if (parsers[k].bytes) {
			parsers[k].bytes(buf, n);
		} else {
			char *s = malloc(n + 1);
			memcpy(s, buf, n);
			s[n] = '\0';
			parsers[k].string(s);
			free(s);
		}
	}
	free(buf);
	return 0;
}
