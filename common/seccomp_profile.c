/* boxutils-pkgs: jansson */
#include "seccomp_profile.h"
#include "caps.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- names ---------------------------------------------------------------- */

static const struct {
	const char *name;
	enum sf_kind kind;
} actions[] = {
    {"SCMP_ACT_KILL_PROCESS", SF_KILL_PROCESS},
    /* libseccomp's SCMP_ACT_KILL is the thread's */
    {"SCMP_ACT_KILL", SF_KILL_THREAD},
    {"SCMP_ACT_KILL_THREAD", SF_KILL_THREAD},
    {"SCMP_ACT_TRAP", SF_TRAP},
    {"SCMP_ACT_ERRNO", SF_ERRNO},
    {"SCMP_ACT_TRACE", SF_TRACE},
    {"SCMP_ACT_LOG", SF_LOG},
    {"SCMP_ACT_ALLOW", SF_ALLOW},
};

/* Known to the format, not to sys-filter: refused with a reason. */
static const struct {
	const char *name, *why;
} unsupported_actions[] = {
    {"SCMP_ACT_NOTIFY", "it needs a listener (listenerPath), which "
			"sys-filter does not run"},
};

static const char *const op_names[] = {
    [SF_NE] = "SCMP_CMP_NE",
    [SF_LT] = "SCMP_CMP_LT",
    [SF_LE] = "SCMP_CMP_LE",
    [SF_EQ] = "SCMP_CMP_EQ",
    [SF_GE] = "SCMP_CMP_GE",
    [SF_GT] = "SCMP_CMP_GT",
    [SF_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const char *const op_symbols[] = {
    [SF_NE] = "!=", [SF_LT] = "<", [SF_LE] = "<=",	 [SF_EQ] = "==",
    [SF_GE] = ">=", [SF_GT] = ">", [SF_MASKED_EQ] = "&",
};

static const struct {
	const char *name;
	unsigned int flag;
} flag_names[] = {
    {"SECCOMP_FILTER_FLAG_LOG", SF_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SF_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_TSYNC", SF_FLAG_TSYNC},
};

/*
 * The architectures the format names (SCMP_ARCH_X86_64): the part after
 * SCMP_ARCH_, in lower case, is libseccomp's own name for it.
 */
static const char *const arch_names[] = {
    "x86",     "x86_64",      "x32",	"arm",	    "aarch64",	   "mips",
    "mips64",  "mips64n32",   "mipsel", "mipsel64", "mipsel64n32", "ppc",
    "ppc64",   "ppc64le",     "s390",	"s390x",    "parisc",	   "parisc64",
    "riscv64", "loongarch64", "m68k",	"sh",	    "sheb",
};

/* Linux's errno names; the first of two names for one value is the one
 * printed. */
#define E(x)                                                                   \
	{                                                                      \
#x, x                                                          \
	}
static const struct {
	const char *name;
	int value;
} errnos[] = {
    E(EPERM),
    E(ENOENT),
    E(ESRCH),
    E(EINTR),
    E(EIO),
    E(ENXIO),
    E(E2BIG),
    E(ENOEXEC),
    E(EBADF),
    E(ECHILD),
    E(EAGAIN),
    E(EWOULDBLOCK),
    E(ENOMEM),
    E(EACCES),
    E(EFAULT),
    E(ENOTBLK),
    E(EBUSY),
    E(EEXIST),
    E(EXDEV),
    E(ENODEV),
    E(ENOTDIR),
    E(EISDIR),
    E(EINVAL),
    E(ENFILE),
    E(EMFILE),
    E(ENOTTY),
    E(ETXTBSY),
    E(EFBIG),
    E(ENOSPC),
    E(ESPIPE),
    E(EROFS),
    E(EMLINK),
    E(EPIPE),
    E(EDOM),
    E(ERANGE),
    E(EDEADLK),
    E(EDEADLOCK),
    E(ENAMETOOLONG),
    E(ENOLCK),
    E(ENOSYS),
    E(ENOTEMPTY),
    E(ELOOP),
    E(ENOMSG),
    E(EIDRM),
    E(ECHRNG),
    E(EL2NSYNC),
    E(EL3HLT),
    E(EL3RST),
    E(ELNRNG),
    E(EUNATCH),
    E(ENOCSI),
    E(EL2HLT),
    E(EBADE),
    E(EBADR),
    E(EXFULL),
    E(ENOANO),
    E(EBADRQC),
    E(EBADSLT),
    E(EBFONT),
    E(ENOSTR),
    E(ENODATA),
    E(ETIME),
    E(ENOSR),
    E(ENONET),
    E(ENOPKG),
    E(EREMOTE),
    E(ENOLINK),
    E(EADV),
    E(ESRMNT),
    E(ECOMM),
    E(EPROTO),
    E(EMULTIHOP),
    E(EDOTDOT),
    E(EBADMSG),
    E(EOVERFLOW),
    E(ENOTUNIQ),
    E(EBADFD),
    E(EREMCHG),
    E(ELIBACC),
    E(ELIBBAD),
    E(ELIBSCN),
    E(ELIBMAX),
    E(ELIBEXEC),
    E(EILSEQ),
    E(ERESTART),
    E(ESTRPIPE),
    E(EUSERS),
    E(ENOTSOCK),
    E(EDESTADDRREQ),
    E(EMSGSIZE),
    E(EPROTOTYPE),
    E(ENOPROTOOPT),
    E(EPROTONOSUPPORT),
    E(ESOCKTNOSUPPORT),
    E(EOPNOTSUPP),
    E(ENOTSUP),
    E(EPFNOSUPPORT),
    E(EAFNOSUPPORT),
    E(EADDRINUSE),
    E(EADDRNOTAVAIL),
    E(ENETDOWN),
    E(ENETUNREACH),
    E(ENETRESET),
    E(ECONNABORTED),
    E(ECONNRESET),
    E(ENOBUFS),
    E(EISCONN),
    E(ENOTCONN),
    E(ESHUTDOWN),
    E(ETOOMANYREFS),
    E(ETIMEDOUT),
    E(ECONNREFUSED),
    E(EHOSTDOWN),
    E(EHOSTUNREACH),
    E(EALREADY),
    E(EINPROGRESS),
    E(ESTALE),
    E(EUCLEAN),
    E(ENOTNAM),
    E(ENAVAIL),
    E(EISNAM),
    E(EREMOTEIO),
    E(EDQUOT),
    E(ENOMEDIUM),
    E(EMEDIUMTYPE),
    E(ECANCELED),
    E(ENOKEY),
    E(EKEYEXPIRED),
    E(EKEYREVOKED),
    E(EKEYREJECTED),
    E(EOWNERDEAD),
    E(ENOTRECOVERABLE),
    E(ERFKILL),
    E(EHWPOISON),
};
#undef E

const char *sf_action_name(enum sf_kind kind)
{
	size_t i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (actions[i].kind == kind)
			return actions[i].name;
	return "?";
}

const char *sf_op_name(enum sf_op op)
{
	return op_names[op];
}

const char *sf_op_symbol(enum sf_op op)
{
	return op_symbols[op];
}

const char *sf_errno_name(uint32_t e)
{
	size_t i;

	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if ((uint32_t)errnos[i].value == e)
			return errnos[i].name;
	return NULL;
}

int sf_errno_parse(const char *s, uint32_t *out)
{
	unsigned long v = 0;
	size_t i;

	if (s[0] >= '0' && s[0] <= '9') {
		for (i = 0; s[i]; i++) {
			if (s[i] < '0' || s[i] > '9' || i >= 5 ||
			    (i == 1 && s[0] == '0'))
				goto bad;
			v = v * 10 + (unsigned long)(s[i] - '0');
		}
		if (v > SF_ERRNO_MAX)
			goto bad;
		*out = (uint32_t)v;
		return 0;
	}
	for (i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++) {
		if (strcmp(errnos[i].name, s) == 0) {
			*out = (uint32_t)errnos[i].value;
			return 0;
		}
	}
bad:
	errno = EINVAL;
	return -1;
}

int sf_action_parse(const char *s, struct sf_action *out)
{
	static const struct {
		const char *name;
		enum sf_kind kind;
	} words[] = {
	    {"kill", SF_KILL_PROCESS},
	    {"kill-process", SF_KILL_PROCESS},
	    {"kill-thread", SF_KILL_THREAD},
	    {"trap", SF_TRAP},
	    {"log", SF_LOG},
	    {"allow", SF_ALLOW},
	};
	size_t i;

	if (strncmp(s, "errno:", 6) == 0) {
		out->kind = SF_ERRNO;
		return sf_errno_parse(s + 6, &out->data);
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcmp(words[i].name, s) == 0) {
			out->kind = words[i].kind;
			out->data = 0;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

/* "MAJOR.MINOR[.PATCH][anything not a digit...]" */
int sf_kernel_version(const char *s, uint64_t *out)
{
	uint64_t part[3] = {0, 0, 0};
	int n = 0;

	for (;;) {
		if (*s < '0' || *s > '9')
			break;
		while (*s >= '0' && *s <= '9') {
			part[n] = part[n] * 10 + (uint64_t)(*s++ - '0');
			if (part[n] >= (1u << 20))
				goto bad;
		}
		n++;
		if (n == 3 || *s != '.')
			break;
		s++;
	}
	if (n < 2)
		goto bad;
	*out = part[0] << 40 | part[1] << 20 | part[2];
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* --- reading ---------------------------------------------------------------
 */

struct reader {
	char *err;
	size_t errlen;
	struct sf_profile *p;
};

__attribute__((format(printf, 2, 3))) static void set_err(struct reader *r,
							  const char *fmt, ...)
{
	va_list ap;
	char *c;

	if (r->errlen && r->err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(r->err, r->errlen, fmt, ap);
		va_end(ap);
		/* jansson quotes the input near an error: keep it one line,
		 * and keep the file's bytes from driving the terminal */
		for (c = r->err; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
	}
	errno = EINVAL;
}

/* The reason into r->err, and -1 where the analyzers can see it. */
#define fail(r, ...)                                                           \
	({                                                                     \
		set_err(r, __VA_ARGS__);                                       \
		-1;                                                            \
	})

static int nomem(struct reader *r)
{
	set_err(r, "out of memory");
	errno = ENOMEM;
	return -1;
}

/* Show at most 64 printable bytes of a string from the file. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len - 1 && i < 64 && s[i]; i++)
		buf[i] =
		    (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[i] = '\0';
	return buf;
}

static int check_keys(struct reader *r, json_t *obj, const char *where,
		      const char *const *known)
{
	const char *key;
	json_t *v;
	char b[80];
	size_t i;

	if (!json_is_object(obj))
		return fail(r, "%s: not an object", where);
	json_object_foreach(obj, key, v)
	{
		for (i = 0; known[i] && strcmp(known[i], key); i++)
			;
		if (!known[i])
			return fail(r, "%s: unknown field '%s'", where,
				    shown(key, b, sizeof(b)));
	}
	return 0;
}

/* A field that Go writes as null for an empty list is treated as absent. */
static json_t *field(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_null(v) ? NULL : v;
}

static int get_string(struct reader *r, json_t *v, const char *where,
		      const char **out)
{
	if (!json_is_string(v))
		return fail(r, "%s: not a string", where);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return fail(r, "%s: contains a NUL byte", where);
	*out = json_string_value(v);
	return 0;
}

/* A list of strings, each checked by ok() when given. */
static int get_strings(struct reader *r, json_t *v, const char *where,
		       char ***out, size_t *n,
		       int (*ok)(struct reader *, const char *, const char *))
{
	char w[128];
	const char *s;
	json_t *e;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return fail(r, "%s: not a list", where);
	if (json_array_size(v) == 0)
		return 0;
	*out = calloc(json_array_size(v), sizeof(char *));
	if (!*out)
		return nomem(r);
	json_array_foreach(v, i, e)
	{
		snprintf(w, sizeof(w), "%s[%zu]", where, i);
		if (get_string(r, e, w, &s) < 0 || (ok && ok(r, w, s) < 0))
			return -1;
		(*out)[i] = strdup(s);
		if (!(*out)[i])
			return nomem(r);
		(*n)++;
	}
	return 0;
}

static void free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* An integer 0..max. */
static int get_uint(struct reader *r, json_t *v, const char *where,
		    uint64_t max, uint64_t *out)
{
	json_int_t i;

	if (!json_is_integer(v))
		return fail(r, "%s: not an integer", where);
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i > max)
		return fail(r, "%s: %lld is out of range (0..%llu)", where,
			    (long long)i, (unsigned long long)max);
	*out = (uint64_t)i;
	return 0;
}

/*
 * A syscall name as libseccomp writes them: lower case letters, digits
 * and '_', not empty.  Whether it exists is libseccomp's to say.
 */
static int ok_syscall(struct reader *r, const char *where, const char *s)
{
	char b[80];
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			break;
	if (i == 0 || s[i] || i > 64)
		return fail(r, "%s: invalid syscall name '%s'", where,
			    shown(s, b, sizeof(b)));
	return 0;
}

/* "SCMP_ARCH_X86_64": checked, stored as libseccomp's name "x86_64". */
static int ok_arch(struct reader *r, const char *where, const char *s)
{
	char low[32], b[80];
	size_t i;

	if (strncmp(s, "SCMP_ARCH_", 10) == 0 && strlen(s + 10) < sizeof(low)) {
		for (i = 0; s[10 + i]; i++)
			low[i] = (char)(s[10 + i] >= 'A' && s[10 + i] <= 'Z'
					    ? s[10 + i] - 'A' + 'a'
					    : s[10 + i]);
		low[i] = '\0';
		for (i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++)
			if (strcmp(arch_names[i], low) == 0)
				return 0;
	}
	return fail(r, "%s: unknown architecture '%s'", where,
		    shown(s, b, sizeof(b)));
}

/* The stored form of an ok_arch() name: in place, "x86_64". */
static void arch_lower(char *s)
{
	char *d = s;

	for (s += 10; *s; s++)
		*d++ = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
	*d = '\0';
}

/* The action and its errno (errnoRet, or containers-common's "errno"
 * name), from fields named akey, rkey and nkey of obj. */
static int get_action(struct reader *r, json_t *obj, const char *where,
		      const char *akey, const char *rkey, const char *nkey,
		      struct sf_action *out)
{
	json_t *ret = field(obj, rkey), *name = field(obj, nkey);
	const char *s, *en;
	char w[128], b[80];
	uint64_t v = 1; /* EPERM, as Docker's when errnoRet is absent */
	uint32_t e;
	size_t i;

	snprintf(w, sizeof(w), "%s%s", where, akey);
	if (!field(obj, akey))
		return fail(r, "%s: missing", w);
	if (get_string(r, field(obj, akey), w, &s) < 0)
		return -1;
	for (i = 0;
	     i < sizeof(unsupported_actions) / sizeof(unsupported_actions[0]);
	     i++)
		if (strcmp(s, unsupported_actions[i].name) == 0)
			return fail(r, "%s: unsupported action %s: %s", w, s,
				    unsupported_actions[i].why);
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(s, actions[i].name) == 0)
			break;
	if (i == sizeof(actions) / sizeof(actions[0]))
		return fail(r, "%s: unknown action '%s'", w,
			    shown(s, b, sizeof(b)));
	out->kind = actions[i].kind;
	out->data = 0;
	snprintf(w, sizeof(w), "%s%s", where, rkey);
	if (ret && get_uint(r, ret, w, SF_ERRNO_MAX, &v) < 0)
		return -1;
	if (name) {
		snprintf(w, sizeof(w), "%s%s", where, nkey);
		if (get_string(r, name, w, &en) < 0)
			return -1;
		if (sf_errno_parse(en, &e) < 0)
			return fail(r, "%s: unknown errno '%s'", w,
				    shown(en, b, sizeof(b)));
		if (ret && e != v)
			return fail(r, "%s: %s is not %s%s (%llu)", w, en,
				    where, rkey, (unsigned long long)v);
		v = e;
	}
	if (out->kind == SF_ERRNO || out->kind == SF_TRACE)
		out->data = (uint32_t)v;
	else if (ret || name)
		return fail(r,
			    "%s%s: only for SCMP_ACT_ERRNO and "
			    "SCMP_ACT_TRACE, not %s",
			    where, ret ? rkey : nkey, s);
	return 0;
}

static int get_args(struct reader *r, json_t *v, const char *where,
		    struct sf_rule *rule)
{
	static const char *const keys[] = {"index", "value", "valueTwo", "op",
					   NULL};
	char w[192], b[80];
	const char *op;
	uint64_t u;
	json_t *a;
	size_t i, k;

	if (!v)
		return 0;
	if (!json_is_array(v))
		return fail(r, "%sargs: not a list", where);
	/* the kernel passes six arguments; Docker's profiles use at most 2 */
	if (json_array_size(v) > 6)
		return fail(r, "%sargs: more than 6 conditions", where);
	rule->args = calloc(json_array_size(v) + 1, sizeof(*rule->args));
	if (!rule->args)
		return nomem(r);
	json_array_foreach(v, i, a)
	{
		struct sf_arg *arg = &rule->args[i];

		snprintf(w, sizeof(w), "%sargs[%zu]", where, i);
		if (check_keys(r, a, w, keys) < 0)
			return -1;
		snprintf(w, sizeof(w), "%sargs[%zu].index", where, i);
		if (!field(a, "index"))
			return fail(r, "%s: missing", w);
		if (get_uint(r, field(a, "index"), w, 5, &u) < 0)
			return -1;
		arg->index = (unsigned int)u;
		snprintf(w, sizeof(w), "%sargs[%zu].value", where, i);
		if (field(a, "value") && get_uint(r, field(a, "value"), w,
						  INT64_MAX, &arg->value) < 0)
			return -1;
		snprintf(w, sizeof(w), "%sargs[%zu].valueTwo", where, i);
		if (field(a, "valueTwo") &&
		    get_uint(r, field(a, "valueTwo"), w, INT64_MAX,
			     &arg->value2) < 0)
			return -1;
		snprintf(w, sizeof(w), "%sargs[%zu].op", where, i);
		if (!field(a, "op"))
			return fail(r, "%s: missing", w);
		if (get_string(r, field(a, "op"), w, &op) < 0)
			return -1;
		for (k = 0; k < sizeof(op_names) / sizeof(op_names[0]); k++)
			if (strcmp(op, op_names[k]) == 0)
				break;
		if (k == sizeof(op_names) / sizeof(op_names[0]))
			return fail(r, "%s: unknown comparison '%s'", w,
				    shown(op, b, sizeof(b)));
		arg->op = (enum sf_op)k;
		rule->nargs++;
	}
	return 0;
}

static int ok_cap(struct reader *r, const char *where, const char *s)
{
	char b[80];

	if (strncmp(s, "CAP_", 4) != 0 || caps_from_name(s, strlen(s)) < 0)
		return fail(r, "%s: unknown capability '%s'", where,
			    shown(s, b, sizeof(b)));
	return 0;
}

static int get_match(struct reader *r, json_t *v, const char *where,
		     struct sf_match *m)
{
	static const char *const keys[] = {"caps", "arches", "minKernel", NULL};
	char w[128], b[80], **caps = NULL;
	const char *s;
	size_t i, n = 0;
	int rc;

	if (!v)
		return 0;
	if (check_keys(r, v, where, keys) < 0)
		return -1;
	snprintf(w, sizeof(w), "%s.caps", where);
	if (get_strings(r, field(v, "caps"), w, &caps, &n, ok_cap) < 0) {
		free_strings(caps, n);
		return -1;
	}
	for (i = 0; i < n; i++)
		m->caps |= CAPS_BIT(caps_from_name(caps[i], strlen(caps[i])));
	m->has_caps = n > 0;
	free_strings(caps, n);
	snprintf(w, sizeof(w), "%s.arches", where);
	rc = get_strings(r, field(v, "arches"), w, &m->arches, &m->narches,
			 NULL);
	if (rc < 0)
		return -1;
	if (field(v, "minKernel")) {
		snprintf(w, sizeof(w), "%s.minKernel", where);
		if (get_string(r, field(v, "minKernel"), w, &s) < 0)
			return -1;
		if (sf_kernel_version(s, &m->min_kernel) < 0)
			return fail(r,
				    "%s: '%s' is not a kernel version "
				    "(MAJOR.MINOR)",
				    w, shown(s, b, sizeof(b)));
		m->has_kernel = true;
	}
	return 0;
}

static int get_rule(struct reader *r, json_t *v, size_t idx,
		    struct sf_rule *rule)
{
	static const char *const keys[] = {
	    "names", "name",	"action",   "errnoRet", "errno",
	    "args",  "comment", "includes", "excludes", NULL};
	char where[64], w[128];
	const char *s;

	snprintf(where, sizeof(where), "syscalls[%zu]", idx);
	if (check_keys(r, v, where, keys) < 0)
		return -1;
	snprintf(w, sizeof(w), "%s.names", where);
	if (get_strings(r, field(v, "names"), w, &rule->names, &rule->nnames,
			ok_syscall) < 0)
		return -1;
	/* "name": one syscall, the form of Docker's profiles before 2017 */
	if (field(v, "name")) {
		char **more;

		snprintf(w, sizeof(w), "%s.name", where);
		if (get_string(r, field(v, "name"), w, &s) < 0 ||
		    ok_syscall(r, w, s) < 0)
			return -1;
		more = realloc(rule->names,
			       (rule->nnames + 1) * sizeof(*rule->names));
		if (!more)
			return nomem(r);
		rule->names = more;
		rule->names[rule->nnames] = strdup(s);
		if (!rule->names[rule->nnames])
			return nomem(r);
		rule->nnames++;
	}
	if (rule->nnames == 0)
		return fail(r, "%s: no syscall names", where);
	snprintf(w, sizeof(w), "%s.comment", where);
	if (field(v, "comment") &&
	    get_string(r, field(v, "comment"), w, &s) < 0)
		return -1;
	snprintf(w, sizeof(w), "%s.", where);
	if (get_action(r, v, w, "action", "errnoRet", "errno", &rule->action) <
	    0)
		return -1;
	if (get_args(r, field(v, "args"), w, rule) < 0)
		return -1;
	snprintf(w, sizeof(w), "%s.includes", where);
	if (get_match(r, field(v, "includes"), w, &rule->inc) < 0)
		return -1;
	snprintf(w, sizeof(w), "%s.excludes", where);
	return get_match(r, field(v, "excludes"), w, &rule->exc);
}

static int get_archmap(struct reader *r, json_t *v)
{
	static const char *const keys[] = {"architecture", "subArchitectures",
					   NULL};
	struct sf_profile *p = r->p;
	char w[128];
	const char *s;
	json_t *e;
	size_t i, k;

	if (!v)
		return 0;
	if (!json_is_array(v))
		return fail(r, "archMap: not a list");
	p->archmap = calloc(json_array_size(v) + 1, sizeof(*p->archmap));
	if (!p->archmap)
		return nomem(r);
	json_array_foreach(v, i, e)
	{
		struct sf_archmap *m = &p->archmap[i];

		snprintf(w, sizeof(w), "archMap[%zu]", i);
		if (check_keys(r, e, w, keys) < 0)
			return -1;
		p->narchmap++;
		snprintf(w, sizeof(w), "archMap[%zu].architecture", i);
		if (!field(e, "architecture"))
			return fail(r, "%s: missing", w);
		if (get_string(r, field(e, "architecture"), w, &s) < 0 ||
		    ok_arch(r, w, s) < 0)
			return -1;
		m->arch = strdup(s);
		if (!m->arch)
			return nomem(r);
		arch_lower(m->arch);
		snprintf(w, sizeof(w), "archMap[%zu].subArchitectures", i);
		if (get_strings(r, field(e, "subArchitectures"), w, &m->subs,
				&m->nsubs, ok_arch) < 0)
			return -1;
		for (k = 0; k < m->nsubs; k++)
			arch_lower(m->subs[k]);
	}
	return 0;
}

static int get_flags(struct reader *r, json_t *v)
{
	char **f = NULL, b[80];
	size_t n = 0, i, k;
	int rc = 0;

	if (get_strings(r, v, "flags", &f, &n, NULL) < 0) {
		free_strings(f, n);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		for (k = 0; k < sizeof(flag_names) / sizeof(flag_names[0]); k++)
			if (strcmp(f[i], flag_names[k].name) == 0)
				break;
		if (k < sizeof(flag_names) / sizeof(flag_names[0]))
			r->p->flags |= flag_names[k].flag;
		else
			rc = fail(r, "flags[%zu]: unsupported flag '%s'", i,
				  shown(f[i], b, sizeof(b)));
	}
	free_strings(f, n);
	return rc;
}

static int get_profile(struct reader *r, json_t *root)
{
	static const char *const keys[] = {"defaultAction",
					   "defaultErrnoRet",
					   "defaultErrno",
					   "architectures",
					   "archMap",
					   "syscalls",
					   "flags",
					   "listenerPath",
					   "listenerMetadata",
					   NULL};
	struct sf_profile *p = r->p;
	const char *s;
	json_t *v, *e;
	size_t i;

	if (check_keys(r, root, "profile", keys) < 0)
		return -1;
	if (get_action(r, root, "", "defaultAction", "defaultErrnoRet",
		       "defaultErrno", &p->dflt) < 0)
		return -1;
	if (field(root, "listenerPath")) {
		if (get_string(r, field(root, "listenerPath"), "listenerPath",
			       &s) < 0)
			return -1;
		if (*s)
			return fail(r, "listenerPath: unsupported: sys-filter "
				       "runs no seccomp notify listener");
	}
	if (field(root, "listenerMetadata") &&
	    get_string(r, field(root, "listenerMetadata"), "listenerMetadata",
		       &s) < 0)
		return -1;
	if (get_strings(r, field(root, "architectures"), "architectures",
			&p->arches, &p->narches, ok_arch) < 0)
		return -1;
	for (i = 0; i < p->narches; i++)
		arch_lower(p->arches[i]);
	if (get_archmap(r, field(root, "archMap")) < 0)
		return -1;
	if (get_flags(r, field(root, "flags")) < 0)
		return -1;
	v = field(root, "syscalls");
	if (!v)
		return 0;
	if (!json_is_array(v))
		return fail(r, "syscalls: not a list");
	p->rules = calloc(json_array_size(v) + 1, sizeof(*p->rules));
	if (!p->rules)
		return nomem(r);
	json_array_foreach(v, i, e)
	{
		p->nrules++;
		if (get_rule(r, e, i, &p->rules[i]) < 0)
			return -1;
	}
	return 0;
}

int sf_profile_parse(const char *buf, size_t len, struct sf_profile *p,
		     char *err, size_t errlen)
{
	struct reader r = {.err = err, .errlen = errlen, .p = p};
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(p, 0, sizeof(*p));
	if (errlen)
		err[0] = '\0';
	if (len > SF_PROFILE_MAX)
		return fail(&r, "larger than %u bytes", SF_PROFILE_MAX);
	/*
	 * Strict JSON: a key given twice is an error (which one would count
	 * is exactly what an attacker would like to choose), and jansson
	 * stops nesting at a fixed depth, so a deep file cannot exhaust the
	 * stack.
	 */
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(&r, "line %d column %d: %s", jerr.line, jerr.column,
			    jerr.text);
	rc = get_profile(&r, root);
	json_decref(root);
	if (rc < 0) {
		rc = errno;
		sf_profile_free(p);
		errno = rc;
		return -1;
	}
	return 0;
}

int sf_profile_add_list(struct sf_profile *p, const char *list,
			struct sf_action action, const char *opt)
{
	struct sf_rule *more, *rule;
	const char *s, *end;
	size_t n = 1, len;

	for (s = list; *s; s++)
		n += *s == ',';
	more = realloc(p->rules, (p->nrules + 1) * sizeof(*p->rules));
	if (!more)
		return -1;
	p->rules = more;
	rule = &p->rules[p->nrules];
	memset(rule, 0, sizeof(*rule));
	rule->action = action;
	rule->opt = opt;
	rule->names = calloc(n, sizeof(char *));
	if (!rule->names)
		return -1;
	p->nrules++;
	for (s = list;; s = end + 1) {
		end = strchr(s, ',');
		len = end ? (size_t)(end - s) : strlen(s);
		if (len == 0) {
			errno = EINVAL;
			return -1;
		}
		rule->names[rule->nnames] = strndup(s, len);
		if (!rule->names[rule->nnames])
			return -1;
		rule->nnames++;
		if (!end)
			break;
	}
	return 0;
}

static void free_match(struct sf_match *m)
{
	free_strings(m->arches, m->narches);
}

void sf_profile_free(struct sf_profile *p)
{
	size_t i;

	for (i = 0; i < p->nrules; i++) {
		free_strings(p->rules[i].names, p->rules[i].nnames);
		free(p->rules[i].args);
		free_match(&p->rules[i].inc);
		free_match(&p->rules[i].exc);
	}
	free(p->rules);
	for (i = 0; i < p->narchmap; i++) {
		free(p->archmap[i].arch);
		free_strings(p->archmap[i].subs, p->archmap[i].nsubs);
	}
	free(p->archmap);
	free_strings(p->arches, p->narches);
	memset(p, 0, sizeof(*p));
}

/* --- selection -------------------------------------------------------------
 */

static bool native_among(const struct sf_match *m, const struct sf_env *env)
{
	size_t i, k;

	for (i = 0; i < m->narches; i++)
		for (k = 0; env->arch_names && env->arch_names[k]; k++)
			if (strcmp(m->arches[i], env->arch_names[k]) == 0)
				return true;
	return false;
}

static bool applies(const struct sf_rule *rule, const struct sf_env *env)
{
	const struct sf_match *in = &rule->inc, *ex = &rule->exc;

	if (in->has_caps && (in->caps & env->caps) != in->caps)
		return false;
	if (in->narches && !native_among(in, env))
		return false;
	if (in->has_kernel && env->kernel < in->min_kernel)
		return false;
	if (ex->has_caps && (ex->caps & env->caps))
		return false;
	if (ex->narches && native_among(ex, env))
		return false;
	if (ex->has_kernel && env->kernel >= ex->min_kernel)
		return false;
	return true;
}

static bool named_on_cmdline(const struct sf_profile *p, const char *name)
{
	size_t i, k;

	for (i = 0; i < p->nrules; i++)
		for (k = 0; p->rules[i].opt && k < p->rules[i].nnames; k++)
			if (strcmp(p->rules[i].names[k], name) == 0)
				return true;
	return false;
}

void sf_profile_select(struct sf_profile *p, const struct sf_env *env)
{
	struct sf_rule *rule;
	size_t i, k, n;

	for (i = 0; i < p->nrules; i++) {
		rule = &p->rules[i];
		rule->selected = rule->opt || applies(rule, env);
		if (rule->opt || !rule->selected)
			continue;
		/* drop the names the command line decides */
		for (k = n = 0; k < rule->nnames; k++) {
			if (named_on_cmdline(p, rule->names[k]))
				free(rule->names[k]);
			else
				rule->names[n++] = rule->names[k];
		}
		rule->nnames = n;
		rule->selected = n > 0;
	}
}
