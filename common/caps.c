#include "caps.h"

/* boxutils-pkgs: libcap */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/*
 * Docker's (and containerd's) default: CHOWN DAC_OVERRIDE FSETID FOWNER
 * MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE
 * SYS_CHROOT KILL AUDIT_WRITE, CapBnd 00000000a80425fb in a container.
 */
const uint64_t caps_docker_default =
    CAPS_BIT(CAP_CHOWN) | CAPS_BIT(CAP_DAC_OVERRIDE) | CAPS_BIT(CAP_FSETID) |
    CAPS_BIT(CAP_FOWNER) | CAPS_BIT(CAP_MKNOD) | CAPS_BIT(CAP_NET_RAW) |
    CAPS_BIT(CAP_SETGID) | CAPS_BIT(CAP_SETUID) | CAPS_BIT(CAP_SETFCAP) |
    CAPS_BIT(CAP_SETPCAP) | CAPS_BIT(CAP_NET_BIND_SERVICE) |
    CAPS_BIT(CAP_SYS_CHROOT) | CAPS_BIT(CAP_KILL) | CAPS_BIT(CAP_AUDIT_WRITE);

int caps_from_name(const char *s, size_t len)
{
	char name[48] = "cap_";
	cap_value_t v;
	size_t i, off = 4;
	unsigned int n;

	if (len > 4 && strncasecmp(s, "cap_", 4) == 0) {
		s += 4;
		len -= 4;
	}
	if (len == 0 || len > sizeof(name) - off - 1)
		return -1;
	/* A number, decimal and without leading zeros: "21" (libcap would
	 * also take "0x15" and "025"). */
	if (s[0] >= '0' && s[0] <= '9') {
		if (len > 2 || (len == 2 && s[0] == '0'))
			return -1;
		for (n = 0, i = 0; i < len; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			n = n * 10 + (unsigned int)(s[i] - '0');
		}
		return n < CAPS_BITS ? (int)n : -1;
	}
	/* libcap stops a name at the first character that cannot be in
	 * one and ignores the rest ("chown-x" would be chown): only names
	 * made of letters and '_' are asked about. */
	for (i = 0; i < len; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') || s[i] == '_'))
			return -1;
		name[off + i] = s[i];
	}
	name[off + len] = '\0';
	if (cap_from_name(name, &v) < 0 || v < 0 || v >= CAPS_BITS)
		return -1;
	return (int)v;
}

int caps_parse_list(const char *s, uint64_t *mask, size_t *bad_off,
		    size_t *bad_len)
{
	const char *item = s, *end;
	uint64_t m = 0;
	size_t len;
	int cap;

	for (;;) {
		end = strchr(item, ',');
		len = end ? (size_t)(end - item) : strlen(item);
		if (len == 3 && strncasecmp(item, "all", 3) == 0)
			m = CAPS_ALL;
		else if (len == 4 && strncasecmp(item, "none", 4) == 0)
			; /* adds nothing; "none" alone is the empty set */
		else if ((cap = caps_from_name(item, len)) >= 0)
			m |= CAPS_BIT(cap);
		else {
			if (bad_off)
				*bad_off = (size_t)(item - s);
			if (bad_len)
				*bad_len = len;
			errno = EINVAL;
			return -1;
		}
		if (!end)
			break;
		item = end + 1;
	}
	*mask = m;
	return 0;
}

void caps_str(unsigned int cap, char *buf, size_t len)
{
	char *name = cap_to_name((cap_value_t)cap);

	/* libcap names what it knows ("cap_chown") and numbers the rest */
	if (name && name[0] >= '0' && name[0] <= '9')
		snprintf(buf, len, "cap_%s", name);
	else if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "cap_%u", cap);
	cap_free(name);
}

size_t caps_list_str(uint64_t mask, char *buf, size_t len)
{
	char one[48];
	size_t used = 0;
	int n;

	if (len)
		buf[0] = '\0';
	for (unsigned int i = 0; i < CAPS_BITS; i++) {
		if (!(mask & CAPS_BIT(i)))
			continue;
		caps_str(i, one, sizeof(one));
		n = snprintf(buf + used, len > used ? len - used : 0, "%s%s",
			     used ? "," : "", one);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return used;
}

int caps_first(uint64_t mask)
{
	return mask ? __builtin_ctzll(mask) : -1;
}

uint64_t caps_upto(int last)
{
	if (last < 0)
		return 0;
	if (last >= CAPS_BITS - 1)
		return CAPS_ALL;
	return CAPS_BIT(last + 1) - 1;
}

int caps_last_cap(void)
{
	/* libcap found it before main (PR_CAPBSET_READ, binary search):
	 * it needs no /proc, so it works after a pivot without one */
	cap_value_t n = cap_max_bits();

	if (n <= 0 || n > CAPS_BITS) {
		errno = ENOSYS;
		return -1;
	}
	return (int)n - 1;
}

/* A cap_t's set as a mask, the capabilities the kernel knows (the
 * kernel holds none above them). */
static uint64_t set_mask(cap_t c, cap_flag_t which)
{
	cap_flag_value_t v;
	uint64_t m = 0;
	int n = cap_max_bits() > CAPS_BITS ? CAPS_BITS : cap_max_bits();

	for (int i = 0; i < n; i++)
		if (cap_get_flag(c, (cap_value_t)i, which, &v) == 0 &&
		    v == CAP_SET)
			m |= CAPS_BIT(i);
	return m;
}

int caps_get(struct caps_sets *c)
{
	cap_t now = cap_get_proc();

	if (!now)
		return -1;
	c->effective = set_mask(now, CAP_EFFECTIVE);
	c->permitted = set_mask(now, CAP_PERMITTED);
	c->inheritable = set_mask(now, CAP_INHERITABLE);
	cap_free(now);
	return 0;
}

/* mask into one set of c; 0, or -1 with errno */
static int mask_set(cap_t c, cap_flag_t which, uint64_t mask)
{
	cap_value_t v;

	for (int i = 0; i < CAPS_BITS; i++) {
		if (!(mask & CAPS_BIT(i)))
			continue;
		v = (cap_value_t)i;
		if (cap_set_flag(c, which, 1, &v, CAP_SET) < 0)
			return -1;
	}
	return 0;
}

cap_t caps_to_cap(const struct caps_sets *c)
{
	cap_t t = cap_init();

	if (!t)
		return NULL;
	if (mask_set(t, CAP_EFFECTIVE, c->effective) < 0 ||
	    mask_set(t, CAP_PERMITTED, c->permitted) < 0 ||
	    mask_set(t, CAP_INHERITABLE, c->inheritable) < 0) {
		cap_free(t);
		return NULL;
	}
	return t;
}

int caps_set(const struct caps_sets *c)
{
	cap_t t = caps_to_cap(c);
	int r, err;

	if (!t)
		return -1;
	r = cap_set_proc(t);
	err = errno;
	cap_free(t);
	errno = err;
	return r;
}

uint64_t caps_bounding(int last)
{
	uint64_t m = 0;

	for (int i = 0; i <= last && i < CAPS_BITS; i++)
		if (cap_get_bound((cap_value_t)i) == 1)
			m |= CAPS_BIT(i);
	return m;
}
