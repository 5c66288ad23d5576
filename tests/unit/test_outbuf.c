/* Unit tests: write_full's stop that waits for no reader (util/outbuf.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "util/outbuf.h"

static volatile sig_atomic_t give_up;

/* Fills the pipe's write end w until it takes no more; returns the bytes. */
static size_t fill_pipe(int w)
{
	static const char line[] = "0123456789abcde\n";
	size_t n = 0;
	fcntl(w, F_SETFL, fcntl(w, F_GETFL) | O_NONBLOCK);
	while (write(w, line, 16) == 16)
		n += 16;
	fcntl(w, F_SETFL, fcntl(w, F_GETFL) & ~O_NONBLOCK);
	return n;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void test_write_full_gives_up_once_asked(void);

/* Without the flag every byte is written, and whether the output ends on
 * a whole line is followed per descriptor. With it set, a pipe nobody
 * reads fails at once (ECANCELED) instead of blocking, and one with room
 * takes what fits, in pieces cut after a newline, so the cut output
 * still ends on a whole line; a regular file takes everything. */
void test_write_full_gives_up_once_asked(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	give_up = 0;
	write_full_abandon_on(&give_up);
	CHECK(write_full(p[1], "ab\n", 3) == 0 && write_full_ends_line(p[1]));
	CHECK(write_full(p[1], "cd", 2) == 0 && !write_full_ends_line(p[1]));
	CHECK(write_full(p[1], "\n", 1) == 0 && write_full_ends_line(p[1]));
	CHECK(!write_full_ends_line(300)); /* not followed: not known whole */
	char buf[8];
	CHECK(read(p[0], buf, sizeof buf) == 6);
	/* asked to give up: a full pipe fails at once */
	fill_pipe(p[1]);
	give_up = 1;
	double t0 = now_s();
	errno = 0;
	CHECK(write_full(p[1], "xy\n", 3) == -1 && errno == ECANCELED);
	CHECK(now_s() - t0 < 5);
	close(p[0]);
	close(p[1]);
	/* an empty pipe takes what fits: 300,000 bytes of lines of 10 */
	CHECK(pipe(p) == 0);
	size_t len = 300000;
	char *text = malloc(len);
	for (size_t i = 0; i < len; i += 10)
		memcpy(text + i, "line12345\n", 10);
	text[len - 3] = 'Z'; /* the lines differ in no way but the last */
	errno = 0;
	CHECK(write_full(p[1], text, len) == -1 && errno == ECANCELED);
	CHECK(write_full_ends_line(p[1]));
	char *got = malloc(len);
	size_t n = 0;
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (ssize_t r; (r = read(p[0], got + n, len - n)) > 0;)
		n += (size_t)r;
	CHECKF(n > 0 && n < len && got[n - 1] == '\n' && memcmp(got, text, n) == 0,
	       "%zu bytes in the pipe", n);
	close(p[0]);
	close(p[1]);
	/* a file is never waited on: all of it */
	FILE *tmp = tmpfile();
	CHECK(tmp && write_full(fileno(tmp), text, len) == 0);
	CHECK(lseek(fileno(tmp), 0, SEEK_CUR) == (off_t)len);
	fclose(tmp);
	free(got);
	free(text);
	write_full_abandon_on(NULL);
	give_up = 0;
}

static void on_alarm_give_up(int sig)
{
	(void)sig;
	give_up = 1;
}

struct blocked_writer {
	int fd, rc, err;
	char *text;
	size_t len;
	volatile int done;
};

static void *write_with_signals_blocked(void *arg)
{
	struct blocked_writer *bw = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, NULL); /* as a quietthread */
	int slot = write_full_wakeable();
	bw->rc = write_full(bw->fd, bw->text, bw->len);
	bw->err = errno;
	write_full_unwakeable(slot);
	__atomic_store_n(&bw->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

void test_write_full_blocked_write_given_up(void);

/* A write blocked on a pipe nobody reads: a signal (handler without
 * SA_RESTART) that sets the flag ends it, ECANCELED, with what went out
 * left out; in a thread that blocks the stop signals, write_full_wake
 * reaches it. The signals come every 200 ms until it ends, so one comes
 * while it is blocked however slowly it starts. */
void test_write_full_blocked_write_given_up(void)
{
	size_t len = 4u << 20;
	char *text = malloc(len);
	memset(text, 'q', len);
	int p[2];
	CHECK(pipe(p) == 0);
	give_up = 0;
	write_full_abandon_on(&give_up);
	struct sigaction sa = {.sa_handler = on_alarm_give_up}, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	struct itimerval every = {{0, 200000}, {0, 200000}}, none = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &every, NULL);
	errno = 0;
	int rc = write_full(p[1], text, len);
	int err = errno;
	setitimer(ITIMER_REAL, &none, NULL);
	sigaction(SIGALRM, &old, NULL);
	CHECKF(rc == -1 && err == ECANCELED, "rc %d, errno %d", rc, err);
	close(p[0]);
	close(p[1]);
	/* the same in a thread with every signal blocked */
	CHECK(pipe(p) == 0);
	give_up = 0;
	struct blocked_writer bw = {.fd = p[1], .text = text, .len = len};
	pthread_t t;
	CHECK(pthread_create(&t, NULL, write_with_signals_blocked, &bw) == 0);
	double deadline = now_s() + 60;
	struct timespec pause = {0, 200000000};
	while (!__atomic_load_n(&bw.done, __ATOMIC_ACQUIRE) && now_s() < deadline) {
		nanosleep(&pause, NULL);
		give_up = 1;
		write_full_wake();
	}
	bool done = __atomic_load_n(&bw.done, __ATOMIC_ACQUIRE);
	if (!done) { /* let it end, so that the test can fail */
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		char sink[65536];
		while (!__atomic_load_n(&bw.done, __ATOMIC_ACQUIRE))
			if (read(p[0], sink, sizeof sink) <= 0)
				nanosleep(&pause, NULL);
	}
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
	free(text);
	write_full_abandon_on(NULL);
	give_up = 0;
	CHECKF(done && bw.rc == -1 && bw.err == ECANCELED, "done %d, rc %d, errno %d", done, bw.rc,
	       bw.err);
}
