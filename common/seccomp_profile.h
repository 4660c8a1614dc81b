/*
 * seccomp_profile.h - seccomp profiles in the JSON format Docker, Podman
 * and Kubernetes use, read into a list of rules; and the selection of the
 * rules that apply to one process (includes/excludes by capabilities,
 * architecture and kernel version).
 *
 * Nothing here knows libseccomp: syscall and architecture names stay
 * text, so the reader can be fuzzed and checked alone; common/seccomp.c
 * turns a profile into a filter.  The quick lists of sys-filter (--deny,
 * --allow) are added as rules of the same kind.
 */
#ifndef BOX_SECCOMP_PROFILE_H
#define BOX_SECCOMP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A profile file larger than this is refused unread (Docker's is 20 KB). */
#define SF_PROFILE_MAX (4u << 20)
/* The largest errno a filter can return (libseccomp takes 0..4094; the
 * kernel's MAX_ERRNO is 4095). */
#define SF_ERRNO_MAX 4094

enum sf_kind {
	SF_KILL_PROCESS,
	SF_KILL_THREAD,
	SF_TRAP,
	SF_ERRNO, /* data: the errno */
	SF_TRACE, /* data: the value a tracer sees */
	SF_LOG,
	SF_ALLOW,
};

struct sf_action {
	enum sf_kind kind;
	uint32_t data;
};

enum sf_op { SF_NE, SF_LT, SF_LE, SF_EQ, SF_GE, SF_GT, SF_MASKED_EQ };

/* A condition on argument index: arg OP value (MASKED_EQ: arg & value ==
 * value2). */
struct sf_arg {
	unsigned int index;
	enum sf_op op;
	uint64_t value, value2;
};

/* includes or excludes: every field present must hold (includes), any
 * field that holds excludes. */
struct sf_match {
	uint64_t caps; /* capability bits */
	bool has_caps;
	char **arches; /* as written: "amd64", "x86", "arm64" */
	size_t narches;
	uint64_t min_kernel; /* sf_kernel_version() form */
	bool has_kernel;
};

struct sf_rule {
	char **names;
	size_t nnames;
	struct sf_action action;
	struct sf_arg *args;
	size_t nargs;
	struct sf_match inc, exc;
	bool selected;	 /* set by sf_profile_select() */
	const char *opt; /* the option it came from (--deny), or NULL */
};

/* an archMap entry: the architecture and its compat ones, as libseccomp
 * names them ("x86_64", "x86", "x32") */
struct sf_archmap {
	char *arch;
	char **subs;
	size_t nsubs;
};

enum {
	SF_FLAG_LOG = 1 << 0,
	SF_FLAG_SPEC_ALLOW = 1 << 1,
	SF_FLAG_TSYNC = 1 << 2,
};

struct sf_profile {
	struct sf_action dflt;
	char **arches; /* "architectures", libseccomp names */
	size_t narches;
	struct sf_archmap *archmap;
	size_t narchmap;
	unsigned int flags;
	struct sf_rule *rules;
	size_t nrules;
};

/*
 * Read a profile from buf[0..len) (not NUL-terminated).  Every field is
 * either understood or refused by name; names are checked for form only
 * (libseccomp judges them later).  Returns 0, or -1 with a one-line
 * reason in err (errno EINVAL, or ENOMEM).  *p is cleared first and is
 * freed on failure.
 */
int sf_profile_parse(const char *buf, size_t len, struct sf_profile *p,
		     char *err, size_t errlen);

/* Add one rule naming the comma-separated syscalls of list (the quick
 * --deny and --allow lists; opt names the option in messages).  0, or -1
 * with errno (EINVAL: an empty name, ENOMEM). */
int sf_profile_add_list(struct sf_profile *p, const char *list,
			struct sf_action action, const char *opt);

void sf_profile_free(struct sf_profile *p);

/* What the rules are judged against. */
struct sf_env {
	uint64_t caps;		       /* the capabilities after exec */
	const char *const *arch_names; /* the native arch's names, NULL-ended */
	uint64_t kernel;	       /* sf_kernel_version() of uname -r */
};

/*
 * Mark the rules that apply (rule->selected), as Docker does: includes
 * need every capability listed, the native architecture among the
 * arches and a kernel at least minKernel; excludes drop a rule for any
 * capability listed, the native arch, or a kernel at least minKernel.
 * A profile rule naming a syscall that a command-line rule names too is
 * dropped: the command line wins.
 */
void sf_profile_select(struct sf_profile *p, const struct sf_env *env);

/*
 * "5.8", "6.1.0-13-amd64", "4.19.0" into one comparable number.  Returns
 * 0, or -1 with errno EINVAL when s does not start with MAJOR.MINOR.
 */
int sf_kernel_version(const char *s, uint64_t *out);

/* An action as the command line writes it: "kill", "kill-thread", "trap",
 * "log", "allow", "errno:N" (N a number or an errno name).  0 or -1. */
int sf_action_parse(const char *s, struct sf_action *out);

/* The profile's name of an action kind ("SCMP_ACT_ERRNO"). */
const char *sf_action_name(enum sf_kind kind);

/* The comparison's name ("SCMP_CMP_EQ") and its C operator ("=="). */
const char *sf_op_name(enum sf_op op);
const char *sf_op_symbol(enum sf_op op);

/* An errno by name ("ENOSPC") or number 0..SF_ERRNO_MAX.  0 or -1. */
int sf_errno_parse(const char *s, uint32_t *out);

/* The name of errno e ("EPERM"), or NULL. */
const char *sf_errno_name(uint32_t e);

#endif
