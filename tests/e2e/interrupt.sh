# Interruption and resume: signals to each stage and to a whole pipeline,
# and a scan stopped half-way then continued with zgen --resume, checked
# against the lab's ground truth and the probes counted on the net side.

test_interrupt_then_resume_covers_every_target_once() {
	LAB_LIVE="198.18.16.0/20:20 198.18.64.0/22:50" LAB_TCP_PORTS="80 443" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	local zgen_args="-b $T/link.block -e 7 -p 80,443 198.18.0.0/17"
	"$ZS_BIN/zgen" $zgen_args >"$T/all"
	local total
	total=$(wc -l <"$T/all")
	# two sender threads, so a stop catches them at different points of
	# their jobs and zsend has to settle an exact prefix
	local zsend="'$ZS_BIN/zsend' -b /dev/null -q -T 2 -r 20000"
	start_capture "$LAB_NET" zn0 "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"
	in_scan bash -c "'$ZS_BIN/zgen' --header $zgen_args | $zsend --metadata '$T/s1.json' | '$ZS_BIN/zrecv' -q -c 1 --metadata '$T/r1.json'" >"$T/part1.csv" 2>"$T/part1.err" &
	local scan=$!
	local zs
	zs=$(pid_of "$ZS_BIN/zsend" "$T/s1.json")
	sleep 1.5
	kill -INT "$zs"
	wait $scan || true
	stop_capture
	mv "$T/cap.pcap" "$T/cap1.pcap"
	cat "$T/part1.err"
	grep -q "^0 packets dropped by kernel" "$T/tcpdump.err" || fail "the capture lost probes: $(cat "$T/tcpdump.err")"
	expect_eq "zsend interrupted" "$(json "$T/s1.json" interrupted)" true
	expect_eq "zrecv saw an interrupted sender" "$(json "$T/r1.json" sender_done)" true
	local n
	n=$(json "$T/s1.json" consumed)
	[ "$n" -gt 0 ] && [ "$n" -lt "$total" ] || fail "consumed $n of $total"
	expect_eq "resume = consumed on a fresh scan" "$(json "$T/s1.json" resume)" "$n"
	expect_eq "probed beyond" "$(json "$T/s1.json" probed_beyond_consumed)" false
	grep -q "zgen --seed 7 --shards 1 --shard 0 --resume $n" "$T/part1.err" || fail "no resume hint"
	# the net side saw exactly the first n targets, each once
	head -n "$n" "$T/all" | sorted >"$T/want1"
	probes_in "$T/cap1.pcap" >"$T/got1"
	expect_eq "duplicate probes, part 1" "$(uniq -d "$T/got1" | wc -l)" 0
	cmp -s "$T/got1" "$T/want1" || fail "part 1 probes != first $n targets: $(comm -3 "$T/got1" "$T/want1" | head -3)"

	start_capture "$LAB_NET" zn0 "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"
	in_scan bash -c "'$ZS_BIN/zgen' --header $zgen_args --resume $n | $zsend --metadata '$T/s2.json' | '$ZS_BIN/zrecv' -q -c 1" >"$T/part2.csv"
	stop_capture
	grep -q "^0 packets dropped by kernel" "$T/tcpdump.err" || fail "the capture lost probes: $(cat "$T/tcpdump.err")"
	expect_eq "part 2 not interrupted" "$(json "$T/s2.json" interrupted)" false
	expect_eq "part 2 records" "$(json "$T/s2.json" consumed)" $((total - n))
	expect_eq "resume after part 2" "$(json "$T/s2.json" resume)" "$total"
	tail -n +$((n + 1)) "$T/all" | sorted >"$T/want2"
	probes_in "$T/cap.pcap" >"$T/got2"
	cmp -s "$T/got2" "$T/want2" || fail "part 2 probes != the other $((total - n)) targets"
	expect_eq "every target probed exactly once" "$(sort -m "$T/got1" "$T/got2" | uniq -u | wc -l)" "$total"

	# each part found exactly the open pairs among its own targets, so the
	# union is what one uninterrupted scan finds (answers in flight at the
	# stop were still received)
	grep -E '^198\.18\.([0-9]|[1-9][0-9]|1[01][0-9]|12[0-7])\.' "$LAB_DIR/open_pairs.txt" | sorted >"$T/open"
	for part in 1 2; do
		awk -F, 'NR > 1 && $11 == 1 {print $1 "," $3}' "$T/part$part.csv" | sorted >"$T/found$part"
		comm -12 "$T/want$part" "$T/open" >"$T/open$part"
		cmp -s "$T/found$part" "$T/open$part" || fail "part $part found != its open pairs: $(comm -3 "$T/found$part" "$T/open$part" | head -3)"
	done
	cmp -s <(sort -m "$T/found1" "$T/found2") "$T/open" || fail "union != open pairs"
	echo "  stopped after $n of $total targets; resumed; $(wc -l <"$T/open") open pairs found, each target probed once"
}

test_interrupt_ctrl_c_on_the_whole_pipeline() {
	LAB_LIVE="198.18.16.0/20:20" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	"$ZS_BIN/zgen" -b "$T/link.block" -e 3 -p 80 198.18.0.0/18 >"$T/all"
	# the pipeline in a process group of its own, as a terminal would run it
	in_scan setsid bash -c "'$ZS_BIN/zgen' -b '$T/link.block' -e 3 -p 80 198.18.0.0/18 | '$ZS_BIN/zsend' -b /dev/null -q -r 10000 --metadata '$T/s.json' | '$ZS_BIN/zrecv' -q -c 1 --metadata '$T/r.json' | '$ZS_BIN/zfilter'" >"$T/hosts" 2>"$T/err" &
	local scan=$!
	local pgid
	pgid=$(ps -o pgid= -p "$(pid_of "$ZS_BIN/zsend" "$T/s.json")" | tr -d ' ')
	sleep 1.5
	# zsend took the key at once: nothing is left to read
	expect_eq "handover files while it runs" "$(handover_files)" ""
	kill -INT -- "-$pgid"
	local start=$SECONDS
	wait $scan || true
	[ $((SECONDS - start)) -le 4 ] || fail "the pipeline took $((SECONDS - start)) s to end"
	cat "$T/err"
	expect_eq "handover files left" "$(handover_files)" ""
	expect_eq "zsend interrupted" "$(json "$T/s.json" interrupted)" true
	expect_eq "zrecv interrupted" "$(json "$T/r.json" interrupted)" true
	grep -qvE '^198\.18\.[0-9]+\.[0-9]+$' "$T/hosts" && fail "a torn or stray line: $(grep -vE '^198\.18\.[0-9]+\.[0-9]+$' "$T/hosts" | head -1)"
	local n
	n=$(json "$T/s.json" consumed)
	[ "$n" -gt 0 ] && [ "$n" -lt "$(wc -l <"$T/all")" ] || fail "consumed $n"
	# every live host among the targets probed was found, and no other
	head -n "$n" "$T/all" | cut -d, -f1 | sorted >"$T/probed"
	comm -12 "$T/probed" <(sorted "$LAB_DIR/live.txt") >"$T/want"
	cmp -s <(sorted "$T/hosts") "$T/want" || fail "hosts != live hosts probed: $(comm -3 <(sorted "$T/hosts") "$T/want" | head -3)"
	echo "  Ctrl-C after $n targets: $(wc -l <"$T/want") hosts, all whole lines, key removed"
}

# zrecv killed outright (no chance to ask zsend to stop): zsend notices its
# reader has gone and stops at once, long before its targets run out,
# saying why, with exit 1; its resume point still holds.
test_interrupt_zrecv_gone_stops_zsend() {
	LAB_LIVE="198.18.16.0/20:20" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	in_scan bash -c "'$ZS_BIN/zgen' --header -b '$T/link.block' -p 80 198.18.0.0/16 | '$ZS_BIN/zsend' -b /dev/null -q -r 5000 --metadata '$T/s.json' 2>'$T/zsend.err' | '$ZS_BIN/zrecv' -q -c 1 --status-updates '$T/r.csv'" >"$T/res.csv" 2>"$T/zrecv.err" &
	local scan=$!
	local zr
	zr=$(pid_of "$ZS_BIN/zrecv" "$T/r.csv")
	wait_until 120 sh -c "[ \$(tail -n +2 '$T/r.csv' 2>/dev/null | awk -F, '\$2 > 0' | wc -l) -gt 0 ]"
	kill -KILL "$zr"
	local rc=0
	wait $scan || rc=$?
	cat "$T/zsend.err"
	expect_eq "the pipeline's status" "$rc" 137
	grep -q "zrecv has gone (its end of the pipe closed): stopped" "$T/zsend.err" || fail "zsend did not say why it stopped"
	expect_eq "zsend's lines about it" "$(grep -c "write error" "$T/zsend.err" || true)" 0
	expect_eq "zsend interrupted (by a signal)" "$(json "$T/s.json" interrupted)" false
	expect_eq "zsend's exit status" "$(json "$T/s.json" exit_status)" 1
	local sent total
	sent=$(json "$T/s.json" probes_sent)
	total=$("$ZS_BIN/zgen" --count -b "$T/link.block" -p 80 198.18.0.0/16)
	[ "$sent" -lt "$total" ] || fail "zsend sent all $total probes without a receiver"
}

# zgen stopped by each signal while its reader holds 4 MiB and reads no
# more (zgen blocked in a write): its output ends on a whole line and it
# exits 3, an incomplete run whose prefix --resume continues.
test_interrupt_zgen_ends_on_a_whole_line() {
	local sig
	mkfifo "$T/pipe"
	for sig in INT TERM HUP; do
		rm -f "$T/held" "$T/go"
		python3 -c '
import os, sys, time
out = open(sys.argv[1], "wb"); got = 0
while got < 4 << 20:
    b = sys.stdin.buffer.read1(65536)
    if not b: break
    out.write(b); got += len(b)
out.flush(); open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]): time.sleep(0.02)
out.write(sys.stdin.buffer.read())' "$T/out" "$T/held" "$T/go" <"$T/pipe" &
		local reader=$!
		"$ZS_BIN/zgen" 0.0.0.0/0 >"$T/pipe" &
		local pid=$!
		wait_until 120 test -e "$T/held"
		kill -"$sig" "$pid"
		touch "$T/go"
		local rc=0
		wait "$pid" || rc=$?
		wait "$reader"
		expect_eq "zgen's exit after SIG$sig" "$rc" 3
		[ -z "$(tail -c1 "$T/out")" ] || fail "SIG$sig: the output ends in a torn line"
		expect_eq "SIG$sig: lines that are not addresses" "$(grep -cvE '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' "$T/out" || true)" 0
		[ "$(wc -c <"$T/out")" -ge $((4 << 20)) ] || fail "SIG$sig: only $(wc -c <"$T/out") bytes"
	done
	# a reader that leaves: zgen ends at once, with one line
	expect_eq "head" "$("$ZS_BIN/zgen" 0.0.0.0/0 2>"$T/err" | head -3 | wc -l)" 3
	expect_eq "zgen's message" "$(cat "$T/err")" "zgen: stdout: write error: Broken pipe"
}

# zfilter with a pipe on stdin: a first stop request of any kind reads the
# pipe to its end (the stages before end the stream: zrecv after its
# cooldown), exit 0; a second one, a second or more later, stops it at once
# with whole lines out, exit 3.
test_interrupt_zfilter_reads_a_pipe_to_its_end() {
	for i in $(seq 1 200); do echo "198.18.$((i / 256)).$((i % 256)),x,1"; done | sed '1i saddr,c,success' >"$T/rows"
	mkfifo "$T/in"
	local sig rc pid writer
	for sig in INT TERM HUP; do
		# the last run's rows gone: 100 rows are this zfilter's (its shell
		# opens the FIFO first, and may still be no zfilter)
		rm -f "$T/out"
		"$ZS_BIN/zfilter" -f saddr <"$T/in" >"$T/out" &
		pid=$!
		# the first half, then the rest once the signal has gone
		{ head -101 "$T/rows"; while [ ! -e "$T/go" ]; do sleep 0.02; done; tail -n +102 "$T/rows"; } >"$T/in" &
		writer=$!
		wait_until 120 sh -c "[ \$(cat '$T/out' 2>/dev/null | wc -l) -eq 100 ]"
		kill -"$sig" "$pid"
		touch "$T/go"
		rc=0
		wait $pid || rc=$?
		wait $writer
		rm -f "$T/go"
		expect_eq "exit after one SIG$sig on a pipe" "$rc" 0
		expect_eq "rows after one SIG$sig" "$(wc -l <"$T/out")" 200
	done
	# a second request, a second after the first, stops it at once, with
	# whole lines out, though the pipe stays open
	for sig in INT TERM HUP; do
		# the last run's rows gone: 100 rows are this zfilter's (its shell
		# opens the FIFO first, and may still be no zfilter)
		rm -f "$T/out"
		"$ZS_BIN/zfilter" -f saddr <"$T/in" >"$T/out" &
		pid=$!
		{ head -101 "$T/rows"; while [ ! -e "$T/go" ]; do sleep 0.02; done; } >"$T/in" &
		writer=$!
		wait_until 120 sh -c "[ \$(cat '$T/out' 2>/dev/null | wc -l) -eq 100 ]"
		kill -"$sig" "$pid"
		sleep 1.2
		kill -0 "$pid" 2>/dev/null || fail "SIG$sig: zfilter stopped at the first request on a pipe"
		kill -"$sig" "$pid"
		wait_until 60 sh -c "! kill -0 $pid 2>/dev/null"
		rc=0
		wait "$pid" || rc=$?
		touch "$T/go"
		wait $writer
		rm -f "$T/go"
		expect_eq "SIG$sig twice: exit" "$rc" 3
		expect_eq "SIG$sig twice: rows written" "$(wc -l <"$T/out")" 100
	done
}

test_interrupt_zsend_on_each_signal() {
	make_key "$T/key"
	local sig
	for sig in INT TERM HUP; do
		# 5 targets, then a pipe held open: the signal must end a blocked read
		rm -f "$T/frames"
		{ printf '1.2.3.%d\n' 1 2 3 4 5; sleep 600; } |
			"$ZS_BIN/zsend" --dryrun -q -k "$T/key" -p 80 -S 10.0.0.1 -G 02:00:00:00:00:01 \
				--metadata "$T/m.json" >"$T/frames" 2>"$T/err" &
		local pid
		pid=$(pid_of "$ZS_BIN/zsend" "$T/m.json")
		# the five frames are out (each starts at offset 000000)
		wait_until 120 sh -c "[ \$(grep -c '^000000 ' '$T/frames' 2>/dev/null) -eq 5 ]"
		kill -"$sig" "$pid"
		wait_until 60 sh -c "! kill -0 $pid 2>/dev/null"
		pkill -f "^sleep 600$" || true
		wait || true
		expect_eq "SIG$sig: zsend's exit status" "$(json "$T/m.json" exit_status)" 3
		expect_eq "SIG$sig: interrupted" "$(json "$T/m.json" interrupted)" true
		expect_eq "SIG$sig: consumed" "$(json "$T/m.json" consumed)" 5
		expect_eq "SIG$sig: probes" "$(json "$T/m.json" probes_sent)" 5
		grep -q "interrupted: the first 5 input lines" "$T/err" || fail "SIG$sig: $(cat "$T/err")"
		# the key is in no output: only its fingerprint
		! grep -qi "$(cat "$T/key")" "$T/m.json" "$T/err" || fail "the key leaked"
	done
}

# Every stop signal (INT, TERM, HUP), to the whole pipeline (a Ctrl-C, a
# closed terminal or ssh session, a scheduler's TERM) or to one stage, by
# hand or through GNU timeout (which signals zsend twice: itself and its
# group), in the first 50 ms, mid-scan and in zrecv's cooldown, with 1, 2
# and 4 sender threads and both families in one stream: the run and its
# resume probe every target exactly once, counted on the net side, find
# every open pair, and the first run's zrecv says whether its scan was
# whole: exit 0 only when zsend sent every target, else 3 (or death by a
# signal that came before its handlers could), with the resume point in
# its metadata. One trial uses the default cooldown under a scheduler's
# grace: TERM to the group, KILL 30 s later, never needed.
test_interrupt_every_stop_signal_resumes_exactly() {
	LAB_LIVE="198.18.16.0/20:40 2001:2:0:10::/112:40" LAB_TCP_PORTS="80 443" scan_lab_up
	start_capture "$LAB_NET" zn0 "(tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn) or (ip6 and ip6[6] == 6 and ip6[53] & 18 == 2)"
	# how signal when threads
	local trials=(
		"group INT 0 1" "group TERM 10 2" "group HUP 30 4" "group INT 50 2"
		"group TERM mid 1" "group HUP mid 2" "group INT mid 4"
		"zsend INT mid 2" "zsend TERM mid 4" "zsend HUP mid 1"
		"zrecv INT mid 4" "zrecv TERM mid 1" "zrecv HUP mid 2"
		"timeout INT 1300 2" "timeout TERM 900 4" "timeout HUP 1100 1"
		"group TERM cooldown 2" "zrecv HUP cooldown 1"
		"grace TERM mid 2"
	)
	# the sanitizer build runs every other trial: its part is finding
	# memory errors on these paths, the release build's the behaviour
	local i summary="" step=1 ran=()
	[[ $ZS_BIN != */asan/* ]] || step=2
	for ((i = step - 1; i < ${#trials[@]}; i += step)); do
		# shellcheck disable=SC2086 # four words
		signal_trial "$i" ${trials[$i]}
		summary="$summary $(cat "$T/trial$i")"
		ran+=("$i")
	done
	stop_capture
	grep -q "^0 packets dropped by kernel" "$T/tcpdump.err" || fail "the capture lost probes: $(cat "$T/tcpdump.err")"
	probes_in "$T/cap.pcap" >"$T/probes"
	for i in "${ran[@]}"; do
		{ grep "^198\.18\.$((16 + i))\." "$T/probes" || true; grep -i "^2001:2:0:10::$(printf %x $((i + 1)))[0-9a-f][0-9a-f]," "$T/probes" || true; } | sorted >"$T/probes$i"
		cmp -s "$T/probes$i" "$T/targets$i" ||
			fail "trial $i (${trials[$i]}): probes on the net != each target once: $(comm -3 "$T/probes$i" "$T/targets$i" | head -3 | tr '\n' ' ') ($(wc -l <"$T/probes$i") probes, $(wc -l <"$T/targets$i") targets)"
	done
	echo "  every target once, every open pair found (trial:part 1 did/of, exit):$summary"
}

# One trial on 198.18.(16 + I).0/24 and 2001:2:0:10::I00/120: the
# pipeline, the signal, the checks of its exit and metadata, the resume,
# and the open pairs found across the two; writes "I:DONE/ALL,EXIT" to
# $T/trialI and the sorted targets to $T/targetsI.
signal_trial() { # I HOW SIGNAL WHEN THREADS
	local i=$1 how=$2 sig=$3 when=$4 threads=$5 start=$SECONDS
	local v4="198.18.$((16 + i)).0/24" v6="2001:2:0:10::$(printf %x $((i + 1)))00/120"
	local zg="'$ZS_BIN/zgen' --header -b /dev/null -e 7 -p 80,443 $v4 $v6"
	"$ZS_BIN/zgen" -b /dev/null -e 7 -p 80,443 $v4 $v6 >"$T/all$i"
	sorted "$T/all$i" >"$T/targets$i"
	local total
	total=$(wc -l <"$T/all$i")
	local cooldown="-c 1"
	[ "$how" = grace ] && cooldown="" # the default, 8 s
	local zs="'$ZS_BIN/zsend' -q -b /dev/null -r 500 -T $threads --metadata '$T/s$i.json' --status-updates '$T/u$i.csv'"
	[ "$how" = timeout ] && zs="timeout -s $sig $(printf '%d.%03d' $((when / 1000)) $((when % 1000))) $zs"
	local zr="'$ZS_BIN/zrecv' -q $cooldown --metadata '$T/r$i.json'"
	# mid-scan: the input's last quarter waits behind a FIFO until the
	# signal has gone, so that the stop lands before the end however fast
	# zsend is; the stages then see the rest, or have stopped reading
	local feed="$zg"
	if [ "$when" = mid ]; then
		mkfifo "$T/gate$i"
		feed="{ $zg | head -n $((total * 3 / 4 + 1)); cat '$T/gate$i'; $zg | tail -n $((total / 4)); }"
	fi
	# the shell that runs the pipeline outlives the signal (as a login
	# shell does) and exits with zrecv's status; the stages get the
	# signals' default handling
	ip netns exec "$LAB_SCAN" setsid bash -c "trap : INT TERM HUP; $feed | $zs | $zr" >"$T/p1_$i.csv" 2>"$T/p1_$i.err" &
	local pid=$! t
	case $when in
	mid) # once zsend sends (it writes its updates' header just before the
		# first probe), and up to half a second more
		for t in $(seq 1200); do
			[ -s "$T/u$i.csv" ] && break
			kill -0 "$pid" 2>/dev/null || fail "trial $i: the pipeline ended before sending: $(cat "$T/p1_$i.err")"
			sleep 0.05
		done
		sleep "0.$((RANDOM % 5))"
		;;
	cooldown) # once zsend is done and zrecv cools down
		for t in $(seq 1200); do
			[ -s "$T/s$i.json" ] && break
			sleep 0.05
		done
		[ -s "$T/s$i.json" ] || fail "trial $i: zsend never finished"
		;;
	*) [ "$how" = timeout ] || sleep "$(printf '%d.%03d' $((when / 1000)) $((when % 1000)))" ;;
	esac
	local target
	case $how in
	group | grace)
		# the group exists once setsid has run: try until it does
		until kill -"$sig" -- "-$pid" 2>/dev/null; do
			kill -0 "$pid" 2>/dev/null || fail "trial $i: no process group $pid"
			sleep 0.01
		done
		;;
	zsend | zrecv)
		target=$(pgrep -f "^$ZS_BIN/$how .*$T/[sr]$i.json" | head -1)
		[ -n "$target" ] || [ "$when" = cooldown ] || fail "trial $i: no $how to signal"
		[ -z "$target" ] || kill -"$sig" "$target"
		;;
	esac
	# the rest of the input, if a stage still reads it: a reader waiting
	# on the FIFO sees its end once this open and close are done (they
	# never block); one still to come gets a writer for 30 s
	local gate=""
	if [ "$when" = mid ]; then
		exec 3<>"$T/gate$i"
		exec 3>&-
		timeout 30 sh -c ": >'$T/gate$i'" 2>/dev/null &
		gate=$!
	fi
	local watchdog=""
	if [ "$how" = grace ]; then
		(sleep 30 && kill -KILL -- "-$pid") 2>/dev/null &
		watchdog=$!
	fi
	local rc=0
	wait $pid || rc=$?
	[ -z "$watchdog" ] || { kill "$watchdog" 2>/dev/null || true; wait "$watchdog" 2>/dev/null || true; }
	[ -z "$gate" ] || { kill "$gate" 2>/dev/null || true; wait "$gate" 2>/dev/null || true; }
	[ "$rc" -ne 137 ] || fail "trial $i: the scheduler's KILL was needed: $(cat "$T/p1_$i.err")"
	# where zsend says part 1 ended; no word (it died before its
	# handlers): nothing was sent
	local done=0
	[ ! -s "$T/s$i.json" ] ||
		done=$(python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); print(m.get("resume", m["consumed"]))' "$T/s$i.json")
	if [ "$done" -eq "$total" ]; then
		expect_eq "trial $i: zrecv's exit after a whole scan" "$rc" 0
	elif [ ! -s "$T/s$i.json" ]; then
		# zsend died of the signal before it could catch it (it had not
		# got as far as its main): to zrecv, a zsend that failed
		[ "$rc" -ne 0 ] || fail "trial $i: zsend died, yet zrecv exited 0"
	elif [ "$rc" -lt 128 ]; then
		expect_eq "trial $i ($how $sig $when): zrecv's exit, $done of $total done ($(tr '\n' ' ' <"$T/p1_$i.err"))" "$rc" 3
		expect_eq "trial $i: metadata complete" "$(json "$T/r$i.json" complete)" false
		if [ -s "$T/s$i.json" ]; then
			expect_eq "trial $i: zrecv's resume point" "$(json "$T/r$i.json" consumed)" "$(json "$T/s$i.json" consumed)"
			expect_eq "trial $i: probed beyond" "$(json "$T/s$i.json" probed_beyond_consumed)" false
		fi
	fi
	# the rest, uninterrupted: a whole scan of what is left
	local rc2=0
	: >"$T/p2_$i.csv"
	if [ "$done" -lt "$total" ]; then
		in_scan bash -c "$zg --resume $done | '$ZS_BIN/zsend' -q -b /dev/null -r 2000 -T $threads | '$ZS_BIN/zrecv' -q -c 1" >"$T/p2_$i.csv" 2>"$T/p2_$i.err" || rc2=$?
		expect_eq "trial $i: the resume's exit ($(cat "$T/p2_$i.err"))" "$rc2" 0
	fi
	awk -F, 'FNR > 1 && $11 == 1 {print $1 "," $3}' "$T/p1_$i.csv" "$T/p2_$i.csv" | sorted -u >"$T/found$i"
	comm -12 "$T/targets$i" <(sorted "$LAB_DIR/open_pairs.txt") >"$T/open$i"
	cmp -s "$T/found$i" "$T/open$i" ||
		fail "trial $i ($how $sig $when, part 1 did $done): found != open pairs: $(comm -3 "$T/found$i" "$T/open$i" | head -3 | tr '\n' ' ')"
	echo "$i:$done/$total,$rc,$((SECONDS - start))s" >"$T/trial$i"
}

# A relay between zsend and zrecv (a pipe through cat, as -k allows): zrecv
# cannot ask zsend to settle (zsend left no pid in zrecv's handover), so a
# stop to zrecv alone closes its pipe, and zsend goes on probing until the
# relay dies. zrecv's resume point is then its own: the records whose
# answers had a whole cooldown to come while it captured, never zsend's
# count. Resumed from it, every open pair is found (some targets are probed
# twice, none missed), counted against the lab's ground truth and the
# probes on the net side.
test_interrupt_relay_resume_misses_nothing() {
	LAB_LIVE="198.18.16.0/20:30" LAB_TCP_PORTS="80 443" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	make_key "$T/key"
	local zg="'$ZS_BIN/zgen' --header -e 9 -b '$T/link.block' -p 80,443 198.18.16.0/20"
	"$ZS_BIN/zgen" -e 9 -b "$T/link.block" -p 80,443 198.18.16.0/20 >"$T/all"
	start_capture "$LAB_NET" zn0 "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"
	in_scan bash -c "$zg | '$ZS_BIN/zsend' -q -b /dev/null -k '$T/key' -r 1000 --metadata '$T/s.json' 2>'$T/zsend.err' | cat | '$ZS_BIN/zrecv' -q -k '$T/key' -c 1 --metadata '$T/r.json' --status-updates '$T/r.csv'" >"$T/p1.csv" 2>"$T/p1.err" &
	local scan=$! zr
	zr=$(pid_of "$ZS_BIN/zrecv" "$T/r.json")
	# answers have come for a few seconds: some of the scan is settled
	wait_until 120 update_at_least "$T/r.csv" valid 1
	wait_until 120 sh -c "[ \$(wc -l <'$T/r.csv') -ge 5 ]"
	kill -TERM "$zr"
	wait $scan || true
	cat "$T/p1.err"
	expect_eq "zrecv's exit" "$(json "$T/r.json" exit_status)" 3
	expect_eq "zrecv's reason" "$(json "$T/r.json" incomplete_reason)" "zrecv stopped before zsend was done"
	local mine theirs
	mine=$(json "$T/r.json" resume)
	theirs=$(json "$T/s.json" consumed)
	echo "  zrecv's resume point $mine, zsend's count $theirs"
	[ "$mine" -gt 0 ] && [ "$mine" -le "$theirs" ] || fail "zrecv's resume point $mine, zsend's $theirs"
	grep -q "to continue: zgen --seed 9 --shards 1 --shard 0 --resume $mine$" "$T/p1.err" || fail "no resume command for $mine"
	in_scan bash -c "$zg --resume $mine | '$ZS_BIN/zsend' -q -b /dev/null -r 5000 | '$ZS_BIN/zrecv' -q -c 1" >"$T/p2.csv" 2>"$T/p2.err" ||
		fail "the resume failed: $(cat "$T/p2.err")"
	stop_capture
	awk -F, 'FNR > 1 && $11 == 1 {print $1 "," $3}' "$T/p1.csv" "$T/p2.csv" | sorted -u >"$T/found"
	comm -12 <(sorted "$T/all") <(sorted "$LAB_DIR/open_pairs.txt") >"$T/open"
	cmp -s "$T/found" "$T/open" || fail "found != open pairs: $(comm -3 "$T/found" "$T/open" | head -3 | tr '\n' ' ')"
	# every target was probed, and only those zsend sent past zrecv's
	# point in part 1 twice
	probes_in "$T/cap.pcap" >"$T/probes"
	expect_eq "targets never probed" "$(comm -13 <(sorted -u "$T/probes") <(sorted "$T/all") | wc -l)" 0
	local twice
	twice=$(uniq -d "$T/probes" | wc -l)
	[ "$twice" -le $((theirs - mine + 2000)) ] || fail "$twice targets probed twice for $((theirs - mine)) records between the points"
	echo "  $(wc -l <"$T/open") open pairs found; $twice targets probed twice"
}

# zrecv's stop reaches zsend before zsend's first target: zsend left its pid
# in the handover, so zrecv's -t (or a signal to zrecv alone) asks it to
# stop while it still waits for input; the pipeline ends at once, nothing
# sent, exit 3 (it waited for the input's first line, however long).
test_interrupt_zrecv_stops_zsend_before_its_first_target() {
	scan_lab_up
	local how
	for how in -t signal; do
		mkfifo "$T/in.$how"
		local zr="'$ZS_BIN/zrecv' -q -c 0 --metadata '$T/r.json'"
		[ $how = signal ] || zr="$zr -t 2"
		in_scan bash -c "'$ZS_BIN/zsend' -q -b /dev/null --metadata '$T/s.json' <'$T/in.$how' | $zr" >/dev/null 2>"$T/err" &
		local scan=$!
		exec 3>"$T/in.$how" # the input stays open, with no line
		if [ $how = signal ]; then
			local zrp
			zrp=$(pid_of "$ZS_BIN/zrecv" "$T/r.json")
			wait_until 60 sh -c "[ -z \"\$(ls /run/zscan/ 2>/dev/null | grep -v -e '\.pid\$' -e '\.key\$' -e '\.ready\$')\" ] && grep -q 'State:.S' /proc/$zrp/status"
			sleep 0.5
			kill -TERM "$zrp"
		fi
		local rc=0
		wait_until 60 sh -c "! kill -0 $scan 2>/dev/null"
		wait $scan || rc=$?
		exec 3>&-
		expect_eq "$how: zrecv's exit ($(cat "$T/err"))" "$rc" 3
		grep -Eq "zrecv: the scan is incomplete: zsend was stopped( \(-t [0-9]+ reached\))?; the answers are whole for the first 0 input lines" "$T/err" || fail "$how: $(cat "$T/err")"
		expect_eq "$how: zsend's exit" "$(json "$T/s.json" exit_status)" 3
	done
}

# A script in zsend's place that writes a start record naming another
# process (and the pipe it writes to): zrecv asks no one but the zsend that
# left its pid in its own handover, so a stop to zrecv closes the pipe and
# the named process lives on.
test_interrupt_zrecv_signals_no_named_process() {
	scan_lab_up
	make_key "$T/key"
	local fp
	fp=$("$ZS_BIN/zsend" --dryrun -k "$T/key" -p 80 --metadata "$T/fp.json" </dev/null >/dev/null 2>&1; json "$T/fp.json" key_fingerprint)
	ip netns exec "$LAB_SCAN" setpriv --reuid nobody --regid nogroup --clear-groups sleep 600 &
	local victim=$!
	in_scan bash -c "python3 -c '
import json, os, select
st = os.fstat(1)
rec = {\"type\": \"start\", \"module\": \"tcp_syn\", \"interface\": \"zs0\", \"rate\": 10, \"probes\": 1,
       \"sport_first\": 40000, \"sport_count\": 1000, \"key_fingerprint\": \"$fp\",
       \"pid\": $victim, \"pipe_dev\": st.st_dev, \"pipe_ino\": st.st_ino, \"sources\": []}
print(json.dumps(rec), flush=True)
p = select.poll()
p.register(1, select.POLLERR)
p.poll(600000)' | '$ZS_BIN/zrecv' -q -k '$T/key' -c 0 --status-updates '$T/r.csv'" >/dev/null 2>"$T/err" &
	local scan=$!
	wait_armed "$T/r.csv" 120
	kill -TERM "$(pid_of "$ZS_BIN/zrecv" "$T/r.csv")"
	wait_until 60 sh -c "! pgrep -f '^$ZS_BIN/zrecv .*$T/r.csv' >/dev/null"
	kill -0 "$victim" 2>/dev/null || fail "the process the start record named was signalled"
	grep -q "zrecv: the scan is incomplete: zrecv stopped before zsend was done" "$T/err" || fail "zrecv: $(cat "$T/err")"
	kill "$victim"
	wait "$scan" || true
	wait "$victim" || true
}
