/*
 * oci.c - config.json to a boxutils chain.
 *
 * Every object of config.json is read against the list of keys this
 * runtime honours (the *_keys tables below); a key not in its list
 * whose value is not empty (null, "", [], {}, false) is refused by its
 * full name.  Each honoured key becomes options of one tool:
 *
 *   linux.cgroupsPath, linux.resources     cg-create, cg-exec
 *   linux.namespaces (path)                 ns-enter --TYPE=PATH
 *   linux.namespaces, uid/gidMappings,
 *   hostname, domainname, sysctl,
 *   timeOffsets                             ns-unshare --fork --detach
 *   root, mounts, maskedPaths,
 *   readonlyPaths, rootfsPropagation        pivot --host-prog
 *   process.user, capabilities,
 *   noNewPrivileges, apparmorProfile,
 *   selinuxLabel                            cap-drop
 *   linux.seccomp                           sys-filter --profile
 *   process.args/env/cwd/rlimits/umask/
 *   oomScoreAdj/ioPriority/scheduler,
 *   linux.personality, the wait for start   box-runtime init
 *   hooks.prestart, createRuntime           create, at box-runtime hooks
 *   hooks.createContainer                   box-runtime hooks (before pivot)
 *   hooks.startContainer                    box-runtime init --hook
 *   hooks.poststart, poststop               start, delete
 */
/* boxutils-pkgs: jansson mount */
#include "oci.h"
#include "mount.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- argv ------------------------------------------------------------- */

int argv_push(struct argvec *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return -1;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n] = strdup(s);
	if (!a->v[a->n])
		return -1;
	a->v[++a->n] = NULL;
	return 0;
}

int argv_pushf(struct argvec *a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	r = argv_push(a, s);
	free(s);
	return r;
}

void argv_free(struct argvec *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	*a = (struct argvec){0};
}

void oci_chain_free(struct oci_chain *c)
{
	argv_free(&c->cg_create);
	argv_free(&c->chain);
	free(c->cgroup_path);
	free(c->seccomp);
	free(c->oci_version);
	free(c->annotations);
	free(c->rootfs);
	free(c->hooks);
	*c = (struct oci_chain){0};
}

/* --- reading ---------------------------------------------------------- */

struct tr {
	const struct oci_ctx *ctx;
	struct oci_chain *out;
	char *err;
	size_t errsz;
	bool failed;
	const json_t *lx;    /* config.json's linux (create only) */
	bool devs_limited;   /* some device is denied by the rules so far */
	const json_t *hooks; /* the config's, once checked; or NULL */
};

/* one line, whatever the config held */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int fail(struct tr *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct tr *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->failed)
		return -1;
	n = snprintf(t->err, t->errsz, "config.json: ");
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < t->errsz)
		vsnprintf(t->err + n, t->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	one_line(t->err);
	t->failed = true;
	return -1;
}

static int nomem(struct tr *t)
{
	return fail(t, "out of memory");
}

static bool empty(const json_t *v)
{
	return !v || json_is_null(v) || json_is_false(v) ||
	       (json_is_string(v) && json_string_length(v) == 0) ||
	       (json_is_array(v) && json_array_size(v) == 0) ||
	       (json_is_object(v) && json_object_size(v) == 0);
}

/* Refuse every key of obj not in keys whose value is not empty. */
static int keys(struct tr *t, const json_t *obj, const char *path,
		const char *const *known)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return fail(t, "%s: not an object", path);
	json_object_foreach((json_t *)obj, k, v)
	{
		size_t i;

		for (i = 0; known[i]; i++)
			if (strcmp(k, known[i]) == 0)
				break;
		if (!known[i] && !empty(v))
			return fail(t, "%s%s%.64s: not supported", path,
				    *path ? "." : "", k);
	}
	return 0;
}

/* obj[key] as a string, or NULL when absent (a non-string is refused). */
static const char *str(struct tr *t, const json_t *obj, const char *key,
		       const char *path)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		fail(t, "%s.%s: not a string", path, key);
		return NULL;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		fail(t, "%s.%s: holds a NUL byte", path, key);
		return NULL;
	}
	return json_string_value(v);
}

/* obj[key] as an integer in [min, max]; *set false when absent. */
static int num(struct tr *t, const json_t *obj, const char *key,
	       const char *path, int64_t min, int64_t max, int64_t *out,
	       bool *set)
{
	json_t *v = json_object_get(obj, key);

	*set = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return fail(t, "%s.%s: not an integer from %lld to %lld", path,
			    key, (long long)min, (long long)max);
	*out = json_integer_value(v);
	*set = true;
	return 0;
}

/* obj[key] as an array of strings (absent: empty). */
static json_t *strings(struct tr *t, const json_t *obj, const char *key,
		       const char *path)
{
	static json_t *none;
	json_t *v = json_object_get(obj, key), *e;
	size_t i;

	if (!none)
		none = json_array();
	if (!v || json_is_null(v))
		return none;
	if (!json_is_array(v)) {
		fail(t, "%s.%s: not an array", path, key);
		return NULL;
	}
	json_array_foreach(v, i, e) if (!json_is_string(e) ||
					strlen(json_string_value(e)) !=
					    json_string_length(e))
	{
		fail(t, "%s.%s[%zu]: not a string", path, key, i);
		return NULL;
	}
	return v;
}

#define PUSH(a, s)                                                             \
	do {                                                                   \
		if (argv_push((a), (s)) < 0)                                   \
			return nomem(t);                                       \
	} while (0)
#define PUSHF(a, ...)                                                          \
	do {                                                                   \
		if (argv_pushf((a), __VA_ARGS__) < 0)                          \
			return nomem(t);                                       \
	} while (0)

/* A path for a "A:B:C" option: ':' and '\' escaped as pivot reads them. */
static char *esc(const char *s)
{
	char *o = malloc(strlen(s) * 2 + 1), *w = o;

	if (!o)
		return NULL;
	for (; *s; s++) {
		if (*s == ':' || *s == '\\')
			*w++ = '\\';
		*w++ = *s;
	}
	*w = '\0';
	return o;
}

/* --- the tables --------------------------------------------------------- */

static const char *const top_keys[] = {
    "ociVersion", "root",	 "mounts", "process", "hostname",
    "domainname", "annotations", "linux",  "hooks",   NULL,
};
static const char *const root_keys[] = {"path", "readonly", NULL};
static const char *const mount_keys[] = {"destination", "type", "source",
					 "options", NULL};
static const char *const process_keys[] = {
    "terminal",
    "user",
    "args",
    "env",
    "cwd",
    "capabilities",
    "rlimits",
    "noNewPrivileges",
    "oomScoreAdj",
    "consoleSize",
    "apparmorProfile",
    "selinuxLabel",
    "ioPriority",
    "scheduler",
    NULL,
};
static const char *const ioprio_keys[] = {"class", "priority", NULL};
static const char *const sched_keys[] = {
    "policy",  "nice",	   "priority", "flags",
    "runtime", "deadline", "period",   NULL,
};
static const char *const personality_keys[] = {"domain", "flags", NULL};
static const char *const timeoff_keys[] = {"secs", "nanosecs", NULL};
/* process.scheduler: names to the kernel's numbers (sched_setattr) */
static const char *const sched_policies[] = {
    "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",	   "SCHED_BATCH",
    "SCHED_ISO",   "SCHED_IDLE", "SCHED_DEADLINE", NULL,
};
static const char *const sched_flags[] = {
    "SCHED_FLAG_RESET_ON_FORK",	 "SCHED_FLAG_RECLAIM",
    "SCHED_FLAG_DL_OVERRUN",	 "SCHED_FLAG_KEEP_POLICY",
    "SCHED_FLAG_KEEP_PARAMS",	 "SCHED_FLAG_UTIL_CLAMP_MIN",
    "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};
static const char *const console_keys[] = {"height", "width", NULL};
static const char *const user_keys[] = {"uid", "gid", "umask", "additionalGids",
					NULL};
static const char *const caps_keys[] = {
    "bounding", "effective", "inheritable", "permitted", "ambient", NULL,
};
static const char *const rlimit_keys[] = {"type", "soft", "hard", NULL};
static const char *const linux_keys[] = {
    "namespaces",	 "uidMappings", "gidMappings", "resources",
    "cgroupsPath",	 "seccomp",	"maskedPaths", "readonlyPaths",
    "rootfsPropagation", "sysctl",	"timeOffsets", "personality",
    "devices",		 NULL,
};
static const char *const ns_keys[] = {"type", "path", NULL};
static const char *const idmap_keys[] = {"containerID", "hostID", "size", NULL};
static const char *const resources_keys[] = {
    "memory",	      "cpu",	 "pids",    "devices", "blockIO", "rdma",
    "hugepageLimits", "network", "unified", NULL,
};
static const char *const node_keys[] = {"path",	    "type", "major", "minor",
					"fileMode", "uid",  "gid",   NULL};
static const char *const device_keys[] = {"allow", "type",   "major",
					  "minor", "access", NULL};

/* The nodes pivot's /dev binds from the host (null zero full random
 * urandom tty, ptmx and the pts of its devpts): allowed after the
 * config's rules, as runc and crun allow them. */
static const char *const default_devices[] = {
    "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm",
    "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm",
};
static const char *const memory_keys[] = {
    "limit",	    "swap", "reservation", "swappiness", "disableOOMKiller",
    "useHierarchy", NULL,
};
static const char *const cpu_keys[] = {
    "shares", "quota",		 "period",	   "cpus",  "mems",
    "idle",   "realtimeRuntime", "realtimePeriod", "burst", NULL,
};
static const char *const blkio_keys[] = {
    "weight",
    "weightDevice",
    "throttleReadBpsDevice",
    "throttleWriteBpsDevice",
    "throttleReadIOPSDevice",
    "throttleWriteIOPSDevice",
    NULL,
};
static const char *const weight_dev_keys[] = {"major", "minor", "weight", NULL};
static const char *const throttle_keys[] = {"major", "minor", "rate", NULL};
/* linux.resources.blockIO's throttle lists, as cg-create's --io-max */
static const struct {
	const char *key, *fmt;
} throttles[] = {
    {"throttleReadBpsDevice", "--io-max=%lld:%lld:rbps=%lld"},
    {"throttleWriteBpsDevice", "--io-max=%lld:%lld:wbps=%lld"},
    {"throttleReadIOPSDevice", "--io-max=%lld:%lld:riops=%lld"},
    {"throttleWriteIOPSDevice", "--io-max=%lld:%lld:wiops=%lld"},
};
static const char *const hugepage_keys[] = {"pageSize", "limit", NULL};
static const char *const network_keys[] = {"classID", "priorities", NULL};
static const char *const prio_keys[] = {"name", "priority", NULL};
static const char *const rdma_keys[] = {"hcaHandles", "hcaObjects", NULL};
static const char *const pids_keys[] = {"limit", NULL};

/* linux.namespaces[].type: the option of ns-unshare (to make one) and
 * of ns-enter (to join one by path) */
static const struct ns_row {
	const char *type, *option;
} ns_table[] = {
    {"user", "user"},	  {"mount", "mount"}, {"pid", "pid"},
    {"network", "net"},	  {"ipc", "ipc"},     {"uts", "uts"},
    {"cgroup", "cgroup"}, {"time", "time"},
};
#define ARRAY_LEN_NS (sizeof(ns_table) / sizeof(ns_table[0]))

/* process.rlimits[].type, as box-runtime init --rlimit takes them */
static const char *const rlimit_names[] = {
    "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",	   "RLIMIT_DATA",
    "RLIMIT_FSIZE",  "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK",	   "RLIMIT_MSGQUEUE",
    "RLIMIT_NICE",   "RLIMIT_NOFILE", "RLIMIT_NPROC",	   "RLIMIT_RSS",
    "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING", "RLIMIT_STACK",
};

/* hooks.*, in the order the lifecycle runs them (runtime-spec config.md
 * "POSIX-platform Hooks"): the first three run before pivot_root, so the
 * chain gets a `box-runtime hooks` step there; the next two make start
 * wait for init's report */
static const char *const hook_keys[] = {
    "prestart",
    "createRuntime",
    "createContainer",
    "startContainer",
    "poststart",
    "poststop",
    NULL,
};
#define HOOKS_BEFORE_PIVOT 3
#define HOOKS_AT_START	   5
static const char *const hook_entry_keys[] = {"path", "args", "env", "timeout",
					      NULL};

/* --- translating, one part at a time ----------------------------------- */

/* hooks: checked here, run by box-runtime (a missing path is create's to
 * find: the translation looks at no file) */
static int do_hooks(struct tr *t, const json_t *root)
{
	const json_t *h = json_object_get(root, "hooks"), *l, *e, *x;
	char path[64];
	size_t k, i, j;

	if (empty(h))
		return 0;
	if (keys(t, h, "hooks", hook_keys) < 0)
		return -1;
	for (k = 0; hook_keys[k]; k++) {
		l = json_object_get(h, hook_keys[k]);
		if (!l || json_is_null(l))
			continue;
		if (!json_is_array(l))
			return fail(t, "hooks.%s: not an array", hook_keys[k]);
		json_array_foreach(l, i, e)
		{
			const char *p;
			json_t *env;
			int64_t to;
			bool set;

			snprintf(path, sizeof(path), "hooks.%s[%zu]",
				 hook_keys[k], i);
			if (keys(t, e, path, hook_entry_keys) < 0)
				return -1;
			p = str(t, e, "path", path);
			if (t->failed)
				return -1;
			if (!p || p[0] != '/')
				return fail(t,
					    "%s.path: '%.64s' is not absolute",
					    path, p ? p : "");
			if (!strings(t, e, "args", path) ||
			    !(env = strings(t, e, "env", path)))
				return -1;
			json_array_foreach(env, j, x)
			{
				if (!strchr(json_string_value(x), '='))
					return fail(t, "%s.env[%zu]: no '='",
						    path, j);
			}
			if (num(t, e, "timeout", path, 1, INT32_MAX, &to,
				&set) < 0)
				return -1;
			if (k < HOOKS_BEFORE_PIVOT)
				t->out->hook_step = true;
			else if (k < HOOKS_AT_START)
				t->out->start_wait = true;
		}
	}
	t->hooks = h;
	t->out->hooks = json_dumps(h, JSON_COMPACT);
	return t->out->hooks ? 0 : nomem(t);
}

/* The hooks of one kind as options of a step of ours: --hook=PATH starts
 * one, the --hook-arg, --hook-env and --hook-timeout after it are its. */
static int push_hooks(struct tr *t, struct argvec *a, const char *kind)
{
	const json_t *l = json_object_get(t->hooks, kind), *e, *x;
	size_t i, j;

	json_array_foreach(l, i, e)
	{
		PUSHF(a, "--hook=%s",
		      json_string_value(json_object_get(e, "path")));
		json_array_foreach(json_object_get(e, "args"), j, x)
		    PUSHF(a, "--hook-arg=%s", json_string_value(x));
		json_array_foreach(json_object_get(e, "env"), j, x)
		    PUSHF(a, "--hook-env=%s", json_string_value(x));
		if (json_is_integer(x = json_object_get(e, "timeout")))
			PUSHF(a, "--hook-timeout=%lld",
			      (long long)json_integer_value(x));
	}
	return 0;
}

static const char *tool(struct tr *t, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", t->ctx->bindir, name);
	return buf;
}

/* r, w and m, each at most once */
static bool access_ok(const char *s)
{
	unsigned seen = 0;

	for (; *s; s++) {
		const char *p = strchr("rwm", *s);
		unsigned bit = p ? 1u << (p - "rwm") : 0;

		if (!bit || (seen & bit))
			return false;
		seen |= bit;
	}
	return true;
}

/* Is controller c served by a cgroup v1 hierarchy here? */
static bool on_v1(const struct tr *t, const char *c)
{
	const char *l = t->ctx->v1_ctrls;
	size_t n = strlen(c);

	for (const char *p = l ? strstr(l, c) : NULL; p; p = strstr(p + 1, c))
		if (p > l && p[-1] == ',' && p[n] == ',')
			return true;
	return false;
}

/*
 * linux.resources.devices: cg-create --device rules, in order, which
 * become v1 devices.allow and devices.deny lines and, on cgroup2, a BPF
 * device program (both on a hybrid host)
 */
static int do_devices(struct tr *t, const json_t *devs)
{
	struct argvec *a = &t->out->cg_create;
	char path[64], maj[24], min[24];
	const json_t *d;
	size_t i;

	if (!json_is_array(devs))
		return fail(t, "linux.resources.devices: not an array");
	if (!on_v1(t, "devices") && !t->ctx->cgroup2)
		return fail(t, "linux.resources.devices: neither a v1 devices "
			       "controller nor cgroup2 here");
	json_array_foreach(devs, i, d)
	{
		const char *type, *access;
		int64_t v;
		bool set, any = true;

		snprintf(path, sizeof(path), "linux.resources.devices[%zu]", i);
		if (keys(t, d, path, device_keys) < 0)
			return -1;
		type = str(t, d, "type", path);
		access = str(t, d, "access", path);
		if (t->failed)
			return -1;
		if (!type || !*type)
			type = "a";
		if (strlen(type) != 1 || !strchr("abc", type[0]))
			return fail(t, "%s.type: '%.8s': not a, b or c", path,
				    type);
		if (!access || !*access)
			access = "rwm";
		if (!access_ok(access))
			return fail(t, "%s.access: '%.8s': not of r, w, m",
				    path, access);
		if (num(t, d, "major", path, -1, UINT32_MAX, &v, &set) < 0)
			return -1;
		if (set && v >= 0) {
			snprintf(maj, sizeof(maj), "%lld", (long long)v);
			any = false;
		} else {
			strcpy(maj, "*");
		}
		if (num(t, d, "minor", path, -1, UINT32_MAX, &v, &set) < 0)
			return -1;
		if (set && v >= 0) {
			snprintf(min, sizeof(min), "%lld", (long long)v);
			any = false;
		} else {
			strcpy(min, "*");
		}
		if (type[0] == 'a' && (!any || strlen(access) != 3))
			return fail(t,
				    "%s: type a (every device) with a device "
				    "number or an access other than rwm: not "
				    "supported",
				    path);
		/* "allow a" lifts every rule before it (as v1 does) */
		if (json_is_true(json_object_get(d, "allow")))
			t->devs_limited = t->devs_limited && type[0] != 'a';
		else
			t->devs_limited = true;
		PUSHF(a, "--device=%s %s %s:%s %s",
		      json_is_true(json_object_get(d, "allow")) ? "allow"
								: "deny",
		      type, maj, min, access);
	}
	for (i = 0; i < sizeof(default_devices) / sizeof(*default_devices); i++)
		PUSHF(a, "--device=allow %s", default_devices[i]);
	return 0;
}

/* One entry of linux.devices, checked. */
struct node {
	const char *path;
	char type; /* c, b, u or p */
	int64_t major, minor, mode, uid, gid;
};

static int node_at(struct tr *t, const json_t *devs, size_t i, struct node *n)
{
	const json_t *d = json_array_get(devs, i);
	const char *type;
	char path[40];
	bool set;

	*n = (struct node){0};
	snprintf(path, sizeof(path), "linux.devices[%zu]", i);
	if (keys(t, d, path, node_keys) < 0)
		return -1;
	n->path = str(t, d, "path", path);
	type = str(t, d, "type", path);
	if (t->failed)
		return -1;
	if (!n->path || n->path[0] != '/')
		return fail(t, "%s.path: '%.64s': not an absolute path", path,
			    n->path ? n->path : "");
	if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
		return fail(t, "%s.type: '%.8s': not c, b, u or p", path,
			    type ? type : "");
	n->type = type[0];
	n->major = n->minor = 0;
	n->mode = 0666;
	n->uid = n->gid = 0;
	if (num(t, d, "major", path, 0, 4095, &n->major, &set) < 0 ||
	    (!set && n->type != 'p'))
		return t->failed ? -1 : fail(t, "%s.major: missing", path);
	if (num(t, d, "minor", path, 0, (1 << 20) - 1, &n->minor, &set) < 0 ||
	    (!set && n->type != 'p'))
		return t->failed ? -1 : fail(t, "%s.minor: missing", path);
	if (n->type == 'p' && (n->major || n->minor))
		return fail(t, "%s: a FIFO (p) has no major or minor", path);
	if (num(t, d, "fileMode", path, 0, 07777, &n->mode, &set) < 0 ||
	    num(t, d, "uid", path, 0, UINT32_MAX - 1, &n->uid, &set) < 0 ||
	    num(t, d, "gid", path, 0, UINT32_MAX - 1, &n->gid, &set) < 0)
		return -1;
	return 0;
}

/* linux.devices, the cgroup's part: each node allowed (rwm), after the
 * rules of linux.resources.devices, as runc allows them */
static int allow_nodes(struct tr *t, const json_t *lx, struct argvec *a)
{
	const json_t *devs = json_object_get(lx, "devices");
	struct node n;
	size_t i;

	if (empty(devs))
		return 0;
	if (!json_is_array(devs))
		return fail(t, "linux.devices: not an array");
	if (!on_v1(t, "devices") && !t->ctx->cgroup2)
		return fail(t, "linux.devices: neither a v1 devices "
			       "controller nor cgroup2 here to allow them");
	for (i = 0; i < json_array_size(devs); i++) {
		if (node_at(t, devs, i, &n) < 0)
			return -1;
		/* every device allowed already (ctr run --privileged lists
		 * each of the host's nodes): a rule each adds nothing */
		if (n.type != 'p' && t->devs_limited)
			PUSHF(a, "--device=allow %c %lld:%lld rwm",
			      n.type == 'b' ? 'b' : 'c', (long long)n.major,
			      (long long)n.minor);
	}
	return 0;
}

/* linux.devices, the nodes: pivot --device, after the mounts */
static int make_nodes(struct tr *t, const json_t *lx, struct argvec *a)
{
	const json_t *devs = json_object_get(lx, "devices");
	struct node n;
	char *p;
	int r;

	if (empty(devs))
		return 0;
	for (size_t i = 0; i < json_array_size(devs); i++) {
		if (node_at(t, devs, i, &n) < 0)
			return -1;
		if (!(p = esc(n.path)))
			return nomem(t);
		r = argv_pushf(a, "--device=%s:%c:%lld:%lld:%llo:%lld:%lld", p,
			       n.type, (long long)n.major, (long long)n.minor,
			       (unsigned long long)n.mode, (long long)n.uid,
			       (long long)n.gid);
		free(p);
		if (r < 0)
			return nomem(t);
	}
	return 0;
}

/* linux.resources: the limit options of cg-create (and cg-set) */

/* A field that only one cgroup version has, met on the other. */
static int wrong_version(struct tr *t, const char *path, const char *ctrl,
			 bool v1, const char *why)
{
	return fail(t, "%s: the %s controller is on cgroup %s here, %s", path,
		    ctrl, v1 ? "v1" : "v2", why);
}

/* linux.resources.memory beyond limit and swap */
static int push_memory_more(struct tr *t, const json_t *o, struct argvec *a)
{
	const char *P = "linux.resources.memory";
	bool v1 = on_v1(t, "memory"), set;
	json_t *b;
	int64_t v;

	if (num(t, o, "reservation", P, -1, INT64_MAX, &v, &set) < 0)
		return -1;
	/* v2 has no soft limit; memory.low is what runc and crun map it
	 * to: protection below which the cgroup is not reclaimed */
	if (set && v > 0)
		PUSHF(a, "--set=%s=%lld",
		      v1 ? "memory.soft_limit_in_bytes" : "memory.low",
		      (long long)v);
	if (num(t, o, "swappiness", P, -1, 100, &v, &set) < 0)
		return -1;
	if (set && v >= 0) {
		if (!v1)
			return wrong_version(
			    t, "linux.resources.memory.swappiness", "memory",
			    false, "which has no per-cgroup swappiness");
		PUSHF(a, "--set=memory.swappiness=%lld", (long long)v);
	}
	if (json_is_true(json_object_get(o, "disableOOMKiller"))) {
		if (!v1)
			return wrong_version(
			    t, "linux.resources.memory.disableOOMKiller",
			    "memory", false,
			    "which cannot turn the OOM killer off");
		PUSH(a, "--set=memory.oom_control=1");
	}
	/* the kernel has been hierarchical only since 6.0 (v1's
	 * use_hierarchy reads 1 and refuses 0), v2 always */
	b = json_object_get(o, "useHierarchy");
	if (b && !json_is_null(b) && !json_is_true(b))
		return fail(t,
			    "%s.useHierarchy: false: not supported (memory "
			    "accounting is always hierarchical)",
			    P);
	return 0;
}

/* linux.resources.cpu beyond shares, quota, period and cpus */
static int push_cpu_more(struct tr *t, const json_t *o, struct argvec *a)
{
	const char *P = "linux.resources.cpu", *mems;
	bool v1 = on_v1(t, "cpu"), set;
	int64_t v;

	if ((mems = str(t, o, "mems", P)) && *mems) {
		if (strspn(mems, "0123456789,-") != strlen(mems))
			return fail(t, "%s.mems: '%.32s': not a list of nodes",
				    P, mems);
		PUSHF(a, "--set=cpuset.mems=%s", mems);
	}
	if (num(t, o, "idle", P, 0, 1, &v, &set) < 0)
		return -1;
	if (set && v) {
		if (v1)
			return wrong_version(t, "linux.resources.cpu.idle",
					     "cpu", true,
					     "which has no cpu.idle");
		PUSH(a, "--set=cpu.idle=1");
	}
	if (num(t, o, "burst", P, 0, INT64_MAX, &v, &set) < 0)
		return -1;
	if (set && v > 0)
		PUSHF(a, "--set=%s=%lld",
		      v1 ? "cpu.cfs_burst_us" : "cpu.max.burst", (long long)v);
	if (num(t, o, "realtimeRuntime", P, -1, INT64_MAX, &v, &set) < 0)
		return -1;
	if (set && v > 0) {
		if (!v1)
			return wrong_version(
			    t, "linux.resources.cpu.realtimeRuntime", "cpu",
			    false, "which has no real-time group scheduling");
		PUSHF(a, "--set=cpu.rt_runtime_us=%lld", (long long)v);
	}
	if (num(t, o, "realtimePeriod", P, 0, INT64_MAX, &v, &set) < 0)
		return -1;
	if (set && v > 0) {
		if (!v1)
			return wrong_version(
			    t, "linux.resources.cpu.realtimePeriod", "cpu",
			    false, "which has no real-time group scheduling");
		PUSHF(a, "--set=cpu.rt_period_us=%lld", (long long)v);
	}
	return 0;
}

/* one of blockIO's per-device arrays: MAJ:MIN and a number each */
static int push_blkio_devs(struct tr *t, const json_t *bio, const char *key,
			   const char *value_key, const char *const *known,
			   const char *fmt, struct argvec *a)
{
	json_t *arr = json_object_get(bio, key), *d;
	char path[96];
	size_t i;

	if (empty(arr))
		return 0;
	if (!json_is_array(arr))
		return fail(t, "linux.resources.blockIO.%s: not an array", key);
	json_array_foreach(arr, i, d)
	{
		int64_t maj, min, v;
		bool s1, s2, s3;

		snprintf(path, sizeof(path), "linux.resources.blockIO.%s[%zu]",
			 key, i);
		if (keys(t, d, path, known) < 0 ||
		    num(t, d, "major", path, 0, UINT32_MAX, &maj, &s1) < 0 ||
		    num(t, d, "minor", path, 0, UINT32_MAX, &min, &s2) < 0 ||
		    num(t, d, value_key, path, 0, INT64_MAX, &v, &s3) < 0)
			return -1;
		if (!s1 || !s2 || !s3)
			return fail(t, "%s: needs major, minor and %s", path,
				    value_key);
		PUSHF(a, fmt, (long long)maj, (long long)min, (long long)v);
	}
	return 0;
}

static int push_blkio(struct tr *t, const json_t *o, struct argvec *a)
{
	const char *P = "linux.resources.blockIO";
	bool v1 = on_v1(t, "blkio"), set;
	int64_t v;

	if (keys(t, o, P, blkio_keys) < 0)
		return -1;
	if (num(t, o, "weight", P, 0, 10000, &v, &set) < 0)
		return -1;
	/* v1's blkio.weight is 10..1000, v2's io.weight 1..10000: the
	 * kernel's own range checks say which is out of bounds */
	if (set && v > 0)
		PUSHF(a, "--set=%s=%lld", v1 ? "blkio.weight" : "io.weight",
		      (long long)v);
	if (push_blkio_devs(t, o, "weightDevice", "weight", weight_dev_keys,
			    v1 ? "--set=blkio.weight_device=%lld:%lld %lld"
			       : "--set=io.weight=%lld:%lld %lld",
			    a) < 0)
		return -1;
	/* --io-max writes blkio.throttle.* on v1 and io.max on v2 */
	for (size_t i = 0; i < sizeof(throttles) / sizeof(*throttles); i++)
		if (push_blkio_devs(t, o, throttles[i].key, "rate",
				    throttle_keys, throttles[i].fmt, a) < 0)
			return -1;
	return 0;
}

static int push_hugepages(struct tr *t, const json_t *arr, struct argvec *a)
{
	bool v1 = on_v1(t, "hugetlb"), set;
	char path[64];
	json_t *h;
	size_t i;

	if (!json_is_array(arr))
		return fail(t, "linux.resources.hugepageLimits: not an array");
	json_array_foreach(arr, i, h)
	{
		const char *ps;
		size_t n;
		int64_t v;

		snprintf(path, sizeof(path),
			 "linux.resources.hugepageLimits[%zu]", i);
		if (keys(t, h, path, hugepage_keys) < 0 ||
		    !(ps = str(t, h, "pageSize", path)) ||
		    num(t, h, "limit", path, 0, INT64_MAX, &v, &set) < 0)
			return t->failed
				   ? -1
				   : fail(t, "%s.pageSize: missing", path);
		/* the kernel's names: 2MB, 1GB, 64KB */
		n = strspn(ps, "0123456789");
		if (n == 0 || n > 6 || !strchr("KMG", ps[n]) || !ps[n] ||
		    strcmp(ps + n + 1, "B") != 0)
			return fail(t,
				    "%s.pageSize: '%.16s': not a size such "
				    "as 2MB",
				    path, ps);
		if (!set)
			return fail(t, "%s.limit: missing", path);
		PUSHF(a, "--set=hugetlb.%s.%s=%lld", ps,
		      v1 ? "limit_in_bytes" : "max", (long long)v);
	}
	return 0;
}

static int push_network(struct tr *t, const json_t *o, struct argvec *a)
{
	const char *P = "linux.resources.network";
	json_t *prios, *e;
	char path[64];
	int64_t v;
	bool set;
	size_t i;

	if (keys(t, o, P, network_keys) < 0 ||
	    num(t, o, "classID", P, 0, UINT32_MAX, &v, &set) < 0)
		return -1;
	if (set) {
		if (!on_v1(t, "net_cls"))
			return fail(t,
				    "%s.classID: no net_cls hierarchy "
				    "(cgroup v1 only)",
				    P);
		PUSHF(a, "--set=net_cls.classid=%lld", (long long)v);
	}
	prios = json_object_get(o, "priorities");
	if (empty(prios))
		return 0;
	if (!json_is_array(prios))
		return fail(t, "%s.priorities: not an array", P);
	if (!on_v1(t, "net_prio"))
		return fail(t,
			    "%s.priorities: no net_prio hierarchy (cgroup v1 "
			    "only)",
			    P);
	json_array_foreach(prios, i, e)
	{
		const char *name;

		snprintf(path, sizeof(path), "%s.priorities[%zu]", P, i);
		if (keys(t, e, path, prio_keys) < 0 ||
		    !(name = str(t, e, "name", path)) ||
		    num(t, e, "priority", path, 0, UINT32_MAX, &v, &set) < 0 ||
		    !set)
			return t->failed
				   ? -1
				   : fail(t, "%s: needs name and priority",
					  path);
		if (!*name || strlen(name) > 15 || strpbrk(name, " \t\n/:"))
			return fail(t,
				    "%s.name: '%.32s': not an interface "
				    "name",
				    path, name);
		PUSHF(a, "--set=net_prio.ifpriomap=%s %lld", name,
		      (long long)v);
	}
	return 0;
}

static int push_rdma(struct tr *t, const json_t *o, struct argvec *a)
{
	const char *dev;
	json_t *lim;
	char path[96];

	if (!json_is_object(o))
		return fail(t, "linux.resources.rdma: not an object");
	json_object_foreach((json_t *)o, dev, lim)
	{
		int64_t h, ob;
		bool hs, os;

		snprintf(path, sizeof(path), "linux.resources.rdma.%.40s", dev);
		if (!*dev || strlen(dev) > 63 || strpbrk(dev, " \t\n="))
			return fail(t, "%s: not a device name", path);
		if (keys(t, lim, path, rdma_keys) < 0 ||
		    num(t, lim, "hcaHandles", path, 0, INT32_MAX, &h, &hs) <
			0 ||
		    num(t, lim, "hcaObjects", path, 0, INT32_MAX, &ob, &os) < 0)
			return -1;
		if (hs && os)
			PUSHF(a,
			      "--set=rdma.max=%s hca_handle=%lld "
			      "hca_object=%lld",
			      dev, (long long)h, (long long)ob);
		else if (hs || os)
			PUSHF(a, "--set=rdma.max=%s %s=%lld", dev,
			      hs ? "hca_handle" : "hca_object",
			      (long long)(hs ? h : ob));
	}
	return 0;
}

/* linux.resources.unified: cgroup v2 files as they are */
static int push_unified(struct tr *t, const json_t *o, struct argvec *a)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o))
		return fail(t, "linux.resources.unified: not an object");
	if (!t->ctx->cgroup2)
		return fail(t, "linux.resources.unified: no cgroup2 hierarchy "
			       "here");
	json_object_foreach((json_t *)o, k, v)
	{
		size_t n = strcspn(k, ".");
		char ctrl[32];

		if (!json_is_string(v) ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return fail(t,
				    "linux.resources.unified.%.64s: not a "
				    "string",
				    k);
		if (!k[n] || n >= sizeof(ctrl) || strstr(k, "..") ||
		    strchr(k, '/') || strchr(k, '='))
			return fail(t,
				    "linux.resources.unified: '%.64s': "
				    "not a file name such as memory.high",
				    k);
		snprintf(ctrl, sizeof(ctrl), "%.*s", (int)n, k);
		/* the file must be written on cgroup2, not in the v1
		 * hierarchy that has its controller on a hybrid host */
		if (on_v1(t, ctrl))
			return fail(t,
				    "linux.resources.unified.%.64s: the %s "
				    "controller is on cgroup v1 here",
				    k, ctrl);
		PUSHF(a, "--set=%s=%s", k, json_string_value(v));
	}
	return 0;
}

static int push_limits(struct tr *t, const json_t *res, struct argvec *a)
{
	const json_t *o;
	int64_t v, q, p;
	bool set, qset, pset;

	if (res && !json_is_null(res)) {
		if (keys(t, res, "linux.resources", resources_keys) < 0)
			return -1;
		if ((o = json_object_get(res, "memory")) && !json_is_null(o)) {
			if (keys(t, o, "linux.resources.memory", memory_keys) <
			    0)
				return -1;
			if (num(t, o, "limit", "linux.resources.memory", -1,
				INT64_MAX, &v, &set) < 0)
				return -1;
			/* -1: no limit (update lifts one so) */
			if (set && v > 0)
				PUSHF(a, "--memory=%lld", (long long)v);
			else if (set && v == -1)
				PUSH(a, "--memory=max");
			if (num(t, o, "swap", "linux.resources.memory", -1,
				INT64_MAX, &v, &set) < 0)
				return -1;
			if (set && v > 0)
				PUSHF(a, "--memory-swap=%lld", (long long)v);
			else if (set && v == -1)
				PUSH(a, "--memory-swap=max");
			if (push_memory_more(t, o, a) < 0)
				return -1;
		}
		if ((o = json_object_get(res, "cpu")) && !json_is_null(o)) {
			const char *cpus;

			if (keys(t, o, "linux.resources.cpu", cpu_keys) < 0)
				return -1;
			if (num(t, o, "shares", "linux.resources.cpu", 0,
				262144, &v, &set) < 0)
				return -1;
			/* v1 shares 2..262144 onto v2 weight 1..10000, the
			 * mapping runc and crun use */
			if (set && v > 0)
				PUSHF(a, "--cpu-weight=%lld",
				      (long long)(1 + ((v < 2 ? 2 : v) - 2) *
							  9999 / 262142));
			if (num(t, o, "quota", "linux.resources.cpu", -1,
				INT64_MAX / 1000, &q, &qset) < 0 ||
			    num(t, o, "period", "linux.resources.cpu", 0,
				1000000, &p, &pset) < 0)
				return -1;
			if (qset && q > 0) {
				int64_t m = q * 1000 / (pset && p ? p : 100000);

				PUSHF(a, "--cpus=%lld.%03lld",
				      (long long)(m / 1000),
				      (long long)(m % 1000 ? m % 1000 : 0));
			} else if (qset && q == -1) {
				PUSH(a, "--cpus=max");
			}
			if ((cpus = str(t, o, "cpus", "linux.resources.cpu")) &&
			    *cpus)
				PUSHF(a, "--cpuset=%s", cpus);
			if (push_cpu_more(t, o, a) < 0)
				return -1;
		}
		if ((o = json_object_get(res, "devices")) && !empty(o) &&
		    do_devices(t, o) < 0)
			return -1;
		if ((o = json_object_get(res, "pids")) && !json_is_null(o)) {
			if (keys(t, o, "linux.resources.pids", pids_keys) < 0)
				return -1;
			if (num(t, o, "limit", "linux.resources.pids", -1,
				INT64_MAX, &v, &set) < 0)
				return -1;
			if (set && v > 0)
				PUSHF(a, "--pids=%lld", (long long)v);
			else if (set && v == -1)
				PUSH(a, "--pids=max");
		}
		if ((o = json_object_get(res, "blockIO")) && !empty(o) &&
		    push_blkio(t, o, a) < 0)
			return -1;
		if ((o = json_object_get(res, "hugepageLimits")) && !empty(o) &&
		    push_hugepages(t, o, a) < 0)
			return -1;
		if ((o = json_object_get(res, "network")) && !empty(o) &&
		    push_network(t, o, a) < 0)
			return -1;
		if ((o = json_object_get(res, "rdma")) && !empty(o) &&
		    push_rdma(t, o, a) < 0)
			return -1;
		if ((o = json_object_get(res, "unified")) && !empty(o) &&
		    push_unified(t, o, a) < 0)
			return -1;
	}
	return t->failed ? -1 : 0;
}

static int do_resources(struct tr *t, const json_t *lx)
{
	const json_t *res = json_object_get(lx, "resources");
	struct argvec *a = &t->out->cg_create;
	const char *cp = str(t, lx, "cgroupsPath", "linux");
	char buf[PATH_MAX];

	if (t->failed)
		return -1;
	PUSH(a, tool(t, "cg-create", buf, sizeof(buf)));
	PUSH(a, "--parents");
	if (cp && strchr(cp, ':'))
		return fail(t,
			    "linux.cgroupsPath: '%.64s': a systemd slice "
			    "path (--systemd-cgroup is not supported)",
			    cp);
	if (cp && (strstr(cp, "/../") || strncmp(cp, "../", 3) == 0 ||
		   strcmp(cp, "..") == 0))
		return fail(t,
			    "linux.cgroupsPath: '%.64s': leaves the cgroup "
			    "tree",
			    cp);
	/* relative (and the default): below the caller's cgroup */
	t->out->cgroup_relative = !cp || cp[0] != '/';
	if (cp && *cp)
		t->out->cgroup_path = strdup(cp);
	else if (asprintf(&t->out->cgroup_path, "box-runtime/%s", t->ctx->id) <
		 0)
		t->out->cgroup_path = NULL;
	if (!t->out->cgroup_path)
		return nomem(t);
	if (t->out->cgroup_relative)
		PUSH(a, "--relative");
	if (push_limits(t, res, a) < 0 || allow_nodes(t, lx, a) < 0)
		return -1;
	/* a path from the config is never an option */
	PUSH(a, "--");
	PUSH(a, t->out->cgroup_path);
	if (t->failed)
		return -1;

	a = &t->out->chain;
	PUSH(a, tool(t, "cg-exec", buf, sizeof(buf)));
	if (t->out->cgroup_relative)
		PUSH(a, "--relative");
	/* a path from the config is never an option */
	PUSH(a, "--");
	PUSH(a, t->out->cgroup_path);
	return 0;
}

static int do_idmaps(struct tr *t, const json_t *lx, const char *key,
		     const char *option)
{
	json_t *maps = json_object_get(lx, key), *m;
	char path[64];
	size_t i;

	if (empty(maps))
		return 0;
	if (!json_is_array(maps))
		return fail(t, "linux.%s: not an array", key);
	json_array_foreach(maps, i, m)
	{
		int64_t c, h, s;
		bool cs, hs, ss;

		snprintf(path, sizeof(path), "linux.%s[%zu]", key, i);
		if (keys(t, m, path, idmap_keys) < 0 ||
		    num(t, m, "containerID", path, 0, UINT32_MAX, &c, &cs) <
			0 ||
		    num(t, m, "hostID", path, 0, UINT32_MAX, &h, &hs) < 0 ||
		    num(t, m, "size", path, 1, UINT32_MAX, &s, &ss) < 0)
			return -1;
		if (!cs || !hs || !ss)
			return fail(t, "%s: needs containerID, hostID and size",
				    path);
		PUSHF(&t->out->chain, "--%s=%lld:%lld:%lld", option,
		      (long long)c, (long long)h, (long long)s);
	}
	return 0;
}

/* linux.timeOffsets: ns-unshare's --monotonic and --boottime, written
 * before the first process enters the new time namespace */
static int do_time_offsets(struct tr *t, const json_t *to, bool made)
{
	struct argvec *a = &t->out->chain;
	const char *clock;
	json_t *o;

	if (empty(to))
		return 0;
	if (!json_is_object(to))
		return fail(t, "linux.timeOffsets: not an object");
	if (!made)
		return fail(t, "linux.timeOffsets: needs a time namespace of "
			       "its own");
	json_object_foreach((json_t *)to, clock, o)
	{
		char path[64];
		int64_t secs = 0, ns = 0;
		bool set;

		snprintf(path, sizeof(path), "linux.timeOffsets.%.16s", clock);
		if (strcmp(clock, "monotonic") && strcmp(clock, "boottime"))
			return fail(t,
				    "%s: not a clock of a time namespace "
				    "(monotonic, boottime)",
				    path);
		if (keys(t, o, path, timeoff_keys) < 0 ||
		    num(t, o, "secs", path, INT64_MIN / 2, INT64_MAX / 2, &secs,
			&set) < 0 ||
		    num(t, o, "nanosecs", path, 0, 999999999, &ns, &set) < 0)
			return -1;
		if (ns)
			return fail(t,
				    "%s.nanosecs: not supported (whole "
				    "seconds)",
				    path);
		PUSHF(a, "--%s=%lld", clock, (long long)secs);
	}
	return 0;
}

static int do_namespaces(struct tr *t, const json_t *root, const json_t *lx)
{
	json_t *nss = json_object_get(lx, "namespaces"), *n;
	struct argvec enter = {0}, *a = &t->out->chain;
	const char *hn = str(t, root, "hostname", ""),
		   *dn = str(t, root, "domainname", "");
	bool made[ARRAY_LEN_NS] = {0}, any_enter = false;
	char buf[PATH_MAX], path[64];
	size_t i, k;

	if (t->failed)
		return -1;
	if (nss && !json_is_null(nss) && !json_is_array(nss))
		return fail(t, "linux.namespaces: not an array");
	if (argv_push(&enter, tool(t, "ns-enter", buf, sizeof(buf))) < 0 ||
	    argv_push(&enter, "--no-fork") < 0) {
		nomem(t);
		goto bad;
	}
	json_array_foreach(nss, i, n)
	{
		const char *type, *p;

		snprintf(path, sizeof(path), "linux.namespaces[%zu]", i);
		if (keys(t, n, path, ns_keys) < 0)
			goto bad;
		type = str(t, n, "type", path);
		p = str(t, n, "path", path);
		if (t->failed)
			goto bad;
		for (k = 0; k < ARRAY_LEN_NS; k++)
			if (type && strcmp(type, ns_table[k].type) == 0)
				break;
		if (k == ARRAY_LEN_NS) {
			fail(t, "%s.type: '%.32s': not a namespace type", path,
			     type ? type : "");
			goto bad;
		}
		if (made[k]) {
			fail(t, "%s: a second %s namespace", path, type);
			goto bad;
		}
		made[k] = true;
		if (p && *p) {
			/* joining a pid namespace would leave ns-enter's
			 * fork beside the container's first process */
			if (strcmp(type, "pid") == 0 ||
			    strcmp(type, "mount") == 0) {
				fail(t,
				     "%s: joining a %s namespace by path: "
				     "not supported",
				     path, type);
				goto bad;
			}
			if (p[0] != '/') {
				fail(t, "%s.path: '%.64s' is not absolute",
				     path, p);
				goto bad;
			}
			if (argv_pushf(&enter, "--%s=%s", ns_table[k].option,
				       p) < 0) {
				nomem(t);
				goto bad;
			}
			any_enter = true;
			made[k] = false; /* joined, not made */
			continue;
		}
	}
	if (!made[1]) {
		fail(t, "linux.namespaces: no mount namespace of its own: "
			"not supported (pivot never changes the host's)");
		goto bad;
	}
	if (hn && *hn && !made[5]) {
		fail(t, "hostname: needs a uts namespace of its own");
		goto bad;
	}
	if (dn && *dn && !made[5]) {
		fail(t, "domainname: needs a uts namespace of its own");
		goto bad;
	}
	for (i = 0; any_enter && i < enter.n; i++)
		if (argv_push(a, enter.v[i]) < 0) {
			nomem(t);
			goto bad;
		}
	argv_free(&enter);

	PUSH(a, tool(t, "ns-unshare", buf, sizeof(buf)));
	for (k = 0; k < ARRAY_LEN_NS; k++)
		if (made[k])
			PUSHF(a, "--%s", ns_table[k].option);
	/* --detach: once set up, ns-unshare's parent exits and the first
	 * process is left to the engine's subreaper, alone */
	PUSH(a, "--detach");
	PUSHF(a, "--pidfile=%s", t->ctx->pidfile);
	if (made[0]) {
		if (do_idmaps(t, lx, "uidMappings", "map-users") < 0 ||
		    do_idmaps(t, lx, "gidMappings", "map-groups") < 0)
			return -1;
	} else if (!empty(json_object_get(lx, "uidMappings")) ||
		   !empty(json_object_get(lx, "gidMappings"))) {
		return fail(t, "linux.uidMappings: needs a user namespace of "
			       "its own");
	}
	if (hn && *hn)
		PUSHF(a, "--hostname=%s", hn);
	if (dn && *dn)
		PUSHF(a, "--domainname=%s", dn);
	/* linux.sysctl: ns-unshare writes them in the new namespaces, and
	 * refuses a key that belongs to none of them */
	{
		const json_t *sy = json_object_get(lx, "sysctl"), *v;
		const char *k;

		if (sy && !json_is_null(sy) && !json_is_object(sy))
			return fail(t, "linux.sysctl: not an object");
		if (json_is_object(sy))
			json_object_foreach((json_t *)sy, k, v)
			{
				if (!json_is_string(v) ||
				    strchr(json_string_value(v), '\n'))
					return fail(t,
						    "linux.sysctl.%.64s: not "
						    "a one-line string",
						    k);
				PUSHF(a, "--sysctl=%s=%s", k,
				      json_string_value(v));
			}
	}
	if (do_time_offsets(t, json_object_get(lx, "timeOffsets"), made[7]) < 0)
		return -1;
	return 0;
bad:
	argv_free(&enter);
	return -1;
}

/* mounts[] that pivot builds itself, or mounts with its --mount */
static int do_mount(struct tr *t, const json_t *m, size_t i, bool *dev)
{
	const char *dst, *type, *src;
	struct argvec *a = &t->out->chain;
	char path[64], opts[1024] = "", *ed = NULL, *es = NULL;
	const char *ptype;
	bool bind = false, rec = false, copyup = false;
	json_t *ov, *o;
	size_t j;
	int r;

	snprintf(path, sizeof(path), "mounts[%zu]", i);
	if (keys(t, m, path, mount_keys) < 0)
		return -1;
	dst = str(t, m, "destination", path);
	type = str(t, m, "type", path);
	src = str(t, m, "source", path);
	if (!(ov = strings(t, m, "options", path)) || t->failed)
		return -1;
	if (!dst || dst[0] != '/')
		return fail(t, "%s.destination: '%.64s' is not absolute", path,
			    dst ? dst : "");
	json_array_foreach(ov, j, o)
	{
		const char *s = json_string_value(o);
		size_t len = strlen(opts);

		if (strcmp(s, "bind") == 0 || strcmp(s, "rbind") == 0) {
			bind = true;
			rec = rec || s[0] == 'r';
			continue;
		}
		/* tmpcopyup (runc's and crun's): pivot copies the image's
		 * directory into the tmpfs; checked to be one below */
		if (strcmp(s, "tmpcopyup") == 0)
			copyup = true;
		/* crun's and Podman's extensions, not mount options */
		else if (strcmp(s, "copy") == 0 || strcmp(s, "idmap") == 0 ||
			 !strcmp(s, "z") || !strcmp(s, "Z") ||
			 strcmp(s, "U") == 0)
			return fail(t, "%s.options: '%.16s': not supported",
				    path, s);
		if (strchr(s, ','))
			return fail(t, "%s.options[%zu]: '%.64s' holds a comma",
				    path, j, s);
		if (len + strlen(s) + 2 > sizeof(opts))
			return fail(t, "%s.options: too long", path);
		snprintf(opts + len, sizeof(opts) - len, "%s%s", len ? "," : "",
			 s);
	}
	if (type && strcmp(type, "bind") == 0)
		bind = true;
	if (copyup && (bind || !type || strcmp(type, "tmpfs") != 0))
		return fail(t,
			    "%s.options: 'tmpcopyup' on a mount that is no "
			    "tmpfs: not supported",
			    path);
	/* checked here as pivot will, so a bad option is refused before
	 * anything is made */
	{
		struct mount_opts mo;

		if (mount_opts_parse(
			opts, MOUNT_OPT_FLAGS | MOUNT_OPT_PROPAGATION, &mo) < 0)
			return errno == ENOMEM
				   ? nomem(t)
				   : fail(t,
					  "%s.options: '%.64s': not supported",
					  path, mo.bad);
		if (bind && mo.data) {
			fail(t, "%s.options: '%.64s': not one a bind takes",
			     path, mo.data);
			mount_opts_free(&mo);
			return -1;
		}
		mount_opts_free(&mo);
	}
	/* /dev is pivot's: a tmpfs with the nodes the spec asks for
	 * (null zero full random urandom tty, ptmx, fd links) bound from
	 * the host, which a tmpfs given in mounts[] would lack */
	if (!bind && strcmp(dst, "/dev") == 0 && type &&
	    strcmp(type, "tmpfs") == 0) {
		*dev = true;
		return 0;
	}
	if (!bind && (!type || !*type))
		return fail(t, "%s.type: missing", path);
	/* pivot's /dev has /dev/mqueue already, nosuid,nodev,noexec: the
	 * same instance mounted again there is EBUSY */
	if (!bind && *dev && strcmp(dst, "/dev/mqueue") == 0 &&
	    strcmp(type, "mqueue") == 0) {
		for (char *p = opts, *e; *p; p = *e ? e + 1 : e) {
			e = p + strcspn(p, ",");
			if (!((e - p == 6 && !strncmp(p, "nosuid", 6)) ||
			      (e - p == 5 && !strncmp(p, "nodev", 5)) ||
			      (e - p == 6 && !strncmp(p, "noexec", 6))))
				return fail(t,
					    "%s.options: '%.*s' on pivot's "
					    "/dev/mqueue: not supported",
					    path, (int)(e - p), p);
		}
		return 0;
	}
	if (!src || !*src)
		src = bind ? NULL : type;
	if (!src)
		return fail(t, "%s.source: missing for a bind", path);
	ptype = bind ? (rec ? "rbind" : "bind") : type;
	/* cgroup v1 for the container means one mount per hierarchy; the
	 * container gets the unified view (its own cgroup namespace) */
	if (!bind && strcmp(type, "cgroup") == 0) {
		if (!t->ctx->cgroup2)
			return fail(t,
				    "%s: type cgroup on a host without a "
				    "cgroup2 hierarchy: not supported",
				    path);
		ptype = "cgroup2";
		src = "cgroup2";
	}
	if (bind && src[0] != '/') {
		if (asprintf(&es, "%s/%s", t->ctx->bundle, src) < 0)
			return nomem(t);
		src = es;
	}
	ed = esc(dst);
	{
		char *e2 = esc(src);

		free(es);
		es = e2;
	}
	if (!ed || !es)
		r = nomem(t);
	else
		r = argv_pushf(a, "--mount=%s:%s:%s%s%s", ptype, es, ed,
			       *opts ? ":" : "", opts) < 0
			? nomem(t)
			: 0;
	free(ed);
	free(es);
	return r;
}

static int do_root(struct tr *t, const json_t *root, const json_t *lx)
{
	const json_t *r = json_object_get(root, "root"), *ms, *m;
	struct argvec *a = &t->out->chain, tail = {0};
	const char *p, *prop;
	char buf[PATH_MAX];
	bool dev = false;
	size_t i;
	int ok = -1;

	if (!r || keys(t, r, "root", root_keys) < 0)
		return r ? -1 : fail(t, "root: missing");
	p = str(t, r, "path", "root");
	if (!p || !*p)
		return fail(t, "root.path: missing");
	if (p[0] == '/')
		t->out->rootfs = strdup(p);
	else if (asprintf(&t->out->rootfs, "%s/%s", t->ctx->bundle, p) < 0)
		t->out->rootfs = NULL;
	if (!t->out->rootfs)
		return nomem(t);

	/* prestart, createRuntime and createContainer run after the
	 * namespaces are made and before pivot_root: a step of ours there
	 * says so to create (which runs the first two in the runtime
	 * namespace), waits for its go-ahead and the state, runs
	 * createContainer in the container's namespaces with the host's
	 * tree still in view, then execs pivot.  Without such hooks the
	 * chain has no such step. */
	if (t->out->hook_step) {
		PUSH(a, t->ctx->selfexe);
		PUSH(a, "hooks");
		PUSHF(a, "--sync-fd=%d", t->ctx->sync_fd);
		PUSHF(a, "--go-fd=%d", t->ctx->go_fd);
		if (push_hooks(t, a, "createContainer") < 0)
			return -1;
	}
	PUSH(a, tool(t, "pivot", buf, sizeof(buf)));
	/* every boxutils tool after pivot comes from the host */
	PUSH(a, "--host-prog");
	PUSH(a, "--no-proc");
	PUSH(a, "--no-sys");
	PUSH(a, "--no-mask");
	if (json_is_true(json_object_get(r, "readonly")))
		PUSH(a, "--ro");
	prop = str(t, lx, "rootfsPropagation", "linux");
	if (prop && (strcmp(prop, "slave") == 0 || strcmp(prop, "rslave") == 0))
		PUSH(a, "--propagation=slave");
	else if (prop && *prop && strcmp(prop, "private") &&
		 strcmp(prop, "rprivate"))
		return fail(t,
			    "linux.rootfsPropagation: '%.32s': not supported "
			    "(private or slave)",
			    prop);
	ms = json_object_get(root, "mounts");
	if (ms && !json_is_null(ms) && !json_is_array(ms))
		return fail(t, "mounts: not an array");
	/* pivot's /dev first, then the mounts in their order */
	json_array_foreach(ms, i, m) if (do_mount(t, m, i, &dev) < 0) goto out;
	if (!dev)
		PUSH(a, "--no-dev");
	if (make_nodes(t, lx, a) < 0)
		goto out;
	for (int ro = 0; ro < 2; ro++) {
		const char *key = ro ? "readonlyPaths" : "maskedPaths";
		json_t *l = strings(t, lx, key, "linux"), *e;

		if (!l)
			goto out;
		json_array_foreach(l, i, e)
		{
			const char *s = json_string_value(e);

			if (s[0] != '/') {
				fail(t,
				     "linux.%s[%zu]: '%.64s' is not "
				     "absolute",
				     key, i, s);
				goto out;
			}
			if (argv_pushf(&tail, "--%s=%s",
				       ro ? "ro-path" : "mask", s) < 0) {
				nomem(t);
				goto out;
			}
		}
	}
	for (i = 0; i < tail.n; i++)
		if (argv_push(a, tail.v[i]) < 0) {
			nomem(t);
			goto out;
		}
	if (argv_push(a, t->out->rootfs) < 0) {
		nomem(t);
		goto out;
	}
	ok = 0;
out:
	argv_free(&tail);
	return ok;
}

/* Equal as sets of names (case and the CAP_ prefix aside). */
/* every capability of x is in y */
static bool sub_caps(const json_t *x, const json_t *y)
{
	size_t i, j;
	json_t *e, *f;

	json_array_foreach(x, i, e)
	{
		const char *s = json_string_value(e);
		bool found = false;

		json_array_foreach(
		    y, j, f) if (strcasecmp(s, json_string_value(f)) == 0)
		    found = true;
		if (!found)
			return false;
	}
	return true;
}

static bool same_caps(const json_t *x, const json_t *y)
{
	return json_array_size(x) == json_array_size(y) && sub_caps(x, y);
}

static int join_caps(struct tr *t, const json_t *l, char *out, size_t n)
{
	size_t i, len = 0;
	json_t *e;

	out[0] = '\0';
	json_array_foreach(l, i, e)
	{
		const char *s = json_string_value(e);

		if (strchr(s, ',') || !*s)
			return fail(t,
				    "process.capabilities: '%.32s' is not "
				    "a capability name",
				    s);
		if (len + strlen(s) + 2 > n)
			return fail(t, "process.capabilities: too many");
		len += (size_t)snprintf(out + len, n - len, "%s%s",
					len ? "," : "", s);
	}
	return 0;
}

/* sys-filter reads the profile through an fd open across the chain:
 * after pivot the state directory is out of reach; so does its cache
 * (the program built from a profile seen before is loaded, not built
 * again), which sys-filter takes as a descriptor given by number */
static int push_filter(struct tr *t)
{
	char buf[PATH_MAX];

	PUSH(&t->out->chain, tool(t, "sys-filter", buf, sizeof(buf)));
	PUSHF(&t->out->chain, "--profile=/proc/self/fd/%d", t->ctx->seccomp_fd);
	if (t->ctx->sfcache_fd > 2)
		PUSHF(&t->out->chain, "--cache=/dev/fd/%d", t->ctx->sfcache_fd);
	return 0;
}

/* the index of name in a NULL-terminated table, or -1 */
static int name_index(const char *const *table, const char *name)
{
	for (int i = 0; name && table[i]; i++)
		if (strcmp(table[i], name) == 0)
			return i;
	return -1;
}

/* process.ioPriority, process.scheduler and linux.personality: options
 * of box-runtime init, which sets them on itself before the exec */
static int do_sched(struct tr *t, const json_t *proc, struct argvec *a)
{
	const json_t *o = json_object_get(proc, "ioPriority");
	const char *P;
	int64_t v;
	bool set;

	if (!empty(o)) {
		static const char *const classes[] = {
		    "IOPRIO_CLASS_NONE", "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
		    "IOPRIO_CLASS_IDLE", NULL};
		const char *cl;
		int c;

		P = "process.ioPriority";
		if (keys(t, o, P, ioprio_keys) < 0 ||
		    num(t, o, "priority", P, 0, 7, &v, &set) < 0)
			return -1;
		cl = str(t, o, "class", P);
		if ((c = name_index(classes, cl)) <= 0)
			return t->failed ? -1
					 : fail(t,
						"%s.class: '%.32s': not "
						"IOPRIO_CLASS_RT, _BE or "
						"_IDLE",
						P, cl ? cl : "");
		PUSHF(a, "--ioprio=%d:%lld", c, set ? (long long)v : 0LL);
	}
	o = json_object_get(proc, "scheduler");
	if (!empty(o)) {
		int64_t nice = 0, prio = 0, rt = 0, dl = 0, per = 0;
		unsigned long long flags = 0;
		const char *pol;
		json_t *fl, *f;
		size_t i;
		int p;

		P = "process.scheduler";
		if (keys(t, o, P, sched_keys) < 0 ||
		    num(t, o, "nice", P, -20, 19, &nice, &set) < 0 ||
		    num(t, o, "priority", P, 0, 99, &prio, &set) < 0 ||
		    num(t, o, "runtime", P, 0, INT64_MAX, &rt, &set) < 0 ||
		    num(t, o, "deadline", P, 0, INT64_MAX, &dl, &set) < 0 ||
		    num(t, o, "period", P, 0, INT64_MAX, &per, &set) < 0 ||
		    !(fl = strings(t, o, "flags", P)))
			return -1;
		pol = str(t, o, "policy", P);
		if ((p = name_index(sched_policies, pol)) < 0)
			return t->failed ? -1
					 : fail(t,
						"%s.policy: '%.32s': not a "
						"scheduling policy",
						P, pol ? pol : "");
		if (p == 4)
			return fail(t,
				    "%s.policy: SCHED_ISO: not in the "
				    "Linux kernel",
				    P);
		json_array_foreach(fl, i, f)
		{
			int k = name_index(sched_flags, json_string_value(f));

			if (k < 0)
				return fail(t,
					    "%s.flags[%zu]: '%.32s': not a "
					    "scheduling flag",
					    P, i, json_string_value(f));
			/* SCHED_FLAG_UTIL_CLAMP_MIN and _MAX are bits 5
			 * and 6, like the rest in table order */
			flags |= 1ULL << k;
		}
		PUSHF(a, "--sched=%d:%lld:%lld:%llu:%lld:%lld:%lld", p,
		      (long long)nice, (long long)prio, flags, (long long)rt,
		      (long long)dl, (long long)per);
	}
	o = t->lx ? json_object_get(t->lx, "personality") : NULL;
	if (!empty(o)) {
		const char *dom;

		P = "linux.personality";
		if (keys(t, o, P, personality_keys) < 0)
			return -1;
		dom = str(t, o, "domain", P);
		if (t->failed)
			return -1;
		if (!dom || (strcmp(dom, "LINUX") && strcmp(dom, "LINUX32")))
			return fail(t,
				    "%s.domain: '%.32s': not LINUX or "
				    "LINUX32",
				    P, dom ? dom : "");
		if (!empty(json_object_get(o, "flags")))
			return fail(t, "%s.flags: not supported", P);
		PUSHF(a, "--personality=%s", dom);
	}
	return 0;
}

static int do_process(struct tr *t, const json_t *proc)
{
	struct argvec *a = &t->out->chain;
	const json_t *u, *caps, *rl, *e;
	json_t *l[5];
	char buf[PATH_MAX], list[2048];
	const char *cwd;
	int64_t uid = 0, gid = 0, um, oom;
	bool set, uset = false, nnp, nonroot;
	size_t i;

	if (!proc || keys(t, proc, "process", process_keys) < 0)
		return proc ? -1 : fail(t, "process: missing");
	t->out->terminal = json_is_true(json_object_get(proc, "terminal"));
	if (t->out->terminal && t->ctx->console_fd < 0)
		return fail(t, "process.terminal: needs --console-socket");
	if (!t->out->terminal && t->ctx->console_fd >= 0)
		return fail(t, "--console-socket: process.terminal is false");
	{
		const json_t *cs = json_object_get(proc, "consoleSize");
		int64_t h = 0, w = 0;
		bool hs, ws;

		if (cs && !json_is_null(cs) &&
		    (keys(t, cs, "process.consoleSize", console_keys) < 0 ||
		     num(t, cs, "height", "process.consoleSize", 0, 65535, &h,
			 &hs) < 0 ||
		     num(t, cs, "width", "process.consoleSize", 0, 65535, &w,
			 &ws) < 0))
			return -1;
		t->out->rows = (unsigned short)h;
		t->out->cols = (unsigned short)w;
	}

	nnp = json_is_true(json_object_get(proc, "noNewPrivileges"));
	/* Without no_new_privs only CAP_SYS_ADMIN may load a filter: then
	 * sys-filter goes before cap-drop (the profile must allow what
	 * cap-drop calls, as Docker's does), else after it. */
	if (t->out->seccomp && !nnp && push_filter(t) < 0)
		return -1;
	/* cap-drop: user, groups, the capability sets, no_new_privs */
	PUSH(a, tool(t, "cap-drop", buf, sizeof(buf)));
	u = json_object_get(proc, "user");
	if (u && !json_is_null(u)) {
		json_t *g, *ge;

		if (keys(t, u, "process.user", user_keys) < 0 ||
		    num(t, u, "uid", "process.user", 0, UINT32_MAX - 1, &uid,
			&uset) < 0 ||
		    num(t, u, "gid", "process.user", 0, UINT32_MAX - 1, &gid,
			&set) < 0)
			return -1;
		g = json_object_get(u, "additionalGids");
		if (g && !json_is_null(g) && !json_is_array(g))
			return fail(t, "process.user.additionalGids: not an "
				       "array");
		list[0] = '\0';
		json_array_foreach(g, i, ge)
		{
			size_t len = strlen(list);

			if (!json_is_integer(ge) ||
			    json_integer_value(ge) < 0 ||
			    json_integer_value(ge) >= UINT32_MAX)
				return fail(t,
					    "process.user.additionalGids[%zu]"
					    ": not a group id",
					    i);
			if (len + 16 > sizeof(list))
				return fail(t, "process.user.additionalGids: "
					       "too many");
			snprintf(list + len, sizeof(list) - len, "%s%lld",
				 len ? "," : "",
				 (long long)json_integer_value(ge));
		}
		PUSHF(a, "--user=%lld:%lld", (long long)uid, (long long)gid);
		if (*list)
			PUSHF(a, "--groups=%s", list);
		else
			PUSH(a, "--clear-groups");
	}
	caps = json_object_get(proc, "capabilities");
	if (caps && !json_is_null(caps)) {
		if (keys(t, caps, "process.capabilities", caps_keys) < 0)
			return -1;
		for (i = 0; i < 5; i++)
			if (!(l[i] = strings(t, caps, caps_keys[i],
					     "process.capabilities")))
				return -1;
		/* cap-drop keeps one set as bounding, permitted and
		 * effective, and raises the ambient ones (inheritable =
		 * ambient) */
		/* A program of a uid other than 0 loses its permitted and
		 * effective sets at execve but for the ambient ones (and
		 * may regain up to the bounding set from setuid or file
		 * capabilities): narrower effective and permitted sets,
		 * as Podman sends for --user, end up the same there. */
		nonroot = uset && uid != 0;
		if (nonroot ? !sub_caps(l[1], l[0]) || !sub_caps(l[3], l[0]) ||
				  !sub_caps(l[4], l[3])
			    : !same_caps(l[0], l[1]) || !same_caps(l[0], l[3]))
			return fail(t, "process.capabilities: effective and "
				       "permitted differ from bounding: not "
				       "supported");
		if (json_array_size(l[2]) && !same_caps(l[2], l[4]))
			return fail(t, "process.capabilities.inheritable: "
				       "differs from ambient: not supported");
		if (join_caps(t, l[0], list, sizeof(list)) < 0)
			return -1;
		PUSHF(a, "--caps=%s", *list ? list : "none");
		if (json_array_size(l[4])) {
			if (join_caps(t, l[4], list, sizeof(list)) < 0)
				return -1;
			PUSHF(a, "--ambient=%s", list);
		}
	} else {
		PUSH(a, "--caps=none");
	}
	if (nnp)
		PUSH(a, "--no-new-privs");
	{
		const char *aa = str(t, proc, "apparmorProfile", "process"),
			   *se = str(t, proc, "selinuxLabel", "process");

		if (t->failed)
			return -1;
		if (aa && *aa)
			PUSHF(a, "--apparmor-profile=%s", aa);
		if (se && *se)
			PUSHF(a, "--selinux-label=%s", se);
	}
	if (t->out->seccomp && nnp && push_filter(t) < 0)
		return -1;

	/* box-runtime init: rlimits, oom score, cwd, the wait, env, umask */
	PUSH(a, t->ctx->selfexe);
	PUSH(a, "init");
	/* a pty of the container's own devpts, made by init, its master
	 * sent over the console socket create connected to */
	if (t->out->terminal) {
		PUSHF(a, "--console-fd=%d", t->ctx->console_fd);
		if (t->out->rows && t->out->cols)
			PUSHF(a, "--console-size=%u:%u", t->out->rows,
			      t->out->cols);
	}
	/* create: both; exec: only the sync pipe (its process runs at
	 * once, but exec returns only once it is in the container) */
	if (t->ctx->fifo_fd >= 0)
		PUSHF(a, "--fifo-fd=%d", t->ctx->fifo_fd);
	if (t->ctx->sync_fd >= 0)
		PUSHF(a, "--sync-fd=%d", t->ctx->sync_fd);
	if (t->ctx->stderr_fd > 2)
		PUSHF(a, "--stderr-fd=%d", t->ctx->stderr_fd);
	/* startContainer runs here, after start and before the payload;
	 * start waits for init's report on --started-fd (poststart too:
	 * it runs once the payload is exec'd) */
	if (t->out->start_wait) {
		PUSHF(a, "--started-fd=%d", t->ctx->started_fd);
		if (push_hooks(t, a, "startContainer") < 0)
			return -1;
	}
	cwd = str(t, proc, "cwd", "process");
	if (t->failed)
		return -1;
	if (!cwd || cwd[0] != '/')
		return fail(t, "process.cwd: '%.64s' is not absolute",
			    cwd ? cwd : "");
	PUSHF(a, "--cwd=%s", cwd);
	if (u && !json_is_null(u)) {
		if (num(t, u, "umask", "process.user", 0, 0777, &um, &set) < 0)
			return -1;
		if (set)
			PUSHF(a, "--umask=%04llo", (unsigned long long)um);
	}
	if (num(t, proc, "oomScoreAdj", "process", -1000, 1000, &oom, &set) < 0)
		return -1;
	if (set)
		PUSHF(a, "--oom-score-adj=%lld", (long long)oom);
	if (do_sched(t, proc, a) < 0)
		return -1;
	rl = json_object_get(proc, "rlimits");
	if (rl && !json_is_null(rl) && !json_is_array(rl))
		return fail(t, "process.rlimits: not an array");
	json_array_foreach(rl, i, e)
	{
		char path[64];
		const char *type;
		int64_t soft, hard;
		bool ss, hs;
		size_t k;

		snprintf(path, sizeof(path), "process.rlimits[%zu]", i);
		if (keys(t, e, path, rlimit_keys) < 0)
			return -1;
		type = str(t, e, "type", path);
		if (num(t, e, "soft", path, 0, INT64_MAX, &soft, &ss) < 0 ||
		    num(t, e, "hard", path, 0, INT64_MAX, &hard, &hs) < 0)
			return -1;
		for (k = 0; k < sizeof(rlimit_names) / sizeof(*rlimit_names);
		     k++)
			if (type && strcmp(type, rlimit_names[k]) == 0)
				break;
		if (k == sizeof(rlimit_names) / sizeof(*rlimit_names))
			return fail(t, "%s.type: '%.32s': not a resource limit",
				    path, type ? type : "");
		if (!ss || !hs || soft > hard)
			return fail(t, "%s: needs soft <= hard", path);
		PUSHF(a, "--rlimit=%s=%lld:%lld", type + 7, (long long)soft,
		      (long long)hard);
	}
	{
		json_t *env = strings(t, proc, "env", "process"), *args;

		if (!env)
			return -1;
		json_array_foreach(env, i, e)
		{
			if (!strchr(json_string_value(e), '='))
				return fail(t, "process.env[%zu]: no '='", i);
			PUSHF(a, "--env=%s", json_string_value(e));
		}
		args = strings(t, proc, "args", "process");
		if (!args)
			return -1;
		if (json_array_size(args) == 0)
			return fail(t, "process.args: empty");
		PUSH(a, "--");
		json_array_foreach(args, i, e) PUSH(a, json_string_value(e));
	}
	return 0;
}

int oci_translate(const char *text, size_t len, const struct oci_ctx *ctx,
		  struct oci_chain *out, char *err, size_t errsz)
{
	struct tr t = {.ctx = ctx, .out = out, .err = err, .errsz = errsz};
	const json_t *lx, *sc, *an;
	json_error_t je;
	json_t *root;
	const char *ver;
	int r = -1;

	*out = (struct oci_chain){0};
	err[0] = '\0';
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		fail(&t, "line %d column %d: %.120s", je.line, je.column,
		     je.text);
		return -1;
	}
	if (keys(&t, root, "", top_keys) < 0)
		goto out;
	ver = str(&t, root, "ociVersion", "");
	if (t.failed)
		goto out;
	if (!ver || strncmp(ver, "1.", 2) != 0) {
		fail(&t, "ociVersion: '%.32s': not a 1.x version",
		     ver ? ver : "");
		goto out;
	}
	if (!(out->oci_version = strdup(ver))) {
		nomem(&t);
		goto out;
	}
	an = json_object_get(root, "annotations");
	if (an && !json_is_null(an) && !json_is_object(an)) {
		fail(&t, "annotations: not an object");
		goto out;
	}
	out->annotations =
	    an && json_is_object(an) ? json_dumps(an, JSON_COMPACT) : NULL;
	lx = json_object_get(root, "linux");
	if (!lx || keys(&t, lx, "linux", linux_keys) < 0) {
		if (!lx)
			fail(&t, "linux: missing");
		goto out;
	}
	sc = json_object_get(lx, "seccomp");
	if (!empty(sc)) {
		if (!json_is_object(sc)) {
			fail(&t, "linux.seccomp: not an object");
			goto out;
		}
		if (!ctx->have_sys_filter) {
			fail(&t, "linux.seccomp: sys-filter is not installed "
				 "beside box-runtime");
			goto out;
		}
		out->seccomp = json_dumps(sc, JSON_COMPACT);
		if (!out->seccomp) {
			nomem(&t);
			goto out;
		}
	}
	t.lx = lx;
	if (do_hooks(&t, root) < 0 || do_resources(&t, lx) < 0 ||
	    do_namespaces(&t, root, lx) < 0 || do_root(&t, root, lx) < 0 ||
	    do_process(&t, json_object_get(root, "process")) < 0)
		goto out;
	r = 0;
out:
	json_decref(root);
	return r;
}

int oci_translate_update(const char *text, size_t len,
			 const struct oci_ctx *ctx, struct argvec *out,
			 char *err, size_t errsz)
{
	struct oci_chain dummy = {0};
	struct tr t = {.ctx = ctx, .out = &dummy, .err = err, .errsz = errsz};
	json_error_t je;
	json_t *res;
	int r;

	err[0] = '\0';
	res = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!res) {
		snprintf(err, errsz, "resources: line %d column %d: %.120s",
			 je.line, je.column, je.text);
		one_line(err);
		return -1;
	}
	r = push_limits(&t, res, out);
	json_decref(res);
	oci_chain_free(&dummy);
	return r;
}

int oci_translate_exec(const char *text, size_t len, const struct oci_ctx *ctx,
		       int pid, bool seccomp, struct oci_chain *out, char *err,
		       size_t errsz)
{
	struct tr t = {.ctx = ctx, .out = out, .err = err, .errsz = errsz};
	char buf[PATH_MAX];
	json_error_t je;
	json_t *proc;
	int r = -1;

	*out = (struct oci_chain){0};
	err[0] = '\0';
	proc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!proc) {
		snprintf(err, errsz, "process: line %d column %d: %.120s",
			 je.line, je.column, je.text);
		one_line(err);
		return -1;
	}
	if (seccomp && !(out->seccomp = strdup("")))
		goto out;
	/* the container's namespaces (every one that differs from ours)
	 * and its cgroups; then the same steps as create's payload */
	if (argv_push(&out->chain, tool(&t, "ns-enter", buf, sizeof(buf))) <
		0 ||
	    argv_pushf(&out->chain, "--target=%d", pid) < 0 ||
	    argv_push(&out->chain, "--all") < 0 ||
	    argv_push(&out->chain, "--join-cgroup") < 0) {
		nomem(&t);
		goto out;
	}
	if (do_process(&t, proc) == 0)
		r = 0;
out:
	json_decref(proc);
	if (r < 0 && !*err)
		snprintf(err, errsz, "process: out of memory");
	return r;
}

/* --- spec, features ------------------------------------------------------ */

static const char default_spec[] =
    "{\n"
    "  \"ociVersion\": \"1.0.2\",\n"
    "  \"process\": {\n"
    "    \"terminal\": false,\n"
    "    \"user\": {\"uid\": 0, \"gid\": 0},\n"
    "    \"args\": [\"sh\"],\n"
    "    \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
    "/usr/bin:/sbin:/bin\", \"TERM=xterm\"],\n"
    "    \"cwd\": \"/\",\n"
    "    \"capabilities\": {\n"
    "      \"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
    "\"CAP_NET_BIND_SERVICE\"],\n"
    "      \"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
    "\"CAP_NET_BIND_SERVICE\"],\n"
    "      \"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
    "\"CAP_NET_BIND_SERVICE\"]\n"
    "    },\n"
    "    \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, "
    "\"soft\": 1024}],\n"
    "    \"noNewPrivileges\": true\n"
    "  },\n"
    "  \"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
    "  \"hostname\": \"box\",\n"
    "  \"mounts\": [\n"
    "    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
    "\"proc\"},\n"
    "    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": "
    "\"tmpfs\", \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", "
    "\"size=65536k\"]},\n"
    "    {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": "
    "\"devpts\", \"options\": [\"nosuid\", \"noexec\", \"newinstance\", "
    "\"ptmxmode=0666\", \"mode=0620\"]},\n"
    "    {\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": "
    "\"shm\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", "
    "\"mode=1777\", \"size=65536k\"]},\n"
    "    {\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", "
    "\"source\": \"mqueue\", \"options\": [\"nosuid\", \"noexec\", "
    "\"nodev\"]},\n"
    "    {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": "
    "\"sysfs\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", "
    "\"ro\"]},\n"
    "    {\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", "
    "\"source\": \"cgroup\", \"options\": [\"nosuid\", \"noexec\", "
    "\"nodev\", \"relatime\", \"ro\"]}\n"
    "  ],\n"
    "  \"linux\": {\n"
    "    \"resources\": {},\n"
    "    \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, "
    "{\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, "
    "{\"type\": \"cgroup\"}],\n"
    "    \"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", "
    "\"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\", "
    "\"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", "
    "\"/sys/firmware\", \"/proc/scsi\"],\n"
    "    \"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", "
    "\"/proc/sys\", \"/proc/sysrq-trigger\"]\n"
    "  }\n"
    "}\n";

char *oci_default_spec(void)
{
	return strdup(default_spec);
}

/* The capabilities by number, as features lists them (the kernel's
 * names; cap-drop takes the same through libcap). */
static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
    NULL,
};

char *oci_features(void)
{
	json_t *f = json_object(), *a;
	char *s;

	if (!f)
		return NULL;
	json_object_set_new(f, "ociVersionMin", json_string("1.0.0"));
	json_object_set_new(f, "ociVersionMax", json_string("1.1.0"));
	a = json_array();
	for (size_t i = 0; hook_keys[i]; i++)
		json_array_append_new(a, json_string(hook_keys[i]));
	json_object_set_new(f, "hooks", a);
	a = json_array();
	for (const char *const *o =
		 (const char *const[]){
		     "bind",	    "rbind",	  "ro",		 "rw",
		     "nosuid",	    "suid",	  "nodev",	 "dev",
		     "noexec",	    "exec",	  "relatime",	 "norelatime",
		     "strictatime", "noatime",	  "nodiratime",	 "private",
		     "rprivate",    "slave",	  "rslave",	 "shared",
		     "rshared",	    "unbindable", "runbindable", NULL};
	     *o; o++)
		json_array_append_new(a, json_string(*o));
	json_object_set_new(f, "mountOptions", a);
	{
		json_t *l = json_object(), *ns = json_array();

		for (size_t i = 0; i < ARRAY_LEN_NS; i++)
			json_array_append_new(ns,
					      json_string(ns_table[i].type));
		json_object_set_new(l, "namespaces", ns);
		json_object_set_new(l, "capabilities", a = json_array());
		for (size_t i = 0; cap_names[i]; i++)
			json_array_append_new(a, json_string(cap_names[i]));
		json_object_set_new(l, "cgroup",
				    json_pack("{s:b,s:b,s:b,s:b}", "v1", 1,
					      "v2", 1, "systemd", 0,
					      "systemdUser", 0));
		json_object_set_new(
		    l, "seccomp",
		    json_pack("{s:b,s:[ssssssss],s:[sssssss],s:[sssssssss]}",
			      "enabled", 1, "actions", "SCMP_ACT_ALLOW",
			      "SCMP_ACT_ERRNO", "SCMP_ACT_KILL",
			      "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
			      "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
			      "operators", "SCMP_CMP_EQ", "SCMP_CMP_GE",
			      "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
			      "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", "archs",
			      "SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
			      "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64",
			      "SCMP_ARCH_ARM", "SCMP_ARCH_PPC64LE",
			      "SCMP_ARCH_S390X", "SCMP_ARCH_RISCV64",
			      "SCMP_ARCH_MIPS64"));
		/* cap-drop writes the labels; the kernel says at create
		 * whether that LSM is there */
		json_object_set_new(l, "apparmor",
				    json_pack("{s:b}", "enabled", 1));
		json_object_set_new(l, "selinux",
				    json_pack("{s:b}", "enabled", 1));
		json_object_set_new(f, "linux", l);
	}
	s = json_dumps(f, JSON_INDENT(2));
	json_decref(f);
	return s;
}
