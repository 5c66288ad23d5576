/* output: zrecv's result lines. A result has the fields of the schema
 * (core/schema/fields.h) that its module fills; -f picks them, and the writer
 * prints CSV with a header row or JSON lines. */
#ifndef ZSCAN_ZRECV_OUTPUT_H
#define ZSCAN_ZRECV_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/schema/fields.h"
#include "probe/probe.h"
#include "util/zerr.h"

/* One output record: the module's result and what zrecv adds. */
struct record {
	struct probe_result r;
	bool repeat;   /* the address answered before in this scan */
	bool cooldown; /* arrived after the sender finished */
	uint64_t ts_sec, ts_usec;
};

enum output_format { OUTPUT_CSV, OUTPUT_JSON };

/* zrecv captures this much of each frame (its snap length), and prints at
 * most this much of a payload (a pcap file may hold longer frames). */
#define OUTPUT_CAPTURE_MAX 2048

struct output {
	struct fields sel;
	enum output_format format;
	const struct probe_module *mod; /* whose own fields sel may name */
	const struct probe_params *pp;  /* for its decoder (may be NULL) */
	bool decodes;                   /* sel names one of them */
};

/* Selects -f's fields (NULL: the module's defaults) among those module m
 * fills, its own decoded ones included; with m NULL (module not known
 * yet) a field of any module passes. */
int output_select(struct output *o, const struct probe_module *m, const char *list, struct zerr *e);

/* Prints the fields module m fills, one per line: the name, '*' for one of
 * its defaults (else '-'), the type (addr, uint, int, bool, str, hex, time,
 * list) and a description; a list's item fields follow it, indented, as
 * "NAME.ITEM". */
void output_list_fields(FILE *out, const struct probe_module *m);

/* The CSV header row (nothing for JSON). */
void output_header(const struct output *o, FILE *out);
void output_record(const struct output *o, const struct record *rec, FILE *out);

#endif
