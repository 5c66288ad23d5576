/* recvscan: zrecv's work. Captures with libpcap (the module's BPF filter,
 * inbound only, a large ring) or reads a pcap file, validates each frame
 * with the module and the key alone, and writes one record per validated
 * answer. In a pipeline it reads zsend's status records: the "start" record
 * must carry the same key fingerprint and sets the module, source ports and
 * probes; "done" or end of input starts the cooldown. */
#ifndef ZSCAN_ZRECV_RECVSCAN_H
#define ZSCAN_ZRECV_RECVSCAN_H

#include <pcap/pcap.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output.h"
#include "probe/probe.h"
#include "util/ostream.h"
#include "util/zerr.h"

/* distinct (address, port) pairs after which repeat tracking for ports
 * other than the first starts a new generation (--dedup-window) */
#define RECVSCAN_PAIR_WINDOW (1u << 20)

struct recvscan_config {
	const struct probe_module *mod; /* NULL: from the start record */
	const char *probe_args;         /* --probe-args: what the module checks (NULL) */
	struct probe_params pp;
	bool pp_from_flags;     /* -s/-P given: the start record must agree */
	const char *ifname;     /* live capture, or */
	const char *pcapfile;   /* offline */
	int status_fd;          /* zsend's records, or -1 */
	double cooldown;        /* seconds after done/EOF */
	double max_runtime;     /* seconds, 0 = none */
	uint64_t max_results;   /* -N: targets found up (success, not a repeat), 0 = none */
	double min_hitrate;     /* --min-hitrate: percent, checked after the warm-up */
	const char *field_list; /* -f, or NULL for the module's default */
	enum output_format format;
	struct ostream *out;
	bool human;              /* status line on stderr each second */
	struct ostream *updates; /* --status-updates: CSV, one row a second, or NULL */
	uint64_t pair_window;    /* 0: RECVSCAN_PAIR_WINDOW */
	/* --dedup-method, with ZMap's names: how answers are marked repeat.
	 * DEFAULT: exact for IPv4 addresses of the first port that answers (a
	 * bitmap), a window of pairs for the rest (IPv6, other ports); FULL:
	 * exact for all (the pairs' memory grows with every distinct pair);
	 * WINDOW: the window for all (memory bounded by it); NONE: no repeat
	 * is marked (every answer is new, no memory) */
	enum { DEDUP_DEFAULT, DEDUP_FULL, DEDUP_WINDOW, DEDUP_NONE } dedup;
	/* stop requests (tool/signals.h). 1: a first one; with zsend still
	 * sending in the pipeline, zsend is asked to stop and settle (it may
	 * have had the signal too) and everything it sends until its done
	 * record, and the answers a cooldown after, still counts; otherwise
	 * stop now. 2: stop now. -t's end is a first request. */
	volatile sig_atomic_t *requests;
};

struct recvscan_stats {
	uint64_t frames, valid, success, unique_success, bad_mac, not_ours;
	/* of not_ours: frames that hold no IPv4 (ARP, IPv6, short) and later
	 * fragments (no transport header); and VLAN-tagged frames read */
	uint64_t not_ip, fragments, vlan_tagged;
	uint64_t pcap_drop, pcap_ifdrop;
	uint64_t sent; /* from zsend's records */
	bool interrupted, saw_done;
	bool timed_out; /* -t ran out */
	/* the limit that stopped the scan (-t, -N, --min-hitrate), or NULL:
	 * its name for the metadata, and what happened, for messages */
	const char *limit;
	char limit_text[128];
	bool limit_fails;   /* --min-hitrate: the scan failed, not only stopped */
	bool left_early;    /* zrecv closed the stream before zsend was done */
	bool cooldown_cut;  /* a stop request ended the cooldown early */
	bool write_failed;  /* an output failed (the error says which) */
	bool asked_to_stop; /* zsend was asked to stop and settle */
	bool never_began;   /* stopped before zsend's first probe: nothing sent */
	/* consumed and resume are zrecv's own: the records whose answers
	 * had a whole cooldown to arrive (zrecv stopped early) */
	bool resume_settled;
	/* zsend's done record: its exit status (-1: none came), whether it
	 * was interrupted or its input cut short, the input records done and
	 * the zgen --resume that continues */
	int sender_exit;
	bool sender_interrupted, input_short, beyond;
	long consumed;
	bool have_zgen;
	uint64_t seed, shards, shard, resume;
	/* what the scan was, once known (from flags or zsend's start record) */
	const struct probe_module *mod;
	uint16_t sport_first;
	uint32_t sport_count;
	unsigned probes;
};

struct recvscan;

/* Opens and arms the capture: afterwards nothing sent is missed. */
struct recvscan *recvscan_open(const struct recvscan_config *cfg, struct zerr *e);

/* Runs until the cooldown ends, the file ends, a signal, or max_runtime. */
int recvscan_run(struct recvscan *rs, struct recvscan_stats *st, struct zerr *e);

void recvscan_close(struct recvscan *rs);

/* The zsend of the pipeline, as a pidfd (-1: none known), which a stop
 * request or -t asks to stop and settle (SIGUSR1); the run closes it. */
void recvscan_set_sender(struct recvscan *rs, int pidfd);

/* Where results and status updates go, once those files are committed. */
void recvscan_set_output(struct recvscan *rs, struct ostream *out, struct ostream *updates);

/* --min-hitrate's warm-up: the hit rate is judged once this many probes
 * are out and this many seconds have passed since the first (answers lag
 * their probes, and the first seconds of a scan say little). */
#define RECVSCAN_HITRATE_PROBES 1000
#define RECVSCAN_HITRATE_SECONDS 10.0

/* Percent of targets probed (probes sent / probes per target, so -P does
 * not divide it) that were found up: distinct (address, port) successes. */
double recvscan_hit_rate(uint64_t sent, unsigned probes, uint64_t targets_up);

#endif
