/*
 * copytree.c - a directory's contents copied into another (tmpcopyup).
 */
#include "copytree.h"
#include "box.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int copy_data(int in, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (box_write_all(out, buf, (size_t)n) < 0)
			return -1;
	}
	return 0;
}

/* owner, mode (after the owner: chown clears setuid bits) and times */
static int copy_meta(int to, const char *name, const struct stat *st)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};

	if (fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (!S_ISLNK(st->st_mode) &&
	    fchmodat(to, name, st->st_mode & 07777, 0) < 0)
		return -1;
	return utimensat(to, name, ts, AT_SYMLINK_NOFOLLOW);
}

static int copy_entry(int from, int to, const char *name, int depth);

static int copy_dir(int from, int to, int depth)
{
	DIR *d;
	struct dirent *e;
	int fd, r = 0;

	if (depth > COPYTREE_DEPTH) {
		errno = ELOOP;
		return -1;
	}
	fd = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	errno = 0;
	while (r == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		r = copy_entry(from, to, e->d_name, depth);
	}
	if (r == 0 && errno)
		r = -1;
	{
		int err = errno;

		closedir(d);
		errno = err;
	}
	return r;
}

static int copy_entry(int from, int to, const char *name, int depth)
{
	struct stat st;
	char link[4096];
	ssize_t n;
	int in, out, r, err;

	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR:
		if (mkdirat(to, name, 0700) < 0)
			return -1;
		in = openat(from, name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		out = openat(to, name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		r = in < 0 || out < 0 ? -1 : copy_dir(in, out, depth + 1);
		break;
	case S_IFREG:
		in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		out = in < 0 ? -1
			     : openat(to, name,
				      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					  O_CLOEXEC,
				      0600);
		r = in < 0 || out < 0 ? -1 : copy_data(in, out);
		break;
	case S_IFLNK:
		n = readlinkat(from, name, link, sizeof(link) - 1);
		if (n < 0)
			return -1;
		link[n] = '\0';
		return symlinkat(link, to, name) < 0 ? -1
						     : copy_meta(to, name, &st);
	default: /* fifos, sockets, device nodes: the node itself */
		if (mknodat(to, name, st.st_mode, st.st_rdev) < 0)
			return -1;
		return copy_meta(to, name, &st);
	}
	err = errno;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	errno = err;
	return r < 0 ? -1 : copy_meta(to, name, &st);
}

int copy_tree(int from, int to)
{
	return copy_dir(from, to, 0);
}
