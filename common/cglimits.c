/*
 * cglimits.c - the limits table: each friendly option (--memory, --cpus,
 * ...) with its v2 and v1 files and the converter that validates its
 * argument and turns it into file writes; and the plan those writes make.
 */
#include "cgroup-int.h"
#include "box.h"
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int add_write(struct cg_plan *p, int hier, const char *file,
		     const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int add_write(struct cg_plan *p, int hier, const char *file,
		     const char *fmt, ...)
{
	struct cg_write *w;
	va_list ap;

	if (p->nw == CG_MAX_WRITE)
		return cg_baduse(p->e, "too many limits");
	w = &p->w[p->nw++];
	w->hier = hier;
	w->if_differs = false;
	snprintf(w->file, sizeof(w->file), "%s", file);
	va_start(ap, fmt);
	vsnprintf(w->value, sizeof(w->value), fmt, ap);
	va_end(ap);
	p->hiers |= 1u << hier;
	if (p->sys->h[hier].v2) {
		int c = cg_ctrl_by_name(file, strcspn(file, "."));

		if (c >= 0)
			p->v2_enable |= 1u << c;
	}
	return 0;
}

int cg_plan_add_copy(struct cg_plan *p, int hier, const char *file,
		     const char *value)
{
	if (strlen(value) >= sizeof(p->w[0].value))
		return cg_baduse(p->e, "copy %s: its value is too long", file);
	if (add_write(p, hier, file, "%s", value) < 0)
		return -1;
	p->w[p->nw - 1].if_differs = true;
	return 0;
}

static bool is_max(const char *s)
{
	return !strcmp(s, "max");
}

/* A size for a memory limit; "max" or "-1" lift it. */
static int memory_bytes(struct cg_plan *p, const char *opt, const char *arg,
			uint64_t *out)
{
	/* Docker spells an unlimited --memory-swap -1 */
	if (is_max(arg) ||
	    (!strcmp(opt, "memory-swap") && !strcmp(arg, "-1"))) {
		*out = UINT64_MAX;
		return 0;
	}
	if (parse_bytes(arg, out) < 0 || *out == 0 ||
	    *out > (uint64_t)INT64_MAX)
		return cg_baduse(p->e,
				 "bad --%s '%s': expected a size such as "
				 "64M or 1.5G, or max",
				 opt, arg);
	return 0;
}

static int conv_memory(struct cg_plan *p, const struct cg_limit *l,
		       const char *arg, int hier)
{
	uint64_t v;
	bool v2 = p->sys->h[hier].v2;

	if (memory_bytes(p, l->option, arg, &v) < 0)
		return -1;
	if (v == UINT64_MAX)
		return add_write(p, hier, v2 ? l->v2_file : l->v1_file, "%s",
				 v2 ? "max" : "-1");
	return add_write(p, hier, v2 ? l->v2_file : l->v1_file, "%llu",
			 (unsigned long long)v);
}

/*
 * Docker's --memory-swap is memory plus swap.  v1's memsw limit means the
 * same; v2's memory.swap.max is swap alone, so subtract --memory.
 */
static int conv_swap(struct cg_plan *p, const struct cg_limit *l,
		     const char *arg, int hier)
{
	const char *mem = NULL;
	uint64_t total, m;
	bool v2 = p->sys->h[hier].v2;
	char path[300];

	for (int i = 0; i < p->nreq; i++)
		if (!strcmp(p->req[i].lim->option, "memory"))
			mem = p->req[i].arg;
	if (memory_bytes(p, l->option, arg, &total) < 0)
		return -1;
	if (!v2) {
		snprintf(path, sizeof(path), "%s/%s", p->sys->h[hier].mnt,
			 l->v1_file);
		if (access(path, F_OK) < 0) {
			cg_seterr(p->e, ENOENT, "set --memory-swap: %s missing",
				  l->v1_file);
			cg_hintf(p->e,
				 "the kernel has no swap accounting; boot it "
				 "with swapaccount=1");
			return -1;
		}
	}
	if (total == UINT64_MAX)
		return add_write(p, hier, v2 ? l->v2_file : l->v1_file, "%s",
				 v2 ? "max" : "-1");
	if (!mem || memory_bytes(p, "memory", mem, &m) < 0 || m == UINT64_MAX)
		return cg_baduse(p->e,
				 "--memory-swap needs a --memory limit "
				 "(it is memory plus swap, as in Docker)");
	if (total < m)
		return cg_baduse(p->e,
				 "--memory-swap %s is less than --memory "
				 "%s (it is memory plus swap, as in Docker)",
				 arg, mem);
	if (v2)
		return add_write(p, hier, l->v2_file, "%llu",
				 (unsigned long long)(total - m));
	return add_write(p, hier, l->v1_file, "%llu",
			 (unsigned long long)total);
}

#define CFS_PERIOD 100000 /* µs, the kernel's default */

static int conv_cpus(struct cg_plan *p, const struct cg_limit *l,
		     const char *arg, int hier)
{
	uint64_t m;
	bool v2 = p->sys->h[hier].v2;

	if (is_max(arg)) {
		if (v2)
			return add_write(p, hier, l->v2_file, "max %d",
					 CFS_PERIOD);
		return add_write(p, hier, l->v1_file, "-1");
	}
	/* the kernel's smallest quota is 1 ms: 0.01 of a 100 ms period */
	if (parse_millis(arg, &m) < 0 || m < 10 || m > 1000000ull * 1000)
		return cg_baduse(p->e,
				 "bad --cpus '%s': expected a number of "
				 "CPUs from 0.01 up, such as 0.5 or 2",
				 arg);
	if (v2)
		return add_write(p, hier, l->v2_file, "%llu %d",
				 (unsigned long long)m * (CFS_PERIOD / 1000),
				 CFS_PERIOD);
	/* v1 checks the quota against the period in force: period first */
	if (add_write(p, hier, "cpu.cfs_period_us", "%d", CFS_PERIOD) < 0)
		return -1;
	return add_write(p, hier, l->v1_file, "%llu",
			 (unsigned long long)m * (CFS_PERIOD / 1000));
}

/*
 * v2 weight 100 is v1 shares 1024; the kernel converts with
 * shares = round(weight * 1024 / 100), and so do we.
 */
static int conv_weight(struct cg_plan *p, const struct cg_limit *l,
		       const char *arg, int hier)
{
	uint64_t w;

	if (parse_u64_range(arg, 1, 10000, &w) < 0)
		return cg_baduse(p->e,
				 "bad --cpu-weight '%s': expected 1 to "
				 "10000 (100 is the default)",
				 arg);
	if (p->sys->h[hier].v2)
		return add_write(p, hier, l->v2_file, "%llu",
				 (unsigned long long)w);
	return add_write(p, hier, l->v1_file, "%llu",
			 (unsigned long long)((w * 1024 + 50) / 100));
}

static int conv_pids(struct cg_plan *p, const struct cg_limit *l,
		     const char *arg, int hier)
{
	uint64_t n;

	if (!strcmp(arg, "max"))
		return add_write(p, hier, l->v2_file, "max");
	if (parse_u64_range(arg, 1, 4194304, &n) < 0)
		return cg_baduse(p->e,
				 "bad --pids '%s': expected 1 to 4194304, "
				 "or max",
				 arg);
	return add_write(p, hier, p->sys->h[hier].v2 ? l->v2_file : l->v1_file,
			 "%llu", (unsigned long long)n);
}

/* "0-3,5,7-8": ascending ranges of CPU numbers below 8192 (NR_CPUS). */
static int conv_cpuset(struct cg_plan *p, const struct cg_limit *l,
		       const char *arg, int hier)
{
	const char *s = arg;
	char *end;
	unsigned long a, b;

	if (strlen(arg) > 150)
		goto bad;
	for (;;) {
		if (!isdigit((unsigned char)*s))
			goto bad;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			s = end + 1;
			if (!isdigit((unsigned char)*s))
				goto bad;
			b = strtoul(s, &end, 10);
		}
		if (a > b || b >= 8192)
			goto bad;
		if (*end == '\0')
			break;
		if (*end != ',')
			goto bad;
		s = end + 1;
	}
	return add_write(p, hier, p->sys->h[hier].v2 ? l->v2_file : l->v1_file,
			 "%s", arg);
bad:
	return cg_baduse(p->e,
			 "bad --cpuset '%s': expected CPU numbers and "
			 "ranges such as 0-3,6",
			 arg);
}

/*
 * "MAJ:MIN:rbps=1M,wiops=100" or "/dev/sda:rbps=1M"; v2 takes one line
 * "MAJ:MIN rbps=1048576 wiops=100", v1 one file per key, 0 for no limit.
 */
static int conv_iomax(struct cg_plan *p, const struct cg_limit *l,
		      const char *arg, int hier)
{
	static const struct {
		const char *key, *v1_file;
		bool bytes;
	} keys[] = {
	    {"rbps", "blkio.throttle.read_bps_device", true},
	    {"wbps", "blkio.throttle.write_bps_device", true},
	    {"riops", "blkio.throttle.read_iops_device", false},
	    {"wiops", "blkio.throttle.write_iops_device", false},
	};
	char dev[128], v2line[160], *eq, *sep, list[160], *tok, *save = NULL;
	unsigned long long maj, min;
	uint64_t v;
	bool v2 = p->sys->h[hier].v2;
	struct stat st;
	int n = 0;

	(void)l;
	eq = strchr(arg, '=');
	if (!eq || strlen(arg) >= sizeof(list))
		goto bad;
	for (sep = eq; sep > arg && sep[-1] != ':' && sep[-1] != ' '; sep--)
		;
	if (sep == arg || (size_t)(sep - 1 - arg) >= sizeof(dev))
		goto bad;
	snprintf(dev, sizeof(dev), "%.*s", (int)(sep - 1 - arg), arg);
	strcpy(list, sep);
	if (dev[0] == '/') {
		if (stat(dev, &st) < 0 || !S_ISBLK(st.st_mode))
			return cg_baduse(p->e,
					 "bad --io-max '%s': %s is not a "
					 "block device",
					 arg, dev);
		maj = major(st.st_rdev);
		min = minor(st.st_rdev);
	} else {
		char *colon = strchr(dev, ':');

		if (!colon)
			goto bad;
		*colon = '\0';
		uint64_t a, b;
		if (parse_u64_range(dev, 0, 4095, &a) < 0 ||
		    parse_u64_range(colon + 1, 0, (1u << 20) - 1, &b) < 0)
			goto bad;
		maj = a;
		min = b;
	}
	snprintf(v2line, sizeof(v2line), "%llu:%llu", maj, min);
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t k;
		char *val = strchr(tok, '=');

		if (!val)
			goto bad;
		*val++ = '\0';
		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (!strcmp(tok, keys[k].key))
				break;
		if (k == ARRAY_SIZE(keys))
			goto bad;
		if (!strcmp(val, "max"))
			v = 0;
		else if ((keys[k].bytes ? parse_bytes(val, &v)
					: parse_u64(val, &v)) < 0 ||
			 v == 0 || v > (uint64_t)INT64_MAX)
			goto bad;
		if (v2) {
			size_t o = strlen(v2line);

			if (v)
				snprintf(v2line + o, sizeof(v2line) - o,
					 " %s=%llu", tok,
					 (unsigned long long)v);
			else
				snprintf(v2line + o, sizeof(v2line) - o,
					 " %s=max", tok);
		} else if (add_write(p, hier, keys[k].v1_file, "%llu:%llu %llu",
				     maj, min, (unsigned long long)v) < 0) {
			return -1;
		}
		n++;
	}
	if (n == 0)
		goto bad;
	return v2 ? add_write(p, hier, "io.max", "%s", v2line) : 0;
bad:
	return cg_baduse(p->e,
			 "bad --io-max '%s': expected "
			 "MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N (N a number or "
			 "max)",
			 arg);
}

/*
 * v1 file names the tutorials teach (cgset -r memory.limit_in_bytes=...)
 * met on a controller cgroup2 serves: the v2 file that means the same,
 * with the value converted, or why there is none.
 */
enum v1_conv { V1_BYTES, V1_SHARES, V1_QUOTA, V1_NONE };

static const struct {
	const char *v1, *v2;
	enum v1_conv conv;
	const char *why;
} v1_names[] = {
    {"memory.limit_in_bytes", "memory.max", V1_BYTES, NULL},
    {"cpu.shares", "cpu.weight", V1_SHARES, NULL},
    {"cpu.cfs_quota_us", "cpu.max", V1_QUOTA, NULL},
    {"cpu.cfs_period_us", NULL, V1_NONE,
     "cgroup v2 sets quota and period together: use --cpus, or "
     "cpu.max=\"QUOTA PERIOD\""},
    {"memory.memsw.limit_in_bytes", NULL, V1_NONE,
     "cgroup v2 limits swap alone (memory.swap.max); --memory-swap takes "
     "memory plus swap"},
    {"memory.soft_limit_in_bytes", NULL, V1_NONE,
     "cgroup v2 has no soft limit: memory.low protects, memory.high "
     "throttles"},
    {"memory.swappiness", NULL, V1_NONE,
     "cgroup v2 has no per-cgroup swappiness"},
    {"memory.oom_control", NULL, V1_NONE,
     "cgroup v2 cannot turn the OOM killer off; memory.oom.group kills "
     "the cgroup as a whole"},
    {"blkio.weight", NULL, V1_NONE, "cgroup v2 has io.weight (1-10000)"},
    {"blkio.throttle.read_bps_device", NULL, V1_NONE, "use --io-max"},
    {"blkio.throttle.write_bps_device", NULL, V1_NONE, "use --io-max"},
    {"blkio.throttle.read_iops_device", NULL, V1_NONE, "use --io-max"},
    {"blkio.throttle.write_iops_device", NULL, V1_NONE, "use --io-max"},
};

static int set_v1_on_v2(struct cg_plan *p, int hier, const char *file,
			const char *val)
{
	uint64_t n;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v1_names); i++)
		if (!strcmp(file, v1_names[i].v1))
			break;
	if (i == ARRAY_SIZE(v1_names))
		return add_write(p, hier, file, "%s", val);
	switch (v1_names[i].conv) {
	case V1_BYTES:
		/* both take the kernel's memparse sizes (10M); -1 lifts */
		if (!strcmp(val, "-1"))
			return add_write(p, hier, v1_names[i].v2, "max");
		return add_write(p, hier, v1_names[i].v2, "%s", val);
	case V1_SHARES:
		/* the kernel's own mapping: weight 100 is shares 1024 */
		if (parse_u64_range(val, 2, 262144, &n) < 0)
			break;
		n = (n * 100 + 512) / 1024;
		return add_write(p, hier, v1_names[i].v2, "%llu",
				 (unsigned long long)(n < 1 ? 1 : n));
	case V1_QUOTA:
		/* cpu.max takes the quota alone and keeps the period */
		if (!strcmp(val, "-1"))
			return add_write(p, hier, v1_names[i].v2, "max");
		if (parse_u64_range(val, 1000, UINT64_MAX / 2, &n) < 0)
			break;
		return add_write(p, hier, v1_names[i].v2, "%llu",
				 (unsigned long long)n);
	case V1_NONE:
		cg_baduse(p->e,
			  "set %s: a cgroup v1 file, and %s is on cgroup v2 "
			  "here",
			  file, p->sys->h[hier].mnt);
		cg_hintf(p->e, "%s", v1_names[i].why);
		return -1;
	}
	return cg_baduse(p->e, "bad value for %s: '%s'", file, val);
}

/* --set FILE=VALUE: the controller is the file name's prefix. */
static int conv_set(struct cg_plan *p, const struct cg_limit *l,
		    const char *arg, int hier)
{
	const char *eq = strchr(arg, '=');
	char file[64];
	size_t len;
	int c;

	(void)l;
	(void)hier;
	len = eq ? (size_t)(eq - arg) : 0;
	if (!eq || len == 0 || len >= sizeof(file))
		return cg_baduse(p->e, "bad --set '%s': expected FILE=VALUE",
				 arg);
	snprintf(file, sizeof(file), "%.*s", (int)len, arg);
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)file[i]) && !strchr("._-", file[i]))
			return cg_baduse(p->e,
					 "bad --set file '%s': only "
					 "letters, digits, '.', '_' and '-'",
					 file);
	if (strstr(file, "..") || !strchr(file, '.') || file[0] == '.')
		return cg_baduse(p->e,
				 "bad --set file '%s': expected "
				 "CONTROLLER.NAME such as memory.high",
				 file);
	if (strlen(eq + 1) >= sizeof(p->w[0].value))
		return cg_baduse(p->e, "bad --set value for %s: too long",
				 file);
	if (!strncmp(file, "cgroup.", 7)) {
		if (p->sys->v2 < 0)
			return cg_baduse(p->e,
					 "bad --set file '%s': cgroup.* "
					 "files need cgroup2, which is not "
					 "mounted",
					 file);
		return add_write(p, p->sys->v2, file, "%s", eq + 1);
	}
	c = cg_ctrl_by_name(file, strcspn(file, "."));
	if (c < 0)
		return cg_baduse(p->e,
				 "bad --set file '%s': unknown controller "
				 "'%.*s'",
				 file, (int)strcspn(file, "."), file);
	hier = cg_hier_of(p->sys, c);
	if (hier < 0)
		return cg_baduse(p->e,
				 "set %s: no cgroup hierarchy has the %s "
				 "controller",
				 file, cg_ctrl_names[c]);
	if (p->sys->h[hier].v2)
		return set_v1_on_v2(p, hier, file, eq + 1);
	return add_write(p, hier, file, "%s", eq + 1);
}

/*
 * --device RULE, in order: on a v1 devices controller a line of
 * devices.allow or devices.deny; on cgroup2 a rule of the BPF device
 * program cg_apply() attaches.  A hybrid host gets both (the kernel
 * asks the cgroup2 program of a task's cgroup and the v1 controller),
 * the program where the cgroup is in cgroup2 too.
 */
static int conv_device(struct cg_plan *p, const struct cg_limit *l,
		       const char *arg, int hier)
{
	struct cg_devrule r;
	char line[64];

	(void)l;
	if (cg_device_parse(arg, &r, p->e) < 0)
		return -1;
	hier = -1;
	for (int i = 0; i < p->sys->n; i++)
		if (!p->sys->h[i].v2 &&
		    (p->sys->h[i].ctrls & (1u << CG_DEVICES)))
			hier = i;
	if (hier < 0 && p->sys->v2 < 0)
		return cg_baduse(p->e, "set --device: neither a v1 devices "
				       "controller nor cgroup2 is mounted");
	if (hier >= 0) {
		cg_device_format(&r, line, sizeof(line));
		if (add_write(p, hier,
			      r.allow ? "devices.allow" : "devices.deny", "%s",
			      line) < 0)
			return -1;
	}
	if (p->sys->v2 >= 0) {
		if (p->ndev == CG_MAX_DEV)
			return cg_baduse(p->e,
					 "too many --device rules (at most %d)",
					 CG_MAX_DEV);
		p->dev[p->ndev++] = r;
		p->dev_v2 = true;
		/* without a v1 controller the program is the only rule */
		if (hier < 0)
			p->hiers |= 1u << p->sys->v2;
	}
	return 0;
}

const struct cg_limit cg_limits[] = {
    {"memory", CG_MEMORY, "memory.max", CG_MEMORY, "memory.limit_in_bytes",
     conv_memory},
    {"memory-swap", CG_MEMORY, "memory.swap.max", CG_MEMORY,
     "memory.memsw.limit_in_bytes", conv_swap},
    {"cpus", CG_CPU, "cpu.max", CG_CPU, "cpu.cfs_quota_us", conv_cpus},
    {"cpu-weight", CG_CPU, "cpu.weight", CG_CPU, "cpu.shares", conv_weight},
    {"pids", CG_PIDS, "pids.max", CG_PIDS, "pids.max", conv_pids},
    {"cpuset", CG_CPUSET, "cpuset.cpus", CG_CPUSET, "cpuset.cpus", conv_cpuset},
    {"io-max", CG_IO, "io.max", CG_BLKIO, "blkio.throttle.*", conv_iomax},
    {"device", -1, NULL, -1, NULL, conv_device},
    {"set", -1, NULL, -1, NULL, conv_set},
    {NULL, -1, NULL, -1, NULL, NULL},
};

const struct cg_limit *cg_limit_by_option(const char *option)
{
	for (const struct cg_limit *l = cg_limits; l->option; l++)
		if (!strcmp(l->option, option))
			return l;
	return NULL;
}

int cg_plan_request(struct cg_plan *p, const struct cg_limit *l,
		    const char *arg, struct cg_err *e)
{
	bool adds = l->conv == conv_set || l->conv == conv_iomax ||
		    l->conv == conv_device;

	if (!adds)
		for (int i = 0; i < p->nreq; i++)
			if (p->req[i].lim == l) {
				p->req[i].arg = arg;
				return 0;
			}
	if (p->nreq == CG_MAX_REQ)
		return cg_baduse(e, "too many limits");
	p->req[p->nreq].lim = l;
	p->req[p->nreq].arg = arg;
	p->nreq++;
	return 0;
}

/* The hierarchy a limit goes to: its v1 controller's, else cgroup2's. */
static int hier_for_limit(const struct cg_sys *s, const struct cg_limit *l)
{
	for (int i = 0; i < s->n; i++)
		if (!s->h[i].v2 && (s->h[i].ctrls & (1u << l->v1_ctrl)))
			return i;
	if (s->v2 >= 0 && (s->h[s->v2].ctrls & (1u << l->v2_ctrl)))
		return s->v2;
	return -1;
}

int cg_plan_build(struct cg_plan *p, const struct cg_sys *s, struct cg_err *e)
{
	int hier;

	p->sys = s;
	p->e = e;
	p->nw = 0;
	p->ndev = 0;
	p->dev_v2 = false;
	for (int i = 0; i < p->nreq; i++) {
		const struct cg_limit *l = p->req[i].lim;

		hier = -1;
		if (l->v2_ctrl >= 0) {
			hier = hier_for_limit(s, l);
			if (hier < 0)
				return cg_baduse(
				    e,
				    "set --%s: no cgroup "
				    "hierarchy has the %s controller "
				    "(neither a v1 mount nor cgroup2)",
				    l->option, cg_ctrl_names[l->v2_ctrl]);
		}
		if (l->conv(p, l, p->req[i].arg, hier) < 0)
			return -1;
	}
	return 0;
}
