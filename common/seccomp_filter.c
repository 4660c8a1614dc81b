/* boxutils-pkgs: libseccomp */
#include "seccomp_filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/*
 * Each architecture libseccomp knows that can be a kernel's native one:
 * the names profiles give it in includes.arches (Go's GOARCH, and the
 * names Docker's profile uses), and the compat architectures whose
 * syscalls the same kernel runs.
 */
static const struct {
	const char *name; /* libseccomp's */
	const char *const go[3];
	const char *const compat[3];
} natives[] = {
    {"x86_64", {"amd64", "x86_64", NULL}, {"x86", "x32", NULL}},
    {"x86", {"386", "x86", NULL}, {NULL}},
    {"aarch64", {"arm64", "aarch64", NULL}, {"arm", NULL}},
    {"arm", {"arm", NULL}, {NULL}},
    {"ppc64le", {"ppc64le", NULL}, {NULL}},
    {"ppc64", {"ppc64", NULL}, {"ppc", NULL}},
    {"s390x", {"s390x", NULL}, {"s390", NULL}},
    {"s390", {"s390", NULL}, {NULL}},
    {"mips64", {"mips64", NULL}, {"mips", "mips64n32", NULL}},
    {"mipsel64", {"mips64le", NULL}, {"mipsel", "mipsel64n32", NULL}},
    {"riscv64", {"riscv64", NULL}, {NULL}},
    {"loongarch64", {"loong64", NULL}, {NULL}},
};

static const char *const no_names[] = {NULL};

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t len,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

static int native_index(void)
{
	uint32_t native = seccomp_arch_native();
	size_t i;

	for (i = 0; i < sizeof(natives) / sizeof(natives[0]); i++)
		if (seccomp_arch_resolve_name(natives[i].name) == native)
			return (int)i;
	return -1;
}

const char *const *sf_native_names(void)
{
	int i = native_index();

	return i < 0 ? no_names : natives[i].go;
}

const char *sf_arch_name(uint32_t token)
{
	static const char *const all[] = {
	    "x86",	   "x86_64", "x32",	  "arm",     "aarch64",
	    "mips",	   "mips64", "mips64n32", "mipsel",  "mipsel64",
	    "mipsel64n32", "ppc",    "ppc64",	  "ppc64le", "s390",
	    "s390x",	   "parisc", "parisc64",  "riscv64", "loongarch64",
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (seccomp_arch_resolve_name(all[i]) == token)
			return all[i];
	return "?";
}

static void arches_add(struct sf_arches *a, uint32_t token)
{
	size_t i;

	if (token == 0)
		return;
	for (i = 0; i < a->n; i++)
		if (a->token[i] == token)
			return;
	if (a->n < SF_ARCH_MAX)
		a->token[a->n++] = token;
}

static bool arches_has(const struct sf_arches *a, uint32_t token)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->token[i] == token)
			return true;
	return false;
}

void sf_arches_runnable(struct sf_arches *a)
{
	int i = native_index();
	size_t k;

	a->n = 0;
	arches_add(a, seccomp_arch_native());
	for (k = 0; i >= 0 && natives[i].compat[k]; k++)
		arches_add(a, seccomp_arch_resolve_name(natives[i].compat[k]));
}

/* "x86_64, x86, x32" into buf */
static const char *arches_str(const struct sf_arches *a, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < a->n && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
				      sf_arch_name(a->token[i]));
	return buf;
}

int sf_arches_parse(const char *list, struct sf_arches *a, char *err,
		    size_t errlen)
{
	struct sf_arches run;
	char name[32], b[128];
	const char *s, *end;
	uint32_t token;
	size_t len;

	sf_arches_runnable(&run);
	a->n = 0;
	for (s = list;; s = end + 1) {
		end = strchr(s, ',');
		len = end ? (size_t)(end - s) : strlen(s);
		if (len == 0)
			return fail(err, errlen, "--arch: empty name in '%s'",
				    list);
		if (len >= sizeof(name))
			return fail(err, errlen,
				    "--arch: unknown architecture '%.*s'",
				    (int)len, s);
		memcpy(name, s, len);
		name[len] = '\0';
		/* the kernel's and Debian's name of 32-bit x86 */
		if (strcmp(name, "i386") == 0 || strcmp(name, "i686") == 0)
			strcpy(name, "x86");
		token = seccomp_arch_resolve_name(name);
		if (token == 0)
			return fail(err, errlen,
				    "--arch: unknown architecture '%s' (see "
				    "the list in sys-filter(1))",
				    name);
		if (!arches_has(&run, token))
			return fail(err, errlen,
				    "--arch: this kernel does not run %s "
				    "syscalls (it runs %s)",
				    name, arches_str(&run, b, sizeof(b)));
		arches_add(a, token);
		if (!end)
			break;
	}
	return 0;
}

int sf_arches_of_profile(const struct sf_profile *p, struct sf_arches *a,
			 char *err, size_t errlen)
{
	struct sf_arches run, want = {.n = 0};
	uint32_t native = seccomp_arch_native();
	char b[128];
	size_t i, k;

	sf_arches_runnable(&run);
	for (i = 0; i < p->narches; i++)
		arches_add(&want, seccomp_arch_resolve_name(p->arches[i]));
	for (i = 0; i < p->narchmap; i++) {
		if (seccomp_arch_resolve_name(p->archmap[i].arch) != native)
			continue;
		arches_add(&want, native);
		for (k = 0; k < p->archmap[i].nsubs; k++)
			arches_add(&want, seccomp_arch_resolve_name(
					      p->archmap[i].subs[k]));
	}
	if (p->narches == 0 && p->narchmap == 0) {
		*a = run;
		return 0;
	}
	a->n = 0;
	for (i = 0; i < want.n; i++)
		if (arches_has(&run, want.token[i]))
			arches_add(a, want.token[i]);
	if (a->n == 0)
		return fail(err, errlen,
			    "the profile names no architecture this kernel "
			    "runs (%s)",
			    arches_str(&run, b, sizeof(b)));
	return 0;
}

static uint32_t to_scmp(const struct sf_action *a)
{
	switch (a->kind) {
	case SF_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case SF_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case SF_TRAP:
		return SCMP_ACT_TRAP;
	case SF_ERRNO:
		return SCMP_ACT_ERRNO(a->data);
	case SF_TRACE:
		return SCMP_ACT_TRACE(a->data);
	case SF_LOG:
		return SCMP_ACT_LOG;
	case SF_ALLOW:
		break;
	}
	return SCMP_ACT_ALLOW;
}

static void print_action(FILE *f, const struct sf_action *a)
{
	static const char *const words[] = {
	    [SF_KILL_PROCESS] = "kill-process",
	    [SF_KILL_THREAD] = "kill-thread",
	    [SF_TRAP] = "trap",
	    [SF_ERRNO] = "errno",
	    [SF_TRACE] = "trace",
	    [SF_LOG] = "log",
	    [SF_ALLOW] = "allow",
	};
	const char *name;

	fputs(words[a->kind], f);
	if (a->kind == SF_ERRNO) {
		name = sf_errno_name(a->data);
		fprintf(f, " %u%s%s%s", a->data, name ? " (" : "",
			name ? name : "", name ? ")" : "");
	} else if (a->kind == SF_TRACE)
		fprintf(f, " %u", a->data);
}

static void print_rule(FILE *f, const struct sf_action *a, const char *name,
		       int nr, const struct scmp_arg_cmp *cmp, size_t ncmp)
{
	static const char *const ops[] = {
	    [SCMP_CMP_NE] = "!=", [SCMP_CMP_LT] = "<",	[SCMP_CMP_LE] = "<=",
	    [SCMP_CMP_EQ] = "==", [SCMP_CMP_GE] = ">=", [SCMP_CMP_GT] = ">",
	};
	size_t i;

	print_action(f, a);
	fprintf(f, " %s", name);
	if (nr >= 0)
		fprintf(f, " (%d)", nr);
	for (i = 0; i < ncmp; i++) {
		fprintf(f, "%s", i ? " &&" : " if");
		if (cmp[i].op == SCMP_CMP_MASKED_EQ)
			fprintf(f, " arg%u & %llu == %llu", cmp[i].arg,
				(unsigned long long)cmp[i].datum_a,
				(unsigned long long)cmp[i].datum_b);
		else
			fprintf(f, " arg%u %s %llu", cmp[i].arg, ops[cmp[i].op],
				(unsigned long long)cmp[i].datum_a);
	}
	fputc('\n', f);
}

static const enum scmp_compare cmp_of[] = {
    [SF_NE] = SCMP_CMP_NE,
    [SF_LT] = SCMP_CMP_LT,
    [SF_LE] = SCMP_CMP_LE,
    [SF_EQ] = SCMP_CMP_EQ,
    [SF_GE] = SCMP_CMP_GE,
    [SF_GT] = SCMP_CMP_GT,
    [SF_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

/* Where a rule came from, for messages: "syscalls[3]" or "--deny". */
static const char *origin(const struct sf_profile *p, const struct sf_rule *r,
			  char *buf, size_t len)
{
	if (r->opt)
		return r->opt;
	snprintf(buf, len, "syscalls[%zu]", (size_t)(r - p->rules));
	return buf;
}

/* A syscall by name, or by number on the native architecture. */
static int resolve(const char *name)
{
	char *end;
	long n;

	if (name[0] >= '0' && name[0] <= '9') {
		errno = 0;
		n = strtol(name, &end, 10);
		if (errno || *end || n > 0xfffff ||
		    (name[0] == '0' && name[1]) ||
		    !seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)n))
			return __NR_SCMP_ERROR;
		return (int)n;
	}
	return seccomp_syscall_resolve_name(name);
}

static int add_rule(scmp_filter_ctx ctx, const struct sf_profile *p,
		    const struct sf_rule *r, FILE *print, char *err,
		    size_t errlen)
{
	struct scmp_arg_cmp cmp[6];
	unsigned int seen = 0;
	bool split = false;
	char where[32];
	size_t i, k;
	int nr, rc;

	for (k = 0; k < r->nargs; k++) {
		cmp[k] = (struct scmp_arg_cmp){
		    .arg = r->args[k].index,
		    .op = cmp_of[r->args[k].op],
		    .datum_a = r->args[k].value,
		    .datum_b = r->args[k].value2,
		};
		split = split || (seen & 1u << r->args[k].index);
		seen |= 1u << r->args[k].index;
	}
	for (i = 0; i < r->nnames; i++) {
		nr = resolve(r->names[i]);
		/*
		 * libseccomp refuses two conditions on one argument in a
		 * rule; the engines (runc, crun) then add one rule per
		 * condition, so a match of any of them takes the action.
		 */
		for (k = 0; k < (split ? r->nargs : 1); k++) {
			rc = split ? seccomp_rule_add_array(ctx,
							    to_scmp(&r->action),
							    nr, 1, &cmp[k])
				   : seccomp_rule_add_array(
					 ctx, to_scmp(&r->action), nr,
					 (unsigned int)r->nargs, cmp);
			if (rc < 0)
				return fail(err, errlen,
					    "%s: add the rule for %s: %s",
					    origin(p, r, where, sizeof(where)),
					    r->names[i], strerror(-rc));
			if (print)
				print_rule(print, &r->action, r->names[i],
					   nr >= 0 ? nr : -1,
					   split ? &cmp[k] : cmp,
					   split ? 1 : r->nargs);
		}
	}
	return 0;
}

/* Every name of a rule is one libseccomp knows, added or not. */
static int check_names(const struct sf_profile *p, const struct sf_rule *r,
		       char *err, size_t errlen)
{
	char where[32];
	size_t i;

	for (i = 0; i < r->nnames; i++)
		if (resolve(r->names[i]) == __NR_SCMP_ERROR)
			return fail(err, errlen, "%s: unknown syscall '%s'",
				    origin(p, r, where, sizeof(where)),
				    r->names[i]);
	return 0;
}

static bool same_action(const struct sf_action *a, const struct sf_action *b)
{
	return to_scmp(a) == to_scmp(b);
}

/*
 * The bad-architecture action of every block but the last: a value no
 * rule can return (errnoRet stops at SF_ERRNO_MAX), so it can be found
 * again in the program and turned into a jump to the next block.
 */
#define NEXT_BLOCK SCMP_ACT_TRACE(0xffff)

/*
 * One architecture's filter with every selected rule (written to print
 * when it is not NULL).  Returns it, or NULL with a reason in err.
 */
static scmp_filter_ctx build_one(const struct sf_profile *p, uint32_t arch,
				 bool last, FILE *print, char *err,
				 size_t errlen)
{
	scmp_filter_ctx ctx;
	char where[32];
	size_t i;
	int rc;

	ctx = seccomp_init(to_scmp(&p->dflt));
	if (!ctx) {
		fail(err, errlen,
		     "create the filter: default action %s is "
		     "not supported by libseccomp",
		     sf_action_name(p->dflt.kind));
		return NULL;
	}
	/* a binary tree of syscall numbers: a few compares, not hundreds */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (rc == 0 && !last)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, NEXT_BLOCK);
	if (rc < 0) {
		fail(err, errlen, "set up the filter: %s", strerror(-rc));
		goto out;
	}
	/* a new filter holds the native architecture */
	if (arch != seccomp_arch_native()) {
		rc = seccomp_arch_add(ctx, arch);
		if (rc == 0)
			rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (rc < 0) {
			fail(err, errlen, "add architecture %s: %s",
			     sf_arch_name(arch), strerror(-rc));
			goto out;
		}
	}
	for (i = 0; i < p->nrules; i++) {
		const struct sf_rule *r = &p->rules[i];

		if (!r->selected)
			continue;
		if (check_names(p, r, err, errlen) < 0)
			goto out;
		/* libseccomp refuses a rule that does what the default does
		 * (EACCES); the engines leave it out, and so do we */
		if (same_action(&r->action, &p->dflt)) {
			if (print)
				fprintf(print,
					"# %s: the default action "
					"already\n",
					origin(p, r, where, sizeof(where)));
			continue;
		}
		if (add_rule(ctx, p, r, print, err, errlen) < 0)
			goto out;
	}
	return ctx;
out:
	seccomp_release(ctx);
	return NULL;
}

/*
 * Append ctx's program to out.  Unless it is the last block, its
 * bad-architecture returns become jumps past its end, to the next block.
 */
static int append_block(scmp_filter_ctx ctx, bool last, struct sf_prog *out,
			char *err, size_t errlen)
{
	struct sock_filter *insns, *f;
	struct stat st;
	size_t n, j;
	int fd, rc;

	/* libseccomp 2.5 exports to a descriptor only */
	fd = memfd_create("sys-filter", MFD_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "export the filter: %s",
			    strerror(errno));
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0 || fstat(fd, &st) < 0) {
		fail(err, errlen, "export the filter: %s",
		     strerror(rc < 0 ? -rc : errno));
		close(fd);
		return -1;
	}
	n = (size_t)st.st_size / sizeof(*f);
	if (out->len + n > BPF_MAXINSNS) {
		close(fd);
		return fail(err, errlen,
			    "the filter needs more than the kernel's %d "
			    "instructions",
			    BPF_MAXINSNS);
	}
	insns = realloc(out->insns, (out->len + n) * sizeof(*f));
	if (!insns) {
		close(fd);
		return fail(err, errlen, "export the filter: %s",
			    strerror(errno));
	}
	out->insns = insns;
	f = insns + out->len;
	if (pread(fd, f, n * sizeof(*f), 0) != (ssize_t)(n * sizeof(*f))) {
		close(fd);
		return fail(err, errlen, "export the filter: short read");
	}
	close(fd);
	for (j = 0; !last && j < n; j++)
		if (f[j].code == (BPF_RET | BPF_K) && f[j].k == NEXT_BLOCK)
			f[j] = (struct sock_filter)BPF_JUMP(
			    BPF_JMP | BPF_JA, (uint32_t)(n - j - 1), 0, 0);
	out->len += n;
	return 0;
}

int sf_build(const struct sf_profile *p, const struct sf_arches *arches,
	     FILE *print, struct sf_prog *out, char *err, size_t errlen)
{
	struct sf_arches order = {.n = 0};
	scmp_filter_ctx ctx;
	size_t i;
	int rc;

	out->insns = NULL;
	out->len = 0;
	/* the native block first: most syscalls are decided there */
	if (arches_has(arches, seccomp_arch_native()))
		arches_add(&order, seccomp_arch_native());
	for (i = 0; i < arches->n; i++)
		arches_add(&order, arches->token[i]);
	if (print) {
		fputs("default ", print);
		print_action(print, &p->dflt);
		fputs("\narch", print);
		for (i = 0; i < arches->n; i++)
			fprintf(print, " %s", sf_arch_name(arches->token[i]));
		fputc('\n', print);
	}
	/*
	 * One block per architecture, one after the other in one program:
	 * each checks the architecture (and, for x86_64 and x32, the x32
	 * bit of the number) and hands a syscall not its own to the next;
	 * the last kills it, as a filter of several architectures does.
	 * libseccomp takes twice as long to build the same rules as one
	 * filter of three architectures (some 13 ms for the default profile
	 * on x86_64, x86 and x32, against 6 ms for three blocks), and a
	 * chain pays it at every start.  The native block comes first.
	 */
	for (i = 0; i < order.n; i++) {
		ctx = build_one(p, order.token[i], i + 1 == order.n,
				i == 0 ? print : NULL, err, errlen);
		if (!ctx)
			goto fail;
		rc = append_block(ctx, i + 1 == order.n, out, err, errlen);
		seccomp_release(ctx);
		if (rc < 0)
			goto fail;
	}
	return 0;
fail:
	free(out->insns);
	out->insns = NULL;
	return -1;
}

int sf_load_bpf(const void *prog, size_t len, unsigned int flags)
{
	struct sock_fprog fprog = {
	    .len = (unsigned short)(len / sizeof(struct sock_filter)),
	    .filter = (struct sock_filter *)prog,
	};
	unsigned int kflags = 0;

	if (len == 0 || len % sizeof(struct sock_filter) ||
	    len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		errno = EINVAL;
		return -1;
	}
	if (flags & SF_FLAG_LOG)
		kflags |= SECCOMP_FILTER_FLAG_LOG;
	if (flags & SF_FLAG_TSYNC)
		kflags |= SECCOMP_FILTER_FLAG_TSYNC;
	if (flags & SF_FLAG_SPEC_ALLOW)
		kflags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	if (flags & SF_BUILD_NNP &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
		return -1;
	/* TSYNC answers with the id of a thread it could not sync */
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, kflags, &fprog) ==
		       0
		   ? 0
		   : -1;
}
