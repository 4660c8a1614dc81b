#!/bin/bash
# tests/install.sh - make install puts every tool, page and completion
# where Debian looks (under DESTDIR and PREFIX), and make uninstall
# removes exactly those.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

test_install_and_uninstall_under_destdir() {
	need_cmd make || return 0
	local d=$BOX_TMP/dest t build
	build=$(dirname "$BOX_BIN")
	run make -s -C "$BOX_ROOT" install DESTDIR="$d" PREFIX=/usr BUILD="$build"
	assertEquals "make install (stderr: $err)" 0 "$rc"
	for f in "$BOX_ROOT"/tools/*.c; do
		t=$(basename "$f" .c)
		assertTrue "$t binary" "[ -x '$d/usr/bin/$t' ]"
		assertTrue "$t man page" "[ -f '$d/usr/share/man/man1/$t.1' ]"
		assertTrue "$t bash completion" "[ -f '$d/usr/share/bash-completion/completions/$t' ]"
		assertTrue "$t zsh completion" "[ -f '$d/usr/share/zsh/vendor-completions/_$t' ]"
		assertTrue "$t fish completion" "[ -f '$d/usr/share/fish/vendor_completions.d/$t.fish' ]"
	done
	assertTrue "boxutils.7" "[ -f '$d/usr/share/man/man7/boxutils.7' ]"
	# the installed binary is the built one, and runs
	run "$d/usr/bin/ns-unshare" --version
	assertContains "$out" "boxutils"
	run make -s -C "$BOX_ROOT" uninstall DESTDIR="$d" PREFIX=/usr BUILD="$build"
	assertEquals "make uninstall (stderr: $err)" 0 "$rc"
	assertEquals "files left after uninstall" "" "$(find "$d" -type f)"
}

# The default build is static-pie against musl: an installed tool needs
# no dynamic loader (it runs after pivot has taken /lib away), and
# --version names the libraries linked into it.
test_installed_binaries_are_static_and_name_their_libraries() {
	need_cmd make file || return 0
	local d=$BOX_TMP/dest-static t build libs
	build=$(dirname "$BOX_BIN")
	case $build in
	*-san) skip_test "the sanitizer build is dynamic by design" ; return 0 ;;
	esac
	"$BOX_BIN/ns-unshare" --version | grep -q 'musl$' || {
		skip_test "this is the glibc build (MUSL_CC=), linked dynamically where it links a library"
		return 0
	}
	run make -s -C "$BOX_ROOT" install DESTDIR="$d" PREFIX=/usr BUILD="$build"
	assertEquals "make install (stderr: $err)" 0 "$rc"
	for f in "$BOX_ROOT"/tools/*.c; do
		t=$(basename "$f" .c)
		run file -L "$d/usr/bin/$t"
		assertContains "$t is static-pie: $out" "$out" "static-pie linked"
		assertNotContains "$t has no interpreter: $out" "$out" "interpreter"
		run "$d/usr/bin/$t" --version
		assertEquals "$t --version" 0 "$rc"
		# every library the tool's source names, with its version
		libs=$(sed -n 's|^/\* boxutils-pkgs: \(.*\) \*/$|\1|p' "$f")
		for l in $libs; do
			assertContains "$t --version names $l: $out" "$out" "$l "
		done
	done
	assertContains "cap-drop links libcap" "$("$d/usr/bin/cap-drop" --version)" "libcap 2."
}

test_bash_completion_offers_long_options() {
	[ -f /usr/share/bash-completion/bash_completion ] || {
		skip_test "bash-completion is not installed"
		return 0
	}
	local words
	# shellcheck disable=SC1091,SC2016
	words=$(bash -c '. /usr/share/bash-completion/bash_completion
		. "$1/completions/bash/ns-unshare"
		COMP_WORDS=(ns-unshare --ma); COMP_CWORD=1; COMP_LINE="ns-unshare --ma"; COMP_POINT=${#COMP_LINE}
		_comp_f=$(complete -p ns-unshare | sed "s/.*-F \([^ ]*\).*/\1/")
		"$_comp_f" ns-unshare --ma ns-unshare
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BOX_ROOT")
	assertContains "completes --map-root-user: $words" "$words" "--map-root-user"
}

box_run_suite
