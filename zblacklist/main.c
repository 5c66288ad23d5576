/* zblacklist: the constraint set on its own. Filters address lines on stdin
 * down to the allowed ones, or prints the allowed set's size or its CIDRs. */
#include <err.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tool/badline.h"
#include "tool/cli.h"
#include "core/addr.h"
#include "addrfilter.h"
#include "core/constraint.h"
#include "util/outbuf.h"
#include "core/targetspace.h"
#include "tool/liststats.h"
#include "tool/version.h"

static void usage(FILE *f)
{
	fputs("usage: zblacklist [--count | --cidrs] [-q] [-b file] [-w file] [address|cidr ...]\n",
	      f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nThe allowed set is the addresses and CIDR blocks given as arguments and\n"
	      "in -w (default: all of IPv4), minus the blocklist. Without --count or\n"
	      "--cidrs, read lines on stdin and print those whose first field (up to\n"
	      "',', white space or '#') is an allowed address, unchanged. A partly\n"
	      "allowed CIDR is printed as the CIDR blocks of its allowed part, each with\n"
	      "the rest of the line. Blank and comment lines are dropped; bad lines are\n"
	      "reported as stdin:LINE, skipped, and make the exit status 1.\n\n"
	      "  -b, --blocklist FILE   blocked addresses (default: built-in IANA\n"
	      "                         special-purpose list; -b /dev/null for none)\n"
	      "  -w, --allowlist FILE   only these addresses (with CIDR arguments: union)\n"
	      "      --count            print how many addresses are allowed, and exit\n"
	      "      --cidrs            print the allowed set as the fewest CIDR blocks\n"
	      "  -q, --quiet            no summary of skipped lines on stderr\n"
	      "  -h, --help             this help\n"
	      "  -V, --version          print the version\n",
	      stdout);
}

enum { OPT_COUNT = 256, OPT_CIDRS };

static const struct option longopts[] = {
    {"blocklist", required_argument, NULL, 'b'}, {"allowlist", required_argument, NULL, 'w'},
    {"count", no_argument, NULL, OPT_COUNT},     {"cidrs", no_argument, NULL, OPT_CIDRS},
    {"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},         {NULL, 0, NULL, 0},
};

static void report_bad(void *ctx, unsigned long lineno, const char *why, const char *tok,
                       size_t toklen)
{
	badline_report(ctx, lineno, why, tok, toklen, 64);
}

static int print_cidr(void *ctx, uint32_t prefix, int len)
{
	char buf[ADDR_STRLEN + 8];
	char *p = addr_format(buf, prefix);
	p += sprintf(p, "/%d\n", len);
	return outbuf_put(ctx, buf, (size_t)(p - buf));
}

static int print_cidrs(const struct constraint *c)
{
	struct outbuf out;
	if (outbuf_init(&out, STDOUT_FILENO) < 0)
		errx(ZS_EXIT_FAIL, "out of memory");
	if (constraint_each_cidr(c, 0, -1, print_cidr, &out) < 0 || outbuf_flush(&out) < 0)
		err(ZS_EXIT_FAIL, "write error");
	outbuf_free(&out);
	return ZS_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct targetspace_opts ts = {0};
	int mode = 0, quiet = 0, ch;
	struct zerr e;

	opterr = 0; /* cli_bad_option says it in one line */
	while ((ch = getopt_long(argc, argv, ":b:w:qhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			ts.blocklist = optarg;
			break;
		case 'w':
			ts.allowlist = optarg;
			break;
		case OPT_COUNT:
		case OPT_CIDRS:
			if (mode && mode != ch)
				errx(ZS_EXIT_USAGE, "--count and --cidrs exclude each other");
			mode = ch;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			help();
			return ZS_EXIT_OK;
		case 'V':
			printf("zblacklist (zscan) %s\n", ZSCAN_VERSION);
			return ZS_EXIT_OK;
		default:
			cli_bad_option(ch, argv);
		}
	}
	ts.cidrs = argv + optind;
	ts.ncidrs = argc - optind;
	struct listfile_stats lst = {0};
	struct targetspace *t = targetspace_build(&ts, &lst, &e);
	if (!t)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	const struct constraint *c = t->v4;
	if (!quiet)
		liststats_warn(&lst);

	int status = ZS_EXIT_OK;
	if (mode == OPT_COUNT) {
		printf("%" PRIu64 "\n", constraint_count(c));
		if (fflush(stdout) == EOF || ferror(stdout))
			err(ZS_EXIT_FAIL, "write error");
	} else if (mode == OPT_CIDRS) {
		status = print_cidrs(c);
	} else {
		struct badline reported = {0};
		struct addrfilter_stats st = {0};
		if (addrfilter_run(c, STDIN_FILENO, STDOUT_FILENO, report_bad, &reported, &st, &e) <
		    0)
			errx(ZS_EXIT_FAIL, "%s", e.msg);
		if (st.bad > 0) {
			if (!quiet)
				warnx("%llu bad line%s skipped (of %llu)", st.bad,
				      st.bad == 1 ? "" : "s", st.lines);
			status = ZS_EXIT_FAIL;
		}
	}
	targetspace_free(t);
	return status;
}
