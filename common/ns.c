#include "ns.h"

#include <sched.h>
#include <string.h>

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
