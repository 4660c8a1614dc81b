/*
 * overlay.h - overlayfs option strings, path escaping, the option table,
 * and aufs branch lists mapped onto overlay layers.
 *
 * Everything here is pure: no syscalls, no allocation, no globals
 * written, so a fuzzing harness can call any of it.  Functions return a
 * count or length, or -1 with errno set.
 */
#ifndef BOX_OVERLAY_H
#define BOX_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The kernel's limit on lower layers (OVL_MAX_STACK in fs/overlayfs). */
#define OVL_MAX_LAYERS 500

/*
 * mount(2) copies at most one page of option data, NUL included, so the
 * legacy option string must fit in 4096 bytes.
 */
#define OVL_LEGACY_DATA_MAX 4096

/*
 * Escape a path for overlay's monolithic option parser: ':' ',' and '\'
 * get a backslash, as fs/overlayfs/params.c splits options on unescaped
 * ',' and lowerdir on unescaped ':' and then drops every backslash.
 * Returns the escaped length (out is NUL-terminated), or -1 with errno:
 *   EINVAL        empty path, or one that cannot be written safely: a
 *                 comma followed by a security-module option name
 *                 (context=, seclabel, smackfs...), which LSMs strip out
 *                 of the data before overlay sees it, ignoring escapes;
 *   ENAMETOOLONG  out is too small.
 */
ssize_t overlay_escape(const char *path, char *out, size_t outsz);

/*
 * Escape a path given alone through fsconfig(2) as upperdir or workdir:
 * overlay drops backslashes from those values even there (it takes
 * lowerdir+ verbatim), so only '\' is doubled.  Returns the length, or -1
 * with errno EINVAL (empty) or ENAMETOOLONG.
 */
ssize_t overlay_escape_value(const char *path, char *out, size_t outsz);

/*
 * Quote a string for an error message on one line: control characters
 * and backslashes become C escapes (\n, \t, \\, \ooo).  Always
 * NUL-terminates (when outsz > 0); truncates with "..." when short.
 */
void overlay_quote(const char *s, char *out, size_t outsz);

/* --- overlay's own options (-o) --- */

/* One overlay parameter for fsconfig or the option string: key[=value]. */
struct ovl_param {
	const char *key;	/* points into the option table */
	const char *value;	/* into the table as well, NULL for a flag */
};

#define OVL_MAX_PARAMS 32

/* What -o strings say, after checking against the table. */
struct ovl_opts {
	struct ovl_param param[OVL_MAX_PARAMS];
	int nparam;
	/* aufs: the branch list of br=, br: or dirs= (not NUL-terminated) */
	const char *branches;
	size_t branches_len;
};

/*
 * Check one filesystem option against overlay's table and record it in
 * *o (which the caller zeroes once).  The option string itself is split
 * by libmount (common/mount.h): the generic flags (ro, nosuid, ...)
 * never come here, and key and value point into what it left for the
 * filesystem.  value is NULL for a bare flag; key and value are klen and
 * vlen bytes, not NUL-terminated.  With aufs, br=, br:DIR... and dirs=
 * name the branch list (kept as a pointer into key or value; a quoted
 * value loses its quotes).  Returns 0, or -1 with errno:
 *   ENOENT  unknown option;
 *   EINVAL  an option with a value it does not take, or without one;
 *   EPERM   lowerdir, upperdir, workdir and their + forms: the layers are
 *           given by --lower/--upper/--work so they can be escaped;
 *   EEXIST  a second branch list (aufs);
 *   E2BIG   more than OVL_MAX_PARAMS options.
 */
int overlay_add_option(struct ovl_opts *o, const char *key, size_t klen,
		       const char *value, size_t vlen, bool aufs);

/*
 * Add a parameter from the table by name (e.g. "userxattr" for
 * --userxattr); a repeated key replaces the earlier value.
 */
int overlay_add_param(struct ovl_opts *o, const char *key, const char *value);

/* "on|off|..." for an option, for the man page and error hints. */
const char *overlay_option_values(const char *key);

/* --- the legacy option string --- */

struct ovl_layout {
	const char *const *lower;	/* lower[0] is the top of the stack */
	int nlower;
	const char *upper;		/* NULL: read-only overlay */
	const char *work;
	const struct ovl_param *param;
	int nparam;
};

/*
 * "lowerdir=L0:L1,upperdir=U,workdir=W,key=value..." with every path
 * escaped, for mount(2).  Returns the length, or -1 with errno EINVAL (a
 * path overlay_escape refuses, or no lower layer) or E2BIG (does not fit
 * in outsz; pass OVL_LEGACY_DATA_MAX for the kernel's page).
 */
ssize_t overlay_build_data(const struct ovl_layout *l, char *out,
			   size_t outsz);

/* --- aufs branches --- */

enum branch_perm {
	BRANCH_RW,	/* writable: becomes overlay's upperdir */
	BRANCH_RO,	/* read-only (ro, ro+wh, rr, rr+wh): a lower layer */
};

struct branch {
	const char *path;	/* into the spec, not NUL-terminated */
	size_t len;
	enum branch_perm perm;
	bool explicit_perm;	/* written as DIR=PERM */
};

/*
 * Parse an aufs branch list "DIR[=PERM]:DIR[=PERM]..." (the value of br=,
 * br: or dirs=).  PERM is rw, ro, rr, ro+wh or rr+wh; a branch without
 * one is rw when it is the first, ro otherwise (aufs's defaults).  The
 * text after the last '=' must be a known permission, so a directory
 * whose name holds '=' is written with an explicit one ("a=b=ro").
 * At most one branch is rw, and it must be the first (overlay has one
 * upper layer, on top).  Returns the number of branches, or -1 with
 * errno: EINVAL (empty list or branch, unknown permission, rw branch not
 * first, two rw branches), E2BIG (more than max); *why (when not NULL)
 * then points to a static phrase saying which.
 */
int aufs_parse_branches(const char *spec, size_t len, struct branch *out,
			int max, const char **why);

#endif
