/* harness: the unit tests' tiny framework. A test is a void function; CHECK
 * records the first failed condition and returns from it. */
#ifndef ZSCAN_HARNESS_H
#define ZSCAN_HARNESS_H

#include <stdio.h>

struct harness {
	int failed; /* set by CHECK in the running test */
};

extern struct harness harness_state;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__,       \
			        #cond);                                                            \
			harness_state.failed = 1;                                                  \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECKF(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "    %s:%d: CHECK(%s) failed: ", __FILE__, __LINE__,       \
			        #cond);                                                            \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
			harness_state.failed = 1;                                                  \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#endif
