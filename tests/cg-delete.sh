#!/bin/bash
# tests/cg-delete.sh - cg-delete kills what runs inside and removes the
# cgroup bottom-up in every hierarchy.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"

test_delete_with_running_processes_leaves_nothing() {
	local p1 p2 d
	cg-create $CG_R "$CG_T/run"
	cg-exec $CG_R "$CG_T/run" sleep 60 &
	p1=$!
	# one that forks children of its own
	cg-exec $CG_R "$CG_T/run" bash -c 'sleep 60 & sleep 60 & wait' &
	p2=$!
	wait_for "[ \$(wc -l <'$(cg_all_dirs run | head -1)/cgroup.procs') -ge 4 ]"
	run cg-delete $CG_R "$CG_T/run"
	assertEquals "status (stderr: $err)" 0 "$rc"
	for d in $(cg_all_dirs run); do
		assertFalse "$d removed" "[ -d '$d' ]"
	done
	wait "$p1"
	assertEquals "sleep killed" 137 $?
	wait "$p2"
	assertEquals "forker killed" 137 $?
}

# No listing first: rmdir's EBUSY is what finds the processes, so one
# hierarchy with a process among several without must still end empty.
test_process_in_one_hierarchy_only() {
	local p d pids_dir
	need_ctrl pids || return 0
	cg-create $CG_R "$CG_T/one"
	cg-exec $CG_R -g pids:"$CG_T/one" sleep 60 &
	p=$!
	pids_dir=$(cg_dir pids one)
	wait_for "grep -q . '$pids_dir/cgroup.procs'"
	run cg-delete $CG_R "$CG_T/one"
	assertEquals "status (stderr: $err)" 0 "$rc"
	for d in $(cg_all_dirs one); do
		assertFalse "$d removed" "[ -d '$d' ]"
	done
	wait "$p"
	assertEquals "sleep killed" 137 $?
}

test_children_need_recursive() {
	local d
	cg-create $CG_R --parents "$CG_T/tree/a/b" "$CG_T/tree/c"
	run cg-delete $CG_R "$CG_T/tree"
	assertEquals "refused" 125 "$rc"
	assertContains "$err" "--recursive"
	for d in $(cg_all_dirs tree/a/b); do
		assertTrue "$d kept" "[ -d '$d' ]"
	done
	cg-exec $CG_R "$CG_T/tree/a/b" sleep 60 &
	wait_for "grep -q . '$(cg_all_dirs tree/a/b | head -1)/cgroup.procs'"
	run cg-delete $CG_R --recursive "$CG_T/tree"
	assertEquals "status (stderr: $err)" 0 "$rc"
	for d in $(cg_all_dirs tree); do
		assertFalse "$d removed" "[ -d '$d' ]"
	done
	wait
	return 0
}

test_several_paths() {
	cg-create $CG_R "$CG_T/s1" "$CG_T/s2"
	run cg-delete $CG_R "$CG_T/s1" "$CG_T/s2"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "gone" "" "$(cg_snapshot | grep '/s[12]$')"
}

# libcgroup's cgdelete: -r is --recursive, and CONTROLLERS:PATH, with or
# without -g, removes the cgroup in those hierarchies only.
test_libcgroup_syntax() {
	local d
	need_ctrl pids || return 0
	cg-create $CG_R --parents "$CG_T/lc/child" "$CG_T/one"
	# shellcheck disable=SC2086
	run cg-delete -r "$CG_T/lc" $CG_R
	assertEquals "-r after the path (stderr: $err)" 0 "$rc"
	assertEquals "gone" "" "$(cg_snapshot | grep '/lc')"
	run cg-delete $CG_R pids:"$CG_T/one"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertFalse "gone for pids" "[ -d '$(cg_dir pids one)' ]"
	if ! cg_is_v2 pids && [ -n "$CG_V2" ]; then
		d=$(_cg_dir_at "" "$CG_V2" one)
		assertTrue "kept in cgroup2 ($d)" "[ -d '$d' ]"
	fi
	if cg_is_v2 pids; then
		# cgroup2 was its only hierarchy
		assertEquals "gone everywhere" "" "$(cg_snapshot | grep '/one$')"
		cg-create $CG_R "$CG_T/one"
	fi
	run cg-delete $CG_R -g '*':"$CG_T/one"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "gone everywhere" "" "$(cg_snapshot | grep '/one$')"
	cg_bad_input cg-delete $CG_R -g nosuch:"$CG_T/x"
	cg_bad_input cg-delete $CG_R -g "$CG_T/x"
}

test_missing_and_bad_input() {
	local before
	run cg-delete $CG_R "$CG_T/absent"
	assertEquals "missing" 125 "$rc"
	assertContains "$err" "No such file"
	before=$(cg_snapshot)
	cg_bad_input cg-delete $CG_R "$CG_T/../$CG_T"
	cg_bad_input cg-delete $CG_R "$CG_T/."
	cg_bad_input cg-delete $CG_R --timeout -1 "$CG_T"
	cg_bad_input cg-delete $CG_R
	if [ -n "$CG_R" ]; then
		cg_bad_input cg-delete $CG_R /
	fi
	assertEquals "nothing removed" "$before" "$(cg_snapshot)"
}

box_run_suite
