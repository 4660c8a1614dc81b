#include "cgroup.h"
#include "box.h"
#include "ids.h"
#include "parse.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

const char *const cg_ctrl_names[CG_NCTRL] = {
    [CG_CPU] = "cpu",	      [CG_CPUACCT] = "cpuacct",
    [CG_CPUSET] = "cpuset",   [CG_MEMORY] = "memory",
    [CG_DEVICES] = "devices", [CG_FREEZER] = "freezer",
    [CG_NET_CLS] = "net_cls", [CG_NET_PRIO] = "net_prio",
    [CG_BLKIO] = "blkio",     [CG_PERF_EVENT] = "perf_event",
    [CG_HUGETLB] = "hugetlb", [CG_PIDS] = "pids",
    [CG_RDMA] = "rdma",	      [CG_MISC] = "misc",
    [CG_IO] = "io",
};

static int seterr(struct cg_err *e, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int seterr(struct cg_err *e, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
	e->err = err;
	e->hint[0] = '\0';
	e->usage = false;
	errno = err ? err : EINVAL;
	return -1;
}

static void hintf(struct cg_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Hints and messages are cut to fit; a long path cannot overflow them. */
static void hintf(struct cg_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
	va_end(ap);
}

static void whatf(struct cg_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void whatf(struct cg_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
}

/* Bad input: exit 125 without any change made. */
static int baduse(struct cg_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int baduse(struct cg_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
	e->err = 0;
	e->hint[0] = '\0';
	e->usage = true;
	errno = EINVAL;
	return -1;
}

void xcg_die(const struct cg_err *e)
{
	box_errh(e->err, e->hint[0] ? e->hint : NULL, "%s", e->what);
	exit(EXIT_TOOL);
}

int cg_ctrl_by_name(const char *name, size_t len)
{
	for (int i = 0; i < CG_NCTRL; i++)
		if (strlen(cg_ctrl_names[i]) == len &&
		    !strncmp(cg_ctrl_names[i], name, len))
			return i;
	return -1;
}

bool cg_hier_real(const struct cg_hier *h)
{
	return h->v2 || h->ctrls != 0;
}

/* --- discovery ------------------------------------------------------------ */

/* Read a whole small /proc file; one read usually does it. */
static ssize_t read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (len < n - 1 && (r = read(fd, buf + len, n - 1 - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* Controllers and name= in a comma list ("rw,cpu,cpuacct,name=x"). */
static unsigned parse_ctrls(const char *opts, char *name, size_t namelen)
{
	unsigned ctrls = 0;
	const char *p = opts, *end;
	int c;

	if (name)
		name[0] = '\0';
	while (*p) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		c = cg_ctrl_by_name(p, (size_t)(end - p));
		if (c >= 0)
			ctrls |= 1u << c;
		else if (name && !strncmp(p, "name=", 5) &&
			 (size_t)(end - p - 5) < namelen)
			snprintf(name, namelen, "%.*s", (int)(end - p - 5),
				 p + 5);
		p = *end ? end + 1 : end;
	}
	return ctrls;
}

int cg_discover(struct cg_sys *s, struct cg_err *e)
{
	static char buf[1 << 16];
	char *line, *next, *f[10], *sep, *fstype, *super;
	struct cg_hier *h;
	int nf;

	memset(s, 0, sizeof(*s));
	s->v2 = -1;
	if (read_file("/proc/self/mountinfo", buf, sizeof(buf)) < 0)
		return seterr(e, errno, "read /proc/self/mountinfo");
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		fstype = sep + 3;
		super = strchr(fstype, ' ');
		if (!super)
			continue;
		*super++ = '\0';
		if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
			continue;
		super = strchr(super, ' '); /* skip the source */
		if (!super)
			continue;
		super++;
		for (nf = 0; nf < 10 && (f[nf] = strsep(&line, " ")); nf++)
			;
		if (nf < 5 || s->n == CG_MAX_HIER)
			continue;
		h = &s->h[s->n];
		memset(h, 0, sizeof(*h));
		h->v2 = fstype[6] == '2';
		if (!h->v2)
			h->ctrls = parse_ctrls(super, h->name, sizeof(h->name));
		unescape(f[3]);
		unescape(f[4]);
		if (strlen(f[3]) >= sizeof(h->root) ||
		    strlen(f[4]) >= sizeof(h->mnt))
			continue;
		strcpy(h->root, f[3]);
		strcpy(h->mnt, f[4]);
		/* the same hierarchy mounted twice: keep the first */
		bool dup = false;
		for (int i = 0; i < s->n; i++)
			if (s->h[i].v2 == h->v2 && s->h[i].ctrls == h->ctrls &&
			    !strcmp(s->h[i].name, h->name))
				dup = true;
		if (dup)
			continue;
		if (h->v2)
			s->v2 = s->n;
		s->n++;
	}
	if (s->n == 0)
		return seterr(e, ENOENT,
			      "find cgroup hierarchies in "
			      "/proc/self/mountinfo");
	return 0;
}

int cg_load_self(struct cg_sys *s, struct cg_err *e)
{
	char buf[8192], name[64], *line, *next, *c1, *c2;
	unsigned ctrls;
	size_t rl;

	if (read_file("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return seterr(e, errno, "read /proc/self/cgroup");
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		ctrls = parse_ctrls(c1 + 1, name, sizeof(name));
		for (int i = 0; i < s->n; i++) {
			struct cg_hier *h = &s->h[i];
			const char *p = c2 + 1;

			if (h->v2 != (c1[1] == '\0') ||
			    (!h->v2 &&
			     (h->ctrls != ctrls || strcmp(h->name, name))))
				continue;
			/* Below a mount of a subtree, strip the mount's root:
			 * a cgroup outside it is not reachable here. */
			rl = strlen(h->root);
			if (strcmp(h->root, "/")) {
				if (strncmp(p, h->root, rl) ||
				    (p[rl] != '/' && p[rl] != '\0'))
					continue;
				p += rl;
			}
			while (*p == '/')
				p++;
			if (strlen(p) >= sizeof(h->self))
				continue;
			strcpy(h->self, p);
			h->has_self = true;
		}
	}
	return 0;
}

int cg_load_v2(struct cg_sys *s, struct cg_err *e)
{
	char path[300], buf[512];
	struct cg_hier *h;

	if (s->v2 < 0 || s->v2_loaded)
		return 0;
	h = &s->h[s->v2];
	snprintf(path, sizeof(path), "%s/cgroup.controllers", h->mnt);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return seterr(e, errno, "read %s", path);
	for (char *p = buf; *p; p++)
		if (*p == ' ' || *p == '\n')
			*p = ',';
	h->ctrls = parse_ctrls(buf, NULL, 0);
	s->v2_loaded = true;
	return 0;
}

int cg_hier_of(const struct cg_sys *s, int ctrl)
{
	for (int i = 0; i < s->n; i++)
		if (!s->h[i].v2 && (s->h[i].ctrls & (1u << ctrl)))
			return i;
	if (s->v2 >= 0 && (s->h[s->v2].ctrls & (1u << ctrl)))
		return s->v2;
	return -1;
}

/* --- paths ---------------------------------------------------------------- */

int cg_check_path(const char *path, bool relative, struct cg_err *e)
{
	const char *p = path, *end;
	size_t len;

	if (!*path)
		return baduse(e, "bad cgroup path '': empty");
	if (*p == '/') {
		if (relative)
			return baduse(e,
				      "bad cgroup path '%s': absolute "
				      "path with --relative",
				      path);
		p++;
	}
	if (!*p)
		return baduse(e,
			      "bad cgroup path '%s': names no cgroup below "
			      "the root",
			      path);
	if (strlen(path) >= CG_PATH_MAX / 2)
		return baduse(e, "bad cgroup path: longer than %d bytes",
			      CG_PATH_MAX / 2);
	for (; *p; p = *end ? end + 1 : end) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len == 0)
			return baduse(e,
				      "bad cgroup path '%s': empty "
				      "component",
				      path);
		if (len > NAME_MAX)
			return baduse(e,
				      "bad cgroup path: a name is longer "
				      "than %d bytes",
				      NAME_MAX);
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return baduse(e,
				      "bad cgroup path '%s': '.' and '..' "
				      "would leave the cgroup tree",
				      path);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				return baduse(e, "bad cgroup path: control "
						 "character in a name");
		if (*end == '/' && end[1] == '\0')
			return baduse(e, "bad cgroup path '%s': trailing '/'",
				      path);
	}
	return 0;
}

int cg_rel(const struct cg_hier *h, bool relative, const char *path, char *out,
	   size_t n, struct cg_err *e)
{
	const char *base = "";
	int r;

	/* out is a string even on failure: clang's analyzer does not follow
	 * the variadic seterr(), so it cannot tell a caller never reads it */
	if (n > 0)
		*out = '\0';
	if (relative) {
		if (!h->has_self)
			return seterr(e, ENOENT,
				      "find own cgroup in %s: not "
				      "below this mount",
				      h->mnt);
		base = h->self;
	}
	while (*path == '/')
		path++;
	r = snprintf(out, n, "%s%s%s", base, *base && *path ? "/" : "", path);
	if (r < 0 || (size_t)r >= n)
		return seterr(e, ENAMETOOLONG, "cgroup path %s/%s", h->mnt,
			      path);
	return 0;
}

#ifdef SYS_openat2
static bool no_openat2;
#endif

/*
 * A cgroup filesystem never holds symlinks, so meeting one means someone
 * is trying to redirect us: refuse it (ELOOP).  openat2 checks the whole
 * walk in one call; older kernels get one openat per component.
 */
static int open_below(int dirfd, const char *rel, int flags)
{
	char buf[CG_PATH_MAX], *p, *end;
	int fd, nfd;

	if (!*rel)
		return openat(dirfd, ".", flags | O_CLOEXEC);
#ifdef SYS_openat2
	if (!no_openat2) {
		struct open_how how = {
		    .flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
		    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			       RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
		};

		fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
		if (fd >= 0 || errno != ENOSYS)
			return fd;
		no_openat2 = true;
	}
#endif
	if (strlen(rel) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, rel);
	fd = dirfd;
	for (p = buf;; p = end + 1) {
		end = strchr(p, '/');
		if (end)
			*end = '\0';
		nfd = openat(fd, p,
			     (end ? O_RDONLY | O_DIRECTORY : flags) |
				 O_NOFOLLOW | O_CLOEXEC);
		if (fd != dirfd) {
			int err = errno;

			close(fd);
			errno = err;
		}
		if (nfd < 0)
			return -1;
		fd = nfd;
		if (!end)
			return fd;
	}
}

static int open_mnt(const struct cg_hier *h)
{
	return open(h->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int cg_open_dir(const struct cg_hier *h, const char *rel)
{
	int mfd = open_mnt(h), fd, err;

	if (mfd < 0)
		return -1;
	if (!*rel)
		return mfd;
	fd = open_below(mfd, rel, O_RDONLY | O_DIRECTORY);
	err = errno;
	close(mfd);
	errno = err;
	return fd;
}

int cg_join(const struct cg_hier *h, const char *rel)
{
	char file[CG_PATH_MAX + 16];
	int mfd, fd, err = 0;

	snprintf(file, sizeof(file), "%s%s%s", rel, *rel ? "/" : "",
		 cg_join_file(h->v2));
	mfd = open(h->mnt, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return -1;
	fd = open_below(mfd, file, O_WRONLY);
	if (fd < 0 || write(fd, "0", 1) != 1)
		err = errno;
	if (fd >= 0)
		close(fd);
	close(mfd);
	errno = err;
	return err ? -1 : 0;
}

int cg_read(int dirfd, const char *file, char *buf, size_t n)
{
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (len < n - 1 && (r = read(fd, buf + len, n - 1 - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int err = errno;
			close(fd);
			errno = err;
			return -1;
		}
		len += (size_t)r;
	}
	close(fd);
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	buf[len] = '\0';
	return 0;
}

int cg_write(int dirfd, const char *file, const char *value)
{
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = strlen(value);
	ssize_t r;
	int err;

	if (fd < 0)
		return -1;
	/* the kernel takes a control file write as one request */
	r = write(fd, value, len);
	err = errno;
	close(fd);
	if (r < 0) {
		errno = err;
		return -1;
	}
	if ((size_t)r != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/* --- explaining errors ---------------------------------------------------- */

static void parent_of(const char *rel, char *out, size_t n)
{
	const char *sl = strrchr(rel, '/');

	snprintf(out, n, "%.*s", sl ? (int)(sl - rel) : 0, rel);
}

void cg_explain(struct cg_err *e, int err, const struct cg_hier *h,
		const char *rel, const char *file, const char *value)
{
	char dir[CG_PATH_MAX + 300], par[CG_PATH_MAX], pdir[CG_PATH_MAX + 300];
	char buf[256];
	struct stat st;
	int fd;

	snprintf(dir, sizeof(dir), "%s%s%s", h->mnt, *rel ? "/" : "", rel);
	parent_of(rel, par, sizeof(par));
	snprintf(pdir, sizeof(pdir), "%s%s%s", h->mnt, *par ? "/" : "", par);
	if (file && value)
		seterr(e, err, "write '%s' to %s/%s", value, dir, file);
	else if (file)
		seterr(e, err, "open %s/%s", dir, file);
	else
		seterr(e, err, "create cgroup %s", dir);
	if (err == EBUSY && h->v2 && file &&
	    !strcmp(file, "cgroup.subtree_control"))
		hintf(e,
		      "cgroup v2 no-internal-process rule: %s has processes "
		      "of its own, so it cannot enable controllers for "
		      "children; move them into a leaf cgroup first",
		      dir);
	else if (err == EBUSY && h->v2 && file && !strcmp(file, "cgroup.procs"))
		hintf(e,
		      "cgroup v2 no-internal-process rule: %s enables "
		      "controllers for its children (cgroup.subtree_control)"
		      ", so processes must go into a leaf cgroup below it",
		      dir);
	else if (err == ENOENT && file && h->v2 &&
		 !strcmp(file, "cgroup.subtree_control"))
		hintf(e,
		      "a controller asked for is not available in %s: its "
		      "parent %s does not enable it in cgroup.subtree_control "
		      "(not delegated)",
		      dir, pdir);
	else if (err == ENOENT && file && h->v2 && strchr(file, '.') &&
		 strncmp(file, "cgroup.", 7))
		hintf(e,
		      "the %.*s controller is not enabled here: the parent "
		      "%s does not list it in cgroup.subtree_control (not "
		      "delegated)",
		      (int)(strchr(file, '.') - file), file, pdir);
	else if (err == ENOENT && file && !strncmp(file, "memory.memsw", 12))
		hintf(e, "the kernel has no swap accounting; boot it with "
			 "swapaccount=1");
	else if (err == ENOENT && file)
		hintf(e, "this kernel has no %s", file);
	else if (err == ENOENT && !file)
		hintf(e, "the parent cgroup %s does not exist; use --parents",
		      pdir);
	else if (err == EEXIST && !file)
		hintf(e, "use --parents to accept an existing cgroup");
	else if ((err == EACCES || err == EPERM) && geteuid() != 0) {
		const char *who = file ? dir : pdir;

		if (stat(who, &st) == 0 && st.st_uid == geteuid() && h->v2 &&
		    file && !strcmp(file, "cgroup.procs"))
			hintf(e,
			      "cgroup v2 delegation: moving a process also "
			      "needs write access to cgroup.procs of the "
			      "nearest common ancestor of its current cgroup "
			      "and %s; start it inside the delegated cgroup",
			      dir);
		else if (stat(who, &st) == 0)
			hintf(e,
			      "delegation boundary: %s belongs to uid %u, "
			      "not to you; its owner can delegate it with "
			      "cg-create --owner",
			      who, (unsigned)st.st_uid);
	} else if (err == EINVAL && file && !strncmp(file, "cpuset.cpus", 11)) {
		fd = open(pdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 &&
		    (cg_read(fd, "cpuset.cpus.effective", buf, sizeof(buf)) ==
			 0 ||
		     cg_read(fd, "cpuset.cpus", buf, sizeof(buf)) == 0))
			hintf(e,
			      "CPUs must lie within the parent's cpuset "
			      "(%s has %s)",
			      pdir, buf);
		if (fd >= 0)
			close(fd);
	} else if (err == EINVAL && file &&
		   !strcmp(file, "memory.limit_in_bytes"))
		hintf(e,
		      "memory.limit_in_bytes may not exceed "
		      "memory.memsw.limit_in_bytes; raise --memory-swap too");
	else if (err == ENOSPC && file &&
		 (!strcmp(file, "cgroup.procs") || !strcmp(file, "tasks")))
		hintf(e, "cpuset.cpus or cpuset.mems of %s is empty", dir);
	else if (err == ELOOP)
		hintf(e, "a symlink on the way: a cgroup filesystem has none, "
			 "refusing");
	else if (err == EXDEV)
		hintf(e, "not on the cgroup filesystem: something is mounted "
			 "on the way, refusing");
	else if (err == ENODEV)
		hintf(e, "no such block device");
	else if (err == EOPNOTSUPP && h->v2)
		hintf(e,
		      "%s is a threaded cgroup, or the controller cannot "
		      "be used here",
		      dir);
}

/* --- limits --------------------------------------------------------------- */

static int add_write(struct cg_plan *p, int hier, const char *file,
		     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int add_write(struct cg_plan *p, int hier, const char *file,
		     const char *fmt, ...)
{
	struct cg_write *w;
	va_list ap;

	if (p->nw == CG_MAX_WRITE)
		return baduse(p->e, "too many limits");
	w = &p->w[p->nw++];
	w->hier = hier;
	snprintf(w->file, sizeof(w->file), "%s", file);
	va_start(ap, fmt);
	vsnprintf(w->value, sizeof(w->value), fmt, ap);
	va_end(ap);
	p->hiers |= 1u << hier;
	if (p->sys->h[hier].v2) {
		int c = cg_ctrl_by_name(file, strcspn(file, "."));

		if (c >= 0)
			p->v2_enable |= 1u << c;
	}
	return 0;
}

static bool is_max(const char *s)
{
	return !strcmp(s, "max");
}

/* A size for a memory limit; "max" or "-1" lift it. */
static int memory_bytes(struct cg_plan *p, const char *opt, const char *arg,
			uint64_t *out)
{
	/* Docker spells an unlimited --memory-swap -1 */
	if (is_max(arg) ||
	    (!strcmp(opt, "memory-swap") && !strcmp(arg, "-1"))) {
		*out = UINT64_MAX;
		return 0;
	}
	if (parse_size(arg, out) < 0 || *out == 0 || *out > (uint64_t)INT64_MAX)
		return baduse(p->e,
			      "bad --%s '%s': expected a size such as "
			      "64M or 1.5G, or max",
			      opt, arg);
	return 0;
}

static int conv_memory(struct cg_plan *p, const struct cg_limit *l,
		       const char *arg, int hier)
{
	uint64_t v;
	bool v2 = p->sys->h[hier].v2;

	if (memory_bytes(p, l->option, arg, &v) < 0)
		return -1;
	if (v == UINT64_MAX)
		return add_write(p, hier, v2 ? l->v2_file : l->v1_file, "%s",
				 v2 ? "max" : "-1");
	return add_write(p, hier, v2 ? l->v2_file : l->v1_file, "%llu",
			 (unsigned long long)v);
}

/*
 * Docker's --memory-swap is memory plus swap.  v1's memsw limit means the
 * same; v2's memory.swap.max is swap alone, so subtract --memory.
 */
static int conv_swap(struct cg_plan *p, const struct cg_limit *l,
		     const char *arg, int hier)
{
	const char *mem = NULL;
	uint64_t total, m;
	bool v2 = p->sys->h[hier].v2;
	char path[300];

	for (int i = 0; i < p->nreq; i++)
		if (!strcmp(p->req[i].lim->option, "memory"))
			mem = p->req[i].arg;
	if (memory_bytes(p, l->option, arg, &total) < 0)
		return -1;
	if (!v2) {
		snprintf(path, sizeof(path), "%s/%s", p->sys->h[hier].mnt,
			 l->v1_file);
		if (access(path, F_OK) < 0) {
			seterr(p->e, ENOENT, "set --memory-swap: %s missing",
			       l->v1_file);
			hintf(p->e,
			      "the kernel has no swap accounting; boot it "
			      "with swapaccount=1");
			return -1;
		}
	}
	if (total == UINT64_MAX)
		return add_write(p, hier, v2 ? l->v2_file : l->v1_file, "%s",
				 v2 ? "max" : "-1");
	if (!mem || memory_bytes(p, "memory", mem, &m) < 0 || m == UINT64_MAX)
		return baduse(p->e, "--memory-swap needs a --memory limit "
				    "(it is memory plus swap, as in Docker)");
	if (total < m)
		return baduse(p->e,
			      "--memory-swap %s is less than --memory "
			      "%s (it is memory plus swap, as in Docker)",
			      arg, mem);
	if (v2)
		return add_write(p, hier, l->v2_file, "%llu",
				 (unsigned long long)(total - m));
	return add_write(p, hier, l->v1_file, "%llu",
			 (unsigned long long)total);
}

#define CFS_PERIOD 100000 /* µs, the kernel's default */

static int conv_cpus(struct cg_plan *p, const struct cg_limit *l,
		     const char *arg, int hier)
{
	uint64_t m;
	bool v2 = p->sys->h[hier].v2;

	if (is_max(arg)) {
		if (v2)
			return add_write(p, hier, l->v2_file, "max %d",
					 CFS_PERIOD);
		return add_write(p, hier, l->v1_file, "-1");
	}
	/* the kernel's smallest quota is 1 ms: 0.01 of a 100 ms period */
	if (parse_millis(arg, &m) < 0 || m < 10 || m > 1000000ull * 1000)
		return baduse(p->e,
			      "bad --cpus '%s': expected a number of "
			      "CPUs from 0.01 up, such as 0.5 or 2",
			      arg);
	if (v2)
		return add_write(p, hier, l->v2_file, "%llu %d",
				 (unsigned long long)m * (CFS_PERIOD / 1000),
				 CFS_PERIOD);
	/* v1 checks the quota against the period in force: period first */
	if (add_write(p, hier, "cpu.cfs_period_us", "%d", CFS_PERIOD) < 0)
		return -1;
	return add_write(p, hier, l->v1_file, "%llu",
			 (unsigned long long)m * (CFS_PERIOD / 1000));
}

/*
 * v2 weight 100 is v1 shares 1024; the kernel converts with
 * shares = round(weight * 1024 / 100), and so do we.
 */
static int conv_weight(struct cg_plan *p, const struct cg_limit *l,
		       const char *arg, int hier)
{
	uint64_t w;

	if (parse_u64_range(arg, 1, 10000, &w) < 0)
		return baduse(p->e,
			      "bad --cpu-weight '%s': expected 1 to "
			      "10000 (100 is the default)",
			      arg);
	if (p->sys->h[hier].v2)
		return add_write(p, hier, l->v2_file, "%llu",
				 (unsigned long long)w);
	return add_write(p, hier, l->v1_file, "%llu",
			 (unsigned long long)((w * 1024 + 50) / 100));
}

static int conv_pids(struct cg_plan *p, const struct cg_limit *l,
		     const char *arg, int hier)
{
	uint64_t n;

	if (!strcmp(arg, "max"))
		return add_write(p, hier, l->v2_file, "max");
	if (parse_u64_range(arg, 1, 4194304, &n) < 0)
		return baduse(p->e,
			      "bad --pids '%s': expected 1 to 4194304, "
			      "or max",
			      arg);
	return add_write(p, hier, p->sys->h[hier].v2 ? l->v2_file : l->v1_file,
			 "%llu", (unsigned long long)n);
}

/* "0-3,5,7-8": ascending ranges of CPU numbers below 8192 (NR_CPUS). */
static int conv_cpuset(struct cg_plan *p, const struct cg_limit *l,
		       const char *arg, int hier)
{
	const char *s = arg;
	char *end;
	unsigned long a, b;

	if (strlen(arg) > 150)
		goto bad;
	for (;;) {
		if (!isdigit((unsigned char)*s))
			goto bad;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			s = end + 1;
			if (!isdigit((unsigned char)*s))
				goto bad;
			b = strtoul(s, &end, 10);
		}
		if (a > b || b >= 8192)
			goto bad;
		if (*end == '\0')
			break;
		if (*end != ',')
			goto bad;
		s = end + 1;
	}
	return add_write(p, hier, p->sys->h[hier].v2 ? l->v2_file : l->v1_file,
			 "%s", arg);
bad:
	return baduse(p->e,
		      "bad --cpuset '%s': expected CPU numbers and "
		      "ranges such as 0-3,6",
		      arg);
}

/*
 * "MAJ:MIN:rbps=1M,wiops=100" or "/dev/sda:rbps=1M"; v2 takes one line
 * "MAJ:MIN rbps=1048576 wiops=100", v1 one file per key, 0 for no limit.
 */
static int conv_iomax(struct cg_plan *p, const struct cg_limit *l,
		      const char *arg, int hier)
{
	static const struct {
		const char *key, *v1_file;
		bool bytes;
	} keys[] = {
	    {"rbps", "blkio.throttle.read_bps_device", true},
	    {"wbps", "blkio.throttle.write_bps_device", true},
	    {"riops", "blkio.throttle.read_iops_device", false},
	    {"wiops", "blkio.throttle.write_iops_device", false},
	};
	char dev[128], v2line[160], *eq, *sep, list[160], *tok, *save = NULL;
	unsigned long long maj, min;
	uint64_t v;
	bool v2 = p->sys->h[hier].v2;
	struct stat st;
	int n = 0;

	(void)l;
	eq = strchr(arg, '=');
	if (!eq || strlen(arg) >= sizeof(list))
		goto bad;
	for (sep = eq; sep > arg && sep[-1] != ':' && sep[-1] != ' '; sep--)
		;
	if (sep == arg || (size_t)(sep - 1 - arg) >= sizeof(dev))
		goto bad;
	snprintf(dev, sizeof(dev), "%.*s", (int)(sep - 1 - arg), arg);
	strcpy(list, sep);
	if (dev[0] == '/') {
		if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode))
			return baduse(p->e,
				      "bad --io-max '%s': %s is not a "
				      "block device",
				      arg, dev);
		maj = major(st.st_rdev);
		min = minor(st.st_rdev);
	} else {
		char *colon = strchr(dev, ':');

		if (!colon)
			goto bad;
		*colon = '\0';
		uint64_t a, b;
		if (parse_u64_range(dev, 0, 4095, &a) < 0 ||
		    parse_u64_range(colon + 1, 0, (1u << 20) - 1, &b) < 0)
			goto bad;
		maj = a;
		min = b;
	}
	snprintf(v2line, sizeof(v2line), "%llu:%llu", maj, min);
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t k;
		char *val = strchr(tok, '=');

		if (!val)
			goto bad;
		*val++ = '\0';
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strcmp(tok, keys[k].key))
				break;
		if (k == ARRAY_SIZE(keys))
			goto bad;
		if (!strcmp(val, "max"))
			v = 0;
		else if ((keys[k].bytes ? parse_size(val, &v)
					: parse_u64(val, &v)) < 0 ||
			 v == 0 || v > (uint64_t)INT64_MAX)
			goto bad;
		if (v2) {
			size_t o = strlen(v2line);

			if (v)
				snprintf(v2line + o, sizeof(v2line) - o,
					 " %s=%llu", tok,
					 (unsigned long long)v);
			else
				snprintf(v2line + o, sizeof(v2line) - o,
					 " %s=max", tok);
		} else if (add_write(p, hier, keys[k].v1_file, "%llu:%llu %llu",
				     maj, min, (unsigned long long)v) < 0) {
			return -1;
		}
		n++;
	}
	if (n == 0)
		goto bad;
	return v2 ? add_write(p, hier, "io.max", "%s", v2line) : 0;
bad:
	return baduse(p->e,
		      "bad --io-max '%s': expected "
		      "MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N (N a number or "
		      "max)",
		      arg);
}

/* --set FILE=VALUE: the controller is the file name's prefix. */
static int conv_set(struct cg_plan *p, const struct cg_limit *l,
		    const char *arg, int hier)
{
	const char *eq = strchr(arg, '=');
	char file[64];
	size_t len;
	int c;

	(void)l;
	(void)hier;
	len = eq ? (size_t)(eq - arg) : 0;
	if (!eq || len == 0 || len >= sizeof(file))
		return baduse(p->e, "bad --set '%s': expected FILE=VALUE", arg);
	snprintf(file, sizeof(file), "%.*s", (int)len, arg);
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)file[i]) && !strchr("._-", file[i]))
			return baduse(p->e,
				      "bad --set file '%s': only "
				      "letters, digits, '.', '_' and '-'",
				      file);
	if (strstr(file, "..") || !strchr(file, '.') || file[0] == '.')
		return baduse(p->e,
			      "bad --set file '%s': expected "
			      "CONTROLLER.NAME such as memory.high",
			      file);
	if (strlen(eq + 1) >= sizeof(p->w[0].value))
		return baduse(p->e, "bad --set value for %s: too long", file);
	if (!strncmp(file, "cgroup.", 7)) {
		if (p->sys->v2 < 0)
			return baduse(p->e,
				      "bad --set file '%s': cgroup.* "
				      "files need cgroup2, which is not "
				      "mounted",
				      file);
		return add_write(p, p->sys->v2, file, "%s", eq + 1);
	}
	c = cg_ctrl_by_name(file, strcspn(file, "."));
	if (c < 0)
		return baduse(p->e,
			      "bad --set file '%s': unknown controller "
			      "'%.*s'",
			      file, (int)strcspn(file, "."), file);
	hier = cg_hier_of(p->sys, c);
	if (hier < 0)
		return baduse(p->e,
			      "set %s: no cgroup hierarchy has the %s "
			      "controller",
			      file, cg_ctrl_names[c]);
	return add_write(p, hier, file, "%s", eq + 1);
}

const struct cg_limit cg_limits[] = {
    {"memory", CG_MEMORY, "memory.max", CG_MEMORY, "memory.limit_in_bytes",
     conv_memory},
    {"memory-swap", CG_MEMORY, "memory.swap.max", CG_MEMORY,
     "memory.memsw.limit_in_bytes", conv_swap},
    {"cpus", CG_CPU, "cpu.max", CG_CPU, "cpu.cfs_quota_us", conv_cpus},
    {"cpu-weight", CG_CPU, "cpu.weight", CG_CPU, "cpu.shares", conv_weight},
    {"pids", CG_PIDS, "pids.max", CG_PIDS, "pids.max", conv_pids},
    {"cpuset", CG_CPUSET, "cpuset.cpus", CG_CPUSET, "cpuset.cpus", conv_cpuset},
    {"io-max", CG_IO, "io.max", CG_BLKIO, "blkio.throttle.*", conv_iomax},
    {"set", -1, NULL, -1, NULL, conv_set},
    {NULL, -1, NULL, -1, NULL, NULL},
};

const struct cg_limit *cg_limit_by_option(const char *option)
{
	for (const struct cg_limit *l = cg_limits; l->option; l++)
		if (!strcmp(l->option, option))
			return l;
	return NULL;
}

int cg_plan_request(struct cg_plan *p, const struct cg_limit *l,
		    const char *arg, struct cg_err *e)
{
	bool adds = l->conv == conv_set || l->conv == conv_iomax;

	if (!adds)
		for (int i = 0; i < p->nreq; i++)
			if (p->req[i].lim == l) {
				p->req[i].arg = arg;
				return 0;
			}
	if (p->nreq == CG_MAX_REQ)
		return baduse(e, "too many limits");
	p->req[p->nreq].lim = l;
	p->req[p->nreq].arg = arg;
	p->nreq++;
	return 0;
}

/* The hierarchy a limit goes to: its v1 controller's, else cgroup2's. */
static int hier_for_limit(const struct cg_sys *s, const struct cg_limit *l)
{
	for (int i = 0; i < s->n; i++)
		if (!s->h[i].v2 && (s->h[i].ctrls & (1u << l->v1_ctrl)))
			return i;
	if (s->v2 >= 0 && (s->h[s->v2].ctrls & (1u << l->v2_ctrl)))
		return s->v2;
	return -1;
}

int cg_plan_build(struct cg_plan *p, const struct cg_sys *s, struct cg_err *e)
{
	int hier;

	p->sys = s;
	p->e = e;
	p->nw = 0;
	for (int i = 0; i < p->nreq; i++) {
		const struct cg_limit *l = p->req[i].lim;

		hier = -1;
		if (l->v2_ctrl >= 0) {
			hier = hier_for_limit(s, l);
			if (hier < 0)
				return baduse(
				    e,
				    "set --%s: no cgroup "
				    "hierarchy has the %s controller "
				    "(neither a v1 mount nor cgroup2)",
				    l->option, cg_ctrl_names[l->v2_ctrl]);
		}
		if (l->conv(p, l, p->req[i].arg, hier) < 0)
			return -1;
	}
	return 0;
}

/* --- owner ---------------------------------------------------------------- */

/*
 * Names are looked up in /etc/passwd and /etc/group as text (ids.h), not
 * through NSS, which a static build cannot load.
 */
int cg_parse_owner(const char *s, struct cg_owner *o, struct cg_err *e)
{
	char user[256], *buf = NULL;
	const char *colon = strchr(s, ':');
	struct ids_user pw;
	uint32_t id, gid;
	size_t len = 0;
	bool found, numeric;

	snprintf(user, sizeof(user), "%.*s",
		 colon ? (int)(colon - s) : (int)strlen(s), s);
	o->gid = (gid_t)-1;
	if (!*user)
		return baduse(e, "bad --owner '%s': no user", s);
	numeric = ids_parse_id(user, &id) == 0;
	if (ids_read_file("/etc/passwd", &buf, &len) < 0)
		buf = NULL;
	found = buf &&
		ids_passwd_find(buf, len, numeric ? NULL : user, id, &pw) == 0;
	free(buf);
	if (!numeric && !found)
		return baduse(e, "bad --owner '%s': no such user", s);
	o->uid = numeric ? id : pw.uid;
	if (found && !colon)
		o->gid = pw.gid;
	if (colon) {
		if (ids_parse_id(colon + 1, &gid) == 0) {
			o->gid = gid;
		} else {
			buf = NULL;
			found = ids_read_file("/etc/group", &buf, &len) == 0 &&
				ids_group_find(buf, len, colon + 1, &gid) == 0;
			free(buf);
			if (!found)
				return baduse(e,
					      "bad --owner '%s': no such "
					      "group",
					      s);
			o->gid = gid;
		}
	}
	o->set = true;
	return 0;
}

/*
 * Delegation hands over the directory (to make children) and the files
 * that move processes and enable controllers; the limits of the cgroup
 * itself stay with the delegator (cgroup v2's delegation model).
 */
static int chown_cgroup(int dfd, const struct cg_owner *o)
{
	static const char *const files[] = {"cgroup.procs", "cgroup.threads",
					    "cgroup.subtree_control", "tasks"};

	if (fchown(dfd, o->uid, o->gid) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (fchownat(dfd, files[i], o->uid, o->gid,
			     AT_SYMLINK_NOFOLLOW) < 0 &&
		    errno != ENOENT)
			return -1;
	return 0;
}

/* --- creating and applying ------------------------------------------------ */

struct created {
	int hier;
	char rel[CG_PATH_MAX];
};

struct undo {
	struct created *c;
	int n, cap;
};

static int undo_add(struct undo *u, int hier, const char *rel)
{
	if (u->n == u->cap) {
		int cap = u->cap ? u->cap * 2 : 16;
		struct created *c = realloc(u->c, (size_t)cap * sizeof(*c));

		if (!c)
			return -1;
		u->c = c;
		u->cap = cap;
	}
	u->c[u->n].hier = hier;
	snprintf(u->c[u->n].rel, sizeof(u->c[0].rel), "%s", rel);
	u->n++;
	return 0;
}

static void undo_run(const struct cg_sys *s, struct undo *u)
{
	int err = errno;

	for (int i = u->n - 1; i >= 0; i--) {
		int mfd = open_mnt(&s->h[u->c[i].hier]);

		if (mfd < 0)
			continue;
		if (unlinkat(mfd, u->c[i].rel, AT_REMOVEDIR) < 0) {
			/* nothing was run in it: a rmdir can only race */
		}
		close(mfd);
	}
	errno = err;
}

/* Enable the controllers in mask that dfd's subtree_control lacks. */
static int enable_ctrls(int dfd, unsigned mask, char *failed, size_t n)
{
	char have[512], line[512];
	unsigned on;
	size_t o = 0;

	if (!mask)
		return 0;
	if (cg_read(dfd, "cgroup.subtree_control", have, sizeof(have)) < 0)
		return -1;
	for (char *c = have; *c; c++)
		if (*c == ' ')
			*c = ',';
	on = parse_ctrls(have, NULL, 0);
	line[0] = '\0';
	for (int c = 0; c < CG_NCTRL; c++)
		if ((mask & ~on) & (1u << c))
			o += (size_t)snprintf(line + o, sizeof(line) - o,
					      "%s+%s", o ? " " : "",
					      cg_ctrl_names[c]);
	if (!o)
		return 0;
	snprintf(failed, n, "%s", line);
	return cg_write(dfd, "cgroup.subtree_control", line);
}

/*
 * A new v1 cpuset cgroup starts with empty cpus and mems, and the kernel
 * refuses tasks into it (ENOSPC): start it with its parent's.  Writing
 * cpuset.cpus or cpuset.mems is not cheap: the kernel checks the value
 * against every sibling (validate_change) and, for cpus, rebuilds the
 * sched domains and walks every cpuset and its tasks for deadline
 * accounting (dl_rebuild_rd_accounting), so with hundreds of containers
 * each write grows with their number.  Hence cgroup.clone_children on
 * every cpuset cgroup made here: the kernel then copies the parent's
 * cpus and mems into each new child at mkdir (cpuset_css_online), and
 * the children found non-empty below need no write.  Best effort: it is
 * only a shortcut for the writes.
 */
static int cpuset_init(int pfd, int dfd, const char **file)
{
	static const char *const files[] = {"cpuset.mems", "cpuset.cpus"};
	char buf[512], cur[512];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		*file = files[i];
		if (cg_read(dfd, files[i], cur, sizeof(cur)) < 0)
			return -1;
		if (cur[0])
			continue;
		if (cg_read(pfd, files[i], buf, sizeof(buf)) < 0 ||
		    cg_write(dfd, files[i], buf[0] ? buf : "\n") < 0)
			return -1;
	}
	(void)cg_write(dfd, "cgroup.clone_children", "1");
	return 0;
}

/*
 * Walk path below the base in hierarchy hi.  In the dry run nothing is
 * made: it only proves the walk would succeed.  Returns the target's fd.
 */
static int walk(const struct cg_sys *s, int hi, const char *path, int flags,
		unsigned enable, bool dry, struct undo *u, struct cg_err *e)
{
	const struct cg_hier *h = &s->h[hi];
	char rel[CG_PATH_MAX], base[CG_PATH_MAX], comp[NAME_MAX + 1];
	char failed[512];
	const char *p, *end;
	struct stat st;
	int fd, nfd, err;
	bool made;
	dev_t dev;

	if (cg_rel(h, flags & CG_RELATIVE, "", base, sizeof(base), e) < 0)
		return -1;
	fd = cg_open_dir(h, base);
	if (fd < 0 || fstat(fd, &st) < 0) {
		cg_explain(e, errno, h, base, NULL, NULL);
		whatf(e, "open cgroup %s/%s", h->mnt, base);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	dev = st.st_dev;
	snprintf(rel, sizeof(rel), "%s", base);
	for (p = path + (*path == '/'); *p; p = *end ? end + 1 : end) {
		made = false;
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		snprintf(comp, sizeof(comp), "%.*s", (int)(end - p), p);
		if (!dry && h->v2 &&
		    enable_ctrls(fd, enable, failed, sizeof(failed)) < 0) {
			cg_explain(e, errno, h, rel, "cgroup.subtree_control",
				   failed);
			goto fail;
		}
		size_t o = strlen(rel);
		snprintf(rel + o, sizeof(rel) - o, "%s%s", o ? "/" : "", comp);
		nfd = openat(fd, comp,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd >= 0 && !*end && (flags & CG_CREATE) &&
		    !(flags & CG_PARENTS)) {
			close(nfd);
			cg_explain(e, EEXIST, h, rel, NULL, NULL);
			goto fail;
		}
		if (nfd < 0 && errno == ENOENT && (flags & CG_CREATE) &&
		    (!*end || (flags & CG_PARENTS))) {
			if (dry) {
				/* the rest would be made: nothing to check */
				return fd;
			}
			if (mkdirat(fd, comp, 0755) < 0) {
				cg_explain(e, errno, h, rel, NULL, NULL);
				goto fail;
			}
			undo_add(u, hi, rel);
			made = true;
			nfd = openat(fd, comp,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
		}
		if (nfd < 0) {
			err = errno;
			if (err == ELOOP || err == ENOTDIR) {
				seterr(e, err, "open cgroup %s/%s", h->mnt,
				       rel);
				hintf(e,
				      "not a cgroup directory: a cgroup "
				      "filesystem has no symlinks, refusing");
			} else if (err == ENOENT) {
				seterr(e, err, "open cgroup %s/%s", h->mnt,
				       rel);
				if (flags & CG_CREATE)
					hintf(e, "use --parents to make the "
						 "missing parents");
			} else {
				cg_explain(e, err, h, rel, NULL, NULL);
			}
			goto fail;
		}
		/* something mounted inside the tree is not a cgroup */
		if (fstat(nfd, &st) < 0 || st.st_dev != dev) {
			close(nfd);
			seterr(e, EXDEV, "open cgroup %s/%s", h->mnt, rel);
			hintf(e, "not on the cgroup filesystem: something is "
				 "mounted there, refusing");
			goto fail;
		}
		if (made && !h->v2 && (h->ctrls & (1u << CG_CPUSET))) {
			const char *file;

			if (cpuset_init(fd, nfd, &file) < 0) {
				cg_explain(e, errno, h, rel, file, NULL);
				close(nfd);
				goto fail;
			}
		}
		close(fd);
		fd = nfd;
	}
	return fd;
fail:
	close(fd);
	errno = e->err;
	return -1;
}

/* Write the plan's values for hierarchy hi into the cgroup at dfd. */
static int apply_writes(const struct cg_sys *s, const struct cg_plan *p, int hi,
			int dfd, const char *rel, struct cg_err *e)
{
	const struct cg_hier *h = &s->h[hi];

	for (int i = 0; p && i < p->nw; i++) {
		const struct cg_write *w = &p->w[i];

		if (w->hier != hi)
			continue;
		if (cg_write(dfd, w->file, w->value) == 0)
			continue;
		/*
		 * v1 keeps memory <= memory+swap at every step: when both
		 * rise, the memsw limit has to go first.
		 */
		if (errno == EINVAL &&
		    !strcmp(w->file, "memory.limit_in_bytes"))
			for (int j = i + 1; j < p->nw; j++)
				if (p->w[j].hier == hi &&
				    !strcmp(p->w[j].file,
					    "memory.memsw.limit_in_bytes") &&
				    cg_write(dfd, p->w[j].file,
					     p->w[j].value) == 0 &&
				    cg_write(dfd, w->file, w->value) == 0)
					goto next;
		cg_explain(e, errno, h, rel, w->file, w->value);
		return -1;
	next:;
	}
	return 0;
}

int cg_apply(const struct cg_sys *s, const struct cg_plan *p, char **paths,
	     int n, int flags, const struct cg_owner *o, struct cg_err *e)
{
	struct undo u = {0};
	char rel[CG_PATH_MAX];
	int fd, found;
	unsigned enable = p ? p->v2_enable : 0;

	/* First prove every walk works, so bad input changes nothing. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			found = 0;
			for (int hi = 0; hi < s->n; hi++) {
				const struct cg_hier *h = &s->h[hi];
				bool needed = p && (p->hiers & (1u << hi));

				if (!cg_hier_real(h))
					continue;
				fd = walk(s, hi, paths[i], flags, enable,
					  pass == 0, &u, e);
				if (fd < 0 && !(flags & CG_CREATE) && !needed &&
				    errno == ENOENT)
					continue; /* not in this hierarchy */
				if (fd < 0)
					goto fail;
				found++;
				if (pass == 0) {
					close(fd);
					continue;
				}
				if (cg_rel(h, flags & CG_RELATIVE, paths[i],
					   rel, sizeof(rel), e) < 0 ||
				    apply_writes(s, p, hi, fd, rel, e) < 0) {
					close(fd);
					goto fail;
				}
				if (o && o->set && chown_cgroup(fd, o) < 0) {
					cg_explain(e, errno, h, rel, NULL,
						   NULL);
					whatf(e, "chown cgroup %s/%s", h->mnt,
					      rel);
					close(fd);
					goto fail;
				}
				close(fd);
			}
			if (!found) {
				seterr(e, ENOENT, "find cgroup %s", paths[i]);
				hintf(e, "it exists in no hierarchy; make it "
					 "with cg-create");
				goto fail;
			}
		}
	}
	free(u.c);
	return 0;
fail:
	undo_run(s, &u);
	free(u.c);
	return -1;
}

/* --- removing ------------------------------------------------------------- */

/*
 * Call fn on every directory below dfd, children before parents.  A
 * cgroup directory's link count is 2 plus its child cgroups (kernfs
 * keeps it so), so a leaf, the common case, is not listed at all: a
 * listing costs more than the rmdir (every interface file is an entry).
 */
static int each_child(int dfd, int (*fn)(int pfd, const char *name, void *),
		      void *arg)
{
	int dup_fd, r = 0;
	struct dirent *d;
	struct stat st;
	DIR *dir;

	if (fstat(dfd, &st) == 0 && st.st_nlink == 2)
		return 0;
	dup_fd = dup(dfd);
	if (dup_fd < 0)
		return -1;
	dir = fdopendir(dup_fd);
	if (!dir) {
		close(dup_fd);
		return -1;
	}
	while ((d = readdir(dir))) {
		if (d->d_type != DT_DIR || !strcmp(d->d_name, ".") ||
		    !strcmp(d->d_name, ".."))
			continue;
		if (fn(dfd, d->d_name, arg) < 0)
			r = -1;
	}
	closedir(dir);
	return r;
}

struct killer {
	int found;
	pid_t self;
};

static int kill_procs(int dfd, struct killer *k)
{
	char buf[65536], *p, *end;
	long pid;

	if (cg_read(dfd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; *p; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		while (*end == '\n')
			end++;
		if (pid <= 0 || pid == k->self)
			continue;
		k->found++;
		kill((pid_t)pid, SIGKILL);
	}
	return 0;
}

static int kill_tree(int pfd, const char *name, void *arg)
{
	int dfd =
	    openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (dfd < 0)
		return errno == ENOENT ? 0 : -1;
	r = each_child(dfd, kill_tree, arg);
	if (kill_procs(dfd, arg) < 0 && errno != ENOENT)
		r = -1;
	close(dfd);
	return r;
}

static int rm_tree(int pfd, const char *name, void *arg)
{
	int dfd =
	    openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	(void)arg;
	if (dfd < 0)
		return errno == ENOENT ? 0 : -1;
	each_child(dfd, rm_tree, NULL);
	close(dfd);
	if (unlinkat(pfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

static int has_child(int pfd, const char *name, void *arg)
{
	(void)pfd;
	(void)name;
	++*(int *)arg;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap(void)
{
	struct timespec ts = {0, 5 * 1000 * 1000};

	nanosleep(&ts, NULL);
}

int cg_remove(const struct cg_sys *s, const char *path, bool relative,
	      bool recursive, double timeout, struct cg_err *e)
{
	int pfd[CG_MAX_HIER], nfound = 0, frozen = -1, children, hi;
	bool skipped_kill = false;
	char rel[CG_PATH_MAX], par[CG_PATH_MAX];
	const char *name = strrchr(path, '/');
	struct killer k = {0, getpid()};
	double deadline = now() + timeout;
	int r = -1;

	name = name ? name + 1 : path;
	for (hi = 0; hi < CG_MAX_HIER; hi++)
		pfd[hi] = -1;
	for (hi = 0; hi < s->n; hi++) {
		const struct cg_hier *h = &s->h[hi];
		int dfd;

		if (!cg_hier_real(h))
			continue;
		if (cg_rel(h, relative, path, rel, sizeof(rel), e) < 0)
			goto out;
		parent_of(rel, par, sizeof(par));
		pfd[hi] = cg_open_dir(h, par);
		if (pfd[hi] < 0 && errno == ENOENT)
			continue;
		if (pfd[hi] < 0) {
			cg_explain(e, errno, h, par, NULL, NULL);
			goto out;
		}
		dfd = openat(pfd[hi], name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0 && errno == ENOENT) {
			close(pfd[hi]);
			pfd[hi] = -1;
			continue;
		}
		if (dfd < 0) {
			seterr(e, errno, "open cgroup %s/%s", h->mnt, rel);
			goto out;
		}
		children = 0;
		each_child(dfd, has_child, &children);
		close(dfd);
		if (children && !recursive) {
			seterr(e, ENOTEMPTY, "remove cgroup %s/%s", h->mnt,
			       rel);
			hintf(e, "it has child cgroups; use --recursive");
			goto out;
		}
		nfound++;
	}
	if (!nfound) {
		seterr(e, ENOENT, "remove cgroup %s", path);
		hintf(e, "it exists in no cgroup hierarchy");
		goto out;
	}

	/*
	 * The common case is a cgroup its payload has already left: then
	 * freezing and thawing (a v1 freezer round trip costs milliseconds)
	 * buys nothing, and nor does reading cgroup.procs in every
	 * hierarchy first.  rmdir answers EBUSY while a process is inside,
	 * and the kill loop then handles it.
	 */
	skipped_kill = true;
	goto remove;
kill:

	/*
	 * cgroup.kill (5.14) kills the whole subtree at once, forks
	 * included.  Elsewhere freeze first, so nothing can fork between
	 * reading cgroup.procs and the kill; frozen tasks die on thaw.
	 */
	if (s->v2 >= 0 && pfd[s->v2] >= 0) {
		int dfd =
		    openat(pfd[s->v2], name,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (dfd >= 0) {
			if (cg_write(dfd, "cgroup.kill", "1") < 0 &&
			    cg_write(dfd, "cgroup.freeze", "1") == 0)
				frozen = s->v2;
			close(dfd);
		}
	}
	for (hi = 0; hi < s->n && frozen < 0; hi++) {
		if (pfd[hi] < 0 || s->h[hi].v2 ||
		    !(s->h[hi].ctrls & (1u << CG_FREEZER)))
			continue;
		int dfd =
		    openat(pfd[hi], name,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (dfd >= 0) {
			if (cg_write(dfd, "freezer.state", "FROZEN") == 0)
				frozen = hi;
			close(dfd);
		}
	}
	for (;;) {
		k.found = 0;
		for (hi = 0; hi < s->n; hi++)
			if (pfd[hi] >= 0)
				kill_tree(pfd[hi], name, &k);
		if (frozen >= 0) {
			int dfd = openat(pfd[frozen], name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					     O_CLOEXEC);

			if (dfd >= 0) {
				cg_write(dfd,
					 s->h[frozen].v2 ? "cgroup.freeze"
							 : "freezer.state",
					 s->h[frozen].v2 ? "0" : "THAWED");
				close(dfd);
			}
			frozen = -1;
		}
		if (!k.found)
			break;
		if (now() > deadline) {
			seterr(e, EBUSY, "empty cgroup %s", path);
			hintf(e, "%d processes still there after %g s", k.found,
			      timeout);
			goto out;
		}
		nap();
	}

remove:
	/* An exited task may linger until its parent reaps it: retry. */
	for (hi = 0; hi < s->n; hi++) {
		if (pfd[hi] < 0)
			continue;
		while (rm_tree(pfd[hi], name, NULL) < 0) {
			if (errno == EBUSY && skipped_kill) {
				/* someone entered after the look: kill */
				skipped_kill = false;
				goto kill;
			}
			if (errno != EBUSY || now() > deadline) {
				cg_rel(&s->h[hi], relative, path, rel,
				       sizeof(rel), e);
				seterr(e, errno, "remove cgroup %s/%s",
				       s->h[hi].mnt, rel);
				if (errno == EBUSY)
					hintf(e, "tasks remain in it (zombies "
						 "not yet reaped?)");
				goto out;
			}
			nap();
		}
	}
	r = 0;
out:
	for (hi = 0; hi < s->n; hi++)
		if (pfd[hi] >= 0)
			close(pfd[hi]);
	return r;
}
