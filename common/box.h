/*
 * box.h - what every boxutils tool shares: the exit-code scheme, error
 * printing, and the small helpers that end a tool (usage, version).
 *
 * Common code returns errors (-1 with errno set, or a negative errno);
 * only a tool decides to print and exit.  The x* helpers are the
 * exception, and they are named so.
 */
#ifndef BOX_H
#define BOX_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#ifndef BOX_VERSION
#define BOX_VERSION "0.0"
#endif

/* The exit-code scheme, the same in every tool (see boxutils(7)). */
enum {
	EXIT_TOOL = 125,     /* the tool itself failed before exec */
	EXIT_NOEXEC = 126,   /* prog found but not runnable */
	EXIT_NOTFOUND = 127, /* prog not found */
	EXIT_SIGBASE = 128,  /* a waited-for child died of signal N */
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern const char *box_prog;

/* Set box_prog from argv[0] and make stdout errors fatal at exit. */
void box_init(int argc, char **argv);

/* "tool: MSG" to stderr. */
void box_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tool: MSG: strerror(errno)" to stderr. */
void box_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "tool: MSG: strerror(err)" plus "(HINT)" when hint is not NULL. */
void box_errh(int err, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Print and exit 125: the tool failed before exec. */
_Noreturn void xdie(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like xdie, with strerror(errno) appended. */
_Noreturn void xdie_errno(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* Bad command line: one line, a pointer to --help, exit 125. */
_Noreturn void xusage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/*
 * The bad option getopt_long just returned (':' for a missing value, any
 * other for an unknown option; the optstring starts with "+:") as one
 * usage line.  A short option inside a bundle ("-rx") is named alone;
 * control characters of the word show as '?', so a hostile argument
 * cannot drive the terminal.
 */
_Noreturn void xbad_option(int c, char *const argv[]);
/*
 * --version: the tool's version, the libraries linked into it and the C
 * library.  BOX_LIBS ("libcap 2.66, mount 2.38.1") is defined by the
 * Makefile when it compiles the tool, from the pkg-config packages the
 * tool names.
 */
#ifndef BOX_LIBS
#define BOX_LIBS ""
#endif
#define xversion() xversion_libs(BOX_LIBS)
_Noreturn void xversion_libs(const char *libs);

/* Write all of buf, again after a short write or EINTR; 0, or -1 with
 * errno. */
int box_write_all(int fd, const void *buf, size_t len);

/* A hint for errno values whose cause is commonly a missing privilege. */
const char *box_priv_hint(int err);

#endif
