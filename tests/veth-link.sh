#!/bin/bash
# tests/veth-link.sh - veth-link, run entirely inside network namespaces
# this suite makes.  The whole suite re-runs itself under
# `unshare --net --mount` (a private mount namespace with its own tmpfs on
# /run, so iproute2's /run/netns names are ours alone); the "host" end of
# every pair lives in that namespace or in another one made here, peers in
# further namespaces made here.  The machine's own interfaces are never
# touched and no packet can leave: no namespace here has a way out.

if [ -z "$VETH_SUITE_INNER" ] && [ "$(id -u)" = 0 ] &&
	unshare --net --mount true 2>/dev/null; then
	VETH_SUITE_INNER=1 exec unshare --net --mount --propagation private \
		bash "$0" "$@"
fi

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

pids=()

in_sandbox() {
	[ -n "$VETH_SUITE_INNER" ] && [ -d /run/netns ] && return 0
	skip_test "needs root and unshare --net --mount (a private network namespace)"
	return 1
}

suite_setup() {
	[ -n "$VETH_SUITE_INNER" ] || return 0
	# our private /run: `ip netns add` bind-mounts namespaces under it
	mount -t tmpfs -o mode=755 veth-test /run && mkdir /run/netns
}

suite_teardown() {
	umount -q "$BOX_TMP"/ns-* 2>/dev/null
	return 0
}

tearDown() {
	local p l n
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pids=()
	[ -n "$VETH_SUITE_INNER" ] || return 0
	# links here first (a deleted end takes its peer along at once),
	# then the namespaces
	for l in $(links); do
		[ "$l" = lo ] || ip link del "$l" 2>/dev/null
	done
	for n in /run/netns/*; do
		[ -e "$n" ] && ip netns del "$(basename "$n")"
	done
	umount -q "$BOX_TMP"/ns-* 2>/dev/null
	return 0
}

# link names of the current namespace, or of netns $1
links() {
	ip ${1:+-n "$1"} -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
}

# what a failed run must not change: links and addresses here and in $@
net_snapshot() {
	local n
	for n in "" "$@"; do
		echo "== ${n:-here}"
		ip ${n:+-n "$n"} -o link show
		ip ${n:+-n "$n"} -o addr show | awk '{ print $2, $3, $4 }' | sort
	done
	ls /run/netns
}

# inns NS CMD...: run CMD in the network namespace named NS
inns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" -- "$@"
}

# an `unshare --net sleep` process; its PID in $nspid
start_ns_process() {
	unshare --net sleep 60 &
	nspid=$!
	pids+=("$nspid")
	wait_for '[ "$(readlink /proc/$nspid/ns/net)" != "$(readlink /proc/self/ns/net)" ]' ||
		fail "unshare --net sleep did not get its namespace"
}

# http_get NS ADDR PORT [PATH]: GET /PATH from NS (busybox wget crashes
# when static here; nc is enough for HTTP/1.0)
http_get() {
	printf 'GET /%s HTTP/1.0\r\n\r\n' "${4:-}" |
		nsenter --net="/run/netns/$1" -- busybox nc -w 2 "$2" "$3" 2>/dev/null
}

assert_has_addr() { # MSG "ip -o addr" output, ADDR/PREFIX
	assertContains "$1" "$2" " $3 "
}

# --- the pair ----------------------------------------------------------------

test_pair_between_two_namespaces_pings_both_ways_v4_and_v6() {
	in_sandbox || return 0
	ip netns add a && ip netns add b
	run inns a veth-link --netns b --peer-name eth0 \
		--addr 10.10.0.1/24 --addr fd10::1/64 \
		--peer-addr 10.10.0.2/24 --peer-addr fd10::2/64 va
	assertEquals "veth-link status (stderr: $err)" 0 "$rc"
	assertEquals "quiet on success" "" "$err$out"

	local host peer
	host=$(ip -n a -o addr show dev va)
	peer=$(ip -n b -o addr show dev eth0)
	assert_has_addr "host end address" "$host" 10.10.0.1/24
	assert_has_addr "host end address" "$host" fd10::1/64
	assert_has_addr "peer address" "$peer" 10.10.0.2/24
	assert_has_addr "peer address" "$peer" fd10::2/64
	assertNotContains "IPv6 usable at once (no DAD)" \
		"$(echo "$peer" | grep fd10::2)" tentative
	assertEquals "the peer left a" "lo va" "$(links a | xargs)"
	assertEquals "the peer, named, in b" "lo eth0" "$(links b | xargs)"
	assertContains "lo is up inside" "$(ip -n b -o link show lo)" ",UP"
	assertContains "both ends up" "$(ip -n a -o link show va)" "state UP"
	assertContains "both ends up" "$(ip -n b -o link show eth0)" "state UP"

	inns a ping -c1 -W1 10.10.0.2 >/dev/null || fail "ping a -> b (IPv4)"
	inns b ping -c1 -W1 10.10.0.1 >/dev/null || fail "ping b -> a (IPv4)"
	inns a ping -c1 -W1 fd10::2 >/dev/null || fail "ping a -> b (IPv6)"
	inns b ping -c1 -W1 fd10::1 >/dev/null || fail "ping b -> a (IPv6)"
}

test_kernel_picks_the_peer_name_when_none_given() {
	in_sandbox || return 0
	ip netns add k
	run veth-link --netns k --peer-addr 10.17.0.2/24 vk
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "peer has its address" \
		"$(ip -n k -o addr show)" " 10.17.0.2/24 "
}

test_netns_by_pid() {
	in_sandbox || return 0
	start_ns_process
	run veth-link --netns "$nspid" --peer-name eth0 \
		--addr 10.11.0.1/24 --peer-addr 10.11.0.2/24 vp
	assertEquals "status (stderr: $err)" 0 "$rc"
	assert_has_addr "peer inside the process's namespace" \
		"$(nsenter -t "$nspid" -n ip -o addr show dev eth0)" 10.11.0.2/24
	ping -c1 -W1 10.11.0.2 >/dev/null || fail "ping the process's namespace"
}

test_netns_by_file() {
	in_sandbox || return 0
	local f=$BOX_TMP/ns-file
	touch "$f"
	unshare --net="$f" true || fail "persist a namespace to $f"
	run veth-link --netns "$f" --peer-name eth1 \
		--addr 10.12.0.1/24 --peer-addr 10.12.0.2/24 vf
	assertEquals "status (stderr: $err)" 0 "$rc"
	assert_has_addr "peer inside the file's namespace" \
		"$(nsenter --net="$f" ip -o addr show dev eth1)" 10.12.0.2/24
	ping -c1 -W1 10.12.0.2 >/dev/null || fail "ping the file's namespace"
}

test_netns_by_iproute2_name() {
	in_sandbox || return 0
	ip netns add named
	run veth-link --netns named --peer-name eth0 \
		--addr 10.13.0.1/24 --peer-addr 10.13.0.2/24 vn
	assertEquals "status (stderr: $err)" 0 "$rc"
	assert_has_addr "peer in /run/netns/named" \
		"$(ip -n named -o addr show dev eth0)" 10.13.0.2/24
	ping -c1 -W1 10.13.0.2 >/dev/null || fail "ping the named namespace"
}

test_bridge_joins_two_containers() {
	in_sandbox || return 0
	local c
	ip netns add c1 && ip netns add c2
	# the second run finds the bridge and its address in place
	for c in 1 2; do
		run veth-link --bridge br0 --bridge-create --bridge-addr 10.14.0.1/24 \
			--netns c$c --peer-name eth0 --peer-addr 10.14.0.1$c/24 vc$c
		assertEquals "veth-link for c$c (stderr: $err)" 0 "$rc"
	done
	assertContains "made a bridge" "$(ip -d -o link show br0)" "bridge "
	assertContains "bridge up" "$(ip -o link show br0)" ",UP"
	assertEquals "both host ends on br0" "vc1 vc2" \
		"$(ip -o link show master br0 | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | xargs)"
	assert_has_addr "bridge address" "$(ip -o addr show dev br0)" 10.14.0.1/24
	inns c1 ping -c1 -W1 10.14.0.12 >/dev/null || fail "ping c1 -> c2 through br0"
	inns c2 ping -c1 -W1 10.14.0.11 >/dev/null || fail "ping c2 -> c1 through br0"
	inns c1 ping -c1 -W1 10.14.0.1 >/dev/null || fail "ping c1 -> the bridge"
}

test_gateway_is_the_default_route_inside() {
	in_sandbox || return 0
	ip netns add g
	# 192.0.2.1 is on the host end only as a /32: g reaches it only by
	# its default route
	run veth-link --netns g --peer-name eth0 \
		--addr 10.15.0.1/24 --addr fd15::1/64 --addr 192.0.2.1/32 \
		--peer-addr 10.15.0.2/24 --peer-addr fd15::2/64 \
		--gateway 10.15.0.1 --gateway fd15::1 vg
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "IPv4 default route" \
		"$(ip -n g route show default)" "default via 10.15.0.1 dev eth0"
	assertContains "IPv6 default route" \
		"$(ip -n g -6 route show default)" "default via fd15::1 dev eth0"
	inns g ping -c1 -W1 192.0.2.1 >/dev/null || fail "ping through the default route"
}

test_mtu_on_both_ends() {
	in_sandbox || return 0
	ip netns add m
	run veth-link --netns m --peer-name eth0 --mtu 1400 vm
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "host end MTU" "$(ip -o link show vm)" " mtu 1400 "
	assertContains "peer MTU" "$(ip -n m -o link show eth0)" " mtu 1400 "
}

test_mac_on_both_ends() {
	in_sandbox || return 0
	ip netns add mac
	run veth-link --netns mac --peer-name eth0 \
		--mac 02:00:5e:aa:bb:01 --peer-mac 02:00:5e:aa:bb:02 vmac
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertContains "host end MAC" "$(ip -o link show vmac)" "link/ether 02:00:5e:aa:bb:01 "
	assertContains "peer MAC" "$(ip -n mac -o link show eth0)" "link/ether 02:00:5e:aa:bb:02 "
}

test_down_leaves_both_ends_down() {
	in_sandbox || return 0
	ip netns add dn
	run veth-link --netns dn --peer-name eth0 --peer-addr 10.16.0.2/24 --down vd
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertNotContains "host end down" "$(ip -o link show vd | cut -d'>' -f1)" "UP"
	assertNotContains "peer down" "$(ip -n dn -o link show eth0 | cut -d'>' -f1)" "UP"
	assert_has_addr "addresses all the same" \
		"$(ip -n dn -o addr show dev eth0)" 10.16.0.2/24
}

test_chains_into_prog_and_passes_its_status() {
	in_sandbox || return 0
	ip netns add ch
	run veth-link --netns ch --peer-name eth0 vch \
		sh -c 'ip -o link show vch >/dev/null && exit 7'
	assertEquals "prog's status, prog saw the link" 7 "$rc"
	run veth-link -d vch /no/such/prog
	assertEquals "prog not found" 127 "$rc"
}

test_rootless_in_a_user_namespace_it_owns() {
	in_sandbox || return 0
	need_userns || return 0
	# nobody makes a user namespace, a network namespace in it, and a
	# second one for the peer: CAP_NET_ADMIN there is all it takes
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare --user --map-root-user --net sh -c '
		unshare --net sleep 30 & p=$!
		while [ "$(readlink /proc/$p/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
			sleep 0.01
		done
		veth-link --netns $p --peer-name eth0 \
			--addr 10.22.0.1/24 --peer-addr 10.22.0.2/24 vr || exit 1
		ping -c1 -W1 10.22.0.2 >/dev/null || exit 2
		kill $p'
	assertEquals "rootless pair and ping (stderr: $err)" 0 "$rc"
}

# --- delete ------------------------------------------------------------------

test_delete_removes_both_ends() {
	in_sandbox || return 0
	ip netns add del
	veth-link --netns del --peer-name eth0 vdel || fail "make the pair"
	run veth-link -d vdel
	assertEquals "status (stderr: $err)" 0 "$rc"
	assertEquals "host end gone" "lo" "$(links | xargs)"
	assertEquals "peer gone" "lo" "$(links del | xargs)"

	# from inside: -d with --netns names the peer
	veth-link --netns del --peer-name eth0 vdel2 || fail "make the pair"
	run veth-link --netns del -d eth0
	assertEquals "delete from inside (stderr: $err)" 0 "$rc"
	assertEquals "host end gone too" "lo" "$(links | xargs)"
}

test_delete_refuses_what_is_not_a_veth() {
	in_sandbox || return 0
	assert_bad_input veth-link -d lo
	assertContains "says why" "$err" "not a veth"
	assertEquals "lo still there" "lo" "$(links | xargs)"
	assert_bad_input veth-link -d nosuch0
}

# --- bad input: one line, 125, nothing made -----------------------------------

test_bad_input_is_one_line_125_and_changes_nothing() {
	in_sandbox || return 0
	local before line
	ip netns add p
	# brx: a bridge that exists, for --bridge-addr without --bridge-create
	ip link add brx type bridge 2>/dev/null
	echo not-a-namespace >"$BOX_TMP/plain"
	before=$(net_snapshot p)
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		eval "set -- $line"
		assert_bad_input veth-link "$@"
		assertEquals "nothing changed by: veth-link $line" "$before" "$(net_snapshot p)"
	done <<EOF
0123456789abcdef
''
.
..
a/b
'a b'
a:b
$'tab\tname'
--peer-name 0123456789abcdef --netns p x0
--peer-name a/b --netns p x0
--peer-name '' --netns p x0
--peer-name x0 x0
--bridge 'a b' x0
--addr 10.0.0.1/33 x0
--addr fd00::1/129 x0
--addr 10.0.0.1 x0
--addr junk/24 x0
--addr 10.0.0.256/24 x0
--addr 10.0.0.1/ x0
--addr 10.0.0.1/024 x0
--addr 10.0.0.1/-1 x0
--addr '10.0.0.1/24 ' x0
--addr fe80::1%lo/64 x0
--peer-addr 10.0.0.1/24/24 --netns p x0
--gateway 10.0.0.1/24 --netns p x0
--gateway 10.0.0.1 --gateway 10.0.0.2 --netns p x0
--gateway 10.0.0.1 --down --netns p x0
--mtu 67 x0
--mtu 65536 x0
--mtu abc x0
--mtu -1 x0
--mtu 1000 --addr fd00::1/64 x0
--mac 01:00:5e:00:00:01 x0
--mac 00:00:00:00:00:00 x0
--mac 02:00:00:00:00 x0
--mac 02:00:00:00:00:0g x0
--peer-mac ff:ff:ff:ff:ff:ff x0
--netns nosuch x0
--netns $BOX_TMP/nosuch x0
--netns 4194303 x0
--netns $BOX_TMP/plain x0
--netns /proc/self/ns/mnt x0
--netns . x0
--netns '' x0
--bridge nosuchbr x0
--bridge lo x0
--bridge-create x0
--bridge brx --bridge-addr 10.0.0.1/24 x0
-d --addr 10.0.0.1/24 x0
-d nosuch0
--no-such-option x0
--mtu
EOF
	assert_bad_input veth-link
}

# --- failures half way: the pair (and a bridge made) removed ----------------

test_failure_half_way_leaves_no_link_behind() {
	in_sandbox || return 0
	ip netns add h
	veth-link --netns h --peer-name eth0 --peer-addr 10.18.0.2/24 vh0 ||
		fail "make the first pair"
	local here inside
	here=$(links | xargs) inside=$(links h | xargs)

	# the peer's name is taken in h
	assert_bad_input veth-link --netns h --peer-name eth0 vh1
	assertContains "says which name" "$err" "eth0 already exists in h"
	# an address the peer cannot take twice: fails after the pair exists
	assert_bad_input veth-link --netns h --peer-name eth1 \
		--peer-addr 10.19.0.2/24 --peer-addr 10.19.0.2/24 vh2
	assertContains "the kernel's reason" "$err" "File exists"
	# a gateway the peer cannot reach, with a bridge made on the way:
	# the error carries the kernel's extended-ack text
	assert_bad_input veth-link --bridge brh --bridge-create \
		--netns h --peer-name eth1 --peer-addr 10.20.0.2/24 \
		--gateway 10.21.0.1 vh3
	assertContains "extended ack text" "$err" "Nexthop has invalid gateway"
	# the bridge must exist without --bridge-create
	assert_bad_input veth-link --bridge nobr --netns h vh4
	# the host end's name is taken
	assert_bad_input veth-link --netns h --peer-name eth1 vh0

	assertEquals "links here as before" "$here" "$(links | xargs)"
	assertEquals "links in h as before" "$inside" "$(links h | xargs)"
	assertEquals "no addresses left on the way" "" \
		"$(ip -n h -o addr show | grep -e 10.19 -e 10.20)"
}

# --- the NAT and port-map recipes of the man page ----------------------------

# The recipe lines of man/veth-link.1 (EXAMPLES, between the "nat-recipe"
# comments), with roff escapes undone.
man_recipe() {
	sed -n '/^\.\\" nat-recipe begin/,/^\.\\" nat-recipe end/p' "$BOX_ROOT/man/veth-link.1" |
		grep -E '^(nft|sysctl) ' | sed 's/\\-/-/g; s/\\e/\\/g'
}

test_man_page_nft_recipes_map_a_port_and_masquerade() {
	in_sandbox || return 0
	need_cmd nft busybox || return 0
	ip netns add host && ip netns add world && ip netns add box1
	if ! inns host nft add table ip probe 2>/dev/null; then
		skip_test "nft cannot make a table in a network namespace here"
		return 0
	fi
	inns host nft delete table ip probe

	# as the man page: box1 behind veth-box1, the world behind uplink0
	inns host veth-link --netns box1 --peer-name eth0 --addr 10.200.1.1/24 \
		--peer-addr 10.200.1.2/24 --gateway 10.200.1.1 veth-box1 ||
		fail "veth-link to box1"
	inns host veth-link --netns world --peer-name eth0 --addr 198.51.100.1/24 \
		--peer-addr 198.51.100.2/24 uplink0 || fail "veth-link to world"
	mkdir -p "$BOX_TMP/www"
	echo "hello from box1" >"$BOX_TMP/www/index.html"
	# nsenter execs httpd: $! is the server's own PID
	nsenter --net=/run/netns/box1 -- busybox httpd -f -p 80 -h "$BOX_TMP/www" &
	pids+=($!)
	wait_for 'http_get host 10.200.1.2 80 | grep -q "hello from box1"' ||
		fail "httpd in box1 did not start"

	# without the rules the port is closed
	http_get world 198.51.100.1 8080 | grep -q "hello" &&
		fail "port 8080 open before the DNAT rule"

	local recipe line
	recipe=$(man_recipe)
	assertContains "the man page has the recipe" "$recipe" "dnat to 10.200.1.2:80"
	while IFS= read -r line; do
		inns host sh -c "$line" >/dev/null || fail "recipe line failed: $line"
	done <<<"$recipe"

	assertContains "the world reaches box1's server through host:8080" \
		"$(http_get world 198.51.100.1 8080)" "hello from box1"
	# the world has no route to 10.200.1.0/24: replies come back only
	# because box1's address was masqueraded
	inns box1 ping -c1 -W1 198.51.100.2 >/dev/null || fail "box1 -> world, masqueraded"
	assertEquals "the world has no route to box1" "" "$(ip -n world route show 10.200.1.0/24)"
}

# --- published ports (--publish, --masquerade) --------------------------------

need_nft() {
	need_cmd nft busybox || return 1
	if ! inns host nft add table ip probe 2>/dev/null; then
		skip_test "nft cannot make a table in a network namespace here"
		return 1
	fi
	inns host nft delete table ip probe
}

# box1 behind veth-box1 in "host", the world behind uplink0, httpd in box1
publish_setup() {
	ip netns add host && ip netns add world && ip netns add box1
	ip -n host link set lo up
	need_nft || return 1
	inns host veth-link --netns world --peer-name eth0 --addr 198.51.100.1/24 \
		--peer-addr 198.51.100.2/24 uplink0 || fail "veth-link to world"
	echo 1 | inns host tee /proc/sys/net/ipv4/ip_forward >/dev/null
}

start_httpd() {
	mkdir -p "$BOX_TMP/www"
	echo "hello from box1" >"$BOX_TMP/www/index.html"
	nsenter --net=/run/netns/box1 -- busybox httpd -f -p 80 -h "$BOX_TMP/www" &
	pids+=($!)
	wait_for 'http_get box1 127.0.0.1 80 | grep -q "hello from box1"' ||
		fail "httpd in box1 did not start"
}

test_publish_reaches_the_container_from_outside_loopback_and_itself() {
	in_sandbox || return 0
	publish_setup || return 0
	run inns host veth-link --netns box1 --peer-name eth0 --addr 10.200.1.1/24 \
		--peer-addr 10.200.1.2/24 --gateway 10.200.1.1 \
		--publish 8080:80 --masquerade veth-box1
	assertEquals "veth-link --publish (stderr: $err)" 0 "$rc"
	inns box1 ip link set lo up
	start_httpd

	assertContains "one chain for the container" \
		"$(inns host nft list chain inet boxutils link-veth-box1)" \
		"dnat ip to 10.200.1.2:80"
	assertContains "the world reaches box1 through host:8080" \
		"$(http_get world 198.51.100.1 8080)" "hello from box1"
	assertContains "the host reaches it through 127.0.0.1:8080" \
		"$(http_get host 127.0.0.1 8080)" "hello from box1"
	assertContains "box1 reaches itself through the host (hairpin)" \
		"$(http_get box1 10.200.1.1 8080)" "hello from box1"
	inns box1 ping -c1 -W1 198.51.100.2 >/dev/null ||
		fail "box1 -> world, masqueraded"
	assertEquals "the world has no route to box1" "" \
		"$(ip -n world route show 10.200.1.0/24)"

	run inns host veth-link -d veth-box1
	assertEquals "veth-link -d (stderr: $err)" 0 "$rc"
	assertEquals "no chain left with the link" "" \
		"$(inns host nft list table inet boxutils | grep chain)"
	http_get world 198.51.100.1 8080 | grep -q hello &&
		fail "port 8080 still open after -d"
	return 0
}

test_publish_to_one_host_address_and_a_udp_range() {
	in_sandbox || return 0
	publish_setup || return 0
	run inns host veth-link --netns box1 --peer-name eth0 --addr 10.200.1.1/24 \
		--peer-addr 10.200.1.2/24 --peer-addr fd00:200::2/64 \
		--addr fd00:200::1/64 --gateway 10.200.1.1 \
		-p 127.0.0.1:8080:80 -p 5000-5002:6000-6002/udp -p '[::1]:8443:443' vb1
	assertEquals "status (stderr: $err)" 0 "$rc"
	local rules
	rules=$(inns host nft list chain inet boxutils link-vb1)
	assertContains "only to 127.0.0.1" "$rules" \
		"ip daddr 127.0.0.1 tcp dport 8080 dnat ip to 10.200.1.2:80"
	assertContains "a UDP range port by port, v4" "$rules" \
		"udp dport 5002 dnat ip to 10.200.1.2:6002"
	assertContains "a UDP range port by port, v6" "$rules" \
		"udp dport 5001 dnat ip6 to [fd00:200::2]:6001"
	assertContains "IPv6 host address" "$rules" \
		"ip6 daddr ::1 tcp dport 8443 dnat ip6 to [fd00:200::2]:443"
	assertNotContains "no IPv4 rule for the IPv6 address" "$rules" \
		"8443 dnat ip to"
}

test_prune_removes_the_chains_of_links_gone() {
	in_sandbox || return 0
	publish_setup || return 0
	inns host veth-link --netns box1 --peer-name eth0 --addr 10.200.1.1/24 \
		--peer-addr 10.200.1.2/24 -p 8080:80 vp1 || fail "vp1"
	inns host veth-link --netns box1 --peer-name eth1 --addr 10.200.2.1/24 \
		--peer-addr 10.200.2.2/24 -p 8081:80 vp2 || fail "vp2"
	# a link deleted by other means leaves its chains behind ...
	ip -n host link del vp2
	run inns host veth-link --prune
	assertEquals "--prune (stderr: $err)" 0 "$rc"
	local chains
	chains=$(inns host nft list table inet boxutils | grep chain)
	assertContains "vp1's chains stay" "$chains" "link-vp1 "
	assertNotContains "vp2's are gone" "$chains" "link-vp2"
	run inns host veth-link --prune
	assertEquals "--prune again is no error" 0 "$rc"
}

test_publish_bad_input_is_one_line_125_and_changes_nothing() {
	in_sandbox || return 0
	publish_setup || return 0
	local before
	before=$(net_snapshot box1)
	assert_bad_input veth-link --netns box1 --peer-addr 10.2.0.2/24 -p 0:80 vq
	assert_bad_input veth-link --netns box1 --peer-addr 10.2.0.2/24 -p 80 vq
	assert_bad_input veth-link --netns box1 --peer-addr 10.2.0.2/24 -p 80:80/icmp vq
	assert_bad_input veth-link --netns box1 --peer-addr 10.2.0.2/24 -p 1.2.3:80:80 vq
	assert_bad_input veth-link --netns box1 --peer-addr 10.2.0.2/24 -p 80-79:80 vq
	assert_bad_input veth-link --netns box1 --peer-addr 10.2.0.2/24 -p 80-82:90-91 vq
	assert_bad_input veth-link --netns box1 --peer-addr 10.2.0.2/24 -p ::1:80:80 vq
	assert_bad_input veth-link --netns box1 -p 8080:80 vq
	assert_bad_input veth-link --netns box1 --peer-addr 10.2.0.2/24 -p '[::1]:80:80' vq
	assert_bad_input veth-link --netns box1 --peer-addr 10.2.0.2/24 -p 80:80 v+q
	assert_bad_input veth-link --prune --mtu 1400
	assert_bad_input veth-link -d -p 80:80 vq
	assertEquals "nothing changed" "$before" "$(net_snapshot box1)"
	assertEquals "no table made" "" "$(nft list tables | grep boxutils)"
}

# The seed's `docker run -p 6379:6379` by hand: a boxutils container
# (its own net, mount and pid namespaces, pivoted into a busybox image)
# serving on 6379, published with --publish; the host side
# reaches it through 127.0.0.1:6379 and through its own address.
test_seed_example_boxutils_container_published_like_docker_run_p() {
	in_sandbox || return 0
	need_tool ns-unshare ns-enter pivot || return 0
	publish_setup || return 0
	make_busybox_rootfs "$BOX_TMP/rootfs" || {
		skip_test "needs busybox-static"
		return 0
	}
	mkdir -p "$BOX_TMP/rootfs/www"
	echo "+PONG" >"$BOX_TMP/rootfs/www/ping"
	mkdir -p "$BOX_TMP/ns" && : >"$BOX_TMP/ns/box1"
	ns-unshare --net="$BOX_TMP/ns/box1" true || fail "persist the net ns"
	run inns host veth-link --netns "$BOX_TMP/ns/box1" --peer-name eth0 \
		--addr 10.200.1.1/24 --peer-addr 10.200.1.2/24 \
		--gateway 10.200.1.1 --publish 6379:6379 --masquerade veth-box1
	assertEquals "veth-link --publish 6379:6379 (stderr: $err)" 0 "$rc"
	ns-enter --net="$BOX_TMP/ns/box1" \
		ns-unshare --mount --pid --fork --kill-child \
		pivot "$BOX_TMP/rootfs" \
		/bin/busybox httpd -f -p 6379 -h /www &
	local srv=$!
	wait_for 'http_get host 127.0.0.1 6379 ping | grep -q "^+PONG"' 60
	assertContains "the host reaches the server through 127.0.0.1:6379" \
		"$(http_get host 127.0.0.1 6379 ping)" "+PONG"
	assertContains "and another host through the host's address" \
		"$(http_get world 198.51.100.1 6379 ping)" "+PONG"
	# httpd is PID 1 of its namespace, deaf to SIGTERM; --kill-child
	# takes it along with ns-unshare
	kill -KILL "$srv"
	wait "$srv" 2>/dev/null
	run inns host veth-link -d veth-box1
	assertEquals "veth-link -d (stderr: $err)" 0 "$rc"
	assertEquals "the port went with the link" "" \
		"$(inns host nft list table inet boxutils | grep -e chain -e 6379)"
	umount "$BOX_TMP/ns/box1"
}

box_run_suite
