#!/bin/bash
# examples/debug-running-container.sh - look inside running containers
# from outside, with ns-enter and cg-stat, and compare with nsenter(1).
#
#   sudo BOX_BIN=build/bin examples/debug-running-container.sh
#
# It starts two containers from a busybox image, each with its own
# hostname, working directory, environment and cgroup:
#   - one made by crun from an OCI bundle (runc if crun cannot run here),
#   - one made by a chain of boxutils tools (ns-unshare ... pivot ...),
# and then, for each, from the host:
#   1. ns-enter -t PID -a --root --wd --env --join-cgroup: a command with
#      the container's namespaces, root, working directory, environment
#      and cgroups;
#   2. ns-enter ... --pty: the same on a pseudo-terminal of its own, so it
#      cannot push keystrokes into the caller's terminal (TIOCSTI);
#   3. cg-stat on the container's cgroup;
#   4. util-linux nsenter with the options it has, and a table of what
#      each could do.
#
# crun refuses a hybrid cgroup host (v1 controllers plus a cgroup2 mount
# at /sys/fs/cgroup/unified): it is run in a private mount namespace with
# that mount removed, and with --cgroup-manager=disabled, so the container
# stays in the cgroup crun was started in, one this script made.
#
# Made, and removed at exit: the cgroups boxex-debug-PID/{oci,box}
# (beneath the caller's own), the containers (crun/runc kill and delete by
# their own id, the chain by its PID), the work directory
# /tmp/boxex-debug.*.  Exit status: 0 when every check passed, 1 when one
# failed, 125 when it could not start.

set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=examples/lib.sh
. "$here/lib.sh"


[ "$(id -u)" = 0 ] || die "run as root"
for t in ns-unshare ns-enter cg-create cg-exec cg-stat cg-delete pivot cap-drop; do
	command -v "$t" >/dev/null || die "$t not found in BOX_BIN=$BOX_BIN (run make)"
done
busybox=$(command -v busybox || echo /bin/busybox)
[ -x "$busybox" ] || die "busybox-static is not installed (make deps)"

W=$(mktemp -d /tmp/boxex-debug.XXXXXX)
CG=boxex-debug-$$
ID=boxex-debug-$$ # the OCI container's id
runtime="" box=""
cleanup() {
	set +e
	say "cleaning up"
	if [ -n "$runtime" ]; then
		oci kill "$ID" KILL >/dev/null 2>&1
		# wait until it is dead (a zombie at most: crun's orphans go to
		# the host's init), so that cg-delete finds an empty cgroup
		for _ in $(seq 100); do
			case $(sed 's/.*) //' "/proc/${oci_pid:-0}/stat" 2>/dev/null | cut -c1) in
			'' | Z | X) break ;;
			esac
			sleep 0.05
		done
		oci delete -f "$ID" >/dev/null 2>&1
		ok "$runtime kill $ID; $runtime delete -f $ID"
	fi
	if [ -n "$box" ]; then
		kill -TERM "$box" 2>/dev/null # ns-unshare passes it to its init
		wait "$box" 2>/dev/null
		ok "stopped the boxutils container (PID $box)"
	fi
	cg-delete --relative --recursive "$CG" 2>/dev/null
	rm -rf "$W"
	ok "removed the cgroups $CG and $W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# oci [--in CGROUP] ARGS...: run crun (or runc) on our state directory,
# in CGROUP when given.  crun runs in a private mount namespace without
# the cgroup2 mount of the hybrid host.
oci() {
	local pre=()
	if [ "$1" = --in ]; then
		pre=(cg-exec --relative "$2")
		shift 2
	fi
	case $runtime in
	crun)
		"${pre[@]}" ns-unshare --mount sh -c '
			if grep -q " /sys/fs/cgroup/unified " /proc/self/mountinfo; then
				umount /sys/fs/cgroup/unified || exit 125
			fi
			exec "$@"' sh crun --root "$W/state" --cgroup-manager=disabled "$@"
		;;
	runc) "${pre[@]}" runc --root "$W/state" "$@" ;;
	esac
}

say "an image: busybox in $W/image"
img=$W/image
mkdir -p "$img"/bin "$img"/etc "$img"/proc "$img"/sys "$img"/dev "$img"/tmp "$img"/srv/app
cp "$busybox" "$img/bin/busybox"
for a in $("$img/bin/busybox" --list); do
	[ -e "$img/bin/$a" ] || ln -s busybox "$img/bin/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$img/etc/passwd"
echo 'root:x:0:' >"$img/etc/group"
echo "the image's own file" >"$img/etc/image-marker"
ok "$(ls "$img/bin" | wc -l) commands"

say "a cgroup for each container"
step cg-create --relative "$CG" || exit 125
step cg-create --relative --memory 64M --pids 32 "$CG/oci" "$CG/box" || exit 125

# ---------------------------------------------------------------------------
say "container 1: an OCI bundle run by crun"
mkdir -p "$W/oci" "$W/state"
cp -a "$img" "$W/oci/rootfs"
cat >"$W/oci/config.json" <<'EOF'
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": [ "sleep", "3600" ],
    "env": [ "PATH=/bin", "HOME=/root", "APP_MODE=production-oci" ],
    "cwd": "/srv/app",
    "capabilities": {
      "bounding": [ "CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "effective": [ "CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE" ],
      "permitted": [ "CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE" ]
    },
    "noNewPrivileges": true
  },
  "root": { "path": "rootfs" },
  "hostname": "oci-box",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
      "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" ] }
  ],
  "linux": {
    "namespaces": [
      { "type": "pid" }, { "type": "network" }, { "type": "ipc" },
      { "type": "uts" }, { "type": "mount" }, { "type": "cgroup" }
    ]
  }
}
EOF
show "cat $W/oci/config.json   # (abridged)"
grep -E '"(args|env|cwd|hostname)"' "$W/oci/config.json" | indent
# The runtime starts in our cgroup "oci"; with the cgroup manager
# disabled the container stays there.  runc makes a child cgroup there.
for try in ${BOX_EX_RUNTIME:-crun runc}; do
	command -v "$try" >/dev/null || continue
	runtime=$try
	show "cg-exec --relative $CG/oci $try run -d --pid-file $W/oci.pid -b $W/oci $ID"
	if oci --in "$CG/oci" run -d --pid-file "$W/oci.pid" -b "$W/oci" "$ID" \
		</dev/null >"$W/oci.log" 2>&1; then
		break
	fi
	indent <"$W/oci.log"
	echo "   $try cannot run a container here; trying the next runtime"
	oci delete -f "$ID" >/dev/null 2>&1
	runtime=
done
[ -n "$runtime" ] && [ -s "$W/oci.pid" ] || die "neither crun nor runc could start a container"
oci_pid=$(cat "$W/oci.pid")
ok "$runtime started $ID: its process is PID $oci_pid on the host"
show "$runtime list"
oci list | indent

# ---------------------------------------------------------------------------
say "container 2: the same image, made by a chain of boxutils tools"
chain=(
	cg-exec --relative "$CG/box"
	ns-unshare --mount --uts --ipc --net --pid --cgroup --fork --init --hostname chain-box --pidfile "$W/box.init"
	pivot --host-prog "$img"
	cap-drop --no-new-privs
	/bin/env -i PATH=/bin HOME=/root APP_MODE=production-chain
	/bin/sh -c 'cd /srv/app && exec sleep 3600'
)
show "${chain[*]:0:19} '${chain[*]:19}' &"
# The image is bound read-only below pivot's own mount; no overlay
# needed for a container that writes nothing.
"${chain[@]}" </dev/null >"$W/box.log" 2>&1 &
box=$!
# --pidfile names the container's init (PID 1 inside); the payload is
# its child, once that child has become sleep.
payload() {
	local init c
	init=$(cat "$W/box.init" 2>/dev/null) || return 1
	c=$(cat "/proc/$init/task/$init/children" 2>/dev/null) || return 1
	c=${c%% *}
	[ -n "$c" ] && [ "$(cat "/proc/$c/comm" 2>/dev/null)" = sleep ] && echo "$c"
}
for _ in $(seq 100); do
	box_pid=$(payload) && break
	sleep 0.05
done
[ -n "${box_pid:-}" ] || { indent <"$W/box.log"; die "the boxutils container did not start"; }
ok "the chain's payload (sleep) is PID $box_pid on the host"

# ---------------------------------------------------------------------------
# The script run inside, and what it shows: hostname, working directory,
# root (the image's marker file), APP_MODE from the environment, the
# cgroup as seen in the container's cgroup namespace ("/" when we are in
# the container's own cgroup, "/.." when outside it), and the terminal.
# shellcheck disable=SC2016 # expanded inside the container
probe='echo "hostname=$(hostname)"
echo "cwd=$(pwd)"
echo "root=$(cat /etc/image-marker 2>/dev/null || echo host)"
echo "APP_MODE=${APP_MODE:-(unset)}"
echo "cgroup=$(sed -n "s/^[0-9]*:memory://p" /proc/self/cgroup)"
echo "tty=$(tty)"
echo "ttydev=$(stat -L -c %d:%t:%T /proc/self/fd/0)"'

inspect() { # inspect NAME PID EXPECT-HOSTNAME EXPECT-APP_MODE
	local name=$1 pid=$2 host=$3 mode=$4
	say "inspect $name (PID $pid) with ns-enter"
	show "ns-enter -t $pid -a --root --wd --env --join-cgroup sh -c PROBE"
	ns-enter -t "$pid" -a --root --wd --env --join-cgroup sh -c "$probe" </dev/null \
		>"$W/$name.nse" 2>&1
	indent <"$W/$name.nse"
	grep -qx "hostname=$host" "$W/$name.nse" && ok "its hostname" || bad "hostname"
	grep -qx "cwd=/srv/app" "$W/$name.nse" && ok "its working directory" || bad "working directory"
	grep -qx "root=the image's own file" "$W/$name.nse" && ok "its root" || bad "root"
	grep -qx "APP_MODE=$mode" "$W/$name.nse" && ok "its environment" || bad "environment"
	grep -qx "cgroup=/" "$W/$name.nse" && ok "its cgroup (the root of its cgroup namespace)" ||
		bad "cgroup not joined"

	local mytty mydev
	mytty=$(tty)
	mydev=$(stat -L -c %d:%t:%T /proc/self/fd/0)
	show "ns-enter -t $pid -a --root --wd --env --join-cgroup --pty sh -c PROBE"
	echo "   (the caller's tty: $mytty, device $mydev)"
	ns-enter -t "$pid" -a --root --wd --env --join-cgroup --pty sh -c "$probe" </dev/null 2>&1 |
		tr -d '\r' >"$W/$name.pty"
	indent <"$W/$name.pty"
	if grep -qx 'tty=/dev/pts/[0-9]*' "$W/$name.pty" &&
		[ "$(sed -n 's/^ttydev=//p' "$W/$name.pty")" != "$mydev" ]; then
		ok "a terminal of its own, from the container's devpts, not the caller's"
	else
		bad "--pty gave no terminal of its own"
	fi

	# Where the container's cgroup is, per hierarchy; cg-stat finds it in
	# each.  (We made it beneath our own cgroup, which differs between
	# hierarchies on this host, hence --relative; for a container of
	# Docker's, the path in /proc/PID/cgroup is the same in each:
	# cg-stat "$(awk -F: '$2 == "memory" {print $3}' /proc/PID/cgroup)".)
	show "grep memory /proc/$pid/cgroup"
	grep memory "/proc/$pid/cgroup" | indent
	show "cg-stat --relative $CG/$name"
	cg-stat --relative "$CG/$name" >"$W/$name.stat" 2>&1
	indent <"$W/$name.stat"
	grep -qE '^memory_max +67108864$' "$W/$name.stat" && grep -qE '^pids_current +[1-9]' "$W/$name.stat" &&
		ok "cg-stat shows its 64M limit and counts its processes" || bad "cg-stat"

	say "the same with util-linux $(nsenter --version | sed 's/.*util-linux //')"
	show "nsenter -t $pid -a --root --wd sh -c PROBE"
	nsenter -t "$pid" -a --root --wd sh -c "$probe" </dev/null >"$W/$name.nsenter" 2>&1
	indent <"$W/$name.nsenter"
}

inspect oci "$oci_pid" oci-box production-oci
inspect box "$box_pid" chain-box production-chain

# ---------------------------------------------------------------------------
say "what each could do, judged from the runs above"
# has FILE LINE-REGEX: yes/no; opt OPTION: does nsenter --help list it
has() { grep -qx "$2" "$W/$1" && echo yes || echo no; }
opt() { nsenter --help 2>&1 | grep -q -- "$1" && echo "yes ($1)" || echo "no (no $1)"; }
# nsr FILE LINE-REGEX OPTION: nsenter's result, and why when it has no option
nsr() { nsenter --help 2>&1 | grep -q -- "$3" && has "$1" "$2" || echo "$(has "$1" "$2") (no $3)"; }
row() { printf '   %-34s %-18s %s\n' "$1" "$2" "$3"; }
row "" ns-enter "nsenter $(nsenter --version | sed 's/.*util-linux //')"
row "namespaces, hostname (-a)" "$(has oci.nse 'hostname=oci-box')" "$(has oci.nsenter 'hostname=oci-box')"
row "root and working dir" "$(has oci.nse 'cwd=/srv/app')" "$(has oci.nsenter 'cwd=/srv/app')"
row "the container's environment" "$(has oci.nse 'APP_MODE=production-oci')" "$(nsr oci.nsenter 'APP_MODE=production-oci' --env)"
row "the container's cgroup" "$(has oci.nse 'cgroup=/')" "$(nsr oci.nsenter 'cgroup=/' --join-cgroup)"
row "a terminal of its own" "$(grep -q 'tty=/dev/pts' "$W/oci.pty" && echo yes || echo no) (--pty)" "$(opt --pty)"
row "ip netns names" "yes (--netns NAME)" "$(opt --netns)"
# What nsenter showed instead, for the reader:
echo "   (nsenter's environment and cgroup were the caller's: $(grep -E '^(APP_MODE|cgroup)=' "$W/oci.nsenter" | tr '\n' ' '))"
grep -qx 'hostname=oci-box' "$W/oci.nsenter" && ok "nsenter entered the namespaces too" ||
	bad "nsenter could not enter the container"

if [ "$failures" -eq 0 ]; then say "debug-running-container done: every check passed"; else say "debug-running-container done: $failures check(s) failed"; fi
exit $((failures > 0))
