/*
 * seccomp_cache.h - compiled seccomp programs kept in a directory, so a
 * profile is built with libseccomp once and loaded as it is from then on
 * (sys-filter --cache).
 *
 * An entry is found by a 64-bit hash of its key, but it holds the whole
 * key (the profile's bytes and every parameter that changes the program)
 * and is used only when that key is byte for byte the one asked for: a
 * collision, a stale or a tampered entry is a miss, never a wrong
 * program.  Entries are files on disk and read as hostile input.
 *
 * Nothing here knows libseccomp: the key is bytes the caller adds, the
 * program is struct sock_filter instructions.
 */
#ifndef BOX_SECCOMP_CACHE_H
#define BOX_SECCOMP_CACHE_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* An entry larger than this is neither written nor read. */
#define SF_CACHE_ENTRY_MAX (8u << 20)
/* "sf-" and 16 hex digits of the key's hash */
#define SF_CACHE_NAME_LEN 20

/* The key: named fields, each written "name LEN\n" and its bytes, so no
 * two different sets of fields make the same key. */
struct sf_key {
	char *buf;
	size_t len, cap;
};

/* Add a field of len bytes; 0, or -1 with errno ENOMEM or E2BIG (the key
 * would not fit in an entry). */
int sf_key_add(struct sf_key *k, const char *name, const void *val, size_t len);
/* Add a field of printf text. */
int sf_key_addf(struct sf_key *k, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sf_key_free(struct sf_key *k);

/* The entry's file name for key k: "sf-" and 16 hex digits, in name
 * (SF_CACHE_NAME_LEN + 1 bytes). */
void sf_cache_name(const struct sf_key *k, char *name);

/*
 * The bytes of an entry: a header (magic, sizes, the flags to load
 * with, a checksum), the n instructions, then the key.  0 with *out
 * (the caller frees it) and *outlen, or -1 with errno (E2BIG, ENOMEM).
 */
int sf_cache_entry_make(const struct sf_key *k, const struct sock_filter *insns,
			size_t n, uint32_t flags, void **out, size_t *outlen);

/*
 * Check buf[0..len) as an entry for key[0..keylen): the header's magic
 * and sizes, the whole length, the checksum, then the key byte for
 * byte.  Returns 0 with *insns pointing into buf (which must be aligned
 * as malloc aligns), *n instructions (1..BPF_MAXINSNS) and *flags; or
 * -1 with errno EINVAL (not a whole entry) or ESTALE (an entry for
 * another key).
 */
int sf_cache_entry_check(const void *buf, size_t len, const void *key,
			 size_t keylen, const struct sock_filter **insns,
			 size_t *n, uint32_t *flags);

/*
 * The directory is one to trust: a directory owned by the effective uid,
 * not writable by group or others.  0, or -1 with errno (ENOTDIR, EPERM:
 * another owner, EACCES: writable by others) and *why in words.
 */
int sf_cache_dir_check(int dirfd, const char **why);

/* An entry read from the cache: its program points into buf. */
struct sf_cache_hit {
	void *buf;
	const struct sock_filter *insns;
	size_t n;
	uint32_t flags;
};

/*
 * Read the entry for k, named name (sf_cache_name(k)), from dirfd (opened
 * without following a symlink, a regular file owned by the effective uid with
 * one link and mode 0600) and check it.  0 and *hit (free hit->buf), or -1 with
 * errno (ENOENT: none; ELOOP: a symlink; EPERM: owner, mode or links; EINVAL:
 * malformed or truncated; ESTALE: another key; or the kernel's) and
 * *why in words.
 */
int sf_cache_load(int dirfd, const struct sf_key *k, const char *name,
		  struct sf_cache_hit *hit, const char **why);

/*
 * Store the entry for k as name (sf_cache_name(k)): written to a temporary file
 * in dirfd, mode 0600, then renamed over the entry, so a reader sees the old
 * entry or the whole new one.  0, or -1 with errno (nothing is left behind).
 */
int sf_cache_store(int dirfd, const struct sf_key *k, const char *name,
		   const struct sock_filter *insns, size_t n, uint32_t flags);

#endif
