/* Unit tests: the generator's output as bytes and as sets. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/addr.h"
#include "core/constraint.h"
#include "zgen/gen.h"
#include "harness.h"
#include "core/perm.h"
#include "core/ports.h"

void test_gen_output_independent_of_threads(void);
void test_gen_shards_partition_output(void);
void test_gen_product_space_exact(void);

struct out {
	char *text;
	size_t len;
};

static struct out run(const struct constraint *c, const struct ports *ports, uint64_t seed,
                      uint64_t limit, uint64_t shards, uint64_t shard, unsigned threads)
{
	struct out o = {0};
	uint64_t total = constraint_count(c) * (ports->n ? ports->n : 1);
	struct perm pm;
	perm_init(&pm, total, seed);
	int fd = memfd_create("gen", 0);
	struct gen_config cfg = {.allowed = c,
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
