/*
 * Parquet file metadata: the footer (FileMetaData with its schema, row groups and column
 * chunks) and the page headers, decoded from and encoded to the Thrift compact protocol
 * (thrift.h). This is the one definition of those structures in tp: the reader
 * (pqread.h) decodes them and the writer (pqwrite.h) encodes them through the same
 * field tables.
 *
 * Field ids, enums and meanings: apache/parquet-format, src/main/thrift/parquet.thrift;
 * layout of a file (magic "PAR1", column chunks, footer, 4-byte little-endian footer
 * length, magic): its README.md. Only the fields tp uses are kept; every other field
 * is skipped on decode (forward compatible), so unknown fields never make a file
 * unreadable. Decoding checks what it reads (list sizes against the bytes left, nesting
 * depth, negative lengths and counts) before it allocates, so no allocation is sized
 * by an unchecked field.
 */
#ifndef TP_PQMETA_H
#define TP_PQMETA_H

#include "bytes.h"

#include <stddef.h>
#include <stdint.h>

/* Physical types (parquet.thrift enum Type). */
enum {
    TP_PQ_BOOLEAN = 0,
    TP_PQ_INT32 = 1,
    TP_PQ_INT64 = 2,
    TP_PQ_INT96 = 3,
    TP_PQ_FLOAT = 4,
    TP_PQ_DOUBLE = 5,
    TP_PQ_BYTE_ARRAY = 6,
    TP_PQ_FIXED_LEN_BYTE_ARRAY = 7
};

/* Converted types (enum ConvertedType); TP_PQ_CT_NONE when absent. */
enum {
    TP_PQ_CT_NONE = -1,
    TP_PQ_CT_UTF8 = 0,
    TP_PQ_CT_MAP = 1,
    TP_PQ_CT_MAP_KEY_VALUE = 2,
    TP_PQ_CT_LIST = 3,
    TP_PQ_CT_ENUM = 4,
    TP_PQ_CT_DECIMAL = 5,
    TP_PQ_CT_DATE = 6,
    TP_PQ_CT_TIME_MILLIS = 7,
    TP_PQ_CT_TIME_MICROS = 8,
    TP_PQ_CT_TIMESTAMP_MILLIS = 9,
    TP_PQ_CT_TIMESTAMP_MICROS = 10,
    TP_PQ_CT_UINT_8 = 11,
    TP_PQ_CT_UINT_16 = 12,
    TP_PQ_CT_UINT_32 = 13,
    TP_PQ_CT_UINT_64 = 14,
    TP_PQ_CT_INT_8 = 15,
    TP_PQ_CT_INT_16 = 16,
    TP_PQ_CT_INT_32 = 17,
    TP_PQ_CT_INT_64 = 18,
    TP_PQ_CT_JSON = 19,
    TP_PQ_CT_BSON = 20,
    TP_PQ_CT_INTERVAL = 21
};

/* Logical types (union LogicalType: the field id of the member set); 0 when absent. */
enum {
    TP_PQ_LT_NONE = 0,
    TP_PQ_LT_STRING = 1,
    TP_PQ_LT_MAP = 2,
    TP_PQ_LT_LIST = 3,
    TP_PQ_LT_ENUM = 4,
    TP_PQ_LT_DECIMAL = 5,
    TP_PQ_LT_DATE = 6,
    TP_PQ_LT_TIME = 7,
    TP_PQ_LT_TIMESTAMP = 8,
    TP_PQ_LT_INTEGER = 10,
    TP_PQ_LT_UNKNOWN = 11, /* NullType: always null */
    TP_PQ_LT_JSON = 12,
    TP_PQ_LT_BSON = 13,
    TP_PQ_LT_UUID = 14,
    TP_PQ_LT_FLOAT16 = 15
    /* any other member id is kept as is and treated as "no annotation" by the reader */
};

/* Time units (union TimeUnit). */
enum { TP_PQ_MILLIS = 1, TP_PQ_MICROS = 2, TP_PQ_NANOS = 3 };

/* Repetition (enum FieldRepetitionType); TP_PQ_REP_NONE when absent (the root). */
enum { TP_PQ_REP_NONE = -1, TP_PQ_REQUIRED = 0, TP_PQ_OPTIONAL = 1, TP_PQ_REPEATED = 2 };

/* Encodings (enum Encoding). */
enum {
    TP_PQ_PLAIN = 0,
    TP_PQ_PLAIN_DICTIONARY = 2,
    TP_PQ_RLE = 3,
    TP_PQ_BIT_PACKED = 4,
    TP_PQ_DELTA_BINARY_PACKED = 5,
    TP_PQ_DELTA_LENGTH_BYTE_ARRAY = 6,
    TP_PQ_DELTA_BYTE_ARRAY = 7,
    TP_PQ_RLE_DICTIONARY = 8,
    TP_PQ_BYTE_STREAM_SPLIT = 9
};

/* Page types (enum PageType). */
enum { TP_PQ_DATA_PAGE = 0, TP_PQ_INDEX_PAGE = 1, TP_PQ_DICTIONARY_PAGE = 2, TP_PQ_DATA_PAGE_V2 = 3 };

/* One SchemaElement. The schema is a depth-first list; element 0 is the root. */
typedef struct tp_pq_schema {
    char *name;           /* field 4 (required), malloc'd, NUL-terminated */
    int type;             /* field 1, TP_PQ_*; -1 for a group */
    int32_t type_length;  /* field 2, FIXED_LEN_BYTE_ARRAY width in bytes; 0 when absent */
    int repetition;       /* field 3, TP_PQ_REQUIRED..., TP_PQ_REP_NONE when absent */
    int32_t num_children; /* field 5; 0 for a leaf */
    int converted;        /* field 6, TP_PQ_CT_* */
    int32_t scale;        /* field 7; 0 when absent */
    int32_t precision;    /* field 8; 0 when absent */
    int logical;          /* field 10, TP_PQ_LT_* */
    /* members of the logical type: */
    int32_t lt_scale, lt_precision; /* DECIMAL */
    int lt_unit;                    /* TIME, TIMESTAMP: TP_PQ_MILLIS... */
    int lt_utc;                     /* TIME, TIMESTAMP: isAdjustedToUTC */
    int lt_bits;                    /* INTEGER: bitWidth (8, 16, 32, 64) */
    int lt_signed;                  /* INTEGER: isSigned */
} tp_pq_schema;

/*
 * Statistics (struct Statistics). Byte strings are PLAIN-encoded values without a length
 * prefix. In a decoded structure they point into a malloc'd copy owned by the structure.
 */
typedef struct tp_pq_stats {
    int has_null_count;
    int64_t null_count; /* field 3 */
    int has_min, has_max;
    const uint8_t *min, *max; /* fields 6 (min_value) and 5 (max_value) */
    size_t min_len, max_len;
    int has_nan_count;
    int64_t nan_count; /* field 9 */
} tp_pq_stats;

/* ColumnMetaData of one column chunk. */
typedef struct tp_pq_colmeta {
    int type;             /* field 1 */
    int *encodings;       /* field 2, malloc'd */
    size_t nencodings;
    char **path;          /* field 3, path_in_schema, malloc'd names */
    size_t npath;
    int codec;            /* field 4, TP_PQ_UNCOMPRESSED... (pqcodec.h) */
    int64_t num_values;   /* field 5 */
    int64_t total_uncompressed_size; /* field 6 */
    int64_t total_compressed_size;   /* field 7 */
    int64_t data_page_offset;        /* field 9 */
    int has_dictionary_page_offset;
    int64_t dictionary_page_offset;  /* field 11 */
    int has_stats;
    tp_pq_stats stats;               /* field 12 */
} tp_pq_colmeta;

/* ColumnChunk. */
typedef struct tp_pq_chunk {
    char *file_path;    /* field 1: data in another file (tp refuses it); NULL when absent */
    int64_t file_offset; /* field 2 */
    int has_meta;
    tp_pq_colmeta meta; /* field 3 */
    int encrypted;      /* field 8 (crypto_metadata) or 9 (encrypted_column_metadata) present */
} tp_pq_chunk;

/* RowGroup. */
typedef struct tp_pq_rowgroup {
    tp_pq_chunk *columns; /* field 1, one per leaf column, in schema order */
    size_t ncolumns;
    int64_t total_byte_size; /* field 2 */
    int64_t num_rows;        /* field 3 */
} tp_pq_rowgroup;

/* KeyValue. */
typedef struct tp_pq_kv {
    char *key;   /* field 1 */
    char *value; /* field 2, NULL when absent */
} tp_pq_kv;

/* FileMetaData. */
typedef struct tp_pq_meta {
    int32_t version; /* field 1 */
    tp_pq_schema *schema; /* field 2 */
    size_t nschema;
    int64_t num_rows; /* field 3 */
    tp_pq_rowgroup *row_groups; /* field 4 */
    size_t nrow_groups;
    tp_pq_kv *kv; /* field 5 */
    size_t nkv;
    char *created_by; /* field 6, NULL when absent */
    size_t ncolumn_orders; /* field 7: on encode, this many TypeDefinedOrder entries */
    int encrypted; /* field 8 (encryption_algorithm) present: an encrypted footer's plaintext mode */
} tp_pq_meta;

/*
 * Decode a FileMetaData from the n footer bytes at p. Returns 0 and fills *m (free with
 * tp_pq_meta_free, also after a failure), or -1 with a message recorded by tp_err
 * without a file name ("footer: truncated", "footer: list of 2000000000 elements in
 * 100 bytes", "footer: nested too deep"), for the caller to prefix.
 */
int tp_pq_meta_decode(const uint8_t *p, size_t n, tp_pq_meta *m);

/* Append the compact-protocol encoding of m to out. */
void tp_pq_meta_encode(const tp_pq_meta *m, tp_bytes *out);

/* Free what tp_pq_meta_decode allocated (the writer frees its own); *m is zeroed. */
void tp_pq_meta_free(tp_pq_meta *m);

/* PageHeader with its DataPageHeader, DictionaryPageHeader or DataPageHeaderV2. */
typedef struct tp_pq_page {
    int type;                       /* field 1, TP_PQ_DATA_PAGE... */
    int32_t uncompressed_page_size; /* field 2 */
    int32_t compressed_page_size;   /* field 3 */
    int has_crc;
    uint32_t crc; /* field 4: CRC-32 of the page's bytes as stored (after compression) */
    /* DATA_PAGE (field 5), DICTIONARY_PAGE (field 7), DATA_PAGE_V2 (field 8): */
    int32_t num_values;
    int encoding;
    int def_encoding, rep_encoding; /* v1 only */
    int32_t num_nulls, num_rows;    /* v2 only */
    int32_t def_len, rep_len;       /* v2 only: level byte lengths (never compressed) */
    int is_compressed;              /* v2 only; default 1 */
    int has_stats;
    tp_pq_stats stats; /* data pages, on encode only (decode skips page statistics) */
} tp_pq_page;

/*
 * Decode a page header from the n bytes at p. Returns the number of bytes it took (> 0),
 * 0 when the n bytes end inside the header (read more and call again), or -1 with a
 * message recorded ("page header: ..."). A header with a size or count below 0 is an
 * error here.
 */
long tp_pq_page_decode(const uint8_t *p, size_t n, tp_pq_page *h);

/* Append the encoding of h to out. */
void tp_pq_page_encode(const tp_pq_page *h, tp_bytes *out);

#endif
