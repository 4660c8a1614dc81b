#!/bin/bash
# tests/box-runtime.sh - box-runtime: real bundles (a busybox rootfs, the
# config from `box-runtime spec` edited with jq) through the OCI
# lifecycle, asserting the kernel state of the container's process (its
# namespaces, PID 1, its cgroup, its capabilities and mounts), cleanup
# by delete and delete --force, and bad input refused before anything
# is made.  Each container's cgroup lies below the suite's test cgroup;
# its state below $BOX_TMP.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"
# shellcheck source=tests/lib-podman.sh
. "$(dirname "$0")/lib-podman.sh"
# shellcheck source=tests/lib-runtime.sh
. "$(dirname "$0")/lib-runtime.sh"

# A boxutils tool or runtime in the process's parent chain.
parent_comm() {
	local pp
	pp=$(awk '/^PPid:/ { print $2 }' "/proc/$1/status")
	cat "/proc/$pp/comm"
}

need_all() {
	need_root || return 1
	need_tool box-runtime cg-create cg-exec cg-delete ns-unshare pivot \
		cap-drop || return 1
	need_cmd jq busybox || return 1
}

test_spec_and_features_are_json() {
	need_tool box-runtime || return 0
	need_cmd jq || return 0
	mkdir -p "$BOX_TMP/spec"
	br spec --bundle "$BOX_TMP/spec"
	assertEquals "spec ociVersion" 1 \
		"$(jq -r '.ociVersion | startswith("1.") | if . then 1 else 0 end' "$BOX_TMP/spec/config.json")"
	assertEquals "spec root" rootfs "$(jq -r .root.path "$BOX_TMP/spec/config.json")"
	run br spec --bundle "$BOX_TMP/spec"
	assertEquals "spec does not overwrite" 125 "$rc"
	assertEquals "features: namespaces" 8 "$(br features | jq '.linux.namespaces | length')"
}

test_create_leaves_pid_1_alone_in_its_namespaces_and_cgroup() {
	need_chain || return 0
	local pid ns d
	bundle life '.process.args = ["sleep", "60"]'
	run br create --bundle "$B" --pid-file "$BOX_TMP/life.pid" life
	assertEquals "create: $err" 0 "$rc"
	pid=$(cat "$BOX_TMP/life.pid")
	assertEquals "state: created" created "$(br state life | jq -r .status)"
	assertEquals "state pid = pid-file" "$pid" "$(br state life | jq -r .pid)"
	assertEquals "PID 1 in its pid namespace" 1 \
		"$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")"
	for ns in mnt pid net ipc uts cgroup; do
		assertNotEquals "$ns namespace of its own" \
			"$(readlink /proc/self/ns/$ns)" "$(readlink "/proc/$pid/ns/$ns")"
	done
	assertEquals "hostname" box "$(nsenter -t "$pid" -u hostname)"
	for d in $(cg_all_dirs life); do
		assertTrue "$pid in $d" "grep -qx '$pid' '$d/cgroup.procs'"
	done
	# waiting for start in box-runtime init, with no boxutils process
	# beside it: ns-unshare --detach left it to our subreaper
	assertEquals "waits in init" box-runtime "$(cat "/proc/$pid/comm")"
	case $(parent_comm "$pid") in
	ns-unshare | cg-exec | pivot | cap-drop | box-runtime)
		fail "parent is $(parent_comm "$pid")" ;;
	esac
	assertEquals "no other process in its pid namespace" "$pid" \
		"$(for p in /proc/[0-9]*; do
			[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$(readlink "/proc/$pid/ns/pid")" ] &&
				basename "$p"
		done)"

	run br start life
	assertEquals "start: $err" 0 "$rc"
	wait_for "[ \"\$(cat /proc/$pid/comm)\" = sleep ]"
	assertEquals "state: running" running "$(br state life | jq -r .status)"
	run br start life
	assertEquals "a second start is refused" 125 "$rc"
	run br delete life
	assertEquals "delete of a running container is refused" 125 "$rc"

	run br kill life KILL
	assertEquals "kill: $err" 0 "$rc"
	wait_for "[ \"\$(br state life | jq -r .status)\" = stopped ]"
	run br delete life
	assertEquals "delete: $err" 0 "$rc"
	assertFalse "state gone" "[ -e '$STATE/life' ]"
	for d in $(cg_all_dirs life); do
		assertFalse "cgroup $d gone" "[ -d '$d' ]"
	done
	run br state life
	assertEquals "state of a deleted container" 125 "$rc"
}

test_run_sets_up_the_process_as_config_json_says() {
	need_chain || return 0
	bundle proc '.process.args = ["sh", "-c", "
		echo host=$(hostname) pid=$$ cwd=$(pwd) who=$(id -u):$(id -g) groups=$(id -G)
		echo umask=$(umask) nofile=$(ulimit -n) var=$FOO
		grep -E \"^(CapBnd|CapEff|NoNewPrivs):\" /proc/self/status | tr -s \"\\t\" \" \"
		touch /rootwrite 2>/dev/null && echo root=rw || echo root=ro
		echo x >/proc/sys/kernel/hostname 2>/dev/null && echo sys=rw || echo sys=ro
		[ -s /proc/kcore ] && echo kcore=visible || echo kcore=masked
		grep -c . /proc/mounts >/dev/null && awk \"\\$2 == \\\"/data\\\" { print \\\"data=\\\" \\$4 }\" /proc/mounts | cut -d, -f1
		awk \"\\$2 == \\\"/scratch\\\" { print \\\"scratch=\\\" \\$3 }\" /proc/mounts
		cat /data/file
		exit 7"]
		| .process.cwd = "/tmp"
		| .process.user = {"uid": 65534, "gid": 65534, "additionalGids": [5], "umask": 63}
		| .process.env += ["FOO=bar"]
		| .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200}]
		| .hostname = "inside"
		| .mounts += [{"destination": "/data", "type": "bind", "source": "data", "options": ["rbind", "ro", "nosuid"]},
		              {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]'
	mkdir "$B/data"
	echo from-host >"$B/data/file"
	run br run --bundle "$B" proc
	assertEquals "run passes the status on: $err" 7 "$rc"
	assertContains "$out" "host=inside pid=1 cwd=/tmp who=65534:65534 groups=65534 5"
	assertContains "$out" "umask=0077 nofile=100 var=bar"
	assertContains "$out" "CapBnd: 0000000020000420"
	assertContains "$out" "CapEff: 0000000000000000"
	assertContains "$out" "NoNewPrivs: 1"
	assertContains "$out" "root=ro"
	assertContains "$out" "sys=ro"
	assertContains "$out" "kcore=masked"
	assertContains "$out" "data=ro"
	assertContains "$out" "scratch=tmpfs"
	assertContains "$out" "from-host"
	assertFalse "run deleted its state" "[ -e '$STATE/proc' ]"
}

# linux.seccomp goes to sys-filter, after cap-drop with noNewPrivileges
# and before it (while CAP_SYS_ADMIN is held) without.
test_seccomp_profile_is_in_force() {
	need_chain || return 0
	need_tool sys-filter || return 0
	local nnp
	for nnp in true false; do
		bundle "sc$nnp" '.root.readonly = false
			| .process.noNewPrivileges = '$nnp'
			| .process.args = ["sh", "-c", "grep ^Seccomp: /proc/self/status | tr -d \"\\t\"; mkdir /tmp/x 2>/dev/null && echo made || echo refused"]
			| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
				"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
		run br run --bundle "$B" "sc$nnp"
		assertEquals "run (noNewPrivileges $nnp): $err" 0 "$rc"
		assertEquals "filter loaded, mkdir refused (noNewPrivileges $nnp)" \
			"$(printf 'Seccomp:2\nrefused')" "$out"
	done
}

test_sysctl_reaches_the_container_namespaces() {
	need_chain || return 0
	bundle sy '.process.args = ["cat", "/proc/sys/net/ipv4/ip_forward", "/proc/sys/kernel/msgmax"]
		| .linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.msgmax": "4321"}'
	run br run --bundle "$B" sy
	assertEquals "run: $err" 0 "$rc"
	assertEquals "set inside" "$(printf '1\n4321')" "$out"
	assertNotEquals "host msgmax unchanged" 4321 "$(cat /proc/sys/kernel/msgmax)"
	# a host sysctl: ns-unshare (whose table says which belong to a
	# namespace) refuses it, create fails and leaves nothing
	bundle syh '.linux.sysctl = {"kernel.panic": "1"}'
	run br create --bundle "$B" syh
	assertEquals "a host sysctl is refused" 125 "$rc"
	assertContains "$err" "kernel.panic: not a sysctl of a namespace"
	assertFalse "no state" "[ -e '$STATE/syh' ]"
	assertFalse "no cgroup" "[ -d '$(cg_all_dirs syh | head -1)' ]"
}

test_exec_joins_the_running_container() {
	need_chain || return 0
	local pid
	bundle ex '.process.args = ["sleep", "60"] | .hostname = "exbox"'
	br create --bundle "$B" --pid-file "$BOX_TMP/ex.pid" ex
	run br exec ex true
	assertEquals "exec into a created container is refused" 125 "$rc"
	br start ex
	pid=$(cat "$BOX_TMP/ex.pid")
	run br exec --env FOO=bar --cwd /tmp --user 65534:65534 ex \
		sh -c 'echo $(hostname) $$ $FOO $(pwd) $(id -u); grep ^CapBnd: /proc/self/status | tr -d "\t"; exit 6'
	assertEquals "status passed on: $err" 6 "$rc"
	assertEquals "in the container" \
		"$(printf 'exbox 2 bar /tmp 65534\nCapBnd:0000000020000420')" "$out"
	# --cap: added to the process's sets, as runc adds them
	run br exec --cap CAP_NET_ADMIN --cap sys_time ex \
		sh -c 'grep -E "^Cap(Bnd|Eff):" /proc/self/status | tr -d "\t"'
	assertEquals "exec --cap: $err" \
		"$(printf 'CapEff:0000000022001420\nCapBnd:0000000022001420')" "$out"
	assert_bad_input box-runtime --root "$STATE" exec --cap 'net admin' ex true
	run br exec --cap CAP_NO_SUCH ex true
	assertEquals "an unknown capability is refused" 125 "$rc"
	assertContains "$err" "CAP_NO_SUCH"
	printf '{"args": ["sh", "-c", "echo from-process"], "cwd": "/", "env": ["PATH=/bin"]}' >"$BOX_TMP/process.json"
	run br exec --process "$BOX_TMP/process.json" --detach --pid-file "$BOX_TMP/exec.pid" ex
	assertEquals "exec --detach: $err" 0 "$rc"
	assertTrue "exec pid-file" "[ -s '$BOX_TMP/exec.pid' ]"
	assertEquals "the first process still runs" sleep "$(cat "/proc/$pid/comm")"
	br delete --force ex
}

test_pause_and_resume_freeze_the_cgroup() {
	need_chain || return 0
	local pid
	bundle pz '.process.args = ["sleep", "60"]'
	br create --bundle "$B" --pid-file "$BOX_TMP/pz.pid" pz
	run br pause pz
	assertEquals "pause of a created container is refused" 125 "$rc"
	br start pz
	pid=$(cat "$BOX_TMP/pz.pid")
	run br pause pz
	assertEquals "pause: $err" 0 "$rc"
	assertEquals "state: paused" paused "$(br state pz | jq -r .status)"
	if cg_has freezer && ! cg_is_v2 freezer; then
		assertEquals "v1 freezer" FROZEN "$(cg_read freezer pz - freezer.state)"
	else
		assertEquals "v2 cgroup.freeze" 1 "$(cat "$(_cg_dir_at "" "$CG_V2" pz)/cgroup.freeze")"
	fi
	run br resume pz
	assertEquals "resume: $err" 0 "$rc"
	assertEquals "state: running" running "$(br state pz | jq -r .status)"
	assertNotEquals "not frozen" D "$(awk '/^State:/ { print $2 }' "/proc/$pid/status")"
	br delete --force pz
}

test_list_and_ps_show_the_containers() {
	need_chain || return 0
	local pid
	bundle ls '.process.args = ["sh", "-c", "sleep 60 & exec sleep 61"]'
	br create --bundle "$B" --pid-file "$BOX_TMP/ls.pid" ls
	pid=$(cat "$BOX_TMP/ls.pid")
	assertEquals "list -q" ls "$(br list -q)"
	assertEquals "list json" "ls $pid created" \
		"$(br list --format json | jq -r '.[] | "\(.id) \(.pid) \(.status)"')"
	br start ls
	wait_for "[ \"\$(br ps --format json ls | jq length)\" = 2 ]"
	assertEquals "ps: the first process and its child" 2 "$(br ps --format json ls | jq length)"
	assertContains "ps json has the first PID" "$(br ps --format json ls)" "$pid"
	br delete --force ls
	assertEquals "list empty after delete" "" "$(br list -q)"
}

test_events_stats_come_from_the_cgroup() {
	need_chain || return 0
	need_ctrl pids || return 0
	bundle ev '.process.args = ["sh", "-c", "sleep 60 & exec sleep 61"] | .linux.resources = {"pids": {"limit": 40}}'
	br create --bundle "$B" ev
	br start ev
	wait_for "[ \"\$(br events --stats ev | jq .data.pids.current)\" = 2 ]"
	run br events --stats ev
	assertEquals "events --stats: $err" 0 "$rc"
	assertEquals "type and id" "stats ev" "$(echo "$out" | jq -r '"\(.type) \(.id)"')"
	assertEquals "pids: current and limit" "2 40" \
		"$(echo "$out" | jq -r '"\(.data.pids.current) \(.data.pids.limit)"')"
	br delete --force ev
	run br events --stats ev
	assertEquals "events of a deleted container" 125 "$rc"
}

test_update_changes_the_limits() {
	need_chain || return 0
	need_ctrl pids || return 0
	bundle up '.process.args = ["sleep", "60"] | .linux.resources = {"pids": {"limit": 20}}'
	br create --bundle "$B" up
	br start up
	assertEquals "pids limit at create" 20 "$(cg_read pids up pids.max pids.max)"
	echo '{"pids": {"limit": 77}}' >"$BOX_TMP/res.json"
	run br update --resources "$BOX_TMP/res.json" up
	assertEquals "update: $err" 0 "$rc"
	assertEquals "pids limit after update" 77 "$(cg_read pids up pids.max pids.max)"
	run sh -c "echo '{\"pids\": {\"limit\": 55}}' | box-runtime --root '$STATE' update --resources - up"
	assertEquals "update from stdin: $err" 0 "$rc"
	assertEquals "pids limit from stdin" 55 "$(cg_read pids up pids.max pids.max)"
	echo '{"memory": {"kernel": 1048576}}' >"$BOX_TMP/res.json"
	assert_bad_input box-runtime --root "$STATE" update --resources "$BOX_TMP/res.json" up
	assertEquals "unchanged after a refused update" 55 "$(cg_read pids up pids.max pids.max)"
	br delete --force up
}

test_resources_reach_the_cgroup() {
	need_chain || return 0
	need_ctrl memory || return 0
	need_ctrl pids || return 0
	local pid
	bundle res '.process.args = ["sleep", "60"]
		| .linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 42}}'
	run br create --bundle "$B" --pid-file "$BOX_TMP/res.pid" res
	assertEquals "create: $err" 0 "$rc"
	assertEquals "memory limit" 67108864 "$(cg_read memory res memory.max memory.limit_in_bytes)"
	assertEquals "pids limit" 42 "$(cg_read pids res pids.max pids.max)"
	pid=$(cat "$BOX_TMP/res.pid")
	run br delete --force res
	assertEquals "delete --force: $err" 0 "$rc"
	assertFalse "process gone" "[ -e /proc/$pid/status ] && ! grep -q '^State:.*Z' /proc/$pid/status"
}

test_delete_force_cleans_up_and_is_idempotent() {
	need_chain || return 0
	local pid d
	bundle gone '.process.args = ["sleep", "60"]'
	br create --bundle "$B" --pid-file "$BOX_TMP/gone.pid" gone
	pid=$(cat "$BOX_TMP/gone.pid")
	br start gone
	run br delete --force gone
	assertEquals "delete --force: $err" 0 "$rc"
	assertFalse "process gone" "[ -d /proc/$pid ] && ! grep -q '^State:.*Z' /proc/$pid/status"
	assertFalse "state gone" "[ -e '$STATE/gone' ]"
	for d in $(cg_all_dirs gone); do
		assertFalse "cgroup $d gone" "[ -d '$d' ]"
	done
	run br delete --force gone
	assertEquals "again: nothing to do" 0 "$rc"
	run br delete gone
	assertEquals "without --force: an error" 125 "$rc"
}

test_kill_all_signals_every_process() {
	need_chain || return 0
	local pid
	bundle all '.process.args = ["sh", "-c", "trap \"\" TERM; sleep 60 & sleep 60 & wait"]'
	br create --bundle "$B" --pid-file "$BOX_TMP/all.pid" all
	br start all
	pid=$(cat "$BOX_TMP/all.pid")
	wait_for "[ \$(ls /proc/$pid/task/$pid/children >/dev/null && wc -w </proc/$pid/task/$pid/children) -ge 2 ]"
	run br kill --all all KILL
	assertEquals "kill --all: $err" 0 "$rc"
	wait_for "[ \"\$(br state all | jq -r .status)\" = stopped ]"
	br delete all
}

# A mount destination through a symlink of the image that points out of
# it stays inside the image (pivot resolves it in the new root).
test_mount_destination_cannot_escape_through_a_symlink() {
	need_chain || return 0
	local img=$BOX_TMP/evilroot host=$BOX_TMP/hostside
	mkdir -p "$host"
	cp -a "$ROOTFS" "$img"
	ln -s "../../../../../../../..$host" "$img/escape"
	bundle evil '.process.args = ["true"]
		| .mounts += [{"destination": "/escape/x", "type": "tmpfs", "source": "tmpfs"}]'
	rm "$B/rootfs"
	ln -s "$img" "$B/rootfs"
	jq '.root.readonly = false' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	run br run --bundle "$B" evil
	assertEquals "nothing made on the host side" "" "$(ls -A "$host")"
	assertFalse "state gone" "[ -e '$STATE/evil' ]"
}

# kill -9 of create at points along its way (before, during and after
# the chain): delete --force then leaves no state, no cgroup and no
# process of the container.
test_create_killed_at_each_step_is_cleaned_by_delete_force() {
	need_chain || return 0
	local delay pid d left
	bundle k9 '.process.args = ["sleep", "60"]'
	for delay in 0.001 0.003 0.006 0.01 0.02 0.05; do
		box-runtime --root "$STATE" create --bundle "$B" --pid-file "$BOX_TMP/k9.pid" k9 \
			>/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		run br delete --force k9
		assertEquals "delete --force after kill at ${delay}s: $err" 0 "$rc"
		assertFalse "state gone (${delay}s)" "[ -e '$STATE/k9' ]"
		for d in $(cg_all_dirs k9); do
			assertFalse "cgroup $d gone (${delay}s)" "[ -d '$d' ]"
		done
		# the chain's first process, orphaned: init's ready write hits
		# a closed pipe, or delete's cg-delete killed it
		left=$(pgrep -f "box-runtime init .*-- sleep 60" || true)
		wait_for "! pgrep -f 'box-runtime init .*-- sleep 60' >/dev/null" 40
		assertEquals "no container process left (${delay}s): $left" "" \
			"$(pgrep -f 'box-runtime init .*-- sleep 60')"
	done
}

test_a_failing_step_leaves_nothing() {
	need_chain || return 0
	local d
	bundle fail '.process.cwd = "/no/such/dir"'
	run br create --bundle "$B" --pid-file "$BOX_TMP/fail.pid" fail
	assertEquals "create fails" 125 "$rc"
	assertContains "$err" "chdir /no/such/dir"
	assertFalse "state gone" "[ -e '$STATE/fail' ]"
	for d in $(cg_all_dirs fail); do
		assertFalse "cgroup $d gone" "[ -d '$d' ]"
	done
}

# Podman with box-runtime as its runtime, in a mount, network and cgroup
# namespace of this test's own (as tests/ns-list.sh runs it): tmpfs over
# /run, /var/lib/cni and /var/lib/containers, private --root/--runroot,
# vfs storage, --network none, each cgroup hierarchy mounted again
# inside the cgroup namespace.  containers.conf: this machine withholds
# CAP_SYS_RESOURCE, so the default ulimits must stay within the hard
# limits, or setting them fails.
test_podman_runs_stops_and_removes_containers() {
	need_chain || return 0
	need_cmd podman conmon unshare || return 0
	need_tool sys-filter || return 0
	local d=$BOX_TMP/podman
	mkdir -p "$d"
	tar -C "$ROOTFS" -cf "$d/busybox.tar" .
	podman_conf "$d" || { fail "podman_conf"; return; }
	cat >"$d/run.sh" <<-'EOF'
	d=$1
	. "$d/prelude.sh"
	P="podman --root $d/root --runroot $d/runroot --storage-driver vfs
	   --cgroup-manager cgroupfs --events-backend file
	   --runtime $BOX_BIN/box-runtime"
	$P import "$d/busybox.tar" boxtest/busybox >/dev/null 2>&1 || exit 1
	echo "== rm"
	$P run --rm --network none boxtest/busybox sh -c 'echo hi; grep ^Seccomp: /proc/self/status'
	echo "status=$?"
	echo "== tty"
	$P run --rm -t --network none boxtest/busybox sh -c 'tty; stty size' | tr -d '\r'
	echo "== limits"
	$P run --rm --network none --pids-limit 30 --cap-drop all --user 65534 \
		boxtest/busybox sh -c 'id -u; grep ^CapEff: /proc/self/status
			cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /proc/self/cgroup'
	echo "== detached"
	$P run -d --name web --network none boxtest/busybox sleep 100 >/dev/null
	pid=$($P inspect -f '{{.State.Pid}}' web)
	echo "parent=$(cat /proc/"$(awk '{ print $4 }' /proc/"$pid"/stat)"/comm)"
	echo "status=$($P inspect -f '{{.State.Status}}' web)"
	$P exec web sh -c 'echo exec-pid=$$; grep ^Seccomp: /proc/self/status; exit 4'
	echo "exec-status=$?"
	$P top web pid comm | tail -n +2 | tr -s ' '
	id=$($P inspect -f '{{.Id}}' web)
	$P update --memory 64m web >/dev/null
	echo "mem=$(cat "/sys/fs/cgroup/memory/libpod_parent/libpod-$id/memory.limit_in_bytes" 2>/dev/null ||
		cat "/sys/fs/cgroup/libpod_parent/libpod-$id/memory.max")"
	$P pause web >/dev/null && echo "paused=$($P inspect -f '{{.State.Status}}' web)"
	$P unpause web >/dev/null && echo "unpaused=$($P inspect -f '{{.State.Status}}' web)"
	$P stop -t 1 web >/dev/null 2>&1
	echo "stopped=$($P inspect -f '{{.State.Status}}' web)"
	[ -d "/proc/$pid" ] && echo "alive after stop"
	$P rm web >/dev/null && echo removed
	echo "== logs"
	$P run -d --name talk --network none boxtest/busybox \
		sh -c 'echo out1; echo err1 >&2; exec sleep 100' >/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		$P logs talk 2>&1 | grep -q err1 && break
		sleep 0.2
	done
	$P logs talk 2>&1 | sort
	$P kill talk >/dev/null && echo "killed=$($P wait talk)"
	$P rm talk >/dev/null
	echo "left=$(ls /run/box-runtime 2>/dev/null | wc -l)"
	$P rmi -f boxtest/busybox >/dev/null 2>&1
	EOF
	cg-create $CG_R "$CG_T/podman" || { fail "cg-create"; return; }
	run cg-exec $CG_R "$CG_T/podman" unshare -m -n -C --propagation private \
		sh "$d/run.sh" "$d"
	case $out in
	*"== rm"*) ;;
	*) skip_test "podman cannot run here: $(echo "$err" | tail -1)"; return 0 ;;
	esac
	assertContains "run --rm prints (stderr: $err)" "$out" "$(printf '== rm\nhi\nSeccomp:\t2\nstatus=0')"
	assertContains "run -t: a pty of the container's devpts (--console-socket)" \
		"$out" "$(printf '== tty\n/dev/pts/0\n')"
	assertContains "--user, --cap-drop all" "$out" "$(printf '== limits\n65534\nCapEff:\t0000000000000000')"
	assertContains "in podman's cgroup (cgroupsPath)" "$out" "pids:/libpod_parent/libpod-"
	assertContains "conmon adopted the first process" "$out" "parent=conmon"
	assertContains "running" "$out" "status=running"
	assertContains "exec: in the pid namespace, filtered, status passed on" "$out" \
		"$(printf 'exec-pid=2\nSeccomp:\t2\nexec-status=4')"
	assertContains "top sees PID 1" "$out" "1 sleep"
	assertContains "podman update --memory" "$out" "mem=67108864"
	assertContains "podman pause" "$out" "paused=paused"
	assertContains "podman unpause" "$out" "unpaused=running"
	assertContains "stopped" "$out" "stopped=exited"
	assertNotContains "the process is gone" "$out" "alive after stop"
	assertContains "removed" "$out" "removed"
	assertContains "podman logs: stdout and stderr" "$out" "$(printf '== logs\nerr1\nout1')"
	assertContains "podman kill: SIGKILL, status 137" "$out" "killed=137"
	assertContains "no state left" "$out" "left=0"
}

# bad_config NAME JQ-FILTER TEXT: create refuses the bundle with one line
# naming TEXT, and makes no state and no cgroup.
bad_config() {
	bundle "$1" "$2"
	create_refused "$1" "$3"
}

# cgroupsPath is a path, never an option of cg-create or cg-exec
test_cgroups_path_is_never_an_option() {
	need_chain || return 0
	need_ctrl pids || return 0
	bundle inj '.process.args = ["true"]'
	jq --arg cg "$CG_T/--pids=7" '.linux.cgroupsPath = $cg' "$B/config.json" >"$B/c.json" &&
		mv "$B/c.json" "$B/config.json"
	run br create --bundle "$B" inj
	assertEquals "create: $err" 0 "$rc"
	assertEquals "a cgroup of that name, with no limit" max "$(cat "$(cg_dir pids "")/--pids=7/pids.max")"
	br delete --force inj
	assertFalse "removed by delete" "[ -d '$(cg_dir pids "")/--pids=7' ]"
}

test_unsupported_fields_are_refused_by_name() {
	need_all || return 0
	bad_config rdt '.linux.intelRdt = {"closID": "x"}' "linux.intelRdt: not supported"
	bad_config pflags '.linux.personality = {"domain": "LINUX", "flags": ["x"]}' "linux.personality.flags: not supported"
	bad_config tty '.process.terminal = true' "process.terminal"
	bad_config kmem '.linux.resources.memory = {"kernelTCP": 1048576}' "linux.resources.memory.kernelTCP: not supported"
	bad_config mlabel '.linux.mountLabel = "system_u:object_r:container_file_t:s0"' "linux.mountLabel: not supported"
	bad_config mopt '.mounts += [{"destination": "/m", "type": "tmpfs", "source": "t", "options": ["x-foo"]}]' \
		"x-foo"
}

test_bad_bundles_are_refused() {
	need_all || return 0
	bad_config ver '.ociVersion = "2.0.0"' "ociVersion"
	bad_config norootfs '.root.path = "missing"' "root.path"
	bad_config rel '.process.cwd = "tmp"' "process.cwd"
	bad_config ns '.linux.namespaces += [{"type": "bogus"}]' "not a namespace type"
	bad_config nomnt '.linux.namespaces |= map(select(.type != "mount"))' "mount namespace"
	bundle trunc
	head -c 200 "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
	assert_bad_input box-runtime --root "$STATE" create --bundle "$B" trunc
	assertContains "$err" "config.json: line"
	printf '{"ociVersion": "1.0.0", "ociVersion": "1.0.0"}' >"$B/config.json"
	assert_bad_input box-runtime --root "$STATE" create --bundle "$B" trunc
	printf '\0\1\2garbage' >"$B/config.json"
	assert_bad_input box-runtime --root "$STATE" create --bundle "$B" trunc
	assertFalse "no state" "[ -e '$STATE/trunc' ]"
}

test_bad_command_lines_are_refused() {
	need_tool box-runtime || return 0
	assert_bad_input box-runtime --root "$STATE" frobnicate x
	assert_bad_input box-runtime --root "$STATE" --bogus state x
	assert_bad_input box-runtime --root "$STATE" --systemd-cgroup state x
	assert_bad_input box-runtime --root "$STATE" state
	assert_bad_input box-runtime --root "$STATE" state ../etc
	assert_bad_input box-runtime --root "$STATE" state nosuch
	assert_bad_input box-runtime --root "$STATE" kill nosuch BOGUSSIG
	assert_bad_input box-runtime --root relative state x
}

test_log_gets_errors_as_runc_writes_them() {
	need_tool box-runtime || return 0
	need_cmd jq || return 0
	run box-runtime --root "$STATE" --log "$BOX_TMP/log.json" --log-format json state nosuch
	assertEquals "status" 125 "$rc"
	assertEquals "json log line" "error" "$(jq -r .level "$BOX_TMP/log.json")"
	assertContains "its message" "$(jq -r .msg "$BOX_TMP/log.json")" "nosuch does not exist"
	run box-runtime --root "$STATE" --log "$BOX_TMP/log.txt" state nosuch
	assertContains "text log line" "$(cat "$BOX_TMP/log.txt")" 'level=error msg="container nosuch does not exist"'
}

test_print_chain_shows_the_tools() {
	need_all || return 0
	bundle chain
	run br create --bundle "$B" --print-chain chain
	assertEquals "print-chain: $err" 0 "$rc"
	assertContains "$out" "cg-exec"
	assertContains "$out" "ns-unshare --mount"
	assertContains "$out" "pivot --host-prog"
	assertContains "$out" "cap-drop"
	assertContains "$out" "box-runtime init"
	assertFalse "nothing created" "[ -e '$STATE/chain' ]"
}

box_run_suite
