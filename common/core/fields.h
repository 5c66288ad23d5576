/* fields: zrecv's output. A result has named fields (ZMap's names where the
 * meaning is the same); -f picks them, and the writer prints CSV with a
 * header row or JSON lines. */
#ifndef ZSCAN_CORE_FIELDS_H
#define ZSCAN_CORE_FIELDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "probe/probe.h"
#include "util/zerr.h"

#define FIELDS_MAX 32

/* One output record: the module's result and what zrecv adds. */
struct record {
	struct probe_result r;
	bool repeat;   /* the address answered before in this scan */
	bool cooldown; /* arrived after the sender finished */
	uint64_t ts_sec, ts_usec;
};

enum fields_format { FIELDS_CSV, FIELDS_JSON };

struct fields {
	int idx[FIELDS_MAX]; /* into the field table */
	int n;
	enum fields_format format;
};

/* Parses a comma-separated list ("*" = every field of the module) or, for
 * NULL, the module's default list. Unknown names are an error naming them.
 * With m NULL (module not known yet) a name of any module passes. */
int fields_select(struct fields *f, const struct probe_module *m, const char *list, struct zerr *e);

/* Prints the field names valid for a module, one per line with a description. */
void fields_list(FILE *out, const struct probe_module *m);

/* The CSV header row (nothing for JSON). */
void fields_header(const struct fields *f, FILE *out);
void fields_write(const struct fields *f, const struct record *rec, FILE *out);

#endif
