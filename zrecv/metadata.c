/* metadata: what zrecv writes to --metadata at the end of a scan. */
#include "metadata.h"

#include "tool/version.h"
#include "util/jsonw.h"

/* What was scanned and what came back, as one JSON object (never the key). */
int zrecv_metadata_write(FILE *f, const struct recvscan_config *cfg,
                         const struct recvscan_stats *st, const struct verdict *v, double start,
                         double end)
{
	struct jsonw w;
	jsonw_begin(&w, f);
	jsonw_str(&w, "tool", "zrecv");
	jsonw_str(&w, "version", ZSCAN_VERSION);
	jsonw_str(&w, "module", st->mod ? st->mod->name : "");
	jsonw_str(&w, cfg->pcapfile ? "pcap_file" : "interface",
	          cfg->pcapfile ? cfg->pcapfile : cfg->ifname);
	jsonw_u64(&w, "sport_first", st->sport_first);
	jsonw_u64(&w, "sport_count", st->sport_count);
	jsonw_u64(&w, "probes_per_target", st->probes);
	jsonw_str(&w, "key_fingerprint", cfg->pp.secret->fingerprint);
	jsonw_num(&w, "cooldown_s", cfg->cooldown);
	jsonw_time(&w, "start_time", start);
	jsonw_time(&w, "end_time", end);
	jsonw_num(&w, "duration_s", end - start);
	jsonw_u64(&w, "probes_sent", st->sent);
	jsonw_u64(&w, "frames_captured", st->frames);
	jsonw_u64(&w, "responses_validated", st->valid);
	jsonw_u64(&w, "failed_validation", st->bad_mac);
	jsonw_u64(&w, "other_frames", st->not_ours);
	jsonw_u64(&w, "non_ip_frames", st->not_ip);
	jsonw_u64(&w, "fragments_skipped", st->fragments);
	jsonw_u64(&w, "vlan_tagged_frames", st->vlan_tagged);
	jsonw_u64(&w, "successes", st->success);
	jsonw_u64(&w, "targets_up", st->unique_success);
	jsonw_num(&w, "hit_rate_pct", recvscan_hit_rate(st->sent, st->probes, st->unique_success));
	jsonw_u64(&w, "pcap_drops", st->pcap_drop);
	jsonw_u64(&w, "interface_drops", st->pcap_ifdrop);
	jsonw_bool(&w, "sender_done", st->saw_done);
	jsonw_bool(&w, "interrupted", st->interrupted);
	jsonw_bool(&w, "timed_out", st->timed_out);
	if (st->limit)
		jsonw_str(&w, "limit_reached", st->limit);
	if (cfg->max_results)
		jsonw_u64(&w, "max_results", cfg->max_results);
	if (cfg->min_hitrate > 0)
		jsonw_num(&w, "min_hitrate", cfg->min_hitrate);
	/* whether the scan is whole, and if not, why and where it goes on */
	jsonw_u64(&w, "exit_status", (uint64_t)v->status);
	jsonw_bool(&w, "complete", v->status == 0);
	jsonw_str(&w, "incomplete_reason", v->reason ? v->reason : "");
	if (st->sender_exit >= 0)
		jsonw_u64(&w, "sender_exit_status", (uint64_t)st->sender_exit);
	jsonw_bool(&w, "sender_interrupted", st->sender_interrupted);
	jsonw_bool(&w, "sender_input_short", st->input_short);
	if (st->consumed >= 0) {
		jsonw_u64(&w, "consumed", (uint64_t)st->consumed);
		jsonw_bool(&w, "probed_beyond_consumed", st->beyond);
	}
	if (st->have_zgen) {
		jsonw_u64(&w, "seed", st->seed);
		jsonw_u64(&w, "shards", st->shards);
		jsonw_u64(&w, "shard", st->shard);
		jsonw_u64(&w, "resume", st->resume);
	}
	return jsonw_end(&w);
}
