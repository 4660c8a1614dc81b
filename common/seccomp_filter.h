/*
 * seccomp_filter.h - a profile (common/seccomp_profile.h) made into a seccomp
 * filter with libseccomp: architectures, syscall names resolved, rules
 * added as the engines add them; then exported as BPF or loaded.
 */
#ifndef BOX_SECCOMP_FILTER_H
#define BOX_SECCOMP_FILTER_H

#include "seccomp_profile.h"

#include <linux/filter.h>
#include <seccomp.h>
#include <stdio.h>

/* Architectures of one filter: libseccomp's tokens (SCMP_ARCH_X86_64). */
#define SF_ARCH_MAX 8
struct sf_arches {
	uint32_t token[SF_ARCH_MAX];
	size_t n;
};

/* The names a profile's includes.arches may give the native architecture
 * ("amd64", "x86_64"), NULL-ended. */
const char *const *sf_native_names(void);

/* The architectures whose syscalls this kernel runs: the native one and
 * its compat ones (x86_64: x86_64, x86, x32). */
void sf_arches_runnable(struct sf_arches *a);

/*
 * --arch LIST: comma-separated libseccomp names ("x86_64,x86"), each one
 * this kernel runs.  0, or -1 with a reason in err.
 */
int sf_arches_parse(const char *list, struct sf_arches *a, char *err,
		    size_t errlen);

/*
 * A profile's architectures, as Docker takes them: "architectures", and
 * the archMap entry of the native one with its subArchitectures; those
 * this kernel does not run are left out (a profile serves many
 * machines).  A profile that names none gets sf_arches_runnable().
 * 0, or -1 with a reason in err (it names only foreign ones).
 */
int sf_arches_of_profile(const struct sf_profile *p, struct sf_arches *a,
			 char *err, size_t errlen);

/* The name of an architecture token ("x86_64"). */
const char *sf_arch_name(uint32_t token);

enum {
	SF_BUILD_NNP = 1 << 8, /* set no_new_privs before loading */
};

/*
 * The version of the programs sf_build() makes: one more whenever the
 * same profile and options would build another program (a cached one,
 * sys-filter --cache, is then built again).
 */
#define SF_BUILD_VERSION 1

/* A seccomp program: struct sock_filter instructions. */
struct sf_prog {
	struct sock_filter *insns;
	size_t len; /* instructions */
};

/*
 * The program of p's selected rules for arches, built with libseccomp
 * (one block per architecture, the native one first).  Each rule added
 * is written to print when it is not NULL, one line each.  Returns 0, or
 * -1 with a reason in err; out->insns is the caller's to free.
 */
int sf_build(const struct sf_profile *p, const struct sf_arches *arches,
	     FILE *print, struct sf_prog *out, char *err, size_t errlen);

/*
 * Load a compiled program (what --dump wrote: struct sock_filter
 * instructions) as this thread's filter, without libseccomp; flags are
 * SF_FLAG_* and SF_BUILD_*.  The kernel checks the program.  0, or -1 with
 * errno (EINVAL: not whole instructions, or more than the kernel takes).
 */
int sf_load_bpf(const void *prog, size_t len, unsigned int flags);

#endif
