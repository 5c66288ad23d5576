/* linereader: lines from a file descriptor, read in large blocks and handed
 * out as chunks of whole lines. A filter handling tens of millions of lines a
 * second can't afford stdio's per-call locking or a syscall per line. */
#ifndef ZSCAN_UTIL_LINEREADER_H
#define ZSCAN_UTIL_LINEREADER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct linereader {
	int fd;
	char *buf; /* the current buffer: [start, end) not handed out yet */
	size_t cap, start, end;
	char *spare; /* the other buffer, with the chunks handed out before */
	size_t spare_cap;
	int eof;
	int supplied_newline; /* the input's last line had none; one was added */
	size_t held;          /* bytes given back (linereader_unread) that need more after them */
	unsigned long lineno; /* lines handed out so far (see linereader_count) */
	/* if non-zero, a line longer than this ends the input with an error
	 * (linereader_chunk returns -1, errno E2BIG) instead of growing the
	 * buffer without end, as /dev/zero would */
	size_t max_line;
	/* if set, a read interrupted by a signal while *stop is non-zero ends
	 * the input (linereader_chunk returns -1, errno EINTR) */
	volatile sig_atomic_t *stop;
};

int linereader_init(struct linereader *r, int fd);
void linereader_free(struct linereader *r);

/* Bulk access for hot filters: 1 and [*p, *p + *len) holding one or more
 * whole lines, each ending in '\n' (a missing final newline is supplied),
 * and *first_lineno the number of the first; 0 at end of input; -1 on error.
 * A chunk stays in place through the next call: the reader reads into two
 * buffers in turn, so a caller can still be printing one chunk's lines
 * while it parses the next. */
int linereader_chunk(struct linereader *r, const char **p, size_t *len,
                     unsigned long *first_lineno);

/* Gives the last n bytes of the chunk just handed out back (whole lines):
 * they come again at the start of the next chunk, with at least one more
 * line after them, for a record that goes on past the chunk's last line.
 * When no more input will come, returns false and gives nothing back. */
bool linereader_unread(struct linereader *r, size_t n);

/* True when a read now would wait for input. A filter writes out what it
 * has before it reads on: behind a live scan its lines come out as they
 * arrive, while a file is still written in large pieces. */
bool linereader_would_wait(const struct linereader *r);

/* After linereader_chunk: the caller saw n lines in the chunk. */
static inline void linereader_count(struct linereader *r, unsigned long n)
{
	r->lineno += n;
}

#endif
