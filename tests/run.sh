#!/bin/bash
# tests/run.sh - run every suite, add up the results, print one line:
#     N passed, N failed, N skipped
# Usage: tests/run.sh [SUITE.sh...]    (default: every suite)
#
# Each suite reports "NAME RAN FAILED SKIPPED" into $BOX_RESULTS from
# lib.sh's oneTimeTearDown; a suite that dies before that counts as one
# failure, so a crash can never look like a pass.

cd "$(dirname "$0")/.." || exit 125
BOX_RESULTS=$(mktemp /tmp/boxresults.XXXXXX)
export BOX_RESULTS
: "${BOX_BIN:=$PWD/build/bin}"
export BOX_BIN
SUITE_TIMEOUT=${SUITE_TIMEOUT:-900}

if [ $# -eq 0 ]; then
	set -- tests/consistency.sh
	for f in tests/*.sh tests/integration/*.sh tests/vm/run.sh; do
		case $f in
		tests/lib*.sh | tests/run.sh | tests/consistency.sh) continue ;;
		esac
		[ -f "$f" ] && set -- "$@" "$f"
	done
fi

passed=0 failed=0 skipped=0
for suite in "$@"; do
	start=$(date +%s)
	echo "=== $suite"
	before=$(wc -l <"$BOX_RESULTS")
	BOX_SUITE_FILE=$suite timeout -k 10 "$SUITE_TIMEOUT" bash "$suite"
	code=$?
	after=$(wc -l <"$BOX_RESULTS")
	if [ "$after" -eq "$before" ]; then
		echo "!!! $suite ended (status $code) without reporting results"
		failed=$((failed + 1))
		continue
	fi
	suite_failed=0
	while read -r n r f s; do
		echo "--- $n: $((r - f - s)) passed, $f failed, $s skipped ($(($(date +%s) - start)) s)"
		passed=$((passed + r - f - s))
		failed=$((failed + f))
		skipped=$((skipped + s))
		suite_failed=$((suite_failed + f))
	done < <(tail -n +"$((before + 1))" "$BOX_RESULTS")
	# a suite that exits non-zero with nothing counted failed died mid-test
	if [ "$code" -ne 0 ] && [ "$suite_failed" -eq 0 ]; then
		echo "!!! $suite exited with status $code: counted as one failure"
		failed=$((failed + 1))
	fi
done
rm -f "$BOX_RESULTS"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
