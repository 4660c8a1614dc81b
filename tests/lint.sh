#!/bin/bash
# tests/lint.sh - the static checks of `make lint`, one test per linter:
# clang's analyzer and cppcheck on common/*.c and tools/*.c, shellcheck
# (warnings and worse) on every script, mandoc -Tlint on the man pages.
# Each runs the Makefile's own target, so this suite and `make lint`
# cannot drift apart, and fails with the findings it printed.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# lint TARGET: run `make TARGET` in the source tree; fail with its output.
lint() {
	run make -s --no-print-directory -C "$BOX_ROOT" "$1"
	assertEquals "make $1 found something:
$out$err
" 0 "$rc"
}

test_clang_analyzer() {
	need_cmd make clang || return 0
	lint lint-clang
}

test_cppcheck() {
	need_cmd make cppcheck || return 0
	lint lint-cppcheck
}

test_shellcheck() {
	need_cmd make shellcheck || return 0
	lint lint-shell
}

test_mandoc() {
	need_cmd make mandoc || return 0
	lint lint-man
}

# The linters can fail: each target reports a planted finding.  Run on a
# copy of the tree with one bad file added, so the real tree is untouched.
test_each_linter_reports_a_planted_finding() {
	need_cmd make clang cppcheck shellcheck mandoc || return 0
	local t=$BOX_TMP/tree
	mkdir -p "$t"
	# the headers only, so the analyzer has just the bad file to read
	mkdir -p "$t/common" "$t/tools" "$t/tests" "$t/man" "$t/.ci"
	cp "$BOX_ROOT/Makefile" "$t/"
	cp "$BOX_ROOT"/common/*.h "$t/common/"
	: >"$t/.ci/run"
	printf '%s\n' '#include <stddef.h>' \
		'int main(void) { int *p = NULL; int a[2]; a[2] = 0; return *p + a[0]; }' \
		>"$t/tools/bad.c"
	printf '%s\n' '#!/bin/bash' 'for i in 1 2; do echo; done' >"$t/tests/bad.sh"
	printf '%s\n' '.TH BAD 1' '.SH NAME' 'bad \- bad' '.SH NOSUCH' '.BOGUS x' \
		>"$t/man/bad.1"
	for target in lint-clang lint-cppcheck lint-shell lint-man; do
		run make -s --no-print-directory -C "$t" "$target"
		assertNotEquals "make $target fails on a planted finding" 0 "$rc"
		assertContains "make $target names the bad file: $out$err" \
			"$out$err" "bad."
	done
}

box_run_suite
