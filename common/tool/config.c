/* config: the configuration file, read with care and parsed (config.h). */
#include "tool/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "core/addr/targetspace.h"
#include "util/escape.h"
#include "util/readfile.h"

/* ZMap's names for options that are ours under another name; tool NULL:
 * whichever tools have `ours`. A name that means a file of results, or of
 * the scan's metadata, goes to zrecv alone: its meaning in ZMap. */
static const struct {
	const char *zmap, *ours, *tool;
} aliases[] = {
    {"blocklist-file", "blocklist", NULL},     {"blacklist-file", "blocklist", NULL},
    {"allowlist-file", "allowlist", NULL},     {"whitelist-file", "allowlist", NULL},
    {"list-of-ips-file", "allowlist", "zgen"}, {"target-ports", "ports", "zgen"},
    {"sender-threads", "threads", "zsend"},    {"vpn", "iplayer", "zsend"},
    {"cooldown-time", "cooldown", "zrecv"},    {"output-module", "output-format", "zrecv"},
    {"metadata-file", "metadata", "zrecv"},    {"status-updates-file", "status-updates", "zrecv"},
    {"output-filter", "where", "zfilter"},
};

/* Names of a file both zsend and zrecv write (each its own): a line
 * without a tool's name before it goes to zrecv alone, as ZMap's
 * metadata-file does, so that two tools never write one file. */
static const char *const zrecv_alone[] = {"metadata", "status-updates"};

static bool is_zrecv_alone(const char *name)
{
	for (size_t i = 0; i < sizeof zrecv_alone / sizeof zrecv_alone[0]; i++)
		if (strcmp(name, zrecv_alone[i]) == 0)
			return true;
	return false;
}

/* Options that ask a tool to answer and exit, or name the file itself:
 * in a file they would change every run. */
static const char *const cmdline_only[] = {
    "help",
    "version",
    "config",
    "list-modules",
    "list-fields",
    "schema",
    "list-probe-modules",
    "list-output-fields",
    "list-output-modules",
};

/* Pairs that exclude each other: a command line giving one drops the
 * file's other, as it drops the file's own. */
static const char *const exclusive[][2] = {
    {"rate", "bandwidth"},
    {"interface", "read"},
    {"all", "where"},
    {"count", "cidrs"},
};

bool config_cmdline_only(const char *name)
{
	for (size_t i = 0; i < sizeof cmdline_only / sizeof cmdline_only[0]; i++)
		if (strcmp(name, cmdline_only[i]) == 0)
			return true;
	return false;
}

bool config_overridden(const char *line, const char *given)
{
	if (strcmp(line, given) == 0)
		return true;
	for (size_t i = 0; i < sizeof exclusive / sizeof exclusive[0]; i++)
		for (int k = 0; k < 2; k++)
			if (strcmp(line, exclusive[i][k]) == 0 &&
			    strcmp(given, exclusive[i][!k]) == 0)
				return true;
	return false;
}

void config_default_path(char *path, size_t size)
{
	snprintf(path, size, "%s/zscan.conf", targetspace_confdir());
}

void config_free(struct config *c)
{
	free(c->text);
	free(c->entries);
	c->text = NULL;
	c->entries = NULL;
	c->n = 0;
}

/* /dev/null (1, 3 on Linux) is the documented "no file": an empty one. */
static bool is_dev_null(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 && minor(st->st_rdev) == 3;
}

/* The checks on the open file: what sshd's StrictModes asks of its files,
 * since the file can set the user root tools become, their blocklists and
 * the files they write. */
static int check_file(const struct config *c, const struct stat *st, struct zerr *e)
{
	if (!S_ISREG(st->st_mode))
		return zerr_set(e, "%s: %s, not a file", c->shown, readfile_kind(st->st_mode));
	if (st->st_uid != 0 && st->st_uid != getuid())
		return zerr_set(e, "%s: owned by uid %u, neither root nor the user running this",
		                c->shown, (unsigned)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return zerr_set(e, "%s: writable by %s (mode %04o): chmod go-w it", c->shown,
		                st->st_mode & S_IWOTH ? "others" : "its group",
		                (unsigned)(st->st_mode & 07777));
	if (st->st_size > CONFIG_MAX_BYTES)
		return zerr_set(e, "%s: %lld bytes, more than the %d a configuration file may hold",
		                c->shown, (long long)st->st_size, CONFIG_MAX_BYTES);
	return 0;
}

/* The whole file, one byte more than the bound telling a file that grew. */
static int read_all(struct config *c, int fd, char **text, size_t *len, struct zerr *e)
{
	char *b = malloc(CONFIG_MAX_BYTES + 2);
	size_t n = 0;
	if (!b)
		return zerr_set(e, "%s: out of memory", c->shown);
	while (n <= CONFIG_MAX_BYTES) {
		ssize_t r = read(fd, b + n, CONFIG_MAX_BYTES + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(b);
			return zerr_set(e, "%s: %s", c->shown, strerror(errno));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CONFIG_MAX_BYTES) {
		free(b);
		return zerr_set(e, "%s: more than the %d bytes a configuration file may hold",
		                c->shown, CONFIG_MAX_BYTES);
	}
	b[n] = '\0';
	char *fitted = realloc(b, n + 1);
	*text = fitted ? fitted : b;
	*len = n;
	return 0;
}

int config_load(struct config *c, const char *path, bool is_default, struct zerr *e)
{
	*c = (struct config){.n = 0};
	escape_bytes(c->shown, sizeof c->shown, path, strlen(path));
	if (!path[0])
		return zerr_set(e, "-C: an empty file name");
	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (is_default ? O_NOFOLLOW : 0);
	int fd = open(path, flags);
	if (fd < 0 && is_default && errno == ENOENT)
		return CONFIG_ABSENT;
	/* a file the admin kept to root (mode 600, for root's scans) is not
	 * this user's: their tools run without it, as without a file */
	if (fd < 0 && is_default && errno == EACCES)
		return CONFIG_UNREADABLE;
	if (fd < 0 && is_default && errno == ELOOP)
		return zerr_set(e,
		                "%s: a symbolic link: the default file must not be one (name "
		                "its target with -C, or -C /dev/null for none)",
		                c->shown);
	if (fd < 0)
		return zerr_set(e, "%s: %s", c->shown, strerror(errno));
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	int rc = -1;
	if (fstat(fd, &st) < 0)
		zerr_set(e, "%s: %s", c->shown, strerror(errno));
	else if (is_dev_null(&st))
		rc = CONFIG_READ;
	else if (check_file(c, &st, e) == 0 && read_all(c, fd, &text, &len, e) == 0)
		rc = config_parse(c, text, len, e) < 0 ? -1 : CONFIG_READ;
	close(fd);
	if (rc < 0) {
		free(text);
		config_free(c);
		return -1;
	}
	c->text = text;
	return rc;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '.' || ch == '_';
}

__attribute__((format(printf, 4, 5))) static int
line_error(const struct config *c, unsigned long line, struct zerr *e, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return zerr_set(e, "%s:%lu: %s", c->shown, line, msg);
}

/* A quoted value from p (after its opening quote), unescaped in place;
 * *end is set past the closing quote. */
static char *unquote(char *p, char **end)
{
	char *w = p;
	for (char *r = p; *r; r++) {
		if (*r == '"') {
			*w = '\0';
			*end = r + 1;
			return p;
		}
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	return NULL;
}

/* One line (NUL-terminated, no newline, no CR) into entry; 0 for a line
 * with no option, 1 for an entry, -1 with e set. */
static int parse_line(const struct config *c, char *p, unsigned long line,
                      struct config_entry *entry, struct zerr *e)
{
	char shown[80];
	for (char *q = p; *q; q++)
		if (((unsigned char)*q < 0x20 && *q != '\t') || *q == 0x7f) {
			char b[8];
			snprintf(b, sizeof b, "\\x%02x", (unsigned char)*q);
			return line_error(c, line, e, "a control byte (%s)", b);
		}
	while (is_space(*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	char *name = p;
	while (is_name_char(*p))
		p++;
	size_t nlen = (size_t)(p - name);
	if (*p && !is_space(*p) && *p != '=') {
		size_t word = nlen + strcspn(p, " \t=");
		escape_bytes(shown, sizeof shown, name, word);
		return line_error(c, line, e,
		                  name[0] == '-' ? "'%s': option names go without dashes"
		                                 : "'%s' is not an option name",
		                  shown);
	}
	if (name[0] == '-' || name[0] == '.' || !nlen) {
		escape_bytes(shown, sizeof shown, name, nlen ? nlen : strcspn(name, " \t"));
		return line_error(c, line, e,
		                  name[0] == '-' ? "'%s': option names go without dashes"
		                                 : "'%s' is not an option name",
		                  shown);
	}
	char *after = p;
	while (is_space(*p))
		p++;
	if (*p == '=') /* gengetopt's files, ZMap's among them, may say name = value */
		for (p++; is_space(*p);)
			p++;
	*after = '\0';
	char *value = NULL;
	if (*p == '"') {
		char *end;
		if (!(value = unquote(p + 1, &end)))
			return line_error(c, line, e, "%s", "a quoted value with no closing quote");
		while (is_space(*end))
			end++;
		if (*end && *end != '#')
			return line_error(
			    c, line, e, "%s",
			    "more after the closing quote (a comment starts with '#')");
	} else if (*p && *p != '#') {
		value = p;
		/* a '#' after white space starts a comment, as ZMap's own
		 * example "bandwidth 1M # 1mbps" has it */
		char *q = p, *last = p;
		for (; *q; q++) {
			if (*q == '#' && is_space(q[-1]))
				break;
			if (!is_space(*q))
				last = q;
		}
		last[1] = '\0';
	}
	*entry = (struct config_entry){name, value, line};
	return 1;
}

static int parse_lines(struct config *c, char *text, size_t len, struct zerr *e);

int config_parse(struct config *c, char *text, size_t len, struct zerr *e)
{
	if (parse_lines(c, text, len, e) == 0)
		return 0;
	free(c->entries);
	c->entries = NULL;
	c->n = 0;
	return -1;
}

static int parse_lines(struct config *c, char *text, size_t len, struct zerr *e)
{
	size_t cap = 0;
	c->entries = NULL;
	c->n = 0;
	char *p = text, *end = text + len;
	/* a byte-order mark, as some editors write */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (unsigned long line = 1; p < end; line++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *eol = nl ? nl : end;
		if (memchr(p, '\0', (size_t)(eol - p)))
			return line_error(c, line, e, "%s", "a NUL byte");
		if (eol - p > CONFIG_MAX_LINE)
			return line_error(c, line, e, "longer than %d bytes", CONFIG_MAX_LINE);
		if (eol > p && eol[-1] == '\r')
			eol[-1] = '\0';
		*eol = '\0';
		if (c->n == cap) {
			cap = cap ? cap * 2 : 16;
			struct config_entry *grown = realloc(c->entries, cap * sizeof *grown);
			if (!grown)
				return zerr_set(e, "%s: out of memory", c->shown);
			c->entries = grown;
		}
		int got = parse_line(c, p, line, &c->entries[c->n], e);
		if (got < 0)
			return -1;
		c->n += (size_t)got;
		p = eol + 1;
	}
	return 0;
}

/* ours, if `tool` (in the generated table) has an option of that name. */
static const struct config_known *known_option(const char *tool, const char *ours)
{
	for (const struct config_known *k = config_known; k->tool; k++)
		if (strcmp(k->tool, tool) == 0 && strcmp(k->name, ours) == 0)
			return k;
	return NULL;
}

/* The name of `tool`'s option that `name` stands for (itself, or the
 * option a ZMap name is for), or NULL; has(tool, ours) says whether the
 * tool has an option. */
static const char *ours_for(const char *tool, const char *name,
                            bool (*has)(const char *tool, const char *ours, const void *ctx),
                            const void *ctx)
{
	if (has(tool, name, ctx))
		return name;
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcmp(name, aliases[i].zmap) == 0 &&
		    (!aliases[i].tool || strcmp(aliases[i].tool, tool) == 0) &&
		    has(tool, aliases[i].ours, ctx))
			return aliases[i].ours;
	return NULL;
}

static bool in_table(const char *tool, const char *ours, const void *ctx)
{
	(void)ctx;
	return known_option(tool, ours) != NULL;
}

static const struct option *in_longopts(const struct option *longopts, const char *ours)
{
	for (const struct option *o = longopts; o->name; o++)
		if (strcmp(o->name, ours) == 0)
			return o;
	return NULL;
}

static bool in_own(const char *tool, const char *ours, const void *ctx)
{
	(void)tool;
	return in_longopts(ctx, ours) != NULL;
}

/* Whether name[0..len) is the tool's name. */
static bool names_tool(const char *tool, const char *name, size_t len)
{
	return strlen(tool) == len && strncmp(tool, name, len) == 0;
}

static bool is_tool(const char *name, size_t len)
{
	for (const struct config_known *k = config_known; k->tool; k++)
		if (names_tool(k->tool, name, len))
			return true;
	return false;
}

/* The option that name stands for of a tool other than `tool` (of the
 * tool named by only[0..only_len) alone, if only), or NULL. The table
 * lists each tool's options together: its first entry stands for it. */
static const struct config_known *others_option(const char *tool, const char *only, size_t only_len,
                                                const char *name)
{
	for (const struct config_known *k = config_known; k->tool; k++) {
		bool first_of_tool = k == config_known || strcmp(k[-1].tool, k->tool) != 0;
		if (!first_of_tool || strcmp(k->tool, tool) == 0 ||
		    (only && !names_tool(k->tool, only, only_len)))
			continue;
		const char *theirs = ours_for(k->tool, name, in_table, NULL);
		if (theirs)
			return known_option(k->tool, theirs);
	}
	return NULL;
}

/* A value where the option wants one, none where it takes none. */
static int check_arity(const struct config *c, const struct config_entry *entry, const char *shown,
                       int has_arg, struct zerr *e)
{
	if (has_arg == required_argument && !entry->value)
		return line_error(c, entry->line, e, "'%s' needs a value", shown);
	if (has_arg == no_argument && entry->value)
		return line_error(c, entry->line, e,
		                  "'%s' takes no value (a flag is its name alone on the line)",
		                  shown);
	return 0;
}

int config_resolve(const struct config *c, const struct config_entry *entry, const char *tool,
                   const struct option *longopts, const struct option **opt, struct zerr *e)
{
	char shown[80];
	escape_bytes(shown, sizeof shown, entry->name, strlen(entry->name));
	const char *name = entry->name, *dot = strchr(name, '.');
	size_t plen = dot ? (size_t)(dot - name) : 0;
	if (dot) {
		if (!is_tool(name, plen))
			return line_error(c, entry->line, e,
			                  "'%s': no zscan tool is named before the dot", shown);
		name = dot + 1;
	}
	if (config_cmdline_only(name))
		return line_error(c, entry->line, e,
		                  "'%s' is for the command line, not a configuration file", shown);
	bool mine = !dot || names_tool(tool, entry->name, plen);
	if (!dot && is_zrecv_alone(name) && strcmp(tool, "zrecv") != 0)
		mine = false;
	const char *ours = mine ? ours_for(tool, name, in_own, longopts) : NULL;
	if (ours) {
		*opt = in_longopts(longopts, ours);
		return check_arity(c, entry, shown, (*opt)->has_arg, e) < 0 ? -1 : CONFIG_APPLY;
	}
	/* another tool's: the first that has it (the prefix's, if any) */
	const struct config_known *holder =
	    others_option(tool, dot ? entry->name : NULL, plen, name);
	if (!holder && dot)
		return line_error(c, entry->line, e, "'%s': that tool has no such option", shown);
	if (!holder)
		return line_error(c, entry->line, e, "unknown option '%s'", shown);
	return check_arity(c, entry, shown, holder->has_arg, e) < 0 ? -1 : CONFIG_SKIP;
}

bool config_front_door_takes(const struct config_entry *entry)
{
	return !strchr(entry->name, '.') && ours_for("zscan", entry->name, in_table, NULL) != NULL;
}
