#!/bin/bash
# tests/fuzz.sh - every libFuzzer harness in tests/fuzz/ builds and runs a
# bounded number of inputs without a crash, a leak or undefined behaviour.
# `make fuzz FUZZ_TIME=600` is the long run; this is the CI-sized one.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

FUZZ_RUNS=${FUZZ_RUNS:-200000}
# a cap per harness, so the suite stays within CI's budget on a slow day
FUZZ_SECONDS=${FUZZ_SECONDS:-12}

suite_setup() {
	harnesses=$(cd "$BOX_ROOT/tests/fuzz" && ls fuzz_*.c 2>/dev/null | sed 's/^fuzz_//; s/\.c$//')
}

test_harnesses_exist() {
	assertNotEquals "no harness in tests/fuzz/" "" "$harnesses"
}

test_every_harness_runs_clean() {
	need_cmd clang || return 0
	local h log targets=""
	# build them all at once, in parallel; a failure shows below, per harness
	for h in $harnesses; do
		targets="$targets build-fuzz/fuzz_$h"
	done
	# shellcheck disable=SC2086 # a list of make targets
	make -s -k -j"$(nproc)" -C "$BOX_ROOT" $targets >/dev/null 2>&1
	for h in $harnesses; do
		log=$BOX_TMP/fuzz-$h.log
		if ! make -s -C "$BOX_ROOT" "build-fuzz/fuzz_$h" >"$log" 2>&1; then
			if grep -q "cannot find.*libclang_rt.fuzzer\|fuzzer.*not found" "$log"; then
				skip_test "clang has no libFuzzer runtime (libclang-rt-14-dev)"
				return 0
			fi
			fail "harness $h does not build: $(tail -n 3 "$log")"
			continue
		fi
		mkdir -p "$BOX_TMP/corpus-$h"
		if ! "$BOX_ROOT/build-fuzz/fuzz_$h" -runs="$FUZZ_RUNS" \
			-max_total_time="$FUZZ_SECONDS" -artifact_prefix="$BOX_TMP/" \
			"$BOX_TMP/corpus-$h" "$BOX_ROOT/tests/fuzz/corpus/$h" >"$log" 2>&1; then
			fail "harness $h crashed: $(grep -m1 -E 'ERROR|runtime error|SUMMARY' "$log")"
		fi
		grep -q "^Done [0-9]* runs" "$log" || fail "harness $h did not finish: $(tail -n 2 "$log")"
		echo "    $h: $(grep -o '^Done [0-9]* runs in [0-9]* second(s)' "$log")"
	done
}

box_run_suite
