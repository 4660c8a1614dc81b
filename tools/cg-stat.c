/*
 * cg-stat - print what a cgroup uses and what it may use.
 *
 *   cg-stat [--json] [--relative] PATH
 *
 * Each figure is one row of a table naming its v2 and its v1 source; the
 * hierarchy that serves the controller decides which one is read.
 */
/* boxutils-pkgs: mount */
#include "box.h"
#include "cgroup.h"
#include "parse.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct option longopts[] = {
    {"json", no_argument, NULL, 'j'},
    {"relative", no_argument, NULL, 'r'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

enum kind {
	K_NUM,	  /* a number */
	K_NS,	  /* nanoseconds, shown as microseconds */
	K_LIMIT,  /* a number, or "max" (v1 writes max as ~2^63) */
	K_CPUS,	  /* quota and period, shown as CPUs: file/field name both */
	K_WEIGHT, /* v1 cpu.shares shown as a v2 weight */
	K_SWAP,	  /* v2 memory.max + memory.swap.max: Docker's memory-swap */
	K_STR,	  /* text */
};

static const struct row {
	const char *key;
	int v2_ctrl;
	const char *v2_file, *v2_field;
	enum kind v2_kind;
	int v1_ctrl;
	const char *v1_file, *v1_field;
	enum kind v1_kind;
} rows[] = {
    {"memory_current", CG_MEMORY, "memory.current", NULL, K_NUM, CG_MEMORY,
     "memory.usage_in_bytes", NULL, K_NUM},
    {"memory_peak", CG_MEMORY, "memory.peak", NULL, K_NUM, CG_MEMORY,
     "memory.max_usage_in_bytes", NULL, K_NUM},
    {"memory_max", CG_MEMORY, "memory.max", NULL, K_LIMIT, CG_MEMORY,
     "memory.limit_in_bytes", NULL, K_LIMIT},
    {"memory_swap_max", CG_MEMORY, "memory.swap.max", NULL, K_SWAP, CG_MEMORY,
     "memory.memsw.limit_in_bytes", NULL, K_LIMIT},
    /* v1 counts no OOM events apart from kills */
    {"oom_events", CG_MEMORY, "memory.events", "oom", K_NUM, CG_MEMORY, NULL,
     NULL, K_NUM},
    {"oom_kill_events", CG_MEMORY, "memory.events", "oom_kill", K_NUM,
     CG_MEMORY, "memory.oom_control", "oom_kill", K_NUM},
    {"pids_current", CG_PIDS, "pids.current", NULL, K_NUM, CG_PIDS,
     "pids.current", NULL, K_NUM},
    {"pids_max", CG_PIDS, "pids.max", NULL, K_LIMIT, CG_PIDS, "pids.max", NULL,
     K_LIMIT},
    /* v2 keeps usage_usec in every cgroup, controller or not */
    {"cpu_usage_usec", -1, "cpu.stat", "usage_usec", K_NUM, CG_CPUACCT,
     "cpuacct.usage", NULL, K_NS},
    {"cpu_nr_periods", CG_CPU, "cpu.stat", "nr_periods", K_NUM, CG_CPU,
     "cpu.stat", "nr_periods", K_NUM},
    {"cpu_nr_throttled", CG_CPU, "cpu.stat", "nr_throttled", K_NUM, CG_CPU,
     "cpu.stat", "nr_throttled", K_NUM},
    {"cpu_throttled_usec", CG_CPU, "cpu.stat", "throttled_usec", K_NUM, CG_CPU,
     "cpu.stat", "throttled_time", K_NS},
    {"cpu_max", CG_CPU, "cpu.max", NULL, K_CPUS, CG_CPU, "cpu.cfs_quota_us",
     "cpu.cfs_period_us", K_CPUS},
    {"cpu_weight", CG_CPU, "cpu.weight", NULL, K_NUM, CG_CPU, "cpu.shares",
     NULL, K_WEIGHT},
    {"cpuset_cpus", CG_CPUSET, "cpuset.cpus.effective", NULL, K_STR, CG_CPUSET,
     "cpuset.cpus", NULL, K_STR},
};

_Noreturn static void usage(void)
{
	printf(
	    "Usage: %s [options] PATH\n"
	    "Print a cgroup's usage and limits: memory, OOM events, pids, "
	    "CPU.\n"
	    "\n"
	    "  -j, --json               print one JSON object\n"
	    "  -r, --relative           PATH is below the caller's own cgroup\n"
	    "  -h, --help               show this help\n"
	    "  -V, --version            show the version\n",
	    box_prog);
	exit(0);
}

/* "key value" lines (cpu.stat, memory.events): the value of field. */
static int field(const char *buf, const char *name, char *out, size_t n)
{
	size_t len = strlen(name);

	for (const char *p = buf; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, len) && p[len] == ' ') {
			snprintf(out, n, "%.*s",
				 (int)strcspn(p + len + 1, "\n"), p + len + 1);
			return 0;
		}
	return -1;
}

static int get(int dfd, const char *file, const char *name, char *out, size_t n)
{
	char buf[4096];

	if (!file || dfd < 0)
		return -1;
	if (!name)
		return cg_read(dfd, file, out, n);
	if (cg_read(dfd, file, buf, sizeof(buf)) < 0)
		return -1;
	return field(buf, name, out, n);
}

static int num(const char *s, uint64_t *v)
{
	return parse_u64(s, v);
}

/* The value of one row, as JSON ("null", a number, or a string). */
static void value(const struct row *r, bool v2, int dfd, char *out, size_t n)
{
	const char *file = v2 ? r->v2_file : r->v1_file;
	const char *fld = v2 ? r->v2_field : r->v1_field;
	enum kind k = v2 ? r->v2_kind : r->v1_kind;
	char a[256], b[256], line[256];
	uint64_t x, y;

	snprintf(out, n, "null");
	if (k == K_CPUS) {
		/* v2 "QUOTA PERIOD"; v1 two files */
		if (v2 ? get(dfd, file, NULL, line, sizeof(line)) < 0 ||
			     sscanf(line, "%255s %255s", a, b) != 2
		       : get(dfd, file, NULL, a, sizeof(a)) < 0 ||
			     get(dfd, fld, NULL, b, sizeof(b)) < 0)
			return;
		if (!strcmp(a, "max") || !strcmp(a, "-1"))
			snprintf(out, n, "\"max\"");
		else if (num(a, &x) == 0 && num(b, &y) == 0 && y)
			snprintf(out, n, "%llu.%03llu",
				 (unsigned long long)(x / y),
				 (unsigned long long)(x % y * 1000 / y));
		return;
	}
	if (get(dfd, file, fld, a, sizeof(a)) < 0)
		return;
	switch (k) {
	case K_STR:
		snprintf(out, n, "\"%s\"", a);
		break;
	case K_LIMIT:
		/* v1 shows "no limit" as the largest page-aligned s64 */
		if (!strcmp(a, "max") || (num(a, &x) == 0 && x >= (1ull << 62)))
			snprintf(out, n, "\"max\"");
		else if (num(a, &x) == 0)
			snprintf(out, n, "%llu", (unsigned long long)x);
		break;
	case K_SWAP:
		if (get(dfd, "memory.max", NULL, b, sizeof(b)) < 0)
			break;
		if (!strcmp(a, "max") || !strcmp(b, "max"))
			snprintf(out, n, "\"max\"");
		else if (num(a, &x) == 0 && num(b, &y) == 0)
			snprintf(out, n, "%llu", (unsigned long long)(x + y));
		break;
	case K_NS:
		if (num(a, &x) == 0)
			snprintf(out, n, "%llu",
				 (unsigned long long)(x / 1000));
		break;
	case K_WEIGHT:
		/* the kernel's own mapping: weight = round(shares * 100 / 1024)
		 */
		if (num(a, &x) == 0)
			snprintf(out, n, "%llu",
				 (unsigned long long)((x * 100 + 512) / 1024));
		break;
	default:
		if (num(a, &x) == 0)
			snprintf(out, n, "%llu", (unsigned long long)x);
		break;
	}
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

/*
 * The device rules in force, one line as JSON: v1's devices.list where
 * a v1 hierarchy has the controller, else those cg-create and cg-set
 * keep beside the BPF program they attached in cgroup2; null for none.
 */
static void devices(const struct cg_sys *s, const int *dfd, char *out, size_t n)
{
	char buf[4096];
	size_t o;
	int hi = -1, r = -1;

	for (int i = 0; i < s->n; i++)
		if (!s->h[i].v2 && (s->h[i].ctrls & (1u << CG_DEVICES)))
			hi = i;
	if (hi >= 0)
		r = dfd[hi] < 0
			? -1
			: cg_read(dfd[hi], "devices.list", buf, sizeof(buf));
	else if (s->v2 >= 0 && dfd[s->v2] >= 0)
		r = cg_device_saved(dfd[s->v2], buf, sizeof(buf));
	snprintf(out, n, "null");
	if (r < 0)
		return;
	o = (size_t)snprintf(out, n, "\"");
	for (char *l = strtok(buf, "\n"); l && o + 4 < n;
	     l = strtok(NULL, "\n"))
		o += (size_t)snprintf(out + o, n - o, "%s%s", o > 1 ? ", " : "",
				      l);
	if (o + 2 > n)
		o = n - 2;
	snprintf(out + o, n - o, "\"");
}

/* One key and its JSON value, as JSON or as an aligned text line. */
static void print_kv(bool json, const char *key, char *v)
{
	size_t len = strlen(v);

	if (json) {
		printf(", \"%s\": %s", key, v);
		return;
	}
	if (v[0] == '"') {
		v[len - 1] = '\0';
		memmove(v, v + 1, len - 1);
	} else if (!strcmp(v, "null")) {
		strcpy(v, "-");
	}
	printf("%-20s %s\n", key, v);
}

int main(int argc, char **argv)
{
	bool json = false, relative = false;
	int c, dfd[CG_MAX_HIER], found = 0;
	char rel[CG_PATH_MAX], v[4096];
	struct cg_sys sys;
	struct cg_err e;
	const char *path;

	box_init(argc, argv);
	opterr = 0; /* one line of our own, not getopt's */
	/* no '+': options may follow the path (cg-stat box1 --json) */
	while ((c = getopt_long(argc, argv, ":jrhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'r':
			relative = true;
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}
	if (optind != argc - 1)
		xusage_error("expected one cgroup PATH");
	path = argv[optind];
	if (cg_check_path(path, relative, &e) < 0)
		xcg_die(&e);
	if (cg_discover(&sys, &e) < 0 || cg_load_v2(&sys, &e) < 0 ||
	    (relative && cg_load_self(&sys, &e) < 0))
		xcg_die(&e);

	for (int i = 0; i < sys.n; i++) {
		dfd[i] = -1;
		if (!cg_hier_real(&sys.h[i]))
			continue;
		if (cg_rel(&sys.h[i], relative, path, rel, sizeof(rel), &e) < 0)
			xcg_die(&e);
		dfd[i] = cg_open_dir(&sys.h[i], rel);
		if (dfd[i] >= 0)
			found++;
		else if (errno != ENOENT)
			xdie_errno("open cgroup %s/%s", sys.h[i].mnt, rel);
	}
	if (!found)
		xdie("open cgroup %s: No such file or directory (it exists in "
		     "no hierarchy)",
		     path);

	if (json) {
		printf("{\"path\": ");
		json_string(path);
	} else {
		printf("%-20s %s\n", "path", path);
	}
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		int hi = -1;

		/* a v1 mount of the controller wins; else cgroup2 */
		if (r->v1_ctrl >= 0)
			for (int j = 0; j < sys.n; j++)
				if (!sys.h[j].v2 &&
				    (sys.h[j].ctrls & (1u << r->v1_ctrl)))
					hi = j;
		if (hi < 0 && sys.v2 >= 0 &&
		    (r->v2_ctrl < 0 ||
		     (sys.h[sys.v2].ctrls & (1u << r->v2_ctrl))))
			hi = sys.v2;
		if (hi >= 0)
			value(r, sys.h[hi].v2, dfd[hi], v, sizeof(v));
		else
			snprintf(v, sizeof(v), "null");
		print_kv(json, r->key, v);
	}
	devices(&sys, dfd, v, sizeof(v));
	print_kv(json, "devices", v);
	if (json)
		printf("}\n");
	return 0;
}
