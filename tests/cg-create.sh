#!/bin/bash
# tests/cg-create.sh - cg-create makes cgroups in every hierarchy, writes
# the limits the kernel then enforces, refuses bad input without making
# anything, and delegates to an unprivileged user.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"

test_create_makes_the_cgroup_in_every_hierarchy() {
	local d n=0
	cg-create $CG_R "$CG_T/every"
	assertEquals "cg-create status" 0 $?
	for d in $(cg_all_dirs every); do
		assertTrue "$d exists" "[ -d '$d' ]"
		n=$((n + 1))
	done
	assertTrue "some hierarchy checked" "[ $n -gt 0 ]"
}

# mountinfo escapes a space, tab, newline and backslash in a mount point
# as \ooo; libmount undoes that.  In a mount namespace of its own the
# test unmounts every hierarchy and mounts cgroup2 (and a v1
# pids hierarchy, where the host has one) again at such names: cg-create
# must find those and make the cgroup there, and in no hierarchy hidden.
test_mount_points_with_escaped_characters_are_found() {
	need_cmd unshare || return 0
	local v1pids="" d hidden=""
	[ -n "$CG_V2" ] || {
		skip_test "no cgroup2 mount to mount again"
		return 0
	}
	cg_has pids && ! cg_is_v2 pids && v1pids=1
	cg_has memory && ! cg_is_v2 memory && hidden=$(cg_dir memory esc)
	# shellcheck disable=SC2016 # expanded by the inner shell
	run unshare --mount bash -c '
		umount -R /sys/fs/cgroup &&
			mount -t tmpfs boxtest /sys/fs/cgroup || exit 99
		mkdir "/sys/fs/cgroup/$1" &&
			mount -t cgroup2 none "/sys/fs/cgroup/$1" || exit 99
		if [ -n "$3" ]; then
			mkdir "/sys/fs/cgroup/p ids" &&
				mount -t cgroup -o pids none "/sys/fs/cgroup/p ids" || exit 99
		fi
		grep -qF "/sys/fs/cgroup/$2 " /proc/self/mountinfo || exit 98
		cg-create $CG_R "$CG_T/esc"' - $'a b\\c\td' 'a\040b\134c\011d' "$v1pids"
	assertEquals "status (stderr: $err)" 0 "$rc"
	d=$(_cg_dir_at "" "$CG_V2" esc)
	assertTrue "made in cgroup2 ($d)" "[ -d '$d' ]"
	if [ -n "$v1pids" ]; then
		d=$(cg_dir pids esc)
		assertTrue "made in v1 pids ($d)" "[ -d '$d' ]"
	fi
	if [ -n "$hidden" ]; then
		assertFalse "not made in the hidden memory hierarchy" "[ -d '$hidden' ]"
	fi
}

# libcgroup's cgcreate -g: the cgroup is made in the hierarchies of the
# controllers named (and on cgroup v2 those controllers are enabled for
# it), "*" in all of them.
test_dash_g_makes_it_in_the_named_hierarchies_only() {
	local d
	need_ctrl pids || return 0
	run cg-create $CG_R -g pids:"$CG_T/gp"
	assertEquals "status (stderr: $err)" 0 "$rc"
	d=$(cg_dir pids gp)
	assertTrue "made for pids ($d)" "[ -d '$d' ]"
	if cg_is_v2 pids; then
		assertContains "pids enabled for it" \
			"$(cat "$(dirname "$d")/cgroup.subtree_control")" pids
	elif cg_has memory && ! cg_is_v2 memory; then
		assertFalse "not made for memory" "[ -d '$(cg_dir memory gp)' ]"
	fi
	run cg-create $CG_R -g '*':"$CG_T/gall"
	assertEquals "status (stderr: $err)" 0 "$rc"
	for d in $(cg_all_dirs gall); do
		assertTrue "$d exists" "[ -d '$d' ]"
	done
}

test_admin_tasks_owner_and_modes() {
	local d f
	cg-create $CG_R -a 65534:65534 -t 0:0 -d 750 -f 640 -s 600 "$CG_T/perm"
	assertEquals "status" 0 $?
	for d in $(cg_all_dirs perm); do
		assertEquals "$d owner" 65534:65534 "$(stat -c %u:%g "$d")"
		assertEquals "$d mode" 750 "$(stat -c %a "$d")"
		for f in "$d"/*; do
			case ${f##*/} in
			tasks | cgroup.procs | cgroup.threads)
				assertEquals "$f owner" 0:0 "$(stat -c %u:%g "$f")"
				assertEquals "$f mode" 600 "$(stat -c %a "$f")"
				;;
			*)
				assertEquals "$f owner" 65534:65534 "$(stat -c %u:%g "$f")"
				# 640, masked by what the owner had: a read-only
				# file stays read-only, a write-only one too
				case $(stat -c %a "$f") in
				640 | 440 | 200) ;;
				*) fail "$f mode $(stat -c %a "$f")" ;;
				esac
				;;
			esac
		done
	done
}

test_libcgroup_syntax_bad_input_makes_nothing() {
	local before a
	before=$(cg_snapshot)
	for a in "-g nosuch:x" "-g :x" "-g pids" "-d 8" "-d 1000" "-f x" \
		"-a nosuchuser-boxtest" "-t 1:nosuchgroup-boxtest"; do
		# shellcheck disable=SC2086
		cg_bad_input cg-create $CG_R $a "$CG_T/bad"
	done
	if cg_has pids && cg_has memory && [ "$(cg_mnt pids)" != "$(cg_mnt memory)" ]; then
		# a limit for a hierarchy -g does not name
		cg_bad_input cg-create $CG_R --memory 64M -g pids:"$CG_T/bad"
	fi
	assertEquals "nothing made" "$before" "$(cg_snapshot)"
}

test_options_may_follow_the_paths() {
	need_ctrl pids || return 0
	# shellcheck disable=SC2086
	run cg-create "$CG_T/late" --pids 11 $CG_R
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "pids" 11 "$(cg_read pids late pids.max pids.max)"
}

test_limits_are_written_in_the_kernel_units() {
	need_ctrl memory || return 0
	need_ctrl pids || return 0
	need_ctrl cpu || return 0
	run cg-create $CG_R --memory 64M --pids 42 --cpus 0.5 --cpu-weight 50 \
		"$CG_T/units"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "memory" 67108864 \
		"$(cg_read memory units memory.max memory.limit_in_bytes)"
	assertEquals "pids" 42 "$(cg_read pids units pids.max pids.max)"
	if cg_is_v2 cpu; then
		assertEquals "cpu.max" "50000 100000" "$(cg_read cpu units cpu.max)"
		assertEquals "cpu.weight" 50 "$(cg_read cpu units cpu.weight)"
	else
		assertEquals "quota" 50000 "$(cg_read cpu units - cpu.cfs_quota_us)"
		assertEquals "period" 100000 "$(cg_read cpu units - cpu.cfs_period_us)"
		# the kernel's weight<->shares mapping: round(50 * 1024 / 100)
		assertEquals "shares" 512 "$(cg_read cpu units - cpu.shares)"
	fi
}

test_memory_swap_means_memory_plus_swap() {
	need_ctrl memory || return 0
	if ! cg_is_v2 memory && [ ! -e "$(cg_mnt memory)/memory.memsw.limit_in_bytes" ]; then
		run cg-create $CG_R --memory 32M --memory-swap 64M "$CG_T/swap"
		assertEquals "refused without swap accounting" 125 "$rc"
		assertContains "$err" "swap accounting"
		return 0
	fi
	run cg-create $CG_R --memory 32M --memory-swap 64M "$CG_T/swap"
	if cg_is_v2 memory && [ "$rc" != 0 ] && [ -z "${err##*swap.max*}" ]; then
		skip_test "kernel has no v2 swap accounting: $err"
		return 0
	fi
	assertEquals "status (stderr: $err)" 0 "$rc"
	if cg_is_v2 memory; then
		assertEquals "swap alone" 33554432 "$(cg_read memory swap memory.swap.max)"
	else
		assertEquals "memsw" 67108864 \
			"$(cg_read memory swap - memory.memsw.limit_in_bytes)"
	fi
	cg_bad_input cg-create $CG_R --memory 64M --memory-swap 32M "$CG_T/swap2"
	cg_bad_input cg-create $CG_R --memory-swap 32M "$CG_T/swap2"
}

test_cpuset_and_raw_set() {
	need_ctrl cpuset || return 0
	need_ctrl pids || return 0
	run cg-create $CG_R --cpuset 0 --set pids.max=7 "$CG_T/cs"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "cpuset" 0 "$(cat "$(cg_dir cpuset cs)/cpuset.cpus")"
	assertEquals "raw pids.max" 7 "$(cg_read pids cs pids.max pids.max)"
	if ! cg_is_v2 cpuset; then
		# v1 takes no task without mems: copied from the parent
		assertEquals "mems" "$(cat "$(cg_dir cpuset)/cpuset.mems")" \
			"$(cat "$(cg_dir cpuset cs)/cpuset.mems")"
	fi
}

test_parents_like_mkdir_p() {
	cg_bad_input cg-create $CG_R "$CG_T/p1/p2/p3"
	assertEquals "nothing made" "" "$(cg_snapshot | grep /p1)"
	run cg-create $CG_R --parents "$CG_T/p1/p2/p3"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertTrue "made" "[ -d '$(cg_dir pids p1/p2/p3)' ] || [ -d '$(cg_all_dirs p1/p2/p3 | head -1)' ]"
	run cg-create $CG_R --parents "$CG_T/p1/p2/p3"
	assertEquals "existing is fine with --parents" 0 "$rc"
	cg_bad_input cg-create $CG_R "$CG_T/p1"
	assertContains "$err" "File exists"
}

test_bad_input_is_refused_and_makes_nothing() {
	local before a long
	long=$(printf 'x%.0s' $(seq 300))
	cg-create $CG_R "$CG_T/bad"
	before=$(cg_snapshot)
	for a in "--memory 64Q" "--memory -1M" "--memory 99999999999999999999" \
		"--memory 0" "--cpus 0" "--cpus -1" "--cpus 0.0001" "--cpus abc" \
		"--cpu-weight 0" "--cpu-weight 10001" "--pids -5" "--pids 1x" \
		"--cpuset 3-1" "--cpuset 0,,1" "--io-max 8:0" "--io-max 8:0:xbps=1" \
		"--io-max 8:0:rbps=-1" "--set ../x=1" "--set pids/max=1" \
		"--set nosuch.file=1" "--set =1" "--set memory.max" \
		"--owner no-such-user-xyz"; do
		# shellcheck disable=SC2086 # split the option and its value
		cg_bad_input cg-create $CG_R $a "$CG_T/bad/x"
	done
	for a in .. "bad/../x" "bad//x" "bad/./x" "bad/x/" "bad/$long" \
		"$(printf 'bad/a\nb')"; do
		cg_bad_input cg-create $CG_R "$CG_T/$a"
	done
	if [ -n "$CG_R" ]; then
		cg_bad_input cg-create $CG_R "/$CG_T/abs"
	fi
	cg_bad_input cg-create $CG_R
	assertEquals "nothing made" "$before" "$(cg_snapshot)"
}

test_symlinks_and_mounts_in_the_tree_are_refused() {
	local d
	need_cmd unshare || return 0
	cg-create $CG_R "$CG_T/trap"
	d=$(cg_all_dirs trap | head -1)
	# A cgroup filesystem has no symlinks; fake an attack with a tmpfs
	# holding links, mounted in a private mount namespace only.  The
	# walk stops at the mount already (so the links are never met).
	run unshare --mount --propagation private bash -c '
		mount -t tmpfs none "$1" && ln -s / "$1/root" && ln -s .. "$1/up" &&
		mkdir "$1/dir" || exit 99
		for p in trap/root/x trap/up/x trap/dir/x; do
			cg-create $2 --parents "$3/$p" 2>&1
			echo "rc=$?"
			cg-exec $2 "$3/$p" true 2>&1
			echo "rc=$?"
		done' bash "$d" "$CG_R" "$CG_T"
	assertNotContains "set up (out: $out)" "$out" "rc=99"
	assertNotContains "nothing accepted: $out" "$out" "rc=0"
	assertContains "cg-create refuses the mount" "$out" "mounted there"
	assertContains "cg-exec refuses the mount" "$out" "something is mounted on the way"
	assertFalse "nothing made at the root" "[ -e /x ]"
	assertEquals "trap left empty" "" "$(cg_snapshot | grep '/trap/')"
}

test_io_max_on_a_block_device() {
	local dev f
	cg_has blkio || cg_has io || {
		skip_test "no io or blkio controller"
		return 0
	}
	# the VM tier has no disk; a null_blk device stands in (only there:
	# loading a module is no business of a test on a host)
	if grep -q boxvm.nonce /proc/cmdline && ! grep -q nullb /proc/partitions; then
		modprobe null_blk 2>/dev/null
	fi
	dev=$(awk 'NR > 2 && $4 !~ /^(ram|zram)/ { print $1 ":" $2; exit }' /proc/partitions)
	if [ -z "$dev" ]; then
		skip_test "no block device in /proc/partitions"
		return 0
	fi
	run cg-create $CG_R --io-max "$dev:rbps=1M,wiops=100" "$CG_T/io"
	assertEquals "status (stderr: $err)" 0 "$rc"
	if cg_is_v2 io; then
		f=$(cat "$(cg_dir io io)/io.max")
		assertContains "$f" "$dev rbps=1048576"
		assertContains "$f" "wiops=100"
	else
		assertEquals "$dev 1048576" \
			"$(cat "$(cg_dir blkio io)/blkio.throttle.read_bps_device")"
		assertEquals "$dev 100" \
			"$(cat "$(cg_dir blkio io)/blkio.throttle.write_iops_device")"
	fi
}

test_failure_half_way_removes_what_this_run_made() {
	local before
	need_ctrl pids || return 0
	before=$(cg_snapshot)
	# valid for us, refused by the kernel after the cgroup is made
	run cg-create $CG_R --parents --set pids.max=bogus "$CG_T/half/way"
	assertEquals "status" 125 "$rc"
	assertContains "$err" "pids.max"
	assertEquals "all removed again" "$before" "$(cg_snapshot)"
}

test_owner_delegates_directory_and_files() {
	local d f
	run cg-create $CG_R --owner 65534:65534 "$CG_T/own"
	assertEquals "status (stderr: $err)" 0 "$rc"
	for d in $(cg_all_dirs own); do
		assertEquals "$d owner" 65534:65534 "$(stat -c %u:%g "$d")"
		assertEquals "$d/cgroup.procs owner" 65534:65534 \
			"$(stat -c %u:%g "$d/cgroup.procs")"
		for f in cgroup.threads cgroup.subtree_control; do
			[ -e "$d/$f" ] || continue
			assertEquals "$d/$f owner" 65534:65534 "$(stat -c %u:%g "$d/$f")"
		done
		# the limits stay with the delegator
		for f in pids.max memory.max; do
			[ -e "$d/$f" ] || continue
			assertEquals "$d/$f owner" 0 "$(stat -c %u "$d/$f")"
		done
	done
}

test_delegated_user_makes_a_child_and_moves_itself() {
	local out_cg d
	need_nobody || return 0
	cg-create $CG_R --owner 65534:65534 "$CG_T/deleg"
	# root puts the user's process into the delegated cgroup (as systemd
	# does); from there the user makes a child and moves into it.
	run cg-exec $CG_R "$CG_T/deleg" setpriv --reuid=65534 --regid=65534 \
		--clear-groups bash -c 'cg-create --relative child &&
			exec cg-exec --relative child cat /proc/self/cgroup'
	assertEquals "status (stderr: $err)" 0 "$rc"
	out_cg=$out
	for d in $(cg_all_dirs deleg/child); do
		assertTrue "$d made" "[ -d '$d' ]"
		assertEquals "$d made by the user" 65534 "$(stat -c %u "$d")"
	done
	assertContains "moved into the child" "$out_cg" "${CG_T#/}/deleg/child"
	assertEquals "in the child in every hierarchy" "$(cg_all_dirs | wc -l)" \
		"$(echo "$out_cg" | grep -c '/deleg/child$')"
}

test_v2_enables_controllers_top_down() {
	if ! cg_is_v2 pids; then
		skip_test "the pids controller is not on cgroup2 here (v1 or hybrid host)"
		return 0
	fi
	run cg-create $CG_R --parents --pids 5 "$CG_T/td1/td2"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "T" "$(cat "$(cg_dir pids)/cgroup.subtree_control")" pids
	assertContains "td1" "$(cat "$(cg_dir pids td1)/cgroup.subtree_control")" pids
	assertEquals "limit" 5 "$(cat "$(cg_dir pids td1/td2)/pids.max")"
}

test_v2_no_internal_process_rule_is_explained() {
	local pid
	# memory is a domain controller; threaded ones (pids, cpu, cpuset)
	# may share a cgroup with processes
	if ! cg_is_v2 memory; then
		skip_test "the memory controller is not on cgroup2 here (v1 or hybrid host)"
		return 0
	fi
	cg-create $CG_R "$CG_T/busy"
	cg-exec $CG_R "$CG_T/busy" sleep 30 &
	pid=$!
	wait_for "grep -q $pid '$(cg_dir memory busy)/cgroup.procs'"
	run cg-create $CG_R --memory 64M "$CG_T/busy/child"
	kill "$pid"
	wait "$pid" 2>/dev/null
	assertEquals "status" 125 "$rc"
	assertContains "$err" "no-internal-process"
	assertFalse "child removed again" "[ -d '$(cg_dir memory busy/child)' ]"
}

# --- the limits act ---------------------------------------------------------

test_memory_hog_is_oom_killed_and_counted() {
	local opts="--memory 32M" kills
	need_ctrl memory || return 0
	if cg_swap_on; then
		opts="$opts --memory-swap 32M"
	fi
	# shellcheck disable=SC2086
	cg-create $CG_R $opts "$CG_T/hog"
	# a string that doubles until the kernel kills its shell
	run cg-exec $CG_R "$CG_T/hog" bash -c 'a=x; while :; do a=$a$a; done'
	assertEquals "killed by SIGKILL" 137 "$rc"
	kills=$(cg_stat_key hog oom_kill_events)
	assertTrue "cg-stat counts the OOM kill (got '$kills')" "[ '${kills:-0}' -ge 1 ]"
	if cg_is_v2 memory; then
		assertTrue "oom events" "[ '$(cg_stat_key hog oom_events)' -ge 1 ]"
	fi
	return 0
}

test_fork_loop_hits_the_pids_limit() {
	local pid cur
	need_ctrl pids || return 0
	cg-create $CG_R --pids 20 "$CG_T/forks"
	cg-exec $CG_R "$CG_T/forks" bash -c \
		'for ((i = 0; i < 40; i++)); do sleep 30 & done; wait' \
		2>"$BOX_TMP/forks.err" &
	pid=$!
	wait_for "grep -q 'Resource temporarily unavailable' '$BOX_TMP/forks.err'" 200
	assertContains "fork fails with EAGAIN" "$(cat "$BOX_TMP/forks.err")" \
		"Resource temporarily unavailable"
	cur=$(cg_stat_key forks pids_current)
	assertEquals "held at the limit" 20 "$cur"
	cg-delete $CG_R "$CG_T/forks"
	wait "$pid" 2>/dev/null
	return 0
}

# _busy SUB SECONDS: run a busy loop in $CG_T/SUB for about SECONDS;
# prints the cgroup's CPU time and the loop's wall time, in microseconds.
_busy() {
	local pid t0 t1
	t0=${EPOCHREALTIME/./}
	cg-exec $CG_R "$CG_T/$1" bash -c 'while :; do :; done' &
	pid=$!
	sleep "$2"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	t1=${EPOCHREALTIME/./}
	echo "$(cg_stat_key "$1" cpu_usage_usec) $((t1 - t0))"
}

test_busy_loop_gets_half_a_cpu() {
	local r used wall lo hi free fwall busy=
	need_ctrl cpu || return 0
	for _ in 1 2 3; do
		cg-delete $CG_R "$CG_T/cpu" "$CG_T/cpufree" 2>/dev/null
		cg-create $CG_R --cpus 0.5 "$CG_T/cpu" || fail "create"
		cg-create $CG_R "$CG_T/cpufree" || fail "create"
		r=$(_busy cpu 2)
		used=${r% *} wall=${r#* }
		lo=$((wall / 2 * 8 / 10)) hi=$((wall / 2 * 12 / 10))
		[ "$used" -ge "$lo" ] && break
		# Too little: was the loop held back by the limit, or by a
		# loaded machine?  An unlimited loop shows what it can get.
		r=$(_busy cpufree 1)
		free=${r% *} fwall=${r#* }
		busy="an unlimited loop got only $((free * 100 / fwall))% of a CPU"
		[ $((free * 4)) -ge $((fwall * 3)) ] && busy= && break
	done
	assertTrue "cpu used ${used}us <= ${hi}us (1.2 x half of ${wall}us wall)" \
		"[ $used -le $hi ]"
	assertTrue "cfs periods counted" "[ '$(cg_stat_key cpu cpu_nr_periods)' -gt 0 ]"
	if [ "$used" -lt "$lo" ] && [ -n "$busy" ]; then
		skip_test "lower bound not judged: machine too busy ($busy; the limited loop got ${used}us of ${wall}us)"
		return 0
	fi
	assertTrue "cpu used ${used}us >= ${lo}us (0.8 x half of ${wall}us wall)" \
		"[ $used -ge $lo ]"
}

box_run_suite
