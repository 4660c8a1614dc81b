#!/bin/bash
# tests/ns-list.sh - ns-list finds real containers and names their
# runtime: a runc container and a crun one (bundles), a Podman one, a
# bubblewrap sandbox, a boxutils chain and a plain `unshare --fork`; each
# is entered by its name or ID with ns-enter --container, which resolves
# as ns-list does (the namespace inodes seen inside are the container's).
# The launcher outside the PID namespace is folded into its child's
# container; addresses are read through the container's network
# namespace; --tree nests; containers that exit mid-scan break nothing;
# bad input is one line, 125.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"
# shellcheck source=tests/lib-podman.sh
. "$(dirname "$0")/lib-podman.sh"

NSL=$BOX_BIN/ns-list
NSE=$BOX_BIN/ns-enter
_pids=

suite_setup() {
	[ -x "$NSL" ] || { echo "ns-list not built at $NSL" >&2; return 1; }
	cg_suite_setup
}

# runc and podman make $CG_T in the name=systemd hierarchy too, which
# cg_suite_teardown leaves alone (it holds no controller): empty by now.
suite_teardown() {
	local m own
	cg_suite_teardown
	m=$(awk '$9 == "cgroup" && $NF ~ /name=systemd/ { print $5; exit }' /proc/self/mountinfo)
	own=$(awk -F: '$2 == "name=systemd" { print $3 }' /proc/$$/cgroup)
	[ -n "$m" ] && [ -n "$CG_R" ] && [ -d "$m${own%/}/$CG_T" ] &&
		find "$m${own%/}/$CG_T" -depth -type d -exec rmdir {} \; 2>/dev/null
	return 0
}

# Every process a test started, and what it forked (the init an unshare
# --fork made), killed by its PID.
tearDown() {
	kill_started
}

# first_child PID: its first child, waited for.
first_child() {
	wait_for "[ -n \"\$(cat /proc/$1/task/$1/children 2>/dev/null)\" ]" || return 1
	local c
	c=$(cat "/proc/$1/task/$1/children")
	echo "${c%% *}"
}

# exec_done CHILD PARENT: CHILD runs a program other than PARENT's.
exec_done() {
	wait_for "[ \"\$(readlink /proc/$1/exe)\" != \"\$(readlink /proc/$2/exe)\" ]"
}

# row PID COLUMNS: ns-list's row for the container whose init is PID,
# blanks squeezed (numbers are right-aligned, so a short PID is padded)
row() {
	"$NSL" -n -o "$2" | awk -v p="$1" '$1 == p' | tr -s ' ' | sed 's/^ //'
}

# inodes_of PID TYPES / inside_script TYPES: as in tests/ns-enter.sh
inodes_of() {
	local n
	for n in $2; do
		echo "$n $(stat -L -c %i "/proc/$1/ns/$n")"
	done
}

inside_script() {
	echo "for n in $1; do echo \"\$n \$(stat -L -c %i /proc/self/ns/\$n)\"; done"
}

# assert_entered KEY PID TYPES: ns-enter --container KEY -a lands in PID's namespaces
assert_entered() {
	run "$NSE" --container "$1" -a sh -c "$(inside_script "$3")"
	assertEquals "ns-enter --container $1 status (stderr: $err)" 0 "$rc"
	assertEquals "ns-enter --container $1: the namespaces of $2" \
		"$(inodes_of "$2" "$3")" "$out"
}

# An OCI bundle of a busybox rootfs running `sleep 60` with hostname $2.
make_bundle() {
	local b=$1
	make_busybox_rootfs "$b/rootfs" || return 1
	cat >"$b/config.json" <<-EOF
	{
	  "ociVersion": "1.0.0",
	  "process": {
	    "terminal": false, "user": { "uid": 0, "gid": 0 },
	    "args": [ "sleep", "60" ], "env": [ "PATH=/bin:/sbin" ], "cwd": "/",
	    "capabilities": { "bounding": [ "CAP_KILL" ],
	      "effective": [ "CAP_KILL" ], "permitted": [ "CAP_KILL" ] },
	    "noNewPrivileges": true
	  },
	  "root": { "path": "rootfs", "readonly": true },
	  "hostname": "$2",
	  "mounts": [ { "destination": "/proc", "type": "proc", "source": "proc" } ],
	  "linux": {
	    $3
	    "namespaces": [ { "type": "pid" }, { "type": "network" },
	      { "type": "ipc" }, { "type": "uts" }, { "type": "mount" } ]
	  }
	}
	EOF
}

# --- runtimes ----------------------------------------------------------------

test_unshare_fork_is_one_container_with_its_launcher() {
	need_root || return 0
	local init
	start unshare -m -u -i -n -p --fork --mount-proc sleep 60
	init=$(first_child "$tpid") || { fail "unshare made no child"; return; }
	exec_done "$init" "$tpid"
	run "$NSL" -n -o PID,RUNTIME,LAUNCHER,NPROCS,NS
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "the container, with unshare as its launcher" \
		"$init unshare $tpid 2 ipc,uts,net,pid,mnt" \
		"$(awk -v p="$init" '$1 == p' <<<"$out" | tr -s ' ' | sed 's/^ //')"
	assertEquals "the launcher is no container of its own" "" \
		"$(awk -v p="$tpid" '$1 == p' <<<"$out")"
}

test_boxutils_chain_named_by_its_cgroup_and_entered() {
	need_root || return 0
	need_tool ns-unshare cg-create cg-exec || return 0
	local name=boxnl-$$ init
	cg-create $CG_R "$CG_T/$name" || { fail "cg-create"; return; }
	start cg-exec $CG_R "$CG_T/$name" ns-unshare -m -u -n -p -f \
		--hostname "h-$name" sleep 60
	init=$(first_child "$tpid") || { fail "ns-unshare made no child"; return; }
	exec_done "$init" "$tpid"
	assertEquals "runtime, name and hostname" "$init boxutils $name h-$name" \
		"$(row "$init" PID,RUNTIME,NAME,HOSTNAME | tr -s ' ')"
	assert_entered "$name" "$init" "mnt uts net pid"
	run "$NSE" --container "$name" -u hostname
	assertEquals "its hostname inside" "h-$name" "$out"
}

test_runc_container_by_its_state_directory() {
	need_root || return 0
	need_cmd runc || return 0
	local b=$BOX_TMP/runc id=boxtest-nsl-runc-$$ init
	# a relative cgroupsPath is runc's own cgroup's child in each
	# hierarchy: under this suite's $CG_T
	make_bundle "$b" "h-$id" "\"cgroupsPath\": \"${CG_T#/}/runc\"," ||
		{ skip_test "no busybox"; return 0; }
	(cd "$b" && runc run -d --pid-file "$b/pid" "$id") >"$BOX_TMP/runc.log" 2>&1
	if [ ! -s "$b/pid" ]; then
		skip_test "runc cannot run a container here: $(tail -1 "$BOX_TMP/runc.log")"
		return 0
	fi
	init=$(cat "$b/pid")
	assertEquals "runtime runc, its ID, named by its hostname" \
		"$init runc $id h-$id" "$(row "$init" PID,RUNTIME,ID,NAME | tr -s ' ')"
	assert_entered "$id" "$init" "mnt uts ipc net pid"
	runc kill "$id" KILL >/dev/null 2>&1
	wait_for "! alive $init" 40
	runc delete -f "$id" >/dev/null 2>&1
	assertFalse "runc state removed" "[ -e /run/runc/$id ]"
}

test_crun_container_by_its_state_directory() {
	need_root || return 0
	need_cmd crun || return 0
	local b=$BOX_TMP/crun id=boxtest-nsl-crun-$$ init
	make_bundle "$b" "h-$id" "" || { skip_test "no busybox"; return 0; }
	# crun refuses a hybrid cgroup host: hide cgroup2 in a private mount
	# namespace (as tests/ns-enter.sh does); --cgroup-manager=disabled
	# keeps it out of every cgroup tree.  Its state goes to /run/crun.
	unshare -m --propagation private sh -c '
		if grep -q " /sys/fs/cgroup/unified " /proc/self/mountinfo; then
			umount /sys/fs/cgroup/unified || exit 1
		fi
		exec crun --cgroup-manager=disabled run -d \
			--pid-file "$1/pid" -b "$1" "$2"' sh "$b" "$id" \
		>"$BOX_TMP/crun.log" 2>&1
	if [ ! -s "$b/pid" ]; then
		skip_test "crun cannot run a container here: $(tail -1 "$BOX_TMP/crun.log")"
		return 0
	fi
	init=$(cat "$b/pid")
	assertEquals "runtime crun, its ID, named by its hostname" \
		"$init crun $id h-$id" "$(row "$init" PID,RUNTIME,ID,NAME | tr -s ' ')"
	assert_entered "$id" "$init" "mnt uts ipc net pid"
	crun kill "$id" KILL >/dev/null 2>&1
	wait_for "! alive $init" 40
	crun delete -f "$id" >/dev/null 2>&1
	assertFalse "crun state removed" "[ -e /run/crun/$id ]"
}

# Podman runs in a mount, network and cgroup namespace of this test's
# own: tmpfs over /run, /var/lib/cni and /var/lib/containers, private
# --root and --runroot, --network none, and each cgroup hierarchy mounted
# again inside the cgroup namespace, so podman's /libpod_parent is in
# truth below $CG_T/podman.  containers.conf: this machine withholds
# CAP_SYS_RESOURCE, so the default ulimits must stay within the hard
# limits, or runc fails to set them.
test_podman_container_named_by_conmon() {
	need_root || return 0
	need_cmd podman conmon runc || return 0
	need_tool cg-create cg-exec || return 0
	local d=$BOX_TMP/podman name=boxnl-web-$$ init id ppid
	mkdir -p "$d"
	make_busybox_rootfs "$d/rootfs" || { skip_test "no busybox"; return 0; }
	tar -C "$d/rootfs" -cf "$d/busybox.tar" .
	podman_conf "$d" runc || { fail "podman_conf"; return; }
	cat >"$d/run.sh" <<-'EOF'
	d=$1 name=$2
	. "$d/prelude.sh"
	P="podman --root $d/root --runroot $d/runroot --storage-driver vfs
	   --cgroup-manager cgroupfs --events-backend file"
	$P import "$d/busybox.tar" boxtest/busybox >/dev/null || exit 1
	$P run -d --name "$name" --hostname "h-$name" --network none \
		boxtest/busybox sleep 60 >"$d/id" || exit 1
	$P inspect -f '{{.State.Pid}}' "$name" >"$d/pid.tmp" && mv "$d/pid.tmp" "$d/pid"
	# hold the namespaces until the test is done, then clean up inside
	while [ ! -e "$d/stop" ]; do sleep 0.1; done
	$P rm -f -t 0 "$name" >/dev/null
	$P rmi -f boxtest/busybox >/dev/null
	EOF
	cg-create $CG_R "$CG_T/podman" || { fail "cg-create"; return; }
	cg-exec $CG_R "$CG_T/podman" unshare -m -n -C --propagation private \
		sh "$d/run.sh" "$d" "$name" >"$d/log" 2>&1 &
	_pids="$_pids $!"
	local runner=$!
	wait_for "[ -s $d/pid ] || ! kill -0 $runner 2>/dev/null" 1200
	if [ ! -s "$d/pid" ]; then
		skip_test "podman cannot run a container here: $(grep -v '^$' "$d/log" | tail -1)"
		return 0
	fi
	init=$(cat "$d/pid")
	id=$(cat "$d/id")
	ppid=$(awk '{ print $4 }' "/proc/$init/stat")
	assertEquals "its parent is conmon" conmon "$(cat "/proc/$ppid/comm")"
	assertEquals "runtime podman, its ID and name" "$init podman $id $name" \
		"$(row "$init" PID,RUNTIME,ID,NAME | tr -s ' ')"
	assertContains "its cgroup is podman's" \
		"$(row "$init" PID,CGROUP)" "libpod-$id"
	assert_entered "$name" "$init" "mnt uts ipc net pid"
	assert_entered "${id:0:12}" "$init" "mnt uts ipc net pid"
	touch "$d/stop"
	wait_for "! kill -0 $runner 2>/dev/null" 400
	wait "$runner" 2>/dev/null
	assertFalse "podman removed its container" "alive $init"
}

test_bubblewrap_sandbox_named_by_its_hostname() {
	need_root || return 0
	need_cmd bwrap || return 0
	local c sb name=boxnl-bw-$$
	start bwrap --unshare-all --hostname "$name" --ro-bind / / --dev /dev \
		--proc /proc --tmpfs /tmp sleep 60
	c=$(first_child "$tpid") || { fail "bwrap made no child"; return; }
	sb=$(first_child "$c") || { fail "bwrap ran no program"; return; }
	exec_done "$sb" "$c"
	assertEquals "bwrap's PID 1 is the init; the sleep is in the set" \
		"$c bubblewrap $name 2" "$(row "$c" PID,RUNTIME,NAME,NPROCS | tr -s ' ')"
	assert_entered "$name" "$c" "mnt uts net pid user"
}

# The parents containerd, Docker, Podman, CRI-O, systemd-nspawn and LXC
# put above a container, played by a script run under their command
# lines (bash's exec -a): runtime, ID and name come from those words.
test_runtime_from_the_parent_command_line() {
	need_root || return 0
	local hex argv want init i=0
	hex=$(printf '%08x' $$ $$ $$ $$ $$ $$ $$ $$)
	# the monitor's script: one child in namespaces of its own
	cat >"$BOX_TMP/monitor" <<-'EOF'
	unshare -u -i sleep 60 &
	echo $! >"$PIDFILE"
	wait
	EOF
	while IFS='|' read -r argv want; do
		i=$((i + 1))
		# shellcheck disable=SC2086 # argv is words
		PIDFILE=$BOX_TMP/mon$i start bash -c 'exec -a "$0" bash "$@"' \
			${argv%% *} "$BOX_TMP/monitor" ${argv#* }
		wait_for "[ -s $BOX_TMP/mon$i ]" || { fail "no monitor for $argv"; continue; }
		init=$(cat "$BOX_TMP/mon$i")
		_pids="$_pids $init"
		wait_for "[ \$(stat -L -c %i /proc/$init/ns/ipc) != $(ns_ino self ipc) ] &&
			[ \"\$(cat /proc/$init/comm)\" = sleep ]"
		assertEquals "runtime, ID, name under: $argv" "$init $want" \
			"$(row "$init" PID,RUNTIME,ID,NAME | tr -s ' ')"
	done <<-EOF
	/usr/bin/containerd-shim-runc-v2 -namespace moby -id $hex -address /run/x|docker $hex -
	containerd-shim-runc-v2 -namespace k8s.io -id $hex|containerd $hex -
	/usr/bin/conmon --api-version 1 -c $hex -u $hex -n boxnl-web-$$ --exit-dir /run/libpod/exits|podman $hex boxnl-web-$$
	/usr/bin/conmon -c $hex -n k8s_app_boxnl-pod_default_0123_0 --exit-dir /var/run/crio/exits|cri-o $hex boxnl-pod/app
	systemd-nspawn -q -M boxnl-m-$$ -D /srv/m|systemd-nspawn - boxnl-m-$$
	systemd-nspawn -D /var/lib/machines/boxnl-d-$$|systemd-nspawn - boxnl-d-$$
	lxc-start -F -n boxnl-l-$$|lxc - boxnl-l-$$
	EOF
}

# A state file is believed only when it is JSON and names the PID with
# the start time the kernel gives that process (a reused PID is not the
# container it was).
test_runc_state_file_is_checked_against_the_process() {
	need_root || return 0
	local init start id=boxtest-nsl-fake-$$ made=
	start unshare -u -i --fork sleep 60
	init=$tpid
	wait_for "[ \$(stat -L -c %i /proc/$init/ns/ipc) != $(ns_ino self ipc) ]"
	start=$(sed 's/.*) //' "/proc/$init/stat" | awk '{ print $20 }')
	[ -d /run/runc ] || { mkdir -p /run/runc && made=1; }
	mkdir "/run/runc/$id"
	printf '{"id":"%s","init_process_pid":%d,"init_process_start":%d}' \
		"$id" "$init" $((start + 1)) >"/run/runc/$id/state.json"
	assertEquals "another start time: not this process" "$init unshare -" \
		"$(row "$init" PID,RUNTIME,ID | tr -s ' ')"
	printf '{"id":"%s","init_process_pid":%d,"init_process_start":%d' \
		"$id" "$init" "$start" >"/run/runc/$id/state.json"
	assertEquals "not JSON (unterminated): not believed" "$init unshare -" \
		"$(row "$init" PID,RUNTIME,ID | tr -s ' ')"
	printf '{"id":"%s","init_process_pid":%d,"init_process_start":%d}' \
		"$id" "$init" "$start" >"/run/runc/$id/state.json"
	# the parent's command line (unshare) comes before the state file
	assertEquals "its start time: the ID is taken" "$init unshare $id" \
		"$(row "$init" PID,RUNTIME,ID | tr -s ' ')"
	rm -r "/run/runc/${id:?}"
	[ -n "$made" ] && rmdir /run/runc
	return 0
}

# The cgroup paths Docker, Podman, LXC and Kubernetes give their
# containers, made here with cg-create: the runtime and ID (or name) are
# read from the path alone (no engine runs).
test_runtime_from_the_cgroup_path() {
	need_root || return 0
	need_tool cg-create cg-exec || return 0
	local hex path want init
	hex=$(printf '%08x' $$ $$ $$ $$ $$ $$ $$ $$)
	while read -r path want; do
		cg-create $CG_R --parents "$CG_T/$path" || { fail "cg-create $path"; continue; }
		start cg-exec $CG_R "$CG_T/$path" unshare -u --fork sleep 60
		init=$tpid
		wait_for "[ \$(stat -L -c %i /proc/$init/ns/uts) != $(ns_ino self uts) ]"
		assertEquals "runtime and ID or name from $path" "$init $want" \
			"$(row "$init" PID,RUNTIME,ID,NAME | tr -s ' ')"
	done <<-EOF
	docker-$hex.scope docker $hex -
	libpod-$hex podman $hex -
	lxc.payload.boxnl-lxc-$$ lxc - boxnl-lxc-$$
	kubepods/burstable/podboxnl$$/$hex kubernetes $hex -
	EOF
}

# --- what is shown -----------------------------------------------------------

test_addresses_are_read_through_the_network_namespace() {
	need_root || return 0
	local init
	start unshare -n -u --fork sh -c '
		ip link add nl0 type veth peer name nl1 &&
		ip addr add 10.231.7.2/24 dev nl0 &&
		ip addr add fd00:231::2/64 dev nl0 && ip link set nl0 up &&
		ip link set lo up && touch "$1" && exec sleep 60' sh "$BOX_TMP/ready"
	wait_for "[ -e $BOX_TMP/ready ]" || { fail "no veth made"; return; }
	init=$tpid
	assertEquals "the global addresses, loopback left out" \
		"$init 10.231.7.2/24,fd00:231::2/64" \
		"$(row "$init" PID,ADDR | tr -s ' ')"
	run "$NSL" -J -o PID,ADDR
	assertContains "JSON lists them" "$out" \
		"{\"pid\": $init, \"addr\": [\"10.231.7.2/24\", \"fd00:231::2/64\"]}"
	# ns-list came back to our own network namespace every time
	assertEquals "no addresses of ours changed" "" \
		"$(ip -o addr show | grep 10.231.7.2)"
}

test_type_filter_and_columns() {
	need_root || return 0
	local a b
	start unshare -u --fork sleep 60
	a=$tpid
	start unshare -n --fork sleep 60
	b=$tpid
	wait_for "[ \$(stat -L -c %i /proc/$a/ns/uts) != $(ns_ino self uts) ]"
	wait_for "[ \$(stat -L -c %i /proc/$b/ns/net) != $(ns_ino self net) ]"
	run "$NSL" -n -t uts -o PID
	assertContains "uts container shown" " $(echo $out) " " $a "
	assertNotContains "net-only container left out" " $(echo $out) " " $b "
	run "$NSL" -n --type net --type uts -o PID
	assertNotContains "both types required" " $(echo $out) " " $a "
	run "$NSL" -o pid,ns,uid
	assertEquals "header of the chosen columns" "PID NS UID" \
		"$(head -1 <<<"$out" | tr -s ' ' | sed 's/^ //')"
}

test_tree_nests_a_container_in_the_one_that_started_it() {
	need_root || return 0
	local outer inner
	start unshare -m -n -p --fork --mount-proc sh -c 'unshare -u -i sleep 60; :'
	outer=$(first_child "$tpid") || { fail "no outer"; return; }
	inner=$(first_child "$outer") || { fail "no inner"; return; }
	exec_done "$inner" "$outer"
	wait_for "[ \$(stat -L -c %i /proc/$inner/ns/uts) != \$(stat -L -c %i /proc/$outer/ns/uts) ]"
	run "$NSL" --tree -n -o PID,NS
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "outer at the top" "$out" "$outer"
	assertEquals "inner drawn below the outer" "\`-$inner ipc,uts,net,pid,mnt" \
		"$(grep -E "[|\`]-$inner " <<<"$out" | tr -s ' ' | sed 's/^ *//')"
	if command -v python3 >/dev/null; then
		run sh -c "'$NSL' --tree -J -o PID | python3 -c '
import json, sys
for c in json.load(sys.stdin)[\"containers\"]:
    if c[\"pid\"] == $outer:
        print([k[\"pid\"] for k in c.get(\"children\", [])])'"
		assertEquals "JSON nests it" "[$inner]" "$out"
	fi
}

test_json_parses() {
	need_cmd python3 || return 0
	start unshare -u --fork sleep 60
	wait_for "[ \$(stat -L -c %i /proc/$tpid/ns/uts) != $(ns_ino self uts) ]"
	run sh -c "'$NSL' -J -o +PPID,NPROCS,UID,CGROUP,HOSTNAME,LAUNCHER | python3 -c '
import json, sys
d = json.load(sys.stdin)[\"containers\"]
print([c[\"pid\"] for c in d if c[\"pid\"] == $tpid])'"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "the container is in valid JSON" "[$tpid]" "$out"
}

# --- robustness ----------------------------------------------------------------

test_containers_exiting_during_the_scan_break_nothing() {
	need_root || return 0
	local i bad=0 churn
	# a stream of short-lived containers, coming and going while we scan
	(
		while :; do
			for _ in 1 2 3 4 5 6 7 8; do
				unshare -m -u -n -p --fork true &
			done
			wait
		done
	) >/dev/null 2>&1 &
	churn=$!
	_pids="$_pids $churn"
	for i in $(seq 30); do
		"$NSL" -o +CGROUP,HOSTNAME >/dev/null 2>"$BOX_TMP/churn.err" || bad=$((bad + 1))
		[ -s "$BOX_TMP/churn.err" ] && bad=$((bad + 1))
	done
	kill "$churn"
	wait "$churn" 2>/dev/null
	assertEquals "every scan ran clean (last stderr: $(cat "$BOX_TMP/churn.err"))" 0 "$bad"
}

test_bad_input_is_one_line_and_125() {
	assert_bad_input "$NSL" -o BOGUS
	assert_bad_input "$NSL" -o ""
	assert_bad_input "$NSL" -o PID,,NS
	assert_bad_input "$NSL" -t bogus
	assert_bad_input "$NSL" --type
	assert_bad_input "$NSL" --json=yes
	assert_bad_input "$NSL" no-such-container-$$
	assertContains "names it" "$err" "no-such-container-$$"
	assert_bad_input "$NSL" ""
}

box_run_suite
