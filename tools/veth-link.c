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
/* boxutils-pkgs: jansson */
#include "box.h"
#include "cni.h"
#include "exec.h"
#include "netlink.h"
#include "nft.h"
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
#define MAX_PORTS 64

/* The alias of a host end whose container has chains in nftables:
 * `veth-link -d` removes them only then, and needs no nft otherwise. */
#define NFT_MARK "boxutils:nft"

enum {
	OPT_PEER_NAME = 256,
	OPT_BRIDGE_CREATE,
	OPT_BRIDGE_ADDR,
	OPT_MTU,
	OPT_MAC,
	OPT_PEER_MAC,
	OPT_DOWN,
	OPT_MASQUERADE,
	OPT_PRUNE,
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
    {"publish", required_argument, NULL, 'p'},
    {"masquerade", no_argument, NULL, OPT_MASQUERADE},
    {"prune", no_argument, NULL, OPT_PRUNE},
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
	    "       veth-link --prune [prog [arg...]]\n"
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
	    "  -p, --publish [IP:]HOST:CTR[/PROTO]\n"
	    "                             publish the peer's port CTR on the "
	    "host's\n"
	    "                             port HOST (nftables; repeatable)\n"
	    "      --masquerade           masquerade the peer's traffic "
	    "leaving its subnet\n"
	    "      --prune                remove the nftables chains of links "
	    "gone\n"
	    "  -d, --delete               delete the pair NAME (in NS with "
	    "--netns)\n"
	    "  -h, --help                 this text\n"
	    "  -V, --version              the version\n"
	    "\n"
	    "CIDR is ADDR/PREFIX, IPv4 or IPv6 (IPv6 ones usable at once: no "
	    "DAD).\n"
	    "Exit: 0 done, 125 veth-link failed (nothing left half made),\n"
	    "else prog's status.\n"
	    "With CNI_COMMAND set it is a CNI plugin (spec 1.0.0, 1.1.0): the\n"
	    "network configuration on stdin, the result on stdout.\n");
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
	struct nft_port ports[MAX_PORTS];
	unsigned int n_ports;
	bool masq, prune;
	char chain[80]; /* "link-NAME", when publishing or masquerading */
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
	while ((c = getopt_long(argc, argv, "+:n:a:A:g:b:p:dhV", options,
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
		case 'p':
			if (opt.n_ports == MAX_PORTS)
				xusage_error("too many --publish (at most %d)",
					     MAX_PORTS);
			if (nft_port_parse(optarg, &opt.ports[opt.n_ports++]) <
			    0)
				xusage_error(
				    "bad --publish '%s': expected "
				    "[IP:]HOST_PORT[-END]:CTR_PORT[-END]"
				    "[/tcp|/udp|/sctp]",
				    optarg);
			break;
		case OPT_MASQUERADE:
			opt.masq = true;
			break;
		case OPT_PRUNE:
			opt.prune = true;
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
	if (opt.prune)
		return optind;
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
	if (opt.prune &&
	    (opt.remove || opt.netns || opt.peer || opt.addr.n ||
	     opt.peer_addr.n || opt.gateway.n || opt.bridge ||
	     opt.bridge_create || opt.bridge_addr.n || opt.mtu || opt.has_mac ||
	     opt.has_peer_mac || opt.down || opt.n_ports || opt.masq))
		xusage_error("--prune takes no other option and no NAME");
	if (opt.prune)
		return;
	if (opt.remove && (opt.n_ports || opt.masq))
		xusage_error("--delete takes only NAME and --netns");
	if (opt.n_ports || opt.masq) {
		if (!opt.peer_addr.n)
			xusage_error("--publish and --masquerade need "
				     "--peer-addr: the container's address");
		if (!nft_chain_ok(opt.name) ||
		    snprintf(opt.chain, sizeof(opt.chain), "link-%s",
			     opt.name) >= (int)sizeof(opt.chain))
			xusage_error("interface name '%s' cannot name an "
				     "nftables chain (letters, digits, _ . - "
				     "only, a letter first)",
				     opt.name);
		for (unsigned int i = 0; i < opt.n_ports; i++) {
			bool ok = false;

			for (unsigned int j = 0; j < opt.peer_addr.n; j++)
				if (!opt.ports[i].host_ip.family ||
				    opt.ports[i].host_ip.family ==
					opt.peer_addr.a[j].family)
					ok = true;
			if (!ok)
				xusage_error("--publish with an IPv%c host "
					     "address needs a --peer-addr of "
					     "that family",
					     opt.ports[i].host_ip.family ==
						     AF_INET
						 ? '4'
						 : '6');
		}
	}
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

/* Remove chain's chains from nftables; quiet when there are none. */
static int nft_remove(const char *chain, char *err, size_t errsize)
{
	char *script;
	int r;

	if (nft_script_remove(chain, &script) < 0) {
		snprintf(err, errsize, "%s", strerror(errno));
		return -1;
	}
	r = nft_apply(script, err, errsize);
	free(script);
	return r;
}

static void delete_pair(void)
{
	char chain[80], err[256];
	struct nl_link l;
	int r;

	r = nl_link_get(inside, opt.name, &l);
	if (r < 0)
		fail(inside, r, "delete %s in %s", opt.name, where());
	if (strcmp(l.kind, "veth"))
		xdie("delete %s: not a veth (it is %s)", opt.name,
		     l.kind[0] ? l.kind : "a device of no kind");
	/* Its published ports first: should nft fail, the link is still
	 * there to say which chains to try again. */
	if (inside == &host && !strcmp(l.alias, NFT_MARK)) {
		snprintf(chain, sizeof(chain), "link-%s", opt.name);
		if (nft_remove(chain, err, sizeof(err)) < 0)
			xdie("remove published ports of %s: %s", opt.name, err);
	}
	r = nl_link_del(inside, l.index, opt.name);
	if (r < 0)
		fail(inside, r, "delete %s in %s", opt.name, where());
}

/* --prune: the chains of links that are gone, in one transaction. */
static void prune(void)
{
	char **names, *script = NULL, *one, err[256];
	struct nl_link l;
	size_t n, len = 0;
	FILE *f;
	int r;

	if (nft_list_chains(&names, &n) < 0)
		xdie("list nftables chains: %s",
		     errno == EPROTO ? "nft failed" : strerror(errno));
	f = open_memstream(&script, &len);
	if (!f)
		xdie_errno("prune");
	for (size_t i = 0; i < n; i++) {
		const char *link = names[i] + 5;

		if (strncmp(names[i], "link-", 5))
			continue;
		r = nl_link_get(&host, link, &l);
		if (r == 0 || r != -ENODEV || nft_script_remove(names[i], &one))
			continue;
		fputs(one, f);
		free(one);
	}
	if (fclose(f) != 0)
		xdie_errno("prune");
	if (len && nft_apply(script, err, sizeof(err)) < 0)
		xdie("remove the chains of links gone: %s", err);
	free(script);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* /proc/sys/net/ipv4/conf/DEV/route_localnet: 127.0.0.1 may be routed
 * out of DEV, so that a port published to the host's loopback reaches
 * a container behind it. */
static int route_localnet(const char *dev)
{
	char path[128];
	int fd, r;

	snprintf(path, sizeof(path),
		 "/proc/sys/net/ipv4/conf/%s/route_localnet", dev);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = write(fd, "1", 1) == 1 ? 0 : -1;
	close(fd);
	return r;
}

/* --publish, --masquerade: the container's chains in nftables */
static void publish(int index)
{
	struct nft_ctr c = {
	    .chain = opt.chain,
	    .addrs = opt.peer_addr.a,
	    .n_addrs = opt.peer_addr.n,
	    .ports = opt.ports,
	    .n_ports = opt.n_ports,
	    .masq = opt.masq,
	};
	char *script, err[256];
	int r;

	if (!opt.n_ports && !opt.masq)
		return;
	if (route_localnet(opt.bridge ? opt.bridge : opt.name) < 0)
		fail(NULL, -errno, "set route_localnet on %s",
		     opt.bridge ? opt.bridge : opt.name);
	if (nft_script_publish(&c, &script) < 0)
		fail(NULL, -errno, "publish ports of %s", opt.name);
	r = nft_apply(script, err, sizeof(err));
	free(script);
	if (r < 0) {
		box_msg("publish ports of %s: %s", opt.name, err);
		undo();
		exit(EXIT_TOOL);
	}
	/* the mark last: a link that has it has chains */
	r = nl_link_set_alias(&host, index, NFT_MARK);
	if (r < 0) {
		nft_remove(opt.chain, err, sizeof(err));
		fail(&host, r, "mark %s as publishing", opt.name);
	}
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

/* --- CNI plugin --------------------------------------------------------- */

/*
 * With CNI_COMMAND set veth-link is a CNI plugin: the same veth pair,
 * bridge, addresses and routes, described by the runtime's network
 * configuration on stdin instead of options, with the IPAM plugin's
 * addresses, and the result or error as JSON on stdout.
 */
static struct {
	struct cni_env env;
	struct cni_conf conf;
	char *in; /* the configuration as read, for the IPAM plugin */
	size_t inlen;
	bool ipam_added; /* released again if the ADD fails later */
	char hostif[IFNAMSIZ];
	char chain[32];
	bool nft_made; /* chains applied: removed again if the ADD fails */
} cni;

/* Print the error as JSON, undo what this run made, exit non-zero. */
static _Noreturn void cni_die(struct cni_error *e)
{
	struct cni_error e2;
	char buf[256];

	cni_error_print(cni.conf.version, e);
	if (cni.nft_made)
		nft_remove(cni.chain, buf, sizeof(buf));
	undo();
	if (cni.ipam_added)
		cni_ipam_exec(&cni.env, &cni.conf, cni.in, cni.inlen, "DEL",
			      NULL, &e2);
	exit(EXIT_TOOL);
}

static _Noreturn void cni_fail(int code, const char *details, const char *fmt,
			       ...) __attribute__((format(printf, 3, 4)));
static _Noreturn void cni_fail(int code, const char *details, const char *fmt,
			       ...)
{
	struct cni_error e = {.code = code};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	snprintf(e.details, sizeof(e.details), "%s", details ? details : "");
	cni_die(&e);
}

/* A kernel refusal: strerror in msg, the extended ack in details. */
static _Noreturn void cni_kfail(const struct nl *nl, int r, const char *fmt,
				...) __attribute__((format(printf, 3, 4)));
static _Noreturn void cni_kfail(const struct nl *nl, int r, const char *fmt,
				...)
{
	struct cni_error e = {.code = CNI_ERR_KERNEL};
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(e.msg, sizeof(e.msg), "%s: %s", what, strerror(-r));
	snprintf(e.details, sizeof(e.details), "%s",
		 nl && nl_ext(nl) ? nl_ext(nl) : "");
	cni_die(&e);
}

static char *read_all(int fd, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL, *nb;
	ssize_t r;

	for (;;) {
		if (n + 1 >= cap) {
			/* a configuration past 1 MiB is no configuration */
			if (cap >= (1 << 20))
				break;
			nb = realloc(buf, cap + 16384);
			if (!nb)
				break;
			buf = nb;
			cap += 16384;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

static uint32_t fnv1a(const char *a, const char *b)
{
	uint32_t h = 2166136261u;

	for (const char *p = a; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ '/') * 16777619u;
	for (const char *p = b ? b : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

/*
 * The names of one attachment, the same at every call about it: the
 * host end "veth" and a hash of container id and interface name; its
 * nftables chain "cni-" and hashes of the network and the attachment,
 * so that GC of one network finds its own chains and no others.
 */
static void cni_host_name(void)
{
	snprintf(cni.hostif, sizeof(cni.hostif), "veth%08x",
		 fnv1a(cni.env.containerid, cni.env.ifname));
	snprintf(cni.chain, sizeof(cni.chain), "cni-%08x-%08x",
		 fnv1a(cni.conf.name, NULL),
		 fnv1a(cni.env.containerid, cni.env.ifname));
}

/* CNI_NETNS, opened; -errno when it cannot be. */
static int cni_open_netns(void)
{
	int fd = open(cni.env.netns, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
		close(fd);
		return -EINVAL;
	}
	ns.fd = fd;
	return 0;
}

static void cni_sockets(void)
{
	int r;

	r = nl_open(&host);
	if (r < 0)
		cni_kfail(NULL, r, "open rtnetlink socket");
	r = nl_open_in(&peer, ns.fd);
	if (r < 0)
		cni_kfail(NULL, r, "open rtnetlink socket in %s",
			  cni.env.netns);
	inside = &peer;
}

static void mac_str(const unsigned char *m, char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

static void write_sysctl(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, value, strlen(value)) < 0)
		cni_fail(CNI_ERR_IO, strerror(errno), "set %s to %s", path,
			 value);
	close(fd);
}

/* The bridge of the configuration, made (up) on first use. */
static int cni_bridge(const struct cni_result *res)
{
	struct nl_link br;
	char buf[64];
	int r;

	opt.bridge = cni.conf.bridge;
	r = nl_link_get(&host, opt.bridge, &br);
	if (r == -ENODEV) {
		r = nl_bridge_create(&host, opt.bridge);
		if (r < 0)
			cni_kfail(&host, r, "create bridge %s", opt.bridge);
		r = nl_link_get(&host, opt.bridge, &br);
		if (r < 0)
			cni_kfail(&host, r, "look up bridge %s", opt.bridge);
		made.bridge = br.index;
	} else if (r < 0) {
		cni_kfail(&host, r, "look up bridge %s", opt.bridge);
	} else if (strcmp(br.kind, "bridge")) {
		cni_fail(CNI_ERR_CONFIG, br.kind, "%s is not a bridge",
			 opt.bridge);
	} else if (!(br.flags & IFF_UP)) {
		r = nl_link_set_up(&host, br.index, true);
		if (r < 0)
			cni_kfail(&host, r, "set bridge %s up", opt.bridge);
	}
	if (!cni.conf.is_gateway)
		return br.index;
	/* The gateway of each subnet on the bridge, with the subnet's
	 * prefix; replace, as the next container names it again. */
	for (unsigned int i = 0; i < res->n_ips; i++) {
		struct cidr gw = res->ips[i].gw;

		if (!gw.family)
			continue;
		gw.prefix = res->ips[i].addr.prefix;
		r = nl_addr_add(&host, br.index, &gw, true);
		if (r < 0)
			cni_kfail(&host, r, "add address %s to bridge %s",
				  cidr_str(&gw, buf, sizeof(buf)), opt.bridge);
		write_sysctl(gw.family == AF_INET
				 ? "/proc/sys/net/ipv4/ip_forward"
				 : "/proc/sys/net/ipv6/conf/all/forwarding",
			     "1");
	}
	return br.index;
}

/* The gateway of family among the addresses, or NULL. */
static const struct cidr *cni_gateway(const struct cni_result *res, int family)
{
	for (unsigned int i = 0; i < res->n_ips; i++)
		if (res->ips[i].gw.family == family)
			return &res->ips[i].gw;
	return NULL;
}

/* The container's side: lo and the link up, addresses, routes. */
static void cni_inside(int index, const struct cni_result *res)
{
	const char *ifname = cni.env.ifname;
	bool has_default[2] = {false, false};
	struct nl_link lo;
	char buf[64];
	int r;

	r = nl_link_get(inside, "lo", &lo);
	if (r == 0 && !(lo.flags & IFF_UP))
		r = nl_link_set_up(inside, lo.index, true);
	if (r < 0)
		cni_kfail(inside, r, "set lo up in %s", cni.env.netns);
	for (unsigned int i = 0; i < res->n_ips; i++) {
		r = nl_addr_add(inside, index, &res->ips[i].addr, false);
		if (r < 0)
			cni_kfail(inside, r, "add address %s to %s",
				  cidr_str(&res->ips[i].addr, buf, sizeof(buf)),
				  ifname);
	}
	r = nl_link_set_up(inside, index, true);
	if (r < 0)
		cni_kfail(inside, r, "set %s up", ifname);
	for (unsigned int i = 0; i < res->n_routes; i++) {
		const struct cni_route *rt = &res->routes[i];
		const struct cidr *gw =
		    rt->gw.family ? &rt->gw : cni_gateway(res, rt->dst.family);

		if (rt->dst.prefix == 0)
			has_default[rt->dst.family == AF_INET6] = true;
		r = nl_route_add(inside, index, &rt->dst, gw);
		if (r < 0)
			cni_kfail(inside, r, "add route to %s",
				  cidr_str(&rt->dst, buf, sizeof(buf)));
	}
	if (!cni.conf.is_default_gw)
		return;
	for (int f = 0; f < 2; f++) {
		const struct cidr *gw =
		    cni_gateway(res, f ? AF_INET6 : AF_INET);

		if (!gw || has_default[f])
			continue;
		r = nl_route_add(inside, index, NULL, gw);
		if (r < 0)
			cni_kfail(inside, r, "add default route via %s",
				  addr_str(gw, buf, sizeof(buf)));
	}
}

/* Published ports (runtimeConfig.portMappings) and ipMasq in nftables. */
static void cni_publish(const struct cni_result *res)
{
	struct cidr addrs[CNI_MAX_IPS];
	struct nft_ctr c = {
	    .chain = cni.chain,
	    .addrs = addrs,
	    .ports = cni.conf.ports,
	    .n_ports = cni.conf.n_ports,
	    .masq = cni.conf.ip_masq,
	};
	char *script, err[256];

	if (!c.n_ports && !c.masq)
		return;
	for (unsigned int i = 0; i < res->n_ips; i++)
		addrs[c.n_addrs++] = res->ips[i].addr;
	if (c.n_ports && route_localnet(cni.conf.bridge) < 0)
		cni_fail(CNI_ERR_IO, strerror(errno),
			 "set route_localnet on %s", cni.conf.bridge);
	if (nft_script_publish(&c, &script) < 0)
		cni_fail(CNI_ERR_CONFIG, strerror(errno),
			 "publish ports: no container address for them");
	cni.nft_made = true;
	if (nft_apply(script, err, sizeof(err)) < 0) {
		free(script);
		cni.nft_made = false;
		cni_fail(CNI_ERR_IO, err, "publish ports in nftables");
	}
	free(script);
}

static json_t *iface_json(const char *name, const unsigned char *mac,
			  const char *sandbox)
{
	char buf[32];
	json_t *j;

	mac_str(mac, buf, sizeof(buf));
	j = json_pack("{s:s, s:s}", "name", name, "mac", buf);
	if (j && sandbox)
		json_object_set_new(j, "sandbox", json_string(sandbox));
	return j;
}

/*
 * The result: prevResult's interfaces, addresses and routes first when
 * chained, then the bridge, the host end and the container's end, and
 * the addresses given to the container's end (the IPAM plugin's, or
 * prevResult's own when there is no IPAM) pointing at it.
 */
static void cni_print_result(json_t *ipam, const struct nl_link *br,
			     const struct nl_link *hl, const struct nl_link *cl)
{
	json_t *res, *ifs, *ips, *x;
	size_t i, idx;

	res = cni.conf.has_prev
		  ? json_deep_copy(json_object_get(cni.conf.root, "prevResult"))
		  : json_object();
	if (!res)
		cni_fail(CNI_ERR_IO, NULL, "build result: out of memory");
	ifs = json_object_get(res, "interfaces");
	if (!json_is_array(ifs)) {
		ifs = json_array();
		json_object_set_new(res, "interfaces", ifs);
	}
	json_array_append_new(ifs, iface_json(cni.conf.bridge, br->mac, NULL));
	json_array_append_new(ifs, iface_json(cni.hostif, hl->mac, NULL));
	json_array_append_new(
	    ifs, iface_json(cni.env.ifname, cl->mac, cni.env.netns));
	idx = json_array_size(ifs) - 1;
	ips = json_object_get(res, "ips");
	if (!json_is_array(ips)) {
		ips = json_array();
		json_object_set_new(res, "ips", ips);
	}
	if (ipam) {
		json_array_foreach(json_object_get(ipam, "ips"), i, x)
		{
			json_object_set_new(x, "interface", json_integer(idx));
			json_array_append(ips, x);
		}
		if (json_is_array(json_object_get(ipam, "routes"))) {
			json_t *rs = json_object_get(res, "routes");

			if (!json_is_array(rs)) {
				rs = json_array();
				json_object_set_new(res, "routes", rs);
			}
			json_array_extend(rs, json_object_get(ipam, "routes"));
		}
		if (!json_object_get(res, "dns") &&
		    json_object_get(ipam, "dns"))
			json_object_set(res, "dns",
					json_object_get(ipam, "dns"));
	} else {
		json_array_foreach(ips, i, x)
		{
			if (!json_object_get(x, "interface"))
				json_object_set_new(x, "interface",
						    json_integer(idx));
		}
	}
	/* 0.4.0 results name each address's IP version */
	json_array_foreach(ips, i, x)
	{
		if (!strcmp(cni.conf.version, "0.4.0"))
			json_object_set_new(
			    x, "version",
			    json_string(
				strchr(json_string_value(
					   json_object_get(x, "address")),
				       ':')
				    ? "6"
				    : "4"));
		else
			json_object_del(x, "version");
	}
	if (!json_object_get(res, "dns"))
		json_object_set_new(res, "dns", json_object());
	json_object_set_new(res, "cniVersion", json_string(cni.conf.version));
	json_dumpf(res, stdout, JSON_INDENT(1));
	fputc('\n', stdout);
	json_decref(res);
}

static void cni_add(void)
{
	struct nl_veth v = {.peer_nsfd = -1};
	struct nl_link l, cl, br = {0}, hl;
	struct cni_result res, ipamres;
	struct cni_error e;
	json_t *ipam = NULL;
	int r;

	r = cni_open_netns();
	if (r < 0)
		cni_fail(CNI_ERR_UNKNOWN, strerror(-r), "open CNI_NETNS %s",
			 cni.env.netns);
	cni_sockets();
	cni_host_name();
	opt.name = cni.hostif;
	if (nl_link_get(inside, cni.env.ifname, &l) == 0)
		cni_fail(CNI_ERR_EXISTS, NULL, "%s already exists in %s",
			 cni.env.ifname, cni.env.netns);

	/* Addresses: the IPAM plugin's, or prevResult's when there is none. */
	memset(&res, 0, sizeof(res));
	if (cni.conf.ipam) {
		if (cni_ipam_exec(&cni.env, &cni.conf, cni.in, cni.inlen, "ADD",
				  &ipam, &e) < 0)
			cni_die(&e);
		cni.ipam_added = true;
		if (cni_result_parse(ipam, &ipamres, &e) < 0)
			cni_die(&e);
		res = ipamres;
	} else if (cni.conf.has_prev) {
		for (unsigned int i = 0; i < cni.conf.prev.n_ips; i++)
			if (cni.conf.prev.ips[i].iface < 0)
				res.ips[res.n_ips++] = cni.conf.prev.ips[i];
		memcpy(res.routes, cni.conf.prev.routes,
		       sizeof(res.routes[0]) * cni.conf.prev.n_routes);
		res.n_routes = cni.conf.prev.n_routes;
	}

	v.master = cni_bridge(&res);
	v.name = cni.hostif;
	v.peer = cni.env.ifname;
	v.mtu = cni.conf.mtu;
	v.up = true;
	v.peer_nsfd = ns.fd;
	r = nl_veth_create(&host, &v);
	if (r < 0)
		cni_kfail(&host, r, "create veth pair %s", cni.hostif);
	r = nl_link_get(&host, cni.hostif, &hl);
	if (r < 0) {
		made.veth = -1;
		cni_kfail(&host, r, "look up new link %s", cni.hostif);
	}
	made.veth = hl.index;
	if (cni.conf.hairpin) {
		r = nl_brport_hairpin(&host, hl.index, true);
		if (r < 0)
			cni_kfail(&host, r, "set hairpin mode on %s",
				  cni.hostif);
	}
	cni_inside(hl.link, &res);
	cni_publish(&res);
	wait_running(hl.index, hl.link);
	if (nl_link_get_index(inside, hl.link, NULL, &cl) < 0 ||
	    nl_link_get(&host, cni.conf.bridge, &br) < 0)
		cni_fail(CNI_ERR_KERNEL, NULL, "look up the links just made");
	cni_print_result(ipam, &br, &hl, &cl);
	json_decref(ipam);
}

/* DEL: whatever is gone already is success; the addresses are released
 * first, so a netns that vanished leaves no reservation behind. */
static void cni_del(void)
{
	struct cni_error e;
	struct nl_link l;
	int r;

	char err[256];

	if (cni.conf.ipam && cni_ipam_exec(&cni.env, &cni.conf, cni.in,
					   cni.inlen, "DEL", NULL, &e) < 0)
		cni_die(&e);
	cni_host_name();
	if ((cni.conf.ports_cap || cni.conf.ip_masq) &&
	    nft_remove(cni.chain, err, sizeof(err)) < 0)
		cni_fail(CNI_ERR_IO, err, "remove published ports");
	if (!cni.env.netns || !*cni.env.netns)
		return;
	r = cni_open_netns();
	if (r == -ENOENT || r == -EINVAL)
		return;
	if (r < 0)
		cni_fail(CNI_ERR_IO, strerror(-r), "open CNI_NETNS %s",
			 cni.env.netns);
	cni_sockets();
	r = nl_link_get(inside, cni.env.ifname, &l);
	if (r == -ENODEV)
		return;
	if (r < 0)
		cni_kfail(inside, r, "look up %s", cni.env.ifname);
	if (strcmp(l.kind, "veth"))
		cni_fail(CNI_ERR_CONFIG, l.kind, "%s in %s is not a veth",
			 cni.env.ifname, cni.env.netns);
	r = nl_link_del_early(inside, l.index);
	if (r < 0 && r != -ENODEV)
		cni_kfail(inside, r, "delete %s", cni.env.ifname);
}

/* CHECK of published ports and masquerade: the attachment's chain. */
static void cni_check_chain(void)
{
	char **names;
	size_t n;
	bool found = false;

	if (nft_list_chains(&names, &n) < 0)
		cni_fail(CNI_ERR_IO, strerror(errno), "list nftables chains");
	for (size_t i = 0; i < n; i++) {
		found |= !strcmp(names[i], cni.chain);
		free(names[i]);
	}
	free(names);
	if (!found)
		cni_fail(CNI_ERR_CHECK, cni.chain,
			 "the chain of the published ports is missing");
}

/* CHECK: what prevResult says is there must be there. */
static void cni_check(void)
{
	const struct cni_result *p = &cni.conf.prev;
	struct cni_error e;
	struct nl_link l, hl, br;
	char buf[64];
	int r;

	if (!cni.conf.has_prev)
		cni_fail(CNI_ERR_CONFIG, NULL, "CHECK needs prevResult");
	r = cni_open_netns();
	if (r < 0)
		cni_fail(CNI_ERR_UNKNOWN, strerror(-r), "open CNI_NETNS %s",
			 cni.env.netns);
	cni_sockets();
	cni_host_name();
	r = nl_link_get(inside, cni.env.ifname, &l);
	if (r < 0)
		cni_fail(CNI_ERR_CHECK, strerror(-r), "%s is not in %s",
			 cni.env.ifname, cni.env.netns);
	if (strcmp(l.kind, "veth") || !(l.flags & IFF_UP))
		cni_fail(CNI_ERR_CHECK, NULL, "%s is not a veth that is up",
			 cni.env.ifname);
	if (nl_link_get(&host, cni.hostif, &hl) < 0 ||
	    nl_link_get(&host, cni.conf.bridge, &br) < 0 ||
	    hl.master != br.index)
		cni_fail(CNI_ERR_CHECK, NULL, "%s is not a port of bridge %s",
			 cni.hostif, cni.conf.bridge);
	if (cni.conf.mtu && l.mtu != cni.conf.mtu)
		cni_fail(CNI_ERR_CHECK, NULL, "%s has MTU %u, not %u",
			 cni.env.ifname, l.mtu, cni.conf.mtu);
	for (unsigned int i = 0; i < p->n_ips; i++) {
		r = nl_addr_find(inside, l.index, &p->ips[i].addr);
		if (r < 0)
			cni_fail(CNI_ERR_CHECK, strerror(-r),
				 "address %s is not on %s",
				 cidr_str(&p->ips[i].addr, buf, sizeof(buf)),
				 cni.env.ifname);
	}
	for (unsigned int i = 0; i < p->n_routes; i++) {
		const struct cni_route *rt = &p->routes[i];

		r = nl_route_find(inside, 0, &rt->dst,
				  rt->gw.family ? &rt->gw : NULL);
		if (r < 0)
			cni_fail(CNI_ERR_CHECK, strerror(-r),
				 "route to %s is missing",
				 cidr_str(&rt->dst, buf, sizeof(buf)));
	}
	if (cni.conf.n_ports || cni.conf.ip_masq)
		cni_check_chain();
	if (cni.conf.ipam && cni_ipam_exec(&cni.env, &cni.conf, cni.in,
					   cni.inlen, "CHECK", NULL, &e) < 0)
		cni_die(&e);
}

/*
 * GC and STATUS (1.1.0) are passed to the IPAM plugin when it speaks
 * 1.1.0 (host-local of Debian 12 does not: it keeps its reservations
 * until DEL).
 */
static void cni_ipam_pass(void)
{
	struct cni_error e;

	if (!cni.conf.ipam)
		return;
	if (cni_plugin_speaks(&cni.env, cni.conf.ipam_type, "1.1.0", &e) < 0)
		cni_die(&e);
	if (e.code == 0 && cni_ipam_exec(&cni.env, &cni.conf, cni.in, cni.inlen,
					 cni.env.command, NULL, &e) < 0)
		cni_die(&e);
}

/* GC: the chains of this network whose attachment is not listed valid. */
static void cni_gc(void)
{
	char **names, *script = NULL, *one, prefix[16], want[32], err[256];
	size_t n, len = 0, i, j;
	json_t *a;
	FILE *f;

	cni_ipam_pass();
	if (nft_list_chains(&names, &n) < 0)
		cni_fail(CNI_ERR_IO, strerror(errno), "list nftables chains");
	snprintf(prefix, sizeof(prefix), "cni-%08x-",
		 fnv1a(cni.conf.name, NULL));
	f = open_memstream(&script, &len);
	if (!f)
		cni_fail(CNI_ERR_IO, strerror(errno), "garbage-collect");
	for (i = 0; i < n; i++) {
		bool valid = false;

		if (strncmp(names[i], prefix, strlen(prefix)))
			continue;
		json_array_foreach(cni.conf.valid, j, a)
		{
			const char *id = json_string_value(
			    json_object_get(a, "containerID"));
			const char *ifn =
			    json_string_value(json_object_get(a, "ifname"));

			if (!id || !ifn)
				continue;
			snprintf(want, sizeof(want), "%s%08x", prefix,
				 fnv1a(id, ifn));
			if (!strcmp(want, names[i]))
				valid = true;
		}
		if (!valid && nft_script_remove(names[i], &one) == 0) {
			fputs(one, f);
			free(one);
		}
	}
	if (fclose(f) != 0)
		cni_fail(CNI_ERR_IO, strerror(errno), "garbage-collect");
	if (len && nft_apply(script, err, sizeof(err)) < 0)
		cni_fail(CNI_ERR_IO, err, "remove stale chains");
	free(script);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* STATUS: ready when the IPAM plugin is there (and ready, if it says). */
static void cni_status(void)
{
	cni_ipam_pass();
}

static void cni_version(void)
{
	json_t *j = json_pack("{s:s}", "cniVersion", "1.1.0"), *v;
	json_error_t je;
	json_t *in = cni.inlen ? json_loadb(cni.in, cni.inlen, 0, &je) : NULL;
	const char *want = json_string_value(json_object_get(in, "cniVersion"));

	/* answered in the version asked, when it is one we know */
	if (want && cni_version_ok(want))
		json_object_set_new(j, "cniVersion", json_string(want));
	v = json_array();
	for (unsigned int i = 0; cni_versions[i]; i++)
		json_array_append_new(v, json_string(cni_versions[i]));
	json_object_set_new(j, "supportedVersions", v);
	json_dumpf(j, stdout, JSON_INDENT(1));
	fputc('\n', stdout);
	json_decref(j);
	json_decref(in);
}

static int cni_main(void)
{
	struct cni_error e;

	cni.in = read_all(0, &cni.inlen);
	if (cni_env_read(&cni.env, &e) < 0) {
		cni_error_print(NULL, &e);
		return EXIT_TOOL;
	}
	if (cni.env.cmd == CNI_VERSION) {
		cni_version();
		return 0;
	}
	if (!cni.in || cni_conf_parse(cni.in, cni.inlen, &cni.conf, &e) < 0) {
		if (!cni.in)
			cni_seterr(&e, CNI_ERR_IO, NULL, "read configuration");
		/* an error answers in the version asked, when it is known */
		if (cni.conf.version && !cni_version_ok(cni.conf.version))
			cni.conf.version = NULL;
		cni_error_print(cni.conf.version, &e);
		return EXIT_TOOL;
	}
	if (!cni_version_has(cni.conf.version, cni.env.cmd))
		cni_fail(CNI_ERR_VERSION, cni.conf.version,
			 "%s needs cniVersion 1.1.0", cni.env.command);
	switch (cni.env.cmd) {
	case CNI_ADD:
		cni_add();
		break;
	case CNI_DEL:
		cni_del();
		break;
	case CNI_CHECK:
		cni_check();
		break;
	case CNI_GC:
		cni_gc();
		break;
	case CNI_STATUS:
		cni_status();
		break;
	case CNI_VERSION:
		break;
	}
	nl_close(&host);
	nl_close(&peer);
	cni_conf_free(&cni.conf);
	free(cni.in);
	return 0;
}

int main(int argc, char **argv)
{
	struct nl_veth v = {.peer_nsfd = -1};
	struct nl_link l, lo;
	const char *peer_name;
	char buf[64];
	int first_prog, r;

	box_init(argc, argv);
	/* the CNI protocol: a runtime runs us with no arguments */
	if (getenv("CNI_COMMAND"))
		return cni_main();
	first_prog = parse_args(argc, argv);
	check_combinations();
	open_netns();
	open_sockets();

	if (opt.remove) {
		delete_pair();
		goto done;
	}
	if (opt.prune) {
		prune();
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
	publish(l.index);
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
