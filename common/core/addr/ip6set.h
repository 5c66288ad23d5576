/* ip6set: the IPv6 part of a scan's target space, as zgen permutes it.
 * IPv6 is far too large for a tree over the whole space, and what is
 * scanned is sparse: hitlists of single addresses, small prefixes
 * (2001:db8::/120), and prefix slices in XMap's manner (2001:db8::/32-48:
 * every /48 of the /32, one address in each, with a chosen interface
 * identifier). So the set is kept as
 *   - singles: the /128 entries, sorted (16 bytes each: a hitlist of ten
 *     million addresses is 160 MB);
 *   - runs: address ranges (prefixes, merged where they overlap), and
 *     slices (start + i * 2^shift for i below a count), each with the count
 *     of targets before it, so that the i-th target is a binary search.
 * Blocked prefixes are taken out of every part when the set is finished,
 * so that, as for IPv4, every index 0..count-1 is one allowed target. The
 * index order: singles (ascending), then ranges, then slices, each in the
 * order they start. A set may be as large as IPv6 for membership (a
 * filter's allowlist), but zgen permutes at most IP6SET_MAX targets: a set
 * past that is "huge", and names the entry that made it so. */
#ifndef ZSCAN_CORE_IP6SET_H
#define ZSCAN_CORE_IP6SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr/ipaddr.h"
#include "util/zerr.h"

#define IP6SET_MAX ((uint64_t)1 << 48)

/* start + i * 2^shift, for i below count. A range has shift 0. */
struct ip6run {
	struct ipaddr start;
	unsigned __int128 count;
	uint8_t shift;
	uint32_t label;           /* a slice as given: labels[label - 1] (until finish) */
	unsigned __int128 before; /* targets of the set before this run (after finish) */
};

struct ip6span {
	struct ipaddr lo, hi; /* inclusive */
};

struct ip6set {
	struct ipaddr *singles;
	size_t nsingles, singles_cap;
	struct ip6run *runs; /* once finished: the ranges, then the slices */
	size_t nruns, runs_cap, nranges;
	struct ip6span *blocked; /* sorted and merged once finished */
	size_t nblocked, blocked_cap;
	char **labels; /* each slice as given, in order, to name two that overlap */
	size_t nlabels, labels_cap;
	unsigned __int128 count;
	bool finished;
	char huge_why[256];        /* the first entry past IP6SET_MAX, as a message */
	struct ipaddr huge_prefix; /* that entry's prefix, to see at the finish */
	int huge_len;              /* whether the blocklist left it past the limit */
};

/* Allows prefix/len: one single for a /128, a range otherwise. */
int ip6set_allow(struct ip6set *s, struct ipaddr prefix, int len, struct zerr *e);

/* Allows every /slice of prefix/len, each at the address whose bits below
 * the slice are those of iid. `what` names the entry in a message about
 * two slices that overlap: as the user wrote it, and where (NULL: the
 * prefix, as parsed). */
int ip6set_allow_slice(struct ip6set *s, struct ipaddr prefix, int len, int slice,
                       struct ipaddr iid, const char *what, struct zerr *e);

/* Blocks prefix/len (kept out of the set at finish, whatever was allowed). */
int ip6set_block(struct ip6set *s, struct ipaddr prefix, int len, struct zerr *e);

/* Sorts, merges and takes the blocked prefixes out; counts. After this,
 * only queries. */
int ip6set_finish(struct ip6set *s, struct zerr *e);

/* Whether the set holds more than IP6SET_MAX targets; then s->huge_why
 * says which entry made it so, and how to scan a slice of it instead. */
static inline bool ip6set_huge(const struct ip6set *s)
{
	return s->count > IP6SET_MAX;
}

/* The targets, for a set that is not huge (0 for one that is). */
static inline uint64_t ip6set_count(const struct ip6set *s)
{
	return ip6set_huge(s) ? 0 : (uint64_t)s->count;
}

/* The i-th target, for i < ip6set_count(s). */
struct ipaddr ip6set_at(const struct ip6set *s, uint64_t i);

/* Whether a is in a blocked prefix (a finished set). */
bool ip6set_blocked(const struct ip6set *s, struct ipaddr a);

/* Whether a is one of the set's targets (a finished set). */
bool ip6set_contains(const struct ip6set *s, struct ipaddr a);

/* Calls fn for each block of the minimal CIDR cover of what is allowed of
 * prefix/len, in address order: with `all`, every address not blocked
 * (no allow entries were given); else the set's targets. Stops and returns
 * fn's value when it is not 0, and -1 (e set) when the part to list holds
 * more than max_points single addresses of slices. */
int ip6set_each_cidr(const struct ip6set *s, bool all, struct ipaddr prefix, int len,
                     int (*fn)(void *ctx, struct ipaddr prefix, int len), void *ctx,
                     uint64_t max_points, struct zerr *e);

/* How many addresses of prefix/len are allowed (as above): the count in
 * *n, and whether that is all of the prefix (for ::/0, 2^128, when *n is
 * 0). */
bool ip6set_count_in(const struct ip6set *s, bool all, struct ipaddr prefix, int len,
                     unsigned __int128 *n);

void ip6set_free(struct ip6set *s);

#endif
