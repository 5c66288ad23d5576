/* zscan: ZMap's everyday command line, run as the pipeline of stages
 * that does the work (zgen --header | zsend | zrecv [| zfilter]). Options
 * are read and checked here; flagmap.c says which stage owns each flag
 * and pipeline.c runs the stages, which zscan finds beside itself. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tool/closeout.h"
#include "tool/cli.h"
#include "tool/options.h"
#include "tool/version.h"
#include "core/addr/ports.h"
#include "core/perm/limit.h"
#include "probe/probe.h"
#include "util/outfile.h"
#include "flagmap.h"
#include "pipeline.h"

static void usage(FILE *f)
{
	fputs("usage: zscan [-dqX] [--explain] [-b file] [-B bps] [-c secs] [-C file] [-e seed]\n"
	      "             [-f fields] [-G mac] [-i interface] [-M module] [-n count|percent%]\n"
	      "             [-N results] [-o file] [-O csv|json] [-p ports] [-P probes]\n"
	      "             [-r pps] [-s ports] [-S addresses] [-t secs] [-T threads] [-w file]\n"
	      "             [--output-filter expr] [--probe-args args] [--shards n --shard i]\n"
	      "             [address|cidr ...]\n",
	      f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nScan as ZMap does, with ZMap's flags: zscan runs the pipeline\n"
	      "zgen --header | zsend | zrecv [| zfilter], each stage the binary of\n"
	      "that name in zscan's own directory, each flag given to the stage that\n"
	      "owns it (--explain prints the pipeline). Without -O, -f or\n"
	      "--output-filter the output is ZMap's: each address that answered as\n"
	      "up, once, one a line, no header (address,port with several ports).\n\n"
	      "  -p, --target-ports LIST     ports, e.g. 80,443,8000-8100               (zgen)\n"
	      "  -n, --max-targets N         N targets, or P% of them                   (zgen)\n"
	      "  -w, --allowlist-file FILE   only these addresses                       (zgen)\n"
	      "  -b, --blocklist-file FILE   never these (default: IANA lists)   (zgen, zsend)\n"
	      "  -e, --seed N                the permutation's seed                     (zgen)\n"
	      "      --shards N, --shard I   shard I of N (needs -e)                    (zgen)\n"
	      "      --resume N              skip the N targets done before, as zsend's\n"
	      "                              resume line says                           (zgen)\n"
	      "  -r, --rate PPS              packets per second                        (zsend)\n"
	      "  -B, --bandwidth BPS         the rate in bits per second, K/M/G        (zsend)\n"
	      "  -i, --interface IFACE       send and capture there             (zsend, zrecv)\n"
	      "  -S, --source-ip LIST        source addresses                          (zsend)\n"
	      "  -G, --gateway-mac MAC       next-hop MAC                              (zsend)\n"
	      "  -X, --iplayer               IP packets, no Ethernet header            (zsend)\n"
	      "  -M, --probe-module NAME     tcp_syn (default), icmp_echo, udp, dns... (zsend)\n"
	      "      --probe-args ARGS       the module's arguments                    (zsend)\n"
	      "  -P, --probes N              probes per target                         (zsend)\n"
	      "  -s, --source-port RANGE     source ports                              (zsend)\n"
	      "      --probe-ttl N           the probes' TTL                           (zsend)\n"
	      "      --max-sendto-failures N give up after N failed sends              (zsend)\n"
	      "  -T, --sender-threads N      sender threads                            (zsend)\n"
	      "  -d, --dryrun                print the frames, send nothing            (zsend)\n"
	      "  -c, --cooldown-time SECS    receive this long after sending           (zrecv)\n"
	      "  -t, --max-runtime SECS      stop after this long                      (zrecv)\n"
	      "  -N, --max-results N         stop once N targets are up                (zrecv)\n"
	      "      --min-hitrate PCT       abort below this hit rate                 (zrecv)\n"
	      "      --dedup-method M        default, full, window or none             (zrecv)\n"
	      "      --dedup-window-size N   the window's size                         (zrecv)\n"
	      "  -o, --output-file FILE      write the results to FILE        (the last stage)\n"
	      "  -O, --output-module FMT     csv or json: a header row (csv) and\n"
	      "                              every answer, as ZMap's                   (zrecv)\n"
	      "  -f, --output-fields LIST    fields, '*' for all, as ZMap's: a\n"
	      "                              header row and every answer               (zrecv)\n"
	      "      --output-filter EXPR    the answers where EXPR holds, e.g.\n"
	      "                              'success = 1 && repeat = 0'             (zfilter)\n"
	      "  -C, --config FILE           the configuration file              (every stage)\n"
	      "  -q, --quiet                 no status lines           (zsend, zrecv, zfilter)\n"
	      "      --explain               print the pipeline as one shell line\n"
	      "                              and exit, running nothing\n"
	      "  -h, --help                  this help\n"
	      "  -V, --version               print the version\n",
	      stdout);
	config_help(stdout);
}

static const struct option longopts[] = {
    {"target-ports", required_argument, NULL, 'p'},
    {"target-port", required_argument, NULL, 'p'},
    {"max-targets", required_argument, NULL, 'n'},
    {"allowlist-file", required_argument, NULL, 'w'},
    {"whitelist-file", required_argument, NULL, 'w'},
    {"blocklist-file", required_argument, NULL, 'b'},
    {"blacklist-file", required_argument, NULL, 'b'},
    {"seed", required_argument, NULL, 'e'},
    {"shards", required_argument, NULL, OPT_SHARDS},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"resume", required_argument, NULL, OPT_RESUME},
    {"rate", required_argument, NULL, 'r'},
    {"bandwidth", required_argument, NULL, 'B'},
    {"interface", required_argument, NULL, 'i'},
    {"source-ip", required_argument, NULL, 'S'},
    {"gateway-mac", required_argument, NULL, 'G'},
    {"iplayer", no_argument, NULL, 'X'},
    {"probe-module", required_argument, NULL, 'M'},
    {"probe-args", required_argument, NULL, OPT_PROBE_ARGS},
    {"probes", required_argument, NULL, 'P'},
    {"source-port", required_argument, NULL, 's'},
    {"probe-ttl", required_argument, NULL, OPT_PROBE_TTL},
    {"max-sendto-failures", required_argument, NULL, OPT_MAX_SENDTO_FAILURES},
    {"sender-threads", required_argument, NULL, 'T'},
    {"dryrun", no_argument, NULL, 'd'},
    {"cooldown-time", required_argument, NULL, 'c'},
    {"max-runtime", required_argument, NULL, 't'},
    {"max-results", required_argument, NULL, 'N'},
    {"min-hitrate", required_argument, NULL, OPT_MIN_HITRATE},
    {"dedup-method", required_argument, NULL, OPT_DEDUP_METHOD},
    {"dedup-window-size", required_argument, NULL, OPT_DEDUP_WINDOW},
    {"output-file", required_argument, NULL, 'o'},
    {"output-module", required_argument, NULL, 'O'},
    {"output-fields", required_argument, NULL, 'f'},
    {"output-filter", required_argument, NULL, OPT_OUTPUT_FILTER},
    {"config", required_argument, NULL, 'C'},
    {"quiet", no_argument, NULL, 'q'},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* The values zscan can check with the very code the stage that takes
 * them checks them with: a mistake there is a usage error before anything
 * runs or any output file is emptied. The rest are the stages' to refuse. */
static void check_value(int opt, const char *arg, struct zscan_request *r)
{
	struct zerr e;
	if (opt == 'p') {
		struct ports ports;
		if (ports_parse(arg, &ports, &e) < 0)
			errx(ZS_EXIT_USAGE, "-p: %s", e.msg);
		r->several_ports = ports.n > 1;
		ports_free(&ports);
	} else if (opt == 'n') {
		struct limit l;
		if (limit_parse(arg, &l, &e) < 0)
			errx(ZS_EXIT_USAGE, "%s", e.msg);
	} else if (opt == 'M' && !probe_find(arg)) {
		errx(ZS_EXIT_USAGE, "-M: no probe module '%s' (see zsend --list-modules)",
		     cli_shown(arg));
	}
}

/* Keeps a flag for the stages, in order. */
static void record(struct zscan_request *r, size_t *cap, int opt, const char *arg)
{
	if (r->nflags == *cap) {
		*cap = *cap ? 2 * *cap : 32;
		struct zflag *f = realloc(r->flags, *cap * sizeof *f);
		if (!f)
			err(ZS_EXIT_FAIL, "out of memory");
		r->flags = f;
	}
	r->flags[r->nflags++] = (struct zflag){.opt = opt, .arg = arg};
}

/* The value of the last opt given, or dflt. */
static const char *last_value(const struct zscan_request *r, int opt, const char *dflt)
{
	for (size_t i = r->nflags; i-- > 0;)
		if (r->flags[i].opt == opt)
			return r->flags[i].arg;
	return dflt;
}

/* The directory zscan's own binary is in, where its stages are: bin/zscan
 * runs bin/zgen, an installed one the installed stages. */
static void own_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	if (n <= 0 || (size_t)n >= size - 1)
		err(ZS_EXIT_FAIL, "/proc/self/exe: cannot find zscan's own directory");
	dir[n] = '\0';
	char *slash = strrchr(dir, '/');
	if (!slash)
		errx(ZS_EXIT_FAIL, "/proc/self/exe: '%s' is not a path", cli_shown(dir));
	*slash = '\0';
}

/* The output file, named by -o when zfilter writes the results (zrecv
 * opens its own): opened as zrecv opens it, refusing what another user
 * planted in a shared directory. */
static int open_output(const char *path)
{
	struct outfile o;
	struct zerr e;
	if (outfile_open(&o, path, &e) < 0)
		errx(ZS_EXIT_FAIL, "%s", e.msg);
	struct stat st;
	if (fstat(o.fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(o.fd, 0) < 0)
		err(ZS_EXIT_FAIL, "%s", path);
	return o.fd;
}

int main(int argc, char **argv)
{
	pipeline_hold_signals(); /* first: a stop request is never lost */
	closeout_install();

	/* parse */
	struct zscan_request r = {.nflags = 0};
	size_t cap = 0;
	bool explain = false;
	int ch;
	/* the configuration file's lines for zscan's options (ZMap's names)
	 * count as given: they shape the pipeline as the same flags would */
	struct optstream s;
	optstream_init(&s, "zscan", argc, argv, ":p:n:w:b:e:r:B:i:S:G:XM:P:s:T:dc:t:N:o:O:f:C:qhV",
	               longopts);
	while ((ch = optstream_next(&s)) != -1) {
		if (flagmap_passes(ch)) {
			check_value(ch, optarg, &r);
			record(&r, &cap, ch, optarg);
			continue;
		}
		switch (ch) {
		case 'd':
			r.dryrun = true;
			break;
		case 'o':
			r.output_file = optarg;
			break;
		case 'O':
			if (strcmp(optarg, "csv") != 0 && strcmp(optarg, "json") != 0)
				errx(ZS_EXIT_USAGE, "-O: '%s' is not csv or json",
				     cli_shown(optarg));
			r.output_format = optarg;
			break;
		case 'f':
			r.output_fields = optarg;
			break;
		case OPT_OUTPUT_FILTER:
			r.output_filter = optarg;
			break;
		case OPT_EXPLAIN:
			/* phase 1: the stream is handing over the file's lines */
			if (s.phase == 1)
				errx(ZS_EXIT_USAGE, "explain is for the command line");
			explain = true;
			break;
		case 'h':
			help();
			return ZS_EXIT_OK;
		case 'V':
			printf("zscan (zscan) %s\n", ZSCAN_VERSION);
			return ZS_EXIT_OK;
		default:
			cli_bad_option(ch, argv);
		}
	}
	r.targets = argv + optind;
	r.ntargets = argc - optind;
	r.config = s.config_path;

	/* check */
	if (r.output_file && !*r.output_file)
		errx(ZS_EXIT_USAGE, "-o: an empty file name");
	const struct probe_module *mod = probe_find(last_value(&r, 'M', "tcp_syn"));
	if (mod->needs_port && !last_value(&r, 'p', NULL))
		errx(ZS_EXIT_USAGE, "-p: the %s module probes ports: say which, e.g. -p 80",
		     mod->name);

	/* build the stage command lines */
	char dir[PATH_MAX];
	own_dir(dir, sizeof dir);
	struct pipeline p;
	struct zerr e;
	if (flagmap_plan(&r, dir, &p, &e) < 0)
		errx(ZS_EXIT_FAIL, "%s", e.msg);
	if (explain) {
		int printed = pipeline_print(&p, stdout);
		flagmap_free(&p);
		free(r.flags);
		return printed < 0 ? ZS_EXIT_FAIL : ZS_EXIT_OK;
	}

	/* run */
	for (int i = 0; i < p.n; i++)
		if (access(p.stage[i].path, X_OK) < 0)
			err(ZS_EXIT_FAIL, "%s: zscan runs the stages beside it", p.stage[i].path);
	int out_fd = p.redirect ? open_output(p.redirect) : -1;
	int wstatus[PIPELINE_MAX_STAGES] = {0};
	/* the stages skip the configuration file's lines for zscan's own
	 * options: zscan has given each what it takes of them */
	if (setenv("ZSCAN_FRONT_DOOR", "1", 1) < 0)
		err(ZS_EXIT_FAIL, "setenv");
	int rc = pipeline_run(&p, out_fd, wstatus, &e);
	if (out_fd >= 0)
		close(out_fd);

	/* report: each stage said its own failure; this names which stage
	 * the pipeline's status comes from (3, a stop, is said by each) */
	int verdict = pipeline_verdict(&p, wstatus);
	char statuses[256];
	pipeline_describe(&p, wstatus, statuses, sizeof statuses);
	if (rc < 0)
		warnx("%s (%s)", e.msg, statuses);
	else if (verdict != ZS_EXIT_OK && verdict != ZS_EXIT_INCOMPLETE)
		warnx("the scan failed: %s", statuses);
	flagmap_free(&p);
	free(r.flags);
	return rc < 0 ? ZS_EXIT_FAIL : verdict;
}
