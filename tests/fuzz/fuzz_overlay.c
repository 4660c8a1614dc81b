/*
 * fuzz_overlay - libFuzzer harness for common/overlay.c: path escaping,
 * the legacy option string, -o options and aufs branch lists.
 *
 * The option string is read back the way the kernel reads it
 * (fs/overlayfs/params.c: split on commas not escaped by a backslash,
 * lowerdir on colons likewise, then every backslash dropped), and the
 * way a security module reads it first (split on every comma, escaped
 * or not).  Properties, each an abort() when broken:
 *   - an escaped path unescapes back to itself and holds no unescaped
 *     ',' or ':'; with a smaller buffer the answer is the same or
 *     ENAMETOOLONG, never a write past the end;
 *   - a built option string splits into exactly lowerdir (then upperdir,
 *     workdir) and the params, and each layer reads back as given;
 *     no comma-split piece of it is an LSM option (context=, ...);
 *   - overlay_quote() output is one printable line within its buffer;
 *   - accepted -o options are from the table; aufs branches lie
 *     inside the input and cover the spec, the rw one first.
 */
#include "overlay.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG 16384

/* Drop escaping backslashes: "\x" -> "x".  Returns -1 on a lone one. */
static int unescape(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\') {
			if (++i == n)
				return -1;
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
	return 0;
}

/* The length of the piece up to the next unescaped sep. */
static size_t piece(const char *s, size_t n, char sep)
{
	size_t i;

	for (i = 0; i < n && s[i] != sep; i++)
		if (s[i] == '\\' && i + 1 < n)
			i++;
	return i;
}

static const char *const lsm[] = {
	"context=", "fscontext=", "defcontext=", "rootcontext=", "seclabel",
	"smackfs",
};

static void no_lsm_option(const char *data)
{
	for (const char *c = strchr(data, ','); c; c = strchr(c + 1, ','))
		for (size_t i = 0; i < sizeof(lsm) / sizeof(lsm[0]); i++)
			if (!strncmp(c + 1, lsm[i], strlen(lsm[i])))
				abort();
}

static void check_escape(const char *s, unsigned small)
{
	static char out[BIG], back[BIG];
	ssize_t n = overlay_escape(s, out, sizeof(out));
	char *tiny;

	if (n < 0) {
		if (errno != EINVAL && errno != ENAMETOOLONG)
			abort();
		return;
	}
	if ((size_t)n != strlen(out) || !*s)
		abort();
	if (piece(out, n, ',') != (size_t)n || piece(out, n, ':') != (size_t)n)
		abort();
	if (unescape(out, n, back) < 0 || strcmp(back, s))
		abort();
	no_lsm_option(out);

	/* a buffer of exactly `small` bytes */
	tiny = malloc(small ? small : 1);
	if (overlay_escape(s, tiny, small) >= 0) {
		if (strcmp(tiny, out))
			abort();
	} else if (errno != ENAMETOOLONG || (small && tiny[0] != '\0')) {
		abort();
	}
	free(tiny);

	n = overlay_escape_value(s, out, sizeof(out));
	if (n >= 0) {
		if (unescape(out, n, back) < 0 || strcmp(back, s))
			abort();
	}
}

static void check_quote(const char *s, unsigned small)
{
	char *out = malloc(small ? small : 1);

	overlay_quote(s, out, small);
	if (small) {
		size_t n = strlen(out);

		if (n >= small)
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
				abort();
	}
	free(out);
}

/* Build "lowerdir=...,upperdir=...,workdir=..." from the input's lines
 * and read it back as the kernel would. */
static void check_build(char *s, unsigned sel)
{
	static char data[OVL_LEGACY_DATA_MAX], val[OVL_LEGACY_DATA_MAX],
		back[OVL_LEGACY_DATA_MAX];
	const char *layer[16], *lower[16];
	struct ovl_param par[2] = { { "userxattr", NULL }, { "index", "off" } };
	struct ovl_layout l = { 0 };
	int n = 0, nl;
	char *save = NULL;
	ssize_t len;
	size_t pos, k;

	for (char *t = strtok_r(s, "\n", &save); t && n < 16;
	     t = strtok_r(NULL, "\n", &save))
		layer[n++] = t;
	if (n == 0)
		return;
	nl = (sel & 1) && n >= 3 ? n - 2 : n;
	for (int i = 0; i < nl; i++)
		lower[i] = layer[i];
	l.lower = lower;
	l.nlower = nl;
	if (nl != n) {
		l.upper = layer[n - 2];
		l.work = layer[n - 1];
	}
	l.param = par;
	l.nparam = (sel >> 1) % 3;
	len = overlay_build_data(&l, data, (sel & 8) ? 64 : sizeof(data));
	if (len < 0) {
		if (errno != EINVAL && errno != E2BIG)
			abort();
		return;
	}
	if ((size_t)len != strlen(data))
		abort();
	no_lsm_option(data);
	/* lowerdir=L0:L1... */
	pos = 0;
	k = piece(data, len, ',');
	if (strncmp(data, "lowerdir=", 9) || k < 9)
		abort();
	memcpy(val, data + 9, k - 9);
	val[k - 9] = '\0';
	for (int i = 0, p = 0; i < nl; i++) {
		size_t m = piece(val + p, strlen(val + p), ':');

		if (unescape(val + p, m, back) < 0 || strcmp(back, lower[i]))
			abort();
		p += m;
		if (i < nl - 1 && val[p++] != ':')
			abort();
		if (i == nl - 1 && val[p] != '\0')
			abort();
	}
	pos = k;
	if (l.upper) {
		const char *want[2] = { l.upper, l.work };
		const char *key[2] = { ",upperdir=", ",workdir=" };

		for (int i = 0; i < 2; i++) {
			size_t kl = strlen(key[i]);

			if (strncmp(data + pos, key[i], kl))
				abort();
			pos += kl;
			k = piece(data + pos, len - pos, ',');
			if (unescape(data + pos, k, back) < 0 ||
			    strcmp(back, want[i]))
				abort();
			pos += k;
		}
	}
	for (int i = 0; i < l.nparam; i++) {
		if (data[pos] != ',')
			abort();
		pos++;
		pos += piece(data + pos, len - pos, ',');
	}
	if (pos != (size_t)len)
		abort();
}

/*
 * Feed s to overlay_add_option one comma-separated option at a time, as
 * uf-mount does with what libmount leaves for the filesystem (libmount
 * also honours quotes; a plain split is enough to reach every path of
 * the table check).
 */
static int add_options(const char *s, bool aufs, struct ovl_opts *o)
{
	for (const char *tok = s;;) {
		const char *end = strchrnul(tok, ',');
		const char *eq = memchr(tok, '=', end - tok);
		size_t klen = eq ? (size_t)(eq - tok) : (size_t)(end - tok);

		if (end > tok &&
		    overlay_add_option(o, tok, klen, eq ? eq + 1 : NULL,
				       eq ? (size_t)(end - eq - 1) : 0,
				       aufs) < 0) {
			if (errno != ENOENT && errno != EINVAL &&
			    errno != EPERM && errno != EEXIST && errno != E2BIG)
				abort();
			return -1;
		}
		if (!*end)
			return 0;
		tok = end + 1;
	}
}

static void check_options(const char *s, bool aufs)
{
	struct ovl_opts o;
	struct branch br[8];
	const char *why;
	int n;

	memset(&o, 0, sizeof(o));
	if (add_options(s, aufs, &o) < 0)
		return;
	if (o.nparam < 0 || o.nparam > OVL_MAX_PARAMS)
		abort();
	for (int i = 0; i < o.nparam; i++)
		if (!overlay_option_values(o.param[i].key) &&
		    strcmp(o.param[i].key, "userxattr") &&
		    strcmp(o.param[i].key, "volatile"))
			abort();
	if (!o.branches)
		return;
	if (!aufs || o.branches < s || o.branches + o.branches_len > s + strlen(s))
		abort();
	n = aufs_parse_branches(o.branches, o.branches_len, br, 8, &why);
	if (n < 0) {
		if (!why)
			abort();
		return;
	}
	if (n == 0 || n > 8)
		abort();
	for (int i = 0; i < n; i++) {
		const char *end = br[i].path + br[i].len;

		if (br[i].len == 0 || br[i].path < o.branches ||
		    end > o.branches + o.branches_len ||
		    memchr(br[i].path, ':', br[i].len))
			abort();
		if (br[i].perm == BRANCH_RW && i > 0)
			abort();
		if (end != o.branches + o.branches_len && *end != ':' &&
		    *end != '=')
			abort();
		if (i > 0 && br[i].path[-1] != ':')
			abort();
	}
	if (br[0].path != o.branches)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;
	unsigned sel;

	if (size < 1 || size > 8192)
		return 0;
	sel = data[0];
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	check_escape(s, sel * 2);
	check_quote(s, sel);
	check_options(s, sel & 1);
	check_options(s, true);
	check_build(s, sel);	/* last: it cuts s into lines */
	free(s);
	return 0;
}
