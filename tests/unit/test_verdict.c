/* Unit tests: zrecv's verdict on whether the scan it received is whole. */
#include <string.h>

#include "harness.h"
#include "zrecv/verdict.h"

void test_verdict_says_whether_the_scan_is_whole(void);

void test_verdict_says_whether_the_scan_is_whole(void)
{
	struct recvscan_config pipe = {.status_fd = 0}, split = {.status_fd = -1},
	                       file = {.status_fd = -1, .pcapfile = "x.pcap"};
	struct recvscan_stats whole = {.saw_done = true, .sender_exit = 0, .consumed = 1024};
	struct {
		const char *name;
		const struct recvscan_config *cfg;
		struct recvscan_stats st;
		int status, want;
		const char *why; /* a part of the line, or NULL for none */
	} cases[] = {
	    {"whole", &pipe, whole, 0, 0, NULL},
	    {"split setup stopped", &split, {.interrupted = true, .sender_exit = -1}, 0, 0, NULL},
	    {"pcap file", &file, {.sender_exit = -1}, 0, 0, NULL},
	    {"zrecv failed", &pipe, whole, 1, 1, NULL},
	    {"zsend failed",
	     &pipe,
	     {.saw_done = true, .sender_exit = 1, .consumed = 7},
	     0,
	     1,
	     "zsend failed"},
	    {"zsend stopped",
	     &pipe,
	     {.saw_done = true,
	      .sender_exit = 3,
	      .sender_interrupted = true,
	      .consumed = 600,
	      .have_zgen = true,
	      .seed = 7,
	      .shards = 2,
	      .shard = 1,
	      .resume = 900},
	     0,
	     3,
	     "zsend was stopped; the answers are whole for the first 600 input lines; to "
	     "continue: zgen --seed 7 --shards 2 --shard 1 --resume 900"},
	    {"cut short",
	     &pipe,
	     {.saw_done = true, .sender_exit = 3, .input_short = true, .consumed = 100},
	     0,
	     3,
	     "input was cut short; the answers are whole for the first 100 input lines"},
	    {"probed beyond",
	     &pipe,
	     {.saw_done = true, .sender_exit = 3, .consumed = 5, .beyond = true},
	     0,
	     3,
	     "first 5 input lines (some after them were probed too)"},
	    {"zrecv left early",
	     &pipe,
	     {.left_early = true, .sender_exit = -1, .consumed = -1},
	     0,
	     3,
	     "the scan is incomplete: zrecv stopped before zsend was done"},
	    {"zrecv left early, its own resume point",
	     &pipe,
	     {.left_early = true,
	      .sender_exit = -1,
	      .consumed = 40,
	      .resume_settled = true,
	      .have_zgen = true,
	      .seed = 1,
	      .shards = 1,
	      .resume = 40},
	     0,
	     3,
	     "zrecv stopped before zsend was done; the answers are whole for the first 40 input "
	     "lines (some after them were probed too); to continue: zgen --seed 1 --shards 1 "
	     "--shard 0 --resume 40"},
	    {"cooldown cut",
	     &pipe,
	     {.saw_done = true, .sender_exit = 0, .consumed = 1024, .cooldown_cut = true},
	     0,
	     3,
	     "the scan is incomplete: zrecv stopped before the cooldown ended; the answers are "
	     "whole for the first 1024 input lines"},
	    {"stopped and cut",
	     &pipe,
	     {.saw_done = true, .sender_exit = 3, .consumed = 9, .cooldown_cut = true},
	     0,
	     3,
	     "zsend was stopped, and zrecv stopped before the cooldown ended; the answers are "
	     "whole for the first 9 input lines"},
	    {"never began",
	     &pipe,
	     {.never_began = true, .sender_exit = 3, .consumed = 0},
	     0,
	     3,
	     "nothing was sent"},
	    {"a script's done, interrupted",
	     &pipe,
	     {.saw_done = true, .sender_exit = -1, .sender_interrupted = true, .consumed = 3},
	     0,
	     3,
	     "zsend was stopped"},
	    {"a script's done",
	     &pipe,
	     {.saw_done = true, .sender_exit = -1, .consumed = 3},
	     0,
	     0,
	     NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct verdict v = verdict_judge(cases[i].cfg, &cases[i].st, cases[i].status);
		CHECKF(v.status == cases[i].want, "%s: exit %d, want %d", cases[i].name, v.status,
		       cases[i].want);
		CHECKF((v.status == 0) == (v.reason == NULL), "%s: reason %s", cases[i].name,
		       v.reason ? v.reason : "none");
		if (cases[i].why)
			CHECKF(strstr(v.why, cases[i].why), "%s: '%s'", cases[i].name, v.why);
		else
			CHECKF(cases[i].status || !v.why[0], "%s: '%s'", cases[i].name, v.why);
	}
}
