/*
 * fuzz_containers - libFuzzer harness for the parsers of what other
 * programs wrote, in common/containers.c: the strict JSON reader (runc's
 * state.json, crun's status, Docker's and CRI-O's config files), a
 * parent's command line (conmon, containerd-shim, ...), a cgroup path.
 *
 * Properties, each an abort() when broken:
 *   - json_get never reads outside the buffer (ASan), and whether a
 *     document is JSON does not depend on the path asked for: EINVAL for
 *     one path is EINVAL for every path; a value found is NUL-terminated
 *     inside out, and a string value holds no NUL;
 *   - a value found for a path is found again when asked a second time
 *     with a larger buffer, equal;
 *   - the identity the cmdline and cgroup readers fill stays terminated
 *     within its fields, and its runtime is one of the table's.
 */
#include "containers.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_ident(const struct ct_ident *id)
{
	if (id->rt < 0 || id->rt >= RT_COUNT)
		abort();
	if (!memchr(id->id, '\0', sizeof(id->id)) ||
	    !memchr(id->name, '\0', sizeof(id->name)))
		abort();
	if (!ct_runtime_name(id->rt))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[][2] = {
	    {"init_process_pid", NULL},
	    {"annotations", "io.kubernetes.cri.container-name"},
	    {"Name", NULL},
	    {"a", "b"},
	};
	const char *buf = (const char *)data;
	char out[64], big[4096], path[512];
	bool invalid = false, valid = false;
	struct ct_ident id;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		unsigned n = paths[i][1] ? 2 : 1;
		int r = json_get(buf, size, paths[i], n, out, sizeof(out));

		if (r < 0 && errno == EINVAL)
			invalid = true;
		else
			valid = true;
		if (!memchr(out, '\0', sizeof(out)))
			abort();
		if (r == 0) {
			if (json_get(buf, size, paths[i], n, big,
				     sizeof(big)) != 0 ||
			    strcmp(out, big))
				abort();
		}
	}
	if (invalid && valid)
		abort();

	memset(&id, 0, sizeof(id));
	ct_from_cmdline(buf, size, &id);
	check_ident(&id);

	memset(&id, 0, sizeof(id));
	if (size < sizeof(path)) {
		memcpy(path, data, size);
		path[size] = '\0';
		ct_from_cgroup(path, &id);
		check_ident(&id);
	}
	return 0;
}
