/*
 * fuzz_userns - libFuzzer harness for user namespace id maps:
 * parse_idmap() (common/parse.c), userns_map_overlaps() and the
 * /etc/subuid reader userns_subid_range() (common/userns.c), the latter
 * fed the input through a memfd, since it takes a file name.
 *
 * Properties, each an abort() when broken:
 *   - an accepted map line has count >= 1 and neither range wraps, and
 *     prints back ("I:O:C") to the same map;
 *   - userns_map_overlaps() agrees with a brute-force reference that
 *     compares every id pair of small ranges;
 *   - a subordinate range found has count >= 1, ends below 2^32-1, and
 *     comes from a line of the file that names the user (by name or id)
 *     and holds those numbers.
 */
#include "parse.h"
#include "userns.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int memfd = -1;
static char memfd_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = memfd_create("subuid", MFD_CLOEXEC);
	if (memfd < 0)
		abort();
	snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	return 0;
}

static bool ref_in(uint32_t x, uint32_t start, uint32_t count)
{
	return x >= start && (uint64_t)x < (uint64_t)start + count;
}

/* Two ranges overlap when either end of one lies in the other. */
static bool ref_overlap(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return ref_in(a, b, bn) || ref_in(b, a, an) ||
	       ref_in(a + an - 1, b, bn) || ref_in(b + bn - 1, a, an);
}

static void check_maps(char *s)
{
	struct idmap m[8], again;
	char back[64], *save = NULL;
	size_t n = 0;
	bool ref = false;

	for (char *t = strtok_r(s, " \n", &save); t && n < 8;
	     t = strtok_r(NULL, " \n", &save)) {
		if (parse_idmap(t, &m[n]) < 0)
			continue;
		if (m[n].count == 0 ||
		    (uint64_t)m[n].inner + m[n].count - 1 > UINT32_MAX ||
		    (uint64_t)m[n].outer + m[n].count - 1 > UINT32_MAX)
			abort();
		snprintf(back, sizeof(back), "%" PRIu32 ":%" PRIu32 ":%" PRIu32,
			 m[n].inner, m[n].outer, m[n].count);
		if (parse_idmap(back, &again) < 0 ||
		    memcmp(&again, &m[n], sizeof(again)))
			abort();
		n++;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (ref_overlap(m[i].inner, m[i].count, m[j].inner,
					m[j].count) ||
			    ref_overlap(m[i].outer, m[i].count, m[j].outer,
					m[j].count))
				ref = true;
	if (userns_map_overlaps(m, n) != ref)
		abort();
}

static void check_subid(const uint8_t *data, size_t size, const char *name,
			uid_t id)
{
	struct idmap m = { 7, 0, 0 };
	char a[16], b[16];
	const char *line;

	if (ftruncate(memfd, 0) < 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	if (userns_subid_range(memfd_path, name, id, &m) < 0) {
		if (errno != ENOENT)
			abort();
		return;
	}
	if (m.inner != 7 || m.count == 0 ||
	    (uint64_t)m.outer + m.count - 1 > UINT32_MAX - 1)
		abort();
	/* some line of the file holds the user and both numbers */
	snprintf(a, sizeof(a), "%" PRIu32, m.outer);
	snprintf(b, sizeof(b), "%" PRIu32, m.count);
	for (line = (const char *)data; line < (const char *)data + size;) {
		const char *end = memchr(line, '\n', (const char *)data + size - line);
		size_t len = end ? (size_t)(end - line) : (size_t)((const char *)data + size - line);

		if (memmem(line, len, a, strlen(a)) &&
		    memmem(line, len, b, strlen(b)) &&
		    (memmem(line, len, name, strlen(name)) ||
		     memmem(line, len, "1000", 4)))
			return;
		line += len + 1;
	}
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	check_subid(data, size, "alice", 1000);
	check_maps(s);
	free(s);
	return 0;
}
