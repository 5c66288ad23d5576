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
	/* answers the kernel dropped for want of room are lost anywhere in
	 * the scan: no prefix of it is whole */
	if (st->pcap_drop > 0) {
		v.status = ZS_EXIT_FAIL;
		v.reason = "answers dropped";
		snprintf(v.why, sizeof v.why,
		         "the results are not whole: the kernel dropped %" PRIu64
		         " captured frames for want of room (a slower -r, or more CPU for "
		         "zrecv)",
		         st->pcap_drop);
		return v;
	}
	if (cfg->status_fd < 0 || cfg->pcapfile)
		return v;
	/* zsend's verdict: 0 and 3 are known; anything else is a failure (a
	 * done record without one, from a script in zsend's place, is taken
	 * at its word on "interrupted") */
	if (st->sender_exit >= 0 && st->sender_exit != ZS_EXIT_OK &&
	    st->sender_exit != ZS_EXIT_INCOMPLETE) {
		v.status = ZS_EXIT_FAIL;
		v.reason = "zsend failed";
		snprintf(v.why, sizeof v.why,
		         "the scan is not whole: zsend failed (exit %d; see its messages)",
		         st->sender_exit);
		return v;
	}
	static const char cooldown_cut[] = "zrecv stopped before the cooldown ended";
	if (st->never_began)
		what = "stopped before zsend's first probe (nothing was sent)";
	else if (st->sender_exit == ZS_EXIT_INCOMPLETE ||
	         (st->sender_exit < 0 && st->sender_interrupted))
		what = st->input_short ? "zsend's input was cut short" : "zsend was stopped";
	else if (st->left_early)
		what = "zrecv stopped before zsend was done";
	else if (st->cooldown_cut)
		what = cooldown_cut;
	if (!what)
		return v;
	/* a limit of the command line (-t, -N, --min-hitrate) stopped it:
	 * say which; a hit rate below the floor is a failure, not a stop */
	static char with_limit[200];
	if (st->limit && st->limit_text[0]) {
		snprintf(with_limit, sizeof with_limit, "%s (%s)", what, st->limit_text);
		what = with_limit;
	}
	v.status = st->limit_fails ? ZS_EXIT_FAIL : ZS_EXIT_INCOMPLETE;
	v.reason = what;
	if (st->never_began) {
		snprintf(v.why, sizeof v.why, "the scan is incomplete: %s; run it again", what);
		return v;
	}
	if (st->consumed < 0) {
		snprintf(v.why, sizeof v.why, "the scan is incomplete: %s", what);
		return v;
	}
	char resume[160] = "";
	if (st->have_zgen)
		snprintf(resume, sizeof resume,
		         "; to continue: zgen --seed %" PRIu64 " --shards %" PRIu64
		         " --shard %" PRIu64 " --resume %" PRIu64,
		         st->seed, st->shards, st->shard, st->resume);
	const char *cut = st->cooldown_cut && what != cooldown_cut
	                      ? ", and zrecv stopped before the cooldown ended"
	                      : "";
	snprintf(v.why, sizeof v.why,
	         "the scan is incomplete: %s%s; the answers are whole for the first %ld input "
	         "lines%s%s",
	         what, cut, st->consumed,
	         st->beyond || st->resume_settled ? " (some after them were probed too)" : "",
	         resume);
	return v;
}
