/* outfile: output files emptied only once they are sure to be written. */
#include "util/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether the directory path is in is shared: others than its owner may
 * write there, so a name in it may be another user's link or file (/tmp,
 * sticky, and as much a directory of mode 0777 or 0775, where the kernel's
 * protected_symlinks does not help). */
static bool in_shared_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof dir)
		return true;
	memcpy(dir, slash ? path : ".", n);
	dir[n] = '\0';
	struct stat st;
	return stat(dir, &st) < 0 || (st.st_mode & (S_IWGRP | S_IWOTH));
}

int outfile_open(struct outfile *o, const char *path, struct zerr *e)
{
	*o = (struct outfile){.path = path, .fd = -1};
	/* in a shared directory, never follow a link another user may have
	 * planted at the name, and never write into another user's file */
	bool shared = in_shared_dir(path);
	int nofollow = shared ? O_NOFOLLOW : 0;
	/* O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of
	 * blocking the open for ever; cleared below. O_EXCL first, to know
	 * whether this open made the file */
	o->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0666);
	if (o->fd >= 0) {
		o->created = true;
	} else if (errno == EEXIST) {
		o->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | nofollow);
	}
	if (o->fd < 0)
		return zerr_set(e, "%s: %s", path,
		                errno == ELOOP ? "a symbolic link in a shared directory"
		                : errno == ENXIO
		                    ? (shared ? "a FIFO that nobody reads, in a shared "
		                                "directory"
		                              : "a FIFO that nobody reads")
		                    : strerror(errno));
	struct stat st;
	if (fstat(o->fd, &st) < 0 || (shared && !o->created && st.st_uid != geteuid())) {
		int uid = (int)st.st_uid;
		close(o->fd);
		o->fd = -1;
		return zerr_set(e, "%s: owned by uid %d, in a shared directory: not written", path,
		                uid);
	}
	/* writes block as usual from here */
	fcntl(o->fd, F_SETFL, fcntl(o->fd, F_GETFL) & ~O_NONBLOCK);
	return 0;
}

int outfile_commit(struct outfile *o, struct zerr *e)
{
	struct stat st;
	if (fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(o->fd, 0) < 0)
		return zerr_set(e, "%s: %s", o->path, strerror(errno));
	if (ostream_open(&o->os, o->fd, o->path, 0) < 0)
		return zerr_set(e, "%s: %s", o->path, strerror(errno));
	o->f = o->os.f;
	o->committed = true;
	return 0;
}

int outfile_close(struct outfile *o, struct zerr *e)
{
	int rc = ostream_close(&o->os) < 0 ? ostream_error(&o->os, e) : 0;
	o->f = NULL;
	o->fd = -1;
	return rc;
}

void outfile_abandon(struct outfile *o)
{
	if (o->f)
		ostream_close(&o->os);
	else if (o->fd >= 0)
		close(o->fd);
	if (o->created)
		unlink(o->path);
	o->f = NULL;
	o->fd = -1;
}
