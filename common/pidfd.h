/*
 * pidfd.h - a process held by a pidfd, so that a PID which is reaped and
 * recycled while a tool works on it is noticed instead of silently
 * pointing at some other process.
 */
#ifndef BOX_PIDFD_H
#define BOX_PIDFD_H

#include <sys/types.h>

/*
 * A pidfd for pid (O_CLOEXEC, as every pidfd is), or -1 with errno set:
 * ESRCH no such process, EINVAL pid is a thread rather than a process,
 * ENOSYS the kernel predates pidfd_open (5.3).
 */
int pidfd_open_pid(pid_t pid);

/*
 * 0 while the process behind pidfd has not been reaped (a zombie still
 * counts: its PID cannot be reused yet), -1 with errno = ESRCH once it
 * has been, so its PID may now name another process.
 */
int pidfd_alive(int pidfd);

#endif
