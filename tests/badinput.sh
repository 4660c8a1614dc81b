#!/bin/bash
# tests/badinput.sh - a matrix of hostile and mistaken inputs across every
# tool.  Each must be refused with one clear line on stderr ("tool: ...")
# and exit 125 (127 for a prog that does not exist), and leave the host as
# it was: its mount table, cgroup tree and link list are compared before
# and after every tool's rows.
#
# Rows that could touch the network run in a network namespace of their
# own (unshare --net), and the links in it are compared too; rows that
# would mount if they were accepted run in a private mount namespace.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$BOX_TESTS/lib-cgroup.sh"

ROWS=0

suite_setup() {
	T=$BOX_TMP
	mkdir -p "$T/a" "$T/b" "$T/up" "$T/work" "$T/target" "$T/root"
	make_busybox_rootfs "$T/root" || return 1
	# a hostile image: mount targets that are symlinks to a file, a loop
	cp -a "$T/root" "$T/hostile"
	rm -rf "$T/hostile/proc"
	ln -s /etc/passwd "$T/hostile/proc"
	ln -s loop "$T/hostile/loop"
	cg_suite_setup || return 1
	# a PID that surely has exited: a child we started and reaped
	sh -c 'exit 0' &
	GONE=$!
	wait "$GONE"
}

suite_teardown() {
	cg_suite_teardown
}

# What a refused input must not change.  A bad input can only have made
# something where it points: mounts on or from our directory (and ip
# netns files), cgroups below the suite's parent or named boxbad-*, links
# named bx*.  Those are compared, with the whole link list; the rest of
# the mount table and cgroup tree is left out because other suites (and
# on a developer's machine other people) change them at the same time.
host_state() {
	echo "== mounts"
	mount_snapshot | grep -F -e "$BOX_TMP" -e /run/netns
	echo "== cgroups"
	find /sys/fs/cgroup -type d -name '*boxbad*' 2>/dev/null | sort
	cg_snapshot
	echo "== links"
	ip -o link 2>/dev/null | awk '{print $2}' | sort
	return 0
}

snap_before() {
	host_state >"$BOX_TMP/before"
}

snap_after() {
	host_state >"$BOX_TMP/after"
	assertEquals "host state changed by the rows of ${_shunit_test_:-?}: $(diff "$BOX_TMP/before" "$BOX_TMP/after" | head -5)" \
		"" "$(diff "$BOX_TMP/before" "$BOX_TMP/after")"
}

# bad [--rc N] [--net] [--mnt] TOOL ARGS...: one row of the matrix.
# --net runs it in a new network namespace and compares the links there;
# --mnt in a private mount namespace, comparing its mount table.
bad() {
	local want=125 wrap=() check=
	while :; do
		case $1 in
		--rc) want=$2; shift 2 ;;
		--net) wrap+=(--net); check="$check links"; shift ;;
		--mnt) wrap+=(--mount --propagation private); check="$check mounts"; shift ;;
		*) break ;;
		esac
	done
	local tool=$1 o=$BOX_TMP/.o e=$BOX_TMP/.e d=$BOX_TMP/.diff
	ROWS=$((ROWS + 1))
	rm -f "$d"
	if [ ${#wrap[@]} -gt 0 ]; then
		# the wrapper compares inside the namespace and writes any
		# difference to $d; the tool's own stderr stays as it was
		unshare "${wrap[@]}" bash -c '
			d=$1 check=$2; shift 2
			st() {
				case $check in *links*) ip -o link | awk "{print \$2}" ;; esac
				case $check in *mounts*) awk "{print \$5, \$9}" /proc/self/mountinfo | sort ;; esac
			}
			b=$(st); "$@"; rc=$?; a=$(st)
			# (after a pivot that went through, $d is out of reach)
			[ "$a" = "$b" ] || { diff <(echo "$b") <(echo "$a") >"$d"; } 2>/dev/null
			exit $rc' wrap "$d" "$check" "$@" >"$o" 2>"$e" </dev/null
	else
		"$@" >"$o" 2>"$e" </dev/null
	fi
	rc=$?
	err=$(cat "$e")
	[ -n "$BADINPUT_VERBOSE" ] && printf '%s\n    -> %s: %s\n' "$*" "$rc" "$err"
	assertEquals "exit status of: $* (stderr: $err)" "$want" "$rc"
	assertEquals "one line of stderr for: $* (got: $err)" 1 \
		"$(printf '%s\n' "$err" | grep -c .)"
	case $err in
	"$tool: "*) ;;
	*) fail "stderr of: $* does not start with '$tool: ': $err" ;;
	esac
	# (a prog that is not found is met after the tool's job is done)
	[ "$want" = 125 ] && [ -s "$d" ] &&
		fail "$* changed its namespace ($check): $(head -3 "$d")"
	return 0
}

# --- cgroups --------------------------------------------------------------

test_cg_create_bad_input() {
	need_tool cg-create || return 0
	local long
	long=$(printf 'x%.0s' $(seq 300))
	snap_before
	bad cg-create $CG_R "$CG_T/../boxbad-escape"
	bad cg-create $CG_R "../boxbad-escape"
	bad cg-create $CG_R "$CG_T/./x"
	bad cg-create $CG_R "$CG_T//x"
	bad cg-create $CG_R "$CG_T/x/"
	bad cg-create --relative "/boxbad-absolute"
	bad cg-create $CG_R "$CG_T/$(printf 'a\nb')"
	bad cg-create $CG_R "$CG_T/$long"
	bad cg-create $CG_R ""
	bad cg-create $CG_R --memory 64Q "$CG_T/x"
	bad cg-create $CG_R --memory 99999999999999999999999 "$CG_T/x"
	bad cg-create $CG_R --memory 0 "$CG_T/x"
	bad cg-create $CG_R --cpus 0 "$CG_T/x"
	bad cg-create $CG_R --cpus 1e3 "$CG_T/x"
	bad cg-create $CG_R --cpus 0.0001 "$CG_T/x"
	bad cg-create $CG_R --pids -1 "$CG_T/x"
	bad cg-create $CG_R --pids 18446744073709551617 "$CG_T/x"
	bad cg-create $CG_R --cpu-weight 10001 "$CG_T/x"
	bad cg-create $CG_R --cpuset 3-1 "$CG_T/x"
	bad cg-create $CG_R --cpuset 0-99999 "$CG_T/x"
	bad cg-create $CG_R --io-max 8:0:xbps=1 "$CG_T/x"
	bad cg-create $CG_R --set nosuchctrl.max=1 "$CG_T/x"
	bad cg-create $CG_R --set ../../../etc/passwd=1 "$CG_T/x"
	bad cg-create $CG_R --set memory.high "$CG_T/x"
	bad cg-create $CG_R --memory-swap 32M --memory 64M "$CG_T/x"
	bad cg-create $CG_R --owner nosuchuser-$$ "$CG_T/x"
	bad cg-create $CG_R --bogus "$CG_T/x"
	# a limit the kernel refuses half way: the cgroups made are removed
	bad cg-create $CG_R --set memory.nosuchfile=1 "$CG_T/x"
	snap_after
}

test_cg_other_tools_bad_input() {
	need_tool cg-exec || return 0
	need_tool cg-set || return 0
	need_tool cg-stat || return 0
	need_tool cg-delete || return 0
	snap_before
	bad cg-exec $CG_R "$CG_T/absent-$$" true
	bad cg-exec $CG_R "$CG_T/../../x" true
	bad cg-exec -g nosuchctrl:"$CG_T" true
	bad cg-exec -g "memory" true
	bad cg-set $CG_R --memory 1.5.5 "$CG_T"
	bad cg-set $CG_R --pids 0 "$CG_T"
	bad cg-set $CG_R --memory 64M "$CG_T/absent-$$"
	bad cg-stat $CG_R "$CG_T/../x"
	bad cg-stat $CG_R "$CG_T/absent-$$"
	bad cg-delete $CG_R "$CG_T/../x"
	bad cg-delete $CG_R --timeout abc "$CG_T"
	bad cg-delete $CG_R --timeout -1 "$CG_T"
	bad --rc 127 cg-exec $CG_R "$CG_T" nosuchprog-$$
	snap_after
}

# --- namespaces -----------------------------------------------------------

test_ns_unshare_bad_input() {
	need_tool ns-unshare || return 0
	local long
	long=$(printf 'h%.0s' $(seq 80))
	snap_before
	bad ns-unshare --bogus true
	bad ns-unshare --propagation sideways true
	bad ns-unshare --kill-child=SIGNOPE true
	bad ns-unshare --monotonic 99999999999999999999 true
	bad ns-unshare --boottime 1.5x true
	bad ns-unshare --setgroups maybe true
	bad ns-unshare --user --map-users=0:4294967295:2 true
	bad ns-unshare --user --map-users=0:100000:0 true
	bad ns-unshare --user --map-user=nosuchuser-$$ true
	bad ns-unshare --hostname "$long" true
	bad ns-unshare --net="$T/no/such/dir/net" true
	bad ns-unshare --root "$T/absent" true
	bad --rc 127 ns-unshare --uts nosuchprog-$$
	snap_after
}

test_ns_enter_bad_input() {
	need_tool ns-enter || return 0
	snap_before
	bad ns-enter -t 0 --net true
	bad ns-enter -t 99999999999 --net true
	bad ns-enter -t "$GONE" --net true
	bad ns-enter -t abc --net true
	bad ns-enter --netns nosuchns-$$ true
	bad ns-enter --netns ../../etc/passwd true
	bad ns-enter --net=/etc/passwd true
	bad ns-enter --net="$T/absent" true
	bad ns-enter -t $$ --setuid abc --user true
	bad ns-enter -t $$ --bogus true
	bad --rc 127 ns-enter -t $$ --uts nosuchprog-$$
	snap_after
}

# --- mounts ---------------------------------------------------------------

test_uf_mount_bad_input() {
	need_tool uf-mount || return 0
	snap_before
	mkdir -p "$T/a,context=system_u:object_r:tmp_t:s0"
	# through mount(2)'s option string an LSM would take ",context=" out
	# whatever the escaping (lowerdir+ of the new API takes it as is)
	BOX_UF_MOUNT_API=legacy bad --mnt uf-mount --lower "$T/a,context=system_u:object_r:tmp_t:s0" --lower "$T/b" "$T/target"
	# one --lower alone is a read-only bind; an overlay option with it is not
	bad --mnt uf-mount --lower "$T/a" -o index=on "$T/target"
	bad --mnt uf-mount --lower "$T/a" -o nofail,ro "$T/target"
	bad --mnt uf-mount --lower "$T/a" --upper "$T/up" "$T/target"
	bad --mnt uf-mount --lower "$T/a" --work "$T/work" "$T/target"
	bad --mnt uf-mount -o "lowerdir=/etc" "$T/target"
	bad --mnt uf-mount --lower "$T/a" -o "upperdir=$T/up,workdir=$T/work" "$T/target"
	bad --mnt uf-mount --lower "$T/a" -o nosuchopt "$T/target"
	bad --mnt uf-mount --lower "$T/a" -o index=maybe "$T/target"
	bad --mnt uf-mount -t aufs -o "br=$T/a=xx" none "$T/target"
	bad --mnt uf-mount -t aufs -o "br=$T/a=ro:$T/b=rw" none "$T/target"
	bad --mnt uf-mount -t ext4 --lower "$T/a" "$T/target"
	bad --mnt uf-mount --lower "$T/absent" --lower "$T/b" "$T/target"
	bad --mnt uf-mount --lower "$T/a" --lower "$T/b" "$T/absent-target"
	bad --mnt uf-mount --lower "$T/a" --upper "$T/up" --work "$T/absent" "$T/target"
	bad --mnt uf-mount --lower "$T/a"
	bad --mnt uf-mount -u "$T/target"
	bad --mnt --rc 127 uf-mount --lower "$T/a" --lower "$T/b" "$T/target" nosuchprog-$$
	snap_after
}

# A path with ',' and ':' is escaped, never read as more options: the
# directory "x,upperdir=EVIL,workdir=EVIL2" is one read-only lower layer,
# so no upper layer appears and the mount stays read-only, through the
# new mount API and through mount(2)'s option string alike.  (mountinfo
# shows such a name unescaped, so it cannot tell; a write can.)
test_uf_mount_commas_and_colons_are_escaped() {
	need_tool uf-mount || return 0
	local evil="$T/x,upperdir=$T/up,workdir=$T/work" colon="$T/c:d" api
	mkdir -p "$evil" "$colon"
	echo hi >"$evil/f"
	echo ho >"$colon/g"
	snap_before
	for api in new legacy; do
		run unshare --mount --propagation private env BOX_UF_MOUNT_API=$api sh -c '
			uf-mount --lower "$1" --lower "$2" "$3" || exit 125
			cat "$3/f" "$3/g"
			touch "$3/new" 2>/dev/null && echo WROTE
			exit 0' sh "$evil" "$colon" "$T/target"
		assertEquals "$api API: mount with hostile names (err: $err)" 0 "$rc"
		assertEquals "$api API: both layers read" "hi
ho" "$out"
		assertEquals "$api API: upper or work dir injected" "" \
			"$(find "$T/up" "$T/work" "$evil" -mindepth 1 ! -path "$evil/f")"
	done
	snap_after
}

test_pivot_bad_input() {
	need_tool pivot || return 0
	snap_before
	bad --mnt pivot "$T/absent" true
	bad --mnt pivot "$T/root/etc/passwd" true
	bad --mnt pivot --bind "$T/absent:/x" "$T/root" true
	bad --mnt pivot --ro-bind "$T/absent" "$T/root" true
	bad --mnt pivot --propagation shared "$T/root" true
	bad --mnt pivot --bogus "$T/root" true
	# symlinked mount targets in the image: refused, and what was
	# mounted before is undone
	bad --mnt pivot "$T/hostile" /bin/true
	bad --mnt pivot --no-proc --tmpfs /loop/x "$T/hostile" /bin/true
	bad --mnt pivot --no-proc --bind "$T/a:/etc/passwd" "$T/hostile" /bin/true
	bad --mnt pivot --no-proc --bind /etc/hostname:/bin "$T/hostile" /bin/true
	bad --mnt pivot --ro-bind "$T/a:/" "$T/root" /bin/true
	bad --mnt pivot
	bad --mnt --rc 127 pivot "$T/root" /nosuchprog-$$
	snap_after
}

# --- network --------------------------------------------------------------

test_veth_link_bad_input() {
	need_tool veth-link || return 0
	snap_before
	bad --net veth-link bxbad0123456789ab
	bad --net veth-link "bx/bad"
	bad --net veth-link "bx:bad"
	bad --net veth-link ".."
	bad --net veth-link ""
	bad --net veth-link --peer-name "eth 0" bxbad0
	bad --net veth-link --addr 10.0.0.1/33 bxbad0
	bad --net veth-link --addr 10.0.0.1 bxbad0
	bad --net veth-link --addr 300.0.0.1/24 bxbad0
	bad --net veth-link --addr 10.0.0.1/024 bxbad0
	bad --net veth-link --peer-addr fd00::1/129 bxbad0
	bad --net veth-link --peer-addr 'fe80::1%eth0/64' bxbad0
	bad --net veth-link --gateway 10.0.0.1/24 bxbad0
	bad --net veth-link --mtu 67 bxbad0
	bad --net veth-link --mtu 99999999999999999999 bxbad0
	bad --net veth-link --mac 01:00:00:00:00:01 bxbad0
	bad --net veth-link --mac 02:00:00:00:00 bxbad0
	bad --net veth-link --netns 0 bxbad0
	bad --net veth-link --netns "$GONE" bxbad0
	bad --net veth-link --netns "$T/absent" bxbad0
	bad --net veth-link --netns nosuchns-$$ bxbad0
	bad --net veth-link --bridge "bx/br" bxbad0
	bad --net veth-link -d bxabsent0
	snap_after
}

# --- capabilities and users -------------------------------------------------

test_cap_drop_bad_input() {
	need_tool cap-drop || return 0
	snap_before
	bad cap-drop --caps nosuchcap true
	bad cap-drop --caps 64 true
	bad cap-drop --caps chown,,kill true
	bad cap-drop --drop cap_ true
	bad cap-drop --user 4294967295 true
	bad cap-drop --user 99999999999 true
	bad cap-drop --user nosuchuser-$$ true
	bad cap-drop --user 0:nosuchgroup-$$ true
	bad cap-drop --groups 99999999999 true
	bad cap-drop --bogus true
	bad --rc 127 cap-drop nosuchprog-$$
	snap_after
}

test_zz_rows_tried() {
	echo "badinput: $ROWS rows tried"
	assertTrue "at least 40 bad inputs tried (got $ROWS)" "[ $ROWS -ge 40 ]"
}

box_run_suite
