/* options: the command line and the configuration file as one option
 * stream (options.h). */
#include "tool/options.h"

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util/zerr.h"

/* What the stream holds, reachable from here (volatile: the stores are
 * never dropped as unread, so LeakSanitizer sees it held) however the tool
 * ends, --help's return from main included; and the file, for the rest of
 * the run: what the tool keeps of its values points into it. */
static void *volatile held[3];

void optstream_init(struct optstream *s, const char *tool, int argc, char **argv,
                    const char *shortopts, const struct option *longopts)
{
	*s = (struct optstream){.tool = tool,
	                        .shortopts = shortopts,
	                        .longopts = longopts,
	                        .argc = argc,
	                        .argv = argv,
	                        .progname = program_invocation_short_name};
}

/* The long name of the option getopt returns as ch, or NULL. */
static const char *long_name(const struct option *longopts, int ch)
{
	for (const struct option *o = longopts; o->name; o++)
		if (!o->flag && o->val == ch)
			return o->name;
	return NULL;
}

/* Whether the command line gave opt, or an option that excludes it. */
static bool given_on_command_line(const struct optstream *s, const struct option *opt)
{
	for (size_t i = 0; i < s->ngiven; i++) {
		const char *name = long_name(s->longopts, s->given[i].ch);
		if (s->given[i].ch == opt->val || (name && config_overridden(opt->name, name)))
			return true;
	}
	return false;
}

/* A stage that zscan runs: zscan has applied the file's lines for its own
 * options, and handed this stage what it takes of them. */
static bool under_front_door(const struct optstream *s)
{
	const char *v = getenv("ZSCAN_FRONT_DOOR");
	return v && strcmp(v, "1") == 0 && strcmp(s->tool, "zscan") != 0;
}

/* The file, -C's or the default, every line of it judged before any
 * value is used: a fault anywhere is found before the tool does a thing.
 * use[i]: the option line i gives, or NULL (another tool's, or one the
 * command line gives). */
static void load_config(struct optstream *s)
{
	char path[PATH_MAX];
	struct zerr e;
	if (!s->config_path)
		config_default_path(path, sizeof path);
	if (config_load(&s->conf, s->config_path ? s->config_path : path, !s->config_path, &e) < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	if (!(s->use = calloc(s->conf.n + 1, sizeof *s->use)))
		errx(ZS_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < s->conf.n; i++) {
		const struct option *opt = NULL;
		int use =
		    config_resolve(&s->conf, &s->conf.entries[i], s->tool, s->longopts, &opt, &e);
		if (use < 0)
			errx(ZS_EXIT_USAGE, "%s", e.msg);
		if (use == CONFIG_APPLY && !given_on_command_line(s, opt) &&
		    !(under_front_door(s) && config_front_door_takes(&s->conf.entries[i])))
			s->use[i] = opt;
	}
}

/* The command line, read to its end; what the tool must see first (a bad
 * option, --help...) is handed over at once, the rest kept for later. */
static int read_command_line(struct optstream *s)
{
	int ch;
	opterr = 0; /* cli_bad_option says it in one line */
	while ((ch = getopt_long(s->argc, s->argv, s->shortopts, s->longopts, NULL)) != -1) {
		if (ch == 'C') {
			s->config_path = optarg;
			continue;
		}
		const char *name = long_name(s->longopts, ch);
		if (ch == '?' || ch == ':' || (name && config_cmdline_only(name)))
			return ch;
		/* an argument can hold several options (-qX) */
		if (s->ngiven == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 16;
			struct optstream_given *g = realloc(s->given, s->cap * sizeof *g);
			if (!g)
				errx(ZS_EXIT_FAIL, "out of memory");
			held[0] = s->given = g;
		}
		s->given[s->ngiven++] = (struct optstream_given){ch, optarg};
	}
	return -1;
}

int optstream_next(struct optstream *s)
{
	program_invocation_short_name = s->progname;
	if (s->phase == 0) {
		int ch = read_command_line(s);
		if (ch != -1)
			return ch;
		load_config(s);
		s->phase = 1;
	}
	if (s->phase == 1) {
		/* the line of the file the tool now handles names itself in
		 * every message the tool gives: err(3) starts each with the
		 * program's name */
		while (s->next < s->conf.n) {
			const struct config_entry *en = &s->conf.entries[s->next];
			const struct option *opt = s->use[s->next++];
			if (!opt)
				continue;
			snprintf(s->prefix, sizeof s->prefix, "%s: %s:%lu: %s", s->progname,
			         s->conf.shown, en->line, en->name);
			program_invocation_short_name = s->prefix;
			optarg = en->value;
			return opt->val;
		}
		s->phase = 2;
		s->next = 0;
	}
	if (s->phase == 2 && s->next < s->ngiven) {
		optarg = s->given[s->next].arg;
		return s->given[s->next++].ch;
	}
	if (s->phase != 3) {
		held[0] = NULL;
		held[1] = s->conf.text;
		held[2] = s->conf.entries;
		free(s->given);
		free(s->use);
		s->given = NULL;
		s->use = NULL;
	}
	s->phase = 3;
	return -1;
}

void config_help(FILE *f)
{
	char path[PATH_MAX];
	struct config c;
	struct zerr e;
	config_default_path(path, sizeof path);
	int rc = config_load(&c, path, true, &e);
	fprintf(f,
	        "\nOptions not given are read from %s (%s%s);\n"
	        "-C FILE reads FILE instead, -C /dev/null none.\n",
	        c.shown,
	        rc == CONFIG_READ         ? "installed: read"
	        : rc == CONFIG_ABSENT     ? "absent: none is read"
	        : rc == CONFIG_UNREADABLE ? "not readable by this user: none is read"
	                                  : "refused: ",
	        rc < 0 ? e.msg : "");
	if (rc == CONFIG_READ)
		config_free(&c);
}
