#!/bin/bash
# tests/sys-filter.sh - sys-filter: what a filtered program's syscalls
# return (the errno each rule names, a kill, a trap), 64-bit and 32-bit
# (int 0x80), the kernel's own view of the filter (/proc/PID/status), the
# engines' default profile, profiles with argument conditions and
# includes/excludes, the BPF dump, and bad input refused with nothing
# loaded.
#
# Syscalls are made by a small static program built here ("probe NR
# [ARG...]", or "probe -32 NR [ARG...]" through int 0x80): it prints
# "ok RESULT" or "errno N" and exits with N, so a test reads what the
# kernel answered, not what some tool made of it.  Arguments are numbers
# only (int 0x80 takes 32-bit registers, so no pointers).

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

# x86_64 syscall numbers, and i386's for the 32-bit calls
NR_write=1 NR_socket=41 NR_connect=42 NR_personality=135 NR_sysfs=139
NR_getpid=39 NR_add_key=248 NR_userfaultfd=323 NR_io_uring_setup=425
NR32_getpid=20 NR32_sysfs=135 NR32_userfaultfd=374
EPERM=1 EACCES=13 ENOSPC=28 ENOSYS=38
SIGSYS_EXIT=159 # 128 + SIGSYS (31)
DEFAULT_PROFILE=/usr/share/containers/seccomp.json

suite_setup() {
	P=$BOX_TMP/probe
	[ "$(uname -m)" = x86_64 ] || return 0
	command -v cc >/dev/null 2>&1 || return 0
	cat >"$BOX_TMP/probe.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* an i386 syscall from 64-bit code: the kernel takes it as one of a
 * 32-bit process (seccomp sees AUDIT_ARCH_I386) */
static long call32(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

int main(int argc, char **argv)
{
	long v[4] = {0, 0, 0, 0}, r;
	int i32 = argc > 1 && strcmp(argv[1], "-32") == 0, i, e = 0;

	for (i = 1 + i32; i < argc && i < 5 + i32; i++)
		v[i - 1 - i32] = (long)strtoul(argv[i], NULL, 0);
	if (i32) {
		r = call32(v[0], v[1], v[2], v[3]);
		if (r < 0 && r > -4096)
			e = (int)-r;
	} else {
		r = syscall(v[0], v[1], v[2], v[3]);
		if (r < 0)
			e = errno;
	}
	if (e)
		printf("errno %d\n", e);
	else
		printf("ok %ld\n", r);
	return e;
}
EOF
	# static: the allow-list tests need to know every syscall it makes
	cc -O2 -static -o "$P" "$BOX_TMP/probe.c" 2>/dev/null ||
		cc -O2 -o "$P" "$BOX_TMP/probe.c" || return 0
	chmod 755 "$BOX_TMP"
}

need_probe() {
	need_tool sys-filter || return 1
	if [ "$(uname -m)" != x86_64 ]; then
		skip_test "the probe's syscall numbers are x86_64's"
		return 1
	fi
	[ -x "$P" ] && return 0
	skip_test "no C compiler to build the probe"
	return 1
}

# have_ia32: the kernel runs 32-bit syscalls (IA32 emulation)
have_ia32() {
	case $("$P" -32 $NR32_getpid 2>&1) in
	"ok "[1-9]*) return 0 ;;
	esac
	return 1
}

need_ia32() {
	have_ia32 && return 0
	run "$P" -32 $NR32_getpid
	skip_test "this kernel runs no 32-bit syscalls (IA32 emulation off): $out $err"
	return 1
}

need_default_profile() {
	[ -r "$DEFAULT_PROFILE" ] && return 0
	skip_test "no $DEFAULT_PROFILE (apt-get install golang-github-containers-common)"
	return 1
}

# probe_is EXPECTED CMD...: run CMD (ending in a probe call) and compare
# the probe's line.
probe_is() {
	local want=$1
	shift
	run "$@"
	assertEquals "$* (stderr: $err)" "$want" "$out"
}

# status_field FIELD: from the payload's /proc/self/status in $out
status_field() {
	printf '%s\n' "$out" | awk -v f="$1:" '$1 == f { print $2 }'
}

# refused CMD...: sys-filter, run by CMD (a wrapper), refuses: 125, one
# line, "sys-filter: ".
refused() {
	run "$@"
	assertEquals "exit status of: $* (stderr: $err)" 125 "$rc"
	assertEquals "one line of stderr for: $* (got: $err)" 1 \
		"$(printf '%s\n' "$err" | grep -c .)"
	case $err in
	"sys-filter: "*) ;;
	*) fail "stderr does not start with 'sys-filter: ': $err" ;;
	esac
}

# profile NAME JSON: write a profile, its path in $PROF
profile() {
	PROF=$BOX_TMP/$1.json
	printf '%s\n' "$2" >"$PROF"
}

# --- quick lists ------------------------------------------------------------

test_deny_connect_fails_with_eperm_while_socket_works() {
	need_probe || return 0
	# without the filter: connect(-1) is refused by the kernel (EBADF)
	probe_is "errno 9" "$P" $NR_connect -1 0 0
	probe_is "errno $EPERM" sys-filter --deny connect "$P" $NR_connect -1 0 0
	# socket(AF_INET, SOCK_STREAM, 0) still gives a descriptor
	run sys-filter --deny connect "$P" $NR_socket 2 1 0
	assertEquals "socket() under --deny connect: $err" 0 "$rc"
	assertContains "$out" "ok "
	# a real client, in a network namespace of its own with a server
	need_cmd busybox unshare || return 0
	run unshare --net sh -c '
		ip link set lo up || exit 99
		busybox nc -ll -p 8080 -e echo hello &
		srv=$!
		i=0
		until got=$(busybox nc 127.0.0.1 8080 </dev/null 2>/dev/null) &&
			[ "$got" = hello ]; do
			i=$((i + 1))
			[ $i -lt 100 ] || break
			sleep 0.05
		done
		echo "without: $got"
		sys-filter --deny connect busybox wget -q -O- http://127.0.0.1:8080/ 2>&1
		echo "wget: $?"
		sys-filter --deny connect busybox nc 127.0.0.1 8080 </dev/null 2>&1
		echo "nc: $?"
		kill $srv
		wait
		exit 0'
	assertEquals "netns script ($err)" 0 "$rc"
	assertContains "the server answers without a filter" "$out" "without: hello"
	assertContains "wget" "$out" "wget: can't connect to remote host (127.0.0.1): Operation not permitted"
	assertContains "$out" "wget: 1"
	assertContains "nc" "$out" "nc: can't connect to remote host (127.0.0.1): Operation not permitted"
	assertContains "$out" "nc: 1"
}

test_deny_with_an_errno_by_name_or_number() {
	need_probe || return 0
	local d=$BOX_TMP/newdir
	run sys-filter --deny mkdir:ENOSPC mkdir "$d"
	assertEquals 1 "$rc"
	assertContains "$err" "No space left on device"
	assertFalse "the directory was not made" "[ -e '$d' ]"
	run sys-filter --deny mkdir,mkdirat:28 mkdir "$d"
	assertContains "$err" "No space left on device"
	assertFalse "[ -e '$d' ]"
	# lists add up; a syscall by its number
	probe_is "errno $ENOSPC" sys-filter --deny $NR_sysfs:ENOSPC --deny userfaultfd "$P" $NR_sysfs 3
	probe_is "errno $EPERM" sys-filter --deny $NR_sysfs:ENOSPC --deny userfaultfd "$P" $NR_userfaultfd 0
	probe_is "errno 4094" sys-filter --deny sysfs:4094 "$P" $NR_sysfs 3
	# and nothing else is touched
	run sys-filter --deny mkdir:ENOSPC "$P" $NR_getpid
	assertEquals 0 "$rc"
}

test_allow_list_without_write_fails_as_the_default_action_says() {
	need_probe || return 0
	# the sanitizers' runtime in sys-filter itself calls sigaltstack,
	# mmap & co. between the load and the exec
	if ldd "$BOX_BIN/sys-filter" 2>/dev/null | grep -q 'libasan\|libubsan'; then
		skip_test "a sanitizer build of sys-filter needs syscalls this allow list denies"
		return 0
	fi
	# every syscall the static probe makes, except write
	local a=execve,arch_prctl,brk,exit_group,getrandom,mprotect,newfstatat
	a=$a,prlimit64,readlink,rseq,set_robust_list,set_tid_address
	# write(1, NULL, 0): 0 when allowed
	run sys-filter --allow "$a,write" "$P" $NR_write 1 0 0
	assertEquals "with write: $err" "ok 0" "$out"
	# the default for an allow list: EPERM (the probe's line is lost,
	# its exit status is the errno)
	run sys-filter --allow "$a" "$P" $NR_write 1 0 0
	assertEquals "allow list: EPERM ($err)" $EPERM "$rc"
	assertEquals "" "$out"
	run sys-filter --allow "$a" --default-action errno:ENOSPC "$P" $NR_write 1 0 0
	assertEquals "errno:ENOSPC" $ENOSPC "$rc"
	run sys-filter --allow "$a" --default-action kill "$P" $NR_write 1 0 0
	assertEquals "kill: SIGSYS" $SIGSYS_EXIT "$rc"
	run sys-filter --allow "$a" --default-action kill-thread "$P" $NR_write 1 0 0
	assertEquals "kill-thread: SIGSYS" $SIGSYS_EXIT "$rc"
	run sys-filter --allow "$a" --default-action trap "$P" $NR_write 1 0 0
	assertEquals "trap: SIGSYS" $SIGSYS_EXIT "$rc"
	run sys-filter --allow "$a" --default-action log "$P" $NR_write 1 0 0
	assertEquals "log lets it run" "ok 0" "$out"
	# a filter that does not allow execve stops the chain at the exec
	# (close: for the tool's own exit after the failed exec)
	run sys-filter --allow "${a#execve,},close" "$P" $NR_getpid
	assertEquals "no execve: 126 ($err)" 126 "$rc"
}

test_filter_holds_across_exec_and_in_children() {
	need_probe || return 0
	run sys-filter --deny sysfs sh -c "'$P' $NR_sysfs 3; exec '$P' $NR_sysfs 3"
	assertEquals "a child and an exec'd program" "errno $EPERM
errno $EPERM" "$out"
	# the kernel's view: mode 2 (filter), one filter, no_new_privs
	# not set unless asked
	run sys-filter --deny sysfs cat /proc/self/status
	assertEquals "Seccomp" 2 "$(status_field Seccomp)"
	assertEquals "Seccomp_filters" 1 "$(status_field Seccomp_filters)"
	if [ "$(id -u)" = 0 ]; then
		assertEquals "NoNewPrivs as root" 0 "$(status_field NoNewPrivs)"
	fi
	run sys-filter --no-new-privs --deny sysfs cat /proc/self/status
	assertEquals "--no-new-privs" 1 "$(status_field NoNewPrivs)"
	# two in a chain stack up: both apply
	run sys-filter --deny sysfs:ENOSPC sys-filter --deny userfaultfd cat /proc/self/status
	assertEquals "two filters" 2 "$(status_field Seccomp_filters)"
	probe_is "errno $ENOSPC" sys-filter --deny sysfs:ENOSPC sys-filter --deny userfaultfd "$P" $NR_sysfs 3
	# --tsync (every thread; sys-filter has one) loads the same filter
	probe_is "errno $EPERM" sys-filter --tsync --deny sysfs "$P" $NR_sysfs 3
}

test_loading_needs_no_new_privs_or_cap_sys_admin() {
	need_probe || return 0
	need_root || return 0
	need_cmd setpriv || return 0
	refused setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BOX_BIN/sys-filter" --deny sysfs "$P" $NR_sysfs 3
	assertContains "$err" "load the seccomp filter: Permission denied"
	assertContains "$err" "needs no_new_privs"
	assertContains "$err" "CAP_SYS_ADMIN"
	probe_is "errno $EPERM" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$BOX_BIN/sys-filter" --no-new-privs --deny sysfs "$P" $NR_sysfs 3
	# root without CAP_SYS_ADMIN: the same, and cap-drop's no_new_privs
	# is enough
	need_tool cap-drop || return 0
	refused cap-drop --drop sys_admin "$BOX_BIN/sys-filter" --deny sysfs "$P" $NR_sysfs 3
	assertContains "$err" "needs no_new_privs"
	probe_is "errno $EPERM" cap-drop --drop sys_admin --no-new-privs \
		sys-filter --deny sysfs "$P" $NR_sysfs 3
}

test_rootless_in_a_user_namespace() {
	need_probe || return 0
	need_root || return 0
	need_userns || return 0
	need_default_profile || return 0
	# nobody, root of a user namespace of its own: CAP_SYS_ADMIN there
	# is enough to load without no_new_privs
	probe_is "errno $EPERM" setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare --user --map-root-user "$BOX_BIN/sys-filter" --profile default "$P" $NR_sysfs 3
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare --user --map-root-user "$BOX_BIN/sys-filter" --profile default cat /proc/self/status
	assertEquals "NoNewPrivs" 0 "$(status_field NoNewPrivs)"
	assertEquals "Seccomp" 2 "$(status_field Seccomp)"
}

# --- 32-bit syscalls ----------------------------------------------------------

test_32bit_call_of_a_denied_syscall_is_denied_too() {
	need_probe || return 0
	need_ia32 || return 0
	run "$P" -32 $NR32_sysfs 3
	assertContains "without a filter, i386 sysfs works" "$out" "ok "
	probe_is "errno $EPERM" sys-filter --deny sysfs "$P" -32 $NR32_sysfs 3
	# the 32-bit getpid still works under the same filter
	run sys-filter --deny sysfs "$P" -32 $NR32_getpid
	assertContains "$out" "ok "
	# i386 reaches connect two ways: its own syscall (362) and
	# socketcall(SYS_CONNECT = 3, ...) (102); --deny connect shuts both,
	# socketcall(SYS_SOCKET = 1) stays open (EFAULT: no argument block)
	probe_is "errno 9" "$P" -32 362 -1 0 0
	probe_is "errno $EPERM" sys-filter --deny connect "$P" -32 362 -1 0 0
	probe_is "errno 14" "$P" -32 102 3 0
	probe_is "errno $EPERM" sys-filter --deny connect "$P" -32 102 3 0
	probe_is "errno 14" sys-filter --deny connect "$P" -32 102 1 0
	# with only x86_64 in the filter an i386 call is a foreign
	# architecture: the filter kills
	run sys-filter --arch x86_64 --deny sysfs "$P" -32 $NR32_getpid
	assertEquals "--arch x86_64: killed" $SIGSYS_EXIT "$rc"
	# and the default profile: i386 userfaultfd is refused as x86_64's is
	need_default_profile || return 0
	probe_is "errno $EPERM" sys-filter --profile default "$P" -32 $NR32_userfaultfd 0
	probe_is "errno $EPERM" sys-filter --profile default "$P" $NR_userfaultfd 0
}

test_x32_numbers_meet_the_x32_rules_or_are_killed() {
	need_probe || return 0
	# an x32 syscall: x86_64's number with bit 30 set, on AUDIT_ARCH_X86_64
	# (a kernel without the x32 ABI answers ENOSYS, after the filter)
	local x32_getpid=$((0x40000000 | NR_getpid)) unfiltered
	unfiltered=$("$P" $x32_getpid)
	probe_is "errno $EPERM" sys-filter --deny getpid "$P" $x32_getpid
	probe_is "$unfiltered" sys-filter --deny sysfs "$P" $x32_getpid
	# without x32 in the filter: killed, never let through
	run sys-filter --arch x86_64,x86 --deny sysfs "$P" $x32_getpid
	assertEquals "x32 left out: killed" $SIGSYS_EXIT "$rc"
	# and an x86_64 syscall in a filter of x32 alone
	run sys-filter --arch x32 --deny sysfs "$P" $NR_getpid
	assertEquals "x86_64 left out: killed" $SIGSYS_EXIT "$rc"
}

# --- the default profile ------------------------------------------------------

test_default_profile_denies_what_it_lists() {
	need_probe || return 0
	need_default_profile || return 0
	# sysfs works unfiltered; the profile gives EPERM
	run "$P" $NR_sysfs 3
	assertContains "$out" "ok "
	probe_is "errno $EPERM" sys-filter --profile default "$P" $NR_sysfs 3
	# what it does not list gets its defaultAction, ENOSYS: the keyring's
	# add_key, io_uring
	probe_is "errno $ENOSYS" sys-filter --profile default "$P" $NR_add_key 0 0 0
	probe_is "errno $ENOSYS" sys-filter --profile default "$P" $NR_io_uring_setup 0 0
	run sys-filter --profile default "$P" $NR_getpid
	assertContains "$out" "ok "
	run sys-filter --profile default cat /proc/self/status
	assertEquals "Seccomp" 2 "$(status_field Seccomp)"
	assertEquals "Seccomp_filters" 1 "$(status_field Seccomp_filters)"
}

test_default_profile_inside_a_container() {
	need_probe || return 0
	need_default_profile || return 0
	need_root || return 0
	need_tool ns-unshare cap-drop || return 0
	# PID 1's child in new namespaces, Docker's capabilities,
	# no_new_privs, the default profile: the container's view
	run ns-unshare --mount --uts --ipc --pid --fork --mount-proc \
		--propagation private --hostname box \
		cap-drop --no-new-privs \
		sys-filter --profile default -- sh -c "
			grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs):' /proc/self/status
			unshare --mount true 2>/dev/null; echo unshare \$?
			mount -t tmpfs none /mnt 2>/dev/null; echo mount \$?
			'$P' $NR_add_key 0 0 0 | sed 's/^/add_key /'
			'$P' $NR_userfaultfd 0 | sed 's/^/userfaultfd /'
			'$P' $NR_sysfs 3 | sed 's/^/sysfs /'"
	assertEquals "chain: $err" 0 "$rc"
	assertEquals "Seccomp" 2 "$(status_field Seccomp)"
	assertEquals "Seccomp_filters" 1 "$(status_field Seccomp_filters)"
	assertEquals "NoNewPrivs" 1 "$(status_field NoNewPrivs)"
	assertContains "unshare fails" "$out" "unshare 1"
	assertContains "mount fails" "$out" "mount 32"
	assertContains "add_key (the keyring) is not in the profile" "$out" "add_key errno $ENOSYS"
	assertContains "$out" "userfaultfd errno $EPERM"
	assertContains "$out" "sysfs errno $EPERM"
}

test_default_profile_missing_names_file_and_package() {
	need_root || return 0
	need_cmd unshare || return 0
	# hide the file in a mount namespace of our own
	run unshare --mount --propagation private sh -c \
		"mount -t tmpfs none /usr/share && exec '$BOX_BIN/sys-filter' --profile default true"
	assertEquals "$err" 125 "$rc"
	assertEquals "one line" 1 "$(printf '%s\n' "$err" | grep -c .)"
	assertContains "$err" "$DEFAULT_PROFILE"
	assertContains "$err" "golang-github-containers-common"
}

test_profile_from_a_descriptor_needs_no_path_and_is_closed() {
	need_probe || return 0
	need_default_profile || return 0
	# read from fd 3 and closed before prog: the payload has no fd 3
	run sh -c "exec 3<'$DEFAULT_PROFILE'; exec sys-filter --profile /dev/fd/3 sh -c 'readlink /proc/\$\$/fd/3 || echo closed'"
	assertEquals "$err" "closed" "$out"
	# no path is looked up: it works with /dev and /proc hidden, as
	# after a pivot into an image without the file
	need_root || return 0
	need_cmd unshare || return 0
	run unshare --mount --propagation private sh -c "
		exec 3<'$DEFAULT_PROFILE'
		mount -t tmpfs none /dev && mount -t tmpfs none /proc &&
		mount -t tmpfs none /usr/share || exit 99
		exec '$BOX_BIN/sys-filter' --profile /dev/fd/3 '$P' $NR_sysfs 3"
	assertEquals "$err" "errno $EPERM" "$out"
	# a descriptor that is not open: said so, with the way to open it
	refused sys-filter --profile /dev/fd/9 true
	assertContains "$err" "open it on the command line: 9<FILE"
}

test_command_line_wins_over_the_profile() {
	need_probe || return 0
	need_default_profile || return 0
	probe_is "errno $ENOSPC" sys-filter --profile default --deny sysfs:ENOSPC "$P" $NR_sysfs 3
	probe_is "errno $EACCES" sys-filter --profile default --deny getpid:EACCES "$P" $NR_getpid
	run sys-filter --profile default --allow sysfs "$P" $NR_sysfs 3
	assertContains "$out" "ok "
	# the default action of a profile can be changed too
	probe_is "errno $ENOSPC" sys-filter --profile default --default-action errno:ENOSPC "$P" $NR_add_key 0 0 0
}

# --- profiles -----------------------------------------------------------------

test_profile_argument_conditions() {
	need_probe || return 0
	# personality(2) allowed for one value only: the query 0xffffffff
	profile pers '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [
			{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
			 "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_NE"}]}
		]}'
	run "$P" $NR_personality 0
	assertContains "personality(0) unfiltered" "$out" "ok "
	probe_is "errno $EACCES" sys-filter --profile "$PROF" "$P" $NR_personality 0
	probe_is "errno $EACCES" sys-filter --profile "$PROF" "$P" $NR_personality 8
	run sys-filter --profile "$PROF" "$P" $NR_personality 0xffffffff
	assertContains "the one value allowed" "$out" "ok "

	# conditions on two arguments must all hold; MASKED_EQ; two on one
	# argument: any one (one rule each, as runc and crun do)
	profile args '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
		"syscalls": [
			{"names": ["sysfs"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28,
			 "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"},
				  {"index": 1, "value": 7, "op": "SCMP_CMP_EQ"}]},
			{"names": ["userfaultfd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
			 "args": [{"index": 0, "value": 240, "valueTwo": 48, "op": "SCMP_CMP_MASKED_EQ"}]},
			{"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
			 "args": [{"index": 0, "value": 5, "op": "SCMP_CMP_EQ"},
				  {"index": 0, "value": 6, "op": "SCMP_CMP_EQ"}]}
		]}'
	probe_is "errno $ENOSPC" sys-filter --profile "$PROF" "$P" $NR_sysfs 2 7
	# sysfs(2, 0) is not matched: the kernel answers (EFAULT, buffer NULL)
	probe_is "errno 14" sys-filter --profile "$PROF" "$P" $NR_sysfs 2 0 0
	probe_is "errno $EACCES" sys-filter --profile "$PROF" "$P" $NR_userfaultfd 0x3f
	run sys-filter --profile "$PROF" "$P" $NR_userfaultfd 0x40
	assertNotEquals "0x40 & 0xf0 is not 0x30" "errno $EACCES" "$out"
	probe_is "errno $EPERM" sys-filter --profile "$PROF" "$P" $NR_getpid 5
	probe_is "errno $EPERM" sys-filter --profile "$PROF" "$P" $NR_getpid 6
	run sys-filter --profile "$PROF" "$P" $NR_getpid 7
	assertContains "$out" "ok "
}

test_includes_caps_apply_only_when_the_capability_is_kept() {
	need_probe || return 0
	need_root || return 0
	need_tool cap-drop || return 0
	profile caps '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [
			{"names": ["sysfs"], "action": "SCMP_ACT_ERRNO", "errnoRet": 77,
			 "includes": {"caps": ["CAP_SYS_ADMIN"]}},
			{"names": ["sysfs"], "action": "SCMP_ACT_ERRNO", "errnoRet": 78,
			 "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
			{"names": ["userfaultfd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 79,
			 "includes": {"caps": ["CAP_SYS_ADMIN", "CAP_NET_ADMIN"]}}
		]}'
	probe_is "errno 77" sys-filter --profile "$PROF" "$P" $NR_sysfs 3
	probe_is "errno 79" sys-filter --profile "$PROF" "$P" $NR_userfaultfd 0
	# judged on what the program will hold after exec: cap-drop first
	probe_is "errno 78" cap-drop --drop sys_admin --no-new-privs \
		sys-filter --profile "$PROF" "$P" $NR_sysfs 3
	# both capabilities needed: one dropped, the rule is left out
	run cap-drop --drop net_admin --no-new-privs \
		sys-filter --profile "$PROF" "$P" $NR_userfaultfd 0
	assertNotEquals "errno 79" "$out"
	# a non-root program has only its ambient capabilities
	probe_is "errno 78" cap-drop --caps all --user 65534 --no-new-privs \
		sys-filter --profile "$PROF" "$P" $NR_sysfs 3
	probe_is "errno 77" cap-drop --caps sys_admin --ambient sys_admin --user 65534 \
		--no-new-privs sys-filter --profile "$PROF" "$P" $NR_sysfs 3
}

test_includes_arches_and_min_kernel() {
	need_probe || return 0
	profile arch '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [
			{"names": ["sysfs"], "action": "SCMP_ACT_ERRNO", "errnoRet": 70,
			 "includes": {"arches": ["arm64", "s390x"]}},
			{"names": ["sysfs"], "action": "SCMP_ACT_ERRNO", "errnoRet": 71,
			 "includes": {"arches": ["amd64"], "minKernel": "3.10"}},
			{"names": ["userfaultfd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 72,
			 "includes": {"minKernel": "999.0"}},
			{"names": ["userfaultfd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 73,
			 "excludes": {"minKernel": "999.0", "arches": ["ppc64le"]}}
		]}'
	probe_is "errno 71" sys-filter --profile "$PROF" "$P" $NR_sysfs 3
	probe_is "errno 73" sys-filter --profile "$PROF" "$P" $NR_userfaultfd 0
}

test_profile_architectures_are_the_ones_this_kernel_runs() {
	need_probe || return 0
	# archMap: the native entry and its subarchitectures; the others
	# are for other machines
	profile amap '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"archMap": [
			{"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
			{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86"]}
		],
		"syscalls": [{"names": ["sysfs"], "action": "SCMP_ACT_ERRNO"}]}'
	run sys-filter --profile "$PROF" --print true
	assertContains "$out" "arch x86_64 x86
"
	# a profile for x86_64 only: an i386 call is a foreign one, killed
	profile a64 '{
		"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"],
		"syscalls": [{"names": ["sysfs"], "action": "SCMP_ACT_ERRNO"}]}'
	run sys-filter --profile "$PROF" --print true
	assertContains "$out" "arch x86_64
"
	need_ia32 || return 0
	run sys-filter --profile "$PROF" "$P" -32 $NR32_getpid
	assertEquals "i386 under an x86_64-only profile" $SIGSYS_EXIT "$rc"
}

test_log_flag_has_the_kernel_log_what_the_filter_did() {
	need_probe || return 0
	need_root || return 0
	if ! dmesg >/dev/null 2>&1; then
		skip_test "cannot read the kernel log (dmesg)"
		return 0
	fi
	grep -qw errno /proc/sys/kernel/seccomp/actions_logged 2>/dev/null || {
		skip_test "the kernel logs no errno action (kernel.seccomp.actions_logged)"
		return 0
	}
	# copies of the probe under names of their own, to find their lines
	local name quiet i
	name=sf$(date +%s%N | tail -c 11)
	quiet=${name}q
	cp "$P" "$BOX_TMP/$name"
	cp "$P" "$BOX_TMP/$quiet"
	# SECCOMP_FILTER_FLAG_LOG: an audit record of the errno action.  The
	# kernel rate-limits these lines (other tests' kills are logged
	# too), so a run whose line was suppressed is tried again.
	for i in 1 2 3 4 5 6 7 8; do
		run sys-filter --log --deny sysfs "$BOX_TMP/$name" $NR_sysfs 3
		assertEquals "errno $EPERM" "$out"
		wait_for "dmesg | grep -q 'comm=\"$name\".* syscall=$NR_sysfs '" 20 && break
	done
	dmesg | grep -q "comm=\"$name\".* syscall=$NR_sysfs " ||
		fail "no seccomp record for $name in the kernel log"
	# without the flag an errno action is not logged
	run sys-filter --deny sysfs "$BOX_TMP/$quiet" $NR_sysfs 3
	sleep 0.5
	assertEquals "records of the run without --log" 0 \
		"$(dmesg | grep -c "comm=\"$quiet\"")"
}

# --- output ------------------------------------------------------------------

test_print_shows_the_rules_resolved() {
	need_default_profile || return 0
	need_tool sys-filter || return 0
	run sys-filter --profile default --print true
	assertEquals "$err" 0 "$rc"
	assertEquals "first line" "default errno 38 (ENOSYS)" "$(printf '%s\n' "$out" | head -1)"
	assertContains "$out" "arch x86_64 x86 x32"
	assertContains "$out" "allow personality (135) if arg0 == 8"
	assertContains "$out" "errno 1 (EPERM) sysfs (139)"
	if [ "$(id -u)" = 0 ] && command -v cap-drop >/dev/null; then
		# root holds CAP_SYS_ADMIN: bpf allowed; after cap-drop: EPERM
		assertContains "$out" "allow bpf (321)"
		run cap-drop --no-new-privs sys-filter --profile default --print true
		assertContains "$out" "errno 1 (EPERM) bpf (321)"
		assertNotContains "$out" "allow bpf"
	fi
	run sys-filter --deny connect,socket:EACCES --print true
	assertEquals "default allow
arch x86_64 x86 x32
errno 13 (EACCES) connect (42)
errno 13 (EACCES) socket (41)" "$out"
}

test_dump_writes_the_bpf_program() {
	need_tool sys-filter || return 0
	local f=$BOX_TMP/filter.bpf size
	run sys-filter --deny sysfs --dump "$f" true
	assertEquals "$err" 0 "$rc"
	size=$(stat -c %s "$f")
	assertTrue "non-empty, whole 8-byte instructions ($size)" \
		"[ $size -gt 0 ] && [ $((size % 8)) = 0 ]"
	# the first instruction loads the architecture: BPF_LD|BPF_W|BPF_ABS
	# (0x20) of seccomp_data.arch (offset 4)
	assertEquals "20 00 00 00 04 00 00 00" "$(od -An -tx1 -N8 "$f" | sed 's/^ //')"
	# the filter's architectures are in it: AUDIT_ARCH_X86_64, _I386
	od -An -tx4 -w4 -v "$f" | grep -q c000003e || fail "no AUDIT_ARCH_X86_64"
	od -An -tx4 -w4 -v "$f" | grep -q 40000003 || fail "no AUDIT_ARCH_I386"
	# a failed run makes no file
	run sys-filter --deny nosuchsyscall --dump "$BOX_TMP/none.bpf" true
	assertEquals 125 "$rc"
	assertFalse "no dump left" "[ -e '$BOX_TMP/none.bpf' ]"
}

test_bpf_loads_what_dump_wrote() {
	need_probe || return 0
	local f=$BOX_TMP/sysfs.bpf
	run sys-filter --deny sysfs:ENOSPC --dump "$f" true
	assertEquals "$err" 0 "$rc"
	probe_is "errno $ENOSPC" sys-filter --bpf "$f" "$P" $NR_sysfs 3
	run sys-filter --bpf "$f" cat /proc/self/status
	assertEquals "Seccomp" 2 "$(status_field Seccomp)"
	assertEquals "Seccomp_filters" 1 "$(status_field Seccomp_filters)"
	# the 32-bit half of the program is there too
	if have_ia32; then
		probe_is "errno $ENOSPC" sys-filter --bpf "$f" "$P" -32 $NR32_sysfs 3
	fi
	# the default profile, compiled once for Docker's capabilities
	need_default_profile || return 0
	need_tool cap-drop || return 0
	[ "$(id -u)" = 0 ] || return 0
	run cap-drop --no-new-privs sys-filter --profile default --dump "$BOX_TMP/default.bpf" true
	assertEquals "$err" 0 "$rc"
	probe_is "errno $EPERM" cap-drop --no-new-privs sys-filter --bpf "$BOX_TMP/default.bpf" "$P" $NR_userfaultfd 0
	probe_is "errno $ENOSYS" cap-drop --no-new-privs sys-filter --bpf "$BOX_TMP/default.bpf" "$P" $NR_add_key 0 0 0
}

test_bad_bpf_programs_are_refused() {
	need_tool sys-filter || return 0
	local m=$BOX_TMP/marker f=$BOX_TMP/bad.bpf
	printf 'abcdefg' >"$f"
	rm -f "$m"
	assert_bad_input "$BOX_BIN/sys-filter" --bpf "$f" touch "$m"
	assertContains "$err" "7 bytes is not a program"
	# an instruction the kernel does not know (code 0xffff)
	printf '\377\377\377\377\377\377\377\377' >"$f"
	assert_bad_input "$BOX_BIN/sys-filter" --bpf "$f" touch "$m"
	assertContains "$err" "Invalid argument"
	: >"$f"
	assert_bad_input "$BOX_BIN/sys-filter" --bpf "$f" touch "$m"
	assert_bad_input "$BOX_BIN/sys-filter" --bpf "$BOX_TMP/no/such.bpf" touch "$m"
	assert_bad_input "$BOX_BIN/sys-filter" --bpf "$f" --deny read touch "$m"
	assertContains "$err" "--bpf loads a compiled program"
	assertFalse "nothing ran" "[ -e '$m' ]"
}

# --- bad input ----------------------------------------------------------------

test_bad_command_lines_load_nothing() {
	need_tool sys-filter || return 0
	local m=$BOX_TMP/marker
	# each would run "touch MARKER" if it went on: nothing must
	bad() {
		rm -f "$m"
		assert_bad_input "$BOX_BIN/sys-filter" "$@" touch "$m"
		assertFalse "ran after: $*" "[ -e '$m' ]"
	}
	bad
	bad --deny nosuchsyscall
	assertContains "$err" "unknown syscall 'nosuchsyscall'"
	bad --deny read,,write
	bad --deny ''
	bad --deny mkdir:ENOSUCH
	bad --deny mkdir:4095
	bad --deny 99999
	bad --allow read --deny read
	assertContains "$err" "'read' is in --allow too"
	bad --deny read --default-action explode
	bad --deny read --default-action errno:
	bad --deny read --arch aarch64
	assertContains "an arch the kernel lacks" "$err" "this kernel does not run aarch64"
	bad --deny read --arch nosucharch
	bad --deny read --arch x86_64,
	bad --profile default --profile default
	bad --profile "$BOX_TMP/no/such/file"
	bad --profile "$BOX_TMP"
	bad --profile /dev/zero
}

test_bad_profiles_are_one_line_and_125() {
	need_tool sys-filter || return 0
	local m=$BOX_TMP/marker i=0 j
	badp() {
		i=$((i + 1))
		profile "bad$i" "$1"
		rm -f "$m"
		assert_bad_input "$BOX_BIN/sys-filter" --profile "$PROF" touch "$m"
		assertFalse "ran after profile $1" "[ -e '$m' ]"
		[ -z "${2:-}" ] || assertContains "$1" "$err" "$2"
	}
	local ok='"defaultAction": "SCMP_ACT_ALLOW"'
	badp '' "expected"
	badp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], ' "line"
	badp '{}' "defaultAction: missing"
	badp '[]' "not an object"
	badp '{"defaultAction": "SCMP_ACT_EXPLODE"}' "unknown action 'SCMP_ACT_EXPLODE'"
	badp '{"defaultAction": "SCMP_ACT_NOTIFY"}' "unsupported action SCMP_ACT_NOTIFY"
	badp '{"defaultAction": 1}' "not a string"
	badp "{$ok, \"defaultAction\": \"SCMP_ACT_KILL\"}" "duplicate"
	badp "{$ok, \"defaultAcion\": 1}" "unknown field 'defaultAcion'"
	badp "{$ok, \"syscalls\": [{\"names\": [\"nosuchsyscall\"], \"action\": \"SCMP_ACT_ERRNO\"}]}" \
		"syscalls[0]: unknown syscall 'nosuchsyscall'"
	badp "{$ok, \"syscalls\": [{\"names\": [\"Read;\"], \"action\": \"SCMP_ACT_ERRNO\"}]}" "invalid syscall name"
	badp "{$ok, \"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}" "no syscall names"
	badp "{$ok, \"syscalls\": [{\"names\": [\"read\"]}]}" "action: missing"
	badp "{$ok, \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 4095}]}" "out of range"
	badp "{$ok, \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": -1}]}" "out of range"
	badp "{$ok, \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"errno\": \"EFOO\"}]}" "unknown errno"
	badp "{$ok, \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_KILL\", \"errnoRet\": 1}]}" "only for SCMP_ACT_ERRNO"
	badp "{$ok, \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": \"SCMP_CMP_EQ\"}]}]}" "out of range"
	badp "{$ok, \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_LIKE\"}]}]}" "unknown comparison"
	badp "{$ok, \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 1.5, \"op\": \"SCMP_CMP_EQ\"}]}]}" "not an integer"
	badp "{$ok, \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"caps\": [\"CAP_FLY\"]}}]}" "unknown capability 'CAP_FLY'"
	badp "{$ok, \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"minKernel\": \"new\"}}]}" "not a kernel version"
	badp "{$ok, \"architectures\": [\"SCMP_ARCH_VAX\"]}" "unknown architecture"
	badp "{$ok, \"architectures\": [\"SCMP_ARCH_AARCH64\"]}" "no architecture this kernel runs"
	badp "{$ok, \"flags\": [\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}" "unsupported flag"
	badp "{$ok, \"listenerPath\": \"/run/agent.sock\"}" "listenerPath"
	# deep nesting: jansson stops at its depth limit
	badp "{$ok, \"syscalls\": $(printf '[%.0s' $(seq 5000))" "depth"
	# huge: refused unread
	profile huge "{$ok, \"comment\": \""
	head -c 5000000 /dev/zero | tr '\0' a >>"$PROF"
	rm -f "$m"
	assert_bad_input "$BOX_BIN/sys-filter" --profile "$PROF" touch "$m"
	assertContains "$err" "more than the"
	assertFalse "[ -e '$m' ]"
	# a control character inside a string: jansson quotes the text near
	# it, and the message stays one line
	badp '{"defaultAction": "SCMP_ACT_\
ALLOW"}' "invalid escape"
	# a NUL byte in the file
	printf '{"defaultAction": "SCMP_ACT_ALLOW"\0}' >"$BOX_TMP/nul.json"
	assert_bad_input "$BOX_BIN/sys-filter" --profile "$BOX_TMP/nul.json" true
	j=$i
	assertTrue "profiles tried" "[ $j -gt 20 ]"
}

box_run_suite
