/* outbuf: buffered output to a file descriptor with every write checked, so
 * a full disk or a closed pipe is an error the tool reports, never a silent
 * exit 0. */
#ifndef ZSCAN_UTIL_OUTBUF_H
#define ZSCAN_UTIL_OUTBUF_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct outbuf {
	int fd;
	char *buf;
	size_t len, cap;
};

/* write(2) until all n bytes are out, retrying on EINTR. -1 with errno set
 * (ECANCELED: given up, see below; what went out of the n bytes stays
 * out). */
int write_full(int fd, const void *p, size_t n);

/* A stop that waits for no reader. A tool's stop handler sets *flag on a
 * second, deliberate stop request (tool/signals.h); from then on
 * write_full gives up (ECANCELED) instead of waiting: a write the signal
 * interrupted is not retried, and a pipe or socket that cannot take more
 * at once is not waited on. Output that can be written at once still is
 * (a file, a reader that keeps up), in pieces that end on a newline where
 * one is near. For this to interrupt a write, the signal's handler must
 * be installed without SA_RESTART (a write with nothing written yet would
 * otherwise be restarted in the kernel), and a thread that writes with
 * the stop signals blocked (util/quietthread.h) must be registered with
 * write_full_wakeable. A request that comes in the instant between the
 * check and the write is only seen by the next one. NULL: never give up
 * (the default). One flag for the process. */
void write_full_abandon_on(volatile sig_atomic_t *flag);

/* For the handler, once it has set the flag: interrupts the writes of the
 * threads made wakeable, with SIGURG (their handler does nothing; one from
 * outside is harmless). Async-signal-safe. */
void write_full_wake(void);

/* The calling thread, whose stop signals are blocked, may block in
 * write_full: lets write_full_wake interrupt it (unblocks SIGURG in it).
 * Returns a slot for write_full_unwakeable, -1 if all are taken (the
 * thread then waits out its writes). */
int write_full_wakeable(void);

/* Before a wakeable thread ends (it is joined, not detached). */
void write_full_unwakeable(int slot);

/* Whether what write_full has written to descriptor fd ends with a newline
 * (or nothing was written): output of lines that was cut holds whole lines
 * only. False for descriptors above 255, which are not followed. */
bool write_full_ends_line(int fd);

int outbuf_init(struct outbuf *o, int fd);
void outbuf_free(struct outbuf *o);

/* Writes out what is buffered. Returns -1 with errno set on failure. */
int outbuf_flush(struct outbuf *o);

/* outbuf_put's way when the n bytes do not fit in what is left: flushes, and
 * writes bytes that could never fit (a value of a line over 1 MiB) straight
 * through. */
int outbuf_put_long(struct outbuf *o, const void *p, size_t n);

/* Appends n bytes, of any length. Returns -1 on write failure. */
static inline int outbuf_put(struct outbuf *o, const void *p, size_t n)
{
	if (o->cap - o->len < n)
		return outbuf_put_long(o, p, n);
	memcpy(o->buf + o->len, p, n);
	o->len += n;
	return 0;
}

#endif
