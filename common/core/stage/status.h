/* status: the records zsend writes on its standard output, one JSON object
 * a line, for the zrecv at the other end of the pipe (or a person):
 *   start   what both sides must agree on (module, source ports, probes,
 *           the key's fingerprint, never the key), and the interface, rate
 *           and source addresses;
 *   status  once a second: probes sent, the rate, the input's counts and
 *           how far through it zsend is;
 *   done    the same, once, at the end, with the input records consumed,
 *           zsend's verdict on the run (its exit status: a scan stopped
 *           early or cut short is 3, a failed one 1) and where a resume
 *           starts.
 * The writer and the reader are both here, so the two sides cannot drift
 * apart; the formats are plain text, so a script can stand in for either. */
#ifndef ZSCAN_CORE_STATUS_H
#define ZSCAN_CORE_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr/ipaddr.h"

enum status_type { STATUS_START, STATUS_STATUS, STATUS_DONE, STATUS_OTHER };

/* The buffer that holds any record the writer makes (a start record with
 * 256 sources of each family is under 18 KiB), and the longest record the
 * reader takes: the same, so that nothing zsend writes is dropped. A longer
 * line is not zsend's: it is dropped whole, up to its newline. */
#define STATUS_RECORD_MAX 32768
#define STATUS_LINE_MAX STATUS_RECORD_MAX

/* A start record, as zsend writes it. */
struct status_start {
	const char *module, *interface, *key_fingerprint;
	const char *module_args; /* what the receiver's module needs ("" none) */
	double rate;
	unsigned probes;
	uint16_t sport_first;
	uint32_t sport_count;
	const uint32_t *sources; /* host order */
	unsigned nsources;
	const struct ipaddr *sources6; /* known when the record is written */
	unsigned nsources6;
	/* the zgen header on zsend's input, if any: the scan a resume
	 * continues, from zgen_resume on */
	bool have_zgen;
	uint64_t seed, shards, shard, zgen_resume;
};

/* A status or done record, as zsend writes it. */
struct status_progress {
	enum status_type type; /* STATUS_STATUS or STATUS_DONE */
	double time;           /* seconds since the start */
	uint64_t sent, send_failures;
	double rate; /* probes in the last second (done: over the run) */
	uint64_t targets, blocked, bad_lines;
	double progress; /* of the input, 0..1; < 0: unknown */
	bool interrupted;
	/* status: every target of the input records below it has had all its
	 * probes sent (-1: not known) */
	int64_t done_below;
	/* done: */
	uint64_t consumed; /* input records done (see sendscan.h) */
	bool beyond;       /* some targets after them were probed too */
	bool input_short;  /* the input ended before its zgen header's count */
	int exit_status;   /* zsend's: 0, 1 (failed) or 3 (stopped early) */
	bool have_zgen;    /* the zgen header's scan, for the resume command */
	uint64_t seed, shards, shard, resume;
};

/* Formats a record, newline included, into buf (STATUS_RECORD_MAX bytes
 * hold any); returns its length. */
size_t status_format_start(char *buf, size_t size, const struct status_start *s);
size_t status_format_progress(char *buf, size_t size, const struct status_progress *p);

/* A record as read back: what zrecv takes from it. Numbers a record lacks
 * are -1. */
struct status_record {
	enum status_type type;
	/* start */
	char module[32], key_fingerprint[32], module_args[64];
	long sport_first, sport_count, probes;
	/* start and done: the zgen header's scan (the start record's resume
	 * is zgen's own, the done record's where the next part starts) */
	bool have_zgen;
	uint64_t seed, shards, shard, resume;
	/* status and done */
	long sent, rate;
	double progress; /* < 0: absent */
	long done_below; /* status: -1 absent */
	bool interrupted;
	/* done */
	long exit_status, consumed; /* -1: absent */
	bool input_short, beyond;
};

/* Reads one record (a NUL-terminated line without its newline). */
void status_parse(const char *line, struct status_record *r);

/* Whole records out of a stream that arrives in pieces. */
struct status_reader {
	char line[STATUS_LINE_MAX];
	size_t len;
	bool skipping; /* inside an overlong line: drop up to its newline */
};

/* Reads what fd has now (it may be non-blocking) and calls fn for each
 * whole record. Returns 0, 1 at the end of the stream (or a read error),
 * or the first negative value fn returned. */
int status_read(struct status_reader *r, int fd,
                int (*fn)(void *ctx, const struct status_record *rec), void *ctx);

#endif
