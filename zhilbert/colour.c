/* colour: the bins and the ramp (see colour.h). The ramp is five stops 64
 * apart (the last 63), each channel interpolated in integers between the
 * two around a position, so that a reader of the picture can work a
 * colour out exactly. */
#include "colour.h"

static const uint8_t stops[5][3] = {
    {48, 0, 112}, {136, 16, 160}, {224, 40, 72}, {255, 152, 0}, {255, 248, 168},
};

unsigned colour_bin(uint32_t count)
{
	unsigned b = 0;
	while (count) {
		b++;
		count >>= 1;
	}
	return b;
}

void colour_of_bin(unsigned b, unsigned top, uint8_t rgb[3])
{
	if (b == 0) {
		rgb[0] = COLOUR_BG_R;
		rgb[1] = COLOUR_BG_G;
		rgb[2] = COLOUR_BG_B;
		return;
	}
	unsigned pos = top <= 1 ? 255 : (b - 1) * 255 / (top - 1);
	unsigned seg = pos / 64 > 3 ? 3 : pos / 64;
	unsigned span = seg == 3 ? 63 : 64, f = pos - 64 * seg;
	for (int c = 0; c < 3; c++)
		rgb[c] = (uint8_t)((stops[seg][c] * (span - f) + stops[seg + 1][c] * f) / span);
}
