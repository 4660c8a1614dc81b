#include "ns.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const struct ns_type ns_types[] = {
	{ CLONE_NEWUSER, "user", "user", 'U' },
	{ CLONE_NEWCGROUP, "cgroup", "cgroup", 'C' },
	{ CLONE_NEWIPC, "ipc", "ipc", 'i' },
	{ CLONE_NEWUTS, "uts", "uts", 'u' },
	{ CLONE_NEWNET, "net", "net", 'n' },
	{ CLONE_NEWPID, "pid", "pid", 'p' },
	{ CLONE_NEWTIME, "time", "time", 'T' },
	{ CLONE_NEWNS, "mnt", "mount", 'm' },
};
const unsigned ns_count = sizeof(ns_types) / sizeof(ns_types[0]);

const struct ns_type *ns_by_flag(int flag)
{
	for (unsigned i = 0; i < ns_count; i++)
		if (ns_types[i].flag == flag)
			return &ns_types[i];
	return NULL;
}

const struct ns_type *ns_by_file(const char *file)
{
	for (unsigned i = 0; i < ns_count; i++)
		if (!strcmp(ns_types[i].file, file))
			return &ns_types[i];
	return NULL;
}

const struct ns_type *ns_by_option(const char *option)
{
	for (unsigned i = 0; i < ns_count; i++)
		if (!strcmp(ns_types[i].option, option))
			return &ns_types[i];
	return NULL;
}

unsigned long ns_inode(pid_t pid, const char *file)
{
	char path[64];
	struct stat st;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s", file);
	if (stat(path, &st) < 0)
		return 0;
	return (unsigned long)st.st_ino;
}
