#!/bin/bash
# tests/integration/examples.sh - run each script in examples/ and check
# what it shows: a page fetched from the Debian container (over the veth
# link, and through the nft port mapping), a file landed in the right
# layer and a whiteout hiding one, a crun and a boxutils container entered
# with their root, environment and cgroup on a pty of their own, the
# rootless payload's uid_map; and that each example left nothing behind:
# no mount, cgroup, link, process or work directory of its own.
#
# The examples are run with stdout a pipe (no colours) and a time limit.
# debian-server needs its image: with a warm cache
# (/var/cache/boxutils/debian-bookworm) it takes a second; without one it
# runs debootstrap once (about a minute), and the test is skipped when the
# Debian mirror cannot be reached within 60 s.

BOX_SUITE_FILE=${BOX_SUITE_FILE:-$0}
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

EX=$BOX_ROOT/examples
TOOLS="ns-unshare ns-enter cg-create cg-set cg-exec cg-stat cg-delete uf-mount pivot cap-drop veth-link"
# Every name the examples give what they make: cgroups, work directories,
# the Debian server's docroot, the link names in their own namespaces.
MARK='boxex-'

suite_setup() {
	have_tools=1
	for t in $TOOLS; do
		[ -x "$BOX_BIN/$t" ] || have_tools=0
	done
	return 0
}

need_example() {
	need_root || return 1
	need_cmd busybox || return 1
	if [ "$have_tools" != 1 ]; then
		skip_test "not every tool is built in $BOX_BIN: $TOOLS"
		return 1
	fi
}

# What an example may leave behind, narrowed to what the examples make,
# so that other work on the machine cannot make this flaky.
leftovers() {
	echo "mounts:"
	mount_snapshot | grep -E "$MARK|/var/cache/boxutils"
	echo "cgroups:"
	find /sys/fs/cgroup -mindepth 1 -type d -name "$MARK*" 2>/dev/null | sort
	echo "links:"
	ip -o link show | awk '{print $2}' | grep -E 'veth-(srv|world|rl)'
	echo "processes:"
	# in an example's cgroup, or with its mark on the command line; not
	# zombies: a runtime's orphans are dead, reparented to the host's
	# init, and reaped when it gets to them
	{
		grep -l "$MARK" /proc/[0-9]*/cgroup 2>/dev/null | cut -d/ -f3
		pgrep -f "$MARK" | grep -vx "$$"
	} | sort -nu | while read -r p; do
		case $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1) in
		'' | Z | X) ;;
		*) echo "$p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" ;;
		esac
	done
	echo "work directories:"
	ls -d /tmp/"$MARK"* 2>/dev/null
}

# run_example NAME [ENV=VALUE...]: run examples/NAME.sh, at most
# $limit seconds (200 unless the test says otherwise).
run_example() {
	local name=$1
	shift
	run env NO_COLOR=1 "$@" timeout -k 5 "${limit:-200}" "$EX/$name.sh"
	if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
		echo "--- examples/$name.sh exited $rc; its output:"
		printf '%s\n' "$out" | tail -40
		printf '%s\n' "$err" | tail -10
	fi
}

count() { # count FIXED-STRING: lines of $out holding it
	printf '%s\n' "$out" | grep -cF -- "$1"
}
countx() { # countx LINE: lines of $out that the example printed as "   | LINE"
	printf '%s\n' "$out" | grep -cxF -- "   | $1"
}

test_debian_server_page_over_veth_and_nft_port() {
	need_example || return 0
	need_cmd nft || return 0
	local before cache=${BOX_DEBIAN_CACHE:-/var/cache/boxutils/debian-bookworm} limit=200
	if [ ! -f "$cache/etc/debian_version" ]; then
		need_cmd wget || return 0
		echo "# no cached Debian image: debootstrap takes about a minute"
		limit=600
	fi
	before=$(leftovers)
	run_example debian-server
	if [ "$rc" = 77 ]; then
		skip_test "no Debian image: $err"
		return 0
	fi
	assertEquals "exit status" 0 "$rc"
	assertTrue "the image is cached" "[ -f $cache/etc/debian_version ]"
	# The page, as fetched over the veth link and through 8080 from the
	# world namespace: the HTTP status line and the body the Debian
	# container wrote (its os-release, its hostname).
	assertEquals "two fetches, both 200 OK" 2 "$(count '| HTTP/1.1 200 OK')"
	assertEquals "the page, twice" 2 "$(count '| <h1>Hello from Debian GNU/Linux 12 (bookworm)</h1>')"
	assertEquals "written in the container" 2 "$(count ', hostname debian-box, ')"
	assertContains "the DNAT rule was in place" "$out" "tcp dport 8080 dnat to 10.203.1.2:80"
	assertContains "$out" "only 8080 is mapped"
	assertNotContains "$out" "FAILED"
	assertEquals "debian-server left nothing behind" "$before" "$(leftovers)"
}

test_debug_running_container_ns_enter_env_cgroup_pty() {
	need_example || return 0
	need_cmd crun nsenter script || return 0
	local before pty
	before=$(leftovers)
	# Under script(1), so the caller has a terminal that --pty must not
	# hand to the container.
	pty=$BOX_TMP/debug.typescript
	run script -qec "env NO_COLOR=1 timeout -k 5 120 '$EX/debug-running-container.sh' </dev/null" "$pty"
	out=$(printf '%s\n' "$out" | tr -d '\r')
	[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -40
	assertEquals "exit status" 0 "$rc"
	assertContains "$out" "crun started boxex-debug-"
	# ns-enter --root --wd --env --join-cgroup, in each container
	assertEquals "the crun container's environment, with and without --pty" 2 "$(countx 'APP_MODE=production-oci')"
	assertEquals "the chain container's environment" 2 "$(countx 'APP_MODE=production-chain')"
	assertEquals "nsenter has no --env" 2 "$(countx 'APP_MODE=(unset)')"
	assertEquals "roots: ns-enter, with --pty, and nsenter, twice" 6 "$(countx "root=the image's own file")"
	assertEquals "working directories, likewise" 6 "$(countx 'cwd=/srv/app')"
	assertEquals "hostnames, likewise" "3 3" "$(countx 'hostname=oci-box') $(countx 'hostname=chain-box')"
	assertEquals "joined cgroups (root of the cgroup ns), with and without --pty" 4 "$(countx 'cgroup=/')"
	# --pty: a terminal from the container's devpts, other than the caller's
	local caller ptys
	caller=$(printf '%s\n' "$out" | sed -n 's/.*the caller.s tty: .*device \([0-9:]*\)).*/\1/p' | sort -u)
	ptys=$(printf '%s\n' "$out" | sed -n 's/^   | ttydev=\(.*\)/\1/p' | grep -v '^6:1:3$' | sort -u)
	assertNotNull "the caller had a terminal" "$caller"
	assertEquals "two containers, two pty devices" 2 "$(printf '%s\n' "$ptys" | grep -c .)"
	assertNotContains "no container got the caller's terminal" "$ptys" "$caller"
	# cg-stat: the 64M limit and live processes, for each
	assertEquals "cg-stat, twice" 2 "$(count 'cg-stat shows its 64M limit and counts its processes')"
	# nsenter: the same namespaces, not the environment or cgroup
	assertContains "$out" "nsenter's environment and cgroup were the caller's: APP_MODE=(unset) cgroup=/../"
	assertNotContains "$out" "FAILED"
	assertEquals "debug-running-container left nothing behind" "$before" "$(leftovers)"
}

test_debug_running_container_with_runc() {
	need_example || return 0
	need_cmd runc nsenter || return 0
	local before
	before=$(leftovers)
	run_example debug-running-container BOX_EX_RUNTIME=runc
	assertEquals "exit status" 0 "$rc"
	assertContains "$out" "runc started boxex-debug-"
	assertEquals "the runc container's environment" 2 "$(countx 'APP_MODE=production-oci')"
	assertEquals "its cgroup joined" 4 "$(countx 'cgroup=/')"
	assertNotContains "$out" "FAILED"
	assertEquals "left nothing behind" "$before" "$(leftovers)"
}

test_layers_stack_aufs_and_docker_save() {
	need_example || return 0
	local before
	before=$(leftovers)
	run_example layers
	assertEquals "exit status" 0 "$rc"
	# base + app: the top layer wins, a write lands in the upper, a
	# delete leaves a 0/0 whiteout there
	assertContains "$out" "app: /etc/motd says: motd of the app layer"
	assertContains "$out" "app: /etc/issue says: Debian-like base"
	assertContains "$out" "ok: the app wrote /app/state into the writable layer rw/up"
	assertContains "stat of rw/up/etc/issue" "$out" "| character special file 0:0"
	# aufs: the ls of home company mnt, as printed
	assertContains "$out" "overlay none rw,lowerdir"
	assertContains "ls home: code landed in ./home" \
		"$(printf '%s\n' "$out" | sed -n '/^\$ ls home company mnt/,/^   ok/p' | tr -d '\n')" \
		"| home:   | code"
	assertContains "$out" "ok: ./company (ro) is untouched"
	# docker save: whiteouts converted, opaque dir, manifest order
	assertContains "$out" "mknod "
	assertContains "$out" "trusted.overlay.opaque"
	assertContains "the image run from the stack" "$out" \
		"| docker app: motd: motd of layer 2; /var/lib/app: c "
	assertNotContains "$out" "FAILED"
	assertEquals "layers left nothing behind" "$before" "$(leftovers)"
}

test_rootless_chain_as_nobody() {
	need_example || return 0
	need_userns || return 0
	local before
	before=$(leftovers)
	run_example rootless
	if [ "$rc" = 77 ]; then
		skip_test "$err"
		return 0
	fi
	assertEquals "exit status" 0 "$rc"
	assertContains "the unprivileged stage" "$out" "uid=65534(nobody)"
	assertContains "root inside" "$out" "| uid=0 hostname=rootless-box"
	assertContains "the payload's uid_map" "$out" "| uid_map=0 65534 1"
	assertContains "$out" "| eth0=10.204.1.2/24"
	assertContains "$out" "| ping-host=ok"
	assertContains "$out" "| mount-tmpfs=refused"
	assertContains "the write is nobody's on the host" "$out" "| 65534:65534 /tmp/boxex-rootless."
	assertContains "$out" "ok: the chain ran in the delegated cgroup"
	assertNotContains "$out" "FAILED"
	assertEquals "rootless left nothing behind" "$before" "$(leftovers)"
}

test_rootless_without_a_delegated_cgroup() {
	need_example || return 0
	need_userns || return 0
	local before
	before=$(leftovers)
	run_example rootless BOX_EX_DELEGATE=0
	[ "$rc" = 77 ] && { skip_test "$err"; return 0; }
	assertEquals "exit status" 0 "$rc"
	assertContains "$out" "no delegated cgroup: the container runs without cgroup limits"
	assertContains "$out" "| uid_map=0 65534 1"
	assertNotContains "$out" "FAILED"
	assertEquals "left nothing behind" "$before" "$(leftovers)"
}

box_run_suite
