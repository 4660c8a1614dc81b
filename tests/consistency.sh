#!/bin/bash
# tests/consistency.sh - every tool has its man page, its three
# completions and its test suite, and every long option of a tool (from
# its getopt_long table) appears in the man page and in each completion.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

tools() {
	local f
	for f in "$BOX_ROOT"/tools/*.c; do
		basename "$f" .c
	done
}

# The long options of a tool, read from its struct option table (and
# from X-macro lists of options, X("name", ...) rows, as box-runtime's
# update flags are kept).
long_options() {
	sed -n -e 's/^[[:space:]]*{[[:space:]]*"\([a-z0-9-]*\)",[[:space:]]*\(no\|required\|optional\)_argument.*/\1/p' \
		-e 's/^[[:space:]]*X("\([a-z0-9-]*\)",.*/\1/p' \
		"$BOX_ROOT/tools/$1.c" | sort -u
}

test_tools_exist() {
	assertNotEquals "no tools found in tools/" "" "$(tools)"
}

test_every_tool_has_man_completions_and_tests() {
	local t f
	for t in $(tools); do
		for f in man/$t.1 completions/bash/$t completions/zsh/_$t \
			completions/fish/$t.fish tests/$t.sh; do
			assertTrue "$t lacks $f" "[ -s '$BOX_ROOT/$f' ]"
		done
	done
}

test_every_long_option_is_documented_and_completed() {
	local t o f
	for t in $(tools); do
		for o in $(long_options "$t"); do
			# roff writes a dash as \- ; accept both spellings
			grep -qE -- "(\\\\-\\\\-|--)$o([^a-z0-9-]|$)" "$BOX_ROOT/man/$t.1" 2>/dev/null ||
				fail "$t: --$o missing from man/$t.1"
			for f in completions/bash/$t completions/zsh/_$t completions/fish/$t.fish; do
				case $f in
				*.fish) grep -qE -- "-l $o([^a-z0-9-]|$)|--$o([^a-z0-9-]|$)" "$BOX_ROOT/$f" 2>/dev/null ;;
				*) grep -qE -- "--$o([^a-z0-9-]|$)" "$BOX_ROOT/$f" 2>/dev/null ;;
				esac || fail "$t: --$o missing from $f"
			done
		done
	done
}

test_man_pages_have_the_required_sections() {
	local t s
	for t in $(tools); do
		[ -f "$BOX_ROOT/man/$t.1" ] || continue
		for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
			grep -qE "^\.S[Hh] \"?$s\"?\$" "$BOX_ROOT/man/$t.1" ||
				fail "man/$t.1 lacks section $s"
		done
	done
}

test_man_pages_lint_clean() {
	need_cmd mandoc || return 0
	local p msgs
	for p in "$BOX_ROOT"/man/*.[17]; do
		[ -f "$p" ] || continue
		msgs=$(mandoc -Tlint -Wwarning "$p" 2>&1)
		assertEquals "mandoc -Tlint $(basename "$p")" "" "$msgs"
	done
}

test_every_tool_answers_help_and_version() {
	local t
	for t in $(tools); do
		run "$BOX_BIN/$t" --help
		assertEquals "$t --help status" 0 "$rc"
		assertContains "$t --help shows usage" "$out" "Usage:"
		run "$BOX_BIN/$t" --version
		assertEquals "$t --version status" 0 "$rc"
		assertContains "$t --version" "$out" "boxutils"
	done
}

test_unknown_option_is_one_line_and_125() {
	local t
	for t in $(tools); do
		assert_bad_input "$BOX_BIN/$t" --no-such-option-xyz
	done
}

# The option is named, never the word it sat in: a bundle ("-rZ") names
# the letter, and a short option missing its value at the end of the line
# names itself (it printed "(null)" before); common/box.c for every tool.
test_bad_short_options_are_named() {
	local t
	for t in $(tools); do
		assert_bad_input "$BOX_BIN/$t" -Z
		assertContains "$t -Z" "$err" "unknown option '-Z'"
	done
	for t in "cg-exec -rZ" "veth-link -dZ" "ns-unshare -mZ" "cap-drop -nZ" "cg-stat -jZ"; do
		# shellcheck disable=SC2086
		assert_bad_input $BOX_BIN/$t
		assertContains "$t" "$err" "unknown option '-Z'"
	done
	for t in "cg-exec -g" "veth-link -n" "ns-unshare -R" "cap-drop -c" "uf-mount -l"; do
		# shellcheck disable=SC2086
		assert_bad_input $BOX_BIN/$t
		assertContains "$t" "$err" "option '${t#* }' needs a value"
	done
	assert_bad_input "$BOX_BIN/cg-exec" $'--\033[2Jx'
	assertContains "a control character shows as ?" "$err" "'--?[2Jx'"
	assert_bad_input "$BOX_BIN/cg-exec" --fork=yes x
	assertContains "a flag given a value" "$err" "option '--fork' takes no value"
}

test_bash_completions_load() {
	local t
	for t in $(tools); do
		[ -f "$BOX_ROOT/completions/bash/$t" ] || continue
		bash -n "$BOX_ROOT/completions/bash/$t" ||
			fail "completions/bash/$t: syntax error"
	done
}

test_zsh_and_fish_completions_parse() {
	local t
	for t in $(tools); do
		if command -v zsh >/dev/null && [ -f "$BOX_ROOT/completions/zsh/_$t" ]; then
			zsh -n "$BOX_ROOT/completions/zsh/_$t" || fail "completions/zsh/_$t: syntax error"
		fi
		if command -v fish >/dev/null && [ -f "$BOX_ROOT/completions/fish/$t.fish" ]; then
			fish -n "$BOX_ROOT/completions/fish/$t.fish" || fail "completions/fish/$t.fish: syntax error"
		fi
	done
}

box_run_suite
