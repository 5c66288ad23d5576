/* config: the configuration file every tool reads (-C FILE, by default
 * $ZSCAN_SYSCONFDIR/zscan.conf), in ZMap's form: one "option-name value"
 * a line, long option names, '#' comments. One file serves all the tools:
 * each applies the lines naming its own options and skips the others'
 * (tool/options.h does that through the tool's getopt switch). This part
 * reads, checks and parses the file and says whose option a line names;
 * it never prints or exits. */
#ifndef ZSCAN_TOOL_CONFIG_H
#define ZSCAN_TOOL_CONFIG_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/zerr.h"

/* Bounds: the file is read whole, and root tools read it. */
#define CONFIG_MAX_BYTES (1 << 20)
#define CONFIG_MAX_LINE 4096

/* Every tool's long options (build/gen/optnames.c, made by the Makefile
 * from each tool's longopts table, so it cannot drift from them); ends
 * with a NULL tool. */
struct config_known {
	const char *tool, *name;
	int has_arg; /* getopt's no_argument, required_argument... */
};
extern const struct config_known config_known[];

struct config_entry {
	char *name;  /* as written, maybe with a "tool." prefix */
	char *value; /* NULL for a line with the name alone */
	unsigned long line;
};

struct config {
	char shown[256]; /* the path as messages show it (escaped) */
	char *text;      /* the file; entries point into it */
	struct config_entry *entries;
	size_t n;
};

/* The default file's path: $ZSCAN_SYSCONFDIR/zscan.conf (an absolute
 * ZSCAN_SYSCONFDIR), else the build's SYSCONFDIR's. */
void config_default_path(char *path, size_t size);

enum { CONFIG_READ = 0, CONFIG_ABSENT = 1, CONFIG_UNREADABLE = 2 };

/* Reads and parses path into c (empty for /dev/null). The file must be a
 * regular file owned by root or the real user, writable by no one else,
 * at most CONFIG_MAX_BYTES. The default file (is_default) must not be a
 * symbolic link, and may be absent (CONFIG_ABSENT, c empty) or not
 * readable by this user (CONFIG_UNREADABLE, c empty: kept to root); a
 * file named by -C is the user's choice and may be reached through one.
 * Returns CONFIG_READ, CONFIG_ABSENT, CONFIG_UNREADABLE, or -1 with e
 * naming the file (and line). */
int config_load(struct config *c, const char *path, bool is_default, struct zerr *e);

/* Parses text (len bytes, NUL-terminated, modified in place; c->text is
 * not set) into c->entries; c->shown names the file in errors. A value
 * runs to the end of the line or to a '#' after white space, without the
 * white space around it; or it is in double quotes ("...", with \" and
 * \\). A CR before the newline is dropped (CRLF files). NUL and other
 * control bytes (tab aside) are refused. Returns 0, or -1 with e saying
 * "FILE:LINE: why". */
int config_parse(struct config *c, char *text, size_t len, struct zerr *e);

void config_free(struct config *c);

enum { CONFIG_SKIP = 0, CONFIG_APPLY = 1 };

/* Whose option entry names, for the tool `tool` whose getopt table is
 * longopts: CONFIG_APPLY with *opt its entry there (a ZMap name, such as
 * blocklist-file, resolved to ours), CONFIG_SKIP for another tool's
 * option (or one prefixed with another tool's name, "zsend.rate"), or -1
 * with e saying "FILE:LINE: why": no tool has the option, it is for the
 * command line only (help, config...), or it lacks its value or has one
 * it does not take. Every tool judges every line alike, so a mistake is
 * found by whichever tool runs first. */
int config_resolve(const struct config *c, const struct config_entry *entry, const char *tool,
                   const struct option *longopts, const struct option **opt, struct zerr *e);

/* Whether a command line giving option `given` drops a file's line for
 * option `line` (long names): the same option, or one of a pair that
 * exclude each other (rate and bandwidth, interface and read...). */
bool config_overridden(const char *line, const char *given);

/* Whether a line is the front door's (zscan's): one without a tool's name
 * before it, naming one of zscan's options. zscan applies those lines and
 * gives each stage what it takes of them on its command line; the stages
 * it runs (environment ZSCAN_FRONT_DOOR=1) skip them, so that no stage
 * also applies a line zscan meant for another (output-file is zfilter's
 * output under zscan, probe-module zsend's alone). */
bool config_front_door_takes(const struct config_entry *entry);

/* Whether an option is for the command line only (help, version,
 * config, list-modules...): a file line naming it is refused. */
bool config_cmdline_only(const char *name);

#endif
