/* verdict: whether the scan zrecv received is whole, which zrecv's exit
 * status must say, as the pipeline's last stage: `zgen | zsend | zrecv >
 * out.csv && mark_complete` must never take part of a scan for all of it. */
#ifndef ZSCAN_ZRECV_VERDICT_H
#define ZSCAN_ZRECV_VERDICT_H

#include "recvscan.h"

struct verdict {
	int status;         /* ZS_EXIT_OK, ZS_EXIT_FAIL or ZS_EXIT_INCOMPLETE */
	const char *reason; /* for the metadata: NULL when whole */
	char why[640];      /* the line to print, "" when nothing is wrong */
};

/* The verdict on a run that ended with `status` (ZS_EXIT_FAIL when zrecv
 * itself failed): zsend's failure is 1; zsend stopped early or its input
 * cut short, or zrecv stopping before zsend was done or the cooldown
 * ended, is 3. A split setup or a pcap file has no whole to fall short of. */
struct verdict verdict_judge(const struct recvscan_config *cfg, const struct recvscan_stats *st,
                             int status);

#endif
