/* Unit tests: factoring, the cyclic group, the permutation and shards. */
#include <stdlib.h>
#include <string.h>

#include <gmp.h>

#include "core/perm/cyclic.h"
#include "core/perm/factor.h"
#include "util/fastdiv.h"
#include "harness.h"
#include "core/perm/perm.h"

void test_factor_random_numbers(void);
void test_cyclic_generator_has_full_order(void);
void test_perm_visits_every_element_once(void);
void test_perm_shards_partition_positions(void);
void test_perm_shard_sizes_sum_exactly(void);
void test_fastdiv_exact_at_edges(void);

static int prime(uint64_t q)
{
	mpz_t z;
	mpz_init_set_ui(z, q);
	int r = mpz_probab_prime_p(z, 30);
	mpz_clear(z);
	return r > 0;
}

void test_factor_random_numbers(void)
{
	struct rng r;
	rng_seed(&r, 42);
	uint64_t cases[64] = {1,
	                      2,
	                      4294967310ull /* 2^32+14 */,
	                      (1ull << 48) + 22,
	                      1000003ull * 1000033ull,
	                      65537ull * 65539ull * 2};
	for (int i = 6; i < 64; i++)
		cases[i] = 1 + rng_below(&r, 1ull << 50);
	for (int i = 0; i < 64; i++) {
		uint64_t n = cases[i], q[FACTOR_MAX], rest = n;
		int k = factor_distinct(n, q);
		for (int j = 0; j < k; j++) {
			CHECKF(prime(q[j]), "%llu: factor %llu not prime", (unsigned long long)n,
			       (unsigned long long)q[j]);
			CHECK(j == 0 || q[j] > q[j - 1]);
			CHECK(rest % q[j] == 0);
			while (rest % q[j] == 0)
				rest /= q[j];
		}
		CHECKF(rest == 1, "%llu not fully factored", (unsigned long long)n);
	}
}

/* Small groups: a drawn generator's powers reach every element exactly once. */
void test_cyclic_generator_has_full_order(void)
{
	struct cyclic_group g;
	cyclic_group_for(1ull << 32, &g);
	CHECK(g.p == (1ull << 32) + 15 && g.root == 3); /* the ZMap paper's group */
	for (uint64_t n = 1; n < 3000; n += 37) {
		cyclic_group_for(n, &g);
		CHECK(g.p > n && prime(g.p));
		struct rng r;
		rng_seed(&r, n);
		uint64_t gen = cyclic_random_generator(&g, &r);
		uint8_t *seen = calloc(g.p, 1);
		uint64_t x = 1;
		for (uint64_t i = 0; i < g.p - 1; i++) {
			CHECK(!seen[x]);
			seen[x] = 1;
			x = x * gen % g.p;
		}
		CHECK(x == 1);
		free(seen);
	}
}

void test_perm_visits_every_element_once(void)
{
	uint64_t sizes[] = {1, 2, 3, 4, 5, 7, 8, 100, 255, 256, 1000, 4096, 65536, 100003};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		for (uint64_t seed = 0; seed < 3; seed++) {
			struct perm pm;
			perm_init(&pm, sizes[s], seed);
			uint8_t *seen = calloc(sizes[s], 1);
			for (uint64_t k = 0; k < sizes[s]; k++) {
				uint64_t v = perm_at(&pm, k);
				CHECKF(v < sizes[s] && !seen[v], "n %llu seed %llu k %llu",
				       (unsigned long long)sizes[s], (unsigned long long)seed,
				       (unsigned long long)k);
				seen[v] = 1;
			}
			free(seen);
		}
	}
}

/* Stepping shard j by g^s from a0*g^j gives exactly positions j, j+s, ... */
void test_perm_shards_partition_positions(void)
{
	struct perm pm;
	perm_init(&pm, 5000, 9);
	uint64_t p = pm.group.p;
	for (uint64_t s = 1; s <= 7; s++) {
		uint64_t step = mont_pow(&pm.m, pm.g, s);
		for (uint64_t j = 0; j < s; j++) {
			uint64_t x = perm_element(&pm, j);
			for (uint64_t k = j; k < p - 1; k += s) {
				CHECK(x == perm_element(&pm, k));
				x = (uint64_t)((unsigned __int128)x * step % p);
			}
		}
	}
}

void test_perm_shard_sizes_sum_exactly(void)
{
	uint64_t limits[] = {0, 1, 2, 9, 10, 11, 1000, 3702258432ull, (1ull << 48) - 1};
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		for (uint64_t s = 1; s < 40; s += 3) {
			uint64_t sum = 0, lo = UINT64_MAX, hi = 0;
			for (uint64_t j = 0; j < s; j++) {
				uint64_t n = perm_shard_size(limits[i], s, j);
				sum += n;
				lo = n < lo ? n : lo;
				hi = n > hi ? n : hi;
			}
			CHECK(sum == limits[i]);
			CHECK(hi - lo <= 1);
		}
	}
}

void test_fastdiv_exact_at_edges(void)
{
	struct rng r;
	rng_seed(&r, 7);
	for (uint64_t d = 2; d <= 65536; d += (d < 300 ? 1 : 251)) {
		/* a target index is below 2^48 (IPv6 targets take it past 2^32 d) */
		uint64_t m = fastdiv_magic(d), top = 1ull << 48;
		uint64_t ys[] = {0, 1, d - 1, d, d + 1, top - 1, top - d, top - d - 1};
		for (size_t i = 0; i < sizeof ys / sizeof ys[0]; i++)
			CHECKF(fastdiv(ys[i], m) == ys[i] / d, "d %llu y %llu",
			       (unsigned long long)d, (unsigned long long)ys[i]);
		for (int i = 0; i < 2000; i++) {
			uint64_t q = rng_below(&r, (1ull << 48) / d), y = q * d + (d - 1);
			CHECK(fastdiv(y, m) == q && fastdiv(y - (d - 1), m) == q);
		}
	}
	CHECK(fastdiv((1ull << 48) - 1, fastdiv_magic(65536)) == (1ull << 32) - 1);
}
