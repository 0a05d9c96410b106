/*
 * Parquet compression codecs (enum CompressionCodec in parquet.thrift; framing in
 * apache/parquet-format Compression.md), through Debian's libraries: libsnappy (C API),
 * zlib, libzstd, liblz4, libbrotli. LZO is not supported.
 *
 * LZ4 (codec 5) is the deprecated one whose framing writers disagree on: files written
 * by parquet-mr / Hadoop use the Hadoop framing (blocks of: 4-byte big-endian
 * uncompressed length, 4-byte big-endian compressed length, a raw LZ4 block); some old
 * Arrow writers used a raw LZ4 block or an LZ4 frame. Decompression tries the Hadoop
 * framing first, then a raw block, then a frame (as Compression.md advises), and accepts
 * the first that yields exactly the expected size. LZ4_RAW (codec 7) is a raw LZ4 block.
 * GZIP data may be several concatenated members.
 */
#ifndef TP_PQCODEC_H
#define TP_PQCODEC_H

#include "bytes.h"

#include <stddef.h>
#include <stdint.h>

enum {
    TP_PQ_UNCOMPRESSED = 0,
    TP_PQ_SNAPPY = 1,
    TP_PQ_GZIP = 2,
    TP_PQ_LZO = 3,
    TP_PQ_BROTLI = 4,
    TP_PQ_LZ4 = 5,
    TP_PQ_ZSTD = 6,
    TP_PQ_LZ4_RAW = 7
};

/* "UNCOMPRESSED", "SNAPPY", ... as in parquet.thrift, or NULL for an unknown id. */
const char *tp_pq_codec_name(int codec);

/*
 * Decompress the n bytes at src into exactly dst_len bytes at dst. Returns 0, or -1 with
 * a message recorded by tp_err without a file name: "SNAPPY: corrupt data",
 * "ZSTD: page decompresses to 100 bytes, header says 120", "codec LZO is not supported",
 * "unknown codec 9". Data that would decompress to more than dst_len bytes is an error,
 * never an overflow of dst.
 */
int tp_pq_decompress(int codec, const uint8_t *src, size_t n, uint8_t *dst, size_t dst_len);

/*
 * Compress the n bytes at src with codec (TP_PQ_UNCOMPRESSED, TP_PQ_SNAPPY, TP_PQ_GZIP,
 * TP_PQ_ZSTD) and append the result to out. The bytes depend only on the input (gzip:
 * level 6, no name, mtime 0; zstd: level 3, no checksum, content size in the frame).
 * Returns 0, or -1 with a message for any other codec or a library failure.
 */
int tp_pq_compress(int codec, const uint8_t *src, size_t n, tp_bytes *out);

#endif
