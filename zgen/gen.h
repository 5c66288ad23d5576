/* gen: writes one shard of a permutation of (address, port) targets as text
 * lines, "a.b.c.d" or "a.b.c.d,port", and "x:y::z" or "x:y::z,port" for
 * IPv6 (both in one stream when the target space holds both).
 * The shard's positions are cut into fixed blocks; worker threads format
 * blocks round-robin and the caller's thread writes them in block order, so
 * the bytes out depend on the seed and the shard, never on the thread count. */
#ifndef ZSCAN_ZGEN_GEN_H
#define ZSCAN_ZGEN_GEN_H

#include <signal.h>
#include <stdint.h>

#include "core/addr/targetspace.h"
#include "core/perm/perm.h"
#include "core/addr/ports.h"
#include "util/zerr.h"

struct gen_config {
	const struct targetspace *allowed;
	const struct ports *ports; /* n == 0: lines carry no port */
	const struct perm *perm;   /* over targetspace_count * max(1, ports->n) */
	uint64_t limit;            /* the scan covers positions [0, limit) */
	uint64_t shards, shard;    /* this process emits positions = shard mod shards */
	uint64_t skip;             /* of those, the first `skip` were emitted before (resume) */
	unsigned threads;
	int fd;
	const char *fd_name; /* in a write error: the -o path, or "stdout" */
	/* if set and non-zero (a signal), output ends after the current block,
	 * so it always ends with a whole line */
	volatile sig_atomic_t *stop;
};

/* How many lines gen_run will write (the shard's, less the skipped). */
uint64_t gen_count(const struct gen_config *cfg);

/* Writes the shard's lines to cfg->fd. Returns 0 when all are written, 1 when
 * *cfg->stop ended it early, -1 with e set on a write error (the first ends
 * it: "NAME: write error: why"; errno is then the write's)
 * or when out of memory or threads. */
int gen_run(const struct gen_config *cfg, struct zerr *e);

#endif
