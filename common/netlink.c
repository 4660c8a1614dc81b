/* boxutils-pkgs: libmnl */
#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
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

/* --- rtnetlink ---------------------------------------------------------- */

int nl_open(struct nl *nl)
{
	int one = 1, err;

	nl->ext[0] = '\0';
	nl->seq = 0;
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		return -errno;
	/* Extended acks (4.12+) carry the kernel's reason as text; capped
	 * acks leave our request out of the error reply.  Older kernels
	 * refuse the options and still answer with a plain errno. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return -err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
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
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

const char *nl_ext(const struct nl *nl)
{
	return nl->ext[0] ? nl->ext : NULL;
}

static struct nlmsghdr *nl_msg(struct nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *h = mnl_nlmsg_put_header(nl->req);

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++nl->seq;
	return h;
}

/* The status in an NLMSG_ERROR reply, keeping the kernel's text. */
static int nl_ack(struct nl *nl, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
	const struct nlattr *a;
	size_t off = sizeof(*e);

	if (h->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return -EBADMSG;
	if (e->error && (h->nlmsg_flags & NLM_F_ACK_TLVS)) {
		/* Uncapped, the kernel echoes our request before the TLVs. */
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (mnl_nlmsg_size(off) > h->nlmsg_len)
			return e->error;
		mnl_attr_for_each(a, h, off)
		{
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(nl->ext, sizeof(nl->ext), "%s",
					 mnl_attr_get_str(a));
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
	const struct nlmsghdr *req = (const struct nlmsghdr *)nl->req;
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	nl->ext[0] = '\0';
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(nl->sock, nl->resp, sizeof(nl->resp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		len = n;
		for (h = (struct nlmsghdr *)nl->resp; mnl_nlmsg_ok(h, len);
		     h = mnl_nlmsg_next(h, &len)) {
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

static struct ifinfomsg *put_ifinfo(struct nlmsghdr *h, int index)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(h, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	return ifi;
}

static int link_reply(const struct nlmsghdr *h, void *data)
{
	struct nl_link *l = data;
	const struct ifinfomsg *ifi;
	const struct nlattr *a, *b;

	if (h->nlmsg_type != RTM_NEWLINK ||
	    h->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return -1;
	ifi = mnl_nlmsg_get_payload(h);
	l->index = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	mnl_attr_for_each(a, h, sizeof(*ifi))
	{
		switch (mnl_attr_get_type(a)) {
		case IFLA_LINK:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				l->link = mnl_attr_get_u32(a);
			break;
		case IFLA_LINKINFO:
			mnl_attr_for_each_nested(b, a)
			{
				if (mnl_attr_get_type(b) == IFLA_INFO_KIND &&
				    mnl_attr_validate(b, MNL_TYPE_STRING) == 0)
					snprintf(
					    l->kind, sizeof(l->kind), "%.*s",
					    (int)mnl_attr_get_payload_len(b),
					    mnl_attr_get_str(b));
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
	struct nlmsghdr *h = nl_msg(nl, RTM_GETLINK, 0);
	int r;

	memset(out, 0, sizeof(*out));
	put_ifinfo(h, index);
	if (index <= 0)
		mnl_attr_put_strz(h, IFLA_IFNAME, name);
	/* statistics would be most of the reply; we want none of them */
	mnl_attr_put_u32(h, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = nl_talk(nl, link_reply, out);
	if (r == 0 && out->index <= 0)
		return -ENODEV;
	return r;
}

/* The kind's rows: the peer of a veth is an ifinfomsg plus attributes,
 * nested inside IFLA_INFO_DATA as VETH_INFO_PEER. */
int nl_veth_create(struct nl *nl, const struct nl_veth *v)
{
	struct nlmsghdr *h = nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *data, *peer;
	struct ifinfomsg *ifi;

	ifi = put_ifinfo(h, 0);
	mnl_attr_put_strz(h, IFLA_IFNAME, v->name);
	if (v->mtu)
		mnl_attr_put_u32(h, IFLA_MTU, v->mtu);
	if (v->mac)
		mnl_attr_put(h, IFLA_ADDRESS, 6, v->mac);
	if (v->master)
		mnl_attr_put_u32(h, IFLA_MASTER, v->master);
	info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
	put_ifinfo(h, 0);
	if (v->peer)
		mnl_attr_put_strz(h, IFLA_IFNAME, v->peer);
	if (v->peer_nsfd >= 0)
		mnl_attr_put_u32(h, IFLA_NET_NS_FD, v->peer_nsfd);
	else if (v->peer_pid > 0)
		mnl_attr_put_u32(h, IFLA_NET_NS_PID, v->peer_pid);
	if (v->mtu)
		mnl_attr_put_u32(h, IFLA_MTU, v->mtu);
	if (v->peer_mac)
		mnl_attr_put(h, IFLA_ADDRESS, 6, v->peer_mac);
	mnl_attr_nest_end(h, peer);
	mnl_attr_nest_end(h, data);
	mnl_attr_nest_end(h, info);
	/* The host end comes up in this request: its flags are applied
	 * once the pair is whole.  The peer's would be applied before its
	 * partner exists, and opening a veth without one is ENOTCONN. */
	if (v->up)
		ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	return nl_talk(nl, NULL, NULL);
}

int nl_bridge_create(struct nl *nl, const char *name)
{
	struct nlmsghdr *h = nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = put_ifinfo(h, 0);
	struct nlattr *info;

	ifi->ifi_flags = ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(h, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(h, IFLA_LINKINFO);
	mnl_attr_put_strz(h, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(h, info);
	return nl_talk(nl, NULL, NULL);
}

int nl_link_set_up(struct nl *nl, int index, bool up)
{
	struct nlmsghdr *h = nl_msg(nl, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = put_ifinfo(h, index);

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return nl_talk(nl, NULL, NULL);
}

int nl_link_del(struct nl *nl, int index, const char *name)
{
	struct nlmsghdr *h = nl_msg(nl, RTM_DELLINK, 0);

	put_ifinfo(h, index);
	if (index <= 0)
		mnl_attr_put_strz(h, IFLA_IFNAME, name);
	return nl_talk(nl, NULL, NULL);
}

int nl_addr_add(struct nl *nl, int index, const struct cidr *c, bool replace)
{
	struct nlmsghdr *h =
	    nl_msg(nl, RTM_NEWADDR,
		   NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL));
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	unsigned int len = cidr_addr_len(c);

	ifa->ifa_family = c->family;
	ifa->ifa_prefixlen = c->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = index;
	if (c->family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(h, IFA_LOCAL, len, c->addr);
	mnl_attr_put(h, IFA_ADDRESS, len, c->addr);
	return nl_talk(nl, NULL, NULL);
}

int nl_route_add_default(struct nl *nl, int index, const struct cidr *gw)
{
	struct nlmsghdr *h =
	    nl_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rt = mnl_nlmsg_put_extra_header(h, sizeof(*rt));

	rt->rtm_family = gw->family;
	rt->rtm_dst_len = 0;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	mnl_attr_put(h, RTA_GATEWAY, cidr_addr_len(gw), gw->addr);
	mnl_attr_put_u32(h, RTA_OIF, index);
	return nl_talk(nl, NULL, NULL);
}
