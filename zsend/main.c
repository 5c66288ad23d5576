/* zsend: read targets on stdin and send probes as raw Ethernet frames at an
 * exact rate. Options are checked here; the work is in sendscan.c. */
#include <err.h>
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

#include "tool/cli.h"
#include "core/addr.h"
#include "net/netif.h"
#include "util/numparse.h"
#include "util/privdrop.h"
#include "probe/probe.h"
#include "net/rawsend.h"
#include "core/handover.h"
#include "core/secret.h"
#include "sendscan.h"
#include "core/targetspace.h"
#include "tool/version.h"
#include "util/jsonw.h"

#define MAX_REPORTED 100
#define DEFAULT_RATE 10000

static void usage(FILE *f)
{
	fputs(
	    "usage: zsend [-q] [--dryrun] [-b file] [-B bps] [-G mac] [-i interface] [-k keyfile]\n"
	    "             [-M module] [-p port] [-P probes] [-r pps] [-s ports] [-S addresses]\n"
	    "             [-T threads] [-Z user] [--probe-args args] [--metadata file]\n"
	    "             [--status-updates file]\n"
	    "       zsend --list-modules\n",
	    f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nRead targets on stdin (\"a.b.c.d\" or \"a.b.c.d,port\", '#' comments) and send\n"
	      "one probe frame per target (-P per target). Blocked targets are never probed.\n"
	      "Status records (JSON lines) go to stdout for zrecv.\n\n"
	      "  -i, --interface IFACE     send on IFACE (default: the default route's)\n"
	      "  -S, --source-ip LIST      source addresses, e.g. 10.0.0.1,10.0.0.5-10.0.0.8\n"
	      "                            (default: the interface's address)\n"
	      "  -G, --gateway-mac MAC     next-hop MAC (default: the gateway's, from the\n"
	      "                            kernel's neighbour table)\n"
	      "  -M, --probe-module NAME   tcp_syn (default), tcp_ack, icmp_echo,\n"
	      "                            icmp_echo_time or udp; see --list-modules\n"
	      "      --probe-args ARGS     the module's arguments; udp: file:PATH, hex:HEX,\n"
	      "                            text:STRING or template:PATH (the payload)\n"
	      "  -p, --target-port PORT    port for lines without one\n"
	      "  -P, --probes N            probes per target (default 1)\n"
	      "  -r, --rate PPS            packets per second (default 10000; 0: as fast as\n"
	      "                            possible)\n"
	      "  -B, --bandwidth BPS       rate as bits per second, K/M/G suffixes\n"
	      "  -s, --source-port RANGE   source ports, e.g. 40000-40999 (default 32768-61000)\n"
	      "  -k, --key FILE            the scan key shared with zrecv (hex, mode 0600)\n"
	      "  -T, --threads N           sender threads, each with its own socket and\n"
	      "                            an equal share of the rate (default 1)\n"
	      "  -b, --blocklist FILE      never probe these (default: built-in IANA list)\n"
	      "  -Z, --user USER           once the sockets are open, run as USER (default\n"
	      "                            as root: nobody; 'root' keeps root); without\n"
	      "                            root, clear every capability instead\n"
	      "      --dryrun              print each frame as a hex dump; send nothing\n"
	      "      --metadata FILE       at the end, write the scan's parameters and\n"
	      "                            counts to FILE as JSON\n"
	      "      --status-updates FILE write the status each second to FILE as CSV\n"
	      "      --list-modules        list the probe modules\n"
	      "  -q, --quiet               no status line on stderr\n"
	      "  -h, --help                this help\n"
	      "  -V, --version             print the version\n",
	      stdout);
}

enum { OPT_DRYRUN = 256, OPT_LIST_MODULES, OPT_PROBE_ARGS, OPT_METADATA, OPT_UPDATES };

static const struct option longopts[] = {
    {"interface", required_argument, NULL, 'i'},
    {"source-ip", required_argument, NULL, 'S'},
    {"gateway-mac", required_argument, NULL, 'G'},
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
    {"metadata", required_argument, NULL, OPT_METADATA},
    {"status-updates", required_argument, NULL, OPT_UPDATES},
    {"list-modules", no_argument, NULL, OPT_LIST_MODULES},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Counts SIGINT/SIGTERM/SIGHUP: the first stops the send loop at the next
 * target, which then settles an exact prefix of the input; a second skips
 * the settling. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	if (stop_requested < 2)
		stop_requested++;
}

static unsigned long bad_reported;

static void report_bad(unsigned long lineno, const char *why, const char *line, size_t len)
{
	if (bad_reported++ < MAX_REPORTED)
		warnx("stdin:%lu: %s '%.*s'", lineno, why, (int)(len > 64 ? 64 : len), line);
}

/* "a,b-c,..." into cfg->sources. */
static void parse_sources(const char *arg, struct sendscan_config *cfg)
{
	const char *p = arg;
	while (*p) {
		size_t n = strcspn(p, ",");
		const char *dash = memchr(p, '-', n);
		uint32_t lo, hi;
		if (addr_parse(p, dash ? (size_t)(dash - p) : n, &lo) != ADDR_OK ||
		    (dash && addr_parse(dash + 1, n - (size_t)(dash - p) - 1, &hi) != ADDR_OK))
			errx(ZS_EXIT_USAGE, "-S: '%.*s' is not an address or a range a-b", (int)n,
			     p);
		if (!dash)
			hi = lo;
		if (hi < lo)
			errx(ZS_EXIT_USAGE, "-S: '%.*s': range runs backwards", (int)n, p);
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
		errx(ZS_EXIT_USAGE, "-B: '%s' is not a bandwidth like 100M", s);
	return v * mult;
}

/* After a stop: how far the input got, and the zgen command that goes on. */
static void report_resume(const struct sendscan_stats *st)
{
	warnx("interrupted: the first %llu input lines (comments not counted) are done%s",
	      (unsigned long long)st->consumed,
	      st->beyond_consumed ? "; a second signal cut settling short, so a few "
	                            "targets after them were probed too"
	                          : ", and no target after them was probed");
	const struct zgen_header *h = &st->zgen;
	if (st->have_zgen)
		warnx("to continue: zgen --seed %" PRIu64 " --shards %" PRIu64 " --shard %" PRIu64
		      " --resume %" PRIu64 " (with the same targets, -p, -n and lists)",
		      h->seed, h->shards, h->shard, h->resume + st->consumed);
}

static double ts_seconds(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

/* The scan's parameters and counts as one JSON object (never the key). */
static int write_metadata(FILE *f, const struct sendscan_config *cfg, const char *probe_args,
                          const struct sendscan_stats *st, double start, double end)
{
	char sources[SENDSCAN_MAX_SOURCES * ADDR_STRLEN] = "", a[ADDR_STRLEN];
	for (unsigned i = 0; i < cfg->nsources; i++) {
		if (i)
			strcat(sources, ",");
		strcat(sources, addr_str(cfg->sources[i], a));
	}
	struct jsonw w;
	jsonw_begin(&w, f);
	jsonw_str(&w, "tool", "zsend");
	jsonw_str(&w, "version", ZSCAN_VERSION);
	jsonw_str(&w, "module", cfg->mod->name);
	if (probe_args)
		jsonw_str(&w, "probe_args", probe_args);
	jsonw_str(&w, "interface", cfg->ifname);
	jsonw_str(&w, "source_addresses", sources);
	jsonw_u64(&w, "sport_first", cfg->pp.sport_first);
	jsonw_u64(&w, "sport_count", cfg->pp.sport_count);
	jsonw_u64(&w, "probes_per_target", cfg->pp.probes);
	if (cfg->default_port >= 0)
		jsonw_u64(&w, "target_port", (uint64_t)cfg->default_port);
	jsonw_num(&w, "rate", cfg->rate);
	const struct zgen_header *h = &st->zgen;
	if (st->have_zgen) {
		jsonw_u64(&w, "seed", h->seed);
		jsonw_u64(&w, "shard", h->shard);
		jsonw_u64(&w, "shards", h->shards);
		jsonw_u64(&w, "zgen_targets", h->targets);
		jsonw_u64(&w, "zgen_resume", h->resume);
	}
	jsonw_u64(&w, "threads", cfg->threads);
	jsonw_str(&w, "key_fingerprint", cfg->pp.secret->fingerprint);
	jsonw_time(&w, "start_time", start);
	jsonw_time(&w, "end_time", end);
	jsonw_num(&w, "duration_s", end - start);
	jsonw_u64(&w, "lines_read", st->lines);
	jsonw_u64(&w, "targets", st->targets);
	jsonw_u64(&w, "blocked_skipped", st->blocked);
	jsonw_u64(&w, "bad_lines", st->bad);
	jsonw_u64(&w, "probes_sent", st->probes);
	jsonw_u64(&w, "send_failures", st->failed);
	jsonw_num(&w, "send_rate", end > start ? (double)st->probes / (end - start) : 0);
	jsonw_bool(&w, "interrupted", st->interrupted);
	jsonw_u64(&w, "records", st->records);
	jsonw_u64(&w, "consumed", st->consumed);
	jsonw_bool(&w, "probed_beyond_consumed", st->beyond_consumed);
	if (st->have_zgen)
		jsonw_u64(&w, "resume", h->resume + st->consumed);
	int rc = jsonw_end(&w);
	return fclose(f) == EOF ? -1 : rc;
}

int main(int argc, char **argv)
{
	struct sendscan_config cfg = {.default_port = -1, .in_fd = STDIN_FILENO};
	struct targetspace_opts ts = {0};
	const char *ifname = NULL, *keyfile = NULL, *gwmac = NULL, *probe_args = NULL;
	const char *metadata_path = NULL, *updates_path = NULL, *user = NULL;
	uint64_t v, probes = 1, threads = 1;
	uint16_t sport_lo = 32768, sport_hi = 61000;
	double rate = DEFAULT_RATE, bandwidth = 0;
	int dryrun = 0, quiet = 0, have_rate = 0, rc_key, ch;
	struct zerr e;

	cfg.mod = &probe_tcp_syn;
	opterr = 0; /* cli_bad_option says it in one line */
	while ((ch = getopt_long(argc, argv, ":i:S:G:M:p:P:r:B:s:k:b:T:Z:qhV", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'i':
			ifname = optarg;
			break;
		case 'S':
			parse_sources(optarg, &cfg);
			break;
		case 'G':
			gwmac = optarg;
			if (netif_parse_mac(gwmac, cfg.pp.dst_mac) < 0)
				errx(ZS_EXIT_USAGE, "-G: '%s' is not a MAC like 02:00:00:00:00:01",
				     gwmac);
			break;
		case 'M':
			if (!(cfg.mod = probe_find(optarg)))
				errx(ZS_EXIT_USAGE, "-M: no probe module '%s' (see --list-modules)",
				     optarg);
			break;
		case 'p':
			if (parse_u64(optarg, 0, 65535, "-p", &v, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			cfg.default_port = (int)v;
			break;
		case 'P':
			if (parse_u64(optarg, 1, 255, "-P", &probes, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			break;
		case 'r':
			if (parse_u64(optarg, 0, 100000000, "-r", &v, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			rate = (double)v;
			have_rate = 1;
			break;
		case 'B':
			bandwidth = parse_bandwidth(optarg);
			break;
		case 's':
			if (parse_port_range(optarg, "-s", &sport_lo, &sport_hi, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			break;
		case 'k':
			keyfile = optarg;
			break;
		case 'T':
			if (parse_u64(optarg, 1, 64, "-T", &threads, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			break;
		case 'b':
			ts.blocklist = optarg;
			break;
		case OPT_DRYRUN:
			dryrun = 1;
			break;
		case OPT_PROBE_ARGS:
			probe_args = optarg;
			break;
		case OPT_METADATA:
			metadata_path = optarg;
			break;
		case OPT_UPDATES:
			updates_path = optarg;
			break;
		case OPT_LIST_MODULES:
			for (int i = 0; probe_modules[i]; i++) {
				const struct probe_module *m = probe_modules[i];
				printf("%-15s %s\n", m->name, m->description);
				if (m->args_help)
					printf("%-15s --probe-args %s\n", "", m->args_help);
			}
			return ZS_EXIT_OK;
		case 'Z':
			user = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			help();
			return ZS_EXIT_OK;
		case 'V':
			printf("zsend (zscan) %s\n", ZSCAN_VERSION);
			return ZS_EXIT_OK;
		default:
			cli_bad_option(ch, argv);
		}
	}
	if (optind != argc)
		errx(ZS_EXIT_USAGE, "unexpected argument '%s': targets come on stdin",
		     argv[optind]);
	if (have_rate && bandwidth > 0)
		errx(ZS_EXIT_USAGE, "-r and -B exclude each other");
	if (cfg.mod->args_help && !probe_args)
		errx(ZS_EXIT_USAGE, "-M %s needs --probe-args %s", cfg.mod->name,
		     cfg.mod->args_help);
	if (probe_setup(cfg.mod, &cfg.pp, probe_args, &e) < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	if (bandwidth > 0) {
		/* on the wire: preamble, FCS and gap add 24 bytes; 84 is the least */
		double frame_bits = 8.0 * fmax((double)cfg.pp.template_len + 24, 84);
		rate = floor(bandwidth / frame_bits);
		if (rate < 1)
			errx(ZS_EXIT_USAGE, "-B: below one packet per second");
	}
	if ((uint64_t)(sport_hi - sport_lo) + 1 < probes)
		errx(ZS_EXIT_USAGE, "-P %llu needs at least as many source ports (-s)",
		     (unsigned long long)probes);

	struct privdrop priv;
	if (!dryrun && privdrop_prepare(&priv, user, &e) < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);

	/* without -k: the pipeline's zrecv creates a fresh key once it is armed;
	 * the margin covers file timestamps' coarse clock */
	struct timespec started;
	clock_gettime(CLOCK_REALTIME, &started);
	uint64_t since =
	    (uint64_t)started.tv_sec * 1000000000u + (uint64_t)started.tv_nsec - 50000000u;
	struct secret secret;
	char defkey[256];
	if (keyfile) {
		rc_key = secret_load(keyfile, &secret, &e);
		/* in a pipeline, give its zrecv (if any) time to arm its capture */
		struct stat out;
		char ready[256];
		handover_ready_path(ready, sizeof ready);
		if (rc_key == 0 && !dryrun && fstat(STDOUT_FILENO, &out) == 0 &&
		    S_ISFIFO(out.st_mode) && handover_wait_file(ready, since, 3000) < 0)
			warnx("no zrecv in this pipeline said it was ready within 3 s; sending "
			      "anyway");
	} else if (dryrun)
		rc_key = secret_random(&secret, &e);
	else {
		handover_key_path(defkey, sizeof defkey);
		rc_key = handover_wait_key(defkey, since, 10000, &secret, &e);
	}
	if (rc_key < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	cfg.allowed = targetspace_build(&ts, NULL, &e);
	if (!cfg.allowed)
		errx(ZS_EXIT_USAGE, "%s", e.msg);

	char defif[16];
	uint32_t gateway = 0;
	struct netif nif = {0};
	if (!ifname && netif_default_route(defif, &gateway, &e) == 0)
		ifname = defif;
	if (ifname && netif_get(ifname, &nif, &e) < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	if (!ifname && !dryrun)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	if (cfg.nsources == 0) {
		if (!nif.addr)
			errx(ZS_EXIT_USAGE, "no source address: %s has none, give -S",
			     ifname ? ifname : "no interface");
		cfg.sources[cfg.nsources++] = nif.addr;
	}
	memcpy(cfg.pp.src_mac, nif.mac, 6);
	if (!gwmac && !dryrun) {
		if (!gateway)
			errx(ZS_EXIT_USAGE, "no default gateway on %s: give its MAC with -G",
			     ifname);
		if (netif_gateway_mac(ifname, gateway, cfg.pp.dst_mac, 1000, &e) < 0)
			errx(ZS_EXIT_USAGE, "%s", e.msg);
	}
	cfg.pp.secret = &secret;
	cfg.pp.sport_first = (uint16_t)sport_lo;
	cfg.pp.sport_count = (uint32_t)(sport_hi - sport_lo + 1);
	cfg.pp.probes = (unsigned)probes;
	cfg.pp.ttl = 255;
	cfg.rate = rate;
	cfg.ifname = ifname ? ifname : "";
	cfg.stop = &stop_requested;

	/* a dry run prints frames in order, so it keeps one sender */
	cfg.threads = dryrun ? 1 : (unsigned)threads;
	struct rawsend *rs = calloc(cfg.threads, sizeof *rs);
	if (!rs)
		errx(ZS_EXIT_FAIL, "out of memory");
	if (dryrun) {
		rawsend_open_dry(rs, stdout);
	} else {
		for (unsigned i = 0; i < cfg.threads; i++)
			if (rawsend_open(&rs[i], nif.ifindex, &e) < 0)
				errx(ZS_EXIT_FAIL, "%s", e.msg);
		cfg.status = stdout;
		cfg.human = !quiet && isatty(STDOUT_FILENO);
	}
	/* both files are opened now, so a bad path fails before any probe */
	FILE *metadata = NULL;
	if (metadata_path && !(metadata = fopen(metadata_path, "w")))
		err(ZS_EXIT_USAGE, "%s", metadata_path);
	if (updates_path && !(cfg.updates = fopen(updates_path, "w")))
		err(ZS_EXIT_USAGE, "%s", updates_path);
	/* sockets and files are open: no more privilege from here on, and
	 * before any thread starts (capabilities are per thread) */
	if (!dryrun && privdrop_apply(&priv, &e) < 0)
		errx(ZS_EXIT_FAIL, "%s", e.msg);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a dead zrecv shows as a write error */

	struct sendscan_stats st = {0};
	struct timespec t_start, t_end;
	clock_gettime(CLOCK_REALTIME, &t_start);
	int rc = sendscan_run(&cfg, rs, report_bad, &st, &e);
	clock_gettime(CLOCK_REALTIME, &t_end);
	int last_errno = 0;
	for (unsigned i = 0; i < cfg.threads; i++) {
		if (rs[i].last_errno)
			last_errno = rs[i].last_errno;
		rawsend_close(&rs[i]);
	}
	int status = ZS_EXIT_OK;
	if (rc < 0) {
		warnx("%s", e.msg);
		status = ZS_EXIT_FAIL;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		warn("write error");
		status = ZS_EXIT_FAIL;
	}
	if (st.bad) {
		if (!quiet)
			warnx("%llu bad line%s skipped (of %llu)", (unsigned long long)st.bad,
			      st.bad == 1 ? "" : "s", (unsigned long long)st.lines);
		status = ZS_EXIT_FAIL;
	}
	if (st.failed) {
		warnx("%llu probes could not be sent (%s)", (unsigned long long)st.failed,
		      strerror(last_errno));
		status = ZS_EXIT_FAIL;
	}
	if (st.blocked && !quiet)
		warnx("%llu blocked target%s skipped", (unsigned long long)st.blocked,
		      st.blocked == 1 ? "" : "s");
	if (st.status_closed)
		warnx("standard output was closed (zrecv gone?): stopped");
	if (st.interrupted) {
		report_resume(&st);
		status = ZS_EXIT_FAIL;
	}
	if (cfg.updates && fclose(cfg.updates) == EOF) {
		warn("%s", updates_path);
		status = ZS_EXIT_FAIL;
	}
	if (metadata && write_metadata(metadata, &cfg, probe_args, &st, ts_seconds(&t_start),
	                               ts_seconds(&t_end)) < 0) {
		warn("%s", metadata_path);
		status = ZS_EXIT_FAIL;
	}
	free(rs);
	probe_teardown(cfg.mod, &cfg.pp);
	constraint_free((struct constraint *)cfg.allowed);
	return status;
}
