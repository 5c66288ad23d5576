/* flagmap: ZMap's flags, as zscan takes them, turned into the command
 * lines of the stages that own them (zgen | zsend | zrecv [| zfilter]),
 * with ZMap's output by default: without -O, -f or --output-filter, the
 * addresses that answered as up, each once, one a line and no header
 * (address,port with several ports), where each stage run alone keeps
 * its own defaults. */
#ifndef ZSCAN_FLAGMAP_H
#define ZSCAN_FLAGMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "pipeline.h"
#include "util/zerr.h"

/* getopt's values for the flags with no short letter */
enum {
	OPT_PROBE_ARGS = 256,
	OPT_OUTPUT_FILTER,
	OPT_SHARDS,
	OPT_SHARD,
	OPT_RESUME,
	OPT_PROBE_TTL,
	OPT_MAX_SENDTO_FAILURES,
	OPT_MIN_HITRATE,
	OPT_DEDUP_METHOD,
	OPT_DEDUP_WINDOW,
	OPT_EXPLAIN,
};

/* A flag as given (arg NULL for one without a value), in command-line
 * order: a stage sees its flags in the order the user wrote them. */
struct zflag {
	int opt;
	const char *arg;
};

struct zscan_request {
	struct zflag *flags; /* those flagmap_passes() takes */
	size_t nflags;
	char *const *targets; /* addresses and prefixes, for zgen */
	int ntargets;
	const char *output_file;   /* -o; NULL or "-": standard output */
	const char *output_format; /* -O: NULL, "csv" or "json" */
	const char *output_fields; /* -f */
	const char *output_filter; /* --output-filter, "" included */
	const char *config;        /* -C, for every stage; NULL: each reads the default */
	bool several_ports;        /* -p names more than one */
	bool dryrun;
};

/* Whether opt goes to the stages as it is (a table in flagmap.c says to
 * which): the caller records it in flags. */
bool flagmap_passes(int opt);

/* The pipeline for r, each stage the binary of that name in bindir. */
int flagmap_plan(const struct zscan_request *r, const char *bindir, struct pipeline *p,
                 struct zerr *e);

void flagmap_free(struct pipeline *p);

#endif
