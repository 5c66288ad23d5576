/* Unit tests: the Hilbert curve (util/hilbert.h), zhilbert's colour scale
 * and its units under a prefix. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr/ipaddr.h"
#include "util/hilbert.h"
#include "harness.h"
#include "zhilbert/colour.h"
#include "zhilbert/hilbertmap.h"

void test_hilbert_bijective_small_orders(void);
void test_hilbert_consecutive_cells_adjacent(void);
void test_hilbert_large_orders_round_trip(void);
void test_hilbert_colour_scale(void);
void test_hilbert_map_units(void);

void test_hilbert_bijective_small_orders(void)
{
	for (unsigned k = 0; k <= 8; k++) {
		uint32_t side = 1u << k, n = side * side;
		uint8_t *seen = calloc(n, 1);
		CHECK(seen);
		for (uint32_t d = 0; d < n; d++) {
			uint32_t x, y;
			hilbert_d2xy(k, d, &x, &y);
			CHECKF(x < side && y < side, "order %u d %u: (%u, %u)", k, d, x, y);
			CHECKF(!seen[y * side + x], "order %u: (%u, %u) twice", k, x, y);
			seen[y * side + x] = 1;
			CHECKF(hilbert_xy2d(k, x, y) == d, "order %u: xy2d(d2xy(%u)) = %u", k, d,
			       hilbert_xy2d(k, x, y));
		}
		free(seen);
	}
}

void test_hilbert_consecutive_cells_adjacent(void)
{
	for (unsigned k = 1; k <= 10; k++) {
		uint32_t side = 1u << k, n = side * side, px, py, x, y;
		hilbert_d2xy(k, 0, &px, &py);
		CHECKF(px == 0 && py == 0, "order %u starts at (%u, %u)", k, px, py);
		for (uint32_t d = 1; d < n; d++) {
			hilbert_d2xy(k, d, &x, &y);
			uint32_t dx = x > px ? x - px : px - x, dy = y > py ? y - py : py - y;
			CHECKF(dx + dy == 1, "order %u: d %u at (%u, %u) after (%u, %u)", k, d, x,
			       y, px, py);
			px = x;
			py = y;
		}
		CHECKF(px == side - 1 && py == 0, "order %u ends at (%u, %u)", k, px, py);
	}
}

void test_hilbert_large_orders_round_trip(void)
{
	uint32_t seed = 7;
	for (unsigned k = 11; k <= 16; k++)
		for (int i = 0; i < 20000; i++) {
			seed = seed * 1103515245u + 12345u;
			uint32_t d = k == 16 ? seed : seed & ((1u << 2 * k) - 1), x, y;
			hilbert_d2xy(k, d, &x, &y);
			CHECK(x < (1u << k) && y < (1u << k));
			CHECKF(hilbert_xy2d(k, x, y) == d, "order %u: d %u", k, d);
		}
	/* a quadrant of the whole is the whole curve of the order below, moved */
	uint32_t x, y;
	hilbert_d2xy(12, 1u << 22, &x, &y); /* the second quadrant starts at its corner */
	CHECKF(x == 0 && y == 2048, "(%u, %u)", x, y);
}

void test_hilbert_colour_scale(void)
{
	CHECK(colour_bin(0) == 0);
	CHECK(colour_bin(1) == 1);
	CHECK(colour_bin(2) == 2 && colour_bin(3) == 2 && colour_bin(4) == 3);
	CHECK(colour_bin(255) == 8 && colour_bin(256) == 9);
	CHECK(colour_bin(UINT32_MAX) == 32);
	uint8_t rgb[3], prev[3] = {0};
	colour_of_bin(0, 9, rgb);
	CHECK(rgb[0] == COLOUR_BG_R && rgb[1] == COLOUR_BG_G && rgb[2] == COLOUR_BG_B);
	/* the ramp's ends, and a single bin at its top */
	colour_of_bin(1, 9, rgb);
	CHECK(rgb[0] == 48 && rgb[1] == 0 && rgb[2] == 112);
	colour_of_bin(9, 9, rgb);
	CHECK(rgb[0] == 255 && rgb[1] == 248 && rgb[2] == 168);
	colour_of_bin(1, 1, rgb);
	CHECK(rgb[0] == 255 && rgb[1] == 248 && rgb[2] == 168);
	/* every bin of 33 its own colour, none the background; green and the
	 * sum of the channels (brightness, roughly) never fall */
	for (unsigned b = 1; b <= 32; b++) {
		colour_of_bin(b, 32, rgb);
		CHECKF(rgb[0] | rgb[1] | rgb[2], "bin %u is black", b);
		CHECKF(b == 1 || memcmp(rgb, prev, 3) != 0, "bins %u and %u alike", b - 1, b);
		CHECKF(rgb[1] >= prev[1], "bin %u darker in green", b);
		memcpy(prev, rgb, 3);
	}
}

void test_hilbert_map_units(void)
{
	struct hilbertmap m;
	struct zerr e;
	struct ipaddr a;
	uint32_t x, y;
	/* the /24s of IPv4: 4096 x 4096, 1.2.3.x at d = 0x010203 */
	CHECK(hilbertmap_init(&m, ipaddr_from_v4(0), 0, 24, &e) == 0);
	CHECK(m.side == 4096 && m.order == 12);
	CHECK(ipaddr_parse("1.2.3.200", 9, &a) == 0 && hilbertmap_add(&m, a) == 0);
	CHECK(ipaddr_parse("1.2.3.1", 7, &a) == 0 && hilbertmap_add(&m, a) == 0);
	hilbertmap_xy(&m, 0x010203, &x, &y);
	CHECK(m.cells[(size_t)y * m.side + x] == 2 && m.max == 2);
	CHECK(ipaddr_parse("2001:db8::1", 11, &a) == 0 && hilbertmap_add(&m, a) < 0);
	hilbertmap_free(&m);
	/* the /48s of a /32: outside it, and its last /48 */
	CHECK(ipaddr_parse("2001:db8::", 10, &a) == 0);
	CHECK(hilbertmap_init(&m, a, 32, 48, &e) == 0 && m.side == 256);
	CHECK(ipaddr_parse("2001:db9::1", 11, &a) == 0 && hilbertmap_add(&m, a) < 0);
	CHECK(ipaddr_parse("2001:db7:ffff::1", 16, &a) == 0 && hilbertmap_add(&m, a) < 0);
	CHECK(ipaddr_parse("2001:db8:ffff:1::", 17, &a) == 0 && hilbertmap_add(&m, a) == 0);
	hilbertmap_xy(&m, 0xffff, &x, &y);
	CHECK(x == 255 && y == 0 && m.cells[255] == 1);
	hilbertmap_free(&m);
	/* units that make no square, or none at all */
	CHECK(hilbertmap_init(&m, ipaddr_from_v4(0), 0, 23, &e) < 0);
	CHECK(hilbertmap_init(&m, ipaddr_from_v4(0), 0, 26, &e) < 0);
	CHECK(hilbertmap_init(&m, ipaddr_from_v4(0), 8, 8, &e) < 0);
	CHECK(hilbertmap_init(&m, ipaddr_from_v4(0), 0, 34, &e) < 0);
}
