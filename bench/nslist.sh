#!/bin/bash
# bench/nslist.sh - listing the containers of a busy host:
#   ns-list                          (boxutils: containers, runtime, name,
#                                     cgroup, and addresses read through
#                                     each network namespace)
#   lsns                             (util-linux: namespaces only)
# side by side in one hyperfine run, with N containers alive (default
# 1000), each made as bench/scale.sh makes them: a cgroup, a network
# namespace with a veth pair and an address, a sleeping payload in its
# own PID namespace under its ns-unshare launcher:
#   cg-create --relative P/cI
#   cg-exec --relative P/cI ns-unshare -n -p -f sleep ... &
#   ns-enter -t HOST --net veth-link --netns PID --addr .. --peer-addr .. vbI
# Target (issue 17): ns-list takes no longer than lsns (mean <= 1.0x),
# though it shows more.  Also timed: ns-list without the ADDR column (no
# trip into each network namespace), and --json.
#
# The veth host ends live in a network namespace this script made (held
# by a sleeping process), never in the host's; cgroups go under a parent
# beneath this script's own cgroup; all is removed at the end.
#
# Usage: bench/nslist.sh [N] [RUNS]   (BOX_BIN: the built tools)

. "$(dirname "$0")/lib.sh"
N=${1:-1000}
RUNS=${2:-30}
bench_root "it makes namespaces, cgroups and links"
bench_need hyperfine lsns cg-create cg-exec cg-delete ns-unshare ns-enter veth-link
bench_ours ns-list
case $N$RUNS in
'' | *[!0-9]*) bench_die "N and RUNS must be numbers" ;;
esac
[ "$N" -ge 1 ] && [ "$N" -le 16000 ] || bench_die "N must be 1..16000"

P=boxbench-nslist-$$
holder=
pids=()
csv=$(mktemp /tmp/boxbench.XXXXXX)
# (stderr off: bash's "Killed" notice of each job would fill the log)
cleanup() {
	local p
	{
		cg-delete --relative --recursive "$P"
		for p in "${pids[@]}"; do
			kill -KILL "$p"
		done
		[ -n "$holder" ] && kill "$holder"
		wait
	} 2>/dev/null
	rm -f "$csv"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cg-create --relative "$P" || bench_die "cannot make cgroup $P"
ns-unshare --net sleep 1000000 </dev/null &
holder=$!
for _ in $(seq 200); do
	[ "$(readlink "/proc/$holder/ns/net")" != "$(readlink /proc/self/ns/net)" ] &&
		[ "$(cat "/proc/$holder/comm")" = sleep ] && break
	sleep 0.01
done
[ "$(readlink "/proc/$holder/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
	bench_die "the host-side network namespace did not start"
# IPv4 only, as bench/scale.sh has it (IPv6 makes each new veth cost the
# kernel a walk of every link-local route of the host side)
ns-enter -t "$holder" --net sh -c \
	'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 &&
	 echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' ||
	bench_die "cannot turn IPv6 off in the host-side namespace"

echo "making $N containers"
for i in $(seq 1 "$N"); do
	cg-create --relative "$P/c$i" || bench_die "container $i: cg-create failed"
	cg-exec --relative "$P/c$i" ns-unshare -n -p -f sleep 1000000 \
		</dev/null >/dev/null 2>&1 &
	pid=$!
	pids+=("$pid")
	while [[ /proc/$pid/ns/net -ef /proc/self/ns/net ]]; do
		:
	done
	a=$((i / 250 + 1))
	b=$((i % 250))
	ns-enter -t "$holder" --net veth-link --netns "$pid" \
		--addr "10.$a.$b.1/24" --peer-name eth0 --peer-addr "10.$a.$b.2/24" \
		"vb$i" || bench_die "container $i: veth-link failed"
done

shown=$("$BOX_BIN/ns-list" -n -o runtime,name,addr |
	awk '$1 == "boxutils" && $2 ~ /^c[0-9]+$/ && $3 ~ /^10\./' | wc -l)
procs=$(find /proc -maxdepth 1 -name '[0-9]*' 2>/dev/null | wc -l)
echo "alive: $N containers; ns-list shows $shown as boxutils containers named by their cgroup, with their address; $procs processes on the host"
echo "lsns lists $(lsns -n | wc -l) namespaces"

# -i: lsns exits 1 when a process vanishes while it reads it, which on
# a busy host (other users' processes coming and going) happens now and
# then; ns-list is checked to run clean first, so -i hides none of its
for _ in 1 2 3; do
	"$BOX_BIN/ns-list" >/dev/null || bench_die "ns-list failed"
done
hyperfine -N -i --warmup 3 --runs "$RUNS" --export-csv "$csv" \
	-n "ns-list" "$BOX_BIN/ns-list" \
	-n "lsns" "lsns" \
	-n "ns-list without ADDR" "$BOX_BIN/ns-list -o pid,runtime,id,name" \
	-n "ns-list --json" "$BOX_BIN/ns-list --json"

echo
bench_table "$csv"
bench_ratio "$csv" "ns-list vs lsns, $N containers" "ns-list" "lsns" "<=" 1.0
bench_ratio "$csv" "ns-list without ADDR vs lsns, $N containers" \
	"ns-list without ADDR" "lsns" "-" 0
