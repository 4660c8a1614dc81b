/*
 * cgpath.c - controller names, cgroup paths users give, and opening,
 * reading, writing and joining cgroups without leaving the tree.
 */
#include "cgroup-int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
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

int cg_ctrl_by_name(const char *name, size_t len)
{
	for (int i = 0; i < CG_NCTRL; i++)
		if (len && cg_ctrl_names[i][0] == name[0] &&
		    !strncmp(cg_ctrl_names[i], name, len) &&
		    cg_ctrl_names[i][len] == '\0')
			return i;
	return -1;
}

bool cg_hier_real(const struct cg_hier *h)
{
	return h->v2 || h->ctrls != 0;
}
/* Controllers and name= in a comma list ("rw,cpu,cpuacct,name=x"). */
unsigned cg_parse_ctrls(const char *opts, char *name, size_t namelen)
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
int cg_hier_of(const struct cg_sys *s, int ctrl)
{
	for (int i = 0; i < s->n; i++)
		if (!s->h[i].v2 && (s->h[i].ctrls & (1u << ctrl)))
			return i;
	if (s->v2 >= 0 && (s->h[s->v2].ctrls & (1u << ctrl)))
		return s->v2;
	return -1;
}

/*
 * The controller list of a "CONTROLLERS:PATH" spec: a bit per hierarchy
 * into *hiers, a bit per controller cgroup2 serves into *v2_ctrls.  A
 * controller not bound to a v1 hierarchy is cgroup2's (its
 * cgroup.controllers is read only when cg_load_v2 has run).
 */
static int spec_ctrls(const struct cg_sys *s, const char *spec,
		      const char *colon, unsigned *hiers, unsigned *v2_ctrls,
		      struct cg_err *e)
{
	const char *p, *end;
	int c, hi;

	for (p = spec; p < colon; p = end + 1) {
		end = memchr(p, ',', (size_t)(colon - p));
		if (!end)
			end = colon;
		if (end - p == 1 && *p == '*') {
			for (hi = 0; hi < s->n; hi++)
				if (cg_hier_real(&s->h[hi]))
					*hiers |= 1u << hi;
			continue;
		}
		c = cg_ctrl_by_name(p, (size_t)(end - p));
		if (c < 0)
			return cg_baduse(
			    e, "bad -g '%s': unknown controller '%.*s'", spec,
			    (int)(end - p), p);
		for (hi = 0; hi < s->n; hi++)
			if (!s->h[hi].v2 && (s->h[hi].ctrls & (1u << c)))
				break;
		if (hi == s->n) {
			hi = s->v2;
			if (hi >= 0 && s->v2_loaded &&
			    !(s->h[hi].ctrls & (1u << c)))
				hi = -1;
			if (hi >= 0)
				*v2_ctrls |= 1u << c;
		}
		if (hi < 0)
			return cg_baduse(e,
					 "bad -g '%s': no cgroup hierarchy has "
					 "the %s controller",
					 spec, cg_ctrl_names[c]);
		*hiers |= 1u << hi;
	}
	return 0;
}

int cg_parse_spec(const struct cg_sys *s, const char *spec, bool relative,
		  struct cg_target *t, struct cg_err *e)
{
	const char *colon = strchr(spec, ':');

	t->path = NULL;
	t->hiers = t->v2_ctrls = 0;
	if (!colon || colon == spec)
		return cg_baduse(e, "bad -g '%s': expected CONTROLLERS:PATH",
				 spec);
	if (spec_ctrls(s, spec, colon, &t->hiers, &t->v2_ctrls, e) < 0 ||
	    cg_check_path(colon + 1, relative, e) < 0)
		return -1;
	t->path = colon + 1;
	return 0;
}

bool cg_is_spec(const char *spec)
{
	const char *colon = strchr(spec, ':'), *p, *end;

	if (!colon || colon == spec)
		return false;
	for (p = spec; p < colon; p = end + 1) {
		end = memchr(p, ',', (size_t)(colon - p));
		if (!end)
			end = colon;
		if (!(end - p == 1 && *p == '*') &&
		    cg_ctrl_by_name(p, (size_t)(end - p)) < 0)
			return false;
	}
	return true;
}

/* --- paths ---------------------------------------------------------------- */

int cg_check_path(const char *path, bool relative, struct cg_err *e)
{
	const char *p = path, *end;
	size_t len;

	if (!*path)
		return cg_baduse(e, "bad cgroup path '': empty");
	if (*p == '/') {
		if (relative)
			return cg_baduse(e,
					 "bad cgroup path '%s': absolute "
					 "path with --relative",
					 path);
		p++;
	}
	if (!*p)
		return cg_baduse(e,
				 "bad cgroup path '%s': names no cgroup below "
				 "the root",
				 path);
	if (strlen(path) >= CG_PATH_MAX / 2)
		return cg_baduse(e, "bad cgroup path: longer than %d bytes",
				 CG_PATH_MAX / 2);
	for (; *p; p = *end ? end + 1 : end) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		len = (size_t)(end - p);
		if (len == 0)
			return cg_baduse(e,
					 "bad cgroup path '%s': empty "
					 "component",
					 path);
		if (len > NAME_MAX)
			return cg_baduse(e,
					 "bad cgroup path: a name is longer "
					 "than %d bytes",
					 NAME_MAX);
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return cg_baduse(e,
					 "bad cgroup path '%s': '.' and '..' "
					 "would leave the cgroup tree",
					 path);
		for (size_t i = 0; i < len; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				return cg_baduse(e, "bad cgroup path: control "
						    "character in a name");
		if (*end == '/' && end[1] == '\0')
			return cg_baduse(
			    e, "bad cgroup path '%s': trailing '/'", path);
	}
	return 0;
}

int cg_rel(const struct cg_hier *h, bool relative, const char *path, char *out,
	   size_t n, struct cg_err *e)
{
	const char *base = "";
	int r;

	/* out is a string even on failure: clang's analyzer does not follow
	 * the variadic cg_seterr(), so it cannot tell a caller never reads it
	 */
	if (n > 0)
		*out = '\0';
	if (relative) {
		if (!h->has_self)
			return cg_seterr(e, ENOENT,
					 "find own cgroup in %s: not "
					 "below this mount",
					 h->mnt);
		base = h->self;
	}
	while (*path == '/')
		path++;
	r = cg_pathcat(out, n, base, "/", path);
	if (r < 0)
		return cg_seterr(e, ENAMETOOLONG, "cgroup path %s/%s", h->mnt,
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
int cg_open_below(int dirfd, const char *rel, int flags)
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

int cg_open_mnt(const struct cg_hier *h)
{
	return open(h->mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int cg_open_dir(const struct cg_hier *h, const char *rel)
{
	int mfd = cg_open_mnt(h), fd, err;

	if (mfd < 0)
		return -1;
	if (!*rel)
		return mfd;
	fd = cg_open_below(mfd, rel, O_RDONLY | O_DIRECTORY);
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
	fd = cg_open_below(mfd, file, O_WRONLY);
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
