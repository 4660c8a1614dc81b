/*
 * fuzz_resolve_walk - differential harness for common/resolve.c: the
 * user-space walk must land where the kernel's openat2(2)
 * RESOLVE_IN_ROOT does (the same inode, or the same errno), on a small
 * hostile tree of absolute, relative, "..", looping and dangling links.
 * Without openat2 (kernel < 5.6) there is nothing to compare against.
 */
#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int rootfd = -1;
static char dir[] = "/tmp/fuzz_resolve.XXXXXX";

static const char *const tree[][2] = {
    /* name, symlink target (NULL: a directory; "" a file) */
    {"dir", NULL},
    {"dir/sub", NULL},
    {"dir/f", ""},
    {"file", ""},
    {"abs", "/dir"},
    {"rel", "dir/f"},
    {"up", "../../.."},
    {"loop", "loop"},
    {"self", "."},
    {"chain", "abs/../rel"},
    {"dangling", "/nope"},
    {"slash", "/"},
    {"dir/back", "../file"},
    {"dir/sub/top", "../../up/dir"},
    {"dir/sub/ping", "../sub/ping"},
};

#define NTREE (sizeof(tree) / sizeof(tree[0]))

static void remove_tree(void)
{
	int dfd = open(dir, O_DIRECTORY | O_CLOEXEC);

	for (size_t i = NTREE; dfd >= 0 && i-- > 0;)
		unlinkat(dfd, tree[i][0], tree[i][1] ? 0 : AT_REMOVEDIR);
	if (dfd >= 0)
		close(dfd);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *tmpl = dir;

	(void)argc;
	(void)argv;
	if (!mkdtemp(tmpl))
		abort();
	rootfd = open(tmpl, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		abort();
	atexit(remove_tree);
	for (size_t i = 0; i < NTREE; i++) {
		const char *name = tree[i][0], *t = tree[i][1];
		int dfd = open(tmpl, O_DIRECTORY | O_CLOEXEC), fd;

		if (!t)
			fd = mkdirat(dfd, name, 0755);
		else if (!*t)
			fd = openat(dfd, name, O_CREAT | O_WRONLY | O_CLOEXEC,
				    0644);
		else
			fd = symlinkat(t, dfd, name);
		if (fd < 0)
			abort();
		if (t && !*t)
			close(fd);
		close(dfd);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct open_how how = {
	    .flags = O_PATH | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	char path[1024];
	struct stat a, b;
	int k, w, kerr, werr;

	if (size >= sizeof(path))
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';

	/* EAGAIN: a mount or rename anywhere on the machine raced the
	 * kernel's ".." check; it asks to be asked again (as resolve.c does) */
	int tries = 0;

	do
		k = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (k < 0 && errno == EAGAIN && ++tries < 64);
	kerr = errno;
	/* ENOSYS: nothing to compare with; EAGAIN still after 64 tries: the
	 * machine's mount table is churning (other tests, containers), and
	 * the kernel gave no verdict to compare the walk with */
	if (k < 0 && (kerr == ENOSYS || kerr == EAGAIN))
		return 0;
	w = resolve_walk(rootfd, path, RES_OPEN, NULL, NULL);
	werr = errno;
	if ((k < 0) != (w < 0)) {
		fprintf(stderr, "'%s': kernel %d (%s), walk %d (%s)\n", path, k,
			strerror(kerr), w, strerror(werr));
		abort();
	}
	if (k < 0) {
		if (kerr != werr) {
			fprintf(stderr, "'%s': kernel %s, walk %s\n", path,
				strerror(kerr), strerror(werr));
			abort();
		}
		return 0;
	}
	if (fstat(k, &a) < 0 || fstat(w, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		fprintf(stderr, "'%s': kernel and walk differ\n", path);
		abort();
	}
	close(k);
	close(w);
	return 0;
}
