#include "exec.h"
#include "box.h"
#include "kernel.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- host tools carried along a chain (see exec.h) ------------------- */

static struct host_tool {
	int fd;
	char word[256];
} host_tools[HOST_TOOLS_MAX];
static int nhost_tools;

/* A word BOX_HOST_TOOLS can hold: not empty, no ',' ':' or controls. */
static bool host_word_ok(const char *w)
{
	if (!*w || strlen(w) >= sizeof(host_tools[0].word))
		return false;
	for (; *w; w++)
		if (*w == ',' || *w == ':' || (unsigned char)*w < 0x20 ||
		    *w == 0x7f)
			return false;
	return true;
}

int host_tool_add(const char *word, int fd)
{
	if (!host_word_ok(word) || fd < 3) {
		errno = EINVAL;
		return -1;
	}
	if (nhost_tools >= HOST_TOOLS_MAX) {
		errno = E2BIG;
		return -1;
	}
	host_tools[nhost_tools].fd = fd;
	snprintf(host_tools[nhost_tools].word, sizeof(host_tools[0].word), "%s",
		 word);
	nhost_tools++;
	return 0;
}

int host_tool_fd(const char *word)
{
	for (int i = 0; i < nhost_tools; i++)
		if (strcmp(host_tools[i].word, word) == 0)
			return host_tools[i].fd;
	return -1;
}

void host_tools_close(void)
{
	for (int i = 0; i < nhost_tools; i++)
		close(host_tools[i].fd);
	nhost_tools = 0;
}

int host_tools_parse(const char *env)
{
	char word[256];
	int n = 0;

	for (const char *p = env; *p;) {
		const char *colon = strchr(p, ':');
		const char *end = strchrnul(p, ',');
		char *num_end;
		long fd;

		if (!colon || colon > end)
			break;
		fd = *p >= '0' && *p <= '9' ? strtol(p, &num_end, 10) : -1;
		if (fd >= 3 && fd < INT_MAX && num_end == colon &&
		    (size_t)(end - colon - 1) < sizeof(word)) {
			snprintf(word, sizeof(word), "%.*s",
				 (int)(end - colon - 1), colon + 1);
			if (host_word_ok(word) && host_tool_fd(word) < 0 &&
			    fcntl((int)fd, F_SETFD, FD_CLOEXEC) == 0 &&
			    host_tool_add(word, (int)fd) == 0)
				n++;
		}
		p = *end ? end + 1 : end;
	}
	return n;
}

/*
 * At start-up, before main: take what the previous tool passed.  The fds
 * get FD_CLOEXEC again at once and the variable goes, so neither reaches
 * anything this tool runs (a helper such as newuidmap, the payload)
 * unless xexec() hands them on.
 */
__attribute__((constructor)) static void host_tools_take(void)
{
	const char *env = getenv(HOST_TOOLS_ENV);
	char *name;

	if (!env)
		return;
	host_tools_parse(env);
	/* unsetenv() drops the pointer; the bytes stay in the block the
	 * kernel shows as /proc/PID/environ, for as long as this process
	 * lives (an init that outlives the payload): blank them too */
	name = (char *)env - strlen(HOST_TOOLS_ENV) - 1;
	unsetenv(HOST_TOOLS_ENV);
	memset(name, 0, strlen(name));
}

/* For the next tool: the table in the environment, the fds kept open
 * across this one exec. */
static void host_tools_pass(void)
{
	char env[HOST_TOOLS_MAX * (sizeof(host_tools[0].word) + 12)];
	size_t n = 0;

	env[0] = '\0';
	for (int i = 0; i < nhost_tools; i++) {
		fcntl(host_tools[i].fd, F_SETFD, 0);
		n += snprintf(env + n, sizeof(env) - n, "%s%d:%s", i ? "," : "",
			      host_tools[i].fd, host_tools[i].word);
	}
	setenv(HOST_TOOLS_ENV, env, 1);
}

void xexec(int argc, char **argv)
{
	char *shell_argv[2];
	int err, fd;

	if (argc == 0) {
		const char *sh = getenv("SHELL");

		shell_argv[0] = (char *)(sh && *sh ? sh : "/bin/sh");
		shell_argv[1] = NULL;
		argv = shell_argv;
	}
	fd = host_tool_fd(argv[0]);
	if (fd >= 0) {
		host_tools_pass();
		syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
		err = errno;
		unsetenv(HOST_TOOLS_ENV);
		box_errh(err, NULL, "exec host tool %s", argv[0]);
		exit(err == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
	}
	/* prog is not ours: nothing of the host tools goes with it */
	host_tools_close();
	execvp(argv[0], argv);
	err = errno;
	box_errh(err, NULL, "exec %s", argv[0]);
	exit(err == ENOENT || err == ENOTDIR ? EXIT_NOTFOUND : EXIT_NOEXEC);
}

int status_to_exit(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return EXIT_SIGBASE + WTERMSIG(status);
	return EXIT_TOOL;
}

static const int forwarded[] = {
    SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH,
};

void wait_block(sigset_t *set, sigset_t *old)
{
	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(set, forwarded[i]);
	sigaddset(set, SIGCHLD);
	/* an inherited SIG_IGN would make the kernel reap our children */
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_BLOCK, set, old);
}

int wait_forward(pid_t child, const sigset_t *set, bool reap_all)
{
	siginfo_t si;
	int status;
	pid_t w;

	/* the child has its copy; the waiting parent needs none */
	host_tools_close();
	for (;;) {
		if (sigwaitinfo(set, &si) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (si.si_signo != SIGCHLD) {
			if (si.si_code != SI_KERNEL)
				kill(child, si.si_signo);
			continue;
		}
		while ((w = waitpid(reap_all ? -1 : child, &status, WNOHANG)) >
		       0)
			if (w == child)
				return status;
		if (w < 0 && errno == ECHILD)
			return -1;
	}
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int close_fds_from(int lowfd)
{
	int keep[HOST_TOOLS_MAX + 1] = {0}, n = 0;

	/* the carried host tools stay: they are close-on-exec, and xexec()
	 * passes them on only to the next host tool */
	for (int i = 0; i < nhost_tools; i++)
		if (host_tools[i].fd >= lowfd)
			keep[n++] = host_tools[i].fd;
	qsort(keep, n, sizeof(keep[0]), cmp_int);
	keep[n] = INT_MAX;
	for (int i = 0; i <= n; i++) {
		int hi = keep[i] - 1;

		if (hi >= lowfd) {
#ifdef SYS_close_range
			if (syscall(SYS_close_range, lowfd,
				    i == n ? ~0U : (unsigned)hi, 0) < 0)
#endif
				for (long fd = lowfd,
					  max = sysconf(_SC_OPEN_MAX);
				     fd <= hi && fd < max; fd++)
					close((int)fd);
		}
		if (i == n)
			break; /* keep[n] is the INT_MAX sentinel */
		lowfd = keep[i] + 1;
	}
	return 0;
}

static int find_in_path(const char *prog, char *path, size_t pathsz)
{
	const char *p, *end;
	size_t n;

	if (strchr(prog, '/')) {
		if ((size_t)snprintf(path, pathsz, "%s", prog) >= pathsz)
			return errno = ENAMETOOLONG, -1;
		return access(path, X_OK);
	}
	p = getenv("PATH");
	if (!p || !*p)
		p = "/usr/local/bin:/usr/bin:/bin";
	for (; p; p = *end ? end + 1 : NULL) {
		end = strchrnul(p, ':');
		n = (size_t)(end - p);
		if (n == 0) /* an empty entry means the current directory */
			snprintf(path, pathsz, "%s", prog);
		else if ((size_t)snprintf(path, pathsz, "%.*s/%s", (int)n, p,
					  prog) >= pathsz)
			continue;
		if (access(path, X_OK) == 0)
			return 0;
	}
	return errno = ENOENT, -1;
}

/* An ELF file with a PT_INTERP header needs a loader from the file system. */
static int is_dynamic_elf(int fd)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
		return 0; /* not ELF: leave it to the kernel */
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(ph))
		return 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + i * sizeof(ph)) !=
		    (ssize_t)sizeof(ph))
			return 0;
		if (ph.p_type == PT_INTERP)
			return 1;
	}
	return 0;
}

/*
 * The cheap way (5.12+): a detached, read-only bind mount of the file
 * itself (open_tree OPEN_TREE_CLONE, then mount_setattr).  Executing it
 * makes /proc/PID/exe a path on that read-only mount, so opening it for
 * writing fails with EROFS, and the mount is attached nowhere, so it
 * cannot propagate.  No copy: the page cache is shared.  -1 where the
 * kernel or our privileges refuse; the caller then copies into a memfd.
 */
static int clone_read_only(int fd)
{
#if defined(SYS_open_tree) && defined(SYS_mount_setattr)
	struct {
		uint64_t attr_set, attr_clr, propagation, userns_fd;
	} attr = {0x1 /* MOUNT_ATTR_RDONLY */ | 0x2 /* NOSUID */ |
		      0x4 /* NODEV */,
		  0, 0, 0};
	int m =
	    (int)syscall(SYS_open_tree, fd, "",
			 AT_EMPTY_PATH | 1 /* OPEN_TREE_CLONE */ | O_CLOEXEC);

	if (m < 0)
		return -1;
	if (syscall(SYS_mount_setattr, m, "", AT_EMPTY_PATH, &attr,
		    sizeof(attr)) < 0) {
		close(m);
		return -1;
	}
	return m;
#else
	(void)fd;
	return -1;
#endif
}

int exec_load_sealed(const char *prog, char *path, size_t pathsz)
{
	struct stat st;
	int in, mem, err;
	off_t off = 0;

	if (find_in_path(prog, path, pathsz) < 0)
		return -1;
	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	if (fstat(in, &st) < 0) {
		err = errno;
		goto fail_in;
	}
	if (!S_ISREG(st.st_mode)) {
		err = EACCES;
		goto fail_in;
	}
	if (is_dynamic_elf(in)) {
		err = ENOEXEC;
		goto fail_in;
	}
	mem = clone_read_only(in);
	if (mem >= 0) {
		close(in);
		return mem;
	}
	/* MFD_EXEC: where vm.memfd_noexec asks for it explicitly (6.3+) */
	mem = memfd_create(prog, MFD_CLOEXEC | MFD_ALLOW_SEALING | 0x0010U);
	if (mem < 0 && errno == EINVAL)
		mem = memfd_create(prog, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mem < 0) {
		err = errno;
		goto fail_in;
	}
	while (off < st.st_size) {
		ssize_t n = sendfile(mem, in, &off, (size_t)(st.st_size - off));

		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			goto fail_mem;
		}
	}
	if (fchmod(mem, 0555) < 0 ||
	    fcntl(mem, F_ADD_SEALS,
		  F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) <
		0) {
		err = errno;
		goto fail_mem;
	}
	close(in);
	return mem;
fail_mem:
	close(mem);
fail_in:
	close(in);
	errno = err;
	return -1;
}
