/* signals: a tool's stop signals (SIGINT, SIGTERM, SIGHUP), caught from
 * the first instant of main, before anything that can take time: a signal
 * to the pipeline's process group is then never lost by a stage still
 * setting up. They are caught even when the tool started with them
 * ignored (a background job of a script): every stage of a pipeline then
 * reacts alike. SIGPIPE is ignored: a closed output shows as a write error
 * the tool reports. For tools' main.c.
 *
 * The three signals mean the same: a request to stop. Signals that come
 * together are one request: a closed terminal sends SIGHUP to the
 * foreground job and the shell sends it again to its jobs; GNU timeout
 * signals its child and then its own process group; systemd sends
 * SIGTERM and SIGHUP at once. Only a signal a second or more after the
 * first is a second, deliberate request. */
#ifndef ZSCAN_TOOL_SIGNALS_H
#define ZSCAN_TOOL_SIGNALS_H

#include <signal.h>
#include <stddef.h>
#include <time.h>

/* Signals closer than this to the first request are the same request. */
#define SIGNALS_SAME_REQUEST_NS 1000000000LL

/* flags: SA_RESTART or 0 (a blocking read or write is then interrupted,
 * so the tool sees the stop at once). The handler runs with the three
 * blocked, so that it never runs nested. */
static inline void signals_catch(void (*fn)(int), int flags)
{
	struct sigaction sa = {.sa_handler = fn, .sa_flags = flags};
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaddset(&sa.sa_mask, SIGHUP);
	sigaddset(&sa.sa_mask, SIGUSR1);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* For a handler: counts stop requests in *n, 1 for the first, 2 from a
 * second, deliberate one (see above). Async-signal-safe (clock_gettime
 * is). */
static inline void signals_count_request(volatile sig_atomic_t *n)
{
	static struct timespec first;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (*n == 0) {
		first = now;
		*n = 1;
	} else if (*n == 1 &&
	           (now.tv_sec - first.tv_sec) * 1000000000LL + (now.tv_nsec - first.tv_nsec) >=
	               SIGNALS_SAME_REQUEST_NS) {
		*n = 2;
	}
}

#endif
