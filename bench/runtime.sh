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
# root, a cgroupsPath beneath the bench's own cgroup, no /sys/fs/cgroup
# mount (as bench/container.sh does), and the engines' default seccomp
# profile in linux.seccomp, the same for all three: containers-common's
# /usr/share/containers/seccomp.json resolved as Podman resolves it
# before it hands config.json to a runtime (an OCI spec has no
# includes/excludes): a rule is kept when the spec's bounding set holds
# every capability it includes and none it excludes, and the machine's
# architecture is among those it includes and not among those it
# excludes; the architectures are the native one and its
# subarchitectures from archMap.  Each runtime checks, before the
# timing, that its payload runs filtered (Seccomp: 2).  box-runtime
# keeps the compiled filter in its state root (sys-filter --cache), so
# the warm-up runs build it and the timed ones load it; crun and runc
# build it with libseccomp at every start.  A row with no target shows
# box-runtime building it at every start too: a state root whose
# .sys-filter is a file, so no cache can be used there.  Every contestant runs in the same
# wrapper, a private mount namespace in which the mounts crun cannot
# live with on this hybrid host are unmounted (the cgroup2 mount; v1
# hierarchies where this process is not in the root cgroup; named
# ones), found by bench_crun_hide (bench/lib.sh), as bench/container.sh
# does, which says why.  The wrapper alone is timed too.
#
# Usage: bench/runtime.sh [RUNS]   (results in bench/results/runtime.*)

. "$(dirname "$0")/lib.sh"
RUNS=${1:-${BENCH_RUNS:-50}}

bench_root "it makes namespaces, cgroups and mounts"
bench_need hyperfine crun runc unshare jq cg-create cg-delete
bench_ours box-runtime cg-create cg-exec cg-delete ns-unshare pivot cap-drop \
	sys-filter
PROFILE=/usr/share/containers/seccomp.json
[ -r "$PROFILE" ] || bench_die "needs $PROFILE (golang-github-containers-common)"
case $(uname -m) in
x86_64) goarch=amd64 sarch=SCMP_ARCH_X86_64 ;;
aarch64) goarch=arm64 sarch=SCMP_ARCH_AARCH64 ;;
*) bench_die "no Go architecture name for $(uname -m)" ;;
esac

T=$(mktemp -d /tmp/boxbench-rt.XXXXXX)
B=boxbench-rt-$$
cleanup() {
	local r
	for r in crun runc; do
		"$r" --root "$T/$r" delete -f bxrt 2>/dev/null
	done
	"$BOX_BIN/box-runtime" --root "$T/box" delete --force bxrt 2>/dev/null
	"$BOX_BIN/box-runtime" --root "$T/box-build" delete --force bxrt 2>/dev/null
	cg-delete --relative --recursive "$B" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cg-create --relative "$B" || bench_die "cannot make cgroup $B"
bench_rootfs "$T/rootfs"

hide=$(bench_crun_hide)

cat >"$T/wrap" <<WRAP
#!/bin/sh
[ -z "$(echo $hide)" ] || umount $(echo $hide) || exit 125
eval "\$1"
WRAP
chmod 755 "$T/wrap"

mkdir -p "$T/bundle"
(cd "$T/bundle" && crun spec) || bench_die "crun spec failed"
# the profile as Podman resolves it (see the top of this file)
jq --arg root "$T/rootfs" --arg cg "$B/oci" --slurpfile p "$PROFILE" \
	--arg arch "$goarch" --arg sarch "$sarch" '
	.process.terminal = false | .process.args = ["/bin/true"]
	| .root.path = $root | .linux.cgroupsPath = $cg
	| .mounts |= map(select(.destination != "/sys/fs/cgroup"))
	| .process.capabilities.bounding as $caps | $p[0] as $prof
	| .linux.seccomp = {
		defaultAction: $prof.defaultAction,
		defaultErrnoRet: $prof.defaultErrnoRet,
		architectures: [$prof.archMap[] | select(.architecture == $sarch)
			| .architecture, .subArchitectures[]],
		syscalls: [$prof.syscalls[]
			| select((any(.excludes.arches[]?; . == $arch) | not)
				and (any(.excludes.caps[]?; IN($caps[])) | not)
				and ((.includes.arches // []) as $a
					| ($a | length) == 0 or any($a[]; . == $arch))
				and all(.includes.caps[]?; IN($caps[]))
				and .includes.minKernel == null)
			| {names, action}
			  + (if .errnoRet then {errnoRet} else {} end)
			  + (if (.args // []) | length > 0 then {args} else {} end)]
	}' "$T/bundle/config.json" >"$T/c" && mv "$T/c" "$T/bundle/config.json" ||
	bench_die "cannot make config.json"
[ "$(jq '.linux.seccomp.syscalls | length' "$T/bundle/config.json")" -gt 0 ] ||
	bench_die "no seccomp rules resolved from $PROFILE"

# each runtime's payload runs filtered, as the spec says
w="unshare -m --propagation private $T/wrap"
mkdir -p "$T/probe"
jq '.process.args = ["/bin/sh", "-c", "grep ^Seccomp: /proc/self/status"]' \
	"$T/bundle/config.json" >"$T/probe/config.json" || bench_die "cannot make the probe"
for r in "$BOX_BIN/box-runtime --root $T/box" "crun --root $T/crun" "runc --root $T/runc"; do
	out=$($w "$r run --bundle $T/probe bxrt" </dev/null 2>&1)
	case $out in
	*"Seccomp:"*2*) printf '  %-12s %s\n' "$(basename "${r%% *}")" "$(echo "$out" | tr -s '\t\n' '  ')" ;;
	*) bench_die "${r%% *} cannot run the bundle here, or runs it unfiltered: $out" ;;
	esac
done
# no cache possible here: its name is taken by a file
mkdir -m 0700 "$T/box-build" && touch "$T/box-build/.sys-filter" ||
	bench_die "cannot make $T/box-build"
csv=$BENCH_RESULTS/runtime.csv
hyperfine -N --warmup 5 --runs "$RUNS" \
	--export-csv "$csv" --export-json "$BENCH_RESULTS/runtime.json" \
	--export-markdown "$BENCH_RESULTS/runtime.md" \
	-n "wrapper alone" "$w true" \
	-n "box-runtime run" "$w '$BOX_BIN/box-runtime --root $T/box run --bundle $T/bundle bxrt'" \
	-n "box-runtime run building the filter at each start" \
	"$w '$BOX_BIN/box-runtime --root $T/box-build run --bundle $T/bundle bxrt'" \
	-n "crun run" "$w 'crun --root $T/crun run --bundle $T/bundle bxrt'" \
	-n "runc run" "$w 'runc --root $T/runc run --bundle $T/bundle bxrt'" ||
	bench_die "hyperfine failed"

echo
bench_table "$csv"
bench_ratio "$csv" "runtime vs crun" "box-runtime run" "crun run" "<=" 0.5
bench_ratio "$csv" "runtime vs runc" "box-runtime run" "runc run" "<=" 0.3
# no cache: box-runtime builds the filter at every start, as crun does
bench_ratio "$csv" "runtime building the filter at each start vs crun" \
	"box-runtime run building the filter at each start" "crun run" "-" ""

# What waits between create and start: the container's first process,
# its memory (VmRSS) and its open fds, for each runtime on the same
# bundle (box-runtime's is `box-runtime init`, crun's and runc's their
# own init).
rss=()
for r in box-runtime crun runc; do
	case $r in
	box-runtime) cmd="$BOX_BIN/box-runtime --root $T/box" ;;
	*) cmd="$r --root $T/$r" ;;
	esac
	rm -f "$T/fp.pid"
	$w "$cmd create --bundle $T/bundle --pid-file $T/fp.pid bxfp" </dev/null >/dev/null 2>&1
	p=$(cat "$T/fp.pid" 2>/dev/null)
	k=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$p/status" 2>/dev/null)
	n=$(ls "/proc/$p/fd" 2>/dev/null | wc -l)
	$w "$cmd delete --force bxfp" </dev/null >/dev/null 2>&1
	[ -n "$k" ] || bench_die "$r create left no process to measure"
	rss+=("$k")
	printf 'waiting first process: %-12s VmRSS %6s KiB, %s open fds\n' "$r" "$k" "$n"
done
awk -v b="${rss[0]}" -v c="${rss[1]}" -v r="${rss[2]}" 'BEGIN {
	printf "waiting first process VmRSS: box-runtime / crun %.2fx, / runc %.2fx\n", b / c, b / r }'
