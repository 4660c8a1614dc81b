#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* --- pure parsers -------------------------------------------------------- */

unsigned int cidr_addr_len(const struct cidr *c)
{
	return c->family == AF_INET ? 4 : 16;
}

int addr_parse(const char *s, struct cidr *out)
{
	memset(out, 0, sizeof(*out));
	if (!s || !*s || strlen(s) >= INET6_ADDRSTRLEN)
		goto bad;
	/* glibc's inet_pton is strict: dotted quad only, no leading
	 * zeros, no "%zone" suffix; exactly what a user should type. */
	if (inet_pton(AF_INET, s, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
		return 0;
	}
bad:
	errno = EINVAL;
	return -1;
}

int cidr_parse(const char *s, struct cidr *out)
{
	char a[INET6_ADDRSTRLEN];
	const char *slash, *q;
	unsigned int p = 0;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!s || !(slash = strchr(s, '/')))
		goto bad;
	n = slash - s;
	if (n == 0 || n >= sizeof(a))
		goto bad;
	memcpy(a, s, n);
	a[n] = '\0';
	if (addr_parse(a, out) < 0)
		goto bad;
	q = slash + 1;
	if (*q == '\0' || (q[0] == '0' && q[1] != '\0'))
		goto bad;
	for (; *q; q++) {
		if (*q < '0' || *q > '9')
			goto bad;
		if (p <= 128)
			p = p * 10 + (*q - '0');
	}
	if (p > (out->family == AF_INET ? 32u : 128u)) {
		errno = ERANGE;
		return -1;
	}
	out->prefix = p;
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	errno = EINVAL;
	return -1;
}

const char *addr_str(const struct cidr *c, char *buf, size_t size)
{
	if (!inet_ntop(c->family, c->addr, buf, size))
		snprintf(buf, size, "?");
	return buf;
}

const char *cidr_str(const struct cidr *c, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	snprintf(buf, size, "%s/%u", addr_str(c, a, sizeof(a)), c->prefix);
	return buf;
}

const char *ifname_problem(const char *s)
{
	const unsigned char *p;

	if (!s || !*s)
		return "empty";
	if (strlen(s) >= IFNAMSIZ)
		return "longer than 15 bytes";
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return "'.' and '..' are reserved";
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '/')
			return "contains '/'";
		if (*p == ':')
			return "contains ':'";
		/* the kernel's isspace() also counts 0xa0 (Latin-1 NBSP) */
		if (*p == ' ' || (*p >= '\t' && *p <= '\r') || *p == 0xa0)
			return "contains whitespace";
		if (*p < 0x20 || *p == 0x7f)
			return "contains a control character";
	}
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mac_parse(const char *s, unsigned char mac[6])
{
	unsigned int i, any = 0;
	int hi, lo;

	if (!s || strlen(s) != 17)
		goto bad;
	for (i = 0; i < 6; i++) {
		hi = hexval(s[3 * i]);
		lo = hexval(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			goto bad;
		mac[i] = hi << 4 | lo;
		any |= mac[i];
	}
	if ((mac[0] & 1) || !any) {
		errno = EDOM;
		return -1;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* --- netlink messages ---------------------------------------------------- */

/*
 * A request is built in nl->req: a header, then an extra header of the
 * family (ifinfomsg...), then attributes, each 4-byte aligned as the
 * kernel's NLMSG_ALIGN and NLA_ALIGN have it.  Room is checked at every
 * put; a request that would not fit is marked and never sent (nl_talk
 * answers -EMSGSIZE), so a caller writes no bounds checks of its own.
 */
static struct nlmsghdr *req_hdr(struct nl *nl)
{
	return (struct nlmsghdr *)(void *)nl->req;
}

/* len bytes, zeroed, at the tail of the request; NULL when full. */
static void *put(struct nl *nl, size_t len)
{
	struct nlmsghdr *h = req_hdr(nl);
	size_t at = NLMSG_ALIGN(h->nlmsg_len), n = NLMSG_ALIGN(len);

	if (nl->too_long || at > sizeof(nl->req) || n > sizeof(nl->req) - at) {
		nl->too_long = true;
		return NULL;
	}
	memset(nl->req + at, 0, n);
	h->nlmsg_len = (uint32_t)(at + n);
	return nl->req + at;
}

/* The family's header after the message's (or inside a nest); on a full
 * request a scratch area, so that the caller's writes go nowhere. */
static void *put_extra(struct nl *nl, size_t len)
{
	static char scratch[64] __attribute__((aligned(8)));
	void *p = len <= sizeof(scratch) ? put(nl, len) : NULL;

	if (!p) {
		nl->too_long = true;
		memset(scratch, 0, sizeof(scratch));
		return scratch;
	}
	return p;
}

static void attr_put(struct nl *nl, uint16_t type, size_t len, const void *data)
{
	struct nlattr *a;

	if (len > UINT16_MAX - NLA_HDRLEN) {
		nl->too_long = true;
		return;
	}
	a = put(nl, NLA_HDRLEN + len);
	if (!a)
		return;
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
}

static void attr_put_u32(struct nl *nl, uint16_t type, uint32_t v)
{
	attr_put(nl, type, sizeof(v), &v);
}

/* A string with its NUL, as the kernel's NLA_NUL_STRING wants. */
static void attr_put_str(struct nl *nl, uint16_t type, const char *s)
{
	attr_put(nl, type, strlen(s) + 1, s);
}

/* A nest opens as an empty attribute; its end sets its length to hold
 * everything put since.  The offset, not a pointer: put may not move
 * anything, but an offset cannot dangle either way. */
static size_t nest_start(struct nl *nl, uint16_t type)
{
	size_t at = NLMSG_ALIGN(req_hdr(nl)->nlmsg_len);

	attr_put(nl, type | NLA_F_NESTED, 0, NULL);
	return at;
}

static void nest_end(struct nl *nl, size_t at)
{
	struct nlattr *a = (struct nlattr *)(void *)(nl->req + at);
	size_t len = req_hdr(nl)->nlmsg_len - at;

	if (nl->too_long)
		return;
	if (len > UINT16_MAX) {
		nl->too_long = true;
		return;
	}
	a->nla_len = (uint16_t)len;
}

/*
 * Reading: attributes from start for len bytes, each checked to lie
 * inside what is left before it is looked at (a reply is the kernel's,
 * but a reader that trusts lengths is one bug away from reading past
 * the buffer).
 */
static bool attr_ok(const struct nlattr *a, long left)
{
	return left >= (long)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       (long)a->nla_len <= left;
}

static const struct nlattr *attr_next(const struct nlattr *a, long *left)
{
	long n = (long)NLA_ALIGN(a->nla_len);

	*left -= n;
	return (const struct nlattr *)(const void *)((const char *)a + n);
}

#define for_each_attr(a, left, start, len)                                     \
	for ((a) = (const struct nlattr *)(const void *)(start),               \
	    (left) = (long)(len);                                              \
	     attr_ok((a), (left)); (a) = attr_next((a), &(left)))

static uint16_t attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static const char *attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static size_t attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* A NUL-terminated string attribute, or NULL. */
static const char *attr_strz(const struct nlattr *a)
{
	size_t n = attr_len(a);

	return n && attr_data(a)[n - 1] == '\0' ? attr_data(a) : NULL;
}

static bool attr_u32(const struct nlattr *a, uint32_t *v)
{
	if (attr_len(a) < sizeof(*v))
		return false;
	memcpy(v, attr_data(a), sizeof(*v));
	return true;
}

/* The attributes of message h after its family header of hdr bytes. */
static const void *msg_attrs(const struct nlmsghdr *h, size_t hdr, long *len)
{
	size_t at = NLMSG_HDRLEN + NLMSG_ALIGN(hdr);

	*len = h->nlmsg_len > at ? (long)(h->nlmsg_len - at) : 0;
	return (const char *)h + at;
}

/* --- rtnetlink ---------------------------------------------------------- */

int nl_open(struct nl *nl)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	socklen_t salen = sizeof(sa);
	int one = 1, err;

	nl->ext[0] = '\0';
	nl->seq = 0;
	nl->open = false;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return -errno;
	/* Extended acks (4.12+) carry the kernel's reason as text; capped
	 * acks leave our request out of the error reply.  Older kernels
	 * refuse the options and still answer with a plain errno. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* port 0: the kernel picks one, which getsockname tells */
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(nl->fd, (struct sockaddr *)&sa, &salen) < 0) {
		err = errno;
		close(nl->fd);
		return -err;
	}
	nl->portid = sa.nl_pid;
	nl->open = true;
	return 0;
}

/*
 * Why enter the namespace in this process instead of forking a child
 * that setns()es and does the work there: a netlink socket belongs to
 * the namespace it was created in, for its whole life, whichever
 * namespace its owner moves to later.  So one trip in and straight back
 * (through an fd of our own namespace, opened first) leaves us holding a
 * socket for each side; everything after is plain requests from one
 * process, with no fork, no pipe to carry errors home, and the undo of a
 * half-made pair can run against either side.
 */
int nl_open_in(struct nl *nl, int nsfd)
{
	int self, r, err;

	self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -errno;
	if (setns(nsfd, CLONE_NEWNET) < 0) {
		err = errno;
		close(self);
		return -err;
	}
	r = nl_open(nl);
	if (setns(self, CLONE_NEWNET) < 0) {
		err = errno;
		close(self);
		if (r == 0)
			nl_close(nl);
		return -err;
	}
	close(self);
	return r;
}

void nl_close(struct nl *nl)
{
	if (nl->open)
		close(nl->fd);
	nl->open = false;
}

const char *nl_ext(const struct nl *nl)
{
	return nl->ext[0] ? nl->ext : NULL;
}

static struct nlmsghdr *nl_msg(struct nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *h = req_hdr(nl);

	memset(h, 0, sizeof(*h));
	h->nlmsg_len = NLMSG_HDRLEN;
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++nl->seq;
	nl->too_long = false;
	return h;
}

/* The status in an NLMSG_ERROR reply, keeping the kernel's text. */
static int nl_ack(struct nl *nl, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	const struct nlattr *a;
	size_t off = sizeof(*e);
	const void *start;
	long left, len;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EBADMSG;
	if (e->error && (h->nlmsg_flags & NLM_F_ACK_TLVS)) {
		/* Uncapped, the kernel echoes our request before the TLVs. */
		if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < NLMSG_HDRLEN)
				return e->error;
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		}
		start = msg_attrs(h, off, &len);
		for_each_attr(a, left, start, len)
		{
			const char *text = attr_strz(a);

			if (attr_type(a) == NLMSGERR_ATTR_MSG && text)
				snprintf(nl->ext, sizeof(nl->ext), "%s", text);
		}
	}
	return e->error;
}

typedef int (*nl_reply_fn)(const struct nlmsghdr *h, void *data);

/*
 * Send the request in nl->req and read until its ACK; replies before the
 * ACK (to a GET) go to fn.  Returns 0 or the kernel's negative errno.
 */
static int nl_talk(struct nl *nl, nl_reply_fn fn, void *data)
{
	const struct nlmsghdr *req = req_hdr(nl);
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	nl->ext[0] = '\0';
	if (nl->too_long)
		return -EMSGSIZE;
	if (nl_sock_send(nl->fd, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = nl_sock_recv(nl->fd, nl->resp, sizeof(nl->resp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		len = (int)n;
		for (h = (struct nlmsghdr *)(void *)nl->resp; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			/* a reply to an earlier request we gave up on */
			if (h->nlmsg_seq != req->nlmsg_seq ||
			    h->nlmsg_pid != nl->portid)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return nl_ack(nl, h);
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (fn && fn(h, data) < 0)
				return -EBADMSG;
		}
	}
}

static struct ifinfomsg *put_ifinfo(struct nl *nl, int index)
{
	struct ifinfomsg *ifi = put_extra(nl, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	return ifi;
}

static int link_reply(const struct nlmsghdr *h, void *data)
{
	struct nl_link *l = data;
	const struct ifinfomsg *ifi;
	const struct nlattr *a, *b;
	const void *start;
	long left, left2, len;
	uint32_t v;

	if (h->nlmsg_type != RTM_NEWLINK ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -1;
	ifi = NLMSG_DATA(h);
	l->index = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	start = msg_attrs(h, sizeof(*ifi), &len);
	for_each_attr(a, left, start, len)
	{
		switch (attr_type(a)) {
		case IFLA_LINK:
			if (attr_u32(a, &v))
				l->link = (int)v;
			break;
		case IFLA_MASTER:
			if (attr_u32(a, &v))
				l->master = (int)v;
			break;
		case IFLA_IFALIAS:
			if (attr_len(a) > 0)
				snprintf(l->alias, sizeof(l->alias), "%.*s",
					 (int)attr_len(a), attr_data(a));
			break;
		case IFLA_MTU:
			if (attr_u32(a, &v))
				l->mtu = v;
			break;
		case IFLA_ADDRESS:
			if (attr_len(a) == sizeof(l->mac))
				memcpy(l->mac, attr_data(a), sizeof(l->mac));
			break;
		case IFLA_LINKINFO:
			for_each_attr(b, left2, attr_data(a), attr_len(a))
			{
				if (attr_type(b) == IFLA_INFO_KIND &&
				    attr_len(b) > 0)
					snprintf(l->kind, sizeof(l->kind),
						 "%.*s", (int)attr_len(b),
						 attr_data(b));
			}
			break;
		}
	}
	return 0;
}

int nl_link_get(struct nl *nl, const char *name, struct nl_link *out)
{
	return nl_link_get_index(nl, 0, name, out);
}

int nl_link_get_index(struct nl *nl, int index, const char *name,
		      struct nl_link *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	nl_msg(nl, RTM_GETLINK, 0);
	put_ifinfo(nl, index);
	if (index <= 0 && name)
		attr_put_str(nl, IFLA_IFNAME, name);
	/* statistics would be most of the reply; we want none of them */
	attr_put_u32(nl, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = nl_talk(nl, link_reply, out);
	if (r == 0 && out->index <= 0)
		return -ENODEV;
	return r;
}

/* The kind's rows: the peer of a veth is an ifinfomsg plus attributes,
 * nested inside IFLA_INFO_DATA as VETH_INFO_PEER. */
int nl_veth_create(struct nl *nl, const struct nl_veth *v)
{
	size_t info, data, peer;
	struct ifinfomsg *ifi;

	nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = put_ifinfo(nl, 0);
	attr_put_str(nl, IFLA_IFNAME, v->name);
	if (v->mtu)
		attr_put_u32(nl, IFLA_MTU, v->mtu);
	if (v->mac)
		attr_put(nl, IFLA_ADDRESS, 6, v->mac);
	if (v->master)
		attr_put_u32(nl, IFLA_MASTER, (uint32_t)v->master);
	info = nest_start(nl, IFLA_LINKINFO);
	attr_put_str(nl, IFLA_INFO_KIND, "veth");
	data = nest_start(nl, IFLA_INFO_DATA);
	peer = nest_start(nl, VETH_INFO_PEER);
	put_ifinfo(nl, 0);
	if (v->peer)
		attr_put_str(nl, IFLA_IFNAME, v->peer);
	if (v->peer_nsfd >= 0)
		attr_put_u32(nl, IFLA_NET_NS_FD, (uint32_t)v->peer_nsfd);
	else if (v->peer_pid > 0)
		attr_put_u32(nl, IFLA_NET_NS_PID, (uint32_t)v->peer_pid);
	if (v->mtu)
		attr_put_u32(nl, IFLA_MTU, v->mtu);
	if (v->peer_mac)
		attr_put(nl, IFLA_ADDRESS, 6, v->peer_mac);
	nest_end(nl, peer);
	nest_end(nl, data);
	nest_end(nl, info);
	/* The host end comes up in this request: its flags are applied
	 * once the pair is whole.  The peer's would be applied before its
	 * partner exists, and opening a veth without one is ENOTCONN. */
	if (v->up)
		ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	return nl_talk(nl, NULL, NULL);
}

int nl_bridge_create(struct nl *nl, const char *name)
{
	struct ifinfomsg *ifi;
	size_t info;

	nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = put_ifinfo(nl, 0);
	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	attr_put_str(nl, IFLA_IFNAME, name);
	info = nest_start(nl, IFLA_LINKINFO);
	attr_put_str(nl, IFLA_INFO_KIND, "bridge");
	nest_end(nl, info);
	return nl_talk(nl, NULL, NULL);
}

int nl_link_set_up(struct nl *nl, int index, bool up)
{
	struct ifinfomsg *ifi;

	nl_msg(nl, RTM_NEWLINK, 0);
	ifi = put_ifinfo(nl, index);
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return nl_talk(nl, NULL, NULL);
}

int nl_link_set_alias(struct nl *nl, int index, const char *alias)
{
	nl_msg(nl, RTM_NEWLINK, 0);
	put_ifinfo(nl, index);
	attr_put(nl, IFLA_IFALIAS, strlen(alias), alias);
	return nl_talk(nl, NULL, NULL);
}

int nl_link_del(struct nl *nl, int index, const char *name)
{
	nl_msg(nl, RTM_DELLINK, 0);
	put_ifinfo(nl, index);
	if (index <= 0 && name)
		attr_put_str(nl, IFLA_IFNAME, name);
	return nl_talk(nl, NULL, NULL);
}

/*
 * Why a child sends the request: RTM_DELLINK unlists the device at once
 * (the name is free, the notification goes out, a new link of that name
 * can be made), and then, still inside the sender's sendmsg(), waits
 * for every reference to the device to drop (netdev_run_todo: an RCU
 * barrier and a polling sleep) - some 20 ms of a CNI DEL that has
 * nothing left to do by then.  The child's syscall pays it; this process
 * learns from the notification (or from the ACK, on an error) that the
 * link is gone and goes on.  The orphaned child is reaped by init or
 * the runtime's subreaper.
 */
int nl_link_del_early(struct nl *nl, int index)
{
	const struct nlmsghdr *req;
	int grp = RTNLGRP_LINK, len;
	struct nlmsghdr *h;
	pid_t pid;
	ssize_t n;

	nl_msg(nl, RTM_DELLINK, 0);
	put_ifinfo(nl, index);
	req = req_hdr(nl);
	nl->ext[0] = '\0';
	if (nl->too_long)
		return -EMSGSIZE;
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) < 0)
		return nl_talk(nl, NULL, NULL);
	pid = fork();
	if (pid < 0) {
		setsockopt(nl->fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &grp,
			   sizeof(grp));
		return nl_talk(nl, NULL, NULL);
	}
	if (pid == 0) {
		/* the runtime reads our stdout to its end: not the child's */
		close(0);
		close(1);
		close(2);
		_exit(nl_sock_send(nl->fd, req, req->nlmsg_len) < 0);
	}
	for (;;) {
		n = nl_sock_recv(nl->fd, nl->resp, sizeof(nl->resp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		len = (int)n;
		for (h = (struct nlmsghdr *)(void *)nl->resp; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			const struct ifinfomsg *ifi = NLMSG_DATA(h);

			if (h->nlmsg_type == RTM_DELLINK &&
			    h->nlmsg_len >= NLMSG_LENGTH(sizeof(*ifi)) &&
			    ifi->ifi_index == index)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR &&
			    h->nlmsg_seq == req->nlmsg_seq &&
			    h->nlmsg_pid == nl->portid)
				return nl_ack(nl, h);
		}
	}
}

int nl_addr_add(struct nl *nl, int index, const struct cidr *c, bool replace)
{
	unsigned int len = cidr_addr_len(c);
	struct ifaddrmsg *ifa;

	nl_msg(nl, RTM_NEWADDR,
	       NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL));
	ifa = put_extra(nl, sizeof(*ifa));

	ifa->ifa_family = c->family;
	ifa->ifa_prefixlen = c->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = index;
	if (c->family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	attr_put(nl, IFA_LOCAL, len, c->addr);
	attr_put(nl, IFA_ADDRESS, len, c->addr);
	return nl_talk(nl, NULL, NULL);
}

int nl_route_add_default(struct nl *nl, int index, const struct cidr *gw)
{
	return nl_route_add(nl, index, NULL, gw);
}

int nl_route_add(struct nl *nl, int index, const struct cidr *dst,
		 const struct cidr *gw)
{
	const struct cidr *fam = dst ? dst : gw;
	struct rtmsg *rt;

	if (!fam)
		return -EINVAL;
	nl_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	rt = put_extra(nl, sizeof(*rt));

	rt->rtm_family = fam->family;
	rt->rtm_dst_len = dst ? dst->prefix : 0;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	/* without a gateway the destination is on the link itself */
	rt->rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rt->rtm_type = RTN_UNICAST;
	if (dst && dst->prefix)
		attr_put(nl, RTA_DST, cidr_addr_len(dst), dst->addr);
	if (gw)
		attr_put(nl, RTA_GATEWAY, cidr_addr_len(gw), gw->addr);
	attr_put_u32(nl, RTA_OIF, (uint32_t)index);
	return nl_talk(nl, NULL, NULL);
}

/* What a route or address dump is searched for, and whether it was seen. */
struct nl_want {
	int family;
	int index;
	unsigned int prefix;
	const unsigned char *addr; /* dst or local address; NULL: default */
	const unsigned char *gw;   /* NULL: any */
	bool found;
};

static bool same_addr(const struct nlattr *a, const unsigned char *want,
		      int family)
{
	size_t n = family == AF_INET ? 4 : 16;

	return attr_len(a) == n && !memcmp(attr_data(a), want, n);
}

static int route_reply(const struct nlmsghdr *h, void *data)
{
	struct nl_want *w = data;
	const struct rtmsg *rt;
	const struct nlattr *a;
	bool dst_ok, gw_ok, oif_ok;
	const void *start;
	long left, len;
	uint32_t v;

	if (h->nlmsg_type != RTM_NEWROUTE ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*rt)))
		return 0;
	rt = NLMSG_DATA(h);
	if (rt->rtm_family != w->family || rt->rtm_dst_len != w->prefix ||
	    rt->rtm_table != RT_TABLE_MAIN)
		return 0;
	/* a default route has no RTA_DST */
	dst_ok = w->prefix == 0;
	gw_ok = !w->gw;
	oif_ok = !w->index;
	start = msg_attrs(h, sizeof(*rt), &len);
	for_each_attr(a, left, start, len)
	{
		switch (attr_type(a)) {
		case RTA_DST:
			dst_ok = w->prefix && same_addr(a, w->addr, w->family);
			break;
		case RTA_GATEWAY:
			gw_ok = !w->gw || same_addr(a, w->gw, w->family);
			break;
		case RTA_OIF:
			oif_ok = !w->index ||
				 (attr_u32(a, &v) && (int)v == w->index);
			break;
		}
	}
	if (dst_ok && gw_ok && oif_ok)
		w->found = true;
	return 0;
}

int nl_route_find(struct nl *nl, int index, const struct cidr *dst,
		  const struct cidr *gw)
{
	struct nl_want w = {
	    .family = dst ? dst->family : gw->family,
	    .index = index,
	    .prefix = dst ? dst->prefix : 0,
	    .addr = dst ? dst->addr : NULL,
	    .gw = gw ? gw->addr : NULL,
	};
	struct rtmsg *rt;
	int r;

	nl_msg(nl, RTM_GETROUTE, NLM_F_DUMP);
	rt = put_extra(nl, sizeof(*rt));
	rt->rtm_family = w.family;
	r = nl_talk(nl, route_reply, &w);
	if (r < 0)
		return r;
	return w.found ? 0 : -ENOENT;
}

static int addr_reply(const struct nlmsghdr *h, void *data)
{
	struct nl_want *w = data;
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	const void *start;
	long left, len;

	if (h->nlmsg_type != RTM_NEWADDR ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return 0;
	ifa = NLMSG_DATA(h);
	if (ifa->ifa_family != w->family || (int)ifa->ifa_index != w->index ||
	    ifa->ifa_prefixlen != w->prefix)
		return 0;
	start = msg_attrs(h, sizeof(*ifa), &len);
	for_each_attr(a, left, start, len)
	{
		if ((attr_type(a) == IFA_LOCAL ||
		     attr_type(a) == IFA_ADDRESS) &&
		    same_addr(a, w->addr, w->family))
			w->found = true;
	}
	return 0;
}

int nl_addr_find(struct nl *nl, int index, const struct cidr *c)
{
	struct nl_want w = {
	    .family = c->family,
	    .index = index,
	    .prefix = c->prefix,
	    .addr = c->addr,
	};
	struct ifaddrmsg *ifa;
	int r;

	nl_msg(nl, RTM_GETADDR, NLM_F_DUMP);
	ifa = put_extra(nl, sizeof(*ifa));
	ifa->ifa_family = c->family;
	r = nl_talk(nl, addr_reply, &w);
	if (r < 0)
		return r;
	return w.found ? 0 : -ENOENT;
}

int nl_brport_hairpin(struct nl *nl, int index, bool on)
{
	struct ifinfomsg *ifi;
	uint8_t v = on;
	size_t info;

	/* Port flags are the bridge's: family AF_BRIDGE, in IFLA_PROTINFO. */
	nl_msg(nl, RTM_SETLINK, 0);
	ifi = put_ifinfo(nl, index);
	ifi->ifi_family = AF_BRIDGE;
	info = nest_start(nl, IFLA_PROTINFO);
	attr_put(nl, IFLA_BRPORT_MODE, sizeof(v), &v);
	nest_end(nl, info);
	return nl_talk(nl, NULL, NULL);
}

struct addr_walk {
	nl_addr_fn fn;
	void *data;
};

static int addr_list_reply(const struct nlmsghdr *h, void *data)
{
	const struct addr_walk *w = data;
	const struct ifaddrmsg *ifa;
	const struct nlattr *a;
	const void *start;
	long left, len;
	struct cidr c;
	bool have_local = false, have_addr = false;
	unsigned char local[16], addr[16];
	unsigned int alen;

	if (h->nlmsg_type != RTM_NEWADDR ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)))
		return 0;
	ifa = NLMSG_DATA(h);
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 0;
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	start = msg_attrs(h, sizeof(*ifa), &len);
	for_each_attr(a, left, start, len)
	{
		if (attr_len(a) != alen)
			continue;
		if (attr_type(a) == IFA_LOCAL) {
			memcpy(local, attr_data(a), alen);
			have_local = true;
		} else if (attr_type(a) == IFA_ADDRESS) {
			memcpy(addr, attr_data(a), alen);
			have_addr = true;
		}
	}
	/* On a point-to-point link IFA_ADDRESS is the peer's: the local
	 * address is ours when the kernel gives both. */
	if (!have_local && !have_addr)
		return 0;
	memset(&c, 0, sizeof(c));
	c.family = ifa->ifa_family;
	c.prefix = ifa->ifa_prefixlen;
	memcpy(c.addr, have_local ? local : addr, alen);
	w->fn(&c, (int)ifa->ifa_index, ifa->ifa_scope, w->data);
	return 0;
}

int nl_addr_list(struct nl *nl, nl_addr_fn fn, void *data)
{
	struct addr_walk w = {fn, data};
	struct ifaddrmsg *ifa;

	nl_msg(nl, RTM_GETADDR, NLM_F_DUMP);
	ifa = put_extra(nl, sizeof(*ifa));
	ifa->ifa_family = AF_UNSPEC;
	return nl_talk(nl, addr_list_reply, &w);
}
