/*
 * fuzz_resolve - libFuzzer harness for common/resolve.c: lexical
 * cleaning of absolute paths, and the user-space in-root walk (the
 * fallback for kernels without openat2) over a hostile tree made once
 * in /tmp: "proc -> /etc", "up -> ../../..", "dev/null -> /etc/passwd",
 * a loop, a link to a file with a trailing slash, and so on.
 *
 * Properties, each an abort() when broken:
 *   - resolve_clean() output is absolute, without "//", "." or ".."
 *     components or a trailing '/', agrees with a reference normaliser,
 *     and cleaning it again changes nothing;
 *   - whatever the walk opens lies inside the root (its /proc/self/fd
 *     link starts with the root's path), and it opens the same inode
 *     the kernel's openat2(RESOLVE_IN_ROOT) does; where one fails the
 *     other fails too.
 */
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
#include <linux/openat2.h>

/* Not in resolve.h: resolve_in_root() picks it when openat2 is absent. */
int resolve_walk(int rootfd, const char *path, enum resolve_how how,
		 resolve_created_fn *created, void *arg);

static char top[64], root[96];
static int rootfd = -1;

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (top[0] && system(cmd) != 0)
		fprintf(stderr, "fuzz_resolve: could not remove %s\n", top);
}

static void mk(const char *kind, const char *path, const char *target)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", root, path);
	if (!strcmp(kind, "d"))
		mkdir(p, 0755);
	else if (!strcmp(kind, "f"))
		close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	else if (symlink(target, p) < 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[128];

	(void)argc;
	(void)argv;
	snprintf(top, sizeof(top), "/tmp/fuzz-resolve.XXXXXX");
	if (!mkdtemp(top))
		abort();
	atexit(cleanup);
	snprintf(p, sizeof(p), "%s/secret", top);
	close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	snprintf(root, sizeof(root), "%s/root", top);
	mkdir(root, 0755);
	mk("d", "etc", NULL);
	mk("f", "etc/passwd", NULL);
	mk("d", "dir", NULL);
	mk("d", "dir/sub", NULL);
	mk("f", "dir/sub/file", NULL);
	mk("d", "dev", NULL);
	mk("l", "dev/null", "/etc/passwd");
	mk("l", "proc", "/etc");
	mk("l", "up", "../../..");
	mk("l", "secret", "../secret");
	mk("l", "dir/back", "..");
	mk("l", "dir/rel", "sub");
	mk("l", "dir/abs", "/dir/sub/file");
	mk("l", "dir/deep", "../../../../dir/sub");
	mk("l", "loop", "loop");
	mk("l", "a", "b");
	mk("l", "b", "a");
	mk("l", "magic", "/proc/self/root");
	mk("l", "empty-ish", "./");
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		abort();
	return 0;
}

/* A reference normaliser: a stack of components. */
static int ref_clean(const char *s, char *out, size_t size)
{
	const char *stack[PATH_MAX];
	size_t slen[PATH_MAX], n = 0, o = 0;

	while (*s) {
		size_t k;

		while (*s == '/')
			s++;
		k = strcspn(s, "/");
		if (k == 0)
			break;
		if (k > NAME_MAX)
			return -1;
		if (k == 2 && !strncmp(s, "..", 2)) {
			if (n)
				n--;
		} else if (!(k == 1 && s[0] == '.')) {
			stack[n] = s;
			slen[n++] = k;
		}
		s += k;
	}
	for (size_t i = 0; i < n; i++) {
		if (o + 1 + slen[i] + 1 > size)
			return -1;
		out[o++] = '/';
		memcpy(out + o, stack[i], slen[i]);
		o += slen[i];
	}
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

static void check_clean(const char *s, size_t size)
{
	char *out = malloc(size ? size : 1), again[PATH_MAX * 2],
	     ref[PATH_MAX * 2];
	int r = resolve_clean(s, out, size);

	if (s[0] != '/') {
		if (r == 0)
			abort();
		goto done;
	}
	if (r < 0) {
		if (errno != ENAMETOOLONG)
			abort();
		goto done;
	}
	if (out[0] != '/' || strstr(out, "//") || strstr(out, "/./") ||
	    strstr(out, "/../") || (out[1] && out[strlen(out) - 1] == '/'))
		abort();
	if ((strlen(out) >= 2 && !strcmp(out + strlen(out) - 2, "/.")) ||
	    (strlen(out) >= 3 && !strcmp(out + strlen(out) - 3, "/..")))
		abort();
	if (ref_clean(s, ref, sizeof(ref)) < 0 || strcmp(ref, out))
		abort();
	if (resolve_clean(out, again, sizeof(again)) < 0 || strcmp(again, out))
		abort();
done:
	free(out);
}

static void check_walk(const char *path)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve =
				   RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	struct stat a, b;
	char fdp[64], where[PATH_MAX];
	int w, k;
	ssize_t n;

	w = resolve_walk(rootfd, path, RES_OPEN, NULL, NULL);
	/* EAGAIN: a rename anywhere on the machine ran during a ".." of
	 * this lookup; the kernel asks for a retry (as resolve.c does) */
	for (int tries = 0; tries < 64; tries++) {
		k = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (k >= 0 || errno != EAGAIN)
			break;
	}
	if (k < 0 && errno == EAGAIN) {
		if (w >= 0)
			close(w);
		return;
	}
	if (w >= 0) {
		snprintf(fdp, sizeof(fdp), "/proc/self/fd/%d", w);
		n = readlink(fdp, where, sizeof(where) - 1);
		if (n < 0)
			abort();
		where[n] = '\0';
		if (strncmp(where, root, strlen(root)) ||
		    (where[strlen(root)] != '/' && where[strlen(root)] != '\0'))
			abort();
	}
	/* the kernel is the reference */
	if ((w >= 0) != (k >= 0))
		abort();
	if (w >= 0) {
		if (fstat(w, &a) < 0 || fstat(k, &b) < 0 ||
		    a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			abort();
	}
	if (w >= 0)
		close(w);
	if (k >= 0)
		close(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 1024)
		return 0;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	check_clean(s, data[0] * 4);
	check_clean(s, PATH_MAX);
	if (s[0])
		check_walk(s);
	free(s);
	return 0;
}
