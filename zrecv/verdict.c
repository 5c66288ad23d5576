/* verdict: whether the scan zrecv received is whole. */
#include "verdict.h"

#include <inttypes.h>
#include <stdio.h>

/* Whether the scan is whole (zrecv is the pipeline's last stage, so its
 * exit status must say): a failure of its own or of zsend's is 1; a scan
 * stopped early or cut short, with what was done an exact prefix, is 3;
 * why, in one line. A split setup (no stream) or a pcap file has no whole
 * to fall short of. */
struct verdict verdict_judge(const struct recvscan_config *cfg, const struct recvscan_stats *st,
                             int status)
{
	struct verdict v = {.status = status};
	const char *what = NULL;
	if (status != ZS_EXIT_OK) {
		v.reason = st->write_failed ? "zrecv's write error" : "zrecv failed";
		return v;
	}
	if (cfg->status_fd < 0 || cfg->pcapfile)
		return v;
	if (st->sender_exit == ZS_EXIT_FAIL) {
		v.status = ZS_EXIT_FAIL;
		v.reason = "zsend failed";
		snprintf(v.why, sizeof v.why,
		         "the scan is not whole: zsend failed (see its messages), exit 1");
		return v;
	}
	/* a done record without a verdict (a script in zsend's place) is
	 * taken at its word on "interrupted" */
	static const char cooldown[] = "zrecv stopped before the cooldown ended";
	if (st->never_began)
		what = "stopped before zsend's first probe (nothing was sent)";
	else if (st->sender_exit == ZS_EXIT_INCOMPLETE ||
	         (st->sender_exit < 0 && st->sender_interrupted))
		what = st->input_short ? "zsend's input was cut short" : "zsend was stopped";
	else if (st->left_early)
		what = "zrecv stopped before zsend was done";
	else if (st->cooldown_cut)
		what = cooldown;
	if (!what)
		return v;
	v.status = ZS_EXIT_INCOMPLETE;
	v.reason = what;
	/* a cooldown cut short loses answers to the last probes: even the
	 * prefix zsend did is not all answered */
	const char *cut = !st->cooldown_cut ? ""
	                  : what == cooldown
	                      ? " (answers to the last probes may be missing)"
	                      : ", and zrecv stopped before the cooldown ended (answers to the "
	                        "last probes may be missing)";
	char resume[160] = "";
	if (st->have_zgen && !st->left_early)
		snprintf(resume, sizeof resume,
		         "; to continue: zgen --seed %" PRIu64 " --shards %" PRIu64
		         " --shard %" PRIu64 " --resume %" PRIu64,
		         st->seed, st->shards, st->shard, st->resume);
	if (st->never_began)
		snprintf(v.why, sizeof v.why, "the scan is incomplete: %s; run it again, exit 3",
		         what);
	else if (what == cooldown)
		snprintf(v.why, sizeof v.why, "the scan is incomplete: %s%s, exit 3", what, cut);
	else if (st->consumed >= 0 && !st->left_early)
		snprintf(v.why, sizeof v.why,
		         "the scan is incomplete: %s after the first %ld input lines%s%s%s, exit 3",
		         what, st->consumed, st->beyond ? " (and some after them)" : "", cut,
		         resume);
	else
		snprintf(
		    v.why, sizeof v.why,
		    "the scan is incomplete: %s%s (zsend's message has the resume point), exit 3",
		    what, cut);
	return v;
}
