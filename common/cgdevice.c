/*
 * cgdevice.c - device rules (cg-create and cg-set --device): the v1
 * devices.allow/devices.deny syntax with a verb in front ("deny a",
 * "allow c 1:3 rwm"), written to the v1 devices controller's files, and
 * compiled for cgroup2, which has no devices controller, into one
 * BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup.
 *
 * What a list of rules means, on both: an "a" rule (allow a, deny a)
 * sets the default for every device and forgets the rules before it,
 * as the v1 files do; a cgroup without one allows by default (a new v1
 * cgroup inherits its parent's, and cgroup2 allows what no program
 * denies).  For each access (r, w, m) a request needs, the last rule
 * naming that device and that access decides; the default decides an
 * access no rule names.  This is v1's exception list evaluated in
 * order: "deny a", "allow c 1:3 rwm", "deny c 1:3 w" leaves /dev/null
 * readable and not writable on both.
 *
 * A v1 cgroup keeps its list, and each write changes it; a cgroup2
 * program is replaced whole.  So that cg-set adds to the rules as on v1,
 * the rules in force (from the last "a" rule on) are kept beside the
 * program in the cgroup directory's xattr trusted.boxutils.devices, one
 * rule a line, and new rules are appended to them.
 */
#include "cgroup-int.h"
#include "box.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

/* --- parsing -------------------------------------------------------------- */

static int parse_num(const char *s, size_t len, int64_t *out)
{
	uint64_t v = 0;

	if (len == 1 && *s == '*') {
		*out = -1;
		return 0;
	}
	if (len == 0 || len > 10)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (int64_t)v;
	return 0;
}

/* The next word of s (split at blanks) into *w, *len; false at the end. */
static bool word(const char **s, const char **w, size_t *len)
{
	const char *p = *s + strspn(*s, " \t");

	*w = p;
	*len = strcspn(p, " \t");
	*s = p + *len;
	return *len > 0;
}

/* s for a one-line message: control characters as '?', cut to fit. */
static void show(const char *s, char *out, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i + 4 < n; i++)
		out[i] = (unsigned char)s[i] < ' ' || s[i] == 0x7f ? '?' : s[i];
	if (s[i]) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
}

int cg_device_parse(const char *s, struct cg_devrule *r, struct cg_err *e)
{
	const char *w, *p = s, *colon;
	char shown[72];
	size_t len;

	memset(r, 0, sizeof(*r));
	r->major = r->minor = -1;
	r->access = CG_DEV_ALL;
	if (strlen(s) > 64 || strpbrk(s, "\n\r"))
		goto bad;
	if (!word(&p, &w, &len))
		goto bad;
	if (len == 5 && !strncmp(w, "allow", 5))
		r->allow = true;
	else if (!(len == 4 && !strncmp(w, "deny", 4)))
		goto bad;
	if (!word(&p, &w, &len) || len != 1 || !strchr("abc", *w))
		goto bad;
	r->type = *w;
	if (word(&p, &w, &len)) {
		colon = memchr(w, ':', len);
		if (!colon ||
		    parse_num(w, (size_t)(colon - w), &r->major) < 0 ||
		    parse_num(colon + 1, len - (size_t)(colon + 1 - w),
			      &r->minor) < 0)
			goto bad;
		if (word(&p, &w, &len)) {
			r->access = 0;
			for (size_t i = 0; i < len; i++) {
				unsigned bit = w[i] == 'r'   ? CG_DEV_R
					       : w[i] == 'w' ? CG_DEV_W
					       : w[i] == 'm' ? CG_DEV_M
							     : 0;

				if (!bit || (r->access & bit))
					goto bad;
				r->access |= bit;
			}
		}
		if (word(&p, &w, &len))
			goto bad;
	}
	/* v1 reads "a" as every device and ignores the rest of the line;
	 * refuse a narrower "a" rather than widen it silently */
	if (r->type == 'a' &&
	    (r->major != -1 || r->minor != -1 || r->access != CG_DEV_ALL)) {
		show(s, shown, sizeof(shown));
		return cg_baduse(e,
				 "bad --device '%s': type a means every "
				 "device and every access (write 'allow a' or "
				 "'deny a')",
				 shown);
	}
	return 0;
bad:
	show(s, shown, sizeof(shown));
	return cg_baduse(e,
			 "bad --device '%s': expected allow|deny TYPE "
			 "[MAJOR:MINOR [ACCESS]], TYPE a, b or c, MAJOR and "
			 "MINOR numbers or *, ACCESS of r, w, m (such as "
			 "'allow c 1:3 rwm')",
			 shown);
}

void cg_device_format(const struct cg_devrule *r, char *buf, size_t n)
{
	char maj[24], min[24];

	if (r->type == 'a') {
		snprintf(buf, n, "a");
		return;
	}
	if (r->major < 0)
		strcpy(maj, "*");
	else
		snprintf(maj, sizeof(maj), "%lld", (long long)r->major);
	if (r->minor < 0)
		strcpy(min, "*");
	else
		snprintf(min, sizeof(min), "%lld", (long long)r->minor);
	snprintf(buf, n, "%c %s:%s %s%s%s", r->type, maj, min,
		 r->access & CG_DEV_R ? "r" : "",
		 r->access & CG_DEV_W ? "w" : "",
		 r->access & CG_DEV_M ? "m" : "");
}

/* The rules after the last "a" rule, and the default it sets. */
static int effective(const struct cg_devrule *r, int n, bool *dflt)
{
	int first = 0;

	*dflt = true;
	for (int i = 0; i < n; i++)
		if (r[i].type == 'a') {
			*dflt = r[i].allow;
			first = i + 1;
		}
	return first;
}

static bool matches(const struct cg_devrule *r, char type, uint32_t major,
		    uint32_t minor)
{
	return r->type == type && (r->major < 0 || r->major == major) &&
	       (r->minor < 0 || r->minor == minor);
}

bool cg_device_allows(const struct cg_devrule *r, int n, char type,
		      uint32_t major, uint32_t minor, unsigned access)
{
	bool dflt;
	int first = effective(r, n, &dflt);

	for (int i = n - 1; i >= first && access; i--) {
		if (!matches(&r[i], type, major, minor))
			continue;
		if (!r[i].allow && (access & r[i].access))
			return false;
		if (r[i].allow)
			access &= ~r[i].access;
	}
	return access == 0 || dflt;
}

/* --- the BPF program ------------------------------------------------------ */

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off,
			    int32_t imm)
{
	return (struct bpf_insn){.code = code,
				 .dst_reg = dst,
				 .src_reg = src,
				 .off = off,
				 .imm = imm};
}

/* The kernel's access bits in bpf_cgroup_dev_ctx.access_type >> 16. */
static int32_t bpf_access(unsigned a)
{
	return (a & CG_DEV_R ? BPF_DEVCG_ACC_READ : 0) |
	       (a & CG_DEV_W ? BPF_DEVCG_ACC_WRITE : 0) |
	       (a & CG_DEV_M ? BPF_DEVCG_ACC_MKNOD : 0);
}

#define JNE32(reg, imm, off) insn(BPF_JMP32 | BPF_JNE | BPF_K, reg, 0, off, imm)

/*
 * Registers: r2 the accesses still undecided, r3 the device type, r4
 * the major, r5 the minor.  The rules are walked from the last: a deny
 * naming an undecided access refuses; an allow decides the accesses it
 * names; when none is left undecided the request is allowed, and what
 * remains after the first rule goes to the default.
 */
int cg_device_compile(const struct cg_devrule *r, int n, struct bpf_insn *out,
		      int max)
{
	bool dflt;
	int first = effective(r, n, &dflt), k = 0;

	if (max < 6 + 7 * (n - first) + 2)
		return -1;
	out[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1,
			offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	out[k++] = insn(BPF_ALU | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_2, 0, 0);
	out[k++] = insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_3, 0, 0, 0xffff);
	out[k++] = insn(BPF_ALU | BPF_RSH | BPF_K, BPF_REG_2, 0, 0, 16);
	out[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_4, BPF_REG_1,
			offsetof(struct bpf_cgroup_dev_ctx, major), 0);
	out[k++] = insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_5, BPF_REG_1,
			offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
	for (int i = n - 1; i >= first; i--) {
		const struct cg_devrule *d = &r[i];
		int16_t left =
		    (int16_t)(1 + (d->major >= 0) + (d->minor >= 0) + 4);
		int32_t acc = bpf_access(d->access);

		/* each test jumps past the rest of the rule's block */
		out[k++] = JNE32(BPF_REG_3,
				 d->type == 'b' ? BPF_DEVCG_DEV_BLOCK
						: BPF_DEVCG_DEV_CHAR,
				 --left);
		if (d->major >= 0)
			out[k++] = JNE32(BPF_REG_4, (int32_t)d->major, --left);
		if (d->minor >= 0)
			out[k++] = JNE32(BPF_REG_5, (int32_t)d->minor, --left);
		if (d->allow) {
			out[k++] = insn(BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0,
					0, ~acc);
			out[k++] = JNE32(BPF_REG_2, 0, 2);
			out[k++] =
			    insn(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
		} else {
			out[k++] = insn(BPF_JMP32 | BPF_JSET | BPF_K, BPF_REG_2,
					0, 1, acc);
			out[k++] = insn(BPF_JMP | BPF_JA, 0, 0, 2, 0);
			out[k++] =
			    insn(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
		}
		out[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	out[k++] = insn(BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, dflt);
	out[k++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return k;
}

/* --- loading and attaching ------------------------------------------------ */

static int bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static void bpf_hint(struct cg_err *e)
{
	if (e->err == EPERM)
		cg_hintf(e, "loading and attaching a BPF device program takes "
			    "CAP_BPF (or CAP_SYS_ADMIN) and CAP_NET_ADMIN in "
			    "the initial user namespace");
	else if (e->err == ENOSYS)
		cg_hintf(e, "this kernel has no bpf() system call "
			    "(CONFIG_BPF_SYSCALL), and cgroup v2 has no other "
			    "way to limit devices");
}

int cg_device_load(const struct cg_devrule *r, int n, struct cg_err *e)
{
	enum { MAX_INSNS = 6 + 7 * CG_MAX_DEV + 2 };
	static struct bpf_insn prog[MAX_INSNS];
	char log[4096] = "";
	union bpf_attr a;
	int k, fd;

	k = cg_device_compile(r, n, prog, MAX_INSNS);
	if (k < 0)
		return cg_baduse(e, "too many --device rules (at most %d)",
				 CG_MAX_DEV);
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.insn_cnt = (uint32_t)k;
	/* the program calls no helper, so no GPL-only one: the kernel
	 * needs no particular license string */
	a.license = (uint64_t)(uintptr_t) "";
	snprintf(a.prog_name, sizeof(a.prog_name), "%s", CG_DEV_PROG_NAME);
	fd = bpf(BPF_PROG_LOAD, &a);
	if (fd < 0 && errno != EPERM && errno != ENOSYS) {
		/* again with the verifier's log, for the message: writing
		 * the log costs more than the load itself */
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = sizeof(log);
		a.log_level = 1;
		fd = bpf(BPF_PROG_LOAD, &a);
	}
	if (fd < 0) {
		cg_seterr(e, errno, "load the BPF device program (%d rules)",
			  n);
		if (log[0] && e->err != EPERM) {
			char *last = strrchr(log, '\n');

			while (last && last > log && !last[1]) {
				*last = '\0';
				last = strrchr(log, '\n');
			}
			cg_hintf(e, "verifier: %s", last ? last + 1 : log);
		}
		bpf_hint(e);
		return -1;
	}
	/* bpf() fds are O_CLOEXEC since 4.x: no need to set it here */
	return fd;
}

/* The id of a program of ours attached to cgroup cgfd, 0 if none. */
static int ours(int cgfd, uint32_t *ids, uint32_t max, uint32_t *cnt,
		uint32_t *flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cgfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uint64_t)(uintptr_t)ids;
	a.query.prog_cnt = max;
	if (bpf(BPF_PROG_QUERY, &a) < 0)
		return -1;
	*cnt = a.query.prog_cnt < max ? a.query.prog_cnt : max;
	*flags = a.query.attach_flags;
	return 0;
}

static int prog_is_ours(uint32_t id)
{
	struct bpf_prog_info info;
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	fd = bpf(BPF_PROG_GET_FD_BY_ID, &a);
	if (fd < 0)
		return -1;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	if (bpf(BPF_OBJ_GET_INFO_BY_FD, &a) < 0 ||
	    strncmp(info.name, CG_DEV_PROG_NAME, sizeof(info.name))) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Attach with BPF_F_ALLOW_MULTI, so programs an engine or an ancestor
 * attached stay in force beside ours (a device is reachable only when
 * every program allows it), and replace in one step (BPF_F_REPLACE) a
 * program this tool attached before: there is no moment without rules.
 */
int cg_device_attach(int cgfd, int progfd, const char *where, struct cg_err *e)
{
	uint32_t ids[64], cnt = 0, flags = 0;
	int old = -1, fd;
	union bpf_attr a;

	if (ours(cgfd, ids, ARRAY_SIZE(ids), &cnt, &flags) < 0) {
		cg_seterr(e, errno, "query the BPF device programs of %s",
			  where);
		bpf_hint(e);
		return -1;
	}
	for (uint32_t i = 0; i < cnt; i++) {
		fd = prog_is_ours(ids[i]);
		if (fd < 0)
			continue;
		if (old < 0) {
			old = fd;
			continue;
		}
		/* a second one of ours (two racing runs): keep one */
		memset(&a, 0, sizeof(a));
		a.target_fd = (uint32_t)cgfd;
		a.attach_bpf_fd = (uint32_t)fd;
		a.attach_type = BPF_CGROUP_DEVICE;
		(void)bpf(BPF_PROG_DETACH, &a);
		close(fd);
	}
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cgfd;
	a.attach_bpf_fd = (uint32_t)progfd;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (old >= 0) {
		a.attach_flags |= BPF_F_REPLACE;
		a.replace_bpf_fd = (uint32_t)old;
	}
	if (bpf(BPF_PROG_ATTACH, &a) < 0) {
		cg_seterr(e, errno, "attach the BPF device program to %s",
			  where);
		if (e->err == EPERM && cnt && !(flags & BPF_F_ALLOW_MULTI))
			cg_hintf(e, "a program is attached to this cgroup "
				    "without BPF_F_ALLOW_MULTI, which admits "
				    "no other");
		else
			bpf_hint(e);
		if (old >= 0)
			close(old);
		return -1;
	}
	if (old >= 0)
		close(old);
	return 0;
}

/* --- the rules in force, kept in an xattr --------------------------------- */

#define XATTR "trusted.boxutils.devices"

/* Append rule lines of text to r (at most max), 0 or -1. */
static int parse_saved(char *text, struct cg_devrule *r, int *n, int max)
{
	struct cg_err e;
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (*n == max || cg_device_parse(l, &r[*n], &e) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/* The rules from the last "a" rule on: what decides the same. */
static int compact(struct cg_devrule *r, int n)
{
	bool dflt;
	int first = effective(r, n, &dflt);

	if (first > 0)
		first--; /* keep the "a" rule: it carries the default */
	memmove(r, r + first, (size_t)(n - first) * sizeof(*r));
	return n - first;
}

int cg_device_saved(int cgfd, char *buf, size_t n)
{
	ssize_t len = fgetxattr(cgfd, XATTR, buf, n - 1);

	if (len < 0)
		return -1;
	buf[len] = '\0';
	return 0;
}

int cg_device_apply(int cgfd, const struct cg_devrule *add, int nadd, int prog,
		    const char *where, struct cg_err *e)
{
	static struct cg_devrule r[2 * CG_MAX_DEV];
	char text[2 * CG_MAX_DEV * 24 + 1], line[64];
	int n = 0, own = -1, rc = -1;
	ssize_t len;
	size_t o = 0;

	len = fgetxattr(cgfd, XATTR, text, sizeof(text) - 1);
	if (len < 0 && errno != ENODATA) {
		cg_seterr(e, errno, "read %s of %s", XATTR, where);
		return -1;
	}
	if (len > 0) {
		text[len] = '\0';
		if (parse_saved(text, r, &n, CG_MAX_DEV) < 0) {
			cg_seterr(e, EINVAL, "read %s of %s", XATTR, where);
			cg_hintf(e,
				 "it is not a list of device rules; set "
				 "'allow a' or 'deny a' first to start anew");
			return -1;
		}
	}
	memcpy(r + n, add, (size_t)nadd * sizeof(*r));
	n = compact(r, n + nadd);
	if (n > CG_MAX_DEV)
		return cg_baduse(e,
				 "%s would have %d device rules, more than %d; "
				 "start anew with 'allow a' or 'deny a'",
				 where, n, CG_MAX_DEV);
	if (len > 0) {
		/* rules were in force already: the program holds them too */
		own = cg_device_load(r, n, e);
		if (own < 0)
			return -1;
		prog = own;
	}
	if (cg_device_attach(cgfd, prog, where, e) < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		cg_device_format(&r[i], line, sizeof(line));
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s %s\n",
				      r[i].allow ? "allow" : "deny", line);
	}
	if (fsetxattr(cgfd, XATTR, text, o, 0) < 0) {
		cg_seterr(e, errno, "write %s of %s", XATTR, where);
		cg_hintf(e, "the program is attached, but cg-set will not "
			    "know its rules");
		goto out;
	}
	rc = 0;
out:
	if (own >= 0)
		close(own);
	return rc;
}
