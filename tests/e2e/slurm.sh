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

# Ends the daemons, the node's first so that no job is left to it; the
# lab's teardown ends anything still running in the namespace after this.
slurm_down() (
	set +e
	local pid
	for pid in "${SLURMD_PID:-}" "${SLURMCTLD_PID:-}" "${MUNGED_PID:-}"; do
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null
		poll_until 30 is_gone "$pid" || kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
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

# jobs_done JOBID...: none is in the queue any more; fails the test at once
# if a job ended otherwise than COMPLETED (or was put back in the queue
# after its launch failed)
jobs_done() {
	local q bad
	bad=$(grep -v 'JobState=COMPLETED ' "$SLURM_DIR/jobcomp.txt" 2>/dev/null | head -3 || true)
	[ -z "$bad" ] || fail "a job did not complete: $bad; $(tail -n 3 "$T"/zscan-*.out "$SLURM_DIR/slurmd.log")"
	q=$(in_node squeue -h -o '%i %T %r' -j "$(echo "$@" | tr ' ' ,)") || return 1
	[ -z "$q" ]
}

# job_states JOBID: the final state and exit code of the job, or of each
# task of the array JOBID, from the job completion log, one per line
job_states() {
	grep -E "(^JobId=$1 |ArrayJobId=$1 )" "$SLURM_DIR/jobcomp.txt" |
		sed -E 's/.*JobState=([A-Z_]+) .*ExitCode=([0-9:]+).*/\1 \2/'
}

test_slurm_array_shards_equal_one_scan() {
	LAB_LIVE="198.18.4.0/22:20 198.18.12.0/24 2001:2:0:10::/120:30" LAB_TCP_PORTS="80 443" \
		LAB_OPEN="198.18.12.0/24=443" slurm_lab_up
	local targets=(-b "$T/link.block" -p 80,443 198.18.0.0/20 2001:2:0:10::/120)
	mkdir "$T/scan"
	# the probes as the lab receives them (zsend's frames bypass the
	# scanner side's taps)
	start_capture "$LAB_NET" zn0 "tcp and (src host 198.18.0.1 or src host 2001:2::1)"
	# as the README says, from the directory where the logs go
	local jid mjid recipes=$PWD/recipes/slurm
	jid=$(cd "$T" && PATH="$T/path:$PATH" ZSEND_ARGS="-b /dev/null -r 20000" ZRECV_ARGS="-c 1" \
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
	csv_cols "$T/scan/results.csv" saddr sport | sorted >"$T/merged"
	expect_eq "repeats in the merged results" "$(uniq -d "$T/merged" | head -3)" ""
	cmp -s "$T/merged" "$LAB_DIR/open_pairs.txt" ||
		fail "merged != the lab's open pairs: $(comm -3 "$T/merged" "$LAB_DIR/open_pairs.txt" | head -3)"
	ZSEND_ARGS="-r 20000" ZRECV_ARGS="--metadata $T/single.json" pipeline -p 80,443 198.18.0.0/20 2001:2:0:10::/120 |
		"$ZS_BIN/zfilter" -f saddr,sport | sorted >"$T/single"
	cmp -s "$T/merged" "$T/single" || fail "merged != one unsharded scan: $(comm -3 "$T/merged" "$T/single" | head -3)"

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
