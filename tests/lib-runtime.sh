# shellcheck shell=bash
# tests/lib-runtime.sh - what the box-runtime suites share: a busybox
# root file system, a state root below $BOX_TMP, bundles made from
# `box-runtime spec` edited with jq whose cgroup lies below the suite's
# test cgroup, the host's mount table unchanged by each test, and every
# container left behind deleted at the end.  Source it after lib.sh and
# lib-cgroup.sh; a suite may define its own suite_setup and call
# rt_suite_setup from it.

ROOTFS=$BOX_TMP/rootfs
STATE=$BOX_TMP/state

rt_suite_setup() {
	cg_suite_setup || return 1
	command -v jq >/dev/null && command -v busybox >/dev/null || return 0
	make_busybox_rootfs "$ROOTFS" || return 1
}

# every container still in $STATE or in a $BOX_TMP/state-* root
rt_suite_teardown() {
	local s d
	for s in "$STATE" "$BOX_TMP"/state-*; do
		for d in "$s"/*/; do
			[ -d "$d" ] && box-runtime --root "$s" delete --force "$(basename "$d")"
		done
	done
	cg_suite_teardown
}

suite_setup() {
	rt_suite_setup
}

suite_teardown() {
	rt_suite_teardown
}

setUp() {
	host_before=$(mount_snapshot)
}

tearDown() {
	assertEquals "host mount table changed" "$host_before" "$(mount_snapshot)"
}

br() {
	box-runtime --root "$STATE" "$@"
}

# rt_bundle NAME [JQ-FILTER]: a bundle in $BOX_TMP/NAME whose rootfs is
# the busybox image and cgroup $CG_T/NAME, edited by the filter; sets $B.
rt_bundle() {
	B=$BOX_TMP/$1
	rm -rf "$B"
	mkdir -p "$B"
	ln -s "$ROOTFS" "$B/rootfs"
	box-runtime spec --bundle "$B" || return 1
	jq --arg cg "$CG_T/$1" ".linux.cgroupsPath = \$cg | ${2:-.}" \
		"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
}

bundle() {
	rt_bundle "$@"
}

# need_chain [TOOL...]: what starting a container takes, and TOOLs too.
# The tools after pivot --host-prog (cap-drop, box-runtime's init, and
# sys-filter where a test filters) must be static: on the sanitizer
# build they are not, and LeakSanitizer, which box-runtime's clean
# environment leaves on, cannot stop the world in a pid namespace.
need_chain() {
	need_root || return 1
	need_tool box-runtime cg-create cg-exec cg-delete ns-unshare pivot \
		cap-drop "$@" || return 1
	need_cmd jq busybox || return 1
	need_static cap-drop box-runtime "$@" || return 1
}

# create_refused NAME TEXT: create refuses bundle $B with one line
# naming TEXT, exit 125, and makes no state and no cgroup.
create_refused() {
	local d
	assert_bad_input box-runtime --root "$STATE" create --bundle "$B" "$1"
	# shellcheck disable=SC2154 # err: set by assert_bad_input (lib.sh)
	assertContains "$err" "$2"
	assertFalse "no state for $1" "[ -e '$STATE/$1' ]"
	for d in $(cg_all_dirs "$1"); do
		assertFalse "no cgroup $d" "[ -d '$d' ]"
	done
}
