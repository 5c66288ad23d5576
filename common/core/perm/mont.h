/* mont: Montgomery multiplication modulo an odd p < 2^63, with R = 2^64.
 * The permutation's hot loop is x <- x*h mod p. Keeping x in normal form and
 * h in Montgomery form (h*R mod p) makes that one REDC: two multiplies and
 * an add, no division, no GMP. */
#ifndef ZSCAN_CORE_MONT_H
#define ZSCAN_CORE_MONT_H

#include <stdint.h>

typedef unsigned __int128 u128;

struct mont {
	uint64_t p;
	uint64_t pneg_inv; /* -p^-1 mod 2^64 */
	uint64_t r_mod_p;  /* R mod p: 1 in Montgomery form */
	uint64_t r2;       /* R^2 mod p */
};

static inline void mont_init(struct mont *m, uint64_t p)
{
	uint64_t inv = p; /* Newton: each step doubles the correct low bits */
	for (int i = 0; i < 6; i++)
		inv *= 2 - p * inv;
	m->p = p;
	m->pneg_inv = 0 - inv;
	m->r_mod_p = (uint64_t)(((u128)1 << 64) % p);
	m->r2 = (uint64_t)((u128)m->r_mod_p * m->r_mod_p % p);
}

/* t * R^-1 mod p, for t < p * 2^64. */
static inline uint64_t mont_redc(const struct mont *m, u128 t)
{
	uint64_t q = (uint64_t)t * m->pneg_inv;
	uint64_t r = (uint64_t)((t + (u128)q * m->p) >> 64);
	return r >= m->p ? r - m->p : r;
}

/* a * b * R^-1 mod p: with b in Montgomery form, a*b mod p in a's form. */
static inline uint64_t mont_mul(const struct mont *m, uint64_t a, uint64_t b)
{
	return mont_redc(m, (u128)a * b);
}

static inline uint64_t mont_to(const struct mont *m, uint64_t a)
{
	return mont_mul(m, a, m->r2);
}

static inline uint64_t mont_from(const struct mont *m, uint64_t a)
{
	return mont_redc(m, a);
}

/* b^e mod p, b in normal form, result in normal form. */
static inline uint64_t mont_pow(const struct mont *m, uint64_t b, uint64_t e)
{
	uint64_t x = m->r_mod_p, bm = mont_to(m, b);
	for (; e; e >>= 1) {
		if (e & 1)
			x = mont_mul(m, x, bm);
		bm = mont_mul(m, bm, bm);
	}
	return mont_from(m, x);
}

#endif
