#!/bin/bash
# tests/cap-drop.sh - cap-drop: the payload's capability sets, ids and
# no_new_privs, read from its own /proc/self/status.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# Capability numbers, as in <linux/capability.h>.
CHOWN=0 DAC_OVERRIDE=1 FOWNER=3 FSETID=4 KILL=5 SETGID=6 SETUID=7
SETPCAP=8 NET_BIND_SERVICE=10 NET_RAW=13 SYS_CHROOT=18 SYS_ADMIN=21
MKNOD=27 AUDIT_WRITE=29 SETFCAP=31

# mask CAP...: the hex mask /proc/PID/status prints for those caps.
mask() {
	local m=0 c
	for c; do
		m=$((m | (1 << c)))
	done
	printf '%016x' "$m"
}

# Docker's default set, as the test computes it, narrowed to what this
# process's bounding set has (cap-drop takes the default from there).
docker_default() {
	printf '%016x' $((0x$(mask $CHOWN $DAC_OVERRIDE $FSETID $FOWNER $MKNOD \
		$NET_RAW $SETGID $SETUID $SETFCAP $SETPCAP $NET_BIND_SERVICE \
		$SYS_CHROOT $KILL $AUDIT_WRITE) & 0x$(my_status CapBnd)))
}

# my_status FIELD: the field of this shell's /proc/self/status.
my_status() {
	awk -v f="$1:" '$1 == f { print $2 }' /proc/$$/status
}

# status_of CMD...: run CMD, which prints its /proc/self/status; keep it.
status_of() {
	run "$@"
	assertEquals "exit of $* (stderr: $err)" 0 "$rc"
	status=$out
}

field() {
	printf '%s\n' "$status" | awk -v f="$1:" '$1 == f { print $2 }'
}

# assert_sets EFF PRM BND INH AMB NNP, against the last status_of.
assert_sets() {
	assertEquals CapEff "$1" "$(field CapEff)"
	assertEquals CapPrm "$2" "$(field CapPrm)"
	assertEquals CapBnd "$3" "$(field CapBnd)"
	assertEquals CapInh "$4" "$(field CapInh)"
	assertEquals CapAmb "$5" "$(field CapAmb)"
	assertEquals NoNewPrivs "$6" "$(field NoNewPrivs)"
}

ZERO=0000000000000000

test_default_is_dockers_set() {
	need_root || return 0
	local d
	d=$(docker_default)
	status_of cap-drop -- cat /proc/self/status
	assert_sets "$d" "$d" "$d" $ZERO $ZERO 0
	# the well-known CapBnd of a Docker container, where the host has
	# every capability of the set (this one lacks cap_sys_resource,
	# which is not in it)
	if [ $((0xa80425fb & 0x$(my_status CapBnd))) = $((0xa80425fb)) ]; then
		assertEquals 00000000a80425fb "$d"
	fi
}

test_caps_keeps_exactly_the_list() {
	need_root || return 0
	local m
	m=$(mask $CHOWN $KILL $SYS_ADMIN)
	status_of cap-drop --caps chown,CAP_KILL,Cap_Sys_Admin -- cat /proc/self/status
	assert_sets "$m" "$m" "$m" $ZERO $ZERO 0
	# by number, as libcap takes it
	status_of cap-drop --caps 0,5,21 -- cat /proc/self/status
	assert_sets "$m" "$m" "$m" $ZERO $ZERO 0
}

test_caps_all_keeps_the_bounding_set() {
	need_root || return 0
	local b last
	b=$(my_status CapBnd)
	status_of cap-drop --caps all -- cat /proc/self/status
	assert_sets "$b" "$b" "$b" $ZERO $ZERO 0
	# and nothing beyond the kernel's last capability
	last=$(cat /proc/sys/kernel/cap_last_cap)
	assertEquals "bits above cap_last_cap" 0 $((0x$(field CapBnd) >> (last + 1)))
}

test_caps_none_drops_everything() {
	need_root || return 0
	status_of cap-drop --caps none -- cat /proc/self/status
	assert_sets $ZERO $ZERO $ZERO $ZERO $ZERO 0
}

test_drop_removes_from_the_kept_set() {
	need_root || return 0
	local d m
	d=$(docker_default)
	m=$(printf '%016x' $((0x$d & ~(1 << NET_RAW) & ~(1 << MKNOD))))
	status_of cap-drop --drop net_raw,mknod -- cat /proc/self/status
	assert_sets "$m" "$m" "$m" $ZERO $ZERO 0
	# --drop applies after --caps, whatever the order on the line
	m=$(mask $CHOWN)
	status_of cap-drop --drop kill --caps chown,kill -- cat /proc/self/status
	assert_sets "$m" "$m" "$m" $ZERO $ZERO 0
	status_of cap-drop --caps all --drop all -- cat /proc/self/status
	assert_sets $ZERO $ZERO $ZERO $ZERO $ZERO 0
}

test_root_payload_keeps_caps_across_exec_of_a_shell() {
	need_root || return 0
	# a second exec inside the payload: root gets the bounding set back
	local m
	m=$(mask $CHOWN $KILL)
	status_of cap-drop --caps chown,kill -- sh -c 'cat /proc/self/status'
	assert_sets "$m" "$m" "$m" $ZERO $ZERO 0
}

test_non_root_without_ambient_has_no_caps() {
	need_root || return 0
	local b
	b=$(mask $CHOWN $KILL)
	status_of cap-drop --caps chown,kill --user 65534 -- cat /proc/self/status
	assert_sets $ZERO $ZERO "$b" $ZERO $ZERO 0
}

test_ambient_survives_exec_as_non_root() {
	need_root || return 0
	local b a
	b=$(mask $CHOWN $KILL $NET_BIND_SERVICE)
	a=$(mask $NET_BIND_SERVICE $KILL)
	status_of cap-drop --caps chown,kill,net_bind_service \
		--ambient net_bind_service,kill --user 65534:65534 \
		-- cat /proc/self/status
	assert_sets "$a" "$a" "$b" "$a" "$a" 0
	assertEquals Uid "65534 65534 65534 65534" \
		"$(printf '%s\n' "$status" | awk '$1 == "Uid:" { print $2, $3, $4, $5 }')"
	# and across a second exec (ambient is inherited)
	status_of cap-drop --caps kill --ambient kill --user 65534 \
		-- sh -c 'exec cat /proc/self/status'
	a=$(mask $KILL)
	assert_sets "$a" "$a" "$a" "$a" "$a" 0
}

test_ambient_must_be_kept() {
	assert_bad_input cap-drop --caps chown --ambient kill true
	assertContains "$err" "cap_kill"
	assert_bad_input cap-drop --ambient net_raw --drop net_raw true
}

test_no_new_privs_is_set() {
	need_root || return 0
	local d
	d=$(docker_default)
	status_of cap-drop --no-new-privs -- cat /proc/self/status
	assert_sets "$d" "$d" "$d" $ZERO $ZERO 1
}

# AppArmor and SELinux exec labels: where the LSM is enabled, prog runs
# in the label (AppArmor's "unconfined" is always loaded); where it is
# not, one line that says so, and prog never runs.
test_lsm_labels_reach_prog_or_are_refused() {
	need_root || return 0
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		run cap-drop --caps all --apparmor-profile unconfined -- cat /proc/self/attr/current
		assertEquals "unconfined: $err" 0 "$rc"
		assertContains "$out" "unconfined"
		assert_bad_input cap-drop --apparmor-profile boxtest-no-such-profile -- touch "$BOX_TMP/ran"
		assertContains "$err" "'boxtest-no-such-profile'"
	else
		assert_bad_input cap-drop --apparmor-profile docker-default -- touch "$BOX_TMP/ran"
		assertContains "$err" "AppArmor is not enabled here"
	fi
	assertFalse "prog ran" "[ -e '$BOX_TMP/ran' ]"
	if [ ! -e /sys/fs/selinux/enforce ]; then
		assert_bad_input cap-drop --selinux-label system_u:system_r:container_t:s0 -- touch "$BOX_TMP/ran"
		assertContains "$err" "SELinux is not enabled here"
		assertFalse "prog ran" "[ -e '$BOX_TMP/ran' ]"
	fi
	assert_bad_input cap-drop --apparmor-profile '' true
	assert_bad_input cap-drop --selinux-label "$(printf 'a\nb')" true
}

test_unknown_capability_is_refused() {
	local o
	for o in --caps --drop --ambient; do
		assert_bad_input cap-drop "$o" chown,cap_foo true
		assertContains "$o" "$err" "unknown capability 'cap_foo'"
	done
	assert_bad_input cap-drop --caps chown,,kill true
	assert_bad_input cap-drop --caps '' true
	assert_bad_input cap-drop --caps 64 true
	assert_bad_input cap-drop --caps 'chown ' true
	assert_bad_input cap-drop --caps cap_ true
}

test_capability_unknown_to_kernel_is_refused() {
	local last
	last=$(cat /proc/sys/kernel/cap_last_cap)
	[ "$last" -lt 63 ] || { skip_test "kernel knows all 64 capabilities"; return 0; }
	assert_bad_input cap-drop --caps $((last + 1)) true
	assertContains "$err" "unknown to this kernel"
}

# Capability 40 (CAP_CHECKPOINT_RESTORE, Linux 5.9) by number and by the
# name libcap gives it, in any case, with or without "cap_".
test_newest_capability_by_number_and_by_libcap_name() {
	local last want
	last=$(cat /proc/sys/kernel/cap_last_cap)
	[ "$last" -ge 40 ] || { skip_test "kernel older than 5.9 (cap_last_cap $last)"; return 0; }
	want=$(mask $CHOWN 40)
	status_of cap-drop --caps chown,40 -- cat /proc/self/status
	assertEquals "by number" "$want" "$(field CapEff)"
	status_of cap-drop --caps chown,checkpoint_restore -- cat /proc/self/status
	assertEquals "by name" "$want" "$(field CapEff)"
	status_of cap-drop --caps CAP_CHOWN,Cap_Checkpoint_Restore -- cat /proc/self/status
	assertEquals "by name in mixed case" "$want" "$(field CapBnd)"
}

# libcap's parser would take "0x15", "025" and stop a name at a '-';
# cap-drop takes decimal numbers and whole names only.
test_numbers_and_names_are_strict() {
	assert_bad_input cap-drop --caps 0x15 true
	assert_bad_input cap-drop --caps 025 true
	assert_bad_input cap-drop --caps chown-x true
	assertContains "$err" "unknown capability 'chown-x'"
	assert_bad_input cap-drop --caps 'sys_admin!' true
}

# Every offending capability is named, in libcap's text form.
test_errors_name_capabilities_as_libcap_writes_them() {
	need_cmd setpriv || return 0
	run setpriv --inh-caps=-all --bounding-set=-net_admin,-sys_admin \
		"$BOX_BIN/cap-drop" --caps chown,net_admin,sys_admin true
	assertEquals "status (stderr: $err)" 125 "$rc"
	assertContains "$err" "cap_net_admin,cap_sys_admin"
	assertContains "$err" "bounding set"
}

test_switches_uid_gid_and_groups_by_number() {
	need_root || return 0
	run cap-drop --user 1234:2345 --groups 7,8,9 -- id -u
	assertEquals "1234" "$out"
	run cap-drop --user 1234:2345 --groups 7,8,9 -- id -g
	assertEquals "2345" "$out"
	run cap-drop --user 1234:2345 --groups 7,8,9 -- sh -c 'cat /proc/self/status'
	assertEquals "Groups" "7 8 9" "$(printf '%s\n' "$out" | awk '$1 == "Groups:" { $1 = ""; print substr($0, 2) }')"
	assertEquals "Gid" "2345 2345 2345 2345" \
		"$(printf '%s\n' "$out" | awk '$1 == "Gid:" { print $2, $3, $4, $5 }')"
}

test_user_switch_clears_the_callers_groups() {
	need_root || return 0
	# an unknown uid: no passwd entry, so gid 0 as Docker does, and no
	# supplementary groups, whatever the caller had
	run unshare --mount --propagation private sh -c '
		echo "root:x:0:" >"$1/group" && mount --bind "$1/group" /etc/group &&
		exec setpriv --groups 4,24 cap-drop --user 54321 -- cat /proc/self/status' \
		- "$BOX_TMP"
	assertEquals "exit (stderr: $err)" 0 "$rc"
	assertEquals "Groups" "" "$(printf '%s\n' "$out" | awk '$1 == "Groups:" { $1 = ""; print substr($0, 2) }')"
	assertEquals "Gid" "0" "$(printf '%s\n' "$out" | awk '$1 == "Gid:" { print $2 }')"
}

# A private mount namespace whose /etc/passwd and /etc/group are the
# test's, so names resolve from files cap-drop reads itself.
with_fake_db() {
	cat >"$BOX_TMP/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
# a comment line
+nisuser::::::
broken:x:notanumber:1
alice:x:2001:3001:Alice:/home/alice:/bin/sh
bob:x:2002:3002::/:/bin/false
EOF
	cat >"$BOX_TMP/group" <<'EOF'
root:x:0:
alicegrp:x:3001:
staff:x:3050:bob,alice
video:x:3060:alice
wheel:x:3070:bob
EOF
	run unshare --mount --propagation private sh -c '
		mount --bind "$1/passwd" /etc/passwd &&
		mount --bind "$1/group" /etc/group && shift && exec "$@"' \
		- "$BOX_TMP" "$@"
}

test_user_name_resolves_from_etc_passwd_without_nss() {
	need_root || return 0
	need_cmd unshare || return 0
	with_fake_db cap-drop --user alice -- sh -c 'id -u; id -g; id -G'
	assertEquals "exit (stderr: $err)" 0 "$rc"
	assertEquals "uid" 2001 "$(sed -n 1p <<<"$out")"
	assertEquals "gid" 3001 "$(sed -n 2p <<<"$out")"
	# primary group, then the groups that list alice
	assertEquals "groups" "3001 3050 3060" \
		"$(sed -n 3p <<<"$out" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')"
}

test_user_and_group_names() {
	need_root || return 0
	need_cmd unshare || return 0
	with_fake_db cap-drop --user bob:video --groups wheel,5 -- sh -c 'id -u; id -g; cat /proc/self/status'
	assertEquals "exit (stderr: $err)" 0 "$rc"
	assertEquals "uid" 2002 "$(sed -n 1p <<<"$out")"
	assertEquals "gid" 3060 "$(sed -n 2p <<<"$out")"
	assertEquals "Groups" "5 3070" \
		"$(awk '$1 == "Groups:" { $1 = ""; print substr($0, 2) }' <<<"$out" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')"
	# numeric uid with a passwd entry takes its gid and groups
	with_fake_db cap-drop --user 2002 -- sh -c 'id -g; id -G'
	assertEquals "gid of uid 2002" 3002 "$(sed -n 1p <<<"$out")"
	assertEquals "groups of uid 2002" "3002 3050 3070" \
		"$(sed -n 2p <<<"$out" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')"
	with_fake_db cap-drop --user alice --clear-groups -- id -G
	assertEquals "--clear-groups" 3001 "$out"
}

test_unknown_names_are_refused() {
	need_root || return 0
	need_cmd unshare || return 0
	with_fake_db cap-drop --user nosuch true
	assertEquals 125 "$rc"
	assertContains "$err" "look up user 'nosuch'"
	# NIS, comment and malformed lines name no user
	local u
	for u in +nisuser broken '# a comment line'; do
		with_fake_db cap-drop --user "$u" true
		assertEquals "--user $u" 125 "$rc"
	done
	with_fake_db cap-drop --user alice:nogroup true
	assertEquals 125 "$rc"
	assertContains "$err" "look up group 'nogroup'"
	with_fake_db cap-drop --groups staff,nogroup true
	assertEquals 125 "$rc"
	assertEquals "one line" 1 "$(printf '%s\n' "$err" | grep -c .)"
}

test_hostile_passwd_file_does_not_hang() {
	need_root || return 0
	need_cmd unshare mkfifo timeout || return 0
	mkfifo "$BOX_TMP/fifo"
	# a FIFO where /etc/passwd should be: refused at once, not waited on
	run timeout 10 unshare --mount --propagation private sh -c '
		mount --bind "$1" /etc/passwd && exec cap-drop --user alice true' \
		- "$BOX_TMP/fifo"
	assertEquals "exit (stderr: $err)" 125 "$rc"
	assertContains "$err" "/etc/passwd"
	# a numeric uid needs no passwd entry, so a bad file is no error
	run timeout 10 unshare --mount --propagation private sh -c '
		mount --bind "$1" /etc/passwd && exec cap-drop --user 2001:2001 -- id -u' \
		- "$BOX_TMP/fifo"
	assertEquals "exit (stderr: $err)" 0 "$rc"
	assertEquals 2001 "$out"
}

test_bad_user_and_groups_are_refused() {
	assert_bad_input cap-drop --user -1 true
	assert_bad_input cap-drop --user 4294967295 true
	assert_bad_input cap-drop --user 99999999999999999999 true
	assert_bad_input cap-drop --user 1000:-1 true
	assert_bad_input cap-drop --user 1000: true
	assert_bad_input cap-drop --user :1000 true
	assert_bad_input cap-drop --user '' true
	assert_bad_input cap-drop --user 12abc true
	assert_bad_input cap-drop --groups 1,,2 true
	assert_bad_input cap-drop --groups '' true
	assert_bad_input cap-drop --groups 4294967296 true
	assert_bad_input cap-drop --groups 1 --clear-groups true
	assert_bad_input cap-drop --caps
}

test_bad_input_changes_nothing() {
	need_root || return 0
	# a bad name late on the line: the process must not have run prog
	run cap-drop --caps chown --user 1000 --ambient kill -- touch "$BOX_TMP/ran"
	assertEquals 125 "$rc"
	assertFalse "prog ran" "[ -e '$BOX_TMP/ran' ]"
}

# A setuid-root copy of id(1), on a tmpfs of our own that allows setuid
# (whatever /tmp's mount options), in a private mount namespace.
test_setuid_cannot_regain_root_with_no_new_privs() {
	need_root || return 0
	need_cmd unshare || return 0
	chmod 755 "$BOX_TMP"
	mkdir -p "$BOX_TMP/suid"
	run unshare --mount --propagation private sh -c '
		d=$1; shift
		mount -t tmpfs -o mode=755,suid,exec boxsuid "$d" &&
		cp "$(command -v id)" "$d/id" && chown 0:0 "$d/id" &&
		chmod 4755 "$d/id" || exit 99
		echo "without $(cap-drop --user 65534 -- "$d/id" -u)"
		echo "with $(cap-drop --user 65534 --no-new-privs -- "$d/id" -u)"
		' - "$BOX_TMP/suid"
	assertEquals "exit (stderr: $err)" 0 "$rc"
	# without no_new_privs the setuid bit works (the test can fail)...
	assertContains "$out" "without 0"
	# ...with it, exec grants nothing
	assertContains "$out" "with 65534"
}

test_missing_prog_is_127_unrunnable_is_126() {
	run cap-drop --caps all -- /nonexistent/prog
	assertEquals 127 "$rc"
	assertEquals "one line" 1 "$(printf '%s\n' "$err" | grep -c .)"
	run cap-drop --caps all -- /etc/passwd
	assertEquals 126 "$rc"
}

test_no_prog_runs_shell() {
	need_root || return 0
	local out2
	out2=$(echo 'grep CapEff /proc/self/status' | SHELL=/bin/sh cap-drop --caps kill)
	assertEquals "CapEff:	$(mask $KILL)" "$out2"
}

test_prog_status_is_passed_on() {
	run cap-drop --caps all -- sh -c 'exit 7'
	assertEquals 7 "$rc"
}

test_options_stop_at_first_non_option() {
	run cap-drop --caps all -- echo --caps none
	assertEquals "--caps none" "$out"
	run cap-drop --caps all echo --user x
	assertEquals "--user x" "$out"
}

test_unprivileged_user_can_set_no_new_privs_with_caps_all() {
	need_root || return 0
	need_cmd setpriv || return 0
	local b
	b=$(my_status CapBnd)
	run setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$BOX_BIN/cap-drop" --caps all --no-new-privs -- cat /proc/self/status
	assertEquals "exit (stderr: $err)" 0 "$rc"
	status=$out
	assert_sets $ZERO $ZERO "$b" $ZERO $ZERO 1
	# reducing the bounding set needs CAP_SETPCAP, and says so
	run setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$BOX_BIN/cap-drop" --caps none true
	assertEquals 125 "$rc"
	assertContains "$err" "CAP_SETPCAP"
	run setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$BOX_BIN/cap-drop" --caps all --user 0 true
	assertEquals 125 "$rc"
	assertContains "$err" "needs CAP_SET"
	# cap-drop only lowers: a capability the caller lacks cannot be kept
	run setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$BOX_BIN/cap-drop" --caps chown true
	assertEquals 125 "$rc"
	assertContains "$err" "keep cap_chown: not held"
}

test_rootless_in_a_user_namespace() {
	need_cmd setpriv unshare || return 0
	need_userns || return 0
	local m
	m=$(mask $CHOWN $KILL)
	# an unprivileged user, root of its own user namespace, with an
	# extra group that the namespace cannot map (shown as 65534)
	run setpriv --reuid 65534 --regid 65534 --groups 100 \
		unshare --user --map-root-user \
		"$BOX_BIN/cap-drop" --caps chown,kill --user 0 -- cat /proc/self/status
	assertEquals "exit (stderr: $err)" 0 "$rc"
	status=$out
	assert_sets "$m" "$m" "$m" $ZERO $ZERO 0
	# setgroups is denied there: --user keeps the groups it must, but
	# an explicit --clear-groups cannot be honoured and says why
	run setpriv --reuid 65534 --regid 65534 --groups 100 \
		unshare --user --map-root-user \
		"$BOX_BIN/cap-drop" --clear-groups true
	assertEquals 125 "$rc"
	assertContains "$err" "/proc/self/setgroups"
	# an id the namespace does not map
	run setpriv --reuid 65534 --regid 65534 --clear-groups \
		unshare --user --map-root-user "$BOX_BIN/cap-drop" --user 5:5 true
	assertEquals 125 "$rc"
	assertContains "$err" "not mapped"
}

test_names_resolve_without_nss() {
	need_cmd nm || return 0
	# no getpwnam/getgrnam/initgroups: nothing that loads NSS modules,
	# so a static build works and the host's nsswitch.conf is not used
	local syms
	syms=$(nm -D --undefined-only "$BOX_BIN/cap-drop" 2>/dev/null)
	[ -n "$syms" ] || { skip_test "cap-drop is not dynamically linked"; return 0; }
	assertEquals "NSS lookups in cap-drop" "" \
		"$(printf '%s\n' "$syms" | grep -wE 'getpw(nam|uid|ent)(_r)?|getgr(nam|gid|ent)(_r)?|initgroups|getgrouplist')"
}

box_run_suite
