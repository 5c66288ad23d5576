/* rng: bounded draws and fresh seeds. */
#include "core/perm/rng.h"

#include <errno.h>
#include <sys/random.h>

uint64_t rng_below(struct rng *r, uint64_t bound)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound; /* reject the short last stripe */
	uint64_t v;
	do
		v = rng_next(r);
	while (v >= limit);
	return v % bound;
}

int rng_fresh_seed(uint64_t *seed)
{
	for (;;) {
		ssize_t n = getrandom(seed, sizeof *seed, 0);
		if (n == (ssize_t)sizeof *seed)
			return 0;
		if (n < 0 && errno != EINTR)
			return -1;
	}
}
