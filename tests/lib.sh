# Helpers shared by the end-to-end tests. Each test is a function test_NAME
# in a tests/e2e/*.sh file; tests/run calls it in a fresh bash with `set -eu`
# under a timeout. A test fails by exiting non-zero; fail() says why.
# ZS_BIN: the directory of the binaries under test. T: a scratch directory.

fail() {
	echo "FAILED: $*" >&2
	exit 1
}

# release_build_only: true for the tests of the sanitizer builds, after
# saying so. A test of how zscan fits an outside system (Slurm, ssh and GNU
# parallel, a Kubernetes pod, a Debian package) checks the recipe and the
# system on the other side: it runs once, with the release build's tests,
# which keeps the suite's time in bounds; the tools' own code is under the
# sanitizers in every other test.
#   release_build_only && return 0
release_build_only() {
	if [[ $ZS_BIN == */build/*/bin ]]; then
		echo "  (runs once, with the release build's tests: a recipe and an outside system)"
		return 0
	fi
	return 1
}

# expect_eq WHAT GOT WANT
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# expect_error "CMD..." PATTERN: exits non-zero, prints nothing on stdout,
# exactly one line on stderr, and that line matches PATTERN (grep -E).
expect_error() {
	local pattern=$1
	shift
	local rc=0
	"$@" >"$T/err.out" 2>"$T/err.err" || rc=$?
	[ "$rc" -ne 0 ] || fail "'$*' exited 0"
	[ ! -s "$T/err.out" ] || fail "'$*' wrote to stdout: $(head -c 200 "$T/err.out")"
	[ "$(wc -l <"$T/err.err")" -eq 1 ] || fail "'$*': want one line on stderr, got: $(cat "$T/err.err")"
	grep -Eq -- "$pattern" "$T/err.err" || fail "'$*': stderr '$(cat "$T/err.err")' lacks /$pattern/"
	echo "  $(cat "$T/err.err")  [exit $rc]"
}

# poll_until SECONDS CMD...: runs CMD every 0.05 s until it succeeds (0),
# or SECONDS have passed (1). The deadline is only for a CMD that never
# succeeds: a fast machine never waits for it, a slow one has time.
poll_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}

# wait_until SECONDS CMD...: poll_until, failing the test at the deadline.
wait_until() {
	local secs=$1
	shift
	poll_until "$secs" "$@" || fail "waited ${secs} s for: $*"
}

# last_update FILE COLUMN: the value of COLUMN (named as in the header row)
# in the last whole row of a --status-updates CSV of zsend (type,time,sent,
# ...) or zrecv (time,sent,send_rate,valid,...); 0 before the first row or
# the file. A row half written is not whole: it has fewer fields.
last_update() {
	[ -s "$1" ] || {
		echo 0
		return 0
	}
	awk -F, -v col="$2" 'NR == 1 {n = NF; for (i = 1; i <= NF; i++) if ($i == col) c = i; next}
		NF == n && c {v = $c} END {print v + 0}' "$1"
}

# update_at_least FILE COLUMN N: the last whole row's COLUMN (one of the
# counts: sent, valid, targets_up, failed_validation, drops...) is N or more.
update_at_least() {
	[ "$(last_update "$1" "$2")" -ge "$3" ]
}

# wait_sent FILE N [SECONDS]: until zsend's --status-updates FILE says N
# or more probes were sent. zsend writes a row each second while it hands
# targets to its senders or waits for them to finish, and one when it is
# done, but none while it waits for input: wait on it only while zsend has
# more than a second of sending left in what its input holds (zrecv's rows
# come each second whatever zsend does).
wait_sent() {
	wait_until "${3:-60}" update_at_least "$1" sent "$2"
}

# has_update_row FILE: a --status-updates CSV has its header and a whole
# first row.
has_update_row() {
	[ -s "$1" ] && [ "$(awk -F, 'NR == 1 {n = NF; next} NF == n' "$1" | wc -l)" -ge 1 ]
}

# wait_armed FILE [SECONDS]: until zrecv's --status-updates FILE has its
# first row, which zrecv writes a second into its capture loop: its capture
# is armed (and it has given up its privileges).
wait_armed() {
	wait_until "${2:-60}" has_update_row "$1"
}

# expect_output_while_input_waits FIRST LATER WANT-FIRST WANT-ALL CMD...:
# CMD reads FIRST, and LATER only once its output is WANT-FIRST (it wrote
# while its input waited; it must be within 60 s, however slow the
# machine), and at the end its output is WANT-ALL (lines joined with
# spaces, each followed by one).
expect_output_while_input_waits() {
	local first=$1 later=$2 want_first=$3 want_all=$4 pid
	shift 4
	rm -f "$T/waits.go"
	: >"$T/waits.out"
	{
		printf '%s' "$first"
		# the input stays open, LATER unwritten, until the test says
		while [ ! -e "$T/waits.go" ]; do sleep 0.05; done
		printf '%s' "$later"
	} | "$@" >"$T/waits.out" &
	pid=$!
	output_is() { [ "$(cat "$T/waits.out")" = "$want_first" ]; }
	if ! poll_until 60 output_is; then
		local got
		got=$(cat "$T/waits.out")
		touch "$T/waits.go"
		wait $pid || true
		fail "while the input waits: got '$got', want '$want_first'"
	fi
	touch "$T/waits.go"
	wait $pid
	expect_eq "at the end" "$(tr '\n' ' ' <"$T/waits.out")" "$want_all"
}

sorted() {
	LC_ALL=C sort "$@"
}

# A fresh 128-bit key file, mode 0600, as a user makes one.
make_key() { # FILE
	(umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$1" && echo >>"$1")
}

# Starts tcpdump writing $T/cap.pcap in a namespace (run by ip netns exec
# directly, not through a shell function, so that $! is tcpdump itself) and
# waits until it listens (up to 60 s); stop_capture ends it once the file
# holds everything. The 64 MiB buffer keeps up with a scan at tens of
# thousands of probes/s while tcpdump waits for a busy machine's CPU: the
# kernel's ring has a slot of the snapshot length for each packet, so a
# snapshot of 2048 bytes (any frame of the lab's 1500-byte links, whole)
# makes it 30,000 packets, where tcpdump's default of 256 KiB made it 256.
start_capture() { # NAMESPACE IFACE FILTER
	ip netns exec "$1" tcpdump --immediate-mode -B 65536 -s 2048 -Z root -i "$2" -U -n -w "$T/cap.pcap" "$3" \
		2>"$T/tcpdump.err" &
	CAP_PID=$!
	capture_listens() {
		grep -q "listening on" "$T/tcpdump.err" 2>/dev/null && return 0
		kill -0 "$CAP_PID" 2>/dev/null || fail "tcpdump did not start: $(cat "$T/tcpdump.err")"
		return 1
	}
	poll_until 60 capture_listens || fail "tcpdump did not start: $(cat "$T/tcpdump.err")"
}

# stop_capture [COUNT]: ends the capture of start_capture (or of any
# tcpdump -U -w FILE whose pid is CAP_PID) once its file has stopped
# growing: two looks 0.5 s apart see the same size (and, with COUNT, at
# least COUNT packets in it), or 60 s have passed. tcpdump writes each
# packet as it reads it, and what is still in its ring at TERM is lost
# uncounted, so it is not stopped while packets are coming.
stop_capture() {
	local want=${1:-} file="$T/cap.pcap" prev=-1 size a p="" deadline=$((SECONDS + 60))
	if [ -r "/proc/$CAP_PID/cmdline" ]; then
		while IFS= read -r -d '' a; do
			[ "$p" = -w ] && file=$a
			p=$a
		done <"/proc/$CAP_PID/cmdline" || true
	fi
	while [ $SECONDS -lt $deadline ]; do
		size=$(stat -c %s "$file" 2>/dev/null || echo 0)
		if [ "$size" = "$prev" ] && { [ -z "$want" ] ||
			[ "$(tcpdump -r "$file" -n 2>/dev/null | wc -l)" -ge "$want" ]; }; then
			break
		fi
		prev=$size
		sleep 0.5
	done
	kill -TERM "$CAP_PID" # SIGINT is ignored by background jobs of a script
	wait "$CAP_PID" || true
}

# A lab for this test (LAB_* settings from the caller), torn down on exit.
scan_lab_up() { # extra LAB_* settings come from the caller's environment
	source tests/lab.sh
	trap lab_down EXIT
	lab_up "zt$$" "$T/lab"
}

# The default pipeline, no key flags, inside the scanner namespace. The
# scanner-net link (198.18.0.0/30) is not a target: its net side is a real
# host that answers too.
pipeline() { # ZGEN-ARGS... ; env ZSEND_ARGS, ZRECV_ARGS
	echo 198.18.0.0/30 >"$T/link.block"
	in_scan bash -c "'$ZS_BIN/zgen' -b '$T/link.block' $* | '$ZS_BIN/zsend' -b /dev/null -q ${ZSEND_ARGS:-} | '$ZS_BIN/zrecv' -q -c 1 ${ZRECV_ARGS:-}"
}

# The pid of the process whose command line starts with BINARY (a full
# path) and contains PATTERN: the tool itself, not the shell that runs its
# pipeline. Waits up to 60 s for it to start.
pid_of() { # BINARY [PATTERN]
	local pid deadline=$((SECONDS + 60))
	while :; do
		pid=$(pgrep -f "^$1 .*${2:-}" | head -1) && [ -n "$pid" ] && {
			echo "$pid"
			return 0
		}
		[ $SECONDS -lt $deadline ] || fail "no process $1 ${2:-} within 60 s"
		sleep 0.05
	done
}

# json FILE KEY: one value of a flat JSON object (booleans as true/false)
json() {
	python3 -c 'import json,sys; v = json.load(open(sys.argv[1]))[sys.argv[2]]; print(str(v).lower() if isinstance(v, bool) else v)' "$1" "$2"
}

# FILE to stdout in writes of 1 to 8999 bytes, so that a reader's blocks end
# anywhere.
odd_writes() { # FILE SEED
	python3 -c '
import sys, random
r = random.Random(int(sys.argv[2])); d = open(sys.argv[1], "rb").read(); i = 0
while i < len(d):
    n = r.randrange(1, 9000); sys.stdout.buffer.write(d[i:i + n]); sys.stdout.flush(); i += n
' "$1" "$2"
}

# CSV result rows (saddr,sport,ttl,classification,success) to stdout: ROWS
# rows over HOSTS random addresses, repeats near and far (the first 64
# hosts come back every 64 rows), and one row in 1000 with a bad address
# (300.1.2.x).
result_rows() { # SEED ROWS HOSTS
	python3 - "$@" <<'PY'
import random, sys
seed, rows, nhosts = map(int, sys.argv[1:4])
r = random.Random(seed)
print("saddr,sport,ttl,classification,success")
hosts = ["%d.%d.%d.%d" % tuple(r.randrange(256) for _ in range(4)) for _ in range(nhosts)]
for i in range(rows):
    h = r.choice(hosts) if r.random() < 0.7 else hosts[i % 64]
    if r.random() < 0.001:
        h = "300.1.2.%d" % r.randrange(256)
    ok = r.random() < 0.8
    print("%s,%d,%d,%s,%d" % (h, r.choice((80, 443, 8080)), r.randrange(1, 256),
                              "synack" if ok else "rst", ok))
PY
}

# The key handover's files (core/stage/handover.h) of root and of every user
# without XDG_RUNTIME_DIR, left at the moment: none, once a scan is over.
handover_files() {
	ls -d /run/zscan/pipe-* /tmp/zscan-*/pipe-* 2>/dev/null || true
}

# The (address,port) of every SYN probe in a capture, one per line, sorted.
probes_in() { # PCAP
	tcpdump -r "$1" -n 2>/dev/null | awk '{d = $5; sub(/:$/, "", d); sub(/\.[0-9]+$/, ",&", d); sub(/,\./, ",", d); print d}' | sorted
}

# Watching a tool that stops on a signal or waits on its reader:
# is_catching PID BINARY: PID runs BINARY and catches SIGTERM (its stop
# handlers are in place: a signal now is a request, not a death)
is_catching() {
	[ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$2" ] || return 1
	local cgt
	cgt=$(awk '/^SigCgt:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$cgt" ] && (((0x$cgt >> 14) & 1))
}

# in_pipe_write PID: a thread of PID waits in a write to a full pipe or
# FIFO (its reader took nothing more)
in_pipe_write() {
	cat "/proc/$1/task/"*/wchan 2>/dev/null | grep -q pipe_write
}

# is_gone PID: PID has ended (gone, or a zombie)
is_gone() {
	local s
	s=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null || true)
	[ -z "$s" ] || [ "$s" = Z ]
}

# to_fd3 TEXT: TEXT to descriptor 3, a FIFO whose reader may have ended
# (a subshell takes the SIGPIPE)
to_fd3() {
	(printf '%s' "$1" >&3) 2>/dev/null || true
}

# has_output FILE: a filter has written its first line there (it is in its
# loop, its handlers in place)
has_output() {
	[ -s "$1" ]
}

# The (address,port) of every SYN (not SYN-ACK, not RST) in a capture, of
# both families, one per line, sorted.
syn_probes() { # PCAP
	tcpdump -r "$1" -n 2>/dev/null | grep -F 'Flags [S],' |
		awk '{d = $5; sub(/:$/, "", d); sub(/\.[0-9]+$/, ",&", d); sub(/,\./, ",", d); print d}' | sorted
}

# csv_cols FILE COLUMN...: those columns of a CSV with a header row, named
# as in the header, comma-joined, one row per line.
csv_cols() {
	python3 - "$@" <<'PY'
import csv, sys
rows = csv.reader(open(sys.argv[1]))
head = next(rows)
idx = [head.index(c) for c in sys.argv[2:]]
for r in rows:
    print(",".join(r[i] for i in idx))
PY
}

# merged_is_one_scan CSV ZGEN-ARGS...: a sharded scan's merged results
# (CSV, zrecv's columns) hold each (address, port) once, are the lab's
# open pairs, and are what one unsharded scan of ZGEN-ARGS finds; that
# scan's zrecv metadata is left in $T/single.json, its pairs in $T/single
# and the merged ones in $T/merged.
merged_is_one_scan() {
	local csv=$1
	shift
	csv_cols "$csv" saddr sport | sorted >"$T/merged"
	expect_eq "repeats in the merged results" "$(uniq -d "$T/merged" | head -3)" ""
	cmp -s "$T/merged" "$LAB_DIR/open_pairs.txt" ||
		fail "merged != the lab's open pairs: $(comm -3 "$T/merged" "$LAB_DIR/open_pairs.txt" | head -3)"
	ZSEND_ARGS="-r 20000" ZRECV_ARGS="--metadata $T/single.json" pipeline "$@" |
		"$ZS_BIN/zfilter" -f saddr,sport | sorted >"$T/single"
	cmp -s "$T/merged" "$T/single" || fail "merged != one unsharded scan: $(comm -3 "$T/merged" "$T/single" | head -3)"
}
