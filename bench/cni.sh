#!/bin/bash
# bench/cni.sh - veth-link as a CNI plugin beside the reference plugins,
# in one hyperfine run per comparison:
#   1. ADD + DEL of one container with host-local IPAM: veth-link
#      (boxutils-veth) and Debian's bridge plugin on the same IPAM
#      (target: veth-link <= 0.5x);
#   2. publishing a port and removing it: what --publish adds to an
#      ADD + DEL (ADD + DEL with portMappings, less ADD + DEL without),
#      beside portmap's ADD + DEL chained after it (target: <= 0.5x);
#   3. `podman run --rm` of a busybox `true` on a network of veth-link,
#      of the bridge plugin (CNI backend), and on netavark's default
#      network (target: veth-link fastest).
# Everything runs inside a network and mount namespace this script makes
# (tmpfs on /run, /var/lib/cni, podman's state in a temporary directory).
#
# Usage: bench/cni.sh [RUNS]        (BOX_BIN: the built tools)

. "$(dirname "$0")/lib.sh"
cd "$BENCH_ROOT" || exit 125
RUNS=${1:-100}
PATH=$PATH:/usr/sbin:/sbin
REF=${CNI_REF_DIR:-/usr/lib/cni}

if [ -z "$BOX_BENCH_INNER" ]; then
	bench_need hyperfine ip unshare jq nft
	bench_ours veth-link
	bench_root "network namespaces"
	[ -x "$REF/bridge" ] && [ -x "$REF/host-local" ] && [ -x "$REF/portmap" ] ||
		bench_die "needs containernetworking-plugins in $REF"
	BOX_BENCH_INNER=1 exec unshare --net --mount --propagation private \
		bash "$0" "$@"
fi

T=$(mktemp -d /tmp/boxbench-cni.XXXXXX)
trap 'rm -rf "$T"' EXIT
mount -t tmpfs -o mode=755 bench-run /run && mkdir /run/netns &&
	mkdir -p /var/lib/cni && mount -t tmpfs bench-cni /var/lib/cni &&
	ip link set lo up && ip netns add c1 || exit 125
mkdir -p "$T/cni"
ln -s "$BOX_BIN/veth-link" "$T/cni/boxutils-veth"
export CNI_PATH=$T/cni:$REF CNI_CONTAINERID=bench1 CNI_NETNS=/run/netns/c1 \
	CNI_IFNAME=eth0

# the same network for both plugins: bridge, gateway, host-local, route
conf() { # TYPE BRIDGE SUBNET [JQ-EDIT]
	jq -c "${4:-.}" <<EOF
{"cniVersion": "1.0.0", "name": "net-$1", "type": "$1", "bridge": "$2",
 "isGateway": true, "ipMasq": false, "hairpinMode": true,
 "ipam": {"type": "host-local", "subnet": "$3",
          "routes": [{"dst": "0.0.0.0/0"}]}}
EOF
}
conf boxutils-veth bx0 10.77.1.0/24 >"$T/ours.json"
conf bridge br0 10.77.2.0/24 >"$T/ref.json"
ports='. + {capabilities: {portMappings: true}, runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80, protocol: "tcp"}]}}'
conf boxutils-veth bx0 10.77.1.0/24 "$ports" >"$T/ours-ports.json"

plugin() { # TYPE CMD CONF
	local dir
	for dir in $T/cni $REF; do
		[ -x "$dir/$1" ] && break
	done
	echo "CNI_COMMAND=$2 $dir/$1 <$3 >/dev/null"
}
adddel() { # TYPE CONF
	echo "$(plugin "$1" ADD "$2") && $(plugin "$1" DEL "$2")"
}

# Both make the same container: an address from host-local, the route.
for c in ours ref; do
	type=$(jq -r .type "$T/$c.json")
	sh -c "$(plugin "$type" ADD "$T/$c.json")" || exit 125
	ip -n c1 -o addr show dev eth0 | grep -q ' 10\.77\.' &&
		ip -n c1 route show default | grep -q via || {
		echo "bench/cni.sh: $type made no address or route" >&2
		exit 125
	}
	sh -c "$(plugin "$type" DEL "$T/$c.json")" || exit 125
done

csv=$T/adddel.csv
hyperfine --warmup 5 --runs "$RUNS" --export-csv "$csv" \
	-n "boxutils-veth ADD+DEL" "$(adddel boxutils-veth "$T/ours.json")" \
	-n "bridge ADD+DEL" "$(adddel bridge "$T/ref.json")"
bench_table "$csv"
bench_ratio "$csv" "cni ADD+DEL (host-local)" "boxutils-veth ADD+DEL" \
	"bridge ADD+DEL" "<=" 0.5

# 2. a published port: ours within the ADD, portmap chained after it
CNI_COMMAND=ADD "$T/cni/boxutils-veth" <"$T/ours.json" >"$T/result.json" ||
	exit 125
jq -c --slurpfile r "$T/result.json" \
	'{cniVersion, name, type: "portmap", capabilities: {portMappings: true},
	  runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80, protocol: "tcp"}]},
	  prevResult: $r[0]}' "$T/ours.json" >"$T/portmap.json"
csv=$T/ports.csv
hyperfine --warmup 5 --runs "$RUNS" --export-csv "$csv" \
	-n "portmap ADD+DEL" "$(adddel portmap "$T/portmap.json")"
sh -c "$(plugin boxutils-veth DEL "$T/ours.json")"
hyperfine --warmup 5 --runs "$RUNS" --export-csv "$T/ours-ports.csv" \
	-n "boxutils-veth ADD+DEL" "$(adddel boxutils-veth "$T/ours.json")" \
	-n "boxutils-veth ADD+DEL with a port" "$(adddel boxutils-veth "$T/ours-ports.json")"
bench_table "$csv"
bench_table "$T/ours-ports.csv"
# the port's own cost: with, less without
awk -F, 'NR > 1 { gsub(/"/, ""); mean[$1] = $2; med[$1] = $4; min[$1] = $7 }
	END { printf "%s,%s,0,%s,0,0,%s,0\n", "boxutils-veth publish+remove",
		mean["boxutils-veth ADD+DEL with a port"] - mean["boxutils-veth ADD+DEL"],
		med["boxutils-veth ADD+DEL with a port"] - med["boxutils-veth ADD+DEL"],
		min["boxutils-veth ADD+DEL with a port"] - min["boxutils-veth ADD+DEL"] }' \
	"$T/ours-ports.csv" >>"$csv"
bench_ratio "$csv" "cni publish+remove a port" "boxutils-veth publish+remove" \
	"portmap ADD+DEL" "<=" 0.5

# 3. podman run --rm on each network
if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
	echo "ratio: podman run --rm | missing (no podman or runc)"
	exit 0
fi
mkdir -p "$T/net.d" "$T/pm" "$T/tmp" "$T/etc-containers"
# podman writes below /etc/containers (netavark) and /etc/cni whatever
# it is told: copies of them, private to this mount namespace
cp -a /etc/containers/. "$T/etc-containers/" 2>/dev/null
mkdir -p "$T/etc-cni" && cp -a /etc/cni/. "$T/etc-cni/" 2>/dev/null
mount --bind "$T/etc-cni" /etc/cni &&
	mount --bind "$T/etc-containers" /etc/containers || exit 125
pmconf() { # BACKEND
	cat <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[network]
network_backend = "$1"
cni_plugin_dirs = ["$T/cni", "$REF"]
network_config_dir = "$T/net.d"
default_subnet = "10.77.9.0/24"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime = "runc"
EOF
}
pmconf cni >"$T/cni.conf"
pmconf netavark >"$T/netavark.conf"
for c in ours ref; do
	jq -c '{cniVersion, name, plugins: [del(.cniVersion, .name)]}' "$T/$c.json" \
		>"$T/net.d/$(jq -r .name "$T/$c.json").conflist"
done
bench_rootfs "$T/rootfs"
tar -C "$T/rootfs" -cf "$T/bb.tar" .
pm="podman --root $T/pm/root --runroot $T/pm/run --cgroup-manager cgroupfs --events-backend file"
CONTAINERS_CONF=$T/cni.conf TMPDIR=$T/tmp $pm import "$T/bb.tar" localhost/bb >/dev/null || exit 125
run_on() { # CONF NETWORK
	echo "CONTAINERS_CONF=$T/$1 TMPDIR=$T/tmp $pm run --rm --network $2 localhost/bb true"
}
havenv=
if command -v netavark >/dev/null || [ -x /usr/lib/podman/netavark ]; then
	havenv=1
	# netavark's configurations live beside podman's state
	sh -c "$(run_on netavark.conf podman)" || havenv=
fi
for n in net-boxutils-veth net-bridge; do
	sh -c "$(run_on cni.conf $n)" || exit 125
done
csv=$T/podman.csv
hyperfine --warmup 3 --runs "$((RUNS / 4 + 5))" --export-csv "$csv" \
	-n "podman run --rm (boxutils-veth)" "$(run_on cni.conf net-boxutils-veth)" \
	-n "podman run --rm (bridge plugin)" "$(run_on cni.conf net-bridge)" \
	${havenv:+-n "podman run --rm (netavark)" "$(run_on netavark.conf podman)"}
bench_table "$csv"
bench_ratio "$csv" "podman run --rm vs bridge plugin" \
	"podman run --rm (boxutils-veth)" "podman run --rm (bridge plugin)" "<=" 1
bench_ratio "$csv" "podman run --rm vs netavark" \
	"podman run --rm (boxutils-veth)" "podman run --rm (netavark)" "<=" 1
