/* numparse: strict, bounded decimal parsing for option values.
 * No signs, no spaces, no trailing junk: "-5", "5x" and "" are all errors. */
#ifndef ZSCAN_UTIL_NUMPARSE_H
#define ZSCAN_UTIL_NUMPARSE_H

#include <stdint.h>

#include "util/zerr.h"

/* Parses s into *out within [min, max]. On error names `what` and the text in e. */
int parse_u64(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
              struct zerr *e);

/* Parses "first-last" (1-65535, first <= last), naming `what` in errors. */
int parse_port_range(const char *s, const char *what, uint16_t *first, uint16_t *last,
                     struct zerr *e);

#endif
