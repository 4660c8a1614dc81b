/*
 * cgroup.c - finding the cgroup hierarchies: their mounts, the caller's
 * own cgroup in each, and the controllers cgroup2 offers.
 */
#include "cgroup-int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* --- discovery ------------------------------------------------------------ */

/* Read a whole small /proc file; one read usually does it. */
static ssize_t read_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (len < n - 1 && (r = read(fd, buf + len, n - 1 - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				      (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}
int cg_discover(struct cg_sys *s, struct cg_err *e)
{
	static char buf[1 << 16];
	char *line, *next, *f[10], *sep, *fstype, *super;
	struct cg_hier *h;
	int nf;

	memset(s, 0, sizeof(*s));
	s->v2 = -1;
	if (read_file("/proc/self/mountinfo", buf, sizeof(buf)) < 0)
		return cg_seterr(e, errno, "read /proc/self/mountinfo");
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		fstype = sep + 3;
		super = strchr(fstype, ' ');
		if (!super)
			continue;
		*super++ = '\0';
		if (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2"))
			continue;
		super = strchr(super, ' '); /* skip the source */
		if (!super)
			continue;
		super++;
		for (nf = 0; nf < 10 && (f[nf] = strsep(&line, " ")); nf++)
			;
		if (nf < 5 || s->n == CG_MAX_HIER)
			continue;
		h = &s->h[s->n];
		memset(h, 0, sizeof(*h));
		h->v2 = fstype[6] == '2';
		if (!h->v2)
			h->ctrls =
			    cg_parse_ctrls(super, h->name, sizeof(h->name));
		unescape(f[3]);
		unescape(f[4]);
		if (strlen(f[3]) >= sizeof(h->root) ||
		    strlen(f[4]) >= sizeof(h->mnt))
			continue;
		strcpy(h->root, f[3]);
		strcpy(h->mnt, f[4]);
		/* the same hierarchy mounted twice: keep the first */
		bool dup = false;
		for (int i = 0; i < s->n; i++)
			if (s->h[i].v2 == h->v2 && s->h[i].ctrls == h->ctrls &&
			    !strcmp(s->h[i].name, h->name))
				dup = true;
		if (dup)
			continue;
		if (h->v2)
			s->v2 = s->n;
		s->n++;
	}
	if (s->n == 0)
		return cg_seterr(e, ENOENT,
				 "find cgroup hierarchies in "
				 "/proc/self/mountinfo");
	return 0;
}

int cg_load_self(struct cg_sys *s, struct cg_err *e)
{
	char buf[8192], name[64], *line, *next, *c1, *c2;
	unsigned ctrls;
	size_t rl;

	if (read_file("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return cg_seterr(e, errno, "read /proc/self/cgroup");
	for (line = buf; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		ctrls = cg_parse_ctrls(c1 + 1, name, sizeof(name));
		for (int i = 0; i < s->n; i++) {
			struct cg_hier *h = &s->h[i];
			const char *p = c2 + 1;

			if (h->v2 != (c1[1] == '\0') ||
			    (!h->v2 &&
			     (h->ctrls != ctrls || strcmp(h->name, name))))
				continue;
			/* Below a mount of a subtree, strip the mount's root:
			 * a cgroup outside it is not reachable here. */
			rl = strlen(h->root);
			if (strcmp(h->root, "/")) {
				if (strncmp(p, h->root, rl) ||
				    (p[rl] != '/' && p[rl] != '\0'))
					continue;
				p += rl;
			}
			while (*p == '/')
				p++;
			if (strlen(p) >= sizeof(h->self))
				continue;
			strcpy(h->self, p);
			h->has_self = true;
		}
	}
	return 0;
}

int cg_load_v2(struct cg_sys *s, struct cg_err *e)
{
	char path[300], buf[512];
	struct cg_hier *h;

	if (s->v2 < 0 || s->v2_loaded)
		return 0;
	h = &s->h[s->v2];
	snprintf(path, sizeof(path), "%s/cgroup.controllers", h->mnt);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return cg_seterr(e, errno, "read %s", path);
	for (char *p = buf; *p; p++)
		if (*p == ' ' || *p == '\n')
			*p = ',';
	h->ctrls = cg_parse_ctrls(buf, NULL, 0);
	s->v2_loaded = true;
	return 0;
}
