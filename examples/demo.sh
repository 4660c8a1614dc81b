#!/bin/bash
# examples/demo.sh - build a real container from a chain of boxutils tools,
# show that each part of it works, and remove everything it made.
#
#   sudo make demo            (or: BOX_BIN=build/bin examples/demo.sh)
#   sudo make shell           (the same container, with an interactive shell)
#
# What it makes, all removed at the end (also on Ctrl-C):
#   - a cgroup "boxdemo-PID" beneath the caller's own cgroup (--relative);
#     where cgroup v2 forbids that (the caller's cgroup holds processes, as
#     a systemd login session does, and v2 lets no such cgroup hand
#     controllers down), a cgroup "boxdemo-PID" at the top of the tree,
#     where Docker and systemd put theirs
#   - a work directory in /tmp: the busybox image, the writable layer,
#     the rootfs mount point, and two persisted network namespaces:
#     "host" (plays the host's side of the link) and the container's
#   - a veth pair between them, 10.200.1.1 (host) <-> 10.200.1.2 (eth0)
# Nothing touches the machine's own network: both ends live in namespaces
# this script made.

set -u
here=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-demo}

# shellcheck source=examples/lib.sh
. "$here/examples/lib.sh"

[ "$(id -u)" = 0 ] || { echo "demo: run as root (sudo make demo)" >&2; exit 125; }
for t in ns-unshare ns-enter cg-create cg-exec cg-stat cg-delete uf-mount pivot cap-drop sys-filter veth-link; do
	command -v "$t" >/dev/null || { echo "demo: $t not built (run make)" >&2; exit 125; }
done
busybox=$(command -v busybox || echo /bin/busybox)
[ -x "$busybox" ] || { echo "demo: busybox-static is not installed (make deps)" >&2; exit 125; }

W=$(mktemp -d /tmp/boxdemo.XXXXXX)
CG=boxdemo-$$
REL=--relative
cleanup() {
	set +e
	say "cleaning up"
	for f in "$W/rootfs" "$W/ns/net" "$W/ns/host"; do
		mountpoint -q "$f" 2>/dev/null && umount -l "$f"
	done
	cg-delete ${REL:+"$REL"} "$CG" 2>/dev/null
	rm -rf "$W"
	ok "removed the cgroup, the namespaces (and with them the veth pair) and $W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "an image: busybox-static in $W/image (read-only lower layer)"
mkdir -p "$W"/image/{bin,etc,proc,sys,dev,tmp,root} "$W"/rw/up "$W"/rw/work "$W"/rootfs "$W"/ns
cp "$busybox" "$W/image/bin/busybox"
for a in $("$W/image/bin/busybox" --list); do
	[ -e "$W/image/bin/$a" ] || ln -s busybox "$W/image/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$W/image/etc/passwd"
echo 'root:x:0:' >"$W/image/etc/group"
echo "an image file" >"$W/image/etc/motd"
chmod 1777 "$W/image/tmp"
ok "$(ls "$W/image/bin" | wc -l) commands in the image"

say "a cgroup with memory, CPU and pids limits"
limits=(--memory 32M --memory-swap 32M --cpus 0.5 --pids 64)
if ! step cg-create --relative "${limits[@]}" "$CG" 2>"$W/cg.err"; then
	sed 's/^/   | /' "$W/cg.err"
	# the cgroup v2 no-internal-process rule: our own cgroup holds
	# processes, so it cannot enable controllers for a child
	grep -q 'internal' "$W/cg.err" || exit 125
	REL=
	say "so the cgroup goes at the top of the tree instead"
	step cg-create "${limits[@]}" "$CG" || exit 125
fi

say "network: a namespace playing the host, the container's, and a veth pair"
step ns-unshare --net="$W/ns/host" true || exit 125
step ns-unshare --net="$W/ns/net" true || exit 125
step ns-enter --net="$W/ns/host" \
	veth-link --addr 10.200.1.1/24 --netns "$W/ns/net" --peer-name eth0 \
	--peer-addr 10.200.1.2/24 --gateway 10.200.1.1 veth-box || exit 125

# The container: each line is one tool, each execs the next.
chain=(
	cg-exec ${REL:+"$REL"} "$CG"
	ns-enter --net="$W/ns/net"
	ns-unshare --mount --uts --ipc --pid --cgroup --fork --init --hostname box1
	uf-mount --lower "$W/image" --upper "$W/rw/up" --work "$W/rw/work" "$W/rootfs"
	pivot --host-prog "$W/rootfs"
	cap-drop --no-new-privs
	sys-filter --profile /dev/fd/3
)
# The engines' default seccomp profile (containers-common), handed to
# sys-filter as fd 3: after the pivot a path would name the image's file.
PROFILE=/usr/share/containers/seccomp.json
[ -r "$PROFILE" ] || { echo "demo: $PROFILE is missing (make deps installs golang-github-containers-common)" >&2; exit 125; }

if [ "$mode" = --shell ]; then
	say "an interactive shell in the container (exit to leave)"
	show "${chain[*]} /bin/sh 3<$PROFILE"
	"${chain[@]}" /bin/sh -l 3<"$PROFILE"
	exit 0
fi

say "the container runs its checks as PID 1's child"
# one tool a line, as it would be typed
line="$d\$"
for w in "${chain[@]}"; do
	case $w in
	ns-enter | ns-unshare | uf-mount | pivot | cap-drop | sys-filter)
		printf '%s \\\n' "$line"
		line="   " ;;
	esac
	line="$line $w"
done
printf '%s \\\n    /bin/sh -c SCRIPT 3<%s%s\n' "$line" "$PROFILE" "$n"
# shellcheck disable=SC2016 # expanded inside the container
script='
echo "hostname:   $(hostname)"
echo "processes:"; ps -o pid,comm | sed "s/^/    /"
echo "eth0:       $(ip -4 -o addr show eth0 | awk "{print \$4}")"
echo "route:      $(ip route | grep default)"
echo "ping host:  $(ping -c1 -W2 10.200.1.1 >/dev/null 2>&1 && echo reachable || echo unreachable)"
echo "mounts:     $(wc -l </proc/self/mountinfo) (no host mount visible)"
echo "timer_list: $(wc -c </proc/timer_list 2>/dev/null) bytes (masked)"
echo "/sys:       $(touch /sys/x 2>/dev/null && echo writable || echo read-only)"
echo "caps:       $(grep CapEff /proc/self/status)"
echo "nnp:        $(grep NoNewPrivs /proc/self/status)"
echo "seccomp:    $(grep "^Seccomp:" /proc/self/status)"
echo "written in the container" >/hello
echo "memory hog: $(tail /dev/zero >/dev/null 2>&1; echo exit $?)"
sh -c "for i in \$(seq 80); do sleep 3 & done" 2>/tmp/fork.err
# builtins only from here: at the limit, a fork would fail
set -- /proc/[0-9]*; read -r why </tmp/fork.err
echo "fork loop:  $# processes alive under --pids 64; the loop said: $why"
'
"${chain[@]}" /bin/sh -c "$script" 3<"$PROFILE" 2>&1 | tee "$W/out" | sed 's/^/   | /'

say "checking what the container showed"
grep -q '^hostname:   box1$' "$W/out" && ok "hostname is box1" || bad "hostname"
awk '/processes:/{f=1;next} f&&$1==1{print;exit}' "$W/out" | grep -q . && ok "PID 1 is the init" || bad "PID 1"
grep -q '^eth0:       10.200.1.2/24' "$W/out" && ok "eth0 has 10.200.1.2" || bad "eth0 address"
grep -q '^ping host:  reachable' "$W/out" && ok "the container reaches the host side" || bad "ping from the container"
grep -q '^timer_list: 0 bytes' "$W/out" && ok "/proc/timer_list is masked" || bad "masked paths"
grep -q '^/sys:       read-only' "$W/out" && ok "/sys is read-only" || bad "/sys read-only"
grep -q '^nnp:.*1' "$W/out" && ok "no_new_privs is set" || bad "no_new_privs"
grep -q '^seccomp:    Seccomp:.2' "$W/out" &&
	ok "the engines' default seccomp profile is in force (Seccomp: 2)" || bad "seccomp"
grep -q '^memory hog: exit 137' "$W/out" && ok "the memory hog was OOM-killed (exit 137 = SIGKILL)" || bad "memory limit"
alive=$(sed -n 's/^fork loop:  \([0-9]*\) processes.*/\1/p' "$W/out")
[ -n "$alive" ] && [ "$alive" -le 64 ] && grep -q "^fork loop:.*fork" "$W/out" &&
	ok "the fork loop stopped at the pids limit ($alive alive)" || bad "pids limit"
[ -f "$W/rw/up/hello" ] && [ ! -e "$W/image/hello" ] &&
	ok "/hello landed in the writable layer $W/rw/up, the image is untouched" || bad "overlay write"
show "ns-enter --net=$W/ns/host ping -c1 10.200.1.2"
ns-enter --net="$W/ns/host" ping -c1 -W2 10.200.1.2 >/dev/null &&
	ok "the host side pings the container" || bad "ping from the host side"
show "cg-stat $REL $CG"
cg-stat ${REL:+"$REL"} "$CG" | sed 's/^/   | /'

say "to run the same container by hand"
cat <<EOF2
  cg-create --relative --memory 32M --memory-swap 32M --cpus 0.5 --pids 64 box1
  ns-unshare --net=/tmp/box1.net true
  veth-link --addr 10.200.1.1/24 --netns /tmp/box1.net \\
            --peer-name eth0 --peer-addr 10.200.1.2/24 veth-box1
  cg-exec --relative box1 ns-enter --net=/tmp/box1.net \\
    ns-unshare --mount --uts --ipc --pid --cgroup --fork --init --hostname box1 \\
    uf-mount --lower IMAGE --upper UP --work WORK ROOTFS \\
    pivot --host-prog ROOTFS cap-drop --no-new-privs \\
    sys-filter --profile /dev/fd/3 /bin/sh 3<$PROFILE
  # and afterwards: umount /tmp/box1.net; cg-delete --relative box1
EOF2
[ "$failures" -eq 0 ] && say "demo done: every check passed" || say "demo done: $failures check(s) failed"
exit $((failures > 0))
