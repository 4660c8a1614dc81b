# shellcheck shell=bash
# tests/lib-rootfs.sh - busybox_rootfs DIR: a busybox-static root file system
# in DIR (applets as relative links, so the image holds together after a
# pivot; passwd and group with root and nobody; /tmp sticky).  Returns 1
# when busybox is not installed.  Sourced by tests/lib.sh and bench/lib.sh.

busybox_rootfs() {
	local r=$1 bb d a
	bb=$(command -v busybox || echo /bin/busybox)
	[ -x "$bb" ] || return 1
	for d in bin sbin etc proc sys dev tmp root usr/bin usr/sbin var/tmp run; do
		mkdir -p "$r/$d"
	done
	cp "$bb" "$r/bin/busybox"
	for a in $("$r/bin/busybox" --list); do
		[ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$r/etc/passwd"
	echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >>"$r/etc/passwd"
	echo 'root:x:0:' >"$r/etc/group"
	echo 'nogroup:x:65534:' >>"$r/etc/group"
	chmod 1777 "$r/tmp"
}
