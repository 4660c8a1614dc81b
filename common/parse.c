#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int fail(int err)
{
	errno = err;
	return -1;
}

/* Digits only: strtoull would accept " 12", "+12" and "-12". */
int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return fail(EINVAL);
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return fail(EINVAL);
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return fail(ERANGE);
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int parse_u64_range(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0)
		return -1;
	if (v < min || v > max)
		return fail(ERANGE);
	*out = v;
	return 0;
}

int parse_s64(const char *s, int64_t *out)
{
	uint64_t v;
	int neg = 0;

	if (s && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	if (parse_u64(s, &v) < 0)
		return -1;
	if (neg ? v > (uint64_t)INT64_MAX + 1 : v > (uint64_t)INT64_MAX)
		return fail(ERANGE);
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

int parse_uint(const char *s, unsigned int *out)
{
	uint64_t v;

	if (parse_u64_range(s, 0, UINT_MAX, &v) < 0)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int parse_pid(const char *s, pid_t *out)
{
	uint64_t v;

	if (parse_u64_range(s, 1, 4194304, &v) < 0)
		return -1;
	*out = (pid_t)v;
	return 0;
}

/*
 * Split "1.5" into whole and fraction scaled by 10^digits, refusing more
 * digits than asked for; "1." and ".5" are refused as typos.
 */
static int parse_decimal(const char *s, unsigned digits, const char **end,
			 uint64_t *whole, uint64_t *frac)
{
	uint64_t w = 0, f = 0;
	unsigned n = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return fail(EINVAL);
	for (; isdigit((unsigned char)*p); p++) {
		if (w > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return fail(ERANGE);
		w = w * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return fail(EINVAL);
		for (; isdigit((unsigned char)*p); p++) {
			if (n == digits)
				return fail(EINVAL);
			f = f * 10 + (uint64_t)(*p - '0');
			n++;
		}
	}
	for (; n < digits; n++)
		f *= 10;
	*end = p;
	*whole = w;
	*frac = f;
	return 0;
}

int parse_bytes(const char *s, uint64_t *out)
{
	static const char units[] = "KMGTPE";
	uint64_t w, f, mult = 1;
	const char *p, *u;
	unsigned shift = 0;

	if (!s || !*s)
		return fail(EINVAL);
	/* nine decimals are exact for every binary multiple up to 2^60 */
	if (parse_decimal(s, 9, &p, &w, &f) < 0)
		return -1;
	if (*p) {
		u = strchr(units, toupper((unsigned char)*p));
		if (!u)
			return fail(EINVAL);
		shift = 10 * (unsigned)(u - units + 1);
		p++;
		if (!strcmp(p, "iB") || !strcasecmp(p, "b"))
			p += strlen(p);
		if (*p)
			return fail(EINVAL);
	} else if (f) {
		return fail(EINVAL); /* "1.5" bytes */
	}
	mult = (uint64_t)1 << shift;
	if (w > UINT64_MAX / mult)
		return fail(ERANGE);
	w *= mult;
	/* f is in 1e-9 units: f * mult / 1e9, computed without overflow */
	{
		unsigned __int128 part = (unsigned __int128)f * mult / 1000000000u;

		if (w > UINT64_MAX - (uint64_t)part)
			return fail(ERANGE);
		w += (uint64_t)part;
	}
	*out = w;
	return 0;
}

int parse_millis(const char *s, uint64_t *out)
{
	uint64_t w, f;
	const char *p;

	if (!s || !*s)
		return fail(EINVAL);
	if (parse_decimal(s, 3, &p, &w, &f) < 0)
		return -1;
	if (*p)
		return fail(EINVAL);
	if (w > UINT64_MAX / 1000 - 1)
		return fail(ERANGE);
	w = w * 1000 + f;
	if (w == 0)
		return fail(ERANGE);
	*out = w;
	return 0;
}

static const struct {
	int sig;
	const char *name;
} signals[] = {
	{ SIGHUP, "HUP" },   { SIGINT, "INT" },	    { SIGQUIT, "QUIT" },
	{ SIGILL, "ILL" },   { SIGTRAP, "TRAP" },   { SIGABRT, "ABRT" },
	{ SIGBUS, "BUS" },   { SIGFPE, "FPE" },	    { SIGKILL, "KILL" },
	{ SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" },   { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" },   { SIGTERM, "TERM" },
	{ SIGCHLD, "CHLD" }, { SIGCONT, "CONT" },   { SIGSTOP, "STOP" },
	{ SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" },   { SIGTTOU, "TTOU" },
	{ SIGURG, "URG" },   { SIGXCPU, "XCPU" },   { SIGXFSZ, "XFSZ" },
	{ SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" },
	{ SIGIO, "IO" },     { SIGPWR, "PWR" },	    { SIGSYS, "SYS" },
};

int parse_signal(const char *s, int *out)
{
	uint64_t v;

	if (!s || !*s)
		return fail(EINVAL);
	if (isdigit((unsigned char)*s)) {
		if (parse_u64_range(s, 1, (uint64_t)SIGRTMAX, &v) < 0)
			return fail(EINVAL);
		*out = (int)v;
		return 0;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (!strcasecmp(s, signals[i].name)) {
			*out = signals[i].sig;
			return 0;
		}
	}
	return fail(EINVAL);
}

int parse_idmap(const char *s, struct idmap *out)
{
	char buf[64], *f[3], *save = NULL, *tok;
	uint64_t v[3];
	int n = 0;

	if (!s || !*s || strlen(s) >= sizeof(buf))
		return fail(EINVAL);
	strcpy(buf, s);
	for (char *c = buf; *c; c++)
		if (*c == ',')
			*c = ':';
	if (buf[0] == ':' || buf[strlen(buf) - 1] == ':' || strstr(buf, "::"))
		return fail(EINVAL);
	for (tok = strtok_r(buf, ":", &save); tok;
	     tok = strtok_r(NULL, ":", &save)) {
		if (n == 3)
			return fail(EINVAL);
		f[n++] = tok;
	}
	if (n != 3)
		return fail(EINVAL);
	for (int i = 0; i < 3; i++)
		if (parse_u64_range(f[i], 0, UINT32_MAX, &v[i]) < 0)
			return fail(EINVAL);
	if (v[2] == 0 || v[0] + v[2] - 1 > UINT32_MAX - 1 ||
	    v[1] + v[2] - 1 > UINT32_MAX - 1)
		return fail(ERANGE);
	out->inner = (uint32_t)v[0];
	out->outer = (uint32_t)v[1];
	out->count = (uint32_t)v[2];
	return 0;
}
