/* ratelimit: after a stall, a sender catches up, but batches never leave
 * closer together than half an interval. Only lower bounds on the gaps are
 * checked, between the times the limiter let each batch go (its last_ns):
 * they hold however slow the machine is, and however late the test's own
 * thread runs after a batch is let go. */
#include <time.h>

#include "harness.h"
#include "util/ratelimit.h"

static void stall_ms(unsigned ms)
{
	uint64_t end = ratelimit_now_ns() + (uint64_t)ms * 1000000u;
	while (ratelimit_now_ns() < end)
		;
}

void test_ratelimit_catches_up_without_bursts(void)
{
	const unsigned stalls[] = {6, 15}; /* behind by less, and more, than 10 ms */
	for (unsigned s = 0; s < 2; s++) {
		struct ratelimit rl;
		ratelimit_init(&rl, 2000); /* one packet every 500 us */
		ratelimit_wait(&rl, 1);
		stall_ms(stalls[s]);
		uint64_t last = 0;
		for (int i = 0; i < 30; i++) {
			ratelimit_wait(&rl, 1);
			uint64_t now = rl.last_ns;
			if (i > 0)
				CHECKF(now - last >= 250000,
				       "stall %u ms: packet %d left %llu ns after "
				       "the last (half an interval is 250000)",
				       stalls[s], i, (unsigned long long)(now - last));
			last = now;
		}
	}
}

void test_ratelimit_batches_keep_the_rate(void)
{
	struct ratelimit rl;
	ratelimit_init(&rl, 100000); /* batches of 10: one every 100 us */
	uint64_t t0 = ratelimit_now_ns();
	for (int i = 0; i < 100; i++)
		ratelimit_wait(&rl, 10);
	/* 100 batches: the last is due 99 intervals after the first */
	CHECK(ratelimit_now_ns() - t0 >= 99 * 100000u - 1000);
}

void test_ratelimit_shared_schedule_in_order(void);

/* Two senders on one schedule claim its slots in turn: whichever sender a
 * batch goes through, batch k leaves no earlier than k intervals of the
 * whole rate after the start, and one sender alone on a two-sender
 * schedule (the other stalled) may take the whole rate but no more. */
void test_ratelimit_shared_schedule_in_order(void)
{
	struct ratesched s;
	ratesched_init(&s, 100000); /* batches of 10: one every 100 us in all */
	struct ratelimit a, b;
	ratelimit_init_shared(&a, &s, 2);
	ratelimit_init_shared(&b, &s, 2);
	uint64_t t0 = atomic_load(&s.start_ns);
	for (int k = 0; k < 40; k++) {
		ratelimit_wait(k % 2 ? &b : &a, 10);
		uint64_t now = ratelimit_now_ns();
		CHECKF(now >= t0 + (uint64_t)k * 100000u, "batch %d left %llu ns after the start",
		       k, (unsigned long long)(now - t0));
	}
	CHECK(atomic_load(&s.scheduled) == 400);
	/* a alone: the whole rate is one batch every 100 us, and no faster:
	 * batch k takes the schedule's slot 40 + k, never before its time
	 * (after a late batch the next may follow sooner, catching up) */
	uint64_t last = 0;
	for (int k = 0; k < 20; k++) {
		ratelimit_wait(&a, 10);
		uint64_t now = ratelimit_now_ns();
		CHECKF(now >= t0 + (uint64_t)(40 + k) * 100000u,
		       "batch %d alone left %llu ns after the start", k,
		       (unsigned long long)(now - t0));
		last = now;
	}
	CHECK(atomic_load(&s.scheduled) == 600);
	CHECK(last - t0 >= 59 * 100000u);
}
