#!/bin/bash
# tests/ns-unshare.sh - ns-unshare makes real namespaces: new inodes, PID 1,
# a private /proc, an isolated hostname, persisted namespaces that keep
# their inode, user namespace maps, time offsets, --init, --kill-child,
# the exit-code scheme, and bad input that changes nothing.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

NSU=$BOX_BIN/ns-unshare
TEST_USER=boxtest
_made_user=

suite_setup() {
	[ -x "$NSU" ] || { echo "ns-unshare not built at $NSU" >&2; return 1; }
	# A user with subordinate ids for --map-users=auto, made only if
	# absent and removed again in suite_teardown.
	if [ "$(id -u)" = 0 ] && ! getent passwd "$TEST_USER" >/dev/null &&
		command -v useradd >/dev/null && command -v newuidmap >/dev/null; then
		if useradd -M -N -d / -s /usr/sbin/nologin "$TEST_USER" 2>/dev/null; then
			_made_user=1
			usermod --add-subuids 300000-365535 --add-subgids 300000-365535 \
				"$TEST_USER" 2>/dev/null
		fi
	fi
	return 0
}

suite_teardown() {
	if [ -n "$_made_user" ]; then
		usermod --del-subuids 300000-365535 --del-subgids 300000-365535 \
			"$TEST_USER" 2>/dev/null
		userdel "$TEST_USER" 2>/dev/null
	fi
}

# Run a bash script in a private mount namespace made for the test, with
# a tmpfs on $T, so persisted namespaces and mounts never reach the host.
in_private_ns() {
	T=$BOX_TMP/p.$RANDOM
	mkdir -p "$T"
	NSU=$NSU T=$T unshare -m --propagation private bash -c '
		mount -t tmpfs boxtest "$T" || exit 99
		'"$1"
}

# --- namespaces are new ---------------------------------------------------

test_every_namespace_gets_a_new_inode() {
	local ns types="mnt uts ipc net pid cgroup user"
	[ -e /proc/self/ns/time ] && types="$types time"
	run "$NSU" -m -u -i -n -p -C -U -T --fork sh -c \
		"for n in $types; do echo \$n \$(stat -L -c %i /proc/self/ns/\$n); done"
	assertEquals "status (stderr: $err)" 0 "$rc"
	for ns in $types; do
		local inner outer
		inner=$(printf '%s\n' "$out" | awk -v n="$ns" '$1 == n {print $2}')
		outer=$(ns_ino self "$ns")
		assertNotEquals "$ns namespace inode" "" "$inner"
		assertNotEquals "$ns namespace is new" "$outer" "$inner"
	done
}

test_only_asked_namespaces_are_new() {
	run "$NSU" -n sh -c 'stat -L -c %i /proc/self/ns/net /proc/self/ns/uts'
	assertEquals 0 "$rc"
	assertNotEquals "net is new" "$(ns_ino self net)" "$(echo "$out" | sed -n 1p)"
	assertEquals "uts is the caller's" "$(ns_ino self uts)" "$(echo "$out" | sed -n 2p)"
}

test_pid_namespace_gets_pid_1() {
	run "$NSU" -p --fork sh -c 'echo $$'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "pid inside" 1 "$out"
}

test_pid_namespace_without_fork_puts_children_in_it_like_util_linux() {
	# util-linux allows -p without --fork: prog's first child is PID 1
	run "$NSU" -p sh -c 'sh -c "echo \$\$"'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "first child's pid" 1 "$out"
}

test_mount_proc_shows_only_the_namespace() {
	# the shell's own glob: no child process, so PID 1 alone
	run "$NSU" -p --fork --mount-proc sh -c 'cd /proc && echo [0-9]*'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "processes seen in the new /proc" 1 "$out"
	assertTrue "host /proc still shows us" "[ -d /proc/$$ ]"
}

test_mount_proc_on_another_dir_leaves_proc_alone() {
	mkdir -p "$BOX_TMP/myproc"
	run "$NSU" -p --fork --mount-proc="$BOX_TMP/myproc" sh -c \
		"cd $BOX_TMP/myproc && echo [0-9]*; [ -d /proc/$$ ] && echo host-proc"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "1 host-proc" "$(echo $out)"
	assertFalse "nothing left on the host" "grep -q ' $BOX_TMP/myproc ' /proc/self/mountinfo"
}

test_hostname_is_isolated() {
	local before
	before=$(hostname)
	run "$NSU" --hostname nsu-test-box sh -c 'hostname; cat /proc/sys/kernel/hostname'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "hostname inside" "nsu-test-box nsu-test-box" "$(echo $out)"
	assertEquals "host's hostname unchanged" "$before" "$(hostname)"
}

test_uts_alone_lets_prog_change_hostname_privately() {
	local before
	before=$(hostname)
	run "$NSU" -u sh -c 'hostname changed-inside && hostname'
	assertEquals "changed-inside" "$out"
	assertEquals "host's hostname unchanged" "$before" "$(hostname)"
}

# --- persisting -------------------------------------------------------------

test_persisted_net_namespace_keeps_its_inode() {
	need_root || return 0
	need_cmd nsenter || return 0
	run in_private_ns '
		"$NSU" --net="$T/net" --uts="$T/uts" --hostname kept sh -c \
			"stat -L -c %i /proc/self/ns/net" >"$T/inner" || exit 1
		sleep 0.2
		echo inner $(cat "$T/inner")
		echo file $(stat -c %i "$T/net")
		echo joined $(nsenter --net="$T/net" stat -L -c %i /proc/self/ns/net)
		echo host $(stat -L -c %i /proc/self/ns/net)
		echo uts $(nsenter --uts="$T/uts" hostname)'
	assertEquals "status (stderr: $err)" 0 "$rc"
	local inner file joined host
	inner=$(echo "$out" | awk '$1 == "inner" {print $2}')
	file=$(echo "$out" | awk '$1 == "file" {print $2}')
	joined=$(echo "$out" | awk '$1 == "joined" {print $2}')
	host=$(echo "$out" | awk '$1 == "host" {print $2}')
	assertNotEquals "inode" "" "$inner"
	assertEquals "the file is the namespace" "$inner" "$file"
	assertEquals "joined later, same namespace" "$inner" "$joined"
	assertNotEquals "not the host's" "$host" "$inner"
	assertContains "uts persisted with its hostname" "$out" "uts kept"
}

test_persisted_mount_and_pid_namespaces() {
	need_root || return 0
	need_cmd nsenter || return 0
	run in_private_ns '
		"$NSU" --mount="$T/mnt" --pid="$T/pid" --fork sh -c "
			mount -t tmpfs inner /mnt && touch /mnt/only-inside
			stat -L -c %i /proc/self/ns/pid" >"$T/pidino" || exit 1
		echo pid $(cat "$T/pidino") $(stat -c %i "$T/pid")
		nsenter --mount="$T/mnt" ls /mnt'
	assertEquals "status (stderr: $err)" 0 "$rc"
	local p
	p=$(echo "$out" | awk '$1 == "pid" {print $2, $3}')
	assertEquals "pid ns file is the namespace" "$(echo "$p" | cut -d" " -f1)" "$(echo "$p" | cut -d" " -f2)"
	assertContains "mount ns kept its tmpfs" "$out" "only-inside"
	assertFalse "nothing on the host's /mnt" "[ -e /mnt/only-inside ]"
}

test_failed_run_leaves_no_persist_file_or_mount() {
	need_root || return 0
	run in_private_ns '
		snap() { awk "{print \$5}" /proc/self/mountinfo | sort; }
		before=$(snap)
		touch "$T/existing"
		"$NSU" --net="$T/a" --pidfile "$T/pf1" --fork --mount-proc=/nonexistent true; echo rc1=$?
		mkfifo "$T/fifo"
		"$NSU" --net="$T/fifo" true; echo rc6=$?
		"$NSU" --pidfile "$T/fifo" true; echo rc7=$?
		rm "$T/fifo"
		"$NSU" --net="$T/same" --ipc="$T/same" true; echo rc8=$?
		"$NSU" --net="$T/b" --uts="$T/existing" --wd /nonexistent-wd true; echo rc2=$?
		"$NSU" --net="$T/c" --ipc="$T/d" --pid="$T/e" true; echo rc3=$?
		"$NSU" --net="$T/g" -T --boottime=-99999999999 true; echo rc5=$?
		ls "$T"
		[ "$before" = "$(snap)" ] && echo mounts-unchanged
		# exec failing (127) comes after the namespaces were made: kept
		"$NSU" --net="$T/f" --pidfile "$T/pf" --fork --root "$T" true; echo rc4=$?
		grep -c " $T/f " /proc/self/mountinfo'
	assertContains "$out" "rc1=125"
	assertContains "$out" "rc2=125"
	assertContains "$out" "rc3=125"
	assertContains "$out" "rc4=127"
	assertContains "$out" "rc5=125"
	assertContains "a FIFO is refused, not waited on" "$out" "rc6=125"
	assertContains "a FIFO pidfile is refused" "$out" "rc7=125"
	assertContains "two namespaces on one file refused" "$out" "rc8=125"
	assertContains "no stray bind mounts" "$out" "mounts-unchanged"
	assertEquals "only the file that was there before" "existing" "$(echo "$out" | grep -vE '^rc|mounts|^[0-9]' | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "a run that reached exec keeps its namespace" 1 "$(echo "$out" | tail -n 1)"
}

test_mount_namespace_persist_refuses_a_shared_mount() {
	need_root || return 0
	run in_private_ns '
		mount --make-shared "$T"
		"$NSU" --mount="$T/mnt" true; echo rc=$?
		ls "$T"; grep -c " $T/" /proc/self/mountinfo'
	assertContains "$out" "rc=125"
	assertContains "explains" "$err" "shared"
	assertEquals "one line" 1 "$(printf '%s\n' "$err" | grep -c .)"
	assertEquals "nothing made" "rc=125 0" "$(echo $out)"
}

test_propagation_modes() {
	need_root || return 0
	run in_private_ns '
		mount --make-shared "$T"
		for m in private slave shared unchanged; do
			echo $m $("$NSU" -m --propagation $m awk -v t="$T" \
				"\$5 == t { for (i = 7; \$i != \"-\"; i++) printf \"%s \", \$i }" \
				/proc/self/mountinfo)
		done'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "private" "private" "$(echo "$out" | grep '^private' | tr -d ' ')"
	assertContains "slave" "$(echo "$out" | grep '^slave')" "master:"
	assertNotContains "slave is not shared" "$(echo "$out" | grep '^slave')" "shared:"
	assertContains "shared" "$(echo "$out" | grep '^shared')" "shared:"
	assertContains "unchanged" "$(echo "$out" | grep '^unchanged')" "shared:"
}

# --- user namespaces --------------------------------------------------------

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

test_map_root_user_as_unprivileged() {
	need_userns || return 0
	run as_nobody "$NSU" -r sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "0 0 0 65534 1 0 65534 1 deny" "$(echo $out)"
}

test_map_current_user_and_explicit_ids() {
	need_userns || return 0
	run as_nobody "$NSU" -c sh -c 'id -u; cat /proc/self/uid_map'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "65534 65534 65534 1" "$(echo $out)"
	run as_nobody "$NSU" --map-user=5 --map-group=7 sh -c 'id -u; id -g; cat /proc/self/setgroups'
	assertEquals "5 7 deny" "$(echo $out)"
}

test_user_namespace_is_new_and_setgroups_denied() {
	need_userns || return 0
	run as_nobody "$NSU" -U --map-root-user -n sh -c \
		'stat -L -c %i /proc/self/ns/user; setpriv --groups=0 true 2>/dev/null && echo setgroups-worked; cat /proc/self/setgroups'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertNotEquals "user ns is new" "$(ns_ino self user)" "$(echo "$out" | sed -n 1p)"
	assertNotContains "setgroups(2) denied" "$out" "setgroups-worked"
	assertContains "$out" "deny"
}

test_unprivileged_setgroups_allow_with_single_map_is_refused() {
	need_userns || return 0
	run as_nobody "$NSU" -r --setgroups allow true
	assertEquals 125 "$rc"
	assertContains "$err" "deny"
}

test_map_users_auto_from_subuid() {
	need_userns || return 0
	need_cmd newuidmap newgidmap || return 0
	if ! grep -q "^$TEST_USER:" /etc/subuid 2>/dev/null; then
		skip_test "no user '$TEST_USER' with /etc/subuid ranges (made only as root with useradd)"
		return 0
	fi
	local u g start count
	u=$(id -u "$TEST_USER") g=$(id -g "$TEST_USER")
	start=$(awk -F: -v n="$TEST_USER" '$1 == n {print $2; exit}' /etc/subuid)
	count=$(awk -F: -v n="$TEST_USER" '$1 == n {print $3; exit}' /etc/subuid)
	run setpriv --reuid="$u" --regid="$g" --clear-groups "$NSU" -r \
		--map-users=auto --map-groups=auto sh -c 'id -u; cat /proc/self/uid_map'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "0 0 $u 1 1 $start $count" "$(echo $out)"
	# ranges that are not theirs: newuidmap refuses, one line, 125
	run setpriv --reuid="$u" --regid="$g" --clear-groups "$NSU" \
		--map-users=0:5000:10 true
	assertEquals 125 "$rc"
	assertEquals "one line" 1 "$(printf '%s\n' "$err" | grep -c .)"
	assertContains "$err" "newuidmap"
}

test_map_users_ranges_as_root() {
	need_root || return 0
	run "$NSU" --map-users=0:400000:1000 --map-users=2000:500000:10 \
		--map-groups=400000,0,1000 cat /proc/self/uid_map /proc/self/gid_map
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "0 400000 1000 2000 500000 10 0 400000 1000" "$(echo $out)"
}

test_eperm_says_why() {
	need_userns || return 0
	run as_nobody "$NSU" -n true
	assertEquals 125 "$rc"
	assertContains "hint about the capability" "$err" "CAP_SYS_ADMIN"
	assertEquals "one line" 1 "$(printf '%s\n' "$err" | grep -c .)"
}

# --- time -------------------------------------------------------------------

test_boottime_offset_shows_in_uptime() {
	need_ns time || return 0
	local host inner
	host=$(cut -d. -f1 /proc/uptime)
	run "$NSU" --boottime 100000 cat /proc/uptime
	assertEquals "status (stderr: $err)" 0 "$rc"
	inner=$(echo "$out" | cut -d. -f1)
	assertTrue "uptime $inner = $host + 100000" \
		"[ $((inner - host - 100000)) -ge 0 ] && [ $((inner - host - 100000)) -le 2 ]"
	run "$NSU" -T --fork --monotonic=-5 --boottime=-5 cat /proc/uptime
	inner=$(echo "$out" | cut -d. -f1)
	assertTrue "negative offset: $inner = $host - 5" \
		"[ $((host - inner)) -ge 4 ] && [ $((host - inner)) -le 7 ]"
}

# --- init, signals, exit codes ----------------------------------------------

test_init_is_pid_1_and_reaps_orphans() {
	# the payload's child leaves an orphan that becomes init's to reap
	run "$NSU" -p --init --mount-proc sh -c '
		sh -c "sleep 0.1 & exit 0"
		sleep 0.6
		cat /proc/1/comm
		for s in /proc/[0-9]*/stat; do awk "{print \$3}" $s; done | grep -c Z'
	assertEquals "status (stderr: $err)" 1 "$rc" # grep -c of nothing
	assertEquals "init is ours, no zombie" "ns-unshare 0" "$(echo $out)"
}

test_init_without_pid_namespace_is_a_subreaper() {
	# the orphan goes to ns-unshare, not to the host's init
	run "$NSU" --init sh -c '
		sh -c "sleep 1 & echo \$!" >"$0"
		sleep 0.2
		awk "{print \$4}" /proc/$(cat "$0")/stat
		echo $PPID' "$BOX_TMP/orphan"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "orphan's parent is the payload's parent" \
		"$(echo "$out" | sed -n 2p)" "$(echo "$out" | sed -n 1p)"
}

test_init_forwards_sigterm_to_the_payload() {
	local pid f=$BOX_TMP/term.$RANDOM
	"$NSU" -p --init sh -c "trap 'echo got-term >$f.got; exit 7' TERM; touch $f.ready; while :; do sleep 0.05; done" &
	pid=$!
	wait_for "[ -e $f.ready ]" || fail "payload did not start"
	kill -TERM "$pid"
	wait "$pid"
	assertEquals "status passed on" 7 $?
	assertEquals "payload's trap ran" got-term "$(cat "$f.got" 2>/dev/null)"
}

# (not SIGINT: a background job of a script starts with SIGINT ignored,
# and a shell cannot trap what it was started ignoring)
test_fork_forwards_sighup_and_sigusr1() {
	local pid sig f=$BOX_TMP/sig.$RANDOM
	for sig in HUP USR1; do
		"$NSU" --fork sh -c "trap 'echo $sig >$f.got; exit 9' $sig; touch $f.ready; while :; do sleep 0.05; done" &
		pid=$!
		wait_for "[ -e $f.ready ]" || fail "payload did not start"
		kill -"$sig" "$pid"
		wait "$pid"
		assertEquals "$sig: status" 9 $?
		assertEquals "$sig forwarded" "$sig" "$(cat "$f.got" 2>/dev/null)"
		rm -f "$f.ready" "$f.got"
	done
}

test_exit_codes() {
	printf 'not a program\n' >"$BOX_TMP/noexec"
	chmod 644 "$BOX_TMP/noexec"
	run "$NSU" -u sh -c 'exit 3'
	assertEquals "prog's status" 3 "$rc"
	run "$NSU" -u --fork sh -c 'exit 4'
	assertEquals "prog's status through fork" 4 "$rc"
	run "$NSU" -u no-such-program-xyz
	assertEquals "not found" 127 "$rc"
	run "$NSU" -u "$BOX_TMP/noexec"
	assertEquals "not executable" 126 "$rc"
	run "$NSU" -u --fork no-such-program-xyz
	assertEquals "not found through fork" 127 "$rc"
	run "$NSU" --fork sh -c 'kill -USR1 $$'
	assertEquals "killed by SIGUSR1" 138 "$rc"
	assertNotContains "$err" "sigprocmask"
	assertEquals "no message for a signal" "" "$err"
	run "$NSU" -p --init sh -c 'kill -KILL $$'
	assertEquals "payload under init killed by SIGKILL" 137 "$rc"
	run "$NSU" --no-such-option
	assertEquals "bad option" 125 "$rc"
}

test_kill_child_when_parent_is_killed() {
	local pid child opts
	# SIGTERM to a pid namespace's PID 1 is ignored unless it has a
	# handler: --init has one, and forwards it to the payload
	for opts in "--kill-child -p" "--kill-child=TERM -p --init" "--kill-child=TERM"; do
		# shellcheck disable=SC2086
		"$NSU" $opts sleep 30 &
		pid=$!
		wait_for "[ -n \"\$(pgrep -P $pid)\" ]" || fail "no child"
		child=$(pgrep -P "$pid")
		alive "$child" || fail "child not running"
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		wait_for "! alive $child" 40 || {
			fail "child $child outlived its parent ($opts)"
			kill -KILL "$child" 2>/dev/null
		}
	done
}

test_pidfile_holds_the_first_process_inside() {
	local pid f=$BOX_TMP/pidfile.$RANDOM inner
	"$NSU" -p --fork --pidfile "$f" sleep 5 &
	pid=$!
	wait_for "[ -s $f ]" || fail "no pidfile"
	inner=$(cat "$f")
	assertNotEquals "the child, not us" "$pid" "$inner"
	assertEquals "its parent is ns-unshare" "$pid" "$(awk '{print $4}' "/proc/$inner/stat")"
	assertEquals "PID 1 inside" 1 "$(awk '/^NSpid:/ {print $NF}' "/proc/$inner/status")"
	kill -KILL "$inner"
	wait "$pid" || :
	"$NSU" -u --pidfile "$f" sleep 5 &
	pid=$!
	wait_for "[ \"\$(cat $f 2>/dev/null)\" = $pid ]" || fail "without --fork the pidfile is our own pid"
	kill -TERM "$pid"
	wait "$pid" || :
}

test_root_and_wd() {
	need_root || return 0
	make_busybox_rootfs "$BOX_TMP/rootfs" || { skip_test "needs busybox-static"; return 0; }
	run "$NSU" --root "$BOX_TMP/rootfs" --wd /tmp /bin/sh -c 'pwd; ls /bin/busybox'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "/tmp /bin/busybox" "$(echo $out)"
	run "$NSU" -R "$BOX_TMP/rootfs" -p --fork --mount-proc /bin/sh -c 'cat /proc/1/comm; echo $$'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "proc inside the new root" "sh 1" "$(echo $out)"
	assertFalse "no proc left in the rootfs on the host" \
		"grep -q ' $BOX_TMP/rootfs/proc ' /proc/self/mountinfo"
}

# --- bad input --------------------------------------------------------------

test_bad_input_is_one_line_125_and_changes_nothing() {
	local before long a
	before=$(mount_snapshot)
	long=$(printf 'h%.0s' $(seq 65))
	for a in "--no-such-option" "--propagation=sideways" "--kill-child=NOSIG" \
		"--hostname=$long" "--hostname=" "--pidfile=$BOX_TMP/no/dir/pf" \
		"--map-users=1:2" "--map-users=0:1:0" "--map-users=a:b:c" \
		"--map-users=0:4294967295:2" "--map-groups=-1:0:1" \
		"--setgroups=maybe" "--monotonic=1.5" "--boottime=abc" \
		"--root=$BOX_TMP/none" "--wd=$BOX_TMP/none" "--net=" \
		"--map-user=no-such-user-xyz"; do
		assert_bad_input "$NSU" "$a" true
	done
	assert_bad_input "$NSU" --map-users=0:100000:10 --map-users=5:200000:10 true
	assert_bad_input "$NSU" --setgroups deny true
	assertEquals "mounts unchanged" "$before" "$(mount_snapshot)"
	assertFalse "no pidfile dir made" "[ -e $BOX_TMP/no ]"
}

# --detach: ns-unshare exits 0 once its child is set up, the child
# (the pidfile's PID, PID 1 of the new pid namespace) runs on alone.
test_detach_leaves_the_child_alone() {
	need_root || return 0
	local pid parent
	run ns-unshare --pid --mount --uts --domainname=boxdomain --detach \
		--pidfile "$BOX_TMP/detach.pid" sleep 30
	assertEquals "detach status (stderr: $err)" 0 "$rc"
	pid=$(cat "$BOX_TMP/detach.pid")
	assertTrue "child alive" "[ -d /proc/$pid ]"
	assertEquals "PID 1 inside" 1 "$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")"
	parent=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")
	assertNotEquals "ns-unshare is not its parent" ns-unshare "$(cat "/proc/$parent/comm")"
	assertEquals "domain name" boxdomain "$(nsenter -t "$pid" -u domainname)"
	kill -9 "$pid"
}

test_sysctl_is_set_in_the_new_namespaces_only() {
	need_root || return 0
	local host_fwd host_shm
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	host_shm=$(cat /proc/sys/kernel/shmmni)
	run ns-unshare --net --ipc --sysctl net.ipv4.ip_forward=$((1 - host_fwd)) \
		--sysctl kernel.shmmni=1234 \
		sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "inside" "$(printf '%s\n1234' $((1 - host_fwd)))" "$out"
	assertEquals "host ip_forward unchanged" "$host_fwd" "$(cat /proc/sys/net/ipv4/ip_forward)"
	assertEquals "host shmmni unchanged" "$host_shm" "$(cat /proc/sys/kernel/shmmni)"
}

test_sysctl_bad_input() {
	assert_bad_input ns-unshare --net --sysctl kernel.panic=1 true
	assert_bad_input ns-unshare --sysctl net.ipv4.ip_forward=1 true
	assert_bad_input ns-unshare --net --sysctl 'net/../x=1' true
	assert_bad_input ns-unshare --net --sysctl net.ipv4.ip_forward true
}

test_detach_bad_input() {
	assert_bad_input ns-unshare --pid --detach --init true
	assert_bad_input ns-unshare --pid --detach --kill-child true
	assert_bad_input ns-unshare --domainname= true
}

box_run_suite
