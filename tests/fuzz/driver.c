/*
 * libFuzzer driver for a tool: the tool's source is compiled with -Dmain=tp_tool_main
 * and -DTP_FUZZ, so its main runs once per input in this process, and every exit (an
 * error, a usage message) comes back here through tp_fuzz_exit instead of ending the
 * process. The target file defines FUZZ_NOPT, the number of leading input bytes that
 * choose the command line, and two functions:
 *   fuzz_options(z)  adds the tool's arguments (fuzz_arg) from z->opt, and may ask for
 *                    the shard to be gzip-compressed (z->gzip) or mark the command line
 *                    as one the tool must refuse as a usage error (z->usage);
 *   fuzz_check(z)    checks the results of the run: the exit status, what the tool
 *                    wrote to standard output (z->out) and the files it left in the
 *                    scratch directory (fuzz_path), against the shard (z->in).
 * The rest of the input is the shard, handed to the tool as its last argument, a file
 * (a memfd). Each run starts with an empty scratch directory (on /dev/shm where there is
 * one: the tools fsync every file they write). Checks of every run, whatever the tool:
 * the exit status is 0, 1 or 2, and 2 exactly when z->usage; a success prints nothing,
 * a failure a message "tp-fuzz: ..."; and no file stays under a temporary name: those
 * are looked for before the driver releases what a failed run left open, as the process
 * would have left them on exit. Used by `make fuzz`; the corpus of each target is
 * tests/fuzz/corpus/TARGET.
 */
#include "check.c"

#include "context.h"

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <setjmp.h>

extern jmp_buf *tp_fuzz_exit;
void tp_fuzz_release_all(void);
int tp_tool_main(int argc, char **argv);

struct fuzz {
    const uint8_t *opt; /* the FUZZ_NOPT option bytes */
    const uint8_t *body;
    size_t nbody;
    int gzip;  /* set by fuzz_options: the shard file is the body gzip-compressed */
    int usage; /* set by fuzz_options: the tool must exit 2 */
    int argc;
    char *argv[48];
    char in[64]; /* the shard file */
    int status;  /* the tool's exit status */
    char *out;   /* its standard output */
    size_t nout;
    char *err; /* its standard error */
    size_t nerr;
};

static void fuzz_options(struct fuzz *z);
static void fuzz_check(struct fuzz *z);

/* The sample's header (tests/fuzz/sample.csv), for headerless shards (-s). */
static char *sample_cols[] = {"id",
                              "customerId",
                              "orderDate",
                              "label",
                              "v__DOT__x",
                              "emailAddress",
                              "billingAddressName",
                              "customerName",
                              "paymentAccountHolderName"};
enum { NSAMPLE = sizeof sample_cols / sizeof sample_cols[0] };

static char scratch[256];
static int devnull = -1;
static struct fuzz *current;

/* "SCRATCH/name"; valid until the next run starts. */
static char **paths;
static size_t npaths;

static const char *
fuzz_path(const char *name)
{
    char *p = malloc(strlen(scratch) + strlen(name) + 2);
    sprintf(p, "%s/%s", scratch, name);
    paths = realloc(paths, (npaths + 1) * sizeof *paths);
    return paths[npaths++] = p;
}

static void
free_paths(void)
{
    for (size_t i = 0; i < npaths; i++)
        free(paths[i]);
    npaths = 0;
}

static void
fuzz_arg(struct fuzz *z, const char *s)
{
    if (z->argc < (int)(sizeof z->argv / sizeof z->argv[0]) - 2)
        z->argv[z->argc++] = (char *)s;
}

/* The bad-row policy chosen by sel (0..3): fail (no option), skip, quarantine with
 * --rejects, skip with --rejects, as every tool target takes it. */
HELPER void
fuzz_policy(struct fuzz *z, unsigned sel)
{
    static const char *const policies[] = {NULL, "skip", "quarantine", "skip"};
    if (policies[sel & 3]) {
        fuzz_arg(z, "--on-bad-row");
        fuzz_arg(z, policies[sel & 3]);
    }
    if ((sel & 3) >= 2) {
        fuzz_arg(z, "--rejects");
        fuzz_arg(z, fuzz_path("rejects.csv"));
    }
}

/* Write the sample's header as a signature file; its path. */
HELPER const char *
fuzz_signature(void)
{
    const char *p = fuzz_path("signature");
    FILE *f = fopen(p, "w");
    for (size_t i = 0; f && i < NSAMPLE; i++)
        fprintf(f, "%s%c", sample_cols[i], i + 1 < NSAMPLE ? ',' : '\n');
    if (!f || fclose(f) != 0)
        fuzz_fail("cannot write %s", p);
    return p;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    if (ftw->level > 0)
        remove(path);
    return 0;
}

static void
empty_scratch(void)
{
    nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
remove_scratch(void)
{
    empty_scratch();
    rmdir(scratch);
}

/* Prebuilt context n (tests/fuzz/contexts.sh): its directory, and its contents. */
HELPER const char *
fuzz_ctx_dir(int n)
{
    static char dir[8][512];
    const char *base = getenv("TP_FUZZ_CTX");
    snprintf(dir[n & 7], sizeof dir[0], "%s/%d", base ? base : "build/fuzz/ctx", n & 7);
    return dir[n & 7];
}

HELPER const tp_context *
fuzz_ctx(int n)
{
    static tp_context *c[8];
    if (!c[n & 7] && !(c[n & 7] = tp_context_read(fuzz_ctx_dir(n))))
        fuzz_fail("%s (make build/fuzz/ctx/stamp)", tp_errmsg());
    return c[n & 7];
}

static void
print_command(void)
{
    if (!current)
        return;
    fprintf(stderr, "command line:");
    for (int i = 0; i < current->argc; i++)
        fprintf(stderr, " %s", current->argv[i]);
    fprintf(stderr, "\n");
    if (current->nerr)
        fprintf(stderr, "its standard error:\n%.*s", (int)current->nerr, current->err);
    char **files;
    size_t n = files_under(scratch, &files);
    fprintf(stderr, "files in %s:", scratch);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " %s", files[i]);
    fprintf(stderr, "\n");
    files_free(files, n);
    remove_scratch(); /* abort() runs no atexit handler */
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = open("/dev/null", O_WRONLY);
    if (devnull < 0)
        abort();
    dup2(devnull, 1);
    const char *base = getenv("TP_FUZZ_TMP");
    if (!base)
        base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/tp-fuzz.XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(scratch))
        abort();
    atexit(remove_scratch);
    fuzz_fail_context = print_command;
    return 0;
}

/* Open descriptors above 2 before a run, so that what a failed run leaves is closed. */
static unsigned char open_before[1024];

static void
fd_scan(int close_new)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    int self = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int fd = atoi(e->d_name);
        if (fd <= 2 || fd == self || e->d_name[0] == '.' || fd >= 1024)
            continue;
        if (!close_new)
            open_before[fd] = 1;
        else if (!open_before[fd])
            close(fd);
    }
    closedir(d);
}

/* Files named like tp's temporary files (".NAME.tmp.PID") anywhere under the scratch
 * directory: none may outlive a run, successful or not. */
static void
check_no_temp(struct fuzz *z)
{
    char **files;
    size_t n = files_under(scratch, &files);
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(files[i], '/');
        base = base ? base + 1 : files[i];
        if (base[0] == '.' && strstr(base, ".tmp."))
            fuzz_fail("a temporary file is left after a run with status %d: %s", z->status,
                      files[i]);
    }
    files_free(files, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < FUZZ_NOPT)
        return 0;
    static struct fuzz z;
    memset(&z, 0, sizeof z);
    z.opt = data;
    z.body = data + FUZZ_NOPT;
    z.nbody = size - FUZZ_NOPT;
    empty_scratch();
    free_paths();
    current = &z;
    z.argv[z.argc++] = (char *)"tp-fuzz";
    fuzz_options(&z);

    int in = z.gzip ? mem_file(NULL, 0) : mem_file(z.body, z.nbody);
    if (in < 0 || (z.gzip && gzip_to(in, z.body, z.nbody, z.nbody) < 0))
        fuzz_fail("cannot write the shard");
    snprintf(z.in, sizeof z.in, "/proc/self/fd/%d", in);
    z.argv[z.argc++] = z.in;
    z.argv[z.argc] = NULL;
    char *argv[sizeof z.argv / sizeof z.argv[0]]; /* the tool may change its argv */
    memcpy(argv, z.argv, sizeof argv);

    int out = mem_file(NULL, 0);
    if (out < 0)
        fuzz_fail("memfd: out of descriptors");
    memset(open_before, 0, sizeof open_before);
    fd_scan(0);
    dup2(out, 1);
    FILE *saved_stderr = stderr;
    stderr = open_memstream(&z.err, &z.nerr);
    jmp_buf env;
    int jumped = setjmp(env);
    if (jumped == 0) {
        tp_fuzz_exit = &env;
        optind = 0; /* glibc: start getopt afresh */
        z.status = tp_tool_main(z.argc, argv);
    } else {
        z.status = jumped - 1;
    }
    tp_fuzz_exit = NULL;
    fclose(stderr);
    stderr = saved_stderr;
    dup2(devnull, 1);
    if (getenv("TP_FUZZ_VERBOSE"))
        fprintf(stderr, "status %d: %.*s", z.status, (int)z.nerr, z.err);

    if (z.status < 0 || z.status > 2)
        fuzz_fail("exit status %d", z.status);
    if ((z.status == 2) != (z.usage != 0))
        fuzz_fail("exit status %d, but the command line is %s", z.status,
                  z.usage ? "a usage error" : "valid");
    if (z.status == 0 && z.nerr)
        fuzz_fail("a successful run wrote to standard error");
    if (z.status != 0 && (z.nerr < 9 || memcmp(z.err, "tp-fuzz: ", 9) != 0))
        fuzz_fail("a failed run did not say why as 'tp-fuzz: ...'");
    check_no_temp(&z);

    tp_fuzz_release_all(); /* what a run stopped by an error left open */
    fd_scan(1);

    off_t n = lseek(out, 0, SEEK_END);
    z.nout = n > 0 ? (size_t)n : 0;
    z.out = malloc(z.nout + 1);
    if (z.nout && pread(out, z.out, z.nout, 0) != (ssize_t)z.nout)
        fuzz_fail("cannot read back standard output");
    z.out[z.nout] = '\0';
    fuzz_check(&z);

    current = NULL;
    free(z.out);
    free(z.err);
    close(out);
    close(in);
    return 0;
}
