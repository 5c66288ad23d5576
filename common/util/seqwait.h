/* seqwait: a counter one thread advances and another waits on. It hands
 * work between two threads a batch at a time: the waiter spins a little
 * first, since the next batch is usually microseconds away and a sleep and
 * wake-up costs more than that, then sleeps so that an idle stage (a filter
 * behind a live scan) leaves its CPU to the rest of the pipeline. */
#ifndef ZSCAN_UTIL_SEQWAIT_H
#define ZSCAN_UTIL_SEQWAIT_H

#include <pthread.h>
#include <stdatomic.h>

struct seqwait {
	_Alignas(64) atomic_ulong value; /* a cache line of its own */
	atomic_int sleepers;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* 0, or -1 with errno set. */
int seqwait_init(struct seqwait *s);
void seqwait_destroy(struct seqwait *s);

/* Adds one. What the caller wrote before is visible to a thread that has
 * seen the new value. */
void seqwait_advance(struct seqwait *s);

/* Returns the value once it is at least n. */
unsigned long seqwait_until(struct seqwait *s, unsigned long n);

/* The value now (what the advancing thread wrote before it is visible). */
static inline unsigned long seqwait_value(struct seqwait *s)
{
	return atomic_load_explicit(&s->value, memory_order_acquire);
}

#endif
