/* seqwait: spin, then sleep on a condition variable. */
#include "seqwait.h"

#include <errno.h>

/* About 20-50 us of polling on current x86 CPUs: longer than a batch of
 * rows takes to parse, far shorter than a live source's pauses. */
#define SPINS 20000

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
	for (int i = 0; i < SPINS; i++) {
		if ((v = seqwait_value(s)) >= n)
			return v;
		relax();
	}
	pthread_mutex_lock(&s->mu);
	atomic_fetch_add(&s->sleepers, 1);
	while ((v = atomic_load(&s->value)) < n)
		pthread_cond_wait(&s->cv, &s->mu);
	atomic_fetch_sub(&s->sleepers, 1);
	pthread_mutex_unlock(&s->mu);
	return v;
}
