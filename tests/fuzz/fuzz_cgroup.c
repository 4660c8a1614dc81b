/*
 * fuzz_cgroup - libFuzzer harness for the pure parts of the cgroup
 * modules (common/cgpath.c, common/cglimits.c): cgroup paths users type, and the limit table's converters (--memory,
 * --cpus, --cpuset, --io-max, --set ...) on a hybrid and a pure v2 host
 * described in memory (no file system is touched, except stat() of a
 * /dev path given to --io-max).
 *
 * Properties, each an abort() when broken:
 *   - an accepted path has no empty, "." or ".." component, no control
 *     character, no trailing '/', and joined below the caller's own
 *     cgroup (cg_rel) it stays below it once cleaned lexically;
 *   - every write a plan makes goes to a file named CONTROLLER.NAME (no
 *     '/', no "..") of a controller bound to the hierarchy it goes to;
 *     the friendly converters write one printable line; a refusal is
 *     marked as bad usage with a message;
 *   - a "CONTROLLERS:PATH" spec (-g) that is accepted reads as one
 *     (cg_is_spec), names only real hierarchies, and its path is the
 *     text after the first ':' and passes cg_check_path; an octal mode
 *     (-d, -f, -s) that is accepted is at most 0777.
 */
#include "cgroup.h"
#include "resolve.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct cg_sys hybrid, pure;

static void add(struct cg_sys *s, bool v2, unsigned ctrls, const char *mnt)
{
	struct cg_hier *h = &s->h[s->n];

	h->v2 = v2;
	h->ctrls = ctrls;
	snprintf(h->mnt, sizeof(h->mnt), "%s", mnt);
	snprintf(h->self, sizeof(h->self), "user.slice/box");
	h->has_self = true;
	if (v2)
		s->v2 = s->n;
	s->n++;
}

#define B(c) (1u << (c))

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	hybrid.v2 = pure.v2 = -1;
	add(&hybrid, false, B(CG_CPU) | B(CG_CPUACCT), "/nonexistent/cpu");
	add(&hybrid, false, B(CG_MEMORY), "/nonexistent/memory");
	add(&hybrid, false, B(CG_PIDS), "/nonexistent/pids");
	add(&hybrid, false, B(CG_CPUSET), "/nonexistent/cpuset");
	add(&hybrid, false, B(CG_BLKIO), "/nonexistent/blkio");
	add(&hybrid, false, 0, "/nonexistent/systemd");
	add(&hybrid, true, B(CG_HUGETLB), "/nonexistent/unified");
	add(&pure, true,
	    B(CG_CPU) | B(CG_MEMORY) | B(CG_PIDS) | B(CG_CPUSET) | B(CG_IO) |
		    B(CG_HUGETLB) | B(CG_MISC) | B(CG_RDMA),
	    "/nonexistent");
	return 0;
}

static void check_path(const char *s, bool relative)
{
	struct cg_err e;
	char rel[CG_PATH_MAX + 2], clean[CG_PATH_MAX + 2];
	const char *p;

	memset(&e, 0, sizeof(e));
	if (cg_check_path(s, relative, &e) < 0) {
		if (!e.usage || !e.what[0])
			abort();
		return;
	}
	if (!*s || strlen(s) >= CG_PATH_MAX / 2 || (relative && *s == '/'))
		abort();
	p = *s == '/' ? s + 1 : s;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			abort();
	if (strstr(p, "//") || p[0] == '/' || p[strlen(p) - 1] == '/' ||
	    !strcmp(p, ".") || !strcmp(p, "..") || !strncmp(p, "./", 2) ||
	    !strncmp(p, "../", 3) || strstr(p, "/./") || strstr(p, "/../") ||
	    (strlen(p) >= 2 && !strcmp(p + strlen(p) - 2, "/.")) ||
	    (strlen(p) >= 3 && !strcmp(p + strlen(p) - 3, "/..")))
		abort();
	/* below the caller's own cgroup, and still there once cleaned */
	rel[0] = '/';
	if (cg_rel(&hybrid.h[0], true, s, rel + 1, sizeof(rel) - 1, &e) < 0)
		return;
	if (resolve_clean(rel, clean, sizeof(clean)) == 0 &&
	    (strcmp(clean, rel) ||
	     strncmp(clean, "/user.slice/box/", 16)))
		abort();
}

static void check_write(const struct cg_sys *s, const struct cg_write *w,
			bool raw)
{
	const struct cg_hier *h;
	size_t pre;
	int c;

	if (w->hier < 0 || w->hier >= s->n)
		abort();
	h = &s->h[w->hier];
	if (strchr(w->file, '/') || strstr(w->file, "..") || w->file[0] == '.' ||
	    !strchr(w->file, '.'))
		abort();
	pre = strcspn(w->file, ".");
	if (!strncmp(w->file, "cgroup.", 7)) {
		if (!h->v2)
			abort();
	} else {
		c = cg_ctrl_by_name(w->file, pre);
		if (c < 0 || !(h->ctrls & B(c)))
			abort();
	}
	if (raw)
		return;
	for (const char *v = w->value; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			abort();
	if (!w->value[0])
		abort();
}

/*
 * Input: requests separated by '\n', each "OPTIDX ARG": the first byte
 * chooses the limit row, the rest is its argument.
 */
static void check_plan(const struct cg_sys *s, char *in)
{
	static struct cg_plan p;
	struct cg_err e;
	int nlim = 0;
	char *save = NULL;

	while (cg_limits[nlim].option)
		nlim++;
	memset(&p, 0, sizeof(p));
	memset(&e, 0, sizeof(e));
	for (char *t = strtok_r(in, "\n", &save); t;
	     t = strtok_r(NULL, "\n", &save)) {
		const struct cg_limit *l = &cg_limits[(unsigned char)t[0] % nlim];

		if (cg_limit_by_option(l->option) != l)
			abort();
		if (cg_plan_request(&p, l, t + 1, &e) < 0)
			return;
	}
	if (cg_plan_build(&p, s, &e) < 0) {
		if (!e.what[0])
			abort();
		return;
	}
	if (p.nw < 0 || p.nw > CG_MAX_WRITE)
		abort();
	for (int i = 0; i < p.nw; i++) {
		bool raw = false;

		/* --set values are the user's own bytes */
		for (int r = 0; r < p.nreq; r++)
			if (!strcmp(p.req[r].lim->option, "set"))
				raw = true;
		check_write(s, &p.w[i], raw);
	}
}

static void check_spec(const struct cg_sys *s, const char *in)
{
	struct cg_target t;
	struct cg_err e;
	int mode = -1;

	memset(&e, 0, sizeof(e));
	if (cg_parse_spec(s, in, true, &t, &e) < 0) {
		if (!e.usage || !e.what[0])
			abort();
	} else {
		if (!cg_is_spec(in) || t.path != strchr(in, ':') + 1 ||
		    !t.hiers || (t.hiers >> s->n) ||
		    cg_check_path(t.path, true, &e) < 0)
			abort();
		for (int i = 0; i < s->n; i++)
			if ((t.hiers & (1u << i)) && !cg_hier_real(&s->h[i]))
				abort();
	}
	if (cg_parse_mode("-d", in, &mode, &e) == 0 &&
	    (mode < 0 || mode > 0777 || strspn(in, "01234567") != strlen(in)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *t;

	if (size > 2048)
		return 0;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	check_path(s, false);
	check_path(s, true);
	check_spec(&hybrid, s);
	check_spec(&pure, s);
	t = strdup(s);
	check_plan(&hybrid, t);
	free(t);
	check_plan(&pure, s);
	free(s);
	return 0;
}
