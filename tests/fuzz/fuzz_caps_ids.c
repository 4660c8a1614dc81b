/*
 * fuzz_caps_ids - libFuzzer harness for common/caps.c and common/ids.c:
 * capability names and lists, numeric ids, and passwd/group text read
 * without NSS (the text comes from container images, so it is hostile).
 *
 * Properties, each an abort() when broken:
 *   - a list caps_parse_list() accepts prints back (cap_NAME,...) to a
 *     list that parses to the same mask; a refused one names an item
 *     inside the input that is indeed no capability;
 *   - caps_from_name() gives -1 or 0..63, and caps_str() of it parses back;
 *   - ids_parse_id() accepts digits only, and they print back;
 *   - a passwd or group entry found lies inside the buffer, at the start
 *     of a line, and has the name asked for; finding it again by uid
 *     gives the same uid; member gids have no duplicates.
 * The text buffers are allocated to their exact size without a NUL, so
 * AddressSanitizer sees any read past the end.
 */
#include "caps.h"
#include "ids.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check_caps(const char *s)
{
	uint64_t mask = 0, again = 0;
	size_t off = 0, len = 0;
	char list[64 * 32], one[32];
	size_t n = 0;
	int c;

	if (caps_parse_list(s, &mask, &off, &len) == 0) {
		list[0] = '\0';
		for (unsigned i = 0; i < CAPS_BITS; i++) {
			if (!(mask & CAPS_BIT(i)))
				continue;
			caps_str(i, one, sizeof(one));
			n += snprintf(list + n, sizeof(list) - n, "%s%s",
				      n ? "," : "", one);
		}
		if (!n)
			snprintf(list, sizeof(list), "none");
		if (caps_parse_list(list, &again, NULL, NULL) < 0 ||
		    again != mask)
			abort();
	} else {
		if (errno != EINVAL || off > strlen(s) || off + len > strlen(s))
			abort();
		/* the item named is really bad */
		if (caps_from_name(s + off, len) >= 0)
			abort();
		if (len && s[off + len] != ',' && s[off + len] != '\0')
			abort();
	}
	c = caps_from_name(s, strlen(s));
	if (c < -1 || c >= CAPS_BITS)
		abort();
	if (c >= 0) {
		caps_str((unsigned)c, one, sizeof(one));
		if (caps_from_name(one, strlen(one)) != c)
			abort();
		if (caps_first(CAPS_BIT(c)) != c)
			abort();
	}
}

static void check_id(const char *s)
{
	uint32_t id;
	char back[16];
	const char *p = s;

	if (ids_parse_id(s, &id) < 0)
		return;
	if (id > IDS_MAX)
		abort();
	while (p[0] == '0' && p[1])
		p++;
	snprintf(back, sizeof(back), "%" PRIu32, id);
	if (strcmp(back, p))
		abort();
}

/* Is p at the start of a line of buf? */
static int line_start(const char *buf, const char *p)
{
	return p == buf || p[-1] == '\n';
}

static void check_files(const char *buf, size_t len, const char *name)
{
	struct ids_user u, v;
	uint32_t gid, gids[4], more[64];
	size_t n, m;

	if (ids_passwd_find(buf, len, name, 0, &u) == 0) {
		if (u.name < buf || u.name + u.namelen > buf + len ||
		    !line_start(buf, u.name) || u.namelen != strlen(name) ||
		    memcmp(u.name, name, u.namelen) || u.uid > IDS_MAX ||
		    u.gid > IDS_MAX)
			abort();
		/* by uid: the first entry with it, maybe another name */
		if (ids_passwd_find(buf, len, NULL, u.uid, &v) < 0 ||
		    v.uid != u.uid || !line_start(buf, v.name))
			abort();
		n = ids_group_members(buf, len, u.name, u.namelen, gids, 4);
		m = ids_group_members(buf, len, u.name, u.namelen, more, 64);
		if (n > 4 && m > 64)
			return;
		for (size_t i = 0; i < m && i < 64; i++)
			for (size_t j = i + 1; j < m && j < 64; j++)
				if (more[i] == more[j])
					abort();
		if (m <= 4 && n != m)
			abort();
	} else if (errno != ENOENT) {
		abort();
	}
	if (ids_group_find(buf, len, name, &gid) == 0 && gid > IDS_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *buf, name[64];
	const uint8_t *nl;
	size_t k;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	check_caps(s);
	check_id(s);

	/* As a passwd/group file: look up the name its first line starts
	 * with (up to the first ':'), and "root". */
	buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	nl = memchr(data, ':', size);
	k = nl ? (size_t)(nl - data) : 0;
	if (k >= sizeof(name))
		k = sizeof(name) - 1;
	memcpy(name, data, k);
	name[k] = '\0';
	if (strlen(name) == k && k > 0)
		check_files(buf, size, name);
	check_files(buf, size, "root");
	free(buf);
	free(s);
	return 0;
}
