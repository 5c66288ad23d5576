/* strset: the hash set of byte strings. */
#include "util/strset.h"

#include <stdlib.h>
#include <string.h>

static int strset_grow(struct strset *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 1024;
	struct strslot *ns = calloc(ncap, sizeof *ns);
	if (!ns)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->slots[i].hash)
			continue;
		size_t j = s->slots[i].hash & (ncap - 1);
		while (ns[j].hash)
			j = (j + 1) & (ncap - 1);
		ns[j] = s->slots[i];
	}
	free(s->slots);
	s->slots = ns;
	s->cap = ncap;
	return 0;
}

int strset_add(struct strset *s, uint64_t h, const char *p, size_t n)
{
	if (s->n * 2 >= s->cap && strset_grow(s) < 0)
		return -1;
	size_t j = h & (s->cap - 1);
	for (; s->slots[j].hash; j = (j + 1) & (s->cap - 1)) {
		uint64_t at = s->slots[j].at;
		if (s->slots[j].hash == h && (at & STRSET_MAX_KEY) == n &&
		    memcmp(s->arena + (at >> STRSET_LEN_BITS), p, n) == 0)
			return 0;
	}
	if (!s->arena || s->used + n > s->size) { /* never NULL once a key is in */
		size_t nsize = s->size ? s->size * 2 : 1 << 16;
		char *na = realloc(s->arena, nsize);
		if (!na)
			return -1;
		s->arena = na;
		s->size = nsize;
	}
	memcpy(s->arena + s->used, p, n);
	s->slots[j] = (struct strslot){h, (uint64_t)s->used << STRSET_LEN_BITS | n};
	s->used += n;
	s->n++;
	return 1;
}

void strset_free(struct strset *s)
{
	free(s->slots);
	free(s->arena);
}
