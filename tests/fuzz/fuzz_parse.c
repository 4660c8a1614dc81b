/*
 * fuzz_parse - libFuzzer harness for common/parse.c: every parser must
 * take any bytes without crashing, and what it accepts must round-trip.
 */
#include "parse.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[256], back[64];
	uint64_t u;
	int64_t i;
	int sig;
	pid_t pid;
	struct idmap m;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (parse_u64(s, &u) == 0) {
		/* accepted: digits only, so printing gives back the input
		 * less any leading zeros */
		const char *p = s;

		while (p[0] == '0' && p[1])
			p++;
		snprintf(back, sizeof(back), "%" PRIu64, u);
		if (strcmp(back, p))
			abort();
	}
	if (parse_s64(s, &i) == 0 && s[0] != '+' && s[0] != '-' &&
	    (uint64_t)i != u)
		abort();
	parse_bytes(s, &u);
	if (parse_millis(s, &u) == 0 && u == 0)
		abort();
	if (parse_pid(s, &pid) == 0 && (pid < 1 || pid > 4194304))
		abort();
	if (parse_signal(s, &sig) == 0 && (sig < 1 || sig > 64))
		abort();
	if (parse_idmap(s, &m) == 0 &&
	    (m.count == 0 || (uint64_t)m.inner + m.count - 1 >= UINT32_MAX ||
	     (uint64_t)m.outer + m.count - 1 >= UINT32_MAX))
		abort();
	return 0;
}
