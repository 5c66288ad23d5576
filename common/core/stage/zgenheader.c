/* zgenheader: zgen's header line, written and read. */
#include "core/stage/zgenheader.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/perm/cyclic.h"
#include "util/numparse.h"

#define PREFIX "# zgen "
#define PREFIX_LEN (sizeof PREFIX - 1)

size_t zgen_header_format(char *buf, size_t size, const struct zgen_header *h)
{
	int n = snprintf(buf, size,
	                 PREFIX "seed=%" PRIu64 " shard=%" PRIu64 " shards=%" PRIu64
	                        " targets=%" PRIu64 " resume=%" PRIu64 "\n",
	                 h->seed, h->shard, h->shards, h->targets, h->resume);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

bool zgen_header_is(const char *line, size_t len)
{
	return len > PREFIX_LEN && memcmp(line, PREFIX, PREFIX_LEN) == 0;
}

/* "NAME=VALUE" at *p, then a space or the end: VALUE strictly decimal (no
 * sign, space or leading zero, no overflow; util/numparse.h) within
 * [0, max]. Moves *p past it. */
static bool field(const char **p, const char *end, const char *name, uint64_t max, uint64_t *v)
{
	size_t nl = strlen(name), n = 0;
	if ((size_t)(end - *p) <= nl || memcmp(*p, name, nl) != 0 || (*p)[nl] != '=')
		return false;
	const char *val = *p + nl + 1;
	while (val + n < end && val[n] != ' ')
		n++;
	char text[24]; /* 20 digits at most */
	struct zerr e;
	if (n == 0 || n >= sizeof text)
		return false;
	memcpy(text, val, n);
	text[n] = '\0';
	if (parse_u64(text, 0, max, name, v, &e) < 0)
		return false;
	*p = val + n;
	return true;
}

bool zgen_header_parse(const char *line, size_t len, struct zgen_header *h)
{
	uint64_t v[5] = {0};
	static const char *const names[5] = {"seed", "shard", "shards", "targets", "resume"};
	static const uint64_t max[5] = {UINT64_MAX, ZGEN_MAX_SHARDS - 1, ZGEN_MAX_SHARDS,
	                                CYCLIC_MAX_N, CYCLIC_MAX_N};
	*h = (struct zgen_header){0};
	if (!zgen_header_is(line, len))
		return false;
	const char *p = line + PREFIX_LEN, *end = line + len;
	if (end > p && end[-1] == '\r')
		end--;
	int k = 0;
	for (; k < 5 && p < end; k++) {
		if ((k > 0 && *p++ != ' ') || !field(&p, end, names[k], max[k], &v[k]))
			return false;
	}
	/* the fields in zgen's order, resume perhaps absent (older zgen),
	 * nothing after them; a scan zgen can make */
	if (k < 4 || p != end || v[2] < 1 || v[1] >= v[2] || v[4] > CYCLIC_MAX_N - v[3])
		return false;
	*h = (struct zgen_header){v[0], v[1], v[2], v[3], v[4]};
	return true;
}
