/*
 * parse.h - strict parsers for what users type: numbers, sizes, CPU
 * fractions, PIDs, signals, id maps.  Each rejects empty input, trailing
 * junk, signs where none belong and overflow; each returns 0 on success
 * and -1 with errno = EINVAL or ERANGE on failure.
 */
#ifndef BOX_PARSE_H
#define BOX_PARSE_H

#include <stdint.h>
#include <sys/types.h>

int parse_u64(const char *s, uint64_t *out);
int parse_u64_range(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int parse_s64(const char *s, int64_t *out);
int parse_uint(const char *s, unsigned int *out);

/* A PID: 1 .. 2^22 (the kernel's PID_MAX_LIMIT). */
int parse_pid(const char *s, pid_t *out);

/*
 * A size in bytes: "65536", "64K", "64k", "64M", "1.5G", "2T", "64MiB",
 * "64MB" (binary multiples, as Docker and cgroups mean them).
 */
int parse_bytes(const char *s, uint64_t *out);

/*
 * A CPU fraction like Docker's --cpus: "0.5", "2", "1.25", to at most
 * three decimals; *out is in thousandths (0.5 -> 500).  Zero is refused.
 */
int parse_millis(const char *s, uint64_t *out);

/* A signal by number or name, with or without "SIG": "9", "KILL", "SIGTERM". */
int parse_signal(const char *s, int *out);

/* An id or a range "INNER:OUTER:COUNT" or "OUTER[:INNER[:COUNT]]"-free form. */
struct idmap {
	uint32_t inner;
	uint32_t outer;
	uint32_t count;
};

/*
 * "INNER:OUTER:COUNT" as the kernel's uid_map takes it.  Commas are read
 * as colons here, in the same field order; util-linux before 2.39 meant
 * "OUTER,INNER,COUNT" by the comma form, so a tool that follows it (as
 * ns-unshare --map-users does) swaps the first two fields itself.
 * count >= 1, and neither range may wrap past 2^32-1.
 */
int parse_idmap(const char *s, struct idmap *out);

#endif
