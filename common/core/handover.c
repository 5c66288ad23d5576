/* handover: the pipeline's key and readiness files. */
#include "core/handover.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void handover_key_path(char *buf, size_t size)
{
	/* root's runtime dir is closed to the user zsend and zrecv become */
	const char *dir = geteuid() == 0 ? NULL : getenv("XDG_RUNTIME_DIR");
	if (!dir || !*dir)
		dir = "/tmp";
	snprintf(buf, size, "%s/zscan-%ld-%ld.key", dir, (long)getuid(), (long)getpgrp());
}

void handover_ready_path(char *buf, size_t size)
{
	handover_key_path(buf, size);
	size_t n = strlen(buf);
	if (n > 4 && n + 3 < size)
		strcpy(buf + n - 4, ".ready");
}

int handover_wait_file(const char *path, uint64_t since, int timeout_ms)
{
	for (int waited = 0;; waited += 10) {
		struct stat st;
		if (stat(path, &st) == 0 &&
		    (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec >=
		        since)
			return 0;
		if (waited >= timeout_ms)
			return -1;
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
}

int handover_wait_key(const char *path, uint64_t since, int timeout_ms, struct secret *s,
                      struct zerr *e)
{
	if (handover_wait_file(path, since, timeout_ms) < 0)
		return zerr_set(e,
		                "no fresh key at %s after %d s: start zrecv in the same pipeline, "
		                "or give -k FILE",
		                path, timeout_ms / 1000);
	return secret_load(path, s, e);
}

int handover_mark_ready(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}
