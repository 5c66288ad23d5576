/* metadata: the scan's parameters and counts as one JSON object, for
 * --metadata. It never holds the key, only its fingerprint. */
#ifndef ZSCAN_ZSEND_METADATA_H
#define ZSCAN_ZSEND_METADATA_H

#include <stdio.h>

#include "sendscan.h"

/* Writes the object to f (the caller closes it); start and end are
 * CLOCK_REALTIME seconds. Returns -1 if writing failed. */
int zsend_metadata_write(FILE *f, const struct sendscan_config *cfg, const char *probe_args,
                         const struct sendscan_stats *st, double start, double end);

#endif
