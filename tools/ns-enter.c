/*
 * ns-enter - run a program in the namespaces of a running process, or in
 * namespaces kept in files.
 *
 *	ns-enter [options] [--] [prog [arg...]]
 *
 * Plan first, act after: every namespace file, directory, environment and
 * cgroup of the target is opened or read while we still stand in our own
 * namespaces; then we check the target (held by a pidfd) was not reaped
 * meanwhile, so its PID cannot have been recycled into another process;
 * only then do we join its cgroups, enter, switch root, change
 * credentials and exec.
 */
/* boxutils-pkgs: mount */
#include "box.h"
#include "cgroup.h"
#include "containers.h"
#include "exec.h"
#include "ns.h"
#include "parse.h"
#include "pidfd.h"
#include "pty.h"

#include <libmount.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_MAX 8

enum {
	OPT_NETNS = 256,
	OPT_PRESERVE,
	OPT_PTY,
	OPT_CONTAINER,
};

static const struct option longopts[] = {
	{ "target", required_argument, NULL, 't' },
	{ "container", required_argument, NULL, OPT_CONTAINER },
	{ "all", no_argument, NULL, 'a' },
	{ "mount", optional_argument, NULL, 'm' },
	{ "uts", optional_argument, NULL, 'u' },
	{ "ipc", optional_argument, NULL, 'i' },
	{ "net", optional_argument, NULL, 'n' },
	{ "pid", optional_argument, NULL, 'p' },
	{ "user", optional_argument, NULL, 'U' },
	{ "cgroup", optional_argument, NULL, 'C' },
	{ "time", optional_argument, NULL, 'T' },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "setuid", required_argument, NULL, 'S' },
	{ "setgid", required_argument, NULL, 'G' },
	{ "preserve-credentials", no_argument, NULL, OPT_PRESERVE },
	{ "root", optional_argument, NULL, 'r' },
	{ "wd", optional_argument, NULL, 'w' },
	{ "env", no_argument, NULL, 'e' },
	{ "join-cgroup", no_argument, NULL, 'c' },
	{ "no-fork", no_argument, NULL, 'F' },
	{ "pty", no_argument, NULL, OPT_PTY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* What a user asked for, as parsed; nothing is opened while parsing. */
static struct {
	pid_t pid;			/* 0: no target */
	const char *container;		/* --container NAME|ID */
	bool all, env, cgroup, nofork, pty, preserve;
	bool uid_set, gid_set;
	uid_t uid;
	gid_t gid;
	bool root, wd;			/* --root / --wd given */
	const char *root_dir, *wd_dir;	/* their DIR, or NULL: the target's */
	char netns_path[PATH_MAX];
} opt;

/* One row per ns_types[] entry: whether and from where to enter it. */
static struct nsent {
	bool want;
	const char *file;	/* user's FILE, or NULL: the target's */
	int fd;
} ns[NS_MAX];

/* A hierarchy of the target's cgroups we must move into. */
struct cgjoin {
	char path[PATH_MAX];
	int fd;
};

static struct {
	int pidfd;
	int root_fd, wd_fd;
	char **env;
	struct cgjoin cg[16];
	unsigned ncg;
	int master, slave;	/* --pty */
	bool entered_user, entered_pid, entered_mnt;
} st = { .pidfd = -1, .root_fd = -1, .wd_fd = -1, .master = -1,
	 .slave = -1 };

_Noreturn static void usage(void)
{
	printf("Usage: %s [options] [--] [prog [arg...]]\n"
	       "Run prog (default $SHELL) in the namespaces of a process or of files.\n"
	       "\n"
	       "  -t, --target PID        the process whose namespaces to enter\n"
	       "      --container NAME|ID the container ns-list shows by that name or ID\n"
	       "  -a, --all               every namespace of PID that differs from ours\n"
	       "  -m, --mount[=FILE]      mount namespace (of PID, or from FILE)\n"
	       "  -u, --uts[=FILE]        UTS namespace\n"
	       "  -i, --ipc[=FILE]        IPC namespace\n"
	       "  -n, --net[=FILE]        network namespace\n"
	       "      --netns NAME        network namespace /run/netns/NAME (ip netns)\n"
	       "  -p, --pid[=FILE]        PID namespace (prog runs in a forked child)\n"
	       "  -U, --user[=FILE]       user namespace\n"
	       "  -C, --cgroup[=FILE]     cgroup namespace\n"
	       "  -T, --time[=FILE]       time namespace\n"
	       "  -S, --setuid UID        uid to run as (default 0 in a user namespace)\n"
	       "  -G, --setgid GID        gid to run as (default 0 in a user namespace)\n"
	       "      --preserve-credentials  keep our uid and gids in a user namespace\n"
	       "  -r, --root[=DIR]        root directory (default: the target's)\n"
	       "  -w, --wd[=DIR]          working directory (default: the target's)\n"
	       "  -e, --env               take the environment of the target\n"
	       "  -c, --join-cgroup       move into the cgroups of the target\n"
	       "  -F, --no-fork           do not fork for a PID namespace\n"
	       "      --pty               run prog on a new pseudo-terminal\n"
	       "  -h, --help              show this help\n"
	       "  -V, --version           show the version\n",
	       box_prog);
	exit(0);
}

static struct nsent *ns_for_short(int c)
{
	for (unsigned i = 0; i < ns_count && i < NS_MAX; i++)
		if (ns_types[i].shortopt == c)
			return &ns[i];
	return NULL;
}

static unsigned ns_index(int flag)
{
	return (unsigned)(ns_by_flag(flag) - ns_types);
}

/* An iproute2 name is one path component under /run/netns. */
static void set_netns(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > NAME_MAX || strchr(name, '/') ||
	    !strcmp(name, ".") || !strcmp(name, ".."))
		xusage_error("bad network namespace name '%s'", name);
	snprintf(opt.netns_path, sizeof(opt.netns_path), "/run/netns/%s",
		 name);
}

static uint32_t parse_id(const char *s, const char *what)
{
	unsigned int v;

	/* (uid_t)-1 means "unchanged" to the kernel, never a real id. */
	if (parse_uint(s, &v) < 0 || v == (unsigned int)-1)
		xusage_error("bad %s '%s'", what, s);
	return v;
}

static void parse_args(int argc, char **argv)
{
	struct nsent *n;
	bool any_ns = false, need_target = false;
	int c;

	opterr = 0; /* one line of our own, not getopt's */
	while ((c = getopt_long(argc, argv,
				"+:t:am::u::i::n::p::U::C::T::S:G:r::w::ecFhV",
				longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_pid(optarg, &opt.pid) < 0)
				xusage_error("bad PID '%s' (a number 1..4194304)",
					     optarg);
			break;
		case 'a':
			opt.all = true;
			break;
		case 'm': case 'u': case 'i': case 'n':
		case 'p': case 'U': case 'C': case 'T':
			n = ns_for_short(c);
			n->want = true;
			n->file = optarg;
			if (optarg && !*optarg)
				xusage_error("empty file name for -%c", c);
			break;
		case OPT_NETNS:
			set_netns(optarg);
			break;
		case OPT_CONTAINER:
			if (!optarg || !*optarg)
				xusage_error("empty container name");
			opt.container = optarg;
			break;
		case 'S':
			opt.uid = parse_id(optarg, "uid");
			opt.uid_set = true;
			break;
		case 'G':
			opt.gid = parse_id(optarg, "gid");
			opt.gid_set = true;
			break;
		case OPT_PRESERVE:
			opt.preserve = true;
			break;
		case 'r':
			opt.root = true;
			opt.root_dir = optarg;
			break;
		case 'w':
			opt.wd = true;
			opt.wd_dir = optarg;
			break;
		case 'e':
			opt.env = true;
			break;
		case 'c':
			opt.cgroup = true;
			break;
		case 'F':
			opt.nofork = true;
			break;
		case OPT_PTY:
			opt.pty = true;
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}

	if (opt.netns_path[0]) {
		n = &ns[ns_index(CLONE_NEWNET)];
		if (n->want)
			xusage_error("--netns and --net name the same namespace");
		n->want = true;
		n->file = opt.netns_path;
	}
	for (unsigned i = 0; i < ns_count && i < NS_MAX; i++) {
		any_ns |= ns[i].want;
		need_target |= ns[i].want && !ns[i].file;
	}
	need_target |= opt.all || opt.env || opt.cgroup ||
		       (opt.root && !opt.root_dir) || (opt.wd && !opt.wd_dir);
	if (opt.container && opt.pid)
		xusage_error("--container and --target both name the target");
	if (need_target && !opt.pid && !opt.container)
		xusage_error("no target: give -t PID, --container NAME, or a "
			     "FILE to each namespace option");
	if (!any_ns && !opt.all && !opt.root && !opt.wd && !opt.env &&
	    !opt.cgroup && !opt.uid_set && !opt.gid_set && !opt.pty)
		xusage_error("nothing to enter: name namespaces, or use --all");
	if (opt.pty && opt.nofork)
		xusage_error("--pty needs a parent to relay the terminal; "
			     "drop --no-fork");
}

/* Something under /proc/PID went missing: say whether it is the process. */
static bool target_exited(void)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	if (st.pidfd >= 0 && pidfd_alive(st.pidfd) < 0)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)opt.pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	/* "PID (comm) S ...": comm may hold anything, so the last ')' */
	p = strrchr(buf, ')');
	return p && (p[2] == 'Z' || p[2] == 'X');
}

_Noreturn static void die_exited(void)
{
	xdie("process %d exited while entering it", (int)opt.pid);
}

/* Something of /proc/PID could not be had: blame the process if gone. */
_Noreturn static void die_proc(const char *path)
{
	int err = errno;
	char hint[160];

	if ((err == ENOENT || err == ESRCH) && target_exited())
		die_exited();
	if (err == EACCES || err == EPERM) {
		/* As root, the refusal is the kernel's ptrace access check:
		 * the target holds capabilities we lack (we run in a
		 * container, or with a reduced bounding set). */
		if (geteuid() == 0)
			snprintf(hint, sizeof(hint),
				 "process %d holds capabilities this process "
				 "lacks (compare CapPrm in /proc/%d/status and "
				 "/proc/self/status)",
				 (int)opt.pid, (int)opt.pid);
		else
			snprintf(hint, sizeof(hint),
				 "process %d belongs to another user: run as "
				 "root or as its owner",
				 (int)opt.pid);
		box_errh(err, hint, "open %s", path);
		exit(EXIT_TOOL);
	}
	errno = err;
	xdie_errno("open %s", path);
}

/* Open /proc/PID/WHAT of the target. */
static int open_proc(const char *what, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)opt.pid, what);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		die_proc(path);
	return fd;
}

static void stat_proc(const char *what, struct stat *sb)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)opt.pid, what);
	if (stat(path, sb) < 0)
		die_proc(path);
}

/*
 * --container: the init of the one container ns-list shows under that
 * ID or name (common/containers.c does the finding for both tools).
 */
static void resolve_container(void)
{
	struct ct_list l;
	size_t idx[8], n;
	char list[768] = "";
	size_t used = 0;

	if (ct_scan(&l, 0) < 0)
		xdie_errno("find container '%s': read /proc", opt.container);
	n = ct_match(&l, opt.container, idx, ARRAY_SIZE(idx));
	if (n == 0)
		xdie("find container '%s': no container has that ID or name "
		     "(ns-list shows them)",
		     opt.container);
	if (n > 1) {
		for (size_t i = 0; i < n && i < ARRAY_SIZE(idx); i++) {
			const struct ct *c = &l.v[idx[i]];
			int w = snprintf(list + used, sizeof(list) - used,
					 "%sPID %d %s %s%s%s", i ? ", " : "",
					 (int)c->pid,
					 ct_runtime_name(c->ident.rt),
					 c->ident.id[0] ? c->ident.id : "-",
					 c->ident.name[0] ? " " : "",
					 c->ident.name);

			if (w < 0 || (size_t)w >= sizeof(list) - used)
				break;
			used += (size_t)w;
		}
		/* IDs and names are other programs' words: no control chars */
		for (char *q = list; *q; q++)
			if ((unsigned char)*q < 0x20 || *q == 0x7f)
				*q = '?';
		xdie("find container '%s': %zu containers match: %s (give a "
		     "longer ID, or -t PID)",
		     opt.container, n, list);
	}
	opt.pid = l.v[idx[0]].pid;
	ct_free(&l);
}

/* Hold the target by a pidfd from now on. */
static void open_target(void)
{
	if (!opt.pid)
		return;
	st.pidfd = pidfd_open_pid(opt.pid);
	if (st.pidfd >= 0)
		return;
	if (errno == ESRCH)
		xdie("open process %d: no such process", (int)opt.pid);
	if (errno == EINVAL)
		xdie("open process %d: it is a thread, not a process "
		     "(give its thread group id, Tgid in /proc/%d/status)",
		     (int)opt.pid, (int)opt.pid);
	/* ENOSYS: a kernel before 5.3 works on, without the recycle check */
	if (errno != ENOSYS)
		xdie_errno("open process %d", (int)opt.pid);
}

static bool same_ns(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * Which namespaces of the target to enter.  --all takes each one that
 * differs from ours; the user namespace is left out when it is ours in
 * every case, since the kernel refuses to re-enter one's own (that would
 * hand a process that dropped capabilities a full set again).
 */
static void plan_namespaces(void)
{
	struct stat mine, theirs;
	char path[64], rel[16];

	for (unsigned i = 0; i < ns_count && i < NS_MAX; i++) {
		const struct ns_type *t = &ns_types[i];
		struct nsent *n = &ns[i];

		ns[i].fd = -1;
		if (n->file || (!n->want && !opt.all))
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", t->file);
		if (stat(path, &mine) < 0) {
			if (!n->want)
				continue;	/* --all: kernel lacks it */
			xdie("enter %s namespace: this kernel has none",
			     t->option);
		}
		snprintf(rel, sizeof(rel), "ns/%s", t->file);
		stat_proc(rel, &theirs);
		if (same_ns(&mine, &theirs) &&
		    (t->flag == CLONE_NEWUSER || !n->want))
			n->want = false;
		else
			n->want = true;
	}
}

/* The fd of a namespace FILE, checked to be a namespace of that type. */
static int open_ns_file(const struct ns_type *t, const char *file)
{
	int fd, type;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		xdie_errno("open %s namespace %s", t->option, file);
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type < 0)
		xdie("open %s namespace %s: not a namespace file "
		     "(use /proc/PID/ns/%s or a bind mount of it)",
		     t->option, file, t->file);
	if (type != t->flag) {
		const struct ns_type *other = ns_by_flag(type);

		xdie("open %s namespace %s: it is a namespace of another "
		     "type (%s)", t->option, file,
		     other ? other->option : "unknown");
	}
	return fd;
}

static void open_namespaces(void)
{
	struct stat mine, theirs;
	char rel[16];

	for (unsigned i = 0; i < ns_count && i < NS_MAX; i++) {
		struct nsent *n = &ns[i];

		if (!n->want || n->fd >= 0)
			continue;
		if (n->file) {
			n->fd = open_ns_file(&ns_types[i], n->file);
		} else {
			snprintf(rel, sizeof(rel), "ns/%s", ns_types[i].file);
			n->fd = open_proc(rel, O_RDONLY);
		}
		/* The kernel refuses our own user namespace: nothing to do. */
		if (ns_types[i].flag == CLONE_NEWUSER &&
		    stat("/proc/self/ns/user", &mine) == 0 &&
		    fstat(n->fd, &theirs) == 0 && same_ns(&mine, &theirs)) {
			close(n->fd);
			n->fd = -1;
			n->want = false;
		}
	}
}

/* Every namespace comes from the target: one setns(pidfd) can do it. */
static bool all_from_target(void)
{
	for (unsigned i = 0; i < ns_count && i < NS_MAX; i++)
		if (ns[i].want && ns[i].file)
			return false;
	return st.pidfd >= 0;
}

static int open_dir(const char *dir, const char *proc, const char *what)
{
	int fd;

	if (!dir)
		return open_proc(proc, O_PATH | O_DIRECTORY);
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		xdie_errno("open %s %s", what, dir);
	return fd;
}

/* The whole of a file, NUL-terminated; *len without the NUL. */
static char *read_all(int fd, const char *name, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	if (!buf)
		xdie_errno("read %s", name);
	while ((r = read(fd, buf + n, cap - n - 1)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			xdie_errno("read %s", name);
		}
		n += r;
		if (cap - n < 2) {
			char *nb = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;

			if (!nb)
				xdie("read %s: too large", name);
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *read_proc(const char *what, size_t *len)
{
	char name[PATH_MAX];

	snprintf(name, sizeof(name), "/proc/%d/%s", (int)opt.pid, what);
	return read_all(open_proc(what, O_RDONLY), name, len);
}

static char *read_self(const char *what, size_t *len)
{
	char name[PATH_MAX];
	int fd;

	snprintf(name, sizeof(name), "/proc/self/%s", what);
	fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		xdie_errno("open %s", name);
	return read_all(fd, name, len);
}

/* The target's environment: NUL-separated "NAME=value" entries. */
static void read_env(void)
{
	size_t len, count = 0, k = 0;
	char *buf = read_proc("environ", &len), *p;

	for (p = buf; p < buf + len; p += strlen(p) + 1)
		count++;
	st.env = calloc(count + 1, sizeof(char *));
	if (!st.env)
		xdie_errno("read /proc/%d/environ", (int)opt.pid);
	for (p = buf; p < buf + len; p += strlen(p) + 1)
		if (strchr(p, '=') && *p != '=')
			st.env[k++] = p;
}

/* --- cgroups --------------------------------------------------------- */

/* Every controller of "cpu,cpuacct" is among the super options. */
static bool has_controllers(const char *superopts, const char *ctrls)
{
	char want[256], have[1024], *w, *h, *sw, *sh;
	bool found;

	snprintf(want, sizeof(want), "%s", ctrls);
	for (w = strtok_r(want, ",", &sw); w; w = strtok_r(NULL, ",", &sw)) {
		snprintf(have, sizeof(have), "%s", superopts);
		found = false;
		for (h = strtok_r(have, ",", &sh); h && !found;
		     h = strtok_r(NULL, ",", &sh))
			found = !strcmp(h, w);
		if (!found)
			return false;
	}
	return true;
}

/*
 * Where the hierarchy holding ctrls ("" for cgroup2) shows cgroup path
 * in our mount namespace: mount point plus path below the mount's root.
 * The table is libmount's, which undoes mountinfo's escapes.
 */
static bool cgroup_dir(struct libmnt_table *tb, const char *ctrls,
		       const char *path, char *out, size_t outlen)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;
	bool found = false;

	while (it && !found && mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *type = mnt_fs_get_fstype(fs);
		const char *super = mnt_fs_get_fs_options(fs);
		const char *root = mnt_fs_get_root(fs);
		const char *target = mnt_fs_get_target(fs);
		size_t rl;

		if (!type || !root || !target)
			continue;
		if (*ctrls ? strcmp(type, "cgroup") || !super ||
				     !has_controllers(super, ctrls)
			   : strcmp(type, "cgroup2"))
			continue;
		rl = strcmp(root, "/") ? strlen(root) : 0;
		if (strncmp(path, root, rl) || (path[rl] && path[rl] != '/'))
			continue; /* this mount does not show that cgroup */
		found = (size_t)snprintf(out, outlen, "%s%s", target,
					 path + rl) < outlen;
	}
	mnt_free_iter(it);
	return found;
}

/* Our own cgroup in hierarchy id (from /proc/self/cgroup) is path. */
static bool in_cgroup(const char *mine, const char *id, const char *path)
{
	for (const char *l = mine; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		size_t il = strcspn(l, ":"), pl;
		const char *p;

		if (il != strlen(id) || strncmp(l, id, il))
			continue;
		p = strchr(l + il + 1, ':');
		if (!p)
			return false;
		pl = strcspn(++p, "\n");
		return pl == strlen(path) && !strncmp(p, path, pl);
	}
	return false;
}

/* A ".." component: a path that climbs out of where it claims to be. */
static bool has_dotdot(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') && (p[2] == '/' || !p[2]))
			return true;
	return false;
}

/*
 * "ID:CONTROLLERS:PATH" into its three parts, in place; false when the
 * line has another shape.
 */
static bool split_cgroup_line(char *line, char *id, size_t idsize,
			      char **ctrls, char **path)
{
	size_t idl = strcspn(line, ":");
	char *c = line + idl, *p;

	if (idl == 0 || idl >= idsize || *c != ':')
		return false;
	p = strchr(c + 1, ':');
	if (!p || p[1] != '/')
		return false;
	memcpy(id, line, idl);
	id[idl] = '\0';
	*p = '\0';
	*ctrls = c + 1;
	*path = p + 1;
	return true;
}

/*
 * --join-cgroup: for each hierarchy of the target ("ID:CONTROLLERS:PATH"
 * in /proc/PID/cgroup), open cgroup.procs (v1: tasks) of the same PATH in our mount
 * of that hierarchy.  Both texts give paths relative to our cgroup
 * namespace, as does the root column of our mountinfo, so they agree.
 */
static void open_cgroups(void)
{
	size_t len, slen;
	char *theirs = read_proc("cgroup", &len), *line, *save;
	char *mine = read_self("cgroup", &slen);
	struct libmnt_table *mounts = mnt_new_table_from_file("/proc/self/mountinfo");
	char seen[512] = ",";

	if (!mounts)
		xdie_errno("join cgroups: read /proc/self/mountinfo");

	for (line = strtok_r(theirs, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *ctrls, *path, id[32], tag[40];
		struct cgjoin *j;

		if (!split_cgroup_line(line, id, sizeof(id), &ctrls, &path))
			xdie("read /proc/%d/cgroup: bad line '%s'", (int)opt.pid,
			     line);
		/*
		 * A cgroup name may hold a newline; a forged line repeats a
		 * hierarchy id, which we refuse rather than guess.
		 */
		snprintf(tag, sizeof(tag), ",%s,", id);
		if (strstr(seen, tag))
			xdie("read /proc/%d/cgroup: hierarchy %s listed twice",
			     (int)opt.pid, id);
		if (strlen(seen) + strlen(id) + 2 < sizeof(seen))
			strcat(strcat(seen, id), ",");
		if (has_dotdot(path))
			xdie("join cgroup %s of process %d: it is outside our "
			     "cgroup namespace", path, (int)opt.pid);
		if (in_cgroup(mine, id, path))
			continue;	/* already there */
		if (st.ncg == ARRAY_SIZE(st.cg))
			xdie("join cgroup: too many hierarchies");
		j = &st.cg[st.ncg];
		if (!cgroup_dir(mounts, ctrls, path, j->path, sizeof(j->path)))
			xdie("join cgroup %s of process %d: its hierarchy "
			     "'%s' is not mounted here", path, (int)opt.pid,
			     *ctrls ? ctrls : "cgroup2");
		if (strlen(j->path) + sizeof("/cgroup.procs") > sizeof(j->path))
			xdie("join cgroup %s: path too long", j->path);
		strcat(strcat(j->path, "/"), cg_join_file(!*ctrls));
		j->fd = open(j->path, O_WRONLY | O_CLOEXEC);
		if (j->fd < 0)
			xdie_errno("open %s", j->path);
		st.ncg++;
	}
	mnt_unref_table(mounts);
	free(mine);
	free(theirs);
}

static void join_cgroups(void)
{
	for (unsigned i = 0; i < st.ncg; i++) {
		/* "0" is the writer itself, whatever PID namespace it is in. */
		if (write(st.cg[i].fd, "0", 1) != 1) {
			int err = errno;

			box_errh(err,
				 err == EBUSY || err == EOPNOTSUPP
					 ? "cgroup v2 allows processes only in "
					   "leaf cgroups"
					 : box_priv_hint(err),
				 "join cgroup %s", st.cg[i].path);
			exit(EXIT_TOOL);
		}
		close(st.cg[i].fd);
	}
}

/* --- namespaces ------------------------------------------------------ */

static bool have_sys_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return geteuid() == 0;
	return d[0].effective & (1u << CAP_SYS_ADMIN);
}

_Noreturn static void die_setns(unsigned i, int err)
{
	const struct ns_type *t = &ns_types[i];
	const char *hint = NULL;
	char what[PATH_MAX + 32], hbuf[128];
	uid_t owner;

	if (ns[i].file)
		snprintf(what, sizeof(what), "%s", ns[i].file);
	else
		snprintf(what, sizeof(what), "of process %d", (int)opt.pid);
	if (err == EPERM && t->flag == CLONE_NEWUSER &&
	    ioctl(ns[i].fd, NS_GET_OWNER_UID, &owner) == 0 &&
	    owner != geteuid()) {
		snprintf(hbuf, sizeof(hbuf),
			 "it belongs to uid %u: only its owner or root may "
			 "enter it", (unsigned)owner);
		hint = hbuf;
	} else if (err == EPERM && t->flag != CLONE_NEWUSER) {
		hint = !ns[ns_index(CLONE_NEWUSER)].want
			       ? "needs CAP_SYS_ADMIN over it: run as root, "
				 "or enter its user namespace too (-U)"
			       : "needs CAP_SYS_ADMIN in the user namespace "
				 "that owns it";
	} else if (err == EINVAL && t->flag == CLONE_NEWUSER) {
		hint = "a process with threads cannot change user namespace";
	}
	box_errh(err, hint, "enter %s namespace %s", t->option, what);
	exit(EXIT_TOOL);
}

static void mark_entered(int flag)
{
	if (flag == CLONE_NEWUSER)
		st.entered_user = true;
	else if (flag == CLONE_NEWPID)
		st.entered_pid = true;
	else if (flag == CLONE_NEWNS)
		st.entered_mnt = true;
}

/*
 * One namespace at a time, from the fds opened before.  The user
 * namespace goes first or last as privilege requires:
 *  - without CAP_SYS_ADMIN we have no right to the target's other
 *    namespaces until we hold all capabilities in the user namespace that
 *    owns them, which entering it gives us: so it goes first;
 *  - with CAP_SYS_ADMIN we may already enter everything, and entering
 *    the user namespace first would confine our capabilities to it, so
 *    any namespace owned by an outer user namespace (a rootful runtime's
 *    network namespace, say) could no longer be joined: so it goes last.
 *    A namespace refused before it is tried again after, in case it is
 *    owned by the target's user namespace and we are privileged only
 *    there.
 */
static void enter_each(void)
{
	unsigned user = ns_index(CLONE_NEWUSER);
	bool user_first = !have_sys_admin();
	bool retry[NS_MAX] = { false };

	if (user_first && ns[user].want) {
		if (setns(ns[user].fd, CLONE_NEWUSER) < 0)
			die_setns(user, errno);
		mark_entered(CLONE_NEWUSER);
	}
	for (unsigned i = 0; i < ns_count && i < NS_MAX; i++) {
		if (i == user || !ns[i].want)
			continue;
		if (setns(ns[i].fd, ns_types[i].flag) < 0) {
			if (errno == EPERM && !user_first && ns[user].want) {
				retry[i] = true;
				continue;
			}
			die_setns(i, errno);
		}
		mark_entered(ns_types[i].flag);
	}
	if (!user_first && ns[user].want) {
		if (setns(ns[user].fd, CLONE_NEWUSER) < 0)
			die_setns(user, errno);
		mark_entered(CLONE_NEWUSER);
	}
	for (unsigned i = 0; i < ns_count && i < NS_MAX; i++) {
		if (!retry[i])
			continue;
		if (setns(ns[i].fd, ns_types[i].flag) < 0)
			die_setns(i, errno);
		mark_entered(ns_types[i].flag);
	}
	for (unsigned i = 0; i < ns_count && i < NS_MAX; i++)
		if (ns[i].fd >= 0)
			close(ns[i].fd);
}

/*
 * Enter the namespaces.  When all come from the target, setns() on its
 * pidfd (Linux 5.8) enters them in one step: atomically, from the live
 * process itself, checking every permission against our credentials
 * before the switch, so the user namespace needs no ordering.  On an
 * older kernel, or to report exactly which namespace refused, fall back
 * to one file at a time (the pidfd call changed nothing if it failed).
 */
static void enter_namespaces(void)
{
	int flags = 0;

	for (unsigned i = 0; i < ns_count && i < NS_MAX; i++)
		if (ns[i].want)
			flags |= ns_types[i].flag;
	if (!flags)
		return;
	if (all_from_target()) {
		if (setns(st.pidfd, flags) == 0) {
			for (unsigned i = 0; i < ns_count && i < NS_MAX; i++)
				if (ns[i].want)
					mark_entered(ns_types[i].flag);
			return;
		}
		if (errno == ESRCH)
			die_exited();
		open_namespaces();
		if (pidfd_alive(st.pidfd) < 0)
			die_exited();
	}
	enter_each();
}

/* --- after entering -------------------------------------------------- */

static void change_root(void)
{
	if (st.root_fd >= 0) {
		if (fchdir(st.root_fd) < 0 || chroot(".") < 0)
			xdie_errno("change root to %s",
				   opt.root_dir ? opt.root_dir : "the target's");
		close(st.root_fd);
	}
	if (st.wd_fd >= 0) {
		if (fchdir(st.wd_fd) < 0)
			xdie_errno("change directory to %s",
				   opt.wd_dir ? opt.wd_dir : "the target's");
		close(st.wd_fd);
	} else if (st.root_fd >= 0 && chdir("/") < 0) {
		xdie_errno("change directory to / of the new root");
	}
}

/*
 * --pty: prefer a terminal from the target's own /dev/ptmx, so the
 * program finds its tty under its /dev/pts; keep the one opened in our
 * namespaces before entering when that fails (no devpts in the target).
 */
static void open_pty_inside(void)
{
	int master, slave;

	if (!opt.pty || !(st.entered_mnt || st.root_fd >= 0))
		return;
	master = pty_open("/dev/ptmx", &slave);
	if (master < 0)
		return;
	close(st.master);
	close(st.slave);
	st.master = master;
	st.slave = slave;
	pty_copy_settings(STDIN_FILENO, st.slave);
}

/* setgid or setuid; a default id that is not mapped is left alone. */
static void set_id(bool group, unsigned id, bool given)
{
	int r = group ? setgid(id) : setuid(id);

	if (r == 0 || (errno == EINVAL && !given))
		return;
	box_errh(errno,
		 errno != EINVAL ? box_priv_hint(errno)
		 : group	 ? "it is not mapped in the user namespace; try "
				   "another -G or --preserve-credentials"
				 : "it is not mapped in the user namespace; try "
				   "another -S or --preserve-credentials",
		 "set %s %u", group ? "gid" : "uid", id);
	exit(EXIT_TOOL);
}

/*
 * Having entered a user namespace we become root there, as nsenter(1)
 * does.  Where 0 is not mapped (bubblewrap and other rootless sandboxes
 * map only their user's own ids) we keep ours instead of failing, as
 * --preserve-credentials would.  An id given with -S or -G must be mapped.
 */
static void set_credentials(void)
{
	bool to_root = st.entered_user && !opt.preserve;

	if (opt.gid_set || to_root) {
		/*
		 * Supplementary groups go with the old identity; a user
		 * namespace whose setgroups is "deny" keeps them unmapped.
		 */
		if (setgroups(0, NULL) < 0 &&
		    !(errno == EPERM && st.entered_user))
			xdie_errno("drop supplementary groups");
		set_id(true, opt.gid_set ? opt.gid : 0, opt.gid_set);
	}
	if (opt.uid_set || to_root)
		set_id(false, opt.uid_set ? opt.uid : 0, opt.uid_set);
}

/* --- running --------------------------------------------------------- */

/*
 * Fork where the kernel demands it: setns() into a PID namespace places
 * only our children there.  --pty forks too: the parent relays the
 * caller's terminal.  The parent passes the child's status on.
 */
_Noreturn static void run_child(int argc, char **argv)
{
	sigset_t set, old;
	pid_t child;
	int status;

	/* Blocked before the fork, so none is lost before we wait. */
	wait_block(&set, &old);
	child = fork();
	if (child < 0) {
		box_errh(errno,
			 errno == ENOMEM && st.entered_pid
				 ? "the PID namespace's init has exited"
				 : NULL,
			 "fork into the namespaces of process %d",
			 (int)opt.pid);
		exit(EXIT_TOOL);
	}
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (opt.pty) {
			close(st.master);
			if (pty_attach(st.slave) < 0)
				xdie_errno("attach the new terminal");
			/* Nothing of the caller's terminal may stay open. */
			close_fds_from(3);
		}
		xexec(argc, argv);
	}
	if (opt.pty) {
		/*
		 * We hold the caller's terminal while living in the target's
		 * namespaces: keep its processes from ptrace or /proc/PID/fd.
		 */
		prctl(PR_SET_DUMPABLE, 0);
		close(st.slave);
		sigdelset(&set, SIGCHLD);
		sigdelset(&set, SIGWINCH);
		status = pty_relay(st.master, child, &set);
	} else {
		status = wait_forward(child, &set, false);
	}
	if (status < 0)
		xdie_errno("wait for process %d", (int)child);
	/*
	 * _exit: nothing of ours is buffered, and exit-time work that forks
	 * (a leak checker's tracer) would land in the target PID namespace.
	 */
	_exit(status_to_exit(status));
}

int main(int argc, char **argv)
{
	extern char **environ;

	box_init(argc, argv);
	parse_args(argc, argv);

	/* Open and read everything while we stand in our own namespaces. */
	if (opt.container)
		resolve_container();
	open_target();
	plan_namespaces();
	if (!all_from_target())
		open_namespaces();
	if (opt.root)
		st.root_fd = open_dir(opt.root_dir, "root", "root directory");
	if (opt.wd)
		st.wd_fd = open_dir(opt.wd_dir, "cwd", "working directory");
	if (opt.env)
		read_env();
	if (opt.cgroup)
		open_cgroups();
	if (opt.pty) {
		st.master = pty_open("/dev/ptmx", &st.slave);
		if (st.master < 0)
			xdie_errno("open a new terminal from /dev/ptmx");
		pty_copy_settings(STDIN_FILENO, st.slave);
	}
	/*
	 * Everything above named the target by its PID.  Had it been reaped
	 * meanwhile, the PID might now be another process's: refuse.
	 */
	if (st.pidfd >= 0 && pidfd_alive(st.pidfd) < 0)
		die_exited();

	join_cgroups();
	enter_namespaces();
	change_root();
	open_pty_inside();
	if (st.env)
		environ = st.env;
	set_credentials();
	if (st.pidfd >= 0)
		close(st.pidfd);

	argc -= optind;
	argv += optind;
	if (opt.pty || (st.entered_pid && !opt.nofork))
		run_child(argc, argv);
	xexec(argc, argv);
}
