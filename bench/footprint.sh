#!/bin/bash
# bench/footprint.sh - what a chain leaves behind while its payload runs:
# the memory of each tool that waits (VmRSS from /proc/PID/status, and
# Pss from smaps_rollup, which shares a library's pages among the
# processes mapping it) and the open fds the payload inherits, against
# util-linux unshare and nsenter doing the same:
#   ns-unshare -p -f         the parent waiting for PID 1
#   ns-unshare -p -f --init  the parent, and the init waiting for the payload
#   ns-enter -t PID -p       the parent waiting for the child in the pid ns
# Target (issue 8): <= 1 MiB RSS for each process boxutils leaves waiting.
#
# Usage: bench/footprint.sh            (BOX_BIN: the built tools; root)
# Prints "footprint: " lines (a markdown table) for bench/run.sh.

. "$(dirname "$0")/lib.sh"
bench_root "it makes namespaces, cgroups and mounts"
bench_need ns-unshare ns-enter unshare nsenter

started=()
cleanup() {
	local p
	for p in "${started[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

kib() { awk -v k="$2" '$1 == k ":" { print $2; exit }' "$1" 2>/dev/null; }
# the first child of a process (the one it forked to wait for)
child_of() {
	local c
	c=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
	echo "${c%% *}"
}
# wait_comm PID COMM: until PID runs COMM (its exec is done)
wait_comm() {

	for _ in $(seq 200); do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.01
	done
	return 1
}

row() { echo "footprint: $*"; }
row "| waiting process | linked | VmRSS | Pss | payload's open fds | target |"
row "|---|---|---|---|---|---|"

# measure LABEL DEPTH CMD...: run CMD with a sleeping payload; the waiting
# process is the one started, or its child for DEPTH 1 (an init); the
# payload is the first descendant running sleep.
measure() {
	local label=$1 depth=$2 pid w p fds rss pss linked mib
	shift 2
	# a clean fd table (0, 1, 2 only), so what the payload has more
	# came from the tool
	(
		for fd in /proc/$BASHPID/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] && eval "exec $fd>&-"
		done
		exec "$@"
	) </dev/null >/dev/null 2>&1 &
	pid=$!
	started+=("$pid")
	w=$pid
	for _ in $(seq "$depth"); do
		for _ in $(seq 200); do
			p=$(child_of "$w")
			[ -n "$p" ] && break
			sleep 0.01
		done
		w=$p
	done
	p=$w
	for _ in $(seq 200); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ] && break
		p=$(child_of "$p")
		[ -n "$p" ] || { sleep 0.01; p=$w; }
	done
	if ! wait_comm "$p" sleep; then
		row "| $label | | | | | (payload did not start) |"
		kill "$pid" 2>/dev/null
		return
	fi
	rss=$(kib "/proc/$w/status" VmRSS)
	pss=$(kib "/proc/$w/smaps_rollup" Pss)
	fds=$(ls "/proc/$p/fd" | wc -l)
	[ -n "$BENCH_DEBUG" ] && ls -l "/proc/$p/fd" >&2
	if readelf -l "/proc/$w/exe" 2>/dev/null | grep -q INTERP; then
		linked=dynamic
	else
		linked=static
	fi
	mib=
	case $label in
	ns-*) mib=$(awk -v r="$rss" 'BEGIN { print (r <= 1024) ? "<= 1 MiB: met" : "<= 1 MiB: **missed**" }') ;;
	esac
	row "| \`$label\` | $linked | $rss KiB | $pss KiB | $fds | $mib |"
	# SIGKILL: the payload may be a PID 1, which ignores other signals
	# from outside its namespace unless it handles them
	kill -KILL "$p" 2>/dev/null
	wait "$pid" 2>/dev/null
}

measure "ns-unshare -p -f (parent)" 0 ns-unshare -p -f sleep 60
measure "unshare -p -f (parent)" 0 unshare -p -f sleep 60
measure "ns-unshare -p -f --init (parent)" 0 ns-unshare -p -f --init sleep 60
measure "ns-unshare -p -f --init (init, PID 1)" 1 ns-unshare -p -f --init sleep 60

# a target in its own pid namespace, made by util-linux
unshare -p -f --kill-child sleep 600 </dev/null >/dev/null 2>&1 &
tpid=$!
started+=("$tpid")
t=
for _ in $(seq 200); do
	t=$(child_of "$tpid")
	[ -n "$t" ] && wait_comm "$t" sleep && break
	sleep 0.01
done
[ -n "$t" ] || bench_die "the target did not start"
measure "ns-enter -t PID -p (parent)" 0 ns-enter -t "$t" -p sleep 60
measure "nsenter -t PID -p (parent)" 0 nsenter -t "$t" -p sleep 60
kill -KILL "$t" 2>/dev/null
wait "$tpid" 2>/dev/null

echo "footprint:"
echo "footprint: Pss divides shared pages among the processes mapping them; a static"
echo "footprint: tool shares only with other copies of itself.  The payload's fds"
echo "footprint: were 0, 1 and 2 when it shows 3: nothing leaked."
