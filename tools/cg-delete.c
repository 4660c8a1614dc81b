/*
 * cg-delete - kill what runs in a cgroup and remove it, in every
 * hierarchy where it exists.
 *
 *   cg-delete [--recursive] [--relative] [--timeout SECONDS] PATH...
 *   cg-delete [-r] [-g] CONTROLLERS:PATH...        (libcgroup's cgdelete)
 *
 * -r is cgdelete's --recursive (so on cg-delete --relative has no short
 * form).  A PATH whose part before a ':' names controllers (or "*") is
 * CONTROLLERS:PATH with or without -g, as cgdelete reads it: the cgroup
 * is removed in those controllers' hierarchies only.  Options may follow
 * the paths, as with cgdelete.
 */
/* boxutils-pkgs: mount */
#include "box.h"
#include "cgroup.h"
#include "parse.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

enum { OPT_RELATIVE = 0x200 };

static const struct option longopts[] = {
    {"recursive", no_argument, NULL, 'r'},
    {"relative", no_argument, NULL, OPT_RELATIVE},
    {"cgroup", required_argument, NULL, 'g'},
    {"timeout", required_argument, NULL, 't'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

_Noreturn static void usage(void)
{
	printf(
	    "Usage: %s [options] PATH...\n"
	    "       %s [options] [-g] CONTROLLERS:PATH...\n"
	    "Kill the processes in cgroups and remove them in every "
	    "hierarchy.\n"
	    "\n"
	    "  -r, -R, --recursive      remove child cgroups too\n"
	    "  -g, --cgroup CTRL[,CTRL]:PATH  remove PATH in the hierarchies "
	    "of\n"
	    "                           these controllers only (* for all)\n"
	    "      --relative           PATH is below the caller's own cgroup\n"
	    "  -t, --timeout SECONDS    give up on processes that will not "
	    "die\n"
	    "                           after this long (default 5)\n"
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n",
	    box_prog, box_prog);
	exit(0);
}

int main(int argc, char **argv)
{
	bool recursive = false, relative = false;
	static struct cg_target t[256];
	const char *gs[ARRAY_SIZE(t)];
	double timeout = 5;
	struct cg_sys sys;
	struct cg_err e;
	int c, ng = 0;
	uint64_t ms;

	box_init(argc, argv);
	opterr = 0; /* one line of our own, not getopt's */
	/* no '+': options may follow the paths, as with cgdelete */
	while ((c = getopt_long(argc, argv, ":rRg:t:hV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'r':
		case 'R':
			recursive = true;
			break;
		case OPT_RELATIVE:
			relative = true;
			break;
		case 'g':
			if (ng == (int)ARRAY_SIZE(gs))
				xusage_error("too many cgroups");
			gs[ng++] = optarg;
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
	if (optind == argc && !ng)
		xusage_error("no cgroup PATH given");
	for (int i = optind; i < argc; i++) {
		if (ng == (int)ARRAY_SIZE(gs))
			xusage_error("too many cgroups");
		gs[ng++] = argv[i];
	}
	if (cg_discover(&sys, &e) < 0)
		xcg_die(&e);
	/* -g values, and operands that read as CONTROLLERS:PATH */
	for (int i = 0; i < ng; i++) {
		if (i < ng - (argc - optind) || cg_is_spec(gs[i])) {
			if (cg_parse_spec(&sys, gs[i], relative, &t[i], &e) < 0)
				xcg_die(&e);
			continue;
		}
		if (cg_check_path(gs[i], relative, &e) < 0)
			xcg_die(&e);
		t[i].path = gs[i];
	}
	if (relative && cg_load_self(&sys, &e) < 0)
		xcg_die(&e);

	for (int i = 0; i < ng; i++)
		if (cg_remove(&sys, t[i].path, t[i].hiers, relative, recursive,
			      timeout, &e) < 0)
			xcg_die(&e);
	return 0;
}
