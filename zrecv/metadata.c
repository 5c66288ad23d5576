/* metadata: what zrecv writes to --metadata at the end of a scan. */
#include "metadata.h"

#include "tool/version.h"
#include "util/jsonw.h"

/* What was scanned and what came back, as one JSON object (never the key). */
int zrecv_metadata_write(FILE *f, const struct recvscan_config *cfg,
                         const struct recvscan_stats *st, double start, double end)
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
	int rc = jsonw_end(&w);
	return fclose(f) == EOF ? -1 : rc;
}
