/* zfilter: the distinct hosts (or other keys) of zrecv's results. Options
 * are checked here; the work is in resultfilter.c. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tool/closeout.h"
#include "tool/badline.h"
#include "tool/cli.h"
#include "tool/options.h"
#include "tool/signals.h"
#include "util/outbuf.h"
#include "resultfilter.h"
#include "tool/version.h"

static void usage(FILE *f)
{
	fputs("usage: zfilter [-a] [-q] [--no-dedup] [-C file] [-f fields]\n"
	      "               [-O text|csv|json|zgrab2|lzr] [-u fields] [--where expression]\n"
	      "               [-T 1|2]\n",
	      f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nRead zrecv's results on stdin (CSV with a header row, or JSON lines) and\n"
	      "print the first row of each distinct key among the rows that pass: by\n"
	      "default the address (saddr) of rows with success = 1, one per line.\n"
	      "-f saddr,sport prints target lines zsend reads back.\n\n"
	      "  -f, --output-fields F   fields to print, '*' for all, blank for an empty\n"
	      "                          column (default: the key)\n"
	      "  -u, --unique FIELDS     the key, e.g. saddr,sport (default: the output\n"
	      "                          fields, or saddr)\n"
	      "  -O, --output-format FMT text (values only, default), csv (with a header),\n"
	      "                          json (JSON lines); zgrab2: ZGrab2's input lines\n"
	      "                          ip,domain,tag,port (default -f saddr,sport; -f of\n"
	      "                          1, 2 or 4 fields); lzr: JSON lines of the fields\n"
	      "                          LZR reads, saddr,daddr,sport,dport,seqnum,acknum,\n"
	      "                          window (key saddr,sport)\n"
	      "  -w, --where EXPR        keep rows where EXPR holds (instead of success = 1),\n"
	      "                          e.g. 'success = 1 && (sport = 80 || sport = 443)'\n"
	      "                          with = != < <= > >= && || ! ( ), numbers, \"strings\",\n"
	      "                          addresses; saddr in 198.18.0.0/15 (not in), text\n"
	      "                          ~ \"substring\" (!~), text like \"glob*\" (not like)\n"
	      "  -a, --all               every row, not only success = 1\n"
	      "      --no-dedup          print every passing row\n"
	      "  -T, --threads N         1: all in one thread; 2: a second thread\n"
	      "                          deduplicates and prints while the first parses\n"
	      "                          (default: 2 when there are 2 CPUs to run on)\n"
	      "  -q, --quiet          no summary of skipped lines on stderr\n"
	      "  -C, --config FILE    read options not given from FILE (see below)\n"
	      "  -h, --help           this help\n"
	      "  -V, --version        print the version\n\n"
	      "Memory: the saddr key uses a bitmap that takes 4 KiB per /17 as\n"
	      "addresses appear, at most 512 MiB for all of IPv4; other keys use a hash\n"
	      "set that grows by about 40 bytes plus the key per distinct key.\n",
	      stdout);
	config_help(stdout);
}

enum { OPT_NO_DEDUP = 256 };

static const struct option longopts[] = {
    {"unique", required_argument, NULL, 'u'},
    {"output-fields", required_argument, NULL, 'f'},
    {"output-format", required_argument, NULL, 'O'},
    {"where", required_argument, NULL, 'w'},
    {"all", no_argument, NULL, 'a'},
    {"no-dedup", no_argument, NULL, OPT_NO_DEDUP},
    {"threads", required_argument, NULL, 'T'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"config", required_argument, NULL, 'C'},
    {NULL, 0, NULL, 0},
};

static struct badline bad_lines;

/* A bad line, or a CSV record over several lines, named by its range. */
static void report_bad(unsigned long first, unsigned long last, const char *why, const char *line,
                       size_t len)
{
	if (first == last) {
		badline_report(&bad_lines, first, why, line, len, 80);
	} else if (bad_lines.named++ < BADLINE_NAMED) {
		char shown[4 * 80 + 4];
		escape_bytes(shown, sizeof shown, line, len > 80 ? 80 : len);
		warnx("stdin:%lu-%lu: %s '%s'", first, last, why, shown);
	}
}

/* Stop requests (tool/signals.h: SIGINT, SIGTERM and SIGHUP alike). With
 * a pipe on stdin, a first request reads it to its end: in a pipeline the
 * request reaches every stage, and zrecv goes on for a cooldown, so the
 * results still to come are read; unless what comes is no line at all (an
 * overlong one being skipped when the request came, as from /dev/zero).
 * Otherwise, and for a second request, zfilter stops after the block of
 * lines in hand, output flushed; a second one also gives up a write its
 * reader does not take (util/outbuf.h), in either thread. */
static volatile sig_atomic_t requests, stop_now, abandon;
static bool drain; /* set before the handler is */

static void on_signal(int sig)
{
	(void)sig;
	signals_count_request(&requests);
	if (!drain || requests >= 2)
		stop_now = 1;
	if (requests >= 2) {
		abandon = 1;
		write_full_wake();
	}
}

int main(int argc, char **argv)
{
	closeout_install(); /* runs last: stdout checked however main ends */
	/* from the first instant, so that no signal finds the default action
	 * (an exit with no word); a closed output is then a write error */
	struct stat in;
	drain = fstat(STDIN_FILENO, &in) == 0 && (S_ISFIFO(in.st_mode) || S_ISSOCK(in.st_mode));
	/* no SA_RESTART: a read blocked on an idle pipe must see a stop */
	signals_catch(on_signal, 0);
	write_full_abandon_on(&abandon);
	struct resultfilter_config cfg = {.in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO};
	int quiet = 0, ch;
	struct optstream s;
	optstream_init(&s, "zfilter", argc, argv, ":u:f:O:w:T:C:aqhV", longopts);
	while ((ch = optstream_next(&s)) != -1) {
		switch (ch) {
		case 'u':
			cfg.key = optarg;
			break;
		case 'f':
			cfg.fields = optarg;
			break;
		case 'O':
			if (strcmp(optarg, "text") == 0)
				cfg.format = RESULTFILTER_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				cfg.format = RESULTFILTER_CSV;
			else if (strcmp(optarg, "json") == 0)
				cfg.format = RESULTFILTER_JSON;
			else if (strcmp(optarg, "zgrab2") == 0)
				cfg.format = RESULTFILTER_ZGRAB2;
			else if (strcmp(optarg, "lzr") == 0)
				cfg.format = RESULTFILTER_LZR;
			else
				errx(2, "-O: '%s' is not text, csv, json, zgrab2 or lzr",
				     cli_shown(optarg));
			break;
		case 'w':
			cfg.where = optarg;
			break;
		case 'a':
			cfg.all = true;
			break;
		case OPT_NO_DEDUP:
			cfg.no_dedup = true;
			break;
		case 'T':
			if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
				errx(2, "-T: '%s' is not 1 or 2", cli_shown(optarg));
			cfg.threads = optarg[0] - '0';
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
			cli_bad_option(ch, argv);
		}
	}
	if (optind != argc)
		errx(2, "unexpected argument '%s': results come on stdin", cli_shown(argv[optind]));
	if (cfg.all && cfg.where)
		errx(2, "-a and --where exclude each other");
	cfg.stop = &stop_now;
	cfg.skip_stop = &requests;
	struct resultfilter_stats st = {0};
	struct zerr e;
	int rc = resultfilter_run(&cfg, report_bad, &st, &e);
	if (rc == RESULTFILTER_USAGE)
		errx(2, "%s", e.msg);
	/* after a stop request, a reader gone (the stage after zfilter
	 * stopped too) is the expected end, said nothing of; a write given
	 * up at the second request is said in one line: both are a stop */
	bool stopped_writing =
	    rc < 0 && ((st.write_errno == EPIPE && requests) || st.write_errno == ECANCELED);
	if (rc < 0 && !stopped_writing)
		errx(1, "%s", e.msg);
	if (st.write_errno == ECANCELED)
		warnx("stdout: stopped with a write its reader did not take: %s",
		      write_full_ends_line(STDOUT_FILENO) ? "the output ends on a whole line"
		                                          : "its last line may be torn");
	if (st.where_unseen && !stopped_writing)
		warnx("%s", e.msg);
	if (st.bad && !quiet)
		warnx("%llu bad line%s skipped (of %llu)", (unsigned long long)st.bad,
		      st.bad == 1 ? "" : "s", (unsigned long long)st.rows);
	/* stopped early: the output is that of the lines before */
	return st.bad || (st.where_unseen && !stopped_writing) ? ZS_EXIT_FAIL
	       : st.interrupted || stopped_writing             ? ZS_EXIT_INCOMPLETE
	                                                       : ZS_EXIT_OK;
}
