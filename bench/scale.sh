#!/bin/bash
# bench/scale.sh - N containers alive at once (default 1000), each a
# cgroup, a network namespace with a veth pair, and a sleeping payload in
# its own pid namespace:
#   cg-create --relative P/cI
#   cg-exec --relative P/cI ns-unshare -n -p -f sleep ... &
#   ns-enter -t HOST --net veth-link --netns PID --addr .. --peer-addr .. vbI
# It records each container's set-up time, compares the mean of the last
# 100 with the first 100 (target, issue 8: within 1.2x), the memory of
# the process boxutils leaves waiting in each (the ns-unshare parent;
# target <= 1 MiB RSS), and the time to tear all N down (cg-delete kills
# each container; its network namespace, and with it the veth pair, goes
# when the last process in it exits).  With gnuplot, a PNG of set-up time
# against the number of containers alive.
#
# The veth host ends live in a network namespace this script made (held
# by a sleeping process), never in the host's; cgroups go under a parent
# beneath this script's own cgroup.
#
# Usage: bench/scale.sh [N]   (BENCH_SCALE_N; BOX_BIN: the built tools)
# Prints "scale: " lines for bench/run.sh; data in bench/results/scale.tsv,
# plot in bench/results/scale.png.

. "$(dirname "$0")/lib.sh"
N=${1:-${BENCH_SCALE_N:-1000}}
bench_root "it makes namespaces, cgroups and mounts"
bench_need cg-create cg-exec cg-delete ns-unshare ns-enter veth-link
case $N in
'' | *[!0-9]*) bench_die "N must be a number: $N" ;;
esac
[ "$N" -ge 2 ] && [ "$N" -le 16000 ] || bench_die "N must be 2..16000"

P=boxbench-scale-$$
tsv=$BENCH_RESULTS/scale.tsv
holder=
pids=()
cleanup() {
	local p
	cg-delete --relative --recursive "$P" 2>/dev/null
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	{ wait; } 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cg-create --relative "$P" || bench_die "cannot make cgroup $P"
# the "host" side of every veth pair: a network namespace held by a
# sleeping process of ours
ns-unshare --net sleep 1000000 </dev/null &
holder=$!
for _ in $(seq 200); do
	[ "$(readlink "/proc/$holder/ns/net")" != "$(readlink /proc/self/ns/net)" ] &&
		[ "$(cat "/proc/$holder/comm")" = sleep ] && break
	sleep 0.01
done
[ "$(readlink "/proc/$holder/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
	bench_die "the host-side network namespace did not start"

now() { echo "${EPOCHREALTIME/./}"; } # microseconds

# IPv4-only containers, as on Docker's default bridge: with IPv6 on, every
# new veth end makes the kernel walk all N link-local routes of the
# host-side namespace (addrconf, fib6), which is the kernel's cost, not
# the tools' (measured with perf: +0.5 to 1.1 ms per container at 600)
ns-enter -t "$holder" --net sh -c \
	'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 &&
	 echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' ||
	bench_die "cannot turn IPv6 off in the host-side namespace"

echo -e "count\tsetup_ms" >"$tsv"
start_all=$(now)
for i in $(seq 1 "$N"); do
	# timestamps and the wait below use no subshell: at 1000 children
	# every fork of this script costs it a walk of them all in wait4
	t0=${EPOCHREALTIME/./}
	cg-create --relative "$P/c$i" || bench_die "container $i: cg-create failed"
	cg-exec --relative "$P/c$i" ns-unshare -n -p -f sleep 1000000 \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	pids+=("$pid")
	# veth-link --netns PID needs the new net namespace: wait for unshare
	while [[ /proc/$pid/ns/net -ef /proc/self/ns/net ]]; do
		:
	done
	a=$((i / 250 + 1))
	b=$((i % 250))
	ns-enter -t "$holder" --net veth-link --netns "$pid" \
		--addr "10.$a.$b.1/24" --peer-name eth0 --peer-addr "10.$a.$b.2/24" \
		"vb$i" || bench_die "container $i: veth-link failed"
	t1=${EPOCHREALTIME/./}
	echo -e "$i\t$(((t1 - t0) / 1000)).$(printf '%03d' $(((t1 - t0) % 1000)))" >>"$tsv"
done
end_all=$(now)

# what boxutils leaves waiting: each ns-unshare parent (its child, the
# payload, is PID 1 of the container)
rss=$(for p in "${pids[@]}"; do
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$p/status" 2>/dev/null
done | awk '{ s += $1; if ($1 > m) m = $1; n++ }
	END { printf "%d %.0f %d", n, s / n, m }')
read -r alive rss_mean rss_max <<<"$rss"
links=$(ns-enter -t "$holder" --net ip -o link show type veth 2>/dev/null | grep -c ' vb')
payloads=$(cat /sys/fs/cgroup/pids/"$(bench_own_cgroup pids)"/"$P"/c*/cgroup.procs 2>/dev/null | wc -l)

# teardown: every container's cgroup deleted (its processes killed), and
# every veth pair gone with its network namespace
t0=$(now)
# (stderr to fd 3 only: bash's "Killed" notice of each job would fill the log)
{
	for i in $(seq 1 "$N"); do
		cg-delete --relative "$P/c$i" 2>&3 ||
			echo "scale: container $i: cg-delete failed" >&3
	done
	wait "${pids[@]}"
} 3>&2 2>/dev/null
pids=()
t_killed=$(now)
for _ in $(seq 6000); do
	[ "$(ns-enter -t "$holder" --net ip -o link show type veth 2>/dev/null | grep -c ' vb')" = 0 ] && break
	sleep 0.01
done
t1=$(now)
left=$(ns-enter -t "$holder" --net ip -o link show type veth 2>/dev/null | grep -c ' vb')

awk -F'\t' -v n="$N" -v total="$(((end_all - start_all) / 1000))" \
	-v alive="$alive" -v links="$links" -v payloads="$payloads" \
	-v rmean="$rss_mean" -v rmax="$rss_max" \
	-v td="$(((t1 - t0) / 1000))" -v tk="$(((t_killed - t0) / 1000))" -v left="$left" '
	function median(a, from, k,   i, j, t, b) {
		for (i = 1; i <= k; i++) b[i] = a[from + i - 1]
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
		return (k % 2) ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2
	}
	NR > 1 { s[NR - 1] = $2 }
	END {
		k = (n >= 200) ? 100 : int(n / 2)
		for (i = 1; i <= k; i++) { f += s[i]; l += s[n - k + i] }
		f /= k; l /= k; r = l / f
		mf = median(s, 1, k); ml = median(s, n - k + 1, k)
		printf "scale: | measure | value | target |\n|---|---|---|\n"
		printf "scale: | containers alive at once | %d (%d veth pairs, %d processes in their cgroups) | 1000 |\n", alive, links, payloads
		printf "scale: | set-up, all %d | %.1f s (%.1f ms each) | |\n", n, total / 1000, total / n
		printf "scale: | set-up, mean of the first %d | %.2f ms | |\n", k, f
		printf "scale: | set-up, mean of the last %d | %.2f ms | |\n", k, l
		printf "scale: | last / first | %.2fx | <= 1.2x: %s |\n", r, (r <= 1.2) ? "met" : "**missed**"
		printf "scale: | set-up, median of the first / last %d (spikes aside) | %.2f ms / %.2f ms (%.2fx) | |\n", k, mf, ml, ml / mf
		printf "scale: | RSS of each waiting ns-unshare, mean / max | %d KiB / %d KiB | <= 1024 KiB: %s |\n", rmean, rmax, (rmax <= 1024) ? "met" : "**missed**"
		printf "scale: | teardown of all %d (cg-delete each) | %.1f s, %.1f s until every veth was gone (%d left) | |\n", n, tk / 1000, td / 1000, left
	}' "$tsv" | sed 's/^|---/scale: |---/'

if command -v gnuplot >/dev/null; then
	gnuplot <<EOF && echo "scale: " && echo "scale: plot: bench/results/scale.png (bench/scale.png beside results.md)"
set terminal png size 900,500
set output "$BENCH_RESULTS/scale.png"
set title "boxutils: set-up time of container N while N-1 are alive ($(uname -r), $(nproc) CPUs)"
set xlabel "containers alive"
set ylabel "set-up time (ms)"
set key off
set grid
plot "$tsv" using 1:2 every ::1 with points pt 7 ps 0.4
EOF
else
	echo "scale: "
	echo "scale: (no plot: gnuplot is not installed; Debian package gnuplot-nox)"
fi
