/* zgenheader: zgen's header line, written and read. */
#include "core/zgenheader.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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

bool zgen_header_parse(const char *line, size_t len, struct zgen_header *h)
{
	char text[128];
	unsigned long long v[5] = {0};
	*h = (struct zgen_header){0};
	if (!zgen_header_is(line, len))
		return false;
	/* the first 127 bytes after the prefix hold any header zgen writes */
	size_t n = len - PREFIX_LEN < sizeof text ? len - PREFIX_LEN : sizeof text - 1;
	memcpy(text, line + PREFIX_LEN, n);
	text[n] = '\0';
	if (sscanf(text, "seed=%llu shard=%llu shards=%llu targets=%llu resume=%llu", &v[0], &v[1],
	           &v[2], &v[3], &v[4]) < 4)
		return false;
	*h = (struct zgen_header){v[0], v[1], v[2], v[3], v[4]};
	return true;
}
