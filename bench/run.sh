#!/bin/bash
# bench/run.sh - run every bench/*.sh and write bench/results.md: the
# machine (date, kernel, CPU), a table of means and ratios against each
# peer, issue 8's targets and whether they are met, the memory footprint
# and the scale run.
#
# Each script's own output goes to bench/results/<script>.log.  hyperfine
# runs through a shim that keeps every run's JSON export in
# bench/results/<script>.hf<n>.json, so the means in the report come from
# hyperfine itself, whatever a script prints.  Lines a script prints
# beginning "ratio:", "footprint:", "scale:" or "startup:" are copied.
#
# Usage: bench/run.sh [SCRIPT...]      (default: every bench/*.sh)
#   BOX_BIN        the built tools (make bench sets it)
#   BENCH_RUNS     hyperfine runs for the container comparison (100)
#   BENCH_SCALE_N  containers alive at once in bench/scale.sh (1000)
#   BENCH_REPORT_ONLY=1  write bench/results.md again from the last run's logs

. "$(dirname "$0")/lib.sh"
cd "$BENCH_ROOT" || exit 125
bench_root "sudo make bench"
bench_need hyperfine

if [ $# -gt 0 ]; then
	scripts=("$@")
else
	scripts=()
	for s in bench/*.sh; do
		case ${s##*/} in
		run.sh | lib.sh) ;;
		*) scripts+=("$s") ;;
		esac
	done
fi

T=$(mktemp -d /tmp/boxbench-run.XXXXXX)
trap 'rm -rf "$T"' EXIT
real_hf=$(command -v hyperfine)
mkdir -p "$T/shim"
cat >"$T/shim/hyperfine" <<EOF
#!/bin/bash
# keep a copy of every run's JSON export for bench/run.sh
n=\$(ls "\$BENCH_RESULTS/\$BENCH_SCRIPT".hf*.json 2>/dev/null | wc -l)
out="\$BENCH_RESULTS/\$BENCH_SCRIPT.hf\$((n + 1)).json"
theirs=
prev=
for a in "\$@"; do
	[ "\$prev" = --export-json ] && theirs=\$a
	case \$a in --export-json=*) theirs=\${a#--export-json=} ;; esac
	prev=\$a
done
if [ -n "\$theirs" ]; then
	"$real_hf" "\$@"; rc=\$?
	cp "\$theirs" "\$out" 2>/dev/null
	exit \$rc
fi
exec "$real_hf" --export-json "\$out" "\$@"
EOF
chmod 755 "$T/shim/hyperfine"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -z "$BENCH_REPORT_ONLY" ]; then
	for s in "${scripts[@]}"; do
		rm -f "$BENCH_RESULTS/$(basename "$s" .sh)".hf*.json \
			"$BENCH_RESULTS/$(basename "$s" .sh).log"
	done
	echo "$load_before" >"$BENCH_RESULTS/loadavg"
else
	load_before=$(cat "$BENCH_RESULTS/loadavg" 2>/dev/null)
fi
status=()
# BENCH_REPORT_ONLY=1: write the report again from the logs and exports
# of the last run, running nothing
[ -n "$BENCH_REPORT_ONLY" ] && scripts_to_run=() || scripts_to_run=("${scripts[@]}")
[ -n "$BENCH_REPORT_ONLY" ] && status=("(report written again from the logs of the last run)")
for s in "${scripts_to_run[@]}"; do
	name=$(basename "$s" .sh)
	echo "bench: $s"
	start=$(date +%s)
	BENCH_SCRIPT=$name PATH=$T/shim:$PATH "$s" >"$BENCH_RESULTS/$name.log" 2>&1
	rc=$?
	status+=("$name: exit $rc, $(($(date +%s) - start)) s")
	grep -E '^(ratio|footprint|scale|startup):' "$BENCH_RESULTS/$name.log"
	[ $rc = 0 ] || echo "bench: $s failed (exit $rc); see bench/results/$name.log" >&2
done

# Every hyperfine result as "script<TAB>name<TAB>mean<TAB>median<TAB>min"
# (the JSON export is one key per line).
for j in "$BENCH_RESULTS"/*.hf*.json; do
	[ -e "$j" ] || continue
	s=$(basename "$j" .json)
	awk -v s="$s" -F'"' '
		/"command":/ { c = $4 }
		/"mean":/ { split($0, a, ": "); mean = a[2] + 0 }
		/"median":/ { split($0, a, ": "); med = a[2] + 0 }
		/"min":/ { split($0, a, ": "); printf "%s\t%s\t%s\t%s\t%s\n", s, c, mean, med, a[2] + 0 }' "$j"
done >"$T/all.tsv"

# target NAME OURS PEER OP N: from the first result file (by name; a
# script's first hyperfine run is .hf1) holding both a command whose name
# matches OURS and one matching PEER (awk regexes); only files whose name
# matches $file when that is set
target() {
	awk -F'\t' -v name="$1" -v ours="$2" -v peer="$3" -v op="$4" -v t="$5" \
		-v quiet="${quiet:-}" -v only="${file:-}" '
		only != "" && $1 !~ only { next }
		{ if ($2 ~ ours && !(($1, "o") in m)) m[$1, "o"] = $2 "\t" $3 "\t" $4 "\t" $5
		  if ($2 ~ peer && !(($1, "p") in m)) m[$1, "p"] = $2 "\t" $3 "\t" $4 "\t" $5
		  if (($1, "o") in m && ($1, "p") in m && (first == "" || $1 < first)) first = $1 }
		END {
			f = first
			if (f != "") {
				split(m[f, "o"], o, "\t"); split(m[f, "p"], p, "\t")
				r = o[2] / p[2]; rm = o[3] / p[3]
				met = (op == "<=") ? (r <= t) : (r >= t)
				# hyperfine in shell mode subtracts the shell: a min can be 0
				rmin = (o[4] > 0 && p[4] > 0) ? sprintf("%.2fx", o[4] / p[4]) : "-"
				printf "| %s | `%s` %.2f ms | `%s` %.2f ms | %.2fx | %.2fx | %s | %s %s | %s |\n",
					name, o[1], o[2] * 1000, p[1], p[2] * 1000, r, rm, rmin, op, t,
					met ? "met" : "**missed**"
				exit
			}
			if (!quiet) printf "| %s | (no result) | | | | | %s %s | not measured |\n", name, op, t
		}' "$T/all.tsv"
}

# first_target NAME OURS PEER OURS2 PEER2 OP N: the pair OURS/PEER when
# measured, else OURS2/PEER2
first_target() {
	local row
	row=$(quiet=1 target "$1" "$2" "$3" "$6" "$7")
	if [ -n "$row" ]; then echo "$row"; else target "$1" "$4" "$5" "$6" "$7"; fi
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
{
	echo "# boxutils benchmark results"
	echo
	echo "Written by \`make bench\` (bench/run.sh); every number below was measured"
	echo "on this machine in this run."
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- kernel: $(uname -sr)"
	echo "- CPU: $cpu, $(nproc) CPUs; memory $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "- cgroups: $(if grep -q ' - cgroup ' /proc/self/mountinfo; then
		grep -q ' - cgroup2 ' /proc/self/mountinfo && echo hybrid || echo v1
	else echo v2; fi)"
	echo "- peers: $(crun --version 2>/dev/null | head -1), $(runc --version 2>/dev/null | head -1),"
	echo "  $(bwrap --version 2>/dev/null), $(unshare --version 2>/dev/null), $(hyperfine --version)"
	echo "- load average (1, 5, 15 min): $load_before before the run, $(cut -d' ' -f1-3 /proc/loadavg) after"
	echo
	echo "## Targets (issues 8, 13, 14, 15, 16, 17)"
	echo
	echo "Ratio = boxutils / peer, from one hyperfine run holding both; the target"
	echo "is judged on the mean, as issue 8 states it.  The median and minimum"
	echo "ratios are shown too: on a busy machine (see the load average above) a"
	echo "chain of several short processes waits for a CPU at every step, and the"
	echo "minimum is the cost when nothing else wanted one.  The rows \"idle"
	echo "before each run\" sleep 30 ms before every timed run, as between"
	echo "container starts in real use: back to back, each move into a cgroup"
	echo "finds the kernel's threadgroup lock warm from the one before (see"
	echo "cg-exec(1))."
	echo
	echo "| target | boxutils (mean) | peer (mean) | ratio (mean) | ratio (median) | ratio (min) | target | result |"
	echo "|---|---|---|---|---|---|---|---|"
	awk -F' [|] ' '/^ratio: / {
		split($2, o, " "); split($3, p, " "); sub(/^mean /, "", $4); sub(/^median /, "", $5)
		sub(/^target /, "", $6)
		ours = $2; peer = $3
		sub(/^min /, "", $8)
		printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", substr($1, 8), ours, peer, $4, $5, $8,
			($7 == "-") ? "-" : $6, ($7 == "met") ? "met" : ($7 == "-") ? "(no target)" : "**missed**" }' \
		"$BENCH_RESULTS"/container.log "$BENCH_RESULTS"/cni.log \
		"$BENCH_RESULTS"/nslist.log "$BENCH_RESULTS"/runtime.log \
		"$BENCH_RESULTS"/runtime-podman.log 2>/dev/null
	target "ns-unshare vs unshare" '^ns-unshare' '^unshare' '<=' 1.05
	target "ns-enter vs nsenter" '^ns-enter' '^nsenter' '<=' 1.05
	# like for like: one hierarchy each where the script measured that
	first_target "cg-exec vs cgexec" '^cg-exec -g pids' '^cgexec -g pids' \
		'^cg-exec' '^cgexec' '<=' 0.5
	# bench/cgroup.sh's second run: 30 ms idle before each, the lock cold
	file='^cgroup[.]hf2$' quiet=1 target "cg-exec vs cgexec, 30 ms idle before each run" \
		'^cg-exec -g pids' '^cgexec -g pids' '<=' 0.5
	target "veth-link vs ip" '^veth-link' '^(ip|sh)' '<=' 0.5
	echo
	echo "## Every measurement"
	echo
	echo "| script | command | mean | median | min |"
	echo "|---|---|---|---|---|"
	awk -F'\t' '{ printf "| %s | `%s` | %.3f ms | %.3f ms | %.3f ms |\n", $1, $2,
		$3 * 1000, $4 * 1000, $5 * 1000 }' "$T/all.tsv"
	for name in startup footprint scale; do
		[ -s "$BENCH_RESULTS/$name.log" ] || continue
		echo
		case $name in
		startup) echo "## Start-up: musl static-pie, glibc static-pie, glibc dynamic (bench/startup.sh)" ;;
		footprint) echo "## Memory and file descriptors (bench/footprint.sh)" ;;
		scale) echo "## Scale (bench/scale.sh)" ;;
		esac
		echo
		sed -n "s/^$name: //p" "$BENCH_RESULTS/$name.log"
	done
	# bench/results/ is not committed; the plot goes beside results.md
	[ -e "$BENCH_RESULTS/scale.png" ] && printf '\n![set-up time against containers alive](scale.png)\n'
	echo
	echo "## What the scripts printed"
	echo
	for s in "${scripts[@]}"; do
		name=$(basename "$s" .sh)
		case $name in startup | footprint | scale) continue ;; esac
		lines=$(grep -E '^(ratio|net of)|[0-9]x( |$)' "$BENCH_RESULTS/$name.log" | grep -v '^ *[0-9.]* ± ')
		[ -n "$lines" ] || continue
		echo "### $s"
		echo
		echo '```'
		echo "$lines"
		echo '```'
		echo
	done
	echo "## Runs"
	echo
	printf -- '- %s\n' "${status[@]}"
	echo
	echo "How to reproduce: \`sudo make bench\` (logs and hyperfine exports in"
	echo "bench/results/); one script alone: \`sudo BOX_BIN=\$PWD/build/bin bench/run.sh bench/container.sh\`."
} >"$T/results.md"
if [ $# -gt 0 ]; then
	cp "$T/results.md" "$BENCH_RESULTS/results-partial.md"
	echo "bench: wrote bench/results/results-partial.md (a subset; bench/results.md is kept)"
else
	cp "$T/results.md" "$BENCH_ROOT/bench/results.md"
	[ -e "$BENCH_RESULTS/scale.png" ] && cp "$BENCH_RESULTS/scale.png" "$BENCH_ROOT/bench/scale.png"
	echo "bench: wrote bench/results.md"
fi
