/* checksum: the Internet checksum (RFC 1071) for patched probe frames. */
#ifndef ZSCAN_NET_CHECKSUM_H
#define ZSCAN_NET_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Adds 16-bit big-endian words of p[0..len) to a running 32-bit sum. */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* Folds a running sum into the final complemented 16-bit checksum. */
static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

#endif
