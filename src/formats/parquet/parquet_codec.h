/* parquet_codec.h - Parquet page compression: what the Parquet writer and
 * the Delta checkpoint writer compress with (decompression, of more codecs
 * and framings, is parquet_page_read.c's). CompressionCodec values
 * (parquet.thrift): 0 none, 1 snappy, 2 gzip, 6 zstd, 7 lz4_raw.
 */
#ifndef PF_FORMATS_PARQUET_CODEC_H
#define PF_FORMATS_PARQUET_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/opts.h"

typedef struct pf__pq_codec pf__pq_codec;

/* Checks codec and level (PF_EINVAL with a message when out of range) and
 * prepares up to n_ctx reusable compression contexts. */
pf_status pf__pq_codec_create(pf__compression codec, int level, int n_ctx,
                              pf__pq_codec **out, pf_error *err);
void pf__pq_codec_free(pf__pq_codec *c);
/* The CompressionCodec value written in ColumnMetaData. */
int pf__pq_codec_id(const pf__pq_codec *c);
int pf__pq_codec_is_none(const pf__pq_codec *c);
/* The most pf__pq_compress can make of n bytes (never less than it
 * writes, maybe more). */
size_t pf__pq_compress_bound(const pf__pq_codec *c, size_t n);
/* dst = compress(src). Thread-safe. PF_ENOMEM, PF_ELIMIT, PF_EINTERNAL. */
pf_status pf__pq_compress(pf__pq_codec *c, const uint8_t *src, size_t n,
                          pf__buf *dst);

#endif
