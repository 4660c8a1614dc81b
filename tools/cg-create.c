/*
 * cg-create - make a cgroup in every hierarchy and set its limits.
 *
 *   cg-create [--parents] [--relative] [--owner USER[:GROUP]] [limits] PATH...
 *   cg-create [-a USER[:GROUP]] [-t USER[:GROUP]] [-d MODE] [-f MODE]
 *             [-s MODE] -g CONTROLLERS:PATH...      (libcgroup's cgcreate)
 *
 * On cgroup v2 the controllers a limit needs (or -g names) are enabled
 * top-down in the ancestors' cgroup.subtree_control; on v1 and hybrid
 * hosts a bare PATH is made in every controller hierarchy, so cg-exec
 * can join them all, and -g CONTROLLERS:PATH in those of the controllers
 * named.  Options may follow the paths, as with cgcreate.
 */
/* boxutils-pkgs: mount */
#include "box.h"
#include "cgroup.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const struct option longopts[] = {
    CG_LIMIT_LONGOPTS,
    {"parents", no_argument, NULL, 'p'},
    {"relative", no_argument, NULL, 'r'},
    {"owner", required_argument, NULL, 'o'},
    {"cgroup", required_argument, NULL, 'g'},
    {"admin", required_argument, NULL, 'a'},
    {"tasks-owner", required_argument, NULL, 't'},
    {"dperm", required_argument, NULL, 'd'},
    {"fperm", required_argument, NULL, 'f'},
    {"tperm", required_argument, NULL, 's'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

_Noreturn static void usage(void)
{
	printf(
	    "Usage: %s [options] PATH...\n"
	    "       %s [options] -g CONTROLLERS:PATH...\n"
	    "Create cgroups and set their limits, on cgroup v2, v1 and hybrid "
	    "hosts.\n"
	    "\n" CG_LIMIT_HELP
	    "  -p, --parents            make missing parents, accept existing\n"
	    "  -r, --relative           PATH is below the caller's own cgroup\n"
	    "  -o, --owner USER[:GROUP] delegate the cgroup to USER\n"
	    "\n"
	    "libcgroup's cgcreate syntax:\n"
	    "  -g, --cgroup CTRL[,CTRL]:PATH  make PATH in the hierarchies of\n"
	    "                           these controllers (* for all)\n"
	    "  -a, --admin USER[:GROUP] owner of the directory and every file\n"
	    "  -t, --tasks-owner USER[:GROUP]  owner of tasks, cgroup.procs\n"
	    "  -d, --dperm MODE         mode of the directory (octal)\n"
	    "  -f, --fperm MODE         mode of the files, masked by each "
	    "owner's\n"
	    "  -s, --tperm MODE         mode of the task files, masked the "
	    "same\n"
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n",
	    box_prog, box_prog);
	exit(0);
}

int main(int argc, char **argv)
{
	struct cg_plan plan = {0};
	struct cg_access acc = CG_ACCESS_INIT;
	static struct cg_target t[256];
	const char *gs[ARRAY_SIZE(t)];
	struct cg_sys sys;
	struct cg_err e;
	int c, idx, n = 0, ng = 0, flags = CG_CREATE;

	box_init(argc, argv);
	opterr = 0; /* one line of our own, not getopt's */
	/* no '+': options may follow the paths, as with cgcreate */
	while ((c = getopt_long(argc, argv, ":m:proa:t:g:d:f:s:hV", longopts,
				&idx)) != -1) {
		switch (c) {
		case 'm':
			idx = 0;
			/* fall through */
		case CG_OPT_LIMIT:
			if (cg_plan_request(
				&plan, cg_limit_by_option(longopts[idx].name),
				optarg, &e) < 0)
				xcg_die(&e);
			break;
		case 'p':
			flags |= CG_PARENTS;
			break;
		case 'r':
			flags |= CG_RELATIVE;
			break;
		case 'o':
			if (cg_parse_owner("--owner", optarg, &acc.owner, &e) <
			    0)
				xcg_die(&e);
			break;
		case 'a':
			if (cg_parse_owner("-a", optarg, &acc.admin, &e) < 0)
				xcg_die(&e);
			break;
		case 't':
			if (cg_parse_owner("-t", optarg, &acc.tasks, &e) < 0)
				xcg_die(&e);
			break;
		case 'd':
			if (cg_parse_mode("-d", optarg, &acc.dmode, &e) < 0)
				xcg_die(&e);
			break;
		case 'f':
			if (cg_parse_mode("-f", optarg, &acc.fmode, &e) < 0)
				xcg_die(&e);
			break;
		case 's':
			if (cg_parse_mode("-s", optarg, &acc.tmode, &e) < 0)
				xcg_die(&e);
			break;
		case 'g':
			if (ng == (int)ARRAY_SIZE(gs))
				xusage_error("too many -g options");
			gs[ng++] = optarg;
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}
	if (optind == argc && !ng)
		xusage_error("no cgroup PATH given");
	if (argc - optind + ng > (int)ARRAY_SIZE(t))
		xusage_error("too many cgroups");

	/* Validate every path and value before making anything. */
	for (int i = optind; i < argc; i++) {
		if (cg_check_path(argv[i], flags & CG_RELATIVE, &e) < 0)
			xcg_die(&e);
		t[n++].path = argv[i];
	}
	if (cg_discover(&sys, &e) < 0 || cg_load_v2(&sys, &e) < 0 ||
	    ((flags & CG_RELATIVE) && cg_load_self(&sys, &e) < 0) ||
	    cg_plan_build(&plan, &sys, &e) < 0)
		xcg_die(&e);
	for (int g = 0; g < ng; g++)
		if (cg_parse_spec(&sys, gs[g], flags & CG_RELATIVE, &t[n++],
				  &e) < 0)
			xcg_die(&e);

	if (cg_apply(&sys, &plan, t, n, flags, &acc, &e) < 0)
		xcg_die(&e);
	return 0;
}
