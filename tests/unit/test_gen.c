/* Unit tests: the generator's output as bytes and as sets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/addr/addr.h"
#include "core/addr/constraint.h"
#include "zgen/gen.h"
#include "harness.h"
#include "core/perm/perm.h"
#include "core/addr/ports.h"

void test_gen_output_independent_of_threads(void);
void test_gen_shards_partition_output(void);
void test_gen_product_space_exact(void);

struct out {
	char *text;
	size_t len;
};

/* The lines of a scan of ts. */
static struct out run_space(const struct targetspace *ts, const struct ports *ports, uint64_t seed,
                            uint64_t limit, uint64_t shards, uint64_t shard, unsigned threads)
{
	struct out o = {0};
	uint64_t total = targetspace_count(ts) * (ports->n ? ports->n : 1);
	struct perm pm;
	perm_init(&pm, total, seed);
	int fd = memfd_create("gen", 0);
	struct gen_config cfg = {.allowed = ts,
	                         .ports = ports,
	                         .perm = &pm,
	                         .limit = limit ? limit : total,
	                         .shards = shards,
	                         .shard = shard,
	                         .threads = threads,
	                         .fd = fd};
	struct zerr e;
	if (fd < 0 || gen_run(&cfg, &e) < 0)
		return o;
	o.len = (size_t)lseek(fd, 0, SEEK_CUR);
	o.text = malloc(o.len + 1);
	if (pread(fd, o.text, o.len, 0) != (ssize_t)o.len)
		o.len = 0;
	o.text[o.len] = '\0';
	close(fd);
	return o;
}

/* An IPv4 constraint alone. */
static struct out run(const struct constraint *c, const struct ports *ports, uint64_t seed,
                      uint64_t limit, uint64_t shards, uint64_t shard, unsigned threads)
{
	struct targetspace ts = {.v4 = (struct constraint *)c};
	return run_space(&ts, ports, seed, limit, shards, shard, threads);
}

static struct constraint *test_space(void)
{
	struct constraint *c = constraint_new(false);
	constraint_paint(c, 0x0a000000u, 14, true); /* 10.0.0.0/14 */
	constraint_paint(c, 0x0a010000u, 16, false);
	constraint_paint(c, 0x0a020300u, 27, false);
	constraint_paint(c, 0xc6120000u, 30, true); /* 198.18.0.0/30 */
	constraint_finish(c);
	return c;
}

struct inv {
	uint32_t addr;
	uint64_t index;
};

static int inv_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct inv *)a)->addr, y = ((const struct inv *)b)->addr;
	return x < y ? -1 : x > y;
}

/* Marks each line's (address, port) in seen[address index * nports + port
 * index]; fails on a line outside the space or seen twice. */
static int mark(const struct out *o, const struct constraint *c, const struct ports *ports,
                uint8_t *seen, uint64_t *nlines)
{
	const char *p = o->text, *end = o->text + o->len;
	/* address -> index: the inverse of constraint_lookup_index, sorted */
	uint64_t n = constraint_count(c);
	struct inv *inv = malloc(n * sizeof *inv);
	for (uint64_t i = 0; i < n; i++)
		inv[i] = (struct inv){constraint_lookup_index(c, i), i};
	qsort(inv, n, sizeof *inv, inv_cmp);
	int rc = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		uint32_t a;
		size_t al = addr_scan(p, &a);
		struct inv key = {a, 0},
		           *hit = al ? bsearch(&key, inv, n, sizeof *inv, inv_cmp) : NULL;
		uint64_t pi = 0;
		if (ports->n && hit && p[al] == ',') {
			long port = strtol(p + al + 1, NULL, 10);
			for (pi = 0; pi < ports->n && ports->ports[pi] != port; pi++)
				;
		}
		uint64_t slot = hit ? hit->index * (ports->n ? ports->n : 1) + pi : 0;
		if (!nl || !hit || pi == (ports->n ? ports->n : 1) || seen[slot]) {
			rc = -1;
			break;
		}
		seen[slot] = 1;
		(*nlines)++;
		p = nl + 1;
	}
	free(inv);
	return rc;
}

void test_gen_output_independent_of_threads(void)
{
	struct constraint *c = test_space();
	struct ports ports = {0};
	struct out ref = run(c, &ports, 11, 0, 1, 0, 1);
	CHECK(ref.len > 0);
	for (unsigned t = 2; t <= 5; t++) {
		struct out o = run(c, &ports, 11, 0, 1, 0, t);
		CHECKF(o.len == ref.len && memcmp(o.text, ref.text, o.len) == 0, "threads %u", t);
		free(o.text);
	}
	struct out other = run(c, &ports, 12, 0, 1, 0, 1);
	CHECK(other.len == ref.len && memcmp(other.text, ref.text, ref.len) != 0);
	free(other.text);
	free(ref.text);
	constraint_free(c);
}

void test_gen_product_space_exact(void)
{
	struct constraint *c = constraint_new(false);
	constraint_paint(c, 0x0a000000u, 22, true); /* 1024 addresses */
	constraint_paint(c, 0x0a000100u, 25, false);
	constraint_finish(c);
	uint16_t pl[] = {22, 80, 443};
	struct ports ports = {3, pl};
	uint64_t total = constraint_count(c) * 3;
	uint8_t *seen = calloc(total, 1);
	struct out o = run(c, &ports, 5, 0, 1, 0, 2);
	uint64_t n = 0;
	CHECK(mark(&o, c, &ports, seen, &n) == 0);
	CHECK(n == total);
	free(o.text);
	free(seen);
	constraint_free(c);
}

void test_gen_shards_partition_output(void)
{
	struct constraint *c = test_space();
	uint16_t pl[] = {80, 443};
	struct ports ports = {2, pl};
	uint64_t total = constraint_count(c) * 2;
	uint64_t limits[] = {0, 1000, 7};
	for (size_t li = 0; li < 3; li++) {
		uint64_t limit = limits[li] ? limits[li] : total;
		uint8_t *seen = calloc(total, 1), *first = calloc(total, 1);
		/* what the unsharded scan emits first */
		struct out whole = run(c, &ports, 3, limit, 1, 0, 1);
		uint64_t nwhole = 0;
		CHECK(mark(&whole, c, &ports, first, &nwhole) == 0 && nwhole == limit);
		uint64_t n = 0;
		for (uint64_t j = 0; j < 4; j++) {
			struct out o = run(c, &ports, 3, limit, 4, j, 1 + (unsigned)j % 3);
			CHECK(mark(&o, c, &ports, seen, &n) == 0); /* disjoint */
			free(o.text);
		}
		CHECKF(n == limit, "shards emitted %llu of %llu", (unsigned long long)n,
		       (unsigned long long)limit);
		CHECK(memcmp(seen, first, total) == 0);
		free(whole.text);
		free(seen);
		free(first);
	}
	constraint_free(c);
}

void test_gen_mixed_families_exact(void);

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Both families in one scan: IPv4, IPv6 singles, a range and a slice,
 * times two ports; every target exactly once for any thread count, and
 * shards that partition it. Checked against the set listed by hand. */
void test_gen_mixed_families_exact(void)
{
	struct targetspace ts = {.v4 = constraint_new(false)};
	struct zerr e;
	char t[IPADDR_STRLEN];
	constraint_paint(ts.v4, 0x0a000000u, 28, true); /* 10.0.0.0/28: 16 */
	constraint_finish(ts.v4);
	struct ipaddr a;
	ipaddr_parse("2001:db8::", 10, &a);
	CHECK(ip6set_allow(&ts.v6, a, 124, &e) == 0); /* 16 */
	ipaddr_parse("2001:db8:1::", 12, &a);
	CHECK(ip6set_allow_slice(&ts.v6, a, 48, 56, (struct ipaddr){0, 1}, NULL, &e) ==
	      0); /* 256 */
	ipaddr_parse("2001:db8:ff::7", 14, &a);
	CHECK(ip6set_allow(&ts.v6, a, 128, &e) == 0); /* 1 */
	CHECK(ip6set_finish(&ts.v6, &e) == 0 && targetspace_count(&ts) == 16 + 16 + 256 + 1);
	uint16_t pl[] = {22, 443};
	struct ports ports = {2, pl};
	size_t want_n = 2 * targetspace_count(&ts);
	char **want = calloc(want_n, sizeof *want);
	size_t k = 0;
	for (uint64_t i = 0; i < targetspace_count(&ts); i++)
		for (int p = 0; p < 2; p++) {
			char line[64];
			if (i < 16)
				snprintf(line, sizeof line, "10.0.0.%u,%u", (unsigned)i, pl[p]);
			else
				snprintf(line, sizeof line, "%s,%u",
				         ipaddr_str(ip6set_at(&ts.v6, i - 16), t), pl[p]);
			want[k++] = strdup(line);
		}
	qsort(want, want_n, sizeof *want, cmp_line);
	struct out ref = run_space(&ts, &ports, 5, 0, 1, 0, 1);
	for (unsigned th = 1; th <= 3; th++) {
		struct out o = run_space(&ts, &ports, 5, 0, 1, 0, th);
		CHECK(o.len == ref.len && memcmp(o.text, ref.text, o.len) == 0);
		free(o.text);
	}
	/* the lines of three shards, together, are the set, each once */
	char **got = calloc(want_n + 1, sizeof *got);
	size_t n = 0;
	for (unsigned sh = 0; sh < 3; sh++) {
		struct out o = run_space(&ts, &ports, 5, 0, 3, sh, 2);
		for (char *line = strtok(o.text, "\n"); line && n <= want_n;
		     line = strtok(NULL, "\n"))
			got[n++] = strdup(line);
		free(o.text);
	}
	CHECK(n == want_n);
	qsort(got, n, sizeof *got, cmp_line);
	for (size_t i = 0; i < n; i++)
		CHECKF(strcmp(got[i], want[i]) == 0, "line %zu: %s, want %s", i, got[i], want[i]);
	CHECK(strstr(ref.text, "2001:db8:1:ff00::1,443\n") && strstr(ref.text, "10.0.0.15,22\n"));
	for (size_t i = 0; i < want_n; i++) {
		free(want[i]);
		free(got[i]);
	}
	free(want);
	free(got);
	free(ref.text);
	constraint_free(ts.v4);
	ip6set_free(&ts.v6);
}
