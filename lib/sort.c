/*
 * Running GNU sort as a child process.
 */
#include "sort.h"

#include "err.h"
#include "term.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int
tp_sort(const char *in, const char *out, const char *const *keys, const char *mem,
        const char *tmpdir)
{
    const char *argv[32];
    size_t n = 0;
    argv[n++] = "sort";
    argv[n++] = "-t\t";
    argv[n++] = "-S";
    argv[n++] = mem;
    argv[n++] = "-T";
    argv[n++] = tmpdir;
    for (size_t i = 0; keys[i] && n < 26; i++)
        argv[n++] = keys[i];
    argv[n++] = "-o";
    argv[n++] = out;
    argv[n++] = in;
    argv[n] = NULL;
    /* sort reads and writes files, not pipes: when tp-context is stopped (a signal, the
     * watchdog) nothing would end it, so tp-context stops it (term.h). The signals wait
     * until the child is registered, so none is missed between fork and register. */
    sigset_t stop, old;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGHUP);
    sigaddset(&stop, SIGALRM);
    sigprocmask(SIG_BLOCK, &stop, &old);
    pid_t pid = fork();
    if (pid < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        tp_err(NULL, 0, "cannot run sort: fork:");
        return -1;
    }
    if (pid == 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        setenv("LC_ALL", "C", 1);
        execvp("sort", (char *const *)argv);
        _exit(127);
    }
    tp_term_set_child(pid);
    sigprocmask(SIG_SETMASK, &old, NULL);
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            tp_term_set_child(0);
            tp_err(NULL, 0, "cannot run sort: waitpid:");
            return -1;
        }
    tp_term_set_child(0);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        tp_err(in, 0, "cannot run sort (GNU coreutils sort is required)");
    else
        tp_err(in, 0, "sort failed (status %d)", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    return -1;
}

int
tp_sort_size_ok(const char *s)
{
    size_t i = 0;
    while (s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0)
        return -1;
    if (s[i] == '\0')
        return 0;
    return s[i + 1] == '\0' && strchr("bKMGT%", s[i]) ? 0 : -1;
}

long long
tp_sort_size_bytes(const char *s)
{
    if (!s || tp_sort_size_ok(s) < 0)
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    unsigned long long unit = 1024;
    switch (*end) {
    case 'b':
        unit = 1;
        break;
    case 'M':
        unit = 1ULL << 20;
        break;
    case 'G':
        unit = 1ULL << 30;
        break;
    case 'T':
        unit = 1ULL << 40;
        break;
    case '%': {
        long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        if (pages <= 0 || page <= 0)
            return -1;
        unsigned long long phys = (unsigned long long)pages * (unsigned long long)page;
        return v > 100 ? (long long)phys : (long long)(phys / 100 * v);
    }
    }
    if (v > (unsigned long long)LLONG_MAX / unit)
        return LLONG_MAX;
    return (long long)(v * unit);
}
