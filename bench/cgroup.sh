#!/bin/bash
# bench/cgroup.sh - the cost of running a program in a cgroup:
#   cg-exec PATH true            (every hierarchy PATH is in)
#   cg-exec -g pids:PATH true    (one hierarchy, as cgexec below)
#   cgexec -g pids:PATH true     (libcgroup, cgroup-tools)
#   sh writing cgroup.procs, then exec true
# in one hyperfine run, and the ratios to cgexec (target: cg-exec <= 0.5x).
#
# Then the same with 30 ms of idle before each run (hyperfine --prepare),
# plus cg-exec --fork: back to back, every move finds the kernel's
# threadgroup lock warm from the one before; after an idle spell the
# first move that takes it waits for an RCU grace period.  cgexec writes
# its PID (which takes the lock), cg-exec writes "0" to tasks on v1
# (which does not) and cgroup.procs on cgroup2 (which does), and
# cg-exec --fork makes its child inside the cgroup2 cgroup instead.
# The cgroup lies beneath this script's own cgroup in every hierarchy and
# is removed at the end.
#
# Usage: bench/cgroup.sh [RUNS]        (BOX_BIN: the built tools)

. "$(dirname "$0")/lib.sh"
cd "$BENCH_ROOT" || exit 125
RUNS=${1:-300}

bench_need hyperfine cgexec
bench_ours cg-exec

name=boxbench-cg-$$
cg-create --relative "$name" || exit 125
csv=$(mktemp /tmp/boxbench.XXXXXX)
trap 'cg-delete --relative --recursive "$name"; rm -f "$csv" "$csv.idle"' EXIT

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
args+=(-n "cg-exec --fork PATH" "cg-exec --relative --fork $name true")
hyperfine -N --prepare "sleep 0.03" --warmup 3 --runs "$((RUNS / 5 + 10))" \
	--export-csv "$csv.idle" "${args[@]}"

echo
# Medians, as on a shared machine a few runs stall for tens of ms and
# swamp the mean; and minimums, the cost without scheduling noise (moving
# into a cpu cgroup costs a wait for the CPU on a loaded host).
ratios() {
	printf "  %-22s %10s %7s %10s %7s %10s %7s\n" "" mean ratio median ratio min ratio
	awk -F, 'NR > 1 { name[NR] = $1; mean[NR] = $2; med[NR] = $4; min[NR] = $7
			if ($1 == "cgexec -g pids:PATH") { bmean = $2; bmed = $4; bmin = $7 } }
		END { for (i = 2; i <= NR; i++)
			printf "  %-22s %7.3f ms %6.2fx %7.3f ms %6.2fx %7.3f ms %6.2fx\n", name[i],
				mean[i] * 1000, mean[i] / bmean, med[i] * 1000, med[i] / bmed,
				min[i] * 1000, min[i] / bmin }' "$1"
}
echo "relative to libcgroup's cgexec -g pids (target: cg-exec <= 0.5x):"
ratios "$csv"
echo
echo "the same, 30 ms idle before each run (the lock gone cold):"
ratios "$csv.idle"
