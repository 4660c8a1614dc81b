#!/bin/bash
# tests/vm/runtime.sh - box-runtime's lifecycle without an engine on a
# pure cgroup v2 host (run inside the VM by tests/vm/init; tests/run.sh
# does not list it): create, start, state, kill, delete; pause and
# resume by the v2 freezer (cgroup.freeze); update of memory.max; the
# devices rules as a BPF device program; delete --force.  Every fork
# costs in the VM, so the containers are few and each test asserts much.
# On a host that is not pure cgroup v2 every test skips with the reason.
#
# In the VM:  BOX_VM_SUITES=runtime tests/run.sh tests/vm/run.sh

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/../lib-cgroup.sh"
# shellcheck source=tests/lib-runtime.sh
. "$(dirname "$0")/../lib-runtime.sh"

need_v2_chain() {
	if [ -z "$CG_PURE_V2" ]; then
		skip_test "not a pure cgroup v2 host (the VM tier is)"
		return 1
	fi
	need_chain cg-set
}

# bundle NAME [JQ-FILTER]: as rt_bundle; sets $D too, the cgroup's
# directory.
bundle() {
	rt_bundle "$@" || return 1
	D=$(_cg_dir_at "" "$CG_V2" "$1")
}

status() {
	br state "$1" | jq -r .status
}

test_lifecycle_create_start_kill_delete() {
	need_v2_chain || return 0
	local pid
	bundle life '.process.args = ["sleep", "60"]'
	run br create --bundle "$B" --pid-file "$BOX_TMP/life.pid" life
	assertEquals "create: $err" 0 "$rc" || return 0
	pid=$(cat "$BOX_TMP/life.pid")
	assertEquals "created" created "$(status life)"
	assertEquals "alone in its cgroup2 cgroup" "$pid" "$(cat "$D/cgroup.procs")"
	assertEquals "PID 1 of its pid namespace" 1 \
		"$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")"
	run br start life
	assertEquals "start: $err" 0 "$rc"
	wait_for "[ \"\$(cat /proc/$pid/comm)\" = sleep ]"
	assertEquals "running" running "$(status life)"
	assertEquals "the payload runs" sleep "$(cat "/proc/$pid/comm")"
	# KILL: the payload is PID 1 of its pid namespace, which the kernel
	# shields from signals it has no handler for (TERM, from here)
	run br kill life KILL
	assertEquals "kill: $err" 0 "$rc"
	wait_for "[ \"\$(status life)\" = stopped ]"
	assertEquals "stopped" stopped "$(status life)"
	assertEquals "cgroup emptied" "populated 0" "$(grep populated "$D/cgroup.events")"
	run br delete life
	assertEquals "delete: $err" 0 "$rc"
	assertFalse "cgroup removed" "[ -d '$D' ]"
	assertFalse "state removed" "[ -e '$STATE/life' ]"
}

test_pause_resume_update_and_delete_force() {
	need_v2_chain || return 0
	local pid
	bundle pz '.process.args = ["sh", "-c", "sleep 60 & exec sleep 61"]
		| .linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 30}}'
	run br create --bundle "$B" --pid-file "$BOX_TMP/pz.pid" pz
	assertEquals "create: $err" 0 "$rc" || return 0
	pid=$(cat "$BOX_TMP/pz.pid")
	assertEquals "memory.max at create" 67108864 "$(cat "$D/memory.max")"
	assertEquals "pids.max at create" 30 "$(cat "$D/pids.max")"
	br start pz
	run br pause pz
	assertEquals "pause: $err" 0 "$rc"
	assertEquals "paused" paused "$(status pz)"
	assertEquals "cgroup.freeze" 1 "$(cat "$D/cgroup.freeze")"
	wait_for "grep -qx 'frozen 1' '$D/cgroup.events'"
	assertEquals "the kernel froze it" "frozen 1" "$(grep frozen "$D/cgroup.events")"
	run br resume pz
	assertEquals "resume: $err" 0 "$rc"
	assertEquals "running again" running "$(status pz)"
	assertEquals "thawed" "0 frozen 0" "$(cat "$D/cgroup.freeze") $(grep frozen "$D/cgroup.events")"
	echo '{"memory": {"limit": 33554432}, "pids": {"limit": 12}}' >"$BOX_TMP/res.json"
	run br update --resources "$BOX_TMP/res.json" pz
	assertEquals "update: $err" 0 "$rc"
	assertEquals "memory.max after update" 33554432 "$(cat "$D/memory.max")"
	assertEquals "pids.max after update" 12 "$(cat "$D/pids.max")"
	run br delete --force pz
	assertEquals "delete --force: $err" 0 "$rc"
	assertFalse "process gone" "alive $pid"
	assertFalse "cgroup removed" "[ -d '$D' ]"
	assertFalse "state removed" "[ -e '$STATE/pz' ]"
	run br delete --force pz
	assertEquals "delete --force again" 0 "$rc"
}

# runc's device default (deny a), a made-up node for 1:3, and the host's
# /dev/loop-control bound in, which no rule allows: only the BPF program,
# there being no v1 controller, can refuse it.
test_device_rules_are_a_bpf_program() {
	need_v2_chain || return 0
	[ -c /dev/loop-control ] || {
		skip_test "no /dev/loop-control (the loop module)"
		return 0
	}
	bundle dev '.linux.resources.devices = [{"allow": false, "access": "rwm"}]
		| .linux.devices = [{"path": "/dev/my/null", "type": "c", "major": 1, "minor": 3, "fileMode": 420, "uid": 7}]
		| .mounts += [{"destination": "/dev/lc", "type": "bind", "source": "/dev/loop-control", "options": ["bind"]}]
		| .process.args = ["sh", "-c", "
			stat -c \"%t:%T %a %u\" /dev/my/null
			echo x >/dev/null && echo null-writes
			(exec 3</dev/lc) 2>/dev/null && echo lc-opens || echo lc-denied"]'
	run br run --bundle "$B" dev
	assertEquals "run: $err" 0 "$rc" || return 0
	assertEquals "node made, loop-control refused" "1:3 644 7
null-writes
lc-denied" "$out"
	# without the rules the same bind opens
	bundle nodev '.mounts += [{"destination": "/dev/lc", "type": "bind", "source": "/dev/loop-control", "options": ["bind"]}]
		| .process.args = ["sh", "-c", "(exec 3</dev/lc) && echo lc-opens"]'
	run br run --bundle "$B" nodev
	assertEquals "run without rules: $err" 0 "$rc"
	assertEquals "loop-control opens without rules" lc-opens "$out"
}

box_run_suite
