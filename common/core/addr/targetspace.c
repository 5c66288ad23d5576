/* targetspace: building the target space from allow and block options. */
#include "core/addr/targetspace.h"

#include <limits.h>
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/addr/addr.h"
#include "util/escape.h"

static int paint_args(const struct listfile_target *t, char *const *args, int n, struct zerr *e)
{
	for (int i = 0; i < n; i++) {
		struct ipaddr a;
		int len, slice;
		enum addr_status rc = ipprefix_parse(args[i], strlen(args[i]), &a, &len, &slice);
		char shown[256], net[IPADDR_STRLEN];
		escape_bytes(shown, sizeof shown, args[i], strlen(args[i]));
		bool v6 = strchr(args[i], ':') != NULL;
		if (rc == ADDR_BAD_LEN)
			return zerr_set(e, "'%s': bad prefix length (%s)", shown,
			                v6 ? "0-128, or LEN-SLICE with SLICE above LEN" : "0-32");
		if (rc < 0)
			return zerr_set(e,
			                v6 ? "'%s': not an IPv6 address or prefix"
			                   : "'%s': not an IPv4 address or CIDR",
			                shown);
		char why[160];
		if (ipprefix_v4_slice(a, slice)) /* before host bits: it is no prefix at all */
			return zerr_set(e, "'%s': %s", shown,
			                ipprefix_v4_slice_why(why, sizeof why, a, len));
		if (rc == ADDR_HOST_BITS) {
			char sl[8] = "";
			if (slice)
				snprintf(sl, sizeof sl, "-%d", slice);
			return zerr_set(e,
			                "'%s': host bits set below the /%d: the network is %s/%d%s",
			                shown, len, ipaddr_str(a, net), len, sl);
		}
		struct zerr ie;
		char what[sizeof shown + 2];
		snprintf(what, sizeof what, "'%s'", shown);
		bool fam6 =
		    !ipaddr_is_v4(a); /* the text's family, but ::ffff:a.b.c.d/96+n is IPv4's */
		if (!fam6 && constraint_paint(t->v4, ipaddr_v4(a), len, true) < 0)
			return zerr_set(e, "out of memory");
		if (fam6 && (slice ? ip6set_allow_slice(t->v6, a, len, slice, t->iid, what, &ie)
		                   : ip6set_allow(t->v6, a, len, &ie)) < 0)
			return zerr_set(e, "%s", ie.msg);
	}
	return 0;
}

const char *targetspace_confdir(void)
{
	const char *d = getenv("ZSCAN_SYSCONFDIR");
	return d && d[0] == '/' ? d : ZSCAN_SYSCONFDIR;
}

bool targetspace_default_list(int which, char *path, size_t size)
{
	int n = snprintf(path, size, "%s/%s", targetspace_confdir(),
	                 which ? "blocklist6.conf" : "blocklist.conf");
	struct stat st;
	return n > 0 && (size_t)n < size && lstat(path, &st) == 0;
}

/* The default list of one family (0: blocklist.conf, 1: blocklist6.conf):
 * the installed file when it is there (a fault in it is an error naming
 * file:line, as with -b), else the copy built in. */
static int paint_default(struct listfile_target *lt, int which, struct listfile_stats *st,
                         struct zerr *e)
{
	char path[PATH_MAX];
	if (targetspace_default_list(which, path, sizeof path))
		return listfile_paint_file(lt, path, false, st, e);
	return which
	           ? listfile_paint_text(lt, "built-in IPv6 blocklist", listfile_default_blocklist6,
	                                 listfile_default_blocklist6_len, false, NULL, e)
	           : listfile_paint_text(lt, "built-in blocklist", listfile_default_blocklist,
	                                 listfile_default_blocklist_len, false, NULL, e);
}

struct targetspace *targetspace_build(const struct targetspace_opts *o, struct listfile_stats *st,
                                      struct zerr *e)
{
	bool have_allow = o->allowlist || o->ncidrs > 0;
	struct targetspace *t = calloc(1, sizeof *t);
	if (!t || !(t->v4 = constraint_new(!have_allow))) {
		free(t);
		zerr_set(e, "out of memory");
		return NULL;
	}
	t->v6_all = !have_allow;
	struct listfile_target lt = {t->v4, &t->v6, o->iid};
	if (paint_args(&lt, o->cidrs, o->ncidrs, e) < 0)
		goto fail;
	if (o->allowlist && listfile_paint_file(&lt, o->allowlist, true, st, e) < 0)
		goto fail;
	if (o->blocklist) {
		if (listfile_paint_file(&lt, o->blocklist, false, st, e) < 0)
			goto fail;
	} else if (paint_default(&lt, 0, st, e) < 0 || paint_default(&lt, 1, st, e) < 0) {
		goto fail;
	}
	if (constraint_finish(t->v4) < 0) {
		zerr_set(e, "out of memory");
		goto fail;
	}
	/* ::ffff:0:0/96 is IPv4's, whatever wider IPv6 prefix holds it */
	if (ip6set_block(&t->v6, ipaddr_from_v4(0), 96, e) < 0 || ip6set_finish(&t->v6, e) < 0)
		goto fail;
	return t;
fail:
	targetspace_free(t);
	return NULL;
}

void targetspace_free(struct targetspace *t)
{
	if (!t)
		return;
	constraint_free(t->v4);
	ip6set_free(&t->v6);
	free(t);
}
