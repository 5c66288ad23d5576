/* schema: the SQL tables a scan's results go into (zrecv --schema), for
 * SQLite and PostgreSQL. A `scans` table, one row per scan, from zrecv's
 * --metadata, and per module a table "results_MODULE" whose columns are the
 * selected fields (core/schema/fields.h and the module's own, probe/fieldw.h)
 * typed by their kinds, after a scan_id naming the scan's row. The CSV that
 * zrecv writes loads into it as it is (tools/zscan-db). */
#ifndef ZSCAN_ZRECV_SCHEMA_H
#define ZSCAN_ZRECV_SCHEMA_H

#include <stdio.h>

#include "output.h"

enum schema_db { SCHEMA_SQLITE, SCHEMA_POSTGRES };

/* The database called name ("sqlite" or "postgres"), or -1. */
int schema_db_find(const char *name);

/* The SQL type of field idx of a selection (o->sel.idx[]) in db. */
const char *schema_type(enum schema_db db, const struct output *o, int idx);

/* The CREATE statements for the scans table and o's module's results
 * table with o's fields, each IF NOT EXISTS. */
void schema_write(FILE *out, enum schema_db db, const struct output *o);

#endif
