#!/bin/bash
# tests/cg-stat.sh - cg-stat prints what the kernel's files say, as
# aligned text or as valid JSON.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"

KEYS="memory_current memory_peak memory_max memory_swap_max oom_events oom_kill_events pids_current pids_max cpu_usage_usec cpu_nr_periods cpu_nr_throttled cpu_throttled_usec cpu_max cpu_weight cpuset_cpus devices"

test_text_has_every_key_aligned() {
	local k col
	cg-create $CG_R "$CG_T/txt"
	run cg-stat $CG_R "$CG_T/txt"
	assertEquals "status (stderr: $err)" 0 "$rc"
	for k in path $KEYS; do
		assertEquals "$k once" 1 "$(grep -c "^$k " <<<"$out")"
	done
	# every value starts in the same column
	col=$(awk '{ match($0, /^[^ ]+ +/); print RLENGTH }' <<<"$out" | sort -u)
	assertEquals "one value column" 1 "$(wc -l <<<"$col")"
}

test_figures_match_the_kernel_files() {
	local pid
	need_ctrl pids || return 0
	need_ctrl memory || return 0
	cg-create $CG_R --pids 17 --memory 48M "$CG_T/fig"
	cg-exec $CG_R "$CG_T/fig" sleep 30 &
	pid=$!
	wait_for "grep -q '^$pid\$' '$(cg_dir pids fig)/cgroup.procs'"
	run cg-stat $CG_R "$CG_T/fig"
	kill "$pid"
	wait "$pid" 2>/dev/null
	assertEquals "pids_max" 17 "$(awk '$1 == "pids_max" { print $2 }' <<<"$out")"
	assertEquals "pids_current" 1 "$(awk '$1 == "pids_current" { print $2 }' <<<"$out")"
	assertEquals "memory_max" 50331648 "$(awk '$1 == "memory_max" { print $2 }' <<<"$out")"
	assertTrue "memory_current > 0" \
		"[ '$(awk '$1 == "memory_current" { print $2 }' <<<"$out")' -gt 0 ]"
	return 0
}

test_unlimited_shows_max_and_cpus_as_a_fraction() {
	need_ctrl cpu || return 0
	cg-create $CG_R --cpus 0.25 "$CG_T/frac"
	assertEquals "cpu_max" 0.250 "$(cg_stat_key frac cpu_max)"
	if cg_has memory; then
		assertEquals "memory_max" max "$(cg_stat_key frac memory_max)"
	fi
	cg-set $CG_R --cpu-weight 50 "$CG_T/frac"
	assertEquals "weight back from shares or weight" 50 "$(cg_stat_key frac cpu_weight)"
}

test_json_is_valid() {
	local k
	cg-create $CG_R "$CG_T/js"
	run cg-stat $CG_R --json "$CG_T/js"
	assertEquals "status (stderr: $err)" 0 "$rc"
	if command -v python3 >/dev/null; then
		python3 -c 'import json, sys; json.loads(sys.stdin.read())' <<<"$out" ||
			fail "not valid JSON: $out"
	fi
	# one object on one line; keys quoted; values null, numbers or strings
	assertEquals "one line" 1 "$(wc -l <<<"$out")"
	case $out in
	"{"*"}") ;;
	*) fail "not an object: $out" ;;
	esac
	for k in path $KEYS; do
		assertContains "$out" "\"$k\": "
	done
	assertEquals "no bare words" "" \
		"$(tr ',' '\n' <<<"${out#\{}" | sed 's/}$//' |
			grep -vE '^ ?"[a-z_]+": (null|[0-9]+(\.[0-9]+)?|"[^"]*")$')"
}

test_json_escapes_the_path() {
	cg-create $CG_R "$CG_T/we\"ird\\x"
	run cg-stat $CG_R --json "$CG_T/we\"ird\\x"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "$out" 'we\"ird\\x'
	if command -v python3 >/dev/null; then
		python3 -c 'import json, sys; json.loads(sys.stdin.read())' <<<"$out" ||
			fail "not valid JSON: $out"
	fi
}

test_options_may_follow_the_path() {
	cg-create $CG_R "$CG_T/late"
	# shellcheck disable=SC2086
	run cg-stat "$CG_T/late" --json $CG_R
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "JSON" "{" "${out:0:1}"
}

test_missing_and_bad_input() {
	run cg-stat $CG_R "$CG_T/absent"
	assertEquals "missing" 125 "$rc"
	cg_bad_input cg-stat $CG_R "$CG_T/../x"
	cg_bad_input cg-stat $CG_R
	cg_bad_input cg-stat $CG_R "$CG_T" extra
}

box_run_suite
