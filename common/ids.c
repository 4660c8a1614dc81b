#include "ids.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IDS_FILE_MAX (64 << 20)
#define FIELDS_MAX   7

static int fail(int err)
{
	errno = err;
	return -1;
}

/* Digits only, 0 .. IDS_MAX, from s[0..len). */
static int span_id(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return fail(EINVAL);
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(EINVAL);
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > IDS_MAX)
			return fail(ERANGE);
	}
	*out = (uint32_t)v;
	return 0;
}

int ids_parse_id(const char *s, uint32_t *out)
{
	return span_id(s, strlen(s), out);
}

/* One line of a colon-separated file, cut into at most FIELDS_MAX fields. */
struct line {
	const char *f[FIELDS_MAX];
	size_t flen[FIELDS_MAX];
	int nf;
};

/*
 * Cut the line starting at *pos into fields and move *pos past it.
 * Returns 0 at the end of the buffer.
 */
static int next_line(const char *buf, size_t len, size_t *pos, struct line *l)
{
	size_t p = *pos, start, end;
	const char *nl;

	if (p >= len)
		return 0;
	nl = memchr(buf + p, '\n', len - p);
	end = nl ? (size_t)(nl - buf) : len;
	*pos = end + 1;
	l->nf = 0;
	start = p;
	for (; p <= end; p++) {
		if (p < end && buf[p] != ':')
			continue;
		if (l->nf < FIELDS_MAX) {
			l->f[l->nf] = buf + start;
			l->flen[l->nf] = p - start;
		}
		l->nf++;
		start = p + 1;
	}
	return 1;
}

static int field_is(const struct line *l, int i, const char *s, size_t n)
{
	return l->flen[i] == n && memcmp(l->f[i], s, n) == 0;
}

/* NIS compat lines ("+name", "-name", "+") name no local entry. */
static int skip_entry(const struct line *l, int minfields)
{
	return l->nf < minfields || l->flen[0] == 0 || l->f[0][0] == '+' ||
	       l->f[0][0] == '-' || l->f[0][0] == '#';
}

int ids_passwd_find(const char *buf, size_t len, const char *name, uint32_t uid,
		    struct ids_user *out)
{
	size_t pos = 0, nlen = name ? strlen(name) : 0;
	struct line l;
	uint32_t u, g;

	while (next_line(buf, len, &pos, &l)) {
		/* name:password:uid:gid:gecos:home:shell */
		if (skip_entry(&l, 4))
			continue;
		if (span_id(l.f[2], l.flen[2], &u) < 0 ||
		    span_id(l.f[3], l.flen[3], &g) < 0)
			continue;
		if (name ? !field_is(&l, 0, name, nlen) : u != uid)
			continue;
		out->name = l.f[0];
		out->namelen = l.flen[0];
		out->uid = u;
		out->gid = g;
		return 0;
	}
	return fail(ENOENT);
}

int ids_group_find(const char *buf, size_t len, const char *name, uint32_t *gid)
{
	size_t pos = 0, nlen = strlen(name);
	struct line l;
	uint32_t g;

	while (next_line(buf, len, &pos, &l)) {
		/* name:password:gid:member,member */
		if (skip_entry(&l, 3) || !field_is(&l, 0, name, nlen))
			continue;
		if (span_id(l.f[2], l.flen[2], &g) < 0)
			continue;
		*gid = g;
		return 0;
	}
	return fail(ENOENT);
}

/* Whether the comma-separated list s[0..n) has the item user[0..ulen). */
static int list_has(const char *s, size_t n, const char *user, size_t ulen)
{
	size_t i = 0, start = 0;

	for (; i <= n; i++) {
		if (i < n && s[i] != ',')
			continue;
		if (i - start == ulen && memcmp(s + start, user, ulen) == 0)
			return 1;
		start = i + 1;
	}
	return 0;
}

size_t ids_group_members(const char *buf, size_t len, const char *user,
			 size_t ulen, uint32_t *gids, size_t max)
{
	size_t pos = 0, n = 0, i;
	struct line l;
	uint32_t g;

	if (ulen == 0)
		return 0;
	while (next_line(buf, len, &pos, &l)) {
		if (skip_entry(&l, 4) ||
		    !list_has(l.f[3], l.flen[3], user, ulen))
			continue;
		if (span_id(l.f[2], l.flen[2], &g) < 0)
			continue;
		for (i = 0; i < n && i < max; i++)
			if (gids[i] == g)
				break;
		if (i < n && i < max)
			continue;
		if (n < max)
			gids[n] = g;
		n++;
	}
	return n;
}

int ids_read_file(const char *path, char **bufp, size_t *lenp)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd, err;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	for (;;) {
		if (len == cap) {
			char *nb;

			if (cap >= IDS_FILE_MAX) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap + 1);
			if (!nb)
				goto fail;
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
fail:
	err = errno;
	free(buf);
	close(fd);
	errno = err;
	return -1;
}
