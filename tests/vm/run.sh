#!/bin/bash
# tests/vm/run.sh - the pure cgroup v2 tier.
#
# Boots Debian's linux-image-amd64 kernel (the one under /boot, whatever
# the host runs) in qemu with TCG, on an initramfs built here from
# busybox-static, bash, shunit2, the host's coreutils & co. with their
# libraries, the built tools in $BOX_BIN and the cgroup suites
# tests/cg-*.sh (plus tests/vm/selftest.sh, tests/vm/lsm.sh (cap-drop's
# AppArmor label), and tests/vm/runtime.sh,
# box-runtime's lifecycle on pure v2).  tests/vm/init, PID 1 in
# the VM, mounts a pure cgroup2 hierarchy, runs each suite and reports on
# the serial console; this script reads those lines back and appends
# "vm-<suite> RAN FAILED SKIPPED" to $BOX_RESULTS (or prints them).
#
# Run it alone (from the top of the tree, after `make`):
#     BOX_BIN=$PWD/build/bin tests/run.sh tests/vm/run.sh
# Knobs (environment):
#     BOX_VM_KERNEL=/boot/vmlinuz-...   kernel to boot (default: newest
#                                       /boot/vmlinuz-* with modules)
#     BOX_VM_CACHE=DIR                  initramfs cache (tests/vm/cache)
#     BOX_VM_TIMEOUT=240                hard limit for the whole VM, s
#     BOX_VM_SUITE_TIMEOUT=120          limit per suite inside the VM, s
#     BOX_VM_BOOT_TIMEOUT=60            limit for reaching init, s (then
#                                       one more try)
#     BOX_VM_SUITES="cg-create selftest" run only these suites
#     BOX_VM_JOBS=2                     suites run at a time in the VM (it
#                                       has 2 CPUs); 1 streams the output
#     BOX_VM_VERBOSE=1                  show the console while it runs
#     BOX_VM_EXTRA="a.sh b.sh"          more suites to copy into tests/
#                                       and run in the VM (debugging)
#     BOX_VM_ACCEL=tcg                  qemu accelerator (kvm is faster
#                                       where it works; CI uses tcg)
#     BOX_VM_APPEND="..."               more kernel command line
#     BOX_VM_QEMU_ARGS="..."            more qemu arguments
#
# Outcomes: qemu, the kernel or busybox-static missing, or no cgroup
# suite yet -> one skipped test "vm 1 0 1" with the reason; the VM not
# booting or not finishing in time -> "vm 1 1 0" and the console's tail.

cd "$(dirname "$0")/../.." || exit 125
PATH=$PATH:/usr/sbin:/sbin
top=$PWD
: "${BOX_BIN:=$top/build/bin}"
: "${BOX_VM_CACHE:=$top/tests/vm/cache}"
: "${BOX_VM_TIMEOUT:=240}"
: "${BOX_VM_SUITE_TIMEOUT:=120}"
: "${BOX_VM_BOOT_TIMEOUT:=60}"
: "${BOX_VM_JOBS:=2}"

report() { # NAME RAN FAILED SKIPPED
	echo "BOXRESULT $1 ran=$2 failed=$3 skipped=$4"
	if [ -n "$BOX_RESULTS" ]; then
		echo "$1 $2 $3 $4" >>"$BOX_RESULTS"
	fi
}

skip_all() {
	echo "SKIP vm: $*"
	report vm 1 0 1
	exit 0
}

fail_all() {
	echo "FAIL vm: $*"
	report vm 1 1 0
	exit 1
}

# --- what we need on the host ---------------------------------------------

command -v qemu-system-x86_64 >/dev/null ||
	skip_all "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"
[ "$(uname -m)" = x86_64 ] || skip_all "needs an x86_64 host for the amd64 kernel"

kernel=${BOX_VM_KERNEL:-}
if [ -z "$kernel" ]; then
	while read -r k; do
		[ -f "$k" ] && [ -d "/lib/modules/${k#/boot/vmlinuz-}" ] && kernel=$k
	done < <(printf '%s\n' /boot/vmlinuz-*-amd64 | sort -V)
fi
[ -n "$kernel" ] && [ -r "$kernel" ] ||
	skip_all "no readable /boot/vmlinuz-*-amd64 (Debian package linux-image-amd64)"
kver=${kernel#/boot/vmlinuz-}
kmods=/lib/modules/$kver

busybox=
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && ! ldd "$b" >/dev/null 2>&1; then
		busybox=$b
		break
	fi
done
[ -n "$busybox" ] || skip_all "no static busybox (Debian package busybox-static)"
# GNU cpio where installed, else busybox's (it writes newc too).
if command -v cpio >/dev/null; then
	cpio=(cpio -o -H newc -R 0:0 --quiet)
else
	cpio=("$busybox" cpio -o -H newc -R 0:0)
fi

suites=$(ls tests/cg-*.sh 2>/dev/null)
[ -n "$suites" ] || [ -n "$BOX_VM_SUITES$BOX_VM_EXTRA" ] ||
	skip_all "no cgroup suites (tests/cg-*.sh) to run on pure cgroup v2 yet"

# --- the image ----------------------------------------------------------

# Host programs the suites may use, copied with their libraries so that
# GNU behaviour inside matches the host.  Missing ones are left out;
# busybox applets stand in for anything not here.
host_cmds="bash dash sh shunit2 awk mawk gawk sed grep find xargs diff cmp
	setpriv unshare nsenter mount umount findmnt mountpoint kill taskset
	prlimit flock getopt losetup blockdev lsns chrt ionice nproc
	ps pgrep pidof free getent id
	useradd userdel groupadd groupdel usermod
	cgcreate cgexec cgdelete cgset cgget cgclassify lscgroup lssubsys
	capsh getpcaps ip strace jq getfattr"
# All of coreutils.
coreutils=$(dpkg -L coreutils 2>/dev/null | grep -E '^/(usr/)?s?bin/[^/]+$')
modules="loop overlay veth null_blk"

inputs() { # every file whose content goes into the image
	local c p
	echo "$busybox"
	for c in $host_cmds; do
		p=$(command -v "$c" 2>/dev/null) || continue
		[ -f "$p" ] && echo "$p"
	done
	for p in $coreutils; do
		[ -f "$p" ] && echo "$p"
	done
	ls -d "$BOX_BIN"/* 2>/dev/null
	ls tests/lib*.sh tests/cg-*.sh tests/vm/init tests/vm/selftest.sh tests/vm/runtime.sh tests/vm/lsm.sh tests/vm/run.sh 2>/dev/null
	ls /usr/share/shunit2/* 2>/dev/null
	for f in $BOX_VM_EXTRA; do
		readlink -f "$f"
	done
}

extra_abs=
for f in $BOX_VM_EXTRA; do
	[ -f "$f" ] || fail_all "BOX_VM_EXTRA: no file $f"
	extra_abs="$extra_abs $(readlink -f "$f")"
done
mapfile -t files < <(inputs | sort -u)
hash=$( {
	echo "$kver $busybox $BOX_BIN $modules $BOX_VM_EXTRA"
	printf '%s\n' "${files[@]}"
	sha256sum "${files[@]}" 2>/dev/null
} | sha256sum | cut -c1-16)
mkdir -p "$BOX_VM_CACHE" || fail_all "cannot create $BOX_VM_CACHE"
initrd=$BOX_VM_CACHE/initrd-$hash.cpio

build_image() {
	local root=$1 f l d m
	mkdir -p "$root"
	# Mirror the host's merged-/usr links, so a path from ldd or an ELF
	# interpreter resolves the same inside.
	for d in bin sbin lib lib64; do
		if [ -L "/$d" ]; then
			l=$(readlink "/$d")
			mkdir -p "$root/${l#/}"
			ln -s "$l" "$root/$d"
		else
			mkdir -p "$root/$d"
		fi
	done
	for d in dev proc sys tmp run root home etc usr/bin usr/sbin busybox \
		boxutils/tests/vm boxutils/build/bin sys/fs/cgroup var/tmp; do
		mkdir -p "$root/$d"
	done
	chmod 1777 "$root/tmp" "$root/var/tmp"
	cp "$busybox" "$root/busybox/busybox"
	for l in $("$busybox" --list); do
		[ "$l" = busybox ] || ln -s busybox "$root/busybox/$l"
	done
	cp tests/vm/init "$root/init"
	chmod 755 "$root/init"

	# Programs and their libraries, dereferenced, at the paths the host
	# uses; `sh` stays the host's /bin/sh.
	{
		for f in "${files[@]}"; do
			case $f in
			"$busybox" | "$BOX_BIN"/* | tests/* | /usr/share/shunit2/*) continue ;;
			esac
			case " $extra_abs " in *" $f "*) continue ;; esac
			echo "$f"
			ldd "$f" 2>/dev/null | grep -oE '/[^ ]+'
		done
		for m in $modules; do
			modprobe -S "$kver" --show-depends "$m" 2>/dev/null |
				awk '$1 == "insmod" {print $2}'
		done
	} | sort -u >"$root.list"
	while read -r f; do
		[ -e "$f" ] || continue
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done <"$root.list"
	# Module indexes for just the modules in the image (small), read by
	# busybox's modprobe, which the kernel runs for request_module().
	mkdir -p "$root$kmods"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$kmods/$f" ] && cp "$kmods/$f" "$root$kmods/"
	done
	if ! depmod -b "$root" "$kver" 2>/dev/null; then
		for f in "$kmods"/modules.*; do
			cp "$f" "$root$f"
		done
	fi
	for l in modprobe insmod rmmod lsmod modinfo depmod; do
		[ -e "$root/usr/sbin/$l" ] || ln -s /busybox/busybox "$root/usr/sbin/$l"
	done
	# shunit2 and the tests
	mkdir -p "$root/usr/share/shunit2"
	cp /usr/share/shunit2/* "$root/usr/share/shunit2/" 2>/dev/null
	ln -sf ../share/shunit2/shunit2 "$root/usr/bin/shunit2"
	for f in "${files[@]}"; do
		case $f in
		"$BOX_BIN"/*)
			# without debug info the image unpacks faster at boot
			strip --strip-debug -o "$root/boxutils/build/bin/${f##*/}" "$f" 2>/dev/null ||
				cp -L "$f" "$root/boxutils/build/bin/"
			;;
		tests/*) cp -L "$f" "$root/boxutils/$f" ;;
		esac
	done
	for f in $BOX_VM_EXTRA; do
		cp -L "$f" "$root/boxutils/tests/"
		echo "tests/${f##*/}" >>"$root/boxutils/tests/vm/extra.list"
	done
	# Libraries of the built tools
	for f in "$root"/boxutils/build/bin/*; do
		[ -f "$f" ] || continue
		ldd "$f" 2>/dev/null | grep -oE '/[^ ]+' | while read -r l; do
			[ -e "$root$l" ] && continue
			mkdir -p "$root$(dirname "$l")"
			cp -L "$l" "$root$l"
		done
	done

	# A small /etc: root, nobody and a group table; useradd works.
	cat >"$root/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/bash
		nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
	EOF
	cat >"$root/etc/group" <<-'EOF'
		root:x:0:
		tty:x:5:
		nogroup:x:65534:
	EOF
	echo 'root:*:19000:0:99999:7:::' >"$root/etc/shadow"
	echo 'root:*::' >"$root/etc/gshadow"
	chmod 640 "$root/etc/shadow" "$root/etc/gshadow"
	: >"$root/etc/subuid"
	: >"$root/etc/subgid"
	printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files\n' \
		>"$root/etc/nsswitch.conf"
	printf '127.0.0.1 localhost boxvm\n::1 localhost\n' >"$root/etc/hosts"
	[ -f /etc/login.defs ] && cp /etc/login.defs "$root/etc/"
	ln -s /proc/self/mounts "$root/etc/mtab"

	(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
		"${cpio[@]}") >"$root.cpio" || return 1
}

if [ ! -s "$initrd" ]; then
	t0=$(date +%s.%N)
	work=$(mktemp -d "$BOX_VM_CACHE/build.XXXXXX")
	if ! build_image "$work/root"; then
		rm -rf "$work"
		fail_all "building the initramfs failed"
	fi
	# Atomic, so parallel runs never boot half an image.
	mv "$work/root.cpio" "$initrd"
	rm -rf "$work"
	# Keep the newest few images, and any used in the last 5 minutes:
	# a parallel run (another BOX_BIN) may be about to boot one.
	ls -t "$BOX_VM_CACHE"/initrd-*.cpio 2>/dev/null | tail -n +4 |
		while read -r f; do
			[ -n "$(find "$f" -mmin +5)" ] && rm -f "$f"
		done
	find "$BOX_VM_CACHE" -maxdepth 1 -name 'build.*' -mmin +30 -exec rm -rf {} +
	echo "vm: built $(basename "$initrd") ($(($(stat -c %s "$initrd") / 1048576)) MiB) in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0}") s"
else
	touch "$initrd"
	echo "vm: using cached $(basename "$initrd")"
fi

# --- boot -----------------------------------------------------------------

# The kernel's own decompressor (xz on Debian) is the slowest part of a
# TCG boot.  qemu boots the uncompressed ELF vmlinux directly (PVH entry,
# CONFIG_PVH), so unpack it once per kernel, the way extract-vmlinux
# does: find a compressed stream inside the bzImage that unpacks to ELF.
unpack_vmlinux() { # BZIMAGE OUT
	local magic tool off
	for magic in '\3757zXZ:xz' '\050\265\057\375:zstd' '\037\213\010:gzip'; do
		tool=${magic##*:}
		command -v "$tool" >/dev/null || continue
		for off in $(LC_ALL=C grep -obUa "$(printf "${magic%:*}")" "$1" |
			cut -d: -f1 | head -3); do
			tail -c +"$((off + 1))" "$1" | "$tool" -dc 2>/dev/null >"$2.tmp"
			if [ "$(head -c 4 "$2.tmp" | od -An -c | tr -d ' ')" = '177ELF' ]; then
				mv "$2.tmp" "$2"
				return 0
			fi
		done
	done
	rm -f "$2.tmp"
	return 1
}

vmlinux=$BOX_VM_CACHE/vmlinux-$kver
if [ ! -s "$vmlinux" ] || [ "$kernel" -nt "$vmlinux" ]; then
	unpack_vmlinux "$kernel" "$vmlinux" ||
		echo "vm: cannot unpack $kernel; booting it compressed (slower)"
fi
# qboot starts faster than SeaBIOS; both come with qemu-system-x86.
fast=()
if [ -s "$vmlinux" ]; then
	fast=(-kernel "$vmlinux")
	[ -f /usr/share/qemu/qboot.rom ] && fast+=(-bios /usr/share/qemu/qboot.rom)
else
	fast=(-kernel "$kernel")
fi

nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
log=$(mktemp /tmp/boxvm-console.XXXXXX)
trap 'rm -f "$log" "$log.txt"' EXIT
only=
[ -n "$BOX_VM_SUITES" ] && only=" boxvm.only=$(echo "$BOX_VM_SUITES" | tr -s ' ' ,)"
# norandmaps: TCG keys its translated code by virtual address, so with
# address-space randomization every new process translates libc, ld.so
# and bash afresh; without it they are reused, and the exec-heavy suites
# run 2-3 times faster.  Nothing the suites test depends on ASLR.
cmdline="console=ttyS0 panic=-1 quiet loglevel=3 norandmaps ${BOX_VM_APPEND:+$BOX_VM_APPEND }boxvm.nonce=$nonce boxvm.timeout=$BOX_VM_SUITE_TIMEOUT boxvm.jobs=$BOX_VM_JOBS$only"

read -ra qemu_args <<<"${BOX_VM_QEMU_ARGS:-}"
tag="BOXVM $nonce"
qemu=(timeout -k 5 "$BOX_VM_TIMEOUT" qemu-system-x86_64
	-accel "${BOX_VM_ACCEL:-tcg}" -smp 2 -m 512M
	-nodefaults -no-user-config -nographic -no-reboot
	-serial stdio -monitor none -net none
	-initrd "$initrd" -append "$cmdline" "${qemu_args[@]}")

# boot KERNEL-ARGS...: run qemu, console into $log; 0 when it ran to the
# end, 2 when init did not start within $BOX_VM_BOOT_TIMEOUT s (qemu is
# then stopped).
boot() {
	local qpid i tpid=''
	: >"$log"
	"${qemu[@]}" "$@" </dev/null >"$log" 2>&1 &
	qpid=$!
	if [ -n "$BOX_VM_VERBOSE" ]; then
		tail -f --pid="$qpid" "$log" &
		tpid=$!
	fi
	for ((i = 0; i < BOX_VM_BOOT_TIMEOUT * 10; i++)); do
		grep -q "$tag BEGIN" "$log" && break
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.1
	done
	if ! grep -q "$tag BEGIN" "$log"; then
		kill "$qpid" 2>/dev/null
		wait "$qpid"
		code=$?
		[ -n "$tpid" ] && wait "$tpid"
		return 2
	fi
	wait "$qpid"
	code=$?
	[ -n "$tpid" ] && wait "$tpid"
	return 0
}

echo "vm: booting $kernel with -accel ${BOX_VM_ACCEL:-tcg} (timeout ${BOX_VM_TIMEOUT}s)"
t0=$(date +%s.%N)
# A boot that hangs before init is qemu's or the firmware's trouble, not
# the suites': try once more the plain way (SeaBIOS, compressed kernel)
# before calling the tier failed.
if ! boot "${fast[@]}"; then
	echo "vm: init did not start within ${BOX_VM_BOOT_TIMEOUT}s (qemu status $code); console:"
	tr -d '\r' <"$log" | tail -n 20
	echo "vm: booting once more, with SeaBIOS and $kernel"
	t0=$(date +%s.%N)
	boot -kernel "$kernel" ||
		code="none: init did not start within ${BOX_VM_BOOT_TIMEOUT}s, twice"
fi
t1=$(date +%s.%N)
secs=$(awk "BEGIN{printf \"%.1f\", $t1 - $t0}")
tr -d '\r' <"$log" >"$log.txt" && mv "$log.txt" "$log"

# The firmware's screen-clearing escapes may share a line with ours.
sed -i "s/^.*\($tag \)/\1/" "$log"
begin=$(grep -n "^$tag BEGIN" "$log" | head -1 | cut -d: -f1)
beginline=$(grep "^$tag BEGIN" "$log" | head -1)
endline=$(grep "^$tag END" "$log" | head -1)
if [ -z "$begin" ]; then
	echo "vm: console tail:"
	tail -n 40 "$log"
	rm -f "$log"
	fail_all "the VM did not boot to init (qemu status $code after $secs s)"
fi

# The suites' own output, as the other suites show theirs.
[ -n "$BOX_VM_VERBOSE" ] || tail -n +"$((begin + 1))" "$log" | grep -v "^$tag "
failed=0
while read -r _ _ _ name ran fl sk; do
	report "vm-$name" "$ran" "$fl" "$sk"
	[ "$fl" = 0 ] || failed=1
done < <(grep "^$tag RESULT " "$log")

if [ -z "$endline" ]; then
	echo "vm: console tail:"
	tail -n 40 "$log"
	rm -f "$log"
	fail_all "the VM did not finish (qemu status $code after $secs s; timeout ${BOX_VM_TIMEOUT}s)"
fi
g0=${beginline##* } g1=${endline##* }
echo "vm: init started at guest uptime $g0 s, suites took $(awk "BEGIN{print $g1 - $g0}") s; qemu ran $secs s in all (boot and power-off: $(awk "BEGIN{printf \"%.1f\", $secs - ($g1 - $g0)}") s)"
rm -f "$log"
exit "$failed"
