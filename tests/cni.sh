#!/bin/bash
# tests/cni.sh - veth-link as a CNI plugin, driven by the protocol
# (tests/lib-cni.sh: CNI_* variables, configuration on stdin, JSON out)
# with Debian's host-local IPAM and portmap plugins.  Like
# tests/veth-link.sh the suite re-runs itself under
# `unshare --net --mount`, with its own tmpfs on /run and /var/lib/cni:
# the bridge, the containers' namespaces and host-local's reservations
# are this suite's alone, and no packet can leave.

if [ -z "$CNI_SUITE_INNER" ] && [ "$(id -u)" = 0 ] &&
	unshare --net --mount true 2>/dev/null; then
	CNI_SUITE_INNER=1 exec unshare --net --mount --propagation private \
		bash "$0" "$@"
fi

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/lib-cni.sh
. "$BOX_TESTS/lib-cni.sh"

NET=testnet
IPAMDIR=/var/lib/cni/networks/$NET
pids=()

in_sandbox() {
	[ -n "$CNI_SUITE_INNER" ] && [ -d /run/netns ] && return 0
	skip_test "needs root and unshare --net --mount (a private network namespace)"
	return 1
}

need_ref_plugins() {
	[ -x "$CNI_REF_DIR/host-local" ] && [ -x "$CNI_REF_DIR/portmap" ] &&
		return 0
	skip_test "needs Debian's containernetworking-plugins in $CNI_REF_DIR"
	return 1
}

suite_setup() {
	[ -n "$CNI_SUITE_INNER" ] || return 0
	mount -t tmpfs -o mode=755 cni-test /run && mkdir /run/netns &&
		mkdir -p /var/lib/cni &&
		mount -t tmpfs -o mode=755 cni-test /var/lib/cni &&
		cni_plugin_dir "$BOX_TMP/cni" && ip link set lo up
}

setUp() {
	[ -n "$CNI_SUITE_INNER" ] || return 0
	ip netns add c1 && ip netns add c2
}

tearDown() {
	local l n p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pids=()
	[ -n "$CNI_SUITE_INNER" ] || return 0
	for l in $(ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		[ "$l" = lo ] || ip link del "$l" 2>/dev/null
	done
	for n in /run/netns/*; do
		[ -e "$n" ] && ip netns del "$(basename "$n")"
	done
	rm -rf /var/lib/cni/networks
	nft delete table inet boxutils 2>/dev/null
	return 0
}

# conf [VERSION [JQ-EDIT]]: the network configuration of the tests
conf() {
	jq -c "${2:-.}" <<EOF
{"cniVersion": "${1:-1.0.0}", "name": "$NET", "type": "boxutils-veth",
 "bridge": "cni-br0", "isGateway": true, "hairpinMode": true,
 "ipam": {"type": "host-local", "subnet": "10.88.7.0/24",
          "routes": [{"dst": "0.0.0.0/0"}]}}
EOF
}

# the files host-local keeps per reserved address
reservations() {
	find "$IPAMDIR" -maxdepth 1 -name '[0-9]*' 2>/dev/null | grep -c .
}

assert_cni_error() { # MSG CODE: the last call failed with the spec's CODE
	assertNotEquals "$1: non-zero exit" 0 "$rc"
	assertEquals "$1: error code (out: $out)" "$2" \
		"$(cni_field "$out" .code 2>/dev/null)"
	assertNotEquals "$1: a message" "" \
		"$(cni_field "$out" '.msg // empty' 2>/dev/null)"
}

# --- ADD ------------------------------------------------------------------

test_add_makes_pair_bridge_addresses_and_routes() {
	in_sandbox && need_ref_plugins || return 0
	cni_call ADD "$(conf)"
	assertEquals "ADD status (out: $out, err: $err)" 0 "$rc"
	assertEquals "result version" 1.0.0 "$(cni_field "$out" .cniVersion)"
	assertEquals "three interfaces: bridge, host end, container end" \
		"cni-br0 eth0" \
		"$(cni_field "$out" '.interfaces[0].name, .interfaces[2].name' | xargs)"
	assertEquals "the container end is in the sandbox" /run/netns/c1 \
		"$(cni_field "$out" .interfaces[2].sandbox)"
	assertEquals "address from host-local" 10.88.7.2/24 \
		"$(cni_field "$out" .ips[0].address)"
	assertEquals "it points at the container end" 2 \
		"$(cni_field "$out" .ips[0].interface)"
	assertEquals "gateway" 10.88.7.1 "$(cni_field "$out" .ips[0].gateway)"

	local mac hostif
	mac=$(cni_field "$out" .interfaces[2].mac)
	hostif=$(cni_field "$out" .interfaces[1].name)
	assertContains "the kernel has the address in c1" \
		"$(ip -n c1 -o addr show dev eth0)" " 10.88.7.2/24 "
	assertContains "the result's MAC is eth0's" \
		"$(ip -n c1 -o link show dev eth0)" "$mac"
	assertContains "default route via the gateway" \
		"$(ip -n c1 route show default)" "via 10.88.7.1 dev eth0"
	assertContains "gateway on the bridge" \
		"$(ip -o addr show dev cni-br0)" " 10.88.7.1/24 "
	assertContains "host end is a port of the bridge" \
		"$(ip -o link show dev "$hostif")" "master cni-br0"
	assertContains "hairpin mode on the port" \
		"$(bridge -d link show dev "$hostif")" "hairpin on"
	assertEquals "forwarding on" 1 "$(cat /proc/sys/net/ipv4/ip_forward)"
	ip netns exec c1 ping -c1 -W2 10.88.7.1 >/dev/null ||
		fail "container cannot reach its gateway"
}

test_two_containers_on_one_bridge_reach_each_other() {
	in_sandbox && need_ref_plugins || return 0
	cni_call ADD "$(conf)" ctr1 /run/netns/c1
	assertEquals "ADD 1 (out: $out)" 0 "$rc"
	cni_call ADD "$(conf)" ctr2 /run/netns/c2
	assertEquals "ADD 2 (out: $out)" 0 "$rc"
	assertEquals "second address" 10.88.7.3/24 "$(cni_field "$out" .ips[0].address)"
	ip netns exec c1 ping -c1 -W2 10.88.7.3 >/dev/null ||
		fail "c1 cannot reach c2"
}

test_result_of_0_4_0_names_the_ip_version() {
	in_sandbox && need_ref_plugins || return 0
	cni_call ADD "$(conf 0.4.0)"
	assertEquals "ADD status (out: $out)" 0 "$rc"
	assertEquals "0.4.0 result" "0.4.0 4" \
		"$(cni_field "$out" '.cniVersion, .ips[0].version' | xargs)"
}

test_add_twice_is_an_error_and_keeps_the_first() {
	in_sandbox && need_ref_plugins || return 0
	cni_call ADD "$(conf)"
	cni_call ADD "$(conf)" ctr1b
	assert_cni_error "second ADD of eth0" 102
	assertContains "first address stays" \
		"$(ip -n c1 -o addr show dev eth0)" " 10.88.7.2/24 "
	assertEquals "the failed ADD released its address" 1 "$(reservations)"
}

test_add_failing_in_the_kernel_leaves_nothing() {
	in_sandbox && need_ref_plugins || return 0
	local before
	before=$(ip -o link show | awk '{ print $2 }')
	# a route via a gateway that is on no link: the kernel refuses it
	cni_call ADD "$(conf 1.0.0 '.ipam.routes = [{"dst": "10.99.0.0/16", "gw": "192.0.2.1"}]')"
	assert_cni_error "unreachable gateway" 100
	assertContains "the kernel's own words in details" \
		"$(cni_field "$out" .details)" "ateway"
	assertEquals "no veth left" "" "$(ip -o link show type veth)"
	assertEquals "no link left in c1" "lo" \
		"$(ip -n c1 -o link show | awk -F': ' '{ print $2 }')"
	assertEquals "no bridge left (this run made it)" \
		"$before" "$(ip -o link show | awk '{ print $2 }')"
	assertEquals "the address was released" 0 "$(reservations)"
}

test_add_into_a_missing_netns_is_error_3() {
	in_sandbox && need_ref_plugins || return 0
	cni_call ADD "$(conf)" ctr1 /run/netns/nonesuch
	assert_cni_error "missing netns" 3
	assertEquals "nothing reserved" 0 "$(reservations)"
}

test_add_without_ipam_uses_prev_result_addresses() {
	in_sandbox || return 0
	local prev='{"cniVersion":"1.0.0","ips":[{"address":"10.66.0.5/24","gateway":"10.66.0.1"}],"routes":[{"dst":"0.0.0.0/0"}]}'
	cni_call ADD "$(cni_with_prev "$(conf 1.0.0 'del(.ipam)')" "$prev")"
	assertEquals "ADD status (out: $out)" 0 "$rc"
	assertContains "prevResult's address on eth0" \
		"$(ip -n c1 -o addr show dev eth0)" " 10.66.0.5/24 "
	assertEquals "and pointed at it" 2 "$(cni_field "$out" .ips[0].interface)"
}

# --- DEL ------------------------------------------------------------------

test_del_removes_everything_and_twice_is_fine() {
	in_sandbox && need_ref_plugins || return 0
	cni_call ADD "$(conf)"
	local result=$out hostif
	hostif=$(cni_field "$out" .interfaces[1].name)
	assertEquals "one reservation" 1 "$(reservations)"
	cni_call DEL "$(cni_with_prev "$(conf)" "$result")"
	assertEquals "DEL status (out: $out)" 0 "$rc"
	assertEquals "DEL prints nothing" "" "$out"
	assertEquals "eth0 gone from c1" "lo" \
		"$(ip -n c1 -o link show | awk -F': ' '{ print $2 }')"
	assertFalse "host end gone" "ip link show dev $hostif"
	assertEquals "address released" 0 "$(reservations)"
	cni_call DEL "$(conf)"
	assertEquals "second DEL succeeds (out: $out)" 0 "$rc"
}

test_del_of_a_netns_that_is_gone_succeeds_and_releases() {
	in_sandbox && need_ref_plugins || return 0
	cni_call ADD "$(conf)"
	ip netns del c1
	cni_call DEL "$(conf)"
	assertEquals "DEL status (out: $out)" 0 "$rc"
	assertEquals "address released" 0 "$(reservations)"
	assertEquals "the host end went with the netns" "" \
		"$(ip -o link show type veth)"
	cni_call DEL "$(conf)" ctr1 ""
	assertEquals "DEL without CNI_NETNS (out: $out)" 0 "$rc"
}

# --- CHECK ----------------------------------------------------------------

test_check_passes_then_fails_once_the_route_is_gone() {
	in_sandbox && need_ref_plugins || return 0
	cni_call ADD "$(conf)"
	local withprev
	withprev=$(cni_with_prev "$(conf)" "$out")
	cni_call CHECK "$withprev"
	assertEquals "CHECK of a fresh ADD (out: $out, err: $err)" 0 "$rc"
	ip -n c1 route del default
	cni_call CHECK "$withprev"
	assert_cni_error "CHECK without the default route" 101
	assertContains "says which route" "$(cni_field "$out" .msg)" 0.0.0.0/0
}

test_check_fails_once_the_address_is_gone() {
	in_sandbox && need_ref_plugins || return 0
	cni_call ADD "$(conf)"
	local withprev
	withprev=$(cni_with_prev "$(conf)" "$out")
	ip -n c1 addr del 10.88.7.2/24 dev eth0
	cni_call CHECK "$withprev"
	assert_cni_error "CHECK without the address" 101
}

test_check_without_prev_result_is_a_config_error() {
	in_sandbox && need_ref_plugins || return 0
	cni_call ADD "$(conf)"
	cni_call CHECK "$(conf)"
	assert_cni_error "CHECK without prevResult" 7
}

# --- VERSION, GC, STATUS ------------------------------------------------------

test_version_lists_the_spec_versions() {
	in_sandbox || return 0
	cni_call VERSION '{"cniVersion":"1.0.0"}'
	assertEquals "VERSION status" 0 "$rc"
	assertEquals "versions" "0.4.0 1.0.0 1.1.0" \
		"$(cni_field "$out" '.supportedVersions[]' | xargs)"
	assertEquals "answered in the version asked" 1.0.0 \
		"$(cni_field "$out" .cniVersion)"
	cni_call VERSION ""
	assertEquals "VERSION with no stdin" 0 "$rc"
}

test_status_is_ready_with_ipam_and_50_without() {
	in_sandbox && need_ref_plugins || return 0
	cni_call STATUS "$(conf 1.1.0)"
	assertEquals "STATUS with host-local there (out: $out)" 0 "$rc"
	cni_call STATUS "$(conf 1.1.0 '.ipam.type = "no-such-ipam"')"
	assert_cni_error "STATUS without its IPAM plugin" 50
}

test_gc_and_status_need_1_1_0() {
	in_sandbox && need_ref_plugins || return 0
	cni_call GC "$(conf 1.0.0)"
	assert_cni_error "GC in a 1.0.0 configuration" 1
	cni_call STATUS "$(conf 1.0.0)"
	assert_cni_error "STATUS in a 1.0.0 configuration" 1
}

# --- bad input --------------------------------------------------------------

test_bad_configurations_get_the_spec_codes() {
	in_sandbox && need_ref_plugins || return 0
	local c
	cni_call ADD '{"cniVersion": "1.0.0", "name": '
	assert_cni_error "truncated JSON" 6
	cni_call ADD '[1, 2]'
	assert_cni_error "not an object" 6
	cni_call ADD "$(conf 9.9.9)"
	assert_cni_error "unknown cniVersion" 1
	cni_call ADD "$(conf 1.0.0 'del(.name)')"
	assert_cni_error "no name" 7
	cni_call ADD "$(conf 1.0.0 'del(.cniVersion)')"
	assert_cni_error "no cniVersion" 7
	cni_call ADD "$(conf 1.0.0 '.isGateway = "yes"')"
	assert_cni_error "isGateway a string" 7
	cni_call ADD "$(conf 1.0.0 '.mtu = 10')"
	assert_cni_error "mtu out of range" 7
	cni_call ADD "$(conf 1.0.0 '.bridge = "a/b"')"
	assert_cni_error "bad bridge name" 7
	cni_call ADD "$(conf 1.0.0 '.ipam.type = "../x"')"
	assert_cni_error "ipam type with a slash" 7
	cni_call ADD "$(conf 1.0.0 '.ipam = "host-local"')"
	assert_cni_error "ipam not an object" 7
	cni_call ADD "$(conf 1.0.0 '.name = "bad name"')"
	assert_cni_error "bad network name" 7
	c=$(conf 1.0.0 '. + {capabilities: {portMappings: true}, runtimeConfig: {portMappings: [{hostPort: 0, containerPort: 80}]}}')
	cni_call ADD "$c"
	assert_cni_error "hostPort 0" 7
	cni_call ADD '{"cniVersion":"1.0.0","cniVersion":"1.1.0","name":"n","type":"boxutils-veth"}'
	assert_cni_error "a key twice" 6
	cni_call ADD "$(conf)" "ctr/1"
	assert_cni_error "bad CNI_CONTAINERID" 4
	cni_call ADD "$(conf)" ctr1 /run/netns/c1 "eth0/x"
	assert_cni_error "bad CNI_IFNAME" 4
	cni_call FROB "$(conf)"
	assert_cni_error "unknown command" 4
	assertEquals "nothing made by any of them" "" "$(ip -o link show type veth)"
	assertEquals "nothing in c1" "lo" \
		"$(ip -n c1 -o link show | awk -F': ' '{ print $2 }')"
	assertEquals "nothing reserved" 0 "$(reservations)"
}

# --- published ports ----------------------------------------------------------

need_nft() {
	need_cmd nft busybox || return 1
	nft add table ip probe 2>/dev/null && nft delete table ip probe &&
		return 0
	skip_test "nft cannot make a table in this network namespace"
	return 1
}

# http_get ADDR PORT [NETNS [PATH]]: GET /PATH (busybox nc, HTTP/1.0)
http_get() {
	printf 'GET /%s HTTP/1.0\r\n\r\n' "${4:-}" |
		${3:+ip netns exec "$3"} busybox nc -w 2 "$1" "$2" 2>/dev/null
}

start_httpd() { # NETNS
	mkdir -p "$BOX_TMP/www"
	echo "hello from $1" >"$BOX_TMP/www/index.html"
	# in the foreground (-f) of a process of ours, killed by tearDown
	ip netns exec "$1" busybox httpd -f -p 80 -h "$BOX_TMP/www" &
	pids+=($!)
	wait_for "http_get 127.0.0.1 80 $1 | grep -q hello" ||
		fail "httpd in $1 does not answer"
}

ports_conf() { # HOSTPORT CTRPORT
	conf 1.1.0 ". + {capabilities: {portMappings: true}, ipMasq: true,
		runtimeConfig: {portMappings: [{hostPort: $1, containerPort: $2, protocol: \"tcp\"}]}}"
}

test_port_mappings_are_published_and_removed_by_del() {
	in_sandbox && need_ref_plugins && need_nft || return 0
	cni_call ADD "$(ports_conf 8080 80)"
	assertEquals "ADD with portMappings (out: $out)" 0 "$rc"
	local result=$out
	ip netns exec c1 ip link set lo up
	start_httpd c1
	assertContains "reached through 127.0.0.1:8080" \
		"$(http_get 127.0.0.1 8080)" "hello from c1"
	cni_call ADD "$(conf)" ctr2 /run/netns/c2
	assertContains "reached from a second container through the gateway" \
		"$(http_get 10.88.7.1 8080 c2)" "hello from c1"
	assertContains "the container reaches itself (hairpin)" \
		"$(http_get 10.88.7.1 8080 c1)" "hello from c1"
	assertContains "one chain of its own, DNAT to the container" \
		"$(nft list table inet boxutils)" "dnat ip to 10.88.7.2:80"
	cni_call CHECK "$(cni_with_prev "$(ports_conf 8080 80)" "$result")"
	assertEquals "CHECK with the chain there (out: $out)" 0 "$rc"
	local chain
	chain=$(nft list table inet boxutils | awk '/chain cni-.*-post/ { sub(/-post/, "", $2); print $2 }')
	nft delete chain inet boxutils "$chain-pre"
	nft delete chain inet boxutils "$chain-out"
	nft delete chain inet boxutils "$chain-post"
	nft delete chain inet boxutils "$chain"
	cni_call CHECK "$(cni_with_prev "$(ports_conf 8080 80)" "$result")"
	assert_cni_error "CHECK without the chain" 101
	cni_call DEL "$(cni_with_prev "$(ports_conf 8080 80)" "$result")"
	assertEquals "DEL (out: $out)" 0 "$rc"
	assertEquals "no chain left" "" \
		"$(nft list table inet boxutils 2>/dev/null | grep chain)"
	cni_call DEL "$(ports_conf 8080 80)"
	assertEquals "second DEL (out: $out)" 0 "$rc"
}

test_ports_are_ignored_without_the_capability() {
	in_sandbox && need_ref_plugins && need_nft || return 0
	cni_call ADD "$(conf 1.1.0 '. + {runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80}]}}')"
	assertEquals "ADD (out: $out)" 0 "$rc"
	assertEquals "no chain" "" \
		"$(nft list table inet boxutils 2>/dev/null | grep chain)"
}

test_gc_removes_the_chains_of_attachments_not_listed() {
	in_sandbox && need_ref_plugins && need_nft || return 0
	cni_call ADD "$(ports_conf 8080 80)" ctr1 /run/netns/c1
	cni_call ADD "$(ports_conf 8081 80)" ctr2 /run/netns/c2
	assertEquals "two containers' chains" 8 \
		"$(nft list table inet boxutils | grep -c chain)"
	cni_call GC "$(ports_conf 8080 80 | jq -c '. + {"cni.dev/valid-attachments": [{containerID: "ctr1", ifname: "eth0"}]}')"
	assertEquals "GC (out: $out)" 0 "$rc"
	local rules
	rules=$(nft list table inet boxutils)
	assertContains "ctr1 stays" "$rules" "dport 8080 dnat"
	assertNotContains "ctr2 went" "$rules" "dport 8081 dnat"
	# a chain of another network is not this GC's to remove
	ip netns add c3
	cni_call ADD "$(ports_conf 9090 80 | jq -c '.name = "othernet" | .bridge = "cni-br1" | .ipam.subnet = "10.88.9.0/24"')" ctr3 /run/netns/c3
	assertEquals "ADD in othernet (out: $out)" 0 "$rc"
	cni_call GC "$(ports_conf 8080 80 | jq -c '. + {"cni.dev/valid-attachments": []}')"
	rules=$(nft list table inet boxutils)
	assertNotContains "ctr1 went" "$rules" "dport 8080 dnat"
	assertContains "othernet's stays" "$rules" "dport 9090 dnat"
}

test_chained_with_the_portmap_plugin() {
	in_sandbox && need_ref_plugins && need_nft || return 0
	need_cmd iptables || return 0
	local pm='{"type": "portmap", "capabilities": {"portMappings": true}, "runtimeConfig": {"portMappings": [{"hostPort": 8088, "containerPort": 80, "protocol": "tcp"}]}}'
	cni_call ADD "$(conf)"
	assertEquals "ADD (out: $out)" 0 "$rc"
	local pmconf
	pmconf=$(jq -c --argjson p "$pm" '. + $p | del(.ipam, .bridge, .isGateway, .hairpinMode)' <<<"$(conf)")
	pmconf=$(cni_with_prev "$pmconf" "$out")
	cni_call ADD "$pmconf"
	assertEquals "portmap ADD after ours (out: $out, err: $err)" 0 "$rc"
	assertEquals "portmap passes our result on" 10.88.7.2/24 \
		"$(cni_field "$out" .ips[0].address)"
	ip netns exec c1 ip link set lo up
	start_httpd c1
	assertContains "reached from a second container via portmap's DNAT" \
		"$(cni_call ADD "$(conf)" ctr2 /run/netns/c2; http_get 10.88.7.1 8088 c2)" \
		"hello from c1"
	# (portmap 1.1.1's own CHECK fails on a host without its IPv6
	# chains, whoever made the interface: not called here)
	cni_call DEL "$pmconf"
	assertEquals "portmap DEL (out: $out)" 0 "$rc"
	cni_call DEL "$(conf)"
	assertEquals "our DEL (out: $out)" 0 "$rc"
}

test_dual_stack_addresses_routes_and_an_ipv6_published_port() {
	in_sandbox && need_ref_plugins && need_nft || return 0
	local c
	c=$(conf 1.0.0 '.ipam = {type: "host-local",
		ranges: [[{subnet: "10.88.6.0/24"}], [{subnet: "fd00:88:6::/64"}]],
		routes: [{dst: "0.0.0.0/0"}, {dst: "::/0"}]}
		| . + {capabilities: {portMappings: true},
		       runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80}]}}')
	cni_call ADD "$c"
	assertEquals "ADD (out: $out)" 0 "$rc"
	assertEquals "both families, on the container end" \
		"10.88.6.2/24 2 fd00:88:6::2/64 2" \
		"$(cni_field "$out" '.ips[] | .address, .interface' | xargs)"
	assertContains "IPv6 default route" "$(ip -n c1 -6 route show default)" \
		"via fd00:88:6::1 dev eth0"
	assertContains "IPv6 gateway on the bridge, usable at once" \
		"$(ip -6 -o addr show dev cni-br0)" "fd00:88:6::1/64"
	ip netns exec c1 ip link set lo up
	start_httpd c1
	assertContains "the port published over IPv6 too" \
		"$(http_get fd00:88:6::1 8080)" "hello from c1"
	cni_call DEL "$c"
	assertEquals "DEL (out: $out)" 0 "$rc"
	assertEquals "no chain left" "" \
		"$(nft list table inet boxutils 2>/dev/null | grep chain)"
}

# --- Podman with its CNI backend ------------------------------------------------

# podman with state below $BOX_TMP, its CNI configurations in
# $BOX_TMP/net.d and plugins in $BOX_TMP/cni (veth-link as boxutils-veth)
# and Debian's; runc, as crun refuses hybrid cgroup hosts.
pm() {
	CONTAINERS_CONF=$BOX_TMP/containers.conf TMPDIR=$BOX_TMP/pmtmp \
		podman --root "$BOX_TMP/pmroot" --runroot "$BOX_TMP/pmrun" \
		--cgroup-manager cgroupfs --events-backend file "$@"
}

need_podman() {
	need_cmd podman runc busybox || return 1
	[ -f "$BOX_TMP/containers.conf" ] && return 0
	mkdir -p "$BOX_TMP/net.d" "$BOX_TMP/pmtmp" "$BOX_TMP/pmroot" \
		"$BOX_TMP/pmrun" "$BOX_TMP/etc-containers"
	# whatever podman writes below /etc/containers and /etc/cni goes to a
	# copy of them, private to this suite's mount namespace
	cp -a /etc/containers/. "$BOX_TMP/etc-containers/" 2>/dev/null
	mkdir -p "$BOX_TMP/etc-cni" && cp -a /etc/cni/. "$BOX_TMP/etc-cni/" 2>/dev/null
	mount --bind "$BOX_TMP/etc-cni" /etc/cni &&
		mount --bind "$BOX_TMP/etc-containers" /etc/containers || {
		skip_test "cannot give podman a private /etc/containers"
		return 1
	}
	cat >"$BOX_TMP/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[network]
network_backend = "cni"
cni_plugin_dirs = ["$BOX_TMP/cni", "$CNI_REF_DIR"]
network_config_dir = "$BOX_TMP/net.d"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF
	make_busybox_rootfs "$BOX_TMP/rootfs" &&
		tar -C "$BOX_TMP/rootfs" -cf "$BOX_TMP/bb.tar" . &&
		pm import "$BOX_TMP/bb.tar" localhost/bb >/dev/null 2>&1 && return 0
	skip_test "podman cannot import a busybox image here"
	rm -f "$BOX_TMP/containers.conf"
	return 1
}

# box_conflist [ports] [PLUGIN-JSON]: a conflist named box, veth-link with
# host-local (and the portMappings capability), then PLUGIN-JSON
box_conflist() {
	local caps=
	[ -n "$1" ] && caps='"capabilities": { "portMappings": true },'
	cat >"$BOX_TMP/net.d/box.conflist" <<EOF
{ "cniVersion": "1.0.0", "name": "box",
  "plugins": [ { "type": "boxutils-veth", "bridge": "box0",
    "isGateway": true, "ipMasq": true, "hairpinMode": true, $caps
    "ipam": { "type": "host-local", "subnet": "10.89.0.0/24",
              "routes": [ { "dst": "0.0.0.0/0" } ] } }
    ${2:+, $2} ] }
EOF
	jq . "$BOX_TMP/net.d/box.conflist" >/dev/null || fail "bad conflist"
}

podman_teardown() {
	pm rm -af -t 0 >/dev/null 2>&1
	rm -f "$BOX_TMP/net.d/"*.conflist
}

# podman run -d -p 8080:80 a busybox httpd; reached through 127.0.0.1
# and from a second container; podman rm leaves nothing
podman_publish_and_remove() {
	local out2
	run pm run -d --name web --network box -p 8080:80 localhost/bb \
		httpd -f -p 80 -h /etc
	assertEquals "podman run -d -p 8080:80 (stderr: $err)" 0 "$rc"
	wait_for 'http_get 127.0.0.1 8080 "" passwd | grep -q "^root:"' ||
		fail "httpd not reached through 127.0.0.1:8080"
	out2=$(pm run --rm --network box localhost/bb sh -c \
		'printf "GET /group HTTP/1.0\r\n\r\n" | nc -w 2 10.89.0.1 8080')
	assertContains "a second container reaches it through the host" \
		"$out2" "nogroup:"
	run pm rm -f -t 0 web
	assertEquals "podman rm (stderr: $err)" 0 "$rc"
	assertEquals "no veth left" "" "$(ip -o link show type veth)"
	assertEquals "no address reserved" "" \
		"$(find /var/lib/cni/networks/box -maxdepth 1 -name '[0-9]*')"
	assertEquals "no DNAT rule left" "" \
		"$(nft list ruleset 2>/dev/null | grep -e dnat -e 'dport 8080')"
}

test_podman_publishes_through_the_plugin_and_rm_leaves_nothing() {
	in_sandbox && need_ref_plugins && need_nft && need_podman || return 0
	box_conflist ports
	podman_publish_and_remove
	assertEquals "no chain of ours left" "" \
		"$(nft list table inet boxutils 2>/dev/null | grep chain)"
	podman_teardown
}

test_podman_with_the_plugin_and_portmap() {
	in_sandbox && need_ref_plugins && need_nft && need_podman || return 0
	box_conflist "" '{ "type": "portmap", "capabilities": { "portMappings": true } }'
	podman_publish_and_remove
	podman_teardown
}

box_run_suite
