/* readfile: small regular files, read with a bound. */
#include "util/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *readfile_kind(unsigned mode)
{
	return S_ISDIR(mode)    ? "a directory"
	       : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISCHR(mode)  ? "a character device"
	       : S_ISBLK(mode)  ? "a block device"
	       : S_ISSOCK(mode) ? "a socket"
	                        : "not a regular file";
}

int readfile(const char *path, size_t max, char **buf, size_t *len, struct zerr *e)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return zerr_set(e, "%s: %s", path, strerror(errno));
	struct stat st;
	char *b = NULL;
	int rc = -1;
	if (fstat(fd, &st) < 0) {
		zerr_set(e, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		zerr_set(e, "%s: %s, not a file", path, readfile_kind(st.st_mode));
		goto out;
	}
	if ((unsigned long long)st.st_size > max) {
		zerr_set(e, "%s: %lld bytes, more than the %zu it may hold", path,
		         (long long)st.st_size, max);
		goto out;
	}
	if (!(b = malloc(max + 2))) {
		zerr_set(e, "%s: out of memory", path);
		goto out;
	}
	size_t n = 0;
	while (n <= max) { /* one byte more than allowed tells a file that grew */
		ssize_t r = read(fd, b + n, max + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			zerr_set(e, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		zerr_set(e, "%s: more than the %zu bytes it may hold", path, max);
		goto out;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	free(b);
	close(fd);
	return rc;
}
