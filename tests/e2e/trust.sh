# Trust in the pipeline, tried as a new user and as a hostile local user
# would: the README's commands as written (with -i, without), routes and
# neighbours found like the kernel's, a handover that belongs to exactly
# one pipeline (several at once from one script, under timeout, setsid,
# nohup, nice, xargs -P and GNU parallel), nothing another local user can
# plant or read, signals from the first instant, and failures that are
# loud.

# zgen -b LINK ... | zsend ... | zrecv ... inside the scanner namespace,
# results to $T/OUT.csv; its found hosts checked against the lab's truth
# within PREFIX.
scan_matches_truth() { # OUT PREFIX PIPELINE-STRING
	local out=$1 prefix=$2
	in_scan bash -c "$3" >"$T/$out.csv" 2>"$T/$out.err" || fail "$out: $(cat "$T/$out.err")"
	awk -F, 'NR > 1 && $11 == 1 {print $1}' "$T/$out.csv" | sorted -u >"$T/$out.found"
	python3 -c 'import ipaddress, sys
net = ipaddress.ip_network(sys.argv[1])
print("\n".join(a for a in open(sys.argv[2]).read().split() if ipaddress.ip_address(a) in net))' \
		"$prefix" "$LAB_DIR/live.txt" | sorted >"$T/$out.want"
	[ -s "$T/$out.want" ] || fail "$out: no live host in $prefix to find"
	cmp -s "$T/$out.found" "$T/$out.want" ||
		fail "$out: found != live: $(comm -3 "$T/$out.found" "$T/$out.want" | head -3 | tr '\n' ' ')"
}

# The README's first pipeline, with -i on both sides as it is written, and
# with no flag at all: the gateway is found either way.
test_trust_readme_pipeline_with_and_without_i() {
	LAB_LIVE="198.18.16.0/24:30" scan_lab_up
	echo 198.18.0.0/30 >"$T/link"
	scan_matches_truth with_i 198.18.16.0/24 \
		"'$ZS_BIN/zgen' --header -b '$T/link' -p 80 198.18.16.0/24 | '$ZS_BIN/zsend' -q -b /dev/null -i zs0 | '$ZS_BIN/zrecv' -q -i zs0 -c 1"
	scan_matches_truth no_flags 198.18.16.0/24 \
		"'$ZS_BIN/zgen' --header -b '$T/link' -p 80 198.18.16.0/24 | '$ZS_BIN/zsend' -q -b /dev/null | '$ZS_BIN/zrecv' -q -c 1"
	expect_eq "handover files left" "$(handover_files)" ""
}

# With the neighbour table flushed, zsend solicits the gateway itself; a
# next hop that never answers is one line naming it, within its second,
# and nothing is sent.
test_trust_neighbour_resolved_or_named() {
	LAB_LIVE="198.18.16.0/24:30" scan_lab_up
	echo 198.18.0.0/30 >"$T/link"
	in_scan ip neigh flush dev zs0
	expect_eq "neighbours before" "$(in_scan ip neigh show dev zs0 | grep -c lladdr || true)" 0
	scan_matches_truth flushed 198.18.16.0/24 \
		"'$ZS_BIN/zgen' -b '$T/link' -p 80 198.18.16.0/24 | '$ZS_BIN/zsend' -q -b /dev/null | '$ZS_BIN/zrecv' -q -c 1"
	# a route whose gateway is on the sink's link, where nobody answers ARP
	in_scan ip addr add 198.18.250.1/24 dev zk0
	in_scan ip route add 198.18.40.0/24 via 198.18.250.9 dev zk0
	make_key "$T/key"
	start_capture "$LAB_SINK" zk1 "tcp"
	local start=$SECONDS took rc=0
	echo 198.18.40.5,80 | in_scan "$ZS_BIN/zsend" -q -b /dev/null -k "$T/key" >"$T/out" 2>"$T/err" || rc=$?
	took=$((SECONDS - start))
	stop_capture
	expect_eq "exit, no answer to ARP" "$rc" 2
	# the message states the wait (3000 ms); that zsend gives up at all is
	# what the time shows, with room for any machine
	grep -q "next hop 198.18.250.9 on zk0 did not answer ARP within 3000 ms: give its MAC with -G" "$T/err" ||
		grep -q "next hop 198.18.250.9 on zk0 is not resolved within 3000 ms: give its MAC with -G" "$T/err" ||
		fail "message: $(cat "$T/err")"
	expect_eq "lines on stderr" "$(wc -l <"$T/err")" 1
	[ "$took" -le 30 ] || fail "zsend took $took s to give up"
	expect_eq "probes sent" "$(tcpdump -r "$T/cap.pcap" -n 2>/dev/null | wc -l)" 0
}

# A scanner with two interfaces, the default route on zs0 and a route to
# 198.18.40.0/24 via a gateway on zk0 (the sink, given an address here):
# the targets' route decides, -i too, and -i toward targets it has no
# route to is one line naming both.
test_trust_two_interfaces_the_targets_route_decides() {
	LAB_LIVE="198.18.16.0/24:30" scan_lab_up
	in_scan ip addr add 198.18.250.1/24 dev zk0
	ip netns exec "$LAB_SINK" ip addr add 198.18.250.2/24 dev zk1
	in_scan ip route add 198.18.40.0/24 via 198.18.250.2 dev zk0
	make_key "$T/key"
	local mac
	mac=$(ip netns exec "$LAB_SINK" cat /sys/class/net/zk1/address)
	for via in "" "-i zk0"; do
		start_capture "$LAB_SINK" zk1 "tcp"
		# shellcheck disable=SC2086 # via is empty or two words
		printf '198.18.40.%d,80\n' 1 2 3 | in_scan "$ZS_BIN/zsend" -q -b /dev/null -k "$T/key" $via \
			--metadata "$T/m.json" >/dev/null 2>"$T/err" || fail "zsend $via: $(cat "$T/err")"
		stop_capture
		expect_eq "interface ($via)" "$(json "$T/m.json" interface)" zk0
		expect_eq "source ($via)" "$(json "$T/m.json" source_addresses)" 198.18.250.1
		expect_eq "frames to the gateway on zk0 ($via)" \
			"$(tcpdump -r "$T/cap.pcap" -e -n 2>/dev/null | grep -c "198.18.250.1.[0-9]* > 198.18.40.[123].80: Flags \[S\]")" 3
		tcpdump -r "$T/cap.pcap" -e -n 2>/dev/null | grep -q "> $mac" || fail "not sent to zk1's MAC"
	done
	# the lab's own targets, whose route is on zs0
	echo 198.18.16.7,80 | in_scan "$ZS_BIN/zsend" -q -b /dev/null -k "$T/key" --metadata "$T/m.json" \
		>/dev/null 2>"$T/err" || fail "zsend: $(cat "$T/err")"
	expect_eq "interface of the default route" "$(json "$T/m.json" interface)" zs0
	expect_eq "its source" "$(json "$T/m.json" source_addresses)" 198.18.0.1
	local rc=0
	echo 198.18.16.7,80 | in_scan "$ZS_BIN/zsend" -q -b /dev/null -k "$T/key" -i zk0 >/dev/null 2>"$T/err" || rc=$?
	expect_eq "exit, no route out of -i" "$rc" 2
	expect_eq "message" "$(cat "$T/err")" "zsend: no route to 198.18.16.7 out of zk0; or give the next hop's MAC with -G"
}

# Several pipelines at once, each seeing only its own answers: started by
# one script (one process group), under xargs -P, under GNU parallel, and
# with stages wrapped in timeout, setsid, nohup and nice. They scan the
# same targets at the same time, so each zrecv sees every other's answers
# and must refuse them.
test_trust_concurrent_pipelines_see_only_their_own() {
	LAB_LIVE="198.18.16.0/22:20" scan_lab_up
	echo 198.18.0.0/30 >"$T/link"
	local zg="'$ZS_BIN/zgen' -b '$T/link' -p 80" zs="'$ZS_BIN/zsend' -q -b /dev/null -r 3000" zr="'$ZS_BIN/zrecv' -q -c 1"
	cat >"$T/pipelines" <<EOF
$zg 198.18.16.0/22 | $zs | $zr > '$T/a.csv'
$zg 198.18.16.0/22 | timeout 60 $zs | setsid $zr > '$T/b.csv'
$zg 198.18.16.0/23 | nohup $zs 2>/dev/null | nice -n 5 $zr > '$T/c.csv'
EOF
	# one script, one process group, all three in the background
	in_scan bash -c "$(sed 's/$/ \&/' "$T/pipelines"; echo wait)" 2>"$T/err"
	check_own() { # NAME PREFIX
		awk -F, 'NR > 1 && $11 == 1 && $12 == 0 {print $1}' "$T/$1.csv" | sorted >"$T/$1.found"
		grep -c . "$T/$1.found" >/dev/null || fail "$1: no rows: $(cat "$T/err")"
		python3 -c 'import ipaddress, sys
net = ipaddress.ip_network(sys.argv[1])
print("\n".join(a for a in open(sys.argv[2]).read().split() if ipaddress.ip_address(a) in net))' \
			"$2" "$LAB_DIR/live.txt" | sorted >"$T/$1.want"
		cmp -s "$T/$1.found" "$T/$1.want" ||
			fail "$1: rows != its own live hosts ($(wc -l <"$T/$1.found") vs $(wc -l <"$T/$1.want"))"
	}
	check_own a 198.18.16.0/22
	check_own b 198.18.16.0/22
	check_own c 198.18.16.0/23
	# xargs -P 3: the same three, one shell each
	rm -f "$T"/[abc].csv
	tr '\n' '\0' <"$T/pipelines" | in_scan xargs -0 -P 3 -n 1 bash -c 2>"$T/err" ||
		fail "under xargs -P: $(cat "$T/err")"
	check_own a 198.18.16.0/22
	check_own b 198.18.16.0/22
	check_own c 198.18.16.0/23
	if command -v parallel >/dev/null; then
		rm -f "$T"/[abc].csv
		in_scan parallel --will-cite -j 3 <"$T/pipelines" 2>"$T/err" ||
			fail "under GNU parallel: $(cat "$T/err")"
		check_own a 198.18.16.0/22
		check_own b 198.18.16.0/22
		check_own c 198.18.16.0/23
	fi
	expect_eq "handover files left" "$(handover_files)" ""
}

# The live key of a root scan is made by root, mode 0600, in a directory
# only root can enter, and is gone the moment zsend has it: the user the
# tools become never can read it.
test_trust_live_key_is_root_only() {
	scan_lab_up
	# a zrecv whose zsend never comes: it makes the key and waits for it
	# to be taken, still root; its input stays open (zsend has not gone)
	# until the checks are done. Its key is the one of its own pipe (other
	# pipelines may run on the machine)
	rm -f "$T/go"
	in_scan bash -c "(while [ ! -e '$T/go' ]; do sleep 0.05; done) | '$ZS_BIN/zrecv' -q -c 0 --metadata '$T/r.json'" \
		>"$T/out" 2>"$T/err" &
	local zr=$! pid ino key=""
	pid=$(pid_of "$ZS_BIN/zrecv" "$T/r.json")
	ino=$(readlink "/proc/$pid/fd/0")
	[[ $ino == pipe:* ]] || fail "zrecv's input is not a pipe: $ino"
	ino=${ino//[^0-9]/}
	own_key() { key=$(ls -d /run/zscan/pipe-*-"$ino".key 2>/dev/null | head -1) && [ -n "$key" ]; }
	if ! poll_until 60 own_key; then
		touch "$T/go"
		fail "no key appeared: $(cat "$T/err")"
	fi
	expect_eq "directory" "$(stat -c '%U %a' /run/zscan)" "root 700"
	expect_eq "key file" "$(stat -c '%U %a' "$key")" "root 600"
	runuser -u nobody -- cat "$key" >/dev/null 2>&1 && fail "nobody can read the key"
	touch "$T/go"
	local rc=0
	wait $zr || rc=$?
	expect_eq "zrecv's exit when zsend never came" "$rc" 1
	grep -q "zsend ended before its start record" "$T/err" || fail "message: $(cat "$T/err")"
	expect_eq "its handover files left" "$(ls -d /run/zscan/pipe-*-"$ino".* 2>/dev/null || true)" ""
}

# Another local user plants what it can where the tools look: the handover
# directory of a user without XDG_RUNTIME_DIR in /tmp (as a directory of
# its own, a symbolic link, a file), and FIFOs, directories, links and
# other users' files given as key files. None is used or followed, none
# blocks, and the one line names what was found.
test_trust_planted_files_are_refused() {
	local victim=nobody attacker=daemon vu
	vu=$(id -u $victim)
	local dir=/tmp/zscan-$vu
	trap "rm -rf '$dir' /tmp/zscan-planted.$$" EXIT
	rm -rf "$dir"
	as_victim() { runuser -u $victim -- env -u XDG_RUNTIME_DIR "$@"; }
	# the victim's zrecv in a pipeline looks for the directory first
	victim_scan() { # what the victim sees
		as_victim timeout 20 bash -c "(sleep 1) | '$ZS_BIN/zrecv' -q -i lo -c 0" 2>&1 >/dev/null | head -1
	}
	local mode
	for mode in 777 700; do # open to all, or closed to the victim
		runuser -u $attacker -- mkdir -m $mode "$dir"
		expect_eq "a directory of another user, mode $mode" "$(victim_scan)" \
			"zrecv: $dir: owned by uid $(id -u $attacker), not by you (uid $vu): another user made it; remove it, or set XDG_RUNTIME_DIR"
		rmdir "$dir"
	done
	runuser -u $attacker -- ln -s /etc "$dir"
	expect_eq "a symbolic link" "$(victim_scan)" \
		"zrecv: $dir: a symbolic link: remove it (the key handover needs a directory of yours)"
	rm "$dir"
	runuser -u $attacker -- touch "$dir"
	expect_eq "a file" "$(victim_scan)" \
		"zrecv: $dir: not a directory: remove it (the key handover needs a directory of yours)"
	rm "$dir"
	as_victim mkdir -m 755 "$dir"
	expect_eq "the victim's own, too open" "$(victim_scan)" \
		"zrecv: $dir: mode 0755 lets others plant files there; chmod 700 it"
	rmdir "$dir"
	# key files: a FIFO is refused at once, never waited on
	mkdir -p "$T/nk"
	mkfifo -m 600 "$T/nk/fifo"
	# (a tool that opened it would wait for a writer until the timeout, and
	# give no such line)
	expect_error "$T/nk/fifo: a FIFO, not a key file" timeout 30 "$ZS_BIN/zsend" --dryrun -k "$T/nk/fifo"
	expect_error "$T/nk/fifo: a FIFO, not a key file" timeout 30 "$ZS_BIN/zrecv" -k "$T/nk/fifo" -r /dev/null
	mkdir -m 700 "$T/nk/dir"
	expect_error "$T/nk/dir: a directory, not a key file" "$ZS_BIN/zsend" --dryrun -k "$T/nk/dir"
	make_key "$T/nk/theirs"
	chown $attacker "$T/nk/theirs"
	expect_error "$T/nk/theirs: owned by uid $(id -u $attacker), not by you \(uid 0\) or root" \
		"$ZS_BIN/zsend" --dryrun -k "$T/nk/theirs"
	# a link is followed to a file that passes the checks, not past them
	ln -s theirs "$T/nk/link"
	expect_error "$T/nk/link: owned by uid $(id -u $attacker)" "$ZS_BIN/zsend" --dryrun -k "$T/nk/link"
	make_key "$T/nk/mine"
	echo 198.18.16.5,80 | "$ZS_BIN/zsend" --dryrun -q -b /dev/null -S 198.18.0.1 -k "$T/nk/mine" >/dev/null ||
		fail "a good key file was refused"
	# an output file in /tmp: a link or a file planted there is not
	# written through or into, a FIFO does not block
	local out=/tmp/zscan-planted.$$ precious=$T/nk/precious
	echo precious >"$precious"
	runuser -u $attacker -- ln -s "$precious" "$out"
	expect_error "$out: a symbolic link in a shared directory" "$ZS_BIN/zgen" -n 3 -o "$out"
	expect_error "$out: a symbolic link in a shared directory" "$ZS_BIN/zrecv" -q -k "$T/nk/mine" -r /dev/null -o "$out"
	rm "$out"
	runuser -u $attacker -- touch "$out"
	expect_error "$out: owned by uid $(id -u $attacker), in a shared directory: not written" \
		"$ZS_BIN/zgen" -n 3 -o "$out"
	rm "$out"
	runuser -u $attacker -- mkfifo -m 666 "$out"
	expect_error "$out: a FIFO that nobody reads, in a shared directory" timeout 30 "$ZS_BIN/zgen" -n 3 -o "$out"
	rm "$out"
	# as much in a directory anyone may write without the sticky bit,
	# where the kernel's protected_symlinks does not apply
	mkdir -m 0777 "$T/nk/open" && chmod 0777 "$T/nk/open"
	runuser -u $attacker -- ln -s "$precious" "$T/nk/open/out"
	expect_error "$T/nk/open/out: a symbolic link in a shared directory" "$ZS_BIN/zgen" -n 3 -o "$T/nk/open/out"
	expect_eq "the link's target" "$(cat "$precious")" precious
}

# The pipeline stopped with SIGINT to its process group at 0, 10, 30, 50
# and 100 ms and at random times, with the stages started in the
# foreground (SIGINT at its default) and in the background (SIGINT
# ignored, as a script's & leaves it), then resumed from what zsend said:
# every open pair is found across the parts, and every target is probed
# exactly once, counted on the net side.
test_trust_signals_from_the_first_instant() {
	LAB_LIVE="198.18.16.0/20:40" LAB_TCP_PORTS="80 443" scan_lab_up
	start_capture "$LAB_NET" zn0 "tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn"
	local trial=0 when mode summary=""
	local times="0 10 30 50 100 $((RANDOM % 300)) $((RANDOM % 300))"
	for mode in fg bg; do
		for when in $times; do
			one_trial $trial "$mode" "$when"
			trial=$((trial + 1))
		done
	done
	stop_capture
	grep -q "^0 packets dropped by kernel" "$T/tcpdump.err" || fail "the capture lost probes: $(cat "$T/tcpdump.err")"
	probes_in "$T/cap.pcap" >"$T/probes"
	for ((i = 0; i < trial; i++)); do
		grep "^198\.18\.$((16 + i))\." "$T/probes" >"$T/probes$i" || true
		"$ZS_BIN/zgen" -b /dev/null -e 7 -p 80,443 "198.18.$((16 + i)).0/24" | sorted >"$T/targets$i"
		cmp -s "$T/probes$i" "$T/targets$i" ||
			fail "trial $i ($(cat "$T/trial$i")): probes on the net != each target once: $(comm -3 "$T/probes$i" "$T/targets$i" | head -3 | tr '\n' ' ') ($(wc -l <"$T/probes$i") probes)"
		summary="$summary $(cat "$T/trial$i")"
	done
	echo "  every target once, every open pair found:$summary"
}

# One trial on 198.18.(16 + I).0/24: the pipeline, SIGINT at WHEN ms, the
# resume, and the open pairs found; writes "MODE@WHEN:N" to $T/trialI (N:
# the records part 1 did).
one_trial() { # I fg|bg WHEN
	local i=$1 mode=$2 when=$3 prefix="198.18.$((16 + $1)).0/24"
	local zg="'$ZS_BIN/zgen' --header -b /dev/null -e 7 -p 80,443 $prefix"
	local rest="'$ZS_BIN/zsend' -q -b /dev/null -r 600 --metadata '$T/s$i.json' | '$ZS_BIN/zrecv' -q -c 1"
	local wrap=""
	[ "$mode" = fg ] && wrap="env --default-signal=INT"
	# ip directly, not in_scan (a function: $! would be a subshell), so
	# that $! is setsid's process, and the pipeline's group
	# shellcheck disable=SC2086 # wrap is empty or two words
	ip netns exec "$LAB_SCAN" setsid $wrap bash -c "$zg | $rest" >"$T/p1_$i.csv" 2>"$T/p1_$i.err" &
	local pid=$! until=$((SECONDS + 2))
	[ "$when" -gt 0 ] && sleep "$(printf '%d.%03d' $((when / 1000)) $((when % 1000)))"
	# the group exists once setsid has run: try until it does
	until kill -INT -- "-$pid" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $until ] || fail "trial $i: no process group $pid"
	done
	wait $pid || true
	# where zsend says part 1 ended; no word (it never started): nothing
	local done=0
	if [ -s "$T/s$i.json" ]; then
		done=$(python3 -c 'import json, sys; m = json.load(open(sys.argv[1])); print(m.get("resume", m["consumed"]))' "$T/s$i.json")
	fi
	in_scan bash -c "$zg --resume $done | ${rest//s$i.json/t$i.json}" >"$T/p2_$i.csv" 2>"$T/p2_$i.err" ||
		fail "trial $i ($mode@$when ms): the resume failed: $(cat "$T/p2_$i.err")"
	awk -F, 'FNR > 1 && $11 == 1 {print $1 "," $3}' "$T/p1_$i.csv" "$T/p2_$i.csv" | sorted >"$T/found$i"
	grep "^198\.18\.$((16 + i))\." "$LAB_DIR/open_pairs.txt" | sorted >"$T/open$i" || true
	cmp -s "$T/found$i" "$T/open$i" ||
		fail "trial $i ($mode@$when ms, part 1 did $done): found != open pairs: $(comm -3 "$T/found$i" "$T/open$i" | head -3 | tr '\n' ' ')"
	echo "$mode@$when:$done" >"$T/trial$i"
}

# Failure is loud: a zsend that refuses to start makes the pipeline's last
# stage fail with one line; a scan that finds nothing still writes its
# header; a usage error leaves the files it names as they were.
test_trust_failure_is_loud() {
	LAB_LIVE="198.18.16.0/24:30" scan_lab_up
	local rc=0
	in_scan bash -c "echo 198.18.16.5,80 | '$ZS_BIN/zsend' -q -b /dev/null -M bogus | '$ZS_BIN/zrecv' -q -c 0" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "the pipeline's status without pipefail" "$rc" 1
	grep -q "^zrecv: zsend ended before its start record" "$T/err" || fail "zrecv: $(cat "$T/err")"
	# nothing to find (hosts of the live prefix that are not live: the
	# lab drops what is sent to them), with a cooldown, so that nothing
	# rests on an answer's speed: the header all the same
	python3 -c '
import ipaddress, sys
live = set(open(sys.argv[1]).read().split())
dead = [a for a in list(ipaddress.ip_network("198.18.16.0/24"))[1:] if str(a) not in live][:16]
print("\n".join("%s,81" % a for a in dead))' \
		"$LAB_DIR/live.txt" >"$T/dead"
	[ "$(wc -l <"$T/dead")" -eq 16 ] || fail "too few addresses that are not live"
	in_scan bash -c "'$ZS_BIN/zsend' -q -b /dev/null <'$T/dead' | '$ZS_BIN/zrecv' -q -c 1" >"$T/none.csv" ||
		fail "a scan that found nothing failed"
	expect_eq "header only" "$(cat "$T/none.csv")" "$("$ZS_BIN/zrecv" --list-fields | awk '$2 == "*" {printf "%s%s", s, $1; s = ","}')"
	# a usage error truncates nothing
	for f in out meta upd; do echo keep >"$T/$f.old"; done
	rc=0
	"$ZS_BIN/zrecv" -q -i nosuch0 -k "$T/nokey" -o "$T/out.old" --metadata "$T/meta.old" \
		--status-updates "$T/upd.old" </dev/null 2>/dev/null || rc=$?
	expect_eq "zrecv usage error" "$rc" 2
	make_key "$T/key"
	rc=0
	"$ZS_BIN/zrecv" -q -i nosuch0 -k "$T/key" -o "$T/new.csv" --metadata "$T/meta.old" \
		--status-updates "$T/upd.old" </dev/null 2>"$T/err" || rc=$?
	expect_eq "zrecv, capture on a missing interface" "$rc" 2
	[ ! -e "$T/new.csv" ] || fail "a file made for a usage error stays"
	rc=0
	echo 198.18.16.5,80 | in_scan "$ZS_BIN/zsend" -q -k "$T/key" -M bogus --metadata "$T/meta.old" \
		--status-updates "$T/upd.old" >/dev/null 2>&1 || rc=$?
	expect_eq "zsend usage error" "$rc" 2
	rc=0
	echo 198.18.16.5,80 | in_scan "$ZS_BIN/zsend" -q -k "$T/key" -i zs9 --metadata "$T/meta.old" \
		--status-updates "$T/upd.old" >/dev/null 2>&1 || rc=$?
	expect_eq "zsend, a missing interface" "$rc" 2
	for f in out meta upd; do expect_eq "$f untouched" "$(cat "$T/$f.old")" keep; done
	"$ZS_BIN/zgen" -n 3 -p 70000 -o "$T/out.old" 2>/dev/null && fail "zgen took -p 70000"
	expect_eq "zgen -o untouched" "$(cat "$T/out.old")" keep
}

# Without -T, zsend starts a sender for each CPU, up to 4 (as ZMap 4).
test_trust_default_sender_threads() {
	scan_lab_up
	local want
	# the CPUs online, as zsend counts them (sysconf), not nproc's, which
	# are only those this process may run on (taskset)
	want=$(getconf _NPROCESSORS_ONLN)
	[ "$want" -le 4 ] || want=4
	make_key "$T/key"
	# into the lab's sink, which drops every frame
	echo 198.18.16.5,80 | in_scan "$ZS_BIN/zsend" -q -b /dev/null -k "$T/key" -i zk0 -G 02:00:00:00:00:01 \
		-S 198.18.0.1 --metadata "$T/m.json" >/dev/null 2>"$T/err" || fail "zsend: $(cat "$T/err")"
	expect_eq "threads" "$(json "$T/m.json" threads)" "$want"
}

