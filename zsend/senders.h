/* senders: zsend's sender threads and the queue of jobs that feeds them.
 * The reader hands out jobs (runs of up to a thousand targets in input
 * order); each sender thread, with its own socket, its batch and its share
 * of one rate schedule, fills each target's probes into frames from the
 * module's templates and sends them. After a stop, settling makes what was
 * sent an exact prefix of the input. */
#ifndef ZSCAN_ZSEND_SENDERS_H
#define ZSCAN_ZSEND_SENDERS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/rawsend.h"
#include "sendscan.h"
#include "util/ratelimit.h"

#define JOB_TARGETS 1024
#define QUEUE_JOBS 16

/* A run of targets in input order. rec[] numbers each target's input record
 * (a non-comment line) from base, so a stop can say exactly which prefix of
 * the input is done. */
struct job {
	unsigned n;
	uint64_t base;
	uint32_t rec[JOB_TARGETS];
	struct ipaddr daddr[JOB_TARGETS];
	uint16_t dport[JOB_TARGETS];
};

static inline uint64_t job_record(const struct job *j, unsigned i)
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

void queue_init(struct queue *q);
void queue_destroy(struct queue *q);
/* Waits at most 100 ms for room (the reader reports status meanwhile);
 * false if there was none. */
bool queue_push(struct queue *q, struct job *j);
/* No more jobs: the senders end once the queue is empty. */
void queue_close(struct queue *q);

struct sender {
	pthread_t thread;
	const struct sendscan_config *cfg;
	const uint8_t (*templates)[PROBE_MAX_FRAME];
	/* IPv6's, set by the reader before it queues the first IPv6 target
	 * (the queue's lock orders the two) */
	const uint8_t (*templates6)[PROBE_MAX_FRAME];
	struct queue *q;
	struct rawsend *rs;
	struct ratesched *sched; /* the rate, shared by the senders */
	_Atomic uint64_t sent;   /* published after each batch, read for status */
	/* the first input record this sender may still have probes of to
	 * send (UINT64_MAX: none): the base of its job, set as it takes one
	 * under the queue's lock, and none once its batch is out with no
	 * job left (see senders_done_below) */
	_Atomic uint64_t floor;
	/* the sender's thread alone: a job taken and not ended, and the base
	 * of the last job taken */
	bool cur_open;
	uint64_t last_base;
	_Atomic bool finished;
	/* left by a stop: the job under way and how many of its targets went */
	struct job *cur;
	unsigned done;
	uint64_t high; /* records before the end of the last whole job sent */
};

/* Targets per job: a thousand, or fewer at low rates so that a job takes
 * at most ~50 ms, which bounds what a stop has to finish (see settle). */
unsigned job_targets(const struct sendscan_config *cfg, unsigned nthreads);

/* Starts a sender thread; 0 or an error number. */
int sender_start(struct sender *s);

/* A lower bound of the input records done so far: every target of the
 * records below it has had all its probes sent. `next` is the first
 * record not handed to the queue yet (the reader's job under way, or the
 * records read). For the status records: a receiver that has to stop
 * early knows how far its capture is whole. */
uint64_t senders_done_below(struct sender *snd, unsigned n, struct queue *q, uint64_t next);

/* Sums what the senders have sent so far (sent and failed) into sum. */
void senders_totals(struct sender *snd, unsigned n, struct rawsend *sum);

/* After the senders ended on a stop, sends the targets between the least
 * and the furthest sender, at the scan's rate, unless a second signal
 * (*cfg->stop >= 2) says not to. Returns the input records done: every
 * target among them has had all its probes sent; *beyond says some after
 * them were probed too. */
uint64_t senders_settle(const struct sendscan_config *cfg, struct sender *snd, unsigned n,
                        bool *beyond);

#endif
