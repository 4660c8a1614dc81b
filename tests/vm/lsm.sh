#!/bin/bash
# tests/vm/lsm.sh - cap-drop's AppArmor label in the VM tier, whose
# Debian kernel has AppArmor enabled (the host of the other suites may
# not): prog runs in the profile named, a profile not loaded is refused
# in one line and prog never runs.  No profile is loaded in the VM, so
# "unconfined", which always is, is the one a process can change to.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

test_apparmor_profile_reaches_prog() {
	need_root || return 0
	need_tool cap-drop || return 0
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		skip_test "AppArmor is not enabled in this kernel"
		return 0
	fi
	run cap-drop --caps all --apparmor-profile unconfined -- cat /proc/self/attr/current
	assertEquals "unconfined: $err" 0 "$rc"
	assertEquals "the label prog runs in" unconfined "$out"
	assert_bad_input cap-drop --apparmor-profile boxtest-no-such-profile -- touch "$BOX_TMP/ran"
	assertContains "$err" "set the AppArmor label 'boxtest-no-such-profile' for prog"
	assertContains "$err" "no such profile is loaded"
	assertFalse "prog ran" "[ -e '$BOX_TMP/ran' ]"
}

box_run_suite
