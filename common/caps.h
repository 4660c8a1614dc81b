/*
 * caps.h - capability names and lists as users write them
 * ("chown,CAP_NET_BIND_SERVICE,sys_admin", "all", "none"), as 64-bit
 * masks (bit N = capability N, the layout of CapEff in /proc/PID/status).
 *
 * Names, numbers and the kernel calls come from libcap (cap_from_name,
 * cap_to_name, cap_get_proc, cap_set_proc, cap_get_bound), so a
 * capability newer than this code is still known by the name libcap
 * gives it.  The parsers make no system call and allocate nothing
 * (caps_str frees what libcap allocates), so a fuzz harness can call
 * them directly.
 */
#ifndef BOX_CAPS_H
#define BOX_CAPS_H

/* boxutils-pkgs: libcap */
#include <stddef.h>
#include <stdint.h>
#include <sys/capability.h>

#define CAPS_BITS   64
#define CAPS_ALL    UINT64_MAX
#define CAPS_BIT(n) ((uint64_t)1 << (n))

/* Docker's default set, the one a container gets without --cap-add. */
extern const uint64_t caps_docker_default;

/*
 * The number of one capability written s[0..len): a name with or without
 * "cap_" in any case ("chown", "CAP_CHOWN"), or a number 0..63.
 * Returns -1 when it is neither.
 */
int caps_from_name(const char *s, size_t len);

/*
 * A comma-separated list into a mask.  "all" gives CAPS_ALL (the caller
 * narrows it to what the kernel knows), "none" gives nothing.  Returns 0,
 * or -1 with errno = EINVAL and *bad_off, *bad_len set to the offending
 * item within s (an empty item when bad_len is 0).  NULL bad_* are fine.
 */
int caps_parse_list(const char *s, uint64_t *mask, size_t *bad_off,
		    size_t *bad_len);

/* "cap_chown" or "cap_45" for capability n into buf (at least 32 bytes):
 * libcap's name, or the number for one libcap does not know. */
void caps_str(unsigned int cap, char *buf, size_t len);

/* Every capability in mask as libcap writes them, comma-separated
 * ("cap_chown,cap_kill"), truncated to fit buf; the length it wanted. */
size_t caps_list_str(uint64_t mask, char *buf, size_t len);

/* The lowest capability set in mask, or -1 when mask is 0. */
int caps_first(uint64_t mask);

/* Every capability 0..last: the mask of what the kernel knows. */
uint64_t caps_upto(int last);

/*
 * The highest capability the running kernel knows (40 on 5.9 and later),
 * as libcap found it at start-up (PR_CAPBSET_READ; no /proc needed).
 * -1 with errno set on failure.
 */
int caps_last_cap(void);

/* A thread's three capability sets, as masks. */
struct caps_sets {
	uint64_t effective, permitted, inheritable;
};

/* This thread's sets (capget); 0, or -1 with errno. */
int caps_get(struct caps_sets *c);

/* Set this thread's sets exactly (capset); 0, or -1 with errno. */
int caps_set(const struct caps_sets *c);

/* The sets as a libcap cap_t (cap_free it), for cap_to_text; NULL, errno. */
cap_t caps_to_cap(const struct caps_sets *c);

/* The bounding set, capabilities 0..last (cap_get_bound). */
uint64_t caps_bounding(int last);

#endif
