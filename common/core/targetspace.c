/* targetspace: building the constraint set from allow and block options. */
#include "core/targetspace.h"

#include <string.h>

#include "core/addr.h"
#include "core/listfile.h"
#include "util/escape.h"

static int paint_args(struct constraint *c, char *const *cidrs, int n, struct zerr *e)
{
	for (int i = 0; i < n; i++) {
		uint32_t prefix;
		int len;
		enum addr_status rc = cidr_parse(cidrs[i], strlen(cidrs[i]), &prefix, &len);
		char shown[256], net[ADDR_STRLEN];
		escape_bytes(shown, sizeof shown, cidrs[i], strlen(cidrs[i]));
		if (rc == ADDR_BAD_LEN)
			return zerr_set(e, "'%s': bad prefix length (0-32)", shown);
		if (rc == ADDR_HOST_BITS)
			return zerr_set(e,
			                "'%s': host bits set below the /%d: the network is %s/%d",
			                shown, len, addr_str(prefix, net), len);
		if (rc != ADDR_OK)
			return zerr_set(e, "'%s': not an IPv4 address or CIDR", shown);
		if (constraint_paint(c, prefix, len, true) < 0)
			return zerr_set(e, "out of memory");
	}
	return 0;
}

struct constraint *targetspace_build(const struct targetspace_opts *o, struct listfile_stats *st,
                                     struct zerr *e)
{
	bool have_allow = o->allowlist || o->ncidrs > 0;
	struct constraint *c = constraint_new(!have_allow);
	if (!c) {
		zerr_set(e, "out of memory");
		return NULL;
	}
	if (paint_args(c, o->cidrs, o->ncidrs, e) < 0)
		goto fail;
	if (o->allowlist && listfile_paint_file(c, o->allowlist, true, st, e) < 0)
		goto fail;
	if (o->blocklist) {
		if (listfile_paint_file(c, o->blocklist, false, st, e) < 0)
			goto fail;
	} else if (listfile_paint_text(c, "built-in blocklist", listfile_default_blocklist,
	                               listfile_default_blocklist_len, false, NULL, e) < 0) {
		goto fail;
	}
	if (constraint_finish(c) < 0) {
		zerr_set(e, "out of memory");
		goto fail;
	}
	return c;
fail:
	constraint_free(c);
	return NULL;
}
