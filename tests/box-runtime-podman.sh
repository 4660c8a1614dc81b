#!/bin/bash
# tests/box-runtime-podman.sh - Podman (Debian's 4.3) with box-runtime as
# its OCI runtime, each test in a mount, network and cgroup namespace of
# its own (tests/lib-podman.sh: tmpfs over /run, /var/lib/cni and
# /var/lib/containers, private --root/--runroot, vfs storage, the
# cgroup hierarchies mounted again inside the cgroup namespace).  Beside
# tests/box-runtime.sh's lifecycle test: run -it and exec -it through a
# real pty, limits enforced (memory, cpus, pids), --read-only and
# --tmpfs (tmpcopyup), bind volumes, capabilities, users and groups,
# and the default netavark network with a published port.
#
# containers.conf (lib-podman.sh): this machine withholds
# CAP_SYS_RESOURCE, so the default ulimits must stay within the hard
# limits, or setting them fails.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"
# shellcheck source=tests/lib-podman.sh
. "$(dirname "$0")/lib-podman.sh"

ROOTFS=$BOX_TMP/rootfs

suite_setup() {
	cg_suite_setup || return 1
	need_cmd busybox || return 0
	make_busybox_rootfs "$ROOTFS" || return 1
	# what tmpcopyup must carry into --read-only's tmpfs, and a page
	# for httpd
	echo image-var-tmp >"$ROOTFS/var/tmp/from-image"
	mkdir -p "$ROOTFS/www"
	echo served-by-box-runtime >"$ROOTFS/www/index.html"
	tar -C "$ROOTFS" -cf "$BOX_TMP/busybox.tar" .
}

suite_teardown() {
	cg_suite_teardown
}

setUp() {
	host_before=$(mount_snapshot)
}

tearDown() {
	assertEquals "host mount table changed" "$host_before" "$(mount_snapshot)"
}

need_podman() {
	need_root || return 1
	need_tool box-runtime cg-create cg-exec ns-unshare ns-enter pivot \
		cap-drop sys-filter || return 1
	need_static cap-drop box-runtime sys-filter || return 1
	need_cmd podman conmon unshare busybox || return 1
}

# podman_test NAME < BODY: BODY (a shell script using $P, $d) run in a
# cgroup $CG_T/NAME and new mount, network and cgroup namespaces; sets
# $rc $out $err.  Returns 1, with the test skipped, when Podman itself
# cannot start here.
podman_test() {
	d=$BOX_TMP/$1
	mkdir -p "$d"
	cp "$BOX_TMP/busybox.tar" "$d/"
	podman_conf "$d" || { fail "podman_conf"; return 1; }
	podman_script "$d"
	cg-create $CG_R "$CG_T/$1" || { fail "cg-create"; return 1; }
	run cg-exec $CG_R "$CG_T/$1" unshare -m -n -C --propagation private \
		sh "$d/run.sh" "$d"
	case $out in
	*"== start"*) return 0 ;;
	esac
	skip_test "podman cannot run here: $(echo "$err" | tail -1)"
	return 1
}

# The lines of $out after the line "== $1", up to the next "== ".
section() {
	echo "$out" | awk -v h="== $1" '$0 == h { on = 1; next }
		/^== / { on = 0 } on'
}

# run -it and exec -it: script(1) gives podman a terminal; what is typed
# into it (through a FIFO, once the container says READY) must reach
# the container's shell, whose $((6*7)) comes back as 42 (an echo of
# the typed line would not compute it).  exec -it is conmon's path:
# box-runtime exec --tty --console-socket.
test_podman_run_it_and_exec_it_through_a_pty() {
	need_podman || return 0
	need_cmd script || return 0
	podman_test tty <<-'EOF' || return 0
	# interact CMD: run CMD under script(1), type "hello" once READY
	interact() {
		rm -f "$d/in" "$d/tty.out"
		mkfifo "$d/in"
		script -qec "$1" /dev/null <"$d/in" >"$d/tty.out" 2>&1 &
		sp=$!
		exec 3>"$d/in"
		i=0
		until grep -q READY "$d/tty.out" || [ $i -ge 300 ]; do
			sleep 0.1; i=$((i + 1))
		done
		echo hello >&3
		wait $sp
		echo "status=$?"
		exec 3>&-
		tr -d '\r' <"$d/tty.out"
	}
	C='tty; [ -t 0 ] && echo stdin-is-a-tty; echo READY; read x; echo "got-$x-$((6*7))"'
	echo "== run -it"
	interact "$P run -it --rm --network none boxtest/busybox sh -c '$C'"
	$P run -d --name web --network none boxtest/busybox sleep 100 >/dev/null
	echo "== exec -it"
	interact "$P exec -it web sh -c '$C; ps -o pid,tty,comm | grep ps\$'"
	echo "== bad"
	id=$($P inspect -f '{{.Id}}' web)
	box-runtime exec --tty "$id" true; echo "no-socket=$?"
	box-runtime exec --tty --console-socket "$d/no-such" "$id" true; echo "bad-socket=$?"
	$P top web pid comm | tail -n +2 | tr -s ' '
	EOF
	local s
	s=$(section "run -it")
	assertContains "run -it: a pty of the container (stderr: $err)" "$s" "/dev/pts/0"
	assertContains "run -it: stdin a terminal" "$s" "stdin-is-a-tty"
	assertContains "run -it: typed input reached the shell, output came back" "$s" "got-hello-42"
	assertContains "run -it: status" "$s" "status=0"
	s=$(section "exec -it")
	assertContains "exec -it: a pty of the container's devpts" "$s" "/dev/pts/"
	assertContains "exec -it: stdin a terminal" "$s" "stdin-is-a-tty"
	assertContains "exec -it: typed input reached the shell, output came back" "$s" "got-hello-42"
	assertContains "exec -it: the pty is the controlling terminal" "$s" "$(printf '136,')"
	assertContains "exec -it: status" "$s" "status=0"
	s=$(section "bad")
	assertContains "exec --tty without a console socket: 125" "$s" "no-socket=125"
	assertContains "exec --tty, a socket that is not there: 125" "$s" "bad-socket=125"
	assertContains "said why" "$err" "process.terminal: needs --console-socket"
	assertContains "said why" "$err" "connect to --console-socket $BOX_TMP/tty/no-such"
	assertEquals "the failed execs left no process" "1 sleep" "$(echo "$s" | grep -v =)"
}

# --memory, --cpus, --pids-limit: the limits read back from the
# container's cgroups (v1 or v2, wherever each controller is) and are
# enforced: two busy loops get about half a CPU over a second, a shell
# exec'ed in to hold 64 MiB in a variable is OOM-killed under 32m, and a
# loop starting 20 processes under --pids-limit 10 hits EAGAIN.
test_podman_memory_cpus_pids_limits_are_enforced() {
	need_podman || return 0
	podman_test limits <<-'EOF' || return 0
	# cgdir PID CTRL: the directory of PID's cgroup serving CTRL
	cgdir() {
		p=$(awk -F: -v c="$2" '{ n = split($2, a, ",")
			for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")
		if [ -n "$p" ]; then
			m=$(awk -v c="$2" '{ for (i = 7; i <= NF; i++) if ($i == "-") break
				if ($(i + 1) != "cgroup") next
				n = split($(i + 3), a, ",")
				for (j = 1; j <= n; j++) if (a[j] == c) print $5 }' /proc/self/mountinfo | head -1)
		else
			p=$(awk -F: '$1 == 0 { print $3 }' "/proc/$1/cgroup")
			m=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
				if ($(i + 1) == "cgroup2") print $5 }' /proc/self/mountinfo | head -1)
		fi
		echo "$m$p"
	}
	# usage PID: CPU time of PID's cgroup so far, in microseconds
	usage() {
		c=$(cgdir "$1" cpuacct)
		if [ -f "$c/cpuacct.usage" ]; then
			echo $(($(cat "$c/cpuacct.usage") / 1000))
		else
			awk '$1 == "usage_usec" { print $2 }' "$(cgdir "$1" cpu)/cpu.stat"
		fi
	}
	echo "== readback"
	$P run -d --name lim --memory 32m --cpus 0.5 --pids-limit 10 --network none \
		boxtest/busybox sh -c 'while :; do :; done & while :; do :; done' >/dev/null
	pid=$($P inspect -f '{{.State.Pid}}' lim)
	m=$(cgdir "$pid" memory)
	echo "memory=$(cat "$m/memory.limit_in_bytes" 2>/dev/null || cat "$m/memory.max")"
	c=$(cgdir "$pid" cpu)
	if [ -f "$c/cpu.cfs_quota_us" ]; then
		echo "cpu=$(cat "$c/cpu.cfs_quota_us") $(cat "$c/cpu.cfs_period_us")"
	else
		echo "cpu=$(cat "$c/cpu.max")"
	fi
	echo "pids=$(cat "$(cgdir "$pid" pids)/pids.max")"
	sleep 0.5
	u0=$(usage "$pid"); t0=$(date +%s%N)
	sleep 1
	u1=$(usage "$pid"); t1=$(date +%s%N)
	echo "== cpu"
	echo "permille=$(((u1 - u0) * 1000000 / (t1 - t0)))"
	echo "== memory"
	$P exec lim sh -c 'x=$(head -c 64m /dev/zero | tr "\0" a); echo survived ${#x}'
	echo "status=$?"
	awk '$1 == "oom_kill" { print "oom_kill=" $2 }' \
		"$m/memory.oom_control" "$m/memory.events" 2>/dev/null
	$P rm -f -t 0 lim >/dev/null
	echo "== pids"
	$P run --rm --pids-limit 10 --network none boxtest/busybox sh -c '
		i=0; while [ $i -lt 20 ]; do sleep 2 & i=$((i + 1)); done; wait' 2>&1
	EOF
	local s p
	s=$(section memory)
	assertNotContains "64 MiB held under --memory 32m (stderr: $err)" "$s" "survived"
	assertContains "killed by SIGKILL" "$s" "status=137"
	# (podman's State.OOMKilled stays false here with runc as well:
	# conmon misses the event on this host; the kernel's count tells)
	echo "$s" | grep -q '^oom_kill=[1-9]' ||
		fail "the kernel counted no OOM kill in the cgroup: $s"
	s=$(section readback)
	assertContains "memory limit" "$s" "memory=33554432"
	case $s in
	*"cpu=50000 100000"*) ;;
	*) fail "cpu quota is not half a period: $s" ;;
	esac
	assertContains "pids limit" "$s" "pids=10"
	p=$(section cpu | sed -n 's/^permille=//p')
	if [ -z "$p" ] || [ "$p" -gt 600 ] || [ "$p" -lt 300 ]; then
		fail "two busy loops under --cpus 0.5 got $p/1000 of a CPU"
	fi
	assertContains "fork hits EAGAIN under --pids-limit 10" "$(section pids)" \
		"Resource temporarily unavailable"
}

# --read-only: the root read-only, /run, /tmp and /var/tmp tmpfs that
# start with the image's files (podman's "tmpcopyup", done by pivot);
# --read-only-tmpfs=false: no tmpfs at all; --tmpfs with size and mode.
test_podman_read_only_root_and_tmpfs_mounts() {
	need_podman || return 0
	podman_test rofs <<-'EOF' || return 0
	# mnt DIR: "DIR TYPE" if DIR is a mount point, else "DIR none"
	S='mnt() { awk -v d="$1" "\$5 == d { t = \$(NF - 2); for (i = 7; i <= NF; i++) if (\$i == \"-\") t = \$(i + 1) } END { print d, (t ? t : \"none\") }" /proc/self/mountinfo; }'
	echo "== read-only"
	$P run --rm --read-only --network none boxtest/busybox sh -c "$S"'
		touch /x 2>&1; mnt /run; mnt /tmp; mnt /var/tmp
		cat /var/tmp/from-image; echo w >/tmp/w && echo tmp-writable
		stat -c "%a" /tmp'
	echo "== no-tmpfs"
	$P run --rm --read-only --read-only-tmpfs=false --network none boxtest/busybox sh -c "$S"'
		mnt /tmp; mnt /var/tmp; { echo w >/tmp/w; } 2>&1'
	echo "== tmpfs"
	$P run --rm --tmpfs /scratch:size=1m,mode=1777 --network none boxtest/busybox sh -c "$S"'
		mnt /scratch; stat -c "%a" /scratch; df -k /scratch | awk "NR == 2 { print \"size=\" \$2 }"
		head -c 2097152 /dev/zero >/scratch/big 2>/dev/null; echo "big=$(wc -c </scratch/big)"; touch /y && echo root-writable'
	EOF
	local s b
	s=$(section read-only)
	assertContains "root read-only (stderr: $err)" "$s" "touch: /x: Read-only file system"
	assertContains "/run a tmpfs" "$s" "/run tmpfs"
	assertContains "/tmp a tmpfs" "$s" "/tmp tmpfs"
	assertContains "/var/tmp a tmpfs" "$s" "/var/tmp tmpfs"
	assertContains "tmpcopyup: the image's /var/tmp in its tmpfs" "$s" "image-var-tmp"
	assertContains "/tmp writable" "$s" "tmp-writable"
	assertContains "tmpcopyup: /tmp keeps the image's mode" "$s" "1777"
	s=$(section no-tmpfs)
	assertContains "--read-only-tmpfs=false: no tmpfs on /tmp" "$s" "/tmp none"
	assertContains "--read-only-tmpfs=false: no tmpfs on /var/tmp" "$s" "/var/tmp none"
	assertContains "--read-only-tmpfs=false: /tmp read-only" "$s" "Read-only file system"
	s=$(section tmpfs)
	assertContains "--tmpfs mounted" "$s" "/scratch tmpfs"
	assertContains "--tmpfs mode" "$s" "$(printf '/scratch tmpfs\n1777')"
	assertContains "--tmpfs size" "$s" "size=1024"
	b=$(echo "$s" | sed -n 's/^big=//p')
	if [ -z "$b" ] || [ "$b" -gt 1048576 ]; then
		fail "2 MiB written to a 1m --tmpfs kept $b bytes"
	fi
	assertContains "root writable without --read-only" "$s" "root-writable"
}

# -v HOSTDIR:/data and :ro, --cap-add, --user with --group-add,
# --hostname, -e, -w: each seen from inside the container.
test_podman_volumes_capabilities_user_and_environment() {
	need_podman || return 0
	mkdir -p "$BOX_TMP/vol" "$BOX_TMP/rovol"
	echo from-host >"$BOX_TMP/rovol/f"
	VOL=$BOX_TMP/vol ROVOL=$BOX_TMP/rovol podman_test ident <<-'EOF' || return 0
	echo "== volumes"
	$P run --rm -v "$VOL:/data" -v "$ROVOL:/ro:ro" --network none boxtest/busybox sh -c '
		echo written-inside >/data/new; cat /ro/f; { echo x >/ro/g; } 2>&1'
	echo "== caps"
	$P run --rm --cap-add NET_ADMIN --network none boxtest/busybox sh -c '
		echo "eff=$(awk "/^CapEff:/ { print \$2 }" /proc/self/status)"
		ip addr add 10.9.9.9/32 dev lo 2>&1 && echo net-admin-works'
	$P run --rm --network none boxtest/busybox sh -c '
		ip addr add 10.9.9.9/32 dev lo 2>&1 || echo without-net-admin-refused'
	echo "== user"
	$P run --rm --user 1000:1000 --group-add 5 --group-add 7 --network none \
		boxtest/busybox sh -c 'id -u; id -g; id -G; grep -E "^Cap(Eff|Bnd):" /proc/self/status'
	echo "== env"
	$P run --rm --hostname boxhost -e FOO=bar -w /tmp --network none \
		boxtest/busybox sh -c 'hostname; echo "FOO=$FOO"; pwd'
	EOF
	local s
	s=$(section volumes)
	assertEquals "-v: a file written inside is on the host (stderr: $err)" \
		written-inside "$(cat "$BOX_TMP/vol/new" 2>/dev/null)"
	assertContains "-v :ro: the host's file" "$s" "from-host"
	assertContains "-v :ro refuses writes" "$s" "Read-only file system"
	assertFalse "nothing written through :ro" "[ -e '$BOX_TMP/rovol/g' ]"
	s=$(section caps)
	# CAP_NET_ADMIN is bit 12
	case $s in
	*"eff="*) [ $((0x$(echo "$s" | sed -n 's/^eff=//p') >> 12 & 1)) = 1 ] ||
		fail "CAP_NET_ADMIN not in CapEff: $s" ;;
	*) fail "no CapEff: $s" ;;
	esac
	assertContains "--cap-add NET_ADMIN: an address can be added" "$s" "net-admin-works"
	assertContains "without it: refused" "$s" "without-net-admin-refused"
	s=$(section user)
	assertContains "--user, --group-add" "$s" "$(printf '1000\n1000\n')"
	echo " $(echo "$s" | sed -n 3p) " | grep -q ' 5 ' &&
		echo " $(echo "$s" | sed -n 3p) " | grep -q ' 7 ' ||
		fail "--group-add 5 7 not in the groups: $s"
	assertContains "a non-root user has no effective capabilities" "$s" \
		"$(printf 'CapEff:\t0000000000000000')"
	assertNotContains "... but the bounding set stays" "$s" \
		"$(printf 'CapBnd:\t0000000000000000')"
	assertEquals "--hostname, -e, -w" "$(printf 'boxhost\nFOO=bar\n/tmp')" "$(section env)"
}

# The default network: netavark (with aardvark-dns) inside this test's
# network namespace, a bridge, a veth into the container, and -p
# 8080:80 published; wget from the test's namespace reaches the
# container's httpd through 127.0.0.1:8080.
test_podman_default_network_publishes_a_port() {
	need_podman || return 0
	need_cmd ip wget || return 0
	if [ ! -x /usr/lib/podman/netavark ] && ! command -v netavark >/dev/null; then
		skip_test "needs netavark, which is not installed"
		return 0
	fi
	podman_test net <<-'EOF' || return 0
	ip link set lo up
	echo "== net"
	$P info --format 'backend={{.Host.NetworkBackend}}'
	$P run -d --name web -p 8080:80 boxtest/busybox httpd -f -p 80 -h /www >/dev/null
	echo "run=$?"
	i=0
	until wget -qO- -T 2 http://127.0.0.1:8080/ 2>/dev/null || [ $i -ge 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	$P exec web ip -o -4 addr show eth0 | awk '{ print "addr=" $4 }'
	$P rm -f -t 0 web >/dev/null && echo removed
	echo "links=$(ip -o link show | grep -c veth)"
	EOF
	local s
	s=$(section net)
	assertContains "netavark (stderr: $err)" "$s" "backend=netavark"
	assertContains "podman run -d -p" "$s" "run=0"
	assertContains "the published port reaches httpd in the container" "$s" "served-by-box-runtime"
	assertContains "the container has an address on podman's network" "$s" "addr=10.88."
	assertContains "removed" "$s" "removed"
	assertContains "no veth left" "$s" "links=0"
}

# What Podman sends that box-runtime translates, checked without Podman
# (create --print-chain): a tmpfs with tmpcopyup becomes pivot's
# --mount with it, on a bind it is refused by name; a non-root user may
# have narrower effective and permitted sets, root may not.
test_print_chain_tmpcopyup_and_non_root_capabilities() {
	need_root || return 0
	need_tool box-runtime || return 0
	need_cmd jq || return 0
	local b=$BOX_TMP/pc
	mkdir -p "$b/rootfs"
	box-runtime spec --bundle "$b"
	edit() {
		jq "$1" "$b/config.json" >"$b/c.json" && mv "$b/c.json" "$b/config.json"
	}
	edit '.mounts += [{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
		"options": ["rw", "nosuid", "nodev", "tmpcopyup"]}]
	      | .process.user = {"uid": 1000, "gid": 1000}
	      | .process.capabilities.effective = []
	      | .process.capabilities.permitted = ["CAP_KILL"]'
	run box-runtime --root "$BOX_TMP/st" create --bundle "$b" --print-chain pc
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "tmpcopyup to pivot" "$out" " --mount=tmpfs:tmpfs:/tmp:rw,nosuid,nodev,tmpcopyup "
	assertContains "bounding set kept for the non-root user" "$out" \
		" --user=1000:1000 --clear-groups --caps=CAP_AUDIT_WRITE,CAP_KILL,CAP_NET_BIND_SERVICE "
	edit '.process.capabilities.permitted = ["CAP_SYS_ADMIN"]'
	assert_bad_input box-runtime --root "$BOX_TMP/st" create --bundle "$b" --print-chain pc
	assertContains "permitted beyond bounding" "$err" "effective and permitted differ from bounding"
	edit '.process.capabilities.permitted = [] | .process.user.uid = 0'
	assert_bad_input box-runtime --root "$BOX_TMP/st" create --bundle "$b" --print-chain pc
	assertContains "root: the sets must be equal" "$err" "effective and permitted differ from bounding"
	edit '.process.capabilities.permitted = .process.capabilities.bounding
	      | .process.capabilities.effective = .process.capabilities.bounding
	      | .mounts += [{"destination": "/data", "type": "bind", "source": "/srv",
		"options": ["rbind", "tmpcopyup"]}]'
	assert_bad_input box-runtime --root "$BOX_TMP/st" create --bundle "$b" --print-chain pc
	assertContains "tmpcopyup on a bind refused by name" "$err" \
		"options: 'tmpcopyup' on a mount that is no tmpfs: not supported"
	assertFalse "no state made" "[ -e '$BOX_TMP/st/pc' ]"
}

box_run_suite
