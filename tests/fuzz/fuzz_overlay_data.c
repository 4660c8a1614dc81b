/*
 * fuzz_overlay - libFuzzer harness for common/overlay.c.  Property: what
 * overlay_build_data writes, split and unescaped the way the kernel's
 * fs/overlayfs/params.c does it, gives back exactly the layers given, and
 * no more options than were asked for.
 */
#include "overlay.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The kernel's option split: at unescaped ',' (a backslash skips one). */
static char *next_opt(char **s)
{
	char *b = *s, *p;

	if (!b)
		return NULL;
	for (p = b; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				break;
		} else if (*p == ',') {
			*p = '\0';
			*s = p + 1;
			return b;
		}
	}
	*s = NULL;
	return b;
}

static void unescape(char *s)
{
	char *d = s;

	for (;; s++, d++) {
		if (*s == '\\')
			s++;
		*d = *s;
		if (!*s)
			break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[1024], out[4096], *layers[16], *opt, *cur, q[64];
	struct branch br[8];
	struct ovl_opts o;
	int n = 0;

	if (size >= sizeof(in))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';

	overlay_quote(in, q, sizeof(q));
	for (const char *p = q; *p; p++)
		assert((unsigned char)*p >= 0x20 && *p != 0x7f);
	/* one option, key=value split at the first '=' */
	memset(&o, 0, sizeof(o));
	const char *eq = strchr(in, '=');
	if (overlay_add_option(&o, in, eq ? (size_t)(eq - in) : size,
			       eq ? eq + 1 : NULL,
			       eq ? size - (size_t)(eq - in) - 1 : 0, true) == 0 &&
	    o.branches)
		assert(o.branches >= in &&
		       o.branches + o.branches_len <= in + size);
	int nb = aufs_parse_branches(in, size, br, 8, NULL);
	for (int i = 0; i < nb; i++) {
			assert(br[i].len > 0);
			assert(br[i].path >= in && br[i].path + br[i].len <= in + size);
			if (i > 0)
				assert(br[i].perm == BRANCH_RO);
	}

	/* layers: the input split at \1 bytes */
	for (char *p = in; n < 16;) {
		layers[n++] = p;
		p = strchr(p, '\1');
		if (!p)
			break;
		*p++ = '\0';
	}
	struct ovl_layout l = { (const char *const *)layers, n > 2 ? n - 2 : n,
				n > 2 ? layers[n - 2] : NULL,
				n > 2 ? layers[n - 1] : NULL, NULL, 0 };
	if (overlay_build_data(&l, out, sizeof(out)) < 0)
		return 0;
	assert(strlen(out) < sizeof(out));
	/* split like the kernel and compare */
	cur = out;
	int nopt = 0;
	while ((opt = next_opt(&cur)) != NULL) {
		nopt++;
		if (strncmp(opt, "lowerdir=", 9) == 0) {
			/* split at unescaped ':' then unescape each */
			char *s = opt + 9, *start = s;
			int k = 0;
			for (char *d = s;; s++) {
				if (*s == '\\') {
					*d++ = *s++;
					*d++ = *s;
					continue;
				}
				if (*s == ':' || !*s) {
					int end = !*s;
					*d = '\0';
					unescape(start);
					assert(k < l.nlower);
					assert(strcmp(start, l.lower[k]) == 0);
					k++;
					if (end)
						break;
					start = d = s + 1;
					continue;
				}
				*d++ = *s;
			}
			assert(k == l.nlower);
		} else if (strncmp(opt, "upperdir=", 9) == 0) {
			unescape(opt + 9);
			assert(l.upper && strcmp(opt + 9, l.upper) == 0);
		} else if (strncmp(opt, "workdir=", 8) == 0) {
			unescape(opt + 8);
			assert(l.work && strcmp(opt + 8, l.work) == 0);
		} else {
			assert(!"an option nobody asked for");
		}
	}
	assert(nopt == (l.upper ? 3 : 1));
	return 0;
}
