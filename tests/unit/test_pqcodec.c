/*
 * Parquet codecs: round trips through every codec tp writes, the LZ4 framings and
 * concatenated gzip members and zstd frames as other writers produce them, a brotli
 * stream made by libbrotlienc (hard-coded: only the decoder is linked), and the errors:
 * wrong sizes both ways, truncation at every length, garbage. Destination buffers are
 * allocated at exactly the size given, so that a write past dst shows under ASan.
 */
#include "err.h"
#include "pqcodec.h"
#include "unit.h"

#include <lz4.h>
#include <lz4frame.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

/* 76 bytes of text, compressed by BrotliEncoderCompress (quality 11, window 22). */
static const char brotli_text[] =
    "Parquet page, Parquet page, Parquet page: brotli test 0123456789 0123456789\n";
static const uint8_t brotli_data[] = {
    0x1b, 0x4b, 0x00, 0xf8, 0x65, 0xb7, 0x61, 0x5f, 0x49, 0x0b, 0xf1, 0xf9, 0x4b, 0x32,
    0x54, 0x05, 0x83, 0x20, 0x88, 0x63, 0xc2, 0x06, 0x1c, 0xb8, 0x67, 0x18, 0xc6, 0x03,
    0xc3, 0x2d, 0xc0, 0x03, 0xed, 0xa8, 0xc4, 0x7d, 0xd8, 0xfb, 0xcb, 0xd7, 0xc3, 0x68,
    0x1a, 0x4e, 0xbb, 0x7e, 0x76, 0x9d, 0x93, 0x58, 0x34, 0xc4, 0x94, 0x4b, 0x05, 0x00};

/* Decompress into a buffer of exactly dst_len bytes; compare with want when it works. */
static int
dec(int codec, const uint8_t *src, size_t n, size_t dst_len, const uint8_t *want)
{
    uint8_t *dst = malloc(dst_len ? dst_len : 1);
    int r = tp_pq_decompress(codec, src, n, dst, dst_len);
    if (r == 0 && want && memcmp(dst, want, dst_len) != 0)
        r = -2;
    free(dst);
    return r;
}

/* Text-like data with repeats and noise, so that every codec has something to find. */
static uint8_t *
sample(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245 + 12345;
        p[i] = (x >> 24) % 4 == 0 ? (uint8_t)(x >> 16) : (uint8_t)("parquet,"[i % 8]);
    }
    return p;
}

/* The checks every encoded page must pass: exact size works, one byte less or more
 * fails, every truncation fails, and nothing is written past dst. */
static void
check_page(int codec, const uint8_t *c, size_t clen, const uint8_t *raw, size_t rawlen)
{
    CHECK(dec(codec, c, clen, rawlen, raw) == 0);
    if (rawlen)
        CHECK(dec(codec, c, clen, rawlen - 1, NULL) == -1);
    CHECK(dec(codec, c, clen, rawlen + 1, NULL) == -1);
    CHECK(dec(codec, c, clen, rawlen + 1000, NULL) == -1);
    int bad = 0;
    for (size_t k = rawlen ? 0 : 1; k < clen; k++) { /* no bytes at all: an empty page */
        uint8_t *t = malloc(k ? k : 1);
        memcpy(t, c, k);
        bad += dec(codec, t, k, rawlen, NULL) != -1;
        free(t);
    }
    CHECK(bad == 0);
}

static void
round_trips(void)
{
    static const int codecs[] = {TP_PQ_UNCOMPRESSED, TP_PQ_SNAPPY, TP_PQ_GZIP, TP_PQ_ZSTD};
    static const size_t sizes[] = {0, 1, 5, 1000, 1 << 20};
    for (size_t ci = 0; ci < 4; ci++) {
        for (size_t si = 0; si < 5; si++) {
            int codec = codecs[ci];
            size_t n = sizes[si];
            uint8_t *raw = sample(n);
            tp_bytes a = {0}, b = {0};
            tp_bytes_byte(&a, 0xee); /* appends after what is there */
            CHECK(tp_pq_compress(codec, raw, n, &a) == 0);
            CHECK(tp_pq_compress(codec, raw, n, &b) == 0);
            CHECK(a.len == b.len + 1 && a.p[0] == 0xee && (!b.len || !memcmp(a.p + 1, b.p, b.len)));
            if (n == 1 << 20 && codec != TP_PQ_UNCOMPRESSED)
                CHECK(b.len < n * 3 / 4);
            if (n <= 1000)
                check_page(codec, b.p, b.len, raw, n);
            else
                CHECK(dec(codec, b.p, b.len, n, raw) == 0);
            if (codec == TP_PQ_GZIP) /* the gzip header: no flags, mtime 0 */
                CHECK(b.len > 10 && b.p[0] == 0x1f && b.p[1] == 0x8b && b.p[3] == 0 &&
                      b.p[4] == 0 && b.p[5] == 0 && b.p[6] == 0 && b.p[7] == 0);
            if (codec == TP_PQ_ZSTD && n)
                CHECK(ZSTD_getFrameContentSize(b.p, b.len) == n);
            tp_bytes_free(&a);
            tp_bytes_free(&b);
            free(raw);
        }
    }
}

static void
put_be32(tp_bytes *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    tp_bytes_put(b, x, 4);
}

/* A raw LZ4 block of p[0..n) appended to out; returns its length. */
static size_t
lz4_block(tp_bytes *out, const uint8_t *p, size_t n)
{
    int cap = LZ4_compressBound((int)n);
    char *d = (char *)tp_bytes_reserve(out, (size_t)cap);
    int r = LZ4_compress_default((const char *)p, d, (int)n, cap);
    out->len += (size_t)r;
    return (size_t)r;
}

static void
lz4_framings(void)
{
    size_t n = 3000;
    uint8_t *raw = sample(n);

    /* raw block: LZ4_RAW, and LZ4 through the fallback */
    tp_bytes b = {0};
    lz4_block(&b, raw, n);
    check_page(TP_PQ_LZ4_RAW, b.p, b.len, raw, n);
    check_page(TP_PQ_LZ4, b.p, b.len, raw, n);
    tp_bytes_free(&b);

    /* Hadoop framing, one chunk per block, two blocks */
    size_t half = 1234;
    tp_bytes blk = {0};
    for (int i = 0; i < 2; i++) {
        const uint8_t *s = i ? raw + half : raw;
        size_t len = i ? n - half : half;
        blk.len = 0;
        lz4_block(&blk, s, len);
        put_be32(&b, (uint32_t)len);
        put_be32(&b, (uint32_t)blk.len);
        tp_bytes_put(&b, blk.p, blk.len);
    }
    check_page(TP_PQ_LZ4, b.p, b.len, raw, n);
    CHECK(dec(TP_PQ_LZ4_RAW, b.p, b.len, n, NULL) == -1);
    tp_bytes_free(&b);

    /* Hadoop framing, one block of two chunks (BlockCompressorStream's general form) */
    put_be32(&b, (uint32_t)n);
    for (int i = 0; i < 2; i++) {
        blk.len = 0;
        lz4_block(&blk, i ? raw + half : raw, i ? n - half : half);
        put_be32(&b, (uint32_t)blk.len);
        tp_bytes_put(&b, blk.p, blk.len);
    }
    CHECK(dec(TP_PQ_LZ4, b.p, b.len, n, raw) == 0);
    tp_bytes_free(&b);

    /* an empty page as Arrow frames it: lengths 0 and 1, and the one-byte empty block */
    static const uint8_t empty[] = {0, 0, 0, 0, 0, 0, 0, 1, 0};
    CHECK(dec(TP_PQ_LZ4, empty, sizeof empty, 0, NULL) == 0);

    /* LZ4 frames, alone and two in a row */
    size_t cap = LZ4F_compressFrameBound(n, NULL);
    uint8_t *f = tp_bytes_reserve(&b, 2 * cap);
    size_t f1 = LZ4F_compressFrame(f, cap, raw, half, NULL);
    size_t f2 = LZ4F_compressFrame(f + f1, cap, raw + half, n - half, NULL);
    CHECK(!LZ4F_isError(f1) && !LZ4F_isError(f2));
    b.len = f1 + f2;
    CHECK(dec(TP_PQ_LZ4, b.p, b.len, n, raw) == 0);
    CHECK(dec(TP_PQ_LZ4, b.p, f1, half, raw) == 0);
    CHECK(dec(TP_PQ_LZ4, b.p, b.len, n - 1, NULL) == -1);
    CHECK(dec(TP_PQ_LZ4, b.p, b.len, n + 1, NULL) == -1);
    int bad = 0;
    for (size_t k = 0; k < b.len; k++)
        bad += dec(TP_PQ_LZ4, b.p, k, n, NULL) != -1;
    CHECK(bad == 0);
    CHECK(strstr(tp_errmsg(), "LZ4: corrupt data") != NULL);
    tp_bytes_free(&b);
    tp_bytes_free(&blk);
    free(raw);
}

static void
gzip_members(void)
{
    size_t n = 5000, half = 1700;
    uint8_t *raw = sample(n);
    tp_bytes b = {0};
    CHECK(tp_pq_compress(TP_PQ_GZIP, raw, half, &b) == 0);
    size_t first = b.len;
    CHECK(tp_pq_compress(TP_PQ_GZIP, raw + half, n - half, &b) == 0);
    CHECK(dec(TP_PQ_GZIP, b.p, b.len, n, raw) == 0);
    CHECK(dec(TP_PQ_GZIP, b.p, first, half, raw) == 0);
    CHECK(dec(TP_PQ_GZIP, b.p, b.len, half, NULL) == -1);
    CHECK(dec(TP_PQ_GZIP, b.p, b.len, n + 1, NULL) == -1);
    tp_bytes_byte(&b, 0x1f); /* trailing garbage */
    CHECK(dec(TP_PQ_GZIP, b.p, b.len, n, NULL) == -1);
    tp_bytes_free(&b);

    /* a zlib stream is accepted as well (windowBits 15 + 32) */
    uLongf zl = compressBound(n);
    uint8_t *z = malloc(zl);
    CHECK(compress2(z, &zl, raw, n, 6) == Z_OK);
    CHECK(dec(TP_PQ_GZIP, z, zl, n, raw) == 0);
    free(z);
    free(raw);
}

static void
zstd_frames(void)
{
    size_t n = 4000, half = 999;
    uint8_t *raw = sample(n);
    tp_bytes b = {0};
    CHECK(tp_pq_compress(TP_PQ_ZSTD, raw, half, &b) == 0);
    CHECK(tp_pq_compress(TP_PQ_ZSTD, raw + half, n - half, &b) == 0);
    CHECK(dec(TP_PQ_ZSTD, b.p, b.len, n, raw) == 0);
    CHECK(dec(TP_PQ_ZSTD, b.p, b.len, n - 1, NULL) == -1);
    tp_bytes_free(&b);

    /* the message for a size that disagrees with the frame header */
    CHECK(tp_pq_compress(TP_PQ_ZSTD, raw, 100, &b) == 0);
    CHECK(dec(TP_PQ_ZSTD, b.p, b.len, 120, NULL) == -1);
    CHECK(strcmp(tp_errmsg(), "ZSTD: page decompresses to 100 bytes, header says 120") == 0);
    tp_bytes_free(&b);

    /* a frame without its content size (streaming writers) */
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 0);
    ZSTD_outBuffer ob = {tp_bytes_reserve(&b, ZSTD_compressBound(n)), ZSTD_compressBound(n), 0};
    ZSTD_inBuffer ib = {raw, n, 0};
    CHECK(ZSTD_compressStream2(cc, &ob, &ib, ZSTD_e_end) == 0);
    ZSTD_freeCCtx(cc);
    b.len = ob.pos;
    CHECK(ZSTD_getFrameContentSize(b.p, b.len) == ZSTD_CONTENTSIZE_UNKNOWN);
    check_page(TP_PQ_ZSTD, b.p, b.len, raw, n);
    CHECK(dec(TP_PQ_ZSTD, b.p, b.len, 1, NULL) == -1);
    tp_bytes_free(&b);
    free(raw);
}

static void
brotli(void)
{
    size_t n = strlen(brotli_text);
    check_page(TP_PQ_BROTLI, brotli_data, sizeof brotli_data, (const uint8_t *)brotli_text, n);
    uint8_t junk[sizeof brotli_data + 1];
    memcpy(junk, brotli_data, sizeof brotli_data);
    junk[sizeof brotli_data] = 0;
    CHECK(dec(TP_PQ_BROTLI, junk, sizeof junk, n, NULL) == -1);
}

static void
errors(void)
{
    static const uint8_t garbage[] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x11, 0x22, 0x33,
                                      0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x01};
    for (int codec = 1; codec <= 7; codec++)
        for (size_t k = 0; k <= sizeof garbage; k++)
            CHECK(dec(codec, garbage, k, 64, NULL) == -1);
    CHECK(dec(TP_PQ_SNAPPY, garbage, sizeof garbage, 64, NULL) == -1);
    CHECK(strstr(tp_errmsg(), "SNAPPY: page decompresses to ") != NULL);
    static const uint8_t bad_snappy[] = {0x40, 0xf0, 0x00, 0x01}; /* 64 bytes, then junk */
    CHECK(dec(TP_PQ_SNAPPY, bad_snappy, sizeof bad_snappy, 64, NULL) == -1);
    CHECK(strcmp(tp_errmsg(), "SNAPPY: corrupt data") == 0);
    CHECK(dec(TP_PQ_LZO, garbage, 4, 4, NULL) == -1);
    CHECK(strcmp(tp_errmsg(), "codec LZO is not supported") == 0);
    CHECK(dec(9, garbage, 4, 4, NULL) == -1);
    CHECK(strcmp(tp_errmsg(), "unknown codec 9") == 0);
    CHECK(dec(-1, garbage, 4, 4, NULL) == -1);
    CHECK(dec(TP_PQ_UNCOMPRESSED, garbage, 4, 5, NULL) == -1);
    CHECK(dec(TP_PQ_UNCOMPRESSED, garbage, 4, 4, garbage) == 0);
    /* an empty page may be no bytes, whatever the codec */
    for (int codec = 0; codec <= 7; codec++)
        if (codec != TP_PQ_LZO)
            CHECK(dec(codec, garbage, 0, 0, NULL) == 0);
    tp_bytes b = {0};
    CHECK(tp_pq_compress(TP_PQ_LZ4, garbage, 4, &b) == -1);
    CHECK(strcmp(tp_errmsg(), "codec LZ4 is not supported for writing") == 0);
    CHECK(tp_pq_compress(TP_PQ_BROTLI, garbage, 4, &b) == -1);
    CHECK(tp_pq_compress(42, garbage, 4, &b) == -1);
    CHECK(strcmp(tp_errmsg(), "unknown codec 42") == 0);
    CHECK(b.len == 0);
    tp_bytes_free(&b);
}

void
test_pqcodec(void)
{
    CHECK(strcmp(tp_pq_codec_name(TP_PQ_UNCOMPRESSED), "UNCOMPRESSED") == 0);
    CHECK(strcmp(tp_pq_codec_name(TP_PQ_LZ4_RAW), "LZ4_RAW") == 0);
    CHECK(strcmp(tp_pq_codec_name(TP_PQ_ZSTD), "ZSTD") == 0);
    CHECK(tp_pq_codec_name(8) == NULL && tp_pq_codec_name(-1) == NULL);
    round_trips();
    lz4_framings();
    gzip_members();
    zstd_frames();
    brotli();
    errors();
}
