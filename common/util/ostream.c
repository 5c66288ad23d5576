/* ostream: checked stdio streams, by way of a cookie stream that keeps the
 * first write error. */
#include "util/ostream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/outbuf.h"

static ssize_t cookie_write(void *cookie, const char *buf, size_t n)
{
	struct ostream *o = cookie;
	if (o->err)
		return -1; /* after a loss, a later write would leave a hole */
	if (write_full(o->fd, buf, n) < 0) {
		o->err = errno ? errno : EIO;
		return -1;
	}
	return (ssize_t)n;
}

static int cookie_close(void *cookie)
{
	struct ostream *o = cookie;
	if (o->fd >= 0 && close(o->fd) < 0 && !o->err)
		o->err = errno;
	o->fd = -1;
	return o->err ? -1 : 0;
}

int ostream_open(struct ostream *o, int fd, const char *name, size_t bufsize)
{
	*o = (struct ostream){.fd = fd, .name = name};
	o->f = fopencookie(o, "w",
	                   (cookie_io_functions_t){.write = cookie_write, .close = cookie_close});
	if (!o->f)
		return -1;
	if (bufsize && setvbuf(o->f, NULL, _IOFBF, bufsize) != 0) {
		fclose(o->f);
		o->f = NULL;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int ostream_flush(struct ostream *o)
{
	if (fflush(o->f) == EOF && !o->err)
		o->err = errno ? errno : EIO;
	return o->err ? -1 : 0;
}

int ostream_close(struct ostream *o)
{
	if (!o->f)
		return o->err ? -1 : 0;
	ostream_flush(o);
	fclose(o->f);
	o->f = NULL;
	return o->err ? -1 : 0;
}

int ostream_error(const struct ostream *o, struct zerr *e)
{
	return zerr_set(e, "%s: write error: %s", o->name, strerror(o->err ? o->err : EIO));
}
