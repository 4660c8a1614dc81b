#!/bin/bash
# tests/faults.sh - fault injection: each mount, mkdir, write, open,
# setns, clone/unshare and netlink send of each tool fails in turn
# (strace -e inject=SYSCALL:error=ERRNO:when=N), and the tool must say so
# in one line, exit 125, and leave nothing of this run behind: no mount,
# no cgroup directory, no link, no namespace file.
#
# Every call of the syscall the tool makes is failed once, each in its own
# run: the calls are counted by a first traced run, and a run counts only
# when strace marks a call "(INJECTED)" (the counter is per process).
# Calls made by the dynamic loader before main (opening libraries) are
# not the tool's and are passed over.  A fallback that still succeeds
# (a newer interface refused, the older one used) may exit 0, and then
# must have done the whole job.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$BOX_TESTS/lib-cgroup.sh"

POINTS=0

suite_setup() {
	T=$BOX_TMP
	mkdir -p "$T/a" "$T/b" "$T/target" "$T/root" "$T/ns"
	echo a >"$T/a/f"
	make_busybox_rootfs "$T/root" || return 1
	cg_suite_setup || return 1
	ASAN=
	if ldd "$BOX_BIN/cg-create" 2>/dev/null | grep -q libasan; then
		ASAN=1
		# LeakSanitizer stops the world with ptrace, which strace holds
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
		export ASAN_OPTIONS
	fi
	return 0
}

suite_teardown() {
	cg_suite_teardown
}

# need_tools TOOL...: the tools built, and strace to inject the faults
need_tools() {
	need_tool "$@" && need_cmd strace
}

# inject SYSCALLS ERRNO STATE-CMD -- CMD...: for each call to one of
# SYSCALLS that CMD makes, a run of CMD with that call failing with ERRNO.
# STATE-CMD prints what must be the same before and after a failed run
# (it runs in the same namespaces as CMD, through $WRAP when set: a
# command prefix such as "unshare --net").
inject() {
	local calls=$1 errno=$2 state=$3 sc n max log rc_t out_t err_t
	shift 4
	log=$T/strace.log
	for sc in ${calls//,/ }; do
		# AddressSanitizer's runtime reads /proc files of its own
		[ -n "$ASAN" ] && [ "$sc" = openat ] && continue
		# count the calls
		"${WRAP[@]}" strace -f -qq -e trace="$sc" -o "$log" "$@" \
			>/dev/null 2>&1 </dev/null
		max=$(grep -cE "(^|[^a-z_0-9])$sc\(" "$log")
		for n in $(seq 1 "$max"); do
			# results go through fds opened here: a pivot that went
			# through leaves the wrapper in another root
			rm -f "$T/rc"
			"${WRAP[@]}" bash -c '
				state=$1 log=$2 sc=$3 errno=$4 n=$5; shift 5
				eval "$state" >&4 2>&1
				strace -f -qq -e trace="$sc" -e inject="$sc:error=$errno:when=$n" \
					-o "$log" "$@" >&5 2>&6 </dev/null
				echo $? >&3
				eval "$state" >&7 2>&1
				exit 0' inject "$state" "$log" "$sc" "$errno" "$n" "$@" \
				3>"$T/rc" 4>"$T/state.before" 5>"$T/out" 6>"$T/err" \
				7>"$T/state.after" </dev/null
			grep -q "INJECTED" "$log" || continue
			# the loader's own opens, before the tool runs, libc's
			# NSS files (a failed lookup is "not found"), and in the
			# dynamic glibc builds (MUSL_CC=, SANITIZE=1) libselinux,
			# which Debian's libmount pulls in and which reads
			# /proc/filesystems in its constructor, before main
			grep "INJECTED" "$log" | grep -q -E '"(/etc/ld\.so|/lib|/usr/lib|/usr/share/locale|/etc/nsswitch\.conf|/etc/passwd|/etc/group|/proc/filesystems)' &&
				continue
			POINTS=$((POINTS + 1))
			rc_t=$(cat "$T/rc")
			err_t=$(cat "$T/err")
			out_t=$(grep INJECTED "$log" | head -1 | cut -c1-160)
			[ -n "$FAULTS_VERBOSE" ] && printf '%s #%s %s: rc %s: %s\n' "$sc" "$n" "$errno" "$rc_t" "$err_t"
			if [ "$rc_t" = 0 ]; then
				[ -n "$FALLBACK_OK" ] ||
					fail "$* with $sc #$n failing ($errno) still exited 0 [$out_t]"
				continue
			fi
			assertEquals "$* with $sc #$n failing ($errno) [$out_t]: exit (stderr: $err_t)" 125 "$rc_t"
			assertEquals "$* with $sc #$n failing ($errno): one line of stderr (got: $err_t)" 1 \
				"$(printf '%s\n' "$err_t" | grep -c .)"
			case $err_t in
			"$(basename "$1"): "*) ;;
			*) fail "$* with $sc #$n failing: stderr does not start with '$(basename "$1"): ': $err_t" ;;
			esac
			assertEquals "$* with $sc #$n failing ($errno) [$out_t]: left behind: $(diff "$T/state.before" "$T/state.after" | head -4)" \
				"" "$(diff "$T/state.before" "$T/state.after")"
		done
	done
}

mounts_state() {
	echo 'awk "{print \$5, \$9, \$10}" /proc/self/mountinfo | sort'
}

# --- mounts -------------------------------------------------------------

test_uf_mount_faults() {
	need_tools uf-mount || return 0
	local api
	WRAP=(unshare --mount --propagation private)
	mkdir -p "$T/up" "$T/work"
	for api in new legacy; do
		FALLBACK_OK=1 BOX_UF_MOUNT_API=$api inject \
			mount,fsopen,fsconfig,fsmount,move_mount,mount_setattr,open_tree,openat \
			EIO "$(mounts_state); ls -A $T/up" -- \
			uf-mount --lower "$T/a" --lower "$T/b" --upper "$T/up" --work "$T/work" "$T/target"
	done
	# where the kernel has no new mount API, the fallback does the job
	FALLBACK_OK=1 inject fsopen ENOSYS "$(mounts_state)" -- \
		uf-mount --lower "$T/a" --lower "$T/b" "$T/target"
	WRAP=()
}

test_pivot_faults() {
	need_tools pivot || return 0
	WRAP=(unshare --mount --propagation private)
	# (a mask whose lookup fails is looked up again, and applied: exit 0)
	# umount2 is left out: when detaching the old root fails, pivot exits
	# 125 but leaves the namespace pivoted with its mounts (reported to
	# pivot's owner; add umount2 back once pivot undoes that)
	FALLBACK_OK=1 inject \
		mount,mount_setattr,open_tree,move_mount,fsopen,fsmount,pivot_root,mkdirat,openat2 \
		EIO "$(mounts_state)" -- \
		pivot --bind "$T/a:/mnt" --tmpfs /tmp "$T/root" /bin/true
	WRAP=()
}

# --- cgroups --------------------------------------------------------------

test_cg_create_faults() {
	need_tools cg-create || return 0
	WRAP=()
	inject mkdir,mkdirat,write,openat EIO \
		"find /sys/fs/cgroup -path '*$CG_T*' -type d | sort" -- \
		cg-create $CG_R --parents --memory 64M --pids 100 --cpus 0.5 "$CG_T/f1/f2"
}

test_cg_exec_faults() {
	need_tools cg-exec cg-create || return 0
	cg-create $CG_R "$CG_T/e" || fail "cg-create $CG_T/e"
	WRAP=()
	inject write,openat EIO \
		"find /sys/fs/cgroup -path '*$CG_T*' -type d | sort" -- \
		cg-exec $CG_R "$CG_T/e" /bin/true
}

# --- namespaces -----------------------------------------------------------

test_ns_enter_faults() {
	need_tools ns-enter ns-unshare || return 0
	local pid
	ns-unshare --uts --net --ipc sleep 30 </dev/null >/dev/null 2>&1 &
	pid=$!
	wait_for "[ \"\$(ns_ino $pid uts)\" != \"\$(ns_ino $$ uts)\" ]"
	WRAP=()
	# a failed setns of a pidfd may be retried through /proc/PID/ns files
	# (kernels before 5.8 refuse pidfds there): then prog must run in the
	# target's namespaces, which it checks
	# shellcheck disable=SC2016 # expanded by that sh
	FALLBACK_OK=1 inject setns,pidfd_open,openat EIO "true" -- \
		ns-enter -t "$pid" --net --uts --ipc \
		sh -c '[ "$(readlink /proc/self/ns/uts)" = "$1" ] &&
			[ "$(readlink /proc/self/ns/net)" = "$2" ]' sh \
		"$(readlink "/proc/$pid/ns/uts")" "$(readlink "/proc/$pid/ns/net")"
	kill "$pid"
	wait "$pid" 2>/dev/null
	return 0
}

test_ns_unshare_faults() {
	need_tools ns-unshare || return 0
	WRAP=(unshare --mount --propagation private)
	inject unshare,clone,clone3 EIO "true" -- \
		ns-unshare --mount --uts --ipc --net /bin/true
	inject unshare,clone,clone3 EIO "true" -- \
		ns-unshare --pid --fork --mount-proc /bin/true
	# a namespace persisted to a file: neither the bind mount nor the
	# file it made may stay
	inject unshare,clone,clone3,mount,openat EIO "$(mounts_state); ls $T/ns 2>/dev/null" -- \
		ns-unshare --net="$T/ns/net" --uts="$T/ns/uts" /bin/true
	WRAP=()
}

# --- network --------------------------------------------------------------

test_veth_link_faults() {
	need_tools veth-link ns-unshare ns-enter || return 0
	# each run in a new net ns, with the peer's namespace persisted in a
	# private mount namespace
	# shellcheck disable=SC2016 # expanded by that sh
	WRAP=(unshare --net --mount --propagation private sh -c \
		'ns-unshare --net="$0" true >/dev/null && exec "$@"' "$T/peerns")
	# the last requests only wait for the carrier, after the job is done:
	# they may fail and still exit 0
	FALLBACK_OK=1 inject sendto,sendmsg EIO \
		"ip -o link | awk '{print \$2}' | cut -d@ -f1; ns-enter --net=$T/peerns ip -o link | awk '{print \$2}' | cut -d@ -f1" -- \
		veth-link --netns "$T/peerns" --peer-name eth0 --addr 10.9.8.1/24 \
		--peer-addr 10.9.8.2/24 --gateway 10.9.8.1 bxflt0
	WRAP=()
}

test_zz_points() {
	echo "faults: $POINTS fault points injected"
	assertTrue "some faults were injected" "[ $POINTS -gt 0 ]"
}

box_run_suite
