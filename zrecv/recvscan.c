/* recvscan: capture, validation, status records and output for zrecv. */
#include "recvscan.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/bitmap.h"
#include "net/packet.h"
#include "util/pairset.h"
#include "net/frame.h"
#include "core/stage/status.h"

struct recvscan {
	struct recvscan_config cfg;
	pcap_t *pcap;
	int linktype;
	struct output out;
	bool have_params; /* module and ports known: frames may be handled */
	bool got_start;   /* zsend's start record came */
	/* answered before: a bit per address for the first port that answers
	 * (all of a one-port scan), pairs for the others */
	struct bitmap *seen;
	/* pairs of other ports than the first: two generations, so memory
	 * stays bounded however many targets answer (see seen_pair) */
	struct pairset seen_pairs, seen_pairs_old;
	int seen_port; /* -1 until the first answer */
	struct recvscan_stats st;
	struct status_reader status; /* zsend's records */
	double sender_rate;
	double first_sent_at; /* when zsend's records first counted a probe */
	double progress;      /* of zsend's input, 0..1; < 0 unknown */
	bool header_done;
	bool ended;             /* zsend's done record, or the end of its stream, came */
	struct timeval done_at; /* when */
	struct zerr *err;       /* set by a failing stream record */
	/* zsend, from the handover: asked to stop and settle with SIGUSR1
	 * (-1: it cannot be asked) */
	int sender_pidfd;
	/* how far zsend's probes are all sent (its status records'
	 * done_below), and when each came: the part of the scan whose
	 * answers had a whole cooldown to arrive, should zrecv stop before
	 * zsend's done record (see settled_below) */
	struct sent_mark {
		double at;
		long below;
	} * marks;
	size_t nmarks, marks_cap;
	long settled;       /* the largest below of marks a cooldown old */
	uint64_t zgen_base; /* the start record's zgen resume */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct recvscan *recvscan_open(const struct recvscan_config *cfg, struct zerr *e)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct recvscan *rs = calloc(1, sizeof *rs);
	if (!rs || !(rs->seen = calloc(1, sizeof *rs->seen))) {
		free(rs);
		zerr_set(e, "out of memory");
		return NULL;
	}
	rs->cfg = *cfg;
	rs->seen_port = -1;
	rs->sender_pidfd = -1;
	rs->st.sender_exit = -1;
	rs->st.consumed = -1;
	if (cfg->mod && probe_setup(cfg->mod, &rs->cfg.pp, cfg->probe_args, e) < 0)
		goto fail;
	if (cfg->pcapfile) {
		rs->pcap = pcap_open_offline(cfg->pcapfile, errbuf);
		if (!rs->pcap) {
			/* libpcap names the file only when it cannot open it */
			if (strstr(errbuf, cfg->pcapfile))
				zerr_set(e, "%s", errbuf);
			else
				zerr_set(e, "%s: %s", cfg->pcapfile, errbuf);
			goto fail;
		}
	} else {
		rs->pcap = pcap_create(cfg->ifname, errbuf);
		if (!rs->pcap) {
			zerr_set(e, "%s", errbuf);
			goto fail;
		}
		pcap_set_snaplen(rs->pcap, OUTPUT_CAPTURE_MAX); /* UDP answers are kept whole */
		pcap_set_buffer_size(rs->pcap, 64 << 20);
		pcap_set_timeout(rs->pcap, 100);
		int rc = pcap_activate(rs->pcap);
		if (rc < 0) {
			zerr_set(e, "capture on %s: %s", cfg->ifname, pcap_geterr(rs->pcap));
			goto fail;
		}
		pcap_setdirection(rs->pcap, PCAP_D_IN);
		pcap_setnonblock(rs->pcap, 1, errbuf);
	}
	rs->linktype = pcap_datalink(rs->pcap);
	if (!frame_linktype_known(rs->linktype)) {
		const char *name = pcap_datalink_val_to_name(rs->linktype);
		zerr_set(
		    e, "%s: link type %d (%s) is not one zrecv reads (Ethernet, Linux SLL, raw IP)",
		    cfg->pcapfile ? cfg->pcapfile : cfg->ifname, rs->linktype,
		    name ? name : "unnamed");
		goto fail;
	}
	rs->have_params = cfg->mod != NULL && cfg->status_fd < 0;
	/* The filter is set once, here, before the capture counts as armed:
	 * libpcap discards what is already in the ring when a filter changes, so
	 * setting it later (after zsend's start record) loses early answers.
	 * When the stream will name the module, take all modules' filters. */
	char base[4096] = "", filter[16384];
	for (int i = 0; probe_modules[i]; i++) {
		if (cfg->mod && probe_modules[i] != cfg->mod)
			continue;
		size_t used = strlen(base);
		const struct probe_module *m = probe_modules[i];
		snprintf(base + used, sizeof base - used, "%s(%s)%s%s%s", used ? " or " : "",
		         m->bpf, m->bpf6 ? " or (" : "", m->bpf6 ? m->bpf6 : "",
		         m->bpf6 ? ")" : "");
	}
	/* later fragments, which are counted, not read, and IPv6 packets
	 * whose first header is an extension header (hop-by-hop, routing,
	 * fragment, destination options): BPF cannot follow the chain, so
	 * the modules' ip6[6] tests would drop their answers unseen; here
	 * the chain is followed and they are validated like any other (none
	 * to a multicast group: the link's MLD reports ride behind hop-by-hop
	 * headers, and no answer goes to a group). On
	 * Ethernet, answers with one or two VLAN tags too (the "vlan" keyword
	 * shifts what follows it; Linux cooked captures carry no tags) */
	const char *frag = "(ip[6:2] & 0x1fff != 0) or "
	                   "(ip6 and ip6[6] != 6 and ip6[6] != 17 and ip6[6] != 58 and "
	                   "ip6[24] != 0xff)";
	if (rs->linktype == DLT_EN10MB)
		snprintf(filter, sizeof filter, "%s or %s or (vlan and ((%s) or (vlan and (%s))))",
		         frag, base, base, base);
	else
		snprintf(filter, sizeof filter, "%s or %s", frag, base);
	struct bpf_program prog;
	if (pcap_compile(rs->pcap, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
	    pcap_setfilter(rs->pcap, &prog) < 0) {
		zerr_set(e, "BPF filter: %s", pcap_geterr(rs->pcap));
		goto fail;
	}
	pcap_freecode(&prog);
	return rs;
fail:
	recvscan_close(rs);
	return NULL;
}

void recvscan_close(struct recvscan *rs)
{
	if (!rs)
		return;
	if (rs->pcap)
		pcap_close(rs->pcap);
	if (rs->sender_pidfd >= 0)
		close(rs->sender_pidfd);
	if (rs->cfg.mod)
		probe_teardown(rs->cfg.mod, &rs->cfg.pp);
	if (rs->seen)
		bitmap_free(rs->seen);
	pairset_free(&rs->seen_pairs);
	pairset_free(&rs->seen_pairs_old);
	free(rs->seen);
	free(rs->marks);
	free(rs);
}

/* Repeats of (address, port) for the ports after the first. A set per port
 * would be 512 MiB each, and one set of every pair grows with every target
 * that answers; instead the set starts afresh after a window of pairs
 * (default 2^20), keeping the previous generation. A repeat is caught while
 * at most that many other pairs answered in between (duplicates come within
 * seconds); memory stays under 32 bytes per pair of the window. */
static int seen_pair(struct recvscan *rs, uint64_t key)
{
	if (pairset_test(&rs->seen_pairs_old, key))
		return 1;
	uint64_t window = rs->cfg.pair_window ? rs->cfg.pair_window : RECVSCAN_PAIR_WINDOW;
	if (rs->cfg.dedup != DEDUP_FULL && rs->seen_pairs.n >= window) {
		pairset_free(&rs->seen_pairs_old);
		rs->seen_pairs_old = rs->seen_pairs;
		rs->seen_pairs = (struct pairset){0};
	}
	return pairset_test_and_set(&rs->seen_pairs, key);
}

/* An IPv6 (address, port) as a 63-bit key, for the same set as IPv4's
 * pairs (which stay below 2^48, a key of this above it): a fixed mix, as
 * only answers with a valid MAC get here, so its collisions are as rare as
 * chance makes them (about n^2 / 2^64). */
static uint64_t pair_key6(struct ipaddr a, uint16_t port)
{
	uint64_t x = a.hi ^ (a.lo * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)port << 48);
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 32;
	return (x >> 1) | (1ull << 62); /* never a key of IPv4's */
}

static void on_frame(uint8_t *user, const struct pcap_pkthdr *h, const uint8_t *frame)
{
	struct recvscan *rs = (struct recvscan *)user;
	rs->st.frames++;
	struct frame fr;
	struct record rec = {0};
	enum probe_verdict v = PROBE_NOT_OURS;
	enum frame_kind kind = frame_ip_captured(rs->linktype, frame, h->caplen, h->len, &fr);
	if (kind != FRAME_IPV4 && kind != FRAME_IPV6)
		rs->st.not_ip++;
	else if (kind == FRAME_IPV4 ? ipv4_later_fragment(fr.ip, fr.len)
	                            : ipv6_later_fragment(fr.ip, fr.len))
		rs->st.fragments++; /* no transport header in it to validate */
	else
		v = rs->cfg.mod->validate(&rs->cfg.pp, fr.ip, fr.len, &rec.r);
	rs->st.vlan_tagged += fr.vlans > 0;
	if (v == PROBE_NOT_OURS) {
		rs->st.not_ours++;
		return;
	}
	if (v == PROBE_BAD_MAC) {
		rs->st.bad_mac++;
		return;
	}
	rs->st.valid++;
	/* ICMP probes have no port: their sport is 0 */
	if (rs->seen_port < 0)
		rs->seen_port = rec.r.sport;
	int was = rs->cfg.dedup == DEDUP_NONE  ? 0
	          : !ipaddr_is_v4(rec.r.saddr) ? seen_pair(rs, pair_key6(rec.r.saddr, rec.r.sport))
	          : rec.r.sport == rs->seen_port && rs->cfg.dedup != DEDUP_WINDOW
	              ? bitmap_test_and_set(rs->seen, ipaddr_v4(rec.r.saddr))
	              : seen_pair(rs, (uint64_t)ipaddr_v4(rec.r.saddr) << 16 | rec.r.sport);
	rec.repeat = was == 1;
	if (rec.r.success) {
		rs->st.success++;
		rs->st.unique_success += !rec.repeat;
	}
	rec.cooldown = rs->ended && timercmp(&h->ts, &rs->done_at, >);
	rec.ts_sec = (uint64_t)h->ts.tv_sec;
	rec.ts_usec = (uint64_t)h->ts.tv_usec;
	output_record(&rs->out, &rec, rs->cfg.out->f);
}

/* Takes what zsend's start record says both sides must agree on. */
static int take_start(struct recvscan *rs, const struct status_record *rec, struct zerr *e)
{
	if (rs->got_start)
		return zerr_set(e, "a second start record: the stream holds more than one zsend's "
		                   "scan (give each zsend a zrecv of its own)");
	rs->got_start = true;
	const char *module = rec->module, *fp = rec->key_fingerprint;
	const struct probe_module *m = probe_find(module);
	if (!m)
		return zerr_set(e, "zsend's start record names unknown module '%s'", module);
	if (rs->cfg.mod && rs->cfg.mod != m)
		return zerr_set(e, "-M %s conflicts with zsend's module %s", rs->cfg.mod->name,
		                module);
	if (strcmp(fp, rs->cfg.pp.secret->fingerprint) != 0)
		return zerr_set(e, "zsend uses key %s, zrecv key %s: give both the same -k", fp,
		                rs->cfg.pp.secret->fingerprint);
	long first = rec->sport_first, count = rec->sport_count, probes = rec->probes;
	if (first < 1 || count < 1 || probes < 1)
		return zerr_set(e, "zsend's start record lacks its source ports or probes");
	if (first > 65535 || count > 65536 - first || probes > 255) /* what zsend takes */
		return zerr_set(e, "zsend's start record has source ports %ld-%ld and %ld probes",
		                first, first + count - 1, probes);
	if (rs->cfg.pp_from_flags &&
	    (rs->cfg.pp.sport_first != first || rs->cfg.pp.sport_count != (uint32_t)count ||
	     rs->cfg.pp.probes != (unsigned)probes))
		return zerr_set(e, "-s/-P conflict with zsend's source ports %ld-%ld and -P %ld",
		                first, first + count - 1, probes);
	/* what the module needs to validate what zsend sends (udp's echo) */
	const char *args = rec->module_args[0] ? rec->module_args : NULL;
	if (args && rs->cfg.probe_args && strcmp(args, rs->cfg.probe_args) != 0)
		return zerr_set(e, "--probe-args %s conflicts with zsend's %s", rs->cfg.probe_args,
		                args);
	if (rs->cfg.mod && args && !rs->cfg.probe_args) {
		probe_teardown(m, &rs->cfg.pp);
		if (probe_setup(m, &rs->cfg.pp, args, e) < 0)
			return -1;
	}
	if (!rs->cfg.mod && probe_setup(m, &rs->cfg.pp, args ? args : rs->cfg.probe_args, e) < 0)
		return -1;
	rs->cfg.mod = m;
	rs->cfg.pp.sport_first = (uint16_t)first;
	rs->cfg.pp.sport_count = (uint32_t)count;
	rs->cfg.pp.probes = (unsigned)probes;
	if (output_select(&rs->out, m, rs->cfg.field_list, e) < 0)
		return -1;
	rs->out.format = rs->cfg.format;
	rs->out.pp = &rs->cfg.pp;
	rs->have_params = true;
	if (rec->have_zgen) {
		rs->st.have_zgen = true;
		rs->st.seed = rec->seed;
		rs->st.shards = rec->shards;
		rs->st.shard = rec->shard;
		rs->zgen_base = rec->resume;
	}
	return 0;
}

/* Keeps (now, below); marks a cooldown old fold into rs->settled. */
static void add_mark(struct recvscan *rs, long below)
{
	double now = now_s();
	size_t keep = 0;
	for (size_t i = 0; i < rs->nmarks; i++) {
		if (rs->marks[i].at <= now - rs->cfg.cooldown) {
			if (rs->marks[i].below > rs->settled)
				rs->settled = rs->marks[i].below;
		} else {
			rs->marks[keep++] = rs->marks[i];
		}
	}
	rs->nmarks = keep;
	if (rs->nmarks == rs->marks_cap) {
		size_t cap = rs->marks_cap ? 2 * rs->marks_cap : 16;
		struct sent_mark *m = realloc(rs->marks, cap * sizeof *m);
		if (!m)
			return; /* a mark less: the resume point only earlier */
		rs->marks = m;
		rs->marks_cap = cap;
	}
	rs->marks[rs->nmarks++] = (struct sent_mark){now, below};
}

/* The input records whose every answer had a cooldown to arrive by `end`:
 * those below the last mark a cooldown older than end. */
static long settled_below(const struct recvscan *rs, double end)
{
	long below = rs->settled;
	for (size_t i = 0; i < rs->nmarks; i++)
		if (rs->marks[i].at <= end - rs->cfg.cooldown && rs->marks[i].below > below)
			below = rs->marks[i].below;
	return below;
}

/* One record of zsend's status stream. */
static int take_record(void *ctx, const struct status_record *rec)
{
	struct recvscan *rs = ctx;
	if (rec->type == STATUS_START)
		return take_start(rs, rec, rs->err);
	if (rec->type != STATUS_STATUS && rec->type != STATUS_DONE)
		return 0;
	if (rec->progress >= 0)
		rs->progress = rec->progress;
	if (rec->sent >= 0)
		rs->st.sent = (uint64_t)rec->sent;
	if (rec->sent > 0 && rs->first_sent_at == 0)
		rs->first_sent_at = now_s();
	if (rec->rate >= 0)
		rs->sender_rate = (double)rec->rate;
	if (rec->type == STATUS_STATUS && rec->done_below >= 0)
		add_mark(rs, rec->done_below);
	if (rec->type == STATUS_DONE && !rs->st.saw_done) {
		rs->st.saw_done = true;
		rs->ended = true;
		gettimeofday(&rs->done_at, NULL);
		/* zsend's verdict on its run, and where a resume starts */
		struct recvscan_stats *st = &rs->st;
		st->sender_exit = rec->exit_status >= 0 ? (int)rec->exit_status : -1;
		st->sender_interrupted = rec->interrupted;
		st->input_short = rec->input_short;
		st->beyond = rec->beyond;
		st->consumed = rec->consumed;
		st->have_zgen = rec->have_zgen;
		st->seed = rec->seed;
		st->shards = rec->shards;
		st->shard = rec->shard;
		st->resume = rec->resume;
		if (rec->consumed >= 0)
			add_mark(rs, rec->consumed);
	}
	return 0;
}

double recvscan_hit_rate(uint64_t sent, unsigned probes, uint64_t targets_up)
{
	double targets = (double)sent / (probes ? probes : 1);
	return targets > 0 ? 100.0 * (double)targets_up / targets : 0;
}

static void status_line(struct recvscan *rs, double elapsed, double recv_rate)
{
	if (!rs->cfg.human && !rs->cfg.updates)
		return;
	struct pcap_stat ps = {0};
	if (!rs->cfg.pcapfile)
		pcap_stats(rs->pcap, &ps);
	double hit = recvscan_hit_rate(rs->st.sent, rs->cfg.pp.probes, rs->st.unique_success);
	if (rs->cfg.updates) {
		fprintf(rs->cfg.updates->f,
		        "%.3f,%" PRIu64 ",%.0f,%" PRIu64 ",%.0f,%" PRIu64 ",%.4f,%" PRIu64 ",%u\n",
		        elapsed, rs->st.sent, rs->sender_rate, rs->st.valid, recv_rate,
		        rs->st.unique_success, hit, rs->st.bad_mac, ps.ps_drop + ps.ps_ifdrop);
		ostream_flush(rs->cfg.updates);
	}
	if (!rs->cfg.human)
		return;
	char eta[48] = "";
	if (rs->progress > 0 && !rs->st.saw_done)
		snprintf(eta, sizeof eta, "; %.0f%% sent, ETA %.0fs", 100 * rs->progress,
		         elapsed * (1 - rs->progress) / rs->progress + rs->cfg.cooldown);
	fprintf(stderr,
	        "zrecv: %.0fs: sent %" PRIu64 " (%.0f p/s); answers %" PRIu64
	        " valid (%.0f/s), %" PRIu64
	        " targets up, hit rate %.2f%%; failed validation %" PRIu64 "; drops %u%s\n",
	        elapsed, rs->st.sent, rs->sender_rate, rs->st.valid, recv_rate,
	        rs->st.unique_success, hit, rs->st.bad_mac, ps.ps_drop + ps.ps_ifdrop, eta);
}

void recvscan_set_sender(struct recvscan *rs, int pidfd)
{
	rs->sender_pidfd = pidfd;
}

void recvscan_set_output(struct recvscan *rs, struct ostream *out, struct ostream *updates)
{
	rs->cfg.out = out;
	rs->cfg.updates = updates;
}

/* The header row, once the fields are known: a scan that finds nothing
 * still writes it. */
static void header(struct recvscan *rs)
{
	if (!rs->header_done && rs->have_params) {
		output_header(&rs->out, rs->cfg.out->f);
		rs->header_done = true;
	}
}

/* Reads what zsend's stream has. Returns -1 on a bad record, 1 when the
 * stream has ended, else 0. */
static int read_stream(struct recvscan *rs, struct zerr *e)
{
	rs->err = e;
	int r = status_read(&rs->status, rs->cfg.status_fd, take_record, rs);
	if (r < 0)
		return -1;
	header(rs);
	if (r > 0 && !rs->ended) {
		rs->ended = true;
		gettimeofday(&rs->done_at, NULL);
	}
	return r;
}

/* The first failed output, as the error; 0 while all are well. */
static int outputs_failed(const struct recvscan_config *cfg, struct zerr *e)
{
	if (ostream_failed(cfg->out))
		return ostream_error(cfg->out, e);
	if (cfg->updates && ostream_failed(cfg->updates))
		return ostream_error(cfg->updates, e);
	return 0;
}

/* How long zrecv keeps asking a zsend it may not signal yet: zsend drops
 * its privileges a moment after the handover, and a request that comes
 * before (a signal to the group as the pipeline starts) finds it still
 * root while zrecv is not. */
#define ASK_RETRY_S 3.0

enum ask { ASKED, ASK_AGAIN, CANNOT_ASK };

/* -N and --min-hitrate: whether one of them now stops the scan (as -t
 * does: zsend is asked to settle), said in text. -N counts what ZMap's
 * default output filter passes: targets found up, repeats not counted;
 * the hit rate is judged after the warm-up, on zsend's count of probes,
 * while zsend still sends. */
static bool check_limits(struct recvscan *rs, double now)
{
	char *text = rs->st.limit_text;
	size_t size = sizeof rs->st.limit_text;
	const struct recvscan_config *cfg = &rs->cfg;
	if (cfg->max_results && rs->st.unique_success >= cfg->max_results) {
		rs->st.limit = "max_results";
		snprintf(text, size, "-N %" PRIu64 " reached", cfg->max_results);
		return true;
	}
	if (cfg->min_hitrate > 0 && !rs->st.saw_done && rs->st.sent >= RECVSCAN_HITRATE_PROBES &&
	    rs->first_sent_at > 0 && now - rs->first_sent_at >= RECVSCAN_HITRATE_SECONDS) {
		double rate =
		    recvscan_hit_rate(rs->st.sent, rs->cfg.pp.probes, rs->st.unique_success);
		if (rate < cfg->min_hitrate) {
			rs->st.limit = "min_hitrate";
			rs->st.limit_fails = true;
			snprintf(text, size, "hit rate %.3f%% below --min-hitrate %g%%", rate,
			         cfg->min_hitrate);
			return true;
		}
	}
	return false;
}

/* Asks zsend to stop and settle an exact prefix (it may have had the
 * signal itself: it takes the two as one request). CANNOT_ASK when no
 * start record named it (a script in its place); ASK_AGAIN while it runs
 * as a user zrecv may not signal. */
static enum ask ask_sender_to_stop(struct recvscan *rs)
{
	if (rs->sender_pidfd < 0)
		return CANNOT_ASK;
	if (pidfd_send_signal(rs->sender_pidfd, SIGUSR1, NULL, 0) == 0 || errno == ESRCH)
		return ASKED; /* gone already: its done record, or the end, comes */
	return errno == EPERM ? ASK_AGAIN : CANNOT_ASK;
}

int recvscan_run(struct recvscan *rs, struct recvscan_stats *st, struct zerr *e)
{
	const struct recvscan_config *cfg = &rs->cfg;
	int rc = 0;
	if (rs->have_params) {
		if (output_select(&rs->out, cfg->mod, cfg->field_list, e) < 0)
			return -1;
		rs->out.format = cfg->format;
		rs->out.pp = &rs->cfg.pp;
	}
	if (cfg->status_fd >= 0)
		fcntl(cfg->status_fd, F_SETFL, fcntl(cfg->status_fd, F_GETFL) | O_NONBLOCK);
	if (cfg->updates)
		fputs(
		    "time,sent,send_rate,valid,recv_rate,targets_up,hit_rate_pct,failed_validation,"
		    "drops\n",
		    cfg->updates->f);
	double t0 = now_s(), deadline = 0, grace_end = 0, next_status = t0 + 1;
	uint64_t valid_at_last = 0;
	bool stream_open = cfg->status_fd >= 0, interrupted = false, timed_out = false;
	bool asking = false;  /* a first request: zsend is to be asked to stop */
	double ask_until = 0; /* and asked again until then, while it may not be */
	if (cfg->pcapfile) {
		if (!rs->have_params)
			return zerr_set(
			    e, "-r FILE needs -M (and -s/-P if zsend's were not the defaults)");
		header(rs);
		if (pcap_dispatch(rs->pcap, -1, on_frame, (uint8_t *)rs) < 0)
			rc = zerr_set(e, "%s: %s", cfg->pcapfile, pcap_geterr(rs->pcap));
		goto done;
	}
	header(rs);
	int pfd = pcap_get_selectable_fd(rs->pcap);
	for (;;) {
		double now = now_s();
		int req = *cfg->requests;
		if (!timed_out && cfg->max_runtime > 0 && now - t0 >= cfg->max_runtime) {
			timed_out = true;
			if (!req && !rs->st.limit) {
				rs->st.limit = "max_runtime";
				snprintf(rs->st.limit_text, sizeof rs->st.limit_text,
				         "-t %g reached", cfg->max_runtime);
			}
			if (!req)
				req = 1;
		}
		if (!rs->st.limit && check_limits(rs, now) && !req)
			req = 1;
		/* a first request (or -t): zsend settles and says it is done,
		 * then the cooldown runs; without a stream, stop now */
		if (req >= 1 && !interrupted) {
			interrupted = true;
			if (cfg->status_fd < 0)
				break;
			if (stream_open && !rs->st.saw_done) {
				asking = true;
				if (cfg->human)
					fprintf(
					    stderr,
					    "zrecv: %s: receiving until zsend is done and %g s "
					    "more "
					    "for answers in flight; interrupt again to stop now\n",
					    timed_out && !*cfg->requests      ? "-t reached"
					    : rs->st.limit && !*cfg->requests ? rs->st.limit_text
					                                      : "interrupted",
					    cfg->cooldown);
			}
		}
		if (asking && stream_open && !rs->st.saw_done) {
			if (!ask_until)
				ask_until = now + ASK_RETRY_S;
			enum ask a = ask_sender_to_stop(rs);
			asking = a == ASK_AGAIN && now < ask_until;
			rs->st.asked_to_stop = a == ASKED;
			if (!rs->st.asked_to_stop && !asking) {
				if (cfg->human)
					fprintf(
					    stderr,
					    "zrecv: %s: stopping zsend at once by closing "
					    "the pipe\n",
					    rs->sender_pidfd >= 0
					        ? "zsend cannot be signalled (it runs as a user "
					          "zrecv may not signal)"
					        : "no zsend to ask (none left its pid in the "
					          "handover: a relay or a script in its place?)");
				req = 2; /* it stops when its reader goes, unsettled */
			}
		}
		/* a second request: stop now. zsend still sending stops when its
		 * reader goes: listen a little longer, so that every probe it
		 * counts as sent went out while this capture was on */
		if (req >= 2 && !grace_end) {
			if (!stream_open || rs->st.saw_done) {
				rs->st.cooldown_cut = deadline > 0 && now < deadline;
				break;
			}
			close(cfg->status_fd);
			stream_open = false;
			rs->st.left_early = true;
			grace_end = now + 0.25;
		}
		if (grace_end && now >= grace_end)
			break;
		struct pollfd fds[2] = {
		    {.fd = pfd, .events = POLLIN},
		    {.fd = stream_open ? cfg->status_fd : -1, .events = POLLIN}};
		poll(fds, 2, 100);
		if (stream_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			int r = read_stream(rs, e);
			if (r < 0) {
				rc = -1;
				break;
			}
			if (r > 0)
				stream_open = false;
		}
		if (rs->ended && deadline == 0)
			deadline = now_s() + cfg->cooldown;
		if (rs->have_params && pcap_dispatch(rs->pcap, -1, on_frame, (uint8_t *)rs) < 0) {
			rc = zerr_set(e, "capture: %s", pcap_geterr(rs->pcap));
			break;
		}
		now = now_s();
		if (now >= next_status) {
			status_line(rs, now - t0, (double)(rs->st.valid - valid_at_last));
			valid_at_last = rs->st.valid;
			next_status += 1;
			ostream_flush(cfg->out);
		}
		if (outputs_failed(cfg, e) < 0) {
			rc = -1;
			rs->st.write_failed = true;
			break;
		}
		if (deadline && now >= deadline)
			break;
	}
	if (rc == 0 && rs->have_params) /* what is still in the ring */
		pcap_dispatch(rs->pcap, -1, on_frame, (uint8_t *)rs);
	/* a stream that ended without zsend's done record: it failed; one
	 * with a done record but no start record is not zsend's */
	/* ... unless it was stopped before its first probe: its done record
	 * says so, or (killed before it could catch the signal) the stop
	 * came here too; nothing was sent either way */
	if (rc == 0 && rs->st.saw_done && !rs->have_params) {
		if (rs->st.sender_exit == ZS_EXIT_INCOMPLETE && rs->st.sent == 0)
			rs->st.never_began = true;
		else
			rc = zerr_set(e, "zsend's records ended with no start record before them: "
			                 "nothing it sent could be checked");
	} else if (rc == 0 && rs->ended && !rs->st.saw_done) {
		if (!rs->have_params && *cfg->requests)
			rs->st.never_began = true;
		else
			rc = zerr_set(e, rs->have_params
			                     ? "zsend ended without its done record (it failed or "
			                       "was killed: see its message)"
			                     : "zsend ended before its start record (it failed: "
			                       "see its message)");
	}
	/* stopped before zsend's done record, or before the cooldown ended:
	 * zsend's count takes in probes whose answers had no cooldown here;
	 * the point to resume from is the part whose answers had one */
	if ((rs->st.left_early || rs->st.cooldown_cut) && rs->have_params) {
		rs->st.consumed = settled_below(rs, now_s());
		rs->st.resume = rs->zgen_base + (uint64_t)rs->st.consumed;
		rs->st.resume_settled = true;
	}
done:
	st->interrupted = interrupted || rs->st.left_early;
	st->timed_out = timed_out;
	if (!cfg->pcapfile) {
		struct pcap_stat ps = {0};
		if (pcap_stats(rs->pcap, &ps) == 0) {
			rs->st.pcap_drop = ps.ps_drop;
			rs->st.pcap_ifdrop = ps.ps_ifdrop;
		}
	}
	status_line(rs, now_s() - t0, 0);
	if (ostream_flush(cfg->out) < 0 && rc == 0) {
		rc = ostream_error(cfg->out, e);
		rs->st.write_failed = true;
	}
	if (rc == 0 && outputs_failed(cfg, e) < 0) {
		rc = -1;
		rs->st.write_failed = true;
	}
	bool was_interrupted = st->interrupted, was_timed_out = st->timed_out;
	*st = rs->st;
	st->interrupted = was_interrupted;
	st->timed_out = was_timed_out;
	st->mod = rs->cfg.mod;
	st->sport_first = rs->cfg.pp.sport_first;
	st->sport_count = rs->cfg.pp.sport_count;
	st->probes = rs->cfg.pp.probes;
	return rc;
}
