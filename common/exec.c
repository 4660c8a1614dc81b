#include "exec.h"
#include "box.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

int wait_exit(pid_t pid)
{
	int status;
	pid_t r;

	do
		r = waitpid(pid, &status, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	return status_to_exit(status);
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
