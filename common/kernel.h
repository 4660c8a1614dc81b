/*
 * kernel.h - the new mount API and statx for every C library we build
 * with.  glibc 2.36 wraps fsopen, fsconfig, fsmount, move_mount,
 * open_tree, mount_setattr and statx in <sys/mount.h> and <sys/stat.h>;
 * musl (the static build, see the Makefile) wraps none of the mount
 * calls and statx only since 1.2.5, and older glibc lacks the mount
 * calls too, so for them they are declared here as plain system calls,
 * with the kernel's own headers for their types.
 */
#ifndef BOX_KERNEL_H
#define BOX_KERNEL_H

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__GLIBC__)
#define BOX_LIBC_MOUNT_API __GLIBC_PREREQ(2, 36)
#else
#define BOX_LIBC_MOUNT_API 0
#endif

#if !BOX_LIBC_MOUNT_API
#include <linux/mount.h>

static inline int fsopen(const char *fsname, unsigned int flags)
{
	return (int)syscall(SYS_fsopen, fsname, flags);
}

static inline int fsconfig(int fd, unsigned int cmd, const char *key,
			   const void *value, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}

static inline int fsmount(int fd, unsigned int flags, unsigned int attrs)
{
	return (int)syscall(SYS_fsmount, fd, flags, attrs);
}

static inline int move_mount(int from_dfd, const char *from, int to_dfd,
			     const char *to, unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

static inline int open_tree(int dfd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static inline int mount_setattr(int dfd, const char *path, unsigned int flags,
				struct mount_attr *attr, size_t size)
{
	return (int)syscall(SYS_mount_setattr, dfd, path, flags, attr, size);
}

#ifndef STATX_TYPE /* musl before 1.2.5 */
#include <linux/stat.h>

static inline int statx(int dfd, const char *path, int flags,
			    unsigned int mask, struct statx *stx)
{
	return (int)syscall(SYS_statx, dfd, path, flags, mask, stx);
}
#endif
#endif /* not glibc 2.36 */

#endif
