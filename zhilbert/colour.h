/* colour: zhilbert's colour scale. A cell's count falls in a bin by powers
 * of two (bin 0: none; bin b: 2^(b-1) to 2^b - 1 hosts), and the bins up
 * to that of the largest count spread evenly over a ramp from dark violet
 * through red and orange to pale yellow; an empty cell is black. */
#ifndef ZSCAN_ZHILBERT_COLOUR_H
#define ZSCAN_ZHILBERT_COLOUR_H

#include <stdint.h>

/* The background: a cell with no host. */
#define COLOUR_BG_R 0
#define COLOUR_BG_G 0
#define COLOUR_BG_B 0

/* The bin of a count: 0 for 0, else floor(log2(count)) + 1 (at most 32). */
unsigned colour_bin(uint32_t count);

/* The colour of bin b (at most top, the bin of the largest count) into
 * rgb[0..3): the background for bin 0; else the ramp's position
 * (b - 1) * 255 / (top - 1), or 255 when top is 1. */
void colour_of_bin(unsigned b, unsigned top, uint8_t rgb[3]);

#endif
