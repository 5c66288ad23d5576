/* escape: bytes from outside, made safe to show in a message. Printable
 * ASCII stays as it is; a backslash, a quote and every other byte (NUL,
 * control characters, bytes above 0x7e) become \\, \' and \xNN, so that
 * "198.51.100.1\0" and "198.51.100.1" can be told apart in a message. */
#ifndef ZSCAN_UTIL_ESCAPE_H
#define ZSCAN_UTIL_ESCAPE_H

#include <stddef.h>

/* Writes the escaped form of p[0..n) into out (NUL-terminated, at most
 * size - 1 bytes; cut short with "..." when it does not fit); returns out. */
char *escape_bytes(char *out, size_t size, const char *p, size_t n);

/* The lighter form for a whole message: control bytes (below 0x20, and
 * 0x7f) become \xNN, and so do the bytes of invalid UTF-8 and of the
 * characters that are controls or turn text around (C1, bidi overrides
 * and isolates, line separators), so a message stays one line, shown as it
 * is, whatever it quotes; other UTF-8 (a name in Greek) stays readable.
 * s (NUL-terminated) into out, as escape_bytes cuts it; returns out. */
char *escape_controls(char *out, size_t size, const char *s);

#endif
