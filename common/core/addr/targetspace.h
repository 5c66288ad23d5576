/* targetspace: the addresses a tool scans or filters with, of both
 * families, built from the user's options the same way in every tool:
 *   - allow entries (-w FILE and arguments: CIDRs, IPv6 prefixes, IPv6
 *     prefix slices P/len-slice): when there are any, only they are
 *     allowed; otherwise all of IPv4 is (and, for filtering, all of IPv6,
 *     though zgen scans none of it: IPv6 is too large to scan whole);
 *   - then the blocklist is painted over them and wins: -b FILE (which
 *     holds both families, or either), or by default the installed lists,
 *     blocklist.conf and blocklist6.conf in the configuration directory
 *     (targetspace_confdir), each replaced by the copy built in (from
 *     conf/) when it is absent.
 * IPv4 lives in the constraint tree, IPv6 in an ip6set. The scan's index
 * order: every allowed IPv4 address (constraint order), then IPv6
 * (ip6set order). */
#ifndef ZSCAN_CORE_TARGETSPACE_H
#define ZSCAN_CORE_TARGETSPACE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr/constraint.h"
#include "core/addr/ip6set.h"
#include "core/addr/ipaddr.h"
#include "core/addr/listfile.h"
#include "util/zerr.h"

/* A prefix slice's address in each slice, unless --iid says: ::1, the
 * address a router or server most often has in its subnet. */
#define TARGETSPACE_IID_DEFAULT ((struct ipaddr){0, 1})

/* Where the installed lists are: $ZSCAN_SYSCONFDIR if it is an absolute
 * path, else the build's (/etc/zscan unless the Makefile says). */
#ifndef ZSCAN_SYSCONFDIR
#define ZSCAN_SYSCONFDIR "/etc/zscan"
#endif
const char *targetspace_confdir(void);

/* The path of the installed default list (0: blocklist.conf, 1:
 * blocklist6.conf) in path, and whether it is there. */
bool targetspace_default_list(int which, char *path, size_t size);

struct targetspace_opts {
	const char *blocklist; /* NULL: the default lists (see above) */
	const char *allowlist; /* NULL: none */
	char *const *cidrs;    /* allow entries given as arguments */
	int ncidrs;
	struct ipaddr iid; /* for prefix slices: the bits below the slice */
};

struct targetspace {
	struct constraint *v4;
	struct ip6set v6;
	bool v6_all; /* no allow entries: IPv6 not blocked is allowed (for filters) */
};

/* Returns a finished target space, or NULL with e set. st (may be NULL)
 * receives what the list files held. */
struct targetspace *targetspace_build(const struct targetspace_opts *o, struct listfile_stats *st,
                                      struct zerr *e);
void targetspace_free(struct targetspace *t);

/* Targets a scan of it has: allowed IPv4 addresses, then IPv6 ones. */
static inline uint64_t targetspace_count(const struct targetspace *t)
{
	return constraint_count(t->v4) + ip6set_count(&t->v6);
}

/* Whether an address of either family may be probed. */
static inline bool targetspace_allowed(const struct targetspace *t, struct ipaddr a)
{
	if (ipaddr_is_v4(a))
		return constraint_allowed(t->v4, ipaddr_v4(a));
	if (ip6set_blocked(&t->v6, a))
		return false;
	return t->v6_all || ip6set_contains(&t->v6, a);
}

#endif
