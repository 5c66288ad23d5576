/* font: the digits 0-9 in a 3 x 5 bitmap, drawn into an RGB picture at
 * any whole scale, for the legend's numbers. */
#ifndef ZSCAN_ZHILBERT_FONT_H
#define ZSCAN_ZHILBERT_FONT_H

#include <stddef.h>
#include <stdint.h>

#define FONT_W 3 /* a digit's width and height, in pixels at scale 1 */
#define FONT_H 5

/* The width of text at scale: each digit and a space of one pixel after
 * each but the last. */
size_t font_width(const char *digits, unsigned scale);

/* Draws the digits of `digits` (other characters are skipped as blanks)
 * with their top left at (x, y) in a picture of w x h pixels, rows of
 * 3 * w bytes; what falls outside it is clipped. */
void font_draw(uint8_t *pic, size_t w, size_t h, size_t x, size_t y, const char *digits,
               unsigned scale, const uint8_t rgb[3]);

#endif
