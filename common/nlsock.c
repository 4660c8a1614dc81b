#include "netlink.h"

#include <errno.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/uio.h>

ssize_t nl_sock_send(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};

	return sendto(fd, buf, len, 0, (struct sockaddr *)&kernel,
		      sizeof(kernel));
}

ssize_t nl_sock_recv(int fd, void *buf, size_t len)
{
	struct sockaddr_nl from = {0};
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	struct msghdr m = {.msg_name = &from,
			   .msg_namelen = sizeof(from),
			   .msg_iov = &iov,
			   .msg_iovlen = 1};
	ssize_t n = recvmsg(fd, &m, 0);

	if (n < 0)
		return -1;
	if (m.msg_flags & MSG_TRUNC) {
		errno = ENOSPC;
		return -1;
	}
	/* only the kernel (port 0) answers our requests */
	if (m.msg_namelen != sizeof(from) || from.nl_family != AF_NETLINK ||
	    from.nl_pid != 0)
		return 0;
	return n;
}
