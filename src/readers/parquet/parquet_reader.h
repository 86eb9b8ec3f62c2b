/* parquet_reader.h - Parquet as an input format: for now `pyforge info`
 * only (schema, row groups, codecs, statistics from the footer). Reading
 * the rows (next()) answers PF_EUNSUPPORTED until conversion from Parquet
 * lands. */
#ifndef PF_READERS_PARQUET_READER_H
#define PF_READERS_PARQUET_READER_H

#include "core/format_api.h"

extern const pf__reader_ops pf__parquet_reader_ops;

#endif
