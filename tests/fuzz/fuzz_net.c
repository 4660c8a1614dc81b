/*
 * fuzz_net - libFuzzer harness for the pure network parsers of
 * common/netlink.c: CIDRs, bare addresses, interface names, MACs.
 *
 * Properties, each an abort() when broken:
 *   - an accepted CIDR or address has a known family and a prefix in
 *     range, prints back (cidr_str/addr_str) to text that parses to the
 *     same bytes, and held no whitespace, '%' zone or sign;
 *   - ifname_problem() accepts exactly the names the kernel's
 *     dev_valid_name() takes, less ':' (checked against a reference);
 *   - an accepted MAC prints back to the input (case aside), is unicast
 *     and not all zeros.
 */
#include "netlink.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static void check_cidr(const char *s)
{
	struct cidr c, d;
	char buf[80];

	if (cidr_parse(s, &c) == 0) {
		if (c.family != AF_INET && c.family != AF_INET6)
			abort();
		if (c.prefix > (c.family == AF_INET ? 32u : 128u))
			abort();
		if (strpbrk(s, " \t\n%+") || !strchr(s, '/'))
			abort();
		cidr_str(&c, buf, sizeof(buf));
		if (cidr_parse(buf, &d) < 0 || memcmp(&c, &d, sizeof(c)))
			abort();
	} else if (errno != EINVAL && errno != ERANGE) {
		abort();
	}
	if (addr_parse(s, &c) == 0) {
		if (c.prefix != 8 * cidr_addr_len(&c) || strchr(s, '/'))
			abort();
		addr_str(&c, buf, sizeof(buf));
		if (addr_parse(buf, &d) < 0 || memcmp(&c, &d, sizeof(c)))
			abort();
	}
}

/* The kernel's dev_valid_name(), plus ':' (an IPv4 alias label). */
static int ref_ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p == '/' || *p == ':' || isspace(*p) || *p == 0xa0 ||
		    *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static void check_mac(const char *s)
{
	unsigned char mac[6];
	char back[18];

	if (mac_parse(s, mac) < 0)
		return;
	snprintf(back, sizeof(back), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	if (strcasecmp(back, s))
		abort();
	if ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	const char *why;

	if (size > 256)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	check_cidr(s);
	why = ifname_problem(s);
	if ((why == NULL) != ref_ifname_ok(s))
		abort();
	check_mac(s);
	free(s);
	return 0;
}
