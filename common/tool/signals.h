/* signals: a tool's stop signals (SIGINT, SIGTERM, SIGHUP), caught from
 * the first instant of main, before anything that can take time: a signal
 * to the pipeline's process group is then never lost by a stage still
 * setting up. They are caught even when the tool started with them
 * ignored (a background job of a script): every stage of a pipeline then
 * reacts alike. SIGPIPE is ignored: a closed output shows as a write error
 * the tool reports. For tools' main.c. */
#ifndef ZSCAN_TOOL_SIGNALS_H
#define ZSCAN_TOOL_SIGNALS_H

#include <signal.h>
#include <stddef.h>

/* flags: SA_RESTART or 0 (a blocking read or write is then interrupted,
 * so the tool sees the stop at once). */
static inline void signals_catch(void (*fn)(int), int flags)
{
	struct sigaction sa = {.sa_handler = fn, .sa_flags = flags};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

#endif
