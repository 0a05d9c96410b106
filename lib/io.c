/*
 * Input through zlib's gz* reader; output through a buffer to a temporary file that is
 * synced and renamed when complete.
 */
#include "io.h"

#include "err.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct tp_in {
    gzFile gz;
    char *name;
};

/* gzerror's message without the "<fd:N>: " zlib puts before it for gzdopen'd files. */
static const char *
gzmsg(gzFile gz, int *errnum)
{
    const char *m = gzerror(gz, errnum);
    if (strncmp(m, "<fd:", 4) == 0) {
        const char *p = strstr(m, ">: ");
        if (p)
            m = p + 3;
    }
    return m;
}

tp_in *
tp_in_open(const char *path)
{
    int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY);
    if (fd < 0) {
        tp_err(path, 0, "cannot open:");
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        tp_err(path, 0, "is a directory");
        return NULL;
    }
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {
        close(fd);
        tp_err(path, 0, "cannot open:");
        return NULL;
    }
    gzbuffer(gz, 256 * 1024);
    tp_in *in = tp_xmalloc(sizeof *in);
    in->gz = gz;
    in->name = tp_xstrdup(path);
    TP_TRACK(in, tp_in_close);
    return in;
}

ssize_t
tp_in_read(tp_in *in, void *buf, size_t n)
{
    if (n > (1u << 30))
        n = 1u << 30;
    int got = gzread(in->gz, buf, (unsigned)n);
    if (got < 0) {
        int errnum;
        const char *m = gzmsg(in->gz, &errnum);
        if (errnum == Z_ERRNO)
            tp_err(in->name, 0, "read error:");
        else
            tp_err(in->name, 0, "corrupt gzip data: %s", m);
        return -1;
    }
    if (got == 0) {
        /* zlib reports a truncated stream only through gzerror at the end. */
        int errnum;
        const char *m = gzmsg(in->gz, &errnum);
        if (errnum != Z_OK && errnum != Z_STREAM_END) {
            tp_err(in->name, 0, "corrupt gzip data: %s", m);
            return -1;
        }
    }
    return got;
}

const char *
tp_in_name(const tp_in *in)
{
    return in->name;
}

void
tp_in_close(tp_in *in)
{
    if (!in)
        return;
    TP_UNTRACK(in);
    gzclose(in->gz);
    free(in->name);
    free(in);
}

enum { OUTBUF = 256 * 1024 };

/*
 * Temporary files being written, so that SIGTERM, SIGINT or SIGHUP (GNU parallel stops
 * the other jobs of a failed run with SIGTERM) removes them before the process dies: no
 * file with a temporary name stays behind. SIGKILL cannot be caught; tp-run --resume
 * removes what it leaves. The table is fixed (a signal handler cannot follow a realloc);
 * a tool holds at most a few outputs open (tp-write: one per split), far below MAXTMP. A
 * name past MAXTMP is still written and renamed as usual, only not removed on a signal.
 */
enum { MAXTMP = 64 };
static char *volatile tmpnames[MAXTMP];

static void
on_signal(int sig)
{
    for (int i = 0; i < MAXTMP; i++)
        if (tmpnames[i])
            unlink(tmpnames[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
tmp_register(char *name)
{
    static int installed;
    if (!installed) {
        installed = 1;
        int sigs[] = {SIGTERM, SIGINT, SIGHUP};
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_signal;
            sigemptyset(&sa.sa_mask);
            sigaction(sigs[i], &sa, NULL);
        }
    }
    for (int i = 0; i < MAXTMP; i++)
        if (!tmpnames[i]) {
            tmpnames[i] = name;
            return;
        }
}

static void
tmp_unregister(const char *name)
{
    for (int i = 0; i < MAXTMP; i++)
        if (tmpnames[i] == name)
            tmpnames[i] = NULL;
}

tp_out *
tp_out_open(const char *path, int gzip)
{
    tp_out *o = tp_xcalloc(1, sizeof *o);
    struct stat st;
    if (strcmp(path, "-") == 0) {
        o->fd = 1;
    } else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* A device or FIFO (/dev/null, /dev/stdout, a pipe): write to it directly;
         * a temporary file and a rename would replace it. */
        o->fd = open(path, O_WRONLY);
        if (o->fd < 0) {
            tp_err(path, 0, "cannot open:");
            free(o);
            return NULL;
        }
        o->special = 1;
        o->path = tp_xstrdup(path);
    } else {
        o->path = tp_xstrdup(path);
        const char *slash = strrchr(path, '/');
        size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
        size_t cap = strlen(path) + 32;
        o->tmp = tp_xmalloc(cap);
        snprintf(o->tmp, cap, "%.*s.%s.tmp.%ld", (int)dirlen, path, path + dirlen, (long)getpid());
        /* registered before the file exists: a signal between open and register would
         * otherwise leave it */
        tmp_register(o->tmp);
        o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (o->fd < 0) {
            tmp_unregister(o->tmp);
            tp_err(path, 0, "cannot create:");
            free(o->tmp);
            free(o->path);
            free(o);
            return NULL;
        }
    }
    if (gzip) {
        int fd2 = dup(o->fd);
        o->gz = fd2 < 0 ? NULL : gzdopen(fd2, "wb6");
        if (!o->gz) {
            if (fd2 >= 0)
                close(fd2);
            tp_err(o->path ? o->path : "-", 0, "cannot start gzip stream");
            tp_out_abort(o);
            return NULL;
        }
        gzbuffer(o->gz, 256 * 1024);
    }
    o->cap = OUTBUF;
    o->buf = tp_xmalloc(o->cap);
    TP_TRACK(o, tp_out_abort);
    return o;
}

tp_out *
tp_out_mem(void)
{
    tp_out *o = tp_xcalloc(1, sizeof *o);
    o->fd = -1;
    o->mem = 1;
    o->cap = 256;
    o->buf = tp_xmalloc(o->cap);
    TP_TRACK(o, tp_out_abort);
    return o;
}

/* Room for n more bytes in a memory output. */
static void
mem_grow(tp_out *o, size_t n)
{
    if (o->len + n <= o->cap)
        return;
    while (o->len + n > o->cap)
        o->cap *= 2;
    o->buf = tp_xrealloc(o->buf, o->cap);
}

static int
write_all(tp_out *o, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            tp_err(o->path ? o->path : "-", 0, "write error:");
            return -1;
        }
        p += w;
        n -= (size_t)w;
        o->bytes += w;
    }
    return 0;
}

int
tp_out_flush(tp_out *o)
{
    if (o->mem) { /* called by tp_out_byte on a full buffer: make room */
        mem_grow(o, 1);
        return 0;
    }
    if (o->len == 0)
        return 0;
    int rc = 0;
    if (o->gz) {
        if (gzwrite(o->gz, o->buf, (unsigned)o->len) != (int)o->len) {
            int errnum;
            const char *m = gzmsg(o->gz, &errnum);
            if (errnum == Z_ERRNO)
                tp_err(o->path ? o->path : "-", 0, "write error:");
            else
                tp_err(o->path ? o->path : "-", 0, "gzip error: %s", m);
            rc = -1;
        }
    } else {
        rc = write_all(o, o->buf, o->len);
    }
    o->len = 0;
    return rc;
}

int
tp_out_write(tp_out *o, const void *p, size_t n)
{
    if (o->mem)
        mem_grow(o, n);
    if (o->len + n > o->cap) {
        if (tp_out_flush(o) < 0)
            return -1;
        while (n > o->cap) { /* larger than the buffer: pass through in buffer-sized pieces */
            memcpy(o->buf, p, o->cap);
            o->len = o->cap;
            if (tp_out_flush(o) < 0)
                return -1;
            p = (const char *)p + o->cap;
            n -= o->cap;
        }
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    return 0;
}

int
tp_out_rec_field(tp_out *o, const char *s, size_t n, char delim)
{
    if (o->rec_n++ > 0 && tp_out_byte(o, delim) < 0)
        return -1;
    else if (o->rec_n == 1)
        o->rec_empty = n == 0;
    int quote = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == delim || c == '"' || c == '\n' || c == '\r') {
            quote = 1;
            break;
        }
    }
    if (!quote)
        return tp_out_write(o, s, n);
    if (tp_out_byte(o, '"') < 0)
        return -1;
    const char *start = s;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') {
            if (tp_out_write(o, start, (size_t)(s + i + 1 - start)) < 0)
                return -1;
            start = s + i; /* the quote is written again: doubled */
        }
    }
    if (tp_out_write(o, start, (size_t)(s + n - start)) < 0)
        return -1;
    return tp_out_byte(o, '"');
}

int
tp_out_rec_end(tp_out *o)
{
    int lone_empty = o->rec_n == 1 && o->rec_empty;
    o->rec_n = 0;
    if (lone_empty && tp_out_write(o, "\"\"", 2) < 0)
        return -1;
    return tp_out_byte(o, '\n');
}

/* Make a rename durable: fsync the directory that holds path (best effort: some file
 * systems refuse to fsync a directory, which is not an error of the data). */
static void
sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir =
        slash ? tp_xmemdup(path, slash == path ? 1 : (size_t)(slash - path)) : tp_xstrdup(".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

static void
out_free(tp_out *o)
{
    if (o->tmp)
        tmp_unregister(o->tmp);
    TP_UNTRACK(o);
    free(o->buf);
    free(o->path);
    free(o->tmp);
    free(o);
}

int
tp_out_commit(tp_out *o, long long *bytes)
{
    const char *name = o->path ? o->path : "-";
    int rc = tp_out_flush(o);
    if (o->gz) {
        /* gzclose_w flushes the deflate stream and writes the trailer to our dup'd fd. */
        int zrc = gzclose_w(o->gz);
        o->gz = NULL;
        if (rc == 0 && zrc != Z_OK) {
            tp_err(name, 0, "write error:");
            rc = -1;
        }
        if (rc == 0) {
            struct stat st;
            if (fstat(o->fd, &st) == 0 && S_ISREG(st.st_mode))
                o->bytes = st.st_size;
        }
    }
    if (o->special) {
        if (close(o->fd) < 0 && rc == 0) {
            tp_err(name, 0, "close:");
            rc = -1;
        }
    } else if (o->path) {
        if (rc == 0 && fsync(o->fd) < 0) {
            tp_err(name, 0, "fsync:");
            rc = -1;
        }
        if (close(o->fd) < 0 && rc == 0) {
            tp_err(name, 0, "close:");
            rc = -1;
        }
        if (rc == 0 && rename(o->tmp, o->path) < 0) {
            tp_err(name, 0, "rename:");
            rc = -1;
        }
        if (rc == 0)
            sync_dir(o->path);
        if (rc < 0)
            unlink(o->tmp);
    }
    if (bytes)
        *bytes = o->bytes;
    out_free(o);
    return rc;
}

void
tp_out_abort(tp_out *o)
{
    if (!o)
        return;
    if (o->gz)
        gzclose_w(o->gz);
    if (o->special) {
        close(o->fd);
    } else if (o->path) {
        close(o->fd);
        unlink(o->tmp);
    }
    out_free(o);
}

int
tp_mkdirs(const char *path, int mode)
{
    char *p = tp_xstrdup(path);
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
                tp_err(p, 0, "cannot create directory:");
                free(p);
                return -1;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    free(p);
    return 0;
}
