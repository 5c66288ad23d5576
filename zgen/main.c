/* zgen: print a random permutation of the allowed targets, one per line.
 * Options are parsed and checked here; the work is in gen.c and common/core/
 * (targetspace, perm). Nothing is written unless every option is valid. */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool/blocklists.h"
#include "tool/closeout.h"
#include "tool/cli.h"
#include "tool/signals.h"
#include "core/addr/constraint.h"
#include "gen.h"
#include "core/perm/limit.h"
#include "util/numparse.h"
#include "core/perm/perm.h"
#include "core/addr/ports.h"
#include "core/perm/rng.h"
#include "core/addr/targetspace.h"
#include "core/stage/zgenheader.h"
#include "util/outbuf.h"
#include "tool/liststats.h"
#include "tool/options.h"
#include "tool/version.h"
#include "util/outfile.h"

#define MAX_THREADS 256
#define MAX_SHARDS ZGEN_MAX_SHARDS

static void usage(FILE *f)
{
	fputs("usage: zgen [-v] [--count] [--header] [-b file] [-C file] [-e seed] [-n "
	      "count|percent%]\n"
	      "            [-o file] [-p ports] [-T threads] [-w file] [--shards n --shard i]\n"
	      "            [--resume n] [--iid address] [address|cidr|prefix/len-slice ...]\n",
	      f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nPrint every allowed target once, in a random order, one per line:\n"
	      "\"a.b.c.d\", or \"a.b.c.d,port\" with -p (IPv6: \"x:y::z\", \"x:y::z,port\").\n"
	      "Targets are the addresses and prefixes of both families given as\n"
	      "arguments and in -w (default: all of IPv4), and IPv6 prefix slices\n"
	      "P/len-slice (every /slice of P/len, one address each), minus the\n"
	      "blocklists, times the ports.\n\n"
	      "  -p, --ports LIST       ports, e.g. 80,443,8000-8100 or '*' (all)\n"
	      "  -n, --max-targets N    stop after N targets, or P% of them (e.g. 1%)\n"
	      "  -e, --seed N           seed the permutation (same seed, same order)\n"
	      "      --shards N         split the scan into N disjoint shards (needs --seed)\n"
	      "      --shard I          emit shard I, 0 <= I < N (default 0)\n"
	      "  -T, --threads N        generator threads; output is the same for any N\n"
	      "  -b, --blocklist FILE   addresses never to emit (default: the installed\n"
	      "                         IANA special-purpose lists of IPv4 and IPv6;\n"
	      "                         -b /dev/null for none)\n"
	      "  -w, --allowlist FILE   only these addresses (with CIDR arguments: union)\n"
	      "      --iid ADDRESS      in a prefix slice, each slice's address has the\n"
	      "                         bits of ADDRESS below the slice (default ::1)\n"
	      "  -o, --output FILE      write to FILE instead of standard output\n"
	      "      --count            print how many targets would be written, and exit\n"
	      "  -v, --verbose          print the seed and group parameters on stderr\n"
	      "      --resume N         skip the first N lines of this shard (they were\n"
	      "                         sent before); needs --seed\n"
	      "      --header           start with a comment line '# zgen seed=S shard=I\n"
	      "                         shards=N targets=T' (zsend records it in --metadata)\n"
	      "  -C, --config FILE      read options not given from FILE (see below)\n"
	      "  -h, --help             this help\n"
	      "  -V, --version          print the version\n",
	      stdout);
	blocklists_help(stdout);
	config_help(stdout);
}

enum { OPT_SHARDS = 256, OPT_SHARD, OPT_COUNT, OPT_HEADER, OPT_RESUME, OPT_IID };

static const struct option longopts[] = {
    {"ports", required_argument, NULL, 'p'},       {"max-targets", required_argument, NULL, 'n'},
    {"header", no_argument, NULL, OPT_HEADER},     {"resume", required_argument, NULL, OPT_RESUME},
    {"seed", required_argument, NULL, 'e'},        {"shards", required_argument, NULL, OPT_SHARDS},
    {"shard", required_argument, NULL, OPT_SHARD}, {"threads", required_argument, NULL, 'T'},
    {"blocklist", required_argument, NULL, 'b'},   {"allowlist", required_argument, NULL, 'w'},
    {"output", required_argument, NULL, 'o'},      {"count", no_argument, NULL, OPT_COUNT},
    {"verbose", no_argument, NULL, 'v'},           {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},           {"iid", required_argument, NULL, OPT_IID},
    {"config", required_argument, NULL, 'C'},      {NULL, 0, NULL, 0},
};

/* Written past stdio, checked at once: a full disk is one line, "stdout:
 * write error: why", and closeout then finds nothing left to report. */
static int print_count(uint64_t n)
{
	char line[24];
	int len = snprintf(line, sizeof line, "%" PRIu64 "\n", n);
	if (write_full(STDOUT_FILENO, line, (size_t)len) < 0) {
		warnx("stdout: write error: %s", strerror(errno));
		return ZS_EXIT_FAIL;
	}
	return ZS_EXIT_OK;
}

/* Stop requests (tool/signals.h: SIGINT, SIGTERM and SIGHUP alike): the
 * first ends the output after the block in hand, so on a whole line; a
 * second, deliberate one also gives up a write its reader does not take
 * (util/outbuf.h), which may cut a line. */
static volatile sig_atomic_t requests, abandon;

static void on_signal(int sig)
{
	(void)sig;
	signals_count_request(&requests);
	if (requests >= 2)
		abandon = 1;
}

/* A failed write of the output (errno set): after a stop request, a
 * reader gone (the stage after zgen stopped too) is the expected end, and
 * a write given up at the second request is said in one line; both are a
 * stop (exit 3). Otherwise a write error (exit 1). */
static int write_failed(const char *name, int fd, const char *msg)
{
	int err = errno;
	if (err == EPIPE && requests)
		return ZS_EXIT_INCOMPLETE;
	if (err == ECANCELED) {
		warnx("%s: stopped with a write its reader did not take: %s", name,
		      write_full_ends_line(fd) ? "the output ends on a whole line"
		                               : "its last line may be torn");
		return ZS_EXIT_INCOMPLETE;
	}
	warnx("%s", msg);
	return ZS_EXIT_FAIL;
}

/* header: a first comment line naming the scan (zsend puts it in its
 * metadata), or NULL. */
static int generate(struct gen_config *cfg, const char *outpath, const char *header)
{
	struct zerr e;
	struct outfile out;
	cfg->fd_name = outpath ? outpath : "stdout";
	if (outpath) {
		if (outfile_open(&out, outpath, &e) < 0 || outfile_commit(&out, &e) < 0) {
			warnx("%s", e.msg);
			return ZS_EXIT_USAGE;
		}
		cfg->fd = out.fd;
	}
	if (header && write_full(cfg->fd, header, strlen(header)) < 0) {
		zerr_set(&e, "%s: write error: %s", cfg->fd_name, strerror(errno));
		return write_failed(cfg->fd_name, cfg->fd, e.msg);
	}
	int rc = gen_run(cfg, &e);
	if (rc < 0)
		return errno == EPIPE || errno == ECANCELED
		           ? write_failed(cfg->fd_name, cfg->fd, e.msg)
		           : (warnx("%s", e.msg), ZS_EXIT_FAIL);
	if (outpath && outfile_close(&out, &e) < 0) {
		warnx("%s", e.msg);
		return ZS_EXIT_FAIL;
	}
	/* 1: a signal stopped it after a whole block, so the output is the
	 * run's first lines exactly, and --resume continues it */
	return rc == 1 ? ZS_EXIT_INCOMPLETE : ZS_EXIT_OK;
}

static void die_usage(const struct zerr *e)
{
	errx(ZS_EXIT_USAGE, "%s", e->msg);
}

/* What the command line asked for. */
struct opts {
	struct targetspace_opts ts;
	struct ports ports;
	struct limit limit;
	const char *limit_text; /* -n as given, for messages */
	uint64_t seed, shards, shard, threads, resume;
	bool have_seed, count_only, verbose, with_header;
	const char *outpath;
};

/* The getopt loop over the configuration file's options and the command
 * line's (tool/options.h): values are checked one by one as they come (a
 * bad one ends zgen with one line, before anything is written); -h and -V
 * answer and exit. The arguments left are the allowed CIDRs. */
static void parse_options(int argc, char **argv, struct opts *o)
{
	struct zerr e;
	int ch;
	struct optstream s;
	optstream_init(&s, "zgen", argc, argv, ":p:n:e:T:b:w:o:C:vhV", longopts);
	while ((ch = optstream_next(&s)) != -1) {
		switch (ch) {
		case 'p':
			ports_free(&o->ports);
			if (ports_parse(optarg, &o->ports, &e) < 0)
				errx(ZS_EXIT_USAGE, "-p: %s", e.msg);
			break;
		case 'n':
			if (limit_parse(optarg, &o->limit, &e) < 0)
				die_usage(&e);
			o->limit_text = optarg;
			break;
		case 'e':
			if (parse_u64(optarg, 0, UINT64_MAX, "--seed", &o->seed, &e) < 0)
				die_usage(&e);
			o->have_seed = true;
			break;
		case OPT_HEADER:
			o->with_header = true;
			break;
		case OPT_RESUME:
			if (parse_u64(optarg, 0, UINT64_MAX, "--resume", &o->resume, &e) < 0)
				die_usage(&e);
			break;
		case OPT_SHARDS:
			if (parse_u64(optarg, 1, MAX_SHARDS, "--shards", &o->shards, &e) < 0)
				die_usage(&e);
			break;
		case OPT_SHARD:
			if (parse_u64(optarg, 0, MAX_SHARDS - 1, "--shard", &o->shard, &e) < 0)
				die_usage(&e);
			break;
		case 'T':
			if (parse_u64(optarg, 1, MAX_THREADS, "-T", &o->threads, &e) < 0)
				die_usage(&e);
			break;
		case 'b':
			o->ts.blocklist = optarg;
			break;
		case 'w':
			o->ts.allowlist = optarg;
			break;
		case 'o':
			o->outpath = optarg;
			break;
		case OPT_IID:
			o->ts.iid = cli_iid(optarg);
			break;
		case OPT_COUNT:
			o->count_only = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			help();
			exit(ZS_EXIT_OK);
		case 'V':
			printf("zgen (zscan) %s\n", ZSCAN_VERSION);
			exit(ZS_EXIT_OK);
		default:
			cli_bad_option(ch, argv);
		}
	}
	o->ts.cidrs = argv + optind;
	o->ts.ncidrs = argc - optind;
}

static void check_options(const struct opts *o)
{
	if (o->shard >= o->shards)
		errx(ZS_EXIT_USAGE, "--shard %" PRIu64 " must be below --shards %" PRIu64, o->shard,
		     o->shards);
	if (o->shards > 1 && !o->have_seed)
		errx(ZS_EXIT_USAGE, "--shards needs --seed, so that every shard permutes alike");
	if (o->resume && !o->have_seed)
		errx(ZS_EXIT_USAGE, "--resume needs the --seed of the scan it continues");
}

/* Says why no address is left (the allow entries hold none, or the
 * blocklist takes them all: the default one takes the reserved ranges
 * that documentation examples use), and exits. */
static _Noreturn void why_none_allowed(const struct opts *o)
{
	struct targetspace_opts bare = o->ts;
	bare.blocklist = "/dev/null";
	struct zerr e;
	struct targetspace *all = targetspace_build(&bare, NULL, &e);
	bool some = all && (ip6set_huge(&all->v6) || targetspace_count(all) > 0);
	if (all)
		targetspace_free(all);
	if (!some)
		errx(ZS_EXIT_USAGE, "no address is allowed: the allow entries (arguments and -w) "
		                    "hold no address");
	if (!o->ts.blocklist)
		errx(ZS_EXIT_USAGE,
		     "no address is allowed: every allowed address is in the built-in "
		     "blocklist (reserved ranges, such as 10.0.0.0/8 and "
		     "2001:db8::/32); -b FILE gives another list, -b /dev/null none");
	errx(ZS_EXIT_USAGE, "no address is allowed: every allowed address is in the blocklist %s",
	     o->ts.blocklist);
}

/* The allowed addresses: arguments and -w, less the blocklist. */
static struct targetspace *build_targets(const struct opts *o)
{
	struct zerr e;
	struct listfile_stats lst = {0};
	struct targetspace *allowed = targetspace_build(&o->ts, &lst, &e);
	if (!allowed)
		die_usage(&e);
	liststats_warn(&lst);
	if (ip6set_huge(&allowed->v6))
		errx(ZS_EXIT_USAGE, "%s", allowed->v6.huge_why);
	if (targetspace_count(allowed) == 0)
		why_none_allowed(o);
	return allowed;
}

int main(int argc, char **argv)
{
	closeout_install(); /* runs last: stdout checked however main ends */
	/* from the first instant, as every stage (tool/signals.h); no
	 * SA_RESTART, though a write of a block is finished whole unless a
	 * second request gives it up */
	signals_catch(on_signal, 0);
	write_full_abandon_on(&abandon);
	struct opts o = {.shards = 1, .threads = 1, .ts = {.iid = TARGETSPACE_IID_DEFAULT}};
	parse_options(argc, argv, &o);
	check_options(&o);

	/* set up: the targets, how many, the permutation over them */
	struct targetspace *allowed = build_targets(&o);
	uint64_t naddr = targetspace_count(allowed);
	uint64_t nports = o.ports.n ? o.ports.n : 1;
	if (naddr > CYCLIC_MAX_N / nports)
		errx(ZS_EXIT_USAGE,
		     "%" PRIu64 " addresses x %" PRIu64
		     " ports: more than the 2^48 targets zgen can "
		     "permute",
		     naddr, nports);
	uint64_t total = naddr * nports, n;
	struct zerr e;
	if (limit_apply(&o.limit, o.limit_text, total, &n, &e) < 0)
		die_usage(&e);
	if (!o.have_seed && rng_fresh_seed(&o.seed) < 0)
		err(ZS_EXIT_FAIL, "getrandom");
	struct perm pm;
	perm_init(&pm, total, o.seed);
	struct gen_config cfg = {
	    .allowed = allowed,
	    .ports = &o.ports,
	    .perm = &pm,
	    .limit = n,
	    .shards = o.shards,
	    .shard = o.shard,
	    .skip = o.resume,
	    .threads = (unsigned)o.threads,
	    .fd = STDOUT_FILENO,
	    .stop = &requests,
	};
	uint64_t in_shard = perm_shard_size(n, o.shards, o.shard);
	if (o.resume > in_shard)
		errx(ZS_EXIT_USAGE,
		     "--resume %" PRIu64 " is past the end: shard %" PRIu64 " of %" PRIu64
		     " has %" PRIu64 " targets",
		     o.resume, o.shard, o.shards, in_shard);
	if (o.resume && o.resume == in_shard)
		warnx("--resume %" PRIu64 ": every target of the shard is done; nothing to write",
		      o.resume);
	if (o.verbose)
		fprintf(stderr,
		        "zgen: seed %" PRIu64 ", %" PRIu64 " addresses x %u ports = %" PRIu64
		        " targets, limit %" PRIu64 "; p %" PRIu64 ", g %" PRIu64 ", start %" PRIu64
		        "; shard %" PRIu64 "/%" PRIu64 " emits %" PRIu64 "\n",
		        o.seed, naddr, o.ports.n ? o.ports.n : 1, total, n, pm.group.p, pm.g, pm.a0,
		        o.shard, o.shards, gen_count(&cfg));

	/* run */
	char header[ZGEN_HEADER_MAX];
	struct zgen_header zh = {o.seed, o.shard, o.shards, gen_count(&cfg), o.resume};
	zgen_header_format(header, sizeof header, &zh);
	int status = o.count_only ? print_count(gen_count(&cfg))
	                          : generate(&cfg, o.outpath, o.with_header ? header : NULL);
	targetspace_free(allowed);
	ports_free(&o.ports);
	return status;
}
