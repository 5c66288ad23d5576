/* options: a tool's options from its command line and its configuration
 * file (tool/config.h) as one getopt_long stream, so that a value from
 * the file goes through the same switch, and the same checks, as one
 * typed. The file's lines come first and the command line's after them;
 * an option on the command line drops every line of the file for it
 * (a repeatable one included). Options for the command line only (help,
 * version, list-...) come before the file is read, so --help answers
 * whatever the file holds. While the tool handles a line of the file, its
 * messages (err(3)'s) start "tool: FILE:LINE: name: ". For tools' main.c:
 * it may print and exit.
 *
 *   struct optstream s;
 *   optstream_init(&s, "zgen", argc, argv, ":p:...C:hV", longopts);
 *   while ((ch = optstream_next(&s)) != -1)
 *           switch (ch) { ... default: cli_bad_option(ch, argv); }
 *
 * -C FILE / --config FILE, in the tool's shortopts and longopts ('C'), is
 * taken here and never reaches the switch. optind is getopt's at the end:
 * argv[optind..] are the operands. */
#ifndef ZSCAN_TOOL_OPTIONS_H
#define ZSCAN_TOOL_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

#include "tool/config.h"

struct optstream_given {
	int ch;
	char *arg;
};

struct optstream {
	const char *tool, *shortopts;
	const struct option *longopts;
	int argc;
	char **argv;
	int phase;
	struct optstream_given *given; /* the command line's options, in order */
	size_t ngiven, cap, next;
	const char *config_path; /* -C's, or NULL */
	struct config conf;
	const struct option **use; /* per line of conf: the option it gives */
	char *progname;            /* err(3)'s own, put back after a file's line */
	char prefix[512];
};

void optstream_init(struct optstream *s, const char *tool, int argc, char **argv,
                    const char *shortopts, const struct option *longopts);

/* The next option, as getopt_long returns it (optarg set), or -1. A
 * fault in the file ends the tool with one line, "tool: FILE:LINE: why"
 * (exit 2). */
int optstream_next(struct optstream *s);

/* The lines --help ends with: which file a run without -C reads. */
void config_help(FILE *f);

#endif
