/* Unit tests: the radix sorts of addresses against qsort, over lists with
 * repeats, common prefixes (bytes that cost no pass), one value, and the
 * sizes at the edges. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "core/addr/addrsort.h"

void test_addrsort_matches_qsort(void);

static int cmp32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int cmp6(const void *a, const void *b)
{
	return ipaddr_cmp(*(const struct ipaddr *)a, *(const struct ipaddr *)b);
}

static uint64_t rnd64(void)
{
	return (uint64_t)rand() << 42 ^ (uint64_t)rand() << 21 ^ (uint64_t)rand();
}

void test_addrsort_matches_qsort(void)
{
	static const size_t sizes[] = {0, 1, 2, 3, 255, 256, 257, 5000, 200000};
	srand(5);
	for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
		size_t n = sizes[si];
		for (int shape = 0; shape < 4; shape++) {
			/* 0 random, 1 a shared /16 (IPv6: /64) and few values, 2 one
			 * value, 3 a descending run */
			uint32_t *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
			struct ipaddr *x = malloc((n + 1) * sizeof *x),
			              *y = malloc((n + 1) * sizeof *y);
			CHECK(a && b && x && y);
			for (size_t i = 0; i < n; i++) {
				uint64_t r = rnd64();
				switch (shape) {
				case 0:
					a[i] = (uint32_t)r;
					x[i] = (struct ipaddr){rnd64(), rnd64()};
					break;
				case 1:
					a[i] = 0xc6120000u | (uint32_t)(r % 300);
					x[i] = (struct ipaddr){0x20010db800000000ull,
					                       r % 300 << 40 | r % 7};
					break;
				case 2:
					a[i] = 0x01020304u;
					x[i] = (struct ipaddr){1, 2};
					break;
				default:
					a[i] = (uint32_t)(n - i) * 0x01010101u;
					x[i] = (struct ipaddr){n - i, (uint64_t)(n - i) << 56};
				}
			}
			memcpy(b, a, n * sizeof *a);
			memcpy(y, x, n * sizeof *x);
			CHECK(addrsort_v4(a, n) == 0 && addrsort_v6(x, n) == 0);
			qsort(b, n, sizeof *b, cmp32);
			qsort(y, n, sizeof *y, cmp6);
			CHECKF(n == 0 || memcmp(a, b, n * sizeof *a) == 0, "IPv4, %zu, shape %d", n,
			       shape);
			CHECKF(n == 0 || memcmp(x, y, n * sizeof *x) == 0, "IPv6, %zu, shape %d", n,
			       shape);
			free(a);
			free(b);
			free(x);
			free(y);
		}
	}
}
