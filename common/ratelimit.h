/* ratelimit: holds a send rate exactly over time. Packet k is due at
 * start + k / rate: scheduling by count, not by the gap since the last send,
 * means errors never accumulate (no drift). A sender that falls behind (a
 * late wakeup, a busy CPU) catches up at no more than twice the rate, so
 * batches never go out back to back: each is at least half a batch interval
 * after the last. One that falls more than 10 ms behind moves the schedule
 * instead. Waits of more than 200 us sleep; shorter ones spin, since sleeps
 * overshoot. */
#ifndef ZSCAN_RATELIMIT_H
#define ZSCAN_RATELIMIT_H

#include <stdint.h>
#include <time.h>

struct ratelimit {
	double rate; /* packets per second; 0 = unlimited */
	uint64_t start_ns;
	uint64_t scheduled; /* packets accounted for since start_ns */
	uint64_t last_ns;   /* when the last batch was let go */
};

static inline uint64_t ratelimit_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void ratelimit_init(struct ratelimit *rl, double rate)
{
	rl->rate = rate;
	rl->start_ns = ratelimit_now_ns();
	rl->scheduled = 0;
	rl->last_ns = 0;
}

/* Waits until the next n packets may go (they leave together: n is a batch). */
static inline void ratelimit_wait(struct ratelimit *rl, uint64_t n)
{
	if (rl->rate <= 0)
		return;
	uint64_t due = rl->start_ns + (uint64_t)((double)rl->scheduled * 1e9 / rl->rate);
	uint64_t now = ratelimit_now_ns();
	if (now > due + 10000000u) { /* behind by > 10 ms: re-anchor, don't burst */
		rl->start_ns = now;
		rl->scheduled = 0;
		due = now;
	}
	/* behind: catch up, but at most at twice the rate */
	uint64_t half = (uint64_t)((double)n * 0.5e9 / rl->rate);
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
	rl->scheduled += n;
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
