/*
 * pivot - make a directory the root of this mount namespace and exec
 * prog in it, setting up what runc, crun and bubblewrap set up before
 * their exec: private propagation, the root bound onto itself, /proc, a
 * minimal /dev, /sys read-only, the user's binds and tmpfs, Docker's
 * masked and read-only paths, then pivot_root and the old root detached.
 *
 * Plan first: every option becomes an operation and every path is
 * checked before the first mount.  Then act: the operations in order.
 * Every mount target is resolved inside NEWROOT (resolve_in_root) and
 * mounted on /proc/self/fd/N of that fd, so no symlink in the image can
 * send a mount onto the host.
 */
/* boxutils-pkgs: mount */
#include "box.h"
#include "copytree.h"
#include "exec.h"
#include "kernel.h"
#include "mount.h"
#include "overlay.h"
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
/* Inode numbers of the initial namespaces (fixed since 3.8 for pid,
 * since 6.18 for mount; dynamic ones start at 0xF0000000). */
#define PID_NS_INIT_INO 0xEFFFFFFCU
#define MNT_NS_INIT_INO 0xEFFFFFF8U

enum op_kind {
	OP_PROC,
	OP_DEV,
	OP_SYS,
	OP_BIND,
	OP_TMPFS,
	OP_MASK,
	OP_RDONLY,
	OP_ROOT_RO,
	OP_MOUNT,
	OP_NODE,
};

/* OP_NODE: one --device PATH:TYPE:MAJOR:MINOR[:MODE[:UID[:GID]]]. */
struct node {
	mode_t mode; /* S_IFCHR, S_IFBLK or S_IFIFO, and the permissions */
	dev_t rdev;
	uid_t uid;
	gid_t gid;
};

/* OP_MOUNT: one --mount TYPE:SRC:DST[:OPTIONS], split while planning. */
struct fsmount {
	char *type;		   /* fs type; NULL for a bind */
	char *src;		   /* the fs's source name (not for binds) */
	bool rec;		   /* rbind */
	unsigned long flags;	   /* MS_RDONLY, MS_NOSUID, ... */
	unsigned long propagation; /* MS_PRIVATE ... | MS_REC, or 0 */
	char *data;		   /* the filesystem's own options */
	bool copyup;		   /* tmpcopyup: the image's files into it */
};

struct op {
	enum op_kind kind;
	char *dst; /* cleaned, absolute inside NEWROOT */
	int srcfd; /* OP_BIND, bind OP_MOUNT: the source, opened planning */
	bool ro;   /* OP_BIND: read-only */
	struct fsmount *fs; /* OP_MOUNT */
	struct node *node;  /* OP_NODE; srcfd: the host's node, or -1 */
};

/* Docker's defaults (moby oci/defaults.go): hidden from the container. */
static const char *const masked_paths[] = {
    "/proc/asound",
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
};

/* ... and visible but read-only. */
static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* The minimal /dev, in the order it is built. */
enum dev_kind { DEV_NODE, DEV_FS, DEV_LINK };
static const struct dev_entry {
	const char *name;
	enum dev_kind kind;
	const char *arg; /* DEV_FS: fs type; DEV_LINK: target */
	unsigned long flags;
	const char *data;
	bool optional; /* DEV_FS: skipped when not permitted */
} dev_table[] = {
    {"null", DEV_NODE, NULL, 0, NULL, false},
    {"zero", DEV_NODE, NULL, 0, NULL, false},
    {"full", DEV_NODE, NULL, 0, NULL, false},
    {"random", DEV_NODE, NULL, 0, NULL, false},
    {"urandom", DEV_NODE, NULL, 0, NULL, false},
    {"tty", DEV_NODE, NULL, 0, NULL, false},
    /* newinstance: our own pty numbering, not the host's ptys; no
     * gid=5, which a user namespace may not map */
    {"pts", DEV_FS, "devpts", MS_NOSUID | MS_NOEXEC,
     "newinstance,ptmxmode=0666,mode=0620", false},
    {"ptmx", DEV_LINK, "pts/ptmx", 0, NULL, false},
    {"shm", DEV_FS, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
     "mode=1777,size=65536k", false},
    /* mqueue needs an ipc namespace owned by our user namespace */
    {"mqueue", DEV_FS, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, true},
    {"fd", DEV_LINK, "/proc/self/fd", 0, NULL, false},
    {"stdin", DEV_LINK, "/proc/self/fd/0", 0, NULL, false},
    {"stdout", DEV_LINK, "/proc/self/fd/1", 0, NULL, false},
    {"stderr", DEV_LINK, "/proc/self/fd/2", 0, NULL, false},
};

struct created {
	int dirfd;
	char name[NAME_MAX + 1];
	bool isdir;
};

/* What this run did, so a failure half way can undo it. */
static struct {
	const char *newroot;
	char nq[400]; /* NEWROOT quoted for messages: one line, always */
	int rootfd;   /* NEWROOT's bind mount, once made */
	bool bound;
	int nullfd; /* the host's /dev/null */
	int devfd[ARRAY_SIZE(dev_table)];
	struct created *created;
	size_t ncreated;
} run = {.rootfd = -1, .nullfd = -1};

enum {
	OPT_BIND = 256,
	OPT_RO_BIND,
	OPT_TMPFS,
	OPT_RO,
	OPT_NO_PROC,
	OPT_NO_DEV,
	OPT_NO_SYS,
	OPT_NO_MASK,
	OPT_PROPAGATION,
	OPT_HOST_PROG,
	OPT_MOUNT,
	OPT_MASK,
	OPT_RO_PATH,
	OPT_DEVICE,
};

static const struct option longopts[] = {
    {"bind", required_argument, NULL, OPT_BIND},
    {"ro-bind", required_argument, NULL, OPT_RO_BIND},
    {"tmpfs", required_argument, NULL, OPT_TMPFS},
    {"ro", no_argument, NULL, OPT_RO},
    {"no-proc", no_argument, NULL, OPT_NO_PROC},
    {"no-dev", no_argument, NULL, OPT_NO_DEV},
    {"no-sys", no_argument, NULL, OPT_NO_SYS},
    {"no-mask", no_argument, NULL, OPT_NO_MASK},
    {"propagation", required_argument, NULL, OPT_PROPAGATION},
    {"host-prog", no_argument, NULL, OPT_HOST_PROG},
    {"mount", required_argument, NULL, OPT_MOUNT},
    {"mask", required_argument, NULL, OPT_MASK},
    {"ro-path", required_argument, NULL, OPT_RO_PATH},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static _Noreturn void usage(void)
{
	printf("Usage: %s [options] NEWROOT [prog [arg...]]\n"
	       "Make NEWROOT the root of this mount namespace, with /proc, a "
	       "minimal /dev\nand a read-only /sys, then exec prog "
	       "(default /bin/sh).  Run it in a new\nmount namespace "
	       "(ns-unshare --mount).\n\n"
	       "Options:\n"
	       "      --bind SRC[:DST]     bind SRC onto DST inside NEWROOT "
	       "(repeatable)\n"
	       "      --ro-bind SRC[:DST]  the same, read-only\n"
	       "      --tmpfs DST          a fresh tmpfs on DST\n"
	       "      --mount TYPE:SRC:DST[:OPTS]  mount a filesystem (proc, "
	       "sysfs,\n"
	       "                           tmpfs, devpts, mqueue, cgroup2...) "
	       "or bind/rbind\n"
	       "                           SRC, with mount(8) options "
	       "(ro,nosuid,size=1m)\n"
	       "      --mask PATH          hide PATH (a file under /dev/null, "
	       "a directory\n"
	       "                           under an empty tmpfs)\n"
	       "      --ro-path PATH       make PATH read-only\n"
	       "      --device PATH:TYPE:MAJOR:MINOR[:MODE[:UID[:GID]]]\n"
	       "                           make a device node (TYPE c, b, "
	       "u or p; MODE\n"
	       "                           octal, 0666 by default)\n"
	       "      --ro                 make the new root read-only\n"
	       "      --no-proc            do not mount /proc\n"
	       "      --no-dev             do not build /dev\n"
	       "      --no-sys             do not mount /sys\n"
	       "      --no-mask            leave Docker's masked and "
	       "read-only paths alone\n"
	       "      --propagation MODE   private (default) or slave\n"
	       "      --host-prog          take prog from the host's PATH, "
	       "not from NEWROOT,\n"
	       "                           and every later word naming a "
	       "tool in pivot's\n"
	       "                           directory (cap-drop, sys-filter: "
	       "static tools)\n"
	       "  -h, --help               show this help\n"
	       "  -V, --version            show the version\n"
	       "\nIn SRC:DST and --mount, write \\: for a colon and \\\\ for a "
	       "backslash.\n",
	       box_prog);
	exit(0);
}

/* --- undo, and dying with it --------------------------------------- */

static char *fdpath(int fd, char buf[32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

static void note_created(int dirfd, const char *name, bool isdir, void *arg)
{
	struct created *c;

	(void)arg;
	c = realloc(run.created, (run.ncreated + 1) * sizeof(*c));
	if (!c)
		return;
	run.created = c;
	c += run.ncreated;
	c->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (c->dirfd < 0)
		return;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->isdir = isdir;
	run.ncreated++;
}

/*
 * Every mount this run made hangs below the bind of NEWROOT, so one
 * detach takes them all; then the mount points it created in the image
 * go, newest first.  The propagation change stays: it only concerns
 * this (private) mount namespace.
 */
static void undo(void)
{
	char p[32];

	if (run.bound) {
		if (run.rootfd >= 0)
			umount2(fdpath(run.rootfd, p), MNT_DETACH);
		else
			umount2(run.newroot, MNT_DETACH);
		run.bound = false;
	}
	while (run.ncreated > 0) {
		struct created *c = &run.created[--run.ncreated];

		unlinkat(c->dirfd, c->name, c->isdir ? AT_REMOVEDIR : 0);
		close(c->dirfd);
	}
}

/*
 * A mount point pivot cannot make because NEWROOT lies on a read-only
 * mount (an overlay without an upper layer, uf-mount's read-only bind
 * of one layer): name that mount.  Looked up in the mount table after
 * undo(), when NEWROOT's own bind is gone again; libmount unescapes the
 * table's paths, so a NEWROOT named with spaces or newlines is found.
 */
static const char *erofs_hint(char *buf, size_t size)
{
	struct mount_entry *me = malloc(sizeof(*me));
	char *real = realpath(run.newroot, NULL);
	const char *hint = NULL;
	char mq[400];

	if (me && real && mount_find(real, MOUNT_HOLDING, me) == 0 &&
	    (me->flags & MS_RDONLY)) {
		overlay_quote(me->target, mq, sizeof(mq));
		snprintf(buf, size,
			 "NEWROOT lies on %s, a read-only %s mount: the image "
			 "must hold the mount points pivot makes, or be "
			 "mounted writable",
			 mq, me->fstype);
		hint = buf;
	}
	free(me);
	free(real);
	return hint;
}

static _Noreturn void fail(int err, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(int err, const char *hint, const char *fmt, ...)
{
	char buf[512], hb[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	undo();
	if (!hint && err == EROFS)
		hint = erofs_hint(hb, sizeof(hb));
	box_errh(err, hint ? hint : box_priv_hint(err), "%s", buf);
	exit(EXIT_TOOL);
}

/* --- planning ------------------------------------------------------- */

static struct op *ops;
static size_t nops;

static void add_op(enum op_kind kind, const char *dst, int srcfd, bool ro)
{
	struct op *o = realloc(ops, (nops + 1) * sizeof(*o));

	if (!o)
		xdie("plan: out of memory");
	ops = o;
	o[nops++] =
	    (struct op){kind, dst ? strdup(dst) : NULL, srcfd, ro, NULL, NULL};
	if (dst && !o[nops - 1].dst)
		xdie("plan: out of memory");
}

/* An absolute path inside NEWROOT, cleaned; "/" itself is refused
 * because a mount there would hide the new root. */
static char *clean_dst(const char *opt, const char *dst, char *out)
{
	if (dst[0] != '/')
		xusage_error("%s: destination '%s' must be an absolute path "
			     "inside NEWROOT",
			     opt, dst);
	if (resolve_clean(dst, out, PATH_MAX) < 0)
		xusage_error("%s: destination '%.64s...': %s", opt, dst,
			     strerror(errno));
	if (strcmp(out, "/") == 0)
		xusage_error("%s: destination '%s' is the new root itself", opt,
			     dst);
	return out;
}

/*
 * "SRC:DST", split at the first ':' not escaped by '\' ("\:" is a
 * colon, "\\" a backslash, in either part); "SRC" alone means the same
 * path inside.
 */
static void bind_spec(const char *opt, const char *spec, bool ro)
{
	size_t len = strlen(spec);
	char *src = malloc(len + 1), *dst = malloc(len + 1), *w = src;
	char cleaned[PATH_MAX];
	bool split = false;
	int fd;

	if (!src || !dst)
		xdie("plan: out of memory");
	for (const char *s = spec; *s; s++) {
		if (*s == '\\' && (s[1] == ':' || s[1] == '\\')) {
			*w++ = *++s;
		} else if (*s == ':') {
			if (split)
				xusage_error(
				    "%s '%s': more than one ':' "
				    "(write \\: for a colon in a path)",
				    opt, spec);
			*w = '\0';
			w = dst;
			split = true;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	if (!split)
		strcpy(dst, src);
	if (!*src || !*dst)
		xusage_error("%s '%s': expected SRC[:DST]", opt, spec);
	clean_dst(opt, dst, cleaned);
	/* Opened now: the source is the caller's, and a path that goes
	 * away or changes after this is not what was checked. */
	fd = open(src, O_PATH | O_CLOEXEC);
	if (fd < 0)
		xdie_errno("%s: open source '%s'", opt, src);
	add_op(OP_BIND, cleaned, fd, ro);
	free(src);
	free(dst);
}

/*
 * spec split at each ':' not escaped by '\' into at most max fields,
 * unescaped, into one malloc'ed buffer (f[0]).  Returns the count.
 */
static size_t split_fields(const char *opt, const char *spec, char **f,
			   size_t max)
{
	char *w = malloc(strlen(spec) + 1);
	size_t n = 1;

	if (!w)
		xdie("plan: out of memory");
	f[0] = w;
	for (const char *s = spec; *s; s++) {
		if (*s == '\\' && (s[1] == ':' || s[1] == '\\')) {
			*w++ = *++s;
		} else if (*s == ':') {
			if (n == max)
				xusage_error("%s '%s': more than %zu fields "
					     "(write \\: for a colon)",
					     opt, spec, max);
			*w++ = '\0';
			f[n++] = w;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return n;
}

/* "tmpcopyup" (runc's, crun's) is ours, not the kernel's: taken out of
 * the filesystem's options. */
static bool take_copyup(struct mount_opts *mo)
{
	char *s = mo->data, *key, *val, *w = mo->data;
	size_t klen, vlen;
	bool found = false;

	while (s && mount_opts_next(&s, &key, &klen, &val, &vlen) == 0) {
		size_t len = (size_t)(s - key);

		if (!val && klen == 9 && strncmp(key, "tmpcopyup", 9) == 0) {
			found = true;
			continue;
		}
		while (len && key[len - 1] == ',')
			len--;
		if (w != mo->data)
			*w++ = ',';
		memmove(w, key, len);
		w += len;
	}
	if (w == mo->data) {
		free(mo->data);
		mo->data = NULL;
	} else if (w) {
		*w = '\0';
	}
	return found;
}

/*
 * --mount TYPE:SRC:DST[:OPTIONS]: TYPE "bind" or "rbind" binds SRC (a
 * host path, opened now), any other TYPE mounts a filesystem whose
 * source name is SRC.  OPTIONS are mount(8)'s: the generic flags and a
 * propagation type; the rest is the filesystem's own data, which a bind
 * does not take.
 */
static void mount_spec(const char *spec)
{
	char *f[4], cleaned[PATH_MAX];
	struct fsmount *fs = calloc(1, sizeof(*fs));
	struct mount_opts mo;
	size_t n = split_fields("--mount", spec, f, 4);
	bool bind;
	int fd = -1;

	if (!fs)
		xdie("plan: out of memory");
	if (n < 3 || !*f[0] || !*f[1] || !*f[2])
		xusage_error("--mount '%s': expected TYPE:SRC:DST[:OPTIONS]",
			     spec);
	bind = strcmp(f[0], "bind") == 0 || strcmp(f[0], "rbind") == 0;
	if (mount_opts_parse(n == 4 ? f[3] : "",
			     MOUNT_OPT_FLAGS | MOUNT_OPT_PROPAGATION,
			     &mo) < 0) {
		if (errno == ENOMEM)
			xdie("plan: out of memory");
		xusage_error("--mount '%s': option '%s': %s", spec, mo.bad,
			     errno == EPERM	? "not a per-mount flag"
			     : errno == ENOTSUP ? "an fstab option, not one "
						  "the kernel takes"
			     : errno == EEXIST	? "a second propagation type"
						: "a quote is not closed");
	}
	fs->copyup = take_copyup(&mo);
	if (fs->copyup && strcmp(f[0], "tmpfs") != 0)
		xusage_error("--mount '%s': option 'tmpcopyup' is for a tmpfs",
			     spec);
	if (bind && mo.data)
		xusage_error("--mount '%s': option '%s' is not one a bind "
			     "takes",
			     spec, mo.data);
	clean_dst("--mount", f[2], cleaned);
	if (bind) {
		/* opened now, as --bind does: what was checked is bound */
		fd = open(f[1], O_PATH | O_CLOEXEC);
		if (fd < 0)
			xdie_errno("--mount: open source '%s'", f[1]);
		fs->rec = f[0][0] == 'r';
	} else {
		fs->type = strdup(f[0]);
		fs->src = strdup(f[1]);
		if (!fs->type || !fs->src)
			xdie("plan: out of memory");
	}
	fs->flags = mo.flags;
	fs->propagation = mo.propagation;
	fs->data = mo.data;
	add_op(OP_MOUNT, cleaned, fd, false);
	ops[nops - 1].fs = fs;
	free(f[0]);
}

static bool field_num(const char *s, unsigned long long max, int base,
		      unsigned long long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*out = strtoull(s, &end, base);
	return !*end && !errno && *out <= max;
}

/*
 * --device PATH:TYPE:MAJOR:MINOR[:MODE[:UID[:GID]]], as OCI's
 * linux.devices: TYPE c (or u, unbuffered, the same to Linux), b, or p
 * (a FIFO, MAJOR and MINOR 0).  The host's node at the same path is
 * opened now, for a user namespace, where mknod is not allowed and a
 * bind of it stands in (as runc does).
 */
static void device_spec(const char *spec)
{
	char *f[7], cleaned[PATH_MAX];
	struct node *nd = calloc(1, sizeof(*nd));
	size_t n = split_fields("--device", spec, f, 7);
	unsigned long long maj, min, mode = 0666, uid = 0, gid = 0;
	struct stat st;
	int fd;

	if (!nd)
		xdie("plan: out of memory");
	if (n < 4 || !*f[0])
		xusage_error("--device '%s': expected "
			     "PATH:TYPE:MAJOR:MINOR[:MODE[:UID[:GID]]]",
			     spec);
	if (strlen(f[1]) != 1 || !strchr("cubp", f[1][0]))
		xusage_error("--device '%s': type '%s' is not c, u, b or p",
			     spec, f[1]);
	if (!field_num(f[2], 4095, 10, &maj) ||
	    !field_num(f[3], (1u << 20) - 1, 10, &min))
		xusage_error("--device '%s': MAJOR and MINOR must be numbers "
			     "(at most 4095 and 1048575)",
			     spec);
	if ((n > 4 && !field_num(f[4], 07777, 8, &mode)) ||
	    (n > 5 && !field_num(f[5], UINT32_MAX - 1, 10, &uid)) ||
	    (n > 6 && !field_num(f[6], UINT32_MAX - 1, 10, &gid)))
		xusage_error("--device '%s': MODE is octal (at most 7777), UID "
			     "and GID numbers",
			     spec);
	if (f[1][0] == 'p' && (maj || min))
		xusage_error("--device '%s': a FIFO (p) has no device number",
			     spec);
	clean_dst("--device", f[0], cleaned);
	if (strncmp(cleaned, "/proc/", 6) == 0 ||
	    strncmp(cleaned, "/sys/", 5) == 0)
		xusage_error("--device '%s': not in /proc or /sys", spec);
	nd->mode = (mode_t)mode | (f[1][0] == 'b'   ? S_IFBLK
				   : f[1][0] == 'p' ? S_IFIFO
						    : S_IFCHR);
	nd->rdev = makedev(maj, min);
	nd->uid = (uid_t)uid;
	nd->gid = (gid_t)gid;
	/* the host's node of that path, only if it is the same device */
	fd = open(cleaned, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) < 0 ||
			(st.st_mode & S_IFMT) != (nd->mode & S_IFMT) ||
			(!S_ISFIFO(st.st_mode) && st.st_rdev != nd->rdev))) {
		close(fd);
		fd = -1;
	}
	add_op(OP_NODE, cleaned, fd, false);
	ops[nops - 1].node = nd;
	free(f[0]);
}

/*
 * pivot_root in the initial mount namespace would move every process
 * on the host whose root is "/" into NEWROOT.  Refuse, always.  On 6.18+
 * the initial namespace has a fixed inode; before, compare with PID 1
 * when PID 1 is the host's (the initial pid namespace) and readable.
 */
static bool in_initial_mount_ns(void)
{
	struct stat self, init, initpid;

	if (stat("/proc/self/ns/mnt", &self) < 0)
		return false;
	if (self.st_ino == MNT_NS_INIT_INO)
		return true;
	if (stat("/proc/1/ns/mnt", &init) < 0 ||
	    stat("/proc/1/ns/pid", &initpid) < 0)
		return false; /* not ours to read: not the host's root */
	return self.st_ino == init.st_ino && self.st_dev == init.st_dev &&
	       initpid.st_ino == PID_NS_INIT_INO;
}

static void plan_system(bool proc, bool dev, bool sys)
{
	char path[32];

	if (proc)
		add_op(OP_PROC, "/proc", -1, false);
	if (dev) {
		for (size_t i = 0; i < ARRAY_SIZE(dev_table); i++) {
			run.devfd[i] = -1;
			if (dev_table[i].kind != DEV_NODE)
				continue;
			snprintf(path, sizeof(path), "/dev/%s",
				 dev_table[i].name);
			run.devfd[i] = open(path, O_PATH | O_CLOEXEC);
		}
		add_op(OP_DEV, "/dev", -1, false);
	}
	if (sys)
		add_op(OP_SYS, "/sys", -1, false);
}

static void plan_masks(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(masked_paths); i++)
		add_op(OP_MASK, masked_paths[i], -1, false);
	for (size_t i = 0; i < ARRAY_SIZE(readonly_paths); i++)
		add_op(OP_RDONLY, readonly_paths[i], -1, false);
	/* they bind the host's /dev/null, never the image's */
	run.nullfd = open("/dev/null", O_PATH | O_CLOEXEC);
	if (run.nullfd < 0)
		xdie_errno("open /dev/null");
}

/* --- host tools ------------------------------------------------------ */

/*
 * The words of the chain that name host tools: prog (the word right
 * after NEWROOT), found in PATH like any prog; and every later word
 * that names a file in pivot's own directory, where the other boxutils
 * tools are installed (cap-drop, sys-filter...).  Walking the chain by
 * each tool's option grammar would tie pivot to every tool's options;
 * this rule needs none.  A later word that only looks like a tool (an
 * argument "cap-drop" to the payload) costs one clone that nothing
 * executes: xexec() closes the carried fds before any prog that is not
 * carried.  Later words whose file is dynamically linked (it would need
 * the host's loader) are not carried.
 */
static void load_host_tools(int argc, char **argv, int first, const char *nq)
{
	char path[PATH_MAX], self[PATH_MAX], dir[PATH_MAX];
	ssize_t n;
	int fd;

	fd = exec_load_sealed(argv[first], path, sizeof(path));
	if (fd < 0) {
		if (errno == ENOEXEC)
			xdie("load %s: it is dynamically linked, and its "
			     "loader would be looked up inside %s "
			     "(--host-prog takes a static program, as "
			     "boxutils tools are)",
			     path, nq);
		if (errno == ENOENT) {
			box_err("load %s from the host", argv[first]);
			exit(EXIT_NOTFOUND);
		}
		xdie_errno("load %s from the host", argv[first]);
	}
	if (host_tool_add(argv[first], fd) < 0)
		xdie_errno("carry %s past the pivot", argv[first]);

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0 || !realpath(dirname((self[n] = '\0', self)), dir))
		xdie_errno("find pivot's own directory");
	for (int i = first + 1; i < argc; i++) {
		const char *w = argv[i];
		char *real;

		if (host_tool_fd(w) >= 0 || !*w || w[0] == '-')
			continue;
		if (strchr(w, '/')) {
			/* a path: only if it lies in pivot's directory */
			real = realpath(w, NULL);
			if (!real)
				continue;
			snprintf(path, sizeof(path), "%s", real);
			free(real);
			if (strcmp(dirname(path), dir) != 0)
				continue;
			snprintf(path, sizeof(path), "%s", w);
		} else if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
					    w) >= sizeof(path)) {
			continue;
		}
		if (access(path, X_OK) < 0)
			continue;
		fd = exec_load_sealed(path, self, sizeof(self));
		if (fd < 0)
			continue;
		if (host_tool_add(w, fd) < 0) {
			if (errno == E2BIG)
				xdie("carry %s past the pivot: more than %d "
				     "host tools",
				     w, HOST_TOOLS_MAX);
			close(fd); /* a name the table cannot hold */
		}
	}
}

/* --- acting --------------------------------------------------------- */

/* dst resolved inside the new root, created if missing (how); a target
 * that a symlink turns into the root itself is refused. */
static int target(const char *dst, enum resolve_how how)
{
	struct stat a, b;
	int fd;

	fd = resolve_in_root(run.rootfd, dst, how, note_created, NULL);
	if (fd < 0)
		fail(errno, NULL, "resolve %s inside %s", dst, run.nq);
	if (fstat(fd, &a) == 0 && fstat(run.rootfd, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		fail(0, "a symlink in the image points it at /",
		     "mount on %s: it resolves to the new root itself", dst);
	return fd;
}

static int mount_on(const char *src, int fd, const char *type,
		    unsigned long flags, const char *data)
{
	char p[32];

	return mount(src, fdpath(fd, p), type, flags, data);
}

static int bind_on(int srcfd, int fd, unsigned long flags)
{
	char p[32];

	return mount_on(fdpath(srcfd, p), fd, NULL, MS_BIND | flags, NULL);
}

/* Make the mount whose root fd is read-only (and those below, rec). */
static int remount_ro(int fd, bool rec)
{
	struct statvfs sv;
	unsigned long fl = MS_REMOUNT | MS_BIND | MS_RDONLY;

#if defined(SYS_mount_setattr) && defined(MOUNT_ATTR_RDONLY)
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};

	if (syscall(SYS_mount_setattr, fd, "",
		    AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &attr,
		    sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
#endif
	/* Before 5.12 only the top mount can be remounted; in a user
	 * namespace its nosuid/nodev/noexec are locked and must be
	 * repeated, or the kernel says EPERM. */
	if (fstatvfs(fd, &sv) < 0)
		return -1;
	if (sv.f_flag & ST_NOSUID)
		fl |= MS_NOSUID;
	if (sv.f_flag & ST_NODEV)
		fl |= MS_NODEV;
	if (sv.f_flag & ST_NOEXEC)
		fl |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		fl |= MS_NOATIME;
	if (sv.f_flag & ST_RELATIME)
		fl |= MS_RELATIME;
	return mount_on(NULL, fd, NULL, fl, NULL);
}

/* Re-resolve dst (now the top mount there) and make it read-only. */
static void make_ro(const char *dst, bool rec)
{
	int fd = target(dst, RES_OPEN);

	if (remount_ro(fd, rec) < 0)
		fail(errno, NULL, "make %s read-only", dst);
	close(fd);
}

static void op_proc(const struct op *o)
{
	int fd = target(o->dst, RES_MKDIR);

	/* a fresh procfs shows the pid namespace we are in, not the
	 * host's processes */
	if (mount_on("proc", fd, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		     NULL) < 0)
		fail(errno,
		     errno == EPERM ? "needs CAP_SYS_ADMIN, a pid namespace "
				      "of our own (ns-unshare --pid --fork) "
				      "and, rootless, a host /proc with "
				      "nothing mounted over it; --no-proc "
				      "skips it"
				    : NULL,
		     "mount proc on %s", o->dst);
	close(fd);
}

static void op_dev(const struct op *o)
{
	const struct dev_entry *d;
	int fd, devfd, nfd;

	fd = target(o->dst, RES_MKDIR);
	/* noexec and nosuid, but not nodev: the device nodes are the
	 * point; 64k of space is plenty for names */
	if (mount_on("tmpfs", fd, "tmpfs", MS_NOSUID | MS_NOEXEC,
		     "mode=0755,size=65536k") < 0)
		fail(errno, NULL, "mount tmpfs on %s", o->dst);
	close(fd);
	devfd = target(o->dst, RES_OPEN);
	for (size_t i = 0; i < ARRAY_SIZE(dev_table); i++) {
		d = &dev_table[i];
		switch (d->kind) {
		case DEV_NODE:
			/* bound from the host, not mknod: a user namespace
			 * may not mknod, and a node on a tmpfs it mounted
			 * would not open (SB_I_NODEV); a bind keeps the
			 * host's devtmpfs */
			if (run.devfd[i] < 0) {
				if (i ==
				    0) /* null: the rest are nice to have */
					fail(ENOENT, NULL,
					     "open host /dev/null");
				continue;
			}
			nfd = openat(devfd, d->name,
				     O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
				     0666);
			if (nfd >= 0) {
				close(nfd);
				nfd = openat(devfd, d->name,
					     O_PATH | O_NOFOLLOW | O_CLOEXEC);
			}
			if (nfd < 0 || bind_on(run.devfd[i], nfd, 0) < 0)
				fail(errno, NULL, "bind /dev/%s", d->name);
			close(nfd);
			break;
		case DEV_FS:
			if (mkdirat(devfd, d->name, 0755) < 0 ||
			    (nfd = openat(devfd, d->name,
					  O_PATH | O_DIRECTORY | O_CLOEXEC)) <
				0)
				fail(errno, NULL, "make /dev/%s", d->name);
			if (mount_on(d->arg, nfd, d->arg, d->flags, d->data) <
			    0) {
				if (!d->optional ||
				    (errno != EPERM && errno != EACCES &&
				     errno != ENODEV))
					fail(errno, NULL, "mount %s on /dev/%s",
					     d->arg, d->name);
				unlinkat(devfd, d->name, AT_REMOVEDIR);
			}
			close(nfd);
			break;
		case DEV_LINK:
			if (symlinkat(d->arg, devfd, d->name) < 0)
				fail(errno, NULL, "symlink /dev/%s", d->name);
			break;
		}
	}
	close(devfd);
}

static void op_sys(const struct op *o)
{
	int fd = target(o->dst, RES_MKDIR);
	char p[32];

	if (mount_on("sysfs", fd, "sysfs",
		     MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0) {
		close(fd);
		return;
	}
	if (errno != EPERM)
		fail(errno, NULL, "mount sysfs on %s", o->dst);
	/* Only the owner of the net namespace may mount sysfs; rootless
	 * without a net namespace of our own, bind the host's instead and
	 * make all of it read-only, as crun does. */
	if (mount("/sys", fdpath(fd, p), NULL, MS_BIND | MS_REC, NULL) < 0)
		fail(errno, NULL, "bind /sys on %s", o->dst);
	close(fd);
	make_ro(o->dst, true);
}

static void op_bind(const struct op *o)
{
	struct stat st;
	int fd;

	if (fstat(o->srcfd, &st) < 0)
		fail(errno, NULL, "stat source of %s", o->dst);
	fd = target(o->dst, S_ISDIR(st.st_mode) ? RES_MKDIR : RES_MKFILE);
	if (bind_on(o->srcfd, fd, MS_REC) < 0)
		fail(errno, NULL, "bind onto %s", o->dst);
	close(fd);
	if (o->ro)
		make_ro(o->dst, true);
}

static void op_tmpfs(const struct op *o)
{
	int fd = target(o->dst, RES_MKDIR);

	if (mount_on("tmpfs", fd, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") <
	    0)
		fail(errno, NULL, "mount tmpfs on %s", o->dst);
	close(fd);
}

static void op_mount(const struct op *o)
{
	const struct fsmount *fs = o->fs;
	struct stat st;
	int fd;

	if (!fs->type) {
		if (fstat(o->srcfd, &st) < 0)
			fail(errno, NULL, "stat source of %s", o->dst);
		fd = target(o->dst,
			    S_ISDIR(st.st_mode) ? RES_MKDIR : RES_MKFILE);
		if (bind_on(o->srcfd, fd, fs->rec ? MS_REC : 0) < 0)
			fail(errno, NULL, "bind onto %s", o->dst);
		close(fd);
		/* a bind takes its flags only in a remount of it */
		if (fs->flags) {
			fd = target(o->dst, RES_OPEN);
			if (mount_on(NULL, fd, NULL,
				     MS_REMOUNT | MS_BIND | fs->flags,
				     NULL) < 0)
				fail(errno, NULL, "remount %s with its flags",
				     o->dst);
			close(fd);
		}
	} else {
		int under = -1, top;

		fd = target(o->dst, RES_MKDIR);
		/* tmpcopyup: the directory opened before the tmpfs covers
		 * it stays readable through this fd, to copy from */
		if (fs->copyup &&
		    (under = openat(fd, ".",
				    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			fail(errno, NULL, "open %s to copy up", o->dst);
		if (mount_on(fs->src, fd, fs->type, fs->flags, fs->data) < 0)
			fail(errno, NULL, "mount %s on %s", fs->type, o->dst);
		close(fd);
		if (under >= 0) {
			fd = target(o->dst, RES_OPEN);
			top =
			    openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (top < 0 || copy_tree(under, top) < 0)
				fail(errno, NULL,
				     "copy the image's %s into its tmpfs "
				     "(tmpcopyup)",
				     o->dst);
			close(top);
			close(under);
			close(fd);
		}
	}
	if (fs->propagation) {
		fd = target(o->dst, RES_OPEN);
		if (mount_on(NULL, fd, NULL, fs->propagation, NULL) < 0)
			fail(errno, NULL, "make %s %s", o->dst,
			     mount_propagation_name(fs->propagation));
		close(fd);
	}
}

/* A path the kernel does not have (no ACPI, no sound) is skipped. */
static int target_if_there(const char *dst)
{
	int fd = resolve_in_root(run.rootfd, dst, RES_OPEN, NULL, NULL);

	if (fd < 0 && errno == ENOENT)
		return -1;
	if (fd >= 0)
		close(fd);
	/* and, like every target, never the root itself */
	return target(dst, RES_OPEN);
}

static void op_mask(const struct op *o)
{
	struct stat st;
	int fd = target_if_there(o->dst), r;

	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0)
		fail(errno, NULL, "stat %s", o->dst);
	/* a directory gets an empty read-only tmpfs, a file /dev/null */
	if (S_ISDIR(st.st_mode))
		r = mount_on("tmpfs", fd, "tmpfs",
			     MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			     "size=4k,nr_inodes=1");
	else
		r = bind_on(run.nullfd, fd, 0);
	if (r < 0)
		fail(errno, NULL, "mask %s", o->dst);
	close(fd);
}

static void op_rdonly(const struct op *o)
{
	int fd = target_if_there(o->dst);

	if (fd < 0)
		return;
	/* bound onto itself, so it is a mount that can be read-only */
	if (bind_on(fd, fd, MS_REC) < 0)
		fail(errno, NULL, "bind %s onto itself", o->dst);
	close(fd);
	make_ro(o->dst, true);
}

static void op_root_ro(void)
{
	/* only the root's own mount: /proc, /dev, the tmpfs stay writable */
	if (remount_ro(run.rootfd, false) < 0)
		fail(errno, NULL, "make the new root read-only");
}

/*
 * A device node: mknod where allowed; in a user namespace, where it is
 * not (and a node on a tmpfs mounted there would not open anyway), the
 * host's node of the same path bound onto an empty file.  A node that
 * is there already (pivot's own /dev/null) is kept when it is the same
 * device; anything else there is an error, not replaced.
 */
static void op_node(const struct op *o)
{
	const struct node *nd = o->node;
	char parent[PATH_MAX], *name = strrchr(o->dst, '/') + 1, p[32];
	struct stat st;
	int dfd, fd;

	snprintf(parent, sizeof(parent), "%.*s", (int)(name - o->dst), o->dst);
	dfd = target(parent, RES_MKDIR);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		char lnk[16];

		if ((st.st_mode & S_IFMT) == (nd->mode & S_IFMT) &&
		    (S_ISFIFO(st.st_mode) || st.st_rdev == nd->rdev)) {
			close(dfd);
			return;
		}
		/* /dev/ptmx as pivot's /dev has it, the link to its
		 * devpts's (c 5:2), which a privileged engine's list of
		 * the host's nodes names too */
		if (S_ISLNK(st.st_mode) && S_ISCHR(nd->mode) &&
		    nd->rdev == makedev(5, 2) &&
		    readlinkat(dfd, name, lnk, sizeof(lnk)) == 8 &&
		    memcmp(lnk, "pts/ptmx", 8) == 0) {
			close(dfd);
			return;
		}
		fail(EEXIST, "something else is there in the image",
		     "make device %s", o->dst);
	}
	if (mknodat(dfd, name, nd->mode & (S_IFMT | 0777), nd->rdev) == 0) {
		note_created(dfd, name, false, NULL);
		fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		/* the owner first: chown clears set-id bits */
		if (fd < 0 ||
		    fchownat(fd, "", nd->uid, nd->gid, AT_EMPTY_PATH) < 0 ||
		    chmod(fdpath(fd, p), nd->mode & 07777) < 0)
			fail(errno, NULL, "set owner and mode of %s", o->dst);
		close(fd);
		close(dfd);
		return;
	}
	if (errno != EPERM || o->srcfd < 0)
		fail(errno,
		     errno == EPERM ? "mknod is not allowed here (a user "
				      "namespace), and the host has no such "
				      "device at that path to bind instead"
				    : NULL,
		     "make device %s", o->dst);
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		note_created(dfd, name, false, NULL);
		close(fd);
		fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0 || bind_on(o->srcfd, fd, 0) < 0)
		fail(errno, NULL, "bind the host's %s", o->dst);
	close(fd);
	close(dfd);
}

static void act(const struct op *o)
{
	switch (o->kind) {
	case OP_PROC:
		op_proc(o);
		break;
	case OP_DEV:
		op_dev(o);
		break;
	case OP_SYS:
		op_sys(o);
		break;
	case OP_BIND:
		op_bind(o);
		break;
	case OP_TMPFS:
		op_tmpfs(o);
		break;
	case OP_MASK:
		op_mask(o);
		break;
	case OP_RDONLY:
		op_rdonly(o);
		break;
	case OP_ROOT_RO:
		op_root_ro();
		break;
	case OP_MOUNT:
		op_mount(o);
		break;
	case OP_NODE:
		op_node(o);
		break;
	}
}

int main(int argc, char **argv)
{
	bool proc = true, dev = true, sys = true, mask = true, ro = false;
	bool host_prog = false;
	unsigned long prop = MS_PRIVATE;
	char cleaned[PATH_MAX];
	struct op *user = NULL;
	size_t nuser;
	const char **extra = NULL; /* --mask and --ro-path, in order */
	bool *extra_ro = NULL;
	size_t nextra = 0;
	struct stat st, st2;
	const char *newroot, *nq;
	int c, root0;

	box_init(argc, argv);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_BIND:
		case OPT_RO_BIND:
			bind_spec(c == OPT_RO_BIND ? "--ro-bind" : "--bind",
				  optarg, c == OPT_RO_BIND);
			break;
		case OPT_TMPFS:
			add_op(OP_TMPFS, clean_dst("--tmpfs", optarg, cleaned),
			       -1, false);
			break;
		case OPT_MOUNT:
			mount_spec(optarg);
			break;
		case OPT_DEVICE:
			device_spec(optarg);
			break;
		case OPT_MASK:
		case OPT_RO_PATH: {
			const char **ne =
			    realloc(extra, (nextra + 1) * sizeof(*extra));
			bool *nr;

			if (!ne)
				xdie("plan: out of memory");
			extra = ne;
			nr =
			    realloc(extra_ro, (nextra + 1) * sizeof(*extra_ro));
			if (!nr)
				xdie("plan: out of memory");
			extra_ro = nr;
		}
			extra[nextra] = strdup(
			    clean_dst(c == OPT_MASK ? "--mask" : "--ro-path",
				      optarg, cleaned));
			if (!extra[nextra])
				xdie("plan: out of memory");
			extra_ro[nextra++] = c == OPT_RO_PATH;
			break;
		case OPT_RO:
			ro = true;
			break;
		case OPT_NO_PROC:
			proc = false;
			break;
		case OPT_NO_DEV:
			dev = false;
			break;
		case OPT_NO_SYS:
			sys = false;
			break;
		case OPT_NO_MASK:
			mask = false;
			break;
		case OPT_HOST_PROG:
			host_prog = true;
			break;
		case OPT_PROPAGATION:
			if (strcmp(optarg, "private") == 0)
				prop = MS_PRIVATE;
			else if (strcmp(optarg, "slave") == 0)
				prop = MS_SLAVE;
			else
				xusage_error("--propagation: '%s' is not "
					     "private or slave",
					     optarg);
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}
	if (optind >= argc)
		xusage_error("missing NEWROOT");
	/* run.newroot is for fail()'s messages; main reads a local copy:
	 * after a call into another file clang's analyzer takes the
	 * global back to its initial NULL */
	run.newroot = newroot = argv[optind];
	if (!*newroot)
		xusage_error("NEWROOT is empty");
	overlay_quote(newroot, run.nq, sizeof(run.nq));
	nq = run.nq;

	/* --- plan: the user's operations go between the system's --- */
	if (in_initial_mount_ns())
		xdie("refusing to pivot the host's initial mount namespace: "
		     "every process would move into %s (run it under "
		     "ns-unshare --mount)",
		     nq);
	if (stat("/proc/self/fd", &st) < 0)
		xdie_errno("stat /proc/self/fd (pivot names fds through a "
			   "mounted /proc)");
	/* --host-prog: the boxutils tools of the rest of the chain live on
	 * the host, not in the image: load them now, while the host's tree
	 * is still reachable, and carry them past the pivot. */
	if (host_prog) {
		if (optind + 1 >= argc)
			xusage_error("--host-prog needs a prog after NEWROOT");
		load_host_tools(argc, argv, optind + 1, nq);
	}
	root0 = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root0 < 0)
		xdie_errno("open NEWROOT '%s'", nq);
	user = ops;
	nuser = nops;
	ops = NULL;
	nops = 0;
	plan_system(proc, dev, sys);
	/* the device nodes after every mount, which could hide them (a
	 * tmpfs on /dev), and before the masks, as runc orders them */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nuser; i++) {
			if ((user[i].kind == OP_NODE) != pass)
				continue;
			add_op(user[i].kind, user[i].dst, user[i].srcfd,
			       user[i].ro);
			ops[nops - 1].fs = user[i].fs;
			ops[nops - 1].node = user[i].node;
			free(user[i].dst);
		}
	free(user);
	/* the masks last, so no bind of the user's can undo them */
	if (mask)
		plan_masks();
	for (size_t i = 0; i < nextra; i++)
		add_op(extra_ro[i] ? OP_RDONLY : OP_MASK, extra[i], -1, false);
	if (nextra && run.nullfd < 0) {
		run.nullfd = open("/dev/null", O_PATH | O_CLOEXEC);
		if (run.nullfd < 0)
			xdie_errno("open /dev/null");
	}
	if (ro)
		add_op(OP_ROOT_RO, NULL, -1, false);

	/* --- act --- */

	/* First, before any mount: with / shared (systemd's default, and
	 * copied into a new mount namespace) every mount below would
	 * propagate back to the host; and pivot_root refuses a shared
	 * root.  Not undone on failure: it concerns only this namespace. */
	if (mount(NULL, "/", NULL, MS_REC | prop, NULL) < 0)
		xdie_errno("make / %s",
			   prop == MS_SLAVE ? "rslave" : "rprivate");

	/* pivot_root wants new_root to be a mount point: a recursive bind
	 * of NEWROOT onto itself makes one (and keeps mounts already made
	 * below it, by uf-mount for one).  Every later mount hangs below
	 * this one, so detaching it undoes them all. */
	if (bind_on(root0, root0, MS_REC) < 0)
		xdie_errno("bind %s onto itself", nq);
	run.bound = true;
	/* a lookup of the path lands on the new top mount */
	run.rootfd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (run.rootfd < 0 || fstat(run.rootfd, &st) < 0 ||
	    fstat(root0, &st2) < 0 || st.st_dev != st2.st_dev ||
	    st.st_ino != st2.st_ino)
		fail(run.rootfd < 0 ? errno : 0, NULL,
		     "reopen %s after binding it: it changed", nq);
	close(root0);

	/* In plan order: /proc before the masks in it; /dev before the
	 * user's binds, which may add nodes to it; /sys, the user's
	 * mounts, the masks; the root read-only last, once every mount
	 * point it needs has been made. */
	for (size_t i = 0; i < nops; i++)
		act(&ops[i]);

	/* pivot_root(".", ".") stacks the old root on top of the new one at
	 * "."; detaching "." then drops the old root, and with it every
	 * path back to the host's tree. */
	if (fchdir(run.rootfd) < 0)
		fail(errno, NULL, "chdir %s", nq);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		fail(errno,
		     errno == EINVAL  ? "NEWROOT must be a mount point and "
					"/ must not be shared: run in a new "
					"mount namespace (ns-unshare --mount)"
		     : errno == EPERM ? "needs CAP_SYS_ADMIN in the user "
					"namespace that owns this mount "
					"namespace"
				      : NULL,
		     "pivot_root to %s", nq);
	if (umount2(".", MNT_DETACH) < 0)
		xdie_errno("detach the old root");
	if (chdir("/") < 0)
		xdie_errno("chdir /");

	argc -= optind + 1;
	argv += optind + 1;
	if (argc == 0) {
		/* the caller's $SHELL names a file on the host */
		static char *sh[] = {"/bin/sh", NULL};

		argc = 1;
		argv = sh;
	}
	/* a carried host tool (--host-prog) runs from its clone */
	xexec(argc, argv);
}
