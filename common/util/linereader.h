/* linereader: lines from a file descriptor, read in large blocks and handed
 * out as chunks of whole lines. A filter handling tens of millions of lines a
 * second can't afford stdio's per-call locking or a syscall per line.
 * Everything read from outside is bounded: with max_line set, a line that
 * keeps growing is never held past max_line bytes (and one read). */
#ifndef ZSCAN_UTIL_LINEREADER_H
#define ZSCAN_UTIL_LINEREADER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* linereader_chunk's value for a line over max_line (skip_long set) */
#define LINEREADER_LONG 2

struct linereader {
	int fd;
	char *buf; /* the current buffer: [start, end) not handed out yet */
	size_t cap, start, end;
	char *spare; /* the other buffer, with the chunks handed out before */
	size_t spare_cap;
	int eof;
	int supplied_newline; /* the input's last line had none; one was added */
	size_t held;          /* bytes given back (linereader_unread) that need more after them */
	size_t scanned;       /* bytes from start searched for a newline: none there past held */
	unsigned long lineno; /* lines handed out so far (see linereader_count) */
	unsigned long long searched; /* bytes searched for newlines, in all */
	/* if non-zero, the longest line taken, newline not counted. A longer
	 * one that has not arrived whole ends the input with an error
	 * (linereader_chunk returns -1, errno E2BIG) instead of growing the
	 * buffer without end, as /dev/zero would; with skip_long it is handed
	 * out as LINEREADER_LONG instead and its rest is read and dropped.
	 * A line that arrived whole in one read can be longer in a chunk:
	 * callers treat any line over max_line as the same bad line. */
	size_t max_line;
	bool skip_long;
	bool skipping;     /* dropping the rest of an overlong line */
	bool long_pending; /* an overlong line follows the bytes held */
	bool bom_done;     /* a UTF-8 byte-order mark at the start was looked for */
	/* if set, a non-zero *stop ends the input (linereader_chunk returns
	 * -1, errno EINTR) before the next read, and a read a signal
	 * interrupts while it is set */
	volatile sig_atomic_t *stop;
	/* the same, but only for a change of *skip_stop while the rest of an
	 * overlong line is being skipped: a filter that reads its pipe to the
	 * end after a stop request (the stage before it ends the stream)
	 * stops at once when a request comes while what comes is no line at
	 * all, as from /dev/zero; an overlong line that begins after the
	 * request is skipped to its end, and the lines after it are read */
	volatile sig_atomic_t *skip_stop;
	sig_atomic_t skip_stop_was; /* *skip_stop when the skipping began */
	/* at most this many bytes a read (0: as many as fit): a fuzzer sets it
	 * small, to reach every way a line can be split across reads */
	size_t read_max;
};

int linereader_init(struct linereader *r, int fd);
void linereader_free(struct linereader *r);

/* Bulk access for hot filters: 1 and [*p, *p + *len) holding one or more
 * whole lines, each ending in '\n' (a missing final newline is supplied),
 * and *first_lineno the number of the first; 0 at end of input; -1 on error.
 * With skip_long, LINEREADER_LONG for a line over max_line: [*p, *p + *len)
 * is its start (more than max_line bytes, no newline) and *first_lineno its
 * number; it counts as one line (linereader_count(r, 1)).
 * A chunk stays in place through the next call: the reader reads into two
 * buffers in turn, so a caller can still be printing one chunk's lines
 * while it parses the next. A UTF-8 byte-order mark that starts the input
 * is skipped. */
int linereader_chunk(struct linereader *r, const char **p, size_t *len,
                     unsigned long *first_lineno);

/* Gives the last n bytes of the chunk just handed out back (whole lines):
 * they come again at the start of the next chunk, with at least one more
 * line after them, for a record that goes on past the chunk's last line.
 * When no more input will come after them (the end of input, or an
 * overlong line next), returns false and gives nothing back. */
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
