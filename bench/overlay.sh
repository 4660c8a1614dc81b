#!/bin/bash
# bench/overlay.sh - the cost of a union mount: uf-mount against
# mount(8) -t overlay, for a 2-layer writable overlay and a 200-layer
# read-only stack (mount(8) gets one lowerdir= string; the paths are kept
# short so it fits in mount(2)'s page).  Everything happens inside a
# private mount namespace this script makes; the overlay is unmounted
# before every run (--prepare) and at the end.
#
# Usage: bench/overlay.sh [RUNS]      (BOX_BIN: the built tools)

. "$(dirname "$0")/lib.sh"
cd "$BENCH_ROOT" || exit 125
RUNS=${1:-200}
PATH=$PATH:/usr/sbin:/sbin

if [ -z "$BOX_BENCH_INNER" ]; then
	bench_need hyperfine unshare mount
	bench_ours uf-mount
	bench_root "mounts"
	BOX_BENCH_INNER=1 exec unshare --mount --propagation private \
		bash "$0" "$@"
fi

dir=$(mktemp -d /tmp/ovb.XXXXXX)
trap 'umount -R "$dir/m" 2>/dev/null; rm -rf "$dir"' EXIT
cd "$dir" || exit 125
mkdir -p a b up work m
echo a >a/f
lowers=() lowerdir=
for i in $(seq -w 0 199); do
	mkdir -p "l/$i"
	lowers+=(--lower "l/$i")
	lowerdir=$lowerdir${lowerdir:+:}l/$i
done

unmount="sh -c 'umount m 2>/dev/null; true'"
hyperfine -N --runs "$RUNS" --warmup 10 --prepare "$unmount" \
	--command-name "uf-mount, 2 layers + upper" \
	"uf-mount --lower a --upper up --work work m" \
	--command-name "mount -t overlay, 2 layers + upper" \
	"mount -t overlay overlay -o lowerdir=a,upperdir=up,workdir=work m" \
	--command-name "uf-mount, 200 layers" \
	"uf-mount ${lowers[*]} m" \
	--command-name "mount -t overlay, 200 layers" \
	"mount -t overlay overlay -o lowerdir=$lowerdir m"
