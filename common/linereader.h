/* linereader: lines from a file descriptor, read in large blocks.
 * A filter handling tens of millions of lines a second can't afford stdio's
 * per-call locking or a syscall per line. Lines are returned without their
 * '\n' (and without a trailing '\r'); the last line may lack a newline. */
#ifndef ZSCAN_LINEREADER_H
#define ZSCAN_LINEREADER_H

#include <stddef.h>

struct linereader {
	int fd;
	char *buf;
	size_t cap, start, end;
	int eof;
	unsigned long lineno; /* of the line last returned, from 1 */
};

int linereader_init(struct linereader *r, int fd);
void linereader_free(struct linereader *r);

/* 1: *line and *len hold the next line (valid until the next call); 0: end of
 * input; -1: read error or out of memory, errno set. */
int linereader_next(struct linereader *r, const char **line, size_t *len);

/* Bulk access for hot filters: 1 and [*p, *p + *len) holding one or more
 * whole lines, each ending in '\n' (a missing final newline is supplied),
 * and *first_lineno the number of the first; 0 at end of input; -1 on error. */
int linereader_chunk(struct linereader *r, const char **p, size_t *len,
                     unsigned long *first_lineno);

/* After linereader_chunk: the caller saw n lines in the chunk. */
static inline void linereader_count(struct linereader *r, unsigned long n)
{
	r->lineno += n;
}

#endif
