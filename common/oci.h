/*
 * oci.h - an OCI bundle's config.json turned into a boxutils chain.
 *
 * One module per part of the job, as crun has: oci.c reads config.json
 * (jansson) and translates every field it knows into the options of
 * the tool that does that job; every other field with a value makes the
 * translation fail with the field's name, so nothing is silently left
 * out.  It only builds argument vectors; box-runtime runs them.
 */
/* boxutils-pkgs: jansson mount */
#ifndef BOX_OCI_H
#define BOX_OCI_H

#include <stdbool.h>
#include <stddef.h>

/* A growing argv, NULL-terminated. */
struct argvec {
	char **v;
	size_t n, cap;
};

int argv_push(struct argvec *a, const char *s);
int argv_pushf(struct argvec *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void argv_free(struct argvec *a);

/* What the translation needs from the runtime's context. */
struct oci_ctx {
	const char *bindir;   /* where the boxutils tools are */
	const char *bundle;   /* the bundle directory, absolute */
	const char *id;	      /* the container's id */
	const char *pidfile;  /* where ns-unshare writes the PID */
	const char *selfexe;  /* box-runtime itself, for the init step */
	int fifo_fd;	      /* the start FIFO, open in the chain */
	int sync_fd;	      /* the pipe create reads "ready" from */
	int seccomp_fd;	      /* the seccomp profile, open in the chain */
	bool cgroup2;	      /* a cgroup2 hierarchy is mounted */
	const char *v1_ctrls; /* ",cpu,memory,...,": the controllers on
				 cgroup v1 here (NULL: none, pure v2) */
	bool have_sys_filter; /* sys-filter is installed beside us */
	int console_fd;	      /* --console-socket, connected; or -1 */
	int go_fd;	      /* hooks: create's go-ahead to the hook step */
	int started_fd;	      /* hooks: init's report to start */
	int stderr_fd;	      /* create: the caller's stderr, which init
				 takes back at "ready" (the steps before
				 write theirs to create); 0: none */
	int sfcache_fd;	      /* sys-filter's cache directory, open in
				 the chain; below 3 (the zero default):
				 none, the filter is built at each start */
};

struct oci_chain {
	struct argvec cg_create; /* run before the chain; empty: none */
	struct argvec chain;	 /* the chain create execs */
	char *cgroup_path;	 /* the container's cgroup */
	bool cgroup_relative;	 /* ... below the caller's own */
	char *seccomp;		 /* linux.seccomp as JSON text, or NULL */
	char *oci_version;
	char *annotations;	   /* JSON object text */
	char *rootfs;		   /* absolute */
	bool terminal;		   /* process.terminal: a pty for stdio */
	unsigned short rows, cols; /* process.consoleSize */
	char *hooks;		   /* the hooks object as JSON text, or NULL */
	bool hook_step;		   /* `box-runtime hooks` is in the chain */
	bool start_wait;	   /* start waits for init's report */
};

/*
 * Parse config.json text and translate it.  Returns 0, or -1 with a
 * one-line message in err ("config.json: linux.intelRdt: not
 * supported").  The chain is freed with oci_chain_free() either way.
 */
int oci_translate(const char *text, size_t len, const struct oci_ctx *ctx,
		  struct oci_chain *out, char *err, size_t errsz);
void oci_chain_free(struct oci_chain *c);

/*
 * exec: a process object (runc exec --process) into a chain that joins
 * the namespaces and cgroups of the container's first process pid, then
 * runs the same steps as create's payload (cap-drop, sys-filter when
 * seccomp, box-runtime init without the wait: ctx->fifo_fd -1).
 */
int oci_translate_exec(const char *text, size_t len, const struct oci_ctx *ctx,
		       int pid, bool seccomp, struct oci_chain *out, char *err,
		       size_t errsz);

/*
 * update --resources: a linux.resources object into cg-set's limit
 * options, appended to out.  Returns 0, or -1 with err.
 */
int oci_translate_update(const char *text, size_t len,
			 const struct oci_ctx *ctx, struct argvec *out,
			 char *err, size_t errsz);

/* A default config.json, like `runc spec` (malloc'ed text). */
char *oci_default_spec(void);
/* `features`: what this runtime takes (malloc'ed JSON text). */
char *oci_features(void);

#endif
