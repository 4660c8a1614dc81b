#!/bin/bash
# examples/debian-server.sh - a web server in a Debian container made by a
# chain of boxutils tools, reached over a veth link, and published on a
# port of the "host" with an nft DNAT rule.
#
#   sudo BOX_BIN=build/bin examples/debian-server.sh
#
# The image: a minimal Debian 12 made by debootstrap (--variant=minbase)
# from the Debian mirror this machine's apt uses, read at run time from
# /etc/apt/sources.list{,.d/*}, or from $BOX_DEBIAN_MIRROR.  It is cached
# in /var/cache/boxutils/debian-bookworm ($BOX_DEBIAN_CACHE) and used as
# a read-only lower layer, so later runs start at once.  debootstrap is
# installed with apt-get when missing (it is in `make deps`).
#
# The server: minbase has no Python, so the container runs busybox httpd,
# with the host's static /bin/busybox bind-mounted in read-only by pivot;
# the page itself is written by the image's own bash from its own files.
#
# The network, all in namespaces this script makes; nothing is done to
# the machine's own interfaces, and no packet leaves it:
#
#     world ns                 host ns                      container
#   eth0 10.203.2.2 ---- veth-world 10.203.2.1
#                                   10.203.1.1 veth-srv ---- eth0 10.203.1.2
#                        nft: tcp 10.203.2.1:8080 -> 10.203.1.2:80
#
# Everything runs in a private mount namespace of its own (so the
# namespace files it persists vanish with it); the cgroup
# boxex-debian-PID (beneath the caller's own) and the work directory
# /tmp/boxex-debian.* are removed at exit.  Exit status: 0 when every
# check passed, 1 when one failed, 77 when the image cannot be made here
# (mirror unreachable), 125 when it could not start.

set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=examples/lib.sh
. "$here/lib.sh"
CACHE=${BOX_DEBIAN_CACHE:-/var/cache/boxutils/debian-bookworm}
SUITE=bookworm


[ "$(id -u)" = 0 ] || die "run as root"
for t in ns-unshare ns-enter cg-create cg-exec cg-stat cg-delete uf-mount pivot cap-drop veth-link; do
	command -v "$t" >/dev/null || die "$t not found in BOX_BIN=$BOX_BIN (run make)"
done
busybox=$(command -v busybox || echo /bin/busybox)
[ -x "$busybox" ] || die "busybox-static is not installed (make deps)"
command -v nft >/dev/null || die "nft is not installed (apt-get install nftables)"

# A private mount namespace for the whole run: the script runs itself
# again in it.  (ns-unshare makes every mount in it private.)
if [ -z "${BOX_EX_DEBIAN_IN_NS:-}" ]; then
	BOX_EX_DEBIAN_IN_NS=1 exec ns-unshare --mount "$0" "$@"
fi

# The first http(s) URI that apt uses for the suite, in either format:
# one-line ("deb [opts] URI SUITE COMPONENTS") or deb822 stanzas
# ("Types: deb", "URIs: ...", "Suites: bookworm bookworm-updates").
debian_mirror() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v s="$SUITE" '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
			if ($(i + 1) == s) { print $i; exit }
		}' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v s="$SUITE" 'BEGIN { RS = ""; FS = "\n" } {
			t = u = su = ""; off = 0
			for (k = 1; k <= NF; k++) {
				if ($k ~ /^Types:/) t = " " $k " "
				if ($k ~ /^URIs:/) u = $k
				if ($k ~ /^Suites:/) su = " " $k " "
				if ($k ~ /^Enabled:[ \t]*no/) off = 1
			}
			if (!off && t ~ /[ \t]deb[ \t]/ && su ~ ("[ \t]" s "[ \t]")) {
				sub(/^URIs:[ \t]*/, "", u); split(u, a, /[ \t]+/); print a[1]; exit
			}
		}' "$f"
	done
}

# The image, made once: debootstrap into a temporary directory beside
# the cache, renamed into place only when complete, under a lock so two
# runs never build it at the same time.
make_image() {
	[ -f "$CACHE/etc/debian_version" ] && return 0
	local mirror tmp
	mirror=${BOX_DEBIAN_MIRROR:-$(debian_mirror | grep -m1 -E '^https?://')}
	[ -n "$mirror" ] || die "no http(s) mirror for $SUITE in /etc/apt/sources.list{,.d/*}; set BOX_DEBIAN_MIRROR"
	if ! command -v debootstrap >/dev/null; then
		say "installing debootstrap (apt-get)"
		DEBIAN_FRONTEND=noninteractive step apt-get install -y debootstrap >/dev/null ||
			die "cannot install debootstrap"
	fi
	say "checking that the Debian mirror $mirror answers (60 s at most)"
	if ! wget -q -T 60 -t 1 -O /dev/null "$mirror/dists/$SUITE/Release"; then
		echo "debian-server: the Debian mirror $mirror did not answer (60 s limit); no image" >&2
		exit 77
	fi
	mkdir -p "$(dirname "$CACHE")" || die "cannot create $(dirname "$CACHE")"
	exec 9>"$CACHE.lock"
	flock 9
	[ -f "$CACHE/etc/debian_version" ] && return 0 # another run made it meanwhile
	tmp=$CACHE.tmp.$$
	rm -rf "$tmp"
	say "debootstrap a minimal Debian $SUITE into $CACHE (once; about a minute)"
	show "debootstrap --variant=minbase $SUITE $tmp $mirror"
	if ! debootstrap --variant=minbase "$SUITE" "$tmp" "$mirror" >"$W/debootstrap.log" 2>&1; then
		tail -5 "$W/debootstrap.log" | indent
		rm -rf "$tmp"
		die "debootstrap failed (log above)"
	fi
	mv "$tmp" "$CACHE" || die "cannot move the image into $CACHE"
	exec 9>&-
}

W=$(mktemp -d /tmp/boxex-debian.XXXXXX)
CG=boxex-debian-$$
server=
cleanup() {
	set +e
	say "cleaning up"
	if [ -n "$server" ]; then
		# The chain's ns-unshare passes SIGTERM on to its init, which
		# passes it to the payload; cg-delete then kills any straggler.
		kill -TERM "$server" 2>/dev/null
		wait "$server" 2>/dev/null
	fi
	cg-delete --relative "$CG" 2>/dev/null
	for f in "$W"/ns/*; do
		mountpoint -q "$f" && umount "$f"
	done
	rm -rf "$W" "$CACHE.tmp.$$"
	ok "stopped the server, removed the cgroup $CG, the namespaces (and with them the links and the nft table) and $W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

make_image
say "the image: $(cat "$CACHE/etc/debian_version") in $CACHE ($(du -sh "$CACHE" 2>/dev/null | cut -f1)), the read-only lower layer"

say "a cgroup for the container"
step cg-create --relative --memory 128M --pids 64 "$CG" || exit 125

say "three network namespaces: world, host, and the container's"
mkdir -p "$W"/ns "$W"/rw/up "$W"/rw/work "$W"/rootfs
for ns in world host net; do
	step ns-unshare --net="$W/ns/$ns" true || exit 125
done
inhost() { ns-enter --net="$W/ns/host" "$@"; }
step inhost veth-link --netns "$W/ns/net" --addr 10.203.1.1/24 \
	--peer-name eth0 --peer-addr 10.203.1.2/24 --gateway 10.203.1.1 veth-srv || exit 125
step inhost veth-link --netns "$W/ns/world" --addr 10.203.2.1/24 \
	--peer-name eth0 --peer-addr 10.203.2.2/24 --gateway 10.203.2.1 veth-world || exit 125
# The host namespace routes between the two links (its own sysctl,
# since /proc/sys/net shows the network namespace of whoever opens it).
show "ns-enter --net=$W/ns/host sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward'"
inhost sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' || exit 125

say "the server: Debian's bash writes a page, busybox httpd serves it on port 80"
# shellcheck disable=SC2016 # expanded inside the container
page='mkdir -p /srv/boxex-www
. /etc/os-release
{ echo "<h1>Hello from $PRETTY_NAME</h1>"
  echo "<p>debian_version $(cat /etc/debian_version), hostname $(hostname), $(dpkg-query -W | wc -l) packages</p>"
} >/srv/boxex-www/index.html
exec busybox httpd -f -p 80 -h /srv/boxex-www'
echo "   PAGE-SCRIPT, run by the image's /bin/bash:"
indent <<<"$page"
chain=(
	cg-exec --relative "$CG"
	ns-enter --net="$W/ns/net"
	ns-unshare --mount --uts --ipc --pid --cgroup --fork --init --hostname debian-box --pidfile "$W/init.pid"
	uf-mount --lower "$CACHE" --upper "$W/rw/up" --work "$W/rw/work" "$W/rootfs"
	pivot --ro-bind "$busybox:/usr/local/bin/busybox" --host-prog "$W/rootfs"
	cap-drop --no-new-privs
)
show_chain "${chain[@]}" /bin/bash -c "'PAGE-SCRIPT (above)'" '&'
"${chain[@]}" /bin/bash -c "$page" >"$W/server.log" 2>&1 &
server=$!

# GET PATH from the namespace NS to ADDR PORT, with busybox nc and a
# request written by hand (busybox-static's wget crashes on this host).
fetch() {
	printf 'GET / HTTP/1.0\r\nHost: %s\r\n\r\n' "$2" |
		ns-enter --net="$W/ns/$1" "$busybox" nc -w 3 "$2" "$3" 2>/dev/null
}
tries=0
until fetch host 10.203.1.2 80 | grep -q '200 OK'; do
	tries=$((tries + 1))
	if [ "$tries" -ge 100 ] || ! kill -0 "$server" 2>/dev/null; then
		bad "the server did not answer within 10 s"
		indent <"$W/server.log"
		exit 1
	fi
	sleep 0.1
done
ok "httpd answers on 10.203.1.2:80"

say "fetch the page from the host side, over the veth link"
show "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | ns-enter --net=$W/ns/host busybox nc 10.203.1.2 80"
fetch host 10.203.1.2 80 | tr -d '\r' | tee "$W/page1" | indent
if grep -q '<h1>Hello from Debian GNU/Linux 12 (bookworm)</h1>' "$W/page1"; then
	ok "the Debian container served its page"
else
	bad "no page from the container"
fi
grep -q 'hostname debian-box' "$W/page1" && ok "written inside the container (hostname debian-box)" ||
	bad "the page was not written in the container"

say "publish it: nft DNAT 10.203.2.1:8080 -> 10.203.1.2:80 in the host namespace"
rules='table ip boxex {
	chain prerouting {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 10.203.2.1 tcp dport 8080 dnat to 10.203.1.2:80
	}
}'
show "ns-enter --net=$W/ns/host nft -f - <<EOF"
printf '%s\n' "$rules" | indent
inhost nft -f - <<<"$rules" || exit 125
show "ns-enter --net=$W/ns/world busybox nc 10.203.2.1 8080   # from the world namespace"
fetch world 10.203.2.1 8080 | tr -d '\r' | tee "$W/page2" | indent
if grep -q '<h1>Hello from Debian' "$W/page2"; then
	ok "the world reaches the container through the host's port 8080"
else
	bad "nothing on 10.203.2.1:8080 from the world namespace"
fi
if fetch world 10.203.2.1 80 | grep -q .; then
	bad "port 80 of the host answers from the world: only 8080 should be mapped"
else
	ok "the host's own port 80 is closed: only 8080 is mapped"
fi
show "ns-enter --net=$W/ns/host nft list ruleset"
inhost nft list ruleset | indent

say "the container's cgroup"
show "cg-stat --relative $CG"
cg-stat --relative "$CG" | indent
# --pidfile gave the PID of the container's init; entering its mount
# namespace puts us at the root pivot made.
show "ns-enter -t \$(cat $W/init.pid) -a busybox ps -o pid,user,comm"
ns-enter -t "$(cat "$W/init.pid")" -a /usr/local/bin/busybox ps -o pid,user,comm | indent

if [ "$failures" -eq 0 ]; then say "debian-server done: every check passed"; else say "debian-server done: $failures check(s) failed"; fi
exit $((failures > 0))
