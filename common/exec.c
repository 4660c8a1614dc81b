#include "exec.h"
#include "box.h"
#include "kernel.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
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

void xexec(int argc, char **argv)
{
	char *shell_argv[2];
	int err;

	if (argc == 0) {
		const char *sh = getenv("SHELL");

		shell_argv[0] = (char *)(sh && *sh ? sh : "/bin/sh");
		shell_argv[1] = NULL;
		argv = shell_argv;
	}
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

int close_fds_from(int lowfd)
{
#ifdef SYS_close_range
	if (syscall(SYS_close_range, lowfd, ~0U, 0) == 0)
		return 0;
#endif
	for (long fd = lowfd, max = sysconf(_SC_OPEN_MAX); fd < max; fd++)
		close(fd);
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
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(ph))
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
	int m = (int)syscall(SYS_open_tree, fd, "",
			     AT_EMPTY_PATH | 1 /* OPEN_TREE_CLONE */ |
				 O_CLOEXEC);

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
		  F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
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

void xexec_fd(int fd, char **argv)
{
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	box_errh(errno, NULL, "exec %s", argv[0]);
	exit(errno == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
}
