/* ostream: checked stdio streams, by way of a cookie stream that keeps the
 * first write error. */
#include "util/ostream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/outbuf.h"

/* Keeps the first error. */
static void fail(struct ostream *o, int err)
{
	int none = 0;
	__atomic_compare_exchange_n(&o->err, &none, err ? err : EIO, false, __ATOMIC_RELEASE,
	                            __ATOMIC_RELAXED);
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t n)
{
	struct ostream *o = cookie;
	if (ostream_failed(o))
		return -1; /* after a loss, a later write would leave a hole */
	if (write_full(o->fd, buf, n) < 0) {
		fail(o, errno);
		return -1;
	}
	return (ssize_t)n;
}

static int cookie_close(void *cookie)
{
	struct ostream *o = cookie;
	if (o->fd >= 0 && close(o->fd) < 0)
		fail(o, errno);
	o->fd = -1;
	return ostream_failed(o) ? -1 : 0;
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
	if (fflush(o->f) == EOF)
		fail(o, errno);
	return ostream_failed(o) ? -1 : 0;
}

int ostream_close(struct ostream *o)
{
	if (!o->f)
		return ostream_failed(o) ? -1 : 0;
	ostream_flush(o);
	fclose(o->f);
	o->f = NULL;
	return ostream_failed(o) ? -1 : 0;
}

int ostream_errno(const struct ostream *o)
{
	return __atomic_load_n(&o->err, __ATOMIC_ACQUIRE);
}

int ostream_error(const struct ostream *o, struct zerr *e)
{
	int err = ostream_errno(o);
	return zerr_set(e, "%s: write error: %s", o->name, strerror(err ? err : EIO));
}
