/* parquet_page_read.h - decoding the pages of Parquet column chunks: page
 * headers (and their CRC when one is written), decompression, repetition
 * and definition levels, and the values in every encoding the format
 * defines, for `pyforge validate` (which checks every page of a file) and
 * the Delta checkpoint reader (which keeps the levels and values).
 *
 * Supported: dictionary pages, data pages v1 and v2, index pages
 * (skipped); values PLAIN, PLAIN_DICTIONARY / RLE_DICTIONARY, RLE
 * (booleans), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
 * DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT; levels RLE and BIT_PACKED; codecs
 * none, snappy, gzip (several members too), LZ4 (Hadoop framing or raw),
 * zstd, lz4_raw. BROTLI and LZO are PF_EUNSUPPORTED, naming the column.
 *
 * The pages are untrusted: every length is checked against the bytes
 * present and the limits below; corrupt data is PF_EPARSE with the column
 * and the page's file offset in the message. A pf__pqp_col is used by one
 * thread at a time.
 */
#ifndef PF_FORMATS_PARQUET_PAGE_READ_H
#define PF_FORMATS_PARQUET_PAGE_READ_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "formats/parquet/parquet_footer_read.h"

#define PF__PQP_MAX_PAGE ((size_t)256 << 20)   /* one uncompressed page     */
#define PF__PQP_MAX_LEVEL 255                  /* levels are kept as bytes  */

/* One non-null value, kept: integers, booleans and the bits of floats in
 * i; byte arrays (and INT96, FIXED_LEN_BYTE_ARRAY) as a range of the
 * column's arena. */
typedef struct pf__pqp_value {
  int64_t i;
  size_t off, len;
} pf__pqp_value;

typedef struct pf__pqp_col {
  /* set by pf__pqp_col_init; max_entries may be lowered after */
  int type;                   /* physical type                              */
  int type_length;            /* FIXED_LEN_BYTE_ARRAY bytes                 */
  int max_def, max_rep;       /* at most PF__PQP_MAX_LEVEL                  */
  int keep;                   /* 1: levels and values are kept below; 0:
                                 every page is decoded and checked only     */
  size_t max_entries;         /* limit on kept level entries                */
  /* kept (keep == 1), all chunks in order */
  size_t n;                   /* level entries                              */
  uint8_t *def, *rep;         /* n each                                     */
  size_t n_values;            /* entries with def == max_def                */
  pf__pqp_value *values;
  pf__buf arena;              /* byte array values                          */
  /* counted, all chunks */
  int64_t entries;            /* level entries                              */
  int64_t rows;               /* entries starting a row (rep == 0)          */
  int64_t nulls;              /* entries with def < max_def                 */
  int64_t data_pages, dict_pages, crc_pages; /* crc: pages whose CRC matched */
  uint32_t encodings;         /* bit e: a data page used encoding e         */
} pf__pqp_col;

/* keep: see above. max_entries starts at SIZE_MAX (keep) and the arena's
 * cap at 2 GiB; the caller may lower them. */
void pf__pqp_col_init(pf__pqp_col *c, int type, int type_length, int max_def, int max_rep,
                      int keep);
void pf__pqp_col_free(pf__pqp_col *c);

/* Where chunk ch's pages are in the file m describes (m->file_size set):
 * from the dictionary page when there is one; files of parquet-mr before
 * 1.2.9 get the room their writer forgot for the dictionary page header.
 * PF_EPARSE when outside the file. */
pf_status pf__pqp_chunk_range(const pf__pqr_meta *m, const pf__pqr_chunk *ch, uint64_t *start,
                              uint64_t *len, const char *name, pf_error *err);

/* Decodes every page of column chunk ch, whose bytes (from its first page)
 * are bytes[0..n) at file offset `offset`, into c. `name` (the column's
 * dotted path) is used in messages. */
pf_status pf__pqp_decode_chunk(pf__pqp_col *c, const uint8_t *bytes, size_t n, uint64_t offset,
                               const pf__pqr_chunk *ch, const char *name, pf_error *err);

#endif
