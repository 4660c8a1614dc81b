/*
 * ids.h - user and group ids as users write them ("1000", "nobody"), and
 * the passwd(5) and group(5) files read as plain text, without NSS.
 *
 * Without NSS a static build works, and after a pivot the names resolve
 * in the container's own /etc/passwd and /etc/group, not through the
 * host's nsswitch.conf, sssd or LDAP.
 *
 * The parsers take a buffer and a length (the text need not end in a
 * NUL), allocate nothing and make no system calls, so a fuzz harness can
 * call them directly.  Only ids_read_file() touches the file system.
 */
#ifndef BOX_IDS_H
#define BOX_IDS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The largest valid id: (uid_t)-1 means "unchanged" to setresuid(). */
#define IDS_MAX 0xfffffffeU

/*
 * A numeric id: digits only, 0 .. IDS_MAX.  Returns 0, or -1 with errno
 * EINVAL (not a number: a name, "-1", "") or ERANGE (too large).
 */
int ids_parse_id(const char *s, uint32_t *out);

/* One passwd entry; name points into the buffer that was searched. */
struct ids_user {
	const char *name;
	size_t namelen;
	uint32_t uid;
	uint32_t gid;
};

/*
 * Search passwd text for the first entry named name (NUL-terminated), or
 * with uid when name is NULL.  Malformed lines (too few fields, an id
 * that is not a number, NIS "+"/"-" lines) are skipped, as glibc does.
 * Returns 0, or -1 with errno = ENOENT.
 */
int ids_passwd_find(const char *buf, size_t len, const char *name, uint32_t uid,
		    struct ids_user *out);

/* The gid of the group named name in group text.  0, or -1 ENOENT. */
int ids_group_find(const char *buf, size_t len, const char *name,
		   uint32_t *gid);

/*
 * The gids of every group whose member list names user[0..ulen), in
 * file order, without duplicates, at most max of them.  Returns how many
 * there are (which may exceed max: call again with more room).
 */
size_t ids_group_members(const char *buf, size_t len, const char *user,
			 size_t ulen, uint32_t *gids, size_t max);

/*
 * Read a whole regular file (at most 64 MiB) into a malloc'd buffer.
 * Refuses FIFOs and devices, so a hostile image cannot make us hang.
 * Returns 0, or -1 with errno set.
 */
int ids_read_file(const char *path, char **buf, size_t *len);

#endif
