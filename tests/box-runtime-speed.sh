#!/bin/bash
# tests/box-runtime-speed.sh - what box-runtime does to start fast, kept
# honest: the seccomp program sys-filter builds from linux.seccomp is
# kept in the state root's cache (--root/.sys-filter) and loaded from
# there by later containers and by exec, the filter in force every time;
# a cache anyone else could have written is never used, and a broken
# entry is built again, never loaded.  Each test has a state root of its
# own below $BOX_TMP and its containers' cgroups below the suite's.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"
# shellcheck source=tests/lib-runtime.sh
. "$(dirname "$0")/lib-runtime.sh"

FILTERED='.root.readonly = false
	| .process.args = ["sh", "-c", "grep ^Seccomp: /proc/self/status | tr -d \"\\t\"; mkdir /tmp/x 2>/dev/null && echo made || echo refused"]
	| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'

# bundle NAME [JQ-FILTER]: $BOX_TMP/NAME, the busybox root, cgroup
# $CG_T/NAME, from `box-runtime spec` edited by the filter; sets $B.
entries() {
	find "$1/.sys-filter" -mindepth 1 -printf '%i %m %f\n' 2>/dev/null | sort
}

test_seccomp_program_is_built_once_then_loaded_from_the_cache() {
	need_chain sys-filter || return 0
	local S=$BOX_TMP/state-once first
	bundle once "$FILTERED"
	# the first container of a state root makes the cache (once its
	# config has proved good) and builds its program
	run box-runtime --root "$S" run --bundle "$B" once
	assertEquals "first run: $err" 0 "$rc"
	assertEquals "first run filtered" "$(printf 'Seccomp:2\nrefused')" "$out"
	assertEquals "the cache: a directory of ours alone" "700 root" \
		"$(stat -c '%a %U' "$S/.sys-filter")"
	assertEquals "nothing kept yet" "" "$(entries "$S")"
	run box-runtime --root "$S" create --bundle "$B" --print-chain once
	assertContains "the chain gives sys-filter the cache" "$out" \
		"--profile=/proc/self/fd/5 --cache=/dev/fd/10"
	# the second builds and keeps it
	run box-runtime --root "$S" run --bundle "$B" once
	assertEquals "second run: $err" 0 "$rc"
	assertEquals "second run filtered" "$(printf 'Seccomp:2\nrefused')" "$out"
	first=$(entries "$S")
	assertEquals "one entry, 0600" 1 "$(echo "$first" | grep -c ' 600 sf-')"
	# every later one loads it: the same file, nothing written
	run box-runtime --root "$S" run --bundle "$B" once
	assertEquals "third run: $err" 0 "$rc"
	assertEquals "third run filtered, by the cached program" \
		"$(printf 'Seccomp:2\nrefused')" "$out"
	assertEquals "loaded, not built again" "$first" "$(entries "$S")"
	assertEquals "no container state left" "" "$(ls "$S")"
}

test_exec_loads_the_program_from_the_cache() {
	need_chain sys-filter || return 0
	local S=$BOX_TMP/state-exec pid before
	bundle ex "$FILTERED"' | .process.args = ["sleep", "60"]'
	mkdir -m 0700 "$S" "$S/.sys-filter"
	run box-runtime --root "$S" run --detach --bundle "$B" --pid-file "$BOX_TMP/ex.pid" ex
	assertEquals "run --detach: $err" 0 "$rc"
	pid=$(cat "$BOX_TMP/ex.pid")
	run box-runtime --root "$S" exec ex sh -c 'grep ^Seccomp: /proc/self/status | tr -d "\t"; mkdir /tmp/y 2>/dev/null && echo made || echo refused'
	assertEquals "exec: $err" 0 "$rc"
	assertEquals "exec filtered" "$(printf 'Seccomp:2\nrefused')" "$out"
	before=$(entries "$S")
	assertNotEquals "create and exec kept their programs" "" "$before"
	run box-runtime --root "$S" exec ex sh -c 'mkdir /tmp/y 2>/dev/null && echo made || echo refused'
	assertEquals "second exec filtered: $err" refused "$out"
	assertEquals "second exec loaded, built nothing" "$before" "$(entries "$S")"
	box-runtime --root "$S" kill ex KILL
	wait_for "[ ! -d /proc/$pid ] || grep -q '^State:.*Z' /proc/$pid/status"
	run box-runtime --root "$S" delete --force ex
	assertEquals "delete: $err" 0 "$rc"
}

# A cache that is not ours alone is not given to sys-filter at all: the
# filter is built as without one, no line said, and the planted entry
# is neither loaded nor replaced.
test_a_cache_others_could_write_is_not_used() {
	need_chain sys-filter || return 0
	local S case planted
	bundle trust "$FILTERED"
	for case in group-readable symlink root-writable not-ours; do
		S=$BOX_TMP/state-$case
		mkdir -m 0700 "$S" "$BOX_TMP/cache-$case"
		case $case in
		group-readable)
			mkdir -m 0750 "$S/.sys-filter" ;;
		symlink)
			ln -s "$BOX_TMP/cache-$case" "$S/.sys-filter" ;;
		root-writable)
			mkdir -m 0700 "$S/.sys-filter"
			chmod 0777 "$S" ;;
		not-ours)
			mkdir -m 0700 "$S/.sys-filter"
			chown 65534 "$S/.sys-filter" ;;
		esac
		echo planted >"$BOX_TMP/cache-$case/sf-0000000000000000"
		[ -L "$S/.sys-filter" ] ||
			cp -p "$BOX_TMP/cache-$case/sf-0000000000000000" "$S/.sys-filter/"
		planted=$(entries "$S")
		run box-runtime --root "$S" create --bundle "$B" --print-chain trust
		assertEquals "$case: print-chain: $err" 0 "$rc"
		assertNotContains "$case: no --cache" "$out" "--cache"
		run box-runtime --root "$S" run --bundle "$B" trust
		assertEquals "$case: run: $err" 0 "$rc"
		assertEquals "$case: filtered, nothing said" \
			"$(printf 'Seccomp:2\nrefused')" "$out$err"
		assertEquals "$case: the cache untouched" "$planted" "$(entries "$S")"
		assertEquals "$case: nothing written beside the planted entry" \
			sf-0000000000000000 "$(ls "$BOX_TMP/cache-$case")"
	done
}

# An entry that is not whole is built again and replaced, never loaded.
test_a_broken_entry_is_built_again() {
	need_chain sys-filter || return 0
	local S=$BOX_TMP/state-broken e
	bundle broken "$FILTERED"
	mkdir -m 0700 "$S" "$S/.sys-filter"
	box-runtime --root "$S" run --bundle "$B" broken >/dev/null
	e=$(ls "$S/.sys-filter")
	assertEquals "one entry" 1 "$(echo "$e" | wc -w)"
	head -c 100 "$S/.sys-filter/$e" >"$BOX_TMP/cut" && cat "$BOX_TMP/cut" >"$S/.sys-filter/$e"
	run box-runtime --root "$S" run --bundle "$B" broken
	assertEquals "run: $err" 0 "$rc"
	assertEquals "filtered" "$(printf 'Seccomp:2\nrefused')" "$out"
	assertTrue "the entry is whole again" "[ $(stat -c %s "$S/.sys-filter/$e") -gt 100 ]"
}

# The cache is a host directory: its descriptor goes to sys-filter, which
# closes it, and nowhere else.  The first process, waiting for start in
# box-runtime init, holds no descriptor of it, with a profile or without.
test_the_cache_descriptor_never_reaches_the_container() {
	need_chain sys-filter || return 0
	local S=$BOX_TMP/state-fd name pid fds
	mkdir -m 0700 "$S" "$S/.sys-filter"
	for name in fdsc fdnone; do
		if [ $name = fdsc ]; then
			bundle $name "$FILTERED"' | .process.args = ["true"]'
		else
			bundle $name '.process.args = ["true"]'
		fi
		run box-runtime --root "$S" create --bundle "$B" --pid-file "$BOX_TMP/$name.pid" $name
		assertEquals "$name: create: $err" 0 "$rc"
		pid=$(cat "$BOX_TMP/$name.pid")
		assertEquals "$name: waiting in init" box-runtime "$(cat "/proc/$pid/comm")"
		fds=$(for f in "/proc/$pid/fd/"*; do readlink "$f"; done)
		assertNotContains "$name: no descriptor of the cache ($fds)" "$fds" ".sys-filter"
		run box-runtime --root "$S" delete --force $name
		assertEquals "$name: delete: $err" 0 "$rc"
	done
}

# Bad input makes nothing: no state root, so no cache either.
test_a_refused_bundle_makes_no_cache() {
	need_chain sys-filter || return 0
	local S=$BOX_TMP/state-bad
	bundle bad "$FILTERED"' | .ociVersion = "9.0.0"'
	assert_bad_input box-runtime --root "$S" create --bundle "$B" bad
	assertFalse "no state root" "[ -e '$S' ]"
}

box_run_suite
