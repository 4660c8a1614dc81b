/*
 * cgerr.c - how a cgroup failure is described: the struct cg_err
 * helpers every cgroup module fills it with, and cg_explain(), which
 * turns an errno met on a cgroup file into a hint.
 */
#include "cgroup-int.h"
#include "box.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cg_seterr(struct cg_err *e, int err, const char *fmt, ...)
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

void cg_hintf(struct cg_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
	va_end(ap);
}

void cg_whatf(struct cg_err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->what, sizeof(e->what), fmt, ap);
	va_end(ap);
}

int cg_baduse(struct cg_err *e, const char *fmt, ...)
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

void cg_parent_of(const char *rel, char *out, size_t n)
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
	cg_parent_of(rel, par, sizeof(par));
	snprintf(pdir, sizeof(pdir), "%s%s%s", h->mnt, *par ? "/" : "", par);
	if (file && value)
		cg_seterr(e, err, "write '%s' to %s/%s", value, dir, file);
	else if (file)
		cg_seterr(e, err, "open %s/%s", dir, file);
	else
		cg_seterr(e, err, "create cgroup %s", dir);
	if (err == EBUSY && h->v2 && file &&
	    !strcmp(file, "cgroup.subtree_control"))
		cg_hintf(e,
			 "cgroup v2 no-internal-process rule: %s has processes "
			 "of its own, so it cannot enable controllers for "
			 "children; move them into a leaf cgroup first",
			 dir);
	else if (err == EBUSY && h->v2 && file && !strcmp(file, "cgroup.procs"))
		cg_hintf(e,
			 "cgroup v2 no-internal-process rule: %s enables "
			 "controllers for its children (cgroup.subtree_control)"
			 ", so processes must go into a leaf cgroup below it",
			 dir);
	else if (err == ENOENT && file && h->v2 &&
		 !strcmp(file, "cgroup.subtree_control"))
		cg_hintf(
		    e,
		    "a controller asked for is not available in %s: its "
		    "parent %s does not enable it in cgroup.subtree_control "
		    "(not delegated)",
		    dir, pdir);
	else if (err == ENOENT && file && h->v2 && strchr(file, '.') &&
		 strncmp(file, "cgroup.", 7))
		cg_hintf(e,
			 "the %.*s controller is not enabled here: the parent "
			 "%s does not list it in cgroup.subtree_control (not "
			 "delegated)",
			 (int)(strchr(file, '.') - file), file, pdir);
	else if (err == ENOENT && file && !strncmp(file, "memory.memsw", 12))
		cg_hintf(e, "the kernel has no swap accounting; boot it with "
			    "swapaccount=1");
	else if (err == ENOENT && file)
		cg_hintf(e, "this kernel has no %s", file);
	else if (err == ENOENT && !file)
		cg_hintf(e,
			 "the parent cgroup %s does not exist; use --parents",
			 pdir);
	else if (err == EEXIST && !file)
		cg_hintf(e, "use --parents to accept an existing cgroup");
	else if ((err == EACCES || err == EPERM) && geteuid() != 0) {
		const char *who = file ? dir : pdir;

		if (stat(who, &st) == 0 && st.st_uid == geteuid() && h->v2 &&
		    file && !strcmp(file, "cgroup.procs"))
			cg_hintf(
			    e,
			    "cgroup v2 delegation: moving a process also "
			    "needs write access to cgroup.procs of the "
			    "nearest common ancestor of its current cgroup "
			    "and %s; start it inside the delegated cgroup",
			    dir);
		else if (stat(who, &st) == 0)
			cg_hintf(e,
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
			cg_hintf(e,
				 "CPUs must lie within the parent's cpuset "
				 "(%s has %s)",
				 pdir, buf);
		if (fd >= 0)
			close(fd);
	} else if (err == EINVAL && file &&
		   !strcmp(file, "memory.limit_in_bytes"))
		cg_hintf(
		    e, "memory.limit_in_bytes may not exceed "
		       "memory.memsw.limit_in_bytes; raise --memory-swap too");
	else if (err == ENOSPC && file &&
		 (!strcmp(file, "cgroup.procs") || !strcmp(file, "tasks")))
		cg_hintf(e, "cpuset.cpus or cpuset.mems of %s is empty", dir);
	else if (err == ELOOP)
		cg_hintf(e,
			 "a symlink on the way: a cgroup filesystem has none, "
			 "refusing");
	else if (err == EXDEV)
		cg_hintf(e,
			 "not on the cgroup filesystem: something is mounted "
			 "on the way, refusing");
	else if (err == ENODEV)
		cg_hintf(e, "no such block device");
	else if (err == EOPNOTSUPP && h->v2)
		cg_hintf(e,
			 "%s is a threaded cgroup, or the controller cannot "
			 "be used here",
			 dir);
}
