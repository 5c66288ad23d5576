/* gen: the target-line generator's hot loop, workers and ordered writer. */
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/addr/addr.h"
#include "core/addr/ipaddr.h"
#include "util/fastdiv.h"
#include "util/outbuf.h"
#include "util/quietthread.h"

#define BLOCK_POSITIONS 16384u
#define SLOTS_PER_WORKER 4
#define MAX_LINE 56 /* IPv6 text (at most 45), ",65535\n" and memcpy slack */

typedef unsigned __int128 u128;

struct suffix {
	char text[8]; /* ",65535\n" at most */
	uint64_t len;
};

struct shared {
	const struct gen_config *cfg;
	uint64_t positions; /* in this shard */
	uint64_t nblocks;
	uint64_t stepm; /* g^shards, Montgomery form: one position forward */
	uint64_t jumpm; /* g^(shards * BLOCK * threads): a worker's next block */
	uint64_t div_magic;
	struct suffix *suffixes; /* per port index; one "\n" entry without ports */
	atomic_bool stop;
};

struct worker {
	struct shared *sh;
	unsigned id;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t produced, consumed;
	char *buf[SLOTS_PER_WORKER];
	size_t len[SLOTS_PER_WORKER];
};

/* The address of target index a: IPv4's come first. */
static inline __attribute__((always_inline)) char *put_addr(char *out, const struct constraint *c,
                                                            const struct ip6set *v6, uint64_t n4,
                                                            uint64_t a, bool mixed)
{
	if (!mixed || __builtin_expect(a < n4, 1))
		return addr_format(out, constraint_lookup_index(c, a));
	return ipaddr_format(out, ip6set_at(v6, a - n4));
}

/* Formats `count` consecutive shard positions starting at element x. The
 * one-port and port-less cases share a loop: the suffix is constant. It is
 * made twice, for IPv4 alone and for both families, so that an IPv4 scan
 * pays nothing for IPv6. */
static inline __attribute__((always_inline)) size_t
fill_loop(const struct shared *sh, uint64_t x, uint64_t count, char *out0, bool mixed)
{
	const struct perm *pm = sh->cfg->perm;
	const struct constraint *c = sh->cfg->allowed->v4;
	const struct ip6set *v6 = &sh->cfg->allowed->v6;
	const uint64_t n4 = constraint_count(c);
	const struct mont m = pm->m;
	const uint64_t n = pm->n, stepm = sh->stepm;
	char *out = out0;
	uint32_t nports = sh->cfg->ports->n;
	if (nports <= 1) {
		const struct suffix sfx = sh->suffixes[0];
		for (uint64_t i = 0; i < count; i++) {
			uint64_t y = x - 1;
			if (__builtin_expect(y >= n, 0))
				y = perm_walk(pm, y);
			x = mont_mul(&m, x, stepm);
			out = put_addr(out, c, v6, n4, y, mixed);
			memcpy(out, sfx.text, 8);
			out += sfx.len;
		}
	} else {
		const uint64_t magic = sh->div_magic;
		for (uint64_t i = 0; i < count; i++) {
			uint64_t y = x - 1;
			if (__builtin_expect(y >= n, 0))
				y = perm_walk(pm, y);
			x = mont_mul(&m, x, stepm);
			uint64_t ai = fastdiv(y, magic);
			uint64_t pi = y - ai * nports;
			out = put_addr(out, c, v6, n4, ai, mixed);
			memcpy(out, sh->suffixes[pi].text, 8);
			out += sh->suffixes[pi].len;
		}
	}
	return (size_t)(out - out0);
}

static size_t fill(const struct shared *sh, uint64_t x, uint64_t count, char *out0)
{
	if (ip6set_count(&sh->cfg->allowed->v6) == 0)
		return fill_loop(sh, x, count, out0, false);
	return fill_loop(sh, x, count, out0, true);
}

static uint64_t block_len(const struct shared *sh, uint64_t b)
{
	uint64_t first = b * BLOCK_POSITIONS, left = sh->positions - first;
	return left < BLOCK_POSITIONS ? left : BLOCK_POSITIONS;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;
	const struct gen_config *cfg = sh->cfg;
	const struct perm *pm = cfg->perm;
	uint64_t order = pm->group.p - 1;
	/* first position of block `id`: shard + (skip + id * BLOCK) * shards */
	u128 k =
	    (cfg->shard + ((u128)cfg->skip + (u128)w->id * BLOCK_POSITIONS) * cfg->shards) % order;
	uint64_t x = perm_element(pm, (uint64_t)k);
	for (uint64_t b = w->id; b < sh->nblocks; b += cfg->threads) {
		pthread_mutex_lock(&w->mu);
		while (w->produced - w->consumed == SLOTS_PER_WORKER && !atomic_load(&sh->stop))
			pthread_cond_wait(&w->cv, &w->mu);
		pthread_mutex_unlock(&w->mu);
		if (atomic_load(&sh->stop))
			break;
		unsigned slot = (unsigned)(w->produced % SLOTS_PER_WORKER);
		w->len[slot] = fill(sh, x, block_len(sh, b), w->buf[slot]);
		x = mont_mul(&pm->m, x, sh->jumpm);
		pthread_mutex_lock(&w->mu);
		w->produced++;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	return NULL;
}

/* Writes blocks 0, 1, 2... taking block b from worker b mod threads. */
static int write_in_order(struct shared *sh, struct worker *ws, unsigned nw, struct zerr *e)
{
	for (uint64_t b = 0; b < sh->nblocks; b++) {
		if (sh->cfg->stop && *sh->cfg->stop)
			return 1;
		struct worker *w = &ws[b % nw];
		pthread_mutex_lock(&w->mu);
		while (w->produced == w->consumed)
			pthread_cond_wait(&w->cv, &w->mu);
		pthread_mutex_unlock(&w->mu);
		unsigned slot = (unsigned)(w->consumed % SLOTS_PER_WORKER);
		if (write_full(sh->cfg->fd, w->buf[slot], w->len[slot]) < 0) {
			int err = errno;
			zerr_set(e, "%s: write error: %s",
			         sh->cfg->fd_name ? sh->cfg->fd_name : "stdout", strerror(err));
			errno = err;
			return -1;
		}
		pthread_mutex_lock(&w->mu);
		w->consumed++;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
	return 0;
}

uint64_t gen_count(const struct gen_config *cfg)
{
	uint64_t n = perm_shard_size(cfg->limit, cfg->shards, cfg->shard);
	return cfg->skip < n ? n - cfg->skip : 0;
}

static int make_suffixes(struct shared *sh, const struct ports *ports)
{
	uint32_t n = ports->n ? ports->n : 1;
	sh->suffixes = calloc(n, sizeof *sh->suffixes);
	if (!sh->suffixes)
		return -1;
	if (ports->n == 0) {
		sh->suffixes[0] = (struct suffix){.text = "\n", .len = 1};
		return 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct suffix *s = &sh->suffixes[i];
		char digits[6];
		int nd = 0;
		unsigned v = ports->ports[i];
		do
			digits[nd++] = (char)('0' + v % 10);
		while ((v /= 10) > 0);
		s->text[s->len++] = ',';
		while (nd > 0)
			s->text[s->len++] = digits[--nd];
		s->text[s->len++] = '\n';
	}
	return 0;
}

int gen_run(const struct gen_config *cfg, struct zerr *e)
{
	const struct perm *pm = cfg->perm;
	struct shared sh = {.cfg = cfg, .positions = gen_count(cfg)};
	unsigned nw = cfg->threads ? cfg->threads : 1;
	int rc = 0;
	if (sh.positions == 0)
		return 0;
	sh.nblocks = (sh.positions + BLOCK_POSITIONS - 1) / BLOCK_POSITIONS;
	if (nw > sh.nblocks)
		nw = (unsigned)sh.nblocks;
	struct gen_config local = *cfg;
	local.threads = nw;
	sh.cfg = &local;
	uint64_t order = pm->group.p - 1;
	sh.stepm = mont_to(&pm->m, mont_pow(&pm->m, pm->g, cfg->shards % order));
	uint64_t jump = (uint64_t)((u128)cfg->shards * BLOCK_POSITIONS * nw % order);
	sh.jumpm = mont_to(&pm->m, mont_pow(&pm->m, pm->g, jump));
	if (cfg->ports->n > 1)
		sh.div_magic = fastdiv_magic(cfg->ports->n);
	atomic_init(&sh.stop, false);
	if (make_suffixes(&sh, cfg->ports) < 0)
		return zerr_set(e, "out of memory");

	(void)fcntl(cfg->fd, F_SETPIPE_SZ, 1 << 20); /* fewer wakeups; fails harmlessly */

	struct worker *ws = calloc(nw, sizeof *ws);
	if (!ws) {
		free(sh.suffixes);
		return zerr_set(e, "out of memory");
	}
	unsigned started = 0;
	for (unsigned i = 0; i < nw; i++) {
		struct worker *w = &ws[i];
		w->sh = &sh;
		w->id = i;
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cv, NULL);
		for (int s = 0; s < SLOTS_PER_WORKER; s++) {
			w->buf[s] = malloc((size_t)BLOCK_POSITIONS * MAX_LINE);
			if (!w->buf[s])
				rc = zerr_set(e, "out of memory");
		}
	}
	for (unsigned i = 0; i < nw && rc == 0; i++) {
		int err = quietthread_start(&ws[i].thread, worker_main, &ws[i]);
		if (err != 0)
			rc = zerr_set(e, "cannot start a thread: %s", strerror(err));
		else
			started++;
	}
	int werr = 0;
	if (rc == 0 && (rc = write_in_order(&sh, ws, nw, e)) < 0)
		werr = errno;
	atomic_store(&sh.stop, true);
	for (unsigned i = 0; i < nw; i++) {
		pthread_mutex_lock(&ws[i].mu);
		pthread_cond_broadcast(&ws[i].cv);
		pthread_mutex_unlock(&ws[i].mu);
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(ws[i].thread, NULL);
	for (unsigned i = 0; i < nw; i++) {
		for (int s = 0; s < SLOTS_PER_WORKER; s++)
			free(ws[i].buf[s]);
		pthread_mutex_destroy(&ws[i].mu);
		pthread_cond_destroy(&ws[i].cv);
	}
	free(ws);
	free(sh.suffixes);
	errno = werr;
	return rc;
}
