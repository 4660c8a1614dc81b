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

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
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
#define FD_STDERR  7 /* the engine's stderr, while the chain's is a pipe */

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

/*
 * What the tools say on stderr is copied to ours, and its last line kept
 * in `said`, for the error that goes to --log too: the containerd shim
 * shows only the log's last error, never our stderr.
 */
static char said[512];
static size_t said_len;
static bool said_eol = true;

static void said_reset(void)
{
	said[0] = '\0';
	said_len = 0;
	said_eol = true;
}

static void relay(const char *buf, size_t n)
{
	box_write_all(2, buf, n);
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			said_eol = true;
			continue;
		}
		if (said_eol)
			said_len = 0;
		said_eol = false;
		if (said_len < sizeof(said) - 1)
			said[said_len++] = buf[i];
		said[said_len] = '\0';
	}
}

/* The last line a tool said, for "...: %s". */
static const char *last_said(void)
{
	return said[0] ? said : "a step failed without a message";
}

/* Copy fd to our stderr until its end. */
static void relay_all(int fd)
{
	char buf[4096];
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0 ||
	       (r < 0 && errno == EINTR))
		if (r > 0)
			relay(buf, (size_t)r);
}

/* Read init's "r" from fd while relaying errfd (if >= 0); to the end of
 * errfd when no "r" came.  Returns read()'s result. */
static ssize_t wait_ready(int fd, int errfd, char *c)
{
	struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
			      {.fd = errfd, .events = POLLIN}};
	char buf[4096];
	ssize_t n = -1, r;

	said_reset();
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].fd >= 0 && p[1].revents) {
			r = read(errfd, buf, sizeof(buf));
			if (r > 0)
				relay(buf, (size_t)r);
			else if (r == 0 || errno != EINTR)
				p[1].fd = -1; /* poll skips it */
		}
		if (p[0].revents) {
			n = read(fd, c, 1);
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
	}
	if (n != 1 && p[1].fd >= 0)
		relay_all(errfd);
	return n;
}

/* A copy of the engine's stderr for init to give back (/dev/null when
 * we were started without one). */
static int engine_stderr(void)
{
	int fd = fcntl(2, F_DUPFD_CLOEXEC, 10);

	if (fd < 0 && errno == EBADF)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return fd;
}

static int run_argv(char **argv)
{
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		if (dup2(p[1], 2) < 0)
			_exit(EXIT_TOOL);
		execv(argv[0], argv);
		box_err("exec %s", argv[0]);
		_exit(EXIT_NOTFOUND);
	}
	close(p[1]);
	said_reset();
	relay_all(p[0]);
	close(p[0]);
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
	char tool[PATH_MAX + 16];
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
	if (run_argv(argv) != 0)
		die("delete %s: remove cgroup %s: %s", st->id, cg, last_said());
}

static void remove_state(struct state *st)
{
	static const char *const files[] = {"state.json", "exec.fifo", "pid",
					    "seccomp.json", ".state.json.tmp"};
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

/* A v1 hierarchy with controller name, from /proc/self/cgroup. */
static bool ctrl_v1(const char *name)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[512];
	bool yes = false;

	if (!f)
		return false;
	while (!yes && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':'), *e = c ? strchr(c + 1, ':') : NULL;

		if (!e)
			continue;
		*e = '\0';
		for (char *w = strtok(c + 1, ","); w; w = strtok(NULL, ","))
			if (strcmp(w, name) == 0)
				yes = true;
	}
	fclose(f);
	return yes;
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
	int bfd, rfd, fifo, sync[2], errp[2], sc = -1, rc, cons = -1;
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
	    .stderr_fd = o->console ? -1 : FD_STDERR,
	    .cgroup2 =
		stat("/sys/fs/cgroup/cgroup.controllers", &sb) == 0 ||
		stat("/sys/fs/cgroup/unified/cgroup.controllers", &sb) == 0,
	};
	ctx.devices_v1 = ctrl_v1("devices");
	snprintf(err, sizeof(err), "%s/sys-filter", bindir);
	ctx.have_sys_filter = access(err, X_OK) == 0;
	if (oci_translate(text, len, &ctx, &ch, err, sizeof(err)) < 0)
		die("%s", err);
	free(text);
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
	/* the steps' errors come back on errp until init is ready, to
	 * be copied to our stderr and the last one put in --log */
	if (fifo < 0 || pipe2(sync, O_CLOEXEC) < 0 ||
	    pipe2(errp, O_CLOEXEC) < 0)
		goto fail_errno;
	if (o->console && (cons = console_connect(o->console)) < 0) {
		s = strerror(errno);
		remove_state(&st);
		die("create %s: connect to --console-socket %s: %s", id,
		    o->console, s);
	}

	if ((rc = run_argv(ch.cg_create.v)) != 0) {
		remove_state(&st);
		die("create %s: %s", id, last_said());
	}

	child = fork();
	if (child < 0)
		goto fail_errno;
	if (child == 0) {
		int f = fcntl(fifo, F_DUPFD_CLOEXEC, 10),
		    y = fcntl(sync[1], F_DUPFD_CLOEXEC, 10),
		    s2 = sc >= 0 ? fcntl(sc, F_DUPFD_CLOEXEC, 10) : -1,
		    e = engine_stderr(),
		    ep = fcntl(errp[1], F_DUPFD_CLOEXEC, 10);
		static char *env[] = {
		    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:"
		    "/sbin:/bin",
		    NULL};

		/* a session of its own: the caller's terminal signals
		 * are not the container's */
		setsid();
		int k = cons >= 0 ? fcntl(cons, F_DUPFD_CLOEXEC, 10) : -1;

		if (cons >= 0 && (k < 0 || dup2(k, FD_CONSOLE) < 0))
			_exit(EXIT_TOOL);
		/* with a terminal, init takes the pty for stdio instead */
		if (f < 0 || y < 0 || e < 0 || ep < 0 || dup2(f, FD_FIFO) < 0 ||
		    dup2(y, FD_SYNC) < 0 ||
		    (s2 >= 0 && dup2(s2, FD_SECCOMP) < 0) ||
		    (cons < 0 && dup2(e, FD_STDERR) < 0) || dup2(ep, 2) < 0)
			_exit(EXIT_TOOL);
		if (s2 < 0)
			close(FD_SECCOMP);
		execve(ch.chain.v[0], ch.chain.v, env);
		box_err("exec %s", ch.chain.v[0]);
		_exit(EXIT_NOTFOUND);
	}
	close(sync[1]);
	close(errp[1]);
	close(fifo);
	if (sc >= 0)
		close(sc);
	if (cons >= 0)
		close(cons);
	/* "r" from init: every step of the chain is done */
	n = wait_ready(sync[0], errp[0], &c);
	close(sync[0]);
	close(errp[0]);
	snprintf(err, sizeof(err), "%s", last_said());
	while (waitpid(child, &rc, 0) < 0 && errno == EINTR)
		;
	text = read_file(st.dirfd, "pid", 64, &len);
	pid = 0;
	if (text && len > 0) {
		text[strcspn(text, "\n")] = '\0';
		if (parse_pid(text, &pid) < 0)
			pid = 0;
	}
	free(text);
	if (n != 1 || c != 'r' || pid <= 0) {
		json_object_set_new(st.js, "pid", json_integer(pid));
		json_object_set_new(
		    st.js, "starttime",
		    json_integer((json_int_t)proc_start(pid, &c)));
		kill_wait(&st);
		remove_cgroup(&st);
		remove_state(&st);
		die("create %s: %s", id, err);
	}
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

static void do_start(const char *id)
{
	struct state st = {0};
	int fd;

	state_open(id, &st, true);
	if (strcmp(status(&st), "created"))
		die("start %s: the container is %s, not created", id,
		    status(&st));
	fd = openat(st.dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		die("start %s: open exec.fifo: %s", id,
		    errno == ENXIO ? "the container is gone" : strerror(errno));
	if (write(fd, "s", 1) != 1)
		die("start %s: write exec.fifo: %s", id, strerror(errno));
	close(fd);
	unlinkat(st.dirfd, "exec.fifo", 0);
	json_object_set_new(st.js, "status", json_string("running"));
	state_save(&st);
	state_close(&st);
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
	char tool[PATH_MAX + 16], set[64];
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
	if (run_argv(argv) != 0)
		die("%s %s: %s", freeze ? "pause" : "resume", id, last_said());
	json_object_set_new(st.js, "status",
			    json_string(freeze ? "paused" : "running"));
	state_save(&st);
	state_close(&st);
}

/* update --resources FILE ("-": stdin): cg-set with the limits */
static void do_update(const char *id, const char *file)
{
	struct state st = {0};
	struct oci_ctx ctx = {.bindir = bindir, .id = id};
	struct argvec a = {0};
	char tool[PATH_MAX + 16], err[512];
	char *text;
	size_t len;

	if (!file)
		die("update %s: needs --resources FILE (the flags of runc "
		    "update are not supported)",
		    id);
	state_open(id, &st, true);
	if (!strcmp(status(&st), "stopped"))
		die("update %s: the container is stopped", id);
	text = read_file(strcmp(file, "-") ? AT_FDCWD : 0,
			 strcmp(file, "-") ? file : NULL, CONFIG_MAX, &len);
	if (!text)
		die("update %s: read %s: %s", id, file, strerror(errno));
	ctx.devices_v1 = ctrl_v1("devices");
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
	if (run_argv(a.v) != 0)
		die("update %s: %s", id, last_said());
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
	state_close(&st);
}

struct exec_opts {
	const char *process, *pidfile, *cwd, *user, *console;
	json_t *env;
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
		return text;
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
	/* --tty: a terminal, which needs --console-socket */
	json_object_set_new(proc, "terminal", json_boolean(o->tty));
	out = json_dumps(proc, JSON_COMPACT);
	json_decref(cfg);
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
	char err[PATH_MAX + 64], buf[32], path[PATH_MAX], c;
	int sc, wstatus, sync[2], cons = -1, errp[2];
	char *text;
	pid_t child;
	ssize_t n;

	state_open(id, &st, true);
	if (strcmp(status(&st), "running"))
		die("exec %s: the container is %s, not running", id,
		    status(&st));
	text = exec_process(&st, o, argc, argv);
	ctx = (struct oci_ctx){.bindir = bindir,
			       .bundle = sget(&st, "bundle"),
			       .id = id,
			       .selfexe = selfexe,
			       .fifo_fd = -1,
			       .sync_fd = FD_SYNC,
			       .seccomp_fd = FD_SECCOMP,
			       .console_fd = o->console ? FD_CONSOLE : -1,
			       .stderr_fd = o->console ? -1 : FD_STDERR,
			       .have_sys_filter = true};
	sc = openat(st.dirfd, "seccomp.json", O_RDONLY | O_CLOEXEC);
	if (oci_translate_exec(text, strlen(text), &ctx, (int)state_pid(&st),
			       sc >= 0, &ch, err, sizeof(err)) < 0)
		die("exec %s: %s", id, err);
	free(text);
	state_close(&st);
	/* process.terminal: init makes the pty in the container, as
	 * create's does, and sends its master to the engine */
	if (o->console && (cons = console_connect(o->console)) < 0)
		die("exec %s: connect to --console-socket %s: %s", id,
		    o->console, strerror(errno));

	/* init says "r" on this pipe once the process is in the
	 * container: exec --detach returns no sooner (the shim lists
	 * the container's processes right after) */
	if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		die("exec %s: pipe: %s", id, strerror(errno));
	child = fork();
	if (child < 0)
		die("exec %s: fork: %s", id, strerror(errno));
	if (child == 0) {
		int y = fcntl(sync[1], F_DUPFD_CLOEXEC, 10),
		    s2 = sc >= 0 ? fcntl(sc, F_DUPFD_CLOEXEC, 10) : -1,
		    k = cons >= 0 ? fcntl(cons, F_DUPFD_CLOEXEC, 10) : -1,
		    e = engine_stderr(),
		    ep = fcntl(errp[1], F_DUPFD_CLOEXEC, 10), nul;

		/* the profile, the pipe and the console socket at the fds
		 * the chain is told, before the tools below take the low
		 * fds */
		if (y < 0 || dup2(y, FD_SYNC) < 0 ||
		    (sc >= 0 && (s2 < 0 || dup2(s2, FD_SECCOMP) < 0)) ||
		    (cons >= 0 && (k < 0 || dup2(k, FD_CONSOLE) < 0)) ||
		    e < 0 || ep < 0 || (cons < 0 && dup2(e, FD_STDERR) < 0))
			xdie_errno("exec: pass the seccomp profile, the sync "
				   "pipe, the console socket and stderr");
		/* The steps' errors go through a pipe we copy until init
		 * is ready (init gives the process the engine's stderr
		 * back).  With a terminal the process's stdio is the
		 * pty, and the engine's stdout must not stay open in the
		 * steps that wait beside the process (ns-enter's parent):
		 * the containerd shim reads it to its end before it takes
		 * the pty's master. */
		if (dup2(ep, 2) < 0 ||
		    (cons >= 0 &&
		     ((nul = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
		      dup2(nul, 0) < 0 || dup2(ep, 1) < 0)))
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
	oci_chain_free(&ch);
	close(sync[1]);
	close(errp[1]);
	n = wait_ready(sync[0], errp[0], &c);
	close(sync[0]);
	if (n != 1) {
		/* a step of the chain failed: its words to --log too */
		while (waitpid(child, &wstatus, 0) < 0 && errno == EINTR)
			;
		die("exec %s: %s", id, last_said());
	}
	/* waiting here: what ns-enter's parent may still say, to the end
	 * (with --detach the engine takes over; nothing more is said) */
	if (!o->detach)
		relay_all(errp[0]);
	close(errp[0]);
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
	    {"stderr-fd", required_argument, NULL, 'E'},
	    {NULL, 0, NULL, 0},
	};
	unsigned int fifo = 0, sync = 0, um = 0;
	const char *cwd = NULL, *oom = NULL;
	char **env = calloc((size_t)argc + 1, sizeof(*env));
	size_t nenv = 0;
	bool set_umask = false;
	unsigned int cons = 0, errfd = 0;
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
		case 'E':
			if (parse_uint(arg, &errfd) < 0 || errfd < 3)
				xusage_error("bad --stderr-fd %s", arg);
			break;
		default:
			xbad_option(c, argv);
		}
	}
	if ((fifo && !sync) || optind >= argc)
		xusage_error("init: --fifo-fd needs --sync-fd, and a prog is "
			     "needed");
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
	/* set up: the engine's stderr back (the chain's was a pipe to
	 * create or exec), unless the pty took its place */
	if (errfd && !cons && dup2((int)errfd, 2) < 0)
		xdie_errno("restore stderr");
	if (errfd)
		close((int)errfd);
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
	if (fifo)
		close((int)fifo);
	close_fds_from(3);
	if (clearenv() != 0)
		xdie("clear the environment");
	for (size_t i = 0; i < nenv; i++)
		if (putenv(env[i]) != 0)
			xdie_errno("set %s", env[i]);
	if (set_umask)
		umask(um);
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
	       "       [--env VAR=VAL] [--user UID[:GID]] [--tty] "
	       "[--console-socket S]\n"
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
	struct exec_opts eo = {.env = json_array()};
	bool force = false, all = false, detach = false, systemd = false;
	const char *cmd;
	int c;

	box_init(argc, argv);
	/* the chain's last step: not a runc command, and no global
	 * options before it */
	if (argc > 1 && strcmp(argv[1], "init") == 0)
		do_init(argc - 1, argv + 1);
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
				NULL)) != -1) {
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
		case O_CAP:
			die("exec --cap: not supported (the container's "
			    "capabilities apply)");
		case 'h':
			usage();
		default:
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
