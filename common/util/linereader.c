/* linereader: block-buffered line splitting. */
#include "util/linereader.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define INITIAL_CAP (1u << 20)

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

/* Once a chunk has been handed out of the current buffer, moves the unread
 * tail to the front of the other buffer and makes that one current (the
 * chunk stays where it was, see linereader_chunk); grows the buffer if a
 * single line fills it; reads more. Returns bytes read, 0 at EOF, -1 on
 * error. */
static ssize_t refill(struct linereader *r)
{
	if (r->max_line && r->end - r->start > r->max_line) {
		errno = E2BIG;
		return -1;
	}
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
	for (;;) {
		ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0 && errno == EINTR && !(r->stop && *r->stop))
			continue;
		if (n > 0)
			r->end += (size_t)n;
		return n;
	}
}

int linereader_chunk(struct linereader *r, const char **p, size_t *len, unsigned long *first_lineno)
{
	for (;;) {
		size_t avail = r->end - r->start;
		char *s = r->buf + r->start;
		/* a chunk ends past the bytes given back */
		char *last = avail > r->held ? memrchr(s + r->held, '\n', avail - r->held) : NULL;
		if (!last && r->eof && avail > r->held) {
			r->buf[r->end++] = '\n';
			r->supplied_newline = 1;
			continue;
		}
		if (!last && r->eof && r->held) /* nothing came after them */
			last = s + avail - 1;
		if (last) {
			size_t n = (size_t)(last - s) + 1;
			r->held = 0;
			r->start += n;
			*p = s;
			*len = n;
			*first_lineno = r->lineno + 1;
			return 1;
		}
		if (r->eof)
			return 0;
		ssize_t got = refill(r);
		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = 1;
	}
}

bool linereader_unread(struct linereader *r, size_t n)
{
	if (r->eof && r->start == r->end)
		return false;
	r->start -= n;
	r->held = n;
	return true;
}

bool linereader_would_wait(const struct linereader *r)
{
	struct pollfd p = {.fd = r->fd, .events = POLLIN};
	return !r->eof && poll(&p, 1, 0) == 0;
}
