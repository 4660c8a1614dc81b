/*
 * cg-exec - move this process into a cgroup, then exec prog in it.
 *
 *   cg-exec [--relative] [--fork] PATH [prog [arg...]]
 *   cg-exec [--relative] [--fork] -g CONTROLLERS:PATH... [prog [arg...]]
 *
 * No fork: the process that moves is the one prog runs as.  On v1 and
 * hybrid hosts PATH is joined in every hierarchy where it exists (or in
 * those of the controllers named with -g, as libcgroup's cgexec).
 *
 * --fork starts prog in a child made directly inside the cgroup2 cgroup
 * (clone3 CLONE_INTO_CGROUP): moving a process on cgroup2 takes the
 * kernel's global threadgroup lock, whose first writer waits for an RCU
 * grace period (5-10 ms); creating it there does not.  cg-exec then
 * waits, passes signals on and exits with prog's status.
 */
/* boxutils-pkgs: mount */
#include "box.h"
#include "cgroup.h"
#include "exec.h"

#include <errno.h>
#include <getopt.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { OPT_STICKY = 0x200 };

static const struct option longopts[] = {
    {"cgroup", required_argument, NULL, 'g'},
    {"fork", no_argument, NULL, 'f'},
    {"relative", no_argument, NULL, 'r'},
    {"sticky", no_argument, NULL, OPT_STICKY},
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
	    "  -f, --fork               run prog as a child made inside the\n"
	    "                           cgroup2 cgroup (no move: faster on "
	    "v2)\n"
	    "  -r, --relative           PATH is below the caller's own cgroup\n"
	    "      --sticky             accepted for cgexec; nothing here "
	    "moves\n"
	    "                           processes afterwards (no cgrulesengd)\n"
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n",
	    box_prog, box_prog);
	exit(0);
}

/* who: the PID that was to move, or 0 for a child made in the cgroup */
_Noreturn static void die_join(const struct cg_sys *sys, int i, const char *rel,
			       int err, pid_t who)
{
	struct cg_err e = {0};
	char pid[24];

	snprintf(pid, sizeof(pid), "%d", (int)who);
	cg_explain(&e, err, &sys->h[i], rel, cg_join_file(sys->h[i].v2), pid);
	if (!who)
		snprintf(e.what, sizeof(e.what),
			 "start a process in cgroup %s%s%s (clone3)",
			 sys->h[i].mnt, *rel ? "/" : "", rel);
	if (e.err == ENOENT)
		snprintf(e.hint, sizeof(e.hint),
			 "no such cgroup; make it with cg-create");
	else if ((e.err == EACCES || e.err == EPERM) && sys->h[i].v2 &&
		 !e.hint[0])
		snprintf(e.hint, sizeof(e.hint),
			 "moving needs write access to cgroup.procs of "
			 "the nearest common ancestor of both cgroups");
	xcg_die(&e);
}

_Noreturn static void die_nowhere(const char *path)
{
	xdie("join cgroup %s: No such file or directory (it exists in no "
	     "hierarchy; make it with cg-create)",
	     path);
}

/*
 * Join PATH in every hierarchy targeted (but skip, -1 for none) through
 * cg_join; with a bare PATH (all) a hierarchy without it is passed over.
 * Returns how many were joined; a refusal ends the process.
 */
static int join_targets(const struct cg_sys *sys, const char *const *target,
			char (*rel)[CG_PATH_MAX], bool all, int skip)
{
	int joined = 0;

	for (int i = 0; i < sys->n; i++) {
		if (!target[i] || i == skip)
			continue;
		if (cg_join(&sys->h[i], rel[i]) == 0) {
			joined++;
			continue;
		}
		if (errno == ENOENT && all)
			continue; /* PATH is not in this hierarchy */
		die_join(sys, i, rel[i], errno, getpid());
	}
	return joined;
}

/*
 * A child made by clone3 inside the cgroup whose directory is open as
 * cgfd (-1: none, a plain fork).  Kernels before 5.7 know no
 * CLONE_INTO_CGROUP (EINVAL; no clone3 before 5.3: ENOSYS): *moved is
 * then left false, and the child moves itself.  The child only makes
 * system calls and execs: the C library's view of it (its cached thread
 * id in musl) is the parent's, and nothing here reads it.
 */
static pid_t clone_into(int cgfd, bool *moved)
{
	struct clone_args a = {.exit_signal = SIGCHLD};
	long pid;

	*moved = false;
	if (cgfd >= 0) {
		a.flags = CLONE_INTO_CGROUP;
		a.cgroup = (uint64_t)cgfd;
		pid = syscall(SYS_clone3, &a, sizeof(a));
		if (pid >= 0) {
			*moved = true;
			return (pid_t)pid;
		}
		if (errno != ENOSYS && errno != EINVAL && errno != E2BIG)
			return -1;
	}
	return fork();
}

/*
 * --fork: the child is made inside the cgroup2 cgroup, joins the v1
 * hierarchies itself (through tasks, no global lock) and execs prog;
 * the parent stays where it is, passes signals on and exits with the
 * child's status.  A child that fails to join says why and exits 125,
 * which the parent passes on; nothing it joined outlives it.
 */
_Noreturn static void run_forked(const struct cg_sys *sys,
				 const char *const *target,
				 char (*rel)[CG_PATH_MAX], const char *path,
				 bool all, int argc, char **argv)
{
	int cgfd = -1, v2 = sys->v2, status;
	sigset_t set, old;
	bool moved;
	pid_t child;

	if (v2 >= 0 && target[v2]) {
		cgfd = cg_open_dir(&sys->h[v2], rel[v2]);
		if (cgfd < 0 && !(errno == ENOENT && all))
			die_join(sys, v2, rel[v2], errno, getpid());
	}
	wait_block(&set, &old);
	child = clone_into(cgfd, &moved);
	if (child < 0) {
		if (cgfd >= 0)
			die_join(sys, v2, rel[v2], errno, 0);
		xdie_errno("fork");
	}
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (cgfd >= 0)
			close(cgfd);
		/* cgroup2 is skipped where the clone put us, or lacks PATH */
		if (!join_targets(sys, target, rel, all,
				  moved || cgfd < 0 ? v2 : -1) &&
		    !moved)
			die_nowhere(path);
		xexec(argc, argv);
	}
	if (cgfd >= 0)
		close(cgfd);
	status = wait_forward(child, &set, false);
	if (status < 0)
		xdie_errno("wait for process %d", (int)child);
	exit(status_to_exit(status));
}

int main(int argc, char **argv)
{
	const char *target[CG_MAX_HIER] = {0}, *gs[CG_MAX_HIER * 2];
	bool relative = false, fork_child = false, all;
	static char rel[CG_MAX_HIER][CG_PATH_MAX];
	int c, ng = 0;
	struct cg_sys sys;
	struct cg_err e;

	box_init(argc, argv);
	opterr = 0; /* one line of our own, not getopt's */
	while ((c = getopt_long(argc, argv, "+:g:frhV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'g':
			if (ng == (int)ARRAY_SIZE(gs))
				xusage_error("too many -g options");
			gs[ng++] = optarg;
			break;
		case 'f':
			fork_child = true;
			break;
		case 'r':
			relative = true;
			break;
		case OPT_STICKY:
			/* libcgroup's cgrulesengd daemon moves processes by
			 * its rules unless told not to; boxutils has no such
			 * daemon, so a process stays where it was put */
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
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
		struct cg_target t;

		if (cg_parse_spec(&sys, gs[g], relative, &t, &e) < 0)
			xcg_die(&e);
		for (int i = 0; i < sys.n; i++)
			if (t.hiers & (1u << i))
				target[i] = t.path;
	}
	if (relative && cg_load_self(&sys, &e) < 0)
		xcg_die(&e);

	for (int i = 0; i < sys.n; i++) {
		if (!target[i])
			continue;
		if (cg_rel(&sys.h[i], relative, target[i], rel[i],
			   sizeof(rel[i]), &e) < 0)
			xcg_die(&e);
	}
	if (fork_child)
		run_forked(&sys, target, rel, argv[optind - 1], all,
			   argc - optind, argv + optind);
	if (!join_targets(&sys, target, rel, all, -1))
		die_nowhere(argv[optind - 1]);
	xexec(argc - optind, argv + optind);
}
