/* zrecv: capture answers to zsend's probes, validate them with the scan key
 * alone, print one record per answer. Options are checked here; the work is
 * in recvscan.c. */
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tool/closeout.h"
#include "tool/cli.h"
#include "tool/options.h"
#include "output.h"
#include "util/numparse.h"
#include "probe/probe.h"
#include "util/privdrop.h"
#include "recvscan.h"
#include "schema.h"
#include "verdict.h"
#include "core/stage/handover.h"
#include "core/stage/secret.h"
#include "tool/version.h"
#include "metadata.h"
#include "tool/cleanup.h"
#include "tool/signals.h"
#include "util/ostream.h"
#include "util/outfile.h"

static void usage(FILE *f)
{
	fputs(
	    "usage: zrecv [-q] [-c seconds] [-C file] [-f fields] [-i interface | -r file.pcap]\n"
	    "             [-k keyfile] [-M module] [-N results] [-o file] [-O csv|json]\n"
	    "             [-P probes] [-s ports] [-t seconds] [--min-hitrate percent]\n"
	    "             [-Z user] [--metadata file] [--probe-args args] [--status-updates file]\n"
	    "       zrecv --list-fields [-M module]\n"
	    "       zrecv --schema sqlite|postgres [-M module] [-f fields]\n",
	    f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nCapture answers to zsend's probes, validate each with the scan key alone and\n"
	      "print one record per valid answer (CSV with a header, or JSON lines). In a\n"
	      "pipeline (zsend ... | zrecv) it reads zsend's status records on stdin, needs\n"
	      "no repeated flags, and ends a cooldown after zsend is done.\n\n"
	      "  -i, --interface IFACE    capture on IFACE (default: the default route's)\n"
	      "  -r, --read FILE          read a pcap file instead\n"
	      "  -k, --key FILE           the scan key (default in a pipeline: a fresh key,\n"
	      "                           created once the capture is armed, then removed)\n"
	      "  -M, --probe-module NAME  module (default: zsend's, else tcp_syn)\n"
	      "  -s, --source-port RANGE  zsend's source ports (default 32768-61000)\n"
	      "  -P, --probes N           zsend's probes per target (default 1)\n"
	      "  -c, --cooldown SECONDS   keep receiving after zsend is done (default 8)\n"
	      "  -t, --max-runtime SECS   stop after this long (zsend settles; exit 3)\n"
	      "  -N, --max-results N      stop once N targets are found up (success, not\n"
	      "                           a repeat: ZMap's default output filter); the\n"
	      "                           answers to what zsend sent until it settled are\n"
	      "                           kept, so there may be more (exit 3)\n"
	      "      --min-hitrate PCT    abort (exit 1) when, after 1000 probes and 10 s,\n"
	      "                           fewer than PCT percent of targets answer\n"
	      "  -O, --output-format FMT  csv (default) or json\n"
	      "  -f, --output-fields LIST fields to print, '*' for all; see --list-fields\n"
	      "  -o, --output-file FILE   write records to FILE\n"
	      "      --probe-args ARGS    what the module checks, as zsend's start record\n"
	      "                           gives it (udp: echo=OFF:LEN[@AT]); for -r and\n"
	      "                           split setups\n"
	      "      --dedup-method M     how repeats are caught: default (exact for IPv4\n"
	      "                           addresses of the first port, a window for the\n"
	      "                           rest), full (exact for all: memory grows with\n"
	      "                           every pair), window (a window for all), none\n"
	      "      --dedup-window N     the window: repeats among the last N..2N answering\n"
	      "                           (address, port) pairs (default 1048576; memory: 32\n"
	      "                           bytes per pair; also --dedup-window-size)\n"
	      "  -Z, --user USER          once the capture is open, run as USER (default as\n"
	      "                           root: nobody; 'root' keeps root); without root,\n"
	      "                           clear every capability instead\n"
	      "      --list-fields        list the module's fields\n"
	      "      --schema DB          print the SQL tables for the module's results (the\n"
	      "                           fields of -f) and the scans, for sqlite or postgres\n"
	      "      --metadata FILE      at the end, write the scan's parameters and counts\n"
	      "                           to FILE as JSON\n"
	      "      --status-updates FILE  write the status each second to FILE as CSV\n"
	      "  -q, --quiet              no status line on stderr\n"
	      "  -C, --config FILE        read options not given from FILE (see below)\n"
	      "  -h, --help               this help\n"
	      "  -V, --version            print the version\n",
	      stdout);
	config_help(stdout);
}

enum {
	OPT_LIST_FIELDS = 256,
	OPT_METADATA,
	OPT_UPDATES,
	OPT_DEDUP_WINDOW,
	OPT_PROBE_ARGS,
	OPT_MIN_HITRATE,
	OPT_DEDUP_METHOD,
	OPT_SCHEMA
};

static const struct option longopts[] = {
    {"interface", required_argument, NULL, 'i'},
    {"read", required_argument, NULL, 'r'},
    {"key", required_argument, NULL, 'k'},
    {"probe-module", required_argument, NULL, 'M'},
    {"source-port", required_argument, NULL, 's'},
    {"probes", required_argument, NULL, 'P'},
    {"cooldown", required_argument, NULL, 'c'},
    {"max-runtime", required_argument, NULL, 't'},
    {"max-results", required_argument, NULL, 'N'},
    {"min-hitrate", required_argument, NULL, OPT_MIN_HITRATE},
    {"output-format", required_argument, NULL, 'O'},
    {"output-fields", required_argument, NULL, 'f'},
    {"output-file", required_argument, NULL, 'o'},
    {"user", required_argument, NULL, 'Z'},
    {"dedup-window", required_argument, NULL, OPT_DEDUP_WINDOW},
    {"dedup-window-size", required_argument, NULL, OPT_DEDUP_WINDOW},
    {"dedup-method", required_argument, NULL, OPT_DEDUP_METHOD},
    {"probe-args", required_argument, NULL, OPT_PROBE_ARGS},
    {"list-fields", no_argument, NULL, OPT_LIST_FIELDS},
    {"schema", required_argument, NULL, OPT_SCHEMA},
    {"metadata", required_argument, NULL, OPT_METADATA},
    {"status-updates", required_argument, NULL, OPT_UPDATES},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"config", required_argument, NULL, 'C'},
    {NULL, 0, NULL, 0},
};

/* Stop requests (tool/signals.h; recvscan.h says what each does), and
 * whether a second one came. */
static volatile sig_atomic_t requests, stop_now;

static void on_signal(int sig)
{
	(void)sig;
	signals_count_request(&requests);
	stop_now = requests >= 2;
}

/* A percentage for --min-hitrate: a plain decimal (digits, one point), a
 * '%' after it allowed, above 0 and at most 100; -1 otherwise. */
static int parse_percent(const char *s, double *out)
{
	size_t n = strlen(s), digits = 0, points = 0;
	if (n > 0 && s[n - 1] == '%')
		n--;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '.' && !points)
			points++;
		else
			return -1;
	}
	if (!digits || n > 24)
		return -1;
	char buf[32];
	memcpy(buf, s, n);
	buf[n] = '\0';
	double v = strtod(buf, NULL);
	if (!(v > 0 && v <= 100))
		return -1;
	*out = v;
	return 0;
}

/* What the command line asked for, before anything is opened. */
struct opts {
	const char *keyfile, *outpath, *metadata_path, *updates_path, *user;
	uint64_t probes;
	uint16_t sport_lo, sport_hi;
	bool quiet, list_fields;
	int schema; /* --schema's enum schema_db, or -1 */
};

/* The getopt loop over the configuration file's options and the command
 * line's (tool/options.h): values are checked one by one as they come (a
 * bad one ends zrecv with one line); -h and -V answer and exit. */
static void parse_options(int argc, char **argv, struct opts *o, struct recvscan_config *cfg)
{
	struct zerr e;
	uint64_t v;
	int ch;
	struct optstream s;
	optstream_init(&s, "zrecv", argc, argv, ":i:r:k:M:s:P:c:t:N:O:f:o:Z:C:qhV", longopts);
	while ((ch = optstream_next(&s)) != -1) {
		switch (ch) {
		case 'i':
			cfg->ifname = optarg;
			break;
		case 'r':
			cfg->pcapfile = optarg;
			break;
		case 'k':
			o->keyfile = optarg;
			break;
		case 'M':
			if (!(cfg->mod = probe_find(optarg)))
				errx(ZS_EXIT_USAGE, "-M: no probe module '%s'", cli_shown(optarg));
			break;
		case 's':
			if (parse_port_range(optarg, "-s", &o->sport_lo, &o->sport_hi, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			cfg->pp_from_flags = true;
			break;
		case 'P':
			if (parse_u64(optarg, 1, 255, "-P", &o->probes, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			cfg->pp_from_flags = true;
			break;
		case 'c':
			if (parse_u64(optarg, 0, 86400, "-c", &v, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			cfg->cooldown = (double)v;
			break;
		case 't':
			if (parse_u64(optarg, 1, 86400 * 365, "-t", &v, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			cfg->max_runtime = (double)v;
			break;
		case 'N':
			if (parse_u64(optarg, 1, UINT64_MAX, "-N", &cfg->max_results, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			break;
		case OPT_MIN_HITRATE:
			if (parse_percent(optarg, &cfg->min_hitrate) < 0)
				errx(ZS_EXIT_USAGE,
				     "--min-hitrate: '%s' is not a percentage above 0 and at most "
				     "100",
				     cli_shown(optarg));
			break;
		case 'O':
			if (strcmp(optarg, "csv") == 0)
				cfg->format = OUTPUT_CSV;
			else if (strcmp(optarg, "json") == 0)
				cfg->format = OUTPUT_JSON;
			else
				errx(ZS_EXIT_USAGE, "-O: '%s' is not csv or json",
				     cli_shown(optarg));
			break;
		case 'f':
			cfg->field_list = optarg;
			break;
		case 'o':
			o->outpath = optarg;
			break;
		case 'Z':
			o->user = optarg;
			break;
		case OPT_PROBE_ARGS:
			cfg->probe_args = optarg;
			break;
		case OPT_DEDUP_METHOD: {
			static const char *const names[] = {"default", "full", "window", "none"};
			int k = -1;
			for (int i = 0; i < 4; i++)
				if (strcmp(optarg, names[i]) == 0)
					k = i;
			if (k < 0)
				errx(ZS_EXIT_USAGE,
				     "--dedup-method: '%s' is not default, full, window or none",
				     cli_shown(optarg));
			cfg->dedup = k;
			break;
		}
		case OPT_DEDUP_WINDOW:
			if (parse_u64(optarg, 1024, UINT64_MAX / 64, "--dedup-window", &v, &e) < 0)
				errx(ZS_EXIT_USAGE, "%s", e.msg);
			cfg->pair_window = v;
			break;
		case OPT_LIST_FIELDS:
			o->list_fields = true;
			break;
		case OPT_SCHEMA:
			if ((o->schema = schema_db_find(optarg)) < 0)
				errx(ZS_EXIT_USAGE, "--schema: '%s' is not sqlite or postgres",
				     cli_shown(optarg));
			break;
		case OPT_METADATA:
			o->metadata_path = optarg;
			break;
		case OPT_UPDATES:
			o->updates_path = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			help();
			exit(ZS_EXIT_OK);
		case 'V':
			printf("zrecv (zscan) %s\n", ZSCAN_VERSION);
			exit(ZS_EXIT_OK);
		default:
			cli_bad_option(ch, argv);
		}
	}
	if (optind != argc)
		errx(ZS_EXIT_USAGE, "unexpected argument '%s'", cli_shown(argv[optind]));
}

/* The options that only make sense together, and -f's names now, before
 * anything is captured. */
static void check_options(const struct recvscan_config *cfg)
{
	struct zerr e;
	if (cfg->ifname && cfg->pcapfile)
		errx(ZS_EXIT_USAGE, "-i and -r exclude each other");
	struct output out;
	if (cfg->field_list && strcmp(cfg->field_list, "*") &&
	    output_select(&out, cfg->mod, cfg->field_list, &e) < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
}

/* Where answers come from: a pipe or a file on stdin is zsend's status
 * stream; a terminal or /dev/null means a split setup, run until a signal
 * or -t. Without -i or -r, every interface ("any"): answers are heard
 * whichever way zsend's probes went out. */
static void find_sources(struct recvscan_config *cfg)
{
	struct stat in;
	if (!cfg->pcapfile && fstat(STDIN_FILENO, &in) == 0 &&
	    (S_ISFIFO(in.st_mode) || S_ISREG(in.st_mode)))
		cfg->status_fd = STDIN_FILENO;
	else if (!cfg->mod)
		cfg->mod = &probe_tcp_syn;
	if (!cfg->ifname && !cfg->pcapfile)
		cfg->ifname = "any";
}

/* The key: -k's file, or, in a pipeline, a fresh one made once the
 * capture is armed, named by the pipe from zsend (core/stage/handover.h). */
struct key {
	struct handover h;
	bool piped;  /* zsend's output is our input: h is set */
	bool create; /* no -k: make the key */
};

static void prepare_key(const struct opts *o, const struct recvscan_config *cfg,
                        struct secret *secret, struct key *k)
{
	struct zerr e;
	struct stat in;
	k->piped = !cfg->pcapfile && fstat(STDIN_FILENO, &in) == 0 && S_ISFIFO(in.st_mode);
	if (o->keyfile) {
		if (secret_load(o->keyfile, secret, &e) < 0)
			errx(ZS_EXIT_USAGE, "%s", e.msg);
	} else if (cfg->pcapfile) {
		errx(ZS_EXIT_USAGE, "-r FILE needs the scan's key: -k FILE");
	} else if (!k->piped) {
		errx(ZS_EXIT_USAGE,
		     "no key: without -k FILE, zrecv's input must be the pipe from "
		     "zsend (zsend ... | zrecv ...), through which it hands zsend a key");
	} else {
		k->create = true;
	}
	if (k->piped && handover_for_pipe(STDIN_FILENO, &k->h, &e) < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
}

/* Results, metadata and status updates: opened before the capture (and
 * the privilege drop), emptied once the capture is armed. */
struct outputs {
	struct outfile out, metadata, updates;
};

static void open_outputs(const struct opts *o, struct outputs *f)
{
	struct zerr e;
	const char *paths[] = {o->outpath, o->metadata_path, o->updates_path};
	struct outfile *files[] = {&f->out, &f->metadata, &f->updates};
	for (int i = 0; i < 3; i++) {
		files[i]->fd = -1;
		if (!paths[i])
			continue;
		if (outfile_open(files[i], paths[i], &e) < 0)
			errx(ZS_EXIT_USAGE, "%s", e.msg);
		cleanup_outfile(files[i]);
	}
}

/* Results on stdout, when no -o names a file. */
static struct ostream std_out;

static void commit_outputs(struct outputs *f, struct recvscan_config *cfg)
{
	struct zerr e;
	struct outfile *files[] = {&f->out, &f->metadata, &f->updates};
	for (int i = 0; i < 3; i++)
		if (files[i]->fd >= 0 && outfile_commit(files[i], &e) < 0)
			errx(ZS_EXIT_FAIL, "%s", e.msg);
	if (!f->out.f && ostream_open(&std_out, STDOUT_FILENO, "stdout", 0) < 0)
		err(ZS_EXIT_FAIL, "stdout");
	cfg->out = f->out.f ? &f->out.os : &std_out;
	if (setvbuf(cfg->out->f, NULL, _IOFBF, 1 << 20) != 0)
		errx(ZS_EXIT_FAIL, "out of memory");
	cfg->updates = f->updates.f ? &f->updates.os : NULL;
}

/* The zsend that left its pid, as a pidfd (so that it stays that process),
 * or -1: while still privileged, zrecv checks that the process writes to
 * its own pipe, where /proc lets it look (a pid from another pid namespace
 * names some other process here). */
static int sender_pidfd(const struct key *k)
{
	long pid = handover_take_pid(&k->h);
	if (pid <= 0)
		return -1;
	int fd = pidfd_open((pid_t)pid, 0);
	if (fd < 0)
		return -1;
	char link[64], want[64], path[64];
	struct stat in;
	snprintf(path, sizeof path, "/proc/%ld/fd/1", pid);
	ssize_t n = readlink(path, link, sizeof link - 1);
	if (n < 0 && (errno == EACCES || errno == EPERM))
		return fd; /* not ours to look at: the directory the pid came
		              through is this user's alone */
	if (n > 0 && fstat(STDIN_FILENO, &in) == 0) {
		link[n] = '\0';
		snprintf(want, sizeof want, "pipe:[%llu]", (unsigned long long)in.st_ino);
		if (strcmp(link, want) == 0)
			return fd;
	}
	close(fd);
	return -1;
}

/* Armed: now the key may appear, and with it zsend's first probe (with
 * -k in a pipeline, the readiness file says the same). Still privileged,
 * zrecv waits for zsend to take it, so that the file is removed (by zsend,
 * or here if it never came) before either becomes the unprivileged user,
 * and takes the pid zsend left. Only a second stop request abandons the
 * wait: after a first one zrecv asks zsend to stop once it knows it. */
static int hand_over(struct key *k, struct secret *secret)
{
	struct zerr e;
	const char *file = NULL;
	int wait_ms = 0;
	if (k->create) {
		if (handover_create_key(&k->h, secret, &e) < 0)
			errx(ZS_EXIT_FAIL, "%s", e.msg);
		file = k->h.key;
		wait_ms = 12000;
	} else if (k->piped) {
		if (handover_mark_ready(&k->h, &e) < 0) {
			warnx("%s", e.msg);
			return -1;
		}
		file = k->h.ready;
		wait_ms = 4000;
	}
	if (!file)
		return -1;
	cleanup_unlink(file);
	cleanup_unlink(k->h.pid);
	int pidfd = -1;
	if (handover_wait_taken(&k->h, file, wait_ms, &stop_now) == 0)
		pidfd = sender_pidfd(k);
	cleanup_keep(file);
	cleanup_keep(k->h.pid);
	unlink(k->h.pid);
	return pidfd;
}

static double ts_seconds(const struct timespec *t)
{
	return (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	/* first, with SA_RESTART (a signal never cuts a write of results
	 * short): a stop is never lost while setting up */
	signals_catch(on_signal, SA_RESTART);
	closeout_install(); /* runs last: stdout checked however main ends */
	struct recvscan_config cfg = {.status_fd = -1, .cooldown = 8, .format = OUTPUT_CSV};
	struct opts o = {.probes = 1, .sport_lo = 32768, .sport_hi = 61000, .schema = -1};
	struct zerr e;

	parse_options(argc, argv, &o, &cfg);
	if (o.list_fields) {
		output_list_fields(stdout, cfg.mod ? cfg.mod : &probe_tcp_syn);
		return ZS_EXIT_OK;
	}
	if (o.schema >= 0) {
		struct output out;
		if (output_select(&out, cfg.mod ? cfg.mod : &probe_tcp_syn, cfg.field_list, &e) < 0)
			errx(ZS_EXIT_USAGE, "%s", e.msg);
		schema_write(stdout, (enum schema_db)o.schema, &out);
		return ZS_EXIT_OK;
	}
	check_options(&cfg);

	/* set up: where answers come from, the key, the outputs, the capture */
	cfg.pp.sport_first = o.sport_lo;
	cfg.pp.sport_count = (uint32_t)(o.sport_hi - o.sport_lo + 1);
	cfg.pp.probes = (unsigned)o.probes;
	find_sources(&cfg);
	struct privdrop priv;
	if (privdrop_prepare(&priv, o.user, &e) < 0)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	struct secret secret;
	struct key key = {0};
	prepare_key(&o, &cfg, &secret, &key);
	cfg.pp.secret = &secret;
	struct outputs files = {0};
	open_outputs(&o, &files);
	cfg.human = !o.quiet;
	cfg.requests = &requests;
	struct recvscan *rs = recvscan_open(&cfg, &e);
	if (!rs)
		errx(ZS_EXIT_USAGE, "%s", e.msg);
	commit_outputs(&files, &cfg); /* every check passed */
	recvscan_set_output(rs, cfg.out, cfg.updates);
	struct timespec t_start, t_end; /* the scan starts once the capture is armed */
	clock_gettime(CLOCK_REALTIME, &t_start);
	recvscan_set_sender(rs, hand_over(&key, &secret));

	/* the capture and every output are open and the key is handed over:
	 * no more privilege, before the first packet is parsed */
	if (privdrop_apply(&priv, &e) < 0) {
		recvscan_close(rs);
		errx(ZS_EXIT_FAIL, "%s", e.msg);
	}

	struct recvscan_stats st = {0};
	int rc = recvscan_run(rs, &st, &e);
	clock_gettime(CLOCK_REALTIME, &t_end);
	recvscan_close(rs);

	/* report: the run's own failure and the closes', then whether the
	 * scan is whole, which the metadata records too */
	int status = ZS_EXIT_OK;
	if (rc < 0) {
		warnx("%s", e.msg);
		status = ZS_EXIT_FAIL;
	}
	struct outfile *closes[] = {&files.out, &files.updates};
	for (int i = 0; i < 2; i++)
		if (closes[i]->f && outfile_close(closes[i], &e) < 0 && !st.write_failed) {
			warnx("%s", e.msg);
			st.write_failed = true;
			status = ZS_EXIT_FAIL;
		}
	if (!files.out.committed && ostream_close(&std_out) < 0 && !st.write_failed) {
		ostream_error(&std_out, &e);
		warnx("%s", e.msg);
		st.write_failed = true;
		status = ZS_EXIT_FAIL;
	}
	struct verdict v = verdict_judge(&cfg, &st, status);
	status = v.status;
	if (files.metadata.f && (zrecv_metadata_write(files.metadata.f, &cfg, &st, &v,
	                                              ts_seconds(&t_start), ts_seconds(&t_end)),
	                         outfile_close(&files.metadata, &e) < 0)) {
		warnx("%s", e.msg);
		status = ZS_EXIT_FAIL;
	}
	if (v.why[0])
		warnx("%s", v.why);
	if (!o.quiet) {
		char skipped[128] = "";
		if (st.not_ip || st.fragments || st.vlan_tagged)
			snprintf(skipped, sizeof skipped,
			         " (%" PRIu64 " not IP, %" PRIu64 " later fragments), %" PRIu64
			         " VLAN-tagged read",
			         st.not_ip, st.fragments, st.vlan_tagged);
		warnx("%" PRIu64 " valid answers (%" PRIu64 " targets up); %" PRIu64
		      " failed validation, %" PRIu64 " other frames%s; drops: %" PRIu64
		      " kernel, %" PRIu64 " interface%s",
		      st.valid, st.unique_success, st.bad_mac, st.not_ours, skipped, st.pcap_drop,
		      st.pcap_ifdrop, st.interrupted ? "; interrupted" : "");
	}
	return status;
}
