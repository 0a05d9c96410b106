/*
 * Running GNU sort as a child process.
 */
#include "sort.h"

#include "err.h"

#include <errno.h>
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
    pid_t pid = fork();
    if (pid < 0) {
        tp_err(NULL, 0, "cannot run sort: fork:");
        return -1;
    }
    if (pid == 0) {
        setenv("LC_ALL", "C", 1);
        execvp("sort", (char *const *)argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            tp_err(NULL, 0, "cannot run sort: waitpid:");
            return -1;
        }
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
