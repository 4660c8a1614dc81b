# shellcheck shell=bash
# tests/lib-cni.sh - a CNI runtime in a few lines of shell, to drive a
# plugin by the protocol: the CNI_* variables set, the configuration on
# stdin, the result or error JSON from stdout.  Sourced by tests/cni.sh
# and bench/cni.sh.
#
#   cni_plugin_dir DIR    veth-link installed in DIR as boxutils-veth,
#                         beside Debian's reference plugins
#   cni_call CMD CONF [CONTAINERID NETNS IFNAME]
#                         run the plugin named by CONF's "type" for CMD;
#                         sets $rc, $out (stdout: JSON), $err
#   cni_field JSON FILTER jq FILTER on JSON, raw

CNI_REF_DIR=${CNI_REF_DIR:-/usr/lib/cni}

cni_plugin_dir() {
	mkdir -p "$1" || return 1
	ln -sf "$BOX_BIN/veth-link" "$1/boxutils-veth"
	CNI_PATH=$1:$CNI_REF_DIR
	export CNI_PATH
}

# cni_call CMD CONF [CONTAINERID NETNS IFNAME]
# shellcheck disable=SC2034 # rc, out, err are read by the suites
cni_call() {
	local cmd=$1 conf=$2 type dir plugin=
	type=$(printf '%s' "$conf" | jq -r '.type // empty' 2>/dev/null)
	[ -n "$type" ] || type=boxutils-veth
	local IFS=:
	for dir in $CNI_PATH; do
		[ -x "$dir/$type" ] && plugin=$dir/$type && break
	done
	unset IFS
	[ -n "$plugin" ] || {
		rc=127 out='' err="no plugin $type in $CNI_PATH"
		return
	}
	out=$(printf '%s' "$conf" | CNI_COMMAND=$cmd \
		CNI_CONTAINERID=${3-ctr1} CNI_NETNS=${4-/run/netns/c1} \
		CNI_IFNAME=${5-eth0} "$plugin" 2>"$BOX_TMP/.cni-err")
	rc=$?
	err=$(cat "$BOX_TMP/.cni-err")
}

cni_field() {
	printf '%s' "$1" | jq -r "$2"
}

# cni_with_prev CONF RESULT: CONF with prevResult RESULT, as a
# runtime passes a chained plugin (and CHECK and DEL) the last result
cni_with_prev() {
	jq -c --argjson r "$2" '. + {prevResult: $r}' <<<"$1"
}
