/* boxutils-pkgs: libseccomp jansson libcap */
/*
 * sys-filter - load a seccomp filter into this process, then exec prog:
 * a profile in the JSON format of Docker, Podman and Kubernetes (or the
 * engines' default profile), or quick --deny and --allow lists.
 *
 *	sys-filter [options] [--] [prog [arg...]]
 *
 * The filter stays across exec and every child inherits it.  Everything
 * is read, resolved and built first; the filter is loaded as the last
 * step before exec, so bad input loads nothing.
 */
#include "box.h"
#include "caps.h"
#include "exec.h"
#include "seccomp_cache.h"
#include "seccomp_filter.h"
#include "seccomp_profile.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Where containers-common installs the engines' default profile. */
#define DEFAULT_PROFILE "/usr/share/containers/seccomp.json"
#define DEFAULT_PACKAGE "golang-github-containers-common"

static const struct option long_options[] = {
    {"profile", required_argument, NULL, 'p'},
    {"deny", required_argument, NULL, 'd'},
    {"allow", required_argument, NULL, 'a'},
    {"default-action", required_argument, NULL, 'D'},
    {"arch", required_argument, NULL, 'A'},
    {"log", no_argument, NULL, 'l'},
    {"tsync", no_argument, NULL, 'T'},
    {"no-new-privs", no_argument, NULL, 'n'},
    {"dump", required_argument, NULL, 'o'},
    {"bpf", required_argument, NULL, 'B'},
    {"print", no_argument, NULL, 'P'},
    {"cache", required_argument, NULL, 'C'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static _Noreturn void usage(void)
{
	printf("Usage: %s [options] [--] [prog [arg...]]\n", box_prog);
	fputs(
	    "\n"
	    "Load a seccomp filter, then exec prog ($SHELL or /bin/sh when\n"
	    "absent).  The filter stays across exec; children inherit it.\n"
	    "\n"
	    "Options:\n"
	    " -p, --profile FILE        a JSON profile (Docker, Podman,\n"
	    "                           Kubernetes); 'default': the engines'\n"
	    "                           default, " DEFAULT_PROFILE "\n"
	    " -d, --deny LIST[:ERRNO]   these syscalls fail with ERRNO\n"
	    "                           (default EPERM)\n"
	    " -a, --allow LIST          only these syscalls (and a profile's)\n"
	    "                           are allowed; the rest fail with EPERM\n"
	    "     --default-action ACT  what other syscalls do: kill, trap,\n"
	    "                           log, allow or errno:ERRNO\n"
	    "     --arch LIST           architectures to filter (default:\n"
	    "                           the native one and its compat ones)\n"
	    "     --log                 log the actions taken, except allow\n"
	    "     --tsync               filter every thread of the process\n"
	    " -n, --no-new-privs        set no_new_privs (loading without it\n"
	    "                           needs CAP_SYS_ADMIN)\n"
	    "     --dump FILE           write the filter's BPF program to "
	    "FILE\n"
	    "     --print               print the rules, resolved, to stdout\n"
	    "     --bpf FILE            load the program --dump wrote, "
	    "instead\n"
	    "                           of building one (no compiling at "
	    "start)\n"
	    "     --cache DIR           keep built programs in DIR and load\n"
	    "                           them from there at the next start\n"
	    " -v, --verbose             say whether the filter was built or\n"
	    "                           came from the cache\n"
	    " -h, --help                show this help\n"
	    " -V, --version             show the version\n"
	    "\n"
	    "A LIST is comma-separated syscall names or numbers:\n"
	    "connect,socket:ENOSPC.  ERRNO is a name or a number.\n",
	    stdout);
	exit(0);
}

struct request {
	const char *profile; /* a path, or NULL */
	char **lists;	     /* --deny and --allow, in order */
	char *kinds;	     /* 'd' or 'a' for each */
	size_t nlists;
	bool default_given;
	struct sf_action dflt;
	const char *dflt_arg; /* as given, for the cache key */
	const char *arch;
	unsigned int flags; /* SF_FLAG_*, SF_BUILD_NNP */
	const char *dump;
	bool print;
	const char *bpf;
	const char *cache; /* a directory, or NULL */
	bool verbose;
};

static void add_list(struct request *r, char kind, char *list)
{
	char **l = realloc(r->lists, (r->nlists + 1) * sizeof(char *));
	char *k = realloc(r->kinds, r->nlists + 1);

	if (l)
		r->lists = l;
	if (k)
		r->kinds = k;
	if (!l || !k)
		xdie_errno("parse --%s", kind == 'd' ? "deny" : "allow");
	r->lists[r->nlists] = list;
	r->kinds[r->nlists++] = kind;
}

static struct request parse_args(int argc, char **argv)
{
	struct request r = {.profile = NULL};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:p:d:a:nvhV", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'p':
			if (r.profile)
				xusage_error("--profile given twice");
			r.profile = optarg;
			break;
		case 'd':
		case 'a':
			add_list(&r, (char)c, optarg);
			break;
		case 'D':
			if (sf_action_parse(optarg, &r.dflt) < 0)
				xusage_error("--default-action: '%s' is not "
					     "kill, kill-thread, trap, log, "
					     "allow or errno:ERRNO",
					     optarg);
			r.default_given = true;
			r.dflt_arg = optarg;
			break;
		case 'A':
			r.arch = optarg;
			break;
		case 'l':
			r.flags |= SF_FLAG_LOG;
			break;
		case 'T':
			r.flags |= SF_FLAG_TSYNC;
			break;
		case 'n':
			r.flags |= SF_BUILD_NNP;
			break;
		case 'o':
			r.dump = optarg;
			break;
		case 'P':
			r.print = true;
			break;
		case 'B':
			r.bpf = optarg;
			break;
		case 'C':
			if (r.cache)
				xusage_error("--cache given twice");
			r.cache = optarg;
			break;
		case 'v':
			r.verbose = true;
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}
	if (r.bpf && (r.profile || r.nlists || r.default_given || r.arch ||
		      r.dump || r.print || r.cache))
		xusage_error(
		    "--bpf loads a compiled program: no --profile, "
		    "--deny, --allow, --default-action, --arch, --dump, "
		    "--print or --cache with it");
	if (!r.profile && r.nlists == 0 && !r.bpf)
		xusage_error("nothing to filter: give --profile, --deny, "
			     "--allow or --bpf");
	return r;
}

/*
 * "/dev/fd/N" names descriptor N itself, read without a path lookup: a
 * profile opened on the host's command line (3<FILE) still reads after
 * pivot(1), where the path would name the image's file, and after the
 * read the descriptor is closed, so it does not reach prog.
 */
static int given_fd(const char *path)
{
	const char *p = path + 8;
	int n = 0;

	if (strncmp(path, "/dev/fd/", 8) != 0 || !*p)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > 1 << 20)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n;
}

/* The whole profile (or --bpf) file, refused when it is not a regular
 * file (or a pipe, from a descriptor) or too large to be one. */
static char *read_input(const char *path, const char *what, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int fd;

	fd = given_fd(path);
	if (fd >= 0 && fcntl(fd, F_GETFD) < 0)
		xdie("read %s %s: %s (open it on the command line: %d<FILE)",
		     what, path, strerror(errno), fd);
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && strcmp(path, DEFAULT_PROFILE) == 0)
			xdie("read the default profile %s: %s (it comes with "
			     "containers-common: apt-get "
			     "install " DEFAULT_PACKAGE ")",
			     path, strerror(errno));
		xdie_errno("read %s %s", what, path);
	}
	if (fstat(fd, &st) < 0)
		xdie_errno("read %s %s", what, path);
	if (!S_ISREG(st.st_mode) &&
	    !(S_ISFIFO(st.st_mode) && given_fd(path) >= 0))
		xdie("read %s %s: not a regular file", what, path);
	if (st.st_size > (off_t)SF_PROFILE_MAX)
		xdie("read %s %s: %lld bytes, more than the %u it may have",
		     what, path, (long long)st.st_size, SF_PROFILE_MAX);
	/* one byte more than allowed, to see a file that grew meanwhile */
	buf = malloc(SF_PROFILE_MAX + 1);
	if (!buf)
		xdie_errno("read %s %s", what, path);
	while ((n = read(fd, buf + got, SF_PROFILE_MAX + 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			xdie_errno("read %s %s", what, path);
		got += (size_t)n;
		if (got > SF_PROFILE_MAX)
			xdie("read %s %s: more than %u bytes", what, path,
			     SF_PROFILE_MAX);
	}
	/* a given descriptor too, except stdin, stdout and stderr */
	if (fd > STDERR_FILENO)
		close(fd);
	*len = got;
	return buf;
}

/* "connect,socket:ENOSPC" into the list and its errno. */
static struct sf_action deny_action(char *list)
{
	struct sf_action a = {.kind = SF_ERRNO, .data = EPERM};
	char *colon = strrchr(list, ':');

	if (colon) {
		*colon = '\0';
		if (sf_errno_parse(colon + 1, &a.data) < 0)
			xdie("--deny: unknown errno '%s' (a name such as "
			     "ENOSPC, or a number 0..%d)",
			     colon + 1, SF_ERRNO_MAX);
	}
	return a;
}

/* A syscall in two command-line lists with different actions. */
static void check_lists(const struct sf_profile *p)
{
	const struct sf_rule *a, *b;
	size_t i, j, k, l;

	for (i = 0; i < p->nrules; i++) {
		a = &p->rules[i];
		for (j = i; a->opt && j < p->nrules; j++) {
			b = &p->rules[j];
			if (!b->opt || (b->action.kind == a->action.kind &&
					b->action.data == a->action.data))
				continue;
			for (k = 0; k < a->nnames; k++)
				for (l = 0; l < b->nnames; l++)
					if (strcmp(a->names[k], b->names[l]) ==
					    0)
						xdie("%s: '%s' is in %s too, "
						     "with another action",
						     b->opt, a->names[k],
						     a->opt);
		}
	}
}

static void add_lists(const struct request *r, struct sf_profile *p)
{
	static const struct sf_action allow = {.kind = SF_ALLOW};
	struct sf_action a;
	const char *opt;
	size_t i;

	for (i = 0; i < r->nlists; i++) {
		opt = r->kinds[i] == 'd' ? "--deny" : "--allow";
		a = r->kinds[i] == 'd' ? deny_action(r->lists[i]) : allow;
		if (sf_profile_add_list(p, r->lists[i], a, opt) < 0) {
			if (errno == EINVAL)
				xdie("%s: empty syscall name in '%s'", opt,
				     r->lists[i]);
			xdie_errno("%s %s", opt, r->lists[i]);
		}
	}
	check_lists(p);
}

/*
 * The capabilities prog will hold after exec, which a profile's
 * includes.caps are judged against: for root (without SECBIT_NOROOT) the
 * bounding set and the inheritable set; for anyone else the ambient
 * set.  File capabilities and setuid bits of prog itself are not
 * counted.
 */
static uint64_t caps_after_exec(void)
{
	struct caps_sets now;
	uint64_t amb = 0;
	int last, i, bits;

	last = caps_last_cap();
	if (last < 0 || caps_get(&now) < 0)
		xdie_errno("read this process's capabilities");
	bits = prctl(PR_GET_SECUREBITS, 0L, 0L, 0L, 0L);
	if (geteuid() == 0 && bits >= 0 && !(bits & SECBIT_NOROOT))
		return caps_bounding(last) | now.inheritable;
	for (i = 0; i <= last; i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET,
			  (unsigned long)i, 0L, 0L) == 1)
			amb |= CAPS_BIT(i);
	return amb;
}

static const char *kernel_release(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u) < 0)
		xdie_errno("read the kernel version");
	return u.release;
}

static uint64_t kernel_version(void)
{
	uint64_t v;

	if (sf_kernel_version(kernel_release(), &v) < 0)
		xdie("read the kernel version: cannot parse '%s'",
		     kernel_release());
	return v;
}

/* Open --dump's file; *made tells whether this run created it. */
static int open_dump(const char *path, bool *made)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	*made = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		xdie_errno("open --dump file %s", path);
	return fd;
}

static _Noreturn void die_load(int err, const char *what)
{
	box_errh(err,
		 err == EACCES
		     ? "needs no_new_privs (sys-filter --no-new-privs, "
		       "or cap-drop --no-new-privs before it) or "
		       "CAP_SYS_ADMIN"
		 : err == EINVAL ? "a program or flag the kernel does not take"
				 : NULL,
		 "%s", what);
	exit(EXIT_TOOL);
}

/*
 * --bpf: a program compiled before (--dump), loaded as it is.  The
 * kernel checks every instruction; what it decides is the user's.
 */
static _Noreturn void load_bpf(const struct request *r, int argc, char **argv)
{
	char what[PATH_MAX + 32];
	size_t len;
	char *prog;

	prog = read_input(r->bpf, "BPF program", &len);
	snprintf(what, sizeof(what), "load the BPF program %s", r->bpf);
	if (len == 0 || len % 8 || len / 8 > 4096)
		xdie("%s: %zu bytes is not a program of 1..4096 8-byte "
		     "instructions",
		     what, len);
	if (sf_load_bpf(prog, len, r->flags) < 0)
		die_load(errno, what);
	/* not freed: after the load only the exec (see main) */
	xexec(argc - optind, argv + optind);
}

static void close_cache(int fd)
{
	/* a given descriptor too (it must not reach prog), except stdio */
	if (fd > STDERR_FILENO)
		close(fd);
}

/*
 * --cache: the directory, opened, or -1 when it is not to be used: the
 * filter is then built as without --cache.  The cache only saves time,
 * so a directory that cannot be opened (or does not exist: it is not
 * made, bad input must leave nothing behind) is said with --verbose
 * only; one that is not to be trusted is said always, as it is a
 * mistake to fix.  A descriptor that is not open or not a directory is
 * a broken command line.
 */
static int open_cache(const struct request *r)
{
	const char *why;
	struct stat st;
	int fd = given_fd(r->cache), err;

	if (fd >= 0) {
		if (fcntl(fd, F_GETFD) < 0)
			xdie("open the cache %s: %s (open it on the command "
			     "line: %d<DIR)",
			     r->cache, strerror(errno), fd);
		if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode))
			xdie("open the cache %s: not a directory", r->cache);
	} else {
		fd = open(r->cache, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			if (r->verbose)
				box_err("cache %s not used", r->cache);
			return -1;
		}
	}
	if (sf_cache_dir_check(fd, &why) < 0) {
		err = errno;
		box_msg("cache %s not used: %s (%s)", r->cache, why,
			err == EACCES  ? "chmod go-w it"
			: err == EPERM ? "use a directory of this user's own"
				       : "give a directory");
		close_cache(fd);
		return -1;
	}
	return fd;
}

/*
 * Everything that changes the program, or how it is loaded: the
 * profile's bytes, the options as given, the capabilities and kernel
 * the rules are judged against, the machine, and the versions of
 * libseccomp and of the code that builds.
 */
static int cache_key(const struct request *r, const char *prof, size_t plen,
		     uint64_t caps, struct sf_key *k)
{
	const struct scmp_version *v = seccomp_version();
	size_t i;
	int rc = 0;

	rc |= sf_key_addf(k, "sys-filter", "%s %d", BOX_VERSION,
			  SF_BUILD_VERSION);
	rc |= sf_key_addf(k, "libseccomp", "%u.%u.%u", v->major, v->minor,
			  v->micro);
	rc |= sf_key_addf(k, "native", "%u", seccomp_arch_native());
	rc |= sf_key_addf(k, "kernel", "%s", kernel_release());
	rc |= sf_key_addf(k, "caps", "%llx", (unsigned long long)caps);
	rc |= sf_key_addf(k, "flags", "%x", r->flags);
	if (prof)
		rc |= sf_key_add(k, "profile", prof, plen);
	for (i = 0; i < r->nlists; i++)
		rc |= sf_key_add(k, r->kinds[i] == 'd' ? "deny" : "allow",
				 r->lists[i], strlen(r->lists[i]));
	if (r->dflt_arg)
		rc |= sf_key_add(k, "default-action", r->dflt_arg,
				 strlen(r->dflt_arg));
	if (r->arch)
		rc |= sf_key_add(k, "arch", r->arch, strlen(r->arch));
	return rc ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct sf_profile prof = {.dflt = {.kind = SF_ALLOW}};
	struct sf_cache_hit hit = {.buf = NULL};
	struct sf_key key = {.buf = NULL};
	struct sf_env env;
	struct sf_arches arches;
	struct request req;
	struct sf_prog prog;
	unsigned int flags, prof_flags = 0;
	char err[512], name[SF_CACHE_NAME_LEN + 1], *buf = NULL;
	const char *path = NULL, *why = NULL;
	bool made = false;
	size_t len = 0;
	uint64_t caps;
	int fd = -1, cache = -1, rc;

	box_init(argc, argv);
	req = parse_args(argc, argv);
	if (req.bpf)
		load_bpf(&req, argc, argv);

	if (req.profile) {
		path = strcmp(req.profile, "default") == 0 ? DEFAULT_PROFILE
							   : req.profile;
		buf = read_input(path, "profile", &len);
	}
	caps = caps_after_exec();

	/*
	 * The cache: an entry whose key is this run's, byte for byte, is
	 * the program this run would build (the same input gives the same
	 * program, and the same errors: an entry exists only for input
	 * that built).  --print needs the rules, so it builds.
	 */
	if (req.cache)
		cache = open_cache(&req);
	if (cache >= 0 && cache_key(&req, buf, len, caps, &key) < 0) {
		if (req.verbose)
			box_err("cache %s not used: the key", req.cache);
		close_cache(cache);
		cache = -1;
	}
	if (cache >= 0) {
		sf_cache_name(&key, name);
		if (req.print)
			why = "--print builds";
		else if (sf_cache_load(cache, &key, name, &hit, &why) == 0)
			why = NULL;
	}
	if (hit.buf) {
		prog = (struct sf_prog){
		    .insns = (struct sock_filter *)hit.insns, .len = hit.n};
		flags = req.flags | hit.flags;
		if (req.verbose)
			box_msg("cache %s: %s: cached, nothing built",
				req.cache, name);
		free(buf);
		goto loaded;
	}

	if (req.profile) {
		if (sf_profile_parse(buf, len, &prof, err, sizeof(err)) < 0)
			xdie("profile %s: %s", path, err);
		free(buf);
	} else if (memchr(req.kinds, 'a', req.nlists)) {
		/* an allow list: everything else fails, as in the profiles */
		prof.dflt = (struct sf_action){.kind = SF_ERRNO, .data = EPERM};
	}
	add_lists(&req, &prof);
	if (req.default_given)
		prof.dflt = req.dflt;

	env = (struct sf_env){.caps = caps,
			      .arch_names = sf_native_names(),
			      .kernel = kernel_version()};
	sf_profile_select(&prof, &env);

	if (req.arch)
		rc = sf_arches_parse(req.arch, &arches, err, sizeof(err));
	else
		rc = sf_arches_of_profile(&prof, &arches, err, sizeof(err));
	if (rc < 0 && !req.arch && req.profile)
		xdie("profile %s: %s", path, err);
	if (rc < 0)
		xdie("%s", err);

	if (sf_build(&prof, &arches, req.print ? stdout : NULL, &prog, err,
		     sizeof(err)) < 0)
		xdie("%s", err);
	if (req.print && fflush(stdout) != 0)
		xdie_errno("write standard output");
	prof_flags = prof.flags;
	flags = req.flags | prof.flags;
	sf_profile_free(&prof);

loaded:
	if (req.dump) {
		fd = open_dump(req.dump, &made);
		if (box_write_all(fd, prog.insns, prog.len * sizeof(*prog.insns)) <
			0 ||
		    close(fd) < 0) {
			if (made)
				unlink(req.dump);
			xdie_errno("write the filter to %s", req.dump);
		}
	}
	/*
	 * Stored once every step but the load has gone well (the load
	 * must come last: the filter may deny what storing calls).  A
	 * cache that cannot take it (read-only, full) only costs the next
	 * start the build.
	 */
	if (cache >= 0 && !hit.buf) {
		rc = sf_cache_store(cache, &key, name, prog.insns, prog.len,
				    prof_flags);
		if (req.verbose && rc == 0)
			box_msg("cache %s: %s: %s; built, stored", req.cache,
				name, why);
		else if (req.verbose)
			box_err("cache %s: %s: %s; built, not stored",
				req.cache, name, why);
	}
	close_cache(cache);
	sf_key_free(&key);

	/*
	 * Loading is the last step: from here on the filter judges every
	 * syscall of this process, including those of the exec below (so
	 * a filter that denies execve stops the chain here, with 126).
	 * Without no_new_privs the kernel wants CAP_SYS_ADMIN, so that a
	 * filter cannot fool a setuid program it runs.
	 */
	if (sf_load_bpf(prog.insns, prog.len * sizeof(*prog.insns), flags) <
	    0) {
		rc = errno;
		if (made)
			unlink(req.dump);
		die_load(rc, "load the seccomp filter");
	}
	/*
	 * Nothing but the exec after the load: the filter may deny what
	 * freeing would call (munmap), and the exec frees it all anyway.
	 */
	xexec(argc - optind, argv + optind);
}
