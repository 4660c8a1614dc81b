/*
 * nft.h - published ports (DNAT, as `docker run -p`) and masquerade for
 * one container, in nftables' table "inet boxutils": a chain of its own
 * named for the container, holding its DNAT rules, and three base
 * chains (prerouting, output, postrouting) that jump to it or
 * masquerade; removing the container is deleting its chains, in one
 * transaction, with nothing else to find or renumber.
 *
 * The rules are written as one nft script and applied by the nft
 * program in one transaction (`nft -f -`): all or nothing.  Why the
 * program and not libnftables: measured here, starting nft costs about
 * 1.5 ms over starting /bin/true, a transaction that adds a container's
 * chains about 4.5 ms in all, and one that deletes them 14-18 ms, nearly
 * all of it the kernel's (deleting chains waits for an RCU grace
 * period); linking libnftables would save the 1.5 ms and bring libnftnl,
 * libmnl, gmp and a second JSON library into the static build.
 * Per-container base chains cost nothing per packet but on a
 * connection's first (NAT is looked up once per connection).  Building
 * the script is pure (fuzzed with the parsers); running nft is not.
 * Functions return 0, or -1 with errno (nft_apply: with nft's own
 * words in err).
 */
#ifndef BOX_NFT_H
#define BOX_NFT_H

#include "netlink.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFT_TABLE    "boxutils"
#define NFT_MAX_ADDR 16

/* A published port, as runtimeConfig.portMappings or `-p` give it. */
struct nft_port {
	struct cidr host_ip;	      /* family 0: every address of the host */
	uint16_t host_port, host_end; /* a range host_port..host_end */
	uint16_t ctr_port, ctr_end;   /* the container's: one port, or a
				       * range as long as the host's */
	int proto;		      /* IPPROTO_TCP, _UDP or _SCTP */
};

/*
 * One `docker run -p` spec: [HOST_IP:]HOST_PORT[-END]:CTR_PORT[-END]
 * [/tcp|/udp|/sctp], an IPv6 host address in brackets ("[::1]:80:80").
 * The two ranges must be of one length.  -1 with errno EINVAL.
 */
int nft_port_parse(const char *s, struct nft_port *p);

/* "tcp", "udp", "sctp" */
const char *nft_proto_name(int proto);
/* "tcp", "udp", "sctp" in any case into IPPROTO_*; -1 for others */
int nft_proto_parse(const char *s, int *proto);

struct nft_ctr {
	/* the chain's name, "link-NAME" or "cni-NET-ATTACHMENT":
	 * [A-Za-z0-9_.-], at most 64 bytes */
	const char *chain;
	const struct cidr *addrs; /* the container's addresses (with
				   * their subnets' prefixes) */
	unsigned int n_addrs;
	const struct nft_port *ports;
	unsigned int n_ports;
	bool masq; /* its traffic to outside its subnets masqueraded */
};

/* Is s a chain name we make? */
bool nft_chain_ok(const char *s);

/*
 * The script that (re)makes c's chains: any old ones removed first, in
 * the same transaction, so applying it twice gives one set.  A port to
 * publish needs a container address of its host address's family (or
 * of any family when it has none): -1 with EDESTADDRREQ otherwise.
 * A range publishes each port of it (at most 1024 in all).  The script
 * is malloc'ed into *out.
 */
int nft_script_publish(const struct nft_ctr *c, char **out);

/* The script that removes chain's chains; none there is no error. */
int nft_script_remove(const char *chain, char **out);

/* Run `nft -f -` with script; on failure nft's first error line in err. */
int nft_apply(const char *script, char *err, size_t errsize);

/*
 * The container chains in the table now (none when there is no table),
 * as a malloc'ed array of malloc'ed names in *names, *n of them.
 */
int nft_list_chains(char ***names, size_t *n);

#endif
