#!/bin/bash
# bench/startup.sh - what the way a tool is linked costs at each step of
# a chain: every tool built three times from the same sources, as the
# Makefile links it (static-pie against musl where musl-gcc is there),
# static-pie against glibc (make MUSL_CC=) and dynamic against glibc
# (make STATIC_LDFLAGS=), compared on the work before the tool's own job
# starts:
#   instructions to the end of `tool --version` (valgrind callgrind, when
#   installed: exact, and immune to a busy machine),
#   wall time of `tool --version` in one hyperfine run for all of them
#   (the fastest run of each), and page faults (perf stat).
#
# Usage: bench/startup.sh [RUNS]     (BOX_BIN: the built tools)
# Prints "startup: " lines (a markdown table) for bench/run.sh.

. "$(dirname "$0")/lib.sh"
RUNS=${1:-300}
bench_need hyperfine make

T=$(mktemp -d /tmp/boxbench-startup.XXXXXX)
trap 'rm -rf "$T"' EXIT
# -k: a tool that does not build now is left out, not the whole table
make -k -s -C "$BENCH_ROOT" BUILD="$T/dyn" STATIC_LDFLAGS= all >/dev/null 2>&1
make -k -s -C "$BENCH_ROOT" BUILD="$T/glibc" MUSL_CC= all >/dev/null 2>&1

static() { ! readelf -l "$1" 2>/dev/null | grep -q INTERP; }
# glibc marks its binaries with an ABI note; musl does not
libc() { if readelf -n "$1" 2>/dev/null | grep -q NT_GNU_ABI_TAG; then echo glibc; else echo musl; fi; }
tools=()
for f in "$BOX_BIN"/*; do
	[ -x "$f" ] && [ -x "$T/dyn/bin/${f##*/}" ] && [ -x "$T/glibc/bin/${f##*/}" ] &&
		tools+=("${f##*/}")
done

# Ir: instructions from exec to exit
ir() {
	rm -f "$T"/cg.out*
	valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" "$@" >/dev/null 2>&1
	cat "$T"/cg.out* 2>/dev/null | awk '/^summary:/ { s += $2 } END { print s + 0 }'
}
# page faults of one run
pf() {
	perf stat -x, -e page-faults "$@" 2>&1 >/dev/null | awk -F, '/page-faults/ { print $1; exit }'
}

args=()
for t in "${tools[@]}"; do
	static "$BOX_BIN/$t" || continue
	args+=(-n "$t built" "$BOX_BIN/$t --version"
		-n "$t glibc static" "$T/glibc/bin/$t --version"
		-n "$t dynamic" "$T/dyn/bin/$t --version")
done
[ ${#args[@]} -gt 0 ] || bench_die "no tool is linked statically (STATIC_LDFLAGS?)"
csv=$T/startup.csv
hyperfine -N --warmup 20 --runs "$RUNS" --export-csv "$csv" "${args[@]}" >/dev/null ||
	bench_die "hyperfine failed"
bench_table "$csv"

have_vg='' have_perf=''
command -v valgrind >/dev/null && have_vg=1
command -v perf >/dev/null && [ -n "$(pf true)" ] && have_perf=1
# times: the fastest run of each, the start-up cost itself; on a busy
# machine the median measures the wait for a CPU as much
echo "startup: | tool | as built | instructions: built / glibc static / dynamic | page faults: built / glibc static / dynamic | fastest run: built | glibc static | dynamic | built / glibc static |"
echo "startup: |---|---|---|---|---|---|---|---|"
for t in "${tools[@]}"; do
	if ! static "$BOX_BIN/$t"; then
		echo "startup: | $t | dynamic (a library without a static archive) | | | | | | |"
		continue
	fi
	ins=- faults=-
	if [ -n "$have_vg" ]; then
		ins="$(ir "$BOX_BIN/$t" --version) / $(ir "$T/glibc/bin/$t" --version) / $(ir "$T/dyn/bin/$t" --version)"
	fi
	if [ -n "$have_perf" ]; then
		faults="$(pf "$BOX_BIN/$t" --version) / $(pf "$T/glibc/bin/$t" --version) / $(pf "$T/dyn/bin/$t" --version)"
	fi
	awk -F, -v t="$t" -v ins="$ins" -v faults="$faults" -v how="static-pie, $(libc "$BOX_BIN/$t")" '
		NR > 1 { gsub(/"/, ""); min[$1] = $7 }
		END { b = min[t " built"]; g = min[t " glibc static"]; d = min[t " dynamic"]
			printf "startup: | %s | %s | %s | %s | %.3f ms | %.3f ms | %.3f ms | %.2fx |\n",
				t, how, ins, faults, b * 1000, g * 1000, d * 1000, b / g }' "$csv"
done
[ -n "$have_vg" ] || echo "startup: (instructions not counted: valgrind is not installed)"
[ -n "$have_perf" ] || echo "startup: (page faults not counted: perf is not installed)"
