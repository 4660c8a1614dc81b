# shellcheck shell=bash
# examples/lib.sh - where the tools are, and how the examples print what
# they do.  Sourced by every script in examples/; sets failures=0, which
# bad() counts up.

# BOX_BIN: the built tools (default build/bin at the top of the tree),
# put first in PATH
: "${BOX_BIN:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build/bin}"
[ -d "$BOX_BIN" ] || { echo "${0##*/}: no directory BOX_BIN=$BOX_BIN (run make)" >&2; exit 125; }
BOX_BIN=$(cd "$BOX_BIN" && pwd)
PATH=$BOX_BIN:$PATH:/usr/sbin:/sbin
export PATH BOX_BIN

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
	b=$(printf '\033[1m') d=$(printf '\033[2m') g=$(printf '\033[32m') r=$(printf '\033[31m') n=$(printf '\033[0m')
else
	b='' d='' g='' r='' n=''
fi
say() { printf '\n%s== %s%s\n' "$b" "$*" "$n"; }
show() { printf '%s$ %s%s\n' "$d" "$*" "$n"; }
ok() { printf '%s   ok:%s %s\n' "$g" "$n" "$*"; }
bad() { printf '%s   FAILED:%s %s\n' "$r" "$n" "$*"; failures=$((failures + 1)); }
# step CMD...: print the command, then run it
step() { show "$*"; "$@"; }
# show_chain WORD...: a chain as a shell line, one tool per line
show_chain() {
	local w first=1 tools=" ns-unshare ns-enter cg-exec uf-mount pivot cap-drop "
	printf '%s$' "$d"
	for w; do
		case $tools in
		*" $w "*) [ "$first" = 1 ] || printf ' \\\n   ' ;;
		esac
		first=0
		printf ' %s' "$w"
	done
	printf '%s\n' "$n"
}
indent() { sed 's/^/   | /'; }
die() { local me=${0##*/}; echo "${me%.sh}: $*" >&2; exit 125; }
failures=0
