/* senders: the sender threads, the job queue, settling after a stop. */
#include "senders.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/quietthread.h"

void queue_init(struct queue *q)
{
	*q = (struct queue){.closed = false};
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
}

void queue_destroy(struct queue *q)
{
	for (unsigned i = 0; i < q->count; i++) /* left over after a stop */
		free(q->slot[(q->head + i) % QUEUE_JOBS]);
	q->count = 0;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
}

void queue_close(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
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
static void send_target(const struct sender *s, struct rawsend *rs, struct ratelimit *rl,
                        unsigned batch, const struct ipaddr *daddr, uint16_t dport)
{
	const struct sendscan_config *cfg = s->cfg;
	if (ipaddr_is_v4(*daddr)) {
		uint32_t d = ipaddr_v4(*daddr);
		for (unsigned k = 0; k < cfg->pp.probes; k++) {
			unsigned si = (d + k) % cfg->nsources;
			uint8_t *f = rawsend_next(rs);
			memcpy(f, s->templates[si], cfg->pp.template_len);
			size_t len = cfg->mod->fill(&cfg->pp, f, cfg->sources[si], d, dport, k);
			if (rawsend_add(rs, (uint16_t)len) >= batch)
				send_batch(rs, rl);
		}
		return;
	}
	for (unsigned k = 0; k < cfg->pp.probes; k++) {
		unsigned si = (unsigned)((daddr->lo + k) % cfg->nsources6);
		uint8_t *f = rawsend_next(rs);
		memcpy(f, s->templates6[si], cfg->pp.template_len6);
		size_t len = cfg->mod->fill6(&cfg->pp, f, &cfg->sources6[si], daddr, dport, k);
		if (rawsend_add(rs, (uint16_t)len) >= batch)
			send_batch(rs, rl);
	}
}

/* The next job, its base published as the sender's floor under the lock
 * (or `pending`, the base of an earlier job whose last probes are still in
 * the batch), so that the records done are never counted past a probe not
 * sent. */
static struct job *queue_pop(struct queue *q, _Atomic uint64_t *floor, uint64_t pending)
{
	pthread_mutex_lock(&q->mu);
	while (q->count == 0 && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->mu);
	struct job *j = NULL;
	if (q->count > 0) {
		j = q->slot[q->head];
		q->head = (q->head + 1) % QUEUE_JOBS;
		q->count--;
		atomic_store(floor, pending < j->base ? pending : j->base);
		pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->mu);
	return j;
}

uint64_t senders_done_below(struct sender *snd, unsigned n, struct queue *q, uint64_t next)
{
	pthread_mutex_lock(&q->mu);
	uint64_t below = q->count > 0 ? q->slot[q->head]->base : next;
	for (unsigned i = 0; i < n; i++) {
		uint64_t f = atomic_load(&snd[i].floor);
		if (f < below)
			below = f;
	}
	pthread_mutex_unlock(&q->mu);
	return below;
}

static bool queue_empty(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	bool empty = q->count == 0;
	pthread_mutex_unlock(&q->mu);
	return empty;
}

bool queue_push(struct queue *q, struct job *j)
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

unsigned job_targets(const struct sendscan_config *cfg, unsigned nthreads)
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
		if (s->rs->n == 0 && !s->cur_open) /* every probe taken is out */
			atomic_store(&s->floor, UINT64_MAX);
		if (!(j = queue_pop(s->q, &s->floor, s->rs->n ? s->last_base : UINT64_MAX)))
			break;
		s->cur_open = true;
		s->last_base = j->base;
		unsigned i = 0;
		for (; i < j->n && !*cfg->stop; i++) {
			send_target(s, s->rs, &rl, batch, &j->daddr[i], j->dport[i]);
			if (s->rs->n == 0) { /* a batch just went out */
				atomic_store_explicit(&s->sent, s->rs->sent, memory_order_relaxed);
				atomic_store(&s->floor, j->base); /* earlier jobs' probes too */
			}
		}
		if (i < j->n) { /* stopped: keep the job for sendscan_run to settle */
			s->cur = j;
			s->done = i;
			break;
		}
		s->high = job_record(j, j->n - 1) + 1;
		s->cur_open = false; /* its last probes may still be in the batch */
		free(j);
		atomic_store(&s->sent, s->rs->sent);
	}
	send_batch(s->rs, &rl);
	atomic_store(&s->sent, s->rs->sent);
	atomic_store(&s->finished, true);
	return NULL;
}

int sender_start(struct sender *s)
{
	return quietthread_start(&s->thread, sender_main, s);
}

void senders_totals(struct sender *snd, unsigned n, struct rawsend *sum)
{
	sum->sent = sum->failed = 0;
	for (unsigned i = 0; i < n; i++) {
		sum->sent += atomic_load(&snd[i].sent);
		sum->failed += snd[i].rs->failed;
	}
}

uint64_t senders_settle(const struct sendscan_config *cfg, struct sender *snd, unsigned n,
                        bool *beyond)
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
			send_target(s, s->rs, &rl, batch, &j->daddr[s->done], j->dport[s->done]);
		send_batch(s->rs, &rl);
		atomic_store(&s->sent, s->rs->sent);
		if (j && s->done < j->n && job_record(j, s->done) < consumed)
			consumed = job_record(j, s->done);
	}
	*beyond = consumed < frontier;
	return consumed;
}
