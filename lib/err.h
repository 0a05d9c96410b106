/*
 * Error reporting and checked allocation shared by every tp tool.
 *
 * Library functions never exit and never print: on failure they record one message
 * with tp_err() and return -1 (or NULL). The tool then prints it with tp_die() or
 * tp_warn() as "PROGRAM: MESSAGE". The only functions that exit are the allocation
 * wrappers (out of memory is not recoverable in a filter) and tp_die().
 */
#ifndef TP_ERR_H
#define TP_ERR_H

#include <stddef.h>

/* Exit statuses shared by all tools (SPEC section 9). */
enum { TP_EXIT_OK = 0, TP_EXIT_DATA = 1, TP_EXIT_USAGE = 2 };

/*
 * Program name used as message prefix; set once by main from argv[0] (basename kept).
 * argv[0] itself is pointed at the basename so that getopt's messages use it too.
 * SIGXFSZ is ignored, so that exceeding a file-size limit is a write error (EFBIG).
 */
void tp_setprogname(char **argv);
const char *tp_progname(void);

/*
 * Record an error message for the last failed library call. With file non-NULL the
 * message is prefixed "FILE:" and, with line > 0, "FILE:LINE:". A format ending in ':'
 * appends ": strerror(errno)" like sbase's eprintf. The message is kept in a static
 * buffer (1 KiB, truncated beyond) until the next call; not thread-safe (tp is
 * single-threaded by design: parallelism comes from processes).
 */
void tp_err(const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The recorded message ("" when none). */
const char *tp_errmsg(void);

/* Print "PROGRAM: " + the recorded message to stderr and exit with status. */
void tp_die(int status) __attribute__((noreturn));

/* Print "PROGRAM: " + printf-formatted text to stderr (a trailing ':' appends strerror). */
void tp_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Like tp_warnx, then exit with status. */
void tp_fatal(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/*
 * Print usage text and exit: to standard output with status 0 (-h), else to standard
 * error with status (2). Standard output is flushed and checked: a write error (e.g.
 * /dev/full) prints "PROGRAM: write error: ..." and exits 1.
 */
void tp_usage(const char *text, int status) __attribute__((noreturn));

/*
 * --version: print "PROGRAM (tp) VERSION" (version.h, the one place tp's version is
 * set) to standard output and exit 0; exit 1 with "write error: ..." when it cannot.
 */
void tp_version_exit(void) __attribute__((noreturn));

/* Allocation that cannot fail: on exhaustion prints "PROGRAM: out of memory" and exits 1. */
void *tp_xmalloc(size_t n);
void *tp_xcalloc(size_t n, size_t size);
void *tp_xrealloc(void *p, size_t n);
char *tp_xstrdup(const char *s);
char *tp_xmemdup(const char *s, size_t n); /* copy of n bytes plus a NUL */

#ifdef TP_FUZZ
/*
 * Fuzzing builds only: objects that hold buffers or descriptors (inputs, outputs,
 * readers) register here while open, so that the fuzz driver can release what a run
 * that stopped on an error left behind (tests/fuzz/driver.c).
 */
void tp_fuzz_track(void *obj, void (*release)(void *));
void tp_fuzz_untrack(void *obj);
void tp_fuzz_release_all(void);
#define TP_TRACK(obj, fn) tp_fuzz_track((obj), (void (*)(void *))(fn))
#define TP_UNTRACK(obj) tp_fuzz_untrack(obj)
#else
#define TP_TRACK(obj, fn) ((void)0)
#define TP_UNTRACK(obj) ((void)0)
#endif

#endif
