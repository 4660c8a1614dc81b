#!/bin/bash
# bench/net.sh - the cost of wiring a namespace: a veth pair with its
# peer in a namespace, IPv4 and IPv6 addresses on both ends, both ends and
# the namespace's lo up:
#   veth-link --netns peer ... vb0              (one process)
#   ip link add ... netns peer; ip addr ...; ip link set ... up
#                                               (the iproute2 sequence)
# in one hyperfine run, and the ratio (target: veth-link <= 0.5x).
# Everything happens inside a network and mount namespace this script
# makes (unshare --net --mount, a tmpfs on /run for /run/netns/peer): the
# host's interfaces are never touched.  The pair is deleted before every
# run (--prepare) and at the end (--cleanup).
#
# Usage: bench/net.sh [RUNS]        (BOX_BIN: the built tools)

. "$(dirname "$0")/lib.sh"
cd "$BENCH_ROOT" || exit 125
RUNS=${1:-300}
PATH=$PATH:/usr/sbin:/sbin

if [ -z "$BOX_BENCH_INNER" ]; then
	bench_need hyperfine ip unshare
	bench_ours veth-link
	bench_root "network namespaces"
	BOX_BENCH_INNER=1 exec unshare --net --mount --propagation private \
		bash "$0" "$@"
fi

mount -t tmpfs -o mode=755 bench-run /run && mkdir /run/netns &&
	ip netns add peer || exit 125
csv=$(mktemp /tmp/boxbench.XXXXXX)
trap 'rm -f "$csv"' EXIT

veth="veth-link --netns peer --peer-name eth0 \
--addr 10.1.0.1/24 --addr fd01::1/64 \
--peer-addr 10.1.0.2/24 --peer-addr fd01::2/64 vb0"
# the same with ip(8), as a script would write it; nodad as veth-link
ipseq="ip link add vb0 type veth peer name eth0 netns peer && \
ip addr add 10.1.0.1/24 dev vb0 && \
ip addr add fd01::1/64 dev vb0 nodad && \
ip link set vb0 up && \
ip -n peer addr add 10.1.0.2/24 dev eth0 && \
ip -n peer addr add fd01::2/64 dev eth0 nodad && \
ip -n peer link set eth0 up && \
ip -n peer link set lo up"
del="ip link del vb0 2>/dev/null; true"

# Both must build the same thing, or the comparison means nothing.
for cmd in "$veth" "$ipseq"; do
	sh -c "$cmd" || exit 125
	got=$(ip -o addr show dev vb0 | awk '{ print $4 }' | sort | xargs)
	got="$got | $(ip -n peer -o addr show dev eth0 | awk '{ print $4 }' | sort | xargs)"
	case $got in
	"10.1.0.1/24 fd01::1/64 fe80::"*"| 10.1.0.2/24 fd01::2/64 fe80::"*) ;;
	*) echo "bench/net.sh: '$cmd' made: $got" >&2; exit 125 ;;
	esac
	sh -c "$del"
done

# Shell mode for both: hyperfine subtracts the shell's own start-up, so
# the ip sequence is not charged for the sh that runs it.
hyperfine --warmup 10 --runs "$RUNS" --export-csv "$csv" \
	--prepare "$del" --cleanup "$del" \
	-n "veth-link" "$veth" \
	-n "ip link/addr/set (8 ip runs)" "$ipseq"

echo
# Medians, as on a shared machine a few runs stall and swamp the mean.
echo "relative to the ip(8) sequence (target: veth-link <= 0.5x):"
printf "  %-30s %10s %7s %10s %7s\n" "" median ratio mean ratio
awk -F, 'NR > 1 { name[NR] = $1; mean[NR] = $2; med[NR] = $4
		if ($1 ~ /^ip /) { bmean = $2; bmed = $4 } }
	END { for (i = 2; i <= NR; i++)
		printf "  %-30s %7.3f ms %6.2fx %7.3f ms %6.2fx\n", name[i],
			med[i] * 1000, med[i] / bmed, mean[i] * 1000, mean[i] / bmean }' "$csv"
