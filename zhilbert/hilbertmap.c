/* hilbertmap: counting the lines' addresses into units, and the picture
 * (see hilbertmap.h). */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hilbert.h"
#include "util/linereader.h"
#include "util/outbuf.h"
#include "colour.h"
#include "font.h"
#include "hilbertmap.h"

/* a line is never held past this; the address is at its start */
#define MAX_LINE 65536

typedef unsigned __int128 u128;

static u128 wide(struct ipaddr a)
{
	return (u128)a.hi << 64 | a.lo;
}

int hilbertmap_init(struct hilbertmap *m, struct ipaddr prefix, int len, int unit, struct zerr *e)
{
	int bits = ipaddr_is_v4(prefix) ? 32 : 128, base = 128 - bits;
	memset(m, 0, sizeof *m);
	if (len < 0 || len >= bits || unit <= len || unit > bits)
		return zerr_set(e, "the unit /%d is not longer than the prefix /%d and at most /%d",
		                unit, len, bits);
	if ((unit - len) % 2 || unit - len > 2 * HILBERTMAP_MAX_ORDER)
		return zerr_set(e,
		                "the unit /%d under a /%d: its length less the prefix's must be "
		                "even and at most %d, for a square of at most %u x %u",
		                unit, len, 2 * HILBERTMAP_MAX_ORDER, 1u << HILBERTMAP_MAX_ORDER,
		                1u << HILBERTMAP_MAX_ORDER);
	m->prefix = ipaddr_mask(prefix, base + len);
	m->len = base + len;
	m->unit = base + unit;
	m->order = (unsigned)(unit - len) / 2;
	m->side = (uint32_t)1 << m->order;
	m->cells = calloc((size_t)m->side * m->side, sizeof *m->cells);
	if (!m->cells) {
		errno = ENOMEM;
		return zerr_set(e, "out of memory for %u x %u cells", m->side, m->side);
	}
	return 0;
}

void hilbertmap_free(struct hilbertmap *m)
{
	free(m->cells);
	m->cells = NULL;
}

void hilbertmap_xy(const struct hilbertmap *m, uint32_t d, uint32_t *x, uint32_t *y)
{
	hilbert_d2xy(m->order, d, x, y);
}

int hilbertmap_add(struct hilbertmap *m, struct ipaddr a)
{
	u128 v = wide(a), p = wide(m->prefix);
	if (m->len && (v ^ p) >> (128 - m->len))
		return -1;
	uint32_t d = (uint32_t)((v << m->len) >> (128 - (m->unit - m->len))), x, y;
	hilbert_d2xy(m->order, d, &x, &y);
	uint32_t *c = &m->cells[(size_t)y * m->side + x];
	if (*c < UINT32_MAX)
		(*c)++;
	if (*c > m->max)
		m->max = *c;
	return 0;
}

/* Whether s[0..n) is a name (letters and '_'), as a header's first field. */
static bool is_name(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
			return false;
	return n > 0;
}

/* One line, newline not included (for an overlong line: its start). */
static void count_line(struct hilbertmap *m, const char *s, size_t n, unsigned long lineno,
                       hilbertmap_bad_fn bad, void *ctx, struct hilbertmap_stats *st)
{
	size_t i = 0, t;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#' || (s[i] == '\r' && i + 1 == n))
		return; /* blank, or a comment */
	for (t = i; t < n && !memchr(",# \t\r", s[t], 5); t++)
		;
	struct ipaddr a;
	if (ipaddr_parse(s + i, t - i, &a) < 0) {
		if (lineno == 1 && is_name(s + i, t - i))
			return; /* a header */
		st->bad++;
		bad(ctx, lineno, i == t ? "no address before" : "not an address", s, n);
		return;
	}
	if (hilbertmap_add(m, a) < 0)
		st->outside++;
	else
		st->counted++;
}

int hilbertmap_read(struct hilbertmap *m, int in_fd, volatile sig_atomic_t *stop,
                    hilbertmap_bad_fn bad, void *ctx, struct hilbertmap_stats *st, struct zerr *e)
{
	struct linereader lr;
	if (linereader_init(&lr, in_fd) < 0)
		return zerr_set(e, "out of memory");
	lr.max_line = MAX_LINE;
	lr.skip_long = true;
	lr.stop = stop;
	const char *p;
	size_t len;
	unsigned long lineno;
	int got, rc = 0;
	while ((got = linereader_chunk(&lr, &p, &len, &lineno)) > 0) {
		if (got == LINEREADER_LONG) { /* its start, which holds the address */
			count_line(m, p, len, lineno, bad, ctx, st);
			st->lines++;
			linereader_count(&lr, 1);
			continue;
		}
		const char *end = p + len;
		unsigned long n = 0;
		for (; p < end; n++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			count_line(m, p, (size_t)(nl - p), lineno + n, bad, ctx, st);
			p = nl + 1;
		}
		st->lines += n;
		linereader_count(&lr, n);
	}
	if (got < 0 && errno == EINTR && stop && *stop)
		st->interrupted = true;
	else if (got < 0)
		rc = zerr_set(e, "stdin: read error: %s", strerror(errno));
	linereader_free(&lr);
	return rc;
}

/* The picture's layout: the square at the top left, at least 256 pixels
 * wide (a narrower square leaves panel to its right), the legend under
 * it, all drawn at a scale of one per 256 pixels of width. */
struct layout {
	size_t w, h, side, scale, legend_h;
};

static const uint8_t panel[3] = {40, 40, 40}, ink[3] = {232, 232, 232};

static struct layout layout_of(const struct hilbertmap *m)
{
	struct layout l = {.side = m->side};
	l.w = m->side < 256 ? 256 : m->side;
	l.scale = l.w / 256;
	l.legend_h = 20 * l.scale;
	l.h = l.side + l.legend_h;
	return l;
}

/* the least count of bin b as text */
static void bin_label(char *buf, size_t size, unsigned b)
{
	snprintf(buf, size, "%llu", b ? 1ull << (b - 1) : 0ull);
}

/* The legend, w x legend_h pixels: a bar of the bins' colours, bin 0 (the
 * background) first, each block with a tick at its left edge, and under
 * the ticks the least count of every step-th bin, as many as fit. */
static void draw_legend(uint8_t *pic, const struct layout *l, unsigned top)
{
	size_t w = l->w, h = l->legend_h, s = l->scale;
	for (size_t i = 0; i < w * h; i++)
		memcpy(pic + 3 * i, panel, 3);
	size_t nb = top + 1, bw = w / nb;
	char label[24];
	bin_label(label, sizeof label, top);
	size_t need = font_width(label, (unsigned)s) + 2 * s, step = 1;
	while (step * bw < need && step < nb)
		step++;
	for (size_t b = 0; b < nb; b++) {
		uint8_t rgb[3];
		colour_of_bin((unsigned)b, top, rgb);
		size_t x0 = b * bw, x1 = b + 1 == nb ? w : x0 + bw;
		for (size_t y = 2 * s; y < 10 * s; y++)
			for (size_t x = x0; x < x1; x++)
				memcpy(pic + 3 * (y * w + x), rgb, 3);
		if (b % step)
			continue;
		for (size_t y = 10 * s; y < 12 * s; y++)
			for (size_t x = x0; x < x0 + s && x < w; x++)
				memcpy(pic + 3 * (y * w + x), ink, 3);
		bin_label(label, sizeof label, (unsigned)b);
		font_draw(pic, w, h, x0, 13 * s, label, (unsigned)s, ink);
	}
}

struct sink {
	int fd;
	int err;       /* a write's errno */
	char msg[200]; /* libpng's own complaint */
};

static void on_png_error(png_structp png, png_const_charp msg)
{
	struct sink *k = png_get_error_ptr(png);
	snprintf(k->msg, sizeof k->msg, "%s", msg);
	png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg; /* nothing to say: the picture is still written */
}

static void on_png_write(png_structp png, png_bytep data, size_t n)
{
	struct sink *k = png_get_io_ptr(png);
	if (write_full(k->fd, data, n) < 0) {
		k->err = errno;
		png_error(png, "write error");
	}
}

static void on_png_flush(png_structp png)
{
	(void)png; /* every write goes straight to the descriptor */
}

int hilbertmap_write_png(const struct hilbertmap *m, int out_fd, struct hilbertmap_stats *st,
                         struct zerr *e)
{
	struct layout l = layout_of(m);
	unsigned top = colour_bin(m->max);
	uint8_t colours[33][3];
	for (unsigned b = 0; b <= top; b++)
		colour_of_bin(b, top, colours[b]);
	uint8_t *row = malloc(3 * l.w), *legend = malloc(3 * l.w * l.legend_h);
	struct sink k = {.fd = out_fd};
	png_structp png = NULL;
	png_infop info = NULL;
	if (!row || !legend ||
	    !(png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &k, on_png_error,
	                                    on_png_warning)) ||
	    !(info = png_create_info_struct(png))) {
		png_destroy_write_struct(png ? &png : NULL, NULL);
		free(row);
		free(legend);
		return zerr_set(e, "out of memory for the picture");
	}
	draw_legend(legend, &l, top);
	int rc = 0;
	if (setjmp(png_jmpbuf(png))) {
		if (k.err) {
			st->write_errno = k.err;
			rc = zerr_set(e, "stdout: write error: %s", strerror(k.err));
		} else {
			rc = zerr_set(e, "the picture: %s", k.msg);
		}
		goto done;
	}
	png_set_write_fn(png, &k, on_png_write, on_png_flush);
	png_set_IHDR(png, info, (png_uint_32)l.w, (png_uint_32)l.h, 8, PNG_COLOR_TYPE_RGB,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (size_t y = 0; y < l.side; y++) {
		const uint32_t *c = &m->cells[y * l.side];
		for (size_t x = 0; x < l.w; x++)
			memcpy(row + 3 * x, x < l.side ? colours[colour_bin(c[x])] : panel, 3);
		png_write_row(png, row);
	}
	for (size_t y = 0; y < l.legend_h; y++)
		png_write_row(png, legend + 3 * l.w * y);
	png_write_end(png, info);
done:
	png_destroy_write_struct(&png, &info);
	free(row);
	free(legend);
	return rc;
}
