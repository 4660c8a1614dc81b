/*
 * exec.h - the one way to run prog, and the one way to turn a waited-for
 * child's status into our exit code.
 */
#ifndef BOX_EXEC_H
#define BOX_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

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

/* Close every fd >= lowfd, except the host tools carried (below). */
int close_fds_from(int lowfd);

/*
 * Find prog the way execvp would (a name with '/' is taken as it is,
 * else each PATH entry) and hold it as a close-on-exec fd that stays
 * executable after the file system it came from is gone (pivot
 * --host-prog): a detached read-only clone of the file's mount, or where
 * the kernel refuses that, a sealed memfd copy.  Either way nothing that
 * later sees /proc/PID/exe can write through it to the host's binary
 * (CVE-2019-5736).  Refuses a dynamically linked program (errno
 * ENOEXEC): its loader would be looked up in the new root.  Returns the
 * fd, or -1 with errno set; *path gets the file found (for messages).
 */
int exec_load_sealed(const char *prog, char *path, size_t pathsz);

/*
 * --- host tools carried along a chain (pivot --host-prog) ---
 *
 * After pivot the image's tree is all there is, and it holds no
 * boxutils tool.  pivot loads the tools the rest of its chain names
 * (exec_load_sealed) and carries them as fds; every tool passes them
 * on, so each step of "pivot --host-prog R cap-drop ... sys-filter ...
 * prog" runs the host's tool, and prog alone comes from the image.
 *
 * The convention, between one tool's exec and the next tool's start:
 *   - the environment variable BOX_HOST_TOOLS holds "FD:WORD" pairs
 *     joined by ',' (WORD is the argv word that names the tool, as the
 *     chain spells it: "cap-drop", "/usr/bin/sys-filter"; no ',' ':'
 *     or control characters in it);
 *   - those fds are open without FD_CLOEXEC across that one exec.
 * Every tool linked with this file takes them at start-up (a
 * constructor, so none is missed and nothing the tool runs in between
 * inherits them): it sets FD_CLOEXEC on them again and removes the
 * variable.  xexec() of a word in the table executes the carried fd
 * (execveat), passing the whole table on; xexec() of anything else
 * closes them and runs prog with neither the variable nor the fds, so
 * the payload sees nothing of them, and once the last host tool has
 * exec'd the payload no process holds the clones' detached mounts.
 * A tool that forks and waits (wait_forward) closes them in the parent.
 */
#define HOST_TOOLS_ENV "BOX_HOST_TOOLS"
#define HOST_TOOLS_MAX 32

/* Carry fd (close-on-exec, from exec_load_sealed) as the tool named by
 * word.  Returns 0, or -1 with errno EINVAL (a word the variable cannot
 * hold) or E2BIG (table full). */
int host_tool_add(const char *word, int fd);

/*
 * Take the pairs of a BOX_HOST_TOOLS value into the table (what every
 * tool does at start-up): a pair whose fd is not a number >= 3 that is
 * open here, or whose word the variable could not hold, is skipped, as
 * the variable may come from anywhere.  Sets FD_CLOEXEC on each fd
 * taken.  Returns how many were taken.
 */
int host_tools_parse(const char *env);

/* The carried fd for word, or -1. */
int host_tool_fd(const char *word);

/* Close every carried fd and forget them. */
void host_tools_close(void);

/*
 * Exec argv[0]: the carried host tool of that name (execveat), else
 * searched in PATH.  With argc == 0 run $SHELL, or /bin/sh.  Never
 * returns: on failure prints "tool: exec PROG: why" and exits 127 when
 * prog was not found, 126 when it could not be executed.
 */
_Noreturn void xexec(int argc, char **argv);

#endif
