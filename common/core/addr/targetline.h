/* targetline: one line of zsend's input, "a.b.c.d" or "a.b.c.d,port",
 * or the same with an IPv6 address ("2001:db8::1,443": no brackets);
 * anything after a second comma is ignored, so a result line starting
 * "saddr,sport," is a valid target line. '#' lines and blank lines are
 * skipped. */
#ifndef ZSCAN_CORE_TARGETLINE_H
#define ZSCAN_CORE_TARGETLINE_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr/ipaddr.h"

enum targetline_status { TL_OK = 1, TL_SKIP = 0, TL_BAD = -1 };

/* line[0..len) without its '\n'. *port is -1 when the line has none; a
 * port is 0-65535 with no leading zero (as -p takes it). On TL_BAD, *why
 * says what is wrong. */
enum targetline_status targetline_parse(const char *line, size_t len, struct ipaddr *addr,
                                        int *port, const char **why);

#endif
