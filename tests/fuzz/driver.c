/*
 * libFuzzer driver for a tool's row path: the tool's source is compiled with
 * -Dmain=tp_tool_main and -DTP_FUZZ, so its main runs once per input in this process,
 * and every exit (an error, a usage message) comes back here through tp_fuzz_exit
 * instead of ending the process. The input is handed to the tool as a file (a memfd),
 * with the arguments of TP_FUZZ_ARGS; standard output goes to /dev/null.
 * Used by `make fuzz`; the corpus of each target is tests/fuzz/corpus/TARGET.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

extern jmp_buf *tp_fuzz_exit;
void tp_fuzz_release_all(void);
int tp_tool_main(int argc, char **argv);

/* Close every descriptor a failed run left open, but the standard ones and keep. */
static void
close_leaks(int keep)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    int self = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int fd = atoi(e->d_name);
        if (fd > 2 && fd != keep && fd != self && e->d_name[0] != '.')
            close(fd);
    }
    closedir(d);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
        dup2(null, 1);
        close(null);
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("tp-fuzz", 0);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    lseek(fd, 0, SEEK_SET);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

    /* argv: program name, the target's arguments, then the input file */
    static const char *const args[] = {TP_FUZZ_ARGS};
    enum { NARGS = sizeof args / sizeof args[0] };
    char *argv[NARGS + 3];
    int argc = 0;
    argv[argc++] = (char *)"tp-fuzz";
    for (int i = 0; i < NARGS; i++)
        argv[argc++] = (char *)args[i];
    argv[argc++] = path;
    argv[argc] = NULL;

    jmp_buf env;
    if (setjmp(env) == 0) {
        tp_fuzz_exit = &env;
        optind = 0; /* glibc: start getopt afresh */
        tp_tool_main(argc, argv);
    }
    tp_fuzz_exit = NULL;
    tp_fuzz_release_all(); /* what a run stopped by an error left open */
    close_leaks(-1);
    return 0;
}
