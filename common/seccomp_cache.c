#include "box.h"
#include "seccomp_cache.h"
#include "seccomp_profile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The header of an entry; the format's version is in the magic. */
#define MAGIC	    "SFCACHE1"
#define HDR_LEN	    32
#define KNOWN_FLAGS (SF_FLAG_LOG | SF_FLAG_SPEC_ALLOW | SF_FLAG_TSYNC)

/*
 * A 64-bit hash, for the file name and the program's checksum only (the
 * key itself is compared whole): FNV-1a's steps on 8 bytes at a time,
 * each step a bijection of the state, so an entry with one word changed
 * never keeps its checksum.  A byte at a time took a third of a cache
 * hit's instructions.
 */
static uint64_t fnv1a(uint64_t h, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, sizeof(w));
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; len > 0; p++, len--)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

#define FNV_BASIS 0xcbf29ce484222325ULL

/* memcmp() == 0, 8 bytes at a time: musl's compares a byte at a time,
 * and the key (the whole profile) is compared at every cache hit */
static int same_bytes(const void *a, const void *b, size_t len)
{
	const unsigned char *p = a, *q = b;
	uint64_t x, y;

	for (; len >= 8; p += 8, q += 8, len -= 8) {
		memcpy(&x, p, sizeof(x));
		memcpy(&y, q, sizeof(y));
		if (x != y)
			return 0;
	}
	return memcmp(p, q, len) == 0;
}

static int key_reserve(struct sf_key *k, size_t more)
{
	size_t cap;
	char *b;

	if (more > SF_CACHE_ENTRY_MAX || k->len + more > SF_CACHE_ENTRY_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (k->len + more <= k->cap)
		return 0;
	cap = k->cap ? k->cap : 4096;
	while (cap < k->len + more)
		cap *= 2;
	b = realloc(k->buf, cap);
	if (!b)
		return -1;
	k->buf = b;
	k->cap = cap;
	return 0;
}

int sf_key_add(struct sf_key *k, const char *name, const void *val, size_t len)
{
	char head[96];
	int n;

	n = snprintf(head, sizeof(head), "%s %zu\n", name, len);
	if (n < 0 || (size_t)n >= sizeof(head)) {
		errno = EINVAL;
		return -1;
	}
	if (key_reserve(k, (size_t)n + len) < 0)
		return -1;
	memcpy(k->buf + k->len, head, (size_t)n);
	k->len += (size_t)n;
	if (len)
		memcpy(k->buf + k->len, val, len);
	k->len += len;
	return 0;
}

int sf_key_addf(struct sf_key *k, const char *name, const char *fmt, ...)
{
	char val[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val)) {
		errno = EINVAL;
		return -1;
	}
	return sf_key_add(k, name, val, (size_t)n);
}

void sf_key_free(struct sf_key *k)
{
	free(k->buf);
	*k = (struct sf_key){.buf = NULL};
}

void sf_cache_name(const struct sf_key *k, char *name)
{
	snprintf(name, SF_CACHE_NAME_LEN + 1, "sf-%016llx",
		 (unsigned long long)fnv1a(FNV_BASIS, k->buf, k->len));
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

int sf_cache_entry_make(const struct sf_key *k, const struct sock_filter *insns,
			size_t n, uint32_t flags, void **out, size_t *outlen)
{
	size_t plen = n * sizeof(*insns), len;
	unsigned char *b;
	uint64_t sum;

	if (n == 0 || n > BPF_MAXINSNS || flags & ~(uint32_t)KNOWN_FLAGS ||
	    k->len > SF_CACHE_ENTRY_MAX - HDR_LEN - plen) {
		errno = E2BIG;
		return -1;
	}
	len = HDR_LEN + plen + k->len;
	b = malloc(len);
	if (!b)
		return -1;
	memcpy(b, MAGIC, 8);
	put32(b + 8, (uint32_t)n);
	put32(b + 12, (uint32_t)k->len);
	put32(b + 16, flags);
	put32(b + 20, 0);
	sum = fnv1a(FNV_BASIS, insns, plen);
	memcpy(b + 24, &sum, sizeof(sum));
	/* the program first: aligned for struct sock_filter in the reader */
	memcpy(b + HDR_LEN, insns, plen);
	if (k->len)
		memcpy(b + HDR_LEN + plen, k->buf, k->len);
	*out = b;
	*outlen = len;
	return 0;
}

int sf_cache_entry_check(const void *buf, size_t len, const void *key,
			 size_t keylen, const struct sock_filter **insns,
			 size_t *n, uint32_t *flags)
{
	const unsigned char *b = buf;
	uint32_t count, klen, fl;
	uint64_t sum;
	size_t plen;

	if (len < HDR_LEN || memcmp(b, MAGIC, 8) != 0 || get32(b + 20) != 0)
		goto bad;
	count = get32(b + 8);
	klen = get32(b + 12);
	fl = get32(b + 16);
	if (count == 0 || count > BPF_MAXINSNS || fl & ~(uint32_t)KNOWN_FLAGS ||
	    klen > SF_CACHE_ENTRY_MAX)
		goto bad;
	plen = (size_t)count * sizeof(struct sock_filter);
	/* the whole file, not a byte more or less: a truncated entry is
	 * never used in part */
	if (len != HDR_LEN + plen + klen)
		goto bad;
	memcpy(&sum, b + 24, sizeof(sum));
	if (sum != fnv1a(FNV_BASIS, b + HDR_LEN, plen))
		goto bad;
	if (klen != keylen || !same_bytes(b + HDR_LEN + plen, key, keylen)) {
		errno = ESTALE;
		return -1;
	}
	*insns = (const struct sock_filter *)(const void *)(b + HDR_LEN);
	*n = count;
	*flags = fl;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int sf_cache_dir_check(int dirfd, const char **why)
{
	struct stat st;

	if (fstat(dirfd, &st) < 0) {
		*why = "cannot stat it";
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		*why = "not a directory";
		errno = ENOTDIR;
		return -1;
	}
	/* another user could put a program of their choosing there, or
	 * read which profiles run here */
	if (st.st_uid != geteuid()) {
		*why = "owned by another user";
		errno = EPERM;
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		*why = "writable by group or others";
		errno = EACCES;
		return -1;
	}
	return 0;
}

static int read_whole(int fd, void *buf, size_t len)
{
	size_t got = 0;
	ssize_t r;

	while (got < len) {
		r = pread(fd, (char *)buf + got, len - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = EINVAL;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

int sf_cache_load(int dirfd, const struct sf_key *k, const char *name,
		  struct sf_cache_hit *hit, const char **why)
{
	struct stat st;
	void *buf;
	int fd, e;

	/* O_NONBLOCK: a FIFO put there would otherwise block the open */
	fd = openat(dirfd, name,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		*why = errno == ENOENT	? "no entry"
		       : errno == ELOOP ? "a symbolic link, not used"
					: "cannot open it";
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		*why = "cannot stat it";
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file, not used";
		errno = EINVAL;
		goto fail;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 07777) != 0600 ||
	    st.st_nlink != 1) {
		*why = "not a file of ours (owner, mode 0600, one link), "
		       "not used";
		errno = EPERM;
		goto fail;
	}
	if (st.st_size < HDR_LEN || st.st_size > (off_t)SF_CACHE_ENTRY_MAX) {
		*why = "malformed or truncated, not used";
		errno = EINVAL;
		goto fail;
	}
	buf = malloc((size_t)st.st_size);
	if (!buf) {
		*why = "no memory to read it";
		goto fail;
	}
	if (read_whole(fd, buf, (size_t)st.st_size) < 0 ||
	    sf_cache_entry_check(buf, (size_t)st.st_size, k->buf, k->len,
				 &hit->insns, &hit->n, &hit->flags) < 0) {
		*why = errno == ESTALE ? "an entry for other input, not used"
				       : "malformed or truncated, not used";
		e = errno;
		free(buf);
		errno = e;
		goto fail;
	}
	close(fd);
	hit->buf = buf;
	return 0;
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

int sf_cache_store(int dirfd, const struct sf_key *k, const char *name,
		   const struct sock_filter *insns, size_t n, uint32_t flags)
{
	char tmp[SF_CACHE_NAME_LEN + 32];
	uint64_t rnd;
	size_t len;
	void *buf;
	int fd, e, tries;

	if (sf_cache_entry_make(k, insns, n, flags, &buf, &len) < 0)
		return -1;
	/*
	 * A name no other writer picks: containers sharing the cache start
	 * side by side with the same pid (1, in their pid namespaces), so
	 * the pid alone would have two writers take one temporary file.
	 */
	for (tries = 0; tries < 4; tries++) {
		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) !=
		    (ssize_t)sizeof(rnd))
			rnd = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL) ^
			      (uint64_t)tries;
		snprintf(tmp, sizeof(tmp), ".%s.%016llx", name,
			 (unsigned long long)rnd);
		fd = openat(dirfd, tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				O_CLOEXEC | O_NOCTTY,
			    0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		e = errno;
		free(buf);
		errno = e;
		return -1;
	}
	/* 0600 whatever the umask: the reader takes nothing else */
	if (fchmod(fd, 0600) < 0 || box_write_all(fd, buf, len) < 0) {
		e = errno;
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		e = errno;
		goto fail;
	}
	/* atomic: a reader opens the old entry or the whole new one */
	if (renameat(dirfd, tmp, dirfd, name) < 0) {
		e = errno;
		goto fail;
	}
	free(buf);
	return 0;
fail:
	unlinkat(dirfd, tmp, 0);
	free(buf);
	errno = e;
	return -1;
}
