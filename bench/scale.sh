#!/bin/bash
# bench/scale.sh - N containers alive at once (default 1000), made twice
# in one run: by boxutils, and by the peers doing the same kernel work.
# Each container is a cgroup (in every hierarchy), a network and pid
# namespace with a sleeping payload, and a veth pair into it:
#
#   step     boxutils                          peers
#   cgroup   cg-create --relative P/cI         mkdir of the same directories
#   start    cg-exec --relative P/cI \         sh: echo $$ > each cgroup.procs,
#              ns-unshare -n -p -f sleep         exec unshare -n -p -f sleep
#   veth     ns-enter -t HOST --net \          nsenter -t HOST -n sh: ip link add,
#              veth-link --netns PID ...         ip addr, ip link set, nsenter
#                                                -t PID -n: ip addr, ip link set x2
#
# Each step is timed alone.  The containers are not children of this
# script (each is started from a command substitution whose shell exits
# at once, so it is reparented): a shell with 1000 children walks them
# all in wait4 at every command it runs, which measured the shell, not
# the tools (+0.2-0.3 ms a step at 1000).  Printed: each step's median
# over the first and the last 100 containers, for both, the ratio of the
# set-up at 1000 alive (target, issue 13: boxutils <= 0.5x the peers) and
# boxutils' own growth, last 100 / first 100 (target <= 1.2x); the RSS of
# each ns-unshare left waiting (<= 1 MiB); the teardown time.  With
# gnuplot, a PNG of set-up time against containers alive, both series.
#
# The veth host ends live in a network namespace this script made (held
# by a sleeping process), never in the host's; cgroups go under parents
# beneath this script's own cgroup; every process it ends, it started.
#
# Usage: bench/scale.sh [N]   (BENCH_SCALE_N; BOX_BIN: the built tools)
# Prints "scale: " lines for bench/run.sh; data in bench/results/scale.tsv,
# plot in bench/results/scale.png.

. "$(dirname "$0")/lib.sh"
N=${1:-${BENCH_SCALE_N:-1000}}
bench_root "it makes namespaces, cgroups and mounts"
bench_need cg-create cg-exec cg-delete ns-unshare ns-enter veth-link \
	unshare nsenter ip
PATH=$PATH:/usr/sbin:/sbin
case $N in
'' | *[!0-9]*) bench_die "N must be a number: $N" ;;
esac
[ "$N" -ge 2 ] && [ "$N" -le 16000 ] || bench_die "N must be 2..16000"

# The containers are orphans by design (see above): the whole run goes
# in a pid namespace of its own whose PID 1, ns-unshare --init, reaps
# them, so no zombie is left to the machine's init; when the run ends,
# the kernel ends whatever is left in it.
if [ -z "$BOX_BENCH_INNER" ]; then
	BOX_BENCH_INNER=1 exec ns-unshare --pid --fork --init --mount \
		--mount-proc bash "$0" "$@"
fi

P=boxbench-scale-$$
Q=boxbench-peers-$$
tsv=$BENCH_RESULTS/scale.tsv
T=$(mktemp -d /tmp/boxbench-scale.XXXXXX)
holder=
ours=() peers=() qdirs=()
# end the containers this script started, by PID, then their cgroups
cleanup() {
	local p d
	for p in "${ours[@]}" "${peers[@]}"; do
		[ -n "$p" ] && kill -KILL "$p" 2>/dev/null
	done
	cg-delete --relative --recursive "$P" 2>/dev/null
	for d in "${qdirs[@]}"; do
		[ -d "$d" ] || continue
		for p in $(cat "$d"/c*/cgroup.procs 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		sleep 0.1
		find "$d" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null
		rmdir "$d" 2>/dev/null
	done
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cg-create --relative "$P" || bench_die "cannot make cgroup $P"
# the "host" side of every veth pair: a network namespace held by a
# sleeping process of ours
ns-unshare --net sleep 1000000 </dev/null &
holder=$!
for _ in $(seq 200); do
	[[ /proc/$holder/ns/net -ef /proc/self/ns/net ]] ||
		{ [ "$(cat "/proc/$holder/comm")" = sleep ] && break; }
	sleep 0.01
done
[[ /proc/$holder/ns/net -ef /proc/self/ns/net ]] &&
	bench_die "the host-side network namespace did not start"

# IPv4-only containers, as on Docker's default bridge: with IPv6 on, every
# new veth end makes the kernel walk all N link-local routes of the
# host-side namespace (addrconf, fib6), which is the kernel's cost, not
# the tools' (measured with perf: +0.5 to 1.1 ms per container at 600)
ns-enter -t "$holder" --net sh -c \
	'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 &&
	 echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' ||
	bench_die "cannot turn IPv6 off in the host-side namespace"

# The directories cg-create makes for a container, found by making one:
# the peers make the same ones with mkdir, below a parent of their own.
cg-create --relative "$P/probe" || bench_die "cg-create failed"
mapfile -t cgdirs < <(find /sys/fs/cgroup -type d -path "*/$P/probe" 2>/dev/null)
[ "${#cgdirs[@]}" -gt 0 ] || bench_die "cannot find the cgroups cg-create made"
cg-delete --relative "$P/probe" || bench_die "cg-delete failed"
for d in "${cgdirs[@]}"; do
	q=${d%/"$P"/probe}/$Q
	mkdir "$q" || bench_die "cannot make $q"
	qdirs+=("$q")
	# v1 cpuset: a child needs cpus and mems before a task may join
	[ -e "$q/cpuset.cpus" ] && cat "${d%/"$P"/probe}/cpuset.cpus" >"$q/cpuset.cpus" &&
		cat "${d%/"$P"/probe}/cpuset.mems" >"$q/cpuset.mems"
	[ -e "$q/cgroup.clone_children" ] && echo 1 >"$q/cgroup.clone_children"
done

us() { echo "${EPOCHREALTIME/./}"; }
# wait_gone PID...: until each has exited (a zombie has: whoever adopted
# it reaps it in its own time)
wait_gone() {
	local p st
	for p; do
		while read -r _ _ st _ 2>/dev/null <"/proc/$p/stat" && [ "$st" != Z ]; do
			sleep 0.01
		done
	done
}
# wait_netns PID: until PID runs in a network namespace of its own
wait_netns() {
	local i
	for ((i = 0; i < 100000; i++)); do
		[ -e "/proc/$1/ns/net" ] && ! [[ /proc/$1/ns/net -ef /proc/self/ns/net ]] && return 0
	done
	return 1
}
addr() { echo "10.$(($1 / 250 + 1)).$(($1 % 250))"; }

# make_ours I: one container by boxutils; appends "cg start veth" in us
make_ours() {
	local i=$1 t0 t1 t2 t3 pid a
	a=$(addr "$i")
	t0=$(us)
	cg-create --relative "$P/c$i" || bench_die "container $i: cg-create failed"
	t1=$(us)
	pid=$(cg-exec --relative "$P/c$i" ns-unshare -n -p -f sleep 1000000 \
		</dev/null >/dev/null 2>&1 & echo $!)
	ours+=("$pid")
	wait_netns "$pid" || bench_die "container $i did not start"
	t2=$(us)
	ns-enter -t "$holder" --net veth-link --netns "$pid" \
		--addr "$a.1/24" --peer-name eth0 --peer-addr "$a.2/24" \
		"vb$i" || bench_die "container $i: veth-link failed"
	t3=$(us)
	times=("$((t1 - t0))" "$((t2 - t1))" "$((t3 - t2))")
}

# make_peer I: the same container by mkdir, sh, unshare, nsenter and ip
make_peer() {
	local i=$1 t0 t1 t2 t3 pid a d dirs=() procs=()
	a=$(addr "$i")
	for d in "${qdirs[@]}"; do
		dirs+=("$d/c$i")
		procs+=("$d/c$i/cgroup.procs")
	done
	t0=$(us)
	mkdir "${dirs[@]}" || bench_die "peer container $i: mkdir failed"
	t1=$(us)
	# shellcheck disable=SC2016 # expanded by that sh
	pid=$(sh -c 'for f; do echo $$ >"$f" || exit 1; done
		exec unshare -n -p -f --kill-child sleep 1000000' sh "${procs[@]}" \
		</dev/null >/dev/null 2>&1 & echo $!)
	peers+=("$pid")
	wait_netns "$pid" || bench_die "peer container $i did not start"
	t2=$(us)
	nsenter -t "$holder" -n sh -c "ip link add vq$i type veth peer name eth0 netns $pid &&
		ip addr add $a.1/24 dev vq$i && ip link set vq$i up &&
		nsenter -t $pid -n sh -c 'ip addr add $a.2/24 dev eth0 &&
			ip link set eth0 up && ip link set lo up'" ||
		bench_die "peer container $i: ip failed"
	t3=$(us)
	times=("$((t1 - t0))" "$((t2 - t1))" "$((t3 - t2))")
}

# the same result from both, or the comparison means nothing: checked on
# the first container of each
check_container() {
	local pid=$1 host=$2 got
	got=$(nsenter -t "$pid" -n ip -o -4 addr show dev eth0 | awk '{ print $4 }')
	[ "$got" = "$(addr 1).2/24" ] || bench_die "$host: eth0 has '$got'"
	nsenter -t "$holder" -n ip -o link show "$host" | grep -q 'UP' ||
		bench_die "$host is not up"
	nsenter -t "$pid" -n ip -o link show lo | grep -q 'UP' || bench_die "$host: lo down"
	[ "$(readlink "/proc/$pid/ns/pid_for_children")" != "$(readlink /proc/self/ns/pid)" ] ||
		bench_die "$host: no pid namespace"
}

# The tools' own share, apart from the kernel's: user-space instructions
# of each step (callgrind counts them exactly, whatever the machine is
# doing) on a probe container made beside the others, with K alive.
# The probe's payload is a program that does not exist, so the count is
# cg-exec's, ns-unshare's and its child's up to the failed exec.
ir() {
	rm -f "$T"/cg.out*
	valgrind --tool=callgrind --trace-children=yes \
		--callgrind-out-file="$T/cg.out.%p" "$@" >/dev/null 2>&1
	cat "$T"/cg.out* 2>/dev/null | awk '/^summary:/ { s += $2 } END { print s + 0 }'
}
probe() {
	local k=$1 pid=${ours[$1 - 1]} a b c
	a=$(ir "$BOX_BIN/cg-create" --relative "$P/probe$k")
	b=$(ir "$BOX_BIN/cg-exec" --relative "$P/probe$k" "$BOX_BIN/ns-unshare" -n -p -f /nonexistent)
	c=$(ns-enter -t "$holder" --net sh -c "$(declare -f ir); T=$T; ir \"$BOX_BIN/veth-link\" \
		--netns $pid --peer-name probe0 --addr 10.255.0.1/24 --peer-addr 10.255.0.2/24 vp$k")
	ns-enter -t "$holder" --net veth-link -d "vp$k"
	cg-delete --relative "$P/probe$k"
	echo "$a $b $c"
}
IR_FIRST='' IR_LAST=''
command -v valgrind >/dev/null || echo "scale: (no instruction counts: valgrind is not installed)"

declare -a O_CG O_START O_VETH Q_CG Q_START Q_VETH
start_all=$(us)
for ((i = 1; i <= N; i++)); do
	make_ours "$i"
	O_CG[i]=${times[0]} O_START[i]=${times[1]} O_VETH[i]=${times[2]}
	if command -v valgrind >/dev/null; then
		# outside the timed steps; the loop's total includes them
		[ "$i" = 50 ] && IR_FIRST=$(probe "$i")
		[ "$i" = $((N - 50)) ] && [ "$N" -ge 150 ] && IR_LAST=$(probe "$i")
	fi
done
end_all=$(us)
check_container "${ours[0]}" vb1

# what boxutils leaves waiting: each ns-unshare parent (its child, the
# payload, is PID 1 of the container)
rss=$(for p in "${ours[@]}"; do
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$p/status" 2>/dev/null
done | awk '{ s += $1; if ($1 > m) m = $1; n++ }
	END { printf "%d %.0f %d", n, s / n, m }')
read -r alive rss_mean rss_max <<<"$rss"
links=$(nsenter -t "$holder" -n ip -o link show type veth 2>/dev/null | grep -c ' vb')

# teardown: every container's cgroup deleted (cg-delete kills what is
# inside), and every veth pair gone with its network namespace
t0=$(us)
for ((i = 1; i <= N; i++)); do
	cg-delete --relative "$P/c$i" || echo "scale: container $i: cg-delete failed" >&2
done
wait_gone "${ours[@]}"
ours=()
t_killed=$(us)
for _ in $(seq 6000); do
	[ "$(nsenter -t "$holder" -n ip -o link show type veth 2>/dev/null | grep -c ' vb')" = 0 ] && break
	sleep 0.01
done
t1=$(us)
left=$(nsenter -t "$holder" -n ip -o link show type veth 2>/dev/null | grep -c ' vb')

for ((i = 1; i <= N; i++)); do
	make_peer "$i"
	Q_CG[i]=${times[0]} Q_START[i]=${times[1]} Q_VETH[i]=${times[2]}
done
check_container "${peers[0]}" vq1
# everything in each peer container's cgroup (its unshare and payload)
for ((i = 1; i <= N; i++)); do
	# shellcheck disable=SC2046 # one PID a word
	kill -KILL $(cat "${qdirs[0]}/c$i/cgroup.procs") 2>/dev/null
done
wait_gone "${peers[@]}"
peers=()

{
	echo -e "count\tours_cgroup\tours_start\tours_veth\tours_ms\tpeers_cgroup\tpeers_start\tpeers_veth\tpeers_ms"
	for ((i = 1; i <= N; i++)); do
		echo -e "$i\t${O_CG[i]}\t${O_START[i]}\t${O_VETH[i]}\t$(((O_CG[i] + O_START[i] + O_VETH[i]) / 1000)).$(printf '%03d' $(((O_CG[i] + O_START[i] + O_VETH[i]) % 1000)))\t${Q_CG[i]}\t${Q_START[i]}\t${Q_VETH[i]}\t$(((Q_CG[i] + Q_START[i] + Q_VETH[i]) / 1000)).$(printf '%03d' $(((Q_CG[i] + Q_START[i] + Q_VETH[i]) % 1000)))"
	done
} >"$tsv"

awk -F'\t' -v n="$N" -v total="$(((end_all - start_all) / 1000))" \
	-v alive="$alive" -v links="$links" \
	-v rmean="$rss_mean" -v rmax="$rss_max" \
	-v td="$(((t1 - t0) / 1000))" -v tk="$(((t_killed - t0) / 1000))" -v left="$left" \
	-v irf="$IR_FIRST" -v irl="$IR_LAST" '
	function median(col, from, k,   i, j, t, b) {
		for (i = 1; i <= k; i++) b[i] = v[from + i - 1, col]
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
		return ((k % 2) ? b[(k + 1) / 2] : (b[k / 2] + b[k / 2 + 1]) / 2) / 1000
	}
	NR > 1 { for (c = 2; c <= 9; c++) v[NR - 1, c] = $c
		 v[NR - 1, 10] = $2 + $3 + $4; v[NR - 1, 11] = $6 + $7 + $8 }
	END {
		k = (n >= 200) ? 100 : int(n / 2)
		last = n - k + 1
		split("cgroup start veth", step, " ")
		printf "scale: | step (median, ms) | boxutils first %d | boxutils last %d | growth | peers first %d | peers last %d | boxutils / peers, last %d |\n", k, k, k, k, k
		printf "scale: |---|---|---|---|---|---|---|\n"
		for (s = 1; s <= 3; s++) {
			of = median(s + 1, 1, k); ol = median(s + 1, last, k)
			pf = median(s + 5, 1, k); pl = median(s + 5, last, k)
			printf "scale: | %s | %.2f | %.2f | %.2fx | %.2f | %.2f | %.2fx |\n", step[s], of, ol, ol / of, pf, pl, ol / pl
		}
		of = median(10, 1, k); ol = median(10, last, k)
		pf = median(11, 1, k); pl = median(11, last, k)
		printf "scale: | **set-up** | %.2f | %.2f | %.2fx | %.2f | %.2f | %.2fx |\n", of, ol, ol / of, pf, pl, ol / pl
		printf "scale: \n"
		printf "scale: | measure | value | target |\n"
		printf "scale: |---|---|---|\n"
		printf "scale: | containers alive at once | %d (%d veth pairs) | 1000 |\n", alive, links
		printf "scale: | set-up by boxutils, all %d, loop included | %.1f s (%.1f ms each) | |\n", n, total / 1000, total / n
		printf "scale: | boxutils last %d / first %d (medians) | %.2fx | <= 1.2x: %s |\n", k, k, ol / of, (ol / of <= 1.2) ? "met" : "**missed**"
		printf "scale: | boxutils / peers at %d alive (medians of the last %d) | %.2fx | <= 0.5x: %s |\n", n, k, ol / pl, (ol / pl <= 0.5) ? "met" : "**missed**"
		if (irf != "" && irl != "") {
			split(irf, f, " "); split(irl, l, " ")
			printf "scale: | user-space instructions of cg-create, cg-exec + ns-unshare, veth-link: with 50 alive / with %d alive (callgrind) | %d, %d, %d / %d, %d, %d (%.2fx) | flat |\n", n - 50, f[1], f[2], f[3], l[1], l[2], l[3], (l[1] + l[2] + l[3]) / (f[1] + f[2] + f[3])
		}
		printf "scale: | RSS of each waiting ns-unshare, mean / max | %d KiB / %d KiB | <= 1024 KiB: %s |\n", rmean, rmax, (rmax <= 1024) ? "met" : "**missed**"
		printf "scale: | teardown of all %d (cg-delete each) | %.1f s, %.1f s until every veth was gone (%d left) | |\n", n, tk / 1000, td / 1000, left
	}' "$tsv"

if command -v gnuplot >/dev/null; then
	gnuplot <<GP && echo "scale: " && echo "scale: plot: bench/results/scale.png (bench/scale.png beside results.md)"
set terminal png size 900,500
set output "$BENCH_RESULTS/scale.png"
set title "set-up time of container N while N-1 are alive ($(uname -r), $(nproc) CPUs)"
set xlabel "containers alive"
set ylabel "set-up time (ms)"
set grid
plot "$tsv" using 1:5 every ::1 with points pt 7 ps 0.4 title "boxutils", \
     "$tsv" using 1:9 every ::1 with points pt 7 ps 0.4 title "mkdir, sh, unshare, nsenter, ip"
GP
else
	echo "scale: "
	echo "scale: (no plot: gnuplot is not installed; Debian package gnuplot-nox)"
fi
