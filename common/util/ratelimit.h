/* ratelimit: holds a send rate exactly over time. Packet k is due at
 * start + k / rate: scheduling by count, not by the gap since the last send,
 * means errors never accumulate (no drift). A sender that falls behind (a
 * late wakeup, a busy CPU) catches up at no more than twice the rate, so
 * batches never go out back to back: each is at least half a batch interval
 * after the last. One that falls more than 10 ms behind moves the schedule
 * instead. Sender threads share one schedule (struct ratesched). Waits of
 * more than 200 us sleep; shorter ones spin, since sleeps overshoot. */
#ifndef ZSCAN_UTIL_RATELIMIT_H
#define ZSCAN_UTIL_RATELIMIT_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

/* The schedule: packet k is due at start_ns + k / rate. Sender threads
 * share one, each claiming the next slots when its batch is ready, so a
 * thread that falls behind (its CPU shared with zgen, or with the
 * receiving side's softirqs) leaves its share to the others instead of
 * losing it: with a schedule each, at 1 M/s on two threads that each
 * managed a little over 500k, one short thread cost 3-4% of the rate. */
struct ratesched {
	double rate; /* packets per second; 0 = unlimited */
	_Atomic uint64_t start_ns;
	_Atomic uint64_t scheduled; /* packets claimed since start_ns */
};

/* One sender's view of a schedule. */
struct ratelimit {
	struct ratesched *sched; /* shared, or own */
	struct ratesched own;
	double share;     /* this sender's part of the rate: the spacing rule */
	uint64_t last_ns; /* when this sender's last batch was let go */
};

static inline uint64_t ratelimit_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void ratesched_init(struct ratesched *s, double rate)
{
	s->rate = rate;
	atomic_init(&s->start_ns, ratelimit_now_ns());
	atomic_init(&s->scheduled, 0);
}

/* A sender with a schedule of its own. */
static inline void ratelimit_init(struct ratelimit *rl, double rate)
{
	ratesched_init(&rl->own, rate);
	rl->sched = &rl->own;
	rl->share = rate;
	rl->last_ns = 0;
}

/* One of `senders` threads on the schedule s. */
static inline void ratelimit_init_shared(struct ratelimit *rl, struct ratesched *s,
                                         unsigned senders)
{
	rl->sched = s;
	rl->share = s->rate / senders;
	rl->last_ns = 0;
}

/* Waits until the next n packets may go (they leave together: n is a batch). */
static inline void ratelimit_wait(struct ratelimit *rl, uint64_t n)
{
	struct ratesched *s = rl->sched;
	if (s->rate <= 0)
		return;
	uint64_t k = atomic_fetch_add_explicit(&s->scheduled, n, memory_order_relaxed);
	uint64_t offset = (uint64_t)((double)k * 1e9 / s->rate);
	uint64_t due = atomic_load_explicit(&s->start_ns, memory_order_relaxed) + offset;
	uint64_t now = ratelimit_now_ns();
	if (now > due + 10000000u) { /* behind by > 10 ms: move the schedule, don't burst */
		atomic_store_explicit(&s->start_ns, now - offset, memory_order_relaxed);
		due = now;
	}
	/* behind: catch up, but at most at twice this sender's share */
	uint64_t half = (uint64_t)((double)n * 0.5e9 / rl->share);
	if (rl->last_ns && due < rl->last_ns + half)
		due = rl->last_ns + half;
	while (now < due) {
		uint64_t left = due - now;
		if (left > 200000) {
			uint64_t ns = left - 100000;
			struct timespec ts = {(time_t)(ns / 1000000000u), (long)(ns % 1000000000u)};
			nanosleep(&ts, NULL);
		}
		now = ratelimit_now_ns();
	}
	rl->last_ns = now;
}

/* The batch size that keeps bursts under ~1 ms at this rate (1..max). */
static inline unsigned ratelimit_batch(double rate, unsigned max)
{
	if (rate <= 0)
		return max;
	double b = rate / 1000;
	return b < 1 ? 1 : b > max ? max : (unsigned)b;
}

#endif
