/* perm: drawing a scan's start and generator from its seed. */
#include "core/perm/perm.h"

void perm_init(struct perm *pm, uint64_t n, uint64_t seed)
{
	struct rng r;
	rng_seed(&r, seed);
	pm->n = n;
	cyclic_group_for(n, &pm->group);
	mont_init(&pm->m, pm->group.p);
	pm->g = cyclic_random_generator(&pm->group, &r);
	pm->a0 = 1 + rng_below(&r, pm->group.p - 1);
	pm->a0m = mont_to(&pm->m, pm->a0);
}
