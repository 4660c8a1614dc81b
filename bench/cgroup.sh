#!/bin/bash
# bench/cgroup.sh - the cost of running a program in a cgroup:
#   cg-exec PATH true            (every hierarchy PATH is in)
#   cg-exec -g pids:PATH true    (one hierarchy, as cgexec below)
#   cgexec -g pids:PATH true     (libcgroup, cgroup-tools)
#   sh writing cgroup.procs, then exec true
# in one hyperfine run, and the ratios to cgexec (target: cg-exec <= 0.5x).
# The cgroup lies beneath this script's own cgroup in every hierarchy and
# is removed at the end.
#
# Usage: bench/cgroup.sh [RUNS]        (BOX_BIN: the built tools)

cd "$(dirname "$0")/.." || exit 125
: "${BOX_BIN:=$PWD/build/bin}"
RUNS=${1:-300}
PATH=$BOX_BIN:$PATH

for c in hyperfine cgexec; do
	command -v "$c" >/dev/null || {
		echo "bench/cgroup.sh: needs $c" >&2
		exit 125
	}
done
[ -x "$BOX_BIN/cg-exec" ] || {
	echo "bench/cgroup.sh: no $BOX_BIN/cg-exec (run make)" >&2
	exit 125
}

name=boxbench-cg-$$
cg-create --relative "$name" || exit 125
csv=$(mktemp /tmp/boxbench.XXXXXX)
trap 'cg-delete --relative --recursive "$name"; rm -f "$csv"' EXIT

# cgexec's -g list for every v1 hierarchy the cgroup is in: the same
# moves cg-exec PATH makes (but for cgroup2, which libcgroup names not)
all_g=$(awk -F: -v n="$name" '$2 != "" && $2 !~ /^name=/ {
	p = $3; sub(/\/$/, "", p); printf " -g %s:%s/%s", $2, p, n }' /proc/self/cgroup)

# libcgroup and sh take the path from the hierarchy root: the pids
# hierarchy's (v1), or cgroup2's where pids lives there
pids_mnt=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
	if ($(i + 1) == "cgroup" && $(i + 3) ~ /(^|,)pids(,|$)/) { print $5; exit } }' /proc/self/mountinfo)
if [ -n "$pids_mnt" ]; then
	own=$(awk -F: '$2 ~ /(^|,)pids(,|$)/ { print $3 }' /proc/self/cgroup)
else
	pids_mnt=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
		if ($(i + 1) == "cgroup2") { print $5; exit } }' /proc/self/mountinfo)
	own=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
fi
own=${own%/}
path=$own/$name
procs=$pids_mnt$path/cgroup.procs
[ -w "$procs" ] || {
	echo "bench/cgroup.sh: cannot write $procs" >&2
	exit 125
}
echo "cgroup: $path (pids at $pids_mnt); $(grep -c . /proc/self/cgroup) hierarchies"

args=(-n "true alone" "true"
	-n "cg-exec PATH" "cg-exec --relative $name true"
	-n "cg-exec -g pids:PATH" "cg-exec -g pids:$path true"
	-n "cgexec -g pids:PATH" "cgexec -g pids:$path true")
[ -n "$all_g" ] && args+=(-n "cgexec -g (all v1)" "cgexec$all_g true")
args+=(-n "sh > cgroup.procs" "sh -c 'echo \$\$ >$procs && exec true'")
hyperfine -N --warmup 20 --runs "$RUNS" --export-csv "$csv" "${args[@]}"

echo
# Medians, as on a shared machine a few runs stall for tens of ms and
# swamp the mean; and minimums, the cost without scheduling noise (moving
# into a cpu cgroup costs a wait for the CPU on a loaded host).
echo "relative to libcgroup's cgexec -g pids (target: cg-exec <= 0.5x):"
printf "  %-22s %10s %7s %10s %7s\n" "" median ratio min ratio
awk -F, 'NR > 1 { name[NR] = $1; med[NR] = $4; min[NR] = $7
		if ($1 == "cgexec -g pids:PATH") { bmed = $4; bmin = $7 } }
	END { for (i = 2; i <= NR; i++)
		printf "  %-22s %7.3f ms %6.2fx %7.3f ms %6.2fx\n", name[i],
			med[i] * 1000, med[i] / bmed, min[i] * 1000, min[i] / bmin }' "$csv"
