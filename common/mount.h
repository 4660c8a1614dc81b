/*
 * mount.h - mount tables and mount option strings, read with util-linux
 * libmount: its table parser undoes mountinfo's octal escapes (a space
 * is \040, a newline \012, a backslash \134), and its option maps are
 * the ones mount(8) uses, so "-o" means here what it means there.
 *
 * Mounting itself is not here: the tools use the new mount API
 * (fsopen, fsconfig "lowerdir+", open_tree), which libmount 2.38 does
 * not cover.  Functions return 0 or -1 with errno set, and print nothing.
 */
#ifndef BOX_MOUNT_H
#define BOX_MOUNT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/mount.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* The generic per-mount flags a tool may take in an option string. */
#define MOUNT_OPT_FLAGS                                                        \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |           \
	 MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW)
/* ... and the propagation types (one of them, with MS_REC for r*). */
#define MOUNT_OPT_PROPAGATION                                                  \
	(MS_PRIVATE | MS_SLAVE | MS_SHARED | MS_UNBINDABLE | MS_REC)

/* What one option string says, split the way mount(8) splits it. */
struct mount_opts {
	unsigned long flags;	   /* MS_* of MOUNT_OPT_FLAGS that are set */
	unsigned long propagation; /* MS_PRIVATE ... | MS_REC, or 0 */
	char *data;		   /* the filesystem's own options, or NULL */
	char bad[128];		   /* on error: the option refused */
};

/*
 * Split optstr into the generic flags (ro, nosuid, ...; "rw", "exec"
 * and the like clear what came before them), the propagation type and
 * the filesystem's own options, which are left for the caller to judge.
 * allowed is the set of MS_* flags the caller takes (MOUNT_OPT_FLAGS,
 * with or without MOUNT_OPT_PROPAGATION).  Returns 0, or -1 with errno
 * and the option in bad:
 *   EINVAL       an unterminated quote;
 *   EPERM        a kernel option the caller does not take (bind,
 *                remount, sync, ...);
 *   ENOTSUP      an fstab/mount(8) option, which means nothing to the
 *                kernel (noauto, nofail, user, x-...);
 *   EEXIST       two different propagation types;
 *   ENOMEM.
 * mo->data is malloc'ed: mount_opts_free() it.
 */
int mount_opts_parse(const char *optstr, unsigned long allowed,
		     struct mount_opts *mo);
void mount_opts_free(struct mount_opts *mo);

/*
 * The next option of a comma-separated string (mo->data, say), as
 * libmount splits it: quotes keep commas in a value.  *s advances; key
 * and value point into the string (value NULL for a bare name) and are
 * not NUL-terminated.  Returns 0, 1 at the end, or -1 with errno EINVAL.
 */
int mount_opts_next(char **s, char **key, size_t *klen, char **value,
		    size_t *vlen);

/* MOUNT_ATTR_* for fsmount(2) and mount_setattr(2) from MS_* flags. */
unsigned long long mount_attr_from_flags(unsigned long flags);

/* Name of one propagation type ("rprivate", ...), for messages. */
const char *mount_propagation_name(unsigned long propagation);

/* One mount of this process's table (/proc/self/mountinfo). */
struct mount_entry {
	int id;
	char target[PATH_MAX]; /* the mount point, unescaped */
	char fstype[64];
	unsigned long flags; /* its per-mount MS_* flags (MS_RDONLY, ...) */
	unsigned long propagation; /* MS_SHARED, MS_SLAVE, ... or 0 */
};

enum mount_find_how {
	MOUNT_AT,      /* the top mount whose mount point is path */
	MOUNT_HOLDING, /* the top mount that path lies on */
};

/*
 * Find a mount of this process's mount namespace by an absolute,
 * canonical path (realpath()'s answer).  Returns 0, or -1 with errno:
 * ENOENT (nothing is mounted at path; for MOUNT_HOLDING, path is not
 * below any mount this process can see), or what reading the table got.
 */
int mount_find(const char *path, enum mount_find_how how,
	       struct mount_entry *me);

/* The same by the mount's id (statx STATX_MNT_ID, the first column of
 * mountinfo): ENOENT when no mount has it. */
int mount_find_id(int id, struct mount_entry *me);

#endif
