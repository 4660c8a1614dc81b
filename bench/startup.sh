#!/bin/bash
# bench/startup.sh - what static linking gains at each step of a chain:
# every tool built twice from the same objects, as the Makefile links it
# (static-pie where ld allows) and all dynamic (make STATIC_LDFLAGS=),
# compared on the work before the tool's own job starts:
#   instructions to the end of `tool --version` (valgrind callgrind, when
#   installed: exact, and immune to a busy machine),
#   wall time of `tool --version` in one hyperfine run for all of them
#   (the fastest run of each).
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

tools=()
for f in "$BOX_BIN"/*; do
	[ -x "$f" ] && [ -x "$T/dyn/bin/${f##*/}" ] && tools+=("${f##*/}")
done
static() { ! readelf -l "$1" 2>/dev/null | grep -q INTERP; }

# Ir: instructions from exec to exit
ir() {
	rm -f "$T"/cg.out*
	valgrind --tool=callgrind --callgrind-out-file="$T/cg.out" "$@" >/dev/null 2>&1
	cat "$T"/cg.out* 2>/dev/null | awk '/^summary:/ { s += $2 } END { print s + 0 }'
}

args=()
for t in "${tools[@]}"; do
	static "$BOX_BIN/$t" || continue
	args+=(-n "$t static" "$BOX_BIN/$t --version" -n "$t dynamic" "$T/dyn/bin/$t --version")
done
[ ${#args[@]} -gt 0 ] || bench_die "no tool is linked statically (STATIC_LDFLAGS?)"
csv=$T/startup.csv
hyperfine -N --warmup 20 --runs "$RUNS" --export-csv "$csv" "${args[@]}" >/dev/null ||
	bench_die "hyperfine failed"
bench_table "$csv"

have_vg=
command -v valgrind >/dev/null && have_vg=1
# times: the fastest run of each, the start-up cost itself; on a busy
# machine the median measures the wait for a CPU as much
echo "startup: | tool | linked | instructions, static | dynamic | ratio | fastest run, static | dynamic | ratio |"
echo "startup: |---|---|---|---|---|---|---|---|"
for t in "${tools[@]}"; do
	if ! static "$BOX_BIN/$t"; then
		echo "startup: | $t | dynamic (a library without a static archive, or NSS) | | | | | | |"
		continue
	fi
	is=- id=-
	if [ -n "$have_vg" ]; then
		is=$(ir "$BOX_BIN/$t" --version)
		id=$(ir "$T/dyn/bin/$t" --version)
	fi
	awk -F, -v t="$t" -v is="$is" -v id="$id" '
		NR > 1 { gsub(/"/, ""); min[$1] = $7 }
		END { s = min[t " static"]; d = min[t " dynamic"]
			ir = (is > 0 && id > 0) ? sprintf("%.2fx", is / id) : "-"
			printf "startup: | %s | static-pie | %s | %s | %s | %.3f ms | %.3f ms | %.2fx |\n",
				t, is, id, ir, s * 1000, d * 1000, s / d }' "$csv"
done
[ -n "$have_vg" ] || echo "startup: (instructions not counted: valgrind is not installed)"
