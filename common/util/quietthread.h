/* quietthread: worker threads that take no signals. A tool's stop (SIGINT,
 * SIGTERM, SIGHUP) sets a flag and must also interrupt the main thread's
 * blocking read or write (the handlers are installed without SA_RESTART);
 * Linux gives a process-wide signal to any thread that does not block it,
 * so the workers block them all. */
#ifndef ZSCAN_UTIL_QUIETTHREAD_H
#define ZSCAN_UTIL_QUIETTHREAD_H

#include <pthread.h>
#include <signal.h>

/* pthread_create for a thread with every signal blocked; returns its
 * result (0 or an error number). */
static inline int quietthread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

#endif
