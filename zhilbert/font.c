/* font: each digit is five rows of three bits, the leftmost pixel the
 * highest bit. */
#include <string.h>

#include "font.h"

static const uint8_t glyphs[10][FONT_H] = {
    {7, 5, 5, 5, 7}, /* 0 */
    {2, 6, 2, 2, 7}, /* 1 */
    {7, 1, 7, 4, 7}, /* 2 */
    {7, 1, 3, 1, 7}, /* 3 */
    {5, 5, 7, 1, 1}, /* 4 */
    {7, 4, 7, 1, 7}, /* 5 */
    {7, 4, 7, 5, 7}, /* 6 */
    {7, 1, 2, 2, 2}, /* 7 */
    {7, 5, 7, 5, 7}, /* 8 */
    {7, 5, 7, 1, 7}, /* 9 */
};

size_t font_width(const char *digits, unsigned scale)
{
	size_t n = strlen(digits);
	return n ? (n * (FONT_W + 1) - 1) * scale : 0;
}

void font_draw(uint8_t *pic, size_t w, size_t h, size_t x, size_t y, const char *digits,
               unsigned scale, const uint8_t rgb[3])
{
	for (size_t i = 0; digits[i]; i++, x += (FONT_W + 1) * (size_t)scale) {
		if (digits[i] < '0' || digits[i] > '9')
			continue;
		const uint8_t *g = glyphs[digits[i] - '0'];
		for (size_t py = 0; py < FONT_H * (size_t)scale; py++)
			for (size_t px = 0; px < FONT_W * (size_t)scale; px++) {
				if (!(g[py / scale] >> (FONT_W - 1 - px / scale) & 1))
					continue;
				size_t X = x + px, Y = y + py;
				if (X < w && Y < h)
					memcpy(pic + 3 * (Y * w + X), rgb, 3);
			}
	}
}
