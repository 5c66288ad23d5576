/* cyclic: choosing p, its primitive root and a per-scan generator. */
#include "core/perm/cyclic.h"

#include <gmp.h>

#include "core/perm/mont.h"

int cyclic_is_generator(const struct cyclic_group *g, uint64_t x)
{
	struct mont m;
	mont_init(&m, g->p);
	if (x % g->p == 0)
		return 0;
	for (int i = 0; i < g->nfactors; i++)
		if (mont_pow(&m, x, (g->p - 1) / g->factors[i]) == 1)
			return 0;
	return 1;
}

void cyclic_group_for(uint64_t n, struct cyclic_group *g)
{
	mpz_t z;
	/* p >= 3 so that it is odd (Montgomery) even for a single target */
	mpz_init_set_ui(z, n < 2 ? 2 : n);
	mpz_nextprime(z, z);
	g->p = mpz_get_ui(z);
	mpz_clear(z);
	g->nfactors = factor_distinct(g->p - 1, g->factors);
	for (g->root = 2; !cyclic_is_generator(g, g->root); g->root++)
		;
}

uint64_t cyclic_random_generator(const struct cyclic_group *g, struct rng *r)
{
	uint64_t order = g->p - 1;
	mpz_t k, ord, gcd, base, mod, res;
	mpz_inits(k, ord, gcd, base, mod, res, NULL);
	mpz_set_ui(ord, order);
	do {
		mpz_set_ui(k, 1 + rng_below(r, order)); /* k in [1, p-1] */
		mpz_gcd(gcd, k, ord);
	} while (mpz_cmp_ui(gcd, 1) != 0);
	mpz_set_ui(base, g->root);
	mpz_set_ui(mod, g->p);
	mpz_powm(res, base, k, mod);
	uint64_t gen = mpz_get_ui(res);
	mpz_clears(k, ord, gcd, base, mod, res, NULL);
	return gen;
}
