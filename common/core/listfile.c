/* listfile: parsing allow/block lists into the constraint tree. */
#include "core/listfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr.h"
#include "util/readfile.h"

struct entry {
	uint32_t prefix;
	int len;
};

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Two passes: parse everything first, paint only when the whole list is good,
 * so a bad line never leaves a half-applied list behind. */
int listfile_paint_text(struct constraint *c, const char *name, const char *text, size_t len,
                        bool allowed, struct listfile_stats *st, struct zerr *e)
{
	struct entry *ents = NULL;
	size_t nents = 0, cap = 0;
	unsigned long v6 = 0, lineno = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		lineno++;
		const char *hash = memchr(p, '#', (size_t)(le - p));
		const char *s = p, *t = hash ? hash : le;
		while (s < t && is_space(*s))
			s++;
		while (t > s && is_space(t[-1]))
			t--;
		p = nl ? nl + 1 : end;
		if (s == t)
			continue;
		if (memchr(s, ':', (size_t)(t - s))) {
			v6++;
			continue;
		}
		struct entry en;
		enum addr_status rc = cidr_parse(s, (size_t)(t - s), &en.prefix, &en.len);
		if (rc != ADDR_OK) {
			free(ents);
			return zerr_set(e, "%s:%lu: %s '%.*s'", name, lineno,
			                rc == ADDR_BAD_LEN ? "bad prefix length (0-32) in"
			                                   : "not an IPv4 address or CIDR:",
			                (int)(t - s), s);
		}
		if (nents == cap) {
			cap = cap ? cap * 2 : 256;
			struct entry *ne = realloc(ents, cap * sizeof *ne);
			if (!ne) {
				free(ents);
				return zerr_set(e, "%s: out of memory", name);
			}
			ents = ne;
		}
		ents[nents++] = en;
	}
	for (size_t i = 0; i < nents; i++) {
		if (constraint_paint(c, ents[i].prefix, ents[i].len, allowed) < 0) {
			free(ents);
			return zerr_set(e, "%s: out of memory", name);
		}
	}
	free(ents);
	if (st) {
		st->entries += nents;
		st->skipped_ipv6 += v6;
	}
	return 0;
}

int listfile_paint_file(struct constraint *c, const char *path, bool allowed,
                        struct listfile_stats *st, struct zerr *e)
{
	char *buf;
	size_t len;
	if (readfile(path, &buf, &len) < 0)
		return zerr_set(e, "%s: %s", path, strerror(errno));
	int rc = listfile_paint_text(c, path, buf, len, allowed, st, e);
	free(buf);
	return rc;
}
