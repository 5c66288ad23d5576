/* zerr: formatting of library error messages. */
#include "util/zerr.h"

#include <stdio.h>

#include "util/escape.h"

int zerr_set(struct zerr *e, const char *fmt, ...)
{
	/* a message is one line, whatever bytes of the input it quotes */
	char raw[sizeof e->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	escape_controls(e->msg, sizeof e->msg, raw);
	return -1;
}
