/* liststats: what a tool says about the list files it loaded: entries
 * with host bits set were taken as their networks (ZMap's lists hold
 * them), and the first is named. For tools' main.c: it prints. */
#ifndef ZSCAN_TOOL_LISTSTATS_H
#define ZSCAN_TOOL_LISTSTATS_H

#include <err.h>

#include "core/addr/listfile.h"

static inline void liststats_warn(const struct listfile_stats *st)
{
	if (st->host_bits == 1)
		warnx("%s", st->first_host_bits);
	else if (st->host_bits > 1)
		warnx("%s (and %lu more entries with host bits set)", st->first_host_bits,
		      st->host_bits - 1);
}

#endif
