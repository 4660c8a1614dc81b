# shellcheck shell=bash
# examples/lib.sh - how the examples print what they do.  Sourced by
# every script in examples/; sets failures=0, which bad() counts up.

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
