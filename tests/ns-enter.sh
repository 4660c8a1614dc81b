#!/bin/bash
# tests/ns-enter.sh - ns-enter really joins: the namespace inodes seen from
# inside equal the target's, for processes made by util-linux unshare, a
# crun container, an `ip netns` name; user namespaces entered first or
# last as privilege requires; --root/--wd/--env/--join-cgroup take the
# target's; --pty keeps the caller's terminal out of reach; a gone or
# recycled PID is an error; bad input is one line, 125, and changes nothing.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

NSE=$BOX_BIN/ns-enter
NS_TYPES="mnt uts ipc net pid cgroup"
_pids=

suite_setup() {
	[ -x "$NSE" ] || { echo "ns-enter not built at $NSE" >&2; return 1; }
	[ -e /proc/self/ns/time ] && NS_TYPES="$NS_TYPES time"
	return 0
}

# Every process a test started, and what it forked, is killed by its
# PID when the test ends.
tearDown() {
	kill_started
}

# start_forked CMD...: CMD is `unshare ... --fork prog`; $tpid becomes the
# forked child, the process that is inside every new namespace.
start_forked() {
	local parent
	start "$@"
	parent=$tpid
	wait_for "[ -n \"\$(cat /proc/$parent/task/$parent/children)\" ]" ||
		{ fail "unshare made no child"; return 1; }
	tpid=$(cat "/proc/$parent/task/$parent/children")
	tpid=${tpid%% *}
	_pids="$_pids $tpid"
	# the child has exec'd its program once its ns differ from its parent
	wait_for "[ \"\$(readlink /proc/$tpid/exe)\" != \"\$(readlink /proc/$parent/exe)\" ]"
}

# inodes_of PID|self TYPES: "type inode" lines, as the named process sees them.
inodes_of() {
	local n
	for n in $2; do
		echo "$n $(stat -L -c %i "/proc/$1/ns/$n")"
	done
}

# The script that prints the inodes from inside.
inside_script() {
	echo "for n in $1; do echo \"\$n \$(stat -L -c %i /proc/self/ns/\$n)\"; done"
}

# --- entering -------------------------------------------------------------

test_all_joins_every_namespace_of_an_unshare_process() {
	local extra=
	[ -e /proc/self/ns/time ] && extra=-T
	start_forked unshare -m -u -i -n -p -C $extra --fork sleep 60 || return
	run "$NSE" -t "$tpid" -a sh -c "$(inside_script "$NS_TYPES")"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "inodes inside equal the target's" \
		"$(inodes_of "$tpid" "$NS_TYPES")" "$out"
	# and they are not ours: the test would pass vacuously otherwise
	assertNotEquals "target's namespaces differ from ours" \
		"$(inodes_of self "$NS_TYPES")" "$out"
}

test_one_option_enters_only_that_namespace() {
	start_forked unshare -u -n --fork sleep 60 || return
	run "$NSE" -t "$tpid" -n sh -c "$(inside_script "net uts")"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "net is the target's, uts stays ours" \
		"net $(ns_ino "$tpid" net)
uts $(ns_ino self uts)" "$out"
}

test_namespace_files_are_entered() {
	start_forked unshare -u -n --fork sleep 60 || return
	run "$NSE" --net="/proc/$tpid/ns/net" -u"/proc/$tpid/ns/uts" \
		sh -c "$(inside_script "net uts")"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "inodes from the files" "$(inodes_of "$tpid" "net uts")" "$out"
}

test_pid_namespace_forks_and_prog_is_inside() {
	start_forked unshare -p -m --mount-proc --fork sleep 60 || return
	run "$NSE" -t "$tpid" -p sh -c 'echo $$; stat -L -c %i /proc/self/ns/pid'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "prog is a child inside: a small PID, the target's ns" \
		"2 $(ns_ino "$tpid" pid)" "$(echo $out)"
	# --no-fork: prog stays in our PID namespace, its children go in
	run "$NSE" -t "$tpid" -p -F sh -c \
		'stat -L -c %i /proc/$$/ns/pid /proc/$$/ns/pid_for_children'
	assertEquals "--no-fork (stderr: $err)" \
		"$(ns_ino self pid) $(ns_ino "$tpid" pid)" "$(echo $out)"
}

test_netns_name_from_ip_netns() {
	need_cmd ip || return 0
	# A private mount namespace with its own tmpfs on /run, so the
	# netns and its bind mount never appear on the host.
	run unshare -m --propagation private sh -c '
		mount -t tmpfs boxtest /run || exit 99
		ip netns add boxtest-nse || exit 98
		a=$(stat -L -c %i /run/netns/boxtest-nse)
		b=$("$0" --netns boxtest-nse stat -L -c %i /proc/self/ns/net) || exit 97
		ip netns delete boxtest-nse
		echo "$a $b $(stat -L -c %i /proc/self/ns/net)"' "$NSE"
	assertEquals "status (stderr: $err)" 0 "$rc"
	set -- $out
	assertEquals "--netns NAME enters /run/netns/NAME" "$1" "$2"
	assertNotEquals "and it is not our own" "$1" "$3"
}

test_crun_container() {
	need_cmd crun || return 0
	local b=$BOX_TMP/crun state=$BOX_TMP/crun-state id=boxtest-nse-$$ cpid
	make_busybox_rootfs "$b/rootfs" || { skip_test "no busybox"; return 0; }
	echo marker >"$b/rootfs/etc/boxtest-marker"
	cat >"$b/config.json" <<-'EOF'
	{
	  "ociVersion": "1.0.0",
	  "process": {
	    "terminal": false,
	    "user": { "uid": 0, "gid": 0 },
	    "args": [ "sleep", "60" ],
	    "env": [ "PATH=/bin:/sbin", "BOXTEST_CRUN=inside" ],
	    "cwd": "/etc",
	    "capabilities": {
	      "bounding": [ "CAP_KILL" ], "effective": [ "CAP_KILL" ],
	      "permitted": [ "CAP_KILL" ]
	    },
	    "noNewPrivileges": true
	  },
	  "root": { "path": "rootfs", "readonly": true },
	  "hostname": "boxtest-crun",
	  "mounts": [
	    { "destination": "/proc", "type": "proc", "source": "proc" },
	    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
	      "options": [ "nosuid", "mode=755", "size=1024k" ] },
	    { "destination": "/dev/pts", "type": "devpts", "source": "devpts",
	      "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666" ] }
	  ],
	  "linux": {
	    "namespaces": [
	      { "type": "pid" }, { "type": "network" }, { "type": "ipc" },
	      { "type": "uts" }, { "type": "mount" }, { "type": "cgroup" }
	    ]
	  }
	}
	EOF
	# crun refuses a hybrid cgroup host: hide cgroup2 in a private mount
	# namespace; --cgroup-manager=disabled keeps it out of every cgroup
	# tree (the container stays in ours).
	unshare -m --propagation private sh -c '
		if grep -q " /sys/fs/cgroup/unified " /proc/self/mountinfo; then
			umount /sys/fs/cgroup/unified || exit 1
		fi
		exec crun --root "$1" --cgroup-manager=disabled run -d \
			--pid-file "$2/pid" -b "$2" "$3"' sh "$state" "$b" "$id" \
		>"$BOX_TMP/crun.log" 2>&1
	if [ ! -s "$b/pid" ]; then
		skip_test "crun cannot run a container here: $(tail -1 "$BOX_TMP/crun.log")"
		return 0
	fi
	cpid=$(cat "$b/pid")
	run "$NSE" -t "$cpid" -a sh -c "$(inside_script "$NS_TYPES")"
	local ins=$out insrc=$rc want
	want=$(inodes_of "$cpid" "$NS_TYPES")
	run "$NSE" -t "$cpid" -a -r -w -e sh -c \
		'hostname; pwd; cat /etc/boxtest-marker; echo $BOXTEST_CRUN'
	crun --root "$state" kill "$id" KILL >/dev/null 2>&1
	wait_for "! alive $cpid" 40
	crun --root "$state" delete -f "$id" >/dev/null 2>&1
	assertEquals "status" 0 "$insrc"
	assertEquals "the container's namespaces" "$want" "$ins"
	assertEquals "its hostname, cwd, root, environment (stderr: $err)" \
		"boxtest-crun /etc marker inside" "$(echo $out)"
	assertFalse "container gone" "alive $cpid"
}

# --- user namespaces --------------------------------------------------------

test_unprivileged_user_enters_its_user_namespace_first() {
	need_userns || return 0
	start setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -U -r -n sleep 60
	wait_for "[ \$(stat -L -c %i /proc/$tpid/ns/net) != $(ns_ino self net) ]"
	# Files force one setns per namespace: the net ns is owned by the
	# target's user ns, so only entering that first gives the right.
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$NSE" --user="/proc/$tpid/ns/user" --net="/proc/$tpid/ns/net" \
		sh -c "id -u; $(inside_script "user net")"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "root inside, the target's user and net ns" \
		"0
$(inodes_of "$tpid" "user net")" "$out"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$NSE" -t "$tpid" -a sh -c "id -u; $(inside_script "user net")"
	assertEquals "--all (stderr: $err)" \
		"0
$(inodes_of "$tpid" "user net")" "$out"
}

test_privileged_caller_enters_user_namespace_last() {
	need_root || return 0
	need_userns || return 0
	# net ns made first, by root: owned by the initial user namespace;
	# the user namespace made after it inside.
	start unshare -n sh -c 'exec unshare -U -r sleep 60'
	wait_for "[ \$(stat -L -c %i /proc/$tpid/ns/user) != $(ns_ino self user) ]"
	wait_for "[ \$(stat -L -c %i /proc/$tpid/ns/net) != $(ns_ino self net) ]"
	# Entered user-first, the net ns would be out of reach (EPERM).
	run "$NSE" --user="/proc/$tpid/ns/user" --net="/proc/$tpid/ns/net" \
		sh -c "id -u; $(inside_script "user net")"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "root inside, the target's user and net ns" \
		"0
$(inodes_of "$tpid" "user net")" "$out"
}

test_credentials_in_a_user_namespace() {
	need_root || return 0
	need_userns || return 0
	start unshare -U --map-user=1000 --map-group=1000 sleep 60
	wait_for "[ \$(stat -L -c %i /proc/$tpid/ns/user) != $(ns_ino self user) ]"
	# Only 1000 is mapped there, to our uid 0.  Asked for, an unmapped
	# uid is an error; by default, 0 being unmapped, we keep our own.
	assert_bad_input "$NSE" -t "$tpid" -U -S 0 id -u
	assertContains "says the uid is unmapped" "$err" "not mapped"
	run "$NSE" -t "$tpid" -U id -u
	assertEquals "default keeps our uid, unmapped 0 (stderr: $err)" 1000 "$out"
	run "$NSE" -t "$tpid" -U -S 1000 -G 1000 sh -c 'id -u; id -g'
	assertEquals "-S/-G (stderr: $err)" "1000 1000" "$(echo $out)"
	run "$NSE" -t "$tpid" -U --preserve-credentials id -u
	assertEquals "--preserve-credentials (stderr: $err)" 1000 "$out"
	# where 0 is mapped, the default is root there
	start unshare -U --map-root-user sleep 60
	wait_for "[ \$(stat -L -c %i /proc/$tpid/ns/user) != $(ns_ino self user) ]"
	run "$NSE" -t "$tpid" -U sh -c 'id -u; id -g'
	assertEquals "default uid/gid 0 (stderr: $err)" "0 0" "$(echo $out)"
}

test_bubblewrap_sandbox_as_its_user() {
	need_cmd bwrap || return 0
	need_userns || return 0
	local p c sb
	# bwrap maps only its user's ids, and runs the program as PID 2
	# under its own PID 1: the sandboxed sleep is its grandchild.
	start setpriv --reuid=65534 --regid=65534 --clear-groups \
		bwrap --unshare-all --unshare-user --ro-bind / / --dev /dev \
		--proc /proc --tmpfs /tmp sleep 60
	p=$tpid
	wait_for "[ -n \"\$(cat /proc/$p/task/$p/children)\" ]" ||
		{ fail "bwrap made no child"; return; }
	c=$(cat /proc/$p/task/$p/children)
	c=${c%% *}
	wait_for "[ -n \"\$(cat /proc/$c/task/$c/children)\" ]" ||
		{ fail "bwrap ran no program"; return; }
	sb=$(cat /proc/$c/task/$c/children)
	sb=${sb%% *}
	wait_for "[ \"\$(readlink /proc/$sb/exe)\" != \"\$(readlink /proc/$c/exe)\" ]"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$NSE" -t "$sb" -a sh -c "id -u; $(inside_script "user mnt net pid")"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "its namespaces, as its own (only mapped) uid" \
		"65534
$(inodes_of "$sb" "user mnt net pid")" "$out"
}

test_user_namespace_of_another_user_is_refused() {
	need_root || return 0
	need_userns || return 0
	start setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -U -r sleep 60
	wait_for "[ \$(stat -L -c %i /proc/$tpid/ns/user 2>/dev/null) != $(ns_ino self user) ]"
	run setpriv --reuid=1000 --regid=1000 --clear-groups \
		"$NSE" -t "$tpid" -U true
	assertEquals "status" 125 "$rc"
	assertEquals "one line" 1 "$(echo "$err" | wc -l)"
	assertContains "names the cause" "$err" "ns-enter: "
	assertContains "names the cause" "$err" "another user"
}

# --- root, cwd, environment, cgroup ----------------------------------------

test_root_and_wd_of_the_target() {
	local r=$BOX_TMP/root
	make_busybox_rootfs "$r" || { skip_test "no busybox"; return 0; }
	mkdir -p "$r/srv/work"
	echo in-root >"$r/boxtest-marker"
	start unshare -m --propagation private \
		chroot "$r" /bin/sh -c 'cd /srv/work && exec sleep 60'
	wait_for "[ \"\$(readlink /proc/$tpid/cwd)\" = /srv/work ] ||
		[ \"\$(readlink /proc/$tpid/exe)\" = /bin/busybox ]"
	wait_for "[ \"\$(readlink /proc/$tpid/root)\" = $r ] &&
		[ \"\$(readlink /proc/$tpid/exe)\" = /bin/busybox ]"
	run "$NSE" -t "$tpid" -m -r -w /bin/sh -c 'pwd; cat /boxtest-marker'
	assertEquals "target's root and cwd (stderr: $err)" "/srv/work in-root" \
		"$(echo $out)"
	# without -w, the new root's /
	run "$NSE" -t "$tpid" -r /bin/sh -c 'pwd; cat /boxtest-marker'
	assertEquals "-r alone (stderr: $err)" "/ in-root" "$(echo $out)"
	# explicit directories, opened in our namespaces
	run "$NSE" --root="$r" --wd="$r/srv" /bin/sh -c 'pwd; cat /boxtest-marker'
	assertEquals "--root=DIR --wd=DIR (stderr: $err)" "/srv in-root" "$(echo $out)"
}

test_env_copies_the_target_environment() {
	start env -i BOXTEST_THEIRS=target-$$ PATH=/usr/bin:/bin sleep 60
	wait_for "grep -q BOXTEST_THEIRS /proc/$tpid/environ"
	BOXTEST_OURS=1 run "$NSE" -t "$tpid" -e -u env
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "exactly the target's environment" \
		"BOXTEST_THEIRS=target-$$ PATH=/usr/bin:/bin" "$(echo "$out" | sort | paste -sd ' ')"
}

# A v1 hierarchy where this test process is not in the root cgroup, so
# the test's cgroups go beneath our own: "HIERARCHY-ID MOUNT PATH".
v1_test_hierarchy() {
	local id ctrl path mnt
	while IFS=: read -r id ctrl path; do
		[ -n "$ctrl" ] && [ "$path" != / ] || continue
		case $ctrl in name=*) continue ;; esac
		mnt=$(awk -v c="$ctrl" '$9 == "cgroup" {
			n = split($NF, o, ","); for (i = 1; i <= n; i++)
				if (o[i] == c) print $5 }' /proc/self/mountinfo | head -1)
		[ -n "$mnt" ] && [ -w "$mnt$path" ] && { echo "$id $mnt $path"; return 0; }
	done </proc/self/cgroup
	return 1
}

test_join_cgroup_moves_into_the_target_cgroup() {
	need_root || return 0
	local h id mnt path dir
	if ! h=$(v1_test_hierarchy); then
		skip_test "no cgroup v1 hierarchy with a non-root cgroup of ours to make a test cgroup beneath"
		return 0
	fi
	set -- $h
	id=$1 mnt=$2 path=$3
	dir=$mnt$path/boxtest-ns-enter.$$
	mkdir -p "$dir/target" || { fail "cannot make $dir"; return; }
	start sleep 60
	echo "$tpid" >"$dir/target/cgroup.procs"
	run "$NSE" -t "$tpid" --join-cgroup cat /proc/self/cgroup
	local joined=$rc got=$out
	run "$NSE" -t "$tpid" -u cat /proc/self/cgroup
	local plain=$out
	kill -KILL "$tpid"
	wait "$tpid" 2>/dev/null
	rmdir "$dir/target" "$dir"
	assertEquals "status" 0 "$joined"
	echo "$got" | grep -q "^$id:[^:]*:$path/boxtest-ns-enter.$$/target\$" ||
		fail "not in the target's cgroup: $got"
	echo "$plain" | grep -q "boxtest-ns-enter" &&
		fail "moved without --join-cgroup: $plain"
	assertFalse "test cgroup removed" "[ -d '$dir' ]"
}

# --- terminals --------------------------------------------------------------

# in_terminal SCRIPT: run bash -c SCRIPT under script(1), on a pseudo-
# terminal, with an input that stays open (a FIFO we hold) until it ends.
in_terminal() {
	local f=$BOX_TMP/tty.$RANDOM
	mkfifo "$f"
	exec 7<>"$f"
	NSE=$NSE TPID=$tpid timeout 20 script -qec "bash -c '$1'" /dev/null <"$f" \
		>"$BOX_TMP/tty.out" 2>&1
	rc=$?
	exec 7>&-
	rm -f "$f"
	out=$(tr -d '\r' <"$BOX_TMP/tty.out")
}

test_pty_gives_prog_a_new_terminal() {
	need_cmd script || return 0
	start unshare -u sleep 60
	in_terminal 'echo caller $(readlink /proc/self/fd/0)
		"$NSE" -t "$TPID" -u --pty sh -c "echo prog \$(readlink /proc/self/fd/0); tty >/dev/null && echo ctty; exit 3"
		echo rc $?'
	local caller prog
	caller=$(echo "$out" | sed -n 's/^caller //p')
	prog=$(echo "$out" | sed -n 's/^prog //p')
	case $caller in /dev/pts/*) ;; *) skip_test "script gave no terminal: $out"; return 0 ;; esac
	assertContains "prog has a pty" "$prog" /dev/pts/
	assertNotEquals "not the caller's terminal" "$caller" "$prog"
	assertContains "prog's status passed on" "$out" "rc 3"
	assertContains "stdin is a terminal" "$out" "ctty"
}

test_pty_keeps_tiocsti_from_the_caller_terminal() {
	need_cmd script perl || return 0
	start unshare -u sleep 60
	# TIOCSTI (0x5412) pushes "echo INJECTED" into prog's terminal; the
	# caller then reads its terminal for a second.  Without --pty the
	# text lands in the caller's input (the control); with it, it must not.
	local inject='perl -e "ioctl(STDIN, 0x5412, \$_) for split //, qq(echo INJECTED\n)"'
	in_terminal '"$NSE" -t "$TPID" -u '"$inject"'
		read -t 1 line; echo "got:$line"'
	case $out in
	*"got:echo INJECTED"*) ;;
	*) skip_test "TIOCSTI does not reach the caller here either: $out"; return 0 ;;
	esac
	in_terminal '"$NSE" -t "$TPID" -u --pty '"$inject"'
		read -t 1 line; echo "got:$line"'
	assertContains "caller read nothing injected" "$out" "got:"
	assertNotContains "TIOCSTI reached the caller's terminal" "$out" "got:echo"
}

# --- exit status and signals ------------------------------------------------

test_exit_status_is_passed_on() {
	start_forked unshare -p --fork sleep 60 || return
	run "$NSE" -t "$tpid" -p sh -c 'exit 7'
	assertEquals "prog's status through the fork" 7 "$rc"
	run "$NSE" -t "$tpid" -p sh -c 'kill -TERM $$'
	assertEquals "128+SIGTERM" 143 "$rc"
	run "$NSE" -t "$tpid" -p /nonexistent/prog
	assertEquals "not found" 127 "$rc"
	run "$NSE" -t "$tpid" -p /etc
	assertEquals "not runnable" 126 "$rc"
	run "$NSE" -t "$tpid" -F -p sh -c 'exit 9'
	assertEquals "no fork: exec'd directly" 9 "$rc"
}

test_signals_are_forwarded_to_the_child() {
	start_forked unshare -p --fork sleep 60 || return
	local ready=$BOX_TMP/ready.$$ p sig code
	for sig in TERM HUP USR1; do
		rm -f "$ready"
		"$NSE" -t "$tpid" -p sh -c \
			"trap 'exit 42' $sig; touch $ready; sleep 30 & wait" \
			</dev/null >/dev/null 2>&1 &
		p=$!
		_pids="$_pids $p"
		wait_for "[ -e $ready ]" || { fail "child never started"; return; }
		kill -"$sig" "$p"
		wait "$p"
		code=$?
		assertEquals "SIG$sig reached the child, which exited 42" 42 "$code"
	done
}

# --- a target that is gone ----------------------------------------------------

test_absent_pid_is_an_error() {
	local p
	sh -c 'exit 0' &
	p=$!
	wait "$p"
	[ -d "/proc/$p" ] && { skip_test "PID $p was reused at once"; return 0; }
	assert_bad_input "$NSE" -t "$p" -n true
	assertContains "says no such process" "$err" "no such process"
}

test_exited_target_is_an_error() {
	# A zombie: its child exits, and its exec'd sleep never reaps it.
	start sh -c 'sh -c "exit 0" & exec sleep 60'
	local z
	wait_for "[ -n \"\$(cat /proc/$tpid/task/$tpid/children)\" ]" ||
		{ fail "no child"; return; }
	z=$(cat "/proc/$tpid/task/$tpid/children")
	z=${z%% *}
	wait_for "! alive $z" || { fail "no zombie"; return; }
	assert_bad_input "$NSE" -t "$z" -n true
	assertContains "says the process exited" "$err" "exited"
	assert_bad_input "$NSE" -t "$z" -a true
	assertContains "--all says the process exited" "$err" "exited"
}

test_recycled_pid_is_caught_by_the_pidfd() {
	need_cmd strace || return 0
	start_forked unshare -n --fork sleep 60 || return
	# Make the pidfd report the target reaped after /proc/PID was read:
	# exactly what a PID recycled in between looks like.
	# (LeakSanitizer cannot run under ptrace: off for a SANITIZE build)
	ASAN_OPTIONS=detect_leaks=0 run strace -o /dev/null \
		-e inject=pidfd_send_signal:error=ESRCH \
		"$NSE" -t "$tpid" -n true
	assertEquals "status (stderr: $err)" 125 "$rc"
	assertEquals "one line" "ns-enter: process $tpid exited while entering it" "$err"
}

# --- bad input ----------------------------------------------------------------

test_bad_input_is_one_line_and_125() {
	start_forked unshare -u --fork sleep 60 || return
	local before after
	before=$(mount_snapshot)
	assert_bad_input "$NSE" --bogus-namespace true
	assert_bad_input "$NSE" -X true
	for p in abc -1 0 99999999 "" 12x; do
		assert_bad_input "$NSE" -t "$p" -n true
	done
	assert_bad_input "$NSE" --net=/nonexistent/boxtest true
	assert_bad_input "$NSE" --net=/etc/passwd true
	assertContains "non-ns file named" "$err" "not a namespace file"
	assert_bad_input "$NSE" --net="/proc/$tpid/ns/uts" true
	assertContains "wrong type named" "$err" "uts"
	assert_bad_input "$NSE" --netns ../etc true
	assert_bad_input "$NSE" --netns "" true
	assert_bad_input "$NSE" --netns x -t "$tpid" -n true
	assert_bad_input "$NSE" -n true
	assert_bad_input "$NSE" -t "$tpid"
	assert_bad_input "$NSE" -t "$tpid" -a -F --pty true
	assert_bad_input "$NSE" -t "$tpid" -u -S abc true
	assert_bad_input "$NSE" -t "$tpid" -u -G 4294967295 true
	assert_bad_input "$NSE" -t "$tpid" --root=/nonexistent/boxtest true
	assert_bad_input "$NSE" -t "$tpid" --wd=/etc/passwd true
	after=$(mount_snapshot)
	assertEquals "mount table unchanged" "$before" "$after"
}

test_nothing_left_behind() {
	start_forked unshare -m -u -n -p --fork sleep 60 || return
	local before after kids
	before=$(mount_snapshot)
	run "$NSE" -t "$tpid" -a true
	assertEquals "status (stderr: $err)" 0 "$rc"
	run "$NSE" -t "$tpid" -a sh -c 'sleep 0.1 & exit 0'
	after=$(mount_snapshot)
	assertEquals "mount table unchanged" "$before" "$after"
	kids=$(cat /proc/$$/task/$$/children)
	for p in $kids; do
		case " $_pids " in *" $p "*) ;; *)
			[ "$(readlink /proc/$p/exe 2>/dev/null)" = "$NSE" ] &&
				fail "ns-enter $p still running" ;;
		esac
	done
	# prog gets our fds, and none of ns-enter's own (pidfd, ns files)
	run sh -c 'ls /proc/self/fd'
	local ours=$out
	run "$NSE" -t "$tpid" -a sh -c 'ls /proc/self/fd'
	assertEquals "no fd of ns-enter leaks into prog" "$ours" "$out"
}

# --- --container (resolved as ns-list resolves; tests/ns-list.sh enters
# runc, crun, Podman, bubblewrap and boxutils containers by name) ---------

# start_named NAME: a container named by the hostname of its own UTS
# namespace; $tpid is its init (unshare --fork without a PID namespace
# is its own init).
start_named() {
	start unshare -u -n --fork sh -c 'hostname "$1" && exec sleep 60' sh "$1"
	wait_for "[ \"\$(cat /proc/$tpid/task/$tpid/children 2>/dev/null)\" != '' ] &&
		[ \"\$(readlink /proc/\$(cat /proc/$tpid/task/$tpid/children)/exe)\" != \"\$(readlink /proc/$tpid/exe)\" ]"
	# its child goes when the test ends, too
	_pids="$_pids $(cat "/proc/$tpid/task/$tpid/children")"
}

test_container_option_enters_by_name() {
	need_root || return 0
	start_named "boxtest-nse-one-$$"
	run "$NSE" --container "boxtest-nse-one-$$" -a sh -c \
		"hostname; $(inside_script "uts net")"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "its hostname and namespaces" "boxtest-nse-one-$$
$(inodes_of "$tpid" "uts net")" "$out"
	# the scan leaves no fd of its own (proc dirs, state files) to prog
	run sh -c 'ls /proc/self/fd'
	local ours=$out
	run "$NSE" --container "boxtest-nse-one-$$" -u sh -c 'ls /proc/self/fd'
	assertEquals "no fd of the scan leaks into prog" "$ours" "$out"
}

test_container_option_refuses_an_ambiguous_name() {
	need_root || return 0
	local a b
	start_named "boxtest-nse-dup-$$"
	a=$tpid
	start_named "boxtest-nse-dup-$$"
	b=$tpid
	assert_bad_input "$NSE" --container "boxtest-nse-dup-$$" -a true
	assertContains "says it is ambiguous" "$err" "2 containers match"
	assertContains "lists the first" "$err" "PID $a "
	assertContains "lists the second" "$err" "PID $b "
}

test_container_option_bad_input() {
	start_named "boxtest-nse-bad-$$"
	assert_bad_input "$NSE" --container "" -a true
	assert_bad_input "$NSE" --container "boxtest-nse-bad-$$" -t "$tpid" -a true
	assert_bad_input "$NSE" --container "boxtest-no-such-container-$$" -a true
	assertContains "names it" "$err" "boxtest-no-such-container-$$"
	assert_bad_input "$NSE" --container
}

box_run_suite
