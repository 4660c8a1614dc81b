#include "nft.h"
#include "box.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_RULE_PORTS 1024

const char *nft_proto_name(int proto)
{
	return proto == IPPROTO_UDP    ? "udp"
	       : proto == IPPROTO_SCTP ? "sctp"
				       : "tcp";
}

int nft_proto_parse(const char *s, int *proto)
{
	if (!strcasecmp(s, "tcp"))
		*proto = IPPROTO_TCP;
	else if (!strcasecmp(s, "udp"))
		*proto = IPPROTO_UDP;
	else if (!strcasecmp(s, "sctp"))
		*proto = IPPROTO_SCTP;
	else
		return -1;
	return 0;
}

/* --- published ports -------------------------------------------------------
 */

/* "N" or "N-M", 1..65535, M >= N */
static int range_parse(const char *s, size_t len, uint16_t *lo, uint16_t *hi)
{
	char buf[16];
	const char *dash;
	uint64_t a, b;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	dash = strchr(buf, '-');
	if (dash) {
		buf[dash - buf] = '\0';
		if (parse_u64_range(dash + 1, 1, 65535, &b) < 0)
			return -1;
	}
	if (parse_u64_range(buf, 1, 65535, &a) < 0)
		return -1;
	if (!dash)
		b = a;
	if (b < a)
		return -1;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

int nft_port_parse(const char *s, struct nft_port *p)
{
	const char *slash, *end, *hostport, *colon;
	char ip[64];
	uint16_t ce;
	size_t n;

	memset(p, 0, sizeof(*p));
	p->proto = IPPROTO_TCP;
	slash = strchr(s, '/');
	end = slash ? slash : s + strlen(s);
	if (slash && nft_proto_parse(slash + 1, &p->proto) < 0)
		goto bad;
	hostport = s;
	if (*s == '[') {
		/* [IPv6]:HOST:CTR */
		const char *rb = memchr(s, ']', (size_t)(end - s));

		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= sizeof(ip))
			goto bad;
		n = (size_t)(rb - s - 1);
		memcpy(ip, s + 1, n);
		ip[n] = '\0';
		if (addr_parse(ip, &p->host_ip) < 0 ||
		    p->host_ip.family != AF_INET6)
			goto bad;
		hostport = rb + 2;
	} else {
		/* IPv4:HOST:CTR or HOST:CTR: count the colons */
		const char *c1 = memchr(s, ':', (size_t)(end - s));
		const char *c2 =
		    c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;

		if (c2) {
			n = (size_t)(c1 - s);
			if (n >= sizeof(ip))
				goto bad;
			memcpy(ip, s, n);
			ip[n] = '\0';
			if (addr_parse(ip, &p->host_ip) < 0 ||
			    p->host_ip.family != AF_INET)
				goto bad;
			hostport = c1 + 1;
		}
	}
	colon = memchr(hostport, ':', (size_t)(end - hostport));
	if (!colon ||
	    range_parse(hostport, (size_t)(colon - hostport), &p->host_port,
			&p->host_end) < 0 ||
	    range_parse(colon + 1, (size_t)(end - colon - 1), &p->ctr_port,
			&ce) < 0)
		goto bad;
	/* one container port for a host range, or ranges of one length */
	if (ce != p->ctr_port && ce - p->ctr_port != p->host_end - p->host_port)
		goto bad;
	p->ctr_end = ce;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* The base chains of a container: hook, priority, what they hold. */
static const struct {
	const char *suffix;
	const char *hook;
	const char *prio;
} bases[] = {
    /* from other hosts and containers: before routing decides */
    {"-pre", "prerouting", "dstnat"},
    /* from the host itself (127.0.0.1:8080): locally made packets
     * never pass prerouting */
    {"-out", "output", "-100"},
    /* after routing: hairpin, loopback and outbound masquerade */
    {"-post", "postrouting", "srcnat"},
};

bool nft_chain_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.-") == n &&
	       ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'));
}

/* delete what may be there; "add" first makes the delete never fail */
static void put_remove(FILE *f, const char *c)
{
	fprintf(f, "add table inet " NFT_TABLE "\n");
	fprintf(f, "add chain inet " NFT_TABLE " %s\n", c);
	for (unsigned int i = 0; i < ARRAY_SIZE(bases); i++)
		fprintf(f,
			"add chain inet " NFT_TABLE
			" %s%s { type nat hook %s priority %s ; }\n",
			c, bases[i].suffix, bases[i].hook, bases[i].prio);
	/* the base chains first: their rules jump to the container's */
	for (unsigned int i = 0; i < ARRAY_SIZE(bases); i++)
		fprintf(f, "delete chain inet " NFT_TABLE " %s%s\n", c,
			bases[i].suffix);
	fprintf(f, "delete chain inet " NFT_TABLE " %s\n", c);
}

int nft_script_remove(const char *chain, char **out)
{
	size_t len;
	FILE *f;

	if (!nft_chain_ok(chain)) {
		errno = EINVAL;
		return -1;
	}
	f = open_memstream(out, &len);
	if (!f)
		return -1;
	put_remove(f, chain);
	return fclose(f) == 0 ? 0 : -1;
}

/* The subnet of a: its address with the host bits cleared. */
static struct cidr subnet_of(const struct cidr *a)
{
	struct cidr s = *a;
	unsigned int len = cidr_addr_len(a);

	for (unsigned int i = 0; i < len; i++) {
		unsigned int bits = i * 8;
		unsigned char mask =
		    a->prefix >= bits + 8 ? 0xff
		    : a->prefix <= bits
			? 0
			: (unsigned char)(0xff << (8 - (a->prefix - bits)));

		s.addr[i] &= mask;
	}
	return s;
}

/* One published port towards one container address. */
static void put_port(FILE *f, const char *c, const struct nft_port *p,
		     const struct cidr *a)
{
	const char *fam = a->family == AF_INET ? "ip" : "ip6";
	const char *proto = nft_proto_name(p->proto);
	char ab[64], hb[96], ib[64], nb[64], cr[16];
	struct cidr net = subnet_of(a);
	unsigned int last;

	addr_str(a, ab, sizeof(ab));
	cidr_str(&net, nb, sizeof(nb));
	/* a host address, or the family alone: a rule of each family */
	if (p->host_ip.family)
		snprintf(hb, sizeof(hb), "%s daddr %s ", fam,
			 addr_str(&p->host_ip, ib, sizeof(ib)));
	else
		snprintf(hb, sizeof(hb), "meta nfproto %s ",
			 a->family == AF_INET ? "ipv4" : "ipv6");
	if (p->ctr_end == p->ctr_port || p->host_port == p->host_end) {
		/* a host range onto one port: one rule */
		fprintf(f, "add rule inet " NFT_TABLE " %s %s%s dport ", c, hb,
			proto);
		if (p->host_end != p->host_port)
			fprintf(f, "%u-%u", p->host_port, p->host_end);
		else
			fprintf(f, "%u", p->host_port);
		fprintf(f, " dnat %s to %s%s%s:%u\n", fam,
			a->family == AF_INET6 ? "[" : "", ab,
			a->family == AF_INET6 ? "]" : "", p->ctr_port);
	} else {
		/* ranges of one length, port by port: nft's dnat to a range
		 * would pick any port of it, not the one at the offset */
		for (unsigned int h = p->host_port; h <= p->host_end; h++)
			fprintf(f,
				"add rule inet " NFT_TABLE
				" %s %s%s dport %u dnat %s to %s%s%s:%u\n",
				c, hb, proto, h, fam,
				a->family == AF_INET6 ? "[" : "", ab,
				a->family == AF_INET6 ? "]" : "",
				p->ctr_port + (h - p->host_port));
	}
	/*
	 * Whose replies would not come back through the host's NAT: the
	 * host's own loopback (127.0.0.1:8080 reaches the bridge only with
	 * route_localnet on it, and the container cannot answer 127.0.0.1),
	 * and the container's own subnet (itself, hairpin, or a neighbour
	 * on the bridge, answered directly otherwise).  Those are
	 * masqueraded, only for connections this DNAT made.
	 */
	last = p->ctr_end != p->ctr_port
		   ? p->ctr_port + (unsigned int)(p->host_end - p->host_port)
		   : p->ctr_port;
	if (last != p->ctr_port)
		snprintf(cr, sizeof(cr), "%u-%u", p->ctr_port, last);
	else
		snprintf(cr, sizeof(cr), "%u", p->ctr_port);
	fprintf(f,
		"add rule inet " NFT_TABLE
		" %s-post %s daddr %s %s dport %s ct status dnat %s saddr "
		"{ %s%s } masquerade\n",
		c, fam, ab, proto, cr, fam,
		a->family == AF_INET ? "127.0.0.0/8, " : "", nb);
}

int nft_script_publish(const struct nft_ctr *c, char **out)
{
	unsigned int rules = 0;
	char ab[64], nb[64];
	size_t len;
	FILE *f;

	*out = NULL;
	if (!nft_chain_ok(c->chain)) {
		errno = EINVAL;
		return -1;
	}
	/* every port needs an address to go to; count the rules */
	for (unsigned int i = 0; i < c->n_ports; i++) {
		const struct nft_port *p = &c->ports[i];
		unsigned int hit = 0;

		for (unsigned int j = 0; j < c->n_addrs; j++)
			if (!p->host_ip.family ||
			    p->host_ip.family == c->addrs[j].family)
				hit++;
		if (!hit) {
			errno = EDESTADDRREQ;
			return -1;
		}
		rules += hit * (unsigned int)(p->host_end - p->host_port + 1);
	}
	if (rules > MAX_RULE_PORTS) {
		errno = E2BIG;
		return -1;
	}
	f = open_memstream(out, &len);
	if (!f)
		return -1;
	put_remove(f, c->chain);
	fprintf(f, "add chain inet " NFT_TABLE " %s\n", c->chain);
	for (unsigned int i = 0; i < ARRAY_SIZE(bases); i++)
		fprintf(f,
			"add chain inet " NFT_TABLE
			" %s%s { type nat hook %s priority %s ; }\n",
			c->chain, bases[i].suffix, bases[i].hook,
			bases[i].prio);
	/* only what is addressed to the host itself is published */
	if (c->n_ports)
		for (unsigned int i = 0; i < 2; i++)
			fprintf(f,
				"add rule inet " NFT_TABLE
				" %s%s fib daddr type local jump %s\n",
				c->chain, bases[i].suffix, c->chain);
	for (unsigned int i = 0; i < c->n_ports; i++)
		for (unsigned int j = 0; j < c->n_addrs; j++)
			if (!c->ports[i].host_ip.family ||
			    c->ports[i].host_ip.family == c->addrs[j].family)
				put_port(f, c->chain, &c->ports[i],
					 &c->addrs[j]);
	for (unsigned int j = 0; c->masq && j < c->n_addrs; j++) {
		const struct cidr *a = &c->addrs[j];
		struct cidr net = subnet_of(a);
		const char *fam = a->family == AF_INET ? "ip" : "ip6";

		fprintf(f,
			"add rule inet " NFT_TABLE
			" %s-post %s saddr %s %s daddr != %s %s daddr != %s "
			"masquerade\n",
			c->chain, fam, addr_str(a, ab, sizeof(ab)), fam,
			cidr_str(&net, nb, sizeof(nb)), fam,
			a->family == AF_INET ? "224.0.0.0/4" : "ff00::/8");
	}
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* nft's path: PATH's, or the sbin directories a PATH without them lacks */
static const char *nft_path(void)
{
	static const char *const dirs[] = {"/usr/sbin/nft", "/sbin/nft",
					   "/usr/local/sbin/nft"};

	for (unsigned int i = 0; i < ARRAY_SIZE(dirs); i++)
		if (access(dirs[i], X_OK) == 0)
			return dirs[i];
	return "nft";
}

/* Run nft with args, script on stdin (or none); its stdout into *outp
 * when asked, the first line of its stderr into err. */
static int nft_run(char *const argv[], const char *script, char **outp,
		   char *err, size_t errsize)
{
	posix_spawn_file_actions_t fa;
	int in = -1, po[2] = {-1, -1}, pe[2], status, e;
	char *obuf = NULL, ebuf[1024];
	size_t olen = 0, elen = 0, ocap = 0;
	pid_t pid;

	if (err && errsize)
		err[0] = '\0';
	in = memfd_create("nft-script", MFD_CLOEXEC);
	if (in < 0)
		return -1;
	if (script &&
	    (write(in, script, strlen(script)) != (ssize_t)strlen(script) ||
	     lseek(in, 0, SEEK_SET) < 0)) {
		close(in);
		errno = EIO;
		return -1;
	}
	if (pipe2(pe, O_CLOEXEC) < 0 || (outp && pipe2(po, O_CLOEXEC) < 0)) {
		e = errno;
		close(in);
		errno = e;
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	if (outp)
		posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
						 0);
	e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in);
	close(pe[1]);
	if (outp)
		close(po[1]);
	if (e) {
		close(pe[0]);
		if (outp)
			close(po[0]);
		snprintf(err, errsize, "cannot run nft: %s", strerror(e));
		errno = e;
		return -1;
	}
	/* stdout first (a list may be long), then stderr (a line or two;
	 * the pipe holds it meanwhile) */
	while (outp) {
		ssize_t r;

		if (olen + 4097 > ocap) {
			char *nb = ocap < (16 << 20)
				       ? realloc(obuf, ocap + 65536)
				       : NULL;
			if (!nb)
				break;
			obuf = nb;
			ocap += 65536;
		}
		r = read(po[0], obuf + olen, ocap - olen - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		olen += (size_t)r;
	}
	if (outp)
		close(po[0]);
	for (;;) {
		ssize_t r = read(pe[0], ebuf + elen, sizeof(ebuf) - 1 - elen);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		elen += (size_t)r;
	}
	close(pe[0]);
	ebuf[elen] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			free(obuf);
			return -1;
		}
	if (obuf)
		obuf[olen] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		/* nft says "Error: ..." on a line of its own, after the
		 * script's line; that line is the reason */
		char *line = strstr(ebuf, "Error: ");

		if (err && errsize)
			snprintf(err, errsize, "%.*s",
				 (int)strcspn(line ? line : ebuf, "\n"),
				 line ? line : ebuf);
		free(obuf);
		errno = EPROTO;
		return -1;
	}
	if (outp)
		*outp = obuf ? obuf : strdup("");
	return 0;
}

int nft_apply(const char *script, char *err, size_t errsize)
{
	char *argv[] = {(char *)nft_path(), "-f", "-", NULL};

	return nft_run(argv, script, NULL, err, errsize);
}

int nft_list_chains(char ***names, size_t *n)
{
	char *argv[] = {(char *)nft_path(), "list", "table", "inet",
			NFT_TABLE,	    NULL};
	char *out = NULL, *line, *save = NULL, err[256], **v = NULL;
	size_t cnt = 0;

	*names = NULL;
	*n = 0;
	if (nft_run(argv, NULL, &out, err, sizeof(err)) < 0) {
		/* no table: no chains */
		if (errno == EPROTO && strstr(err, "No such file"))
			return 0;
		return -1;
	}
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char name[80];
		size_t len;
		char **nv;

		if (sscanf(line, " chain %79s {", name) != 1 ||
		    !nft_chain_ok(name))
			continue;
		len = strlen(name);
		/* the base chains go with their container's */
		if ((len > 4 && !strcmp(name + len - 4, "-pre")) ||
		    (len > 4 && !strcmp(name + len - 4, "-out")) ||
		    (len > 5 && !strcmp(name + len - 5, "-post")))
			continue;
		nv = realloc(v, (cnt + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		v[cnt] = strdup(name);
		if (v[cnt])
			cnt++;
	}
	free(out);
	*names = v;
	*n = cnt;
	return 0;
}
