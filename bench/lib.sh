# bench/lib.sh - helpers for the benchmark scripts (sourced, not run).
#
# Sets BOX_BIN (the built tools, first on PATH) and BENCH_RESULTS (where
# hyperfine's exports go).  A script that compares prints one line per
# target, which bench/run.sh copies into bench/results.md:
#   ratio: NAME | OURS | PEER | mean RATIO | median RATIO | target OP N | met | min RATIO
# made by bench_ratio from a hyperfine CSV export.
# shellcheck shell=bash

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${BOX_BIN:=$BENCH_ROOT/build/bin}"
: "${BENCH_RESULTS:=$BENCH_ROOT/bench/results}"
PATH=$BOX_BIN:$PATH
export BOX_BIN BENCH_RESULTS PATH
mkdir -p "$BENCH_RESULTS"

bench_die() {
	echo "${0##*/}: $*" >&2
	exit 125
}

# bench_need CMD...: every command must exist (a tool of ours or a peer)
bench_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || bench_die "needs $c (make deps; make)"
	done
}

# bench_ours TOOL...: our own build of each, not whatever PATH finds
bench_ours() {
	local t
	for t in "$@"; do
		[ -x "$BOX_BIN/$t" ] || bench_die "no $BOX_BIN/$t (run make)"
	done
}

# bench_root WHY: run as root, or say why it must be
bench_root() {
	[ "$(id -u)" = 0 ] || bench_die "run as root ($*)"
}

# shellcheck source=tests/lib-rootfs.sh
. "$BENCH_ROOT/tests/lib-rootfs.sh"

# bench_rootfs DIR: the busybox-static root file system the tests use
bench_rootfs() {
	busybox_rootfs "$1" || bench_die "needs busybox-static"
}

# bench_ratio CSV NAME OURS PEER OP TARGET: one ratio line from hyperfine's
# CSV export (columns command,mean,stddev,median,user,system,min,max),
# OURS and PEER being command names given with hyperfine -n.  The target
# is judged on the mean, as issue 8 states it; the median is printed too,
# as on a shared machine a few stalled runs swamp the mean, and the
# minimum, the cost when nothing else wanted the CPU.
bench_ratio() {
	awk -F, -v name="$2" -v ours="$3" -v peer="$4" -v op="$5" -v t="$6" '
		NR > 1 { gsub(/"/, ""); mean[$1] = $2; med[$1] = $4; min[$1] = $7 }
		END {
			if (!(ours in mean) || !(peer in mean)) {
				printf "ratio: %s | %s | %s | missing\n", name, ours, peer
				exit
			}
			r = mean[ours] / mean[peer]; m = med[ours] / med[peer]
			met = (op == "<=") ? (r <= t) : (r >= t)
			# op "-": compared, with no target
			printf "ratio: %s | %s %.2f ms | %s %.2f ms | mean %.2fx | median %.2fx | target %s %s | %s | min %.2fx\n",
				name, ours, mean[ours] * 1000, peer, mean[peer] * 1000,
				r, m, op, t, (op == "-") ? "-" : met ? "met" : "MISSED",
				min[ours] / min[peer]
		}' "$1"
}

# bench_table CSV: mean, median and min of every command, for the log
bench_table() {
	awk -F, 'NR > 1 { gsub(/"/, "")
		printf "  %-34s mean %8.3f ms  median %8.3f ms  min %8.3f ms\n",
			$1, $2 * 1000, $4 * 1000, $7 * 1000 }' "$1"
}

# Where this process sits in the v1 hierarchy of controller $1 ("" when
# the controller is not mounted as v1), and the mount point of it.
bench_own_cgroup() {
	awk -F: -v c="$1" '{ n = split($2, a, ",")
		for (i = 1; i <= n; i++) if (a[i] == c) { print $3; exit } }' /proc/self/cgroup
}

# bench_crun_hide: the cgroup mounts crun cannot live with on a hybrid
# host, for a wrapper to unmount in a private mount namespace before
# each contestant runs: the cgroup2 mount (crun refuses hybrid hosts,
# and runs in v1 mode without it), v1 hierarchies where this process is
# not in the root cgroup, and named ones.  One mount point a line.
bench_crun_hide() {
	awk -v ctl=/proc/self/cgroup '
	BEGIN { while ((getline l < ctl) > 0) {
		split(l, f, ":"); n = split(f[2], c, ",")
		for (i = 1; i <= n; i++) if (f[3] != "/" || c[i] ~ /^name=/) hide[c[i]] = 1 } }
	{ for (i = 7; i <= NF; i++) if ($i == "-") break
	  type = $(i + 1); n = split($(i + 3), o, ",")
	  if (type == "cgroup") { v1 = 1
		for (j = 1; j <= n; j++) if (o[j] in hide) { print $5; break } }
	  if (type == "cgroup2") v2 = $5 }
	END { if (v1 && v2) print v2 }' /proc/self/mountinfo
}
