/* Unit tests: the configuration file (tool/config.h): its lines, its
 * faults named by file and line, whose option a line names, and the
 * checks on the file itself. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "tool/config.h"

void test_config_lines_parse(void);
void test_config_faults_name_file_and_line(void);
void test_config_lines_go_to_their_tool(void);
void test_config_file_checks(void);

/* Parses text as the file "t.conf"; 0 or -1 (e then says why). */
static int parse(struct config *c, const char *text, size_t len, struct zerr *e)
{
	*c = (struct config){.n = 0};
	strcpy(c->shown, "t.conf");
	c->text = malloc(len + 1);
	memcpy(c->text, text, len);
	c->text[len] = '\0';
	int rc = config_parse(c, c->text, len, e);
	if (rc < 0)
		config_free(c);
	return rc;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

void test_config_lines_parse(void)
{
	static const char text[] = "\xef\xbb\xbf# a comment\n"
	                           "\n"
	                           "   \t\n"
	                           "rate 1000\n"
	                           "  bandwidth\t1M\t# 1mbps, as ZMap's own example\n"
	                           "blocklist-file \"/etc/zmap/block list.conf\"\n"
	                           "quiet\n"
	                           "dryrun # a flag, then a comment\n"
	                           "seed=7\n"
	                           "shards = 4\r\n"
	                           "where saddr ~ \"a#b\" && sport = 80 # kept: no space before #\n"
	                           "probe-args \"A,x;\\\"q\\\" \\\\ \"\n"
	                           "zsend.metadata \"\"\n"
	                           "output-file a#b";
	static const struct {
		const char *name, *value;
		unsigned long line;
	} want[] = {
	    {"rate", "1000", 4},
	    {"bandwidth", "1M", 5},
	    {"blocklist-file", "/etc/zmap/block list.conf", 6},
	    {"quiet", NULL, 7},
	    {"dryrun", NULL, 8},
	    {"seed", "7", 9},
	    {"shards", "4", 10},
	    {"where", "saddr ~ \"a#b\" && sport = 80", 11},
	    {"probe-args", "A,x;\"q\" \\ ", 12},
	    {"zsend.metadata", "", 13},
	    {"output-file", "a#b", 14},
	};
	struct config c;
	struct zerr e;
	CHECKF(parse(&c, text, sizeof text - 1, &e) == 0, "%s", e.msg);
	CHECKF(c.n == sizeof want / sizeof want[0], "%zu entries", c.n);
	for (size_t i = 0; i < c.n; i++)
		CHECKF(same(c.entries[i].name, want[i].name) &&
		           same(c.entries[i].value, want[i].value) &&
		           c.entries[i].line == want[i].line,
		       "entry %zu: '%s' '%s' line %lu", i, c.entries[i].name,
		       c.entries[i].value ? c.entries[i].value : "(none)", c.entries[i].line);
	config_free(&c);
	/* empty, and CRLF throughout */
	CHECK(parse(&c, "", 0, &e) == 0 && c.n == 0);
	config_free(&c);
	CHECK(parse(&c, "rate 5\r\nquiet\r\n", 15, &e) == 0 && c.n == 2 &&
	      strcmp(c.entries[0].value, "5") == 0 && !c.entries[1].value);
	config_free(&c);
}

void test_config_faults_name_file_and_line(void)
{
	static const struct {
		const char *text;
		size_t len;
		const char *msg;
	} bad[] = {
	    {"rate 1\nrate \"10\n", 0, "t.conf:2: a quoted value with no closing quote"},
	    {"rate \"10\" x\n", 0, "t.conf:1: more after the closing quote"},
	    {"\n\n--rate 10\n", 0, "t.conf:3: '--rate': option names go without dashes"},
	    {"rate: 10\n", 0, "t.conf:1: 'rate:' is not an option name"},
	    {"r\xc3\xa4te 10\n", 0, "t.conf:1: 'r\\xc3\\xa4te' is not an option name"},
	    {"rate 1\x01\n", 0, "t.conf:1: a control byte (\\x01)"},
	    {"rate 1\rx\n", 0, "t.conf:1: a control byte (\\x0d)"},
	    {"quiet\nrate 1\0\n", 13, "t.conf:2: a NUL byte"},
	    {".rate 1\n", 0, "t.conf:1: '.rate' is not an option name"},
	};
	struct config c;
	struct zerr e;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);
		CHECKF(parse(&c, bad[i].text, len, &e) < 0, "accepted case %zu", i);
		CHECKF(strncmp(e.msg, bad[i].msg, strlen(bad[i].msg)) == 0, "case %zu: '%s'", i,
		       e.msg);
	}
	/* a line at the bound passes, one byte more is named */
	char *big = malloc(CONFIG_MAX_LINE + 16);
	memset(big, 'x', CONFIG_MAX_LINE + 16);
	memcpy(big, "quiet\nwhere ", 12);
	big[6 + CONFIG_MAX_LINE] = '\n';
	CHECKF(parse(&c, big, 6 + CONFIG_MAX_LINE + 1, &e) == 0, "%s", e.msg);
	CHECK(c.n == 2 && strlen(c.entries[1].value) == CONFIG_MAX_LINE - 6);
	config_free(&c);
	big[6 + CONFIG_MAX_LINE] = 'x';
	big[6 + CONFIG_MAX_LINE + 1] = '\n';
	CHECK(parse(&c, big, 6 + CONFIG_MAX_LINE + 2, &e) < 0);
	CHECKF(strcmp(e.msg, "t.conf:2: longer than 4096 bytes") == 0, "%s", e.msg);
	free(big);
}

void test_config_lines_go_to_their_tool(void)
{
	/* a tool with a few of zgen's options, as its longopts table has them */
	static const struct option zgen[] = {
	    {"ports", required_argument, NULL, 'p'},
	    {"blocklist", required_argument, NULL, 'b'},
	    {"allowlist", required_argument, NULL, 'w'},
	    {"count", no_argument, NULL, 256},
	    {"config", required_argument, NULL, 'C'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static const struct {
		const char *line;
		int use;         /* CONFIG_APPLY, CONFIG_SKIP or -1 */
		const char *why; /* the option applied, or the error's start */
	} cases[] = {
	    {"ports 80", CONFIG_APPLY, "ports"},
	    {"zgen.ports 80", CONFIG_APPLY, "ports"},
	    {"blocklist-file /x", CONFIG_APPLY, "blocklist"},
	    {"blacklist-file /x", CONFIG_APPLY, "blocklist"},
	    {"list-of-ips-file /x", CONFIG_APPLY, "allowlist"},
	    {"count", CONFIG_APPLY, "count"},
	    {"rate 10", CONFIG_SKIP, NULL},
	    {"zsend.rate 10", CONFIG_SKIP, NULL},
	    {"zsend.blocklist-file /x", CONFIG_SKIP, NULL},
	    {"metadata-file m.json", CONFIG_SKIP, NULL},
	    {"output-file r.csv", CONFIG_SKIP, NULL},
	    {"iplayer", CONFIG_SKIP, NULL},
	    {"zfilter.threads 2", CONFIG_SKIP, NULL},
	    {"frobnicate 1", -1, "t.conf:1: unknown option 'frobnicate'"},
	    {"summary", -1, "t.conf:1: unknown option 'summary'"},
	    {"zgen.rate 10", -1, "t.conf:1: 'zgen.rate': that tool has no such option"},
	    {"zsend.ports 1", -1, "t.conf:1: 'zsend.ports': that tool has no such option"},
	    {"zmap.rate 10", -1, "t.conf:1: 'zmap.rate': no zscan tool is named before the dot"},
	    {"help", -1, "t.conf:1: 'help' is for the command line"},
	    {"config /x", -1, "t.conf:1: 'config' is for the command line"},
	    {"list-modules", -1, "t.conf:1: 'list-modules' is for the command line"},
	    {"zrecv.schema sqlite", -1, "t.conf:1: 'zrecv.schema' is for the command line"},
	    {"ports", -1, "t.conf:1: 'ports' needs a value"},
	    {"count 1", -1, "t.conf:1: 'count' takes no value"},
	    {"rate", -1, "t.conf:1: 'rate' needs a value"},
	    {"dryrun yes", -1, "t.conf:1: 'dryrun' takes no value"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct config c;
		struct zerr e = {{0}};
		CHECKF(parse(&c, cases[i].line, strlen(cases[i].line), &e) == 0 && c.n == 1, "%s",
		       cases[i].line);
		const struct option *opt = NULL;
		int use = config_resolve(&c, &c.entries[0], "zgen", zgen, &opt, &e);
		config_free(&c);
		CHECKF(use == cases[i].use, "'%s': %d (%s)", cases[i].line, use, e.msg);
		if (use == CONFIG_APPLY)
			CHECKF(strcmp(opt->name, cases[i].why) == 0, "'%s': %s", cases[i].line,
			       opt->name);
		if (use < 0)
			CHECKF(strncmp(e.msg, cases[i].why, strlen(cases[i].why)) == 0, "'%s': %s",
			       cases[i].line, e.msg);
	}
	/* the command line's option drops the file's, and its exclusive one */
	CHECK(config_overridden("rate", "rate") && config_overridden("bandwidth", "rate") &&
	      config_overridden("rate", "bandwidth") && config_overridden("interface", "read") &&
	      !config_overridden("rate", "interface"));
	/* every tool is in the generated table, each with its own options */
	static const char *const tools[] = {"zgen",  "zblacklist", "zsend",
	                                    "zrecv", "zfilter",    "zhilbert"};
	for (size_t t = 0; t < sizeof tools / sizeof tools[0]; t++) {
		int n = 0;
		for (const struct config_known *k = config_known; k->tool; k++)
			n += strcmp(k->tool, tools[t]) == 0 && strcmp(k->name, "config") == 0;
		CHECKF(n == 1, "%s has no config option in the table", tools[t]);
	}
}

/* A file in a fresh directory holding text, with mode and owner. */
static void put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, mode);
}

void test_config_file_checks(void)
{
	char dir[] = "/tmp/zscan-config-XXXXXX", path[128], link[128], fifo[128];
	CHECK(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/zscan.conf", dir);
	snprintf(link, sizeof link, "%s/link.conf", dir);
	snprintf(fifo, sizeof fifo, "%s/fifo", dir);
	struct config c;
	struct zerr e;
	/* absent: the default file may be, a named one may not */
	CHECK(config_load(&c, path, true, &e) == CONFIG_ABSENT);
	CHECK(config_load(&c, path, false, &e) < 0 && strstr(e.msg, "No such file"));
	put(path, "rate 10\n", 0644);
	CHECKF(config_load(&c, path, true, &e) == CONFIG_READ && c.n == 1, "%s", e.msg);
	config_free(&c);
	/* group or world writable */
	chmod(path, 0664);
	CHECK(config_load(&c, path, false, &e) < 0 && strstr(e.msg, "writable by its group"));
	chmod(path, 0646);
	CHECK(config_load(&c, path, false, &e) < 0 && strstr(e.msg, "writable by others"));
	chmod(path, 0600);
	/* another user's (only root can give a file away) */
	if (geteuid() == 0) {
		CHECK(chown(path, 65534, 65534) == 0);
		CHECK(config_load(&c, path, false, &e) < 0 && strstr(e.msg, "owned by uid 65534"));
		CHECK(chown(path, 0, 0) == 0);
	}
	/* a symbolic link: followed when named, refused as the default */
	CHECK(symlink(path, link) == 0);
	CHECKF(config_load(&c, link, false, &e) == CONFIG_READ && c.n == 1, "%s", e.msg);
	config_free(&c);
	CHECK(config_load(&c, link, true, &e) < 0 && strstr(e.msg, "a symbolic link"));
	/* not a regular file: never read, never waited on */
	CHECK(mkfifo(fifo, 0600) == 0);
	CHECK(config_load(&c, fifo, false, &e) < 0 && strstr(e.msg, "a FIFO, not a file"));
	CHECK(config_load(&c, dir, false, &e) < 0 && strstr(e.msg, "a directory, not a file"));
	CHECK(config_load(&c, "/dev/zero", false, &e) < 0 &&
	      strstr(e.msg, "a character device, not a file"));
	CHECK(config_load(&c, "/dev/null", false, &e) == CONFIG_READ && c.n == 0);
	/* past the size bound */
	FILE *f = fopen(path, "w");
	CHECK(f);
	for (int i = 0; i < CONFIG_MAX_BYTES / 8 + 1; i++)
		fputs("quiet  \n", f);
	fclose(f);
	CHECK(config_load(&c, path, false, &e) < 0 && strstr(e.msg, "more than the 1048576"));
	unlink(path);
	unlink(link);
	unlink(fifo);
	rmdir(dir);
}
