/* zgenheader: the comment line zgen --header writes first,
 *   # zgen seed=S shard=I shards=N targets=T resume=R
 * naming the scan its targets belong to. A '#' line is a comment to every
 * reader of target lines; zsend records this one in its metadata and
 * computes from it the zgen command that resumes an interrupted scan. */
#ifndef ZSCAN_CORE_ZGENHEADER_H
#define ZSCAN_CORE_ZGENHEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct zgen_header {
	uint64_t seed, shard, shards;
	uint64_t targets; /* lines this run of zgen writes after the header */
	uint64_t resume;  /* lines of the shard skipped (--resume) */
};

/* Room for any header line. */
#define ZGEN_HEADER_MAX 160

/* Writes the line, newline included; returns its length. */
size_t zgen_header_format(char *buf, size_t size, const struct zgen_header *h);

/* Whether a target line (without its newline) is meant as a zgen header. */
bool zgen_header_is(const char *line, size_t len);

/* zgen's --shards at most. */
#define ZGEN_MAX_SHARDS 65536

/* Reads a header line (without its newline; a final CR is allowed); false
 * if it is not one zgen could have written: the fields seed, shard,
 * shards, targets and resume in that order (resume may be absent, for 0),
 * one space apart, nothing after them; each value a plain decimal number
 * (no sign, leading zero or overflow) with 1 <= shards <= 65536,
 * shard < shards and targets + resume (the shard's size) at most 2^48,
 * the most zgen permutes. */
bool zgen_header_parse(const char *line, size_t len, struct zgen_header *h);

#endif
