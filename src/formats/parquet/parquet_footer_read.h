/* parquet_footer_read.h - decoding a Parquet file's footer (FileMetaData)
 * into plain structs, for `pyforge info`, Delta checkpoints and for tests that check what the
 * writer produced.
 *
 * The footer is untrusted: the decoder is bounded (see thrift_compact.h),
 * checks that the schema is a tree and that every row group has one chunk
 * per leaf column, and fails with PF_EPARSE and a message naming what is
 * wrong. Strings and statistics point into the footer bytes the meta owns,
 * so they live as long as the pf__pqr_meta.
 */
#ifndef PF_FORMATS_PARQUET_FOOTER_READ_H
#define PF_FORMATS_PARQUET_FOOTER_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

/* A byte string inside the footer (not NUL-terminated). */
typedef struct pf__pqr_bytes {
  const uint8_t *p;
  size_t n;
} pf__pqr_bytes;

typedef struct pf__pqr_stats {
  int has_null_count;
  int64_t null_count;
  int has_min, has_max;       /* min_value / max_value (or legacy min/max) */
  pf__pqr_bytes min, max;
  int min_exact, max_exact;   /* 1 exact, 0 a bound, -1 not said           */
  int legacy;                 /* 1: taken from the deprecated min/max      */
  int has_nan_count;
  int64_t nan_count;
  int has_distinct;
  int64_t distinct_count;
} pf__pqr_stats;

typedef struct pf__pqr_chunk {
  int has_meta;               /* ColumnMetaData present                    */
  int type;                   /* physical type                             */
  int codec;                  /* CompressionCodec                          */
  uint32_t encodings;         /* bit e set: Encoding e listed (e < 32)     */
  int64_t num_values;
  int64_t total_uncompressed_size;
  int64_t total_compressed_size;
  int64_t data_page_offset;
  int64_t dictionary_page_offset; /* -1 when absent                        */
  int has_stats;
  pf__pqr_stats stats;
  int encrypted;              /* crypto metadata: the pages are encrypted
                                 (believed when the file says encryption)  */
} pf__pqr_chunk;

typedef struct pf__pqr_row_group {
  int64_t num_rows;
  int64_t total_byte_size;
  int64_t total_compressed_size; /* -1 when absent: sum of the chunks      */
  int64_t file_offset;           /* -1 when absent                         */
  size_t n_chunks;
  pf__pqr_chunk *chunks;
} pf__pqr_row_group;

/* LogicalType union member ids (parquet.thrift), 0 = none. */
enum {
  PF__PQR_LT_STRING = 1, PF__PQR_LT_MAP = 2, PF__PQR_LT_LIST = 3,
  PF__PQR_LT_ENUM = 4, PF__PQR_LT_DECIMAL = 5, PF__PQR_LT_DATE = 6,
  PF__PQR_LT_TIME = 7, PF__PQR_LT_TIMESTAMP = 8, PF__PQR_LT_INTEGER = 10,
  PF__PQR_LT_UNKNOWN = 11, PF__PQR_LT_JSON = 12, PF__PQR_LT_BSON = 13,
  PF__PQR_LT_UUID = 14, PF__PQR_LT_FLOAT16 = 15
};

typedef struct pf__pqr_element {
  pf__pqr_bytes name;
  int type;                   /* physical type, -1 for groups              */
  int type_length;            /* -1 when absent                            */
  int repetition;             /* 0 required, 1 optional, 2 repeated; -1    */
  int num_children;           /* -1 for leaves                             */
  int converted_type;         /* -1 when absent                            */
  int scale, precision;       /* -1 when absent                            */
  int logical;                /* PF__PQR_LT_*, 0 when absent               */
  int lt_utc;                 /* TIME/TIMESTAMP isAdjustedToUTC            */
  int lt_unit;                /* 1 millis, 2 micros, 3 nanos; 0 unknown    */
  int lt_scale, lt_precision; /* DECIMAL                                   */
  int lt_bits, lt_signed;     /* INTEGER                                   */
} pf__pqr_element;

typedef struct pf__pqr_meta {
  uint8_t *footer;            /* owned: the FileMetaData bytes             */
  size_t footer_len;
  int32_t version;
  int64_t num_rows;
  size_t n_elements;          /* schema, depth-first, [0] is the root      */
  pf__pqr_element *elements;
  size_t n_leaves;
  size_t *leaf_elements;      /* element index of each leaf column         */
  size_t n_row_groups;
  pf__pqr_row_group *row_groups;
  int has_created_by;
  pf__pqr_bytes created_by;
  size_t n_column_orders;
  size_t n_key_values;
  int encrypted;              /* encryption_algorithm: plaintext footer     */
  uint64_t file_size;         /* set by pf__pqr_read_file                  */
} pf__pqr_meta;

/* Decodes a FileMetaData. Takes ownership of footer (malloc'ed, n bytes)
 * whatever the result; m is zeroed first and freed on failure. */
pf_status pf__pqr_parse(uint8_t *footer, size_t n, pf__pqr_meta *m,
                        pf_error *err);
/* Reads path's footer ("PAR1" at both ends, length before the trailing
 * magic) and decodes it. Errors: PF_ENOTFOUND, PF_EINPUT (unreadable),
 * PF_EPARSE (not Parquet or a corrupt footer), PF_EUNSUPPORTED (encrypted
 * footer), PF_ELIMIT (a footer past 512 MiB). */
pf_status pf__pqr_read_file(const char *path, pf__pqr_meta *m, pf_error *err);
/* The same from an open regular file (not closed, offset not moved); path
 * names it in errors. */
pf_status pf__pqr_read_fd(int fd, const char *path, pf__pqr_meta *m, pf_error *err);
void pf__pqr_meta_free(pf__pqr_meta *m);

/* Display names: "INT64", "SNAPPY", "RLE_DICTIONARY"; "?" when unknown. */
const char *pf__pqr_type_name(int type);
const char *pf__pqr_codec_name(int codec);
const char *pf__pqr_encoding_name(int encoding);

#endif
