#!/bin/bash
# tests/integration/containers.sh - whole chains: the demo container with
# an assertion on each property, twenty containers at once, and kill -9
# at each step of the chain followed by the documented cleanup.
# Everything is made beneath this suite's own cgroup, in network
# namespaces it made, and below $BOX_TMP; the host's mount table, cgroup
# tree and links are compared before and after.

BOX_SUITE_FILE=${BOX_SUITE_FILE:-$0}
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

TOOLS="ns-unshare ns-enter cg-create cg-exec cg-stat cg-delete uf-mount pivot cap-drop veth-link"

suite_setup() {
	PARENT=boxtest-int-$$
	IMG=$BOX_TMP/image
	make_busybox_rootfs "$IMG"
	have_tools=1
	for t in $TOOLS; do
		[ -x "$BOX_BIN/$t" ] || have_tools=0
	done
	if [ "$have_tools" = 1 ] && [ "$(id -u)" = 0 ]; then
		cg-create --relative --pids 2000 "$PARENT" || have_tools=0
	fi
}

suite_teardown() {
	[ "$have_tools" = 1 ] && cg-delete --relative --recursive "$PARENT" 2>/dev/null
	return 0
}

need_chain() {
	need_root || return 1
	if [ "$have_tools" != 1 ]; then
		skip_test "not every tool is built: $TOOLS"
		return 1
	fi
}

# What a container may leave behind: mounts, cgroups, links, processes.
host_state() {
	mount_snapshot
	find /sys/fs/cgroup -mindepth 1 -type d -path '*/boxtest-int-*' 2>/dev/null | sort
	ip -o link show | awk '{print $2}' | sort
}

# container N [cmd...]: one container as the demo builds it, with its
# own persisted network namespaces under $BOX_TMP/cN, running cmd.
container_prepare() {
	local n=$1 d=$BOX_TMP/c$1
	mkdir -p "$d/up" "$d/work" "$d/root" "$d/ns"
	: >"$d/ns/host" && : >"$d/ns/net"
	cg-create --relative --memory 64M --pids 64 "$PARENT/c$n" &&
		ns-unshare --net="$d/ns/host" true &&
		ns-unshare --net="$d/ns/net" true &&
		ns-enter --net="$d/ns/host" veth-link --netns "$d/ns/net" \
			--addr "10.201.$n.1/24" --peer-name eth0 \
			--peer-addr "10.201.$n.2/24" --gateway "10.201.$n.1" "vb$n"
}

container_chain() {
	local n=$1 d=$BOX_TMP/c$1
	shift
	cg-exec --relative "$PARENT/c$n" \
		ns-enter --net="$d/ns/net" \
		ns-unshare --mount --uts --ipc --pid --cgroup --fork --init --hostname "box$n" \
		uf-mount --lower "$IMG" --upper "$d/up" --work "$d/work" "$d/root" \
		pivot --host-prog "$d/root" \
		cap-drop --no-new-privs \
		"$@"
}

# The documented cleanup (boxutils(7), EXAMPLES).
container_cleanup() {
	local n=$1 d=$BOX_TMP/c$1
	mountpoint -q "$d/root" && umount -l "$d/root"
	for f in "$d/ns/net" "$d/ns/host"; do
		mountpoint -q "$f" && umount "$f"
	done
	cg-delete --relative "$PARENT/c$n"
	rm -rf "$d"
}

test_demo_passes_every_check() {
	need_chain || return 0
	local before
	before=$(host_state)
	run "$BOX_ROOT/examples/demo.sh"
	assertEquals "demo exit status; output: $(printf '%s\n' "$out" | grep -E 'FAILED|error' | head -5)" 0 "$rc"
	assertContains "$out" "every check passed"
	assertEquals "the demo left nothing behind" "$before" "$(host_state)"
}

test_chain_container_properties() {
	need_chain || return 0
	local before
	before=$(host_state)
	container_prepare 1 || fail "preparing container 1"
	run container_chain 1 /bin/sh -c '
		echo "host=$(hostname)"
		echo "pid1=$(cat /proc/1/comm)"
		echo "self=$$"
		echo "eth0=$(ip -4 -o addr show eth0 | awk "{print \$4}")"
		echo "mounts=$(grep -c . /proc/self/mountinfo)"
		echo "nnp=$(awk "/NoNewPrivs/{print \$2}" /proc/self/status)"
		echo "capbnd=$(awk "/CapBnd/{print \$2}" /proc/self/status)"
		echo written >/newfile
		ping -c1 -W2 10.201.1.1 >/dev/null && echo ping=ok'
	assertEquals "chain status: $err" 0 "$rc"
	assertContains "$out" "host=box1"
	assertContains "$out" "eth0=10.201.1.2/24"
	assertContains "$out" "nnp=1"
	assertContains "$out" "ping=ok"
	assertNotContains "docker's default bounding set, not full" "$out" "capbnd=000001ffffffffff"
	assertTrue "write landed in the upper layer" "[ -f '$BOX_TMP/c1/up/newfile' ]"
	assertFalse "image untouched" "[ -e '$IMG/newfile' ]"
	ns-enter --net="$BOX_TMP/c1/ns/host" ping -c1 -W2 10.201.1.2 >/dev/null
	assertEquals "host side pings the container" 0 $?
	container_cleanup 1
	assertEquals "nothing left behind" "$before" "$(host_state)"
}

test_twenty_containers_in_parallel() {
	need_chain || return 0
	local before n pids=() ok=0
	before=$(host_state)
	for n in $(seq 1 20); do
		container_prepare "$n" >"$BOX_TMP/prep$n.log" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || fail "prepare failed: $(cat "$BOX_TMP"/prep*.log | head -3)"; done
	pids=()
	for n in $(seq 1 20); do
		container_chain "$n" /bin/sh -c 'hostname; ping -c1 -W3 "$0" >/dev/null && echo reached' \
			"10.201.$n.1" >"$BOX_TMP/out$n" 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	for n in $(seq 1 20); do
		grep -qx "box$n" "$BOX_TMP/out$n" && grep -qx reached "$BOX_TMP/out$n" && ok=$((ok + 1))
	done
	assertEquals "containers that ran and reached their host side" 20 "$ok"
	for n in $(seq 1 20); do
		container_cleanup "$n" 2>/dev/null
	done
	assertEquals "nothing left behind" "$before" "$(host_state)"
}

# kill -9 the chain while it is at step K: the chain cut after its K-th
# tool runs `sleep` there.  The documented cleanup (cg-delete kills what is
# left in the cgroup) must then leave nothing behind.
test_kill9_at_each_step_then_cleanup_leaves_nothing() {
	need_chain || return 0
	local before k n w pid d=$BOX_TMP/c30
	local -a chain argv
	before=$(host_state)
	# the six steps, each ended by ";"
	chain=(cg-exec --relative "$PARENT/c30" ";"
		ns-enter --net="$d/ns/net" ";"
		ns-unshare --mount --uts --ipc --pid --cgroup --fork --init --hostname box30 ";"
		uf-mount --lower "$IMG" --upper "$d/up" --work "$d/work" "$d/root" ";"
		pivot --host-prog "$d/root" ";"
		cap-drop --no-new-privs ";")
	for k in 1 2 3 4 5 6; do
		container_prepare 30 >/dev/null 2>&1 || fail "prepare for step $k"
		# the first k steps
		argv=() n=0
		for w in "${chain[@]}"; do
			if [ "$w" = ";" ]; then
				n=$((n + 1))
				[ "$n" = "$k" ] && break
			else
				argv+=("$w")
			fi
		done
		# cut right after pivot, sleep comes from the image, not the host
		[ "$k" = 5 ] && argv=("${argv[@]/--host-prog/--no-mask}")
		"${argv[@]}" sleep 30 &
		pid=$!
		# the payload is running once the cgroup holds a sleep
		wait_for "grep -qx sleep /proc/\$(cat \$(find /sys/fs/cgroup -path '*/$PARENT/c30/cgroup.procs' | head -1) | tail -n 1)/comm 2>/dev/null" 100 ||
			fail "step $k: payload did not start"
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
		container_cleanup 30 2>/dev/null
		assertEquals "step $k: nothing left behind" "$before" "$(host_state)"
	done
}

box_run_suite
