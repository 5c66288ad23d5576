/* fuzz_parse: libFuzzer harness for everything zscan parses from outside.
 * The first byte picks the parser; the rest is the input, copied into a
 * heap buffer of exactly its size so ASan catches any read past it:
 *   0-1: tcp_syn / icmp_echo validation of an IPv4 packet (from the wire)
 *   2:   a target line (zsend's stdin), 3: a CIDR (list files, arguments),
 *   4:   a port list (-p), 5: a -n limit,
 *   6-8: tcp_ack / icmp_echo_time / udp validation,
 *   9:   result lines (zfilter's stdin) under one of several option sets,
 *        picked by the next byte,
 *   10:  zblacklist's stdin (addresses and CIDRs, then anything).
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
 * column, JSON output, a --where expression, no dedup; in one thread, and
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static struct secret secret; /* a fixed key: validation paths get exercised */
	struct probe_params pp = {
	    .secret = &secret, .sport_first = 32768, .sport_count = 28233, .probes = 2, .ttl = 64};
	uint8_t sel = data[0] % 11;
	size_t n = size - 1;
	char *buf = malloc(n ? n : 1);
	memcpy(buf, data + 1, n);
	struct zerr e;
	static const struct probe_module *const mods[11] = {[0] = &probe_tcp_syn,
	                                                    [1] = &probe_icmp_echo,
	                                                    [6] = &probe_tcp_ack,
	                                                    [7] = &probe_icmp_echo_time,
	                                                    [8] = &probe_udp};
	if (sel == 9) {
		fuzz_resultfilter(buf, n);
	} else if (sel == 10) {
		fuzz_addrfilter(buf, n);
	} else if (mods[sel]) {
		const struct probe_module *m = mods[sel];
		struct probe_result r = {0};
		if (m->validate(&pp, (const uint8_t *)buf, n, &r) == PROBE_VALID)
			check_valid(&r);
	} else if (sel == 2) {
		uint32_t a;
		int port;
		const char *why;
		if (targetline_parse(buf, n, &a, &port, &why) == TL_OK && port > 65535)
			abort();
	} else if (sel == 3) {
		uint32_t a;
		int len;
		if (cidr_parse(buf, n, &a, &len) == ADDR_OK && (len < 0 || len > 32))
			abort();
	} else {
		char *s = malloc(n + 1); /* these parsers take C strings */
		memcpy(s, buf, n);
		s[n] = '\0';
		if (sel == 4) {
			struct ports p = {0};
			if (ports_parse(s, &p, &e) == 0 && (p.n == 0 || p.n > 65536))
				abort();
			ports_free(&p);
		} else {
			struct limit l;
			if (limit_parse(s, &l, &e) == 0 && limit_resolve(&l, 1000) > 1000)
				abort();
		}
		free(s);
	}
	free(buf);
	return 0;
}
