/* zblacklist: the constraint set on its own. Filters address lines on stdin
 * down to the allowed ones, or prints the allowed set's size or its CIDRs. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool/blocklists.h"
#include "tool/closeout.h"
#include "tool/badline.h"
#include "tool/cli.h"
#include "core/addr/addr.h"
#include "addrfilter.h"
#include "core/addr/constraint.h"
#include "util/outbuf.h"
#include "core/addr/targetspace.h"
#include "tool/liststats.h"
#include "tool/options.h"
#include "tool/signals.h"
#include "tool/version.h"

static void usage(FILE *f)
{
	fputs("usage: zblacklist [--count | --cidrs] [-q] [-b file] [-C file] [-w file] [--iid "
	      "address]\n"
	      "                  [--no-duplicate-checking]\n"
	      "                  [address|cidr|prefix/len-slice ...]\n",
	      f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nThe allowed set is the addresses, CIDR blocks and IPv6 prefixes given as\n"
	      "arguments and in -w, minus the blocklist; with no allow entries, all of\n"
	      "IPv4 and IPv6. Without --count or --cidrs, read lines on stdin and print\n"
	      "those whose first field (up to ',', white space or '#') is an allowed\n"
	      "address of either family, unchanged. A partly allowed CIDR or prefix is\n"
	      "printed as the CIDR blocks of its allowed part, each with the rest of the\n"
	      "line. Blank and comment lines are dropped; bad lines are reported as\n"
	      "stdin:LINE, skipped, and make the exit status 1.\n\n"
	      "  -b, --blocklist FILE   blocked addresses (default: the installed IANA\n"
	      "                         special-purpose lists of IPv4 and IPv6;\n"
	      "                         -b /dev/null for none)\n"
	      "  -w, --allowlist FILE   only these addresses (with arguments: union)\n"
	      "      --no-duplicate-checking  print a line that passes every time it\n"
	      "                         comes (by default a repeat of an earlier line's\n"
	      "                         address and rest is dropped, as zblocklist does)\n"
	      "      --iid ADDRESS      the address in each slice of a prefix slice, as\n"
	      "                         zgen's --iid (default ::1)\n"
	      "      --count            print how many targets zgen would scan (IPv6 only\n"
	      "                         as allow entries name it), and exit\n"
	      "      --cidrs            print that target set as the fewest CIDR blocks\n"
	      "  -q, --quiet            no summary of skipped lines on stderr\n"
	      "  -C, --config FILE      read options not given from FILE (see below)\n"
	      "  -h, --help             this help\n"
	      "  -V, --version          print the version\n",
	      stdout);
	blocklists_help(stdout);
	config_help(stdout);
}

enum { OPT_COUNT = 256, OPT_CIDRS, OPT_IID, OPT_NO_DUP };

static const struct option longopts[] = {
    {"blocklist", required_argument, NULL, 'b'},
    {"allowlist", required_argument, NULL, 'w'},
    {"count", no_argument, NULL, OPT_COUNT},
    {"cidrs", no_argument, NULL, OPT_CIDRS},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"iid", required_argument, NULL, OPT_IID},
    {"no-duplicate-checking", no_argument, NULL, OPT_NO_DUP},
    {"config", required_argument, NULL, 'C'},
    {NULL, 0, NULL, 0},
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

static int print_cidr6(void *ctx, struct ipaddr prefix, int len)
{
	char buf[IPADDR_STRLEN + 8];
	char *p = ipaddr_format(buf, prefix);
	p += sprintf(p, "/%d\n", len);
	return outbuf_put(ctx, buf, (size_t)(p - buf));
}

/* The IPv6 cover lists each address of prefix slices as a /128: past this
 * many, --cidrs refuses rather than print millions of lines. */
#define CIDRS_POINTS (1u << 20)

/* The first write error ends zblacklist with this one line: what went
 * out is written past stdio, so closeout (at exit) finds nothing more. */
static _Noreturn void write_failed(void)
{
	errx(ZS_EXIT_FAIL, "stdout: write error: %s", strerror(errno));
}

/* The scan's target space: IPv4's blocks, then IPv6's (as --count). */
static int print_cidrs(const struct targetspace *t)
{
	struct outbuf out;
	struct zerr e = {{0}};
	if (outbuf_init(&out, STDOUT_FILENO) < 0)
		errx(ZS_EXIT_FAIL, "out of memory");
	if (constraint_each_cidr(t->v4, 0, -1, print_cidr, &out) < 0)
		write_failed();
	if (!t->v6_all && ip6set_each_cidr(&t->v6, false, (struct ipaddr){0, 0}, 0, print_cidr6,
	                                   &out, CIDRS_POINTS, &e) < 0) {
		if (e.msg[0])
			errx(ZS_EXIT_FAIL, "--cidrs: %s", e.msg);
		write_failed();
	}
	if (outbuf_flush(&out) < 0)
		write_failed();
	outbuf_free(&out);
	return ZS_EXIT_OK;
}

/* Prints v4 + v6 (+ 2^128 when all6) in decimal: past 2^128 when all of
 * IPv6 and some IPv4 are allowed. */
static void print_count(uint64_t v4, unsigned __int128 v6, bool all6)
{
	unsigned __int128 sum = v4 + v6;
	unsigned carry = (sum < v6) + all6; /* units of 2^128 */
	/* divide the 130-bit (carry, sum) by 10 repeatedly, high part first */
	char buf[64], *p = buf + sizeof buf;
	*--p = '\0';
	do {
		unsigned __int128 hi_rem = carry % 10;
		carry /= 10;
		/* (hi_rem * 2^128 + sum) / 10, in 64-bit halves */
		uint64_t w[2] = {(uint64_t)(sum >> 64), (uint64_t)sum};
		unsigned __int128 rem = hi_rem;
		for (int k = 0; k < 2; k++) {
			unsigned __int128 cur = (rem << 64) | w[k];
			w[k] = (uint64_t)(cur / 10);
			rem = cur % 10;
		}
		sum = ((unsigned __int128)w[0] << 64) | w[1];
		*--p = (char)('0' + (int)rem);
	} while (carry || sum);
	buf[sizeof buf - 1] = '\n';
	if (write_full(STDOUT_FILENO, p, (size_t)(buf + sizeof buf - p)) < 0)
		write_failed();
}

/* Stop requests (tool/signals.h: SIGINT, SIGTERM and SIGHUP alike). With
 * a pipe on stdin, a first request reads it to its end: in a pipeline the
 * request reaches every stage, and what the stages before write until
 * they end is filtered, as zfilter does; unless what comes is no line at
 * all (an overlong one being skipped when the request came, as from
 * /dev/zero). Otherwise, and for a second request, the input ends before
 * its next read; a second one also gives up a write its reader does not
 * take (util/outbuf.h). */
static volatile sig_atomic_t requests, stop_now, abandon;
static bool drain; /* set before the handler is */

static void on_signal(int sig)
{
	(void)sig;
	signals_count_request(&requests);
	if (!drain || requests >= 2)
		stop_now = 1;
	if (requests >= 2)
		abandon = 1;
}

/* The output's write error that ended the filter: after a stop request, a
 * reader gone (the stage after it stopped too) is the expected end, said
 * nothing of, and a write given up at the second request is said in one
 * line; both are a stop. Otherwise a failure, said in e's one line. */
static int filter_write_failed(const struct addrfilter_stats *st, const struct zerr *e)
{
	if (st->write_errno == EPIPE && requests)
		return ZS_EXIT_INCOMPLETE;
	if (st->write_errno == ECANCELED) {
		warnx("stdout: stopped with a write its reader did not take: %s",
		      write_full_ends_line(STDOUT_FILENO) ? "the output ends on a whole line"
		                                          : "its last line may be torn");
		return ZS_EXIT_INCOMPLETE;
	}
	errx(ZS_EXIT_FAIL, "%s", e->msg);
}

int main(int argc, char **argv)
{
	closeout_install();       /* runs last: stdout checked however main ends */
	signal(SIGPIPE, SIG_IGN); /* a closed output is a write error, said in one line */
	struct targetspace_opts ts = {.iid = TARGETSPACE_IID_DEFAULT};
	int mode = 0, quiet = 0, ch;
	struct zerr e;

	bool dedup = true; /* as ZMap's zblocklist: repeats dropped */
	struct optstream s;
	optstream_init(&s, "zblacklist", argc, argv, ":b:w:C:qhV", longopts);
	while ((ch = optstream_next(&s)) != -1) {
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
		case OPT_IID:
			ts.iid = cli_iid(optarg);
			break;
		case OPT_NO_DUP:
			dedup = false;
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
	if (!mode) { /* a filter stops on whole lines; --count and --cidrs end as they will */
		struct stat in;
		drain =
		    fstat(STDIN_FILENO, &in) == 0 && (S_ISFIFO(in.st_mode) || S_ISSOCK(in.st_mode));
		signals_catch(on_signal, 0); /* no SA_RESTART: a blocked read sees a stop */
		write_full_abandon_on(&abandon);
	}
	struct listfile_stats lst = {0};
	struct targetspace *t = targetspace_build(&ts, &lst, &e);
	if (!t)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	if (!quiet)
		liststats_warn(&lst);

	int status = ZS_EXIT_OK;
	if (mode == OPT_COUNT) {
		/* the scan's targets: IPv6 only as allow entries name it, as
		 * zgen scans it (and then perhaps past 2^48) */
		unsigned __int128 v6 = 0;
		bool all6 =
		    !t->v6_all && ip6set_count_in(&t->v6, false, (struct ipaddr){0, 0}, 0, &v6);
		print_count(constraint_count(t->v4), v6, all6);
	} else if (mode == OPT_CIDRS) {
		status = print_cidrs(t);
	} else {
		struct badline reported = {0};
		struct addrfilter_stats st = {0};
		if (addrfilter_run(t, STDIN_FILENO, STDOUT_FILENO, dedup, &stop_now, &requests,
		                   report_bad, &reported, &st, &e) < 0) {
			if (st.write_errno == 0)
				errx(ZS_EXIT_FAIL, "%s", e.msg);
			status = filter_write_failed(&st, &e);
		}
		/* stopped: the output is that of the lines before, which the
		 * rest of the input continues */
		if (st.interrupted)
			status = ZS_EXIT_INCOMPLETE;
		/* bad lines dominate: they need a look, a stop only a rerun */
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
