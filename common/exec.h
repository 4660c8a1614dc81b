/*
 * exec.h - the one way to run prog, and the one way to turn a waited-for
 * child's status into our exit code.
 */
#ifndef BOX_EXEC_H
#define BOX_EXEC_H

#include <signal.h>
#include <stdbool.h>
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
 * A tool that forks and waits passes on to its child what it is sent:
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH.
 * wait_block() blocks those and SIGCHLD (into *set) before the fork, so
 * none is lost before the wait; the old mask goes to *old, for the child
 * to restore before it execs.
 */
void wait_block(sigset_t *set, sigset_t *old);

/*
 * Wait for child, passing on each signal of set that was sent with
 * kill(): one the kernel sent (the terminal's ^C, SIGWINCH) reached the
 * child in our process group already, and is not sent twice.  With
 * reap_all (an init, a subreaper) every child is reaped, orphans
 * included.  Returns child's wait status, or -1 with errno (ECHILD).
 */
int wait_forward(pid_t child, const sigset_t *set, bool reap_all);

/* Close every fd >= lowfd except those listed (sorted or not). */
int close_fds_from(int lowfd);

#endif

/*
 * Find prog the way execvp would (a name with '/' is taken as it is,
 * else each PATH entry) and hold it as a close-on-exec fd that stays
 * executable after the file system it came from is gone (pivot
 * --host-prog): a detached read-only clone of the file's mount, or where
 * the kernel refuses that, a sealed memfd copy.  Either way nothing that
 * later sees /proc/PID/exe can write through it to the host's binary
 * (CVE-2019-5736).  Refuses a
 * dynamically linked program (errno ENOEXEC): its loader would be looked
 * up in the new root.  Returns the fd, or -1 with errno set; *path gets
 * the file found (for messages).
 */
int exec_load_sealed(const char *prog, char *path, size_t pathsz);

/* execveat(fd, "", argv, environ, AT_EMPTY_PATH); on failure prints
 * "tool: exec NAME: why" and exits 126. */
_Noreturn void xexec_fd(int fd, char **argv);
