/*
 * cgroup-int.h - what the cgroup modules (cgroup.c discovery, cgpath.c
 * paths and files, cglimits.c the limits table, cgplan.c plan/apply/undo,
 * cgremove.c removal, cgerr.c error explanations) share among
 * themselves; tools include cgroup.h only.
 */
#ifndef BOX_CGROUP_INT_H
#define BOX_CGROUP_INT_H

#include "cgroup.h"

#include <string.h>

/* Fill e: what failed and its errno (no hint); returns -1, errno set. */
int cg_seterr(struct cg_err *e, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Bad input: exit 125 without any change made; returns -1. */
int cg_baduse(struct cg_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hints and messages are cut to fit; a long path cannot overflow them. */
void cg_hintf(struct cg_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cg_whatf(struct cg_err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * a, then sep if both a and b are not empty, then b, into out of size n:
 * the length, or -1 when it would not fit (out is then cut).  Paths are
 * joined a few dozen times a run, and musl's snprintf("%s%s%s") spends
 * a thousand instructions on each.
 */
static inline int cg_pathcat(char *out, size_t n, const char *a,
			     const char *sep, const char *b)
{
	size_t la = strlen(a), ls = *a && *b ? strlen(sep) : 0, lb = strlen(b);

	if (n == 0)
		return -1;
	if (la + ls + lb >= n) {
		*out = '\0';
		return -1;
	}
	memmove(out, a, la);
	memcpy(out + la, sep, ls);
	memmove(out + la + ls, b, lb + 1);
	return (int)(la + ls + lb);
}

/* The parent of a mount-relative cgroup path ("" for the mount root). */
void cg_parent_of(const char *rel, char *out, size_t n);

/* Controllers and name= in a comma list ("rw,cpu,cpuacct,name=x"). */
unsigned cg_parse_ctrls(const char *opts, char *name, size_t namelen);

/* Open rel below dirfd, refusing symlinks and other mounts (cgpath.c). */
int cg_open_below(int dirfd, const char *rel, int flags);
/* Open the mount point of h as a directory. */
int cg_open_mnt(const struct cg_hier *h);

/* Add a write of value to file in hierarchy hier to the plan, made only
 * where the file's value differs (--copy-from). */
int cg_plan_add_copy(struct cg_plan *p, int hier, const char *file,
		     const char *value);

#endif
