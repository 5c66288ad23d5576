/* metadata: what was scanned and what came back, as one JSON object, for
 * --metadata. It never holds the key, only its fingerprint. */
#ifndef ZSCAN_ZRECV_METADATA_H
#define ZSCAN_ZRECV_METADATA_H

#include <stdio.h>

#include "recvscan.h"
#include "verdict.h"

/* Writes the object to f (the caller closes it); start and end are
 * CLOCK_REALTIME seconds. Returns -1 if writing failed. */
int zrecv_metadata_write(FILE *f, const struct recvscan_config *cfg,
                         const struct recvscan_stats *st, const struct verdict *v, double start,
                         double end);

#endif
