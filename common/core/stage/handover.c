/* handover: the key and readiness files of one pipeline's pipe. */
#include "core/stage/handover.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/outbuf.h"
#include "util/readfile.h"

/* The handover directory of this user, made if missing and checked. */
static int handover_dir(char *buf, size_t size, struct zerr *e)
{
	uid_t uid = geteuid();
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;
	if (uid == 0)
		n = snprintf(buf, size, "/run/zscan");
	else if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/zscan", xdg);
	else
		n = snprintf(buf, size, "/tmp/zscan-%u", (unsigned)uid);
	if (n < 0 || (size_t)n >= size)
		return zerr_set(e, "handover directory: path too long");
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return zerr_set(e, "%s: %s", buf, strerror(errno));
	/* what is there, as the name shows it: another user's directory is
	 * named as such, whether or not its mode lets us open it */
	struct stat ls;
	if (lstat(buf, &ls) == 0 && S_ISDIR(ls.st_mode) && ls.st_uid != uid)
		return zerr_set(e,
		                "%s: owned by uid %u, not by you (uid %u): another user made it; "
		                "remove it, or set XDG_RUNTIME_DIR",
		                buf, (unsigned)ls.st_uid, (unsigned)uid);
	int fd = open(buf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int saved = errno;
		const char *what = lstat(buf, &ls) == 0 && S_ISLNK(ls.st_mode) ? "a symbolic link"
		                   : saved == ENOTDIR                          ? "not a directory"
		                                                               : strerror(saved);
		return zerr_set(e,
		                "%s: %s: remove it (the key handover needs a directory of yours)",
		                buf, what);
	}
	/* and checked again on the descriptor: the name may have changed */
	struct stat st;
	int rc = fstat(fd, &st);
	close(fd);
	if (rc < 0)
		return zerr_set(e, "%s: %s", buf, strerror(errno));
	if (st.st_uid != uid)
		return zerr_set(e,
		                "%s: owned by uid %u, not by you (uid %u): another user made it; "
		                "remove it, or set XDG_RUNTIME_DIR",
		                buf, (unsigned)st.st_uid, (unsigned)uid);
	if (st.st_mode & 077)
		return zerr_set(e, "%s: mode %04o lets others plant files there; chmod 700 it", buf,
		                (unsigned)(st.st_mode & 07777));
	return 0;
}

int handover_for_pipe(int fd, struct handover *h, struct zerr *e)
{
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
		return zerr_set(e, "not a pipe");
	char dir[HANDOVER_PATH_MAX - 64];
	if (handover_dir(dir, sizeof dir, e) < 0)
		return -1;
	h->fd = fd;
	/* a pipe's times are set when it is made, and changed by writes: the
	 * handover is done before zsend's first write */
	h->born = (uint64_t)st.st_ctim.tv_sec * 1000000000u + (uint64_t)st.st_ctim.tv_nsec;
	snprintf(h->key, sizeof h->key, "%s/pipe-%llx-%llu.key", dir, (unsigned long long)st.st_dev,
	         (unsigned long long)st.st_ino);
	snprintf(h->ready, sizeof h->ready, "%s/pipe-%llx-%llu.ready", dir,
	         (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	snprintf(h->pid, sizeof h->pid, "%s/pipe-%llx-%llu.pid", dir, (unsigned long long)st.st_dev,
	         (unsigned long long)st.st_ino);
	return 0;
}

int handover_leave_pid(const struct handover *h, struct zerr *e)
{
	unlink(h->pid); /* an earlier pipe's, of the same device and inode */
	int fd = open(h->pid, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return zerr_set(e, "%s: %s", h->pid, strerror(errno));
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	int rc = write_full(fd, buf, (size_t)n);
	if (close(fd) < 0 || rc < 0) {
		int saved = errno;
		unlink(h->pid);
		return zerr_set(e, "%s: %s", h->pid, strerror(saved));
	}
	return 0;
}

long handover_take_pid(const struct handover *h)
{
	int fd = open(h->pid, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	unlink(h->pid);
	if (fd < 0)
		return 0;
	struct stat st;
	char buf[32];
	ssize_t n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    st.st_size < (off_t)sizeof buf)
		n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 1 || buf[n - 1] != '\n')
		return 0;
	buf[n - 1] = '\0';
	char *end;
	long pid = strtol(buf, &end, 10);
	return *end == '\0' && pid > 1 ? pid : 0;
}

int handover_create_key(const struct handover *h, struct secret *s, struct zerr *e)
{
	unlink(h->key); /* an earlier scan's, never reused */
	unlink(h->pid);
	return secret_create(h->key, s, e);
}

int handover_mark_ready(const struct handover *h, struct zerr *e)
{
	unlink(h->ready);
	unlink(h->pid);
	int fd = open(h->ready, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return zerr_set(e, "%s: %s", h->ready, strerror(errno));
	close(fd);
	return 0;
}

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000}, NULL);
}

/* Whether the other end of the pipe has closed. */
static bool peer_gone(int fd)
{
	struct pollfd p = {.fd = fd, .events = 0};
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR));
}

int handover_wait_taken(const struct handover *h, const char *path, int timeout_ms,
                        volatile sig_atomic_t *stop)
{
	for (int waited = 0; waited < timeout_ms && !(stop && *stop); waited += 5) {
		struct stat st;
		if (lstat(path, &st) < 0 && errno == ENOENT)
			return 0;
		if (peer_gone(h->fd))
			break; /* zsend has gone */
		sleep_ms(5);
	}
	unlink(path);
	return 1;
}

/* Opens what is at path for reading without following a link or waiting
 * on a FIFO: the descriptor, -2 while there is nothing there yet, or -1
 * with e set for anything that must not be used. A file older than `since`
 * is an earlier scan's: closed, and waited past. */
static int open_fresh(const char *path, uint64_t since, struct zerr *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return -2;
	if (fd < 0)
		return zerr_set(e, "%s: %s", path,
		                errno == ELOOP ? "a symbolic link" : strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int saved = errno;
		close(fd);
		return zerr_set(e, "%s: %s", path, strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return zerr_set(e, "%s: %s", path, readfile_kind(st.st_mode));
	}
	if ((uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec < since) {
		close(fd);
		return -2;
	}
	return fd;
}

/* Waits for open_fresh to give a descriptor; -1 with e set on a refusal,
 * a timeout or a stop. */
static int wait_fresh(const struct handover *h, const char *path, uint64_t since, int timeout_ms,
                      volatile sig_atomic_t *stop, const char *what, struct zerr *e)
{
	for (int waited = 0;; waited += 10) {
		int fd = open_fresh(path, since, e);
		if (fd != -2)
			return fd;
		if (stop && *stop)
			return zerr_set(e, "stopped while waiting for %s", what);
		if (peer_gone(h->fd))
			return zerr_set(e, "zrecv has gone (waiting for %s)", what);
		if (waited >= timeout_ms)
			return zerr_set(e,
			                "no %s at %s after %d s: zrecv must read zsend's output "
			                "directly (zsend ... | zrecv), or give both -k FILE",
			                what, path, timeout_ms / 1000);
		sleep_ms(10);
	}
}

int handover_take_key(const struct handover *h, uint64_t since, int timeout_ms,
                      volatile sig_atomic_t *stop, struct secret *s, struct zerr *e)
{
	int fd = wait_fresh(h, h->key, since, timeout_ms, stop, "key from zrecv", e);
	if (fd < 0)
		return -1;
	int rc = secret_read_fd(fd, h->key, s, e);
	close(fd);
	if (rc == 0) {
		/* the pid first: zrecv reads it once it sees the key gone (a
		 * failure only costs zrecv the way to ask zsend to stop) */
		struct zerr pe;
		handover_leave_pid(h, &pe);
		unlink(h->key); /* taken: zrecv sees it gone */
	}
	return rc;
}

int handover_take_ready(const struct handover *h, uint64_t since, int timeout_ms,
                        volatile sig_atomic_t *stop, struct zerr *e)
{
	int fd =
	    wait_fresh(h, h->ready, since, timeout_ms, stop, "word from zrecv that it is armed", e);
	if (fd < 0)
		return -1;
	struct stat st;
	int rc = fstat(fd, &st);
	close(fd);
	if (rc == 0 && st.st_uid != geteuid())
		return zerr_set(e, "%s: owned by uid %u, not by you", h->ready,
		                (unsigned)st.st_uid);
	struct zerr pe;
	handover_leave_pid(h, &pe);
	unlink(h->ready);
	return 0;
}
