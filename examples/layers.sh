#!/bin/bash
# examples/layers.sh - images made of layers, stacked with uf-mount:
#
#   1. a two-layer image (base + app) with a writable layer on top, and a
#      container run from it;
#   2. the classic aufs example, `uf-mount -t aufs -o dirs=./home:./company`,
#      on a kernel that has no aufs (uf-mount maps it onto overlayfs);
#   3. an image in the layout `docker save` writes (manifest.json naming
#      each layer's layer.tar), unpacked, its whiteouts converted from the
#      tar form (.wh.NAME, .wh..wh..opq) to overlayfs's (a 0/0 character
#      device, the trusted.overlay.opaque xattr), stacked in manifest order.
#
#   sudo BOX_BIN=build/bin examples/layers.sh
#
# Everything happens inside a private mount namespace this script makes
# first (ns-unshare --mount), so no mount can outlive it, even on kill -9;
# its work directory in /tmp is removed at exit.  Exit status: 0 when
# every check passed, 1 when one failed, 125 when it could not start.

set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=examples/lib.sh
. "$here/lib.sh"

check() { # check WHAT TEST...: ok or FAILED, by the test's status
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

[ "$(id -u)" = 0 ] || { echo "layers: run as root" >&2; exit 125; }
for t in ns-unshare uf-mount pivot; do
	command -v "$t" >/dev/null || { echo "layers: $t not found in BOX_BIN=$BOX_BIN (run make)" >&2; exit 125; }
done
busybox=$(command -v busybox || echo /bin/busybox)
[ -x "$busybox" ] || { echo "layers: busybox-static is not installed" >&2; exit 125; }

# Step 0: a private mount namespace for the whole script.  The script
# runs itself again in it; BOX_EX_LAYERS_IN_NS marks the second run.
if [ -z "${BOX_EX_LAYERS_IN_NS:-}" ]; then
	say "a private mount namespace for everything below"
	show "ns-unshare --mount $0"
	BOX_EX_LAYERS_IN_NS=1 exec ns-unshare --mount "$0" "$@"
fi

W=$(mktemp -d /tmp/boxex-layers.XXXXXX)
cleanup() {
	set +e
	say "cleaning up"
	# Deepest mounts first; the namespace would drop them anyway at exit.
	awk -v w="$W" '$5 ~ "^" w {print $5}' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	rm -rf "$W"
	ok "unmounted everything below $W and removed it"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$W" || exit 125

# ---------------------------------------------------------------------------
say "1. a two-layer image: base (busybox, /etc) + app (/app, a new /etc/motd)"
mkdir -p base/bin base/etc base/proc base/sys base/dev base/tmp app/app app/etc
cp "$busybox" base/bin/busybox
for a in sh cat ls echo id hostname; do ln -s busybox "base/bin/$a"; done
echo "motd of the base layer" >base/etc/motd
echo "Debian-like base" >base/etc/issue
echo 'root:x:0:0:root:/root:/bin/sh' >base/etc/passwd
echo "motd of the app layer" >app/etc/motd
cat >app/app/run <<'EOF'
#!/bin/sh
echo "app: /etc/motd says: $(cat /etc/motd)"
echo "app: /etc/issue says: $(cat /etc/issue)"
echo "app: written by the app" >/app/state
EOF
chmod +x app/app/run
mkdir -p rw/up rw/work rootfs
# The first --lower is the top: app's /etc/motd hides base's.
step uf-mount --lower app --lower base --upper rw/up --work rw/work rootfs || exit 125
show "ls rootfs rootfs/etc"
ls rootfs rootfs/etc | indent
check "app's /etc/motd hides base's" grep -qx "motd of the app layer" rootfs/etc/motd
check "base's /etc/issue shows through" grep -qx "Debian-like base" rootfs/etc/issue

say "   a container from the stack: writes go to the writable layer"
# A pivot needs a mount namespace of its own; uf-mount -u first, since
# the chain below mounts the same stack again inside it.
step uf-mount -u rootfs || exit 125
show "ns-unshare --mount --uts --pid --fork --hostname app \\"
show "  uf-mount --lower app --lower base --upper rw/up --work rw/work rootfs \\"
show "  pivot rootfs /app/run"
ns-unshare --mount --uts --pid --fork --hostname app \
	uf-mount --lower app --lower base --upper rw/up --work rw/work rootfs \
	pivot rootfs /app/run | indent
check "the app wrote /app/state into the writable layer rw/up" test -f rw/up/app/state
check "the app layer itself is untouched" test ! -e app/app/state

say "   deleting a file of a lower layer leaves a whiteout in the upper"
step uf-mount --lower app --lower base --upper rw/up --work rw/work rootfs || exit 125
step rm rootfs/etc/issue
show "stat -c '%F %t:%T' rw/up/etc/issue"
stat -c '%F %t:%T' rw/up/etc/issue | indent
check "rw/up/etc/issue is a whiteout (character device 0/0)" \
	test "$(stat -c '%F %t:%T' rw/up/etc/issue)" = "character special file 0:0"
check "base/etc/issue still exists in the base layer" test -f base/etc/issue
check "the merged view no longer has /etc/issue" test ! -e rootfs/etc/issue
step uf-mount -u rootfs

# ---------------------------------------------------------------------------
say "2. the classic aufs example, on a kernel without aufs"
mkdir -p home company mnt
echo "company policy" >company/policy.txt
show "cd $W"
step uf-mount -t aufs -o dirs=./home:./company none ./mnt || exit 125
show "grep ' $W/mnt ' /proc/self/mountinfo"
grep " $W/mnt " /proc/self/mountinfo | indent
show "echo 'int main;' > ./mnt/code"
echo 'int main;' >./mnt/code
show "ls home company mnt"
ls home company mnt | indent
check "./mnt/code landed in ./home (the rw branch)" test -f home/code
check "./company (ro) is untouched" test ! -e company/code
check "./mnt shows company/policy.txt too" test -f mnt/policy.txt
check "the work directory is ./.home.uf-work, beside ./home" test -d .home.uf-work
step uf-mount -u ./mnt

# ---------------------------------------------------------------------------
say "3. a 'docker save' image: manifest.json and a layer.tar per layer"
# Three layers, as a Dockerfile would make them:
#   layer 1  FROM scratch + busybox, /etc/motd, /etc/issue, /var/lib/app/{a,b}
#   layer 2  RUN rm /etc/issue; echo new >/etc/motd; rm -rf /var/lib/app;
#            mkdir /var/lib/app; echo c >/var/lib/app/c
#            (docker stores: .wh.issue, and .wh..wh..opq in var/lib/app)
#   layer 3  COPY run /app/run
mk=$W/docker-build
mkdir -p "$mk"/l1/bin "$mk"/l1/etc "$mk"/l1/var/lib/app "$mk"/l1/proc "$mk"/l1/sys "$mk"/l1/dev
cp "$busybox" "$mk/l1/bin/busybox"
for a in sh cat ls echo; do ln -s busybox "$mk/l1/bin/$a"; done
echo "motd of layer 1" >"$mk/l1/etc/motd"
echo "issue of layer 1" >"$mk/l1/etc/issue"
echo a >"$mk/l1/var/lib/app/a"
echo b >"$mk/l1/var/lib/app/b"
mkdir -p "$mk"/l2/etc "$mk"/l2/var/lib/app
: >"$mk/l2/etc/.wh.issue"
echo "motd of layer 2" >"$mk/l2/etc/motd"
: >"$mk/l2/var/lib/app/.wh..wh..opq"
echo c >"$mk/l2/var/lib/app/c"
mkdir -p "$mk"/l3/app
printf '#!/bin/sh\necho "docker app: motd: $(cat /etc/motd); /var/lib/app: $(ls /var/lib/app | tr "\\n" " ")"\n' >"$mk/l3/app/run"
chmod +x "$mk/l3/app/run"
mkdir -p image.tar.d
layers=()
for i in 1 2 3; do
	id=$(printf 'layer%d' "$i" | sha256sum | cut -c1-64)
	mkdir -p "image.tar.d/$id"
	tar -C "$mk/l$i" --numeric-owner -cf "image.tar.d/$id/layer.tar" .
	echo 1.0 >"image.tar.d/$id/VERSION"
	layers+=("\"$id/layer.tar\"")
done
# Layers are listed bottom first, as docker save does.
printf '[{"Config":"config.json","RepoTags":["boxex/app:1"],"Layers":[%s]}]\n' \
	"$(
		IFS=,
		echo "${layers[*]}"
	)" >image.tar.d/manifest.json
echo '{"architecture":"amd64","os":"linux"}' >image.tar.d/config.json
tar -C image.tar.d -cf image.tar .
rm -rf image.tar.d "$mk"
show "tar -tf image.tar"
tar -tf image.tar | indent
show "tar -xOf image.tar ./manifest.json"
tar -xOf image.tar ./manifest.json | indent

say "   unpack it: the layer list from manifest.json, each layer.tar into a directory"
mkdir -p saved
step tar -C saved -xf image.tar
# The first image's "Layers" array: strings between quotes, bottom first.
mapfile -t order < <(grep -o '"Layers":\[[^]]*\]' saved/manifest.json | head -1 |
	sed 's/^"Layers":\[//; s/\]$//' | tr ',' '\n' | sed 's/^ *"//; s/" *$//')
[ "${#order[@]}" -gt 0 ] || { bad "no Layers in manifest.json"; exit 1; }
# setfattr (package attr) sets the opaque xattr; Python can do it too.
setxattr() {
	if command -v setfattr >/dev/null; then
		setfattr -n "$1" -v "$2" "$3"
	else
		/usr/bin/python3 -c 'import os,sys; os.setxattr(sys.argv[3], sys.argv[1], sys.argv[2].encode())' "$@"
	fi
}
lowers=()
i=0
for tarfile in "${order[@]}"; do
	i=$((i + 1))
	case $tarfile in /* | *..*) bad "hostile layer path $tarfile"; exit 1 ;; esac
	dir=$W/layers/$i
	mkdir -p "$dir"
	step tar -C "$dir" --numeric-owner -xf "saved/$tarfile"
	# Whiteouts, from the tar form to overlayfs's.  An opaque marker says
	# "hide everything below this directory"; a .wh.NAME hides NAME.
	while IFS= read -r -d '' wh; do
		show "setfattr -n trusted.overlay.opaque -v y ${wh%/*}  # was ${wh#"$W"/}"
		setxattr trusted.overlay.opaque y "${wh%/*}" && rm -f "$wh"
	done < <(find "$dir" -name '.wh..wh..opq' -print0)
	while IFS= read -r -d '' wh; do
		name=${wh##*/}
		show "mknod ${wh%/*}/${name#.wh.} c 0 0  # was ${wh#"$W"/}"
		mknod "${wh%/*}/${name#.wh.}" c 0 0 && rm -f "$wh"
	done < <(find "$dir" -name '.wh.*' -print0)
	lowers=(--lower "$dir" "${lowers[@]}") # the last layer goes on top
done

say "   stack them in manifest order, the top layer first, and run the image"
mkdir -p drw/up drw/work drootfs
step uf-mount "${lowers[@]}" --upper drw/up --work drw/work drootfs || exit 125
show "ls drootfs/etc drootfs/var/lib/app"
ls drootfs/etc drootfs/var/lib/app | indent
check "layer 2's whiteout hides layer 1's /etc/issue" test ! -e drootfs/etc/issue
check "layer 1 still holds etc/issue" test -f "$W/layers/1/etc/issue"
check "layer 2's opaque /var/lib/app hides a and b, shows c" \
	test "$(ls drootfs/var/lib/app | tr '\n' ' ')" = "c "
check "/etc/motd comes from layer 2" grep -qx "motd of layer 2" drootfs/etc/motd
step uf-mount -u drootfs || exit 125
show "ns-unshare --mount --pid --fork \\"
show "  uf-mount ${lowers[*]} --upper drw/up --work drw/work drootfs \\"
show "  pivot drootfs /app/run"
ns-unshare --mount --pid --fork \
	uf-mount "${lowers[@]}" --upper drw/up --work drw/work drootfs \
	pivot drootfs /app/run | tee "$W/docker-run.out" | indent
check "the image runs and sees the merged layers" \
	grep -qx "docker app: motd: motd of layer 2; /var/lib/app: c " "$W/docker-run.out"

if [ "$failures" -eq 0 ]; then say "layers done: every check passed"; else say "layers done: $failures check(s) failed"; fi
exit $((failures > 0))
