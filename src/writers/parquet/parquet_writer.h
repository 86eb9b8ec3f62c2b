/* parquet_writer.h - the Parquet output format (registered by the engine).
 *
 * Writes flat Parquet files (format 2.x metadata, data page v1) from
 * pf_batches: PLAIN and RLE_DICTIONARY encodings, column chunk statistics,
 * snappy/gzip/zstd/lz4_raw/no compression, row groups bounded by
 * output.row_group_size and output.row_group_bytes (parquet_options.c). Output is strictly
 * sequential. Internals: parquet_writer_internal.h.
 */
#ifndef PF_WRITERS_PARQUET_WRITER_H
#define PF_WRITERS_PARQUET_WRITER_H

#include "core/format_api.h"

extern const pf__writer_ops pf__parquet_writer_ops;
extern const pf__option_table pf__parquet_option_table; /* output.* */

/* How a column is stored when not in its type's natural Parquet type: for
 * table writers whose columns have narrower types than PyForge's (Delta's
 * integer, short, byte and float). The batch still holds int64 / double
 * values; the caller checked that every value fits. */
typedef enum pf__pq_store {
  PF__PQ_STORE_NATURAL = 0,
  PF__PQ_STORE_INT32,       /* int64 column as INT32                         */
  PF__PQ_STORE_INT16,       /* int64 column as INT32 + INT(16, signed)       */
  PF__PQ_STORE_INT8,        /* int64 column as INT32 + INT(8, signed)        */
  PF__PQ_STORE_FLOAT        /* double column as FLOAT                        */
} pf__pq_store;

/* Opens a Parquet writer like pf__parquet_writer_ops.open, with store[i]
 * the storage of column i (NULL: every column natural). PF_EINVAL when a
 * store does not suit its column's type. */
pf_status pf__parquet_writer_open_stored(const pf__writer_env *env, const uint8_t *store,
                                         void **state, pf_error *err);

#endif
