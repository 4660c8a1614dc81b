#!/bin/bash
# tests/uf-mount.sh - uf-mount: overlay stacks, aufs syntax, whiteouts,
# long stacks, hostile names, rootless, read-only, unmount, chaining, and
# bad input.  Every mount is made inside a private mount namespace that
# ends with its command (in_ns), so a failure cannot leave a mount on the
# host; tearDown also checks the host's table below $BOX_TMP.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

suite_setup() {
	# the rootless test's unprivileged user must be able to reach $T
	chmod 755 "$BOX_TMP"
	# Does the kernel take "lowerdir+" (Linux 6.8)?  Then uf-mount uses
	# the new mount API, and mountinfo lists each layer as lowerdir+=.
	mkdir -p "$BOX_TMP/probe/a" "$BOX_TMP/probe/b" "$BOX_TMP/probe/m"
	lowerdir_plus=$(cd "$BOX_TMP/probe" && unshare --mount --propagation \
		private bash -c 'uf-mount --lower a --lower b m &&
		grep -c "lowerdir+=" /proc/self/mountinfo') || true
}

need_lowerdir_plus() {
	[ "${lowerdir_plus:-0}" -gt 0 ] && return 0
	skip_test "the kernel lacks overlay's lowerdir+ (Linux 6.8)"
	return 1
}

# Host mounts below our temp dir (others' suites may mount elsewhere).
our_mounts() {
	mount_snapshot | grep -F "$BOX_TMP" || true
}

setUp() {
	# shellcheck disable=SC2154 # shunit2's current test
	T=$BOX_TMP/${_shunit_test_#test_}
	mkdir -p "$T"
	cd "$T" || return 1
	export T
	host_before=$(our_mounts)
}

tearDown() {
	cd / || return 0
	assertEquals "no mount left on the host" "$host_before" "$(our_mounts)"
}

# in_ns SCRIPT [ARG...]: run a bash script in $T, inside a new mount
# namespace with private propagation; its mounts die with it.
in_ns() {
	local script=$1
	shift
	unshare --mount --propagation private bash -c "cd \"\$T\" || exit 99; $script" in_ns "$@"
}

# The super options of the mount on $1, one per line, as the kernel lists
# them (a comma inside a value is \054 there, so this split is the kernel's).
super_opts_script='super_opts() { awk -v m="$1" '\''$5 == m { sub(/.* - /, ""); split($0, f, " "); print f[3] }'\'' /proc/self/mountinfo | tr , "\n"; }'

# bad ARG...: inside a private mount namespace, `uf-mount ARG...` must exit
# 125 with one line of stderr starting "uf-mount: ", leave the mount table
# as it was and create nothing in $T.
bad() {
	local before after
	before=$(find "$T" | sort)
	run unshare --mount --propagation private bash -c '
		cd "$T" || exit 99
		snap() { awk "{print \$5, \$9, \$10}" /proc/self/mountinfo | sort; }
		b=$(snap)
		uf-mount "$@"
		rc=$?
		[ "$b" = "$(snap)" ] || echo "uf-mount: MOUNT LEFT BEHIND" >&2
		exit $rc' bad "$@"
	after=$(find "$T" | sort)
	assertEquals "exit status of uf-mount $* (stderr: $err)" 125 "$rc"
	assertEquals "one line of stderr for uf-mount $* (got: $err)" 1 \
		"$(printf '%s\n' "$err" | grep -c .)"
	case $err in
	"uf-mount: "*) ;;
	*) fail "stderr does not start with 'uf-mount: ': $err" ;;
	esac
	assertEquals "uf-mount $* created or removed files" "$before" "$after"
}

# --- aufs syntax -------------------------------------------------------------

test_aufs_dirs_example_writes_land_in_leftmost_branch() {
	mkdir home company mnt
	echo policy >company/handbook
	run in_ns '
		uf-mount -t aufs -o dirs=./home:./company none ./mnt || exit 1
		[ "$(cat mnt/handbook)" = policy ] || exit 2
		echo "int main;" >mnt/code || exit 3
		awk -v m="$T/mnt" '\''$5 == m { sub(/.* - /, ""); print }'\'' /proc/self/mountinfo'
	assertEquals "mount and write (stderr: $err)" 0 "$rc"
	assertContains "an overlay with source none" "$out" "overlay none "
	assertContains "home is the upper layer" "$out" "upperdir=$T/home,"
	assertContains "company is a lower layer" "$out" "=$T/company"
	assertEquals "./mnt/code landed in ./home" "int main;" "$(cat home/code)"
	assertEquals "./company untouched" "handbook" "$(ls -A company)"
	assertEquals "./company/handbook unchanged" policy "$(cat company/handbook)"
	assertTrue "the work dir is the hidden sibling .home.uf-work" \
		"[ -d .home.uf-work ]"
	assertEquals "nothing else in ./home" "code" "$(ls -A home)"
}

test_aufs_br_three_branches_with_explicit_permissions() {
	mkdir rw mid base mnt
	echo mid >mid/a
	echo base >base/a
	echo base >base/b
	run in_ns '
		uf-mount -t aufs -o br=./rw=rw:./mid=ro:./base=rr+wh none mnt || exit 1
		echo "$(cat mnt/a) $(cat mnt/b)"
		echo new >mnt/new && echo more >>mnt/b'
	assertEquals "mount (stderr: $err)" 0 "$rc"
	assertEquals "the middle branch hides the bottom one" "mid base" "$out"
	assertEquals "new file in the rw branch" new "$(cat rw/new)"
	assertEquals "changed file copied up to the rw branch" \
		"$(printf 'base\nmore')" "$(cat rw/b)"
	assertEquals "the rr branch is untouched" base "$(cat base/b)"
	assertEquals "the ro branch is untouched" a "$(ls -A mid)"

	# br: with ro+wh, and a list with no rw branch is a read-only overlay
	run in_ns '
		uf-mount -t aufs -o br:./mid=ro+wh:./base=ro none mnt || exit 1
		cat mnt/a; touch mnt/x'
	assertEquals "read-only branch list: write fails" 1 "$rc"
	assertEquals "read-only branch list mounted" mid "$out"
	assertContains "EROFS" "$err" "Read-only file system"
}

# One -o names more branches than the command line has words: uf-mount
# once kept the layers in an array sized by argc, and wrote past its end
# (ASan: heap-buffer-overflow in plan_aufs; check-san runs this too).
test_aufs_branch_list_longer_than_the_command_line() {
	local br="" i
	mkdir mnt
	for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16; do
		mkdir "b$i"
		echo "$i" >"b$i/f$i"
		echo "$i" >"b$i/top"
		br="$br${br:+:}./b$i=ro"
	done
	run in_ns 'uf-mount -t aufs -o "br=$1" none mnt || exit 1
		ls mnt | tr "\n" " "; cat mnt/top' "$br"
	assertEquals "mount 16 read-only branches (stderr: $err)" 0 "$rc"
	assertEquals "every branch is a layer, the first on top" \
		"f01 f02 f03 f04 f05 f06 f07 f08 f09 f10 f11 f12 f13 f14 f15 f16 top 01" \
		"$out"
}

test_whiteout_hides_file_deleted_from_read_only_branch() {
	mkdir up low mnt
	echo keep >low/gone
	run in_ns '
		uf-mount -t aufs -o dirs=./up:./low none mnt || exit 1
		rm mnt/gone || exit 2
		[ ! -e mnt/gone ] || exit 3
		ls -A mnt'
	assertEquals "delete through the overlay (stderr: $err)" 0 "$rc"
	assertEquals "gone from the mount" "" "$out"
	assertEquals "still in the read-only branch" keep "$(cat low/gone)"
	assertEquals "a whiteout (char device 0/0) in the upper" \
		"character special file 0 0" "$(stat -c '%F %t %T' up/gone)"
}

# --- stacks --------------------------------------------------------------------

make_layers() {
	local i
	for i in $(seq -w 0 $(($1 - 1))); do
		mkdir -p "l/$i"
		echo "$i" >"l/$i/f$i"
		echo "$i" >"l/$i/top"
	done
}

test_200_layer_stack_uses_lowerdir_plus() {
	local args=() i
	need_lowerdir_plus || return 0
	make_layers 200
	mkdir mnt
	for i in $(seq -w 0 199); do
		args+=(--lower "l/$i")
	done
	run in_ns "$super_opts_script"'
		uf-mount "$@" mnt || exit 1
		ls mnt | grep -c "^f"
		cat mnt/top
		super_opts "$T/mnt" | grep -c "^lowerdir+="' "${args[@]}"
	assertEquals "mount 200 layers (stderr: $err)" 0 "$rc"
	assertEquals "all files visible, the first layer on top, 200 layers" \
		"$(printf '200\n000\n200')" "$out"
}

test_long_stack_on_mount2_is_refused_clearly() {
	local args=() i
	make_layers 200
	mkdir mnt
	for i in $(seq -w 0 199); do
		args+=(--lower "l/$i")
	done
	BOX_UF_MOUNT_API=legacy bad "${args[@]}" mnt
	assertContains "says the kernel lacks lowerdir+" "$err" "lowerdir+"
	# a short stack still works through mount(2)
	run in_ns 'BOX_UF_MOUNT_API=legacy uf-mount --lower l/000 --lower l/001 mnt && cat mnt/top'
	assertEquals "mount(2) fallback (stderr: $err)" 000 "$out"
}

# --- hostile names ------------------------------------------------------------

# The mount uses exactly the named dirs, on both kernel interfaces, and no
# option of the names' making reaches the kernel.
hostile_names_with_api() {
	local api=$1 nl=$'new\nline'
	mkdir -p "$api" && cd "$api" || return
	mkdir 'a,upperdir=x' 'b:c' 'd\e' 'with space' "$nl" x y \
		'u,lowerdir=y' 'w:\,' mnt
	echo 1 >'a,upperdir=x/f1'
	echo 2 >'b:c/f2'
	echo 3 >'d\e/f3'
	echo 4 >'with space/f4'
	echo 5 >"$nl/f5"
	run in_ns "cd $api && $super_opts_script"'
		BOX_UF_MOUNT_API='"$api"' uf-mount --lower "a,upperdir=x" \
			--lower "b:c" --lower "d\e" --lower "with space" \
			--lower "$1" --upper "u,lowerdir=y" --work "w:\," mnt || exit 1
		cat mnt/f1 mnt/f2 mnt/f3 mnt/f4 mnt/f5 | tr -d "\n"; echo
		echo written >mnt/new || exit 2
		super_opts "$T/'"$api"'/mnt"' "$nl"
	assertEquals "$api: mount (stderr: $err)" 0 "$rc"
	assertEquals "$api: every layer is the named dir" 12345 \
		"$(printf '%s\n' "$out" | head -1)"
	opts=$(printf '%s\n' "$out" | tail -n +2)
	assertEquals "$api: one upperdir option ($opts)" 1 \
		"$(printf '%s\n' "$opts" | grep -c '^upperdir=')"
	assertEquals "$api: one workdir option ($opts)" 1 \
		"$(printf '%s\n' "$opts" | grep -c '^workdir=')"
	# mountinfo shows the value as the kernel got it, escapes and all
	case $api in
	new) want="upperdir=$T/$api/u\\054lowerdir=y" ;;
	legacy) want="upperdir=$T/$api/u\\134\\054lowerdir=y" ;;
	esac
	assertContains "$api: the upperdir is the named dir" "$opts" "$want"
	assertFalse "$api: no injected upperdir=x" \
		"printf '%s\n' '$opts' | grep -qx 'upperdir=x'"
	assertEquals "$api: the write went to the named upper" written \
		"$(cat 'u,lowerdir=y/new')"
	assertEquals "$api: x stays empty" "" "$(ls -A x)"
	assertEquals "$api: y stays empty" "" "$(ls -A y)"
	cd "$T" || return
}

test_hostile_names_new_mount_api() {
	need_lowerdir_plus || return 0
	hostile_names_with_api new
}

test_hostile_names_escaped_for_mount2() {
	hostile_names_with_api legacy
	# a comma before a security-module option cannot be escaped safely
	mkdir -p 'c,context=system_u' z mnt2
	BOX_UF_MOUNT_API=legacy bad --lower 'c,context=system_u' --lower z mnt2
	# the new API passes it as one value
	[ "${lowerdir_plus:-0}" -gt 0 ] || return 0
	run in_ns 'uf-mount --lower "c,context=system_u" --lower z mnt2'
	assertEquals "new API takes it (stderr: $err)" 0 "$rc"
}

# --- rootless, read-only, unmount, chaining -------------------------------------

test_rootless_in_user_namespace_with_userxattr() {
	need_userns || return 0
	mkdir low up work mnt
	echo low >low/file
	echo gone >low/old
	chown -R 65534:65534 "$T"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare --user --map-root-user --mount bash -c '
		cd "$T" || exit 99
		uf-mount --userxattr --lower low --upper up --work work mnt || exit 1
		cat mnt/file
		echo mine >mnt/new && rm mnt/old || exit 2
		grep -c " $T/mnt .* overlay .*userxattr" /proc/self/mountinfo'
	assertEquals "rootless mount (stderr: $err)" 0 "$rc"
	assertEquals "lower visible, and mounted with userxattr" \
		"$(printf 'low\n1')" "$out"
	assertEquals "write landed in the upper" mine "$(cat up/new)"
	assertEquals "owned by the unprivileged user" 65534 "$(stat -c %u up/new)"
	assertTrue "deleted lower file whited out" "[ -c up/old ]"
	assertEquals "lower untouched" gone "$(cat low/old)"
}

test_read_only_mounts_refuse_writes_with_erofs() {
	mkdir a b up work mnt
	echo a >a/f
	run in_ns '
		uf-mount --ro --lower a --upper up --work work mnt || exit 1
		cat mnt/f
		awk -v m="$T/mnt" '\''$5 == m { print $6 }'\'' /proc/self/mountinfo
		touch mnt/x'
	assertEquals "--ro with an upper: write fails" 1 "$rc"
	assertEquals "readable, mount flagged ro" "$(printf 'a\nro,relatime')" "$out"
	assertContains "--ro: EROFS" "$err" "Read-only file system"
	assertEquals "nothing written to the upper" "" "$(ls -A up)"

	run in_ns 'uf-mount --lower a --lower b mnt && touch mnt/x'
	assertEquals "no upper: write fails" 1 "$rc"
	assertContains "no upper: EROFS" "$err" "Read-only file system"
}

test_options_reach_the_kernel() {
	mkdir a up work mnt
	run in_ns "$super_opts_script"'
		uf-mount -o index=on,uuid=off -o nosuid,nodev --lower a \
			--upper up --work work mnt || exit 1
		awk -v m="$T/mnt" '\''$5 == m { print $6 }'\'' /proc/self/mountinfo
		super_opts "$T/mnt" | grep -E "^(index|uuid)="'
	assertEquals "mount with options (stderr: $err)" 0 "$rc"
	assertEquals "flags and overlay options in mountinfo" \
		"$(printf 'rw,nosuid,nodev,relatime\nindex=on\nuuid=off')" "$out"
}

# -o is split as mount(8) splits it (libmount): the generic flags go to
# the mount, on both kernel interfaces; a propagation type is applied.
generic_flags_with_api() {
	run in_ns '
		BOX_UF_MOUNT_API='"$1"' uf-mount -o ro,nosuid,nodev,noexec,index=off \
			--lower a --lower b mnt || exit 1
		awk -v m="$T/mnt" '\''$5 == m { print $6 }'\'' /proc/self/mountinfo
		touch mnt/x'
	assertEquals "$1: mounted, write refused (stderr: $err)" 1 "$rc"
	assertEquals "$1: the flags in mountinfo" "ro,nosuid,nodev,noexec,relatime" "$out"
	assertContains "$1: EROFS" "$err" "Read-only file system"
	# a later word wins, as in mount(8): rw after ro, exec after noexec
	run in_ns '
		BOX_UF_MOUNT_API='"$1"' uf-mount -o ro,noexec -o rw,exec,noatime \
			--lower a --lower b mnt || exit 1
		awk -v m="$T/mnt" '\''$5 == m { print $6 }'\'' /proc/self/mountinfo'
	assertEquals "$1: later words win (stderr: $err)" "rw,noatime" "$out"
}

test_generic_flags_from_o_reach_mountinfo() {
	mkdir a b mnt
	generic_flags_with_api new
	generic_flags_with_api legacy
}

test_propagation_from_o_is_applied() {
	mkdir a b mnt
	run in_ns '
		uf-mount -o shared --lower a --lower b mnt || exit 1
		awk -v m="$T/mnt" '\''$5 == m { print ($7 ~ /^shared:/) ? "shared" : $7 }'\'' /proc/self/mountinfo
		umount mnt
		uf-mount -o unbindable --lower a --lower b mnt || exit 2
		awk -v m="$T/mnt" '\''$5 == m { print $7 }'\'' /proc/self/mountinfo'
	assertEquals "mounted (stderr: $err)" 0 "$rc"
	assertEquals "shared, then unbindable" "shared
unbindable" "$out"
}

# A mount point whose name mountinfo escapes (space \040, tab \011,
# newline \012, backslash \134) is found by -u, and unmounted.
test_unmount_finds_a_mount_point_named_with_escapes() {
	local weird=$'we ird\tna\\me\nx'
	mkdir a b "$weird"
	run in_ns '
		uf-mount --lower a --lower b "$1" || exit 1
		grep -F "/we\\040ird\\011na\\134me\\012x " /proc/self/mountinfo | grep -c " overlay "
		uf-mount -u "$1" || exit 2
		grep -cF "/we\\040ird" /proc/self/mountinfo
		mount -t tmpfs tmpfs "$1" || exit 99
		uf-mount -u "$1"' "$weird"
	assertEquals "the tmpfs is refused (stderr: $err)" 125 "$rc"
	assertEquals "escaped in mountinfo, then gone" "1
0" "$out"
	# found as the tmpfs it is, not taken for "not a mount point"
	assertContains "found as a tmpfs" "$err" "a writable tmpfs mount"
}

# One layer and no upper: overlay would refuse it; it is what the user
# meant, the layer read-only, as a bind mount.
one_lower_with_api() {
	run in_ns '
		BOX_UF_MOUNT_API='"$1"' uf-mount -o nosuid --lower a mnt || exit 1
		cat mnt/f
		awk -v m="$T/mnt" '\''$5 == m { sub(/ - /, " "); print $4, $6, $7 }'\'' /proc/self/mountinfo
		echo x >mnt/new 2>/dev/null && echo WROTE
		touch mnt/g 2>&1
		uf-mount -u mnt || exit 2
		grep -c " $T/mnt " /proc/self/mountinfo
		ls mnt'
	assertEquals "$1: mounted and unmounted (stderr: $err)" 0 "$rc"
	set -- "$1" "$(printf '%s\n' "$out" | sed -n 2p)"
	local fstype
	fstype=$(stat -f -c %T "$T/a")
	assertEquals "$1: the layer's file" layer "$(printf '%s\n' "$out" | sed -n 1p)"
	# root column: the layer's path inside its filesystem (a bind);
	# flags ro and nosuid; the layer's own filesystem, not overlay
	assertContains "$1: a bind of the layer" "$2" "/a ro,nosuid"
	assertNotContains "$1: not an overlay" "$2" overlay
	[ "$fstype" = ext2/ext3 ] && assertContains "$1: the layer's fs" "$2" ext4
	assertNotContains "$1: write refused" "$out" WROTE
	assertContains "$1: EROFS" "$out" "Read-only file system"
	assertEquals "$1: gone after -u" 0 "$(printf '%s\n' "$out" | sed -n 4p)"
	assertEquals "$1: the target dir again" "" "$(printf '%s\n' "$out" | sed -n 5p)"
	assertEquals "$1: nothing written to the layer" f "$(ls a)"
}

test_one_lower_is_a_read_only_bind() {
	mkdir a mnt
	echo layer >a/f
	one_lower_with_api new
	one_lower_with_api legacy
	# aufs: a branch list of one read-only branch is the same
	run in_ns 'uf-mount -t aufs -o dirs=./a=ro none mnt || exit 1
		awk -v m="$T/mnt" '\''$5 == m { print $6 }'\'' /proc/self/mountinfo'
	assertEquals "aufs, one ro branch (stderr: $err)" ro,relatime "$out"
}

test_unmount_only_overlays() {
	mkdir a a/sub b mnt plain
	run in_ns '
		uf-mount --lower a --lower b mnt || exit 1
		uf-mount -u mnt/sub 2>&1 | grep -q "not a mount point" || exit 3
		uf-mount -u mnt || exit 2
		grep -c " $T/mnt " /proc/self/mountinfo'
	assertEquals "mounted, then unmounted (stderr: $err)" 1 "$rc"
	assertEquals "gone from mountinfo" 0 "$out"
	bad -u plain
	assertContains "a plain dir is refused" "$err" "not a mount point"
	# a mount uf-mount does not make is left alone
	run in_ns '
		mount -t tmpfs tmpfs plain || exit 99
		uf-mount -u plain; r=$?
		grep -c " $T/plain .* tmpfs " /proc/self/mountinfo; exit $r'
	assertEquals "a writable tmpfs is refused" 125 "$rc"
	assertEquals "and stays mounted" 1 "$out"
	assertContains "says what it is" "$err" "a writable tmpfs mount, not an overlay"
	bad -u "$T/nonexistent"
	# busy: refused with a hint, --lazy detaches
	run in_ns '
		uf-mount --lower a --lower b mnt || exit 1
		(cd mnt && exec sleep 10) & pid=$!
		sleep 0.2
		uf-mount -u mnt; r1=$?
		uf-mount --lazy -u mnt; r2=$?
		kill "$pid"
		echo "$r1 $r2 $(grep -c " $T/mnt " /proc/self/mountinfo)"'
	assertEquals "busy: 125, lazy: 0, then gone" "125 0 0" "$out"
	assertContains "hint at --lazy" "$err" "--lazy"
}

test_chained_prog_runs_in_same_process_and_sees_the_mount() {
	mkdir a b mnt
	echo hello >a/greeting
	run in_ns '
		echo $$
		exec uf-mount --lower a --lower b -- mnt sh -c "
			echo \$\$; cat mnt/greeting
			grep -c \" $T/mnt .* overlay \" /proc/self/mountinfo
			exit 7"'
	assertEquals "prog's status passed on" 7 "$rc"
	set -- $out
	assertEquals "same PID before and after the exec" "$1" "$2"
	assertEquals "prog reads the overlay" hello "$3"
	assertEquals "prog sees the mount" 1 "$4"
	run in_ns 'uf-mount --lower a --lower b mnt no-such-prog-xyz'
	assertEquals "prog not found" 127 "$rc"
}

# --- errors ---------------------------------------------------------------------

test_bad_input_is_one_line_125_and_changes_nothing() {
	local many=() i
	mkdir a b up work mnt
	touch file
	for i in $(seq 501); do
		many+=(--lower a)
	done
	bad --lower nope --lower a mnt
	assertContains "names the missing dir" "$err" "nope"
	bad --lower file --lower a mnt
	assertContains "file is not a dir" "$err" "not a directory"
	bad --lower a --lower b nomnt
	bad --lower a --upper up mnt
	assertContains "upper without work" "$err" "--work"
	bad --lower a --work work mnt
	bad -o index=on --lower a mnt
	assertContains "a bind takes no overlay option" "$err" "read-only bind"
	bad --upper up --work work mnt
	bad --lower a --lower b
	bad -o bogus --lower a --lower b mnt
	assertContains "unknown option" "$err" "bogus"
	bad -o nosuid,bogus --lower a mnt
	assertContains "unknown option, one layer" "$err" "bogus"
	bad -o bind --lower a --lower b mnt
	assertContains "a kernel flag overlay does not take" "$err" "not one for a union mount"
	bad -o remount,ro --lower a --lower b mnt
	bad -o nofail --lower a --lower b mnt
	assertContains "an fstab option" "$err" "fstab"
	bad -o x-systemd.automount --lower a --lower b mnt
	bad -o 'index="on' --lower a --lower b mnt
	assertContains "open quote" "$err" "quote"
	bad -o private,rslave --lower a --lower b mnt
	assertContains "two propagation types" "$err" "second propagation"
	bad -o ro=1 --lower a --lower b mnt
	bad -o lowerdir=/etc --lower a --lower b mnt
	assertContains "lowerdir= refused" "$err" "--lower"
	bad -o upperdir=/tmp,workdir=/tmp --lower a --lower b mnt
	bad -o index=maybe --lower a --lower b mnt
	assertContains "values listed" "$err" "on|off"
	bad -o dirs=a:b --lower a --lower b mnt
	assertContains "dirs= needs -t aufs" "$err" "-t aufs"
	bad "${many[@]}" mnt
	assertContains "too many layers" "$err" "500"
	bad -t aufs -o br=./a=rw:./b=rw none mnt
	assertContains "two rw branches" "$err" "first"
	bad -t aufs -o br=./a=ro:./b=rw none mnt
	bad -t aufs -o dirs=./a::./b none mnt
	assertContains "empty branch" "$err" "empty branch"
	bad -t aufs -o dirs= none mnt
	bad -t aufs -o br=./a=rw:./b=xx none mnt
	assertContains "unknown permission" "$err" "permission"
	bad -t aufs -o dirs=./up none mnt
	bad -t aufs -o dirs=./up:./nope none mnt
	bad -t aufs -o dirs=./up:./a mnt
	bad -t aufs none mnt
	bad -t aufs -o dirs=./up:./a,br=./a none mnt
	bad -t aufs --lower a -o dirs=./up:./a none mnt
	mkdir a/sub
	bad --lower a --lower a/sub mnt
	assertContains "overlapping layers" "$err" "overlap"
	# the aufs work dir made for a mount the kernel refuses is removed
	bad -t aufs -o br=./up=rw:./up=ro none mnt
	assertContains "upper also a lower" "$err" "overlap"
	bad -t bogus --lower a --lower b mnt
	bad --lazy --lower a --lower b mnt
	bad --lower
	bad -x
	bad --no-such-option
}

test_work_dir_on_another_filesystem_is_refused_with_hint() {
	mkdir a up mnt tfs
	run in_ns '
		mount -t tmpfs tmpfs tfs && mkdir tfs/work || exit 99
		uf-mount --lower a --upper up --work tfs/work mnt
		r=$?; grep -c " $T/mnt " /proc/self/mountinfo; exit $r'
	assertEquals "refused" 125 "$rc"
	assertEquals "nothing mounted" 0 "$out"
	assertContains "says why" "$err" "same mount"
	assertEquals "one line" 1 "$(printf '%s\n' "$err" | grep -c .)"
}

test_nested_overlay_upper_shows_kernel_message_and_leaves_nothing() {
	mkdir a b mnt inner
	mkdir -p outer/up outer/work outer/mnt
	run in_ns '
		uf-mount --lower a --upper outer/up --work outer/work outer/mnt || exit 99
		mkdir outer/mnt/home outer/mnt/low
		uf-mount -t aufs -o dirs=outer/mnt/home:outer/mnt/low none mnt
		r=$?
		ls -A outer/mnt; grep -c " $T/mnt " /proc/self/mountinfo; exit $r'
	assertEquals "refused" 125 "$rc"
	assertEquals "no work dir left behind, nothing mounted" \
		"$(printf 'home\nlow\n0')" "$out"
	# mount(2) leaves its words in the kernel log; the new API returns them
	[ "${lowerdir_plus:-0}" -gt 0 ] &&
		assertContains "the kernel's words" "$err" "not supported as upperdir"
	assertContains "and a hint" "$err" "on an overlay"
}

test_busy_work_dir_gets_a_hint() {
	mkdir a up work mnt mnt2
	run in_ns '
		uf-mount -o index=on --lower a --upper up --work work mnt || exit 99
		uf-mount -o index=on --lower a --upper up --work work mnt2'
	assertEquals "refused" 125 "$rc"
	assertContains "EBUSY with a hint" "$err" "another overlay uses"
}

box_run_suite
