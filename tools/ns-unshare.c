/*
 * ns-unshare - run a program in new namespaces.
 *
 *	ns-unshare [options] [--] [prog [arg...]]
 *
 * Parse and check everything, create the files asked for, then
 * unshare(2), set the namespaces up (time offsets, id maps, propagation,
 * hostname), fork only when asked or when the kernel demands it (a PID
 * namespace takes effect for children), and exec prog.
 *
 * Persisting a namespace (--net=FILE) and writing id ranges through
 * newuidmap both have to happen from outside: the bind mount must land
 * in the caller's mount namespace, and a multi-line id map must be
 * written from the parent user namespace.  A helper forked before
 * unshare stays outside for that.  It also owns the undo: until it is
 * told the payload is about to run, a failure (or our death) makes it
 * unmount what it mounted and remove the files this run created, so a
 * failed run leaves nothing behind.
 */
#include "box.h"
#include "exec.h"
#include "ids.h"
#include "kernel.h"
#include "ns.h"
#include "parse.h"
#include "userns.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define NS_MAX 8

enum {
	OPT_MOUNTPROC = CHAR_MAX + 1,
	OPT_PROPAGATION,
	OPT_SETGROUPS,
	OPT_KILLCHILD,
	OPT_INIT,
	OPT_MAPUSER,
	OPT_MAPUSERS,
	OPT_MAPGROUP,
	OPT_MAPGROUPS,
	OPT_MAPAUTO,
	OPT_HOSTNAME,
	OPT_PIDFILE,
	OPT_MONOTONIC,
	OPT_BOOTTIME,
	OPT_DETACH,
	OPT_DOMAINNAME,
	OPT_SYSCTL,
};

static const struct option longopts[] = {
    {"mount", optional_argument, NULL, 'm'},
    {"uts", optional_argument, NULL, 'u'},
    {"ipc", optional_argument, NULL, 'i'},
    {"net", optional_argument, NULL, 'n'},
    {"pid", optional_argument, NULL, 'p'},
    {"user", optional_argument, NULL, 'U'},
    {"cgroup", optional_argument, NULL, 'C'},
    {"time", optional_argument, NULL, 'T'},
    {"fork", no_argument, NULL, 'f'},
    {"init", no_argument, NULL, OPT_INIT},
    {"detach", no_argument, NULL, OPT_DETACH},
    {"kill-child", optional_argument, NULL, OPT_KILLCHILD},
    {"mount-proc", optional_argument, NULL, OPT_MOUNTPROC},
    {"propagation", required_argument, NULL, OPT_PROPAGATION},
    {"map-root-user", no_argument, NULL, 'r'},
    {"map-current-user", no_argument, NULL, 'c'},
    {"map-user", required_argument, NULL, OPT_MAPUSER},
    {"map-group", required_argument, NULL, OPT_MAPGROUP},
    {"map-users", required_argument, NULL, OPT_MAPUSERS},
    {"map-groups", required_argument, NULL, OPT_MAPGROUPS},
    {"map-auto", no_argument, NULL, OPT_MAPAUTO},
    {"setgroups", required_argument, NULL, OPT_SETGROUPS},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"domainname", required_argument, NULL, OPT_DOMAINNAME},
    {"sysctl", required_argument, NULL, OPT_SYSCTL},
    {"pidfile", required_argument, NULL, OPT_PIDFILE},
    {"monotonic", required_argument, NULL, OPT_MONOTONIC},
    {"boottime", required_argument, NULL, OPT_BOOTTIME},
    {"root", required_argument, NULL, 'R'},
    {"wd", required_argument, NULL, 'w'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static const struct {
	const char *name;
	unsigned long flags;
} propagations[] = {
    {"private", MS_REC | MS_PRIVATE},
    {"slave", MS_REC | MS_SLAVE},
    {"shared", MS_REC | MS_SHARED},
    {"unchanged", 0},
};

/* One id map (uid or gid): a single id, and/or ranges. */
struct idplan {
	long single;	/* inner id for our own, or -1 */
	bool autorange; /* a range from /etc/sub[ug]id */
	struct idmap range[USERNS_MAX_RANGES];
	size_t n;
};

static struct {
	int flags;
	const char *persist[NS_MAX]; /* by ns_types[] index */
	bool fork, init, detach;
	int kill_sig;
	const char *procdir;
	unsigned long propagation;
	struct idplan uid, gid;
	int setgroups; /* -1 untouched, 0 deny, 1 allow */
	const char *hostname, *domainname, *pidfile, *root, *wd;
	const char *sysctl[64]; /* KEY=VALUE, checked */
	size_t nsysctl;
	bool set_mono, set_boot;
	int64_t mono, boot;
	uid_t euid; /* ours outside, read before unshare */
	gid_t egid;
} opt = {
    .propagation = MS_REC | MS_PRIVATE,
    .uid = {.single = -1},
    .gid = {.single = -1},
    .setgroups = -1,
};

/* A file this run made, kept by its directory so a chroot cannot lose it. */
struct made {
	int dirfd;
	char name[NAME_MAX + 1];
	bool created;
};

static struct {
	int persist_fd[NS_MAX];
	struct made persist[NS_MAX];
	int pidfile_fd;
	struct made pidfile;
	pid_t helper;
	int to_helper, from_helper;
	pid_t child;
} run = {.pidfile_fd = -1, .helper = -1, .to_helper = -1, .from_helper = -1};

static void usage(void)
{
	printf(
	    "Usage: %s [options] [--] [prog [arg...]]\n"
	    "Run prog (default $SHELL) in new namespaces.\n"
	    "\n"
	    "  -m, --mount[=FILE]       new mount namespace (FILE: persist it "
	    "there)\n"
	    "  -u, --uts[=FILE]         new UTS namespace (hostname)\n"
	    "  -i, --ipc[=FILE]         new IPC namespace\n"
	    "  -n, --net[=FILE]         new network namespace\n"
	    "  -p, --pid[=FILE]         new PID namespace (children go in: use "
	    "--fork)\n"
	    "  -U, --user[=FILE]        new user namespace\n"
	    "  -C, --cgroup[=FILE]      new cgroup namespace\n"
	    "  -T, --time[=FILE]        new time namespace\n"
	    "  -f, --fork               run prog in a child, wait, pass its "
	    "status on\n"
	    "      --init               a small PID 1 that reaps orphans and "
	    "forwards\n"
	    "                           signals (implies --fork)\n"
	    "      --detach             exit 0 once the child is set up, "
	    "leaving it to\n"
	    "                           our parent's subreaper (implies "
	    "--fork)\n"
	    "      --kill-child[=SIG]   SIG (default KILL) to the child when "
	    "we die\n"
	    "                           (implies --fork)\n"
	    "      --mount-proc[=DIR]   mount a new proc on DIR (/proc) "
	    "(implies --mount)\n"
	    "      --propagation MODE   private (default), slave, shared, "
	    "unchanged\n"
	    "  -r, --map-root-user      map our user and group to root\n"
	    "  -c, --map-current-user   map our user and group to themselves\n"
	    "      --map-user=UID       map our user to UID (or name)\n"
	    "      --map-group=GID      map our group to GID (or name)\n"
	    "      --map-users=INNER:OUTER:COUNT|auto\n"
	    "                           map a range of users (auto: "
	    "/etc/subuid)\n"
	    "      --map-groups=INNER:OUTER:COUNT|auto\n"
	    "                           map a range of groups (auto: "
	    "/etc/subgid)\n"
	    "      --map-auto           --map-users=auto --map-groups=auto\n"
	    "      --setgroups allow|deny  setgroups(2) in the user namespace\n"
	    "      --hostname NAME      set the hostname (implies --uts)\n"
	    "      --sysctl KEY=VALUE   set a sysctl of a new namespace "
	    "(net.*, ipc)\n"
	    "      --domainname NAME    set the NIS domain name (implies "
	    "--uts)\n"
	    "      --pidfile FILE       write the PID of the first process "
	    "inside\n"
	    "      --monotonic SECS     CLOCK_MONOTONIC offset (implies "
	    "--time)\n"
	    "      --boottime SECS      CLOCK_BOOTTIME offset (implies "
	    "--time)\n"
	    "  -R, --root DIR           chroot to DIR\n"
	    "  -w, --wd DIR             change directory to DIR\n"
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n"
	    "\n"
	    "Exit status: prog's, 125 ns-unshare failed, 126 prog not "
	    "runnable,\n"
	    "127 prog not found, 128+N the child died of signal N.\n",
	    box_prog);
	exit(0);
}

static int ns_index(int flag)
{
	for (unsigned i = 0; i < ns_count; i++)
		if (ns_types[i].flag == flag)
			return (int)i;
	return -1;
}

/* The /proc/PID/ns file that names what children will be in. */
static const char *ns_persist_file(int flag)
{
	if (flag == CLONE_NEWPID)
		return "pid_for_children";
	if (flag == CLONE_NEWTIME)
		return "time_for_children";
	return ns_types[ns_index(flag)].file;
}

/* "mount,uts,pid" for messages */
static const char *ns_names(int flags)
{
	static char buf[128];
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < ns_count; i++)
		if (flags & ns_types[i].flag)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%s", len ? "," : "",
						ns_types[i].option);
	return buf;
}

/*
 * A uid or gid, by number or by name.  Names come from /etc/passwd and
 * /etc/group read as text (common/ids), not NSS, so the tool links
 * statically and starts fast.
 */
static long parse_id(const char *s, bool group)
{
	const char *file = group ? "/etc/group" : "/etc/passwd";
	struct ids_user u;
	uint32_t v;
	char *buf;
	size_t len;
	int r;

	if (ids_parse_id(s, &v) == 0)
		return (long)v;
	if (errno == ERANGE || ids_read_file(file, &buf, &len) < 0)
		xusage_error("bad --map-%s %s", group ? "group" : "user", s);
	r = group ? ids_group_find(buf, len, s, &v)
		  : ids_passwd_find(buf, len, s, 0, &u);
	free(buf);
	if (r < 0)
		xusage_error("bad --map-%s %s: no such %s in %s",
			     group ? "group" : "user", s,
			     group ? "group" : "user", file);
	return group ? (long)v : (long)u.uid;
}

static void add_range(struct idplan *plan, const char *s, const char *what)
{
	struct idmap m;

	if (!strcmp(s, "auto")) {
		plan->autorange = true;
		return;
	}
	if (plan->n == USERNS_MAX_RANGES)
		xusage_error("too many %s", what);
	if (parse_idmap(s, &m) < 0)
		xusage_error("bad %s %s: want INNER:OUTER:COUNT or auto", what,
			     s);
	/* util-linux before 2.39 spelled it OUTER,INNER,COUNT */
	if (strchr(s, ',')) {
		uint32_t t = m.inner;

		m.inner = m.outer;
		m.outer = t;
	}
	plan->range[plan->n++] = m;
}

/*
 * Put the auto range and the single id together into plan->range, as
 * util-linux does: the subordinate block starts at inner id 0, shifted
 * up by one past the single id when that falls inside it (so -r with
 * --map-users=auto gives root = us, 1.. = the block).
 */
static void plan_ids(struct idplan *plan, const char *subfile, const char *name,
		     uint32_t self, const char *what)
{
	if (plan->autorange) {
		struct idmap m = {0};
		uint32_t v;

		if (userns_subid_range(subfile, name, geteuid(), &m) < 0) {
			if (errno == ENOENT)
				xusage_error("%s auto: no range for %s in %s",
					     what, name ? name : "this user",
					     subfile);
			xdie_errno("read %s", subfile);
		}
		v = (uint32_t)plan->single;
		if (plan->single >= 0 && v < m.count) {
			if (v > 0 && plan->n < USERNS_MAX_RANGES)
				plan->range[plan->n++] =
				    (struct idmap){0, m.outer, v};
			m.inner = v + 1;
			m.outer += v;
			m.count -= v;
		}
		if (plan->n == USERNS_MAX_RANGES)
			xusage_error("too many %s", what);
		plan->range[plan->n++] = m;
	}
	if (plan->n && plan->single >= 0) {
		/* our own id first, as util-linux writes it */
		if (plan->n == USERNS_MAX_RANGES)
			xusage_error("too many %s", what);
		memmove(plan->range + 1, plan->range,
			plan->n++ * sizeof(plan->range[0]));
		plan->range[0] =
		    (struct idmap){(uint32_t)plan->single, self, 1};
		plan->single = -1;
	}
	if (userns_map_overlaps(plan->range, plan->n))
		xusage_error("%s: ranges overlap", what);
}

/* --- files this run makes, and their undo -------------------------------- */

static void unmake_all(void);

/*
 * Open path for writing or, for a persist target, reading, creating it
 * when missing.  Symlinks are refused: a bind mount or a pidfile write
 * must land on the file the user named.
 */
static int make_file(const char *path, struct made *m, int mode,
		     const char *what)
{
	char dir[PATH_MAX];
	const char *base = strrchr(path, '/');
	struct stat st;
	int fd;

	if (!*path)
		xusage_error("%s: empty path", what);
	if (base) {
		snprintf(dir, sizeof(dir), "%.*s",
			 (int)(base == path ? 1 : base - path), path);
		base++;
	} else {
		strcpy(dir, ".");
		base = path;
	}
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..") ||
	    strlen(base) > NAME_MAX)
		xusage_error("%s %s: not a file name", what, path);
	m->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (m->dirfd < 0)
		xdie_errno("%s %s: open directory %s", what, path, dir);
	strcpy(m->name, base);
	fd = openat(m->dirfd, base,
		    mode | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		m->created = true;
		return fd;
	}
	/*
	 * An existing file: never block on a FIFO, never open a device
	 * (a bind mount needs only a path; O_PATH opens nothing).
	 */
	if (errno == EEXIST)
		fd = openat(m->dirfd, base,
			    (mode == O_RDONLY ? O_PATH : mode | O_NONBLOCK) |
				O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		xdie_errno("%s %s", what, path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		box_msg("%s %s: not a regular file", what, path);
		unmake_all();
		exit(EXIT_TOOL);
	}
	return fd;
}

static void unmake(struct made *m)
{
	if (m->created && unlinkat(m->dirfd, m->name, 0) < 0)
		box_err("remove %s", m->name);
	m->created = false;
}

static void unmake_all(void)
{
	for (unsigned i = 0; i < ns_count; i++)
		unmake(&run.persist[i]);
	unmake(&run.pidfile);
}

/*
 * Undo what this run made, then exit.  With a helper it does the undo:
 * it sits in the caller's mount namespace, where the bind mounts are.
 */
static _Noreturn void fail_exit(int code)
{
	/* a child not yet running prog goes with us */
	if (run.child > 0) {
		kill(run.child, SIGKILL);
		while (waitpid(run.child, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (run.helper > 0) {
		close(run.to_helper);
		while (waitpid(run.helper, NULL, 0) < 0 && errno == EINTR)
			;
	} else {
		unmake_all();
	}
	exit(code);
}

#define fail(...)                                                              \
	do {                                                                   \
		box_err(__VA_ARGS__);                                          \
		fail_exit(EXIT_TOOL);                                          \
	} while (0)

/*
 * The mount holding path (a directory) is shared: a bind would propagate.
 * Read here without libmount, on purpose: ns-unshare is the process that
 * waits beside every container, and linking libmount (with the libblkid
 * it pulls into a static link) took its resident size from 128 to 320
 * KiB, for one lookup by mount id that only --mount=FILE makes.
 */
static bool on_shared_mount(const char *dir)
{
	struct statx stx;
	char line[4096];
	bool shared = false;
	FILE *fp;

	if (statx(AT_FDCWD, dir, 0, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID))
		return false;
	fp = fopen("/proc/self/mountinfo", "re");
	if (!fp)
		return false;
	while (fgets(line, sizeof(line), fp)) {
		unsigned long long id;
		char *sep;

		if (sscanf(line, "%llu", &id) != 1 || id != stx.stx_mnt_id)
			continue;
		sep = strstr(line, " - ");
		if (sep)
			*sep = '\0';
		shared = strstr(line, " shared:") != NULL;
		break;
	}
	fclose(fp);
	return shared;
}

static void prepare_files(void)
{
	for (unsigned i = 0; i < ns_count; i++) {
		const char *path = opt.persist[i];

		run.persist_fd[i] = -1;
		run.persist[i].dirfd = -1;
		if (!path)
			continue;
		if (ns_types[i].flag == CLONE_NEWNS) {
			char dir[PATH_MAX];
			const char *slash = strrchr(path, '/');

			snprintf(dir, sizeof(dir), "%.*s",
				 slash ? (int)(slash == path ? 1 : slash - path)
				       : 1,
				 slash ? path : ".");
			if (on_shared_mount(dir))
				xusage_error(
				    "persist mount namespace on %s: %s is "
				    "on a shared mount (make it private "
				    "first: mount --bind DIR DIR; mount "
				    "--make-private DIR)",
				    path, dir);
		}
		run.persist_fd[i] =
		    make_file(path, &run.persist[i], O_RDONLY, "persist");
	}
	if (opt.pidfile)
		run.pidfile_fd =
		    make_file(opt.pidfile, &run.pidfile, O_WRONLY, "pidfile");
}

static void write_pidfile(pid_t pid)
{
	char buf[16];
	int n;

	if (run.pidfile_fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	if (ftruncate(run.pidfile_fd, 0) < 0 ||
	    pwrite(run.pidfile_fd, buf, (size_t)n, 0) != n)
		fail("write pidfile %s", opt.pidfile);
	close(run.pidfile_fd);
	run.pidfile_fd = -1;
}

/* --- the helper that stays outside ---------------------------------------- */

static bool helper_needed(void)
{
	for (unsigned i = 0; i < ns_count; i++)
		if (opt.persist[i])
			return true;
	return opt.uid.n || opt.gid.n;
}

static int read_byte(int fd)
{
	char c;
	ssize_t r;

	do
		r = read(fd, &c, 1);
	while (r < 0 && errno == EINTR);
	return r == 1 ? c : -1;
}

static int write_byte(int fd, char c)
{
	ssize_t r;

	do
		r = write(fd, &c, 1);
	while (r < 0 && errno == EINTR);
	return r == 1 ? 0 : -1;
}

static int map_from_outside(pid_t target, const struct idplan *plan,
			    const char *file, const char *mapper)
{
	char why[256];
	int r;

	if (!plan->n)
		return 0;
	/* root may write any map; others need the setuid helper's checks */
	if (opt.euid == 0) {
		if (userns_write_map(target, file, plan->range, plan->n) == 0)
			return 0;
		box_err("write %s", file);
		return -1;
	}
	r = userns_run_mapper(mapper, target, plan->range, plan->n, why,
			      sizeof(why));
	if (r == 0)
		return 0;
	if (r < 0)
		box_err("run %s", mapper);
	else
		box_msg("%s for %s: %s", mapper, file, why);
	return -1;
}

static void helper_undo(bool *mounted)
{
	for (unsigned i = 0; i < ns_count; i++)
		if (mounted[i] &&
		    umount2(opt.persist[i], MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
			box_err("unmount %s", opt.persist[i]);
	unmake_all();
}

/*
 * Wait for 'g' (the caller has unshared, and forked when a pid namespace
 * is to be persisted: pid_for_children exists only once a child does),
 * write the id maps, bind the namespace files, answer 'k'; then wait for
 * 'c' (commit).  Anything else, EOF included, means undo.
 */
static _Noreturn void helper_main(pid_t target, int in, int out)
{
	bool mounted[NS_MAX] = {false};
	char src[64], dst[64];
	sigset_t all;

	/* Ctrl-C in the caller's terminal must not cut the undo short. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	if (read_byte(in) != 'g')
		goto undo;
	if (map_from_outside(target, &opt.uid, "uid_map", "newuidmap") < 0 ||
	    map_from_outside(target, &opt.gid, "gid_map", "newgidmap") < 0)
		goto undo;
	for (unsigned i = 0; i < ns_count; i++) {
		if (!opt.persist[i])
			continue;
		snprintf(src, sizeof(src), "/proc/%d/ns/%s", (int)target,
			 ns_persist_file(ns_types[i].flag));
		/* through the fd: the very file we opened, not a swapped path
		 */
		snprintf(dst, sizeof(dst), "/proc/self/fd/%d",
			 run.persist_fd[i]);
		if (mount(src, dst, NULL, MS_BIND, NULL) < 0) {
			int err = errno;

			box_errh(err,
				 err == EINVAL &&
					 ns_types[i].flag == CLONE_NEWNS
				     ? "the new namespace's id is not above "
				       "yours; on Linux 6.18+ ids depend on "
				       "the CPU: allow more CPUs or retry"
				     : box_priv_hint(err),
				 "persist %s namespace on %s",
				 ns_types[i].option, opt.persist[i]);
			goto undo;
		}
		mounted[i] = true;
	}
	if (write_byte(out, 'k') < 0 || read_byte(in) != 'c')
		goto undo;
	_exit(0);
undo:
	helper_undo(mounted);
	_exit(EXIT_TOOL);
}

static void helper_start(void)
{
	int to[2], from[2];
	pid_t target = getpid();

	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0)
		xdie_errno("create pipe");
	run.helper = fork();
	if (run.helper < 0)
		xdie_errno("fork");
	if (run.helper == 0) {
		close(to[1]);
		close(from[0]);
		helper_main(target, to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	run.to_helper = to[1];
	run.from_helper = from[0];
}

/* Tell the helper to go; return when it has mapped and bound. */
static void helper_go(void)
{
	if (run.helper < 0)
		return;
	if (write_byte(run.to_helper, 'g') < 0 ||
	    read_byte(run.from_helper) != 'k')
		fail_exit(EXIT_TOOL); /* the helper said why */
}

static void helper_commit(void)
{
	if (run.helper < 0)
		return;
	write_byte(run.to_helper, 'c');
	close(run.to_helper);
	close(run.from_helper);
	while (waitpid(run.helper, NULL, 0) < 0 && errno == EINTR)
		;
	run.helper = -1;
	for (unsigned i = 0; i < ns_count; i++)
		if (run.persist_fd[i] >= 0)
			close(run.persist_fd[i]);
}

/* --- setting the namespaces up -------------------------------------------- */

#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID _IOR(0xb7, 0x5, uint64_t)
#endif

/* The kernel's id of a mount namespace (Linux 6.9+), or 0. */
static uint64_t mntns_id(const char *path)
{
	uint64_t id = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (ioctl(fd, NS_GET_MNTNS_ID, &id) < 0)
		id = 0;
	close(fd);
	return id;
}

/*
 * The kernel binds a mount namespace file only when the namespace is
 * newer (has a higher id) than the binder's, so no namespace can pin
 * itself.  Since Linux 6.18 the ids come from per-CPU batches, so a
 * namespace made on one CPU can get a lower id than an older one made
 * on another.  Then make it again on each CPU in turn until it is newer
 * than the caller's, which the helper binds from.
 */
static void mntns_newer_than(uint64_t outer)
{
	cpu_set_t old, one;
	uint64_t id = mntns_id("/proc/self/ns/mnt");

	if (!outer || !id || id > outer ||
	    sched_getaffinity(0, sizeof(old), &old) < 0)
		return;
	for (int cpu = 0; cpu < CPU_SETSIZE && id <= outer; cpu++) {
		if (!CPU_ISSET(cpu, &old))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one) < 0 ||
		    unshare(CLONE_NEWNS) < 0)
			continue;
		id = mntns_id("/proc/self/ns/mnt");
	}
	sched_setaffinity(0, sizeof(old), &old);
}

static const char *unshare_hint(int err, int flags)
{
	if (err == EPERM && geteuid() != 0 && (flags & CLONE_NEWUSER))
		return "unprivileged user namespaces may be disabled: see "
		       "sysctl user.max_user_namespaces, "
		       "kernel.unprivileged_userns_clone, "
		       "kernel.apparmor_restrict_unprivileged_userns";
	if (err == EPERM && geteuid() != 0)
		return "needs CAP_SYS_ADMIN: run as root, or add --user "
		       "--map-root-user";
	if (err == EPERM)
		return "needs CAP_SYS_ADMIN, which this process lacks";
	if (err == ENOSPC || err == EUSERS)
		return "namespace limit reached: see sysctl "
		       "user.max_*_namespaces";
	if (err == EINVAL && (flags & CLONE_NEWTIME))
		return "time namespaces need Linux 5.6 with CONFIG_TIME_NS";
	return NULL;
}

static void write_time_offsets(void)
{
	char buf[96];
	int fd, n = 0;

	if (!opt.set_mono && !opt.set_boot)
		return;
	if (opt.set_mono)
		n += snprintf(buf + n, sizeof(buf) - n, "monotonic %lld 0\n",
			      (long long)opt.mono);
	if (opt.set_boot)
		n += snprintf(buf + n, sizeof(buf) - n, "boottime %lld 0\n",
			      (long long)opt.boot);
	/* Only until the first process enters the namespace. */
	fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		fail("open /proc/self/timens_offsets");
	if (write(fd, buf, (size_t)n) != n) {
		int err = errno;

		close(fd);
		box_errh(err,
			 err == ERANGE || err == EINVAL
			     ? "an offset may not put the clock below zero"
			     : NULL,
			 "set time namespace offsets");
		fail_exit(EXIT_TOOL);
	}
	close(fd);
}

#define fail_map(...)                                                          \
	do {                                                                   \
		box_errh(errno,                                                \
			 errno == EPERM                                        \
			     ? "the kernel allows one line mapping "           \
			       "our own id; ranges need "                      \
			       "--map-users/--map-groups"                      \
			     : NULL,                                           \
			 __VA_ARGS__);                                         \
		fail_exit(EXIT_TOOL);                                          \
	} while (0)

static void write_own_maps(void)
{
	struct idmap m;

	if (!(opt.flags & CLONE_NEWUSER))
		return;
	if (opt.setgroups >= 0 && userns_write_setgroups(0, opt.setgroups) < 0)
		fail("write setgroups %s", opt.setgroups ? "allow" : "deny");
	/* inside, before the maps, we are the overflow id: use opt.euid */
	if (opt.uid.single >= 0) {
		m = (struct idmap){(uint32_t)opt.uid.single, opt.euid, 1};
		if (userns_write_map(0, "uid_map", &m, 1) < 0)
			fail_map("map user %u to %u", m.outer, m.inner);
	}
	if (opt.gid.single >= 0) {
		m = (struct idmap){(uint32_t)opt.gid.single, opt.egid, 1};
		if (userns_write_map(0, "gid_map", &m, 1) < 0)
			fail_map("map group %u to %u", m.outer, m.inner);
	}
}

static void set_propagation(void)
{
	if (!(opt.flags & CLONE_NEWNS) || !opt.propagation)
		return;
	if (mount("none", "/", NULL, opt.propagation, NULL) < 0)
		fail("set propagation of /");
}

/* Setup done in the process that will run prog (or be its init). */
static void setup_inside(void)
{
	if (opt.root) {
		if (chroot(opt.root) < 0)
			fail("change root to %s", opt.root);
		if (chdir("/") < 0)
			fail("change directory to / in %s", opt.root);
	}
	if (opt.procdir) {
		/*
		 * Unless / was made private, make the mount under DIR
		 * private, so the new proc cannot propagate back out.
		 */
		if (opt.propagation != (MS_REC | MS_PRIVATE) &&
		    mount("none", opt.procdir, NULL, MS_REC | MS_PRIVATE,
			  NULL) < 0 &&
		    errno != EINVAL)
			fail("make %s private", opt.procdir);
		if (mount("proc", opt.procdir, "proc",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
			int err = errno;

			box_errh(err,
				 err == EPERM && (opt.flags & CLONE_NEWUSER) &&
					 !(opt.flags & CLONE_NEWPID)
				     ? "in a user namespace proc needs a "
				       "new pid namespace too: add --pid "
				       "--fork"
				     : box_priv_hint(err),
				 "mount proc on %s", opt.procdir);
			fail_exit(EXIT_TOOL);
		}
	}
	if (opt.wd && chdir(opt.wd) < 0)
		fail("change directory to %s", opt.wd);
}

/* --- fork, wait, forward -------------------------------------------------- */

static sigset_t oldmask;

static void block_signals(sigset_t *set)
{
	wait_block(set, &oldmask);
}

/* Wait for child, forwarding signals (common/exec); its exit code. */
static int forward_and_wait(pid_t child, const sigset_t *set, bool reap_all)
{
	int status = wait_forward(child, set, reap_all);

	return status < 0 ? EXIT_TOOL : status_to_exit(status);
}

static _Noreturn void exec_prog(int argc, char **argv)
{
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	xexec(argc, argv);
}

/*
 * --init: stay as PID 1 (or, without a pid namespace, as a subreaper),
 * run prog in a child, reap whatever is reparented to us, forward
 * signals, and exit with prog's status.
 */
static _Noreturn void run_init(const sigset_t *set, int argc, char **argv)
{
	pid_t child;

	if (getpid() != 1)
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	child = fork();
	if (child < 0)
		xdie_errno("fork");
	if (child == 0)
		exec_prog(argc, argv);
	exit(forward_and_wait(child, set, true));
}

static void set_kill_child(int parent_pidfd, pid_t parent)
{
	struct pollfd p = {.fd = parent_pidfd, .events = POLLIN};

	if (!opt.kill_sig)
		return;
	if (prctl(PR_SET_PDEATHSIG, opt.kill_sig) < 0)
		xdie_errno("set parent-death signal");
	/*
	 * The parent may have died before prctl: then nobody will send
	 * the signal.  Its pidfd (taken before fork) says so even across
	 * a pid namespace, where getppid() reads 0.
	 */
	if (parent_pidfd >= 0) {
		if (poll(&p, 1, 0) > 0)
			_exit(EXIT_SIGBASE + opt.kill_sig);
		close(parent_pidfd);
	} else if (!(opt.flags & CLONE_NEWPID) && getppid() != parent) {
		_exit(EXIT_SIGBASE + opt.kill_sig);
	}
}

/* --- options -------------------------------------------------------------- */

/*
 * getopt_long gives a required_argument option its value, never NULL.
 * Checked in so many words because clang's analyzer does not see
 * getopt_long set optarg afresh on each call: once an optional value
 * (--kill-child, --mount-proc, --net...) was absent, it would take
 * optarg for NULL in every case after.
 */
static bool takes_value(int c)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == c)
			return o->has_arg == required_argument;
	return false;
}

static void parse_options(int argc, char **argv)
{
	/* -m takes no argument (only --mount=FILE does): -mpui is four */
	char shortopts[32] = "+:fhVrcR:w:";
	int c;

	opterr = 0; /* one line, ours */
	for (unsigned i = 0; i < ns_count; i++) {
		char s[2] = {ns_types[i].shortopt, '\0'};

		strcat(shortopts, s);
	}
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct ns_type *t = NULL;
		int64_t v;

		assert(optarg || !takes_value(c));

		for (unsigned i = 0; i < ns_count; i++)
			if (c == ns_types[i].shortopt)
				t = &ns_types[i];
		if (t) {
			opt.flags |= t->flag;
			if (optarg) {
				if (!*optarg)
					xusage_error("--%s=: empty file name",
						     t->option);
				opt.persist[ns_index(t->flag)] = optarg;
			}
			continue;
		}
		switch (c) {
		case 'f':
			opt.fork = true;
			break;
		case OPT_INIT:
			opt.init = opt.fork = true;
			break;
		case OPT_DETACH:
			opt.detach = opt.fork = true;
			break;
		case OPT_KILLCHILD:
			opt.fork = true;
			opt.kill_sig = SIGKILL;
			if (optarg && parse_signal(optarg, &opt.kill_sig) < 0)
				xusage_error("bad signal for --kill-child: %s",
					     optarg);
			break;
		case OPT_MOUNTPROC:
			opt.flags |= CLONE_NEWNS;
			opt.procdir = optarg ? optarg : "/proc";
			break;
		case OPT_PROPAGATION: {
			size_t i;

			for (i = 0; i < ARRAY_SIZE(propagations); i++)
				if (!strcmp(optarg, propagations[i].name))
					break;
			if (i == ARRAY_SIZE(propagations))
				xusage_error("bad --propagation %s: want "
					     "private, slave, shared or "
					     "unchanged",
					     optarg);
			opt.propagation = propagations[i].flags;
			break;
		}
		case 'r':
			opt.flags |= CLONE_NEWUSER;
			opt.uid.single = opt.gid.single = 0;
			break;
		case 'c':
			opt.flags |= CLONE_NEWUSER;
			opt.uid.single = (long)geteuid();
			opt.gid.single = (long)getegid();
			break;
		case OPT_MAPUSER:
			opt.flags |= CLONE_NEWUSER;
			opt.uid.single = parse_id(optarg, false);
			break;
		case OPT_MAPGROUP:
			opt.flags |= CLONE_NEWUSER;
			opt.gid.single = parse_id(optarg, true);
			break;
		case OPT_MAPUSERS:
			opt.flags |= CLONE_NEWUSER;
			add_range(&opt.uid, optarg, "--map-users");
			break;
		case OPT_MAPGROUPS:
			opt.flags |= CLONE_NEWUSER;
			add_range(&opt.gid, optarg, "--map-groups");
			break;
		case OPT_MAPAUTO:
			opt.flags |= CLONE_NEWUSER;
			opt.uid.autorange = opt.gid.autorange = true;
			break;
		case OPT_SETGROUPS:
			if (!strcmp(optarg, "allow"))
				opt.setgroups = 1;
			else if (!strcmp(optarg, "deny"))
				opt.setgroups = 0;
			else
				xusage_error("bad --setgroups %s: want allow "
					     "or deny",
					     optarg);
			break;
		case OPT_HOSTNAME:
			if (!*optarg || strlen(optarg) > 64)
				xusage_error("bad --hostname: 1 to 64 bytes, "
					     "got %zu",
					     strlen(optarg));
			opt.flags |= CLONE_NEWUTS;
			opt.hostname = optarg;
			break;
		case OPT_SYSCTL:
			if (opt.nsysctl == ARRAY_SIZE(opt.sysctl))
				xusage_error("more than %zu --sysctl",
					     ARRAY_SIZE(opt.sysctl));
			opt.sysctl[opt.nsysctl++] = optarg;
			break;
		case OPT_DOMAINNAME:
			if (!*optarg || strlen(optarg) > 64)
				xusage_error("bad --domainname: 1 to 64 bytes, "
					     "got %zu",
					     strlen(optarg));
			opt.flags |= CLONE_NEWUTS;
			opt.domainname = optarg;
			break;
		case OPT_PIDFILE:
			opt.pidfile = optarg;
			break;
		case OPT_MONOTONIC:
		case OPT_BOOTTIME:
			if (parse_s64(optarg, &v) < 0)
				xusage_error("bad --%s offset %s: want whole "
					     "seconds",
					     c == OPT_MONOTONIC ? "monotonic"
								: "boottime",
					     optarg);
			opt.flags |= CLONE_NEWTIME;
			if (c == OPT_MONOTONIC)
				opt.set_mono = true, opt.mono = v;
			else
				opt.set_boot = true, opt.boot = v;
			break;
		case 'R':
			opt.root = optarg;
			break;
		case 'w':
			opt.wd = optarg;
			break;
		case 'h':
			usage();
			break;
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}
}

/* Everything that can be checked before acting is checked here. */
/*
 * The sysctls that belong to a namespace, and so may be set for the
 * new one only (as runc allows them): a key of any other would change
 * the host.
 */
static const struct {
	const char *prefix;
	int flag;
} sysctl_ns[] = {
    {"net.", CLONE_NEWNET},
    {"kernel.msgmax", CLONE_NEWIPC},
    {"kernel.msgmnb", CLONE_NEWIPC},
    {"kernel.msgmni", CLONE_NEWIPC},
    {"kernel.sem", CLONE_NEWIPC},
    {"kernel.shmall", CLONE_NEWIPC},
    {"kernel.shmmax", CLONE_NEWIPC},
    {"kernel.shmmni", CLONE_NEWIPC},
    {"kernel.shm_rmid_forced", CLONE_NEWIPC},
    {"fs.mqueue.", CLONE_NEWIPC},
    {"kernel.hostname", CLONE_NEWUTS},
    {"kernel.domainname", CLONE_NEWUTS},
};

static void check_sysctl(const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : 0, i;

	if (!eq || klen == 0 || klen > 200 ||
	    strspn(kv, "abcdefghijklmnopqrstuvwxyz0123456789_.-") != klen ||
	    strstr(kv, "..") || kv[0] == '.' || kv[klen - 1] == '.')
		xusage_error("bad --sysctl '%.64s': KEY=VALUE, the key in "
			     "dots (net.ipv4.ip_forward)",
			     kv);
	for (i = 0; i < ARRAY_SIZE(sysctl_ns); i++) {
		size_t n = strlen(sysctl_ns[i].prefix);

		if (strncmp(kv, sysctl_ns[i].prefix, n) == 0 &&
		    (sysctl_ns[i].prefix[n - 1] == '.' || kv[n] == '='))
			break;
	}
	if (i == ARRAY_SIZE(sysctl_ns))
		xusage_error("--sysctl %.*s: not a sysctl of a namespace "
			     "(net.*, the ipc ones, kernel.hostname): it would "
			     "change the host",
			     (int)klen, kv);
	if (!(opt.flags & sysctl_ns[i].flag))
		xusage_error("--sysctl %.*s: needs a new %s namespace",
			     (int)klen, kv,
			     sysctl_ns[i].flag == CLONE_NEWNET	 ? "net"
			     : sysctl_ns[i].flag == CLONE_NEWIPC ? "ipc"
								 : "uts");
}

/* Written by us, already in the new namespaces: /proc/sys/net and the
 * ipc and uts files show the namespaces of the process that opens them. */
static void write_sysctls(void)
{
	for (size_t i = 0; i < opt.nsysctl; i++) {
		const char *kv = opt.sysctl[i], *eq = strchr(kv, '=');
		char path[256];
		int fd, n;

		n = snprintf(path, sizeof(path), "/proc/sys/%.*s",
			     (int)(eq - kv), kv);
		for (char *p = path + 10; p < path + n; p++)
			if (*p == '.')
				*p = '/';
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0 || write(fd, eq + 1, strlen(eq + 1)) < 0) {
			int err = errno;

			if (fd >= 0)
				close(fd);
			errno = err;
			fail("set sysctl %.*s", (int)(eq - kv), kv);
		}
		close(fd);
	}
}

static void validate(void)
{
	for (size_t i = 0; i < opt.nsysctl; i++)
		check_sysctl(opt.sysctl[i]);
	char namebuf[256], *buf, *name = NULL;
	struct ids_user u;
	struct stat st;
	size_t len;

	/* /etc/subuid names users; find ours only when a range needs it */
	if ((opt.uid.autorange || opt.gid.autorange) &&
	    ids_read_file("/etc/passwd", &buf, &len) == 0) {
		if (ids_passwd_find(buf, len, NULL, geteuid(), &u) == 0 &&
		    u.namelen < sizeof(namebuf)) {
			memcpy(namebuf, u.name, u.namelen);
			namebuf[u.namelen] = '\0';
			name = namebuf;
		}
		free(buf);
	}

	if (opt.setgroups >= 0 && !(opt.flags & CLONE_NEWUSER))
		xusage_error("--setgroups needs a user namespace (--user)");
	plan_ids(&opt.uid, "/etc/subuid", name, geteuid(), "--map-users");
	plan_ids(&opt.gid, "/etc/subgid", name, getegid(), "--map-groups");
	/*
	 * Without CAP_SETGID outside, the kernel takes a one-line gid_map
	 * only after setgroups is denied (a group could otherwise be
	 * dropped to get past a "group may not" permission).
	 */
	if (opt.gid.single >= 0) {
		if (opt.setgroups == 1 && geteuid() != 0)
			xusage_error("--setgroups allow cannot go with "
				     "--map-group or --map-root-user unless "
				     "root (the kernel requires deny)");
		if (opt.setgroups < 0)
			opt.setgroups = 0;
	}
	if (geteuid() != 0 && opt.uid.n && !userns_in_path("newuidmap"))
		xusage_error("--map-users needs newuidmap (package uidmap)");
	if (geteuid() != 0 && opt.gid.n && !userns_in_path("newgidmap"))
		xusage_error("--map-groups needs newgidmap (package uidmap)");
	for (unsigned i = 0; i < ns_count; i++)
		for (unsigned j = i + 1; j < ns_count; j++)
			if (opt.persist[i] && opt.persist[j] &&
			    !strcmp(opt.persist[i], opt.persist[j]))
				xusage_error(
				    "--%s and --%s persist to the same "
				    "file %s",
				    ns_types[i].option, ns_types[j].option,
				    opt.persist[i]);
	if (opt.detach && (opt.kill_sig || opt.init))
		xusage_error("--detach leaves the child on its own: not with "
			     "--kill-child or --init");
	if (opt.persist[ns_index(CLONE_NEWPID)] && !opt.fork)
		xusage_error("persisting a pid namespace needs --fork (it "
			     "exists once its first process does)");
	if (opt.root && stat(opt.root, &st) < 0)
		xusage_error("bad --root %s: %s", opt.root, strerror(errno));
	if (opt.root && !S_ISDIR(st.st_mode))
		xusage_error("bad --root %s: not a directory", opt.root);
	if (opt.wd && !opt.root && stat(opt.wd, &st) < 0)
		xusage_error("bad --wd %s: %s", opt.wd, strerror(errno));
	if (opt.wd && !opt.root && !S_ISDIR(st.st_mode))
		xusage_error("bad --wd %s: not a directory", opt.wd);
}

int main(int argc, char **argv)
{
	sigset_t set;
	int ready[2] = {-1, -1}, go[2] = {-1, -1};
	int parent_pidfd = -1;
	pid_t child, parent = getpid();
	uint64_t outer_mntns = 0;

	box_init(argc, argv);
	opt.euid = geteuid();
	opt.egid = getegid();
	parse_options(argc, argv);
	argc -= optind;
	argv += optind;
	validate();

	prepare_files();
	if (helper_needed())
		helper_start();
	if (opt.persist[ns_index(CLONE_NEWNS)])
		outer_mntns = mntns_id("/proc/self/ns/mnt");

	if (opt.flags && unshare(opt.flags) < 0) {
		int err = errno;

		box_errh(err, unshare_hint(err, opt.flags),
			 "unshare %s namespace", ns_names(opt.flags));
		fail_exit(EXIT_TOOL);
	}
	if (outer_mntns)
		mntns_newer_than(outer_mntns);
	write_time_offsets();
	write_own_maps();
	set_propagation();
	if (opt.hostname && sethostname(opt.hostname, strlen(opt.hostname)) < 0)
		fail("set hostname %s", opt.hostname);
	if (opt.domainname &&
	    setdomainname(opt.domainname, strlen(opt.domainname)) < 0)
		fail("set domainname %s", opt.domainname);
	write_sysctls();

	if (!opt.fork) {
		write_pidfile(getpid());
		helper_go();
		setup_inside();
		helper_commit();
		xexec(argc, argv);
	}

	/*
	 * Fork.  Signals are blocked from here on, so none is lost before
	 * we wait; the child unblocks them just before exec.
	 */
	block_signals(&set);
	if (opt.kill_sig)
		parent_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	/* the child says 'r' when set up, so we know when undo is over */
	if ((run.helper > 0 || run.pidfile.created || opt.detach) &&
	    pipe2(ready, O_CLOEXEC) < 0)
		fail("create pipe");
	if (run.helper > 0 && pipe2(go, O_CLOEXEC) < 0)
		fail("create pipe");
	child = fork();
	if (child < 0)
		fail("fork");
	if (child == 0) {
		/* the helper must see EOF when the parent goes */
		if (run.helper > 0) {
			close(run.to_helper);
			close(run.from_helper);
			close(go[1]);
		}
		set_kill_child(parent_pidfd, parent);
		if (ready[0] >= 0)
			close(ready[0]);
		/* wait until the helper has mapped our ids */
		if (go[0] >= 0 && read_byte(go[0]) != 'g')
			_exit(EXIT_TOOL);
		run.helper = -1; /* failing here: the parent undoes */
		run.pidfile.created = false;
		for (unsigned i = 0; i < ns_count; i++)
			run.persist[i].created = false;
		setup_inside();
		if (ready[1] >= 0) {
			write_byte(ready[1], 'r');
			close(ready[1]);
		}
		if (opt.init)
			run_init(&set, argc, argv);
		exec_prog(argc, argv);
	}
	run.child = child;
	if (parent_pidfd >= 0)
		close(parent_pidfd);
	write_pidfile(child);
	if (ready[1] >= 0)
		close(ready[1]);
	if (go[0] >= 0)
		close(go[0]);
	if (run.helper > 0) {
		if (write_byte(run.to_helper, 'g') < 0 ||
		    read_byte(run.from_helper) != 'k') {
			close(go[1]);
			fail_exit(EXIT_TOOL);
		}
		write_byte(go[1], 'g');
		close(go[1]);
	}
	if (ready[0] >= 0) {
		if (read_byte(ready[0]) == 'r') {
			helper_commit();
			run.pidfile.created = false;
		} else {
			/* the child failed setting up, and said why */
			int code = forward_and_wait(child, &set, false);

			run.child = -1;
			fail_exit(code);
		}
		close(ready[0]);
	}
	/* --detach: the child is set up and about to exec; whoever
	 * reaps orphans here (an engine's subreaper, conmon) is its
	 * parent from now on, and no boxutils process stays beside it */
	if (opt.detach)
		return 0;
	return forward_and_wait(child, &set, false);
}
