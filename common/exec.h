/*
 * exec.h - the one way to run prog, and the one way to wait for a child
 * and pass its status on.
 */
#ifndef BOX_EXEC_H
#define BOX_EXEC_H

#include <sys/types.h>

/*
 * Exec argv[0] searched in PATH.  With argc == 0 run $SHELL, or /bin/sh.
 * Never returns: on failure prints "tool: exec PROG: why" and exits
 * 127 when prog was not found, 126 when it could not be executed.
 */
_Noreturn void xexec(int argc, char **argv);

/*
 * Turn a wait status into the exit code the contract promises: the
 * child's own code, or 128+N when it died of signal N.
 */
int status_to_exit(int status);

/*
 * Wait for pid (retrying on EINTR) and return its exit code as by
 * status_to_exit(), or -1 with errno set.
 */
int wait_exit(pid_t pid);

/* Close every fd >= lowfd except those listed (sorted or not). */
int close_fds_from(int lowfd);

#endif
