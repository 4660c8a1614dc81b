#!/bin/bash
# tests/fds.sh - a payload inherits no fd from the tools of a chain: only
# what its caller gave (0, 1, 2, and e.g. a 7</dev/null the user opened
# on purpose, which must come through).  Every fd a tool opens for its
# own work (netlink sockets, pidfds, namespace files, directory fds of a
# cgroup or a new root, fsopen/fsmount fds, a pty's master) is O_CLOEXEC.
#
# The payload lists its own fds from a child (`ls -l /proc/PID/fd` run
# by the payload shell, straight to stdout: a pipe would show the shell's
# own pipe fds for a moment), so the lister's directory fd does not count.
# What the same shell sees when the caller runs it directly is the
# reference: the test harness may hold fds of its own, which the tools
# rightly pass on.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$BOX_TESTS/lib-cgroup.sh"

# shellcheck disable=SC2016 # $$ is the payload's, expanded there
LIST='ls -l /proc/$$/fd'

suite_setup() {
	T=$BOX_TMP
	# LeakSanitizer's exit-time check clones a tracer, which lands in the
	# PID namespace a tool entered and cannot find its parent there: the
	# tool would spin forever (sanitized builds only)
	if ldd "$BOX_BIN/ns-enter" 2>/dev/null | grep -q libasan; then
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
		export ASAN_OPTIONS
	fi
	mkdir -p "$T/a" "$T/b" "$T/target" "$T/root"
	make_busybox_rootfs "$T/root" || return 1
	cg_suite_setup || return 1
}

suite_teardown() {
	cg_suite_teardown
}

# fd_numbers: the numbers of a listing from $LIST, on one line.
fd_numbers() {
	awk '$10 == "->" { print $9 }' | sort -n | tr '\n' ' '
}

# same_fds NAME REF-CMD... -- CMD...: run both with and without an extra
# fd 7 open; CMD's payload must see what REF's does, and 7 must show.
same_fds() {
	local name=$1 ref=() cmd=() want got
	shift
	while [ "$1" != -- ]; do ref+=("$1"); shift; done
	shift
	cmd=("$@")
	want=$("${ref[@]}" sh -c "$LIST" </dev/null 2>&1 | fd_numbers)
	run "${cmd[@]}" sh -c "$LIST"
	got=$(echo "$out" | fd_numbers)
	assertEquals "$name: exit (err: $err)" 0 "$rc"
	assertEquals "$name: the payload's fds (payload saw: $out)" "$want" "$got"
	want=$("${ref[@]}" sh -c "$LIST" 7</dev/null </dev/null 2>&1 | fd_numbers)
	run_fd7 "${cmd[@]}" sh -c "$LIST"
	got=$(echo "$out" | fd_numbers)
	assertContains "$name: fd 7 the caller opened is passed on" " $got" " 7 "
	assertEquals "$name: the payload's fds with fd 7 (payload saw: $out)" "$want" "$got"
}

# run, with fd 7 open on /dev/null
run_fd7() {
	"$@" >"$BOX_TMP/.out" 2>"$BOX_TMP/.err" </dev/null 7</dev/null
	rc=$?
	out=$(cat "$BOX_TMP/.out")
	err=$(cat "$BOX_TMP/.err")
}

test_cap_drop_passes_no_fd() {
	need_tool cap-drop || return 0
	same_fds cap-drop env -- cap-drop --caps all --
	same_fds "cap-drop --user" env -- cap-drop --user 65534:65534 --clear-groups --
}

test_ns_unshare_passes_no_fd() {
	need_tool ns-unshare || return 0
	same_fds "ns-unshare -mui" env -- ns-unshare --mount --uts --ipc --
	same_fds "ns-unshare --net --pid --fork --mount-proc" env -- \
		ns-unshare --net --pid --fork --mount-proc --
	same_fds "ns-unshare --pid --init" env -- ns-unshare --pid --init --mount-proc --
	need_userns || return 0
	same_fds "ns-unshare --user --map-root-user" env -- \
		setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BOX_BIN/ns-unshare" --user --map-root-user --
}

test_ns_enter_passes_no_fd() {
	need_tool ns-enter || return 0
	need_tool ns-unshare || return 0
	local pid
	ns-unshare --uts --net --ipc --mount sleep 30 </dev/null >/dev/null 2>&1 &
	pid=$!
	wait_for "[ \"\$(ns_ino $pid uts)\" != \"\$(ns_ino $$ uts)\" ]"
	same_fds "ns-enter -t PID --all" env -- ns-enter -t "$pid" --all --
	same_fds "ns-enter -t PID --net --uts" env -- ns-enter -t "$pid" --net --uts --
	same_fds "ns-enter --net=FILE" env -- ns-enter --net="/proc/$pid/ns/net" --
	kill "$pid"
	wait "$pid" 2>/dev/null
	ns-unshare --pid --fork --mount-proc sleep 30 </dev/null >/dev/null 2>&1 &
	pid=$!
	wait_for "pgrep -P $pid >/dev/null" || fail "no child in the pid namespace"
	# the process inside the new PID namespace, our target
	local inner
	inner=$(pgrep -P "$pid" | head -1)
	same_fds "ns-enter --pid (forks)" env -- ns-enter -t "$inner" --pid --mount --
	# PID 1 of a namespace takes only SIGKILL from outside
	kill -KILL "$inner"
	wait "$pid" 2>/dev/null
	return 0
}

# --pty gives prog a terminal of its own and, as ns-enter(1) says, no fd
# but 0, 1 and 2 (any other could be the caller's terminal, and TIOCSTI
# through it would undo the point of the new one): not even fd 7.
test_ns_enter_pty_passes_only_the_terminal() {
	need_tool ns-enter || return 0
	need_tool ns-unshare || return 0
	local pid
	ns-unshare --uts sleep 30 </dev/null >/dev/null 2>&1 &
	pid=$!
	wait_for "[ \"\$(ns_ino $pid uts)\" != \"\$(ns_ino $$ uts)\" ]"
	run_fd7 ns-enter -t "$pid" --uts --pty sh -c "$LIST"
	assertEquals "ns-enter --pty: exit (err: $err)" 0 "$rc"
	assertEquals "ns-enter --pty: the payload's fds (payload saw: $out)" \
		"0 1 2 " "$(echo "$out" | tr -d '\r' | fd_numbers)"
	assertEquals "ns-enter --pty: 0, 1 and 2 are a new terminal" 3 \
		"$(echo "$out" | grep -c -E ' [012] -> /dev/pts/[0-9]+')"
	kill "$pid"
	wait "$pid" 2>/dev/null
	return 0
}

test_cg_exec_passes_no_fd() {
	need_tool cg-exec || return 0
	same_fds cg-exec env -- cg-exec $CG_R "$CG_T"
}

test_uf_mount_passes_no_fd() {
	need_tool uf-mount || return 0
	local api
	for api in new legacy; do
		same_fds "uf-mount ($api API)" unshare --mount --propagation private -- \
			unshare --mount --propagation private env BOX_UF_MOUNT_API=$api \
			uf-mount --lower "$T/a" --lower "$T/b" "$T/target"
	done
}

test_pivot_passes_no_fd() {
	need_tool pivot || return 0
	# the payload is busybox's shell in the new root: the reference is
	# the same busybox run on the host
	same_fds pivot "$T/root/bin/busybox" -- \
		unshare --mount --propagation private pivot "$T/root" /bin/busybox
	same_fds "pivot --bind --tmpfs --ro" "$T/root/bin/busybox" -- \
		unshare --mount --propagation private pivot --bind "$T/a:/mnt" \
		--tmpfs /tmp --ro "$T/root" /bin/busybox
}

test_veth_link_passes_no_fd() {
	need_tool veth-link || return 0
	need_tool ns-unshare || return 0
	same_fds veth-link unshare --net -- unshare --net veth-link bxfd0
	# the peer in a persisted namespace, addresses on both ends
	same_fds "veth-link --netns FILE --addr" unshare --net -- \
		unshare --net --mount --propagation private sh -c '
		d=$1; shift
		ns-unshare --net="$d/peer" true || exit 125
		exec veth-link --netns "$d/peer" --addr 10.9.9.1/24 \
			--peer-addr 10.9.9.2/24 bxfd1 "$@"' sh "$T"
}

box_run_suite
