#!/bin/bash
# tests/box-runtime-fields.sh - the config.json fields beyond the
# basics.  linux.resources beyond memory.limit, cpu and pids: each field
# read back from the container's cgroup in the hierarchy that serves its
# controller (v1 or v2, whichever this host has), or refused by name
# where that version has no such file; runc's `update` flags (containers
# made with `create` only: no process needs to run to read its cgroup
# back).  process.ioPriority, scheduler, apparmorProfile, selinuxLabel,
# linux.personality and timeOffsets, seen from inside the container.
# Cgroups below the suite's test cgroup.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"
# shellcheck source=tests/lib-runtime.sh
. "$(dirname "$0")/lib-runtime.sh"

# bundle NAME RESOURCES-JSON: $B, a bundle of the busybox image in
# cgroup $CG_T/NAME with linux.resources as given.
bundle() {
	rt_bundle "$1" ".linux.resources = $2 | .process.args = [\"sleep\", \"60\"]"
}

# created NAME RESOURCES-JSON: a created container, or a failed test.
created() {
	bundle "$1" "$2" || return 1
	run br create --bundle "$B" "$1"
	assertEquals "create $1: $err" 0 "$rc"
	[ "$rc" = 0 ]
}

# refused NAME RESOURCES-JSON TEXT: create says TEXT in one line, exits
# 125 and leaves neither state nor cgroup.
refused() {
	bundle "$1" "$2" || return 1
	create_refused "$1" "$3"
}

test_memory_reservation_swappiness_and_oom_killer() {
	need_chain || return 0
	need_ctrl memory || return 0
	if cg_is_v2 memory; then
		created memlow '{"memory": {"limit": 67108864, "reservation": 33554432}}' || return
		assertEquals "reservation is memory.low" 33554432 "$(cg_read memory memlow memory.low -)"
		br delete --force memlow
		refused swp '{"memory": {"swappiness": 10}}' \
			"linux.resources.memory.swappiness: the memory controller is on cgroup v2 here"
		refused oom '{"memory": {"disableOOMKiller": true}}' \
			"linux.resources.memory.disableOOMKiller: the memory controller is on cgroup v2"
	else
		created mem1 '{"memory": {"limit": 67108864, "reservation": 33554432,
			"swappiness": 7, "disableOOMKiller": true, "useHierarchy": true}}' || return
		assertEquals "reservation is the soft limit" 33554432 \
			"$(cg_read memory mem1 - memory.soft_limit_in_bytes)"
		assertEquals "swappiness" 7 "$(cg_read memory mem1 - memory.swappiness)"
		assertContains "OOM killer off" "$(cg_read memory mem1 - memory.oom_control)" "oom_kill_disable 1"
		br delete --force mem1
	fi
	refused hier '{"memory": {"useHierarchy": false}}' "linux.resources.memory.useHierarchy: false: not supported"
	refused kmem '{"memory": {"kernel": 1048576}}' "linux.resources.memory.kernel: not supported"
}

test_cpuset_mems_and_cpu_burst() {
	need_chain || return 0
	need_ctrl cpuset || return 0
	need_ctrl cpu || return 0
	local burst=cpu.cfs_burst_us
	cg_is_v2 cpu && burst=cpu.max.burst
	if [ ! -e "$(cg_dir cpu "")/$burst" ]; then
		created mems '{"cpu": {"cpus": "0", "mems": "0"}}' || return
	else
		created mems '{"cpu": {"cpus": "0", "mems": "0", "quota": 50000, "period": 100000, "burst": 1000}}' || return
		assertEquals "cpu burst" 1000 "$(cat "$(cg_dir cpu mems)/$burst")"
	fi
	assertEquals "cpuset.mems" 0 "$(cg_read cpuset mems cpuset.mems cpuset.mems)"
	br delete --force mems
	refused badmems '{"cpu": {"mems": "0;rm"}}' "linux.resources.cpu.mems: '0;rm': not a list of nodes"
	if cg_is_v2 cpu; then
		refused rt '{"cpu": {"realtimeRuntime": 1000}}' \
			"linux.resources.cpu.realtimeRuntime: the cpu controller is on cgroup v2 here"
	else
		refused idle '{"cpu": {"idle": 1}}' "linux.resources.cpu.idle: the cpu controller is on cgroup v1 here"
	fi
}

test_hugepage_limits_and_unified() {
	need_chain || return 0
	need_ctrl hugetlb || return 0
	local f
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || {
		skip_test "no 2MB huge pages on this machine"
		return 0
	}
	created huge '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}' || return
	assertEquals "hugetlb limit" 4194304 "$(cg_read hugetlb huge hugetlb.2MB.max hugetlb.2MB.limit_in_bytes)"
	br delete --force huge
	refused hugebad '{"hugepageLimits": [{"pageSize": "2XB", "limit": 1}]}' \
		"linux.resources.hugepageLimits[0].pageSize: '2XB': not a size such as 2MB"
	if cg_is_v2 hugetlb; then
		# unified: cgroup2's own file names, written as they are
		created uni '{"unified": {"hugetlb.2MB.max": "6291456"}}' || return
		assertEquals "unified hugetlb.2MB.max" 6291456 "$(cg_read hugetlb uni hugetlb.2MB.max -)"
		br delete --force uni
	fi
	for f in memory pids; do
		if cg_has $f && ! cg_is_v2 $f; then
			refused "uni$f" "{\"unified\": {\"$f.max\": \"10\"}}" \
				"linux.resources.unified.$f.max: the $f controller is on cgroup v1 here"
		fi
	done
	refused unibad '{"unified": {"../x": "1"}}' "linux.resources.unified: '../x': not a file name"
	refused uninum '{"unified": {"pids.max": 10}}' "linux.resources.unified.pids.max: not a string"
}

test_block_io_reaches_the_cgroup() {
	need_chain || return 0
	local maj min
	# the device of the rootfs's file system: its throttle is harmless
	read -r maj min < <(stat -c '%Hd %Ld' "$ROOTFS/")
	if cg_has blkio || cg_has io; then
		if [ -e "$(cg_dir blkio "" 2>/dev/null)/blkio.throttle.read_bps_device" ] ||
			{ cg_has io && [ -e "$(cg_dir io "")/io.max" ]; }; then
			created bio "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}],
				\"throttleWriteIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 300}]}}" || return
			if cg_has io && cg_is_v2 io; then
				assertContains "io.max" "$(cat "$(cg_dir io bio)/io.max")" "$maj:$min rbps=1048576 wbps=max riops=max wiops=300"
			else
				assertEquals "read bps" "$maj:$min 1048576" "$(cat "$(cg_dir blkio bio)/blkio.throttle.read_bps_device")"
				assertEquals "write iops" "$maj:$min 300" "$(cat "$(cg_dir blkio bio)/blkio.throttle.write_iops_device")"
			fi
			br delete --force bio
		fi
	fi
	if cg_has blkio && ! cg_is_v2 blkio && [ ! -e "$(cg_dir blkio "")/blkio.weight" ]; then
		# the tool's own error, folded into create's one line
		refused bw '{"blockIO": {"weight": 10}}' "create bw: write '10' to"
		assertContains "$err" "this kernel has no blkio.weight"
	fi
	refused biobad '{"blockIO": {"throttleReadBpsDevice": [{"major": 8, "rate": 1}]}}' \
		"linux.resources.blockIO.throttleReadBpsDevice[0]: needs major, minor and rate"
	refused bioleaf '{"blockIO": {"leafWeight": 10}}' "linux.resources.blockIO.leafWeight: not supported"
}

test_network_and_rdma_are_checked() {
	need_chain || return 0
	if ! cg_has net_cls; then
		refused netcls '{"network": {"classID": 1048577}}' \
			"linux.resources.network.classID: no net_cls hierarchy"
	fi
	refused netprio '{"network": {"priorities": [{"name": "eth0 x", "priority": 1}]}}' \
		"linux.resources.network.priorities"
	refused rdmabad '{"rdma": {"mlx 5": {"hcaHandles": 1}}}' "not a device name"
}

test_update_takes_runc_flags() {
	need_chain cg-set || return 0
	need_ctrl pids || return 0
	need_ctrl memory || return 0
	created upf '{"pids": {"limit": 20}}' || return
	run br update --pids-limit 33 --memory 48m upf
	assertEquals "update flags: $err" 0 "$rc"
	assertEquals "pids" 33 "$(cg_read pids upf pids.max pids.max)"
	assertEquals "memory" 50331648 "$(cg_read memory upf memory.max memory.limit_in_bytes)"
	echo '{"pids": {"limit": 40}, "memory": {"limit": 41943040}}' >"$BOX_TMP/r.json"
	run br update --resources "$BOX_TMP/r.json" --pids-limit 44 upf
	assertEquals "update file + flag: $err" 0 "$rc"
	assertEquals "the flag wins over the file" 44 "$(cg_read pids upf pids.max pids.max)"
	assertEquals "the file's other fields" 41943040 "$(cg_read memory upf memory.max memory.limit_in_bytes)"
	# -1: no limit, as runc takes it
	run br update --pids-limit -1 --memory -1 upf
	assertEquals "update -1: $err" 0 "$rc"
	assertEquals "pids limit lifted" max "$(cg_read pids upf pids.max pids.max)"
	assertContains "memory limit lifted" "$(cg_read memory upf memory.max memory.limit_in_bytes)" \
		"$(cg_is_v2 memory && echo max || echo 9223372036854)"
	run br update --pids-limit 44 upf
	assert_bad_input box-runtime --root "$STATE" update --pids-limit lots upf
	assert_bad_input box-runtime --root "$STATE" update --memory 12q upf
	assert_bad_input box-runtime --root "$STATE" update --l3-cache-schema L3:0=f upf
	assertContains "$err" "not supported"
	assert_bad_input box-runtime --root "$STATE" update upf
	assertEquals "unchanged after refusals" 44 "$(cg_read pids upf pids.max pids.max)"
	br delete --force upf
}

# bundle_args NAME JQ-FILTER: as bundle, no resources, the filter applied
bundle_args() {
	bundle "$1" '{}' || return 1
	jq "$2" "$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
}

test_process_scheduling_personality_and_clocks() {
	need_chain || return 0
	need_ns time || return 0
	bundle_args sched '.process.args = ["sh", "-c", "
		set -- $(cat /proc/self/stat | sed \"s/.*) //\")
		echo nice=${17} policy=${39}
		ionice -p $$
		echo arch=$(uname -m)
		cat /proc/self/timens_offsets"]
		| .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 3}
		| .process.scheduler = {"policy": "SCHED_BATCH", "nice": 5}
		| .linux.personality = {"domain": "LINUX32"}
		| .linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 86400}, "boottime": {"secs": 3600, "nanosecs": 0}}'
	run br run --bundle "$B" sched
	assertEquals "run: $err" 0 "$rc"
	# SCHED_BATCH is policy 3 in /proc/PID/stat
	assertContains "$out" "nice=5 policy=3"
	assertContains "$out" "best-effort: prio 3"
	assertContains "$out" "arch=i686"
	out=$(echo "$out" | tr -s ' ')
	assertContains "$out" "monotonic 86400 0"
	assertContains "$out" "boottime 3600 0"
}

test_process_fields_are_checked() {
	need_chain || return 0
	local d
	for d in \
		'.process.ioPriority = {"class": "IOPRIO_CLASS_XX"}@@process.ioPriority.class' \
		'.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 8}@@process.ioPriority.priority' \
		'.process.scheduler = {"policy": "SCHED_ISO"}@@SCHED_ISO: not in the Linux kernel' \
		'.process.scheduler = {"policy": "SCHED_OTHER", "flags": ["SCHED_FLAG_X"]}@@process.scheduler.flags[0]' \
		'.linux.personality = {"domain": "LINUX64"}@@linux.personality.domain' \
		'.linux.timeOffsets = {"monotonic": {"secs": 1}}@@linux.timeOffsets: needs a time namespace' \
		'.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"realtime": {"secs": 1}}@@not a clock' \
		'.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"boottime": {"secs": 1, "nanosecs": 5}}@@nanosecs: not supported'; do
		bundle_args badproc "${d%%@@*}"
		assert_bad_input box-runtime --root "$STATE" create --bundle "$B" badproc
		assertContains "$err" "${d#*@@}"
		assertFalse "no state" "[ -e '$STATE/badproc' ]"
	done
}

# The LSM labels reach cap-drop; on a host without the LSM, create
# fails with cap-drop's one line in it and leaves nothing.
test_lsm_labels_go_to_cap_drop() {
	need_chain || return 0
	bundle_args aa '.process.apparmorProfile = "containers-default-0.50.0" | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
	run br create --bundle "$B" --print-chain aa
	assertContains "$out" "--apparmor-profile=containers-default-0.50.0 --selinux-label=system_u:system_r:container_t:s0"
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		bundle_args aa '.process.apparmorProfile = "containers-default-0.50.0"'
		# cap-drop's error, a step of the chain, is create's one line
		assert_bad_input box-runtime --root "$STATE" create --bundle "$B" aa
		assertContains "$err" "box-runtime: create aa: cap-drop: set the AppArmor label"
		assertContains "$err" "AppArmor is not enabled here"
		assertFalse "no state" "[ -e '$STATE/aa' ]"
		assertEquals "no cgroup left" "" "$(for d in $(cg_all_dirs aa); do [ -d "$d" ] && echo "$d"; done)"
	fi
}

box_run_suite
