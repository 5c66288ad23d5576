/* sendscan: the zsend loop and its status records. */
#include "sendscan.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <string.h>

#include "core/status.h"
#include "util/linereader.h"
#include "util/quietthread.h"
#include "util/ratelimit.h"
#include "core/targetline.h"

static void status_start(const struct sendscan_config *cfg)
{
	if (!cfg->status)
		return;
	const struct probe_params *pp = &cfg->pp;
	struct status_start rec = {.module = cfg->mod->name,
	                           .interface = cfg->ifname,
	                           .key_fingerprint = pp->secret->fingerprint,
	                           .rate = cfg->rate,
	                           .probes = pp->probes,
	                           .sport_first = pp->sport_first,
	                           .sport_count = pp->sport_count,
	                           .sources = cfg->sources,
	                           .nsources = cfg->nsources};
	char buf[STATUS_RECORD_MAX];
	status_format_start(buf, sizeof buf, &rec);
	fputs(buf, cfg->status);
	fflush(cfg->status);
}

static void status_line(const struct sendscan_config *cfg, const struct sendscan_stats *st,
                        const struct rawsend *rs, const char *type, double secs, double rate)
{
	if (cfg->updates) {
		fprintf(cfg->updates,
		        "%s,%.3f,%" PRIu64 ",%.0f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		        "\n",
		        type, secs, rs->sent, rate, st->targets, st->blocked, st->bad, rs->failed);
		fflush(cfg->updates);
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
		    .consumed = st->consumed,
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
		fputs(buf, cfg->status);
		fflush(cfg->status);
	}
	if (cfg->human)
		fprintf(stderr,
		        "zsend: %.0fs: sent %" PRIu64 " (%.0f p/s), %" PRIu64 " targets, %" PRIu64
		        " blocked, %" PRIu64 " send failures%s\n",
		        secs, rs->sent, rate, st->targets, st->blocked, rs->failed,
		        st->interrupted ? ", interrupted" : "");
}

/* Sends the frames built so far once the rate allows them. The wait comes
 * after the building, right before the send: a batch whose building was
 * held up (its sender waiting for input half-way through) must not leave
 * close behind the one before. */
static void send_batch(struct rawsend *rs, struct ratelimit *rl)
{
	if (rs->n == 0)
		return;
	ratelimit_wait(rl, rs->n);
	rawsend_flush(rs);
}

/* Builds the probes to one target, sending each batch as it fills. */
static void send_target(const struct sendscan_config *cfg,
                        const uint8_t (*templates)[PROBE_MAX_FRAME], struct rawsend *rs,
                        struct ratelimit *rl, unsigned batch, uint32_t daddr, uint16_t dport)
{
	for (unsigned k = 0; k < cfg->pp.probes; k++) {
		unsigned si = (daddr + k) % cfg->nsources;
		uint8_t *f = rawsend_next(rs);
		memcpy(f, templates[si], cfg->pp.template_len);
		size_t len = cfg->mod->fill(&cfg->pp, f, cfg->sources[si], daddr, dport, k);
		if (rawsend_add(rs, (uint16_t)len) >= batch)
			send_batch(rs, rl);
	}
}

#define JOB_TARGETS 1024
#define QUEUE_JOBS 16

/* A run of targets in input order. rec[] numbers each target's input record
 * (a non-comment line) from base, so a stop can say exactly which prefix of
 * the input is done. */
struct job {
	unsigned n;
	uint64_t base;
	uint32_t rec[JOB_TARGETS];
	uint32_t daddr[JOB_TARGETS];
	uint16_t dport[JOB_TARGETS];
};

static uint64_t job_record(const struct job *j, unsigned i)
{
	return j->base + j->rec[i];
}

/* Jobs from the reader to the senders: a bounded ring under one mutex. A
 * job is a thousand targets, so the lock is taken rarely. */
struct queue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	struct job *slot[QUEUE_JOBS];
	unsigned head, count;
	bool closed;
};

struct sender {
	pthread_t thread;
	const struct sendscan_config *cfg;
	const uint8_t (*templates)[PROBE_MAX_FRAME];
	struct queue *q;
	struct rawsend *rs;
	struct ratesched *sched; /* the rate, shared by the senders */
	_Atomic uint64_t sent;   /* published after each job, read for status */
	_Atomic bool finished;
	/* left by a stop: the job under way and how many of its targets went */
	struct job *cur;
	unsigned done;
	uint64_t high; /* records before the end of the last whole job sent */
};

static struct job *queue_pop(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (q->count == 0 && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->mu);
	struct job *j = NULL;
	if (q->count > 0) {
		j = q->slot[q->head];
		q->head = (q->head + 1) % QUEUE_JOBS;
		q->count--;
		pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->mu);
	return j;
}

static bool queue_empty(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	bool empty = q->count == 0;
	pthread_mutex_unlock(&q->mu);
	return empty;
}

/* Waits at most 100 ms for room, so the reader can still report status. */
static bool queue_push(struct queue *q, struct job *j)
{
	pthread_mutex_lock(&q->mu);
	if (q->count == QUEUE_JOBS) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&q->not_full, &q->mu, &ts);
	}
	bool pushed = q->count < QUEUE_JOBS;
	if (pushed) {
		q->slot[(q->head + q->count) % QUEUE_JOBS] = j;
		q->count++;
		pthread_cond_signal(&q->not_empty);
	}
	pthread_mutex_unlock(&q->mu);
	return pushed;
}

/* Targets per job: a thousand, or fewer at low rates so that a job takes at
 * most ~50 ms, which bounds what a stop has to finish (see settle). */
static unsigned job_targets(const struct sendscan_config *cfg, unsigned nthreads)
{
	if (cfg->rate <= 0)
		return JOB_TARGETS;
	double t = cfg->rate / nthreads / cfg->pp.probes * 0.05;
	return t < 1 ? 1 : t > JOB_TARGETS ? JOB_TARGETS : (unsigned)t;
}

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	const struct sendscan_config *cfg = s->cfg;
	unsigned batch = ratelimit_batch(cfg->rate / cfg->threads, RAWSEND_BATCH);
	struct ratelimit rl;
	ratelimit_init_shared(&rl, s->sched, cfg->threads);
	struct job *j;
	for (;;) {
		if (s->rs->n && queue_empty(s->q)) /* no probe waits for input */
			send_batch(s->rs, &rl);
		if (!(j = queue_pop(s->q)))
			break;
		unsigned i = 0;
		for (; i < j->n && !*cfg->stop; i++) {
			send_target(cfg, s->templates, s->rs, &rl, batch, j->daddr[i], j->dport[i]);
			if (s->rs->n == 0) /* a batch just went out */
				atomic_store_explicit(&s->sent, s->rs->sent, memory_order_relaxed);
		}
		if (i < j->n) { /* stopped: keep the job for sendscan_run to settle */
			s->cur = j;
			s->done = i;
			break;
		}
		s->high = job_record(j, j->n - 1) + 1;
		free(j);
		atomic_store(&s->sent, s->rs->sent);
	}
	send_batch(s->rs, &rl);
	atomic_store(&s->sent, s->rs->sent);
	atomic_store(&s->finished, true);
	return NULL;
}

/* Sums what the senders have sent so far into a rawsend for reporting. */
static void totals(struct sender *snd, unsigned n, struct rawsend *sum)
{
	sum->sent = sum->failed = 0;
	for (unsigned i = 0; i < n; i++) {
		sum->sent += atomic_load(&snd[i].sent);
		sum->failed += snd[i].rs->failed;
	}
}

struct reporter {
	const struct sendscan_config *cfg;
	struct sendscan_stats *st;
	struct sender *snd;
	unsigned nsenders;
	struct rawsend *sum;
	uint64_t t0, next, sent_at_last;
};

/* A status record (and line) once a second. */
static void report(struct reporter *r)
{
	uint64_t now = ratelimit_now_ns();
	if (now < r->next)
		return;
	totals(r->snd, r->nsenders, r->sum);
	status_line(r->cfg, r->st, r->sum, "status", (double)(now - r->t0) / 1e9,
	            (double)(r->sum->sent - r->sent_at_last));
	if (r->cfg->status && ferror(r->cfg->status) && errno == EPIPE) {
		/* the receiver has gone: probes now would find nobody listening */
		r->st->status_closed = true;
		if (!*r->cfg->stop)
			*r->cfg->stop = 1;
	}
	r->sent_at_last = r->sum->sent;
	r->next += 1000000000u;
}

/* After a stop, makes what was sent exactly a prefix of the input, so that a
 * resume neither skips nor repeats a target. Senders stop mid-job at
 * different points; the targets between the least and the furthest of them
 * are sent now, at the scan's rate (at most a job per sender, which
 * job_targets keeps to ~50 ms). A second signal cuts this short: the prefix
 * is then the shorter one, and a few targets after it were probed already.
 * Returns the number of input records done. */
static uint64_t settle(const struct sendscan_config *cfg, struct sender *snd, unsigned n,
                       const uint8_t (*templates)[PROBE_MAX_FRAME], struct sendscan_stats *st)
{
	uint64_t frontier = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t h = snd[i].high;
		if (snd[i].cur && snd[i].done > 0)
			h = job_record(snd[i].cur, snd[i].done - 1) + 1;
		if (h > frontier)
			frontier = h;
	}
	struct ratelimit rl;
	ratelimit_init(&rl, cfg->rate);
	unsigned batch = ratelimit_batch(cfg->rate, RAWSEND_BATCH);
	uint64_t consumed = frontier;
	for (unsigned i = 0; i < n; i++) {
		struct sender *s = &snd[i];
		struct job *j = s->cur;
		for (; j && s->done < j->n && job_record(j, s->done) < frontier && *cfg->stop < 2;
		     s->done++)
			send_target(cfg, templates, s->rs, &rl, batch, j->daddr[s->done],
			            j->dport[s->done]);
		send_batch(s->rs, &rl);
		atomic_store(&s->sent, s->rs->sent);
		if (j && s->done < j->n && job_record(j, s->done) < consumed)
			consumed = job_record(j, s->done);
	}
	st->beyond_consumed = consumed < frontier;
	return consumed;
}

/* Hands a job to the senders, retrying while they are busy and reporting
 * status meanwhile. On a stop the job stays with the caller. */
static void push_job(struct queue *q, struct job **job, struct reporter *rep,
                     volatile sig_atomic_t *stop)
{
	while (*job && !*stop) {
		if (queue_push(q, *job))
			*job = NULL;
		report(rep);
	}
}

/* One input line (without its '\n'), classified: TL_OK with the target,
 * TL_SKIP for a comment or blank line, TL_BAD with why. A zgen header
 * line is taken on the way. `last` says the line is the input's last and
 * its newline was supplied: it may be half an address. */
static enum targetline_status take_line(const struct sendscan_config *cfg,
                                        struct sendscan_stats *st, const char *p, size_t len,
                                        bool last, uint32_t *daddr, int *port, const char **why)
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
	return ts;
}

/* The reader's side: the job being filled and where it goes. */
struct reader {
	const struct sendscan_config *cfg;
	struct sendscan_stats *st;
	struct queue *q;
	struct reporter *rep;
	struct job *job;
	unsigned job_cap;
};

/* Adds the target of input record st->records - 1 to the job, handing
 * the job over when it is full. -1 when out of memory. */
static int queue_target(struct reader *r, uint32_t daddr, int port)
{
	struct sendscan_stats *st = r->st;
	if (r->job && st->records - 1 - r->job->base > UINT32_MAX)
		push_job(r->q, &r->job, r->rep, r->cfg->stop);
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
		push_job(r->q, &r->job, r->rep, r->cfg->stop);
	return 0;
}

/* Reads target lines to the end of input or a stop, queueing the allowed
 * targets for the senders. */
static int read_targets(struct reader *r, struct linereader *lr, sendscan_bad_fn bad,
                        struct zerr *e)
{
	const struct sendscan_config *cfg = r->cfg;
	struct sendscan_stats *st = r->st;
	const char *p;
	size_t len;
	unsigned long first;
	int got = 0, rc = 0;
	while (rc == 0 && !*cfg->stop && (got = linereader_chunk(lr, &p, &len, &first)) > 0) {
		const char *end = p + len;
		unsigned long n = 0;
		st->input_read += len;
		for (; p < end && !*cfg->stop; n++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			uint32_t daddr;
			int port;
			const char *why = NULL;
			st->lines++;
			enum targetline_status ts =
			    take_line(cfg, st, p, (size_t)(nl - p),
			              nl + 1 == end && lr->supplied_newline, &daddr, &port, &why);
			if (ts != TL_SKIP)
				st->records++;
			if (ts == TL_BAD) {
				st->bad++;
				bad(first + n, why, p, (size_t)(nl - p));
			} else if (ts == TL_OK && !constraint_allowed(cfg->allowed, daddr)) {
				st->blocked++;
			} else if (ts == TL_OK) {
				st->targets++;
				if (queue_target(r, daddr, port) < 0) {
					rc = zerr_set(e, "out of memory");
					break;
				}
			}
			p = nl + 1;
			if ((st->lines & 1023) == 0)
				report(r->rep);
		}
		linereader_count(lr, n);
		/* what one read brought goes out now, even if it fills no job:
		 * targets that trickle in are not held back */
		push_job(r->q, &r->job, r->rep, cfg->stop);
	}
	if (rc == 0 && got < 0 && !*cfg->stop)
		rc = zerr_set(e, "read error on stdin: %s", strerror(errno));
	push_job(r->q, &r->job, r->rep, cfg->stop);
	free(r->job); /* not handed over: a stop came first */
	r->job = NULL;
	return rc;
}

/* Closes the queue and waits for the senders to empty it, reporting
 * status meanwhile; frees what a stop left queued. */
static void finish_senders(struct queue *q, struct sender *snd, unsigned started,
                           struct reporter *rep)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
	for (unsigned i = 0; i < started; i++) {
		while (!atomic_load(&snd[i].finished)) {
			nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
			report(rep);
		}
		pthread_join(snd[i].thread, NULL);
	}
	for (unsigned i = 0; i < q->count; i++) /* left over after a stop */
		free(q->slot[(q->head + i) % QUEUE_JOBS]);
}

int sendscan_run(const struct sendscan_config *cfg, struct rawsend *rs, sendscan_bad_fn bad,
                 struct sendscan_stats *st, struct zerr *e)
{
	unsigned nthreads = cfg->threads ? cfg->threads : 1;
	uint8_t(*templates)[PROBE_MAX_FRAME] = calloc(cfg->nsources, PROBE_MAX_FRAME);
	struct sender *snd = calloc(nthreads, sizeof *snd);
	struct queue q = {.closed = false};
	struct linereader lr;
	if (!templates || !snd || linereader_init(&lr, cfg->in_fd) < 0) {
		free(templates);
		free(snd);
		return zerr_set(e, "out of memory");
	}
	lr.stop = cfg->stop;
	int rc = 0;
	for (unsigned i = 0; i < cfg->nsources && rc == 0; i++)
		rc = cfg->mod->make_template(&cfg->pp, cfg->sources[i], templates[i], e);
	if (rc < 0) {
		free(templates);
		free(snd);
		linereader_free(&lr);
		return -1;
	}
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.not_empty, NULL);
	pthread_cond_init(&q.not_full, NULL);
	unsigned started = 0;
	struct ratesched sched;
	ratesched_init(&sched, cfg->rate);
	for (unsigned i = 0; i < nthreads; i++) {
		snd[i] = (struct sender){.cfg = cfg,
		                         .templates = (const uint8_t(*)[PROBE_MAX_FRAME])templates,
		                         .q = &q,
		                         .rs = &rs[i],
		                         .sched = &sched};
		int err = quietthread_start(&snd[i].thread, sender_main, &snd[i]);
		if (err != 0) {
			rc = zerr_set(e, "cannot start a sender thread: %s", strerror(err));
			break;
		}
		started++;
	}
	struct rawsend sum = {0};
	uint64_t t0 = ratelimit_now_ns();
	struct reporter rep = {cfg, st, snd, started, &sum, t0, t0 + 1000000000u, 0};
	struct stat in;
	if (fstat(cfg->in_fd, &in) == 0 && S_ISREG(in.st_mode)) /* progress is known */
		st->input_size = (uint64_t)in.st_size;
	status_start(cfg);
	if (cfg->updates)
		fputs("type,time,sent,rate,targets,blocked,bad_lines,send_failures\n",
		      cfg->updates);
	struct reader rd = {cfg, st, &q, &rep, NULL, job_targets(cfg, nthreads)};
	if (rc == 0)
		rc = read_targets(&rd, &lr, bad, e);
	finish_senders(&q, snd, started, &rep);
	st->consumed = settle(cfg, snd, started, (const uint8_t(*)[PROBE_MAX_FRAME])templates, st);
	for (unsigned i = 0; i < started; i++)
		free(snd[i].cur);
	totals(snd, started, &sum);
	if (rs[0].dry && ferror(rs[0].dry) && rc == 0)
		rc = zerr_set(e, "write error in dry run");
	st->interrupted = *cfg->stop != 0;
	st->probes = sum.sent;
	st->failed = sum.failed;
	double secs = (double)(ratelimit_now_ns() - t0) / 1e9;
	status_line(cfg, st, &sum, "done", secs, secs > 0 ? (double)sum.sent / secs : 0);
	pthread_mutex_destroy(&q.mu);
	pthread_cond_destroy(&q.not_empty);
	pthread_cond_destroy(&q.not_full);
	linereader_free(&lr);
	free(templates);
	free(snd);
	return rc;
}
