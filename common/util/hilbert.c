/* hilbert: the curve by quadrants. At each level, from the smallest
 * square up, two bits of d pick one of the four quadrants in the order
 * lower-left, upper-left, upper-right, lower-right (in x, y with y up:
 * (0,0), (0,1), (1,1), (1,0)); the first and last quadrants hold the
 * smaller curve transposed and anti-transposed, so that each quadrant's
 * curve ends beside where the next one starts. */
#include "util/hilbert.h"

/* The transposition of the first quadrant (flip = 0) or the
 * anti-transposition of the last (flip = 1), in a square of side s. */
static void turn(uint32_t s, uint32_t *x, uint32_t *y, int flip)
{
	if (flip) {
		*x = s - 1 - *x;
		*y = s - 1 - *y;
	}
	uint32_t t = *x;
	*x = *y;
	*y = t;
}

void hilbert_d2xy(unsigned order, uint32_t d, uint32_t *x, uint32_t *y)
{
	uint32_t cx = 0, cy = 0;
	for (unsigned level = 0; level < order; level++) {
		uint32_t s = (uint32_t)1 << level;
		unsigned q = (d >> (2 * level)) & 3;
		uint32_t qx = q == 2 || q == 3, qy = q == 1 || q == 2;
		if (q == 0)
			turn(s, &cx, &cy, 0);
		else if (q == 3)
			turn(s, &cx, &cy, 1);
		cx += qx * s;
		cy += qy * s;
	}
	*x = cx;
	*y = cy;
}

uint32_t hilbert_xy2d(unsigned order, uint32_t x, uint32_t y)
{
	uint32_t d = 0;
	for (unsigned level = order; level-- > 0;) {
		uint32_t s = (uint32_t)1 << level;
		uint32_t qx = (x >> level) & 1, qy = (y >> level) & 1;
		unsigned q = qx ? (qy ? 2 : 3) : (qy ? 1 : 0);
		d |= (uint32_t)q << (2 * level);
		x &= s - 1;
		y &= s - 1;
		/* undo the quadrant's turn: both are their own inverse */
		if (q == 0)
			turn(s, &x, &y, 0);
		else if (q == 3)
			turn(s, &x, &y, 1);
	}
	return d;
}
