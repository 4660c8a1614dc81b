/*
 * netlink.h - rtnetlink, no library: links, addresses and routes, every
 * request acknowledged, with the kernel's extended-ack text kept for the
 * error line; and the pure parsers for what users type about networks
 * (CIDRs, addresses, interface names, MACs), which touch nothing and so
 * can be fuzzed.
 *
 * Functions return 0 on success; the netlink ones a negative errno on
 * failure (the kernel's own, from its ACK), the parsers -1 with errno.
 */
#ifndef BOX_NETLINK_H
#define BOX_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* --- pure parsers -------------------------------------------------------- */

/* An IPv4 or IPv6 address with a prefix length: "10.0.0.1/24", "fd00::1/64". */
struct cidr {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* network byte order; 4 used for IPv4 */
	unsigned int prefix;	/* 0..32 or 0..128 */
};

/*
 * "ADDR/PREFIX".  The prefix is required (an address alone is ambiguous:
 * ip(8) would make it /32, which is rarely what was meant on a veth), in
 * decimal without sign or leading zeros, at most 32 for IPv4 and 128 for
 * IPv6.  No zone ("%eth0"), no whitespace.  -1 with errno EINVAL for bad
 * syntax, ERANGE for a prefix too long for the family.
 */
int cidr_parse(const char *s, struct cidr *out);

/* A bare address, no prefix (a gateway); out->prefix is set to the full length.
 */
int addr_parse(const char *s, struct cidr *out);

/* Bytes of an address of the family: 4 or 16. */
unsigned int cidr_addr_len(const struct cidr *c);

/* "10.0.0.1/24" into buf (64 bytes is enough); returns buf. */
const char *cidr_str(const struct cidr *c, char *buf, size_t size);
/* The same without the prefix: "10.0.0.1". */
const char *addr_str(const struct cidr *c, char *buf, size_t size);

/*
 * Why s cannot be an interface name, or NULL if it can: empty, longer
 * than IFNAMSIZ-1 (15) bytes, "." or "..", or containing '/', ':' or
 * whitespace (as the kernel's dev_valid_name, plus ':' which would be
 * read as an IPv4 alias label).
 */
const char *ifname_problem(const char *s);

/*
 * A unicast Ethernet address "02:00:00:aa:bb:cc": six groups of two hex
 * digits separated by ':'.  -1 with errno EINVAL for bad syntax, EDOM for
 * a multicast address (bit 0 of the first byte set) or all zeros, which
 * no interface may carry.
 */
int mac_parse(const char *s, unsigned char mac[6]);

/* --- rtnetlink ---------------------------------------------------------- */

struct nl {
	int fd;	   /* NETLINK_ROUTE socket, when open */
	bool open; /* false in a zeroed struct: nothing to close */
	unsigned int portid;
	unsigned int seq;
	bool too_long; /* the request did not fit in req: not sent */
	char ext[256]; /* the kernel's extended-ack text, "" if none */
	/* the request being built, and room for any single reply the
	 * kernel sends: both hold netlink headers, 4-byte aligned */
	char req[4096] __attribute__((aligned(8)));
	char resp[32768] __attribute__((aligned(8)));
};

/* A socket in the caller's network namespace (NETLINK_ROUTE, O_CLOEXEC). */
int nl_open(struct nl *nl);

/*
 * A socket in the network namespace nsfd refers to (an nsfs file or a
 * pidfd), opened by entering it and coming back; see netlink.c for why.
 * If coming back fails the process is left in the other namespace: the
 * caller must report the error and exit, never exec prog.
 */
int nl_open_in(struct nl *nl, int nsfd);

void nl_close(struct nl *nl);

/*
 * The socket I/O under every request (common/nlsock.c, apart so that a
 * fuzz harness can stand in for the kernel): send one message to the
 * kernel; receive one datagram from it, -1 with ENOSPC when it did not
 * fit, and 0 for one that came from anyone but the kernel (dropped).
 */
ssize_t nl_sock_send(int fd, const void *buf, size_t len);
ssize_t nl_sock_recv(int fd, void *buf, size_t len);

/* The kernel's extended-ack text for the last failed request, or NULL. */
const char *nl_ext(const struct nl *nl);

struct nl_link {
	int index;
	unsigned int flags; /* IFF_* */
	int link;	    /* IFLA_LINK: a veth's peer index (in its ns) */
	char kind[32];	    /* IFLA_INFO_KIND: "veth", "bridge", "" */
	int master;	    /* IFLA_MASTER: the bridge it is a port of, 0 */
	unsigned int mtu;
	unsigned char mac[6]; /* IFLA_ADDRESS, zeros when none */
	char alias[64];	      /* IFLA_IFALIAS, "" when none */
};

/* Look a link up by name; -ENODEV when there is none. */
int nl_link_get(struct nl *nl, const char *name, struct nl_link *out);
/* The same by index, or by name when index is 0. */
int nl_link_get_index(struct nl *nl, int index, const char *name,
		      struct nl_link *out);

struct nl_veth {
	const char *name;	  /* host end */
	const char *peer;	  /* peer name, NULL for the kernel's choice */
	unsigned int mtu;	  /* 0: the default */
	const unsigned char *mac; /* NULL: random */
	const unsigned char *peer_mac;
	int master;	/* bridge index for the host end, 0 none */
	int peer_nsfd;	/* nsfs fd for the peer's namespace, -1 none */
	pid_t peer_pid; /* or a PID whose namespace it is, 0 none */
	bool up;	/* host end up at creation */
};

int nl_veth_create(struct nl *nl, const struct nl_veth *v);

/* A bridge, created up. */
int nl_bridge_create(struct nl *nl, const char *name);

int nl_link_set_up(struct nl *nl, int index, bool up);
/* The link's alias (ip link set NAME alias TEXT); "" removes it. */
int nl_link_set_alias(struct nl *nl, int index, const char *alias);
/* Delete a link by index, or by name when index is 0. */
int nl_link_del(struct nl *nl, int index, const char *name);

/*
 * The same, returning as soon as the kernel has unlisted the link (its
 * RTM_DELLINK notification), not when its teardown ends: see netlink.c.
 * The request is sent by a child left to finish it; the caller should
 * exit soon after, and not wait for children it does not know.
 */
int nl_link_del_early(struct nl *nl, int index);

/*
 * Add an address.  IPv6 ones get IFA_F_NODAD: on a fresh veth nobody else
 * can hold the address, and without it the address stays "tentative" for
 * a second or more, unusable by the program the chain runs next.
 * replace: succeed when the address is already there (NLM_F_REPLACE)
 * instead of failing with EEXIST.
 */
int nl_addr_add(struct nl *nl, int index, const struct cidr *c, bool replace);

/* The default route of gw's family via gw out of link index. */
int nl_route_add_default(struct nl *nl, int index, const struct cidr *gw);

/*
 * Every IPv4 and IPv6 address of the namespace nl was opened in, one
 * call of fn each: the address with its prefix, the link index and the
 * scope (RT_SCOPE_HOST for loopback ones, RT_SCOPE_LINK, ...).
 */
typedef void (*nl_addr_fn)(const struct cidr *c, int index,
			   unsigned char scope, void *data);
int nl_addr_list(struct nl *nl, nl_addr_fn fn, void *data);

/*
 * A route to dst (its address and prefix; NULL: the default route of
 * gw's family) via gw (NULL: on the link itself) out of link index, in
 * the main table.
 */
int nl_route_add(struct nl *nl, int index, const struct cidr *dst,
		 const struct cidr *gw);

/*
 * Is the route there?  The main table is dumped and searched for one to
 * dst (NULL: the default route of gw's family) via gw (NULL: any or
 * none) out of index (0: any).  0 when found, -ENOENT when not, or the
 * kernel's error.
 */
int nl_route_find(struct nl *nl, int index, const struct cidr *dst,
		  const struct cidr *gw);

/* Is address c (with its prefix) on link index?  0, -ENOENT or an error. */
int nl_addr_find(struct nl *nl, int index, const struct cidr *c);

/*
 * Hairpin mode of a bridge port: frames may leave by the port they came
 * in on, so a container reaches its own published port through the host.
 */
int nl_brport_hairpin(struct nl *nl, int index, bool on);

#endif
