/* sendscan: zsend's work. The calling thread reads target lines, refuses
 * blocked targets whatever arrives, and queues the rest in jobs for the
 * sender threads (senders.h). The path out (interface, source addresses,
 * next hop) is found from the first allowed target, before its probe: the
 * route the kernel would give it. Status goes to a stream as JSON lines
 * (core/stage/status.h: a "start" record with what a receiver must agree on,
 * "status" every second, and "done"), for zrecv or a person; when the
 * reader of that stream goes, zsend stops at once. */
#ifndef ZSCAN_ZSEND_SENDSCAN_H
#define ZSCAN_ZSEND_SENDSCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/addr/targetspace.h"
#include "core/stage/zgenheader.h"
#include "net/rawsend.h"
#include "probe/probe.h"
#include "util/ostream.h"
#include "util/zerr.h"

#define SENDSCAN_MAX_SOURCES 256
/* the longest target line taken, as for list files */
#define SENDSCAN_MAX_LINE 4096

struct sendscan_config;

/* Called before the first probe of each family, with the first allowed
 * target of it (NULL when the input has none): fills in cfg's path for it
 * (ifname, sources or sources6, pp's MACs) and readies the senders'
 * sockets. -1 with e set when there is no usable path. */
typedef int (*sendscan_begin_fn)(void *ctx, const struct ipaddr *first, struct sendscan_config *cfg,
                                 struct rawsend *rs, struct zerr *e);

struct sendscan_config {
	const struct probe_module *mod;
	struct probe_params pp;
	uint32_t sources[SENDSCAN_MAX_SOURCES];
	unsigned nsources;
	struct ipaddr sources6[SENDSCAN_MAX_SOURCES];
	unsigned nsources6;
	const struct targetspace *allowed;
	int default_port; /* for lines without one; -1: none */
	double rate;      /* packets/s, 0 = unlimited */
	/* --max-sendto-failures: more failed sends than this stop the run
	 * (checked each second, as a stop request: it settles); -1: never */
	int64_t max_send_failures;
	const char *ifname;
	int in_fd;
	struct ostream *status;  /* JSON lines, or NULL */
	struct ostream *updates; /* --status-updates: CSV, one row a second, or NULL */
	struct ostream *dry;     /* a dry run's frames, which the senders write, or NULL */
	bool human;              /* a status line on stderr every second */
	/* >0: end early (a stop request); >1: and skip settling (a second
	 * request, the receiver gone, a failed write) */
	volatile sig_atomic_t *stop;
	unsigned threads; /* sender threads, each with a socket in rs[] */
	sendscan_begin_fn begin;
	void *begin_ctx;
};

struct sendscan_stats {
	uint64_t lines, targets, blocked, bad, probes, failed;
	bool too_many_failures; /* --max-sendto-failures stopped the run */
	/* Records are the input lines that are not comments or blank. After a
	 * run, every target among the first `consumed` records has had all its
	 * probes sent, and (unless beyond_consumed) none after them has: the
	 * number zgen --resume takes. */
	uint64_t records, consumed;
	bool beyond_consumed;
	/* at the last status record: every target of the records below it
	 * had all its probes sent (senders_done_below) */
	uint64_t done_below;
	bool receiver_gone;              /* the status stream's reader went away */
	uint64_t input_size, input_read; /* bytes, when stdin is a regular file */
	/* the first "# zgen " comment line on stdin, if any, and whether it
	 * could be read */
	bool zgen_seen, have_zgen;
	struct zgen_header zgen;
	bool input_short; /* the input ended before the targets its header announced */
	bool interrupted;
	/* the output whose write failed first (not the status stream's
	 * reader going: receiver_gone), or NULL */
	const struct ostream *write_failed;
	/* the run's exit status, as the done record gives it: ZS_EXIT_OK,
	 * ZS_EXIT_FAIL (an error, bad lines, send failures, a write error,
	 * the receiver gone) or ZS_EXIT_INCOMPLETE (stopped early or cut
	 * short, every target of the first `consumed` records probed) */
	int verdict;
	double secs; /* from the first probe to the end */
	bool begun;  /* a path was found: a start record went out */
};

typedef void (*sendscan_bad_fn)(unsigned long lineno, const char *why, const char *line,
                                size_t len);

/* Returns 0, -1 with e set on a failure, or SENDSCAN_NO_PATH (e set) when
 * begin found no path out: nothing was sent. */
#define SENDSCAN_NO_PATH (-2)
int sendscan_run(struct sendscan_config *cfg, struct rawsend *rs, sendscan_bad_fn bad,
                 struct sendscan_stats *st, struct zerr *e);

/* After the run and anything that may still change its verdict (the
 * metadata): the done record (and the status updates' last row). -1 when
 * it could not be written (st says why: receiver_gone or write_failed,
 * and the verdict is then ZS_EXIT_FAIL). */
int sendscan_finish(struct sendscan_config *cfg, struct sendscan_stats *st);

#endif
