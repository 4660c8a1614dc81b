/*
 * cgremove.c - removing a cgroup: kill what runs in it (cgroup.kill, or
 * freeze and kill) and remove it bottom-up in every hierarchy.
 */
#include "cgroup-int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* --- removing ------------------------------------------------------------- */

/*
 * Call fn on every directory below dfd, children before parents.  A
 * cgroup directory's link count is 2 plus its child cgroups (kernfs
 * keeps it so), so a leaf, the common case, is not listed at all: a
 * listing costs more than the rmdir (every interface file is an entry).
 */
static int each_child(int dfd, int (*fn)(int pfd, const char *name, void *),
		      void *arg)
{
	int dup_fd, r = 0;
	struct dirent *d;
	struct stat st;
	DIR *dir;

	if (fstat(dfd, &st) == 0 && st.st_nlink == 2)
		return 0;
	dup_fd = dup(dfd);
	if (dup_fd < 0)
		return -1;
	dir = fdopendir(dup_fd);
	if (!dir) {
		close(dup_fd);
		return -1;
	}
	while ((d = readdir(dir))) {
		if (d->d_type != DT_DIR || !strcmp(d->d_name, ".") ||
		    !strcmp(d->d_name, ".."))
			continue;
		if (fn(dfd, d->d_name, arg) < 0)
			r = -1;
	}
	closedir(dir);
	return r;
}

struct killer {
	int found;
	pid_t self;
};

static int kill_procs(int dfd, struct killer *k)
{
	char buf[65536], *p, *end;
	long pid;

	if (cg_read(dfd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; *p; p = end) {
		pid = strtol(p, &end, 10);
		if (end == p)
			break;
		while (*end == '\n')
			end++;
		if (pid <= 0 || pid == k->self)
			continue;
		k->found++;
		kill((pid_t)pid, SIGKILL);
	}
	return 0;
}

static int kill_tree(int pfd, const char *name, void *arg)
{
	int dfd =
	    openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int r;

	if (dfd < 0)
		return errno == ENOENT ? 0 : -1;
	r = each_child(dfd, kill_tree, arg);
	if (kill_procs(dfd, arg) < 0 && errno != ENOENT)
		r = -1;
	close(dfd);
	return r;
}

static int rm_tree(int pfd, const char *name, void *arg)
{
	int dfd =
	    openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	(void)arg;
	if (dfd < 0)
		return errno == ENOENT ? 0 : -1;
	each_child(dfd, rm_tree, NULL);
	close(dfd);
	if (unlinkat(pfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

static int has_child(int pfd, const char *name, void *arg)
{
	(void)pfd;
	(void)name;
	++*(int *)arg;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap(void)
{
	struct timespec ts = {0, 5 * 1000 * 1000};

	nanosleep(&ts, NULL);
}

int cg_remove(const struct cg_sys *s, const char *path, unsigned hiers,
	      bool relative, bool recursive, double timeout, struct cg_err *e)
{
	int pfd[CG_MAX_HIER], nfound = 0, frozen = -1, children, hi;
	bool skipped_kill = false;
	char rel[CG_PATH_MAX], par[CG_PATH_MAX];
	const char *name = strrchr(path, '/');
	struct killer k = {0, getpid()};
	double deadline = now() + timeout;
	int r = -1;

	name = name ? name + 1 : path;
	for (hi = 0; hi < CG_MAX_HIER; hi++)
		pfd[hi] = -1;
	for (hi = 0; hi < s->n; hi++) {
		const struct cg_hier *h = &s->h[hi];
		int dfd;

		if (!cg_hier_real(h) || (hiers && !(hiers & (1u << hi))))
			continue;
		if (cg_rel(h, relative, path, rel, sizeof(rel), e) < 0)
			goto out;
		cg_parent_of(rel, par, sizeof(par));
		pfd[hi] = cg_open_dir(h, par);
		if (pfd[hi] < 0 && errno == ENOENT)
			continue;
		if (pfd[hi] < 0) {
			cg_explain(e, errno, h, par, NULL, NULL);
			goto out;
		}
		dfd = openat(pfd[hi], name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0 && errno == ENOENT) {
			close(pfd[hi]);
			pfd[hi] = -1;
			continue;
		}
		if (dfd < 0) {
			cg_seterr(e, errno, "open cgroup %s/%s", h->mnt, rel);
			goto out;
		}
		children = 0;
		each_child(dfd, has_child, &children);
		close(dfd);
		if (children && !recursive) {
			cg_seterr(e, ENOTEMPTY, "remove cgroup %s/%s", h->mnt,
				  rel);
			cg_hintf(e, "it has child cgroups; use --recursive");
			goto out;
		}
		nfound++;
	}
	if (!nfound) {
		cg_seterr(e, ENOENT, "remove cgroup %s", path);
		cg_hintf(e, "it exists in no cgroup hierarchy");
		goto out;
	}

	/*
	 * The common case is a cgroup its payload has already left: then
	 * freezing and thawing (a v1 freezer round trip costs milliseconds)
	 * buys nothing, and nor does reading cgroup.procs in every
	 * hierarchy first.  rmdir answers EBUSY while a process is inside,
	 * and the kill loop then handles it.
	 */
	skipped_kill = true;
	goto remove;
kill:

	/*
	 * cgroup.kill (5.14) kills the whole subtree at once, forks
	 * included.  Elsewhere freeze first, so nothing can fork between
	 * reading cgroup.procs and the kill; frozen tasks die on thaw.
	 */
	if (s->v2 >= 0 && pfd[s->v2] >= 0) {
		int dfd =
		    openat(pfd[s->v2], name,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (dfd >= 0) {
			if (cg_write(dfd, "cgroup.kill", "1") < 0 &&
			    cg_write(dfd, "cgroup.freeze", "1") == 0)
				frozen = s->v2;
			close(dfd);
		}
	}
	for (hi = 0; hi < s->n && frozen < 0; hi++) {
		if (pfd[hi] < 0 || s->h[hi].v2 ||
		    !(s->h[hi].ctrls & (1u << CG_FREEZER)))
			continue;
		int dfd =
		    openat(pfd[hi], name,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (dfd >= 0) {
			if (cg_write(dfd, "freezer.state", "FROZEN") == 0)
				frozen = hi;
			close(dfd);
		}
	}
	for (;;) {
		k.found = 0;
		for (hi = 0; hi < s->n; hi++)
			if (pfd[hi] >= 0)
				kill_tree(pfd[hi], name, &k);
		if (frozen >= 0) {
			int dfd = openat(pfd[frozen], name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					     O_CLOEXEC);

			if (dfd >= 0) {
				cg_write(dfd,
					 s->h[frozen].v2 ? "cgroup.freeze"
							 : "freezer.state",
					 s->h[frozen].v2 ? "0" : "THAWED");
				close(dfd);
			}
			frozen = -1;
		}
		if (!k.found)
			break;
		if (now() > deadline) {
			cg_seterr(e, EBUSY, "empty cgroup %s", path);
			cg_hintf(e, "%d processes still there after %g s",
				 k.found, timeout);
			goto out;
		}
		nap();
	}

remove:
	/* An exited task may linger until its parent reaps it: retry. */
	for (hi = 0; hi < s->n; hi++) {
		if (pfd[hi] < 0)
			continue;
		while (rm_tree(pfd[hi], name, NULL) < 0) {
			if (errno == EBUSY && skipped_kill) {
				/* someone entered after the look: kill */
				skipped_kill = false;
				goto kill;
			}
			if (errno != EBUSY || now() > deadline) {
				cg_rel(&s->h[hi], relative, path, rel,
				       sizeof(rel), e);
				cg_seterr(e, errno, "remove cgroup %s/%s",
					  s->h[hi].mnt, rel);
				if (errno == EBUSY)
					cg_hintf(e,
						 "tasks remain in it (zombies "
						 "not yet reaped?)");
				goto out;
			}
			nap();
		}
	}
	r = 0;
out:
	for (hi = 0; hi < s->n; hi++)
		if (pfd[hi] >= 0)
			close(pfd[hi]);
	return r;
}
