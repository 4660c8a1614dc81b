/*
 * fuzz_seccomp_cache - libFuzzer harness for common/seccomp_cache.c: the
 * entries of sys-filter --cache, files on disk and so hostile.
 *
 * Properties, each an abort() when broken:
 *   - sf_cache_entry_check() accepts, or refuses with errno EINVAL
 *     (malformed) or ESTALE (another key); an accepted entry is exactly
 *     header, 1..BPF_MAXINSNS instructions inside the buffer and the key,
 *     with known flags only;
 *   - checked against the key it carries, an entry is never ESTALE, and
 *     against a key one byte longer or changed it is never accepted;
 *   - an entry made of the input (sf_cache_entry_make) checks back to the
 *     same instructions and flags, and any shorter or longer copy of it
 *     is refused as EINVAL;
 *   - the same input as a file in a directory goes through
 *     sf_cache_load() to the same answer, and nothing is left open.
 * Buffers are of exactly their size, so AddressSanitizer sees any read
 * past the end; LeakSanitizer sees what is not freed.
 */
#include "seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int dirfd_ = -1;
static char dir[] = "/tmp/fuzz-sfcache.XXXXXX";

/* the directory is emptied after each input; removed at exit */
static void remove_dir(void)
{
	rmdir(dir);
}

static int check(const void *buf, size_t len, const void *key, size_t klen,
		 size_t *n, uint32_t *flags)
{
	const struct sock_filter *insns = NULL;
	const char *b = buf;
	int rc;

	rc = sf_cache_entry_check(buf, len, key, klen, &insns, n, flags);
	if (rc == 0) {
		if (*n == 0 || *n > BPF_MAXINSNS || *flags & ~7u)
			abort();
		if ((const char *)insns != b + 32 ||
		    32 + *n * sizeof(*insns) + klen != len)
			abort();
	} else if (rc != -1 || (errno != EINVAL && errno != ESTALE))
		abort();
	return rc;
}

/* data as an entry: against a fixed key, and against the one it carries */
static void as_entry(const uint8_t *data, size_t size)
{
	struct sf_key k = {.buf = NULL};
	char name[SF_CACHE_NAME_LEN + 1];
	struct sf_cache_hit hit;
	const char *why = NULL;
	uint32_t klen, flags;
	unsigned char *buf, *key;
	size_t n;
	int rc, fd;

	buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	check(buf, size, "key 4\nfuzz", 10, &n, &flags);
	if (size >= 32) {
		memcpy(&klen, buf + 12, 4);
		if (klen <= size) {
			key = malloc(klen + 1);
			memcpy(key, buf + size - klen, klen);
			rc = check(buf, size, key, klen, &n, &flags);
			if (rc < 0 && errno == ESTALE)
				abort();
			if (rc == 0) {
				/* one byte more, or one changed: refused */
				key[klen] = 'x';
				if (check(buf, size, key, klen + 1, &n,
					  &flags) == 0)
					abort();
				if (klen) {
					key[0] ^= 1;
					if (check(buf, size, key, klen, &n,
						  &flags) == 0)
						abort();
					key[0] ^= 1;
				}
			}
			/* the same bytes through the file reader */
			if (dirfd_ >= 0 && klen > 0) {
				k.buf = (char *)key;
				k.len = k.cap = klen;
				sf_cache_name(&k, name);
				fd = openat(dirfd_, name,
					    O_WRONLY | O_CREAT | O_TRUNC |
						O_CLOEXEC,
					    0600);
				if (fd >= 0) {
					if (write(fd, buf, size) !=
					    (ssize_t)size)
						abort();
					close(fd);
					if (sf_cache_load(dirfd_, &k, name,
							  &hit, &why) == 0) {
						if (rc != 0 || hit.n != n ||
						    hit.flags != flags)
							abort();
						free(hit.buf);
					} else if (rc == 0 || !why || !*why)
						abort();
					unlinkat(dirfd_, name, 0);
				}
			}
			free(key);
		}
	}
	free(buf);
}

/* data as a key and a program: made into an entry, checked back */
static void round_trip(const uint8_t *data, size_t size)
{
	struct sf_key k = {.buf = NULL};
	const struct sock_filter *insns;
	struct sock_filter *prog;
	size_t n, len, got;
	uint32_t flags = size ? data[0] & 7u : 0, fl;
	void *e;
	unsigned char *copy;

	n = size / 8 > 0 ? (size / 8 > 64 ? 64 : size / 8) : 1;
	prog = calloc(n, sizeof(*prog));
	memcpy(prog, data, size < n * 8 ? size : n * 8);
	if (sf_key_add(&k, "fuzz", data, size) < 0)
		abort();
	if (sf_cache_entry_make(&k, prog, n, flags, &e, &len) < 0)
		abort();
	if (sf_cache_entry_check(e, len, k.buf, k.len, &insns, &got, &fl) < 0 ||
	    got != n || fl != flags || memcmp(insns, prog, n * 8) != 0)
		abort();
	/* a byte short, a byte more: not a whole entry */
	copy = malloc(len + 1);
	memcpy(copy, e, len);
	copy[len] = 0;
	if (sf_cache_entry_check(copy, len - 1, k.buf, k.len, &insns, &got,
				 &fl) == 0 ||
	    errno != EINVAL)
		abort();
	if (sf_cache_entry_check(copy, len + 1, k.buf, k.len, &insns, &got,
				 &fl) == 0 ||
	    errno != EINVAL)
		abort();
	free(copy);
	free(e);
	free(prog);
	sf_key_free(&k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 16)
		return 0;
	if (dirfd_ < 0 && mkdtemp(dir)) {
		dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		atexit(remove_dir);
	}
	as_entry(data, size);
	round_trip(data, size);
	return 0;
}
