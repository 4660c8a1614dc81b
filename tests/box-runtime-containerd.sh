#!/bin/bash
# tests/box-runtime-containerd.sh - box-runtime under containerd: `ctr run
# --runc-binary box-runtime` through Debian's containerd and its runc v2
# shim (io.containerd.runc.v2), on a busybox image the suite builds as an
# OCI image layout (layer tar, config, manifest and index with their
# sha256 digests, written with tar, sha256sum and jq).
#
# Each test starts a containerd of its own (ctrd_session): private
# --root, --state and --address below $BOX_TMP, a config without the CRI
# plugin and anything that needs the network, inside mount, network, pid
# and cgroup namespaces the test made (tmpfs over /run, where the shim
# puts its sockets; the cgroup hierarchies mounted again as the cgroup
# namespace sees them), in a cgroup the test made below the suite's own.
# ctr's default cgroupsPath, /default/ID, is absolute: in that cgroup
# namespace it lies below the test's cgroup, never at a hierarchy's root.
# box-runtime's state goes to --runc-root, below $BOX_TMP, where the
# test can see that delete removed it.  At the end of each session the
# test ends its containerd by PID; the pid namespace then takes any
# process the test left (a shim) with it.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"

ROOTFS=$BOX_TMP/rootfs
IMAGE=$BOX_TMP/busybox-oci.tar
IMAGE_NAME=docker.io/boxtest/busybox:latest

suite_setup() {
	cg_suite_setup || return 1
	command -v jq >/dev/null && command -v busybox >/dev/null || return 0
	make_busybox_rootfs "$ROOTFS" || return 1
	oci_image "$ROOTFS" "$IMAGE" "$IMAGE_NAME"
}

setUp() {
	host_before=$(mount_snapshot)
}

tearDown() {
	assertEquals "host mount table changed" "$host_before" "$(mount_snapshot)"
}

need_containerd() {
	need_root || return 1
	need_static box-runtime cap-drop cg-create cg-exec cg-delete cg-set \
		ns-unshare ns-enter pivot || return 1
	need_cmd containerd ctr containerd-shim-runc-v2 jq busybox unshare \
		sha256sum || return 1
	[ -s "$IMAGE" ] && return 0
	skip_test "the busybox OCI image could not be built"
	return 1
}

# blob DIR FILE: move FILE into DIR/blobs/sha256 under its digest, and
# print its descriptor fields as jq arguments (digest, size).
blob() {
	local h
	h=$(sha256sum "$2" | cut -d' ' -f1) || return 1
	mv "$2" "$1/blobs/sha256/$h" || return 1
	echo "sha256:$h $(stat -c %s "$1/blobs/sha256/$h")"
}

# oci_image ROOTFS OUT NAME: an OCI image layout tar of one layer, named
# NAME for `ctr images import` (the io.containerd.image.name annotation).
oci_image() {
	local d=$BOX_TMP/oci l c m
	mkdir -p "$d/blobs/sha256" || return 1
	tar --sort=name --numeric-owner -C "$1" -cf "$d/layer" . || return 1
	l=$(blob "$d" "$d/layer") || return 1
	jq -n --arg l "${l% *}" '{architecture: "amd64", os: "linux",
		config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
			 Cmd: ["sh"]},
		rootfs: {type: "layers", diff_ids: [$l]}}' >"$d/config" || return 1
	c=$(blob "$d" "$d/config") || return 1
	jq -n --arg c "${c% *}" --argjson cs "${c#* }" --arg l "${l% *}" \
		--argjson ls "${l#* }" '{schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json",
			 digest: $c, size: $cs},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar",
			  digest: $l, size: $ls}]}' >"$d/manifest" || return 1
	m=$(blob "$d" "$d/manifest") || return 1
	jq -n --arg m "${m% *}" --argjson ms "${m#* }" --arg n "$3" '{schemaVersion: 2,
		manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
			     digest: $m, size: $ms,
			     platform: {architecture: "amd64", os: "linux"},
			     annotations: {"io.containerd.image.name": $n,
					   "org.opencontainers.image.ref.name": "latest"}}]}' \
		>"$d/index.json" || return 1
	echo '{"imageLayoutVersion": "1.0.0"}' >"$d/oci-layout" || return 1
	tar -C "$d" -cf "$2" oci-layout index.json blobs && rm -rf "$d"
}

# ctrd_session NAME BODY: run the shell text BODY beside a containerd of
# the test's own (see the top of this file), in cgroup $CG_T/NAME.  BODY
# has $C (ctr for that containerd), $I (the image), $R (ctr run's
# options that choose box-runtime), $D (the session's directory).  Sets
# run's $rc, $out, $err; $D stays set for the test.
ctrd_session() {
	D=$BOX_TMP/$1
	mkdir -p "$D" || return 1
	cat >"$D/config.toml" <<-EOF
	version = 2
	disabled_plugins = ["io.containerd.grpc.v1.cri",
	  "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
	  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
	  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
	[plugins."io.containerd.internal.v1.opt"]
	  path = "$D/opt"
	EOF
	printf '%s\n' "$2" >"$D/body.sh"
	cat >"$D/run.sh" <<-'EOF'
	D=$1 IMAGE=$2 I=$3
	# the shim's sockets and the FIFOs of ctr go below /run
	mount -t tmpfs tmpfs /run || exit 1
	# the cgroup hierarchies as this cgroup namespace sees them (a fresh
	# tmpfs under them: mount(8) will not mount one twice)
	sh "$BOX_TESTS/lib-cgns.sh" "$D/cgmounts" || exit 1
	containerd --config "$D/config.toml" --root "$D/root" --state "$D/state" \
		--address "$D/sock" --log-level debug >"$D/containerd.log" 2>&1 &
	cpid=$!
	i=0
	until [ -S "$D/sock" ] && ctr --address "$D/sock" version >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "containerd did not start" >&2; exit 1; }
		sleep 0.1
	done
	echo "== started"
	C="ctr --address $D/sock"
	# task_status ID; wait_stopped ID: what ctr says of the task
	task_status() { $C task ls | awk -v t="$1" '$1 == t { print $3 }'; }
	wait_stopped() {
		i=0
		while [ "$(task_status "$1")" != STOPPED ] && [ $i -lt 50 ]; do
			i=$((i + 1))
			sleep 0.1
		done
	}
	R="--runc-binary $BOX_BIN/box-runtime --runc-root $D/runc"
	$C images import "$IMAGE" >/dev/null || exit 1
	. "$D/body.sh"
	# whatever the body left (the tests check that it left nothing)
	for t in $($C task ls -q); do
		$C task kill -s SIGKILL "$t" 2>/dev/null
		$C task delete "$t" >/dev/null 2>&1
	done
	for t in $($C containers ls -q); do
		$C containers rm "$t" 2>/dev/null
	done
	kill "$cpid"
	wait "$cpid"
	echo "containerd-status=$?"
	[ -e "/proc/$cpid" ] && echo "containerd is still there"
	echo "== ended"
	EOF
	cg-create $CG_R "$CG_T/$1" || return 1
	run cg-exec $CG_R "$CG_T/$1" unshare -m -n -p -f --mount-proc -C \
		--propagation private sh "$D/run.sh" "$D" "$IMAGE" "$IMAGE_NAME"
}

# The session reached its body (else the test skips: containerd cannot
# run here) and ended its containerd.
session_ok() {
	case $out in
	*"== started"*) ;;
	*)
		skip_test "containerd cannot run here: $(echo "$err" | tail -1)"
		return 1
		;;
	esac
	assertContains "containerd ended by its PID (stderr: $err)" "$out" \
		"$(printf 'containerd-status=0\n== ended')"
	assertNotContains "containerd is gone" "$out" "containerd is still there"
	assertEquals "no process left in the test's cgroup" "" \
		"$(cat "$(cg_dir pids "$1")/cgroup.procs")"
}

test_run_rm_prints_and_passes_the_exit_status_on() {
	need_containerd || return 0
	ctrd_session rm '
	for n in mnt pid net ipc uts; do echo "host-$n=$(readlink /proc/self/ns/$n)"; done
	$C run --rm $R "$I" t1 sh -c "echo hello from \$\$
		for n in mnt pid net ipc uts; do echo ctr-\$n=\$(readlink /proc/self/ns/\$n); done
		grep memory /proc/self/cgroup; exit 3"
	echo "status=$?"
	echo "state-left=$(find "$D/runc" -mindepth 2 | wc -l)"
	echo "cgroup-left=$(ls -d /sys/fs/cgroup/*/default/t1 2>/dev/null | wc -l)"
	echo "shims=$(pgrep -c containerd-shim)"'
	session_ok rm || return 0
	assertContains "output of the container's first process, PID 1 (stderr: $err)" \
		"$out" "hello from 1"
	assertContains "its exit status passes through ctr" "$out" "status=3"
	assertContains "in ctr's cgroupsPath /default/t1" "$out" "memory:/default/t1"
	local n
	for n in mnt pid net ipc uts; do
		assertContains "a $n namespace" "$out" "ctr-$n="
		assertNotContains "a $n namespace of its own" "$out" \
			"ctr-$n=$(echo "$out" | sed -n "s/^host-$n=//p")"
	done
	assertContains "delete removed box-runtime's state" "$out" "state-left=0"
	assertContains "delete removed the cgroup" "$out" "cgroup-left=0"
	assertContains "the shim is gone" "$out" "shims=0"
	for n in $(cg_all_dirs rm/default/t1); do
		assertFalse "no cgroup $n" "[ -d '$n' ]"
	done
}

test_detached_task_execs_pauses_and_is_deleted_without_a_trace() {
	need_containerd || return 0
	ctrd_session life '
	BR="box-runtime --root $D/runc/default"
	$C run -d $R "$I" t2 sleep 300 >/dev/null
	echo "run-d=$?"
	pid=$($C task ls | awk "\$1 == \"t2\" { print \$2 }")
	echo "nspid=$(awk "/^NSpid:/ { print \$NF }" /proc/$pid/status)"
	echo "comm=$(cat /proc/$pid/comm)"
	echo "parent=$(cat /proc/$(cut -d" " -f4 /proc/$pid/stat)/comm)"
	for n in mnt pid net ipc uts; do
		[ "$(readlink /proc/$pid/ns/$n)" = "$(readlink /proc/self/ns/$n)" ] &&
			echo "shares the $n namespace"
	done
	echo "cgroup=$(grep :memory: /proc/$pid/cgroup)"
	echo "state=$($BR state t2 | jq -r .status)"
	echo "rootfs-mounts=$(grep -c /t2/rootfs /proc/self/mountinfo)"
	echo "ctr-pidns=$(readlink /proc/$pid/ns/pid)"
	$C task exec --exec-id e1 t2 sh -c "echo exec-pid=\$\$ \$(readlink /proc/self/ns/pid)
		grep :memory: /proc/self/cgroup; exit 4"
	echo "exec-status=$?"
	$C task exec -d --exec-id e2 t2 sleep 200
	echo "exec-d=$?"
	echo "ps=$($C task ps t2 | tail -n +2 | wc -l) $($C task ps t2 | grep -c "^$pid ")"
	frozen() {
		cat /sys/fs/cgroup/freezer/default/t2/freezer.state 2>/dev/null ||
			cat /sys/fs/cgroup/unified/default/t2/cgroup.freeze 2>/dev/null ||
			cat /sys/fs/cgroup/default/t2/cgroup.freeze
	}
	$C task pause t2
	echo "paused=$(task_status t2) $(frozen)"
	$C task resume t2
	echo "resumed=$(task_status t2) $(frozen)"
	# kill --all: TERM ends the exec, but PID 1 of a pid namespace
	# ignores a signal it has no handler for
	$C task kill -a -s SIGTERM t2
	i=0
	while [ "$($C task ps t2 | tail -n +2 | wc -l)" != 1 ] && [ $i -lt 50 ]; do
		i=$((i + 1)); sleep 0.1
	done
	echo "after-kill-all=$($C task ps t2 | tail -n +2 | wc -l) $(task_status t2)"
	$C task kill -s SIGKILL t2
	wait_stopped t2
	echo "killed=$(task_status t2)"
	# the words the shim maps to "process already finished" (NotFound)
	echo "kill-stopped=$($BR kill t2 KILL 2>&1)"
	echo "delete=$($C task delete t2 2>&1 | grep -o "exit code [0-9]*")"
	$C containers rm t2
	echo "rm=$?"
	[ -e "/proc/$pid" ] && echo "the first process is still there"
	echo "state-left=$(find "$D/runc" -mindepth 2 | wc -l)"
	echo "cgroup-left=$(ls -d /sys/fs/cgroup/*/default/t2 2>/dev/null | wc -l)"
	echo "mounts-left=$(grep -c /t2/ /proc/self/mountinfo)"
	echo "shims=$(pgrep -c containerd-shim)"'
	session_ok life || return 0
	assertContains "ctr run -d (stderr: $err)" "$out" "run-d=0"
	assertContains "the first process is PID 1 of its pid namespace" "$out" "nspid=1"
	assertContains "it runs the image's program" "$out" "comm=sleep"
	assertContains "the shim adopted it: no boxutils process beside it" "$out" \
		"parent=containerd-shim"
	assertNotContains "namespaces of its own" "$out" "shares the"
	assertContains "in its cgroup" "$out" "cgroup=4:memory:/default/t2"
	assertContains "box-runtime's state below --runc-root" "$out" "state=running"
	assertContains "the rootfs the shim mounted" "$out" "rootfs-mounts=1"
	assertContains "exec runs in the container's pid namespace and cgroup, status passed on" \
		"$out" "$(printf 'exec-pid=2 %s\n4:memory:/default/t2\nexec-status=4' \
			"$(echo "$out" | sed -n 's/^ctr-pidns=//p')")"
	assertContains "exec -d" "$out" "exec-d=0"
	assertContains "ps (runc ps --format json): the first process and the exec" \
		"$out" "ps=2 1"
	assertContains "pause freezes the cgroup" "$out" "paused=PAUSED FROZEN"
	assertContains "resume thaws it" "$out" "resumed=RUNNING THAWED"
	assertContains "kill --all reached the exec, PID 1 ignored TERM" "$out" \
		"after-kill-all=1 RUNNING"
	assertContains "kill" "$out" "killed=STOPPED"
	assertContains "kill of a stopped container: runc's words" "$out" \
		"kill-stopped=box-runtime: kill t2: container not running"
	assertContains "task delete: exit status 137 (SIGKILL)" "$out" \
		"delete=exit code 137"
	assertContains "containers rm" "$out" "rm=0"
	assertNotContains "the first process is gone" "$out" "is still there"
	assertContains "delete removed box-runtime's state" "$out" "state-left=0"
	assertContains "delete removed the cgroup" "$out" "cgroup-left=0"
	assertContains "no mount left" "$out" "mounts-left=0"
	assertContains "the shim is gone" "$out" "shims=0"
	local d
	for d in $(cg_all_dirs life/default/t2); do
		assertFalse "no cgroup $d" "[ -d '$d' ]"
	done
}

# cgf DIR V1-CONTROLLER V1-FILE V2-FILE, in a session's body: a control
# file of the cgroup /default/DIR, v1 or v2
CGF='cgf() {
	cat "/sys/fs/cgroup/$2/default/$1/$3" 2>/dev/null ||
		cat "/sys/fs/cgroup/unified/default/$1/$4" 2>/dev/null ||
		cat "/sys/fs/cgroup/default/$1/$4"
}'

test_memory_and_cpu_limits_reach_the_cgroup_and_hold() {
	need_containerd || return 0
	ctrd_session limits "$CGF"'
	$C run -d $R --memory-limit 67108864 --cpus 0.5 "$I" t3 sleep 300 >/dev/null
	echo "mem=$(cgf t3 memory memory.limit_in_bytes memory.max)"
	echo "cpu=$(cgf t3 cpu cpu.cfs_quota_us cpu.max | cut -d" " -f1)"
	$C task exec --exec-id hog t3 sh -c "x=\$(head -c 200000000 /dev/zero | tr \"\\0\" a); echo survived"
	echo "hog=$?"
	echo "oom-kills=$(cgf t3 memory memory.oom_control memory.events | awk "\$1 == \"oom_kill\" { print \$2 }")"
	$C task kill -s SIGKILL t3
	wait_stopped t3
	$C task delete t3 >/dev/null 2>&1'
	session_ok limits || return 0
	assertContains "ctr run --memory-limit: memory.limit_in_bytes or memory.max (stderr: $err)" \
		"$out" "mem=67108864"
	assertContains "ctr run --cpus 0.5: the CFS quota" "$out" "cpu=50000"
	if cg_swap_on; then
		echo "NOTE: swap is on; the hog may page out instead of being killed: not checked"
	else
		assertContains "a hog beyond the limit is OOM-killed" "$out" "hog=137"
		assertNotContains "the hog did not survive" "$out" "survived"
		assertNotContains "the kernel counted the OOM kill" "$out" "oom-kills=0"
	fi
}

test_run_tty_gives_a_pty_of_the_container() {
	need_containerd || return 0
	need_cmd script || return 0
	mkdir -p "$BOX_TMP/tty/out"
	# What the container finds goes to a bind mount: ctr -t drops some
	# output now and then (with runc as well).  ctr sends its window
	# size after start; until then busybox's stty size prints nothing.
	cat >"$BOX_TMP/tty/out/probe.sh" <<-'EOF'
	o=/out/$1
	tty | tee "$o.tty"
	[ -t 0 ] && [ -t 1 ] && echo stdio-is-a-tty >"$o.stdio"
	n=0
	until stty size >"$o.size" 2>/dev/null && [ -s "$o.size" ]; do
		n=$((n + 1))
		[ $n -ge 40 ] && break
		sleep 0.25
	done
	exit 6
	EOF
	# ctr -t needs a terminal: script gives it one, of 24 rows and 80 columns
	ctrd_session tty '
	M="--mount type=bind,src=$D/out,dst=/out,options=rbind:rw"
	script -qec "stty rows 24 cols 80; $C run -t --rm $R $M $I t4 sh /out/probe.sh run" \
		/dev/null >"$D/tty.out"
	echo "tty-status=$?"
	tr -d "\r" <"$D/tty.out"
	echo "run: $(cat "$D/out/run.tty") $(cat "$D/out/run.stdio") size=$(cat "$D/out/run.size")"
	# exec -t: runc exec --console-socket, into a container without one
	$C run -d $R $M $I t5 sleep 300
	script -qec "stty rows 30 cols 100; $C task exec -t --exec-id e1 t5 sh /out/probe.sh exec" \
		/dev/null >/dev/null
	echo "exec-status=$?"
	echo "exec: $(cat "$D/out/exec.tty") $(cat "$D/out/exec.stdio") size=$(cat "$D/out/exec.size")"
	$C task kill -s SIGKILL t5
	wait_stopped t5
	$C task delete t5 >/dev/null 2>&1
	$C containers rm t5'
	session_ok tty || return 0
	assertContains "the terminal's output reaches ctr (stderr: $err)" "$out" "/dev/pts/0"
	assertContains "run -t: stdio is a pty of the container's devpts (--console-socket)" \
		"$out" "run: /dev/pts/0 stdio-is-a-tty"
	assertContains "ctr's window size reached it" "$out" "run: /dev/pts/0 stdio-is-a-tty size=24 80"
	assertContains "the exit status passes through" "$out" "tty-status=6"
	assertContains "exec -t: a pty of its own in the container's devpts (got: $out; stderr: $err)" \
		"$out" "exec: /dev/pts/0 stdio-is-a-tty size=30 100"
	assertContains "the exec's exit status passes through" "$out" "exec-status=6"
}

test_seccomp_capabilities_and_read_only_root_are_in_force() {
	need_containerd || return 0
	need_static sys-filter || return 0
	ctrd_session secure '
	$C run --rm $R --seccomp --cap-drop CAP_NET_RAW --read-only "$I" t5 sh -c \
		"grep -E \"^(Seccomp|CapEff|NoNewPrivs):\" /proc/self/status; touch /x"'
	session_ok secure || return 0
	assertContains "ctr run --seccomp: a filter (stderr: $err)" "$out" "$(printf 'Seccomp:\t2')"
	assertContains "noNewPrivileges" "$out" "$(printf 'NoNewPrivs:\t1')"
	assertContains "ctr's default capabilities without CAP_NET_RAW" "$out" \
		"$(printf 'CapEff:\t00000000a80405fb')"
	assertContains "ctr run --read-only: root.readonly" "$err" "Read-only file system"
}

test_fields_it_cannot_honour_are_refused_by_name_and_failures_explained() {
	need_containerd || return 0
	ctrd_session refused '
	$C run --rm $R --rdt-class gold "$I" t6 true
	echo "rdt=$?"
	# --privileged: every host node in linux.devices, every device
	# allowed, every capability
	$C run --rm $R --privileged "$I" t7 sh -c '"'"'[ -c /dev/kmsg ] && echo kmsg=node
		grep ^CapBnd: /proc/self/status'"'"'
	echo "privileged=$?"
	$C run --rm $R --runc-systemd-cgroup --cgroup boxtest.slice:boxtest:t8 "$I" t8 true
	echo "systemd=$?"
	# a step of the chain fails: its words reach ctr through the log
	$C run --rm $R --mount type=bind,src=$D/none,dst=/x,options=rbind:ro "$I" t9 true
	echo "step=$?"
	echo "state-left=$(find "$D/runc" -mindepth 2 2>/dev/null | wc -l)"
	echo "cgroups-left=$(find /sys/fs/cgroup/*/default /sys/fs/cgroup/*/boxtest* \
		-mindepth 1 -type d 2>/dev/null | wc -l)"
	echo "shims=$(pgrep -c containerd-shim)"'
	session_ok refused || return 0
	assertContains "create fails" "$out" "rdt=1"
	assertContains "linux.intelRdt named, through the shim" "$err" \
		"OCI runtime create failed: config.json: linux.intelRdt: not supported"
	assertContains "--privileged runs (stderr: $err)" "$out" "privileged=0"
	assertContains "--privileged: the host's nodes" "$out" "kmsg=node"
	assertContains "--privileged: every capability" "$out" \
		"$(printf 'CapBnd:\t%s' "$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)")"
	assertContains "create fails" "$out" "systemd=1"
	assertContains "--systemd-cgroup refused with the reason" "$err" \
		"--systemd-cgroup: not supported"
	assertContains "create fails" "$out" "step=1"
	assertContains "the failing step's words, through the shim" "$err" \
		"OCI runtime create failed: create t9: pivot: --mount: open source '$BOX_TMP/refused/none': No such file or directory"
	assertContains "no state made" "$out" "state-left=0"
	assertContains "no cgroup made (got: $out)" "$out" "cgroups-left=0"
	assertContains "no shim left" "$out" "shims=0"
}

test_joins_a_network_namespace_by_path() {
	need_containerd || return 0
	need_cmd ip || return 0
	ctrd_session join '
	ip netns add boxtest || exit 1
	echo "netns=net:[$(stat -L -c %i /run/netns/boxtest)]"
	$C run --rm $R --with-ns network:/run/netns/boxtest "$I" t9 sh -c \
		"echo ctr-\$(readlink /proc/self/ns/net)"
	echo "status=$?"
	ip netns delete boxtest'
	session_ok join || return 0
	assertContains "ctr run --with-ns network:PATH: ns-enter joined it (stderr: $err)" \
		"$out" "ctr-$(echo "$out" | sed -n 's/^netns=//p')"
	assertContains "status" "$out" "status=0"
}

# The flags the shim may pass that box-runtime refuses: one line, status
# 125, and, with --log, the reason in the log, where the shim reads it.
test_shim_flags_it_refuses_are_refused_clearly() {
	need_tool box-runtime || return 0
	need_cmd jq || return 0
	local st=$BOX_TMP/flags
	assert_bad_input box-runtime --root "$st" --systemd-cgroup=maybe list
	assertContains "$err" "--systemd-cgroup=maybe"
	assert_bad_input box-runtime --root "$st" --log "$BOX_TMP/flags.log" \
		--log-format json --systemd-cgroup create --bundle "$BOX_TMP" c1
	assertEquals "the reason in the JSON log" \
		"--systemd-cgroup: not supported (cgroups are made by cg-create; use the cgroupfs manager)" \
		"$(jq -r .msg "$BOX_TMP/flags.log")"
	assertFalse "nothing made" "[ -e '$st' ]"
	run box-runtime --root "$st" --systemd-cgroup=false list -q
	assertEquals "--systemd-cgroup=false is the cgroupfs manager: $err" 0 "$rc"
	assert_bad_input box-runtime --root "$st" kill no-such-container KILL
	assertContains "the words the shim maps to NotFound" "$err" "does not exist"
}

box_run_suite
