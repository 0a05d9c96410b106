/*
 * Parquet page codecs over the system compression libraries (see pqcodec.h). Every
 * decompressor writes into a fixed buffer of the size the page header announces and
 * treats any other size as an error: streaming decoders get a one-byte scratch buffer
 * once dst is full, so that data that would go on is detected without writing past dst.
 * The library calls take int or unsigned int sizes in places; sizes that do not fit are
 * refused (LZ4) or fed in pieces (zlib) rather than truncated.
 */
#include "pqcodec.h"

#include "err.h"

#include <brotli/decode.h>
#include <limits.h>
#include <string.h>
#include <lz4.h>
#include <lz4frame.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

static const char *const names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                    "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};

const char *
tp_pq_codec_name(int codec)
{
    if (codec < 0 || codec >= (int)(sizeof names / sizeof names[0]))
        return NULL;
    return names[codec];
}

static int
size_mismatch(const char *codec, size_t got, size_t want)
{
    tp_err(NULL, 0, "%s: page decompresses to %zu bytes, header says %zu", codec, got, want);
    return -1;
}

static int
too_big(const char *codec, size_t want)
{
    tp_err(NULL, 0, "%s: page decompresses to more than the %zu bytes the header says", codec,
           want);
    return -1;
}

static int
corrupt(const char *codec)
{
    tp_err(NULL, 0, "%s: corrupt data", codec);
    return -1;
}

static int
snappy_dec(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len)
{
    size_t len;
    if (snappy_uncompressed_length((const char *)src, n, &len) != SNAPPY_OK)
        return corrupt("SNAPPY");
    if (len != dst_len)
        return size_mismatch("SNAPPY", len, dst_len);
    /* the stream's own length was checked equal to dst_len: snappy bounds its writes by it */
    char scratch;
    if (snappy_uncompress((const char *)src, n, dst_len ? (char *)dst : &scratch, &len) !=
            SNAPPY_OK ||
        len != dst_len)
        return corrupt("SNAPPY");
    return 0;
}

static int
gzip_dec(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* 15 + 32: a gzip or a zlib header, detected from the first bytes */
    if (inflateInit2(&zs, 15 + 32) != Z_OK)
        return corrupt("GZIP");
    size_t in = 0, out = 0; /* bytes of src consumed, of dst produced */
    uint8_t scratch;
    int ret = -1;
    for (;;) {
        size_t in_left = n - in, out_left = dst_len - out;
        zs.next_in = (Bytef *)(src + in);
        zs.avail_in = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
        if (out_left) {
            zs.next_out = dst + out;
            zs.avail_out = out_left > UINT_MAX ? UINT_MAX : (uInt)out_left;
        } else {
            zs.next_out = &scratch;
            zs.avail_out = 1;
        }
        uInt avail_in = zs.avail_in, avail_out = zs.avail_out;
        int z = inflate(&zs, Z_NO_FLUSH);
        in += avail_in - zs.avail_in;
        if (!out_left && zs.avail_out == 0) {
            too_big("GZIP", dst_len);
            break;
        }
        out += avail_out - zs.avail_out;
        if (z == Z_STREAM_END) {
            if (in == n) {
                ret = out == dst_len ? 0 : size_mismatch("GZIP", out, dst_len);
                break;
            }
            /* another gzip member follows (gzip -c a b > ab makes such files) */
            if (inflateReset(&zs) != Z_OK) {
                corrupt("GZIP");
                break;
            }
            continue;
        }
        if (z == Z_BUF_ERROR && in == n) {
            tp_err(NULL, 0, "GZIP: data ends early (%zu bytes decompressed, header says %zu)", out,
                   dst_len);
            break;
        }
        if (z != Z_OK) { /* a Z_BUF_ERROR with input and room left makes no progress */
            corrupt("GZIP");
            break;
        }
    }
    inflateEnd(&zs);
    return ret;
}

static int
zstd_dec(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len)
{
    /* The frames' declared content sizes, where all are known, give the better message
     * for a wrong size (and spare the decoding). */
    unsigned long long declared = 0;
    int known = 1;
    for (size_t pos = 0; pos < n;) {
        size_t fsize = ZSTD_findFrameCompressedSize(src + pos, n - pos);
        if (ZSTD_isError(fsize)) {
            tp_err(NULL, 0, "ZSTD: corrupt data (%s)", ZSTD_getErrorName(fsize));
            return -1;
        }
        unsigned long long c = ZSTD_getFrameContentSize(src + pos, fsize);
        if (c == ZSTD_CONTENTSIZE_ERROR)
            return corrupt("ZSTD");
        if (c == ZSTD_CONTENTSIZE_UNKNOWN)
            known = 0;
        else if (declared + c < declared)
            return corrupt("ZSTD");
        else
            declared += c;
        pos += fsize;
    }
    if (known && declared != dst_len) {
        tp_err(NULL, 0, "ZSTD: page decompresses to %llu bytes, header says %zu", declared,
               dst_len);
        return -1;
    }
    uint8_t scratch;
    /* ZSTD_decompress decodes every frame in turn and skips skippable frames */
    size_t r = ZSTD_decompress(dst_len ? dst : &scratch, dst_len, src, n);
    if (ZSTD_isError(r)) {
        if (ZSTD_getErrorCode(r) == ZSTD_error_dstSize_tooSmall)
            return too_big("ZSTD", dst_len);
        tp_err(NULL, 0, "ZSTD: corrupt data (%s)", ZSTD_getErrorName(r));
        return -1;
    }
    return r == dst_len ? 0 : size_mismatch("ZSTD", r, dst_len);
}

static uint32_t
be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Hadoop's BlockCompressorStream framing: blocks of <uncompressed length> followed by
 * chunks of <compressed length> <raw LZ4 block> until the block's length is produced
 * (one chunk per block in what parquet-mr and Arrow write). Returns 0 only when the
 * whole input parses and yields exactly dst_len bytes.
 */
static int
lz4_hadoop(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len)
{
    size_t in = 0, out = 0;
    while (in < n) {
        if (n - in < 4)
            return -1;
        uint32_t ulen = be32(src + in);
        in += 4;
        if (ulen > dst_len - out)
            return -1;
        if (ulen == 0 && in == n)
            break;
        size_t done = 0;
        do {
            if (n - in < 4)
                return -1;
            uint32_t clen = be32(src + in);
            in += 4;
            if (clen > n - in || clen > INT_MAX)
                return -1;
            int r = LZ4_decompress_safe((const char *)src + in, (char *)dst + out + done, (int)clen,
                                        (int)(ulen - done));
            if (r < 0 || (r == 0 && ulen > done))
                return -1;
            done += (size_t)r;
            in += clen;
        } while (done < ulen);
        out += ulen;
    }
    return out == dst_len ? 0 : -1;
}

/* One or more LZ4 frames; 0 only for exactly dst_len bytes. */
static int
lz4_frame(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len)
{
    LZ4F_dctx *dctx;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
        return -1;
    size_t in = 0, out = 0;
    uint8_t scratch;
    int ret = -1;
    for (;;) {
        size_t out_left = dst_len - out, src_size = n - in;
        size_t dst_size = out_left ? out_left : 1;
        size_t r = LZ4F_decompress(dctx, out_left ? dst + out : &scratch, &dst_size, src + in,
                                   &src_size, NULL);
        if (LZ4F_isError(r))
            break;
        if (!out_left && dst_size)
            break; /* more than dst_len */
        in += src_size;
        out += dst_size;
        if (r == 0 && in == n) {
            ret = out == dst_len ? 0 : -1;
            break;
        }
        if (src_size == 0 && dst_size == 0)
            break; /* truncated: no progress possible */
    }
    LZ4F_freeDecompressionContext(dctx);
    return ret;
}

static int
lz4_dec(int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len)
{
    if (n > INT_MAX || dst_len > INT_MAX) {
        tp_err(NULL, 0, "%s: page of %zu bytes (%zu decompressed) is too big for liblz4",
               names[codec], n, dst_len);
        return -1;
    }
    char scratch;
    char *d = dst_len ? (char *)dst : &scratch;
    if (codec == TP_PQ_LZ4_RAW) {
        int r = LZ4_decompress_safe((const char *)src, d, (int)n, (int)dst_len);
        if (r < 0) {
            tp_err(NULL, 0, "LZ4_RAW: corrupt data, or more than the %zu bytes the header says",
                   dst_len);
            return -1;
        }
        return (size_t)r == dst_len ? 0 : size_mismatch("LZ4_RAW", (size_t)r, dst_len);
    }
    /* the order Compression.md advises: Hadoop framing, raw block, frame */
    if (lz4_hadoop(src, n, dst, dst_len) == 0)
        return 0;
    if (LZ4_decompress_safe((const char *)src, d, (int)n, (int)dst_len) == (int)dst_len)
        return 0;
    if (lz4_frame(src, n, dst, dst_len) == 0)
        return 0;
    tp_err(NULL, 0,
           "LZ4: corrupt data (neither Hadoop framing, a raw block nor a frame of %zu bytes)",
           dst_len);
    return -1;
}

static int
brotli_dec(const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    if (!s) {
        tp_err(NULL, 0, "BROTLI: out of memory");
        return -1;
    }
    const uint8_t *next_in = src;
    size_t avail_in = n, out = 0;
    uint8_t scratch;
    int ret = -1;
    for (;;) {
        size_t out_left = dst_len - out;
        uint8_t *next_out = out_left ? dst + out : &scratch;
        size_t avail_out = out_left ? out_left : 1;
        BrotliDecoderResult r =
            BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
        if (!out_left && avail_out == 0) {
            too_big("BROTLI", dst_len);
            break;
        }
        out += (out_left ? out_left : 1) - avail_out;
        if (r == BROTLI_DECODER_RESULT_SUCCESS) {
            if (avail_in)
                tp_err(NULL, 0, "BROTLI: %zu bytes after the end of the stream", avail_in);
            else
                ret = out == dst_len ? 0 : size_mismatch("BROTLI", out, dst_len);
            break;
        }
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) {
            tp_err(NULL, 0, "BROTLI: data ends early (%zu bytes decompressed, header says %zu)",
                   out, dst_len);
            break;
        }
        if (r == BROTLI_DECODER_RESULT_ERROR) {
            tp_err(NULL, 0, "BROTLI: corrupt data (%s)",
                   BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s)));
            break;
        }
        /* NEEDS_MORE_OUTPUT: go round, with the scratch byte once dst is full */
    }
    BrotliDecoderDestroyInstance(s);
    return ret;
}

int
tp_pq_decompress(int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len)
{
    switch (codec) {
    case TP_PQ_UNCOMPRESSED:
        if (n != dst_len)
            return size_mismatch("UNCOMPRESSED", n, dst_len);
        if (n)
            memcpy(dst, src, n);
        return 0;
    case TP_PQ_LZO:
        tp_err(NULL, 0, "codec LZO is not supported");
        return -1;
    case TP_PQ_SNAPPY:
    case TP_PQ_GZIP:
    case TP_PQ_BROTLI:
    case TP_PQ_LZ4:
    case TP_PQ_ZSTD:
    case TP_PQ_LZ4_RAW:
        break;
    default:
        tp_err(NULL, 0, "unknown codec %d", codec);
        return -1;
    }
    /* an empty page may be stored as no bytes at all, whatever the codec */
    if (n == 0 && dst_len == 0)
        return 0;
    switch (codec) {
    case TP_PQ_SNAPPY:
        return snappy_dec(src, n, dst, dst_len);
    case TP_PQ_GZIP:
        return gzip_dec(src, n, dst, dst_len);
    case TP_PQ_BROTLI:
        return brotli_dec(src, n, dst, dst_len);
    case TP_PQ_ZSTD:
        return zstd_dec(src, n, dst, dst_len);
    default:
        return lz4_dec(codec, src, n, dst, dst_len);
    }
}

static int
gzip_enc(const uint8_t *src, size_t n, tp_bytes *out)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    /* windowBits 31: gzip wrapper; zlib's default gzip header has no name and mtime 0 */
    if (deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        tp_err(NULL, 0, "GZIP: cannot initialize zlib");
        return -1;
    }
    size_t in = 0;
    for (;;) {
        size_t in_left = n - in;
        uInt chunk = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
        size_t room = (size_t)deflateBound(&zs, chunk) + 64;
        if (room > UINT_MAX)
            room = UINT_MAX;
        zs.next_in = (Bytef *)(src + in);
        zs.avail_in = chunk;
        zs.next_out = tp_bytes_reserve(out, room);
        zs.avail_out = (uInt)room;
        int z = deflate(&zs, chunk == in_left ? Z_FINISH : Z_NO_FLUSH);
        in += chunk - zs.avail_in;
        out->len += room - zs.avail_out;
        if (z == Z_STREAM_END)
            break;
        if (z != Z_OK && z != Z_BUF_ERROR) {
            deflateEnd(&zs);
            tp_err(NULL, 0, "GZIP: compression failed");
            return -1;
        }
    }
    deflateEnd(&zs);
    return 0;
}

int
tp_pq_compress(int codec, const uint8_t *src, size_t n, tp_bytes *out)
{
    switch (codec) {
    case TP_PQ_UNCOMPRESSED:
        tp_bytes_put(out, src, n);
        return 0;
    case TP_PQ_SNAPPY: {
        size_t len = snappy_max_compressed_length(n);
        char *d = (char *)tp_bytes_reserve(out, len);
        if (snappy_compress((const char *)src, n, d, &len) != SNAPPY_OK) {
            tp_err(NULL, 0, "SNAPPY: compression failed");
            return -1;
        }
        out->len += len;
        return 0;
    }
    case TP_PQ_GZIP:
        return gzip_enc(src, n, out);
    case TP_PQ_ZSTD: {
        size_t bound = ZSTD_compressBound(n);
        if (ZSTD_isError(bound) || bound == 0) {
            tp_err(NULL, 0, "ZSTD: %zu bytes are too many for one frame", n);
            return -1;
        }
        uint8_t *d = tp_bytes_reserve(out, bound);
        /* the simple API: level 3, content size in the frame header, no checksum */
        size_t r = ZSTD_compress(d, bound, n ? src : (const uint8_t *)"", n, 3);
        if (ZSTD_isError(r)) {
            tp_err(NULL, 0, "ZSTD: compression failed (%s)", ZSTD_getErrorName(r));
            return -1;
        }
        out->len += r;
        return 0;
    }
    default:
        if (tp_pq_codec_name(codec))
            tp_err(NULL, 0, "codec %s is not supported for writing", tp_pq_codec_name(codec));
        else
            tp_err(NULL, 0, "unknown codec %d", codec);
        return -1;
    }
}
