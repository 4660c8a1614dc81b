/*
 * fuzz_oci - libFuzzer harness for the config.json reader and translator
 * in common/oci.c, the part of box-runtime that reads a bundle's
 * (possibly hostile) config.
 *
 * Properties, each an abort() when broken:
 *   - any bytes are read without touching memory outside them (ASan);
 *   - a refusal is one line starting "config.json: ", within the buffer;
 *   - an accepted config gives a chain that starts with cg-exec, holds
 *     pivot and ends in "box-runtime init ... -- ARGS", every word a
 *     NUL-terminated string, the vector NULL-terminated; the same input
 *     translated twice gives the same chain;
 *   - the `box-runtime hooks` step is before pivot exactly when the
 *     config has prestart, createRuntime or createContainer hooks, and
 *     init has --started-fd exactly when start must wait for it;
 *   - every --device rule given to cg-create (or to cg-set by update)
 *     is one cg-create accepts: config.json cannot make the runtime
 *     pass on a rule that would fail only when the cgroup is made;
 *   - the same bytes read as exec's process.json and as update's
 *     resources fail with one line or give NULL-terminated vectors.
 */
#include "cgroup.h"
#include "oci.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct oci_ctx ctx = {
    .bindir = "/usr/bin",
    .bundle = "/bundle",
    .id = "fuzz",
    .pidfile = "/run/box-runtime/fuzz/pid",
    .selfexe = "/usr/bin/box-runtime",
    .fifo_fd = 3,
    .sync_fd = 4,
    .seccomp_fd = 5,
    .console_fd = -1,
    .go_fd = 7,
    .started_fd = 8,
    .sfcache_fd = 10,
    .cgroup2 = true,
    .have_sys_filter = true,
};

/* a hybrid host: the same input through the v1 names of each field */
static struct oci_ctx hybrid;
static void check_rules(const struct argvec *a)
{
	struct cg_devrule r;
	struct cg_err e;

	/* options only: the cgroup path follows "--" */
	for (size_t i = 0; i < a->n && strcmp(a->v[i], "--"); i++)
		if (strncmp(a->v[i], "--device=", 9) == 0 &&
		    cg_device_parse(a->v[i] + 9, &r, &e) < 0)
			abort();
}

static void check_chain(const struct oci_chain *c)
{
	bool init = false, pivot = false, dashdash = false, step = false,
	     started = false;

	if (!c->chain.v || c->chain.v[c->chain.n] != NULL || c->chain.n < 4)
		abort();
	if (strcmp(c->chain.v[0], "/usr/bin/cg-exec") != 0)
		abort();
	for (size_t i = 0; i < c->chain.n; i++) {
		const char *w = c->chain.v[i];

		if (!w)
			abort();
		if (strcmp(w, "/usr/bin/pivot") == 0)
			pivot = true;
		if (strcmp(w, "/usr/bin/box-runtime") == 0 && pivot)
			init = true;
		if (strcmp(w, "/usr/bin/box-runtime") == 0 && !pivot &&
		    (step || i + 1 >= c->chain.n ||
		     strcmp(c->chain.v[i + 1], "hooks") != 0))
			abort();
		if (strcmp(w, "/usr/bin/box-runtime") == 0 && !pivot)
			step = true;
		if (init && !dashdash && strcmp(w, "--started-fd=8") == 0)
			started = true;
		if (init && strcmp(w, "--") == 0)
			dashdash = true;
	}
	if (!pivot || !init || !dashdash || step != c->hook_step ||
	    started != c->start_wait || (step || started) != !!c->hooks)
		abort();
	if (!c->cg_create.v || c->cg_create.v[c->cg_create.n] != NULL ||
	    !c->rootfs || !c->cgroup_path)
		abort();
	check_rules(&c->cg_create);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oci_chain a, b;
	char err[512], err2[512];
	int ra, rb;

	if (!hybrid.bindir) {
		hybrid = ctx;
		hybrid.v1_ctrls = ",cpu,cpuacct,cpuset,memory,devices,blkio,"
				  "net_cls,net_prio,pids,";
	}

	ra =
	    oci_translate((const char *)data, size, &ctx, &a, err, sizeof(err));
	rb = oci_translate((const char *)data, size, &ctx, &b, err2,
			   sizeof(err2));
	if (ra != rb)
		abort();
	if (ra < 0) {
		if (!memchr(err, '\0', sizeof(err)) || strchr(err, '\n') ||
		    strncmp(err, "config.json: ", 13) != 0 || strcmp(err, err2))
			abort();
	} else {
		check_chain(&a);
		if (a.chain.n != b.chain.n)
			abort();
		for (size_t i = 0; i < a.chain.n; i++)
			if (strcmp(a.chain.v[i], b.chain.v[i]))
				abort();
	}
	oci_chain_free(&a);
	oci_chain_free(&b);

	if (oci_translate((const char *)data, size, &hybrid, &a, err,
			  sizeof(err)) < 0) {
		if (!memchr(err, '\0', sizeof(err)) || strchr(err, '\n') ||
		    strncmp(err, "config.json: ", 13) != 0)
			abort();
	} else {
		check_chain(&a);
	}
	oci_chain_free(&a);

	if (oci_translate_exec((const char *)data, size, &ctx, 42, true, &a,
			       err, sizeof(err)) < 0) {
		if (!memchr(err, '\0', sizeof(err)) || strchr(err, '\n'))
			abort();
	} else if (!a.chain.v || a.chain.v[a.chain.n] != NULL) {
		abort();
	}
	oci_chain_free(&a);
	{
		struct argvec u = {0};

		if (oci_translate_update((const char *)data, size, &ctx, &u,
					 err, sizeof(err)) < 0) {
			if (!memchr(err, '\0', sizeof(err)) ||
			    strchr(err, '\n'))
				abort();
		} else if (u.n && u.v[u.n] != NULL) {
			abort();
		} else {
			check_rules(&u);
		}
		argv_free(&u);
	}
	return 0;
}
