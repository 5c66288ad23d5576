/* outbuf: checked, buffered writes. */
#include "util/outbuf.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUTBUF_CAP (1u << 20)

static volatile sig_atomic_t *abandon;

/* per descriptor: the last byte written was no newline */
#define FOLLOWED_FDS 256
static atomic_bool torn[FOLLOWED_FDS];

#define WAKE_SIGNAL SIGURG
#define WAKE_SLOTS 8
enum { SLOT_FREE, SLOT_TAKEN, SLOT_READY };
static pthread_t wake_thread[WAKE_SLOTS];
static atomic_int wake_state[WAKE_SLOTS];

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

void write_full_abandon_on(volatile sig_atomic_t *flag)
{
	abandon = flag;
}

void write_full_wake(void)
{
	for (int i = 0; i < WAKE_SLOTS; i++)
		if (atomic_load_explicit(&wake_state[i], memory_order_acquire) == SLOT_READY)
			pthread_kill(wake_thread[i], WAKE_SIGNAL);
}

static void on_wake(int sig)
{
	(void)sig; /* only to interrupt a write */
}

int write_full_wakeable(void)
{
	struct sigaction sa = {.sa_handler = on_wake}; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(WAKE_SIGNAL, &sa, NULL);
	for (int i = 0; i < WAKE_SLOTS; i++) {
		int free_slot = SLOT_FREE;
		if (!atomic_compare_exchange_strong(&wake_state[i], &free_slot, SLOT_TAKEN))
			continue;
		wake_thread[i] = pthread_self();
		atomic_store_explicit(&wake_state[i], SLOT_READY, memory_order_release);
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, WAKE_SIGNAL);
		pthread_sigmask(SIG_UNBLOCK, &s, NULL);
		return i;
	}
	return -1;
}

void write_full_unwakeable(int slot)
{
	if (slot < 0)
		return;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, WAKE_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	atomic_store_explicit(&wake_state[slot], SLOT_FREE, memory_order_release);
}

bool write_full_ends_line(int fd)
{
	return fd >= 0 && fd < FOLLOWED_FDS &&
	       !atomic_load_explicit(&torn[fd], memory_order_relaxed);
}

/* Once the stop gives up waiting: how much of the n bytes at c to write
 * now, without waiting; 0 when fd cannot take more at once. A pipe takes
 * PIPE_BUF bytes without waiting when poll says it can take any, so a
 * pipe or socket gets pieces of that size, cut after a newline if there
 * is one; an error or a reader gone is left for the write to tell. */
static size_t writable_now(int fd, const char *c, size_t n)
{
	struct pollfd pf = {.fd = fd, .events = POLLOUT};
	if (poll(&pf, 1, 0) != 1)
		return 0;
	struct stat st;
	if (!(pf.revents & (POLLERR | POLLHUP | POLLNVAL)) && fstat(fd, &st) == 0 &&
	    (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
		return n;
	if (n <= PIPE_BUF)
		return n;
	const char *nl = memrchr(c, '\n', PIPE_BUF);
	return nl ? (size_t)(nl - c) + 1 : PIPE_BUF;
}

int write_full(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		size_t k = n;
		if (abandon && *abandon && (k = writable_now(fd, c, n)) == 0) {
			errno = ECANCELED;
			return -1;
		}
		ssize_t w = write(fd, c, k);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w > 0 && fd >= 0 && fd < FOLLOWED_FDS)
			atomic_store_explicit(&torn[fd], c[w - 1] != '\n', memory_order_relaxed);
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
