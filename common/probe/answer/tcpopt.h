/* tcpopt: the options of a TCP answer (a SYN-ACK's, mostly), for the tcp
 * modules' fields: ZMap's tcpopt_mss, tcpopt_wscale, tcpopt_sack_perm,
 * tcpopt_ts_val and tcpopt_ts_ecr, and the option kinds in their order
 * (a host's stack shows in it, as p0f reads it). Options are read as
 * RFC 9293 lays them out: kinds 0 (end) and 1 (NOP) are one byte, every
 * other kind has a length byte of at least 2 that must fit; an option of
 * the wrong length for its kind is listed but not read, and a length that
 * does not fit ends the walk with a parse error. */
#ifndef ZSCAN_PROBE_ANSWER_TCPOPT_H
#define ZSCAN_PROBE_ANSWER_TCPOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/fieldw.h"

struct tcpopt {
	bool has_mss, has_ws, sack_perm, has_ts;
	uint16_t mss;
	uint8_t ws;
	uint32_t ts_val, ts_ecr;
	char kinds[160];   /* "2,1,3,4,8": each kind, in order */
	size_t kinds_len;  /* of kinds */
	const char *error; /* NULL when every option was whole */
};

/* Reads the n bytes of options at p (at most 40). */
void tcpopt_parse(const uint8_t *p, size_t n, struct tcpopt *o);

/* Only the timestamps option, for validation's round-trip time (every
 * answer passes there: no text is made): whether there is a whole one,
 * and its TSecr in *ecr. */
bool tcpopt_ts_ecr(const uint8_t *p, size_t n, uint32_t *ecr);

#define TCPOPT_NFIELDS 7
extern const struct app_field tcpopt_fields[TCPOPT_NFIELDS];

/* The fields of the options at p[0..n) into w (reset for tcpopt_fields);
 * an option the answer lacks leaves its field empty. */
void tcpopt_decode(const uint8_t *p, size_t n, struct fieldw *w);

#endif
