/*
 * cgplan.c - acting on a plan: creating or finding the cgroup in every
 * hierarchy, enabling v2 controllers top-down, writing the limits and
 * the owner, and undoing what this run made when a step fails.
 */
#include "cgroup-int.h"
#include "box.h"
#include "ids.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --- owner ---------------------------------------------------------------- */

/*
 * Names are looked up in /etc/passwd and /etc/group as text (ids.h), not
 * through NSS, which a static build cannot load.
 */
int cg_parse_owner(const char *opt, const char *s, struct cg_owner *o,
		   struct cg_err *e)
{
	char user[256], *buf = NULL;
	const char *colon = strchr(s, ':');
	struct ids_user pw;
	uint32_t id, gid;
	size_t len = 0;
	bool found, numeric;

	snprintf(user, sizeof(user), "%.*s",
		 colon ? (int)(colon - s) : (int)strlen(s), s);
	o->gid = (gid_t)-1;
	if (!*user)
		return cg_baduse(e, "bad %s '%s': no user", opt, s);
	numeric = ids_parse_id(user, &id) == 0;
	if (ids_read_file("/etc/passwd", &buf, &len) < 0)
		buf = NULL;
	found = buf &&
		ids_passwd_find(buf, len, numeric ? NULL : user, id, &pw) == 0;
	free(buf);
	if (!numeric && !found)
		return cg_baduse(e, "bad %s '%s': no such user", opt, s);
	o->uid = numeric ? id : pw.uid;
	if (found && !colon)
		o->gid = pw.gid;
	if (colon) {
		if (ids_parse_id(colon + 1, &gid) == 0) {
			o->gid = gid;
		} else {
			buf = NULL;
			found = ids_read_file("/etc/group", &buf, &len) == 0 &&
				ids_group_find(buf, len, colon + 1, &gid) == 0;
			free(buf);
			if (!found)
				return cg_baduse(e,
						 "bad %s '%s': no such "
						 "group",
						 opt, s);
			o->gid = gid;
		}
	}
	o->set = true;
	return 0;
}

/*
 * Delegation hands over the directory (to make children) and the files
 * that move processes and enable controllers; the limits of the cgroup
 * itself stay with the delegator (cgroup v2's delegation model).
 */
static int chown_cgroup(int dfd, const struct cg_owner *o)
{
	static const char *const files[] = {"cgroup.procs", "cgroup.threads",
					    "cgroup.subtree_control", "tasks"};

	if (fchown(dfd, o->uid, o->gid) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (fchownat(dfd, files[i], o->uid, o->gid,
			     AT_SYMLINK_NOFOLLOW) < 0 &&
		    errno != ENOENT)
			return -1;
	return 0;
}

int cg_parse_mode(const char *opt, const char *s, int *mode, struct cg_err *e)
{
	unsigned m = 0;
	size_t i;

	for (i = 0; s[i] >= '0' && s[i] <= '7' && i < 4; i++)
		m = m * 8 + (unsigned)(s[i] - '0');
	if (i == 0 || s[i] || m > 0777)
		return cg_baduse(e,
				 "bad %s '%s': expected an octal mode such as "
				 "775",
				 opt, s);
	*mode = (int)m;
	return 0;
}

/*
 * The files a process writes to move into a cgroup: v1 tasks, cgroup2's
 * cgroup.procs and cgroup.threads (cgcreate -t and -s).
 */
static bool is_task_file(const char *name)
{
	return !strcmp(name, "tasks") || !strcmp(name, "cgroup.procs") ||
	       !strcmp(name, "cgroup.threads");
}

/*
 * cgcreate's -f and -s: "the current owner's permissions are used as an
 * umask", so 777 gives group and others what the owner has, and a
 * read-only file stays read-only.
 */
static mode_t masked(mode_t cur, int mode)
{
	mode_t u = cur & 0700;

	return (mode_t)mode & (u | u >> 3 | u >> 6);
}

/*
 * -a, -t, -f and -s: every file of the cgroup, one pass.  The admin owns
 * the directory and every file (so cg-set works for that user); the
 * tasks owner then takes the task files.
 */
static int access_files(int dfd, const struct cg_access *a)
{
	struct dirent *d;
	struct stat st;
	int r = 0, fd;
	DIR *dir;

	if (!a->admin.set && !a->tasks.set && a->fmode < 0 && a->tmode < 0)
		return 0;
	fd = dup(dfd);
	if (fd < 0)
		return -1;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -1;
	}
	while (r == 0 && (d = readdir(dir))) {
		bool task = is_task_file(d->d_name);
		const struct cg_owner *o = task && a->tasks.set ? &a->tasks
					   : a->admin.set	? &a->admin
								: NULL;
		int mode = task && a->tmode >= 0 ? a->tmode : a->fmode;

		if (d->d_type != DT_REG)
			continue;
		if (o && fchownat(dfd, d->d_name, o->uid, o->gid,
				  AT_SYMLINK_NOFOLLOW) < 0)
			r = -1;
		if (r == 0 && mode >= 0 &&
		    (fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		     fchmodat(dfd, d->d_name, masked(st.st_mode, mode), 0) < 0))
			r = -1;
	}
	closedir(dir);
	return r;
}

static int apply_access(int dfd, const struct cg_access *a)
{
	if (!a)
		return 0;
	if (a->admin.set && fchown(dfd, a->admin.uid, a->admin.gid) < 0)
		return -1;
	if (access_files(dfd, a) < 0)
		return -1;
	if (a->owner.set && chown_cgroup(dfd, &a->owner) < 0)
		return -1;
	if (a->dmode >= 0 && fchmod(dfd, (mode_t)a->dmode) < 0)
		return -1;
	return 0;
}

/* --- creating and applying ------------------------------------------------ */

struct created {
	int hier;
	char rel[CG_PATH_MAX];
};

struct undo {
	struct created *c;
	int n, cap;
};

static int undo_add(struct undo *u, int hier, const char *rel)
{
	if (u->n == u->cap) {
		int cap = u->cap ? u->cap * 2 : 16;
		struct created *c = realloc(u->c, (size_t)cap * sizeof(*c));

		if (!c)
			return -1;
		u->c = c;
		u->cap = cap;
	}
	u->c[u->n].hier = hier;
	if (cg_pathcat(u->c[u->n].rel, sizeof(u->c[0].rel), rel, "", "") < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	u->n++;
	return 0;
}

static void undo_run(const struct cg_sys *s, struct undo *u)
{
	int err = errno;

	for (int i = u->n - 1; i >= 0; i--) {
		int mfd = cg_open_mnt(&s->h[u->c[i].hier]);

		if (mfd < 0)
			continue;
		if (unlinkat(mfd, u->c[i].rel, AT_REMOVEDIR) < 0) {
			/* nothing was run in it: a rmdir can only race */
		}
		close(mfd);
	}
	errno = err;
}

/* Enable the controllers in mask that dfd's subtree_control lacks. */
static int enable_ctrls(int dfd, unsigned mask, char *failed, size_t n)
{
	char have[512], line[512];
	unsigned on;
	size_t o = 0;

	if (!mask)
		return 0;
	if (cg_read(dfd, "cgroup.subtree_control", have, sizeof(have)) < 0)
		return -1;
	for (char *c = have; *c; c++)
		if (*c == ' ')
			*c = ',';
	on = cg_parse_ctrls(have, NULL, 0);
	line[0] = '\0';
	for (int c = 0; c < CG_NCTRL; c++)
		if ((mask & ~on) & (1u << c))
			o += (size_t)snprintf(line + o, sizeof(line) - o,
					      "%s+%s", o ? " " : "",
					      cg_ctrl_names[c]);
	if (!o)
		return 0;
	snprintf(failed, n, "%s", line);
	return cg_write(dfd, "cgroup.subtree_control", line);
}

/*
 * A new v1 cpuset cgroup starts with empty cpus and mems, and the kernel
 * refuses tasks into it (ENOSPC): start it with its parent's.  Writing
 * cpuset.cpus or cpuset.mems is not cheap: the kernel checks the value
 * against every sibling (validate_change) and, for cpus, rebuilds the
 * sched domains and walks every cpuset and its tasks for deadline
 * accounting (dl_rebuild_rd_accounting), so with hundreds of containers
 * each write grows with their number.  Hence cgroup.clone_children on
 * every cpuset cgroup made here: the kernel then copies the parent's
 * cpus and mems into each new child at mkdir (cpuset_css_online), and
 * the children found non-empty below need no write.  Best effort: it is
 * only a shortcut for the writes.
 */
static int cpuset_init(int pfd, int dfd, const char **file)
{
	static const char *const files[] = {"cpuset.mems", "cpuset.cpus"};
	char buf[512], cur[512];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		*file = files[i];
		if (cg_read(dfd, files[i], cur, sizeof(cur)) < 0)
			return -1;
		if (cur[0])
			continue;
		if (cg_read(pfd, files[i], buf, sizeof(buf)) < 0 ||
		    cg_write(dfd, files[i], buf[0] ? buf : "\n") < 0)
			return -1;
	}
	(void)cg_write(dfd, "cgroup.clone_children", "1");
	return 0;
}

/*
 * Walk path below the base in hierarchy hi.  In the dry run nothing is
 * made: it only proves the walk would succeed.  Returns the target's fd.
 */
static int walk(const struct cg_sys *s, int hi, const char *path, int flags,
		unsigned enable, bool dry, struct undo *u, struct cg_err *e)
{
	const struct cg_hier *h = &s->h[hi];
	char rel[CG_PATH_MAX], base[CG_PATH_MAX], comp[NAME_MAX + 1];
	char failed[512];
	const char *p, *end;
	struct stat st;
	int fd, nfd, err;
	bool made;
	dev_t dev;

	if (cg_rel(h, flags & CG_RELATIVE, "", base, sizeof(base), e) < 0)
		return -1;
	fd = cg_open_dir(h, base);
	if (fd < 0 || fstat(fd, &st) < 0) {
		cg_explain(e, errno, h, base, NULL, NULL);
		cg_whatf(e, "open cgroup %s/%s", h->mnt, base);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	dev = st.st_dev;
	cg_pathcat(rel, sizeof(rel), base, "", ""); /* base fits: same size */
	for (p = path + (*path == '/'); *p; p = *end ? end + 1 : end) {
		made = false;
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		snprintf(comp, sizeof(comp), "%.*s", (int)(end - p), p);
		if (!dry && h->v2 &&
		    enable_ctrls(fd, enable, failed, sizeof(failed)) < 0) {
			cg_explain(e, errno, h, rel, "cgroup.subtree_control",
				   failed);
			goto fail;
		}
		if (cg_pathcat(rel, sizeof(rel), rel, "/", comp) < 0) {
			cg_seterr(e, ENAMETOOLONG, "cgroup path %s/%s/%s",
				  h->mnt, rel, comp);
			goto fail;
		}
		nfd = openat(fd, comp,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd >= 0 && !*end && (flags & CG_CREATE) &&
		    !(flags & CG_PARENTS)) {
			close(nfd);
			cg_explain(e, EEXIST, h, rel, NULL, NULL);
			goto fail;
		}
		if (nfd < 0 && errno == ENOENT && (flags & CG_CREATE) &&
		    (!*end || (flags & CG_PARENTS))) {
			if (dry) {
				/* the rest would be made: nothing to check */
				return fd;
			}
			if (mkdirat(fd, comp, 0755) < 0) {
				cg_explain(e, errno, h, rel, NULL, NULL);
				goto fail;
			}
			undo_add(u, hi, rel);
			made = true;
			nfd = openat(fd, comp,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
		}
		if (nfd < 0) {
			err = errno;
			if (err == ELOOP || err == ENOTDIR) {
				cg_seterr(e, err, "open cgroup %s/%s", h->mnt,
					  rel);
				cg_hintf(
				    e, "not a cgroup directory: a cgroup "
				       "filesystem has no symlinks, refusing");
			} else if (err == ENOENT) {
				cg_seterr(e, err, "open cgroup %s/%s", h->mnt,
					  rel);
				if (flags & CG_CREATE)
					cg_hintf(e, "use --parents to make the "
						    "missing parents");
			} else {
				cg_explain(e, err, h, rel, NULL, NULL);
			}
			goto fail;
		}
		/* something mounted inside the tree is not a cgroup */
		if (fstat(nfd, &st) < 0 || st.st_dev != dev) {
			close(nfd);
			cg_seterr(e, EXDEV, "open cgroup %s/%s", h->mnt, rel);
			cg_hintf(e,
				 "not on the cgroup filesystem: something is "
				 "mounted there, refusing");
			goto fail;
		}
		if (made && !h->v2 && (h->ctrls & (1u << CG_CPUSET))) {
			const char *file;

			if (cpuset_init(fd, nfd, &file) < 0) {
				cg_explain(e, errno, h, rel, file, NULL);
				close(nfd);
				goto fail;
			}
		}
		close(fd);
		fd = nfd;
	}
	return fd;
fail:
	close(fd);
	errno = e->err;
	return -1;
}

/* The file has the write's value already, alone or as one of its lines. */
static bool has_value(int dfd, const struct cg_write *w)
{
	char cur[4096];
	size_t n = strlen(w->value);

	if (cg_read(dfd, w->file, cur, sizeof(cur)) < 0)
		return false;
	for (const char *l = cur; l; l = strchr(l, '\n'), l = l ? l + 1 : l)
		if (!strncmp(l, w->value, n) && (l[n] == '\n' || !l[n]))
			return true;
	return false;
}

/* Write the plan's values for hierarchy hi into the cgroup at dfd. */
static int apply_writes(const struct cg_sys *s, const struct cg_plan *p, int hi,
			int dfd, const char *rel, struct cg_err *e)
{
	const struct cg_hier *h = &s->h[hi];

	for (int i = 0; p && i < p->nw; i++) {
		const struct cg_write *w = &p->w[i];

		if (w->hier != hi || (w->if_differs && has_value(dfd, w)))
			continue;
		if (cg_write(dfd, w->file, w->value) == 0)
			continue;
		/*
		 * v1 keeps memory <= memory+swap at every step: when both
		 * rise, the memsw limit has to go first.
		 */
		if (errno == EINVAL &&
		    !strcmp(w->file, "memory.limit_in_bytes"))
			for (int j = i + 1; j < p->nw; j++)
				if (p->w[j].hier == hi &&
				    !strcmp(p->w[j].file,
					    "memory.memsw.limit_in_bytes") &&
				    cg_write(dfd, p->w[j].file,
					     p->w[j].value) == 0 &&
				    cg_write(dfd, w->file, w->value) == 0)
					goto next;
		cg_explain(e, errno, h, rel, w->file, w->value);
		return -1;
	next:;
	}
	return 0;
}

int cg_apply(const struct cg_sys *s, const struct cg_plan *p,
	     const struct cg_target *t, int n, int flags,
	     const struct cg_access *a, struct cg_err *e)
{
	struct undo u = {0};
	char rel[CG_PATH_MAX], where[CG_PATH_MAX + 256];
	int fd, found, prog = -1;
	unsigned enable;

	for (int i = 0; p && i < n; i++)
		for (int hi = 0; hi < s->n; hi++)
			if (t[i].hiers && (p->hiers & ~t[i].hiers & (1u << hi)))
				return cg_baduse(e,
						 "a limit writes to %s, which "
						 "-g does not name for %s",
						 s->h[hi].mnt, t[i].path);
	/* The verifier judges the device program before anything changes. */
	if (p && p->dev_v2 && p->ndev) {
		prog = cg_device_load(p->dev, p->ndev, e);
		if (prog < 0)
			return -1;
	}
	/* First prove every walk works, so bad input changes nothing. */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < n; i++) {
			found = 0;
			enable = (p ? p->v2_enable : 0) | t[i].v2_ctrls;
			for (int hi = 0; hi < s->n; hi++) {
				const struct cg_hier *h = &s->h[hi];
				bool needed = p && (p->hiers & (1u << hi));

				if (!cg_hier_real(h) ||
				    (t[i].hiers && !(t[i].hiers & (1u << hi))))
					continue;
				fd = walk(s, hi, t[i].path, flags, enable,
					  pass == 0, &u, e);
				if (fd < 0 && !(flags & CG_CREATE) && !needed &&
				    !t[i].hiers && errno == ENOENT)
					continue; /* not in this hierarchy */
				if (fd < 0)
					goto fail;
				found++;
				if (pass == 0) {
					close(fd);
					continue;
				}
				if (cg_rel(h, flags & CG_RELATIVE, t[i].path,
					   rel, sizeof(rel), e) < 0 ||
				    apply_writes(s, p, hi, fd, rel, e) < 0) {
					close(fd);
					goto fail;
				}
				/* after the writes: on a hybrid host v1's rules
				 * are in force when the program joins them */
				snprintf(where, sizeof(where), "cgroup %s/%s",
					 h->mnt, rel);
				if (prog >= 0 && hi == s->v2 &&
				    cg_device_apply(fd, p->dev, p->ndev, prog,
						    where, e) < 0) {
					close(fd);
					goto fail;
				}
				if (apply_access(fd, a) < 0) {
					cg_explain(e, errno, h, rel, NULL,
						   NULL);
					cg_whatf(e,
						 "chown or chmod cgroup %s/%s",
						 h->mnt, rel);
					close(fd);
					goto fail;
				}
				close(fd);
			}
			if (!found) {
				cg_seterr(e, ENOENT, "find cgroup %s",
					  t[i].path);
				cg_hintf(e,
					 "it exists in no hierarchy; make it "
					 "with cg-create");
				goto fail;
			}
		}
	}
	free(u.c);
	if (prog >= 0)
		close(prog);
	return 0;
fail:
	undo_run(s, &u);
	free(u.c);
	if (prog >= 0)
		close(prog);
	return -1;
}
