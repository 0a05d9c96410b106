/* Input streams: plain and gzip (members, padding, trailing garbage, truncation, short
 * reads), and the size and CRC-32 of the bytes as read. */
#include "err.h"
#include "io.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

static char dir[] = "/tmp/tp-unit-io-XXXXXX";

static void
put(const char *path, const void *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    fwrite(p, 1, n, fp);
    fclose(fp);
}

/* A gzip member of n bytes at p (no name, mtime 0) into out; returns its size. */
static size_t
gzip_member(const void *p, size_t n, unsigned char *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (unsigned char *)p;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    size_t len = cap - z.avail_out;
    deflateEnd(&z);
    return len;
}

/* Read in with pieces of at most chunk bytes into got (cap). -1 on error, else length. */
static long
slurp(tp_in *in, char *got, size_t cap, size_t chunk)
{
    size_t len = 0;
    for (;;) {
        ssize_t k = tp_in_read(in, got + len, chunk < cap - len ? chunk : cap - len);
        if (k < 0)
            return -1;
        if (k == 0)
            return (long)len;
        len += (size_t)k;
    }
}

/* The file holds raw (n bytes); it reads as want (wn bytes), with the size and CRC of raw. */
static int
reads_as(const void *raw, size_t n, const char *want, size_t wn, size_t chunk)
{
    char path[64];
    snprintf(path, sizeof path, "%s/in", dir);
    put(path, raw, n);
    tp_in *in = tp_in_open(path);
    static char got[1 << 21];
    long len = slurp(in, got, sizeof got, chunk);
    long long bytes;
    unsigned long crc;
    tp_in_sum(in, &bytes, &crc);
    tp_in_close(in);
    return len == (long)wn && memcmp(got, want, wn) == 0 && bytes == (long long)n &&
           crc == crc32(0L, raw, (uInt)n);
}

void
test_io(void)
{
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    static unsigned char gz[1 << 21];
    static char text[1 << 20];
    const char *a = "a,b\n1,2\n", *b = "3,4\n";

    /* plain: read whole or in pieces; a lone 0x1f is not gzip */
    CHECK(reads_as(a, strlen(a), a, strlen(a), 1 << 16));
    CHECK(reads_as(a, strlen(a), a, strlen(a), 1));
    CHECK(reads_as("", 0, "", 0, 16));
    CHECK(reads_as("\x1f", 1, "\x1f", 1, 16));

    /* gzip: one member, two members, an empty member; the sums are of the compressed bytes */
    size_t n = gzip_member(a, strlen(a), gz, sizeof gz);
    CHECK(reads_as(gz, n, a, strlen(a), 1 << 16));
    CHECK(reads_as(gz, n, a, strlen(a), 3));
    size_t n2 = n + gzip_member(b, strlen(b), gz + n, sizeof gz - n);
    CHECK(reads_as(gz, n2, "a,b\n1,2\n3,4\n", 12, 1 << 16));
    CHECK(reads_as(gz, n2, "a,b\n1,2\n3,4\n", 12, 5));
    size_t n3 = n2 + gzip_member("", 0, gz + n2, sizeof gz - n2);
    CHECK(reads_as(gz, n3, "a,b\n1,2\n3,4\n", 12, 7));

    /* NUL padding after the last member is read and counted in the size and CRC */
    memset(gz + n, 0, 1000);
    CHECK(reads_as(gz, n + 1000, a, strlen(a), 1 << 16));

    /* more than one raw buffer: 1 MiB of hardly compressible text, in odd pieces */
    unsigned long x = 1;
    for (size_t i = 0; i < sizeof text; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        text[i] = (char)('a' + (x >> 59));
    }
    n = gzip_member(text, sizeof text, gz, sizeof gz);
    CHECK(n > 300 * 1024);
    CHECK(reads_as(gz, n, text, sizeof text, 100000));
    CHECK(reads_as(text, sizeof text, text, sizeof text, 77777));

    /* errors: truncated, damaged; the data before the error is read first */
    char path[64], got[64];
    snprintf(path, sizeof path, "%s/in", dir);
    n = gzip_member(a, strlen(a), gz, sizeof gz);
    put(path, gz, n - 5);
    tp_in *in = tp_in_open(path);
    CHECK(tp_in_read(in, got, sizeof got) == (ssize_t)strlen(a) && memcmp(got, a, strlen(a)) == 0);
    CHECK(tp_in_read(in, got, sizeof got) == -1);
    CHECK(strstr(tp_errmsg(), "corrupt gzip data: unexpected end of file") != NULL);
    tp_in_close(in);
    memcpy(gz + n, "junk", 4);
    put(path, gz, n + 4);
    in = tp_in_open(path);
    CHECK(tp_in_read(in, got, sizeof got) == (ssize_t)strlen(a) && memcmp(got, a, strlen(a)) == 0);
    CHECK(tp_in_read(in, got, sizeof got) == -1);
    CHECK(strstr(tp_errmsg(), "trailing garbage after gzip data") != NULL);
    tp_in_close(in);
    gz[n - 3] ^= 1; /* the length in the trailer */
    put(path, gz, n);
    in = tp_in_open(path);
    CHECK(slurp(in, got, sizeof got, sizeof got) == -1);
    CHECK(strstr(tp_errmsg(), "corrupt gzip data: incorrect length check") != NULL);
    tp_in_close(in);

    /* standard input from a pipe that delivers one byte at a time at first: the magic
     * bytes are found across short reads, and one call returns all the data, as gzread
     * did (a reader looks for a BOM in the first bytes it gets) */
    n = gzip_member(a, strlen(a), gz, sizeof gz);
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        for (size_t i = 0; i < n; i++) {
            if (write(fds[1], gz + i, 1) != 1)
                _exit(1);
            if (i < 3)
                usleep(20000);
        }
        _exit(0);
    }
    close(fds[1]);
    int saved = dup(0);
    dup2(fds[0], 0);
    close(fds[0]);
    in = tp_in_open("-");
    dup2(saved, 0);
    close(saved);
    ssize_t first = tp_in_read(in, got, sizeof got);
    CHECK(first == (ssize_t)strlen(a));
    long len = first < 0 ? -1 : first + slurp(in, got + first, sizeof got - (size_t)first, 64);
    long long bytes;
    unsigned long crc;
    tp_in_sum(in, &bytes, &crc);
    tp_in_close(in);
    CHECK(len == (long)strlen(a) && memcmp(got, a, strlen(a)) == 0);
    CHECK(bytes == (long long)n && crc == crc32(0L, gz, (uInt)n));
    int st;
    waitpid(pid, &st, 0);

    unlink(path);
    rmdir(dir);
}

/* tp_span4 against a byte-by-byte scan, at every length and position up to 40 bytes,
 * with bytes of every value around the ones looked for. */
void
test_span4(void)
{
    static const unsigned char pool[] = {'a',  0x80, 0xff, ',',  '"',  '\n',
                                         '\r', '\t', '\\', 0x01, 0x7f, 0x2b};
    unsigned seed = 12345;
    int bad = 0;
    for (int round = 0; round < 4000; round++) {
        char s[40];
        size_t n = (size_t)(round % 41);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245 + 12345;
            /* mostly plain bytes, so that the first hit falls anywhere */
            s[i] = (char)((seed >> 16) % 9 ? 'x' : pool[(seed >> 8) % sizeof pool]);
        }
        size_t want = 0;
        while (want < n && s[want] != ',' && s[want] != '"' && s[want] != '\n' && s[want] != '\r')
            want++;
        bad += tp_span4(s, n, ',', '"', '\n', '\r') != want;
    }
    CHECK(bad == 0);
    CHECK(tp_span4("abcdefghijklmnop", 16, 'p', 'p', 'p', 'p') == 15);
    CHECK(tp_span4("abcdefgh", 8, 'z', 'y', 'x', 'w') == 8);
    CHECK(tp_span4("", 0, 'a', 'b', 'c', 'd') == 0);
}
