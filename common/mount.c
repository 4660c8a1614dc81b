/* boxutils-pkgs: mount */
#include "mount.h"
#include "kernel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pkg-config puts libmount's own directory on the include path; a build
 * without it (today's PKGS_ALL) finds the header one level up */
#if __has_include(<libmount.h>)
#include <libmount.h>
#else
#include <libmount/libmount.h>
#endif

/* --- option strings ------------------------------------------------- */

/* MS_* to MOUNT_ATTR_*; the atime modes are one field of three values. */
static const struct {
	unsigned long ms;
	unsigned long long attr;
} attr_map[] = {
    {MS_RDONLY, MOUNT_ATTR_RDONLY},
    {MS_NOSUID, MOUNT_ATTR_NOSUID},
    {MS_NODEV, MOUNT_ATTR_NODEV},
    {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
    {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
    {MS_NOATIME, MOUNT_ATTR_NOATIME},
    {MS_STRICTATIME, MOUNT_ATTR_STRICTATIME},
    {MS_NOSYMFOLLOW, 0x00200000 /* MOUNT_ATTR_NOSYMFOLLOW, 5.14 */},
};

unsigned long long mount_attr_from_flags(unsigned long flags)
{
	unsigned long long attr = 0;

	for (size_t i = 0; i < sizeof(attr_map) / sizeof(attr_map[0]); i++)
		if (flags & attr_map[i].ms)
			attr |= attr_map[i].attr;
	/* noatime and strictatime both set: the last word said wins in
	 * mount(8); here the stricter one, as fsmount takes only one */
	if ((attr & MOUNT_ATTR_NOATIME) && (attr & MOUNT_ATTR_STRICTATIME))
		attr &= ~(unsigned long long)MOUNT_ATTR_NOATIME;
	return attr;
}

const char *mount_propagation_name(unsigned long p)
{
	bool rec = p & MS_REC;

	if (p & MS_SHARED)
		return rec ? "rshared" : "shared";
	if (p & MS_SLAVE)
		return rec ? "rslave" : "slave";
	if (p & MS_UNBINDABLE)
		return rec ? "runbindable" : "unbindable";
	if (p & MS_PRIVATE)
		return rec ? "rprivate" : "private";
	return "none";
}

static const struct libmnt_optmap *map_entry(const struct libmnt_optmap *map,
					     const char *name, size_t len)
{
	for (; map && map->name; map++)
		if (strlen(map->name) == len &&
		    strncmp(map->name, name, len) == 0)
			return map;
	return NULL;
}

int mount_opts_next(char **s, char **key, size_t *klen, char **value,
		    size_t *vlen)
{
	int r;

	*value = NULL;
	*vlen = 0;
	if (!*s)
		return 1;
	r = mnt_optstr_next_option(s, key, klen, value, vlen);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	/* at an open quote libmount says "the end", leaving *s on it */
	if (r == 1 && strchr(*s, '"')) {
		errno = EINVAL;
		return -1;
	}
	return r;
}

static int refuse(struct mount_opts *mo, int err, const char *name, size_t len)
{
	snprintf(mo->bad, sizeof(mo->bad), "%.*s", (int)len, name);
	free(mo->data);
	mo->data = NULL;
	errno = err;
	return -1;
}

int mount_opts_parse(const char *optstr, unsigned long allowed,
		     struct mount_opts *mo)
{
	const struct libmnt_optmap *linux_map =
	    mnt_get_builtin_optmap(MNT_LINUX_MAP);
	char *user = NULL, *vfs = NULL, *s, *name, *val;
	size_t nlen, vlen;
	unsigned long fl = 0, prop = 0;
	int r;

	memset(mo, 0, sizeof(*mo));
	if (!optstr)
		return 0;
	/* libmount stops quietly at an unterminated quote and drops the
	 * rest: walk the string once to refuse that instead */
	s = (char *)optstr;
	while ((r = mount_opts_next(&s, &name, &nlen, &val, &vlen)) == 0)
		;
	if (r < 0)
		return refuse(mo, EINVAL, s, strlen(s));
	if (mnt_split_optstr(optstr, &user, &vfs, &mo->data, 0, 0) < 0) {
		errno = ENOMEM;
		return -1;
	}
	/* fstab's words (noauto, nofail, x-...) are for mount(8), not the
	 * kernel; "defaults" alone says nothing and is let through */
	for (s = user;
	     s && mnt_optstr_next_option(&s, &name, &nlen, &val, &vlen) == 0;) {
		if (nlen == 8 && !val && strncmp(name, "defaults", 8) == 0)
			continue;
		r = refuse(mo, ENOTSUP, name, val ? nlen + 1 + vlen : nlen);
		goto out;
	}
	/* each generic option must be one the caller takes */
	for (s = vfs;
	     s && mnt_optstr_next_option(&s, &name, &nlen, &val, &vlen) == 0;) {
		const struct libmnt_optmap *e =
		    map_entry(linux_map, name, nlen);
		unsigned long p;

		if (!e || (e->id & ~allowed) || val) {
			r = refuse(mo, EPERM, name,
				   val ? nlen + 1 + vlen : nlen);
			goto out;
		}
		p = e->id & MOUNT_OPT_PROPAGATION;
		if (p && prop && p != prop) {
			r = refuse(mo, EEXIST, name, nlen);
			goto out;
		}
		if (p)
			prop = p;
	}
	/* the flags as mount(8) computes them, later words winning */
	if (vfs && mnt_optstr_get_flags(vfs, &fl, linux_map) < 0) {
		r = refuse(mo, EINVAL, vfs, strlen(vfs));
		goto out;
	}
	mo->flags = fl & MOUNT_OPT_FLAGS;
	mo->propagation = prop;
	r = 0;
out:
	free(user);
	free(vfs);
	return r;
}

void mount_opts_free(struct mount_opts *mo)
{
	free(mo->data);
	mo->data = NULL;
}

/* --- the mount table ------------------------------------------------ */

/* One found entry of tb into me. */
static void entry_of(struct libmnt_fs *fs, struct mount_entry *me)
{
	const char *s;

	memset(me, 0, sizeof(*me));
	me->id = mnt_fs_get_id(fs);
	s = mnt_fs_get_target(fs);
	snprintf(me->target, sizeof(me->target), "%s", s ? s : "");
	s = mnt_fs_get_fstype(fs);
	snprintf(me->fstype, sizeof(me->fstype), "%s", s ? s : "");
	s = mnt_fs_get_vfs_options(fs);
	if (s && mnt_optstr_get_flags(
		     s, &me->flags, mnt_get_builtin_optmap(MNT_LINUX_MAP)) < 0)
		me->flags = 0;
	if (mnt_fs_get_propagation(fs, &me->propagation) < 0)
		me->propagation = 0;
}

int mount_find(const char *path, enum mount_find_how how,
	       struct mount_entry *me)
{
	struct libmnt_table *tb;
	struct libmnt_fs *fs;

	if (!path || path[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	/* mountinfo, not mtab: the kernel's table, with per-mount flags
	 * and ids, of this mount namespace as this process's root sees it */
	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	if (!tb)
		return -1; /* errno from the open or the parser */
	/* backward: of mounts stacked on one point, the top one was
	 * listed last */
	fs = how == MOUNT_AT
		 ? mnt_table_find_target(tb, path, MNT_ITER_BACKWARD)
		 : mnt_table_find_mountpoint(tb, path, MNT_ITER_BACKWARD);
	if (fs)
		entry_of(fs, me);
	mnt_unref_table(tb);
	if (!fs)
		errno = ENOENT;
	return fs ? 0 : -1;
}

int mount_find_id(int id, struct mount_entry *me)
{
	struct libmnt_table *tb;
	struct libmnt_fs *fs = NULL;

	tb = mnt_new_table_from_file("/proc/self/mountinfo");
	if (!tb)
		return -1;
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	int found = 1;

	while (it && (found = mnt_table_next_fs(tb, it, &fs)) == 0 &&
	       mnt_fs_get_id(fs) != id)
		;
	if (found != 0)
		fs = NULL; /* the end (1), or no iterator */
	if (fs)
		entry_of(fs, me);
	mnt_free_iter(it);
	mnt_unref_table(tb);
	if (!fs)
		errno = ENOENT;
	return fs ? 0 : -1;
}
