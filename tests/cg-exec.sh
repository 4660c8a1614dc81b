#!/bin/bash
# tests/cg-exec.sh - cg-exec moves its own process into the cgroup (in
# every hierarchy, or those named with -g) and execs prog without a fork.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"

# The cgroup lines of /proc/self/cgroup for real hierarchies ending in SUB.
_lines_in() {
	grep -c "/${CG_T#/}/$2\$" <<<"$1"
}

test_exec_joins_every_hierarchy() {
	cg-create $CG_R "$CG_T/all"
	run cg-exec $CG_R "$CG_T/all" cat /proc/self/cgroup
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "every hierarchy" "$(cg_all_dirs | wc -l)" "$(_lines_in "$out" all)"
}

test_exec_does_not_fork() {
	cg-create $CG_R "$CG_T/nofork"
	run bash -c 'echo $$; exec "$@"' bash cg-exec $CG_R "$CG_T/nofork" \
		sh -c 'echo $$; cat /proc/$$/cgroup'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "same PID before and after" "$(sed -n 1p <<<"$out")" \
		"$(sed -n 2p <<<"$out")"
	assertContains "$out" "/nofork"
}

# On v1 the move goes through "tasks", which skips the kernel's global
# threadgroup lock (an RCU grace period, 5-10 ms): cgroup.procs is only
# for cgroup2.  Checked with strace, as the difference is only in time.
test_v1_moves_through_tasks() {
	local trace
	need_ctrl pids || return 0
	cg_is_v2 pids && { skip_test "pids is on cgroup2 here: no v1 hierarchy"; return 0; }
	command -v strace >/dev/null || { skip_test "no strace"; return 0; }
	cg-create $CG_R "$CG_T/tasks"
	trace=$(strace -f -e trace=openat,openat2 -o /dev/stdout \
		cg-exec $CG_R -g pids:"$CG_T/tasks" true 2>&1)
	assertContains "$trace" "${CG_T#/}/tasks/tasks"
	assertNotContains "$trace" "cgroup.procs"
}

test_dash_g_joins_only_the_named_controllers() {
	local line
	need_ctrl pids || return 0
	cg-create $CG_R "$CG_T/g"
	run cg-exec $CG_R -g pids:"$CG_T/g" cat /proc/self/cgroup
	assertEquals "status (stderr: $err)" 0 "$rc"
	if cg_is_v2 pids; then
		line=$(grep '^0::' <<<"$out")
	else
		line=$(grep -E '^[0-9]+:([^:]*,)?pids(,[^:]*)?:' <<<"$out")
		if cg_has memory && ! cg_is_v2 memory; then
			assertNotContains "memory not joined" \
				"$(grep -E ':([^:]*,)?memory(,[^:]*)?:' <<<"$out")" "/g"
		fi
	fi
	assertContains "pids joined" "$line" "${CG_T#/}/g"
	run cg-exec $CG_R -g '*':"$CG_T/g" cat /proc/self/cgroup
	assertEquals "* joins all" "$(cg_all_dirs | wc -l)" "$(_lines_in "$out" g)"
}

# cgexec's --sticky keeps cgrulesengd from moving the process; boxutils
# has no such daemon, so it is accepted and changes nothing.
test_sticky_is_accepted() {
	need_ctrl pids || return 0
	cg-create $CG_R "$CG_T/sticky"
	run cg-exec $CG_R --sticky -g pids:"$CG_T/sticky" cat /proc/self/cgroup
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "joined" "$out" "${CG_T#/}/sticky"
}

test_exit_status_of_prog_is_passed_on() {
	cg-create $CG_R "$CG_T/st"
	run cg-exec $CG_R "$CG_T/st" sh -c 'exit 7'
	assertEquals "prog's status" 7 "$rc"
	run cg-exec $CG_R "$CG_T/st" /nonexistent/prog
	assertEquals "not found" 127 "$rc"
	run cg-exec $CG_R "$CG_T/st" /dev/null
	assertEquals "not runnable" 126 "$rc"
}

# --fork: prog is a child made in the cgroup, cg-exec its waiting parent
test_fork_runs_prog_as_a_child_in_the_cgroup() {
	local parent
	cg-create $CG_R "$CG_T/fk"
	run bash -c 'echo $$; exec "$@"' bash cg-exec $CG_R --fork "$CG_T/fk" \
		sh -c 'echo $PPID; cat /proc/self/cgroup'
	assertEquals "status (stderr: $err)" 0 "$rc"
	parent=$(sed -n 1p <<<"$out")
	assertEquals "prog's parent is cg-exec" "$parent" "$(sed -n 2p <<<"$out")"
	assertEquals "every hierarchy" "$(cg_all_dirs | wc -l)" "$(_lines_in "$out" fk)"
	run cg-exec $CG_R -f -g pids:"$CG_T/fk" cat /proc/self/cgroup
	assertEquals "-g with --fork (stderr: $err)" 0 "$rc"
	assertContains "$out" "${CG_T#/}/fk"
}

test_fork_passes_status_and_signals_on() {
	local p
	cg-create $CG_R "$CG_T/fs"
	run cg-exec $CG_R --fork "$CG_T/fs" sh -c 'exit 7'
	assertEquals "prog's status" 7 "$rc"
	run cg-exec $CG_R --fork "$CG_T/fs" sh -c 'kill -TERM $$'
	assertEquals "prog's signal" 143 "$rc"
	run cg-exec $CG_R --fork "$CG_T/fs" /nonexistent/prog
	assertEquals "not found" 127 "$rc"
	# a TERM sent to cg-exec reaches prog, which says so in its status
	cg-exec $CG_R --fork "$CG_T/fs" \
		sh -c 'trap "exit 42" TERM; echo up >'"$BOX_TMP/fs.up"'; while :; do sleep 0.05; done' &
	p=$!
	wait_for "[ -s '$BOX_TMP/fs.up' ]"
	kill -TERM "$p"
	wait "$p"
	assertEquals "TERM passed on" 42 $?
}

# On cgroup2 the child is made inside the cgroup: no cgroup.procs write.
test_fork_makes_the_child_inside_the_cgroup2_cgroup() {
	local trace
	[ -n "$CG_V2" ] || { skip_test "no cgroup2 mount"; return 0; }
	command -v strace >/dev/null || { skip_test "no strace"; return 0; }
	cg-create $CG_R "$CG_T/fc"
	trace=$(strace -f -e trace=clone3,openat,openat2 -o /dev/stdout \
		cg-exec $CG_R --fork "$CG_T/fc" true 2>&1)
	assertContains "$trace" "CLONE_INTO_CGROUP"
	assertNotContains "$trace" "cgroup.procs"
}

# A kernel without clone3 (before 5.3: ENOSYS) or CLONE_INTO_CGROUP
# (before 5.7: EINVAL): a plain fork, and the child moves itself.
test_fork_falls_back_without_clone_into_cgroup() {
	local e
	command -v strace >/dev/null || { skip_test "no strace"; return 0; }
	cg-create $CG_R "$CG_T/fb"
	for e in ENOSYS EINVAL; do
		run strace -f -o /dev/null -e trace=clone3 -e inject=clone3:error=$e \
			cg-exec $CG_R --fork "$CG_T/fb" cat /proc/self/cgroup
		assertEquals "$e: status (stderr: $err)" 0 "$rc"
		assertEquals "$e: every hierarchy" "$(cg_all_dirs | wc -l)" "$(_lines_in "$out" fb)"
	done
	# a refusal is not a missing feature: said, not worked around
	[ -n "$CG_V2" ] || return 0
	run strace -f -o /dev/null -e trace=clone3 -e inject=clone3:error=EACCES \
		cg-exec $CG_R --fork "$CG_T/fb" sh -c 'echo ran'
	assertEquals "EACCES: refused" 125 "$rc"
	assertContains "$err" "clone3"
	assertNotContains "$out" "ran"
}

test_fork_bad_input_starts_nothing() {
	run cg-exec $CG_R --fork "$CG_T/nonexistent" sh -c 'echo ran'
	assertEquals "missing" 125 "$rc"
	assertNotContains "$out" "ran"
	cg_bad_input cg-exec $CG_R --fork "$CG_T/../x" true
	cg_bad_input cg-exec $CG_R --fork -g nosuchctrl:"$CG_T" true
}

test_no_prog_runs_the_shell() {
	cg-create $CG_R "$CG_T/sh"
	out=$(echo 'cat /proc/self/cgroup' | SHELL=/bin/sh cg-exec $CG_R "$CG_T/sh")
	assertContains "$out" "${CG_T#/}/sh"
}

test_missing_cgroup_and_bad_input() {
	run cg-exec $CG_R "$CG_T/nonexistent" true
	assertEquals "missing" 125 "$rc"
	assertContains "$err" "cg-create"
	cg_bad_input cg-exec $CG_R "$CG_T/../x" true
	cg_bad_input cg-exec $CG_R "$CG_T//x" true
	cg_bad_input cg-exec $CG_R -g nosuchctrl:"$CG_T" true
	cg_bad_input cg-exec $CG_R -g :"$CG_T" true
	cg_bad_input cg-exec $CG_R -g pids "$CG_T" true
	cg_bad_input cg-exec $CG_R
}

test_unprivileged_user_cannot_enter_a_cgroup_not_delegated() {
	need_nobody || return 0
	cg-create $CG_R "$CG_T/notmine"
	run as_nobody cg-exec $CG_R "$CG_T/notmine" true
	assertEquals "refused" 125 "$rc"
	assertContains "$err" "Permission denied"
	assertContains "hint names the owner" "$err" "uid 0"
}

test_delegated_user_enters_its_cgroup() {
	need_nobody || return 0
	cg-create $CG_R --owner 65534 "$CG_T/mine"
	if [ -n "$CG_V2" ]; then
		# v2 also needs the common ancestor's cgroup.procs: start inside
		cg-create $CG_R --owner 65534 "$CG_T/mine/a"
		run cg-exec $CG_R "$CG_T/mine" setpriv --reuid=65534 \
			--regid=65534 --clear-groups \
			cg-exec --relative a cat /proc/self/cgroup
		assertEquals "status (stderr: $err)" 0 "$rc"
		assertContains "$out" "/mine/a"
		return 0
	fi
	run as_nobody cg-exec $CG_R "$CG_T/mine" cat /proc/self/cgroup
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "every hierarchy" "$(cg_all_dirs | wc -l)" "$(_lines_in "$out" mine)"
}

test_v2_delegation_hint_names_the_common_ancestor_rule() {
	need_nobody || return 0
	if [ -z "$CG_V2" ]; then
		skip_test "no cgroup2 mount"
		return 0
	fi
	cg-create $CG_R --owner 65534 "$CG_T/anc"
	run as_nobody cg-exec $CG_R "$CG_T/anc" true
	assertEquals "refused" 125 "$rc"
	assertContains "$err" "common ancestor"
}

test_v2_joining_an_inner_cgroup_is_explained() {
	if ! cg_is_v2 memory; then
		skip_test "the memory controller is not on cgroup2 here (v1 or hybrid host)"
		return 0
	fi
	# a limit on inner/leaf enables memory in inner's subtree_control,
	# after which inner takes no processes
	cg-create $CG_R --parents --memory 64M "$CG_T/inner/leaf"
	run cg-exec $CG_R "$CG_T/inner" true
	assertEquals "refused" 125 "$rc"
	assertContains "$err" "busy" # EBUSY: glibc and musl word it differently
	assertContains "$err" "no-internal-process"
	run cg-exec $CG_R --fork "$CG_T/inner" true
	assertEquals "refused with --fork" 125 "$rc"
	assertContains "$err" "clone3"
	assertContains "$err" "no-internal-process"
	run cg-exec $CG_R "$CG_T/inner/leaf" true
	assertEquals "the leaf is fine (stderr: $err)" 0 "$rc"
	run cg-exec $CG_R --fork "$CG_T/inner/leaf" true
	assertEquals "the leaf is fine with --fork (stderr: $err)" 0 "$rc"
}

# In a cgroup namespace whose hierarchies are mounted anew (what engines
# and the tests' Podman and containerd preludes do), the host's mounts
# below them show roots outside the namespace ("/.."): the tools go by
# the new mounts, so --relative works there.
test_relative_in_a_cgroup_namespace_with_the_hierarchies_remounted() {
	need_root || return 0
	need_cmd unshare || return 0
	need_ctrl pids || return 0
	if [ -z "$CG_R" ]; then
		skip_test "no --relative here (a pure v2 host whose suite sits in a leaf)"
		return 0
	fi
	cg-create $CG_R "$CG_T/cgns" || { fail "cg-create"; return; }
	run cg-exec $CG_R "$CG_T/cgns" unshare -m -C --propagation private sh -c "
		sh '$BOX_TESTS/lib-cgns.sh' '$BOX_TMP/cgmounts' || exit 99
		cg-create --relative inner && cg-exec --relative inner cat /proc/self/cgroup"
	assertEquals "inside the namespace (stderr: $err)" 0 "$rc"
	assertContains "joined its own cgroup, relative to the namespace's root" "$out" "pids:/inner"
	assertTrue "made below the test's cgroup on the host" "[ -d '$(cg_dir pids cgns)/inner' ]"
	cg-delete $CG_R --recursive "$CG_T/cgns"
}

box_run_suite
