# Helpers shared by the end-to-end tests. Each test is a function test_NAME
# in a tests/e2e/*.sh file; tests/run calls it in a fresh bash with `set -eu`
# under a timeout. A test fails by exiting non-zero; fail() says why.
# ZS_BIN: the directory of the binaries under test. T: a scratch directory.

fail() {
	echo "FAILED: $*" >&2
	exit 1
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

# expect_output_while_input_waits FIRST LATER WANT-FIRST WANT-ALL CMD...:
# CMD reads FIRST, then 3 s later LATER; 1.5 s in, its output must be
# WANT-FIRST (it wrote while its input waited), and at the end WANT-ALL
# (lines joined with spaces, each followed by one).
expect_output_while_input_waits() {
	local first=$1 later=$2 want_first=$3 want_all=$4 pid
	shift 4
	{
		printf '%s' "$first"
		sleep 3
		printf '%s' "$later"
	} | "$@" >"$T/waits.out" &
	pid=$!
	sleep 1.5
	expect_eq "while the input waits" "$(cat "$T/waits.out")" "$want_first"
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
# waits until it listens; stop_capture ends it and flushes the file. The
# 64 MiB buffer keeps up with a scan at tens of thousands of probes/s.
start_capture() { # NAMESPACE IFACE FILTER
	ip netns exec "$1" tcpdump --immediate-mode -B 65536 -Z root -i "$2" -U -n -w "$T/cap.pcap" "$3" \
		2>"$T/tcpdump.err" &
	CAP_PID=$!
	for _ in $(seq 50); do
		grep -q "listening on" "$T/tcpdump.err" && return 0
		sleep 0.1
	done
	fail "tcpdump did not start: $(cat "$T/tcpdump.err")"
}

stop_capture() {
	sleep 0.5
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
# pipeline. Waits up to 5 s for it to start.
pid_of() { # BINARY [PATTERN]
	local pid
	for _ in $(seq 50); do
		pid=$(pgrep -f "^$1 .*${2:-}" | head -1) && [ -n "$pid" ] && {
			echo "$pid"
			return 0
		}
		sleep 0.1
	done
	fail "no process $1 ${2:-}"
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

# The key handover's files (core/handover.h) of root and of every user
# without XDG_RUNTIME_DIR, left at the moment: none, once a scan is over.
handover_files() {
	ls -d /run/zscan/pipe-* /tmp/zscan-*/pipe-* 2>/dev/null || true
}

# The (address,port) of every SYN probe in a capture, one per line, sorted.
probes_in() { # PCAP
	tcpdump -r "$1" -n 2>/dev/null | awk '{d = $5; sub(/:$/, "", d); sub(/\.[0-9]+$/, ",&", d); sub(/,\./, ",", d); print d}' | sorted
}
