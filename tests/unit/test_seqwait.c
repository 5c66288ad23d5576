/* Unit tests: the counter zfilter's two threads hand batches over with. */
#include <pthread.h>
#include <time.h>

#include "harness.h"
#include "util/seqwait.h"

void test_seqwait_hands_every_value_over(void);

#define ROUNDS 20000

struct pingpong {
	struct seqwait ping, pong;
	unsigned long seen[ROUNDS]; /* what the other thread wrote before each ping */
	unsigned long data;
};

/* Answers each ping with a pong, after reading what came with the ping. */
static void *ponger(void *arg)
{
	struct pingpong *pp = arg;
	for (unsigned long k = 1; k <= ROUNDS; k++) {
		seqwait_until(&pp->ping, k);
		pp->seen[k - 1] = pp->data;
		seqwait_advance(&pp->pong);
	}
	return NULL;
}

/* Every value arrives with what was written before it, and a waiter that
 * fell asleep (every 1000th round the pinger pauses 2 ms, longer than the
 * spin) is woken. */
void test_seqwait_hands_every_value_over(void)
{
	static struct pingpong pp;
	CHECK(seqwait_init(&pp.ping) == 0 && seqwait_init(&pp.pong) == 0);
	pthread_t t;
	CHECK(pthread_create(&t, NULL, ponger, &pp) == 0);
	for (unsigned long k = 1; k <= ROUNDS; k++) {
		if (k % 1000 == 0)
			nanosleep(&(struct timespec){0, 2000000}, NULL);
		pp.data = k * 3;
		seqwait_advance(&pp.ping);
		CHECK(seqwait_until(&pp.pong, k) == k);
	}
	pthread_join(t, NULL);
	for (unsigned long k = 1; k <= ROUNDS; k++)
		CHECKF(pp.seen[k - 1] == k * 3, "round %lu saw %lu", k, pp.seen[k - 1]);
	seqwait_destroy(&pp.ping);
	seqwait_destroy(&pp.pong);
}
