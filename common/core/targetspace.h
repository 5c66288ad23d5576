/* targetspace: the constraint set a tool scans or filters with, built from the
 * user's options the same way in every tool:
 *   - allow entries (-w FILE and CIDR arguments): when there are any, only
 *     they are allowed; otherwise everything is;
 *   - then the blocklist is painted over them and wins: the built-in default
 *     (conf/blocklist.conf) unless -b FILE names another. */
#ifndef ZSCAN_CORE_TARGETSPACE_H
#define ZSCAN_CORE_TARGETSPACE_H

#include "core/constraint.h"
#include "core/listfile.h"
#include "util/zerr.h"

struct targetspace_opts {
	const char *blocklist; /* NULL: the built-in default list */
	const char *allowlist; /* NULL: none */
	char *const *cidrs;    /* allow entries given as arguments */
	int ncidrs;
};

/* Returns a finished constraint, or NULL with e set. st (may be NULL)
 * receives what the list files held, e.g. IPv6 entries skipped. */
struct constraint *targetspace_build(const struct targetspace_opts *o, struct listfile_stats *st,
                                     struct zerr *e);

#endif
