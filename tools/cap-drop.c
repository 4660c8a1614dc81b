/*
 * cap-drop - drop privileges, then exec prog: reduce the capability sets
 * and the bounding set (default: Docker's default set), raise ambient
 * capabilities on request, switch to another user and groups, set
 * no_new_privs.
 *
 *	cap-drop [options] [--] [prog [arg...]]
 *
 * Everything is parsed, looked up and checked first; only then does the
 * process change, in the one order the kernel allows (see main).
 * Capabilities are named, read and set through libcap.
 */
/* boxutils-pkgs: libcap */
#include "box.h"
#include "caps.h"
#include "exec.h"
#include "ids.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define PASSWD_FILE "/etc/passwd"
#define GROUP_FILE  "/etc/group"

static const struct option long_options[] = {
    {"caps", required_argument, NULL, 'c'},
    {"drop", required_argument, NULL, 'd'},
    {"ambient", required_argument, NULL, 'a'},
    {"user", required_argument, NULL, 'u'},
    {"groups", required_argument, NULL, 'g'},
    {"clear-groups", no_argument, NULL, 'G'},
    {"no-new-privs", no_argument, NULL, 'n'},
    {"apparmor-profile", required_argument, NULL, 'A'},
    {"selinux-label", required_argument, NULL, 'S'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static _Noreturn void usage(void)
{
	printf("Usage: %s [options] [--] [prog [arg...]]\n", box_prog);
	fputs(
	    "\n"
	    "Drop capabilities, switch user and groups, then exec prog\n"
	    "($SHELL or /bin/sh when absent).\n"
	    "\n"
	    "Options:\n"
	    " -c, --caps LIST      capabilities to keep (default: Docker's\n"
	    "                      default set); 'all' keeps the bounding\n"
	    "                      set, 'none' keeps nothing\n"
	    " -d, --drop LIST      capabilities to remove from the kept set\n"
	    " -a, --ambient LIST   kept capabilities to raise as ambient, so\n"
	    "                      a non-root prog has them after exec\n"
	    " -u, --user U[:G]     switch to this uid and gid (numbers, or\n"
	    "                      names from /etc/passwd and /etc/group,\n"
	    "                      read without NSS)\n"
	    " -g, --groups LIST    supplementary groups (default with\n"
	    "                      --user: the user's in /etc/group)\n"
	    "     --clear-groups   no supplementary groups\n"
	    " -n, --no-new-privs   setuid files and file capabilities\n"
	    "                      grant nothing from here on\n"
	    "     --apparmor-profile NAME\n"
	    "                      prog runs confined by this AppArmor\n"
	    "                      profile (loaded already)\n"
	    "     --selinux-label LABEL\n"
	    "                      prog runs in this SELinux context\n"
	    " -h, --help           show this help\n"
	    " -V, --version        show the version\n"
	    "\n"
	    "A LIST is comma-separated: chown,CAP_KILL,net_raw or 21.\n",
	    stdout);
	exit(0);
}

/* What the command line asks for, before anything is done. */
struct request {
	uint64_t keep;	 /* --caps, or the default */
	bool keep_given; /* explicit names: each one must be held */
	bool keep_all;	 /* "all": whatever the bounding set has */
	uint64_t drop;
	uint64_t ambient;
	const char *user;   /* USER[:GROUP], or NULL */
	const char *groups; /* LIST, or NULL */
	bool clear_groups;
	bool no_new_privs;
	const char *apparmor; /* profile for prog, or NULL */
	const char *selinux;  /* context for prog, or NULL */
};

/* The resolved plan: every id and mask, checked, ready to apply. */
struct plan {
	uint64_t bounding;  /* the bounding set after */
	uint64_t permitted; /* = effective */
	uint64_t ambient;   /* = inheritable */
	bool set_ids;
	uint32_t uid, gid;
	bool set_groups;
	bool groups_implied; /* by --user alone, not asked for */
	gid_t *groups;
	size_t ngroups;
};

/* A capability list option; a bad name is one line and exit 125. */
static uint64_t parse_caps_opt(const char *opt, const char *s, bool *all)
{
	size_t off, len;
	uint64_t m;

	if (caps_parse_list(s, &m, &off, &len) < 0) {
		if (len == 0)
			xdie("--%s: empty capability name in '%s'", opt, s);
		xdie("--%s: unknown capability '%.*s'", opt, (int)len, s + off);
	}
	if (all)
		*all = *all || m == CAPS_ALL;
	return m;
}

static struct request parse_args(int argc, char **argv)
{
	struct request r = {.keep = 0};
	int c;

	opterr = 0; /* one line of our own, not getopt's */
	while ((c = getopt_long(argc, argv, "+:c:d:a:u:g:nhV", long_options,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			r.keep |= parse_caps_opt("caps", optarg, &r.keep_all);
			r.keep_given = true;
			break;
		case 'd':
			r.drop |= parse_caps_opt("drop", optarg, NULL);
			break;
		case 'a':
			r.ambient |= parse_caps_opt("ambient", optarg, NULL);
			break;
		case 'u':
			r.user = optarg;
			break;
		case 'g':
			r.groups = optarg;
			break;
		case 'G':
			r.clear_groups = true;
			break;
		case 'n':
			r.no_new_privs = true;
			break;
		case 'A':
		case 'S':
			/* one line to the kernel: the label ends there */
			if (!*optarg || strlen(optarg) > 4000 ||
			    strpbrk(optarg, "\n"))
				xusage_error("bad --%s: one line, not empty",
					     c == 'A' ? "apparmor-profile"
						      : "selinux-label");
			*(c == 'A' ? &r.apparmor : &r.selinux) = optarg;
			break;
		case 'h':
			usage();
		case 'V':
			xversion();
		default:
			xbad_option(c, argv);
		}
	}
	if (r.groups && r.clear_groups)
		xusage_error("--groups and --clear-groups exclude each other");
	return r;
}

/* The capabilities this process holds now, as masks. */
static void current_caps(int last, uint64_t *bnd, uint64_t *prm)
{
	struct caps_sets now;

	if (caps_get(&now) < 0)
		xdie_errno("read this process's capabilities");
	*bnd = caps_bounding(last);
	*prm = now.permitted;
}

static _Noreturn void die_cap(const char *what, uint64_t mask, const char *why)
{
	char names[512];

	caps_list_str(mask, names, sizeof(names));
	xdie("%s %s: %s", what, names, why);
}

/*
 * The capability sets: explicit names must be known to this kernel and
 * held by this process (cap-drop only ever lowers); the default and "all"
 * quietly take what there is, so cap-drop works inside a container that
 * already lacks some of them.
 */
static void plan_caps(const struct request *r, struct plan *p)
{
	uint64_t known, bnd, prm, keep;
	int last;

	last = caps_last_cap();
	if (last < 0)
		xdie_errno("find the kernel's last capability");
	known = caps_upto(last);
	current_caps(last, &bnd, &prm);

	if (r->keep_all)
		keep = bnd;
	else if (r->keep_given) {
		keep = r->keep & ~r->drop;
		if (keep & ~known)
			die_cap("keep", keep & ~known,
				"unknown to this kernel (too old for it)");
		if (keep & ~bnd)
			die_cap("keep", keep & ~bnd,
				"not in this process's bounding set");
		if (keep & ~prm)
			die_cap("keep", keep & ~prm,
				"not held by this process (cap-drop can only "
				"lower capabilities)");
	} else
		keep = caps_docker_default & bnd;
	keep &= ~r->drop;

	if (r->ambient & ~keep)
		die_cap("--ambient:", r->ambient & ~keep,
			"not in the kept set (add it to --caps)");
	p->bounding = keep;
	p->permitted = keep & prm;
	p->ambient = r->ambient;
}

/* A user or group name or number; names are looked up in text. */
static int looks_numeric(const char *s)
{
	return *s >= '0' && *s <= '9';
}

static char *read_db(const char *path, size_t *len, bool need, const char *what,
		     const char *name)
{
	char *buf;

	if (ids_read_file(path, &buf, len) == 0)
		return buf;
	if (need)
		xdie_errno("look up %s '%s': read %s", what, name, path);
	*len = 0;
	return NULL;
}

static uint32_t parse_id(const char *s, const char *what)
{
	uint32_t id;

	if (ids_parse_id(s, &id) == 0)
		return id;
	if (errno == ERANGE)
		xdie("invalid %s '%s': out of range (0..%u)", what, s, IDS_MAX);
	xdie("invalid %s '%s': not a number or a name", what, s);
}

static uint32_t resolve_group(const char *name, const char *gbuf, size_t glen)
{
	uint32_t gid;

	if (looks_numeric(name) || *name == '-' || *name == '\0')
		return parse_id(name, "gid");
	if (!gbuf)
		xdie("look up group '%s': cannot read %s", name, GROUP_FILE);
	if (ids_group_find(gbuf, glen, name, &gid) < 0)
		xdie("look up group '%s': no such group in %s", name,
		     GROUP_FILE);
	return gid;
}

/*
 * --user and --groups, resolved in this root's /etc/passwd and
 * /etc/group.  Numbers need no files; a numeric uid takes its gid and
 * groups from its passwd entry when there is one, and gid 0 when there
 * is none, as Docker's --user does.
 */
static void plan_ids(const struct request *r, struct plan *p)
{
	char *pbuf = NULL, *gbuf = NULL, *spec = NULL, *grp = NULL, *tok;
	struct ids_user pw = {.name = NULL};
	size_t plen = 0, glen = 0, n, max;
	bool have_pw = false;
	bool names_needed = r->groups != NULL;

	if (r->user) {
		spec = strdup(r->user);
		if (!spec)
			xdie_errno("parse --user");
		grp = strchr(spec, ':');
		if (grp)
			*grp++ = '\0';
		if (*spec == '\0')
			xdie("invalid --user '%s': no user before ':'",
			     r->user);
		if (grp && *grp == '\0')
			xdie("invalid --user '%s': no group after ':'",
			     r->user);
		if (looks_numeric(spec) || *spec == '-') {
			p->uid = parse_id(spec, "uid");
			pbuf = read_db(PASSWD_FILE, &plen, false, "", "");
			have_pw = pbuf && ids_passwd_find(pbuf, plen, NULL,
							  p->uid, &pw) == 0;
		} else {
			pbuf = read_db(PASSWD_FILE, &plen, true, "user", spec);
			if (ids_passwd_find(pbuf, plen, spec, 0, &pw) < 0)
				xdie("look up user '%s': no such user in %s",
				     spec, PASSWD_FILE);
			have_pw = true;
			p->uid = pw.uid;
		}
		p->gid = have_pw ? pw.gid : 0;
		p->set_ids = true;
		names_needed = names_needed || (grp && !looks_numeric(grp));
	}

	if (names_needed || (have_pw && !r->clear_groups))
		gbuf = read_db(GROUP_FILE, &glen, false, "", "");
	if (grp)
		p->gid = resolve_group(grp, gbuf, glen);

	if (r->groups) {
		/* one slot per comma, at most */
		for (max = 1, tok = (char *)r->groups; *tok; tok++)
			max += *tok == ',';
		p->groups = calloc(max, sizeof(gid_t));
		free(spec);
		spec = strdup(r->groups);
		if (!p->groups || !spec)
			xdie_errno("parse --groups");
		if (*r->groups == '\0' || *r->groups == ',' ||
		    strstr(r->groups, ",,") ||
		    r->groups[strlen(r->groups) - 1] == ',')
			xdie("invalid --groups '%s': empty group (use "
			     "--clear-groups for none)",
			     r->groups);
		n = 0;
		for (tok = strtok(spec, ","); tok; tok = strtok(NULL, ","))
			p->groups[n++] = resolve_group(tok, gbuf, glen);
		p->ngroups = n;
		p->set_groups = true;
	} else if (r->clear_groups || p->set_ids) {
		/*
		 * Always set them when the user changes: the groups of the
		 * caller (root's, often) must not follow into the payload.
		 */
		n = have_pw && gbuf && !r->clear_groups
			? ids_group_members(gbuf, glen, pw.name, pw.namelen,
					    NULL, 0)
			: 0;
		p->groups = calloc(n ? n : 1, sizeof(uint32_t));
		if (!p->groups)
			xdie_errno("look up the groups of uid %u", p->uid);
		if (n)
			ids_group_members(gbuf, glen, pw.name, pw.namelen,
					  p->groups, n);
		p->ngroups = n;
		p->set_groups = true;
		p->groups_implied = !r->clear_groups;
	}
	if (p->set_groups && p->ngroups > (size_t)sysconf(_SC_NGROUPS_MAX))
		xdie("set %zu supplementary groups: more than the kernel's "
		     "limit of %ld",
		     p->ngroups, sysconf(_SC_NGROUPS_MAX));
	free(spec);
	free(pbuf);
	free(gbuf);
}

/* Differs from what the process has now (so an unchanged list needs no
 * CAP_SETGID). */
static bool groups_differ(const gid_t *g, size_t n)
{
	gid_t now[256];
	int k;
	size_t i, j;

	k = getgroups((int)ARRAY_SIZE(now), now);
	if (k < 0 || (size_t)k != n)
		return true;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n && now[j] != g[i]; j++)
			;
		if (j == n)
			return true;
	}
	return false;
}

/* A user namespace can deny setgroups() for good (unshare -r does). */
static bool setgroups_denied(void)
{
	char buf[8] = "";
	FILE *f;

	f = fopen("/proc/self/setgroups", "re");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return strncmp(buf, "deny", 4) == 0;
}

/*
 * Groups implied by --user are left alone where setgroups() is denied:
 * the kernel lets such a namespace only keep the groups it was made
 * with (dropping one could bypass a deny-group permission).
 */
static void set_groups(const struct plan *p)
{
	int err;

	if (!groups_differ(p->groups, p->ngroups) ||
	    setgroups(p->ngroups, p->groups) == 0)
		return;
	err = errno;
	if (err == EPERM && setgroups_denied()) {
		if (p->groups_implied)
			return;
		box_errh(err,
			 "setgroups is denied in this user namespace, "
			 "see /proc/self/setgroups",
			 "set %zu supplementary groups", p->ngroups);
	} else
		box_errh(err, err == EPERM ? "needs CAP_SETGID" : NULL,
			 "set %zu supplementary groups", p->ngroups);
	exit(EXIT_TOOL);
}

static _Noreturn void die_id(int err, const char *what, uint32_t id,
			     const char *eperm_hint)
{
	const char *hint = NULL;

	if (err == EPERM)
		hint = eperm_hint;
	else if (err == EINVAL)
		hint = "not mapped in this user namespace";
	box_errh(err, hint, "set %s %u", what, id);
	exit(EXIT_TOOL);
}

/*
 * The LSM label prog gets at its exec: AppArmor takes "exec PROFILE" in
 * its own attr directory (attr/exec when it is the only LSM of an older
 * kernel), SELinux the bare context in attr/exec.  Written for the
 * thread, which is the process: we run no others.
 */
static void set_exec_label(const char *lsm, const char *label)
{
	bool aa = strcmp(lsm, "AppArmor") == 0;
	char text[4096 + 8];
	int fd = -1, err;
	ssize_t n;

	snprintf(text, sizeof(text), "%s%s", aa ? "exec " : "", label);
	if (aa)
		fd = open("/proc/thread-self/attr/apparmor/exec",
			  O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		xdie_errno("set the %s label: open /proc/thread-self/attr/exec"
			   " (is /proc mounted?)",
			   lsm);
	n = write(fd, text, strlen(text));
	err = errno;
	close(fd);
	if (n == (ssize_t)strlen(text))
		return;
	box_errh(err,
		 err == EINVAL	 ? aa ? "AppArmor is not enabled here"
				      : "SELinux is not enabled here, or the "
					"context is not valid"
		 : err == ENOENT ? "no such profile is loaded"
		 : err == EACCES || err == EPERM
		     ? "the current profile may not change to it"
		     : NULL,
		 "set the %s label '%s' for prog", lsm, label);
	exit(EXIT_TOOL);
}

static void drop_bounding(uint64_t keep)
{
	char name[32];
	int last = caps_last_cap(), i;

	for (i = 0; i <= last; i++) {
		if (keep & CAPS_BIT(i) || cap_get_bound((cap_value_t)i) != 1)
			continue;
		if (cap_drop_bound((cap_value_t)i) < 0) {
			caps_str((unsigned int)i, name, sizeof(name));
			box_errh(errno,
				 errno == EPERM ? "needs CAP_SETPCAP; an "
						  "unprivileged user can keep "
						  "the bounding set with "
						  "--caps all"
						: NULL,
				 "drop %s from the bounding set", name);
			exit(EXIT_TOOL);
		}
	}
}

static void set_caps(const struct plan *p)
{
	struct caps_sets c = {.effective = p->permitted,
			      .permitted = p->permitted,
			      .inheritable = p->ambient};
	char *text;
	cap_t t;
	int err;

	if (caps_set(&c) == 0)
		return;
	/* the sets asked for, in libcap's text form ("cap_kill=eip") */
	err = errno;
	t = caps_to_cap(&c);
	text = t ? cap_to_text(t, NULL) : NULL;
	errno = err;
	xdie_errno("set capabilities '%s'", text ? text : "?");
}

static void raise_ambient(uint64_t ambient)
{
	char name[32];
	int i;

	if (cap_reset_ambient() < 0)
		xdie_errno("clear the ambient capabilities");
	for (i = 0; i < CAPS_BITS; i++) {
		if (!(ambient & CAPS_BIT(i)))
			continue;
		if (cap_set_ambient((cap_value_t)i, CAP_SET) < 0) {
			caps_str((unsigned int)i, name, sizeof(name));
			box_errh(errno,
				 errno == EPERM ? "SECBIT_NO_CAP_AMBIENT_RAISE "
						  "is set"
						: NULL,
				 "raise ambient %s", name);
			exit(EXIT_TOOL);
		}
	}
}

int main(int argc, char **argv)
{
	struct request req;
	struct plan plan = {.bounding = 0};

	box_init(argc, argv);
	req = parse_args(argc, argv);
	plan_caps(&req, &plan);
	plan_ids(&req, &plan);

	/*
	 * The bounding set first, while we still hold CAP_SETPCAP: it is
	 * what a root payload gets back at exec (root's new permitted set
	 * is inheritable | bounding), so it is the set that really limits.
	 */
	drop_bounding(plan.bounding);

	/* The exec labels before the uid switch: that leaves the process
	 * undumpable, and its /proc/self files root's.  Taking effect only
	 * at execve, they outlive the switch. */
	if (req.apparmor)
		set_exec_label("AppArmor", req.apparmor);
	if (req.selinux)
		set_exec_label("SELinux", req.selinux);

	/*
	 * Groups, then gid, then uid: changing the uid last, because
	 * setgroups() and setresgid() need CAP_SETGID, which a switch away
	 * from uid 0 takes away.  PR_SET_KEEPCAPS keeps the permitted set
	 * across that switch (only effective is cleared), so the kept
	 * capabilities can be set again below and raised as ambient.
	 */
	if (plan.set_groups)
		set_groups(&plan);
	if (plan.set_ids) {
		if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) < 0)
			xdie_errno("set keep-capabilities");
		if (setresgid(plan.gid, plan.gid, plan.gid) < 0)
			die_id(errno, "gid", plan.gid, "needs CAP_SETGID");
		if (setresuid(plan.uid, plan.uid, plan.uid) < 0)
			die_id(errno, "uid", plan.uid, "needs CAP_SETUID");
	}

	/*
	 * Permitted and effective to the kept set.  Inheritable holds only
	 * the ambient set, which the kernel requires for raising it; any
	 * more would hand capabilities to files with inheritable file
	 * capabilities (CVE-2022-24769, why Docker and runc stopped).
	 */
	set_caps(&plan);

	/* Ambient last among the sets: a cap must already be permitted and
	 * inheritable to be raised.  It is what a non-root payload keeps
	 * across exec; without it a non-root payload has no capabilities. */
	raise_ambient(plan.ambient);

	/* no_new_privs acts only at execve, so it goes last, just before. */
	if (req.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) < 0)
		xdie_errno("set no_new_privs");

	xexec(argc - optind, argv + optind);
}
