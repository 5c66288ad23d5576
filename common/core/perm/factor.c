/* factor: trial division for small primes, Pollard's rho for the rest.
 * p-1 is at most about 2^49 here, so this runs in well under a millisecond. */
#include "core/perm/factor.h"

#include <gmp.h>

typedef unsigned __int128 u128;

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static int is_prime(uint64_t n)
{
	mpz_t z;
	mpz_init_set_ui(z, n);
	int r = mpz_probab_prime_p(z, 40);
	mpz_clear(z);
	return r > 0;
}

/* A non-trivial factor of an odd composite n (Pollard's rho, Floyd cycle). */
static uint64_t rho(uint64_t n)
{
	for (uint64_t c = 1;; c++) {
		uint64_t x = 2, y = 2, d = 1;
		while (d == 1) {
			x = (uint64_t)(((u128)x * x + c) % n);
			y = (uint64_t)(((u128)y * y + c) % n);
			y = (uint64_t)(((u128)y * y + c) % n);
			d = gcd64(x > y ? x - y : y - x, n);
		}
		if (d != n)
			return d;
	}
}

static void add_prime(uint64_t q, uint64_t *primes, int *n)
{
	for (int i = 0; i < *n; i++)
		if (primes[i] == q)
			return;
	int i = (*n)++;
	while (i > 0 && primes[i - 1] > q) {
		primes[i] = primes[i - 1];
		i--;
	}
	primes[i] = q;
}

static void split(uint64_t m, uint64_t *primes, int *n)
{
	if (m == 1)
		return;
	if (is_prime(m)) {
		add_prime(m, primes, n);
		return;
	}
	uint64_t d = rho(m);
	split(d, primes, n);
	split(m / d, primes, n);
}

int factor_distinct(uint64_t n, uint64_t primes[FACTOR_MAX])
{
	int k = 0;
	for (uint64_t q = 2; q < 1024 && q * q <= n; q += (q == 2 ? 1 : 2)) {
		if (n % q == 0) {
			add_prime(q, primes, &k);
			while (n % q == 0)
				n /= q;
		}
	}
	split(n, primes, &k);
	return k;
}
