/*
 * pty.h - a new pseudo-terminal for a program, relayed to the caller's
 * terminal by the parent.  The program then never holds the caller's
 * terminal: it cannot push keystrokes into it with TIOCSTI, nor read
 * what is typed after it exits, nor keep it open behind the caller.
 */
#ifndef BOX_PTY_H
#define BOX_PTY_H

#include <signal.h>
#include <sys/types.h>

/*
 * Open the pty multiplexer at ptmx (checked to be the character device
 * 5:2 before and after opening, so a hostile file system cannot make us
 * open something else), unlock the new pair, and open the slave through
 * TIOCGPTPEER, which needs no path lookup in /dev/pts.  Returns the
 * master, and the slave in *slave, both O_CLOEXEC; -1 with errno set.
 */
int pty_open(const char *ptmx, int *slave);

/* Give the slave the settings and window size of the terminal on fd. */
void pty_copy_settings(int fd, int slave);

/*
 * In the child: a new session with the slave as its controlling
 * terminal and as fds 0, 1 and 2.  -1 with errno set.
 */
int pty_attach(int slave);

/*
 * In the parent: put the caller's terminal (fd 0) in raw mode, copy fd 0
 * to the master and the master to fd 1, pass window size changes
 * (SIGWINCH) on and send the signals in forward to child, until child
 * exits; then restore the terminal.  The caller blocks SIGCHLD, SIGWINCH
 * and forward before forking.  Returns child's wait status, or -1 with
 * errno set.
 */
int pty_relay(int master, pid_t child, const sigset_t *forward);

#endif
