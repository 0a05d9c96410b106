/*
 * Error recording and checked allocation: the one place that knows the program name
 * and the message buffer, so every tool reports errors in the same
 * "PROGRAM: FILE:LINE: message" shape.
 */
#include "err.h"
#include "version.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *progname = "tp";

#ifdef TP_FUZZ
/* Fuzzing builds run a tool's main many times in one process: leaving goes back to the
 * fuzz driver instead of ending the process (tests/fuzz/driver.c). */
#include <setjmp.h>
jmp_buf *tp_fuzz_exit;
#define exit(status) (tp_fuzz_exit ? longjmp(*tp_fuzz_exit, (status) + 1) : exit(status))
#endif
static char msg[1024];

void
tp_setprogname(char **argv)
{
    /* A file-size limit (ulimit -f) must be a write error naming the file (EFBIG), not
     * a silent kill by SIGXFSZ. */
    signal(SIGXFSZ, SIG_IGN);
    char *s = strrchr(argv[0], '/');
    progname = s ? s + 1 : argv[0];
    argv[0] = (char *)progname;
}

void
tp_usage(const char *text, int status)
{
    FILE *f = status ? stderr : stdout;
    fputs(text, f);
    if (status == 0 && (fflush(stdout) != 0 || ferror(stdout)))
        tp_fatal(TP_EXIT_DATA, "write error:");
    exit(status);
}

void
tp_version_exit(void)
{
    printf("%s (tp) %s\n", progname, TP_VERSION);
    if (fflush(stdout) != 0 || ferror(stdout))
        tp_fatal(TP_EXIT_DATA, "write error:");
    exit(0);
}

const char *
tp_progname(void)
{
    return progname;
}

static void
vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    int saved = errno;
    vsnprintf(buf, size, fmt, ap);
    size_t n = strlen(fmt);
    if (n > 0 && fmt[n - 1] == ':') {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, " %s", strerror(saved));
    }
}

void
tp_err(const char *file, long line, const char *fmt, ...)
{
    size_t off = 0;
    if (file && line > 0)
        off = (size_t)snprintf(msg, sizeof msg, "%s:%ld: ", file, line);
    else if (file)
        off = (size_t)snprintf(msg, sizeof msg, "%s: ", file);
    if (off >= sizeof msg)
        off = sizeof msg - 1;
    va_list ap;
    va_start(ap, fmt);
    vformat(msg + off, sizeof msg - off, fmt, ap);
    va_end(ap);
}

const char *
tp_errmsg(void)
{
    return msg;
}

void
tp_die(int status)
{
    fprintf(stderr, "%s: %s\n", progname, msg[0] ? msg : "unknown error");
    exit(status);
}

void
tp_warnx(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", progname, buf);
}

void
tp_fatal(int status, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vformat(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", progname, buf);
    exit(status);
}

static void
oom(void)
{
    fprintf(stderr, "%s: out of memory\n", progname);
    exit(TP_EXIT_DATA);
}

void *
tp_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *
tp_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *
tp_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        oom();
    return p;
}

char *
tp_xstrdup(const char *s)
{
    return tp_xmemdup(s, strlen(s));
}

char *
tp_xmemdup(const char *s, size_t n)
{
    char *p = tp_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

#ifdef TP_FUZZ
static struct tracked {
    void *obj;
    void (*release)(void *);
} tracked[64];
static size_t ntracked;

void
tp_fuzz_track(void *obj, void (*release)(void *))
{
    if (ntracked < sizeof tracked / sizeof tracked[0])
        tracked[ntracked++] = (struct tracked){obj, release};
}

void
tp_fuzz_untrack(void *obj)
{
    for (size_t i = ntracked; i-- > 0;)
        if (tracked[i].obj == obj) {
            /* keep the order: an object is released before what it holds */
            memmove(&tracked[i], &tracked[i + 1], (ntracked - i - 1) * sizeof tracked[0]);
            ntracked--;
            return;
        }
}

void
tp_fuzz_release_all(void)
{
    while (ntracked > 0) {
        struct tracked t = tracked[--ntracked];
        t.release(t.obj); /* releases untrack themselves: ntracked may drop further */
    }
}
#endif
