# Results into a database: zrecv --schema and zrecv/zscan-db load lab scans
# into SQLite (the sqlite3 CLI) and a throwaway PostgreSQL cluster, and the
# rows, their typed values, the DNS records as JSON and the outage query of
# README ("Results in a database") come back as the CSV says.

source tests/servers.sh

ZSCAN_DB=$PWD/zrecv/zscan-db
PG_BIN=/usr/lib/postgresql/15/bin

# A PostgreSQL cluster of its own, run as nobody (initdb refuses root),
# listening on a Unix socket only, stopped on exit; PG is the conninfo.
pg_up() {
	PG_DIR=$(mktemp -d /tmp/zs-pg.XXXXXX)
	chown nobody "$PG_DIR"
	runuser -u nobody -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U zscan --auth=trust -E UTF8 \
		--no-sync >"$T/initdb.log" 2>&1 || fail "initdb: $(tail -3 "$T/initdb.log")"
	# shellcheck disable=SC2119
	pg_trap
	runuser -u nobody -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -l "$PG_DIR/log" \
		-o "-c listen_addresses='' -c unix_socket_directories='$PG_DIR' -c fsync=off" start \
		>"$T/pg_ctl.log" 2>&1 || fail "pg_ctl start: $(cat "$T/pg_ctl.log" "$PG_DIR/log" | tail -5)"
	PG="host=$PG_DIR user=zscan dbname=postgres"
}

pg_down() {
	[ -n "${PG_DIR:-}" ] || return 0
	runuser -u nobody -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$PG_DIR"
}

# pg_down before whatever the EXIT trap does already (the lab's teardown).
pg_trap() {
	local cur
	cur=$(trap -p EXIT)
	if [ -n "$cur" ]; then
		eval "set -- $cur"
		# shellcheck disable=SC2064
		trap "pg_down; $3" EXIT
	else
		trap pg_down EXIT
	fi
}

pg() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$PG" -F , "$@"; }
lite() { sqlite3 -bail -csv "$T/scans.db" "$@"; }

# load DB TARGET CSV META: zscan-db's one command; prints the scan id
load() {
	ZRECV=$ZS_BIN/zrecv "$ZSCAN_DB" "$@" 2>"$T/load.err" || fail "zscan-db $1: $(cat "$T/load.err")"
}

modules() { "$ZS_BIN/zsend" --list-modules | awk '/^[a-z]/ {print $1}'; }

test_database_schema_types_and_refusals() {
	local s
	s=$("$ZS_BIN/zrecv" --schema sqlite -M dns -f saddr,success,dns_answers,timestamp_str)
	grep -q '"dns_answers" TEXT CHECK ("dns_answers" IS NULL OR json_valid("dns_answers"))' <<<"$s" ||
		fail "sqlite list column: $s"
	s=$("$ZS_BIN/zrecv" --schema postgres -M tcp_syn -f saddr,window,success,timestamp_str)
	for want in '"saddr" inet' '"window" bigint' '"success" boolean' '"timestamp_str" timestamptz' \
		'scan_id bigint NOT NULL REFERENCES scans (id)' 'seed numeric(20)'; do
		grep -qF "$want" <<<"$s" || fail "postgres schema lacks '$want': $s"
	done
	# SQLite takes every module's tables, all fields (PostgreSQL: below)
	local m
	for m in $(modules); do
		"$ZS_BIN/zrecv" --schema sqlite -M "$m" -f '*' | sqlite3 -bail "$T/all.db" ||
			fail "sqlite refuses $m's tables"
	done
	expect_eq "sqlite tables" "$(sqlite3 "$T/all.db" "SELECT count(*) FROM sqlite_master WHERE type = 'table'")" \
		$(($(modules | wc -l) + 1))
	expect_error "--schema: 'mysql' is not sqlite or postgres" "$ZS_BIN/zrecv" --schema mysql
	expect_error "no field 'nope'|nope" "$ZS_BIN/zrecv" --schema sqlite -f saddr,nope
	expect_error "^usage: zscan-db" "$ZSCAN_DB" mysql a b c
	expect_error "^usage: zscan-db" "$ZSCAN_DB" sqlite a b
	echo '{"tool":"zrecv"}' >"$T/m.json"
	echo 'saddr' >"$T/r.csv"
	expect_error "^zscan-db: .*/m.json: no module" "$ZSCAN_DB" sqlite "$T/x.db" "$T/r.csv" "$T/m.json"
	[ ! -e "$T/x.db" ] || fail "zscan-db made a database it could not fill"
	# file names are data: one that sqlite3's .import would run as a
	# command ('|...'), one that head and sed would take as an option, one
	# with a quote; a load that fails leaves no scan row behind
	mkdir "$T/names"
	printf 'saddr,success\n198.18.0.9,1\n' >"$T/names/r.csv"
	sed 's/}$/,"module":"tcp_syn"}/' <<<'{"tool":"zrecv"}' >"$T/names/m.json"
	local name
	for name in "|touch PWNED;cat r.csv" "-n5.csv" "it's.csv"; do
		cp "$T/names/r.csv" "$T/names/$name"
		(cd "$T/names" && ZRECV=$ZS_BIN/zrecv "$ZSCAN_DB" sqlite n.db "$name" m.json >/dev/null) ||
			fail "zscan-db on '$name'"
	done
	[ ! -e "$T/names/PWNED" ] || fail "a file name ran as a command"
	expect_eq "loads, by name" "$(sqlite3 "$T/names/n.db" "SELECT count(*) FROM scans")" 3
	printf 'saddr,nosuch\n198.18.0.9,1\n' >"$T/names/bad.csv"
	(cd "$T/names" && ZRECV=$ZS_BIN/zrecv "$ZSCAN_DB" sqlite n.db bad.csv m.json >/dev/null 2>&1) &&
		fail "a load into no such column succeeded"
	expect_eq "a failed load leaves no scan row" "$(sqlite3 "$T/names/n.db" "SELECT count(*) FROM scans")" 3

	# no server there: psql's own status 2 is zscan-db's 1 (not loaded)
	echo '{"tool":"zrecv","module":"tcp_syn"}' >"$T/m2.json"
	local rc=0
	ZRECV=$ZS_BIN/zrecv "$ZSCAN_DB" postgres "host=$T/no-server dbname=x" "$T/r.csv" "$T/m2.json" \
		>"$T/pg.out" 2>"$T/pg.err" || rc=$?
	expect_eq "zscan-db postgres, no server: exit" "$rc" 1
	grep -q "no-server" "$T/pg.err" || fail "psql's message: $(cat "$T/pg.err")"
}

test_database_tcp_syn_scans_and_the_outage_query() {
	LAB_LIVE="198.18.16.0/26:50" scan_lab_up
	pg_up
	local r=$T/rows
	# scan 1, then 4 live hosts go down and 3 others come up, then scan 2
	ZRECV_ARGS="-f '*' --metadata $T/m1.json" pipeline -p 80 198.18.16.0/26 >"$T/s1.csv"
	sorted "$LAB_DIR/live.txt" | head -4 >"$T/gone"
	python3 - "$LAB_DIR/live.txt" <<'PY' | head -3 >"$T/new"
import ipaddress, sys
live = set(l.strip() for l in open(sys.argv[1]))
for a in ipaddress.ip_network("198.18.16.0/26").hosts():
    if str(a) not in live:
        print(a)
PY
	in_net nft delete element ip lab live "{ $(paste -sd, "$T/gone") }"
	in_net nft add element ip lab live "{ $(paste -sd, "$T/new") }"
	ZRECV_ARGS="-f '*' --metadata $T/m2.json" pipeline -p 80 198.18.16.0/26 >"$T/s2.csv"
	local n1 n2
	n1=$(($(wc -l <"$T/s1.csv") - 1))
	n2=$(($(wc -l <"$T/s2.csv") - 1))
	expect_eq "scan 1 finds the live hosts" "$n1" "$(wc -l <"$LAB_DIR/live.txt")"
	expect_eq "scan 2 rows" "$n2" $((n1 - 4 + 3))

	local id1 id2 p1 p2
	id1=$(load sqlite "$T/scans.db" "$T/s1.csv" "$T/m1.json")
	id2=$(load sqlite "$T/scans.db" "$T/s2.csv" "$T/m2.json")
	p1=$(load postgres "$PG" "$T/s1.csv" "$T/m1.json")
	p2=$(load postgres "$PG" "$T/s2.csv" "$T/m2.json")
	expect_eq "sqlite ids" "$id1 $id2" "1 2"
	expect_eq "postgres ids" "$p1 $p2" "1 2"
	echo "  loaded $n1 and $n2 rows into both"

	# the scans rows: the metadata's counts
	expect_eq "sqlite scans" "$(lite "SELECT module, sent, hits, complete FROM scans WHERE id = 1")" \
		"tcp_syn,$(json "$T/m1.json" probes_sent),$(json "$T/m1.json" targets_up),1"
	expect_eq "postgres scans" "$(pg -c "SELECT module, sent, hits, complete, targets FROM scans WHERE id = 2")" \
		"tcp_syn,$(json "$T/m2.json" probes_sent),$(json "$T/m2.json" targets_up),t,64"

	# the same rows, the same typed values
	local cols="saddr,sport,seqnum,acknum,window,ttl,ipid,success,repeat,timestamp_ts,timestamp_us"
	csv_cols "$T/s1.csv" ${cols//,/ } | sorted >"$r.csv"
	lite "SELECT $cols FROM results_tcp_syn WHERE scan_id = 1" | sorted >"$r.lite"
	pg -c "SELECT host(saddr), sport, seqnum, acknum, \"window\", ttl, ipid, success::int,
		repeat::int, timestamp_ts, timestamp_us FROM results_tcp_syn WHERE scan_id = 1" | sorted >"$r.pg"
	cmp -s "$r.csv" "$r.lite" || fail "sqlite rows differ: $(diff "$r.csv" "$r.lite" | head -4)"
	cmp -s "$r.csv" "$r.pg" || fail "postgres rows differ: $(diff "$r.csv" "$r.pg" | head -4)"
	expect_eq "sqlite types" "$(lite "SELECT DISTINCT typeof(seqnum), typeof(success), typeof(saddr), typeof(icmp_responder) FROM results_tcp_syn")" \
		"integer,integer,text,null"
	# times: the capture time as the database reads it
	expect_eq "postgres time = timestamp_ts" \
		"$(pg -c "SELECT count(*) FROM results_tcp_syn WHERE floor(extract(epoch FROM timestamp_str)) <> timestamp_ts")" 0
	expect_eq "postgres inet" "$(pg -c "SELECT count(*) FROM results_tcp_syn WHERE scan_id = 1 AND saddr << '198.18.16.0/26'")" "$n1"

	# the outage study, as README gives it
	local q="SELECT saddr, CASE min(scan_id) WHEN 1 THEN 'gone' ELSE 'new' END AS change
FROM results_tcp_syn WHERE success AND NOT repeat AND scan_id IN (1, 2)
GROUP BY saddr HAVING count(DISTINCT scan_id) = 1"
	{ sed 's/$/,gone/' "$T/gone"; sed 's/$/,new/' "$T/new"; } | sorted >"$r.want"
	lite "$q" | sorted >"$r.lite"
	pg -c "SELECT host(saddr), change FROM ($q) AS o" | sorted >"$r.pg"
	cmp -s "$r.want" "$r.lite" || fail "sqlite outage: $(diff "$r.want" "$r.lite" | head -6)"
	cmp -s "$r.want" "$r.pg" || fail "postgres outage: $(diff "$r.want" "$r.pg" | head -6)"
	echo "  outage query: $(grep -c gone "$r.want") gone, $(grep -c new "$r.want") new in both"

	# a seed of zgen's full 64 bits is kept exactly (a third scan row)
	local big=18446744073709551557
	sed "s/}\$/,\"seed\":$big,\"shards\":1,\"shard\":0}/" "$T/m1.json" >"$T/m3.json"
	load sqlite "$T/scans.db" "$T/s1.csv" "$T/m3.json" >/dev/null
	load postgres "$PG" "$T/s1.csv" "$T/m3.json" >/dev/null
	expect_eq "sqlite seed" "$(lite "SELECT seed, shards FROM scans WHERE id = 3")" "$big,1"
	expect_eq "postgres seed" "$(pg -c "SELECT seed, shards FROM scans WHERE id = 3")" "$big,1"
}

test_database_dns_records_as_json() {
	LAB_LIVE="198.18.53.0/29" scan_lab_up
	local srv="198.18.53.1 198.18.53.2"
	server_up dns "$LAB_NET" $srv
	pg_up
	local rec=$SERVERS_DIR/dns.records args n
	args=$(awk '{print $2 "," $1}' "$rec" | sort -u | paste -sd';')
	n=$(awk '{print $2 "," $1}' "$rec" | sort -u | wc -l)
	awk '{print $1 ",53"}' "$LAB_DIR/live.txt" >"$T/targets"
	in_scan bash -c "'$ZS_BIN/zsend' -q -b /dev/null -M dns --probe-args '$args' -P $n -r 200 <'$T/targets' |
		'$ZS_BIN/zrecv' -q -c 3 -f '*' --metadata '$T/m.json'" >"$T/dns.csv" 2>"$T/err" ||
		fail "scan: $(cat "$T/err")"
	local rows mx
	rows=$(($(wc -l <"$T/dns.csv") - 1))
	mx=$(python3 - "$T/dns.csv" <<'PY'
import csv, json, sys
print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if r["dns_answers"]
          for a in json.loads(r["dns_answers"]) if a["type"] == "MX"))
PY
)
	[ "$mx" -gt 0 ] || fail "no MX answers in the scan"
	# PostgreSQL takes every module's tables, all fields
	local m
	for m in $(modules); do
		"$ZS_BIN/zrecv" --schema postgres -M "$m" -f '*' | pg -f - >/dev/null ||
			fail "postgres refuses $m's tables"
	done
	load sqlite "$T/scans.db" "$T/dns.csv" "$T/m.json" >/dev/null
	load postgres "$PG" "$T/dns.csv" "$T/m.json" >/dev/null
	expect_eq "sqlite rows" "$(lite "SELECT count(*) FROM results_dns")" "$rows"
	expect_eq "postgres rows" "$(pg -c "SELECT count(*) FROM results_dns")" "$rows"
	expect_eq "sqlite MX answers" \
		"$(lite "SELECT count(*) FROM results_dns, json_each(dns_answers) AS a WHERE a.value ->> 'type' = 'MX'")" "$mx"
	expect_eq "postgres MX answers" \
		"$(pg -c "SELECT count(*) FROM results_dns, jsonb_array_elements(dns_answers) AS a WHERE a ->> 'type' = 'MX'")" "$mx"
	# the MX records themselves, as dnsmasq serves them
	awk '$2 == "MX" {$2 = ""; sub(/^[^ ]* +/, ""); print}' "$rec" | sorted -u >"$T/mx.want"
	lite "SELECT DISTINCT a.value ->> 'rdata' FROM results_dns, json_each(dns_answers) AS a WHERE a.value ->> 'type' = 'MX'" |
		tr -d '"' | sorted >"$T/mx.lite"
	pg -c "SELECT DISTINCT a ->> 'rdata' FROM results_dns, jsonb_array_elements(dns_answers) AS a WHERE a ->> 'type' = 'MX'" |
		sorted >"$T/mx.pg"
	cmp -s "$T/mx.want" "$T/mx.lite" || fail "sqlite MX rdata: $(diff "$T/mx.want" "$T/mx.lite" | head -4)"
	cmp -s "$T/mx.want" "$T/mx.pg" || fail "postgres MX rdata: $(diff "$T/mx.want" "$T/mx.pg" | head -4)"
	# typed columns: success, rcode, the counts
	local cols="saddr,success,dns_rcode,dns_ancount,dns_aa"
	csv_cols "$T/dns.csv" ${cols//,/ } | sorted >"$T/c.csv"
	lite "SELECT saddr, success, dns_rcode, dns_ancount, dns_aa FROM results_dns" | sorted >"$T/c.lite"
	pg -c "SELECT host(saddr), success::int, dns_rcode, dns_ancount, dns_aa::int FROM results_dns" | sorted >"$T/c.pg"
	cmp -s "$T/c.csv" "$T/c.lite" || fail "sqlite dns columns: $(diff "$T/c.csv" "$T/c.lite" | head -4)"
	cmp -s "$T/c.csv" "$T/c.pg" || fail "postgres dns columns: $(diff "$T/c.csv" "$T/c.pg" | head -4)"
	echo "  $rows rows, $mx MX answers, queried as JSON in both"
}
