/*
 * Termination: the signal handlers and the watchdog. Everything a handler touches is
 * fixed in size and written before the handler can see it (a handler cannot follow a
 * realloc), and a handler calls only async-signal-safe functions (unlink, kill,
 * sigaction, sigprocmask, raise, _exit).
 */
#include "term.h"

#include "err.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* A tool holds at most a few outputs open (tp-write: one per split), far below MAXTMP. */
enum { MAXTMP = 64 };
static char *volatile tmpnames[MAXTMP];
static volatile pid_t child;
static volatile pid_t watched;

/* Remove what the tool leaves, then die by sig as if no handler were installed. */
static void
die_by(int sig)
{
    for (int i = 0; i < MAXTMP; i++)
        if (tmpnames[i])
            unlink(tmpnames[i]);
    if (child > 0)
        kill(child, SIGTERM);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    /* In a handler of sig, sig is blocked: it is delivered when unblocked below, and so
     * it is when the tool was started with it blocked. */
    raise(sig);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    _exit(128 + sig); /* not reached */
}

static void
on_signal(int sig)
{
    die_by(sig);
}

static void
on_alarm(int sig)
{
    (void)sig;
    int saved = errno;
    if (kill(watched, 0) < 0 && errno == ESRCH)
        die_by(SIGTERM);
    errno = saved;
}

static void
install(void)
{
    static int installed;
    if (installed)
        return;
    installed = 1;
    int sigs[] = {SIGTERM, SIGINT, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaddset(&sa.sa_mask, SIGALRM); /* no watchdog check inside the cleanup */
        sigaction(sigs[i], &sa, NULL);
    }
}

void
tp_term_add_file(char *name)
{
    install();
    for (int i = 0; i < MAXTMP; i++)
        if (!tmpnames[i]) {
            tmpnames[i] = name;
            return;
        }
}

void
tp_term_remove_file(const char *name)
{
    for (int i = 0; i < MAXTMP; i++)
        if (tmpnames[i] == name)
            tmpnames[i] = NULL;
}

void
tp_term_set_child(pid_t pid)
{
    if (pid > 0)
        install();
    child = pid;
}

int
tp_watch_start(void)
{
    const char *s = getenv("TP_WATCH_PID");
    if (!s)
        return 0;
    long long v = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9' && v <= 0x7fffffff; i++)
        v = v * 10 + (s[i] - '0');
    if (i == 0 || s[i] != '\0' || v < 1 || v > 0x7fffffff) {
        tp_err(NULL, 0, "TP_WATCH_PID: not a process id: '%s'", s);
        return -1;
    }
    watched = (pid_t)v;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART; /* reads and writes go on after a check */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    if (kill(watched, 0) < 0 && errno == ESRCH)
        die_by(SIGTERM);
    struct itimerval it = {{0, 200000}, {0, 200000}};
    setitimer(ITIMER_REAL, &it, NULL);
    return 0;
}
