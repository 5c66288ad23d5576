/* rowsplit: a result line split into its fields, as zrecv writes them (CSV
 * without quoting, or flat JSON objects). The fields point into the line. */
#ifndef ZSCAN_CORE_ROWSPLIT_H
#define ZSCAN_CORE_ROWSPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/filterexpr.h" /* struct fspan */

#define MAX_COLS 64

struct row {
	struct fspan v[MAX_COLS];    /* values of the columns of this line */
	bool quoted[MAX_COLS];       /* JSON: was a string */
	struct fspan name[MAX_COLS]; /* JSON: the names */
	int n;
};

/* Splits a flat JSON object line into names and values (strings without
 * their quotes). False if it is not one. */
bool json_split(const char *line, size_t len, struct row *r);

/* Splits a CSV line into its fields: their number, or -1 for more than
 * MAX_COLS. */
int csv_split(const char *line, size_t len, struct row *r);

#endif
