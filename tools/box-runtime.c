/*
 * box-runtime - an OCI runtime with runc's command line, for Podman,
 * containerd and Kubernetes: config.json becomes a chain of the
 * boxutils tools (common/oci.c says which field goes to which tool),
 * which create execs.
 *
 *	box-runtime [global options] COMMAND [options] ID
 *
 * The lifecycle, as conmon and the containerd shim expect it:
 *   create  forks the chain; ns-unshare --detach leaves the container's
 *           first process alone (the caller's subreaper adopts it),
 *           and its last step, `box-runtime init`, says "ready" on a
 *           pipe, then blocks reading the start FIFO of the state dir.
 *   start   writes to that FIFO: init execs process.args.
 *   state, kill, delete, run, spec, features.
 * With hooks, a `box-runtime hooks` step before pivot stops the chain
 * for prestart, createRuntime and createContainer (see "hooks" below).
 * The state lives in --root/ID/state.json, written atomically (a temp
 * file renamed over it); every command on an ID holds flock() on its
 * directory, so concurrent commands on one container are serialised.
 *
 * Why an init step of our own, and not an option of the last tool: the
 * wait for start, process.env/cwd/rlimits/umask/oomScoreAdj are all
 * the OCI process's, and sit between the last privileged step and the
 * payload whatever the chain holds; a hand-written chain needs none.
 */
/* boxutils-pkgs: jansson mount */
#include "box.h"
#include "cgroup.h"
#include "exec.h"
#include "kernel.h"
#include "oci.h"
#include "parse.h"
#include "pidfd.h"
#include "pty.h"
#include "seccomp_cache.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CONFIG_MAX (4 << 20)
/* the fds the chain carries to `box-runtime init` and sys-filter */
#define FD_FIFO	   3
#define FD_SYNC	   4
#define FD_SECCOMP 5
#define FD_CONSOLE 6
#define FD_GO	   7  /* hooks: create's go-ahead to `box-runtime hooks` */
#define FD_STARTED 8  /* hooks: init's report to start */
#define FD_STDERR  9  /* create: the caller's stderr, for init to restore */
#define FD_SFCACHE 10 /* sys-filter's cache directory */
/* sys-filter's cache, in the state root: no container id starts with '.' */
#define SFCACHE ".sys-filter"

static struct {
	const char *root;
	const char *log;
	bool log_json;
	bool debug;
} g = {.root = "/run/box-runtime"};

static int logfd = -1;

/* --- errors: one line to stderr, and to --log as runc writes it ------- */

static void logline(const char *level, const char *msg)
{
	char ts[64];
	time_t now = time(NULL);
	struct tm tm;

	if (logfd < 0)
		return;
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	if (g.log_json) {
		json_t *o = json_pack("{s:s,s:s,s:s}", "level", level, "msg",
				      msg, "time", ts);
		char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

		if (s)
			dprintf(logfd, "%s\n", s);
		free(s);
		json_decref(o);
	} else {
		dprintf(logfd, "time=\"%s\" level=%s msg=\"%s\"\n", ts, level,
			msg);
	}
}

static _Noreturn void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	logline("error", buf);
	box_msg("%s", buf);
	exit(EXIT_TOOL);
}

static void debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void debug(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	if (!g.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	logline("debug", buf);
	if (logfd < 0)
		box_msg("%s", buf);
}

/* --- files ---------------------------------------------------------- */

/* dirfd/name, or with name NULL the open fd dirfd itself (stdin) */
static char *read_file(int dirfd, const char *name, size_t max, size_t *len)
{
	int fd = name ? openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
		      : fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	size_t n = 0, cap = 4096;
	char *buf;
	ssize_t r;

	if (fd < 0)
		return NULL;
	buf = malloc(cap + 1);
	while (buf) {
		if (n == cap) {
			char *nb;

			if (cap >= max) {
				errno = EFBIG;
				break;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb)
				break;
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0) {
			close(fd);
			buf[n] = '\0';
			*len = n;
			return buf;
		}
		n += (size_t)r;
	}
	free(buf);
	close(fd);
	return NULL;
}

/* Write text to dirfd/name atomically: a temp file renamed over it. */
static int write_atomic(int dirfd, const char *name, const char *text)
{
	char tmp[NAME_MAX + 1];
	size_t len = strlen(text), off = 0;
	int fd;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlinkat(dirfd, tmp, 0);
			return -1;
		}
		off += (size_t)w;
	}
	/* no fsync: the state lives on /run, a tmpfs gone at reboot with
	 * the containers it describes; the rename is what makes a reader
	 * see the old or the new file, never half of one */
	if (close(fd) < 0 || renameat(dirfd, tmp, dirfd, name) < 0) {
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

/* A path given by the caller (--pid-file), written the same way. */
static int write_path_atomic(const char *path, const char *text)
{
	char *d = strdup(path), *b = strdup(path);
	int dfd, r = -1;

	if (d && b &&
	    (dfd = open(dirname(d), O_PATH | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		r = write_atomic(dfd, basename(b), text);
		close(dfd);
	}
	free(d);
	free(b);
	return r;
}

/* --- the state -------------------------------------------------------- */

struct state {
	char id[256];
	int dirfd; /* --root/ID, flock()ed */
	json_t *js;
};

static bool id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 128 || id[0] == '.' || id[0] == '-')
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		      *p == '.' || *p == '+'))
			return false;
	return true;
}

/* mkdir -p: the containerd shim names a --root whose parents
 * (/run/containerd/runc) nobody made, and runc makes them */
static int mkdir_parents(const char *path)
{
	char p[PATH_MAX];

	if (snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -1;
		if (!s)
			return 0;
		*s = '/';
	}
}

static int root_dir(bool make)
{
	int fd;

	if (make && mkdir_parents(g.root) < 0)
		die("make state directory %s: %s", g.root, strerror(errno));
	fd = open(g.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && (make || errno != ENOENT))
		die("open state directory %s: %s", g.root, strerror(errno));
	return fd;
}

/*
 * sys-filter's cache of compiled programs (sys-filter --cache), shared
 * by the containers of this state root: building the filter from a
 * profile costs libseccomp some 10 ms at every start, loading the
 * program built for the same profile before costs microseconds.  A
 * program from the cache goes into the container as it is, so the
 * directory must be one nobody else can write to: the state root owned
 * by us and writable by no one else (so nobody else can put another
 * directory in its place), the cache in it ours, a directory and not a
 * link, with no access for group and others (sys-filter checks that
 * again, and each entry).  Only opened here, through rfd: create makes
 * it once the config has proved good (sfcache_make), so the first
 * container builds and every later one loads.  -1: no cache.
 */
static int sfcache_open(int rfd)
{
	struct stat sb;
	const char *why;
	int fd;

	if (rfd < 0 || fstat(rfd, &sb) < 0 || sb.st_uid != geteuid() ||
	    (sb.st_mode & 022))
		return -1;
	fd = openat(rfd, SFCACHE,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) < 0 || (sb.st_mode & 077) ||
	    sf_cache_dir_check(fd, &why) < 0) {
		debug("sys-filter cache %s/%s not used: not ours alone", g.root,
		      SFCACHE);
		close(fd);
		return -1;
	}
	return fd;
}

static void sfcache_make(int rfd)
{
	if (mkdirat(rfd, SFCACHE, 0700) < 0 && errno != EEXIST)
		debug("make the sys-filter cache %s/%s: %s", g.root, SFCACHE,
		      strerror(errno));
}

/* Open and lock ID's state; missing: -1 (ENOENT) unless must. */
static int state_open(const char *id, struct state *st, bool must)
{
	int rfd;
	size_t len;
	char *text;
	json_error_t je;

	if (!id_ok(id))
		die("bad container id '%.64s': letters, digits, '_-.+', not "
		    "starting with '.' or '-'",
		    id);
	snprintf(st->id, sizeof(st->id), "%s", id);
	rfd = root_dir(false);
	st->dirfd =
	    rfd < 0 ? -1
		    : openat(rfd, id,
			     O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (rfd >= 0)
		close(rfd);
	if (st->dirfd < 0) {
		if (!must && errno == ENOENT)
			return -1;
		die("container %s does not exist", id);
	}
	if (flock(st->dirfd, LOCK_EX) < 0)
		die("lock container %s: %s", id, strerror(errno));
	text = read_file(st->dirfd, "state.json", 1 << 20, &len);
	st->js = text ? json_loadb(text, len, 0, &je) : NULL;
	free(text);
	if (!st->js) {
		/* deleted while we waited for the lock, or a create that
		 * died before its first state write */
		if (!must)
			return 0;
		die("container %s: no state (a create that failed; delete "
		    "--force removes it)",
		    id);
	}
	return 0;
}

static void state_close(struct state *st)
{
	if (st->dirfd >= 0)
		close(st->dirfd); /* and with it the lock */
	st->dirfd = -1;
	json_decref(st->js);
	st->js = NULL;
}

static const char *sget(const struct state *st, const char *key)
{
	const char *s = json_string_value(json_object_get(st->js, key));

	return s ? s : "";
}

static pid_t state_pid(const struct state *st)
{
	return (pid_t)json_integer_value(json_object_get(st->js, "pid"));
}

static void state_save(struct state *st)
{
	char *s = json_dumps(st->js, JSON_INDENT(2));

	if (!s || write_atomic(st->dirfd, "state.json", s) < 0)
		die("write state of %s: %s", st->id, strerror(errno));
	free(s);
}

/* Field 22 of /proc/PID/stat (start time): with the PID, the process. */
static unsigned long long proc_start(pid_t pid, char *state)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
			 "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%*u %*u %*d %*d %*d %*d %*d %*d %llu",
			 state, &v) != 2)
		return 0;
	return v;
}

/* The container's first process, alive (not a zombie) and the same. */
static bool alive(const struct state *st)
{
	pid_t pid = state_pid(st);
	char s = '?';
	json_t *t = json_object_get(st->js, "starttime");

	if (pid <= 0)
		return false;
	return proc_start(pid, &s) ==
		   (unsigned long long)json_integer_value(t) &&
	       s != 'Z' && s != 'X';
}

static const char *status(const struct state *st)
{
	const char *s = sget(st, "status");

	if (strcmp(s, "creating") && !alive(st))
		return "stopped";
	return s;
}

/* --- running the tools -------------------------------------------------- */

/* What the chain's steps write to stderr before init is ready. */
struct step_err {
	int fd;
	bool eof; /* fd has said all */
	size_t len;
	char buf[4096];
};

/* One read of the steps' stderr; at its end (or, non-blocking, when
 * nothing more is there) eof.  Past the buffer the rest is dropped. */
static void se_read(struct step_err *se)
{
	size_t room = sizeof(se->buf) - 1 - se->len;
	char sink[512];
	ssize_t r = read(se->fd, room ? se->buf + se->len : sink,
			 room ? room : sizeof(sink));

	if (r > 0 && room)
		se->len += (size_t)r;
	else if (r == 0 || (r < 0 && errno != EINTR))
		se->eof = true;
}

/*
 * A byte from the sync pipe, reading the steps' stderr meanwhile (a
 * step must never block on a full pipe while create waits for it).
 * Returns read(2)'s value for the sync byte.
 */
static ssize_t read_sync(int sync, struct step_err *se, char *c)
{
	for (;;) {
		struct pollfd p[2] = {{.fd = sync, .events = POLLIN},
				      {.fd = se->fd, .events = POLLIN}};
		ssize_t r;

		if (poll(p, se->eof ? 1 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (!se->eof && p[1].revents) {
			se_read(se);
			continue;
		}
		if (p[0].revents) {
			do
				r = read(sync, c, 1);
			while (r < 0 && errno == EINTR);
			return r;
		}
	}
}

/* The failing step's line: the last the steps wrote ("pivot: ..."), or
 * dflt when they wrote nothing. */
static const char *step_error(struct step_err *se, const char *dflt)
{
	char *end, *line;

	/* the rest of what the dead chain wrote, in the pipe already
	 * (without waiting for a writer that outlived it: a hook's
	 * daemon, say) */
	fcntl(se->fd, F_SETFL, O_NONBLOCK);
	while (!se->eof)
		se_read(se);
	se->buf[se->len] = '\0';
	end = se->buf + se->len;
	while (end > se->buf && end[-1] == '\n')
		*--end = '\0';
	line = strrchr(se->buf, '\n');
	line = line ? line + 1 : se->buf;
	if (line > se->buf) {
		line[-1] = '\0';
		debug("the chain also said: %s", se->buf);
	}
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	return *line ? line : dflt;
}

/*
 * Run a tool and wait for it.  Its stderr is caught into msg (the first
 * line, without the tool's "name: " prefix): the caller folds it into
 * its own one-line error, which --log (conmon's reader) gets too.
 */
static int run_argv(char **argv, char *msg, size_t n)
{
	struct step_err se = {0};
	const char *line;
	int status, p[2];
	pid_t pid, parent = getpid();

	snprintf(msg, n, "%s failed", strrchr(argv[0], '/') + 1);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		/* the tool dies with us: a cg-create that outlived a killed
		 * create would make its cgroup after delete --force ran */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0L, 0L, 0L) < 0 ||
		    getppid() != parent || dup2(p[1], 2) < 0)
			_exit(EXIT_TOOL);
		execv(argv[0], argv);
		box_err("exec %s", argv[0]);
		_exit(EXIT_NOTFOUND);
	}
	close(p[1]);
	se.fd = p[0];
	while (!se.eof)
		se_read(&se);
	close(p[0]);
	line = step_error(&se, "");
	if (*line) {
		const char *tool = strrchr(argv[0], '/') + 1;
		size_t tl = strlen(tool);

		/* "cg-create: write ..." -> "write ..." */
		snprintf(msg, n, "%s",
			 !strncmp(line, tool, tl) &&
				 !strncmp(line + tl, ": ", 2)
			     ? line + tl + 2
			     : line);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status_to_exit(status);
}

static char bindir[PATH_MAX], selfexe[PATH_MAX];

static void find_self(void)
{
	ssize_t n = readlink("/proc/self/exe", selfexe, sizeof(selfexe) - 1);

	if (n <= 0)
		die("find box-runtime's own path: %s", strerror(errno));
	selfexe[n] = '\0';
	snprintf(bindir, sizeof(bindir), "%s", selfexe);
	*strrchr(bindir, '/') = '\0';
}

/*
 * The cgroup is in some hierarchy.  A create killed before its chain
 * reached cg-create leaves a state naming a cgroup that was never made,
 * which delete --force must take as removed, not as an error.
 */
static bool cgroup_exists(const char *cg, bool relative)
{
	static struct cg_sys sys;
	char rel[CG_PATH_MAX];
	struct cg_err e = {0};
	int fd;

	if (cg_discover(&sys, &e) < 0 ||
	    (relative && cg_load_self(&sys, &e) < 0))
		return true; /* cannot tell: let cg-delete say */
	for (int i = 0; i < sys.n; i++) {
		if (cg_rel(&sys.h[i], relative, cg, rel, sizeof(rel), &e) < 0)
			continue;
		fd = cg_open_dir(&sys.h[i], rel);
		if (fd >= 0 || errno != ENOENT) {
			if (fd >= 0)
				close(fd);
			return true;
		}
	}
	return false;
}

/* Remove the cgroup a state names (cg-delete kills what is inside). */
static void remove_cgroup(const struct state *st)
{
	char tool[PATH_MAX + 16], msg[512];
	const char *cg = sget(st, "cgroupPath");
	bool relative = json_is_true(json_object_get(st->js, "cgroupRelative"));
	char *argv[6];
	int i = 0;

	if (!*cg || !cgroup_exists(cg, relative))
		return;
	snprintf(tool, sizeof(tool), "%s/cg-delete", bindir);
	argv[i++] = tool;
	if (relative)
		argv[i++] = "--relative";
	argv[i++] = "--recursive";
	argv[i++] = "--";
	argv[i++] = (char *)cg;
	argv[i] = NULL;
	if (run_argv(argv, msg, sizeof(msg)) != 0)
		die("delete %s: remove cgroup %s: %s", st->id, cg, msg);
}

static void remove_state(struct state *st)
{
	static const char *const files[] = {
	    "state.json",   "exec.fifo",       "pid",
	    "seccomp.json", ".state.json.tmp", "started.fifo",
	};
	int rfd;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		unlinkat(st->dirfd, files[i], 0);
	rfd = root_dir(false);
	if (rfd >= 0 && unlinkat(rfd, st->id, AT_REMOVEDIR) < 0 &&
	    errno != ENOENT)
		die("remove state of %s: %s", st->id, strerror(errno));
	if (rfd >= 0)
		close(rfd);
}

/* SIGKILL the first process and wait until it is gone (not our child:
 * poll its pidfd, which says when it has exited). */
static void kill_wait(const struct state *st)
{
	int pfd;
	struct pollfd p;

	if (!alive(st))
		return;
	pfd = pidfd_open_pid(state_pid(st));
	if (pfd < 0)
		return;
	if (alive(st))
		syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
	p = (struct pollfd){.fd = pfd, .events = POLLIN};
	poll(&p, 1, 5000);
	close(pfd);
}

/* --- hooks -------------------------------------------------------------- */

/*
 * The OCI hooks (runtime-spec config.md "POSIX-platform Hooks", runtime.md
 * "Lifecycle").  Each hook is a program run with the container's state
 * on its stdin, its own args and env (as given: no env, an empty
 * environment), killed at its timeout.  Where each kind runs:
 *   prestart, createRuntime  create, in the runtime namespace, once the
 *                            chain's `box-runtime hooks` step says the
 *                            namespaces are made; before pivot_root
 *   createContainer          that step, in the container's namespaces,
 *                            before pivot (the host's tree in view)
 *   startContainer           init, in the container, after start
 *   poststart                start, once the payload is exec'd (warning)
 *   poststop                 delete, after the container is gone (warning)
 * Runtime-namespace hooks come from state.json, in-container ones from
 * the options of the step that runs them.
 */
struct hook {
	const char *path;
	struct argvec args, env; /* args empty: argv is {path} */
	int timeout;		 /* seconds; 0 none */
};

struct hooklist {
	struct hook *v;
	size_t n;
};

static void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void warn(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	logline("warning", buf);
	box_msg("warning: %s", buf);
}

/*
 * Run one hook.  Its stdin is a memfd holding the state, not a pipe: a
 * hook that reads none of it cannot leave us blocked on a full pipe.  It
 * leads a process group of its own, so the kill at its timeout reaches
 * what it started too.  0, or -1 with why in err.
 */
static int run_hook(const struct hook *h, const char *state, char *err,
		    size_t errsz)
{
	static char *noenv[] = {NULL};
	char *argv0[] = {(char *)h->path, NULL};
	int mfd, pfd = -1, status, r = 1, e[2] = {-1, -1}, xerr = 0;
	pid_t pid, self = getpid();

	/* e: the errno of a failed execve, back to us (close-on-exec: EOF
	 * when it succeeds) */
	mfd = memfd_create("state", MFD_CLOEXEC);
	if (mfd < 0 || box_write_all(mfd, state, strlen(state)) < 0 ||
	    lseek(mfd, 0, SEEK_SET) < 0 || pipe2(e, O_CLOEXEC) < 0) {
		snprintf(err, errsz, "pass the state: %s", strerror(errno));
		if (mfd >= 0)
			close(mfd);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		int w = fcntl(e[1], F_DUPFD_CLOEXEC, 3);

		/* a hook lives no longer than the runtime that waits for it
		 * (a create killed by -9 leaves no hook behind) */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != self)
			_exit(EXIT_TOOL);
		setpgid(0, 0);
		if (w < 0 || dup2(mfd, 0) < 0 ||
		    (w != 3 && dup3(w, 3, O_CLOEXEC) < 0))
			_exit(EXIT_TOOL);
		close_fds_from(4);
		execve(h->path, h->args.n ? h->args.v : argv0,
		       h->env.n ? h->env.v : noenv);
		xerr = errno;
		box_write_all(3, &xerr, sizeof(xerr));
		_exit(EXIT_NOTFOUND);
	}
	close(mfd);
	close(e[1]);
	if (pid < 0) {
		close(e[0]);
		snprintf(err, errsz, "fork: %s", strerror(errno));
		return -1;
	}
	if (read(e[0], &xerr, sizeof(xerr)) != sizeof(xerr))
		xerr = 0;
	close(e[0]);
	setpgid(pid, pid); /* as the child does: whichever comes first */
	if (h->timeout) {
		struct pollfd p = {.events = POLLIN};

		p.fd = pfd = pidfd_open_pid(pid);
		if (pfd >= 0) {
			do
				r = poll(&p, 1,
					 h->timeout > INT_MAX / 1000
					     ? -1
					     : h->timeout * 1000);
			while (r < 0 && errno == EINTR);
			close(pfd);
		}
		if (r == 0 || pfd < 0) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(err, errsz, "wait: %s", strerror(errno));
			return -1;
		}
	if (xerr)
		snprintf(err, errsz, "exec: %s", strerror(xerr));
	else if (r == 0)
		snprintf(err, errsz, "timed out after %d s (killed)",
			 h->timeout);
	else if (h->timeout && pfd < 0)
		snprintf(err, errsz, "no pidfd to time it by: %s",
			 strerror(errno));
	else if (WIFSIGNALED(status))
		snprintf(err, errsz, "killed by signal %d", WTERMSIG(status));
	else if (WEXITSTATUS(status))
		snprintf(err, errsz, "exited with status %d",
			 WEXITSTATUS(status));
	else
		return 0;
	return -1;
}

static void hook_free(struct hook *h)
{
	argv_free(&h->args);
	argv_free(&h->env);
}

/* state.json's hooks.KIND[i], as oci.c checked it */
static int hook_from_json(const json_t *e, struct hook *h)
{
	const json_t *x;
	size_t i;

	*h = (struct hook){
	    .path = json_string_value(json_object_get(e, "path")),
	    .timeout = (int)json_integer_value(json_object_get(e, "timeout")),
	};
	json_array_foreach(json_object_get(e, "args"), i, x)
	{
		if (argv_push(&h->args, json_string_value(x)) < 0)
			return -1;
	}
	json_array_foreach(json_object_get(e, "env"), i, x)
	{
		if (argv_push(&h->env, json_string_value(x)) < 0)
			return -1;
	}
	return h->path ? 0 : -1;
}

/*
 * The hooks of one kind, in order, from the runtime.  warn_only
 * (poststart, poststop): a failure is a warning and the rest still run;
 * else the first failure stops them, -1 with why in err.
 */
static int run_hooks(const json_t *hooks, const char *kind, const char *state,
		     bool warn_only, char *err, size_t errsz)
{
	const json_t *e;
	char why[256];
	size_t i;

	json_array_foreach(json_object_get(hooks, kind), i, e)
	{
		struct hook h;
		int r = hook_from_json(e, &h);

		if (r < 0)
			snprintf(why, sizeof(why), "out of memory");
		else
			r = run_hook(&h, state, why, sizeof(why));
		hook_free(&h);
		if (r == 0)
			continue;
		if (!warn_only) {
			snprintf(err, errsz, "%s hook %s: %s", kind,
				 json_string_value(json_object_get(e, "path")),
				 why);
			return -1;
		}
		warn("%s hook %s: %s", kind,
		     json_string_value(json_object_get(e, "path")), why);
	}
	return 0;
}

/* The state a hook gets on stdin, as `state` prints it, with status. */
static char *hook_state(const struct state *st, const char *status)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:s}", "ociVersion",
			      sget(st, "ociVersion"), "id", st->id, "status",
			      status, "pid", (json_int_t)state_pid(st),
			      "bundle", sget(st, "bundle"));
	char *s;

	if (!o)
		return NULL;
	if (json_object_size(json_object_get(st->js, "annotations")))
		json_object_set(o, "annotations",
				json_object_get(st->js, "annotations"));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static bool has_hooks(const struct state *st, const char *kind)
{
	return json_array_size(
		   json_object_get(json_object_get(st->js, "hooks"), kind)) > 0;
}

/* poststop: once the container is gone; failures are warnings */
static void poststop(const struct state *st)
{
	char *s;

	if (!has_hooks(st, "poststop"))
		return;
	s = hook_state(st, "stopped");
	if (!s)
		warn("poststop hooks of %s: out of memory", st->id);
	else
		run_hooks(json_object_get(st->js, "hooks"), "poststop", s, true,
			  NULL, 0);
	free(s);
}

/* create failed once the container was under way: undo it, then the
 * poststop hooks (the spec's "continue the lifecycle at step 12") */
static void teardown(struct state *st)
{
	kill_wait(st);
	remove_cgroup(st);
	remove_state(st);
	poststop(st);
}

/* Every hook's path must name an executable file when create runs, but
 * startContainer's, which is resolved inside the container. */
static void check_hook_paths(const char *text)
{
	json_t *hooks = json_loads(text, 0, NULL), *l, *e;
	const char *kind;
	struct stat sb;
	size_t i;

	if (!hooks)
		die("config.json: hooks: out of memory");
	json_object_foreach(hooks, kind, l)
	{
		if (strcmp(kind, "startContainer") == 0)
			continue;
		json_array_foreach(l, i, e)
		{
			const char *p =
			    json_string_value(json_object_get(e, "path"));

			if (stat(p, &sb) < 0)
				die("config.json: hooks.%s[%zu].path: %s: %s",
				    kind, i, p, strerror(errno));
			if (!S_ISREG(sb.st_mode) || !(sb.st_mode & 0111))
				die("config.json: hooks.%s[%zu].path: %s: "
				    "not an executable file",
				    kind, i, p);
		}
	}
	json_decref(hooks);
}

/* --hook=PATH [--hook-arg=A]... [--hook-env=E]... [--hook-timeout=S]:
 * the options of the in-container steps (oci.c's push_hooks) */
enum { O_HOOK = 'H', O_HOOK_ARG = 'A', O_HOOK_ENV = 'E', O_HOOK_TO = 'T' };

static void hook_option(struct hooklist *l, int c, const char *arg)
{
	struct hook *h;
	unsigned int to;

	if (c == O_HOOK) {
		h = realloc(l->v, (l->n + 1) * sizeof(*h));
		if (!h)
			xdie("out of memory");
		l->v = h;
		l->v[l->n++] = (struct hook){.path = arg};
		if (arg[0] != '/')
			xusage_error("bad --hook '%s': not absolute", arg);
		return;
	}
	if (!l->n)
		xusage_error("--hook-arg, --hook-env, --hook-timeout: after "
			     "a --hook");
	h = &l->v[l->n - 1];
	if (c == O_HOOK_TO) {
		if (parse_uint(arg, &to) < 0 || to == 0 || to > INT_MAX)
			xusage_error("bad --hook-timeout '%s': seconds, at "
				     "least 1",
				     arg);
		h->timeout = (int)to;
	} else if (argv_push(c == O_HOOK_ARG ? &h->args : &h->env, arg) < 0) {
		xdie("out of memory");
	}
}

/* The in-container hooks of one kind; on a failure, say why (to
 * stderr, and in err): -1. */
static int run_hook_list(const struct hooklist *l, const char *kind,
			 const char *state, char *err, size_t errsz)
{
	char why[256];

	for (size_t i = 0; i < l->n; i++)
		if (run_hook(&l->v[i], state, why, sizeof(why)) < 0) {
			snprintf(err, errsz, "%s hook %s: %s", kind,
				 l->v[i].path, why);
			box_msg("%s", err);
			return -1;
		}
	return 0;
}

/* --- commands ----------------------------------------------------------- */

static void shell_quote(FILE *f, const char *s)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"
			    "YZ0123456789_-+=/.,:@%") == strlen(s)) {
		fputs(s, f);
		return;
	}
	putc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			putc(*s, f);
	putc('\'', f);
}

static void print_argv(char **v)
{
	for (size_t i = 0; v[i]; i++) {
		if (i)
			fputs(i > 0 && v[i][0] != '-' && strchr(v[i], '/') &&
				      strncmp(v[i], bindir, strlen(bindir)) == 0
				  ? " \\\n  "
				  : " ",
			      stdout);
		shell_quote(stdout, v[i]);
	}
	putchar('\n');
}

/* ",cpu,memory,...,": every controller a v1 hierarchy serves, from
 * /proc/self/cgroup (its v2 line has none); NULL when there is none */
static const char *v1_ctrls(void)
{
	static char list[512];
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[512];
	size_t n = 1;

	if (!f)
		return NULL;
	list[0] = ',';
	while (fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':'), *e = c ? strchr(c + 1, ':') : NULL;
		size_t l;

		if (!e || e == c + 1 || strncmp(c + 1, "name=", 5) == 0)
			continue;
		l = (size_t)(e - c);
		if (n + l + 1 >= sizeof(list))
			break;
		memcpy(list + n, c + 1, l - 1);
		n += l - 1;
		list[n++] = ',';
	}
	fclose(f);
	list[n] = '\0';
	return n > 1 ? list : NULL;
}

/* A v1 hierarchy serves controller name. */
static bool ctrl_v1(const char *name)
{
	const char *l = v1_ctrls();
	char pat[40];

	snprintf(pat, sizeof(pat), ",%s,", name);
	return l && strstr(l, pat);
}

/* Connect to the engine's console socket (conmon's), before the chain:
 * after the pivot its path is out of reach. */
static int console_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* The pty's master to the engine: SCM_RIGHTS, as runc sends it. */
static int send_master(int sock, int master)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {0}, name[] = "/dev/ptmx";
	struct iovec iov = {.iov_base = name, .iov_len = sizeof(name) - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	return sendmsg(sock, &mh, 0) < 0 ? -1 : 0;
}

/* The container's first PID, as ns-unshare wrote it; 0 when none. */
static pid_t read_pid(const struct state *st)
{
	size_t len;
	char *text = read_file(st->dirfd, "pid", 64, &len);
	pid_t pid = 0;

	if (text && len > 0) {
		text[strcspn(text, "\n")] = '\0';
		if (parse_pid(text, &pid) < 0)
			pid = 0;
	}
	free(text);
	return pid;
}

/*
 * The chain's `box-runtime hooks` step said the namespaces are made:
 * ns-unshare's parent, our child, wrote the PID before it let the first
 * process go on, and has exited.  Run prestart and createRuntime here
 * in the runtime namespace, then send the state to the step, whose
 * createContainer hooks get it too (with the host's PID, which the
 * step cannot see).  A failure undoes the container and dies.
 */
static void create_hooks(struct state *st, pid_t child, int go)
{
	char err[512] = "", *s;
	const json_t *hooks = json_object_get(st->js, "hooks");
	pid_t pid;
	int rc;
	char c;

	while (waitpid(child, &rc, 0) < 0 && errno == EINTR)
		;
	pid = read_pid(st);
	json_object_set_new(st->js, "pid", json_integer(pid));
	json_object_set_new(st->js, "starttime",
			    json_integer((json_int_t)proc_start(pid, &c)));
	state_save(st);
	s = pid > 0 ? hook_state(st, "creating") : NULL;
	/* a step gone meanwhile is EPIPE, not death by SIGPIPE */
	if (!s ||
	    run_hooks(hooks, "prestart", s, false, err, sizeof(err)) < 0 ||
	    run_hooks(hooks, "createRuntime", s, false, err, sizeof(err)) < 0 ||
	    signal(SIGPIPE, SIG_IGN) == SIG_ERR ||
	    box_write_all(go, s, strlen(s)) < 0) {
		if (!s)
			snprintf(err, sizeof(err), "%s",
				 pid > 0 ? "out of memory"
					 : "no first process");
		else if (!err[0])
			snprintf(err, sizeof(err), "send the state: %s",
				 strerror(errno));
		free(s);
		close(go);
		signal(SIGPIPE, SIG_DFL);
		teardown(st);
		die("create %s: %s", st->id, err);
	}
	free(s);
	close(go);
	signal(SIGPIPE, SIG_DFL);
}

struct create_opts {
	const char *bundle, *pidfile, *console;
	bool print_chain;
};

/* create: returns the container's first PID (run waits for it). */

static pid_t do_create(const char *id, const struct create_opts *o)
{
	char bundle[PATH_MAX], err[PATH_MAX + 64], pidpath[PATH_MAX], buf[64];
	struct oci_ctx ctx = {0};
	struct oci_chain ch = {0};
	struct state st = {0};
	struct stat sb;
	int bfd, rfd, fifo, sync[2], sc = -1, rc, cons = -1, sfc;
	int go[2] = {-1, -1}, started = -1, errp[2];
	struct step_err se = {0};
	size_t len;
	char *text, *s;
	pid_t child, pid;
	ssize_t n;
	char c;

	if (!id_ok(id))
		die("bad container id '%.64s': letters, digits, '_-.+', not "
		    "starting with '.' or '-'",
		    id);
	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		die("bundle %s: %s", o->bundle ? o->bundle : ".",
		    strerror(errno));
	bfd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		die("bundle %s: %s", bundle, strerror(errno));
	text = read_file(bfd, "config.json", CONFIG_MAX, &len);
	if (!text)
		die("read %s/config.json: %s", bundle, strerror(errno));
	close(bfd);

	snprintf(pidpath, sizeof(pidpath), "%s/%s/pid", g.root, id);
	ctx = (struct oci_ctx){
	    .bindir = bindir,
	    .bundle = bundle,
	    .id = id,
	    .pidfile = pidpath,
	    .selfexe = selfexe,
	    .fifo_fd = FD_FIFO,
	    .sync_fd = FD_SYNC,
	    .seccomp_fd = FD_SECCOMP,
	    .console_fd = o->console ? FD_CONSOLE : -1,
	    .go_fd = FD_GO,
	    .started_fd = FD_STARTED,
	    .stderr_fd = o->console ? -1 : FD_STDERR,
	    .cgroup2 =
		stat("/sys/fs/cgroup/cgroup.controllers", &sb) == 0 ||
		stat("/sys/fs/cgroup/unified/cgroup.controllers", &sb) == 0,
	};
	ctx.v1_ctrls = v1_ctrls();
	snprintf(err, sizeof(err), "%s/sys-filter", bindir);
	ctx.have_sys_filter = access(err, X_OK) == 0;
	rfd = root_dir(false);
	sfc = ctx.have_sys_filter ? sfcache_open(rfd) : -1;
	if (rfd >= 0)
		close(rfd);
	ctx.sfcache_fd = sfc >= 0 ? FD_SFCACHE : -1;
	if (oci_translate(text, len, &ctx, &ch, err, sizeof(err)) < 0)
		die("%s", err);
	free(text);
	if (ch.hooks)
		check_hook_paths(ch.hooks);
	/* no filter, no cache: a host directory goes only where used */
	if (!ch.seccomp && sfc >= 0) {
		close(sfc);
		sfc = -1;
	}
	if (stat(ch.rootfs, &sb) < 0)
		die("config.json: root.path %s: %s", ch.rootfs,
		    strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		die("config.json: root.path %s: not a directory", ch.rootfs);
	if (o->print_chain) {
		print_argv(ch.cg_create.v);
		print_argv(ch.chain.v);
		oci_chain_free(&ch);
		exit(0);
	}
	debug("chain: %s ...", ch.chain.v[0]);

	/* the state directory, locked for the whole create */
	rfd = root_dir(true);
	if (ch.seccomp && sfc < 0)
		sfcache_make(rfd);
	if (mkdirat(rfd, id, 0700) < 0)
		die(errno == EEXIST ? "container %s exists already"
				    : "make state of %s: %s",
		    id, strerror(errno));
	st.dirfd =
	    openat(rfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	close(rfd);
	snprintf(st.id, sizeof(st.id), "%s", id);
	if (st.dirfd < 0 || flock(st.dirfd, LOCK_EX) < 0)
		die("lock container %s: %s", id, strerror(errno));
	st.js = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:b}", "ociVersion",
			  ch.oci_version, "id", id, "status", "creating", "pid",
			  0, "bundle", bundle, "cgroupPath", ch.cgroup_path,
			  "cgroupRelative", ch.cgroup_relative);
	if (!st.js)
		die("create %s: out of memory", id);
	json_object_set_new(st.js, "annotations",
			    ch.annotations ? json_loads(ch.annotations, 0, NULL)
					   : json_object());
	if (ch.hooks)
		json_object_set_new(st.js, "hooks",
				    json_loads(ch.hooks, 0, NULL));
	state_save(&st);

	if (ch.seccomp) {
		if (write_atomic(st.dirfd, "seccomp.json", ch.seccomp) < 0)
			goto fail_errno;
		sc = openat(st.dirfd, "seccomp.json", O_RDONLY | O_CLOEXEC);
		if (sc < 0)
			goto fail_errno;
	}
	/* The start FIFO, held open read-write by the container (a
	 * read-write open of a FIFO does not wait for a writer): start's
	 * write-only open then finds a reader exactly while init waits. */
	if (mkfifoat(st.dirfd, "exec.fifo", 0600) < 0)
		goto fail_errno;
	fifo = openat(st.dirfd, "exec.fifo", O_RDWR | O_CLOEXEC);
	if (fifo < 0 || pipe2(sync, O_CLOEXEC) < 0 ||
	    pipe2(errp, O_CLOEXEC) < 0)
		goto fail_errno;
	/* hooks: the step's go-ahead; init's report to start (a FIFO, as
	 * start is another process) */
	if (ch.hook_step && pipe2(go, O_CLOEXEC) < 0)
		goto fail_errno;
	if (ch.start_wait && (mkfifoat(st.dirfd, "started.fifo", 0600) < 0 ||
			      (started = openat(st.dirfd, "started.fifo",
						O_RDWR | O_CLOEXEC)) < 0))
		goto fail_errno;
	if (o->console && (cons = console_connect(o->console)) < 0) {
		s = strerror(errno);
		remove_state(&st);
		die("create %s: connect to --console-socket %s: %s", id,
		    o->console, s);
	}

	if ((rc = run_argv(ch.cg_create.v, err, sizeof(err))) != 0) {
		remove_state(&st);
		die("create %s: %s", id, err);
	}

	child = fork();
	if (child < 0)
		goto fail_errno;
	if (child == 0) {
		int f = fcntl(fifo, F_DUPFD_CLOEXEC, 20),
		    y = fcntl(sync[1], F_DUPFD_CLOEXEC, 20),
		    s2 = sc >= 0 ? fcntl(sc, F_DUPFD_CLOEXEC, 20) : -1,
		    g2 = go[0] >= 0 ? fcntl(go[0], F_DUPFD_CLOEXEC, 20) : -1,
		    r2 =
			started >= 0 ? fcntl(started, F_DUPFD_CLOEXEC, 20) : -1,
		    e2 = fcntl(2, F_DUPFD_CLOEXEC, 20),
		    p2 = fcntl(errp[1], F_DUPFD_CLOEXEC, 20),
		    c2 = sfc >= 0 ? fcntl(sfc, F_DUPFD_CLOEXEC, 20) : -1;
		static char *env[] = {
		    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		    "/sbin:/bin",
		    NULL};

		/* a session of its own: the caller's terminal signals
		 * are not the container's */
		setsid();
		int k = cons >= 0 ? fcntl(cons, F_DUPFD_CLOEXEC, 20) : -1;

		if (cons >= 0 && (k < 0 || dup2(k, FD_CONSOLE) < 0))
			_exit(EXIT_TOOL);
		if (f < 0 || y < 0 || dup2(f, FD_FIFO) < 0 ||
		    dup2(y, FD_SYNC) < 0 ||
		    (s2 >= 0 && dup2(s2, FD_SECCOMP) < 0))
			_exit(EXIT_TOOL);
		if (s2 < 0)
			close(FD_SECCOMP);
		if ((g2 >= 0 && dup2(g2, FD_GO) < 0) ||
		    (r2 >= 0 && dup2(r2, FD_STARTED) < 0))
			_exit(EXIT_TOOL);
		/* the steps' errors to create, which folds the failing
		 * one into its own line; init takes the caller's stderr
		 * back from FD_STDERR when it is ready */
		if (e2 < 0 || p2 < 0 || (cons < 0 && dup2(e2, FD_STDERR) < 0) ||
		    dup2(p2, 2) < 0)
			_exit(EXIT_TOOL);
		if (sfc >= 0 && (c2 < 0 || dup2(c2, FD_SFCACHE) < 0))
			_exit(EXIT_TOOL);
		execve(ch.chain.v[0], ch.chain.v, env);
		box_err("exec %s", ch.chain.v[0]);
		_exit(EXIT_NOTFOUND);
	}
	close(sync[1]);
	close(errp[1]);
	se.fd = errp[0];
	close(fifo);
	if (go[0] >= 0)
		close(go[0]);
	if (started >= 0)
		close(started);
	if (sc >= 0)
		close(sc);
	if (sfc >= 0)
		close(sfc);
	if (cons >= 0)
		close(cons);
	/* "h" from the hook step, when there is one; then "r" from init:
	 * every step of the chain is done */
	n = read_sync(sync[0], &se, &c);
	if (n == 1 && c == 'h' && go[1] >= 0) {
		create_hooks(&st, child, go[1]);
		child = 0;
		go[1] = -1;
		n = read_sync(sync[0], &se, &c);
	}
	if (go[1] >= 0)
		close(go[1]);
	close(sync[0]);
	while (child > 0 && waitpid(child, &rc, 0) < 0 && errno == EINTR)
		;
	pid = read_pid(&st);
	if (n != 1 || c != 'r' || pid <= 0) {
		json_object_set_new(st.js, "pid", json_integer(pid));
		json_object_set_new(
		    st.js, "starttime",
		    json_integer((json_int_t)proc_start(pid, &c)));
		teardown(&st);
		die("create %s: %s", id,
		    step_error(&se, "the container's setup failed"));
	}
	/* what the steps wrote on the way (warnings, hooks' output) */
	if (se.len)
		box_write_all(2, se.buf, se.len);
	close(se.fd);
	json_object_set_new(st.js, "pid", json_integer(pid));
	json_object_set_new(st.js, "starttime",
			    json_integer((json_int_t)proc_start(pid, &c)));
	json_object_set_new(st.js, "status", json_string("created"));
	/* kill --all: the processes of this pid namespace */
	snprintf(buf, sizeof(buf), "/proc/%d/ns/pid", (int)pid);
	if (stat(buf, &sb) == 0)
		json_object_set_new(st.js, "pidns",
				    json_integer((json_int_t)sb.st_ino));
	state_save(&st);
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (o->pidfile && write_path_atomic(o->pidfile, buf) < 0) {
		s = strerror(errno);
		kill_wait(&st);
		remove_cgroup(&st);
		remove_state(&st);
		die("create %s: write --pid-file %s: %s", id, o->pidfile, s);
	}
	oci_chain_free(&ch);
	close(st.dirfd);
	json_decref(st.js);
	return pid;

fail_errno:
	s = strerror(errno);
	remove_state(&st);
	die("create %s: %s", id, s);
}

/*
 * start with startContainer or poststart hooks: init's report, read from
 * started.fifo until init's end of it closes at the payload's exec.  "k"
 * then EOF: the startContainer hooks passed and the payload is exec'd;
 * "f" and why: one failed, and init is gone.  NULL, or why.
 */
static const char *start_report(int rep)
{
	static char buf[600];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(buf) - 1 &&
	       (r = read(rep, buf + n, sizeof(buf) - 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	if (n == 1 && buf[0] == 'k')
		return NULL;
	if (n > 1 && buf[0] == 'f')
		return buf + 1;
	return "init is gone before it said";
}

static void do_start(const char *id)
{
	struct state st = {0};
	json_t *hooks;
	char *msg = NULL, *s;
	int fd, rep = -1;

	state_open(id, &st, true);
	if (strcmp(status(&st), "created"))
		die("start %s: the container is %s, not created", id,
		    status(&st));
	/* open before init can be released: a reader must exist when it
	 * reports (O_NONBLOCK: a read-only open waits for no writer) */
	if (has_hooks(&st, "startContainer") || has_hooks(&st, "poststart")) {
		rep = openat(st.dirfd, "started.fifo",
			     O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (rep < 0 || fcntl(rep, F_SETFL, 0) < 0)
			die("start %s: open started.fifo: %s", id,
			    strerror(errno));
	}
	fd = openat(st.dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die("start %s: open exec.fifo: %s", id,
		    errno == ENXIO ? "the container is gone" : strerror(errno));
	/* startContainer hooks get the state: one line after the byte */
	if (has_hooks(&st, "startContainer")) {
		s = hook_state(&st, "created");
		if (!s || asprintf(&msg, "s%s\n", s) < 0)
			die("start %s: out of memory", id);
		free(s);
	}
	/* init gone meanwhile: EPIPE, not death by SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	if (fcntl(fd, F_SETFL, 0) < 0 ||
	    box_write_all(fd, msg ? msg : "s", msg ? strlen(msg) : 1) < 0)
		die("start %s: write exec.fifo: %s", id, strerror(errno));
	signal(SIGPIPE, SIG_DFL);
	free(msg);
	close(fd);
	unlinkat(st.dirfd, "exec.fifo", 0);
	if (rep >= 0) {
		const char *why = start_report(rep);

		close(rep);
		unlinkat(st.dirfd, "started.fifo", 0);
		if (why) {
			kill_wait(&st);
			die("start %s: %s (the container is stopped)", id, why);
		}
	}
	json_object_set_new(st.js, "status", json_string("running"));
	state_save(&st);
	/* poststart: in the runtime namespace, the payload running, the
	 * lock let go (a hook may ask `box-runtime state`) */
	hooks = json_incref(json_object_get(st.js, "hooks"));
	s = has_hooks(&st, "poststart") ? hook_state(&st, "running") : NULL;
	state_close(&st);
	if (s)
		run_hooks(hooks, "poststart", s, true, NULL, 0);
	free(s);
	json_decref(hooks);
}

static void do_state(const char *id)
{
	struct state st = {0};
	json_t *o;
	char *s;

	state_open(id, &st, true);
	o = json_pack(
	    "{s:s,s:s,s:s,s:i,s:s}", "ociVersion", sget(&st, "ociVersion"),
	    "id", id, "status", status(&st), "pid",
	    (json_int_t)(strcmp(status(&st), "stopped") ? state_pid(&st) : 0),
	    "bundle", sget(&st, "bundle"));
	if (!o)
		die("state %s: out of memory", id);
	if (json_object_size(json_object_get(st.js, "annotations")))
		json_object_set(o, "annotations",
				json_object_get(st.js, "annotations"));
	s = json_dumps(o, JSON_INDENT(2));
	if (!s)
		die("state %s: out of memory", id);
	puts(s);
	free(s);
	json_decref(o);
}

/* pause, resume: the freezer of the container's cgroup, by cg-set
 * (v1 freezer.state where a v1 hierarchy has the freezer, else v2's
 * cgroup.freeze) */
static void do_freeze(const char *id, bool freeze)
{
	struct state st = {0};
	char tool[PATH_MAX + 16], set[64], msg[512];
	const char *cg;
	char *argv[7];
	int i = 0;

	state_open(id, &st, true);
	if (strcmp(status(&st), freeze ? "running" : "paused"))
		die("%s %s: the container is %s, not %s",
		    freeze ? "pause" : "resume", id, status(&st),
		    freeze ? "running" : "paused");
	cg = sget(&st, "cgroupPath");
	snprintf(tool, sizeof(tool), "%s/cg-set", bindir);
	if (ctrl_v1("freezer"))
		snprintf(set, sizeof(set), "--set=freezer.state=%s",
			 freeze ? "FROZEN" : "THAWED");
	else
		snprintf(set, sizeof(set), "--set=cgroup.freeze=%d", freeze);
	argv[i++] = tool;
	if (json_is_true(json_object_get(st.js, "cgroupRelative")))
		argv[i++] = "--relative";
	argv[i++] = set;
	argv[i++] = "--";
	argv[i++] = (char *)cg;
	argv[i] = NULL;
	if (run_argv(argv, msg, sizeof(msg)) != 0)
		die("%s %s: %s", freeze ? "pause" : "resume", id, msg);
	json_object_set_new(st.js, "status",
			    json_string(freeze ? "paused" : "running"));
	state_save(&st);
	state_close(&st);
}

/* runc update's flags: each one field of linux.resources */
enum upd_kind { UPD_SIZE, UPD_INT, UPD_STR };
/* X(flag, object of linux.resources, its key, kind); no object: refused */
#define UPDATE_FLAGS(X)                                                        \
	X("memory", "memory", "limit", UPD_SIZE)                               \
	X("memory-swap", "memory", "swap", UPD_SIZE)                           \
	X("memory-reservation", "memory", "reservation", UPD_SIZE)             \
	X("kernel-memory", "memory", "kernel", UPD_SIZE)                       \
	X("kernel-memory-tcp", "memory", "kernelTCP", UPD_SIZE)                \
	X("cpu-shares", "cpu", "shares", UPD_INT)                              \
	X("cpu-quota", "cpu", "quota", UPD_INT)                                \
	X("cpu-period", "cpu", "period", UPD_INT)                              \
	X("cpu-rt-period", "cpu", "realtimePeriod", UPD_INT)                   \
	X("cpu-rt-runtime", "cpu", "realtimeRuntime", UPD_INT)                 \
	X("cpuset-cpus", "cpu", "cpus", UPD_STR)                               \
	X("cpuset-mems", "cpu", "mems", UPD_STR)                               \
	X("pids-limit", "pids", "limit", UPD_INT)                              \
	X("blkio-weight", "blockIO", "weight", UPD_INT)                        \
	X("l3-cache-schema", NULL, "l3CacheSchema", UPD_STR)                   \
	X("mem-bw-schema", NULL, "memBwSchema", UPD_STR)
#define UPD_ROW(f, o, k, kind) {f, o, k, kind},
static const struct {
	const char *flag, *obj, *key;
	enum upd_kind kind;
} upd_flags[] = {UPDATE_FLAGS(UPD_ROW)};
static json_t *upd_set; /* the flags given, as a linux.resources object */

static void upd_flag(const char *flag, const char *arg)
{
	json_t *v, *o;
	uint64_t u;
	int64_t n;
	size_t i;

	for (i = 0; strcmp(upd_flags[i].flag, flag); i++)
		;
	if (!upd_flags[i].obj)
		xusage_error("update --%s: not supported (Intel RDT)",
			     upd_flags[i].flag);
	switch (upd_flags[i].kind) {
	case UPD_SIZE:
		if (strcmp(arg, "-1") == 0)
			v = json_integer(-1);
		else if (parse_bytes(arg, &u) < 0 || u > INT64_MAX)
			xusage_error("bad --%s '%s': a size (64m, 1g) or -1",
				     upd_flags[i].flag, arg);
		else
			v = json_integer((json_int_t)u);
		break;
	case UPD_INT:
		if (parse_s64(arg, &n) < 0)
			xusage_error("bad --%s '%s': a whole number",
				     upd_flags[i].flag, arg);
		v = json_integer((json_int_t)n);
		break;
	default:
		v = json_string(arg);
	}
	if (!upd_set)
		upd_set = json_object();
	o = json_object_get(upd_set, upd_flags[i].obj);
	if (!o)
		json_object_set_new(upd_set, upd_flags[i].obj,
				    o = json_object());
	json_object_set_new(o, upd_flags[i].key, v);
}

/* update --resources FILE ("-": stdin) and/or runc's flags, the flags
 * over the file: cg-set with the limits */
static void do_update(const char *id, const char *file)
{
	struct state st = {0};
	struct oci_ctx ctx = {.bindir = bindir, .id = id};
	struct argvec a = {0};
	char tool[PATH_MAX + 16], err[512];
	char *text;
	size_t len;

	if (!file && !upd_set)
		xusage_error("update %s: needs --resources FILE or a limit "
			     "flag (--memory, --pids-limit, ...)",
			     id);
	state_open(id, &st, true);
	if (!strcmp(status(&st), "stopped"))
		die("update %s: the container is stopped", id);
	text = !file ? strdup("{}")
		     : read_file(strcmp(file, "-") ? AT_FDCWD : 0,
				 strcmp(file, "-") ? file : NULL, CONFIG_MAX,
				 &len);
	if (!text)
		die("update %s: read %s: %s", id, file, strerror(errno));
	if (upd_set) {
		json_error_t je;
		json_t *res = json_loads(text, JSON_REJECT_DUPLICATES, &je);

		if (!json_is_object(res))
			die("update %s: %s: line %d: %s", id, file, je.line,
			    res ? "not an object" : je.text);
		if (json_object_update_recursive(res, upd_set) < 0)
			die("update %s: out of memory", id);
		free(text);
		text = json_dumps(res, JSON_COMPACT);
		json_decref(res);
		if (!text)
			die("update %s: out of memory", id);
	}
	len = strlen(text);
	ctx.v1_ctrls = v1_ctrls();
	ctx.cgroup2 =
	    access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 ||
	    access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) == 0;
	snprintf(tool, sizeof(tool), "%s/cg-set", bindir);
	if (argv_push(&a, tool) < 0 ||
	    (json_is_true(json_object_get(st.js, "cgroupRelative")) &&
	     argv_push(&a, "--relative") < 0))
		die("update %s: out of memory", id);
	if (oci_translate_update(text, len, &ctx, &a, err, sizeof(err)) < 0)
		die("update %s: %s", id, err);
	free(text);
	if (a.n ==
	    1 + (size_t)json_is_true(json_object_get(st.js, "cgroupRelative")))
		return; /* nothing to change */
	if (argv_push(&a, "--") < 0 ||
	    argv_push(&a, sget(&st, "cgroupPath")) < 0)
		die("update %s: out of memory", id);
	if (run_argv(a.v, err, sizeof(err)) != 0)
		die("update %s: %s", id, err);
	argv_free(&a);
	state_close(&st);
}

/* cg-stat --json of the container's cgroup, as runc's stats event. */
static json_t *stats_event(const struct state *st)
{
	char tool[PATH_MAX + 16], buf[8192];
	const char *cg = sget(st, "cgroupPath");
	char *argv[6];
	int p[2], i = 0, status;
	size_t n = 0;
	ssize_t r;
	pid_t pid;
	json_t *cs, *ev;

	snprintf(tool, sizeof(tool), "%s/cg-stat", bindir);
	argv[i++] = tool;
	argv[i++] = "--json";
	if (json_is_true(json_object_get(st->js, "cgroupRelative")))
		argv[i++] = "--relative";
	argv[i++] = "--";
	argv[i++] = (char *)cg;
	argv[i] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		die("events %s: %s", st->id, strerror(errno));
	if (pid == 0) {
		dup2(p[1], 1);
		execv(tool, argv);
		_exit(EXIT_NOTFOUND);
	}
	close(p[1]);
	while (n < sizeof(buf) - 1 &&
	       ((r = read(p[0], buf + n, sizeof(buf) - 1 - n)) > 0 ||
		(r < 0 && errno == EINTR)))
		n += r > 0 ? (size_t)r : 0;
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[n] = '\0';
	cs = json_loads(buf, 0, NULL);
	if (!cs)
		die("events %s: cg-stat failed (it said why)", st->id);
#define CS(k) json_deep_copy(json_object_get(cs, k))
	ev = json_pack(
	    "{s:s,s:s,s:{s:{s:{s:I}},s:{s:{s:o,s:o,s:o}},s:{s:o,s:o}}}", "type",
	    "stats", "id", st->id, "data", "cpu", "usage", "total",
	    (json_int_t)json_integer_value(
		json_object_get(cs, "cpu_usage_usec")) *
		1000,
	    "memory", "usage", "usage", CS("memory_current"), "max",
	    CS("memory_peak"), "limit", CS("memory_max"), "pids", "current",
	    CS("pids_current"), "limit", CS("pids_max"));
#undef CS
	json_decref(cs);
	if (!ev)
		die("events %s: out of memory", st->id);
	return ev;
}

/* events --stats: one stats event; without: one every --interval
 * seconds (default 5) until the container stops */
static void do_events(const char *id, bool stats, unsigned int interval)
{
	for (;;) {
		struct state st = {0};
		json_t *ev;
		char *s;

		state_open(id, &st, true);
		if (!strcmp(status(&st), "stopped")) {
			if (stats)
				die("events %s: the container is not running",
				    id);
			state_close(&st);
			return;
		}
		ev = stats_event(&st);
		state_close(&st);
		s = json_dumps(ev, JSON_COMPACT);
		json_decref(ev);
		if (!s)
			die("events %s: out of memory", id);
		puts(s);
		fflush(stdout);
		free(s);
		if (stats)
			return;
		sleep(interval);
	}
}

/* The PIDs of the container's pid namespace, as the host sees them. */
static json_t *ns_pids(const struct state *st)
{
	json_int_t ns = json_integer_value(json_object_get(st->js, "pidns"));
	json_t *a = json_array();
	struct dirent *e;
	struct stat sb;
	char p[300];
	DIR *d;

	if (!a || !ns || !(d = opendir("/proc")))
		return a;
	while ((e = readdir(d))) {
		pid_t pid;

		if (parse_pid(e->d_name, &pid) < 0)
			continue;
		snprintf(p, sizeof(p), "/proc/%s/ns/pid", e->d_name);
		if (stat(p, &sb) == 0 && (json_int_t)sb.st_ino == ns)
			json_array_append_new(a, json_integer(pid));
	}
	closedir(d);
	return a;
}

/* ps ID: the container's processes (--format json: their PIDs) */
static void do_ps(const char *id, bool json)
{
	struct state st = {0};
	json_t *a, *v;
	size_t i;

	state_open(id, &st, true);
	if (!strcmp(status(&st), "stopped"))
		die("ps %s: the container is not running", id);
	a = ns_pids(&st);
	if (json) {
		char *s = json_dumps(a, JSON_COMPACT);

		if (!s)
			die("ps %s: out of memory", id);
		puts(s);
		free(s);
	} else {
		printf("%-8s %s\n", "PID", "CMD");
		json_array_foreach(a, i, v)
		{
			char path[64], comm[64] = "?";
			int fd;
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%lld/comm",
				 (long long)json_integer_value(v));
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0 &&
			    (n = read(fd, comm, sizeof(comm) - 1)) > 0)
				comm[n - 1] = '\0';
			if (fd >= 0)
				close(fd);
			printf("%-8lld %s\n", (long long)json_integer_value(v),
			       comm);
		}
	}
	json_decref(a);
	state_close(&st);
}

/* list: every container under --root (-q: the IDs only) */
static void do_list(bool json, bool quiet)
{
	json_t *all = json_array();
	struct dirent *e;
	int rfd = root_dir(false);
	DIR *d = rfd >= 0 ? fdopendir(rfd) : NULL;

	if (rfd >= 0 && !d)
		die("list: read %s: %s", g.root, strerror(errno));
	if (!json && !quiet)
		printf("%-24s %-8s %-8s %s\n", "ID", "PID", "STATUS", "BUNDLE");
	while (d && (e = readdir(d))) {
		struct state st = {0};

		if (!id_ok(e->d_name) || state_open(e->d_name, &st, false) < 0)
			continue;
		if (!st.js) {
			state_close(&st);
			continue;
		}
		if (quiet)
			puts(e->d_name);
		else if (json)
			json_array_append_new(
			    all, json_pack("{s:s,s:i,s:s,s:s}", "id", e->d_name,
					   "pid", (json_int_t)state_pid(&st),
					   "status", status(&st), "bundle",
					   sget(&st, "bundle")));
		else
			printf("%-24s %-8d %-8s %s\n", e->d_name,
			       (int)state_pid(&st), status(&st),
			       sget(&st, "bundle"));
		state_close(&st);
	}
	if (d)
		closedir(d);
	if (json) {
		char *s = json_dumps(all, JSON_COMPACT);

		puts(s ? s : "[]");
		free(s);
	}
	json_decref(all);
}

/* Every process in the container's pid namespace (kill --all). */
static void kill_all(const struct state *st, int sig)
{
	json_int_t ns = json_integer_value(json_object_get(st->js, "pidns"));
	struct stat self, sb;
	DIR *d;
	struct dirent *e;
	char p[300];

	if (!ns || stat("/proc/self/ns/pid", &self) < 0 ||
	    (json_int_t)self.st_ino == ns)
		die("kill --all %s: the container has no pid namespace of "
		    "its own",
		    st->id);
	d = opendir("/proc");
	if (!d)
		die("kill --all %s: read /proc: %s", st->id, strerror(errno));
	while ((e = readdir(d))) {
		pid_t pid;

		if (parse_pid(e->d_name, &pid) < 0)
			continue;
		snprintf(p, sizeof(p), "/proc/%s/ns/pid", e->d_name);
		if (stat(p, &sb) == 0 && (json_int_t)sb.st_ino == ns) {
			int fd = pidfd_open_pid(pid);

			if (fd >= 0) {
				syscall(SYS_pidfd_send_signal, fd, sig, NULL,
					0);
				close(fd);
			}
		}
	}
	closedir(d);
}

static void do_kill(const char *id, const char *sigs, bool all)
{
	struct state st = {0};
	int sig = SIGTERM, fd;

	if (sigs && parse_signal(sigs, &sig) < 0)
		die("kill %s: bad signal '%.32s'", id, sigs);
	state_open(id, &st, true);
	/* "container not running", runc's words: the containerd shim
	 * takes them for a process already gone (NotFound), not a
	 * failure of kill */
	if (!alive(&st))
		die("kill %s: container not running", id);
	if (all) {
		kill_all(&st, sig);
		return;
	}
	/* by pidfd, taken and checked against the start time: a PID that
	 * was recycled meanwhile is not signalled */
	fd = pidfd_open_pid(state_pid(&st));
	if (fd < 0 || !alive(&st))
		die("kill %s: container not running", id);
	if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
		die("kill %s: %s", id, strerror(errno));
	close(fd);
}

static void do_delete(const char *id, bool force)
{
	struct state st = {0};

	if (state_open(id, &st, !force) < 0)
		return; /* --force: nothing there is success */
	if (st.js) {
		const char *s = status(&st);

		if (!force && strcmp(s, "stopped") && strcmp(s, "created"))
			die("delete %s: the container is %s (stop it, or "
			    "delete --force)",
			    id, s);
		kill_wait(&st);
		remove_cgroup(&st);
	}
	remove_state(&st);
	if (st.js)
		poststop(&st);
	state_close(&st);
}

struct exec_opts {
	const char *process, *pidfile, *cwd, *user, *console;
	json_t *env, *caps; /* --env, --cap */
	bool detach, tty;
};

/* exec without --process: the container's own process, with the
 * command line's args, cwd, env and user over it */
static char *exec_process(const struct state *st, const struct exec_opts *o,
			  int argc, char **argv)
{
	char *text, *out;
	size_t len;
	json_t *cfg, *proc, *args, *env;
	int bfd;

	if (o->process) {
		text = read_file(AT_FDCWD, o->process, CONFIG_MAX, &len);
		if (!text)
			die("exec %s: read --process %s: %s", st->id,
			    o->process, strerror(errno));
		if (!o->tty)
			return text;
		/* --tty over the file's "terminal", as runc takes it */
		proc = json_loadb(text, len, 0, NULL);
		free(text);
		if (!json_is_object(proc))
			die("exec %s: --process %s: not a JSON object", st->id,
			    o->process);
		json_object_set_new(proc, "terminal", json_true());
		out = json_dumps(proc, JSON_COMPACT);
		json_decref(proc);
		if (!out)
			die("exec %s: out of memory", st->id);
		return out;
	}
	if (argc < 1)
		die("exec %s: no --process and no command", st->id);
	bfd = open(sget(st, "bundle"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	text = bfd < 0 ? NULL : read_file(bfd, "config.json", CONFIG_MAX, &len);
	cfg = text ? json_loadb(text, len, 0, NULL) : NULL;
	free(text);
	if (bfd >= 0)
		close(bfd);
	proc = cfg ? json_object_get(cfg, "process") : NULL;
	if (!json_is_object(proc))
		die("exec %s: read the bundle's config.json: %s", st->id,
		    cfg ? "no process" : strerror(errno));
	args = json_array();
	for (int i = 0; i < argc; i++)
		json_array_append_new(args, json_string(argv[i]));
	json_object_set_new(proc, "args", args);
	env = json_object_get(proc, "env");
	if (!json_is_array(env))
		json_object_set_new(proc, "env", env = json_array());
	json_array_extend(env, o->env);
	if (o->cwd)
		json_object_set_new(proc, "cwd", json_string(o->cwd));
	if (o->user) {
		unsigned int uid, gid = 0;
		char *colon = strchr(o->user, ':');

		if (colon)
			*colon = '\0';
		if (parse_uint(o->user, &uid) < 0 ||
		    (colon && parse_uint(colon + 1, &gid) < 0))
			xusage_error("exec: bad --user: UID[:GID] in numbers");
		json_object_set_new(proc, "user",
				    json_pack("{s:I,s:I}", "uid",
					      (json_int_t)uid, "gid",
					      (json_int_t)gid));
	}
	if (o->tty)
		json_object_set_new(proc, "terminal", json_true());
	else
		json_object_del(proc, "terminal");
	out = json_dumps(proc, JSON_COMPACT);
	json_decref(cfg);
	if (!out)
		die("exec %s: out of memory", st->id);
	return out;
}

/* exec --cap: each capability added to the process's five sets, as
 * runc adds them (the process's own or the config's) */
static char *exec_add_caps(const struct state *st, char *text, json_t *add)
{
	static const char *const sets[] = {
	    "bounding", "effective", "inheritable", "permitted", "ambient"};
	json_t *proc = json_loads(text, JSON_REJECT_DUPLICATES, NULL), *caps;
	char *out;

	if (!json_is_object(proc))
		die("exec %s: the process is not a JSON object", st->id);
	caps = json_object_get(proc, "capabilities");
	if (!json_is_object(caps))
		json_object_set_new(proc, "capabilities", caps = json_object());
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		json_t *set = json_object_get(caps, sets[i]), *c;
		size_t j, k;

		if (!json_is_array(set))
			json_object_set_new(caps, sets[i], set = json_array());
		json_array_foreach(add, j, c)
		{
			for (k = 0; k < json_array_size(set); k++)
				if (json_equal(json_array_get(set, k), c))
					break;
			if (k == json_array_size(set))
				json_array_append(set, c);
		}
	}
	out = json_dumps(proc, JSON_COMPACT);
	json_decref(proc);
	free(text);
	if (!out)
		die("exec %s: out of memory", st->id);
	return out;
}

static int do_exec(const char *id, const struct exec_opts *o, int argc,
		   char **argv)
{
	struct state st = {0};
	struct oci_ctx ctx = {0};
	struct oci_chain ch = {0};
	char err[PATH_MAX + 64], buf[32], path[PATH_MAX];
	int sc, sfc = -1, rfd, wstatus, cons = -1, sync[2], errp[2];
	struct step_err se = {0};
	char *text, *s, c;
	pid_t child;
	ssize_t n;

	state_open(id, &st, true);
	if (strcmp(status(&st), "running"))
		die("exec %s: the container is %s, not running", id,
		    status(&st));
	text = exec_process(&st, o, argc, argv);
	if (json_array_size(o->caps))
		text = exec_add_caps(&st, text, o->caps);
	ctx = (struct oci_ctx){.bindir = bindir,
			       .bundle = sget(&st, "bundle"),
			       .id = id,
			       .selfexe = selfexe,
			       .fifo_fd = -1,
			       .sync_fd = FD_SYNC,
			       .seccomp_fd = FD_SECCOMP,
			       .console_fd = o->console ? FD_CONSOLE : -1,
			       /* with a terminal the pty is its stderr:
				* no step may hold the engine's (the
				* shim reads it to its end before it
				* takes the pty) */
			       .stderr_fd = o->console ? -1 : FD_STDERR,
			       .have_sys_filter = true};
	sc = openat(st.dirfd, "seccomp.json", O_RDONLY | O_CLOEXEC);
	if (sc >= 0) {
		rfd = root_dir(false);
		sfc = sfcache_open(rfd);
		if (rfd >= 0)
			close(rfd);
		ctx.sfcache_fd = sfc >= 0 ? FD_SFCACHE : -1;
	}
	if (oci_translate_exec(text, strlen(text), &ctx, (int)state_pid(&st),
			       sc >= 0, &ch, err, sizeof(err)) < 0)
		die("exec %s: %s", id, err);
	free(text);
	state_close(&st);
	/* the engine's console socket, connected while its path is still
	 * in reach: init sends it the master of a pty it opens inside */
	if (o->console && (cons = console_connect(o->console)) < 0) {
		s = strerror(errno);
		die("exec %s: connect to --console-socket %s: %s", id,
		    o->console, s);
	}
	/* init says "r" on the sync pipe once the process is in the
	 * container: exec --detach returns no sooner (the containerd
	 * shim lists the container's processes right after); until
	 * then the steps' errors come to us, for exec's one line */
	if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		die("exec %s: pipe: %s", id, strerror(errno));

	child = fork();
	if (child < 0)
		die("exec %s: fork: %s", id, strerror(errno));
	if (child == 0) {
		int y = fcntl(sync[1], F_DUPFD_CLOEXEC, 20),
		    e2 = fcntl(2, F_DUPFD_CLOEXEC, 20),
		    p2 = fcntl(errp[1], F_DUPFD_CLOEXEC, 20), nul;

		/* the profile, the console socket and sys-filter's cache
		 * at the fds the chain is told, before the tools below
		 * take the low fds (moved up first: any may sit at
		 * another's number) */
		if (sc >= 0 && (sc = fcntl(sc, F_DUPFD_CLOEXEC, 20)) < 0)
			xdie_errno("exec: pass the seccomp profile");
		if (cons >= 0 && (cons = fcntl(cons, F_DUPFD_CLOEXEC, 20)) < 0)
			xdie_errno("exec: pass the console socket");
		if (sfc >= 0 && (sfc = fcntl(sfc, F_DUPFD_CLOEXEC, 20)) < 0)
			xdie_errno("exec: pass the sys-filter cache");
		if (sc >= 0 && dup2(sc, FD_SECCOMP) < 0)
			xdie_errno("exec: pass the seccomp profile");
		if (cons >= 0 && dup2(cons, FD_CONSOLE) < 0)
			xdie_errno("exec: pass the console socket");
		if (sfc >= 0 && dup2(sfc, FD_SFCACHE) < 0)
			xdie_errno("exec: pass the sys-filter cache");
		if (y < 0 || e2 < 0 || p2 < 0 || dup2(y, FD_SYNC) < 0 ||
		    (cons < 0 && dup2(e2, FD_STDERR) < 0))
			xdie_errno("exec: pass the sync pipe and stderr");
		/* With a terminal the process's stdio is the pty, and the
		 * engine's stdout must not stay open in the steps that
		 * wait beside the process (ns-enter's parent): the
		 * containerd shim reads it to its end before it takes
		 * the pty's master. */
		if (dup2(p2, 2) < 0 ||
		    (cons >= 0 &&
		     ((nul = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
		      dup2(nul, 0) < 0 || dup2(p2, 1) < 0)))
			xdie_errno("exec: redirect the chain's stdio");
		/* ns-enter lands in the container's mount namespace, where
		 * no host path is reachable: the tools of the chain travel
		 * as sealed fds (the BOX_HOST_TOOLS convention) */
		for (size_t i = 0; i < ch.chain.n; i++) {
			const char *w = ch.chain.v[i];
			int fd;

			if (strncmp(w, bindir, strlen(bindir)) != 0 ||
			    w[strlen(bindir)] != '/' || host_tool_fd(w) >= 0)
				continue;
			fd = exec_load_sealed(w, path, sizeof(path));
			if (fd < 0 || host_tool_add(w, fd) < 0)
				xdie_errno("exec: load %s", w);
			if (strcmp(w, selfexe) == 0)
				break; /* the payload's words follow */
		}
		clearenv();
		setenv("PATH",
		       "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		       "/sbin:/bin",
		       1);
		xexec((int)ch.chain.n, ch.chain.v);
	}
	if (sc >= 0)
		close(sc);
	if (cons >= 0)
		close(cons);
	if (sfc >= 0)
		close(sfc);
	oci_chain_free(&ch);
	close(sync[1]);
	close(errp[1]);
	se.fd = errp[0];
	n = read_sync(sync[0], &se, &c);
	close(sync[0]);
	if (n != 1 || c != 'r') {
		while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR)
			;
		die("exec %s: %s", id,
		    step_error(&se, "the process's setup failed"));
	}
	if (se.len)
		box_write_all(2, se.buf, se.len);
	/* waiting: what ns-enter's parent may still say, to its end
	 * (with --detach the engine takes over) */
	while (!o->detach && !se.eof) {
		char b2[4096];
		ssize_t r = read(se.fd, b2, sizeof(b2));

		if (r > 0)
			box_write_all(2, b2, (size_t)r);
		else if (r == 0 || errno != EINTR)
			break;
	}
	close(se.fd);
	snprintf(buf, sizeof(buf), "%d", (int)child);
	if (o->pidfile && write_path_atomic(o->pidfile, buf) < 0)
		die("exec %s: write --pid-file %s: %s", id, o->pidfile,
		    strerror(errno));
	/* --detach: the caller (conmon) reaps it; ns-enter passes the
	 * process's status on as its own */
	if (o->detach)
		return 0;
	while (waitpid(child, &wstatus, 0) < 0)
		if (errno != EINTR)
			die("exec %s: wait: %s", id, strerror(errno));
	return status_to_exit(wstatus);
}

/* --- init: the chain's last step, inside the container ------------------ */

static const struct {
	const char *name;
	int res;
} rlimits[] = {
    {"AS", RLIMIT_AS},
    {"CORE", RLIMIT_CORE},
    {"CPU", RLIMIT_CPU},
    {"DATA", RLIMIT_DATA},
    {"FSIZE", RLIMIT_FSIZE},
    {"LOCKS", RLIMIT_LOCKS},
    {"MEMLOCK", RLIMIT_MEMLOCK},
    {"MSGQUEUE", RLIMIT_MSGQUEUE},
    {"NICE", RLIMIT_NICE},
    {"NOFILE", RLIMIT_NOFILE},
    {"NPROC", RLIMIT_NPROC},
    {"RSS", RLIMIT_RSS},
    {"RTPRIO", RLIMIT_RTPRIO},
    {"RTTIME", RLIMIT_RTTIME},
    {"SIGPENDING", RLIMIT_SIGPENDING},
    {"STACK", RLIMIT_STACK},
};

static void set_rlimit(const char *spec)
{
	const char *eq = strchr(spec, '='), *colon;
	char num[32];
	uint64_t soft, hard;
	size_t i;

	colon = eq ? strchr(eq, ':') : NULL;
	for (i = 0; eq && i < ARRAY_SIZE(rlimits); i++)
		if (strlen(rlimits[i].name) == (size_t)(eq - spec) &&
		    strncmp(spec, rlimits[i].name, (size_t)(eq - spec)) == 0)
			break;
	if (!eq || !colon || i == ARRAY_SIZE(rlimits) ||
	    (size_t)(colon - eq - 1) >= sizeof(num))
		xusage_error("bad --rlimit '%s': NAME=SOFT:HARD", spec);
	snprintf(num, sizeof(num), "%.*s", (int)(colon - eq - 1), eq + 1);
	if (parse_u64(num, &soft) < 0 || parse_u64(colon + 1, &hard) < 0 ||
	    soft > hard)
		xusage_error("bad --rlimit '%s': NAME=SOFT:HARD", spec);
	if (setrlimit(rlimits[i].res,
		      &(struct rlimit){.rlim_cur = soft, .rlim_max = hard}) < 0)
		xdie_errno("set rlimit %s", spec);
}

/* --ioprio CLASS:LEVEL (linux.ioPriority, classes as the kernel's) */
static void set_ioprio(const char *spec)
{
	unsigned int cl, lv;
	char end;

	if (sscanf(spec, "%u:%u%c", &cl, &lv, &end) != 2 || cl < 1 || cl > 3 ||
	    lv > 7)
		xusage_error("bad --ioprio '%s': CLASS:LEVEL", spec);
	/* IOPRIO_PRIO_VALUE: the class above 13 bits of data */
	if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0,
		    (int)(cl << 13 | lv)) < 0)
		xdie_errno("set I/O priority %s", spec);
}

/* --sched POLICY:NICE:PRIORITY:FLAGS:RUNTIME:DEADLINE:PERIOD, numbers as
 * sched_setattr(2) takes them (process.scheduler) */
static void set_sched(const char *spec)
{
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
		uint64_t runtime, deadline, period;
	} at = {.size = 48};
	long long nice;
	char end;

	if (sscanf(spec,
		   "%u:%lld:%u:%" SCNu64 ":%" SCNu64 ":%" SCNu64 ":%" SCNu64
		   "%c",
		   &at.policy, &nice, &at.priority, &at.flags, &at.runtime,
		   &at.deadline, &at.period, &end) != 7 ||
	    nice < -20 || nice > 19)
		xusage_error("bad --sched '%s'", spec);
	at.nice = (int32_t)nice;
	if (syscall(SYS_sched_setattr, 0, &at, 0) < 0)
		xdie_errno("set the scheduler (%s)",
			   errno == EPERM ? "needs CAP_SYS_NICE" : spec);
}

/* The state start sends after its byte: one line, read from the FIFO. */
static char *start_state(int fifo)
{
	size_t n = 0, cap = 1024;
	char *buf = malloc(cap), *nb;
	ssize_t r;

	if (!buf)
		xdie("read the state from start: out of memory");
	while (n == 0 || buf[n - 1] != '\n') {
		if (n == cap) {
			if (cap >= (1 << 20) || !(nb = realloc(buf, cap * 2)))
				xdie("read the state from start: too long");
			buf = nb;
			cap *= 2;
		}
		r = read(fifo, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			xdie("read the state from start: %s",
			     r ? strerror(errno) : "end of file");
		n += (size_t)r;
	}
	buf[n - 1] = '\0';
	return buf;
}

static _Noreturn void do_init(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"fifo-fd", required_argument, NULL, 'f'},
	    {"sync-fd", required_argument, NULL, 's'},
	    {"cwd", required_argument, NULL, 'c'},
	    {"umask", required_argument, NULL, 'u'},
	    {"oom-score-adj", required_argument, NULL, 'o'},
	    {"rlimit", required_argument, NULL, 'r'},
	    {"env", required_argument, NULL, 'e'},
	    {"console-fd", required_argument, NULL, 't'},
	    {"console-size", required_argument, NULL, 'z'},
	    {"ioprio", required_argument, NULL, 'i'},
	    {"sched", required_argument, NULL, 'S'},
	    {"personality", required_argument, NULL, 'P'},
	    {"started-fd", required_argument, NULL, 'k'},
	    {"stderr-fd", required_argument, NULL, 'y'},
	    {"hook", required_argument, NULL, O_HOOK},
	    {"hook-arg", required_argument, NULL, O_HOOK_ARG},
	    {"hook-env", required_argument, NULL, O_HOOK_ENV},
	    {"hook-timeout", required_argument, NULL, O_HOOK_TO},
	    {NULL, 0, NULL, 0},
	};
	struct hooklist hooks = {0};
	unsigned int fifo = 0, sync = 0, um = 0, started = 0, errfd = 0;
	const char *cwd = NULL, *oom = NULL;
	char **env = calloc((size_t)argc + 1, sizeof(*env));
	size_t nenv = 0;
	bool set_umask = false;
	unsigned int cons = 0;
	struct winsize ws = {0};
	int c;
	char b;

	if (!env)
		xdie("out of memory");
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:", lo, NULL)) != -1) {
		/* every option of init takes a value */
		const char *arg = optarg ? optarg : "";

		switch (c) {
		case 'f':
		case 's':
			if (parse_uint(arg, c == 'f' ? &fifo : &sync) < 0 ||
			    (c == 'f' ? fifo : sync) < 3)
				xusage_error("bad --%s-fd %s",
					     c == 'f' ? "fifo" : "sync",
					     optarg);
			break;
		case 'c':
			cwd = arg;
			break;
		case 'u': {
			char *end;

			errno = 0;
			um = (unsigned int)strtoul(arg, &end, 8);
			if (!*arg || *end || errno || um > 0777)
				xusage_error("bad --umask %s", arg);
			set_umask = true;
			break;
		}
		case 'o':
			oom = arg;
			break;
		case 'r':
			set_rlimit(arg);
			break;
		case 'e':
			env[nenv++] = (char *)arg;
			break;
		case 't':
			if (parse_uint(arg, &cons) < 0 || cons < 3)
				xusage_error("bad --console-fd %s", arg);
			break;
		case 'z':
			if (sscanf(arg, "%hu:%hu", &ws.ws_row, &ws.ws_col) != 2)
				xusage_error("bad --console-size %s: ROWS:COLS",
					     arg);
			break;
		case 'i':
			set_ioprio(arg);
			break;
		case 'S':
			set_sched(arg);
			break;
		case 'P':
			if (strcmp(arg, "LINUX") && strcmp(arg, "LINUX32"))
				xusage_error("bad --personality %s: LINUX or "
					     "LINUX32",
					     arg);
			if (personality(arg[5] ? PER_LINUX32 : PER_LINUX) < 0)
				xdie_errno("set personality %s", arg);
			break;
		case 'k':
			if (parse_uint(arg, &started) < 0 || started < 3)
				xusage_error("bad --started-fd %s", arg);
			break;
		case 'y':
			if (parse_uint(arg, &errfd) < 0 || errfd < 3)
				xusage_error("bad --stderr-fd %s", arg);
			break;
		case O_HOOK:
		case O_HOOK_ARG:
		case O_HOOK_ENV:
		case O_HOOK_TO:
			hook_option(&hooks, c, arg);
			break;
		default:
			xbad_option(c, argv);
		}
	}
	if ((fifo && !sync) || optind >= argc || (started && !fifo) ||
	    (hooks.n && !started))
		xusage_error("init: --fifo-fd needs --sync-fd, --started-fd "
			     "and --hook need both, and a prog is needed");
	/* process.terminal: a pty of the container's own devpts (so the
	 * program's ttyname() finds it), its master to the engine, its
	 * slave our stdio and the controlling terminal of a session of
	 * our own (we are no group leader: setsid works) */
	if (cons) {
		int slave, master = pty_open("/dev/ptmx", &slave);

		if (master < 0)
			xdie_errno("open a terminal on /dev/ptmx");
		if (ws.ws_row && ws.ws_col)
			ioctl(master, TIOCSWINSZ, &ws);
		if (send_master((int)cons, master) < 0)
			xdie_errno("send the terminal to the console socket");
		close(master);
		close((int)cons);
		if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 ||
		    dup2(slave, 0) < 0 || dup2(slave, 1) < 0 ||
		    dup2(slave, 2) < 0)
			xdie_errno("make the terminal ours");
		close(slave);
	}
	if (oom) {
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, oom, strlen(oom)) < 0)
			xdie_errno("set oom_score_adj %s", oom);
		close(fd);
	}
	if (cwd && chdir(cwd) < 0)
		xdie_errno("chdir %s (process.cwd)", cwd);
	/* The caller's stderr back (the pty's slave is stderr already): up
	 * to here create has read ours, to fold a failure into its line */
	if (errfd) {
		if (!cons && dup2((int)errfd, 2) < 0)
			xdie_errno("take back stderr");
		close((int)errfd);
	}
	/* Ready: create returns.  Then wait for start's byte; the FIFO
	 * is open read-write here, so the read blocks until it comes.
	 * (exec has neither: its process runs at once.) */
	if (sync && write((int)sync, "r", 1) != 1)
		xdie_errno("tell create we are ready");
	if (sync)
		close((int)sync);
	while (fifo && read((int)fifo, &b, 1) < 0)
		if (errno != EINTR)
			xdie_errno("wait for start");
	/* startContainer: after start, before the payload, in here; the
	 * state follows start's byte as one line */
	if (hooks.n) {
		char *line = start_state((int)fifo), why[512] = "f";

		if (run_hook_list(&hooks, "startContainer", line, why + 1,
				  sizeof(why) - 1) < 0) {
			box_write_all((int)started, why, strlen(why));
			exit(EXIT_TOOL);
		}
		free(line);
	}
	if (fifo)
		close((int)fifo);
	/* the report: "k", and EOF when the payload's exec closes our end
	 * (it moves to fd 3, above which the rest are closed) */
	if (started && (box_write_all((int)started, "k", 1) < 0 ||
			dup3((int)started, 3, O_CLOEXEC) < 0))
		xdie_errno("tell start the hooks passed");
	close_fds_from(started ? 4 : 3);
	if (clearenv() != 0)
		xdie("clear the environment");
	for (size_t i = 0; i < nenv; i++)
		if (putenv(env[i]) != 0)
			xdie_errno("set %s", env[i]);
	if (set_umask)
		umask(um);
	xexec(argc - optind, argv + optind);
}

/* --- hooks: the chain's step before pivot, when the config has hooks --- */

/*
 * box-runtime hooks --sync-fd=N --go-fd=N [--hook=PATH ...] PROG...: in
 * the container's namespaces, before pivot.  Says "h" to create, reads
 * the state create sends once its prestart and createRuntime hooks
 * passed (EOF without it: create gave up, and said why), runs the
 * createContainer hooks with it, then execs the rest of the chain.
 */
static _Noreturn void do_hook_step(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"sync-fd", required_argument, NULL, 's'},
	    {"go-fd", required_argument, NULL, 'g'},
	    {"hook", required_argument, NULL, O_HOOK},
	    {"hook-arg", required_argument, NULL, O_HOOK_ARG},
	    {"hook-env", required_argument, NULL, O_HOOK_ENV},
	    {"hook-timeout", required_argument, NULL, O_HOOK_TO},
	    {NULL, 0, NULL, 0},
	};
	struct hooklist l = {0};
	unsigned int sync = 0, go = 0;
	size_t len;
	char *state, why[512];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+:", lo, NULL)) != -1) {
		switch (c) {
		case 's':
		case 'g':
			if (parse_uint(optarg, c == 's' ? &sync : &go) < 0 ||
			    (c == 's' ? sync : go) < 3)
				xusage_error("bad --%s-fd %s",
					     c == 's' ? "sync" : "go", optarg);
			break;
		case O_HOOK:
		case O_HOOK_ARG:
		case O_HOOK_ENV:
		case O_HOOK_TO:
			hook_option(&l, c, optarg);
			break;
		default:
			xbad_option(c, argv);
		}
	}
	if (!sync || !go || optind >= argc)
		xusage_error("hooks: --sync-fd, --go-fd and a prog are needed");
	if (box_write_all((int)sync, "h", 1) < 0)
		xdie_errno("tell create the namespaces are made");
	state = read_file((int)go, NULL, 1 << 20, &len);
	if (!state)
		xdie_errno("read the state from create");
	close((int)go);
	if (len == 0)
		exit(EXIT_TOOL); /* create gave up, and said why */
	if (run_hook_list(&l, "createContainer", state, why, sizeof(why)) < 0)
		exit(EXIT_TOOL);
	free(state);
	xexec(argc - optind, argv + optind);
}

/* --- the command line ---------------------------------------------------- */

static _Noreturn void usage(void)
{
	printf("Usage: %s [global options] COMMAND [options] ID\n"
	       "An OCI runtime (runc's command line) that runs config.json as "
	       "a chain of\nthe boxutils tools.\n\n"
	       "Global options:\n"
	       "      --root DIR          state directory (default "
	       "/run/box-runtime)\n"
	       "      --log FILE          log errors to FILE too\n"
	       "      --log-format text|json\n"
	       "      --debug             log the steps\n"
	       "      --systemd-cgroup    refused: cgroups are made by "
	       "cg-create\n"
	       "  -h, --help              show this help\n"
	       "  -v, --version           show the version\n\n"
	       "Commands:\n"
	       "  create --bundle DIR [--pid-file FILE] [--print-chain] ID\n"
	       "  start ID\n"
	       "  state ID\n"
	       "  kill [--all] ID [SIGNAL]\n"
	       "  delete [--force] ID\n"
	       "  pause ID, resume ID\n"
	       "  update --resources FILE|- ID\n"
	       "  ps [--format table|json] ID\n"
	       "  events [--stats] [--interval SECONDS] ID\n"
	       "  list [--format table|json] [--quiet]\n"
	       "  run --bundle DIR [--pid-file FILE] ID\n"
	       "  exec [--process FILE] [--detach] [--pid-file FILE] "
	       "[--cwd DIR]\n"
	       "       [--env VAR=VAL] [--user UID[:GID]] "
	       "[--tty --console-socket SOCK]\n"
	       "       ID [ARGS...]\n"
	       "  spec [--bundle DIR]\n"
	       "  features\n",
	       box_prog);
	exit(0);
}

enum {
	O_BUNDLE = 256,
	O_PIDFILE,
	O_CONSOLE,
	O_NOPIVOT,
	O_NOKEYRING,
	O_PRINT,
	O_FORCE,
	O_ALL,
	O_DETACH,
	O_PROCESS,
	O_CWD,
	O_CAP,
	O_FORMAT,
	O_STATS,
	O_INTERVAL,
	O_UPDATE, /* update's flags (upd_flags) */
};
static const char *resources;
static bool fmt_json, quiet, stats;
static unsigned int interval = 5;

static const struct option cmd_opts[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"pid-file", required_argument, NULL, O_PIDFILE},
    {"console-socket", required_argument, NULL, O_CONSOLE},
    {"no-pivot", no_argument, NULL, O_NOPIVOT},
    {"no-new-keyring", no_argument, NULL, O_NOKEYRING},
    {"print-chain", no_argument, NULL, O_PRINT},
    {"force", no_argument, NULL, 'f'},
    {"all", no_argument, NULL, 'a'},
    {"detach", no_argument, NULL, 'd'},
    {"process", required_argument, NULL, 'p'},
    {"tty", no_argument, NULL, 't'},
    {"cwd", required_argument, NULL, O_CWD},
    {"env", required_argument, NULL, 'e'},
    {"user", required_argument, NULL, 'u'},
    {"cap", required_argument, NULL, O_CAP},
    {"resources", required_argument, NULL, 'r'},
    {"format", required_argument, NULL, O_FORMAT},
    {"quiet", no_argument, NULL, 'q'},
    {"stats", no_argument, NULL, O_STATS},
    {"interval", required_argument, NULL, O_INTERVAL},
    {"help", no_argument, NULL, 'h'},
#define UPD_OPT(f, o, k, kind) {f, required_argument, NULL, O_UPDATE},
    /* clang-format off */
    UPDATE_FLAGS(UPD_OPT)
    /* clang-format on */
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
	static const struct option glob[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"log", required_argument, NULL, 'l'},
	    {"log-format", required_argument, NULL, 'F'},
	    {"debug", no_argument, NULL, 'D'},
	    {"systemd-cgroup", optional_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'v'},
	    {NULL, 0, NULL, 0},
	};
	struct create_opts co = {0};
	struct exec_opts eo = {.env = json_array(), .caps = json_array()};
	bool force = false, all = false, detach = false, systemd = false;
	const char *cmd;
	int c, li = 0;

	box_init(argc, argv);
	/* the chain's last step: not a runc command, and no global
	 * options before it */
	if (argc > 1 && strcmp(argv[1], "init") == 0)
		do_init(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "hooks") == 0)
		do_hook_step(argc - 1, argv + 1);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hv", glob, NULL)) != -1) {
		switch (c) {
		case 'r':
			g.root = optarg;
			break;
		case 'l':
			g.log = optarg;
			break;
		case 'F':
			if (!optarg ||
			    (strcmp(optarg, "json") && strcmp(optarg, "text")))
				xusage_error("bad --log-format '%s': text or "
					     "json",
					     optarg);
			g.log_json = optarg[0] == 'j';
			break;
		case 'D':
			g.debug = true;
			break;
		case 'S':
			/* runc's boolean flag: =false is the cgroupfs
			 * manager, which is ours */
			if (optarg && strcmp(optarg, "false") &&
			    strcmp(optarg, "true"))
				xusage_error("bad --systemd-cgroup=%s: true or "
					     "false",
					     optarg);
			systemd = !optarg || optarg[0] == 't';
			break;
		case 'h':
			usage();
		case 'v':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}
	if (g.log) {
		logfd = open(g.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			     0600);
		if (logfd < 0)
			xdie_errno("open --log %s", g.log);
	}
	/* refused after --log is open: the engine shows the log's last
	 * error (the containerd shim reads only the log) */
	if (systemd)
		die("--systemd-cgroup: not supported (cgroups are made by "
		    "cg-create; use the cgroupfs manager)");
	if (g.root[0] != '/')
		xusage_error("--root %s: not an absolute path", g.root);
	if (optind >= argc)
		xusage_error("missing COMMAND");
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+:b:fadhp:te:u:r:q", cmd_opts,
				&li)) != -1) {
		switch (c) {
		case 'b':
			co.bundle = optarg;
			break;
		case O_PIDFILE:
			co.pidfile = optarg;
			break;
		case O_CONSOLE:
			co.console = optarg;
			break;
		case O_NOPIVOT:
			die("--no-pivot: not supported (pivot_root is always "
			    "used)");
		case O_NOKEYRING:
			/* nothing to do: no session keyring is made */
			break;
		case O_PRINT:
			co.print_chain = true;
			break;
		case 'f':
			force = true;
			break;
		case 'a':
			all = true;
			break;
		case 'd':
			detach = eo.detach = true;
			break;
		case 'p':
			eo.process = optarg;
			break;
		case 't':
			eo.tty = true;
			break;
		case O_CWD:
			eo.cwd = optarg;
			break;
		case 'e':
			if (!optarg || !strchr(optarg, '='))
				xusage_error("bad --env '%s': VAR=VALUE",
					     optarg);
			json_array_append_new(eo.env, json_string(optarg));
			break;
		case 'u':
			eo.user = optarg;
			break;
		case 'r':
			resources = optarg;
			break;
		case O_FORMAT:
			if (!optarg ||
			    (strcmp(optarg, "json") && strcmp(optarg, "table")))
				xusage_error("bad --format: table or json");
			fmt_json = optarg[0] == 'j';
			break;
		case 'q':
			quiet = true;
			break;
		case O_STATS:
			stats = true;
			break;
		case O_INTERVAL:
			if (!optarg || parse_uint(optarg, &interval) < 0 ||
			    interval == 0)
				xusage_error("bad --interval: whole seconds, "
					     "at least 1");
			break;
		case O_CAP: {
			const char *n = optarg ? optarg : "";
			size_t k = strncasecmp(n, "CAP_", 4) ? 0 : 4;
			char name[64];

			/* cap-drop checks that the kernel knows it */
			if (!n[k] || strlen(n) >= sizeof(name) - 4 ||
			    strspn(n + k, "abcdefghijklmnopqrstuvwxyz"
					  "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") !=
				strlen(n + k))
				xusage_error("bad --cap '%s': a capability "
					     "name such as CAP_NET_ADMIN",
					     n);
			snprintf(name, sizeof(name), "CAP_%s", n + k);
			for (char *q = name; *q; q++)
				*q = (char)toupper((unsigned char)*q);
			json_array_append_new(eo.caps, json_string(name));
			break;
		}
		case 'h':
			usage();
		default:
			if (c == O_UPDATE && optarg) {
				upd_flag(cmd_opts[li].name, optarg);
				break;
			}
			xbad_option(c, argv);
		}
	}
	argc -= optind;
	argv += optind;
	find_self();

	if (strcmp(cmd, "spec") == 0) {
		char *s = oci_default_spec();
		int dfd;

		if (argc)
			xusage_error("spec: takes no ID");
		dfd = open(co.bundle ? co.bundle : ".",
			   O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			xdie_errno("open bundle %s",
				   co.bundle ? co.bundle : ".");
		if (!s || faccessat(dfd, "config.json", F_OK, 0) == 0)
			xdie("spec: config.json exists already");
		if (write_atomic(dfd, "config.json", s) < 0)
			xdie_errno("write config.json");
		free(s);
		return 0;
	}
	if (strcmp(cmd, "features") == 0) {
		char *s = oci_features();

		if (!s)
			xdie("features: out of memory");
		puts(s);
		free(s);
		return 0;
	}
	if (strcmp(cmd, "list") == 0) {
		if (argc)
			xusage_error("list: takes no ID");
		do_list(fmt_json, quiet);
		return 0;
	}
	if (argc < 1)
		xusage_error("%s: missing container ID", cmd);
	if (strcmp(cmd, "kill") == 0) {
		if (argc > 2)
			xusage_error("kill: ID [SIGNAL]");
		do_kill(argv[0], argc > 1 ? argv[1] : NULL, all);
		return 0;
	}
	if (strcmp(cmd, "exec") == 0) {
		eo.pidfile = co.pidfile;
		eo.console = co.console;
		return do_exec(argv[0], &eo, argc - 1, argv + 1);
	}
	if (argc > 1)
		xusage_error("%s: one container ID, got '%s' too", cmd,
			     argv[1]);
	if (strcmp(cmd, "create") == 0) {
		do_create(argv[0], &co);
	} else if (strcmp(cmd, "start") == 0) {
		do_start(argv[0]);
	} else if (strcmp(cmd, "events") == 0) {
		do_events(argv[0], stats, interval);
	} else if (strcmp(cmd, "ps") == 0) {
		do_ps(argv[0], fmt_json);
	} else if (strcmp(cmd, "update") == 0) {
		do_update(argv[0], resources);
	} else if (strcmp(cmd, "pause") == 0 || strcmp(cmd, "resume") == 0) {
		do_freeze(argv[0], cmd[0] == 'p');
	} else if (strcmp(cmd, "state") == 0) {
		do_state(argv[0]);
	} else if (strcmp(cmd, "delete") == 0) {
		do_delete(argv[0], force);
	} else if (strcmp(cmd, "run") == 0) {
		pid_t pid;
		int status;

		/* the container's first process is orphaned by the chain:
		 * as a subreaper we get it back, to wait for it */
		if (!detach && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
			die("run: become a subreaper: %s", strerror(errno));
		pid = do_create(argv[0], &co);
		do_start(argv[0]);
		if (detach)
			return 0;
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				die("run: wait for %d: %s", (int)pid,
				    strerror(errno));
		do_delete(argv[0], true);
		return status_to_exit(status);
	} else {
		xusage_error("unknown command '%.32s'", cmd);
	}
	return 0;
}
