/* fields: the result schema. Every field a result line can carry, with its
 * name (ZMap's where the meaning is the same), its kind and what it means,
 * in the one order that zrecv's "-f '*'" prints; which of them a probe
 * module fills is declared by the module (probe.h), over the common ones
 * every module fills. zrecv writes results with it, and any tool that reads
 * or writes result lines can look names up here. */
#ifndef ZSCAN_CORE_FIELDS_H
#define ZSCAN_CORE_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "util/zerr.h"

/* One per row of fields_table, in the same order. */
enum field_id {
	F_SADDR,
	F_DADDR,
	F_SPORT,
	F_DPORT,
	F_SEQNUM,
	F_ACKNUM,
	F_WINDOW,
	F_TYPE,
	F_CODE,
	F_ICMP_ID,
	F_SEQ,
	F_TTL,
	F_IPID,
	F_ICMP_RESPONDER,
	F_ICMP_TYPE,
	F_ICMP_CODE,
	F_UDP_PKT_SIZE,
	F_DATA,
	F_SENT_TS,
	F_SENT_US,
	F_RTT_US,
	F_CLASSIFICATION,
	F_SUCCESS,
	F_REPEAT,
	F_COOLDOWN,
	F_TIMESTAMP_TS,
	F_TIMESTAMP_US,
	F_TIMESTAMP_STR,
	FIELD_COUNT
};

/* A set of fields, one bit per enum field_id. */
typedef uint64_t field_mask;
#define FIELD_BIT(id) ((field_mask)1 << (id))
_Static_assert(FIELD_COUNT <= 64, "a field_mask holds every field");

enum field_kind {
	FIELD_ADDR,          /* an address as text */
	FIELD_ADDR_OR_EMPTY, /* the same, or empty when there is none */
	FIELD_UINT,          /* a decimal number */
	FIELD_BOOL,          /* 1/0 in CSV, true/false in JSON */
	FIELD_STR,           /* a word */
	FIELD_HEX,           /* bytes as hex digits */
	FIELD_TIME,          /* ISO 8601 UTC with microseconds */
};

struct field_def {
	const char *name;
	const char *help;
	enum field_kind kind;
};

extern const struct field_def fields_table[FIELD_COUNT];

/* What every module's results fill: addresses, IP header fields, the
 * verdict and the capture time. */
extern const field_mask fields_common;

/* The field called name[0..len), or -1. */
int fields_find(const char *name, size_t len);

/* A selection of fields, in output order. */
#define FIELDS_MAX 96
struct fields {
	int idx[FIELDS_MAX]; /* enum field_id, or FIELD_COUNT + j: extra[j] */
	int n;
};

/* Parses -f: a comma-separated list, "*" (every field in avail, in table
 * order) or, for NULL, the list `defaults`. A name not in avail is an
 * error naming it and `owner` (a module's name; NULL: any module). */
int fields_select(struct fields *f, field_mask avail, const char *owner, const char *defaults,
                  const char *list, struct zerr *e);

/* The same with a module's own fields beside the schema's: extra[0..n)
 * their names ("*" lists them after the schema's, in their order). */
int fields_select_with(struct fields *f, field_mask avail, const char *const *extra, int n_extra,
                       const char *owner, const char *defaults, const char *list, struct zerr *e);

#endif
