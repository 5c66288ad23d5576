/* zhilbert: a picture of scan results. Reads addresses (zfilter's output,
 * or zrecv's CSV) on stdin and writes a PNG of a Hilbert curve over a
 * prefix, one pixel per unit, coloured by how many addresses fall in it.
 * Options are checked here; the work is in hilbertmap.c. */
#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tool/closeout.h"
#include "tool/badline.h"
#include "tool/cli.h"
#include "tool/options.h"
#include "tool/signals.h"
#include "tool/version.h"
#include "util/numparse.h"
#include "hilbertmap.h"

static void usage(FILE *f)
{
	fputs("usage: zhilbert [-q] [-C file] [-p prefix/len] [-u unit] < addresses > map.png\n",
	      f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nRead addresses on stdin, one a line or as the first field (up to ',',\n"
	      "white space or '#') of zrecv's CSV and zfilter's output, and write a PNG\n"
	      "on stdout: the units of a prefix (the /24s of IPv4 by default) laid out\n"
	      "along a Hilbert curve, one pixel each, so that nearby addresses stay\n"
	      "nearby; a pixel's colour is the number of addresses read in its unit,\n"
	      "by powers of two, black for none, with a legend below the square.\n"
	      "Addresses outside the prefix (or of the other family) are counted and\n"
	      "skipped; a header line, blank lines and comments are skipped; bad lines\n"
	      "are reported as stdin:LINE, skipped, and make the exit status 1.\n\n"
	      "  -p, --prefix P/LEN  the prefix the square covers, of either family\n"
	      "                      (default 0.0.0.0/0)\n"
	      "  -u, --unit N        one pixel per /N under the prefix; N - LEN must be\n"
	      "                      even and at most 24: 24 (4096 x 4096) or 16\n"
	      "                      (256 x 256) for all of IPv4 (default: 24 for\n"
	      "                      0.0.0.0/0, else LEN + 16 or as near as fits)\n"
	      "  -q, --quiet         no summary of skipped lines on stderr\n"
	      "  -C, --config FILE   read options not given from FILE (see below)\n"
	      "  -h, --help          this help\n"
	      "  -V, --version       print the version\n\n"
	      "Memory: 4 bytes per pixel of the square, 64 MiB at 4096 x 4096.\n",
	      stdout);
	config_help(stdout);
}

static const struct option longopts[] = {
    {"prefix", required_argument, NULL, 'p'},
    {"unit", required_argument, NULL, 'u'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"config", required_argument, NULL, 'C'},
    {NULL, 0, NULL, 0},
};

static struct badline bad_lines;

static void report_bad(void *ctx, unsigned long lineno, const char *why, const char *line,
                       size_t len)
{
	(void)ctx;
	badline_report(&bad_lines, lineno, why, line, len, 80);
}

/* A stop request (SIGINT, SIGTERM, SIGHUP) ends the input: the picture is
 * that of the lines read before. */
static volatile sig_atomic_t requests;

static void on_signal(int sig)
{
	(void)sig;
	signals_count_request(&requests);
}

int main(int argc, char **argv)
{
	closeout_install(); /* runs last: stdout checked however main ends */
	signals_catch(on_signal, 0);
	const char *prefix_arg = "0.0.0.0/0";
	struct ipaddr prefix = ipaddr_from_v4(0);
	int len = 0, unit = -1, quiet = 0, ch, slice;
	uint64_t v;
	struct zerr e;
	struct optstream os;
	optstream_init(&os, "zhilbert", argc, argv, ":p:u:C:qhV", longopts);
	while ((ch = optstream_next(&os)) != -1) {
		switch (ch) {
		case 'p': {
			const char *slash = strchr(optarg, '/');
			enum addr_status s =
			    slash ? ipprefix_parse(optarg, strlen(optarg), &prefix, &len, &slice)
			          : ADDR_BAD;
			if (s < 0 || slice)
				errx(ZS_EXIT_USAGE, "-p: '%s' is not a prefix like 2001:db8::/32",
				     cli_shown(optarg));
			if (s == ADDR_HOST_BITS)
				errx(ZS_EXIT_USAGE, "-p: '%s' has bits set below its /%d",
				     cli_shown(optarg), len);
			prefix_arg = optarg;
			break;
		}
		case 'u':
			if (parse_u64(optarg, 1, 128, "-u", &v, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			unit = (int)v;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			help();
			return 0;
		case 'V':
			printf("zhilbert (zscan) %s\n", ZSCAN_VERSION);
			return 0;
		default:
			cli_bad_option(ch, argv);
		}
	}
	if (optind != argc)
		errx(ZS_EXIT_USAGE, "unexpected argument '%s': addresses come on stdin",
		     cli_shown(argv[optind]));
	int bits = ipaddr_is_v4(prefix) ? 32 : 128;
	if (unit < 0) { /* the default: the /24s of IPv4, else 2^16 units or fewer */
		unit = bits == 32 && len == 0 ? 24 : len + 16;
		if (unit > bits)
			unit = bits - (bits - len) % 2;
	}
	if (isatty(STDOUT_FILENO))
		errx(ZS_EXIT_USAGE, "stdout is a terminal: send the PNG to a file (> map.png)");
	struct hilbertmap m;
	if (hilbertmap_init(&m, prefix, len, unit, &e) < 0)
		errx(m.side ? ZS_EXIT_FAIL : ZS_EXIT_USAGE, "-u %d: %s", unit, e.msg);
	struct hilbertmap_stats st = {0};
	if (hilbertmap_read(&m, STDIN_FILENO, &requests, report_bad, NULL, &st, &e) < 0 ||
	    hilbertmap_write_png(&m, STDOUT_FILENO, &st, &e) < 0)
		errx(ZS_EXIT_FAIL, "%s", e.msg);
	hilbertmap_free(&m);
	if (st.outside && !quiet)
		warnx("%llu address%s outside %s skipped", st.outside, st.outside == 1 ? "" : "es",
		      cli_shown(prefix_arg));
	if (st.bad && !quiet)
		warnx("%llu bad line%s skipped (of %llu)", st.bad, st.bad == 1 ? "" : "s",
		      st.lines);
	return st.bad ? ZS_EXIT_FAIL : st.interrupted ? ZS_EXIT_INCOMPLETE : ZS_EXIT_OK;
}
