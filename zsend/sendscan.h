/* sendscan: zsend's work. The calling thread reads target lines, refuses
 * blocked targets whatever arrives, and queues the rest in jobs; sender
 * threads, each with its own socket, batch and share of the rate, fill each
 * probe into a frame from the module's template for its source address and
 * send it. Status goes
 * to a stream as JSON lines (a "start" record with what a receiver must
 * agree on, "status" every second, and "done"), for zrecv or a person. */
#ifndef ZSCAN_ZSEND_SENDSCAN_H
#define ZSCAN_ZSEND_SENDSCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/constraint.h"
#include "core/zgenheader.h"
#include "probe/probe.h"
#include "net/rawsend.h"
#include "util/zerr.h"

#define SENDSCAN_MAX_SOURCES 256

struct sendscan_config {
	const struct probe_module *mod;
	struct probe_params pp;
	uint32_t sources[SENDSCAN_MAX_SOURCES];
	unsigned nsources;
	const struct constraint *allowed;
	int default_port; /* for lines without one; -1: none */
	double rate;      /* packets/s, 0 = unlimited */
	const char *ifname;
	int in_fd;
	FILE *status;                /* JSON lines, or NULL */
	FILE *updates;               /* --status-updates: CSV, one row a second, or NULL */
	bool human;                  /* a status line on stderr every second */
	volatile sig_atomic_t *stop; /* >0: end early (signals); >1: and skip settling */
	unsigned threads;            /* sender threads, each with a socket in rs[] */
};

struct sendscan_stats {
	uint64_t lines, targets, blocked, bad, probes, failed;
	/* Records are the input lines that are not comments or blank. After a
	 * run, every target among the first `consumed` records has had all its
	 * probes sent, and (unless beyond_consumed) none after them has: the
	 * number zgen --resume takes. */
	uint64_t records, consumed;
	bool beyond_consumed;
	bool status_closed;              /* the status stream's reader went away (EPIPE) */
	uint64_t input_size, input_read; /* bytes, when stdin is a regular file */
	/* the first "# zgen " comment line on stdin, if any, and whether it
	 * could be read */
	bool zgen_seen, have_zgen;
	struct zgen_header zgen;
	bool interrupted;
};

typedef void (*sendscan_bad_fn)(unsigned long lineno, const char *why, const char *line,
                                size_t len);

int sendscan_run(const struct sendscan_config *cfg, struct rawsend *rs, sendscan_bad_fn bad,
                 struct sendscan_stats *st, struct zerr *e);

#endif
