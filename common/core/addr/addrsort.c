/* addrsort: least-significant-digit radix sort, a byte a pass. Every
 * byte's counts are taken in one read of the list, and a byte that is the
 * same in every address (the common prefix of a hitlist) costs no pass. */
#include "core/addr/addrsort.h"

#include <stdlib.h>
#include <string.h>

/* A byte's counts become where each of its values starts in the output. */
static void to_offsets(size_t cnt[256])
{
	size_t at = 0;
	for (int v = 0; v < 256; v++) {
		size_t c = cnt[v];
		cnt[v] = at;
		at += c;
	}
}

int addrsort_v4(uint32_t *a, size_t n)
{
	if (n < 2)
		return 0;
	uint32_t *tmp = malloc(n * sizeof *tmp);
	size_t(*cnt)[256] = calloc(4, sizeof *cnt);
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		for (int d = 0; d < 4; d++)
			cnt[d][a[i] >> (8 * d) & 255]++;
	uint32_t *src = a, *dst = tmp;
	for (int d = 0; d < 4; d++) {
		if (cnt[d][src[0] >> (8 * d) & 255] == n)
			continue; /* one value of this byte: the order stands */
		to_offsets(cnt[d]);
		for (size_t i = 0; i < n; i++)
			dst[cnt[d][src[i] >> (8 * d) & 255]++] = src[i];
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(tmp);
	free(cnt);
	return 0;
}

/* Byte d of a, 0 the least significant. */
static inline unsigned byte_of(const struct ipaddr *a, int d)
{
	return (unsigned)((d < 8 ? a->lo >> (8 * d) : a->hi >> (8 * (d - 8))) & 255);
}

int addrsort_v6(struct ipaddr *a, size_t n)
{
	if (n < 2)
		return 0;
	struct ipaddr *tmp = malloc(n * sizeof *tmp);
	size_t(*cnt)[256] = calloc(16, sizeof *cnt);
	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = a[i].lo, hi = a[i].hi;
		for (int d = 0; d < 8; d++) {
			cnt[d][lo >> (8 * d) & 255]++;
			cnt[8 + d][hi >> (8 * d) & 255]++;
		}
	}
	struct ipaddr *src = a, *dst = tmp;
	for (int d = 0; d < 16; d++) {
		if (cnt[d][byte_of(&src[0], d)] == n)
			continue;
		to_offsets(cnt[d]);
		for (size_t i = 0; i < n; i++)
			dst[cnt[d][byte_of(&src[i], d)]++] = src[i];
		struct ipaddr *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(tmp);
	free(cnt);
	return 0;
}
