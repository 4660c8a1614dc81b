#!/bin/bash
# tests/vm/selftest.sh - checks the pure cgroup v2 VM itself (run inside
# it by tests/vm/init; tests/run.sh does not list it).  On a host that is
# not pure cgroup v2 every test skips with the reason.
#
# Alone, on a pure v2 host:  bash tests/vm/selftest.sh
# In the VM:  BOX_VM_SUITES=selftest tests/run.sh tests/vm/run.sh

# shellcheck source=../lib.sh
. "$(dirname "$0")/../lib.sh"

CG=/sys/fs/cgroup
WANT="cpu memory io pids cpuset"

need_pure_v2() {
	if [ "$(stat -f -c %T $CG 2>/dev/null)" != cgroup2fs ]; then
		skip_test "$CG is not a cgroup2 mount (not a pure cgroup v2 host)"
		return 1
	fi
}

# own cgroup's directory, from the v2 line "0::/path"
own_cgroup() {
	echo "$CG$(sed -n 's/^0:://p' /proc/self/cgroup)"
}

has_words() { # LIST WORD... : every WORD is in LIST
	local w
	for w in "${@:2}"; do
		case " $1 " in *" $w "*) ;; *) return 1 ;; esac
	done
}

test_cgroup_fs_is_cgroup2_only() {
	need_pure_v2 || return 0
	assertEquals "cgroup2fs" "$(stat -f -c %T $CG)"
	assertEquals "no cgroup v1 hierarchy mounted" 0 \
		"$(awk '$9 == "cgroup"' /proc/self/mountinfo | wc -l)"
	assertEquals "/proc/self/cgroup has one v2 line" 1 \
		"$(grep -c '^0::/' /proc/self/cgroup)"
}

test_root_has_the_controllers() {
	need_pure_v2 || return 0
	local have
	have=$(cat $CG/cgroup.controllers)
	has_words "$have" $WANT
	assertTrue "root controllers '$have' include '$WANT'" $?
}

test_own_cgroup_is_delegated() {
	need_pure_v2 || return 0
	local own have
	own=$(own_cgroup)
	assertNotEquals "the suite is not in the root cgroup" "$CG/" "$own"
	have=$(cat "$own/cgroup.controllers")
	if [ -z "$BOX_VM" ] && ! has_words "$have" $WANT; then
		skip_test "own cgroup $own has only '$have' delegated"
		return 0
	fi
	has_words "$have" $WANT
	assertTrue "own cgroup controllers '$have' include '$WANT'" $?
}

# The no-internal-process rule as a suite meets it: with the suite's
# shell in its own cgroup, no controller can be enabled below it; once
# the shell moves into a leaf, one can -- and limits then act below.
test_leaf_layout_allows_children_with_controllers() {
	need_pure_v2 || return 0
	if [ -z "$BOX_VM" ]; then
		skip_test "moves the suite's own process; only inside the VM"
		return 0
	fi
	local own leaf box
	own=$(own_cgroup)
	leaf=$own/selftest-leaf box=$own/selftest-box
	local procs
	# read is a builtin: $(cat ...) would itself add two processes.
	read -r -d '' procs <"$own/cgroup.procs"
	assertEquals "the suite shell is alone in its cgroup" "$$" "${procs%$'\n'}"
	( echo +memory >"$own/cgroup.subtree_control" ) 2>/dev/null
	assertFalse "enabling memory with a process inside must fail (EBUSY)" $?

	mkdir "$leaf" "$box" || { fail "mkdir under $own"; return; }
	echo $$ >"$leaf/cgroup.procs"
	local ok=yes
	echo "+memory +pids +cpu" >"$own/cgroup.subtree_control" || ok=no
	assertEquals "memory enabled once the shell is in a leaf" yes "$ok"
	assertTrue "box has memory.max" "[ -f $box/memory.max ]"
	echo 5 >"$box/pids.max"
	# A fork loop in the box stops at the limit (busybox sh: bash would
	# retry a refused fork for 15 s).
	busybox sh -c 'echo 0 >"$1/cgroup.procs"
		for i in 1 2 3 4 5 6 7 8 9 10; do sleep 5 & done' sh "$box" \
		>/dev/null 2>&1
	assertTrue "pids.events counts refused forks" \
		"[ \$(awk '/^max/{print \$2}' $box/pids.events) -gt 0 ]"
	[ -f "$box/cgroup.kill" ] && echo 1 >"$box/cgroup.kill"
	wait_for "[ ! -s $box/cgroup.procs ]"

	# Back to where we were, so init can remove the scope.
	rmdir "$box"
	echo "-memory -pids -cpu" >"$own/cgroup.subtree_control"
	echo $$ >"$own/cgroup.procs"
	rmdir "$leaf"
	assertEquals "back in own cgroup" "$own" "$(own_cgroup)"
}

test_boxutils_tools_present() {
	[ -n "$BOX_VM" ] || { skip_test "checks the VM image only"; return 0; }
	local n
	n=$(find "$BOX_BIN" -maxdepth 1 -type f -perm -u+x 2>/dev/null | wc -l)
	if [ "$n" -eq 0 ]; then
		skip_test "no tools were built into $BOX_BIN"
		return 0
	fi
	local t bad=
	for t in "$BOX_BIN"/*; do
		"$t" --version 2>/dev/null | grep -q boxutils || bad="$bad ${t##*/}"
	done
	assertEquals "tools that do not run in the VM:$bad" "" "$bad"
}

box_run_suite
