#!/bin/bash
# tests/security.sh - regression tests for the container runtimes' known
# security failures that apply to boxutils.  Each test names the advisory
# it mirrors.  The images are made by the tests, hostile on purpose;
# everything runs in private mount namespaces, and the "host files" an
# image aims at are files this suite made, whose content is checked after.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

suite_setup() {
	T=$BOX_TMP
	# (as in fds.sh: LeakSanitizer cannot stop the world from inside a
	# PID namespace the tool made; sanitized builds only)
	if ldd "$BOX_BIN/ns-unshare" 2>/dev/null | grep -q libasan; then
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
		export ASAN_OPTIONS
	fi
	make_busybox_rootfs "$T/clean" || return 1
	echo "host secret" >"$T/hostfile"
	mkdir -p "$T/victim" "$T/src"
	echo "bound" >"$T/src/file"
}

# A fresh copy of the busybox image to make hostile.
image() {
	rm -rf "$T/img"
	cp -a "$T/clean" "$T/img"
}

# in_pivot [PIVOT-OPTIONS...] -- SCRIPT: run SCRIPT with busybox sh in
# $T/img as the new root, in a private mount namespace; sets rc/out/err.
in_pivot() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	run unshare --mount --propagation private \
		pivot "${opts[@]}" "$T/img" /bin/sh -c "$1"
}

both_resolvers() {
	local walk
	for walk in 0 1; do
		BOX_RESOLVE_WALK=$walk "$@"
	done
}

# --- symlinked mount targets ------------------------------------------------

# runc CVE-2019-19921 and CVE-2021-30465 (mount targets redirected by
# symlinks in the image, or swapped for one in a race), crun's
# GHSA-v7p5-... class: an image whose /proc is a symlink to /etc (or
# climbs out with ..) must not get proc mounted over anything outside
# the root.  Resolved in the root, "/etc" is the image's own /etc, so
# proc lands there and the payload finds it through its /proc link.
check_proc_link() {
	local link=$1
	image
	rm -rf "$T/img/proc"
	ln -s "$link" "$T/img/proc"
	in_pivot -- 'cat /proc/self/status | grep -c "^Pid:"; ls /etc/hostname.boxtest 2>/dev/null; echo ok'
	assertEquals "proc -> $link (walk=$BOX_RESOLVE_WALK): exit (err: $err)" 0 "$rc"
	assertEquals "proc -> $link (walk=$BOX_RESOLVE_WALK): proc is mounted where the link leads inside the root" \
		"1
ok" "$out"
	assertEquals "the host file is untouched" "host secret" "$(cat "$T/hostfile")"
}

test_proc_symlink_to_etc_stays_in_root() {
	need_tool pivot || return 0
	both_resolvers check_proc_link /etc
	both_resolvers check_proc_link ../../../../../../../etc
}

# runc CVE-2025-31133 (maskedPaths bind /dev/null, which the image had
# made a symlink to a host file such as /proc/sys/kernel/core_pattern)
# and the older "/dev/null replaced by a symlink" reports: pivot builds
# /dev itself and masks with a null device it opened on the host, so the
# image's dev/null -> HOSTFILE reaches nothing, and writes to the masked
# paths and to /dev/null go nowhere.
test_dev_null_symlink_to_host_file() {
	need_tool pivot || return 0
	local w
	for w in 0 1; do
		image
		rm -rf "$T/img/dev"
		mkdir "$T/img/dev"
		ln -s "$T/hostfile" "$T/img/dev/null"
		ln -s "$T/hostfile" "$T/img/dev/console"
		mkdir -p "$T/img/$T"
		echo "image copy" >"$T/img/$T/hostfile"
		BOX_RESOLVE_WALK=$w in_pivot -- '
			stat -c "%t:%T %F" /dev/null
			for f in /dev/null /proc/timer_list /proc/keys /proc/sched_debug; do
				[ -e "$f" ] && echo overwritten >"$f" 2>/dev/null
			done
			echo done'
		assertEquals "walk=$w: exit (err: $err)" 0 "$rc"
		assertEquals "walk=$w: /dev/null is the null device" "1:3 character special file
done" "$out"
		assertEquals "walk=$w: the host file is untouched" "host secret" "$(cat "$T/hostfile")"
		assertEquals "walk=$w: the image's file is untouched" "image copy" "$(cat "$T/img/$T/hostfile")"
	done
}

# Masked paths bypassed through a symlink in the image (runc
# CVE-2019-16884-style bypasses of the masks by rearranging the image):
# with /proc a symlink to /etc, the masks must follow the same in-root
# resolution and cover the proc that was mounted there.
test_masks_follow_a_symlinked_proc() {
	need_tool pivot || return 0
	local f
	image
	rm -rf "$T/img/proc"
	ln -s /etc "$T/img/proc"
	for f in timer_list keys sched_debug acpi; do
		[ -e "/proc/$f" ] || continue
		in_pivot -- "stat -c '%F %s' /proc/$f; ls /proc/$f 2>/dev/null | wc -l"
		assertEquals "/proc/$f: exit (err: $err)" 0 "$rc"
		case $out in
		"character special file 0"*) ;;	# bound to /dev/null
		"directory "*) [ "$(echo "$out" | tail -1)" = 0 ] ||
			fail "/proc/$f not masked: $out" ;; # an empty tmpfs
		*) fail "/proc/$f not masked through proc -> /etc: $out" ;;
		esac
	done
	in_pivot -- 'echo 1 >/proc/sys/kernel/sysrq 2>/dev/null && echo WRITABLE; echo ok'
	assertEquals "/proc/sys stays read-only through proc -> /etc" "ok" "$out"
}

# A --bind target under a symlink that climbs out of the image
# (CVE-2021-30465's end state): the bind lands inside the root, and the
# directory outside that the link names gets nothing.
test_bind_target_through_escaping_symlink() {
	need_tool pivot || return 0
	local w
	for w in 0 1; do
		image
		ln -s "../../../../../../../../$T/victim" "$T/img/mnt/escape" 2>/dev/null ||
			{ mkdir -p "$T/img/mnt" && ln -s "../../../../../../../../$T/victim" "$T/img/mnt/escape"; }
		BOX_RESOLVE_WALK=$w in_pivot --bind "$T/src:/mnt/escape" -- "cat /mnt/escape/file"
		assertEquals "walk=$w: exit (err: $err)" 0 "$rc"
		assertEquals "walk=$w: the bind is seen through the link" "bound" "$out"
		# the link's target, resolved in the root, was made in the image
		assertTrue "walk=$w: the target was made inside the image" "[ -d '$T/img/$T/victim' ]"
		assertEquals "walk=$w: nothing in the directory outside" "" "$(ls -A "$T/victim")"
	done
}

# --- terminals ----------------------------------------------------------------

# TIOCSTI through the terminal (CVE-2016-7545 in SELinux's sandbox, the
# util-linux su/runuser and nsenter reports, crun/runc exec -t without a
# new pty): a program entered with ns-enter --pty must not be able to push
# keystrokes into the caller's terminal.  Without --pty it can (which
# shows the test would catch it).
tiocsti_run() {
	timeout 20 python3 - "$@" <<'EOF'
import array, fcntl, os, pty, select, sys, termios, tty
m, s = pty.openpty()
tty.setraw(s)
me = os.ttyname(s)
pid = os.fork()
if pid == 0:
    os.setsid()
    fcntl.ioctl(s, termios.TIOCSCTTY, 0)
    for fd in (0, 1, 2):
        os.dup2(s, fd)
    os.close(m)
    os.execvp(sys.argv[1], sys.argv[1:])
out = b""
done = False
while not done:
    done = os.waitpid(pid, os.WNOHANG)[0] != 0
    while select.select([m], [], [], 0.05)[0]:
        try:
            chunk = os.read(m, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
n = array.array("i", [0])
fcntl.ioctl(s, termios.FIONREAD, n)
print("caller-tty", me)
for line in out.decode(errors="replace").replace("\r", "").splitlines():
    print("payload", line)
print("queued", n[0])
EOF
}

INJECT='import fcntl, os, termios
print("tty", os.ttyname(0))
for c in b"echo pwned\n":
    fcntl.ioctl(0, termios.TIOCSTI, bytes([c]))'

test_ns_enter_pty_blocks_tiocsti() {
	need_tool ns-enter ns-unshare || return 0
	need_cmd python3 || return 0
	local pid res
	ns-unshare --uts sleep 30 </dev/null >/dev/null 2>&1 &
	pid=$!
	wait_for "[ \"\$(ns_ino $pid uts)\" != \"\$(ns_ino $$ uts)\" ]"
	res=$(tiocsti_run ns-enter -t "$pid" --uts python3 -c "$INJECT" 2>&1)
	if ! echo "$res" | grep -q "^queued [1-9]"; then
		kill "$pid"
		skip_test "TIOCSTI does not work here (dev.tty.legacy_tiocsti=0?): $res"
		return 0
	fi
	res=$(tiocsti_run ns-enter -t "$pid" --uts --pty python3 -c "$INJECT" 2>&1)
	kill "$pid"
	wait "$pid" 2>/dev/null
	assertContains "the payload ran: $res" "$res" "payload tty /dev/pts/"
	assertContains "nothing reached the caller's terminal: $res" "$res" "queued 0"
	local me tty
	me=$(echo "$res" | awk '$1 == "caller-tty" { print $2 }')
	tty=$(echo "$res" | awk '$2 == "tty" { print $3 }')
	assertNotEquals "the payload has a terminal of its own: $res" "$me" "$tty"
	return 0
}

# --- the payload and the host's binaries --------------------------------------

# runc CVE-2019-5736 (/proc/self/exe of the runtime overwritten from the
# container): boxutils tools exec, so /proc/self/exe is the payload's own
# binary; a payload in a pivoted root with its own PID namespace must see
# no process whose exe is a host binary (no waiting tool, no helper), and
# its own exe is the image's.
test_payload_cannot_reach_host_binaries() {
	need_tool pivot ns-unshare || return 0
	image
	run unshare --mount --propagation private ns-unshare --pid --fork \
		pivot "$T/img" /bin/sh -c '
		for e in /proc/[0-9]*/exe; do readlink "$e"; done | sort -u
		for p in /proc/[0-9]*; do cat "$p/comm"; done | sort -u | tr "\n" " "'
	assertEquals "exit (err: $err)" 0 "$rc"
	assertEquals "every process inside runs the image's binary" "/bin/busybox" \
		"$(echo "$out" | head -1)"
	assertEquals "only the image's processes are visible" \
		"$(echo "$out" | sed -n 2p | tr ' ' '\n' | grep -v -e '^sh$' -e '^cat$' -e '^ls$' -e '^readlink$' -e '^sort$' -e '^tr$' -e '^busybox$' -e '^$')" ""
}

# --- leaked cwd and fds ------------------------------------------------------

# runc CVE-2024-21626 ("Leaky Vessels": an fd to the host's cgroupfs
# leaked into the container and the cwd set through it): after pivot the
# payload's cwd is inside the new root even when the caller's was outside
# it, its root is the new root, and no fd of its own (above the caller's
# 0, 1 and 2) points outside the root.
test_cwd_and_fds_inside_root_after_pivot() {
	need_tool pivot || return 0
	image
	mkdir -p "$T/img/marker-root"
	# the caller sits in a host directory outside the image
	run sh -c 'cd "$1/victim" && unshare --mount --propagation private \
		pivot "$1/img" /bin/sh -c "
		ls -d /proc/self/cwd/marker-root >/dev/null && echo cwd-inside
		[ \"\$(stat -L -c %d:%i /proc/self/cwd)\" = \"\$(stat -c %d:%i /)\" ] && echo cwd-is-root
		[ \"\$(readlink /proc/self/root)\" = / ] && echo root-is-root
		for f in /proc/self/fd/*; do
			case \$f in */[012]) continue ;; esac
			readlink \$f
		done | grep -c -e unreachable -e \"$1\"; true"' sh "$T"
	assertEquals "exit (err: $err)" 0 "$rc"
	assertEquals "cwd and fds of the payload" "cwd-inside
cwd-is-root
root-is-root
0" "$out"
}

# The same for ns-enter into a pivoted container from a host directory:
# the entered program starts at the container's root, not the caller's
# cwd (nsenter's and runc exec's cwd-outside-root class).
test_ns_enter_cwd_inside_container() {
	need_tool pivot ns-unshare ns-enter || return 0
	local pid inner
	image
	mkdir -p "$T/img/marker-root"
	unshare --mount --propagation private ns-unshare --pid --fork \
		pivot "$T/img" /bin/sleep 30 </dev/null >/dev/null 2>&1 &
	pid=$!
	# unshare execs ns-unshare, whose child execs pivot, then sleep
	wait_for "pgrep -x sleep -P $pid >/dev/null" 100
	inner=$(pgrep -x sleep -P "$pid" | head -1)
	if [ -z "$inner" ]; then
		kill "$pid"
		fail "the container did not start"
		return 0
	fi
	run sh -c 'cd "$1" && ns-enter -t "$2" --mount --pid /bin/sh -c "ls -d marker-root && readlink /proc/self/cwd"' \
		sh "$T/victim" "$inner"
	kill -KILL "$inner"
	wait "$pid" 2>/dev/null
	assertEquals "exit (err: $err)" 0 "$rc"
	assertEquals "the entered program starts in the container's root" "marker-root
/" "$out"
	return 0
}

box_run_suite
