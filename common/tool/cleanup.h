/* cleanup: what a tool undoes however it ends, errx() and a usage error
 * included: output files it opened but never committed (see
 * util/outfile.h) and files it made for the pipeline's key handover. An
 * atexit() handler does it. For tools' main.c. */
#ifndef ZSCAN_TOOL_CLEANUP_H
#define ZSCAN_TOOL_CLEANUP_H

#include "util/outfile.h"

/* o is abandoned at exit unless committed by then. */
void cleanup_outfile(struct outfile *o);

/* path (copied) is removed at exit, unless cleanup_keep(path) says
 * otherwise first. */
void cleanup_unlink(const char *path);
void cleanup_keep(const char *path);

/* Does it now (and not again at exit). */
void cleanup_run(void);

#endif
