/*
 * cgcopy.c - cgset's --copy-from: the parameters of one cgroup become
 * plan writes for others.  A parameter is a control file of a controller
 * bound to the hierarchy, readable and writable by its owner; counters
 * (a write resets them), states (freezer.state), files that act when
 * written (memory.force_empty, pressure triggers) and files derived from
 * another (cpu.weight.nice) are not parameters.  Each file is written
 * line by line (io.max holds a line per device), in name order (v1's
 * memory.limit_in_bytes before memory.memsw.limit_in_bytes, which
 * apply_writes relies on), and only where the target's value differs.
 */
#include "cgroup-int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_parameter(const char *name)
{
	static const char *const skip[] = {
	    "tasks",
	    "notify_on_release",
	    "release_agent",
	    "freezer.state",
	    "memory.force_empty",
	    "memory.oom_control",
	    "cpuacct.usage",
	    "memory.use_hierarchy",
	    "cpu.weight.nice",
	    "memory.reclaim",
	    "memory.kmem.limit_in_bytes",
	};
	static const char *const skip_end[] = {
	    ".failcnt",
	    "max_usage_in_bytes",
	    ".peak",
	    ".pressure",
	};
	size_t n = strlen(name), k;

	if (!strncmp(name, "cgroup.", 7))
		return false;
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strcmp(name, skip[i]))
			return false;
	for (size_t i = 0; i < sizeof(skip_end) / sizeof(skip_end[0]); i++) {
		k = strlen(skip_end[i]);
		if (n >= k && !strcmp(name + n - k, skip_end[i]))
			return false;
	}
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The parameter files of directory fd, sorted; NULL with errno. */
static char **parameters(int fd, const struct cg_hier *h, int *count)
{
	char **names = NULL, **nn;
	int n = 0, cap = 0, c, dfd = dup(fd);
	struct dirent *d;
	struct stat st;
	DIR *dir;

	*count = 0;
	if (dfd < 0 || !(dir = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return NULL;
	}
	while ((d = readdir(dir))) {
		c = cg_ctrl_by_name(d->d_name, strcspn(d->d_name, "."));
		if (d->d_type != DT_REG || c < 0 || !(h->ctrls & (1u << c)) ||
		    !strchr(d->d_name, '.') || !is_parameter(d->d_name) ||
		    fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    (st.st_mode & 0600) != 0600)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			nn = realloc(names, (size_t)cap * sizeof(*names));
			if (!nn)
				goto fail;
			names = nn;
		}
		if (!(names[n] = strdup(d->d_name)))
			goto fail;
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, (size_t)n, sizeof(*names), by_name);
	*count = n;
	return names ? names : calloc(1, sizeof(*names));
fail:
	closedir(dir);
	while (n > 0)
		free(names[--n]);
	free(names);
	errno = ENOMEM;
	return NULL;
}

/* Each line of the file's value becomes a write; an unreadable or empty
 * file (a cpuset.cpus.exclusive nobody set) none. */
static int copy_file(struct cg_plan *p, int hi, int fd, const char *name)
{
	char buf[4096], *line, *save = NULL;

	/* a limit given beside --copy-from wins */
	for (int i = 0; i < p->nw; i++)
		if (p->w[i].hier == hi && !p->w[i].if_differs &&
		    !strcmp(p->w[i].file, name))
			return 0;
	if (cg_read(fd, name, buf, sizeof(buf)) < 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (cg_plan_add_copy(p, hi, name, line) < 0)
			return -1;
	return 0;
}

int cg_plan_copy(struct cg_plan *p, const char *src, bool relative,
		 struct cg_err *e)
{
	const struct cg_sys *s = p->sys;
	char rel[CG_PATH_MAX], **names;
	int found = 0, fd, n, r = 0;

	p->e = e;
	for (int hi = 0; hi < s->n && r == 0; hi++) {
		const struct cg_hier *h = &s->h[hi];

		if (!cg_hier_real(h))
			continue;
		if (cg_rel(h, relative, src, rel, sizeof(rel), e) < 0)
			return -1;
		fd = cg_open_dir(h, rel);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0) {
			cg_explain(e, errno, h, rel, NULL, NULL);
			cg_whatf(e, "open cgroup %s/%s", h->mnt, rel);
			return -1;
		}
		found++;
		names = parameters(fd, h, &n);
		if (!names) {
			cg_seterr(e, errno, "list cgroup %s/%s", h->mnt, rel);
			close(fd);
			return -1;
		}
		for (int i = 0; i < n; i++) {
			if (r == 0 && copy_file(p, hi, fd, names[i]) < 0)
				r = -1;
			free(names[i]);
		}
		free(names);
		close(fd);
	}
	if (r == 0 && !found) {
		cg_seterr(e, ENOENT, "copy from cgroup %s", src);
		cg_hintf(e, "it exists in no hierarchy");
		return -1;
	}
	return r;
}
