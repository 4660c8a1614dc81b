#include "box.h"
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static bool is_ptmx(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 5 &&
	       minor(st->st_rdev) == 2;
}

int pty_open(const char *ptmx, int *slave)
{
	struct stat st;
	int master, unlock = 0;

	if (stat(ptmx, &st) < 0)
		return -1;
	if (!is_ptmx(&st)) {
		errno = ENODEV;
		return -1;
	}
	master = open(ptmx, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -1;
	if (fstat(master, &st) < 0 || !is_ptmx(&st)) {
		close(master);
		errno = ENODEV;
		return -1;
	}
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		goto fail;
	*slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		goto fail;
	return master;
fail:
	unlock = errno;
	close(master);
	errno = unlock;
	return -1;
}

void pty_copy_settings(int fd, int slave)
{
	struct termios t;
	struct winsize ws;

	if (tcgetattr(fd, &t) == 0)
		tcsetattr(slave, TCSANOW, &t);
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0)
		ioctl(slave, TIOCSWINSZ, &ws);
}

int pty_attach(int slave)
{
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return -1;
	if (slave > 2)
		close(slave);
	return 0;
}

static void copy_winsize(int master)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 ||
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

/* Whatever the program wrote before it exited still reaches the caller. */
static void drain(int master)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(master, buf, sizeof(buf))) > 0)
		if (box_write_all(STDOUT_FILENO, buf, n) < 0)
			break;
}

int pty_relay(int master, pid_t child, const sigset_t *forward)
{
	struct signalfd_siginfo si;
	struct termios saved, t;
	struct pollfd p[3];
	char in[4096], out[4096];
	size_t inlen = 0, inoff = 0;
	bool raw = false, in_open = true, out_open = true;
	int sfd, status = -1, err = 0;
	sigset_t set = *forward;

	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGWINCH);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0)
		return -1;
	/*
	 * The master is non-blocking so that a program which never reads
	 * its input cannot stall the copy of its output.
	 */
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		t = saved;
		cfmakeraw(&t);
		raw = tcsetattr(STDIN_FILENO, TCSADRAIN, &t) == 0;
	}
	copy_winsize(master);

	for (;;) {
		p[0] = (struct pollfd){ sfd, POLLIN, 0 };
		p[1] = (struct pollfd){ out_open ? master : -1,
					POLLIN | (inlen ? POLLOUT : 0), 0 };
		p[2] = (struct pollfd){ in_open && !inlen ? STDIN_FILENO : -1,
					POLLIN, 0 };
		if (!out_open && inlen)
			p[1] = (struct pollfd){ master, POLLOUT, 0 };
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		if (p[0].revents & POLLIN) {
			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGWINCH)
					copy_winsize(master);
				else if (si.ssi_signo != SIGCHLD)
					kill(child, si.ssi_signo);
			}
			if (waitpid(child, &status, WNOHANG) == child)
				break;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(master, out, sizeof(out));

			if (n > 0)
				box_write_all(STDOUT_FILENO, out, n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				out_open = false; /* EIO: no slave left open */
		}
		if (inlen && (p[1].revents & POLLOUT)) {
			ssize_t n = write(master, in + inoff, inlen);

			if (n > 0) {
				inoff += n;
				inlen -= n;
			} else if (n < 0 && errno != EINTR && errno != EAGAIN) {
				inlen = 0;
			}
		}
		if (p[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(STDIN_FILENO, in, sizeof(in));

			inoff = 0;
			if (n > 0) {
				inlen = n;
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				/*
				 * End of the caller's input: type the end-of-file
				 * character, as a user at a terminal would.
				 */
				in_open = false;
				if (tcgetattr(master, &t) == 0 && t.c_cc[VEOF]) {
					in[0] = t.c_cc[VEOF];
					inlen = 1;
				}
			}
		}
	}
	drain(master);
	if (raw)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
	close(sfd);
	if (err) {
		errno = err;
		return -1;
	}
	return status;
}
