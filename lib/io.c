/*
 * Input through inflate (gzip) or as is; output through a buffer to a temporary file that
 * is synced and renamed when complete.
 */
#include "io.h"

#include "err.h"
#include "term.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/*
 * Input: the first bytes say gzip (1f 8b) or not. Plain bytes pass through; gzip goes
 * through inflate, one member after another. zlib's gz* reader would do both, but it
 * drops silently whatever follows a member when that is not another member: a shard
 * with a damaged concatenation would lose its tail without a word. Here the bytes after
 * the last member must be nothing, or NUL bytes only (the padding of tape and block
 * devices, which gzip(1) also accepts); anything else is an error.
 */
enum { INBUF = 256 * 1024 };
enum { IN_START, IN_PLAIN, IN_MEMBER, IN_BETWEEN, IN_PADDING, IN_END };

struct tp_in {
    int fd;
    char *name;
    int state;
    int eof;            /* read() returned 0 */
    unsigned char *raw; /* bytes read, not yet used: raw[pos..len) */
    size_t pos, len;
    long long consumed;   /* raw bytes used before raw[pos] */
    long long member_end; /* offset of the byte after the last member, for messages */
    z_stream z;
    int zinit;
    long long bytes;   /* raw bytes read so far */
    unsigned long crc; /* their CRC-32 */
    char *error;       /* an error to report at the next read */
};

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
    tp_in *in = tp_xcalloc(1, sizeof *in);
    in->fd = fd;
    in->name = tp_xstrdup(path);
    in->raw = tp_xmalloc(INBUF);
    in->crc = crc32(0L, Z_NULL, 0);
    TP_TRACK(in, tp_in_close);
    return in;
}

/* read(2), counting the bytes and their CRC: the count, 0 at the end, or -1. */
static ssize_t
raw_read(tp_in *in, unsigned char *p, size_t n)
{
    ssize_t got;
    while ((got = read(in->fd, p, n)) < 0 && errno == EINTR)
        ;
    if (got < 0) {
        tp_err(in->name, 0, "read error:");
        return -1;
    }
    if (got == 0)
        in->eof = 1;
    in->bytes += got;
    in->crc = crc32(in->crc, p, (uInt)got);
    return got;
}

/* Read more raw bytes after the unused ones (moved to the front). -1 on a read error. */
static int
fill(tp_in *in)
{
    if (in->pos > 0) {
        memmove(in->raw, in->raw + in->pos, in->len - in->pos);
        in->consumed += (long long)in->pos;
        in->len -= in->pos;
        in->pos = 0;
    }
    if (in->eof || in->len == INBUF)
        return 0;
    ssize_t got = raw_read(in, in->raw + in->len, INBUF - in->len);
    if (got < 0)
        return -1;
    in->len += (size_t)got;
    return 0;
}

static ssize_t
corrupt(tp_in *in, const char *msg)
{
    tp_err(in->name, 0, "corrupt gzip data: %s", msg ? msg : "unknown error");
    return -1;
}

/* Inflate into buf; returns the bytes made (> 0), 0 at the end, or -1. */
static ssize_t
read_gzip(tp_in *in, unsigned char *buf, size_t n)
{
    for (;;) {
        if (in->pos == in->len && !in->eof && fill(in) < 0)
            return -1;
        size_t avail = in->len - in->pos;
        switch (in->state) {
        case IN_BETWEEN:
            /* after a member: another member, NUL padding, or the end */
            if (avail == 0) {
                in->state = IN_END;
                return 0;
            }
            if (avail == 1 && !in->eof && in->raw[in->pos] == 0x1f) {
                if (fill(in) < 0)
                    return -1;
                continue;
            }
            if (avail >= 2 && in->raw[in->pos] == 0x1f && in->raw[in->pos + 1] == 0x8b) {
                if (inflateReset(&in->z) != Z_OK)
                    return corrupt(in, in->z.msg);
                in->state = IN_MEMBER;
                continue;
            }
            if (in->raw[in->pos] != 0)
                goto garbage;
            in->state = IN_PADDING;
            continue;
        case IN_PADDING:
            if (avail == 0) {
                in->state = IN_END;
                return 0;
            }
            while (in->pos < in->len && in->raw[in->pos] == 0)
                in->pos++;
            if (in->pos < in->len)
                goto garbage;
            continue;
        case IN_END:
            return 0;
        }
        /* IN_MEMBER */
        if (avail == 0)
            return corrupt(in, "unexpected end of file");
        in->z.next_in = in->raw + in->pos;
        in->z.avail_in = (uInt)avail;
        in->z.next_out = buf;
        in->z.avail_out = (uInt)n;
        int rc = inflate(&in->z, Z_NO_FLUSH);
        in->pos = in->len - in->z.avail_in;
        size_t made = n - in->z.avail_out;
        if (rc == Z_STREAM_END) {
            in->state = IN_BETWEEN;
            in->member_end = in->consumed + (long long)in->pos;
        } else if (rc == Z_MEM_ERROR)
            tp_fatal(TP_EXIT_DATA, "out of memory");
        else if (rc != Z_OK && !(rc == Z_BUF_ERROR && in->pos == in->len))
            return corrupt(in, in->z.msg); /* Z_DATA_ERROR, Z_NEED_DICT: not a gzip stream */
        if (made > 0)
            return (ssize_t)made;
    }
garbage:
    tp_err(in->name, 0, "trailing garbage after gzip data (byte %lld)", in->member_end);
    return -1;
}

/* One step: some bytes (> 0), 0 at the end, or -1. */
static ssize_t
read_some(tp_in *in, unsigned char *buf, size_t n)
{
    if (in->state == IN_START) {
        while (in->len < 2 && !in->eof)
            if (fill(in) < 0)
                return -1;
        if (in->len >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b) {
            if (inflateInit2(&in->z, 15 + 16) != Z_OK) /* gzip wrapper only */
                tp_fatal(TP_EXIT_DATA, "out of memory");
            in->zinit = 1;
            in->state = IN_MEMBER;
        } else {
            in->state = IN_PLAIN;
        }
    }
    if (in->state != IN_PLAIN)
        return read_gzip(in, buf, n);
    if (in->pos < in->len) { /* the bytes read to look for the magic */
        size_t k = in->len - in->pos < n ? in->len - in->pos : n;
        memcpy(buf, in->raw + in->pos, k);
        in->pos += k;
        return (ssize_t)k;
    }
    return in->eof ? 0 : raw_read(in, buf, n);
}

ssize_t
tp_in_read(tp_in *in, void *buf, size_t n)
{
    if (n > (1u << 30))
        n = 1u << 30;
    /* Fill buf as zlib's gzread did: n bytes unless the input ends, however short the
     * reads from a pipe are (the reader looks for a BOM in the first bytes it gets). An
     * error after some bytes is reported by the next call, so that those are read first. */
    if (in->error) {
        tp_err(NULL, 0, "%s", in->error);
        return -1;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t k = read_some(in, (unsigned char *)buf + got, n - got);
        if (k < 0) {
            if (got == 0)
                return -1;
            in->error = tp_xstrdup(tp_errmsg());
            break;
        }
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

int
tp_in_file(const tp_in *in, long long *size)
{
    struct stat st;
    if (in->state != IN_PLAIN || fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode))
        return -1;
    *size = (long long)st.st_size;
    return in->fd;
}

void
tp_in_sum(const tp_in *in, long long *bytes, unsigned long *crc)
{
    *bytes = in->bytes;
    *crc = in->crc;
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
    if (in->zinit)
        inflateEnd(&in->z);
    close(in->fd);
    free(in->raw);
    free(in->error);
    free(in->name);
    free(in);
}

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

enum { OUTBUF = 256 * 1024 };

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
        tp_term_add_file(o->tmp);
        o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (o->fd < 0) {
            tp_term_remove_file(o->tmp);
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
    /* A first field that starts with a byte order mark is quoted: at the start of a
     * file a reader takes the mark for the encoding's and drops it. */
    int quote = o->rec_n == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
    if (!quote)
        quote = tp_span4(s, n, (unsigned char)delim, '"', '\n', '\r') < n;
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
        tp_term_remove_file(o->tmp);
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

/* --files0-from (io.h). */
int
tp_files0_each(const char *file, int (*one)(void *arg, const char *path), void *arg,
               const char *what)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (!f) {
        tp_err(file, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    char *name = NULL;
    size_t cap = 0;
    ssize_t len;
    long n = 0;
    int rc = 0;
    while (rc == 0 && (len = getdelim(&name, &cap, '\0', f)) > 0) {
        n++;
        if (name[len - 1] != '\0' || len == 1) {
            tp_err(file, 0, "name %ld: %s", n, len == 1 ? "empty" : "not ended by a NUL byte");
            rc = -1;
        } else {
            rc = one(arg, name);
        }
    }
    if (rc == 0 && ferror(f)) {
        tp_err(file, 0, "read error: %s", strerror(errno));
        rc = -1;
    }
    if (rc == 0 && n == 0) {
        tp_err(file, 0, "no %s files", what);
        rc = -1;
    }
    free(name);
    if (f != stdin)
        fclose(f);
    return rc;
}
