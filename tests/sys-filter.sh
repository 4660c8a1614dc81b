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

# --- the cache (--cache) --------------------------------------------------------

# cache_dir NAME: a fresh cache directory of this user's, mode 0700, in $C
cache_dir() {
	C=$BOX_TMP/cache-$1
	rm -rf "$C"
	mkdir -m 700 "$C"
}

# entries: how many files the cache directory holds, hidden ones too
entries() {
	find "$C" -mindepth 1 | grep -c .
}

# the one entry of $C
entry() {
	find "$C" -mindepth 1 -name 'sf-*'
}

test_cache_second_start_loads_the_program_the_first_built() {
	need_probe || return 0
	local e id1 id2
	cache_dir hit
	probe_is "errno $ENOSPC" sys-filter --verbose --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
	assertContains "first start builds: $err" "$err" "built, stored"
	assertEquals "one entry" 1 "$(entries)"
	e=$(entry)
	assertEquals "the entry: a file of ours, mode 0600" "-rw------- $(id -u)" \
		"$(stat -c '%A %u' "$e")"
	id1=$(stat -c '%i %Y %s' "$e")
	# the second start loads it, builds nothing, writes nothing
	probe_is "errno $ENOSPC" sys-filter --verbose --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
	assertContains "second start: $err" "$err" "cached, nothing built"
	assertNotContains "$err" "built,"
	id2=$(stat -c '%i %Y %s' "$e")
	assertEquals "the entry is not written again" "$id1" "$id2"
	# the same program, byte for byte, as a build without the cache
	sys-filter --deny sysfs:ENOSPC --dump "$BOX_TMP/nocache.bpf" true
	sys-filter --cache "$C" --deny sysfs:ENOSPC --dump "$BOX_TMP/cached.bpf" true
	assertTrue "cached program = built program" \
		"cmp -s '$BOX_TMP/nocache.bpf' '$BOX_TMP/cached.bpf'"
	# without --verbose nothing is said
	run sys-filter --cache "$C" --deny sysfs:ENOSPC "$P" $NR_getpid
	assertEquals "quiet" "" "$err"
	assertContains "$out" "ok "
	# the kernel's view is the same: one filter
	run sys-filter --cache "$C" --deny sysfs:ENOSPC cat /proc/self/status
	assertEquals "Seccomp" 2 "$(status_field Seccomp)"
	assertEquals "Seccomp_filters" 1 "$(status_field Seccomp_filters)"
	have_ia32 || return 0
	probe_is "errno $ENOSPC" sys-filter --cache "$C" --deny sysfs:ENOSPC "$P" -32 $NR32_sysfs 3
}

test_cache_serves_the_default_profile_as_built() {
	need_probe || return 0
	need_default_profile || return 0
	local i
	cache_dir dflt
	for i in built cached; do
		run sys-filter -v --cache "$C" --profile default "$P" $NR_sysfs 3
		assertEquals "$i: sysfs" "errno $EPERM" "$out"
		assertContains "$i: $err" "$err" "$i"
		probe_is "errno $ENOSYS" sys-filter --cache "$C" --profile default "$P" $NR_add_key 0 0 0
		probe_is "errno $EPERM" sys-filter --cache "$C" --profile default "$P" $NR_userfaultfd 0
		run sys-filter --cache "$C" --profile default "$P" $NR_getpid
		assertContains "$i: getpid" "$out" "ok "
	done
	assertEquals "one entry for all of it" 1 "$(entries)"
	# --print needs the rules: it builds, and says so
	run sys-filter -v --cache "$C" --profile default --print true
	assertContains "$out" "errno 1 (EPERM) sysfs (139)"
	assertContains "$err" "--print builds"
	# the profile's own bytes are in the entry (compared on every load)
	assertTrue "the profile is in the entry" \
		"grep -qF '\"defaultAction\": \"SCMP_ACT_ERRNO\"' '$(entry)'"
	# from a descriptor: the same bytes, the same entry
	run sh -c "exec 3<'$DEFAULT_PROFILE'; exec sys-filter -v --cache '$C' --profile /dev/fd/3 true"
	assertContains "$err" "cached"
	if [ "$(id -u)" = 0 ] && command -v cap-drop >/dev/null; then
		# root keeps CAP_SYS_ADMIN (bpf allowed); after cap-drop the
		# rules differ: another entry, and each gives its own answer
		run cap-drop --no-new-privs sys-filter -v --cache "$C" --profile default true
		assertContains "another capability set: $err" "$err" "built, stored"
		assertEquals 2 "$(entries)"
		run cap-drop --no-new-privs sys-filter -v --cache "$C" --profile default true
		assertContains "$err" "cached"
		probe_is "errno $EPERM" cap-drop --no-new-privs sys-filter --cache "$C" \
			--profile default "$P" 321 0 0 0
		run sys-filter --cache "$C" --profile default "$P" 321 0 0 0
		assertNotEquals "bpf(2) with CAP_SYS_ADMIN" "errno $EPERM" "$out"
	fi
}

test_cache_another_profile_or_option_is_another_entry() {
	need_tool sys-filter || return 0
	local n=0 args
	cache_dir key
	profile k1 '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["sysfs"], "action": "SCMP_ACT_ERRNO"}]}'
	# one byte more (a space) is another profile
	profile k2 '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["sysfs"], "action": "SCMP_ACT_ERRNO"}] }'
	for args in "--profile $BOX_TMP/k1.json" "--profile $PROF" \
		"--profile $PROF --deny getpid" "--profile $PROF --allow getpid" \
		"--profile $PROF --default-action log" "--profile $PROF --arch x86_64" \
		"--profile $PROF --log" "--profile $PROF --tsync" \
		"--profile $PROF --no-new-privs" "--deny sysfs" "--deny sysfs:ENOSPC" \
		"--deny sysfs --deny getpid" "--deny getpid --deny sysfs"; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # the options split on purpose
		run sys-filter -v --cache "$C" $args true
		assertEquals "$args: $err" 0 "$rc"
		assertContains "$args: a new entry" "$err" "built, stored"
		assertEquals "$args: entries" $n "$(entries)"
		# shellcheck disable=SC2086
		run sys-filter -v --cache "$C" $args true
		assertContains "$args: then cached" "$err" "cached"
	done
	# the path does not count, the bytes do
	cp "$BOX_TMP/k1.json" "$BOX_TMP/k1-copy.json"
	run sys-filter -v --cache "$C" --profile "$BOX_TMP/k1-copy.json" true
	assertContains "same bytes elsewhere: $err" "$err" "cached"
}

# An entry with a sound header and checksum, for other input, under the
# name of this input's (as a hash collision would make it): never loaded.
test_cache_entry_of_other_input_is_rebuilt_not_loaded() {
	need_probe || return 0
	local a b
	cache_dir other
	sys-filter --cache "$C" --deny sysfs:ENOSPC true
	a=$(entry)
	cp -p "$a" "$BOX_TMP/a.entry"
	rm "$a"
	sys-filter --cache "$C" --deny sysfs:EACCES true
	b=$(entry)
	assertNotEquals "two names" "$a" "$b"
	probe_is "errno $EACCES" sys-filter --cache "$C" --deny sysfs:EACCES "$P" $NR_sysfs 3
	# EACCES's entry, whole and sound, under ENOSPC's name
	cp -p "$b" "$a"
	run sys-filter -v --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
	assertEquals "ENOSPC's rule, not the entry's EACCES" "errno $ENOSPC" "$out"
	assertContains "$err" "an entry for other input, not used"
	assertContains "$err" "built, stored"
	assertTrue "ENOSPC's own entry is back" "cmp -s '$a' '$BOX_TMP/a.entry'"
}

test_cache_truncated_or_damaged_entry_is_rebuilt() {
	need_probe || return 0
	local e size cut
	cache_dir trunc
	sys-filter --cache "$C" --deny sysfs:ENOSPC true
	e=$(entry)
	cp -p "$e" "$BOX_TMP/whole.entry"
	size=$(stat -c %s "$e")
	for cut in 0 7 32 40 $((size / 2)) $((size - 1)); do
		head -c "$cut" "$BOX_TMP/whole.entry" >"$e"
		run sys-filter -v --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
		assertEquals "cut at $cut: $err" "errno $ENOSPC" "$out"
		assertContains "cut at $cut" "$err" "malformed or truncated, not used"
		assertTrue "cut at $cut: whole again" "cmp -s '$e' '$BOX_TMP/whole.entry'"
	done
	# a byte more at the end
	{ cat "$BOX_TMP/whole.entry"; printf x; } >"$e"
	run sys-filter -v --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
	assertContains "a byte more" "$err" "malformed"
	# one instruction changed (ENOSPC 28 into 29): the checksum
	cp "$BOX_TMP/whole.entry" "$e"
	# (BPF_RET|BPF_K, SECCOMP_RET_ERRNO | 28: 06 00 00 00 1c 00 05 00)
	od -An -tx1 -v "$e" | tr -d ' \n' | grep -q '060000001c000500' ||
		fail "no errno 28 return in the entry"
	perl -0777 -pi -e 's/\x06\x00\x00\x00\x1c\x00\x05\x00/\x06\x00\x00\x00\x1d\x00\x05\x00/' "$e"
	assertFalse "the entry was changed" "cmp -s '$e' '$BOX_TMP/whole.entry'"
	run sys-filter -v --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
	assertEquals "errno $ENOSPC" "$out"
	assertContains "$err" "malformed"
	assertTrue "whole again" "cmp -s '$e' '$BOX_TMP/whole.entry'"
	assertEquals "no temporary file left" 1 "$(entries)"
}

test_cache_directory_others_may_write_is_not_used() {
	need_probe || return 0
	local mode
	cache_dir perm
	for mode in 0770 0707 1777; do
		chmod "$mode" "$C"
		# still filtered, nothing stored, said without --verbose
		probe_is "errno $ENOSPC" sys-filter --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
		assertContains "mode $mode: $err" "$err" "cache $C not used: writable by group or others"
		assertEquals "mode $mode: one line" 1 "$(printf '%s\n' "$err" | grep -c .)"
		assertEquals "mode $mode: nothing stored" 0 "$(entries)"
	done
	chmod 0755 "$C"
	run sys-filter -v --cache "$C" --deny sysfs:ENOSPC true
	assertContains "0755 is fine" "$err" "built, stored"
	# an entry put there before the directory became writable is not
	# loaded either
	chmod 0775 "$C"
	run sys-filter -v --cache "$C" --deny sysfs:ENOSPC true
	assertNotContains "$err" "cached"
	need_root || return 0
	chmod 0700 "$C"
	chown 65534 "$C"
	probe_is "errno $ENOSPC" sys-filter --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
	assertContains "another owner" "$err" "owned by another user"
	chown 0 "$C"
}

test_cache_entry_that_is_a_link_or_not_ours_is_not_used() {
	need_probe || return 0
	local e t
	cache_dir link
	sys-filter --cache "$C" --deny sysfs:ENOSPC true
	e=$(entry)
	# a sound entry, elsewhere, reached through a symlink: not followed
	t=$BOX_TMP/elsewhere.entry
	mv "$e" "$t"
	ln -s "$t" "$e"
	run sys-filter -v --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
	assertEquals "errno $ENOSPC" "$out"
	assertContains "$err" "a symbolic link, not used"
	assertContains "$err" "built, stored"
	assertFalse "the link is replaced by an entry" "[ -L '$e' ]"
	assertTrue "[ -f '$e' ]"
	assertTrue "the link's target is untouched" "cmp -s '$e' '$t'"
	# mode 0644, two links: not ours to trust
	chmod 0644 "$e"
	run sys-filter -v --cache "$C" --deny sysfs:ENOSPC true
	assertContains "0644" "$err" "not a file of ours"
	assertEquals "rewritten 0600" 600 "$(stat -c %a "$e")"
	ln "$e" "$C/second-link"
	run sys-filter -v --cache "$C" --deny sysfs:ENOSPC true
	assertContains "two links" "$err" "not a file of ours"
	rm -f "$C/second-link"
	# a FIFO does not block the open
	rm -f "$e"
	mkfifo -m 600 "$e"
	run timeout 10 sys-filter -v --cache "$C" --deny sysfs:ENOSPC true
	assertEquals "FIFO: $err" 0 "$rc"
	assertContains "$err" "not a regular file"
	assertTrue "[ -f '$e' ]"
	need_root || return 0
	chown 65534 "$e"
	run sys-filter -v --cache "$C" --deny sysfs:ENOSPC true
	assertContains "another owner" "$err" "not a file of ours"
	assertEquals "ours again" 0 "$(stat -c %u "$e")"
}

test_cache_that_cannot_be_written_is_no_error() {
	need_probe || return 0
	need_root || return 0
	need_cmd unshare || return 0
	local d=$BOX_TMP/cache-ro
	mkdir -p "$d"
	# read-only: the filter is built and loaded, nothing is said
	run unshare --mount --propagation private sh -c "
		mount -t tmpfs -o ro,mode=0700 none '$d' || exit 99
		sys-filter --cache '$d' --deny sysfs:ENOSPC '$P' $NR_sysfs 3
		sys-filter -v --cache '$d' --deny sysfs:ENOSPC true
		ls -A '$d' | wc -l"
	assertEquals "read-only ($err)" "errno $ENOSPC
0" "$out"
	assertEquals "said with --verbose only" 1 "$(printf '%s\n' "$err" | grep -c .)"
	assertContains "$err" "built, not stored"
	assertContains "$err" "Read-only file system"
	# full: no temporary file is left behind
	run unshare --mount --propagation private sh -c "
		mount -t tmpfs -o size=4k,mode=0700 none '$d' || exit 99
		cat /dev/zero >'$d/fill' 2>/dev/null
		sys-filter --cache '$d' --deny sysfs:ENOSPC '$P' $NR_sysfs 3
		sys-filter -v --cache '$d' --deny sysfs:ENOSPC true
		ls -A '$d'"
	assertEquals "full ($err)" "errno $ENOSPC
fill" "$out"
	assertContains "$err" "No space left on device"
	# a directory that does not exist: built, and not made
	run sys-filter -v --cache "$BOX_TMP/no/such/dir" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
	assertEquals "errno $ENOSPC" "$out"
	assertContains "$err" "No such file or directory"
	assertFalse "not made" "[ -e '$BOX_TMP/no' ]"
}

test_cache_bad_command_lines_load_and_store_nothing() {
	need_tool sys-filter || return 0
	local m=$BOX_TMP/marker
	cache_dir bad
	bad() {
		rm -f "$m"
		assert_bad_input "$BOX_BIN/sys-filter" "$@" touch "$m"
		assertFalse "ran after: $*" "[ -e '$m' ]"
		assertEquals "nothing stored after: $*" 0 "$(entries)"
	}
	bad --cache "$C" --deny nosuchsyscall
	bad --cache "$C" --deny read --arch aarch64
	profile cbad '{"defaultAction": "SCMP_ACT_EXPLODE"}'
	bad --cache "$C" --profile "$PROF"
	bad --cache "$C" --deny sysfs --dump "$BOX_TMP/no/such/dir/f.bpf"
	assertContains "a --dump that fails: nothing kept" "$err" "open --dump file"
	bad --cache "$C" --cache "$C" --deny read
	assertContains "$err" "--cache given twice"
	sys-filter --deny sysfs --dump "$BOX_TMP/r.bpf" true
	bad --cache "$C" --bpf "$BOX_TMP/r.bpf"
	assertContains "$err" "--cache with it"
	bad --cache /dev/fd/9 --deny read
	assertContains "$err" "open it on the command line: 9<DIR"
	rm -f "$m"
	run sh -c "exec 3<'$BOX_TMP/r.bpf'; exec '$BOX_BIN/sys-filter' --cache /dev/fd/3 --deny read touch '$m'"
	assertEquals "a file as the cache: $err" 125 "$rc"
	assertContains "$err" "not a directory"
	assertFalse "[ -e '$m' ]"
}

# Trust is the effective user's: nobody's own directory serves nobody,
# and root does not take programs from it.
test_cache_belongs_to_the_effective_user() {
	need_probe || return 0
	need_root || return 0
	need_cmd setpriv || return 0
	local i
	cache_dir user
	chown 65534 "$C"
	for i in built cached; do
		run setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$BOX_BIN/sys-filter" -v --no-new-privs --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
		assertEquals "nobody, $i: $err" "errno $ENOSPC" "$out"
		assertContains "nobody: $i" "$err" "$i"
	done
	assertEquals "nobody's entry" "65534 600" "$(stat -c '%u %a' "$(entry)")"
	run sys-filter -v --no-new-privs --cache "$C" --deny sysfs:ENOSPC "$P" $NR_sysfs 3
	assertEquals "root: $err" "errno $ENOSPC" "$out"
	assertContains "root does not use nobody's cache" "$err" "owned by another user"
	assertEquals "nothing of root's stored there" 1 "$(entries)"
}

# The chain of boxutils(7): after pivot a path names the image's files,
# so the host's cache comes as a descriptor, like the profile; it is
# closed before the payload runs.
test_cache_from_a_descriptor_across_pivot() {
	need_default_profile || return 0
	need_root || return 0
	need_cmd unshare busybox file || return 0
	need_tool pivot cap-drop sys-filter || return 0
	local t i
	for t in cap-drop sys-filter; do
		file -L "$BOX_BIN/$t" | grep -q 'dynamically linked' || continue
		skip_test "$t is dynamically linked in this build (pivot --host-prog needs it static)"
		return 0
	done
	make_busybox_rootfs "$BOX_TMP/rootfs" || return 0
	cache_dir pivot
	# a directory of the same name in the image: not the one used
	mkdir -p "$BOX_TMP/rootfs$C"
	for i in built cached; do
		run unshare -m -p -f --propagation private env PATH="$BOX_BIN:$PATH" \
			sh -c "exec 3<'$DEFAULT_PROFILE' 4<'$C'; exec pivot --host-prog '$BOX_TMP/rootfs' \
			cap-drop --no-new-privs \
			sys-filter -v --profile /dev/fd/3 --cache /dev/fd/4 /bin/sh -c '
				grep -E \"^(Seccomp|NoNewPrivs):\" /proc/self/status
				for f in 3 4; do [ -e /proc/\$\$/fd/\$f ] && echo fd \$f open; done
				mount -t tmpfs none /mnt 2>/dev/null && echo mounted || echo mount refused'"
		assertEquals "$i: status ($err)" 0 "$rc"
		assertContains "$i: $err" "$err" "cache /dev/fd/4: sf-"
		assertContains "$i: $err" "$err" "$i"
		assertEquals "$i: payload" "NoNewPrivs:	1
Seccomp:	2
mount refused" "$out"
	done
	assertEquals "the host's cache has the entry" 1 "$(entries)"
	assertEquals "the image's directory is empty" "" "$(ls -A "$BOX_TMP/rootfs$C")"
}

box_run_suite
