#!/bin/bash
# bench/ns.sh - the cost of the namespace tools against util-linux.
#
# ns-unshare: one hyperfine run of
#   ns-unshare -mpui --fork true
#   unshare -mpui --fork true          (util-linux)
#   /bin/true                          (the floor: fork and exec alone)
# and the ratios to util-linux (target: ns-unshare <= 1.05x).
#
# Usage: bench/ns.sh [RUNS]            (BOX_BIN: the built tools; root)

. "$(dirname "$0")/lib.sh"
cd "$BENCH_ROOT" || exit 125
RUNS=${1:-300}

bench_need hyperfine unshare
bench_ours ns-unshare
bench_root "new mount, pid, uts, ipc namespaces"
csv=$(mktemp /tmp/boxbench-ns.XXXXXX)
trap 'rm -f "$csv"' EXIT

# Print median and min of each command, and their ratio to the one named
# $2, from hyperfine's CSV in $1.  Medians, as on a shared machine a few
# runs stall and swamp the mean; minimums, the cost without that noise.
ratios() {
	printf "  %-32s %10s %7s %10s %7s\n" "" median ratio min ratio
	awk -F, -v base="$2" 'NR > 1 { name[NR] = $1; med[NR] = $4; min[NR] = $7
			if ($1 == base) { bmed = $4; bmin = $7 } }
		END { for (i = 2; i <= NR; i++)
			printf "  %-32s %7.3f ms %6.2fx %7.3f ms %6.2fx\n", name[i],
				med[i] * 1000, med[i] / bmed, min[i] * 1000, min[i] / bmin }' "$1"
}

# --- ns-unshare -------------------------------------------------------------

echo "== ns-unshare vs util-linux unshare ($(unshare --version))"
hyperfine -N --warmup 20 --runs "$RUNS" --export-csv "$csv" \
	-n "ns-unshare -mpui --fork true" "$BOX_BIN/ns-unshare -mpui --fork true" \
	-n "unshare -mpui --fork true" "unshare -mpui --fork true" \
	-n "/bin/true" "/bin/true" || exit 125
echo
echo "relative to util-linux unshare (target: ns-unshare <= 1.05x):"
ratios "$csv" "unshare -mpui --fork true"
