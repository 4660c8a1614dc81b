#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

#ifndef RESOLVE_IN_ROOT
struct open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_IN_ROOT	      0x10
#endif

/* The kernel's own limit on symlinks followed in one lookup. */
#define RES_MAXLINKS 40
/* Directory levels the walk holds an fd for (PATH_MAX / 2 would be
 * "a/a/a/..."; images this deep do not exist). */
#define RES_MAXDEPTH 256

int resolve_next(const char **p, char *name)
{
	const char *s = *p;
	size_t len;

	while (*s == '/')
		s++;
	len = strcspn(s, "/");
	if (len > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(name, s, len);
	name[len] = '\0';
	*p = s + len;
	return (int)len;
}

int resolve_clean(const char *path, char *out, size_t size)
{
	char name[NAME_MAX + 1];
	size_t n = 0;
	int len;

	if (!path || path[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	if (size < 2) {
		errno = ENAMETOOLONG;
		return -1;
	}
	while ((len = resolve_next(&path, name)) != 0) {
		if (len < 0)
			return -1;
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			/* back to the slash before the last component */
			if (n > 0)
				n--;
			while (n > 0 && out[n] != '/')
				n--;
			continue;
		}
		if (n + 1 + (size_t)len + 1 > size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		out[n++] = '/';
		memcpy(out + n, name, len);
		n += len;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

bool resolve_have_openat2(void)
{
	static int have = -1;
	const char *e;

	if (have < 0) {
		e = getenv("BOX_RESOLVE_WALK");
		have = !(e && *e && strcmp(e, "0") != 0);
#ifndef SYS_openat2
		have = 0;
#endif
	}
	return have;
}

static int try_openat2(int rootfd, const char *path)
{
#ifdef SYS_openat2
	struct open_how how = {
	    .flags = O_PATH | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd, tries = 0;

	/* EAGAIN: a rename raced the lookup of "..", the kernel asks us
	 * to retry rather than risk an escape. */
	do
		fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 16);
	return fd;
#else
	(void)rootfd;
	(void)path;
	errno = ENOSYS;
	return -1;
#endif
}

/* Make the missing last component name in dirfd; EEXIST is a race won
 * by someone else, and the open that follows settles it. */
static int create(int dirfd, const char *name, bool file,
		  resolve_created_fn *created, void *arg)
{
	int fd;

	if (file) {
		fd = openat(
		    dirfd, name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			return errno == EEXIST ? 0 : -1;
		close(fd);
	} else if (mkdirat(dirfd, name, 0755) < 0) {
		return errno == EEXIST ? 0 : -1;
	}
	if (created)
		created(dirfd, name, !file, arg);
	return 0;
}

struct walk {
	int fd[RES_MAXDEPTH]; /* fd[0] is the caller's root, not ours */
	int depth;
	char rest[2 * PATH_MAX]; /* what is still to be looked up */
	char tmp[2 * PATH_MAX];
};

static void walk_pop(struct walk *w, int to)
{
	while (w->depth > to)
		close(w->fd[w->depth--]);
}

/* The user-space RESOLVE_IN_ROOT, able to create what is missing. */
int resolve_walk(int rootfd, const char *path, enum resolve_how how,
		 resolve_created_fn *created, void *arg)
{
	struct walk *w;
	char name[NAME_MAX + 1], link[PATH_MAX];
	const char *p;
	struct stat st;
	int len, links = 0, fd, err, ret = -1;
	ssize_t n;
	bool last, slash;

	if (!*path) {
		errno = ENOENT;
		return -1;
	}
	w = malloc(sizeof(*w));
	if (!w)
		return -1;
	w->fd[0] = rootfd;
	w->depth = 0;
	if (strlen(path) >= sizeof(w->rest)) {
		errno = ENAMETOOLONG;
		goto out;
	}
	strcpy(w->rest, path);
	p = w->rest;
	while ((len = resolve_next(&p, name)) != 0) {
		if (len < 0)
			goto out;
		last = p[strspn(p, "/")] == '\0';
		slash = *p == '/';
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			/* answered from our own stack: the root's parent is
			 * the root, and a directory moved away cannot take
			 * us with it */
			if (w->depth > 0)
				walk_pop(w, w->depth - 1);
			continue;
		}
		fd = openat(w->fd[w->depth], name,
			    O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && how != RES_OPEN) {
			if (create(w->fd[w->depth], name,
				   last && how == RES_MKFILE, created, arg) < 0)
				goto out;
			fd = openat(w->fd[w->depth], name,
				    O_PATH | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0)
			goto out;
		if (fstat(fd, &st) < 0) {
			err = errno;
			close(fd);
			errno = err;
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			n = readlinkat(fd, "", link, sizeof(link));
			close(fd);
			if (n < 0)
				goto out;
			if (++links > RES_MAXLINKS) {
				errno = ELOOP;
				goto out;
			}
			if (n == 0 || (size_t)n >= sizeof(link)) {
				errno = n ? ENAMETOOLONG : ENOENT;
				goto out;
			}
			link[n] = '\0';
			/* the link's text replaces its name in the path */
			/* (a slash only where the path goes on: "link/"
			 * must stay a directory lookup, "link" must not
			 * become one) */
			if (snprintf(w->tmp, sizeof(w->tmp), "%s%s%s", link,
				     *p ? "/" : "", p) >= (int)sizeof(w->tmp)) {
				errno = ENAMETOOLONG;
				goto out;
			}
			strcpy(w->rest, w->tmp);
			p = w->rest;
			if (link[0] == '/')
				walk_pop(w, 0);
			continue;
		}
		/* as in the kernel, "file/" is not a directory either */
		if ((!last || slash) && !S_ISDIR(st.st_mode)) {
			close(fd);
			errno = ENOTDIR;
			goto out;
		}
		if (w->depth + 1 >= RES_MAXDEPTH) {
			close(fd);
			errno = ENAMETOOLONG;
			goto out;
		}
		w->fd[++w->depth] = fd;
	}
	if (w->depth == 0) {
		ret = openat(rootfd, ".", O_PATH | O_CLOEXEC);
	} else {
		ret = w->fd[w->depth];
		w->depth--;
	}
out:
	err = errno;
	walk_pop(w, 0);
	free(w);
	errno = err;
	return ret;
}

int resolve_in_root(int rootfd, const char *path, enum resolve_how how,
		    resolve_created_fn *created, void *arg)
{
	int fd;

	if (!path || !*path) {
		errno = ENOENT;
		return -1;
	}
	if (resolve_have_openat2()) {
		fd = try_openat2(rootfd, path);
		if (fd >= 0)
			return fd;
		/* anything but "no openat2" or "create it" is the answer */
		if (errno != ENOSYS && errno != E2BIG &&
		    !(errno == ENOENT && how != RES_OPEN))
			return -1;
	}
	return resolve_walk(rootfd, path, how, created, arg);
}
