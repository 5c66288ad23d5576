/* zfilter: the distinct hosts (or other keys) of zrecv's results. Options
 * are checked here; the work is in common/resultfilter.c. */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "resultfilter.h"
#include "version.h"

#define MAX_REPORTED 100

static void usage(FILE *f)
{
	fputs("usage: zfilter [-a] [-q] [--no-dedup] [-u fields]\n", f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nRead zrecv's results on stdin (CSV with a header row, or JSON lines) and\n"
	      "print each distinct key of the rows with success = 1 once: by default the\n"
	      "address (saddr), one per line, as ZMap prints by default. The output of\n"
	      "-u saddr,sport is target lines zsend reads back.\n\n"
	      "  -u, --unique FIELDS  the key, e.g. saddr,sport (default saddr)\n"
	      "  -a, --all            every row, not only success = 1\n"
	      "      --no-dedup       print the key of every passing row\n"
	      "  -q, --quiet          no summary of skipped lines on stderr\n"
	      "  -h, --help           this help\n"
	      "  -V, --version        print the version\n\n"
	      "Memory: the saddr key uses a bitmap allocated 64 KiB at a time as\n"
	      "addresses appear, at most 512 MiB for all of IPv4; other keys use a hash\n"
	      "set that grows by about 60 bytes per distinct key.\n",
	      stdout);
}

enum { OPT_NO_DEDUP = 256 };

static const struct option longopts[] = {
    {"unique", required_argument, NULL, 'u'},
    {"all", no_argument, NULL, 'a'},
    {"no-dedup", no_argument, NULL, OPT_NO_DEDUP},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static unsigned long bad_reported;

static void report_bad(unsigned long lineno, const char *why, const char *line, size_t len)
{
	if (bad_reported++ < MAX_REPORTED)
		warnx("stdin:%lu: %s '%.*s'", lineno, why, (int)(len > 80 ? 80 : len), line);
}

int main(int argc, char **argv)
{
	struct resultfilter_config cfg = {
	    .key = "saddr", .in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO};
	int quiet = 0, ch;
	while ((ch = getopt_long(argc, argv, "u:aqhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			cfg.key = optarg;
			break;
		case 'a':
			cfg.all = true;
			break;
		case OPT_NO_DEDUP:
			cfg.no_dedup = true;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			help();
			return 0;
		case 'V':
			printf("zfilter (zscan) %s\n", ZSCAN_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc)
		errx(2, "unexpected argument '%s': results come on stdin", argv[optind]);
	struct resultfilter_stats st = {0};
	struct zerr e;
	int rc = resultfilter_run(&cfg, report_bad, &st, &e);
	if (rc == RESULTFILTER_USAGE)
		errx(2, "%s", e.msg);
	if (rc < 0)
		errx(1, "%s", e.msg);
	if (st.bad) {
		if (!quiet)
			warnx("%llu bad line%s skipped (of %llu)", (unsigned long long)st.bad,
			      st.bad == 1 ? "" : "s", (unsigned long long)st.rows);
		return 1;
	}
	return 0;
}
