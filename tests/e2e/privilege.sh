# Least privilege: zsend and zrecv give up root (or their capabilities) once
# their sockets and capture are open, and still scan correctly.

# ids PID: "uid gid groups capeff nonewprivs" from /proc, e.g.
# "65534 65534 65534 0000000000000000 1"
ids() {
	awk '/^Uid:/ {u = $2 "/" $3 "/" $4 "/" $5} /^Gid:/ {g = $2 "/" $3 "/" $4 "/" $5}
	     /^Groups:/ {$1 = ""; gr = substr($0, 2)} /^CapEff:/ {c = $2} /^CapPrm:/ {p = $2}
	     /^NoNewPrivs:/ {n = $2} END {print u, g, "[" gr "]", c, p, n}' "/proc/$1/status"
}

# Runs a pipeline in the lab and records the ids of zsend and zrecv while
# they run, then the hosts found. Each writes its --status-updates only
# once it has given up its privileges (zsend's first row, header and all,
# comes a second into sending; zrecv's a second into its capture loop), and
# zsend's input is held open, both running, until the ids are read. $1: a
# tag for the files; rest: the command's extra flags for both tools.
scan_and_watch() { # TAG RUNNER FLAGS...
	local tag=$1 runner=$2
	shift 2
	rm -f "$T/$tag.go" "$T/$tag.zs.csv" "$T/$tag.zr.csv"
	in_scan $runner bash -c "{ '$ZBIN/zgen' -b '$T/link.block' -p 80 198.18.16.0/22;
		while [ ! -e '$T/$tag.go' ]; do sleep 0.05; done; } |
		'$ZBIN/zsend' -b /dev/null -q -r 300 --status-updates '$T/$tag.zs.csv' $* |
		'$ZBIN/zrecv' -q -c 1 --status-updates '$T/$tag.zr.csv' $* > '$T/$tag.csv'" 2>"$T/$tag.err" &
	local scan=$! zs zr
	zs=$(pid_of "$ZBIN/zsend" "$T/$tag.zs.csv")
	zr=$(pid_of "$ZBIN/zrecv" "$T/$tag.zr.csv")
	wait_until 60 has_update_row "$T/$tag.zs.csv"
	wait_armed "$T/$tag.zr.csv"
	ids "$zs" >"$T/$tag.zsend"
	ids "$zr" >"$T/$tag.zrecv"
	touch "$T/$tag.go"
	wait $scan || fail "$tag: the scan failed: $(cat "$T/$tag.err")"
	awk -F, 'NR > 1 && $11 == 1 {print $1}' "$T/$tag.csv" | sorted >"$T/$tag.found"
	cmp -s "$T/$tag.found" <(sorted "$LAB_DIR/live.txt") || fail "$tag: found != live"
}

test_privilege_root_becomes_nobody() {
	LAB_LIVE="198.18.16.0/22:20" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	ZBIN=$ZS_BIN
	local nobody
	nobody="$(id -u nobody)/$(id -u nobody)/$(id -u nobody)/$(id -u nobody) $(id -g nobody)/$(id -g nobody)/$(id -g nobody)/$(id -g nobody) [$(id -g nobody)] 0000000000000000 0000000000000000 1"
	scan_and_watch default ""
	expect_eq "zsend as root, by default" "$(cat "$T/default.zsend")" "$nobody"
	expect_eq "zrecv as root, by default" "$(cat "$T/default.zrecv")" "$nobody"
	expect_eq "handover files left" "$(handover_files)" ""
	scan_and_watch keep "" -Z root
	expect_eq "zsend -Z root" "$(cut -d' ' -f1 "$T/keep.zsend")" "0/0/0/0"
	expect_eq "zrecv -Z root" "$(cut -d' ' -f1 "$T/keep.zrecv")" "0/0/0/0"
	expect_error "-Z: no user 'nosuchuser'" "$ZS_BIN/zsend" -Z nosuchuser -q </dev/null
	expect_error "-Z: no user 'nosuchuser'" "$ZS_BIN/zrecv" -Z nosuchuser -q </dev/null
	echo "  as root: both run as $(cut -d' ' -f1-3 "$T/default.zsend") with no capability, and find every live host"
}

test_privilege_cap_net_raw_without_root() {
	LAB_LIVE="198.18.16.0/22:20" scan_lab_up
	echo 198.18.0.0/30 >"$T/link.block"
	chmod 644 "$T/link.block"
	# copies of the binaries with the one capability they need, where an
	# unprivileged user can run them
	ZBIN=$(mktemp -d /tmp/zscan-caps.XXXXXX)
	trap 'rm -rf "$ZBIN" "/tmp/zscan-$(id -u nobody)"; lab_down' EXIT
	cp "$ZS_BIN"/zgen "$ZS_BIN"/zsend "$ZS_BIN"/zrecv "$ZBIN"/
	chmod 755 "$ZBIN"
	setcap cap_net_raw+ep "$ZBIN/zsend"
	setcap cap_net_raw+ep "$ZBIN/zrecv"
	mkdir -p "$T/nobody"
	cp "$T/link.block" "$T/nobody/"
	chown nobody "$T/nobody"
	local saved_t=$T
	T=$T/nobody
	scan_and_watch caps "runuser -u nobody --"
	T=$saved_t
	local u
	u=$(id -u nobody)
	expect_eq "zsend with CAP_NET_RAW" "$(cut -d' ' -f1,4,5,6 "$T/nobody/caps.zsend")" "$u/$u/$u/$u 0000000000000000 0000000000000000 1"
	expect_eq "zrecv with CAP_NET_RAW" "$(cut -d' ' -f1,4,5,6 "$T/nobody/caps.zrecv")" "$u/$u/$u/$u 0000000000000000 0000000000000000 1"
	# and without the capability, one clear line
	setcap -r "$ZBIN/zsend"
	make_key "$ZBIN/key"
	chown nobody "$ZBIN/key"
	expect_error "socket.*(not permitted|CAP_NET_RAW)" in_scan runuser -u nobody -- "$ZBIN/zsend" -b /dev/null -q -k "$ZBIN/key" -G 02:00:00:00:00:01 </dev/null
}
