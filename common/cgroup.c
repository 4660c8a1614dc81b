/*
 * cgroup.c - finding the cgroup hierarchies: their mounts (through
 * libmount), the caller's own cgroup in each, and the controllers
 * cgroup2 offers.
 */
/* boxutils-pkgs: mount */
#include "cgroup-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* pkg-config's cflags for mount name libmount's own directory; without
 * them (a build that has not asked pkg-config) it is libmount/ below
 * the system's include directory */
#if __has_include(<libmount.h>)
#include <libmount.h>
#else
#include <libmount/libmount.h>
#endif

/* --- discovery ------------------------------------------------------------ */

/*
 * One mount of a cgroup hierarchy into h; -1 for a mount to pass over (a
 * path too long to keep).  The superblock options of a v1 mount name its
 * controllers ("rw,cpu,cpuacct") and, for a named hierarchy, name=.
 */
static int hier_from_fs(struct libmnt_fs *fs, bool v2, struct cg_hier *h)
{
	const char *target = mnt_fs_get_target(fs), *root = mnt_fs_get_root(fs);
	char *opts = (char *)mnt_fs_get_fs_options(fs), *name, *val;
	size_t namesz, valsz;
	int c;

	/* field by field: the struct is 2 KiB of mostly path buffers */
	h->v2 = v2;
	h->ctrls = 0;
	h->name[0] = h->self[0] = '\0';
	h->has_self = false;
	if (!target || !root || strlen(target) >= sizeof(h->mnt) ||
	    strlen(root) >= sizeof(h->root))
		return -1;
	strcpy(h->mnt, target);
	strcpy(h->root, root);
	/* cgroup2's controllers come from its cgroup.controllers */
	while (!v2 && opts &&
	       mnt_optstr_next_option(&opts, &name, &namesz, &val, &valsz) ==
		   0) {
		c = val ? -1 : cg_ctrl_by_name(name, namesz);
		if (c >= 0)
			h->ctrls |= 1u << c;
		else if (val && namesz == 4 && !strncmp(name, "name", 4) &&
			 valsz < sizeof(h->name))
			snprintf(h->name, sizeof(h->name), "%.*s", (int)valsz,
				 val);
	}
	return 0;
}

/*
 * The filesystem type is the word after a mountinfo line's " - " (a
 * space inside a path is escaped as \040, so " - " is nowhere else).
 */
static bool is_cgroup_line(const char *line, size_t n)
{
	const char *end = line + n, *p = line;

	while ((p = memchr(p, '-', (size_t)(end - p))) &&
	       !(p > line && p[-1] == ' ' && end - p > 1 && p[1] == ' '))
		p++;
	if (!p || end - p < 9 || memcmp(p + 2, "cgroup", 6))
		return false;
	return p[8] == ' ' || (p[8] == '2' && end - p > 9 && p[9] == ' ');
}

/*
 * The cgroup mounts of /proc/self/mountinfo, as a libmount table.
 * libmount spends some 8000 instructions on a line (a sscanf, a copy of
 * each field, the options split in two), and a host running containers
 * has hundreds of mounts of which a dozen at most are cgroups, while
 * cg-exec pays for this read at every start.  So libmount is handed only
 * the lines whose filesystem type, the word after the line's " - ", is
 * cgroup or cgroup2; their fields, escapes and options are libmount's.
 * Returns NULL with *err set on failure.
 */
static struct libmnt_table *cgroup_mounts(int *err)
{
	size_t cap = 16384, len = 0, keep = 0, n;
	char *buf = malloc(cap), *line, *nl, *nbuf;
	struct libmnt_table *tb = NULL;
	FILE *f = NULL;
	ssize_t r;
	int fd;

	*err = ENOMEM;
	if (!buf)
		return NULL;
	fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		goto fail;
	}
	while ((r = read(fd, buf + len, cap - len - 1)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		len += (size_t)r;
		if (cap - len - 1 < 4096) {
			nbuf = realloc(buf, cap * 2);
			if (!nbuf) {
				r = -1;
				errno = ENOMEM;
				break;
			}
			buf = nbuf;
			cap *= 2;
		}
	}
	if (r < 0) {
		*err = errno;
		close(fd);
		goto fail;
	}
	close(fd);
	buf[len] = '\n'; /* a last line without one */
	for (line = buf; line < buf + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(buf + len + 1 - line));
		n = (size_t)(nl - line);
		if (!is_cgroup_line(line, n))
			continue;
		memmove(buf + keep, line, n + 1);
		keep += n + 1;
	}
	tb = mnt_new_table();
	if (!tb)
		goto fail;
	/* an empty stream is an error to fmemopen on some C libraries */
	if (keep) {
		f = fmemopen(buf, keep, "r");
		if (!f)
			goto fail;
		/* a negative errno, or 1 for a line libmount cannot read */
		r = mnt_table_parse_stream(tb, f, "/proc/self/mountinfo");
		fclose(f);
		if (r != 0) {
			*err = r < 0 ? (int)-r : EINVAL;
			goto fail;
		}
	}
	free(buf);
	return tb;
fail:
	mnt_unref_table(tb);
	free(buf);
	return NULL;
}

/* A mount's root outside this cgroup namespace, as mountinfo shows it. */
static bool outside(const char *root)
{
	return !strncmp(root, "/..", 3) && (root[3] == '/' || !root[3]);
}

int cg_discover(struct cg_sys *s, struct cg_err *e)
{
	struct libmnt_table *tb;
	struct libmnt_iter *it;
	struct libmnt_fs *fs;
	struct cg_hier *h;
	const char *type;
	int err;
	bool dup;

	/* not the whole struct (38 KiB): cg-exec's start-up is counted */
	s->n = 0;
	s->v2 = -1;
	s->v2_loaded = false;
	tb = cgroup_mounts(&err);
	if (!tb)
		return cg_seterr(e, err, "read /proc/self/mountinfo");
	it = mnt_new_iter(MNT_ITER_FORWARD);
	if (!it) {
		mnt_unref_table(tb);
		return cg_seterr(e, ENOMEM, "read /proc/self/mountinfo");
	}
	while (s->n < CG_MAX_HIER && mnt_table_next_fs(tb, it, &fs) == 0) {
		type = mnt_fs_get_fstype(fs);
		if (!type ||
		    (strcmp(type, "cgroup") && strcmp(type, "cgroup2")))
			continue;
		h = &s->h[s->n];
		if (hier_from_fs(fs, type[6] == '2', h) < 0)
			continue;
		/*
		 * The same hierarchy mounted twice: keep the first, unless
		 * the later one is what a path reaches.  Mounted again at
		 * the same place, it hides the first; and in a cgroup
		 * namespace that mounted its hierarchies anew (an engine's,
		 * a test's), the first is the host's mount under them,
		 * whose root lies outside the namespace ("/..").
		 */
		dup = false;
		for (int i = 0; i < s->n && !dup; i++) {
			struct cg_hier *k = &s->h[i];

			if (k->v2 != h->v2 || k->ctrls != h->ctrls ||
			    strcmp(k->name, h->name))
				continue;
			dup = true;
			if (!strcmp(k->mnt, h->mnt) ||
			    (outside(k->root) && !outside(h->root))) {
				memcpy(k->mnt, h->mnt, sizeof(k->mnt));
				memcpy(k->root, h->root, sizeof(k->root));
			}
		}
		if (dup)
			continue;
		if (h->v2)
			s->v2 = s->n;
		s->n++;
	}
	mnt_free_iter(it);
	mnt_unref_table(tb);
	if (s->n == 0)
		return cg_seterr(e, ENOENT,
				 "find cgroup hierarchies in "
				 "/proc/self/mountinfo");
	return 0;
}

int cg_load_self(struct cg_sys *s, struct cg_err *e)
{
	char buf[8192], name[64], *line, *next, *c1, *c2;
	unsigned ctrls;
	size_t rl;

	if (cg_read(AT_FDCWD, "/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return cg_seterr(e, errno, "read /proc/self/cgroup");
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		ctrls = cg_parse_ctrls(c1 + 1, name, sizeof(name));
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
	if (cg_read(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return cg_seterr(e, errno, "read %s", path);
	for (char *p = buf; *p; p++)
		if (*p == ' ' || *p == '\n')
			*p = ',';
	h->ctrls = cg_parse_ctrls(buf, NULL, 0);
	s->v2_loaded = true;
	return 0;
}
