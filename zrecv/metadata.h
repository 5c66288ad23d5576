/* metadata: what was scanned and what came back, as one JSON object, for
 * --metadata. It never holds the key, only its fingerprint. */
#ifndef ZSCAN_ZRECV_METADATA_H
#define ZSCAN_ZRECV_METADATA_H

#include <stdio.h>

#include "recvscan.h"

/* Writes the object and closes f; start and end are CLOCK_REALTIME
 * seconds. Returns -1 if writing or closing failed. */
int zrecv_metadata_write(FILE *f, const struct recvscan_config *cfg,
                         const struct recvscan_stats *st, double start, double end);

#endif
