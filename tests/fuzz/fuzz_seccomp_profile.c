/*
 * fuzz_seccomp_profile - libFuzzer harness for common/seccomp_profile.c:
 * seccomp profiles (JSON from anyone's image or bundle, so hostile), and
 * the small parsers sys-filter's command line uses.
 *
 * Properties, each an abort() when broken:
 *   - sf_profile_parse() accepts, or refuses with errno EINVAL or ENOMEM,
 *     one line of reason (no newline, not empty) and a cleared profile;
 *   - an accepted profile holds only what the format allows: every rule
 *     names a syscall of [a-z0-9_], has at most six conditions on
 *     arguments 0..5 with a known comparison, and an errno (for ERRNO and
 *     TRACE) of 0..SF_ERRNO_MAX; architectures are libseccomp's names;
 *   - sf_profile_select() keeps only rules that still name a syscall, and
 *     a rule that names every capability is kept for a process holding
 *     them all, whatever its excludes;
 *   - an errno name that parses prints back to the same number;
 *   - a kernel version orders as its parts do.
 * The profile is handed over in a buffer of exactly its size, without a
 * NUL, so AddressSanitizer sees any read past the end; LeakSanitizer
 * checks that every path frees what it took.
 */
#include "seccomp_profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const amd64[] = {"amd64", "x86_64", NULL};

static void check_name(const char *s)
{
	size_t i;

	if (!s || !*s)
		abort();
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			abort();
}

static void check_action(const struct sf_action *a)
{
	if (a->kind > SF_ALLOW)
		abort();
	if (a->kind != SF_ERRNO && a->kind != SF_TRACE && a->data != 0)
		abort();
	if (a->data > SF_ERRNO_MAX)
		abort();
}

static void check_profile(struct sf_profile *p)
{
	struct sf_env env = {.caps = 0, .arch_names = amd64, .kernel = 0};
	size_t i, k;

	check_action(&p->dflt);
	for (i = 0; i < p->narches; i++)
		check_name(p->arches[i]);
	for (i = 0; i < p->narchmap; i++) {
		check_name(p->archmap[i].arch);
		for (k = 0; k < p->archmap[i].nsubs; k++)
			check_name(p->archmap[i].subs[k]);
	}
	for (i = 0; i < p->nrules; i++) {
		const struct sf_rule *r = &p->rules[i];

		if (r->nnames == 0 || r->nargs > 6 || r->opt)
			abort();
		for (k = 0; k < r->nnames; k++)
			check_name(r->names[k]);
		check_action(&r->action);
		for (k = 0; k < r->nargs; k++)
			if (r->args[k].index > 5 || r->args[k].op > SF_MASKED_EQ ||
			    !sf_op_name(r->args[k].op))
				abort();
	}
	sf_profile_select(p, &env);
	env.caps = UINT64_MAX;
	env.kernel = UINT64_MAX;
	sf_profile_select(p, &env);
	for (i = 0; i < p->nrules; i++) {
		const struct sf_rule *r = &p->rules[i];

		if (r->selected && r->nnames == 0)
			abort();
	}
}

static void check_words(const char *s)
{
	struct sf_profile p = {.dflt = {.kind = SF_ALLOW}};
	struct sf_action a = {.kind = SF_ALLOW};
	uint64_t v, w;
	uint32_t e, e2;
	const char *name;
	size_t i;

	if (sf_errno_parse(s, &e) == 0) {
		if (e > SF_ERRNO_MAX)
			abort();
		name = sf_errno_name(e);
		if (name && (sf_errno_parse(name, &e2) < 0 || e2 != e))
			abort();
	} else if (errno != EINVAL)
		abort();
	if (sf_action_parse(s, &a) == 0)
		check_action(&a);
	if (sf_kernel_version(s, &v) == 0) {
		/* one more minor is always newer */
		char more[64];
		unsigned long maj = (unsigned long)(v >> 40),
			      min = (unsigned long)(v >> 20 & 0xfffff);

		if (min + 1 < (1u << 20)) {
			snprintf(more, sizeof(more), "%lu.%lu", maj, min + 1);
			if (sf_kernel_version(more, &w) < 0 || w <= v)
				abort();
		}
	}
	if (sf_profile_add_list(&p, s, a, "--deny") == 0) {
		if (p.nrules != 1 || p.rules[0].nnames == 0)
			abort();
		for (i = 0; i < p.rules[0].nnames; i++)
			if (!p.rules[0].names[i][0] ||
			    strchr(p.rules[0].names[i], ','))
				abort();
	}
	sf_profile_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sf_profile p;
	char err[256], *buf, *s;
	int rc;

	if (size > 1 << 16)
		return 0;
	buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	rc = sf_profile_parse(buf, size, &p, err, sizeof(err));
	if (rc == 0) {
		check_profile(&p);
		sf_profile_free(&p);
	} else {
		if (rc != -1 || (errno != EINVAL && errno != ENOMEM))
			abort();
		if (!err[0] || strchr(err, '\n') || p.nrules || p.rules ||
		    p.arches || p.archmap)
			abort();
	}
	free(buf);

	if (size < 256) {
		s = malloc(size + 1);
		memcpy(s, data, size);
		s[size] = '\0';
		check_words(s);
		free(s);
	}
	return 0;
}
