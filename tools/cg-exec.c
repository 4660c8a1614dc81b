/*
 * cg-exec - move this process into a cgroup, then exec prog in it.
 *
 *   cg-exec [--relative] PATH [prog [arg...]]
 *   cg-exec [--relative] -g CONTROLLERS:PATH... [prog [arg...]]
 *
 * No fork: the process that moves is the one prog runs as.  On
 * v1 and hybrid hosts PATH is joined in every hierarchy where it exists
 * (or in those of the controllers named with -g, as libcgroup's cgexec).
 */
#include "box.h"
#include "cgroup.h"
#include "exec.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct option longopts[] = {
    {"cgroup", required_argument, NULL, 'g'},
    {"relative", no_argument, NULL, 'r'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

_Noreturn static void usage(void)
{
	printf(
	    "Usage: %s [options] PATH [prog [arg...]]\n"
	    "       %s [options] -g CONTROLLERS:PATH... [prog [arg...]]\n"
	    "Move into a cgroup, then run prog (default $SHELL) in it.\n"
	    "\n"
	    "  -g, --cgroup CTRL[,CTRL]:PATH  join PATH in the hierarchies of\n"
	    "                           these controllers (* for all)\n"
	    "  -r, --relative           PATH is below the caller's own cgroup\n"
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n",
	    box_prog, box_prog);
	exit(0);
}

int main(int argc, char **argv)
{
	const char *target[CG_MAX_HIER] = {0}, *gs[CG_MAX_HIER * 2];
	bool relative = false, all;
	char rel[CG_PATH_MAX];
	int c, ng = 0, joined = 0;
	struct cg_sys sys;
	struct cg_err e;

	box_init(argc, argv);
	opterr = 0; /* one line of our own, not getopt's */
	while ((c = getopt_long(argc, argv, "+:g:rhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (ng == (int)ARRAY_SIZE(gs))
				xusage_error("too many -g options");
			gs[ng++] = optarg;
			break;
		case 'r':
			relative = true;
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		case ':':
			xusage_error("option '%s' needs a value",
				     argv[optind - 1]);
		default:
			xusage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!ng && optind == argc)
		xusage_error("no cgroup PATH given");
	if (cg_discover(&sys, &e) < 0)
		xcg_die(&e);

	/* Which hierarchies, at which path: all checked before moving. */
	all = !ng;
	if (all) {
		if (cg_check_path(argv[optind], relative, &e) < 0)
			xcg_die(&e);
		for (int i = 0; i < sys.n; i++)
			if (cg_hier_real(&sys.h[i]))
				target[i] = argv[optind];
		optind++;
	}
	for (int g = 0; g < ng; g++) {
		const char *colon = strchr(gs[g], ':'), *p, *end;

		if (!colon || colon == gs[g])
			xusage_error("bad -g '%s': expected CONTROLLERS:PATH",
				     gs[g]);
		if (cg_check_path(colon + 1, relative, &e) < 0)
			xcg_die(&e);
		for (p = gs[g]; p < colon; p = end + 1) {
			end = memchr(p, ',', (size_t)(colon - p));
			if (!end)
				end = colon;
			if (end - p == 1 && *p == '*') {
				for (int i = 0; i < sys.n; i++)
					if (cg_hier_real(&sys.h[i]))
						target[i] = colon + 1;
				continue;
			}
			int ctl = cg_ctrl_by_name(p, (size_t)(end - p)),
			    hi = -1;

			if (ctl < 0)
				xusage_error("bad -g '%s': unknown controller "
					     "'%.*s'",
					     gs[g], (int)(end - p), p);
			for (int i = 0; i < sys.n; i++)
				if (!sys.h[i].v2 &&
				    (sys.h[i].ctrls & (1u << ctl)))
					hi = i;
			/* not bound to v1: cgroup2 has it, or nobody */
			if (hi < 0)
				hi = sys.v2;
			if (hi < 0)
				xdie(
				    "join %.*s:%s: no cgroup hierarchy has the "
				    "%.*s controller",
				    (int)(end - p), p, colon + 1,
				    (int)(end - p), p);
			target[hi] = colon + 1;
		}
	}
	if (relative && cg_load_self(&sys, &e) < 0)
		xcg_die(&e);

	for (int i = 0; i < sys.n; i++) {
		if (!target[i])
			continue;
		if (cg_rel(&sys.h[i], relative, target[i], rel, sizeof(rel),
			   &e) < 0)
			xcg_die(&e);
		if (cg_join(&sys.h[i], rel) == 0) {
			joined++;
			continue;
		}
		if (errno == ENOENT && all)
			continue; /* PATH is not in this hierarchy */
		char pid[24];

		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		cg_explain(&e, errno, &sys.h[i], rel, cg_join_file(&sys.h[i]),
			   pid);
		if (e.err == ENOENT)
			snprintf(e.hint, sizeof(e.hint),
				 "no such cgroup; make it with cg-create");
		else if ((e.err == EACCES || e.err == EPERM) && sys.h[i].v2 &&
			 !e.hint[0])
			snprintf(e.hint, sizeof(e.hint),
				 "moving needs write access to cgroup.procs of "
				 "the nearest common ancestor of both cgroups");
		xcg_die(&e);
	}
	if (!joined)
		xdie("join cgroup %s: No such file or directory (it exists in "
		     "no hierarchy; make it with cg-create)",
		     argv[optind - 1]);
	xexec(argc - optind, argv + optind);
}
