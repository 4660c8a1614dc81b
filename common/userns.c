#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_proc(pid_t pid, const char *file, const char *buf, size_t len)
{
	char path[64];
	ssize_t w;
	int fd, err;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	/* The kernel takes a map in one write(); a short one is an error. */
	w = write(fd, buf, len);
	err = errno;
	close(fd);
	if (w < 0) {
		errno = err;
		return -1;
	}
	if ((size_t)w != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

int userns_write_map(pid_t pid, const char *file, const struct idmap *map,
		     size_t n)
{
	char buf[USERNS_MAX_RANGES * 36];
	size_t len = 0;

	if (n == 0 || n > USERNS_MAX_RANGES) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		len +=
		    (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n",
				     map[i].inner, map[i].outer, map[i].count);
	return write_proc(pid, file, buf, len);
}

int userns_write_setgroups(pid_t pid, bool allow)
{
	const char *s = allow ? "allow" : "deny";

	return write_proc(pid, "setgroups", s, strlen(s));
}

/* Digits only, no sign, fits in 32 bits. */
static int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;

	if (parse_u64_range(s, 0, UINT32_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int userns_subid_range(const char *file, const char *name, uid_t id,
		       struct idmap *out)
{
	char *line = NULL, *f[3], *save;
	size_t cap = 0;
	ssize_t len;
	FILE *fp;
	int found = 0;

	fp = fopen(file, "re");
	if (!fp)
		return -1;
	while (!found && (len = getline(&line, &cap, fp)) >= 0) {
		uint32_t who, start, count;
		int n = 0;

		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		/* "name:start:count" or "uid:start:count", nothing else */
		for (char *t = strtok_r(line, ":", &save); t && n < 3;
		     t = strtok_r(NULL, ":", &save))
			f[n++] = t;
		if (n != 3 || strtok_r(NULL, ":", &save))
			continue;
		if (!(name && !strcmp(f[0], name)) &&
		    !(parse_u32(f[0], &who) == 0 && who == (uint32_t)id))
			continue;
		if (parse_u32(f[1], &start) < 0 ||
		    parse_u32(f[2], &count) < 0 || count == 0 ||
		    (uint64_t)start + count - 1 > UINT32_MAX - 1)
			continue;
		out->outer = start;
		out->count = count;
		found = 1;
	}
	free(line);
	fclose(fp);
	if (!found) {
		errno = ENOENT;
		return -1;
	}
	return 0;
}

static bool overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

bool userns_map_overlaps(const struct idmap *map, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (overlap(map[i].inner, map[i].count, map[j].inner,
				    map[j].count) ||
			    overlap(map[i].outer, map[i].count, map[j].outer,
				    map[j].count))
				return true;
	return false;
}

int userns_run_mapper(const char *helper, pid_t pid, const struct idmap *map,
		      size_t n, char *why, size_t whylen)
{
	char args[USERNS_MAX_RANGES * 3 + 1][12];
	char *argv[USERNS_MAX_RANGES * 3 + 3];
	char msg[1024];
	size_t got = 0;
	int p[2], status, k = 0;
	pid_t child;
	ssize_t r;

	if (n == 0 || n > USERNS_MAX_RANGES) {
		errno = EINVAL;
		return -1;
	}
	argv[k++] = (char *)helper;
	snprintf(args[0], sizeof(args[0]), "%d", (int)pid);
	argv[k++] = args[0];
	for (size_t i = 0; i < n; i++) {
		uint32_t v[3] = {map[i].inner, map[i].outer, map[i].count};

		for (int j = 0; j < 3; j++) {
			char *a = args[1 + i * 3 + j];

			snprintf(a, sizeof(args[0]), "%u", v[j]);
			argv[k++] = a;
		}
	}
	argv[k] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	child = fork();
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (child == 0) {
		/* Its complaints come back to us, to be said in one line. */
		dup2(p[1], STDERR_FILENO);
		execvp(helper, argv);
		dprintf(STDERR_FILENO, "%s: %s\n", helper, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	while (got < sizeof(msg) - 1 &&
	       ((r = read(p[0], msg + got, sizeof(msg) - 1 - got)) > 0 ||
		(r < 0 && errno == EINTR)))
		if (r > 0)
			got += (size_t)r;
	close(p[0]);
	msg[got] = '\0';
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (why && whylen) {
		char *line, *last = NULL, *save;

		for (line = strtok_r(msg, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			last = line;
		snprintf(why, whylen, "%s", last ? last : "failed");
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool userns_in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");

		if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path,
			     prog) < (int)sizeof(buf) &&
		    access(buf, X_OK) == 0)
			return true;
		path += len;
		if (*path == ':')
			path++;
	}
	return false;
}
