/* metadata: what zsend writes to --metadata at the end of a scan. */
#include "metadata.h"

#include <string.h>

#include "core/addr/addr.h"
#include "core/addr/ipaddr.h"
#include "tool/version.h"
#include "util/jsonw.h"

/* The scan's parameters and counts as one JSON object (never the key). */
int zsend_metadata_write(FILE *f, const struct sendscan_config *cfg, const char *probe_args,
                         const struct sendscan_stats *st, double start, double end)
{
	char sources[2 * SENDSCAN_MAX_SOURCES * IPADDR_STRLEN] = "", a[IPADDR_STRLEN];
	for (unsigned i = 0; i < cfg->nsources; i++) {
		if (i)
			strcat(sources, ",");
		strcat(sources, addr_str(cfg->sources[i], a));
	}
	for (unsigned i = 0; i < cfg->nsources6; i++) {
		if (sources[0])
			strcat(sources, ",");
		strcat(sources, ipaddr_str(cfg->sources6[i], a));
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
	if (cfg->max_send_failures >= 0) {
		jsonw_u64(&w, "max_sendto_failures", (uint64_t)cfg->max_send_failures);
		jsonw_bool(&w, "too_many_send_failures", st->too_many_failures);
	}
	jsonw_num(&w, "send_rate", end > start ? (double)st->probes / (end - start) : 0);
	jsonw_bool(&w, "interrupted", st->interrupted);
	jsonw_u64(&w, "records", st->records);
	jsonw_u64(&w, "consumed", st->consumed);
	jsonw_bool(&w, "probed_beyond_consumed", st->beyond_consumed);
	if (st->have_zgen)
		jsonw_u64(&w, "resume", h->resume + st->consumed);
	jsonw_u64(&w, "exit_status", (uint64_t)st->verdict);
	jsonw_bool(&w, "input_short", st->input_short);
	return jsonw_end(&w);
}
