/* seqwait: spin, then sleep on a condition variable. */
#include "util/seqwait.h"

#include <errno.h>
#include <time.h>

/* Polling this long is longer than a batch of rows takes to parse, and
 * far shorter than a live source's pauses. It is timed: what a pause
 * instruction costs differs tenfold between CPUs. */
#define SPIN_NS 50000

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

int seqwait_init(struct seqwait *s)
{
	atomic_init(&s->value, 0);
	atomic_init(&s->sleepers, 0);
	int rc = pthread_mutex_init(&s->mu, NULL);
	if (rc == 0 && (rc = pthread_cond_init(&s->cv, NULL)) != 0)
		pthread_mutex_destroy(&s->mu);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	return 0;
}

void seqwait_destroy(struct seqwait *s)
{
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
}

/* The store of the value and the load of sleepers are both sequentially
 * consistent, as are the waiter's increment of sleepers and its load of
 * the value: so either the waiter sees the new value before it sleeps, or
 * the advancer sees the sleeper and wakes it under the mutex, which the
 * waiter holds from its last check until it sleeps. */
void seqwait_advance(struct seqwait *s)
{
	atomic_fetch_add(&s->value, 1);
	if (atomic_load(&s->sleepers)) {
		pthread_mutex_lock(&s->mu);
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
}

unsigned long seqwait_until(struct seqwait *s, unsigned long n)
{
	unsigned long v;
	long long until = 0;
	for (unsigned i = 0;; i++) {
		if ((v = seqwait_value(s)) >= n)
			return v;
		relax();
		if (i % 64 == 0) {
			long long t = now_ns();
			if (!until)
				until = t + SPIN_NS;
			else if (t > until)
				break;
		}
	}
	pthread_mutex_lock(&s->mu);
	atomic_fetch_add(&s->sleepers, 1);
	while ((v = atomic_load(&s->value)) < n)
		pthread_cond_wait(&s->cv, &s->mu);
	atomic_fetch_sub(&s->sleepers, 1);
	pthread_mutex_unlock(&s->mu);
	return v;
}
