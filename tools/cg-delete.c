/*
 * cg-delete - kill what runs in a cgroup and remove it, in every
 * hierarchy where it exists.
 *
 *   cg-delete [--recursive] [--relative] [--timeout SECONDS] PATH...
 */
/* boxutils-pkgs: mount */
#include "box.h"
#include "cgroup.h"
#include "parse.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static const struct option longopts[] = {
    {"recursive", no_argument, NULL, 'R'},
    {"relative", no_argument, NULL, 'r'},
    {"timeout", required_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

_Noreturn static void usage(void)
{
	printf(
	    "Usage: %s [options] PATH...\n"
	    "Kill the processes in cgroups and remove them in every "
	    "hierarchy.\n"
	    "\n"
	    "  -R, --recursive          remove child cgroups too\n"
	    "  -r, --relative           PATH is below the caller's own cgroup\n"
	    "  -t, --timeout SECONDS    give up on processes that will not "
	    "die\n"
	    "                           after this long (default 5)\n"
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n",
	    box_prog);
	exit(0);
}

int main(int argc, char **argv)
{
	bool recursive = false, relative = false;
	double timeout = 5;
	struct cg_sys sys;
	struct cg_err e;
	uint64_t ms;
	int c;

	box_init(argc, argv);
	opterr = 0; /* one line of our own, not getopt's */
	while ((c = getopt_long(argc, argv, "+:Rrt:hV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'R':
			recursive = true;
			break;
		case 'r':
			relative = true;
			break;
		case 't':
			if (parse_millis(optarg, &ms) < 0 || ms > 86400000)
				xusage_error("bad --timeout '%s': expected "
					     "seconds such as 2 or 0.5",
					     optarg);
			timeout = (double)ms / 1000;
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
	for (int i = optind; i < argc; i++)
		if (cg_check_path(argv[i], relative, &e) < 0)
			xcg_die(&e);
	if (cg_discover(&sys, &e) < 0 ||
	    (relative && cg_load_self(&sys, &e) < 0))
		xcg_die(&e);

	for (int i = optind; i < argc; i++)
		if (cg_remove(&sys, argv[i], relative, recursive, timeout, &e) <
		    0)
			xcg_die(&e);
	return 0;
}
