/*
 * cg-set - change the limits of existing cgroups.
 *
 *   cg-set [--relative] [--owner USER[:GROUP]] [limits] PATH...
 *   cg-set -r NAME=VALUE... PATH...                  (libcgroup's cgset)
 *   cg-set --copy-from SOURCE PATH...
 *
 * The same limit options as cg-create; -r is cgset's, the same as --set
 * (so on cg-set --relative has no short form).  On cgroup v2 the
 * controllers a limit needs are enabled top-down in the ancestors'
 * cgroup.subtree_control first; a limit whose hierarchy lacks the cgroup
 * is an error.  Options may follow the paths, as with cgset.
 */
/* boxutils-pkgs: mount */
#include "box.h"
#include "cgroup.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

enum { OPT_RELATIVE = 0x200, OPT_COPY };

static const struct option longopts[] = {
    CG_LIMIT_LONGOPTS,
    {"relative", no_argument, NULL, OPT_RELATIVE},
    {"owner", required_argument, NULL, 'o'},
    {"copy-from", required_argument, NULL, OPT_COPY},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

_Noreturn static void usage(void)
{
	printf(
	    "Usage: %s [options] PATH...\n"
	    "Change the limits of existing cgroups, on cgroup v2, v1 and "
	    "hybrid hosts.\n"
	    "\n" CG_LIMIT_HELP
	    "  -r NAME=VALUE            the same as --set (libcgroup's cgset); "
	    "a v1\n"
	    "                           name on cgroup v2 is translated\n"
	    "      --copy-from SOURCE   copy every parameter SOURCE has\n"
	    "      --relative           PATH is below the caller's own cgroup\n"
	    "  -o, --owner USER[:GROUP] delegate the cgroup to USER\n"
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n",
	    box_prog);
	exit(0);
}

int main(int argc, char **argv)
{
	struct cg_plan plan = {0};
	struct cg_access acc = CG_ACCESS_INIT;
	static struct cg_target t[256];
	const char *copy = NULL;
	struct cg_sys sys;
	struct cg_err e;
	int c, idx, n = 0, flags = 0;

	box_init(argc, argv);
	opterr = 0; /* one line of our own, not getopt's */
	/* no '+': options may follow the paths, as with cgset */
	while ((c = getopt_long(argc, argv, ":m:r:o:hV", longopts, &idx)) !=
	       -1) {
		switch (c) {
		case 'm':
			idx = 0;
			/* fall through */
		case CG_OPT_LIMIT:
		case 'r':
			if (cg_plan_request(
				&plan,
				cg_limit_by_option(
				    c == 'r' ? "set" : longopts[idx].name),
				optarg, &e) < 0)
				xcg_die(&e);
			break;
		case OPT_RELATIVE:
			flags |= CG_RELATIVE;
			break;
		case OPT_COPY:
			copy = optarg;
			break;
		case 'o':
			if (cg_parse_owner("--owner", optarg, &acc.owner, &e) <
			    0)
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
	if (argc - optind > (int)ARRAY_SIZE(t))
		xusage_error("too many cgroups");
	if (plan.nreq == 0 && !acc.owner.set && !copy)
		xusage_error("nothing to set: give a limit, -r, --copy-from "
			     "or --owner");

	/* Validate every path and value before making anything. */
	for (int i = optind; i < argc; i++) {
		if (cg_check_path(argv[i], flags & CG_RELATIVE, &e) < 0)
			xcg_die(&e);
		t[n++].path = argv[i];
	}
	if (copy && cg_check_path(copy, flags & CG_RELATIVE, &e) < 0)
		xcg_die(&e);
	if (cg_discover(&sys, &e) < 0 || cg_load_v2(&sys, &e) < 0 ||
	    ((flags & CG_RELATIVE) && cg_load_self(&sys, &e) < 0) ||
	    cg_plan_build(&plan, &sys, &e) < 0 ||
	    (copy && cg_plan_copy(&plan, copy, flags & CG_RELATIVE, &e) < 0))
		xcg_die(&e);

	if (cg_apply(&sys, &plan, t, n, flags, &acc, &e) < 0)
		xcg_die(&e);
	return 0;
}
