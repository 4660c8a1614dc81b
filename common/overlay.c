#include "overlay.h"
#include "kernel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* --- escaping --- */

/*
 * Security modules take their own options (SELinux context=, Smack
 * smackfs*=) out of the mount data before the filesystem parses it, and
 * they split on every comma, escaped or not.  A path holding ",context=x"
 * would hand them an option of the user's making, so such a path is
 * refused rather than escaped.
 */
static const char *const lsm_prefixes[] = {
	"context=", "fscontext=", "defcontext=", "rootcontext=",
	"seclabel", "smackfs",
};

static bool lsm_option_at(const char *s)
{
	for (size_t i = 0; i < sizeof(lsm_prefixes) / sizeof(lsm_prefixes[0]);
	     i++)
		if (strncmp(s, lsm_prefixes[i], strlen(lsm_prefixes[i])) == 0)
			return true;
	return false;
}

ssize_t overlay_escape(const char *path, char *out, size_t outsz)
{
	size_t n = 0;

	if (!path || !*path) {
		errno = EINVAL;
		return -1;
	}
	for (const char *p = path; *p; p++) {
		if (*p == ',' && lsm_option_at(p + 1)) {
			errno = EINVAL;
			return -1;
		}
		if (*p == ':' || *p == ',' || *p == '\\') {
			if (n + 1 >= outsz)
				goto too_long;
			out[n++] = '\\';
		}
		if (n + 1 >= outsz)
			goto too_long;
		out[n++] = *p;
	}
	out[n] = '\0';
	return n;
too_long:
	if (outsz)
		out[0] = '\0';
	errno = ENAMETOOLONG;
	return -1;
}

ssize_t overlay_escape_value(const char *path, char *out, size_t outsz)
{
	size_t n = 0;

	if (!path || !*path) {
		errno = EINVAL;
		return -1;
	}
	for (const char *p = path; *p; p++) {
		if (n + 2 + (*p == '\\') > outsz) {
			if (outsz)
				out[0] = '\0';
			errno = ENAMETOOLONG;
			return -1;
		}
		if (*p == '\\')
			out[n++] = '\\';
		out[n++] = *p;
	}
	out[n] = '\0';
	return n;
}

void overlay_quote(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	char esc[8];

	if (!outsz)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t k;

		if (c == '\n')
			k = snprintf(esc, sizeof(esc), "\\n");
		else if (c == '\t')
			k = snprintf(esc, sizeof(esc), "\\t");
		else if (c == '\\')
			k = snprintf(esc, sizeof(esc), "\\\\");
		else if (c < 0x20 || c == 0x7f)
			k = snprintf(esc, sizeof(esc), "\\%03o", c);
		else {
			esc[0] = c;
			esc[1] = '\0';
			k = 1;
		}
		if (n + k + 4 > outsz) {
			/* room is kept for "..." and the NUL */
			if (outsz >= 4) {
				n = n > outsz - 4 ? outsz - 4 : n;
				memcpy(out + n, "...", 3);
				n += 3;
			}
			break;
		}
		memcpy(out + n, esc, k);
		n += k;
	}
	out[n < outsz ? n : outsz - 1] = '\0';
}

/* --- the option table --- */

static const char *const v_on_off[] = { "on", "off", NULL };
static const char *const v_redirect[] = { "on", "off", "follow", "nofollow",
					  NULL };
static const char *const v_xino[] = { "on", "off", "auto", NULL };
static const char *const v_uuid[] = { "on", "off", "null", "auto", NULL };
static const char *const v_verity[] = { "on", "off", "require", NULL };

/* Overlay's own options, as Documentation/filesystems/overlayfs.rst lists. */
static const struct ovl_option {
	const char *name;
	const char *const *values;	/* NULL: a flag without value */
	const char *help;		/* the values, for messages */
} ovl_options[] = {
	{ "index", v_on_off, "on|off" },
	{ "metacopy", v_on_off, "on|off" },
	{ "nfs_export", v_on_off, "on|off" },
	{ "redirect_dir", v_redirect, "on|off|follow|nofollow" },
	{ "uuid", v_uuid, "on|off|null|auto" },
	{ "verity", v_verity, "on|off|require" },
	{ "xino", v_xino, "on|off|auto" },
	{ "userxattr", NULL, NULL },
	{ "volatile", NULL, NULL },
};

/* Layer options: given only as --lower/--upper/--work, which escape them. */
static const char *const reserved[] = {
	"lowerdir", "upperdir", "workdir", "lowerdir+", "datadir+",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool token_is(const char *tok, size_t len, const char *name)
{
	return strlen(name) == len && strncmp(tok, name, len) == 0;
}

static const struct ovl_option *option_by_name(const char *key, size_t len)
{
	for (size_t i = 0; i < N(ovl_options); i++)
		if (token_is(key, len, ovl_options[i].name))
			return &ovl_options[i];
	return NULL;
}

const char *overlay_option_values(const char *key)
{
	const struct ovl_option *op = option_by_name(key, strlen(key));

	return op ? op->help : NULL;
}

/* Set key (and value, both from the table) in o, replacing a repeat. */
static int set_param(struct ovl_opts *o, const char *key, const char *value)
{
	int i;

	for (i = 0; i < o->nparam; i++)
		if (strcmp(o->param[i].key, key) == 0)
			break;
	if (i == o->nparam) {
		if (o->nparam >= OVL_MAX_PARAMS) {
			errno = E2BIG;
			return -1;
		}
		o->nparam++;
	}
	o->param[i].key = key;
	o->param[i].value = value;
	return 0;
}

/* Check key[=value] (value may be NULL) against the table and record it. */
static int add_option(struct ovl_opts *o, const char *key, size_t klen,
		      const char *value, size_t vlen)
{
	const struct ovl_option *op = option_by_name(key, klen);

	if (op) {
		if (!op->values) {
			if (value) {
				errno = EINVAL;
				return -1;
			}
			return set_param(o, op->name, NULL);
		}
		if (!value) {
			errno = EINVAL;
			return -1;
		}
		for (const char *const *v = op->values; *v; v++)
			if (token_is(value, vlen, *v))
				return set_param(o, op->name, *v);
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < N(reserved); i++) {
		if (token_is(key, klen, reserved[i])) {
			errno = EPERM;
			return -1;
		}
	}
	errno = ENOENT;
	return -1;
}

int overlay_add_param(struct ovl_opts *o, const char *key, const char *value)
{
	return add_option(o, key, strlen(key), value,
			  value ? strlen(value) : 0);
}

int overlay_add_option(struct ovl_opts *o, const char *key, size_t klen,
		       const char *value, size_t vlen, bool aufs)
{
	const char *br = NULL, *end = value ? value + vlen : key + klen;

	/* aufs names the branch list br=, br:DIR... or dirs= */
	if (aufs && klen >= 3 && strncmp(key, "br:", 3) == 0)
		br = key + 3;
	else if (aufs && value &&
		 (token_is(key, klen, "br") || token_is(key, klen, "dirs")))
		br = value;
	if (!br)
		return add_option(o, key, klen, value, vlen);
	if (o->branches) {
		errno = EEXIST;
		return -1;
	}
	/* a quoted list may hold commas: br="a,b=rw:c" */
	if (br == value && vlen >= 2 && value[0] == '"' &&
	    value[vlen - 1] == '"') {
		br++;
		end--;
	}
	o->branches = br;
	o->branches_len = (size_t)(end - br);
	return 0;
}

/* --- the legacy option string --- */

struct buf {
	char *p;
	size_t n, size;
};

static int put(struct buf *b, const char *s)
{
	size_t k = strlen(s);

	if (b->n + k + 1 > b->size) {
		errno = E2BIG;
		return -1;
	}
	memcpy(b->p + b->n, s, k + 1);
	b->n += k;
	return 0;
}

static int put_path(struct buf *b, const char *path)
{
	ssize_t k;

	if (b->n >= b->size) {
		errno = E2BIG;
		return -1;
	}
	k = overlay_escape(path, b->p + b->n, b->size - b->n);
	if (k < 0) {
		if (errno == ENAMETOOLONG)
			errno = E2BIG;
		b->p[b->n] = '\0';
		return -1;
	}
	b->n += k;
	return 0;
}

ssize_t overlay_build_data(const struct ovl_layout *l, char *out,
			   size_t outsz)
{
	struct buf b = { out, 0, outsz };

	if (!outsz) {
		errno = E2BIG;
		return -1;
	}
	out[0] = '\0';
	if (l->nlower < 1 || (!l->upper) != (!l->work)) {
		errno = EINVAL;
		return -1;
	}
	if (put(&b, "lowerdir=") < 0)
		return -1;
	for (int i = 0; i < l->nlower; i++) {
		if (i > 0 && put(&b, ":") < 0)
			return -1;
		if (put_path(&b, l->lower[i]) < 0)
			return -1;
	}
	if (l->upper) {
		if (put(&b, ",upperdir=") < 0 || put_path(&b, l->upper) < 0 ||
		    put(&b, ",workdir=") < 0 || put_path(&b, l->work) < 0)
			return -1;
	}
	for (int i = 0; i < l->nparam; i++) {
		if (put(&b, ",") < 0 || put(&b, l->param[i].key) < 0)
			return -1;
		if (l->param[i].value &&
		    (put(&b, "=") < 0 || put(&b, l->param[i].value) < 0))
			return -1;
	}
	return b.n;
}

/* --- aufs branches --- */

static const struct {
	const char *name;
	enum branch_perm perm;
} branch_perms[] = {
	{ "rw", BRANCH_RW },	{ "rw+nolwh", BRANCH_RW },
	{ "ro", BRANCH_RO },	{ "ro+wh", BRANCH_RO },
	{ "rr", BRANCH_RO },	{ "rr+wh", BRANCH_RO },
};

int aufs_parse_branches(const char *spec, size_t len, struct branch *out,
			int max, const char **why)
{
	const char *dummy;
	const char *p = spec, *end = spec + len;
	int n = 0;

	if (!why)
		why = &dummy;
	*why = NULL;
	if (len == 0) {
		*why = "empty branch list";
		errno = EINVAL;
		return -1;
	}
	for (;;) {
		const char *sep = memchr(p, ':', end - p);
		const char *bend = sep ? sep : end;
		const char *eq = NULL;
		struct branch b = { p, bend - p, n ? BRANCH_RO : BRANCH_RW,
				    false };

		for (const char *q = p; q < bend; q++)
			if (*q == '=')
				eq = q;
		if (eq) {
			size_t i;

			for (i = 0; i < N(branch_perms); i++)
				if (token_is(eq + 1, bend - eq - 1,
					     branch_perms[i].name))
					break;
			if (i == N(branch_perms)) {
				*why = "unknown branch permission (rw, ro, rr, "
				       "ro+wh, rr+wh)";
				errno = EINVAL;
				return -1;
			}
			b.len = eq - p;
			b.perm = branch_perms[i].perm;
			b.explicit_perm = true;
		}
		if (b.len == 0) {
			*why = "empty branch";
			errno = EINVAL;
			return -1;
		}
		/* overlay has one upper layer, and it is the top one */
		if (b.perm == BRANCH_RW && n > 0) {
			*why = "only the first (leftmost) branch can be rw, "
			       "as overlay has one upper layer";
			errno = EINVAL;
			return -1;
		}
		if (n >= max) {
			*why = "too many branches";
			errno = E2BIG;
			return -1;
		}
		out[n++] = b;
		if (!sep)
			break;
		p = sep + 1;
	}
	return n;
}
