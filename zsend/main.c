/* zsend: read targets on stdin and send probes as raw Ethernet frames at an
 * exact rate. Options are checked here; the work is in sendscan.c. */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tool/blocklists.h"
#include "tool/closeout.h"
#include "tool/badline.h"
#include "tool/cli.h"
#include "core/addr/addr.h"
#include "net/route.h"
#include "util/numparse.h"
#include "util/privdrop.h"
#include "probe/probe.h"
#include "net/rawsend.h"
#include "core/stage/handover.h"
#include "core/stage/secret.h"
#include "core/stage/status.h"
#include "sendscan.h"
#include "core/addr/targetspace.h"
#include "tool/liststats.h"
#include "tool/options.h"
#include "tool/version.h"
#include "metadata.h"
#include "path.h"
#include "tool/cleanup.h"
#include "tool/signals.h"
#include "util/ostream.h"
#include "util/outfile.h"

#define DEFAULT_RATE 10000

static void usage(FILE *f)
{
	fputs("usage: zsend [-q] [--dryrun] [-b file] [-B bps] [-C file] [-G mac] [-i interface]\n"
	      "             [-k keyfile] [-M module] [-p port] [-P probes] [-r pps] [-s ports]\n"
	      "             [-S addresses] [-T threads] [-X] [-Z user] [--probe-args args]\n"
	      "             [--metadata file] [--status-updates file]\n"
	      "       zsend --list-modules\n",
	      f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nRead targets on stdin (\"a.b.c.d\", \"a.b.c.d,port\", \"2001:db8::1\" or\n"
	      "\"2001:db8::1,port\", '#' comments) and send one probe frame per target (-P\n"
	      "per target). Blocked targets are never probed.\n"
	      "Status records (JSON lines) go to stdout for zrecv.\n\n"
	      "  -i, --interface IFACE     send on IFACE (default: the default route's)\n"
	      "  -S, --source-ip LIST      source addresses of either family, e.g.\n"
	      "                            10.0.0.1,10.0.0.5-10.0.0.8,2001:db8::1 (default:\n"
	      "                            the route's preferred source, or the\n"
	      "                            interface's address)\n"
	      "  -G, --gateway-mac MAC     next-hop MAC (default: the gateway's, from the\n"
	      "                            kernel's neighbour table)\n"
	      "  -X, --iplayer             send IP packets, with no Ethernet header, for an\n"
	      "                            interface without one (tun, WireGuard, IP\n"
	      "                            tunnels, PPP: the default there); refused on\n"
	      "                            one with a header\n"
	      "  -M, --probe-module NAME   tcp_syn (default), tcp_ack, tcp_synack, icmp_echo,\n"
	      "                            icmp_echo_time, udp, dns, ntp, upnp, memcached,\n"
	      "                            snmp, netbios, bacnet or ipip; see --list-modules\n"
	      "      --probe-args ARGS     the module's arguments; tcp_syn: smallest-probes,\n"
	      "                            windows, linux or bsd (its options); udp: file:PATH,\n"
	      "                            hex:HEX, text:STRING or template:PATH (the payload);\n"
	      "                            dns: TYPE,NAME[;TYPE,NAME...]; snmp: v1|v2c[:COMM]\n"
	      "      --probe-ttl N         the probes' IPv4 TTL or IPv6 hop limit, 1-255\n"
	      "                            (default 255)\n"
	      "      --max-sendto-failures N  stop (settling, exit 1) once more than N\n"
	      "                            probes could not be sent (default -1: never)\n"
	      "  -p, --target-port PORT    port for lines without one\n"
	      "  -P, --probes N            probes per target (default 1)\n"
	      "  -r, --rate PPS            packets per second (default 10000; 0: as fast as\n"
	      "                            possible)\n"
	      "  -B, --bandwidth BPS       rate as bits per second, K/M/G suffixes\n"
	      "  -s, --source-port RANGE   source ports, e.g. 40000-40999 (default 32768-61000)\n"
	      "  -k, --key FILE            the scan key shared with zrecv (hex, mode 0600)\n"
	      "  -T, --threads N           sender threads, each with its own socket and\n"
	      "                            an equal share of the rate (default: as many\n"
	      "                            as CPUs, at most 4)\n"
	      "  -b, --blocklist FILE      never probe these (default: the installed IANA\n"
	      "                            lists of IPv4 and IPv6; see below)\n"
	      "  -Z, --user USER           once the sockets are open, run as USER (default\n"
	      "                            as root: nobody; 'root' keeps root); without\n"
	      "                            root, clear every capability instead\n"
	      "      --dryrun              print each frame as a hex dump; send nothing\n"
	      "      --metadata FILE       at the end, write the scan's parameters and\n"
	      "                            counts to FILE as JSON\n"
	      "      --status-updates FILE write the status each second to FILE as CSV\n"
	      "      --list-modules        list the probe modules\n"
	      "  -q, --quiet               no status line on stderr\n"
	      "  -C, --config FILE         read options not given from FILE (see below)\n"
	      "  -h, --help                this help\n"
	      "  -V, --version             print the version\n",
	      stdout);
	blocklists_help(stdout);
	config_help(stdout);
}

enum {
	OPT_DRYRUN = 256,
	OPT_LIST_MODULES,
	OPT_PROBE_ARGS,
	OPT_PROBE_TTL,
	OPT_MAX_SENDTO_FAILURES,
	OPT_METADATA,
	OPT_UPDATES
};

static const struct option longopts[] = {
    {"interface", required_argument, NULL, 'i'},
    {"source-ip", required_argument, NULL, 'S'},
    {"gateway-mac", required_argument, NULL, 'G'},
    {"iplayer", no_argument, NULL, 'X'},
    {"probe-module", required_argument, NULL, 'M'},
    {"target-port", required_argument, NULL, 'p'},
    {"probes", required_argument, NULL, 'P'},
    {"rate", required_argument, NULL, 'r'},
    {"bandwidth", required_argument, NULL, 'B'},
    {"source-port", required_argument, NULL, 's'},
    {"key", required_argument, NULL, 'k'},
    {"threads", required_argument, NULL, 'T'},
    {"blocklist", required_argument, NULL, 'b'},
    {"user", required_argument, NULL, 'Z'},
    {"dryrun", no_argument, NULL, OPT_DRYRUN},
    {"probe-args", required_argument, NULL, OPT_PROBE_ARGS},
    {"probe-ttl", required_argument, NULL, OPT_PROBE_TTL},
    {"max-sendto-failures", required_argument, NULL, OPT_MAX_SENDTO_FAILURES},
    {"metadata", required_argument, NULL, OPT_METADATA},
    {"status-updates", required_argument, NULL, OPT_UPDATES},
    {"list-modules", no_argument, NULL, OPT_LIST_MODULES},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"config", required_argument, NULL, 'C'},
    {NULL, 0, NULL, 0},
};

/* Stop requests (tool/signals.h): the first stops the send loop at the
 * next target, which then settles an exact prefix of the input; a second,
 * deliberate one skips the settling. SIGUSR1 is the pipeline's zrecv
 * asking for the first (it got a stop zsend did not, or its -t ran out):
 * never a second. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	if (sig != SIGUSR1)
		signals_count_request(&stop_requested);
	else if (!stop_requested)
		signals_count_request(&stop_requested);
}

static struct badline bad_lines;

/* zsend's standard output: status records, or a dry run's frames. */
static struct ostream out;

static void report_bad(unsigned long lineno, const char *why, const char *line, size_t len)
{
	badline_report(&bad_lines, lineno, why, line, len, 64);
}

static void list_modules(void)
{
	for (int i = 0; probe_modules[i]; i++) {
		const struct probe_module *m = probe_modules[i];
		printf("%-15s %s\n", m->name, m->description);
		if (m->args_help)
			printf("%-15s --probe-args %s\n", "", m->args_help);
	}
}

/* An IPv6 item of -S: one address, or a range a-b within one /120. */
static void parse_source6(const char *p, size_t n, const char *item, struct sendscan_config *cfg)
{
	const char *dash = memchr(p, '-', n);
	struct ipaddr lo, hi;
	if (ipaddr_parse(p, dash ? (size_t)(dash - p) : n, &lo) < 0 || ipaddr_is_v4(lo) ||
	    (dash &&
	     (ipaddr_parse(dash + 1, n - (size_t)(dash - p) - 1, &hi) < 0 || ipaddr_is_v4(hi))))
		errx(ZS_EXIT_USAGE, "-S: '%s' is not an IPv6 address or a range a-b", item);
	if (!dash)
		hi = lo;
	if (hi.hi != lo.hi || hi.lo < lo.lo || hi.lo - lo.lo >= SENDSCAN_MAX_SOURCES)
		errx(ZS_EXIT_USAGE, "-S: '%s': %s", item,
		     ipaddr_cmp(hi, lo) < 0 ? "range runs backwards"
		                            : "more than 256 addresses in the range");
	for (uint64_t a = lo.lo;; a++) {
		if (cfg->nsources6 == SENDSCAN_MAX_SOURCES)
			errx(ZS_EXIT_USAGE, "-S: at most %d IPv6 source addresses",
			     SENDSCAN_MAX_SOURCES);
		cfg->sources6[cfg->nsources6++] = (struct ipaddr){lo.hi, a};
		if (a == hi.lo)
			break;
	}
}

/* "a,b-c,..." into cfg->sources (IPv4) and cfg->sources6. */
static void parse_sources(const char *arg, struct sendscan_config *cfg)
{
	const char *p = arg;
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *dash = memchr(p, '-', n);
		uint32_t lo, hi;
		char item[256];
		escape_bytes(item, sizeof item, p, n);
		if (memchr(p, ':', n)) {
			parse_source6(p, n, item, cfg);
			p += n;
			if (*p == ',')
				p++;
			continue;
		}
		if (addr_parse(p, dash ? (size_t)(dash - p) : n, &lo) != ADDR_OK ||
		    (dash && addr_parse(dash + 1, n - (size_t)(dash - p) - 1, &hi) != ADDR_OK))
			errx(ZS_EXIT_USAGE, "-S: '%s' is not an address or a range a-b", item);
		if (!dash)
			hi = lo;
		if (hi < lo)
			errx(ZS_EXIT_USAGE, "-S: '%s': range runs backwards", item);
		for (uint64_t a = lo; a <= hi; a++) {
			if (cfg->nsources == SENDSCAN_MAX_SOURCES)
				errx(ZS_EXIT_USAGE, "-S: at most %d source addresses",
				     SENDSCAN_MAX_SOURCES);
			cfg->sources[cfg->nsources++] = (uint32_t)a;
		}
		p += n;
		if (*p == ',')
			p++;
	}
}

/* Bits per second with an optional K, M or G suffix. */
static double parse_bandwidth(const char *s)
{
	char *end;
	double v = strtod(s, &end);
	double mult = 1;
	if (*end == 'K' || *end == 'k')
		mult = 1e3, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1e6, end++;
	else if (*end == 'G' || *end == 'g')
		mult = 1e9, end++;
	if (end == s || *end || !(v > 0) || !isfinite(v))
		errx(ZS_EXIT_USAGE, "-B: '%s' is not a bandwidth like 100M", cli_shown(s));
	return v * mult;
}

/* After a stop: how far the input got, and the zgen command that goes on. */
static void report_resume(const struct sendscan_stats *st)
{
	if (st->input_short)
		warnx("the input ended after %" PRIu64 " of the %" PRIu64
		      " targets its zgen header announced (zgen stopped?)",
		      st->records, st->zgen.targets);
	if (!st->interrupted && !st->input_short) {
		/* zrecv went, or an output failed: what was sent last had no
		 * one, or no file, to take its answers */
		warnx("stopped: the first %llu input lines (comments not counted) were probed; "
		      "answers to the last of them may not have been kept: zrecv's resume point, "
		      "or an earlier one, continues",
		      (unsigned long long)st->consumed);
		return;
	}
	warnx("%s: the first %llu input lines (comments not counted) are done%s",
	      st->too_many_failures ? "stopped"
	      : st->interrupted     ? "interrupted"
	                            : "cut short",
	      (unsigned long long)st->consumed,
	      !st->beyond_consumed ? ", and no target after them was probed"
	                           : "; a second request skipped settling, so some targets "
	                             "after them were probed too");
	const struct zgen_header *h = &st->zgen;
	if (st->have_zgen)
		warnx("to continue: zgen --seed %" PRIu64 " --shards %" PRIu64 " --shard %" PRIu64
		      " --resume %" PRIu64 " (with the same targets, -p, -n and lists)",
		      h->seed, h->shards, h->shard, h->resume + st->consumed);
}

/* What the command line asked for, before anything is opened. */
struct opts {
	struct targetspace_opts ts;
	const char *ifname, *keyfile, *gwmac, *probe_args;
	const char *metadata_path, *updates_path, *user;
	uint64_t probes, threads, ttl;
	uint16_t sport_lo, sport_hi;
	double rate, bandwidth;
	bool have_rate, dryrun, quiet, iplayer;
};

/* The getopt loop over the configuration file's options and the command
 * line's (tool/options.h): values are checked one by one as they come (a
 * bad one ends zsend with one line); -h, -V and --list-modules answer and
 * exit. */
static void parse_options(int argc, char **argv, struct opts *o, struct sendscan_config *cfg)
{
	struct zerr e;
	uint64_t v;
	int ch;
	struct optstream s;
	optstream_init(&s, "zsend", argc, argv, ":i:S:G:M:p:P:r:B:s:k:b:T:Z:C:XqhV", longopts);
	while ((ch = optstream_next(&s)) != -1) {
		switch (ch) {
		case 'i':
			o->ifname = optarg;
			break;
		case 'S':
			parse_sources(optarg, cfg);
			break;
		case 'G':
			o->gwmac = optarg;
			if (mac_parse(o->gwmac, cfg->pp.dst_mac) < 0)
				errx(ZS_EXIT_USAGE, "-G: '%s' is not a MAC like 02:00:00:00:00:01",
				     cli_shown(o->gwmac));
			break;
		case 'M':
			if (!(cfg->mod = probe_find(optarg)))
				errx(ZS_EXIT_USAGE, "-M: no probe module '%s' (see --list-modules)",
				     cli_shown(optarg));
			break;
		case 'p':
			if (parse_u64(optarg, 0, 65535, "-p", &v, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			cfg->default_port = (int)v;
			break;
		case 'P':
			if (parse_u64(optarg, 1, 255, "-P", &o->probes, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			break;
		case 'r':
			if (parse_u64(optarg, 0, 100000000, "-r", &v, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			o->rate = (double)v;
			o->have_rate = true;
			break;
		case 'B':
			o->bandwidth = parse_bandwidth(optarg);
			break;
		case 's':
			if (parse_port_range(optarg, "-s", &o->sport_lo, &o->sport_hi, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			break;
		case 'k':
			o->keyfile = optarg;
			break;
		case 'T':
			if (parse_u64(optarg, 1, 64, "-T", &o->threads, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			break;
		case 'b':
			o->ts.blocklist = optarg;
			break;
		case OPT_DRYRUN:
			o->dryrun = true;
			break;
		case OPT_PROBE_ARGS:
			o->probe_args = optarg;
			break;
		case OPT_MAX_SENDTO_FAILURES:
			if (strcmp(optarg, "-1") == 0)
				cfg->max_send_failures = -1;
			else if (parse_u64(optarg, 0, INT64_MAX, "--max-sendto-failures", &v, &e) <
			         0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			else
				cfg->max_send_failures = (int64_t)v;
			break;
		case OPT_PROBE_TTL:
			if (parse_u64(optarg, 1, 255, "--probe-ttl", &o->ttl, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			break;
		case OPT_METADATA:
			o->metadata_path = optarg;
			break;
		case OPT_UPDATES:
			o->updates_path = optarg;
			break;
		case OPT_LIST_MODULES:
			list_modules();
			exit(ZS_EXIT_OK);
		case 'Z':
			o->user = optarg;
			break;
		case 'X':
			o->iplayer = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			help();
			exit(ZS_EXIT_OK);
		case 'V':
			printf("zsend (zscan) %s\n", ZSCAN_VERSION);
			exit(ZS_EXIT_OK);
		default:
			cli_bad_option(ch, argv);
		}
	}
	if (optind != argc)
		errx(ZS_EXIT_USAGE, "unexpected argument '%s': targets come on stdin",
		     cli_shown(argv[optind]));
}

/* The options that only make sense together, and the module's arguments
 * (a payload file is read here). */
static void check_options(struct opts *o, struct sendscan_config *cfg)
{
	struct zerr e;
	if (o->have_rate && o->bandwidth > 0)
		errx(ZS_EXIT_USAGE, "-r and -B exclude each other");
	if (cfg->mod->args_help && !o->probe_args)
		errx(ZS_EXIT_USAGE, "-M %s needs --probe-args %s", cfg->mod->name,
		     cfg->mod->args_help);
	if (probe_setup(cfg->mod, &cfg->pp, o->probe_args, &e) < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	if (o->bandwidth > 0) {
		/* on the wire: preamble, FCS and gap add 24 bytes; 84 is the least */
		double frame_bits = 8.0 * fmax((double)cfg->pp.template_len + 24, 84);
		o->rate = floor(o->bandwidth / frame_bits);
		if (o->rate < 1)
			errx(ZS_EXIT_USAGE, "-B: below one packet per second");
	}
	if ((uint64_t)(o->sport_hi - o->sport_lo) + 1 < o->probes)
		errx(ZS_EXIT_USAGE, "-P %llu needs at least as many source ports (-s)",
		     (unsigned long long)o->probes);
}

/* zsend ends before its first probe with `status`, and says why: zrecv
 * is told with a done record of that status (no start record came before
 * it: nothing it could check was sent), so that it fails as zsend does,
 * or, for a stop (3), knows the scan only has to be run again. */
__attribute__((noreturn)) static void tell_zrecv_and_exit(int status, const char *why)
{
	if (out.f) {
		struct status_progress rec = {.type = STATUS_DONE,
		                              .progress = -1,
		                              .done_below = -1,
		                              .interrupted = status == ZS_EXIT_INCOMPLETE,
		                              .exit_status = status};
		char buf[STATUS_RECORD_MAX];
		status_format_progress(buf, sizeof buf, &rec);
		fputs(buf, out.f);
		ostream_close(&out);
	}
	errx(status, "%s", why);
}

/* A stop request before the first probe: nothing was sent, and the scan
 * starts over from its first line. */
__attribute__((noreturn)) static void stopped_before_sending(void)
{
	tell_zrecv_and_exit(ZS_EXIT_INCOMPLETE, "interrupted before the first probe: nothing "
	                                        "was sent (run the same command again)");
}

/* The pid zsend left for its zrecv is read at once by a zrecv that saw the
 * key (or readiness file) taken; a relay or script in zrecv's place never
 * reads it, and a zrecv that gave up just then never will. Still
 * privileged (the directory is root's when zsend runs as root), zsend
 * waits a moment for it to go, and removes it if it stays: no scan leaves
 * a file behind. A stop request does not cut the wait short: a zrecv that
 * had the request too (a signal to the group) needs the pid most, to ask
 * this zsend to settle rather than close the pipe on it. */
static void pid_taken(const struct handover *h)
{
	handover_wait_taken(h, h->pid, 2000, NULL);
}

/* The scan key: -k's file (in a pipeline, once its zrecv says it is
 * armed), a dry run's own, or the one the pipeline's zrecv creates, found
 * through the pipe to it (core/stage/handover.h). Before the privilege drop. */
static void get_key(const struct opts *o, struct secret *secret)
{
	struct zerr e;
	struct stat so;
	bool piped = fstat(STDOUT_FILENO, &so) == 0 && S_ISFIFO(so.st_mode);
	struct handover h;
	if (o->keyfile) {
		if (secret_load(o->keyfile, secret, &e) < 0)
			errx(ZS_EXIT_USAGE, "%s", e.msg);
		/* in a pipeline, give its zrecv (if any) time to arm its capture */
		if (o->dryrun || !piped)
			return;
		if (handover_for_pipe(STDOUT_FILENO, &h, &e) < 0 ||
		    handover_take_ready(&h, h.born - HANDOVER_CLOCK_SLACK, 3000, &stop_requested,
		                        &e) < 0) {
			if (!stop_requested)
				warnx("%s; sending anyway", e.msg);
			return;
		}
		pid_taken(&h);
		return;
	}
	if (o->dryrun) {
		if (secret_random(secret, &e) < 0)
			errx(ZS_EXIT_FAIL, "%s", e.msg);
		return;
	}
	if (!piped)
		errx(ZS_EXIT_USAGE, "no key: without -k FILE, zsend's output must be the pipe to "
		                    "zrecv (zsend ... | zrecv ...), which makes the key");
	if (handover_for_pipe(STDOUT_FILENO, &h, &e) < 0 ||
	    handover_take_key(&h, h.born - HANDOVER_CLOCK_SLACK, 10000, &stop_requested, secret,
	                      &e) < 0) {
		if (stop_requested)
			stopped_before_sending();
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	}
	pid_taken(&h);
}

/* What zsend does just before its first probe: find the path out, and
 * empty and take the output files, now that every check has passed. */
struct begin_ctx {
	struct path path;
	struct outfile metadata, updates;
	bool have_metadata, have_updates;
	bool committed;
};

static int begin_sending(void *arg, const struct ipaddr *first, struct sendscan_config *cfg,
                         struct rawsend *rs, struct zerr *e)
{
	struct begin_ctx *b = arg;
	if (path_begin(&b->path, first, cfg, rs, e) < 0)
		return -1;
	if (b->committed) /* the other family's path: the files are taken */
		return 0;
	b->committed = true;
	if (b->have_metadata && outfile_commit(&b->metadata, e) < 0)
		return -1;
	if (b->have_updates) {
		if (outfile_commit(&b->updates, e) < 0)
			return -1;
		cfg->updates = &b->updates.os;
	}
	return 0;
}

/* One raw socket per sender thread (bound to the interface once the path
 * is known), or a dry run's hex dump on stdout. */
static struct rawsend *open_senders(const struct opts *o, struct sendscan_config *cfg)
{
	struct zerr e;
	/* a dry run prints frames in order, so it keeps one sender */
	cfg->threads = o->dryrun ? 1 : (unsigned)o->threads;
	struct rawsend *rs = calloc(cfg->threads, sizeof *rs);
	if (!rs)
		errx(ZS_EXIT_FAIL, "out of memory");
	if (ostream_open(&out, STDOUT_FILENO, "stdout", 1 << 16) < 0)
		err(ZS_EXIT_FAIL, "stdout");
	if (o->dryrun) {
		rawsend_open_dry(rs, out.f);
		cfg->dry = &out;
		return rs;
	}
	for (unsigned i = 0; i < cfg->threads; i++)
		if (rawsend_open(&rs[i], &e) < 0)
			errx(ZS_EXIT_FAIL, "%s", e.msg);
	cfg->status = &out;
	cfg->human = !o->quiet && isatty(STDOUT_FILENO);
	return rs;
}

static double ts_seconds(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

/* What the run did, on stderr, and the exit status it makes (the run's
 * verdict, sendscan.h). */
static int report(const struct opts *o, const struct sendscan_stats *st, int rc,
                  const struct zerr *e, int last_errno)
{
	struct zerr we;
	if (rc < 0)
		warnx("%s", e->msg);
	if (st->write_failed) {
		ostream_error(st->write_failed, &we);
		warnx("%s", we.msg);
	}
	if (st->bad && !o->quiet)
		warnx("%llu bad line%s skipped (of %llu)", (unsigned long long)st->bad,
		      st->bad == 1 ? "" : "s", (unsigned long long)st->lines);
	if (st->failed)
		warnx("%llu probes could not be sent (%s)%s", (unsigned long long)st->failed,
		      strerror(last_errno),
		      st->too_many_failures ? ", more than --max-sendto-failures allows: stopped"
		                            : "");
	if (st->blocked && !o->quiet)
		warnx("%llu blocked target%s skipped", (unsigned long long)st->blocked,
		      st->blocked == 1 ? "" : "s");
	if (st->receiver_gone)
		warnx("zrecv has gone (its end of the pipe closed): stopped");
	if (st->interrupted || st->input_short ||
	    ((st->receiver_gone || st->write_failed) && st->consumed < st->records))
		report_resume(st);
	return st->verdict;
}

/* Answers carry a share of the MAC (the source port, and what else the
 * module puts where answers echo it): with too few bits, other traffic to
 * the source ports passes as answers. Says so, with the odds. */
static void warn_few_bits(const struct opts *o, const struct sendscan_config *cfg)
{
	if (!cfg->mod->answer_bits)
		return;
	double bits = cfg->mod->answer_bits(&cfg->pp);
	/* one source port (ZMap's test suite scans with -s 40000): the port
	 * carries no bit, and every probe of a target shares it */
	if (o->sport_lo == o->sport_hi && bits >= 12)
		warnx("-s %u: one source port, so an answer is checked on the %.0f bits of the MAC "
		      "%s carries elsewhere (none in the port), and -P's probes to a target "
		      "share the port",
		      o->sport_lo, bits, cfg->mod->name);
	if (bits >= 12) /* 1 in 4096 and rarer: the default range gives 14.8 */
		return;
	double odds = pow(2, bits) / (double)o->probes;
	warnx("%s answers carry %.1f bits of the MAC with -s %u-%u: a datagram from a target to "
	      "one of those ports passes as an answer with odds of 1 in %.0f; widen -s%s",
	      cfg->mod->name, bits, o->sport_lo, o->sport_hi, odds < 1 ? 1 : odds,
	      strcmp(cfg->mod->name, "udp") == 0
	          ? ", or add ;echo=OFF:LEN for payload bytes the protocol echoes"
	          : "");
}

/* The sender threads without -T: as many as ZMap 4 starts, one for each
 * CPU up to 4 (zgen and the kernel's send path use the rest). */
static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 4 ? 4 : (unsigned)n;
}

int main(int argc, char **argv)
{
	signals_catch(on_signal, 0); /* first: a stop is never lost while setting up */
	struct sigaction usr1;
	sigaction(SIGINT, NULL, &usr1);
	sigaction(SIGUSR1, &usr1, NULL);
	closeout_install(); /* runs last: stdout checked however main ends */
	struct sendscan_config cfg = {.default_port = -1,
	                              .in_fd = STDIN_FILENO,
	                              .mod = &probe_tcp_syn,
	                              .max_send_failures = -1};
	struct opts o = {
	    .probes = 1, .ttl = 255, .sport_lo = 32768, .sport_hi = 61000, .rate = DEFAULT_RATE};
	struct zerr e;

	parse_options(argc, argv, &o, &cfg);
	check_options(&o, &cfg);
	bool threads_given = o.threads != 0;
	if (!o.threads)
		o.threads = default_threads();
	/* a sender thread for 20 probes a second at most: a thread waits no
	 * longer than 50 ms between its probes, and a stop settles within
	 * that (the targets between the threads go at the scan's rate) */
	if (o.rate > 0 && o.threads > 1 && (double)o.threads > o.rate / 20) {
		uint64_t t = o.rate < 40 ? 1 : (uint64_t)(o.rate / 20);
		if (threads_given && !o.quiet)
			warnx("-T %llu at %g probes/s: %llu sender thread%s (one for 20 probes a "
			      "second at most, so that a stop settles within 50 ms)",
			      (unsigned long long)o.threads, o.rate, (unsigned long long)t,
			      t == 1 ? "" : "s");
		o.threads = t;
	}

	/* set up: the key, the allowed set, sockets, files; the path out is
	 * found from the first target (path.h) */
	struct privdrop priv;
	if (!o.dryrun && privdrop_prepare(&priv, o.user, &e) < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	struct begin_ctx b = {.path = {.ifname = o.ifname,
	                               .gwmac_given = o.gwmac != NULL,
	                               .dryrun = o.dryrun,
	                               .ip_given = o.iplayer,
	                               .quiet = o.quiet,
	                               .neigh_wait_ms = 3000}};
	if (path_check_interface(&b.path, &e) < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	struct listfile_stats lst = {0};
	struct targetspace *allowed = targetspace_build(&o.ts, &lst, &e);
	cfg.allowed = allowed;
	if (!cfg.allowed)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	if (!o.quiet)
		liststats_warn(&lst);
	/* opened now, before the drop, but emptied only once sending begins */
	if ((b.have_metadata = o.metadata_path != NULL)) {
		if (outfile_open(&b.metadata, o.metadata_path, &e) < 0)
			errx(ZS_EXIT_USAGE, "%s", e.msg);
		cleanup_outfile(&b.metadata);
	}
	if ((b.have_updates = o.updates_path != NULL)) {
		if (outfile_open(&b.updates, o.updates_path, &e) < 0)
			errx(ZS_EXIT_USAGE, "%s", e.msg);
		cleanup_outfile(&b.updates);
	}
	struct rawsend *rs = open_senders(&o, &cfg);
	struct secret secret;
	get_key(&o, &secret);
	cfg.pp.secret = &secret;
	cfg.pp.sport_first = o.sport_lo;
	cfg.pp.sport_count = (uint32_t)(o.sport_hi - o.sport_lo + 1);
	cfg.pp.probes = (unsigned)o.probes;
	cfg.pp.ttl = (uint8_t)o.ttl;
	if (!o.quiet)
		warn_few_bits(&o, &cfg);
	cfg.rate = o.rate;
	cfg.stop = &stop_requested;
	cfg.begin = begin_sending;
	cfg.begin_ctx = &b;

	/* sockets and files are open and the key is read: no more privilege
	 * from here on, and before any thread starts (capabilities are per
	 * thread) */
	if (!o.dryrun && privdrop_apply(&priv, &e) < 0)
		tell_zrecv_and_exit(ZS_EXIT_FAIL, e.msg);

	struct sendscan_stats st = {0};
	struct timespec t_start, t_end;
	clock_gettime(CLOCK_REALTIME, &t_start);
	int rc = sendscan_run(&cfg, rs, report_bad, &st, &e);
	clock_gettime(CLOCK_REALTIME, &t_end);
	if (rc == SENDSCAN_NO_PATH && stop_requested)
		stopped_before_sending(); /* waiting for a neighbour, say */
	if (rc == SENDSCAN_NO_PATH)
		tell_zrecv_and_exit(ZS_EXIT_USAGE, e.msg); /* nothing was sent */

	int last_errno = 0;
	for (unsigned i = 0; i < cfg.threads; i++) {
		if (rs[i].last_errno)
			last_errno = rs[i].last_errno;
		rawsend_close(&rs[i]);
	}
	/* report: the metadata first, as its failure is part of the verdict
	 * the done record then gives zrecv; each failure said once */
	struct zerr me;
	bool meta_failed = false;
	if (b.metadata.f) {
		zsend_metadata_write(b.metadata.f, &cfg, o.probe_args, &st, ts_seconds(&t_start),
		                     ts_seconds(&t_end));
		if ((meta_failed = outfile_close(&b.metadata, &me) < 0))
			st.verdict = ZS_EXIT_FAIL;
	}
	sendscan_finish(&cfg, &st);
	int status = report(&o, &st, rc, &e, last_errno);
	if (meta_failed)
		warnx("%s", me.msg);
	if (ostream_close(&out) < 0 && !st.write_failed && !st.receiver_gone &&
	    ostream_errno(&out) != EPIPE) {
		ostream_error(&out, &e);
		warnx("%s", e.msg);
		status = ZS_EXIT_FAIL;
	}
	if (cfg.updates && outfile_close(&b.updates, &e) < 0 && st.write_failed != cfg.updates) {
		warnx("%s", e.msg);
		status = ZS_EXIT_FAIL;
	}
	free(rs);
	probe_teardown(cfg.mod, &cfg.pp);
	targetspace_free(allowed);
	return status;
}
