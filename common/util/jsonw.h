/* jsonw: writing one flat JSON object (scan metadata) to a stdio stream,
 * with string escaping, so callers list fields without punctuation. */
#ifndef ZSCAN_UTIL_JSONW_H
#define ZSCAN_UTIL_JSONW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct jsonw {
	FILE *f;
	int n; /* fields written */
};

void jsonw_begin(struct jsonw *w, FILE *f);
void jsonw_str(struct jsonw *w, const char *key, const char *val);
void jsonw_u64(struct jsonw *w, const char *key, uint64_t val);
void jsonw_num(struct jsonw *w, const char *key, double val);
void jsonw_bool(struct jsonw *w, const char *key, bool val);
/* An ISO 8601 UTC time with milliseconds, from a CLOCK_REALTIME reading. */
void jsonw_time(struct jsonw *w, const char *key, double epoch_seconds);
/* Closes the object and the line; returns -1 if the stream had an error. */
int jsonw_end(struct jsonw *w);

#endif
