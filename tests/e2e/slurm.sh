# The Slurm recipe (recipes/slurm) on a one-node Slurm that the test starts
# itself: munged with its own key, slurmctld and slurmd with a slurm.conf
# written here, all in scratch files. The node runs in the lab's scanner
# namespace, so that its jobs' network is the lab, as a real node's is its
# uplink; the recipe is submitted as the README writes it, and its shards,
# merged, must equal one unsharded scan of the same targets.

# Slurm's daemons and commands, in the scanner namespace (its loopback is
# up; Slurm's own traffic is TCP on 127.0.0.1, which also needs an address
# other than loopback's there, as getaddrinfo's AI_ADDRCONFIG does). nsenter
# and not ip netns exec: that one mounts a fresh /sys without the cgroup
# file system, and slurmd 22.05 will not start without it (it reads it even
# with proctrack/linuxproc and task/none).
in_node() {
	SLURM_CONF=$SLURM_DIR/slurm.conf nsenter --net="/run/netns/$LAB_SCAN" "$@"
}

slurm_up() {
	SLURM_DIR=$T/slurm
	# sockets (munged's, slurmstepd's in the spool directory) under a short
	# path: a Unix socket's is at most 107 bytes
	SLURM_RUN=$(mktemp -d /tmp/zs-slurm.XXXXXX)
	local d=$SLURM_DIR r=$SLURM_RUN
	mkdir -p "$d/state" "$r/munge" "$r/spool"
	# munged wants its socket's directory searchable by all and writable by
	# its owner alone
	chmod 711 "$r" "$r/munge"
	mungekey -c -k "$r/munge/key"
	in_node munged -F --key-file="$r/munge/key" --socket="$r/munge/sock" \
		--pid-file="$r/munge/pid" --log-file="$d/munged.log" --seed-file="$r/munge/seed" \
		>"$d/munged.out" 2>&1 &
	MUNGED_PID=$!
	wait_until 60 test -S "$r/munge/sock"
	# the machine as slurmd sees it (CPUs, sockets, RealMemory), under the
	# node's name in this cluster
	local node
	node=$(slurmd -C | head -1 | sed 's/^NodeName=[^ ]*/NodeName=localhost NodeAddr=127.0.0.1/')
	[[ $node == *RealMemory=* ]] || fail "slurmd -C: $node"
	cat >"$d/slurm.conf" <<EOF
ClusterName=zscantest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$r/munge/sock
CredType=cred/munge
StateSaveLocation=$d/state
SlurmdSpoolDir=$r/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$d/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
$node State=UNKNOWN
PartitionName=scan Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
	in_node slurmctld -D -f "$d/slurm.conf" >"$d/slurmctld.out" 2>&1 &
	SLURMCTLD_PID=$!
	in_node slurmd -D -N localhost -f "$d/slurm.conf" >"$d/slurmd.out" 2>&1 &
	SLURMD_PID=$!
	node_idle() {
		kill -0 "$SLURMCTLD_PID" 2>/dev/null || fail "slurmctld ended: $(tail -3 "$d/slurmctld.out")"
		kill -0 "$SLURMD_PID" 2>/dev/null || fail "slurmd ended: $(tail -3 "$d/slurmd.out")"
		[ "$(in_node sinfo -h -o %T 2>/dev/null)" = idle ]
	}
	wait_until 120 node_idle
}

# Ends the jobs left, then the daemons, the node's first; a slurmstepd
# whose slurmd is gone keeps calling it, deaf to TERM, so any left is
# killed. The lab's teardown ends anything else in the namespace.
slurm_down() (
	set +e
	local pid jobs
	if [ -n "${SLURMCTLD_PID:-}" ]; then
		jobs=$(in_node squeue -h -o %i 2>/dev/null)
		[ -z "$jobs" ] || in_node scancel $jobs 2>/dev/null
		queue_empty() { [ -z "$(in_node squeue -h -o %i 2>/dev/null)" ]; }
		poll_until 30 queue_empty
	fi
	for pid in "${SLURMD_PID:-}" "${SLURMCTLD_PID:-}" "${MUNGED_PID:-}"; do
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null
		poll_until 30 is_gone "$pid" || kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for pid in $(ip netns pids "$LAB_SCAN" 2>/dev/null); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" != slurmstepd ] || kill -KILL "$pid"
	done
	[ -z "${SLURM_RUN:-}" ] || rm -rf "$SLURM_RUN"
	return 0
)

slurm_lab_up() {
	scan_lab_up
	trap 'slurm_down; lab_down' EXIT
	slurm_up
	# the tools on PATH as installed: zscan-merge beside them
	mkdir -p "$T/path"
	ln -sf "$ZS_BIN"/zgen "$ZS_BIN"/zsend "$ZS_BIN"/zrecv "$ZS_BIN"/zfilter "$PWD/zrecv/zscan-merge" "$T/path/"
	echo 198.18.0.0/30 >"$T/link.block"
}

# jobs_done JOBID...: none is in the queue any more. Fails the test at once
# if one was put back in the queue (its launch failed) or waits on a
# dependency that can no longer be met.
jobs_done() {
	local q
	if grep -q 'JobState=PENDING ' "$SLURM_DIR/jobcomp.txt" 2>/dev/null; then
		fail "a job's launch failed: $(grep 'JobState=PENDING ' "$SLURM_DIR/jobcomp.txt" | head -1); $(tail -n 3 "$SLURM_DIR/slurmd.log")"
	fi
	q=$(in_node squeue -h -o '%i %T %r' -j "$(echo "$@" | tr ' ' ,)") || return 1
	if grep -q DependencyNeverSatisfied <<<"$q"; then
		fail "a job waits for nothing: $q; $(cat "$SLURM_DIR/jobcomp.txt")"
	fi
	[ -z "$q" ]
}

# job_states JOBID: the final state and exit code of the job, or of each
# task of the array JOBID, from the job completion log, one per line
job_states() {
	grep -E "(^JobId=$1 |ArrayJobId=$1 )" "$SLURM_DIR/jobcomp.txt" |
		sed -E 's/.*JobState=([A-Z_]+) .*ExitCode=([0-9:]+).*/\1 \2/'
}

test_slurm_array_shards_equal_one_scan() {
	release_build_only && return 0
	LAB_LIVE="198.18.4.0/22:20 198.18.12.0/24 2001:2:0:10::/120:30" LAB_TCP_PORTS="80 443" \
		LAB_OPEN="198.18.12.0/24=443" slurm_lab_up
	# shellcheck disable=SC2054 # -p takes a list
	local targets=(-b "$T/link.block" -p 80,443 198.18.0.0/20 2001:2:0:10::/120)
	mkdir "$T/scan"
	# the probes as the lab receives them (zsend's frames bypass the
	# scanner side's taps)
	start_capture "$LAB_NET" zn0 "tcp and (src host 198.18.0.1 or src host 2001:2::1)"
	# as the README says, from the directory where the logs go
	local jid mjid recipes=$PWD/recipes/slurm
	jid=$(cd "$T" && PATH="$T/path:$PATH" ZSEND_ARGS="-b /dev/null -r 20000" ZRECV_ARGS="-f * -c 1" \
		in_node sbatch --parsable --array=0-3 "$recipes/zscan-array.sbatch" "$T/scan" "${targets[@]}")
	mjid=$(cd "$T" && PATH="$T/path:$PATH" \
		in_node sbatch --parsable --dependency=afterok:"$jid" "$recipes/zscan-merge.sbatch" "$T/scan")
	wait_until 240 jobs_done "$jid" "$mjid"
	stop_capture
	expect_eq "array tasks" "$(job_states "$jid" | sort | uniq -c | awk '{print $1, $2, $3}')" "4 COMPLETED 0:0"
	expect_eq "merge job" "$(job_states "$mjid")" "COMPLETED 0:0"
	local i
	for i in 0 1 2 3; do
		grep -q "shard $i of 4, seed $jid," "$T/zscan-${jid}_$i.out" ||
			fail "task $i: $(head -3 "$T/zscan-${jid}_$i.out")"
	done

	# every target probed, each exactly once, across the four tasks
	"$ZS_BIN/zgen" "${targets[@]}" | sorted >"$T/all_targets"
	syn_probes "$T/cap.pcap" >"$T/probes"
	expect_eq "targets probed twice" "$(uniq -d "$T/probes" | head -3)" ""
	cmp -s "$T/probes" "$T/all_targets" ||
		fail "probes != targets ($(wc -l <"$T/probes") probes, $(wc -l <"$T/all_targets") targets): $(comm -3 "$T/probes" "$T/all_targets" | head -3)"

	# the merged results: the lab's open pairs, and what one unsharded scan finds
	merged_is_one_scan "$T/scan/results.csv" -p 80,443 198.18.0.0/20 2001:2:0:10::/120

	# the merged metadata: the shards' counts add up to the single scan's
	local m=$T/scan/recv.json
	expect_eq "merged: complete" "$(json "$m" complete)" true
	expect_eq "merged: probes sent" "$(json "$m" probes_sent)" "$(wc -l <"$T/all_targets")"
	expect_eq "merged: probes sent (single)" "$(json "$m" probes_sent)" "$(json "$T/single.json" probes_sent)"
	expect_eq "merged: targets up" "$(json "$m" targets_up)" "$(wc -l <"$LAB_DIR/open_pairs.txt")"
	expect_eq "merged: targets up (single)" "$(json "$m" targets_up)" "$(json "$T/single.json" targets_up)"
	echo "  4 array tasks and the merge: $(wc -l <"$T/probes") probes, each target once;" \
		"$(wc -l <"$T/merged") open pairs, as the lab's and one unsharded scan's"
}

# submit ARGS...: sbatch as the README has it, from $T (where the logs go),
# with the test's tools on PATH; prints the job id
submit() {
	(cd "$T" && PATH="$T/path:$PATH" in_node sbatch --parsable "$@")
}

test_slurm_array_bad_range_stopped_task_and_rerun() {
	release_build_only && return 0
	LAB_LIVE="198.18.4.0/22:20 198.18.12.0/24" LAB_TCP_PORTS="80 443" slurm_lab_up
	# shellcheck disable=SC2054 # -p takes a list
	local targets=(-b "$T/link.block" -p 80,443 198.18.0.0/20) recipes=$PWD/recipes/slurm jid i
	mkdir "$T/scan"
	# an array whose task ids are no shard numbers: every task refuses, scans nothing
	jid=$(ZSEND_ARGS="-b /dev/null" submit --array=1-4 "$recipes/zscan-array.sbatch" "$T/scan" "${targets[@]}")
	wait_until 120 jobs_done "$jid"
	expect_eq "tasks of --array=1-4" "$(job_states "$jid" | sort | uniq -c | awk '{print $1, $2, $3}')" "4 FAILED 2:0"
	grep -q "zscan-array: --array=1-4 with 4 tasks: give 0-(N-1), or ZSCAN_SHARDS=N" "$T/zscan-${jid}_1.out" ||
		fail "task 1 of --array=1-4: $(cat "$T/zscan-${jid}_1.out")"
	expect_eq "files after --array=1-4" "$(ls "$T/scan")" ""
	# a directory others can write, where one planted a link to a file of
	# the job's user: refused before anything is written
	mkdir -m 1777 "$T/open"
	echo keep >"$T/victim"
	ln -s "$T/victim" "$T/open/results-0.csv"
	jid=$(ZSEND_ARGS="-b /dev/null" submit --array=0 "$recipes/zscan-array.sbatch" "$T/open" "${targets[@]}")
	wait_until 120 jobs_done "$jid"
	expect_eq "task in a directory others can write" "$(job_states "$jid")" "FAILED 2:0"
	grep -q "zscan-array: $T/open: others can write in it (mode 1777)" "$T/zscan-${jid}_0.out" ||
		fail "task 0 in $T/open: $(cat "$T/zscan-${jid}_0.out")"
	expect_eq "the file behind the planted link" "$(cat "$T/victim")" keep

	# task 0 cancelled mid-scan (200 probes/s: its shard takes 10 s)
	jid=$(ZSEND_ARGS="-b /dev/null -r 200" ZRECV_ARGS="-c 1" \
		submit --array=0-3 "$recipes/zscan-array.sbatch" "$T/scan" "${targets[@]}")
	task0_sending() {
		grep -Eqs 'zrecv: .*sent [1-9]' "$T/zscan-${jid}_0.out" && return 0
		! grep -q "ArrayJobId=$jid ArrayTaskId=0 " "$SLURM_DIR/jobcomp.txt" 2>/dev/null ||
			fail "task 0 ended before it sent: $(cat "$T/zscan-${jid}_0.out")"
		return 1
	}
	wait_until 120 task0_sending
	in_node scancel "${jid}_0"
	wait_until 240 jobs_done "$jid"
	expect_eq "tasks" "$(job_states "$jid" | sort | uniq -c | awk '{print $1, $2}')" "1 CANCELLED
3 COMPLETED"
	local m=$T/scan/recv-0.json
	expect_eq "cancelled task: complete" "$(json "$m" complete)" false
	expect_eq "cancelled task: exit_status" "$(json "$m" exit_status)" 3
	grep -q "shard 0 of 4: exit status 3" "$T/zscan-${jid}_0.out" || fail "task 0: $(tail -3 "$T/zscan-${jid}_0.out")"
	local stopped_at
	stopped_at=$(json "$m" consumed)
	[ "$stopped_at" -lt "$("$ZS_BIN/zgen" --seed "$jid" --shards 4 --shard 0 "${targets[@]}" | wc -l)" ] ||
		fail "task 0 was not stopped mid-scan: $stopped_at targets done"
	# the merge says the scan is not whole
	local rc=0
	PATH="$T/path:$PATH" bash "$recipes/zscan-merge.sbatch" "$T/scan" 2>"$T/merge.err" || rc=$?
	expect_eq "merge of a scan with a stopped shard" "$rc" 3
	expect_eq "merged: complete" "$(json "$T/scan/recv.json" complete)" false

	# task 0 again, as the README says, then the merge
	local seed rjid mjid
	seed=$(json "$T/scan/recv-1.json" seed)
	expect_eq "the seed" "$seed" "$jid"
	rjid=$(ZSCAN_SHARDS=4 ZSCAN_SEED=$seed ZSEND_ARGS="-b /dev/null -r 20000" ZRECV_ARGS="-c 1" \
		submit --array=0 "$recipes/zscan-array.sbatch" "$T/scan" "${targets[@]}")
	mjid=$(submit --dependency=afterok:"$rjid" "$recipes/zscan-merge.sbatch" "$T/scan")
	wait_until 240 jobs_done "$rjid" "$mjid"
	expect_eq "rerun" "$(job_states "$rjid")" "COMPLETED 0:0"
	expect_eq "merge" "$(job_states "$mjid")" "COMPLETED 0:0"
	expect_eq "merged after the rerun: complete" "$(json "$T/scan/recv.json" complete)" true
	csv_cols "$T/scan/results.csv" saddr sport | sorted >"$T/merged"
	grep -v : "$LAB_DIR/open_pairs.txt" >"$T/want" || true
	cmp -s "$T/merged" "$T/want" || fail "merged != the lab's open pairs: $(comm -3 "$T/merged" "$T/want" | head -3)"
	echo "  --array=1-4 refused by every task, and a directory others can write; task 0 cancelled after $stopped_at targets, exit 3;" \
		"rerun with its seed: $(wc -l <"$T/merged") open pairs, complete"
}
