#!/bin/bash
# bench/container.sh - a whole container running /bin/true from the same
# busybox root, in one hyperfine run:
#   boxutils   cg-create; cg-exec ns-unshare pivot cap-drop; cg-delete
#   crun run   (the default spec of `crun spec`)
#   runc run   (the same config.json)
#   bwrap --unshare-all
#   the chain without its cgroup steps (bwrap makes no cgroup)
# Target (issue 8): boxutils chain <= 0.75x crun run, on the mean; with
# the seccomp profile on every side (issue 14): <= 0.5x.  The chain is
# the one boxutils(7) shows, sys-filter keeping the compiled program in
# the host's cache; rows below show it building the program at every
# start (as crun and runc do) and loading one compiled beforehand.
#
# The spec, and what the chain does to match it: pid, net, ipc, uts and
# mount namespaces, hostname (ns-unshare -m -u -i -n -p -f --hostname); a
# cgroup made and removed per run (cg-create, cg-exec, cg-delete; crun and
# runc make one at cgroupsPath and remove it on exit); read-only root,
# /proc, /dev with pts, shm and mqueue, read-only /sys, Docker's masked
# and read-only paths (pivot --ro); bounding, permitted, effective and
# sets CAP_AUDIT_WRITE CAP_KILL CAP_NET_BIND_SERVICE and no_new_privs
# (cap-drop; the spec's ambient set stays empty in crun and runc, as its
# inheritable set is, so the chain raises none either); the engines'
# default seccomp profile (containers-common's, which Podman applies):
# sys-filter reads it in the chain, judged against the three capabilities
# left, and the spec of crun and runc gets the same rules, resolved by
# sys-filter --print for those capabilities (an OCI spec carries no
# includes/excludes), for the same architectures (x86_64, x86, x32); bwrap
# loads the BPF program sys-filter --dump wrote from them (bwrap --seccomp
# takes a compiled program, so it pays no compiling at start).  The chain
# runs a second time with that compiled program too (sys-filter --bpf):
# building a filter from the profile costs libseccomp some 13 ms here in
# crun and runc (one filter of three architectures), 6 ms in sys-filter
# (three blocks, one per architecture), and compiled once nothing.  The
# main chain uses the cache (sys-filter --cache, the host's directory
# as descriptor 4, as boxutils(7) shows): the profile is read and its
# program built at the first start, loaded from the cache at every later
# one (the warm-up runs fill it).  The chain without its cgroup loads
# the compiled program, as bwrap does.  One change to `crun spec`: no /sys/fs/cgroup
# mount inside, as pivot makes none (keeping it would slow crun and runc
# down).  crun and runc also write the spec's device-cgroup rule and
# RLIMIT_NOFILE, which the chain does not: a few writes.  bwrap has no
# cgroup support and no masked paths, so it runs without them; it drops
# to the same three capabilities and always sets no_new_privs.
#
# Every contestant runs inside the same wrapper: a private mount
# namespace (unshare -m --propagation private), where
#   - the cgroup2 mount of a hybrid host is unmounted: crun refuses a
#     hybrid host and then runs in cgroup v1 mode;
#   - v1 hierarchies in which this process is not in the root cgroup are
#     unmounted (here: memory, this session's accounting cgroup): crun
#     takes a relative cgroupsPath from the hierarchy's root, and cgroups
#     must go beneath the bench's own;
#   - named hierarchies (name=systemd) are unmounted: cg-* make no cgroup
#     there, and crun and runc would.
# So all three make a cgroup in the same v1 hierarchies, under the
# bench's parent cgroup, and nothing outside the private mount namespace
# changes.  The wrapper alone is timed too ("wrapper alone").
#
# Usage: bench/container.sh [RUNS]   (BOX_BIN: the built tools; results
# in bench/results/container.{md,json,csv})

. "$(dirname "$0")/lib.sh"
RUNS=${1:-${BENCH_RUNS:-100}}

bench_root "it makes namespaces, cgroups and mounts"
bench_need hyperfine crun runc bwrap unshare cg-create cg-exec cg-delete \
	ns-unshare pivot cap-drop sys-filter
for t in cap-drop sys-filter; do
	readelf -l "$BOX_BIN/$t" 2>/dev/null | grep -q INTERP &&
		bench_die "$t is linked dynamically; pivot --host-prog needs it static"
done
PROFILE=/usr/share/containers/seccomp.json
[ -r "$PROFILE" ] || bench_die "needs $PROFILE (golang-github-containers-common)"

T=$(mktemp -d /tmp/boxbench-ctr.XXXXXX)
B=boxbench-ctr-$$
ID=bxb$$-
cleanup() {
	local id
	# containers left by an interrupted run: only the ids made here
	for id in $(crun list -q 2>/dev/null | grep "^$ID"); do
		crun delete -f "$id"
	done
	for id in $(runc list -q 2>/dev/null | grep "^$ID"); do
		runc delete -f "$id"
	done
	cg-delete --relative --recursive "$B" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
[ -n "$BENCH_KEEP" ] && trap - EXIT
trap 'exit 130' INT TERM

# the parent of every cgroup made here, beneath this process's own
cg-create --relative "$B" || bench_die "cannot make cgroup $B"
bench_rootfs "$T/rootfs"

# The mounts the wrapper hides (see the top of this file).
hide=$(bench_crun_hide)

cat >"$T/wrap" <<EOF
#!/bin/sh
# the same for every contestant: runs in unshare -m --propagation private
[ -z "$(echo $hide)" ] || umount $(echo $hide) || exit 125
PATH=$BOX_BIN:\$PATH
eval "\$1"
EOF
chmod 755 "$T/wrap"

# One config.json for crun and runc: `crun spec`, not a terminal,
# /bin/true, a cgroupsPath beneath the bench's parent, no /sys/fs/cgroup.
mkdir -p "$T/bundle"
(cd "$T/bundle" && crun spec) || bench_die "crun spec failed"
spec() {
	# args through the environment: awk -v would undo the JSON escapes
	SPEC_ARGS=$1 awk -v cg="$B/oci" -v root="$T/rootfs" '
		{ line[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				l = line[i]
				if (l ~ /"destination": "\/sys\/fs\/cgroup"/) {
					skip_from = i - 1
					for (j = i; line[j] !~ /^\t\t}/; j++);
					skip_to = j
					if (line[j] !~ /,$/) sub(/,$/, "", line[i - 2])
				}
			}
			for (i = 1; i <= NR; i++) {
				if (i >= skip_from && i <= skip_to) continue
				l = line[i]
				if (l ~ /"terminal": true/) sub(/true/, "false", l)
				if (l ~ /"path": "rootfs"/) sub(/"rootfs"/, "\"" root "\"", l)
				if (prev ~ /"args": \[/) l = "\t\t\t" ENVIRON["SPEC_ARGS"]
				if (l ~ /^\t"linux": {/) l = l "\n\t\t\"cgroupsPath\": \"" cg "\"," \
					"\n\t\t\"seccomp\": " ENVIRON["SPEC_SECCOMP"] ","
				print l; prev = line[i]
			}
		}' "$T/bundle/config.json.orig"
}
mv "$T/bundle/config.json" "$T/bundle/config.json.orig"

caps=audit_write,kill,net_bind_service

# The profile inside the image (pivot leaves the host's files behind), and
# the rules it gives a process with the three capabilities, as an OCI
# seccomp object: one syscalls entry per line of sys-filter --print
# ("errno 1 (EPERM) sysfs (139) if arg0 == 2 && arg1 & 240 == 48").
mkdir -p "$T/rootfs/etc"
cp "$PROFILE" "$T/rootfs/etc/seccomp.json"
sys-filter --profile "$PROFILE" --print true >/dev/null ||
	bench_die "sys-filter cannot read $PROFILE"
cap-drop --caps $caps --no-new-privs sys-filter --profile "$PROFILE" \
	--print --dump "$T/seccomp.bpf" true >"$T/seccomp.txt" ||
	bench_die "sys-filter --print failed"
SPEC_SECCOMP=$(awk '
	function act(a, e, ret) {
		if (a == "errno" || a == "trace")
			return "\"SCMP_ACT_" toupper(a) "\", \"" ret "\": " e
		return "\"SCMP_ACT_" toupper(a == "kill-process" ? "kill_process" : \
			a == "kill-thread" ? "kill_thread" : a) "\""
	}
	/^#/ { next }
	$1 == "default" { dflt = act($2, $3, "defaultErrnoRet"); next }
	$1 == "arch" {
		for (i = 2; i <= NF; i++)
			arches = arches (i > 2 ? ", " : "") "\"SCMP_ARCH_" toupper($i) "\""
		next
	}
	{
		a = $1; e = ""; i = 2
		if (a == "errno" || a == "trace") { e = $2; i = 3 }
		if ($i ~ /^\(/) i++
		name = $i; i++
		if ($i ~ /^\(/) i++
		args = ""
		if ($i == "if") i++
		while (i <= NF) {
			if ($i == "&&") i++
			idx = substr($i, 4)
			if ($(i + 1) == "&") {
				c = "\"value\": " $(i + 2) ", \"valueTwo\": " $(i + 4) ", \"op\": \"SCMP_CMP_MASKED_EQ\""
				i += 5
			} else {
				op = $(i + 1) == "==" ? "EQ" : $(i + 1) == "!=" ? "NE" : \
				     $(i + 1) == "<" ? "LT" : $(i + 1) == "<=" ? "LE" : \
				     $(i + 1) == ">" ? "GT" : "GE"
				c = "\"value\": " $(i + 2) ", \"op\": \"SCMP_CMP_" op "\""
				i += 3
			}
			args = args (args == "" ? "" : ", ") "{\"index\": " idx ", " c "}"
		}
		rules = rules (rules == "" ? "" : ",\n") "\t\t\t{\"names\": [\"" name "\"], \"action\": " \
			act(a, e, "errnoRet") (args == "" ? "" : ", \"args\": [" args "]") "}"
	}
	END {
		printf "{\n\t\t\t\"defaultAction\": %s,\n", dflt
		printf "\t\t\t\"architectures\": [%s],\n", arches
		printf "\t\t\t\"syscalls\": [\n%s\n\t\t\t]\n\t\t}", rules
	}' "$T/seccomp.txt")
export SPEC_SECCOMP
cp "$T/seccomp.bpf" "$T/rootfs/etc/seccomp.bpf"
filter="sys-filter --profile /etc/seccomp.json"
# the same rules compiled once, outside the timing, loaded at each start
compiled="sys-filter --bpf /etc/seccomp.bpf"
# the profile, with the host's cache directory as descriptor 4
mkdir -m 0700 "$T/sfcache"
cached="sys-filter --profile /etc/seccomp.json --cache /dev/fd/4 4<$T/sfcache"

# The chain as boxutils(7) writes it: the profile at every start, its
# program built once and kept in the host's cache (sys-filter --cache).
# Below it the same chain building the program at every start (as crun
# does), and loading one compiled beforehand (--bpf, as bwrap --seccomp).
chain="cg-create --relative $B/\$\$ && cg-exec --relative $B/\$\$ \
ns-unshare -m -u -i -n -p -f --hostname box \
pivot --ro --host-prog $T/rootfs \
cap-drop --caps $caps --no-new-privs \
$cached"
# bwrap makes no cgroup and loads a compiled program: so does this one
nocg="ns-unshare -m -u -i -n -p -f --hostname box \
pivot --ro --host-prog $T/rootfs \
cap-drop --caps $caps --no-new-privs \
$compiled"
bwrap="bwrap --unshare-all --hostname box --ro-bind $T/rootfs / \
--proc /proc --dev /dev --ro-bind /sys /sys --cap-drop ALL \
--cap-add CAP_AUDIT_WRITE --cap-add CAP_KILL --cap-add CAP_NET_BIND_SERVICE \
--seccomp 9 9<$T/seccomp.bpf"
oci="--bundle $T/bundle $ID\$\$"
chainbpf=${chain/"$cached"/"$compiled"}
chainbuild=${chain/"$cached"/"$filter"}

# what each contestant's payload sees, checked before anything is timed
probe='echo "pid=$$ host=$(hostname) $(grep -E "^(NoNewPrivs|Seccomp|CapBnd|CapAmb)" /proc/self/status | tr -s "\t\n" "  ")"; touch /x 2>/dev/null && echo rw-root; [ -s /proc/kcore ] && echo kcore-visible; ls /dev/pts >/dev/null && echo ok'
check() {
	local name=$1 cmd=$2 out
	out=$(unshare -m --propagation private "$T/wrap" "$cmd" 2>&1)
	printf '  %-8s %s\n' "$name" "$(echo "$out" | tr '\n' ' ')"
	case $out in
	*"pid="[12]" host=box"*"NoNewPrivs: 1 Seccomp: 2 Seccomp_filters: 1"*ok*) ;;
	*) bench_die "$name: the payload does not see the spec: $out" ;;
	esac
}
spec "\"/bin/sh\", \"-c\", \"$(printf '%s' "$probe" | sed 's/\\/\\\\/g; s/"/\\"/g')\"" >"$T/bundle/config.json"
sed -i 's/"hostname": "crun"/"hostname": "box"/' "$T/bundle/config.json"
echo "hidden in the wrapper's mount namespace: $(echo $hide)"
echo "what the payload sees:"
check boxutils "$chain /bin/sh -c '$probe'; rc=\$?; cg-delete --relative $B/\$\$; exit \$rc"
check nocgroup "$nocg /bin/sh -c '$probe'"
check compiled "$chainbpf /bin/sh -c '$probe'; rc=\$?; cg-delete --relative $B/\$\$; exit \$rc"
check built "$chainbuild /bin/sh -c '$probe'; rc=\$?; cg-delete --relative $B/\$\$; exit \$rc"
[ -n "$(ls -A "$T/sfcache")" ] || bench_die "sys-filter --cache kept nothing in $T/sfcache"
check crun "crun run $oci"
check runc "runc run $oci"
check bwrap "$bwrap /bin/sh -c '$probe'"

spec '"/bin/true"' >"$T/bundle/config.json"
sed -i 's/"hostname": "crun"/"hostname": "box"/' "$T/bundle/config.json"
w="unshare -m --propagation private $T/wrap"
csv=$BENCH_RESULTS/container.csv
hyperfine -N --warmup 5 --runs "$RUNS" \
	--export-csv "$csv" --export-json "$BENCH_RESULTS/container.json" \
	--export-markdown "$BENCH_RESULTS/container.md" \
	-n "wrapper alone" "$w true" \
	-n "boxutils chain" "$w '$chain /bin/true; rc=\$?; cg-delete --relative $B/\$\$; exit \$rc'" \
	-n "crun run" "$w 'crun run $oci'" \
	-n "runc run" "$w 'runc run $oci'" \
	-n "bwrap --unshare-all" "$w '$bwrap /bin/true'" \
	-n "boxutils chain without cgroup" "$w '$nocg /bin/true'" \
	-n "boxutils chain with --bpf" "$w '$chainbpf /bin/true; rc=\$?; cg-delete --relative $B/\$\$; exit \$rc'" \
	-n "boxutils chain building the filter at each start" "$w '$chainbuild /bin/true; rc=\$?; cg-delete --relative $B/\$\$; exit \$rc'" ||
	bench_die "hyperfine failed"

# Again with 30 ms of idle before each run, as between container starts
# in real use: back to back, each move into a cgroup finds the kernel's
# threadgroup lock warm from the one before; cold, the first move that
# takes it waits for an RCU grace period.  crun and runc write their PID
# to cgroup.procs (which takes it); the chain's cg-exec writes "0" to
# tasks (which does not).
hyperfine -N --prepare "sleep 0.03" --warmup 2 --runs "$((RUNS / 3 + 10))" \
	--export-csv "$csv.idle" \
	-n "boxutils chain" "$w '$chain /bin/true; rc=\$?; cg-delete --relative $B/\$\$; exit \$rc'" \
	-n "crun run" "$w 'crun run $oci'" \
	-n "runc run" "$w 'runc run $oci'" \
	-n "bwrap --unshare-all" "$w '$bwrap /bin/true'" \
	-n "boxutils chain with --bpf" "$w '$chainbpf /bin/true; rc=\$?; cg-delete --relative $B/\$\$; exit \$rc'" \
	-n "boxutils chain building the filter at each start" "$w '$chainbuild /bin/true; rc=\$?; cg-delete --relative $B/\$\$; exit \$rc'" ||
	bench_die "hyperfine failed"

echo
bench_table "$csv"
# the chain as written in boxutils(7), its filter's program cached
bench_ratio "$csv" "container vs crun" "boxutils chain" "crun run" "<=" 0.5
bench_ratio "$csv" "container vs runc" "boxutils chain" "runc run" "<=" 1
# both build the filter with libseccomp at every start: no target, the
# cost of sys-filter without its cache
bench_ratio "$csv" "container building the filter at each start vs crun" "boxutils chain building the filter at each start" "crun run" "-" ""
# compiled once (sys-filter --dump, then --bpf), the chain pays only the load
bench_ratio "$csv" "container with --bpf vs crun" "boxutils chain with --bpf" "crun run" "<=" 0.5
# bwrap makes no cgroup: like for like is the chain without its cgroup
bench_ratio "$csv" "container vs bwrap (no cgroup either)" "boxutils chain without cgroup" "bwrap --unshare-all" "<=" 1
bench_ratio "$csv" "container vs bwrap (the chain with its cgroup)" "boxutils chain" "bwrap --unshare-all" "-" ""
echo "idle before each run:"
bench_table "$csv.idle"
bench_ratio "$csv.idle" "container vs crun, 30 ms idle before each run" "boxutils chain" "crun run" "<=" 0.5
bench_ratio "$csv.idle" "container vs runc, 30 ms idle before each run" "boxutils chain" "runc run" "<=" 1
bench_ratio "$csv.idle" "container with --bpf vs crun, 30 ms idle before each run" "boxutils chain with --bpf" "crun run" "<=" 0.5
# the same with the wrapper's own time taken off both sides
awk -F, 'NR > 1 { gsub(/"/, ""); m[$1] = $2 }
	END { w = m["wrapper alone"]; b = m["boxutils chain"] - w
		printf "net of the wrapper (%.2f ms): boxutils %.2f ms, crun %.2f ms (%.2fx), runc %.2f ms (%.2fx), bwrap %.2f ms (%.2fx)\n",
			w * 1000, b * 1000, (m["crun run"] - w) * 1000, b / (m["crun run"] - w),
			(m["runc run"] - w) * 1000, b / (m["runc run"] - w),
			(m["bwrap --unshare-all"] - w) * 1000, b / (m["bwrap --unshare-all"] - w) }' "$csv"
