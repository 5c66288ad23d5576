# The Kubernetes recipe (recipes/kubernetes), checked as far as it can be
# without a cluster: every field of the manifests against the API's own
# types (tests/tools/k8s_manifest.py), and the pods' command, taken from
# the manifest, run for each completion index in the lab's scanner
# namespace as the kubelet would run it there: the manifest's environment
# plus JOB_COMPLETION_INDEX, its user and groups, only the capabilities it
# adds, no_new_privs as it says, the root file system read-only, /tmp a
# fresh emptyDir, and an image whose zsend and zrecv hold their capability
# as file capabilities.

K8S_CHECK=tests/tools/k8s_manifest.py
K8S_JOB=recipes/kubernetes/zscan-indexed-job.yaml
K8S_MERGE=recipes/kubernetes/zscan-merge-job.yaml

# The image: the tools on PATH, zsend and zrecv with cap_net_raw as file
# capabilities (copies: the build's own files stay as they are).
k8s_image() {
	mkdir -p "$T/img/bin"
	cp "$ZS_BIN/zsend" "$ZS_BIN/zrecv" "$T/img/bin/"
	setcap cap_net_raw+ep "$T/img/bin/zsend"
	setcap cap_net_raw+ep "$T/img/bin/zrecv"
	ln -sf "$ZS_BIN/zgen" "$ZS_BIN/zfilter" "$PWD/zrecv/zscan-merge" "$T/img/bin/"
	# the lab's targets, in place of the manifest's placeholders (what a
	# user sets there); everything else is the manifest's. The
	# scanner-net link is no target: its net side answers too.
	echo 198.18.0.0/30 >"$T/link.block"
	K8S_TARGETS="-b $T/link.block -p 80,443 198.18.0.0/20 2001:2:0:10::/120"
	# the results volume as the kubelet gives it with fsGroup: group
	# owned, group writable, setgid
	mkdir -p "$T/vol"
	chgrp 65534 "$T/vol"
	chmod 2775 "$T/vol"
}

# k8s_run FILE JOB INDEX [VAR=VALUE...]: JOB's container, as its pod
# INDEX, in the scanner namespace; more VAR=VALUE after the manifest's
# env. Runs in the foreground, with the pipeline's exit status. With
# K8S_PID1=1, in a pid namespace of its own, where the container's command
# is PID 1, as in a pod.
k8s_run() {
	local file=$1 job=$2 index=$3
	shift 3
	local K8S_CMD K8S_ENV K8S_MOUNTS K8S_CAPS_ADD K8S_CAPS_DROP K8S_UID K8S_GID K8S_FSGROUP \
		K8S_NO_NEW_PRIVS K8S_READONLY_ROOT K8S_COMPLETIONS K8S_INDEXED K8S_HOST_NETWORK K8S_NON_ROOT
	eval "$(/usr/bin/python3 "$K8S_CHECK" pod "$file" "$job")"
	expect_eq "$job: capabilities dropped" "${K8S_CAPS_DROP[*]}" ALL
	local bounding=-all cap groups=(--clear-groups)
	for cap in "${K8S_CAPS_ADD[@]}"; do
		bounding+=",+${cap,,}"
	done
	[ -z "$K8S_FSGROUP" ] || groups=(--groups "$K8S_FSGROUP") # the kubelet adds it
	[ "$K8S_NO_NEW_PRIVS" = 1 ] && groups+=(--no-new-privs)
	# the volumes: the results one is $T/vol (ZSCAN_DIR says where), the
	# rest a fresh tmpfs each (emptyDir) over their mountPath
	local m tmpfs=()
	for m in "${K8S_MOUNTS[@]}"; do
		[ "${m%%=*}" = results ] || tmpfs+=("${m#*=}")
	done
	local ro=""
	[ "$K8S_READONLY_ROOT" = 1 ] && ro="mount -o remount,bind,ro /"
	# a pod of its own pids has its own /proc, as a container does: zrecv
	# looks up the pid zsend left there
	local pidns=()
	[ "${K8S_PID1:-0}" = 0 ] || pidns=(--pid --fork --mount-proc)
	ip netns exec "$LAB_SCAN" unshare --mount --propagation private "${pidns[@]}" -- bash -c '
		set -e
		checkout=$1 vol=$2 ro=$3
		shift 3
		# the checkout (the binaries the image links to, the volume in the
		# scratch directory) is reached again through the working directory
		# when an emptyDir over /tmp hides it (a checkout under /tmp);
		# mount must not make "." a path, which would name the new, empty
		# directory
		cd "$checkout"
		while [ "$1" != -- ]; do mount -t tmpfs -o mode=777 emptydir "$1"; shift; done
		shift
		if [ ! -d "$vol" ]; then
			mkdir -p "$checkout"
			mount --no-canonicalize --bind . "$checkout"
		fi
		cd /
		mount --bind "$vol" "$vol"
		$ro
		exec "$@"' _ "$PWD" "$T/vol" "$ro" "${tmpfs[@]}" -- \
		env -i PATH="$T/img/bin:/usr/bin:/bin" HOME=/ "${K8S_ENV[@]}" \
		JOB_COMPLETION_INDEX="$index" ZSCAN_DIR="$T/vol" "$@" \
		setpriv --reuid "$K8S_UID" --regid "$K8S_GID" "${groups[@]}" \
		--bounding-set "$bounding" --inh-caps -all -- "${K8S_CMD[@]}"
}

test_kubernetes_manifests_match_the_api_schema() {
	if [[ $ZS_BIN != */bin ]] || [[ $ZS_BIN == */build/*/bin ]]; then
		echo "  (runs once, with the release build's tests: no binary is involved)"
		return 0
	fi
	/usr/bin/python3 "$K8S_CHECK" check "$K8S_JOB" "$K8S_MERGE" >"$T/check.out" 2>"$T/check.err" ||
		fail "the manifests: $(cat "$T/check.err")"
	expect_eq "documents checked" "$(grep -c ': valid$' "$T/check.out")" 3
	# the check is a real one: a misspelled field, a number as a string, a
	# missing required field and a pod that restarts forever are refused
	mutate() { # PYTHON-STATEMENT on the Job document j
		/usr/bin/python3 - "$K8S_JOB" "$1" >"$T/bad.yaml" <<'PY'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
j = [d for d in docs if d["kind"] == "Job"][0]
c = j["spec"]["template"]["spec"]["containers"][0]
exec(sys.argv[2])
yaml.safe_dump_all(docs, sys.stdout)
PY
		! /usr/bin/python3 "$K8S_CHECK" check "$T/bad.yaml" >/dev/null 2>"$T/bad.err" ||
			fail "accepted after: $1"
		grep -q -- "$2" "$T/bad.err" || fail "after $1: $(cat "$T/bad.err")"
	}
	mutate 'j["spec"]["completionsMode"] = j["spec"].pop("completionMode")' \
		'.spec.completionsMode: no such field in V1JobSpec'
	mutate 'c["securityContext"]["capabilities"]["add"] = "NET_RAW"' \
		'capabilities.add: a list expected'
	mutate 'j["spec"]["parallelism"] = "4"' '.spec.parallelism: an integer expected'
	mutate 'del c["name"]' 'Invalid value for `name`'
	mutate 'j["spec"]["template"]["spec"]["restartPolicy"] = "Always"' 'Never or OnFailure'
	mutate 'c["volumeMounts"][0]["name"] = "resluts"' "no volume 'resluts'"

	# what the recipe promises of its pods
	local K8S_CMD K8S_ENV K8S_MOUNTS K8S_CAPS_ADD K8S_CAPS_DROP K8S_UID K8S_GID K8S_FSGROUP \
		K8S_NO_NEW_PRIVS K8S_READONLY_ROOT K8S_COMPLETIONS K8S_INDEXED K8S_HOST_NETWORK K8S_NON_ROOT
	eval "$(/usr/bin/python3 "$K8S_CHECK" pod "$K8S_JOB" zscan)"
	expect_eq "Indexed" "$K8S_INDEXED" 1
	expect_eq "hostNetwork" "$K8S_HOST_NETWORK" 1
	expect_eq "capabilities added" "${K8S_CAPS_ADD[*]}" NET_RAW
	expect_eq "capabilities dropped" "${K8S_CAPS_DROP[*]}" ALL
	expect_eq "runAsNonRoot" "$K8S_NON_ROOT" 1
	[ "$K8S_UID" != 0 ] || fail "the pods run as root"
	local e shards="" dir="" seed=""
	for e in "${K8S_ENV[@]}"; do
		case $e in
		ZSCAN_SHARDS=*) shards=${e#*=} ;;
		ZSCAN_DIR=*) dir=${e#*=} ;;
		ZSCAN_SEED=*) seed=${e#*=} ;;
		esac
	done
	expect_eq "ZSCAN_SHARDS (= completions)" "$shards" "$K8S_COMPLETIONS"
	[[ $seed =~ ^[0-9]+$ ]] || fail "ZSCAN_SEED: '$seed'"
	[[ " ${K8S_MOUNTS[*]} " == *" results=$dir "* ]] || fail "ZSCAN_DIR $dir is not the results volume: ${K8S_MOUNTS[*]}"
	# the merge job reads the same claim at the same place
	/usr/bin/python3 - "$K8S_JOB" "$K8S_MERGE" <<'PY' || fail "the merge job's volume differs"
import sys, yaml
def claim(f, name):
    for d in yaml.safe_load_all(open(f)):
        if d and d["kind"] == "Job" and d["metadata"]["name"] == name:
            s = d["spec"]["template"]["spec"]
            vols = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in s["volumes"] if "persistentVolumeClaim" in v}
            env = {e["name"]: e["value"] for e in s["containers"][0]["env"]}
            mounts = {m["name"]: m["mountPath"] for m in s["containers"][0]["volumeMounts"]}
            return [(vols[n], mounts[n], env["ZSCAN_DIR"]) for n in vols]
pvcs = [d["metadata"]["name"] for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "PersistentVolumeClaim"]
a, b = claim(sys.argv[1], "zscan"), claim(sys.argv[2], "zscan-merge")
assert a == b and a[0][0] in pvcs and a[0][1] == a[0][2], (a, b, pvcs)
PY
	echo "  3 documents valid against the API's types (python3-kubernetes $(/usr/bin/python3 -c 'import kubernetes; print(kubernetes.__version__)')); 6 faults planted, 6 found"
}

test_kubernetes_indexed_job_shards_equal_one_scan() {
	release_build_only && return 0
	LAB_LIVE="198.18.4.0/22:20 198.18.12.0/24 2001:2:0:10::/120:30" LAB_TCP_PORTS="80 443" \
		LAB_OPEN="198.18.12.0/24=443" scan_lab_up
	k8s_image
	local K8S_COMPLETIONS K8S_ENV e recv_args=""
	eval "$(/usr/bin/python3 "$K8S_CHECK" pod "$K8S_JOB" zscan | grep -E '^K8S_(COMPLETIONS|ENV)=')"
	for e in "${K8S_ENV[@]}"; do
		[[ $e != ZRECV_ARGS=* ]] || recv_args=${e#*=}
	done
	start_capture "$LAB_NET" zn0 "tcp and (src host 198.18.0.1 or src host 2001:2::1)"
	local i
	for ((i = 0; i < K8S_COMPLETIONS; i++)); do
		# the manifest's zrecv options ('-f *': a glob if the shell let it),
		# with a shorter cooldown
		k8s_run "$K8S_JOB" zscan "$i" ZGEN_ARGS="$K8S_TARGETS" ZSEND_ARGS="-b /dev/null -r 20000" \
			ZRECV_ARGS="$recv_args -c 1" 2>"$T/pod-$i.err" || fail "pod $i: $(tail -3 "$T/pod-$i.err")"
	done
	stop_capture
	k8s_run "$K8S_MERGE" zscan-merge 0 2>"$T/merge.err" || fail "merge: $(cat "$T/merge.err")"

	# every target probed, each exactly once, by the pods together
	# shellcheck disable=SC2086 # the targets are words
	"$ZS_BIN/zgen" $K8S_TARGETS | sorted >"$T/all_targets"
	syn_probes "$T/cap.pcap" >"$T/probes"
	expect_eq "targets probed twice" "$(uniq -d "$T/probes" | head -3)" ""
	cmp -s "$T/probes" "$T/all_targets" ||
		fail "probes != targets ($(wc -l <"$T/probes") probes, $(wc -l <"$T/all_targets") targets): $(comm -3 "$T/probes" "$T/all_targets" | head -3)"

	# merged: the lab's open pairs, what one unsharded scan finds
	merged_is_one_scan "$T/vol/results.csv" -p 80,443 198.18.0.0/20 2001:2:0:10::/120
	local m=$T/vol/recv.json
	expect_eq "merged: complete" "$(json "$m" complete)" true
	expect_eq "merged: shards" "$(json "$m" shards)" "$K8S_COMPLETIONS"
	expect_eq "merged: probes sent" "$(json "$m" probes_sent)" "$(json "$T/single.json" probes_sent)"
	expect_eq "merged: targets up" "$(json "$m" targets_up)" "$(json "$T/single.json" targets_up)"
	# the pods wrote nothing but their results (the handover went to their /tmp)
	expect_eq "files on the volume" "$(cd "$T/vol" && ls | sorted | tr '\n' ' ')" \
		"$({ for ((i = 0; i < K8S_COMPLETIONS; i++)); do echo "recv-$i.json" && echo "results-$i.csv"; done
			echo recv.json && echo results.csv; } | sorted | tr '\n' ' ')"
	echo "  $K8S_COMPLETIONS pods as uid 65534 with NET_RAW alone: $(wc -l <"$T/probes") probes, each target once;" \
		"$(wc -l <"$T/merged") open pairs, as the lab's and one unsharded scan's"
}

# The pod's PID 1, seen from here: the container's bash, pid 1 in its own
# pid namespace.
pod_pid1() {
	local pid
	for pid in $(pgrep -f '^/bin/bash -c set -euo pipefail'); do
		[ "$(awk '/^NSpid:/ {print $NF}' "/proc/$pid/status" 2>/dev/null)" = 1 ] || continue
		echo "$pid"
		return 0
	done
	return 1
}

test_kubernetes_pod_stopped_by_the_kubelet_then_retried() {
	release_build_only && return 0
	LAB_LIVE="198.18.4.0/22:20 198.18.12.0/24" LAB_TCP_PORTS="80 443" scan_lab_up
	k8s_image
	# pod 0 at 200 probes/s, so that its shard takes 10 s whatever the
	# machine; the kubelet's TERM goes to the container's PID 1 alone
	local upd=$T/vol/upd.csv rc=0 pid e seed shards
	for e in $(/usr/bin/python3 "$K8S_CHECK" pod "$K8S_JOB" zscan | grep -o 'ZSCAN_S[A-Z]*=[0-9]*'); do
		case $e in ZSCAN_SEED=*) seed=${e#*=} ;; ZSCAN_SHARDS=*) shards=${e#*=} ;; esac
	done
	# shellcheck disable=SC2086 # the targets are words
	"$ZS_BIN/zgen" --seed "$seed" --shards "$shards" --shard 0 $K8S_TARGETS | sorted >"$T/shard0"
	K8S_PID1=1 k8s_run "$K8S_JOB" zscan 0 ZGEN_ARGS="$K8S_TARGETS" ZSEND_ARGS="-b /dev/null -r 200" \
		ZRECV_ARGS="-c 1 --status-updates $upd" 2>"$T/pod.err" &
	local job=$!
	wait_until 60 update_at_least "$upd" sent 100
	pid=$(pod_pid1) || fail "no PID 1 of the pod: $(pgrep -af bash | head -5)"
	kill -TERM "$pid"
	wait "$job" || rc=$?
	expect_eq "exit status of the stopped pod" "$rc" 3
	local m=$T/vol/recv-0.json shard0
	expect_eq "stopped: complete" "$(json "$m" complete)" false
	expect_eq "stopped: exit_status" "$(json "$m" exit_status)" 3
	shard0=$(json "$m" consumed)
	[ "$shard0" -gt 0 ] && [ "$shard0" -lt "$(wc -l <"$T/shard0")" ] || fail "stopped: consumed $shard0"
	grep -q 'to continue: zgen --seed' "$T/pod.err" || fail "no resume point: $(tail -3 "$T/pod.err")"

	# the Job starts the index again: the shard whole, its metadata new
	k8s_run "$K8S_JOB" zscan 0 ZGEN_ARGS="$K8S_TARGETS" ZSEND_ARGS="-b /dev/null -r 20000" \
		ZRECV_ARGS="-c 1" 2>"$T/retry.err" || fail "retry: $(tail -3 "$T/retry.err")"
	expect_eq "retried: complete" "$(json "$m" complete)" true
	expect_eq "retried: probes sent" "$(json "$m" probes_sent)" "$(wc -l <"$T/shard0")"
	"$ZS_BIN/zfilter" -f saddr,sport <"$T/vol/results-0.csv" | sorted >"$T/found"
	comm -12 "$T/shard0" "$LAB_DIR/open_pairs.txt" >"$T/want"
	cmp -s "$T/found" "$T/want" || fail "retried: found != the shard's open pairs: $(comm -3 "$T/found" "$T/want" | head -3)"
	echo "  TERM to PID 1 after $shard0 targets: exit 3, metadata incomplete; the retry: $(wc -l <"$T/found") of the shard's open pairs, complete"

	# a pod whose zgen fails (a list missing on its node) fails, though
	# zsend and zrecv, given no target, end well: the pipeline's status
	rc=0
	k8s_run "$K8S_JOB" zscan 1 ZGEN_ARGS="-w /nonexistent/list" ZSEND_ARGS="-b /dev/null" \
		ZRECV_ARGS="-c 1" 2>"$T/fail.err" || rc=$?
	expect_eq "a pod whose zgen failed: exit ($(grep zgen "$T/fail.err" | head -1))" "$rc" 2
}
