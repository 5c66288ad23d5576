/* hilbert: the Hilbert curve of order k, which visits each cell of a
 * 2^k x 2^k grid once, each step to a neighbouring cell, so that numbers
 * close together (addresses in one block) land close together in the
 * square. It starts at (0, 0) and ends at (2^k - 1, 0); y grows downward
 * in a picture. Orders 0-16 (d below 2^32). */
#ifndef ZSCAN_UTIL_HILBERT_H
#define ZSCAN_UTIL_HILBERT_H

#include <stdint.h>

/* The cell (x, y) at position d (below 4^order) along the curve. */
void hilbert_d2xy(unsigned order, uint32_t d, uint32_t *x, uint32_t *y);

/* The position along the curve of cell (x, y) (each below 2^order). */
uint32_t hilbert_xy2d(unsigned order, uint32_t x, uint32_t y);

#endif
