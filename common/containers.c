#include "containers.h"
#include "box.h"
#include "netlink.h"
#include "ns.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <linux/rtnetlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *const rt_names[RT_COUNT] = {
    [RT_NONE] = "-",	       [RT_DOCKER] = "docker",
    [RT_PODMAN] = "podman",    [RT_CONTAINERD] = "containerd",
    [RT_CRIO] = "cri-o",       [RT_KUBERNETES] = "kubernetes",
    [RT_RUNC] = "runc",	       [RT_CRUN] = "crun",
    [RT_LXC] = "lxc",	       [RT_NSPAWN] = "systemd-nspawn",
    [RT_BWRAP] = "bubblewrap", [RT_BOXUTILS] = "boxutils",
    [RT_UNSHARE] = "unshare",
};

const char *ct_runtime_name(int rt)
{
	return rt >= 0 && rt < RT_COUNT ? rt_names[rt] : "-";
}

/* --- identities ---------------------------------------------------------- */

static void set_rt(struct ct_ident *id, int rt)
{
	if (id->rt == RT_NONE)
		id->rt = rt;
}

/* Copy n bytes of s as a field, unless the field is set already. */
static void set_field(char *field, size_t size, const char *s, size_t n)
{
	if (field[0] || n == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(field, s, n);
	field[n] = '\0';
}

static void set_id(struct ct_ident *id, const char *s, size_t n)
{
	set_field(id->id, sizeof(id->id), s, n);
}

static void set_name(struct ct_ident *id, const char *s, size_t n)
{
	set_field(id->name, sizeof(id->name), s, n);
}

static bool is_hex(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* s[0..n) is "PREFIX" HEX64 "SUFFIX"; *hex points at the ID. */
static bool hex_between(const char *s, size_t n, const char *prefix,
			const char *suffix, const char **hex)
{
	size_t lp = strlen(prefix), ls = strlen(suffix);

	if (n != lp + 64 + ls || strncmp(s, prefix, lp) ||
	    strncmp(s + lp + 64, suffix, ls) || !is_hex(s + lp, 64))
		return false;
	*hex = s + lp;
	return true;
}

/* systemd's unit-name escaping: "\x2d" for '-' and so on. */
static void unescape_unit(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    isxdigit((unsigned char)s[i + 2]) &&
		    isxdigit((unsigned char)s[i + 3])) {
			char hx[3] = {s[i + 2], s[i + 3], '\0'};

			out[o++] = (char)strtol(hx, NULL, 16);
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

/*
 * The pattern a runtime leaves in a cgroup component, with a suffix
 * (".scope" under systemd) or none (cgroupfs).  Each row: a component
 * "PREFIX<64 hex>SUFFIX".
 */
static const struct {
	const char *prefix, *suffix;
	int rt;
} hex_units[] = {
    {"docker-", ".scope", RT_DOCKER},
    {"libpod-", ".scope", RT_PODMAN},
    {"libpod-", "", RT_PODMAN},
    {"cri-containerd-", ".scope", RT_CONTAINERD},
    {"crio-", ".scope", RT_CRIO},
    {"crio-", "", RT_CRIO},
};

bool ct_from_cgroup(const char *path, struct ct_ident *id)
{
	const char *comp[64] = {NULL}, *hex;
	size_t len[64] = {0}, n = 0;
	bool kube = false;
	const char *p = path;

	/* split into components; deeper than 64 is no runtime's layout */
	while (*p && n < ARRAY_SIZE(comp)) {
		const char *e;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		comp[n] = p;
		len[n++] = (size_t)(e - p);
		p = e;
	}
	for (size_t i = 0; i < n; i++)
		if (len[i] >= 8 && !strncmp(comp[i], "kubepods", 8))
			kube = true;
	/* the deepest component that names a container wins */
	for (size_t k = n; k-- > 0;) {
		const char *c = comp[k];
		size_t l = len[k];

		for (size_t r = 0; r < ARRAY_SIZE(hex_units); r++) {
			if (!hex_between(c, l, hex_units[r].prefix,
					 hex_units[r].suffix, &hex))
				continue;
			set_rt(id, hex_units[r].rt);
			set_id(id, hex, 64);
			return true;
		}
		/* cgroupfs: /docker/ID, /kubepods/.../pod<uid>/ID */
		if (l == 64 && is_hex(c, 64) && k > 0) {
			if (len[k - 1] == 6 &&
			    !strncmp(comp[k - 1], "docker", 6)) {
				set_rt(id, RT_DOCKER);
				set_id(id, c, 64);
				return true;
			}
			if (kube) {
				set_rt(id, RT_KUBERNETES);
				set_id(id, c, 64);
				return true;
			}
		}
		/* LXC 4+: lxc.payload.NAME; older: /lxc/NAME */
		if (l > 12 && !strncmp(c, "lxc.payload.", 12)) {
			set_rt(id, RT_LXC);
			set_name(id, c + 12, l - 12);
			return true;
		}
		if (k > 0 && len[k - 1] == 3 &&
		    !strncmp(comp[k - 1], "lxc", 3) && k == 1) {
			set_rt(id, RT_LXC);
			set_name(id, c, l);
			return true;
		}
		/* systemd-nspawn: machine.slice/machine-NAME.scope */
		if (k > 0 && len[k - 1] == 13 &&
		    !strncmp(comp[k - 1], "machine.slice", 13) && l > 14 &&
		    !strncmp(c, "machine-", 8) &&
		    !strncmp(c + l - 6, ".scope", 6)) {
			char name[CT_NAME_MAX];

			unescape_unit(c + 8, l - 14, name, sizeof(name));
			set_rt(id, RT_NSPAWN);
			set_name(id, name, strlen(name));
			return true;
		}
	}
	return false;
}

/* --- command lines ------------------------------------------------------- */

struct args {
	const char *v[128];
	size_t n;
};

/* Split NUL-separated arguments; the last may lack its NUL. */
static void split_args(const char *buf, size_t len, struct args *a, char *copy,
		       size_t copysz)
{
	size_t i = 0;

	if (len >= copysz)
		len = copysz - 1;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	a->n = 0;
	while (i < len && a->n < ARRAY_SIZE(a->v)) {
		a->v[a->n++] = copy + i;
		i += strlen(copy + i) + 1;
	}
}

/* The value of option opt ("-n", "--name"): "-n V", "--name=V". */
static const char *arg_value(const struct args *a, const char *opt)
{
	size_t l = strlen(opt);

	for (size_t i = 1; i < a->n; i++) {
		if (!strcmp(a->v[i], "--"))
			return NULL;
		if (!strcmp(a->v[i], opt))
			return i + 1 < a->n ? a->v[i + 1] : NULL;
		if (opt[1] == '-' && !strncmp(a->v[i], opt, l) &&
		    a->v[i][l] == '=')
			return a->v[i] + l + 1;
	}
	return NULL;
}

static const char *base(const char *s)
{
	const char *b = strrchr(s, '/');

	return b ? b + 1 : s;
}

/* CRI-O names conmon's container k8s_CONTAINER_POD_NAMESPACE_UID_N. */
static void crio_name(const char *n, struct ct_ident *id)
{
	const char *c = n + 4, *e1 = strchr(c, '_'), *e2;
	char name[CT_NAME_MAX];

	if (!e1)
		return;
	e2 = strchr(e1 + 1, '_');
	if (!e2)
		return;
	snprintf(name, sizeof(name), "%.*s/%.*s", (int)(e2 - e1 - 1), e1 + 1,
		 (int)(e1 - c), c);
	set_name(id, name, strlen(name));
}

bool ct_from_cmdline(const char *buf, size_t len, struct ct_ident *id)
{
	static char copy[4096];
	struct args a;
	const char *b, *v, *w;

	split_args(buf, len, &a, copy, sizeof(copy));
	if (a.n == 0)
		return false;
	b = base(a.v[0]);
	if (!strcmp(b, "conmon")) {
		/* Podman's and CRI-O's monitor: -c ID -n NAME */
		v = arg_value(&a, "-n");
		if (!v)
			v = arg_value(&a, "--name");
		w = arg_value(&a, "--exit-dir");
		if ((w && strstr(w, "crio")) || (v && !strncmp(v, "k8s_", 4))) {
			set_rt(id, RT_CRIO);
			if (v && !strncmp(v, "k8s_", 4))
				crio_name(v, id);
		} else {
			set_rt(id, RT_PODMAN);
			if (v)
				set_name(id, v, strlen(v));
		}
		w = arg_value(&a, "-c");
		if (!w)
			w = arg_value(&a, "--cid");
		if (w)
			set_id(id, w, strlen(w));
		return true;
	}
	if (!strncmp(b, "containerd-shim", 15)) {
		/* Docker's containers live in containerd's "moby" namespace */
		v = arg_value(&a, "-namespace");
		set_rt(id, v && !strcmp(v, "moby") ? RT_DOCKER : RT_CONTAINERD);
		w = arg_value(&a, "-id");
		if (w)
			set_id(id, w, strlen(w));
		return true;
	}
	if (!strncmp(a.v[0], "[lxc monitor]", 13)) {
		/* "[lxc monitor] LXCPATH NAME", as one argument or three */
		const char *last = a.v[a.n - 1], *sp = strrchr(last, ' ');

		set_rt(id, RT_LXC);
		if (sp && a.n == 1)
			last = sp + 1;
		if (a.n > 1 || sp)
			set_name(id, last, strlen(last));
		return true;
	}
	if (!strcmp(b, "lxc-start")) {
		set_rt(id, RT_LXC);
		v = arg_value(&a, "-n");
		if (!v)
			v = arg_value(&a, "--name");
		if (v)
			set_name(id, v, strlen(v));
		return true;
	}
	if (!strcmp(b, "systemd-nspawn")) {
		set_rt(id, RT_NSPAWN);
		v = arg_value(&a, "-M");
		if (!v)
			v = arg_value(&a, "--machine");
		if (!v) {
			/* the machine is named for its directory */
			v = arg_value(&a, "-D");
			if (!v)
				v = arg_value(&a, "--directory");
			if (v)
				v = base(v);
		}
		if (v)
			set_name(id, v, strlen(v));
		return true;
	}
	if (!strcmp(b, "runc") || !strcmp(b, "crun")) {
		/* "runc [global options] run [options] ID": ID is last */
		bool run = false;

		for (size_t i = 1; i < a.n; i++)
			run |=
			    !strcmp(a.v[i], "run") || !strcmp(a.v[i], "start");
		if (!run)
			return false;
		set_rt(id, b[0] == 'r' ? RT_RUNC : RT_CRUN);
		v = a.v[a.n - 1];
		if (v[0] != '-')
			set_id(id, v, strlen(v));
		return true;
	}
	if (!strcmp(b, "bwrap")) {
		set_rt(id, RT_BWRAP);
		return true;
	}
	if (!strcmp(b, "ns-unshare")) {
		set_rt(id, RT_BOXUTILS);
		return true;
	}
	if (!strcmp(b, "unshare")) {
		set_rt(id, RT_UNSHARE);
		return true;
	}
	return false;
}

/* --- a small strict JSON reader ------------------------------------------ */

struct js {
	const char *p, *end;
	const char *const *path;
	unsigned npath;
	char *out;
	size_t outsz;
	int found; /* 0 not yet, 1 found, -errno a value at the path failed */
};

static void js_ws(struct js *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
				 *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int js_hex4(struct js *j, unsigned *v)
{
	*v = 0;
	if (j->end - j->p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = *j->p++;

		if (!isxdigit((unsigned char)c))
			return -1;
		*v = *v * 16 + (unsigned)(isdigit((unsigned char)c)
					      ? c - '0'
					      : (c | 0x20) - 'a' + 10);
	}
	return 0;
}

/* Append a code point as UTF-8 to out (when out is given). */
static void js_put(char *out, size_t outsz, size_t *o, unsigned cp, int *err)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (!out)
		return;
	if (*o + n >= outsz) {
		*err = ERANGE;
		return;
	}
	memcpy(out + *o, u, n);
	*o += n;
}

/*
 * A string at j->p (the opening quote); decoded into out when out is not
 * NULL.  *err gets ERANGE or EILSEQ for a value that cannot be given
 * back whole; the return is -1 only for bad syntax.
 */
static int js_string(struct js *j, char *out, size_t outsz, int *err)
{
	size_t o = 0;
	unsigned cp, lo;

	if (j->p >= j->end || *j->p != '"')
		return -1;
	j->p++;
	while (j->p < j->end) {
		unsigned char c = (unsigned char)*j->p++;

		if (c == '"') {
			if (out)
				out[o < outsz ? o : outsz - 1] = '\0';
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c != '\\') {
			if (out && o + 1 >= outsz)
				*err = ERANGE;
			else if (out)
				out[o++] = (char)c;
			continue;
		}
		if (j->p >= j->end)
			return -1;
		c = (unsigned char)*j->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			cp = c;
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			if (js_hex4(j, &cp) < 0)
				return -1;
			if (cp >= 0xd800 && cp < 0xdc00) {
				/* a surrogate pair, or a lone half: U+FFFD */
				if (j->end - j->p >= 6 && j->p[0] == '\\' &&
				    j->p[1] == 'u') {
					const char *save = j->p;

					j->p += 2;
					if (js_hex4(j, &lo) < 0)
						return -1;
					if (lo >= 0xdc00 && lo < 0xe000)
						cp = 0x10000 +
						     ((cp - 0xd800) << 10) +
						     (lo - 0xdc00);
					else {
						cp = 0xfffd;
						j->p = save;
					}
				} else {
					cp = 0xfffd;
				}
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				cp = 0xfffd;
			}
			if (cp == 0)
				*err = EILSEQ;
			break;
		default:
			return -1;
		}
		js_put(out, outsz, &o, cp, err);
	}
	return -1;
}

static int js_number(struct js *j)
{
	const char *s = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || !isdigit((unsigned char)*j->p))
		return -1;
	if (*j->p == '0')
		j->p++;
	else
		while (j->p < j->end && isdigit((unsigned char)*j->p))
			j->p++;
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (j->p >= j->end || !isdigit((unsigned char)*j->p))
			return -1;
		while (j->p < j->end && isdigit((unsigned char)*j->p))
			j->p++;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (j->p >= j->end || !isdigit((unsigned char)*j->p))
			return -1;
		while (j->p < j->end && isdigit((unsigned char)*j->p))
			j->p++;
	}
	return j->p > s ? 0 : -1;
}

static int js_word(struct js *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->end - j->p) < n || strncmp(j->p, w, n))
		return -1;
	j->p += n;
	return 0;
}

/* Copy the raw text of a scalar just read (from s to j->p). */
static void js_raw(struct js *j, const char *s)
{
	size_t n = (size_t)(j->p - s);

	if (n >= j->outsz) {
		j->found = -ERANGE;
		return;
	}
	memcpy(j->out, s, n);
	j->out[n] = '\0';
	j->found = 1;
}

/*
 * A value; at is how many keys of the path led here (npath + 1 when off
 * the path).  Returns -1 on bad syntax.
 */
static int js_value(struct js *j, unsigned at, unsigned depth)
{
	bool want = at == j->npath && !j->found;
	const char *s;
	int err = 0;

	if (depth > 64)
		return -1;
	js_ws(j);
	if (j->p >= j->end)
		return -1;
	s = j->p;
	switch (*j->p) {
	case '{': {
		bool first = true;

		j->p++;
		for (;;) {
			char key[256];
			int kerr = 0;
			unsigned next;

			js_ws(j);
			if (j->p < j->end && *j->p == '}' && first) {
				j->p++;
				return 0;
			}
			if (js_string(j, key, sizeof(key), &kerr) < 0)
				return -1;
			/* a key that does not fit is no key we look for */
			next =
			    at < j->npath && !kerr && !strcmp(key, j->path[at])
				? at + 1
				: j->npath + 1;
			js_ws(j);
			if (j->p >= j->end || *j->p != ':')
				return -1;
			j->p++;
			if (js_value(j, next, depth + 1) < 0)
				return -1;
			js_ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				first = false;
				continue;
			}
			if (j->p < j->end && *j->p == '}') {
				j->p++;
				return 0;
			}
			return -1;
		}
	}
	case '[': {
		bool first = true;

		j->p++;
		for (;;) {
			js_ws(j);
			if (j->p < j->end && *j->p == ']' && first) {
				j->p++;
				return 0;
			}
			if (js_value(j, j->npath + 1, depth + 1) < 0)
				return -1;
			js_ws(j);
			if (j->p < j->end && *j->p == ',') {
				j->p++;
				first = false;
				continue;
			}
			if (j->p < j->end && *j->p == ']') {
				j->p++;
				return 0;
			}
			return -1;
		}
	}
	case '"':
		if (js_string(j, want ? j->out : NULL, j->outsz, &err) < 0)
			return -1;
		if (want)
			j->found = err ? -err : 1;
		return 0;
	case 't':
		if (js_word(j, "true") < 0)
			return -1;
		break;
	case 'f':
		if (js_word(j, "false") < 0)
			return -1;
		break;
	case 'n':
		if (js_word(j, "null") < 0)
			return -1;
		break;
	default:
		if (js_number(j) < 0)
			return -1;
		break;
	}
	if (want)
		js_raw(j, s);
	return 0;
}

int json_get(const char *buf, size_t len, const char *const *path,
	     unsigned npath, char *out, size_t outsz)
{
	struct js j = {buf, buf + len, path, npath, out, outsz, 0};

	if (outsz == 0) {
		errno = ERANGE;
		return -1;
	}
	out[0] = '\0';
	if (js_value(&j, 0, 0) < 0)
		goto bad;
	js_ws(&j);
	if (j.p != j.end)
		goto bad;
	if (j.found == 1)
		return 0;
	out[0] = '\0';
	errno = j.found < 0 ? -j.found : ENOENT;
	return -1;
bad:
	out[0] = '\0';
	errno = EINVAL;
	return -1;
}

/* --- reading /proc ------------------------------------------------------- */

/* A whole small file below dirfd into buf (NUL-terminated); bytes or -1. */
static ssize_t read_at(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (n + 1 < size) {
		r = read(fd, buf + n, size - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

/* the flag in /proc/PID/stat marking a kernel thread (linux/sched.h) */
#define PF_KTHREAD 0x00200000

struct proc {
	pid_t pid, ppid;
	uid_t uid;
	unsigned long long start;
	ino_t ns[CT_NS_MAX];
	char comm[32];
	bool kthread;
	bool launcher; /* folded into its child's container */
	int group;     /* index into the groups, -1 for the host's set */
	int ct;	       /* index of the container it belongs to, or -1 */
};

/* "PID (comm) S PPID ... starttime(22)"; comm may hold anything. */
static int parse_stat(const char *buf, struct proc *p)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')'), *s;
	unsigned long long v;
	size_t n;
	int field;

	if (!open || !close || close < open || close[1] != ' ')
		return -1;
	n = (size_t)(close - open - 1);
	if (n >= sizeof(p->comm))
		n = sizeof(p->comm) - 1;
	memcpy(p->comm, open + 1, n);
	p->comm[n] = '\0';
	/* fields after comm: 3 state, 4 ppid, 9 flags, 22 starttime */
	s = close + 2;
	for (field = 3; *s && field <= 22; field++) {
		char *e;

		if (field == 4 || field == 9 || field == 22) {
			v = strtoull(s, &e, 10);
			if (e == s)
				return -1;
			if (field == 4)
				p->ppid = (pid_t)v;
			else if (field == 9)
				p->kthread = (v & PF_KTHREAD) != 0;
			else
				p->start = v;
		}
		s = strchr(s, ' ');
		if (!s)
			break;
		s++;
	}
	return field > 22 ? 0 : -1;
}

/* The namespace inodes of the process whose /proc directory is dfd. */
static int read_ns(int dfd, ino_t ns[CT_NS_MAX])
{
	unsigned last = ns_count < CT_NS_MAX ? ns_count : CT_NS_MAX;
	char name[32];
	struct stat sb;

	memset(ns, 0, sizeof(ino_t) * CT_NS_MAX);
	for (unsigned i = 0; i < last; i++) {
		snprintf(name, sizeof(name), "ns/%s", ns_types[i].file);
		if (fstatat(dfd, name, &sb, 0) < 0) {
			/* a type this kernel lacks reads as 0 in every set;
			 * a gone process loses its mount namespace too */
			if (errno != ENOENT)
				return -1;
			ns[i] = 0;
			continue;
		}
		ns[i] = sb.st_ino;
	}
	return last && ns[last - 1] ? 0 : -1; /* the mount ns, last, must be */
}

static int cmp_ino(const ino_t *a, const ino_t *b)
{
	for (unsigned i = 0; i < CT_NS_MAX; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static const struct proc *sort_procs;

static int by_key(const void *a, const void *b)
{
	const struct proc *x = &sort_procs[*(const size_t *)a],
			  *y = &sort_procs[*(const size_t *)b];
	int c = cmp_ino(x->ns, y->ns);

	if (c)
		return c;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int by_pid(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

struct group {
	size_t first, count; /* in the order of procs by set */
	size_t init;	     /* index of the init among the procs */
	bool dropped;
	int ct;
};

static int by_init(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	pid_t px = sort_procs[x->init].pid, py = sort_procs[y->init].pid;

	return px < py ? -1 : px > py;
}

static struct proc *find_proc(struct proc *v, size_t n, pid_t pid)
{
	struct proc key = {.pid = pid};

	return pid > 0 ? bsearch(&key, v, n, sizeof(*v), by_pid) : NULL;
}

static unsigned pid_index(void)
{
	return (unsigned)(ns_by_flag(CLONE_NEWPID) - ns_types);
}

/*
 * The host's namespaces: kthreadd's (PID 2 with parent 0, a kernel
 * thread, lives in the initial ones), else PID 1's (a sandbox may keep
 * it out of reach, as kernel threads are not), else our own.
 */
static int host_set(int pfd, ino_t host[CT_NS_MAX])
{
	static const char *const who[] = {"2", "1", "self"};
	struct proc p;
	char buf[1024];

	for (size_t i = 0; i < ARRAY_SIZE(who); i++) {
		int dfd = openat(pfd, who[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		int r;

		if (dfd < 0)
			continue;
		memset(&p, 0, sizeof(p));
		r = read_ns(dfd, host);
		if (r == 0 && i == 0)
			r = read_at(dfd, "stat", buf, sizeof(buf)) > 0 &&
				    parse_stat(buf, &p) == 0 && p.kthread &&
				    p.ppid == 0
				? 0
				: -1;
		close(dfd);
		if (r == 0)
			return 0;
	}
	return -1;
}

/* Read every process; the host's set into host.  0 or -1 with errno. */
static int scan_procs(struct proc **out, size_t *count, ino_t host[CT_NS_MAX])
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	struct proc *v = NULL, p;
	size_t n = 0, cap = 0;
	char buf[1024];
	int pfd;

	if (!d)
		return -1;
	pfd = dirfd(d);
	if (host_set(pfd, host) < 0)
		memset(host, 0, sizeof(ino_t) * CT_NS_MAX);
	while ((e = readdir(d))) {
		struct stat sb;
		char *end;
		long pid;
		int dfd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT_MAX)
			continue;
		/* From here on a process may vanish at any step: it is then
		 * left out, as if the scan had come a moment later. */
		dfd = openat(pfd, e->d_name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		memset(&p, 0, sizeof(p));
		p.pid = (pid_t)pid;
		if (fstat(dfd, &sb) < 0 || read_ns(dfd, p.ns) < 0 ||
		    read_at(dfd, "stat", buf, sizeof(buf)) <= 0 ||
		    parse_stat(buf, &p) < 0) {
			close(dfd);
			continue;
		}
		close(dfd);
		/* a kernel thread (kdevtmpfs has a mount ns) is no container */
		if (p.kthread)
			continue;
		p.uid = sb.st_uid;
		p.group = -1;
		p.ct = -1;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			struct proc *nv = realloc(v, nc * sizeof(*v));

			if (!nv) {
				free(v);
				closedir(d);
				errno = ENOMEM;
				return -1;
			}
			v = nv;
			cap = nc;
		}
		v[n++] = p;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_pid);
	*out = v;
	*count = n;
	return 0;
}

/* --- state directories ---------------------------------------------------- */

/*
 * Where runtimes keep a state file per container naming its init PID:
 * DIR/[NS/]ID/FILE.  The start time, where written, catches a PID
 * reused since the container died.
 */
static const struct state_dir {
	const char *dir;
	bool ns_level; /* one more level: containerd's namespaces */
	const char *file;
	int rt;
	const char *pid_key, *start_key;
} state_dirs[] = {
    {"/run/runc", false, "state.json", RT_RUNC, "init_process_pid",
     "init_process_start"},
    {"/run/crun", false, "status", RT_CRUN, "pid", "process-start-time"},
    {"/run/docker/runtime-runc/moby", false, "state.json", RT_DOCKER,
     "init_process_pid", "init_process_start"},
    {"/run/containerd/runc", true, "state.json", RT_CONTAINERD,
     "init_process_pid", "init_process_start"},
};

/*
 * Names kept in a runtime's files beside its ID: Docker's container
 * name, containerd's CRI and CRI-O's Kubernetes pod and container.
 * The path holds "%s" for the ID (containerd's also its namespace
 * "k8s.io"); name is pod/container where both are given.
 */
static const struct name_file {
	int rt;
	const char *fmt;
	const char *pod[2], *name[2];
} name_files[] = {
    {RT_DOCKER,
     "/var/lib/docker/containers/%s/config.v2.json",
     {NULL, NULL},
     {"Name", NULL}},
    {RT_CONTAINERD,
     "/run/containerd/io.containerd.runtime.v2.task/k8s.io/%s/config.json",
     {"annotations", "io.kubernetes.cri.sandbox-name"},
     {"annotations", "io.kubernetes.cri.container-name"}},
    {RT_KUBERNETES,
     "/run/containerd/io.containerd.runtime.v2.task/k8s.io/%s/config.json",
     {"annotations", "io.kubernetes.cri.sandbox-name"},
     {"annotations", "io.kubernetes.cri.container-name"}},
    {RT_CRIO,
     "/run/containers/storage/overlay-containers/%s/userdata/config.json",
     {"annotations", "io.kubernetes.pod.name"},
     {"annotations", "io.kubernetes.container.name"}},
    {RT_KUBERNETES,
     "/run/containers/storage/overlay-containers/%s/userdata/config.json",
     {"annotations", "io.kubernetes.pod.name"},
     {"annotations", "io.kubernetes.container.name"}},
};

#define STATE_MAX (1u << 20)

/* A whole file (at most STATE_MAX bytes) into *buf; its length or -1. */
static ssize_t slurp(int dirfd, const char *path, char **buf)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat sb;
	ssize_t n;

	*buf = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > STATE_MAX) {
		close(fd);
		return -1;
	}
	*buf = malloc((size_t)sb.st_size + 1);
	if (!*buf) {
		close(fd);
		return -1;
	}
	n = read(fd, *buf, (size_t)sb.st_size);
	close(fd);
	if (n < 0) {
		free(*buf);
		*buf = NULL;
	}
	return n;
}

static bool id_ok(const char *s)
{
	if (!*s || strlen(s) >= CT_ID_MAX)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return false;
	return true;
}

static void state_one(struct ct_list *l, const struct state_dir *sd, int dfd,
		      const char *id)
{
	const char *pk[1] = {sd->pid_key}, *sk[1] = {sd->start_key};
	char path[NAME_MAX + 16], val[32], *buf, *end;
	unsigned long long pid, start;
	ssize_t n;

	if (!id_ok(id))
		return;
	snprintf(path, sizeof(path), "%s/%s", id, sd->file);
	n = slurp(dfd, path, &buf);
	if (n < 0)
		return;
	if (json_get(buf, (size_t)n, pk, 1, val, sizeof(val)) < 0) {
		free(buf);
		return;
	}
	pid = strtoull(val, &end, 10);
	if (*end || pid == 0 || pid > INT_MAX) {
		free(buf);
		return;
	}
	start = 0;
	if (json_get(buf, (size_t)n, sk, 1, val, sizeof(val)) == 0)
		start = strtoull(val, &end, 10);
	free(buf);
	for (size_t i = 0; i < l->n; i++) {
		struct ct *c = &l->v[i];

		if (c->pid != (pid_t)pid || c->ident.id[0])
			continue;
		if (start && c->start && start != c->start)
			continue; /* the PID was reused */
		set_rt(&c->ident, sd->rt);
		set_id(&c->ident, id, strlen(id));
	}
}

static void state_walk(struct ct_list *l, const struct state_dir *sd, int dfd,
		       bool ns_level)
{
	DIR *d;
	struct dirent *e;

	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (ns_level) {
			int sub = openat(dirfd(d), e->d_name,
					 O_RDONLY | O_DIRECTORY | O_CLOEXEC);

			if (sub >= 0)
				state_walk(l, sd, sub, false);
		} else {
			state_one(l, sd, dirfd(d), e->d_name);
		}
	}
	closedir(d);
}

static void read_state_dirs(struct ct_list *l)
{
	bool need = false;

	for (size_t i = 0; i < l->n; i++)
		need |= !l->v[i].ident.id[0];
	if (!need)
		return;
	for (size_t s = 0; s < ARRAY_SIZE(state_dirs); s++) {
		int dfd =
		    open(state_dirs[s].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0)
			state_walk(l, &state_dirs[s], dfd,
				   state_dirs[s].ns_level);
	}
}

static void read_names(struct ct *c)
{
	char path[PATH_MAX], pod[128], name[128], *buf;
	ssize_t n;

	if (c->ident.name[0] || !c->ident.id[0] || !id_ok(c->ident.id) ||
	    strchr(c->ident.id, '/'))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(name_files); i++) {
		const struct name_file *f = &name_files[i];

		if (f->rt != c->ident.rt)
			continue;
		snprintf(path, sizeof(path), f->fmt, c->ident.id);
		n = slurp(AT_FDCWD, path, &buf);
		if (n < 0)
			continue;
		pod[0] = '\0';
		if (f->pod[0])
			json_get(buf, (size_t)n, f->pod, 2, pod, sizeof(pod));
		if (json_get(buf, (size_t)n, f->name, f->name[1] ? 2 : 1, name,
			     sizeof(name)) == 0) {
			char full[CT_NAME_MAX];
			/* Docker writes its names with a leading '/' */
			const char *nm = name[0] == '/' ? name + 1 : name;

			snprintf(full, sizeof(full), "%s%s%s", pod,
				 pod[0] ? "/" : "", nm);
			set_name(&c->ident, full, strlen(full));
		}
		free(buf);
		return;
	}
}

/* --- addresses --------------------------------------------------------------
 */

static void add_addr(const struct cidr *a, int index, unsigned char scope,
		     void *data)
{
	struct ct *c = data;
	char s[64];
	size_t used = strlen(c->addr);

	(void)index;
	/* loopback and link-local addresses say nothing about a container */
	if (scope == RT_SCOPE_HOST || scope == RT_SCOPE_LINK)
		return;
	cidr_str(a, s, sizeof(s));
	if (used + strlen(s) + 2 > sizeof(c->addr))
		return;
	snprintf(c->addr + used, sizeof(c->addr) - used, "%s%s",
		 used ? "," : "", s);
}

static void read_addrs(struct ct_list *l)
{
	static struct nl nl;
	unsigned net = (unsigned)(ns_by_flag(CLONE_NEWNET) - ns_types);
	char path[64];
	int fd, r;

	for (size_t i = 0; i < l->n; i++) {
		struct ct *c = &l->v[i];
		bool done = false;

		if (!(c->own & (1u << net)))
			continue;
		/* containers of a pod share one network namespace */
		for (size_t k = 0; k < i && !done; k++) {
			if (l->v[k].ns[net] == c->ns[net] &&
			    (l->v[k].own & (1u << net))) {
				memcpy(c->addr, l->v[k].addr, sizeof(c->addr));
				done = true;
			}
		}
		if (done)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c->pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* ns-list reads only: entering each network namespace and
		 * straight back (nl_open_in) is cheaper than a fork each */
		r = nl_open_in(&nl, fd);
		close(fd);
		if (r < 0)
			continue;
		nl_addr_list(&nl, add_addr, c);
		nl_close(&nl);
	}
}

/*
 * The hostname of each container with a UTS namespace of its own, the
 * name of last resort (bwrap --hostname, ns-unshare --hostname): uname()
 * answers for the namespace we stand in, so step in and straight back,
 * as for the addresses.  Not root: no setns, no hostname.
 */
static void read_hostnames(struct ct_list *l)
{
	unsigned uts = (unsigned)(ns_by_flag(CLONE_NEWUTS) - ns_types);
	struct utsname u, mine;
	char path[64];
	int self, fd;

	self = open("/proc/thread-self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return;
	if (uname(&mine) < 0)
		mine.nodename[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		struct ct *c = &l->v[i];
		int r;

		if (!(c->own & (1u << uts)))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)c->pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		r = setns(fd, CLONE_NEWUTS);
		close(fd);
		if (r < 0)
			continue;
		r = uname(&u);
		if (setns(self, CLONE_NEWUTS) < 0)
			abort(); /* never go on in another's UTS namespace */
		if (r == 0)
			snprintf(c->hostname, sizeof(c->hostname), "%s",
				 u.nodename);
		/* a copy of ours (unshare -u alone) names nothing */
		c->named_host = r == 0 && strcmp(u.nodename, mine.nodename);
	}
	close(self);
}

/* --- grouping ------------------------------------------------------------- */

static void read_cmdline(pid_t pid, char *out, size_t size, char *raw,
			 size_t rawsz, ssize_t *rawlen)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = read_at(AT_FDCWD, path, raw, rawsz);
	if (rawlen)
		*rawlen = n;
	if (!out)
		return;
	out[0] = '\0';
	if (n <= 0)
		return;
	while (n > 0 && raw[n - 1] == '\0')
		n--;
	if ((size_t)n >= size)
		n = (ssize_t)size - 1;
	for (ssize_t i = 0; i < n; i++)
		out[i] = raw[i] ? raw[i] : ' ';
	out[n] = '\0';
}

/* The cgroup lines of pid: identify by each; show the most telling one. */
static void read_cgroup(struct ct *c)
{
	char path[64], buf[8192], *line, *save = NULL;
	const char *shown = NULL, *v2 = NULL;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)c->pid);
	if (read_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = strchr(line, ':');

		p = p ? strchr(p + 1, ':') : NULL;
		if (!p)
			continue;
		p++;
		ct_from_cgroup(p, &c->ident);
		if (!strncmp(line, "0::", 3))
			v2 = p;
		else if (!shown && strcmp(p, "/"))
			shown = p;
	}
	/* the unified hierarchy's, unless it is the root (hybrid hosts) */
	if (v2 && (strcmp(v2, "/") || !shown))
		shown = v2;
	if (shown)
		snprintf(c->cgroup, sizeof(c->cgroup), "%s", shown);
}

static void cgroup_of(pid_t pid, char *out, size_t size)
{
	struct ct tmp;

	memset(&tmp, 0, sizeof(tmp));
	tmp.pid = pid;
	read_cgroup(&tmp);
	snprintf(out, size, "%s", tmp.cgroup);
}

static void identify(struct ct *c, struct proc *v, size_t n)
{
	static char raw[4096];
	ssize_t len;
	struct proc *parent;

	read_cmdline(c->pid, c->cmd, sizeof(c->cmd), raw, sizeof(raw), &len);
	read_cgroup(c);
	parent = find_proc(v, n, c->ppid);
	if (parent) {
		char praw[4096];
		ssize_t plen;

		read_cmdline(parent->pid, NULL, 0, praw, sizeof(praw), &plen);
		if (plen > 0)
			ct_from_cmdline(praw, (size_t)plen, &c->ident);
	}
	/* `unshare --fork` without a PID namespace: the launcher is the
	 * init itself */
	if (c->ident.rt == RT_NONE && len > 0)
		ct_from_cmdline(raw, (size_t)len, &c->ident);
	/* a boxutils chain is named by the cgroup made for it (cg-create
	 * NAME; cg-exec NAME ns-unshare ...): one its starter, still there
	 * (not orphaned to PID 1), is not in */
	if (c->ident.rt == RT_BOXUTILS && !c->ident.name[0] && c->cgroup[0] &&
	    parent && parent->ppid > 1) {
		char theirs[sizeof(c->cgroup)];
		const char *leaf = strrchr(c->cgroup, '/');

		cgroup_of(parent->ppid, theirs, sizeof(theirs));
		if (leaf && leaf[1] && theirs[0] && strcmp(theirs, c->cgroup))
			set_name(&c->ident, leaf + 1, strlen(leaf + 1));
	}
}

int ct_scan(struct ct_list *l, unsigned flags)
{
	struct proc *v;
	size_t n, *order = NULL, ngroups = 0;
	ino_t host[CT_NS_MAX];
	struct group *g = NULL;
	unsigned pidx = pid_index();

	l->v = NULL;
	l->n = 0;
	if (scan_procs(&v, &n, host) < 0)
		return -1;
	order = calloc(n ? n : 1, sizeof(*order));
	g = calloc(n ? n : 1, sizeof(*g));
	if (!order || !g) {
		free(order);
		free(g);
		free(v);
		errno = ENOMEM;
		return -1;
	}
	/* group by namespace set: sort by it, then runs of equal sets */
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_procs = v;
	qsort(order, n, sizeof(*order), by_key);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && !cmp_ino(v[order[j]].ns, v[order[i]].ns))
			j++;
		if (cmp_ino(v[order[i]].ns, host)) {
			g[ngroups].first = i;
			g[ngroups].count = j - i;
			g[ngroups].ct = -1;
			for (size_t k = i; k < j; k++)
				v[order[k]].group = (int)ngroups;
			ngroups++;
		}
		i = j;
	}
	/* the init of a set: a member whose parent is not one, the
	 * earliest started if there are several (docker exec, ns-enter) */
	for (size_t k = 0; k < ngroups; k++) {
		size_t best = SIZE_MAX;

		for (size_t m = g[k].first; m < g[k].first + g[k].count; m++) {
			struct proc *p = &v[order[m]],
				    *pp = find_proc(v, n, p->ppid);

			if (pp && pp->group == (int)k)
				continue;
			if (best == SIZE_MAX || p->start < v[best].start ||
			    (p->start == v[best].start && p->pid < v[best].pid))
				best = order[m];
		}
		if (best == SIZE_MAX)
			best = order[g[k].first];
		g[k].init = best;
	}
	/*
	 * A launcher: `unshare --fork` and `ns-unshare --fork` make every
	 * namespace in themselves, then fork the child the new PID
	 * namespace needs.  They stay outside only that one, so they form
	 * a set of their own: fold it into the container of its child.
	 */
	l->v = calloc(ngroups ? ngroups : 1, sizeof(*l->v));
	if (!l->v) {
		free(order);
		free(g);
		free(v);
		errno = ENOMEM;
		return -1;
	}
	for (size_t k = 0; k < ngroups; k++) {
		struct proc *init = &v[g[k].init],
			    *pp = find_proc(v, n, init->ppid);
		ino_t a[CT_NS_MAX], b[CT_NS_MAX];

		if (!pp || pp->group < 0 || g[pp->group].count != 1)
			continue;
		memcpy(a, init->ns, sizeof(a));
		memcpy(b, pp->ns, sizeof(b));
		a[pidx] = b[pidx] = 0;
		if (!cmp_ino(a, b)) {
			g[pp->group].dropped = true;
			pp->launcher = true;
		}
	}
	/* listed in the order of their inits' PIDs */
	sort_procs = v;
	qsort(g, ngroups, sizeof(*g), by_init);
	for (size_t k = 0; k < ngroups; k++) {
		struct proc *init = &v[g[k].init], *pp;
		struct ct *c;

		if (g[k].dropped)
			continue;
		c = &l->v[l->n];
		g[k].ct = (int)l->n++;
		c->pid = init->pid;
		c->ppid = init->ppid;
		c->uid = init->uid;
		c->start = init->start;
		c->nprocs = (unsigned)g[k].count;
		c->parent = -1;
		memcpy(c->ns, init->ns, sizeof(c->ns));
		snprintf(c->comm, sizeof(c->comm), "%s", init->comm);
		for (unsigned t = 0; t < ns_count && t < CT_NS_MAX; t++)
			if (init->ns[t] != host[t])
				c->own |= 1u << t;
		pp = find_proc(v, n, init->ppid);
		if (pp && pp->launcher) {
			c->launcher = pp->pid;
			c->nprocs++;
		}
	}
	for (size_t k = 0; k < ngroups; k++)
		for (size_t m = g[k].first; m < g[k].first + g[k].count; m++)
			v[order[m]].ct = g[k].ct;
	/* the enclosing container: the nearest ancestor that is in one */
	for (size_t i = 0; i < l->n; i++) {
		struct ct *c = &l->v[i];
		struct proc *p = find_proc(v, n, c->ppid);

		for (size_t steps = 0; p && steps < n; steps++) {
			if (p->ct >= 0 && p->ct != (int)i) {
				c->parent = p->ct;
				break;
			}
			p = find_proc(v, n, p->ppid);
		}
	}
	for (size_t i = 0; i < l->n; i++)
		identify(&l->v[i], v, n);
	read_state_dirs(l);
	read_hostnames(l);
	for (size_t i = 0; i < l->n; i++) {
		read_names(&l->v[i]);
		if (l->v[i].named_host)
			set_name(&l->v[i].ident, l->v[i].hostname,
				 strlen(l->v[i].hostname));
	}
	if (flags & CT_ADDR)
		read_addrs(l);
	free(order);
	free(g);
	free(v);
	return 0;
}

void ct_free(struct ct_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

size_t ct_match(const struct ct_list *l, const char *key, size_t *idx,
		size_t max)
{
	size_t found = 0, klen = strlen(key);

	if (!klen)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct ct_ident *c = &l->v[i].ident;

		if (!strcmp(c->id, key) || !strcmp(c->name, key)) {
			if (found < max)
				idx[found] = i;
			found++;
		}
	}
	if (found)
		return found;
	for (size_t i = 0; i < l->n; i++) {
		if (!strncmp(l->v[i].ident.id, key, klen)) {
			if (found < max)
				idx[found] = i;
			found++;
		}
	}
	return found;
}
