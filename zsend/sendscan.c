/* sendscan: zsend's reader, the start of sending, status records, and the
 * end of a run. */
#include "sendscan.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/stage/status.h"
#include "core/addr/targetline.h"
#include "senders.h"
#include "util/linereader.h"
#include "util/quietthread.h"
#include "util/ratelimit.h"

/* The longest start record fits the records zrecv reads: the fixed fields
 * (under 1 KiB) and every source, quoted, with a comma. */
_Static_assert(1024 + SENDSCAN_MAX_SOURCES * (sizeof "\"255.255.255.255\"," - 1) +
                       SENDSCAN_MAX_SOURCES * (IPADDR_STRLEN + 3) <=
                   STATUS_LINE_MAX - 1,
               "a start record with every source fits a status line");

static void status_start(const struct sendscan_config *cfg, const struct sendscan_stats *st)
{
	if (!cfg->status)
		return;
	const struct probe_params *pp = &cfg->pp;
	char margs[64] = "";
	if (cfg->mod->receiver_args)
		cfg->mod->receiver_args(pp, margs, sizeof margs);
	struct status_start rec = {.module = cfg->mod->name,
	                           .module_args = margs,
	                           .interface = cfg->ifname,
	                           .key_fingerprint = pp->secret->fingerprint,
	                           .rate = cfg->rate,
	                           .probes = pp->probes,
	                           .sport_first = pp->sport_first,
	                           .sport_count = pp->sport_count,
	                           .sources = cfg->sources,
	                           .nsources = cfg->nsources,
	                           .sources6 = cfg->sources6,
	                           .nsources6 = cfg->nsources6,
	                           .have_zgen = st->have_zgen,
	                           .seed = st->zgen.seed,
	                           .shards = st->zgen.shards,
	                           .shard = st->zgen.shard,
	                           .zgen_resume = st->zgen.resume};
	char buf[STATUS_RECORD_MAX];
	status_format_start(buf, sizeof buf, &rec);
	fputs(buf, cfg->status->f);
	ostream_flush(cfg->status);
}

static void status_line(const struct sendscan_config *cfg, const struct sendscan_stats *st,
                        const struct rawsend *rs, const char *type, double secs, double rate)
{
	if (cfg->updates) {
		fprintf(cfg->updates->f,
		        "%s,%.3f,%" PRIu64 ",%.0f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		        "\n",
		        type, secs, rs->sent, rate, st->targets, st->blocked, st->bad, rs->failed);
		ostream_flush(cfg->updates);
	}
	if (cfg->status) {
		struct status_progress rec = {
		    .type = strcmp(type, "done") == 0 ? STATUS_DONE : STATUS_STATUS,
		    .time = secs,
		    .sent = rs->sent,
		    .send_failures = rs->failed,
		    .rate = rate,
		    .targets = st->targets,
		    .blocked = st->blocked,
		    .bad_lines = st->bad,
		    .progress = -1,
		    .interrupted = st->interrupted,
		    .done_below = (int64_t)st->done_below,
		    .consumed = st->consumed,
		    .beyond = st->beyond_consumed,
		    .input_short = st->input_short,
		    .exit_status = st->verdict,
		    .have_zgen = st->have_zgen,
		    .seed = st->zgen.seed,
		    .shards = st->zgen.shards,
		    .shard = st->zgen.shard,
		    .resume = st->zgen.resume + st->consumed,
		};
		/* probes sent over the probes the whole input will make, estimated
		 * from the targets found in the part read so far */
		if (st->input_size > 0 && st->input_read > 0 && st->targets > 0) {
			double total = (double)st->targets * (double)st->input_size /
			               (double)st->input_read * cfg->pp.probes;
			double f = (double)rs->sent / total;
			rec.progress = f > 1 ? 1 : f;
		}
		char buf[STATUS_RECORD_MAX];
		status_format_progress(buf, sizeof buf, &rec);
		fputs(buf, cfg->status->f);
		ostream_flush(cfg->status);
	}
	if (cfg->human)
		fprintf(stderr,
		        "zsend: %.0fs: sent %" PRIu64 " (%.0f p/s), %" PRIu64 " targets, %" PRIu64
		        " blocked, %" PRIu64 " send failures%s\n",
		        secs, rs->sent, rate, st->targets, st->blocked, rs->failed,
		        st->interrupted ? ", interrupted" : "");
}

/* Everything one run holds. */
struct run {
	struct sendscan_config *cfg;
	struct sendscan_stats *st;
	struct rawsend *rs;
	sendscan_bad_fn bad;
	uint8_t (*templates)[PROBE_MAX_FRAME], (*templates6)[PROBE_MAX_FRAME];
	struct sender *snd;
	unsigned nthreads, started;
	bool begun;          /* a path is known, the senders run */
	bool begun4, begun6; /* the path of each family is known */
	struct queue q;
	struct ratesched sched;
	struct rawsend sum;
	uint64_t t0, next_report, sent_at_last;
	struct job *job; /* being filled */
	unsigned job_cap;
	/* the watcher of the status stream's reader */
	pthread_t reader, watcher;
	bool watching;
	int wake[2];
};

/* Whether an output has failed; the first failure stops the run at once
 * (a second request's stop: nothing more is written). The status
 * stream's reader going away (a broken pipe) is the receiver gone, one
 * event, not a write error besides. */
static bool outputs_failed(struct run *r)
{
	struct sendscan_config *cfg = r->cfg;
	struct sendscan_stats *st = r->st;
	if (st->write_failed || __atomic_load_n(&st->receiver_gone, __ATOMIC_SEQ_CST))
		return true;
	struct ostream *outs[] = {cfg->status, cfg->updates, cfg->dry};
	for (int i = 0; i < 3; i++) {
		if (!outs[i] || !ostream_failed(outs[i]))
			continue;
		if (outs[i] == cfg->status && ostream_errno(outs[i]) == EPIPE)
			__atomic_store_n(&st->receiver_gone, true, __ATOMIC_SEQ_CST);
		else
			st->write_failed = outs[i];
		*cfg->stop = 2;
		return true;
	}
	return false;
}

/* A status record (and line) once a second. */
static void report(struct run *r)
{
	uint64_t now = ratelimit_now_ns();
	if (outputs_failed(r) || !r->begun || now < r->next_report)
		return;
	senders_totals(r->snd, r->started, &r->sum);
	if (r->cfg->max_send_failures >= 0 && r->sum.failed > (uint64_t)r->cfg->max_send_failures &&
	    !r->st->too_many_failures) {
		r->st->too_many_failures = true;
		if (!*r->cfg->stop)
			*r->cfg->stop = 1; /* a stop request of its own: it settles */
	}
	r->st->done_below =
	    senders_done_below(r->snd, r->started, &r->q, r->job ? r->job->base : r->st->records);
	status_line(r->cfg, r->st, &r->sum, "status", (double)(now - r->t0) / 1e9,
	            (double)(r->sum.sent - r->sent_at_last));
	r->sent_at_last = r->sum.sent;
	r->next_report += 1000000000u;
}

/* Waits for the status stream's reader (zrecv) to go, and stops the run
 * the moment it does: probes after it would be answered to nobody, so the
 * senders stop without settling and only what went out before counts. The
 * reading thread may be blocked on stdin: a signal interrupts it. */
static void *watch_receiver(void *arg)
{
	struct run *r = arg;
	struct pollfd p[2] = {{.fd = r->cfg->status->fd, .events = 0},
	                      {.fd = r->wake[0], .events = POLLIN}};
	while (poll(p, 2, -1) < 0 && errno == EINTR)
		;
	if (p[1].revents)
		return NULL; /* the run is over */
	if (p[0].revents & (POLLERR | POLLHUP)) {
		__atomic_store_n(&r->st->receiver_gone, true, __ATOMIC_SEQ_CST);
		__atomic_store_n(r->cfg->stop, 2, __ATOMIC_SEQ_CST);
		pthread_kill(r->reader, SIGTERM);
	}
	return NULL;
}

/* Watches the status stream when it is a pipe. */
static void start_watcher(struct run *r)
{
	struct stat st;
	if (!r->cfg->status || fstat(r->cfg->status->fd, &st) < 0 || !S_ISFIFO(st.st_mode) ||
	    pipe2(r->wake, O_CLOEXEC) < 0)
		return;
	r->reader = pthread_self();
	r->watching = quietthread_start(&r->watcher, watch_receiver, r) == 0;
	if (!r->watching) {
		close(r->wake[0]);
		close(r->wake[1]);
	}
}

static void stop_watcher(struct run *r)
{
	if (!r->watching)
		return;
	/* one byte into an empty pipe cannot fail; with _FORTIFY_SOURCE a
	 * (void) cast does not silence write's warn_unused_result */
	ssize_t woke = write(r->wake[1], "", 1);
	(void)woke;
	pthread_join(r->watcher, NULL);
	close(r->wake[0]);
	close(r->wake[1]);
	r->watching = false;
}

/* Before the first probe of a family: its path out (from its first
 * allowed target; NULL: no target at all, IPv4's), and its templates for
 * each source address, handed to the senders. */
static int begin_family(struct run *r, const struct ipaddr *first, struct zerr *e)
{
	struct sendscan_config *cfg = r->cfg;
	bool v6 = first && !ipaddr_is_v4(*first);
	if (cfg->begin && cfg->begin(cfg->begin_ctx, first, cfg, r->rs, e) < 0)
		return r->started ? -1 : SENDSCAN_NO_PATH; /* nothing was sent yet */
	unsigned n = v6 ? cfg->nsources6 : cfg->nsources;
	uint8_t(*t)[PROBE_MAX_FRAME] = calloc(n ? n : 1, PROBE_MAX_FRAME);
	if (!t)
		return zerr_set(e, "out of memory");
	*(v6 ? &r->templates6 : &r->templates) = t;
	for (unsigned i = 0; i < n; i++)
		if ((v6 ? cfg->mod->make_template6(&cfg->pp, &cfg->sources6[i], t[i], e)
		        : cfg->mod->make_template(&cfg->pp, cfg->sources[i], t[i], e)) < 0)
			return -1;
	*(v6 ? &r->begun6 : &r->begun4) = true;
	/* running senders get them before the family's first target is queued
	 * (the queue's lock orders the two) */
	for (unsigned i = 0; i < r->started; i++)
		*(v6 ? &r->snd[i].templates6 : &r->snd[i].templates) =
		    (const uint8_t(*)[PROBE_MAX_FRAME])t;
	return 0;
}

/* Before the first probe: the path out and templates of the first
 * target's family, the sender threads, and the start record; later, the
 * other family's path and templates when its first target comes. */
static int begin(struct run *r, const struct ipaddr *first, struct zerr *e)
{
	struct sendscan_config *cfg = r->cfg;
	if (r->begun)
		return begin_family(r, first, e);
	r->begun = true;
	int rc = begin_family(r, first, e);
	if (rc < 0)
		return rc;
	ratesched_init(&r->sched, cfg->rate);
	for (unsigned i = 0; i < r->nthreads; i++) {
		r->snd[i] =
		    (struct sender){.cfg = cfg,
		                    .templates = (const uint8_t(*)[PROBE_MAX_FRAME])r->templates,
		                    .templates6 = (const uint8_t(*)[PROBE_MAX_FRAME])r->templates6,
		                    .q = &r->q,
		                    .rs = &r->rs[i],
		                    .sched = &r->sched,
		                    .floor = UINT64_MAX};
		int err = sender_start(&r->snd[i]);
		if (err != 0)
			return zerr_set(e, "cannot start a sender thread: %s", strerror(err));
		r->started++;
	}
	r->t0 = ratelimit_now_ns();
	r->next_report = r->t0 + 1000000000u;
	status_start(cfg, r->st);
	if (cfg->updates) { /* at once: a reader sees the scan has begun */
		fputs("type,time,sent,rate,targets,blocked,bad_lines,send_failures\n",
		      cfg->updates->f);
		ostream_flush(cfg->updates);
	}
	outputs_failed(r); /* a failure stops the run where it reads next */
	return 0;
}

/* Hands the job being filled to the senders, retrying while they are busy
 * and reporting status meanwhile. On a stop the job stays here. */
static void push_job(struct run *r)
{
	while (r->job && !*r->cfg->stop) {
		if (queue_push(&r->q, r->job))
			r->job = NULL;
		report(r);
	}
}

/* One input line (without its '\n'), classified: TL_OK with the target,
 * TL_SKIP for a comment or blank line, TL_BAD with why. A zgen header
 * line is taken on the way. `last` says the line is the input's last and
 * its newline was supplied: it may be half an address. */
static enum targetline_status take_line(const struct sendscan_config *cfg,
                                        struct sendscan_stats *st, const char *p, size_t len,
                                        bool last, struct ipaddr *daddr, int *port,
                                        const char **why)
{
	enum targetline_status ts = targetline_parse(p, len, daddr, port, why);
	if (ts == TL_OK && *port < 0 && cfg->mod->needs_port) {
		*port = cfg->default_port;
		if (*port < 0) {
			ts = TL_BAD;
			*why = "no port on the line and no -p for";
		}
	}
	if (ts == TL_SKIP && !st->zgen_seen && zgen_header_is(p, len)) {
		st->zgen_seen = true;
		st->have_zgen = zgen_header_parse(p, len, &st->zgen);
	}
	if (ts == TL_OK && last) {
		ts = TL_BAD; /* never probe what may be half an address */
		*why = "no newline at the end of input (cut short?):";
	}
	if (ts == TL_OK && !ipaddr_is_v4(*daddr) && cfg->pp.template_len6 == 0) {
		ts = TL_BAD;
		*why = "an IPv6 target, and this module's probe has no IPv6 form (a UDP payload "
		       "over 1452 bytes):";
	}
	return ts;
}

/* Adds the target of input record st->records - 1 to the job, handing
 * the job over when it is full. -1 when out of memory. */
static int queue_target(struct run *r, struct ipaddr daddr, int port)
{
	struct sendscan_stats *st = r->st;
	if (r->job && st->records - 1 - r->job->base > UINT32_MAX)
		push_job(r);
	if (!r->job) {
		if (!(r->job = malloc(sizeof *r->job)))
			return -1;
		r->job->n = 0;
		r->job->base = st->records - 1;
	}
	struct job *j = r->job;
	j->rec[j->n] = (uint32_t)(st->records - 1 - j->base);
	j->daddr[j->n] = daddr;
	j->dport[j->n++] = (uint16_t)(port < 0 ? 0 : port);
	if (j->n == r->job_cap)
		push_job(r);
	return 0;
}

/* Reads target lines to the end of input or a stop, queueing the allowed
 * targets for the senders; the first of them begins the sending. A line
 * over SENDSCAN_MAX_LINE is a bad line, never held whole. */
static int read_targets(struct run *r, struct linereader *lr, struct zerr *e)
{
	struct sendscan_config *cfg = r->cfg;
	struct sendscan_stats *st = r->st;
	const char *p;
	size_t len;
	unsigned long first;
	int got = 0, rc = 0;
	char why_long[64];
	snprintf(why_long, sizeof why_long, "a line longer than %d bytes:", SENDSCAN_MAX_LINE);
	while (rc == 0 && !*cfg->stop && (got = linereader_chunk(lr, &p, &len, &first)) > 0) {
		if (got == LINEREADER_LONG) {
			st->lines++;
			st->records++;
			st->bad++;
			r->bad(first, why_long, p, len);
			linereader_count(lr, 1);
			continue;
		}
		const char *end = p + len;
		unsigned long n = 0;
		st->input_read += len;
		for (; p < end && !*cfg->stop && rc == 0; n++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			struct ipaddr daddr;
			int port;
			const char *why = why_long;
			st->lines++;
			enum targetline_status ts =
			    nl - p > SENDSCAN_MAX_LINE
			        ? TL_BAD
			        : take_line(cfg, st, p, (size_t)(nl - p),
			                    nl + 1 == end && lr->supplied_newline, &daddr, &port,
			                    &why);
			if (ts != TL_SKIP)
				st->records++;
			if (ts == TL_BAD) {
				st->bad++;
				r->bad(first + n, why, p, (size_t)(nl - p));
			} else if (ts == TL_OK && !targetspace_allowed(cfg->allowed, daddr)) {
				st->blocked++;
			} else if (ts == TL_OK) {
				if (!(ipaddr_is_v4(daddr) ? r->begun4 : r->begun6) &&
				    (rc = begin(r, &daddr, e)) < 0)
					break;
				st->targets++;
				if (queue_target(r, daddr, port) < 0)
					rc = zerr_set(e, "out of memory");
			}
			p = nl + 1;
			if ((st->lines & 1023) == 0)
				report(r);
		}
		linereader_count(lr, n);
		/* what one read brought goes out now, even if it fills no job:
		 * targets that trickle in are not held back */
		push_job(r);
	}
	if (rc == 0 && got < 0 && !*cfg->stop)
		rc = zerr_set(e, "read error on stdin: %s", strerror(errno));
	push_job(r);
	free(r->job); /* not handed over: a stop came first */
	r->job = NULL;
	return rc;
}

/* Closes the queue and waits for the senders to empty it, reporting
 * status meanwhile. */
static void finish_senders(struct run *r)
{
	queue_close(&r->q);
	for (unsigned i = 0; i < r->started; i++) {
		while (!atomic_load(&r->snd[i].finished)) {
			nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
			report(r);
		}
		pthread_join(r->snd[i].thread, NULL);
	}
}

int sendscan_run(struct sendscan_config *cfg, struct rawsend *rs, sendscan_bad_fn bad,
                 struct sendscan_stats *st, struct zerr *e)
{
	struct run r = {.cfg = cfg, .st = st, .rs = rs, .bad = bad};
	r.nthreads = cfg->threads ? cfg->threads : 1;
	r.job_cap = job_targets(cfg, r.nthreads);
	struct linereader lr;
	if (!(r.snd = calloc(r.nthreads, sizeof *r.snd)) || linereader_init(&lr, cfg->in_fd) < 0) {
		free(r.snd);
		return zerr_set(e, "out of memory");
	}
	lr.stop = cfg->stop;
	lr.max_line = SENDSCAN_MAX_LINE;
	lr.skip_long = true;
	queue_init(&r.q);
	struct stat in;
	if (fstat(cfg->in_fd, &in) == 0 && S_ISREG(in.st_mode)) /* progress is known */
		st->input_size = (uint64_t)in.st_size;
	start_watcher(&r);
	int rc = read_targets(&r, &lr, e);
	if (!r.begun && rc == 0)
		rc = begin(&r, NULL, e); /* no target: a start record all the same */
	finish_senders(&r);
	st->consumed = senders_settle(cfg, r.snd, r.started, &st->beyond_consumed);
	if (!r.started)
		st->consumed = st->records; /* nothing was to be sent */
	senders_totals(r.snd, r.started, &r.sum);
	outputs_failed(&r);
	bool gone = __atomic_load_n(&st->receiver_gone, __ATOMIC_SEQ_CST);
	/* any stop request makes the run incomplete, also one that came
	 * after the end of the input: the signal that stopped zsend may have
	 * ended the stage before it first, so that its end of input is no
	 * sign of a whole scan (a resume then finds nothing left) */
	st->interrupted = *cfg->stop != 0 && !gone && !st->write_failed;
	st->input_short =
	    !st->interrupted && rc == 0 && st->have_zgen && st->records < st->zgen.targets;
	st->probes = r.sum.sent;
	st->failed = r.sum.failed;
	st->verdict = rc < 0 || st->bad || st->failed || st->write_failed || gone ? ZS_EXIT_FAIL
	              : st->interrupted || st->input_short ? ZS_EXIT_INCOMPLETE
	                                                   : ZS_EXIT_OK;
	st->secs = r.t0 ? (double)(ratelimit_now_ns() - r.t0) / 1e9 : 0;
	st->begun = rc != SENDSCAN_NO_PATH;
	stop_watcher(&r);
	for (unsigned i = 0; i < r.started; i++)
		free(r.snd[i].cur);
	queue_destroy(&r.q);
	linereader_free(&lr);
	free(r.templates);
	free(r.templates6);
	free(r.snd);
	return rc;
}

int sendscan_finish(struct sendscan_config *cfg, struct sendscan_stats *st)
{
	if (!st->begun || st->receiver_gone || st->write_failed)
		return 0;
	struct rawsend sum = {.sent = st->probes, .failed = st->failed};
	status_line(cfg, st, &sum, "done", st->secs,
	            st->secs > 0 ? (double)st->probes / st->secs : 0);
	if (cfg->status && ostream_failed(cfg->status)) {
		if (ostream_errno(cfg->status) == EPIPE)
			st->receiver_gone = true;
		else
			st->write_failed = cfg->status;
		st->verdict = ZS_EXIT_FAIL;
		return -1;
	}
	if (cfg->updates && ostream_failed(cfg->updates)) {
		st->write_failed = cfg->updates;
		st->verdict = ZS_EXIT_FAIL;
		return -1;
	}
	return 0;
}
