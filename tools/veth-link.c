/*
 * veth-link - make a veth pair in one netlink conversation: the host end
 * here, the peer moved into a network namespace and renamed, addresses on
 * both, the default route and lo inside, optionally a bridge; then exec
 * prog, or exit 0 when the job ends in the kernel's state.
 *
 * Plan first, act after: every argument is checked and the namespace
 * opened before the first change; once something exists, a failure
 * removes what this run made (the pair, and a bridge it created).
 */
#include "box.h"
#include "exec.h"
#include "netlink.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
/* linux/pidfd.h of 6.11: a pidfd hands out the process's namespaces */
#ifndef PIDFD_GET_NET_NAMESPACE
#define PIDFD_GET_NET_NAMESPACE _IO(0xFF, 4)
#endif

#define MAX_ADDRS 16

enum {
	OPT_PEER_NAME = 256,
	OPT_BRIDGE_CREATE,
	OPT_BRIDGE_ADDR,
	OPT_MTU,
	OPT_MAC,
	OPT_PEER_MAC,
	OPT_DOWN,
};

static const struct option options[] = {
    {"netns", required_argument, NULL, 'n'},
    {"peer-name", required_argument, NULL, OPT_PEER_NAME},
    {"addr", required_argument, NULL, 'a'},
    {"peer-addr", required_argument, NULL, 'A'},
    {"gateway", required_argument, NULL, 'g'},
    {"bridge", required_argument, NULL, 'b'},
    {"bridge-create", no_argument, NULL, OPT_BRIDGE_CREATE},
    {"bridge-addr", required_argument, NULL, OPT_BRIDGE_ADDR},
    {"mtu", required_argument, NULL, OPT_MTU},
    {"mac", required_argument, NULL, OPT_MAC},
    {"peer-mac", required_argument, NULL, OPT_PEER_MAC},
    {"down", no_argument, NULL, OPT_DOWN},
    {"delete", no_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static void usage(void)
{
	printf(
	    "Usage: veth-link [options] [--] NAME [prog [arg...]]\n"
	    "       veth-link -d [--netns NS] NAME [prog [arg...]]\n"
	    "\n"
	    "Make a veth pair: host end NAME here, the peer in namespace NS;\n"
	    "addresses, routes and links up; then exec prog, or exit 0.\n"
	    "\n"
	    "  -n, --netns PID|FILE|NAME  peer's namespace: a process, a file\n"
	    "                             (with a '/'), or /run/netns/NAME\n"
	    "      --peer-name NAME       name of the peer (eth0 is usual)\n"
	    "  -a, --addr CIDR            address of the host end "
	    "(repeatable)\n"
	    "  -A, --peer-addr CIDR       address of the peer (repeatable)\n"
	    "  -g, --gateway ADDR         default route of the peer via ADDR\n"
	    "  -b, --bridge BR            attach the host end to bridge BR\n"
	    "      --bridge-create        create BR if missing, and set it up\n"
	    "      --bridge-addr CIDR     address of a bridge it creates\n"
	    "      --mtu N                MTU of both ends (68..65535)\n"
	    "      --mac MAC              MAC of the host end\n"
	    "      --peer-mac MAC         MAC of the peer\n"
	    "      --down                 leave both ends down\n"
	    "  -d, --delete               delete the pair NAME (in NS with "
	    "--netns)\n"
	    "  -h, --help                 this text\n"
	    "  -V, --version              the version\n"
	    "\n"
	    "CIDR is ADDR/PREFIX, IPv4 or IPv6 (IPv6 ones usable at once: no "
	    "DAD).\n"
	    "Exit: 0 done, 125 veth-link failed (nothing left half made),\n"
	    "else prog's status.\n");
	exit(0);
}

struct cidrs {
	struct cidr a[MAX_ADDRS];
	unsigned int n;
};

static struct {
	const char *name;
	const char *netns;
	const char *peer;
	const char *bridge;
	struct cidrs addr, peer_addr, bridge_addr, gateway;
	unsigned int mtu;
	unsigned char mac[6], peer_mac[6];
	bool has_mac, has_peer_mac;
	bool bridge_create, down, remove;
} opt;

/* The peer's namespace, opened before anything is changed. */
static struct {
	int fd;	   /* nsfs fd, or a pidfd when no nsfs fd could be had */
	pid_t pid; /* set when fd is a pidfd: the link goes by PID */
	bool same; /* it is our own namespace after all */
} ns = {-1, 0, false};

static struct nl host, peer;
static struct nl *inside = &host; /* the socket in the peer's namespace */

/* What this run made, removed again if a later step fails. */
static struct {
	int veth;
	int bridge;
} made;

static void add_cidr(struct cidrs *c, const char *s, const char *what,
		     bool bare)
{
	if (c->n == MAX_ADDRS)
		xusage_error("too many %s (at most %d)", what, MAX_ADDRS);
	if ((bare ? addr_parse(s, &c->a[c->n]) : cidr_parse(s, &c->a[c->n])) <
	    0) {
		if (errno == ERANGE)
			xusage_error("bad %s '%s': prefix longer than %u", what,
				     s,
				     c->a[c->n].family == AF_INET ? 32 : 128);
		xusage_error(bare ? "bad %s '%s': expected an IPv4 or IPv6 "
				    "address"
				  : "bad %s '%s': expected ADDR/PREFIX, as "
				    "10.0.0.1/24 or fd00::1/64",
			     what, s);
	}
	c->n++;
}

static void check_name(const char *what, const char *s)
{
	const char *why = ifname_problem(s);

	if (why)
		xusage_error("bad %s '%s': %s", what, s, why);
}

static void parse_mac(const char *s, unsigned char *mac, bool *has)
{
	if (mac_parse(s, mac) < 0)
		xusage_error(errno == EDOM
				 ? "bad MAC '%s': multicast or all "
				   "zeros; a unicast one has bit 0 of "
				   "the first byte clear"
				 : "bad MAC '%s': expected six "
				   "hex pairs, as 02:00:00:aa:bb:cc",
			     s);
	*has = true;
}

static int parse_args(int argc, char **argv)
{
	uint64_t v;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:n:a:A:g:b:dhV", options,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			opt.netns = optarg;
			break;
		case OPT_PEER_NAME:
			check_name("peer name", optarg);
			opt.peer = optarg;
			break;
		case 'a':
			add_cidr(&opt.addr, optarg, "address", false);
			break;
		case 'A':
			add_cidr(&opt.peer_addr, optarg, "peer address", false);
			break;
		case 'g':
			add_cidr(&opt.gateway, optarg, "gateway", true);
			break;
		case 'b':
			check_name("bridge name", optarg);
			opt.bridge = optarg;
			break;
		case OPT_BRIDGE_CREATE:
			opt.bridge_create = true;
			break;
		case OPT_BRIDGE_ADDR:
			add_cidr(&opt.bridge_addr, optarg, "bridge address",
				 false);
			break;
		case OPT_MTU:
			/* 68: IPv4's minimum and the veth driver's; 65535 its
			 * maximum. */
			if (parse_u64_range(optarg, 68, 65535, &v) < 0)
				xusage_error("bad MTU '%s': expected 68..65535",
					     optarg);
			opt.mtu = v;
			break;
		case OPT_MAC:
			parse_mac(optarg, opt.mac, &opt.has_mac);
			break;
		case OPT_PEER_MAC:
			parse_mac(optarg, opt.peer_mac, &opt.has_peer_mac);
			break;
		case OPT_DOWN:
			opt.down = true;
			break;
		case 'd':
			opt.remove = true;
			break;
		case 'h':
			usage();
			break;
		case 'V':
			xversion();
			break;
		default:
			xbad_option(c, argv);
		}
	}
	if (optind >= argc)
		xusage_error("no interface NAME given");
	opt.name = argv[optind++];
	check_name("interface name", opt.name);
	return optind;
}

static bool any_ipv6(void)
{
	const struct cidrs *l[] = {&opt.addr, &opt.peer_addr, &opt.gateway,
				   &opt.bridge_addr};

	for (unsigned int i = 0; i < ARRAY_SIZE(l); i++)
		for (unsigned int j = 0; j < l[i]->n; j++)
			if (l[i]->a[j].family == AF_INET6)
				return true;
	return false;
}

/* Options that make no sense together, refused before anything is done. */
static void check_combinations(void)
{
	if (opt.remove &&
	    (opt.peer || opt.addr.n || opt.peer_addr.n || opt.gateway.n ||
	     opt.bridge || opt.bridge_create || opt.bridge_addr.n || opt.mtu ||
	     opt.has_mac || opt.has_peer_mac || opt.down))
		xusage_error("--delete takes only NAME and --netns");
	if ((opt.bridge_create || opt.bridge_addr.n) && !opt.bridge)
		xusage_error("--bridge-create and --bridge-addr need --bridge");
	if (opt.bridge_addr.n && !opt.bridge_create)
		xusage_error("--bridge-addr needs --bridge-create");
	if (opt.bridge && !strcmp(opt.bridge, opt.name))
		xusage_error("bridge and interface are both named '%s'",
			     opt.name);
	if (opt.peer && !strcmp(opt.peer, opt.name) && !opt.netns)
		xusage_error("both ends named '%s' in one namespace (use "
			     "--netns or another --peer-name)",
			     opt.name);
	if (opt.gateway.n == 2 &&
	    opt.gateway.a[0].family == opt.gateway.a[1].family)
		xusage_error("two --gateway of one family");
	if (opt.gateway.n > 2)
		xusage_error("at most one --gateway per family");
	if (opt.gateway.n && opt.down)
		xusage_error("--gateway needs the link up; drop --down");
	/* The kernel turns IPv6 off on a link whose MTU is below 1280. */
	if (opt.mtu && opt.mtu < 1280 && any_ipv6())
		xusage_error("MTU %u is below IPv6's minimum 1280", opt.mtu);
}

static int pidfd_netns(pid_t pid, const char *spec)
{
	int pidfd, fd;
	char path[64];

	/* A pidfd pins the process: a PID recycled while we look cannot
	 * hand us a stranger's namespace. */
	pidfd = syscall(__NR_pidfd_open, pid, 0);
	if (pidfd < 0 && errno != ENOSYS)
		xdie_errno("open namespace of process %s", spec);
	if (pidfd >= 0) {
		fd = ioctl(pidfd, PIDFD_GET_NET_NAMESPACE, 0);
		if (fd >= 0) {
			close(pidfd);
			return fd;
		}
	}
	/* Before 6.11: through /proc, then make sure the process the pidfd
	 * holds still lives, so the PID was not reused in between. */
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && pidfd >= 0 && errno == ENOENT &&
	    syscall(__NR_pidfd_send_signal, pidfd, 0, NULL, 0) == 0) {
		/* no /proc here: the kernel takes the PID itself, and
		 * setns() takes the pidfd (5.8+) */
		ns.pid = pid;
		return pidfd;
	}
	if (fd < 0)
		xdie_errno("open namespace of process %s", spec);
	if (pidfd >= 0) {
		/* EPERM: alive, only not ours to signal */
		if (syscall(__NR_pidfd_send_signal, pidfd, 0, NULL, 0) < 0 &&
		    errno == ESRCH)
			xdie_errno("open namespace of process %s", spec);
		close(pidfd);
	}
	return fd;
}

/* --netns PID | FILE (has a '/') | NAME (iproute2's /run/netns/NAME) */
static void open_netns(void)
{
	const char *s = opt.netns;
	char path[4096];
	struct stat a, b;
	pid_t pid;

	if (!s)
		return;
	if (*s == '\0')
		xusage_error("empty --netns");
	if (strspn(s, "0123456789") == strlen(s)) {
		if (parse_pid(s, &pid) < 0)
			xusage_error("bad PID '%s'", s);
		ns.fd = pidfd_netns(pid, s);
		if (ns.pid)
			return;
	} else {
		if (!strchr(s, '/')) {
			if (!strcmp(s, ".") || !strcmp(s, ".."))
				xusage_error("bad namespace name '%s'", s);
			if (snprintf(path, sizeof(path), "/run/netns/%s", s) >=
			    (int)sizeof(path))
				xusage_error("namespace name too long");
			s = path;
		}
		ns.fd = open(s, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (ns.fd < 0)
			xdie_errno("open network namespace %s", s);
	}
	/* NS_GET_NSTYPE (4.11+) tells an nsfs file from anything else. */
	if (ioctl(ns.fd, NS_GET_NSTYPE) != CLONE_NEWNET)
		xdie("open network namespace %s: not a network namespace", s);
	if (fstat(ns.fd, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		ns.same = true;
}

/* Remove what this run made; quiet unless that fails too. */
static void undo(void)
{
	int r;

	if (made.veth) {
		r = nl_link_del(&host, made.veth, opt.name);
		if (r < 0)
			box_errh(-r, nl_ext(&host), "remove half-made %s",
				 opt.name);
	}
	if (made.bridge) {
		r = nl_link_del(&host, made.bridge, opt.bridge);
		if (r < 0)
			box_errh(-r, nl_ext(&host), "remove bridge %s",
				 opt.bridge);
	}
}

/* A failed request: "veth-link: WHAT: strerror (kernel's text)", undo, 125. */
static _Noreturn void fail(const struct nl *nl, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static _Noreturn void fail(const struct nl *nl, int r, const char *fmt, ...)
{
	const char *hint = nl ? nl_ext(nl) : NULL;
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!hint && r == -EPERM)
		hint = nl ? "needs CAP_NET_ADMIN over the network namespace"
			  : "needs CAP_SYS_ADMIN over the network namespace";
	if (!hint && r == -EEXIST)
		hint = "already there";
	box_errh(-r, hint, "%s", what);
	undo();
	exit(EXIT_TOOL);
}

static const char *where(void)
{
	return opt.netns && !ns.same ? opt.netns : "this namespace";
}

static void open_sockets(void)
{
	int r;

	r = nl_open(&host);
	if (r < 0)
		fail(NULL, r, "open rtnetlink socket");
	if (ns.fd >= 0 && !ns.same) {
		r = nl_open_in(&peer, ns.fd);
		if (r < 0)
			fail(NULL, r, "open rtnetlink socket in %s", opt.netns);
		inside = &peer;
	}
}

static void delete_pair(void)
{
	struct nl_link l;
	int r;

	r = nl_link_get(inside, opt.name, &l);
	if (r < 0)
		fail(inside, r, "delete %s in %s", opt.name, where());
	if (strcmp(l.kind, "veth"))
		xdie("delete %s: not a veth (it is %s)", opt.name,
		     l.kind[0] ? l.kind : "a device of no kind");
	r = nl_link_del(inside, l.index, opt.name);
	if (r < 0)
		fail(inside, r, "delete %s in %s", opt.name, where());
}

/* The last of the checks (it needs the kernel), then the bridge. */
static int find_or_make_bridge(void)
{
	struct nl_link br;
	char buf[64];
	int r;

	if (!opt.bridge)
		return 0;
	r = nl_link_get(&host, opt.bridge, &br);
	if (r == -ENODEV && !opt.bridge_create)
		xdie("attach to bridge %s: no such bridge (--bridge-create "
		     "makes it)",
		     opt.bridge);
	if (r < 0 && r != -ENODEV)
		fail(&host, r, "look up bridge %s", opt.bridge);
	if (r == 0 && strcmp(br.kind, "bridge"))
		xdie("attach to bridge %s: not a bridge (it is %s)", opt.bridge,
		     br.kind[0] ? br.kind : "a device of no kind");
	if (r == -ENODEV) {
		r = nl_bridge_create(&host, opt.bridge);
		if (r < 0)
			fail(&host, r, "create bridge %s", opt.bridge);
		r = nl_link_get(&host, opt.bridge, &br);
		if (r < 0)
			fail(&host, r, "look up bridge %s", opt.bridge);
		made.bridge = br.index;
	} else if (opt.bridge_create && !(br.flags & IFF_UP)) {
		r = nl_link_set_up(&host, br.index, true);
		if (r < 0)
			fail(&host, r, "set bridge %s up", opt.bridge);
	}
	/* Replace, not add: a second container on the same bridge names
	 * the same --bridge-addr, and that must not be an error. */
	for (unsigned int i = 0; i < opt.bridge_addr.n; i++) {
		r = nl_addr_add(&host, br.index, &opt.bridge_addr.a[i], true);
		if (r < 0)
			fail(&host, r, "add address %s to bridge %s",
			     cidr_str(&opt.bridge_addr.a[i], buf, sizeof(buf)),
			     opt.bridge);
	}
	return br.index;
}

static void add_addrs(struct nl *nl, int index, const struct cidrs *c,
		      const char *dev, const char *in)
{
	char buf[64];
	int r;

	for (unsigned int i = 0; i < c->n; i++) {
		r = nl_addr_add(nl, index, &c->a[i], false);
		if (r < 0)
			fail(nl, r, "add address %s to %s in %s",
			     cidr_str(&c->a[i], buf, sizeof(buf)), dev, in);
	}
}

/*
 * A veth end that came up while its partner was still down gets its
 * carrier later, from the kernel's linkwatch worker; that may wait up to
 * a second (the event is not "urgent" when both ends' indexes happen to
 * be equal), and until then the end's queue drops every packet.  Wait
 * for IFF_RUNNING on both ends, so the program run next finds a link
 * that works; give up quietly after about two seconds.
 */
static void wait_running(int host_index, int peer_index)
{
	struct nl_link a, b, br = {.flags = IFF_RUNNING};

	for (int i = 0; i < 1000; i++) {
		if (nl_link_get_index(&host, host_index, NULL, &a) < 0 ||
		    nl_link_get_index(inside, peer_index, NULL, &b) < 0)
			return;
		/* A bridge made here gets its carrier from its first port,
		 * by the same worker.  (One made elsewhere may run STP and
		 * forward only after half a minute: not waited for.) */
		if (made.bridge &&
		    nl_link_get_index(&host, made.bridge, NULL, &br) < 0)
			return;
		if (a.flags & b.flags & br.flags & IFF_RUNNING)
			return;
		usleep(2000);
	}
}

int main(int argc, char **argv)
{
	struct nl_veth v = {.peer_nsfd = -1};
	struct nl_link l, lo;
	const char *peer_name;
	char buf[64];
	int first_prog, r;

	box_init(argc, argv);
	first_prog = parse_args(argc, argv);
	check_combinations();
	open_netns();
	open_sockets();

	if (opt.remove) {
		delete_pair();
		goto done;
	}

	v.master = find_or_make_bridge();
	v.name = opt.name;
	v.peer = opt.peer;
	v.mtu = opt.mtu;
	v.mac = opt.has_mac ? opt.mac : NULL;
	v.peer_mac = opt.has_peer_mac ? opt.peer_mac : NULL;
	v.up = !opt.down;
	if (opt.netns && !ns.same) {
		v.peer_nsfd = ns.pid ? -1 : ns.fd;
		v.peer_pid = ns.pid;
	}
	r = nl_veth_create(&host, &v);
	if (r == -EEXIST && !nl_ext(&host)) {
		/* The kernel does not say which of the two names is taken. */
		if (!opt.peer || nl_link_get(&host, opt.name, &l) == 0)
			xdie("create veth pair %s: %s already exists", opt.name,
			     opt.name);
		xdie("create veth pair %s: %s already exists in %s", opt.name,
		     opt.peer, where());
	}
	if (r < 0)
		fail(&host, r, "create veth pair %s", opt.name);
	/* IFLA_LINK of a veth is its peer's index, in the peer's namespace:
	 * one look-up gives both ends, whatever the peer was named. */
	r = nl_link_get(&host, opt.name, &l);
	if (r < 0) {
		made.veth = -1;
		fail(&host, r, "look up new link %s", opt.name);
	}
	made.veth = l.index;
	peer_name = opt.peer ? opt.peer : "the peer";

	add_addrs(&host, l.index, &opt.addr, opt.name, "this namespace");
	if (inside != &host) {
		r = nl_link_get(inside, "lo", &lo);
		if (r == 0 && !(lo.flags & IFF_UP))
			r = nl_link_set_up(inside, lo.index, true);
		if (r < 0)
			fail(inside, r, "set lo up in %s", where());
	}
	add_addrs(inside, l.link, &opt.peer_addr, peer_name, where());
	if (!opt.down) {
		r = nl_link_set_up(inside, l.link, true);
		if (r < 0)
			fail(inside, r, "set %s up in %s", peer_name, where());
	}
	for (unsigned int i = 0; i < opt.gateway.n; i++) {
		r = nl_route_add_default(inside, l.link, &opt.gateway.a[i]);
		if (r < 0)
			fail(inside, r, "add default route via %s in %s",
			     addr_str(&opt.gateway.a[i], buf, sizeof(buf)),
			     where());
	}
	if (!opt.down)
		wait_running(l.index, l.link);
done:
	nl_close(&host);
	nl_close(&peer);
	if (ns.fd >= 0)
		close(ns.fd);
	if (first_prog >= argc)
		return 0;
	xexec(argc - first_prog, argv + first_prog);
}
