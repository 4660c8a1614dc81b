#!/bin/bash
# bench/runtime.sh - the OCI lifecycle of one bundle, create + start +
# wait + delete (each runtime's `run`), side by side in one hyperfine run:
#   box-runtime run   (config.json as a chain of the boxutils tools)
#   crun run
#   runc run
# Targets (issue 15): box-runtime <= 0.5x crun and <= 0.3x runc, on the
# mean.
#
# The bundle: `crun spec` with /bin/true, not a terminal, the busybox
# root, a cgroupsPath beneath the bench's own cgroup, and no
# /sys/fs/cgroup mount (as bench/container.sh does); no seccomp profile
# on any side (the spec has none).  Every contestant runs in the same
# wrapper, a private mount namespace in which the mounts crun cannot
# live with on this hybrid host are unmounted (the cgroup2 mount; v1
# hierarchies where this process is not in the root cgroup; named
# ones): the awk below is bench/container.sh's, which says why.  The
# wrapper alone is timed too.
#
# Usage: bench/runtime.sh [RUNS]   (results in bench/results/runtime.*)

. "$(dirname "$0")/lib.sh"
RUNS=${1:-${BENCH_RUNS:-50}}

bench_root "it makes namespaces, cgroups and mounts"
bench_need hyperfine crun runc unshare jq cg-create cg-delete
bench_ours box-runtime cg-create cg-exec cg-delete ns-unshare pivot cap-drop

T=$(mktemp -d /tmp/boxbench-rt.XXXXXX)
B=boxbench-rt-$$
cleanup() {
	local r
	for r in crun runc; do
		"$r" --root "$T/$r" delete -f bxrt 2>/dev/null
	done
	"$BOX_BIN/box-runtime" --root "$T/box" delete --force bxrt 2>/dev/null
	cg-delete --relative --recursive "$B" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cg-create --relative "$B" || bench_die "cannot make cgroup $B"
bench_rootfs "$T/rootfs"

hide=$(awk -v ctl=/proc/self/cgroup '
	BEGIN { while ((getline l < ctl) > 0) {
		split(l, f, ":"); n = split(f[2], c, ",")
		for (i = 1; i <= n; i++) if (f[3] != "/" || c[i] ~ /^name=/) hide[c[i]] = 1 } }
	{ for (i = 7; i <= NF; i++) if ($i == "-") break
	  type = $(i + 1); n = split($(i + 3), o, ",")
	  if (type == "cgroup") { v1 = 1
		for (j = 1; j <= n; j++) if (o[j] in hide) { print $5; break } }
	  if (type == "cgroup2") v2 = $5 }
	END { if (v1 && v2) print v2 }' /proc/self/mountinfo)

cat >"$T/wrap" <<WRAP
#!/bin/sh
[ -z "$(echo $hide)" ] || umount $(echo $hide) || exit 125
eval "\$1"
WRAP
chmod 755 "$T/wrap"

mkdir -p "$T/bundle"
(cd "$T/bundle" && crun spec) || bench_die "crun spec failed"
jq --arg root "$T/rootfs" --arg cg "$B/oci" '
	.process.terminal = false | .process.args = ["/bin/true"]
	| .root.path = $root | .linux.cgroupsPath = $cg
	| .mounts |= map(select(.destination != "/sys/fs/cgroup"))' \
	"$T/bundle/config.json" >"$T/c" && mv "$T/c" "$T/bundle/config.json"

w="unshare -m --propagation private $T/wrap"
for r in "$BOX_BIN/box-runtime --root $T/box" "crun --root $T/crun" "runc --root $T/runc"; do
	$w "$r run --bundle $T/bundle bxrt" </dev/null ||
		bench_die "${r%% *} cannot run the bundle here"
done
csv=$BENCH_RESULTS/runtime.csv
hyperfine -N --warmup 5 --runs "$RUNS" \
	--export-csv "$csv" --export-json "$BENCH_RESULTS/runtime.json" \
	--export-markdown "$BENCH_RESULTS/runtime.md" \
	-n "wrapper alone" "$w true" \
	-n "box-runtime run" "$w '$BOX_BIN/box-runtime --root $T/box run --bundle $T/bundle bxrt'" \
	-n "crun run" "$w 'crun --root $T/crun run --bundle $T/bundle bxrt'" \
	-n "runc run" "$w 'runc --root $T/runc run --bundle $T/bundle bxrt'" ||
	bench_die "hyperfine failed"

echo
bench_table "$csv"
bench_ratio "$csv" "runtime vs crun" "box-runtime run" "crun run" "<=" 0.5
bench_ratio "$csv" "runtime vs runc" "box-runtime run" "runc run" "<=" 0.3
