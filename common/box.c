#include "box.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *box_prog = "boxutils";

/*
 * A tool that only prints (--help, --version, cg-stat) must report a
 * write error such as a full disk or a closed pipe instead of exiting 0.
 */
static void close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno == EPIPE)
			_exit(EXIT_TOOL);
		fprintf(stderr, "%s: write standard output: %s\n", box_prog,
			strerror(errno ? errno : EIO));
		_exit(EXIT_TOOL);
	}
}

void box_init(int argc, char **argv)
{
	const char *s;

	if (argc > 0 && argv[0]) {
		s = strrchr(argv[0], '/');
		box_prog = s ? s + 1 : argv[0];
	}
	atexit(close_stdout);
}

static void vmsg(int err, const char *hint, const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	/* One write, so lines from tools in a chain never interleave. */
	n = snprintf(buf, sizeof(buf), "%s: ", box_prog);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (err && n < (int)sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, ": %s", strerror(err));
	if (hint && n < (int)sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - n, " (%s)", hint);
	if (n >= (int)sizeof(buf) - 1)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(STDERR_FILENO, buf, n) < 0) {
		/* nowhere left to report it */
	}
}

void box_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, NULL, fmt, ap);
	va_end(ap);
}

void box_err(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vmsg(err, box_priv_hint(err), fmt, ap);
	va_end(ap);
	errno = err;
}

void box_errh(int err, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(err, hint, fmt, ap);
	va_end(ap);
}

void xdie(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, NULL, fmt, ap);
	va_end(ap);
	exit(EXIT_TOOL);
}

void xdie_errno(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	va_start(ap, fmt);
	vmsg(err, box_priv_hint(err), fmt, ap);
	va_end(ap);
	exit(EXIT_TOOL);
}

void xusage_error(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	box_msg("%s (try '%s --help')", buf, box_prog);
	exit(EXIT_TOOL);
}

void xbad_option(int c, char *const argv[])
{
	const char *word = argv[optind - 1], *eq;
	char shown[200];
	size_t i;

	/* a short option's missing value at the end: optind is past argc */
	if (optopt && (!word || strncmp(word, "--", 2) != 0)) {
		if (c == ':')
			xusage_error("option '-%c' needs a value", optopt);
		xusage_error("unknown option '-%c'", optopt);
	}
	/* "--flag=x": getopt names the flag in optopt */
	eq = word ? strchr(word, '=') : NULL;
	for (i = 0; word && word[i] && i < sizeof(shown) - 1; i++)
		shown[i] = (unsigned char)word[i] < 0x20 || word[i] == 0x7f
			       ? '?'
			       : word[i];
	shown[i] = '\0';
	if (optopt && eq && c != ':' && eq - word < (long)i) {
		shown[eq - word] = '\0';
		xusage_error("option '%s' takes no value", shown);
	}
	if (c == ':')
		xusage_error("option '%s' needs a value", shown);
	xusage_error("unknown option '%s'", shown);
}

void xversion_libs(const char *libs)
{
	/* static-pie against musl is the default build; a glibc build says so
	 */
#ifdef __GLIBC__
#define BOX_LIBC "glibc"
#else
#define BOX_LIBC "musl"
#endif
	printf("%s (boxutils) " BOX_VERSION "\nlinked with: %s%s" BOX_LIBC "\n",
	       box_prog, libs, *libs ? ", " : "");
	exit(0);
}

const char *box_priv_hint(int err)
{
	if (err != EPERM)
		return NULL;
	if (geteuid() != 0)
		return "needs CAP_SYS_ADMIN: run as root or inside a user "
		       "namespace you own";
	return NULL;
}

int box_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
