#!/bin/bash
# tests/cg-device.sh - cg-create and cg-set --device: device rules in
# the v1 devices controller's files and, on cgroup2, in a BPF device
# program; what a process in the cgroup may open proves them.  On a
# hybrid host the cgroup2 part is tested alone too: a process that joins
# only the cgroup2 cgroup meets only the program.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"

XATTR=trusted.boxutils.devices

need_cgroup2() {
	[ -n "$CG_V2" ] && return 0
	skip_test "no cgroup2 hierarchy mounted"
	return 1
}

need_v1_devices() {
	[ -n "$(_cg_v1_devices)" ] && return 0
	skip_test "no v1 devices controller here"
	return 1
}

_cg_v1_devices() {
	local m
	m=$(cg_mnt devices) || return 0
	[ "$m" = "$CG_V2" ] || echo "$m"
}

# The file a process writes 0 to, to join $CG_T/SUB in cgroup2 or in the
# v1 devices hierarchy.
v2_join() { echo "$(_cg_dir_at "" "$CG_V2" "$1")/cgroup.procs"; }
v1_join() { echo "$(_cg_dir_at devices "$(_cg_v1_devices)" "$1")/tasks"; }

# mknod_in JOINFILE: "m" when a char device 1:3 can be made, else "-".
mknod_in() {
	rm -f "$BOX_TMP/node"
	bash -c 'exec 9>/dev/null
		echo 0 >"$1" || exit 99
		mknod "$2" c 1 3 2>&9 && echo m || echo -' _ "$1" "$BOX_TMP/node"
	rm -f "$BOX_TMP/node"
}

saved_rules() {
	getfattr --only-values -n "$XATTR" "$(_cg_dir_at "" "$CG_V2" "$1")" 2>/dev/null
}

test_cgroup2_program_enforces_rules() {
	need_cgroup2 || return 0
	run cg-create $CG_R --device 'deny a' --device 'allow c 1:3 rwm' "$CG_T/prog"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "null allowed, zero denied, in cgroup2 alone" "rw -- " \
		"$(access_in "$(v2_join prog)" /dev/null /dev/zero)"
	assertEquals "rules kept beside the program" "deny a
allow c 1:3 rwm" "$(saved_rules prog)"
	# a sibling without rules is not touched
	cg-create $CG_R "$CG_T/free"
	assertEquals "sibling" "rw rw " "$(access_in "$(v2_join free)" /dev/null /dev/zero)"
}

test_v1_controller_gets_the_same_rules() {
	need_v1_devices || return 0
	run cg-create $CG_R --device 'deny a' --device 'allow c 1:3 rwm' "$CG_T/v1"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "devices.list" "c 1:3 rwm" \
		"$(cat "$(_cg_dir_at devices "$(_cg_v1_devices)" v1)/devices.list")"
	assertEquals "null allowed, zero denied, in v1 alone" "rw -- " \
		"$(access_in "$(v1_join v1)" /dev/null /dev/zero)"
}

test_later_rule_decides_each_access() {
	need_cgroup2 || return 0
	run cg-create $CG_R --device 'deny a' --device 'allow c 1:3 rwm' \
		--device 'deny c 1:3 w' --device 'allow c 1:* r' "$CG_T/order"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "cgroup2" "r- r- " "$(access_in "$(v2_join order)" /dev/null /dev/zero)"
	if [ -n "$(_cg_v1_devices)" ]; then
		assertEquals "v1 agrees" "r- r- " \
			"$(access_in "$(v1_join order)" /dev/null /dev/zero)"
	fi
}

test_mknod_needs_m() {
	need_cgroup2 || return 0
	cg-create $CG_R --device 'deny a' --device 'allow c 1:3 rw' "$CG_T/mk"
	assertEquals "without m" - "$(mknod_in "$(v2_join mk)")"
	assertEquals "open still works" "rw " "$(access_in "$(v2_join mk)" /dev/null)"
	run cg-set $CG_R --device 'allow c *:* m' "$CG_T/mk"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "with m" m "$(mknod_in "$(v2_join mk)")"
}

test_cg_set_adds_rules_and_replaces_the_program() {
	need_cgroup2 || return 0
	cg-create $CG_R --device 'deny a' --device 'allow c 1:3 rwm' "$CG_T/set"
	run cg-set $CG_R --device 'allow c 1:5 r' "$CG_T/set"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "added to the rules in force" "rw r- -- " \
		"$(access_in "$(v2_join set)" /dev/null /dev/zero /dev/full)"
	assertEquals "three rules kept" 3 "$(saved_rules set | wc -l)"
	# were the programs stacked, the first one's "deny a" would remain
	run cg-set $CG_R --device 'allow a' "$CG_T/set"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "allow a replaces them all" "rw rw rw " \
		"$(access_in "$(v2_join set)" /dev/null /dev/zero /dev/full)"
	assertEquals "one rule kept" "allow a" "$(saved_rules set)"
}

test_parent_rules_bind_the_child() {
	need_cgroup2 || return 0
	cg-create $CG_R --device 'deny a' --device 'allow c 1:* rwm' "$CG_T/par"
	# by itself the child's program would allow everything (no "a" rule)
	run cg-create $CG_R --device 'allow c 1:5 rwm' "$CG_T/par/kid"
	assertEquals "status (stderr: $err)" 0 "$rc"
	# the parent's program runs too (BPF_F_ALLOW_MULTI): ptmx 5:2 stays shut
	assertEquals "child" "rw -- " "$(access_in "$(v2_join par/kid)" /dev/zero /dev/ptmx)"
	cg-create $CG_R "$CG_T/open"
	assertEquals "ptmx opens without rules" "rw " "$(access_in "$(v2_join open)" /dev/ptmx)"
}

test_cg_stat_shows_the_rules() {
	need_cgroup2 || return 0
	cg-create $CG_R --device 'deny a' --device 'allow c 1:3 rwm' "$CG_T/stat"
	if [ -n "$(_cg_v1_devices)" ]; then
		# v1's own list wins where there is one
		assertEquals "v1 devices.list" "c 1:3 rwm" "$(cg_stat_key_line stat)"
	else
		assertEquals "the rules in force" "deny a, allow c 1:3 rwm" "$(cg_stat_key_line stat)"
		assertEquals "JSON" '"deny a, allow c 1:3 rwm"' \
			"$(cg-stat $CG_R --json "$CG_T/stat" | jq .devices)"
		cg-create $CG_R "$CG_T/none"
		assertEquals "none of ours" - "$(cg_stat_key_line none)"
	fi
}

# The devices line of cg-stat: the value with its spaces.
cg_stat_key_line() {
	cg-stat $CG_R "$CG_T/$1" | sed -n 's/^devices  *//p'
}

test_bad_rules_change_nothing() {
	local r before rules i
	need_cgroup2 || return 0
	cg-create $CG_R --device 'deny a' --device 'allow c 1:3 rwm' "$CG_T/keep"
	before=$(cg_snapshot)
	for r in 'permit a' 'allow' 'allow x' 'allow c 1' 'allow c 1:3 rwx' \
		'allow c 1:3 rr' 'allow c a:3' 'allow c 1:3 rwm more' \
		'allow a 1:3 r' 'allow c 99999999999:1' 'allow c -1:3' \
		"allow c 1:3
allow a" ''; do
		cg_bad_input cg-create $CG_R --device 'allow a' --device "$r" "$CG_T/bad"
		cg_bad_input cg-set $CG_R --device "$r" "$CG_T/keep"
	done
	rules=()
	for ((i = 0; i < 100; i++)); do
		rules+=(--device "allow c 1:$i r")
	done
	cg_bad_input cg-create $CG_R "${rules[@]}" "$CG_T/bad"
	assertEquals "no cgroup made or removed" "$before" "$(cg_snapshot)"
	assertEquals "rules unchanged" "deny a
allow c 1:3 rwm" "$(saved_rules keep)"
	assertEquals "access unchanged" "rw -- " \
		"$(access_in "$(v2_join keep)" /dev/null /dev/zero)"
}

box_run_suite
