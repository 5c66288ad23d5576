/* listfile: parsing allow/block lists into the constraint tree. */
#include "core/addr/listfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/addr/addr.h"
#include "core/addr/ipaddr.h"
#include "util/escape.h"
#include "util/linereader.h"

struct entry {
	uint32_t prefix;
	int len;
};

struct entry6 {
	struct ipaddr prefix;
	int len, slice; /* slice 0: the prefix itself */
	unsigned long lineno;
	char *what; /* a slice as written, and where, for ip6set; else NULL */
};

/* A list being read: its entries are kept (8 bytes each, never a copy of
 * the file) and painted only once the whole list is good, so a bad line
 * never leaves a half-applied list behind. */
struct list {
	const char *name;
	bool take6; /* IPv6 entries are kept (else skipped and counted) */
	struct entry *ents;
	size_t n, cap;
	struct entry6 *ents6;
	size_t n6, cap6;
	unsigned long lineno;
	struct listfile_stats st;
};

static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* One line of a list, without its '\n'. */
static int take_line(struct list *l, const char *p, size_t n, struct zerr *e)
{
	l->lineno++;
	const char *hash = memchr(p, '#', n);
	const char *s = p, *t = hash ? hash : p + n;
	while (s < t && is_space(*s))
		s++;
	while (t > s && is_space(t[-1]))
		t--;
	if (s == t)
		return 0;
	bool v6 = memchr(s, ':', (size_t)(t - s)) != NULL;
	if (v6 && !l->take6) {
		l->st.skipped_ipv6++;
		return 0;
	}
	struct ipaddr a;
	int len, slice;
	enum addr_status rc = ipprefix_parse(s, (size_t)(t - s), &a, &len, &slice);
	char shown[256];
	if (rc < 0)
		return zerr_set(e, "%s:%lu: %s '%s'", l->name, l->lineno,
		                rc == ADDR_BAD_LEN
		                    ? (v6 ? "bad prefix length (0-128, or LEN-SLICE) in"
		                          : "bad prefix length (0-32) in")
		                : v6 ? "not an IPv6 address or prefix:"
		                     : "not an IPv4 address or CIDR:",
		                escape_bytes(shown, sizeof shown, s, (size_t)(t - s)));
	if (ipprefix_v4_slice(a, slice)) { /* before host bits: it is no prefix at all */
		char why[160];
		return zerr_set(e, "%s:%lu: %s: '%s'", l->name, l->lineno,
		                ipprefix_v4_slice_why(why, sizeof why, a, len),
		                escape_bytes(shown, sizeof shown, s, (size_t)(t - s)));
	}
	if (rc == ADDR_HOST_BITS && l->st.host_bits++ == 0) {
		char net[IPADDR_STRLEN], sl[8] = "";
		if (slice)
			snprintf(sl, sizeof sl, "-%d", slice);
		snprintf(l->st.first_host_bits, sizeof l->st.first_host_bits,
		         "%s:%lu: '%s' has host bits set below the /%d: taken as %s/%d%s", l->name,
		         l->lineno, escape_bytes(shown, 64, s, (size_t)(t - s)), len,
		         ipaddr_str(a, net), len, sl);
	}
	if (!ipaddr_is_v4(a)) { /* ::ffff:a.b.c.d/96+n is IPv4's */
		if (l->n6 == l->cap6) {
			size_t cap = l->cap6 ? l->cap6 * 2 : 256;
			struct entry6 *ne = realloc(l->ents6, cap * sizeof *ne);
			if (!ne)
				return zerr_set(e, "%s: out of memory", l->name);
			l->ents6 = ne;
			l->cap6 = cap;
		}
		char *what = NULL;
		if (slice) {
			size_t wl = strlen(l->name) + sizeof shown + 32;
			if (!(what = malloc(wl)))
				return zerr_set(e, "%s: out of memory", l->name);
			snprintf(what, wl, "'%s' (%s:%lu)",
			         escape_bytes(shown, sizeof shown, s, (size_t)(t - s)), l->name,
			         l->lineno);
		}
		l->ents6[l->n6++] = (struct entry6){a, len, slice, l->lineno, what};
		return 0;
	}
	struct entry en = {ipaddr_v4(a), len};
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct entry *ne = realloc(l->ents, cap * sizeof *ne);
		if (!ne)
			return zerr_set(e, "%s: out of memory", l->name);
		l->ents = ne;
		l->cap = cap;
	}
	l->ents[l->n++] = en;
	return 0;
}

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n6; i++)
		free(l->ents6[i].what);
	free(l->ents);
	free(l->ents6);
}

/* Paints a good list and adds up its counts. */
static int finish(struct list *l, const struct listfile_target *t, bool allowed,
                  struct listfile_stats *st, struct zerr *e)
{
	for (size_t i = 0; i < l->n; i++)
		if (constraint_paint(t->v4, l->ents[i].prefix, l->ents[i].len, allowed) < 0)
			return zerr_set(e, "%s: out of memory", l->name);
	for (size_t i = 0; i < l->n6; i++) {
		const struct entry6 *en = &l->ents6[i];
		struct zerr ie;
		bool had = t->v6->huge_why[0] != '\0';
		int rc = !allowed    ? ip6set_block(t->v6, en->prefix, en->len, &ie)
		         : en->slice ? ip6set_allow_slice(t->v6, en->prefix, en->len, en->slice,
		                                          t->iid, en->what, &ie)
		                     : ip6set_allow(t->v6, en->prefix, en->len, &ie);
		if (rc < 0)
			return zerr_set(e, "%s: %s", l->name, ie.msg);
		if (!had && t->v6->huge_why[0]) { /* say where the entry too large is */
			char why[2 * sizeof t->v6->huge_why];
			snprintf(why, sizeof why, "%s:%lu: %s", l->name, en->lineno,
			         t->v6->huge_why);
			size_t n = strlen(why), max = sizeof t->v6->huge_why - 1;
			memcpy(t->v6->huge_why, why, n < max ? n : max);
			t->v6->huge_why[n < max ? n : max] = '\0';
		}
	}
	if (st) {
		st->entries += l->n + l->n6;
		st->skipped_ipv6 += l->st.skipped_ipv6;
		if (l->st.host_bits && !st->host_bits)
			memcpy(st->first_host_bits, l->st.first_host_bits,
			       sizeof st->first_host_bits);
		st->host_bits += l->st.host_bits;
	}
	return 0;
}

int listfile_paint_text(const struct listfile_target *t, const char *name, const char *text,
                        size_t len, bool allowed, struct listfile_stats *st, struct zerr *e)
{
	struct list l = {.name = name, .take6 = t->v6 != NULL};
	int rc = 0;
	for (const char *p = text, *end = text + len; p < end && rc == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		rc = take_line(&l, p, (size_t)(le - p), e);
		p = nl ? nl + 1 : end;
	}
	if (rc == 0)
		rc = finish(&l, t, allowed, st, e);
	list_free(&l);
	return rc;
}

int listfile_paint_file(const struct listfile_target *t, const char *path, bool allowed,
                        struct listfile_stats *st, struct zerr *e)
{
	/* any readable stream will do (a pipe, as from <(...)): it is read a
	 * block at a time, and a line is at most LISTFILE_MAX_LINE bytes */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return zerr_set(e, "%s: %s", path, strerror(errno));
	struct linereader lr;
	if (linereader_init(&lr, fd) < 0) {
		close(fd);
		return zerr_set(e, "%s: out of memory", path);
	}
	lr.max_line = LISTFILE_MAX_LINE;
	struct list l = {.name = path, .take6 = t->v6 != NULL};
	const char *p;
	size_t len;
	unsigned long first;
	int got, rc = 0;
	while (rc == 0 && (got = linereader_chunk(&lr, &p, &len, &first)) > 0) {
		for (const char *end = p + len; p < end && rc == 0;) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			rc = take_line(&l, p, (size_t)(nl - p), e);
			p = nl + 1;
		}
	}
	if (rc == 0 && got < 0)
		rc = errno == E2BIG ? zerr_set(e, "%s:%lu: a line longer than %d bytes", path,
		                               l.lineno + 1, LISTFILE_MAX_LINE)
		                    : zerr_set(e, "%s: %s", path, strerror(errno));
	if (rc == 0)
		rc = finish(&l, t, allowed, st, e);
	list_free(&l);
	linereader_free(&lr);
	close(fd);
	return rc;
}
