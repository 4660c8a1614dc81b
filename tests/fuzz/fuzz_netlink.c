/*
 * fuzz_netlink - libFuzzer harness for the rtnetlink messages
 * common/netlink.c builds, and for its reading of the kernel's replies.
 *
 * No socket is opened: this file defines nl_sock_send() and
 * nl_sock_recv() itself, so the linker leaves common/nlsock.o out of the
 * archive, and each request is caught as it would leave and each "reply"
 * comes from the fuzz input (with its sequence number and port patched in
 * so the parser looks at it), followed by an ACK or an error.  libmnl,
 * which common/ does not use, reads the requests back here: a second,
 * independent reader of what common/netlink.c writes.
 *
 * Properties, each an abort() when broken:
 *   - a request is one well-formed netlink message inside nl->req: every
 *     attribute, nested ones too, lies within its parent and the
 *     message; the names, MTU, MACs, namespace and addresses read back
 *     from it are the ones asked for; a veth's peer is an ifinfomsg plus
 *     attributes inside IFLA_INFO_DATA/VETH_INFO_PEER;
 *   - whatever the reply bytes, the status is the ACK's once it is read, the
 *     extended-ack text is NUL-terminated inside nl->ext, and a link
 *     read back has a kind that is a NUL-terminated string.
 * Only names ifname_problem() accepts are used, as veth-link checks them
 * first.
 */
#include "netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PORTID 4242

static struct {
	const uint8_t *reply;	/* fuzz bytes served by the first recv */
	size_t reply_len;
	int recvs;
	int ack;		/* errno for the final ACK (0 = success) */
	int served;		/* what the last recv gave: 1 fuzz, 2 ACK, 3 EIO */
	char req[4096];		/* the last request sent */
	size_t req_len;
} fake;

ssize_t nl_sock_send(int fd, const void *buf, size_t len)
{
	(void)fd;
	if (len > sizeof(fake.req))
		abort();
	memcpy(fake.req, buf, len);
	fake.req_len = len;
	fake.recvs = 0;
	fake.served = 0;
	return len;
}

/*
 * Stamp seq and port on every header the fuzz bytes hold, and make each
 * nlmsg_len fit in what is left, as the kernel's always do (libmnl
 * 1.0.4's mnl_nlmsg_ok() takes a length of 2^31 or more as negative
 * and lets it through; only a kernel could send one).
 */
static void patch(char *buf, size_t len, uint32_t seq)
{
	int left = (int)len;

	for (struct nlmsghdr *h = (struct nlmsghdr *)buf;
	     left >= (int)sizeof(*h);
	     h = mnl_nlmsg_next(h, &left)) {
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > (unsigned)left)
			h->nlmsg_len = left;
		h->nlmsg_seq = seq;
		h->nlmsg_pid = PORTID;
	}
}

ssize_t nl_sock_recv(int fd, void *buf, size_t bufsiz)
{
	const struct nlmsghdr *req = (const struct nlmsghdr *)fake.req;
	struct nlmsghdr *h;
	struct nlmsgerr *e;

	(void)fd;
	if (fake.recvs++ == 0 && fake.reply_len) {
		size_t n = fake.reply_len < bufsiz ? fake.reply_len : bufsiz;

		memcpy(buf, fake.reply, n);
		patch(buf, n, req->nlmsg_seq);
		fake.served = 1;
		return n;
	}
	if (fake.served == 2) {
		fake.served = 3;
		errno = EIO;
		return -1;
	}
	h = mnl_nlmsg_put_header(buf);
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_flags = NLM_F_CAPPED;
	h->nlmsg_seq = req->nlmsg_seq;
	h->nlmsg_pid = PORTID;
	e = mnl_nlmsg_put_extra_header(h, sizeof(*e));
	e->error = -fake.ack;
	e->msg = *req;
	fake.served = 2;
	return h->nlmsg_len;
}

/* Every attribute from off to the end lies inside the message, nested
 * ones inside their parent; returns the number seen. */
static int walk_attrs(const struct nlattr *a, const char *end, int depth)
{
	int n = 0;

	while ((const char *)a < end) {
		if (end - (const char *)a < (long)sizeof(*a) ||
		    a->nla_len < sizeof(*a) ||
		    (const char *)a + a->nla_len > end)
			abort();
		n++;
		if ((a->nla_type & NLA_F_NESTED) && depth < 4) {
			const char *in = mnl_attr_get_payload(a);

			/* IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER holds
			 * an ifinfomsg before its attributes */
			if (depth == 2 && mnl_attr_get_type(a) == VETH_INFO_PEER) {
				if (mnl_attr_get_payload_len(a) <
				    sizeof(struct ifinfomsg))
					abort();
				in += sizeof(struct ifinfomsg);
			}
			n += walk_attrs((const struct nlattr *)in,
					(const char *)a + a->nla_len, depth + 1);
		}
		a = (const struct nlattr *)((const char *)a +
					    MNL_ALIGN(a->nla_len));
	}
	return n;
}

/* The request: one message, attributes after a header of hdr bytes. */
static const struct nlmsghdr *check_req(size_t hdr)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)fake.req;

	if (fake.req_len < sizeof(*h) || h->nlmsg_len != fake.req_len ||
	    !(h->nlmsg_flags & NLM_F_ACK) || !(h->nlmsg_flags & NLM_F_REQUEST))
		abort();
	if (mnl_nlmsg_size(hdr) > h->nlmsg_len)
		abort();
	walk_attrs((const struct nlattr *)((const char *)h + mnl_nlmsg_size(hdr)),
		   (const char *)h + h->nlmsg_len, 0);
	return h;
}

/* The first attribute of type in [a, end), or NULL. */
static const struct nlattr *find(const void *start, const void *end,
				 uint16_t type)
{
	const struct nlattr *a = start;

	while ((const char *)a < (const char *)end) {
		if (mnl_attr_get_type(a) == type)
			return a;
		a = (const struct nlattr *)((const char *)a +
					    MNL_ALIGN(a->nla_len));
	}
	return NULL;
}

static const void *attrs_end(const struct nlattr *a)
{
	return (const char *)a + a->nla_len;
}

static void want_str(const struct nlattr *a, const char *s)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 ||
	    strcmp(mnl_attr_get_str(a), s))
		abort();
}

static void want_u32(const struct nlattr *a, uint32_t v)
{
	if (!a || mnl_attr_get_payload_len(a) != 4 || mnl_attr_get_u32(a) != v)
		abort();
}

static void want_mac(const struct nlattr *a, const unsigned char *mac)
{
	if (!a || mnl_attr_get_payload_len(a) != 6 ||
	    memcmp(mnl_attr_get_payload(a), mac, 6))
		abort();
}

static void check_result(struct nl *nl, int r, bool lookup)
{
	/* once our ACK was read, its status is the answer (EIO: the
	 * ACK was skipped and nothing else came; a lookup answered
	 * with no link is ENODEV) */
	if (fake.served == 2 && r != -fake.ack &&
	    !(lookup && !fake.ack && r == -ENODEV))
		abort();
	if (fake.served == 3 && r != -EIO)
		abort();
	if (memchr(nl->ext, '\0', sizeof(nl->ext)) == NULL)
		abort();
}

/* Input: [flags][mtu 2][mac 6][peer mac 6][ack][name\0peer\0cidr\0]reply */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nl nl;
	const uint8_t *p = data;
	const char *name, *peer, *cidr_s, *end;
	struct nl_veth v = { 0 };
	struct nl_link link;
	struct cidr c;
	const struct nlmsghdr *h;
	const struct nlattr *a, *info, *dat, *pa;
	unsigned char mac[6], pmac[6];
	unsigned flags;
	int r;

	if (size < 17)
		return 0;
	flags = p[0];
	v.mtu = (flags & 1) ? (unsigned)(p[1] << 8 | p[2]) : 0;
	memcpy(mac, p + 3, 6);
	memcpy(pmac, p + 9, 6);
	fake.ack = p[15] % 140;
	p += 16;
	end = (const char *)data + size;
	name = (const char *)p;
	peer = memchr(name, '\0', end - name);
	if (!peer || ++peer >= end)
		return 0;
	cidr_s = memchr(peer, '\0', end - peer);
	if (!cidr_s || ++cidr_s >= end)
		return 0;
	fake.reply = memchr(cidr_s, '\0', end - cidr_s);
	if (!fake.reply)
		return 0;
	fake.reply++;
	fake.reply_len = data + size - fake.reply;
	if (ifname_problem(name) || ifname_problem(peer))
		return 0;

	memset(&nl, 0, sizeof(nl));
	nl.fd = -1;	/* never used: nl_sock_* above stand in */
	nl.open = true;
	nl.portid = PORTID;

	/* a veth pair */
	v.name = name;
	v.peer = (flags & 2) ? peer : NULL;
	v.mac = (flags & 4) ? mac : NULL;
	v.peer_mac = (flags & 8) ? pmac : NULL;
	v.master = (flags & 16) ? 7 : 0;
	v.peer_nsfd = (flags & 32) ? 9 : -1;
	v.peer_pid = (flags & 64) ? 1234 : 0;
	v.up = flags & 128;
	r = nl_veth_create(&nl, &v);
	check_result(&nl, r, false);
	h = check_req(sizeof(struct ifinfomsg));
	a = mnl_nlmsg_get_payload_offset(h, sizeof(struct ifinfomsg));
	want_str(find(a, mnl_nlmsg_get_payload_tail(h), IFLA_IFNAME), name);
	if (v.mtu)
		want_u32(find(a, mnl_nlmsg_get_payload_tail(h), IFLA_MTU), v.mtu);
	if (v.mac)
		want_mac(find(a, mnl_nlmsg_get_payload_tail(h), IFLA_ADDRESS), mac);
	info = find(a, mnl_nlmsg_get_payload_tail(h), IFLA_LINKINFO);
	if (!info)
		abort();
	want_str(find(mnl_attr_get_payload(info), attrs_end(info), IFLA_INFO_KIND),
		 "veth");
	dat = find(mnl_attr_get_payload(info), attrs_end(info), IFLA_INFO_DATA);
	if (!dat)
		abort();
	pa = find(mnl_attr_get_payload(dat), attrs_end(dat), VETH_INFO_PEER);
	if (!pa || mnl_attr_get_payload_len(pa) < sizeof(struct ifinfomsg))
		abort();
	a = (const struct nlattr *)((const char *)mnl_attr_get_payload(pa) +
				    sizeof(struct ifinfomsg));
	if (v.peer)
		want_str(find(a, attrs_end(pa), IFLA_IFNAME), peer);
	else if (find(a, attrs_end(pa), IFLA_IFNAME))
		abort();
	if (v.peer_nsfd >= 0)
		want_u32(find(a, attrs_end(pa), IFLA_NET_NS_FD), 9);
	else if (v.peer_pid)
		want_u32(find(a, attrs_end(pa), IFLA_NET_NS_PID), 1234);
	if (v.peer_mac)
		want_mac(find(a, attrs_end(pa), IFLA_ADDRESS), pmac);

	/* a link looked up: the reply bytes are parsed as RTM_NEWLINK */
	r = nl_link_get(&nl, name, &link);
	check_result(&nl, r, true);
	check_req(sizeof(struct ifinfomsg));
	if (r == 0 && (link.index <= 0 ||
		       !memchr(link.kind, '\0', sizeof(link.kind))))
		abort();

	/* an address and a default route */
	if (cidr_parse(cidr_s, &c) == 0) {
		r = nl_addr_add(&nl, 3, &c, flags & 1);
		check_result(&nl, r, false);
		h = check_req(sizeof(struct ifaddrmsg));
		a = mnl_nlmsg_get_payload_offset(h, sizeof(struct ifaddrmsg));
		if (!(a = find(a, mnl_nlmsg_get_payload_tail(h), IFA_LOCAL)) ||
		    mnl_attr_get_payload_len(a) != cidr_addr_len(&c) ||
		    memcmp(mnl_attr_get_payload(a), c.addr, cidr_addr_len(&c)))
			abort();
		if (((const struct ifaddrmsg *)mnl_nlmsg_get_payload(h))->ifa_prefixlen != c.prefix)
			abort();
		r = nl_route_add_default(&nl, 3, &c);
		check_result(&nl, r, false);
		check_req(sizeof(struct rtmsg));
	}
	r = nl_bridge_create(&nl, peer);
	check_result(&nl, r, false);
	check_req(sizeof(struct ifinfomsg));
	r = nl_link_del(&nl, 0, name);
	check_result(&nl, r, false);
	check_req(sizeof(struct ifinfomsg));
	return 0;
}
