/* outbuf: buffered output to a file descriptor with every write checked, so
 * a full disk or a closed pipe is an error the tool reports, never a silent
 * exit 0. */
#ifndef ZSCAN_UTIL_OUTBUF_H
#define ZSCAN_UTIL_OUTBUF_H

#include <stddef.h>
#include <string.h>

struct outbuf {
	int fd;
	char *buf;
	size_t len, cap;
};

/* write(2) until all n bytes are out, retrying on EINTR. -1 with errno set. */
int write_full(int fd, const void *p, size_t n);

int outbuf_init(struct outbuf *o, int fd);
void outbuf_free(struct outbuf *o);

/* Writes out what is buffered. Returns -1 with errno set on failure. */
int outbuf_flush(struct outbuf *o);

/* outbuf_put's way when the n bytes do not fit in what is left: flushes, and
 * writes bytes that could never fit (a value of a line over 1 MiB) straight
 * through. */
int outbuf_put_long(struct outbuf *o, const void *p, size_t n);

/* Appends n bytes, of any length. Returns -1 on write failure. */
static inline int outbuf_put(struct outbuf *o, const void *p, size_t n)
{
	if (o->cap - o->len < n)
		return outbuf_put_long(o, p, n);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

#endif
