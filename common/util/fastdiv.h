/* fastdiv: y / d by one multiply, for the port split of a target index
 * (address = index / nports). With m = floor((2^64-1)/d) + 1 = ceil(2^64/d),
 * the error of mulhi(y, m) against y/d is below y/2^64; it stays under 1/d,
 * so the quotient is exact, whenever y < 2^64 / d, which always holds for a
 * target index (fewer than 2^48 targets, 2 <= d <= 65536). */
#ifndef ZSCAN_UTIL_FASTDIV_H
#define ZSCAN_UTIL_FASTDIV_H

#include <stdint.h>

static inline uint64_t fastdiv_magic(uint64_t d)
{
	return UINT64_MAX / d + 1;
}

static inline uint64_t fastdiv(uint64_t y, uint64_t magic)
{
	return (uint64_t)(((unsigned __int128)y * magic) >> 64);
}

#endif
