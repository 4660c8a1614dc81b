#!/bin/bash
# bench/runtime-podman.sh - `podman run --rm IMAGE true` with box-runtime
# as Podman's OCI runtime beside the same with runc, in one hyperfine
# run.  Target (issue 15): box-runtime no slower than runc, on the mean.
#
# Podman as tests/lib-podman.sh runs it (its containers.conf and the
# prelude sourced inside the namespaces): inside a cgroup this script
# makes beneath its own, a mount, network and cgroup namespace of its
# own (unshare -m -n -C), tmpfs over /run, /var/lib/cni and
# /var/lib/containers, each cgroup hierarchy mounted again from inside
# the cgroup namespace (so Podman's libpod_parent lands beneath this
# script's cgroup), private --root/--runroot, vfs storage, cgroupfs,
# --network none.  The image is the busybox root of the tests, made with
# `podman import`.  Podman hands both runtimes the same config.json,
# with its default seccomp profile, which each payload is checked to run
# under (Seccomp: 2) before the timing; box-runtime keeps the compiled
# filter in its state root's cache (the warm-up runs fill it), runc
# builds it with libseccomp at every start.
#
# Usage: bench/runtime-podman.sh [RUNS]   (results in
# bench/results/runtime-podman.*)

. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-podman.sh
. "$BENCH_ROOT/tests/lib-podman.sh"
RUNS=${1:-${BENCH_RUNS:-30}}

if [ -z "$BOX_BENCH_INNER" ]; then
	bench_root "it makes namespaces, cgroups and mounts"
	bench_need hyperfine podman conmon runc unshare cg-create cg-exec \
		cg-delete
	bench_ours box-runtime cg-create cg-exec cg-delete ns-unshare pivot \
		cap-drop sys-filter
	T=$(mktemp -d /tmp/boxbench-rtpm.XXXXXX)
	B=boxbench-rtpm-$$
	cleanup() {
		cg-delete --relative --recursive "$B" 2>/dev/null
		rm -rf "$T"
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	cg-create --relative "$B" || bench_die "cannot make cgroup $B"
	bench_rootfs "$T/rootfs"
	tar -C "$T/rootfs" -cf "$T/busybox.tar" . || bench_die "cannot pack the image"
	podman_conf "$T" || bench_die "cannot write containers.conf"
	BOX_BENCH_INNER=$T cg-exec --relative "$B" \
		unshare -m -n -C --propagation private bash "$0" "$@"
	exit
fi

# inside the namespaces
T=$BOX_BENCH_INNER
d=$T # the prelude's name for the directory
# shellcheck disable=SC1091 # written by podman_conf above
. "$T/prelude.sh"
P="podman --root $T/root --runroot $T/runroot --storage-driver vfs
   --cgroup-manager cgroupfs --events-backend file"
$P import "$T/busybox.tar" boxbench/busybox >/dev/null 2>"$T/import.err" ||
	bench_die "podman cannot import the image here: $(tail -1 "$T/import.err")"
runc=$(command -v runc)
for r in "$BOX_BIN/box-runtime" "$runc"; do
	out=$($P --runtime "$r" run --rm --network none boxbench/busybox \
		grep ^Seccomp: /proc/self/status 2>&1)
	case $out in
	*"Seccomp:"*2*) printf '  %-12s %s\n' "$(basename "$r")" "$(echo "$out" | tr -s '\t' ' ')" ;;
	*) bench_die "podman with $(basename "$r") cannot run here, or runs unfiltered: $out" ;;
	esac
done

csv=$BENCH_RESULTS/runtime-podman.csv
hyperfine -N --warmup 3 --runs "$RUNS" \
	--export-csv "$csv" --export-json "$BENCH_RESULTS/runtime-podman.json" \
	--export-markdown "$BENCH_RESULTS/runtime-podman.md" \
	-n "podman run --rm with box-runtime" \
	"$P --runtime $BOX_BIN/box-runtime run --rm --network none boxbench/busybox true" \
	-n "podman run --rm with runc" \
	"$P --runtime $runc run --rm --network none boxbench/busybox true" ||
	bench_die "hyperfine failed"
$P rmi -f boxbench/busybox >/dev/null 2>&1

echo
bench_table "$csv"
bench_ratio "$csv" "podman run --rm with box-runtime vs runc" \
	"podman run --rm with box-runtime" "podman run --rm with runc" "<=" 1
