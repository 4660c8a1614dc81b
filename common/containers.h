/*
 * containers.h - the containers on this host, as ns-list shows them and
 * as ns-enter --container finds them: processes grouped by their set of
 * namespaces, each group named by the runtime that made it.
 *
 * Where a runtime and its ID or name come from, in this order, a field
 * once known being kept: the cgroup path (docker-ID.scope, libpod-ID,
 * cri-containerd-ID, crio-ID, kubepods, lxc.payload.NAME,
 * machine-NAME.scope), the command line of the parent (conmon -c ID -n
 * NAME, containerd-shim -namespace NS -id ID, lxc monitor, systemd-nspawn
 * -M NAME, bwrap, unshare, ns-unshare, runc/crun run ID), and the state
 * directories of runc and crun (state.json, status) and of Docker,
 * containerd and CRI-O (config files holding names and annotations).
 * A container that still has no name is named by the hostname of its own
 * UTS namespace, where it has one.
 *
 * The parsers of what other programs wrote (a JSON file, a command line,
 * a cgroup path) are pure functions here, so they can be fuzzed.
 */
#ifndef BOX_CONTAINERS_H
#define BOX_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum ct_runtime {
	RT_NONE,
	RT_DOCKER,
	RT_PODMAN,
	RT_CONTAINERD,
	RT_CRIO,
	RT_KUBERNETES,
	RT_RUNC,
	RT_CRUN,
	RT_LXC,
	RT_NSPAWN,
	RT_BWRAP,
	RT_BOXUTILS,
	RT_UNSHARE,
	RT_COUNT,
};

/* "docker", "podman", ..., "-" for RT_NONE. */
const char *ct_runtime_name(int rt);

#define CT_ID_MAX   80
#define CT_NAME_MAX 256
#define CT_NS_MAX   8

/* Who made a container: filled from several sources, first one wins. */
struct ct_ident {
	int rt;
	char id[CT_ID_MAX];
	char name[CT_NAME_MAX];
};

/*
 * The runtime, ID and name a cgroup path tells (one path, as a line of
 * /proc/PID/cgroup has it after the second ':').  Returns true when the
 * path matched a runtime's pattern; fields already set are kept.
 */
bool ct_from_cgroup(const char *path, struct ct_ident *id);

/*
 * The runtime, ID and name a parent's command line tells: len bytes of
 * NUL-separated arguments as /proc/PID/cmdline holds them (the last one
 * need not be terminated).  Returns true when argv[0] was a known
 * runtime's.
 */
bool ct_from_cmdline(const char *buf, size_t len, struct ct_ident *id);

/*
 * A small strict JSON reader (RFC 8259, nesting at most 64 deep): the
 * scalar at the object-key path[0..npath-1] of the document buf[0..len)
 * (which need not be NUL-terminated), copied into out as text (a string
 * decoded, a number or true/false/null as written).  0 when found; -1
 * with errno EINVAL when the document is not JSON, ENOENT when it has no
 * scalar at the path, ERANGE when the value does not fit in out, EILSEQ
 * for a string holding "\u0000".  The whole document is checked either
 * way, so a broken file is never half-believed.
 */
int json_get(const char *buf, size_t len, const char *const *path,
	     unsigned npath, char *out, size_t outsz);

/* One container: a set of namespaces and the processes in it. */
struct ct {
	pid_t pid;	/* init: the first process of the set */
	pid_t ppid;	/* its parent */
	pid_t launcher; /* a parent outside only its PID ns, or 0 */
	int parent;	/* index of the enclosing container, or -1 */
	uid_t uid;
	unsigned nprocs;
	unsigned own; /* bit i: ns_types[i] differs from the host's */
	unsigned long long start; /* init's start time, clock ticks */
	ino_t ns[CT_NS_MAX];	  /* inode of each ns_types[] namespace */
	char comm[32];
	char cmd[256]; /* command line, spaces between arguments */
	char cgroup[512];
	char hostname[65]; /* of its own UTS namespace, "" none */
	bool named_host;   /* and it differs from ours: a name */
	char addr[256];	   /* "10.0.0.2/24,fd00::2/64"; "" none */
	struct ct_ident ident;
};

struct ct_list {
	struct ct *v;
	size_t n;
};

enum {
	CT_ADDR = 1 << 0, /* read each network namespace's addresses */
};

/*
 * Scan /proc: every set of namespaces other than the host's (PID 1's)
 * becomes a container.  A process that vanishes during the scan is left
 * out, as if the scan had come a moment later.  Returns 0, or -1 with
 * errno when /proc itself cannot be read.
 */
int ct_scan(struct ct_list *l, unsigned flags);
void ct_free(struct ct_list *l);

/*
 * The containers that key names: an exact ID or name, else the only
 * container whose ID starts with key (Docker's short IDs).  Indices go
 * to idx (room for max); returns how many matched (may exceed max).
 */
size_t ct_match(const struct ct_list *l, const char *key, size_t *idx,
		size_t max);

#endif
