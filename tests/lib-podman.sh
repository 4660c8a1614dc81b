# shellcheck shell=bash
# tests/lib-podman.sh - Podman for the suites that run it (ns-list.sh,
# box-runtime.sh): a containers.conf of the test's own and a prelude
# that the test's runner script sources inside the mount, network and
# cgroup namespace the test made.  Source it after lib.sh.
#
# containers.conf: this machine withholds CAP_SYS_RESOURCE, so the
# default ulimits must stay within the hard limits, or setting them
# fails; no systemd, so cgroupfs and a file for events; podman's network
# configurations and lock (netavark's, when it is installed) go below
# the test's directory, not the host's /etc/containers/networks.

# podman_conf DIR [RUNTIME]: DIR/containers.conf and DIR/prelude.sh
podman_conf() {
	local d=$1 runtime=${2:-}
	mkdir -p "$d/networks" || return 1
	{
		printf '[containers]\n'
		printf 'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]\n'
		printf '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n'
		[ -n "$runtime" ] && printf 'runtime = "%s"\n' "$runtime"
		printf '[network]\nnetwork_config_dir = "%s"\n' "$d/networks"
	} >"$d/containers.conf" || return 1
	# Sourced by the runner inside the test's namespaces: tmpfs over
	# /run, /var/lib/cni and /var/lib/containers, and the cgroup
	# hierarchies again, seen from inside the cgroup namespace (a fresh
	# tmpfs under them, as mount(8) will not mount one twice).
	cat >"$d/prelude.sh" <<-'PRELUDE'
	mount -t tmpfs tmpfs /run || exit 1
	for m in /var/lib/cni /var/lib/containers; do
		mkdir -p "$m" && mount -t tmpfs tmpfs "$m" || exit 1
	done
	sh "$BOX_TESTS/lib-cgns.sh" "$d/cgmounts" || exit 1
	export CONTAINERS_CONF=$d/containers.conf
	PRELUDE
}

# podman_script DIR: DIR/run.sh, which a test runs inside its namespaces
# as `sh DIR/run.sh DIR`: the prelude, $P (podman with box-runtime, vfs
# storage, private --root/--runroot, cgroupfs, events in a file), the
# image DIR/busybox.tar imported as boxtest/busybox, then the body read
# from stdin.  "== start" on stdout tells that Podman came up.
podman_script() {
	local d=$1
	{
		cat <<-'HEAD'
		d=$1
		. "$d/prelude.sh"
		# one line: script -c takes it as a command string too; the
		# runroot on the namespace's own /run (podman takes at most
		# 50 characters there)
		P="podman --root $d/root --runroot /run/podman --storage-driver vfs"
		P="$P --cgroup-manager cgroupfs --events-backend file"
		P="$P --runtime $BOX_BIN/box-runtime"
		# a write to a process that died is an error, not our end
		trap '' PIPE
		$P import "$d/busybox.tar" boxtest/busybox >/dev/null || exit 1
		echo "== start"
		HEAD
		cat
		printf '%s\n' '$P rm -af -t 0 >/dev/null 2>&1' \
			'$P rmi -f boxtest/busybox >/dev/null 2>&1'
	} >"$d/run.sh"
}
