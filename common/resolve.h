/*
 * resolve.h - open a path inside a directory as if that directory were
 * "/", so a hostile tree (an image with "proc -> /etc" or
 * "dev -> ../../..") can never lead a lookup out of it.
 *
 * Symlinks are followed as a process chrooted into the directory would
 * see them: an absolute target starts again at the root, ".." at the root
 * stays at the root.  The kernel does this itself with openat2(2)
 * RESOLVE_IN_ROOT (5.6+); elsewhere a component walk with O_PATH |
 * O_NOFOLLOW does the same in user space, holding an fd for every level
 * so ".." is answered from that stack, never by the kernel.  Magic links
 * (/proc/PID/fd/N and the like) are never jumped through.
 *
 * Functions return an fd or -1 with errno set, and print nothing.
 */
#ifndef BOX_RESOLVE_H
#define BOX_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

/* What resolve_in_root() does about a missing component. */
enum resolve_how {
	RES_OPEN = 0, /* fail with ENOENT */
	RES_MKDIR,    /* create missing components as directories (0755) */
	RES_MKFILE,   /* directories, and the last one as an empty file */
};

/* Called for every directory or file resolve_in_root() creates. */
typedef void resolve_created_fn(int dirfd, const char *name, bool isdir,
				void *arg);

/*
 * Lexically clean an absolute path: collapse "//", drop ".", let ".."
 * remove the component before it and stop at "/".  "/a/./b//../c/" ->
 * "/a/c"; "/.." -> "/".  Pure (no system calls), for fuzzing.
 * Returns 0, or -1 with errno EINVAL (empty, relative, NUL-less input is
 * the caller's job) or ENAMETOOLONG (a component longer than NAME_MAX, or
 * the result does not fit in size bytes).
 */
int resolve_clean(const char *path, char *out, size_t size);

/*
 * Split the next component off *p (skipping slashes) into name (at
 * least NAME_MAX + 1 bytes); advance *p past it.  Returns the length,
 * 0 at the end of the path, or -1 with errno ENAMETOOLONG.  Pure.
 */
int resolve_next(const char **p, char *name);

/*
 * Open path inside rootfd (a directory fd) as an O_PATH | O_CLOEXEC fd,
 * following symlinks inside the root only.  With RES_MKDIR or
 * RES_MKFILE, missing components are created inside the root (never
 * through a symlink's last component pointing out, since there is no
 * "out"); created() (may be NULL) is told about each.  Returns the fd,
 * or -1 with errno (ENOENT, ENOTDIR, ELOOP after 40 links,
 * ENAMETOOLONG, ...).
 */
int resolve_in_root(int rootfd, const char *path, enum resolve_how how,
		    resolve_created_fn *created, void *arg);

/*
 * The user-space walk alone, which resolve_in_root() falls back to
 * without openat2(2) and uses to create what is missing; public so the
 * two can be compared (tests/fuzz/fuzz_resolve_walk.c).
 */
int resolve_walk(int rootfd, const char *path, enum resolve_how how,
		 resolve_created_fn *created, void *arg);

/*
 * Whether resolve_in_root() may use openat2(2).  Set the environment
 * variable BOX_RESOLVE_WALK=1 to force the user-space walk (tests run
 * both).
 */
bool resolve_have_openat2(void);

#endif
