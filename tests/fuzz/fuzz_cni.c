/*
 * fuzz_cni - libFuzzer harness for what a CNI runtime hands veth-link:
 * the network configuration (common/cni.c, with its prevResult and
 * runtimeConfig.portMappings), `-p` port specs (common/nft.c), and the
 * nft script made from them.
 *
 * Properties, each an abort() when broken:
 *   - an accepted configuration has a supported cniVersion, a name of
 *     [A-Za-z0-9][A-Za-z0-9_.-]*, a bridge name the kernel would take,
 *     an MTU of 0 or 68..65535, ports in range, and an ipam type with no
 *     '/'; a refused one has a code from the spec's list and a message;
 *   - an accepted port spec has 1 <= first <= last <= 65535 for both
 *     sides, and ranges of one length or a single container port;
 *   - every line of a script made from accepted input is an nft
 *     command of ours ("add ..." or "delete ..."), printable ASCII only:
 *     no input can smuggle a command or a newline into nft.
 */
#include "cni.h"
#include "nft.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static void check_script(const char *s)
{
	const char *line = s;

	for (const char *p = s; *p; p++)
		if ((*p < 0x20 || *p > 0x7e) && *p != '\n')
			abort();
	while (*line) {
		if (strncmp(line, "add ", 4) && strncmp(line, "delete ", 7))
			abort();
		line = strchr(line, '\n');
		if (!line)
			abort(); /* every command ends its line */
		line++;
	}
}

static void check_port(const struct nft_port *p)
{
	if (!p->host_port || p->host_end < p->host_port || !p->ctr_port ||
	    p->ctr_end < p->ctr_port)
		abort();
	if (p->ctr_end != p->ctr_port &&
	    p->ctr_end - p->ctr_port != p->host_end - p->host_port)
		abort();
}

static void check_conf(const char *buf, size_t len)
{
	static const int codes[] = {CNI_ERR_VERSION, CNI_ERR_CONFIG,
				    CNI_ERR_DECODE};
	struct cni_error e = {0};
	struct cni_conf c;
	struct cidr addrs[CNI_MAX_IPS];
	struct nft_ctr ctr = {.chain = "cni-00000000-00000000", .addrs = addrs};
	char *script;
	int ok = 0;

	if (cni_conf_parse(buf, len, &c, &e) < 0) {
		for (unsigned int i = 0; i < sizeof(codes) / sizeof(*codes);
		     i++)
			ok |= e.code == codes[i];
		if (!ok || !e.msg[0])
			abort();
		cni_conf_free(&c);
		return;
	}
	if (!cni_version_ok(c.version) || !c.name[0] ||
	    strspn(c.name,
		   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_.-") != strlen(c.name) ||
	    ifname_problem(c.bridge) ||
	    (c.mtu && (c.mtu < 68 || c.mtu > 65535)) ||
	    (c.ipam && (!c.ipam_type || strchr(c.ipam_type, '/'))) ||
	    c.n_ports > CNI_MAX_PORTS)
		abort();
	for (unsigned int i = 0; i < c.n_ports; i++)
		check_port(&c.ports[i]);
	for (unsigned int i = 0; c.has_prev && i < c.prev.n_ips; i++) {
		const struct cni_ip *ip = &c.prev.ips[i];

		if (ip->gw.family && ip->gw.family != ip->addr.family)
			abort();
		addrs[ctr.n_addrs++] = ip->addr;
	}
	ctr.ports = c.ports;
	ctr.n_ports = c.n_ports;
	ctr.masq = c.ip_masq;
	if (nft_script_publish(&ctr, &script) == 0) {
		check_script(script);
		free(script);
	} else if (errno != EDESTADDRREQ && errno != E2BIG) {
		abort();
	}
	cni_conf_free(&c);
}

static void check_port_spec(const char *s)
{
	struct nft_port p;
	struct cidr a = {
	    .family = AF_INET, .addr = {10, 0, 0, 2}, .prefix = 24};
	struct cidr b = {
	    .family = AF_INET6, .addr = {0xfd, 0, [15] = 2}, .prefix = 64};
	struct cidr both[2] = {a, b};
	struct nft_ctr ctr = {.chain = "link-x",
			      .addrs = both,
			      .n_addrs = 2,
			      .ports = &p,
			      .n_ports = 1};
	char *script;

	if (nft_port_parse(s, &p) < 0)
		return;
	check_port(&p);
	if (nft_script_publish(&ctr, &script) == 0) {
		check_script(script);
		free(script);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 8192)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_conf(s, size);
	if (size < 128)
		check_port_spec(s);
	free(s);
	return 0;
}
