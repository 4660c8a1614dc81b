#!/bin/bash
# tests/box-runtime-devices.sh - box-runtime and devices: linux.devices
# become nodes pivot makes (with their mode and owner) and rules that
# allow them; linux.resources.devices become cg-create --device rules,
# in force through the v1 devices controller and, in cgroup2, through a
# BPF device program (both on a hybrid host).  A process that joins only
# the container's cgroup2 cgroup proves the program on its own.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"
# shellcheck source=tests/lib-runtime.sh
. "$(dirname "$0")/lib-runtime.sh"

# bundle NAME [JQ-FILTER]: as rt_bundle, every device denied first
bundle() {
	rt_bundle "$1" '.linux.resources.devices = [{"allow": false, "access": "rwm"}]
		| '"${2:-.}"
}

need_dev_chain() {
	need_chain || return 1
	[ -c /dev/fuse ] && [ -c /dev/loop-control ] && return 0
	skip_test "needs the host's /dev/fuse and /dev/loop-control"
	return 1
}

# A FUSE node and a made-up name for 1:3, with modes and owners; the
# host's loop-control bound in, which no rule allows.
NODES='.linux.devices = [
	{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 384},
	{"path": "/dev/my/null", "type": "c", "major": 1, "minor": 3, "fileMode": 438, "uid": 1000, "gid": 1001},
	{"path": "/dev/pipe", "type": "p", "fileMode": 416}]
	| .mounts += [{"destination": "/dev/lc", "type": "bind", "source": "/dev/loop-control", "options": ["bind"]}]'

test_linux_devices_are_made_and_allowed() {
	need_dev_chain || return 0
	bundle nodes "$NODES"' | .process.args = ["sh", "-c", "
		stat -c \"%F %t:%T %a %u:%g\" /dev/fuse /dev/my/null /dev/pipe
		echo x >/dev/my/null && echo null-writes
		(exec 3<>/dev/fuse) && echo fuse-opens
		(exec 3</dev/lc) 2>/dev/null && echo lc-opens || echo lc-denied"]'
	run br run --bundle "$B" nodes
	assertEquals "run: $err" 0 "$rc"
	assertEquals "nodes, opened and refused" "character special file a:e5 600 0:0
character special file 1:3 666 1000:1001
fifo 0:0 640 0:0
null-writes
fuse-opens
lc-denied" "$out"
	assertFalse "run deleted its state" "[ -e '$STATE/nodes' ]"
	# without device rules the same bind opens: the rules refused it
	bundle open '.linux.resources.devices = null
		| .mounts += [{"destination": "/dev/lc", "type": "bind", "source": "/dev/loop-control", "options": ["bind"]}]
		| .process.args = ["sh", "-c", "(exec 3</dev/lc) && echo lc-opens"]'
	run br run --bundle "$B" open
	assertEquals "run without rules: $err" 0 "$rc"
	assertEquals "loop-control opens without rules" lc-opens "$out"
}

test_cgroup2_program_holds_the_rules() {
	need_dev_chain || return 0
	[ -n "$CG_V2" ] || {
		skip_test "no cgroup2 hierarchy mounted"
		return 0
	}
	local v2 pid
	bundle prog "$NODES"' | .process.args = ["sleep", "60"]'
	run br create --bundle "$B" --pid-file "$BOX_TMP/prog.pid" prog
	assertEquals "create: $err" 0 "$rc"
	pid=$(cat "$BOX_TMP/prog.pid")
	v2=$(_cg_dir_at "" "$CG_V2" prog)
	assertTrue "container in $v2" "grep -qx '$pid' '$v2/cgroup.procs'"
	# the config's, the nodes pivot binds, then linux.devices
	assertEquals "the rules in force" "deny a
allow c 1:3 rwm
allow c 1:5 rwm
allow c 1:7 rwm
allow c 1:8 rwm
allow c 1:9 rwm
allow c 5:0 rwm
allow c 5:2 rwm
allow c 136:* rwm
allow c 10:229 rwm
allow c 1:3 rwm" "$(getfattr --only-values -n trusted.boxutils.devices "$v2")"
	# joined to the cgroup2 cgroup alone (on a hybrid host the v1
	# controller does not see this process): the program decides
	assertEquals "fuse, null, loop-control" "rw rw -- " \
		"$(access_in "$v2/cgroup.procs" /dev/fuse /dev/null /dev/loop-control)"
	if [ -n "$(cg_mnt devices | grep -v "^$CG_V2\$")" ]; then
		assertEquals "v1 has them too" "c 10:229 rwm" \
			"$(grep 10:229 "$(cg_dir devices prog)/devices.list")"
	fi
	br kill prog KILL
	wait_for "[ \"\$(br state prog | jq -r .status)\" = stopped ]"
	run br delete prog
	assertEquals "delete: $err" 0 "$rc"
	assertFalse "cgroup gone" "[ -d '$v2' ]"
}

test_resources_devices_become_device_rules() {
	need_dev_chain || return 0
	bundle rules '.linux.resources.devices += [
		{"allow": true, "type": "c", "major": 10, "minor": 237, "access": "r"},
		{"allow": true, "type": "b", "access": "m"}]
		| .process.args = ["true"]'
	run br create --print-chain --bundle "$B" rules
	assertEquals "print-chain: $err" 0 "$rc"
	assertContains "$out" "'--device=deny a *:* rwm'"
	assertContains "$out" "'--device=allow c 10:237 r'"
	assertContains "$out" "'--device=allow b *:* m'"
	assertContains "the nodes pivot binds, allowed" "$out" "'--device=allow c 136:* rwm'"
}

test_bad_devices_are_refused_by_name() {
	need_dev_chain || return 0
	local f d
	while IFS='|' read -r f t; do
		bundle bad "$f"
		assert_bad_input box-runtime --root "$STATE" create --bundle "$B" bad
		assertContains "$err" "$t"
		assertFalse "no state" "[ -e '$STATE/bad' ]"
		for d in $(cg_all_dirs bad); do
			assertFalse "no cgroup $d" "[ -d '$d' ]"
		done
	done <<-'EOF'
		.linux.devices = [{"path": "dev/x", "type": "c", "major": 1, "minor": 3}]|linux.devices[0].path
		.linux.devices = [{"path": "/dev/x", "type": "z", "major": 1, "minor": 3}]|linux.devices[0].type
		.linux.devices = [{"path": "/dev/x", "type": "c", "minor": 3}]|linux.devices[0].major
		.linux.devices = [{"path": "/dev/x", "type": "c", "major": 1, "minor": 3, "fileMode": 4096}]|linux.devices[0].fileMode
		.linux.devices = [{"path": "/dev/x", "type": "p", "major": 1, "minor": 3}]|FIFO
		.linux.devices = [{"path": "/dev/x", "type": "c", "major": 1, "minor": 3, "label": "x"}]|linux.devices[0].label
		.linux.devices = {"path": "/dev/x"}|linux.devices: not an array
		.linux.resources.devices = [{"allow": true, "type": "a", "major": 1, "access": "r"}]|type a
		.linux.resources.devices = [{"allow": true, "type": "c", "access": "rwx"}]|access
		.linux.resources.devices = [{"allow": true, "type": "c", "access": "rr"}]|access
	EOF
}

box_run_suite
