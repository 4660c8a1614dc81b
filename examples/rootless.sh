#!/bin/bash
# examples/rootless.sh - the whole container chain as an unprivileged
# user, in a user namespace: no root on the host at any step.
#
#   sudo BOX_BIN=build/bin examples/rootless.sh   (runs the chain as uid 65534)
#   BOX_BIN=build/bin examples/rootless.sh        (runs it as yourself)
#
# Run as root, the script drops to uid/gid 65534 (nobody: no account is
# made) with setpriv --reuid=65534 --regid=65534 --clear-groups, and the
# chain runs as that user in a work directory it owns.  There:
#
#   ns-unshare --user --map-root-user --mount --net     "host side": root
#                                                       inside, nobody outside
#     ns-unshare --mount --uts --ipc --net --pid --fork --init ...
#       uf-mount --userxattr --lower image --upper up --work work rootfs
#       pivot --host-prog rootfs
#       cap-drop --no-new-privs /bin/sh -c PROBE          the container
#     veth-link --netns CONTAINER-PID ... veth-rl         a link between them
#
# The user namespace owns the other namespaces, so its root may mount an
# overlay (overlay keeps its bookkeeping in user.* xattrs: --userxattr),
# pivot, make a veth pair between two network namespaces it owns, and
# drop capabilities; none of it reaches the host.
#
# Cgroups: an unprivileged user can only use a cgroup delegated to it.
# Run as root, this script delegates one (cg-create --owner 65534, with
# limits that stay root's) and starts the user inside it, as systemd does
# for a user session; set BOX_EX_DELEGATE=0 to do without.  Run as a user,
# it sets no cgroup limits and says so.
#
# Removed at exit: the work directory /tmp/boxex-rootless.*, the cgroup
# boxex-rootless-PID; every mount and link lives in namespaces that die
# with the chain.  Exit status: 0 when every check passed, 1 when one
# failed, 77 when unprivileged user namespaces are unavailable here, 125
# when it could not start.

set -u
here=$(cd "$(dirname "$0")" && pwd)
self=$here/$(basename "$0")
# shellcheck source=examples/lib.sh
. "$here/lib.sh"


# ---------------------------------------------------------------------------
# Stage 3, the "host side": root in the new user namespace, in its own
# mount and network namespaces.  Starts the container, links it, checks.
if [ "${BOX_EX_ROOTLESS_STAGE:-}" = hostside ]; then
	R=$BOX_EX_ROOTLESS_DIR
	say "stage 3: the user namespace's root ($(id -un 2>/dev/null || id -u) inside)"
	show "cat /proc/self/uid_map /proc/self/gid_map"
	cat /proc/self/uid_map /proc/self/gid_map | indent
	ip link set lo up
	# shellcheck disable=SC2016 # expanded inside the container
	probe='for i in $(seq 50); do ip -4 -o addr show eth0 2>/dev/null | grep -q inet && break; sleep 0.1; done
echo "uid=$(id -u) hostname=$(hostname)"
echo "uid_map=$(cat /proc/self/uid_map | tr -s " " | sed "s/^ //")"
echo "caps=$(grep CapEff /proc/self/status | cut -f2) nnp=$(grep NoNewPrivs /proc/self/status | cut -f2)"
echo "eth0=$(ip -4 -o addr show eth0 | awk "{print \$4}")"
echo "ping-host=$(ping -c1 -W2 10.204.1.1 >/dev/null 2>&1 && echo ok || echo failed)"
echo "mount-tmpfs=$(mount -t tmpfs none /mnt 2>/dev/null && echo allowed || echo refused)"
echo "written in the rootless container" >/hello && echo "write=ok"
read -r -t 10 go || echo "no go from the host side"'
	mkfifo "$R/go"
	exec 3<>"$R/go" # held open both ways, so neither side blocks on open
	chain=(
		ns-unshare --mount --uts --ipc --net --pid --fork --init --hostname rootless-box --pidfile "$R/ctr.pid"
		uf-mount --userxattr --lower "$BOX_EX_ROOTLESS_IMAGE" --upper "$R/up" --work "$R/work" "$R/rootfs"
		pivot --host-prog "$R/rootfs"
		cap-drop --no-new-privs
	)
	say "the container, started by the user namespace's root"
	show_chain "${chain[@]}" /bin/sh -c PROBE '&'
	echo "   PROBE:"
	indent <<<"$probe"
	"${chain[@]}" /bin/sh -c "$probe" <&3 >"$R/out" 2>&1 &
	ctr=$!
	for _ in $(seq 100); do
		[ -s "$R/ctr.pid" ] && break
		sleep 0.05
	done
	[ -s "$R/ctr.pid" ] || { indent <"$R/out"; die "the container did not start"; }
	say "a veth pair between the host side and the container, made without host root"
	step veth-link --netns "$(cat "$R/ctr.pid")" --addr 10.204.1.1/24 --peer-name eth0 \
		--peer-addr 10.204.1.2/24 --gateway 10.204.1.1 veth-rl || bad "veth-link"
	show "ping -c1 10.204.1.2"
	if ping -c1 -W3 10.204.1.2 >/dev/null 2>&1; then
		ok "the host side pings the container"
	else
		bad "no ping from the host side to the container"
	fi
	echo go >&3
	wait "$ctr"
	rc=$?
	say "what the container printed (exit status $rc)"
	indent <"$R/out"
	grep -qx 'uid=0 hostname=rootless-box' "$R/out" && ok "root inside, hostname rootless-box" || bad "uid/hostname"
	grep -qx 'eth0=10.204.1.2/24' "$R/out" && ok "eth0 has 10.204.1.2" || bad "eth0"
	grep -qx 'ping-host=ok' "$R/out" && ok "the container reaches the host side" || bad "ping from the container"
	grep -qx 'mount-tmpfs=refused' "$R/out" && ok "mounting is refused (CAP_SYS_ADMIN dropped)" || bad "mount not refused"
	grep -q 'nnp=1$' "$R/out" && ok "no_new_privs is set" || bad "no_new_privs"
	exit $((failures > 0 ? 1 : rc))
fi

# ---------------------------------------------------------------------------
# Stage 2: the unprivileged user.  Everything from here on runs without
# any privilege on the host.
if [ "${BOX_EX_ROOTLESS_STAGE:-}" = user ]; then
	say "stage 2: an unprivileged user: $(id)"
	show "ns-unshare --user --map-root-user --mount --net $0   # the host side"
	BOX_EX_ROOTLESS_STAGE=hostside exec ns-unshare --user --map-root-user --mount --net "$self"
fi

# ---------------------------------------------------------------------------
# Stage 1: the caller.  Makes the image and the work directory, checks
# that user namespaces work, delegates a cgroup when root, starts stage 2.
for t in ns-unshare uf-mount pivot cap-drop veth-link cg-create cg-exec cg-stat cg-delete; do
	command -v "$t" >/dev/null || die "$t not found in BOX_BIN=$BOX_BIN (run make)"
done
busybox=$(command -v busybox || echo /bin/busybox)
[ -x "$busybox" ] || die "busybox-static is not installed (make deps)"
as_user=()
if [ "$(id -u)" = 0 ]; then
	as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	user=65534
else
	user=$(id -u)
fi
if ! "${as_user[@]}" ns-unshare --user --map-root-user true 2>/dev/null; then
	why="uid $user cannot create a user namespace here"
	[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null)" = 0 ] && why="user.max_user_namespaces is 0"
	[ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null)" = 0 ] && why="kernel.unprivileged_userns_clone is 0"
	echo "rootless: unprivileged user namespaces are unavailable: $why" >&2
	exit 77
fi
for p in "$self" "$BOX_BIN/ns-unshare"; do
	"${as_user[@]}" test -r "$p" || die "uid $user cannot read $p (put the tree where it can)"
done

W=$(mktemp -d /tmp/boxex-rootless.XXXXXX)
chmod 755 "$W"
CG=boxex-rootless-$$
delegated=
cleanup() {
	set +e
	say "cleaning up"
	[ -n "$delegated" ] && cg-delete --relative "$CG" && ok "removed the delegated cgroup $CG"
	rm -rf "$W"
	ok "removed $W; the mounts and links were in the user's namespaces, gone with them"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "stage 1: an image (busybox, owned by $(id -un)) and a work directory uid $user owns"
img=$W/image
mkdir -p "$img"/bin "$img"/etc "$img"/proc "$img"/sys "$img"/dev "$img"/tmp "$img"/mnt
cp "$busybox" "$img/bin/busybox"
for a in $("$img/bin/busybox" --list); do
	[ -e "$img/bin/$a" ] || ln -s busybox "$img/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$img/etc/passwd"
echo 'root:x:0:' >"$img/etc/group"
mkdir -p "$W/rw/up" "$W/rw/work" "$W/rw/rootfs"
[ "$(id -u)" = 0 ] && chown -R 65534:65534 "$W/rw"
ls -ld "$W/image" "$W/rw" | indent

run=("${as_user[@]}")
if [ "$(id -u)" = 0 ] && [ "${BOX_EX_DELEGATE:-1}" != 0 ]; then
	say "root delegates a cgroup to uid 65534 (limits stay root's), and starts the user in it"
	step cg-create --relative --owner 65534 --memory 64M --pids 64 "$CG" || die "cannot delegate a cgroup"
	delegated=1
	run=(cg-exec --relative "$CG" "${as_user[@]}")
else
	say "no delegated cgroup: the container runs without cgroup limits"
	echo "   (an unprivileged user may only move into a cgroup delegated to it, e.g. by"
	echo "   systemd's Delegate=yes or by root: cg-create --owner USER ...)"
fi

show "${run[*]} $0   # stage 2"
BOX_EX_ROOTLESS_STAGE=user BOX_EX_ROOTLESS_DIR=$W/rw BOX_EX_ROOTLESS_IMAGE=$img \
	"${run[@]}" "$self" 2>&1 | tee "$W/stages.out"
rc=${PIPESTATUS[0]}
grep -q 'FAILED' "$W/stages.out" && failures=$((failures + 1))

say "stage 1 again: what the host sees"
show "stat -c '%u:%g %n' $W/rw/up/hello"
stat -c '%u:%g %n' "$W/rw/up/hello" 2>&1 | indent
[ "$(stat -c %u "$W/rw/up/hello" 2>/dev/null)" = "$user" ] &&
	ok "/hello, written by root in the container, is uid $user's file in the upper layer" ||
	bad "the container's write is not uid $user's file in $W/rw/up"
[ ! -e "$img/hello" ] && ok "the image is untouched" || bad "the image was written"
grep -q "uid_map=0 $user 1" "$W/stages.out" && ok "the payload's uid_map maps uid 0 to $user, one id" ||
	bad "no uid_map 0 $user 1 in the payload"
if [ -n "$delegated" ]; then
	show "cg-stat --relative $CG"
	cg-stat --relative "$CG" | grep -E '^(memory_peak|memory_max|pids_max|cpu_usage_usec) ' | indent
	grep -q "^memory_peak  *[1-9]" < <(cg-stat --relative "$CG") &&
		ok "the chain ran in the delegated cgroup" || bad "the delegated cgroup saw nothing"
fi
[ "$rc" = 0 ] || bad "the unprivileged stages exited with $rc"

if [ "$failures" -eq 0 ]; then say "rootless done: every check passed"; else say "rootless done: $failures check(s) failed"; fi
exit $((failures > 0))
