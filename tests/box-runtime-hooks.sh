#!/bin/bash
# tests/box-runtime-hooks.sh - box-runtime's OCI hooks (prestart,
# createRuntime, createContainer, startContainer, poststart, poststop):
# real bundles whose hooks record what they got and where they ran (the
# state on stdin, their namespaces, root, cwd, args, env) into files,
# asserting the order, the namespaces each ran in (the runtime's or the
# container's), the status and PID in their state, and what a failing,
# hanging or missing hook does to create, start and delete.  Each
# container's cgroup lies below the suite's test cgroup, its state below
# $BOX_TMP.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cgroup.sh
. "$(dirname "$0")/lib-cgroup.sh"
# shellcheck source=tests/lib-runtime.sh
. "$(dirname "$0")/lib-runtime.sh"

# the recording hook: in the image, so that startContainer (resolved in
# the container) finds it at /rec.sh and the runtime's hooks at $REC
REC=$ROOTFS/rec.sh

suite_setup() {
	rt_suite_setup || return 1
	command -v jq >/dev/null && command -v busybox >/dev/null || return 0
	# rec.sh NAME DIR [ARGS...]: NAME's record in DIR/NAME, its stdin in
	# DIR/NAME.state, NAME appended to DIR/order
	cat >"$REC" <<'EOF'
#!/bin/sh
n=$1 d=$2
cat >"$d/$n.state"
pid=$(sed 's/.*"pid":\([0-9]*\).*/\1/' "$d/$n.state")
{
	echo "args=$*"
	echo "var=${HOOKVAR-unset} leak=${BOXTEST_LEAK-unset}"
	for ns in mnt pid net uts ipc; do
		echo "$ns=$(readlink /proc/self/ns/$ns)"
	done
	[ -e /.box-image ] && echo root=container || echo root=host
	echo "cwd=$(pwd)"
	echo "comm=$(cat /proc/"$pid"/comm 2>/dev/null)"
	echo "pstate=$(sed 's/.*) //' /proc/"$pid"/stat 2>/dev/null | cut -c1)"
} >"$d/$n"
echo "$n" >>"$d/order"
EOF
	chmod 755 "$REC"
	: >"$ROOTFS/.box-image"
}

# bundle NAME [JQ-FILTER]: a bundle in $BOX_TMP/NAME whose rootfs is the
# busybox image, cgroup $CG_T/NAME, a record directory $B/rec (at /rec
# in the container), edited by the filter; sets $B and $R.
bundle() {
	B=$BOX_TMP/$1
	R=$B/rec
	rm -rf "$B"
	mkdir -p "$R"
	ln -s "$ROOTFS" "$B/rootfs"
	br spec --bundle "$B" || return 1
	jq --arg cg "$CG_T/$1" --arg rec "$REC" --arg r "$R" "
		def hook(n): {path: \$rec, args: [\"rec.sh\", n, \$r], env: [\"PATH=/usr/bin:/bin\", \"HOOKVAR=\" + n]};
		.linux.cgroupsPath = \$cg
		| .mounts += [{destination: \"/rec\", type: \"bind\", source: \"rec\", options: [\"rbind\"]}]
		| ${2:-.}" "$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"
}

# field NAME KEY: KEY=... of hook NAME's record
field() {
	sed -n "s/^$2=//p" "$R/$1"
}

# state NAME JQ: from the state hook NAME got
state() {
	jq -r "$2" "$R/$1.state"
}

nothing_left() {
	local d
	assertFalse "no state for $1" "[ -e '$STATE/$1' ]"
	for d in $(cg_all_dirs "$1"); do
		assertFalse "no cgroup $d" "[ -d '$d' ]"
	done
}

test_every_hook_runs_in_order_where_the_spec_says() {
	need_chain || return 0
	local pid ns h
	bundle all '.process.args = ["sleep", "60"] | .process.cwd = "/tmp"
		| .annotations = {"org.test": "yes"}
		| .hooks = {prestart: [hook("prestart")],
		            createRuntime: [hook("createRuntime")],
		            createContainer: [hook("createContainer")],
		            startContainer: [hook("startContainer") | .path = "/rec.sh" | .args[2] = "/rec"],
		            poststart: [hook("poststart")],
		            poststop: [hook("poststop")]}'
	export BOXTEST_LEAK=1
	run br create --bundle "$B" --pid-file "$BOX_TMP/all.pid" all
	unset BOXTEST_LEAK
	assertEquals "create: $err" 0 "$rc"
	pid=$(cat "$BOX_TMP/all.pid")
	assertEquals "create ran these, in order" \
		"$(printf 'prestart\ncreateRuntime\ncreateContainer')" "$(cat "$R/order")"
	for h in prestart createRuntime createContainer; do
		assertEquals "$h: status" creating "$(state $h .status)"
		assertEquals "$h: pid is the pid-file's" "$pid" "$(state $h .pid)"
		assertEquals "$h: id, bundle, annotations" "all $B yes" \
			"$(state $h '"\(.id) \(.bundle) \(.annotations["org.test"])"')"
		assertEquals "$h: ociVersion" "$(jq -r .ociVersion "$B/config.json")" "$(state $h .ociVersion)"
		assertEquals "$h: args" "$h $R" "$(field $h args)"
		assertEquals "$h: its env only" "var=$h leak=unset" "$(grep ^var= "$R/$h")"
		assertEquals "$h: before pivot_root" host "$(field $h root)"
	done
	# prestart and createRuntime in the runtime's namespaces, after the
	# container's exist; createContainer in the container's
	for h in prestart createRuntime; do
		for ns in mnt pid net uts ipc; do
			assertEquals "$h in the runtime's $ns namespace" \
				"$(readlink /proc/self/ns/$ns)" "$(field $h $ns)"
		done
	done
	for ns in mnt pid net uts ipc; do
		assertEquals "createContainer in the container's $ns namespace" \
			"$(readlink "/proc/$pid/ns/$ns")" "$(field createContainer $ns)"
	done
	assertEquals "the first process waits in init" box-runtime "$(cat "/proc/$pid/comm")"

	run br start all
	assertEquals "start: $err" 0 "$rc"
	assertEquals "start ran these, in order" \
		"$(printf 'prestart\ncreateRuntime\ncreateContainer\nstartContainer\npoststart')" \
		"$(cat "$R/order")"
	assertEquals "startContainer: status" created "$(state startContainer .status)"
	assertEquals "startContainer: pid" "$pid" "$(state startContainer .pid)"
	assertEquals "startContainer: in the container, after pivot_root" container \
		"$(field startContainer root)"
	assertEquals "startContainer: in process.cwd" /tmp "$(field startContainer cwd)"
	assertEquals "startContainer: args" "startContainer /rec" "$(field startContainer args)"
	for ns in mnt pid net uts ipc; do
		assertEquals "startContainer in the container's $ns namespace" \
			"$(readlink "/proc/$pid/ns/$ns")" "$(field startContainer $ns)"
		assertEquals "poststart in the runtime's $ns namespace" \
			"$(readlink /proc/self/ns/$ns)" "$(field poststart $ns)"
	done
	assertEquals "poststart: status" running "$(state poststart .status)"
	assertEquals "poststart: pid" "$pid" "$(state poststart .pid)"
	assertEquals "poststart: after the payload's exec" sleep "$(field poststart comm)"
	assertEquals "state: running" running "$(br state all | jq -r .status)"

	br kill all KILL
	wait_for "[ \"\$(br state all | jq -r .status)\" = stopped ]"
	assertFalse "poststop waits for delete" "[ -e '$R/poststop' ]"
	run br delete all
	assertEquals "delete: $err" 0 "$rc"
	assertEquals "poststop last" poststop "$(tail -n 1 "$R/order")"
	assertEquals "poststop: status" stopped "$(state poststop .status)"
	assertEquals "poststop: pid" "$pid" "$(state poststop .pid)"
	assertEquals "poststop: in the runtime's mnt namespace" \
		"$(readlink /proc/self/ns/mnt)" "$(field poststop mnt)"
	case $(field poststop pstate) in
	"" | Z) ;;
	*) fail "poststop: the first process still runs: $(field poststop pstate)" ;;
	esac
	nothing_left all
	run br delete --force all
	assertEquals "poststop runs once" 6 "$(wc -l <"$R/order")"
}

# What createRuntime is for: a hook in the runtime's namespaces wires
# the container's network namespace (the PID from its state) with
# veth-link, as box-runtime(1)'s example does.  The runtime runs in a
# network namespace of this test's own, where the host end lands.
test_create_runtime_hook_wires_the_network() {
	need_chain || return 0
	need_tool veth-link || return 0
	need_cmd unshare || return 0
	cat >"$BOX_TMP/net-up" <<'EOF'
#!/bin/sh
pid=$(sed 's/.*"pid":\([0-9]*\).*/\1/')
exec veth-link --netns "$pid" --addr 10.200.1.1/24 --peer-name eth0 \
	--peer-addr 10.200.1.2/24 "veth$pid"
EOF
	chmod 755 "$BOX_TMP/net-up"
	bundle net '.process.args = ["sh", "-c", "ip -4 -o addr show eth0 | cut -d\" \" -f7; ping -c 1 -W 2 10.200.1.1 | grep -o \"1 packets received\""]
		| .process.capabilities |= map_values(. + ["CAP_NET_RAW"])
		| .hooks.createRuntime = [{path: "'"$BOX_TMP"'/net-up", timeout: 5,
			env: ["PATH='"$BOX_BIN"':/usr/bin:/bin"]}]'
	run unshare --net box-runtime --root "$STATE" run --bundle "$B" net
	assertEquals "run: $err" 0 "$rc"
	assertEquals "eth0 inside, reached from the runtime's end" \
		"$(printf '10.200.1.2/24\n1 packets received')" "$out"
	nothing_left net
}

# A failing createRuntime hook: create fails, naming it, and undoes the
# container (process, cgroup, state, mounts: tearDown), then poststop.
test_failing_create_hook_leaves_nothing() {
	need_chain || return 0
	local pid h
	for h in createRuntime createContainer prestart; do
		bundle "f$h" '.process.args = ["sleep", "60"]
			| .hooks = {prestart: [hook("prestart")],
			            createRuntime: [hook("createRuntime")],
			            createContainer: [hook("createContainer")],
			            poststop: [hook("poststop")]}
			| .hooks["'$h'"] += [{path: "/bin/sh", args: ["sh", "-c", "exit 3"]},
			                     hook("after")]'
		run br create --bundle "$B" --pid-file "$BOX_TMP/f.pid" "f$h"
		assertEquals "$h fails: create fails" 125 "$rc"
		assertContains "$h: named" "$err" "$h hook /bin/sh: exited with status 3"
		assertNotContains "$h: the hooks after it did not run" "$(cat "$R/order")" after
		assertEquals "$h: poststop ran last" poststop "$(tail -n 1 "$R/order")"
		assertEquals "$h: poststop: stopped" stopped "$(state poststop .status)"
		pid=$(state prestart .pid)
		assertTrue "$h: the first process had a PID" "[ '$pid' -gt 1 ]"
		assertFalse "$h: the first process is gone" "alive $pid"
		assertFalse "$h: no pid-file" "[ -e '$BOX_TMP/f.pid' ]"
		nothing_left "f$h"
	done
}

# A hook past its timeout is killed, with what it started, and fails.
test_hanging_hook_is_killed_at_its_timeout() {
	need_chain || return 0
	local t0 t1 p
	bundle hang '.process.args = ["sleep", "60"]
		| .hooks.createRuntime = [{path: "/bin/sh", timeout: 1,
			args: ["sh", "-c", "sleep 60 & echo $! >\($r)/child; wait"]}]'
	t0=$(date +%s%N)
	run br create --bundle "$B" hang
	t1=$(date +%s%N)
	assertEquals "create fails" 125 "$rc"
	assertContains "$err" "createRuntime hook /bin/sh: timed out after 1 s (killed)"
	assertTrue "killed after 1 s: $(((t1 - t0) / 1000000)) ms" \
		"[ $(((t1 - t0) / 1000000)) -ge 1000 ] && [ $(((t1 - t0) / 1000000)) -lt 4000 ]"
	p=$(cat "$R/child")
	wait_for "! alive $p" 20
	assertFalse "what the hook started is killed too" "alive $p"
	nothing_left hang

	# a poststart hook past its timeout: a warning, start succeeds
	bundle hang2 '.process.args = ["sleep", "60"]
		| .hooks.poststart = [{path: "/bin/sleep", args: ["sleep", "60"], timeout: 1}, hook("poststart")]'
	br create --bundle "$B" hang2
	run br start hang2
	assertEquals "start: $err" 0 "$rc"
	assertContains "$err" "warning: poststart hook /bin/sleep: timed out after 1 s (killed)"
	assertEquals "the next poststart hook ran" poststart "$(cat "$R/order")"
	assertEquals "running" running "$(br state hang2 | jq -r .status)"
	br delete --force hang2
}

# kill -9 of create while a createRuntime hook runs: the hook dies with
# it, the chain's hook step sees the go-ahead pipe close and ends the
# container, and delete --force removes what is left.
test_create_killed_during_a_hook_leaves_nothing_after_delete_force() {
	need_chain || return 0
	local cpid hp pid
	bundle k9 '.process.args = ["sleep", "60"]
		| .hooks = {prestart: [hook("prestart")],
		            createRuntime: [{path: "/bin/sh", args: ["sh", "-c", "echo $$ >\($r)/hookpid; exec sleep 60"]}]}'
	box-runtime --root "$STATE" create --bundle "$B" k9 >/dev/null 2>&1 &
	cpid=$!
	wait_for "[ -s '$R/hookpid' ]"
	hp=$(cat "$R/hookpid")
	pid=$(state prestart .pid)
	assertTrue "the hook runs" "alive $hp"
	kill -9 "$cpid"
	wait "$cpid" 2>/dev/null
	wait_for "! alive $hp && ! alive $pid" 40
	assertFalse "the hook is gone with create" "alive $hp"
	assertFalse "the container's first process is gone" "alive $pid"
	run br delete --force k9
	assertEquals "delete --force: $err" 0 "$rc"
	nothing_left k9
}

test_failing_poststart_and_poststop_are_warnings() {
	need_chain || return 0
	bundle warn '.process.args = ["sleep", "60"]
		| .hooks = {poststart: [{path: "/bin/false"}, hook("poststart")],
		            poststop: [{path: "/bin/sh", args: ["sh", "-c", "kill -9 $$"]}, hook("poststop")]}'
	br create --bundle "$B" warn
	run br start warn
	assertEquals "start succeeds: $err" 0 "$rc"
	assertEquals "one warning line" "box-runtime: warning: poststart hook /bin/false: exited with status 1" "$err"
	assertEquals "the next poststart hook ran" poststart "$(cat "$R/order")"
	assertEquals "running" running "$(br state warn | jq -r .status)"
	run br delete --force warn
	assertEquals "delete succeeds: $err" 0 "$rc"
	assertEquals "one warning line" "box-runtime: warning: poststop hook /bin/sh: killed by signal 9" "$err"
	assertEquals "the next poststop hook ran" "$(printf 'poststart\npoststop')" "$(cat "$R/order")"
	nothing_left warn
}

# A failing startContainer hook: start fails, naming it, and the
# container is stopped; delete then removes it.
test_failing_start_container_hook_stops_the_container() {
	need_chain || return 0
	local pid p why
	for p in /bin/false /no/such/hook; do
		why="exited with status 1"
		[ "$p" = /bin/false ] || why="exec: No such file or directory"
		bundle sc '.process.args = ["sleep", "60"]
			| .hooks = {startContainer: [{path: "'$p'"}], poststart: [hook("poststart")]}'
		br create --bundle "$B" --pid-file "$BOX_TMP/sc.pid" sc
		pid=$(cat "$BOX_TMP/sc.pid")
		run br start sc
		assertEquals "start fails ($p)" 125 "$rc"
		assertContains "start names the hook ($p)" "$err" "start sc: startContainer hook $p: $why"
		assertFalse "the first process is gone ($p)" "alive $pid"
		assertEquals "stopped ($p)" stopped "$(br state sc | jq -r .status)"
		assertFalse "no poststart ($p)" "[ -e '$R/order' ]"
		run br delete sc
		assertEquals "delete ($p): $err" 0 "$rc"
		nothing_left sc
	done
}

# The hooks' pipe and FIFO (the go-ahead to the hook step, init's
# report to start) reach no further than init: the payload has the
# descriptors it has without hooks.
test_the_payload_gets_no_descriptor_of_the_hooks() {
	need_chain || return 0
	local plain
	bundle fdn '.process.args = ["sh", "-c", "ls /proc/self/fd | tr \"\\n\" \" \""]'
	run br run --bundle "$B" fdn
	assertEquals "run without hooks: $err" 0 "$rc"
	plain=$out
	assertEquals "without hooks: stdio and ls's own" "0 1 2 3 " "$plain"
	bundle fdh '.process.args = ["sh", "-c", "ls /proc/self/fd | tr \"\\n\" \" \""]
		| .hooks = {createContainer: [hook("createContainer")],
		            startContainer: [hook("startContainer") | .path = "/rec.sh" | .args[2] = "/rec"],
		            poststart: [hook("poststart")]}'
	run br run --bundle "$B" fdh
	assertEquals "run with hooks: $err" 0 "$rc"
	assertEquals "the same descriptors" "$plain" "$out"
	assertEquals "the hooks ran" "$(printf 'createContainer\nstartContainer\npoststart')" \
		"$(cat "$R/order")"
}

test_bad_hooks_are_refused_at_create_by_name() {
	need_chain || return 0
	local f
	while IFS='|' read -r f text; do
		bundle bad ".hooks = $f"
		assert_bad_input box-runtime --root "$STATE" create --bundle "$B" bad
		assertContains "$f" "$err" "$text"
		nothing_left bad
	done <<'EOF'
{prestart: [{path: "bin/true"}]}|hooks.prestart[0].path: 'bin/true' is not absolute
{createRuntime: [{path: "/no/such/hook"}]}|hooks.createRuntime[0].path: /no/such/hook: No such file or directory
{poststop: [hook("x"), {path: "/etc/passwd"}]}|hooks.poststop[1].path: /etc/passwd: not an executable file
{poststart: [{args: ["x"]}]}|hooks.poststart[0].path: '' is not absolute
{createContainer: [{path: "/bin/true", timeout: 0}]}|hooks.createContainer[0].timeout: not an integer from 1
{startContainer: [{path: "/bin/true", env: ["NOEQUALS"]}]}|hooks.startContainer[0].env[0]: no '='
{startContainer: [{path: "/bin/true", args: [1]}]}|hooks.startContainer[0].args[0]: not a string
{prestart: [{path: "/bin/true", when: "now"}]}|hooks.prestart[0].when: not supported
{bogus: [{path: "/bin/true"}]}|hooks.bogus: not supported
{poststop: {path: "/bin/true"}}|hooks.poststop: not an array
EOF
}

# The hook step is in the chain only when prestart, createRuntime or
# createContainer hooks are: a config without them has the same chain.
test_print_chain_shows_the_hook_step_only_when_needed() {
	need_chain || return 0
	local plain
	bundle chain
	plain=$(br create --bundle "$B" --print-chain chain)
	assertNotContains "no hooks: no step" "$plain" "box-runtime hooks"
	bundle chain '.hooks = {poststop: [hook("poststop")]}'
	assertEquals "poststop only: the same chain" "$plain" \
		"$(br create --bundle "$B" --print-chain chain)"
	bundle chain '.hooks = {createContainer: [hook("cc") | .timeout = 5], createRuntime: [hook("cr")]}'
	run br create --bundle "$B" --print-chain chain
	assertEquals "print-chain: $err" 0 "$rc"
	assertContains "the step, before pivot" "$(echo "$out" | tr -d '\\\n')" \
		"box-runtime hooks --sync-fd=4 --go-fd=7 --hook=$REC --hook-arg=rec.sh --hook-arg=cc --hook-arg=$R --hook-env=PATH=/usr/bin:/bin --hook-env=HOOKVAR=cc --hook-timeout=5   $BOX_BIN/pivot"
	assertNotContains "createRuntime is create's" "$out" "HOOKVAR=cr"
	bundle chain '.hooks = {startContainer: [{path: "/bin/true"}]}'
	run br create --bundle "$B" --print-chain chain
	assertNotContains "startContainer: no step" "$out" "box-runtime hooks"
	assertContains "startContainer: init's" "$out" "init --fifo-fd=3 --sync-fd=4 --stderr-fd=9 --started-fd=8 --hook=/bin/true"
	assertFalse "nothing created" "[ -e '$STATE/chain' ]"
}

test_features_lists_the_hooks() {
	need_tool box-runtime || return 0
	need_cmd jq || return 0
	assertEquals "features: hooks" \
		"prestart createRuntime createContainer startContainer poststart poststop" \
		"$(br features | jq -r '.hooks | join(" ")')"
}

box_run_suite
