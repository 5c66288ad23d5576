/* signals: a tool's stop signals (SIGINT, SIGTERM, SIGHUP), caught from
 * the first instant of main, before anything that can take time: a signal
 * to the pipeline's process group is then never lost by a stage still
 * setting up. SIGINT and SIGTERM are caught even when the tool started
 * with them ignored (a background job of a script ignores SIGINT): every
 * stage of a pipeline then reacts alike. SIGHUP started ignored stays
 * ignored: that is nohup's request, that the run outlive its terminal.
 * SIGPIPE is ignored: a closed output shows as a write error the tool
 * reports. SIGUSR1, if its action is still the default, is ignored: it is
 * no stop request (a habit from dd, or sent to a whole group), and its
 * default would end the tool without a word (zsend installs its own
 * handler after this). For tools' main.c.
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

/* Ignores sig if its action is the default one: a handler installed
 * before, or an ignored signal, stays as it is. */
static inline void signals_ignore_if_default(int sig)
{
	struct sigaction old;
	if (sigaction(sig, NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) &&
	    old.sa_handler == SIG_DFL)
		signal(sig, SIG_IGN);
}

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
	struct sigaction hup;
	if (sigaction(SIGHUP, NULL, &hup) != 0 || (hup.sa_flags & SA_SIGINFO) ||
	    hup.sa_handler != SIG_IGN) /* nohup: left ignored */
		sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signals_ignore_if_default(SIGUSR1);
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
