/*
 * cgroup.h - control groups on cgroup v2, v1 and hybrid hosts (the
 * modules: cgroup.c, cgpath.c, cglimits.c, cgplan.c, cgremove.c, cgerr.c).
 *
 * The hierarchies are found at run time in /proc/self/mountinfo, read
 * with libmount (the tools using this module link it: boxutils-pkgs
 * mount): the one cgroup2 mount, and each v1 mount with the controllers
 * bound to it.  A
 * limit is one row of a table (option, v2 file, v1 file, converter); a
 * controller is served by the v1 hierarchy it is bound to, else by
 * cgroup2 when the kernel offers it there.  Paths users give are checked
 * lexically and then opened one component at a time without following
 * symlinks, so a path can never leave the cgroup tree.
 *
 * Functions return -1 and describe the failure in a struct cg_err (errno
 * value, what was being done, and a hint when the cause is known); the
 * tool prints it with xcg_die().
 */
#ifndef BOX_CGROUP_H
#define BOX_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CG_MAX_HIER 16
#define CG_PATH_MAX 1024

/* Controllers the kernel has had, v1 names and v2 names alike. */
enum cg_ctrl {
	CG_CPU,
	CG_CPUACCT,
	CG_CPUSET,
	CG_MEMORY,
	CG_DEVICES,
	CG_FREEZER,
	CG_NET_CLS,
	CG_NET_PRIO,
	CG_BLKIO,
	CG_PERF_EVENT,
	CG_HUGETLB,
	CG_PIDS,
	CG_RDMA,
	CG_MISC,
	CG_IO,
	CG_NCTRL
};

extern const char *const cg_ctrl_names[CG_NCTRL];

/* The controller named by the first len bytes of name, or -1. */
int cg_ctrl_by_name(const char *name, size_t len);

struct cg_hier {
	bool v2;
	unsigned ctrls;		/* bit per enum cg_ctrl bound here */
	char name[64];		/* v1 "name=" of a named hierarchy, or "" */
	char mnt[256];		/* mount point */
	char root[CG_PATH_MAX]; /* the mount's root inside the hierarchy */
	char self[CG_PATH_MAX]; /* the caller's cgroup, mount-relative */
	bool has_self;		/* self is known (cg_load_self) */
};

struct cg_sys {
	struct cg_hier h[CG_MAX_HIER];
	int n;
	int v2;		/* index of the cgroup2 hierarchy, or -1 */
	bool v2_loaded; /* v2 ctrls read from cgroup.controllers */
};

struct cg_err {
	int err;	/* errno, or 0 */
	char what[512]; /* "create cgroup /sys/fs/cgroup/x" */
	char hint[512]; /* "" or why, and what to do */
	bool usage;	/* bad input rather than a failed action */
};

/* Print "tool: what: strerror (hint)" and exit 125. */
_Noreturn void xcg_die(const struct cg_err *e);

/*
 * Read /proc/self/mountinfo once, through libmount, which undoes its
 * octal escapes (cgroup.c).  Named v1 hierarchies (name=systemd)
 * are kept for completeness but serve no controller.
 */
int cg_discover(struct cg_sys *s, struct cg_err *e);
/* Read /proc/self/cgroup: the caller's cgroup in each hierarchy. */
int cg_load_self(struct cg_sys *s, struct cg_err *e);
/* Read which controllers cgroup2 offers (its root's cgroup.controllers). */
int cg_load_v2(struct cg_sys *s, struct cg_err *e);

/* Index of the hierarchy serving ctrl (v1 mount, else cgroup2), or -1. */
int cg_hier_of(const struct cg_sys *s, int ctrl);
/* True for a hierarchy processes and limits live in (not name= only). */
bool cg_hier_real(const struct cg_hier *h);

/*
 * Check a cgroup path a user typed: no "." or ".." component, no empty
 * component, no control characters, each name at most 255 bytes.  A
 * leading '/' means the hierarchy root, and is refused with relative.
 */
int cg_check_path(const char *path, bool relative, struct cg_err *e);

/* A cgroup path and the hierarchies it is meant in. */
struct cg_target {
	const char *path;
	unsigned hiers;	   /* bit per hierarchy; 0: every hierarchy */
	unsigned v2_ctrls; /* controllers named for cgroup2: enable them */
};

/*
 * libcgroup's "CONTROLLERS:PATH" (cgcreate, cgexec, cgdelete -g): a
 * comma list of controllers, or "*" for every hierarchy, and a path
 * checked as cg_check_path does.  A controller no hierarchy serves is an
 * error.  t->path points into spec.
 */
int cg_parse_spec(const struct cg_sys *s, const char *spec, bool relative,
		  struct cg_target *t, struct cg_err *e);
/* True when spec reads as CONTROLLERS:PATH (known names, or "*"). */
bool cg_is_spec(const char *spec);

/*
 * The path of a user's cgroup inside hierarchy h, relative to its mount
 * point ("" is the mount root): path below the root, or below the
 * caller's own cgroup when relative.
 */
int cg_rel(const struct cg_hier *h, bool relative, const char *path, char *out,
	   size_t n, struct cg_err *e);

/*
 * Open directory rel below h's mount, component by component with
 * O_NOFOLLOW; returns the fd, or -1 (errno ENOENT when it does not
 * exist, ELOOP for a symlink).
 */
int cg_open_dir(const struct cg_hier *h, const char *rel);

/*
 * Move the calling process, which must be single-threaded, into cgroup
 * rel of h: write "0" (the writer itself) to its cg_join_file(), "tasks"
 * on v1 (no global lock, see below) and cgroup.procs on v2.  -1 with
 * errno (ENOENT: no such cgroup).
 */
int cg_join(const struct cg_hier *h, const char *rel);

/*
 * The file a single-threaded process writes "0" to, to move itself: on
 * v1 "tasks", on cgroup2 "cgroup.procs".  Writing to cgroup.procs moves
 * a whole thread group, so the kernel takes cgroup_threadgroup_rwsem for
 * writing, and its first writer after a quiet spell waits for an RCU
 * grace period (5-15 ms).  "tasks" moves only the writing thread, which
 * recent kernels do without the global lock (measured on 6.18; older
 * ones take it either way), and the one thread is the whole process.
 * cgroup2's cgroup.threads only moves within a threaded subtree.  Inline:
 * ns-enter, which joins cgroups by other paths, needs only this.
 */
static inline const char *cg_join_file(bool v2)
{
	return v2 ? "cgroup.procs" : "tasks";
}

/* --- limits -------------------------------------------------------------- */

struct cg_plan;

struct cg_limit {
	const char *option; /* long option: "memory" */
	int v2_ctrl;
	const char *v2_file;
	int v1_ctrl;
	const char *v1_file;
	/* validate arg, append its writes into hierarchy hier to the plan */
	int (*conv)(struct cg_plan *p, const struct cg_limit *l,
		    const char *arg, int hier);
};

struct cg_write {
	int hier;
	bool if_differs; /* --copy-from: written only where it differs */
	char file[64];
	char value[160];
};

#define CG_MAX_REQ   128
#define CG_MAX_WRITE 256
#define CG_MAX_DEV   96

/* --- device rules (cgdevice.c) ---------------------------------------------
 */

#define CG_DEV_R   1u
#define CG_DEV_W   2u
#define CG_DEV_M   4u
#define CG_DEV_ALL 7u

/* One --device rule: "allow c 1:3 rwm". */
struct cg_devrule {
	bool allow;
	char type; /* 'a' (every device: sets the default), 'b', 'c' */
	int64_t major, minor; /* -1: any (*) */
	unsigned access;      /* CG_DEV_R | CG_DEV_W | CG_DEV_M */
};

/* The name our BPF device programs carry, to find and replace them. */
#define CG_DEV_PROG_NAME "boxutils_dev"

/*
 * "allow|deny TYPE [MAJOR:MINOR [ACCESS]]", the v1 devices.allow line
 * with a verb; ACCESS defaults to rwm.  Bad input is cg_baduse().
 */
int cg_device_parse(const char *s, struct cg_devrule *r, struct cg_err *e);
/* The rule as a v1 devices.allow/deny line ("c 1:3 rwm", "a"). */
void cg_device_format(const struct cg_devrule *r, char *buf, size_t n);
/*
 * Whether rules r[0..n) allow access (CG_DEV_*) to device type ('b' or
 * 'c') major:minor: what the compiled program decides (see cgdevice.c).
 */
bool cg_device_allows(const struct cg_devrule *r, int n, char type,
		      uint32_t major, uint32_t minor, unsigned access);
struct bpf_insn;
/* Compile the rules into BPF instructions: their number, or -1 when
 * they would not fit in max. */
int cg_device_compile(const struct cg_devrule *r, int n, struct bpf_insn *out,
		      int max);
/* Load the compiled program: its fd, or -1. */
int cg_device_load(const struct cg_devrule *r, int n, struct cg_err *e);
/* Attach it to the cgroup2 directory cgfd (where names it in messages),
 * replacing the program of ours attached there before. */
int cg_device_attach(int cgfd, int progfd, const char *where, struct cg_err *e);
/*
 * Add rules to those in force in cgroup2 directory cgfd (kept in its
 * xattr trusted.boxutils.devices) and attach the program for them all;
 * prog is the program of add alone (cg_device_load), used where no
 * rules were in force.
 */
int cg_device_apply(int cgfd, const struct cg_devrule *add, int nadd, int prog,
		    const char *where, struct cg_err *e);
/* The rules in force in cgroup2 directory cgfd (cg_device_apply), one a
 * line; -1 with errno ENODATA when it has none of ours. */
int cg_device_saved(int cgfd, char *buf, size_t n);

struct cg_plan {
	const struct cg_sys *sys;
	struct {
		const struct cg_limit *lim;
		const char *arg;
	} req[CG_MAX_REQ];
	int nreq;
	struct cg_write w[CG_MAX_WRITE];
	int nw;
	unsigned v2_enable; /* controllers to enable top-down on v2 */
	unsigned hiers;	    /* bit per hierarchy a limit writes into */
	struct cg_err *e;
	/* --device rules, in order, for cgroup2's BPF device program */
	struct cg_devrule dev[CG_MAX_DEV];
	int ndev;
	bool dev_v2; /* attach the program where the cgroup is in cgroup2 */
};

extern const struct cg_limit cg_limits[];

/* The limit row for a long option name, or NULL. */
const struct cg_limit *cg_limit_by_option(const char *option);

/*
 * The limit options cg-create and cg-set share: rows of a getopt_long
 * table (each returns CG_OPT_LIMIT; its name finds the limit with
 * cg_limit_by_option; -m is --memory, the first row) and their lines of
 * --help.
 */
#define CG_OPT_LIMIT 0x100
#define CG_LIMIT_LONGOPTS                                                      \
	{"memory", required_argument, NULL, CG_OPT_LIMIT},                     \
	    {"memory-swap", required_argument, NULL, CG_OPT_LIMIT},            \
	    {"cpus", required_argument, NULL, CG_OPT_LIMIT},                   \
	    {"cpu-weight", required_argument, NULL, CG_OPT_LIMIT},             \
	    {"pids", required_argument, NULL, CG_OPT_LIMIT},                   \
	    {"cpuset", required_argument, NULL, CG_OPT_LIMIT},                 \
	    {"io-max", required_argument, NULL, CG_OPT_LIMIT},                 \
	    {"device", required_argument, NULL, CG_OPT_LIMIT},                 \
	{                                                                      \
		"set", required_argument, NULL, CG_OPT_LIMIT                   \
	}
#define CG_LIMIT_HELP                                                          \
	"  -m, --memory SIZE        memory limit (64M, 1.5G, max)\n"           \
	"      --memory-swap SIZE   memory plus swap, as in Docker\n"          \
	"      --cpus N             CPU bandwidth in CPUs (0.5, 2)\n"          \
	"      --cpu-weight N       CPU weight 1..10000 (default 100)\n"       \
	"      --pids N             most tasks (or max)\n"                     \
	"      --cpuset CPUS        CPUs to run on (0-3,6)\n"                  \
	"      --io-max DEV:K=V,..  block I/O limits: rbps wbps riops wiops\n" \
	"      --device RULE        allow|deny TYPE [MAJ:MIN [ACCESS]], in "   \
	"order\n"                                                              \
	"      --set FILE=VALUE     write a raw control file\n"

/* Remember --OPTION ARG; a repeated option replaces the earlier one,
 * except --set and --io-max, which add. */
int cg_plan_request(struct cg_plan *p, const struct cg_limit *l,
		    const char *arg, struct cg_err *e);
/* Validate and convert every request into file writes. */
int cg_plan_build(struct cg_plan *p, const struct cg_sys *s, struct cg_err *e);
/*
 * cgset --copy-from: add the parameters of cgroup src, in every
 * hierarchy where it exists, to a built plan.  Counters, states and
 * files written to act (not to set) are left out; see cgcopy.c.
 */
int cg_plan_copy(struct cg_plan *p, const char *src, bool relative,
		 struct cg_err *e);

/* --- acting ------------------------------------------------------------- */

struct cg_owner {
	bool set;
	uid_t uid;
	gid_t gid; /* (gid_t)-1: leave the group */
};

/* "USER[:GROUP]", names or numbers; opt names the option in messages. */
int cg_parse_owner(const char *opt, const char *s, struct cg_owner *o,
		   struct cg_err *e);

/* Who owns a cgroup, and its modes (cg-create, cg-set). */
struct cg_access {
	struct cg_owner owner; /* --owner: delegation (see cgplan.c) */
	struct cg_owner admin; /* -a: the directory and every file in it */
	struct cg_owner tasks; /* -t: tasks, cgroup.procs, cgroup.threads */
	int dmode;	       /* -d: the directory's mode, or -1 */
	int fmode;	       /* -f: the files', masked by each owner's */
	int tmode;	       /* -s: the task files', masked the same way */
};

#define CG_ACCESS_INIT                                                         \
	{                                                                      \
		.dmode = -1, .fmode = -1, .tmode = -1                          \
	}

/* An octal mode "775" for -d, -f, -s: 0 to 0777. */
int cg_parse_mode(const char *opt, const char *s, int *mode, struct cg_err *e);

enum {
	CG_CREATE = 1,	 /* make the cgroup (else it must exist) */
	CG_PARENTS = 2,	 /* like mkdir -p */
	CG_RELATIVE = 4, /* paths below the caller's own cgroup */
};

/*
 * Create (CG_CREATE) or find each target in its hierarchies (all: the
 * v2 hierarchy and every v1 controller hierarchy), enable the v2
 * controllers the plan and the target need top-down, apply the plan's
 * writes, then the owners and modes.  On failure every cgroup this call
 * made is removed again.
 */
int cg_apply(const struct cg_sys *s, const struct cg_plan *p,
	     const struct cg_target *t, int n, int flags,
	     const struct cg_access *a, struct cg_err *e);

/*
 * Kill everything in the cgroup and its descendants in every hierarchy
 * of hiers (0: all) where it exists, then remove them bottom-up.  With
 * recursive false a cgroup that has children is refused.
 */
int cg_remove(const struct cg_sys *s, const char *path, unsigned hiers,
	      bool relative, bool recursive, double timeout, struct cg_err *e);

/* Read a small control file of directory fd into buf (trailing newline
 * cut); -1 with errno on failure. */
int cg_read(int dirfd, const char *file, char *buf, size_t n);
/* Write value into a control file of directory fd in one write. */
int cg_write(int dirfd, const char *file, const char *value);

/* Fill e with "what" and a hint for errno err met on file in dir rel of
 * hierarchy h. */
void cg_explain(struct cg_err *e, int err, const struct cg_hier *h,
		const char *rel, const char *file, const char *value);

#endif
