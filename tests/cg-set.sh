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

# The tutorial's commands as libcgroup users type them, with only the
# names changed (cgcreate -> cg-create ...): a user bork, made for the
# test and removed after, administers the cgroup.  On cgroup v1 bork
# runs cg-set and cg-exec himself; on cgroup v2 moving a process also
# needs write access to cgroup.procs of the nearest common ancestor,
# which bork lacks, so root runs the cg-exec step there.
test_libcgroup_tutorial_runs_with_the_names_changed() {
	local who=bork made="" d uid gid in
	need_ctrl memory || return 0
	need_cmd setpriv useradd userdel || return 0
	if id bork >/dev/null 2>&1; then
		skip_test "a user bork exists already; not touching it"
		return 0
	fi
	if useradd -M -s /bin/sh bork 2>/dev/null; then
		made=1
	else
		echo "NOTE: useradd failed here; the tutorial runs as nobody"
		who=nobody
	fi
	uid=$(id -u $who) gid=$(id -g $who)
	if ! setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		test -x "$BOX_BIN/cg-set"; then
		[ -n "$made" ] && userdel bork
		skip_test "$who cannot run $BOX_BIN/cg-set"
		return 0
	fi

	run cg-create $CG_R -a $who -g memory:"$CG_T/mycoolgroup"
	assertEquals "cg-create -a (stderr: $err)" 0 "$rc"
	d=$(cg_dir memory mycoolgroup)
	assertEquals "directory owner" "$uid" "$(stat -c %u "$d")"
	if cg_is_v2 memory; then
		assertEquals "memory.max owner" "$uid" "$(stat -c %u "$d/memory.max")"
		assertContains "memory enabled for it" \
			"$(cat "$(dirname "$d")/cgroup.subtree_control")" memory
	else
		assertEquals "limit owner" "$uid" "$(stat -c %u "$d/memory.limit_in_bytes")"
		assertFalse "only in the memory hierarchy" \
			"cg_has pids && ! cg_is_v2 pids && [ -d '$(cg_dir pids mycoolgroup)' ]"
	fi

	run setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		cg-set $CG_R -r memory.limit_in_bytes=10000000 "$CG_T/mycoolgroup"
	assertEquals "cg-set -r as $who (stderr: $err)" 0 "$rc"
	# the kernel keeps whole pages: 2441 of 4096 bytes
	assertEquals "limit" 9998336 \
		"$(cg_read memory mycoolgroup memory.max memory.limit_in_bytes)"

	if cg_is_v2 memory; then
		in=$(echo 'cat /proc/$$/cgroup' |
			cg-exec $CG_R -g memory:"$CG_T/mycoolgroup" bash)
		assertContains "bash ran in it: $in" "$in" "0::"
	else
		in=$(echo 'cat /proc/$$/cgroup' |
			setpriv --reuid="$uid" --regid="$gid" --clear-groups \
				cg-exec $CG_R -g memory:"$CG_T/mycoolgroup" bash)
		in=$(grep -E ':([^:]*,)?memory(,[^:]*)?:' <<<"$in")
	fi
	assertContains "bash ran in it: $in" "$in" "${CG_T#/}/mycoolgroup"

	run cg-delete $CG_R -g memory:"$CG_T/mycoolgroup"
	assertEquals "cg-delete -g (stderr: $err)" 0 "$rc"
	assertFalse "removed" "[ -d '$d' ]"
	[ -n "$made" ] && userdel bork
	assertFalse "user bork removed" "id bork >/dev/null 2>&1"
}

# cgset's -r writes a file as --set does; on cgroup v2 the v1 names the
# tutorials use become their v2 files, or are refused with what to use.
test_dash_r_and_v1_names_on_v2() {
	need_ctrl memory || return 0
	need_ctrl cpu || return 0
	cg-create $CG_R --parents "$CG_T/r"
	run cg-set $CG_R -r memory.limit_in_bytes=64M "$CG_T/r"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "memory" 67108864 \
		"$(cg_read memory r memory.max memory.limit_in_bytes)"
	run cg-set $CG_R -r memory.limit_in_bytes=-1 "$CG_T/r"
	assertEquals "lifted (stderr: $err)" 0 "$rc"
	if cg_is_v2 memory; then
		assertEquals "memory.max" max "$(cg_read memory r memory.max)"
		cg_bad_input cg-set $CG_R -r memory.swappiness=10 "$CG_T/r"
		assertContains "says why" "$err" "no per-cgroup swappiness"
	fi
	if ! cg_is_v2 cpu; then
		return 0
	fi
	run cg-set $CG_R -r cpu.shares=512 -r cpu.cfs_quota_us=50000 "$CG_T/r"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "shares as weight" 50 "$(cg_read cpu r cpu.weight)"
	assertEquals "quota, period kept" "50000 100000" "$(cg_read cpu r cpu.max)"
	cg_bad_input cg-set $CG_R -r cpu.cfs_period_us=50000 "$CG_T/r"
	assertContains "says what to use" "$err" "--cpus"
}

test_copy_from_copies_the_parameters() {
	need_ctrl pids || return 0
	need_ctrl memory || return 0
	cg-create $CG_R --pids 17 --memory 48M "$CG_T/src" "$CG_T/dst"
	cg-set $CG_R --pids 5 --memory max "$CG_T/dst"
	run cg-set $CG_R --copy-from "$CG_T/src" "$CG_T/dst"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "pids" 17 "$(cg_read pids dst pids.max pids.max)"
	assertEquals "memory" 50331648 \
		"$(cg_read memory dst memory.max memory.limit_in_bytes)"
	cg_bad_input cg-set $CG_R --copy-from "$CG_T/../x" "$CG_T/dst"
	run cg-set $CG_R --copy-from "$CG_T/absent" "$CG_T/dst"
	assertEquals "missing source" 125 "$rc"
}

test_options_may_follow_the_paths() {
	need_ctrl pids || return 0
	cg-create $CG_R "$CG_T/after"
	# shellcheck disable=SC2086
	run cg-set "$CG_T/after" --pids 9 $CG_R
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "pids" 9 "$(cg_read pids after pids.max pids.max)"
}

box_run_suite
