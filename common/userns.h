/*
 * userns.h - user namespace id maps: writing uid_map, gid_map and
 * setgroups, reading /etc/subuid and /etc/subgid, and running the
 * setuid helpers newuidmap and newgidmap for ranges an unprivileged
 * user may not write directly.
 *
 * Kernel rules these follow (user_namespaces(7)): a map is written once;
 * a process without CAP_SETUID in the PARENT user namespace may write
 * only one line, mapping its own effective id; and for gid_map it must
 * first write "deny" to setgroups.  A process that has just unshared a
 * user namespace has no capability in the parent, so multi-line maps are
 * written from a process that stayed outside.
 */
#ifndef BOX_USERNS_H
#define BOX_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "parse.h"

/* The kernel accepts at most 340 lines per map (5 before Linux 4.15). */
#define USERNS_MAX_RANGES 64

/* "uid_map" or "gid_map" of pid (0 = self): one line per range. */
int userns_write_map(pid_t pid, const char *file, const struct idmap *map,
		     size_t n);

/* Write "allow" or "deny" to /proc/PID/setgroups (pid 0 = self). */
int userns_write_setgroups(pid_t pid, bool allow);

/*
 * The first range of user (by name, or by numeric id when name is NULL
 * or does not match) in a subordinate id file such as /etc/subuid.
 * Fills out->outer and out->count; out->inner is left alone.
 * Returns 0, or -1 with errno: ENOENT no line for the user, or the
 * error opening the file.
 */
int userns_subid_range(const char *file, const char *name, uid_t id,
		       struct idmap *out);

/* True when two ranges of the map overlap inside or outside. */
bool userns_map_overlaps(const struct idmap *map, size_t n);

/*
 * Run helper ("newuidmap" or "newgidmap") for pid with the map, wait for
 * it.  Returns 0 on success; -1 with errno when it could not be run; or
 * its exit code (> 0) when it refused, with its last stderr line copied
 * into why (size whylen) so the caller can print a single line.
 */
int userns_run_mapper(const char *helper, pid_t pid, const struct idmap *map,
		      size_t n, char *why, size_t whylen);

/* Is prog (no slash) found executable in $PATH? */
bool userns_in_path(const char *prog);

#endif
