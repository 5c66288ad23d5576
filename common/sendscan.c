/* sendscan: the zsend loop and its status records. */
#include "sendscan.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "linereader.h"
#include "ratelimit.h"
#include "targetline.h"

static void status_start(const struct sendscan_config *cfg)
{
	if (!cfg->status)
		return;
	const struct probe_params *pp = &cfg->pp;
	char a[ADDR_STRLEN];
	fprintf(cfg->status,
	        "{\"type\":\"start\",\"module\":\"%s\",\"interface\":\"%s\",\"rate\":%.0f,"
	        "\"probes\":%u,\"sport_first\":%u,\"sport_count\":%u,\"key_fingerprint\":\"%s\","
	        "\"sources\":[",
	        cfg->mod->name, cfg->ifname, cfg->rate, pp->probes, pp->sport_first,
	        pp->sport_count, pp->secret->fingerprint);
	for (unsigned i = 0; i < cfg->nsources; i++)
		fprintf(cfg->status, "%s\"%s\"", i ? "," : "", addr_str(cfg->sources[i], a));
	fprintf(cfg->status, "]}\n");
	fflush(cfg->status);
}

static void status_line(const struct sendscan_config *cfg, const struct sendscan_stats *st,
                        const struct rawsend *rs, const char *type, double secs, double rate)
{
	if (cfg->status) {
		fprintf(cfg->status,
		        "{\"type\":\"%s\",\"time\":%.3f,\"sent\":%" PRIu64
		        ",\"send_failures\":%" PRIu64 ",\"rate\":%.0f,\"targets\":%" PRIu64
		        ",\"blocked\":%" PRIu64 ",\"bad_lines\":%" PRIu64 "%s}\n",
		        type, secs, rs->sent, rs->failed, rate, st->targets, st->blocked, st->bad,
		        st->interrupted ? ",\"interrupted\":true" : "");
		fflush(cfg->status);
	}
	if (cfg->human)
		fprintf(stderr,
		        "zsend: %.0fs: sent %" PRIu64 " (%.0f p/s), %" PRIu64 " targets, %" PRIu64
		        " blocked, %" PRIu64 " send failures%s\n",
		        secs, rs->sent, rate, st->targets, st->blocked, rs->failed,
		        st->interrupted ? ", interrupted" : "");
}

/* Queues the probes to one target. */
static int send_target(const struct sendscan_config *cfg,
                       const uint8_t (*templates)[PROBE_MAX_FRAME], struct rawsend *rs,
                       struct ratelimit *rl, unsigned batch, uint32_t daddr, uint16_t dport)
{
	for (unsigned k = 0; k < cfg->pp.probes; k++) {
		unsigned si = (daddr + k) % cfg->nsources;
		if (rs->n == 0)
			ratelimit_wait(rl, batch);
		uint8_t *f = rawsend_next(rs);
		memcpy(f, templates[si], cfg->mod->frame_len);
		cfg->mod->fill(&cfg->pp, f, cfg->sources[si], daddr, dport, k);
		if (rawsend_queue(rs, (uint16_t)cfg->mod->frame_len, batch) < 0)
			return -1;
	}
	return 0;
}

int sendscan_run(const struct sendscan_config *cfg, struct rawsend *rs, sendscan_bad_fn bad,
                 struct sendscan_stats *st, struct zerr *e)
{
	uint8_t(*templates)[PROBE_MAX_FRAME] = calloc(cfg->nsources, PROBE_MAX_FRAME);
	if (!templates)
		return zerr_set(e, "out of memory");
	for (unsigned i = 0; i < cfg->nsources; i++) {
		if (cfg->mod->make_template(&cfg->pp, cfg->sources[i], templates[i], e) < 0) {
			free(templates);
			return -1;
		}
	}
	struct linereader lr;
	if (linereader_init(&lr, cfg->in_fd) < 0) {
		free(templates);
		return zerr_set(e, "out of memory");
	}
	unsigned batch = ratelimit_batch(cfg->rate, RAWSEND_BATCH);
	struct ratelimit rl;
	ratelimit_init(&rl, cfg->rate);
	uint64_t t0 = rl.start_ns, next_status = t0 + 1000000000u, sent_at_last = 0;
	status_start(cfg);
	const char *p;
	size_t len;
	unsigned long first;
	int got, rc = 0;
	while (rc == 0 && (got = linereader_chunk(&lr, &p, &len, &first)) > 0) {
		const char *end = p + len;
		unsigned long n = 0;
		for (; p < end && !*cfg->stop; n++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			uint32_t daddr;
			int port;
			const char *why = NULL;
			st->lines++;
			enum targetline_status ts =
			    targetline_parse(p, (size_t)(nl - p), &daddr, &port, &why);
			if (ts == TL_OK && port < 0 && cfg->mod->needs_port) {
				port = cfg->default_port;
				if (port < 0) {
					ts = TL_BAD;
					why = "no port on the line and no -p for";
				}
			}
			if (ts == TL_BAD) {
				st->bad++;
				bad(first + n, why, p, (size_t)(nl - p));
			} else if (ts == TL_OK && !constraint_allowed(cfg->allowed, daddr)) {
				st->blocked++;
			} else if (ts == TL_OK) {
				st->targets++;
				if (send_target(cfg, (const uint8_t(*)[PROBE_MAX_FRAME])templates,
				                rs, &rl, batch, daddr,
				                (uint16_t)(port < 0 ? 0 : port)) < 0) {
					rc = zerr_set(e, "write error in dry run");
					break;
				}
			}
			p = nl + 1;
			uint64_t now = ratelimit_now_ns();
			if (now >= next_status) {
				double secs = (double)(now - t0) / 1e9;
				status_line(cfg, st, rs, "status", secs,
				            (double)(rs->sent - sent_at_last));
				sent_at_last = rs->sent;
				next_status += 1000000000u;
			}
		}
		linereader_count(&lr, n);
		if (*cfg->stop)
			break;
	}
	if (rc == 0 && got < 0)
		rc = zerr_set(e, "read error on stdin: %s", strerror(errno));
	if (rawsend_flush(rs) < 0 && rc == 0)
		rc = zerr_set(e, "write error in dry run");
	st->interrupted = *cfg->stop != 0;
	st->probes = rs->sent;
	st->failed = rs->failed;
	double secs = (double)(ratelimit_now_ns() - t0) / 1e9;
	status_line(cfg, st, rs, "done", secs, secs > 0 ? (double)rs->sent / secs : 0);
	linereader_free(&lr);
	free(templates);
	return rc;
}
