/* fuzz_parse: libFuzzer harness for everything zscan parses from outside.
 * The first byte picks the parser; the rest is the input, copied into a
 * heap buffer of exactly its size so ASan catches any read past it:
 *   0x80 + k: validation by module k of the table (probe_modules, so a new
 *             module is fuzzed by being listed there) of an IPv4 packet
 *             from the wire;
 *   below 0x80, modulo the parsers below: a target line (zsend's stdin),
 *             a CIDR (list files, arguments), a port list (-p), a -n limit,
 *             result lines (zfilter's stdin) under one of several option
 *             sets, picked by the next byte, and zblacklist's stdin.
 * A crash, a sanitizer report or a broken invariant aborts. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/addr.h"
#include "zblacklist/addrfilter.h"
#include "core/limit.h"
#include "core/ports.h"
#include "probe/probe.h"
#include "zfilter/resultfilter.h"
#include "core/targetline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore_bad(unsigned long lineno, const char *why, const char *line, size_t len)
{
	(void)lineno, (void)why, (void)line, (void)len;
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

/* Runs zblacklist's filter over the input with 10.0.0.0/8 and
 * 192.0.2.0/25 blocked, so that CIDRs can be allowed, blocked or split.
 * The constraint is built once: building it takes longer than a run. */
static void fuzz_addrfilter(const char *in, size_t n)
{
	static struct constraint *c;
	if (!c && (!(c = constraint_new(true)) || constraint_paint(c, 0x0a000000, 8, false) < 0 ||
	           constraint_paint(c, 0xc0000200, 25, false) < 0 || constraint_finish(c) < 0))
		abort();
	int fd = memfd_of(in, n), out = open("/dev/null", O_WRONLY);
	struct addrfilter_stats st = {0};
	struct zerr e;
	if (out < 0 || addrfilter_run(c, fd, out, ignore_bad_token, NULL, &st, &e) < 0 ||
	    st.passed + st.dropped + st.bad > st.lines)
		abort();
	close(fd);
	close(out);
}

/* Runs zfilter's work over the input, read from a memfd, with the option
 * set that the first byte picks: the address bitmap, the hash set, every
 * column, JSON output, a --where expression, no dedup, a key of values
 * that may be unescaped (CSV quoting, JSON escapes); in one thread, and
 * the first two with a second thread too (fewer of those: starting a
 * thread costs more than most runs). */
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
	    {.threads = 1, .all = true, .key = "note", .fields = "saddr,note", .format = RESULTFILTER_JSON},
	    {.threads = 2},
	    {.threads = 2, .all = true, .key = "saddr,sport"},
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
	    st.passed > st.rows)
		abort();
	close(fd);
	close(out);
}

static void check_valid(const struct probe_result *r)
{
	if (!r->classification)
		abort(); /* every valid answer is classified */
}

static void fuzz_targetline(const char *in, size_t n)
{
	uint32_t a;
	int port;
	const char *why;
	if (targetline_parse(in, n, &a, &port, &why) == TL_OK && port > 65535)
		abort();
}

static void fuzz_cidr(const char *in, size_t n)
{
	uint32_t a;
	int len;
	if (cidr_parse(in, n, &a, &len) == ADDR_OK && (len < 0 || len > 32))
		abort();
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

static void fuzz_module(const struct probe_module *m, const char *in, size_t n)
{
	static struct secret secret; /* a fixed key: validation paths get exercised */
	struct probe_params pp = {
	    .secret = &secret, .sport_first = 32768, .sport_count = 28233, .probes = 2, .ttl = 64};
	struct probe_result r = {0};
	if (m->validate(&pp, (const uint8_t *)in, n, &r) == PROBE_VALID)
		check_valid(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		void (*bytes)(const char *in, size_t n);
		void (*string)(const char *s);
	} parsers[] = {{fuzz_targetline, NULL}, {fuzz_cidr, NULL},         {NULL, fuzz_ports},
	               {NULL, fuzz_limit},      {fuzz_resultfilter, NULL}, {fuzz_addrfilter, NULL}};
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
