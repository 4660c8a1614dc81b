#include "caps.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Indexed by capability number, as in <linux/capability.h>. */
static const char *const cap_names[] = {
    [0] = "chown",
    [1] = "dac_override",
    [2] = "dac_read_search",
    [3] = "fowner",
    [4] = "fsetid",
    [5] = "kill",
    [6] = "setgid",
    [7] = "setuid",
    [8] = "setpcap",
    [9] = "linux_immutable",
    [10] = "net_bind_service",
    [11] = "net_broadcast",
    [12] = "net_admin",
    [13] = "net_raw",
    [14] = "ipc_lock",
    [15] = "ipc_owner",
    [16] = "sys_module",
    [17] = "sys_rawio",
    [18] = "sys_chroot",
    [19] = "sys_ptrace",
    [20] = "sys_pacct",
    [21] = "sys_admin",
    [22] = "sys_boot",
    [23] = "sys_nice",
    [24] = "sys_resource",
    [25] = "sys_time",
    [26] = "sys_tty_config",
    [27] = "mknod",
    [28] = "lease",
    [29] = "audit_write",
    [30] = "audit_control",
    [31] = "setfcap",
    [32] = "mac_override",
    [33] = "mac_admin",
    [34] = "syslog",
    [35] = "wake_alarm",
    [36] = "block_suspend",
    [37] = "audit_read",
    [38] = "perfmon",
    [39] = "bpf",
    [40] = "checkpoint_restore",
};

/*
 * Docker's (and containerd's) default: CHOWN DAC_OVERRIDE FSETID FOWNER
 * MKNOD NET_RAW SETGID SETUID SETFCAP SETPCAP NET_BIND_SERVICE
 * SYS_CHROOT KILL AUDIT_WRITE, CapBnd 00000000a80425fb in a container.
 */
const uint64_t caps_docker_default =
    CAPS_BIT(0) | CAPS_BIT(1) | CAPS_BIT(4) | CAPS_BIT(3) | CAPS_BIT(27) |
    CAPS_BIT(13) | CAPS_BIT(6) | CAPS_BIT(7) | CAPS_BIT(31) | CAPS_BIT(8) |
    CAPS_BIT(10) | CAPS_BIT(18) | CAPS_BIT(5) | CAPS_BIT(29);

const char *caps_name(unsigned int cap)
{
	return cap < sizeof(cap_names) / sizeof(cap_names[0]) ? cap_names[cap]
							      : NULL;
}

int caps_from_name(const char *s, size_t len)
{
	unsigned int i, n;

	if (len > 4 && strncasecmp(s, "cap_", 4) == 0) {
		s += 4;
		len -= 4;
	}
	if (len == 0)
		return -1;
	/* A number, as libcap's cap_from_name takes it: "21". */
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
	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (strlen(cap_names[i]) == len &&
		    strncasecmp(cap_names[i], s, len) == 0)
			return (int)i;
	return -1;
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
	const char *name = caps_name(cap);

	if (name)
		snprintf(buf, len, "cap_%s", name);
	else
		snprintf(buf, len, "cap_%u", cap);
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
	char buf[16];
	ssize_t n;
	int fd, last = -1, i;

	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			if (sscanf(buf, "%d", &last) == 1 && last >= 0 &&
			    last < CAPS_BITS)
				return last;
		}
	}
	/* No /proc (after a pivot without it): the kernel answers EINVAL
	 * for a capability it does not know. */
	for (i = 0; i < CAPS_BITS; i++) {
		if (prctl(PR_CAPBSET_READ, (unsigned long)i, 0, 0, 0) < 0) {
			if (errno != EINVAL)
				return -1;
			break;
		}
	}
	if (i == 0) {
		errno = ENOSYS;
		return -1;
	}
	return i - 1;
}

/* Version 3 of the interface: two 32-bit words per set. */
int caps_get(struct caps_sets *c)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	c->effective = d[0].effective | (uint64_t)d[1].effective << 32;
	c->permitted = d[0].permitted | (uint64_t)d[1].permitted << 32;
	c->inheritable = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return 0;
}

int caps_set(const struct caps_sets *c)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];

	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(c->effective >> (32 * i));
		d[i].permitted = (uint32_t)(c->permitted >> (32 * i));
		d[i].inheritable = (uint32_t)(c->inheritable >> (32 * i));
	}
	return (int)syscall(SYS_capset, &h, d);
}

uint64_t caps_bounding(int last)
{
	uint64_t m = 0;

	for (int i = 0; i <= last && i < CAPS_BITS; i++)
		if (prctl(PR_CAPBSET_READ, (unsigned long)i, 0, 0, 0) == 1)
			m |= CAPS_BIT(i);
	return m;
}
