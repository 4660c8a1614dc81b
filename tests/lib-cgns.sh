#!/bin/sh
# tests/lib-cgns.sh LIST - run (as `sh tests/lib-cgns.sh LIST`) inside
# a mount namespace and a cgroup namespace a test made, before an engine
# starts there (Podman, containerd): mounts the cgroup hierarchies again
# as this cgroup namespace sees them, on a fresh tmpfs over
# /sys/fs/cgroup (mount(8) will not mount one hierarchy twice at one
# place).  LIST is where the hierarchies found are written, one
# "TYPE MOUNTPOINT SUPEROPTIONS" a line.
list=$1
awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
       if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2")
	       print $(i + 1), $5, $(i + 3) }' /proc/self/mountinfo >"$list" || exit 1
mount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup || exit 1
while read -r t m o; do
	mkdir -p "$m" || exit 1
	if [ "$t" = cgroup2 ]; then
		mount -t cgroup2 cgroup2 "$m" || exit 1
	else
		mount -t cgroup -o "$(echo "$o" | sed 's/^r[wo],//')" cgroup "$m" || exit 1
	fi
done <"$list"
