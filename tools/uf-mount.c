/*
 * uf-mount - union mount: stack directories with overlayfs (or with an
 * aufs branch list mapped onto overlay), then exec prog.
 *
 *   uf-mount [-o OPTS] [--lower DIR]... [--upper DIR --work DIR] TARGET [prog...]
 *   uf-mount -t aufs -o br=DIR=rw:DIR=ro... SOURCE TARGET [prog...]
 *   uf-mount -u TARGET [prog...]
 *
 * Layers go to the kernel one by one through the new mount API
 * (fsconfig "lowerdir+", Linux 6.8), which needs no escaping and has no
 * page limit; older kernels get mount(2) with an escaped option string.
 */
/* boxutils-pkgs: mount */
#include "box.h"
#include "exec.h"
#include "kernel.h"
#include "mount.h"
#include "overlay.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const struct option longopts[] = {
	{ "lower", required_argument, NULL, 'l' },
	{ "upper", required_argument, NULL, 'U' },
	{ "work", required_argument, NULL, 'W' },
	{ "ro", no_argument, NULL, 'r' },
	{ "userxattr", no_argument, NULL, 'X' },
	{ "options", required_argument, NULL, 'o' },
	{ "type", required_argument, NULL, 't' },
	{ "unmount", required_argument, NULL, 'u' },
	{ "lazy", no_argument, NULL, 'L' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static _Noreturn void usage(void)
{
	printf("Usage: %s [options] [--lower DIR]... [--upper DIR --work DIR] "
	       "TARGET [prog [arg...]]\n"
	       "       %s -t aufs -o br=DIR=rw:DIR=ro... SOURCE TARGET "
	       "[prog [arg...]]\n"
	       "       %s -u TARGET [prog [arg...]]\n"
	       "\n"
	       "Mount an overlay of directories on TARGET, then run prog.\n"
	       "\n"
	       "  -l, --lower DIR     a read-only layer; the first is the top "
	       "(one alone,\n"
	       "                      without --upper: a read-only bind "
	       "mount of it)\n"
	       "      --upper DIR     the writable layer (needs --work)\n"
	       "      --work DIR      overlay's work dir, on the upper's "
	       "filesystem\n"
	       "  -r, --ro            mount read-only\n"
	       "      --userxattr     keep overlay xattrs in user.* (rootless, "
	       "in a user namespace)\n"
	       "  -o, --options OPTS  mount(8)'s flags (ro, nosuid, nodev, "
	       "noexec, ...), a\n"
	       "                      propagation type, overlay's index, "
	       "metacopy, redirect_dir,\n"
	       "                      uuid, verity, xino, volatile, "
	       "nfs_export\n"
	       "  -t, --type TYPE     overlay (default), or aufs: take the "
	       "layers from\n"
	       "                      -o br=DIR=PERM:... or dirs=DIR:...\n"
	       "  -u, --unmount TARGET  unmount the overlay (or read-only "
	       "bind) on TARGET\n"
	       "      --lazy          with -u: detach even if busy\n"
	       "  -h, --help          show this help\n"
	       "  -V, --version       show the version\n"
	       "\n"
	       "Without prog, uf-mount exits 0 once mounted.\n",
	       box_prog, box_prog, box_prog);
	exit(0);
}

struct plan {
	const char **lower;	/* as given, lower[0] on top */
	int nlower;
	const char *upper, *work;
	bool aufs;
	bool ro;
	bool lazy;
	const char *unmount;
	const char *source;
	const char *target;
	struct ovl_opts opts;
	struct mount_opts mo;	/* -o's flags, propagation, overlay's part */
	struct branch *branch;
	int argc;		/* prog */
	char **argv;
	/* resolved */
	char **rlower;
	char *rupper, *rwork, *rtarget;
	bool made_work;		/* we created rwork (aufs) */
	bool bind;		/* one layer, no upper: a read-only bind */
};

/* Paths in messages: a newline in a name must not split the line. */
static const char *q(const char *s)
{
	static char buf[4][400];
	static int i;

	i = (i + 1) % 4;
	overlay_quote(s, buf[i], sizeof(buf[i]));
	return buf[i];
}

/* An option libmount left for the filesystem, refused by overlay. */
static _Noreturn void bad_fs_option(const struct plan *p, int err,
				    const char *key, size_t klen,
				    const char *val, size_t vlen)
{
	char bad[400], k[200];
	const char *v;

	snprintf(k, sizeof(k), "%.*s", (int)klen, key);
	if (val)
		snprintf(bad, sizeof(bad), "%s=%.*s", k,
			 (int)(vlen < 190 ? vlen : 190), val);
	else
		snprintf(bad, sizeof(bad), "%s", k);
	switch (err) {
	case EPERM:
		xusage_error("option '%s': layers are given with --lower, "
			     "--upper and --work", q(bad));
	case EINVAL:
		v = overlay_option_values(k);
		if (v)
			xusage_error("option '%s': takes %s=%s", q(bad), q(k),
				     v);
		xusage_error("option '%s': takes no value", q(bad));
	case EEXIST:
		xusage_error("option '%s': a second branch list", q(bad));
	case E2BIG:
		xusage_error("option '%s': too many options", q(bad));
	default:
		if (!p->aufs && (strncmp(bad, "br", 2) == 0 ||
				 strncmp(bad, "dirs=", 5) == 0))
			xusage_error("option '%s': an aufs branch list "
				     "needs -t aufs", q(bad));
		xusage_error("unknown overlay option '%s'", q(bad));
	}
}

/*
 * The -o strings, joined in their order, split by libmount as mount(8)
 * splits them: the generic flags and a propagation type for the mount,
 * the rest checked against overlay's table.  A bad one ends here,
 * before anything is mounted.
 */
static void parse_options(struct plan *p, char **optv, int nopt)
{
	struct mount_opts *mo = &p->mo;
	size_t len = 1, klen, vlen;
	char *all, *s, *key, *val;
	int r;

	for (int i = 0; i < nopt; i++)
		len += strlen(optv[i]) + 1;
	all = calloc(1, len);
	if (!all)
		xdie_errno("allocate");
	for (int i = 0; i < nopt; i++) {
		if (i > 0)
			strcat(all, ",");
		strcat(all, optv[i]);
	}
	if (mount_opts_parse(all, MOUNT_OPT_FLAGS | MOUNT_OPT_PROPAGATION,
			     mo) < 0) {
		switch (errno) {
		case EINVAL:
			xusage_error("options '%s': a quote is not closed",
				     q(mo->bad));
		case EPERM:
			xusage_error("option '%s': not one for a union mount "
				     "(ro, nosuid, nodev, noexec, the atime "
				     "options, nosymfollow, a propagation "
				     "type, and overlay's own)",
				     q(mo->bad));
		case ENOTSUP:
			xusage_error("option '%s': an fstab option for "
				     "mount(8), not one the kernel takes",
				     q(mo->bad));
		case EEXIST:
			xusage_error("option '%s': a second propagation type",
				     q(mo->bad));
		default:
			xdie_errno("split the options");
		}
	}
	free(all);
	s = mo->data;
	while ((r = mount_opts_next(&s, &key, &klen, &val, &vlen)) == 0)
		if (overlay_add_option(&p->opts, key, klen, val, vlen,
				       p->aufs) < 0)
			bad_fs_option(p, errno, key, klen, val, vlen);
	if (r < 0)
		xusage_error("options '%s': cannot be split", q(mo->data));
}

static void parse_args(struct plan *p, int argc, char **argv)
{
	int c, nopt = 0;
	char **optv = calloc(argc, sizeof(*optv));

	p->lower = calloc(argc, sizeof(*p->lower));
	/* main's plan is static, so zero already; said again because
	 * clang's analyzer forgets that across box_init() and would take
	 * lower[] for holding more than was put in */
	p->nlower = 0;
	if (!optv || !p->lower)
		xdie_errno("allocate");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:l:o:rt:u:hV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'l':
			p->lower[p->nlower++] = optarg;
			break;
		case 'U':
			p->upper = optarg;
			break;
		case 'W':
			p->work = optarg;
			break;
		case 'r':
			p->ro = true;
			break;
		case 'X':
			if (overlay_add_param(&p->opts, "userxattr", NULL) < 0)
				xdie_errno("add option userxattr");
			break;
		case 'o':
			optv[nopt++] = optarg;
			break;
		case 't':
			if (strcmp(optarg, "aufs") == 0)
				p->aufs = true;
			else if (strcmp(optarg, "overlay") != 0)
				xusage_error("unknown type '%s': overlay or aufs",
					     q(optarg));
			break;
		case 'u':
			p->unmount = optarg;
			break;
		case 'L':
			p->lazy = true;
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}
	/* -o after -t, whatever the order on the line */
	parse_options(p, optv, nopt);
	free(optv);
	if (p->unmount) {
		if (p->nlower || p->upper || p->work || p->aufs || nopt)
			xusage_error("-u takes no layers or options");
		p->argc = argc - optind;
		p->argv = argv + optind;
		return;
	}
	if (p->lazy)
		xusage_error("--lazy goes with -u");
	if (p->aufs) {
		if (argc - optind < 2)
			xusage_error("aufs syntax needs SOURCE and TARGET "
				     "(e.g. none ./mnt)");
		p->source = argv[optind++];
	} else {
		if (argc - optind < 1)
			xusage_error("no TARGET directory given");
		p->source = "overlay";
	}
	p->target = argv[optind++];
	p->argc = argc - optind;
	p->argv = argv + optind;
}

/*
 * aufs: the first branch, when writable, is overlay's upper layer; the
 * others are lower layers in the same order.  The work dir overlay needs
 * cannot live inside the upper (the kernel refuses nested work and upper
 * dirs, and it would show in the mount), so it is the hidden sibling
 * <parent>/.<name>.uf-work, on the same filesystem as the upper.
 */
static void plan_aufs(struct plan *p)
{
	const struct ovl_opts *o = &p->opts;
	const char *why;
	int n, first = 0;

	if (p->nlower || p->upper || p->work)
		xusage_error("-t aufs takes its layers from -o br= or dirs=, "
			     "not --lower/--upper/--work");
	if (!o->branches)
		xusage_error("-t aufs needs -o br=DIR=rw:DIR=ro... or "
			     "dirs=DIR:DIR...");
	p->branch = calloc(OVL_MAX_LAYERS + 1, sizeof(*p->branch));
	if (!p->branch)
		xdie_errno("allocate");
	n = aufs_parse_branches(o->branches, o->branches_len, p->branch,
				OVL_MAX_LAYERS + 1, &why);
	if (n < 0) {
		char spec[200];

		snprintf(spec, sizeof(spec), "%.*s", (int)o->branches_len,
			 o->branches);
		xusage_error("branch list '%s': %s", q(spec), why);
	}
	if (p->branch[0].perm == BRANCH_RW) {
		p->upper = strndup(p->branch[0].path, p->branch[0].len);
		first = 1;
	}
	/* lower[] has room for one per argv word, and one -o br= can name
	 * up to OVL_MAX_LAYERS branches */
	free(p->lower);
	p->lower = calloc(n + 1, sizeof(*p->lower));
	if (!p->lower)
		xdie_errno("allocate");
	for (int i = first; i < n; i++)
		p->lower[p->nlower++] =
			strndup(p->branch[i].path, p->branch[i].len);
	if (p->upper && p->nlower == 0)
		xusage_error("branch list has only the writable branch: overlay "
			     "needs a read-only one below it");
}

/* realpath() of an existing directory, or exit with what is wrong. */
static char *resolve_dir(const char *what, const char *path)
{
	struct stat st;
	char *r;

	if (!*path)
		xusage_error("%s: empty path", what);
	r = realpath(path, NULL);
	if (!r || stat(r, &st) < 0)
		xdie_errno("%s %s", what, q(path));
	if (!S_ISDIR(st.st_mode))
		xdie("%s %s: not a directory", what, q(path));
	return r;
}

static bool is_under(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	return strncmp(dir, path, n) == 0 &&
	       (path[n] == '/' || path[n] == '\0' || strcmp(dir, "/") == 0);
}

/* The aufs work dir: <parent of upper>/.<basename>.uf-work */
static char *aufs_work_path(const char *rupper)
{
	const char *slash = strrchr(rupper, '/');
	const char *base = slash + 1;
	int plen = slash - rupper;
	char *w;

	if (!*base)
		xdie("writable branch %s: the root cannot be a branch",
		     q(rupper));
	if (asprintf(&w, "%.*s/.%s.uf-work", plen, rupper, base) < 0)
		xdie_errno("allocate");
	return w;
}

/*
 * The kernel wants upper and work under one mount, not merely one
 * filesystem (a bind mount between them fails with a bare EINVAL), so
 * compare mount ids where statx has them (5.8), else devices.
 */
static bool same_mount(const char *a, const char *b)
{
	struct statx xa, xb;

	if (statx(AT_FDCWD, a, 0, STATX_BASIC_STATS | STATX_MNT_ID, &xa) < 0 ||
	    statx(AT_FDCWD, b, 0, STATX_BASIC_STATS | STATX_MNT_ID, &xb) < 0)
		return true; /* let the kernel say what is wrong */
	if ((xa.stx_mask & xb.stx_mask & STATX_MNT_ID) &&
	    xa.stx_mnt_id != xb.stx_mnt_id)
		return false;
	return xa.stx_dev_major == xb.stx_dev_major &&
	       xa.stx_dev_minor == xb.stx_dev_minor;
}

static void validate(struct plan *p)
{
	struct stat sw;

	if (p->nlower == 0)
		xusage_error("no lower layer: give --lower DIR");
	if (p->upper && !p->work && !p->aufs)
		xusage_error("--upper needs --work DIR (an empty directory on "
			     "the same filesystem)");
	if (p->work && !p->upper)
		xusage_error("--work goes with --upper");
	/* overlay refuses one layer without an upper: what the user
	 * means is that layer, read-only, which a bind mount is */
	p->bind = !p->upper && p->nlower == 1;
	for (int i = 0; p->bind && i < p->opts.nparam; i++)
		if (strcmp(p->opts.param[i].key, "userxattr") != 0)
			xusage_error("option '%s': one --lower and no --upper "
				     "is a read-only bind mount, which takes no "
				     "overlay options",
				     p->opts.param[i].key);
	if (p->nlower > OVL_MAX_LAYERS)
		xusage_error("%d lower layers: overlay allows at most %d",
			     p->nlower, OVL_MAX_LAYERS);

	p->rlower = calloc(p->nlower, sizeof(*p->rlower));
	if (!p->rlower)
		xdie_errno("allocate");
	for (int i = 0; i < p->nlower; i++)
		p->rlower[i] = resolve_dir("lower dir", p->lower[i]);
	p->rtarget = resolve_dir("target", p->target);
	if (!p->upper)
		return;
	p->rupper = resolve_dir("upper dir", p->upper);
	if (p->aufs) {
		p->rwork = aufs_work_path(p->rupper);
		if (lstat(p->rwork, &sw) == 0 && !S_ISDIR(sw.st_mode))
			xdie("work dir %s for branch %s: exists and is not a "
			     "directory", q(p->rwork), q(p->rupper));
	} else {
		p->rwork = resolve_dir("work dir", p->work);
	}
	if (is_under(p->rupper, p->rwork) || is_under(p->rwork, p->rupper))
		xdie("upper dir %s and work dir %s: one is inside the other "
		     "(overlay needs separate subtrees)",
		     q(p->rupper), q(p->rwork));
	if (!p->aufs && !same_mount(p->rupper, p->rwork))
		xdie("work dir %s is not under the same mount as upper dir %s "
		     "(overlay needs both on one filesystem mount)",
		     q(p->rwork), q(p->rupper));
}

/* aufs: make the work dir if absent; the undo removes what we made. */
static void make_work(struct plan *p)
{
	if (!p->aufs || !p->rwork)
		return;
	if (mkdir(p->rwork, 0700) == 0)
		p->made_work = true;
	else if (errno != EEXIST)
		xdie_errno("create work dir %s", q(p->rwork));
	if (!same_mount(p->rupper, p->rwork)) {
		int err = EXDEV;

		if (p->made_work)
			rmdir(p->rwork);
		box_errh(err, "the writable branch is a mount point; give "
			      "--upper and --work on one filesystem instead",
			 "work dir %s beside writable branch %s",
			 q(p->rwork), q(p->rupper));
		exit(EXIT_TOOL);
	}
}

static void undo(struct plan *p)
{
	char sub[PATH_MAX];

	if (!p->made_work)
		return;
	/* overlay may have made work/ and index/ inside before failing */
	snprintf(sub, sizeof(sub), "%s/work", p->rwork);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/index", p->rwork);
	rmdir(sub);
	rmdir(p->rwork);
}

/* --- mounting --- */

/* The kernel's own words, read from the fs context: "e overlay: ..." */
static void read_fs_log(int fsfd, char *msg, size_t size)
{
	char line[512];
	ssize_t n;
	bool have_error = false;

	msg[0] = '\0';
	while ((n = read(fsfd, line, sizeof(line) - 1)) > 0) {
		const char *s = line;

		line[n] = '\0';
		if (have_error && line[0] != 'e')
			continue;
		have_error = have_error || line[0] == 'e';
		if (s[0] && s[1] == ' ')
			s += 2;
		if (strncmp(s, "overlay: ", 9) == 0)
			s += 9;
		snprintf(msg, size, "%s", s);
	}
	msg[strcspn(msg, "\n")] = '\0';
}

static bool has_param(const struct plan *p, const char *key)
{
	for (int i = 0; i < p->opts.nparam; i++)
		if (strcmp(p->opts.param[i].key, key) == 0)
			return true;
	return false;
}

static const char *mount_hint(const struct plan *p, int err, const char *kmsg)
{
	struct statfs fs;

	if (p->rupper && statfs(p->rupper, &fs) == 0 &&
	    fs.f_type == OVERLAYFS_SUPER_MAGIC)
		return "the upper dir is on an overlay; put it on tmpfs, ext4 "
		       "or xfs";
	if (err == EXDEV || strstr(kmsg, "same mount"))
		return "work dir and upper dir must be on the same filesystem "
		       "mount";
	if (strstr(kmsg, "d_type"))
		return "the upper filesystem must support d_type (xfs needs "
		       "ftype=1)";
	if (strstr(kmsg, "xattr") || err == EOPNOTSUPP)
		return "the upper filesystem must support trusted.* xattrs, or "
		       "user.* ones with --userxattr";
	if (err == ELOOP || strstr(kmsg, "overlapping"))
		return "layers overlap: one dir is inside another, or given "
		       "twice";
	if (err == EBUSY || strstr(kmsg, "in-use"))
		return "another overlay uses this upper or work dir; unmount "
		       "it or use fresh dirs";
	if (err == EPERM)
		return "needs CAP_SYS_ADMIN: run as root, or in a user "
		       "namespace you own (ns-unshare --user --map-root-user "
		       "--mount) with --userxattr";
	if (err == EINVAL && geteuid() != 0 && !has_param(p, "userxattr"))
		return "rootless: try --userxattr";
	return NULL;
}

static _Noreturn void mount_failed(struct plan *p, int err, const char *kmsg)
{
	const char *hint = mount_hint(p, err, kmsg);
	char both[700];

	undo(p);
	/* the kernel's text may quote a path, newlines and all */
	if (*kmsg && hint)
		snprintf(both, sizeof(both), "%s; %s", q(kmsg), hint);
	else if (*kmsg)
		snprintf(both, sizeof(both), "%s", q(kmsg));
	else
		snprintf(both, sizeof(both), "%s", hint ? hint : "");
	box_errh(err, *both ? both : NULL, "mount overlay on %s",
		 q(p->rtarget));
	exit(EXIT_TOOL);
}

enum { MOUNTED = 0, USE_LEGACY = 1 };

/* The flags of the mount: -o's, and --ro. */
static unsigned long ms_flags(const struct plan *p)
{
	return p->mo.flags | (p->ro ? MS_RDONLY : 0);
}

/*
 * The new mount API: each layer is its own fsconfig value, so nothing
 * is parsed out of a path and there is no page limit.  Returns
 * USE_LEGACY when the kernel lacks fsopen or "lowerdir+" (before 6.8).
 */
static int mount_new_api(struct plan *p)
{
	char kmsg[512] = "", esc[PATH_MAX * 2 + 1];
	const struct ovl_opts *o = &p->opts;
	int fsfd, mfd, err;

	fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0) {
		if (errno == ENOSYS || errno == EPERM)
			return USE_LEGACY; /* old kernel, or seccomp */
		if (errno == ENODEV) {
			err = errno;
			undo(p);
			box_errh(err, "modprobe overlay",
				 "open overlay filesystem");
			exit(EXIT_TOOL);
		}
		mount_failed(p, errno, "");
	}
	/*
	 * Does this overlay take "lowerdir+"?  Asked with a bare flag, which
	 * 6.8+ refuses as a bad value (it wants a string) and 6.5 to 6.7 as
	 * an unknown parameter.  Before 6.5 overlay had no fs context of its
	 * own: the VFS's legacy one accepts any key and fails only at create
	 * time, too late to fall back, so a flag it accepts means mount(2).
	 */
	if (fsconfig(fsfd, FSCONFIG_SET_FLAG, "lowerdir+", NULL, 0) == 0) {
		close(fsfd);
		return USE_LEGACY;
	}
	read_fs_log(fsfd, kmsg, sizeof(kmsg));
	if (strstr(kmsg, "nknown parameter")) {
		close(fsfd);
		return USE_LEGACY;
	}
	if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", p->source, 0) < 0)
		goto fail;
	for (int i = 0; i < p->nlower; i++)
		if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+",
			     p->rlower[i], 0) < 0)
			goto fail;
	if (p->rupper) {
		/* overlay unescapes upperdir and workdir even here */
		if (overlay_escape_value(p->rupper, esc, sizeof(esc)) < 0 ||
		    fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", esc, 0) < 0)
			goto fail;
		if (overlay_escape_value(p->rwork, esc, sizeof(esc)) < 0 ||
		    fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", esc, 0) < 0)
			goto fail;
	}
	for (int i = 0; i < o->nparam; i++) {
		const struct ovl_param *pa = &o->param[i];
		unsigned cmd = pa->value ? FSCONFIG_SET_STRING :
					   FSCONFIG_SET_FLAG;

		if (fsconfig(fsfd, cmd, pa->key, pa->value, 0) < 0)
			goto fail;
	}
	if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		goto fail;
	mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, mount_attr_from_flags(ms_flags(p)));
	if (mfd < 0)
		goto fail;
	close(fsfd);
	if (move_mount(mfd, "", AT_FDCWD, p->rtarget,
		       MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		err = errno;
		close(mfd);
		mount_failed(p, err, "");
	}
	close(mfd);
	return MOUNTED;
fail:
	err = errno;
	read_fs_log(fsfd, kmsg, sizeof(kmsg));
	close(fsfd);
	mount_failed(p, err, kmsg);
}

/* mount(2): one escaped option string, at most a page long. */
static void mount_legacy(struct plan *p)
{
	struct ovl_layout l = {
		.lower = (const char *const *)p->rlower,
		.nlower = p->nlower,
		.upper = p->rupper,
		.work = p->rwork,
		.param = p->opts.param,
		.nparam = p->opts.nparam,
	};
	char data[OVL_LEGACY_DATA_MAX];

	if (overlay_build_data(&l, data, sizeof(data)) < 0) {
		undo(p);
		if (errno == E2BIG)
			xdie("mount overlay on %s: %d layers do not fit in "
			     "mount(2)'s one-page option string, and this kernel "
			     "lacks the new mount API's lowerdir+ (Linux 6.8) "
			     "that has no such limit",
			     q(p->rtarget), p->nlower);
		xdie("mount overlay on %s: a layer path cannot be written "
		     "safely into mount(2)'s option string (a comma before "
		     "a security option name); this needs Linux 6.8's "
		     "lowerdir+",
		     q(p->rtarget));
	}
	if (mount(p->source, p->rtarget, "overlay",
		  ms_flags(p), data) < 0)
		mount_failed(p, errno, "");
}

static _Noreturn void bind_failed(struct plan *p, int err)
{
	undo(p);
	box_errh(err, box_priv_hint(err), "bind %s read-only on %s",
		 q(p->rlower[0]), q(p->rtarget));
	exit(EXIT_TOOL);
}

/*
 * One layer and no upper: a read-only bind of that layer.  Not
 * recursive, as an overlay layer does not show what is mounted below
 * it either.  The new API makes the clone read-only before it is
 * attached, so it is never writable for a moment.
 */
static void mount_bind(struct plan *p, bool legacy)
{
	unsigned long fl = ms_flags(p) | MS_RDONLY;
	struct mount_attr attr = {.attr_set = mount_attr_from_flags(fl)};
	struct statvfs sv;
	int fd, err;

	if (fl & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME))
		attr.attr_clr = MOUNT_ATTR__ATIME;
	fd = legacy ? -1
		    : open_tree(AT_FDCWD, p->rlower[0],
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd >= 0) {
		if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr,
				  sizeof(attr)) == 0 &&
		    move_mount(fd, "", AT_FDCWD, p->rtarget,
			       MOVE_MOUNT_F_EMPTY_PATH) == 0) {
			close(fd);
			return;
		}
		err = errno;
		close(fd);
		if (err != ENOSYS)
			bind_failed(p, err);
	} else if (!legacy && errno != ENOSYS) {
		bind_failed(p, errno);
	}
	/* before 5.12: bind, then remount the bind read-only; in a user
	 * namespace the flags the source mount has are locked and must be
	 * said again, or the kernel refuses with EPERM */
	if (mount(p->rlower[0], p->rtarget, NULL, MS_BIND, NULL) < 0)
		bind_failed(p, errno);
	if (statvfs(p->rtarget, &sv) == 0) {
		fl |= sv.f_flag & ST_NOSUID ? MS_NOSUID : 0;
		fl |= sv.f_flag & ST_NODEV ? MS_NODEV : 0;
		fl |= sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
	}
	if (mount(NULL, p->rtarget, NULL, MS_REMOUNT | MS_BIND | fl, NULL) <
	    0) {
		err = errno;
		umount2(p->rtarget, MNT_DETACH);
		bind_failed(p, err);
	}
}

/* -o private and the like, on the mount just made. */
static void set_propagation(struct plan *p)
{
	int err;

	if (!p->mo.propagation)
		return;
	if (mount(NULL, p->rtarget, NULL, p->mo.propagation, NULL) == 0)
		return;
	err = errno;
	umount2(p->rtarget, MNT_DETACH);
	undo(p);
	box_errh(err, box_priv_hint(err), "make the mount on %s %s",
		 q(p->rtarget), mount_propagation_name(p->mo.propagation));
	exit(EXIT_TOOL);
}

static void do_mount(struct plan *p)
{
	const char *api = getenv("BOX_UF_MOUNT_API");
	bool legacy = api && strcmp(api, "legacy") == 0;

	if (p->bind)
		mount_bind(p, legacy);
	else if (legacy || mount_new_api(p) == USE_LEGACY)
		mount_legacy(p);
	set_propagation(p);
}

/*
 * -u: only what uf-mount makes (an overlay, or the read-only bind of a
 * single layer), and only where it is mounted.  The mount is looked up
 * in this namespace's table, whose paths libmount unescapes, so a
 * mount point named with a space, a tab, a newline or a backslash is
 * found as well.
 */
static void do_unmount(const struct plan *p)
{
	struct mount_entry *me = calloc(1, sizeof(*me));
	char *t;

	if (!me)
		xdie_errno("allocate");
	t = realpath(p->unmount, NULL);
	if (!t)
		xdie_errno("unmount %s", q(p->unmount));
	if (mount_find(t, MOUNT_AT, me) < 0) {
		if (errno == ENOENT)
			xdie("unmount %s: not a mount point", q(t));
		xdie_errno("unmount %s: read /proc/self/mountinfo", q(t));
	}
	if (strcmp(me->fstype, "overlay") != 0 && !(me->flags & MS_RDONLY))
		xdie("unmount %s: a writable %s mount, not an overlay or a "
		     "read-only bind (uf-mount -u unmounts only what uf-mount "
		     "mounts)",
		     q(t), q(me->fstype));
	if (umount2(t, UMOUNT_NOFOLLOW | (p->lazy ? MNT_DETACH : 0)) < 0) {
		int err = errno;

		box_errh(err, err == EBUSY ? "in use; --lazy detaches it now" :
					     box_priv_hint(err),
			 "unmount %s", q(t));
		exit(EXIT_TOOL);
	}
	free(me);
	free(t);
}

int main(int argc, char **argv)
{
	/* static: what it points to stays reachable until exit */
	static struct plan p;

	box_init(argc, argv);
	parse_args(&p, argc, argv);
	if (p.unmount) {
		do_unmount(&p);
	} else {
		if (p.aufs)
			plan_aufs(&p);
		validate(&p);
		make_work(&p);
		do_mount(&p);
	}
	/* the mount outlives us in the mount namespace: no prog, done */
	if (p.argc == 0)
		return 0;
	xexec(p.argc, p.argv);
}
