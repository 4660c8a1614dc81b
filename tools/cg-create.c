/*
 * cg-create - make a cgroup in every hierarchy and set its limits.
 *
 *   cg-create [--parents] [--relative] [--owner USER[:GROUP]] [limits] PATH...
 *
 * On cgroup v2 the controllers a limit needs are enabled top-down in the
 * ancestors' cgroup.subtree_control; on v1 and hybrid hosts the cgroup is
 * made in every controller hierarchy, so cg-exec can join them all.
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
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

_Noreturn static void usage(void)
{
	printf(
	    "Usage: %s [options] PATH...\n"
	    "Create cgroups and set their limits, on cgroup v2, v1 and hybrid "
	    "hosts.\n"
	    "\n" CG_LIMIT_HELP
	    "  -p, --parents            make missing parents, accept existing\n"
	    "  -r, --relative           PATH is below the caller's own cgroup\n"
	    "  -o, --owner USER[:GROUP] delegate the cgroup to USER\n"
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n",
	    box_prog);
	exit(0);
}

int main(int argc, char **argv)
{
	struct cg_plan plan = {0};
	struct cg_owner owner = {0};
	struct cg_sys sys;
	struct cg_err e;
	int c, idx, flags = CG_CREATE;

	box_init(argc, argv);
	opterr = 0; /* one line of our own, not getopt's */
	while ((c = getopt_long(argc, argv, "+:m:pro:hV", longopts, &idx)) !=
	       -1) {
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
			if (cg_parse_owner(optarg, &owner, &e) < 0)
				xcg_die(&e);
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}
	if (optind == argc)
		xusage_error("no cgroup PATH given");

	/* Validate every path and value before making anything. */
	for (int i = optind; i < argc; i++)
		if (cg_check_path(argv[i], flags & CG_RELATIVE, &e) < 0)
			xcg_die(&e);
	if (cg_discover(&sys, &e) < 0 || cg_load_v2(&sys, &e) < 0 ||
	    ((flags & CG_RELATIVE) && cg_load_self(&sys, &e) < 0) ||
	    cg_plan_build(&plan, &sys, &e) < 0)
		xcg_die(&e);

	if (cg_apply(&sys, &plan, argv + optind, argc - optind, flags, &owner,
		     &e) < 0)
		xcg_die(&e);
	return 0;
}
