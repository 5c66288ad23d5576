/* fuzz_parse: libFuzzer harness for everything zscan parses from outside.
 * The first byte picks the parser; the rest is the input, copied into a
 * heap buffer of exactly its size so ASan catches any read past it:
 *   0-1: tcp_syn / icmp_echo validation of an IPv4 packet (from the wire)
 *   2:   a target line (zsend's stdin), 3: a CIDR (list files, arguments),
 *   4:   a port list (-p), 5: a -n limit,
 *   6-8: tcp_ack / icmp_echo_time / udp validation,
 *   9:   result lines (zfilter's stdin) under one of several option sets,
 *        picked by the next byte.
 * A crash, a sanitizer report or a broken invariant aborts. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "addr.h"
#include "limit.h"
#include "ports.h"
#include "probe.h"
#include "resultfilter.h"
#include "targetline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore_bad(unsigned long lineno, const char *why, const char *line, size_t len)
{
	(void)lineno, (void)why, (void)line, (void)len;
}

/* Runs zfilter's work over the input, read from a memfd, with the option
 * set that the first byte picks: the address bitmap, the hash set, every
 * column, JSON output, a --where expression, no dedup. */
static void fuzz_resultfilter(const char *in, size_t n)
{
	static const struct resultfilter_config sets[] = {
	    {.key = NULL},
	    {.all = true, .key = "saddr,sport"},
	    {.all = true, .key = "saddr", .fields = "*", .format = RESULTFILTER_JSON},
	    {.where = "sport = 80 || ttl > 3", .fields = "saddr,ttl", .format = RESULTFILTER_CSV},
	    {.all = true, .no_dedup = true, .fields = "*", .format = RESULTFILTER_CSV},
	    {.all = true, .fields = "*"},
	};
	if (n < 1)
		return;
	struct resultfilter_config cfg = sets[(uint8_t)in[0] % (sizeof sets / sizeof sets[0])];
	int fd = memfd_create("fuzz", 0), out = open("/dev/null", O_WRONLY);
	if (fd < 0 || out < 0 || write(fd, in + 1, n - 1) != (ssize_t)(n - 1) ||
	    lseek(fd, 0, SEEK_SET) != 0)
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
	uint8_t sel = data[0] % 10;
	size_t n = size - 1;
	char *buf = malloc(n ? n : 1);
	memcpy(buf, data + 1, n);
	struct zerr e;
	static const struct probe_module *const mods[10] = {[0] = &probe_tcp_syn,
	                                                    [1] = &probe_icmp_echo,
	                                                    [6] = &probe_tcp_ack,
	                                                    [7] = &probe_icmp_echo_time,
	                                                    [8] = &probe_udp};
	if (sel == 9) {
		fuzz_resultfilter(buf, n);
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
