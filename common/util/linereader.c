/* linereader: block-buffered line splitting. */
#include "util/linereader.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INITIAL_CAP (1u << 20)

static const char utf8_bom[3] = {'\xef', '\xbb', '\xbf'};

int linereader_init(struct linereader *r, int fd)
{
	*r = (struct linereader){.fd = fd, .cap = INITIAL_CAP};
	r->buf = malloc(r->cap);
	return r->buf ? 0 : -1;
}

void linereader_free(struct linereader *r)
{
	free(r->buf);
	free(r->spare);
	r->buf = r->spare = NULL;
}

/* Whether a stop flag ends the input now: *stop set, or *skip_stop
 * changed since the overlong line being skipped began. */
static bool stopped(const struct linereader *r)
{
	return (r->stop && *r->stop) ||
	       (r->skipping && r->skip_stop && *r->skip_stop != r->skip_stop_was);
}

/* Once a chunk has been handed out of the current buffer, moves the unread
 * tail to the front of the other buffer and makes that one current (the
 * chunk stays where it was, see linereader_chunk); grows the buffer if a
 * single line fills it; reads more. Returns bytes read, 0 at EOF, -1 on
 * error. */
static ssize_t refill(struct linereader *r)
{
	if (r->start > 0) {
		if (r->spare_cap < r->cap) {
			char *nb = realloc(r->spare, r->cap);
			if (!nb)
				return -1;
			r->spare = nb;
			r->spare_cap = r->cap;
		}
		memcpy(r->spare, r->buf + r->start, r->end - r->start);
		char *b = r->buf;
		size_t c = r->cap;
		r->buf = r->spare;
		r->cap = r->spare_cap;
		r->spare = b;
		r->spare_cap = c;
		r->end -= r->start;
		r->start = 0;
	}
	if (r->end + 1 >= r->cap) { /* room for a supplied final '\n' */
		char *nb = realloc(r->buf, r->cap * 2);
		if (!nb)
			return -1;
		r->buf = nb;
		r->cap *= 2;
	}
	size_t room = r->cap - r->end;
	if (r->read_max && room > r->read_max)
		room = r->read_max;
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->end, room);
		if (n < 0 && errno == EINTR && !stopped(r))
			continue;
		if (n > 0)
			r->end += (size_t)n;
		return n;
	}
}

/* Hands out [start, start + n) as a chunk. */
static int hand_out(struct linereader *r, size_t n, const char **p, size_t *len,
                    unsigned long *first_lineno)
{
	*p = r->buf + r->start;
	*len = n;
	*first_lineno = r->lineno + 1;
	r->start += n;
	r->held = 0;
	r->scanned = r->end - r->start; /* what follows the last newline has none */
	return 1;
}

/* Whether the input so far may still be a byte-order mark to skip: it is
 * looked for once, without waiting for more input than it takes to tell. */
static bool bom_undecided(struct linereader *r)
{
	size_t avail = r->end - r->start, k = avail < 3 ? avail : 3;
	if (memcmp(r->buf + r->start, utf8_bom, k) != 0 || r->eof) {
		r->bom_done = true;
	} else if (k == 3) {
		r->start += 3;
		r->bom_done = true;
	}
	return !r->bom_done;
}

/* The next whole lines, an overlong line, or 0 when more must be read. */
static int take(struct linereader *r, const char **p, size_t *len, unsigned long *first_lineno)
{
	size_t avail = r->end - r->start;
	char *s = r->buf + r->start;
	/* only bytes not searched before: a long line that comes in many
	 * reads costs time in its length, not its square */
	size_t from = r->scanned > r->held ? r->scanned : r->held;
	char *last = avail > from ? memrchr(s + from, '\n', avail - from) : NULL;
	r->searched += avail > from ? avail - from : 0;
	if (last)
		return hand_out(r, (size_t)(last - s) + 1, p, len, first_lineno);
	r->scanned = avail;
	if (r->max_line && avail - r->held > r->max_line) {
		if (!r->skip_long) {
			errno = E2BIG;
			return -1;
		}
		if (r->held) { /* the lines before it go out first, alone */
			r->long_pending = true;
			return hand_out(r, r->held, p, len, first_lineno);
		}
		r->long_pending = false;
		*p = s;
		*len = avail;
		*first_lineno = r->lineno + 1;
		r->start = r->end;
		r->scanned = 0;
		r->skipping = true;
		r->skip_stop_was = r->skip_stop ? *r->skip_stop : 0;
		return LINEREADER_LONG;
	}
	if (r->eof && avail > r->held) {
		r->buf[r->end++] = '\n';
		r->supplied_newline = 1;
		return take(r, p, len, first_lineno);
	}
	if (r->eof && r->held) /* nothing came after them */
		return hand_out(r, avail, p, len, first_lineno);
	return 0;
}

/* Drops the rest of an overlong line; true once its newline (or the end
 * of input) is reached. */
static bool skip_rest(struct linereader *r)
{
	char *s = r->buf + r->start;
	char *nl = memchr(s, '\n', r->end - r->start);
	r->start = nl ? r->start + (size_t)(nl - s) + 1 : r->end;
	r->scanned = 0;
	r->skipping = !nl && !r->eof;
	return !r->skipping;
}

int linereader_chunk(struct linereader *r, const char **p, size_t *len, unsigned long *first_lineno)
{
	for (;;) {
		bool ready = (!r->skipping || skip_rest(r)) && (r->bom_done || !bom_undecided(r));
		if (ready) {
			int got = take(r, p, len, first_lineno);
			if (got != 0 || r->eof)
				return got;
		}
		if (stopped(r)) {
			errno = EINTR;
			return -1;
		}
		ssize_t n = refill(r);
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = 1;
	}
}

bool linereader_unread(struct linereader *r, size_t n)
{
	if ((r->eof && r->start == r->end) || r->long_pending)
		return false;
	r->start -= n;
	r->held = n;
	r->scanned = r->end - r->start;
	return true;
}

bool linereader_would_wait(const struct linereader *r)
{
	struct pollfd p = {.fd = r->fd, .events = POLLIN};
	return !r->eof && poll(&p, 1, 0) == 0;
}
