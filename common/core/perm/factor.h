/* factor: the distinct prime factors of a 64-bit integer, needed to test
 * candidate primitive roots of p (r is one iff r^((p-1)/q) != 1 for each
 * prime q dividing p-1). */
#ifndef ZSCAN_CORE_FACTOR_H
#define ZSCAN_CORE_FACTOR_H

#include <stdint.h>

#define FACTOR_MAX 16 /* a 64-bit number has at most 15 distinct primes */

/* Writes the distinct prime factors of n >= 1 ascending; returns how many. */
int factor_distinct(uint64_t n, uint64_t primes[FACTOR_MAX]);

#endif
