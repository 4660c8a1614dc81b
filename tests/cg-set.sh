#!/bin/bash
# tests/cg-set.sh - cg-set changes the limits of an existing cgroup with
# the same options as cg-create, and changes nothing on bad input.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"

test_set_changes_limits() {
	need_ctrl pids || return 0
	need_ctrl cpu || return 0
	cg-create $CG_R --pids 10 "$CG_T/chg"
	run cg-set $CG_R --pids 33 --cpus 1.5 "$CG_T/chg"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "pids" 33 "$(cg_read pids chg pids.max pids.max)"
	if cg_is_v2 cpu; then
		assertEquals "cpu.max" "150000 100000" "$(cg_read cpu chg cpu.max)"
	else
		assertEquals "quota" 150000 "$(cg_read cpu chg - cpu.cfs_quota_us)"
	fi
	run cg-set $CG_R --pids max --cpus max "$CG_T/chg"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "pids lifted" max "$(cg_read pids chg pids.max pids.max)"
	if cg_is_v2 cpu; then
		assertEquals "cpu lifted" "max 100000" "$(cg_read cpu chg cpu.max)"
	else
		assertEquals "cpu lifted" -1 "$(cg_read cpu chg - cpu.cfs_quota_us)"
	fi
}

test_raising_memory_and_swap_together() {
	need_ctrl memory || return 0
	if ! cg_is_v2 memory && [ ! -e "$(cg_mnt memory)/memory.memsw.limit_in_bytes" ]; then
		skip_test "no v1 swap accounting"
		return 0
	fi
	cg-create $CG_R --memory 10M --memory-swap 20M "$CG_T/mem" || {
		skip_test "memory-swap not settable here"
		return 0
	}
	# v1 refuses memory above memsw: the memsw limit must move first
	run cg-set $CG_R --memory 100M --memory-swap 200M "$CG_T/mem"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "memory" 104857600 "$(cg_read memory mem memory.max memory.limit_in_bytes)"
	run cg-set $CG_R --memory 50M --memory-swap 60M "$CG_T/mem"
	assertEquals "lowering (stderr: $err)" 0 "$rc"
	assertEquals "memory" 52428800 "$(cg_read memory mem memory.max memory.limit_in_bytes)"
}

test_bad_input_changes_nothing() {
	local a before
	need_ctrl pids || return 0
	cg-create $CG_R --pids 10 "$CG_T/keep"
	before=$(cg_snapshot)
	for a in "--pids 0" "--pids -1" "--pids 99999999999999999999999" \
		"--memory 12X" "--cpus 0" "--cpu-weight 10001" "--set x" ""; do
		# shellcheck disable=SC2086
		cg_bad_input cg-set $CG_R $a "$CG_T/keep"
	done
	# a valid limit next to a bad one is not written either
	cg_bad_input cg-set $CG_R --pids 5 --cpus 0 "$CG_T/keep"
	assertEquals "pids unchanged" 10 "$(cg_read pids keep pids.max pids.max)"
	cg_bad_input cg-set $CG_R --pids 5 "$CG_T/../keep"
	assertEquals "nothing made" "$before" "$(cg_snapshot)"
}

test_missing_cgroup_is_an_error_and_not_made() {
	need_ctrl pids || return 0
	run cg-set $CG_R --pids 5 "$CG_T/absent"
	assertEquals "status" 125 "$rc"
	assertContains "$err" "No such file"
	assertFalse "not made" "[ -d '$(cg_dir pids absent)' ]"
}

test_owner_can_be_set_later() {
	cg-create $CG_R "$CG_T/later"
	run cg-set $CG_R --owner 65534:65534 "$CG_T/later"
	assertEquals "status (stderr: $err)" 0 "$rc"
	local d
	for d in $(cg_all_dirs later); do
		assertEquals "$d" 65534:65534 "$(stat -c %u:%g "$d/cgroup.procs")"
	done
}

box_run_suite
