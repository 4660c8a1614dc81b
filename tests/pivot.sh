#!/bin/bash
# tests/pivot.sh - pivot: the new root, /proc, /dev, /sys, masks, binds,
# hostile images, rootless, bad input.  Every run happens inside a mount
# (and pid) namespace made by util-linux unshare with private
# propagation, so nothing can reach the host's mount table; the host's
# table is still compared before and after each test.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

ROOT=$BOX_TMP/rootfs

suite_setup() {
	need_cmd unshare busybox || return 0
	# the rootless test runs as nobody, who must reach the image
	chmod 755 "$BOX_TMP"
	make_busybox_rootfs "$ROOT" || return 1
	echo pivot-marker >"$ROOT/MARKER"
}

setUp() {
	host_before=$(mount_snapshot)
}

tearDown() {
	assertEquals "host mount table changed" "$host_before" "$(mount_snapshot)"
}

# in_ns CMD...: run CMD in a new mount and pid namespace, private.
in_ns() {
	unshare -m -p -f --propagation private "$@"
}

# pv SCRIPT [PIVOT-OPTIONS...]: pivot into $ROOT (or $IMG) and run the
# shell script inside; sets $rc $out $err.
pv() {
	local script=$1
	shift
	run in_ns pivot "$@" "${IMG:-$ROOT}" /bin/sh -c "$script"
}

# A fresh copy of the image to make hostile.
copy_image() {
	IMG=$BOX_TMP/img.$1
	rm -rf "$IMG"
	cp -a "$ROOT" "$IMG"
}

# ns_snap CMD...: run CMD in a fresh private mount namespace and leave
# that namespace's mount table (after CMD) in $BOX_TMP/snap.
ns_snap() {
	SNAP=$BOX_TMP/snap unshare -m -p -f --propagation private sh -c \
		'"$@"; rc=$?; awk "\$5 !~ /^\/mnt\/sandboxing\// {print \$5, \$9, \$10}" /proc/self/mountinfo | sort >"$SNAP"; exit $rc' \
		sh "$@"
}

# bad CMD...: one line, exit 125, starts "pivot: ", and the namespace it
# ran in has the mount table it started with.
bad() {
	rm -f "$BOX_TMP/snap"
	run ns_snap "$@"
	assertEquals "exit status of: $* (stderr: $err)" 125 "$rc"
	assertEquals "one line of stderr for: $* (got: $err)" 1 \
		"$(printf '%s\n' "$err" | grep -c .)"
	case $err in
	"pivot: "*) ;;
	*) fail "stderr does not start with 'pivot: ': $err" ;;
	esac
	assertEquals "mounts left behind by: $*" "$host_before" "$(cat "$BOX_TMP/snap")"
}

test_new_root_is_the_image_and_no_host_mount_is_visible() {
	pv 'cat /MARKER; awk "{print \$5}" /proc/self/mountinfo'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "marker" pivot-marker "$(echo "$out" | head -1)"
	local mp stray=
	for mp in $(echo "$out" | tail -n +2); do
		case $mp in
		/ | /proc | /proc/* | /dev | /dev/* | /sys | /sys/*) ;;
		*) stray="$stray $mp" ;;
		esac
	done
	assertEquals "mounts outside the container's own" "" "$stray"
	# the host's /tmp, /work ... are not there
	assertNotContains "host's mount table leaked" "$out" "$BOX_ROOT"
	# and the first mount is the image itself
	assertEquals "root mount" / "$(echo "$out" | sed -n 2p)"
}

test_proc_shows_only_the_namespace_processes() {
	pv 'cat /proc/1/comm; ls /proc | grep -c "^[0-9][0-9]*$"; grep " /proc " /proc/self/mountinfo'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "pid 1 is the shell pivot exec'd" sh "$(echo "$out" | sed -n 1p)"
	local n
	n=$(echo "$out" | sed -n 2p)
	# sh, and the pipeline's ls and grep at most
	assertTrue "only our processes in /proc (saw $n)" "[ '$n' -ge 1 ] && [ '$n' -le 3 ]"
	assertContains "a fresh procfs" "$(echo "$out" | sed -n 3p)" " - proc proc "
}

test_no_proc_leaves_proc_alone() {
	# the masks in /proc are skipped quietly: nothing there to mask
	pv 'ls -A /proc | wc -l' --no-proc
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "the image's empty /proc" 0 "$out"
}

test_dev_holds_exactly_the_standard_nodes() {
	pv 'ls -A /dev | tr "\n" " "; echo; for n in null zero full random urandom tty; do [ -c /dev/$n ] || echo "not a char device: $n"; done;
	    echo hi >/dev/null && head -c 4 /dev/zero | od -An -tx1 | tr -d " \n"; echo;
	    for l in ptmx fd stdin stdout stderr; do printf "%s " "$(readlink /dev/$l)"; done; echo;
	    grep -E " /dev(/pts|/shm)? " /proc/self/mountinfo | awk "{print \$5, \$6, \$9}"'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "/dev listing" \
		"fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " \
		"$(echo "$out" | sed -n 1p)"
	assertEquals "nodes work" 00000000 "$(echo "$out" | sed -n 2p)"
	assertEquals "links" "pts/ptmx /proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 " \
		"$(echo "$out" | sed -n 3p)"
	assertContains "/dev is a tmpfs" "$out" "/dev rw,nosuid,noexec,relatime tmpfs"
	assertContains "/dev/pts is devpts" "$out" "/dev/pts rw,nosuid,noexec,relatime devpts"
	assertContains "/dev/shm is a tmpfs" "$out" "/dev/shm rw,nosuid,nodev,noexec,relatime tmpfs"
}

test_pts_is_a_new_instance_and_ptmx_opens() {
	pv 'ls /dev/pts | tr "\n" " "; echo; grep " /dev/pts " /proc/self/mountinfo'
	assertEquals "status (stderr: $err)" 0 "$rc"
	# a new instance holds only ptmx, not the host's ptys
	assertEquals "new devpts" "ptmx " "$(echo "$out" | sed -n 1p)"
	assertContains "ptmxmode" "$out" "ptmxmode=666"
}

test_no_dev_leaves_dev_alone() {
	pv 'ls -A /dev | wc -l' --no-dev
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "the image's empty /dev" 0 "$out"
}

test_sys_is_read_only() {
	pv 'touch /sys/x 2>/dev/null && echo WROTE; grep " /sys " /proc/self/mountinfo | awk "{print \$6}"; ls /sys/kernel >/dev/null && echo listed'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertNotContains "wrote into /sys" "$out" WROTE
	assertEquals "/sys mount options" "ro,nosuid,nodev,noexec,relatime" "$(echo "$out" | sed -n 1p)"
	assertContains "sysfs is there" "$out" listed
}

test_masked_paths_are_empty_and_read_only_paths_ro() {
	local script='
	    for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
		[ -e $f ] && echo "$f $(stat -c %s $f) $(cat $f | wc -c)"
	    done
	    echo "firmware $(ls -A /sys/firmware | wc -l)"
	    touch /sys/firmware/x 2>/dev/null && echo WROTE
	    for p in /proc/sys /proc/sysrq-trigger /proc/irq /proc/bus /proc/fs; do
		m=$(grep " $p " /proc/self/mountinfo | awk "{print \$6}")
		[ -e $p ] && echo "ro $p ${m%%,*}"
	    done
	'
	pv "$script"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertNotContains "masked dir writable" "$out" WROTE
	assertContains "/sys/firmware empty" "$out" "firmware 0"
	local f
	for f in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
		[ -e "$f" ] || continue
		assertContains "$f masked" "$out" "$f 0 0"
	done
	assertContains "/proc/sys read-only" "$out" "ro /proc/sys ro"
	assertNotContains "a read-only path is rw" "$out" " rw"
	# the host really has something there to hide
	if [ -s /proc/timer_list ] || [ -n "$(ls -A /sys/firmware)" ]; then
		pv "$script" --no-mask
		assertNotContains "--no-mask: /sys/firmware still empty" "$out" "firmware 0"
	fi
}

test_device_option_makes_nodes_with_mode_and_owner() {
	pv 'for f in /dev/mynull /dev/deep/er/fifo /dev/null; do
			stat -c "%F %t %T %a %u %g" $f
		done
		echo hi >/dev/mynull && echo write-ok' \
		--device /dev/mynull:c:1:3:0640:1000:1001 \
		--device /dev/deep/er/fifo:p:0:0:0600 --device /dev/null:c:1:3 \
		--device /dev/ptmx:c:5:2
	assertEquals "status, /dev/ptmx kept as pivot's link (stderr: $err)" 0 "$rc"
	assertEquals "nodes" "character special file 1 3 640 1000 1001
fifo 0 0 600 0 0
character special file 1 3 666 0 0
write-ok" "$out"
	# no /dev of pivot's: the node goes into the image's own /dev, and
	# leaves with the namespace only if pivot made it (undo on failure)
	copy_image dev
	pv 'ls -l /dev/b0 | cut -c1' --no-dev --device /dev/b0:b:7:0
	assertEquals "block node (stderr: $err)" b "$out"
	# something else at the path is not replaced
	pv 'true' --device /dev/null:c:1:5
	assertEquals "another device at the path: $err" 125 "$rc"
	assertContains "$err" "something else is there"
}

test_device_option_binds_the_hosts_node_in_a_user_namespace() {
	need_userns || return 0
	[ -c /dev/fuse ] || {
		skip_test "the host has no /dev/fuse"
		return 0
	}
	local r=$BOX_TMP/rootless
	rm -rf "$r"
	cp -a "$ROOT" "$r"
	chown -R 65534:65534 "$r"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -Urm -p -f "$BOX_BIN/pivot" --device /dev/fuse:c:10:229 \
		"$r" /bin/sh -c 'stat -c "%t %T" /dev/fuse; grep -c " /dev/fuse " /proc/self/mountinfo'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "bound from the host" "a e5
1" "$out"
	# a device the host lacks at that path cannot be made there
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -Urm -p -f "$BOX_BIN/pivot" --device /dev/mynull:c:1:3 \
		"$r" /bin/true
	assertEquals "refused (stderr: $err)" 125 "$rc"
	assertContains "says why" "$err" "user namespace"
	assertFalse "nothing left in the image" "[ -e '$r/dev/mynull' ]"
}

test_device_option_bad_input() {
	local d
	for d in "" /dev/x /dev/x:c /dev/x:c:1 /dev/x:q:1:3 /dev/x:c:a:3 \
		/dev/x:c:1:-3 /dev/x:c:4096:0 /dev/x:c:1:1048576 /dev/x:c:1:3:999 \
		/dev/x:c:1:3:0666:x /dev/x:c:1:3:0666:0:0:extra /dev/x:p:1:3 \
		dev/x:c:1:3 /:c:1:3 /proc/x:c:1:3 /sys/x:c:1:3; do
		bad pivot --device "$d" "$ROOT" true
	done
	# the image holds something else at that path: refused, undone
	copy_image devfile
	echo data >"$IMG/dev/occupied"
	bad pivot --no-dev --device /dev/occupied:c:1:3 --device /dev/made:c:1:3 "$IMG" true
	assertContains "$err" "something else"
	bad pivot --no-dev --device /dev/made:c:1:3 --device /dev/occupied:c:1:3 "$IMG" true
	assertFalse "the node made first is removed again" "[ -e '$IMG/dev/made' ]"
	assertEquals "the file stays" data "$(cat "$IMG/dev/occupied")"
}

test_bind_ro_bind_tmpfs_and_ro_root() {
	local h=$BOX_TMP/host
	mkdir -p "$h/rw" "$h/ro"
	echo host-rw >"$h/rw/f"
	echo host-ro >"$h/ro/f"
	echo a-file >"$h/file"
	copy_image binds
	pv 'cat /mnt/rw/f /deep/new/ro/f /etc/bound; echo in >/mnt/rw/g;
	    echo x >/deep/new/ro/g 2>/dev/null && echo WROTE-RO;
	    echo t >/scratch/t && echo tmpfs-ok;
	    touch /newfile 2>/dev/null && echo WROTE-ROOT;
	    grep -E " / | /scratch " /proc/self/mountinfo | awk "{print \$5, \$6, \$9}"' \
		--bind "$h/rw:/mnt/rw" --ro-bind "$h/ro:/deep/new/ro" \
		--bind "$h/file:/etc/bound" --tmpfs /scratch --ro
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "bind" "$out" host-rw
	assertContains "ro-bind" "$out" host-ro
	assertContains "file bind" "$out" a-file
	assertEquals "write through --bind" in "$(cat "$h/rw/g" 2>/dev/null)"
	assertNotContains "--ro-bind was writable" "$out" WROTE-RO
	assertFalse "--ro-bind wrote to the host" "[ -e '$h/ro/g' ]"
	assertContains "tmpfs" "$out" tmpfs-ok
	assertNotContains "--ro root was writable" "$out" WROTE-ROOT
	assertContains "root ro" "$out" "/ ro,"
	assertContains "scratch tmpfs" "$out" "/scratch rw,nosuid,nodev,relatime tmpfs"
	# the missing mount points were made inside the image
	assertTrue "mount point made" "[ -d '$IMG/deep/new/ro' ] && [ -f '$IMG/etc/bound' ]"
}

test_mount_option_mounts_filesystems_and_binds_with_flags() {
	mkdir -p "$BOX_TMP/mnt-src"
	echo from-host >"$BOX_TMP/mnt-src/f"
	pv 'awk "\$5 == \"/scratch\" || \$5 == \"/data\" || \$5 == \"/dev/pts\" {print \$5, \$6, \$9}" /proc/self/mountinfo
		df -k /scratch | awk "NR == 2 {print \"size=\" \$2}"
		cat /data/f; touch /data/g 2>/dev/null && echo data=rw || echo data=ro' \
		--mount 'tmpfs:tmpfs:/scratch:size=1m,nosuid,mode=0700' \
		--mount "rbind:$BOX_TMP/mnt-src:/data:ro,nosuid,nodev" \
		--mount 'devpts:devpts:/dev/pts:newinstance,ptmxmode=0666'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "tmpfs with its flags" "$out" "/scratch rw,nosuid,relatime tmpfs"
	assertContains "size option reached tmpfs" "$out" "size=1024"
	assertContains "bind read-only with flags" "$out" "/data ro,nosuid,nodev,relatime"
	assertContains "bind source" "$out" "from-host"
	assertContains "bind not writable" "$out" "data=ro"
	assertEquals "a second devpts over pivot's" 2 \
		"$(echo "$out" | grep -c '^/dev/pts ')"
	assertFalse "nothing written to the host" "[ -e '$BOX_TMP/mnt-src/g' ]"
}

# tmpcopyup (runc's): the tmpfs starts with what the image held there,
# files, directories, symlinks and fifos with their modes and owners,
# while the image itself is not written; a symlink in the image stays a
# symlink and is not followed out of it.
test_mount_tmpcopyup_copies_the_image_directory_into_the_tmpfs() {
	copy_image copyup
	mkdir -p "$IMG/seed/sub/deep"
	echo top >"$IMG/seed/f"
	echo deep >"$IMG/seed/sub/deep/g"
	chmod 0640 "$IMG/seed/f"
	chown 1234:4321 "$IMG/seed/sub"
	chmod 2751 "$IMG/seed/sub"
	ln -s /etc/passwd "$IMG/seed/link"
	mkfifo "$IMG/seed/fifo"
	pv 'awk "\$5 == \"/seed\" {print \$5, \$9}" /proc/self/mountinfo
		cat /seed/f /seed/sub/deep/g
		stat -c "%n %a %u:%g %F" /seed/f /seed/sub /seed/fifo
		readlink /seed/link
		echo new >/seed/new && echo written' \
		--mount 'tmpfs:tmpfs:/seed:size=1m,tmpcopyup'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "a tmpfs holding the image's files" \
		"$(printf '/seed tmpfs\ntop\ndeep\n/seed/f 640 0:0 regular file\n/seed/sub 2751 1234:4321 directory\n/seed/fifo 644 0:0 fifo\n/etc/passwd\nwritten')" \
		"$out"
	assertFalse "the image is not written" "[ -e '$IMG/seed/new' ]"
	pv 'ls -A /empty | wc -l' --mount 'tmpfs:tmpfs:/empty:tmpcopyup'
	IMG=
	assertEquals "a directory the image lacks: an empty tmpfs (stderr: $err)" 0 "$out"
}

test_mask_and_ro_path_options() {
	copy_image mask
	mkdir -p "$IMG/secret" "$IMG/conf"
	echo s >"$IMG/secret/key"
	echo c >"$IMG/conf/c"
	echo v >"$IMG/visible"
	pv 'ls /secret | wc -l; cat /visible; cat /conf/c; echo x >/conf/d 2>/dev/null && echo conf=rw || echo conf=ro' \
		--no-mask --mask /secret --mask /visible --ro-path /conf --mask /no/such
	IMG=
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "masked dir empty, masked file empty, ro dir readable" \
		"$(printf '0\nc\nconf=ro')" "$out"
}

test_mount_option_bad_input() {
	bad pivot --mount 'tmpfs:tmpfs' "$ROOT" true
	bad pivot --mount 'tmpfs:tmpfs:relative' "$ROOT" true
	bad pivot --mount 'tmpfs:tmpfs:/x:x-fstab-only' "$ROOT" true
	bad pivot --mount 'tmpfs:tmpfs:/x:a:b' "$ROOT" true
	bad pivot --mount "bind:$BOX_TMP:/x:size=1m" "$ROOT" true
	bad pivot --mount "bind:$BOX_TMP/no-such:/x" "$ROOT" true
	bad pivot --mount "bind:$BOX_TMP:/x:tmpcopyup" "$ROOT" true
	bad pivot --mount 'proc:proc:/x:tmpcopyup' "$ROOT" true
	bad pivot --mask relative "$ROOT" true
	bad pivot --ro-path / "$ROOT" true
}

test_bind_spec_escapes_colons() {
	local h=$BOX_TMP/co:lon
	mkdir -p "$h"
	echo colon >"$h/f"
	pv 'cat "/a:b/f"' --bind "${h//:/\\:}:/a\\:b"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals colon "$out"
}

# pivot: the hostile images, each with both resolvers: openat2 and the
# user-space walk.
hostile() {
	local walk
	for walk in 0 1; do
		BOX_RESOLVE_WALK=$walk "$@"
	done
}

absolute_proc_symlink() {
	copy_image procsym
	rmdir "$IMG/proc"
	ln -s /etc "$IMG/proc"
	pv 'awk "\$4 == \"/\" && \$9 == \"proc\" {print \$5}" /proc/self/mountinfo; [ -d /etc/1 ] && echo pid-1'
	assertEquals "status (walk=$BOX_RESOLVE_WALK; stderr: $err)" 0 "$rc"
	# procfs went onto the image's /etc, where its /proc link leads
	# inside the container, not onto the host's /etc
	assertEquals "procfs inside the image" "/etc
pid-1" "$out"
	assertFalse "host /etc is not a procfs" "[ -e /etc/self ]"
}

test_absolute_proc_symlink_stays_inside() {
	hostile absolute_proc_symlink
}

dotdot_dev_symlink() {
	copy_image devsym
	rmdir "$IMG/dev"
	ln -s ../../.. "$IMG/dev"
	bad pivot "$IMG" true
	assertContains "says why" "$err" "resolves to the new root itself"
	assertEquals "image's dev link untouched" ../../.. "$(readlink "$IMG/dev")"
}

mask_symlink_to_root() {
	copy_image masksym
	ln -s / "$IMG/proc/acpi"
	# no procfs over it: the image's own /proc/acpi is the mask target
	bad pivot --no-proc "$IMG" true
	assertContains "says why" "$err" "/proc/acpi: it resolves to the new root itself"
}

test_mask_target_symlink_to_root_is_refused() {
	hostile mask_symlink_to_root
}

test_dotdot_dev_symlink_is_refused() {
	hostile dotdot_dev_symlink
}

tmp_symlink_to_root() {
	copy_image tmpsym
	rmdir "$IMG/tmp"
	ln -s / "$IMG/tmp"
	# a first mount point made before it fails must go again
	bad pivot --tmpfs /made/here --tmpfs /tmp "$IMG" true
	assertContains "says why" "$err" "/tmp: it resolves to the new root itself"
	assertFalse "made mount point removed on failure" "[ -e '$IMG/made' ]"
}

test_tmpfs_on_symlink_to_root_is_refused_and_undone() {
	hostile tmp_symlink_to_root
}

dev_null_symlink_to_host_file() {
	copy_image nullsym
	local victim=$BOX_TMP/victim
	echo victim >"$victim"
	echo bound >"$BOX_TMP/boundsrc"
	ln -s "$victim" "$IMG/dev/null"
	# default: /dev is a fresh tmpfs, the link is hidden
	pv 'echo x >/dev/null; [ -c /dev/null ] && echo chardev'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "real /dev/null" chardev "$out"
	# --no-dev, and a bind onto the link: lands inside the image
	pv "cat /dev/null; cat $victim" --no-dev --bind "$BOX_TMP/boundsrc:/dev/null"
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "bind followed the link inside the image" "bound
bound" "$out"
	assertEquals "host file untouched" victim "$(cat "$victim")"
	assertTrue "made inside the image" "[ -f '$IMG$victim' ]"
}

test_dev_null_symlink_does_not_reach_host_file() {
	hostile dev_null_symlink_to_host_file
}

file_symlink_as_bind_target() {
	copy_image filesym
	echo inner >"$IMG/etc/real"
	ln -s /etc/real "$IMG/etc/hostname"
	mkdir -p "$IMG/run"
	ln -s /run "$IMG/var/run"
	echo outer >"$BOX_TMP/hostname-src"
	pv 'cat /etc/real; ls /run' --ro-bind "$BOX_TMP/hostname-src:/etc/hostname" \
		--tmpfs /var/run/lock
	assertEquals "status (walk=$BOX_RESOLVE_WALK; stderr: $err)" 0 "$rc"
	# the link was followed inside the image, to the file it names
	assertEquals "bind on the link's target" "outer
lock" "$out"
	assertEquals "image file untouched" inner "$(cat "$IMG/etc/real")"
	assertTrue "made through /var/run -> /run" "[ -d '$IMG/run/lock' ]"
}

test_symlinks_in_targets_resolve_inside_the_image() {
	hostile file_symlink_as_bind_target
}

test_masks_through_symlinks_stay_inside() {
	copy_image sysfw
	# /sys -> a directory of the image: sysfs and its masks land there
	rmdir "$IMG/sys"
	mkdir "$IMG/elsewhere"
	ln -s /elsewhere "$IMG/sys"
	pv 'ls -A /elsewhere/firmware | wc -l; grep -c " /elsewhere/firmware " /proc/self/mountinfo'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "masked in the image" "0
1" "$out"
}

test_rootless_in_a_user_namespace() {
	need_userns || return 0
	local r=$BOX_TMP/rootless
	rm -rf "$r"
	cp -a "$ROOT" "$r"
	chown -R 65534:65534 "$r"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -Urm -p -f "$BOX_BIN/pivot" --tmpfs /tmp "$r" /bin/sh -c '
		id -u; cat /MARKER; cat /proc/1/comm
		ls -A /dev | tr "\n" " "; echo
		touch /sys/x 2>/dev/null && echo WROTE-SYS
		echo "keys $(cat /proc/keys | wc -c)"
		echo hi >/dev/null && echo null-ok
		echo t >/tmp/t && echo tmp-ok
		grep " /sys " /proc/self/mountinfo | awk "{print \$6}"'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "root inside" 0 "$(echo "$out" | sed -n 1p)"
	assertEquals "marker" pivot-marker "$(echo "$out" | sed -n 2p)"
	assertEquals "pid 1" sh "$(echo "$out" | sed -n 3p)"
	# no mqueue: that needs an ipc namespace of our own
	assertEquals "/dev listing" \
		"fd full null ptmx pts random shm stderr stdin stdout tty urandom zero " \
		"$(echo "$out" | sed -n 4p)"
	assertNotContains "/sys writable" "$out" WROTE-SYS
	assertContains "masked" "$out" "keys 0"
	assertContains "/dev/null" "$out" null-ok
	assertContains "tmpfs" "$out" tmp-ok
	assertEquals "/sys read-only" ro "$(echo "$out" | tail -1 | cut -d, -f1)"
}

test_chains_with_ns_unshare() {
	[ -x "$BOX_BIN/ns-unshare" ] || {
		skip_test "ns-unshare is not built in $BOX_BIN"
		return 0
	}
	# --mount-proc: PID 1 shares our mount namespace, and is not the
	# host's, so pivot must not take it for the initial namespace
	run ns-unshare --mount --pid --fork --mount-proc pivot "$ROOT" \
		/bin/sh -c 'cat /MARKER; cat /proc/1/comm; :'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "pivoted" "pivot-marker
sh" "$out"
	run ns-unshare --mount --uts --ipc --pid --init --hostname box1 \
		pivot "$ROOT" /bin/sh -c 'hostname; ls /dev/mqueue >/dev/null && echo mq'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "with --init" "box1
mq" "$out"
}

test_refuses_the_initial_mount_namespace() {
	# The check comes before NEWROOT is even opened, so if it ever
	# failed this run would stop at the missing directory.
	if [ "$(stat -L -c %i /proc/self/ns/mnt)" != 4026531832 ]; then
		skip_test "cannot tell the initial mount namespace by inode here (kernel < 6.18)"
		return 0
	fi
	assert_bad_input "$BOX_BIN/pivot" "$BOX_TMP/does-not-exist" true
	assertContains "says why" "$err" "initial mount namespace"
}

test_bad_input_is_one_line_and_changes_nothing() {
	echo file >"$BOX_TMP/afile"
	bad pivot
	assertContains "$err" "missing NEWROOT"
	bad pivot "$BOX_TMP/nonexistent" true
	bad pivot "$BOX_TMP/afile" true
	assertContains "$err" "Not a directory"
	bad pivot --bind "" "$ROOT" true
	bad pivot --bind ":/x" "$ROOT" true
	bad pivot --bind "/tmp:" "$ROOT" true
	bad pivot --bind "/tmp:/a:/b" "$ROOT" true
	bad pivot --bind "/tmp:relative" "$ROOT" true
	assertContains "$err" "absolute"
	bad pivot --bind "/tmp:/" "$ROOT" true
	bad pivot --ro-bind "/tmp:/x/../.." "$ROOT" true
	bad pivot --bind "$BOX_TMP/nonexistent:/x" "$ROOT" true
	assertContains "$err" "No such file"
	bad pivot --tmpfs tmp "$ROOT" true
	bad pivot --tmpfs "" "$ROOT" true
	bad pivot --propagation shared "$ROOT" true
	bad pivot --tmpfs
	bad pivot --no-such-option "$ROOT"
}

# --host-prog: cap-drop is not in the image; pivot loads it from the
# host before the pivot and runs the sealed copy after it.
test_host_prog_runs_a_static_host_tool_after_the_pivot() {
	[ -x "$BOX_BIN/cap-drop" ] || {
		skip_test "cap-drop is not built in $BOX_BIN"
		return 0
	}
	if file -L "$BOX_BIN/cap-drop" 2>/dev/null | grep -q 'dynamically linked'; then
		skip_test "cap-drop is dynamically linked in this build (SANITIZE=1)"
		return 0
	fi
	assertFalse "cap-drop is not in the image" "[ -e '$ROOT/bin/cap-drop' ]"
	run in_ns pivot --host-prog "$ROOT" "$BOX_BIN/cap-drop" --caps chown \
		--no-new-privs /bin/sh -c 'cat /MARKER; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status'
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "cap-drop ran inside the new root, then the image's sh" \
		"pivot-marker
CapEff:	0000000000000001
NoNewPrivs:	1" "$out"
	# found through PATH like any prog
	run in_ns env PATH="$BOX_BIN:$PATH" pivot --host-prog "$ROOT" cap-drop \
		/bin/sh -c 'cat /MARKER'
	assertEquals "found in PATH (stderr: $err)" "pivot-marker" "$out"
}

# CVE-2019-5736: a process that got hold of /proc/PID/exe of the host
# tool while it ran must not be able to write the host's binary through
# it once the tool has gone.  pivot --host-prog runs the tool from a
# detached read-only clone of its file (or a sealed memfd copy).
test_host_prog_binary_cannot_be_written_through_proc_exe() {
	[ -x "$BOX_BIN/ns-unshare" ] || {
		skip_test "ns-unshare is not built in $BOX_BIN"
		return 0
	}
	if file -L "$BOX_BIN/ns-unshare" 2>/dev/null | grep -q 'dynamically linked'; then
		skip_test "ns-unshare is dynamically linked in this build (SANITIZE=1)"
		return 0
	fi
	local victim=$BOX_TMP/victim-ns-unshare pid chain i
	cp "$BOX_BIN/ns-unshare" "$victim"
	cp "$victim" "$BOX_TMP/victim.orig"
	in_ns pivot --host-prog "$ROOT" "$victim" --fork /bin/sleep 30 &
	chain=$!
	# the host tool, running from the clone: its exe is not $victim's path
	for i in $(seq 100); do
		pid=$(pgrep -f -n "^$victim --fork" || true)
		[ -n "$pid" ] && break
		sleep 0.05
	done
	assertNotEquals "the host tool runs" "" "$pid"
	exec 9<"/proc/$pid/exe"
	kill -9 "$pid" "$chain" 2>/dev/null
	wait "$chain" 2>/dev/null
	for i in $(seq 100); do
		[ -d "/proc/$pid" ] || break
		sleep 0.05
	done
	# the binary no longer runs: only the mount or the seal can refuse
	run sh -c 'echo overwritten >>/proc/self/fd/9'
	exec 9<&-
	assertNotEquals "write through /proc/PID/exe refused" 0 "$rc"
	case $err in
	*"Read-only file system"* | *"Operation not permitted"*) ;;
	*) fail "refused for the wrong reason: $err" ;;
	esac
	assertTrue "the host's binary is untouched" "cmp -s '$victim' '$BOX_TMP/victim.orig'"
}

# The chain after pivot is all host tools (ns-unshare, cap-drop twice,
# one of them named by its path), and the image has none: pivot carries
# every word naming a tool in its own directory, each tool passes them
# on, and the last one closes them before the payload.  The payload
# finds no fd, variable or mount of them, neither its own nor its PID
# 1's (ns-unshare --init, itself a host tool, which outlives the exec).
test_host_prog_carries_every_tool_of_the_chain() {
	need_static ns-unshare cap-drop || return 0
	local bb=0 d t
	for d in bin sbin usr/bin; do
		for t in cap-drop ns-unshare pivot uf-mount; do
			[ -e "$ROOT/$d/$t" ] && bb=$((bb + 1))
		done
	done
	assertEquals "no boxutils tool in the image" 0 "$bb"
	run in_ns env PATH="$BOX_BIN:$PATH" pivot --host-prog "$ROOT" \
		ns-unshare --mount --uts --pid --fork --init --mount-proc --hostname hbox \
		cap-drop --caps chown,sys_ptrace,setpcap \
		"$BOX_BIN/cap-drop" --caps chown,sys_ptrace --no-new-privs /bin/sh -c '
		hostname; grep -E "^(CapEff|NoNewPrivs)" /proc/self/status
		cat /proc/1/comm
		echo "fds $(ls /proc/$$/fd | grep -vcE "^[012]$") $(ls /proc/1/fd | grep -vcE "^[012]$")"
		for f in /proc/$$/fd/* /proc/1/fd/*; do readlink "$f"; done
		for p in $$ 1; do tr "\0" "\n" </proc/$p/environ | grep -c BOX_HOST_TOOLS; done
		cat /proc/self/mountinfo
		readlink /proc/self/exe
		/bin/echo cap-drop ns-unshare' </dev/null
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "each host tool ran, then the image's sh" "hbox
CapEff:	0000000000080001
NoNewPrivs:	1
ns-unshare" "$(printf '%s\n' "$out" | head -4)"
	assertEquals "the variable is gone, in the payload and its init" "0
0" "$(printf '%s\n' "$out" | grep -xE '[0-9]+' )"
	assertEquals "a payload argument that names a tool is just a word" \
		"cap-drop ns-unshare" "$(printf '%s\n' "$out" | tail -1)"
	assertEquals "the payload is the image's" /bin/busybox \
		"$(printf '%s\n' "$out" | tail -2 | head -1)"
	# what the payload sees of fds and mounts names no host tool
	local body
	body=$(printf '%s\n' "$out" | sed -n '5,$p' | sed '$d' | sed '$d')
	assertNotContains "a host path in the payload's fds or mounts" "$body" "$BOX_BIN"
	assertNotContains "a carried tool in the fds or mounts" "$body" "cap-drop"
	assertNotContains "a carried tool in the fds or mounts" "$body" "ns-unshare"
	assertNotContains "a sealed copy in the fds" "$body" "memfd:"
	# and it holds no more fds than a payload pivot runs without them
	# (what the test's shell passes down, and the pipe of sh's $(...),
	# which its PID 1 does not have)
	run in_ns pivot "$ROOT" /bin/sh -c 'echo "$(ls /proc/$$/fd | grep -vcE "^[012]$")"' </dev/null
	assertEquals "as many fds as without --host-prog" "fds $out $((out - 1))" \
		"$(printf '%s\n' "$body" | grep '^fds')"
}

test_host_prog_refuses_dynamic_and_missing_programs() {
	bad pivot --host-prog "$ROOT" /usr/bin/env true
	assertContains "says why" "$err" "dynamically linked"
	bad pivot --host-prog "$ROOT"
	run in_ns pivot --host-prog "$ROOT" /no/such/prog
	assertEquals "missing prog is 127" 127 "$rc"
}

# NEWROOT is a read-only mount (uf-mount's bind of one layer) whose name
# mountinfo escapes (space \040, tab \011, newline \012, backslash
# \134).  With the image's mount points in place pivot runs from it;
# with /sys missing, pivot cannot make it there, and names the
# read-only mount it found in the table for that NEWROOT.
test_read_only_newroot_named_with_escapes_is_found() {
	need_tool uf-mount || return 0
	local weird=$BOX_TMP/$'r o\tna\\me\nx'
	mkdir -p "$weird"
	run in_ns sh -c 'uf-mount --lower "$1" "$2" || exit 99
		pivot "$2" /bin/sh -c "cat /MARKER; touch /x 2>&1; :"' sh "$ROOT" "$weird"
	assertEquals "pivot from a read-only NEWROOT (stderr: $err)" 0 "$rc"
	assertEquals "ran inside it, read-only" "pivot-marker
touch: /x: Read-only file system" "$out"
	copy_image nosys
	rmdir "$IMG/sys"
	rm -f "$BOX_TMP/snap"
	run ns_snap sh -c 'uf-mount --lower "$1" "$2" || exit 99
		pivot "$2" true; r=$?; uf-mount -u "$2" || exit 98; exit $r' sh "$IMG" "$weird"
	assertEquals "refused (stderr: $err)" 125 "$rc"
	assertEquals "one line (got: $err)" 1 "$(printf '%s\n' "$err" | grep -c .)"
	assertContains "names the read-only mount" "$err" \
		"resolve /sys inside $BOX_TMP/r o\\tna\\\\me\\nx: Read-only file system (NEWROOT lies on $BOX_TMP/r o\\tna\\\\me\\nx, a read-only "
	assertEquals "mounts left behind" "$host_before" "$(cat "$BOX_TMP/snap")"
	assertFalse "nothing made in the image" "[ -e '$IMG/sys' ]"
}

test_missing_prog_is_127_after_pivot() {
	run in_ns pivot "$ROOT" /no/such/prog
	assertEquals "exit status" 127 "$rc"
}

box_run_suite
