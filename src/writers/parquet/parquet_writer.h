/* parquet_writer.h - the Parquet output format (registered by the engine).
 *
 * Writes flat Parquet files (format 2.x metadata, data page v1) from
 * pf_batches: PLAIN and RLE_DICTIONARY encodings, column chunk statistics,
 * snappy/gzip/zstd/lz4_raw/no compression, row groups bounded by
 * opts->row_group_rows and opts->row_group_bytes. Output is strictly
 * sequential. Internals: parquet_writer_internal.h.
 */
#ifndef PF_WRITERS_PARQUET_WRITER_H
#define PF_WRITERS_PARQUET_WRITER_H

#include "core/format_api.h"

extern const pf__writer_ops pf__parquet_writer_ops;

#endif
