# Bad input for every tool, as one table: what the user gave, the exit
# status, and the first line on stderr. Every line on stderr must start with
# "TOOL: ". A usage error (2) writes nothing on stdout; bad input lines (1)
# are each named as stdin:LINE, skipped and counted, and the good lines
# still come out whole (OUT: how many lines stdout must have, - for any).
#
# TOOL | EXIT | OUT | STDIN (printf format) | STDERR (grep -E, first line) | ARGS
# $K is a good key file, $T the test's directory.
bad_input_table() {
	cat <<'TABLE'
zgen|2|0||unknown option '--bogus' \(see --help\)|--bogus
zgen|2|0||option '-p' needs a value|-p
zgen|2|0||'1\.2\.3\.4/33': bad prefix length|1.2.3.4/33
zgen|2|0||'300\.1\.1\.1': not an IPv4 address|300.1.1.1
zgen|2|0||'': not an IPv4 address or CIDR|''
zgen|2|0||-p: '70000'|-p 70000
zgen|2|0||-p: '80-'|-p 80-
zgen|2|0||-n: '1\.5%x' is not a positive count or a percentage|-n 1.5%x
zgen|2|0||-n: '0'|-n 0
zgen|2|0||-T: '100000' is out of range 1-256|-T 100000
zgen|2|0||--seed: 'abc'|-e abc
zgen|2|0||--shards: '0' is out of range|-e 1 --shards 0
zgen|2|0||--shard 3 must be below --shards 3|-e 1 --shards 3 --shard 3
zgen|2|0||--shards needs --seed|--shards 2 --shard 1
zgen|2|0||--resume needs the --seed|--resume 5
zgen|2|0||--resume: 'x' is not a non-negative integer|-e 1 --resume x
zgen|2|0||/nonexistent/list: No such file|-b /nonexistent/list
zgen|2|0||badlist:2: .*'5\.6\.7\.8/40'|-b $T/badlist
zgen|2|0||no address is allowed|-b $T/all 5.6.7.8
zgen|2|0||/nonexistent/out: No such file|-o /nonexistent/out 1.2.3.0/30
zblacklist|2|0||unknown option '--bogus'|--bogus
zblacklist|2|0||'1\.2\.3\.4/33'|--count 1.2.3.4/33
zblacklist|2|0||/nonexistent: No such file|-w /nonexistent
zblacklist|2|0||exclude each other|--count --cidrs
zblacklist|1|2|1.2.3.4\nnot-an-address\n5.6.7.8/40\n9.9.9.9\n|stdin:2: .*'not-an-address'|-b /dev/null
zsend|2|0||unknown option '-x'|-x
zsend|2|0||option '-k' needs a value|-k
zsend|2|0||-p: '70000' is out of range 0-65535|--dryrun -k $K -p 70000
zsend|2|0||-P: '0' is out of range 1-255|--dryrun -k $K -P 0
zsend|2|0||-r: 'abc' is not a non-negative integer|--dryrun -k $K -r abc
zsend|2|0||-r and -B exclude each other|--dryrun -k $K -r 5 -B 1M
zsend|2|0||-B: '0' is not a bandwidth like 100M|--dryrun -k $K -B 0
zsend|2|0||-s: '100-50' is not a port or a port range|--dryrun -k $K -s 100-50
zsend|2|0||-S: '1\.2\.3' is not an address or a range|--dryrun -k $K -S 1.2.3
zsend|2|0||-T: '0' is out of range 1-64|--dryrun -k $K -T 0
zsend|2|0||-M: no probe module 'udpx'|-M udpx
zsend|2|0||-M udp needs --probe-args|--dryrun -k $K -M udp
zsend|2|0||--probe-args hex: 'z' at column 1 is not a hex digit|--dryrun -k $K -M udp --probe-args hex:zz
zsend|2|0||-G: 'zz' is not a MAC|-G zz
zsend|2|0||/nonexistent/m: No such file|--dryrun -k $K --metadata /nonexistent/m
zsend|2|0||/nonexistent: No such file|-k /nonexistent
zsend|2|0||mode 0644 lets group or others read the key|-k $T/openkey
zsend|2|0||want one line of 32 to 128 hex digits|-k $T/shortkey
zsend|2|0||-Z: no user 'nosuchuser'|-Z nosuchuser -k $K
zsend|1|-|1.2.3.4\nnot-an-address\n1.2.3.5,99999\n# a comment\n1.2.3.6|stdin:2: .*'not-an-address'|--dryrun -k $K -p 80 -S 10.0.0.1 -G 02:00:00:00:00:01
zsend|1|-|1.2.3.4,80,anything\n1.2.3.5|stdin:2: no port on the line and no -p|--dryrun -k $K -S 10.0.0.1 -G 02:00:00:00:00:01
zrecv|2|0||unknown option '--bogus'|--bogus
zrecv|2|0||-c: '-1' is not a non-negative integer|-c -1 -k $K
zrecv|2|0||-t: 'x' is not a non-negative integer|-t x -k $K
zrecv|2|0||-P: '0' is out of range 1-255|-P 0 -k $K
zrecv|2|0||-s: '0' is not a port or a port range|-s 0 -k $K
zrecv|2|0||-M: no probe module 'nosuch'|-M nosuch
zrecv|2|0||-O: 'xml' is not csv or json|-O xml
zrecv|2|0||-f: no field 'bogus' in any module|-f saddr,bogus
zrecv|2|0||-f: no field 'window' in module icmp_echo|-M icmp_echo -f window
zrecv|2|0||/nonexistent.pcap|-k $K -r /nonexistent.pcap
zrecv|2|0||-r FILE needs the scan's key|-r $T/badlist
zrecv|2|0||/nonexistent/o: No such file|-o /nonexistent/o -k $K -r /dev/null
zrecv|2|0||capture on nosuch0|-q -k $K -i nosuch0 -t 1
zrecv|2|0||-Z: no user 'nosuchuser'|-Z nosuchuser -k $K
zfilter|2|0||unknown option '-x'|-x
zfilter|2|0||option '-f' needs a value|-f
zfilter|2|0||unexpected argument 'bogus': results come on stdin|bogus
zfilter|2|0||-u: at most 8 fields|-u a,b,c,d,e,f,g,h,i
zfilter|2|0||-O: 'xml' is not text, csv, json, zgrab2 or lzr|-O xml
zfilter|2|0||-a and --where exclude each other|-a --where 'ttl > 3'
zfilter|2|0|saddr,success\n1.2.3.4,1\n|--where: position 3: expected a field name|--where '(('
zfilter|2|0|saddr,success\n1.2.3.4,1\n|--where: no column 'ttl' in the input|--where 'ttl > 3'
zfilter|2|0|saddr,x\n1.2.3.4,1\n|no column 'success'|
zfilter|1|2|saddr,success\n1.2.3.4,1\n1.2.3.5\n1.2.3.6,1\n|stdin:3: wrong number of fields|
zfilter|1|1|saddr,success\nnot-an-address,1\n1.2.3.6,1\n|stdin:2: saddr is not an IP address|
zfilter|1|1|{"saddr":"1.2.3.4","success":1}\n{"saddr":"1.2.3.5"\n|stdin:2: not a JSON object \(it ends too soon\)|
zfilter|1|1|{"saddr":"1.2.3.4","success":1}\n{"saddr":"1.2.3.5","success":1,"x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}\n|stdin:2: field 'x' nests arrays or objects deeper than 32 levels|
zfilter|1|1|{"saddr":"1.2.3.4","success":1}\n{"success":1}\n|stdin:2: missing field 'saddr'|
zfilter|1|2|{"saddr":"1.2.3.4","success":1}\n{"saddr":"1.2.3.5","success":1,"x":1}\n|stdin:2: field 'x' is not among the columns, which the first line named|-a -f '*' -O csv
zfilter|1|2|{"saddr":"1.2.3.4","success":1}\n{"saddr":null,"success":1}\n|stdin:2: field 'saddr' is null, which CSV cannot tell from an empty value|-a -f '*' -O csv
zfilter|1|1|saddr,note,success\n1.2.3.4,a"b,1\n1.2.3.5,"a""b",1\n|stdin:2: a double quote in field 2, which is not quoted|-a -f saddr
TABLE
}

test_bad_input_table() {
	local K=$T/key
	make_key "$K"
	make_key "$T/openkey"
	chmod 644 "$T/openkey"
	echo abcd >"$T/shortkey"
	chmod 600 "$T/shortkey"
	printf '1.2.3.0/24\n5.6.7.8/40\n' >"$T/badlist"
	echo 0.0.0.0/0 >"$T/all"
	local n=0 tool code out input pattern args
	while IFS='|' read -r tool code out input pattern args; do
		n=$((n + 1))
		eval "set -- $args"
		local rc=0
		# shellcheck disable=SC2059
		printf "$input" | "$ZS_BIN/$tool" "$@" >"$T/out" 2>"$T/err" || rc=$?
		local what="$tool $args"
		expect_eq "$what: exit" "$rc" "$code"
		[ -s "$T/err" ] || fail "$what: nothing on stderr"
		head -1 "$T/err" | grep -Eq -- "$pattern" || fail "$what: stderr '$(head -1 "$T/err")' lacks /$pattern/"
		grep -v "^$tool: " "$T/err" && fail "$what: a stderr line without '$tool: '"
		[ "$code" != 2 ] || [ "$(wc -l <"$T/err")" -eq 1 ] || fail "$what: a usage error in more than one line: $(cat "$T/err")"
		[ "$out" = - ] || expect_eq "$what: lines on stdout" "$(wc -l <"$T/out")" "$out"
		[ ! -s "$T/out" ] || [ -z "$(tail -c1 "$T/out")" ] || fail "$what: stdout ends in a torn line"
		echo "  $(head -1 "$T/err")  [exit $rc]"
	done < <(bad_input_table)
	echo "  $n cases"
}
