/* pipeline: the stages' command lines joined by pipes, run as a shell
 * runs `a | b | c > file`, with the stop signals zscan gets passed on to
 * every stage, and each stage's exit status kept. Also the same pipeline
 * printed as one shell command line. */
#ifndef ZSCAN_PIPELINE_H
#define ZSCAN_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/zerr.h"

#define PIPELINE_MAX_STAGES 4

/* One stage: the binary at path, run with argv (argv[0] is path, as a
 * shell gives it, so that messages and ps name the binary run). */
struct stage_cmd {
	const char *name; /* zgen, zsend... */
	const char *path;
	const char **argv; /* NULL-terminated */
	size_t argc, cap;
};

struct pipeline {
	struct stage_cmd stage[PIPELINE_MAX_STAGES];
	int n;
	const char *redirect; /* the last stage's output goes to this file, or NULL */
};

/* Call first in main: SIGINT, SIGTERM and SIGHUP are held from then on (a
 * request that comes while zscan sets up is passed on once the stages
 * run, not lost), SIGHUP stays ignored if it came ignored (nohup), and
 * the signal state zscan started with is kept for the stages. */
void pipeline_hold_signals(void);

/* Runs the stages, the last one's output to out_fd (-1: zscan's own
 * standard output), and waits for every one of them, passing each stop
 * signal zscan receives on to each stage still running (once that stage
 * catches it). wstatus[i] is stage i's wait status. -1 with e when a
 * stage could not be started; those that were are then stopped and
 * waited for. */
int pipeline_run(const struct pipeline *p, int out_fd, int wstatus[], struct zerr *e);

/* The pipeline's exit status from its stages': a usage error (2) of any
 * stage first (nothing ran as asked), then, as bash's pipefail, the last
 * stage's that is not 0; 128+N for a stage killed by signal N. */
int pipeline_verdict(const struct pipeline *p, const int wstatus[]);

/* The stages' statuses as "zgen 0, zsend 1, zrecv 1, zfilter 0" into buf. */
void pipeline_describe(const struct pipeline *p, const int wstatus[], char *buf, size_t size);

/* The pipeline as one shell command line, each word quoted as need be
 * (bash's $'...' for control bytes, so that it stays one line). */
int pipeline_print(const struct pipeline *p, FILE *f);

#endif
