/* Unit tests: the key handover through a pipe (both sides in one process),
 * what it refuses at the key's name, and output files emptied only once
 * committed. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "core/stage/handover.h"
#include "util/outfile.h"

void test_handover_through_a_pipe(void);
void test_handover_refuses_what_is_planted(void);
void test_outfile_empties_only_when_committed(void);

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void test_handover_through_a_pipe(void)
{
	int p[2], q[2];
	CHECK(pipe(p) == 0 && pipe(q) == 0);
	struct handover send, recv, other;
	struct zerr e;
	/* both ends of one pipe name the same files; another pipe others */
	CHECK(handover_for_pipe(p[1], &send, &e) == 0 && handover_for_pipe(p[0], &recv, &e) == 0);
	CHECK(handover_for_pipe(q[0], &other, &e) == 0);
	CHECK(strcmp(send.key, recv.key) == 0 && strcmp(send.key, other.key) != 0);
	CHECK(strcmp(send.ready, recv.ready) == 0 && strstr(send.key, "/pipe-"));
	int reg = open("/dev/null", O_RDONLY);
	CHECK(handover_for_pipe(reg, &other, &e) < 0 && strstr(e.msg, "not a pipe"));
	close(reg);
	/* zrecv makes a key, zsend takes it (and it is gone), under one key */
	uint64_t since = now_ns() - 50000000u;
	struct secret made, taken;
	CHECK(handover_create_key(&recv, &made, &e) == 0);
	struct stat st;
	CHECK(stat(recv.key, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_uid == geteuid());
	CHECK(handover_take_key(&send, since, 1000, NULL, &taken, &e) == 0);
	CHECK(strcmp(made.fingerprint, taken.fingerprint) == 0 && access(recv.key, F_OK) < 0);
	CHECK(handover_wait_taken(&recv, recv.key, 1000, NULL) == 0);
	/* zsend left its pid; zrecv takes it, and zsend sees it gone */
	CHECK(handover_take_pid(&recv) == (long)getpid() && access(recv.pid, F_OK) < 0);
	CHECK(handover_wait_taken(&send, send.pid, 1000, NULL) == 0);
	/* a key older than zsend is an earlier scan's: waited past, not used */
	CHECK(handover_create_key(&recv, &made, &e) == 0);
	CHECK(handover_take_key(&send, now_ns() + 5000000000ull, 100, NULL, &taken, &e) < 0 &&
	      strstr(e.msg, "no key from zrecv"));
	/* a key zrecv made before zsend came to look, once the pipe was
	 * there, is this pipeline's: zsend may be the slower to start */
	CHECK(handover_create_key(&recv, &made, &e) == 0);
	usleep(200000);
	CHECK(handover_take_key(&send, send.born - HANDOVER_CLOCK_SLACK, 1000, NULL, &taken, &e) ==
	          0 &&
	      strcmp(made.fingerprint, taken.fingerprint) == 0);
	/* one from before the pipe is an earlier pipe's of that inode */
	CHECK(handover_create_key(&recv, &made, &e) == 0);
	struct timespec old[2] = {{(time_t)(send.born / 1000000000u) - 1, 0},
	                          {(time_t)(send.born / 1000000000u) - 1, 0}};
	CHECK(utimensat(AT_FDCWD, recv.key, old, 0) == 0);
	CHECK(handover_take_key(&send, send.born - HANDOVER_CLOCK_SLACK, 100, NULL, &taken, &e) <
	          0 &&
	      strstr(e.msg, "no key from zrecv"));
	/* zrecv's wait ends when zsend's end closes, and removes the key */
	close(p[1]);
	CHECK(handover_wait_taken(&recv, recv.key, 5000, NULL) == 1 && access(recv.key, F_OK) < 0);
	/* and zsend's wait ends when zrecv's end closes */
	int r[2];
	CHECK(pipe(r) == 0);
	struct handover lone;
	CHECK(handover_for_pipe(r[1], &lone, &e) == 0);
	close(r[0]);
	CHECK(handover_take_key(&lone, 0, 5000, NULL, &taken, &e) < 0 &&
	      strstr(e.msg, "zrecv has gone"));
	/* readiness, with -k */
	CHECK(handover_mark_ready(&recv, &e) == 0);
	CHECK(handover_take_ready(&send, since, 1000, NULL, &e) == 0 &&
	      access(recv.ready, F_OK) < 0);
	/* a pid nobody takes (a relay in zrecv's place) is removed by zsend's
	 * wait, which ends: no file stays behind */
	CHECK(access(send.pid, F_OK) == 0);
	CHECK(handover_wait_taken(&send, send.pid, 100, NULL) == 1 && access(send.pid, F_OK) < 0);
	CHECK(handover_take_pid(&recv) == 0);
	close(p[0]);
	close(q[0]);
	close(q[1]);
	close(r[1]);
}

/* At the key's name zsend finds a FIFO, a directory, a link, a key others
 * may read: each refused at once, naming it, never waited on. Each call
 * may wait 60 s: the four together must end long before one timeout (on
 * the monotonic clock), however slow the machine. */
void test_handover_refuses_what_is_planted(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	struct handover h;
	struct secret s;
	struct zerr e;
	CHECK(handover_for_pipe(p[1], &h, &e) == 0);
	unlink(h.key);
	CHECK(mkfifo(h.key, 0600) == 0);
	struct timespec t0, t1;
	CHECK(clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
	CHECK(handover_take_key(&h, 0, 60000, NULL, &s, &e) < 0 && strstr(e.msg, "a FIFO"));
	unlink(h.key);
	CHECK(mkdir(h.key, 0700) == 0);
	CHECK(handover_take_key(&h, 0, 60000, NULL, &s, &e) < 0 && strstr(e.msg, "a directory"));
	rmdir(h.key);
	CHECK(symlink("/etc/passwd", h.key) == 0);
	CHECK(handover_take_key(&h, 0, 60000, NULL, &s, &e) < 0 &&
	      strstr(e.msg, "a symbolic link"));
	unlink(h.key);
	int fd = open(h.key, O_WRONLY | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0 && write(fd, "00112233445566778899aabbccddeeff\n", 33) == 33);
	close(fd);
	chmod(h.key, 0644);
	CHECK(handover_take_key(&h, 0, 60000, NULL, &s, &e) < 0 && strstr(e.msg, "mode 0644"));
	unlink(h.key);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &t1) == 0);
	CHECK(t1.tv_sec - t0.tv_sec < 30);
	close(p[0]);
	close(p[1]);
}

void test_outfile_empties_only_when_committed(void)
{
	char path[64], fresh[80];
	snprintf(path, sizeof path, "/tmp/zscan-unit-out.%d", (int)getpid());
	snprintf(fresh, sizeof fresh, "%s.new", path);
	FILE *f = fopen(path, "w");
	CHECK(f && fputs("keep\n", f) >= 0 && fclose(f) == 0);
	struct outfile o, n;
	struct zerr e;
	/* opened, then abandoned: an existing file stays, a made one goes */
	CHECK(outfile_open(&o, path, &e) == 0 && outfile_open(&n, fresh, &e) == 0);
	CHECK(access(fresh, F_OK) == 0);
	outfile_abandon(&o);
	outfile_abandon(&n);
	struct stat st;
	CHECK(stat(path, &st) == 0 && st.st_size == 5 && access(fresh, F_OK) < 0);
	/* committed: emptied, written */
	CHECK(outfile_open(&o, path, &e) == 0 && outfile_commit(&o, &e) == 0);
	CHECK(fputs("new\n", o.f) >= 0 && fclose(o.f) == 0);
	CHECK(stat(path, &st) == 0 && st.st_size == 4);
	CHECK(outfile_open(&o, "/nonexistent/dir/x", &e) < 0 &&
	      strstr(e.msg, "/nonexistent/dir/x"));
	unlink(path);
}
