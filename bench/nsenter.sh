#!/bin/bash
# bench/nsenter.sh - the cost of entering a process's namespaces:
#   ns-enter -t PID -a true      (boxutils)
#   nsenter -t PID -a true       (util-linux)
# in one hyperfine run, and the ratio of ns-enter to nsenter (target:
# <= 1.05x).  PID is a process this script starts in fresh mount, UTS,
# IPC, network, PID and cgroup namespaces, so --all enters six and forks
# for the PID namespace; it is killed at the end.
#
# Usage: bench/nsenter.sh [RUNS]        (BOX_BIN: the built tools)

. "$(dirname "$0")/lib.sh"
cd "$BENCH_ROOT" || exit 125
RUNS=${1:-500}

bench_need hyperfine nsenter unshare
bench_ours ns-enter
bench_root "it makes namespaces"

unshare -m -u -i -n -p -C --fork --kill-child sleep 600 </dev/null &
parent=$!
csv=$(mktemp /tmp/boxbench.XXXXXX)
trap 'kill -KILL "$parent" 2>/dev/null; wait "$parent" 2>/dev/null; rm -f "$csv"' EXIT
for _ in $(seq 100); do
	pid=$(cat "/proc/$parent/task/$parent/children" 2>/dev/null)
	pid=${pid%% *}
	[ -n "$pid" ] && [ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
	pid=
	sleep 0.05
done
[ -n "$pid" ] || {
	echo "bench/nsenter.sh: the target did not start" >&2
	exit 125
}
echo "target: PID $pid ($(cd "/proc/$pid/ns" && for n in mnt uts ipc net pid cgroup; do
	[ "$(readlink $n)" != "$(readlink /proc/self/ns/$n)" ] && printf '%s ' "$n"; done)differ from ours)"

hyperfine -N --warmup 30 --runs "$RUNS" --export-csv "$csv" \
	-n "ns-enter -t PID -a true" "$BOX_BIN/ns-enter -t $pid -a true" \
	-n "nsenter -t PID -a true" "nsenter -t $pid -a true"

echo
# Medians, as on a shared machine a few runs stall for tens of ms and
# swamp the mean; and minimums, the cost without scheduling noise.
echo "relative to util-linux nsenter (target: ns-enter <= 1.05x):"
printf "  %-24s %10s %7s %10s %7s\n" "" median ratio min ratio
awk -F, 'NR > 1 { name[NR] = $1; med[NR] = $4; min[NR] = $7
		if ($1 == "nsenter -t PID -a true") { bmed = $4; bmin = $7 } }
	END { for (i = 2; i <= NR; i++)
		printf "  %-24s %7.3f ms %6.2fx %7.3f ms %6.2fx\n", name[i],
			med[i] * 1000, med[i] / bmed, min[i] * 1000, min[i] / bmin }' "$csv"
