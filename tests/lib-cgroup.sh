# shellcheck shell=bash
# tests/lib-cgroup.sh - helpers for the cgroup suites (tests/cg-*.sh).
# Source it after lib.sh.
#
# Every cgroup a suite makes lies below $CG_T, which cg_suite_setup makes
# beneath the cgroup the suite already runs in (in every hierarchy) and
# cg_suite_teardown removes.  Run the tools as
#     cg-create $CG_R "$CG_T/x"
# $CG_R is --relative, and $CG_T a name below the suite's own cgroup,
# except on a pure cgroup v2 host whose suite sits in a non-root cgroup
# (a systemd service, or the VM tier): there the no-internal-process rule
# forbids enabling controllers in a cgroup that holds the suite's shell,
# so the shell moves into a leaf of its own cgroup first, and $CG_T is
# the absolute path of a sibling of that leaf.

CG_KNOWN="cpu cpuacct cpuset memory devices freezer net_cls net_prio blkio perf_event hugetlb pids rdma misc"

# "TYPE MOUNTPOINT SUPEROPTIONS" of every cgroup mount.
_cg_mounts() {
	awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
	       if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2")
		       print $(i + 1), $5, $(i + 3) }' /proc/self/mountinfo
}

# The first real controller in a v1 mount's option list, or "".
_cg_first_ctrl() {
	local o c
	for o in $(echo "$1" | tr , ' '); do
		for c in $CG_KNOWN; do
			[ "$o" = "$c" ] && echo "$c" && return 0
		done
	done
	return 0
}

# cg_mnt CTRL: the mount point of the hierarchy serving CTRL.
cg_mnt() {
	local t m o
	while read -r t m o; do
		[ "$t" = cgroup ] || continue
		case ",$o," in *",$1,"*)
			echo "$m"
			return 0
			;;
		esac
	done < <(_cg_mounts)
	[ -n "$CG_V2" ] && grep -qw -- "$1" "$CG_V2/cgroup.controllers" &&
		echo "$CG_V2" && return 0
	return 1
}

# cg_has CTRL: some hierarchy serves the controller.
cg_has() {
	cg_mnt "$1" >/dev/null
}

# cg_is_v2 CTRL: the controller is served by cgroup2.
cg_is_v2() {
	[ -n "$CG_V2" ] && [ "$(cg_mnt "$1")" = "$CG_V2" ]
}

need_ctrl() {
	cg_has "$1" && return 0
	skip_test "no cgroup hierarchy has the $1 controller"
	return 1
}

# The suite shell's own cgroup in the hierarchy at mount $2 (CTRL $1).
_cg_own() {
	if [ "$2" = "$CG_V2" ]; then
		awk -F: '$1 == "0" && $2 == "" { print $3 }' /proc/$$/cgroup
	else
		awk -F: -v c="$1" '{ n = split($2, a, ",")
			for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' /proc/$$/cgroup
	fi
}

# _cg_dir_at CTRL MOUNT [SUB]: the directory of $CG_T/SUB in that mount.
_cg_dir_at() {
	local base=""
	if [ -n "$CG_R" ]; then
		base=$(_cg_own "$1" "$2")
		base=${base%/}
	fi
	echo "$2$base/${CG_T#/}${3:+/$3}"
}

# cg_dir CTRL [SUB]: $CG_T/SUB in the hierarchy serving CTRL.
cg_dir() {
	local m
	m=$(cg_mnt "$1") || return 1
	_cg_dir_at "$1" "$m" "$2"
}

# cg_all_dirs [SUB]: $CG_T/SUB ($CG_T for "" or none) in every hierarchy that has controllers
# (cgroup2 and each v1 controller mount; not name=systemd).
cg_all_dirs() {
	local t m o c
	while read -r t m o; do
		if [ "$t" = cgroup2 ]; then
			_cg_dir_at "" "$m" "$1"
			continue
		fi
		c=$(_cg_first_ctrl "$o")
		[ -n "$c" ] && _cg_dir_at "$c" "$m" "$1"
	done < <(_cg_mounts)
}

# Every cgroup directory below $CG_T, in every hierarchy, sorted.
cg_snapshot() {
	local d
	for d in $(cg_all_dirs ""); do
		[ -d "$d" ] && find "$d" -mindepth 1 -type d
	done | sort
}

# cg_read CTRL SUB V2FILE V1FILE: a control file of $CG_T/SUB.
cg_read() {
	local f
	if cg_is_v2 "$1"; then f=$3; else f=$4; fi
	cat "$(cg_dir "$1" "$2")/$f"
}

# cg_stat_key SUB KEY: one figure from cg-stat's text output.
cg_stat_key() {
	cg-stat $CG_R "$CG_T/$1" | awk -v k="$2" '$1 == k { print $2 }'
}

# cg_bad_input CMD...: as assert_bad_input (exit 125, one line of stderr
# starting "tool: "), with shell builtins only: in the VM tier every fork
# costs a good part of a second.
cg_bad_input() {
	local lines
	"$@" >/dev/null 2>"$BOX_TMP/.bad" </dev/null
	rc=$?
	mapfile -t lines <"$BOX_TMP/.bad"
	err=${lines[0]}
	assertEquals "exit status of: $* (stderr: ${lines[*]})" 125 "$rc"
	assertEquals "one line of stderr for: $* (got: ${lines[*]})" 1 "${#lines[@]}"
	[[ $err == "${1##*/}: "* ]] ||
		fail "stderr does not start with '${1##*/}: ': $err"
}

# Swap on the machine: a memory hog must be held to memory alone.
cg_swap_on() {
	[ "$(wc -l </proc/swaps)" -gt 1 ]
}

# as_nobody CMD...: run CMD as uid/gid 65534 without supplementary groups.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

need_nobody() {
	if ! command -v setpriv >/dev/null ||
		! as_nobody true 2>/dev/null; then
		skip_test "needs setpriv --reuid to run as an unprivileged user"
		return 1
	fi
	if ! as_nobody test -x "$BOX_BIN/cg-exec"; then
		skip_test "uid 65534 cannot run $BOX_BIN/cg-exec"
		return 1
	fi
}

# access_in JOINFILE DEV...: join the cgroup, then for each DEV print
# "r" or "-" (it opens for reading) and "w" or "-" (for writing).
access_in() {
	# /dev/null for the errors is opened before the rules apply
	bash -c 'exec 9>/dev/null
		echo 0 >"$1" || exit 99
		shift
		for d; do
			r=- w=-
			(: <"$d") 2>&9 && r=r
			(: >"$d") 2>&9 && w=w
			printf "%s%s " "$r" "$w"
		done' _ "$@"
}

cg_suite_setup() {
	local t m o own
	CG_V2=$(_cg_mounts | awk '$1 == "cgroup2" { print $2; exit }')
	CG_PURE_V2=1
	while read -r t m o; do
		[ "$t" = cgroup ] && [ -n "$(_cg_first_ctrl "$o")" ] && CG_PURE_V2=
	done < <(_cg_mounts)
	[ -n "$CG_V2" ] || CG_PURE_V2=
	CG_R=--relative
	CG_T=boxtest-$BOX_SUITE-$$
	CG_LEAF=
	own=$(_cg_own "" "$CG_V2")
	if [ -n "$CG_PURE_V2" ] && [ "$own" != / ]; then
		CG_OWN=$own
		CG_LEAF=$CG_V2$own/boxtest-leaf-$$
		mkdir "$CG_LEAF" && echo $$ >"$CG_LEAF/cgroup.procs" || return 1
		CG_R=
		CG_T=$own/boxtest-$BOX_SUITE-$$
	fi
	export CG_V2 CG_PURE_V2 CG_R CG_T
	cg-create $CG_R "$CG_T"
}

cg_suite_teardown() {
	local d x p c left=
	[ -n "$CG_T" ] || return 0
	cg-delete $CG_R --recursive "$CG_T" 2>/dev/null
	# Whatever a broken tool left must not stay on the machine: only
	# processes this suite started live below $CG_T.
	for d in $(cg_all_dirs ""); do
		[ -d "$d" ] || continue
		left="$left $d"
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			find "$d" -depth -type d | while read -r x; do
				for p in $(cat "$x/cgroup.procs" 2>/dev/null); do
					kill -9 "$p" 2>/dev/null
				done
				rmdir "$x" 2>/dev/null
			done
			[ -d "$d" ] || break
			sleep 0.1
		done
	done
	[ -n "$left" ] && echo "WARNING: cg-delete left$left"
	if [ -n "$CG_LEAF" ]; then
		# back into the own cgroup, which must drop its controllers first
		for c in $(cat "$CG_V2$CG_OWN/cgroup.subtree_control"); do
			echo "-$c" >"$CG_V2$CG_OWN/cgroup.subtree_control" 2>/dev/null
		done
		echo $$ >"$CG_V2$CG_OWN/cgroup.procs" && rmdir "$CG_LEAF"
	fi
	return 0
}

suite_setup() {
	cg_suite_setup
}

suite_teardown() {
	cg_suite_teardown
}
