/*
 * Byte streams in and out. Input that starts with the gzip magic bytes is inflated, member
 * after member, other input passes through, so every tool reads plain and gzip shards
 * alike. After the last member only NUL bytes (padding) may follow: anything else is an
 * error, where zlib's gz* reader would drop it silently. The size and CRC-32 of the bytes
 * as read (before inflating) are kept, so that pass 2 can check that it reads the input
 * pass 1 scanned.
 * Output goes through one buffer per stream; files are written under a temporary name
 * in the target directory and renamed only after a checked flush, fsync and close, so
 * a final name always holds a complete file (SPEC section 8).
 */
#ifndef TP_IO_H
#define TP_IO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

typedef struct tp_in tp_in;

/*
 * Open path for reading ("-" is standard input). Returns NULL with an error recorded
 * ("PATH: strerror") on failure. The name used in later messages is path, or "-".
 */
tp_in *tp_in_open(const char *path);

/*
 * Read n bytes (after gzip decoding), fewer only at the end of the input. Returns the
 * count, 0 at end of input, or -1 with an error recorded ("PATH: corrupt gzip data: ...",
 * "PATH: trailing garbage after gzip data (byte N)" or an errno message); an error after
 * some bytes is returned by the next call.
 */
ssize_t tp_in_read(tp_in *in, void *buf, size_t n);

/*
 * Bytes read so far from the file (compressed bytes for gzip) and their CRC-32 (the
 * CRC of zlib, gzip and PNG: ISO-HDLC, polynomial 0x04C11DB7 reflected), taken as they
 * are read. At the end of the input (tp_in_read returned 0) they are those of the whole
 * file.
 */
void tp_in_sum(const tp_in *in, long long *bytes, unsigned long *crc);

/* Name given at open. */
const char *tp_in_name(const tp_in *in);

/*
 * After the first tp_in_read: the descriptor of an input that is a regular file read
 * as is (not gzip), for random access with pread (a Parquet footer is at the end), and
 * its size in *size; -1 for gzip, pipes and devices. The stream position is not used by
 * pread, so tp_in_read can go on afterwards (to take the CRC of the whole file).
 */
int tp_in_file(const tp_in *in, long long *size);

/* Close and free; NULL is ignored. */
void tp_in_close(tp_in *in);

/* Output stream. The struct is public so the inline writers below can fill the buffer. */
typedef struct tp_out {
    char *buf;
    size_t len, cap;
    int fd;
    void *gz;        /* gzFile when compressing, else NULL */
    char *path;      /* final name, or NULL for standard output */
    char *tmp;       /* temporary name while the file is being written */
    int special;     /* path is a device or FIFO: written in place, never renamed */
    long long bytes; /* bytes written to the file so far (compressed when gzip) */
    int mem;         /* in memory (tp_out_mem): buf grows, nothing is written */
    size_t rec_n;    /* CSV/TSV, text records (record.h): fields written in the current record */
    int rec_empty;   /* ... and the first of them was empty */
} tp_out;

/*
 * Create an output. path "-" writes to standard output, and a path that names an existing
 * device or FIFO (/dev/null, /dev/stdout) is written in place (no rename). Otherwise the data
 * goes to "DIR/.BASE.tmp.PID" until tp_out_commit renames it to path. gzip != 0
 * compresses with zlib at level 6; the gzip header carries no name and mtime 0, so the
 * bytes depend only on the data. Returns NULL with an error recorded on failure.
 */
tp_out *tp_out_open(const char *path, int gzip);

/*
 * An output to memory, for a CSV record held in one field (the rejects' record column):
 * the bytes are o->buf[0..o->len), the buffer grows as needed; set o->len = 0 to reuse
 * it. Free with tp_out_abort.
 */
tp_out *tp_out_mem(void);

/* Append n bytes. Returns 0, or -1 with "PATH: strerror" recorded (e.g. ENOSPC). */
int tp_out_write(tp_out *o, const void *p, size_t n);

/* Write the buffer out now. 0 or -1 as tp_out_write. */
int tp_out_flush(tp_out *o);

/*
 * Finish: flush, finish gzip, fsync, close and rename to the final name. Frees o in all
 * cases; on failure the temporary file is removed and -1 returned with an error recorded.
 * bytes, when non-NULL, receives the size of the file written.
 */
int tp_out_commit(tp_out *o, long long *bytes);

/* Give up: close, remove the temporary file, free. NULL is ignored. */
void tp_out_abort(tp_out *o);

/*
 * CSV/TSV records, the one writer of every table tp writes (the streams between the
 * stages, the output files, the rejects, the signature and metadata). tp_out_rec_field
 * writes the delimiter before every field of a record but the first, then the field with
 * minimal RFC 4180 quoting: quoted when it holds the delimiter, '"', CR or LF, with '"'
 * doubled. tp_out_rec_end ends the record with '\n'. A record of one empty field is
 * written as "" (as Python's csv module does): an empty line would be skipped as blank
 * by the next reader, tp's or pandas', and the row lost.
 */
int tp_out_rec_field(tp_out *o, const char *s, size_t n, char delim);
int tp_out_rec_end(tp_out *o);

/*
 * The length of the longest prefix of s[0..n) that holds none of the bytes a, b, c, d:
 * the writers' scan for what must be quoted or escaped. Eight bytes at a time (the test
 * for a zero byte in a word, Mycroft 1987), as most fields hold none of them.
 */
static inline size_t
tp_span4(const char *s, size_t n, unsigned char a, unsigned char b, unsigned char c,
         unsigned char d)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w, x;
        memcpy(&w, s + i, 8);
        uint64_t hit = 0;
        x = w ^ (ones * a), hit |= (x - ones) & ~x;
        x = w ^ (ones * b), hit |= (x - ones) & ~x;
        x = w ^ (ones * c), hit |= (x - ones) & ~x;
        x = w ^ (ones * d), hit |= (x - ones) & ~x;
        if (hit & highs)
            break;
    }
    for (; i < n; i++) {
        unsigned char v = (unsigned char)s[i];
        if (v == a || v == b || v == c || v == d)
            break;
    }
    return i;
}

static inline int
tp_out_byte(tp_out *o, char c)
{
    if (o->len == o->cap && tp_out_flush(o) < 0)
        return -1;
    o->buf[o->len++] = c;
    return 0;
}

/* mkdir -p; 0 or -1 with an error recorded. */
int tp_mkdirs(const char *path, int mode);

/*
 * --files0-from FILE ("-": standard input): call one(arg, name) for each name in FILE,
 * each ended by a NUL byte, as GNU du and wc read it: a list of any length, beyond the
 * kernel's limit on one argument list (ARG_MAX). Stops at one's first non-zero return
 * and returns -1. -1 with "FILE: ..." recorded when FILE cannot be opened or read, a
 * name is empty or not ended by a NUL, or FILE names no file ("no WHAT files"); else 0.
 */
int tp_files0_each(const char *file, int (*one)(void *arg, const char *path), void *arg,
                   const char *what);

#endif
