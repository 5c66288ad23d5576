/* ports: port lists such as "80,443,8000-8100" or "*" (all 65536).
 * Stored sorted and de-duplicated; the scan permutes (address, port-index). */
#ifndef ZSCAN_CORE_PORTS_H
#define ZSCAN_CORE_PORTS_H

#include <stdint.h>

#include "util/zerr.h"

struct ports {
	uint32_t n;      /* number of distinct ports, 0 for "no port" */
	uint16_t *ports; /* ascending */
};

/* Parses a list; errors name the offending item. */
int ports_parse(const char *s, struct ports *out, struct zerr *e);
void ports_free(struct ports *p);

#endif
