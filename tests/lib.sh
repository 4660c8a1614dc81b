# shellcheck shell=bash
# tests/lib.sh - shared helpers for the boxutils shunit2 suites.
#
# A suite sources this file, defines test_* functions (and optionally
# suite_setup / suite_teardown / setUp / tearDown), and ends with
#     box_run_suite
# It must not define oneTimeSetUp/oneTimeTearDown itself: lib.sh uses
# them to count results for tests/run.sh (passed = ran - failed - skipped).

BOX_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BOX_ROOT=$(dirname "$BOX_TESTS")
# shellcheck source=tests/lib-rootfs.sh
. "$BOX_TESTS/lib-rootfs.sh"
: "${BOX_BIN:=$BOX_ROOT/build/bin}"
export BOX_BIN BOX_TESTS
PATH=$BOX_BIN:$PATH:/usr/sbin:/sbin
export PATH
BOX_SUITE=$(basename "${BOX_SUITE_FILE:-$0}" .sh)
# Everything a suite makes on disk goes below one directory it removes.
BOX_TMP=$(mktemp -d "/tmp/boxtest-$BOX_SUITE.XXXXXX")
_box_skips=0

# --- results --------------------------------------------------------------

oneTimeSetUp() {
	if declare -F suite_setup >/dev/null; then
		suite_setup || return 1
	fi
	return 0
}

# shunit2 calls this twice (at the end, and from its EXIT trap): report once.
oneTimeTearDown() {
	[ -n "${_box_reported:-}" ] && return 0
	_box_reported=1
	if declare -F suite_teardown >/dev/null; then
		suite_teardown
	fi
	# shellcheck disable=SC2154 # shunit2's own counters
	local failed=$__shunit_testsFailed passed=$__shunit_testsPassed
	local ran=$((passed + failed))
	echo "BOXRESULT $BOX_SUITE ran=$ran failed=$failed skipped=$_box_skips"
	if [ -n "$BOX_RESULTS" ]; then
		echo "$BOX_SUITE $ran $failed $_box_skips" >>"$BOX_RESULTS"
	fi
	rm -rf "$BOX_TMP"
	return 0
}

# skip_test REASON: mark the current test skipped, say why.  The caller
# returns right after: `need_cmd crun || return 0`.
skip_test() {
	# shellcheck disable=SC2154
	echo "SKIP $BOX_SUITE:${_shunit_test_}: $*"
	_box_skips=$((_box_skips + 1))
	startSkipping
}

box_run_suite() {
	SHUNIT_COLOR=none
	export SHUNIT_COLOR
	# shellcheck disable=SC1091
	. shunit2
}

# --- preconditions (each skips the test with a reason when unmet) ---------

need_root() {
	[ "$(id -u)" = 0 ] && return 0
	skip_test "needs root"
	return 1
}

# need_tool TOOL...: each built in $BOX_BIN, or the test skips
need_tool() {
	local t
	for t; do
		[ -x "$BOX_BIN/$t" ] && continue
		skip_test "$t is not built yet"
		return 1
	done
}

# need_static TOOL...: each built and linked static, as tools that run
# after pivot --host-prog must be (the glibc and sanitizer builds link
# libraries dynamically)
need_static() {
	local t
	need_tool "$@" || return 1
	for t; do
		file -L "$BOX_BIN/$t" 2>/dev/null | grep -q 'dynamically linked' || continue
		skip_test "$t is dynamically linked in this build"
		return 1
	done
}

need_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null 2>&1 && continue
		skip_test "needs $c, which is not installed"
		return 1
	done
}

# A user namespace can be made by an unprivileged user on this kernel.
need_userns() {
	if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null)" = 0 ]; then
		skip_test "user namespaces disabled (user.max_user_namespaces=0)"
		return 1
	fi
	if [ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 0 ]; then
		skip_test "unprivileged user namespaces disabled (kernel.unprivileged_userns_clone=0)"
		return 1
	fi
	if ! setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare --user true 2>/dev/null; then
		skip_test "an unprivileged user cannot create a user namespace here"
		return 1
	fi
}

# Kernel knows the namespace type (time namespaces came in 5.6).
need_ns() {
	[ -e "/proc/self/ns/$1" ] && return 0
	skip_test "kernel has no $1 namespace"
	return 1
}

# --- running ---------------------------------------------------------------

# run CMD...: run it, set $rc, $out (stdout) and $err (stderr).
# shellcheck disable=SC2034 # rc, out, err are read by the suites
run() {
	local o e
	o=$BOX_TMP/.out e=$BOX_TMP/.err
	"$@" >"$o" 2>"$e" </dev/null
	rc=$?
	out=$(cat "$o")
	err=$(cat "$e")
}

# assert_bad_input CMD...: the tool refuses: exit 125, exactly one line
# on stderr, which starts with the tool's name.
assert_bad_input() {
	run "$@"
	local tool
	tool=$(basename "$1")
	assertEquals "exit status of: $* (stderr: $err)" 125 "$rc"
	assertEquals "one line of stderr for: $* (got: $err)" 1 \
		"$(printf '%s\n' "$err" | grep -c .)"
	case $err in
	"$tool: "*) ;;
	*) fail "stderr does not start with '$tool: ': $err" ;;
	esac
}

# The host's mount table as a sorted list, to compare before and after.
# Mounts that the machine's own sandbox makes and removes at any time
# (its tool mounts under /mnt/sandboxing) are not ours to compare.
mount_snapshot() {
	awk '$5 !~ /^\/mnt\/sandboxing\// {print $5, $9, $10}' /proc/self/mountinfo | sort
}

# wait_for COND-CMD [TRIES]: poll every 0.05 s, up to TRIES (default 100).
wait_for() {
	local i=0 n=${2:-100}
	while ! eval "$1"; do
		i=$((i + 1))
		[ "$i" -ge "$n" ] && return 1
		sleep 0.05
	done
}

# --- processes a test starts ----------------------------------------------

# alive PID: the process exists and is not a zombie.
alive() {
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
	[ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

# start CMD...: run CMD in the background; $tpid is its PID, remembered
# for kill_started.
start() {
	"$@" </dev/null >/dev/null 2>&1 &
	tpid=$!
	_pids="${_pids:-} $tpid"
}

# descendants PID: every process below PID, children first.
descendants() {
	local c
	for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		echo "$c"
		descendants "$c"
	done
}

# kill_started: every process a test started (start, or added to
# $_pids), and what each forked (the init of an unshare --fork, a
# sandbox's payload), killed by its PID and waited for.  A suite's
# tearDown calls it.
kill_started() {
	local p all=
	for p in ${_pids:-}; do
		all="$all $p $(descendants "$p")"
	done
	for p in $all; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in ${_pids:-}; do
		wait "$p" 2>/dev/null
	done
	_pids=
}

# ns_ino PID NS: the inode of /proc/PID/ns/NS
ns_ino() {
	stat -L -c %i "/proc/$1/ns/$2"
}

# A busybox-static rootfs, built once per suite in $BOX_TMP/rootfs.
make_busybox_rootfs() {
	local r=${1:-$BOX_TMP/rootfs}
	[ -x "$r/bin/busybox" ] && return 0
	busybox_rootfs "$r"
}
