/*
 * fuzz_exec_env - libFuzzer harness for common/exec.c's reader of
 * BOX_HOST_TOOLS, the variable by which the boxutils tools of a chain
 * hand the host tools pivot --host-prog carries to each other (see
 * exec.h).  The variable comes from the environment, so anything may be
 * in it.  Properties, each an abort() when broken:
 *   - only fds that are open here and >= 3 are taken, each with
 *     FD_CLOEXEC set (no other fd changes); never more than
 *     HOST_TOOLS_MAX;
 *   - every word taken is non-empty, holds no ',' ':' or control
 *     character, and appears in the input right after "FD:";
 *   - host_tool_fd() finds each word taken; host_tools_close() empties
 *     the table.
 */
#include "exec.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NFD   8
#define MAXFD 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds[NFD], before[MAXFD], n, fd, taken = 0;
	char *env, pair[300];

	if (size > 4096)
		return 0;
	env = malloc(size + 1);
	memcpy(env, data, size);
	env[size] = '\0';
	/* a few open fds for the input to name (3, 4, ... in a fresh
	 * harness), without close-on-exec as a tool receives them */
	for (int i = 0; i < NFD; i++) {
		fds[i] = open("/dev/null", O_RDONLY);
		if (fds[i] < 0)
			abort();
	}
	for (fd = 0; fd < MAXFD; fd++)
		before[fd] = fcntl(fd, F_GETFD);
	n = host_tools_parse(env);
	if (n < 0 || n > HOST_TOOLS_MAX)
		abort();
	for (fd = 0; fd < MAXFD; fd++) {
		int fl = fcntl(fd, F_GETFD);

		/* an fd made close-on-exec was taken, and was open (ours,
		 * or one the harness inherited) */
		if (fl >= 0 && (fl & FD_CLOEXEC) &&
		    !(before[fd] & FD_CLOEXEC)) {
			if (fd < 3 || before[fd] < 0)
				abort();
			taken++;
		}
	}
	if (taken > n)
		abort();
	/* each word in the input as "FD:WORD", and found again */
	for (const char *p = env; *p;) {
		const char *colon = strchr(p, ':'), *end = strchrnul(p, ',');
		char w[300];

		if (!colon || colon > end)
			break;
		snprintf(w, sizeof(w), "%.*s", (int)(end - colon - 1),
			 colon + 1);
		fd = host_tool_fd(w);
		if (fd >= 0) {
			snprintf(pair, sizeof(pair), "%d:%s", fd, w);
			if (!strstr(env, pair) || fd < 3 || !*w ||
			    strpbrk(w, ",:") || fcntl(fd, F_GETFD) < 0)
				abort();
			for (const char *c = w; *c; c++)
				if ((unsigned char)*c < 0x20 || *c == 0x7f)
					abort();
		}
		p = *end ? end + 1 : end;
	}
	host_tools_close();
	if (host_tool_fd("cap-drop") >= 0)
		abort();
	/* what host_tools_close() left open is ours to close */
	for (int i = 0; i < NFD; i++)
		close(fds[i]);
	free(env);
	return 0;
}
