/* outbuf: checked, buffered writes. */
#include "util/outbuf.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define OUTBUF_CAP (1u << 20)

int outbuf_init(struct outbuf *o, int fd)
{
	*o = (struct outbuf){.fd = fd, .cap = OUTBUF_CAP};
	o->buf = malloc(o->cap);
	return o->buf ? 0 : -1;
}

void outbuf_free(struct outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
}

int write_full(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int outbuf_flush(struct outbuf *o)
{
	if (write_full(o->fd, o->buf, o->len) < 0)
		return -1;
	o->len = 0;
	return 0;
}

int outbuf_put_long(struct outbuf *o, const void *p, size_t n)
{
	if (outbuf_flush(o) < 0)
		return -1;
	if (n >= o->cap)
		return write_full(o->fd, p, n);
	memcpy(o->buf, p, n);
	o->len = n;
	return 0;
}
